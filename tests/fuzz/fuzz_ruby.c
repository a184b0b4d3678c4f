/* libFuzzer target: the gemspec line scanner and the Gemfile.lock reader. The first byte picks
 * the parser (even: gemspec, odd: lockfile); the rest is the file. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/ruby_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct strata_error err = {0};
    int rc;
    if ((data[0] & 1) == 0) {
        struct gemspec g;
        rc = ruby_parse_gemspec(data + 1, size - 1, "x.gemspec", &g, &err);
        if (rc == 0 &&
            (g.name == NULL || g.version == NULL || !ruby_valid_gem_name(g.name, strlen(g.name))))
            __builtin_trap();
        gemspec_free(&g);
    } else {
        struct gem_lock l;
        rc = ruby_parse_gemfile_lock(data + 1, size - 1, "x.gemspec", &l, &err);
        for (size_t i = 0; rc == 0 && i < l.n; i++)
            if (l.v[i].name == NULL || l.v[i].version == NULL || l.v[i].version[0] == '\0')
                __builtin_trap();
        gem_lock_free(&l);
    }
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, "x.gemspec", 9) != 0)
        __builtin_trap();
    if (rc != 0 && rc != STRATA_EFORMAT && rc != STRATA_ELIMIT && rc != STRATA_ENOMEM)
        __builtin_trap();
    return 0;
}
