/* npm metadata parsers: package.json, package-lock.json (v1–v3), yarn.lock (classic, berry),
 * pnpm-lock.yaml (v5, v6, v9). See npm_parse.h and docs/inventory-npm.md. */
#include "inventory/npm_parse.h"

#include <errno.h>
#include <jansson.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/input_size.h"
#include "core/json_load.h"
#include "core/lines.h"
#include "core/yaml_guard.h"
#include "core/strbuf.h"

static void strbuf_truncate(struct strbuf *sb, size_t len)
{
    if (sb->buf != NULL && len < sb->len) {
        sb->len = len;
        sb->buf[len] = '\0';
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Lists                                                                                     */

void npm_manifest_free(struct npm_manifest *m)
{
    if (m == NULL)
        return;
    free(m->name);
    free(m->version);
    free(m->license);
    for (size_t i = 0; i < m->n_deps; i++) {
        free(m->deps[i].name);
        free(m->deps[i].spec);
    }
    free(m->deps);
    memset(m, 0, sizeof *m);
}

void npm_pkg_list_free(struct npm_pkg_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].version);
        free(l->v[i].license);
        free(l->v[i].where);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

int npm_valid_name(const char *name, size_t len)
{
    if (name == NULL || len == 0 || len > NPM_MAX_NAME)
        return 0;
    size_t slash = 0, pos = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '%' || c == '"' || c == '\'')
            return 0;
        if (c == '/') {
            slash++;
            pos = i;
        }
    }
    if (name[0] == '@')
        return slash == 1 && pos > 1 && pos + 1 < len && strncmp(name + pos + 1, ".", 1) != 0;
    return slash == 0 && name[0] != '.' && name[0] != '_';
}

static int cmp_dep(const void *a, const void *b)
{
    return strcmp(((const struct npm_dep *)a)->name, ((const struct npm_dep *)b)->name);
}

int npm_manifest_dep_kind(const struct npm_manifest *m, const char *name)
{
    if (m == NULL || m->n_deps == 0 || name == NULL)
        return 0;
    struct npm_dep key = {.name = (char *)name};
    const struct npm_dep *d = bsearch(&key, m->deps, m->n_deps, sizeof *m->deps, cmp_dep);
    return d ? d->kind : 0;
}

static const struct npm_dep *manifest_dep(const struct npm_manifest *m, const char *name)
{
    if (m == NULL || m->n_deps == 0)
        return NULL;
    struct npm_dep key = {.name = (char *)name};
    return bsearch(&key, m->deps, m->n_deps, sizeof *m->deps, cmp_dep);
}

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Appends a package; strings are copied (license may be NULL). */
static int list_add(struct npm_pkg_list *l, const char *name, size_t nlen, const char *ver,
                    size_t vlen, const char *license, int direct, int dev, int optional,
                    const char *where, unsigned line)
{
    if (l->n >= NPM_MAX_PKGS)
        return STRATA_ELIMIT;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct npm_pkg *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return STRATA_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    struct npm_pkg *p = &l->v[l->n];
    memset(p, 0, sizeof *p);
    p->name = dupn(name, nlen);
    p->version = dupn(ver, vlen);
    p->license = license ? strdup(license) : NULL;
    p->where = strdup(where ? where : "");
    p->direct = direct;
    p->dev = dev;
    p->optional = optional;
    p->line = line;
    if (!p->name || !p->version || (license && !p->license) || !p->where) {
        free(p->name);
        free(p->version);
        free(p->license);
        free(p->where);
        return STRATA_ENOMEM;
    }
    l->n++;
    return 0;
}

static int valid_version(const char *v, size_t n)
{
    if (n == 0 || n > NPM_MAX_VERSION)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return 0;
    return 1;
}

/* ---------------------------------------------------------------------------------------- */
/* JSON                                                                                      */

/* license: "MIT", {"type": "MIT"}, or the legacy licenses: [{"type": …}, "…"]. */
static int json_license(json_t *obj, char **out)
{
    json_t *l = json_object_get(obj, "license");
    if (l == NULL || json_is_null(l))
        l = json_object_get(obj, "licenses");
    struct strbuf sb = STRBUF_INIT;
    int rc = 0;
    if (json_is_string(l)) {
        rc = strbuf_add(&sb, json_string_value(l), json_string_length(l));
    } else if (json_is_object(l) && json_is_string(json_object_get(l, "type"))) {
        rc = strbuf_adds(&sb, json_string_value(json_object_get(l, "type")));
    } else if (json_is_array(l)) {
        size_t i;
        json_t *e;
        json_array_foreach(l, i, e)
        {
            if (i >= 64)
                break;
            json_t *t = json_is_object(e) ? json_object_get(e, "type") : e;
            if (!json_is_string(t) || json_string_length(t) == 0)
                continue;
            if (sb.len && (rc = strbuf_adds(&sb, " OR ")) != 0)
                break;
            if ((rc = strbuf_adds(&sb, json_string_value(t))) != 0)
                break;
        }
    }
    if (rc != 0) {
        strbuf_release(&sb);
        return STRATA_ENOMEM;
    }
    if (sb.len == 0 || sb.len > NPM_MAX_LICENSE || memchr(sb.buf, '\0', sb.len) != NULL) {
        strbuf_release(&sb);
        *out = NULL;
        return 0;
    }
    *out = strbuf_detach(&sb);
    return *out ? 0 : STRATA_ENOMEM;
}

static const struct {
    const char *key;
    int kind;
} dep_maps[] = {
    {"dependencies", NPM_DEP_PROD},
    {"devDependencies", NPM_DEP_DEV},
    {"optionalDependencies", NPM_DEP_OPTIONAL | NPM_DEP_PROD},
    {"peerDependencies", NPM_DEP_PEER},
};

/* Sorts deps by name and merges the kinds of names listed in several maps. */
static void deps_finish(struct npm_manifest *m)
{
    if (m->n_deps < 2)
        return;
    qsort(m->deps, m->n_deps, sizeof *m->deps, cmp_dep);
    size_t w = 0;
    for (size_t i = 0; i < m->n_deps; i++) {
        if (w > 0 && strcmp(m->deps[w - 1].name, m->deps[i].name) == 0) {
            m->deps[w - 1].kind |= m->deps[i].kind;
            free(m->deps[i].name);
            free(m->deps[i].spec);
            continue;
        }
        m->deps[w++] = m->deps[i];
    }
    m->n_deps = w;
}

static int deps_add(struct npm_manifest *m, const char *name, const char *spec, int kind,
                    size_t *cap)
{
    if (m->n_deps >= NPM_MAX_DEPS)
        return STRATA_ELIMIT;
    if (m->n_deps == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        struct npm_dep *v = realloc(m->deps, c * sizeof *v);
        if (v == NULL)
            return STRATA_ENOMEM;
        m->deps = v;
        *cap = c;
    }
    char *n = strdup(name), *s = strdup(spec ? spec : "");
    if (n == NULL || s == NULL) {
        free(n);
        free(s);
        return STRATA_ENOMEM;
    }
    m->deps[m->n_deps++] = (struct npm_dep){n, s, kind};
    return 0;
}

/* Reads the four dependency maps of a package.json-shaped object. what names the object in
 * messages. A map of the wrong type is an error; names that are no npm names are skipped. */
static int json_deps(json_t *obj, struct npm_manifest *m, const char *path, const char *what,
                     struct strata_error *err)
{
    size_t cap = m->n_deps;
    for (size_t k = 0; k < sizeof dep_maps / sizeof *dep_maps; k++) {
        json_t *map = json_object_get(obj, dep_maps[k].key);
        if (map == NULL || json_is_null(map))
            continue;
        if (!json_is_object(map))
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s%s: not an object", path, what,
                                    dep_maps[k].key);
        const char *name;
        json_t *v;
        json_object_foreach(map, name, v)
        {
            if (!npm_valid_name(name, strlen(name)))
                continue;
            const char *spec = json_is_string(v) ? json_string_value(v) : "";
            int rc = deps_add(m, name, spec, dep_maps[k].kind, &cap);
            if (rc == STRATA_ENOMEM)
                return strata_error_nomem(err);
            if (rc != 0)
                return strata_error_set(err, rc, "%s: %s%s: more than %d dependencies", path, what,
                                        dep_maps[k].key, NPM_MAX_DEPS);
        }
    }
    deps_finish(m);
    return 0;
}

/* A string member that must be a bounded string when present. */
static int json_str_member(json_t *obj, const char *key, size_t max, const char *path,
                           const char *what, char **out, struct strata_error *err)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s\"%s\" is not a string", path, what,
                                key);
    size_t n = json_string_length(v);
    if (n > max)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %s\"%s\" is %zu bytes long (limit %zu)",
                                path, what, key, n, max);
    *out = dupn(json_string_value(v), n);
    return *out ? 0 : strata_error_nomem(err);
}

int npm_parse_package_json(const uint8_t *data, size_t len, const char *path,
                           struct npm_manifest *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *j = NULL;
    int rc = json_load_document(data, len, path, NPM_MAX_FILE, JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    rc = json_str_member(j, "name", NPM_MAX_NAME, path, "", &out->name, err);
    if (rc == 0)
        rc = json_str_member(j, "version", NPM_MAX_VERSION, path, "", &out->version, err);
    if (rc == 0 && json_license(j, &out->license) != 0)
        rc = strata_error_nomem(err);
    if (rc == 0) {
        out->private_ = json_is_true(json_object_get(j, "private"));
        rc = json_deps(j, out, path, "", err);
    }
    json_decref(j);
    if (rc != 0)
        npm_manifest_free(out);
    return rc;
}

/* ---- package-lock.json ---- */

/* The name a node_modules path installs: what follows its last "node_modules/". */
static const char *name_of_install_path(const char *key)
{
    const char *last = NULL;
    for (const char *p = key; (p = strstr(p, "node_modules/")) != NULL; p += 13)
        if (p == key || p[-1] == '/')
            last = p + 13;
    return last;
}

static int obj_dep_kind(json_t *obj, const char *name)
{
    int kind = 0;
    for (size_t k = 0; k < sizeof dep_maps / sizeof *dep_maps; k++) {
        json_t *map = json_object_get(obj, dep_maps[k].key);
        if (json_is_object(map) && json_object_get(map, name) != NULL)
            kind |= dep_maps[k].kind;
    }
    return kind;
}

static int lock_v2(json_t *packages, const char *path, struct npm_pkg_list *out,
                   struct strata_error *err)
{
    if (!json_is_object(packages))
        return strata_error_set(err, STRATA_EFORMAT, "%s: \"packages\" is not an object", path);
    json_t *root = json_object_get(packages, "");
    /* Workspace folders: entries outside node_modules. Their dependencies are direct too. */
    json_t *ws[256];
    size_t n_ws = 0;
    const char *key;
    json_t *v;
    json_object_foreach(packages, key, v)
    {
        if (*key != '\0' && name_of_install_path(key) == NULL && json_is_object(v) &&
            n_ws < sizeof ws / sizeof *ws)
            ws[n_ws++] = v;
    }
    json_object_foreach(packages, key, v)
    {
        if (*key == '\0')
            continue;
        if (!json_is_object(v))
            return strata_error_set(err, STRATA_EFORMAT, "%s: packages[\"%.200s\"]: not an object",
                                    path, key);
        const char *inst = name_of_install_path(key);
        if (inst == NULL || json_is_true(json_object_get(v, "link")))
            continue; /* a workspace folder or a link to one: local code, not a dependency */
        char *name = NULL, *ver = NULL, *lic = NULL;
        char what[300];
        snprintf(what, sizeof what, "packages[\"%.200s\"]: ", key);
        int rc = json_str_member(v, "name", NPM_MAX_NAME, path, what, &name, err);
        if (rc == 0)
            rc = json_str_member(v, "version", NPM_MAX_VERSION, path, what, &ver, err);
        if (rc == 0 && json_license(v, &lic) != 0)
            rc = strata_error_nomem(err);
        if (rc == 0 && name == NULL) {
            name = strdup(inst);
            if (name == NULL)
                rc = strata_error_nomem(err);
        }
        if (rc == 0 && !npm_valid_name(name, strlen(name)))
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: %sinvalid package name", path, what);
        if (rc == 0 && ver != NULL && !valid_version(ver, strlen(ver)))
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: %sinvalid version", path, what);
        if (rc == 0 && ver != NULL) {
            /* Direct: installed right below the root (or a workspace folder) and listed by it. */
            size_t plen = (size_t)(inst - key) - 13;
            int kind = 0;
            if (plen == 0) {
                kind = root ? obj_dep_kind(root, inst) : 0;
                for (size_t i = 0; i < n_ws; i++)
                    kind |= obj_dep_kind(ws[i], inst);
            } else if (plen > 1 && key[plen - 1] == '/') {
                char parent[1024];
                if (plen - 1 < sizeof parent) {
                    memcpy(parent, key, plen - 1);
                    parent[plen - 1] = '\0';
                    json_t *pobj = json_object_get(packages, parent);
                    if (name_of_install_path(parent) == NULL && json_is_object(pobj))
                        kind = obj_dep_kind(pobj, inst);
                }
            }
            int dev = json_is_true(json_object_get(v, "dev"));
            int opt = json_is_true(json_object_get(v, "optional")) ||
                      json_is_true(json_object_get(v, "devOptional"));
            rc = list_add(out, name, strlen(name), ver, strlen(ver), lic, kind != 0, dev, opt, key,
                          0);
            if (rc == STRATA_ENOMEM)
                rc = strata_error_nomem(err);
            else if (rc != 0)
                rc = strata_error_set(err, rc, "%s: more than %d packages", path, NPM_MAX_PKGS);
        }
        free(name);
        free(ver);
        free(lic);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int lock_v1(json_t *deps, const char *path, const struct npm_manifest *root,
                   struct strbuf *where, int depth, struct npm_pkg_list *out,
                   struct strata_error *err)
{
    if (!json_is_object(deps))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s%s\"dependencies\" is not an object",
                                path, where->len ? where->buf : "", where->len ? ": " : "");
    if (depth >= NPM_MAX_DEPTH)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %s: dependencies nested more than %d deep",
                                path, where->buf, NPM_MAX_DEPTH);
    size_t base = where->len;
    const char *name;
    json_t *v;
    json_object_foreach(deps, name, v)
    {
        strbuf_truncate(where, base);
        if ((base && strbuf_addch(where, '/')) || strbuf_adds(where, "node_modules/") ||
            strbuf_adds(where, name))
            return strata_error_nomem(err);
        if (!json_is_object(v))
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s: not an object", path, where->buf);
        if (!npm_valid_name(name, strlen(name)))
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s: invalid package name", path,
                                    where->buf);
        json_t *ver = json_object_get(v, "version");
        if (!json_is_string(ver) || !valid_version(json_string_value(ver), json_string_length(ver)))
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s: missing or invalid \"version\"",
                                    path, where->buf);
        int direct = -1;
        if (depth == 0 && root != NULL)
            direct = npm_manifest_dep_kind(root, name) != 0;
        else if (depth > 0)
            direct = 0;
        int rc = list_add(out, name, strlen(name), json_string_value(ver), json_string_length(ver),
                          NULL, direct, json_is_true(json_object_get(v, "dev")),
                          json_is_true(json_object_get(v, "optional")), where->buf, 0);
        if (rc == STRATA_ENOMEM)
            return strata_error_nomem(err);
        if (rc != 0)
            return strata_error_set(err, rc, "%s: more than %d packages", path, NPM_MAX_PKGS);
        json_t *sub = json_object_get(v, "dependencies");
        if (sub != NULL) {
            rc = lock_v1(sub, path, root, where, depth + 1, out, err);
            if (rc != 0)
                return rc;
        }
    }
    strbuf_truncate(where, base);
    return 0;
}

int npm_parse_package_lock(const uint8_t *data, size_t len, const char *path,
                           const struct npm_manifest *root, struct npm_pkg_list *out,
                           struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *j = NULL;
    int rc = json_load_document(data, len, path, NPM_MAX_FILE, JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    json_t *lv = json_object_get(j, "lockfileVersion");
    if (lv != NULL &&
        (!json_is_integer(lv) || json_integer_value(lv) < 1 || json_integer_value(lv) > 99)) {
        json_decref(j);
        return strata_error_set(err, STRATA_EFORMAT, "%s: \"lockfileVersion\" is not 1, 2 or 3",
                                path);
    }
    out->lockfile_version = lv ? (int)json_integer_value(lv) : 1;
    json_t *packages = json_object_get(j, "packages");
    if (packages != NULL && out->lockfile_version >= 2) {
        rc = lock_v2(packages, path, out, err);
        out->root_independent = 1;
    } else {
        json_t *deps = json_object_get(j, "dependencies");
        if (deps != NULL) {
            struct strbuf where = STRBUF_INIT;
            rc = lock_v1(deps, path, root, &where, 0, out, err);
            strbuf_release(&where);
        }
    }
    json_decref(j);
    if (rc != 0)
        npm_pkg_list_free(out);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Specifiers shared by yarn and pnpm                                                        */

/* Splits "name@range" (the name may be scoped). Returns the name length, 0 when there is no
 * '@' after the name. */
static size_t split_at(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (s[i] == '@')
            return i;
    return 0;
}

/* Is "name@spec" (or "name@npm:spec") a root dependency? Returns its kind bits. */
static int spec_is_root_dep(const struct npm_manifest *root, const char *spec, size_t n)
{
    size_t at = split_at(spec, n);
    if (at == 0 || at > NPM_MAX_NAME)
        return 0;
    char name[NPM_MAX_NAME + 1];
    memcpy(name, spec, at);
    name[at] = '\0';
    const struct npm_dep *d = manifest_dep(root, name);
    if (d == NULL)
        return 0;
    const char *range = spec + at + 1;
    size_t rlen = n - at - 1;
    size_t dl = strlen(d->spec);
    if (rlen == dl && memcmp(range, d->spec, dl) == 0)
        return d->kind;
    if (rlen == dl + 4 && memcmp(range, "npm:", 4) == 0 && memcmp(range + 4, d->spec, dl) == 0)
        return d->kind;
    return 0;
}

static int dev_of_kind(int kind)
{
    return (kind & NPM_DEP_DEV) && !(kind & NPM_DEP_PROD);
}

/* ---------------------------------------------------------------------------------------- */
/* yarn.lock classic                                                                         */

struct yarn_entry {
    size_t hdr_off, hdr_len; /* the header line without its ':' */
    unsigned line;
    const char *ver;
    size_t vlen;
};

/* Strips one pair of double quotes. */
static void unquote(const char **s, size_t *n)
{
    if (*n >= 2 && (*s)[0] == '"' && (*s)[*n - 1] == '"') {
        (*s)++;
        *n -= 2;
    }
}

static int yarn_entry_done(const uint8_t *data, const char *path, const struct yarn_entry *e,
                           const struct npm_manifest *root, struct npm_pkg_list *out,
                           struct strata_error *err)
{
    const char *hdr = (const char *)data + e->hdr_off;
    if (e->ver == NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s:%u:1: entry has no version", path,
                                e->line);
    const char *ver = e->ver;
    size_t vlen = e->vlen;
    unquote(&ver, &vlen);
    if (!valid_version(ver, vlen))
        return strata_error_set(err, STRATA_EFORMAT, "%s:%u:1: invalid version", path, e->line);
    /* The specifiers: "a@^1", a@~1.2, "@s/b@2" separated by ", ". */
    const char *name = NULL;
    size_t nlen = 0;
    int kind = 0;
    size_t i = 0;
    while (i < e->hdr_len) {
        size_t j = i;
        int q = 0;
        while (j < e->hdr_len && (q || hdr[j] != ',')) {
            if (hdr[j] == '"')
                q = !q;
            j++;
        }
        const char *s = hdr + i;
        size_t n = j - i;
        while (n && *s == ' ') {
            s++;
            n--;
        }
        while (n && s[n - 1] == ' ')
            n--;
        unquote(&s, &n);
        size_t at = split_at(s, n);
        if (at == 0 || !npm_valid_name(s, at))
            return strata_error_set(err, STRATA_EFORMAT, "%s:%u:%zu: invalid specifier", path,
                                    e->line, i + 1);
        if (name == NULL) {
            name = s;
            nlen = at;
            /* An alias "a@npm:b@^1" installs b under the name a: the package is b. */
            if (n - at - 1 > 4 && memcmp(s + at + 1, "npm:", 4) == 0) {
                const char *real = s + at + 5;
                size_t rn = n - at - 5, ra = split_at(real, rn);
                if (ra > 0 && npm_valid_name(real, ra)) {
                    name = real;
                    nlen = ra;
                }
            }
        }
        kind |= spec_is_root_dep(root, s, n);
        i = j + 1;
    }
    if (name == NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s:%u:1: entry without specifiers", path,
                                e->line);
    char where[64];
    snprintf(where, sizeof where, "line %u", e->line);
    int rc = list_add(out, name, nlen, ver, vlen, NULL, root ? kind != 0 : -1, dev_of_kind(kind), 0,
                      where, e->line);
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(err);
    if (rc != 0)
        return strata_error_set(err, rc, "%s:%u:1: more than %d packages", path, e->line,
                                NPM_MAX_PKGS);
    return 0;
}

static int yarn_classic(const uint8_t *data, size_t len, const char *path,
                        const struct npm_manifest *root, struct npm_pkg_list *out,
                        struct strata_error *err)
{
    out->lockfile_version = 1;
    struct yarn_entry e = {0};
    int in_entry = 0;
    size_t off = 0;
    unsigned line = 0;
    while (off < len) {
        const char *s = (const char *)data + off;
        const char *nl = memchr(s, '\n', len - off);
        size_t n = nl ? (size_t)(nl - s) : len - off;
        size_t line_off = off;
        off += n + (nl ? 1 : 0);
        line++;
        if (n && s[n - 1] == '\r')
            n--;
        if (memchr(s, '\0', n) != NULL)
            return strata_error_set(err, STRATA_EFORMAT, "%s:%u:%zu: NUL byte", path, line,
                                    (size_t)((const char *)memchr(s, '\0', n) - s) + 1);
        size_t ind = 0;
        while (ind < n && s[ind] == ' ')
            ind++;
        if (ind == n || s[ind] == '#')
            continue;
        if (ind == 0) {
            if (in_entry) {
                int rc = yarn_entry_done(data, path, &e, root, out, err);
                if (rc != 0)
                    return rc;
            }
            if (s[n - 1] != ':')
                return strata_error_set(err, STRATA_EFORMAT,
                                        "%s:%u:%zu: expected an entry header ending in ':'", path,
                                        line, n);
            if (n - 1 > 65536)
                return strata_error_set(err, STRATA_ELIMIT, "%s:%u:1: entry header too long", path,
                                        line);
            e = (struct yarn_entry){line_off, n - 1, line, NULL, 0};
            in_entry = 1;
            continue;
        }
        if (!in_entry)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s:%u:%zu: indented line outside an entry", path, line,
                                    ind + 1);
        if (ind == 2 && n - ind > 8 && memcmp(s + ind, "version ", 8) == 0) {
            if (e.ver != NULL)
                return strata_error_set(err, STRATA_EFORMAT, "%s:%u:3: duplicate version", path,
                                        line);
            e.ver = s + ind + 8;
            e.vlen = n - ind - 8;
            while (e.vlen && *e.ver == ' ') {
                e.ver++;
                e.vlen--;
            }
        }
    }
    if (in_entry)
        return yarn_entry_done(data, path, &e, root, out, err);
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* YAML (yarn berry, pnpm)                                                                   */

struct yctx {
    const char *path;
    const uint8_t *data; /* the YAML text, for a look at a scalar's raw bytes */
    size_t len;
    struct fy_diag *diag;
    struct fy_document *doc;
    struct strata_error *err;
};

static void diag_sink(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static void node_pos(struct fy_node *n, unsigned *line, unsigned *col)
{
    *line = 0;
    *col = 0;
    struct fy_token *t = n ? fy_node_get_scalar_token(n) : NULL;
    const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
    if (m != NULL) {
        *line = (unsigned)m->line + 1;
        *col = (unsigned)m->column + 1;
        /* libfyaml marks a quoted scalar at its first character, not at the quote. */
        enum fy_node_style st = fy_node_get_style(n);
        if ((st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED) && *col > 1)
            (*col)--;
    }
}

static int yerr(struct yctx *y, int code, struct fy_node *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned line, col;
    node_pos(at, &line, &col);
    if (line == 0)
        return strata_error_set(y->err, code, "%s: %s", y->path, msg);
    return strata_error_set(y->err, code, "%s:%u:%u: %s", y->path, line, col, msg);
}

static int yaml_load(struct yctx *y, const uint8_t *data, size_t len)
{
    int rc = input_size_check(y->path, len, NPM_MAX_FILE, y->err);
    if (rc != 0)
        return rc;
    /* libfyaml 0.7.12 can loop forever on a malformed directive: see core/yaml_guard.h */
    rc = yaml_guard(y->path, (const char *)data, len, y->err);
    if (rc != 0)
        return rc;
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = diag_sink;
    dc.colorize = false;
    y->diag = fy_diag_create(&dc);
    if (y->diag == NULL)
        return strata_error_nomem(y->err);
    fy_diag_set_collect_errors(y->diag, true);
    struct fy_parse_cfg pc = {0};
    /* Aliases stay unresolved (no RESOLVE flag): an alias bomb costs nothing, and an alias
     * where data is expected is rejected below. libfyaml limits nesting to 64 levels. */
    pc.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
    pc.diag = y->diag;
    y->data = data;
    y->len = len;
    y->doc = fy_document_build_from_string(&pc, len ? (const char *)data : "", len);
    if (y->doc == NULL) {
        void *it = NULL;
        struct fy_diag_error *de;
        while ((de = fy_diag_errors_iterate(y->diag, &it)) != NULL) {
            if (de->type != FYET_ERROR)
                continue;
            return strata_error_set(y->err, STRATA_EFORMAT, "%s:%d:%d: invalid YAML: %s", y->path,
                                    de->line > 0 ? de->line : 1, de->column > 0 ? de->column : 1,
                                    de->msg ? de->msg : "syntax error");
        }
        return strata_error_set(y->err, STRATA_EFORMAT, "%s:1:1: invalid YAML", y->path);
    }
    return 0;
}

static void yaml_done(struct yctx *y)
{
    if (y->doc)
        fy_document_destroy(y->doc);
    if (y->diag)
        fy_diag_destroy(y->diag);
    y->doc = NULL;
    y->diag = NULL;
}

/* Does the source text of a quoted scalar hold an escape ('' or a backslash)? */
static int yescaped(const struct yctx *y, struct fy_node *n)
{
    enum fy_node_style st = fy_node_get_style(n);
    if (st != FYNS_SINGLE_QUOTED && st != FYNS_DOUBLE_QUOTED)
        return 0;
    struct fy_token *t = fy_node_get_scalar_token(n);
    const struct fy_mark *a = t ? fy_token_start_mark(t) : NULL;
    const struct fy_mark *b = t ? fy_token_end_mark(t) : NULL;
    if (a == NULL || b == NULL || a->input_pos > b->input_pos || b->input_pos > y->len)
        return 1;
    const char *s = (const char *)y->data + a->input_pos;
    size_t n_raw = b->input_pos - a->input_pos;
    if (st == FYNS_DOUBLE_QUOTED)
        return memchr(s, '\\', n_raw) != NULL;
    /* the opening and closing quotes themselves are part of the span */
    return n_raw > 2 && memmem(s + 1, n_raw - 2, "''", 2) != NULL;
}

/* A plain or quoted scalar's text. Quoted scalars with escapes are refused: no npm name,
 * version or flag has one, and libfyaml 0.7 leaks a buffer formatting a scalar with several
 * of them (found by fuzz_npm_lock). */
static const char *yscalar(const struct yctx *y, struct fy_node *n, size_t *len)
{
    if (n == NULL || fy_node_get_type(n) != FYNT_SCALAR || fy_node_is_alias(n) || yescaped(y, n))
        return NULL;
    return fy_node_get_scalar(n, len);
}

static int yis_map(struct fy_node *n)
{
    return n != NULL && fy_node_get_type(n) == FYNT_MAPPING;
}

static struct fy_node *yget(struct fy_node *map, const char *key)
{
    if (!yis_map(map))
        return NULL;
    return fy_node_mapping_lookup_by_string(map, key, FY_NT);
}

static int ytrue(const struct yctx *y, struct fy_node *n)
{
    size_t l;
    const char *s = yscalar(y, n, &l);
    return s && l == 4 && memcmp(s, "true", 4) == 0;
}

/* A direct dependency seen in an importer: name, resolved version, whether only dev. */
struct dset {
    struct dset_e {
        char *name;
        char *version; /* NULL for yarn berry (match by specifier) */
        int kind;
    } * v;
    size_t n, cap;
};

static void dset_free(struct dset *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].name);
        free(d->v[i].version);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

static int dset_add(struct dset *d, const char *name, size_t nl, const char *ver, size_t vl,
                    int kind)
{
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->v[i].name) == nl && memcmp(d->v[i].name, name, nl) == 0 &&
            strlen(d->v[i].version) == vl && memcmp(d->v[i].version, ver, vl) == 0) {
            d->v[i].kind |= kind;
            return 0;
        }
    if (d->n >= NPM_MAX_DEPS)
        return STRATA_ELIMIT;
    if (d->n == d->cap) {
        size_t c = d->cap ? d->cap * 2 : 16;
        struct dset_e *v = realloc(d->v, c * sizeof *v);
        if (v == NULL)
            return STRATA_ENOMEM;
        d->v = v;
        d->cap = c;
    }
    char *n = dupn(name, nl), *vv = dupn(ver, vl);
    if (n == NULL || vv == NULL) {
        free(n);
        free(vv);
        return STRATA_ENOMEM;
    }
    d->v[d->n++] = (struct dset_e){n, vv, kind};
    return 0;
}

static int dset_kind(const struct dset *d, const char *name, size_t nl, const char *ver, size_t vl)
{
    int kind = 0;
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->v[i].name) == nl && memcmp(d->v[i].name, name, nl) == 0 &&
            strlen(d->v[i].version) == vl && memcmp(d->v[i].version, ver, vl) == 0)
            kind |= d->v[i].kind;
    return kind;
}

static int dset_err(struct yctx *y, int rc, struct fy_node *at)
{
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(y->err);
    return yerr(y, rc, at, "more than %d direct dependencies", NPM_MAX_DEPS);
}

/* ---- yarn berry ---- */

static int has(const char *s, size_t n, const char *needle);
static int scalar_int(const char *s, size_t n);

static int yarn_berry(struct yctx *y, const struct npm_manifest *root, struct npm_pkg_list *out)
{
    struct fy_node *top = fy_document_root(y->doc);
    if (!yis_map(top))
        return yerr(y, STRATA_EFORMAT, top, "the top level is not a mapping");
    struct fy_node *meta = yget(top, "__metadata");
    size_t l;
    const char *mv = yscalar(y, yget(meta, "version"), &l);
    out->lockfile_version = scalar_int(mv, mv ? l : 0);

    /* Workspace entries ("app@workspace:.") list the direct dependencies as "name: range". */
    struct dset direct = {0};
    int rc = 0;
    void *it = NULL;
    struct fy_node_pair *p;
    while (rc == 0 && (p = fy_node_mapping_iterate(top, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t kl;
        const char *ks = yscalar(y, k, &kl);
        if (ks == NULL)
            rc = yerr(y, STRATA_EFORMAT, k, "entry key is not a scalar");
        else if (kl < 10 || !has(ks, kl, "@workspace:") || !yis_map(v))
            continue;
        for (int dev = 0; rc == 0 && dev < 2; dev++) {
            struct fy_node *deps =
                yget(v, dev ? "devDependencies" : "dependencies"); /* berry merges them */
            if (!yis_map(deps))
                continue;
            void *it2 = NULL;
            struct fy_node_pair *dp;
            while (rc == 0 && (dp = fy_node_mapping_iterate(deps, &it2)) != NULL) {
                size_t nl, rl;
                const char *n = yscalar(y, fy_node_pair_key(dp), &nl);
                const char *r = yscalar(y, fy_node_pair_value(dp), &rl);
                if (n == NULL || r == NULL)
                    continue;
                rc = dset_add(&direct, n, nl, r, rl, dev ? NPM_DEP_DEV : NPM_DEP_PROD);
                if (rc != 0)
                    rc = dset_err(y, rc, fy_node_pair_key(dp));
            }
        }
    }
    it = NULL;
    while (rc == 0 && (p = fy_node_mapping_iterate(top, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t kl;
        const char *ks = yscalar(y, k, &kl);
        if (ks == NULL || (kl == 10 && memcmp(ks, "__metadata", 10) == 0))
            continue;
        if (!yis_map(v)) {
            rc = yerr(y, STRATA_EFORMAT, k, "entry is not a mapping");
            break;
        }
        size_t rl, vl;
        const char *res = yscalar(y, yget(v, "resolution"), &rl);
        const char *ver = yscalar(y, yget(v, "version"), &vl);
        if (res == NULL || ver == NULL) {
            rc = yerr(y, STRATA_EFORMAT, k, "entry without resolution or version");
            break;
        }
        size_t at = split_at(res, rl);
        if (at == 0 || !npm_valid_name(res, at)) {
            rc = yerr(y, STRATA_EFORMAT, k, "invalid resolution");
            break;
        }
        if (has(res, rl, "@workspace:") || has(res, rl, "@link:") || has(res, rl, "@portal:"))
            continue; /* local code */
        if (!valid_version(ver, vl)) {
            rc = yerr(y, STRATA_EFORMAT, k, "invalid version");
            break;
        }
        /* Specifiers "a@npm:^1, a@npm:^1.2": direct when one is a workspace's "a: ^1". */
        int kind = 0, known = direct.n > 0 || root != NULL;
        size_t i = 0;
        while (i < kl) {
            size_t j = i;
            while (j < kl && ks[j] != ',')
                j++;
            const char *s = ks + i;
            size_t n = j - i;
            while (n && *s == ' ') {
                s++;
                n--;
            }
            size_t sat = split_at(s, n);
            if (sat > 0) {
                const char *range = s + sat + 1;
                size_t rn = n - sat - 1;
                kind |= dset_kind(&direct, s, sat, range, rn);
                if (rn > 4 && memcmp(range, "npm:", 4) == 0)
                    kind |= dset_kind(&direct, s, sat, range + 4, rn - 4);
                kind |= spec_is_root_dep(root, s, n);
            }
            i = j + 1;
        }
        unsigned line, col;
        node_pos(k, &line, &col);
        char where[300];
        snprintf(where, sizeof where, "%.*s", (int)(kl > 256 ? 256 : kl), ks);
        rc = list_add(out, res, at, ver, vl, NULL, known ? kind != 0 : -1, dev_of_kind(kind), 0,
                      where, line);
        if (rc == STRATA_ENOMEM)
            rc = strata_error_nomem(y->err);
        else if (rc != 0)
            rc = yerr(y, rc, k, "more than %d packages", NPM_MAX_PKGS);
    }
    dset_free(&direct);
    return rc;
}

static int has(const char *s, size_t n, const char *needle)
{
    return memmem(s, n, needle, strlen(needle)) != NULL;
}

/* atoi over a scalar that is not NUL-terminated. */
static int scalar_int(const char *s, size_t n)
{
    char buf[16];
    if (s == NULL || n == 0 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return atoi(buf);
}

static int is_berry(const uint8_t *data, size_t len)
{
    static const char m[] = "__metadata:";
    size_t ml = sizeof m - 1;
    if (len >= ml && memcmp(data, m, ml) == 0)
        return 1;
    for (size_t i = 0; i + ml < len; i++)
        if (data[i] == '\n' && memcmp(data + i + 1, m, ml) == 0)
            return 1;
    return 0;
}

int npm_parse_yarn_lock(const uint8_t *data, size_t len, const char *path,
                        const struct npm_manifest *root, struct npm_pkg_list *out,
                        struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = input_size_check(path, len, NPM_MAX_FILE, err);
    if (rc != 0)
        return rc;
    if (!is_berry(data, len)) {
        rc = yarn_classic(data, len, path, root, out, err);
    } else {
        struct yctx y = {.path = path, .err = err};
        rc = yaml_load(&y, data, len);
        if (rc == 0)
            rc = yarn_berry(&y, root, out);
        yaml_done(&y);
    }
    if (rc != 0)
        npm_pkg_list_free(out);
    return rc;
}

/* ---- pnpm ---- */

/* Splits a pnpm package key into name and version:
 *   v5:  /name/1.0.0, /@s/name/1.0.0_peer@2.0.0
 *   v6:  /name@1.0.0, /@s/name@1.0.0(peer@2.0.0)
 *   v9:  name@1.0.0, @s/name@1.0.0(peer@2.0.0)
 * Returns 0 when the key is no registry package (tarball URLs, git hosts). */
static int pnpm_key(const char *k, size_t kl, int major, const char **name, size_t *nl,
                    const char **ver, size_t *vl)
{
    if (kl && k[0] == '/') {
        k++;
        kl--;
    }
    const char *paren = memchr(k, '(', kl);
    if (paren)
        kl = (size_t)(paren - k);
    if (major < 6) {
        size_t first = 0;
        const char *slash = memchr(k, '/', kl);
        if (slash == NULL)
            return 0;
        first = (size_t)(slash - k);
        size_t nend = first;
        if (k[0] == '@') {
            const char *s2 = memchr(k + first + 1, '/', kl - first - 1);
            if (s2 == NULL)
                return 0;
            nend = (size_t)(s2 - k);
        }
        *name = k;
        *nl = nend;
        *ver = k + nend + 1;
        *vl = kl - nend - 1;
        const char *us = memchr(*ver, '_', *vl);
        if (us)
            *vl = (size_t)(us - *ver);
        if (memchr(*ver, '/', *vl) != NULL)
            return 0;
    } else {
        size_t at = split_at(k, kl);
        if (at == 0)
            return 0;
        *name = k;
        *nl = at;
        *ver = k + at + 1;
        *vl = kl - at - 1;
    }
    return npm_valid_name(*name, *nl) && valid_version(*ver, *vl);
}

/* Version as an importer states it: "1.0.0", "1.0.0_peer@2" (v5), "1.0.0(peer@2)" (v6+). */
static void importer_version(const char *v, size_t *vl, int major)
{
    const char *cut = memchr(v, major < 6 ? '_' : '(', *vl);
    if (cut)
        *vl = (size_t)(cut - v);
}

static int pnpm_importer(struct yctx *y, struct fy_node *imp, int major, struct dset *d)
{
    static const struct {
        const char *key;
        int kind;
    } maps[] = {{"dependencies", NPM_DEP_PROD},
                {"optionalDependencies", NPM_DEP_PROD | NPM_DEP_OPTIONAL},
                {"devDependencies", NPM_DEP_DEV}};
    for (size_t m = 0; m < sizeof maps / sizeof *maps; m++) {
        struct fy_node *deps = yget(imp, maps[m].key);
        if (deps == NULL)
            continue;
        if (!yis_map(deps))
            return yerr(y, STRATA_EFORMAT, NULL, "%s of an importer is not a mapping", maps[m].key);
        void *it = NULL;
        struct fy_node_pair *p;
        while ((p = fy_node_mapping_iterate(deps, &it)) != NULL) {
            size_t nl, vl;
            const char *n = yscalar(y, fy_node_pair_key(p), &nl);
            struct fy_node *vn = fy_node_pair_value(p);
            const char *v = major >= 6 && yis_map(vn) ? yscalar(y, yget(vn, "version"), &vl)
                                                      : yscalar(y, vn, &vl);
            if (n == NULL || v == NULL)
                return yerr(y, STRATA_EFORMAT, fy_node_pair_key(p), "dependency without a version");
            importer_version(v, &vl, major);
            int rc = dset_add(d, n, nl, v, vl, maps[m].kind);
            if (rc != 0)
                return dset_err(y, rc, fy_node_pair_key(p));
        }
    }
    return 0;
}

static int pnpm(struct yctx *y, struct npm_pkg_list *out)
{
    struct fy_node *top = fy_document_root(y->doc);
    if (!yis_map(top))
        return yerr(y, STRATA_EFORMAT, top, "the top level is not a mapping");
    size_t l;
    struct fy_node *lvn = yget(top, "lockfileVersion");
    const char *lv = yscalar(y, lvn, &l);
    if (lv == NULL || l == 0 || l > 16 || lv[0] < '1' || lv[0] > '9')
        return yerr(y, STRATA_EFORMAT, lvn, "missing or invalid lockfileVersion");
    int major = scalar_int(lv, l);
    out->lockfile_version = major;

    struct dset direct = {0};
    int rc = 0;
    struct fy_node *importers = yget(top, "importers");
    if (importers != NULL) {
        if (!yis_map(importers))
            return yerr(y, STRATA_EFORMAT, NULL, "importers is not a mapping");
        void *it = NULL;
        struct fy_node_pair *p;
        while (rc == 0 && (p = fy_node_mapping_iterate(importers, &it)) != NULL)
            rc = pnpm_importer(y, fy_node_pair_value(p), major, &direct);
    } else {
        rc = pnpm_importer(y, top, major, &direct);
    }
    struct fy_node *pkgs = yget(top, "packages");
    if (rc == 0 && pkgs != NULL && !yis_map(pkgs) && fy_node_get_type(pkgs) != FYNT_SCALAR)
        rc = yerr(y, STRATA_EFORMAT, NULL, "packages is not a mapping");
    void *it = NULL;
    struct fy_node_pair *p;
    while (rc == 0 && yis_map(pkgs) && (p = fy_node_mapping_iterate(pkgs, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t kl;
        const char *ks = yscalar(y, k, &kl);
        if (ks == NULL) {
            rc = yerr(y, STRATA_EFORMAT, k, "package key is not a scalar");
            break;
        }
        if (!yis_map(v)) {
            rc = yerr(y, STRATA_EFORMAT, k, "package entry is not a mapping");
            break;
        }
        const char *name, *ver;
        size_t nl, vl;
        /* Non-registry packages carry name and version fields; registry ones only the key. */
        size_t fnl, fvl;
        const char *fn = yscalar(y, yget(v, "name"), &fnl),
                   *fv = yscalar(y, yget(v, "version"), &fvl);
        if (fn && fv && npm_valid_name(fn, fnl) && valid_version(fv, fvl)) {
            name = fn;
            nl = fnl;
            ver = fv;
            vl = fvl;
        } else if (!pnpm_key(ks, kl, major, &name, &nl, &ver, &vl)) {
            continue;
        }
        int kind = dset_kind(&direct, name, nl, ver, vl);
        int dev = ytrue(y, yget(v, "dev")) || (major >= 9 && dev_of_kind(kind));
        unsigned line, col;
        node_pos(k, &line, &col);
        char where[300];
        snprintf(where, sizeof where, "%.*s", (int)(kl > 256 ? 256 : kl), ks);
        rc = list_add(out, name, nl, ver, vl, NULL, kind != 0, dev, ytrue(y, yget(v, "optional")),
                      where, line);
        if (rc == STRATA_ENOMEM)
            rc = strata_error_nomem(y->err);
        else if (rc != 0)
            rc = yerr(y, rc, k, "more than %d packages", NPM_MAX_PKGS);
    }
    dset_free(&direct);
    return rc;
}

int npm_parse_pnpm_lock(const uint8_t *data, size_t len, const char *path, struct npm_pkg_list *out,
                        struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    struct yctx y = {.path = path, .err = err};
    int rc = yaml_load(&y, data, len);
    if (rc == 0)
        rc = pnpm(&y, out);
    yaml_done(&y);
    if (rc != 0)
        npm_pkg_list_free(out);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */

int npm_lockfile_kind(const char *base)
{
    if (strcmp(base, "package-lock.json") == 0 || strcmp(base, "npm-shrinkwrap.json") == 0)
        return 1;
    if (strcmp(base, "yarn.lock") == 0)
        return 2;
    if (strcmp(base, "pnpm-lock.yaml") == 0)
        return 3;
    return 0;
}

int npm_parse_lockfile(const uint8_t *data, size_t len, const char *path,
                       const struct npm_manifest *root, struct npm_pkg_list *out,
                       struct strata_error *err)
{
    const char *slash = strrchr(path, '/');
    switch (npm_lockfile_kind(slash ? slash + 1 : path)) {
    case 1:
        return npm_parse_package_lock(data, len, path, root, out, err);
    case 2:
        return npm_parse_yarn_lock(data, len, path, root, out, err);
    case 3:
        return npm_parse_pnpm_lock(data, len, path, out, err);
    default:
        memset(out, 0, sizeof *out);
        return strata_error_set(err, STRATA_EUSAGE, "%s: not an npm lockfile", path);
    }
}
