/* Ruby analyzer: installed gems from RubyGems specifications (NAME-VERSION.gemspec files in a
 * specifications/ or specifications/default/ directory of any gem directory) in images and
 * filesystems, and Bundler lockfiles (Gemfile.lock, gems.locked):
 *
 *   - images report installed gems only (a lockfile lists what a project wants, not what the
 *     image holds); a visible lockfile that lists the same name and version decides direct
 *     (its DEPENDENCIES section) and is named as the package's lockfile;
 *   - `strata fs` also reports every GEM and GIT spec of each lockfile (PATH specs are the
 *     project's own code, with no published version), db_path the lockfile.
 *
 * A gemspec strata cannot read is skipped (one planted file must not hide the rest of the
 * image); a broken lockfile is an error in `strata fs`, which was asked to report it, and
 * ignored in images. See docs/inventory-ruby.md. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "inventory/attribution.h"
#include "inventory/kept_files.h"
#include "core/vec.h"
#include "inventory/lang_package.h"
#include "inventory/ruby_parse.h"
#include "strata/analyzer.h"
#include "strata/purl.h"

struct installed {
    char *path;
    struct gemspec g;
};

struct ruby_layer {
    struct installed *inst;
    size_t n_inst, cap_inst;
    struct kept_files locks;
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct ruby_layer));
}

static void layer_free(void *state)
{
    struct ruby_layer *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n_inst; i++) {
        free(l->inst[i].path);
        gemspec_free(&l->inst[i].g);
    }
    free(l->inst);
    kept_files_clear(&l->locks);
    free(l);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Is path ".../specifications/X.gemspec" or ".../specifications/default/X.gemspec"? */
static int is_installed_spec(const char *path)
{
    const char *base = base_name(path);
    size_t bl = strlen(base);
    if (bl <= 8 || strcmp(base + bl - 8, ".gemspec") != 0)
        return 0;
    size_t dl = (size_t)(base - path);
    static const char spec[] = "specifications/", def[] = "specifications/default/";
    for (int k = 0; k < 2; k++) {
        const char *m = k ? def : spec;
        size_t ml = strlen(m);
        if (dl >= ml && memcmp(base - ml, m, ml) == 0 && (dl == ml || base[-(long)ml - 1] == '/'))
            return 1;
    }
    return 0;
}

static int is_lockfile(const char *path)
{
    const char *b = base_name(path);
    return strcmp(b, "Gemfile.lock") == 0 || strcmp(b, "gems.locked") == 0;
}

static int add_installed(struct ruby_layer *l, const struct strata_layer_file *f,
                         struct strata_error *err)
{
    struct gemspec g;
    struct strata_error perr = {0};
    int rc = ruby_parse_gemspec(f->data, f->len, f->path, &g, &perr);
    for (size_t i = 0; i < l->n_inst; i++)
        if (strcmp(l->inst[i].path, f->path) == 0) { /* later member of the same path wins */
            free(l->inst[i].path);
            gemspec_free(&l->inst[i].g);
            l->inst[i] = l->inst[--l->n_inst];
            break;
        }
    if (rc != 0) {
        gemspec_free(&g);
        return rc == STRATA_ENOMEM ? strata_error_nomem(err) : 0;
    }
    struct installed *v = vec_grow(l->inst, l->n_inst, &l->cap_inst, sizeof *v);
    char *p = v ? strdup(f->path) : NULL;
    if (v != NULL)
        l->inst = v;
    if (p == NULL) {
        gemspec_free(&g);
        return strata_error_nomem(err);
    }
    l->inst[l->n_inst++] = (struct installed){p, g};
    return 0;
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct ruby_layer *l = state;
    if (is_installed_spec(f->path))
        return add_installed(l, f, err);
    if (is_lockfile(f->path))
        return kept_files_add(&l->locks, f, 0, 0, err);
    return 0;
}

/* ---------------------------------------------------------------------------------------- */

struct parsed_lock {
    const char *path;
    struct gem_lock lock;
    struct strmap by_nv; /* "name version" -> spec (the first one) */
    char **keys;         /* the map's keys */
};

static void parsed_lock_free(struct parsed_lock *pl)
{
    strmap_release(&pl->by_nv);
    for (size_t i = 0; pl->keys && i < pl->lock.n; i++)
        free(pl->keys[i]);
    free(pl->keys);
    gem_lock_free(&pl->lock);
}

/* Indexes the specs by name and version (neither holds a space). */
static int index_lock(struct parsed_lock *pl)
{
    if (pl->lock.n == 0)
        return 0;
    pl->keys = calloc(pl->lock.n, sizeof *pl->keys);
    if (pl->keys == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < pl->lock.n; i++) {
        const struct gem_lock_spec *s = &pl->lock.v[i];
        size_t nl = strlen(s->name), vl = strlen(s->version);
        char *k = malloc(nl + vl + 2);
        if (k == NULL)
            return STRATA_ENOMEM;
        memcpy(k, s->name, nl);
        k[nl] = ' ';
        memcpy(k + nl + 1, s->version, vl + 1);
        pl->keys[i] = k;
        if (strmap_get(&pl->by_nv, k) == NULL &&
            strmap_put(&pl->by_nv, k, (void *)(uintptr_t)s) != 0)
            return STRATA_ENOMEM;
    }
    return 0;
}

static int cmp_lock(const void *a, const void *b)
{
    return strcmp(((const struct parsed_lock *)a)->path, ((const struct parsed_lock *)b)->path);
}

static int cmp_inst(const void *a, const void *b)
{
    return strcmp(((const struct installed *)a)->path, ((const struct installed *)b)->path);
}

static int emit(struct strata_report *r, const char *name, const char *version,
                const char *platform, const char *license, const char *path, int layer, int direct,
                const char *lockfile)
{
    const char *q[] = {"platform", platform, NULL};
    char *purl = strata_purl("gem", NULL, name, version, q);
    int rc = STRATA_ENOMEM;
    if (purl != NULL) {
        struct lang_package p = {.type = "gem",
                                 .name = name,
                                 .version = version,
                                 .purl = purl,
                                 .path = path,
                                 .layer = layer,
                                 .license = license,
                                 .direct = direct,
                                 .lockfile = lockfile};
        rc = inventory_add_lang_package(r, &p);
    }
    free(purl);
    return rc;
}

static int cmp_spec(const void *a, const void *b)
{
    const struct gem_lock_spec *x = *(const struct gem_lock_spec *const *)a;
    const struct gem_lock_spec *y = *(const struct gem_lock_spec *const *)b;
    int c = strcmp(x->name, y->name);
    c = c ? c : strcmp(x->version, y->version);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* A lockfile's specs, one per name and version: a gem locked for several platforms keeps no
 * platform qualifier (which one is installed is not known). */
static int emit_lockfile(struct strata_report *r, const struct parsed_lock *pl)
{
    const struct gem_lock *l = &pl->lock;
    if (l->n == 0)
        return 0;
    const struct gem_lock_spec **ix = malloc(l->n * sizeof *ix);
    if (ix == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < l->n; i++)
        ix[i] = &l->v[i];
    qsort(ix, l->n, sizeof *ix, cmp_spec);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < l->n;) {
        size_t k = i + 1;
        while (k < l->n && strcmp(ix[k]->name, ix[i]->name) == 0 &&
               strcmp(ix[k]->version, ix[i]->version) == 0)
            k++;
        const struct gem_lock_spec *s = ix[i];
        if (s->source != GEM_LOCK_PATH)
            rc = emit(r, s->name, s->version, k - i > 1 ? NULL : s->platform, NULL, pl->path, -1,
                      s->direct, pl->path);
        i = k;
    }
    free(ix);
    return rc;
}

struct lock_ctx {
    int fs;
    struct parsed_lock *v;
    size_t n, cap;
    struct strata_error *err;
};

/* A visible lockfile, parsed and indexed; a broken one is an error in `strata fs` and
 * ignored in images (there it only refines direct). */
static int parse_visible_lock(void *ctx, const struct kept_file *k, int layer)
{
    struct lock_ctx *c = ctx;
    (void)layer;
    struct parsed_lock *v = vec_grow(c->v, c->n, &c->cap, sizeof *v);
    if (v == NULL)
        return strata_error_nomem(c->err);
    c->v = v;
    struct strata_error perr = {0};
    struct parsed_lock *pl = &c->v[c->n];
    memset(pl, 0, sizeof *pl);
    pl->path = k->path;
    int rc = ruby_parse_gemfile_lock(k->data, k->len, pl->path, &pl->lock, &perr);
    if (rc != 0) {
        gem_lock_free(&pl->lock);
        return kept_files_broken(rc, c->fs, &perr, c->err);
    }
    c->n++;
    return index_lock(pl) != 0 ? strata_error_nomem(c->err) : 0;
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    int fs = report->n_layers == 0;
    struct lock_ctx lc = {fs, NULL, 0, 0, err};
    int rc = kept_files_each_visible(states, n_states, offsetof(struct ruby_layer, locks), view,
                                     report, 0, parse_visible_lock, &lc);
    struct parsed_lock *locks = lc.v;
    size_t n_locks = lc.n;
    if (n_locks > 1)
        qsort(locks, n_locks, sizeof *locks, cmp_lock);
    for (size_t k = 0; rc == 0 && fs && k < n_locks; k++)
        if (emit_lockfile(report, &locks[k]) != 0)
            rc = strata_error_nomem(err);
    for (size_t i = 0; rc == 0 && i < n_states; i++) {
        struct ruby_layer *l = states[i];
        if (l == NULL)
            continue;
        if (l->n_inst > 1)
            qsort(l->inst, l->n_inst, sizeof *l->inst, cmp_inst);
        for (size_t j = 0; rc == 0 && j < l->n_inst; j++) {
            const struct installed *in = &l->inst[j];
            if (inventory_visible_file(view, in->path, n_states, report) != (long)i)
                continue;
            int direct = -1;
            const char *lockfile = NULL;
            char *key = malloc(strlen(in->g.name) + strlen(in->g.version) + 2);
            if (key == NULL) {
                rc = strata_error_nomem(err);
                break;
            }
            sprintf(key, "%s %s", in->g.name, in->g.version);
            for (size_t k = 0; k < n_locks && lockfile == NULL; k++) {
                const struct gem_lock_spec *sp = strmap_get(&locks[k].by_nv, key);
                if (sp != NULL) {
                    direct = sp->direct;
                    lockfile = locks[k].path;
                }
            }
            free(key);
            if (emit(report, in->g.name, in->g.version, in->g.platform, in->g.license, in->path,
                     fs ? -1 : (int)i, direct, lockfile) != 0)
                rc = strata_error_nomem(err);
        }
    }
    for (size_t k = 0; k < n_locks; k++)
        parsed_lock_free(&locks[k]);
    free(locks);
    return rc;
}

static const struct strata_match ruby_matches[] = {
    {STRATA_MATCH_SUFFIX, ".gemspec"},
    {STRATA_MATCH_SUFFIX, "Gemfile.lock"},
    {STRATA_MATCH_SUFFIX, "gems.locked"},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_ruby = {
    .name = "ruby",
    .pkg_types = STRATA_PKG_LIBRARY,
    .matches = ruby_matches,
    .max_file_size = RUBY_MAX_FILE,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
