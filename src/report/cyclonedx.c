/* CycloneDX 1.5 JSON (https://cyclonedx.org/docs/1.5/json/). The target is metadata.component,
 * the OS and every package are components, and the target depends on all of them. strata
 * details without a CycloneDX field go into properties under the "strata:" namespace. */
#include "report/report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

struct cdx {
    const struct strata_report *r;
    struct rj_strset refs;
    json_t *dep_refs; /* what the target depends on: every component's bom-ref */
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

static json_t *licenses_json(const struct strata_package *p, int *bad)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < p->n_licenses; i++) {
        if (rj_license_skip(p, i))
            continue;
        const char *l = p->licenses[i];
        /* An id only for names we know to be SPDX ids; anything else is a free-form name,
         * which the schema accepts without claiming a meaning we cannot vouch for. */
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

static void package_component(struct cdx *c, json_t *components, const struct strata_package *p)
{
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
    if (json_array_size(props) > 0)
        rj_put(o, "properties", props, bad);
    else
        json_decref(props);
    add_component(c, components, o, ref);
    free(ref);
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
    for (size_t i = 0; i < r->n_packages; i++)
        package_component(&c, components, &r->packages[i]);
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

    rc = c.bad ? strata_error_nomem(err) : rj_dump(root, out, err);
    free(target_ref);
    json_decref(c.dep_refs);
    json_decref(root);
    rj_strset_free(&c.refs);
    return rc;
}
