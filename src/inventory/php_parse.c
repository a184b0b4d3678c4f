/* See php_parse.h. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_load.h"
#include "core/strbuf.h"
#include "core/strmap.h"
#include "inventory/php_parse.h"

void php_pkg_list_free(struct php_pkg_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].version);
        free(l->v[i].license);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

int php_valid_name(const char *s)
{
    const char *slash = strchr(s, '/');
    if (slash == NULL || slash == s || slash[1] == '\0' || strchr(slash + 1, '/') != NULL)
        return 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-' || c == '/'))
            return 0;
    }
    return 1;
}

/* A string field no longer than PHP_MAX_FIELD and without NUL; NULL when absent. */
static int field(json_t *o, const char *key, const char *path, const char *where, size_t i,
                 const char **out, struct strata_error *err)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s[%zu].%s: not a string", path, where, i,
                                key);
    size_t n = json_string_length(v);
    if (n > PHP_MAX_FIELD)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %s[%zu].%s: %zu bytes, more than %d", path,
                                where, i, key, n, PHP_MAX_FIELD);
    if (strlen(json_string_value(v)) != n)
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s[%zu].%s: contains a NUL byte", path,
                                where, i, key);
    *out = json_string_value(v);
    return 0;
}

/* "license": an array of SPDX ids (Composer 1.0+), or a plain string in old files. */
static int license(json_t *o, const char *path, const char *where, size_t i, char **out,
                   struct strata_error *err)
{
    *out = NULL;
    json_t *v = json_object_get(o, "license");
    if (v == NULL || json_is_null(v))
        return 0;
    struct strbuf sb = STRBUF_INIT;
    if (json_is_string(v)) {
        const char *s;
        int rc = field(o, "license", path, where, i, &s, err);
        if (rc != 0)
            return rc;
        if (strbuf_adds(&sb, s) != 0)
            return strata_error_nomem(err);
    } else if (json_is_array(v)) {
        if (json_array_size(v) > PHP_MAX_LICENSES)
            return strata_error_set(err, STRATA_ELIMIT, "%s: %s[%zu].license: more than %d", path,
                                    where, i, PHP_MAX_LICENSES);
        size_t k;
        json_t *e;
        json_array_foreach(v, k, e)
        {
            if (!json_is_string(e) || json_string_length(e) > PHP_MAX_FIELD ||
                strlen(json_string_value(e)) != json_string_length(e)) {
                strbuf_release(&sb);
                return strata_error_set(err, STRATA_EFORMAT,
                                        "%s: %s[%zu].license[%zu]: not a string of at most %d "
                                        "bytes without NUL",
                                        path, where, i, k, PHP_MAX_FIELD);
            }
            if ((sb.len > 0 && strbuf_adds(&sb, " OR ") != 0) ||
                strbuf_adds(&sb, json_string_value(e)) != 0) {
                strbuf_release(&sb);
                return strata_error_nomem(err);
            }
        }
    } else {
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: %s[%zu].license: not an array or a string", path, where, i);
    }
    if (sb.len == 0) {
        strbuf_release(&sb);
        return 0;
    }
    *out = strbuf_detach(&sb);
    return *out ? 0 : strata_error_nomem(err);
}

static int push(struct php_pkg_list *l, const char *name, const char *version, char *lic, int dev,
                struct strata_error *err)
{
    if (l->n >= PHP_MAX_PACKAGES) {
        free(lic);
        return strata_error_set(err, STRATA_ELIMIT, "more than %d packages", PHP_MAX_PACKAGES);
    }
    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 32;
        struct php_pkg *nv = realloc(l->v, c * sizeof *nv);
        if (nv == NULL) {
            free(lic);
            return strata_error_nomem(err);
        }
        l->v = nv;
        l->cap = c;
    }
    struct php_pkg *p = &l->v[l->n];
    p->name = strdup(name);
    p->version = version ? strdup(version) : NULL;
    p->license = lic;
    p->dev = dev;
    l->n++;
    if (p->name == NULL || (version && p->version == NULL))
        return strata_error_nomem(err);
    return 0;
}

/* An array of package objects. Each needs a valid name and a non-empty version. */
static int packages(json_t *arr, const char *path, const char *where, int dev,
                    const struct strmap *dev_names, struct php_pkg_list *out,
                    struct strata_error *err)
{
    if (arr == NULL || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s: not an array", path, where);
    if (json_array_size(arr) > PHP_MAX_PACKAGES)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %s: more than %d packages", path, where,
                                PHP_MAX_PACKAGES);
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        if (!json_is_object(o))
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s[%zu]: not an object", path, where,
                                    i);
        const char *name, *version;
        int rc = field(o, "name", path, where, i, &name, err);
        if (rc == 0)
            rc = field(o, "version", path, where, i, &version, err);
        if (rc != 0)
            return rc;
        if (name == NULL || !php_valid_name(name))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: %s[%zu].name: missing or not \"vendor/name\"", path, where,
                                    i);
        if (version == NULL || version[0] == '\0')
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s[%zu].version: missing", path,
                                    where, i);
        char *lic;
        rc = license(o, path, where, i, &lic, err);
        if (rc != 0)
            return rc;
        int is_dev = dev || (dev_names != NULL && strmap_get(dev_names, name) != NULL);
        rc = push(out, name, version, lic, is_dev, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int php_parse_installed(const uint8_t *data, size_t len, const char *path, struct php_pkg_list *out,
                        struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *j;
    int rc = json_load_document(data, len, path, PHP_MAX_FILE, 0, &j, err);
    if (rc != 0)
        return rc;
    json_t *arr = j, *dev_names = NULL;
    if (json_is_object(j)) {
        arr = json_object_get(j, "packages");
        if (arr == NULL)
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: no \"packages\"", path);
        dev_names = json_object_get(j, "dev-package-names");
        if (rc == 0 && dev_names != NULL && !json_is_array(dev_names))
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: dev-package-names: not an array", path);
        if (rc == 0 && dev_names != NULL && json_array_size(dev_names) > PHP_MAX_PACKAGES)
            rc = strata_error_set(err, STRATA_ELIMIT, "%s: dev-package-names: more than %d", path,
                                  PHP_MAX_PACKAGES);
    } else if (!json_is_array(j)) {
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s:1:1: the top level is neither an array (Composer 1) nor an "
                              "object (Composer 2)",
                              path);
    }
    /* a set, so that a hostile list costs O(n), not O(n * packages) */
    struct strmap devset = STRMAP_INIT;
    size_t k;
    json_t *d;
    if (rc == 0 && dev_names != NULL)
        json_array_foreach(dev_names, k, d)
        {
            if (json_is_string(d) && strmap_put(&devset, json_string_value(d), d) != 0) {
                rc = strata_error_nomem(err);
                break;
            }
        }
    if (rc == 0)
        rc = packages(arr, path, "packages", 0, &devset, out, err);
    strmap_release(&devset);
    json_decref(j);
    if (rc != 0)
        php_pkg_list_free(out);
    return rc;
}

int php_parse_lock(const uint8_t *data, size_t len, const char *path, struct php_pkg_list *out,
                   struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *j;
    int rc = json_load_document(data, len, path, PHP_MAX_FILE, JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    rc = packages(json_object_get(j, "packages"), path, "packages", 0, NULL, out, err);
    if (rc == 0)
        rc = packages(json_object_get(j, "packages-dev"), path, "packages-dev", 1, NULL, out, err);
    json_decref(j);
    if (rc != 0)
        php_pkg_list_free(out);
    return rc;
}

static int require(json_t *j, const char *key, const char *path, int dev, struct php_pkg_list *out,
                   struct strata_error *err)
{
    json_t *o = json_object_get(j, key);
    if (o == NULL || json_is_null(o))
        return 0;
    if (!json_is_object(o))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s: not an object", path, key);
    const char *name;
    json_t *v;
    json_object_foreach(o, name, v)
    {
        (void)v;
        if (strlen(name) > PHP_MAX_FIELD || !php_valid_name(name))
            continue; /* php, ext-*, lib-*: platform requirements, not packages */
        int rc = push(out, name, NULL, NULL, dev, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int php_parse_manifest(const uint8_t *data, size_t len, const char *path, struct php_pkg_list *out,
                       struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *j;
    int rc = json_load_document(data, len, path, PHP_MAX_FILE, JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    rc = require(j, "require", path, 0, out, err);
    if (rc == 0)
        rc = require(j, "require-dev", path, 1, out, err);
    json_decref(j);
    if (rc != 0)
        php_pkg_list_free(out);
    return rc;
}
