/* OSV affected-range evaluation (the OSV schema's "evaluation" algorithm): is one installed
 * version inside the ranges and versions[] of an affected entry, and which fix applies. */
#ifndef STRATA_VULNDB_OSV_RANGE_H
#define STRATA_VULNDB_OSV_RANGE_H

#include "strata/error.h"
#include "strata/version.h"

struct osv_verdict {
    int affected;    /* 1 when the version is affected */
    char fixed[256]; /* the lowest fixed event above the version, "" when none is known */
    int skipped;     /* ranges left out: GIT and unknown types (cannot be judged) */
    int invalid;     /* ranges left out because the comparator rejected a version in them */
    char invalid_version[128]; /* the first such version, for the warning */
};

/* ranges_json: the OSV ranges array as stored in the database; versions_json: the versions[]
 * array. ECOSYSTEM ranges use eco_type, SEMVER ranges the semver comparator. Returns 0, or
 * STRATA_EFORMAT when the stored JSON itself is malformed (err names it). An installed
 * version the comparator rejects makes every range skipped, not an error. */
int osv_evaluate(const char *ranges_json, const char *versions_json,
                 enum strata_version_type eco_type, const char *version, struct osv_verdict *out,
                 struct strata_error *err);

#endif
