/* SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/). The document DESCRIBES the target
 * package, which CONTAINS the OS and every package. strata details without an SPDX field are
 * annotations "strata:KEY: VALUE", the same keys as the CycloneDX properties. */
#include "report/report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

#define TARGET_ID "SPDXRef-Target"
#define OS_ID "SPDXRef-OperatingSystem"

struct spdx {
    const struct strata_report *r;
    struct rj_strset ids;
    json_t *relationships;
    const char *ts;
    char *annotator;
    int bad;
};

static int id_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
}

/* SPDXIDs must match SPDXRef-[A-Za-z0-9.-]+: everything else ("+", ":", "~", UTF-8) becomes
 * '-', so "libstdc++6" 1:2.3-4 reads SPDXRef-Package-deb-libstdc--6-1-2.3-4. */
static int add_sanitized(struct strbuf *sb, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (strbuf_addch(sb, id_char(*p) ? (char)*p : '-') != 0)
            return STRATA_ENOMEM;
    }
    return 0;
}

/* Registers a unique SPDXID built from want (already valid); returns a malloc'd copy. */
static char *unique_id(struct spdx *s, const char *want)
{
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_adds(&sb, want) != 0)
        return NULL;
    for (unsigned n = 2;; n++) {
        int added = rj_strset_add(&s->ids, sb.buf);
        if (added == 1)
            return strbuf_detach(&sb);
        strbuf_reset(&sb);
        if (added < 0 || strbuf_addf(&sb, "%s-%u", want, n) != 0) {
            strbuf_release(&sb);
            return NULL;
        }
    }
}

static void relationship(struct spdx *s, const char *from, const char *type, const char *to)
{
    json_t *o = json_object();
    rj_put(o, "spdxElementId", json_string(from), &s->bad);
    rj_put(o, "relationshipType", json_string(type), &s->bad);
    rj_put(o, "relatedSpdxElement", json_string(to), &s->bad);
    rj_append(s->relationships, o, &s->bad);
}

static void annotate(struct spdx *s, json_t *anns, const char *key, const char *value)
{
    if (value == NULL)
        return;
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_addf(&sb, "strata:%s: %s", key, value) != 0) {
        s->bad = 1;
        return;
    }
    json_t *o = json_object();
    rj_put(o, "annotationDate", json_string(s->ts), &s->bad);
    rj_put(o, "annotationType", json_string("OTHER"), &s->bad);
    rj_put(o, "annotator", json_string(s->annotator), &s->bad);
    rj_put_str(o, "comment", sb.buf, &s->bad);
    rj_append(anns, o, &s->bad);
    strbuf_release(&sb);
}

/* licenseDeclared must be a valid SPDX expression. The license pass (src/licenses/) leaves
 * SPDX expressions in p->licenses; when every one names only listed ids they are joined with
 * AND (a package's files together carry all of them). LicenseRef- names would need
 * hasExtractedLicensingInfos entries, so otherwise the honest answer is NOASSERTION, with
 * the stated licenses kept in licenseComments. */
static void licenses(struct spdx *s, json_t *o, const struct strata_package *p)
{
    struct strbuf expr = STRBUF_INIT, names = STRBUF_INIT;
    int all_known = 1, any = 0, rc = 0;
    size_t n = 0;
    for (size_t i = 0; i < p->n_licenses; i++)
        n += !rj_license_skip(p, i);
    for (size_t i = 0; i < p->n_licenses && rc == 0; i++) {
        if (rj_license_skip(p, i))
            continue;
        const char *l = p->licenses[i];
        /* a known id in any case ("mit"), or a canonical expression of listed ids */
        const char *id = rj_spdx_license_id(l);
        int listed = id != NULL || rj_license_expr_canonical(l);
        all_known = all_known && listed;
        /* a compound expression joined with others keeps its own precedence */
        int paren = id == NULL && listed && n > 1 && strchr(l, ' ') != NULL;
        if (listed)
            rc = strbuf_addf(&expr, "%s%s%s%s", any ? " AND " : "", paren ? "(" : "", id ? id : l,
                             paren ? ")" : "");
        if (rc == 0)
            rc = strbuf_addf(&names, "%s%s", any ? ", " : "", l);
        any = 1;
    }
    if (rc != 0)
        s->bad = 1;
    rj_put(o, "licenseConcluded", json_string("NOASSERTION"), &s->bad);
    rj_put_str(o, "licenseDeclared", any && all_known ? expr.buf : "NOASSERTION", &s->bad);
    if (any && !all_known) {
        struct strbuf c = STRBUF_INIT;
        if (strbuf_addf(&c, "Licenses stated by the package manager: %s", names.buf) != 0)
            s->bad = 1;
        rj_put_str(o, "licenseComments", c.buf, &s->bad);
        strbuf_release(&c);
    }
    strbuf_release(&expr);
    strbuf_release(&names);
}

static void purl_ref(struct spdx *s, json_t *o, const char *purl)
{
    if (purl == NULL || *purl == '\0')
        return;
    json_t *ref = json_object();
    rj_put(ref, "referenceCategory", json_string("PACKAGE-MANAGER"), &s->bad);
    rj_put(ref, "referenceType", json_string("purl"), &s->bad);
    rj_put_str(ref, "referenceLocator", purl, &s->bad);
    json_t *refs = json_array();
    rj_append(refs, ref, &s->bad);
    rj_put(o, "externalRefs", refs, &s->bad);
}

static json_t *target_package(struct spdx *s)
{
    const struct strata_report *r = s->r;
    json_t *o = json_object();
    rj_put_str(o, "name", r->target.name && *r->target.name ? r->target.name : "unknown", &s->bad);
    rj_put(o, "SPDXID", json_string(TARGET_ID), &s->bad);
    rj_put_opt_str(o, "versionInfo", r->target.digest, &s->bad);
    rj_put(o, "downloadLocation", json_string("NOASSERTION"), &s->bad);
    rj_put(o, "filesAnalyzed", json_false(), &s->bad);
    rj_put(o, "licenseConcluded", json_string("NOASSERTION"), &s->bad);
    rj_put(o, "licenseDeclared", json_string("NOASSERTION"), &s->bad);
    rj_put(o, "copyrightText", json_string("NOASSERTION"), &s->bad);
    if (r->target.kind == NULL || strcmp(r->target.kind, "filesystem") != 0)
        rj_put(o, "primaryPackagePurpose", json_string("CONTAINER"), &s->bad);
    json_t *anns = json_array();
    annotate(s, anns, "target_kind", r->target.kind);
    if (json_array_size(anns) > 0)
        rj_put(o, "annotations", anns, &s->bad);
    else
        json_decref(anns);
    return o;
}

static json_t *os_package(struct spdx *s)
{
    const struct strata_os *os = &s->r->os;
    json_t *o = json_object();
    rj_put_str(o, "name", os->family, &s->bad);
    rj_put(o, "SPDXID", json_string(OS_ID), &s->bad);
    rj_put_opt_str(o, "versionInfo", os->version, &s->bad);
    rj_put(o, "downloadLocation", json_string("NOASSERTION"), &s->bad);
    rj_put(o, "filesAnalyzed", json_false(), &s->bad);
    rj_put(o, "licenseConcluded", json_string("NOASSERTION"), &s->bad);
    rj_put(o, "licenseDeclared", json_string("NOASSERTION"), &s->bad);
    rj_put(o, "copyrightText", json_string("NOASSERTION"), &s->bad);
    rj_put_opt_str(o, "description", os->pretty_name, &s->bad);
    rj_put(o, "primaryPackagePurpose", json_string("OPERATING-SYSTEM"), &s->bad);
    return o;
}

static json_t *package(struct spdx *s, const struct strata_package *p, char **id_out)
{
    struct strbuf want = STRBUF_INIT;
    int rc = strbuf_adds(&want, "SPDXRef-Package-");
    rc = rc ? rc : add_sanitized(&want, p->type && *p->type ? p->type : "unknown");
    rc = rc ? rc : strbuf_addch(&want, '-');
    rc = rc ? rc : add_sanitized(&want, p->name && *p->name ? p->name : "unknown");
    if (p->version && *p->version) {
        rc = rc ? rc : strbuf_addch(&want, '-');
        rc = rc ? rc : add_sanitized(&want, p->version);
    }
    *id_out = rc == 0 ? unique_id(s, want.buf) : NULL;
    strbuf_release(&want);
    if (*id_out == NULL) {
        s->bad = 1;
        return NULL;
    }
    json_t *o = json_object();
    rj_put_str(o, "name", p->name && *p->name ? p->name : "unknown", &s->bad);
    rj_put_str(o, "SPDXID", *id_out, &s->bad);
    rj_put_opt_str(o, "versionInfo", p->version, &s->bad);
    rj_put(o, "downloadLocation", json_string("NOASSERTION"), &s->bad);
    rj_put(o, "filesAnalyzed", json_false(), &s->bad);
    int differs = p->source_name != NULL &&
                  ((p->name == NULL || strcmp(p->source_name, p->name) != 0) ||
                   (p->source_version != NULL &&
                    (p->version == NULL || strcmp(p->source_version, p->version) != 0)));
    if (differs) {
        struct strbuf si = STRBUF_INIT;
        if (strbuf_addf(&si, "built package from: %s%s%s", p->source_name,
                        p->source_version ? " " : "",
                        p->source_version ? p->source_version : "") != 0)
            s->bad = 1;
        rj_put_str(o, "sourceInfo", si.buf, &s->bad);
        strbuf_release(&si);
    }
    licenses(s, o, p);
    rj_put(o, "copyrightText", json_string("NOASSERTION"), &s->bad);
    purl_ref(s, o, p->purl);
    rj_put(o, "primaryPackagePurpose", json_string("LIBRARY"), &s->bad);
    json_t *anns = json_array();
    char idx[24];
    snprintf(idx, sizeof idx, "%d", p->layer_index);
    annotate(s, anns, "package_type", p->type);
    annotate(s, anns, "layer_index", p->layer_index >= 0 ? idx : NULL);
    annotate(s, anns, "layer_diff_id", p->layer_diff_id);
    annotate(s, anns, "db_path", p->db_path);
    annotate(s, anns, "os_package", p->os_package);
    annotate(s, anns, "compiled_in", p->compiled_in ? "true" : NULL);
    if (json_array_size(anns) > 0)
        rj_put(o, "annotations", anns, &s->bad);
    else
        json_decref(anns);
    return o;
}

/* documentNamespace only has to be a unique URI; a name-based UUID of what the document says
 * keeps it unique per scan and reproducible for a fixed timestamp. */
static char *namespace_uri(const struct strata_report *r, const char *ts)
{
    struct strbuf key = STRBUF_INIT, uri = STRBUF_INIT;
    int rc = strbuf_addf(&key, "strata/spdx\n%s\n%s\n%s\n", r->target.name ? r->target.name : "",
                         r->target.digest ? r->target.digest : "", ts);
    for (size_t i = 0; rc == 0 && i < r->n_packages; i++) {
        const struct strata_package *p = &r->packages[i];
        rc = strbuf_addf(&key, "%s\n", p->purl ? p->purl : (p->name ? p->name : ""));
    }
    char uuid[37];
    rc = rc ? rc : rj_uuid5(key.buf, key.len, uuid);
    strbuf_release(&key);
    rc = rc ? rc : strbuf_adds(&uri, "https://spdx.org/spdxdocs/strata/");
    /* The readable part is a hint for people; the UUID carries the uniqueness. */
    const char *name = r->target.name ? r->target.name : "unknown";
    for (size_t i = 0; rc == 0 && name[i] && i < 64; i++) {
        unsigned char ch = (unsigned char)name[i];
        rc = strbuf_addch(&uri, id_char(ch) || ch == '_' ? (char)ch : '-');
    }
    rc = rc ? rc : strbuf_addf(&uri, "-%s", uuid);
    if (rc != 0) {
        strbuf_release(&uri);
        return NULL;
    }
    return strbuf_detach(&uri);
}

int strata_report_write_spdx(const struct strata_report *r, FILE *out,
                             const struct strata_report_write_opts *opts, struct strata_error *err)
{
    char ts[32];
    int rc = rj_timestamp(opts, ts, sizeof ts, err);
    if (rc != 0)
        return rc;
    struct spdx s = {.r = r, .ts = ts};
    struct strbuf tool = STRBUF_INIT;
    if (strbuf_addf(&tool, "Tool: strata%s%s", opts->tool_version ? "-" : "",
                    opts->tool_version ? opts->tool_version : "") != 0)
        s.bad = 1;
    s.annotator = tool.buf;
    s.relationships = json_array();
    char *ns = namespace_uri(r, ts);

    json_t *root = json_object();
    rj_put(root, "spdxVersion", json_string("SPDX-2.3"), &s.bad);
    rj_put(root, "dataLicense", json_string("CC0-1.0"), &s.bad);
    rj_put(root, "SPDXID", json_string("SPDXRef-DOCUMENT"), &s.bad);
    rj_put_str(root, "name", r->target.name && *r->target.name ? r->target.name : "unknown",
               &s.bad);
    rj_put_str(root, "documentNamespace", ns, &s.bad);
    json_t *ci = json_object();
    json_t *creators = json_array();
    rj_append(creators, rj_str(tool.buf), &s.bad);
    rj_put(ci, "creators", creators, &s.bad);
    rj_put(ci, "created", json_string(ts), &s.bad);
    rj_put(root, "creationInfo", ci, &s.bad);
    json_t *describes = json_array();
    rj_append(describes, json_string(TARGET_ID), &s.bad);
    rj_put(root, "documentDescribes", describes, &s.bad);

    if (rj_strset_add(&s.ids, TARGET_ID) < 0 || rj_strset_add(&s.ids, OS_ID) < 0)
        s.bad = 1;
    json_t *pkgs = json_array();
    rj_append(pkgs, target_package(&s), &s.bad);
    relationship(&s, "SPDXRef-DOCUMENT", "DESCRIBES", TARGET_ID);
    if (r->os.family != NULL && *r->os.family != '\0') {
        rj_append(pkgs, os_package(&s), &s.bad);
        relationship(&s, TARGET_ID, "CONTAINS", OS_ID);
    }
    for (size_t i = 0; i < r->n_packages && !s.bad; i++) {
        char *id = NULL;
        rj_append(pkgs, package(&s, &r->packages[i], &id), &s.bad);
        if (id != NULL)
            relationship(&s, TARGET_ID, "CONTAINS", id);
        free(id);
    }
    rj_put(root, "packages", pkgs, &s.bad);
    rj_put(root, "relationships", s.relationships, &s.bad);

    rc = s.bad ? strata_error_nomem(err) : rj_dump(root, out, err);
    json_decref(root);
    free(ns);
    strbuf_release(&tool);
    rj_strset_free(&s.ids);
    return rc;
}
