/* Python metadata parsers: METADATA/PKG-INFO headers, requirements files, Pipfile.lock,
 * poetry.lock, uv.lock, pyproject.toml and Pipfile. See python_parse.h and
 * docs/inventory-python.md. */
#include "inventory/python_parse.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/lines.h"
#include "core/input_size.h"
#include "core/json_load.h"
#include "core/strbuf.h"
#include "core/strmap.h"
#include "core/toml.h"

/* ---------------------------------------------------------------------------------------- */
/* Names, lists                                                                              */

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_name_char(char c)
{
    return is_alnum(c) || c == '-' || c == '_' || c == '.';
}

int py_valid_name(const char *s, size_t n)
{
    if (s == NULL || n == 0 || n > PY_MAX_NAME || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_name_char(s[i]))
            return 0;
    return 1;
}

char *py_normalize(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-' || c == '_' || c == '.') {
            if (k == 0 || out[k - 1] != '-')
                out[k++] = '-';
        } else {
            out[k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
    }
    out[k] = '\0';
    return out;
}

static int valid_version(const char *v, size_t n)
{
    if (n == 0 || n > PY_MAX_VERSION)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
            return 0;
    return 1;
}

void py_meta_free(struct py_meta *m)
{
    if (m == NULL)
        return;
    free(m->name);
    free(m->version);
    free(m->license);
    memset(m, 0, sizeof *m);
}

void py_pkg_list_free(struct py_pkg_list *l)
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

void py_project_free(struct py_project *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].name);
    free(p->v);
    memset(p, 0, sizeof *p);
}

/* Appends a package with a name that is already valid (normalised here). */
static int list_add(struct py_pkg_list *l, const char *name, size_t nlen, const char *ver,
                    size_t vlen, int direct, int dev, unsigned line, const char *path,
                    struct strata_error *err)
{
    if (l->n >= PY_MAX_PKGS)
        return strata_error_set(err, STRATA_ELIMIT, "%s:%u:1: more than %d packages", path, line,
                                PY_MAX_PKGS);
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        struct py_pkg *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return strata_error_nomem(err);
        l->v = v;
        l->cap = cap;
    }
    struct py_pkg *p = &l->v[l->n];
    p->name = py_normalize(name, nlen);
    p->version = strndup(ver, vlen);
    p->direct = direct;
    p->dev = dev;
    p->line = line;
    if (p->name == NULL || p->version == NULL) {
        free(p->name);
        free(p->version);
        return strata_error_nomem(err);
    }
    l->n++;
    return 0;
}

static int cmp_dep(const void *a, const void *b)
{
    return strcmp(((const struct py_dep *)a)->name, ((const struct py_dep *)b)->name);
}

int py_project_kind(const struct py_project *p, const char *name)
{
    if (p == NULL || p->n == 0 || name == NULL)
        return 0;
    struct py_dep key = {.name = (char *)name};
    const struct py_dep *d = bsearch(&key, p->v, p->n, sizeof *p->v, cmp_dep);
    return d ? d->kind : 0;
}

/* Adds a dependency by the name at the start of spec (a PEP 508 string or a bare name). */
static int project_add(struct py_project *p, const char *spec, int kind, const char *path,
                       struct strata_error *err)
{
    size_t n = 0;
    while (spec[n] == ' ' || spec[n] == '\t')
        spec++;
    while (is_name_char(spec[n]))
        n++;
    if (!py_valid_name(spec, n) || (spec[n] != '\0' && strchr(" \t[;<>=!~@(,", spec[n]) == NULL))
        return 0; /* a URL or path requirement: no name we could match */
    char *name = py_normalize(spec, n);
    if (name == NULL)
        return strata_error_nomem(err);
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i].name, name) == 0) {
            p->v[i].kind |= kind;
            free(name);
            return 0;
        }
    if (p->n >= PY_MAX_DEPS) {
        free(name);
        return strata_error_set(err, STRATA_ELIMIT, "%s: more than %d dependencies", path,
                                PY_MAX_DEPS);
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct py_dep *v = realloc(p->v, cap * sizeof *v);
        if (v == NULL) {
            free(name);
            return strata_error_nomem(err);
        }
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = (struct py_dep){name, kind};
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* METADATA / PKG-INFO                                                                       */

struct field {
    const char *v;
    size_t n;
    unsigned line, col;
    int multi; /* had continuation lines */
};

static int set_string(char **dst, const char *s, size_t n)
{
    free(*dst);
    *dst = strndup(s, n);
    return *dst ? 0 : STRATA_ENOMEM;
}

static int utf8_printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return toml_utf8_check((const uint8_t *)s, n) == n;
}

int py_parse_metadata(const uint8_t *data, size_t len, const char *path, struct py_meta *out,
                      struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    const char *s = (const char *)data;
    struct field name = {0}, version = {0}, lic = {0}, expr = {0};
    struct field *last = NULL;
    struct strbuf classifiers = STRBUF_INIT;
    unsigned line = 0;
    size_t pos = 0;
    int rc = 0;
    while (pos < len) {
        line++;
        const char *nl = memchr(s + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - s) : len;
        size_t n = end - pos;
        if (n > 0 && s[pos + n - 1] == '\r')
            n--;
        const char *l = s + pos;
        if (end > PY_MAX_HEADER) {
            rc = strata_error_set(err, STRATA_ELIMIT, "%s:%u:1: header block longer than %u bytes",
                                  path, line, PY_MAX_HEADER);
            break;
        }
        pos = nl ? end + 1 : len;
        if (n == 0)
            break; /* the body (the long description) follows: never read */
        if (memchr(l, '\0', n) != NULL) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u:%zu: NUL byte", path, line,
                                  (size_t)((const char *)memchr(l, '\0', n) - l) + 1);
            break;
        }
        if (l[0] == ' ' || l[0] == '\t') {
            if (last != NULL)
                last->multi = 1;
            continue;
        }
        const char *colon = memchr(l, ':', n);
        if (colon == NULL) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u:1: not a \"Field: value\" line", path,
                                  line);
            break;
        }
        size_t kl = (size_t)(colon - l);
        size_t vs = kl + 1;
        while (vs < n && (l[vs] == ' ' || l[vs] == '\t'))
            vs++;
        size_t ve = n;
        while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
            ve--;
        struct field f = {l + vs, ve - vs, line, (unsigned)vs + 1, 0};
        last = NULL;
#define KEY(k) (kl == sizeof(k) - 1 && strncasecmp(l, k, kl) == 0)
        if (KEY("Name") && name.v == NULL) {
            name = f;
            last = &name;
        } else if (KEY("Version") && version.v == NULL) {
            version = f;
            last = &version;
        } else if (KEY("License") && lic.v == NULL) {
            lic = f;
            last = &lic;
        } else if (KEY("License-Expression") && expr.v == NULL) {
            expr = f;
            last = &expr;
        } else if (KEY("Classifier") && f.n > 11 && strncmp(f.v, "License :: ", 11) == 0) {
            const char *part = f.v;
            for (const char *q = f.v; q + 4 <= f.v + f.n; q++)
                if (memcmp(q, " :: ", 4) == 0)
                    part = q + 4;
            size_t pl = (size_t)(f.v + f.n - part);
            /* "License :: OSI Approved" alone marks a group, it names no license */
            if ((pl == 12 && strncasecmp(part, "OSI Approved", 12) == 0) ||
                (pl == 13 && strncasecmp(part, "DFSG approved", 13) == 0))
                pl = 0;
            if (pl > 0 && classifiers.len + pl < PY_MAX_LICENSE &&
                ((classifiers.len && strbuf_adds(&classifiers, " OR ")) ||
                 strbuf_add(&classifiers, part, pl)))
                rc = strata_error_nomem(err);
            if (rc != 0)
                break;
        }
#undef KEY
    }
    if (rc == 0 && (name.v == NULL || !py_valid_name(name.v, name.n)))
        rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: %s", path, name.v ? name.line : 1,
                              name.v ? name.col : 1,
                              name.v ? "Name is not a valid distribution name" : "no Name field");
    if (rc == 0 && (version.v == NULL || version.multi || !valid_version(version.v, version.n)))
        rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: %s", path,
                              version.v ? version.line : 1, version.v ? version.col : 1,
                              version.v ? "Version is not a version" : "no Version field");
    if (rc == 0) {
        out->name = py_normalize(name.v, name.n);
        out->version = strndup(version.v, version.n);
        if (out->name == NULL || out->version == NULL)
            rc = strata_error_nomem(err);
    }
    /* License: the SPDX expression; else a short one-line License (many packages put the
     * whole license text there, continued over many lines: that is no license name); else
     * the trove classifiers. */
    const struct field *pick = NULL;
    if (expr.v && expr.n && !expr.multi && expr.n <= PY_MAX_LICENSE)
        pick = &expr;
    else if (lic.v && lic.n && !lic.multi && lic.n <= PY_MAX_LICENSE &&
             !(lic.n == 7 && memcmp(lic.v, "UNKNOWN", 7) == 0))
        pick = &lic;
    if (rc == 0 && pick && utf8_printable(pick->v, pick->n) &&
        set_string(&out->license, pick->v, pick->n))
        rc = strata_error_nomem(err);
    else if (rc == 0 && !pick && classifiers.len &&
             utf8_printable(classifiers.buf, classifiers.len) &&
             set_string(&out->license, classifiers.buf, classifiers.len))
        rc = strata_error_nomem(err);
    strbuf_release(&classifiers);
    if (rc != 0)
        py_meta_free(out);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* requirements*.txt                                                                         */

/* One logical requirements line: "name[extras] == version [; marker] [--hash=…]" is a pin;
 * everything else (ranges, URLs, options, editable installs) is not reported. */
static int requirement_line(const char *s, size_t n, unsigned line, const char *path,
                            struct py_pkg_list *out, struct strata_error *err)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == n || s[i] == '-')
        return 0; /* blank, or -r / -c / -e / --index-url / --hash … */
    size_t ns = i;
    while (i < n && is_name_char(s[i]))
        i++;
    size_t nl = i - ns;
    if (!py_valid_name(s + ns, nl))
        return 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n && s[i] == '[') {
        const char *close = memchr(s + i, ']', n - i);
        if (close == NULL)
            return 0;
        i = (size_t)(close - s) + 1;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
    }
    if (i + 2 > n || s[i] != '=' || s[i + 1] != '=')
        return 0;
    i += 2;
    if (i < n && s[i] == '=')
        i++; /* === arbitrary equality */
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t vs = i;
    while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != ';' && s[i] != ',')
        i++;
    size_t vl = i - vs;
    if (!valid_version(s + vs, vl) || memchr(s + vs, '*', vl) != NULL)
        return 0; /* "==1.*" is a range, not a pin */
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    /* What may follow a pin: a marker, per-requirement options, nothing. */
    if (i < n && s[i] != ';' && s[i] != '-')
        return 0;
    return list_add(out, s + ns, nl, s + vs, vl, 1, 0, line, path, err);
}

int py_parse_requirements(const uint8_t *data, size_t len, const char *path,
                          struct py_pkg_list *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = input_size_check(path, len, PY_MAX_FILE, err);
    if (rc != 0)
        return rc;
    struct line_reader lr;
    line_reader_init(&lr, data, len, PY_MAX_LINE, path);
    struct strbuf logical = STRBUF_INIT;
    unsigned first = 0;
    const char *l;
    size_t n;
    while ((rc = line_reader_next(&lr, &l, &n, err)) == 1) {
        if (logical.len == 0)
            first = (unsigned)lr.lineno;
        /* A comment starts at '#' at the line start or after whitespace (pip's rule). */
        for (size_t i = 0; i < n; i++)
            if (l[i] == '#' && (i == 0 || l[i - 1] == ' ' || l[i - 1] == '\t')) {
                n = i;
                break;
            }
        int cont = n > 0 && l[n - 1] == '\\';
        if (logical.len + n > PY_MAX_LINE) {
            rc = strata_error_set(err, STRATA_ELIMIT, "%s:%u:1: logical line longer than %d bytes",
                                  path, first, PY_MAX_LINE);
            break;
        }
        if (strbuf_add(&logical, l, cont ? n - 1 : n) || (cont && strbuf_addch(&logical, ' '))) {
            rc = strata_error_nomem(err);
            break;
        }
        if (cont)
            continue;
        rc = requirement_line(logical.buf, logical.len, first, path, out, err);
        strbuf_reset(&logical);
        if (rc != 0)
            break;
    }
    if (rc == 0 && logical.len > 0)
        rc = requirement_line(logical.buf, logical.len, first, path, out, err);
    strbuf_release(&logical);
    if (rc < 0) {
        py_pkg_list_free(out);
        return rc;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Project files (TOML)                                                                      */

static int add_string_array(struct py_project *p, const struct toml_node *a, int kind,
                            const char *path, struct strata_error *err)
{
    if (a == NULL || a->type != TOML_ARRAY)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->items[i]->type == TOML_STRING) {
            int rc = project_add(p, a->items[i]->str, kind, path, err);
            if (rc != 0)
                return rc;
        }
    return 0;
}

/* Every array of a table of arrays (optional-dependencies, dependency-groups). */
static int add_array_table(struct py_project *p, const struct toml_node *t, int kind,
                           const char *path, struct strata_error *err)
{
    if (t == NULL || t->type != TOML_TABLE)
        return 0;
    for (size_t i = 0; i < t->n; i++) {
        int rc = add_string_array(p, t->items[i], kind, path, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The keys of a table (poetry dependencies, Pipfile packages). */
static int add_keys(struct py_project *p, const struct toml_node *t, int kind, const char *path,
                    struct strata_error *err)
{
    if (t == NULL || t->type != TOML_TABLE)
        return 0;
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->items[i]->key, "python") == 0)
            continue;
        int rc = project_add(p, t->items[i]->key, kind, path, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int project_done(struct py_project *p)
{
    if (p->n > 1)
        qsort(p->v, p->n, sizeof *p->v, cmp_dep);
    return 0;
}

int py_parse_pyproject(const uint8_t *data, size_t len, const char *path, struct py_project *out,
                       struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    struct toml_doc *d;
    int rc = toml_parse(data, len, path, &d, err);
    if (rc != 0)
        return rc;
    const struct toml_node *root = toml_root(d);
    const struct toml_node *proj = toml_get(root, "project");
    const struct toml_node *tool = toml_get(root, "tool");
    const struct toml_node *poetry = toml_get(tool, "poetry");
    rc = add_string_array(out, toml_get(proj, "dependencies"), PY_DEP_MAIN, path, err);
    if (rc == 0)
        rc = add_array_table(out, toml_get(proj, "optional-dependencies"), PY_DEP_MAIN, path, err);
    if (rc == 0)
        rc = add_array_table(out, toml_get(root, "dependency-groups"), PY_DEP_DEV, path, err);
    if (rc == 0)
        rc = add_string_array(out, toml_get(toml_get(tool, "uv"), "dev-dependencies"), PY_DEP_DEV,
                              path, err);
    if (rc == 0)
        rc = add_keys(out, toml_get(poetry, "dependencies"), PY_DEP_MAIN, path, err);
    if (rc == 0)
        rc = add_keys(out, toml_get(poetry, "dev-dependencies"), PY_DEP_DEV, path, err);
    const struct toml_node *groups = toml_get(poetry, "group");
    for (size_t i = 0; rc == 0 && groups && groups->type == TOML_TABLE && i < groups->n; i++) {
        /* Poetry's "main" group is the runtime one; every other group is for development. */
        const struct toml_node *g = groups->items[i];
        int kind = strcmp(g->key, "main") == 0 ? PY_DEP_MAIN : PY_DEP_DEV;
        rc = add_keys(out, toml_get(g, "dependencies"), kind, path, err);
    }
    toml_free(d);
    if (rc != 0) {
        py_project_free(out);
        return rc;
    }
    return project_done(out);
}

int py_parse_pipfile(const uint8_t *data, size_t len, const char *path, struct py_project *out,
                     struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    struct toml_doc *d;
    int rc = toml_parse(data, len, path, &d, err);
    if (rc != 0)
        return rc;
    rc = add_keys(out, toml_get(toml_root(d), "packages"), PY_DEP_MAIN, path, err);
    if (rc == 0)
        rc = add_keys(out, toml_get(toml_root(d), "dev-packages"), PY_DEP_DEV, path, err);
    toml_free(d);
    if (rc != 0) {
        py_project_free(out);
        return rc;
    }
    return project_done(out);
}

/* ---------------------------------------------------------------------------------------- */
/* Lockfiles                                                                                 */

static int lock_section(json_t *root, const char *section, int dev, const char *path,
                        const struct py_project *project, struct strmap *seen,
                        struct py_pkg_list *out, struct strata_error *err)
{
    json_t *sec = json_object_get(root, section);
    if (sec == NULL || json_is_null(sec))
        return 0;
    if (!json_is_object(sec))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s: not an object", path, section);
    const char *key;
    json_t *v;
    json_object_foreach(sec, key, v)
    {
        size_t kl = strlen(key);
        if (!json_is_object(v))
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s[\"%.64s\"]: not an object", path,
                                    section, key);
        if (!py_valid_name(key, kl))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: %s[\"%.64s\"]: not a valid distribution name", path,
                                    section, key);
        json_t *jv = json_object_get(v, "version");
        if (jv == NULL)
            continue; /* a VCS, path or editable requirement: no released version */
        const char *ver = json_string_value(jv);
        if (ver == NULL)
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s[\"%.64s\"].version: not a string",
                                    path, section, key);
        if (strncmp(ver, "==", 2) != 0)
            continue;
        ver += ver[2] == '=' ? 3 : 2;
        if (!valid_version(ver, strlen(ver)))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: %s[\"%.64s\"].version: not a pinned version", path,
                                    section, key);
        char *norm = py_normalize(key, kl);
        if (norm == NULL)
            return strata_error_nomem(err);
        uintptr_t at = (uintptr_t)strmap_get(seen, norm);
        if (at != 0 && strcmp(out->v[at - 1].version, ver) == 0) {
            free(norm);
            if (!dev)
                out->v[at - 1].dev = 0;
            continue; /* in both sections: needed at run time */
        }
        int kind = py_project_kind(project, norm);
        free(norm);
        int rc =
            list_add(out, key, kl, ver, strlen(ver), project ? kind != 0 : -1, dev, 0, path, err);
        if (rc != 0)
            return rc;
        if (at == 0 && strmap_put(seen, out->v[out->n - 1].name, (void *)(uintptr_t)out->n) != 0)
            return strata_error_nomem(err);
    }
    return 0;
}

int py_parse_pipfile_lock(const uint8_t *data, size_t len, const char *path,
                          const struct py_project *project, struct py_pkg_list *out,
                          struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *j;
    int rc = json_load_document(data, len, path, PY_MAX_FILE, JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    struct strmap seen = STRMAP_INIT;
    rc = lock_section(j, "default", 0, path, project, &seen, out, err);
    if (rc == 0)
        rc = lock_section(j, "develop", 1, path, project, &seen, out, err);
    strmap_release(&seen);
    json_decref(j);
    if (rc != 0)
        py_pkg_list_free(out);
    return rc;
}

/* [[package]] of a TOML lock: its name and version strings, checked. */
static int toml_pkg(const struct toml_node *t, const char *path, const char **name,
                    const char **version, struct strata_error *err)
{
    if (t->type != TOML_TABLE)
        return strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: package is not a table", path,
                                t->line, t->col);
    const struct toml_node *n = toml_get(t, "name"), *v = toml_get(t, "version");
    if (n == NULL || n->type != TOML_STRING || !py_valid_name(n->str, n->str_len))
        return strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: package without a valid name", path,
                                n ? n->line : t->line, n ? n->col : t->col);
    *name = n->str;
    *version = NULL;
    if (v == NULL)
        return 0;
    if (v->type != TOML_STRING || !valid_version(v->str, v->str_len))
        return strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: package %s: bad version", path,
                                v->line, v->col, n->str);
    *version = v->str;
    return 0;
}

static int toml_packages(const struct toml_doc *d, const char *path, const struct toml_node **out,
                         struct strata_error *err)
{
    const struct toml_node *pk = toml_get(toml_root(d), "package");
    if (pk != NULL && pk->type != TOML_ARRAY)
        return strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: \"package\" is not an array", path,
                                pk->line, pk->col);
    *out = pk;
    return 0;
}

int py_parse_poetry_lock(const uint8_t *data, size_t len, const char *path,
                         const struct py_project *project, struct py_pkg_list *out,
                         struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    struct toml_doc *d;
    int rc = toml_parse(data, len, path, &d, err);
    if (rc != 0)
        return rc;
    const struct toml_node *pk;
    rc = toml_packages(d, path, &pk, err);
    for (size_t i = 0; rc == 0 && pk && i < pk->n; i++) {
        const struct toml_node *t = pk->items[i];
        const char *name, *ver;
        if ((rc = toml_pkg(t, path, &name, &ver, err)) != 0)
            break;
        if (ver == NULL) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: package %s has no version", path,
                                  t->line, t->col, name);
            break;
        }
        const char *stype = toml_get_string(toml_get(t, "source"), "type");
        if (stype != NULL && strcmp(stype, "directory") == 0)
            continue; /* a local source tree, not a released distribution */
        char *norm = py_normalize(name, strlen(name));
        if (norm == NULL) {
            rc = strata_error_nomem(err);
            break;
        }
        int kind = py_project_kind(project, norm);
        free(norm);
        /* Poetry < 1.5 wrote category = "main"|"dev"; Poetry 2 writes groups = [...]; the
         * lock files in between record neither, and only direct dev dependencies are known. */
        const char *cat = toml_get_string(t, "category");
        const struct toml_node *groups = toml_get(t, "groups");
        int dev = (kind == PY_DEP_DEV);
        if (cat != NULL) {
            dev = strcmp(cat, "dev") == 0;
        } else if (groups != NULL && groups->type == TOML_ARRAY && groups->n > 0) {
            dev = 1;
            for (size_t g = 0; g < groups->n; g++)
                if (groups->items[g]->type == TOML_STRING &&
                    strcmp(groups->items[g]->str, "main") == 0)
                    dev = 0;
        }
        rc = list_add(out, name, strlen(name), ver, strlen(ver), project ? kind != 0 : -1, dev,
                      t->line, path, err);
    }
    toml_free(d);
    if (rc != 0)
        py_pkg_list_free(out);
    return rc;
}

/* A uv package that is the project itself or a workspace member / local tree. */
static int uv_local(const struct toml_node *t)
{
    const struct toml_node *src = toml_get(t, "source");
    return src != NULL && src->type == TOML_TABLE &&
           (toml_get(src, "editable") || toml_get(src, "virtual") || toml_get(src, "directory"));
}

/* dependencies = [{ name = "x" }, …] of a local package into the project's names. */
static int uv_deps(struct py_project *p, const struct toml_node *a, int kind, const char *path,
                   struct strata_error *err)
{
    if (a == NULL || a->type != TOML_ARRAY)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const char *n = toml_get_string(a->items[i], "name");
        if (n != NULL) {
            int rc = project_add(p, n, kind, path, err);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

int py_parse_uv_lock(const uint8_t *data, size_t len, const char *path, struct py_pkg_list *out,
                     struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    struct toml_doc *d;
    int rc = toml_parse(data, len, path, &d, err);
    if (rc != 0)
        return rc;
    const struct toml_node *pk;
    struct py_project proj = {0};
    int have_root = 0;
    rc = toml_packages(d, path, &pk, err);
    /* First the project's own entries: what they depend on is direct. */
    for (size_t i = 0; rc == 0 && pk && i < pk->n; i++) {
        const struct toml_node *t = pk->items[i];
        const char *name, *ver;
        if ((rc = toml_pkg(t, path, &name, &ver, err)) != 0 || !uv_local(t))
            continue;
        have_root = 1;
        rc = uv_deps(&proj, toml_get(t, "dependencies"), PY_DEP_MAIN, path, err);
        const struct toml_node *opt = toml_get(t, "optional-dependencies");
        for (size_t k = 0; rc == 0 && opt && opt->type == TOML_TABLE && k < opt->n; k++)
            rc = uv_deps(&proj, opt->items[k], PY_DEP_MAIN, path, err);
        const struct toml_node *dev = toml_get(t, "dev-dependencies");
        for (size_t k = 0; rc == 0 && dev && dev->type == TOML_TABLE && k < dev->n; k++)
            rc = uv_deps(&proj, dev->items[k], PY_DEP_DEV, path, err);
    }
    if (rc == 0)
        project_done(&proj);
    for (size_t i = 0; rc == 0 && pk && i < pk->n; i++) {
        const struct toml_node *t = pk->items[i];
        const char *name, *ver;
        if ((rc = toml_pkg(t, path, &name, &ver, err)) != 0)
            break;
        if (uv_local(t))
            continue;
        if (ver == NULL) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u:%u: package %s has no version", path,
                                  t->line, t->col, name);
            break;
        }
        char *norm = py_normalize(name, strlen(name));
        if (norm == NULL) {
            rc = strata_error_nomem(err);
            break;
        }
        int kind = py_project_kind(&proj, norm);
        free(norm);
        rc = list_add(out, name, strlen(name), ver, strlen(ver), have_root ? kind != 0 : -1,
                      kind == PY_DEP_DEV, t->line, path, err);
    }
    py_project_free(&proj);
    toml_free(d);
    if (rc != 0)
        py_pkg_list_free(out);
    return rc;
}

enum py_file_kind py_file_kind(const char *b)
{
    size_t n = strlen(b);
    if (strcmp(b, "Pipfile.lock") == 0)
        return PY_FILE_PIPFILE_LOCK;
    if (strcmp(b, "poetry.lock") == 0)
        return PY_FILE_POETRY_LOCK;
    if (strcmp(b, "uv.lock") == 0)
        return PY_FILE_UV_LOCK;
    if (strcmp(b, "pyproject.toml") == 0)
        return PY_FILE_PYPROJECT;
    if (strcmp(b, "Pipfile") == 0)
        return PY_FILE_PIPFILE;
    /* requirements*.txt, and *requirements.txt (dev-requirements.txt). */
    if (n >= 16 && strcmp(b + n - 4, ".txt") == 0 &&
        (strncmp(b, "requirements", 12) == 0 || strcmp(b + n - 16, "requirements.txt") == 0))
        return PY_FILE_REQUIREMENTS;
    return PY_FILE_NONE;
}

int py_parse_lockfile(const uint8_t *data, size_t len, const char *path,
                      const struct py_project *project, struct py_pkg_list *out,
                      struct strata_error *err)
{
    const char *b = strrchr(path, '/');
    switch (py_file_kind(b ? b + 1 : path)) {
    case PY_FILE_REQUIREMENTS:
        return py_parse_requirements(data, len, path, out, err);
    case PY_FILE_PIPFILE_LOCK:
        return py_parse_pipfile_lock(data, len, path, project, out, err);
    case PY_FILE_POETRY_LOCK:
        return py_parse_poetry_lock(data, len, path, project, out, err);
    case PY_FILE_UV_LOCK:
        return py_parse_uv_lock(data, len, path, out, err);
    default:
        memset(out, 0, sizeof *out);
        return strata_error_set(err, STRATA_EINTERNAL, "%s: not a Python lockfile", path);
    }
}
