/* The scan record store (src/policy/scan_store*.c): where it lives, what a record keeps of a
 * report (counts per severity and fixability, suppressions, checks, licenses, how the scan
 * ran), newest-first reads, pruning, and files that are not a store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/gate.h"
#include "policy/scan_store.h"
#include "strata/report.h"
#include "strata/scan.h"

#define DIG_A "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DIG_B "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char tmpdir[] = "/tmp/strata-test-scanstore.XXXXXX";

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

static const char *tmp_path(const char *name)
{
    static char paths[4][512];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    return p;
}

static char *xdup(const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s)
        assert_non_null(d);
    return d;
}

static void add_vuln(struct strata_report *r, const char *sev, const char *fixed,
                     const char *suppressed_by)
{
    struct strata_vulnerability *v = strata_report_add_vulnerability(r);
    assert_non_null(v);
    v->id = xdup("CVE-2024-0001");
    v->severity = xdup(sev);
    v->fixed_version = xdup(fixed);
    if (suppressed_by) {
        v->suppressed = 1;
        v->suppressed_by = xdup(suppressed_by);
    }
}

static void add_pkg(struct strata_report *r, const char *name, const char *lic1, const char *lic2)
{
    struct strata_package *p = strata_report_add_package(r);
    assert_non_null(p);
    p->name = xdup(name);
    p->version = xdup("1.0");
    p->type = xdup("deb");
    p->licenses = calloc(2, sizeof *p->licenses);
    assert_non_null(p->licenses);
    p->licenses[p->n_licenses++] = xdup(lic1);
    if (lic2)
        p->licenses[p->n_licenses++] = xdup(lic2);
}

static struct strata_report *sample_report(const char *digest)
{
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    r->target.name = xdup("example.com/app:1.0");
    r->target.kind = xdup("docker-archive");
    r->target.digest = xdup(digest);
    r->vuln_scan.ran = 1;
    r->vuln_scan.db_built_at = xdup("2026-01-02T03:04:05Z");
    add_vuln(r, "CRITICAL", "1.2", NULL);
    add_vuln(r, "CRITICAL", NULL, NULL);
    add_vuln(r, "HIGH", NULL, "ignore-unfixed"); /* counted: the policy decides on unfixed */
    add_vuln(r, "HIGH", "2.0", "vex");           /* a deliberate exception */
    add_vuln(r, "LOW", "0.9", NULL);
    add_vuln(r, "weird", NULL, NULL); /* UNKNOWN */
    add_pkg(r, "libc6", "LGPL-2.1-or-later", "GPL-2.0-or-later");
    add_pkg(r, "bash", "GPL-3.0-or-later", NULL);
    add_pkg(r, "zlib1g", "Zlib", NULL);
    add_pkg(r, "libgcc", "GPL-3.0-or-later", NULL);
    assert_int_equal(strata_report_add_misconf(r, "CIS-DI-0001", "4.1", "root", "MEDIUM", NULL, -1,
                                               "runs as root", "USER", "config.User"),
                     0);
    assert_int_equal(strata_report_add_misconf(r, "CIS-DI-0008", "4.8", "setuid", "HIGH",
                                               "/usr/local/bin/find-suid", 2, "setuid", "chmod",
                                               "/usr/local/bin/find-suid"),
                     0);
    struct strata_secret *s = strata_report_add_secret(r);
    assert_non_null(s);
    s->rule_id = xdup("aws-access-key-id");
    return r;
}

static void test_record_and_read(void **state)
{
    (void)state;
    struct strata_error err = {0};
    const char *path = tmp_path("deep/er/scans.db");
    struct strata_report *r = sample_report(DIG_A);
    struct scan_record_meta m = {.source = "app.tar",
                                 .skip = STRATA_SCANNER_SECRETS,
                                 .severity_filter = GATE_SEVERITY_BIT(4) | GATE_SEVERITY_BIT(3),
                                 .scanned_at = 1767000000,
                                 .tool_version = "0.1.0"};
    assert_int_equal(scan_store_record(path, r, &m, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(tmp_path("deep/er"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    struct scan_store *s;
    assert_int_equal(scan_store_open(path, 0, &s, &err), 0);
    struct scan_record rec;
    int found;
    assert_int_equal(scan_store_latest(s, DIG_A, &rec, &found, &err), 0);
    assert_true(found);
    assert_string_equal(rec.reference, "example.com/app:1.0");
    assert_string_equal(rec.source, "app.tar");
    assert_string_equal(rec.kind, "docker-archive");
    assert_string_equal(rec.digest, DIG_A);
    assert_int_equal(rec.scanned_at, 1767000000);
    assert_string_equal(rec.db_built_at, "2026-01-02T03:04:05Z");
    assert_int_equal(rec.vulns_checked, 1);
    assert_int_equal(rec.secrets_checked, 0);
    assert_int_equal(rec.checks_checked, 1);
    assert_int_equal(rec.severity_filter, GATE_SEVERITY_BIT(4) | GATE_SEVERITY_BIT(3));
    assert_int_equal(rec.packages, 4);
    assert_int_equal(rec.vulns[4], 2);
    assert_int_equal(rec.fixable[4], 1);
    assert_int_equal(rec.vulns[3], 1);
    assert_int_equal(rec.fixable[3], 0);
    assert_int_equal(rec.vulns[1], 1);
    assert_int_equal(rec.fixable[1], 1);
    assert_int_equal(rec.vulns[0], 1);
    assert_int_equal(rec.suppressed, 1);
    assert_int_equal(rec.secrets, 1);
    assert_int_equal(rec.misconfigurations, 2);
    assert_string_equal(rec.strata_version, "0.1.0");
    assert_int_equal(rec.n_checks, 2);
    assert_string_equal(rec.checks[0].id, "CIS-DI-0001");
    assert_null(rec.checks[0].path);
    assert_string_equal(rec.checks[1].path, "/usr/local/bin/find-suid");
    assert_string_equal(rec.checks[1].severity, "HIGH");
    assert_int_equal(rec.n_licenses, 4);
    assert_string_equal(rec.licenses[0].expression, "LGPL-2.1-or-later");
    assert_string_equal(rec.licenses[2].expression, "GPL-3.0-or-later");
    assert_int_equal(rec.licenses[2].packages, 2);
    assert_string_equal(rec.licenses[2].example, "bash 1.0");
    scan_record_release(&rec);
    assert_int_equal(scan_store_latest(s, DIG_B, &rec, &found, &err), 0);
    assert_false(found);
    scan_store_close(s);
    strata_report_free(r);
}

static void test_newest_and_prune(void **state)
{
    (void)state;
    struct strata_error err = {0};
    const char *path = tmp_path("prune.db");
    struct scan_store *s;
    assert_int_equal(scan_store_open(path, 1, &s, &err), 0);
    struct strata_report *a = sample_report(DIG_A), *b = sample_report(DIG_B);
    /* out of order on purpose: "newest" is by scan time, not by insertion */
    for (int i = 0; i < SCAN_STORE_KEEP + 5; i++) {
        struct scan_record_meta m = {.source = "a", .scanned_at = 1000 + (i * 7919) % 1000};
        int64_t id;
        assert_int_equal(scan_store_add(s, a, &m, &id, &err), 0);
        assert_true(id > 0);
    }
    struct scan_record_meta mb = {.source = "b", .scanned_at = 5000};
    assert_int_equal(scan_store_add(s, b, &mb, NULL, &err), 0);
    struct scan_record *v;
    size_t n;
    assert_int_equal(scan_store_list(s, DIG_A, 0, &v, &n, &err), 0);
    assert_int_equal(n, SCAN_STORE_KEEP);
    for (size_t i = 1; i < n; i++)
        assert_true(v[i - 1].scanned_at >= v[i].scanned_at);
    int64_t newest = v[0].scanned_at;
    for (size_t i = 0; i < n; i++)
        scan_record_release(&v[i]);
    free(v);
    struct scan_record rec;
    int found;
    assert_int_equal(scan_store_latest(s, DIG_A, &rec, &found, &err), 0);
    assert_int_equal(rec.scanned_at, newest);
    assert_int_equal(rec.n_checks, 2); /* the survivors kept their checks */
    scan_record_release(&rec);
    /* every image, newest first, limited */
    assert_int_equal(scan_store_list(s, NULL, 3, &v, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].digest, DIG_B);
    for (size_t i = 0; i < n; i++)
        scan_record_release(&v[i]);
    free(v);
    /* pruned records took their checks and licenses along */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM scan_checks WHERE scan NOT IN "
                                        "(SELECT id FROM scans)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* a report without digest (strata fs) is not recorded */
    free(a->target.digest);
    a->target.digest = NULL;
    assert_int_equal(scan_store_add(s, a, &mb, NULL, &err), STRATA_EUSAGE);
    scan_store_close(s);
    strata_report_free(a);
    strata_report_free(b);
}

static void test_not_a_store(void **state)
{
    (void)state;
    struct strata_error err = {0};
    struct scan_store *s;
    assert_int_equal(scan_store_open(tmp_path("absent.db"), 0, &s, &err), STRATA_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no scan records yet"));
    const char *junk = tmp_path("junk.db");
    FILE *f = fopen(junk, "w");
    assert_non_null(f);
    fputs("this is not sqlite, not at all, not a single page of it............", f);
    fclose(f);
    assert_int_equal(scan_store_open(junk, 0, &s, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "junk.db"));
    /* another schema version */
    const char *other = tmp_path("other.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                                  "INSERT INTO meta VALUES('schema_version', '99');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(scan_store_open(other, 1, &s, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "schema version 99"));
    /* a directory */
    assert_int_equal(scan_store_open(tmpdir, 0, &s, &err), STRATA_EFORMAT);
}

static void test_default_path(void **state)
{
    (void)state;
    char p[4096];
    setenv("STRATA_SCANS_DB", "/x/y/s.db", 1);
    assert_int_equal(scan_store_default_path(p, sizeof p), 0);
    assert_string_equal(p, "/x/y/s.db");
    unsetenv("STRATA_SCANS_DB");
    setenv("STRATA_DB", "/data/vuln/strata.db", 1);
    assert_int_equal(scan_store_default_path(p, sizeof p), 0);
    assert_string_equal(p, "/data/vuln/scans.db");
    unsetenv("STRATA_DB");
    setenv("XDG_CACHE_HOME", "/cache", 1);
    assert_int_equal(scan_store_default_path(p, sizeof p), 0);
    assert_string_equal(p, "/cache/strata/db/scans.db");
    assert_int_equal(scan_store_default_path(p, 8), STRATA_ELIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_and_read),
        cmocka_unit_test(test_newest_and_prune),
        cmocka_unit_test(test_not_a_store),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
