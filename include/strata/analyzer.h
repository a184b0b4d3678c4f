/* Analyzers: small modules that say which files they need, receive those files' contents
 * layer by layer (never unpacked to disk), keep a per-layer result, and at the end turn the
 * per-layer results plus the squashed view into report entries.
 *
 * Per-layer states depend only on the layer's bytes, so they may be computed in parallel and
 * could be cached by diffID. */
#ifndef STRATA_ANALYZER_H
#define STRATA_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"
#include "strata/report.h"
#include "strata/view.h"

enum strata_match_kind {
    STRATA_MATCH_END = 0, /* terminates a match list */
    STRATA_MATCH_EXACT,   /* path equals pattern */
    STRATA_MATCH_PREFIX,  /* path starts with pattern ("var/lib/dpkg/info/") */
    STRATA_MATCH_SUFFIX,  /* path ends with pattern (".jar") */
    STRATA_MATCH_GLOB,    /* fnmatch(3) pattern with FNM_PATHNAME */
    STRATA_MATCH_ANY,     /* every regular file (bounded by max_file_size) */
};

/* How many leading bytes wants_head sees: an ELF header (64 bytes) or a zip signature fit. */
#define STRATA_HEAD_BYTES 64

struct strata_match {
    enum strata_match_kind kind;
    const char *pattern;
};

struct strata_layer_file {
    const char *path; /* normalized, no leading slash */
    const uint8_t *data;
    size_t len;
    uint32_t mode;
    int layer;          /* layer index, -1 for a filesystem source */
    const char *source; /* display name of the input, for error messages */
};

/* What kind of packages an analyzer finds, for `--pkg-types` (0: always runs, e.g. os). */
#define STRATA_PKG_OS 1u      /* deb, apk, rpm */
#define STRATA_PKG_LIBRARY 2u /* language packages: npm, pypi, golang, maven, … */

struct strata_analyzer {
    const char *name;
    unsigned pkg_types;                 /* STRATA_PKG_OS, STRATA_PKG_LIBRARY or 0 */
    const struct strata_match *matches; /* terminated by STRATA_MATCH_END */
    uint64_t max_file_size; /* larger files are an error for EXACT matches, else skipped */

    /* Optional content pre-filter for analyzers that match by what a file is rather than by
     * its name (executables of any name): called with the file's first
     * min(size, STRATA_HEAD_BYTES) bytes before the rest is read. A file no analyzer takes
     * is never read in full. Returns non-zero to receive the file. */
    int (*wants_head)(const uint8_t *head, size_t n, uint64_t size, uint32_t mode);

    /* Per-layer state. layer_new returns NULL only on ENOMEM. An analyzer configured per scan
     * (the secrets scanner and its rule set) sets ctx and layer_new_ctx, which is then called
     * with ctx instead of layer_new. */
    void *(*layer_new)(void);
    void *(*layer_new_ctx)(const void *ctx);
    const void *ctx;
    void (*layer_free)(void *state);
    /* Called for each wanted regular file of a layer, in archive order, from the layer's
     * worker thread. An error aborts the scan; its message should name the path and the
     * line or offset (the caller prefixes source and layer). */
    int (*layer_file)(void *state, const struct strata_layer_file *f, struct strata_error *err);

    /* Called once, single-threaded, after all layers are merged into the view. states[i] is
     * the state of layer i; layers[i] its report entry (diff_id for attribution). */
    int (*finish)(void *const *states, size_t n_layers, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err);
};

/* The built-in analyzers in the order they run: os first (others read report->os). */
const struct strata_analyzer *const *strata_builtin_analyzers(void);

/* Parses a --pkg-types list ("os,library") into a STRATA_PKG_* mask. Returns 0 or
 * STRATA_EUSAGE naming the unknown word. */
int strata_pkg_types_parse(const char *list, unsigned *mask, struct strata_error *err);

/* Does the analyzer want this regular file (by name and size; wants_head decides later)?
 * 1 yes, 0 no, -1 when a file the analyzer names exactly is larger than max_file_size. */
int strata_analyzer_wants(const struct strata_analyzer *a, const char *path, uint64_t size);

/* strata_analyzer_wants and, when the analyzer has one, its wants_head on the file's first
 * bytes (head holds min(size, STRATA_HEAD_BYTES) of them). */
int strata_analyzer_takes(const struct strata_analyzer *a, const char *path, uint64_t size,
                          uint32_t mode, const uint8_t *head);

#endif
