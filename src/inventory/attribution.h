/* Which layer's analyzer state holds the bytes a reader of the final filesystem would see:
 * shared by the analyzers that read package databases and manifests. */
#ifndef STRATA_INVENTORY_ATTRIBUTION_H
#define STRATA_INVENTORY_ATTRIBUTION_H

#include <stddef.h>

#include "strata/report.h"
#include "strata/view.h"

/* The state of the layer that wrote node n, or the only state of a filesystem source (a
 * report without layers). Returns -1 when the node names no layer we have. */
long inventory_state_of(const struct strata_node_info *n, size_t n_states,
                        const struct strata_report *r);

/* Looks path up in the final view: the state index of its writer when it is a regular file
 * that is present (not deleted by a later layer), else -1. */
long inventory_visible_file(const struct strata_view *view, const char *path, size_t n_states,
                            const struct strata_report *r);

#endif
