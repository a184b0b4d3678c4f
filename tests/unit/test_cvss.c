/* Unit tests: CVSS v3.0/v3.1 base scores against the worked examples published by FIRST
 * ("CVSS v3.1: Examples", each with its vector and base score), the qualitative rating scale,
 * both Roundup definitions, invalid vectors with their messages, and a property test over all
 * 2,592 base-metric combinations (range, one decimal, monotonicity, 3.0 == 3.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "strata/error.h"
#include "vulndb/cvss.h"

struct example {
    const char *what;
    const char *vector; /* the base metrics, without the "CVSS:3.x/" prefix */
    double score;
};

/* FIRST, Common Vulnerability Scoring System v3.1: Examples (and the v3.0 examples document,
 * whose base scores are unchanged in 3.1). */
static const struct example examples[] = {
    {"CVE-2013-1937 phpMyAdmin reflected XSS", "AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
    {"CVE-2013-0375 MySQL stored SQL injection", "AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4},
    {"CVE-2014-3566 SSLv3 POODLE", "AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1},
    {"CVE-2012-1516 VMware guest to host escape", "AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9},
    {"CVE-2009-0783 Apache Tomcat XML parser", "AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2},
    {"CVE-2012-0384 Cisco IOS command execution", "AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8},
    {"CVE-2015-1098 Apple iWork denial of service", "AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8},
    {"CVE-2014-0160 OpenSSL Heartbleed", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5},
    {"CVE-2014-6271 GNU Bash Shellshock", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
    {"CVE-2008-1447 DNS Kaminsky bug", "AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8},
    {"CVE-2014-2005 Sophos login screen bypass", "AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8},
    {"CVE-2010-0467 Joomla directory traversal", "AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8},
    {"CVE-2012-1342 Cisco access control bypass", "AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 5.8},
    {"CVE-2013-6014 Juniper proxy ARP DoS", "AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 9.3},
    {"CVE-2014-9253 DokuWiki reflected XSS", "AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4},
    {"CVE-2009-0658 Adobe Acrobat buffer overflow", "AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8},
    {"CVE-2011-1265 Windows Bluetooth RCE", "AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8},
    {"CVE-2014-2019 Apple iOS security bypass", "AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 4.6},
    {"CVE-2015-0970 SearchBlox CSRF", "AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8},
    {"CVE-2014-0224 OpenSSL CCS injection", "AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4},
    {"CVE-2012-5376 Chrome sandbox bypass", "AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6},
    {"CVE-2016-0128 Windows Badlock", "AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:N", 6.8},
    {"CVE-2016-2118 Samba Badlock", "AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.5},
    {"CVE-2016-5729 Lenovo BIOS privilege escalation", "AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 8.2},
    {"CVE-2018-3652 Intel DCI debug access", "AV:P/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 7.6},
    {"no impact at all", "AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0},
    {"scope changed, capped at 10", "AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
    {"lowest non-zero", "AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6},
};

static double score_of(const char *vector)
{
    struct strata_error err = {0};
    double s = -1;
    int rc = cvss3_base_score(vector, &s, &err);
    if (rc != 0)
        fail_msg("%s: unexpected error %d: %s", vector, rc, err.msg);
    return s;
}

static void assert_score(const char *what, const char *vector, double got, double want)
{
    if (got < want - 1e-9 || got > want + 1e-9)
        fail_msg("%s: %s: got %.6f, want %.1f", what, vector, got, want);
}

static void test_published_examples(void **state)
{
    (void)state;
    char buf[128];
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        snprintf(buf, sizeof buf, "CVSS:3.1/%s", examples[i].vector);
        assert_score(examples[i].what, buf, score_of(buf), examples[i].score);
        snprintf(buf, sizeof buf, "CVSS:3.0/%s", examples[i].vector);
        assert_score(examples[i].what, buf, score_of(buf), examples[i].score);
    }
}

static void test_temporal_environmental_ignored(void **state)
{
    (void)state;
    /* the examples document's CVE-2013-1937 with temporal metrics; base score unchanged */
    assert_score("temporal", "",
                 score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RL:W/RC:C"), 6.1);
    /* any order, every environmental metric once */
    assert_score("environmental", "",
                 score_of("CVSS:3.1/A:N/I:L/C:L/S:C/UI:R/PR:N/AC:L/AV:N/E:X/RL:U/RC:R/CR:H/IR:M/"
                          "AR:L/MAV:P/MAC:H/MPR:H/MUI:R/MS:U/MC:N/MI:N/MA:N"),
                 6.1);
}

static void test_severity(void **state)
{
    (void)state;
    assert_string_equal(cvss3_severity(0.0), "NONE");
    assert_string_equal(cvss3_severity(0.1), "LOW");
    assert_string_equal(cvss3_severity(3.9), "LOW");
    assert_string_equal(cvss3_severity(4.0), "MEDIUM");
    assert_string_equal(cvss3_severity(6.9), "MEDIUM");
    assert_string_equal(cvss3_severity(7.0), "HIGH");
    assert_string_equal(cvss3_severity(8.9), "HIGH");
    assert_string_equal(cvss3_severity(9.0), "CRITICAL");
    assert_string_equal(cvss3_severity(10.0), "CRITICAL");
    assert_string_equal(cvss3_severity(-0.1), "UNKNOWN");
    assert_string_equal(cvss3_severity(10.1), "UNKNOWN");
    assert_string_equal(cvss3_severity(0.0 / 0.0), "UNKNOWN");
}

static void test_roundup(void **state)
{
    (void)state;
    /* the specification's own examples: Roundup(4.02) = 4.1, Roundup(4.00) = 4.0 */
    assert_score("3.1", "4.02", cvss31_roundup(4.02), 4.1);
    assert_score("3.1", "4.00", cvss31_roundup(4.00), 4.0);
    assert_score("3.0", "4.02", cvss30_roundup(4.02), 4.1);
    assert_score("3.0", "4.00", cvss30_roundup(4.00), 4.0);
    /* Appendix A's motivation: a value a hair above a tenth because of binary floating point
     * (0.1 + 0.2 = 0.30000000000000004) stays at that tenth in 3.1, not in 3.0 */
    assert_score("3.1", "0.1+0.2", cvss31_roundup(0.1 + 0.2), 0.3);
    assert_score("3.0", "0.1+0.2", cvss30_roundup(0.1 + 0.2), 0.4);
    assert_score("3.1", "0", cvss31_roundup(0.0), 0.0);
    assert_score("3.1", "9.99999", cvss31_roundup(9.99999), 10.0);
}

struct bad {
    const char *vector;
    const char *msg; /* expected substring, after "CVSS vector '<vector>': " */
};

static void test_invalid(void **state)
{
    (void)state;
    static const struct bad bad[] = {
        {"", "position 1: does not start with 'CVSS:3.0/' or 'CVSS:3.1/'"},
        {"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "position 1: does not start with"},
        {"CVSS:2.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "position 1: does not start with"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
         "position 1: does not start with"},
        {"cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "position 1: does not start with"},
        {"CVSS:3.1/", "position 10: empty metric (trailing '/')"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "position 41: base metric A missing"},
        {"CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H", "base metric PR missing"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "position 46: empty metric"},
        {"CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "position 15: empty metric ('//')"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N", "position 46: metric AV given twice"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/E:F",
         "position 50: metric E given twice"},
        {"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
         "position 13: invalid value for AV (want N, A, L or P)"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:U/A:U", "position 40: invalid value for I"},
        {"CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "position 13: invalid value for AV"},
        {"CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "position 13: invalid value for AV"},
        {"CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "position 13: invalid value for AV"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:Z", "position 48: invalid value for E"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:Q", "position 46: unknown metric 'ZZ'"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/Au:N", "position 46: unknown metric 'Au'"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A", "position 42: 'A' is not METRIC:VALUE"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ", "position 44: invalid value for A"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n", "position 44: invalid value for A"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct strata_error err = {0};
        double s = 42;
        int rc = cvss3_base_score(bad[i].vector, &s, &err);
        if (rc != STRATA_EFORMAT)
            fail_msg("'%s': got %d, want STRATA_EFORMAT (%s)", bad[i].vector, rc, err.msg);
        assert_true(s == 42);
        if (strncmp(err.msg, "CVSS vector '", 13) != 0 || strstr(err.msg, bad[i].msg) == NULL)
            fail_msg("'%s': message '%s' lacks '%s'", bad[i].vector, err.msg, bad[i].msg);
    }

    /* the message quotes the vector, with control bytes made harmless */
    struct strata_error err = {0};
    double s;
    assert_int_equal(cvss3_base_score("CVSS:3.1/AV:N/A\x1b[2J:H", &s, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "'CVSS:3.1/AV:N/A?[2J:H'"));
    assert_int_equal(cvss3_base_score(NULL, &s, &err), STRATA_EFORMAT);

    /* a bounded length */
    char big[600];
    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big, "CVSS:3.1/", 9);
    assert_int_equal(cvss3_base_score(big, &s, &err), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "longer than 256 bytes"));
    assert_true(strlen(err.msg) < 200);
}

/* The property test: every base-metric combination, in the order of increasing severity of
 * each metric's value (AV P<L<A<N, AC H<L, PR H<L<N, UI R<N, C/I/A N<L<H). */
static const char *const order[8] = {"PLAN", "HL", "HLN", "RN", "UC", "NLH", "NLH", "NLH"};
static const char *const names[8] = {"AV", "AC", "PR", "UI", "S", "C", "I", "A"};

static void make_vector(char *buf, size_t cap, const char *ver, const int idx[8])
{
    size_t n = (size_t)snprintf(buf, cap, "CVSS:%s", ver);
    for (int m = 0; m < 8; m++)
        n += (size_t)snprintf(buf + n, cap - n, "/%s:%c", names[m], order[m][idx[m]]);
}

static void test_all_combinations(void **state)
{
    (void)state;
    static double score[4][2][3][2][2][3][3][3];
    int idx[8];
    size_t count = 0, changed_differs = 0;
    char buf[128];
    for (idx[0] = 0; idx[0] < 4; idx[0]++)
        for (idx[1] = 0; idx[1] < 2; idx[1]++)
            for (idx[2] = 0; idx[2] < 3; idx[2]++)
                for (idx[3] = 0; idx[3] < 2; idx[3]++)
                    for (idx[4] = 0; idx[4] < 2; idx[4]++)
                        for (idx[5] = 0; idx[5] < 3; idx[5]++)
                            for (idx[6] = 0; idx[6] < 3; idx[6]++)
                                for (idx[7] = 0; idx[7] < 3; idx[7]++) {
                                    make_vector(buf, sizeof buf, "3.1", idx);
                                    double s = score_of(buf);
                                    if (!(s >= 0.0 && s <= 10.0))
                                        fail_msg("%s: %f out of range", buf, s);
                                    double tenths = s * 10.0;
                                    long long t = (long long)(tenths + 0.5);
                                    if (tenths - (double)t > 1e-9 || (double)t - tenths > 1e-9)
                                        fail_msg("%s: %.10f has more than one decimal", buf, s);
                                    bool no_impact = idx[5] == 0 && idx[6] == 0 && idx[7] == 0;
                                    if ((s == 0.0) != no_impact)
                                        fail_msg("%s: %.1f but impact is %s", buf, s,
                                                 no_impact ? "none" : "some");
                                    make_vector(buf, sizeof buf, "3.0", idx);
                                    double s30 = score_of(buf);
                                    if (s30 != s)
                                        changed_differs++;
                                    score[idx[0]][idx[1]][idx[2]][idx[3]][idx[4]][idx[5]][idx[6]]
                                         [idx[7]] = s;
                                    count++;
                                }
    assert_int_equal(count, 2592);
    assert_int_equal(changed_differs, 0); /* 3.0 and 3.1 Roundup agree on every base score */

    /* monotonicity: raising one metric (other than S) one step never lowers the score */
    size_t checked = 0;
    for (idx[0] = 0; idx[0] < 4; idx[0]++)
        for (idx[1] = 0; idx[1] < 2; idx[1]++)
            for (idx[2] = 0; idx[2] < 3; idx[2]++)
                for (idx[3] = 0; idx[3] < 2; idx[3]++)
                    for (idx[4] = 0; idx[4] < 2; idx[4]++)
                        for (idx[5] = 0; idx[5] < 3; idx[5]++)
                            for (idx[6] = 0; idx[6] < 3; idx[6]++)
                                for (idx[7] = 0; idx[7] < 3; idx[7]++) {
                                    double s = score[idx[0]][idx[1]][idx[2]][idx[3]][idx[4]][idx[5]]
                                                    [idx[6]][idx[7]];
                                    for (int m = 0; m < 8; m++) {
                                        if (m == 4 || idx[m] + 1 >= (int)strlen(order[m]))
                                            continue;
                                        int up[8];
                                        memcpy(up, idx, sizeof up);
                                        up[m]++;
                                        double u = score[up[0]][up[1]][up[2]][up[3]][up[4]][up[5]]
                                                        [up[6]][up[7]];
                                        checked++;
                                        if (u < s) {
                                            make_vector(buf, sizeof buf, "3.1", idx);
                                            fail_msg("%s = %.1f, but raising %s gives %.1f", buf, s,
                                                     names[m], u);
                                        }
                                    }
                                }
    assert_true(checked > 5000);
    /* the extremes of the space */
    assert_true(score[3][1][2][1][1][2][2][2] == 10.0);
    assert_true(score[3][1][2][1][0][2][2][2] == 9.8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_examples),
        cmocka_unit_test(test_temporal_environmental_ignored),
        cmocka_unit_test(test_severity),
        cmocka_unit_test(test_roundup),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_all_combinations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
