/* What the analyzers that read executables (Go build info, cargo-auditable dependency lists)
 * share: the head pre-filter that declines everything but executable ELF files, a per-layer
 * list of the binaries found, and the finish walk that reports each binary the final view
 * shows from the layer that last wrote it. */
#ifndef STRATA_INVENTORY_BINARY_SCAN_H
#define STRATA_INVENTORY_BINARY_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"
#include "strata/report.h"
#include "strata/view.h"

/* A wants_head: executable (any x bit) and starting with the ELF magic, at least 52 bytes
 * (an ELF32 header). Only such files are read in full. */
int inventory_wants_executable_elf(const uint8_t *head, size_t n, uint64_t size, uint32_t mode);

/* One layer's binaries: elements of elem_size bytes, each a struct whose first member is
 * `char *path` (normalized, no leading '/'), followed by what the analyzer parsed. */
struct binary_list {
    void *v;
    size_t n, cap;
    size_t elem_size;
    void (*clear)(void *elem); /* frees what an element owns besides its path */
};

/* A layer state (layer_new), and its release (usable as layer_free). NULL when out of
 * memory. */
struct binary_list *binary_list_new(size_t elem_size, void (*clear)(void *elem));
void binary_list_free(void *state);

/* Drops the element of path, if any: a tar may hold a path twice and the later member wins,
 * whatever it is. */
void binary_list_forget(struct binary_list *l, const char *path);

/* A new element with its path set (a copy) and the rest zeroed for the caller to fill; NULL
 * when out of memory. */
void *binary_list_add(struct binary_list *l, const char *path);

/* Calls emit(r, elem, layer) for each element of each state (each state's sorted by path
 * first) whose path is a present regular file of the final view written by that state's
 * layer; layer is -1 for a filesystem source (one state, no layers). Returns 0, or
 * STRATA_ENOMEM (set in err) at the first emit that fails. */
int binary_list_emit_visible(void *const *states, size_t n_states, const struct strata_view *view,
                             struct strata_report *r,
                             int (*emit)(struct strata_report *r, const void *elem, int layer),
                             struct strata_error *err);

#endif
