#include "source/layer_stream.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

const struct layer_limits layer_limits_default = {
    .max_uncompressed = 16ULL << 30,
    .ratio_after = 64ULL << 20,
    .max_ratio = 1000,
};

struct layer_stream {
    struct blob blob;
    struct layer_limits lim;
    enum layer_compression comp;
    unsigned char *in;
    size_t in_len, in_off;
    uint64_t in_pos; /* compressed bytes fetched from the blob so far */
    z_stream z;
    int z_ready;
    int member_done; /* gzip: the current member ended; zstd: last frame complete */
    ZSTD_DStream *zs;
    struct sha256_ctx *blob_hash, *diff_hash;
    uint64_t out_total;
    int eof;
};

const char *layer_compression_name(enum layer_compression c)
{
    switch (c) {
    case LAYER_GZIP:
        return "gzip";
    case LAYER_ZSTD:
        return "zstd";
    default:
        return "tar";
    }
}

enum layer_compression layer_stream_compression(const struct layer_stream *s)
{
    return s->comp;
}

void layer_stream_free(struct layer_stream *s)
{
    if (s == NULL)
        return;
    if (s->z_ready)
        inflateEnd(&s->z);
    ZSTD_freeDStream(s->zs);
    sha256_free(s->blob_hash);
    sha256_free(s->diff_hash);
    free(s->in);
    free(s);
}

int layer_stream_open(const struct blob *b, const struct layer_limits *lim,
                      struct layer_stream **out, struct strata_error *err)
{
    struct layer_stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        return strata_error_nomem(err);
    s->blob = *b;
    s->lim = lim ? *lim : layer_limits_default;
    s->in = malloc(LAYER_STREAM_INBUF);
    s->blob_hash = sha256_new();
    s->diff_hash = sha256_new();
    if (s->in == NULL || s->blob_hash == NULL || s->diff_hash == NULL) {
        layer_stream_free(s);
        return strata_error_nomem(err);
    }
    unsigned char magic[6] = {0};
    int64_t n = b->size ? blob_pread(b, magic, sizeof magic, 0, err) : 0;
    if (n < 0) {
        layer_stream_free(s);
        return (int)n;
    }
    if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        s->comp = LAYER_GZIP;
        if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
            layer_stream_free(s);
            return strata_error_nomem(err);
        }
        s->z_ready = 1;
    } else if (n >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
               magic[3] == 0xfd) {
        s->comp = LAYER_ZSTD;
        s->zs = ZSTD_createDStream();
        if (s->zs == NULL) {
            layer_stream_free(s);
            return strata_error_nomem(err);
        }
        ZSTD_initDStream(s->zs);
    } else if (n >= 6 && memcmp(magic,
                                "\xfd"
                                "7zXZ\0",
                                6) == 0) {
        layer_stream_free(s);
        return strata_error_set(err, STRATA_EFORMAT,
                                "xz-compressed layers are not supported (only tar, gzip, zstd)");
    } else if (n >= 3 && memcmp(magic, "BZh", 3) == 0) {
        layer_stream_free(s);
        return strata_error_set(err, STRATA_EFORMAT,
                                "bzip2-compressed layers are not supported (only tar, gzip, zstd)");
    } else {
        s->comp = LAYER_PLAIN;
    }
    *out = s;
    return 0;
}

/* Refills the input buffer when it is empty. Returns bytes available, 0 at end of blob. */
static int64_t fill_input(struct layer_stream *s, struct strata_error *err)
{
    if (s->in_off < s->in_len)
        return (int64_t)(s->in_len - s->in_off);
    int64_t n = blob_pread(&s->blob, s->in, LAYER_STREAM_INBUF, s->in_pos, err);
    if (n <= 0)
        return n;
    sha256_update(s->blob_hash, s->in, (size_t)n);
    s->in_pos += (uint64_t)n;
    s->in_len = (size_t)n;
    s->in_off = 0;
    return n;
}

static int check_limits(struct layer_stream *s, struct strata_error *err)
{
    if (s->out_total > s->lim.max_uncompressed)
        return strata_error_set(err, STRATA_ELIMIT, "uncompressed layer exceeds %llu bytes (limit)",
                                (unsigned long long)s->lim.max_uncompressed);
    if (s->out_total > s->lim.ratio_after && s->in_pos > 0 &&
        s->out_total / s->in_pos > s->lim.max_ratio)
        return strata_error_set(err, STRATA_ELIMIT,
                                "%s stream expands more than %llu:1 (%llu bytes from %llu): "
                                "refusing a likely decompression bomb",
                                layer_compression_name(s->comp),
                                (unsigned long long)s->lim.max_ratio,
                                (unsigned long long)s->out_total, (unsigned long long)s->in_pos);
    return 0;
}

/* Between gzip members only another member or zero padding may follow. */
static int gzip_next_member(struct layer_stream *s, struct strata_error *err)
{
    for (;;) {
        int64_t n = fill_input(s, err);
        if (n < 0)
            return (int)n;
        if (n == 0) {
            s->eof = 1;
            return 0;
        }
        while (s->in_off < s->in_len && s->in[s->in_off] == 0)
            s->in_off++;
        if (s->in_off == s->in_len)
            continue;
        if (s->in[s->in_off] != 0x1f)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "garbage after gzip stream at compressed offset %llu",
                                    (unsigned long long)(s->in_pos - (s->in_len - s->in_off)));
        inflateReset(&s->z);
        s->member_done = 0;
        return 0;
    }
}

static int64_t read_gzip(struct layer_stream *s, void *buf, size_t cap, struct strata_error *err)
{
    for (;;) {
        if (s->member_done) {
            int rc = gzip_next_member(s, err);
            if (rc < 0)
                return rc;
            if (s->eof)
                return 0;
        }
        int64_t n = fill_input(s, err);
        if (n < 0)
            return n;
        if (n == 0)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "truncated gzip stream (ends at compressed offset %llu)",
                                    (unsigned long long)s->in_pos);
        s->z.next_in = s->in + s->in_off;
        s->z.avail_in = (uInt)(s->in_len - s->in_off);
        s->z.next_out = buf;
        s->z.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
        uInt avail_out = s->z.avail_out;
        int ret = inflate(&s->z, Z_NO_FLUSH);
        s->in_off = s->in_len - s->z.avail_in;
        size_t produced = avail_out - s->z.avail_out;
        if (ret == Z_STREAM_END)
            s->member_done = 1;
        else if (ret != Z_OK && !(ret == Z_BUF_ERROR && produced == 0))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "corrupt gzip stream near compressed offset %llu: %s",
                                    (unsigned long long)(s->in_pos - (s->in_len - s->in_off)),
                                    s->z.msg ? s->z.msg : "inflate failed");
        if (produced > 0)
            return (int64_t)produced;
    }
}

static int64_t read_zstd(struct layer_stream *s, void *buf, size_t cap, struct strata_error *err)
{
    for (;;) {
        int64_t n = fill_input(s, err);
        if (n < 0)
            return n;
        if (n == 0) {
            if (!s->member_done)
                return strata_error_set(err, STRATA_EFORMAT,
                                        "truncated zstd stream (ends at compressed offset %llu)",
                                        (unsigned long long)s->in_pos);
            s->eof = 1;
            return 0;
        }
        ZSTD_inBuffer in = {s->in, s->in_len, s->in_off};
        ZSTD_outBuffer out = {buf, cap, 0};
        size_t ret = ZSTD_decompressStream(s->zs, &out, &in);
        s->in_off = in.pos;
        if (ZSTD_isError(ret))
            return strata_error_set(
                err, STRATA_EFORMAT, "corrupt zstd stream near compressed offset %llu: %s",
                (unsigned long long)(s->in_pos - (s->in_len - s->in_off)), ZSTD_getErrorName(ret));
        s->member_done = ret == 0;
        if (out.pos > 0)
            return (int64_t)out.pos;
    }
}

static int64_t read_plain(struct layer_stream *s, void *buf, size_t cap, struct strata_error *err)
{
    int64_t n = blob_pread(&s->blob, buf, cap, s->in_pos, err);
    if (n > 0) {
        sha256_update(s->blob_hash, buf, (size_t)n);
        s->in_pos += (uint64_t)n;
    } else if (n == 0) {
        s->eof = 1;
    }
    return n;
}

int64_t layer_stream_read(struct layer_stream *s, void *buf, size_t cap, struct strata_error *err)
{
    if (s->eof || cap == 0)
        return 0;
    int64_t n;
    switch (s->comp) {
    case LAYER_GZIP:
        n = read_gzip(s, buf, cap, err);
        break;
    case LAYER_ZSTD:
        n = read_zstd(s, buf, cap, err);
        break;
    default:
        n = read_plain(s, buf, cap, err);
        break;
    }
    if (n <= 0)
        return n;
    sha256_update(s->diff_hash, buf, (size_t)n);
    s->out_total += (uint64_t)n;
    int rc = check_limits(s, err);
    return rc < 0 ? rc : n;
}

int layer_stream_finish(struct layer_stream *s, char blob_digest[STRATA_DIGEST_STRLEN],
                        char diff_id[STRATA_DIGEST_STRLEN], uint64_t *uncompressed_size,
                        struct strata_error *err)
{
    unsigned char *buf = malloc(64 * 1024);
    if (buf == NULL)
        return strata_error_nomem(err);
    int64_t n;
    while ((n = layer_stream_read(s, buf, 64 * 1024, err)) > 0)
        ;
    free(buf);
    if (n < 0)
        return (int)n;
    sha256_final_str(s->blob_hash, blob_digest);
    sha256_final_str(s->diff_hash, diff_id);
    if (uncompressed_size)
        *uncompressed_size = s->out_total;
    return 0;
}
