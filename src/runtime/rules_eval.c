/* Evaluating compiled rules against one event: the type index picks the rules, each
 * condition is a tree of precompiled matchers, field values are extracted once per event
 * into the context's cache. Nothing here allocates (docs/runtime-rules.md, "Evaluation"). */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/rules_internal.h"

struct rt_eval *rt_eval_new(const struct rt_rules *r)
{
    struct rt_eval *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->r = r;
    for (int f = 0; f < RF_COUNT; f++) {
        const struct rf_def *d = &rf_defs[f];
        if (d->scratch > 0 && (e->scratch[f] = calloc(1, d->scratch)) == NULL)
            goto fail;
        if (d->list_max > 0) {
            if (d->type == RF_UINTLIST)
                e->ulists[f] = calloc(d->list_max, sizeof *e->ulists[f]);
            else
                e->lists[f] = calloc(d->list_max, sizeof *e->lists[f]);
            if (e->ulists[f] == NULL && e->lists[f] == NULL)
                goto fail;
        }
    }
    return e;
fail:
    rt_eval_free(e);
    return NULL;
}

void rt_eval_free(struct rt_eval *e)
{
    if (e == NULL)
        return;
    for (int f = 0; f < RF_COUNT; f++) {
        free(e->scratch[f]);
        free(e->lists[f]);
        free(e->ulists[f]);
    }
    free(e);
}

uint64_t rt_eval_conditions(const struct rt_eval *e)
{
    return e->conditions;
}

/* ---- strings ---- */

static uint32_t str_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int eq(const struct rf_str *v, const char *s, uint32_t n)
{
    return v->n == n && memcmp(v->s, s, n) == 0;
}

static int in_set(const struct cmatch *m, const char *s, uint32_t n)
{
    if (m->hash_mask != 0) {
        uint32_t h = str_hash(s, n) & m->hash_mask;
        while (m->hash[h] != 0) {
            if (eq(&m->strs[m->hash[h] - 1], s, n))
                return 1;
            h = (h + 1) & m->hash_mask;
        }
        return 0;
    }
    for (uint32_t i = 0; i < m->nvals; i++)
        if (eq(&m->strs[i], s, n))
            return 1;
    return 0;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* needle is already lowercase */
static int icontains(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (nn == 0)
        return 1;
    if (nn > hn)
        return 0;
    for (size_t i = 0; i + nn <= hn; i++) {
        if (lower((unsigned char)hay[i]) != (unsigned char)needle[0])
            continue;
        size_t k = 1;
        while (k < nn && lower((unsigned char)hay[i + k]) == (unsigned char)needle[k])
            k++;
        if (k == nn)
            return 1;
    }
    return 0;
}

/* path is p itself or below it */
static int pmatch(const struct cmatch *m, const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < m->nvals; i++) {
        const struct rf_str *p = &m->strs[i];
        if (p->n == 1 && p->s[0] == '/') {
            if (n > 0 && s[0] == '/')
                return 1;
            continue;
        }
        if (n >= p->n && memcmp(s, p->s, p->n) == 0 && (n == p->n || s[p->n] == '/'))
            return 1;
    }
    return 0;
}

static int str_cmp(const struct rf_str *v, const char *s, uint32_t n)
{
    uint32_t k = n < v->n ? n : v->n;
    int c = memcmp(s, v->s, k);
    return c != 0 ? c : (n > v->n) - (n < v->n);
}

static int str_match(const struct cmatch *m, const char *s, uint32_t n)
{
    const struct rf_str *v = m->strs;
    switch ((enum rt_op)m->op) {
    case OP_EQ:
        return m->nvals > 0 && eq(v, s, n);
    case OP_NE:
        return m->nvals > 0 && !eq(v, s, n);
    case OP_LT:
        return str_cmp(v, s, n) < 0;
    case OP_LE:
        return str_cmp(v, s, n) <= 0;
    case OP_GT:
        return str_cmp(v, s, n) > 0;
    case OP_GE:
        return str_cmp(v, s, n) >= 0;
    case OP_IN:
    case OP_INTERSECTS:
        return in_set(m, s, n);
    case OP_CONTAINS:
        return v->n == 0 || (n >= v->n && memmem(s, n, v->s, v->n) != NULL);
    case OP_ICONTAINS:
        return icontains(s, n, v->s, v->n);
    case OP_STARTSWITH:
        return n >= v->n && memcmp(s, v->s, v->n) == 0;
    case OP_ENDSWITH:
        return n >= v->n && memcmp(s + n - v->n, v->s, v->n) == 0;
    case OP_GLOB:
        return fnmatch(v->s, s, 0) == 0;
    case OP_PMATCH:
        return pmatch(m, s, n);
    case OP_EXISTS:
        return 1;
    case OP_NONE:
        break;
    }
    return 0;
}

/* ---- numbers and addresses ---- */

static int cmp_num(uint64_t a, uint64_t b, int is_signed)
{
    if (is_signed) {
        int64_t x, y;
        memcpy(&x, &a, sizeof x);
        memcpy(&y, &b, sizeof y);
        return (x > y) - (x < y);
    }
    return (a > b) - (a < b);
}

static int num_in(const struct cmatch *m, uint64_t u, int is_signed)
{
    if (m->nvals > 16) { /* sorted at compile time */
        size_t lo = 0, hi = m->nvals;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = cmp_num(m->nums[mid], u, is_signed);
            if (c == 0)
                return 1;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return 0;
    }
    for (uint32_t i = 0; i < m->nvals; i++)
        if (m->nums[i] == u)
            return 1;
    return 0;
}

static int num_match(const struct cmatch *m, uint64_t u, int is_signed)
{
    if (m->nvals == 0)
        return 0;
    int c = cmp_num(u, m->nums[0], is_signed);
    switch ((enum rt_op)m->op) {
    case OP_EQ:
        return c == 0;
    case OP_NE:
        return c != 0;
    case OP_LT:
        return c < 0;
    case OP_LE:
        return c <= 0;
    case OP_GT:
        return c > 0;
    case OP_GE:
        return c >= 0;
    case OP_IN:
    case OP_INTERSECTS:
        return num_in(m, u, is_signed);
    default:
        return 0;
    }
}

static int net_has(const struct ipnet *net, uint8_t fam, const uint8_t *ip)
{
    if (net->family != fam)
        return 0;
    unsigned bits = net->prefix, full = bits / 8, rest = bits % 8;
    if (memcmp(net->addr, ip, full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    uint8_t mask = (uint8_t)(0xFFu << (8 - rest));
    return (net->addr[full] & mask) == (ip[full] & mask);
}

static int ip_match(const struct cmatch *m, uint8_t fam, const uint8_t *ip)
{
    if (m->nvals == 0)
        return 0;
    switch ((enum rt_op)m->op) {
    case OP_EQ:
        return net_has(&m->nets[0], fam, ip);
    case OP_NE:
        return !net_has(&m->nets[0], fam, ip);
    case OP_IN:
    case OP_INTERSECTS:
        for (uint32_t i = 0; i < m->nvals; i++)
            if (net_has(&m->nets[i], fam, ip))
                return 1;
        return 0;
    default:
        return 0;
    }
}

/* ---- lists: any element, except `in` (every element) and `!=` (no element) ---- */

static int strlist_match(const struct cmatch *m, const struct rf_val *v)
{
    enum rt_op op = (enum rt_op)m->op;
    if (op == OP_NE) {
        for (uint32_t i = 0; i < v->n; i++)
            if (m->nvals > 0 && eq(&m->strs[0], v->list[i].s, v->list[i].n))
                return 0;
        return 1;
    }
    if (op == OP_IN && m->field != RF_PROC_ANAME) {
        if (v->n == 0)
            return 0;
        for (uint32_t i = 0; i < v->n; i++)
            if (!in_set(m, v->list[i].s, v->list[i].n))
                return 0;
        return 1;
    }
    for (uint32_t i = 0; i < v->n; i++)
        if (str_match(m, v->list[i].s, v->list[i].n))
            return 1;
    return 0;
}

static int uintlist_match(const struct cmatch *m, const struct rf_val *v)
{
    if (m->op == OP_NE) {
        for (uint32_t i = 0; i < v->n; i++)
            if (m->nvals > 0 && v->ulist[i] == m->nums[0])
                return 0;
        return 1;
    }
    for (uint32_t i = 0; i < v->n; i++)
        if (num_match(m, v->ulist[i], 0))
            return 1;
    return 0;
}

static int eval_cmp(struct rt_eval *e, const struct cmatch *m)
{
    if (m->is_type)
        return (m->type_mask >> e->ev->type) & 1;
    struct rf_val v;
    if (!rf_extract(e, m->field, m->arg, &v))
        return 0; /* a field the event does not have matches nothing, as in Falco */
    if (m->op == OP_EXISTS)
        return 1;
    switch (v.type) {
    case RF_STR:
        return str_match(m, v.s, v.n);
    case RF_UINT:
    case RF_BOOL:
        return num_match(m, v.u, 0);
    case RF_INT: {
        uint64_t u;
        memcpy(&u, &v.i, sizeof u);
        return num_match(m, u, 1);
    }
    case RF_IP:
        return ip_match(m, v.family, v.ip);
    case RF_STRLIST:
        return strlist_match(m, &v);
    case RF_UINTLIST:
        return uintlist_match(m, &v);
    }
    return 0;
}

int rt_cnode_eval(struct rt_eval *e, const struct cnode *n)
{
    switch (n->kind) {
    case CN_AND:
        for (uint32_t i = 0; i < n->nkids; i++)
            if (!rt_cnode_eval(e, n->kids[i]))
                return 0;
        return 1;
    case CN_OR:
        for (uint32_t i = 0; i < n->nkids; i++)
            if (rt_cnode_eval(e, n->kids[i]))
                return 1;
        return 0;
    case CN_NOT:
        return !rt_cnode_eval(e, n->kids[0]);
    case CN_CMP:
        return eval_cmp(e, n->m);
    case CN_TRUE:
        return 1;
    default:
        return 0;
    }
}

size_t rt_eval_event(struct rt_eval *e, const struct rt_event *ev, enum rt_priority min_priority,
                     rt_match_fn fn, void *ctx)
{
    const struct rt_rules *r = e->r;
    if (!r->compiled || ev->type == RT_EV_NONE || ev->type >= RT_EV_TYPE_COUNT)
        return 0;
    e->ev = ev;
    e->stamp++;
    size_t matches = 0;
    const struct rt_rule *const *list = r->by_type[ev->type];
    size_t n = r->nby_type[ev->type];
    for (size_t i = 0; i < n; i++) {
        const struct rt_rule *rule = list[i];
        if (rule->priority > min_priority)
            continue;
        e->conditions++;
        if (!rt_cnode_eval(e, rule->cond))
            continue;
        matches++;
        if (fn != NULL && fn(rule, ev, e, ctx) != 0)
            break;
    }
    return matches;
}
