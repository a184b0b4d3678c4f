/* dpkg control-file parser and the dpkg analyzer (per-layer state, finish over a built view,
 * layer attribution). Fixtures are built here; the real status file of the shared fixture image
 * is checked too when ../shared is present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer_test_util.h"
#include "inventory/dpkg_status.h"
#include "strata/analyzer.h"
#include "strata/report.h"

extern const struct strata_analyzer strata_analyzer_dpkg;

static int parse(const char *text, size_t len, int optional, struct dpkg_pkg_list *l,
                 struct strata_error *err)
{
    memset(l, 0, sizeof *l);
    memset(err, 0, sizeof *err);
    return dpkg_parse_packages((const uint8_t *)text, len, "var/lib/dpkg/status", optional, l, err);
}

static const char status_good[] =
    "Package: libc6\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Multi-Arch: same\n"
    "Source: glibc\n"
    "Version: 2.36-9+deb12u14\n"
    "Description: GNU C Library: Shared libraries\n"
    " Contains the standard libraries that are used by nearly all programs on\n"
    " the system.\n"
    " .\n"
    " More text.\n"
    "\n"
    "# a comment line is ignored\n"
    "Package: bash\n"
    "Essential: yes\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Source: bash (5.2.15-2)\n"
    "Version: 5.2.15-2+b7\n"
    "Conffiles:\n"
    " /etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d\n"
    " /etc/skel/.bashrc 7a3a59f1a8b5b8b0b9b1c1ad0b5a6d77\n"
    "\n"
    "\n"
    "Package: removed-pkg\n"
    "Status: deinstall ok config-files\n"
    "Architecture: amd64\n"
    "Version: 1.0\n"
    "\n"
    "Package: held\n"
    "Status: hold ok installed\n"
    "Architecture: all\n"
    "Version: 1:2.0~rc1-3\n"
    "\n"
    "Package: half\n"
    "Status: install reinstreq half-installed\n"
    "Version: 3\n";

static void test_parse_good(void **st)
{
    (void)st;
    struct dpkg_pkg_list l;
    struct strata_error err;
    assert_int_equal(parse(status_good, strlen(status_good), 0, &l, &err), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0].name, "libc6");
    assert_string_equal(l.v[0].version, "2.36-9+deb12u14");
    assert_string_equal(l.v[0].arch, "amd64");
    assert_string_equal(l.v[0].source_name, "glibc");
    assert_string_equal(l.v[0].source_version, "2.36-9+deb12u14");
    assert_int_equal(l.v[0].line, 1);
    assert_string_equal(l.v[1].name, "bash");
    assert_string_equal(l.v[1].source_name, "bash");
    assert_string_equal(l.v[1].source_version, "5.2.15-2");
    assert_string_equal(l.v[1].version, "5.2.15-2+b7");
    assert_int_equal(l.v[1].line, 14);
    /* "hold ok installed" is installed: its files are on disk. */
    assert_string_equal(l.v[2].name, "held");
    assert_string_equal(l.v[2].version, "1:2.0~rc1-3");
    assert_string_equal(l.v[2].source_name, "held");
    dpkg_pkg_list_free(&l);
}

struct collect {
    char desc[512];
    char conff[512];
    size_t n;
};

static int collect_fn(const struct dpkg_stanza *s, void *arg, struct strata_error *err)
{
    (void)err;
    struct collect *c = arg;
    const char *d = dpkg_stanza_get(s, "description");
    if (d)
        snprintf(c->desc, sizeof c->desc, "%s", d);
    const char *cf = dpkg_stanza_get(s, "CONFFILES");
    if (cf)
        snprintf(c->conff, sizeof c->conff, "%s", cf);
    c->n++;
    return 0;
}

static void test_continuations(void **st)
{
    (void)st;
    struct collect c = {0};
    struct strata_error err = {0};
    assert_int_equal(dpkg_control_parse((const uint8_t *)status_good, strlen(status_good), "s",
                                        collect_fn, &c, &err),
                     0);
    assert_int_equal(c.n, 5);
    assert_string_equal(c.desc, "GNU C Library: Shared libraries\nContains the standard "
                                "libraries that are used by nearly all programs on\nthe "
                                "system.\n.\nMore text.");
    assert_string_equal(c.conff, "/etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d\n"
                                 "/etc/skel/.bashrc 7a3a59f1a8b5b8b0b9b1c1ad0b5a6d77");
}

static void test_crlf_and_no_final_newline(void **st)
{
    (void)st;
    const char *t = "Package: a\r\nStatus: install ok installed\r\nVersion: 1.0  \r\n"
                    "Architecture: arm64\r\n\r\nPackage: b\r\nStatus: install ok installed\r\n"
                    "Version: 2";
    struct dpkg_pkg_list l;
    struct strata_error err;
    assert_int_equal(parse(t, strlen(t), 0, &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].version, "1.0");
    assert_string_equal(l.v[0].arch, "arm64");
    assert_string_equal(l.v[1].name, "b");
    assert_string_equal(l.v[1].version, "2");
    assert_null(l.v[1].arch);
    dpkg_pkg_list_free(&l);
}

static void test_status_d(void **st)
{
    (void)st;
    /* distroless: no Status field, installed by being there. */
    const char *t = "Package: libssl3\nArchitecture: amd64\nSource: openssl\n"
                    "Version: 3.0.20-1~deb12u2\nDescription: x\n y\n";
    struct dpkg_pkg_list l;
    struct strata_error err;
    assert_int_equal(parse(t, strlen(t), 1, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].source_name, "openssl");
    assert_string_equal(l.v[0].source_version, "3.0.20-1~deb12u2");
    dpkg_pkg_list_free(&l);
    /* The same stanza in a status file is not installed. */
    assert_int_equal(parse(t, strlen(t), 0, &l, &err), 0);
    assert_int_equal(l.n, 0);
    dpkg_pkg_list_free(&l);
}

/* Expects parse to fail with code and a message containing want. */
static void expect_error(const char *t, size_t len, int code, const char *want)
{
    struct dpkg_pkg_list l;
    struct strata_error err;
    int rc = parse(t, len, 0, &l, &err);
    dpkg_pkg_list_free(&l);
    if (rc != code || strstr(err.msg, want) == NULL)
        fail_msg("rc %d (want %d), message '%s' (want '%s')", rc, code, err.msg, want);
}

static void test_hostile(void **st)
{
    (void)st;
    static const char nul[] = "Package: a\nVersion: 1\x00x\n";
    expect_error(nul, sizeof nul - 1, STRATA_EFORMAT, "var/lib/dpkg/status: line 2: NUL byte");
    const char *t;
    t = " leading continuation\nPackage: a\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 1: continuation line outside a field");
    t = "Package: a\nStatus: install ok installed\nVersion: 1\n\n"
        "this line has no colon\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 5: field without a colon");
    t = "Package: a\nVersion: 1\nversion: 2\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 3: duplicate field 'version'");
    t = "Version: 1\nStatus: install ok installed\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 1: stanza without a Package field");
    t = "Package: a\nStatus: install ok installed\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 1: installed package without a Version");
    t = "Package: a\nStatus: installed\nVersion: 1\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 2: Status must have three words");
    t = "Package: ../../etc/x\nStatus: install ok installed\nVersion: 1\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 1: invalid package name");
    t = "Package: a\nStatus: install ok installed\nVersion: 1 2\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 3: invalid version");
    t = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: x/y\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 4: invalid architecture");
    t = "Package: a\nStatus: install ok installed\nVersion: 1\nSource: b (1\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 4: malformed Source");
    t = "Package: a\n: empty name\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 2: empty field name");

    /* A giant line. */
    size_t big = DPKG_MAX_LINE + 100;
    char *g = malloc(big + 20);
    assert_non_null(g);
    memcpy(g, "Package: a\nX: ", 14);
    memset(g + 14, 'x', big);
    expect_error(g, big + 14, STRATA_ELIMIT, "line 2: longer than");
    free(g);

    /* Too many fields in one stanza. */
    char *m = malloc(64 * (DPKG_MAX_FIELDS + 2));
    assert_non_null(m);
    size_t n = 0;
    for (int i = 0; i < DPKG_MAX_FIELDS + 1; i++)
        n += (size_t)sprintf(m + n, "F%d: v\n", i);
    char want[64];
    snprintf(want, sizeof want, "line %d: more than %d fields", DPKG_MAX_FIELDS + 1,
             DPKG_MAX_FIELDS);
    expect_error(m, n, STRATA_ELIMIT, want);
    free(m);
}

static int count_fn(const struct dpkg_stanza *s, void *arg, struct strata_error *err)
{
    (void)s;
    (void)err;
    (*(size_t *)arg)++;
    return 0;
}

static void test_stanza_bound(void **st)
{
    (void)st;
    /* 1e6 one-line stanzas: the parse stops at the bound with the line of the first excess. */
    static const char one[] = "Package: a\n\n";
    size_t n = 1000000, k = sizeof one - 1;
    char *t = malloc(n * k);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++)
        memcpy(t + i * k, one, k);
    size_t count = 0;
    struct strata_error err = {0};
    int rc = dpkg_control_parse((const uint8_t *)t, n * k, "status", count_fn, &count, &err);
    assert_int_equal(rc, STRATA_ELIMIT);
    assert_int_equal(count, DPKG_MAX_STANZAS);
    char want[96];
    snprintf(want, sizeof want, "status: line %d: more than %d stanzas", DPKG_MAX_STANZAS * 2 + 1,
             DPKG_MAX_STANZAS);
    assert_string_equal(err.msg, want);
    free(t);
}

static void test_garbage(void **st)
{
    (void)st;
    /* Random bytes: any clean result, no crash (ASan/UBSan builds check the rest). */
    uint32_t x = 12345;
    uint8_t buf[4096];
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            uint8_t b = (uint8_t)(x >> 16);
            /* Bias towards structure so the parser gets past line 1. */
            buf[i] = (b % 7 == 0) ? '\n' : (b % 11 == 0) ? ':' : (b % 13 == 0) ? ' ' : b;
        }
        struct dpkg_pkg_list l = {0};
        struct strata_error err = {0};
        int rc = dpkg_parse_packages(buf, sizeof buf, "g", round & 1, &l, &err);
        assert_true(rc == 0 || rc == STRATA_EFORMAT || rc == STRATA_ELIMIT);
        if (rc != 0)
            assert_non_null(strstr(err.msg, "g: line "));
        dpkg_pkg_list_free(&l);
    }
}

/* ---- the analyzer over a view ---- */

#define ST(name, ver)                                                                              \
    "Package: " name "\nStatus: install ok installed\nArchitecture: amd64\nVersion: " ver "\n\n"

static void test_finish_attribution(void **st)
{
    (void)st;
    /* Layer 0 installs a 1, b 1. Layer 1 upgrades b to 2, adds c (Multi-Arch list name) and
     * rewrites status (a unchanged). Layer 2 deletes a's list and adds an unrelated file. */
    static const struct at_file l0[] = {
        AT_FILE("var/lib/dpkg/status", ST("a", "1") ST("b", "1")),
        AT_FILE("var/lib/dpkg/info/a.list", "/.\n/usr\n/usr/bin\n/usr/bin/a\n"),
        AT_FILE("var/lib/dpkg/info/b.list", "/.\n/usr/bin/b-old\n"),
        AT_FILE("var/lib/dpkg/info/a.md5sums", "x  usr/bin/a\n"),
        AT_END,
    };
    static const struct at_file l1[] = {
        AT_FILE("var/lib/dpkg/status", ST("a", "1") ST("b", "2") ST("c", "1:0.5")),
        AT_FILE("var/lib/dpkg/info/b.list", "/.\r\n/usr/bin/b\r\n"),
        AT_FILE("var/lib/dpkg/info/c:amd64.list", "/.\n/usr/lib/c.so\n"),
        AT_END,
    };
    static const struct at_file l2[] = {
        AT_WHITEOUT("var/lib/dpkg/info/a.list"),
        AT_FILE("etc/motd", "hi\n"),
        AT_END,
    };
    const struct at_file *layers[] = {l0, l1, l2};
    const char *ids[] = {"sha256:00", "sha256:11", "sha256:22"};
    struct at_image im;
    at_build(&im, &strata_analyzer_dpkg, layers, 3, ids);
    free(im.report->os.family);
    im.report->os.family = strdup("debian");
    im.report->os.version = strdup("12");
    struct strata_error err = {0};
    int rc = at_finish(&im, &err);
    if (rc != 0)
        fail_msg("finish: %s", err.msg);
    assert_int_equal(im.report->n_packages, 3);

    const struct strata_package *a = at_pkg(im.report, "a", NULL);
    assert_non_null(a);
    assert_int_equal(a->layer_index, 0);
    assert_string_equal(a->layer_diff_id, "sha256:00");
    assert_string_equal(a->type, "deb");
    assert_string_equal(a->db_path, "/var/lib/dpkg/status");
    assert_string_equal(a->purl, "pkg:deb/debian/a@1?arch=amd64&distro=debian-12");
    assert_int_equal(a->n_licenses, 0);
    assert_int_equal(a->n_files, 0); /* its list was deleted in layer 2 */

    const struct strata_package *b = at_pkg(im.report, "b", NULL);
    assert_non_null(b);
    assert_string_equal(b->version, "2");
    assert_int_equal(b->layer_index, 1); /* the upgrade moves it */
    assert_string_equal(b->layer_diff_id, "sha256:11");
    assert_int_equal(b->n_files, 1);
    assert_string_equal(b->files[0], "/usr/bin/b");

    const struct strata_package *c = at_pkg(im.report, "c", NULL);
    assert_non_null(c);
    assert_int_equal(c->layer_index, 1);
    assert_string_equal(c->purl, "pkg:deb/debian/c@1%3A0.5?arch=amd64&distro=debian-12");
    assert_int_equal(c->n_files, 1);
    assert_string_equal(c->files[0], "/usr/lib/c.so");
    at_free(&im);
}

static void test_finish_status_d_and_removed(void **st)
{
    (void)st;
    /* distroless-style: layer 0 has two status.d stanzas, layer 1 deletes one and re-writes
     * the other unchanged; md5sums files are not stanzas. */
    static const struct at_file l0[] = {
        AT_FILE("var/lib/dpkg/status.d/libc6",
                "Package: libc6\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9\n"),
        AT_FILE("var/lib/dpkg/status.d/libc6.md5sums", "not a stanza\n"),
        AT_FILE("var/lib/dpkg/status.d/zlib1g",
                "Package: zlib1g\nArchitecture: amd64\nSource: zlib (1:1.2.13.dfsg-1)\n"
                "Version: 1:1.2.13.dfsg-1\n"),
        AT_END,
    };
    static const struct at_file l1[] = {
        AT_WHITEOUT("var/lib/dpkg/status.d/zlib1g"),
        AT_FILE("var/lib/dpkg/status.d/libc6",
                "Package: libc6\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9\n"),
        AT_END,
    };
    const struct at_file *layers[] = {l0, l1};
    const char *ids[] = {"sha256:aa", "sha256:bb"};
    struct at_image im;
    at_build(&im, &strata_analyzer_dpkg, layers, 2, ids);
    struct strata_error err = {0};
    assert_int_equal(at_finish(&im, &err), 0);
    assert_int_equal(im.report->n_packages, 1);
    const struct strata_package *p = &im.report->packages[0];
    assert_string_equal(p->name, "libc6");
    assert_string_equal(p->source_name, "glibc");
    assert_string_equal(p->source_version, "2.36-9");
    assert_int_equal(p->layer_index, 0);
    assert_string_equal(p->layer_diff_id, "sha256:aa");
    assert_string_equal(p->db_path, "/var/lib/dpkg/status.d/libc6");
    /* No os known: namespace debian, no distro qualifier. */
    assert_string_equal(p->purl, "pkg:deb/debian/libc6@2.36-9?arch=amd64");
    at_free(&im);
}

static void test_finish_status_deleted_and_duplicates(void **st)
{
    (void)st;
    static const struct at_file l0[] = {
        AT_FILE("var/lib/dpkg/status", ST("a", "1") ST("a", "1") ST("d", "5")),
        AT_END,
    };
    static const struct at_file l1[] = {
        AT_WHITEOUT("var/lib/dpkg/status"),
        AT_END,
    };
    const struct at_file *layers[] = {l0, l1};
    const char *ids[] = {"sha256:aa", "sha256:bb"};
    struct at_image im;
    at_build(&im, &strata_analyzer_dpkg, layers, 1, ids);
    struct strata_error err = {0};
    assert_int_equal(at_finish(&im, &err), 0);
    assert_int_equal(im.report->n_packages, 2); /* a once */
    at_free(&im);

    at_build(&im, &strata_analyzer_dpkg, layers, 2, ids);
    assert_int_equal(at_finish(&im, &err), 0);
    assert_int_equal(im.report->n_packages, 0); /* the database is gone */
    at_free(&im);
}

static void test_finish_filesystem(void **st)
{
    (void)st;
    static const struct at_file l0[] = {
        AT_FILE("var/lib/dpkg/status", ST("a", "1")),
        AT_FILE("var/lib/dpkg/info/a:amd64.list", "/.\n/bin/a"),
        AT_END,
    };
    const struct at_file *layers[] = {l0};
    struct at_image im;
    at_build(&im, &strata_analyzer_dpkg, layers, 1, AT_FILESYSTEM);
    struct strata_error err = {0};
    assert_int_equal(at_finish(&im, &err), 0);
    assert_int_equal(im.report->n_packages, 1);
    assert_int_equal(im.report->packages[0].layer_index, -1);
    assert_null(im.report->packages[0].layer_diff_id);
    assert_int_equal(im.report->packages[0].n_files, 1);
    assert_string_equal(im.report->packages[0].files[0], "/bin/a");
    at_free(&im);
}

static void test_layer_file_error_names_line(void **st)
{
    (void)st;
    void *s = strata_analyzer_dpkg.layer_new();
    assert_non_null(s);
    const char *bad = ST("a", "1") "Package b\n";
    struct strata_layer_file f = {
        "var/lib/dpkg/status", (const uint8_t *)bad, strlen(bad), 0644, 0, "t"};
    struct strata_error err = {0};
    assert_int_equal(strata_analyzer_dpkg.layer_file(s, &f, &err), STRATA_EFORMAT);
    assert_string_equal(err.msg, "var/lib/dpkg/status: line 6: field without a colon");
    strata_analyzer_dpkg.layer_free(s);
}

/* ---- the real status file of the shared fixture, when present ---- */

static char *read_cmd(const char *cmd, size_t *len)
{
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        size_t k = fread(buf + n, 1, cap - n, p);
        if (k == 0)
            break;
        n += k;
    }
    if (pclose(p) != 0 || n == 0) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static void test_shared_fixture(void **st)
{
    (void)st;
    const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "f=%s/fixtures/images/debian12-minbase.oci.tar; [ -r \"$f\" ] && "
             "tar -xOf \"$f\" "
             "blobs/sha256/8900d4d2fb5d2216884d92525d3efdb83f84b7c076e9b17d06dc86df754e495a "
             "2>/dev/null | tar -xzOf - var/lib/dpkg/status 2>/dev/null",
             shared);
    size_t len = 0;
    char *data = read_cmd(cmd, &len);
    if (data == NULL) {
        print_message("SKIP: %s/fixtures/images/debian12-minbase.oci.tar not readable\n", shared);
        return;
    }
    struct dpkg_pkg_list l;
    struct strata_error err;
    int rc = parse(data, len, 0, &l, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.n, 88); /* MANIFEST.md: 88 packages, status ii */
    int seen = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(l.v[i].name, "libc6") == 0) {
            assert_string_equal(l.v[i].source_name, "glibc");
            assert_string_equal(l.v[i].version, "2.36-9+deb12u14");
            seen++;
        }
        if (strcmp(l.v[i].name, "bash") == 0) {
            assert_string_equal(l.v[i].source_name, "bash");
            assert_string_equal(l.v[i].source_version, "5.2.15-2");
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    dpkg_pkg_list_free(&l);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_continuations),
        cmocka_unit_test(test_crlf_and_no_final_newline),
        cmocka_unit_test(test_status_d),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_stanza_bound),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_finish_attribution),
        cmocka_unit_test(test_finish_status_d_and_removed),
        cmocka_unit_test(test_finish_status_deleted_and_duplicates),
        cmocka_unit_test(test_finish_filesystem),
        cmocka_unit_test(test_layer_file_error_names_line),
        cmocka_unit_test(test_shared_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
