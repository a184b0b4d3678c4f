/* CycloneDX and SPDX JSON SBOMs → report packages, by purl. The purl decides the package type
 * and name (as OSV advisories name packages); what a tool adds beside the purl — strata's own
 * "strata:" properties and annotations, Trivy's "aquasecurity:trivy:Src*" properties, Syft's
 * "upstream" qualifier, SPDX "built package from:" sourceInfo — restores what the matcher needs
 * that purls do not carry: the Debian source package and version, the Alpine origin. A
 * structurally broken document is an error; a component the matcher cannot use (no purl, a
 * purl that does not parse, a type without advisories) is read, counted and warned about,
 * never silently dropped. */
#include "source/sbom.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "strata/purl.h"
#include "vulndb/import.h"

#define NAMES_SHOWN 5 /* components named in a warning before "…" */
#define TYPES_SHOWN 8 /* distinct unknown purl types named */
#define NAME_MAX_SHOWN 80

/* What a document says about one package besides its purl. All borrowed from the JSON. */
struct extras {
    const char *name, *version;
    const char *source_name, *source_version; /* strata:source_* or SPDX sourceInfo */
    const char *src_name, *src_version, *src_release, *src_epoch; /* Trivy */
    const char *layer_index, *layer_diff_id, *db_path, *os_package, *compiled_in;
};

struct ctx {
    const char *file;
    struct strata_report *r;
    struct sbom_read *out;
    struct strata_error *err;
    int os_from_document; /* an operating-system component/package named the OS */
    size_t n_without_purl, n_bad_purl, n_unknown_type, n_no_version;
    struct strbuf without_purl; /* the first few names */
    struct strbuf no_version;
    struct strbuf unknown_types; /* distinct types, comma-separated */
    size_t n_types_shown;
    char first_bad_purl[STRATA_ERROR_MAX];
};

static const char *str_member(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int add_warning(struct ctx *c, const char *msg)
{
    char **w = realloc(c->out->warnings, (c->out->n_warnings + 1) * sizeof *w);
    if (w == NULL)
        return strata_error_nomem(c->err);
    c->out->warnings = w;
    if ((w[c->out->n_warnings] = strdup(msg)) == NULL)
        return strata_error_nomem(c->err);
    c->out->n_warnings++;
    return 0;
}

/* Appends "name@version" to a list of names shown in a warning, the first NAMES_SHOWN only. */
static int note_name(struct ctx *c, struct strbuf *list, size_t count, const struct extras *x)
{
    if (count > NAMES_SHOWN)
        return 0;
    int rc = count == NAMES_SHOWN
                 ? strbuf_adds(list, ", …")
                 : strbuf_addf(list, "%s%.*s%s%.*s", list->len ? ", " : "", NAME_MAX_SHOWN,
                               x->name ? x->name : "(unnamed)", x->version ? "@" : "",
                               NAME_MAX_SHOWN, x->version ? x->version : "");
    return rc ? strata_error_nomem(c->err) : 0;
}

static int set_str(char **dst, const char *s, struct ctx *c)
{
    if (s == NULL || *s == '\0')
        return 0;
    free(*dst);
    if ((*dst = strdup(s)) == NULL)
        return strata_error_nomem(c->err);
    return 0;
}

/* The OS from an operating-system component or package: the first one wins. */
static int set_os(struct ctx *c, const char *family, const char *version)
{
    if (family == NULL || *family == '\0' || c->r->os.family != NULL)
        return 0;
    int rc = set_str(&c->r->os.family, family, c);
    rc = rc ? rc : set_str(&c->r->os.version, version, c);
    if (rc == 0)
        for (char *p = c->r->os.family; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    return rc;
}

/* The purl "distro" qualifier: "debian-12", "debian-12.4" (Trivy), "alpine-3.19.1", "rhel-9.3",
 * or a bare codename ("bookworm", as in the purl spec's own example). */
static int os_from_distro(struct ctx *c, const char *distro, const char *namespace_)
{
    static const struct {
        const char *codename, *version;
    } debian[] = {{"buzz", "1.1"},    {"jessie", "8"},    {"stretch", "9"}, {"buster", "10"},
                  {"bullseye", "11"}, {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"}};
    if (distro == NULL || *distro == '\0')
        return set_os(c, namespace_, NULL);
    const char *dash = NULL;
    for (const char *p = distro; *p; p++)
        if (*p == '-' && p[1] >= '0' && p[1] <= '9')
            dash = p;
    if (dash != NULL) {
        char family[64];
        size_t n = (size_t)(dash - distro);
        if (n == 0 || n >= sizeof family)
            return set_os(c, namespace_, NULL);
        memcpy(family, distro, n);
        family[n] = '\0';
        return set_os(c, family, dash + 1);
    }
    for (size_t i = 0; i < sizeof debian / sizeof debian[0]; i++)
        if (strcmp(distro, debian[i].codename) == 0)
            return set_os(c, "debian", debian[i].version);
    return set_os(c, namespace_ ? namespace_ : distro, NULL);
}

static const char *const known_types[] = {"npm",      "pypi",  "golang", "maven", "cargo", "gem",
                                          "composer", "nuget", "deb",    "apk",   "rpm"};

static int is_known_type(const char *t)
{
    for (size_t i = 0; i < sizeof known_types / sizeof known_types[0]; i++)
        if (strcmp(t, known_types[i]) == 0)
            return 1;
    return 0;
}

static int note_unknown_type(struct ctx *c, const char *t)
{
    c->n_unknown_type++;
    /* distinct types only: search ", t," in ", list," */
    struct strbuf probe = STRBUF_INIT;
    int rc = strbuf_addf(&probe, ", %s,", t);
    struct strbuf hay = STRBUF_INIT;
    rc = rc ? rc : strbuf_addf(&hay, ", %s,", c->unknown_types.buf ? c->unknown_types.buf : "");
    int seen = rc == 0 && strstr(hay.buf, probe.buf) != NULL;
    strbuf_release(&probe);
    strbuf_release(&hay);
    if (rc == 0 && !seen && c->n_types_shown < TYPES_SHOWN) {
        rc = strbuf_addf(&c->unknown_types, "%s%.*s", c->unknown_types.len ? ", " : "",
                         NAME_MAX_SHOWN, t);
        c->n_types_shown++;
    }
    return rc ? strata_error_nomem(c->err) : 0;
}

/* The name OSV advisories (and strata's analyzers) give the package of this purl. */
static int package_name(const struct strata_purl_parts *pp, struct strbuf *sb)
{
    const char *t = pp->type, *ns = pp->namespace_;
    if (!strcmp(t, "pypi")) {
        /* The database keys PyPI names by PEP 503 normalization ("zope.interface" ->
         * "zope-interface"); the purl rule only folds '_'. */
        char norm[1024];
        if (vdb_pep503(pp->name, norm, sizeof norm) == 0)
            return strbuf_adds(sb, norm);
        return strbuf_adds(sb, pp->name);
    }
    if (ns == NULL || !strcmp(t, "deb") || !strcmp(t, "apk") || !strcmp(t, "rpm"))
        return strbuf_adds(sb, pp->name);
    if (!strcmp(t, "maven"))
        return strbuf_addf(sb, "%s:%s", ns, pp->name);
    if (!strcmp(t, "npm"))
        return strbuf_addf(sb, "%s%s/%s", ns[0] == '@' ? "" : "@", ns, pp->name);
    return strbuf_addf(sb, "%s/%s", ns, pp->name);
}

/* Trivy's source version: [epoch:]version[-release]. */
static int trivy_source_version(const struct extras *x, struct strbuf *sb)
{
    int rc = 0;
    if (x->src_epoch && *x->src_epoch && strcmp(x->src_epoch, "0") != 0)
        rc = strbuf_addf(sb, "%s:", x->src_epoch);
    rc = rc ? rc : strbuf_adds(sb, x->src_version);
    if (x->src_release && *x->src_release)
        rc = rc ? rc : strbuf_addf(sb, "-%s", x->src_release);
    return rc;
}

/* Source package of a deb or apk: strata's own record, else Trivy's, else Syft's "upstream"
 * qualifier ("glibc" or "glibc@2.36-9"), else the package itself, as dpkg reads a status
 * entry without a Source field. */
static int os_source(struct ctx *c, struct strata_package *p, const struct strata_purl_parts *pp,
                     const struct extras *x)
{
    int rc = 0;
    struct strbuf sv = STRBUF_INIT;
    const char *upstream = strata_purl_qualifier(pp, "upstream");
    if (x->source_name) {
        rc = set_str(&p->source_name, x->source_name, c);
        rc = rc ? rc : set_str(&p->source_version, x->source_version, c);
    } else if (x->src_name) {
        rc = set_str(&p->source_name, x->src_name, c);
        if (rc == 0 && x->src_version && *x->src_version) {
            if (trivy_source_version(x, &sv) != 0)
                rc = strata_error_nomem(c->err);
            rc = rc ? rc : set_str(&p->source_version, sv.buf, c);
        }
    } else if (upstream) {
        const char *at = strchr(upstream, '@');
        char *name = at ? strndup(upstream, (size_t)(at - upstream)) : strdup(upstream);
        if (name == NULL)
            rc = strata_error_nomem(c->err);
        rc = rc ? rc : set_str(&p->source_name, name, c);
        if (rc == 0 && at)
            rc = set_str(&p->source_version, at + 1, c);
        free(name);
    }
    strbuf_release(&sv);
    rc = rc ? rc : set_str(&p->source_name, p->source_name ? NULL : p->name, c);
    rc = rc ? rc : set_str(&p->source_version, p->source_version ? NULL : p->version, c);
    return rc;
}

static int parse_layer_index(const char *s)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno || *end || v > INT_MAX ? -1 : (int)v;
}

static int basename_is(const char *path, const char *name)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    const char *base = slash ? slash + 1 : path;
    return base && strcmp(base, name) == 0;
}

/* strata's SBOMs say compiled_in (a property or annotation); for other tools' SBOMs, and
 * strata's from before it was written, a Go module or crate whose db_path is not a lock or
 * mod file was found in a binary, so was compiled in. */
static int compiled_in(const char *type, const struct extras *x)
{
    if (x->compiled_in)
        return !strcmp(x->compiled_in, "true") || !strcmp(x->compiled_in, "1");
    if (x->db_path == NULL)
        return 0;
    if (!strcmp(type, "golang"))
        return !basename_is(x->db_path, "go.mod") && !basename_is(x->db_path, "go.sum");
    if (!strcmp(type, "cargo"))
        return !basename_is(x->db_path, "Cargo.lock");
    return 0;
}

static int add_package(struct ctx *c, const char *purl, const struct extras *x)
{
    struct strata_purl_parts pp;
    struct strata_error perr = {0};
    int rc = strata_purl_parse(purl, strlen(purl), &pp, &perr);
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(c->err);
    if (rc != 0) {
        if (c->n_bad_purl++ == 0)
            snprintf(c->first_bad_purl, sizeof c->first_bad_purl, "%s", perr.msg);
        return 0;
    }
    if (!strcmp(pp.type, "oci") || !strcmp(pp.type, "docker")) {
        /* An image inside an SBOM is a subject (Trivy's metadata), not a package. */
        strata_purl_parts_free(&pp);
        c->out->n_components--;
        return 0;
    }
    struct strata_package *p = strata_report_add_package(c->r);
    struct strbuf name = STRBUF_INIT, ver = STRBUF_INIT;
    if (p == NULL || package_name(&pp, &name) != 0) {
        rc = strata_error_nomem(c->err);
        goto out;
    }
    const char *version = pp.version ? pp.version : x->version;
    const char *epoch = strata_purl_qualifier(&pp, "epoch");
    if (version && !strcmp(pp.type, "rpm") && epoch && strcmp(epoch, "0") != 0 &&
        !strchr(version, ':')) {
        /* purl-spec's rpm version is version-release with the epoch a qualifier; strata's rpm
         * versions are epoch:version-release. */
        if (strbuf_addf(&ver, "%s:%s", epoch, version) != 0) {
            rc = strata_error_nomem(c->err);
            goto out;
        }
        version = ver.buf;
    }
    rc = set_str(&p->name, name.buf, c);
    rc = rc ? rc : set_str(&p->version, version, c);
    rc = rc ? rc : set_str(&p->type, pp.type, c);
    rc = rc ? rc : set_str(&p->purl, purl, c);
    rc = rc ? rc : set_str(&p->arch, strata_purl_qualifier(&pp, "arch"), c);
    rc = rc ? rc : set_str(&p->db_path, x->db_path, c);
    rc = rc ? rc : set_str(&p->layer_diff_id, x->layer_diff_id, c);
    rc = rc ? rc : set_str(&p->os_package, x->os_package, c);
    if (rc != 0)
        goto out;
    p->layer_index = parse_layer_index(x->layer_index);
    p->compiled_in = compiled_in(pp.type, x);
    c->out->n_packages++;
    int os_pkg = !strcmp(pp.type, "deb") || !strcmp(pp.type, "apk") || !strcmp(pp.type, "rpm");
    if (os_pkg && !c->os_from_document)
        rc = os_from_distro(c, strata_purl_qualifier(&pp, "distro"), pp.namespace_);
    if (rc == 0 && (!strcmp(pp.type, "deb") || !strcmp(pp.type, "apk")))
        rc = os_source(c, p, &pp, x);
    else if (rc == 0 && !strcmp(pp.type, "rpm"))
        rc = set_str(&p->source_name, x->source_name, c);
    if (rc == 0 && !is_known_type(pp.type))
        rc = note_unknown_type(c, pp.type);
    if (rc == 0 && p->version == NULL && is_known_type(pp.type))
        rc = note_name(c, &c->no_version, c->n_no_version++, x);
out:
    strbuf_release(&name);
    strbuf_release(&ver);
    strata_purl_parts_free(&pp);
    return rc;
}

static int count_component(struct ctx *c, const char *path)
{
    if (++c->out->n_components > SBOM_MAX_COMPONENTS)
        return strata_error_set(c->err, STRATA_ELIMIT, "%s: %s: more than %d components", c->file,
                                path, SBOM_MAX_COMPONENTS);
    return 0;
}

static int without_purl(struct ctx *c, const struct extras *x)
{
    return note_name(c, &c->without_purl, c->n_without_purl++, x);
}

/* ---- CycloneDX ---------------------------------------------------------------------------- */

static void cdx_properties(const json_t *comp, struct extras *x)
{
    const json_t *props = json_object_get(comp, "properties");
    size_t i;
    const json_t *prop;
    if (!json_is_array(props))
        return;
    json_array_foreach(props, i, prop)
    {
        const char *n = str_member(prop, "name"), *v = str_member(prop, "value");
        if (n == NULL || v == NULL)
            continue;
        static const struct {
            const char *name;
            size_t off;
        } map[] = {
            {"strata:source_name", offsetof(struct extras, source_name)},
            {"strata:source_version", offsetof(struct extras, source_version)},
            {"strata:layer_index", offsetof(struct extras, layer_index)},
            {"strata:layer_diff_id", offsetof(struct extras, layer_diff_id)},
            {"strata:db_path", offsetof(struct extras, db_path)},
            {"strata:os_package", offsetof(struct extras, os_package)},
            {"strata:compiled_in", offsetof(struct extras, compiled_in)},
            {"aquasecurity:trivy:SrcName", offsetof(struct extras, src_name)},
            {"aquasecurity:trivy:SrcVersion", offsetof(struct extras, src_version)},
            {"aquasecurity:trivy:SrcRelease", offsetof(struct extras, src_release)},
            {"aquasecurity:trivy:SrcEpoch", offsetof(struct extras, src_epoch)},
            {"aquasecurity:trivy:LayerDiffID", offsetof(struct extras, layer_diff_id)},
        };
        for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
            if (strcmp(n, map[k].name) == 0)
                *(const char **)((char *)x + map[k].off) = v;
    }
}

static int cdx_components(struct ctx *c, const json_t *arr, const char *path, int depth);

static int cdx_component(struct ctx *c, const json_t *comp, const char *path, int depth)
{
    if (!json_is_object(comp))
        return strata_error_set(c->err, STRATA_EFORMAT, "%s: %s: expected an object", c->file,
                                path);
    const json_t *purl = json_object_get(comp, "purl");
    if (purl != NULL && !json_is_string(purl) && !json_is_null(purl))
        return strata_error_set(c->err, STRATA_EFORMAT, "%s: %s.purl: expected a string", c->file,
                                path);
    const char *type = str_member(comp, "type");
    struct extras x = {.name = str_member(comp, "name"), .version = str_member(comp, "version")};
    int rc = 0;
    if (type && !strcmp(type, "operating-system")) {
        if (c->r->os.family == NULL && x.name != NULL) {
            c->os_from_document = 1;
            rc = set_os(c, x.name, x.version);
        }
    } else {
        rc = count_component(c, path);
        cdx_properties(comp, &x);
        if (rc == 0 && json_is_string(purl) && json_string_length(purl) > 0)
            rc = add_package(c, json_string_value(purl), &x);
        else if (rc == 0)
            rc = without_purl(c, &x);
    }
    const json_t *nested = json_object_get(comp, "components");
    if (rc == 0 && nested != NULL) {
        struct strbuf sub = STRBUF_INIT;
        if (strbuf_addf(&sub, "%s.components", path) != 0)
            return strata_error_nomem(c->err);
        rc = cdx_components(c, nested, sub.buf, depth + 1);
        strbuf_release(&sub);
    }
    return rc;
}

static int cdx_components(struct ctx *c, const json_t *arr, const char *path, int depth)
{
    if (json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return strata_error_set(c->err, STRATA_EFORMAT, "%s: %s: expected an array", c->file, path);
    if (depth > SBOM_MAX_DEPTH)
        return strata_error_set(c->err, STRATA_ELIMIT,
                                "%s: %s: components nested deeper than %d levels", c->file, path,
                                SBOM_MAX_DEPTH);
    size_t i;
    const json_t *comp;
    struct strbuf p = STRBUF_INIT;
    int rc = 0;
    json_array_foreach(arr, i, comp)
    {
        strbuf_reset(&p);
        if (strbuf_addf(&p, "%s[%zu]", path, i) != 0) {
            rc = strata_error_nomem(c->err);
            break;
        }
        if ((rc = cdx_component(c, comp, p.buf, depth)) != 0)
            break;
    }
    strbuf_release(&p);
    return rc;
}

static int read_cyclonedx(struct ctx *c, const json_t *root)
{
    const char *sv = str_member(root, "specVersion");
    static const char *const versions[] = {"1.2", "1.3", "1.4", "1.5", "1.6"};
    int ok = 0;
    for (size_t i = 0; sv && i < sizeof versions / sizeof versions[0]; i++)
        ok |= strcmp(sv, versions[i]) == 0;
    if (!ok)
        return strata_error_set(c->err, STRATA_EFORMAT,
                                "%s: CycloneDX specVersion %.16s%s%s is not one strata reads "
                                "(1.2 to 1.6)",
                                c->file, sv ? "'" : "", sv ? sv : "missing", sv ? "'" : "");
    snprintf(c->out->format, sizeof c->out->format, "CycloneDX");
    snprintf(c->out->spec_version, sizeof c->out->spec_version, "%s", sv);
    const json_t *md = json_object_get(root, "metadata");
    if (md != NULL && !json_is_object(md))
        return strata_error_set(c->err, STRATA_EFORMAT, "%s: metadata: expected an object",
                                c->file);
    const json_t *subject = json_object_get(md, "component");
    int rc = 0;
    if (json_is_object(subject)) {
        rc = set_str(&c->r->target.name, str_member(subject, "name"), c);
        const char *v = str_member(subject, "version");
        if (rc == 0 && v && !strncmp(v, "sha256:", 7))
            rc = set_str(&c->r->target.digest, v, c);
    }
    /* Syft and Trivy put the OS among the components; read them all before deciding the OS
     * from purl distro qualifiers would be guessing, so operating-system components win
     * wherever they are: a first pass finds one. */
    const json_t *comps = json_object_get(root, "components");
    if (json_is_array(comps)) {
        size_t i;
        const json_t *comp;
        json_array_foreach(comps, i, comp)
        {
            const char *t = str_member(comp, "type");
            if (rc == 0 && t && !strcmp(t, "operating-system") && str_member(comp, "name")) {
                c->os_from_document = 1;
                rc = set_os(c, str_member(comp, "name"), str_member(comp, "version"));
            }
        }
    }
    return rc ? rc : cdx_components(c, comps, "components", 0);
}

/* ---- SPDX --------------------------------------------------------------------------------- */

static int spdx_is_subject(const json_t *root, const char *id)
{
    if (id == NULL)
        return 0;
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(root, "documentDescribes"), i, v)
    {
        if (json_is_string(v) && !strcmp(json_string_value(v), id))
            return 1;
    }
    json_array_foreach(json_object_get(root, "relationships"), i, v)
    {
        const char *from = str_member(v, "spdxElementId"), *t = str_member(v, "relationshipType"),
                   *to = str_member(v, "relatedSpdxElement");
        if (from && t && to && !strcmp(from, "SPDXRef-DOCUMENT") && !strcmp(t, "DESCRIBES") &&
            !strcmp(to, id))
            return 1;
    }
    return 0;
}

static const char *spdx_purl(const json_t *pkg, const char *path, struct ctx *c, int *rc)
{
    const json_t *refs = json_object_get(pkg, "externalRefs");
    if (refs == NULL || json_is_null(refs))
        return NULL;
    if (!json_is_array(refs)) {
        *rc = strata_error_set(c->err, STRATA_EFORMAT, "%s: %s.externalRefs: expected an array",
                               c->file, path);
        return NULL;
    }
    size_t i;
    const json_t *ref;
    json_array_foreach(refs, i, ref)
    {
        const char *type = str_member(ref, "referenceType"),
                   *cat = str_member(ref, "referenceCategory");
        const json_t *loc = json_object_get(ref, "referenceLocator");
        if (type == NULL || strcmp(type, "purl") != 0)
            continue;
        /* 2.3 says PACKAGE-MANAGER, 2.2 PACKAGE_MANAGER; both are seen in the wild. */
        if (cat && strcmp(cat, "PACKAGE-MANAGER") != 0 && strcmp(cat, "PACKAGE_MANAGER") != 0)
            continue;
        if (!json_is_string(loc)) {
            *rc = strata_error_set(c->err, STRATA_EFORMAT,
                                   "%s: %s.externalRefs[%zu].referenceLocator: expected a string",
                                   c->file, path, i);
            return NULL;
        }
        return json_string_value(loc);
    }
    return NULL;
}

/* strata:KEY: VALUE annotations (strata's SPDX writer) → extras. */
static void spdx_annotations(const json_t *pkg, struct extras *x)
{
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(pkg, "annotations"), i, a)
    {
        const char *cm = str_member(a, "comment");
        if (cm == NULL || strncmp(cm, "strata:", 7) != 0)
            continue;
        static const struct {
            const char *key;
            size_t off;
        } map[] = {
            {"strata:layer_index: ", offsetof(struct extras, layer_index)},
            {"strata:layer_diff_id: ", offsetof(struct extras, layer_diff_id)},
            {"strata:db_path: ", offsetof(struct extras, db_path)},
            {"strata:os_package: ", offsetof(struct extras, os_package)},
            {"strata:compiled_in: ", offsetof(struct extras, compiled_in)},
        };
        for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
            if (!strncmp(cm, map[k].key, strlen(map[k].key)))
                *(const char **)((char *)x + map[k].off) = cm + strlen(map[k].key);
    }
}

static int spdx_package(struct ctx *c, const json_t *root, const json_t *pkg, const char *path)
{
    if (!json_is_object(pkg))
        return strata_error_set(c->err, STRATA_EFORMAT, "%s: %s: expected an object", c->file,
                                path);
    const char *purpose = str_member(pkg, "primaryPackagePurpose");
    struct extras x = {.name = str_member(pkg, "name"), .version = str_member(pkg, "versionInfo")};
    if (purpose && !strcmp(purpose, "OPERATING-SYSTEM"))
        return 0; /* read before the packages, by read_spdx */
    if (spdx_is_subject(root, str_member(pkg, "SPDXID")))
        return 0;
    int rc = count_component(c, path);
    const char *purl = rc == 0 ? spdx_purl(pkg, path, c, &rc) : NULL;
    if (rc != 0)
        return rc;
    spdx_annotations(pkg, &x);
    /* "built package from: glibc 2.36-9+deb12u4" (strata, Trivy). */
    const char *si = str_member(pkg, "sourceInfo");
    static const char built[] = "built package from: ";
    char *src = NULL;
    if (si && !strncmp(si, built, sizeof built - 1)) {
        if ((src = strdup(si + sizeof built - 1)) == NULL)
            return strata_error_nomem(c->err);
        char *sp = strchr(src, ' ');
        if (sp) {
            *sp = '\0';
            x.source_version = sp + 1;
        }
        x.source_name = *src ? src : NULL;
    }
    rc = purl && *purl ? add_package(c, purl, &x) : without_purl(c, &x);
    free(src);
    return rc;
}

static int read_spdx(struct ctx *c, const json_t *root, const char *sv)
{
    if (strcmp(sv, "SPDX-2.2") != 0 && strcmp(sv, "SPDX-2.3") != 0)
        return strata_error_set(c->err, STRATA_EFORMAT,
                                "%s: spdxVersion '%.16s' is not one strata reads (SPDX-2.2, "
                                "SPDX-2.3 JSON)",
                                c->file, sv);
    snprintf(c->out->format, sizeof c->out->format, "SPDX");
    snprintf(c->out->spec_version, sizeof c->out->spec_version, "%s", sv + 5);
    int rc = set_str(&c->r->target.name, str_member(root, "name"), c);
    const json_t *pkgs = json_object_get(root, "packages");
    if (pkgs == NULL || json_is_null(pkgs))
        return rc;
    if (!json_is_array(pkgs))
        return strata_error_set(c->err, STRATA_EFORMAT, "%s: packages: expected an array", c->file);
    size_t i;
    const json_t *pkg;
    json_array_foreach(pkgs, i, pkg)
    {
        const char *purpose = str_member(pkg, "primaryPackagePurpose");
        if (rc == 0 && purpose && !strcmp(purpose, "OPERATING-SYSTEM") && str_member(pkg, "name")) {
            c->os_from_document = 1;
            rc = set_os(c, str_member(pkg, "name"), str_member(pkg, "versionInfo"));
        }
        if (rc == 0 && spdx_is_subject(root, str_member(pkg, "SPDXID")) &&
            str_member(pkg, "versionInfo") &&
            !strncmp(str_member(pkg, "versionInfo"), "sha256:", 7))
            rc = set_str(&c->r->target.digest, str_member(pkg, "versionInfo"), c);
    }
    struct strbuf p = STRBUF_INIT;
    json_array_foreach(pkgs, i, pkg)
    {
        strbuf_reset(&p);
        if (rc == 0 && strbuf_addf(&p, "packages[%zu]", i) != 0)
            rc = strata_error_nomem(c->err);
        if (rc != 0)
            break;
        rc = spdx_package(c, root, pkg, p.buf);
    }
    strbuf_release(&p);
    return rc;
}

/* ---- the document ------------------------------------------------------------------------- */

static int finish_warnings(struct ctx *c)
{
    struct strbuf m = STRBUF_INIT;
    int rc = 0;
    if (c->n_without_purl > 0)
        rc = strbuf_addf(&m, "%s: %zu component%s without a purl %s not checked (%s)", c->file,
                         c->n_without_purl, c->n_without_purl == 1 ? "" : "s",
                         c->n_without_purl == 1 ? "was" : "were", c->without_purl.buf);
    if (rc == 0 && m.len && (rc = add_warning(c, m.buf)) == 0)
        strbuf_reset(&m);
    if (rc == 0 && c->n_bad_purl > 0)
        rc = strbuf_addf(&m, "%s: %zu purl%s could not be parsed, not checked (first: %s)", c->file,
                         c->n_bad_purl, c->n_bad_purl == 1 ? "" : "s", c->first_bad_purl);
    if (rc == 0 && m.len && (rc = add_warning(c, m.buf)) == 0)
        strbuf_reset(&m);
    if (rc == 0 && c->n_no_version > 0)
        rc = strbuf_addf(&m, "%s: %zu package%s without a version %s not checked (%s)", c->file,
                         c->n_no_version, c->n_no_version == 1 ? "" : "s",
                         c->n_no_version == 1 ? "was" : "were", c->no_version.buf);
    if (rc == 0 && m.len && (rc = add_warning(c, m.buf)) == 0)
        strbuf_reset(&m);
    if (rc == 0 && c->n_unknown_type > 0)
        rc = strbuf_addf(&m,
                         "%s: %zu package%s of purl types strata has no advisories for %s "
                         "listed but not checked (%s%s)",
                         c->file, c->n_unknown_type, c->n_unknown_type == 1 ? "" : "s",
                         c->n_unknown_type == 1 ? "was" : "were", c->unknown_types.buf,
                         c->n_types_shown == TYPES_SHOWN ? ", …" : "");
    if (rc == 0 && m.len)
        rc = add_warning(c, m.buf);
    strbuf_release(&m);
    return rc == STRATA_ENOMEM ? strata_error_nomem(c->err) : rc;
}

int sbom_read_mem(const char *name, const char *data, size_t len, struct strata_report *r,
                  struct sbom_read *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (len > SBOM_MAX_BYTES)
        return strata_error_set(err, STRATA_ELIMIT, "%s: larger than %u MiB", name,
                                SBOM_MAX_BYTES >> 20);
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        /* jansson says column 0 at the start of a line (an early end of file): positions
         * are 1-based everywhere else in strata's messages. */
        return strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: not valid JSON: %s", name,
                                jerr.line > 0 ? jerr.line : 1, jerr.column > 0 ? jerr.column : 1,
                                jerr.text);
    struct ctx c = {.file = name, .r = r, .out = out, .err = err};
    int rc;
    const char *bom = str_member(root, "bomFormat"), *spdx = str_member(root, "spdxVersion");
    if (!json_is_object(root))
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: not an SBOM: the document is not a JSON "
                              "object",
                              name);
    else if (bom && !strcmp(bom, "CycloneDX"))
        rc = read_cyclonedx(&c, root);
    else if (spdx)
        rc = read_spdx(&c, root, spdx);
    else if (json_object_get(root, "@context") && json_object_get(root, "@graph"))
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: SPDX 3 (JSON-LD) is not read yet; export SPDX 2.3 JSON", name);
    else
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: not an SBOM strata reads: no \"bomFormat\": \"CycloneDX\" "
                              "and no \"spdxVersion\"",
                              name);
    if (rc == 0 && (rc = set_str(&r->target.kind, "sbom", &c)) == 0 && r->target.name == NULL)
        rc = set_str(&r->target.name, name, &c);
    if (rc == 0)
        rc = finish_warnings(&c);
    strbuf_release(&c.without_purl);
    strbuf_release(&c.no_version);
    strbuf_release(&c.unknown_types);
    json_decref(root);
    if (rc == 0)
        strata_report_sort_packages(r);
    return rc;
}

int sbom_read_file(const char *path, struct strata_report *r, struct sbom_read *out,
                   struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return strata_error_set(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO, "%s: %s",
                                path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s", path,
                                S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
    }
    if ((uint64_t)st.st_size > SBOM_MAX_BYTES) {
        close(fd);
        return strata_error_set(err, STRATA_ELIMIT, "%s: larger than %u MiB (%lld bytes)", path,
                                SBOM_MAX_BYTES >> 20, (long long)st.st_size);
    }
    size_t len = (size_t)st.st_size;
    char *buf = malloc(len ? len : 1);
    if (buf == NULL) {
        close(fd);
        return strata_error_nomem(err);
    }
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : 0;
            free(buf);
            close(fd);
            return strata_error_set(err, STRATA_EIO, "%s: %s", path,
                                    e ? strerror(e) : "file shrank while being read");
        }
        got += (size_t)n;
    }
    close(fd);
    int rc = sbom_read_mem(path, buf, len, r, out, err);
    free(buf);
    return rc;
}

void sbom_read_release(struct sbom_read *s)
{
    for (size_t i = 0; i < s->n_warnings; i++)
        free(s->warnings[i]);
    free(s->warnings);
    s->warnings = NULL;
    s->n_warnings = 0;
}
