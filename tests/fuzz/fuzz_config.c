/* libFuzzer: an image config blob (rootfs.diff_ids, history) as the sources read it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "source/image_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct image_source s = {0};
    s.n_layers = size ? data[0] % 8 : 0;
    s.layers = calloc(s.n_layers + 1, sizeof *s.layers);
    if (s.layers == NULL)
        return 0;
    struct strata_error err;
    source_apply_config(&s, (const char *)data, size, "config", &err);
    for (size_t i = 0; i < s.n_layers; i++) {
        free(s.layers[i].diff_id);
        free(s.layers[i].created_by);
    }
    free(s.layers);
    json_decref(s.config);
    return 0;
}
