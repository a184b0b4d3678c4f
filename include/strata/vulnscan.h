/* Vulnerability matching: the report's packages against a strata vulnerability database
 * (built by `strata db build|update`, schema in src/vulndb/vulndb.h). */
#ifndef STRATA_VULNSCAN_H
#define STRATA_VULNSCAN_H

#include "strata/error.h"
#include "strata/report.h"

struct strata_match_options {
    /* Also match language packages found in files an OS package owns (os_package set). By
     * default they are listed but not matched: the distribution patches them without
     * changing the upstream version, and its own feed judges the OS package. What is
     * compiled_in is matched either way. */
    int include_os_owned;
};

/* Opens the database at db_path read-only, appends one finding per (vulnerability, package) to
 * r->vulnerabilities (sorted, most severe first) and fills r->vuln_scan, with a warning for
 * every part of the inventory the database cannot judge (an OS release or ecosystem it has no
 * data for, a version it cannot parse) and for a stale database. opts may be NULL (defaults).
 * Returns 0, STRATA_ENOTFOUND when there is no database (the message says how to get one), or
 * another STRATA_E* code. */
int strata_match_vulnerabilities(struct strata_report *r, const char *db_path,
                                 const struct strata_match_options *opts, struct strata_error *err);

#endif
