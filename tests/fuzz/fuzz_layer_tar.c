/* libFuzzer: a layer's uncompressed tar stream through the walker and every built-in
 * analyzer (whiteouts, links, path rules, dpkg/apk/rpm/os parsers on whatever files the
 * input names), then the squashed view and the analyzers' finish. */
#include <stddef.h>
#include <stdint.h>

#include "image/layer_tar.h"
#include "image/view_build.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct strata_analyzer *const *an = strata_builtin_analyzers();
    size_t n = 0;
    while (an[n])
        n++;
    struct layer_result lr;
    struct strata_error err;
    if (layer_result_init(&lr, 0, "fuzz", an, n, &err) != 0)
        return 0;
    if (layer_tar_read_memory(data, size, &lr, &err) == 0) {
        struct strata_view *v = view_new();
        struct strata_report *r = strata_report_new();
        if (v && r && view_apply_layer(v, 0, lr.entries, lr.n_entries, &err) == 0) {
            for (size_t a = 0; a < n; a++) {
                void *st = lr.states[a];
                if (an[a]->finish(&st, 1, v, r, &err) != 0)
                    break;
            }
        }
        strata_report_free(r);
        view_free(v);
    }
    layer_result_release(&lr);
    return 0;
}
