/* Unit tests: the RubyGems, NuGet and Composer version comparators on hand-picked cases
 * (each row says the rule it checks), sorted lists checked pairwise, invalid and hostile
 * inputs (NUL, non-ASCII, overlong, too many parts) and the dispatcher's type names. The
 * large oracle runs against Ruby's Gem::Version and Composer\Semver are in
 * tests/e2e/version_gem_composer_oracle.sh; NuGet has no reference installable, so its table
 * here is the reference: NuGet's documented rules, row by row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "strata/error.h"
#include "strata/version.h"
#include "version/version_internal.h"

#include "version_test_util.h"

static void check_invalid(cmp_fn f, const char *type, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct strata_error err = {0};
        int c = 99;
        if (f(v[i], "1.0", &c, &err) != STRATA_EFORMAT)
            fail_msg("%s: accepted as %s", v[i], type);
        if (strstr(err.msg, type) != err.msg || strstr(err.msg, " version ") == NULL)
            fail_msg("%s: message does not name the type and version: %s", v[i], err.msg);
        assert_int_equal(c, 99);
        assert_int_equal(f("1.0", v[i], &c, NULL), STRATA_EFORMAT);
    }
}

/* Overlong, a NUL in the middle (the version ends there: what is left must be judged on
 * its own), non-ASCII and control bytes. */
static void check_hostile(cmp_fn f, const char *type)
{
    char big[400];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct strata_error err = {0};
    int c;
    assert_int_equal(f(big, "1.0", &c, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "longer than 256 bytes"));
    assert_non_null(strstr(err.msg, "...")); /* the message shows a cut version */
    static const char nul[] = "1.0\0garbage";
    assert_int_equal(f(nul, "1.0", &c, NULL), 0);
    assert_int_equal(c, 0);
    static const char *const bad[] = {"1.0\xc3\xa9", "1.0\x01", "\xff", "1.0\x7f", "1.\t0"};
    check_invalid(f, type, bad, N(bad));
    memset(&err, 0, sizeof err);
    assert_int_equal(f("1.0\x1b[31m", "1.0", &c, &err), STRATA_EFORMAT);
    assert_null(strchr(err.msg, '\x1b')); /* shown as \x1b, never raw */
    assert_non_null(strstr(err.msg, "\\x1b"));
}

static void test_gem(void **state)
{
    (void)state;
    static const char *const order[] = {"0.9",        "1.0.a",   "1.0.a1",
                                        "1.0.a2",     "1.0.a10", "1.0.b",
                                        "1.0.b1",     "1.0.pre", "1.0.rc1",
                                        "1.0",        "1.0.0.1", "1.1.a",
                                        "1.1",        "1.9",     "1.10",
                                        "2.0.0-rc.1", "2.0.0-1", "2.0.0.rc2",
                                        "2",          "10.0.0",  "99999999999999999999"};
    check_sorted(version_gem_compare, order, N(order));
    static const struct pair pairs[] = {
        {"1", "1.0.0.0", 0},           /* trailing zeros are dropped */
        {"1.0.a", "1.0", -1},          /* a letter makes a prerelease */
        {"1.0.a", "1.a", 0},           /* zeros before the prerelease are dropped too */
        {"1.a.0", "1.a", 0},           /* ... and trailing zeros of the prerelease */
        {"1.a.0.1", "1.a", 1},         /* but not inner ones */
        {"1.0a1", "1.0.a.1", 0},       /* digit/letter boundaries split like dots */
        {"1.0-rc1", "1.0.pre.rc1", 0}, /* '-' means ".pre." */
        {"1.0-1", "1.0.pre.1", 0},
        {"1.0-1", "1.0", -1},    /* so a '-' suffix is always a prerelease */
        {"1.0.A", "1.0.a", -1},  /* strings compare byte-wise, case-sensitive */
        {"1.0.z", "1.0.zz", -1}, /* a prefix first */
        {"1.a", "1.0.1", -1},    /* a string is below a number */
        {"1.0.a.1", "1.0.a", 1},
        {"007", "7", 0},                                     /* numbers by value */
        {"99999999999999999999", "99999999999999999998", 1}, /* at any size */
        {" 1.0\n", "1.0", 0},                                /* surrounding whitespace */
        {"1.0--", "1.0.pre.pre", 0},                         /* '-' inside the prerelease too */
        {"3.2.1.alpha.3", "3.2.1.alpha.2", 1},
        {"6.0.0.beta1.1", "6.0.0.beta1", 1},
    };
    check_pairs(version_gem_compare, pairs, N(pairs));
    static const char *const bad[] = {"",      "   ",     "1a",    "a",    "1.",     ".1",
                                      "1..0",  "v1.0",    "1.0+b", "1.0-", "1.0-.a", "1.0-a..b",
                                      "1.0_1", "1.0-a_b", "-1",    "1.0!", "=1.0",   "1 0"};
    check_invalid(version_gem_compare, "gem", bad, N(bad));
    check_hostile(version_gem_compare, "gem");
    /* 64 segments are fine, 65 are refused; each '-' counts as a "pre" segment */
    char v[200] = "1";
    for (int i = 1; i < 64; i++)
        strcat(v, ".1");
    int c;
    assert_int_equal(version_gem_compare(v, "1", &c, NULL), 0);
    strcat(v, ".1");
    struct strata_error err = {0};
    assert_int_equal(version_gem_compare(v, "1", &c, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "more than 64 segments"));
    memset(&err, 0, sizeof err);
    assert_int_equal(version_gem_compare("1a", "1", &c, &err), STRATA_EFORMAT);
    assert_string_equal(err.msg,
                        "gem version \"1a\": unexpected character at byte 1 (segments are digits "
                        "and letters separated by '.', then optionally '-' and a prerelease)");
}

static void test_nuget(void **state)
{
    (void)state;
    /* NuGet's documented precedence example ("Package versioning"), lowest first */
    static const char *const doc[] = {"1.0.1-aaa",   "1.0.1-alpha10", "1.0.1-alpha2",
                                      "1.0.1-beta",  "1.0.1-open",    "1.0.1-rc.2",
                                      "1.0.1-rc.10", "1.0.1-zzz",     "1.0.1"};
    check_sorted(version_nuget_compare, doc, N(doc));
    static const char *const order[] = {"0.9",
                                        "1.0.0--1",
                                        "1.0.0-0",
                                        "1.0.0-1",
                                        "1.0.0-2",
                                        "1.0.0-10",
                                        "1.0.0-2147483647",
                                        "1.0.0-2147483648",
                                        "1.0.0-a",
                                        "1.0.0-alpha",
                                        "1.0.0-alpha.1",
                                        "1.0.0-alpha.beta",
                                        "1.0.0-beta",
                                        "1.0.0-beta.2",
                                        "1.0.0-beta.11",
                                        "1.0.0-rc.1",
                                        "1.0.0",
                                        "1.0.0.1",
                                        "1.0.1",
                                        "1.1",
                                        "2.0.0.0",
                                        "2147483647.0"};
    check_sorted(version_nuget_compare, order, N(order));
    static const struct pair pairs[] = {
        /* normalization ("Normalized version numbers") */
        {"1.00", "1.0", 0},
        {"1.01.1", "1.1.1", 0},
        {"1.00.0.1", "1.0.0.1", 0},
        {"1.0.0.0", "1.0.0", 0},
        {"1.0.01.0", "1.0.1", 0},
        {"1.0.7+r3456", "1.0.7", 0},
        {"1", "1.0.0.0", 0}, /* a single number is N.0 */
        {"1.0", "1.0.0", 0},
        {"01.002.0003.00004", "1.2.3.4", 0},
        /* the four numbers */
        {"1.0.0.1", "1.0.0", 1}, /* the revision counts */
        {"1.0.0.10", "1.0.0.9", 1},
        {"1.2", "1.10", -1},
        {"2.0", "1.99.99.99", 1},
        {"0.0.0.1", "0.0.0", 1},
        /* prerelease */
        {"1.0.0-alpha", "1.0.0", -1}, /* a release is above its prereleases */
        {"1.0.0-zzz", "1.0.0", -1},
        {"1.0.0.1-alpha", "1.0.0", 1},   /* numbers first */
        {"1.0.0-RC.1", "1.0.0-rc.1", 0}, /* case-insensitive */
        {"1.0.0-Beta", "1.0.0-alpha", 1},
        {"1.0.0-ALPHA", "1.0.0-beta", -1},
        {"1.0.0-alpha", "1.0.0-alpha.1", -1},      /* more labels win on an equal prefix */
        {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1}, /* number below text */
        {"1.0.0-beta.2", "1.0.0-beta.11", -1},     /* numbers by value */
        {"1.0.0-beta2", "1.0.0-beta11", 1},        /* text: ordinal */
        {"1.0.0-a-b", "1.0.0-a.b", 1},             /* one label "a-b", above "a" (a prefix of it) */
        {"1.0.0-a-", "1.0.0-a", 1},
        {"1.0.0-0a", "1.0.0-1", 1},          /* 0a is text */
        {"1.0.0-2147483648", "1.0.0-a", -1}, /* beyond int: text, digits below letters */
        {"1.0.0-2147483648", "1.0.0-99", 1}, /* ... and above every number */
        {"1.0.0--1", "1.0.0-0", -1},         /* int.TryParse reads "-1" as -1 */
        {"1.0.0--0", "1.0.0-0", 0},
        {"1.0.0--2147483648", "1.0.0--2147483647", -1},
        {"1.0.0--2147483649", "1.0.0-a", -1}, /* out of range: text, '-' below 'A' */
        {"1.0.0-a.b.c", "1.0.0-a.b", 1},
        {"1.0.0-A", "1.0.0-a", 0},
        {"1.0.0-a", "1.0.0-B", -1}, /* ignoring case: A < B */
        /* metadata is ignored */
        {"1.0.0+a", "1.0.0+b", 0},
        {"1.0.0-beta+a.b", "1.0.0-beta", 0},
        {"1.0.0+01.02", "1.0.0", 0}, /* leading zeros allowed in metadata */
        {"1.0.0+a-b", "1.0.0", 0},
        {" 1.0.0 ", "1.0.0", 0}, /* surrounding whitespace */
        {"2147483647.2147483647.2147483647.2147483647", "2147483647.2147483647.2147483647", 1},
    };
    check_pairs(version_nuget_compare, pairs, N(pairs));
    static const char *const bad[] = {"",
                                      " ",
                                      ".1",
                                      "1.",
                                      "1..0",
                                      "1.0.0.0.0",
                                      "v1.0",
                                      "1.0.0-",
                                      "1.0.0+",
                                      "1.0.0-+a",
                                      "1.0.0-a..b",
                                      "1.0.0-.a",
                                      "1.0.0-01",
                                      "1.0.0-a.01",
                                      "1.0.0+a..b",
                                      "1.0.0-a_b",
                                      "1.0.0-a+b+c",
                                      "2147483648.0",
                                      "1.2147483648",
                                      "1.+2",
                                      "1. 2",
                                      "-1.0",
                                      "1.0a",
                                      "1,0",
                                      "1.0.0-a b",
                                      "1.0.0+\xc3\xa9"};
    check_invalid(version_nuget_compare, "nuget", bad, N(bad));
    check_hostile(version_nuget_compare, "nuget");
    struct strata_error err = {0};
    int c;
    assert_int_equal(version_nuget_compare("1.0.0-01", "1.0", &c, &err), STRATA_EFORMAT);
    assert_string_equal(
        err.msg,
        "nuget version \"1.0.0-01\": numeric prerelease label with a leading zero at byte 6");
    /* 64 labels are fine, 65 are refused */
    char v[200] = "1.0.0-a";
    for (int i = 1; i < 64; i++)
        strcat(v, ".a");
    assert_int_equal(version_nuget_compare(v, "1", &c, NULL), 0);
    strcat(v, ".a");
    assert_int_equal(version_nuget_compare(v, "1", &c, NULL), STRATA_EFORMAT);
}

static void test_composer(void **state)
{
    (void)state;
    static const char *const order[] = {
        "1.0.0-Stable1", /* "stable" in another case than lower is an unknown word, lowest */
        "1.0.0-dev",     "1.0.0-alpha", "1.0.0-alpha1", "1.0.0-alpha2-dev",
        "1.0.0-alpha2",  "1.0.0-beta",  "1.0.0-b2",     "1.0.0-beta.3",
        "1.0.0-RC1",     "1.0.0",       "1.0.0-patch1", "1.0.0-p2",
        "1.0.0.1",       "1.0.1",       "1.2",          "1.x-dev",
        "2.0.0-RC1",     "2.0",         "v2.0.1",       "2023-01-01",
        "2023.01.01",    "99999.0",     "20230101"};
    check_sorted(version_composer_compare, order, N(order));
    static const struct pair pairs[] = {
        {"1", "1.0.0.0", 0},  /* normalize pads to four numbers */
        {"v1.0", "1.0.0", 0}, /* v prefix */
        {"V1.0", "1.0", 0},
        {"01.02", "1.2", 0},           /* numbers by value */
        {"1.0.0-rc1", "1.0.0-RC1", 0}, /* rc is RC */
        {"1.0.0rc1", "1.0.0-RC1", 0},  /* the separator is optional */
        {"1.0.0.RC.1", "1.0.0-RC1", 0},
        {"1.0.0-a1", "1.0.0-alpha1", 0},  /* a is alpha */
        {"1.0.0-b1", "1.0.0-beta1", 0},   /* b is beta */
        {"1.0.0-pl1", "1.0.0-patch1", 0}, /* pl and p are patch */
        {"1.0.0-p1", "1.0.0-patch1", 0},
        {"1.0.0-stable", "1.0.0", 0}, /* "stable" drops the rest */
        {"1.0.0-stable-dev", "1.0.0", 0},
        {"1.0.0-STABLE", "1.0.0-dev", -1}, /* ... unless not in lower case: an unknown word */
        {"1.0.0-beta", "1.0.0-beta0", -1}, /* a further number is higher */
        {"1.0.0-beta.1.2", "1.0.0-beta1-2", 0},
        {"1.0.0-beta1", "1.0.0-beta1-dev", 1}, /* -dev is below its version */
        {"1.0.0-dev", "1.0.0-alpha", -1},
        {"1.0.0+build", "1.0.0", 0}, /* build metadata dropped */
        {"1.0.0@dev", "1.0.0", 0},   /* stability flag dropped */
        {"1.0.0-beta@beta", "1.0.0-beta", 0},
        {"1.0.", "1.0", 0}, /* normalize accepts a trailing separator */
        {"1-", "1", 0},
        {"1.x-dev", "1.9999999.9999999.9999999-dev", 0}, /* numeric branches */
        {"1.*-dev", "1.x-dev", 0},
        {"1.2.x-dev", "1.2.9999999.9999999-dev", 0},
        {"1.x-dev", "2.0.0-dev", -1},
        {"2023-01-01", "2023.1.1", -1}, /* date: three numbers vs classical four */
        {"2023-01-01", "2023.01.01.0", -1},
        {"2023-01-01-beta", "2023-01-01", -1},
        {"123456.0", "123456", 1},
        {"1.0.0.0-dev", "1.0-dev", 0},
        {"1.9223372036854775807", "1.0", 1}, /* the largest number PHP reads exactly */
    };
    check_pairs(version_composer_compare, pairs, N(pairs));
    static const char *const bad[] = {"",
                                      "dev-master",
                                      "dev-main",
                                      "DEV-feature",
                                      "master",
                                      "trunk",
                                      "default",
                                      "1.0.0-1",
                                      "1.2.3.4.5",
                                      "1.2.3.4.5-dev",
                                      "1.0+",
                                      "+1",
                                      "1.0.0-gamma",
                                      "x1.0",
                                      "1.x",
                                      "1.0-dev-dev",
                                      "abc",
                                      "1.0 as 2.0",
                                      "1.0,1",
                                      "dev",
                                      "1.0@foo",
                                      "1.0.0-beta1b2",
                                      "9223372036854775807.0",
                                      "123456.99999999999999999999",
                                      "20230101.9223372036854775808"};
    check_invalid(version_composer_compare, "composer", bad, N(bad));
    check_hostile(version_composer_compare, "composer");
    struct strata_error err = {0};
    int c;
    assert_int_equal(version_composer_compare("dev-main", "1.0", &c, &err), STRATA_EFORMAT);
    assert_string_equal(err.msg, "composer version \"dev-main\": a branch name, which Composer "
                                 "does not order");
    memset(&err, 0, sizeof err);
    assert_int_equal(version_composer_compare("1.9223372036854775808", "1.0", &c, &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "above 2^63-1"));
}

static void test_dispatch(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum strata_version_type t;
    } types[] = {{"gem", STRATA_VERSION_GEM},
                 {"nuget", STRATA_VERSION_NUGET},
                 {"composer", STRATA_VERSION_COMPOSER}};
    for (size_t i = 0; i < N(types); i++) {
        enum strata_version_type t;
        assert_int_equal(strata_version_type_parse(types[i].name, &t), 0);
        assert_int_equal(t, types[i].t);
        assert_string_equal(strata_version_type_name(t), types[i].name);
        assert_int_equal(strata_version_validate(t, "1.0", NULL), 0);
        assert_int_equal(strata_version_validate(t, "", NULL), STRATA_EFORMAT);
    }
    int c;
    assert_int_equal(strata_version_compare(STRATA_VERSION_GEM, "1.0.a", "1.0", &c, NULL), 0);
    assert_int_equal(c, -1);
    /* the shared 4096-byte bound is checked before any comparator runs */
    static char huge[5000];
    memset(huge, '1', sizeof huge - 1);
    struct strata_error err = {0};
    assert_int_equal(strata_version_compare(STRATA_VERSION_NUGET, huge, "1.0", &c, &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "nuget version"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gem),
        cmocka_unit_test(test_nuget),
        cmocka_unit_test(test_composer),
        cmocka_unit_test(test_dispatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
