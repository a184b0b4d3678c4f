/* The scan record store (docs/policy.md, "Scan records"): one SQLite file where every
 * `strata image` scan leaves what the policy needs to judge the image later without scanning
 * it again — which image (reference, digest), when, with which vulnerability database, how
 * many findings of each severity (and how many of those have a fix), which image checks
 * fired, which license expressions the packages carry.
 *
 * Where: $STRATA_SCANS_DB, else "scans.db" in the directory of the default vulnerability
 * database ($STRATA_DB's directory, else $XDG_CACHE_HOME/strata/db, else
 * ~/.cache/strata/db). A --db given to one scan does not move it: the store is one per user.
 *
 * Schema (SCAN_STORE_SCHEMA_VERSION 1):
 *   meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)            'schema_version' = "1"
 *   scans(id INTEGER PRIMARY KEY, reference TEXT NOT NULL, source TEXT NOT NULL,
 *         kind TEXT NOT NULL, digest TEXT NOT NULL, scanned_at INTEGER NOT NULL (Unix s, UTC),
 *         db_built_at TEXT (RFC 3339; NULL when vulnerabilities were not matched),
 *         vulns_checked, secrets_checked, checks_checked INTEGER NOT NULL (0/1),
 *         severity_filter INTEGER NOT NULL (the --severity mask, GATE_SEVERITY_BIT per
 *         severity; 0 = none),
 *         packages INTEGER NOT NULL,
 *         unknown, low, medium, high, critical INTEGER NOT NULL  (findings not suppressed by
 *         an ignore file or VEX; --ignore-unfixed does not count as a suppression here),
 *         unknown_fixable … critical_fixable INTEGER NOT NULL    (those with a fixed version),
 *         suppressed INTEGER NOT NULL, secrets INTEGER NOT NULL,
 *         misconfigurations INTEGER NOT NULL, strata_version TEXT NOT NULL)
 *   scan_checks(scan INTEGER NOT NULL, id TEXT NOT NULL, severity TEXT NOT NULL, path TEXT)
 *   scan_licenses(scan INTEGER NOT NULL, expression TEXT NOT NULL, packages INTEGER NOT NULL,
 *                 example TEXT NOT NULL)
 *   index scans_digest ON scans(digest, scanned_at)
 *
 * Bounds: at most SCAN_STORE_KEEP records per digest (older ones are deleted when a new one
 * is added), SCAN_STORE_MAX_CHECKS checks and SCAN_STORE_MAX_LICENSES license expressions per
 * record (the rest counted, not stored: the record says it was cut). */
#ifndef STRATA_POLICY_SCAN_STORE_H
#define STRATA_POLICY_SCAN_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"
#include "strata/report.h"

#define SCAN_STORE_SCHEMA_VERSION 1
#define SCAN_STORE_KEEP 50
#define SCAN_STORE_MAX_CHECKS 20000
#define SCAN_STORE_MAX_LICENSES 5000
#define SCAN_STORE_MAX_LIST 100000

/* Severity ranks as strata_severity_rank gives them: index 0 UNKNOWN … 4 CRITICAL. */
#define SCAN_SEVERITIES 5

struct scan_check {
    char *id;       /* "CIS-DI-0001", … */
    char *severity; /* "HIGH", … */
    char *path;     /* NULL when the check is not about a file */
};

struct scan_license {
    char *expression; /* canonical SPDX expression */
    long packages;    /* packages naming it */
    char *example;    /* one of them, "name version" */
};

struct scan_record {
    int64_t id;
    char *reference; /* target.name (RepoTags[0], ref.name, the registry reference) */
    char *source;    /* what the scan was asked for (the SRC argument) */
    char *kind;      /* target.kind */
    char *digest;    /* target.digest */
    int64_t scanned_at;
    char *db_built_at; /* NULL when not matched */
    int vulns_checked, secrets_checked, checks_checked;
    unsigned severity_filter;
    long packages;
    long vulns[SCAN_SEVERITIES];
    long fixable[SCAN_SEVERITIES];
    long suppressed, secrets, misconfigurations;
    char *strata_version;
    /* Filled by scan_store_latest only. */
    struct scan_check *checks;
    size_t n_checks;
    struct scan_license *licenses;
    size_t n_licenses;
};
void scan_record_release(struct scan_record *r);

/* What the report does not say about how the scan ran. */
struct scan_record_meta {
    const char *source;       /* the SRC argument */
    unsigned skip;            /* strata_scan_opts.skip (STRATA_SCANNER_* not run) */
    unsigned severity_filter; /* the --severity mask, 0 when none */
    int64_t scanned_at;       /* 0: now */
    const char *tool_version; /* NULL: "unknown" */
};

struct scan_store;

/* $STRATA_SCANS_DB, else scans.db next to the default vulnerability database. Returns 0,
 * STRATA_ELIMIT when it does not fit, STRATA_ENOTFOUND without any home directory. */
int scan_store_default_path(char *out, size_t cap);

/* Opens (create: creating it and its directory, mode 0700, when absent) the store at path
 * (NULL: the default). Without create, a missing store is STRATA_ENOTFOUND. A file that is not
 * a scan store, or of another schema version, is STRATA_EFORMAT naming the path. */
int scan_store_open(const char *path, int create, struct scan_store **out,
                    struct strata_error *err);
void scan_store_close(struct scan_store *s);
const char *scan_store_path(const struct scan_store *s);

/* Records a scan of r (an image report: target.digest must be set). *id may be NULL. */
int scan_store_add(struct scan_store *s, const struct strata_report *r,
                   const struct scan_record_meta *m, int64_t *id, struct strata_error *err);

/* The newest record of digest, with its checks and licenses: *found 0 when there is none. */
int scan_store_latest(struct scan_store *s, const char *digest, struct scan_record *out, int *found,
                      struct strata_error *err);

/* Records newest first, of one digest or (digest NULL) of every image, at most limit
 * (0: SCAN_STORE_MAX_LIST). *out is malloc'd (free each with scan_record_release, then it). */
int scan_store_list(struct scan_store *s, const char *digest, size_t limit,
                    struct scan_record **out, size_t *n, struct strata_error *err);

/* The one call a scan makes: opens (creating) the store at path (NULL: the default), adds
 * the record and closes it. */
int scan_store_record(const char *path, const struct strata_report *r,
                      const struct scan_record_meta *m, struct strata_error *err);

#endif
