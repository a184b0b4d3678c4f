/* cargo-auditable dependency lists (.dep-v0) and the Rust binary analyzer. Synthetic ELF
 * files come from tests/unit/make_rust_elf.py (64-bit LE, 32-bit BE, stripped section headers,
 * hostile variants); when rustc is installed, a real executable is built with the same JSON
 * placed in .dep-v0 by a #[link_section] static, as cargo-auditable injects it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "inventory/rust_audit_parse.h"
#include "analyzer_test_util.h"

extern const struct strata_analyzer strata_analyzer_rust_audit;

static int have_rustc;

static int setup(void **st)
{
    (void)st;
    if (tf_make_dir("strata-rust") != 0)
        return -1;
    const char *src = tf_srcroot();
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "python3 %s/tests/unit/make_rust_elf.py %s", src, tf_dir);
    if (system(cmd) != 0)
        return -1;
    snprintf(cmd, sizeof cmd,
             "command -v rustc >/dev/null 2>&1 && cd %s && rustc -O --edition 2021 -o realbin "
             "main.rs >/dev/null 2>&1",
             tf_dir);
    have_rustc = system(cmd) == 0;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    return tf_remove_dir();
}

static int parse_file(const char *name, struct rust_audit *a, struct strata_error *err)
{
    size_t len = 0;
    uint8_t *d = tf_fixture(name, &len);
    memset(err, 0, sizeof *err);
    int rc = rust_audit_parse_elf(d, len, name, a, err);
    free(d);
    return rc;
}

static void check_packages(const struct rust_audit *a)
{
    assert_int_equal(a->n, 6);
    assert_string_equal(a->v[0].name, "adler");
    assert_string_equal(a->v[0].version, "1.0.2");
    assert_string_equal(a->v[0].source, "crates.io");
    assert_int_equal(a->v[0].build, 0);
    assert_int_equal(a->v[0].root, 0);
    assert_int_equal(a->v[1].build, 1);
    assert_int_equal(a->v[2].root, 1);
    assert_string_equal(a->v[2].source, "local");
    assert_int_equal(a->v[2].n_deps, 3);
    assert_int_equal(a->v[2].deps[0], 4);
    assert_int_equal(a->v[4].n_deps, 1);
    assert_string_equal(a->v[5].version, "0.3.0-alpha.1+build.5");
    assert_string_equal(a->v[5].source, "git");
}

static void test_parse(void **st)
{
    (void)st;
    const char *names[] = {"auditable64le", "auditable32be"};
    for (size_t i = 0; i < 2; i++) {
        struct rust_audit a;
        struct strata_error err;
        int rc = parse_file(names[i], &a, &err);
        if (rc != 0)
            fail_msg("%s: %s", names[i], err.msg);
        check_packages(&a);
        rust_audit_free(&a);
    }
}

static void test_not_found(void **st)
{
    (void)st;
    struct rust_audit a;
    struct strata_error err;
    assert_int_equal(parse_file("no_section", &a, &err), STRATA_ENOTFOUND);
    assert_string_equal(err.msg, "no_section: no .dep-v0 section");
    rust_audit_free(&a);
    /* Only section headers are consulted: without them there is no dependency list. */
    assert_int_equal(parse_file("stripped", &a, &err), STRATA_ENOTFOUND);
    rust_audit_free(&a);
    const uint8_t text[] = "#!/bin/sh\n";
    assert_int_equal(rust_audit_parse_elf(text, sizeof text - 1, "bin/x", &a, &err),
                     STRATA_ENOTFOUND);
    assert_string_equal(err.msg, "bin/x: not an ELF file");
    rust_audit_free(&a);
    assert_int_equal(rust_audit_parse_elf(NULL, 0, "bin/x", &a, &err), STRATA_ENOTFOUND);
    rust_audit_free(&a);
}

static void test_hostile(void **st)
{
    (void)st;
    static const struct {
        const char *name;
        int code;
        const char *msg; /* prefix */
    } cases[] = {
        {"bad_zlib", STRATA_EFORMAT,
         "bad_zlib: offset 595: invalid zlib stream in .dep-v0: invalid block type"},
        {"truncated_zlib", STRATA_EFORMAT,
         "truncated_zlib: offset 689: truncated zlib stream in .dep-v0"},
        {"not_zlib", STRATA_EFORMAT,
         "not_zlib: offset 594: invalid zlib stream in .dep-v0: incorrect header check"},
        {"bomb", STRATA_ELIMIT, "bomb: offset "},
        {"not_json", STRATA_EFORMAT, "not_json: .dep-v0:1:"},
        {"wrong_type", STRATA_EFORMAT, "wrong_type: .dep-v0: packages[0].version: not a string"},
        {"no_packages", STRATA_EFORMAT,
         "no_packages: .dep-v0: no \"packages\" array at the top level"},
        {"bad_index", STRATA_EFORMAT,
         "bad_index: .dep-v0: packages[0].dependencies[0]: not an index of a package"},
        {"negative_index", STRATA_EFORMAT,
         "negative_index: .dep-v0: packages[0].dependencies[0]: not an index of a package"},
        {"huge_count", STRATA_ELIMIT, "huge_count: .dep-v0: more than 100000 packages"},
        {"nul_name", STRATA_EFORMAT, "nul_name: .dep-v0:"},
        {"deep", STRATA_EFORMAT, "deep: .dep-v0:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct rust_audit a;
        struct strata_error err;
        int rc = parse_file(cases[i].name, &a, &err);
        rust_audit_free(&a);
        if (rc != cases[i].code || strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
            fail_msg("%s: rc %d: %s", cases[i].name, rc, err.msg);
    }
    /* The bomb message says what the bound is. */
    struct rust_audit a;
    struct strata_error err;
    assert_int_equal(parse_file("bomb", &a, &err), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "inflates to more than 8 MiB"));
    rust_audit_free(&a);
}

/* Every prefix and byte flip of the valid file: errors, never a crash (ASan build). */
static void test_truncations_and_flips(void **st)
{
    (void)st;
    size_t len = 0;
    uint8_t *d = tf_fixture("auditable64le", &len);
    for (size_t n = 0; n < len; n++) {
        uint8_t *c = malloc(n ? n : 1);
        assert_non_null(c);
        memcpy(c, d, n);
        struct rust_audit a;
        struct strata_error err = {0};
        int rc = rust_audit_parse_elf(c, n, "x", &a, &err);
        assert_true(rc == 0 || rc == STRATA_ENOTFOUND || rc == STRATA_EFORMAT ||
                    rc == STRATA_ELIMIT);
        if (rc != 0)
            assert_int_equal(strncmp(err.msg, "x: ", 3), 0);
        rust_audit_free(&a);
        free(c);
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t save = d[i];
        d[i] ^= 0xa5;
        struct rust_audit a;
        struct strata_error err = {0};
        (void)rust_audit_parse_elf(d, len, "x", &a, &err);
        rust_audit_free(&a);
        d[i] = save;
    }
    free(d);
}

static void test_real_rustc(void **st)
{
    (void)st;
    if (!have_rustc) {
        print_message("SKIP: rust_audit_real: rustc not installed\n");
        return;
    }
    struct rust_audit a;
    struct strata_error err;
    int rc = parse_file("realbin", &a, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    check_packages(&a);
    rust_audit_free(&a);
}

static void test_analyzer(void **st)
{
    (void)st;
    const struct at_file layer0[] = {
        AT_FIXTURE_MODE("usr/local/bin/demo", "auditable64le", 0755),
        AT_FIXTURE_MODE("usr/local/bin/rg", "registry_root", 0755),
        AT_FIXTURE_MODE("usr/local/bin/bad", "bad_zlib",
                        0755), /* malformed: skipped, scan goes on */
        AT_FIXTURE_MODE("usr/share/demo.so", "auditable64le", 0644),  /* not executable: not read */
        AT_FIXTURE_MODE("usr/local/bin/gone", "auditable64le", 0755), /* deleted below */
        AT_FIXTURE_MODE("usr/bin/plain", "no_section", 0755),
        AT_END,
    };
    const struct at_file layer1[] = {
        AT_WHITEOUT("usr/local/bin/gone"),
        AT_FIXTURE_MODE("usr/local/bin/rg", "registry_root",
                        0755), /* rewritten: reported from layer 1 */
        AT_END,
    };
    const struct at_file *layers[] = {layer0, layer1};
    struct strata_report *r = at_run(&strata_analyzer_rust_audit, layers, 2, at_numbered_ids);
    /* demo: adler, itoa, miniz_oxide, vendored (cc is a build dependency, the local root is
     * left out); rg: adler and the registry root ripgrep. */
    assert_int_equal(r->n_packages, 6);
    const struct strata_package *p = at_pkg(r, "miniz_oxide", "/usr/local/bin/demo");
    assert_non_null(p);
    assert_string_equal(p->type, "cargo");
    assert_string_equal(p->version, "0.7.1");
    assert_string_equal(p->purl, "pkg:cargo/miniz_oxide@0.7.1");
    assert_int_equal(p->compiled_in, 1);
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->layer_index, 0);
    p = at_pkg(r, "adler", "/usr/local/bin/demo");
    assert_non_null(p);
    assert_int_equal(p->direct, 0);
    p = at_pkg(r, "vendored", "/usr/local/bin/demo");
    assert_non_null(p);
    assert_string_equal(p->purl, "pkg:cargo/vendored@0.3.0-alpha.1%2Bbuild.5");
    assert_null(at_pkg(r, "cc", NULL));
    assert_null(at_pkg(r, "demo", NULL));
    p = at_pkg(r, "ripgrep", "/usr/local/bin/rg");
    assert_non_null(p);
    assert_int_equal(p->direct, -1);
    assert_int_equal(p->layer_index, 1);
    assert_string_equal(p->layer_diff_id,
                        "sha256:0000000000000000000000000000000000000000000000000000000000000001");
    assert_non_null(at_pkg(r, "adler", "/usr/local/bin/rg"));
    assert_null(at_pkg(r, "adler", "/usr/local/bin/gone"));
    assert_null(at_pkg(r, "adler", "/usr/share/demo.so"));
    strata_report_free(r);

    /* A filesystem source. */
    const struct at_file fs0[] = {AT_FIXTURE_MODE("opt/demo", "auditable64le", 0700), AT_END};
    const struct at_file *fsl[] = {fs0};
    r = at_run(&strata_analyzer_rust_audit, fsl, 1, AT_FILESYSTEM);
    assert_int_equal(r->n_packages, 4);
    p = at_pkg(r, "itoa", "/opt/demo");
    assert_non_null(p);
    assert_int_equal(p->layer_index, -1);
    assert_null(p->layer_diff_id);
    strata_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),      cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_hostile),    cmocka_unit_test(test_truncations_and_flips),
        cmocka_unit_test(test_real_rustc), cmocka_unit_test(test_analyzer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
