/* .NET analyzer: NuGet packages of .NET applications. *.deps.json (written next to every
 * built app: the "package" libraries it loads) in images and filesystems; NuGet's
 * packages.lock.json (a project's locked restore) in `strata fs`. A broken deps.json in an
 * image is skipped; a broken file `strata fs` reports is an error naming it. See
 * docs/inventory-dotnet.md. */
#include <stdlib.h>
#include <string.h>

#include "inventory/dotnet_parse.h"
#include "inventory/kept_files.h"
#include "inventory/lang_package.h"
#include "strata/analyzer.h"

enum { K_DEPS = 1, K_LOCK };

static void *layer_new(void)
{
    return kept_files_new(KEPT_FILES_MAX_PER_LAYER);
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    const char *slash = strrchr(f->path, '/');
    const char *base = slash ? slash + 1 : f->path;
    size_t blen = strlen(base);
    int kind = 0;
    if (blen > 10 && strcmp(base + blen - 10, ".deps.json") == 0)
        kind = K_DEPS;
    else if (strcmp(base, "packages.lock.json") == 0)
        kind = K_LOCK;
    if (kind == 0)
        return 0;
    return kept_files_add(state, f, DOTNET_MAX_FILE, kind, err);
}

struct ctx {
    struct strata_report *r;
    int fs;
    struct strata_error *err;
};

/* A visible deps.json or (strata fs) packages.lock.json. */
static int report_file(void *ctx, const struct kept_file *k, int layer)
{
    const struct ctx *c = ctx;
    if (k->kind == K_LOCK && !c->fs)
        return 0; /* images: what the app loads (deps.json), not how it was restored */
    struct dotnet_pkg_list pkgs;
    struct strata_error perr = {0};
    int rc = k->kind == K_LOCK ? dotnet_parse_lock(k->data, k->len, k->path, &pkgs, &perr)
                               : dotnet_parse_deps(k->data, k->len, k->path, &pkgs, &perr);
    if (rc != 0)
        return kept_files_broken(rc, c->fs, &perr, c->err);
    for (size_t i = 0; rc == 0 && i < pkgs.n; i++) {
        struct lang_package lp = {
            .type = "nuget",
            .name = pkgs.v[i].name,
            .version = pkgs.v[i].version,
            .path = k->path,
            .layer = layer,
            .direct = pkgs.v[i].direct,
            .lockfile = k->kind == K_LOCK ? k->path : NULL,
        };
        if (inventory_add_lang_package(c->r, &lp) != 0)
            rc = strata_error_nomem(c->err);
    }
    dotnet_pkg_list_free(&pkgs);
    return rc;
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    struct ctx c = {report, report->n_layers == 0, err};
    return kept_files_each_visible(states, n_states, 0, view, report, 0, report_file, &c);
}

static const struct strata_match dotnet_matches[] = {
    {STRATA_MATCH_SUFFIX, ".deps.json"},
    {STRATA_MATCH_SUFFIX, "packages.lock.json"},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_dotnet = {
    .name = "dotnet",
    .pkg_types = STRATA_PKG_LIBRARY,
    .matches = dotnet_matches,
    .max_file_size = DOTNET_MAX_FILE,
    .layer_new = layer_new,
    .layer_free = kept_files_free,
    .layer_file = layer_file,
    .finish = finish,
};
