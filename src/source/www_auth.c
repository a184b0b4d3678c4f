/* WWW-Authenticate parsing; grammar and bounds in www_auth.h. */
#include "source/www_auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"

static int is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* token68 adds '/' to the characters tchar shares with it; trailing '=' are handled apart. */
static int is_token68_char(char c)
{
    return is_tchar(c) || c == '/';
}

static int is_bare_value_char(char c)
{
    return (unsigned char)c > 0x20 && (unsigned char)c < 0x7f && c != ',' && c != '"';
}

static size_t skip_ows(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

static size_t token_end(const char *s, size_t n, size_t i)
{
    while (i < n && is_tchar(s[i]))
        i++;
    return i;
}

void www_auth_release(struct www_auth *a)
{
    free(a->realm);
    free(a->service);
    free(a->scope);
    memset(a, 0, sizeof *a);
}

struct parser {
    const char *s;
    size_t n;
    struct strata_error *err;
};

static int syntax(struct parser *p, size_t at, const char *what)
{
    return strata_error_set(p->err, STRATA_EFORMAT, "WWW-Authenticate: byte %zu: %s", at, what);
}

/* Reads a token or quoted-string value at *i into out (NULL: parse only). */
static int read_value(struct parser *p, size_t *i, struct strbuf *out)
{
    size_t k = *i;
    if (k < p->n && p->s[k] == '"') {
        k++;
        for (;;) {
            if (k >= p->n)
                return syntax(p, k, "unterminated quoted string");
            char c = p->s[k];
            if (c == '"')
                break;
            if (c == '\\') {
                if (++k >= p->n)
                    return syntax(p, k, "unterminated quoted string");
                c = p->s[k];
            }
            /* qdtext and quoted-pair allow HTAB, SP, VCHAR and obs-text; never controls */
            if ((unsigned char)c < 0x20 && c != '\t')
                return syntax(p, k, "control character in a quoted string");
            if (out && out->len >= WWW_AUTH_MAX_PARAM)
                return strata_error_set(p->err, STRATA_ELIMIT,
                                        "WWW-Authenticate: byte %zu: parameter longer than %d "
                                        "bytes",
                                        k, WWW_AUTH_MAX_PARAM);
            if (out && strbuf_addch(out, c) != 0)
                return strata_error_nomem(p->err);
            k++;
        }
        *i = k + 1;
        return 0;
    }
    /* A token, leniently: registries have been seen sending unquoted URLs, so anything
     * visible up to a comma or a space. */
    size_t e = k;
    while (e < p->n && is_bare_value_char(p->s[e]))
        e++;
    if (e == k)
        return syntax(p, k, "expected a token or a quoted string");
    if (e - k > WWW_AUTH_MAX_PARAM)
        return strata_error_set(p->err, STRATA_ELIMIT,
                                "WWW-Authenticate: byte %zu: parameter longer than %d bytes", k,
                                WWW_AUTH_MAX_PARAM);
    if (out && strbuf_add(out, p->s + k, e - k) != 0)
        return strata_error_nomem(p->err);
    *i = e;
    return 0;
}

static int name_is(const char *s, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(s, want, n) == 0;
}

/* Stores a parameter of a challenge we keep; the first occurrence of a name wins. */
static int keep_param(struct parser *p, struct www_auth *a, const char *name, size_t nn, size_t *i)
{
    char **slot = NULL;
    if (name_is(name, nn, "realm"))
        slot = &a->realm;
    else if (a->scheme == WWW_AUTH_BEARER && name_is(name, nn, "service"))
        slot = &a->service;
    else if (a->scheme == WWW_AUTH_BEARER && name_is(name, nn, "scope"))
        slot = &a->scope;
    if (slot == NULL || *slot != NULL)
        return read_value(p, i, NULL);
    struct strbuf sb = STRBUF_INIT;
    int rc = read_value(p, i, &sb);
    if (rc == 0 && (*slot = strbuf_detach(&sb)) == NULL)
        rc = strata_error_nomem(p->err);
    strbuf_release(&sb);
    return rc;
}

/* Is what starts at j "token BWS =" followed by a value (an auth-param), rather than a new
 * challenge's scheme or a token68? *name_end and *eq get the token end and the '=' offset. */
static int at_param(struct parser *p, size_t j, size_t *name_end, size_t *eq)
{
    size_t t = token_end(p->s, p->n, j);
    if (t == j)
        return 0;
    size_t k = skip_ows(p->s, p->n, t);
    if (k >= p->n || p->s[k] != '=')
        return 0;
    size_t v = skip_ows(p->s, p->n, k + 1);
    if (v >= p->n || !(p->s[v] == '"' || is_bare_value_char(p->s[v])) || p->s[v] == '=')
        return 0; /* "abc==" is a token68 */
    *name_end = t;
    *eq = k;
    return 1;
}

/* Parses the parameters after a scheme at *i into a (scheme already set; a may be a scratch
 * challenge that is not kept). Stops before the next challenge's scheme or at the end. */
static int parse_params(struct parser *p, size_t *i, struct www_auth *a)
{
    size_t j = skip_ows(p->s, p->n, *i);
    int first = 1;
    for (;;) {
        int after_comma = 0;
        if (j >= p->n) {
            *i = j;
            return 0;
        }
        if (p->s[j] == ',') {
            after_comma = 1;
            while (j < p->n && (p->s[j] == ',' || p->s[j] == ' ' || p->s[j] == '\t'))
                j++;
            if (j >= p->n) {
                *i = j;
                return 0;
            }
        } else if (!first) {
            return syntax(p, j, "expected ',' between parameters");
        } else if (j == *i) {
            return syntax(p, j, "expected a space after the scheme");
        }
        size_t ne, eq;
        if (!at_param(p, j, &ne, &eq)) {
            if (!first || after_comma) {
                *i = j; /* the next challenge's scheme */
                return 0;
            }
            /* token68 right after the scheme */
            size_t e = j;
            while (e < p->n && is_token68_char(p->s[e]))
                e++;
            while (e < p->n && p->s[e] == '=')
                e++;
            if (e == j)
                return syntax(p, j, "expected a parameter or a token68");
            j = skip_ows(p->s, p->n, e);
            first = 0;
            continue;
        }
        size_t v = skip_ows(p->s, p->n, eq + 1);
        int rc = keep_param(p, a, p->s + j, ne - j, &v);
        if (rc != 0)
            return rc;
        j = skip_ows(p->s, p->n, v);
        first = 0;
    }
}

int www_auth_parse(const char *value, size_t len, struct www_auth *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (len > WWW_AUTH_MAX_HEADER)
        return strata_error_set(err, STRATA_ELIMIT, "WWW-Authenticate: %zu bytes, more than %d",
                                len, WWW_AUTH_MAX_HEADER);
    struct parser p = {value, len, err};
    size_t i = 0;
    for (;;) {
        while (i < len && (value[i] == ',' || value[i] == ' ' || value[i] == '\t'))
            i++;
        if (i >= len)
            return 0;
        size_t e = token_end(value, len, i);
        if (e == i) {
            www_auth_release(out);
            return syntax(&p, i, "expected an authentication scheme");
        }
        struct www_auth cur = {0};
        if (name_is(value + i, e - i, "bearer"))
            cur.scheme = WWW_AUTH_BEARER;
        else if (name_is(value + i, e - i, "basic"))
            cur.scheme = WWW_AUTH_BASIC;
        i = e;
        int rc = parse_params(&p, &i, &cur);
        if (rc != 0) {
            www_auth_release(&cur);
            www_auth_release(out);
            return rc;
        }
        if (cur.scheme > out->scheme) { /* Bearer over Basic over nothing; first one wins */
            www_auth_release(out);
            *out = cur;
        } else {
            www_auth_release(&cur);
        }
    }
}
