/* The database schema (see vulndb.h for its contract): creation for the builder and the
 * version check for readers. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vulndb/import.h"

static const char create_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE sources(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, location TEXT NOT NULL,"
    " records INTEGER NOT NULL, newest TEXT, ecosystems TEXT NOT NULL);"
    "CREATE TABLE advisories(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,"
    " advisory_id TEXT NOT NULL, summary TEXT, published TEXT, modified TEXT, cvss_v3 TEXT,"
    " UNIQUE(source_id, advisory_id));"
    "CREATE TABLE aliases(advisory INTEGER NOT NULL, alias TEXT NOT NULL,"
    " PRIMARY KEY(advisory, alias));"
    "CREATE TABLE affected(id INTEGER PRIMARY KEY, advisory INTEGER NOT NULL,"
    " ecosystem TEXT NOT NULL, package TEXT NOT NULL, status TEXT NOT NULL, severity TEXT,"
    " ranges TEXT NOT NULL, versions TEXT NOT NULL);";

void vdb_now_rfc3339(char *out, size_t cap)
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL || strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, cap, "1970-01-01T00:00:00Z");
}

static int db_err(sqlite3 *db, const char *what, struct strata_error *err)
{
    return strata_error_set(err, STRATA_EIO, "%s: %s", what, sqlite3_errmsg(db));
}

static int put_meta(sqlite3 *db, const char *key, const char *value, struct strata_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", -1, &st,
                           NULL) != SQLITE_OK)
        return db_err(db, "writing meta", err);
    int rc = 0;
    if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = db_err(db, "writing meta", err);
    sqlite3_finalize(st);
    return rc;
}

int vdb_schema_create(sqlite3 *db, const char *tool_version, struct strata_error *err)
{
    if (sqlite3_exec(db, create_sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_err(db, "creating the schema", err);
    char version[16];
    snprintf(version, sizeof version, "%d", VULNDB_SCHEMA_VERSION);
    int rc = put_meta(db, "schema_version", version, err);
    if (rc == 0)
        rc = put_meta(db, "strata_version", tool_version ? tool_version : "unknown", err);
    return rc;
}

int vdb_schema_finish(sqlite3 *db, struct strata_error *err)
{
    /* The index is built once after the bulk insert: faster than maintaining it row by row. */
    if (sqlite3_exec(db, "CREATE INDEX affected_lookup ON affected(ecosystem, package);", NULL,
                     NULL, NULL) != SQLITE_OK)
        return db_err(db, "creating the index", err);
    char now[32];
    vdb_now_rfc3339(now, sizeof now);
    return put_meta(db, "built_at", now, err);
}

int vdb_schema_check(sqlite3 *db, const char *path, struct strata_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                                NULL);
    if (rc != SQLITE_OK) {
        int code = sqlite3_errcode(db);
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            return strata_error_set(err, STRATA_EFORMAT, "%s: not an SQLite database (%s)", path,
                                    sqlite3_errmsg(db));
        if (code == SQLITE_ERROR)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: not a strata vulnerability database (no meta table); "
                                    "build one with 'strata db build' or 'strata db update'",
                                    path);
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, sqlite3_errmsg(db));
    }
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (step != SQLITE_DONE)
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s", path, sqlite3_errmsg(db));
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: not a strata vulnerability database (no schema_version)",
                                path);
    }
    const unsigned char *v = sqlite3_column_text(st, 0);
    char version[32];
    snprintf(version, sizeof version, "%s", v ? (const char *)v : "");
    sqlite3_finalize(st);
    char want[16];
    snprintf(want, sizeof want, "%d", VULNDB_SCHEMA_VERSION);
    if (strcmp(version, want) != 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: database schema version %s, this strata reads version %s; "
                                "rebuild it with 'strata db update' or 'strata db build'",
                                path, version, want);
    return 0;
}
