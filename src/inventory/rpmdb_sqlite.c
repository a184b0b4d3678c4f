#include "inventory/rpmdb.h"

#include <sqlite3.h>
#include <string.h>

#include "inventory/rpm_header.h"

#define SQLITE_HEADER_SIZE 100

static int map_sqlite_error(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return STRATA_ENOMEM;
    case SQLITE_TOOBIG:
        return STRATA_ELIMIT;
    default:
        return STRATA_EFORMAT;
    }
}

/* The database is hostile input: no triggers, views or schema-defined functions may run,
 * and the defensive mode forbids anything that could alter it. */
static int harden(sqlite3 *db)
{
    int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    /* A header blob larger than the parser accepts is refused by SQLite itself. */
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)RPM_HEADER_MAX_BYTES);
    return rc;
}

int rpmdb_sqlite_each(const uint8_t *data, size_t len, rpmdb_blob_fn fn, void *arg,
                      struct strata_error *err)
{
    if (len == 0)
        return 0;
    if (len < SQLITE_HEADER_SIZE || memcmp(data, "SQLite format 3", 16) != 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "sqlite: offset 0: not an SQLite 3 database (%zu bytes)", len);
    if (len > (size_t)INT64_MAX)
        return strata_error_set(err, STRATA_ELIMIT, "sqlite: %zu bytes is too large", len);

    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_close(db);
        return rc == SQLITE_NOMEM ? strata_error_nomem(err)
                                  : strata_error_set(err, STRATA_EINTERNAL,
                                                     "sqlite: cannot open an in-memory database");
    }
    if (harden(db) != SQLITE_OK) {
        sqlite3_close(db);
        return strata_error_set(err, STRATA_EINTERNAL, "sqlite: cannot configure the connection");
    }

    /* SQLite takes a mutable buffer; give it a private copy that it frees. rpm keeps its
     * database in WAL mode (header bytes 18/19 = 2); the in-memory VFS cannot do WAL, and the
     * -wal file is not part of this input (rpm checkpoints it on close), so the copy is marked
     * as a rollback-journal database, which reads the same pages. */
    unsigned char *copy = sqlite3_malloc64(len);
    if (copy == NULL) {
        sqlite3_close(db);
        return strata_error_nomem(err);
    }
    memcpy(copy, data, len);
    if (copy[18] == 2)
        copy[18] = 1;
    if (copy[19] == 2)
        copy[19] = 1;
    rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                             SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    if (rc != SQLITE_OK) { /* copy is freed by SQLite on failure too */
        int code = map_sqlite_error(rc);
        strata_error_set(err, code, "sqlite: cannot load the database: %s", sqlite3_errstr(rc));
        sqlite3_close(db);
        return code;
    }

    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        int code = map_sqlite_error(rc);
        strata_error_set(err, code, "sqlite: cannot read the Packages table: %s",
                         sqlite3_errmsg(db));
        sqlite3_finalize(st);
        sqlite3_close(db);
        return code;
    }
    int ret = 0;
    sqlite3_int64 last = -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 hnum = sqlite3_column_int64(st, 0);
        last = hnum;
        if (sqlite3_column_type(st, 1) != SQLITE_BLOB)
            continue; /* not a header: rpm writes every blob with sqlite3_bind_blob */
        const uint8_t *blob = sqlite3_column_blob(st, 1);
        int n = sqlite3_column_bytes(st, 1);
        if (blob == NULL && n > 0) {
            ret = strata_error_nomem(err);
            break;
        }
        if (hnum <= 0 || hnum > UINT32_MAX) {
            ret = strata_error_set(err, STRATA_EFORMAT,
                                   "sqlite: Packages row with hnum %lld out of range",
                                   (long long)hnum);
            break;
        }
        ret = fn((uint32_t)hnum, blob, (size_t)n, arg, err);
        if (ret != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE) {
        ret = map_sqlite_error(rc);
        strata_error_set(err, ret, "sqlite: reading Packages after hnum %lld: %s", (long long)last,
                         sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ret;
}
