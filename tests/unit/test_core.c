/* Unit tests: path normalization, link resolution, strmap, strbuf, arena, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/json_load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/digest.h"
#include "core/lines.h"
#include "core/path.h"
#include "core/strbuf.h"
#include "core/strmap.h"
#include "strata/error.h"
#include "strata/purl.h"
#include "strata/report.h"

static void norm_is(const char *in, enum path_verdict want_v, const char *want)
{
    char out[STRATA_PATH_MAX];
    enum path_verdict v = path_normalize(in, strlen(in), out, sizeof out);
    assert_int_equal(v, want_v);
    if (want)
        assert_string_equal(out, want);
}

static void test_path_normalize(void **state)
{
    (void)state;
    norm_is("./etc/os-release", PATH_OK, "etc/os-release");
    norm_is("etc//./dpkg/", PATH_OK, "etc/dpkg");
    norm_is("./", PATH_OK, "");
    norm_is("/etc/passwd", PATH_ABSOLUTE, "etc/passwd");
    norm_is("a/../b", PATH_DOTDOT, NULL);
    norm_is("../../etc/shadow", PATH_DOTDOT, NULL);
    norm_is("a/..b/c..", PATH_OK, "a/..b/c..");
    char big[STRATA_PATH_MAX + 10];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char out[STRATA_PATH_MAX];
    assert_int_equal(path_normalize(big, strlen(big), out, sizeof out), PATH_TOOLONG);
    assert_int_equal(path_normalize("a\0b", 3, out, sizeof out), PATH_NUL);
}

static void link_is(const char *link, const char *target, const char *want)
{
    char out[STRATA_PATH_MAX];
    assert_int_equal(path_resolve_link(link, target, out, sizeof out), 0);
    assert_string_equal(out, want);
}

static void test_path_resolve_link(void **state)
{
    (void)state;
    link_is("etc/os-release", "../usr/lib/os-release", "usr/lib/os-release");
    link_is("bin", "usr/bin", "usr/bin");
    link_is("a/b/c", "/x/y", "x/y");
    link_is("a/b", "../../../../etc", "etc"); /* clamped at the root like a chroot */
    link_is("a", ".", "");
}

static void test_strmap(void **state)
{
    (void)state;
    struct strmap m = STRMAP_INIT;
    char keys[2000][16];
    for (int i = 0; i < 2000; i++) {
        snprintf(keys[i], sizeof keys[i], "key%d", i);
        assert_int_equal(strmap_put(&m, keys[i], (void *)(intptr_t)(i + 1)), 0);
    }
    assert_int_equal(m.len, 2000);
    for (int i = 0; i < 2000; i++)
        assert_int_equal((intptr_t)strmap_get(&m, keys[i]), i + 1);
    assert_null(strmap_get(&m, "key2000"));
    assert_int_equal((intptr_t)strmap_getn(&m, "key12345", 5), 13); /* "key12" */
    assert_int_equal(strmap_put(&m, keys[5], (void *)(intptr_t)99), 0);
    assert_int_equal(m.len, 2000);
    assert_int_equal((intptr_t)strmap_get(&m, "key5"), 99);
    strmap_release(&m);
}

static void test_strbuf_arena(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(strbuf_addf(&sb, "%d,", i), 0);
    assert_int_equal(strncmp(sb.buf, "0,1,2,", 6), 0);
    char *s = strbuf_detach(&sb);
    assert_non_null(s);
    free(s);
    struct arena a = ARENA_INIT;
    for (int i = 0; i < 100000; i++)
        assert_non_null(arena_strdup(&a, "some/path/in/an/image"));
    char *big = arena_alloc(&a, 1 << 20);
    assert_non_null(big);
    memset(big, 1, 1 << 20);
    arena_release(&a);
}

static void test_error_prefix(void **state)
{
    (void)state;
    struct strata_error e;
    strata_error_set(&e, STRATA_EFORMAT, "truncated gzip stream");
    strata_error_prefix(&e, "%s: layer %d: ", "image.tar", 3);
    assert_string_equal(e.msg, "image.tar: layer 3: truncated gzip stream");
    assert_int_equal(strata_error_exit_code(e.code), 2);
    assert_int_equal(strata_error_exit_code(STRATA_EINTERNAL), 3);
    char longp[3000];
    memset(longp, 'x', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    strata_error_prefix(&e, "%s", longp); /* must truncate, not overflow */
    assert_int_equal(strlen(e.msg), STRATA_ERROR_MAX - 1);
}

static void test_digest(void **state)
{
    (void)state;
    char d[STRATA_DIGEST_STRLEN];
    assert_int_equal(sha256_buffer_str("abc", 3, d), 0);
    assert_string_equal(d,
                        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_true(digest_is_valid_sha256(d));
    assert_false(digest_is_valid_sha256("sha256:ABC"));
    assert_false(digest_is_valid_sha256(
        "sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

static void test_purl(void **state)
{
    (void)state;
    const char *q[] = {"distro", "debian-12", "arch", "amd64", "epoch", NULL, NULL};
    char *p = strata_purl("deb", "debian", "libbpf1", "1:1.1.2-0+deb12u1", q);
    assert_string_equal(p,
                        "pkg:deb/debian/libbpf1@1%3A1.1.2-0%2Bdeb12u1?arch=amd64&distro=debian-12");
    free(p);
    int oom = 0;
    struct strata_os os = {.family = "alpine", .version = "3.19.1"};
    char *d = strata_purl_distro(&os, &oom);
    assert_string_equal(d, "alpine-3.19.1");
    free(d);
    os.version = NULL;
    d = strata_purl_distro(&os, &oom);
    assert_string_equal(d, "alpine");
    free(d);
    os.family = "";
    assert_null(strata_purl_distro(&os, &oom));
    assert_int_equal(oom, 0);
    p = strata_purl("apk", NULL, "musl", "1.2.4-r2", NULL);
    assert_string_equal(p, "pkg:apk/musl@1.2.4-r2");
    free(p);
}

/* A syntax error whose text quotes "out of memory" is a format error, not ENOMEM (jansson's
 * error code decides; fuzz_runtime_container found the text match wrong). */
static void test_json_load_error_kind(void **state)
{
    (void)state;
    struct strata_error err = {0};
    json_t *j = NULL;
    const char *in = "\"out of memory";
    assert_int_equal(json_load_document(in, strlen(in), "x.json", 1024, 0, &j, &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "x.json:1:"));
    assert_null(j);
}

static void test_line_reader(void **state)
{
    (void)state;
    const char text[] = "a: 1\r\n\nlast";
    struct line_reader r;
    line_reader_init(&r, text, sizeof text - 1, 16, "f");
    const char *line;
    size_t n;
    struct strata_error err = {0};
    assert_int_equal(line_reader_next(&r, &line, &n, &err), 1);
    assert_int_equal(n, 4); /* CR dropped */
    assert_memory_equal(line, "a: 1", 4);
    assert_int_equal(line_reader_next(&r, &line, &n, &err), 1);
    assert_int_equal(n, 0);
    assert_int_equal(line_reader_next(&r, &line, &n, &err), 1);
    assert_int_equal(r.lineno, 3);
    assert_memory_equal(line, "last", 4); /* no final newline */
    assert_int_equal(line_reader_next(&r, &line, &n, &err), 0);

    const char nul[] = "ok\nb\0d\n";
    line_reader_init(&r, nul, sizeof nul - 1, 16, "status");
    assert_int_equal(line_reader_next(&r, &line, &n, &err), 1);
    assert_int_equal(line_reader_next(&r, &line, &n, &err), STRATA_EFORMAT);
    assert_string_equal(err.msg, "status: line 2: NUL byte");

    const char longl[] = "0123456789abcdefXYZ\n";
    line_reader_init(&r, longl, sizeof longl - 1, 16, "db");
    assert_int_equal(line_reader_next(&r, &line, &n, &err), STRATA_ELIMIT);
    assert_string_equal(err.msg, "db: line 1: longer than 16 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_normalize),
        cmocka_unit_test(test_path_resolve_link),
        cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_strbuf_arena),
        cmocka_unit_test(test_error_prefix),
        cmocka_unit_test(test_digest),
        cmocka_unit_test(test_purl),
        cmocka_unit_test(test_line_reader),
        cmocka_unit_test(test_json_load_error_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
