#include "inventory/attribution.h"

long inventory_state_of(const struct strata_node_info *n, size_t n_states,
                        const struct strata_report *r)
{
    if (r->n_layers == 0)
        return n_states > 0 ? 0 : -1;
    if (n->layer < 0 || (size_t)n->layer >= n_states)
        return -1;
    return n->layer;
}

long inventory_visible_file(const struct strata_view *view, const char *path, size_t n_states,
                            const struct strata_report *r)
{
    struct strata_node_info ni;
    if (strata_view_lookup(view, path, &ni) != 0 || ni.deleted_by >= 0 || ni.type != STRATA_FT_REG)
        return -1;
    return inventory_state_of(&ni, n_states, r);
}
