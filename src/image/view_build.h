/* Building the squashed view: layers are applied in order; within a layer whiteouts apply
 * to what lower layers wrote, then the layer's own entries are added. */
#ifndef STRATA_IMAGE_VIEW_BUILD_H
#define STRATA_IMAGE_VIEW_BUILD_H

#include "image/layer_result.h"
#include "strata/view.h"

struct strata_view *view_new(void);
void view_free(struct strata_view *v);
int view_apply_layer(struct strata_view *v, int layer, const struct layer_entry *entries, size_t n,
                     struct strata_error *err);
/* Number of nodes present (not deleted), the root excluded. */
size_t view_count_present(const struct strata_view *v);

#endif
