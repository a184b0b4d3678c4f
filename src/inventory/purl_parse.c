/* Package URL parsing (https://github.com/package-url/purl-spec, docs/how-to-parse.md): the
 * string is cut from the right (subpath after '#', qualifiers after '?'), then from the left
 * (scheme, type), then the version after the last '@' and the name after the last '/'. Every
 * error names the purl and the byte offset where it went wrong, because SBOMs from other tools
 * carry purls nobody checked and the user has to find the one that is broken. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hexdigit.h"
#include "core/strbuf.h"
#include "strata/error.h"
#include "strata/purl.h"

#define SHOWN_MAX 160 /* bytes of the purl quoted in an error message */

struct parser {
    const char *s;
    size_t len;
    struct strata_error *err;
};

static int fail(const struct parser *p, int code, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Quotes the purl printably (control bytes and non-ASCII as '?'), shortened when long. */
static int fail(const struct parser *p, int code, size_t off, const char *fmt, ...)
{
    char shown[SHOWN_MAX + 4];
    size_t n = p->len < SHOWN_MAX ? p->len : SHOWN_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p->s[i];
        shown[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    strcpy(shown + n, p->len > n ? "..." : "");
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return strata_error_set(p->err, code, "purl '%s': offset %zu: %s", shown, off, why);
}

/* Percent-decodes s[off, end) into a new string. A decoded '/' is refused unless allow_slash
 * (it would change what the segment means), and so is a decoded NUL (it would cut the C
 * string short and hide the rest). */
static int decode(const struct parser *p, size_t off, size_t end, int allow_slash, char **out)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = 0;
    for (size_t i = off; i < end && rc == 0; i++) {
        unsigned char c = (unsigned char)p->s[i];
        if (c == '%') {
            if (i + 2 >= end) {
                rc = fail(p, STRATA_EFORMAT, i, "'%%' not followed by two hex digits");
                break;
            }
            int h = hex_digit_value(p->s[i + 1]), l = hex_digit_value(p->s[i + 2]);
            if (h < 0 || l < 0) {
                rc = fail(p, STRATA_EFORMAT, i, "'%%' not followed by two hex digits");
                break;
            }
            c = (unsigned char)(h * 16 + l);
            if (c == '\0') {
                rc = fail(p, STRATA_EFORMAT, i, "encoded NUL byte");
                break;
            }
            if (c == '/' && !allow_slash) {
                rc = fail(p, STRATA_EFORMAT, i, "encoded '/' inside a segment");
                break;
            }
            i += 2;
        }
        if (strbuf_addch(&sb, (char)c) != 0)
            rc = strata_error_nomem(p->err);
    }
    if (rc == 0 && (*out = strbuf_detach(&sb)) == NULL)
        rc = strata_error_nomem(p->err);
    if (rc != 0)
        strbuf_release(&sb);
    return rc;
}

static size_t rfind(const char *s, size_t off, size_t end, char c)
{
    for (size_t i = end; i > off; i--)
        if (s[i - 1] == c)
            return i - 1;
    return (size_t)-1;
}

static size_t find(const char *s, size_t off, size_t end, char c)
{
    for (size_t i = off; i < end; i++)
        if (s[i] == c)
            return i;
    return (size_t)-1;
}

static void lower(char *s)
{
    for (; s && *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

/* Decodes the '/'-separated segments of s[off, end), drops empty ones (and "." and ".." when
 * dot_segments says so, as subpaths do) and joins the rest with '/'. NULL when none is left. */
static int segments(const struct parser *p, size_t off, size_t end, int dot_segments, char **out)
{
    struct strbuf sb = STRBUF_INIT;
    *out = NULL;
    size_t i = off;
    while (i < end) {
        size_t j = find(p->s, i, end, '/');
        if (j == (size_t)-1)
            j = end;
        char *seg = NULL;
        int rc = decode(p, i, j, 0, &seg);
        if (rc != 0) {
            strbuf_release(&sb);
            return rc;
        }
        int drop = *seg == '\0' || (dot_segments && (!strcmp(seg, ".") || !strcmp(seg, "..")));
        if (!drop && ((sb.len > 0 && strbuf_addch(&sb, '/') != 0) || strbuf_adds(&sb, seg) != 0)) {
            free(seg);
            strbuf_release(&sb);
            return strata_error_nomem(p->err);
        }
        free(seg);
        i = j + 1;
    }
    if (sb.len > 0 && (*out = strbuf_detach(&sb)) == NULL)
        return strata_error_nomem(p->err);
    return 0;
}

static int type_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '+' || c == '-';
}

static int key_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

static int add_qualifier(const struct parser *p, struct strata_purl_parts *out, size_t off,
                         size_t end)
{
    size_t eq = find(p->s, off, end, '=');
    if (eq == (size_t)-1)
        return fail(p, STRATA_EFORMAT, off, "qualifier without '='");
    if (eq == off)
        return fail(p, STRATA_EFORMAT, off, "qualifier with an empty key");
    if (p->s[off] >= '0' && p->s[off] <= '9')
        return fail(p, STRATA_EFORMAT, off, "qualifier key starts with a digit");
    for (size_t i = off; i < eq; i++)
        if (!key_char((unsigned char)p->s[i]))
            return fail(p, STRATA_EFORMAT, i, "invalid character in qualifier key");
    char *value = NULL;
    int rc = decode(p, eq + 1, end, 1, &value);
    if (rc != 0)
        return rc;
    if (*value == '\0') { /* the spec: a key with an empty value is as if absent */
        free(value);
        return 0;
    }
    char *key = strndup(p->s + off, eq - off);
    if (key == NULL) {
        free(value);
        return strata_error_nomem(p->err);
    }
    lower(key);
    for (size_t i = 0; i < out->n_qualifiers; i++) {
        if (strcmp(out->qualifier_keys[i], key) == 0) {
            free(key);
            free(value);
            return fail(p, STRATA_EFORMAT, off, "qualifier key '%s' given twice",
                        out->qualifier_keys[i]);
        }
    }
    if (out->n_qualifiers == STRATA_PURL_MAX_QUALIFIERS) {
        free(key);
        free(value);
        return fail(p, STRATA_ELIMIT, off, "more than %d qualifiers", STRATA_PURL_MAX_QUALIFIERS);
    }
    /* Insertion keeps the pairs sorted by key, as the canonical form orders them. */
    size_t at = out->n_qualifiers;
    while (at > 0 && strcmp(out->qualifier_keys[at - 1], key) > 0)
        at--;
    memmove(out->qualifier_keys + at + 1, out->qualifier_keys + at,
            (out->n_qualifiers - at) * sizeof *out->qualifier_keys);
    memmove(out->qualifier_values + at + 1, out->qualifier_values + at,
            (out->n_qualifiers - at) * sizeof *out->qualifier_values);
    out->qualifier_keys[at] = key;
    out->qualifier_values[at] = value;
    out->n_qualifiers++;
    return 0;
}

static int qualifiers(const struct parser *p, struct strata_purl_parts *out, size_t off, size_t end)
{
    out->qualifier_keys = calloc(STRATA_PURL_MAX_QUALIFIERS, sizeof *out->qualifier_keys);
    out->qualifier_values = calloc(STRATA_PURL_MAX_QUALIFIERS, sizeof *out->qualifier_values);
    if (out->qualifier_keys == NULL || out->qualifier_values == NULL)
        return strata_error_nomem(p->err);
    size_t i = off;
    while (i < end) {
        size_t j = find(p->s, i, end, '&');
        if (j == (size_t)-1)
            j = end;
        if (j > i) {
            int rc = add_qualifier(p, out, i, j);
            if (rc != 0)
                return rc;
        }
        i = j + 1;
    }
    return 0;
}

/* The type-specific rules of PURL-TYPES that change what a name means for matching, plus the
 * required parts the spec's test suite checks. */
static int type_rules(const struct parser *p, struct strata_purl_parts *out, size_t name_off)
{
    const char *t = out->type;
    if (!strcmp(t, "pypi")) {
        lower(out->name);
        for (char *c = out->name; *c; c++)
            if (*c == '_')
                *c = '-';
    } else if (!strcmp(t, "deb") || !strcmp(t, "apk") || !strcmp(t, "alpm") ||
               !strcmp(t, "composer") || !strcmp(t, "github") || !strcmp(t, "bitbucket") ||
               !strcmp(t, "hex")) {
        lower(out->namespace_);
        lower(out->name);
    } else if (!strcmp(t, "swift")) {
        if (out->namespace_ == NULL)
            return fail(p, STRATA_EFORMAT, name_off, "a swift purl needs a namespace");
        if (out->version == NULL)
            return fail(p, STRATA_EFORMAT, p->len, "a swift purl needs a version");
    } else if (!strcmp(t, "cran")) {
        if (out->version == NULL)
            return fail(p, STRATA_EFORMAT, p->len, "a cran purl needs a version");
    } else if (!strcmp(t, "conan")) {
        /* A conan namespace (user) and the channel qualifier come together or not at all. */
        int has_channel = strata_purl_qualifier(out, "channel") != NULL;
        if ((out->namespace_ != NULL) != has_channel)
            return fail(p, STRATA_EFORMAT, name_off,
                        "a conan purl has both a namespace and a channel qualifier, or neither");
    }
    return 0;
}

static int parse(const struct parser *p, struct strata_purl_parts *out)
{
    const char *s = p->s;
    size_t len = p->len;
    if (len > STRATA_PURL_MAX_LEN)
        return fail(p, STRATA_ELIMIT, STRATA_PURL_MAX_LEN, "longer than %d bytes",
                    STRATA_PURL_MAX_LEN);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return fail(p, STRATA_EFORMAT, i, "control character 0x%02x", c);
    }
    int rc;
    size_t hash = rfind(s, 0, len, '#');
    size_t rest_end = hash == (size_t)-1 ? len : hash;
    if (hash != (size_t)-1 && (rc = segments(p, hash + 1, len, 1, &out->subpath)) != 0)
        return rc;
    size_t q = rfind(s, 0, rest_end, '?');
    if (q != (size_t)-1) {
        if ((rc = qualifiers(p, out, q + 1, rest_end)) != 0)
            return rc;
        rest_end = q;
    }
    size_t colon = find(s, 0, rest_end, ':');
    if (colon == (size_t)-1 || colon != 3 || strncasecmp(s, "pkg", 3) != 0)
        return fail(p, STRATA_EFORMAT, 0, "does not start with the scheme 'pkg:'");
    size_t pos = colon + 1;
    while (pos < rest_end && s[pos] == '/')
        pos++;
    size_t slash = find(s, pos, rest_end, '/');
    if (slash == (size_t)-1 || slash == pos)
        return fail(p, STRATA_EFORMAT, pos, "no type (expected 'pkg:TYPE/NAME')");
    if (s[pos] >= '0' && s[pos] <= '9')
        return fail(p, STRATA_EFORMAT, pos, "the type starts with a digit");
    for (size_t i = pos; i < slash; i++)
        if (!type_char((unsigned char)s[i]))
            return fail(p, STRATA_EFORMAT, i, "invalid character in the type");
    if ((out->type = strndup(s + pos, slash - pos)) == NULL)
        return strata_error_nomem(p->err);
    lower(out->type);

    size_t start = slash + 1;
    size_t at = rfind(s, start, rest_end, '@');
    /* An '@' that begins a segment followed by more segments is an unencoded npm scope
     * ("pkg:npm/@babel/core"), not the version separator. */
    if (at != (size_t)-1 && (at == start || s[at - 1] == '/') &&
        find(s, at + 1, rest_end, '/') != (size_t)-1)
        at = (size_t)-1;
    if (at != (size_t)-1) {
        if (at + 1 == rest_end)
            return fail(p, STRATA_EFORMAT, at, "empty version after '@'");
        /* "ns/@1.0": the test suite calls this a purl without a name, not name "ns". */
        if (at == start || s[at - 1] == '/')
            return fail(p, STRATA_EFORMAT, at, "no name before '@'");
        if ((rc = decode(p, at + 1, rest_end, 1, &out->version)) != 0)
            return rc;
        rest_end = at;
    }
    while (rest_end > start && s[rest_end - 1] == '/')
        rest_end--;
    size_t name_slash = rfind(s, start, rest_end, '/');
    size_t name_off = name_slash == (size_t)-1 ? start : name_slash + 1;
    if (name_off == rest_end)
        return fail(p, STRATA_EFORMAT, name_off, "no name");
    if ((rc = decode(p, name_off, rest_end, 0, &out->name)) != 0)
        return rc;
    if (name_slash != (size_t)-1 && (rc = segments(p, start, name_slash, 0, &out->namespace_)) != 0)
        return rc;
    return type_rules(p, out, name_off);
}

int strata_purl_parse(const char *s, size_t len, struct strata_purl_parts *out,
                      struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    struct parser p = {.s = s, .len = len, .err = err};
    int rc = parse(&p, out);
    if (rc != 0)
        strata_purl_parts_free(out);
    return rc;
}

void strata_purl_parts_free(struct strata_purl_parts *p)
{
    free(p->type);
    free(p->namespace_);
    free(p->name);
    free(p->version);
    free(p->subpath);
    for (size_t i = 0; i < p->n_qualifiers; i++) {
        free(p->qualifier_keys[i]);
        free(p->qualifier_values[i]);
    }
    free(p->qualifier_keys);
    free(p->qualifier_values);
    memset(p, 0, sizeof *p);
}

const char *strata_purl_qualifier(const struct strata_purl_parts *p, const char *key)
{
    for (size_t i = 0; i < p->n_qualifiers; i++)
        if (strcmp(p->qualifier_keys[i], key) == 0)
            return p->qualifier_values[i];
    return NULL;
}
