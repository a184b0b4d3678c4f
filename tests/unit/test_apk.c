/* apk installed-database parser and the apk analyzer over a built view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "image/view_build.h"
#include "inventory/apk_installed.h"
#include "strata/analyzer.h"
#include "strata/report.h"

extern const struct strata_analyzer strata_analyzer_apk;

static const char db_good[] = "C:Q1abc=\n"
                              "P:musl\n"
                              "V:1.2.4_git20230717-r4\n"
                              "A:x86_64\n"
                              "S:383152\n"
                              "T:the musl c library (libc) implementation\n"
                              "U:https://musl.libc.org/\n"
                              "L:MIT\n"
                              "o:musl\n"
                              "t:1705000000\n"
                              "F:lib\n"
                              "R:ld-musl-x86_64.so.1\n"
                              "a:0:0:755\n"
                              "Z:Q1xyz=\n"
                              "R:libc.musl-x86_64.so.1\n"
                              "\n"
                              "P:libcrypto3\n"
                              "V:3.1.4-r5\n"
                              "A:x86_64\n"
                              "L:Apache-2.0 AND MIT\n"
                              "o:openssl\n"
                              "F:usr/lib\n"
                              "R:libcrypto.so.3\n"
                              "F:etc/ssl\n"
                              "R:openssl.cnf\n"
                              "\n"
                              "P:alpine-baselayout-data\n"
                              "V:3.4.3-r2\n"
                              "R:rootfile\n";

static void test_parse_good(void **st)
{
    (void)st;
    struct apk_pkg_list l = {0};
    struct strata_error err = {0};
    assert_int_equal(apk_installed_parse((const uint8_t *)db_good, sizeof db_good - 1,
                                         "lib/apk/db/installed", 1, &l, &err),
                     0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0].name, "musl");
    assert_string_equal(l.v[0].version, "1.2.4_git20230717-r4");
    assert_string_equal(l.v[0].arch, "x86_64");
    assert_string_equal(l.v[0].origin, "musl");
    assert_string_equal(l.v[0].license, "MIT");
    assert_int_equal(l.v[0].line, 1);
    assert_int_equal(l.v[0].n_files, 2);
    assert_string_equal(l.v[0].files[0], "/lib/ld-musl-x86_64.so.1");
    assert_string_equal(l.v[0].files[1], "/lib/libc.musl-x86_64.so.1");
    assert_string_equal(l.v[1].license, "Apache-2.0 AND MIT");
    assert_int_equal(l.v[1].n_files, 2);
    assert_string_equal(l.v[1].files[1], "/etc/ssl/openssl.cnf");
    assert_int_equal(l.v[1].line, 17);
    /* No F:, no A:, no final blank line. */
    assert_null(l.v[2].arch);
    assert_null(l.v[2].origin);
    assert_int_equal(l.v[2].n_files, 1);
    assert_string_equal(l.v[2].files[0], "/rootfile");
    apk_pkg_list_free(&l);

    /* Without files. */
    assert_int_equal(
        apk_installed_parse((const uint8_t *)db_good, sizeof db_good - 1, "p", 0, &l, &err), 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.v[0].n_files, 0);
    apk_pkg_list_free(&l);
}

static void test_crlf(void **st)
{
    (void)st;
    const char *t = "\r\n\r\nP:a\r\nV:1-r0\r\nA:aarch64\r\n\r\n\r\nP:b\r\nV:2-r0";
    struct apk_pkg_list l = {0};
    struct strata_error err = {0};
    assert_int_equal(apk_installed_parse((const uint8_t *)t, strlen(t), "p", 1, &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].arch, "aarch64");
    assert_string_equal(l.v[1].version, "2-r0");
    assert_int_equal(l.v[1].line, 8);
    apk_pkg_list_free(&l);
}

static void expect_error(const char *t, size_t len, int code, const char *want)
{
    struct apk_pkg_list l = {0};
    struct strata_error err = {0};
    int rc = apk_installed_parse((const uint8_t *)t, len, "lib/apk/db/installed", 1, &l, &err);
    apk_pkg_list_free(&l);
    if (rc != code || strstr(err.msg, want) == NULL)
        fail_msg("rc %d (want %d), message '%s' (want '%s')", rc, code, err.msg, want);
}

static void test_hostile(void **st)
{
    (void)st;
    static const char nul[] = "P:a\nV:1\x00\n";
    expect_error(nul, sizeof nul - 1, STRATA_EFORMAT, "lib/apk/db/installed: line 2: NUL byte");
    const char *t = "P:a\nV:1\n\nthis is garbage\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 4: expected 'X:value'");
    t = "P:a\nV:1\n\nV:2\nA:x\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 4: record without a P: line");
    t = "P:a\nA:x\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 1: record without a V: line");
    t = "P:a\nV:1\nP:b\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 3: second P: line in a record");
    t = "P:a\nV:1\nX\n";
    expect_error(t, strlen(t), STRATA_EFORMAT, "line 3: expected");

    size_t big = APK_MAX_LINE + 10;
    char *g = malloc(big + 8);
    assert_non_null(g);
    memcpy(g, "P:a\nT:", 6);
    memset(g + 6, 'x', big);
    expect_error(g, big + 6, STRATA_ELIMIT, "line 2: longer than");
    free(g);

    /* 1e6 records: stops at the bound. */
    static const char one[] = "P:a\nV:1\n\n";
    size_t n = 1000000, k = sizeof one - 1;
    char *m = malloc(n * k);
    assert_non_null(m);
    for (size_t i = 0; i < n; i++)
        memcpy(m + i * k, one, k);
    char want[96];
    snprintf(want, sizeof want, "line %d: more than %d records", APK_MAX_RECORDS * 3 + 1,
             APK_MAX_RECORDS);
    expect_error(m, n * k, STRATA_ELIMIT, want);
    free(m);
}

static void test_garbage(void **st)
{
    (void)st;
    uint32_t x = 777;
    uint8_t buf[2048];
    for (int round = 0; round < 300; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            uint8_t b = (uint8_t)(x >> 16);
            buf[i] = (b % 5 == 0) ? '\n' : (b % 3 == 0) ? ':' : (b % 7 == 0) ? 'P' : b;
        }
        struct apk_pkg_list l = {0};
        struct strata_error err = {0};
        int rc = apk_installed_parse(buf, sizeof buf, "g", 1, &l, &err);
        assert_true(rc == 0 || rc == STRATA_EFORMAT || rc == STRATA_ELIMIT);
        if (rc != 0)
            assert_non_null(strstr(err.msg, "g: line "));
        apk_pkg_list_free(&l);
    }
}

/* ---- the analyzer over a view ---- */

struct fentry {
    const char *path;
    const char *data;
    enum strata_ftype type;
    const char *link;
    int whiteout;
};
#define END                                                                                        \
    {                                                                                              \
        NULL, NULL, 0, NULL, 0                                                                     \
    }

static struct strata_report *run(const struct fentry *const *layers, size_t n, int fs, int *rc,
                                 struct strata_error *err)
{
    const struct strata_analyzer *a = &strata_analyzer_apk;
    struct strata_view *v = view_new();
    void **states = calloc(n, sizeof *states);
    struct strata_report *r = strata_report_new();
    assert_non_null(v);
    assert_non_null(states);
    assert_non_null(r);
    r->os.family = strdup("alpine");
    r->os.version = strdup("3.19.1");
    if (!fs) {
        r->layers = calloc(n, sizeof *r->layers);
        r->n_layers = n;
    }
    for (size_t i = 0; i < n; i++) {
        if (!fs) {
            char id[32];
            snprintf(id, sizeof id, "sha256:%zu%zu", i, i);
            r->layers[i].diff_id = strdup(id);
        }
        states[i] = a->layer_new();
        assert_non_null(states[i]);
        struct layer_entry ents[16];
        size_t k = 0;
        for (const struct fentry *e = layers[i]; e->path; e++, k++) {
            memset(&ents[k], 0, sizeof ents[k]);
            ents[k].path = e->path;
            ents[k].type = (uint8_t)(e->type ? e->type : STRATA_FT_REG);
            ents[k].link = e->link;
            ents[k].whiteout = (uint8_t)e->whiteout;
            if (e->data && strata_analyzer_wants(a, e->path, strlen(e->data)) > 0) {
                struct strata_layer_file f = {e->path, (const uint8_t *)e->data, strlen(e->data),
                                              0644,    fs ? -1 : (int)i,         "t"};
                assert_int_equal(a->layer_file(states[i], &f, err), 0);
            }
        }
        assert_int_equal(view_apply_layer(v, (int)i, ents, k, err), 0);
    }
    *rc = a->finish(states, n, v, r, err);
    for (size_t i = 0; i < n; i++)
        a->layer_free(states[i]);
    free(states);
    view_free(v);
    return r;
}

static const struct strata_package *find_pkg(const struct strata_report *r, const char *name)
{
    for (size_t i = 0; i < r->n_packages; i++)
        if (strcmp(r->packages[i].name, name) == 0)
            return &r->packages[i];
    return NULL;
}

static void test_finish_attribution(void **st)
{
    (void)st;
    static const struct fentry l0[] = {
        {"lib/apk/db/installed",
         "P:musl\nV:1.2.4-r1\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:libc.so\n\n"
         "P:busybox\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\n",
         0, NULL, 0},
        END,
    };
    static const struct fentry l1[] = {
        {"lib/apk/db/installed",
         "P:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:libc.so\n\n"
         "P:busybox\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\n\n"
         "P:libcrypto3\nV:3.1.4-r5\nA:x86_64\nL:Apache-2.0 AND MIT\no:openssl\n"
         "F:usr/lib\nR:libcrypto.so.3\n",
         0, NULL, 0},
        {"etc/motd", "hi", 0, NULL, 0},
        END,
    };
    static const struct fentry l2[] = {{"etc/motd", "bye", 0, NULL, 0}, END};
    const struct fentry *layers[] = {l0, l1, l2};
    struct strata_error err = {0};
    int rc;
    struct strata_report *r = run(layers, 3, 0, &rc, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(r->n_packages, 3);
    const struct strata_package *p = find_pkg(r, "busybox");
    assert_non_null(p);
    assert_int_equal(p->layer_index, 0);
    assert_string_equal(p->layer_diff_id, "sha256:00");
    assert_string_equal(p->source_name, "busybox"); /* no origin: itself */
    assert_string_equal(p->purl,
                        "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1");
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0], "GPL-2.0-only");
    p = find_pkg(r, "musl");
    assert_non_null(p);
    assert_int_equal(p->layer_index, 1); /* upgraded in layer 1 */
    assert_string_equal(p->version, "1.2.4-r2");
    assert_int_equal(p->n_files, 1);
    assert_string_equal(p->files[0], "/lib/libc.so");
    p = find_pkg(r, "libcrypto3");
    assert_non_null(p);
    assert_int_equal(p->layer_index, 1);
    assert_string_equal(p->type, "apk");
    assert_string_equal(p->source_name, "openssl");
    assert_string_equal(p->source_version, "3.1.4-r5");
    assert_string_equal(p->licenses[0], "Apache-2.0 AND MIT");
    assert_string_equal(p->db_path, "/lib/apk/db/installed");
    assert_string_equal(p->files[0], "/usr/lib/libcrypto.so.3");
    strata_report_free(r);
}

static void test_finish_usr_merged_and_fs(void **st)
{
    (void)st;
    /* Newer apk-tools: lib/apk is a symlink to ../usr/lib/apk. */
    static const struct fentry l0[] = {
        {"lib/apk", NULL, STRATA_FT_SYMLINK, "../usr/lib/apk", 0},
        {"usr/lib/apk/db/installed", "P:a\nV:1-r0\nA:x86_64\n", 0, NULL, 0},
        END,
    };
    const struct fentry *layers[] = {l0};
    struct strata_error err = {0};
    int rc;
    struct strata_report *r = run(layers, 1, 0, &rc, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(r->n_packages, 1);
    assert_string_equal(r->packages[0].db_path, "/usr/lib/apk/db/installed");
    assert_int_equal(r->packages[0].layer_index, 0);
    strata_report_free(r);

    r = run(layers, 1, 1, &rc, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(r->n_packages, 1);
    assert_int_equal(r->packages[0].layer_index, -1);
    assert_null(r->packages[0].layer_diff_id);
    strata_report_free(r);

    /* Database deleted later: no packages. Duplicate record: once. */
    static const struct fentry d0[] = {
        {"lib/apk/db/installed", "P:a\nV:1\n\nP:a\nV:1\n", 0, NULL, 0}, END};
    static const struct fentry d1[] = {{"lib/apk/db/installed", NULL, 0, NULL, 1}, END};
    const struct fentry *dl[] = {d0, d1};
    r = run(dl, 1, 0, &rc, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(r->n_packages, 1);
    strata_report_free(r);
    r = run(dl, 2, 0, &rc, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(r->n_packages, 0);
    strata_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_finish_attribution),
        cmocka_unit_test(test_finish_usr_merged_and_fs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
