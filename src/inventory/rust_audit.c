/* Rust binary analyzer: executable ELF files built with cargo-auditable carry their crate
 * dependency list in a ".dep-v0" section (rust_audit_parse.c); each such binary visible in
 * the final view yields packages of type "cargo", compiled_in, db_path the binary:
 *
 *   - every crate of kind "runtime"; "build" crates (build scripts, proc macros and their
 *     dependencies) ran on the build machine and are not in the binary, so they are left
 *     out, as Trivy does;
 *   - the root crate (the binary's own package) only when it comes from a registry
 *     ("crates.io", "registry": `cargo install ripgrep`); a root built from a checkout
 *     ("local", "git") is the user's code with no published version to match, like Go's
 *     "(devel)" main module;
 *   - direct = 1 for the root's own dependencies, 0 for the others, -1 when there is no
 *     root.
 *
 * A malformed dependency list is skipped, never fatal: one odd binary must not stop a scan.
 * See docs/inventory-rust-binaries.md. */
#include <stdlib.h>
#include <string.h>

#include "inventory/lang_package.h"
#include "inventory/rust_audit_parse.h"
#include "strata/analyzer.h"

struct rustbin {
    char *path; /* normalized, no leading slash */
    struct rust_audit a;
};

struct rust_layer {
    struct rustbin *v;
    size_t n, cap;
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct rust_layer));
}

static void layer_free(void *state)
{
    struct rust_layer *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        rust_audit_free(&l->v[i].a);
    }
    free(l->v);
    free(l);
}

static void forget(struct rust_layer *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].path, path) == 0) {
            free(l->v[i].path);
            rust_audit_free(&l->v[i].a);
            l->v[i] = l->v[--l->n];
            return;
        }
    }
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct rust_layer *l = state;
    /* A tar may hold a path twice: the later member wins, whatever it is. */
    forget(l, f->path);
    struct rust_audit a;
    struct strata_error perr = {0};
    int rc = rust_audit_parse_elf(f->data, f->len, f->path, &a, &perr);
    if (rc == STRATA_ENOMEM) {
        rust_audit_free(&a);
        return strata_error_nomem(err);
    }
    if (rc != 0 || a.n == 0) {
        rust_audit_free(&a);
        return 0; /* no dependency list, or a malformed one: skipped (see above) */
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct rustbin *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            rust_audit_free(&a);
            return strata_error_nomem(err);
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].path = strdup(f->path);
    if (l->v[l->n].path == NULL) {
        rust_audit_free(&a);
        return strata_error_nomem(err);
    }
    l->v[l->n].a = a;
    l->n++;
    return 0;
}

static int from_registry(const char *source)
{
    return strcmp(source, "crates.io") == 0 || strcmp(source, "registry") == 0;
}

static int emit_binary(struct strata_report *r, const struct rustbin *b, int layer)
{
    const struct rust_audit *a = &b->a;
    const struct rust_crate *root = NULL;
    for (size_t i = 0; i < a->n && root == NULL; i++)
        if (a->v[i].root)
            root = &a->v[i];
    for (size_t i = 0; i < a->n; i++) {
        const struct rust_crate *c = &a->v[i];
        if (c->build || (c == root && !from_registry(c->source)))
            continue;
        int direct = -1;
        if (root != NULL && c != root) {
            direct = 0;
            for (size_t k = 0; k < root->n_deps && !direct; k++)
                direct = root->deps[k] == i;
        }
        struct lang_package p = {.type = "cargo",
                                 .name = c->name,
                                 .version = c->version,
                                 .path = b->path,
                                 .layer = layer,
                                 .direct = direct,
                                 .compiled_in = 1};
        if (inventory_add_lang_package(r, &p) != 0)
            return STRATA_ENOMEM;
    }
    return 0;
}

static int cmp_bin(const void *x, const void *y)
{
    return strcmp(((const struct rustbin *)x)->path, ((const struct rustbin *)y)->path);
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    for (size_t i = 0; i < n_states; i++) {
        struct rust_layer *l = states[i];
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

static const struct strata_match rust_audit_matches[] = {
    {STRATA_MATCH_ANY, NULL},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_rust_audit = {
    .name = "rust-audit",
    .pkg_types = STRATA_PKG_LIBRARY,
    .matches = rust_audit_matches,
    /* Larger files are skipped (ANY match), the same bound as the Go binary analyzer. */
    .max_file_size = 256u * 1024 * 1024,
    .wants_head = wants_head,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
