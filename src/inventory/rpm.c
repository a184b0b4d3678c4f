/* rpm analyzer: installed rpm packages from rpm's package database, in whichever of its three
 * formats the image carries, and the layer that introduced each package.
 *
 * Databases read (exact paths, both the classic and the newer location):
 *     var/lib/rpm/{rpmdb.sqlite, Packages.db, Packages}
 *     usr/lib/sysimage/rpm/{rpmdb.sqlite, Packages.db, Packages}
 * Each layer's copy of a database is parsed when the layer is read (rpmdb.h, rpm_header.h);
 * nothing but the header blobs is read: rpm's index tables/files are derived data.
 *
 * Which database counts: rpm reads exactly one, the one its configured backend names. An image
 * normally has one; when several are visible in the final view we prefer sqlite, then ndb,
 * then bdb (newest backend first: a distribution that migrated leaves the old file behind
 * only by accident, and `rpm --rebuilddb` converts towards the newer format), and for the same
 * format usr/lib/sysimage/rpm over var/lib/rpm (rpm's newer default %_dbpath; where both exist
 * var/lib/rpm is normally a symlink to it and so not a file in the view).
 *
 * What is reported: every header in that database, as `rpm -qa` lists them — including the
 * gpg-pubkey pseudo-packages that `rpm --import` creates (they have no arch), so the inventory
 * matches the rpm oracle. Version is "[epoch:]version-release" with the epoch only when it is
 * present and non-zero (rpm compares a missing epoch as 0).
 *
 * Attribution rule (same as dpkg): a package belongs to the lowest layer whose own copy of an
 * rpm database lists the same name, [epoch:]version-release and arch. */
#include <stdlib.h>
#include <string.h>

#include "inventory/attribution.h"
#include "core/strbuf.h"
#include "inventory/rpm_header.h"
#include "inventory/rpmdb.h"
#include "strata/analyzer.h"
#include "strata/purl.h"

enum db_format { FMT_SQLITE, FMT_NDB, FMT_BDB };

/* In order of preference (see above). */
static const struct db_location {
    const char *path;
    enum db_format format;
} db_locations[] = {
    {"usr/lib/sysimage/rpm/rpmdb.sqlite", FMT_SQLITE}, {"var/lib/rpm/rpmdb.sqlite", FMT_SQLITE},
    {"usr/lib/sysimage/rpm/Packages.db", FMT_NDB},     {"var/lib/rpm/Packages.db", FMT_NDB},
    {"usr/lib/sysimage/rpm/Packages", FMT_BDB},        {"var/lib/rpm/Packages", FMT_BDB},
};
#define N_LOCATIONS (sizeof db_locations / sizeof db_locations[0])

struct rpm_pkg {
    struct rpm_header_info h;
    char *evr; /* "[epoch:]version-release" */
};

struct rpm_db {
    char *path;
    struct rpm_pkg *pkgs;
    size_t n, cap;
};

struct rpm_layer {
    struct rpm_db *dbs;
    size_t n_dbs, cap_dbs;
    /* Built in finish: every package of this layer's databases, sorted by key. */
    const struct rpm_pkg **index;
    size_t n_index;
};

static void db_clear(struct rpm_db *d)
{
    for (size_t i = 0; i < d->n; i++) {
        rpm_header_info_free(&d->pkgs[i].h);
        free(d->pkgs[i].evr);
    }
    free(d->pkgs);
    d->pkgs = NULL;
    d->n = d->cap = 0;
}

static void *layer_new(void)
{
    return calloc(1, sizeof(struct rpm_layer));
}

static void layer_free(void *state)
{
    struct rpm_layer *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n_dbs; i++) {
        db_clear(&l->dbs[i]);
        free(l->dbs[i].path);
    }
    free(l->dbs);
    free(l->index);
    free(l);
}

static char *make_evr(const struct rpm_header_info *h)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = 0;
    if (h->has_epoch && h->epoch != 0)
        rc = strbuf_addf(&sb, "%u:", h->epoch);
    rc = rc ? rc : strbuf_adds(&sb, h->version ? h->version : "");
    if (h->release != NULL) {
        rc = rc ? rc : strbuf_addch(&sb, '-');
        rc = rc ? rc : strbuf_adds(&sb, h->release);
    }
    if (rc != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

static int on_blob(uint32_t hnum, const uint8_t *blob, size_t len, void *arg,
                   struct strata_error *err)
{
    struct rpm_db *d = arg;
    struct rpm_header_info h;
    int rc = rpm_header_parse(blob, len, &h, err);
    if (rc != 0) {
        strata_error_prefix(err, "header %u: ", hnum);
        return rc;
    }
    if (h.name == NULL) { /* not a package header: nothing rpm -qa would list */
        rpm_header_info_free(&h);
        return 0;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        struct rpm_pkg *v = realloc(d->pkgs, cap * sizeof *v);
        if (v == NULL) {
            rpm_header_info_free(&h);
            return strata_error_nomem(err);
        }
        d->pkgs = v;
        d->cap = cap;
    }
    char *evr = make_evr(&h);
    if (evr == NULL) {
        rpm_header_info_free(&h);
        return strata_error_nomem(err);
    }
    d->pkgs[d->n++] = (struct rpm_pkg){h, evr};
    return 0;
}

static int format_of(const char *path, enum db_format *out)
{
    for (size_t i = 0; i < N_LOCATIONS; i++)
        if (strcmp(path, db_locations[i].path) == 0) {
            *out = db_locations[i].format;
            return 1;
        }
    return 0;
}

/* A tar may hold the same path twice; the later member wins, as on extraction. */
static struct rpm_db *db_slot(struct rpm_layer *l, const char *path)
{
    for (size_t i = 0; i < l->n_dbs; i++)
        if (strcmp(l->dbs[i].path, path) == 0) {
            db_clear(&l->dbs[i]);
            return &l->dbs[i];
        }
    if (l->n_dbs == l->cap_dbs) {
        size_t cap = l->cap_dbs ? l->cap_dbs * 2 : 4;
        struct rpm_db *v = realloc(l->dbs, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        l->dbs = v;
        l->cap_dbs = cap;
    }
    struct rpm_db *d = &l->dbs[l->n_dbs];
    memset(d, 0, sizeof *d);
    d->path = strdup(path);
    if (d->path == NULL)
        return NULL;
    l->n_dbs++;
    return d;
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct rpm_layer *l = state;
    enum db_format fmt;
    if (!format_of(f->path, &fmt))
        return 0;
    struct rpm_db *d = db_slot(l, f->path);
    if (d == NULL)
        return strata_error_nomem(err);
    int rc;
    switch (fmt) {
    case FMT_SQLITE:
        rc = rpmdb_sqlite_each(f->data, f->len, on_blob, d, err);
        break;
    case FMT_NDB:
        rc = rpmdb_ndb_each(f->data, f->len, on_blob, d, err);
        break;
    default:
        rc = rpmdb_bdb_each(f->data, f->len, on_blob, d, err);
        break;
    }
    if (rc != 0) {
        db_clear(d);
        strata_error_prefix(err, "%s: ", f->path);
        return rc;
    }
    return 0;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_key(const struct rpm_pkg *a, const struct rpm_pkg *b)
{
    int c = strcmp(a->h.name, b->h.name);
    if (c == 0)
        c = strcmp(a->evr, b->evr);
    if (c == 0)
        c = cmp_str(a->h.arch, b->h.arch);
    return c;
}

static int cmp_index(const void *a, const void *b)
{
    return cmp_key(*(const struct rpm_pkg *const *)a, *(const struct rpm_pkg *const *)b);
}

static int build_index(struct rpm_layer *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n_dbs; i++)
        n += l->dbs[i].n;
    free(l->index);
    l->index = NULL;
    l->n_index = 0;
    if (n == 0)
        return 0;
    l->index = malloc(n * sizeof *l->index);
    if (l->index == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < l->n_dbs; i++)
        for (size_t j = 0; j < l->dbs[i].n; j++)
            l->index[l->n_index++] = &l->dbs[i].pkgs[j];
    qsort(l->index, l->n_index, sizeof *l->index, cmp_index);
    return 0;
}

static int layer_has(const struct rpm_layer *l, const struct rpm_pkg *p)
{
    if (l == NULL || l->n_index == 0)
        return 0;
    return bsearch(&p, l->index, l->n_index, sizeof *l->index, cmp_index) != NULL;
}

static const struct rpm_db *find_db(const struct rpm_layer *l, const char *path)
{
    for (size_t i = 0; l && i < l->n_dbs; i++)
        if (strcmp(l->dbs[i].path, path) == 0)
            return &l->dbs[i];
    return NULL;
}

/* "name-version-release.src.rpm" -> name, "version-release". Name and version may contain
 * '-' only in the name, so the last two dashes split the fields. */
static int split_sourcerpm(const char *srpm, char **name, char **version)
{
    *name = *version = NULL;
    if (srpm == NULL)
        return 0;
    size_t n = strlen(srpm);
    static const char *const suffixes[] = {".src.rpm", ".nosrc.rpm"};
    size_t end = 0;
    for (size_t i = 0; i < 2; i++) {
        size_t sl = strlen(suffixes[i]);
        if (n > sl && strcmp(srpm + n - sl, suffixes[i]) == 0)
            end = n - sl;
    }
    if (end == 0)
        return 0;
    const char *rel = NULL, *ver = NULL;
    for (size_t i = end; i-- > 0;) {
        if (srpm[i] != '-')
            continue;
        if (rel == NULL) {
            rel = srpm + i;
        } else {
            ver = srpm + i;
            break;
        }
    }
    if (ver == NULL || ver == srpm || ver + 1 == rel || rel + 1 == srpm + end)
        return 0;
    *name = strndup(srpm, (size_t)(ver - srpm));
    *version = strndup(ver + 1, (size_t)(srpm + end - (ver + 1)));
    if (*name == NULL || *version == NULL) {
        free(*name);
        free(*version);
        *name = *version = NULL;
        return STRATA_ENOMEM;
    }
    return 0;
}

static char *make_purl(const struct rpm_pkg *p, const struct strata_report *r)
{
    const char *family = r->os.family && *r->os.family ? r->os.family : NULL;
    int distro_oom = 0;
    char *distro = strata_purl_distro(&r->os, &distro_oom);
    struct strbuf ver = STRBUF_INIT, epoch = STRBUF_INIT;
    int rc = distro_oom ? STRATA_ENOMEM : 0;
    /* purl-spec's rpm type: the version is version-release, the epoch a qualifier. */
    rc = rc ? rc : strbuf_adds(&ver, p->h.version ? p->h.version : "");
    if (p->h.release) {
        rc = rc ? rc : strbuf_addch(&ver, '-');
        rc = rc ? rc : strbuf_adds(&ver, p->h.release);
    }
    if (p->h.has_epoch && p->h.epoch != 0)
        rc = rc ? rc : strbuf_addf(&epoch, "%u", p->h.epoch);
    char *purl = NULL;
    if (rc == 0) {
        const char *quals[] = {"arch", p->h.arch, "epoch", epoch.buf, "distro", distro, NULL};
        purl = strata_purl("rpm", family, p->h.name, ver.buf, quals);
    }
    free(distro);
    strbuf_release(&ver);
    strbuf_release(&epoch);
    return purl;
}

static int emit(const struct rpm_pkg *p, const char *db_path, void *const *states, size_t n_states,
                struct strata_report *r)
{
    struct strata_package *out = strata_report_add_package(r);
    if (out == NULL)
        return STRATA_ENOMEM;
    int oom = 0;
    out->name = strata_strdup_or_null(p->h.name, &oom);
    out->version = strata_strdup_or_null(p->evr, &oom);
    out->type = strata_strdup_or_null("rpm", &oom);
    out->arch = strata_strdup_or_null(p->h.arch, &oom);
    out->purl = make_purl(p, r);
    if (out->purl == NULL)
        oom = 1;
    if (split_sourcerpm(p->h.sourcerpm, &out->source_name, &out->source_version) != 0)
        oom = 1;
    if (p->h.license && *p->h.license) {
        out->licenses = calloc(1, sizeof *out->licenses);
        if (out->licenses == NULL || (out->licenses[0] = strdup(p->h.license)) == NULL)
            oom = 1;
        else
            out->n_licenses = 1;
    }
    struct strbuf db = STRBUF_INIT;
    if (strbuf_addch(&db, '/') || strbuf_adds(&db, db_path))
        oom = 1;
    out->db_path = strbuf_detach(&db);
    if (out->db_path == NULL)
        oom = 1;
    if (!oom && p->h.n_files > 0) {
        out->files = calloc(p->h.n_files, sizeof *out->files);
        if (out->files == NULL)
            oom = 1;
        for (size_t i = 0; !oom && i < p->h.n_files; i++) {
            if ((out->files[i] = strdup(p->h.files[i])) == NULL)
                oom = 1;
            else
                out->n_files++;
        }
    }
    if (oom)
        return STRATA_ENOMEM;

    if (r->n_layers > 0) {
        for (size_t i = 0; i < n_states; i++) {
            if (layer_has(states[i], p)) {
                out->layer_index = (int)i;
                break;
            }
        }
        if (out->layer_index >= 0 && (size_t)out->layer_index < r->n_layers &&
            r->layers[out->layer_index].diff_id != NULL) {
            out->layer_diff_id = strdup(r->layers[out->layer_index].diff_id);
            if (out->layer_diff_id == NULL)
                return STRATA_ENOMEM;
        }
    }
    return 0;
}

/* The database rpm would read: the first location, in order of preference, that is a regular
 * file present in the final view, with the state of the layer that wrote it. Without a view,
 * the highest state that read a database stands in for it. */
static int pick_db(void *const *states, size_t n_states, const struct strata_view *view,
                   const struct strata_report *r, const struct rpm_db **out,
                   struct strata_error *err)
{
    *out = NULL;
    for (size_t i = 0; i < N_LOCATIONS; i++) {
        const char *path = db_locations[i].path;
        if (view == NULL) {
            for (size_t s = n_states; s-- > 0;) {
                const struct rpm_db *d = find_db(states[s], path);
                if (d != NULL) {
                    *out = d;
                    return 0;
                }
            }
            continue;
        }
        struct strata_node_info ni;
        if (strata_view_lookup(view, path, &ni) != 0 || ni.deleted_by >= 0 ||
            ni.type != STRATA_FT_REG)
            continue;
        long s = inventory_state_of(&ni, n_states, r);
        const struct rpm_db *d = s >= 0 ? find_db(states[s], path) : NULL;
        /* The walker hands every EXACT match to layer_file, so its contents must be here;
         * failing loudly beats reporting an image without packages. */
        if (d == NULL)
            return strata_error_set(err, STRATA_EINTERNAL,
                                    "%s: visible from layer %ld but never read", path, s);
        *out = d;
        return 0;
    }
    return 0;
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    const struct rpm_db *d;
    int rc = pick_db(states, n_states, view, report, &d, err);
    if (rc != 0 || d == NULL)
        return rc;
    for (size_t i = 0; i < n_states; i++)
        if (states[i] != NULL && build_index(states[i]) != 0)
            return strata_error_nomem(err);
    for (size_t i = 0; i < d->n; i++)
        if (emit(&d->pkgs[i], d->path, states, n_states, report) != 0)
            return strata_error_nomem(err);
    return 0;
}

static const struct strata_match rpm_matches[] = {
    {STRATA_MATCH_EXACT, "var/lib/rpm/rpmdb.sqlite"},
    {STRATA_MATCH_EXACT, "var/lib/rpm/Packages.db"},
    {STRATA_MATCH_EXACT, "var/lib/rpm/Packages"},
    {STRATA_MATCH_EXACT, "usr/lib/sysimage/rpm/rpmdb.sqlite"},
    {STRATA_MATCH_EXACT, "usr/lib/sysimage/rpm/Packages.db"},
    {STRATA_MATCH_EXACT, "usr/lib/sysimage/rpm/Packages"},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_rpm = {
    .name = "rpm",
    .pkg_types = STRATA_PKG_OS,
    .matches = rpm_matches,
    /* A full Fedora workstation's rpmdb.sqlite is ~150 MB and its BDB Packages was larger. */
    .max_file_size = 512u * 1024 * 1024,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
