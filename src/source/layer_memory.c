/* Whole-layer decompression in memory; see layer_memory.h. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_stableOutBuffer */
#include "source/layer_memory.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#define GZIP_FHCRC 0x02

/* The largest output the stream accepts without its ratio check ever firing: that check
 * needs more than ratio_after bytes out and more than max_ratio per compressed byte read,
 * and the stream has read min(size, LAYER_STREAM_INBUF) bytes before its first output. */
static uint64_t output_bound(uint64_t size, const struct layer_limits *lim)
{
    uint64_t first_in = size < LAYER_STREAM_INBUF ? size : LAYER_STREAM_INBUF;
    uint64_t by_ratio = lim->max_ratio * first_in;
    uint64_t bound = lim->ratio_after > by_ratio ? lim->ratio_after : by_ratio;
    if (bound > lim->max_uncompressed)
        bound = lim->max_uncompressed;
    return bound < LAYER_MEMORY_MAX_OUT ? bound : LAYER_MEMORY_MAX_OUT;
}

static int read_exact(const struct blob *b, void *buf, size_t n, uint64_t pos)
{
    struct strata_error e;
    size_t got = 0;
    while (got < n) {
        int64_t r = blob_pread(b, (char *)buf + got, n - got, pos + got, &e);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* The output size a gzip layer announces in its last member's trailer (ISIZE, the size
 * modulo 2^32), or 0 when the layer is not a plain gzip stream we take. */
static uint64_t gzip_announced(const struct blob *b, const unsigned char *head)
{
    if (b->size < 18 || (head[3] & GZIP_FHCRC)) /* zlib checks a header CRC, libdeflate not */
        return 0;
    unsigned char t[4];
    if (read_exact(b, t, 4, b->size - 4) != 0)
        return 0;
    return (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 | (uint64_t)t[3] << 24;
}

static enum layer_compression sniff(const unsigned char *h, size_t n)
{
    if (n >= 10 && h[0] == 0x1f && h[1] == 0x8b)
        return LAYER_GZIP;
    if (n >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd)
        return LAYER_ZSTD;
    return LAYER_PLAIN;
}

/* The output capacity to map: exact for gzip, the bound for zstd; 0 to stream. */
static uint64_t output_capacity(const struct blob *b, const struct layer_limits *lim,
                                enum layer_compression *comp)
{
    unsigned char head[10];
    size_t n = b->size < sizeof head ? (size_t)b->size : sizeof head;
    if (b->size > LAYER_MEMORY_MAX_IN || n == 0 || read_exact(b, head, n, 0) != 0)
        return 0;
    *comp = sniff(head, n);
    uint64_t bound = output_bound(b->size, lim);
    if (*comp == LAYER_GZIP) {
        uint64_t isize = gzip_announced(b, head);
        return isize > 0 && isize <= bound ? isize : 0;
    }
    return *comp == LAYER_ZSTD ? bound : 0;
}

/* libdeflate, member after member; between members only zero padding, as in the stream. A
 * member that libdeflate refuses, or output beyond cap (a multi-member stream whose last
 * trailer undercounts), declines. */
static int inflate_all(const unsigned char *in, size_t in_len, unsigned char *out, size_t cap,
                       size_t *out_len)
{
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (d == NULL)
        return 1;
    size_t pos = 0, opos = 0;
    int rc = 0;
    while (rc == 0) {
        if (in_len - pos < 18 || in[pos] != 0x1f || in[pos + 1] != 0x8b ||
            (in[pos + 3] & GZIP_FHCRC)) {
            rc = 1;
            break;
        }
        size_t used_in = 0, used_out = 0;
        if (libdeflate_gzip_decompress_ex(d, in + pos, in_len - pos, out + opos, cap - opos,
                                          &used_in, &used_out) != LIBDEFLATE_SUCCESS) {
            rc = 1;
            break;
        }
        pos += used_in;
        opos += used_out;
        while (pos < in_len && in[pos] == 0)
            pos++;
        if (pos == in_len)
            break;
    }
    libdeflate_free_decompressor(d);
    *out_len = opos;
    return rc;
}

/* zstd through the same streaming decoder as the stream, given the whole input and an output
 * that holds everything: the one-shot decoder is not used because it accepts frames the
 * streaming one refuses (RLE blocks beyond the block size limit, windows past its limit).
 * With a stable output buffer the decoder writes blocks straight into it instead of copying
 * them out of its window. Every frame must end, as in the stream; output past cap declines. */
static int unzstd_all(const unsigned char *in, size_t in_len, unsigned char *out, size_t cap,
                      size_t *out_len)
{
    ZSTD_DStream *z = ZSTD_createDStream();
    if (z == NULL)
        return 1;
    ZSTD_initDStream(z);
    ZSTD_DCtx_setParameter(z, ZSTD_d_stableOutBuffer, 1); /* refused: the copying mode */
    ZSTD_inBuffer zin = {in, in_len, 0};
    ZSTD_outBuffer zout = {out, cap, 0};
    int rc = 1;
    for (;;) {
        size_t in_before = zin.pos, out_before = zout.pos;
        size_t ret = ZSTD_decompressStream(z, &zout, &zin);
        if (ZSTD_isError(ret))
            break;
        if (ret == 0 && zin.pos == zin.size) {
            rc = 0;
            break;
        }
        if (zin.pos == in_before && zout.pos == out_before)
            break; /* truncated, or more output than cap */
    }
    ZSTD_freeDStream(z);
    *out_len = zout.pos;
    return rc;
}

/* sha256 of a buffer, in a thread of its own when the buffer is large enough for that to pay
 * (the layer's decompression or walk goes on meanwhile), else at once. */
struct hash_job {
    const void *data;
    size_t len;
    char out[STRATA_DIGEST_STRLEN];
    int rc;
    pthread_t thread;
    int running;
};

static void *hash_run(void *arg)
{
    struct hash_job *h = arg;
    h->rc = sha256_buffer_str(h->data, h->len, h->out);
    return NULL;
}

static void hash_start(struct hash_job *h, const void *data, size_t len)
{
    h->data = data;
    h->len = len;
    h->running =
        len >= LAYER_MEMORY_HASH_THREAD && pthread_create(&h->thread, NULL, hash_run, h) == 0;
    if (!h->running)
        hash_run(h);
}

static int hash_wait(struct hash_job *h, char out[STRATA_DIGEST_STRLEN])
{
    if (h->running)
        pthread_join(h->thread, NULL);
    h->running = 0;
    if (h->rc == 0 && out != NULL)
        memcpy(out, h->out, STRATA_DIGEST_STRLEN);
    return h->rc;
}

void layer_memory_release(struct layer_memory *m)
{
    if (m->diff_hash != NULL) {
        hash_wait(m->diff_hash, NULL);
        free(m->diff_hash);
    }
    memset(m, 0, sizeof *m);
}

int layer_memory_finish(struct layer_memory *m)
{
    if (m->diff_hash == NULL)
        return 0;
    int rc = hash_wait(m->diff_hash, m->diff_id);
    free(m->diff_hash);
    m->diff_hash = NULL;
    return rc;
}

static size_t page_round(uint64_t n)
{
    long ps = sysconf(_SC_PAGESIZE);
    size_t page = ps > 0 ? (size_t)ps : 4096;
    return (size_t)((n + page - 1) / page * page);
}

/* Makes *map at least n bytes, keeping the pages it has (mremap): a buffer reused for the next
 * layer costs no page faults where it was touched before. */
static int grow(void **map, size_t *cap, uint64_t n)
{
    size_t want = page_round(n ? n : 1);
    if (*cap >= want)
        return 0;
    void *p = *map != NULL
                  ? mremap(*map, *cap, want, MREMAP_MAYMOVE)
                  : mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    *map = p;
    *cap = want;
    return 0;
}

int layer_memory_sizes(const struct blob *b, const struct layer_limits *lim, uint64_t *in,
                       uint64_t *out)
{
    enum layer_compression comp;
    uint64_t cap = output_capacity(b, lim, &comp);
    *in = cap ? page_round(b->size) : 0;
    *out = cap ? page_round(cap) : 0;
    return cap != 0;
}

void layer_buffers_release(struct layer_buffers *bufs)
{
    if (bufs->in != NULL)
        munmap(bufs->in, bufs->in_cap);
    if (bufs->out != NULL)
        munmap(bufs->out, bufs->out_cap);
    memset(bufs, 0, sizeof *bufs);
}

static int read_input(const struct blob *b, unsigned char *in)
{
    struct strata_error e;
    uint64_t pos = 0;
    while (pos < b->size) {
        int64_t n = blob_pread(b, in + pos, (size_t)(b->size - pos), pos, &e);
        if (n <= 0)
            return -1;
        pos += (uint64_t)n;
    }
    return 0;
}

int layer_memory_load(const struct blob *b, const struct layer_limits *lim,
                      const char *known_digest, struct layer_buffers *bufs, struct layer_memory *m)
{
    memset(m, 0, sizeof *m);
    enum layer_compression comp;
    uint64_t cap = output_capacity(b, lim, &comp);
    if (cap == 0)
        return 1;
    struct hash_job *diff = calloc(1, sizeof *diff);
    /* mapped rather than malloc'ed: a zstd layer's bound is reserved, and only what the
     * output touches is ever backed by memory */
    if (diff == NULL || grow(&bufs->in, &bufs->in_cap, b->size) != 0 ||
        grow(&bufs->out, &bufs->out_cap, cap) != 0 || read_input(b, bufs->in) != 0) {
        free(diff);
        return 1;
    }
    unsigned char *in = bufs->in, *out = bufs->out;
    size_t in_len = (size_t)b->size;
    struct hash_job blob_hash = {0};
    if (known_digest == NULL)
        hash_start(&blob_hash, in, in_len);
    int rc = comp == LAYER_GZIP ? inflate_all(in, in_len, out, (size_t)cap, &m->len)
                                : unzstd_all(in, in_len, out, (size_t)cap, &m->len);
    if (known_digest != NULL)
        snprintf(m->blob_digest, sizeof m->blob_digest, "%s", known_digest);
    else if (hash_wait(&blob_hash, m->blob_digest) != 0)
        rc = 1;
    if (rc != 0) {
        free(diff);
        memset(m, 0, sizeof *m);
        return 1;
    }
    m->data = out;
    hash_start(diff, m->data, m->len);
    m->diff_hash = diff;
    return 0;
}
