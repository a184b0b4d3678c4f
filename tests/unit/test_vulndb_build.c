/* Unit tests: the vulnerability database builder. Small OSV records, Debian tracker data and
 * Alpine secdb files are written to a temporary directory, built with vulndb_build_ex, and the
 * resulting rows are compared exactly. Also: the Alpine identifier splitter, PEP 503 names,
 * atomic failure, vulndb_open's checks and vulndb_default_path's precedence. */
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

#include "core/strbuf.h"
#include "vulndb/import.h"
#include "vulndb/vulndb.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/strata-vulndb-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *path_of(const char *name)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
    return buf[i];
}

static void write_file(const char *name, const char *text)
{
    const char *p = path_of(name);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", p);
    for (char *q = dir + strlen(tmpdir) + 1; *q; q++) {
        if (*q == '/') {
            *q = '\0';
            mkdir(dir, 0755);
            *q = '/';
        }
    }
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static int build1(const char *out, const char *src, struct vulndb_build_stats *stats,
                  struct strata_error *err)
{
    char *srcs[1] = {path_of(src)};
    struct vulndb_build_options opt = {.tool_version = "test"};
    return vulndb_build_ex(path_of(out), srcs, 1, &opt, stats, err);
}

/* All rows of a query, '|'-separated fields, '\n'-terminated lines. */
static char *rows(const char *db_name, const char *sql)
{
    sqlite3 *db;
    struct strata_error err = {0};
    int rc = vulndb_open(path_of(db_name), &db, &err);
    if (rc != 0)
        fail_msg("vulndb_open: %s", err.msg);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    struct strbuf sb = STRBUF_INIT;
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            assert_int_equal(strbuf_addf(&sb, "%s%s", i ? "|" : "", t ? (const char *)t : "NULL"),
                             0);
        }
        assert_int_equal(strbuf_addch(&sb, '\n'), 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    char *s = strbuf_detach(&sb);
    assert_non_null(s);
    return s;
}

static void assert_rows(const char *db, const char *sql, const char *want)
{
    char *got = rows(db, sql);
    if (strcmp(got, want) != 0)
        fail_msg("query: %s\nwant:\n%s\ngot:\n%s", sql, want, got);
    free(got);
}

static const char osv_go[] =
    "{\"schema_version\":\"1.3.1\",\"id\":\"GO-2022-0001\",\"modified\":\"2023-01-02T03:04:05Z\","
    "\"published\":\"2022-01-01T00:00:00Z\",\"aliases\":[\"CVE-2022-1111\",\"GHSA-aaaa-bbbb-cccc\","
    "\"GO-2022-0001\"],\"upstream\":[\"CVE-2022-1111\",\"CVE-2022-2222\"],"
    "\"summary\":\"Panic in example.com/m\",\"details\":\"long text\","
    "\"severity\":[{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:N\"},"
    "{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/m\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.2.3\"},"
    "{\"introduced\":\"2.0.0\"}]}],\"ecosystem_specific\":{\"imports\":[]}},"
    "{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/n\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"1.0.0\"},"
    "{\"last_affected\":\"1.4.0\"}]}]},"
    "{\"ranges\":[{\"type\":\"GIT\",\"repo\":\"https://"
    "x\",\"events\":[{\"introduced\":\"0\"}]}]}]}";

static const char osv_pypi[] =
    "{\"id\":\"PYSEC-2021-9\",\"modified\":\"2021-06-01T10:00:00.123456Z\","
    "\"details\":\"First line of the details.\\nSecond line.\","
    "\"severity\":[{\"type\":\"CVSS_V2\",\"score\":\"AV:N/AC:L/Au:N/C:P/I:P/A:P\"}],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Zope.Interface__Extra\"},"
    "\"ranges\":[{\"type\":\"GIT\",\"repo\":\"https://github.com/x/y\",\"events\":"
    "[{\"introduced\":\"0\"},{\"fixed\":\"abc123\"}]},{\"type\":\"ECOSYSTEM\",\"events\":"
    "[{\"introduced\":\"0\"},{\"last_affected\":\"4.1\"}]}],\"versions\":[\"4.0\",\"4.1\"]},"
    "{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"loguru\"}}]}";

static const char osv_withdrawn[] =
    "{\"id\":\"PYSEC-2022-15\",\"modified\":\"2022-01-29T16:47:14Z\","
    "\"withdrawn\":\"2022-02-22T16:15:07Z\",\"aliases\":[\"CVE-2022-0329\"],"
    "\"affected\":[{\"package\":{\"name\":\"loguru\",\"ecosystem\":\"PyPI\"}}]}";

static void test_osv_directory(void **state)
{
    (void)state;
    write_file("osv/GO-2022-0001.json", osv_go);
    write_file("osv/py/PYSEC-2021-9.json", osv_pypi);
    write_file("osv/py/PYSEC-2022-15.json", osv_withdrawn);
    write_file("osv/notes.txt", "not JSON, not *.json: ignored");
    struct vulndb_build_stats stats;
    struct strata_error err = {0};
    int rc = build1("osv.db", "osv", &stats, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(stats.advisories, 2);
    assert_int_equal(stats.withdrawn, 1);
    assert_int_equal(stats.documents, 3);
    assert_int_equal(stats.affected, 4);
    assert_rows("osv.db",
                "SELECT advisory_id, summary, published, modified, cvss_v3 FROM advisories "
                "ORDER BY id",
                "GO-2022-0001|Panic in example.com/m|2022-01-01T00:00:00Z|2023-01-02T03:04:05Z|"
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
                "PYSEC-2021-9|First line of the details.|NULL|2021-06-01T10:00:00.123456Z|NULL\n");
    assert_rows("osv.db",
                "SELECT a.advisory_id, l.alias FROM aliases l JOIN advisories a ON a.id = "
                "l.advisory ORDER BY 1, 2",
                "GO-2022-0001|CVE-2022-1111\nGO-2022-0001|CVE-2022-2222\n"
                "GO-2022-0001|GHSA-aaaa-bbbb-cccc\n");
    assert_rows(
        "osv.db",
        "SELECT ecosystem, package, status, severity, ranges, versions FROM affected ORDER BY id",
        "Go|example.com/m|fixed|NULL|[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},"
        "{\"fixed\":\"1.2.3\"},{\"introduced\":\"2.0.0\"}]}]|[]\n"
        "Go|example.com/n|affected|NULL|[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":"
        "\"1.0.0\"},{\"last_affected\":\"1.4.0\"}]}]|[]\n"
        "PyPI|zope-interface-extra|fixed|NULL|[{\"type\":\"GIT\",\"repo\":\"https://github.com/x/"
        "y\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"abc123\"}]},{\"type\":\"ECOSYSTEM\","
        "\"events\":[{\"introduced\":\"0\"},{\"last_affected\":\"4.1\"}]}]|[\"4.0\",\"4.1\"]\n"
        "PyPI|loguru|affected|NULL|[]|[]\n");
    char want[1024];
    snprintf(want, sizeof want, "osv|%s|2|2023-01-02T03:04:05Z|Go,PyPI\n", path_of("osv"));
    assert_rows("osv.db", "SELECT kind, location, records, newest, ecosystems FROM sources", want);
    assert_rows("osv.db", "SELECT key, value FROM meta WHERE key != 'built_at' ORDER BY key",
                "schema_version|1\nstrata_version|test\n");
    assert_rows("osv.db",
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE "
                "'sqlite_autoindex%'",
                "affected_lookup\n");
}

static const char tracker[] =
    "{\"openssl\":{\"CVE-2023-0286\":{\"description\":\"Type confusion in X.400\",\"releases\":{"
    "\"buster\":{\"status\":\"resolved\",\"fixed_version\":\"1.1.1n-0+deb10u4\","
    "\"urgency\":\"high**\"},"
    "\"bookworm\":{\"status\":\"resolved\",\"fixed_version\":\"0\",\"urgency\":\"low\"},"
    "\"sid\":{\"status\":\"resolved\",\"fixed_version\":\"3.0.8-1\",\"urgency\":\"high\"}}}},"
    "\"linux\":{\"CVE-2013-7445\":{\"releases\":{"
    "\"bullseye\":{\"status\":\"open\",\"urgency\":\"unimportant\",\"nodsa\":\"Minor\","
    "\"nodsa_reason\":\"ignored\"},"
    "\"lenny\":{\"status\":\"open\",\"urgency\":\"end-of-life\"},"
    "\"hamm\":{\"status\":\"open\",\"urgency\":\"medium*\",\"nodsa_reason\":\"postponed\"},"
    "\"bookworm\":{\"status\":\"undetermined\",\"urgency\":\"not yet assigned\"}}},"
    "\"CVE-2023-0286\":{\"releases\":{\"potato\":{\"status\":\"open\","
    "\"urgency\":\"not yet assigned\",\"nodsa_reason\":\"\"},"
    "\"squeeze\":{\"status\":\"open\"}}}},"
    "\"glibc\":{\"TEMP-0000000-1\":{\"releases\":{\"bullseye\":{\"status\":\"undetermined\"}}}}}";

static void test_debian_tracker(void **state)
{
    (void)state;
    write_file("tracker.json", tracker);
    struct vulndb_build_stats stats;
    struct strata_error err = {0};
    int rc = build1("tracker.db", "tracker.json", &stats, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(stats.not_affected, 1);
    assert_int_equal(stats.unknown_releases, 1);
    assert_int_equal(stats.undetermined, 2);
    assert_rows("tracker.db", "SELECT advisory_id, summary FROM advisories ORDER BY 1",
                "CVE-2013-7445|NULL\nCVE-2023-0286|Type confusion in X.400\n");
    assert_rows(
        "tracker.db",
        "SELECT a.advisory_id, f.ecosystem, f.package, f.status, f.severity, f.ranges, "
        "f.versions FROM affected f JOIN advisories a ON a.id = f.advisory ORDER BY f.id",
        "CVE-2023-0286|Debian:10|openssl|fixed|HIGH|[{\"type\":\"ECOSYSTEM\",\"events\":"
        "[{\"introduced\":\"0\"},{\"fixed\":\"1.1.1n-0+deb10u4\"}]}]|[]\n"
        "CVE-2013-7445|Debian:11|linux|will_not_fix|LOW|[{\"type\":\"ECOSYSTEM\",\"events\":"
        "[{\"introduced\":\"0\"}]}]|[]\n"
        "CVE-2013-7445|Debian:5.0|linux|affected|UNKNOWN|[{\"type\":\"ECOSYSTEM\",\"events\":"
        "[{\"introduced\":\"0\"}]}]|[]\n"
        "CVE-2013-7445|Debian:2.0|linux|fix_deferred|MEDIUM|[{\"type\":\"ECOSYSTEM\",\"events\":"
        "[{\"introduced\":\"0\"}]}]|[]\n"
        "CVE-2023-0286|Debian:2.2|linux|affected|UNKNOWN|[{\"type\":\"ECOSYSTEM\",\"events\":"
        "[{\"introduced\":\"0\"}]}]|[]\n"
        "CVE-2023-0286|Debian:6|linux|affected|NULL|[{\"type\":\"ECOSYSTEM\",\"events\":"
        "[{\"introduced\":\"0\"}]}]|[]\n");
    assert_rows("tracker.db", "SELECT kind, records, newest, ecosystems FROM sources",
                "debian-tracker|2|NULL|Debian:10,Debian:11,Debian:2.0,Debian:2.2,Debian:5.0,"
                "Debian:6\n");
}

static const char secdb_main[] =
    "{\"distroversion\":\"v3.11\",\"reponame\":\"main\",\"archs\":[\"x86_64\"],"
    "\"packages\":[{\"pkg\":{\"name\":\"xen\",\"secfixes\":{"
    "\"4.7.0-r1\":[\"CVE-2016-6258 XSA-182\",\"CVE-?\?\?\?-?\?\?\?\?  XSA-284\"],"
    "\"4.7.0-r0\":null,\"0\":[\"CVE-2015-0001\"]}}},"
    "{\"pkg\":{\"name\":\"tcpdump\",\"secfixes\":{\"4.9.3-r0\":[\"CVE-2018-14461 (LDP)\","
    "\"CVE 2018-16859\",\"CVE-2017-8073.patch\",\"CVE_2019-2426\",\"CVE-2017-17434-1\","
    "\"XPTI\",\"CVE-2016-6258\"]}}},"
    "{\"pkg\":{\"name\":\"nosec\"}}]}";

static const char secdb_community[] =
    "{\"distroversion\":\"v3.3\",\"reponame\":\"community\",\"archs\":[],\"packages\":null}";

static void test_alpine_secdb(void **state)
{
    (void)state;
    write_file("secdb/v3.11/main.json", secdb_main);
    write_file("secdb/v3.3/community.json", secdb_community);
    struct vulndb_build_stats stats;
    struct strata_error err = {0};
    int rc = build1("secdb.db", "secdb", &stats, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(stats.not_affected, 1);
    assert_int_equal(stats.unparsed_ids, 1); /* "XPTI" */
    static const char r1[] = "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
                             "{\"fixed\":\"4.7.0-r1\"}]}]";
    static const char r2[] = "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
                             "{\"fixed\":\"4.9.3-r0\"}]}]";
    char want[4096];
    snprintf(want, sizeof want,
             "CVE-2016-6258|Alpine:v3.11|xen|fixed|NULL|%s|[]\n"
             "XSA-182|Alpine:v3.11|xen|fixed|NULL|%s|[]\n"
             "XSA-284|Alpine:v3.11|xen|fixed|NULL|%s|[]\n"
             "CVE-2018-14461|Alpine:v3.11|tcpdump|fixed|NULL|%s|[]\n"
             "CVE-2018-16859|Alpine:v3.11|tcpdump|fixed|NULL|%s|[]\n"
             "CVE-2017-8073|Alpine:v3.11|tcpdump|fixed|NULL|%s|[]\n"
             "CVE-2019-2426|Alpine:v3.11|tcpdump|fixed|NULL|%s|[]\n"
             "CVE-2017-17434|Alpine:v3.11|tcpdump|fixed|NULL|%s|[]\n"
             "CVE-2016-6258|Alpine:v3.11|tcpdump|fixed|NULL|%s|[]\n",
             r1, r1, r1, r2, r2, r2, r2, r2, r2);
    assert_rows("secdb.db",
                "SELECT a.advisory_id, f.ecosystem, f.package, f.status, f.severity, f.ranges, "
                "f.versions FROM affected f JOIN advisories a ON a.id = f.advisory ORDER BY f.id",
                want);
    assert_rows("secdb.db", "SELECT kind, records, newest, ecosystems FROM sources",
                "alpine-secdb|8|NULL|Alpine:v3.11\n");
}

struct ids {
    char out[512];
};

static int collect(void *ctx, const char *id)
{
    struct ids *c = ctx;
    size_t n = strlen(c->out);
    snprintf(c->out + n, sizeof c->out - n, "%s%s", n ? "," : "", id);
    return 0;
}

static void test_alpine_ids(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
        int n;
    } cases[] = {
        {"CVE-2019-1551", "CVE-2019-1551", 1},
        {"CVE-2016-6258 XSA-182", "CVE-2016-6258,XSA-182", 2},
        {"CVE-2018-3620   XSA-273", "CVE-2018-3620,XSA-273", 2},
        {"CVE-2017-5753 CVE-2017-5715 CVE-2017-5754 XSA-254 XPTI",
         "CVE-2017-5753,CVE-2017-5715,CVE-2017-5754,XSA-254", 4},
        {"CVE-2017-8073.patch", "CVE-2017-8073", 1},
        {"CVE-2017-17434-2", "CVE-2017-17434", 1},
        {"CVE 2018-16859", "CVE-2018-16859", 1},
        {"CVE_2019-2426", "CVE-2019-2426", 1},
        {"CVE-?\?\?\?-?\?\?\?\?  XSA-290", "XSA-290", 1},
        {"CVE-2018-10103 (SMB - partially fixed, but SMB printing disabled)", "CVE-2018-10103", 1},
        {"CVE-2017-2616 (+ regression fix)", "CVE-2017-2616", 1},
        {"wnpa-sec-2017-18", "wnpa-sec-2017-18", 1},
        {"CVE-2017-12122 TALOS-2017-0488", "CVE-2017-12122,TALOS-2017-0488", 2},
        {"XPTI", "", 0},
        {"", "", 0},
        {"CVE-", "", 0},
        {"CVE", "", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ids c = {{0}};
        int n = vdb_alpine_ids(cases[i].in, collect, &c);
        if (n != cases[i].n || strcmp(c.out, cases[i].want) != 0)
            fail_msg("'%s': got %d '%s', want %d '%s'", cases[i].in, n, c.out, cases[i].n,
                     cases[i].want);
    }
}

static void test_pep503(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"Django", "django"},
        {"zope.interface", "zope-interface"},
        {"A__B--C..D", "a-b-c-d"},
        {"_leading", "-leading"},
        {"trailing.", "trailing-"},
        {"Friendly-Bard", "friendly-bard"},
        {"FRIENDLY._-BARD", "friendly-bard"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64];
        assert_int_equal(vdb_pep503(cases[i][0], out, sizeof out), 0);
        assert_string_equal(out, cases[i][1]);
    }
    char tiny[4];
    assert_int_equal(vdb_pep503("toolong", tiny, sizeof tiny), STRATA_ELIMIT);
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static void test_atomic_failure(void **state)
{
    (void)state;
    write_file("atomic/good.json", osv_go);
    write_file("atomic/bad.json",
               "{\"id\":\"X-1\",\"modified\":\"2020-01-01T00:00:00Z\",\n"
               "\"affected\":[{\"package\":{\"name\":\"n\",\"ecosystem\":\"Go\"}}"
               ",\n  oops]}");
    struct strata_error err = {0};
    int rc = build1("atomic/db", "atomic/good.json", NULL, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    FILE *f = fopen(path_of("atomic/db"), "rb");
    assert_non_null(f);
    static char before[1 << 20], after[1 << 20];
    size_t nb = fread(before, 1, sizeof before, f);
    fclose(f);
    char *srcs[2] = {path_of("atomic/good.json"), path_of("atomic/bad.json")};
    rc = vulndb_build_ex(path_of("atomic/db"), srcs, 2, NULL, NULL, &err);
    assert_int_equal(rc, STRATA_EFORMAT);
    if (strstr(err.msg, "atomic/bad.json: invalid JSON at line 3, column 6: invalid token") == NULL)
        fail_msg("%s", err.msg);
    f = fopen(path_of("atomic/db"), "rb");
    assert_non_null(f);
    size_t na = fread(after, 1, sizeof after, f);
    fclose(f);
    assert_int_equal(na, nb);
    assert_memory_equal(before, after, nb);
    /* Nothing else in the directory: the temporary file was removed. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test $(ls '%s' | wc -l) -eq 3", path_of("atomic"));
    assert_int_equal(system(cmd), 0);
    assert_int_equal(file_size(path_of("atomic/db")), (long)nb);
}

static void test_duplicate_and_bad_records(void **state)
{
    (void)state;
    write_file("dup/a.json", osv_go);
    write_file("dup/b.json", osv_go);
    struct strata_error err = {0};
    assert_int_equal(build1("dup.db", "dup", NULL, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "b.json: duplicate advisory id GO-2022-0001"));
    write_file("bad1.json", "{\"id\":\"X\",\"modified\":\"m\",\"affected\":[{\"package\":"
                            "{\"ecosystem\":\"Go\",\"name\":\"n\"},\"ranges\":{}}]}");
    assert_int_equal(build1("bad.db", "bad1.json", NULL, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "bad1.json: affected[0].ranges: not an array"));
    write_file("bad2.json", "{\"id\":\"X\",\"modified\":\"m\",\"aliases\":[1]}");
    assert_int_equal(build1("bad.db", "bad2.json", NULL, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "bad2.json: aliases[0]: not a string"));
    write_file("bad3.json", "{\"distroversion\":\"v3.9\",\"packages\":[{\"pkg\":{\"name\":\"x\","
                            "\"secfixes\":{\"1.0-r0\":\"CVE-2020-1\"}}}]}");
    assert_int_equal(build1("bad.db", "bad3.json", NULL, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "bad3.json: x: secfixes.1.0-r0: not an array"));
    write_file("bad4.json", "[1, 2, 3]");
    assert_int_equal(build1("bad.db", "bad4.json", NULL, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "bad4.json: not a recognised source"));
    assert_int_equal(file_size(path_of("bad.db")), -1);
}

static void test_open_checks(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    struct strata_error err = {0};
    assert_int_equal(vulndb_open(path_of("none.db"), &db, &err), STRATA_ENOTFOUND);
    assert_non_null(strstr(err.msg, "run 'strata db update' or pass --db FILE"));
    assert_null(db);
    write_file("text.db", "this is not SQLite, not at all, just a long enough text file......\n");
    assert_int_equal(vulndb_open(path_of("text.db"), &db, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "not an SQLite database"));
    /* A database of the wrong schema version. */
    write_file("v.json", osv_pypi);
    assert_int_equal(build1("v.db", "v.json", NULL, &err), 0);
    sqlite3 *w;
    assert_int_equal(sqlite3_open(path_of("v.db"), &w), SQLITE_OK);
    assert_int_equal(sqlite3_exec(w, "UPDATE meta SET value = '99' WHERE key = 'schema_version'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(w);
    assert_int_equal(vulndb_open(path_of("v.db"), &db, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "schema version 99, this strata reads version 1"));
    assert_null(db);
    assert_int_equal(sqlite3_open(path_of("empty.db"), &w), SQLITE_OK);
    assert_int_equal(sqlite3_exec(w, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(w);
    assert_int_equal(vulndb_open(path_of("empty.db"), &db, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "not a strata vulnerability database"));
}

static void test_default_path(void **state)
{
    (void)state;
    char out[256];
    setenv("HOME", "/home/u", 1);
    unsetenv("STRATA_DB");
    unsetenv("XDG_CACHE_HOME");
    assert_int_equal(vulndb_default_path(NULL, out, sizeof out), 0);
    assert_string_equal(out, "/home/u/.cache/strata/db/strata.db");
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    assert_int_equal(vulndb_default_path(NULL, out, sizeof out), 0);
    assert_string_equal(out, "/xdg/strata/db/strata.db");
    setenv("XDG_CACHE_HOME", "relative", 1);
    assert_int_equal(vulndb_default_path(NULL, out, sizeof out), 0);
    assert_string_equal(out, "/home/u/.cache/strata/db/strata.db");
    setenv("STRATA_DB", "/db/x.db", 1);
    assert_int_equal(vulndb_default_path(NULL, out, sizeof out), 0);
    assert_string_equal(out, "/db/x.db");
    assert_int_equal(vulndb_default_path("given.db", out, sizeof out), 0);
    assert_string_equal(out, "given.db");
    setenv("STRATA_DB", "", 1);
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    assert_int_equal(vulndb_default_path(NULL, out, sizeof out), 0);
    assert_string_equal(out, "/xdg/strata/db/strata.db");
    char tiny[8];
    assert_int_equal(vulndb_default_path(NULL, tiny, sizeof tiny), STRATA_ELIMIT);
    unsetenv("STRATA_DB");
    unsetenv("XDG_CACHE_HOME");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_osv_directory),
        cmocka_unit_test(test_debian_tracker),
        cmocka_unit_test(test_alpine_secdb),
        cmocka_unit_test(test_alpine_ids),
        cmocka_unit_test(test_pep503),
        cmocka_unit_test(test_atomic_failure),
        cmocka_unit_test(test_duplicate_and_bad_records),
        cmocka_unit_test(test_open_checks),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
