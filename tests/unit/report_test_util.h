/* Helpers shared by the reporter unit tests (test_report.c for the inventory, test_report_vulns.c
 * for vulnerabilities): building strings for a report, rendering it into memory, parsing the
 * JSON renderings back and dumping them for the schema checks in tests/e2e. Static (inline
 * where the compiler allows) so each test binary gets its own copy without a separate object. */
#ifndef STRATA_TESTS_REPORT_TEST_UTIL_H
#define STRATA_TESTS_REPORT_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata/report.h"
#include "strata/reporter.h"

/* A heap copy for a report field (the report frees it); NULL stays NULL so that optional
 * fields can be passed straight through. */
static inline char *dup(const char *s)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

/* Renders into a malloc'd NUL-terminated string; asserts the writer's return code.
 * Not inlined: once inlined into a test, GCC 12 takes the text open_memstream hands back
 * for a pointer into this frame and reports -Wdangling-pointer on every strstr over it. */
static __attribute__((noinline, unused)) char *
render_rc(const struct strata_report *r, enum strata_format f,
          const struct strata_report_write_opts *opts, int want_rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    struct strata_error err = {0};
    int rc = strata_report_write(r, f, m, opts, &err);
    if (rc != want_rc)
        fail_msg("format %s: rc %d (%s), want %d", strata_format_name(f), rc, err.msg, want_rc);
    assert_int_equal(fclose(m), 0);
    return buf;
}

/* The common case: the writer must succeed. */
static inline char *render(const struct strata_report *r, enum strata_format f,
                           const struct strata_report_write_opts *opts)
{
    return render_rc(r, f, opts, 0);
}

static inline json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    if (j == NULL)
        fail_msg("invalid JSON at %d:%d: %s", jerr.line, jerr.column, jerr.text);
    return j;
}

static inline const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("%s: not a string", key);
    return json_string_value(v);
}

/* With STRATA_REPORT_DUMP_DIR set, writes text to DIR/name for the schema checks in
 * tests/e2e; a short write fails the test rather than leaving a truncated file to validate. */
static inline void dump(const char *name, const char *text)
{
    const char *dir = getenv("STRATA_REPORT_DUMP_DIR");
    if (dir == NULL || *dir == '\0')
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        fail_msg("cannot write %s", path);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

#endif
