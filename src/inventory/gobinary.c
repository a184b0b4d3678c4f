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

#include "inventory/binary_scan.h"
#include "inventory/go_buildinfo.h"
#include "inventory/gomod_purl.h"
#include "inventory/lang_package.h"
#include "strata/analyzer.h"

struct gobin {
    char *path; /* normalized, no leading slash */
    struct go_buildinfo bi;
};

static void gobin_clear(void *elem)
{
    go_buildinfo_free(&((struct gobin *)elem)->bi);
}

static void *layer_new(void)
{
    return binary_list_new(sizeof(struct gobin), gobin_clear);
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct binary_list *l = state;
    binary_list_forget(l, f->path);
    if (!inventory_wants_executable_elf(f->data, f->len, f->len, f->mode))
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
    struct gobin *g = binary_list_add(l, f->path);
    if (g == NULL) {
        go_buildinfo_free(&bi);
        return strata_error_nomem(err);
    }
    g->bi = bi;
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

static int emit_binary(struct strata_report *r, const void *elem, int layer)
{
    const struct gobin *g = elem;
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

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    return binary_list_emit_visible(states, n_states, view, report, emit_binary, err);
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
    .wants_head = inventory_wants_executable_elf,
    .layer_new = layer_new,
    .layer_free = binary_list_free,
    .layer_file = layer_file,
    .finish = finish,
};
