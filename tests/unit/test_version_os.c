/* Unit tests: the OS package version comparators (deb, apk, rpm) and the dispatcher, on
 * hand-picked edge cases, sorted lists checked pairwise in both directions (antisymmetry and
 * transitivity on them), invalid inputs with their messages, and the bounds. The oracle runs
 * against dpkg and rpm themselves are in tests/e2e/version_oracle.sh. */
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

struct bad {
    const char *v;
    const char *msg; /* the whole expected message */
};

/* Refused on either side, with the exact message, and *cmp left alone. */
static void check_bad(cmp_fn f, const char *good, const struct bad *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (int side = 0; side < 2; side++) {
            struct strata_error err = {0};
            int c = 99;
            int rc = side == 0 ? f(b[i].v, good, &c, &err) : f(good, b[i].v, &c, &err);
            if (rc != STRATA_EFORMAT)
                fail_msg("'%s' (side %d): rc %d, want STRATA_EFORMAT", b[i].v, side, rc);
            assert_int_equal(err.code, STRATA_EFORMAT);
            assert_string_equal(err.msg, b[i].msg);
            assert_int_equal(c, 99);
        }
    }
}

static void test_deb(void **state)
{
    (void)state;
    static const struct pair pairs[] = {
        {"1.0", "1.0", 0},
        {"1.0", "1.00", 0},       /* digit runs compare as numbers */
        {"01.0", "1.0", 0},       /* leading zeros are dropped */
        {"0:1.0", "1.0", 0},      /* missing epoch is 0 */
        {"+1:1.0", "1:1.0", 0},   /* dpkg reads the epoch with strtol */
        {"-0:1.0", "1.0", 0},     /* "-0" is not negative */
        {"1.0-0", "1.0", 0},      /* empty revision sorts like "0" */
        {"1.0-00", "1.0-0", 0},   /* ... and numerically */
        {" 1.0", "1.0", 0},       /* leading blanks are trimmed */
        {"1.0\n", "1.0", 0},      /* as is trailing white space */
        {"1.0\t \r\n", "1.0", 0}, /* of any kind */
        {"1:0.1", "0:9.9", 1},    /* the epoch comes first */
        {"2:1.0", "10:0.1", -1},  /* epochs are numbers */
        {"1.0~rc1", "1.0", -1},   /* '~' sorts before the end */
        {"1.0~~", "1.0~", -1},    /* ... even before another '~' run's end */
        {"1.0~", "1.0", -1},      /* a bare '~' too */
        {"1.0", "1.0a", -1},      /* the end sorts before a letter */
        {"1.0a", "1.0+", -1},     /* letters before non-letters */
        {"1.0Z", "1.0a", -1},     /* letters by ASCII: upper case first */
        {"1.0+", "1.0.", -1},     /* other bytes by ASCII */
        {"1.0.", "1.0.1", -1},    /* a further digit run wins */
        {"1.01", "1.1", 0},       /* 01 = 1 */
        {"1.10", "1.9", 1},       /* numbers, not strings */
        {"1.001", "1.01", 0},     /* any number of leading zeros */
        {"7.6p1-4", "7.6-4", 1},  /* "p1" after 6 makes it newer */
        {"1.2.3-1~bpo12+1", "1.2.3-1", -1},
        {"1.2.3+dfsg-1", "1.2.3-1", 1},
        {"2.0-1ubuntu1", "2.0-1build1", 1},
        {"2.0-1", "2.0-1ubuntu1", -1},
        {"1:1:1", "1:1.1", 1},       /* upstream may contain colons, and ':' > '.' */
        {"1.0-a-b", "1.0-a-a", 1},   /* the revision follows the *last* hyphen */
        {"1.0-a-b", "1.0-b", 1},     /* upstream "1.0-a" > "1.0" */
        {"a", "1", 1},               /* dpkg warns but compares: 'a' > the digit's start */
        {"1_0", "1.0", 1},           /* '_' > '.' */
        {"1.0\xc3\xa9", "1.0z", 1},  /* bytes >= 0x80 after letters (signed char) ... */
        {"1.0\xc3\xa9", "1.0+", -1}, /* ... and before ASCII punctuation */
        {"2147483647:1", "1:9", 1},  /* the largest epoch */
        {"1.99999999999999999999999", "1.100000000000000000000000", -1}, /* no overflow */
        {"1.000000000000000000000000000001", "1.1", 0},
    };
    check_pairs(version_deb_compare, pairs, N(pairs));

    static const char *const sorted[] = {
        "0~",       "0",       "0a",      "0+",       "0.1",     "1.0~~", "1.0~~a",
        "1.0~",     "1.0~rc1", "1.0~rc2", "1.0",      "1.0-0.1", "1.0-1", "1.0-1ubuntu1",
        "1.0-1+b1", "1.0-2",   "1.0a",    "1.0+dfsg", "1.0.1",   "1.1",   "1.10",
        "2",        "10",      "1:0",     "1:0.1",    "2:0",     "10:0",
    };
    check_sorted(version_deb_compare, sorted, N(sorted));
}

static void test_deb_invalid(void **state)
{
    (void)state;
    /* Exactly dpkg's hard errors, in dpkg's words. */
    static const struct bad bad[] = {
        {"", "deb version \"\": version string is empty"},
        {" \t", "deb version \" \\x09\": version string is empty"},
        {"1 0", "deb version \"1 0\": version string has embedded spaces"},
        {"1.0 a", "deb version \"1.0 a\": version string has embedded spaces"},
        {":1", "deb version \":1\": epoch in version is empty"},
        {"a:1", "deb version \"a:1\": epoch in version is empty"},
        {"+:1", "deb version \"+:1\": epoch in version is empty"},
        {"1.0:1", "deb version \"1.0:1\": epoch in version is not number"},
        {"1a:1", "deb version \"1a:1\": epoch in version is not number"},
        {"-1:1", "deb version \"-1:1\": epoch in version is negative"},
        {"-99999999999999999999:1", "deb version \"-99999999999999999999:1\": epoch in version "
                                    "is negative"},
        {"2147483648:1", "deb version \"2147483648:1\": epoch in version is too big"},
        {"99999999999999999999999:1", "deb version \"99999999999999999999999:1\": epoch in "
                                      "version is too big"},
        {"1:", "deb version \"1:\": nothing after colon in version number"},
        {"1: ", "deb version \"1: \": version number is empty"},
        {"1.0-", "deb version \"1.0-\": revision number is empty"},
        {"-", "deb version \"-\": revision number is empty"},
        {"-1", "deb version \"-1\": version number is empty"},
        {"1:-1", "deb version \"1:-1\": version number is empty"},
    };
    check_bad(version_deb_compare, "1.0", bad, N(bad));
}

static void test_apk(void **state)
{
    (void)state;
    static const struct pair pairs[] = {
        {"1.0", "1.0", 0},
        {"01", "1", 0},      /* the first number ignores leading zeros */
        {"006", "1.0.0", 1}, /* ... numerically */
        {"1.0", "1.00", -1}, /* later parts with a leading zero compare as strings */
        {"1.05", "1.1", -1},
        {"1.09", "1.1", -1},
        {"1.10", "1.01", 1},
        {"1.2.10", "1.2.9", 1}, /* otherwise numerically */
        /* apk-tools 2.x forms found in real Alpine secdb fixes (opensmtpd, phpmyadmin,
         * mariadb): digits after a letter, a '.' with no digits (worth 0) */
        {"6.6.1p1-r1", "6.6.2p1-r0", -1},
        {"6.6.2p1-r0", "6.6.2p1-r0", 0},
        {"6.6.2p2", "6.6.2p10", -1},
        {"4.7.9-r0", "4.8.0.-r1", -1},
        {"4.8.0.-r1", "4.8.0-r1", 1},
        {"4.8.0.-r1", "4.8.0.0-r1", 0},
        {"10.2.26.r0", "10.2.26-r0", 1},
        {"10.2.25-r0", "10.2.26.r0", -1},
        {"1.0a", "1.0a1", -1},
        {"1.0", "1.0.0", -1},   /* more parts is newer */
        {"1.2", "1.2a", -1},    /* a letter is newer than none */
        {"1.2a", "1.2.1", -1},  /* ... older than a further part */
        {"1.0_rc1", "1.0", -1}, /* pre-release suffixes */
        {"1.0_alpha", "1.0_beta", -1},
        {"1.0_pre", "1.0_rc", -1},
        {"1.0", "1.0_cvs", -1}, /* post-release suffixes */
        {"1.0_hg", "1.0_p", -1},
        {"1.0_rc", "1.0_rc1", -1}, /* a suffix number is newer than none */
        {"1.0_rc9", "1.0_rc10", -1},
        {"1.0_alpha_pre2", "1.0_alpha", -1}, /* a further pre-release suffix is older */
        {"1.0_p1_p1", "1.0_p1", 1},
        {"1.0_p1", "1.0.1", -1},
        {"1.0", "1.0-r0", -1}, /* -r0 is a revision */
        {"1.0-r9", "1.0-r10", -1},
        {"1.0_rc1-r5", "1.0-r0", -1},
        {"1.0~abc", "1.0~abd", -1}, /* hashes compare as strings */
        {"1.0~abc", "1.0", 1},
        {"1.0~abc", "1.0-r1", 1},
        {"1.0~abc-r1", "1.0~abc", 1},
        {"1.99999999999999999999", "1.100000000000000000000", -1}, /* exact, no wrap */
        {"18446744073709551617", "1", 1},                          /* 2^64 + 1 */
    };
    check_pairs(version_apk_compare, pairs, N(pairs));
    static const char *const sorted[] = {
        "0.9",     "1",       "1.0_alpha",  "1.0_alpha1", "1.0_beta", "1.0_pre",
        "1.0_rc",  "1.0_rc1", "1.0_rc2-r1", "1.0",        "1.0-r1",   "1.0~beef",
        "1.0_cvs", "1.0_svn", "1.0_git",    "1.0_hg",     "1.0_p",    "1.0_p1",
        "1.0a",    "1.0b",    "1.0.0",      "1.00",       "1.01",     "1.05",
        "1.1",     "1.2",     "1.10",       "2",          "10",
    };
    check_sorted(version_apk_compare, sorted, N(sorted));
}

static void test_apk_invalid(void **state)
{
    (void)state;
    static const struct bad bad[] = {
        {"", "apk version \"\": empty"},
        {"a1", "apk version \"a1\": offset 0: must start with a digit"},
        {".1", "apk version \".1\": offset 0: must start with a digit"},
        {"1.0ab", "apk version \"1.0ab\": offset 4: a letter may only follow a number"},
        {"1.0A", "apk version \"1.0A\": offset 3: unexpected character"},
        {"1.0_rc1a", "apk version \"1.0_rc1a\": offset 7: a letter may only follow a number"},
        {"1.0_foo", "apk version \"1.0_foo\": offset 7: unknown suffix (alpha, beta, pre, rc, "
                    "cvs, svn, git, hg, p)"},
        {"1.0_", "apk version \"1.0_\": offset 4: unknown suffix (alpha, beta, pre, rc, cvs, "
                 "svn, git, hg, p)"},
        {"1.0_rc1.2", "apk version \"1.0_rc1.2\": offset 7: '.' may only follow a number"},
        {"1.0-1", "apk version \"1.0-1\": offset 3: '-' must start a revision: -rN"},
        {"1.0-r", "apk version \"1.0-r\": offset 5: '-r' must be followed by digits"},
        {"1.0-rc1", "apk version \"1.0-rc1\": offset 5: '-r' must be followed by digits"},
        {"1.0-r1-r2", "apk version \"1.0-r1-r2\": offset 6: only one -r revision is allowed"},
        {"1.0-r1_p1", "apk version \"1.0-r1_p1\": offset 6: a '_' suffix may not follow a ~hash "
                      "or -r revision"},
        {"1.0~", "apk version \"1.0~\": offset 4: '~' must be followed by lower-case hex "
                 "digits"},
        {"1.0~ABC", "apk version \"1.0~ABC\": offset 4: '~' must be followed by lower-case hex "
                    "digits"},
        {"1.0~ab~cd", "apk version \"1.0~ab~cd\": offset 6: '~' may appear once, before any -r "
                      "revision"},
        {"1.0 ", "apk version \"1.0 \": offset 3: unexpected character"},
    };
    check_bad(version_apk_compare, "1.0", bad, N(bad));
}

static void test_rpm(void **state)
{
    (void)state;
    static const struct pair pairs[] = {
        {"1.0", "1.0", 0},
        {"1.0", "1_0", 0}, /* separators only separate */
        {"1..0", "1.0", 0},
        {"1.0", "1.0.", 0},
        {"1.01", "1.1", 0}, /* numbers, leading zeros dropped */
        {"10", "9", 1},
        {"1.0", "1.0.0", -1},   /* more segments is newer */
        {"1.0a", "1.0", 1},     /* ... whatever their kind */
        {"1.0.a", "1.0.1", -1}, /* digits are newer than letters */
        {"A", "a", -1},         /* letters by ASCII */
        {"1.0~rc1", "1.0", -1}, /* '~' before the end */
        {"1.0~", "1.0", -1},
        {"1.0~rc1", "1.0~rc2", -1},
        {"1.0^git1", "1.0", 1},    /* '^' after the end ... */
        {"1.0^git1", "1.0.1", -1}, /* ... before a further segment */
        {"1.0^git1", "1.0~rc1", 1},
        {"1.0~rc1^git1", "1.0~rc1", 1},
        {"1.0^", "1.0", 1},
        {"1:1.0", "2.0", 1}, /* epoch first */
        {"0:1.0", "1.0", 0}, /* missing epoch is 0 */
        {":1.0", "1.0", 0},  /* ... and so is an empty one */
        {"00:1.0", "0:1.0", 0},
        {"a:1", "1", -1},       /* no epoch: version "a:1"; letters are older than digits */
        {"1.0-1", "1.0-2", -1}, /* release after version */
        {"1-2-3", "1-2-4", -1}, /* release after the last '-' */
        {"1.0", "1.0-1", -1},   /* a release is newer than none (rpmverCmp) */
        {"1.0-", "1.0", 1},     /* ... even an empty one */
        {"2.0", "1.0-9", 1},
        {"1.0\xc3\xa9", "1.0", 0}, /* non-ASCII bytes are separators */
        {"1.99999999999999999999", "1.100000000000000000000", -1},
    };
    check_pairs(version_rpm_compare, pairs, N(pairs));
    static const char *const sorted[] = {
        "0.9",   "1.0~~",     "1.0~rc1", "1.0~rc1^1", "1.0~rc2",  "1.0",
        "1.0-1", "1.0-1.el9", "1.0-2",   "1.0^git1",  "1.0^git2", "1.0a",
        "1.0.1", "1.1",       "1.10",    "2",         "1:0.1",
    };
    check_sorted(version_rpm_compare, sorted, N(sorted));
}

static void test_rpm_invalid(void **state)
{
    (void)state;
    static const struct bad bad[] = {
        {"", "rpm version \"\": empty"},
        {"1 0", "rpm version \"1 0\": offset 1: white space or control byte"},
        {"1.0\t", "rpm version \"1.0\\x09\": offset 3: white space or control byte"},
        {"1\x1b[31m", "rpm version \"1\\x1b[31m\": offset 1: white space or control byte"},
        {"1.0\x7f", "rpm version \"1.0\\x7f\": offset 3: white space or control byte"},
    };
    check_bad(version_rpm_compare, "1.0", bad, N(bad));
}

static void test_dispatch(void **state)
{
    (void)state;
    static const char *const names[] = {"deb", "apk", "rpm", "semver", "pep440", "go", "maven"};
    for (size_t i = 0; i < N(names); i++) {
        enum strata_version_type t;
        assert_int_equal(strata_version_type_parse(names[i], &t), 0);
        assert_string_equal(strata_version_type_name(t), names[i]);
    }
    enum strata_version_type t = STRATA_VERSION_DEB;
    assert_int_equal(strata_version_type_parse("npm", &t), STRATA_EUSAGE);
    assert_int_equal(strata_version_type_parse("DEB", &t), STRATA_EUSAGE);
    assert_int_equal(strata_version_type_parse(NULL, &t), STRATA_EUSAGE);
    assert_string_equal(strata_version_type_name((enum strata_version_type)99), "unknown");

    struct strata_error err = {0};
    int c = 99;
    assert_int_equal(strata_version_compare(STRATA_VERSION_DEB, "1:1.0", "2.0", &c, &err), 0);
    assert_int_equal(c, 1);
    assert_int_equal(strata_version_compare(STRATA_VERSION_APK, "1.0_rc1", "1.0", &c, &err), 0);
    assert_int_equal(c, -1);
    assert_int_equal(strata_version_compare(STRATA_VERSION_RPM, "1.0", "1.0.", &c, &err), 0);
    assert_int_equal(c, 0);
    assert_int_equal(strata_version_compare((enum strata_version_type)99, "1", "1", &c, &err),
                     STRATA_EUSAGE);
    assert_int_equal(strata_version_compare(STRATA_VERSION_DEB, NULL, "1", &c, &err),
                     STRATA_EUSAGE);

    assert_int_equal(strata_version_validate(STRATA_VERSION_DEB, "1:2.3-4", &err), 0);
    assert_int_equal(strata_version_validate(STRATA_VERSION_DEB, "1:", &err), STRATA_EFORMAT);
    assert_string_equal(err.msg, "deb version \"1:\": nothing after colon in version number");
    assert_int_equal(strata_version_validate(STRATA_VERSION_APK, "1.0-r1", &err), 0);
    assert_int_equal(strata_version_validate(STRATA_VERSION_APK, "1.0-1", &err), STRATA_EFORMAT);
    assert_int_equal(strata_version_validate(STRATA_VERSION_RPM, "", &err), STRATA_EFORMAT);
    /* NULL err is allowed. */
    assert_int_equal(strata_version_validate(STRATA_VERSION_DEB, "", NULL), STRATA_EFORMAT);
    assert_int_equal(version_apk_compare("x", "1", &c, NULL), STRATA_EFORMAT);
}

/* The length bound, for every type, and messages that stay printable and short. */
static void test_bounds(void **state)
{
    (void)state;
    static char big[4098], max[4097], max2[4097];
    memset(big, '1', sizeof big - 1);
    memset(max, '1', sizeof max - 1);
    memcpy(max2, max, sizeof max2);
    max2[4095] = '2';
    for (int t = STRATA_VERSION_DEB; t <= STRATA_VERSION_MAVEN; t++) {
        struct strata_error err = {0};
        int c = 99;
        int rc = strata_version_compare((enum strata_version_type)t, big, "1", &c, &err);
        assert_int_equal(rc, STRATA_EFORMAT);
        assert_non_null(strstr(err.msg, "...\": longer than 4096 bytes"));
        assert_true(strlen(err.msg) < 200);
    }
    cmp_fn fns[] = {version_deb_compare, version_apk_compare, version_rpm_compare};
    for (size_t i = 0; i < N(fns); i++) {
        struct strata_error err = {0};
        int c = 99;
        /* The per-type functions hold the bound themselves too. */
        assert_int_equal(fns[i](big, "1", &c, &err), STRATA_EFORMAT);
        /* 4096 bytes are fine, and 4096-digit numbers compare exactly. */
        assert_int_equal(fns[i](max, max2, &c, &err), 0);
        assert_int_equal(c, -1);
        assert_int_equal(fns[i](max, max, &c, &err), 0);
        assert_int_equal(c, 0);
    }
    /* A hostile version is quoted with escapes: no raw control byte reaches a message. */
    struct strata_error err = {0};
    int c;
    assert_int_equal(version_apk_compare("1\x1b]0;pwned\a", "1", &c, &err), STRATA_EFORMAT);
    for (const char *p = err.msg; *p; p++)
        assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
    assert_non_null(strstr(err.msg, "\"1\\x1b]0;pwned\\x07\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deb),      cmocka_unit_test(test_deb_invalid),
        cmocka_unit_test(test_apk),      cmocka_unit_test(test_apk_invalid),
        cmocka_unit_test(test_rpm),      cmocka_unit_test(test_rpm_invalid),
        cmocka_unit_test(test_dispatch), cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
