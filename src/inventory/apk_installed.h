/* Parser for Alpine's package database, lib/apk/db/installed: records separated by blank
 * lines, each a run of "X:value" lines (P name, V version, A arch, o origin, L license,
 * F directory, R file in the last F directory; other letters are ignored). */
#ifndef STRATA_INVENTORY_APK_INSTALLED_H
#define STRATA_INVENTORY_APK_INSTALLED_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define APK_MAX_LINE (64 * 1024)
#define APK_MAX_RECORDS 200000
#define APK_MAX_FILES 1000000 /* per package */

struct apk_pkg {
    char *name;
    char *version;
    char *arch;    /* NULL when absent */
    char *origin;  /* source package; NULL when absent */
    char *license; /* as stated; NULL when absent */
    char **files;  /* absolute paths; only with want_files */
    size_t n_files, cap_files;
    size_t line; /* first line of the record */
};

struct apk_pkg_list {
    struct apk_pkg *v;
    size_t n, cap;
};

/* Appends every record's package to out (kept on error; free with apk_pkg_list_free).
 * want_files: also collect F/R paths. Errors (message "path: line N: …"): NUL byte, line not
 * of the "X:value" shape, record without P or V, P or V given twice in a record
 * (STRATA_EFORMAT), line or record bound (STRATA_ELIMIT), STRATA_ENOMEM. CRLF and a missing
 * final newline are tolerated. */
int apk_installed_parse(const uint8_t *data, size_t len, const char *path, int want_files,
                        struct apk_pkg_list *out, struct strata_error *err);

void apk_pkg_list_free(struct apk_pkg_list *l);

#endif
