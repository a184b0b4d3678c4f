/* CycloneDX 1.5 JSON (https://cyclonedx.org/docs/1.5/json/). The target is metadata.component,
 * the OS and every package are components, and the target depends on all of them. Each finding
 * is a vulnerability that affects its package's component. strata details without a CycloneDX
 * field go into properties under the "strata:" namespace. */
#include "report/report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

struct cdx {
    const struct strata_report *r;
    struct rj_strset refs;
    json_t *dep_refs; /* what the target depends on: every component's bom-ref */
    char **pkg_refs;  /* bom-ref of r->packages[i], for vulnerabilities' affects */
    int bad;
};

static int is_filesystem(const struct strata_report *r)
{
    return r->target.kind != NULL && strcmp(r->target.kind, "filesystem") == 0;
}

/* Serial numbers are name-based UUIDs: the same target, packages and timestamp give the same
 * serial (reproducible output), while a rescan at another time gets a new one, as CycloneDX
 * asks of every new BOM. */
static int serial_number(const struct strata_report *r, const char *ts, char *out, size_t size)
{
    struct strbuf sb = STRBUF_INIT;
    int rc =
        strbuf_addf(&sb, "strata/cyclonedx\n%s\n%s\n%s\n", r->target.name ? r->target.name : "",
                    r->target.digest ? r->target.digest : "", ts);
    for (size_t i = 0; rc == 0 && i < r->n_packages; i++) {
        const struct strata_package *p = &r->packages[i];
        rc = p->purl ? strbuf_addf(&sb, "%s\n", p->purl)
                     : strbuf_addf(&sb, "%s@%s\n", p->name ? p->name : "",
                                   p->version ? p->version : "");
    }
    char uuid[37];
    if (rc == 0)
        rc = rj_uuid5(sb.buf, sb.len, uuid);
    strbuf_release(&sb);
    if (rc == 0)
        snprintf(out, size, "urn:uuid:%s", uuid);
    return rc;
}

/* Reserves a unique bom-ref based on want; returns a malloc'd copy (NULL on ENOMEM). */
static char *unique_ref(struct cdx *c, const char *want)
{
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_adds(&sb, want) != 0)
        return NULL;
    for (unsigned n = 2;; n++) {
        int added = rj_strset_add(&c->refs, sb.buf ? sb.buf : "");
        if (added == 1)
            return strbuf_detach(&sb);
        strbuf_reset(&sb);
        /* The same purl twice (one package recorded by two databases) stays two components. */
        if (added < 0 || strbuf_addf(&sb, "%s#dup%u", want, n) != 0) {
            strbuf_release(&sb);
            return NULL;
        }
    }
}

static void add_property(json_t *props, const char *name, const char *value, int *bad)
{
    if (value == NULL)
        return;
    json_t *o = json_object();
    rj_put(o, "name", json_string(name), bad);
    rj_put_str(o, "value", value, bad);
    rj_append(props, o, bad);
}

/* CycloneDX takes either license objects (an SPDX id from its enum, or a free name) or one
 * SPDX expression alone. A package with one compound expression of listed ids gets the
 * expression; otherwise each entry is an id when it is a single id the schema knows, else a
 * name. */
static json_t *licenses_json(const struct strata_package *p, int *bad)
{
    json_t *arr = json_array();
    size_t n = 0, only = 0;
    for (size_t i = 0; i < p->n_licenses; i++)
        if (!rj_license_skip(p, i))
            n++, only = i;
    if (n == 1 && strchr(p->licenses[only], ' ') != NULL &&
        rj_license_expr_canonical(p->licenses[only])) {
        json_t *choice = json_object();
        rj_put_str(choice, "expression", p->licenses[only], bad);
        rj_append(arr, choice, bad);
        return arr;
    }
    for (size_t i = 0; i < p->n_licenses; i++) {
        if (rj_license_skip(p, i))
            continue;
        const char *l = p->licenses[i];
        const char *id = rj_spdx_license_id(l);
        json_t *lic = json_object();
        rj_put_str(lic, id ? "id" : "name", id ? id : l, bad);
        json_t *choice = json_object();
        rj_put(choice, "license", lic, bad);
        rj_append(arr, choice, bad);
    }
    return arr;
}

static void add_component(struct cdx *c, json_t *components, json_t *comp, const char *ref)
{
    rj_append(components, comp, &c->bad);
    rj_append(c->dep_refs, json_string(ref), &c->bad);
}

static void os_component(struct cdx *c, json_t *components)
{
    const struct strata_os *os = &c->r->os;
    if (os->family == NULL || *os->family == '\0')
        return;
    struct strbuf want = STRBUF_INIT;
    char *ref = NULL;
    if (strbuf_addf(&want, "os:%s%s%s", os->family, os->version ? "@" : "",
                    os->version ? os->version : "") == 0)
        ref = unique_ref(c, want.buf);
    strbuf_release(&want);
    if (ref == NULL) {
        c->bad = 1;
        return;
    }
    json_t *o = json_object();
    rj_put_str(o, "bom-ref", ref, &c->bad);
    rj_put(o, "type", json_string("operating-system"), &c->bad);
    rj_put_str(o, "name", os->family, &c->bad);
    rj_put_opt_str(o, "version", os->version, &c->bad);
    rj_put_opt_str(o, "description", os->pretty_name, &c->bad);
    if (os->codename != NULL && *os->codename != '\0') {
        json_t *props = json_array();
        add_property(props, "strata:os_codename", os->codename, &c->bad);
        rj_put(o, "properties", props, &c->bad);
    }
    add_component(c, components, o, ref);
    free(ref);
}

static void package_component(struct cdx *c, json_t *components, size_t pi)
{
    const struct strata_package *p = &c->r->packages[pi];
    struct strbuf want = STRBUF_INIT;
    int rc = p->purl ? strbuf_adds(&want, p->purl)
                     : strbuf_addf(&want, "strata:package:%s/%s@%s", p->type ? p->type : "",
                                   p->name ? p->name : "", p->version ? p->version : "");
    char *ref = rc == 0 ? unique_ref(c, want.buf) : NULL;
    strbuf_release(&want);
    if (ref == NULL) {
        c->bad = 1;
        return;
    }
    int *bad = &c->bad;
    json_t *o = json_object();
    rj_put_str(o, "bom-ref", ref, bad);
    rj_put(o, "type", json_string("library"), bad);
    /* name is required by the schema; an analyzer that lost it still gets a component. */
    rj_put_str(o, "name", p->name && *p->name ? p->name : "unknown", bad);
    rj_put_opt_str(o, "version", p->version, bad);
    json_t *lic = licenses_json(p, bad);
    if (json_array_size(lic) > 0)
        rj_put(o, "licenses", lic, bad);
    else
        json_decref(lic);
    rj_put_opt_str(o, "purl", p->purl, bad);
    json_t *props = json_array();
    char idx[24];
    snprintf(idx, sizeof idx, "%d", p->layer_index);
    add_property(props, "strata:package_type", p->type, bad);
    add_property(props, "strata:source_name", p->source_name, bad);
    add_property(props, "strata:source_version", p->source_version, bad);
    add_property(props, "strata:layer_index", p->layer_index >= 0 ? idx : NULL, bad);
    add_property(props, "strata:layer_diff_id", p->layer_diff_id, bad);
    add_property(props, "strata:db_path", p->db_path, bad);
    add_property(props, "strata:os_package", p->os_package, bad);
    add_property(props, "strata:compiled_in", p->compiled_in ? "true" : NULL, bad);
    if (json_array_size(props) > 0)
        rj_put(o, "properties", props, bad);
    else
        json_decref(props);
    add_component(c, components, o, ref);
    c->pkg_refs[pi] = ref;
}

static json_t *metadata_json(struct cdx *c, const char *ts, const char *tool_version,
                             char **target_ref)
{
    const struct strata_report *r = c->r;
    int *bad = &c->bad;
    json_t *md = json_object();
    rj_put(md, "timestamp", json_string(ts), bad);

    /* CycloneDX 1.5 form of tools: an object of components, not the deprecated array. */
    json_t *tool = json_object();
    rj_put(tool, "type", json_string("application"), bad);
    rj_put(tool, "name", json_string("strata"), bad);
    rj_put_opt_str(tool, "version", tool_version, bad);
    json_t *tools_list = json_array();
    rj_append(tools_list, tool, bad);
    json_t *tools = json_object();
    rj_put(tools, "components", tools_list, bad);
    rj_put(md, "tools", tools, bad);

    struct strbuf want = STRBUF_INIT;
    const char *id = r->target.digest ? r->target.digest : r->target.name;
    *target_ref = NULL;
    if (strbuf_addf(&want, "target:%s", id ? id : "unknown") == 0)
        *target_ref = unique_ref(c, want.buf);
    strbuf_release(&want);
    if (*target_ref == NULL)
        *bad = 1;
    json_t *comp = json_object();
    rj_put_str(comp, "bom-ref", *target_ref, bad);
    rj_put(comp, "type", json_string(is_filesystem(r) ? "file" : "container"), bad);
    rj_put_str(comp, "name", r->target.name && *r->target.name ? r->target.name : "unknown", bad);
    rj_put_opt_str(comp, "version", r->target.digest, bad);
    if (r->target.kind != NULL) {
        json_t *props = json_array();
        add_property(props, "strata:target_kind", r->target.kind, bad);
        rj_put(comp, "properties", props, bad);
    }
    rj_put(md, "component", comp, bad);
    return md;
}

/* {"name": …, "url": …} of the database that publishes id. */
static json_t *vuln_source_json(const char *id, int *bad)
{
    struct strbuf url = STRBUF_INIT;
    const char *name = NULL;
    json_t *o = json_object();
    if (rj_vuln_url(&url, id, &name) != 0) {
        *bad = 1;
    } else {
        rj_put(o, "name", json_string(name), bad);
        rj_put_str(o, "url", url.buf, bad);
    }
    strbuf_release(&url);
    return o;
}

static const char *rating_method(const struct strata_vulnerability *v)
{
    const char *vec = v->cvss_vector ? v->cvss_vector : "";
    if (strncmp(vec, "CVSS:3.1/", 9) == 0)
        return "CVSSv31";
    if (strncmp(vec, "CVSS:3.0/", 9) == 0)
        return "CVSSv3";
    if (strncmp(vec, "CVSS:4.0/", 9) == 0)
        return "CVSSv4";
    return "other";
}

static json_t *rating_json(const struct strata_vulnerability *v, int *bad)
{
    static const char *const lower[] = {"unknown", "low", "medium", "high", "critical"};
    json_t *o = json_object();
    const char *by = v->severity_source ? v->severity_source : v->data_source;
    if (by != NULL && *by != '\0') {
        json_t *src = json_object();
        rj_put_str(src, "name", by, bad);
        rj_put(o, "source", src, bad);
    }
    if (v->cvss_score >= 0)
        rj_put(o, "score", json_real(v->cvss_score), bad);
    rj_put(o, "severity", json_string(lower[strata_severity_rank(v->severity)]), bad);
    rj_put(o, "method", json_string(rating_method(v)), bad);
    rj_put_opt_str(o, "vector", v->cvss_vector, bad);
    return o;
}

static json_t *vulnerability_json(struct cdx *c, const struct strata_vulnerability *v,
                                  const char *target_ref)
{
    int *bad = &c->bad;
    const char *id = v->id && *v->id ? v->id : "UNKNOWN";
    long pi = rj_vuln_package(c->r, v);
    /* A finding about a package the report does not list is pinned on the target itself. */
    const char *affected = pi >= 0 && c->pkg_refs && c->pkg_refs[pi] ? c->pkg_refs[pi] : target_ref;
    struct strbuf want = STRBUF_INIT;
    char *ref = NULL;
    if (strbuf_addf(&want, "vulnerability:%s:%s", id, affected ? affected : "") == 0)
        ref = unique_ref(c, want.buf);
    strbuf_release(&want);
    if (ref == NULL)
        *bad = 1;

    json_t *o = json_object();
    rj_put_str(o, "bom-ref", ref, bad);
    free(ref);
    rj_put_str(o, "id", id, bad);
    rj_put(o, "source", vuln_source_json(id, bad), bad);
    if (v->n_aliases > 0) {
        json_t *refs = json_array();
        for (size_t i = 0; i < v->n_aliases; i++) {
            if (v->aliases[i] == NULL || *v->aliases[i] == '\0')
                continue;
            json_t *a = json_object();
            rj_put_str(a, "id", v->aliases[i], bad);
            rj_put(a, "source", vuln_source_json(v->aliases[i], bad), bad);
            rj_append(refs, a, bad);
        }
        rj_put(o, "references", refs, bad);
    }
    json_t *ratings = json_array();
    rj_append(ratings, rating_json(v, bad), bad);
    rj_put(o, "ratings", ratings, bad);
    rj_put_opt_str(o, "description", v->title, bad);
    if (v->fixed_version != NULL && *v->fixed_version != '\0') {
        struct strbuf rec = STRBUF_INIT;
        if (strbuf_addf(&rec, "Upgrade %s to %s", v->package_name ? v->package_name : "the package",
                        v->fixed_version) != 0)
            *bad = 1;
        else
            rj_put_str(o, "recommendation", rec.buf, bad);
        strbuf_release(&rec);
    }
    if (v->suppressed) {
        /* The gate accepted it (VEX or ignore file): the reason is free text, so it goes in
         * detail; CycloneDX's justification is an enum strata cannot honestly pick from. */
        json_t *an = json_object();
        rj_put(an, "state", json_string("not_affected"), bad);
        struct strbuf detail = STRBUF_INIT;
        const char *by = v->suppressed_by ? v->suppressed_by : "policy";
        int rc = v->suppression_reason && *v->suppression_reason
                     ? strbuf_addf(&detail, "suppressed by %s: %s", by, v->suppression_reason)
                     : strbuf_addf(&detail, "suppressed by %s", by);
        if (rc != 0)
            *bad = 1;
        else
            rj_put_str(an, "detail", detail.buf, bad);
        strbuf_release(&detail);
        rj_put(o, "analysis", an, bad);
    }
    json_t *version = json_object();
    rj_put_str(version, "version",
               v->package_version && *v->package_version ? v->package_version : "unknown", bad);
    rj_put(version, "status", json_string("affected"), bad);
    json_t *versions = json_array();
    rj_append(versions, version, bad);
    json_t *affect = json_object();
    rj_put_str(affect, "ref", affected ? affected : "unknown", bad);
    rj_put(affect, "versions", versions, bad);
    json_t *affects = json_array();
    rj_append(affects, affect, bad);
    rj_put(o, "affects", affects, bad);

    json_t *props = json_array();
    char idx[24];
    snprintf(idx, sizeof idx, "%d", v->layer_index);
    add_property(props, "strata:status", v->status, bad);
    add_property(props, "strata:fixed_version", v->fixed_version, bad);
    add_property(props, "strata:data_source", v->data_source, bad);
    add_property(props, "strata:source_name", v->source_name, bad);
    add_property(props, "strata:layer_index", v->layer_index >= 0 ? idx : NULL, bad);
    add_property(props, "strata:suppressed_by", v->suppressed ? v->suppressed_by : NULL, bad);
    if (json_array_size(props) > 0)
        rj_put(o, "properties", props, bad);
    else
        json_decref(props);
    return o;
}

int strata_report_write_cyclonedx(const struct strata_report *r, FILE *out,
                                  const struct strata_report_write_opts *opts,
                                  struct strata_error *err)
{
    char ts[32], serial[64];
    int rc = rj_timestamp(opts, ts, sizeof ts, err);
    if (rc != 0)
        return rc;
    rc = serial_number(r, ts, serial, sizeof serial);
    if (rc != 0)
        return rc == STRATA_ENOMEM ? strata_error_nomem(err)
                                   : strata_error_set(err, rc, "cyclonedx: cannot derive serial");

    struct cdx c = {.r = r};
    c.dep_refs = json_array();
    c.pkg_refs = calloc(r->n_packages ? r->n_packages : 1, sizeof *c.pkg_refs);
    if (c.pkg_refs == NULL)
        c.bad = 1;
    json_t *root = json_object();
    rj_put(root, "$schema", json_string("http://cyclonedx.org/schema/bom-1.5.schema.json"), &c.bad);
    rj_put(root, "bomFormat", json_string("CycloneDX"), &c.bad);
    rj_put(root, "specVersion", json_string("1.5"), &c.bad);
    rj_put(root, "serialNumber", json_string(serial), &c.bad);
    rj_put(root, "version", json_integer(1), &c.bad);
    char *target_ref = NULL;
    rj_put(root, "metadata", metadata_json(&c, ts, opts->tool_version, &target_ref), &c.bad);

    json_t *components = json_array();
    os_component(&c, components);
    for (size_t i = 0; c.pkg_refs != NULL && i < r->n_packages; i++)
        package_component(&c, components, i);
    rj_put(root, "components", components, &c.bad);

    /* The target depends on everything found in it; leaves are listed with no dependsOn, as
     * the spec asks that components without dependencies still appear in the graph. */
    json_t *deps = json_array();
    json_t *top = json_object();
    rj_put_str(top, "ref", target_ref, &c.bad);
    rj_put(top, "dependsOn", json_incref(c.dep_refs), &c.bad);
    rj_append(deps, top, &c.bad);
    size_t i;
    json_t *ref;
    json_array_foreach(c.dep_refs, i, ref)
    {
        json_t *leaf = json_object();
        rj_put(leaf, "ref", json_incref(ref), &c.bad);
        rj_append(deps, leaf, &c.bad);
    }
    rj_put(root, "dependencies", deps, &c.bad);

    /* Only when there are findings to list: an SBOM of an unmatched image stays as it was. */
    if (rj_vulns_shown(r, opts) > 0) {
        json_t *vulns = json_array();
        for (size_t i = 0; i < r->n_vulnerabilities; i++) {
            if (rj_vuln_shown(opts, &r->vulnerabilities[i]))
                rj_append(vulns, vulnerability_json(&c, &r->vulnerabilities[i], target_ref),
                          &c.bad);
        }
        rj_put(root, "vulnerabilities", vulns, &c.bad);
    }

    rc = c.bad ? strata_error_nomem(err) : rj_dump(root, out, err);
    free(target_ref);
    for (size_t i = 0; c.pkg_refs != NULL && i < r->n_packages; i++)
        free(c.pkg_refs[i]);
    free(c.pkg_refs);
    json_decref(c.dep_refs);
    json_decref(root);
    rj_strset_free(&c.refs);
    return rc;
}
