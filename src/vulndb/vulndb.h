/* The vulnerability database: one SQLite file built from public feeds (OSV, the Debian
 * security tracker JSON, Alpine secdb) and read by the matcher.
 *
 * Schema (VULNDB_SCHEMA_VERSION 1) — the contract between importers and the matcher:
 *
 *   meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)
 *     'schema_version' = "1", 'built_at' = RFC 3339 UTC time of the build,
 *     'strata_version' = the builder's version.
 *   sources(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, location TEXT NOT NULL,
 *           records INTEGER NOT NULL, newest TEXT, ecosystems TEXT NOT NULL)
 *     kind: "osv" | "debian-tracker" | "alpine-secdb"; location: the path or URL given;
 *     records: advisories imported (withdrawn ones excluded); newest: newest
 *     modified/published date among them (RFC 3339) or NULL; ecosystems: sorted, comma-joined.
 *   advisories(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, advisory_id TEXT NOT NULL,
 *              summary TEXT, published TEXT, modified TEXT, cvss_v3 TEXT,
 *              UNIQUE(source_id, advisory_id))
 *     advisory_id: "DSA-5380-1", "GO-2023-1234", "PYSEC-…", and for the CVE-keyed feeds
 *     (Debian tracker, Alpine secdb) the CVE id itself. cvss_v3: the first CVSS_V3 vector of
 *     OSV severity[] ("CVSS:3.1/AV:N/…"), else NULL.
 *   aliases(advisory INTEGER NOT NULL, alias TEXT NOT NULL, PRIMARY KEY(advisory, alias))
 *     every id from OSV aliases[] and upstream[] (CVE ids and others), never the id itself.
 *   affected(id INTEGER PRIMARY KEY, advisory INTEGER NOT NULL, ecosystem TEXT NOT NULL,
 *            package TEXT NOT NULL, status TEXT NOT NULL, severity TEXT, ranges TEXT NOT NULL,
 *            versions TEXT NOT NULL)
 *     ecosystem: OSV spelling — "Debian:11", "Alpine:v3.11", "Go", "PyPI", "npm", "crates.io",
 *     "Maven", "RubyGems", "Packagist", "NuGet"; a Debian tracker entry for bullseye is
 *     "Debian:11" (codename mapped), an Alpine secdb file for v3.11 is "Alpine:v3.11".
 *     package: the name the matcher looks up — Debian source package, Alpine origin, PyPI
 *     normalised per PEP 503, others as the ecosystem spells them.
 *     status: "fixed" (a fixed event exists), "affected" (no fix yet), "will_not_fix",
 *     "fix_deferred".
 *     severity: the distribution's own rating mapped to CRITICAL/HIGH/MEDIUM/LOW/UNKNOWN
 *     (Debian urgency: unimportant/low -> LOW, medium -> MEDIUM, high -> HIGH,
 *     end-of-life / not yet assigned -> UNKNOWN), NULL when the source has none.
 *     ranges: OSV ranges as compact JSON, events in the order given
 *     ([{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2-1"}]}]) or "[]";
 *     versions: JSON array of explicitly listed affected versions or "[]".
 *   index affected_lookup ON affected(ecosystem, package)
 */
#ifndef STRATA_VULNDB_H
#define STRATA_VULNDB_H

#include <sqlite3.h>
#include <stddef.h>

#include "strata/error.h"

#define VULNDB_SCHEMA_VERSION 1
/* A database older than this is stale: scans warn and say how to update. */
#define VULNDB_STALE_DAYS 7

struct vulndb_build_options {
    int progress;             /* print progress on stderr (callers set it when stderr is a TTY) */
    const char *tool_version; /* stored as meta 'strata_version'; NULL: "unknown" */
    /* What to record as each source's location (e.g. the URL a download came from), parallel
     * to sources; NULL, or a NULL entry, records the source path itself. */
    const char *const *locations;
};

/* Builds a database at output from sources (files, zips or directories, each detected by
 * content). Writes a temporary file next to output, fsyncs it and renames it into place, so
 * readers never see a partial database and a failed build leaves the old one intact. */
int vulndb_build(const char *output, char *const *sources, size_t n_sources,
                 const struct vulndb_build_options *opt, struct strata_error *err);

/* What a build did, for the summary 'strata db build' prints. */
struct vulndb_build_stats {
    long advisories;       /* advisories rows written */
    long affected;         /* affected rows written */
    long aliases;          /* aliases rows written */
    long documents;        /* JSON documents read (zip members, files) */
    long withdrawn;        /* OSV records skipped because they are withdrawn */
    long not_affected;     /* tracker fixed_version "0" and secdb version "0" entries */
    long undetermined;     /* tracker entries with status undetermined (or another status) */
    long unknown_releases; /* tracker entries for sid or an unknown codename */
    long unparsed_ids;     /* secdb identifier strings holding no usable id */
    double seconds;        /* wall time of the build */
};

/* vulndb_build, also reporting what it did (stats may be NULL). */
int vulndb_build_ex(const char *output, char *const *sources, size_t n_sources,
                    const struct vulndb_build_options *opt, struct vulndb_build_stats *stats,
                    struct strata_error *err);

/* Opens a database read-only and checks its schema version. On ENOTFOUND (no file) the message
 * says how to get one ("run 'strata db update' or pass --db FILE"). */
int vulndb_open(const char *path, sqlite3 **out, struct strata_error *err);

/* $STRATA_DB, else $XDG_CACHE_HOME/strata/db/strata.db, else ~/.cache/strata/db/strata.db.
 * explicit (from --db) wins when not NULL (empty variables count as unset; without HOME the
 * password database's home directory is used). Returns 0, STRATA_ELIMIT when it does not fit,
 * or STRATA_ENOTFOUND when there is no home directory at all. */
int vulndb_default_path(const char *explicit_path, char *out, size_t cap);

#endif
