/* Python analyzer: installed distributions (*.dist-info/METADATA anywhere, *.egg-info/PKG-INFO
 * and single-file *.egg-info in site-packages / dist-packages) in images and filesystems, each
 * once per install directory with the layer that wrote its metadata; in filesystems also the
 * pinned packages of requirements*.txt, Pipfile.lock, poetry.lock and uv.lock. See
 * docs/inventory-python.md. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "inventory/attribution.h"
#include "inventory/kept_files.h"
#include "core/vec.h"
#include "inventory/lang_package.h"
#include "inventory/python_parse.h"
#include "strata/analyzer.h"

struct inst {
    char *path; /* the metadata file */
    char *site; /* the directory holding the .dist-info / .egg-info */
    struct py_meta m;
};

struct py_layer {
    struct inst *inst;
    size_t n_inst, cap_inst;
    struct kept_files files; /* lockfiles and project files (filesystems only), kind: enum
                                py_file_kind */
};

#define FILES_AT offsetof(struct py_layer, files)

struct lock_ctx {
    void *const *states;
    size_t n_states;
    const struct strata_view *view;
    struct strata_report *r;
    struct strata_error *err;
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct py_layer));
}

static void inst_clear(struct inst *i)
{
    free(i->path);
    free(i->site);
    py_meta_free(&i->m);
}

static void layer_free(void *state)
{
    struct py_layer *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n_inst; i++)
        inst_clear(&l->inst[i]);
    free(l->inst);
    kept_files_clear(&l->files);
    free(l);
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Is the directory s[0..n) (no trailing slash) a site-packages or dist-packages directory? */
static int is_site_dir(const char *s, size_t n)
{
    return (ends_with(s, n, "site-packages") || ends_with(s, n, "dist-packages")) &&
           (n == 13 || s[n - 14] == '/');
}

/* Does the path run through a site-packages / dist-packages directory? */
static int inside_site(const char *p)
{
    for (const char *s = p; (s = strstr(s, "-packages/")) != NULL; s++)
        if (is_site_dir(p, (size_t)(s - p) + 9))
            return 1;
    return 0;
}

/* The install directory of a metadata file, or 0 when the path is not an installed
 * distribution's metadata: X.dist-info/METADATA (any directory: pip --target trees such as
 * Lambda's /var/task count), X.egg-info/PKG-INFO or the file X.egg-info (only in
 * site-packages / dist-packages: elsewhere an .egg-info is a source tree's build output). */
static size_t install_dir(const char *path, size_t *site_len)
{
    size_t n = strlen(path);
    const char *meta_dir_end;
    int egg;
    if (ends_with(path, n, ".dist-info/METADATA")) {
        meta_dir_end = path + n - 9;
        egg = 0;
    } else if (ends_with(path, n, ".egg-info/PKG-INFO")) {
        meta_dir_end = path + n - 9;
        egg = 1;
    } else if (ends_with(path, n, ".egg-info")) {
        meta_dir_end = path + n;
        egg = 1;
    } else {
        return 0;
    }
    /* meta_dir_end points just past "X.dist-info"; find where X starts. */
    const char *start = meta_dir_end;
    while (start > path && start[-1] != '/')
        start--;
    size_t dlen = start > path ? (size_t)(start - path) - 1 : 0;
    if ((size_t)(meta_dir_end - start) <= (egg ? 9u : 10u))
        return 0; /* a bare ".dist-info" / ".egg-info" with no name */
    if (egg && !is_site_dir(path, dlen))
        return 0;
    *site_len = dlen;
    return 1;
}

static int add_installed(struct py_layer *l, const struct strata_layer_file *f, size_t site_len,
                         struct strata_error *err)
{
    struct py_meta m;
    struct strata_error perr = {0};
    /* A distribution pip could not read is no installed package to it either: skip it, so one
     * planted file cannot hide the rest of an image. */
    if (py_parse_metadata(f->data, f->len, f->path, &m, &perr) != 0)
        return perr.code == STRATA_ENOMEM ? strata_error_nomem(err) : 0;
    struct inst *slot = NULL;
    for (size_t i = 0; i < l->n_inst; i++)
        if (strcmp(l->inst[i].path, f->path) == 0) {
            slot = &l->inst[i];
            inst_clear(slot);
        }
    if (slot == NULL) {
        struct inst *v = vec_grow(l->inst, l->n_inst, &l->cap_inst, sizeof *v);
        if (v == NULL) {
            py_meta_free(&m);
            return strata_error_nomem(err);
        }
        l->inst = v;
        slot = &l->inst[l->n_inst++];
    }
    slot->m = m;
    slot->path = strdup(f->path);
    slot->site = strndup(f->path, site_len);
    return slot->path && slot->site ? 0 : strata_error_nomem(err);
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct py_layer *l = state;
    size_t site_len;
    if (install_dir(f->path, &site_len))
        return add_installed(l, f, site_len, err);
    if (f->layer >= 0)
        return 0; /* images: installed distributions only */
    const char *b = strrchr(f->path, '/');
    enum py_file_kind kind = py_file_kind(b ? b + 1 : f->path);
    /* Project files shipped inside installed packages are not the scanned project's. */
    if (kind == PY_FILE_NONE || inside_site(f->path) || strstr(f->path, "node_modules/") != NULL)
        return 0;
    return kept_files_add(&l->files, f, PY_MAX_FILE, (int)kind, err);
}

/* ---------------------------------------------------------------------------------------- */
/* finish                                                                                    */

struct found {
    const struct inst *in;
    int layer;
};

static int cmp_found(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    int r = strcmp(x->in->site, y->in->site);
    if (r == 0)
        r = strcmp(x->in->m.name, y->in->m.name);
    if (r == 0)
        r = strcmp(x->in->m.version, y->in->m.version);
    return r ? r : strcmp(x->in->path, y->in->path);
}

/* Installed distributions visible in the final view, once per (directory, name, version): a
 * distribution can carry both a .dist-info and an .egg-info (Debian's python3-cryptography). */
static int emit_installed(void *const *states, size_t n_states, const struct strata_view *view,
                          struct strata_report *r, struct strata_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < n_states; i++)
        if (states[i] != NULL)
            total += ((const struct py_layer *)states[i])->n_inst;
    if (total == 0)
        return 0;
    struct found *v = malloc(total * sizeof *v);
    if (v == NULL)
        return strata_error_nomem(err);
    size_t n = 0;
    for (size_t i = 0; i < n_states; i++) {
        const struct py_layer *l = states[i];
        for (size_t j = 0; l && j < l->n_inst; j++)
            if (inventory_visible_file(view, l->inst[j].path, n_states, r) == (long)i)
                v[n++] = (struct found){&l->inst[j], r->n_layers > 0 ? (int)i : -1};
    }
    qsort(v, n, sizeof *v, cmp_found);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct inst *in = v[i].in;
        if (i > 0 && strcmp(v[i - 1].in->site, in->site) == 0 &&
            strcmp(v[i - 1].in->m.name, in->m.name) == 0 &&
            strcmp(v[i - 1].in->m.version, in->m.version) == 0)
            continue;
        struct lang_package p = {.type = "pypi",
                                 .name = in->m.name,
                                 .version = in->m.version,
                                 .path = in->path,
                                 .layer = v[i].layer,
                                 .license = in->m.license,
                                 .direct = -1};
        if (inventory_add_lang_package(r, &p) != 0)
            rc = strata_error_nomem(err);
    }
    free(v);
    return rc;
}

/* The project file next to a lockfile (pyproject.toml for poetry, Pipfile for Pipfile.lock),
 * parsed; NULL when absent or unreadable (then direct stays unknown). */
static int load_project(const struct lock_ctx *c, const char *lock, enum py_file_kind kind,
                        struct py_project *out, int *have)
{
    *have = 0;
    const char *want = kind == PY_FILE_POETRY_LOCK    ? "pyproject.toml"
                       : kind == PY_FILE_PIPFILE_LOCK ? "Pipfile"
                                                      : NULL;
    if (want == NULL)
        return 0;
    const char *b = strrchr(lock, '/');
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_add(&sb, lock, b ? (size_t)(b - lock) + 1 : 0) || strbuf_adds(&sb, want)) {
        strbuf_release(&sb);
        return strata_error_nomem(c->err);
    }
    const struct kept_file *f =
        kept_files_visible(c->states, c->n_states, FILES_AT, c->view, c->r, sb.buf);
    strbuf_release(&sb);
    if (f == NULL)
        return 0;
    struct strata_error perr = {0};
    int rc = kind == PY_FILE_POETRY_LOCK ? py_parse_pyproject(f->data, f->len, f->path, out, &perr)
                                         : py_parse_pipfile(f->data, f->len, f->path, out, &perr);
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(c->err);
    *have = rc == 0;
    return 0;
}

static int cmp_pkg(const void *a, const void *b)
{
    const struct py_pkg *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    return r ? r : strcmp(x->version, y->version);
}

/* Filesystems: a lockfile's packages, once per name and version. A broken lockfile is an
 * error: it is what the user asked to be reported. */
static int emit_lockfile(void *ctx, const struct kept_file *f, int layer)
{
    const struct lock_ctx *c = ctx;
    (void)layer; /* -1: filesystems only */
    if (f->kind == PY_FILE_PYPROJECT || f->kind == PY_FILE_PIPFILE)
        return 0;
    struct py_project proj = {0};
    int have = 0;
    int rc = load_project(c, f->path, (enum py_file_kind)f->kind, &proj, &have);
    if (rc != 0)
        return rc;
    struct py_pkg_list pl;
    rc = py_parse_lockfile(f->data, f->len, f->path, have ? &proj : NULL, &pl, c->err);
    py_project_free(&proj);
    if (rc != 0)
        return rc;
    if (pl.n > 1)
        qsort(pl.v, pl.n, sizeof *pl.v, cmp_pkg);
    for (size_t j = 0; rc == 0 && j < pl.n; j++) {
        if (j > 0 && cmp_pkg(&pl.v[j - 1], &pl.v[j]) == 0)
            continue;
        struct lang_package p = {.type = "pypi",
                                 .name = pl.v[j].name,
                                 .version = pl.v[j].version,
                                 .path = f->path,
                                 .layer = -1,
                                 .direct = pl.v[j].direct,
                                 .dev = pl.v[j].dev,
                                 .lockfile = f->path};
        if (inventory_add_lang_package(c->r, &p) != 0)
            rc = strata_error_nomem(c->err);
    }
    py_pkg_list_free(&pl);
    return rc;
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    int rc = 0;
    if (report->n_layers == 0) {
        struct lock_ctx c = {states, n_states, view, report, err};
        rc =
            kept_files_each_visible(states, n_states, FILES_AT, view, report, 1, emit_lockfile, &c);
    }
    return rc ? rc : emit_installed(states, n_states, view, report, err);
}

static const struct strata_match python_matches[] = {
    {STRATA_MATCH_SUFFIX, ".dist-info/METADATA"},
    {STRATA_MATCH_SUFFIX, ".egg-info/PKG-INFO"},
    {STRATA_MATCH_SUFFIX, ".egg-info"},
    {STRATA_MATCH_SUFFIX, "requirements.txt"},
    {STRATA_MATCH_GLOB, "requirements*.txt"},
    {STRATA_MATCH_GLOB, "*/requirements*.txt"},
    {STRATA_MATCH_SUFFIX, "/Pipfile.lock"},
    {STRATA_MATCH_EXACT, "Pipfile.lock"},
    {STRATA_MATCH_SUFFIX, "/poetry.lock"},
    {STRATA_MATCH_EXACT, "poetry.lock"},
    {STRATA_MATCH_SUFFIX, "/uv.lock"},
    {STRATA_MATCH_EXACT, "uv.lock"},
    {STRATA_MATCH_SUFFIX, "/pyproject.toml"},
    {STRATA_MATCH_EXACT, "pyproject.toml"},
    {STRATA_MATCH_SUFFIX, "/Pipfile"},
    {STRATA_MATCH_EXACT, "Pipfile"},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_python = {
    .name = "python",
    .pkg_types = STRATA_PKG_LIBRARY,
    .matches = python_matches,
    /* Lockfiles of big projects reach a few MB; METADATA carries the long description. */
    .max_file_size = PY_MAX_FILE,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
