/* Unit tests: layer streams (gzip/zstd/plain, truncation, corruption, bombs), the layer tar
 * walker's rules, analyzer dispatch, and the outer tar index. Tars are built in memory with
 * libarchive so the tests need no fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "image/layer_tar.h"
#include "source/layer_stream.h"
#include "source/tar_index.h"

struct tar_spec {
    const char *path;
    char type; /* 'f' file, 'd' dir, 'l' symlink, 'h' hard link */
    const char *data_or_link;
};

/* Builds a ustar/pax tar in memory. */
static size_t make_tar(const struct tar_spec *spec, size_t n, unsigned char *buf, size_t cap)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    size_t used = 0;
    assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, spec[i].path);
        archive_entry_set_perm(e, spec[i].type == 'd' ? 0755 : 0644);
        switch (spec[i].type) {
        case 'f':
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_size(e, (la_int64_t)strlen(spec[i].data_or_link));
            break;
        case 'd':
            archive_entry_set_filetype(e, AE_IFDIR);
            break;
        case 'l':
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, spec[i].data_or_link);
            break;
        case 'h':
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_hardlink(e, spec[i].data_or_link);
            break;
        }
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        if (spec[i].type == 'f')
            archive_write_data(a, spec[i].data_or_link, strlen(spec[i].data_or_link));
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return used;
}

/* A test analyzer that records what it was given. */
struct seen {
    char paths[8][64];
    char data[8][64];
    int n;
};

static void *seen_new(void)
{
    return calloc(1, sizeof(struct seen));
}

static int seen_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct seen *s = state;
    if (f->len >= 4 && memcmp(f->data, "FAIL", 4) == 0)
        return strata_error_set(err, STRATA_EFORMAT, "%s: line 1: analyzer refuses", f->path);
    if (s->n < 8) {
        snprintf(s->paths[s->n], 64, "%s", f->path);
        snprintf(s->data[s->n], 64, "%.*s", (int)f->len, (const char *)f->data);
        s->n++;
    }
    return 0;
}

static int seen_finish(void *const *st, size_t n, const struct strata_view *v,
                       struct strata_report *r, struct strata_error *e)
{
    (void)st, (void)n, (void)v, (void)r, (void)e;
    return 0;
}

static const struct strata_match seen_matches[] = {
    {STRATA_MATCH_EXACT, "etc/os-release"},
    {STRATA_MATCH_PREFIX, "var/lib/"},
    {STRATA_MATCH_END, NULL},
};
static const struct strata_analyzer seen_analyzer = {
    .name = "seen",
    .matches = seen_matches,
    .max_file_size = 32,
    .layer_new = seen_new,
    .layer_free = free,
    .layer_file = seen_file,
    .finish = seen_finish,
};
static const struct strata_analyzer *const analyzers[] = {&seen_analyzer, NULL};

static int walk_mem(const struct tar_spec *spec, size_t n, struct layer_result *lr,
                    struct strata_error *err)
{
    static unsigned char buf[1 << 20];
    size_t len = make_tar(spec, n, buf, sizeof buf);
    assert_int_equal(layer_result_init(lr, 0, "t.tar", analyzers, 1, err), 0);
    return layer_tar_read_memory(buf, len, lr, err);
}

static void test_walk_dispatch(void **state)
{
    (void)state;
    const struct tar_spec spec[] = {
        {"./etc/", 'd', NULL},
        {"./etc/os-release", 'f', "ID=debian\n"},
        {"./var/lib/x", 'f', "hello"},
        {"./var/lib/big", 'f', "0123456789012345678901234567890123456789"}, /* > 32: skipped */
        {"./usr/other", 'f', "not wanted"},
        {"./app/.wh.id_rsa", 'f', ""},
        {"./etc/nginx/.wh..wh..opq", 'f', ""},
        {"./var/lib/hl", 'h', "./var/lib/x"},
    };
    struct layer_result lr;
    struct strata_error err = {0};
    assert_int_equal(walk_mem(spec, sizeof spec / sizeof *spec, &lr, &err), 0);
    struct seen *s = lr.states[0];
    assert_int_equal(s->n, 3);
    assert_string_equal(s->paths[0], "etc/os-release");
    assert_string_equal(s->data[0], "ID=debian\n");
    assert_string_equal(s->paths[1], "var/lib/x");
    /* The hard link carries no data in the tar: a second pass delivers its target's. */
    assert_string_equal(s->paths[2], "var/lib/hl");
    assert_string_equal(s->data[2], "hello");
    assert_int_equal(lr.n_entries, 8);
    assert_string_equal(lr.entries[5].path, "app/id_rsa");
    assert_int_equal(lr.entries[5].whiteout, WHITEOUT_FILE);
    assert_string_equal(lr.entries[6].path, "etc/nginx");
    assert_int_equal(lr.entries[6].whiteout, WHITEOUT_OPAQUE);
    assert_int_equal(lr.entries[7].type, STRATA_FT_HARDLINK);
    assert_string_equal(lr.entries[7].link, "var/lib/x");
    layer_result_release(&lr);
}

static void expect_walk_error(const struct tar_spec *spec, size_t n, const char *needle)
{
    struct layer_result lr;
    struct strata_error err = {0};
    assert_int_not_equal(walk_mem(spec, n, &lr, &err), 0);
    if (strstr(err.msg, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
    layer_result_release(&lr);
}

/* The name tests every file of every layer goes through, fast paths included: empty
 * patterns, one-byte names, glob heads and tails, the size bound and EXACT's error. */
static void test_analyzer_wants(void **state)
{
    (void)state;
    static const struct strata_match m[] = {
        {STRATA_MATCH_EXACT, "etc/os-release"}, {STRATA_MATCH_PREFIX, "var/lib/dpkg/info/"},
        {STRATA_MATCH_SUFFIX, ".jar"},          {STRATA_MATCH_GLOB, "*/requirements*.txt"},
        {STRATA_MATCH_GLOB, "lib/apk/db/*"},    {STRATA_MATCH_END, NULL},
    };
    const struct strata_analyzer a = {.name = "t", .matches = m, .max_file_size = 100};
    static const struct {
        const char *path;
        uint64_t size;
        int want;
    } rows[] = {
        {"etc/os-release", 10, 1},
        {"etc/os-release", 101, -1}, /* named exactly and too large: an error */
        {"etc/os-releasex", 10, 0},
        {"var/lib/dpkg/info/bash.list", 10, 1},
        {"var/lib/dpkg/info/", 10, 1},
        {"var/lib/dpkg/inf", 10, 0},
        {"usr/share/java/a.jar", 10, 1},
        {"usr/share/java/a.jar", 101, 0}, /* skipped, not an error */
        {".jar", 1, 1},
        {"jar", 1, 0},
        {"r", 1, 0},
        {"app/requirements-dev.txt", 1, 1},
        {"app/requirements.txt", 1, 1},
        {"app/sub/requirements.txt", 1, 0}, /* FNM_PATHNAME: '*' stops at '/' */
        {"app/requirements.txt.bak", 1, 0},
        {"requirements.txt", 1, 0},
        {"lib/apk/db/installed", 1, 1},
        {"lib/apk/db", 1, 0},
        {"x", 1, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int got = strata_analyzer_wants(&a, rows[i].path, rows[i].size);
        if (got != rows[i].want)
            fail_msg("%s (%llu bytes): %d, want %d", rows[i].path, (unsigned long long)rows[i].size,
                     got, rows[i].want);
    }
    static const struct strata_match empty[] = {{STRATA_MATCH_SUFFIX, ""},
                                                {STRATA_MATCH_END, NULL}};
    const struct strata_analyzer e = {.name = "e", .matches = empty, .max_file_size = 100};
    assert_int_equal(strata_analyzer_wants(&e, "a", 1), 1);
    static const struct strata_match prefix[] = {{STRATA_MATCH_PREFIX, ""},
                                                 {STRATA_MATCH_END, NULL}};
    const struct strata_analyzer pr = {.name = "p", .matches = prefix, .max_file_size = 100};
    assert_int_equal(strata_analyzer_wants(&pr, "a", 1), 1);
}

static void test_walk_hostile(void **state)
{
    (void)state;
    const struct tar_spec dotdot[] = {{"../../tmp/evil", 'f', "x"}};
    expect_walk_error(dotdot, 1, "climbs out");
    const struct tar_spec absolute[] = {{"/etc/passwd", 'f', "x"}};
    expect_walk_error(absolute, 1, "absolute path");
    const struct tar_spec via_symlink[] = {{"evil", 'l', "/etc"}, {"evil/passwd", 'f', "x"}};
    expect_walk_error(via_symlink, 2, "goes through symlink 'evil'");
    const struct tar_spec dup[] = {{"a", 'f', "x"}, {"a", 'f', "y"}};
    expect_walk_error(dup, 2, "a: duplicate entry");
    const struct tar_spec hl_out[] = {{"h", 'h', "../../etc/shadow"}};
    expect_walk_error(hl_out, 1, "outside the layer");
    const struct tar_spec hl_missing[] = {{"h", 'h', "nothere"}};
    expect_walk_error(hl_missing, 1, "not an earlier file");
    const struct tar_spec bad_wh[] = {{"d/.wh.", 'f', ""}};
    expect_walk_error(bad_wh, 1, "malformed whiteout");
    const struct tar_spec refused[] = {{"var/lib/db", 'f', "FAIL here"}};
    expect_walk_error(refused, 1, "var/lib/db: line 1: analyzer refuses");
    const struct tar_spec exact_big[] = {
        {"etc/os-release", 'f', "0123456789012345678901234567890123456789"}};
    expect_walk_error(exact_big, 1, "more than the 32 the seen analyzer reads");
}

static void test_walk_garbage(void **state)
{
    (void)state;
    unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 7 + 3);
    struct layer_result lr;
    struct strata_error err = {0};
    assert_int_equal(layer_result_init(&lr, 0, "t", analyzers, 1, &err), 0);
    assert_int_not_equal(layer_tar_read_memory(junk, sizeof junk, &lr, &err), 0);
    layer_result_release(&lr);
    /* A truncated tar: cut a valid one in the middle of a file's data. */
    static unsigned char buf[1 << 16];
    const struct tar_spec spec[] = {{"big", 'f',
                                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}};
    make_tar(spec, 1, buf, sizeof buf);
    assert_int_equal(layer_result_init(&lr, 0, "t", analyzers, 1, &err), 0);
    /* pax_restricted writes no pax header for plain names: data starts at 512 */
    assert_int_not_equal(layer_tar_read_memory(buf, 512 + 20, &lr, &err), 0);
    layer_result_release(&lr);
}

/* --- layer streams --- */

static int memfd_with(const void *data, size_t len)
{
    int fd = memfd_create("blob", 0);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    return fd;
}

static size_t gzip_bytes(const void *in, size_t len, unsigned char *out, size_t cap)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}

static int read_all(const void *blob, size_t len, const struct layer_limits *lim,
                    uint64_t *out_size, char diff[STRATA_DIGEST_STRLEN], struct strata_error *err,
                    enum layer_compression *comp)
{
    int fd = memfd_with(blob, len);
    struct blob b = {fd, 0, len, "blob"};
    struct layer_stream *s;
    int rc = layer_stream_open(&b, lim, &s, err);
    if (rc == 0) {
        char bd[STRATA_DIGEST_STRLEN];
        if (comp)
            *comp = layer_stream_compression(s);
        rc = layer_stream_finish(s, bd, diff, out_size, err);
        layer_stream_free(s);
    }
    close(fd);
    return rc;
}

static void test_stream_formats(void **state)
{
    (void)state;
    static unsigned char plain[300000], comp[400000], two[800000];
    for (size_t i = 0; i < sizeof plain; i++)
        plain[i] = (unsigned char)((i * 31) ^ (i >> 7));
    char want[STRATA_DIGEST_STRLEN], got[STRATA_DIGEST_STRLEN];
    sha256_buffer_str(plain, sizeof plain, want);
    struct strata_error err = {0};
    uint64_t size;
    enum layer_compression c;
    assert_int_equal(read_all(plain, sizeof plain, NULL, &size, got, &err, &c), 0);
    assert_int_equal(c, LAYER_PLAIN);
    assert_string_equal(got, want);

    size_t gz = gzip_bytes(plain, sizeof plain, comp, sizeof comp);
    assert_int_equal(read_all(comp, gz, NULL, &size, got, &err, &c), 0);
    assert_int_equal(c, LAYER_GZIP);
    assert_int_equal(size, sizeof plain);
    assert_string_equal(got, want);

    /* Two gzip members, as pigz or concatenation produce, then zero padding. */
    size_t g1 = gzip_bytes(plain, 100000, two, sizeof two);
    size_t g2 = gzip_bytes(plain + 100000, sizeof plain - 100000, two + g1, sizeof two - g1);
    memset(two + g1 + g2, 0, 1000);
    assert_int_equal(read_all(two, g1 + g2 + 1000, NULL, &size, got, &err, &c), 0);
    assert_string_equal(got, want);

    /* Garbage after the stream is an error. */
    memset(two + g1 + g2, 'x', 10);
    assert_int_equal(read_all(two, g1 + g2 + 10, NULL, &size, got, &err, &c), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "garbage after gzip"));

    size_t zs = ZSTD_compress(comp, sizeof comp, plain, sizeof plain, 3);
    assert_false(ZSTD_isError(zs));
    assert_int_equal(read_all(comp, zs, NULL, &size, got, &err, &c), 0);
    assert_int_equal(c, LAYER_ZSTD);
    assert_string_equal(got, want);
    assert_int_equal(read_all(comp, zs / 2, NULL, &size, got, &err, &c), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "truncated zstd"));
}

static void test_stream_corrupt(void **state)
{
    (void)state;
    static unsigned char plain[200000], comp[300000];
    for (size_t i = 0; i < sizeof plain; i++)
        plain[i] = (unsigned char)(i % 251);
    size_t gz = gzip_bytes(plain, sizeof plain, comp, sizeof comp);
    struct strata_error err = {0};
    char got[STRATA_DIGEST_STRLEN];
    uint64_t size;
    assert_int_equal(read_all(comp, gz - 100, NULL, &size, got, &err, NULL), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "truncated gzip"));
    for (size_t i = gz / 2; i < gz / 2 + 16; i++)
        comp[i] ^= 0x5a;
    assert_int_not_equal(read_all(comp, gz, NULL, &size, got, &err, NULL), 0);
    assert_non_null(strstr(err.msg, "gzip"));
    const unsigned char xz[] = {0xfd, '7', 'z', 'X', 'Z', 0, 1, 2};
    assert_int_equal(read_all(xz, sizeof xz, NULL, &size, got, &err, NULL), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "xz"));
}

static void test_stream_bomb(void **state)
{
    (void)state;
    /* 8 MiB of zeros compress ~1000:1; with the ratio bound active after 1 MiB it must stop. */
    size_t n = 8 << 20;
    unsigned char *zeros = calloc(1, n);
    unsigned char *comp = malloc(n);
    size_t gz = gzip_bytes(zeros, n, comp, n);
    struct layer_limits lim = {
        .max_uncompressed = 1ULL << 40, .ratio_after = 1 << 20, .max_ratio = 100};
    struct strata_error err = {0};
    char got[STRATA_DIGEST_STRLEN];
    uint64_t size;
    assert_int_equal(read_all(comp, gz, &lim, &size, got, &err, NULL), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "decompression bomb"));
    struct layer_limits small = {
        .max_uncompressed = 1 << 20, .ratio_after = 1ULL << 40, .max_ratio = 1};
    assert_int_equal(read_all(comp, gz, &small, &size, got, &err, NULL), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "exceeds"));
    free(zeros);
    free(comp);
}

/* --- outer tar index --- */

static void test_tar_index(void **state)
{
    (void)state;
    static unsigned char buf[1 << 16];
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    const struct tar_spec spec[] = {
        {"manifest.json", 'f', "[]"},
        {"blobs/sha256/abc", 'f', "layer bytes"},
        {"link.tar", 'l', "blobs/sha256/abc"},
        {longname, 'f', "long"},
    };
    size_t len = make_tar(spec, 4, buf, sizeof buf);
    int fd = memfd_with(buf, len);
    struct tar_index idx;
    struct strata_error err = {0};
    assert_int_equal(tar_index_build(fd, len, "outer.tar", &idx, &err), 0);
    assert_int_equal(idx.n_members, 4);
    struct blob b;
    assert_int_equal(tar_index_blob(&idx, "link.tar", &b, &err), 0);
    assert_int_equal(b.size, 11);
    char *data;
    size_t dlen;
    assert_int_equal(blob_read_all(&b, 100, &data, &dlen, &err), 0);
    assert_string_equal(data, "layer bytes");
    free(data);
    assert_int_equal(tar_index_blob(&idx, longname, &b, &err), 0);
    assert_int_equal(b.size, 4);
    assert_int_equal(tar_index_blob(&idx, "missing", &b, &err), STRATA_ENOTFOUND);
    tar_index_release(&idx);
    /* Truncation: cut inside the second member's data. */
    assert_int_not_equal(tar_index_build(fd, 512 * 3 + 5, "outer.tar", &idx, &err), 0);
    assert_non_null(strstr(err.msg, "outer.tar"));
    /* A corrupt checksum. */
    buf[100] ^= 1;
    int fd2 = memfd_with(buf, len);
    assert_int_equal(tar_index_build(fd2, len, "outer.tar", &idx, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "offset 0"));
    close(fd);
    close(fd2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analyzer_wants), cmocka_unit_test(test_walk_dispatch),
        cmocka_unit_test(test_walk_hostile),   cmocka_unit_test(test_walk_garbage),
        cmocka_unit_test(test_stream_formats), cmocka_unit_test(test_stream_corrupt),
        cmocka_unit_test(test_stream_bomb),    cmocka_unit_test(test_tar_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
