/* The streaming JSON writer (src/report/json_writer.c) and the JSON report written with it
 * must give exactly the bytes of the jansson tree the report was built as before:
 *   - random reports (strings with quotes, backslashes, control characters, multi-byte and
 *     invalid UTF-8, NULL fields, empty arrays, reals, extreme integers, suppressed findings)
 *     through strata_report_write and through a copy of the old tree builder;
 *   - random jansson documents (nesting, empty containers, every scalar kind) dumped by
 *     jansson and walked through the writer;
 *   - every 1- and 2-byte string, and 3- and 4-byte ones over every class of byte;
 *   - edge reals, a string longer than the output buffer, a report of many buffers;
 *   - the same errors: a write error gives the same message, an infinite score ENOMEM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_writer.h"
#include "report/report_internal.h"
#include "strata/report.h"
#include "strata/reporter.h"

/* ---- the old tree builder (src/report/json.c before streaming), verbatim but renamed ---- */

static json_t *int_or_null(long long v, int present)
{
    return present ? json_integer(v) : json_null();
}

static json_t *target_json(const struct strata_report *r, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "name", r->target.name, bad);
    rj_put_str(o, "kind", r->target.kind, bad);
    rj_put_str(o, "digest", r->target.digest, bad);
    return o;
}

static json_t *os_json(const struct strata_report *r, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "family", r->os.family, bad);
    rj_put_str(o, "version", r->os.version, bad);
    rj_put_str(o, "codename", r->os.codename, bad);
    rj_put_str(o, "pretty_name", r->os.pretty_name, bad);
    return o;
}

static json_t *layer_json(const struct strata_layer *l, int *bad)
{
    json_t *o = json_object();
    rj_put(o, "index", json_integer(l->index), bad);
    rj_put_str(o, "diff_id", l->diff_id, bad);
    rj_put_str(o, "digest", l->digest, bad);
    rj_put(o, "size", json_integer(l->size > INT64_MAX ? INT64_MAX : (json_int_t)l->size), bad);
    rj_put_str(o, "created_by", l->created_by, bad);
    return o;
}

static json_t *package_json(const struct strata_package *p, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "name", p->name, bad);
    rj_put_str(o, "version", p->version, bad);
    rj_put_str(o, "type", p->type, bad);
    rj_put_str(o, "arch", p->arch, bad);
    rj_put_str(o, "purl", p->purl, bad);
    rj_put_str(o, "source_name", p->source_name, bad);
    rj_put_str(o, "source_version", p->source_version, bad);
    rj_put(o, "licenses", rj_str_array(p->licenses, p->n_licenses, bad), bad);
    rj_put(o, "layer_index", int_or_null(p->layer_index, p->layer_index >= 0), bad);
    rj_put_str(o, "layer_diff_id", p->layer_diff_id, bad);
    rj_put_str(o, "db_path", p->db_path, bad);
    rj_put(o, "direct", p->direct < 0 ? json_null() : json_boolean(p->direct), bad);
    rj_put(o, "dev", json_boolean(p->dev), bad);
    rj_put_str(o, "lockfile", p->lockfile, bad);
    rj_put_str(o, "os_package", p->os_package, bad);
    rj_put(o, "compiled_in", json_boolean(p->compiled_in), bad);
    rj_put(o, "license_denied", json_boolean(p->license_denied), bad);
    return o;
}

static json_t *vulnerability_json(const struct strata_vulnerability *v, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "id", v->id, bad);
    rj_put(o, "aliases", rj_str_array(v->aliases, v->n_aliases, bad), bad);
    rj_put_str(o, "package_name", v->package_name, bad);
    rj_put_str(o, "package_version", v->package_version, bad);
    rj_put_str(o, "package_type", v->package_type, bad);
    rj_put_str(o, "fixed_version", v->fixed_version, bad);
    rj_put_str(o, "status", v->status, bad);
    rj_put_str(o, "severity", v->severity, bad);
    rj_put(o, "cvss_score", v->cvss_score >= 0 ? json_real(v->cvss_score) : json_null(), bad);
    rj_put(o, "layer_index", int_or_null(v->layer_index, v->layer_index >= 0), bad);
    rj_put_str(o, "data_source", v->data_source, bad);
    rj_put_str(o, "source_name", v->source_name, bad);
    rj_put_str(o, "package_purl", v->package_purl, bad);
    rj_put_str(o, "severity_source", v->severity_source, bad);
    rj_put_str(o, "cvss_vector", v->cvss_vector, bad);
    rj_put_str(o, "title", v->title, bad);
    rj_put_str(o, "layer_diff_id", v->layer_diff_id, bad);
    rj_put(o, "suppressed", json_boolean(v->suppressed), bad);
    rj_put_str(o, "suppressed_by", v->suppressed ? v->suppressed_by : NULL, bad);
    rj_put_str(o, "suppression_reason", v->suppressed ? v->suppression_reason : NULL, bad);
    return o;
}

static json_t *misconfiguration_json(const struct strata_misconfiguration *m, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "id", m->id, bad);
    rj_put_str(o, "title", m->title, bad);
    rj_put_str(o, "severity", m->severity, bad);
    rj_put_str(o, "path", m->path, bad);
    rj_put(o, "layer_index", int_or_null(m->layer_index, m->layer_index >= 0), bad);
    rj_put_str(o, "message", m->message, bad);
    rj_put_str(o, "cis", m->cis, bad);
    rj_put_str(o, "remediation", m->remediation, bad);
    rj_put_str(o, "evidence", m->evidence, bad);
    rj_put(o, "line", int_or_null(m->line, m->line > 0), bad);
    rj_put(o, "column", int_or_null(m->column, m->column > 0), bad);
    rj_put_str(o, "resource", m->resource, bad);
    return o;
}

static json_t *pss_json(const struct strata_pss_result *p, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "resource", p->resource, bad);
    rj_put_str(o, "level_satisfied", p->level_satisfied, bad);
    rj_put(o, "violations", rj_str_array(p->violations, p->n_violations, bad), bad);
    rj_put_str(o, "path", p->path, bad);
    rj_put(o, "line", int_or_null(p->line, p->line > 0), bad);
    rj_put(o, "score", json_integer(p->score), bad);
    return o;
}

/* secrets[] and licenses[] came after streaming; written here the way the tree builder wrote
 * every other section, so the comparison covers them too. */
static json_t *secret_json(const struct strata_secret *s, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "rule_id", s->rule_id, bad);
    rj_put_str(o, "severity", s->severity, bad);
    rj_put_str(o, "path", s->path, bad);
    rj_put(o, "line", int_or_null(s->line, s->line > 0), bad);
    rj_put(o, "layer_index", int_or_null(s->layer_index, s->layer_index >= 0), bad);
    rj_put(o, "in_final_fs", s->in_final_fs >= 0 ? json_boolean(s->in_final_fs) : json_null(), bad);
    rj_put(o, "deleted_in_layer", int_or_null(s->deleted_in_layer, s->deleted_in_layer >= 0), bad);
    rj_put_str(o, "excerpt", s->excerpt, bad);
    rj_put_str(o, "title", s->title, bad);
    rj_put_str(o, "location", s->location, bad);
    return o;
}

static json_t *license_count_json(const struct strata_license_count *l, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "license", l->license, bad);
    rj_put_str(o, "category", l->category, bad);
    rj_put(o, "packages", json_integer((json_int_t)l->packages), bad);
    rj_put(o, "denied", json_boolean(l->denied), bad);
    return o;
}

static json_t *vuln_scan_json(const struct strata_vuln_scan *s, int *bad)
{
    if (!s->ran)
        return json_null();
    json_t *o = json_object();
    rj_put_str(o, "db_path", s->db_path, bad);
    rj_put_str(o, "db_built_at", s->db_built_at, bad);
    rj_put(o, "warnings", rj_str_array(s->warnings, s->n_warnings, bad), bad);
    return o;
}

static int old_write_json(const struct strata_report *r, FILE *out,
                          const struct strata_report_write_opts *opts, struct strata_error *err)
{
    int bad = 0;
    json_t *root = json_object();
    rj_put(root, "schema", json_string(STRATA_REPORT_SCHEMA), &bad);
    rj_put(root, "target", target_json(r, &bad), &bad);
    rj_put(root, "os", os_json(r, &bad), &bad);
    json_t *layers = json_array();
    for (size_t i = 0; i < r->n_layers; i++)
        rj_append(layers, layer_json(&r->layers[i], &bad), &bad);
    rj_put(root, "layers", layers, &bad);
    json_t *pkgs = json_array();
    for (size_t i = 0; i < r->n_packages; i++)
        rj_append(pkgs, package_json(&r->packages[i], &bad), &bad);
    rj_put(root, "packages", pkgs, &bad);
    rj_put(root, "vulnerability_scan", vuln_scan_json(&r->vuln_scan, &bad), &bad);
    json_t *vulns = json_array();
    for (size_t i = 0; i < r->n_vulnerabilities; i++) {
        if (rj_vuln_shown(opts, &r->vulnerabilities[i]))
            rj_append(vulns, vulnerability_json(&r->vulnerabilities[i], &bad), &bad);
    }
    rj_put(root, "vulnerabilities", vulns, &bad);
    json_t *misconfs = json_array();
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        rj_append(misconfs, misconfiguration_json(&r->misconfigurations[i], &bad), &bad);
    rj_put(root, "misconfigurations", misconfs, &bad);
    json_t *secrets = json_array();
    for (size_t i = 0; i < r->n_secrets; i++)
        rj_append(secrets, secret_json(&r->secrets[i], &bad), &bad);
    rj_put(root, "secrets", secrets, &bad);
    json_t *licenses = json_array();
    for (size_t i = 0; i < r->n_licenses; i++)
        rj_append(licenses, license_count_json(&r->licenses[i], &bad), &bad);
    rj_put(root, "licenses", licenses, &bad);
    json_t *pss = json_array();
    for (size_t i = 0; i < r->n_pss; i++)
        rj_append(pss, pss_json(&r->pss[i], &bad), &bad);
    rj_put(root, "pss", pss, &bad);
    int rc = bad ? strata_error_nomem(err) : rj_dump(root, out, err);
    json_decref(root);
    return rc;
}

/* ---- rendering into memory ---- */

struct rendered {
    char *buf;
    size_t len;
    int rc;
    char msg[sizeof((struct strata_error *)0)->msg];
};

static struct rendered
render_with(int (*write)(const struct strata_report *, FILE *,
                         const struct strata_report_write_opts *, struct strata_error *),
            const struct strata_report *r, const struct strata_report_write_opts *opts)
{
    struct rendered out = {0};
    FILE *m = open_memstream(&out.buf, &out.len);
    assert_non_null(m);
    struct strata_error err = {0};
    out.rc = write(r, m, opts, &err);
    assert_int_equal(fclose(m), 0);
    snprintf(out.msg, sizeof out.msg, "%s", err.msg);
    return out;
}

static int new_write_json(const struct strata_report *r, FILE *out,
                          const struct strata_report_write_opts *opts, struct strata_error *err)
{
    return strata_report_write(r, STRATA_FORMAT_JSON, out, opts, err);
}

/* Index of the first differing byte, for a readable failure. */
static void assert_same_bytes(const char *want, size_t want_len, const char *got, size_t got_len,
                              const char *what)
{
    size_t i = 0;
    while (i < want_len && i < got_len && want[i] == got[i])
        i++;
    if (i == want_len && i == got_len)
        return;
    size_t from = i > 40 ? i - 40 : 0;
    fail_msg("%s: differ at byte %zu (lengths %zu, %zu)\nwant: %.80s\ngot:  %.80s", what, i,
             want_len, got_len, want + (from < want_len ? from : want_len),
             got + (from < got_len ? from : got_len));
}

static void assert_same_report(const struct strata_report *r,
                               const struct strata_report_write_opts *opts, const char *what)
{
    struct rendered old = render_with(old_write_json, r, opts);
    struct rendered now = render_with(new_write_json, r, opts);
    assert_int_equal(now.rc, old.rc);
    if (old.rc == 0)
        assert_same_bytes(old.buf, old.len, now.buf, now.len, what);
    else
        assert_string_equal(now.msg, old.msg);
    free(old.buf);
    free(now.buf);
}

/* mantissa times ten to the e, without libm (the tests do not link it). */
static double scaled(double mantissa, int e)
{
    char text[48];
    snprintf(text, sizeof text, "%.17ge%d", mantissa, e);
    return strtod(text, NULL);
}

/* ---- random reports ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    /* xorshift64*: deterministic, so a failure reproduces. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static size_t below(size_t n)
{
    return (size_t)(rnd() % n);
}

/* A random string mixing plain text, every escape class, valid multi-byte UTF-8 (including
 * U+2028, U+FFFF, U+10FFFF) and invalid bytes (stray continuations, overlongs, surrogates,
 * truncated sequences, 0xF5..0xFF). */
static char *random_string(size_t max_pieces)
{
    static const char *const pieces[] = {
        "a",
        "pkg",
        "1.2.3-4",
        "\"",
        "\\",
        "/",
        "\b",
        "\f",
        "\n",
        "\r",
        "\t",
        "\x01",
        "\x1f",
        "\x7f",
        " ",
        "é",
        "\xe2\x80\xa8",
        "\xe2\x80\xa9",
        "€",
        "😀",
        "\xef\xbf\xbf",
        "\xf4\x8f\xbf\xbf",
        "\x80",
        "\xbf",
        "\xc0\xaf",
        "\xc1\xbf",
        "\xe0\x80\xaf",
        "\xed\xa0\x80",
        "\xf4\x90\x80\x80",
        "\xc3",
        "\xe2\x82",
        "\xf0\x9f\x98",
        "\xf5",
        "\xff",
        "\xfe",
        "\xf8\x88\x80\x80\x80",
    };
    size_t n = below(max_pieces + 1);
    char *s = malloc(n * 8 + 1);
    assert_non_null(s);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (below(4) == 0) {
            unsigned char c = (unsigned char)(1 + below(255)); /* any byte but NUL */
            s[len++] = (char)c;
        } else {
            const char *p = pieces[below(sizeof pieces / sizeof *pieces)];
            memcpy(s + len, p, strlen(p));
            len += strlen(p);
        }
    }
    s[len] = '\0';
    return s;
}

/* NULL a quarter of the time, "" sometimes, else random. */
static char *maybe_string(void)
{
    size_t k = below(8);
    if (k < 2)
        return NULL;
    if (k == 2) {
        char *s = strdup("");
        assert_non_null(s);
        return s;
    }
    return random_string(12);
}

static char **string_array(size_t *n)
{
    *n = below(4); /* 0 gives [] */
    if (*n == 0)
        return NULL;
    char **a = calloc(*n, sizeof *a);
    assert_non_null(a);
    for (size_t i = 0; i < *n; i++)
        a[i] = maybe_string(); /* NULL entries are left out of the array */
    return a;
}

static double random_score(void)
{
    static const double edge[] = {0.0,  -0.0,    0.1,    7.5,     9.8,
                                  10.0, 1.0 / 3, 5e-324, 1e15,    1e16,
                                  1e20, 1e-5,    1e300,  DBL_MAX, 123456789012345678.0,
                                  -1.0, NAN};
    switch (below(4)) {
    case 0:
        return edge[below(sizeof edge / sizeof *edge)];
    case 1:
        return (double)below(101) / 10; /* real CVSS scores */
    case 2: {
        double d;
        do {
            uint64_t bits = rnd();
            memcpy(&d, &bits, sizeof d);
        } while (!isfinite(d));
        return d; /* negative ones are printed as null */
    }
    default:
        return scaled((double)rnd() / (double)UINT64_MAX, (int)below(40) - 20);
    }
}

static int random_int(void)
{
    static const int edge[] = {-1, 0, 1, 9, 10, 99, 100, INT32_MAX, INT32_MIN, -2};
    return below(2) ? edge[below(sizeof edge / sizeof *edge)] : (int)(rnd() >> 33);
}

static struct strata_report *random_report(size_t max_packages)
{
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    r->target.name = maybe_string();
    r->target.kind = maybe_string();
    r->target.digest = maybe_string();
    r->os.family = maybe_string();
    r->os.version = maybe_string();
    r->os.codename = maybe_string();
    r->os.pretty_name = maybe_string();
    r->n_layers = below(4);
    r->layers = r->n_layers ? calloc(r->n_layers, sizeof *r->layers) : NULL;
    for (size_t i = 0; i < r->n_layers; i++) {
        struct strata_layer *l = &r->layers[i];
        l->index = random_int();
        l->diff_id = maybe_string();
        l->digest = maybe_string();
        static const uint64_t sizes[] = {0,         1, 29150478, INT64_MAX, (uint64_t)INT64_MAX + 1,
                                         UINT64_MAX};
        l->size = below(2) ? sizes[below(sizeof sizes / sizeof *sizes)] : rnd();
        l->created_by = maybe_string();
    }
    size_t np = below(max_packages + 1);
    for (size_t i = 0; i < np; i++) {
        struct strata_package *p = strata_report_add_package(r);
        assert_non_null(p);
        p->name = maybe_string();
        p->version = maybe_string();
        p->type = maybe_string();
        p->arch = maybe_string();
        p->purl = maybe_string();
        p->source_name = maybe_string();
        p->source_version = maybe_string();
        p->licenses = string_array(&p->n_licenses);
        p->layer_index = random_int();
        p->layer_diff_id = maybe_string();
        p->db_path = maybe_string();
        p->direct = (int)below(3) - 1;
        p->dev = below(3) == 0 ? 0 : random_int(); /* any non-zero is true */
        p->lockfile = maybe_string();
        p->os_package = maybe_string();
        p->compiled_in = (int)below(2);
        p->license_denied = (int)below(2);
    }
    size_t nv = below(max_packages / 2 + 1);
    for (size_t i = 0; i < nv; i++) {
        struct strata_vulnerability *v = strata_report_add_vulnerability(r);
        assert_non_null(v);
        v->id = maybe_string();
        v->aliases = string_array(&v->n_aliases);
        v->package_name = maybe_string();
        v->package_version = maybe_string();
        v->package_type = maybe_string();
        v->package_purl = maybe_string();
        v->source_name = maybe_string();
        v->fixed_version = maybe_string();
        v->status = maybe_string();
        v->severity = maybe_string();
        v->severity_source = maybe_string();
        v->cvss_score = random_score();
        v->cvss_vector = maybe_string();
        v->title = maybe_string();
        v->layer_index = random_int();
        v->layer_diff_id = maybe_string();
        v->data_source = maybe_string();
        v->suppressed = below(4) == 0;
        v->suppressed_by = maybe_string();
        v->suppression_reason = maybe_string();
    }
    if (below(2)) {
        r->vuln_scan.ran = 1;
        r->vuln_scan.db_path = maybe_string();
        r->vuln_scan.db_built_at = maybe_string();
        r->vuln_scan.warnings = string_array(&r->vuln_scan.n_warnings);
    }
    size_t nm = below(max_packages / 4 + 1);
    for (size_t i = 0; i < nm; i++) {
        struct strata_misconfiguration *m = strata_report_add_misconfiguration(r);
        assert_non_null(m);
        m->id = maybe_string();
        m->cis = maybe_string();
        m->title = maybe_string();
        m->severity = maybe_string();
        m->path = maybe_string();
        m->layer_index = random_int();
        m->message = maybe_string();
        m->remediation = maybe_string();
        m->evidence = maybe_string();
        m->line = random_int();
        m->column = random_int();
        m->resource = maybe_string();
    }
    size_t n_pss = below(3);
    for (size_t i = 0; i < n_pss; i++) {
        struct strata_pss_result *p = strata_report_add_pss(r);
        assert_non_null(p);
        p->resource = maybe_string();
        p->path = maybe_string();
        p->level_satisfied = maybe_string();
        p->line = random_int();
        p->score = random_int();
        p->violations = string_array(&p->n_violations);
    }
    size_t ns = below(max_packages / 4 + 1);
    for (size_t i = 0; i < ns; i++) {
        struct strata_secret *sc = strata_report_add_secret(r);
        assert_non_null(sc);
        sc->rule_id = maybe_string();
        sc->title = maybe_string();
        sc->severity = maybe_string();
        sc->path = maybe_string();
        sc->location = maybe_string();
        sc->line = random_int();
        sc->layer_index = random_int();
        sc->in_final_fs = (int)below(3) - 1;
        sc->deleted_in_layer = random_int();
        sc->excerpt = maybe_string();
    }
    size_t nl = below(4);
    r->licenses = nl ? calloc(nl, sizeof *r->licenses) : NULL;
    for (size_t i = 0; i < nl; i++) {
        assert_non_null(r->licenses);
        r->licenses[i].license = maybe_string();
        r->licenses[i].category = maybe_string();
        r->licenses[i].packages = below(1000);
        r->licenses[i].denied = (int)below(2);
        r->n_licenses++;
    }
    return r;
}

static void test_random_reports(void **state)
{
    (void)state;
    for (int i = 0; i < 400; i++) {
        struct strata_report *r = random_report(i % 10 == 0 ? 60 : 6);
        struct strata_report_write_opts opts = {NULL, NULL, 0, (int)below(2)};
        char what[64];
        snprintf(what, sizeof what, "random report %d", i);
        assert_same_report(r, &opts, what);
        strata_report_free(r);
    }
}

/* An empty report: null everywhere, [] for every list. */
static void test_empty_report(void **state)
{
    (void)state;
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    struct strata_report_write_opts opts = {0};
    assert_same_report(r, &opts, "empty report");
    r->vuln_scan.ran = 1;
    assert_same_report(r, &opts, "empty report, scan ran");
    strata_report_free(r);
}

/* Many 64 KiB buffers, and one string that alone is larger than the buffer. */
static void test_large_report(void **state)
{
    (void)state;
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    for (int i = 0; i < 3000; i++) {
        struct strata_package *p = strata_report_add_package(r);
        assert_non_null(p);
        char name[32];
        snprintf(name, sizeof name, "pkg-%d\t\"x\"", i);
        p->name = strdup(name);
        p->version = strdup("1.0.0");
        p->layer_index = i % 7;
        p->direct = i % 3 - 1;
    }
    size_t n = 200000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = "ab\"\\\n\x01\xc3\xa9"[i % 8]; /* é split across pieces is still whole */
    big[n] = '\0';
    r->target.name = big;
    struct strata_report_write_opts opts = {0};
    assert_same_report(r, &opts, "large report");
    strata_report_free(r);
}

/* ---- random documents through the writer itself ---- */

static void write_value(struct json_writer *w, json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        jw_begin_object(w);
        const char *key;
        json_t *member;
        json_object_foreach(v, key, member)
        {
            jw_key(w, key);
            write_value(w, member);
        }
        jw_end_object(w);
        break;
    }
    case JSON_ARRAY: {
        jw_begin_array(w);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) write_value(w, item);
        jw_end_array(w);
        break;
    }
    case JSON_STRING:
        jw_string(w, json_string_value(v));
        break;
    case JSON_INTEGER:
        jw_integer(w, json_integer_value(v));
        break;
    case JSON_REAL:
        jw_real(w, json_real_value(v));
        break;
    case JSON_TRUE:
        jw_bool(w, 1);
        break;
    case JSON_FALSE:
        jw_bool(w, 0);
        break;
    case JSON_NULL:
        jw_null(w);
        break;
    }
}

static json_t *random_value(int depth)
{
    size_t kind = below(depth < 6 ? 9 : 6);
    switch (kind) {
    case 0: {
        char *s = random_string(8);
        json_t *v = rj_str(s); /* the report's repair for invalid UTF-8 */
        free(s);
        return v;
    }
    case 1: {
        static const json_int_t edge[] = {0, -1, INT64_MAX, INT64_MIN, 10, -10};
        return json_integer(below(2) ? edge[below(6)] : (json_int_t)rnd());
    }
    case 2: {
        double d = random_score();
        return json_real(isfinite(d) ? d : 0.5);
    }
    case 3:
        return json_true();
    case 4:
        return json_false();
    case 5:
        return json_null();
    case 6:
    case 7: {
        json_t *o = json_object();
        size_t n = below(5);
        for (size_t i = 0; i < n; i++) {
            char *k = random_string(4);
            json_t *key = rj_str(k);
            free(k);
            assert_non_null(key);
            json_object_set_new(o, json_string_value(key), random_value(depth + 1));
            json_decref(key);
        }
        return o;
    }
    default: {
        json_t *a = json_array();
        size_t n = below(5);
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    }
}

/* Writes v with the writer and with rj_dump; the bytes must match. */
static void assert_writer_matches(json_t *v, const char *what)
{
    char *want = NULL, *got = NULL;
    size_t want_len = 0, got_len = 0;
    FILE *m = open_memstream(&want, &want_len);
    assert_non_null(m);
    struct strata_error err = {0};
    assert_int_equal(rj_dump(v, m, &err), 0);
    assert_int_equal(fclose(m), 0);
    m = open_memstream(&got, &got_len);
    assert_non_null(m);
    struct json_writer w;
    assert_int_equal(jw_init(&w, m), 0);
    write_value(&w, v);
    assert_int_equal(jw_finish(&w), 0);
    assert_int_equal(fclose(m), 0);
    assert_same_bytes(want, want_len, got, got_len, what);
    free(want);
    free(got);
}

static void test_random_documents(void **state)
{
    (void)state;
    for (int i = 0; i < 2000; i++) {
        json_t *v = json_object(); /* rj_dump needs an object or array at the top */
        json_object_set_new(v, "v", random_value(0));
        if (below(2)) {
            json_t *a = json_array();
            json_array_append_new(a, v);
            v = a;
        }
        char what[64];
        snprintf(what, sizeof what, "random document %d", i);
        assert_writer_matches(v, what);
        json_decref(v);
    }
}

/* Reals: CVSS-like scores, powers of ten on both sides of %g's switch to exponents, extremes,
 * and a sweep of random bit patterns. */
static void test_reals(void **state)
{
    (void)state;
    json_t *a = json_array();
    static const double edge[] = {0.0,     -0.0,
                                  0.1,     0.3,
                                  1.0 / 3, 7.5,
                                  9.8,     10.0,
                                  100.0,   1e14,
                                  1e15,    1e16,
                                  1e17,    1e21,
                                  1e-4,    1e-5,
                                  1e-10,   1e100,
                                  1e-100,  1e300,
                                  5e-324,  DBL_MIN,
                                  DBL_MAX, -DBL_MAX,
                                  2.5e-7,  123456789012345.6,
                                  -42.0};
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
        json_array_append_new(a, json_real(edge[i]));
    for (int e = -330; e <= 310; e++)
        json_array_append_new(a, json_real(scaled(1.25, e)));
    for (int i = 0; i < 20000; i++) {
        double d;
        uint64_t bits = rnd();
        memcpy(&d, &bits, sizeof d);
        if (isfinite(d))
            json_array_append_new(a, json_real(d));
        json_array_append_new(a, json_real((double)below(1001) / 100));
    }
    assert_writer_matches(a, "reals");
    json_decref(a);
}

/* Every 1- and 2-byte string, and 3- and 4-byte ones with a byte of each class after any lead
 * byte (the UTF-8 check only tells these classes apart), one array per lead byte: jansson's
 * check plus rj_str's repair against the writer's. */
static void test_all_short_strings(void **state)
{
    (void)state;
    static const unsigned char tails[] = {0x01, 0x20, 0x22, 0x5c, 0x7f, 0x80, 0x81, 0x8f,
                                          0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xf4, 0xff};
    const size_t nt = sizeof tails;
    for (unsigned b0 = 1; b0 < 256; b0++) {
        json_t *a = json_array();
        unsigned char s[5] = {(unsigned char)b0, 0, 0, 0, 0};
        json_array_append_new(a, rj_str((char *)s));
        for (unsigned b1 = 1; b1 < 256; b1++) {
            s[1] = (unsigned char)b1;
            s[2] = 0;
            json_array_append_new(a, rj_str((char *)s));
            if (b0 < 0xe0)
                continue; /* shorter sequences are covered by the 2-byte strings */
            for (size_t t2 = 0; t2 < nt; t2++) {
                s[2] = tails[t2];
                s[3] = 0;
                json_array_append_new(a, rj_str((char *)s));
                for (size_t t3 = 0; b0 >= 0xf0 && t3 < nt; t3++) {
                    s[3] = tails[t3];
                    json_array_append_new(a, rj_str((char *)s));
                }
            }
        }
        char what[32];
        snprintf(what, sizeof what, "strings led by 0x%02x", b0);
        assert_writer_matches(a, what);
        json_decref(a);
    }
}

/* ---- errors ---- */

static void test_write_error_same_message(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (full == NULL)
        skip();
    struct strata_report *r = random_report(40);
    struct strata_report_write_opts opts = {0};
    struct strata_error old = {0}, now = {0};
    int old_rc = old_write_json(r, full, &opts, &old);
    clearerr(full);
    int now_rc = new_write_json(r, full, &opts, &now);
    fclose(full);
    assert_int_equal(old_rc, STRATA_EIO);
    assert_int_equal(now_rc, STRATA_EIO);
    assert_string_equal(now.msg, old.msg);
    assert_non_null(strstr(now.msg, "writing report: "));
    strata_report_free(r);
}

/* JSON has no infinity: jansson refused the value and the report failed with ENOMEM before
 * writing a byte; it still does. A suppressed finding that is not shown does not matter. */
static void test_infinite_score(void **state)
{
    (void)state;
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    struct strata_vulnerability *v = strata_report_add_vulnerability(r);
    assert_non_null(v);
    v->id = strdup("CVE-2024-0001");
    v->cvss_score = INFINITY;
    struct strata_report_write_opts opts = {0};
    struct rendered old = render_with(old_write_json, r, &opts);
    struct rendered now = render_with(new_write_json, r, &opts);
    assert_int_equal(old.rc, STRATA_ENOMEM);
    assert_int_equal(now.rc, STRATA_ENOMEM);
    assert_string_equal(now.msg, old.msg);
    assert_int_equal(now.len, 0);
    free(old.buf);
    free(now.buf);
    v->suppressed = 1;
    assert_same_report(r, &opts, "infinite score, suppressed");
    v->cvss_score = -INFINITY; /* negative: null */
    v->suppressed = 0;
    assert_same_report(r, &opts, "minus infinity");
    strata_report_free(r);

    /* The writer itself refuses it with EDOM. */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    struct json_writer w;
    assert_int_equal(jw_init(&w, m), 0);
    jw_begin_array(&w);
    jw_real(&w, NAN);
    jw_end_array(&w);
    assert_int_equal(jw_finish(&w), EDOM);
    fclose(m);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_report),
        cmocka_unit_test(test_random_reports),
        cmocka_unit_test(test_large_report),
        cmocka_unit_test(test_random_documents),
        cmocka_unit_test(test_reals),
        cmocka_unit_test(test_all_short_strings),
        cmocka_unit_test(test_write_error_same_message),
        cmocka_unit_test(test_infinite_score),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
