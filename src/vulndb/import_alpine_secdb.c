/* Alpine secdb files (secdb.alpinelinux.org/v3.X/{main,community}.json):
 *   { "distroversion": "v3.11", "reponame": "main", …,
 *     "packages": [ { "pkg": { "name": "openssl",
 *                              "secfixes": { "1.1.1d-r2": ["CVE-2019-1551"], "0": [...] } } } ] }
 * → ecosystem "Alpine:v3.11"; one advisory per identifier (shared across packages and
 * releases) and one affected row per package, fixed version and identifier, with the range
 * introduced 0 / fixed V. Version "0" means the package was never affected: no row. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/import.h"

static int is_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Length of a "YYYY-N…" (4 digits, '-', 1+ digits) prefix of s, or 0. */
static size_t cve_tail(const char *s, size_t n)
{
    if (n < 6 || !is_digits(s, 4) || s[4] != '-' || !isdigit((unsigned char)s[5]))
        return 0;
    size_t i = 5;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    return i;
}

/* Other ids: letters, digits and '-', starting with a letter, with a '-' and a digit
 * ("XSA-182", "ZBX-11023", "TALOS-2017-0488", "wnpa-sec-2017-18"). */
static int looks_like_id(const char *s, size_t n)
{
    if (n == 0 || n > VDB_MAX_ID_LEN || !isalpha((unsigned char)s[0]))
        return 0;
    int dash = 0, digit = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '-')
            dash = 1;
        else if (isdigit(c))
            digit = 1;
        else if (!isalpha(c))
            return 0;
    }
    return dash && digit && s[n - 1] != '-';
}

int vdb_alpine_ids(const char *entry, int (*fn)(void *ctx, const char *id), void *ctx)
{
    int found = 0;
    const char *p = entry;
    char id[VDB_MAX_ID_LEN + 8];
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (*p == '\0' || *p == '(') /* "(…)" is a comment: "CVE-2018-14461 (LDP)" */
            break;
        const char *tok = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        size_t n = (size_t)(p - tok);
        id[0] = '\0';
        if (n >= 4 && (strncmp(tok, "CVE-", 4) == 0 || strncmp(tok, "CVE_", 4) == 0)) {
            /* "CVE-2017-8073.patch", "CVE-2017-17434-1" → the CVE part; "CVE_2019-2426" too;
             * "CVE-????-?????" (a placeholder) holds no id. */
            size_t t = cve_tail(tok + 4, n - 4);
            if (t > 0 && t <= VDB_MAX_ID_LEN)
                snprintf(id, sizeof id, "CVE-%.*s", (int)t, tok + 4);
        } else if (n == 3 && strncmp(tok, "CVE", 3) == 0) {
            /* "CVE 2018-16859" */
            const char *q = p;
            while (*q && isspace((unsigned char)*q))
                q++;
            const char *t2 = q;
            while (*q && !isspace((unsigned char)*q))
                q++;
            size_t t = cve_tail(t2, (size_t)(q - t2));
            if (t > 0 && t == (size_t)(q - t2) && t <= VDB_MAX_ID_LEN) {
                snprintf(id, sizeof id, "CVE-%.*s", (int)t, t2);
                p = q;
            }
        } else if (looks_like_id(tok, n)) {
            snprintf(id, sizeof id, "%.*s", (int)n, tok);
        }
        if (id[0] != '\0') {
            found++;
            if (fn != NULL) {
                int rc = fn(ctx, id);
                if (rc != 0)
                    return rc;
            }
        }
    }
    return found;
}

struct row_ctx {
    struct vdb_builder *b;
    const char *ecosystem, *package, *ranges;
    struct strata_error *err;
};

static int add_row(void *vctx, const char *id)
{
    struct row_ctx *c = vctx;
    int64_t adv;
    int created;
    int rc = vdb_advisory(c->b, VDB_KIND_ALPINE_SECDB, id, NULL, NULL, NULL, NULL, &adv, &created,
                          c->err);
    if (rc == 0)
        rc = vdb_affected(c->b, adv, c->ecosystem, c->package, "fixed", NULL, c->ranges, "[]",
                          c->err);
    return rc;
}

static int import_package(struct vdb_builder *b, const json_t *entry, size_t pi,
                          const char *ecosystem, const char *name, struct strata_error *err)
{
    const json_t *pkg = json_object_get(entry, "pkg");
    if (!json_is_object(pkg))
        return strata_error_set(err, STRATA_EFORMAT, "%s: packages[%zu]: no \"pkg\" object", name,
                                pi);
    const char *pname = json_string_value(json_object_get(pkg, "name"));
    if (pname == NULL || pname[0] == '\0' || strlen(pname) > VDB_MAX_ID_LEN)
        return strata_error_set(err, STRATA_EFORMAT, "%s: packages[%zu].pkg: no usable \"name\"",
                                name, pi);
    const json_t *secfixes = json_object_get(pkg, "secfixes");
    if (secfixes == NULL || json_is_null(secfixes))
        return 0;
    if (!json_is_object(secfixes))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s: secfixes: not an object", name,
                                pname);
    const char *version;
    const json_t *ids;
    json_object_foreach((json_t *)secfixes, version, ids)
    {
        if (ids == NULL || json_is_null(ids)) /* "7.4.0-r0": null (heimdal in v3.6) */
            continue;
        if (!json_is_array(ids))
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s: secfixes.%s: not an array", name,
                                    pname, version);
        if (strcmp(version, "0") == 0) { /* never affected */
            b->stats->not_affected += (long)json_array_size(ids);
            continue;
        }
        if (version[0] == '\0' || strlen(version) > VDB_MAX_ID_LEN)
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s: bad secfixes version", name,
                                    pname);
        json_t *r = json_pack("[{s:s, s:[{s:s}, {s:s}]}]", "type", "ECOSYSTEM", "events",
                              "introduced", "0", "fixed", version);
        char *ranges = r ? json_dumps(r, JSON_COMPACT) : NULL;
        json_decref(r);
        if (ranges == NULL)
            return strata_error_nomem(err);
        struct row_ctx ctx = {b, ecosystem, pname, ranges, err};
        size_t i;
        const json_t *v;
        int rc = 0;
        json_array_foreach(ids, i, v)
        {
            if (json_is_null(v))
                continue;
            if (!json_is_string(v)) {
                rc = strata_error_set(err, STRATA_EFORMAT, "%s: %s: secfixes.%s[%zu]: not a string",
                                      name, pname, version, i);
                break;
            }
            rc = vdb_alpine_ids(json_string_value(v), add_row, &ctx);
            if (rc < 0)
                break;
            if (rc == 0)
                b->stats->unparsed_ids++;
            rc = 0;
        }
        free(ranges);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int vdb_import_alpine_secdb(struct vdb_builder *b, const json_t *root, const char *name,
                            struct strata_error *err)
{
    const char *dv = json_string_value(json_object_get(root, "distroversion"));
    if (dv == NULL || dv[0] == '\0' || strlen(dv) > 64)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: \"distroversion\" is not a release string", name);
    char ecosystem[80];
    snprintf(ecosystem, sizeof ecosystem, "Alpine:%s", dv);
    int64_t sid;
    int rc = vdb_source(b, VDB_KIND_ALPINE_SECDB, &sid, err);
    if (rc != 0)
        return rc;
    const json_t *pkgs = json_object_get(root, "packages");
    if (json_is_null(pkgs)) /* v3.3 community: an empty "packages:" in the YAML */
        return 0;
    if (!json_is_array(pkgs))
        return strata_error_set(err, STRATA_EFORMAT, "%s: packages: not an array", name);
    size_t i;
    const json_t *p;
    json_array_foreach(pkgs, i, p)
    {
        if ((rc = import_package(b, p, i, ecosystem, name, err)) != 0)
            return rc;
    }
    return 0;
}
