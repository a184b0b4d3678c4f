/* SBOM documents as a source: CycloneDX JSON (1.2–1.6) and SPDX JSON (2.2, 2.3) read into a
 * report (target, OS, packages) that the matcher and reporters take like an image scan's.
 * See docs/strata-sbom.md for the purl mapping and what is not covered. */
#ifndef STRATA_SOURCE_SBOM_H
#define STRATA_SOURCE_SBOM_H

#include <stddef.h>

#include "strata/error.h"
#include "strata/report.h"

#define SBOM_MAX_BYTES (256u << 20) /* the whole document */
#define SBOM_MAX_COMPONENTS 1000000 /* components or packages, nested ones included */
#define SBOM_MAX_DEPTH 32           /* CycloneDX components nested in components */

struct sbom_read {
    char format[16];       /* "CycloneDX" or "SPDX" */
    char spec_version[16]; /* "1.5", "2.3" */
    size_t n_components;   /* components read, the subject and the OS left out */
    size_t n_packages;     /* packages added to the report */
    /* What was read but cannot be checked (components without a purl, purls that do not
     * parse, purl types without advisories): one message each, for stderr and the report. */
    char **warnings;
    size_t n_warnings;
};

/* Reads the SBOM at path into r (its target, OS and packages; r should be fresh). Returns 0, or
 * STRATA_EIO (cannot read), STRATA_EFORMAT (not JSON, not an SBOM, wrong types: the message
 * names the file and the JSON line:column or the member path), STRATA_ELIMIT (a bound above),
 * STRATA_ENOMEM. */
int sbom_read_file(const char *path, struct strata_report *r, struct sbom_read *out,
                   struct strata_error *err);
/* The same on len bytes in memory; name is used in messages. */
int sbom_read_mem(const char *name, const char *data, size_t len, struct strata_report *r,
                  struct sbom_read *out, struct strata_error *err);
void sbom_read_release(struct sbom_read *s);

#endif
