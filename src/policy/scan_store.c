/* The scan record store: opening (and creating) it, and adding one scan's record. Reading is
 * in scan_store_read.c. */
#include "policy/scan_store.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/strmap.h"
#include "policy/gate.h"
#include "policy/scan_store_internal.h"
#include "strata/scan.h"
#include "vulndb/vulndb.h"

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS scans(id INTEGER PRIMARY KEY, reference TEXT NOT NULL,"
    " source TEXT NOT NULL, kind TEXT NOT NULL, digest TEXT NOT NULL,"
    " scanned_at INTEGER NOT NULL, db_built_at TEXT, vulns_checked INTEGER NOT NULL,"
    " secrets_checked INTEGER NOT NULL, checks_checked INTEGER NOT NULL,"
    " severity_filter INTEGER NOT NULL, packages INTEGER NOT NULL,"
    " unknown INTEGER NOT NULL, low INTEGER NOT NULL, medium INTEGER NOT NULL,"
    " high INTEGER NOT NULL, critical INTEGER NOT NULL,"
    " unknown_fixable INTEGER NOT NULL, low_fixable INTEGER NOT NULL,"
    " medium_fixable INTEGER NOT NULL, high_fixable INTEGER NOT NULL,"
    " critical_fixable INTEGER NOT NULL, suppressed INTEGER NOT NULL,"
    " secrets INTEGER NOT NULL, misconfigurations INTEGER NOT NULL,"
    " strata_version TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS scans_digest ON scans(digest, scanned_at);"
    "CREATE TABLE IF NOT EXISTS scan_checks(scan INTEGER NOT NULL, id TEXT NOT NULL,"
    " severity TEXT NOT NULL, path TEXT);"
    "CREATE INDEX IF NOT EXISTS scan_checks_scan ON scan_checks(scan);"
    "CREATE TABLE IF NOT EXISTS scan_licenses(scan INTEGER NOT NULL, expression TEXT NOT NULL,"
    " packages INTEGER NOT NULL, example TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS scan_licenses_scan ON scan_licenses(scan);";

int ss_db_error(struct scan_store *s, const char *what, struct strata_error *err)
{
    return strata_error_set(err, STRATA_EIO, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

int scan_store_default_path(char *out, size_t cap)
{
    const char *env = getenv("STRATA_SCANS_DB");
    if (env != NULL && env[0] != '\0') {
        int n = snprintf(out, cap, "%s", env);
        return n < 0 || (size_t)n >= cap ? STRATA_ELIMIT : 0;
    }
    char db[PATH_MAX];
    int rc = vulndb_default_path(NULL, db, sizeof db);
    if (rc != 0)
        return rc;
    char *slash = strrchr(db, '/');
    int n = slash ? snprintf(out, cap, "%.*s/scans.db", (int)(slash - db), db)
                  : snprintf(out, cap, "scans.db");
    return n < 0 || (size_t)n >= cap ? STRATA_ELIMIT : 0;
}

/* mkdir -p of path's directory, new directories 0700 (the records say what was scanned). */
static int make_parent(const char *path, struct strata_error *err)
{
    char dir[PATH_MAX];
    int n = snprintf(dir, sizeof dir, "%s", path);
    if (n < 0 || (size_t)n >= sizeof dir)
        return strata_error_set(err, STRATA_ELIMIT, "%s: path too long", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return strata_error_set(err, STRATA_EIO, "%s: cannot create the directory: %s", dir,
                                    strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return strata_error_set(err, STRATA_EIO, "%s: cannot create the directory: %s", dir,
                                strerror(errno));
    return 0;
}

static int schema_version_check(struct scan_store *s, struct strata_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) != SQLITE_OK)
        return strata_error_set(err, STRATA_EFORMAT, "%s: not a strata scan store (%s)", s->path,
                                sqlite3_errmsg(s->db));
    int rc = 0;
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = strata_error_set(err, STRATA_EFORMAT, "%s: not a strata scan store (no version)",
                              s->path);
    else if (sqlite3_column_int(st, 0) != SCAN_STORE_SCHEMA_VERSION)
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: scan store schema version %.20s, this strata reads %d", s->path,
                              (const char *)sqlite3_column_text(st, 0), SCAN_STORE_SCHEMA_VERSION);
    sqlite3_finalize(st);
    return rc;
}

int scan_store_open(const char *path, int create, struct scan_store **out, struct strata_error *err)
{
    *out = NULL;
    char def[PATH_MAX];
    if (path == NULL) {
        int rc = scan_store_default_path(def, sizeof def);
        if (rc != 0)
            return strata_error_set(err, rc == STRATA_ELIMIT ? STRATA_ELIMIT : STRATA_ENOTFOUND,
                                    rc == STRATA_ELIMIT
                                        ? "the scan store path is too long"
                                        : "no home directory for the scan store; set "
                                          "STRATA_SCANS_DB");
        path = def;
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (!exists && !create)
        return strata_error_set(err, STRATA_ENOTFOUND,
                                "%s: no scan records yet ('strata image' records every scan)",
                                path);
    if (exists && !S_ISREG(st.st_mode))
        return strata_error_set(err, STRATA_EFORMAT, "%s: not a regular file", path);
    if (!exists) {
        int rc = make_parent(path, err);
        if (rc != 0)
            return rc;
    }
    struct scan_store *s = calloc(1, sizeof *s);
    if (s == NULL || (s->path = strdup(path)) == NULL) {
        free(s);
        return strata_error_nomem(err);
    }
    int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        int rc = strata_error_set(err, STRATA_EIO, "%s: %s", path,
                                  s->db ? sqlite3_errmsg(s->db) : "cannot open");
        scan_store_close(s);
        return rc;
    }
    /* Concurrent scans (CI jobs on one machine) wait for each other's writes. */
    sqlite3_busy_timeout(s->db, 10000);
    int rc = 0;
    if (create && !exists) {
        char sql[sizeof schema_sql + 128];
        snprintf(sql, sizeof sql,
                 "BEGIN;%sINSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '%d');"
                 "COMMIT;",
                 schema_sql, SCAN_STORE_SCHEMA_VERSION);
        if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            rc = ss_db_error(s, "creating the scan store", err);
        /* Readable by the owner only, like the directory. */
        if (rc == 0)
            chmod(path, 0600);
    }
    if (rc == 0)
        rc = schema_version_check(s, err);
    if (rc != 0) {
        scan_store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void scan_store_close(struct scan_store *s)
{
    if (s == NULL)
        return;
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

const char *scan_store_path(const struct scan_store *s)
{
    return s->path;
}

/* Per-record license aggregation: expression -> (packages, an example package). */
struct lic_count {
    const char *expr;
    long packages;
    const struct strata_package *example;
};

static int add_licenses(struct scan_store *s, int64_t id, const struct strata_report *r,
                        struct strata_error *err)
{
    struct strmap seen = STRMAP_INIT;
    struct lic_count *v = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (size_t i = 0; i < r->n_packages && rc == 0; i++) {
        const struct strata_package *p = &r->packages[i];
        for (size_t k = 0; k < p->n_licenses && rc == 0; k++) {
            const char *l = p->licenses[k];
            if (l == NULL || *l == '\0')
                continue;
            size_t at = (size_t)(uintptr_t)strmap_get(&seen, l);
            if (at != 0) {
                v[at - 1].packages++;
                continue;
            }
            if (n >= SCAN_STORE_MAX_LICENSES)
                continue;
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 64;
                struct lic_count *nv = realloc(v, nc * sizeof *nv);
                if (nv == NULL) {
                    rc = strata_error_nomem(err);
                    break;
                }
                v = nv, cap = nc;
            }
            v[n] = (struct lic_count){l, 1, p};
            if (strmap_put(&seen, l, (void *)(uintptr_t)(n + 1)) != 0)
                rc = strata_error_nomem(err);
            n++;
        }
    }
    sqlite3_stmt *st = NULL;
    if (rc == 0 && sqlite3_prepare_v2(s->db,
                                      "INSERT INTO scan_licenses(scan, expression, packages, "
                                      "example) VALUES(?1, ?2, ?3, ?4)",
                                      -1, &st, NULL) != SQLITE_OK)
        rc = ss_db_error(s, "recording licenses", err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char example[512];
        snprintf(example, sizeof example, "%s %s", v[i].example->name ? v[i].example->name : "?",
                 v[i].example->version ? v[i].example->version : "?");
        sqlite3_reset(st);
        if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
            sqlite3_bind_text(st, 2, v[i].expr, -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_int64(st, 3, v[i].packages) != SQLITE_OK ||
            sqlite3_bind_text(st, 4, example, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_DONE)
            rc = ss_db_error(s, "recording licenses", err);
    }
    sqlite3_finalize(st);
    strmap_release(&seen);
    free(v);
    return rc;
}

static int add_checks(struct scan_store *s, int64_t id, const struct strata_report *r,
                      struct strata_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO scan_checks(scan, id, severity, path) "
                           "VALUES(?1, ?2, ?3, ?4)",
                           -1, &st, NULL) != SQLITE_OK)
        return ss_db_error(s, "recording checks", err);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->n_misconfigurations && i < SCAN_STORE_MAX_CHECKS; i++) {
        const struct strata_misconfiguration *m = &r->misconfigurations[i];
        sqlite3_reset(st);
        if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
            sqlite3_bind_text(st, 2, m->id ? m->id : "UNKNOWN", -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(st, 3, m->severity ? m->severity : "UNKNOWN", -1, SQLITE_STATIC) !=
                SQLITE_OK ||
            (m->path ? sqlite3_bind_text(st, 4, m->path, -1, SQLITE_STATIC)
                     : sqlite3_bind_null(st, 4)) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_DONE)
            rc = ss_db_error(s, "recording checks", err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Deletes the records of digest beyond the newest SCAN_STORE_KEEP. */
static int prune(struct scan_store *s, const char *digest, struct strata_error *err)
{
    static const char sql[] =
        "CREATE TEMP TABLE IF NOT EXISTS doomed(id INTEGER PRIMARY KEY);"
        "DELETE FROM doomed;"
        "INSERT INTO doomed SELECT id FROM scans WHERE digest = ?1 ORDER BY scanned_at DESC, id "
        "DESC LIMIT -1 OFFSET ?2;";
    const char *tail = sql;
    int rc = 0;
    while (rc == 0 && *tail) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s->db, tail, -1, &st, &tail) != SQLITE_OK)
            return ss_db_error(s, "pruning old records", err);
        if (st == NULL)
            break;
        if (sqlite3_bind_parameter_count(st) == 2 &&
            (sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC) != SQLITE_OK ||
             sqlite3_bind_int(st, 2, SCAN_STORE_KEEP) != SQLITE_OK))
            rc = ss_db_error(s, "pruning old records", err);
        if (rc == 0 && sqlite3_step(st) != SQLITE_DONE)
            rc = ss_db_error(s, "pruning old records", err);
        sqlite3_finalize(st);
    }
    if (rc == 0 && sqlite3_exec(s->db,
                                "DELETE FROM scan_checks WHERE scan IN (SELECT id FROM doomed);"
                                "DELETE FROM scan_licenses WHERE scan IN (SELECT id FROM doomed);"
                                "DELETE FROM scans WHERE id IN (SELECT id FROM doomed);",
                                NULL, NULL, NULL) != SQLITE_OK)
        rc = ss_db_error(s, "pruning old records", err);
    return rc;
}

int scan_store_add(struct scan_store *s, const struct strata_report *r,
                   const struct scan_record_meta *m, int64_t *id_out, struct strata_error *err)
{
    if (r->target.digest == NULL || r->target.digest[0] == '\0')
        return strata_error_set(err, STRATA_EUSAGE, "%s: only images (with a digest) are recorded",
                                s->path);
    long vulns[SCAN_SEVERITIES] = {0}, fixable[SCAN_SEVERITIES] = {0}, suppressed = 0;
    for (size_t i = 0; i < r->n_vulnerabilities; i++) {
        const struct strata_vulnerability *v = &r->vulnerabilities[i];
        /* --ignore-unfixed is the policy's to apply: only deliberate exceptions (ignore file,
         * VEX) count as suppressions in the record. */
        if (v->suppressed &&
            (v->suppressed_by == NULL || strcmp(v->suppressed_by, "ignore-unfixed") != 0)) {
            suppressed++;
            continue;
        }
        int rank = strata_severity_rank(v->severity);
        vulns[rank]++;
        if (v->fixed_version != NULL && v->fixed_version[0] != '\0')
            fixable[rank]++;
    }
    int64_t now = m->scanned_at ? m->scanned_at : (int64_t)time(NULL);
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return ss_db_error(s, "starting a transaction", err);
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(
            s->db,
            "INSERT INTO scans(reference, source, kind, digest, scanned_at, db_built_at,"
            " vulns_checked, secrets_checked, checks_checked, severity_filter, packages,"
            " unknown, low, medium, high, critical, unknown_fixable, low_fixable,"
            " medium_fixable, high_fixable, critical_fixable, suppressed, secrets,"
            " misconfigurations, strata_version) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
            " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
            -1, &st, NULL) != SQLITE_OK) {
        rc = ss_db_error(s, "recording the scan", err);
    } else {
        const char *ref = r->target.name ? r->target.name : m->source ? m->source : "";
        int ok = sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC) == SQLITE_OK;
        ok &= sqlite3_bind_text(st, 2, m->source ? m->source : ref, -1, SQLITE_STATIC) == SQLITE_OK;
        ok &= sqlite3_bind_text(st, 3, r->target.kind ? r->target.kind : "image", -1,
                                SQLITE_STATIC) == SQLITE_OK;
        ok &= sqlite3_bind_text(st, 4, r->target.digest, -1, SQLITE_STATIC) == SQLITE_OK;
        ok &= sqlite3_bind_int64(st, 5, now) == SQLITE_OK;
        ok &= (r->vuln_scan.ran && r->vuln_scan.db_built_at
                   ? sqlite3_bind_text(st, 6, r->vuln_scan.db_built_at, -1, SQLITE_STATIC)
                   : sqlite3_bind_null(st, 6)) == SQLITE_OK;
        ok &= sqlite3_bind_int(st, 7, r->vuln_scan.ran != 0) == SQLITE_OK;
        ok &= sqlite3_bind_int(st, 8, (m->skip & STRATA_SCANNER_SECRETS) == 0) == SQLITE_OK;
        ok &= sqlite3_bind_int(st, 9, (m->skip & STRATA_SCANNER_MISCONFIG) == 0) == SQLITE_OK;
        ok &= sqlite3_bind_int64(st, 10, m->severity_filter & GATE_SEVERITY_ALL) == SQLITE_OK;
        ok &= sqlite3_bind_int64(st, 11, (sqlite3_int64)r->n_packages) == SQLITE_OK;
        for (int k = 0; k < SCAN_SEVERITIES; k++) {
            ok &= sqlite3_bind_int64(st, 12 + k, vulns[k]) == SQLITE_OK;
            ok &= sqlite3_bind_int64(st, 17 + k, fixable[k]) == SQLITE_OK;
        }
        ok &= sqlite3_bind_int64(st, 22, suppressed) == SQLITE_OK;
        ok &= sqlite3_bind_int64(st, 23, (sqlite3_int64)r->n_secrets) == SQLITE_OK;
        ok &= sqlite3_bind_int64(st, 24, (sqlite3_int64)r->n_misconfigurations) == SQLITE_OK;
        ok &= sqlite3_bind_text(st, 25, m->tool_version ? m->tool_version : "unknown", -1,
                                SQLITE_STATIC) == SQLITE_OK;
        if (!ok || sqlite3_step(st) != SQLITE_DONE)
            rc = ss_db_error(s, "recording the scan", err);
    }
    sqlite3_finalize(st);
    int64_t id = sqlite3_last_insert_rowid(s->db);
    if (rc == 0)
        rc = add_checks(s, id, r, err);
    if (rc == 0)
        rc = add_licenses(s, id, r, err);
    if (rc == 0)
        rc = prune(s, r->target.digest, err);
    if (rc == 0 && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = ss_db_error(s, "committing the record", err);
    if (rc != 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    else if (id_out != NULL)
        *id_out = id;
    return rc;
}

int scan_store_record(const char *path, const struct strata_report *r,
                      const struct scan_record_meta *m, struct strata_error *err)
{
    struct scan_store *s;
    int rc = scan_store_open(path, 1, &s, err);
    if (rc != 0)
        return rc;
    rc = scan_store_add(s, r, m, NULL, err);
    scan_store_close(s);
    return rc;
}
