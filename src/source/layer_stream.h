/* The uncompressed byte stream of a layer blob. Compression is sniffed from magic bytes
 * (gzip, zstd, or plain tar) whatever the name or media type says. While reading, the
 * stream computes the blob digest (compressed bytes) and the diffID (uncompressed bytes),
 * and enforces the decompression limits that stop bombs. */
#ifndef STRATA_SOURCE_LAYER_STREAM_H
#define STRATA_SOURCE_LAYER_STREAM_H

#include <stdint.h>
#include <sys/types.h>

#include "core/digest.h"
#include "source/blob.h"
#include "strata/error.h"

enum layer_compression {
    LAYER_PLAIN = 0,
    LAYER_GZIP,
    LAYER_ZSTD,
};

struct layer_limits {
    uint64_t max_uncompressed; /* absolute bound on a layer's tar stream */
    uint64_t ratio_after;      /* the ratio bound applies once this many bytes are out */
    uint64_t max_ratio;        /* uncompressed/compressed bound */
};

/* Compressed bytes read from the blob at a time. */
#define LAYER_STREAM_INBUF (256 * 1024)

/* Default limits: 16 GiB per layer, ratio 1000 after 64 MiB. */
extern const struct layer_limits layer_limits_default;

struct layer_stream;

int layer_stream_open(const struct blob *b, const struct layer_limits *lim,
                      struct layer_stream **out, struct strata_error *err);
enum layer_compression layer_stream_compression(const struct layer_stream *s);
const char *layer_compression_name(enum layer_compression c);

/* Reads up to cap uncompressed bytes. Returns the count, 0 at the end of the stream, or a
 * negative STRATA_E*. A truncated or corrupt stream is an error, never a silent end. */
int64_t layer_stream_read(struct layer_stream *s, void *buf, size_t cap, struct strata_error *err);

/* Reads and hashes whatever is left (tar padding after the end-of-archive blocks), then
 * writes both digests. Returns 0 or an error. */
int layer_stream_finish(struct layer_stream *s, char blob_digest[STRATA_DIGEST_STRLEN],
                        char diff_id[STRATA_DIGEST_STRLEN], uint64_t *uncompressed_size,
                        struct strata_error *err);

void layer_stream_free(struct layer_stream *s);

#endif
