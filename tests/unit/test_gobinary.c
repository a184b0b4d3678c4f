/* Go build info parser and the Go binary analyzer. Synthetic ELF files come from
 * tests/unit/make_go_elf.py (inline and pointer layouts, 32/64-bit, both byte orders,
 * stripped section headers, hostile variants); real binaries from the shared app image
 * (/usr/bin/age) and, when installed, the Debian packages restic and golang-1.19-go. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyzer_test_util.h"
#include "inventory/go_buildinfo.h"
#include "strata/analyzer.h"
#include "strata/report.h"

extern const struct strata_analyzer strata_analyzer_gobinary;

static int setup(void **st)
{
    (void)st;
    if (tf_make_dir("strata-gobin") != 0)
        return -1;
    const char *src = tf_srcroot();
    const char *shared = tf_shared();
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "python3 %s/tests/unit/make_go_elf.py %s", src, tf_dir);
    if (system(cmd) != 0)
        return -1;
    /* Layer 1 of the app image installs the age package (MANIFEST.md). */
    snprintf(cmd, sizeof cmd,
             "f=%s/fixtures/images/debian12-app.docker.tar; [ -r \"$f\" ] && tar -xOf \"$f\" "
             "aa0b4bac5241175ed2058256f499e4dfed07795abd0a98ec4d88710297d8d22a.tar 2>/dev/null | "
             "tar -xzOf - usr/bin/age > %s/age 2>/dev/null || rm -f %s/age",
             shared, tf_dir, tf_dir);
    if (system(cmd) == -1)
        return -1;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    return tf_remove_dir();
}

static int parse_file(const char *name, struct go_buildinfo *bi, struct strata_error *err)
{
    size_t len = 0;
    uint8_t *d = tf_fixture(name, &len);
    memset(err, 0, sizeof *err);
    int rc = go_buildinfo_parse(d, len, name, bi, err);
    free(d);
    return rc;
}

static const char *setting(const struct go_buildinfo *bi, const char *key)
{
    for (size_t i = 0; i < bi->n_settings; i++)
        if (strcmp(bi->settings[i].key, key) == 0)
            return bi->settings[i].value;
    return NULL;
}

static void check_inline(const struct go_buildinfo *bi)
{
    assert_string_equal(bi->go_version, "go1.21.5");
    assert_int_equal(bi->inline_format, 1);
    assert_string_equal(bi->path, "example.com/app/cmd/app");
    assert_true(bi->has_main);
    assert_string_equal(bi->main.path, "example.com/app");
    assert_string_equal(bi->main.version, "v1.2.3");
    assert_string_equal(bi->main.sum, "h1:mainsum=");
    assert_int_equal(bi->n_deps, 4);
    assert_string_equal(bi->deps[0].path, "golang.org/x/crypto");
    assert_string_equal(bi->deps[0].version, "v0.4.0");
    assert_null(bi->deps[0].repl_path);
    assert_string_equal(bi->deps[1].repl_path, "github.com/new/lib");
    assert_string_equal(bi->deps[1].repl_version, "v1.1.0");
    assert_string_equal(bi->deps[1].repl_sum, "h1:newsum=");
    assert_null(bi->deps[2].sum);
    assert_string_equal(bi->deps[2].repl_path, "../local");
    assert_string_equal(bi->deps[2].repl_version, "");
    assert_string_equal(bi->deps[3].version, "v1.2.1+incompatible");
    assert_int_equal(bi->n_settings, 5);
    assert_string_equal(setting(bi, "-compiler"), "gc");
    assert_string_equal(setting(bi, "-ldflags"), "-s -w -X main.v=1"); /* Go-quoted value */
    assert_string_equal(setting(bi, "vcs.revision"), "0123456789abcdef");
}

static void test_inline(void **st)
{
    (void)st;
    struct go_buildinfo bi;
    struct strata_error err;
    int rc = parse_file("inline64le", &bi, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    check_inline(&bi);
    go_buildinfo_free(&bi);
}

static void test_stripped_sections(void **st)
{
    (void)st;
    struct go_buildinfo bi;
    struct strata_error err;
    int rc = parse_file("stripped", &bi, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    check_inline(&bi);
    assert_int_equal(bi.header_offset, 320);
    go_buildinfo_free(&bi);
}

static void check_ptr(const struct go_buildinfo *bi)
{
    assert_int_equal(bi->inline_format, 0);
    assert_string_equal(bi->path, "cmd/tool");
    assert_true(bi->has_main);
    assert_string_equal(bi->main.version, "(devel)");
    assert_int_equal(bi->n_deps, 1);
    assert_string_equal(bi->deps[0].path, "example.org/dep");
    assert_string_equal(bi->deps[0].version, "v0.1.0");
    assert_string_equal(bi->deps[0].sum, "h1:x=");
}

static void test_pointer_layout(void **st)
{
    (void)st;
    struct go_buildinfo bi;
    struct strata_error err;
    int rc = parse_file("ptr32le", &bi, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(bi.go_version, "go1.16.15");
    assert_int_equal(bi.ptr_size, 4);
    assert_int_equal(bi.big_endian, 0);
    check_ptr(&bi);
    go_buildinfo_free(&bi);
    rc = parse_file("ptr64be", &bi, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(bi.go_version, "go1.13");
    assert_int_equal(bi.ptr_size, 8);
    assert_int_equal(bi.big_endian, 1);
    check_ptr(&bi); /* module info without sentinels */
    go_buildinfo_free(&bi);
}

static void test_hostile(void **st)
{
    (void)st;
    static const struct {
        const char *name;
        int code;
        const char *msg;
    } cases[] = {
        {"ptr_outside", STRATA_EFORMAT,
         "ptr_outside: offset 344: module info string header pointer 0x7fff0000 does not map "
         "into the file"},
        {"ptr_len_past_end", STRATA_EFORMAT,
         "ptr_len_past_end: offset 360: module info string data 0x400176+4205 does not map "
         "into the file"},
        {"huge_varint", STRATA_ELIMIT,
         "huge_varint: offset 361: module info length 4611686018427387904 exceeds the limit "
         "of 16777216"},
        {"overflow_varint", STRATA_EFORMAT,
         "overflow_varint: offset 361: module info length: varint overflows 64 bits"},
        {"len_past_end", STRATA_EFORMAT,
         "len_past_end: offset 361: module info length 1048576 extends past the end of the "
         "file"},
        {"truncated", STRATA_EFORMAT,
         "truncated: offset 40: section header table extends past the end of the file"},
        {"orphan_replacement", STRATA_EFORMAT,
         "orphan_replacement: offset 383: replacement without a module line before it"},
        {"no_buildinfo", STRATA_ENOTFOUND,
         "no_buildinfo: not a Go binary (no .go.buildinfo section)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct go_buildinfo bi;
        struct strata_error err;
        int rc = parse_file(cases[i].name, &bi, &err);
        go_buildinfo_free(&bi);
        if (rc != cases[i].code || strcmp(err.msg, cases[i].msg) != 0)
            fail_msg("%s: rc %d: %s", cases[i].name, rc, err.msg);
    }
}

/* Every prefix and some byte flips of the valid files: errors, never a crash. */
static void test_truncations_and_flips(void **st)
{
    (void)st;
    const char *names[] = {"inline64le", "stripped", "ptr32le", "ptr64be"};
    for (size_t k = 0; k < 4; k++) {
        size_t len = 0;
        uint8_t *d = tf_fixture(names[k], &len);
        for (size_t n = 0; n < len; n++) {
            uint8_t *c = malloc(n ? n : 1); /* exact size: ASan sees any overread */
            assert_non_null(c);
            memcpy(c, d, n);
            struct go_buildinfo bi;
            struct strata_error err = {0};
            int rc = go_buildinfo_parse(c, n, names[k], &bi, &err);
            assert_true(rc == 0 || rc == STRATA_ENOTFOUND || rc == STRATA_EFORMAT ||
                        rc == STRATA_ELIMIT);
            if (rc != 0)
                assert_non_null(strstr(err.msg, names[k]));
            go_buildinfo_free(&bi);
            free(c);
        }
        for (size_t i = 0; i < len; i++) {
            uint8_t save = d[i];
            d[i] ^= 0xa5;
            struct go_buildinfo bi;
            struct strata_error err = {0};
            (void)go_buildinfo_parse(d, len, names[k], &bi, &err);
            go_buildinfo_free(&bi);
            d[i] = save;
        }
        free(d);
    }
}

static void test_not_elf(void **st)
{
    (void)st;
    struct go_buildinfo bi;
    struct strata_error err = {0};
    const uint8_t text[] = "#!/bin/sh\necho hi\n";
    assert_int_equal(go_buildinfo_parse(text, sizeof text - 1, "bin/x", &bi, &err),
                     STRATA_ENOTFOUND);
    assert_string_equal(err.msg, "bin/x: not a Go binary (not an ELF file)");
    go_buildinfo_free(&bi);
    assert_int_equal(go_buildinfo_parse(NULL, 0, "bin/x", &bi, &err), STRATA_ENOTFOUND);
    go_buildinfo_free(&bi);
    const uint8_t bad_class[20] = "\x7f"
                                  "ELF\x03\x01";
    assert_int_equal(go_buildinfo_parse(bad_class, sizeof bad_class, "bin/y", &bi, &err),
                     STRATA_EFORMAT);
    assert_string_equal(err.msg, "bin/y: offset 4: invalid ELF class");
    go_buildinfo_free(&bi);
}

static void test_stdlib_version(void **st)
{
    (void)st;
    static const char *const ok[][2] = {
        {"go1.19.8", "1.19.8"},
        {"go1.20", "1.20.0"},
        {"go1.21rc2", "1.21.0-rc.2"},
        {"go1.9beta1", "1.9.0-beta.1"},
        {"go1.21.0 X:boringcrypto", "1.21.0"},
        {"go1.13", "1.13.0"},
    };
    char out[64];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(go_stdlib_version(ok[i][0], out, sizeof out), 0);
        assert_string_equal(out, ok[i][1]);
    }
    const char *bad[] = {
        "devel go1.22-abc", "1.19.8",          "go", "go1.x", "go1.19.8-pre", "go1..2",
        "go1.2.3.4",        "go99999999999.1", NULL};
    for (size_t i = 0; bad[i]; i++)
        if (go_stdlib_version(bad[i], out, sizeof out) == 0)
            fail_msg("%s accepted as %s", bad[i], out);
    assert_int_equal(go_stdlib_version("go1.19.8", out, 6), -1);
}

/* ---- real binaries ---- */

static void test_age(void **st)
{
    (void)st;
    char p[512];
    snprintf(p, sizeof p, "%s/age", tf_dir);
    if (access(p, R_OK) != 0) {
        print_message("SKIP: the shared app image is not readable\n");
        return;
    }
    struct go_buildinfo bi;
    struct strata_error err;
    int rc = parse_file("age", &bi, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(bi.go_version, "go1.19.8");
    assert_string_equal(bi.path, "filippo.io/age/cmd/age");
    assert_false(bi.has_main); /* GOPATH-mode build: no mod or dep lines */
    assert_int_equal(bi.n_deps, 0);
    assert_int_equal(bi.n_settings, 6);
    assert_string_equal(setting(&bi, "-trimpath"), "true");
    assert_string_equal(setting(&bi, "CGO_ENABLED"), "1");
    assert_string_equal(setting(&bi, "GOAMD64"), "v1");
    assert_int_equal(bi.inline_format, 1);
    go_buildinfo_free(&bi);

    /* The same binary without section headers: found by the magic scan. */
    size_t len = 0;
    uint8_t *d = tf_fixture("age", &len);
    assert_true(len > 64 && d[4] == 2);
    memset(d + 0x28, 0, 8); /* e_shoff */
    memset(d + 0x3c, 0, 4); /* e_shnum, e_shstrndx */
    rc = go_buildinfo_parse(d, len, "age", &bi, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(bi.go_version, "go1.19.8");
    assert_int_equal(bi.n_settings, 6);
    go_buildinfo_free(&bi);
    free(d);
}

static void test_debian_packages(void **st)
{
    (void)st;
    static const struct {
        const char *file, *path;
    } bins[] = {
        {"/usr/bin/restic", "github.com/restic/restic/cmd/restic"},
        {"/usr/lib/go-1.19/bin/go", "cmd/go"},
    };
    for (size_t i = 0; i < 2; i++) {
        size_t len = 0;
        uint8_t *d = tf_slurp(bins[i].file, &len);
        if (d == NULL) {
            print_message("SKIP: %s not installed (Debian package restic / golang-1.19-go)\n",
                          bins[i].file);
            continue;
        }
        struct go_buildinfo bi;
        struct strata_error err;
        int rc = go_buildinfo_parse(d, len, bins[i].file, &bi, &err);
        if (rc != 0)
            fail_msg("%s", err.msg);
        assert_string_equal(bi.path, bins[i].path);
        assert_int_equal(strncmp(bi.go_version, "go1.", 4), 0);
        assert_non_null(setting(&bi, "GOOS"));
        go_buildinfo_free(&bi);
        free(d);
    }
}

/* ---- the analyzer over a view ---- */

static void test_analyzer(void **st)
{
    (void)st;
    const struct at_file l0[] = {
        AT_FIXTURE_MODE("usr/bin/app", "inline64le", 0755),
        AT_FIXTURE_MODE("usr/bin/gone", "ptr32le", 0755),
        AT_FIXTURE_MODE("usr/share/doc/notexec", "ptr64be", 0644), /* not executable: not read */
        AT_FIXTURE_MODE("usr/bin/bad", "ptr_outside", 0755), /* malformed: skipped, scan goes on */
        AT_FIXTURE_MODE("usr/bin/tool", "ptr64be", 0755),
        AT_END,
    };
    const struct at_file l1[] = {
        AT_WHITEOUT("usr/bin/gone"),
        AT_FIXTURE_MODE("usr/bin/tool", "ptr32le", 0755), /* rewritten: reported from layer 1 */
        AT_END,
    };
    const struct at_file *layers[] = {l0, l1};
    struct strata_report *r = at_run(&strata_analyzer_gobinary, layers, 2, at_numbered_ids);
    /* app: stdlib, main, crypto, replaced lib, toml (the directory replacement is left out);
     * tool: stdlib, dep (main is (devel)). */
    assert_int_equal(r->n_packages, 7);
    const struct strata_package *p = at_pkg(r, "stdlib", "/usr/bin/app");
    assert_non_null(p);
    assert_string_equal(p->version, "1.21.5");
    assert_string_equal(p->type, "golang");
    assert_string_equal(p->purl, "pkg:golang/stdlib@1.21.5");
    assert_int_equal(p->layer_index, 0);
    p = at_pkg(r, "example.com/app", "/usr/bin/app");
    assert_non_null(p);
    assert_string_equal(p->purl, "pkg:golang/example.com/app@v1.2.3");
    p = at_pkg(r, "github.com/new/lib", "/usr/bin/app");
    assert_non_null(p);
    assert_string_equal(p->version, "v1.1.0");
    assert_null(at_pkg(r, "github.com/old/lib", "/usr/bin/app"));
    assert_null(at_pkg(r, "example.com/local", "/usr/bin/app"));
    assert_null(at_pkg(r, "../local", "/usr/bin/app"));
    p = at_pkg(r, "github.com/BurntSushi/toml", "/usr/bin/app");
    assert_non_null(p);
    assert_string_equal(p->purl, "pkg:golang/github.com/BurntSushi/toml@v1.2.1%2Bincompatible");
    p = at_pkg(r, "stdlib", "/usr/bin/tool");
    assert_non_null(p);
    assert_string_equal(p->version, "1.16.15");
    assert_int_equal(p->layer_index, 1);
    assert_string_equal(p->layer_diff_id,
                        "sha256:0000000000000000000000000000000000000000000000000000000000000001");
    assert_non_null(at_pkg(r, "example.org/dep", "/usr/bin/tool"));
    assert_null(at_pkg(r, "example.org/tool", "/usr/bin/tool"));
    assert_null(at_pkg(r, "stdlib", "/usr/bin/gone"));
    assert_null(at_pkg(r, "stdlib", "/usr/share/doc/notexec"));
    strata_report_free(r);

    /* A filesystem source: one state, no layers. */
    const struct at_file fs0[] = {AT_FIXTURE_MODE("usr/bin/tool", "ptr64be", 0700), AT_END};
    const struct at_file *fsl[] = {fs0};
    r = at_run(&strata_analyzer_gobinary, fsl, 1, AT_FILESYSTEM);
    assert_int_equal(r->n_packages, 2);
    p = at_pkg(r, "stdlib", "/usr/bin/tool");
    assert_non_null(p);
    assert_string_equal(p->version, "1.13.0");
    assert_int_equal(p->layer_index, -1);
    assert_null(p->layer_diff_id);
    strata_report_free(r);
}

static void test_analyzer_age(void **st)
{
    (void)st;
    char p[512];
    snprintf(p, sizeof p, "%s/age", tf_dir);
    if (access(p, R_OK) != 0) {
        print_message("SKIP: the shared app image is not readable\n");
        return;
    }
    /* As in the app image: age arrives in layer 1, age-keygen is deleted in layer 3. */
    const struct at_file l0[] = {AT_FIXTURE_MODE("etc/hostname", "no_buildinfo", 0644), AT_END};
    const struct at_file l1[] = {AT_FIXTURE_MODE("usr/bin/age", "age", 0755),
                                 AT_FIXTURE_MODE("usr/bin/age-keygen", "age", 0755), AT_END};
    const struct at_file l2[] = {AT_END};
    const struct at_file l3[] = {AT_WHITEOUT("usr/bin/age-keygen"), AT_END};
    const struct at_file *layers[] = {l0, l1, l2, l3};
    struct strata_report *r = at_run(&strata_analyzer_gobinary, layers, 4, at_numbered_ids);
    assert_int_equal(r->n_packages, 1);
    const struct strata_package *pk = &r->packages[0];
    assert_string_equal(pk->name, "stdlib");
    assert_string_equal(pk->version, "1.19.8");
    assert_string_equal(pk->purl, "pkg:golang/stdlib@1.19.8");
    assert_string_equal(pk->db_path, "/usr/bin/age");
    assert_int_equal(pk->layer_index, 1);
    strata_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inline),
        cmocka_unit_test(test_stripped_sections),
        cmocka_unit_test(test_pointer_layout),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_truncations_and_flips),
        cmocka_unit_test(test_not_elf),
        cmocka_unit_test(test_stdlib_version),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_debian_packages),
        cmocka_unit_test(test_analyzer),
        cmocka_unit_test(test_analyzer_age),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
