/* Unit tests: the language-ecosystem version comparators (semver, pep440, go, maven) on
 * hand-picked cases from each specification, sorted lists checked pairwise (which checks
 * antisymmetry and transitivity on them), invalid inputs and the safety bounds. The large
 * oracle runs against node-semver and packaging are in tests/e2e/version_lang_oracle.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "strata/error.h"
#include "version/version_internal.h"

#include "version_test_util.h"

static void check_invalid(cmp_fn f, const char *type, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct strata_error err = {0};
        int c = 99;
        if (f(v[i], "1.0.0", &c, &err) != STRATA_EFORMAT)
            fail_msg("%s: accepted as %s", v[i], type);
        if (strstr(err.msg, type) != err.msg || strstr(err.msg, " version ") == NULL)
            fail_msg("%s: message does not name the type and version: %s", v[i], err.msg);
        assert_int_equal(c, 99);
        /* also on the right, and with no error struct at all */
        assert_int_equal(f("1.0.0", v[i], &c, NULL), STRATA_EFORMAT);
    }
}

/* A version longer than the 256-byte bound is refused with a message, whatever it is. */
static void check_too_long(cmp_fn f, const char *prefix)
{
    char big[400];
    size_t n = strlen(prefix);
    memcpy(big, prefix, n);
    while (n < 300) {
        memcpy(big + n, ".1", 2);
        n += 2;
    }
    big[n] = '\0';
    struct strata_error err = {0};
    int c;
    assert_int_equal(f(big, "1.0.0", &c, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "longer than 256 bytes"));
}

static void test_semver(void **state)
{
    (void)state;
    /* SemVer 2.0.0 section 11's example, in order */
    static const char *const spec[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                       "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                                       "1.0.0-rc.1",  "1.0.0",         "2.0.0",
                                       "2.1.0",       "2.1.1"};
    check_sorted(version_semver_compare, spec, N(spec));
    static const struct pair pairs[] = {
        {"1.0.0+build.1", "1.0.0+build.2", 0},               /* build metadata has no precedence */
        {"1.0.0-alpha+001", "1.0.0-alpha", 0},               /* ... also on a prerelease */
        {"v1.2.3", "1.2.3", 0},                              /* one leading v, as node-semver */
        {"=1.2.3", "1.2.3", 0},                              /* the documented "=" extension */
        {"=v1.2.3", "1.2.3", 0},                             /* "=" then "v" */
        {"  1.2.3\t", "1.2.3", 0},                           /* surrounding whitespace trimmed */
        {"1.2.3-9", "1.2.3-10", -1},                         /* numeric identifiers by value */
        {"1.2.3-10", "1.2.3-9a", -1},                        /* numeric below alphanumeric */
        {"1.2.3-0a", "1.2.3-1", 1},                          /* "0a" is alphanumeric */
        {"1.2.3-Alpha", "1.2.3-alpha", -1},                  /* ASCII order, case-sensitive */
        {"1.2.3-a", "1.2.3-a.0", -1},                        /* longer set wins on equal prefix */
        {"1.2.3--", "1.2.3-0", 1},                           /* "-" is a non-numeric identifier */
        {"9007199254740991.0.0", "9007199254740990.9.9", 1}, /* 2^53-1 is allowed */
        {"1.0.0-9007199254740991", "1.0.0-9007199254740990", 1},
        {"1.10.0", "1.9.0", 1},
    };
    check_pairs(version_semver_compare, pairs, N(pairs));
    static const char *const bad[] = {"",
                                      "1",
                                      "1.2",
                                      "1.2.3.4",
                                      "01.2.3",
                                      "1.02.3",
                                      "1.2.03",
                                      "1.2.3-01",
                                      "1.2.3-",
                                      "1.2.3+",
                                      "1.2.3-a..b",
                                      "V1.2.3",
                                      "vv1.2.3",
                                      "1.2.3beta",
                                      "1.2.3-beta!",
                                      "==1.2.3",
                                      "1.2.x",
                                      "-1.2.3",
                                      "1.2.3 4",
                                      "9007199254740992.0.0",
                                      "0.0.99999999999999999",
                                      "1.0.0-9007199254740992",
                                      "1.2.3-\xc3\xa9"};
    check_invalid(version_semver_compare, "semver", bad, N(bad));
    check_too_long(version_semver_compare, "1.0.0-a");
    struct strata_error err = {0};
    int c;
    assert_int_equal(version_semver_compare("1.2", "1.2.0", &c, &err), STRATA_EFORMAT);
    assert_string_equal(err.msg,
                        "semver version \"1.2\": expected '.' after the minor version (at byte 3)");
}

static void test_pep440(void **state)
{
    (void)state;
    /* PEP 440's summary of permitted suffixes and their ordering, plus epochs and locals */
    static const char *const spec[] = {
        "1.0.dev456",    "1.0a1",         "1.0a2.dev456", "1.0a12.dev456",
        "1.0a12",        "1.0b1.dev456",  "1.0b2",        "1.0b2.post345.dev456",
        "1.0b2.post345", "1.0rc1.dev456", "1.0rc1",       "1.0",
        "1.0+abc.5",     "1.0+abc.7",     "1.0+5",        "1.0.post456.dev34",
        "1.0.post456",   "1.0.15",        "1.1.dev1",     "1!0.1",
        "1!1.0"};
    check_sorted(version_pep440_compare, spec, N(spec));
    static const struct pair pairs[] = {
        {"1.0", "1.0.0.0", 0},               /* trailing zeros are insignificant */
        {"1.0.dev0", "1.0a0.dev0", -1},      /* a dev release of the final is below all pre */
        {"1.0a0", "1.0a", 0},                /* implicit pre number 0 */
        {"1.0alpha1", "1.0a1", 0},           /* alternate spellings */
        {"1.0-BETA.2", "1.0b2", 0},          /* case and separators */
        {"1.0c1", "1.0rc1", 0},              /* c = rc */
        {"1.0pre1", "1.0rc1", 0},            /* pre = rc */
        {"1.0preview1", "1.0rc1", 0},        /* preview = rc */
        {"1.0-1", "1.0.post1", 0},           /* implicit post release */
        {"1.0-r1", "1.0.post1", 0},          /* r = rev = post */
        {"1.0rev", "1.0.post0", 0},          /* implicit post number */
        {"1.0a-1", "1.0a1", 0},              /* packaging reads the "-1" as the pre number */
        {"1.0.dev", "1.0.dev0", 0},          /* implicit dev number */
        {"v1.0", "1.0", 0},                  /* leading v */
        {" 1.0\n", "1.0", 0},                /* surrounding whitespace */
        {"0!1.0", "1.0", 0},                 /* explicit epoch 0 */
        {"1!0.1", "2.0", 1},                 /* epoch dominates */
        {"1.0+ubuntu-1", "1.0+ubuntu.1", 0}, /* local separators are equivalent */
        {"1.0+UBUNTU.1", "1.0+ubuntu.1", 0}, /* local is case-insensitive */
        {"1.0+007", "1.0+7", 0},             /* numeric local segments by value */
        {"1.0+a", "1.0+1", -1},              /* numeric local segments above strings */
        {"1.0+1", "1.0+1.0", -1},            /* a longer local wins on equal prefix */
        {"1.0.post0", "1.0", 1},             /* post present beats absent */
        {"1.0.post0.dev0", "1.0", 1},        /* post dev is after the final */
        {"1.0.post0.dev0", "1.0.post0", -1},
        {"123456789012345678901234567890", "123456789012345678901234567889", 1},
        {"01.02", "1.2", 0},
        {"1.0-beta-", "1.0b0", 0}, /* packaging takes a separator with no number after it */
    };
    check_pairs(version_pep440_compare, pairs, N(pairs));
    static const char *const bad[] = {
        "",       "1.",      ".1",  "1..0",  "1.0+",        "1.0+.a",       "1.0+a..b", "1.0-",
        "a1.0",   "1.0b1b1", "1!",  "!1.0",  "1.0.x",       "1.0_1",        "1.0+a-",   "vv1.0",
        "1.0++a", "1.0-1-1", "1,0", "1.0 1", "1.0\xc3\xa9", "1.0.dev1.dev2"};
    check_invalid(version_pep440_compare, "pep440", bad, N(bad));
    check_too_long(version_pep440_compare, "1");
    /* 64 release segments are fine, 65 are refused */
    char v[200] = "1";
    for (int i = 1; i < 64; i++)
        strcat(v, ".1");
    int c;
    assert_int_equal(version_pep440_compare(v, "1", &c, NULL), 0);
    assert_int_equal(c, 1);
    strcat(v, ".1");
    assert_int_equal(version_pep440_compare(v, "1", &c, NULL), STRATA_EFORMAT);
}

static void test_go(void **state)
{
    (void)state;
    static const char *const order[] = {
        "v0.0.0-20191109021931-daa7c04131f5", /* pseudo-version with no base tag */
        "v0.0.0-20200101000000-abcdefabcdef", /* later commit */
        "v0.1.0",
        "v1.2.3-pre",
        "v1.2.3-pre.0.20191109021931-daa7c04131f5", /* pseudo-version after a prerelease */
        "v1.2.3-pre.1",
        "v1.2.3",
        "v1.2.4-0.20191109021931-daa7c04131f5", /* pseudo-version after a release */
        "v1.2.4-alpha",
        "v1.2.4",
        "v1.10.0",
        "v2.0.0+incompatible",
        "v2.0.1",
        "v10.0.0",
        "v99999999999999999999.0.0", /* numbers are unbounded */
    };
    check_sorted(version_go_compare, order, N(order));
    static const struct pair pairs[] = {
        {"v1", "v1.0.0", 0}, /* x/mod shorthands */
        {"v1.2", "v1.2.0", 0},
        {"v1.0.0+incompatible", "v1.0.0", 0},    /* build metadata ignored */
        {"v1.0.0-beta.2", "v1.0.0-beta.11", -1}, /* numeric identifiers by value */
        {"v1.0.0-1", "v1.0.0-a", -1},            /* numeric below alphanumeric */
        {"go1.19.8", "v1.19.8", 0},              /* toolchain form */
        {"go1.21rc2", "v1.21.0-rc.2", 0},        /* as golang.org/x/vuln maps it */
        {"go1.21rc2", "go1.21.0", -1},
        {"go1.21", "go1.21.0", 0},
        {"go1.9beta1", "go1.9rc1", -1},
        {"go1.8-pre3", "v1.8.0-pre.3", 0},
        {"go1", "v1.0.0", 0},
        {"go1.2.2", "go1.10", -1},
        {"1.19.8", "go1.19.8", 0}, /* OSV's form without the v */
        {"1.21.0-0", "go1.21rc1", -1},
    };
    check_pairs(version_go_compare, pairs, N(pairs));
    static const char *const bad[] = {
        "",          "1.2.3.4",   "v1.2.3.4",   "v01.2.3",     "v1.02",        "v1.2-pre",
        "v1.2+meta", "v1.2.3-01", "v1.2.3-",    "v1.2.3-a..b", "v1.2.3+",      "V1.2.3",
        "vx",        "go1.0",     "go1.21.0.1", "go1.21rc",    "go1.21alpha1", "go2",
        "gox",       "latest",    "v1.2.3 ",    "go1.09"};
    check_invalid(version_go_compare, "go", bad, N(bad));
    check_too_long(version_go_compare, "v1.0.0-a");
}

static void test_maven(void **state)
{
    (void)state;
    /* Maven's own ComparableVersionTest lists (3.9 line), each strictly increasing */
    static const char *const qualifiers[] = {"1-alpha2snapshot",
                                             "1-alpha2",
                                             "1-alpha-123",
                                             "1-beta-2",
                                             "1-beta123",
                                             "1-m2",
                                             "1-m11",
                                             "1-rc",
                                             "1-cr2",
                                             "1-rc123",
                                             "1-SNAPSHOT",
                                             "1",
                                             "1-sp",
                                             "1-sp2",
                                             "1-sp123",
                                             "1-abc",
                                             "1-def",
                                             "1-pom-1",
                                             "1-1-snapshot",
                                             "1-1",
                                             "1-2",
                                             "1-123"};
    check_sorted(version_maven_compare, qualifiers, N(qualifiers));
    static const char *const numbers[] = {"2.0",    "2.0.a", "2-1",    "2.0.2", "2.0.123", "2.1.0",
                                          "2.1-a",  "2.1b",  "2.1-c",  "2.1-1", "2.1.0.1", "2.2",
                                          "2.123",  "11.a2", "11.a11", "11.b2", "11.b11",  "11.m2",
                                          "11.m11", "11",    "11.a",   "11b",   "11c",     "11m"};
    check_sorted(version_maven_compare, numbers, N(numbers));
    static const struct pair pairs[] = {
        {"1", "1.0.0", 0}, /* trailing zeros trimmed */
        {"1", "1-0", 0},
        {"1a", "1.0.0-a", 0}, /* digit/letter transition is a separator */
        {"1x", "1-x", 0},
        {"1cr", "1rc", 0},         /* cr = rc */
        {"1a1", "1-alpha-1", 0},   /* a/b/m before a digit */
        {"1m3", "1MILESTONE3", 0}, /* case-insensitive */
        {"1ga", "1", 0},           /* release aliases */
        {"1release", "1", 0},
        {"1FINAL", "1", 0},
        {"1-a", "1", 1},           /* a alone is an unknown qualifier, above release */
        {"2-abc", "2.0.0.abc", 0}, /* MNG-7644 */
        {"1.0.0.rc1", "1.0.0-rc2", -1},
        {"1-0.alpha", "1", -1},                                /* MNG-6964 */
        {"6.1.0rc3", "6.1H.5-beta", -1},                       /* MNG-5568 */
        {"1234567890.12345", "123456789012345.1H.5-beta", -1}, /* MNG-6572 */
        {"0000000000000000001", "1", 0},
        {"1.0000000000.1", "1.0.1", 1}, /* a 10-digit zero is a long item, above int 0 */
        {"7", "J", 1},
        {"aardvark", "zebra", -1},
        {"1.0-SNAPSHOT", "1.0", -1},
        {"1.0-alpha-1-SNAPSHOT", "1.0-alpha-1", -1},
    };
    check_pairs(version_maven_compare, pairs, N(pairs));
    static const char *const bad[] = {"", "1.0 beta", "1.0\t", "1.0-\xc3\xa9", "1\x01"};
    check_invalid(version_maven_compare, "maven", bad, N(bad));
    check_too_long(version_maven_compare, "1");
    /* 65 items are refused */
    char v[200] = "1";
    for (int i = 1; i < 65; i++)
        strcat(v, ".1");
    int c;
    assert_int_equal(version_maven_compare(v, "1", &c, NULL), STRATA_EFORMAT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_semver),
        cmocka_unit_test(test_pep440),
        cmocka_unit_test(test_go),
        cmocka_unit_test(test_maven),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
