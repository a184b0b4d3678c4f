/* libFuzzer target: container attribution from cgroup paths and /proc/PID/cgroup content,
 * and the `docker inspect` metadata reader (--containers). The first byte picks the parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime/container_id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ident_ok(const struct ct_ident *ct, int r)
{
    size_t n = strnlen(ct->id, sizeof(ct->id));
    if (n == sizeof(ct->id))
        return 0;
    if (r == 0)
        return strcmp(ct->id, "host") == 0 && strcmp(ct->type, "host") == 0;
    if (n != 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((ct->id[i] >= '0' && ct->id[i] <= '9') || (ct->id[i] >= 'a' && ct->id[i] <= 'f')))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    struct ct_ident ct;
    switch (data[0] % 3) {
    case 0:
        if (!ident_ok(&ct, ct_from_cgroup_path(s, n, &ct)))
            __builtin_trap();
        break;
    case 1:
        if (!ident_ok(&ct, ct_from_proc_cgroup(s, n, &ct)))
            __builtin_trap();
        break;
    default: {
        struct ct_meta *m = NULL;
        struct strata_error err = {0};
        int rc = ct_meta_parse(s, n, "inspect.json", &m, &err);
        if (rc != 0 && (m != NULL || strstr(err.msg, "inspect.json") == NULL))
            __builtin_trap();
        ct_meta_free(m);
    }
    }
    return 0;
}
