/* Per-layer copies of small wanted files (manifests, lockfiles), for analyzers that can only
 * judge a file once they know which other files are visible next to it in the final view
 * (composer.lock next to vendor/composer/installed.json, ...): layer_file keeps the bytes,
 * finish parses the visible ones. Within a layer a later copy of a path replaces an earlier
 * one (a tar may hold a path twice). Used by the PHP and .NET analyzers. */
#ifndef STRATA_INVENTORY_KEPT_FILES_H
#define STRATA_INVENTORY_KEPT_FILES_H

#include <stddef.h>
#include <stdint.h>

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
    size_t max_files; /* bound on files kept per layer (0: 65536) */
};

/* Keeps a copy of data under path (replacing an earlier copy in the same layer). Returns 0,
 * STRATA_ENOMEM, or STRATA_ELIMIT (naming path) past max_files. */
int kept_files_add(struct kept_files *k, const char *path, const uint8_t *data, size_t len,
                   int kind, struct strata_error *err);
void kept_files_clear(struct kept_files *k);

/* The kept copy of path a reader of the final view sees: looked up in the state (a struct
 * kept_files *) of the layer that wrote the visible file. NULL when path is not visible or
 * was not kept. */
const struct kept_file *kept_files_visible(void *const *states, size_t n_states,
                                           const struct strata_view *view,
                                           const struct strata_report *r, const char *path);

#endif
