/* libFuzzer target: the go.mod parser and replacement resolution, and the go.sum parser on
 * the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/gomod.h"
#include "inventory/gosum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gomod m;
    struct strata_error err = {0};
    int rc = gomod_parse(data, size, "x/go.mod", &m, &err);
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, "x/go.mod:", 9) != 0)
        __builtin_trap();
    if (rc != 0 && rc != STRATA_EFORMAT && rc != STRATA_ELIMIT && rc != STRATA_ENOMEM)
        __builtin_trap();
    for (size_t i = 0; rc == 0 && i < m.n_req; i++) {
        const char *p, *v;
        gomod_resolve(&m, &m.req[i], &p, &v);
        if (p != NULL && (v == NULL || v[0] != 'v'))
            __builtin_trap();
    }
    gomod_free(&m);
    struct gosum s;
    rc = gosum_parse(data, size, "x/go.sum", &s, &err);
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, "x/go.sum:", 9) != 0)
        __builtin_trap();
    for (size_t i = 0; rc == 0 && i < s.n; i++)
        if (s.v[i].path[0] == '\0' || s.v[i].version[0] == '\0')
            __builtin_trap();
    gosum_free(&s);
    return 0;
}
