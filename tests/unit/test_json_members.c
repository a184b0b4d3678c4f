/* Unit tests: json_members, the top-level object scanner the Debian tracker import streams
 * with. Every document is read twice, from memory and from a file with a 16-byte first buffer
 * (so every refill, compaction and growth path runs), and both must give the same members,
 * positions and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "vulndb/json_members.h"

/* "key|value|line:column|offset\n" per member, then "end" or "error CODE: MESSAGE"; with load,
 * each value is also parsed and a jm_load error ends the listing the same way. */
static char *scan(const char *doc, size_t len, size_t max_member, int flags, int from_fd, int load)
{
    struct strbuf out = STRBUF_INIT;
    struct strata_error err = {0};
    struct jm_reader *r = NULL;
    FILE *f = NULL;
    int rc;
    if (from_fd) {
        f = tmpfile();
        assert_non_null(f);
        assert_int_equal(fwrite(doc, 1, len, f), len);
        assert_int_equal(fflush(f), 0);
        rewind(f);
        rc = jm_open_fd(&r, fileno(f), "doc.json", max_member, flags | JM_SMALL_BUFFER, &err);
    } else {
        rc = jm_open_mem(&r, doc, len, "doc.json", max_member, flags, &err);
    }
    assert_int_equal(rc, 0);
    int is_object = 0, more = 0;
    rc = jm_begin(r, &is_object, &err);
    if (rc == 0 && !is_object)
        assert_int_equal(strbuf_adds(&out, "not an object\n"), 0);
    while (rc == 0 && is_object) {
        struct jm_member m;
        if ((rc = jm_next(r, &m, &more, &err)) != 0 || !more)
            break;
        assert_int_equal(strbuf_addf(&out, "%s|%.*s|%ld:%ld|%llu\n", m.key, (int)m.value_len,
                                     m.value, m.line, m.column, (unsigned long long)m.offset),
                         0);
        if (load) {
            json_t *v = NULL;
            if ((rc = jm_load(r, &m, 0, &v, &err)) != 0)
                break;
            json_decref(v);
        }
    }
    if (rc != 0)
        assert_int_equal(strbuf_addf(&out, "error %d: %s\n", rc, err.msg), 0);
    else if (is_object)
        assert_int_equal(strbuf_adds(&out, "end\n"), 0);
    jm_free(r);
    if (f)
        fclose(f);
    char *s = strbuf_detach(&out);
    assert_non_null(s);
    return s;
}

/* Both readers give want (or, when want is NULL, the same as each other); returns the text. */
static char *both(const char *doc, size_t len, size_t max_member, int flags, int load,
                  const char *want)
{
    char *a = scan(doc, len, max_member, flags, 0, load);
    char *b = scan(doc, len, max_member, flags, 1, load);
    if (strcmp(a, b) != 0)
        fail_msg("memory and fd readers differ on %.*s:\n%s---\n%s", (int)(len < 200 ? len : 200),
                 doc, a, b);
    if (want != NULL && strcmp(a, want) != 0)
        fail_msg("document: %.*s\nwant:\n%sgot:\n%s", (int)(len < 200 ? len : 200), doc, want, a);
    free(b);
    return a;
}

static void check(const char *doc, int load, const char *want)
{
    free(both(doc, strlen(doc), 1 << 20, JM_REJECT_DUPLICATES, load, want));
}

static void check_error(const char *doc, size_t max_member, const char *needle)
{
    char *got = both(doc, strlen(doc), max_member, JM_REJECT_DUPLICATES, 1, NULL);
    if (strstr(got, needle) == NULL) {
        const char *e = strstr(got, "error ");
        fail_msg("document: %.80s\nwant a message with: %s\ngot:\n%.300s", doc, needle,
                 e ? e : got);
    }
    free(got);
}

static void test_members(void **state)
{
    (void)state;
    check("{}", 1, "end\n");
    check(" \n{ } \n", 1, "end\n");
    check("{\"a\":1}", 1, "a|1|1:6|5\nend\n");
    check("{\"a\" : -1.5e3 , \"b\":true,\"c\":null,\"d\":\"x\\\"}{[\",\"e\":[1,{\"f\":\"]\"}],"
          "\"g\":{\"h\":{}}}",
          1,
          "a|-1.5e3|1:8|7\nb|true|1:21|20\nc|null|1:30|29\nd|\"x\\\"}{[\"|1:39|38\n"
          "e|[1,{\"f\":\"]\"}]|1:52|51\ng|{\"h\":{}}|1:70|69\nend\n");
    /* Names are decoded; columns count characters, lines restart them. */
    check("{\"caf\\u00e9\\n\":\n  {\"\xc3\xa9\":1},\n\"\xe2\x82\xac\": [ ]\n}\n", 1,
          "caf\xc3\xa9\n|{\"\xc3\xa9\":1}|2:3|18\n\xe2\x82\xac|[ ]|3:6|35\nend\n");
    /* Not an object: the caller reads it another way. */
    check("", 1, "not an object\n");
    check("  \n", 1, "not an object\n");
    check("[1,2]", 1, "not an object\n");
    check("\"x\"", 1, "not an object\n");
    /* Without JM_REJECT_DUPLICATES a repeated name is returned again. */
    char *got = both("{\"a\":1,\"a\":2}", 13, 100, 0, 1, "a|1|1:6|5\na|2|1:12|11\nend\n");
    free(got);
}

static void test_hostile(void **state)
{
    (void)state;
    check_error("{\"abc", 1 << 20,
                "doc.json: invalid JSON at line 1, column 2: unterminated string");
    check_error("{\"a\":1,\n\"b\":\"xyz", 1 << 20, "line 2, column 5: unterminated string");
    check_error("{\"a\\", 1 << 20, "line 1, column 2: unterminated string");
    check_error("{\"a\": {\"b\": [1, 2}", 1 << 20,
                "line 1, column 19: unexpected end of input: 1 unclosed '{' or '[' in the value "
                "of member \"a\" (which starts at line 1, column 7)");
    check_error("{\"a\": {\"b\": [1, 2}}", 1 << 20,
                "doc.json: invalid JSON at line 1, column 18: ']' expected near '}'");
    check_error("{\"a\": 1", 1 << 20, "line 1, column 8: unexpected end of input: expected ','");
    check_error("{\"a\": 1}}", 1 << 20,
                "line 1, column 9: unexpected data after the top-level object");
    check_error("{\"a\": 1}\n\n  x", 1 << 20,
                "line 3, column 3: unexpected data after the top-level object");
    check_error("{\"a\": 1} {\"b\": 2}", 1 << 20, "line 1, column 10: unexpected data after");
    check_error("\xef\xbb\xbf{\"a\": 1}", 1 << 20,
                "line 1, column 1: the document starts with a byte order mark");
    check_error("{\"a\": 1,}", 1 << 20, "line 1, column 9: expected a member name (a string)");
    check_error("{\"a\" 1}", 1 << 20, "line 1, column 6: expected ':'");
    check_error("{\"a\":}", 1 << 20, "line 1, column 6: expected a value for member \"a\"");
    check_error("{\"a\":", 1 << 20, "line 1, column 6: unexpected end of input: expected a value");
    check_error("{1: 2}", 1 << 20, "line 1, column 2: expected a member name (a string) or '}'");
    check_error("{\"a\": 1 \"b\": 2}", 1 << 20, "line 1, column 9: expected ',' or '}'");
    check_error("{\"a\": tru}", 1 << 20, "line 1, column 9: invalid token near 'tru'");
    check_error("{\"a\\x\": 1}", 1 << 20, "line 1, column 5: invalid escape");
    check_error("{\"a\\u0000\": 1}", 1 << 20, "line 1, column");
    check_error("{\"a\": 1, \"a\": 2}", 1 << 20, "line 1, column 10: duplicate member name \"a\"");
    /* A member longer than the limit, wherever it ends. */
    check_error("{\"a\": 1, \"b\": \"0123456789012345678901234567890123456789\"}", 32,
                "line 1, column 10: member \"b\" is longer than the limit of 32 bytes");
    check_error("{\"a\": 1, \"b\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 32,
                "member \"b\" is longer than the limit of 32 bytes");
    check_error("{\"0123456789012345678901234567890123456789\": 1}", 32,
                "line 1, column 2: a member is longer than the limit of 32 bytes");
}

/* jansson's position inside a value, moved to the document, is where a whole-document parse
 * reports the same error. */
static void test_positions_match_jansson(void **state)
{
    (void)state;
    static const char *docs[] = {
        "{\n  \"a\": 1,\n  \"b\": {\"x\": 1,\n \"y\": tru }\n}",
        "{\"a\": {\"\xc3\xa9\xc3\xa9\": [1, 2,, 3]}}",
        "{\"a\": 1,\n\n   \"b\"  :  [\"ok\", \"bad \\q\"]}",
        "{\"a\": \"x\", \"b\": {\"c\": [1, 2}}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        json_error_t je;
        json_t *whole = json_loads(docs[i], 0, &je);
        assert_null(whole);
        char want[512];
        snprintf(want, sizeof want, "doc.json: invalid JSON at line %d, column %d: %s", je.line,
                 je.column, je.text);
        check_error(docs[i], 1 << 20, want);
    }
    /* Nesting deeper than jansson's limit inside one member: the error is at the 2049th '['
     * of the value (a whole-document parse counts the top-level object as one more level). */
    size_t n = 5000;
    char *deep = malloc(2 * n + 32);
    assert_non_null(deep);
    int k = snprintf(deep, 32, "{\"ok\": 1,\n\"deep\": ");
    memset(deep + k, '[', n);
    memset(deep + k + n, ']', n);
    strcpy(deep + k + 2 * n, "}");
    check_error(deep, 1 << 20,
                "doc.json: invalid JSON at line 2, column 2057: maximum parsing depth reached");
    free(deep);
}

/* Many names: the duplicate set grows and rehashes, and still finds the repeat at the end. */
static void test_many_names(void **state)
{
    (void)state;
    struct strbuf doc = STRBUF_INIT;
    assert_int_equal(strbuf_addch(&doc, '{'), 0);
    for (int i = 0; i < 20000; i++)
        assert_int_equal(strbuf_addf(&doc, "%s\"pkg-%d\":{\"CVE-%d\":{}}", i ? "," : "", i, i), 0);
    assert_int_equal(strbuf_adds(&doc, "}"), 0);
    char *got = both(doc.buf, doc.len, 1 << 20, JM_REJECT_DUPLICATES, 1, NULL);
    assert_non_null(strstr(got, "pkg-19999|{\"CVE-19999\":{}}|"));
    assert_non_null(strstr(got, "\nend\n"));
    free(got);
    doc.len--; /* the closing brace */
    assert_int_equal(strbuf_adds(&doc, ",\"pkg-123\":{}}"), 0);
    got = both(doc.buf, doc.len, 1 << 20, JM_REJECT_DUPLICATES, 1, NULL);
    assert_non_null(strstr(got, "duplicate member name \"pkg-123\""));
    free(got);
    strbuf_release(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_positions_match_jansson),
        cmocka_unit_test(test_many_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
