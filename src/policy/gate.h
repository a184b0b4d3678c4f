/* The CI gate: applies exceptions (ignore file, VEX, --ignore-unfixed) to a filled report and
 * counts the findings that should fail the build. Pure library code: no printing, no exit.
 * docs/gate.md documents the formats and the CLI flags built on it. */
#ifndef STRATA_POLICY_GATE_H
#define STRATA_POLICY_GATE_H

#include <stddef.h>

#include "strata/error.h"
#include "strata/report.h"

/* Bit of one severity in a mask: GATE_SEVERITY_BIT(strata_severity_rank(s)). */
#define GATE_SEVERITY_BIT(rank) (1u << (unsigned)(rank))
/* Every severity, UNKNOWN through CRITICAL (a mask of 0 means the same). */
#define GATE_SEVERITY_ALL 0x1fu

struct gate_options {
    unsigned severities;    /* GATE_SEVERITY_BIT per listed severity; 0 = every severity */
    int ignore_unfixed;     /* suppress findings without a fixed version */
    const char *ignorefile; /* YAML ignore file, or NULL */
    const char *vex;        /* OpenVEX JSON document, or NULL */
    const char *today;      /* "YYYY-MM-DD" (tests); NULL = the current UTC date */
};

/* Parses a comma-separated severity list ("HIGH,CRITICAL"; case-insensitive; blanks around
 * items allowed; UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL) into *mask. An empty list or item, or
 * an unknown name, is STRATA_EUSAGE with a message naming the item. */
int gate_parse_severities(const char *list, unsigned *mask, struct strata_error *err);

/* 1 when a finding of this severity ("HIGH", …; anything unrecognised counts as UNKNOWN) is
 * selected by mask (0 selects every severity). */
int gate_severity_selected(unsigned mask, const char *severity);

/* Drops the secrets and misconfigurations whose severity mask does not select (--severity
 * also decides what is shown). */
void gate_keep_checks(struct strata_report *r, unsigned mask);

/* The secrets and misconfigurations at the severities of mask (0: all), plus the packages
 * with a license --license-deny names: the other findings --exit-code fails on. */
size_t gate_count_checks(const struct strata_report *r, unsigned mask);

/* Applies the gate to r, in this order of precedence for each finding not already suppressed:
 *   1. the first ignore-file entry in force today that names it -> suppressed_by "ignorefile",
 *      suppression_reason = the entry's reason (or "FILE:LINE" when it gives none);
 *   2. the deciding VEX statement, when its status is not_affected or fixed -> "vex",
 *      reason "vex: STATUS: JUSTIFICATION-or-IMPACT" (just "vex: STATUS" when neither);
 *   3. with ignore_unfixed, no fixed_version -> "ignore-unfixed", reason "no fixed version"
 *      (with the finding's status in parentheses when it has one).
 * Appends to r->vuln_scan.warnings one line per ignore entry expired before today:
 *   "FILE:LINE: ignore entry for ID expired on YYYY-MM-DD; it no longer suppresses".
 * Entries and statements that match nothing are not reported.
 * Sets *n_failing (may be NULL) to the number of findings not suppressed whose severity is in
 * o->severities. Files are read and validated before the report is touched, so a format error
 * (STRATA_EFORMAT/ELIMIT/EIO, or STRATA_EUSAGE for a bad o->today) leaves r unchanged;
 * STRATA_ENOMEM may leave it partly marked. Call it once per report. */
int gate_apply(struct strata_report *r, const struct gate_options *o, size_t *n_failing,
               struct strata_error *err);

#endif
