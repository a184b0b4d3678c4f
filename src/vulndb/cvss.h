/* CVSS v3.0 / v3.1 base scores from vector strings
 * ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N").
 *
 * The base score uses the formulas of the FIRST CVSS v3.1 specification, section 7.1, which are
 * the same as v3.0's for the base metrics. The versions differ only in Roundup:
 *   - v3.0 (section 8.1 of its specification): "the smallest number, specified to one decimal
 *     place, that is equal to or higher than its input", computed here as ceil(x * 10) / 10.
 *   - v3.1 (Appendix A): the input is first scaled to an integer, round(x * 100000); when that
 *     is a multiple of 10000 the result is it / 100000, else (floor(it / 10000) + 1) / 10. This
 *     removes the floating-point artefacts where ceil() turned 4.000000000000001 into 4.1.
 * A "CVSS:3.0/" vector is scored with the v3.0 Roundup, a "CVSS:3.1/" vector with the v3.1 one,
 * as each version's official calculator does. Over all 2,592 base-metric combinations the two
 * give the same base score (tests/unit/test_cvss.c checks this); they can differ only on inputs
 * that land within floating-point error of a tenth, which base scores do not.
 *
 * Parsing: the prefix "CVSS:3.0/" or "CVSS:3.1/", then "/"-separated METRIC:VALUE pairs in any
 * order. All 8 base metrics (AV AC PR UI S C I A) are required, each exactly once. Temporal
 * (E RL RC) and environmental (CR IR AR MAV MAC MPR MUI MS MC MI MA) metrics may appear, each at
 * most once and with a valid value; they are checked but do not change the base score. Anything
 * else (unknown metric, bad value, duplicate, empty component, trailing "/", over 256 bytes) is
 * STRATA_EFORMAT with a message naming the vector and the 1-based character position. */
#ifndef STRATA_VULNDB_CVSS_H
#define STRATA_VULNDB_CVSS_H

#include "strata/error.h"

/* The longest vector accepted: all 22 metrics with separators fit in about 130 bytes. */
#define CVSS3_VECTOR_MAX 256

/* Parses vector and stores its base score (0.0 to 10.0, one decimal) in *score. Returns 0, or
 * STRATA_EFORMAT / STRATA_ELIMIT with err set; *score is untouched on error. */
int cvss3_base_score(const char *vector, double *score, struct strata_error *err);

/* The qualitative rating (specification section 5): 0.0 "NONE", 0.1-3.9 "LOW", 4.0-6.9 "MEDIUM",
 * 7.0-8.9 "HIGH", 9.0-10.0 "CRITICAL"; "UNKNOWN" for a value outside [0, 10] or NaN. */
const char *cvss3_severity(double score);

/* The two Roundup definitions, exposed for tests and for callers that score sub-formulas. */
double cvss30_roundup(double x);
double cvss31_roundup(double x);

#endif
