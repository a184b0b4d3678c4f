/* libFuzzer target: the SBOM reader (CycloneDX and SPDX JSON). Whatever the input, it either
 * fails with a message naming the document, or every package it adds has a type, a name and
 * a purl, and its warnings name the document. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "source/sbom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strata_report *r = strata_report_new();
    if (r == NULL)
        return 0;
    struct sbom_read sr;
    struct strata_error err = {0};
    int rc = sbom_read_mem("f.json", (const char *)data, size, r, &sr, &err);
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, "f.json", 6) != 0)
        __builtin_trap();
    if (rc == 0) {
        for (size_t i = 0; i < r->n_packages; i++) {
            const struct strata_package *p = &r->packages[i];
            if (p->type == NULL || p->name == NULL || p->purl == NULL)
                __builtin_trap();
        }
        for (size_t i = 0; i < sr.n_warnings; i++)
            if (strncmp(sr.warnings[i], "f.json", 6) != 0)
                __builtin_trap();
        if (r->target.kind == NULL || strcmp(r->target.kind, "sbom") != 0)
            __builtin_trap();
    }
    sbom_read_release(&sr);
    strata_report_free(r);
    return 0;
}
