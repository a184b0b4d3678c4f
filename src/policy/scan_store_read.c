/* Reading scan records: the newest record of a digest (with its checks and licenses) for the
 * policy, and lists for `strata scans list`. */
#include <stdlib.h>
#include <string.h>

#include "policy/scan_store_internal.h"

#define RECORD_COLUMNS                                                                             \
    "id, reference, source, kind, digest, scanned_at, db_built_at, vulns_checked,"                 \
    " secrets_checked, checks_checked, severity_filter, packages, unknown, low, medium, high,"     \
    " critical, unknown_fixable, low_fixable, medium_fixable, high_fixable, critical_fixable,"     \
    " suppressed, secrets, misconfigurations, strata_version"

void scan_record_release(struct scan_record *r)
{
    free(r->reference);
    free(r->source);
    free(r->kind);
    free(r->digest);
    free(r->db_built_at);
    free(r->strata_version);
    for (size_t i = 0; i < r->n_checks; i++) {
        free(r->checks[i].id);
        free(r->checks[i].severity);
        free(r->checks[i].path);
    }
    free(r->checks);
    for (size_t i = 0; i < r->n_licenses; i++) {
        free(r->licenses[i].expression);
        free(r->licenses[i].example);
    }
    free(r->licenses);
    memset(r, 0, sizeof *r);
}

/* A copy of a text column; NULL stays NULL (sets *oom on a failed copy). */
static char *col_dup(sqlite3_stmt *st, int i, int *oom)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (t == NULL)
        return NULL;
    char *d = strdup((const char *)t);
    if (d == NULL)
        *oom = 1;
    return d;
}

static int row_to_record(sqlite3_stmt *st, struct scan_record *r)
{
    int oom = 0;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->reference = col_dup(st, 1, &oom);
    r->source = col_dup(st, 2, &oom);
    r->kind = col_dup(st, 3, &oom);
    r->digest = col_dup(st, 4, &oom);
    r->scanned_at = sqlite3_column_int64(st, 5);
    r->db_built_at = col_dup(st, 6, &oom);
    r->vulns_checked = sqlite3_column_int(st, 7);
    r->secrets_checked = sqlite3_column_int(st, 8);
    r->checks_checked = sqlite3_column_int(st, 9);
    r->severity_filter = (unsigned)sqlite3_column_int(st, 10);
    r->packages = (long)sqlite3_column_int64(st, 11);
    for (int k = 0; k < SCAN_SEVERITIES; k++) {
        r->vulns[k] = (long)sqlite3_column_int64(st, 12 + k);
        r->fixable[k] = (long)sqlite3_column_int64(st, 17 + k);
    }
    r->suppressed = (long)sqlite3_column_int64(st, 22);
    r->secrets = (long)sqlite3_column_int64(st, 23);
    r->misconfigurations = (long)sqlite3_column_int64(st, 24);
    r->strata_version = col_dup(st, 25, &oom);
    if (oom || r->reference == NULL || r->source == NULL || r->kind == NULL || r->digest == NULL ||
        r->strata_version == NULL) {
        scan_record_release(r);
        return STRATA_ENOMEM;
    }
    return 0;
}

static int load_checks(struct scan_store *s, struct scan_record *r, struct strata_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, severity, path FROM scan_checks WHERE scan = ?1 "
                           "ORDER BY rowid LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return ss_db_error(s, "reading checks", err);
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_int(st, 2, SCAN_STORE_MAX_CHECKS);
    int rc = 0, step;
    size_t cap = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (r->n_checks == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct scan_check *nv = realloc(r->checks, nc * sizeof *nv);
            if (nv == NULL) {
                rc = strata_error_nomem(err);
                break;
            }
            r->checks = nv, cap = nc;
        }
        int oom = 0;
        struct scan_check *c = &r->checks[r->n_checks++];
        c->id = col_dup(st, 0, &oom);
        c->severity = col_dup(st, 1, &oom);
        c->path = col_dup(st, 2, &oom);
        if (oom || c->id == NULL || c->severity == NULL) {
            rc = strata_error_nomem(err);
            break;
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ss_db_error(s, "reading checks", err);
    sqlite3_finalize(st);
    return rc;
}

static int load_licenses(struct scan_store *s, struct scan_record *r, struct strata_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT expression, packages, example FROM scan_licenses WHERE scan = "
                           "?1 ORDER BY rowid LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return ss_db_error(s, "reading licenses", err);
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_int(st, 2, SCAN_STORE_MAX_LICENSES);
    int rc = 0, step;
    size_t cap = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (r->n_licenses == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct scan_license *nv = realloc(r->licenses, nc * sizeof *nv);
            if (nv == NULL) {
                rc = strata_error_nomem(err);
                break;
            }
            r->licenses = nv, cap = nc;
        }
        int oom = 0;
        struct scan_license *l = &r->licenses[r->n_licenses++];
        l->expression = col_dup(st, 0, &oom);
        l->packages = (long)sqlite3_column_int64(st, 1);
        l->example = col_dup(st, 2, &oom);
        if (oom || l->expression == NULL || l->example == NULL) {
            rc = strata_error_nomem(err);
            break;
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ss_db_error(s, "reading licenses", err);
    sqlite3_finalize(st);
    return rc;
}

int scan_store_latest(struct scan_store *s, const char *digest, struct scan_record *out, int *found,
                      struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    *found = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " RECORD_COLUMNS " FROM scans WHERE digest = ?1 "
                           "ORDER BY scanned_at DESC, id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return ss_db_error(s, "reading records", err);
    sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
    int step = sqlite3_step(st), rc = 0;
    if (step == SQLITE_ROW) {
        rc = row_to_record(st, out) != 0 ? strata_error_nomem(err) : 0;
        *found = rc == 0;
    } else if (step != SQLITE_DONE) {
        rc = ss_db_error(s, "reading records", err);
    }
    sqlite3_finalize(st);
    if (rc == 0 && *found)
        rc = load_checks(s, out, err);
    if (rc == 0 && *found)
        rc = load_licenses(s, out, err);
    if (rc != 0) {
        scan_record_release(out);
        *found = 0;
    }
    return rc;
}

int scan_store_list(struct scan_store *s, const char *digest, size_t limit,
                    struct scan_record **out, size_t *n, struct strata_error *err)
{
    *out = NULL;
    *n = 0;
    if (limit == 0 || limit > SCAN_STORE_MAX_LIST)
        limit = SCAN_STORE_MAX_LIST;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           digest ? "SELECT " RECORD_COLUMNS " FROM scans WHERE digest = ?2 "
                                    "ORDER BY scanned_at DESC, id DESC LIMIT ?1"
                                  : "SELECT " RECORD_COLUMNS " FROM scans "
                                    "ORDER BY scanned_at DESC, id DESC LIMIT ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return ss_db_error(s, "reading records", err);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)limit);
    if (digest)
        sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
    struct scan_record *v = NULL;
    size_t cap = 0, count = 0;
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct scan_record *nv = realloc(v, nc * sizeof *nv);
            if (nv == NULL) {
                rc = strata_error_nomem(err);
                break;
            }
            v = nv, cap = nc;
        }
        if (row_to_record(st, &v[count]) != 0) {
            rc = strata_error_nomem(err);
            break;
        }
        count++;
    }
    if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = ss_db_error(s, "reading records", err);
    sqlite3_finalize(st);
    if (rc != 0) {
        for (size_t i = 0; i < count; i++)
            scan_record_release(&v[i]);
        free(v);
        return rc;
    }
    *out = v;
    *n = count;
    return 0;
}
