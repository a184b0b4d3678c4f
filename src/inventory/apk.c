/* apk analyzer: installed Alpine packages from lib/apk/db/installed (newer apk-tools keep it
 * in usr/lib/apk/db/installed with lib/apk a symlink), attributed to layers by the same rule
 * as dpkg: the lowest layer whose own copy of the database lists the package at the same
 * version and architecture. */
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "inventory/apk_installed.h"
#include "strata/analyzer.h"
#include "strata/purl.h"

static const char *const db_paths[] = {"lib/apk/db/installed", "usr/lib/apk/db/installed"};
#define N_DB 2

struct apk_layer {
    /* Per database path this layer wrote: its bytes (re-read with files in finish, for the
     * visible one only) and its packages without files (for attribution). */
    char *data[N_DB];
    size_t len[N_DB];
    int have[N_DB];
    struct apk_pkg_list pkgs[N_DB];
    const struct apk_pkg **index;
    size_t n_index;
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct apk_layer));
}

static void layer_free(void *state)
{
    struct apk_layer *l = state;
    if (l == NULL)
        return;
    for (int i = 0; i < N_DB; i++) {
        free(l->data[i]);
        apk_pkg_list_free(&l->pkgs[i]);
    }
    free(l->index);
    free(l);
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct apk_layer *l = state;
    int w = -1;
    for (int i = 0; i < N_DB; i++)
        if (strcmp(f->path, db_paths[i]) == 0)
            w = i;
    if (w < 0)
        return 0;
    struct apk_pkg_list pkgs = {0};
    int rc = apk_installed_parse(f->data, f->len, f->path, 0, &pkgs, err);
    if (rc != 0) {
        apk_pkg_list_free(&pkgs);
        return rc;
    }
    char *d = malloc(f->len + 1);
    if (d == NULL) {
        apk_pkg_list_free(&pkgs);
        return strata_error_nomem(err);
    }
    if (f->len)
        memcpy(d, f->data, f->len);
    d[f->len] = '\0';
    /* A later tar member of the same path wins. */
    free(l->data[w]);
    apk_pkg_list_free(&l->pkgs[w]);
    l->data[w] = d;
    l->len[w] = f->len;
    l->pkgs[w] = pkgs;
    l->have[w] = 1;
    return 0;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_index(const void *va, const void *vb)
{
    const struct apk_pkg *a = *(const struct apk_pkg *const *)va;
    const struct apk_pkg *b = *(const struct apk_pkg *const *)vb;
    int c = strcmp(a->name, b->name);
    if (c == 0)
        c = cmp_str(a->arch, b->arch);
    if (c == 0)
        c = strcmp(a->version, b->version);
    return c;
}

static int build_index(struct apk_layer *l)
{
    size_t n = l->pkgs[0].n + l->pkgs[1].n;
    if (n == 0)
        return 0;
    free(l->index);
    l->n_index = 0;
    l->index = malloc(n * sizeof *l->index);
    if (l->index == NULL)
        return STRATA_ENOMEM;
    for (int i = 0; i < N_DB; i++)
        for (size_t j = 0; j < l->pkgs[i].n; j++)
            l->index[l->n_index++] = &l->pkgs[i].v[j];
    qsort(l->index, l->n_index, sizeof *l->index, cmp_index);
    return 0;
}

static int emit(const struct apk_pkg *p, const char *db_path, void *const *states, size_t n_states,
                struct strata_report *r)
{
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
    out->purl = strata_purl("apk", family ? family : "alpine", p->name, p->version, quals);
    free(distro);
    int oom = 0;
    out->name = strdup(p->name);
    out->version = strdup(p->version);
    out->type = strdup("apk");
    out->arch = strata_strdup_or_null(p->arch, &oom);
    out->source_name = strdup(p->origin ? p->origin : p->name);
    out->source_version = strdup(p->version);
    struct strbuf db = STRBUF_INIT;
    if (strbuf_addch(&db, '/') || strbuf_adds(&db, db_path))
        oom = 1;
    out->db_path = strbuf_detach(&db);
    if (oom || !out->purl || !out->name || !out->version || !out->type || !out->source_name ||
        !out->source_version || !out->db_path)
        return STRATA_ENOMEM;
    if (p->license && *p->license) {
        /* One license expression as stated ("MIT AND BSD-2-Clause"): splitting it would
         * lose whether it is AND or OR. */
        out->licenses = calloc(1, sizeof *out->licenses);
        if (out->licenses == NULL || (out->licenses[0] = strdup(p->license)) == NULL)
            return STRATA_ENOMEM;
        out->n_licenses = 1;
    }
    if (p->n_files > 0) {
        out->files = calloc(p->n_files, sizeof *out->files);
        if (out->files == NULL)
            return STRATA_ENOMEM;
        for (size_t i = 0; i < p->n_files; i++) {
            if ((out->files[i] = strdup(p->files[i])) == NULL)
                return STRATA_ENOMEM;
            out->n_files++;
        }
    }
    if (r->n_layers > 0) {
        for (size_t i = 0; i < n_states; i++) {
            const struct apk_layer *l = states[i];
            if (l && l->n_index &&
                bsearch(&p, l->index, l->n_index, sizeof *l->index, cmp_index) != NULL) {
                out->layer_index = (int)i;
                break;
            }
        }
        if (out->layer_index >= 0 && (size_t)out->layer_index < r->n_layers &&
            r->layers[out->layer_index].diff_id != NULL &&
            (out->layer_diff_id = strdup(r->layers[out->layer_index].diff_id)) == NULL)
            return STRATA_ENOMEM;
    }
    return 0;
}

/* By name, then by position in the file (the array is contiguous), so the first wins. */
static int cmp_name_pos(const void *va, const void *vb)
{
    const struct apk_pkg *a = *(const struct apk_pkg *const *)va;
    const struct apk_pkg *b = *(const struct apk_pkg *const *)vb;
    int c = strcmp(a->name, b->name);
    return c ? c : (a < b ? -1 : a > b);
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    for (size_t i = 0; i < n_states; i++)
        if (states[i] && build_index(states[i]) != 0)
            return strata_error_nomem(err);

    /* What apk would open: lib/apk/db/installed through any symlinks, else the usr/ path. */
    char resolved[4096];
    int w = -1;
    struct strata_node_info ni;
    for (int i = 0; i < N_DB && w < 0; i++) {
        struct strata_error tmp = {0};
        int rc = strata_view_resolve(view, db_paths[i], resolved, sizeof resolved, &tmp);
        if (rc == STRATA_ENOTFOUND)
            continue;
        if (rc != 0) {
            if (err)
                *err = tmp;
            return rc;
        }
        if (strata_view_lookup(view, resolved, &ni) != 0 || ni.deleted_by >= 0 ||
            ni.type != STRATA_FT_REG)
            continue;
        for (int j = 0; j < N_DB; j++)
            if (strcmp(resolved, db_paths[j]) == 0)
                w = j;
    }
    if (w < 0)
        return 0;
    long s;
    if (report->n_layers == 0)
        s = n_states > 0 ? 0 : -1;
    else
        s = ni.layer >= 0 && (size_t)ni.layer < n_states ? ni.layer : -1;
    const struct apk_layer *l = s >= 0 ? states[s] : NULL;
    if (l == NULL || !l->have[w])
        return strata_error_set(err, STRATA_EINTERNAL, "%s: visible from layer %d but never read",
                                db_paths[w], ni.layer);

    struct apk_pkg_list full = {0};
    int rc =
        apk_installed_parse((const uint8_t *)l->data[w], l->len[w], db_paths[w], 1, &full, err);
    /* apk keeps one package per name; a repeated record is reported once (the first). */
    const struct apk_pkg **order = NULL;
    if (rc == 0 && full.n > 0 && (order = malloc(full.n * sizeof *order)) == NULL)
        rc = strata_error_nomem(err);
    if (rc == 0 && full.n > 0) {
        for (size_t i = 0; i < full.n; i++)
            order[i] = &full.v[i];
        qsort(order, full.n, sizeof *order, cmp_name_pos);
    }
    for (size_t i = 0; rc == 0 && i < full.n; i++) {
        if (i > 0 && strcmp(order[i]->name, order[i - 1]->name) == 0)
            continue;
        if (emit(order[i], db_paths[w], states, n_states, report) != 0)
            rc = strata_error_nomem(err);
    }
    free(order);
    apk_pkg_list_free(&full);
    return rc;
}

static const struct strata_match apk_matches[] = {
    {STRATA_MATCH_EXACT, "lib/apk/db/installed"},
    {STRATA_MATCH_EXACT, "usr/lib/apk/db/installed"},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_apk = {
    .name = "apk",
    .pkg_types = STRATA_PKG_OS,
    .matches = apk_matches,
    .max_file_size = 64u * 1024 * 1024,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
