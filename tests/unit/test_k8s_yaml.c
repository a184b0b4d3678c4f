/* The YAML tree of the Kubernetes checks (k8s_yaml.c): scalar text and positions, typing as
 * go-yaml v2 does it, aliases and merge keys, duplicate keys, and every bound against hostile
 * input (alias bombs, deep nesting, many documents and nodes, huge scalars, NUL, directives,
 * malformed YAML) with positioned errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "checks/config.h"
#include "checks/k8s_yaml.h"

struct one {
    struct ky_stream *s;
    struct ky_node *root;
    struct strata_error err;
    int rc;
};

/* Opens text and reads its first document (o->rc: 1 read, 0 none, < 0 error). */
static void one_open(struct one *o, const char *text, size_t len)
{
    memset(o, 0, sizeof *o);
    o->rc = ky_open(&o->s, "t.yaml", text, len, &o->err);
    if (o->rc == 0)
        o->rc = ky_next(o->s, &o->root, &o->err);
}

static void one_close(struct one *o)
{
    ky_close(o->s);
    o->s = NULL;
}

static struct ky_node *get(struct ky_node *m, const char *k)
{
    return ky_get(m, k);
}

static void assert_text(const struct ky_node *n, const char *want)
{
    assert_non_null(n);
    assert_int_equal(n->type, KY_SCALAR);
    if (n->len != strlen(want) || memcmp(n->text, want, n->len) != 0)
        fail_msg("text '%.*s', want '%s'", (int)n->len, n->text, want);
}

static void expect_error(const char *text, size_t len, int code, const char *prefix)
{
    struct one o;
    one_open(&o, text, len);
    while (o.rc == 1)
        o.rc = ky_next(o.s, &o.root, &o.err);
    if (o.rc != code || strncmp(o.err.msg, prefix, strlen(prefix)) != 0)
        fail_msg("rc %d, '%s'; want %d, '%s…'", o.rc, o.err.msg, code, prefix);
    one_close(&o);
}

static void test_scalars(void **st)
{
    (void)st;
    static const char y[] = "plain: hello world\n"
                            "single: 'it''s'\n"
                            "double: \"a\\tb\\u00e9\\x41\"\n"
                            "\"quoted key\": 1\n"
                            "lit: |\n  one\n  two\n"
                            "fold: >-\n  one\n  two\n"
                            "multi: first\n  second\n"
                            "empty:\n"
                            "flow: {a: [x, 'y z']}\n"
                            "comment: v # not part of it\n";
    struct one o;
    one_open(&o, y, strlen(y));
    assert_int_equal(o.rc, 1);
    struct ky_node *k;
    assert_text(get(o.root, "plain"), "hello world");
    assert_text(get(o.root, "single"), "it's");
    assert_text(get(o.root, "double"), "a\tb\xc3\xa9"
                                       "A");
    assert_text(get(o.root, "lit"), "one\ntwo\n");
    assert_text(get(o.root, "fold"), "one two");
    assert_text(get(o.root, "multi"), "first second");
    assert_text(get(o.root, "empty"), "");
    assert_true(ky_is_null(get(o.root, "empty")));
    assert_text(get(get(o.root, "flow"), "a")->kids[1], "y z");
    assert_text(get(o.root, "comment"), "v");
    /* positions: 1-based, a quoted scalar at its quote */
    assert_non_null(ky_get_key(o.root, "quoted key", &k));
    assert_int_equal(k->line, 4);
    assert_int_equal(k->col, 1);
    assert_int_equal(get(o.root, "single")->line, 2);
    assert_int_equal(get(o.root, "single")->col, 9);
    assert_int_equal(get(o.root, "double")->col, 9);
    assert_int_equal(get(get(o.root, "flow"), "a")->kids[1]->col, 15);
    assert_int_equal(get(o.root, "single")->style, KY_QUOTED);
    assert_int_equal(get(o.root, "lit")->style, KY_BLOCK);
    assert_int_equal(ky_document_index(o.s), 1);
    assert_int_equal(ky_next(o.s, &o.root, &o.err), 0);
    one_close(&o);
}

static void test_typing(void **st)
{
    (void)st;
    static const char y[] =
        "t: [y, Y, yes, Yes, YES, true, True, TRUE, on, On, ON, !!bool 'true']\n"
        "f: [n, N, no, No, NO, false, False, FALSE, off, Off, OFF]\n"
        "x: ['true', \"yes\", yEs, tRUE, 1, !!str true, ~]\n"
        "nulls: [~, null, Null, NULL, '', !!null x, 'null', nil]\n"
        "tags: [!custom true, !<tag:example.com,2024:x> 0x0, !!binary aGk=, !!str null, "
        "!!float 0]\n";
    struct one o;
    one_open(&o, y, strlen(y));
    assert_int_equal(o.rc, 1);
    struct ky_node *t = get(o.root, "t"), *f = get(o.root, "f"), *x = get(o.root, "x");
    for (uint32_t i = 0; i < t->n; i++)
        assert_int_equal(ky_bool(t->kids[i]), 1);
    for (uint32_t i = 0; i < f->n; i++)
        assert_int_equal(ky_bool(f->kids[i]), 0);
    for (uint32_t i = 0; i < x->n; i++)
        assert_int_equal(ky_bool(x->kids[i]), -1);
    assert_int_equal(ky_bool(NULL), -1);
    struct ky_node *nulls = get(o.root, "nulls");
    static const int want_null[] = {1, 1, 1, 1, 0, 1, 0, 0};
    for (uint32_t i = 0; i < nulls->n; i++)
        assert_int_equal(ky_is_null(nulls->kids[i]), want_null[i]);
    assert_true(ky_is_null(NULL));
    /* other tags are ignored: the plain scalar is typed by its text */
    struct ky_node *tags = get(o.root, "tags");
    long long tv = -1;
    assert_int_equal(ky_bool(tags->kids[0]), 1);
    assert_int_equal(ky_int(tags->kids[1], &tv), 0);
    assert_int_equal(tv, 0);
    assert_int_equal(ky_bool(tags->kids[2]), -1);
    assert_false(ky_is_null(tags->kids[3]));
    assert_int_equal(ky_int(tags->kids[4], &tv), 0);
    one_close(&o);

    static const struct {
        const char *text;
        int ok;
        long long v;
    } ints[] = {
        {"0", 1, 0},
        {"-0", 1, 0},
        {"+5", 1, 5},
        {"0x1F", 1, 31},
        {"0o17", 1, 15},
        {"017", 1, 15},
        {"08", 1, 8},
        {"0b101", 1, 5},
        {"1_000", 1, 1000},
        {"0.0", 1, 0},
        {"1e3", 1, 1000},
        {"-2.0E1", 1, -20},
        {".0", 1, 0},
        {"1.5", 0, 0},
        {"'5'", 0, 0},
        {"!!int '5'", 1, 5},
        {"!!str 5", 0, 0},
        {".inf", 0, 0},
        {"0x", 0, 0},
        {"abc", 0, 0},
        {"9223372036854775807", 1, 9223372036854775807LL},
        {"-9223372036854775808", 1, (-9223372036854775807LL - 1)},
        {"9223372036854775808", 0, 0},
        {"", 0, 0},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        char doc[96];
        snprintf(doc, sizeof doc, "v: %s\n", ints[i].text);
        one_open(&o, doc, strlen(doc));
        assert_int_equal(o.rc, 1);
        long long v = -1;
        int rc = ky_int(get(o.root, "v"), &v);
        if ((rc == 0) != ints[i].ok || (ints[i].ok && v != ints[i].v))
            fail_msg("'%s': rc %d v %lld", ints[i].text, rc, v);
        one_close(&o);
    }
}

static void test_aliases(void **st)
{
    (void)st;
    static const char y[] = "base: &sc\n  runAsNonRoot: true\n  runAsUser: &uid 1000\n"
                            "a: *sc\n"
                            "b: *uid\n"
                            "x: &r first\n"
                            "c: *r\n"
                            "y: &r second\n"
                            "d: *r\n";
    struct one o;
    one_open(&o, y, strlen(y));
    assert_int_equal(o.rc, 1);
    assert_int_equal(ky_bool(get(get(o.root, "a"), "runAsNonRoot")), 1);
    long long v;
    assert_int_equal(ky_int(get(o.root, "b"), &v), 0);
    assert_int_equal(v, 1000);
    /* an alias names the latest anchor defined before it */
    assert_text(get(o.root, "c"), "first");
    assert_text(get(o.root, "d"), "second");
    one_close(&o);
    expect_error("a: *nope\n", 9, STRATA_EFORMAT, "t.yaml:1:4: unknown anchor 'nope'");
    expect_error("a: *x\nb: &x 1\n", 14, STRATA_EFORMAT, "t.yaml:1:4: unknown anchor 'x'");
    expect_error("a: &x [1, *x]\n", 14, STRATA_EFORMAT,
                 "t.yaml:1:11: alias *x refers to a collection containing it");
}

static void test_merge_keys(void **st)
{
    (void)st;
    static const char y[] = "b1: &b1 {x: 1, y: 1, z: 1}\n"
                            "b2: &b2 {y: 2, w: 2}\n"
                            "m1: {<<: *b1, y: 9}\n"
                            "m2: {y: 9, <<: *b1}\n"
                            "m3: {<<: [*b2, *b1]}\n"
                            "m4: {'<<': *b1}\n"
                            "m5: {<<: {<<: *b2, v: 5}}\n";
    struct one o;
    one_open(&o, y, strlen(y));
    assert_int_equal(o.rc, 1);
    long long v;
    struct ky_node *m1 = get(o.root, "m1"), *m2 = get(o.root, "m2"), *m3 = get(o.root, "m3");
    /* go-yaml v2 applies pairs in order: a later key overrides a merged one... */
    assert_int_equal(ky_int(get(m1, "y"), &v), 0);
    assert_int_equal(v, 9);
    assert_int_equal(ky_int(get(m1, "x"), &v), 0);
    assert_int_equal(v, 1);
    /* ...and a merge overrides the keys before it */
    assert_int_equal(ky_int(get(m2, "y"), &v), 0);
    assert_int_equal(v, 1);
    /* in a sequence of merges the earlier mapping wins */
    assert_int_equal(ky_int(get(m3, "y"), &v), 0);
    assert_int_equal(v, 2);
    assert_int_equal(ky_int(get(m3, "z"), &v), 0);
    assert_int_equal(v, 1);
    /* a quoted << is an ordinary key */
    assert_null(get(get(o.root, "m4"), "x"));
    assert_non_null(get(get(o.root, "m4"), "<<"));
    assert_int_equal(ky_int(get(get(o.root, "m5"), "w"), &v), 0);
    assert_int_equal(v, 2);
    /* the key node found through a merge is the merged mapping's */
    struct ky_node *k;
    assert_non_null(ky_get_key(m1, "x", &k));
    assert_int_equal(k->line, 1);
    assert_int_equal(k->col, 10);
    /* pairs as decoded: each key once, first-appearance order, last write wins */
    struct ky_pair *p;
    size_t n;
    assert_int_equal(ky_map_pairs(m2, &p, &n), 0);
    assert_int_equal(n, 3);
    assert_text(p[0].key, "y");
    assert_text(p[0].value, "1");
    assert_text(p[1].key, "x");
    assert_text(p[2].key, "z");
    free(p);
    assert_int_equal(ky_map_pairs(m3, &p, &n), 0);
    assert_int_equal(n, 4);
    free(p);
    one_close(&o);
    expect_error("a: &a [1]\nm: {<<: *a}\n", 22, STRATA_EFORMAT,
                 "t.yaml:2:5: a merge key (<<) needs a mapping");
    /* merges nested deeper than K8S_MAX_MERGE_DEPTH */
    char deep[4096];
    int off = snprintf(deep, sizeof deep, "m0: &m0 {a: 1}\n");
    for (int i = 1; i <= K8S_MAX_MERGE_DEPTH + 1; i++)
        off +=
            snprintf(deep + off, sizeof deep - (size_t)off, "m%d: &m%d {<<: *m%d}\n", i, i, i - 1);
    expect_error(deep, strlen(deep), STRATA_ELIMIT, "t.yaml:18:");
}

static void test_duplicates(void **st)
{
    (void)st;
    expect_error("a: 1\nb: 2\n\"a\": 3\n", 17, STRATA_EFORMAT,
                 "t.yaml:3:1: duplicate key a (first at line 1)");
    char big[2048];
    int off = 0;
    for (int i = 0; i < 40; i++)
        off += snprintf(big + off, sizeof big - (size_t)off, "k%d: 1\n", i);
    off += snprintf(big + off, sizeof big - (size_t)off, "k17: 2\n");
    expect_error(big, (size_t)off, STRATA_EFORMAT,
                 "t.yaml:41:1: duplicate key k17 (first at line 18)");
    /* the same key in different mappings is fine */
    struct one o;
    one_open(&o, "a: {x: 1}\nb: {x: 2}\n", 20);
    assert_int_equal(o.rc, 1);
    one_close(&o);
}

static void test_documents(void **st)
{
    (void)st;
    static const char y[] = "# only a comment\n---\na: 1\n---\n---\n# nothing\n...\n---\n- x\n";
    struct one o;
    one_open(&o, y, strlen(y));
    int docs = 0, maps = 0, empty = 0;
    while (o.rc == 1) {
        docs++;
        maps += ky_is_map(o.root);
        empty += ky_is_null(o.root); /* an empty document is a null scalar (or nothing) */
        o.rc = ky_next(o.s, &o.root, &o.err);
    }
    assert_int_equal(o.rc, 0);
    assert_int_equal(maps, 1);
    assert_true(empty >= 2);
    assert_int_equal(docs, (int)ky_document_index(o.s));
    one_close(&o);
    one_open(&o, "", 0);
    assert_int_equal(o.rc, 0);
    one_close(&o);
}

static void test_malformed(void **st)
{
    (void)st;
    expect_error("a: 1\nb: [unclosed\n", 18, STRATA_EFORMAT, "t.yaml:3:1: invalid YAML: ");
    expect_error("a: \"abc\n", 8, STRATA_EFORMAT, "t.yaml:1:");
    expect_error("a: 1\n  b: 2\n", 12, STRATA_EFORMAT, "t.yaml:");
    expect_error("a: 1\nb: 2\x00\n", 10, STRATA_EFORMAT, "t.yaml:2:5: NUL byte in YAML input");
    expect_error("%YAML 1.2\n---\na: 1\n", 19, STRATA_EFORMAT,
                 "t.yaml:1:1: YAML directives are not supported");
    expect_error("a: 1\n%ut\n", 9, STRATA_EFORMAT, "t.yaml:2:1: YAML directives are not supported");
    expect_error("a: \"\\0\"\n", 8, STRATA_EFORMAT, "t.yaml:1:4: NUL character in a scalar");
    /* a good document before a bad one is read first */
    struct one o;
    one_open(&o, "a: 1\n---\nb: [\n", 14);
    assert_int_equal(o.rc, 1);
    assert_int_equal(ky_next(o.s, &o.root, &o.err), STRATA_EFORMAT);
    assert_int_equal(strncmp(o.err.msg, "t.yaml:", 7), 0);
    one_close(&o);
}

static void test_bounds(void **st)
{
    (void)st;
    /* nesting */
    char deep[300];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    expect_error(deep, 200, STRATA_ELIMIT, "t.yaml:1:");
    memset(deep, '[', CONFIG_MAX_DEPTH);
    memset(deep + CONFIG_MAX_DEPTH, ']', CONFIG_MAX_DEPTH);
    struct one o;
    one_open(&o, deep, 2 * CONFIG_MAX_DEPTH);
    /* at the limit: read, or refused by libfyaml's own limit of 64 */
    assert_true(o.rc == 1 || o.rc == STRATA_EFORMAT);
    one_close(&o);

    /* alias bomb ("billion laughs"): refused after linear work, with the position */
    char bomb[4096];
    int off = snprintf(bomb, sizeof bomb, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++) {
        off += snprintf(bomb + off, sizeof bomb - (size_t)off, "a%d: &a%d [", i, i);
        for (int j = 0; j < 10; j++)
            off += snprintf(bomb + off, sizeof bomb - (size_t)off, "%s*a%d", j ? ", " : "", i - 1);
        off += snprintf(bomb + off, sizeof bomb - (size_t)off, "]\n");
    }
    clock_t t0 = clock();
    expect_error(bomb, (size_t)off, STRATA_ELIMIT, "t.yaml:");
    assert_true(clock() - t0 < 2 * CLOCKS_PER_SEC);

    /* too many nodes in one document */
    size_t n = (K8S_MAX_NODES + 10) * 2 + 2;
    char *flow = malloc(n + 1);
    assert_non_null(flow);
    flow[0] = '[';
    for (size_t i = 1; i + 1 < n; i += 2) {
        flow[i] = '1';
        flow[i + 1] = ',';
    }
    flow[n - 1] = ']';
    flow[n] = '\0';
    expect_error(flow, n, STRATA_ELIMIT, "t.yaml:1:");
    free(flow);

    /* too many documents */
    size_t docs = CONFIG_MAX_DOCUMENTS + 1;
    char *many = malloc(docs * 9 + 1);
    assert_non_null(many);
    for (size_t i = 0; i < docs; i++)
        memcpy(many + i * 9, "---\na: 1\n", 9);
    one_open(&o, many, docs * 9);
    size_t read = 0;
    while (o.rc == 1) {
        read++;
        o.rc = ky_next(o.s, &o.root, &o.err);
    }
    assert_int_equal(read, CONFIG_MAX_DOCUMENTS);
    assert_int_equal(o.rc, STRATA_ELIMIT);
    assert_non_null(strstr(o.err.msg, "more than 100000 YAML documents"));
    one_close(&o);
    free(many);

    /* a huge scalar is read, a too large file is not */
    size_t big = 10u << 20;
    char *s = malloc(big + 16);
    assert_non_null(s);
    memcpy(s, "a: ", 3);
    memset(s + 3, 'x', big);
    s[big + 3] = '\n';
    one_open(&o, s, big + 4);
    assert_int_equal(o.rc, 1);
    assert_int_equal(get(o.root, "a")->len, big);
    one_close(&o);
    free(s);
    one_open(&o, "a: 1\n", CONFIG_MAX_FILE + 1); /* the length alone decides */
    assert_int_equal(o.rc, STRATA_ELIMIT);
    one_close(&o);
}

/* libfyaml's document builder is quadratic in the keys of a mapping and in anchors; the
 * event-built tree is not: these take well under a second. */
static void test_linear(void **st)
{
    (void)st;
    size_t keys = 100000;
    char *y = malloc(keys * 40);
    assert_non_null(y);
    size_t off = 0;
    for (size_t i = 0; i < keys; i++)
        off += (size_t)sprintf(y + off, "k%zu: &a%zu v\n", i, i);
    for (size_t i = 0; i < keys; i++)
        off += (size_t)sprintf(y + off, "r%zu: *a%zu\n", i, i);
    clock_t t0 = clock();
    struct one o;
    one_open(&o, y, off);
    assert_int_equal(o.rc, 1);
    assert_int_equal(o.root->n, 2 * keys);
    assert_text(get(o.root, "r99999"), "v");
    one_close(&o);
    assert_true(clock() - t0 < 5 * CLOCKS_PER_SEC);
    /* a mapping merging one of 200,000 keys: its pairs in linear time */
    off = (size_t)sprintf(y, "big: &big\n");
    for (size_t i = 0; i < 200000; i++)
        off += (size_t)sprintf(y + off, "  k%zu: v\n", i);
    off += (size_t)sprintf(y + off, "m: {k7: own, <<: *big, k9: own}\n");
    t0 = clock();
    one_open(&o, y, off);
    assert_int_equal(o.rc, 1);
    struct ky_pair *p;
    size_t n;
    assert_int_equal(ky_map_pairs(get(o.root, "m"), &p, &n), 0);
    assert_int_equal(n, 200000);
    assert_text(p[0].key, "k7");
    assert_text(p[0].value, "v"); /* v2: the merge after it overrides k7 */
    assert_text(p[9].value, "own");
    free(p);
    one_close(&o);
    assert_true(clock() - t0 < 5 * CLOCKS_PER_SEC);
    free(y);
}

static void test_show(void **st)
{
    (void)st;
    char b[16];
    assert_string_equal(ky_show_bytes("ab\tc", 4, b, sizeof b), "ab?c");
    assert_string_equal(ky_show_bytes("\xff\xc3\xa9", 3, b, sizeof b), "?\xc3\xa9");
    assert_string_equal(ky_show_bytes("0123456789abcdefghij", 20, b, sizeof b), "0123456789ab...");
    assert_string_equal(
        ky_show_bytes("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 12, b, 10),
        "\xe2\x82\xac\xe2\x82\xac...");
    assert_string_equal(ky_show(NULL, b, sizeof b), "nothing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),    cmocka_unit_test(test_typing),
        cmocka_unit_test(test_aliases),    cmocka_unit_test(test_merge_keys),
        cmocka_unit_test(test_duplicates), cmocka_unit_test(test_documents),
        cmocka_unit_test(test_malformed),  cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_linear),     cmocka_unit_test(test_show),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
