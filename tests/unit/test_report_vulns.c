/* Vulnerabilities in every reporter: a report built in code (packages, findings with and
 * without fixes, scores, aliases, a suppressed one, hostile strings) rendered in each format,
 * parsed back and checked. STRATA_REPORT_DUMP_DIR=DIR writes the SARIF and CycloneDX renderings
 * there; tests/e2e/sarif_schema.sh validates them against the official schemas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata/report.h"
#include "strata/reporter.h"

#include "report_test_util.h"

#define TS "2024-05-06T07:08:09Z"
#define DIFF0 "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define DIFF1 "sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define OPENSSL_PURL "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"
#define HOSTILE_PKG "evil\"pkg\nname\xff"
#define HOSTILE_TITLE "quote\" newline\n escape\x1b]0;pwned\x07 bad\xc3("
#define HOSTILE_WARNING "the database has no data for Debian:12\x1b[2J"
#define VEX_REASON "vulnerable_code_not_in_execute_path"

static const struct strata_report_write_opts plain = {"1.2.3", TS, 0, 0};
static const struct strata_report_write_opts with_suppressed = {"1.2.3", TS, 0, 1};
static const struct strata_report_write_opts colored = {"1.2.3", TS, 1, 0};

static void add_pkg(struct strata_report *r, const char *name, const char *version,
                    const char *purl, int layer)
{
    struct strata_package *p = strata_report_add_package(r);
    assert_non_null(p);
    p->name = dup(name);
    p->version = dup(version);
    p->type = dup("deb");
    p->arch = dup("amd64");
    p->purl = dup(purl);
    p->layer_index = layer;
    p->layer_diff_id = dup(layer == 0 ? DIFF0 : DIFF1);
    p->db_path = dup("/var/lib/dpkg/status");
}

struct vspec {
    const char *id, *pkg, *version, *purl, *fixed, *status, *severity, *sev_source;
    double cvss;
    const char *vector, *title;
    int layer;
    const char *aliases[3];
};

static struct strata_vulnerability *add_vuln(struct strata_report *r, const struct vspec *s)
{
    struct strata_vulnerability *v = strata_report_add_vulnerability(r);
    assert_non_null(v);
    v->id = dup(s->id);
    for (size_t i = 0; i < 3 && s->aliases[i]; i++) {
        v->aliases = realloc(v->aliases, (i + 1) * sizeof *v->aliases);
        assert_non_null(v->aliases);
        v->aliases[i] = dup(s->aliases[i]);
        v->n_aliases = i + 1;
    }
    v->package_name = dup(s->pkg);
    v->package_version = dup(s->version);
    v->package_type = dup("deb");
    v->package_purl = dup(s->purl);
    v->fixed_version = dup(s->fixed);
    v->status = dup(s->status);
    v->severity = dup(s->severity);
    v->severity_source = dup(s->sev_source);
    v->cvss_score = s->cvss;
    v->cvss_vector = dup(s->vector);
    v->title = dup(s->title);
    v->layer_index = s->layer;
    v->layer_diff_id = dup(s->layer < 0 ? NULL : s->layer == 0 ? DIFF0 : DIFF1);
    v->data_source = dup("osv:Debian");
    return v;
}

#define V31 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

/* 5 packages, 7 findings (one suppressed), 5 distinct ids in 6 shown findings. */
static struct strata_report *sample(void)
{
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    r->target.name = dup("registry.example/app:1.0");
    r->target.kind = dup("docker-archive");
    r->target.digest =
        dup("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    r->os.family = dup("debian");
    r->os.version = dup("12");
    r->os.pretty_name = dup("Debian GNU/Linux 12 (bookworm)");
    r->layers = calloc(2, sizeof *r->layers);
    assert_non_null(r->layers);
    r->n_layers = 2;
    r->layers[0] = (struct strata_layer){0, dup(DIFF0), dup(DIFF0), NULL, 100, NULL};
    r->layers[1] = (struct strata_layer){1, dup(DIFF1), dup(DIFF1), NULL, 200, NULL};
    add_pkg(r, "libc6", "2.36-9+deb12u4",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12", 0);
    add_pkg(r, "libssl3", "3.0.11-1~deb12u2",
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", 1);
    add_pkg(r, "openssl", "3.0.11-1~deb12u2", OPENSSL_PURL, 1);
    add_pkg(r, "zlib1g", "1:1.2.13.dfsg-1", NULL, 0);
    strata_report_sort_packages(r);

    static const struct vspec specs[] = {
        {"CVE-2024-0001",
         "openssl",
         "3.0.11-1~deb12u2",
         OPENSSL_PURL,
         "3.0.13-1",
         "fixed",
         "CRITICAL",
         "cvss_v3",
         9.8,
         V31,
         "OpenSSL: buffer overflow",
         1,
         {"DSA-5600-1"}},
        {"CVE-2024-0001",
         "libssl3",
         "3.0.11-1~deb12u2",
         NULL,
         "3.0.13-1",
         "fixed",
         "CRITICAL",
         "cvss_v3",
         9.8,
         V31,
         "OpenSSL: buffer overflow",
         1,
         {"DSA-5600-1"}},
        {"CVE-2024-0002",
         "openssl",
         "3.0.11-1~deb12u2",
         OPENSSL_PURL,
         NULL,
         "affected",
         "MEDIUM",
         "debian",
         -1,
         NULL,
         NULL,
         1,
         {NULL}},
        {"CVE-2023-9999",
         "zlib1g",
         "1:1.2.13.dfsg-1",
         NULL,
         NULL,
         "will_not_fix",
         "LOW",
         "cvss_v3",
         3.1,
         "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N",
         "zlib: minor",
         0,
         {NULL}},
        {"GHSA-aaaa-bbbb-cccc",
         HOSTILE_PKG,
         "1.0\t\x01",
         NULL,
         NULL,
         "affected",
         "bogus",
         NULL,
         -1,
         NULL,
         HOSTILE_TITLE,
         -1,
         {NULL}},
        {"CVE-2024-0003",
         "libc6",
         "2.36-9+deb12u4",
         NULL,
         NULL,
         "fix_deferred",
         "HIGH",
         "debian",
         7.5,
         "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
         "glibc: crash",
         0,
         {"DLA-3700-1", "GHSA-xxxx-yyyy-zzzz"}},
        {"CVE-2022-1111",
         "zlib1g",
         "1:1.2.13.dfsg-1",
         NULL,
         "1:1.3-1",
         "fixed",
         "HIGH",
         "cvss_v3",
         8.1,
         V31,
         "zlib: accepted",
         0,
         {NULL}},
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        add_vuln(r, &specs[i]);
    struct strata_vulnerability *sup = &r->vulnerabilities[6];
    sup->suppressed = 1;
    sup->suppressed_by = dup("vex");
    sup->suppression_reason = dup(VEX_REASON);
    strata_report_sort_vulnerabilities(r);

    r->vuln_scan.ran = 1;
    r->vuln_scan.db_path = dup("/var/cache/strata/db.sqlite");
    r->vuln_scan.db_built_at = dup("2024-05-01T00:00:00Z");
    assert_int_equal(strata_report_add_vuln_warning(r, HOSTILE_WARNING), 0);
    return r;
}

/* The finding of id about package pkg in a JSON array of strata findings. */
static json_t *find_vuln(json_t *arr, const char *id, const char *pkg)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (strcmp(jstr(v, "id"), id) == 0 && strcmp(jstr(v, "package_name"), pkg) == 0)
            return v;
    }
    fail_msg("no finding %s in %s", id, pkg);
    return NULL;
}

static void test_json(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    char *text = render(r, STRATA_FORMAT_JSON, &plain);
    /* Scores print as people write them. */
    assert_non_null(strstr(text, "\"cvss_score\": 9.8,"));
    assert_non_null(strstr(text, "\"cvss_score\": 7.5,"));
    json_t *j = parse(text);

    json_t *scan = json_object_get(j, "vulnerability_scan");
    assert_true(json_is_object(scan));
    assert_string_equal(jstr(scan, "db_path"), "/var/cache/strata/db.sqlite");
    assert_string_equal(jstr(scan, "db_built_at"), "2024-05-01T00:00:00Z");
    assert_int_equal(json_array_size(json_object_get(scan, "warnings")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(scan, "warnings"), 0)),
                        HOSTILE_WARNING);

    json_t *vulns = json_object_get(j, "vulnerabilities");
    assert_int_equal(json_array_size(vulns), 6); /* the suppressed one is left out */
    static const char *const keys[] = {"id",
                                       "aliases",
                                       "package_name",
                                       "package_version",
                                       "package_type",
                                       "fixed_version",
                                       "status",
                                       "severity",
                                       "cvss_score",
                                       "layer_index",
                                       "data_source",
                                       "source_name",
                                       "package_purl",
                                       "severity_source",
                                       "cvss_vector",
                                       "title",
                                       "layer_diff_id",
                                       "suppressed",
                                       "suppressed_by",
                                       "suppression_reason"};
    const size_t nkeys = sizeof keys / sizeof keys[0];
    size_t i;
    json_t *v;
    json_array_foreach(vulns, i, v)
    {
        const char *key;
        json_t *val;
        size_t k = 0;
        json_object_foreach(v, key, val)
        {
            assert_true(k < nkeys);
            assert_string_equal(key, keys[k++]);
        }
        assert_int_equal(k, nkeys);
        assert_true(json_is_false(json_object_get(v, "suppressed")));
        assert_true(json_is_null(json_object_get(v, "suppressed_by")));
        assert_false(strcmp(jstr(v, "id"), "CVE-2022-1111") == 0);
    }
    /* Model order (most severe first) is kept. */
    assert_string_equal(jstr(json_array_get(vulns, 0), "severity"), "CRITICAL");

    json_t *crit = find_vuln(vulns, "CVE-2024-0001", "openssl");
    assert_string_equal(jstr(crit, "fixed_version"), "3.0.13-1");
    assert_string_equal(jstr(crit, "status"), "fixed");
    assert_true(json_real_value(json_object_get(crit, "cvss_score")) == 9.8);
    assert_int_equal(json_integer_value(json_object_get(crit, "layer_index")), 1);
    assert_string_equal(jstr(crit, "layer_diff_id"), DIFF1);
    assert_string_equal(jstr(crit, "package_purl"), OPENSSL_PURL);
    assert_string_equal(jstr(crit, "cvss_vector"), V31);
    assert_string_equal(jstr(crit, "data_source"), "osv:Debian");
    assert_int_equal(json_array_size(json_object_get(crit, "aliases")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(crit, "aliases"), 0)),
                        "DSA-5600-1");

    json_t *med = find_vuln(vulns, "CVE-2024-0002", "openssl");
    assert_true(json_is_null(json_object_get(med, "fixed_version")));
    assert_true(json_is_null(json_object_get(med, "cvss_score")));
    assert_true(json_is_null(json_object_get(med, "cvss_vector")));
    assert_true(json_is_null(json_object_get(med, "title")));
    assert_int_equal(json_array_size(json_object_get(med, "aliases")), 0);

    /* Hostile strings survive as valid JSON; invalid UTF-8 is repaired, not dropped. */
    json_t *hostile = find_vuln(vulns, "GHSA-aaaa-bbbb-cccc", "evil\"pkg\nname\xef\xbf\xbd");
    assert_string_equal(jstr(hostile, "package_version"), "1.0\t\x01");
    assert_non_null(strstr(jstr(hostile, "title"), "\x1b]0;pwned\x07 bad\xef\xbf\xbd("));
    assert_string_equal(jstr(hostile, "severity"), "bogus"); /* reporters never decide */
    assert_true(json_is_null(json_object_get(hostile, "layer_index")));
    json_decref(j);
    free(text);

    /* Asked for, the suppressed finding is there and says why. */
    text = render(r, STRATA_FORMAT_JSON, &with_suppressed);
    j = parse(text);
    vulns = json_object_get(j, "vulnerabilities");
    assert_int_equal(json_array_size(vulns), 7);
    json_t *sup = find_vuln(vulns, "CVE-2022-1111", "zlib1g");
    assert_true(json_is_true(json_object_get(sup, "suppressed")));
    assert_string_equal(jstr(sup, "suppressed_by"), "vex");
    assert_string_equal(jstr(sup, "suppression_reason"), VEX_REASON);
    json_decref(j);
    free(text);
    strata_report_free(r);
}

static void test_json_scan_without_findings(void **state)
{
    (void)state;
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    r->vuln_scan.ran = 1;
    char *text = render(r, STRATA_FORMAT_JSON, NULL);
    json_t *j = parse(text);
    json_t *scan = json_object_get(j, "vulnerability_scan");
    assert_true(json_is_object(scan));
    assert_true(json_is_null(json_object_get(scan, "db_path")));
    assert_true(json_is_null(json_object_get(scan, "db_built_at")));
    assert_int_equal(json_array_size(json_object_get(scan, "warnings")), 0);
    assert_true(json_is_array(json_object_get(j, "vulnerabilities")));
    assert_int_equal(json_array_size(json_object_get(j, "vulnerabilities")), 0);
    json_decref(j);
    free(text);
    strata_report_free(r);
}

/* Position of needle in text, failing when absent. */
static size_t pos(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    if (p == NULL)
        fail_msg("table lacks \"%s\":\n%s", needle, text);
    return (size_t)(p - text);
}

/* The line of text that contains needle, copied into buf. */
static const char *line_of(const char *text, const char *needle, char *buf, size_t size)
{
    size_t at = pos(text, needle), start = at;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    size_t end = at;
    while (text[end] != '\0' && text[end] != '\n')
        end++;
    snprintf(buf, size, "%.*s", (int)(end - start), text + start);
    return buf;
}

static void test_table(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    char *text = render(r, STRATA_FORMAT_TABLE, &plain);
    dump("vulns.txt", text);
    assert_null(strchr(text, '\x1b')); /* no color asked, and the hostile escapes are defused */
    assert_null(strchr(text, '\x07'));
    size_t sec = pos(text, "\nVulnerabilities (6)\n");
    assert_true(pos(text, "\nPackages (4)\n") < sec); /* after the package list */
    assert_true(sec < pos(text, "\n4 packages (deb 4) in 2 layers\n"));
    pos(text, "Warning: the database has no data for Debian:12?[2J\n");
    size_t head = pos(text, "  PACKAGE  ");
    char line[512];
    line_of(text, "  PACKAGE  ", line, sizeof line);
    const char *cols[] = {"INSTALLED", "ID", "SEVERITY", "STATUS", "FIXED IN", "LAYER"};
    for (size_t i = 0; i < 6; i++)
        assert_non_null(strstr(line, cols[i]));

    /* Groups: most severe package first (libssl3 and openssl both CRITICAL: by name), then
     * libc6 (HIGH), zlib1g (LOW), the hostile one (UNKNOWN). */
    size_t libssl3 = head + pos(text + head, "  libssl3  ");
    size_t openssl = head + pos(text + head, "  openssl  ");
    size_t libc6 = head + pos(text + head, "  libc6  ");
    size_t zlib = head + pos(text + head, "  zlib1g  ");
    size_t hostile = head + pos(text + head, "  evil\"pkg name?");
    assert_true(head < libssl3 && libssl3 < openssl && openssl < libc6 && libc6 < zlib &&
                zlib < hostile);
    /* Within openssl: the CRITICAL before the MEDIUM, the package named once. */
    size_t c1 = pos(text + openssl, "CVE-2024-0001 (DSA-5600-1)") + openssl;
    size_t c2 = pos(text + openssl, "CVE-2024-0002") + openssl;
    assert_true(c1 < c2 && c2 < libc6);
    line_of(text + openssl, "CVE-2024-0002", line, sizeof line);
    assert_true(strncmp(line, "                ", 16) == 0); /* blank package cells */
    assert_non_null(strstr(line, "MEDIUM"));
    assert_non_null(strstr(line, "affected"));
    line_of(text, "CVE-2024-0001 (DSA-5600-1)", line, sizeof line);
    assert_non_null(strstr(line, "CRITICAL"));
    assert_non_null(strstr(line, "fixed"));
    assert_non_null(strstr(line, "3.0.13-1"));
    assert_non_null(strstr(line, "3.0.11-1~deb12u2"));
    line_of(text, "CVE-2024-0003", line, sizeof line);
    assert_non_null(strstr(line, "CVE-2024-0003 (DLA-3700-1 +1)"));
    assert_non_null(strstr(line, "fix_deferred"));
    line_of(text, "GHSA-aaaa-bbbb-cccc", line, sizeof line);
    assert_non_null(strstr(line, "UNKNOWN"));
    assert_non_null(strstr(line, "1.0 ?")); /* tab collapsed, control shown as ? */
    pos(text, "Total: 6 (CRITICAL 2, HIGH 1, MEDIUM 1, LOW 1, UNKNOWN 1)\n");
    pos(text, "1 suppressed finding not shown.\n");
    assert_null(strstr(text, "CVE-2022-1111"));
    free(text);

    text = render(r, STRATA_FORMAT_TABLE, &with_suppressed);
    line_of(text, "CVE-2022-1111", line, sizeof line);
    assert_non_null(strstr(line, "fixed [suppressed]"));
    assert_non_null(strstr(line, "HIGH"));
    pos(text, "Total: 6 (CRITICAL 2, HIGH 1, MEDIUM 1, LOW 1, UNKNOWN 1)\n");
    pos(text,
        "Suppressed (1, not in the total)\n  CVE-2022-1111 in zlib1g: by vex: " VEX_REASON "\n");
    assert_null(strstr(text, "not shown"));
    free(text);

    /* Colors by severity, only when asked; the hostile escapes stay defused. */
    text = render(r, STRATA_FORMAT_TABLE, &colored);
    pos(text, "\x1b[1;31mCRITICAL\x1b[0m");
    pos(text, "\x1b[31mHIGH\x1b[0m");
    pos(text, "\x1b[33mMEDIUM\x1b[0m");
    assert_null(strstr(text, "\x1b]0;"));
    assert_null(strstr(text, "\x1b[2J"));
    free(text);
    strata_report_free(r);
}

static void test_table_without_findings(void **state)
{
    (void)state;
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    char *text = render(r, STRATA_FORMAT_TABLE, &plain);
    /* No matching ran: the table says nothing about vulnerabilities. */
    assert_null(strstr(text, "ulnerabilit"));
    free(text);
    r->vuln_scan.ran = 1;
    assert_int_equal(strata_report_add_vuln_warning(r, "no data for Debian:13"), 0);
    text = render(r, STRATA_FORMAT_TABLE, &plain);
    /* Some packages were not judged: the table must not claim the image is clean. */
    pos(text, "\nNo vulnerabilities found in the packages that could be checked; see the "
              "warnings below.\nWarning: no data for Debian:13\n");
    assert_null(strstr(text, "Total:"));
    free(text);
    /* Matching ran without warnings: a plain "none found". */
    strata_report_clear_vulnerabilities(r);
    r->vuln_scan.ran = 1;
    text = render(r, STRATA_FORMAT_TABLE, &plain);
    pos(text, "\nNo vulnerabilities found.\n");
    free(text);
    /* Not run, with the reason recorded: say "not checked" and why. */
    strata_report_clear_vulnerabilities(r);
    assert_int_equal(strata_report_add_vuln_warning(r, "no vulnerability database"), 0);
    text = render(r, STRATA_FORMAT_TABLE, &plain);
    pos(text, "\nVulnerabilities: not checked\nWarning: no vulnerability database\n");
    free(text);
    strata_report_free(r);
}

static json_t *sarif_run(json_t *j)
{
    assert_string_equal(jstr(j, "version"), "2.1.0");
    json_t *runs = json_object_get(j, "runs");
    assert_int_equal(json_array_size(runs), 1);
    return json_array_get(runs, 0);
}

static json_t *sarif_rule(json_t *rules, const char *id)
{
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        if (strcmp(jstr(rule, "id"), id) == 0)
            return rule;
    }
    fail_msg("no rule %s", id);
    return NULL;
}

static json_t *sarif_result(json_t *results, const char *id, const char *pkg)
{
    size_t i;
    json_t *res;
    json_array_foreach(results, i, res)
    {
        json_t *props = json_object_get(res, "properties");
        if (strcmp(jstr(res, "ruleId"), id) == 0 && strcmp(jstr(props, "package_name"), pkg) == 0)
            return res;
    }
    fail_msg("no result %s in %s", id, pkg);
    return NULL;
}

static const char *sarif_uri(json_t *res)
{
    json_t *loc = json_array_get(json_object_get(res, "locations"), 0);
    return jstr(json_object_get(json_object_get(loc, "physicalLocation"), "artifactLocation"),
                "uri");
}

static const char *sarif_fp(json_t *res)
{
    return jstr(json_object_get(res, "partialFingerprints"), "vulnerabilityPackageHash/v1");
}

static void test_sarif(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    char *text = render(r, STRATA_FORMAT_SARIF, &plain);
    dump("vulns.sarif.json", text);
    json_t *j = parse(text);
    json_t *run = sarif_run(j);
    json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
    assert_string_equal(jstr(driver, "name"), "strata");
    assert_string_equal(jstr(driver, "version"), "1.2.3");
    json_t *rules = json_object_get(driver, "rules");
    json_t *results = json_object_get(run, "results");
    /* One rule per id: CVE-2024-0001 is found in two packages. */
    assert_int_equal(json_array_size(rules), 5);
    assert_int_equal(json_array_size(results), 6);
    size_t i, k;
    json_t *res, *rule;
    json_array_foreach(rules, i, rule)
    {
        for (k = i + 1; k < json_array_size(rules); k++)
            assert_string_not_equal(jstr(rule, "id"), jstr(json_array_get(rules, k), "id"));
    }
    json_array_foreach(results, i, res)
    {
        json_int_t ri = json_integer_value(json_object_get(res, "ruleIndex"));
        assert_true(ri >= 0 && (size_t)ri < json_array_size(rules));
        assert_string_equal(jstr(json_array_get(rules, (size_t)ri), "id"), jstr(res, "ruleId"));
        assert_null(json_object_get(res, "suppressions"));
        assert_int_equal(strlen(sarif_fp(res)), 64);
        for (k = i + 1; k < json_array_size(results); k++)
            assert_string_not_equal(sarif_fp(res), sarif_fp(json_array_get(results, k)));
    }

    rule = sarif_rule(rules, "CVE-2024-0001");
    assert_string_equal(jstr(json_object_get(rule, "shortDescription"), "text"),
                        "OpenSSL: buffer overflow");
    assert_string_equal(jstr(rule, "helpUri"), "https://nvd.nist.gov/vuln/detail/CVE-2024-0001");
    assert_string_equal(jstr(json_object_get(rule, "properties"), "security-severity"), "9.8");
    assert_string_equal(jstr(json_object_get(rule, "defaultConfiguration"), "level"), "error");
    rule = sarif_rule(rules, "CVE-2024-0002"); /* no score: the severity's mapped value */
    assert_string_equal(jstr(json_object_get(rule, "shortDescription"), "text"), "CVE-2024-0002");
    assert_string_equal(jstr(json_object_get(rule, "properties"), "security-severity"), "5.5");
    assert_string_equal(jstr(json_object_get(rule, "defaultConfiguration"), "level"), "warning");
    rule = sarif_rule(rules, "GHSA-aaaa-bbbb-cccc");
    assert_string_equal(jstr(rule, "helpUri"), "https://github.com/advisories/GHSA-aaaa-bbbb-cccc");
    assert_null(json_object_get(json_object_get(rule, "properties"), "security-severity"));
    assert_string_equal(jstr(json_object_get(rule, "defaultConfiguration"), "level"), "note");

    res = sarif_result(results, "CVE-2024-0001", "openssl");
    assert_string_equal(jstr(res, "level"), "error");
    assert_string_equal(jstr(json_object_get(res, "message"), "text"),
                        "Package openssl version 3.0.11-1~deb12u2 is vulnerable to CVE-2024-0001 "
                        "(fixed in 3.0.13-1)");
    assert_string_equal(sarif_uri(res), "var/lib/dpkg/status");
    json_t *logical = json_array_get(
        json_object_get(json_array_get(json_object_get(res, "locations"), 0), "logicalLocations"),
        0);
    assert_string_equal(jstr(logical, "name"), "openssl");
    assert_string_equal(jstr(logical, "fullyQualifiedName"), OPENSSL_PURL);
    const char *fp_openssl = sarif_fp(res);
    const char *fp_libssl = sarif_fp(sarif_result(results, "CVE-2024-0001", "libssl3"));
    assert_string_not_equal(fp_openssl, fp_libssl);
    assert_string_equal(jstr(sarif_result(results, "CVE-2023-9999", "zlib1g"), "level"), "note");
    assert_string_equal(
        jstr(json_object_get(sarif_result(results, "CVE-2023-9999", "zlib1g"), "message"), "text"),
        "Package zlib1g version 1:1.2.13.dfsg-1 is vulnerable to CVE-2023-9999 "
        "(the distribution will not fix it)");
    assert_string_equal(jstr(sarif_result(results, "CVE-2024-0003", "libc6"), "level"), "error");
    /* A package the report does not list: located at the target, ':' escaped. */
    res = sarif_result(results, "GHSA-aaaa-bbbb-cccc", "evil\"pkg\nname\xef\xbf\xbd");
    assert_string_equal(sarif_uri(res), "registry.example/app%3A1.0");
    assert_string_equal(jstr(res, "level"), "note");
    json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
    assert_true(json_is_true(json_object_get(inv, "executionSuccessful")));
    assert_int_equal(json_array_size(json_object_get(inv, "toolExecutionNotifications")), 1);

    /* Fingerprints are stable: a second report of the same findings gives the same ones. */
    struct strata_report *r2 = sample();
    char *text2 = render(r2, STRATA_FORMAT_SARIF, &plain);
    assert_string_equal(text, text2);
    free(text2);
    strata_report_free(r2);
    json_decref(j);
    free(text);

    /* Shown suppressed: an external, accepted suppression with the reason. */
    text = render(r, STRATA_FORMAT_SARIF, &with_suppressed);
    dump("vulns-suppressed.sarif.json", text);
    j = parse(text);
    run = sarif_run(j);
    results = json_object_get(run, "results");
    assert_int_equal(json_array_size(results), 7);
    res = sarif_result(results, "CVE-2022-1111", "zlib1g");
    json_t *sup = json_array_get(json_object_get(res, "suppressions"), 0);
    assert_non_null(sup);
    assert_string_equal(jstr(sup, "kind"), "external");
    assert_string_equal(jstr(sup, "status"), "accepted");
    assert_non_null(strstr(jstr(sup, "justification"), VEX_REASON));
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(json_object_get(run, "tool"), "driver"), "rules")),
                     6);
    json_decref(j);
    free(text);
    strata_report_free(r);
}

static void test_sarif_without_findings(void **state)
{
    (void)state;
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    r->target.name = dup("/srv/root fs");
    r->target.kind = dup("filesystem");
    char *text = render(r, STRATA_FORMAT_SARIF, &plain);
    dump("vulns-none.sarif.json", text);
    json_t *j = parse(text);
    json_t *run = sarif_run(j);
    assert_int_equal(json_array_size(json_object_get(run, "results")), 0);
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(json_object_get(run, "tool"), "driver"), "rules")),
                     0);
    assert_null(json_object_get(run, "invocations"));
    json_decref(j);
    free(text);
    strata_report_free(r);
}

static void test_cyclonedx(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    char *text = render(r, STRATA_FORMAT_CYCLONEDX, &plain);
    dump("vulns.cdx.json", text);
    json_t *j = parse(text);
    json_t *comps = json_object_get(j, "components");
    json_t *vulns = json_object_get(j, "vulnerabilities");
    assert_int_equal(json_array_size(vulns), 6);
    size_t i, k;
    json_t *v, *c;
    json_array_foreach(vulns, i, v)
    {
        /* Every affects ref is a component of this BOM; every bom-ref is unique. */
        const char *ref = jstr(json_array_get(json_object_get(v, "affects"), 0), "ref");
        int found = strcmp(ref, jstr(json_object_get(json_object_get(j, "metadata"), "component"),
                                     "bom-ref")) == 0;
        json_array_foreach(comps, k, c)
        {
            found |= strcmp(ref, jstr(c, "bom-ref")) == 0;
            assert_string_not_equal(jstr(v, "bom-ref"), jstr(c, "bom-ref"));
        }
        assert_true(found);
        for (k = i + 1; k < json_array_size(vulns); k++)
            assert_string_not_equal(jstr(v, "bom-ref"), jstr(json_array_get(vulns, k), "bom-ref"));
        assert_null(json_object_get(v, "analysis"));
    }
    json_t *crit = NULL, *med = NULL, *low = NULL, *hostile = NULL;
    json_array_foreach(vulns, i, v)
    {
        const char *id = jstr(v, "id");
        const char *ref = jstr(json_array_get(json_object_get(v, "affects"), 0), "ref");
        if (strcmp(id, "CVE-2024-0001") == 0 && strcmp(ref, OPENSSL_PURL) == 0)
            crit = v;
        else if (strcmp(id, "CVE-2024-0002") == 0)
            med = v;
        else if (strcmp(id, "CVE-2023-9999") == 0)
            low = v;
        else if (strcmp(id, "GHSA-aaaa-bbbb-cccc") == 0)
            hostile = v;
    }
    assert_non_null(crit);
    assert_non_null(med);
    assert_non_null(low);
    assert_non_null(hostile);
    assert_string_equal(jstr(json_object_get(crit, "source"), "name"), "NVD");
    assert_string_equal(jstr(json_object_get(crit, "source"), "url"),
                        "https://nvd.nist.gov/vuln/detail/CVE-2024-0001");
    json_t *rating = json_array_get(json_object_get(crit, "ratings"), 0);
    assert_true(json_real_value(json_object_get(rating, "score")) == 9.8);
    assert_string_equal(jstr(rating, "severity"), "critical");
    assert_string_equal(jstr(rating, "method"), "CVSSv31");
    assert_string_equal(jstr(rating, "vector"), V31);
    assert_string_equal(jstr(crit, "recommendation"), "Upgrade openssl to 3.0.13-1");
    json_t *ref0 = json_array_get(json_object_get(crit, "references"), 0);
    assert_string_equal(jstr(ref0, "id"), "DSA-5600-1");
    assert_string_equal(jstr(json_object_get(ref0, "source"), "url"),
                        "https://security-tracker.debian.org/tracker/DSA-5600-1");
    json_t *ver = json_array_get(
        json_object_get(json_array_get(json_object_get(crit, "affects"), 0), "versions"), 0);
    assert_string_equal(jstr(ver, "version"), "3.0.11-1~deb12u2");
    assert_string_equal(jstr(ver, "status"), "affected");

    rating = json_array_get(json_object_get(med, "ratings"), 0);
    assert_null(json_object_get(rating, "score"));
    assert_string_equal(jstr(rating, "method"), "other");
    assert_string_equal(jstr(rating, "severity"), "medium");
    assert_null(json_object_get(med, "recommendation"));
    assert_string_equal(jstr(json_array_get(json_object_get(low, "ratings"), 0), "method"),
                        "CVSSv3");
    assert_string_equal(jstr(json_array_get(json_object_get(hostile, "ratings"), 0), "severity"),
                        "unknown");
    json_decref(j);
    free(text);

    text = render(r, STRATA_FORMAT_CYCLONEDX, &with_suppressed);
    dump("vulns-suppressed.cdx.json", text);
    j = parse(text);
    vulns = json_object_get(j, "vulnerabilities");
    assert_int_equal(json_array_size(vulns), 7);
    int seen = 0;
    json_array_foreach(vulns, i, v)
    {
        json_t *an = json_object_get(v, "analysis");
        if (strcmp(jstr(v, "id"), "CVE-2022-1111") != 0) {
            assert_null(an);
            continue;
        }
        seen = 1;
        assert_string_equal(jstr(an, "state"), "not_affected");
        assert_string_equal(jstr(an, "detail"), "suppressed by vex: " VEX_REASON);
    }
    assert_true(seen);
    json_decref(j);
    free(text);
    strata_report_free(r);
}

/* Every format handles a finding with every optional string NULL. */
static void test_minimal_finding(void **state)
{
    (void)state;
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    assert_non_null(strata_report_add_vulnerability(r));
    static const enum strata_format fmts[] = {STRATA_FORMAT_TABLE, STRATA_FORMAT_JSON,
                                              STRATA_FORMAT_CYCLONEDX, STRATA_FORMAT_SPDX,
                                              STRATA_FORMAT_SARIF};
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        char *text = render(r, fmts[i], &plain);
        if (fmts[i] != STRATA_FORMAT_TABLE)
            json_decref(parse(text));
        else
            pos(text, "Total: 1 (CRITICAL 0, HIGH 0, MEDIUM 0, LOW 0, UNKNOWN 1)\n");
        if (fmts[i] == STRATA_FORMAT_SARIF)
            dump("vulns-minimal.sarif.json", text);
        if (fmts[i] == STRATA_FORMAT_CYCLONEDX)
            dump("vulns-minimal.cdx.json", text);
        free(text);
    }
    strata_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),      cmocka_unit_test(test_json_scan_without_findings),
        cmocka_unit_test(test_table),     cmocka_unit_test(test_table_without_findings),
        cmocka_unit_test(test_sarif),     cmocka_unit_test(test_sarif_without_findings),
        cmocka_unit_test(test_cyclonedx), cmocka_unit_test(test_minimal_finding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
