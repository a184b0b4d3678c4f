/* Go binary analyzer: every executable ELF file of an image is searched for Go build info
 * (go_buildinfo.c); each binary visible in the final view yields packages of type "golang":
 *
 *   - "stdlib" at the toolchain version, spelled as the Go vulnerability database (OSV
 *     ecosystem "Go") spells it: "go1.19.8" -> "1.19.8", "go1.20" -> "1.20.0",
 *     "go1.21rc2" -> "1.21.0-rc.2"; a development toolchain yields no stdlib package;
 *   - the main module, unless its version is "(devel)" (a build from a checkout);
 *   - each dep, with a "=>" replacement applied (the replacement's path and version); a
 *     replacement by a directory has no version and yields nothing.
 *
 * Module versions are kept as Go writes them ("v0.4.0"). purl: pkg:golang/<module path>@<ver>,
 * db_path the binary's absolute path, layer the one that wrote the binary. A file that looks
 * like an ELF executable but whose build info is malformed is skipped, not fatal: a scan must
 * not stop on one odd binary. */
#include <stdlib.h>
#include <string.h>

#include "inventory/go_buildinfo.h"
#include "inventory/gomod_purl.h"
#include "inventory/lang_package.h"
#include "strata/analyzer.h"

struct gobin {
    char *path; /* normalized, no leading slash */
    struct go_buildinfo bi;
};

struct go_layer {
    struct gobin *v;
    size_t n, cap;
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct go_layer));
}

static void layer_free(void *state)
{
    struct go_layer *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        go_buildinfo_free(&l->v[i].bi);
    }
    free(l->v);
    free(l);
}

static void forget(struct go_layer *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].path, path) == 0) {
            free(l->v[i].path);
            go_buildinfo_free(&l->v[i].bi);
            l->v[i] = l->v[--l->n];
            return;
        }
    }
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct go_layer *l = state;
    /* A tar may hold a path twice: the later member wins, whatever it is. */
    forget(l, f->path);
    if ((f->mode & 0111) == 0 || f->len < 52 ||
        memcmp(f->data,
               "\x7f"
               "ELF",
               4) != 0)
        return 0;
    struct go_buildinfo bi;
    struct strata_error perr = {0};
    int rc = go_buildinfo_parse(f->data, f->len, f->path, &bi, &perr);
    if (rc == STRATA_ENOMEM) {
        go_buildinfo_free(&bi);
        return strata_error_nomem(err);
    }
    if (rc != 0) {
        go_buildinfo_free(&bi);
        return 0; /* not a Go binary, or malformed build info: skipped (see above) */
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct gobin *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            go_buildinfo_free(&bi);
            return strata_error_nomem(err);
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].path = strdup(f->path);
    if (l->v[l->n].path == NULL) {
        go_buildinfo_free(&bi);
        return strata_error_nomem(err);
    }
    l->v[l->n].bi = bi;
    l->n++;
    return 0;
}

static int emit(struct strata_report *r, const char *name, const char *version, const char *bin,
                int layer)
{
    char *purl = go_module_purl(name, version);
    if (purl == NULL)
        return STRATA_ENOMEM;
    struct lang_package p = {.type = "golang",
                             .name = name,
                             .version = version,
                             .purl = purl,
                             .path = bin,
                             .layer = layer,
                             .direct = -1,
                             /* the binary carries this code whoever packaged the binary */
                             .compiled_in = 1};
    int rc = inventory_add_lang_package(r, &p);
    free(purl);
    return rc;
}

static int emit_module(struct strata_report *r, const struct go_module *m, const char *bin,
                       int layer)
{
    const char *path = m->path, *ver = m->version;
    if (m->repl_path != NULL) {
        path = m->repl_path;
        ver = m->repl_version;
    }
    if (path == NULL || *path == '\0' || ver == NULL || *ver == '\0' || strcmp(ver, "(devel)") == 0)
        return 0;
    return emit(r, path, ver, bin, layer);
}

static int emit_binary(struct strata_report *r, const struct gobin *g, int layer)
{
    char std[64];
    int rc = 0;
    if (go_stdlib_version(g->bi.go_version, std, sizeof std) == 0)
        rc = emit(r, "stdlib", std, g->path, layer);
    if (rc == 0 && g->bi.has_main)
        rc = emit_module(r, &g->bi.main, g->path, layer);
    for (size_t i = 0; rc == 0 && i < g->bi.n_deps; i++)
        rc = emit_module(r, &g->bi.deps[i], g->path, layer);
    return rc;
}

static int cmp_bin(const void *a, const void *b)
{
    return strcmp(((const struct gobin *)a)->path, ((const struct gobin *)b)->path);
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    for (size_t i = 0; i < n_states; i++) {
        struct go_layer *l = states[i];
        if (l == NULL)
            continue;
        if (l->n > 1)
            qsort(l->v, l->n, sizeof *l->v, cmp_bin);
        for (size_t j = 0; j < l->n; j++) {
            struct strata_node_info ni;
            if (strata_view_lookup(view, l->v[j].path, &ni) != 0 || ni.deleted_by >= 0 ||
                ni.type != STRATA_FT_REG)
                continue;
            /* Only the layer that last wrote the path reports it; a filesystem source has
             * one state and no layers. */
            int layer = -1;
            if (report->n_layers > 0) {
                if (ni.layer != (int)i)
                    continue;
                layer = (int)i;
            }
            if (emit_binary(report, &l->v[j], layer) != 0)
                return strata_error_nomem(err);
        }
    }
    return 0;
}

/* Only executable ELF files are read in full: everything else is declined on its first bytes. */
static int wants_head(const uint8_t *head, size_t n, uint64_t size, uint32_t mode)
{
    (void)size;
    return (mode & 0111) != 0 && n >= 52 &&
           memcmp(head,
                  "\x7f"
                  "ELF",
                  4) == 0;
}

static const struct strata_match gobinary_matches[] = {
    {STRATA_MATCH_ANY, NULL},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_gobinary = {
    .name = "gobinary",
    .pkg_types = STRATA_PKG_LIBRARY,
    .matches = gobinary_matches,
    /* Larger files are skipped (ANY match): the biggest Go binaries seen in images (kubelet,
     * terraform providers) stay well below this. */
    .max_file_size = 256u * 1024 * 1024,
    .wants_head = wants_head,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
