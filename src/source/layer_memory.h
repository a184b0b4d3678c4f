/* A compressed layer decompressed whole into memory: gzip through libdeflate (about twice as
 * fast as zlib's streaming inflate), zstd in one pass straight into the output (no copy out of
 * a window buffer), and the tar walked from memory, so the second pass for hard links
 * (layer_tar.c) costs no second decompression.
 *
 * This is an accelerator of layer_stream.h, never a different reader: it takes only layers
 * for which the stream would give the same bytes and accept them under the same limits, and
 * declines everything else (plain tar, an odd or damaged stream, a layer too large to hold),
 * so that the caller streams it and the stream reports any problem with its usual message.
 *
 * A layer is held when its compressed size is at most LAYER_MEMORY_MAX_IN and its output at
 * most the smallest of LAYER_MEMORY_MAX_OUT, the layer size limit, and what the stream's
 * ratio bound lets through at its first input refill (ratio_after, or max_ratio times the
 * first 256 KiB read: 250 MiB with the default limits) — below that bound the stream's
 * progressive ratio check cannot fire, so both paths accept exactly the same layers. (One
 * caveat: libdeflate is not zlib, and a malformed deflate encoding one of them tolerates and
 * the other refuses — zlib refuses 287-288 literal/length codes in a block header, for one —
 * would be read by one path and refused by the other; the member's CRC-32, the blob digest
 * and the diffID still have to match either way.) */
#ifndef STRATA_SOURCE_LAYER_MEMORY_H
#define STRATA_SOURCE_LAYER_MEMORY_H

#include <stdint.h>

#include "core/digest.h"
#include "source/blob.h"
#include "source/layer_stream.h"
#include "strata/error.h"

#define LAYER_MEMORY_MAX_IN (256ULL << 20)
#define LAYER_MEMORY_MAX_OUT (256ULL << 20)
/* Buffers at least this large are hashed in a thread of their own: the compressed bytes
 * while they are decompressed, the output while the caller walks it. */
#define LAYER_MEMORY_HASH_THREAD (4u << 20)

struct hash_job;

struct layer_memory {
    unsigned char *data; /* the uncompressed tar stream, in the layer_buffers' output */
    size_t len;
    char blob_digest[STRATA_DIGEST_STRLEN];
    char diff_id[STRATA_DIGEST_STRLEN]; /* set by layer_memory_finish */
    struct hash_job *diff_hash;         /* the output's sha256, still running */
};

/* The two mappings (compressed input, output) a reader keeps from one layer to the next:
 * grown as needed, never shrunk, so that the pages one layer touched cost the next one no
 * page faults (first touches are a large share of decompressing into fresh memory).
 * Zero-initialized; layer_buffers_release unmaps them. */
struct layer_buffers {
    void *in, *out;
    size_t in_cap, out_cap;
};

/* Whether b is to be read whole, and then the sizes bufs grow to for it (page-rounded: the
 * compressed bytes, the output bound). Reads b's first bytes and, for gzip, its size trailer;
 * any read problem is a 0 (the stream reports it). */
int layer_memory_sizes(const struct blob *b, const struct layer_limits *lim, uint64_t *in,
                       uint64_t *out);

void layer_buffers_release(struct layer_buffers *bufs);

/* Decompresses b into bufs (grown as needed) and points m at the output. known_digest, when
 * not NULL, is b's digest as already verified by the caller (a download that was hashed as
 * it arrived): the compressed bytes are then not hashed again. Returns 0 with m->data,
 * m->len and m->blob_digest filled and the output's hash running (layer_memory_finish), or 1
 * when the layer is to be streamed instead. Never an error: whatever went wrong, the stream
 * says. m is valid until bufs are used again or released; release it first. */
int layer_memory_load(const struct blob *b, const struct layer_limits *lim,
                      const char *known_digest, struct layer_buffers *bufs, struct layer_memory *m);

/* Waits for the output's hash into m->diff_id. 0, or STRATA_ENOMEM. */
int layer_memory_finish(struct layer_memory *m);

/* Waits for the output's hash if it still runs; the buffers stay. */
void layer_memory_release(struct layer_memory *m);

#endif
