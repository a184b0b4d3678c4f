/* npm analyzer: installed packages (node_modules/[@scope/]name/package.json, at any depth, in
 * pnpm's .pnpm store too) in images, each once per install path with the layer that wrote its
 * package.json; lockfiles (package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml)
 * in filesystems. Direct and dev come from the enclosing project's lockfile, else from its
 * package.json. See docs/inventory-npm.md. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/attribution.h"
#include "inventory/kept_files.h"
#include "core/vec.h"
#include "core/strbuf.h"
#include "core/strmap.h"
#include "inventory/npm.h"
#include "inventory/npm_parse.h"
#include "strata/analyzer.h"
#include "strata/purl.h"

#define NM "node_modules/"
#define NM_LEN 13
#define MAX_PROJECTS 4096

struct inst {
    char *path; /* .../node_modules/x/package.json */
    char *name, *version, *license;
};

struct proj_manifest {
    char *path; /* project package.json (outside node_modules) */
    struct npm_manifest m;
};

/* A package-lock.json parsed in the layer's worker thread, so the serial finish does not
 * parse the big lockfile of an application: kept only when the parse did not need the
 * project's package.json (v2/v3). data identifies the kept copy it was parsed from. */
struct preparsed_lock {
    char *path;
    const uint8_t *data;
    struct npm_pkg_list list;
};

struct npm_layer {
    struct preparsed_lock *pre;
    size_t n_pre, cap_pre;
    struct inst *inst;
    size_t n_inst, cap_inst;
    struct strmap inst_by_path; /* inst[].path -> index + 1: a layer has tens of thousands */
    struct proj_manifest *man;
    size_t n_man, cap_man;
    struct kept_files locks;
};

#define LOCKS_AT offsetof(struct npm_layer, locks)

static void *layer_new(void)
{
    return calloc(1, sizeof(struct npm_layer));
}

static void inst_clear(struct inst *i)
{
    free(i->path);
    free(i->name);
    free(i->version);
    free(i->license);
}

static void layer_free(void *state)
{
    struct npm_layer *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n_inst; i++)
        inst_clear(&l->inst[i]);
    free(l->inst);
    strmap_release(&l->inst_by_path);
    for (size_t i = 0; i < l->n_man; i++) {
        free(l->man[i].path);
        npm_manifest_free(&l->man[i].m);
    }
    free(l->man);
    kept_files_clear(&l->locks);
    for (size_t i = 0; i < l->n_pre; i++) {
        free(l->pre[i].path);
        npm_pkg_list_free(&l->pre[i].list);
    }
    free(l->pre);
    free(l);
}

/* Offset just past the last "node_modules/" that starts a path segment, or -1. */
static long last_nm(const char *path, size_t len)
{
    long found = -1;
    for (size_t i = 0; i + NM_LEN <= len; i++)
        if ((i == 0 || path[i - 1] == '/') && memcmp(path + i, NM, NM_LEN) == 0)
            found = (long)(i + NM_LEN);
    return found;
}

/* Offset of the first "node_modules/" segment, or -1. */
static long first_nm(const char *path, size_t len)
{
    for (size_t i = 0; i + NM_LEN <= len; i++)
        if ((i == 0 || path[i - 1] == '/') && memcmp(path + i, NM, NM_LEN) == 0)
            return (long)i;
    return -1;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Does dir (an install directory) end in node_modules/name or node_modules/@scope/name? */
static int is_install_dir(const char *dir, size_t len)
{
    long nm = last_nm(dir, len);
    if (nm < 0)
        return 0;
    const char *rest = dir + nm;
    size_t rl = len - (size_t)nm;
    return rl > 0 && rest[0] != '.' && npm_valid_name(rest, rl);
}

static int add_installed(struct npm_layer *l, const struct strata_layer_file *f,
                         struct strata_error *err)
{
    struct npm_manifest m;
    struct strata_error perr = {0};
    /* npm ignores a package whose package.json it cannot read; so do we, rather than let one
     * planted file hide the rest of the image. */
    if (npm_parse_package_json(f->data, f->len, f->path, &m, &perr) != 0)
        return perr.code == STRATA_ENOMEM ? strata_error_nomem(err) : 0;
    if (m.name == NULL || m.version == NULL || !npm_valid_name(m.name, strlen(m.name)) ||
        m.version[0] == '\0') {
        npm_manifest_free(&m);
        return 0;
    }
    struct inst *slot = NULL;
    uintptr_t seen = (uintptr_t)strmap_get(&l->inst_by_path, f->path);
    if (seen != 0) {
        /* The same path twice in a layer: the later member wins. */
        slot = &l->inst[seen - 1];
        free(slot->name);
        free(slot->version);
        free(slot->license);
    } else {
        struct inst *v = vec_grow(l->inst, l->n_inst, &l->cap_inst, sizeof *v);
        if (v == NULL) {
            npm_manifest_free(&m);
            return strata_error_nomem(err);
        }
        l->inst = v;
        slot = &l->inst[l->n_inst++];
    }
    slot->name = m.name;
    slot->version = m.version;
    slot->license = m.license;
    m.name = m.version = m.license = NULL;
    npm_manifest_free(&m);
    if (seen != 0)
        return 0;
    slot->path = strdup(f->path);
    if (slot->path == NULL ||
        strmap_put(&l->inst_by_path, slot->path, (void *)(uintptr_t)(slot - l->inst + 1)) != 0)
        return strata_error_nomem(err);
    return 0;
}

static int add_manifest(struct npm_layer *l, const struct strata_layer_file *f,
                        struct strata_error *err)
{
    struct npm_manifest m;
    struct strata_error perr = {0};
    /* A project manifest only refines direct/dev; an unreadable one leaves them unknown. */
    if (npm_parse_package_json(f->data, f->len, f->path, &m, &perr) != 0)
        return perr.code == STRATA_ENOMEM ? strata_error_nomem(err) : 0;
    for (size_t i = 0; i < l->n_man; i++)
        if (strcmp(l->man[i].path, f->path) == 0) {
            npm_manifest_free(&l->man[i].m);
            l->man[i].m = m;
            return 0;
        }
    struct proj_manifest *v = vec_grow(l->man, l->n_man, &l->cap_man, sizeof *v);
    if (v == NULL) {
        npm_manifest_free(&m);
        return strata_error_nomem(err);
    }
    l->man = v;
    char *p = strdup(f->path);
    if (p == NULL) {
        npm_manifest_free(&m);
        return strata_error_nomem(err);
    }
    l->man[l->n_man++] = (struct proj_manifest){p, m};
    return 0;
}

/* Keeps lockfile f and, for a package-lock that parses without its project's manifest,
 * the parse. A lockfile that fails here is parsed again in finish, which reports the error. */
static int keep_lock(struct npm_layer *l, const struct strata_layer_file *f,
                     struct strata_error *err)
{
    for (size_t i = 0; i < l->n_pre; i++)
        if (strcmp(l->pre[i].path, f->path) == 0) { /* a later member of the same path */
            free(l->pre[i].path);
            npm_pkg_list_free(&l->pre[i].list);
            l->pre[i] = l->pre[--l->n_pre];
            break;
        }
    int rc = kept_files_add(&l->locks, f, NPM_MAX_FILE, 0, err);
    if (rc != 0 || npm_lockfile_kind(base_name(f->path)) != 1)
        return rc;
    const struct kept_file *k = kept_files_find(&l->locks, f->path);
    struct npm_pkg_list list;
    struct strata_error perr = {0};
    rc = npm_parse_lockfile(k->data, k->len, k->path, NULL, &list, &perr);
    if (rc != 0)
        return rc == STRATA_ENOMEM ? strata_error_nomem(err) : 0;
    if (!list.root_independent) {
        npm_pkg_list_free(&list);
        return 0;
    }
    struct preparsed_lock *v = vec_grow(l->pre, l->n_pre, &l->cap_pre, sizeof *v);
    char *p = v ? strdup(f->path) : NULL;
    if (v != NULL)
        l->pre = v;
    if (p == NULL) {
        npm_pkg_list_free(&list);
        return strata_error_nomem(err);
    }
    l->pre[l->n_pre++] = (struct preparsed_lock){p, k->data, list};
    return 0;
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct npm_layer *l = state;
    const char *base = base_name(f->path);
    size_t plen = strlen(f->path);
    if (strcmp(base, "package.json") == 0) {
        size_t dlen = (size_t)(base - f->path);
        dlen = dlen ? dlen - 1 : 0;
        if (is_install_dir(f->path, dlen))
            return add_installed(l, f, err);
        if (first_nm(f->path, plen) >= 0)
            return 0; /* test fixtures and examples inside installed packages */
        return add_manifest(l, f, err);
    }
    if (npm_lockfile_kind(base) != 0 && first_nm(f->path, plen) < 0)
        return keep_lock(l, f, err);
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* finish                                                                                    */

void npm_found_list_free(struct npm_found_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].version);
        free(l->v[i].license);
        free(l->v[i].path);
        free(l->v[i].lockfile);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

struct project {
    char *dir; /* "" or "app/" */
    const struct npm_manifest *root;
    struct npm_pkg_list lock;
    char *lock_path; /* NULL when the project has no (readable) lockfile */
    int by_where;    /* package-lock: match install paths; else name and version */
    const struct npm_pkg **index;
};

struct ctx {
    void *const *states;
    size_t n_states;
    const struct strata_view *view;
    const struct strata_report *r;
    int fs;
    struct project *proj;
    size_t n_proj, cap_proj;
    struct npm_found_list *out;
    struct strata_error *err;
};

static int cmp_where(const void *a, const void *b)
{
    return strcmp((*(const struct npm_pkg *const *)a)->where,
                  (*(const struct npm_pkg *const *)b)->where);
}

static int cmp_nv(const void *a, const void *b)
{
    const struct npm_pkg *x = *(const struct npm_pkg *const *)a;
    const struct npm_pkg *y = *(const struct npm_pkg *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->version, y->version);
}

static const char *const lock_names[] = {"package-lock.json", "npm-shrinkwrap.json",
                                         "pnpm-lock.yaml", "yarn.lock"};

static const struct npm_manifest *find_manifest(const struct ctx *c, const char *path)
{
    long s = inventory_visible_file(c->view, path, c->n_states, c->r);
    if (s < 0 || c->states[s] == NULL)
        return NULL;
    const struct npm_layer *l = c->states[s];
    for (size_t i = 0; i < l->n_man; i++)
        if (strcmp(l->man[i].path, path) == 0)
            return &l->man[i].m;
    return NULL;
}

/* Moves the worker's parse of kept lockfile lf into *out, if there is one. */
static int take_preparsed(struct ctx *c, const struct kept_file *lf, struct npm_pkg_list *out)
{
    for (size_t s = 0; s < c->n_states; s++) {
        struct npm_layer *l = c->states[s];
        for (size_t i = 0; l && i < l->n_pre; i++)
            if (l->pre[i].data == lf->data) {
                *out = l->pre[i].list;
                memset(&l->pre[i].list, 0, sizeof l->pre[i].list);
                return 1;
            }
    }
    return 0;
}

/* The project rooted at dir, loading its manifest and lockfile on first use. Lockfile errors
 * are fatal for filesystems (the lockfile is what is reported) and ignored for images (it only
 * refines direct/dev of installed packages, which are reported either way). */
static int project_get(struct ctx *c, const char *dir, size_t dlen, struct project **out)
{
    for (size_t i = 0; i < c->n_proj; i++)
        if (strlen(c->proj[i].dir) == dlen && memcmp(c->proj[i].dir, dir, dlen) == 0) {
            *out = &c->proj[i];
            return 0;
        }
    if (c->n_proj >= MAX_PROJECTS)
        return strata_error_set(c->err, STRATA_ELIMIT, "more than %d npm projects", MAX_PROJECTS);
    struct project *v = vec_grow(c->proj, c->n_proj, &c->cap_proj, sizeof *v);
    if (v == NULL)
        return strata_error_nomem(c->err);
    c->proj = v;
    struct project *p = &c->proj[c->n_proj];
    memset(p, 0, sizeof *p);
    p->dir = strndup(dir, dlen);
    if (p->dir == NULL)
        return strata_error_nomem(c->err);
    c->n_proj++;
    *out = p;
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_add(&sb, dir, dlen) || strbuf_adds(&sb, "package.json")) {
        strbuf_release(&sb);
        return strata_error_nomem(c->err);
    }
    p->root = find_manifest(c, sb.buf);
    int rc = 0;
    for (size_t k = 0; k < sizeof lock_names / sizeof *lock_names; k++) {
        strbuf_reset(&sb);
        if (strbuf_add(&sb, dir, dlen) || strbuf_adds(&sb, lock_names[k])) {
            rc = strata_error_nomem(c->err);
            break;
        }
        const struct kept_file *lf =
            kept_files_visible(c->states, c->n_states, LOCKS_AT, c->view, c->r, sb.buf);
        if (lf == NULL)
            continue;
        struct strata_error perr = {0};
        if (take_preparsed(c, lf, &p->lock))
            rc = 0;
        else
            rc = npm_parse_lockfile(lf->data, lf->len, lf->path, p->root, &p->lock, &perr);
        if (rc != 0) {
            if (rc == STRATA_ENOMEM || c->fs) {
                *c->err = perr;
                break;
            }
            rc = 0;
            continue;
        }
        p->lock_path = strbuf_detach(&sb);
        if (p->lock_path == NULL) {
            rc = strata_error_nomem(c->err);
            break;
        }
        p->by_where = k < 2 && p->lock.lockfile_version >= 1;
        if (p->lock.n > 0) {
            p->index = malloc(p->lock.n * sizeof *p->index);
            if (p->index == NULL) {
                rc = strata_error_nomem(c->err);
                break;
            }
            for (size_t i = 0; i < p->lock.n; i++)
                p->index[i] = &p->lock.v[i];
            qsort(p->index, p->lock.n, sizeof *p->index, p->by_where ? cmp_where : cmp_nv);
        }
        break;
    }
    strbuf_release(&sb);
    return rc;
}

static int found_add(struct ctx *c, const char *name, const char *version, const char *license,
                     int direct, int dev, const char *path, const char *lockfile, int layer)
{
    struct npm_found_list *l = c->out;
    struct npm_found *v = vec_grow(l->v, l->n, &l->cap, sizeof *v);
    if (v == NULL)
        return strata_error_nomem(c->err);
    l->v = v;
    struct npm_found *f = &l->v[l->n];
    memset(f, 0, sizeof *f);
    int oom = 0;
    f->name = strdup(name);
    f->version = strdup(version);
    f->license = strata_strdup_or_null(license, &oom);
    f->path = malloc(strlen(path) + 2);
    if (f->path)
        sprintf(f->path, "/%s", path);
    if (lockfile) {
        f->lockfile = malloc(strlen(lockfile) + 2);
        if (f->lockfile)
            sprintf(f->lockfile, "/%s", lockfile);
        else
            oom = 1;
    }
    f->direct = direct;
    f->dev = dev;
    f->layer = layer;
    l->n++;
    if (oom || !f->name || !f->version || !f->path)
        return strata_error_nomem(c->err);
    return 0;
}

/* An installed package: direct/dev from the project's lockfile, else its manifest. */
static int emit_installed(struct ctx *c, const struct inst *in, int layer)
{
    const char *path = in->path;
    size_t dlen = strlen(path) - strlen("/package.json");
    long first = first_nm(path, dlen);
    if (first < 0)
        return 0;
    struct project *p;
    int rc = project_get(c, path, (size_t)first, &p);
    if (rc != 0)
        return rc;
    if (c->fs && p->lock_path != NULL)
        return 0; /* the lockfile reports it */
    int direct = -1, dev = 0;
    const char *lock = NULL;
    if (p->lock_path != NULL) {
        struct npm_pkg key = {0};
        const struct npm_pkg *kp = &key, **hit;
        char *where = NULL;
        if (p->by_where) {
            where = strndup(path + first, dlen - (size_t)first);
            if (where == NULL)
                return strata_error_nomem(c->err);
            key.where = where;
        } else {
            key.name = in->name;
            key.version = in->version;
        }
        hit = p->lock.n ? bsearch(&kp, p->index, p->lock.n, sizeof *p->index,
                                  p->by_where ? cmp_where : cmp_nv)
                        : NULL;
        free(where);
        if (hit != NULL) {
            direct = (*hit)->direct;
            dev = (*hit)->dev;
            lock = p->lock_path;
        }
    }
    if (lock == NULL && p->root != NULL) {
        /* Only packages right below the project's node_modules can be its direct ones. */
        int top = (size_t)first + NM_LEN + strlen(in->name) == dlen;
        int kind = top ? npm_manifest_dep_kind(p->root, in->name) : 0;
        direct = kind != 0;
        dev = (kind & NPM_DEP_DEV) && !(kind & NPM_DEP_PROD);
    }
    return found_add(c, in->name, in->version, in->license, direct, dev, path, lock, layer);
}

static int cmp_found(const void *a, const void *b)
{
    const struct npm_found *x = a, *y = b;
    int r = strcmp(x->path, y->path);
    if (r == 0)
        r = strcmp(x->name, y->name);
    return r ? r : strcmp(x->version, y->version);
}

/* Filesystems: a visible lockfile's packages, one per name and version. */
static int emit_lockfile(void *ctx, const struct kept_file *k, int layer)
{
    struct ctx *c = ctx;
    (void)layer; /* -1: filesystems only */
    const char *lp = k->path;
    const char *base = base_name(lp);
    struct project *p;
    int rc = project_get(c, lp, (size_t)(base - lp), &p);
    if (rc != 0)
        return rc;
    if (p->lock_path == NULL || strcmp(p->lock_path, lp) != 0)
        return 0; /* a lower-priority lockfile of the same project */
    struct npm_pkg **ix = malloc((p->lock.n ? p->lock.n : 1) * sizeof *ix);
    if (ix == NULL)
        return strata_error_nomem(c->err);
    for (size_t j = 0; j < p->lock.n; j++)
        ix[j] = &p->lock.v[j];
    qsort(ix, p->lock.n, sizeof *ix, cmp_nv);
    for (size_t j = 0; rc == 0 && j < p->lock.n;) {
        size_t k = j;
        int direct = ix[j]->direct, dev = 1;
        const char *lic = NULL;
        for (; k < p->lock.n && cmp_nv(&ix[j], &ix[k]) == 0; k++) {
            if (ix[k]->direct > direct)
                direct = ix[k]->direct;
            dev &= ix[k]->dev;
            if (lic == NULL)
                lic = ix[k]->license;
        }
        rc = found_add(c, ix[j]->name, ix[j]->version, lic, direct, dev, lp, lp, -1);
        j = k;
    }
    free(ix);
    return rc;
}

int npm_inventory(void *const *states, size_t n_states, const struct strata_view *view,
                  const struct strata_report *report, struct npm_found_list *out,
                  struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    struct ctx c = {states, n_states, view, report, report->n_layers == 0, NULL, 0, 0, out, err};
    int rc = 0;
    if (c.fs)
        rc =
            kept_files_each_visible(states, n_states, LOCKS_AT, view, report, 0, emit_lockfile, &c);
    for (size_t i = 0; rc == 0 && i < n_states; i++) {
        const struct npm_layer *l = states[i];
        for (size_t j = 0; rc == 0 && l && j < l->n_inst; j++) {
            if (inventory_visible_file(view, l->inst[j].path, n_states, report) != (long)i)
                continue;
            rc = emit_installed(&c, &l->inst[j], c.fs ? -1 : (int)i);
        }
    }
    for (size_t i = 0; i < c.n_proj; i++) {
        free(c.proj[i].dir);
        free(c.proj[i].lock_path);
        free(c.proj[i].index);
        npm_pkg_list_free(&c.proj[i].lock);
    }
    free(c.proj);
    if (rc != 0) {
        npm_found_list_free(out);
        return rc;
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_found);
    return 0;
}

static int emit(const struct npm_found *f, const struct strata_report *r,
                struct strata_package *out)
{
    const char *slash = f->name[0] == '@' ? strchr(f->name, '/') : NULL;
    char *ns = slash ? strndup(f->name, (size_t)(slash - f->name)) : NULL;
    if (slash && ns == NULL)
        return STRATA_ENOMEM;
    out->purl = strata_purl("npm", ns, slash ? slash + 1 : f->name, f->version, NULL);
    free(ns);
    out->name = strdup(f->name);
    out->version = strdup(f->version);
    out->type = strdup("npm");
    out->db_path = strdup(f->path);
    if (!out->purl || !out->name || !out->version || !out->type || !out->db_path)
        return STRATA_ENOMEM;
    if (f->license != NULL) {
        out->licenses = calloc(1, sizeof *out->licenses);
        if (out->licenses == NULL || (out->licenses[0] = strdup(f->license)) == NULL)
            return STRATA_ENOMEM;
        out->n_licenses = 1;
    }
    out->layer_index = f->layer;
    if (f->layer >= 0 && (size_t)f->layer < r->n_layers && r->layers[f->layer].diff_id) {
        out->layer_diff_id = strdup(r->layers[f->layer].diff_id);
        if (out->layer_diff_id == NULL)
            return STRATA_ENOMEM;
    }
    out->direct = f->direct;
    out->dev = f->dev;
    if (f->lockfile != NULL && (out->lockfile = strdup(f->lockfile)) == NULL)
        return STRATA_ENOMEM;
    return 0;
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    struct npm_found_list l;
    int rc = npm_inventory(states, n_states, view, report, &l, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        struct strata_package *p = strata_report_add_package(report);
        if (p == NULL || emit(&l.v[i], report, p) != 0)
            rc = strata_error_nomem(err);
    }
    npm_found_list_free(&l);
    return rc;
}

static const struct strata_match npm_matches[] = {
    {STRATA_MATCH_SUFFIX, "package.json"},        {STRATA_MATCH_SUFFIX, "package-lock.json"},
    {STRATA_MATCH_SUFFIX, "npm-shrinkwrap.json"}, {STRATA_MATCH_SUFFIX, "yarn.lock"},
    {STRATA_MATCH_SUFFIX, "pnpm-lock.yaml"},      {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_npm = {
    .name = "npm",
    .pkg_types = STRATA_PKG_LIBRARY,
    .matches = npm_matches,
    /* Lockfiles of big monorepos reach tens of MB; package.json files are small. */
    .max_file_size = NPM_MAX_FILE,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
