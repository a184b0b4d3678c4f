/* Per-layer copies of small wanted files (manifests, lockfiles), for analyzers that can only
 * judge a file once they know which other files are visible next to it in the final view
 * (composer.lock next to vendor/composer/installed.json, a project's package.json, ...):
 * layer_file keeps the bytes, finish parses the visible ones. Within a layer a later copy of
 * a path replaces an earlier one in place (a tar may hold a path twice). Used by the npm,
 * Python, Ruby, PHP, .NET, Cargo.lock and go.mod analyzers. */
#ifndef STRATA_INVENTORY_KEPT_FILES_H
#define STRATA_INVENTORY_KEPT_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "strata/analyzer.h"
#include "strata/error.h"
#include "strata/report.h"
#include "strata/view.h"

struct kept_file {
    char *path; /* normalized view path, no leading '/' */
    uint8_t *data;
    size_t len;
    int kind; /* the analyzer's own tag */
};

struct kept_files {
    struct kept_file *v;
    size_t n, cap;
    size_t max_files; /* bound on files kept per layer; 0: no bound */
};

/* A bound on files kept per layer for analyzers that want one (PHP, .NET). */
#define KEPT_FILES_MAX_PER_LAYER 65536

/* A layer state that is one struct kept_files (calloc'd), and its release: usable as an
 * analyzer's layer_new body and as its layer_free. NULL when out of memory. */
struct kept_files *kept_files_new(size_t max_files);
void kept_files_free(void *state);

/* Keeps a copy of f's bytes under f->path with the given kind (replacing an earlier copy of
 * the same path, kind included). Returns 0, STRATA_ENOMEM, or STRATA_ELIMIT naming the path
 * and the bound when f->len > max_len (0: no bound) or past k->max_files. */
int kept_files_add(struct kept_files *k, const struct strata_layer_file *f, size_t max_len,
                   int kind, struct strata_error *err);
void kept_files_clear(struct kept_files *k);

/* What a kept file its parser rejected (rc, perr) means: out of memory is an error; `strata
 * fs` (fs) was asked to report the file, so a broken one is an error too (perr copied to err,
 * rc returned); in an image one planted file must not hide the rest, so it is skipped (0). */
int kept_files_broken(int rc, int fs, const struct strata_error *perr, struct strata_error *err);

/* The kept copy of path in k, or NULL. */
const struct kept_file *kept_files_find(const struct kept_files *k, const char *path);

/* Where each layer state holds its kept files: at this byte offset inside states[i] (0 when
 * the state is the struct kept_files itself, else offsetof(struct my_layer, member)). */
typedef size_t kept_files_offset;

/* The kept copy of path a reader of the final view sees: looked up in the state of the layer
 * that wrote the visible file. NULL when path is not visible or was not kept. */
const struct kept_file *kept_files_visible(void *const *states, size_t n_states,
                                           kept_files_offset at, const struct strata_view *view,
                                           const struct strata_report *r, const char *path);

/* Calls fn(ctx, k, layer) for each kept file k of each state whose path the final view shows
 * from that state (the layer that last wrote it reports it); layer is that state's index, -1
 * for a filesystem (a report without layers). State by state, each state's files in the
 * order kept, or sorted by path first when by_path. Stops at, and returns, the first non-zero
 * result of fn. */
int kept_files_each_visible(void *const *states, size_t n_states, kept_files_offset at,
                            const struct strata_view *view, const struct strata_report *r,
                            int by_path, int (*fn)(void *ctx, const struct kept_file *k, int layer),
                            void *ctx);

#endif
