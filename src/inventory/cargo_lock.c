/* Cargo.lock: the crates a Rust project builds with. Rust binaries carry no package database
 * (cargo-auditable aside, handled in rust_audit*.c), so the lockfile is reported in images and
 * filesystems alike. See docs/inventory-rust-lock.md. */
#include "inventory/cargo_lock.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/strmap.h"
#include "core/toml.h"
#include "inventory/kept_files.h"
#include "inventory/lang_package.h"
#include "strata/analyzer.h"

void cargo_pkg_list_free(struct cargo_pkg_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].version);
        free(l->v[i].source);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

int cargo_valid_name(const char *s, size_t n)
{
    if (s == NULL || n == 0 || n > CARGO_MAX_NAME)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int valid_version(const char *v, size_t n)
{
    if (n == 0 || n > CARGO_MAX_VERSION)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
            return 0;
    return 1;
}

/* Records what the local packages depend on: "name" (the only version in the lock) and
 * "name version" ("name version (source)" when two sources share a version). */
static int note_deps(const struct toml_node *deps, struct strmap *direct, struct arena *a)
{
    if (deps == NULL || deps->type != TOML_ARRAY)
        return 0;
    for (size_t i = 0; i < deps->n; i++) {
        const struct toml_node *d = deps->items[i];
        if (d->type != TOML_STRING)
            continue;
        /* Keep "name" or "name version", dropping a " (source)" suffix. */
        size_t n = d->str_len;
        const char *sp = memchr(d->str, ' ', n);
        const char *sp2 = sp ? memchr(sp + 1, ' ', n - (size_t)(sp + 1 - d->str)) : NULL;
        if (sp2 != NULL)
            n = (size_t)(sp2 - d->str);
        char *key = arena_strndup(a, d->str, n);
        if (key == NULL || strmap_put(direct, key, (void *)1) != 0)
            return STRATA_ENOMEM;
    }
    return 0;
}

int cargo_lock_parse(const uint8_t *data, size_t len, const char *path, struct cargo_pkg_list *out,
                     struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (len > CARGO_MAX_FILE)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %zu bytes, more than the %u allowed", path,
                                len, CARGO_MAX_FILE);
    struct toml_doc *d;
    int rc = toml_parse(data, len, path, &d, err);
    if (rc != 0)
        return rc;
    const struct toml_node *root = toml_root(d);
    const struct toml_node *ver = toml_get(root, "version");
    out->version = ver && ver->type == TOML_INTEGER ? (long)ver->i : 1;
    const struct toml_node *pk = toml_get(root, "package");
    if (pk != NULL && pk->type != TOML_ARRAY)
        rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: \"package\" is not an array", path,
                              pk->line, pk->col);
    struct strmap direct = STRMAP_INIT;
    struct arena a = ARENA_INIT;
    int have_local = 0;
    /* Check every entry, and collect what the local packages depend on. */
    for (size_t i = 0; rc == 0 && pk && i < pk->n; i++) {
        const struct toml_node *t = pk->items[i];
        if (t->type != TOML_TABLE) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: package is not a table", path,
                                  t->line, t->col);
            break;
        }
        const struct toml_node *n = toml_get(t, "name"), *v = toml_get(t, "version"),
                               *s = toml_get(t, "source");
        if (n == NULL || n->type != TOML_STRING || !cargo_valid_name(n->str, n->str_len))
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: package without a valid name",
                                  path, n ? n->line : t->line, n ? n->col : t->col);
        else if (v == NULL || v->type != TOML_STRING || !valid_version(v->str, v->str_len))
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: package %s: no valid version",
                                  path, v ? v->line : t->line, v ? v->col : t->col, n->str);
        else if (s != NULL && s->type != TOML_STRING)
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s:%u:%u: package %s: source is not a string", path, s->line,
                                  s->col, n->str);
        else if (s == NULL) {
            have_local = 1;
            if (note_deps(toml_get(t, "dependencies"), &direct, &a) != 0)
                rc = strata_error_nomem(err);
        }
    }
    for (size_t i = 0; rc == 0 && pk && i < pk->n; i++) {
        const struct toml_node *t = pk->items[i];
        const char *src = toml_get_string(t, "source");
        if (src == NULL)
            continue; /* the project's own crates */
        if (out->n >= CARGO_MAX_PKGS) {
            rc = strata_error_set(err, STRATA_ELIMIT, "%s:%u:%u: more than %d packages", path,
                                  t->line, t->col, CARGO_MAX_PKGS);
            break;
        }
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 64;
            struct cargo_pkg *nv = realloc(out->v, cap * sizeof *nv);
            if (nv == NULL) {
                rc = strata_error_nomem(err);
                break;
            }
            out->v = nv;
            out->cap = cap;
        }
        const char *name = toml_get_string(t, "name"), *version = toml_get_string(t, "version");
        struct cargo_pkg *p = &out->v[out->n];
        p->name = strdup(name);
        p->version = strdup(version);
        p->source = strdup(src);
        p->line = t->line;
        char *nv = malloc(strlen(name) + strlen(version) + 2);
        if (nv != NULL)
            strcat(strcat(strcpy(nv, name), " "), version);
        p->direct = !have_local                                                            ? -1
                    : nv != NULL && (strmap_get(&direct, name) || strmap_get(&direct, nv)) ? 1
                                                                                           : 0;
        free(nv);
        if (p->name == NULL || p->version == NULL || p->source == NULL || nv == NULL) {
            free(p->name);
            free(p->version);
            free(p->source);
            rc = strata_error_nomem(err);
            break;
        }
        out->n++;
    }
    strmap_release(&direct);
    arena_release(&a);
    toml_free(d);
    if (rc != 0)
        cargo_pkg_list_free(out);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Analyzer                                                                                  */

static void *layer_new(void)
{
    return kept_files_new(0);
}

/* Lockfiles inside cargo's download caches belong to crates' sources, not to what was built. */
static int in_cargo_cache(const char *path)
{
    return strstr(path, ".cargo/registry/") != NULL || strstr(path, ".cargo/git/") != NULL;
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    const char *b = strrchr(f->path, '/');
    if (strcmp(b ? b + 1 : f->path, "Cargo.lock") != 0 || in_cargo_cache(f->path))
        return 0;
    return kept_files_add(state, f, CARGO_MAX_FILE, 0, err);
}

static int cmp_pkg(const void *a, const void *b)
{
    const struct cargo_pkg *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    return r ? r : strcmp(x->version, y->version);
}

struct ctx {
    struct strata_report *r;
    int fs;
    struct strata_error *err;
};

/* A visible Cargo.lock's crates. */
static int emit_lock(void *ctx, const struct kept_file *lf, int layer)
{
    const struct ctx *c = ctx;
    struct cargo_pkg_list pl;
    struct strata_error perr = {0};
    int rc = cargo_lock_parse(lf->data, lf->len, lf->path, &pl, &perr);
    if (rc != 0)
        return kept_files_broken(rc, c->fs, &perr, c->err);
    if (pl.n > 1)
        qsort(pl.v, pl.n, sizeof *pl.v, cmp_pkg);
    for (size_t i = 0; rc == 0 && i < pl.n; i++) {
        /* The same name and version from two sources (a registry and a git fork) once. */
        if (i > 0 && cmp_pkg(&pl.v[i - 1], &pl.v[i]) == 0)
            continue;
        struct lang_package p = {.type = "cargo",
                                 .name = pl.v[i].name,
                                 .version = pl.v[i].version,
                                 .path = lf->path,
                                 .layer = layer,
                                 .direct = pl.v[i].direct,
                                 .lockfile = lf->path};
        if (inventory_add_lang_package(c->r, &p) != 0)
            rc = strata_error_nomem(c->err);
    }
    cargo_pkg_list_free(&pl);
    return rc;
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    struct ctx c = {report, report->n_layers == 0, err};
    return kept_files_each_visible(states, n_states, 0, view, report, 1, emit_lock, &c);
}

static const struct strata_match cargo_lock_matches[] = {
    {STRATA_MATCH_SUFFIX, "/Cargo.lock"},
    {STRATA_MATCH_EXACT, "Cargo.lock"},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_cargo_lock = {
    .name = "cargo-lock",
    .pkg_types = STRATA_PKG_LIBRARY,
    .matches = cargo_lock_matches,
    .max_file_size = CARGO_MAX_FILE,
    .layer_new = layer_new,
    .layer_free = kept_files_free,
    .layer_file = layer_file,
    .finish = finish,
};
