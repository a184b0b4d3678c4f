/* Compiling the ruleset: conditions (appends joined) are parsed, macros expanded (each
 * compiled once and shared), lists named inside `in (…)` expanded, every comparison checked
 * against its field's type and turned into a precompiled matcher, exceptions added as
 * `and not (…)`, outputs compiled, and each rule indexed by the event types its condition
 * can match (docs/runtime-rules.md, "Evaluation"). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/rules_internal.h"

#define RT_MAX_EXPANDED_DEPTH 1000 /* nesting once macros are expanded */

struct cc {
    struct rt_rules *r;
    struct strata_error *err;
    int depth;
    int macro_depth;
};

/* A value and where it came from: a token of a joined condition, or a YAML scalar. */
struct vsrc {
    const char *text;
    uint32_t len;
    int quoted;
    const struct rs_joined *j;
    size_t off, span;
    const struct rs_text *t;
};

static void vwhere(const struct vsrc *v, char *buf, size_t cap)
{
    if (v->j != NULL)
        rs_where(v->j, v->off, v->span, buf, cap);
    else if (v->t != NULL)
        rs_text_where(v->t, buf, cap);
    else
        snprintf(buf, cap, "?");
}

static int cerr(struct cc *c, const struct vsrc *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int cerr(struct cc *c, const struct vsrc *at, const char *fmt, ...)
{
    char where[600], msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vwhere(at, where, sizeof where);
    return strata_error_set(c->err, STRATA_EFORMAT, "%s: %s", where, msg);
}

/* Names the rule after the message: "FILE:LINE:COL: what (rule NAME)". */
static int in_rule(struct strata_error *err, const char *name)
{
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, " (rule %s)", name);
    return err->code;
}

static struct vsrc tok_src(const struct rs_joined *j, const struct tok *k)
{
    struct vsrc v = {k->text, k->len, k->kind == TK_QUOTED, j, k->off, k->span, NULL};
    return v;
}

static struct vsrc text_src(const struct rs_text *t, int quoted)
{
    struct vsrc v = {t->text, (uint32_t)t->len, quoted, NULL, 0, 0, t};
    return v;
}

static uint64_t class_types(uint16_t classes)
{
    if (classes == 0)
        return RT_ALL_TYPES;
    uint64_t m = 0;
    for (unsigned t = 1; t < RT_EV_TYPE_COUNT; t++)
        if (classes & (1u << rt_event_type_class((enum rt_event_type)t)))
            m |= (uint64_t)1 << t;
    return m;
}

/* ---- values ---- */

struct vvec {
    struct vsrc *v;
    size_t n, cap;
};

static int vpush(struct cc *c, struct vvec *vv, const struct vsrc *v)
{
    if (vv->n >= RT_RULES_MAX_LIST_ITEMS)
        return cerr(c, v, "more than %u values once lists are expanded", RT_RULES_MAX_LIST_ITEMS);
    if (vv->n == vv->cap) {
        size_t nc = vv->cap ? vv->cap * 2 : 8;
        struct vsrc *n = arena_alloc(&c->r->arena, nc * sizeof *n);
        if (n == NULL)
            return strata_error_nomem(c->err);
        if (vv->n > 0)
            memcpy(n, vv->v, vv->n * sizeof *n);
        vv->v = n;
        vv->cap = nc;
    }
    vv->v[vv->n++] = *v;
    return 0;
}

/* A bare value naming a list stands for the list's items (lists inside lists too). */
static int expand_value(struct cc *c, struct vvec *out, const struct vsrc *v, int depth)
{
    struct rs_list *l = v->quoted ? NULL : strmap_getn(&c->r->list_map, v->text, v->len);
    if (l == NULL)
        return vpush(c, out, v);
    if (depth >= RT_RULES_MAX_LIST_DEPTH)
        return cerr(c, v, "lists nest deeper than %d levels", RT_RULES_MAX_LIST_DEPTH);
    if (l->expanding)
        return cerr(c, v, "list %s contains itself", l->name);
    l->expanding = 1;
    l->used = 1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        struct vsrc item = text_src(&l->items[i].t, l->items[i].quoted);
        rc = expand_value(c, out, &item, depth + 1);
    }
    l->expanding = 0;
    return rc;
}

static int parse_u64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20)
        return -1;
    uint64_t v = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (n > 18)
            return -1;
        for (size_t i = 2; i < n; i++) {
            int d = isdigit((unsigned char)s[i])   ? s[i] - '0'
                    : (s[i] >= 'a' && s[i] <= 'f') ? s[i] - 'a' + 10
                    : (s[i] >= 'A' && s[i] <= 'F') ? s[i] - 'A' + 10
                                                   : -1;
            if (d < 0)
                return -1;
            v = v << 4 | (uint64_t)d;
        }
        *out = v;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_i64(const char *s, size_t n, int64_t *out)
{
    int neg = n > 0 && s[0] == '-';
    uint64_t u;
    if (parse_u64(s + neg, n - (size_t)neg, &u) != 0 || u > (uint64_t)INT64_MAX + (uint64_t)neg)
        return -1;
    *out = neg ? (int64_t)(0 - u) : (int64_t)u;
    return 0;
}

static int parse_net(const char *s, size_t n, struct ipnet *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *slash = strchr(buf, '/');
    long prefix = -1;
    if (slash != NULL) {
        *slash = '\0';
        uint64_t p;
        if (parse_u64(slash + 1, strlen(slash + 1), &p) != 0 || p > 128)
            return -1;
        prefix = (long)p;
    }
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, buf, out->addr) == 1) {
        out->family = RT_AF_INET;
        if (prefix > 32)
            return -1;
        out->prefix = (uint8_t)(prefix < 0 ? 32 : prefix);
    } else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
        out->family = RT_AF_INET6;
        out->prefix = (uint8_t)(prefix < 0 ? 128 : prefix);
    } else {
        return -1;
    }
    return 0;
}

static int ops_allowed(uint8_t ftype, enum rt_op op)
{
    switch (ftype) {
    case RF_STR:
        return 1;
    case RF_STRLIST:
        return op != OP_LT && op != OP_LE && op != OP_GT && op != OP_GE;
    case RF_UINT:
    case RF_INT:
    case RF_UINTLIST:
        return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE || op == OP_GT ||
               op == OP_GE || op == OP_IN || op == OP_INTERSECTS || op == OP_EXISTS;
    case RF_BOOL:
        return op == OP_EQ || op == OP_NE || op == OP_EXISTS;
    case RF_IP:
        return op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS || op == OP_EXISTS;
    }
    return 0;
}

static const char *type_word(uint8_t t)
{
    switch (t) {
    case RF_STR:
        return "a string";
    case RF_STRLIST:
        return "a list of strings";
    case RF_UINT:
    case RF_INT:
        return "a number";
    case RF_UINTLIST:
        return "a list of numbers";
    case RF_BOOL:
        return "a boolean";
    case RF_IP:
        return "an IP address";
    }
    return "?";
}

static uint32_t str_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* One comparison: field (and [N]), operator, values (lists not yet expanded). *types and
 * *exact say for which event types it can be true (exact: true exactly for those). */
static int build_cmp(struct cc *c, uint16_t field, int32_t arg, enum rt_op op,
                     const struct vsrc *fat, const struct vsrc *vals, size_t nvals, int has_list,
                     struct cnode **out, uint64_t *types, int *exact)
{
    struct arena *a = &c->r->arena;
    const struct rf_def *d = &rf_defs[field];
    uint8_t ftype = arg >= 0 ? d->indexed_type : d->type;
    if (!ops_allowed(ftype, op))
        return cerr(c, fat, "operator %s does not apply to %s, which is %s", rt_op_name(op),
                    d->name, type_word(ftype));
    struct vvec vv = {0};
    for (size_t i = 0; i < nvals; i++) {
        int rc = has_list ? expand_value(c, &vv, &vals[i], 0) : vpush(c, &vv, &vals[i]);
        if (rc != 0)
            return rc;
    }
    if (!has_list && op != OP_EXISTS && vv.n != 1)
        return cerr(c, fat, "operator %s takes one value", rt_op_name(op));
    struct cmatch *m = arena_alloc(a, sizeof *m);
    struct cnode *n = arena_alloc(a, sizeof *n);
    if (m == NULL || n == NULL)
        return strata_error_nomem(c->err);
    memset(m, 0, sizeof *m);
    memset(n, 0, sizeof *n);
    n->kind = CN_CMP;
    n->m = m;
    m->field = field;
    m->arg = arg;
    m->op = (uint8_t)op;
    m->ftype = ftype;
    *types = class_types(d->classes);
    *exact = 0;

    if (field == RF_EVT_TYPE &&
        (op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS)) {
        uint64_t mask = 0;
        for (size_t i = 0; i < vv.n; i++) {
            enum rt_event_type t = rt_event_type_from_name(vv.v[i].text, vv.v[i].len);
            if (t == RT_EV_NONE) {
                char where[600];
                vwhere(&vv.v[i], where, sizeof where);
                if (rs_warn(c->r,
                            "%s: evt.type %.100s is not an event strata reports: never matches",
                            where, vv.v[i].text) != 0)
                    return strata_error_nomem(c->err);
                continue;
            }
            mask |= (uint64_t)1 << t;
        }
        m->type_mask = op == OP_NE ? RT_ALL_TYPES & ~mask : mask;
        m->is_type = 1;
        *types = m->type_mask;
        *exact = 1;
        *out = n;
        return 0;
    }

    m->nvals = (uint32_t)vv.n;
    if (vv.n == 0) {
        *out = n;
        return 0;
    }
    switch (ftype) {
    case RF_STR:
    case RF_STRLIST: {
        m->strs = arena_alloc(a, vv.n * sizeof *m->strs);
        if (m->strs == NULL)
            return strata_error_nomem(c->err);
        for (size_t i = 0; i < vv.n; i++) {
            size_t len = vv.v[i].len;
            char *s = arena_strndup(a, vv.v[i].text, len);
            if (s == NULL)
                return strata_error_nomem(c->err);
            if (op == OP_ICONTAINS)
                for (size_t k = 0; k < len; k++)
                    s[k] = (char)tolower((unsigned char)s[k]);
            if (op == OP_PMATCH)
                while (len > 1 && s[len - 1] == '/')
                    s[--len] = '\0';
            m->strs[i].s = s;
            m->strs[i].n = (uint32_t)len;
        }
        if ((op == OP_IN || op == OP_INTERSECTS) && vv.n > 8) {
            size_t slots = 16;
            while (slots < vv.n * 2)
                slots *= 2;
            m->hash = arena_alloc(a, slots * sizeof *m->hash);
            if (m->hash == NULL)
                return strata_error_nomem(c->err);
            memset(m->hash, 0, slots * sizeof *m->hash);
            m->hash_mask = (uint32_t)(slots - 1);
            for (size_t i = 0; i < vv.n; i++) {
                uint32_t h = str_hash(m->strs[i].s, m->strs[i].n) & m->hash_mask;
                while (m->hash[h] != 0)
                    h = (h + 1) & m->hash_mask;
                m->hash[h] = (uint32_t)i + 1;
            }
        }
        break;
    }
    case RF_UINT:
    case RF_UINTLIST:
    case RF_INT:
    case RF_BOOL: {
        m->nums = arena_alloc(a, vv.n * sizeof *m->nums);
        if (m->nums == NULL)
            return strata_error_nomem(c->err);
        for (size_t i = 0; i < vv.n; i++) {
            const struct vsrc *v = &vv.v[i];
            if (ftype == RF_BOOL) {
                if (v->len == 4 && strncasecmp(v->text, "true", 4) == 0)
                    m->nums[i] = 1;
                else if (v->len == 5 && strncasecmp(v->text, "false", 5) == 0)
                    m->nums[i] = 0;
                else
                    return cerr(c, v, "%s is a boolean: the value is true or false, not '%.60s'",
                                d->name, v->text);
            } else if (ftype == RF_INT) {
                int64_t x;
                if (parse_i64(v->text, v->len, &x) != 0)
                    return cerr(c, v, "%s is a number: '%.60s' is not one", d->name, v->text);
                memcpy(&m->nums[i], &x, sizeof x);
            } else if (parse_u64(v->text, v->len, &m->nums[i]) != 0) {
                return cerr(c, v, "%s is a number: '%.60s' is not one (0 or more)", d->name,
                            v->text);
            }
        }
        if (vv.n > 16 && (op == OP_IN || op == OP_INTERSECTS))
            qsort(m->nums, vv.n, sizeof *m->nums, ftype == RF_INT ? cmp_i64 : cmp_u64);
        break;
    }
    case RF_IP:
        m->nets = arena_alloc(a, vv.n * sizeof *m->nets);
        if (m->nets == NULL)
            return strata_error_nomem(c->err);
        for (size_t i = 0; i < vv.n; i++)
            if (parse_net(vv.v[i].text, vv.v[i].len, &m->nets[i]) != 0)
                return cerr(c, &vv.v[i],
                            "%s is an IP address: '%.60s' is not an address or a network", d->name,
                            vv.v[i].text);
        break;
    }
    *out = n;
    return 0;
}

/* ---- AST → compiled nodes ---- */

static int compile_ast(struct cc *c, const struct ast *a, struct cnode **out, uint64_t *types,
                       int *exact);

static int compile_macro(struct cc *c, struct rs_macro *m, const struct vsrc *ref)
{
    if (m->state == 2)
        return 0;
    if (m->state == 1)
        return cerr(c, ref, "macro %s uses itself", m->name);
    if (c->macro_depth >= RT_RULES_MAX_MACRO_DEPTH)
        return cerr(c, ref, "macros nest deeper than %d levels", RT_RULES_MAX_MACRO_DEPTH);
    m->state = 1;
    c->macro_depth++;
    struct rs_joined *j = arena_alloc(&c->r->arena, sizeof *j);
    struct tok *toks;
    size_t nt;
    int rc = j == NULL ? strata_error_nomem(c->err) : 0;
    if (rc == 0 && (rc = rs_join(&c->r->arena, m->parts, m->nparts, j)) != 0)
        rc = strata_error_nomem(c->err);
    if (rc == 0)
        rc = rt_lex(j, &c->r->arena, &toks, &nt, c->err);
    if (rc == 0)
        rc = rt_parse(j, toks, nt, &c->r->arena, &m->ast, NULL, c->err);
    int exact = 0;
    if (rc == 0)
        rc = compile_ast(c, m->ast, &m->compiled, &m->types, &exact);
    c->macro_depth--;
    if (rc != 0) {
        m->state = 0;
        return rc;
    }
    /* the macro's "exact" is recomputed from its node below */
    m->state = 2;
    return 0;
}

/* Whether a compiled node is exactly "evt.type in types". */
static int node_exact(const struct cnode *n)
{
    switch (n->kind) {
    case CN_TRUE:
    case CN_FALSE:
        return 1;
    case CN_CMP:
        return n->m->is_type;
    case CN_NOT:
        return node_exact(n->kids[0]);
    case CN_AND:
    case CN_OR:
        for (uint32_t i = 0; i < n->nkids; i++)
            if (!node_exact(n->kids[i]))
                return 0;
        return 1;
    }
    return 0;
}

static int compile_list(struct cc *c, const struct ast *a, uint8_t kind, struct cnode **out,
                        uint64_t *types, int *exact)
{
    struct cnode **kids = arena_alloc(&c->r->arena, a->nkids * sizeof *kids);
    if (kids == NULL)
        return strata_error_nomem(c->err);
    uint64_t t = kind == CN_AND ? RT_ALL_TYPES : 0;
    int ex = 1;
    size_t total = 0;
    for (uint32_t i = 0; i < a->nkids; i++) {
        uint64_t kt;
        int ke;
        int rc = compile_ast(c, a->kids[i], &kids[i], &kt, &ke);
        if (rc != 0)
            return rc;
        t = kind == CN_AND ? t & kt : t | kt;
        ex = ex && ke;
        total += kids[i]->kind == kind ? kids[i]->nkids : 1;
    }
    struct cnode *n = arena_alloc(&c->r->arena, sizeof *n);
    struct cnode **flat = arena_alloc(&c->r->arena, total * sizeof *flat);
    if (n == NULL || flat == NULL)
        return strata_error_nomem(c->err);
    size_t k = 0;
    for (uint32_t i = 0; i < a->nkids; i++) {
        if (kids[i]->kind == kind) {
            memcpy(flat + k, kids[i]->kids, kids[i]->nkids * sizeof *flat);
            k += kids[i]->nkids;
        } else {
            flat[k++] = kids[i];
        }
    }
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->kids = flat;
    n->nkids = (uint32_t)k;
    *out = n;
    *types = t;
    *exact = ex;
    return 0;
}

static int compile_ast(struct cc *c, const struct ast *a, struct cnode **out, uint64_t *types,
                       int *exact)
{
    struct vsrc at = tok_src(a->src, a->at);
    if (++c->depth > RT_MAX_EXPANDED_DEPTH) {
        c->depth--;
        return cerr(c, &at, "conditions nest deeper than %d levels once macros are expanded",
                    RT_MAX_EXPANDED_DEPTH);
    }
    int rc = 0;
    switch (a->kind) {
    case AST_AND:
        rc = compile_list(c, a, CN_AND, out, types, exact);
        break;
    case AST_OR:
        rc = compile_list(c, a, CN_OR, out, types, exact);
        break;
    case AST_NOT: {
        struct cnode *kid;
        uint64_t kt;
        int ke;
        rc = compile_ast(c, a->kids[0], &kid, &kt, &ke);
        if (rc != 0)
            break;
        struct cnode *n = arena_alloc(&c->r->arena, sizeof *n);
        struct cnode **kids = arena_alloc(&c->r->arena, sizeof *kids);
        if (n == NULL || kids == NULL) {
            rc = strata_error_nomem(c->err);
            break;
        }
        memset(n, 0, sizeof *n);
        n->kind = CN_NOT;
        kids[0] = kid;
        n->kids = kids;
        n->nkids = 1;
        *out = n;
        *exact = ke;
        *types = ke ? RT_ALL_TYPES & ~kt : RT_ALL_TYPES;
        break;
    }
    case AST_MACRO: {
        struct rs_macro *m = strmap_get(&c->r->macro_map, a->macro);
        if (m == NULL) {
            rc = cerr(c, &at, "unknown macro '%.100s' (not a field, and no macro of that name)",
                      a->macro);
            break;
        }
        if ((rc = compile_macro(c, m, &at)) != 0)
            break;
        *out = m->compiled;
        *types = m->types;
        *exact = node_exact(m->compiled);
        break;
    }
    case AST_CMP: {
        struct vsrc *vals = NULL;
        if (a->nvals > 0 && (vals = arena_alloc(&c->r->arena, a->nvals * sizeof *vals)) == NULL) {
            rc = strata_error_nomem(c->err);
            break;
        }
        for (uint32_t i = 0; i < a->nvals; i++)
            vals[i] = tok_src(a->src, a->vals[i].at);
        rc = build_cmp(c, a->field, a->arg, (enum rt_op)a->op, &at, vals, a->nvals, a->has_list,
                       out, types, exact);
        break;
    }
    default:
        rc = cerr(c, &at, "internal: unknown node %d", a->kind);
    }
    c->depth--;
    return rc;
}

/* ---- exceptions ---- */

static int node_of(struct cc *c, uint8_t kind, struct cnode **kids, size_t n, struct cnode **out)
{
    struct cnode *node = arena_alloc(&c->r->arena, sizeof *node);
    if (node == NULL)
        return strata_error_nomem(c->err);
    memset(node, 0, sizeof *node);
    node->kind = kind;
    node->kids = kids;
    node->nkids = (uint32_t)n;
    *out = node;
    return 0;
}

static int is_list_op(enum rt_op op)
{
    return op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH;
}

/* One exception as "(t1 or t2 …)" where each value tuple t is "f1 c1 v1 and f2 c2 v2 …". */
static int compile_exception(struct cc *c, const struct rs_exception *x, struct cnode **out)
{
    struct arena *a = &c->r->arena;
    uint16_t fields[RT_RULES_MAX_EXC_FIELDS];
    int32_t args[RT_RULES_MAX_EXC_FIELDS];
    enum rt_op ops[RT_RULES_MAX_EXC_FIELDS];
    *out = NULL;
    for (size_t i = 0; i < x->nfields; i++) {
        struct vsrc fs = text_src(x->fields[i], 0);
        int bad;
        int f = rt_field_parse(x->fields[i]->text, x->fields[i]->len, &args[i], &bad);
        if (f < 0)
            return cerr(c, &fs, "exception %s: unknown field '%.100s'", x->name, fs.text);
        if (bad)
            return cerr(c, &fs, "exception %s: bad argument in '%.100s'", x->name, fs.text);
        fields[i] = (uint16_t)f;
        if (x->comps[i] != NULL) {
            struct vsrc cs = text_src(x->comps[i], 0);
            ops[i] = rt_op_parse(cs.text, cs.len);
            if (ops[i] == OP_NONE || ops[i] == OP_EXISTS)
                return cerr(c, &cs, "exception %s: unknown operator '%.60s'", x->name, cs.text);
        } else {
            ops[i] = x->single ? OP_IN : OP_EQ;
        }
    }
    if (x->nvalues == 0)
        return 0;
    struct cnode **alts = arena_alloc(a, x->nvalues * sizeof *alts);
    if (alts == NULL)
        return strata_error_nomem(c->err);
    size_t nalts = 0;
    uint64_t t;
    int ex;
    struct vsrc fat0 = text_src(x->fields[0], 0);
    if (x->single && is_list_op(ops[0])) {
        /* fields: f, comps: in, values: [a, b] → f in (a, b) */
        size_t total = 0, nv = 0;
        for (size_t v = 0; v < x->nvalues; v++)
            total += x->values[v].nitems[0];
        struct vsrc *vals = arena_alloc(a, (total ? total : 1) * sizeof *vals);
        if (vals == NULL)
            return strata_error_nomem(c->err);
        for (size_t v = 0; v < x->nvalues; v++)
            for (size_t k = 0; k < x->values[v].nitems[0]; k++)
                vals[nv++] = text_src(x->values[v].items[0][k], 0);
        return build_cmp(c, fields[0], args[0], ops[0], &fat0, vals, nv, 1, out, &t, &ex);
    }
    for (size_t v = 0; v < x->nvalues; v++) {
        const struct rs_exc_value *val = &x->values[v];
        struct cnode **terms = arena_alloc(a, x->nfields * sizeof *terms);
        if (terms == NULL)
            return strata_error_nomem(c->err);
        for (size_t i = 0; i < x->nfields; i++) {
            struct vsrc fat = text_src(x->fields[i], 0);
            size_t ni = val->nitems[i];
            struct vsrc *vals = arena_alloc(a, (ni ? ni : 1) * sizeof *vals);
            if (vals == NULL)
                return strata_error_nomem(c->err);
            for (size_t k = 0; k < ni; k++)
                vals[k] = text_src(val->items[i][k], 0);
            int list = is_list_op(ops[i]);
            if (!list && ni != 1)
                return cerr(c, ni ? &vals[0] : &fat,
                            "exception %s: %s takes one value, not a sequence", x->name,
                            rt_op_name(ops[i]));
            int rc =
                build_cmp(c, fields[i], args[i], ops[i], &fat, vals, ni, list, &terms[i], &t, &ex);
            if (rc != 0)
                return rc;
        }
        int rc = x->nfields == 1 ? (alts[nalts] = terms[0], 0)
                                 : node_of(c, CN_AND, terms, x->nfields, &alts[nalts]);
        if (rc != 0)
            return rc;
        nalts++;
    }
    return nalts == 1 ? (*out = alts[0], 0) : node_of(c, CN_OR, alts, nalts, out);
}

/* ---- rules ---- */

static char *join_desc(struct cc *c, const struct rs_rule *rule)
{
    size_t len = 0;
    for (size_t i = 0; i < rule->ndesc; i++)
        len += rule->desc_parts[i]->len + 1;
    char *s = arena_alloc(&c->r->arena, len + 1);
    if (s == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < rule->ndesc; i++) {
        if (i > 0)
            s[o++] = ' ';
        memcpy(s + o, rule->desc_parts[i]->text, rule->desc_parts[i]->len);
        o += rule->desc_parts[i]->len;
    }
    s[o] = '\0';
    /* a folded block scalar ends with a line break */
    while (o > 0 && (s[o - 1] == '\n' || s[o - 1] == ' '))
        s[--o] = '\0';
    return s;
}

static int compile_rule(struct cc *c, const struct rs_rule *rs, struct rt_rule *out, int *skip)
{
    struct arena *a = &c->r->arena;
    *skip = 0;
    struct rs_joined *j = arena_alloc(a, sizeof *j);
    if (j == NULL || rs_join(a, rs->cond_parts, rs->ncond, j) != 0)
        return strata_error_nomem(c->err);
    struct tok *toks;
    size_t nt;
    int rc = rt_lex(j, a, &toks, &nt, c->err);
    struct ast *ast = NULL;
    const struct tok *unknown = NULL;
    if (rc == 0)
        rc = rt_parse(j, toks, nt, a, &ast, rs->skip_if_unknown ? &unknown : NULL, c->err);
    if (rc != 0)
        return in_rule(c->err, rs->name);
    if (unknown != NULL) {
        char where[600];
        rs_where(j, unknown->off, unknown->span, where, sizeof where);
        *skip = 1;
        return rs_warn(c->r, "%s: rule %s skipped (skip-if-unknown-filter): unknown field %.100s",
                       where, rs->name, unknown->text) != 0
                   ? strata_error_nomem(c->err)
                   : 0;
    }
    int exact;
    c->depth = 0;
    rc = compile_ast(c, ast, &out->cond, &out->types, &exact);
    if (rc != 0)
        return in_rule(c->err, rs->name);
    /* exceptions: cond and not (e1 or e2 …) */
    struct cnode **excs = rs->nexc ? arena_alloc(a, rs->nexc * sizeof *excs) : NULL;
    size_t nexc = 0;
    if (rs->nexc && excs == NULL)
        return strata_error_nomem(c->err);
    for (size_t i = 0; i < rs->nexc; i++) {
        struct cnode *e;
        if ((rc = compile_exception(c, &rs->exc[i], &e)) != 0)
            return in_rule(c->err, rs->name);
        if (e != NULL)
            excs[nexc++] = e;
    }
    if (nexc > 0) {
        struct cnode *any = NULL, *not_any = NULL;
        struct cnode **pair = arena_alloc(a, 2 * sizeof *pair);
        struct cnode **one = arena_alloc(a, sizeof *one);
        if (pair == NULL || one == NULL)
            return strata_error_nomem(c->err);
        if (nexc == 1)
            any = excs[0];
        else if ((rc = node_of(c, CN_OR, excs, nexc, &any)) != 0)
            return rc;
        one[0] = any;
        if ((rc = node_of(c, CN_NOT, one, 1, &not_any)) != 0)
            return rc;
        pair[0] = out->cond;
        pair[1] = not_any;
        if ((rc = node_of(c, CN_AND, pair, 2, &out->cond)) != 0)
            return rc;
    }
    struct rs_joined *oj = arena_alloc(a, sizeof *oj);
    if (oj == NULL || rs_join(a, rs->out_parts, rs->nout, oj) != 0)
        return strata_error_nomem(c->err);
    if ((rc = rt_output_compile(a, oj, &out->out, &out->nout, c->err)) != 0)
        return in_rule(c->err, rs->name);
    out->name = rs->name;
    out->desc = join_desc(c, rs);
    out->priority = rs->priority;
    out->action = rs->action;
    out->enabled = rs->enabled;
    out->tags = rs->tags;
    out->ntags = rs->ntags;
    char where[600];
    rs_text_where(&rs->at, where, sizeof where);
    char *colon = strrchr(where, ':'); /* FILE:LINE, without the column */
    if (colon != NULL)
        *colon = '\0';
    out->where = arena_strdup(a, where);
    if (out->desc == NULL || out->where == NULL)
        return strata_error_nomem(c->err);
    return 0;
}

int rt_rules_compile(struct rt_rules *r, struct strata_error *err)
{
    if (r->compiled)
        return strata_error_set(err, STRATA_EINTERNAL, "rules compiled twice");
    struct cc c = {r, err, 0, 0};
    struct arena *a = &r->arena;
    r->crules = arena_alloc(a, (r->nrules ? r->nrules : 1) * sizeof *r->crules);
    if (r->crules == NULL)
        return strata_error_nomem(err);
    r->ncrules = 0;
    for (size_t i = 0; i < r->nrules; i++) {
        const struct rs_rule *rs = r->rules[i];
        if (rs->skipped) {
            r->skipped++;
            continue;
        }
        struct rt_rule *out = &r->crules[r->ncrules];
        memset(out, 0, sizeof *out);
        int skip;
        int rc = compile_rule(&c, rs, out, &skip);
        if (rc != 0)
            return rc;
        if (skip) {
            r->skipped++;
            continue;
        }
        r->ncrules++;
    }
    /* macros no rule uses are still checked, as warnings */
    for (size_t i = 0; i < r->nmacros; i++) {
        struct rs_macro *m = r->macros[i];
        if (m->state != 0)
            continue;
        struct strata_error e2;
        struct cc c2 = {r, &e2, 0, 0};
        struct vsrc at = text_src(&m->at, 0);
        if (compile_macro(&c2, m, &at) != 0 &&
            rs_warn(r, "unused macro %s: %s", m->name, e2.msg) != 0)
            return strata_error_nomem(err);
    }
    /* the type index, in load order */
    size_t counts[RT_EV_TYPE_COUNT] = {0};
    for (size_t i = 0; i < r->ncrules; i++) {
        const struct rt_rule *ru = &r->crules[i];
        if (!ru->enabled)
            continue;
        if ((ru->types & RT_ALL_TYPES) == RT_ALL_TYPES)
            r->all_types++;
        for (unsigned t = 1; t < RT_EV_TYPE_COUNT; t++)
            counts[t] += (ru->types >> t) & 1;
    }
    for (unsigned t = 1; t < RT_EV_TYPE_COUNT; t++) {
        r->by_type[t] = arena_alloc(a, (counts[t] ? counts[t] : 1) * sizeof *r->by_type[t]);
        if (r->by_type[t] == NULL)
            return strata_error_nomem(err);
    }
    for (size_t i = 0; i < r->ncrules; i++) {
        const struct rt_rule *ru = &r->crules[i];
        if (!ru->enabled)
            continue;
        for (unsigned t = 1; t < RT_EV_TYPE_COUNT; t++)
            if ((ru->types >> t) & 1)
                r->by_type[t][r->nby_type[t]++] = ru;
    }
    r->compiled = 1;
    return 0;
}

void rt_rules_counts(const struct rt_rules *r, struct rt_rules_counts *out)
{
    memset(out, 0, sizeof *out);
    out->rules = r->nrules;
    out->macros = r->nmacros;
    out->lists = r->nlists;
    out->rules_skipped = r->skipped;
    out->all_types = r->all_types;
    for (size_t i = 0; i < r->ncrules; i++)
        out->rules_enabled += r->crules[i].enabled != 0;
}

size_t rt_rules_count(const struct rt_rules *r)
{
    return r->ncrules;
}

const struct rt_rule *rt_rules_get(const struct rt_rules *r, size_t i)
{
    return i < r->ncrules ? &r->crules[i] : NULL;
}

const struct rt_rule *rt_rules_find(const struct rt_rules *r, const char *name)
{
    for (size_t i = 0; i < r->ncrules; i++)
        if (strcmp(r->crules[i].name, name) == 0)
            return &r->crules[i];
    return NULL;
}

const char *rt_rule_name(const struct rt_rule *rule)
{
    return rule->name;
}

const char *rt_rule_desc(const struct rt_rule *rule)
{
    return rule->desc;
}

enum rt_priority rt_rule_priority(const struct rt_rule *rule)
{
    return rule->priority;
}

size_t rt_rule_tag_count(const struct rt_rule *rule)
{
    return rule->ntags;
}

const char *rt_rule_tag(const struct rt_rule *rule, size_t i)
{
    return i < rule->ntags ? rule->tags[i] : NULL;
}

enum rt_action_kind rt_rule_action(const struct rt_rule *rule)
{
    return rule->action;
}

int rt_rule_enabled(const struct rt_rule *rule)
{
    return rule->enabled;
}

const char *rt_rule_where(const struct rt_rule *rule)
{
    return rule->where;
}

uint64_t rt_rule_types(const struct rt_rule *rule)
{
    return rule->types;
}
