/* Unit tests: whole-layer decompression in memory (layer_memory.h) against the streaming
 * reader it accelerates. Every layer it takes must come out byte for byte and digest for
 * digest as the stream gives it; every layer the stream would refuse, or read differently,
 * it must decline (gzip with a header CRC, a trailer that undercounts, garbage, truncation,
 * zstd windows the stream refuses, output past the bounds, plain tar). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "source/layer_memory.h"
#include "source/layer_stream.h"

static int memfd_with(const void *data, size_t len)
{
    int fd = memfd_create("layer", 0);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    return fd;
}

/* A gzip member of in at level (0: stored blocks). */
static size_t gzip_member(const void *in, size_t len, unsigned char *out, size_t cap, int level)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}

struct outcome {
    int rc;
    char blob[STRATA_DIGEST_STRLEN], diff[STRATA_DIGEST_STRLEN];
    uint64_t size;
};

static struct outcome stream_read(const void *data, size_t len, const struct layer_limits *lim)
{
    struct outcome o = {0};
    int fd = memfd_with(data, len);
    struct blob b = {fd, 0, len, "blob"};
    struct layer_stream *s;
    struct strata_error err;
    o.rc = layer_stream_open(&b, lim, &s, &err);
    if (o.rc == 0) {
        o.rc = layer_stream_finish(s, o.blob, o.diff, &o.size, &err);
        layer_stream_free(s);
    }
    close(fd);
    return o;
}

/* One set of buffers for every read of a test, as a scan worker keeps them from one layer to
 * the next: a layer read after a larger one must not see what that one left behind. */
static struct layer_buffers bufs;

static int release_bufs(void **state)
{
    (void)state;
    layer_buffers_release(&bufs);
    return 0;
}

/* The memory path's answer; when it takes the layer, the stream must agree exactly. want is
 * the expected uncompressed content (NULL: not checked). Returns layer_memory_load's result. */
static int memory_read(const void *data, size_t len, const struct layer_limits *lim,
                       const void *want, size_t want_len)
{
    const struct layer_limits *l = lim ? lim : &layer_limits_default;
    int fd = memfd_with(data, len);
    struct blob b = {fd, 0, len, "blob"};
    uint64_t in = 0, out = 0;
    int sized = layer_memory_sizes(&b, l, &in, &out);
    struct layer_memory m;
    int rc = layer_memory_load(&b, l, NULL, &bufs, &m);
    close(fd);
    if (rc == 0) {
        assert_true(sized);
        assert_true(in >= len && out >= m.len);
        assert_true(bufs.in_cap >= in && bufs.out_cap >= out);
    }
    if (rc == 0)
        assert_int_equal(layer_memory_finish(&m), 0);
    assert_true(rc == 0 || rc == 1);
    if (rc != 0) {
        assert_null(m.data);
        return rc;
    }
    struct outcome s = stream_read(data, len, l);
    assert_int_equal(s.rc, 0);
    assert_string_equal(s.blob, m.blob_digest);
    assert_string_equal(s.diff, m.diff_id);
    assert_int_equal(s.size, m.len);
    if (want != NULL) {
        assert_int_equal(m.len, want_len);
        assert_memory_equal(m.data, want, want_len);
    }
    layer_memory_release(&m);
    return 0;
}

static unsigned char *pattern(size_t n)
{
    unsigned char *p = malloc(n);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)((i * 31) ^ (i >> 7) ^ (i >> 13));
    return p;
}

static void test_gzip(void **state)
{
    (void)state;
    size_t n = 600000;
    unsigned char *plain = pattern(n), *gz = malloc(2 * n + 4096);
    size_t g = gzip_member(plain, n, gz, 2 * n, 6);
    assert_int_equal(memory_read(gz, g, NULL, plain, n), 0);
    /* stored blocks (what incompressible data becomes) */
    g = gzip_member(plain, n, gz, 2 * n, 0);
    assert_int_equal(memory_read(gz, g, NULL, plain, n), 0);

    /* two members then zero padding: the last trailer counts only the second member, so
     * the output does not fit what it announces and the stream reads it instead */
    size_t g1 = gzip_member(plain, 1000, gz, 2 * n, 6);
    size_t g2 = gzip_member(plain + 1000, n - 1000, gz + g1, 2 * n - g1, 6);
    memset(gz + g1 + g2, 0, 512);
    assert_int_equal(memory_read(gz, g1 + g2 + 512, NULL, NULL, 0), 1);
    assert_int_equal(stream_read(gz, g1 + g2 + 512, NULL).rc, 0);
    /* an empty last member announces 0 bytes: streamed */
    g1 = gzip_member(plain, n, gz, 2 * n, 6);
    g2 = gzip_member(plain, 0, gz + g1, 2 * n - g1, 6);
    assert_int_equal(memory_read(gz, g1 + g2, NULL, NULL, 0), 1);
    assert_int_equal(stream_read(gz, g1 + g2, NULL).rc, 0);
    free(plain);
    free(gz);
}

static void test_gzip_declined(void **state)
{
    (void)state;
    size_t n = 300000;
    unsigned char *plain = pattern(n), *gz = malloc(2 * n), *x = malloc(2 * n + 16);
    size_t g = gzip_member(plain, n, gz, 2 * n, 6);

    /* garbage after the member, truncation, a flipped byte: declined, and the stream refuses */
    memcpy(x, gz, g);
    memcpy(x + g, "garbage!", 8);
    assert_int_equal(memory_read(x, g + 8, NULL, NULL, 0), 1);
    assert_int_not_equal(stream_read(x, g + 8, NULL).rc, 0);
    assert_int_equal(memory_read(gz, g - 100, NULL, NULL, 0), 1);
    assert_int_not_equal(stream_read(gz, g - 100, NULL).rc, 0);
    memcpy(x, gz, g);
    x[g / 2] ^= 0x55;
    assert_int_equal(memory_read(x, g, NULL, NULL, 0), 1);

    /* a trailer announcing less than the member holds */
    memcpy(x, gz, g);
    x[g - 4] = 1, x[g - 3] = 0, x[g - 2] = 0, x[g - 1] = 0;
    assert_int_equal(memory_read(x, g, NULL, NULL, 0), 1);

    /* FHCRC: zlib checks the header CRC, libdeflate does not: left to the stream */
    memcpy(x, gz, 10);
    x[3] |= 0x02;
    uLong hc = crc32(0, x, 10);
    x[10] = (unsigned char)hc, x[11] = (unsigned char)(hc >> 8);
    memcpy(x + 12, gz + 10, g - 10);
    assert_int_equal(memory_read(x, g + 2, NULL, NULL, 0), 1);
    assert_int_equal(stream_read(x, g + 2, NULL).rc, 0);

    /* plain tar bytes and tiny inputs are streamed */
    assert_int_equal(memory_read(plain, n, NULL, NULL, 0), 1);
    assert_int_equal(memory_read(gz, 5, NULL, NULL, 0), 1);
    int fd = memfd_with(plain, n);
    struct blob b = {fd, 0, n, "blob"};
    uint64_t in, out;
    assert_int_equal(layer_memory_sizes(&b, &layer_limits_default, &in, &out), 0);
    close(fd);
    free(plain);
    free(gz);
    free(x);
}

static void test_bounds(void **state)
{
    (void)state;
    /* 8 MiB of zeros: ~8 KiB of gzip, far past what the stream's ratio check lets through
     * with ratio_after 1 MiB and max_ratio 100, so it is the stream's to refuse */
    size_t n = 8 << 20;
    unsigned char *zeros = calloc(1, n), *gz = malloc(n);
    size_t g = gzip_member(zeros, n, gz, n, 6);
    struct layer_limits lim = {
        .max_uncompressed = 1ULL << 40, .ratio_after = 1 << 20, .max_ratio = 100};
    assert_int_equal(memory_read(gz, g, &lim, NULL, 0), 1);
    assert_int_equal(stream_read(gz, g, &lim).rc, STRATA_ELIMIT);
    /* the layer size limit */
    struct layer_limits small = {
        .max_uncompressed = 1 << 20, .ratio_after = 1ULL << 40, .max_ratio = 1000};
    assert_int_equal(memory_read(gz, g, &small, NULL, 0), 1);
    /* within every bound: taken */
    struct layer_limits roomy = {
        .max_uncompressed = 1ULL << 40, .ratio_after = 16 << 20, .max_ratio = 1000};
    assert_int_equal(memory_read(gz, g, &roomy, zeros, n), 0);
    size_t z = ZSTD_compress(gz, n, zeros, n, 1);
    assert_false(ZSTD_isError(z));
    assert_int_equal(memory_read(gz, z, &lim, NULL, 0), 1);
    assert_int_equal(memory_read(gz, z, &roomy, zeros, n), 0);
    free(zeros);
    free(gz);
}

static void test_zstd(void **state)
{
    (void)state;
    size_t n = 700000;
    unsigned char *plain = pattern(n), *zs = malloc(2 * n + 64);
    size_t z = ZSTD_compress(zs, 2 * n, plain, n, 3);
    assert_false(ZSTD_isError(z));
    assert_int_equal(memory_read(zs, z, NULL, plain, n), 0);
    /* two frames with a skippable frame between them */
    size_t z1 = ZSTD_compress(zs, 2 * n, plain, 1000, 3);
    static const unsigned char skip[] = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
    memcpy(zs + z1, skip, sizeof skip);
    size_t z2 =
        ZSTD_compress(zs + z1 + sizeof skip, 2 * n - z1 - sizeof skip, plain + 1000, n - 1000, 3);
    assert_false(ZSTD_isError(z2));
    assert_int_equal(memory_read(zs, z1 + sizeof skip + z2, NULL, plain, n), 0);
    /* truncated, and trailing garbage */
    assert_int_equal(memory_read(zs, z1 + sizeof skip + z2 / 2, NULL, NULL, 0), 1);
    memcpy(zs + z1, "trailing", 8);
    assert_int_equal(memory_read(zs, z1 + 8, NULL, NULL, 0), 1);
    assert_int_not_equal(stream_read(zs, z1 + 8, NULL).rc, 0);
    free(plain);
    free(zs);
}

/* A frame that asks for a 256 MiB window: the streaming decoder refuses it (its default
 * limit is 128 MiB), so the memory path, which would not need the window, must decline. */
static void test_zstd_large_window(void **state)
{
    (void)state;
    size_t n = 100000;
    unsigned char *plain = pattern(n), *zs = malloc(2 * n + 1024);
    ZSTD_CCtx *c = ZSTD_createCCtx();
    assert_non_null(c);
    assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 28)));
    assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0)));
    ZSTD_outBuffer out = {zs, 2 * n + 1024, 0};
    ZSTD_inBuffer in = {plain, n, 0};
    assert_false(ZSTD_isError(ZSTD_compressStream2(c, &out, &in, ZSTD_e_continue)));
    size_t left;
    do {
        left = ZSTD_compressStream2(c, &out, &in, ZSTD_e_end);
        assert_false(ZSTD_isError(left));
    } while (left != 0);
    ZSTD_freeCCtx(c);
    assert_int_not_equal(stream_read(zs, out.pos, NULL).rc, 0);
    assert_int_equal(memory_read(zs, out.pos, NULL, NULL, 0), 1);
    free(plain);
    free(zs);
}

/* Found by fuzz_layer_memory: a frame whose RLE block claims 327693 bytes, more than a zstd
 * block may hold. zstd's one-shot decoder writes it out, the streaming decoder calls it
 * corruption; the memory path uses the streaming decoder so both refuse it. */
static void test_zstd_oversized_block(void **state)
{
    (void)state;
    static const unsigned char frame[] = {
        0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x6b, 0x00, 0x28, 0x82, 0x28, 0xb5, 0x2f, 0xfd,
        0x04, 0x58, 0x25, 0x01, 0x00, 0xe0, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x74, 0x61,
        0x72, 0x2d, 0x69, 0x73, 0x68, 0x20, 0x6c, 0x61, 0x79, 0x65, 0x72, 0x20, 0x63, 0x6f,
        0x6e, 0x74, 0x65, 0x6e, 0x74, 0x0a, 0x01, 0x00, 0x04, 0xd7, 0xf7, 0xd3, 0x09, 0x1b,
        0x92, 0xaf, 0x7f, 0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x25, 0x01, 0x00, 0xe0, 0x68,
        0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x74, 0x61, 0x72, 0x2d, 0x69, 0x73, 0x68, 0x20, 0x6c,
        0x61, 0x79, 0x65, 0x72, 0x20, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x0a, 0x01,
        0x00, 0x04, 0xd7, 0xf7, 0xd3, 0x09, 0x1b, 0x92, 0xaf, 0x7f,
    };
    assert_int_not_equal(stream_read(frame, sizeof frame, NULL).rc, 0);
    assert_int_equal(memory_read(frame, sizeof frame, NULL, NULL, 0), 1);
}

/* Buffers kept from a large layer to smaller and then larger ones (grown in place or moved,
 * the old pages kept): every read still equals the stream's. */
static void test_buffer_reuse(void **state)
{
    (void)state;
    size_t sizes[] = {900000, 1000, 300000, 2000000, 5};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        unsigned char *plain = pattern(n), *gz = malloc(2 * n + 64), *zs = malloc(2 * n + 64);
        for (size_t i = 0; i < n; i++)
            plain[i] ^= (unsigned char)k;
        size_t g = gzip_member(plain, n, gz, 2 * n + 64, 6);
        assert_int_equal(memory_read(gz, g, NULL, plain, n), 0);
        size_t z = ZSTD_compress(zs, 2 * n + 64, plain, n, 3);
        assert_false(ZSTD_isError(z));
        assert_int_equal(memory_read(zs, z, NULL, plain, n), 0);
        free(plain);
        free(gz);
        free(zs);
    }
}

/* A digest the caller verified is taken as the blob digest without hashing again. */
static void test_known_digest(void **state)
{
    (void)state;
    size_t n = 100000;
    unsigned char *plain = pattern(n), *gz = malloc(2 * n);
    size_t g = gzip_member(plain, n, gz, 2 * n, 6);
    int fd = memfd_with(gz, g);
    struct blob b = {fd, 0, g, "blob"};
    struct layer_memory m;
    const char *known = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    assert_int_equal(layer_memory_load(&b, &layer_limits_default, known, &bufs, &m), 0);
    assert_int_equal(layer_memory_finish(&m), 0);
    assert_string_equal(m.blob_digest, known);
    char want[STRATA_DIGEST_STRLEN];
    sha256_buffer_str(plain, n, want);
    assert_string_equal(m.diff_id, want);
    layer_memory_release(&m);
    close(fd);
    free(plain);
    free(gz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_gzip, release_bufs),
        cmocka_unit_test_teardown(test_gzip_declined, release_bufs),
        cmocka_unit_test_teardown(test_bounds, release_bufs),
        cmocka_unit_test_teardown(test_zstd, release_bufs),
        cmocka_unit_test_teardown(test_zstd_large_window, release_bufs),
        cmocka_unit_test_teardown(test_known_digest, release_bufs),
        cmocka_unit_test_teardown(test_zstd_oversized_block, release_bufs),
        cmocka_unit_test_teardown(test_buffer_reuse, release_bufs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
