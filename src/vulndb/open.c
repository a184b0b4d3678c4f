/* Opening the database for reading, and where it lives by default. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulndb/import.h"

int vulndb_open(const char *path, sqlite3 **out, struct strata_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return strata_error_set(err, STRATA_ENOTFOUND,
                                    "%s: no vulnerability database there; run 'strata db update' "
                                    "or pass --db FILE",
                                    path);
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return strata_error_set(err, STRATA_EFORMAT, "%s: not a regular file", path);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        int rc = strata_error_set(err, STRATA_EIO, "%s: %s", path,
                                  db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return rc;
    }
    int rc = vdb_schema_check(db, path, err);
    if (rc != 0) {
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

static int fit(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s%s", a, b);
    if (n < 0 || (size_t)n >= cap)
        return STRATA_ELIMIT;
    return 0;
}

int vulndb_default_path(const char *explicit_path, char *out, size_t cap)
{
    if (explicit_path != NULL)
        return fit(out, cap, explicit_path, "");
    const char *env = getenv("STRATA_DB");
    if (env != NULL && env[0] != '\0')
        return fit(out, cap, env, "");
    env = getenv("XDG_CACHE_HOME");
    if (env != NULL && env[0] == '/') /* the XDG spec ignores relative values */
        return fit(out, cap, env, "/strata/db/strata.db");
    const char *home = getenv("HOME");
    if (home == NULL || home[0] == '\0') {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    }
    if (home == NULL || home[0] == '\0')
        return STRATA_ENOTFOUND;
    return fit(out, cap, home, "/.cache/strata/db/strata.db");
}
