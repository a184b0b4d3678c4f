/* Unit tests: the feeds.conf parser of 'strata db update' (comments, blanks, CRLF, errors with
 * file, line and column, duplicates, bounds) and the built-in list compiled from
 * rules/feeds.conf. The downloads themselves are tested end to end in tests/e2e/db_update.sh
 * against a local HTTP server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata/error.h"
#include "vulndb/update.h"

static void test_valid(void **state)
{
    (void)state;
    static const char text[] = "# the feeds\n"
                               "\n"
                               "osv-go   https://osv.example/Go/all.zip\n"
                               "   # indented comment\n"
                               "\tdeb_tracker\thttp://tracker.example/json?x=1  \r\n"
                               "alpine-v3.19-main https://secdb.example/v3.19/main.json";
    struct vulndb_feeds f;
    struct strata_error err = {0};
    assert_int_equal(vulndb_feeds_parse(text, strlen(text), "f.conf", &f, &err), 0);
    assert_int_equal(f.n, 3);
    assert_string_equal(f.v[0].name, "osv-go");
    assert_string_equal(f.v[0].url, "https://osv.example/Go/all.zip");
    assert_int_equal(f.v[0].line, 3);
    assert_string_equal(f.v[1].name, "deb_tracker");
    assert_string_equal(f.v[1].url, "http://tracker.example/json?x=1");
    assert_int_equal(f.v[1].line, 5);
    assert_string_equal(f.v[2].url, "https://secdb.example/v3.19/main.json");
    assert_int_equal(f.v[2].line, 6);
    assert_string_equal(f.origin, "f.conf");
    assert_string_equal(f.text, text);
    vulndb_feeds_free(&f);
    vulndb_feeds_free(&f); /* idempotent */
}

struct bad {
    const char *text;
    int code;
    const char *msg;
};

static void test_invalid(void **state)
{
    (void)state;
    static const struct bad bad[] = {
        {"", STRATA_EFORMAT, "f.conf: no feeds listed"},
        {"# only comments\n\n", STRATA_EFORMAT, "f.conf: no feeds listed"},
        {"a http://x/1\nlonely\n", STRATA_EFORMAT,
         "f.conf: line 2: expected 'NAME URL', found only 'lonely'"},
        {"a http://x/1 extra\n", STRATA_EFORMAT,
         "f.conf: line 1: column 14: unexpected text after the URL"},
        {"a ftp://x/1\n", STRATA_EFORMAT,
         "f.conf: line 1: column 3: 'ftp://x/1' is not an http:// or https:// URL"},
        {"a file:///etc/passwd\n", STRATA_EFORMAT, "is not an http:// or https:// URL"},
        {"a http://\n", STRATA_EFORMAT, "is not an http:// or https:// URL"},
        {"a HTTP://x/1\n", STRATA_EFORMAT, "is not an http:// or https:// URL"},
        {"a/b http://x/1\n", STRATA_EFORMAT,
         "f.conf: line 1: column 2: feed name 'a/b' may only hold"},
        {".hidden http://x/1\n", STRATA_EFORMAT, "column 1: feed name '.hidden'"},
        {"a http://x/1\na http://x/2\n", STRATA_EFORMAT,
         "f.conf: line 2: feed name 'a' already used on line 1"},
        {"a http://x/1\nb http://x/1\n", STRATA_EFORMAT,
         "f.conf: line 2: URL already listed on line 1"},
        {"a http://x/\x01y\n", STRATA_EFORMAT,
         "f.conf: line 1: column 12: control byte in the URL"},
        {"a http://x/\x7fy\n", STRATA_EFORMAT, "control byte in the URL"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct vulndb_feeds f;
        struct strata_error err = {0};
        int rc = vulndb_feeds_parse(bad[i].text, strlen(bad[i].text), "f.conf", &f, &err);
        if (rc != bad[i].code || strstr(err.msg, bad[i].msg) == NULL)
            fail_msg("case %zu: got %d '%s', want %d '%s'", i, rc, err.msg, bad[i].code,
                     bad[i].msg);
        assert_null(f.v);
        assert_int_equal(f.n, 0);
    }
    /* an embedded NUL */
    static const char nul[] = "a http://x/1\nb http://x/\0\n";
    struct vulndb_feeds f;
    struct strata_error err = {0};
    assert_int_equal(vulndb_feeds_parse(nul, sizeof nul - 1, "f.conf", &f, &err), STRATA_EFORMAT);
    assert_string_equal(err.msg, "f.conf: line 2: NUL byte");
}

static void test_limits(void **state)
{
    (void)state;
    struct vulndb_feeds f;
    struct strata_error err = {0};
    char name[FEED_NAME_MAX + 2];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    char line[200];
    snprintf(line, sizeof line, "%s http://x/1\n", name);
    assert_int_equal(vulndb_feeds_parse(line, strlen(line), "f.conf", &f, &err), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "line 1: feed name longer than 64 bytes"));
    name[FEED_NAME_MAX] = '\0'; /* exactly at the limit */
    snprintf(line, sizeof line, "%s http://x/1\n", name);
    assert_int_equal(vulndb_feeds_parse(line, strlen(line), "f.conf", &f, &err), 0);
    vulndb_feeds_free(&f);

    size_t cap = FEED_URL_MAX + 64;
    char *big = malloc(cap);
    assert_non_null(big);
    int n = snprintf(big, cap, "a http://x/");
    memset(big + n, 'u', FEED_URL_MAX);
    big[n + FEED_URL_MAX - 8] = '\0'; /* a URL of FEED_URL_MAX + 1 bytes */
    assert_int_equal(vulndb_feeds_parse(big, strlen(big), "f.conf", &f, &err), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "URL longer than 2048 bytes"));
    free(big);

    /* FEEDS_MAX feeds are fine, one more is not */
    size_t tcap = (FEEDS_MAX + 1) * 40;
    char *text = malloc(tcap);
    assert_non_null(text);
    size_t len = 0;
    for (int i = 0; i < FEEDS_MAX + 1; i++)
        len += (size_t)snprintf(text + len, tcap - len, "f%d http://x/%d\n", i, i);
    size_t upto_max = (size_t)(strstr(text, "f256 ") - text);
    assert_int_equal(vulndb_feeds_parse(text, upto_max, "f.conf", &f, &err), 0);
    assert_int_equal(f.n, FEEDS_MAX);
    vulndb_feeds_free(&f);
    assert_int_equal(vulndb_feeds_parse(text, len, "f.conf", &f, &err), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "f.conf: line 257: more than 256 feeds"));
    free(text);

    assert_int_equal(vulndb_feeds_parse("a http://x/1\n", FEEDS_FILE_MAX + 1, "f.conf", &f, &err),
                     STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "larger than 1048576 bytes"));
}

static void test_builtin(void **state)
{
    (void)state;
    const char *t = vulndb_default_feeds_text();
    struct vulndb_feeds f;
    struct strata_error err = {0};
    assert_int_equal(vulndb_feeds_parse(t, strlen(t), "built-in", &f, &err), 0);
    assert_true(f.n >= 17);
    static const char *const ecos[] = {"Go",     "PyPI",  "npm",      "crates.io", "Debian",
                                       "Alpine", "Maven", "RubyGems", "Packagist", "NuGet"};
    for (size_t e = 0; e < sizeof ecos / sizeof ecos[0]; e++) {
        char url[128];
        snprintf(url, sizeof url, "https://osv-vulnerabilities.storage.googleapis.com/%s/all.zip",
                 ecos[e]);
        size_t i = 0;
        while (i < f.n && strcmp(f.v[i].url, url) != 0)
            i++;
        if (i == f.n)
            fail_msg("built-in list lacks %s", url);
    }
    size_t deb = 0, alpine = 0;
    for (size_t i = 0; i < f.n; i++) {
        deb += strcmp(f.v[i].url, "https://security-tracker.debian.org/tracker/data/json") == 0;
        alpine += strncmp(f.v[i].url, "https://secdb.alpinelinux.org/v3.", 33) == 0;
    }
    assert_int_equal(deb, 1);
    assert_true(alpine >= 2);
    vulndb_feeds_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_builtin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
