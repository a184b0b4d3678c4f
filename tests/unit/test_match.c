/* Unit tests for OSV range evaluation (src/vulndb/osv_range.c) and the matcher
 * (src/vulndb/match.c) on a small database built from inline feed records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "strata/vulnscan.h"
#include "vulndb/osv_range.h"
#include "vulndb/vulndb.h"

static void eval(const char *ranges, const char *versions, enum strata_version_type t,
                 const char *v, int want_affected, const char *want_fixed)
{
    struct osv_verdict out;
    struct strata_error err = {0};
    assert_int_equal(osv_evaluate(ranges, versions, t, v, &out, &err), 0);
    if (out.affected != want_affected)
        fail_msg("%s in %s: affected %d, want %d", v, ranges, out.affected, want_affected);
    assert_string_equal(out.fixed, want_fixed);
}

#define ECO(events) "[{\"type\":\"ECOSYSTEM\",\"events\":[" events "]}]"

static void test_introduced_fixed(void **state)
{
    (void)state;
    const char *r = ECO("{\"introduced\":\"0\"},{\"fixed\":\"1.2-1\"}");
    eval(r, "[]", STRATA_VERSION_DEB, "1.1-1", 1, "1.2-1");
    eval(r, "[]", STRATA_VERSION_DEB, "1.2-1~deb11u1", 1, "1.2-1");
    eval(r, "[]", STRATA_VERSION_DEB, "1.2-1", 0, "");
    eval(r, "[]", STRATA_VERSION_DEB, "1:0.1", 0, "");
    /* the fixed version has an epoch the installed one lacks */
    eval(ECO("{\"introduced\":\"0\"},{\"fixed\":\"1:1.2.11\"}"), "[]", STRATA_VERSION_DEB, "1.2.13",
         1, "1:1.2.11");
}

static void test_several_intervals_any_order(void **state)
{
    (void)state;
    const char *r = ECO("{\"fixed\":\"2.3\"},{\"introduced\":\"2.0\"},{\"introduced\":\"1.0\"},"
                        "{\"fixed\":\"1.5\"}");
    eval(r, "[]", STRATA_VERSION_APK, "0.9", 0, "");
    eval(r, "[]", STRATA_VERSION_APK, "1.0", 1, "1.5");
    eval(r, "[]", STRATA_VERSION_APK, "1.7", 0, "");
    eval(r, "[]", STRATA_VERSION_APK, "2.1-r3", 1, "2.3");
    eval(r, "[]", STRATA_VERSION_APK, "2.3", 0, "");
}

static void test_last_affected_limit_versions(void **state)
{
    (void)state;
    const char *r = ECO("{\"introduced\":\"0\"},{\"last_affected\":\"1.4\"}");
    eval(r, "[]", STRATA_VERSION_DEB, "1.4", 1, "");
    eval(r, "[]", STRATA_VERSION_DEB, "1.4.1", 0, "");
    const char *l = ECO("{\"introduced\":\"0\"},{\"limit\":\"2.0\"}");
    eval(l, "[]", STRATA_VERSION_DEB, "1.9", 1, "");
    eval(l, "[]", STRATA_VERSION_DEB, "2.0", 0, "");
    /* a "*" limit is no limit (it used to make the whole range unjudgeable) */
    eval(ECO("{\"introduced\":\"0\"},{\"limit\":\"*\"}"), "[]", STRATA_VERSION_DEB, "9.9", 1, "");
    eval("[]", "[\"3.1\",\"3.3\"]", STRATA_VERSION_DEB, "3.3", 1, "");
    eval("[]", "[\"3.1\",\"3.3\"]", STRATA_VERSION_DEB, "3.2", 0, "");
}

static void test_semver_go_and_git(void **state)
{
    (void)state;
    const char *r = "[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},"
                    "{\"fixed\":\"1.20.5\"}]}]";
    eval(r, "[]", STRATA_VERSION_GO, "v1.19.8", 1, "1.20.5");
    eval(r, "[]", STRATA_VERSION_GO, "1.20.5", 0, "");
    struct osv_verdict out;
    /* a fixed version the comparator rejects: counted and named, never silently dropped */
    assert_int_equal(osv_evaluate(ECO("{\"introduced\":\"0\"},{\"fixed\":\"1.0-x\"}"), "[]",
                                  STRATA_VERSION_APK, "0.9", &out, NULL),
                     0);
    assert_int_equal(out.affected, 0);
    assert_int_equal(out.invalid, 1);
    assert_string_equal(out.invalid_version, "1.0-x");
    assert_int_equal(osv_evaluate("[{\"type\":\"GIT\",\"repo\":\"x\",\"events\":[{\"introduced\":"
                                  "\"abc\"}]}]",
                                  "[]", STRATA_VERSION_PEP440, "1.0", &out, NULL),
                     0);
    assert_int_equal(out.affected, 0);
    assert_int_equal(out.skipped, 1);
    struct strata_error err = {0};
    assert_int_equal(osv_evaluate("[{", "[]", STRATA_VERSION_DEB, "1", &out, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "malformed"));
}

/* ---- matcher on a database built from inline records ---- */

static char dir[64];
static char dbpath[128];

static void write_file(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup_db(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/strata-test-match.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    char src[128];
    snprintf(src, sizeof src, "%s/osv", dir);
    if (mkdir(src, 0700) != 0)
        return -1;
    /* Two advisories for openssl sharing CVE-2022-0001 (merged), one unrelated fixed long
     * ago, one for a package we do not have, one withdrawn. */
    write_file("osv/DSA-5100-1.json",
               "{\"id\":\"DSA-5100-1\",\"modified\":\"2022-03-01T00:00:00Z\",\"summary\":"
               "\"openssl - security update\",\"upstream\":[\"CVE-2022-0001\",\"CVE-2022-0002\"],"
               "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"openssl\"},"
               "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
               "{\"fixed\":\"1.1.1n-0+deb11u1\"}]}]}]}");
    write_file("osv/DSA-5200-1.json",
               "{\"id\":\"DSA-5200-1\",\"modified\":\"2022-07-01T00:00:00Z\",\"upstream\":"
               "[\"CVE-2022-0001\",\"CVE-2022-0003\"],\"severity\":[{\"type\":\"CVSS_V3\","
               "\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\"}],"
               "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"openssl\"},"
               "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
               "{\"fixed\":\"1.1.1n-0+deb11u3\"}]}]}]}");
    write_file("osv/DSA-4000-1.json",
               "{\"id\":\"DSA-4000-1\",\"modified\":\"2017-01-01T00:00:00Z\",\"upstream\":"
               "[\"CVE-2017-1\"],\"affected\":[{\"package\":{\"ecosystem\":\"Debian:11\","
               "\"name\":\"openssl\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":"
               "[{\"introduced\":\"0\"},{\"fixed\":\"1.0.2\"}]}]}]}");
    write_file("osv/DSA-4002-1.json",
               "{\"id\":\"DSA-4002-1\",\"modified\":\"2017-01-01T00:00:00Z\",\"affected\":"
               "[{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"weird\"},\"ranges\":"
               "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":"
               "\"1.0 beta\"}]}]}]}");
    /* Language advisories for the OS-ownership rules. */
    write_file("osv/NSWG-ECO-516.json",
               "{\"id\":\"NSWG-ECO-516\",\"modified\":\"2020-07-01T00:00:00Z\",\"affected\":"
               "[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"lodash\"},\"ranges\":[{\"type\":"
               "\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"4.17.19\"}]}]}]}");
    write_file("osv/GO-2023-1751.json",
               "{\"id\":\"GO-2023-1751\",\"modified\":\"2023-05-01T00:00:00Z\",\"affected\":"
               "[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"stdlib\"},\"ranges\":[{\"type\":"
               "\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.19.9\"}]}]}]}");
    write_file("osv/PYSEC-2019-1.json",
               "{\"id\":\"PYSEC-2019-1\",\"modified\":\"2019-01-01T00:00:00Z\",\"affected\":"
               "[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Zope.Interface\"},\"ranges\":[{"
               "\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":"
               "\"5.0rc1\"}]}]}]}");
    write_file("osv/GHSA-rack.json",
               "{\"id\":\"GHSA-rack\",\"modified\":\"2023-01-01T00:00:00Z\",\"affected\":"
               "[{\"package\":{\"ecosystem\":\"RubyGems\",\"name\":\"rack\"},\"ranges\":[{"
               "\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"2.2.0\"},{\"fixed\":"
               "\"2.2.6.4\"}]}]}]}");
    write_file("osv/DSA-4001-1.json",
               "{\"id\":\"DSA-4001-1\",\"modified\":\"2017-01-01T00:00:00Z\",\"withdrawn\":"
               "\"2017-02-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":"
               "\"Debian:11\",\"name\":\"openssl\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
               "\"events\":[{\"introduced\":\"0\"}]}]}]}");
    snprintf(dbpath, sizeof dbpath, "%s/db.sqlite", dir);
    char *sources[] = {src};
    struct vulndb_build_options opt = {0};
    struct strata_error err = {0};
    if (vulndb_build(dbpath, sources, 1, &opt, &err) != 0) {
        fprintf(stderr, "build: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown_db(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct strata_package *add_pkg(struct strata_report *r, const char *name,
                                      const char *version, const char *src, const char *srcver,
                                      int layer)
{
    struct strata_package *p = strata_report_add_package(r);
    assert_non_null(p);
    p->name = strdup(name);
    p->version = strdup(version);
    p->type = strdup("deb");
    p->source_name = strdup(src);
    p->source_version = strdup(srcver);
    p->layer_index = layer;
    return p;
}

static struct strata_report *debian_report(const char *version)
{
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    r->os.family = strdup("debian");
    r->os.version = strdup(version);
    return r;
}

static void test_match_merges_aliases(void **state)
{
    (void)state;
    struct strata_report *r = debian_report("11");
    add_pkg(r, "libssl1.1", "1.1.1k-1+b1", "openssl", "1.1.1k-1", 1);
    add_pkg(r, "openssl", "1.1.1n-0+deb11u3", "openssl", "1.1.1n-0+deb11u3", 0);
    struct strata_error err = {0};
    assert_int_equal(strata_match_vulnerabilities(r, dbpath, NULL, &err), 0);
    assert_int_equal(r->vuln_scan.ran, 1);
    /* libssl1.1 at source 1.1.1k-1 is hit by both DSAs; they share CVE-2022-0001. */
    assert_int_equal(r->n_vulnerabilities, 1);
    const struct strata_vulnerability *v = &r->vulnerabilities[0];
    assert_string_equal(v->id, "DSA-5100-1");
    assert_int_equal(v->n_aliases, 4);
    assert_string_equal(v->aliases[0], "CVE-2022-0001");
    assert_string_equal(v->aliases[1], "CVE-2022-0002");
    assert_string_equal(v->aliases[2], "CVE-2022-0003");
    assert_string_equal(v->aliases[3], "DSA-5200-1");
    assert_string_equal(v->package_name, "libssl1.1");
    assert_string_equal(v->package_version, "1.1.1k-1+b1");
    assert_string_equal(v->source_name, "openssl");
    assert_string_equal(v->fixed_version, "1.1.1n-0+deb11u3");
    assert_string_equal(v->status, "fixed");
    assert_string_equal(v->severity, "HIGH");
    assert_string_equal(v->severity_source, "cvss_v3");
    assert_true(v->cvss_score > 7.49 && v->cvss_score < 7.51);
    assert_int_equal(v->layer_index, 1);
    assert_string_equal(v->data_source, "osv:Debian:11");
    strata_report_free(r);
}

static void test_match_warns_without_data(void **state)
{
    (void)state;
    struct strata_report *r = debian_report("12");
    add_pkg(r, "libssl3", "3.0.11-1~deb12u2", "openssl", "3.0.11-1~deb12u2", 0);
    struct strata_error err = {0};
    assert_int_equal(strata_match_vulnerabilities(r, dbpath, NULL, &err), 0);
    assert_int_equal(r->n_vulnerabilities, 0);
    assert_int_equal(r->vuln_scan.n_warnings, 1);
    assert_non_null(strstr(r->vuln_scan.warnings[0], "no data for Debian:12"));
    strata_report_free(r);

    r = debian_report("11");
    add_pkg(r, "weird", "0.9-1", "weird", "0.9-1", 0);
    assert_int_equal(strata_match_vulnerabilities(r, dbpath, NULL, &err), 0);
    assert_int_equal(r->n_vulnerabilities, 0);
    assert_int_equal(r->vuln_scan.n_warnings, 1);
    assert_non_null(strstr(r->vuln_scan.warnings[0],
                           "weird 0.9-1: advisory DSA-4002-1 has a version that is not "
                           "comparable ('1.0 beta')"));
    strata_report_free(r);

    r = debian_report("11");
    add_pkg(r, "x", "not a version!", "x", "not a version!", 0);
    assert_int_equal(strata_match_vulnerabilities(r, dbpath, NULL, &err), 0);
    assert_int_equal(r->vuln_scan.n_warnings, 1);
    assert_non_null(strstr(r->vuln_scan.warnings[0], "not checked"));
    strata_report_free(r);
}

static struct strata_package *add_lang(struct strata_report *r, const char *type, const char *name,
                                       const char *version, const char *owner, int compiled_in)
{
    struct strata_package *p = strata_report_add_package(r);
    assert_non_null(p);
    p->name = strdup(name);
    p->version = strdup(version);
    p->type = strdup(type);
    p->os_package = owner ? strdup(owner) : NULL;
    p->compiled_in = compiled_in;
    return p;
}

/* A language package in a file an OS package owns is listed, not matched, unless asked;
 * what is compiled into a binary is matched whoever owns the binary. */
static void test_os_owned_not_matched_by_default(void **state)
{
    (void)state;
    struct strata_report *r = debian_report("11");
    add_lang(r, "npm", "lodash", "4.17.15", "node-lodash", 0);
    add_lang(r, "golang", "stdlib", "1.19.8", "age", 1);
    struct strata_error err = {0};
    assert_int_equal(strata_match_vulnerabilities(r, dbpath, NULL, &err), 0);
    assert_int_equal(r->n_vulnerabilities, 1);
    assert_string_equal(r->vulnerabilities[0].id, "GO-2023-1751");
    struct strata_match_options all = {.include_os_owned = 1};
    assert_int_equal(strata_match_vulnerabilities(r, dbpath, &all, &err), 0);
    assert_int_equal(r->n_vulnerabilities, 2);
    int lodash = 0;
    for (size_t i = 0; i < r->n_vulnerabilities; i++)
        lodash += strcmp(r->vulnerabilities[i].id, "NSWG-ECO-516") == 0;
    assert_int_equal(lodash, 1);
    strata_report_free(r);
}

/* PyPI names are compared in their PEP 503 form whatever the input spells; RubyGems
 * versions with the gem comparator (2.2.6 < 2.2.6.4 < 2.2.7, 2.2.6.4.pre < 2.2.6.4). */
static void test_pypi_names_and_gems(void **state)
{
    (void)state;
    struct strata_report *r = debian_report("11");
    add_lang(r, "pypi", "zope_interface", "4.7.1", NULL, 0);
    add_lang(r, "pypi", "Zope.Interface", "5.0", NULL, 0);
    add_lang(r, "gem", "rack", "2.2.6", NULL, 0);
    add_lang(r, "gem", "rack", "2.2.7", NULL, 0);
    add_lang(r, "gem", "rack", "2.2.6.4.pre", NULL, 0);
    struct strata_error err = {0};
    assert_int_equal(strata_match_vulnerabilities(r, dbpath, NULL, &err), 0);
    assert_int_equal(r->n_vulnerabilities, 3);
    int zope = 0, rack = 0;
    for (size_t i = 0; i < r->n_vulnerabilities; i++) {
        const struct strata_vulnerability *v = &r->vulnerabilities[i];
        if (strcmp(v->id, "PYSEC-2019-1") == 0) {
            zope++;
            assert_string_equal(v->package_version, "4.7.1");
            assert_string_equal(v->fixed_version, "5.0rc1");
        } else {
            assert_string_equal(v->id, "GHSA-rack");
            assert_true(strcmp(v->package_version, "2.2.6") == 0 ||
                        strcmp(v->package_version, "2.2.6.4.pre") == 0);
            rack++;
        }
    }
    assert_int_equal(zope, 1);
    assert_int_equal(rack, 2);
    strata_report_free(r);
}

static void test_stale_database_warns(void **state)
{
    (void)state;
    char stale[160];
    snprintf(stale, sizeof stale, "%s/stale.sqlite", dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp %s %s", dbpath, stale);
    assert_int_equal(system(cmd), 0);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(stale, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE meta SET value = '2020-01-01T00:00:00Z' WHERE key = "
                                  "'built_at'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    struct strata_report *r = debian_report("11");
    struct strata_error err = {0};
    assert_int_equal(strata_match_vulnerabilities(r, stale, NULL, &err), 0);
    assert_int_equal(r->vuln_scan.n_warnings, 1);
    assert_non_null(strstr(r->vuln_scan.warnings[0], "days ago (2020-01-01T00:00:00Z)"));
    assert_non_null(strstr(r->vuln_scan.warnings[0], "strata db update"));
    assert_string_equal(r->vuln_scan.db_built_at, "2020-01-01T00:00:00Z");
    strata_report_free(r);
}

static void test_missing_database(void **state)
{
    (void)state;
    struct strata_report *r = debian_report("11");
    struct strata_error err = {0};
    assert_int_equal(strata_match_vulnerabilities(r, "/nonexistent/strata.db", NULL, &err),
                     STRATA_ENOTFOUND);
    assert_non_null(strstr(err.msg, "strata db update"));
    strata_report_free(r);
}

int main(void)
{
    const struct CMUnitTest range_tests[] = {
        cmocka_unit_test(test_introduced_fixed),
        cmocka_unit_test(test_several_intervals_any_order),
        cmocka_unit_test(test_last_affected_limit_versions),
        cmocka_unit_test(test_semver_go_and_git),
    };
    const struct CMUnitTest match_tests[] = {
        cmocka_unit_test(test_match_merges_aliases),
        cmocka_unit_test(test_match_warns_without_data),
        cmocka_unit_test(test_stale_database_warns),
        cmocka_unit_test(test_os_owned_not_matched_by_default),
        cmocka_unit_test(test_pypi_names_and_gems),
        cmocka_unit_test(test_missing_database),
    };
    int failed = cmocka_run_group_tests_name("osv_range", range_tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("match", match_tests, setup_db, teardown_db);
    return failed;
}
