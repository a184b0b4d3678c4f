/* Unit tests: the squashed view — whiteouts, opaque directories, attribution, resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "image/view_build.h"

#define REG(p)                                                                                     \
    {                                                                                              \
        .path = (p), .type = STRATA_FT_REG, .mode = 0644                                           \
    }
#define DIR_(p)                                                                                    \
    {                                                                                              \
        .path = (p), .type = STRATA_FT_DIR, .mode = 0755                                           \
    }
#define LNK(p, t)                                                                                  \
    {                                                                                              \
        .path = (p), .link = (t), .type = STRATA_FT_SYMLINK, .mode = 0777                          \
    }
#define WH(p)                                                                                      \
    {                                                                                              \
        .path = (p), .type = STRATA_FT_OTHER, .whiteout = WHITEOUT_FILE                            \
    }
#define OPQ(p)                                                                                     \
    {                                                                                              \
        .path = (p), .type = STRATA_FT_OTHER, .whiteout = WHITEOUT_OPAQUE                          \
    }

static void apply(struct strata_view *v, int layer, const struct layer_entry *e, size_t n)
{
    struct strata_error err = {0};
    assert_int_equal(view_apply_layer(v, layer, e, n, &err), 0);
}

static void node_is(const struct strata_view *v, const char *path, int layer, int deleted_by)
{
    struct strata_node_info n;
    assert_int_equal(strata_view_lookup(v, path, &n), 0);
    assert_int_equal(n.layer, layer);
    assert_int_equal(n.deleted_by, deleted_by);
}

static void test_whiteouts_and_attribution(void **state)
{
    (void)state;
    struct strata_view *v = view_new();
    assert_non_null(v);
    const struct layer_entry l0[] = {DIR_("app"),          REG("app/id_rsa"),
                                     REG("app/a"),         DIR_("etc"),
                                     DIR_("etc/nginx"),    LNK("etc/nginx/default", "../x"),
                                     REG("etc/nginx/keep")};
    const struct layer_entry l1[] = {REG("app/a"), REG("usr/bin/age-keygen")};
    const struct layer_entry l2[] = {WH("app/id_rsa"), OPQ("etc/nginx"), DIR_("etc/nginx"),
                                     REG("etc/nginx/app.conf"), WH("usr/bin/age-keygen")};
    apply(v, 0, l0, sizeof l0 / sizeof *l0);
    apply(v, 1, l1, sizeof l1 / sizeof *l1);
    apply(v, 2, l2, sizeof l2 / sizeof *l2);
    node_is(v, "app/id_rsa", 0, 2);
    node_is(v, "app/a", 1, -1);
    node_is(v, "etc/nginx/default", 0, 2);
    node_is(v, "etc/nginx/keep", 0, 2);
    node_is(v, "etc/nginx/app.conf", 2, -1);
    node_is(v, "etc/nginx", 2, -1);
    node_is(v, "usr/bin/age-keygen", 1, 2);
    node_is(v, "usr/bin", -1, -1); /* implicit parent */
    struct strata_node_info n;
    assert_int_equal(strata_view_lookup(v, "nope", &n), STRATA_ENOTFOUND);
    view_free(v);
}

static void test_readd_and_dir_replaced(void **state)
{
    (void)state;
    struct strata_view *v = view_new();
    const struct layer_entry l0[] = {DIR_("d"), REG("d/f"), REG("g")};
    const struct layer_entry l1[] = {WH("d"), WH("g")};
    const struct layer_entry l2[] = {REG("d/new"), REG("g")};
    const struct layer_entry l3[] = {REG("d")}; /* a file replaces the directory */
    apply(v, 0, l0, 3);
    apply(v, 1, l1, 2);
    node_is(v, "d", 0, 1);
    node_is(v, "d/f", 0, 1);
    apply(v, 2, l2, 2);
    node_is(v, "d/new", 2, -1);
    node_is(v, "d/f", 0, 1);
    node_is(v, "d", 0, -1); /* revived implicitly by d/new */
    node_is(v, "g", 2, -1);
    apply(v, 3, l3, 1);
    node_is(v, "d/new", 2, 3);
    view_free(v);
}

static void test_resolve(void **state)
{
    (void)state;
    struct strata_view *v = view_new();
    const struct layer_entry l0[] = {DIR_("usr"),
                                     DIR_("usr/lib"),
                                     REG("usr/lib/os-release"),
                                     LNK("etc/os-release", "../usr/lib/os-release"),
                                     LNK("bin", "usr/bin"),
                                     LNK("loop1", "loop2"),
                                     LNK("loop2", "/loop1"),
                                     LNK("escape", "../../../usr")};
    apply(v, 0, l0, sizeof l0 / sizeof *l0);
    char out[4096];
    struct strata_error err = {0};
    assert_int_equal(strata_view_resolve(v, "etc/os-release", out, sizeof out, &err), 0);
    assert_string_equal(out, "usr/lib/os-release");
    assert_int_equal(strata_view_resolve(v, "escape/lib/os-release", out, sizeof out, &err), 0);
    assert_string_equal(out, "usr/lib/os-release");
    assert_int_equal(strata_view_resolve(v, "loop1", out, sizeof out, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "too many levels of symbolic links"));
    assert_int_equal(strata_view_resolve(v, "bin/sh", out, sizeof out, &err), STRATA_ENOTFOUND);
    view_free(v);
}

static int count_cb(const struct strata_node_info *n, void *arg)
{
    (void)n;
    (*(int *)arg)++;
    return 0;
}

static void test_many_nodes(void **state)
{
    (void)state;
    struct strata_view *v = view_new();
    enum { N = 20000 };
    static char paths[N][32];
    static struct layer_entry e[N];
    for (int i = 0; i < N; i++) {
        snprintf(paths[i], sizeof paths[i], "d%d/f%d", i % 100, i);
        e[i] = (struct layer_entry)REG(paths[i]);
    }
    apply(v, 0, e, N);
    const struct layer_entry wh[] = {WH("d7")};
    apply(v, 1, wh, 1);
    int count = 0;
    strata_view_foreach(v, count_cb, &count);
    assert_int_equal(count, N + 100);
    assert_int_equal(view_count_present(v), N + 100 - 201);
    view_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whiteouts_and_attribution),
        cmocka_unit_test(test_readd_and_dir_replaced),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_many_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
