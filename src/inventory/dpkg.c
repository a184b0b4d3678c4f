/* dpkg analyzer: installed Debian packages from var/lib/dpkg/status (or distroless'
 * var/lib/dpkg/status.d/<pkg>), the files each owns from var/lib/dpkg/info/<pkg>[:arch].list,
 * and the layer that introduced each package.
 *
 * Attribution rule: a package of the final view belongs to the lowest layer whose own copy of
 * the package database (the status file it wrote, or a status.d file it wrote) lists the same
 * name, architecture and version as installed. An upgrade in a later layer therefore moves the
 * package to that layer, while rewriting status for some other package does not. */
#include <stdlib.h>
#include <string.h>

#include "inventory/attribution.h"
#include "core/strbuf.h"
#include "inventory/dpkg_status.h"
#include "strata/analyzer.h"
#include "strata/purl.h"

#define STATUS_PATH "var/lib/dpkg/status"
#define STATUSD_DIR "var/lib/dpkg/status.d/"
#define INFO_DIR "var/lib/dpkg/info/"
#define LIST_SUFFIX ".list"
#define MD5_SUFFIX ".md5sums"

/* A package database file written by one layer: the status file or one status.d file. */
struct db_file {
    char *path;
    struct dpkg_pkg_list pkgs;
};

/* An info/<pkg>.list file kept as bytes: only the lists visible at the end are ever split. */
struct list_file {
    char *path;
    char *data;
    size_t len;
};

struct dpkg_layer {
    struct db_file *dbs;
    size_t n_dbs, cap_dbs;
    struct list_file *lists;
    size_t n_lists, cap_lists;
    /* Built in finish: every installed package of this layer's databases, sorted by key. */
    const struct dpkg_pkg **index;
    size_t n_index;
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct dpkg_layer));
}

static void layer_free(void *state)
{
    struct dpkg_layer *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n_dbs; i++) {
        free(l->dbs[i].path);
        dpkg_pkg_list_free(&l->dbs[i].pkgs);
    }
    free(l->dbs);
    for (size_t i = 0; i < l->n_lists; i++) {
        free(l->lists[i].path);
        free(l->lists[i].data);
    }
    free(l->lists);
    free(l->index);
    free(l);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A tar may hold the same path twice; the later member wins, as on extraction. */
static struct db_file *db_slot(struct dpkg_layer *l, const char *path)
{
    for (size_t i = 0; i < l->n_dbs; i++) {
        if (strcmp(l->dbs[i].path, path) == 0) {
            dpkg_pkg_list_free(&l->dbs[i].pkgs);
            return &l->dbs[i];
        }
    }
    if (l->n_dbs == l->cap_dbs) {
        size_t cap = l->cap_dbs ? l->cap_dbs * 2 : 8;
        struct db_file *v = realloc(l->dbs, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        l->dbs = v;
        l->cap_dbs = cap;
    }
    struct db_file *d = &l->dbs[l->n_dbs];
    memset(d, 0, sizeof *d);
    d->path = strdup(path);
    if (d->path == NULL)
        return NULL;
    l->n_dbs++;
    return d;
}

static int add_db(struct dpkg_layer *l, const struct strata_layer_file *f, int status_optional,
                  struct strata_error *err)
{
    struct dpkg_pkg_list pkgs = {0};
    int rc = dpkg_parse_packages(f->data, f->len, f->path, status_optional, &pkgs, err);
    if (rc != 0) {
        dpkg_pkg_list_free(&pkgs);
        return rc;
    }
    struct db_file *d = db_slot(l, f->path);
    if (d == NULL) {
        dpkg_pkg_list_free(&pkgs);
        return strata_error_nomem(err);
    }
    d->pkgs = pkgs;
    return 0;
}

static int add_list(struct dpkg_layer *l, const struct strata_layer_file *f,
                    struct strata_error *err)
{
    struct list_file *slot = NULL;
    for (size_t i = 0; i < l->n_lists; i++)
        if (strcmp(l->lists[i].path, f->path) == 0)
            slot = &l->lists[i];
    char *data = malloc(f->len + 1);
    if (data == NULL)
        return strata_error_nomem(err);
    if (f->len)
        memcpy(data, f->data, f->len);
    data[f->len] = '\0';
    if (slot != NULL) {
        free(slot->data);
        slot->data = data;
        slot->len = f->len;
        return 0;
    }
    if (l->n_lists == l->cap_lists) {
        size_t cap = l->cap_lists ? l->cap_lists * 2 : 64;
        struct list_file *v = realloc(l->lists, cap * sizeof *v);
        if (v == NULL) {
            free(data);
            return strata_error_nomem(err);
        }
        l->lists = v;
        l->cap_lists = cap;
    }
    slot = &l->lists[l->n_lists];
    slot->path = strdup(f->path);
    if (slot->path == NULL) {
        free(data);
        return strata_error_nomem(err);
    }
    slot->data = data;
    slot->len = f->len;
    l->n_lists++;
    return 0;
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct dpkg_layer *l = state;
    const char *p = f->path;
    if (strcmp(p, STATUS_PATH) == 0)
        return add_db(l, f, 0, err);
    if (has_prefix(p, STATUSD_DIR)) {
        const char *base = p + strlen(STATUSD_DIR);
        /* distroless keeps <pkg>.md5sums next to each stanza file; those are not stanzas. */
        if (*base == '\0' || *base == '.' || strchr(base, '/') || has_suffix(base, MD5_SUFFIX))
            return 0;
        return add_db(l, f, 1, err);
    }
    if (has_prefix(p, INFO_DIR) && has_suffix(p, LIST_SUFFIX) &&
        strchr(p + strlen(INFO_DIR), '/') == NULL)
        return add_list(l, f, err);
    return 0;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_pkg_key(const struct dpkg_pkg *a, const struct dpkg_pkg *b)
{
    int c = strcmp(a->name, b->name);
    if (c == 0)
        c = cmp_str(a->arch, b->arch);
    if (c == 0)
        c = strcmp(a->version, b->version);
    return c;
}

static int cmp_index(const void *a, const void *b)
{
    return cmp_pkg_key(*(const struct dpkg_pkg *const *)a, *(const struct dpkg_pkg *const *)b);
}

static int cmp_list(const void *a, const void *b)
{
    return strcmp(((const struct list_file *)a)->path, ((const struct list_file *)b)->path);
}

static int build_index(struct dpkg_layer *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n_dbs; i++)
        n += l->dbs[i].pkgs.n;
    free(l->index);
    l->index = NULL;
    l->n_index = 0;
    if (n == 0)
        return 0;
    l->index = malloc(n * sizeof *l->index);
    if (l->index == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < l->n_dbs; i++)
        for (size_t j = 0; j < l->dbs[i].pkgs.n; j++)
            l->index[l->n_index++] = &l->dbs[i].pkgs.v[j];
    qsort(l->index, l->n_index, sizeof *l->index, cmp_index);
    return 0;
}

static int layer_has(const struct dpkg_layer *l, const struct dpkg_pkg *p)
{
    if (l == NULL || l->n_index == 0)
        return 0;
    return bsearch(&p, l->index, l->n_index, sizeof *l->index, cmp_index) != NULL;
}

struct candidate {
    const struct dpkg_pkg *pkg;
    const char *db_path; /* view path of the database file */
    size_t order;        /* status first, then status.d in layer order: first one wins */
};

static int cmp_candidate(const void *va, const void *vb)
{
    const struct candidate *a = va, *b = vb;
    int c = strcmp(a->pkg->name, b->pkg->name);
    if (c == 0)
        c = cmp_str(a->pkg->arch, b->pkg->arch);
    if (c == 0)
        c = a->order < b->order ? -1 : a->order > b->order;
    return c;
}

static const struct list_file *find_list(const struct dpkg_layer *l, const char *path)
{
    struct list_file key = {.path = (char *)path};
    if (l->n_lists == 0)
        return NULL;
    return bsearch(&key, l->lists, l->n_lists, sizeof *l->lists, cmp_list);
}

/* Splits a .list file into absolute paths; "/." stands for the root and owns nothing. */
static int add_files(struct strata_package *out, const struct list_file *lf)
{
    size_t n = 0;
    for (size_t i = 0; i < lf->len; i++)
        n += lf->data[i] == '\n';
    n++;
    out->files = calloc(n, sizeof *out->files);
    if (out->files == NULL)
        return STRATA_ENOMEM;
    const char *s = lf->data, *end = lf->data + lf->len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t ll = nl ? (size_t)(nl - s) : (size_t)(end - s);
        const char *line = s;
        s += ll + (nl ? 1 : 0);
        if (ll > 0 && line[ll - 1] == '\r')
            ll--;
        if (ll == 0 || line[0] != '/' || memchr(line, '\0', ll) != NULL ||
            (ll == 2 && line[1] == '.'))
            continue;
        if (out->n_files == n)
            break;
        char *f = strndup(line, ll);
        if (f == NULL)
            return STRATA_ENOMEM;
        out->files[out->n_files++] = f;
    }
    return 0;
}

static int emit(const struct candidate *c, void *const *states, size_t n_states,
                const struct strata_view *view, struct strata_report *r)
{
    const struct dpkg_pkg *p = c->pkg;
    struct strata_package *out = strata_report_add_package(r);
    if (out == NULL)
        return STRATA_ENOMEM;
    const char *family = r->os.family && *r->os.family ? r->os.family : NULL;
    int distro_oom = 0;
    char *distro = strata_purl_distro(&r->os, &distro_oom);
    int rc = distro_oom ? STRATA_ENOMEM : 0;
    if (rc != 0)
        return STRATA_ENOMEM;
    const char *quals[] = {"arch", p->arch, "distro", distro, NULL};
    out->purl = strata_purl("deb", family ? family : "debian", p->name, p->version, quals);
    free(distro);
    out->name = strdup(p->name);
    out->version = strdup(p->version);
    out->type = strdup("deb");
    int oom = 0;
    out->arch = strata_strdup_or_null(p->arch, &oom);
    out->source_name = strdup(p->source_name);
    out->source_version = strdup(p->source_version);
    struct strbuf db = STRBUF_INIT;
    if (strbuf_addch(&db, '/') || strbuf_adds(&db, c->db_path))
        oom = 1;
    out->db_path = strbuf_detach(&db);
    if (oom || !out->purl || !out->name || !out->version || !out->type || !out->source_name ||
        !out->source_version || !out->db_path)
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

    /* Multi-Arch: same packages name their list <name>:<arch>.list, the others <name>.list. */
    struct strbuf path = STRBUF_INIT;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (attempt == 0 && p->arch == NULL)
            continue;
        strbuf_reset(&path);
        if (attempt == 0)
            rc = strbuf_addf(&path, INFO_DIR "%s:%s" LIST_SUFFIX, p->name, p->arch);
        else
            rc = strbuf_addf(&path, INFO_DIR "%s" LIST_SUFFIX, p->name);
        if (rc != 0)
            break;
        long s = inventory_visible_file(view, path.buf, n_states, r);
        if (s < 0)
            continue;
        /* A list above the size bound was skipped by the walker: no files, not an error. */
        const struct list_file *lf = find_list(states[s], path.buf);
        if (lf != NULL)
            rc = add_files(out, lf);
        break;
    }
    strbuf_release(&path);
    return rc;
}

static int add_candidates(struct candidate **cv, size_t *n, size_t *cap, const struct db_file *d,
                          size_t *order)
{
    for (size_t j = 0; j < d->pkgs.n; j++) {
        if (*n == *cap) {
            size_t c = *cap ? *cap * 2 : 256;
            struct candidate *v = realloc(*cv, c * sizeof *v);
            if (v == NULL)
                return STRATA_ENOMEM;
            *cv = v;
            *cap = c;
        }
        (*cv)[(*n)++] = (struct candidate){&d->pkgs.v[j], d->path, (*order)++};
    }
    return 0;
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    for (size_t i = 0; i < n_states; i++) {
        struct dpkg_layer *l = states[i];
        if (l == NULL)
            continue;
        if (build_index(l) != 0)
            return strata_error_nomem(err);
        if (l->n_lists > 1)
            qsort(l->lists, l->n_lists, sizeof *l->lists, cmp_list);
    }

    struct candidate *cv = NULL;
    size_t n = 0, cap = 0, order = 0;
    int rc = 0;
    /* dpkg opens the status file through symlinks: a loop there is an image defect to report,
     * not an image without packages. (A status symlinked elsewhere is not read: only the
     * database paths themselves are captured while streaming.) */
    char resolved[4096];
    struct strata_error tmp = {0};
    rc = strata_view_resolve(view, STATUS_PATH, resolved, sizeof resolved, &tmp);
    if (rc != 0 && rc != STRATA_ENOTFOUND) {
        if (err)
            *err = tmp;
        return rc;
    }
    rc = 0;
    long s = inventory_visible_file(view, STATUS_PATH, n_states, report);
    if (s >= 0) {
        const struct dpkg_layer *l = states[s];
        const struct db_file *d = NULL;
        for (size_t j = 0; l && j < l->n_dbs; j++)
            if (strcmp(l->dbs[j].path, STATUS_PATH) == 0)
                d = &l->dbs[j];
        /* The walker hands every EXACT match to layer_file, so its bytes must be here; failing
         * loudly beats reporting an image without packages. */
        if (d == NULL)
            return strata_error_set(err, STRATA_EINTERNAL,
                                    STATUS_PATH ": visible from layer %ld but never read", s);
        rc = add_candidates(&cv, &n, &cap, d, &order);
    }
    /* status.d files: each layer's own files that are still visible from that layer. */
    for (size_t i = 0; rc == 0 && i < n_states; i++) {
        const struct dpkg_layer *l = states[i];
        for (size_t j = 0; l && rc == 0 && j < l->n_dbs; j++) {
            const struct db_file *d = &l->dbs[j];
            if (strcmp(d->path, STATUS_PATH) == 0)
                continue;
            if (inventory_visible_file(view, d->path, n_states, report) == (long)i)
                rc = add_candidates(&cv, &n, &cap, d, &order);
        }
    }
    if (rc != 0) {
        free(cv);
        return strata_error_nomem(err);
    }
    if (n > 1)
        qsort(cv, n, sizeof *cv, cmp_candidate);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* dpkg keeps one package per name and architecture; so do we. */
        if (i > 0 && strcmp(cv[i].pkg->name, cv[i - 1].pkg->name) == 0 &&
            cmp_str(cv[i].pkg->arch, cv[i - 1].pkg->arch) == 0)
            continue;
        rc = emit(&cv[i], states, n_states, view, report);
    }
    free(cv);
    if (rc != 0)
        return strata_error_nomem(err);
    return 0;
}

static const struct strata_match dpkg_matches[] = {
    {STRATA_MATCH_EXACT, STATUS_PATH},
    {STRATA_MATCH_GLOB, STATUSD_DIR "*"},
    {STRATA_MATCH_GLOB, INFO_DIR "*" LIST_SUFFIX},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_dpkg = {
    .name = "dpkg",
    .pkg_types = STRATA_PKG_OS,
    .matches = dpkg_matches,
    /* A status file of a big desktop system is ~10 MB; lists are smaller. */
    .max_file_size = 64u * 1024 * 1024,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
