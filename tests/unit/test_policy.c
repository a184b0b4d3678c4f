/* The CI gate (src/policy): severity lists, the ignore file (YAML), OpenVEX, ignore-unfixed,
 * precedence, expiry, warnings and hostile inputs. Reports are built in memory; files go to a
 * private temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/gate.h"
#include "policy/ignorefile.h"
#include "policy/vex.h"
#include "strata/report.h"

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SSL_PURL "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"
#define ZLIB_PURL "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12"

static char tmpdir[] = "/tmp/strata-test-policy.XXXXXX";

static int group_setup(void **st)
{
    (void)st;
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int group_teardown(void **st)
{
    (void)st;
    char cmd[sizeof tmpdir + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *xdup(const char *s)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

/* Writes content (len bytes) to tmpdir/name and returns the path (static buffer per call). */
static const char *write_file(const char *name, const char *content, size_t len)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}

static const char *write_str(const char *name, const char *content)
{
    return write_file(name, content, strlen(content));
}

static struct strata_vulnerability *add_vuln(struct strata_report *r, const char *id,
                                             const char *alias, const char *pkg, const char *src,
                                             const char *purl, const char *severity,
                                             const char *fixed)
{
    struct strata_vulnerability *v = strata_report_add_vulnerability(r);
    assert_non_null(v);
    v->id = xdup(id);
    if (alias != NULL) {
        v->aliases = calloc(1, sizeof *v->aliases);
        assert_non_null(v->aliases);
        v->aliases[0] = xdup(alias);
        v->n_aliases = 1;
    }
    v->package_name = xdup(pkg);
    v->package_type = xdup("deb");
    v->source_name = xdup(src);
    v->package_purl = xdup(purl);
    v->severity = xdup(severity);
    v->fixed_version = xdup(fixed);
    v->status = xdup(fixed ? "fixed" : "affected");
    return v;
}

/* A report for image "debian:12" (digest DIGEST) with four findings:
 * 0 CVE-2023-0001 (alias GHSA-aaaa-bbbb-cccc) libssl3/openssl CRITICAL fixed
 * 1 CVE-2023-0002 zlib1g/zlib HIGH unfixed
 * 2 CVE-2023-0003 libssl3/openssl MEDIUM unfixed
 * 3 CVE-2023-0001 libc6/glibc LOW fixed (same CVE as 0, another package) */
static struct strata_report *sample(void)
{
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    r->target.name = xdup("debian:12");
    r->target.kind = xdup("docker-archive");
    r->target.digest = xdup(DIGEST);
    add_vuln(r, "CVE-2023-0001", "GHSA-aaaa-bbbb-cccc", "libssl3", "openssl", SSL_PURL, "CRITICAL",
             "3.0.13-1~deb12u1");
    add_vuln(r, "CVE-2023-0002", NULL, "zlib1g", "zlib", ZLIB_PURL, "HIGH", NULL);
    add_vuln(r, "CVE-2023-0003", NULL, "libssl3", "openssl", SSL_PURL, "MEDIUM", NULL);
    add_vuln(r, "CVE-2023-0001", NULL, "libc6", "glibc",
             "pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12", "LOW", "2.36-10");
    return r;
}

static void apply_ok(struct strata_report *r, const struct gate_options *o, size_t *failing)
{
    struct strata_error err = {0};
    int rc = gate_apply(r, o, failing, &err);
    if (rc != 0)
        fail_msg("gate_apply: %s", err.msg);
}

static void expect_suppressed(const struct strata_vulnerability *v, const char *by,
                              const char *reason)
{
    assert_int_equal(v->suppressed, 1);
    assert_string_equal(v->suppressed_by, by);
    assert_string_equal(v->suppression_reason, reason);
}

static void expect_open(const struct strata_vulnerability *v)
{
    assert_int_equal(v->suppressed, 0);
    assert_null(v->suppressed_by);
    assert_null(v->suppression_reason);
}

/* ---- severities ------------------------------------------------------------------------ */

static void test_severities_good(void **st)
{
    (void)st;
    unsigned m;
    struct strata_error err = {0};
    assert_int_equal(gate_parse_severities("HIGH,CRITICAL", &m, &err), 0);
    assert_int_equal(m, (1u << 3) | (1u << 4));
    assert_int_equal(gate_parse_severities(" low ,Medium,unknown", &m, &err), 0);
    assert_int_equal(m, 1u | 2u | 4u);
    assert_int_equal(gate_parse_severities("critical", &m, &err), 0);
    assert_int_equal(m, 1u << 4);
    assert_int_equal(gate_parse_severities("UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL,high", &m, &err), 0);
    assert_int_equal(m, GATE_SEVERITY_ALL);
    assert_true(gate_severity_selected(0, "LOW"));
    assert_true(gate_severity_selected(1u << 3, "HIGH"));
    assert_false(gate_severity_selected(1u << 3, "CRITICAL"));
    assert_true(gate_severity_selected(1u, "weird"));
    assert_true(gate_severity_selected(1u, NULL));
}

static void test_severities_bad(void **st)
{
    (void)st;
    unsigned m = 7;
    struct strata_error err = {0};
    assert_int_equal(gate_parse_severities("HIGH,FOO", &m, &err), STRATA_EUSAGE);
    assert_int_equal(m, 0);
    assert_non_null(strstr(err.msg, "unknown severity \"FOO\""));
    assert_int_equal(gate_parse_severities("", &m, &err), STRATA_EUSAGE);
    assert_non_null(strstr(err.msg, "item 1 is empty"));
    assert_int_equal(gate_parse_severities("HIGH,", &m, &err), STRATA_EUSAGE);
    assert_non_null(strstr(err.msg, "item 2 is empty"));
    assert_int_equal(gate_parse_severities("HIGH;CRITICAL", &m, &err), STRATA_EUSAGE);
    assert_non_null(strstr(err.msg, "\"HIGH;CRITICAL\""));
    assert_int_equal(gate_parse_severities("HIGHER", &m, &err), STRATA_EUSAGE);
    assert_int_equal(gate_parse_severities(NULL, &m, &err), STRATA_EUSAGE);
}

static void test_mask_counts(void **st)
{
    (void)st;
    struct strata_report *r = sample();
    struct gate_options o = {.today = "2024-06-01"};
    size_t n = 99;
    apply_ok(r, &o, &n);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < r->n_vulnerabilities; i++)
        expect_open(&r->vulnerabilities[i]);
    assert_int_equal(r->vuln_scan.n_warnings, 0);
    const struct {
        const char *list;
        size_t failing;
    } cases[] = {{"CRITICAL", 1}, {"HIGH,CRITICAL", 2}, {"LOW", 1},
                 {"UNKNOWN", 0},  {"MEDIUM,LOW", 2},    {"UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL", 4}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct strata_error err = {0};
        assert_int_equal(gate_parse_severities(cases[i].list, &o.severities, &err), 0);
        apply_ok(r, &o, &n);
        assert_int_equal(n, cases[i].failing);
    }
    strata_report_free(r);
}

static void test_bad_today(void **st)
{
    (void)st;
    struct strata_report *r = sample();
    struct gate_options o = {.today = "2024-02-30"};
    struct strata_error err = {0};
    assert_int_equal(gate_apply(r, &o, NULL, &err), STRATA_EUSAGE);
    assert_non_null(strstr(err.msg, "2024-02-30"));
    o.today = NULL; /* the real clock */
    size_t n;
    apply_ok(r, &o, &n);
    assert_int_equal(n, 4);
    strata_report_free(r);
}

/* ---- ignore file ----------------------------------------------------------------------- */

static void test_ignore_by_id_alias_package(void **st)
{
    (void)st;
    struct strata_report *r = sample();
    const char *path = write_str("by-id.yaml", "# exceptions reviewed by security\n"
                                               "- id: cve-2023-0002\n"
                                               "  reason: zlib is only used for PNG decoding\n"
                                               "- id: GHSA-aaaa-bbbb-cccc\n"
                                               "  package: openssl\n"
                                               "  reason: >-\n"
                                               "    not reachable\n"
                                               "    from the service\n"
                                               "- id: CVE-2023-0003\n"
                                               "  package: zlib1g\n");
    struct gate_options o = {.ignorefile = path, .today = "2024-06-01"};
    size_t n;
    apply_ok(r, &o, &n);
    expect_suppressed(&r->vulnerabilities[0], "ignorefile", "not reachable from the service");
    expect_suppressed(&r->vulnerabilities[1], "ignorefile", "zlib is only used for PNG decoding");
    expect_open(&r->vulnerabilities[2]); /* package restriction names another package */
    expect_open(&r->vulnerabilities[3]); /* the alias belongs to finding 0 only */
    assert_int_equal(n, 2);
    assert_int_equal(r->vuln_scan.n_warnings, 0);
    strata_report_free(r);
}

static void test_ignore_package_by_binary_name_and_mapping_form(void **st)
{
    (void)st;
    struct strata_report *r = sample();
    const char *path = write_str("mapping.yaml", "ignore:\n"
                                                 "  - {id: CVE-2023-0001, package: libc6}\n"
                                                 "  - id: \"CVE-2023-0003\"\n");
    struct gate_options o = {.ignorefile = path, .today = "2024-06-01", .severities = 0};
    size_t n;
    apply_ok(r, &o, &n);
    expect_open(&r->vulnerabilities[0]);
    expect_open(&r->vulnerabilities[1]);
    char want[600];
    snprintf(want, sizeof want, "%s:3", path); /* no reason: the entry's position */
    expect_suppressed(&r->vulnerabilities[2], "ignorefile", want);
    snprintf(want, sizeof want, "%s:2", path);
    expect_suppressed(&r->vulnerabilities[3], "ignorefile", want);
    assert_int_equal(n, 2);
    strata_report_free(r);
}

static void test_ignore_expiry(void **st)
{
    (void)st;
    const char *path = write_str("expiry.yaml", "- id: CVE-2023-0002\n"
                                                "  reason: waiting for upstream\n"
                                                "  expires: 2024-03-31\n"
                                                "- id: CVE-2023-0003\n"
                                                "  expires: \"2024-02-29\"\n");
    const struct {
        const char *today;
        int s1, s2;
        size_t warnings;
    } cases[] = {
        {"2024-02-28", 1, 1, 0}, {"2024-02-29", 1, 1, 0}, {"2024-03-01", 1, 0, 1},
        {"2024-03-31", 1, 0, 1}, {"2024-04-01", 0, 0, 2}, {"2031-01-01", 0, 0, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct strata_report *r = sample();
        struct gate_options o = {.ignorefile = path, .today = cases[i].today};
        size_t n;
        apply_ok(r, &o, &n);
        assert_int_equal(r->vulnerabilities[1].suppressed, cases[i].s1);
        assert_int_equal(r->vulnerabilities[2].suppressed, cases[i].s2);
        assert_int_equal(n, 4 - (size_t)cases[i].s1 - (size_t)cases[i].s2);
        assert_int_equal(r->vuln_scan.n_warnings, cases[i].warnings);
        strata_report_free(r);
    }
}

static void test_ignore_expired_warning_text(void **st)
{
    (void)st;
    const char *path = write_str("expired.yaml", "- id: CVE-2023-0002\n"
                                                 "  expires: 2024-03-31\n"
                                                 "- id: CVE-1999-9999\n"
                                                 "  expires: 2020-01-01\n"
                                                 "- id: CVE-2023-0003\n");
    struct strata_report *r = sample();
    struct gate_options o = {.ignorefile = path, .today = "2024-04-01"};
    size_t n;
    apply_ok(r, &o, &n);
    assert_int_equal(r->vuln_scan.n_warnings, 2);
    char want[700];
    snprintf(want, sizeof want,
             "%s:1: ignore entry for CVE-2023-0002 expired on 2024-03-31; it no longer "
             "suppresses",
             path);
    assert_string_equal(r->vuln_scan.warnings[0], want);
    snprintf(want, sizeof want,
             "%s:3: ignore entry for CVE-1999-9999 expired on 2020-01-01; it no longer "
             "suppresses",
             path);
    assert_string_equal(r->vuln_scan.warnings[1], want);
    expect_open(&r->vulnerabilities[1]);
    assert_int_equal(r->vulnerabilities[2].suppressed, 1);
    assert_int_equal(n, 3);
    strata_report_free(r);
}

/* An expired entry does not hide a later entry for the same id that is still in force. */
static void test_ignore_first_in_force_wins(void **st)
{
    (void)st;
    const char *path = write_str("twice.yaml", "- id: CVE-2023-0002\n"
                                               "  reason: old\n"
                                               "  expires: 2023-01-01\n"
                                               "- id: CVE-2023-0002\n"
                                               "  reason: renewed\n"
                                               "  expires: 2025-01-01\n"
                                               "- id: CVE-2023-0002\n"
                                               "  reason: third\n");
    struct strata_report *r = sample();
    struct gate_options o = {.ignorefile = path, .today = "2024-01-01"};
    apply_ok(r, &o, NULL);
    expect_suppressed(&r->vulnerabilities[1], "ignorefile", "renewed");
    assert_int_equal(r->vuln_scan.n_warnings, 1);
    strata_report_free(r);
}

static void test_ignore_empty_forms(void **st)
{
    (void)st;
    static const char *const docs[] = {"",     "# nothing yet\n", "---\n", "ignore:\n",
                                       "[]\n", "ignore: []\n"};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        struct ignore_list l;
        struct strata_error err = {0};
        int rc = ignorefile_parse(docs[i], strlen(docs[i]), "x.yaml", &l, &err);
        if (rc != 0)
            fail_msg("doc %zu: %s", i, err.msg);
        assert_int_equal(l.n, 0);
        ignore_list_free(&l);
    }
}

static void test_ignore_scalar_styles(void **st)
{
    (void)st;
    const char doc[] = "- id: \"CVE\\u002D2023-0001\"\n"
                       "  package: 'open''ssl'\n"
                       "  reason: |\n"
                       "    line one\n"
                       "    line two\n"
                       "  expires: !!str 2024-01-31\n"
                       "- id: !!str 12345\n"
                       "  reason: \"\"\n";
    struct ignore_list l;
    struct strata_error err = {0};
    int rc = ignorefile_parse(doc, sizeof doc - 1, "s.yaml", &l, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].id, "CVE-2023-0001");
    assert_string_equal(l.v[0].package, "open'ssl");
    assert_string_equal(l.v[0].reason, "line one\nline two\n");
    assert_int_equal(l.v[0].expires, 20240131);
    assert_int_equal(l.v[0].line, 1);
    assert_int_equal(l.v[0].column, 3);
    assert_string_equal(l.v[1].id, "12345");
    assert_string_equal(l.v[1].reason, "");
    assert_int_equal(l.v[1].line, 7);
    ignore_list_free(&l);
}

static void test_ignore_unfixed(void **st)
{
    (void)st;
    struct strata_report *r = sample();
    free(r->vulnerabilities[2].status);
    r->vulnerabilities[2].status = xdup("will_not_fix");
    r->vulnerabilities[3].fixed_version[0] = '\0'; /* an empty fixed version is no fix */
    struct gate_options o = {.ignore_unfixed = 1, .today = "2024-06-01"};
    size_t n;
    apply_ok(r, &o, &n);
    expect_open(&r->vulnerabilities[0]);
    expect_suppressed(&r->vulnerabilities[1], "ignore-unfixed", "no fixed version (affected)");
    expect_suppressed(&r->vulnerabilities[2], "ignore-unfixed", "no fixed version (will_not_fix)");
    expect_suppressed(&r->vulnerabilities[3], "ignore-unfixed", "no fixed version (fixed)");
    assert_int_equal(n, 1);
    strata_report_free(r);
}

/* ---- VEX ------------------------------------------------------------------------------- */

static const char *vex_doc(const char *name, const char *statements)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "{\n"
             "  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n"
             "  \"@id\": \"https://example.com/vex/1\",\n"
             "  \"author\": \"security@example.com\",\n"
             "  \"timestamp\": \"2024-01-01T00:00:00Z\",\n"
             "  \"version\": 1,\n"
             "  \"statements\": [%s]\n"
             "}\n",
             statements);
    return write_str(name, buf);
}

static void test_vex_purl_versioned_unversioned(void **st)
{
    (void)st;
    const char *path = vex_doc(
        "purl.json", "{\"vulnerability\": {\"name\": \"CVE-2023-0002\"},"
                     " \"products\": [{\"@id\": \"pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1\"}],"
                     " \"status\": \"not_affected\","
                     " \"justification\": \"vulnerable_code_not_in_execute_path\"},"
                     "{\"vulnerability\": {\"name\": \"CVE-2023-0003\"},"
                     " \"products\": [{\"@id\": \"pkg:deb/debian/libssl3?arch=amd64\"}],"
                     " \"status\": \"fixed\"},"
                     "{\"vulnerability\": {\"name\": \"CVE-2023-0001\"},"
                     " \"products\": [{\"@id\": \"pkg:deb/debian/libc6@2.36-8\"},"
                     "                {\"@id\": \"pkg:deb/ubuntu/libssl3\"}],"
                     " \"status\": \"not_affected\", \"impact_statement\": \"wrong version\"}");
    struct strata_report *r = sample();
    struct gate_options o = {.vex = path, .today = "2024-06-01"};
    size_t n;
    apply_ok(r, &o, &n);
    expect_open(&r->vulnerabilities[0]); /* another namespace */
    expect_suppressed(&r->vulnerabilities[1], "vex",
                      "vex: not_affected: vulnerable_code_not_in_execute_path");
    expect_suppressed(&r->vulnerabilities[2], "vex", "vex: fixed");
    expect_open(&r->vulnerabilities[3]); /* another version */
    assert_int_equal(n, 2);
    strata_report_free(r);
}

static void test_vex_image_product(void **st)
{
    (void)st;
    /* by image name, no subcomponents: every package */
    const char *p1 = vex_doc("img1.json", "{\"vulnerability\": \"CVE-2023-0001\","
                                          " \"products\": [\"debian:12\"],"
                                          " \"status\": \"not_affected\","
                                          " \"justification\": \"component_not_present\"}");
    struct strata_report *r = sample();
    struct gate_options o = {.vex = p1, .today = "2024-06-01"};
    apply_ok(r, &o, NULL);
    expect_suppressed(&r->vulnerabilities[0], "vex", "vex: not_affected: component_not_present");
    expect_suppressed(&r->vulnerabilities[3], "vex", "vex: not_affected: component_not_present");
    expect_open(&r->vulnerabilities[1]);
    strata_report_free(r);

    /* by pkg:oci digest, with a subcomponent: only that package */
    const char *p2 = vex_doc(
        "img2.json",
        "{\"vulnerability\": {\"@id\": \"https://nvd.nist.gov/vuln/detail/CVE-2023-0001\","
        "                     \"name\": \"CVE-2023-0001\"},"
        " \"products\": [{\"@id\": \"pkg:oci/debian@sha256%3A0123456789abcdef0123456789abcdef"
        "0123456789abcdef0123456789abcdef?repository_url=docker.io/library/debian\","
        "   \"subcomponents\": [{\"@id\": \"pkg:deb/debian/libc6@2.36-9\"}]}],"
        " \"status\": \"not_affected\", \"justification\": \"vulnerable_code_not_present\"}");
    r = sample();
    o.vex = p2;
    apply_ok(r, &o, NULL);
    expect_open(&r->vulnerabilities[0]);
    expect_suppressed(&r->vulnerabilities[3], "vex",
                      "vex: not_affected: vulnerable_code_not_present");
    strata_report_free(r);

    /* by bare digest and by name@digest; another image's digest does not count */
    const char *p3 =
        vex_doc("img3.json",
                "{\"vulnerability\": \"CVE-2023-0002\", \"products\": [\"" DIGEST "\"],"
                " \"status\": \"fixed\"},"
                "{\"vulnerability\": \"CVE-2023-0003\","
                " \"products\": [\"registry.example/debian@" DIGEST "\"], \"status\": \"fixed\"},"
                "{\"vulnerability\": \"CVE-2023-0001\","
                " \"products\": [{\"@id\": \"pkg:oci/debian@sha256%3Affff\", \"subcomponents\":"
                "   [\"pkg:deb/debian/libssl3\"]}, \"other:1\"], \"status\": \"fixed\"}");
    r = sample();
    o.vex = p3;
    size_t n;
    apply_ok(r, &o, &n);
    expect_open(&r->vulnerabilities[0]);
    expect_suppressed(&r->vulnerabilities[1], "vex", "vex: fixed");
    expect_suppressed(&r->vulnerabilities[2], "vex", "vex: fixed");
    expect_open(&r->vulnerabilities[3]);
    assert_int_equal(n, 2);
    strata_report_free(r);
}

static void test_vex_status_and_order(void **st)
{
    (void)st;
    /* affected and under_investigation never suppress */
    const char *p1 = vex_doc("status.json", "{\"vulnerability\": \"CVE-2023-0002\","
                                            " \"products\": [\"pkg:deb/debian/zlib1g\"],"
                                            " \"status\": \"affected\","
                                            " \"action_statement\": \"upgrade\"},"
                                            "{\"vulnerability\": \"CVE-2023-0003\","
                                            " \"products\": [\"pkg:deb/debian/libssl3\"],"
                                            " \"status\": \"under_investigation\"}");
    struct strata_report *r = sample();
    struct gate_options o = {.vex = p1, .today = "2024-06-01"};
    size_t n;
    apply_ok(r, &o, &n);
    for (size_t i = 0; i < r->n_vulnerabilities; i++)
        expect_open(&r->vulnerabilities[i]);
    assert_int_equal(n, 4);
    strata_report_free(r);

    /* the latest statement wins: by timestamp, else by document order */
    const char *p2 =
        vex_doc("order.json",
                /* zlib: a newer affected (listed first) overrides an older not_affected */
                "{\"vulnerability\": \"CVE-2023-0002\", \"products\": [\"pkg:deb/debian/zlib1g\"],"
                " \"status\": \"affected\", \"timestamp\": \"2024-03-01T10:00:00+02:00\"},"
                "{\"vulnerability\": \"CVE-2023-0002\", \"products\": [\"pkg:deb/debian/zlib1g\"],"
                " \"status\": \"not_affected\", \"justification\": \"component_not_present\","
                " \"timestamp\": \"2024-03-01T07:59:59.5Z\"},"
                /* libssl3: same (document) timestamp, the later in order wins */
                "{\"vulnerability\": \"CVE-2023-0003\", \"products\": [\"pkg:deb/debian/libssl3\"],"
                " \"status\": \"under_investigation\"},"
                "{\"vulnerability\": \"CVE-2023-0003\", \"products\": [\"pkg:deb/debian/libssl3\"],"
                " \"status\": \"not_affected\", \"impact_statement\": \"TLS is not used\"}");
    r = sample();
    o.vex = p2;
    apply_ok(r, &o, &n);
    expect_open(&r->vulnerabilities[1]);
    expect_suppressed(&r->vulnerabilities[2], "vex", "vex: not_affected: TLS is not used");
    assert_int_equal(n, 3);
    strata_report_free(r);
}

static void test_vex_alias_matching(void **st)
{
    (void)st;
    /* the statement names the finding's alias, or the finding's id is a statement alias */
    const char *path = vex_doc(
        "alias.json",
        "{\"vulnerability\": {\"name\": \"ghsa-aaaa-bbbb-cccc\"},"
        " \"products\": [{\"@id\": \"x\", \"identifiers\": {\"purl\": "
        "\"pkg:deb/debian/libssl3\"}}],"
        " \"status\": \"not_affected\", \"justification\": \"inline_mitigations_already_exist\"},"
        "{\"vulnerability\": {\"name\": \"DSA-1234-1\", \"aliases\": [\"CVE-2023-0002\"]},"
        " \"products\": [\"pkg:deb/debian/zlib1g\"], \"status\": \"fixed\"}");
    struct strata_report *r = sample();
    struct gate_options o = {.vex = path, .today = "2024-06-01"};
    apply_ok(r, &o, NULL);
    expect_suppressed(&r->vulnerabilities[0], "vex",
                      "vex: not_affected: inline_mitigations_already_exist");
    expect_suppressed(&r->vulnerabilities[1], "vex", "vex: fixed");
    expect_open(&r->vulnerabilities[2]);
    expect_open(&r->vulnerabilities[3]);
    strata_report_free(r);
}

static void test_vex_many_subcomponents(void **st)
{
    (void)st;
    size_t cap = 200000, len = 0;
    char *doc = malloc(cap);
    assert_non_null(doc);
    len += (size_t)snprintf(doc + len, cap - len,
                            "{\"statements\": [{\"vulnerability\": \"CVE-2023-0001\","
                            " \"status\": \"not_affected\", \"products\": [{\"@id\": \"%s\","
                            " \"subcomponents\": [",
                            DIGEST);
    for (int i = 0; i < 3000; i++)
        len += (size_t)snprintf(doc + len, cap - len, "\"pkg:deb/debian/p%d\",", i);
    len += (size_t)snprintf(doc + len, cap - len, "{\"@id\": \"pkg:deb/debian/libssl3\"}]}]}]}");
    assert_true(len < cap);
    struct vex_doc d;
    struct strata_error err = {0};
    assert_int_equal(vex_parse(doc, len, "many.json", &d, &err), 0);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.v[0].products[0].n_subs, 3001);
    assert_string_equal(d.v[0].products[0].subs[2999].raw, "pkg:deb/debian/p2999");
    struct strata_report *r = sample();
    int oom;
    assert_ptr_equal(vex_find(&d, &r->target, &r->vulnerabilities[0], &oom), &d.v[0]);
    assert_null(vex_find(&d, &r->target, &r->vulnerabilities[3], &oom));
    assert_int_equal(oom, 0);
    strata_report_free(r);
    vex_doc_free(&d);
    free(doc);
}

static void test_precedence(void **st)
{
    (void)st;
    const char *ign = write_str("prec.yaml", "- id: CVE-2023-0002\n  reason: accepted risk\n");
    const char *vex =
        vex_doc("prec.json", "{\"vulnerability\": \"CVE-2023-0002\","
                             " \"products\": [\"debian:12\"], \"status\": \"fixed\"},"
                             "{\"vulnerability\": \"CVE-2023-0003\","
                             " \"products\": [\"debian:12\"], \"status\": \"fixed\"}");
    struct strata_report *r = sample();
    struct gate_options o = {
        .ignorefile = ign, .vex = vex, .ignore_unfixed = 1, .today = "2024-06-01"};
    o.severities = GATE_SEVERITY_BIT(4) | GATE_SEVERITY_BIT(3) | GATE_SEVERITY_BIT(2);
    size_t n;
    apply_ok(r, &o, &n);
    expect_open(&r->vulnerabilities[0]);
    expect_suppressed(&r->vulnerabilities[1], "ignorefile", "accepted risk");
    expect_suppressed(&r->vulnerabilities[2], "vex", "vex: fixed");
    expect_open(&r->vulnerabilities[3]);
    assert_int_equal(n, 1); /* the CRITICAL one; the LOW one is open but not selected */

    /* an already suppressed finding keeps its mark */
    struct strata_report *r2 = sample();
    r2->vulnerabilities[0].suppressed = 1;
    r2->vulnerabilities[0].suppressed_by = xdup("ignorefile");
    r2->vulnerabilities[0].suppression_reason = xdup("earlier");
    apply_ok(r2, &o, &n);
    expect_suppressed(&r2->vulnerabilities[0], "ignorefile", "earlier");
    assert_int_equal(n, 0);
    strata_report_free(r2);
    strata_report_free(r);
}

static void test_purl_parse(void **st)
{
    (void)st;
    struct vex_purl *p;
    assert_int_equal(vex_purl_parse("pkg:npm/%40angular/core@16.0.0?x=1#sub", &p), 0);
    assert_string_equal(p->type, "npm");
    assert_string_equal(p->ns, "@angular");
    assert_string_equal(p->name, "core");
    assert_string_equal(p->version, "16.0.0");
    vex_purl_free(p);
    assert_int_equal(vex_purl_parse("PKG:NPM/@Angular/Core", &p), 0);
    assert_string_equal(p->ns, "@angular");
    assert_string_equal(p->name, "core");
    assert_null(p->version);
    vex_purl_free(p);
    assert_int_equal(vex_purl_parse("pkg:golang/github.com/a/b@v1.2.3", &p), 0);
    assert_string_equal(p->ns, "github.com/a");
    assert_string_equal(p->name, "b");
    vex_purl_free(p);
    struct vex_purl *q;
    assert_int_equal(vex_purl_parse(ZLIB_PURL, &p), 0);
    assert_string_equal(p->version, "1:1.2.13.dfsg-1");
    assert_int_equal(vex_purl_parse("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1", &q), 0);
    assert_true(vex_purl_match(q, p));
    vex_purl_free(q);
    assert_int_equal(vex_purl_parse("pkg:deb/debian/zlib1g@1.2.13.dfsg-1", &q), 0);
    assert_false(vex_purl_match(q, p));
    assert_false(vex_purl_match(p, NULL));
    vex_purl_free(q);
    vex_purl_free(p);
    assert_int_equal(vex_purl_parse("pkg:pypi/Foo_Bar@1.0", &p), 0);
    assert_string_equal(p->name, "foo-bar");
    vex_purl_free(p);
    static const char *const not_purls[] = {"debian:12",     "pkg:",        "pkg:deb",
                                            "pkg:/x",        "pkg:deb/",    "pkg:deb/a%zz",
                                            "pkg:deb/a%00b", "pkg:deb/a/@1"};
    for (size_t i = 0; i < sizeof not_purls / sizeof not_purls[0]; i++) {
        p = (struct vex_purl *)1;
        assert_int_equal(vex_purl_parse(not_purls[i], &p), 1);
        assert_null(p);
    }
}

/* ---- malformed input ------------------------------------------------------------------- */

static void expect_yaml_error(const char *doc, size_t len, int code, const char *msg)
{
    struct ignore_list l;
    struct strata_error err = {0};
    int rc = ignorefile_parse(doc, len, "ign.yaml", &l, &err);
    if (rc != code || strstr(err.msg, msg) == NULL)
        fail_msg("rc %d (want %d), message \"%s\" lacks \"%s\"", rc, code, err.msg, msg);
    assert_int_equal(l.n, 0);
    assert_null(l.v);
}

static void test_yaml_errors(void **st)
{
    (void)st;
    const struct {
        const char *doc, *msg;
    } cases[] = {
        {"- id: CVE-1\n  reasn: typo\n", "ign.yaml:2:3: unknown key \"reasn\" (expected id, "
                                         "package, reason, expires)"},
        {"- id: CVE-1\n  expires: 2024-13-01\n",
         "ign.yaml:2:12: expires: \"2024-13-01\" is not a date of the form YYYY-MM-DD"},
        {"- id: CVE-1\n  expires: 2023-02-29\n", "ign.yaml:2:12: expires: \"2023-02-29\""},
        {"- id: CVE-1\n  expires: 2024-01-01T00:00:00Z\n", "ign.yaml:2:12: expires:"},
        {"- reason: no id\n", "ign.yaml:1:3: ignore entry has no id"},
        {"- id:\n", "ign.yaml:1:3: id must not be empty"},
        {"- id: [CVE-1]\n", "ign.yaml:1:7: id must be a string, not a sequence"},
        {"- id: CVE-1\n  package: {name: x}\n",
         "ign.yaml:2:12: package must be a string, not a mapping"},
        {"- id: CVE-1\n  id: CVE-2\n", "ign.yaml:2:3: duplicate key \"id\""},
        {"- CVE-1\n", "ign.yaml:1:3: an ignore entry must be a mapping"},
        {"CVE-1\n", "ign.yaml:1:1: expected a sequence of ignore entries"},
        {"vulnerabilities:\n  - id: CVE-1\n", "ign.yaml:1:1: unknown top-level key "
                                              "\"vulnerabilities\" (expected ignore)"},
        {"ignore: CVE-1\n", "ign.yaml:1:9: ignore must be a sequence of entries, found a scalar"},
        {"- id: CVE-1\n  reason: \"unterminated\n", "ign.yaml:2:"},
        {"- id: CVE-1\n - id: CVE-2\n", "ign.yaml:2:"},
        {"- id: CVE-1\n---\n- id: CVE-2\n", "only one YAML document is allowed"},
        {"- id: \"CVE-1\\u001b[31m\"\n", "ign.yaml:1:7: id contains control characters"},
        {"- id: \"CVE-1\\nCVE-2\"\n", "ign.yaml:1:7: id contains control characters"},
        {"- id: CVE-1\n  ? [a]\n  : b\n", "ign.yaml:2:5: ignore entry keys must be strings"},
        /* an escaped quoted scalar read before a syntax error (libfyaml leaked its text) */
        {"- id: 'it''s':\n  expires: x\n", "ign.yaml:1:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_yaml_error(cases[i].doc, strlen(cases[i].doc), STRATA_EFORMAT, cases[i].msg);
    /* through gate_apply: the file name is the path, and the report is left alone */
    const char *path = write_str("bad.yaml", "- id: CVE-2023-0002\n  expires: soon\n");
    struct strata_report *r = sample();
    struct gate_options o = {.ignorefile = path, .today = "2024-06-01"};
    struct strata_error err = {0};
    size_t n = 7;
    assert_int_equal(gate_apply(r, &o, &n, &err), STRATA_EFORMAT);
    assert_int_equal(strata_error_exit_code(err.code), 2);
    char want[600];
    snprintf(want, sizeof want, "%s:2:12: expires: \"soon\" is not a date", path);
    assert_non_null(strstr(err.msg, want));
    assert_int_equal(n, 0);
    assert_int_equal(r->vulnerabilities[1].suppressed, 0);
    o.ignorefile = "/nonexistent/strata-ignore.yaml";
    assert_int_equal(gate_apply(r, &o, &n, &err), STRATA_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/strata-ignore.yaml: "));
    o.ignorefile = tmpdir;
    assert_int_equal(gate_apply(r, &o, &n, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "not a regular file"));
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/fifo.json", tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    o.ignorefile = NULL;
    o.vex = fifo; /* must not block waiting for a writer */
    assert_int_equal(gate_apply(r, &o, &n, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "fifo.json: not a regular file"));
    strata_report_free(r);
}

static void expect_vex_error(const char *doc, int code, const char *msg)
{
    struct vex_doc d;
    struct strata_error err = {0};
    int rc = vex_parse(doc, strlen(doc), "v.json", &d, &err);
    if (rc != code || strstr(err.msg, msg) == NULL)
        fail_msg("rc %d (want %d), message \"%s\" lacks \"%s\"", rc, code, err.msg, msg);
    assert_int_equal(d.n, 0);
}

static void test_vex_errors(void **st)
{
    (void)st;
    const struct {
        const char *doc, *msg;
    } cases[] = {
        {"{\"statements\": [\n  {\"status\": \"fixed\",}\n]}", "v.json:2:22: invalid JSON: "},
        {"{\"statements\": []", "v.json:1:"},
        {"[]", "v.json: expected an OpenVEX document (an object), found an array"},
        {"{\"@context\": \"https://openvex.dev/ns\"}", "v.json: not an OpenVEX document"},
        {"{\"statements\": {}}", "v.json: statements: expected an array, found an object"},
        {"{\"statements\": [1]}", "v.json: statements[0]: expected an object, found a number"},
        {"{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [\"x\"],"
         " \"status\": \"maybe\"}]}",
         "v.json: statements[0].status: unknown status \"maybe\""},
        {"{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [\"x\"]}]}",
         "v.json: statements[0]: has no status"},
        {"{\"statements\": [{\"products\": [\"x\"], \"status\": \"fixed\"}]}",
         "v.json: statements[0]: has no vulnerability"},
        {"{\"statements\": [{\"vulnerability\": {\"description\": \"x\"}, \"products\": [\"x\"],"
         " \"status\": \"fixed\"}]}",
         "statements[0].vulnerability: names no vulnerability id"},
        {"{\"statements\": [{\"vulnerability\": \"CVE-1\", \"status\": \"fixed\"}]}",
         "statements[0]: has no products"},
        {"{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [],"
         " \"status\": \"fixed\"}]}",
         "statements[0].products: is empty"},
        {"{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [{\"x\": 1}],"
         " \"status\": \"fixed\"}]}",
         "statements[0].products[0]: has neither @id nor identifiers.purl"},
        {"{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [{\"@id\": \"p\","
         " \"subcomponents\": [true]}], \"status\": \"fixed\"}]}",
         "statements[0].products[0].subcomponents[0]: expected an object or a string, found a "
         "boolean"},
        {"{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [\"x\"],"
         " \"status\": \"fixed\", \"justification\": 3}]}",
         "statements[0].justification: expected a string, found a number"},
        {"{\"timestamp\": \"yesterday\", \"statements\": []}",
         "document.timestamp: \"yesterday\" is not an RFC 3339 date-time"},
        {"{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [\"x\"],"
         " \"status\": \"fixed\", \"timestamp\": \"2024-01-01 00:00:00\"}]}",
         "statements[0].timestamp"},
        {"{\"statements\": [], \"statements\": []}", "v.json:1:"},
        {"{\"statements\": [{\"vulnerability\": \"CVE-1\\u001b]0;x\", \"products\": [\"x\"],"
         " \"status\": \"fixed\"}]}",
         "statements[0].vulnerability: contains control characters"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_vex_error(cases[i].doc, STRATA_EFORMAT, cases[i].msg);
}

/* ---- hostile input --------------------------------------------------------------------- */

static void test_hostile_yaml(void **st)
{
    (void)st;
    /* deep nesting, flow and block */
    size_t n = 200000;
    char *deep = malloc(n + 1);
    assert_non_null(deep);
    memset(deep, '[', n);
    deep[n] = '\0';
    expect_yaml_error(deep, n, STRATA_EFORMAT, "ign.yaml:1:2: an ignore entry must be a mapping");
    memcpy(deep, "- id: ", 6);
    expect_yaml_error(deep, n, STRATA_EFORMAT, "ign.yaml:1:7: id must be a string");
    free(deep);
    struct strata_buf {
        char *p;
        size_t n;
    } b = {malloc(4u << 20), 0};
    assert_non_null(b.p);
    for (size_t i = 0; i < 5000 && b.n < (4u << 20) - 4096; i++) {
        for (size_t k = 0; k < i % 40; k++)
            b.p[b.n++] = ' ';
        memcpy(b.p + b.n, "- \n", 3);
        b.n += 3;
    }
    expect_yaml_error(b.p, b.n, STRATA_EFORMAT, "ign.yaml:");

    /* billion laughs: aliases are refused where they appear, before any expansion */
    const char *bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
                       "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                       "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                       "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                       "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                       "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
                       "ignore: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
    expect_yaml_error(bomb, strlen(bomb), STRATA_EFORMAT, "ign.yaml:1:1: unknown top-level key");
    const char *bomb2 = "- &e {id: CVE-1}\n- *e\n";
    expect_yaml_error(bomb2, strlen(bomb2), STRATA_EFORMAT,
                      "ign.yaml:2:3: YAML aliases (*name) are not supported");
    const char *bomb3 = "- id: &x CVE-1\n  reason: *x\n";
    expect_yaml_error(bomb3, strlen(bomb3), STRATA_EFORMAT, "ign.yaml:2:11: YAML aliases");
    const char *merge = "- <<: *base\n  id: CVE-1\n";
    expect_yaml_error(merge, strlen(merge), STRATA_EFORMAT, "ign.yaml:1:");

    /* non-UTF-8, NUL bytes */
    const char bad[] = "- id: CVE-1\n  reason: caf\xe9\n";
    expect_yaml_error(bad, sizeof bad - 1, STRATA_EFORMAT, "ign.yaml:2:14: invalid UTF-8");
    const char over[] = "- id: \xc0\xaf\n";
    expect_yaml_error(over, sizeof over - 1, STRATA_EFORMAT, "ign.yaml:1:7: invalid UTF-8");
    const char sur[] = "- id: \xed\xa0\x80\n";
    expect_yaml_error(sur, sizeof sur - 1, STRATA_EFORMAT, "ign.yaml:1:7: invalid UTF-8");
    const char nul[] = "- id: CVE-1\0\n";
    expect_yaml_error(nul, sizeof nul - 1, STRATA_EFORMAT, "ign.yaml:1:12: NUL byte");
    const char utf8_ok[] = "- id: CVE-1\n  reason: \"caf\xc3\xa9 \xf0\x9f\x94\x92\"\n";
    struct ignore_list l;
    struct strata_error err = {0};
    assert_int_equal(ignorefile_parse(utf8_ok, sizeof utf8_ok - 1, "ok.yaml", &l, &err), 0);
    assert_string_equal(l.v[0].reason, "caf\xc3\xa9 \xf0\x9f\x94\x92");
    ignore_list_free(&l);

    /* over-long values and too large files */
    memset(b.p, 'A', 5000);
    memcpy(b.p, "- id: ", 6);
    expect_yaml_error(b.p, 5000, STRATA_ELIMIT, "ign.yaml:1:7: id is longer than 4096 bytes");
    memset(b.p, '#', 4u << 20);
    const char *huge = write_file("huge.yaml", b.p, (4u << 20));
    assert_int_equal(ignorefile_load(huge, &l, &err), 0); /* exactly at the limit: comments */
    ignore_list_free(&l);
    FILE *f = fopen(huge, "ab");
    assert_non_null(f);
    assert_int_equal(fputc('\n', f), '\n');
    assert_int_equal(fclose(f), 0);
    assert_int_equal(ignorefile_load(huge, &l, &err), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "larger than the limit of 4194304 bytes"));
    assert_int_equal(ignorefile_parse(b.p, (4u << 20) + 1, "x", &l, &err), STRATA_ELIMIT);
    free(b.p);
    unlink(huge);
}

static void test_ignore_entry_limit(void **st)
{
    (void)st;
    size_t n = IGNOREFILE_MAX_ENTRIES + 1;
    char *doc = malloc(n * 10 + 1);
    assert_non_null(doc);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(doc + len, "- id: x\n", 8);
        len += 8;
    }
    struct ignore_list l;
    struct strata_error err = {0};
    assert_int_equal(ignorefile_parse(doc, len - 8, "many.yaml", &l, &err), 0);
    assert_int_equal(l.n, IGNOREFILE_MAX_ENTRIES);
    ignore_list_free(&l);
    expect_yaml_error(doc, len, STRATA_ELIMIT, "ign.yaml:100001:3: more than 100000");
    assert_int_equal(ignorefile_parse(doc, len, "many.yaml", &l, &err), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "many.yaml:100001:3: more than 100000 ignore entries"));
    free(doc);
}

static void test_hostile_json(void **st)
{
    (void)st;
    size_t n = 100000;
    char *deep = malloc(n + 64);
    assert_non_null(deep);
    int k = snprintf(deep, 64, "{\"statements\": ");
    memset(deep + k, '[', n);
    deep[k + n] = '\0';
    expect_vex_error(deep, STRATA_EFORMAT, "v.json:1:");
    free(deep);
    expect_vex_error("{\"statements\": [], \"x\": \"caf\xe9\"}", STRATA_EFORMAT, "v.json:1:");
    expect_vex_error("{\"statements\": [{\"vulnerability\": \"a\\u0000b\", \"products\": [\"x\"],"
                     " \"status\": \"fixed\"}]}",
                     STRATA_EFORMAT, "v.json:1:");
    /* too large */
    char *big = malloc(VEX_MAX_BYTES + 2);
    assert_non_null(big);
    memset(big, ' ', VEX_MAX_BYTES + 1);
    struct vex_doc d;
    struct strata_error err = {0};
    assert_int_equal(vex_parse(big, VEX_MAX_BYTES + 1, "big.json", &d, &err), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "big.json: file is larger than the limit"));
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_severities_good),
        cmocka_unit_test(test_severities_bad),
        cmocka_unit_test(test_mask_counts),
        cmocka_unit_test(test_bad_today),
        cmocka_unit_test(test_ignore_by_id_alias_package),
        cmocka_unit_test(test_ignore_package_by_binary_name_and_mapping_form),
        cmocka_unit_test(test_ignore_expiry),
        cmocka_unit_test(test_ignore_expired_warning_text),
        cmocka_unit_test(test_ignore_first_in_force_wins),
        cmocka_unit_test(test_ignore_empty_forms),
        cmocka_unit_test(test_ignore_scalar_styles),
        cmocka_unit_test(test_ignore_unfixed),
        cmocka_unit_test(test_vex_purl_versioned_unversioned),
        cmocka_unit_test(test_vex_image_product),
        cmocka_unit_test(test_vex_status_and_order),
        cmocka_unit_test(test_vex_alias_matching),
        cmocka_unit_test(test_vex_many_subcomponents),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_purl_parse),
        cmocka_unit_test(test_yaml_errors),
        cmocka_unit_test(test_vex_errors),
        cmocka_unit_test(test_hostile_yaml),
        cmocka_unit_test(test_ignore_entry_limit),
        cmocka_unit_test(test_hostile_json),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
