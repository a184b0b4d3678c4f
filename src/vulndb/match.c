/* The matcher: every package of a report against the vulnerability database.
 *
 * OS packages are judged by their distribution's own data for their release (Debian by
 * source package and source version in "Debian:<major>", Alpine by origin in
 * "Alpine:v<major>.<minor>", rpm distributions by name in "<Distro>:<major>"); language
 * packages by their ecosystem. Records hitting one package whose ids overlap (an advisory and
 * the CVEs it aliases) become one finding. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/strmap.h"
#include "strata/version.h"
#include "strata/vulnscan.h"
#include "vulndb/cvss.h"
#include "vulndb/import.h"
#include "vulndb/osv_range.h"
#include "vulndb/vulndb.h"

#define MAX_HITS 4096 /* matching records per package: far above any real package */

/* One database record that affects the package being matched. */
struct hit {
    char **ids; /* ids[0] is the advisory id, then its aliases */
    size_t n_ids;
    char *fixed; /* NULL when this record knows no fix */
    char *status;
    char *severity; /* distribution rating or NULL */
    char *cvss;     /* CVSS v3 vector or NULL */
    char *summary;
    char *data_source;
    int cve_keyed;
    size_t group;
};

struct matcher {
    sqlite3 *db;
    sqlite3_stmt *q_affected;
    sqlite3_stmt *q_aliases;
    sqlite3_stmt *q_has_eco;
    struct strata_report *r;
    struct strmap warned; /* keys of the warnings given, so each is given once */
    struct arena warned_keys;
    char last_eco[96]; /* packages come in runs of one ecosystem: remember the last */
    int last_eco_has_data;
};

static char *dup_col(sqlite3_stmt *st, int col, int *oom)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    if (s == NULL)
        return NULL;
    char *d = strdup((const char *)s);
    if (d == NULL)
        *oom = 1;
    return d;
}

static void hit_free(struct hit *h)
{
    for (size_t i = 0; i < h->n_ids; i++)
        free(h->ids[i]);
    free(h->ids);
    free(h->fixed);
    free(h->status);
    free(h->severity);
    free(h->cvss);
    free(h->summary);
    free(h->data_source);
}

static int db_error(struct matcher *m, struct strata_error *err)
{
    return strata_error_set(err, STRATA_EIO, "vulnerability database: %s", sqlite3_errmsg(m->db));
}

/* The OSV ecosystem of the OS packages, "" when the OS is not one we have feeds for. */
static void os_ecosystem(const struct strata_os *os, char *out, size_t cap)
{
    out[0] = '\0';
    if (os->family == NULL || os->version == NULL)
        return;
    const char *v = os->version;
    size_t major = strspn(v, "0123456789");
    if (major == 0)
        return;
    if (strcmp(os->family, "debian") == 0) {
        snprintf(out, cap, "Debian:%.*s", (int)major, v);
    } else if (strcmp(os->family, "alpine") == 0) {
        /* "3.11.6" -> "v3.11": secdb branches are major.minor */
        size_t minor = v[major] == '.' ? strspn(v + major + 1, "0123456789") : 0;
        if (minor)
            snprintf(out, cap, "Alpine:v%.*s", (int)(major + 1 + minor), v);
    } else if (strcmp(os->family, "almalinux") == 0) {
        snprintf(out, cap, "AlmaLinux:%.*s", (int)major, v);
    } else if (strcmp(os->family, "rocky") == 0) {
        snprintf(out, cap, "Rocky Linux:%.*s", (int)major, v);
    } else if (strcmp(os->family, "ubuntu") == 0) {
        snprintf(out, cap, "Ubuntu:%s", v);
    }
}

/* Where a package is looked up, under which name and version, compared how. Returns 0 when
 * the package type has no ecosystem we can match. */
static int package_key(const struct strata_package *p, const char *os_eco, const char **eco,
                       const char **name, const char **version, enum strata_version_type *t)
{
    static const struct {
        const char *type, *eco;
        enum strata_version_type vt;
    } lang[] = {
        {"npm", "npm", STRATA_VERSION_SEMVER},
        {"pypi", "PyPI", STRATA_VERSION_PEP440},
        {"golang", "Go", STRATA_VERSION_SEMVER},
        {"cargo", "crates.io", STRATA_VERSION_SEMVER},
        {"maven", "Maven", STRATA_VERSION_MAVEN},
        {"nuget", "NuGet", STRATA_VERSION_NUGET},
        {"composer", "Packagist", STRATA_VERSION_COMPOSER},
        {"gem", "RubyGems", STRATA_VERSION_GEM},
    };
    if (p->type == NULL || p->name == NULL || p->version == NULL)
        return 0;
    *name = p->name;
    *version = p->version;
    if (strata_package_is_os(p)) {
        if (os_eco[0] == '\0')
            return 0;
        *eco = os_eco;
        *t = p->type[0] == 'd'   ? STRATA_VERSION_DEB
             : p->type[0] == 'a' ? STRATA_VERSION_APK
                                 : STRATA_VERSION_RPM;
        /* Distribution advisories name source packages (Debian) or origins (Alpine), and
         * Debian's fixed versions are source versions (a binNMU's +bN is not a fix). */
        if (p->type[0] != 'r' && p->source_name && p->source_name[0]) {
            *name = p->source_name;
            if (p->type[0] == 'd' && p->source_version && p->source_version[0])
                *version = p->source_version;
        }
        return 1;
    }
    for (size_t i = 0; i < sizeof lang / sizeof lang[0]; i++) {
        if (strcmp(p->type, lang[i].type) == 0) {
            *eco = lang[i].eco;
            *t = lang[i].vt;
            return 1;
        }
    }
    return 0;
}

static int warn_once(struct matcher *m, const char *key, const char *msg)
{
    if (strmap_get(&m->warned, key) != NULL)
        return 0;
    char *k = arena_strdup(&m->warned_keys, key);
    if (k == NULL || strmap_put(&m->warned, k, k) != 0)
        return STRATA_ENOMEM;
    return strata_report_add_vuln_warning(m->r, msg);
}

/* Warns once per ecosystem the database has no records for: silence there would read as
 * "no vulnerabilities". Returns 1 when the ecosystem has data. */
static int ecosystem_has_data(struct matcher *m, const char *eco, int *rc, struct strata_error *err)
{
    sqlite3_reset(m->q_has_eco);
    sqlite3_bind_text(m->q_has_eco, 1, eco, -1, SQLITE_STATIC);
    int s = sqlite3_step(m->q_has_eco);
    if (s == SQLITE_ROW) {
        if (strlen(eco) < sizeof m->last_eco) {
            memcpy(m->last_eco, eco, strlen(eco) + 1);
            m->last_eco_has_data = 1;
        }
        return 1;
    }
    if (s != SQLITE_DONE) {
        *rc = db_error(m, err);
        return 0;
    }
    char msg[512];
    snprintf(msg, sizeof msg,
             "the vulnerability database has no data for %s: those packages were not checked "
             "(update the database or add a feed that covers it)",
             eco);
    if (warn_once(m, eco, msg) != 0)
        *rc = strata_error_nomem(err);
    return 0;
}

static int load_aliases(struct matcher *m, sqlite3_int64 adv, const char *advisory_id,
                        struct hit *h, struct strata_error *err)
{
    size_t cap = 4;
    if ((h->ids = calloc(cap, sizeof *h->ids)) == NULL || (h->ids[0] = strdup(advisory_id)) == NULL)
        return strata_error_nomem(err);
    h->n_ids = 1;
    sqlite3_reset(m->q_aliases);
    sqlite3_bind_int64(m->q_aliases, 1, adv);
    int s;
    while ((s = sqlite3_step(m->q_aliases)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(m->q_aliases, 0);
        if (a == NULL || strcmp(a, advisory_id) == 0)
            continue;
        if (h->n_ids == cap) {
            char **n = realloc(h->ids, cap * 2 * sizeof *n);
            if (n == NULL)
                return strata_error_nomem(err);
            h->ids = n;
            cap *= 2;
        }
        if ((h->ids[h->n_ids] = strdup(a)) == NULL)
            return strata_error_nomem(err);
        h->n_ids++;
    }
    return s == SQLITE_DONE ? 0 : db_error(m, err);
}

/* Collects the records affecting (eco, name, version) into hits. */
static int find_hits(struct matcher *m, const char *eco, const char *name, const char *version,
                     enum strata_version_type t, struct hit *hits, size_t *n_hits, int *skipped,
                     struct strata_error *err)
{
    *n_hits = 0;
    sqlite3_reset(m->q_affected);
    sqlite3_bind_text(m->q_affected, 1, eco, -1, SQLITE_STATIC);
    sqlite3_bind_text(m->q_affected, 2, name, -1, SQLITE_STATIC);
    int s;
    while ((s = sqlite3_step(m->q_affected)) == SQLITE_ROW) {
        struct osv_verdict v;
        int rc =
            osv_evaluate((const char *)sqlite3_column_text(m->q_affected, 2),
                         (const char *)sqlite3_column_text(m->q_affected, 3), t, version, &v, err);
        if (rc != 0)
            return rc;
        *skipped += v.skipped;
        if (v.invalid && !v.affected) {
            /* Data this comparator cannot read: say so, or the package reads as checked. */
            const char *adv = (const char *)sqlite3_column_text(m->q_affected, 5);
            char key[512], msg[768];
            snprintf(key, sizeof key, "invalid:%s:%s:%s", eco, name, adv ? adv : "");
            snprintf(msg, sizeof msg,
                     "%s %s: advisory %s has a version that is not comparable ('%s'); that "
                     "advisory was not checked for this package",
                     name, version, adv ? adv : "(no id)", v.invalid_version);
            if (warn_once(m, key, msg) != 0)
                return strata_error_nomem(err);
        }
        if (!v.affected)
            continue;
        if (*n_hits == MAX_HITS)
            return strata_error_set(err, STRATA_ELIMIT,
                                    "vulnerability database: more than %d records for %s %s",
                                    MAX_HITS, eco, name);
        struct hit *h = &hits[(*n_hits)++];
        memset(h, 0, sizeof *h);
        int oom = 0;
        const char *status = (const char *)sqlite3_column_text(m->q_affected, 0);
        /* A record can say "fixed" for another line of versions while this one has no fix. */
        h->status = strdup(v.fixed[0]                                 ? "fixed"
                           : (status && strcmp(status, "fixed") != 0) ? status
                                                                      : "affected");
        h->fixed = v.fixed[0] ? strdup(v.fixed) : NULL;
        h->severity = dup_col(m->q_affected, 1, &oom);
        h->summary = dup_col(m->q_affected, 6, &oom);
        h->cvss = dup_col(m->q_affected, 7, &oom);
        const char *kind = (const char *)sqlite3_column_text(m->q_affected, 8);
        const char *adv_id = (const char *)sqlite3_column_text(m->q_affected, 5);
        char ds[160];
        if (kind && strcmp(kind, "osv") == 0)
            snprintf(ds, sizeof ds, "osv:%s", eco);
        else
            snprintf(ds, sizeof ds, "%s", kind ? kind : "unknown");
        h->data_source = strdup(ds);
        h->cve_keyed =
            kind && strcmp(kind, "osv") != 0 && adv_id && strncmp(adv_id, "CVE-", 4) == 0;
        if (oom || h->status == NULL || (v.fixed[0] && h->fixed == NULL) ||
            h->data_source == NULL || adv_id == NULL)
            return adv_id == NULL ? strata_error_set(err, STRATA_EFORMAT,
                                                     "vulnerability database: record "
                                                     "without id")
                                  : strata_error_nomem(err);
        rc = load_aliases(m, sqlite3_column_int64(m->q_affected, 4), adv_id, h, err);
        if (rc != 0)
            return rc;
    }
    return s == SQLITE_DONE ? 0 : db_error(m, err);
}

static int hits_share_id(const struct hit *a, const struct hit *b)
{
    for (size_t i = 0; i < a->n_ids; i++)
        for (size_t j = 0; j < b->n_ids; j++)
            if (strcmp(a->ids[i], b->ids[j]) == 0)
                return 1;
    return 0;
}

/* Union of overlapping id sets: group[i] ends as the smallest index of i's group. */
static void group_hits(struct hit *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h[i].group = i;
    int changed = 1;
    while (changed) {
        changed = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                if (h[i].group != h[j].group && hits_share_id(&h[i], &h[j])) {
                    size_t g = h[i].group < h[j].group ? h[i].group : h[j].group;
                    size_t o = h[i].group + h[j].group - g;
                    for (size_t k = 0; k < n; k++)
                        if (h[k].group == o)
                            h[k].group = g;
                    changed = 1;
                }
    }
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *distro_of(const char *data_source)
{
    if (strcmp(data_source, "debian-tracker") == 0)
        return "debian";
    if (strcmp(data_source, "alpine-secdb") == 0)
        return "alpine";
    return data_source;
}

/* Builds the finding for group g of hits into v. */
static int emit_group(struct hit *h, size_t n, size_t g, enum strata_version_type t,
                      const struct strata_package *p, const char *lookup_name,
                      struct strata_vulnerability *v)
{
    const struct hit *primary = NULL;
    size_t n_ids = 0;
    for (size_t i = 0; i < n; i++) {
        if (h[i].group != g)
            continue;
        n_ids += h[i].n_ids;
        /* CVE-keyed feeds name the vulnerability itself; otherwise the smallest advisory. */
        if (primary == NULL || (h[i].cve_keyed && !primary->cve_keyed) ||
            (h[i].cve_keyed == primary->cve_keyed && strcmp(h[i].ids[0], primary->ids[0]) < 0))
            primary = &h[i];
    }
    char **ids = calloc(n_ids ? n_ids : 1, sizeof *ids);
    if (ids == NULL)
        return STRATA_ENOMEM;
    size_t k = 0;
    const char *fixed = NULL, *unfixed_status = NULL, *distro_sev = NULL, *distro_src = NULL;
    const char *vector = NULL, *title = NULL;
    double best_score = -1;
    for (size_t i = 0; i < n; i++) {
        if (h[i].group != g)
            continue;
        for (size_t j = 0; j < h[i].n_ids; j++)
            if (strcmp(h[i].ids[j], primary->ids[0]) != 0)
                ids[k++] = h[i].ids[j];
        if (h[i].fixed == NULL) {
            if (unfixed_status == NULL || strcmp(h[i].status, "affected") == 0)
                unfixed_status = h[i].status;
        } else {
            int c = 1;
            if (fixed && strata_version_compare(t, h[i].fixed, fixed, &c, NULL) != 0)
                c = strcmp(h[i].fixed, fixed);
            if (fixed == NULL || c > 0)
                fixed = h[i].fixed;
        }
        if (h[i].severity && (distro_sev == NULL || strata_severity_rank(h[i].severity) >
                                                        strata_severity_rank(distro_sev))) {
            distro_sev = h[i].severity;
            distro_src = distro_of(h[i].data_source);
        }
        double score;
        if (h[i].cvss && cvss3_base_score(h[i].cvss, &score, NULL) == 0 && score > best_score) {
            best_score = score;
            vector = h[i].cvss;
        }
        if (title == NULL || &h[i] == primary)
            title = h[i].summary ? h[i].summary : title;
    }
    qsort(ids, k, sizeof *ids, cmp_strp);
    size_t u = 0; /* drop repeats */
    for (size_t i = 0; i < k; i++)
        if (u == 0 || strcmp(ids[u - 1], ids[i]) != 0)
            ids[u++] = ids[i];
    int oom = 0;
    v->aliases = calloc(u ? u : 1, sizeof *v->aliases);
    oom |= v->aliases == NULL;
    for (size_t i = 0; !oom && i < u; i++) {
        oom |= (v->aliases[i] = strdup(ids[i])) == NULL;
        v->n_aliases += !oom;
    }
    free(ids);
    const char *severity = distro_sev        ? distro_sev
                           : best_score >= 0 ? cvss3_severity(best_score)
                                             : "UNKNOWN";
    const char *sev_source = distro_sev ? distro_src : best_score >= 0 ? "cvss_v3" : NULL;
    v->id = strata_strdup_or_null(primary->ids[0], &oom);
    v->package_name = strata_strdup_or_null(p->name, &oom);
    v->package_version = strata_strdup_or_null(p->version, &oom);
    v->package_type = strata_strdup_or_null(p->type, &oom);
    v->package_purl = strata_strdup_or_null(p->purl, &oom);
    v->source_name =
        strcmp(lookup_name, p->name) != 0 ? strata_strdup_or_null(lookup_name, &oom) : NULL;
    v->fixed_version = unfixed_status ? NULL : strata_strdup_or_null(fixed, &oom);
    v->status = strata_strdup_or_null(unfixed_status ? unfixed_status : "fixed", &oom);
    v->severity = strata_strdup_or_null(severity, &oom);
    v->severity_source = strata_strdup_or_null(sev_source, &oom);
    v->cvss_score = best_score;
    v->cvss_vector = strata_strdup_or_null(vector, &oom);
    v->title = strata_strdup_or_null(title, &oom);
    v->layer_index = p->layer_index;
    v->layer_diff_id = strata_strdup_or_null(p->layer_diff_id, &oom);
    v->data_source = strata_strdup_or_null(primary->data_source, &oom);
    return oom ? STRATA_ENOMEM : 0;
}

static int match_package(struct matcher *m, const struct strata_package *p, const char *os_eco,
                         struct hit *hits, struct strata_error *err)
{
    const char *eco, *name, *version;
    enum strata_version_type t;
    if (!package_key(p, os_eco, &eco, &name, &version, &t))
        return 0;
    /* The database keys PyPI names by their PEP 503 form (import_osv.c); an SBOM may not. */
    char pep503[256];
    if (strcmp(eco, "PyPI") == 0 && strlen(name) < sizeof pep503 / 2 &&
        vdb_pep503(name, pep503, sizeof pep503) == 0)
        name = pep503;
    int rc = 0;
    if (!ecosystem_has_data(m, eco, &rc, err))
        return rc;
    struct strata_error verr = {0};
    if (strata_version_validate(t, version, &verr) != 0) {
        char msg[STRATA_ERROR_MAX + 128];
        snprintf(msg, sizeof msg, "%s %s: version not comparable, not checked: %s", p->name,
                 p->version, verr.msg);
        return strata_report_add_vuln_warning(m->r, msg) ? strata_error_nomem(err) : 0;
    }
    size_t n = 0;
    int skipped = 0;
    rc = find_hits(m, eco, name, version, t, hits, &n, &skipped, err);
    if (rc == 0) {
        group_hits(hits, n);
        for (size_t g = 0; g < n && rc == 0; g++) {
            if (hits[g].group != g)
                continue;
            struct strata_vulnerability *v = strata_report_add_vulnerability(m->r);
            if (v == NULL || emit_group(hits, n, g, t, p, name, v) != 0)
                rc = strata_error_nomem(err);
        }
    }
    for (size_t i = 0; i < n; i++)
        hit_free(&hits[i]);
    return rc;
}

/* Days since the RFC 3339 time s, or -1 when s does not parse. */
static long age_days(const char *s)
{
    struct tm tm = {0};
    if (s == NULL || strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
        return -1;
    time_t built = timegm(&tm);
    time_t now = time(NULL);
    return now > built ? (long)((now - built) / 86400) : 0;
}

static int read_meta(struct matcher *m, const char *db_path, struct strata_error *err)
{
    struct strata_report *r = m->r;
    int oom = 0;
    r->vuln_scan.ran = 1;
    r->vuln_scan.db_path = strata_strdup_or_null(db_path, &oom);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(m->db, "SELECT value FROM meta WHERE key = 'built_at'", -1, &st, NULL) !=
        SQLITE_OK)
        return db_error(m, err);
    if (sqlite3_step(st) == SQLITE_ROW)
        r->vuln_scan.db_built_at = dup_col(st, 0, &oom);
    sqlite3_finalize(st);
    if (oom)
        return strata_error_nomem(err);
    long age = age_days(r->vuln_scan.db_built_at);
    if (age > VULNDB_STALE_DAYS) {
        char msg[512];
        snprintf(msg, sizeof msg,
                 "the vulnerability database %s was built %ld days ago (%s): findings may be "
                 "missing; run 'strata db update'",
                 db_path, age, r->vuln_scan.db_built_at);
        if (strata_report_add_vuln_warning(r, msg) != 0)
            return strata_error_nomem(err);
    }
    return 0;
}

int strata_match_vulnerabilities(struct strata_report *r, const char *db_path,
                                 const struct strata_match_options *opts, struct strata_error *err)
{
    int include_os_owned = opts != NULL && opts->include_os_owned;
    struct matcher m = {.r = r, .warned = STRMAP_INIT, .warned_keys = ARENA_INIT};
    int rc = vulndb_open(db_path, &m.db, err);
    if (rc != 0)
        return rc;
    static const char q_affected[] =
        "SELECT f.status, f.severity, f.ranges, f.versions, a.id, a.advisory_id, a.summary, "
        "a.cvss_v3, s.kind FROM affected f JOIN advisories a ON a.id = f.advisory "
        "JOIN sources s ON s.id = a.source_id WHERE f.ecosystem = ?1 AND f.package = ?2 "
        "ORDER BY a.advisory_id";
    struct hit *hits = calloc(MAX_HITS, sizeof *hits);
    if (hits == NULL) {
        rc = strata_error_nomem(err);
        goto out;
    }
    if (sqlite3_prepare_v2(m.db, q_affected, -1, &m.q_affected, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(m.db, "SELECT alias FROM aliases WHERE advisory = ?1 ORDER BY alias", -1,
                           &m.q_aliases, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(m.db, "SELECT 1 FROM affected WHERE ecosystem = ?1 LIMIT 1", -1,
                           &m.q_has_eco, NULL) != SQLITE_OK) {
        rc = db_error(&m, err);
        goto out;
    }
    strata_report_clear_vulnerabilities(r);
    if ((rc = read_meta(&m, db_path, err)) != 0)
        goto out;
    char os_eco[96];
    os_ecosystem(&r->os, os_eco, sizeof os_eco);
    int has_os_packages = 0;
    for (size_t i = 0; i < r->n_packages; i++)
        has_os_packages |= strata_package_is_os(&r->packages[i]);
    if (has_os_packages && os_eco[0] == '\0') {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "OS %s %s has no vulnerability feed strata knows: its packages were not checked",
                 r->os.family ? r->os.family : "(unknown)",
                 r->os.version ? r->os.version : "(no version)");
        if (strata_report_add_vuln_warning(r, msg) != 0) {
            rc = strata_error_nomem(err);
            goto out;
        }
    }
    for (size_t i = 0; i < r->n_packages && rc == 0; i++) {
        const struct strata_package *p = &r->packages[i];
        if (p->os_package != NULL && !p->compiled_in && !include_os_owned)
            continue; /* judged through its OS package (see strata_match_options) */
        rc = match_package(&m, p, os_eco, hits, err);
    }
    if (rc == 0)
        strata_report_sort_vulnerabilities(r);
out:
    free(hits);
    sqlite3_finalize(m.q_affected);
    sqlite3_finalize(m.q_aliases);
    sqlite3_finalize(m.q_has_eco);
    sqlite3_close(m.db);
    strmap_release(&m.warned);
    arena_release(&m.warned_keys);
    return rc;
}
