/* The strata JSON report, schema "strata.report/v1" (docs/report-schema.md). Key names and
 * order are part of the v1 promise: add keys only at the end of an object, never rename. */
#include "report/report_internal.h"

#include <stdint.h>

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
    /* json_int_t is signed 64-bit; no real blob comes near the limit. */
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

int strata_report_write_json(const struct strata_report *r, FILE *out,
                             const struct strata_report_write_opts *opts, struct strata_error *err)
{
    /* v1 carries no time or tool version: the same input gives the same bytes. */
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
    int rc = bad ? strata_error_nomem(err) : rj_dump(root, out, err);
    json_decref(root);
    return rc;
}
