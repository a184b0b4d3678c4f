/* libFuzzer target: the YAML ignore-file parser, then matching against a small report. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/ignorefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ignore_list l;
    struct strata_error err = {0};
    int rc = ignorefile_parse((const char *)data, size, "ign.yaml", &l, &err);
    if (rc != 0) {
        if (rc != STRATA_ENOMEM && strncmp(err.msg, "ign.yaml:", 9) != 0)
            __builtin_trap();
        if (l.n != 0 || l.v != NULL)
            __builtin_trap();
        return 0;
    }
    char *aliases[] = {"GHSA-aaaa-bbbb-cccc"};
    struct strata_vulnerability v = {.id = "CVE-2023-0001",
                                     .aliases = aliases,
                                     .n_aliases = 1,
                                     .package_name = "libssl3",
                                     .source_name = "openssl"};
    for (size_t i = 0; i < l.n; i++) {
        if (l.v[i].id == NULL || l.v[i].id[0] == '\0' || l.v[i].line < 1)
            __builtin_trap();
        if (l.v[i].expires != 0 && (l.v[i].expires < 10000101 || l.v[i].expires > 99991231))
            __builtin_trap();
    }
    const struct ignore_entry *e = ignore_list_find(&l, &v, 20240601);
    if (e != NULL && !ignore_entry_matches(e, &v))
        __builtin_trap();
    ignore_list_free(&l);
    return 0;
}
