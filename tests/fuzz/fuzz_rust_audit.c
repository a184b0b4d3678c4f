/* libFuzzer target: the cargo-auditable reader. Inputs starting with the ELF magic go through
 * the ELF layer (section lookup); others are taken as the .dep-v0 section itself (zlib, then
 * JSON), so the fuzzer reaches the inflate bound and the JSON shape checks directly. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/rust_audit_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rust_audit a;
    struct strata_error err = {0};
    int rc;
    if (size >= 4 && memcmp(data,
                            "\x7f"
                            "ELF",
                            4) == 0)
        rc = rust_audit_parse_elf(data, size, "usr/bin/x", &a, &err);
    else
        rc = rust_audit_parse_section(data, size, 0, "usr/bin/x", &a, &err);
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, "usr/bin/x: ", 11) != 0)
        __builtin_trap();
    if (rc != 0 && rc != STRATA_ENOTFOUND && rc != STRATA_EFORMAT && rc != STRATA_ELIMIT &&
        rc != STRATA_ENOMEM)
        __builtin_trap();
    for (size_t i = 0; rc == 0 && i < a.n; i++)
        for (size_t k = 0; k < a.v[i].n_deps; k++)
            if (a.v[i].deps[k] >= a.n || a.v[i].name == NULL || a.v[i].version == NULL)
                __builtin_trap();
    rust_audit_free(&a);
    return 0;
}
