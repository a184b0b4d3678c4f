/* See dotnet_parse.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_load.h"
#include "core/strmap.h"
#include "inventory/dotnet_parse.h"

void dotnet_pkg_list_free(struct dotnet_pkg_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].version);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* NuGet ids: letters, digits, '.', '-', '_'; versions: printable ASCII without '/'. */
static int valid_id(const char *s, size_t n)
{
    if (n == 0 || n > DOTNET_MAX_FIELD)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int valid_version(const char *s, size_t n)
{
    if (n == 0 || n > DOTNET_MAX_FIELD)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '/')
            return 0;
    return 1;
}

static int push(struct dotnet_pkg_list *l, const char *name, size_t nlen, const char *ver,
                size_t vlen, int direct, struct strata_error *err)
{
    if (l->n >= DOTNET_MAX_PACKAGES)
        return strata_error_set(err, STRATA_ELIMIT, "more than %d packages", DOTNET_MAX_PACKAGES);
    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 32;
        struct dotnet_pkg *nv = realloc(l->v, c * sizeof *nv);
        if (nv == NULL)
            return strata_error_nomem(err);
        l->v = nv;
        l->cap = c;
    }
    struct dotnet_pkg *p = &l->v[l->n++];
    p->name = strndup(name, nlen);
    p->version = strndup(ver, vlen);
    p->direct = direct;
    return p->name && p->version ? 0 : strata_error_nomem(err);
}

int dotnet_parse_deps(const uint8_t *data, size_t len, const char *path,
                      struct dotnet_pkg_list *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *j;
    int rc = json_load_document(data, len, path, DOTNET_MAX_FILE, JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    json_t *libs = json_object_get(j, "libraries");
    if (libs != NULL && !json_is_object(libs))
        rc = strata_error_set(err, STRATA_EFORMAT, "%s: libraries: not an object", path);
    else if (libs != NULL && json_object_size(libs) > DOTNET_MAX_PACKAGES)
        rc = strata_error_set(err, STRATA_ELIMIT, "%s: libraries: more than %d", path,
                              DOTNET_MAX_PACKAGES);
    const char *key;
    json_t *v;
    if (rc == 0 && libs != NULL)
        json_object_foreach(libs, key, v)
        {
            if (!json_is_object(v)) {
                rc = strata_error_set(err, STRATA_EFORMAT, "%s: libraries.%.100s: not an object",
                                      path, key);
                break;
            }
            json_t *type = json_object_get(v, "type");
            if (type != NULL && !json_is_string(type)) {
                rc = strata_error_set(err, STRATA_EFORMAT,
                                      "%s: libraries.%.100s.type: not a string", path, key);
                break;
            }
            /* "project" and "reference" are the app's own projects and assemblies */
            if (type == NULL || strcmp(json_string_value(type), "package") != 0)
                continue;
            const char *slash = strchr(key, '/');
            size_t klen = strlen(key);
            if (slash == NULL || !valid_id(key, (size_t)(slash - key)) ||
                !valid_version(slash + 1, klen - (size_t)(slash - key) - 1)) {
                rc = strata_error_set(err, STRATA_EFORMAT,
                                      "%s: libraries.%.100s: not \"Name/Version\"", path, key);
                break;
            }
            rc = push(out, key, (size_t)(slash - key), slash + 1, strlen(slash + 1), -1, err);
            if (rc != 0)
                break;
        }
    json_decref(j);
    if (rc != 0)
        dotnet_pkg_list_free(out);
    return rc;
}

int dotnet_parse_lock(const uint8_t *data, size_t len, const char *path,
                      struct dotnet_pkg_list *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *j;
    int rc = json_load_document(data, len, path, DOTNET_MAX_FILE, JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    json_t *ver = json_object_get(j, "version");
    json_t *deps = json_object_get(j, "dependencies");
    if (!json_is_integer(ver) || json_integer_value(ver) < 1 || json_integer_value(ver) > 2)
        rc = strata_error_set(err, STRATA_EFORMAT, "%s: version: not 1 or 2", path);
    else if (deps != NULL && !json_is_object(deps))
        rc = strata_error_set(err, STRATA_EFORMAT, "%s: dependencies: not an object", path);
    struct strmap seen = STRMAP_INIT; /* "name/version" -> index + 1 */
    char key[2 * DOTNET_MAX_FIELD + 2];
    const char *tfm, *name;
    json_t *fw, *e;
    if (rc == 0 && deps != NULL)
        json_object_foreach(deps, tfm, fw)
        {
            if (!json_is_object(fw)) {
                rc = strata_error_set(err, STRATA_EFORMAT, "%s: dependencies.%.100s: not an object",
                                      path, tfm);
                break;
            }
            json_object_foreach(fw, name, e)
            {
                json_t *type = json_object_get(e, "type");
                json_t *res = json_object_get(e, "resolved");
                if (!json_is_object(e) || !json_is_string(type)) {
                    rc = strata_error_set(err, STRATA_EFORMAT,
                                          "%s: dependencies.%.100s.%.100s: not an object with a "
                                          "\"type\"",
                                          path, tfm, name);
                    break;
                }
                const char *t = json_string_value(type);
                if (strcmp(t, "Project") == 0)
                    continue; /* a project reference, not a package */
                if (!json_is_string(res) || !valid_id(name, strlen(name)) ||
                    !valid_version(json_string_value(res), json_string_length(res))) {
                    rc = strata_error_set(err, STRATA_EFORMAT,
                                          "%s: dependencies.%.100s.%.100s: no valid id and "
                                          "\"resolved\" version",
                                          path, tfm, name);
                    break;
                }
                int direct = strcmp(t, "Direct") == 0;
                snprintf(key, sizeof key, "%s/%s", name, json_string_value(res));
                size_t at = (size_t)(uintptr_t)strmap_get(&seen, key);
                if (at != 0) {
                    if (direct)
                        out->v[at - 1].direct = 1;
                    continue;
                }
                rc = push(out, name, strlen(name), json_string_value(res), json_string_length(res),
                          direct, err);
                if (rc != 0)
                    break;
                /* the map does not copy keys: it owns this one, freed below */
                char *k = malloc(strlen(key) + 1);
                if (k == NULL) {
                    rc = strata_error_nomem(err);
                    break;
                }
                strcpy(k, key);
                if (strmap_put(&seen, k, (void *)(uintptr_t)out->n) != 0) {
                    free(k);
                    rc = strata_error_nomem(err);
                    break;
                }
            }
            if (rc != 0)
                break;
        }
    for (size_t i = 0; i < seen.cap; i++)
        free((char *)seen.slots[i].key);
    strmap_release(&seen);
    json_decref(j);
    if (rc != 0)
        dotnet_pkg_list_free(out);
    return rc;
}
