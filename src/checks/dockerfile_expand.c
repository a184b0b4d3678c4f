/* Variable substitution in Dockerfile words, as BuildKit's shell lexer does it for the
 * instructions it expands (FROM, ARG, ENV, LABEL, ADD, COPY, EXPOSE, USER, WORKDIR, VOLUME,
 * STOPSIGNAL and flag values): this is not a shell, only quote removal, the escape character and
 * ${…} forms. Recursion (a default that holds another substitution) is bounded by
 * DF_MAX_SUBST_DEPTH and every result by DF_MAX_WORD, so nested or self-multiplying
 * definitions cannot exhaust memory. */
#include "checks/dockerfile_parse.h"

#include <ctype.h>
#include <string.h>

#include "core/strbuf.h"

struct xp {
    const char *s;
    size_t n, i;
    char esc;
    df_lookup_fn lookup;
    void *ctx;
    int unresolved;
    size_t err_off;
    const char *what;
};

static int fail(struct xp *x, size_t off, const char *what)
{
    x->err_off = off;
    x->what = what;
    return STRATA_EFORMAT;
}

static int put(struct xp *x, struct strbuf *out, const char *p, size_t n)
{
    if (out->len + n > DF_MAX_WORD) {
        x->err_off = x->i;
        x->what = "substitution result longer than the bound";
        return STRATA_ELIMIT;
    }
    return strbuf_add(out, p, n);
}

static int putc_(struct xp *x, struct strbuf *out, char c)
{
    return put(x, out, &c, 1);
}

static int peek(const struct xp *x)
{
    return x->i < x->n ? (unsigned char)x->s[x->i] : -1;
}

/* BuildKit's special parameters: $@ $* $# $? $- $$ $! $0 */
static int is_special(int c)
{
    return c >= 0 && strchr("@*#?-$!0", c) != NULL;
}

/* A name after '$': digits (positional), one special character, or [A-Za-z0-9_]+. */
static size_t name_len(const struct xp *x)
{
    size_t j = x->i;
    if (j < x->n && isdigit((unsigned char)x->s[j])) {
        while (j < x->n && isdigit((unsigned char)x->s[j]))
            j++;
        return j - x->i;
    }
    if (j < x->n && is_special((unsigned char)x->s[j]))
        return 1;
    while (j < x->n && (isalnum((unsigned char)x->s[j]) || x->s[j] == '_'))
        j++;
    return j - x->i;
}

static int word(struct xp *x, struct strbuf *out, int stop, unsigned depth);

static int single_quote(struct xp *x, struct strbuf *out)
{
    size_t start = x->i++;
    const char *q = memchr(x->s + x->i, '\'', x->n - x->i);
    if (q == NULL)
        return fail(x, start, "unterminated single quote");
    size_t len = (size_t)(q - (x->s + x->i));
    int rc = put(x, out, x->s + x->i, len);
    x->i += len + 1;
    return rc;
}

static int dollar(struct xp *x, struct strbuf *out, unsigned depth);

static int double_quote(struct xp *x, struct strbuf *out, unsigned depth)
{
    size_t start = x->i++;
    for (;;) {
        int c = peek(x);
        if (c < 0)
            return fail(x, start, "unterminated double quote");
        int rc;
        if (c == '"') {
            x->i++;
            return 0;
        } else if (c == '$') {
            rc = dollar(x, out, depth);
        } else {
            x->i++;
            if (c == x->esc) {
                int d = peek(x);
                if (d < 0)
                    continue; /* an escape at the end is dropped */
                if (d == '"' || d == '$' || d == x->esc) {
                    c = d;
                    x->i++;
                }
            }
            rc = putc_(x, out, (char)c);
        }
        if (rc != 0)
            return rc;
    }
}

static int lookup(struct xp *x, const char *name, size_t n, const char **value)
{
    if (n == 0 || x->lookup == NULL)
        return 0;
    return x->lookup(x->ctx, name, n, value);
}

static int dollar(struct xp *x, struct strbuf *out, unsigned depth)
{
    size_t start = x->i++; /* the '$' */
    if (peek(x) != '{') {
        size_t nl = name_len(x);
        if (nl == 0)
            return putc_(x, out, '$');
        const char *v = NULL;
        int set = lookup(x, x->s + x->i, nl, &v);
        x->i += nl;
        if (!set) {
            x->unresolved = 1;
            return 0;
        }
        return put(x, out, v, strlen(v));
    }
    x->i++; /* '{' */
    int c = peek(x);
    if (c < 0)
        return fail(x, start, "missing '}' in substitution");
    if (c == '{' || c == '}' || c == ':')
        return fail(x, start, "bad substitution");
    size_t nl = name_len(x);
    const char *name = x->s + x->i;
    x->i += nl;
    c = peek(x);
    if (c < 0)
        return fail(x, start, "missing '}' in substitution");
    x->i++;
    const char *v = NULL;
    int set = lookup(x, name, nl, &v);
    if (c == '}') {
        if (!set) {
            x->unresolved = 1;
            return 0;
        }
        return put(x, out, v, strlen(v));
    }
    int colon = 0;
    if (c == ':') {
        colon = 1;
        c = peek(x);
        if (c < 0)
            return fail(x, start, "missing '}' in substitution");
        x->i++;
    }
    int pattern = 0;
    switch (c) {
    case '-':
    case '+':
    case '?':
        break;
    case '#':
    case '%':
    case '/':
        if (colon)
            return fail(x, start, "unsupported modifier in substitution");
        pattern = 1;
        /* ## %% // */
        if (peek(x) == c)
            x->i++;
        break;
    default:
        return fail(x, start, "unsupported modifier in substitution");
    }
    if (depth + 1 > DF_MAX_SUBST_DEPTH) {
        x->err_off = start;
        x->what = "substitutions nested deeper than the bound";
        return STRATA_ELIMIT;
    }
    struct strbuf alt = STRBUF_INIT;
    int rc = word(x, &alt, '}', depth + 1);
    if (rc == STRATA_EFORMAT && x->i >= x->n)
        rc = fail(x, start, "missing '}' in substitution");
    if (rc != 0) {
        strbuf_release(&alt);
        return rc;
    }
    /* Empty counts as unset with the colon forms. */
    int has = set && (!colon || (v != NULL && *v != '\0'));
    const char *use = NULL;
    size_t use_n = 0;
    if (pattern) {
        /* The result depends on glob matching the checks never need: known as unknown. */
        x->unresolved = 1;
        if (set) {
            use = v;
            use_n = strlen(v);
        }
    } else if (c == '-') {
        if (has) {
            use = v;
            use_n = strlen(v);
        } else {
            use = alt.buf ? alt.buf : "";
            use_n = alt.len;
        }
    } else if (c == '+') {
        if (!set)
            x->unresolved = 1; /* a build argument may set it */
        if (has) {
            use = alt.buf ? alt.buf : "";
            use_n = alt.len;
        }
    } else { /* '?': the build fails when unset; a build argument may set it */
        if (!has)
            x->unresolved = 1;
        else {
            use = v;
            use_n = strlen(v);
        }
    }
    rc = use_n ? put(x, out, use, use_n) : 0;
    strbuf_release(&alt);
    return rc;
}

/* Processes up to stop (-1: the end; stop itself is consumed). */
static int word(struct xp *x, struct strbuf *out, int stop, unsigned depth)
{
    for (;;) {
        int c = peek(x);
        if (c < 0)
            return stop < 0 ? 0 : fail(x, x->i, "missing '}' in substitution");
        if (c == stop) {
            x->i++;
            return 0;
        }
        int rc;
        if (c == '$')
            rc = dollar(x, out, depth);
        else if (c == '\'')
            rc = single_quote(x, out);
        else if (c == '"')
            rc = double_quote(x, out, depth);
        else {
            x->i++;
            if (c == x->esc) {
                c = peek(x);
                if (c < 0)
                    return stop < 0 ? 0 : fail(x, x->i, "missing '}' in substitution");
                x->i++;
            }
            rc = putc_(x, out, (char)c);
        }
        if (rc != 0)
            return rc;
    }
}

int df_expand(const char *s, size_t n, char escape, df_lookup_fn lookup_fn, void *ctx,
              struct strbuf *out, int *unresolved, size_t *err_off, const char **what)
{
    struct xp x = {.s = s, .n = n, .esc = escape, .lookup = lookup_fn, .ctx = ctx};
    size_t before = out->len;
    int rc = word(&x, out, -1, 0);
    if (rc == 0 && out->buf == NULL)
        rc = strbuf_adds(out, "");
    if (rc != 0) {
        if (out->buf)
            out->len = before, out->buf[before] = '\0';
        if (err_off)
            *err_off = x.err_off;
        if (what)
            *what = x.what ? x.what : "out of memory";
        return rc;
    }
    if (unresolved && x.unresolved)
        *unresolved = 1;
    return 0;
}
