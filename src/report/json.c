/* The strata JSON report, schema "strata.report/v1" (docs/report-schema.md). Key names and
 * order are part of the v1 promise: add keys only at the end of an object, never rename.
 *
 * Streamed with json_writer rather than built as a jansson tree and dumped: the report is the
 * one big document every scan writes, and the tree cost a sixth of a 21,000-package scan.
 * The bytes are those the tree gave (tests/unit/test_json_writer.c compares the two). */
#include "report/report_internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "report/json_writer.h"

static void put_str(struct json_writer *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_string(w, s);
}

static void put_int_or_null(struct json_writer *w, const char *key, long long v, int present)
{
    jw_key(w, key);
    if (present)
        jw_integer(w, v);
    else
        jw_null(w);
}

static void put_bool(struct json_writer *w, const char *key, int b)
{
    jw_key(w, key);
    jw_bool(w, b);
}

/* The n strings (licenses, aliases, warnings), NULL entries left out. */
static void put_str_array(struct json_writer *w, const char *key, char *const *items, size_t n)
{
    jw_key(w, key);
    jw_begin_array(w);
    for (size_t i = 0; i < n; i++) {
        if (items[i] != NULL)
            jw_string(w, items[i]);
    }
    jw_end_array(w);
}

static void write_target(struct json_writer *w, const struct strata_report *r)
{
    jw_key(w, "target");
    jw_begin_object(w);
    put_str(w, "name", r->target.name);
    put_str(w, "kind", r->target.kind);
    put_str(w, "digest", r->target.digest);
    jw_end_object(w);
}

static void write_os(struct json_writer *w, const struct strata_report *r)
{
    jw_key(w, "os");
    jw_begin_object(w);
    put_str(w, "family", r->os.family);
    put_str(w, "version", r->os.version);
    put_str(w, "codename", r->os.codename);
    put_str(w, "pretty_name", r->os.pretty_name);
    jw_end_object(w);
}

static void write_layer(struct json_writer *w, const struct strata_layer *l)
{
    jw_begin_object(w);
    jw_key(w, "index");
    jw_integer(w, l->index);
    put_str(w, "diff_id", l->diff_id);
    put_str(w, "digest", l->digest);
    /* A signed 64-bit integer, as jansson's json_int_t; no real blob comes near the limit. */
    jw_key(w, "size");
    jw_integer(w, l->size > INT64_MAX ? INT64_MAX : (long long)l->size);
    put_str(w, "created_by", l->created_by);
    jw_end_object(w);
}

static void write_package(struct json_writer *w, const struct strata_package *p)
{
    jw_begin_object(w);
    put_str(w, "name", p->name);
    put_str(w, "version", p->version);
    put_str(w, "type", p->type);
    put_str(w, "arch", p->arch);
    put_str(w, "purl", p->purl);
    put_str(w, "source_name", p->source_name);
    put_str(w, "source_version", p->source_version);
    put_str_array(w, "licenses", p->licenses, p->n_licenses);
    put_int_or_null(w, "layer_index", p->layer_index, p->layer_index >= 0);
    put_str(w, "layer_diff_id", p->layer_diff_id);
    put_str(w, "db_path", p->db_path);
    jw_key(w, "direct");
    if (p->direct < 0)
        jw_null(w);
    else
        jw_bool(w, p->direct);
    put_bool(w, "dev", p->dev);
    put_str(w, "lockfile", p->lockfile);
    put_str(w, "os_package", p->os_package);
    put_bool(w, "compiled_in", p->compiled_in);
    put_bool(w, "license_denied", p->license_denied);
    jw_end_object(w);
}

static void write_vulnerability(struct json_writer *w, const struct strata_vulnerability *v)
{
    jw_begin_object(w);
    put_str(w, "id", v->id);
    put_str_array(w, "aliases", v->aliases, v->n_aliases);
    put_str(w, "package_name", v->package_name);
    put_str(w, "package_version", v->package_version);
    put_str(w, "package_type", v->package_type);
    put_str(w, "fixed_version", v->fixed_version);
    put_str(w, "status", v->status);
    put_str(w, "severity", v->severity);
    jw_key(w, "cvss_score");
    if (v->cvss_score >= 0) /* false for NaN too */
        jw_real(w, v->cvss_score);
    else
        jw_null(w);
    put_int_or_null(w, "layer_index", v->layer_index, v->layer_index >= 0);
    put_str(w, "data_source", v->data_source);
    put_str(w, "source_name", v->source_name);
    put_str(w, "package_purl", v->package_purl);
    put_str(w, "severity_source", v->severity_source);
    put_str(w, "cvss_vector", v->cvss_vector);
    put_str(w, "title", v->title);
    put_str(w, "layer_diff_id", v->layer_diff_id);
    put_bool(w, "suppressed", v->suppressed);
    put_str(w, "suppressed_by", v->suppressed ? v->suppressed_by : NULL);
    put_str(w, "suppression_reason", v->suppressed ? v->suppression_reason : NULL);
    jw_end_object(w);
}

static void write_vuln_scan(struct json_writer *w, const struct strata_vuln_scan *s)
{
    jw_key(w, "vulnerability_scan");
    if (!s->ran) {
        jw_null(w);
        return;
    }
    jw_begin_object(w);
    put_str(w, "db_path", s->db_path);
    put_str(w, "db_built_at", s->db_built_at);
    put_str_array(w, "warnings", s->warnings, s->n_warnings);
    jw_end_object(w);
}

/* Keys of the contract first (id … message), then the details. */
static void write_misconfiguration(struct json_writer *w, const struct strata_misconfiguration *m)
{
    jw_begin_object(w);
    put_str(w, "id", m->id);
    put_str(w, "title", m->title);
    put_str(w, "severity", m->severity);
    put_str(w, "path", m->path);
    put_int_or_null(w, "layer_index", m->layer_index, m->layer_index >= 0);
    put_str(w, "message", m->message);
    put_str(w, "cis", m->cis);
    put_str(w, "remediation", m->remediation);
    put_str(w, "evidence", m->evidence);
    put_int_or_null(w, "line", m->line, m->line > 0);
    put_int_or_null(w, "column", m->column, m->column > 0);
    put_str(w, "resource", m->resource);
    jw_end_object(w);
}

static void write_pss(struct json_writer *w, const struct strata_pss_result *p)
{
    jw_begin_object(w);
    put_str(w, "resource", p->resource);
    put_str(w, "level_satisfied", p->level_satisfied);
    put_str_array(w, "violations", p->violations, p->n_violations);
    put_str(w, "path", p->path);
    put_int_or_null(w, "line", p->line, p->line > 0);
    put_int_or_null(w, "score", p->score, 1);
    jw_end_object(w);
}

/* The contract first (rule_id … excerpt); location names the config or history entry
 * of a secret that is not in a file. in_final_fs is null for those. */
static void write_secret(struct json_writer *w, const struct strata_secret *s)
{
    jw_begin_object(w);
    put_str(w, "rule_id", s->rule_id);
    put_str(w, "severity", s->severity);
    put_str(w, "path", s->path);
    put_int_or_null(w, "line", s->line, s->line > 0);
    put_int_or_null(w, "layer_index", s->layer_index, s->layer_index >= 0);
    jw_key(w, "in_final_fs");
    if (s->in_final_fs >= 0)
        jw_bool(w, s->in_final_fs);
    else
        jw_null(w);
    put_int_or_null(w, "deleted_in_layer", s->deleted_in_layer, s->deleted_in_layer >= 0);
    put_str(w, "excerpt", s->excerpt);
    put_str(w, "title", s->title);
    put_str(w, "location", s->location);
    jw_end_object(w);
}

static void write_license_count(struct json_writer *w, const struct strata_license_count *l)
{
    jw_begin_object(w);
    put_str(w, "license", l->license);
    put_str(w, "category", l->category);
    put_int_or_null(w, "packages", (long long)l->packages, 1);
    put_bool(w, "denied", l->denied);
    jw_end_object(w);
}

/* An infinite CVSS score has no JSON form. jansson refused it (json_real returned NULL) and
 * the tree writer reported ENOMEM before writing anything; checked up front to keep that. */
static int scores_writable(const struct strata_report *r,
                           const struct strata_report_write_opts *opts)
{
    for (size_t i = 0; i < r->n_vulnerabilities; i++) {
        const struct strata_vulnerability *v = &r->vulnerabilities[i];
        if (rj_vuln_shown(opts, v) && v->cvss_score >= 0 && !isfinite(v->cvss_score))
            return 0;
    }
    return 1;
}

int strata_report_write_json(const struct strata_report *r, FILE *out,
                             const struct strata_report_write_opts *opts, struct strata_error *err)
{
    if (!scores_writable(r, opts))
        return strata_error_nomem(err);
    struct json_writer w;
    if (jw_init(&w, out) != 0)
        return strata_error_nomem(err);
    /* v1 carries no time or tool version: the same input gives the same bytes. */
    jw_begin_object(&w);
    put_str(&w, "schema", STRATA_REPORT_SCHEMA);
    write_target(&w, r);
    write_os(&w, r);
    jw_key(&w, "layers");
    jw_begin_array(&w);
    for (size_t i = 0; i < r->n_layers; i++)
        write_layer(&w, &r->layers[i]);
    jw_end_array(&w);
    jw_key(&w, "packages");
    jw_begin_array(&w);
    /* A failed output stops the walk; jw_finish reports why. */
    for (size_t i = 0; i < r->n_packages && !jw_failed(&w); i++)
        write_package(&w, &r->packages[i]);
    jw_end_array(&w);
    write_vuln_scan(&w, &r->vuln_scan);
    jw_key(&w, "vulnerabilities");
    jw_begin_array(&w);
    for (size_t i = 0; i < r->n_vulnerabilities && !jw_failed(&w); i++) {
        if (rj_vuln_shown(opts, &r->vulnerabilities[i]))
            write_vulnerability(&w, &r->vulnerabilities[i]);
    }
    jw_end_array(&w);
    jw_key(&w, "misconfigurations");
    jw_begin_array(&w);
    for (size_t i = 0; i < r->n_misconfigurations && !jw_failed(&w); i++)
        write_misconfiguration(&w, &r->misconfigurations[i]);
    jw_end_array(&w);
    jw_key(&w, "secrets");
    jw_begin_array(&w);
    for (size_t i = 0; i < r->n_secrets && !jw_failed(&w); i++)
        write_secret(&w, &r->secrets[i]);
    jw_end_array(&w);
    jw_key(&w, "licenses");
    jw_begin_array(&w);
    for (size_t i = 0; i < r->n_licenses && !jw_failed(&w); i++)
        write_license_count(&w, &r->licenses[i]);
    jw_end_array(&w);
    jw_key(&w, "pss");
    jw_begin_array(&w);
    for (size_t i = 0; i < r->n_pss && !jw_failed(&w); i++)
        write_pss(&w, &r->pss[i]);
    jw_end_array(&w);
    jw_end_object(&w);
    int e = jw_finish(&w);
    if (e != 0)
        return strata_error_set(err, STRATA_EIO, "writing report: %s",
                                e > 0 ? strerror(e) : "write error");
    return 0;
}
