/* Reporters: render one struct strata_report as a table for people, the versioned strata JSON
 * report for scripts (docs/report-schema.md), an SBOM (CycloneDX 1.5 JSON, SPDX 2.3 JSON) or
 * SARIF 2.1.0 for code-scanning dashboards. Reporters only read the report; they never decide
 * what is in it. */
#ifndef STRATA_REPORTER_H
#define STRATA_REPORTER_H

#include <stdio.h>

#include "strata/error.h"
#include "strata/report.h"

enum strata_format {
    STRATA_FORMAT_TABLE,
    STRATA_FORMAT_JSON,
    STRATA_FORMAT_CYCLONEDX,
    STRATA_FORMAT_SPDX,
    STRATA_FORMAT_SARIF,
};

struct strata_report_write_opts {
    /* Version of the producing tool, recorded in SBOM metadata. NULL means "unknown". */
    const char *tool_version;
    /* Creation time recorded in SBOMs, as RFC 3339 UTC ("2024-01-02T03:04:05Z"). When NULL the
     * environment variable SOURCE_DATE_EPOCH (seconds since the epoch) is used if set, else the
     * current time: fixing it makes SBOM output byte-for-byte reproducible. */
    const char *timestamp;
    /* Non-zero: the table may use ANSI colors. The caller decides (isatty, NO_COLOR, flags). */
    int color;
    /* Non-zero: findings the gate suppressed (ignore file, VEX) are printed too, each with its
     * suppression. Zero (the default): every format leaves them out. */
    int show_suppressed;
};

/* Parses a --format value: "table", "json", "cyclonedx" (also "cyclonedx-json", "cdx"),
 * "spdx" (also "spdx-json"), "sarif"; case-insensitive. Returns 0, or STRATA_EUSAGE for anything
 * else (then *out is untouched). */
int strata_format_parse(const char *name, enum strata_format *out);

/* Canonical name of a format ("table", "json", "cyclonedx", "spdx", "sarif"), "?" when out of
 * range. */
const char *strata_format_name(enum strata_format f);

/* Writes r to out in format f. opts may be NULL (defaults: no color, unknown version, time
 * from SOURCE_DATE_EPOCH or now). The stream is flushed but not closed. Returns 0, or
 * STRATA_EUSAGE (bad format or timestamp), STRATA_ENOMEM, STRATA_EIO (write failed). */
int strata_report_write(const struct strata_report *r, enum strata_format f, FILE *out,
                        const struct strata_report_write_opts *opts, struct strata_error *err);

#endif
