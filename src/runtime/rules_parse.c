/* The condition language: tokens and the parse into an AST (docs/runtime-rules.md,
 * "Conditions"). Grammar, as Falco's:
 *   expr    := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | primary
 *   primary := '(' expr ')' | FIELD OP VALUE | FIELD LISTOP '(' [item (',' item)*] ')'
 *            | FIELD 'exists' | MACRO
 * A value is a quoted string ('…' or "…", backslash escapes the next character) or a bare word
 * running to the next blank, '(', ')' or ','; which of the two a word is depends on where it
 * stands, so the lexer tracks that. */
#include <stdio.h>
#include <string.h>

#include "runtime/rules_internal.h"

static const struct {
    const char *name;
    enum rt_op op;
} op_words[] = {
    {"=", OP_EQ},
    {"==", OP_EQ},
    {"!=", OP_NE},
    {"<", OP_LT},
    {"<=", OP_LE},
    {">", OP_GT},
    {">=", OP_GE},
    {"in", OP_IN},
    {"intersects", OP_INTERSECTS},
    {"contains", OP_CONTAINS},
    {"icontains", OP_ICONTAINS},
    {"startswith", OP_STARTSWITH},
    {"endswith", OP_ENDSWITH},
    {"glob", OP_GLOB},
    {"pmatch", OP_PMATCH},
    {"exists", OP_EXISTS},
};

const char *rt_op_name(enum rt_op op)
{
    for (size_t i = 0; i < sizeof op_words / sizeof op_words[0]; i++)
        if (op_words[i].op == op)
            return op_words[i].name;
    return "?";
}

enum rt_op rt_op_parse(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof op_words / sizeof op_words[0]; i++)
        if (strlen(op_words[i].name) == n && memcmp(op_words[i].name, s, n) == 0)
            return op_words[i].op;
    return OP_NONE;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == '/' || c == '*' || c == ':';
}

static int lex_error(const struct rs_joined *j, size_t off, size_t n, struct strata_error *err,
                     const char *what)
{
    char where[600];
    rs_where(j, off, n, where, sizeof where);
    return strata_error_set(err, STRATA_EFORMAT, "%s: %s", where, what);
}

enum lex_state { LS_NORMAL, LS_VALUE, LS_LIST_OPEN, LS_LIST };

int rt_lex(const struct rs_joined *j, struct arena *a, struct tok **out, size_t *n,
           struct strata_error *err)
{
    const char *s = j->buf;
    size_t len = j->len;
    if (len > RT_RULES_MAX_COND)
        return lex_error(j, 0, 0, err, "condition longer than 1 MiB");
    /* at most one token per byte, plus the end */
    struct tok *t = arena_alloc(a, (len + 1) * sizeof *t);
    if (t == NULL)
        return strata_error_nomem(err);
    size_t nt = 0, i = 0;
    enum lex_state st = LS_NORMAL;
    char *unesc = arena_alloc(a, len + 1); /* room for every quoted string's bytes */
    size_t unesc_used = 0;
    if (unesc == NULL)
        return strata_error_nomem(err);
    while (i < len) {
        char c = s[i];
        if (is_blank(c)) {
            i++;
            continue;
        }
        struct tok *k = &t[nt];
        memset(k, 0, sizeof *k);
        k->off = i;
        if (c == '"' || c == '\'') {
            size_t start = i++;
            char *d = unesc + unesc_used;
            size_t dn = 0;
            while (i < len && s[i] != c) {
                if (s[i] == '\\' && i + 1 < len)
                    i++;
                d[dn++] = s[i++];
            }
            if (i >= len)
                return lex_error(j, start, 1, err, "unterminated quoted string");
            i++;
            d[dn] = '\0';
            unesc_used += dn + 1;
            k->kind = TK_QUOTED;
            k->text = d;
            k->len = (uint32_t)dn;
            k->span = i - start;
            st = st == LS_LIST ? LS_LIST : LS_NORMAL;
            nt++;
            continue;
        }
        if (c == '(' || c == ')' || c == ',') {
            k->kind = c == '(' ? TK_LPAREN : c == ')' ? TK_RPAREN : TK_COMMA;
            k->text = c == '(' ? "(" : c == ')' ? ")" : ",";
            k->len = 1;
            k->span = 1;
            i++;
            if (st == LS_LIST_OPEN && c == '(')
                st = LS_LIST;
            else if (st == LS_LIST && c == ')')
                st = LS_NORMAL;
            else if (st == LS_VALUE || st == LS_LIST_OPEN)
                st = LS_NORMAL; /* the parser reports the missing value */
            nt++;
            continue;
        }
        if (st == LS_VALUE || st == LS_LIST) {
            size_t start = i;
            while (i < len && !is_blank(s[i]) && s[i] != '(' && s[i] != ')' && s[i] != ',')
                i++;
            k->kind = TK_WORD;
            k->text = arena_strndup(a, s + start, i - start);
            if (k->text == NULL)
                return strata_error_nomem(err);
            k->len = (uint32_t)(i - start);
            k->span = i - start;
            if (st == LS_VALUE)
                st = LS_NORMAL;
            nt++;
            continue;
        }
        size_t start = i;
        if (c == '=' || c == '!' || c == '<' || c == '>') {
            i++;
            if (i < len && s[i] == '=')
                i++;
            if (c == '!' && i - start == 1)
                return lex_error(j, start, 1, err,
                                 "unknown operator '!' (did you mean != or not?)");
        } else if (is_word_char(c)) {
            while (i < len && is_word_char(s[i]))
                i++;
            if (i < len && s[i] == '[') { /* a field argument: proc.aname[2] */
                while (i < len && s[i] != ']' && !is_blank(s[i]))
                    i++;
                if (i >= len || s[i] != ']')
                    return lex_error(j, start, i - start, err, "unbalanced '[' in a field");
                i++;
            }
        } else {
            char msg[64];
            snprintf(msg, sizeof msg, "unexpected character '%c'", c >= 0x20 && c < 0x7f ? c : '?');
            return lex_error(j, start, 1, err, msg);
        }
        k->text = arena_strndup(a, s + start, i - start);
        if (k->text == NULL)
            return strata_error_nomem(err);
        k->len = (uint32_t)(i - start);
        k->span = i - start;
        enum rt_op op = rt_op_parse(k->text, k->len);
        if (op != OP_NONE) {
            k->kind = TK_OP;
            k->op = (uint8_t)op;
            st = (op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH) ? LS_LIST_OPEN
                 : op == OP_EXISTS                                       ? LS_NORMAL
                                                                         : LS_VALUE;
        } else if (strcmp(k->text, "and") == 0) {
            k->kind = TK_AND;
        } else if (strcmp(k->text, "or") == 0) {
            k->kind = TK_OR;
        } else if (strcmp(k->text, "not") == 0) {
            k->kind = TK_NOT;
        } else {
            k->kind = TK_WORD;
        }
        nt++;
    }
    memset(&t[nt], 0, sizeof t[nt]);
    t[nt].kind = TK_END;
    t[nt].text = "end of condition";
    t[nt].off = len;
    nt++;
    *out = t;
    *n = nt;
    return 0;
}

/* ---- parser ---- */

struct ps {
    const struct rs_joined *src;
    const struct tok *t;
    size_t n, i;
    struct arena *a;
    struct strata_error *err;
    int depth;
    const struct tok **unknown_field;
};

static int perr(struct ps *p, const struct tok *k, const char *fmt, const char *arg)
{
    char where[600], msg[512];
    rs_where(p->src, k->off, k->span, where, sizeof where);
    snprintf(msg, sizeof msg, fmt, arg);
    return strata_error_set(p->err, STRATA_EFORMAT, "%s: %s", where, msg);
}

static const char *show_tok(const struct tok *k, char *buf, size_t cap)
{
    if (k->kind == TK_END)
        return "the end of the condition";
    snprintf(buf, cap, "'%.60s%s'", k->text, k->len > 60 ? "..." : "");
    return buf;
}

static struct ast *new_ast(struct ps *p, uint8_t kind, const struct tok *at)
{
    struct ast *n = arena_alloc(p->a, sizeof *n);
    if (n == NULL)
        return NULL;
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->at = at;
    n->src = p->src;
    n->arg = -1;
    return n;
}

static int parse_or(struct ps *p, struct ast **out);

int rt_field_parse(const char *text, size_t len, int32_t *arg, int *bad_arg)
{
    const char *br = memchr(text, '[', len);
    size_t nlen = br ? (size_t)(br - text) : len;
    int f = rf_lookup(text, nlen);
    *bad_arg = 0;
    *arg = -1;
    if (f < 0 || br == NULL)
        return f;
    if (rf_defs[f].arg != RF_ARG_INDEX) {
        *bad_arg = 1;
        return f;
    }
    long v = 0;
    size_t k = nlen + 1;
    if (k >= len - 1) {
        *bad_arg = 1;
        return f;
    }
    for (; k < len - 1; k++) {
        if (text[k] < '0' || text[k] > '9' || v > 1000) {
            *bad_arg = 1;
            return f;
        }
        v = v * 10 + (text[k] - '0');
    }
    if (v > 1000)
        *bad_arg = 1;
    *arg = (int32_t)v;
    return f;
}

static int add_val(struct ps *p, struct ast *n, const struct tok *k, size_t *cap)
{
    if (n->nvals == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        if (nc > RT_RULES_MAX_LIST_ITEMS)
            return perr(p, k, "more than %s values in a list", "100000");
        struct ast_val *v = arena_alloc(p->a, nc * sizeof *v);
        if (v == NULL)
            return strata_error_nomem(p->err);
        if (n->nvals > 0)
            memcpy(v, n->vals, n->nvals * sizeof *v);
        n->vals = v;
        *cap = nc;
    }
    struct ast_val *v = &n->vals[n->nvals++];
    v->text = k->text;
    v->len = k->len;
    v->quoted = k->kind == TK_QUOTED;
    v->at = k;
    return 0;
}

static int parse_cmp(struct ps *p, const struct tok *fk, struct ast **out)
{
    char show[96];
    int32_t arg;
    int bad_arg;
    int f = rt_field_parse(fk->text, fk->len, &arg, &bad_arg);
    if (f < 0) {
        if (p->unknown_field != NULL) {
            if (*p->unknown_field == NULL)
                *p->unknown_field = fk;
        } else {
            return perr(p, fk, "unknown field %s", show_tok(fk, show, sizeof show));
        }
    }
    if (bad_arg)
        return perr(p, fk,
                    rf_defs[f].arg == RF_ARG_INDEX
                        ? "bad index in %s (expected [N], N from 0 to 1000)"
                        : "%s: this field takes no [argument]",
                    show_tok(fk, show, sizeof show));
    const struct tok *ok = &p->t[p->i++];
    struct ast *n = new_ast(p, AST_CMP, fk);
    if (n == NULL)
        return strata_error_nomem(p->err);
    n->op = ok->op;
    n->field = (uint16_t)(f < 0 ? 0 : f);
    n->arg = arg;
    size_t cap = 0;
    int rc = 0;
    if (ok->op == OP_EXISTS) {
        /* nothing follows */
    } else if (ok->op == OP_IN || ok->op == OP_INTERSECTS || ok->op == OP_PMATCH) {
        const struct tok *lp = &p->t[p->i];
        if (lp->kind != TK_LPAREN)
            return perr(p, lp, "expected '(' and a list of values after the operator, not %s",
                        show_tok(lp, show, sizeof show));
        p->i++;
        n->has_list = 1;
        if (p->t[p->i].kind == TK_RPAREN) {
            p->i++;
        } else {
            for (;;) {
                const struct tok *vk = &p->t[p->i];
                if (vk->kind != TK_WORD && vk->kind != TK_QUOTED)
                    return perr(p, vk, "expected a value, not %s", show_tok(vk, show, sizeof show));
                p->i++;
                if ((rc = add_val(p, n, vk, &cap)) != 0)
                    return rc;
                const struct tok *sep = &p->t[p->i];
                if (sep->kind == TK_RPAREN) {
                    p->i++;
                    break;
                }
                if (sep->kind != TK_COMMA)
                    return perr(p, sep->kind == TK_END ? lp : sep,
                                sep->kind == TK_END ? "unbalanced '(': the list has no ')'%s"
                                                    : "expected ',' or ')' in the list, not %s",
                                sep->kind == TK_END ? "" : show_tok(sep, show, sizeof show));
                p->i++;
            }
        }
    } else {
        const struct tok *vk = &p->t[p->i];
        if (vk->kind != TK_WORD && vk->kind != TK_QUOTED)
            return perr(p, vk->kind == TK_END ? ok : vk, "expected a value after '%s'",
                        rt_op_name((enum rt_op)ok->op));
        p->i++;
        if ((rc = add_val(p, n, vk, &cap)) != 0)
            return rc;
    }
    *out = n;
    return 0;
}

static int parse_primary(struct ps *p, struct ast **out)
{
    char show[96];
    const struct tok *k = &p->t[p->i];
    if (k->kind == TK_LPAREN) {
        p->i++;
        if (++p->depth > RT_RULES_MAX_DEPTH)
            return perr(p, k, "conditions nest deeper than %s levels", "100");
        int rc = parse_or(p, out);
        p->depth--;
        if (rc != 0)
            return rc;
        const struct tok *r = &p->t[p->i];
        if (r->kind != TK_RPAREN)
            return r->kind == TK_END
                       ? perr(p, k, "unbalanced '(': no ')' before %s", "the end of the condition")
                       : perr(p, r, "expected ')' or an operator, not %s",
                              show_tok(r, show, sizeof show));
        p->i++;
        return 0;
    }
    if (k->kind == TK_WORD) {
        const struct tok *next = &p->t[p->i + 1];
        if (next->kind == TK_OP) {
            p->i++;
            return parse_cmp(p, k, out);
        }
        int32_t arg;
        int bad_arg;
        int f = rt_field_parse(k->text, k->len, &arg, &bad_arg);
        if (f >= 0 && next->kind == TK_WORD)
            return perr(p, next, "unknown operator %s", show_tok(next, show, sizeof show));
        if (f >= 0)
            return perr(p, k, "field %s needs an operator and a value",
                        show_tok(k, show, sizeof show));
        if (memchr(k->text, '.', k->len) != NULL || memchr(k->text, '[', k->len) != NULL) {
            if (next->kind == TK_WORD)
                return perr(p, next, "unknown operator %s", show_tok(next, show, sizeof show));
            return perr(p, k, "unknown field %s", show_tok(k, show, sizeof show));
        }
        if (next->kind == TK_WORD || next->kind == TK_QUOTED)
            return perr(p, next, "expected 'and', 'or' or ')' after a macro name, not %s",
                        show_tok(next, show, sizeof show));
        p->i++;
        struct ast *n = new_ast(p, AST_MACRO, k);
        if (n == NULL)
            return strata_error_nomem(p->err);
        n->macro = k->text;
        *out = n;
        return 0;
    }
    if (k->kind == TK_RPAREN)
        return perr(p, k, "unbalanced ')'%s", "");
    if (k->kind == TK_OP)
        return perr(p, k, "operator %s without a field before it", show_tok(k, show, sizeof show));
    if (k->kind == TK_END)
        return perr(p, k, "the condition ends where a field, macro, 'not' or '(' is expected%s",
                    "");
    return perr(p, k, "expected a field, macro, 'not' or '(', not %s",
                show_tok(k, show, sizeof show));
}

static int parse_not(struct ps *p, struct ast **out)
{
    const struct tok *k = &p->t[p->i];
    if (k->kind != TK_NOT)
        return parse_primary(p, out);
    p->i++;
    if (++p->depth > RT_RULES_MAX_DEPTH)
        return perr(p, k, "conditions nest deeper than %s levels", "100");
    struct ast *kid;
    int rc = parse_not(p, &kid);
    p->depth--;
    if (rc != 0)
        return rc;
    struct ast *n = new_ast(p, AST_NOT, k);
    struct ast **kids = arena_alloc(p->a, sizeof *kids);
    if (n == NULL || kids == NULL)
        return strata_error_nomem(p->err);
    kids[0] = kid;
    n->kids = kids;
    n->nkids = 1;
    *out = n;
    return 0;
}

/* a op b op c … as one n-ary node. */
static int parse_chain(struct ps *p, uint8_t tk, uint8_t kind,
                       int (*sub)(struct ps *, struct ast **), struct ast **out)
{
    struct ast *first;
    int rc = sub(p, &first);
    if (rc != 0)
        return rc;
    if (p->t[p->i].kind != tk) {
        *out = first;
        return 0;
    }
    size_t n = 1, cap = 4;
    struct ast **kids = arena_alloc(p->a, cap * sizeof *kids);
    if (kids == NULL)
        return strata_error_nomem(p->err);
    kids[0] = first;
    const struct tok *at = &p->t[p->i];
    while (p->t[p->i].kind == tk) {
        p->i++;
        struct ast *k;
        if ((rc = sub(p, &k)) != 0)
            return rc;
        if (n == cap) {
            struct ast **nk = arena_alloc(p->a, cap * 2 * sizeof *nk);
            if (nk == NULL)
                return strata_error_nomem(p->err);
            memcpy(nk, kids, n * sizeof *nk);
            kids = nk;
            cap *= 2;
        }
        kids[n++] = k;
    }
    struct ast *node = new_ast(p, kind, at);
    if (node == NULL)
        return strata_error_nomem(p->err);
    node->kids = kids;
    node->nkids = (uint32_t)n;
    *out = node;
    return 0;
}

static int parse_and(struct ps *p, struct ast **out)
{
    return parse_chain(p, TK_AND, AST_AND, parse_not, out);
}

static int parse_or(struct ps *p, struct ast **out)
{
    return parse_chain(p, TK_OR, AST_OR, parse_and, out);
}

int rt_parse(const struct rs_joined *src, const struct tok *toks, size_t ntoks, struct arena *a,
             struct ast **out, const struct tok **unknown_field, struct strata_error *err)
{
    struct ps p = {src, toks, ntoks, 0, a, err, 0, unknown_field};
    if (unknown_field != NULL)
        *unknown_field = NULL;
    if (ntoks == 0 || toks[0].kind == TK_END)
        return perr(&p, &toks[0], "empty condition%s", "");
    struct ast *root;
    int rc = parse_or(&p, &root);
    if (rc != 0)
        return rc;
    const struct tok *k = &toks[p.i];
    if (k->kind != TK_END) {
        char show[96];
        if (k->kind == TK_RPAREN)
            return perr(&p, k, "unbalanced ')'%s", "");
        if (k->kind == TK_WORD && p.i > 0 && toks[p.i - 1].kind == TK_WORD)
            return perr(&p, k, "unknown operator %s", show_tok(k, show, sizeof show));
        return perr(&p, k, "expected 'and', 'or' or the end, not %s",
                    show_tok(k, show, sizeof show));
    }
    if (unknown_field != NULL && *unknown_field != NULL)
        root = NULL;
    *out = root;
    return 0;
}
