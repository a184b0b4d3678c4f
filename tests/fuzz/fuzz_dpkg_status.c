/* libFuzzer target: the dpkg control-file parser, both as a status file and as a distroless
 * status.d file (the first input byte picks which). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/dpkg_status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int optional = size > 0 && (data[0] & 1);
    struct dpkg_pkg_list l = {0};
    struct strata_error err = {0};
    int rc = dpkg_parse_packages(data, size, "var/lib/dpkg/status", optional, &l, &err);
    /* An error always says where: "path: line N: …". */
    if (rc != 0 && strncmp(err.msg, "var/lib/dpkg/status: line ", 26) != 0 && rc != STRATA_ENOMEM)
        __builtin_trap();
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i].name == NULL || l.v[i].version == NULL || l.v[i].source_name == NULL ||
            l.v[i].source_version == NULL || strchr(l.v[i].name, '/') != NULL)
            __builtin_trap();
    dpkg_pkg_list_free(&l);
    return 0;
}
