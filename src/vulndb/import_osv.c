/* OSV records (https://ossf.github.io/osv-schema/) → advisories, aliases, affected. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/import.h"

#define SUMMARY_FROM_DETAILS_MAX 200

int vdb_pep503(const char *name, char *out, size_t cap)
{
    /* re.sub(r"[-_.]+", "-", name).lower() */
    size_t o = 0;
    int in_sep = 0;
    for (const char *p = name; *p; p++) {
        int sep = *p == '-' || *p == '_' || *p == '.';
        if (sep && in_sep)
            continue;
        if (o + 1 >= cap)
            return STRATA_ELIMIT;
        out[o++] = sep ? '-' : (char)tolower((unsigned char)*p);
        in_sep = sep;
    }
    if (cap == 0)
        return STRATA_ELIMIT;
    out[o] = '\0';
    return 0;
}

/* A string member, NULL when absent or null; error when another type. */
static int opt_string(const json_t *obj, const char *key, const char *name, const char *where,
                      const char **out, struct strata_error *err)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s%s: not a string", name, where, key);
    *out = json_string_value(v);
    return 0;
}

/* The first line of details, cut at a character boundary, for records without a summary. */
static char *summary_from_details(const char *details)
{
    size_t n = strcspn(details, "\r\n");
    while (n > 0 && isspace((unsigned char)details[n - 1]))
        n--;
    if (n == 0)
        return NULL;
    int cut = 0;
    if (n > SUMMARY_FROM_DETAILS_MAX) {
        n = SUMMARY_FROM_DETAILS_MAX;
        while (n > 0 && ((unsigned char)details[n] & 0xC0) == 0x80)
            n--; /* do not split a UTF-8 sequence */
        cut = 1;
    }
    char *s = malloc(n + 4);
    if (s == NULL)
        return NULL;
    memcpy(s, details, n);
    if (cut)
        memcpy(s + n, "...", 4);
    else
        s[n] = '\0';
    return s;
}

static int add_aliases(struct vdb_builder *b, int64_t adv, const json_t *root, const char *key,
                       const char *id, const char *name, struct strata_error *err)
{
    const json_t *arr = json_object_get(root, key);
    if (arr == NULL || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s: not an array", name, key);
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v))
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s[%zu]: not a string", name, key, i);
        const char *a = json_string_value(v);
        if (a[0] == '\0' || strcmp(a, id) == 0)
            continue;
        if (strlen(a) > VDB_MAX_ID_LEN)
            return strata_error_set(err, STRATA_ELIMIT, "%s: %s[%zu]: longer than %d bytes", name,
                                    key, i, VDB_MAX_ID_LEN);
        int rc = vdb_alias(b, adv, a, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Checks the ranges array and tells whether any range has a fixed event. */
static int check_ranges(const json_t *ranges, const char *name, size_t ai, int *has_fixed,
                        struct strata_error *err)
{
    size_t i;
    const json_t *r;
    json_array_foreach(ranges, i, r)
    {
        if (!json_is_object(r))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: affected[%zu].ranges[%zu]: not an "
                                    "object",
                                    name, ai, i);
        if (!json_is_string(json_object_get(r, "type")))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: affected[%zu].ranges[%zu]: no \"type\"", name, ai, i);
        const json_t *events = json_object_get(r, "events");
        if (!json_is_array(events))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: affected[%zu].ranges[%zu]: \"events\" is not an array",
                                    name, ai, i);
        size_t j;
        const json_t *e;
        json_array_foreach(events, j, e)
        {
            if (!json_is_object(e))
                return strata_error_set(err, STRATA_EFORMAT,
                                        "%s: affected[%zu].ranges[%zu].events[%zu]: not an object",
                                        name, ai, i, j);
            if (json_object_get(e, "fixed") != NULL)
                *has_fixed = 1;
        }
    }
    return 0;
}

static int import_affected(struct vdb_builder *b, int64_t adv, const json_t *a, size_t ai,
                           const char *name, struct strata_error *err)
{
    if (!json_is_object(a))
        return strata_error_set(err, STRATA_EFORMAT, "%s: affected[%zu]: not an object", name, ai);
    const json_t *pkg = json_object_get(a, "package");
    if (pkg == NULL || json_is_null(pkg))
        return 0; /* OSV allows entries with GIT ranges only and no package: nothing to match */
    if (!json_is_object(pkg))
        return strata_error_set(err, STRATA_EFORMAT, "%s: affected[%zu].package: not an object",
                                name, ai);
    const json_t *eco = json_object_get(pkg, "ecosystem"), *pn = json_object_get(pkg, "name");
    if (!json_is_string(eco) || json_string_length(eco) == 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: affected[%zu].package: no \"ecosystem\" string", name, ai);
    if (!json_is_string(pn) || json_string_length(pn) == 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: affected[%zu].package: no \"name\" string", name, ai);
    if (json_string_length(eco) > VDB_MAX_ID_LEN || json_string_length(pn) > VDB_MAX_FIELD_LEN)
        return strata_error_set(err, STRATA_ELIMIT, "%s: affected[%zu].package: name too long",
                                name, ai);
    const json_t *ranges = json_object_get(a, "ranges");
    const json_t *versions = json_object_get(a, "versions");
    if (ranges != NULL && !json_is_null(ranges) && !json_is_array(ranges))
        return strata_error_set(err, STRATA_EFORMAT, "%s: affected[%zu].ranges: not an array", name,
                                ai);
    if (versions != NULL && !json_is_null(versions) && !json_is_array(versions))
        return strata_error_set(err, STRATA_EFORMAT, "%s: affected[%zu].versions: not an array",
                                name, ai);
    int has_fixed = 0;
    if (json_is_array(ranges)) {
        int rc = check_ranges(ranges, name, ai, &has_fixed, err);
        if (rc != 0)
            return rc;
    }
    const char *ecosystem = json_string_value(eco);
    const char *package = json_string_value(pn);
    char *norm = NULL;
    if (strcmp(ecosystem, "PyPI") == 0) {
        size_t cap = strlen(package) * 2 + 2;
        norm = malloc(cap);
        if (norm == NULL)
            return strata_error_nomem(err);
        if (vdb_pep503(package, norm, cap) != 0) {
            free(norm);
            return strata_error_set(err, STRATA_EINTERNAL, "%s: PEP 503 name overflow", name);
        }
        package = norm;
    }
    char *rj = json_is_array(ranges) ? json_dumps(ranges, JSON_COMPACT) : NULL;
    char *vj = json_is_array(versions) ? json_dumps(versions, JSON_COMPACT) : NULL;
    int rc;
    if ((json_is_array(ranges) && rj == NULL) || (json_is_array(versions) && vj == NULL))
        rc = strata_error_nomem(err);
    else
        rc = vdb_affected(b, adv, ecosystem, package, has_fixed ? "fixed" : "affected", NULL,
                          rj ? rj : "[]", vj ? vj : "[]", err);
    free(rj);
    free(vj);
    free(norm);
    return rc;
}

int vdb_import_osv(struct vdb_builder *b, const json_t *root, const char *name,
                   struct strata_error *err)
{
    const char *id = json_string_value(json_object_get(root, "id"));
    if (id == NULL || id[0] == '\0')
        return strata_error_set(err, STRATA_EFORMAT, "%s: OSV record without an \"id\"", name);
    if (strlen(id) > VDB_MAX_ID_LEN)
        return strata_error_set(err, STRATA_ELIMIT, "%s: id longer than %d bytes", name,
                                VDB_MAX_ID_LEN);
    const json_t *withdrawn = json_object_get(root, "withdrawn");
    if (withdrawn != NULL && !json_is_null(withdrawn)) {
        b->stats->withdrawn++;
        return 0;
    }
    const char *modified, *published, *summary, *details;
    int rc;
    if ((rc = opt_string(root, "modified", name, "", &modified, err)) != 0 ||
        (rc = opt_string(root, "published", name, "", &published, err)) != 0 ||
        (rc = opt_string(root, "summary", name, "", &summary, err)) != 0 ||
        (rc = opt_string(root, "details", name, "", &details, err)) != 0)
        return rc;
    if ((modified && strlen(modified) > 64) || (published && strlen(published) > 64))
        return strata_error_set(err, STRATA_EFORMAT, "%s: modified/published: not a date", name);
    if (summary && strlen(summary) > VDB_MAX_FIELD_LEN)
        return strata_error_set(err, STRATA_ELIMIT, "%s: summary: longer than %u bytes", name,
                                VDB_MAX_FIELD_LEN);
    char *own_summary = NULL;
    if ((summary == NULL || summary[0] == '\0') && details != NULL) {
        own_summary = summary_from_details(details);
        summary = own_summary;
    }
    const char *cvss = NULL;
    const json_t *sev = json_object_get(root, "severity");
    if (sev != NULL && !json_is_null(sev) && !json_is_array(sev)) {
        free(own_summary);
        return strata_error_set(err, STRATA_EFORMAT, "%s: severity: not an array", name);
    }
    size_t i;
    const json_t *v;
    json_array_foreach(sev, i, v)
    {
        const char *type = json_string_value(json_object_get(v, "type"));
        const char *score = json_string_value(json_object_get(v, "score"));
        if (type && score && strcmp(type, "CVSS_V3") == 0 && strlen(score) <= VDB_MAX_ID_LEN) {
            cvss = score;
            break;
        }
    }
    const json_t *affected = json_object_get(root, "affected");
    if (affected != NULL && !json_is_null(affected) && !json_is_array(affected)) {
        free(own_summary);
        return strata_error_set(err, STRATA_EFORMAT, "%s: affected: not an array", name);
    }
    int64_t adv;
    int created = 0;
    rc = vdb_advisory(b, VDB_KIND_OSV, id, summary, published, modified, cvss, &adv, &created, err);
    free(own_summary);
    if (rc != 0)
        return rc;
    if (!created)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: duplicate advisory id %s (already imported from this source)",
                                name, id);
    if ((rc = add_aliases(b, adv, root, "aliases", id, name, err)) != 0 ||
        (rc = add_aliases(b, adv, root, "upstream", id, name, err)) != 0)
        return rc;
    json_array_foreach(affected, i, v)
    {
        if ((rc = import_affected(b, adv, v, i, name, err)) != 0)
            return rc;
    }
    return 0;
}
