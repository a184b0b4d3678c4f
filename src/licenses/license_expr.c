/* License expressions: a lexer and a recursive-descent parser for what package managers write
 * (SPDX, Debian, rpm and free-form names), the tree, and its canonical text.
 *
 * Grammar, loosest first:
 *   list    := or_expr ( (", and" | ", or") or_expr )*      Debian's comma groups
 *   or_expr := and_expr ( OR and_expr )*
 *   and_expr:= with    ( AND with )*
 *   with    := primary ( WITH name )?
 *   primary := "(" list ")" | name
 *   name    := word ( word | "(" … ")" )*                   "MIT License (MIT)"
 * Operators are AND, OR, WITH in any case ("and/or" is OR). A lower-case "or"/"and"/"with"
 * that is part of a name ("or later", "Common Development and Distribution", "BSD with
 * advertising") is a word. Names are resolved by license_name.c. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "licenses/license_internal.h"
#include "licenses/license_table.h"

enum tok_type { T_WORD, T_LPAREN, T_RPAREN, T_AND, T_OR, T_WITH, T_COMMA_AND, T_COMMA_OR };

struct tok {
    enum tok_type type;
    size_t start, end; /* byte offsets */
};

struct parser {
    const char *s;
    size_t len;
    struct tok *t;
    size_t n, cap, pos;
    int depth;
    size_t names;
    int canonical; /* table expressions: names are exact ids, no aliases */
    struct strata_error *err;
};

/* ---- tree ---- */

void strata_license_expr_free(struct strata_license_expr *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->n_terms; i++)
        strata_license_expr_free(e->terms[i]);
    free(e->terms);
    free(e->id);
    free(e->exception);
    free(e);
}

struct strata_license_expr *lic_leaf(char *id, char *exception)
{
    struct strata_license_expr *e = calloc(1, sizeof *e);
    if (e == NULL) {
        free(id);
        free(exception);
        return NULL;
    }
    e->kind = STRATA_LICENSE_ID;
    e->id = id;
    e->exception = exception;
    return e;
}

static int expr_equal(const struct strata_license_expr *a, const struct strata_license_expr *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == STRATA_LICENSE_ID)
        return strcmp(a->id, b->id) == 0 &&
               strcmp(a->exception ? a->exception : "", b->exception ? b->exception : "") == 0;
    if (a->n_terms != b->n_terms)
        return 0;
    for (size_t i = 0; i < a->n_terms; i++)
        if (!expr_equal(a->terms[i], b->terms[i]))
            return 0;
    return 1;
}

/* Appends term to node n (of kind), unless an equal term is there already. */
static int add_term(struct strata_license_expr *n, struct strata_license_expr *term)
{
    for (size_t i = 0; i < n->n_terms; i++)
        if (expr_equal(n->terms[i], term)) {
            strata_license_expr_free(term);
            return 0;
        }
    struct strata_license_expr **v = realloc(n->terms, (n->n_terms + 1) * sizeof *v);
    if (v == NULL) {
        strata_license_expr_free(term);
        return STRATA_ENOMEM;
    }
    n->terms = v;
    n->terms[n->n_terms++] = term;
    return 0;
}

/* Moves the terms of e (or e itself) into n; frees what it does not keep. */
static int absorb(struct strata_license_expr *n, struct strata_license_expr *e)
{
    if (e->kind != n->kind)
        return add_term(n, e);
    int rc = 0;
    for (size_t i = 0; i < e->n_terms; i++) {
        if (rc == 0)
            rc = add_term(n, e->terms[i]);
        else
            strata_license_expr_free(e->terms[i]);
    }
    e->n_terms = 0;
    strata_license_expr_free(e);
    return rc;
}

struct strata_license_expr *lic_combine(enum strata_license_kind kind,
                                        struct strata_license_expr *a,
                                        struct strata_license_expr *b)
{
    struct strata_license_expr *n = calloc(1, sizeof *n);
    if (n == NULL) {
        strata_license_expr_free(a);
        strata_license_expr_free(b);
        return NULL;
    }
    n->kind = kind;
    int rc = absorb(n, a);
    if (rc == 0)
        rc = absorb(n, b);
    else
        strata_license_expr_free(b);
    if (rc != 0) {
        strata_license_expr_free(n);
        return NULL;
    }
    if (n->n_terms == 1) { /* "MIT AND MIT" */
        struct strata_license_expr *only = n->terms[0];
        n->n_terms = 0;
        strata_license_expr_free(n);
        return only;
    }
    return n;
}

/* ---- lexer ---- */

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* Does s[at..len) start with the words of phrase (any case, any blanks between words, a
 * word boundary after)? */
static int follows(const char *s, size_t len, size_t at, const char *phrase)
{
    size_t i = at;
    for (const char *p = phrase; *p;) {
        if (*p == ' ') {
            if (i >= len || !is_ws(s[i]))
                return 0;
            while (i < len && is_ws(s[i]))
                i++;
            p++;
            continue;
        }
        if (i >= len || tolower((unsigned char)s[i]) != *p)
            return 0;
        i++;
        p++;
    }
    return i == len || is_ws(s[i]) || s[i] == '(' || s[i] == ')' || s[i] == ',';
}

/* An operator word that, with what follows, is part of a license name. */
static int operator_in_name(const char *s, size_t len, size_t word_end, enum tok_type op)
{
    static const char *const after_or[] = {
        "later",
        "any later",
        "(at your option) any later",
        "(at your option) later",
        "newer",
        "greater",
        "higher",
        "above",
        "more recent",
        "lesser general",
    };
    static const char *const after_and[] = {"later", "above", "distribution", "disclaimer"};
    static const char *const after_with[] = {"advertising"};
    const char *const *v = op == T_OR ? after_or : op == T_AND ? after_and : after_with;
    size_t n = op == T_OR    ? sizeof after_or / sizeof *after_or
               : op == T_AND ? sizeof after_and / sizeof *after_and
                             : sizeof after_with / sizeof *after_with;
    size_t i = word_end;
    while (i < len && is_ws(s[i]))
        i++;
    if (i == word_end)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (follows(s, len, i, v[k]))
            return 1;
    return 0;
}

static int push(struct parser *p, enum tok_type type, size_t start, size_t end)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct tok *v = realloc(p->t, cap * sizeof *v);
        if (v == NULL)
            return strata_error_nomem(p->err);
        p->t = v;
        p->cap = cap;
    }
    p->t[p->n++] = (struct tok){type, start, end};
    return 0;
}

static int lex(struct parser *p)
{
    const char *s = p->s;
    size_t len = p->len;
    for (size_t i = 0; i < len;) {
        char c = s[i];
        int rc = 0;
        if (c == '\0')
            return strata_error_set(p->err, STRATA_EFORMAT,
                                    "license expression: NUL byte at byte %zu", i);
        if (is_ws(c)) {
            i++;
            continue;
        }
        if (c == '(' || c == ')') {
            if ((rc = push(p, c == '(' ? T_LPAREN : T_RPAREN, i, i + 1)) != 0)
                return rc;
            i++;
            continue;
        }
        if (c == ',') {
            /* ", and" / ", or": Debian's loosest grouping */
            size_t j = i + 1;
            while (j < len && is_ws(s[j]))
                j++;
            int is_and = follows(s, len, j, "and"), is_or = follows(s, len, j, "or");
            if (is_and || is_or) {
                size_t e = j + (is_and ? 3 : 2);
                if ((rc = push(p, is_and ? T_COMMA_AND : T_COMMA_OR, i, e)) != 0)
                    return rc;
                i = e;
                continue;
            }
        }
        size_t start = i;
        while (i < len && !is_ws(s[i]) && s[i] != '(' && s[i] != ')' && s[i] != '\0') {
            if (s[i] == ',' && i > start) {
                size_t j = i + 1;
                while (j < len && is_ws(s[j]))
                    j++;
                if (follows(s, len, j, "and") || follows(s, len, j, "or"))
                    break;
            }
            i++;
        }
        if (i == start) { /* a lone ',' not followed by and/or: part of a name */
            i++;
            if ((rc = push(p, T_WORD, start, i)) != 0)
                return rc;
            continue;
        }
        enum tok_type type = T_WORD;
        size_t wl = i - start;
        if (word_is(s + start, wl, "and") || word_is(s + start, wl, "&&") ||
            word_is(s + start, wl, "&"))
            type = T_AND;
        else if (word_is(s + start, wl, "or") || word_is(s + start, wl, "and/or") ||
                 word_is(s + start, wl, "||") || word_is(s + start, wl, "|"))
            type = T_OR;
        else if (word_is(s + start, wl, "with"))
            type = T_WITH;
        if (type != T_WORD && !p->canonical && operator_in_name(s, len, i, type))
            type = T_WORD;
        if ((rc = push(p, type, start, i)) != 0)
            return rc;
    }
    return 0;
}

/* ---- parser ---- */

static int perr(struct parser *p, size_t at, const char *what)
{
    return strata_error_set(p->err, STRATA_EFORMAT, "license expression: %s at byte %zu", what, at);
}

static const struct tok *peek(const struct parser *p)
{
    return p->pos < p->n ? &p->t[p->pos] : NULL;
}

/* name := word ( word | "(" … ")" )*: returns its byte range. */
static int collect_name(struct parser *p, size_t *start, size_t *end)
{
    const struct tok *t = peek(p);
    if (t == NULL || t->type != T_WORD)
        return perr(p, t ? t->start : p->len, t ? "expected a license name" : "missing license");
    *start = t->start;
    *end = t->end;
    p->pos++;
    while ((t = peek(p)) != NULL) {
        if (t->type == T_WORD) {
            *end = t->end;
            p->pos++;
        } else if (t->type == T_LPAREN && !p->canonical) {
            /* a parenthesised note inside a name: "MIT License (MIT)", "GPLv2 (or later)" */
            size_t depth = 0, k = p->pos;
            for (; k < p->n; k++) {
                depth += p->t[k].type == T_LPAREN;
                depth -= p->t[k].type == T_RPAREN;
                if (depth == 0)
                    break;
            }
            if (k == p->n)
                return perr(p, t->start, "unbalanced '('");
            *end = p->t[k].end;
            p->pos = k + 1;
        } else {
            break;
        }
    }
    if (*end - *start > STRATA_LICENSE_MAX_NAME)
        return strata_error_set(p->err, STRATA_ELIMIT,
                                "license expression: a license name longer than %d bytes at "
                                "byte %zu",
                                STRATA_LICENSE_MAX_NAME, *start);
    if (++p->names > STRATA_LICENSE_MAX_TERMS)
        return strata_error_set(p->err, STRATA_ELIMIT,
                                "license expression: more than %d license names",
                                STRATA_LICENSE_MAX_TERMS);
    return 0;
}

static int parse_list(struct parser *p, struct strata_license_expr **out);

static int resolve(struct parser *p, size_t start, size_t end, struct strata_license_expr **out)
{
    *out = NULL;
    if (p->canonical) {
        /* Table expressions name listed ids and LicenseRef- only. */
        const struct lic_id *id = lic_find_id(p->s + start, end - start);
        char *s = id ? strdup(id->id) : strndup(p->s + start, end - start);
        if (s == NULL)
            return strata_error_nomem(p->err);
        if (id == NULL && strncmp(s, "LicenseRef-", 11) != 0) {
            free(s);
            return strata_error_set(p->err, STRATA_EINTERNAL,
                                    "license table: \"%.*s\" is not an SPDX id", (int)(end - start),
                                    p->s + start);
        }
        *out = lic_leaf(s, NULL);
        return *out ? 0 : strata_error_nomem(p->err);
    }
    int rc = lic_resolve_name(p->s + start, end - start, out);
    return rc ? strata_error_nomem(p->err) : 0;
}

static int parse_primary(struct parser *p, struct strata_license_expr **out)
{
    const struct tok *t = peek(p);
    *out = NULL;
    if (t != NULL && t->type == T_LPAREN) {
        if (++p->depth > STRATA_LICENSE_MAX_DEPTH)
            return strata_error_set(p->err, STRATA_ELIMIT,
                                    "license expression: parentheses nested deeper than %d at "
                                    "byte %zu",
                                    STRATA_LICENSE_MAX_DEPTH, t->start);
        size_t open = t->start;
        p->pos++;
        int rc = parse_list(p, out);
        if (rc != 0)
            return rc;
        t = peek(p);
        if (t == NULL || t->type != T_RPAREN) {
            strata_license_expr_free(*out);
            *out = NULL;
            return perr(p, t ? t->start : open, t ? "expected ')'" : "unbalanced '('");
        }
        p->pos++;
        p->depth--;
        return 0;
    }
    size_t start, end;
    int rc = collect_name(p, &start, &end);
    return rc ? rc : resolve(p, start, end, out);
}

static int parse_with(struct parser *p, struct strata_license_expr **out)
{
    int rc = parse_primary(p, out);
    const struct tok *t = peek(p);
    if (rc != 0 || t == NULL || t->type != T_WITH)
        return rc;
    size_t at = t->start;
    p->pos++;
    size_t start, end;
    if ((rc = collect_name(p, &start, &end)) != 0)
        goto fail;
    struct strata_license_expr *e = *out;
    if (e->kind != STRATA_LICENSE_ID || e->exception != NULL) {
        rc = perr(p, at, "WITH after more than one license");
        goto fail;
    }
    if (p->canonical) {
        const char *x = lic_find_exception(p->s + start, end - start);
        if (x == NULL) {
            rc = strata_error_set(p->err, STRATA_EINTERNAL, "license table: unknown exception");
            goto fail;
        }
        e->exception = strdup(x);
    } else {
        e->exception = lic_resolve_exception(p->s + start, end - start, e->id);
    }
    if (e->exception == NULL) {
        rc = strata_error_nomem(p->err);
        goto fail;
    }
    return 0;
fail:
    strata_license_expr_free(*out);
    *out = NULL;
    return rc;
}

typedef int (*parse_fn)(struct parser *, struct strata_license_expr **);

/* operand ( op operand )* for one precedence level. */
static int parse_level(struct parser *p, parse_fn operand, enum tok_type op1, enum tok_type op2,
                       struct strata_license_expr **out)
{
    int rc = operand(p, out);
    const struct tok *t;
    while (rc == 0 && (t = peek(p)) != NULL && (t->type == op1 || t->type == op2)) {
        enum strata_license_kind kind =
            (t->type == T_AND || t->type == T_COMMA_AND) ? STRATA_LICENSE_AND : STRATA_LICENSE_OR;
        p->pos++;
        struct strata_license_expr *rhs;
        if ((rc = operand(p, &rhs)) != 0)
            break;
        *out = lic_combine(kind, *out, rhs);
        if (*out == NULL)
            return strata_error_nomem(p->err);
    }
    if (rc != 0) {
        strata_license_expr_free(*out);
        *out = NULL;
    }
    return rc;
}

static int parse_and(struct parser *p, struct strata_license_expr **out)
{
    return parse_level(p, parse_with, T_AND, T_AND, out);
}

static int parse_or(struct parser *p, struct strata_license_expr **out)
{
    return parse_level(p, parse_and, T_OR, T_OR, out);
}

static int parse_list(struct parser *p, struct strata_license_expr **out)
{
    return parse_level(p, parse_or, T_COMMA_AND, T_COMMA_OR, out);
}

static int parse(const char *s, size_t len, int canonical, struct strata_license_expr **out,
                 struct strata_error *err)
{
    *out = NULL;
    if (len > STRATA_LICENSE_MAX_INPUT)
        return strata_error_set(err, STRATA_ELIMIT, "license expression: %zu bytes, more than %d",
                                len, STRATA_LICENSE_MAX_INPUT);
    struct parser p = {.s = s, .len = len, .canonical = canonical, .err = err};
    int rc = lex(&p);
    if (rc == 0 && p.n == 0)
        rc = strata_error_set(err, STRATA_EFORMAT, "license expression: empty");
    if (rc == 0)
        rc = parse_list(&p, out);
    if (rc == 0 && p.pos < p.n) {
        const struct tok *t = &p.t[p.pos];
        rc =
            perr(&p, t->start, t->type == T_RPAREN ? "unbalanced ')'" : "expected AND, OR or WITH");
        strata_license_expr_free(*out);
        *out = NULL;
    }
    free(p.t);
    return rc;
}

int strata_license_parse(const char *s, size_t len, struct strata_license_expr **out,
                         struct strata_error *err)
{
    return parse(s, len, 0, out, err);
}

int lic_parse_canonical(const char *s, struct strata_license_expr **out)
{
    struct strata_error err = {0};
    int rc = parse(s, strlen(s), 1, out, &err);
    return rc == 0 ? 0 : STRATA_ENOMEM == rc ? rc : STRATA_EINTERNAL;
}

/* ---- text ---- */

static int print(struct strbuf *sb, const struct strata_license_expr *e, int parens)
{
    if (e->kind == STRATA_LICENSE_ID) {
        int rc = strbuf_adds(sb, e->id);
        if (rc == 0 && e->exception)
            rc = strbuf_addf(sb, " WITH %s", e->exception);
        return rc;
    }
    int rc = parens ? strbuf_addch(sb, '(') : 0;
    for (size_t i = 0; rc == 0 && i < e->n_terms; i++) {
        if (i > 0)
            rc = strbuf_adds(sb, e->kind == STRATA_LICENSE_AND ? " AND " : " OR ");
        /* AND binds tighter than OR: only an OR inside an AND needs parentheses. */
        if (rc == 0)
            rc = print(sb, e->terms[i],
                       e->kind == STRATA_LICENSE_AND && e->terms[i]->kind == STRATA_LICENSE_OR);
    }
    if (rc == 0 && parens)
        rc = strbuf_addch(sb, ')');
    return rc;
}

char *strata_license_expr_string(const struct strata_license_expr *e)
{
    struct strbuf sb = STRBUF_INIT;
    if (print(&sb, e, 0) != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

int strata_license_normalize(const char *s, size_t len, char **out, struct strata_error *err)
{
    struct strata_license_expr *e;
    *out = NULL;
    int rc = strata_license_parse(s, len, &e, err);
    if (rc != 0)
        return rc;
    *out = strata_license_expr_string(e);
    strata_license_expr_free(e);
    return *out ? 0 : strata_error_nomem(err);
}

char *strata_license_normalize_lenient(const char *s, size_t len)
{
    char *out;
    struct strata_error err = {0};
    int rc = strata_license_normalize(s, len, &out, &err);
    if (rc == 0)
        return out;
    if (rc == STRATA_ENOMEM)
        return NULL;
    /* Only the start matters: a LicenseRef- is cut to LIC_REF_MAX bytes anyway. */
    size_t n = len < 4 * LIC_REF_MAX ? len : 4 * LIC_REF_MAX;
    const char *nul = memchr(s, '\0', n);
    if (nul != NULL)
        n = (size_t)(nul - s);
    return lic_ref("LicenseRef-", s, n);
}

/* ---- categories, listed ids ---- */

const char *strata_license_category(const char *id)
{
    if (id == NULL)
        return lic_category_name(LIC_UNKNOWN);
    const struct lic_id *e = lic_find_id(id, strlen(id));
    if (e != NULL)
        return lic_category_name((enum lic_category)e->category);
    if (strncasecmp(id, "LicenseRef-", 11) != 0)
        return lic_category_name(LIC_UNKNOWN);
    /* Names we make ourselves (license_alias.c) and what Debian's copyright files call
     * their own: what they say is what they are. */
    char low[LIC_REF_MAX + 16];
    size_t n = strlen(id + 11);
    if (n >= sizeof low)
        n = sizeof low - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)id[11 + i]);
    low[n] = '\0';
    if (strstr(low, "non-commercial") || strstr(low, "noncommercial") || strstr(low, "noderiv"))
        return lic_category_name(LIC_FORBIDDEN);
    if (strstr(low, "public-domain") || strstr(low, "permissive"))
        return lic_category_name(LIC_PERMISSIVE);
    /* Debian's own names for variants of permissive families: "BSD-3-clause-Regents",
     * "MIT-like", "Expat-ISC", "ISC-Original" */
    static const char *const families[] = {"bsd", "mit", "expat", "isc", "x11", "zlib"};
    for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
        size_t fl = strlen(families[i]);
        if (strncmp(low, families[i], fl) == 0 && (low[fl] == '\0' || low[fl] == '-'))
            return lic_category_name(LIC_PERMISSIVE);
    }
    return lic_category_name(LIC_UNKNOWN);
}

static int listed(const struct strata_license_expr *e)
{
    if (e->kind == STRATA_LICENSE_ID)
        return lic_find_id(e->id, strlen(e->id)) != NULL &&
               (e->exception == NULL || lic_find_exception(e->exception, strlen(e->exception)));
    for (size_t i = 0; i < e->n_terms; i++)
        if (!listed(e->terms[i]))
            return 0;
    return 1;
}

int strata_license_expr_listed(const char *expr)
{
    struct strata_license_expr *e;
    struct strata_error err = {0};
    if (expr == NULL || strata_license_parse(expr, strlen(expr), &e, &err) != 0)
        return 0;
    int ok = listed(e);
    strata_license_expr_free(e);
    return ok;
}
