/* libFuzzer target: the apk installed-database parser, with file lists. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/apk_installed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct apk_pkg_list l = {0};
    struct strata_error err = {0};
    int rc = apk_installed_parse(data, size, "lib/apk/db/installed", 1, &l, &err);
    if (rc != 0 && strncmp(err.msg, "lib/apk/db/installed: line ", 27) != 0 && rc != STRATA_ENOMEM)
        __builtin_trap();
    for (size_t i = 0; i < l.n; i++) {
        if (l.v[i].name == NULL || l.v[i].version == NULL)
            __builtin_trap();
        for (size_t j = 0; j < l.v[i].n_files; j++)
            if (l.v[i].files[j][0] != '/')
                __builtin_trap();
    }
    apk_pkg_list_free(&l);
    return 0;
}
