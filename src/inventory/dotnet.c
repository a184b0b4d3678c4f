/* .NET analyzer: NuGet packages of .NET applications. *.deps.json (written next to every
 * built app: the "package" libraries it loads) in images and filesystems; NuGet's
 * packages.lock.json (a project's locked restore) in `strata fs`. A broken deps.json in an
 * image is skipped; a broken file `strata fs` reports is an error naming it. See
 * docs/inventory-dotnet.md. */
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "inventory/attribution.h"
#include "inventory/dotnet_parse.h"
#include "inventory/kept_files.h"
#include "inventory/lang_package.h"
#include "strata/analyzer.h"

enum { K_DEPS = 1, K_LOCK };

static void *layer_new(void)
{
    return calloc(1, sizeof(struct kept_files));
}

static void layer_free(void *state)
{
    if (state == NULL)
        return;
    kept_files_clear(state);
    free(state);
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
    if (f->len > DOTNET_MAX_FILE)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %zu bytes, more than the %u allowed",
                                f->path, f->len, DOTNET_MAX_FILE);
    return kept_files_add(state, f->path, f->data, f->len, kind, err);
}

static int report_file(struct strata_report *r, const struct kept_file *k, int fs, int layer,
                       struct strata_error *err)
{
    struct dotnet_pkg_list pkgs;
    struct strata_error perr = {0};
    int rc = k->kind == K_LOCK ? dotnet_parse_lock(k->data, k->len, k->path, &pkgs, &perr)
                               : dotnet_parse_deps(k->data, k->len, k->path, &pkgs, &perr);
    if (rc != 0) {
        if (rc == STRATA_ENOMEM || fs) {
            *err = perr;
            return rc;
        }
        return 0; /* one planted file must not hide the rest of an image */
    }
    char *lock_abs = NULL;
    if (k->kind == K_LOCK) {
        struct strbuf sb = STRBUF_INIT;
        if (strbuf_adds(&sb, "/") || strbuf_adds(&sb, k->path))
            rc = strata_error_nomem(err);
        lock_abs = strbuf_detach(&sb);
        if (lock_abs == NULL)
            rc = strata_error_nomem(err);
    }
    for (size_t i = 0; rc == 0 && i < pkgs.n; i++) {
        struct lang_package lp = {
            .type = "nuget",
            .name = pkgs.v[i].name,
            .version = pkgs.v[i].version,
            .path = k->path,
            .layer = layer,
            .direct = pkgs.v[i].direct,
            .lockfile = lock_abs,
        };
        if (inventory_add_lang_package(r, &lp) != 0)
            rc = strata_error_nomem(err);
    }
    free(lock_abs);
    dotnet_pkg_list_free(&pkgs);
    return rc;
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    int fs = report->n_layers == 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n_states; i++) {
        const struct kept_files *l = states[i];
        for (size_t j = 0; rc == 0 && l != NULL && j < l->n; j++) {
            const struct kept_file *k = &l->v[j];
            if (k->kind == K_LOCK && !fs)
                continue; /* images: what the app loads (deps.json), not how it was restored */
            if (inventory_visible_file(view, k->path, n_states, report) != (long)i)
                continue;
            rc = report_file(report, k, fs, fs ? -1 : (int)i, err);
        }
    }
    return rc;
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
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
