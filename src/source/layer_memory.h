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
 * progressive ratio check cannot fire, so both paths accept exactly the same layers. */
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
    unsigned char *data; /* the uncompressed tar stream */
    size_t len;
    size_t map_len; /* bytes mapped for data */
    char blob_digest[STRATA_DIGEST_STRLEN];
    char diff_id[STRATA_DIGEST_STRLEN]; /* set by layer_memory_finish */
    struct hash_job *diff_hash;         /* the output's sha256, still running */
};

/* Memory the whole-layer path would hold for b at most (compressed bytes plus the output
 * bound), or 0 when b is to be streamed. Reads b's first bytes and, for gzip, its size
 * trailer; any read problem is a 0 (the stream reports it). */
uint64_t layer_memory_need(const struct blob *b, const struct layer_limits *lim);

/* Decompresses b into m. known_digest, when not NULL, is b's digest as already verified by
 * the caller (a download that was hashed as it arrived): the compressed bytes are then not
 * hashed again. Returns 0 with m->data, m->len and m->blob_digest filled and the output's
 * hash running (layer_memory_finish), or 1 when the layer is to be streamed instead. Never an
 * error: whatever went wrong, the stream says. Release m with layer_memory_release. */
int layer_memory_load(const struct blob *b, const struct layer_limits *lim,
                      const char *known_digest, struct layer_memory *m);

/* Waits for the output's hash into m->diff_id. 0, or STRATA_ENOMEM. */
int layer_memory_finish(struct layer_memory *m);

void layer_memory_release(struct layer_memory *m);

#endif
