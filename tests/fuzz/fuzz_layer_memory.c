/* libFuzzer: a compressed layer read whole in memory (layer_memory.h) and by the stream
 * (layer_stream.h). Whenever the memory path takes a layer, the stream must read the same
 * bytes with the same digests; a difference aborts. Small limits keep the outputs small. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source/layer_memory.h"
#include "source/layer_stream.h"

/* Kept from one input to the next, as a scan worker keeps them from one layer to the next. */
static struct layer_buffers bufs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-layer", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    const struct layer_limits lim = {
        .max_uncompressed = 8 << 20, .ratio_after = 1 << 20, .max_ratio = 1000};
    struct blob b = {fd, 0, size, "fuzz"};
    uint64_t in = 0, out = 0;
    int sized = layer_memory_sizes(&b, &lim, &in, &out);
    struct layer_memory m;
    if (layer_memory_load(&b, &lim, NULL, &bufs, &m) == 0) {
        if (layer_memory_finish(&m) != 0)
            abort();
        if (!sized || in < size || out < m.len)
            abort();
        struct layer_stream *s;
        struct strata_error err;
        char bd[STRATA_DIGEST_STRLEN], diff[STRATA_DIGEST_STRLEN];
        uint64_t n = 0;
        if (layer_stream_open(&b, &lim, &s, &err) != 0)
            abort();
        if (layer_stream_finish(s, bd, diff, &n, &err) != 0 || n != m.len ||
            strcmp(bd, m.blob_digest) != 0 || strcmp(diff, m.diff_id) != 0)
            abort();
        layer_stream_free(s);
        layer_memory_release(&m);
    }
    close(fd);
    return 0;
}
