/* OpenVEX reader and matcher. */
#include "policy/vex.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hexdigit.h"

/* ---- package URLs ---------------------------------------------------------------------- */

void vex_purl_free(struct vex_purl *p)
{
    if (p == NULL)
        return;
    free(p->type);
    free(p->ns);
    free(p->name);
    free(p->version);
    free(p);
}

/* Percent-decodes s[0..n) into a new string; *bad on malformed escapes or %00. */
static char *pct_decode(const char *s, size_t n, int *bad)
{
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[k++] = s[i];
            continue;
        }
        if (n - i < 3 || hex_digit_value(s[i + 1]) < 0 || hex_digit_value(s[i + 2]) < 0) {
            *bad = 1;
            free(out);
            return NULL;
        }
        int c = hex_digit_value(s[i + 1]) * 16 + hex_digit_value(s[i + 2]);
        if (c == 0) {
            *bad = 1;
            free(out);
            return NULL;
        }
        out[k++] = (char)c;
        i += 2;
    }
    out[k] = '\0';
    return out;
}

static void lower_ascii(char *s)
{
    for (; s != NULL && *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + ('a' - 'A'));
}

/* Types whose namespace and name the purl spec declares case-insensitive. */
static int type_folds_name(const char *type)
{
    static const char *const t[] = {"pypi", "github", "bitbucket", "composer", "npm", "nuget"};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(type, t[i]) == 0)
            return 1;
    return 0;
}

int vex_purl_parse(const char *s, struct vex_purl **out)
{
    *out = NULL;
    if (strncasecmp(s, "pkg:", 4) != 0)
        return 1;
    const char *p = s + 4;
    while (*p == '/')
        p++;
    size_t end = strcspn(p, "?#");
    const char *slash = memchr(p, '/', end);
    if (slash == NULL || slash == p)
        return 1;
    const char *rest = slash + 1;
    size_t rn = end - (size_t)(rest - p);
    while (rn > 0 && rest[rn - 1] == '/')
        rn--;
    while (rn > 0 && rest[0] == '/') {
        rest++;
        rn--;
    }
    /* version: after the last '@' that has no '/' after it */
    const char *at = NULL;
    for (size_t i = rn; i > 0; i--) {
        if (rest[i - 1] == '/')
            break;
        if (rest[i - 1] == '@') {
            at = rest + i - 1;
            break;
        }
    }
    size_t path_n = at ? (size_t)(at - rest) : rn;
    const char *ls = NULL;
    for (size_t i = path_n; i > 0; i--)
        if (rest[i - 1] == '/') {
            ls = rest + i - 1;
            break;
        }
    const char *name = ls ? ls + 1 : rest;
    size_t name_n = path_n - (size_t)(name - rest);
    if (name_n == 0)
        return 1;
    struct vex_purl *u = calloc(1, sizeof *u);
    if (u == NULL)
        return STRATA_ENOMEM;
    int bad = 0;
    u->type = strndup(p, (size_t)(slash - p));
    if (u->type == NULL)
        goto nomem;
    lower_ascii(u->type);
    if ((u->name = pct_decode(name, name_n, &bad)) == NULL)
        goto fail;
    if (ls != NULL && ls > rest) {
        if ((u->ns = pct_decode(rest, (size_t)(ls - rest), &bad)) == NULL)
            goto fail;
    }
    if (at != NULL && rest + rn > at + 1) {
        if ((u->version = pct_decode(at + 1, (size_t)(rest + rn - at - 1), &bad)) == NULL)
            goto fail;
    }
    if (type_folds_name(u->type)) {
        lower_ascii(u->ns);
        lower_ascii(u->name);
        if (strcmp(u->type, "pypi") == 0)
            for (char *c = u->name; *c; c++)
                if (*c == '_')
                    *c = '-';
    }
    *out = u;
    return 0;
fail:
    if (bad) {
        vex_purl_free(u);
        return 1;
    }
nomem:
    vex_purl_free(u);
    return STRATA_ENOMEM;
}

static int eq_or_both_null(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

int vex_purl_match(const struct vex_purl *pattern, const struct vex_purl *candidate)
{
    if (pattern == NULL || candidate == NULL)
        return 0;
    if (strcmp(pattern->type, candidate->type) != 0 ||
        strcmp(pattern->name, candidate->name) != 0 || !eq_or_both_null(pattern->ns, candidate->ns))
        return 0;
    return pattern->version == NULL ||
           (candidate->version != NULL && strcmp(pattern->version, candidate->version) == 0);
}

/* ---- documents ------------------------------------------------------------------------- */

struct vp {
    const char *name;
    struct strata_error *err;
    struct vex_doc *doc;
    size_t n_products; /* products and subcomponents so far */
};

static int vp_error(struct vp *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int vp_error(struct vp *c, int code, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return strata_error_set(c->err, code, "%s: %s", c->name, msg);
}

static const char *json_kind(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* Optional string member: *out stays NULL when absent or null. */
static int opt_string(struct vp *c, const json_t *obj, const char *key, const char *path,
                      const char **out)
{
    *out = NULL;
    json_t *j = json_object_get(obj, key);
    if (j == NULL || json_is_null(j))
        return 0;
    if (!json_is_string(j))
        return vp_error(c, STRATA_EFORMAT, "%s.%s: expected a string, found %s", path, key,
                        json_kind(j));
    const char *s = json_string_value(j);
    if (!policy_text_clean(s, json_string_length(j)) || strlen(s) != json_string_length(j))
        return vp_error(c, STRATA_EFORMAT, "%s.%s: contains control characters", path, key);
    *out = s;
    return 0;
}

static int dup_opt(struct vp *c, const char *s, char **out)
{
    *out = NULL;
    if (s == NULL || *s == '\0')
        return 0;
    if ((*out = strdup(s)) == NULL)
        return strata_error_nomem(c->err);
    return 0;
}

static void ident_clear(struct vex_ident *id)
{
    free(id->raw);
    vex_purl_free(id->purl);
}

static int add_ident(struct vp *c, struct vex_ident **v, size_t *n, const char *raw)
{
    if ((*n & (*n - 1)) == 0) { /* capacity doubles at each power of two */
        struct vex_ident *nv = realloc(*v, (*n ? *n * 2 : 1) * sizeof *nv);
        if (nv == NULL)
            return strata_error_nomem(c->err);
        *v = nv;
    }
    struct vex_ident *id = &(*v)[*n];
    memset(id, 0, sizeof *id);
    if ((id->raw = strdup(raw)) == NULL)
        return strata_error_nomem(c->err);
    int rc = vex_purl_parse(raw, &id->purl);
    if (rc < 0) {
        free(id->raw);
        return strata_error_nomem(c->err);
    }
    (*n)++;
    return 0;
}

/* A product or subcomponent: a string, or an object with `@id` and/or `identifiers.purl`. */
static int parse_component(struct vp *c, const json_t *j, const char *path, struct vex_ident **v,
                           size_t *n)
{
    if (++c->n_products > VEX_MAX_PRODUCTS)
        return vp_error(c, STRATA_ELIMIT, "%s: more than %u products and subcomponents", path,
                        VEX_MAX_PRODUCTS);
    size_t before = *n;
    int rc;
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        if (*s == '\0' || strlen(s) != json_string_length(j) ||
            !policy_text_clean(s, json_string_length(j)))
            return vp_error(c, STRATA_EFORMAT, "%s: expected a non-empty identifier", path);
        return add_ident(c, v, n, s);
    }
    if (!json_is_object(j))
        return vp_error(c, STRATA_EFORMAT, "%s: expected an object or a string, found %s", path,
                        json_kind(j));
    const char *id;
    if ((rc = opt_string(c, j, "@id", path, &id)) != 0)
        return rc;
    if (id != NULL && *id != '\0' && (rc = add_ident(c, v, n, id)) != 0)
        return rc;
    json_t *idents = json_object_get(j, "identifiers");
    if (idents != NULL && !json_is_null(idents)) {
        char sub[256];
        snprintf(sub, sizeof sub, "%s.identifiers", path);
        if (!json_is_object(idents))
            return vp_error(c, STRATA_EFORMAT, "%s: expected an object, found %s", sub,
                            json_kind(idents));
        const char *purl;
        if ((rc = opt_string(c, idents, "purl", sub, &purl)) != 0)
            return rc;
        if (purl != NULL && *purl != '\0' && (id == NULL || strcmp(purl, id) != 0) &&
            (rc = add_ident(c, v, n, purl)) != 0)
            return rc;
    }
    if (*n == before)
        return vp_error(c, STRATA_EFORMAT, "%s: has neither @id nor identifiers.purl", path);
    return 0;
}

static void product_clear(struct vex_product *p)
{
    for (size_t i = 0; i < p->n_ids; i++)
        ident_clear(&p->ids[i]);
    free(p->ids);
    for (size_t i = 0; i < p->n_subs; i++)
        ident_clear(&p->subs[i]);
    free(p->subs);
}

static void statement_clear(struct vex_statement *s)
{
    free(s->vuln);
    free(s->justification);
    free(s->impact_statement);
    free(s->action_statement);
    for (size_t i = 0; i < s->n_products; i++)
        product_clear(&s->products[i]);
    free(s->products);
}

static int parse_products(struct vp *c, const json_t *st, const char *path, struct vex_statement *s)
{
    json_t *ps = json_object_get(st, "products");
    if (ps == NULL || json_is_null(ps))
        return vp_error(c, STRATA_EFORMAT, "%s: has no products", path);
    if (!json_is_array(ps))
        return vp_error(c, STRATA_EFORMAT, "%s.products: expected an array, found %s", path,
                        json_kind(ps));
    size_t n = json_array_size(ps);
    if (n == 0)
        return vp_error(c, STRATA_EFORMAT, "%s.products: is empty", path);
    if (n > VEX_MAX_PRODUCTS)
        return vp_error(c, STRATA_ELIMIT, "%s.products: more than %u products", path,
                        VEX_MAX_PRODUCTS);
    s->products = calloc(n, sizeof *s->products);
    if (s->products == NULL)
        return strata_error_nomem(c->err);
    for (size_t i = 0; i < n; i++) {
        json_t *pj = json_array_get(ps, i);
        struct vex_product *p = &s->products[i];
        s->n_products = i + 1;
        char ppath[192];
        snprintf(ppath, sizeof ppath, "%s.products[%zu]", path, i);
        int rc = parse_component(c, pj, ppath, &p->ids, &p->n_ids);
        if (rc != 0)
            return rc;
        json_t *subs = json_is_object(pj) ? json_object_get(pj, "subcomponents") : NULL;
        if (subs == NULL || json_is_null(subs))
            continue;
        if (!json_is_array(subs))
            return vp_error(c, STRATA_EFORMAT, "%s.subcomponents: expected an array, found %s",
                            ppath, json_kind(subs));
        for (size_t k = 0; k < json_array_size(subs); k++) {
            char spath[256];
            snprintf(spath, sizeof spath, "%s.subcomponents[%zu]", ppath, k);
            if ((rc = parse_component(c, json_array_get(subs, k), spath, &p->subs, &p->n_subs)) !=
                0)
                return rc;
        }
    }
    return 0;
}

static int add_vuln_id(struct vp *c, struct vex_statement *s, const char *id)
{
    if (id == NULL || *id == '\0')
        return 0;
    if (s->vuln == NULL && (s->vuln = strdup(id)) == NULL)
        return strata_error_nomem(c->err);
    if (policy_id_index_add(&c->doc->by_id, id, s->index) != 0)
        return strata_error_nomem(c->err);
    return 0;
}

static int parse_vulnerability(struct vp *c, const json_t *st, const char *path,
                               struct vex_statement *s)
{
    json_t *vj = json_object_get(st, "vulnerability");
    char vpath[160];
    snprintf(vpath, sizeof vpath, "%s.vulnerability", path);
    int rc;
    if (vj == NULL || json_is_null(vj))
        return vp_error(c, STRATA_EFORMAT, "%s: has no vulnerability", path);
    if (json_is_string(vj)) {
        const char *id = json_string_value(vj);
        if (strlen(id) != json_string_length(vj) || !policy_text_clean(id, strlen(id)))
            return vp_error(c, STRATA_EFORMAT, "%s: contains control characters", vpath);
        if ((rc = add_vuln_id(c, s, id)) != 0)
            return rc;
    } else if (json_is_object(vj)) {
        const char *name, *id;
        if ((rc = opt_string(c, vj, "name", vpath, &name)) != 0 ||
            (rc = opt_string(c, vj, "@id", vpath, &id)) != 0)
            return rc;
        if ((rc = add_vuln_id(c, s, name)) != 0 || (rc = add_vuln_id(c, s, id)) != 0)
            return rc;
        json_t *al = json_object_get(vj, "aliases");
        if (al != NULL && !json_is_null(al)) {
            if (!json_is_array(al))
                return vp_error(c, STRATA_EFORMAT, "%s.aliases: expected an array, found %s", vpath,
                                json_kind(al));
            for (size_t i = 0; i < json_array_size(al); i++) {
                json_t *a = json_array_get(al, i);
                const char *as = json_string_value(a);
                if (as == NULL || strlen(as) != json_string_length(a) ||
                    !policy_text_clean(as, strlen(as)))
                    return vp_error(c, STRATA_EFORMAT, "%s.aliases[%zu]: expected a string", vpath,
                                    i);
                if ((rc = add_vuln_id(c, s, as)) != 0)
                    return rc;
            }
        }
    } else {
        return vp_error(c, STRATA_EFORMAT, "%s: expected an object or a string, found %s", vpath,
                        json_kind(vj));
    }
    if (s->vuln == NULL)
        return vp_error(c, STRATA_EFORMAT, "%s: names no vulnerability id (name, @id)", vpath);
    return 0;
}

static int parse_timestamp(struct vp *c, const json_t *obj, const char *path, int *has, int64_t *ts)
{
    const char *t;
    int rc = opt_string(c, obj, "timestamp", path, &t);
    if (rc != 0 || t == NULL)
        return rc;
    if (policy_parse_rfc3339(t, ts) != 0)
        return vp_error(c, STRATA_EFORMAT, "%s.timestamp: \"%.64s\" is not an RFC 3339 date-time",
                        path, t);
    *has = 1;
    return 0;
}

static int parse_statement(struct vp *c, const json_t *st, size_t i, int doc_has_ts, int64_t doc_ts)
{
    struct vex_statement *s = &c->doc->v[i];
    memset(s, 0, sizeof *s);
    s->index = i;
    c->doc->n = i + 1;
    char path[64];
    snprintf(path, sizeof path, "statements[%zu]", i);
    if (!json_is_object(st))
        return vp_error(c, STRATA_EFORMAT, "%s: expected an object, found %s", path, json_kind(st));
    int rc;
    if ((rc = parse_vulnerability(c, st, path, s)) != 0)
        return rc;
    const char *status;
    if ((rc = opt_string(c, st, "status", path, &status)) != 0)
        return rc;
    if (status == NULL)
        return vp_error(c, STRATA_EFORMAT, "%s: has no status", path);
    static const char *const names[] = {"not_affected", "affected", "fixed", "under_investigation"};
    size_t k = 0;
    while (k < 4 && strcmp(status, names[k]) != 0)
        k++;
    if (k == 4)
        return vp_error(c, STRATA_EFORMAT,
                        "%s.status: unknown status \"%.64s\" (expected not_affected, affected, "
                        "fixed or under_investigation)",
                        path, status);
    s->status = (enum vex_status)k;
    const char *just, *impact, *action;
    if ((rc = opt_string(c, st, "justification", path, &just)) != 0 ||
        (rc = opt_string(c, st, "impact_statement", path, &impact)) != 0 ||
        (rc = opt_string(c, st, "action_statement", path, &action)) != 0)
        return rc;
    if ((rc = dup_opt(c, just, &s->justification)) != 0 ||
        (rc = dup_opt(c, impact, &s->impact_statement)) != 0 ||
        (rc = dup_opt(c, action, &s->action_statement)) != 0)
        return rc;
    s->has_timestamp = doc_has_ts;
    s->timestamp = doc_ts;
    if ((rc = parse_timestamp(c, st, path, &s->has_timestamp, &s->timestamp)) != 0)
        return rc;
    return parse_products(c, st, path, s);
}

void vex_doc_free(struct vex_doc *d)
{
    for (size_t i = 0; i < d->n; i++)
        statement_clear(&d->v[i]);
    free(d->v);
    free(d->name);
    policy_id_index_release(&d->by_id);
    memset(d, 0, sizeof *d);
}

int vex_parse(const char *data, size_t len, const char *name, struct vex_doc *out,
              struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (len > VEX_MAX_BYTES)
        return strata_error_set(err, STRATA_ELIMIT, "%s: file is larger than the limit of %u bytes",
                                name, VEX_MAX_BYTES);
    json_error_t je;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: invalid JSON: %s", name, je.line,
                                je.column, je.text);
    struct vp c = {.name = name, .err = err, .doc = out};
    int rc = 0;
    if (!json_is_object(root)) {
        rc = vp_error(&c, STRATA_EFORMAT, "expected an OpenVEX document (an object), found %s",
                      json_kind(root));
        goto done;
    }
    if ((out->name = strdup(name)) == NULL) {
        rc = strata_error_nomem(err);
        goto done;
    }
    int doc_has_ts = 0;
    int64_t doc_ts = 0;
    if ((rc = parse_timestamp(&c, root, "document", &doc_has_ts, &doc_ts)) != 0)
        goto done;
    json_t *sts = json_object_get(root, "statements");
    if (sts == NULL) {
        rc = vp_error(&c, STRATA_EFORMAT, "not an OpenVEX document: no statements");
        goto done;
    }
    if (!json_is_array(sts)) {
        rc =
            vp_error(&c, STRATA_EFORMAT, "statements: expected an array, found %s", json_kind(sts));
        goto done;
    }
    size_t n = json_array_size(sts);
    if (n > VEX_MAX_STATEMENTS) {
        rc = vp_error(&c, STRATA_ELIMIT, "more than %u statements", VEX_MAX_STATEMENTS);
        goto done;
    }
    if (n > 0 && (out->v = calloc(n, sizeof *out->v)) == NULL) {
        rc = strata_error_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = parse_statement(&c, json_array_get(sts, i), i, doc_has_ts, doc_ts);
    if (rc == 0)
        policy_id_index_sort(&out->by_id);
done:
    json_decref(root);
    if (rc != 0)
        vex_doc_free(out);
    return rc;
}

int vex_load(const char *path, struct vex_doc *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    char *data;
    size_t len;
    int rc = policy_read_file(path, VEX_MAX_BYTES, &data, &len, err);
    if (rc != 0)
        return rc;
    rc = vex_parse(data, len, path, out, err);
    free(data);
    return rc;
}

/* ---- matching -------------------------------------------------------------------------- */

const char *vex_status_name(enum vex_status s)
{
    switch (s) {
    case VEX_NOT_AFFECTED:
        return "not_affected";
    case VEX_AFFECTED:
        return "affected";
    case VEX_FIXED:
        return "fixed";
    case VEX_UNDER_INVESTIGATION:
        return "under_investigation";
    }
    return "unknown";
}

int vex_status_suppresses(enum vex_status s)
{
    return s == VEX_NOT_AFFECTED || s == VEX_FIXED;
}

static int names_image(const struct vex_ident *id, const struct strata_target *t)
{
    if (t->name != NULL && *t->name != '\0' && strcmp(id->raw, t->name) == 0)
        return 1;
    if (t->digest == NULL || *t->digest == '\0')
        return 0;
    if (policy_ascii_ieq(id->raw, t->digest))
        return 1;
    size_t rl = strlen(id->raw), dl = strlen(t->digest);
    if (rl > dl && id->raw[rl - dl - 1] == '@' && policy_ascii_ieq(id->raw + rl - dl, t->digest))
        return 1;
    return id->purl != NULL && strcmp(id->purl->type, "oci") == 0 &&
           policy_ascii_ieq(id->purl->version, t->digest);
}

static int is_package_purl(const struct vex_ident *id)
{
    return id->purl != NULL && strcmp(id->purl->type, "oci") != 0;
}

static int product_covers(const struct vex_product *p, const struct strata_target *t,
                          const struct vex_purl *pkg)
{
    int image = 0, package = 0;
    for (size_t i = 0; i < p->n_ids; i++) {
        if (names_image(&p->ids[i], t))
            image = 1;
        else if (is_package_purl(&p->ids[i])) {
            package = 1;
            if (vex_purl_match(p->ids[i].purl, pkg))
                return 1;
        }
    }
    if (image && p->n_subs == 0)
        return 1;
    if (!image && !package)
        return 0; /* another image, or an identifier strata cannot relate to the scan */
    for (size_t i = 0; i < p->n_subs; i++)
        if (is_package_purl(&p->subs[i]) && vex_purl_match(p->subs[i].purl, pkg))
            return 1;
    return 0;
}

static int later(const struct vex_statement *a, const struct vex_statement *b)
{
    if (a->has_timestamp != b->has_timestamp)
        return a->has_timestamp > b->has_timestamp;
    if (a->has_timestamp && a->timestamp != b->timestamp)
        return a->timestamp > b->timestamp;
    return a->index > b->index;
}

static void consider(const struct vex_doc *d, const char *id, const struct strata_target *t,
                     const struct vex_purl *pkg, const struct vex_statement **best)
{
    if (id == NULL)
        return;
    const struct policy_id_ref *refs;
    size_t n = policy_id_index_find(&d->by_id, id, &refs);
    for (size_t i = 0; i < n; i++) {
        const struct vex_statement *s = &d->v[refs[i].item];
        if (*best != NULL && (s == *best || !later(s, *best)))
            continue;
        for (size_t k = 0; k < s->n_products; k++) {
            if (product_covers(&s->products[k], t, pkg)) {
                *best = s;
                break;
            }
        }
    }
}

const struct vex_statement *vex_find(const struct vex_doc *d, const struct strata_target *t,
                                     const struct strata_vulnerability *v, int *oom)
{
    *oom = 0;
    struct vex_purl *pkg = NULL;
    if (v->package_purl != NULL && vex_purl_parse(v->package_purl, &pkg) < 0) {
        *oom = 1;
        return NULL;
    }
    const struct vex_statement *best = NULL;
    consider(d, v->id, t, pkg, &best);
    for (size_t i = 0; i < v->n_aliases; i++)
        consider(d, v->aliases[i], t, pkg, &best);
    vex_purl_free(pkg);
    return best;
}
