/* cargo-auditable dependency list reader; see rust_audit_parse.h. Written from the
 * auditable-serde documentation: "kind" and "dependencies" and "root" may be omitted (runtime,
 * [], false); unknown members are ignored so newer format revisions keep working. */
#include "inventory/rust_audit_parse.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "inventory/elf.h"

static int off_err(struct strata_error *err, int code, const char *path, uint64_t off,
                   const char *what)
{
    return strata_error_set(err, code, "%s: offset %llu: %s", path, (unsigned long long)off, what);
}

/* Inflates the zlib stream z into a malloc'd, NUL-terminated buffer of at most
 * RUST_AUDIT_MAX_JSON bytes. The output grows only as the stream proves it needs it, so a
 * bomb costs at most the bound. */
static int inflate_bounded(const uint8_t *z, size_t n, uint64_t base, const char *path, char **out,
                           size_t *out_len, struct strata_error *err)
{
    *out = NULL;
    *out_len = 0;
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit(&s) != Z_OK)
        return strata_error_nomem(err);
    size_t cap = n < 4096 ? 16384 : (n * 4 > RUST_AUDIT_MAX_JSON ? RUST_AUDIT_MAX_JSON : n * 4);
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        inflateEnd(&s);
        return strata_error_nomem(err);
    }
    size_t have = 0;
    int rc = 0;
    /* uInt is 32 bits: feed and drain in slices no larger than that. */
    const uint8_t *in = z;
    size_t left = n;
    for (;;) {
        if (s.avail_in == 0 && left > 0) {
            s.next_in = (Bytef *)(uintptr_t)in;
            s.avail_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
            in += s.avail_in;
            left -= s.avail_in;
        }
        if (have == cap) {
            if (cap >= RUST_AUDIT_MAX_JSON) {
                rc = off_err(err, STRATA_ELIMIT, path, base + s.total_in,
                             "dependency list inflates to more than 8 MiB");
                break;
            }
            size_t nc = cap * 2 > RUST_AUDIT_MAX_JSON ? RUST_AUDIT_MAX_JSON : cap * 2;
            char *nb = realloc(buf, nc + 1);
            if (nb == NULL) {
                rc = strata_error_nomem(err);
                break;
            }
            buf = nb;
            cap = nc;
        }
        s.next_out = (Bytef *)buf + have;
        s.avail_out = (uInt)(cap - have);
        int zr = inflate(&s, Z_NO_FLUSH);
        have = cap - s.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr == Z_MEM_ERROR) {
            rc = strata_error_nomem(err);
            break;
        }
        if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR) {
            char msg[160];
            snprintf(msg, sizeof msg, "invalid zlib stream in %s: %s", RUST_AUDIT_SECTION,
                     s.msg ? s.msg : "preset dictionary required");
            rc = off_err(err, STRATA_EFORMAT, path, base + s.total_in, msg);
            break;
        }
        if (zr == Z_BUF_ERROR && s.avail_in == 0 && left == 0) {
            rc = off_err(err, STRATA_EFORMAT, path, base + s.total_in,
                         "truncated zlib stream in " RUST_AUDIT_SECTION);
            break;
        }
    }
    inflateEnd(&s);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    buf[have] = '\0';
    *out = buf;
    *out_len = have;
    return 0;
}

static int shape_err(struct strata_error *err, const char *path, size_t i, const char *field,
                     const char *what)
{
    return strata_error_set(err, STRATA_EFORMAT,
                            "%s: " RUST_AUDIT_SECTION ": packages[%zu]%s%s: %s", path, i,
                            field ? "." : "", field ? field : "", what);
}

/* A required (or, with def, optional) string member of at most RUST_AUDIT_MAX_FIELD bytes,
 * without NUL bytes. */
static int str_member(json_t *o, const char *key, const char *def, size_t i, const char *path,
                      char **out, struct strata_error *err)
{
    json_t *v = json_object_get(o, key);
    const char *s = def;
    size_t n = def ? strlen(def) : 0;
    if (v != NULL) {
        if (!json_is_string(v))
            return shape_err(err, path, i, key, "not a string");
        s = json_string_value(v);
        n = json_string_length(v);
    } else if (def == NULL) {
        return shape_err(err, path, i, key, "missing");
    }
    if (n > RUST_AUDIT_MAX_FIELD)
        return strata_error_set(err, STRATA_ELIMIT,
                                "%s: " RUST_AUDIT_SECTION
                                ": packages[%zu].%s: longer than %u bytes",
                                path, i, key, RUST_AUDIT_MAX_FIELD);
    if (memchr(s, '\0', n) != NULL)
        return shape_err(err, path, i, key, "NUL byte");
    if (def == NULL && n == 0)
        return shape_err(err, path, i, key, "empty");
    *out = strndup(s, n);
    return *out ? 0 : strata_error_nomem(err);
}

static int read_package(json_t *o, size_t i, size_t n_pkgs, size_t *total_deps, const char *path,
                        struct rust_crate *c, struct strata_error *err)
{
    if (!json_is_object(o))
        return shape_err(err, path, i, NULL, "not an object");
    int rc = str_member(o, "name", NULL, i, path, &c->name, err);
    rc = rc ? rc : str_member(o, "version", NULL, i, path, &c->version, err);
    rc = rc ? rc : str_member(o, "source", "", i, path, &c->source, err);
    if (rc != 0)
        return rc;
    json_t *kind = json_object_get(o, "kind");
    if (kind != NULL) {
        if (!json_is_string(kind))
            return shape_err(err, path, i, "kind", "not a string");
        c->build = strcmp(json_string_value(kind), "build") == 0;
    }
    json_t *root = json_object_get(o, "root");
    if (root != NULL) {
        if (!json_is_boolean(root))
            return shape_err(err, path, i, "root", "not a boolean");
        c->root = json_is_true(root);
    }
    json_t *deps = json_object_get(o, "dependencies");
    if (deps == NULL)
        return 0;
    if (!json_is_array(deps))
        return shape_err(err, path, i, "dependencies", "not an array");
    size_t nd = json_array_size(deps);
    if (nd > RUST_AUDIT_MAX_DEPS - *total_deps)
        return strata_error_set(err, STRATA_ELIMIT,
                                "%s: " RUST_AUDIT_SECTION ": more than %u dependency indices", path,
                                RUST_AUDIT_MAX_DEPS);
    *total_deps += nd;
    if (nd == 0)
        return 0;
    c->deps = malloc(nd * sizeof *c->deps);
    if (c->deps == NULL)
        return strata_error_nomem(err);
    for (size_t k = 0; k < nd; k++) {
        json_t *d = json_array_get(deps, k);
        if (!json_is_integer(d) || json_integer_value(d) < 0 ||
            (unsigned long long)json_integer_value(d) >= n_pkgs)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: " RUST_AUDIT_SECTION
                                    ": packages[%zu].dependencies[%zu]: not an index of a package",
                                    path, i, k);
        c->deps[c->n_deps++] = (size_t)json_integer_value(d);
    }
    return 0;
}

static int parse_json(const char *text, size_t len, const char *path, struct rust_audit *out,
                      struct strata_error *err)
{
    json_error_t je;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        if (strstr(je.text, "out of memory") != NULL)
            return strata_error_nomem(err);
        return strata_error_set(err, STRATA_EFORMAT, "%s: " RUST_AUDIT_SECTION ":%d:%d: %s", path,
                                je.line > 0 ? je.line : 1, je.column > 0 ? je.column : 1, je.text);
    }
    json_t *pkgs = json_is_object(j) ? json_object_get(j, "packages") : NULL;
    int rc = 0;
    if (!json_is_array(pkgs)) {
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: " RUST_AUDIT_SECTION ": no \"packages\" array at the top level",
                              path);
    } else if (json_array_size(pkgs) > RUST_AUDIT_MAX_PACKAGES) {
        rc = strata_error_set(err, STRATA_ELIMIT,
                              "%s: " RUST_AUDIT_SECTION ": more than %u packages", path,
                              RUST_AUDIT_MAX_PACKAGES);
    } else if (json_array_size(pkgs) > 0) {
        size_t n = json_array_size(pkgs), total = 0;
        out->v = calloc(n, sizeof *out->v);
        if (out->v == NULL)
            rc = strata_error_nomem(err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            out->n = i + 1;
            rc = read_package(json_array_get(pkgs, i), i, n, &total, path, &out->v[i], err);
        }
    }
    json_decref(j);
    return rc;
}

int rust_audit_parse_section(const uint8_t *z, size_t n, uint64_t section_off, const char *path,
                             struct rust_audit *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (path == NULL)
        path = "(input)";
    char *text;
    size_t tl;
    int rc = inflate_bounded(z, n, section_off, path, &text, &tl, err);
    if (rc != 0)
        return rc;
    rc = parse_json(text, tl, path, out, err);
    free(text);
    return rc;
}

int rust_audit_parse_elf(const uint8_t *data, size_t len, const char *path, struct rust_audit *out,
                         struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (path == NULL)
        path = "(input)";
    if (data == NULL || len < 4 ||
        memcmp(data,
               "\x7f"
               "ELF",
               4) != 0)
        return strata_error_set(err, STRATA_ENOTFOUND, "%s: not an ELF file", path);
    struct elf_file e;
    int rc = elf_open(&e, data, len, path, err);
    if (rc != 0)
        return rc;
    long sec = elf_find_section(&e, RUST_AUDIT_SECTION);
    if (sec < 0)
        return strata_error_set(err, STRATA_ENOTFOUND, "%s: no " RUST_AUDIT_SECTION " section",
                                path);
    struct elf_section s = elf_section_at(&e, (unsigned)sec);
    if (s.type == ELF_SHT_NOBITS || s.size == 0 || !elf_in_file(&e, s.off, s.size))
        return off_err(err, STRATA_EFORMAT, path, elf_section_header_offset(&e, (unsigned)sec),
                       RUST_AUDIT_SECTION " section lies outside the file or is empty");
    return rust_audit_parse_section(data + s.off, (size_t)s.size, s.off, path, out, err);
}

void rust_audit_free(struct rust_audit *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].name);
        free(a->v[i].version);
        free(a->v[i].source);
        free(a->v[i].deps);
    }
    free(a->v);
    memset(a, 0, sizeof *a);
}
