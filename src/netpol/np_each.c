/* np_engine_each through workload classes (docs/netpol-engine.md, "Every pair"). What a pair
 * allows depends on a workload only through: the policies selecting it for ingress and for
 * egress, which rule peers match it, and its named container ports (in order, as named-port
 * resolution reads them). Workloads equal in all three are one class: every pair involving
 * one of them gives exactly what the same pair with any other member gives, down to the
 * order of the ranges np_engine_pair returns. So each (source class, destination class) is
 * computed once with np_engine_pair on two representatives, its result interned, and the
 * walk over entity pairs only looks up ids. External entities are classes of their own.
 * Classes are exact (hashes only pick candidates, members are compared in full). */
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
};

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdu;
}

static int bit(const uint64_t *b, size_t i)
{
    return (int)((b[i / 64] >> (i % 64)) & 1);
}

/* ---- interned allowances ---- */

static void tab_reset(struct allow_tab *t)
{
    t->n = 0;
    if (t->slot)
        memset(t->slot, 0, t->nslot * sizeof *t->slot);
}

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

static int wl_same(const struct np_engine *e, size_t a, size_t b)
{
    for (int d = 0; d < 2; d++) {
        uint32_t na = e->off[d][a + 1] - e->off[d][a], nb = e->off[d][b + 1] - e->off[d][b];
        if (na != nb ||
            memcmp(e->sel[d] + e->off[d][a], e->sel[d] + e->off[d][b], na * sizeof(uint32_t)))
            return 0;
    }
    if (!named_same(&e->c->wl[a], &e->c->wl[b]))
        return 0;
    for (size_t r = 0; r < e->n_rules; r++)
        if (!e->rules[r].all_peers && bit(e->rules[r].wbits, a) != bit(e->rules[r].wbits, b))
            return 0;
    return 1;
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

static int classes_build(const struct np_engine *e, struct np_each_cache *c)
{
    size_t nw = e->n_wl, n = nw + e->n_x;
    struct hw *hw = calloc(nw + 1, sizeof *hw);
    c->ecls = malloc((n + 1) * sizeof *c->ecls);
    c->rep = malloc((n + 1) * sizeof *c->rep);
    if (hw == NULL || c->ecls == NULL || c->rep == NULL) {
        free(hw);
        return STRATA_ENOMEM;
    }
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
    /* which rules' peers match each workload, walking only the set bits */
    for (size_t r = 0; r < e->n_rules; r++) {
        if (e->rules[r].all_peers)
            continue;
        for (size_t i = 0; i < e->wwords; i++)
            for (uint64_t x = e->rules[r].wbits[i]; x != 0; x &= x - 1) {
                size_t w = i * 64 + (size_t)__builtin_ctzll(x);
                hw[w].h = mix(hw[w].h, (uint64_t)r + 1);
            }
    }
    qsort(hw, nw, sizeof *hw, hw_cmp);
    size_t k = 0;
    for (size_t i = 0; i < nw;) {
        size_t j = i, first = k; /* classes of this hash run: first .. k-1 */
        for (; j < nw && hw[j].h == hw[i].h; j++) {
            size_t m = first;
            while (m < k && !wl_same(e, c->rep[m], hw[j].w))
                m++;
            if (m == k)
                c->rep[k++] = hw[j].w;
            c->ecls[hw[j].w] = (uint32_t)m;
        }
        i = j;
    }
    free(hw);
    for (size_t x = 0; x < e->n_x; x++) {
        c->rep[k] = (uint32_t)(nw + x);
        c->ecls[nw + x] = (uint32_t)k++;
    }
    c->k = k;
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
    free(c);
}

/* ---- the walk ---- */

static int row_fill(struct np_engine *e, struct np_each_cache *c, uint32_t cs, uint32_t *row)
{
    size_t s = c->rep[cs];
    for (size_t cd = 0; cd < c->k; cd++) {
        size_t d = c->rep[cd];
        row[cd] = 0;
        if (s >= e->n_wl && d >= e->n_wl)
            continue;
        const struct np_allow *a;
        int rc = np_engine_pair(e, s, d, &a);
        if (rc == 0 && !np_allow_empty(a))
            rc = tab_intern(&c->tab, a, &row[cd]);
        if (rc != 0)
            return rc;
    }
    return 0;
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
            tab_reset(&c->tab); /* ids are the current row's only */
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
