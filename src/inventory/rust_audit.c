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

#include "inventory/binary_scan.h"
#include "inventory/lang_package.h"
#include "inventory/rust_audit_parse.h"
#include "strata/analyzer.h"

struct rustbin {
    char *path; /* normalized, no leading slash */
    struct rust_audit a;
};

static void rustbin_clear(void *elem)
{
    rust_audit_free(&((struct rustbin *)elem)->a);
}

static void *layer_new(void)
{
    return binary_list_new(sizeof(struct rustbin), rustbin_clear);
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct binary_list *l = state;
    binary_list_forget(l, f->path);
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
    struct rustbin *b = binary_list_add(l, f->path);
    if (b == NULL) {
        rust_audit_free(&a);
        return strata_error_nomem(err);
    }
    b->a = a;
    return 0;
}

static int from_registry(const char *source)
{
    return strcmp(source, "crates.io") == 0 || strcmp(source, "registry") == 0;
}

static int emit_binary(struct strata_report *r, const void *elem, int layer)
{
    const struct rustbin *b = elem;
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

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    return binary_list_emit_visible(states, n_states, view, report, emit_binary, err);
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
    .wants_head = inventory_wants_executable_elf,
    .layer_new = layer_new,
    .layer_free = binary_list_free,
    .layer_file = layer_file,
    .finish = finish,
};
