/* libFuzzer target: the os-release parser and the one-line release-file parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/os_release.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct os_release r = {0};
    struct strata_error err = {0};
    int rc = os_release_parse((const char *)data, size, "etc/os-release", &r, &err);
    if (rc != 0 && strncmp(err.msg, "etc/os-release: line ", 21) != 0 && rc != STRATA_ENOMEM)
        __builtin_trap();
    os_release_clear(&r);
    struct release_line rl = {0};
    release_line_parse((const char *)data, size, &rl);
    release_line_clear(&rl);
    return 0;
}
