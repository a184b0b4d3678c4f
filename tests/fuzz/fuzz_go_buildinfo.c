/* libFuzzer target: the Go build info reader (ELF headers, section lookup, magic scan, both
 * layouts, module info lines) and the stdlib version spelling. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/go_buildinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct go_buildinfo bi;
    struct strata_error err = {0};
    int rc = go_buildinfo_parse(data, size, "usr/bin/x", &bi, &err);
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, "usr/bin/x: ", 11) != 0)
        __builtin_trap();
    if (rc != 0 && rc != STRATA_ENOTFOUND && rc != STRATA_EFORMAT && rc != STRATA_ELIMIT &&
        rc != STRATA_ENOMEM)
        __builtin_trap();
    if (rc == 0) {
        char v[64];
        if (bi.go_version == NULL)
            __builtin_trap();
        (void)go_stdlib_version(bi.go_version, v, sizeof v);
    }
    go_buildinfo_free(&bi);
    return 0;
}
