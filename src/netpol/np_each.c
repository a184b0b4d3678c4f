/* np_engine_each through workload classes (docs/netpol-engine.md, "Every pair"). What a pair
 * allows depends on a workload only through: the policies selecting it for ingress and for
 * egress, which rule peers match it, and its named container ports (in order, as named-port
 * resolution reads them). Workloads equal in all three are one class: every pair involving
 * one of them gives exactly what the same pair with any other member gives, down to the
 * order of the ranges np_engine_pair returns. So each (source class, destination class) is
 * computed once with np_engine_pair on two representatives, its result interned, and the
 * walk over entity pairs only looks up ids. External entities are classes of their own.
 * Classes are exact: a first partition by selecting policies and named ports (hashes only
 * pick candidates, members are compared in full), then split by each rule's peers. */
#include <stdlib.h>
#include <string.h>

#include "core/vec.h"
#include "netpol/np_engine_impl.h"

/* Class-matrix cells kept at once (4 bytes each: 64 MB). With more classes than this
 * allows (or more than 3/4 as many classes as entities: the matrix would cost about what
 * the pairs do), rows are computed one at a time, again whenever the source class changes;
 * with more than half as many classes as entities even that cannot pay for its bookkeeping
 * and every pair goes straight to np_engine_pair. */
size_t np_each_max_cells = (size_t)16 << 20;

/* Distinct allowances, interned: id (1-based) -> allowance. a[0 .. made) are initialized
 * (possibly unused, kept for their capacity), a[0 .. n) are in use. */
struct allow_tab {
    struct np_allow *a;
    uint64_t *h;
    size_t n, made, cap;
    uint32_t *slot; /* open addressing over ids, 0 = free; nslot a power of two */
    size_t nslot;
};

/* What a pair allows, built from memoized halves. The sender's egress side depends on the
 * receiver only through which of the sender's egress rules match it (a bit mask) and, when a
 * matching rule names a port, the receiver's class (named ports resolve on it); the
 * receiver's ingress side depends on the sender only through which of its ingress rules
 * match. So each (class, mask[, class]) side is computed once, and each (egress side,
 * ingress side) intersection once: a pair costs a few bit tests and lookups. Workloads with
 * more than 64 rules in a direction are computed directly. */
struct memo_slot {
    uint64_t mask;
    uint32_t a, b; /* side: class and named-port class (or UINT32_MAX) | pair: the two ids */
    uint32_t kind; /* 0 free, 1 egress side, 2 ingress side, 3 pair */
    uint32_t id;   /* allowance id in the cache's table (0: nothing allowed) */
};

struct memo {
    struct memo_slot *slot;
    size_t n, cap; /* cap a power of two */
    uint32_t all;  /* id of the unrestricted allowance */
};

/* Small caches in front of the memo, for what repeats along a walk: per destination class
 * its last ingress mask (consecutive sources mostly match the same of its rules, often none),
 * per row the egress sides by mask, and the last intersections. */
#define FRONT_EG 64u
#define FRONT_PAIR 1024u
struct front {
    uint64_t *in_mask; /* per class */
    uint32_t *in_id;   /* per class, UINT32_MAX: none yet */
    struct memo_slot eg[FRONT_EG];
    struct memo_slot pair[FRONT_PAIR];
};

struct np_each_cache {
    uint32_t *ecls; /* class of each entity (workloads, then external entities) */
    uint32_t *rep;  /* an entity of each class */
    size_t k;       /* classes (workload classes then one per external entity) */
    uint32_t *cell; /* k×k allowance ids (0 = nothing allowed), or one row */
    uint8_t *done;  /* matrix mode: row computed */
    int direct;     /* few duplicates: no classes, np_engine_pair for every pair */
    int matrix;
    uint32_t row_of; /* row mode: the class whose row cell holds, UINT32_MAX none */
    struct allow_tab tab;
    struct memo memo;
    struct front front;
    /* Rule matches at class level, both ways, when they fit NP_EACH_MAX_MATCH_WORDS: rule r
     * matches class x iff bit x of by_rule[r] (and bit r of by_class[x]). Rows read the
     * source's own rules' bitsets and the source class's bitset, which stay in cache, where
     * the workload-level bitsets would be read at random. */
    uint64_t *by_rule, *by_class;
    size_t kwords, rwords;
    /* Per workload class and direction, its rules in np_side's order (rules[d][off[d][x] ..
     * off[d][x + 1]), bit 31 set on a rule that names a port: the mask test reads these
     * arrays instead of the policies. */
    uint32_t *roff[2], *rules[2];
};

#define RULE_NAMED 0x80000000u

/* Bound on the two class-level match tables together (8 bytes a word: 256 MiB). */
#define NP_EACH_MAX_MATCH_WORDS ((size_t)32 << 20)

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdu;
}

/* ---- interned allowances ---- */

static void tab_release(struct allow_tab *t)
{
    for (size_t i = 0; i < t->made; i++)
        np_allow_release(&t->a[i]);
    free(t->a);
    free(t->h);
    free(t->slot);
}

static int tab_rehash(struct allow_tab *t, size_t nslot)
{
    uint32_t *s = calloc(nslot, sizeof *s);
    if (s == NULL)
        return STRATA_ENOMEM;
    for (size_t id = 1; id <= t->n; id++) {
        size_t i = t->h[id - 1] & (nslot - 1);
        while (s[i] != 0)
            i = (i + 1) & (nslot - 1);
        s[i] = (uint32_t)id;
    }
    free(t->slot);
    t->slot = s;
    t->nslot = nslot;
    return 0;
}

/* The id of a copy of a (exact content, range order included). */
static int tab_intern(struct allow_tab *t, const struct np_allow *a, uint32_t *id)
{
    if ((t->n + 1) * 2 > t->nslot) {
        if (t->n >= UINT32_MAX / 4)
            return STRATA_ENOMEM;
        int rc = tab_rehash(t, t->nslot ? t->nslot * 2 : 64);
        if (rc != 0)
            return rc;
    }
    uint64_t h = np_allow_hash(a);
    size_t i = h & (t->nslot - 1);
    for (; t->slot[i] != 0; i = (i + 1) & (t->nslot - 1)) {
        uint32_t s = t->slot[i];
        if (t->h[s - 1] == h && np_allow_equal(&t->a[s - 1], a)) {
            *id = s;
            return 0;
        }
    }
    if (t->n == t->made) {
        if (t->made == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 64;
            struct np_allow *na = realloc(t->a, cap * sizeof *na);
            if (na == NULL)
                return STRATA_ENOMEM;
            t->a = na;
            uint64_t *nh = realloc(t->h, cap * sizeof *nh);
            if (nh == NULL)
                return STRATA_ENOMEM;
            t->h = nh;
            t->cap = cap;
        }
        memset(&t->a[t->made++], 0, sizeof *t->a);
    }
    if (np_allow_copy(a, &t->a[t->n]) != 0)
        return STRATA_ENOMEM;
    t->h[t->n++] = h;
    t->slot[i] = (uint32_t)t->n;
    *id = (uint32_t)t->n;
    return 0;
}

/* ---- workload classes ---- */

static int named_same(const struct np_workload *a, const struct np_workload *b)
{
    uint32_t i = 0, j = 0;
    for (;;) {
        while (i < a->n_ports && a->ports[i].name == NULL)
            i++;
        while (j < b->n_ports && b->ports[j].name == NULL)
            j++;
        if (i == a->n_ports || j == b->n_ports)
            return i == a->n_ports && j == b->n_ports;
        if (a->ports[i].port != b->ports[j].port || a->ports[i].proto != b->ports[j].proto ||
            strcmp(a->ports[i].name, b->ports[j].name) != 0)
            return 0;
        i++, j++;
    }
}

/* Same policies selecting for ingress and egress, same named ports. */
static int wl_same_base(const struct np_engine *e, size_t a, size_t b)
{
    for (int d = 0; d < 2; d++) {
        uint32_t na = e->off[d][a + 1] - e->off[d][a], nb = e->off[d][b + 1] - e->off[d][b];
        if (na != nb ||
            memcmp(e->sel[d] + e->off[d][a], e->sel[d] + e->off[d][b], na * sizeof(uint32_t)))
            return 0;
    }
    return named_same(&e->c->wl[a], &e->c->wl[b]);
}

struct hw {
    uint64_t h;
    uint32_t w;
};

static int hw_cmp(const void *x, const void *y)
{
    const struct hw *a = x, *b = y;
    if (a->h != b->h)
        return a->h < b->h ? -1 : 1;
    return a->w < b->w ? -1 : a->w > b->w;
}

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* First partition: by selecting policies and named ports (hash, then exact comparison with
 * each class of the same hash). cls[w] gets the class; returns the number of classes, or
 * -1 on ENOMEM. */
static long base_classes(const struct np_engine *e, uint32_t *cls, uint32_t *rep)
{
    size_t nw = e->n_wl;
    struct hw *hw = calloc(nw + 1, sizeof *hw);
    if (hw == NULL)
        return -1;
    for (size_t w = 0; w < nw; w++) {
        uint64_t h = 0;
        for (int d = 0; d < 2; d++) {
            for (uint32_t k = e->off[d][w]; k < e->off[d][w + 1]; k++)
                h = mix(h, (uint64_t)e->sel[d][k] + 1);
            h = mix(h, 0);
        }
        const struct np_workload *wl = &e->c->wl[w];
        for (uint32_t i = 0; i < wl->n_ports; i++)
            if (wl->ports[i].name)
                h = mix(mix(h, str_hash(wl->ports[i].name)),
                        (uint64_t)wl->ports[i].port << 8 | wl->ports[i].proto);
        hw[w].h = h;
        hw[w].w = (uint32_t)w;
    }
    qsort(hw, nw, sizeof *hw, hw_cmp);
    size_t k = 0;
    for (size_t i = 0; i < nw;) {
        size_t j = i, first = k; /* classes of this hash run: first .. k-1 */
        for (; j < nw && hw[j].h == hw[i].h; j++) {
            size_t m = first;
            while (m < k && !wl_same_base(e, rep[m], hw[j].w))
                m++;
            if (m == k)
                rep[k++] = hw[j].w;
            cls[hw[j].w] = (uint32_t)m;
        }
        i = j;
    }
    free(hw);
    return (long)k;
}

/* Splits the classes by every rule's peers: after rule r, two workloads share a class only
 * if r matches both or neither. Each rule costs the workloads it matches (its set bits), so
 * the whole refinement costs what reading the rules' bitsets does. rep is rewritten at the
 * end (a class's first representative may have moved out). Returns the number of classes,
 * or -1 on ENOMEM. */
static long refine_by_rules(const struct np_engine *e, uint32_t *cls, uint32_t *rep, size_t k)
{
    size_t nw = e->n_wl;
    uint32_t *size = calloc(nw + 1, sizeof *size), *cnt = calloc(nw + 1, sizeof *cnt);
    uint32_t *to = malloc((nw + 1) * sizeof *to), *touched = malloc((nw + 1) * sizeof *touched);
    uint32_t *members = malloc((nw + 1) * sizeof *members);
    long rc = -1;
    if (size == NULL || cnt == NULL || to == NULL || touched == NULL || members == NULL)
        goto out;
    for (size_t w = 0; w < nw; w++)
        size[cls[w]]++;
    for (size_t r = 0; r < e->n_rules; r++) {
        if (e->rules[r].all_peers)
            continue;
        size_t nt = 0, nm = 0;
        for (size_t i = 0; i < e->wwords; i++)
            for (uint64_t x = e->rules[r].wbits[i]; x != 0; x &= x - 1) {
                uint32_t w = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(x));
                if (cnt[cls[w]]++ == 0)
                    touched[nt++] = cls[w];
                members[nm++] = w;
            }
        /* a class the rule matches only in part splits: the matched members move */
        for (size_t t = 0; t < nt; t++) {
            uint32_t c = touched[t];
            if (cnt[c] < size[c]) {
                size[c] -= cnt[c];
                size[k] = cnt[c];
                to[c] = (uint32_t)k++;
            } else {
                to[c] = c;
            }
        }
        for (size_t m = 0; m < nm; m++)
            cls[members[m]] = to[cls[members[m]]];
        for (size_t t = 0; t < nt; t++)
            cnt[touched[t]] = 0;
    }
    /* any member stands for its class */
    for (size_t w = 0; w < nw; w++)
        rep[cls[w]] = (uint32_t)w;
    rc = (long)k;
out:
    free(size);
    free(cnt);
    free(to);
    free(touched);
    free(members);
    return rc;
}

static int classes_build(const struct np_engine *e, struct np_each_cache *c)
{
    size_t nw = e->n_wl, n = nw + e->n_x;
    c->ecls = malloc((n + 1) * sizeof *c->ecls);
    c->rep = malloc((n + 1) * sizeof *c->rep);
    if (c->ecls == NULL || c->rep == NULL)
        return STRATA_ENOMEM;
    long k = base_classes(e, c->ecls, c->rep);
    if (k >= 0)
        k = refine_by_rules(e, c->ecls, c->rep, (size_t)k);
    if (k < 0)
        return STRATA_ENOMEM;
    for (size_t x = 0; x < e->n_x; x++) {
        c->rep[k] = (uint32_t)(nw + x);
        c->ecls[nw + x] = (uint32_t)k++;
    }
    c->k = (size_t)k;
    return 0;
}

/* The class-level match tables (by_rule, by_class), from the rules' workload and external
 * bitsets: cost = their set bits. Left NULL (rows then read the workload bitsets) when they
 * would exceed NP_EACH_MAX_MATCH_WORDS. */
static int match_tables_build(const struct np_engine *e, struct np_each_cache *c)
{
    size_t k = c->k, nr = e->n_rules;
    c->kwords = (k + 63) / 64;
    c->rwords = (nr + 63) / 64;
    if (nr == 0 || k == 0 || c->kwords > NP_EACH_MAX_MATCH_WORDS / 2 / nr ||
        c->rwords > NP_EACH_MAX_MATCH_WORDS / 2 / k)
        return 0;
    c->by_rule = calloc(nr * c->kwords, sizeof *c->by_rule);
    c->by_class = calloc(k * c->rwords, sizeof *c->by_class);
    if (c->by_rule == NULL || c->by_class == NULL) {
        free(c->by_rule);
        free(c->by_class);
        c->by_rule = c->by_class = NULL;
        return 0; /* not needed for correctness: rows fall back to the workload bitsets */
    }
    for (size_t r = 0; r < nr; r++) {
        const struct erule *er = &e->rules[r];
        uint64_t *br = c->by_rule + r * c->kwords;
        for (size_t x = 0; x < k && er->all_peers; x++)
            br[x / 64] |= (uint64_t)1 << (x % 64);
        for (size_t i = 0; !er->all_peers && i < e->wwords; i++)
            for (uint64_t b = er->wbits[i]; b != 0; b &= b - 1) {
                uint32_t x = c->ecls[i * 64 + (size_t)__builtin_ctzll(b)];
                br[x / 64] |= (uint64_t)1 << (x % 64);
            }
        for (size_t i = 0; !er->all_peers && i < e->xwords; i++)
            for (uint64_t b = er->xbits[i]; b != 0; b &= b - 1) {
                uint32_t x = c->ecls[e->n_wl + i * 64 + (size_t)__builtin_ctzll(b)];
                br[x / 64] |= (uint64_t)1 << (x % 64);
            }
        for (size_t i = 0; i < c->kwords; i++)
            for (uint64_t b = br[i]; b != 0; b &= b - 1) {
                size_t x = i * 64 + (size_t)__builtin_ctzll(b);
                c->by_class[x * c->rwords + r / 64] |= (uint64_t)1 << (r % 64);
            }
    }
    return 0;
}

static int class_rules_build(const struct np_engine *e, struct np_each_cache *c)
{
    for (int d = 0; d < 2; d++) {
        size_t total = 0;
        c->roff[d] = calloc(c->k + 1, sizeof *c->roff[d]);
        if (c->roff[d] == NULL)
            return STRATA_ENOMEM;
        for (size_t x = 0; x < c->k; x++) {
            size_t w = c->rep[x], n = 0;
            for (uint32_t k = w < e->n_wl ? e->off[d][w] : 0; w < e->n_wl && k < e->off[d][w + 1];
                 k++) {
                const struct np_policy *pol = &e->c->pol[e->sel[d][k]];
                n += d ? pol->n_eg : pol->n_in;
            }
            if (total + n > UINT32_MAX / 2)
                return STRATA_ENOMEM;
            total += n;
            c->roff[d][x + 1] = (uint32_t)total;
        }
        c->rules[d] = malloc((total + 1) * sizeof *c->rules[d]);
        if (c->rules[d] == NULL)
            return STRATA_ENOMEM;
        size_t at = 0;
        for (size_t x = 0; x < c->k; x++) {
            size_t w = c->rep[x];
            for (uint32_t k = w < e->n_wl ? e->off[d][w] : 0; w < e->n_wl && k < e->off[d][w + 1];
                 k++) {
                uint32_t p = e->sel[d][k];
                const struct np_policy *pol = &e->c->pol[p];
                uint32_t r0 = d ? e->pols[p].eg0 : e->pols[p].in0, nr = d ? pol->n_eg : pol->n_in;
                for (uint32_t r = r0; r < r0 + nr; r++) {
                    uint32_t v = r;
                    for (uint32_t q = 0; q < e->rules[r].r->n_ports; q++)
                        if (e->rules[r].r->ports[q].name != NULL)
                            v |= RULE_NAMED;
                    c->rules[d][at++] = v;
                }
            }
        }
    }
    return 0;
}

static int cache_build(struct np_engine *e)
{
    struct np_each_cache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return STRATA_ENOMEM;
    c->row_of = UINT32_MAX;
    int rc = classes_build(e, c);
    size_t n = e->n_wl + e->n_x;
    if (rc == 0) {
        c->matrix = c->k <= np_each_max_cells / (c->k ? c->k : 1) && c->k * 4 <= n * 3;
        c->direct = !c->matrix && c->k * 2 > n;
    }
    if (rc == 0 && !c->direct)
        rc = match_tables_build(e, c);
    if (rc == 0 && !c->direct)
        rc = class_rules_build(e, c);
    if (rc == 0 && !c->direct) {
        c->cell = calloc(c->matrix ? c->k * c->k + 1 : c->k + 1, sizeof *c->cell);
        c->done = calloc(c->k + 1, 1);
        if (c->cell == NULL || c->done == NULL)
            rc = STRATA_ENOMEM;
    }
    if (rc != 0) {
        np_each_cache_free(c);
        return rc;
    }
    e->each = c;
    return 0;
}

void np_each_cache_free(struct np_each_cache *c)
{
    if (c == NULL)
        return;
    free(c->ecls);
    free(c->rep);
    free(c->cell);
    free(c->done);
    tab_release(&c->tab);
    free(c->memo.slot);
    free(c->front.in_mask);
    free(c->front.in_id);
    free(c->by_rule);
    free(c->by_class);
    for (int d = 0; d < 2; d++) {
        free(c->roff[d]);
        free(c->rules[d]);
    }
    free(c);
}

/* ---- the walk ---- */

static int wbit(const uint64_t *b, size_t i)
{
    return (int)((b[i / 64] >> (i % 64)) & 1);
}

static int rule_hits(const struct np_engine *e, const struct erule *r, size_t other)
{
    if (r->all_peers)
        return 1;
    return other < e->n_wl ? wbit(r->wbits, other) : wbit(r->xbits, other - e->n_wl);
}

/* Which of w's rules in a direction match other (bit i = i-th rule over w's selecting
 * policies in order), and whether a matching rule names a port. -1 beyond 64 rules. */
static int rule_mask(const struct np_engine *e, const struct np_each_cache *c, uint32_t cw,
                     size_t other, uint32_t co, int egress, uint64_t *mask, int *named)
{
    uint32_t from = c->roff[egress][cw], to = c->roff[egress][cw + 1];
    if (to - from > 64)
        return -1;
    uint64_t m = 0;
    *named = 0;
    /* in a row the source is fixed: its egress rules' class bitsets (egress) and its class's
     * rule bitset (ingress of each destination) are the memory read again and again */
    const uint64_t *row = c->by_class && !egress ? c->by_class + (size_t)co * c->rwords : NULL;
    for (uint32_t i = from; i < to; i++) {
        uint32_t r = c->rules[egress][i] & ~RULE_NAMED;
        int hit = row != NULL          ? wbit(row, r)
                  : c->by_rule != NULL ? wbit(c->by_rule + (size_t)r * c->kwords, co)
                                       : rule_hits(e, &e->rules[r], other);
        if (!hit)
            continue;
        m |= (uint64_t)1 << (i - from);
        *named |= (c->rules[egress][i] & RULE_NAMED) != 0;
    }
    *mask = m;
    return 0;
}

static uint64_t slot_hash(uint32_t kind, uint64_t mask, uint32_t a, uint32_t b)
{
    return mix(mix(mix(mix(0, kind), mask), a), b);
}

/* The slot for the key: its id when found (*found 1), else a free slot to fill. NULL on
 * ENOMEM. */
static struct memo_slot *memo_find(struct memo *m, uint32_t kind, uint64_t mask, uint32_t a,
                                   uint32_t b, int *found)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 1024;
        struct memo_slot *ns = calloc(nc, sizeof *ns);
        if (ns == NULL)
            return NULL;
        for (size_t i = 0; i < m->cap; i++) {
            const struct memo_slot *o = &m->slot[i];
            if (o->kind == 0)
                continue;
            size_t j = slot_hash(o->kind, o->mask, o->a, o->b) & (nc - 1);
            while (ns[j].kind != 0)
                j = (j + 1) & (nc - 1);
            ns[j] = *o;
        }
        free(m->slot);
        m->slot = ns;
        m->cap = nc;
    }
    size_t j = slot_hash(kind, mask, a, b) & (m->cap - 1);
    for (; m->slot[j].kind != 0; j = (j + 1) & (m->cap - 1))
        if (m->slot[j].kind == kind && m->slot[j].mask == mask && m->slot[j].a == a &&
            m->slot[j].b == b) {
            *found = 1;
            return &m->slot[j];
        }
    *found = 0;
    return &m->slot[j];
}

static int memo_put(struct memo *m, struct memo_slot *sl, uint32_t kind, uint64_t mask, uint32_t a,
                    uint32_t b, uint32_t id)
{
    *sl = (struct memo_slot){mask, a, b, kind, id};
    m->n++;
    return 0;
}

/* The allowance id (0: none) of one side of a pair: w's policies toward/from other. */
static int side_id(struct np_engine *e, struct np_each_cache *c, size_t w, uint32_t cw,
                   size_t other, uint32_t co, int egress, size_t dst, struct np_allow *scratch,
                   uint32_t *id)
{
    /* isolation is being selected by a policy of that type, rules or not */
    if (w >= e->n_wl || e->off[egress][w + 1] == e->off[egress][w]) {
        *id = c->memo.all; /* outside addresses, or not isolated that way */
        return 0;
    }
    uint64_t mask;
    int named, found, rc;
    if (rule_mask(e, c, cw, other, co, egress, &mask, &named) != 0) {
        /* too many rules for a mask: computed as is */
        rc = np_side(e, w, other, egress, dst, scratch);
        if (rc == 0 && scratch->all) {
            np_allow_clear(scratch);
            scratch->all = 1;
        }
        if (rc == 0 && np_allow_empty(scratch))
            *id = 0;
        else if (rc == 0)
            rc = tab_intern(&c->tab, scratch, id);
        return rc;
    }
    uint32_t kind = egress ? 1 : 2, b = egress && named ? co : UINT32_MAX;
    struct memo_slot *fe = NULL;
    if (!egress && c->front.in_id[cw] != UINT32_MAX && c->front.in_mask[cw] == mask) {
        *id = c->front.in_id[cw];
        return 0;
    }
    if (egress) { /* the row's source is cw: the front is reset per row */
        fe = &c->front.eg[(mask ^ (mask >> 17) ^ b) % FRONT_EG];
        if (fe->kind == 1 && fe->mask == mask && fe->b == b && fe->a == cw) {
            *id = fe->id;
            return 0;
        }
    }
    struct memo_slot *sl = memo_find(&c->memo, kind, mask, cw, b, &found);
    if (sl == NULL)
        return STRATA_ENOMEM;
    if (found) {
        *id = sl->id;
        if (fe != NULL)
            *fe = *sl;
        else
            c->front.in_mask[cw] = mask, c->front.in_id[cw] = sl->id;
        return 0;
    }
    if ((rc = np_side(e, w, other, egress, dst, scratch)) != 0)
        return rc;
    if (scratch->all) { /* ranges added before an all-ports rule mean nothing: one "All" */
        np_allow_clear(scratch);
        scratch->all = 1;
    }
    *id = 0;
    if (!np_allow_empty(scratch) && (rc = tab_intern(&c->tab, scratch, id)) != 0)
        return rc;
    /* tab_intern may have moved nothing in the memo: the slot pointer is still good */
    memo_put(&c->memo, sl, kind, mask, cw, b, *id);
    if (fe != NULL)
        *fe = *sl;
    else
        c->front.in_mask[cw] = mask, c->front.in_id[cw] = *id;
    return 0;
}

static int pair_id(struct np_engine *e, struct np_each_cache *c, size_t s, uint32_t cs, size_t d,
                   uint32_t cd, struct np_allow *scratch, uint32_t *id)
{
    uint32_t eg, in;
    int rc = side_id(e, c, s, cs, d, cd, 1, d, scratch, &eg);
    if (rc != 0 || eg == 0) {
        *id = 0;
        return rc;
    }
    if ((rc = side_id(e, c, d, cd, s, cs, 0, d, scratch, &in)) != 0)
        return rc;
    if (in == 0 || eg == c->memo.all || in == c->memo.all) {
        *id = in == 0 ? 0 : eg == c->memo.all ? in : eg;
        return 0;
    }
    int found;
    struct memo_slot *fp = &c->front.pair[(eg * 2654435761u ^ in) % FRONT_PAIR];
    if (fp->kind == 3 && fp->a == eg && fp->b == in) {
        *id = fp->id;
        return 0;
    }
    struct memo_slot *sl = memo_find(&c->memo, 3, 0, eg, in, &found);
    if (sl == NULL)
        return STRATA_ENOMEM;
    if (found) {
        *id = sl->id;
        *fp = *sl;
        return 0;
    }
    np_allow_clear(scratch);
    const struct np_allow *a = &c->tab.a[eg - 1], *b = &c->tab.a[in - 1];
    for (int p = 0; p < NP_NPROTO; p++)
        if (np_pset_intersect(&a->p[p], &b->p[p], &scratch->p[p]) != 0)
            return STRATA_ENOMEM;
    *id = 0;
    if (!np_allow_empty(scratch) && (rc = tab_intern(&c->tab, scratch, id)) != 0)
        return rc;
    memo_put(&c->memo, sl, 3, 0, eg, in, *id);
    *fp = *sl;
    return 0;
}

static int row_fill(struct np_engine *e, struct np_each_cache *c, uint32_t cs, uint32_t *row)
{
    size_t s = c->rep[cs];
    struct np_allow scratch = {0};
    int rc = 0;
    if (c->memo.all == 0) {
        scratch.all = 1;
        rc = tab_intern(&c->tab, &scratch, &c->memo.all);
        scratch.all = 0;
    }
    if (rc == 0 && c->front.in_id == NULL) {
        c->front.in_mask = calloc(c->k + 1, sizeof *c->front.in_mask);
        c->front.in_id = malloc((c->k + 1) * sizeof *c->front.in_id);
        if (c->front.in_mask == NULL || c->front.in_id == NULL)
            rc = STRATA_ENOMEM;
        for (size_t x = 0; rc == 0 && x <= c->k; x++)
            c->front.in_id[x] = UINT32_MAX;
    }
    memset(c->front.eg, 0, sizeof c->front.eg);
    for (size_t cd = 0; cd < c->k && rc == 0; cd++) {
        size_t d = c->rep[cd];
        row[cd] = 0;
        if (s >= e->n_wl && d >= e->n_wl)
            continue;
        rc = pair_id(e, c, s, cs, d, (uint32_t)cd, &scratch, &row[cd]);
    }
    np_allow_release(&scratch);
    return rc;
}

static int each_direct(struct np_engine *e,
                       int (*fn)(void *u, size_t src, size_t dst, const struct np_allow *a),
                       void *u)
{
    size_t n = np_engine_entities(e);
    for (size_t s = 0; s < n; s++)
        for (size_t d = 0; d < (s < e->n_wl ? n : e->n_wl); d++) {
            const struct np_allow *a;
            int rc = np_engine_pair(e, s, d, &a);
            if (rc == 0 && !np_allow_empty(a))
                rc = fn(u, s, d, a);
            if (rc != 0)
                return rc;
        }
    return 0;
}

int np_engine_each(struct np_engine *e,
                   int (*fn)(void *u, size_t src, size_t dst, const struct np_allow *a), void *u)
{
    if (e->each == NULL) {
        int rc = cache_build(e);
        if (rc != 0)
            return rc;
    }
    struct np_each_cache *c = e->each;
    size_t n = np_engine_entities(e);
    if (c->direct)
        return each_direct(e, fn, u);
    for (size_t s = 0; s < n; s++) {
        uint32_t cs = c->ecls[s];
        uint32_t *row = c->cell;
        if (c->matrix) {
            row += (size_t)cs * c->k;
            if (!c->done[cs]) {
                int rc = row_fill(e, c, cs, row);
                if (rc != 0)
                    return rc;
                c->done[cs] = 1;
            }
        } else if (c->row_of != cs) {
            c->row_of = UINT32_MAX;
            int rc = row_fill(e, c, cs, row);
            if (rc != 0)
                return rc;
            c->row_of = cs;
        }
        /* external -> external is not the cluster's business */
        size_t dn = s < e->n_wl ? n : e->n_wl;
        for (size_t d = 0; d < dn; d++) {
            uint32_t id = row[c->ecls[d]];
            if (id == 0)
                continue;
            int rc = fn(u, s, d, &c->tab.a[id - 1]);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}
