/* Port interval sets: the allowance of a connection per protocol. */
#include <stdlib.h>
#include <string.h>

#include "netpol/np_engine.h"
#include "strata/error.h"

int np_pset_add(struct np_pset *s, uint16_t lo, uint16_t hi)
{
    if (s->n == s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 8;
        struct np_range *r = realloc(s->r, cap * sizeof *r);
        if (r == NULL)
            return STRATA_ENOMEM;
        s->r = r;
        s->cap = cap;
    }
    s->r[s->n].lo = lo;
    s->r[s->n].hi = hi;
    s->n++;
    return 0;
}

static int range_cmp(const void *a, const void *b)
{
    const struct np_range *x = a, *y = b;
    return x->lo != y->lo ? (x->lo < y->lo ? -1 : 1) : (x->hi < y->hi ? -1 : x->hi > y->hi);
}

void np_pset_normalize(struct np_pset *s)
{
    if (s->n < 2)
        return;
    if (s->n <= 16) { /* the usual few ranges: insertion sort beats qsort's calls */
        for (uint32_t i = 1; i < s->n; i++) {
            struct np_range x = s->r[i];
            uint32_t j = i;
            while (j > 0 && range_cmp(&s->r[j - 1], &x) > 0) {
                s->r[j] = s->r[j - 1];
                j--;
            }
            s->r[j] = x;
        }
    } else {
        qsort(s->r, s->n, sizeof *s->r, range_cmp);
    }
    uint32_t o = 0;
    for (uint32_t i = 1; i < s->n; i++) {
        if ((uint32_t)s->r[i].lo <= (uint32_t)s->r[o].hi + 1) {
            if (s->r[i].hi > s->r[o].hi)
                s->r[o].hi = s->r[i].hi;
        } else {
            s->r[++o] = s->r[i];
        }
    }
    s->n = o + 1;
}

int np_pset_intersect(const struct np_pset *a, const struct np_pset *b, struct np_pset *out)
{
    out->n = 0;
    uint32_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        uint16_t lo = a->r[i].lo > b->r[j].lo ? a->r[i].lo : b->r[j].lo;
        uint16_t hi = a->r[i].hi < b->r[j].hi ? a->r[i].hi : b->r[j].hi;
        if (lo <= hi && np_pset_add(out, lo, hi) != 0)
            return STRATA_ENOMEM;
        if (a->r[i].hi < b->r[j].hi)
            i++;
        else
            j++;
    }
    return 0;
}

void np_pset_release(struct np_pset *s)
{
    free(s->r);
    memset(s, 0, sizeof *s);
}

int np_allow_empty(const struct np_allow *a)
{
    if (a->all)
        return 0;
    for (int p = 0; p < NP_NPROTO; p++)
        if (a->p[p].n)
            return 0;
    return 1;
}

void np_allow_clear(struct np_allow *a)
{
    a->all = 0;
    for (int p = 0; p < NP_NPROTO; p++)
        a->p[p].n = 0;
}

void np_allow_release(struct np_allow *a)
{
    for (int p = 0; p < NP_NPROTO; p++)
        np_pset_release(&a->p[p]);
    a->all = 0;
}

int np_allow_format(const struct np_allow *a, struct strbuf *out)
{
    if (a->all)
        return strbuf_adds(out, "All");
    if (np_allow_empty(a))
        return strbuf_adds(out, "none");
    int first = 1, rc = 0;
    for (int p = 0; p < NP_NPROTO && rc == 0; p++) {
        const struct np_pset *s = &a->p[p];
        if (s->n == 0)
            continue;
        rc = strbuf_addf(out, "%s%s:", first ? "" : " ", np_proto_name((enum np_proto)p));
        first = 0;
        for (uint32_t i = 0; i < s->n && rc == 0; i++) {
            if (s->r[i].lo == 1 && s->r[i].hi == 65535)
                rc = strbuf_addf(out, "%sall", i ? "," : "");
            else if (s->r[i].lo == s->r[i].hi)
                rc = strbuf_addf(out, "%s%u", i ? "," : "", s->r[i].lo);
            else
                rc = strbuf_addf(out, "%s%u-%u", i ? "," : "", s->r[i].lo, s->r[i].hi);
        }
    }
    return rc;
}

uint64_t np_allow_hash(const struct np_allow *a)
{
    uint64_t h = 0xcbf29ce484222325u ^ (uint64_t)a->all;
    for (int p = 0; p < NP_NPROTO; p++) {
        h = (h ^ (0x100u + (unsigned)p * 0x10000u + a->p[p].n)) * 0x100000001b3u;
        for (uint32_t i = 0; i < a->p[p].n; i++)
            h = (h ^ ((uint64_t)a->p[p].r[i].lo << 16 | a->p[p].r[i].hi)) * 0x100000001b3u;
    }
    return h ^ (h >> 29);
}

int np_allow_equal(const struct np_allow *a, const struct np_allow *b)
{
    if (a->all != b->all)
        return 0;
    for (int p = 0; p < NP_NPROTO; p++) {
        if (a->p[p].n != b->p[p].n)
            return 0;
        for (uint32_t i = 0; i < a->p[p].n; i++)
            if (a->p[p].r[i].lo != b->p[p].r[i].lo || a->p[p].r[i].hi != b->p[p].r[i].hi)
                return 0;
    }
    return 1;
}

int np_allow_copy(const struct np_allow *from, struct np_allow *to)
{
    np_allow_clear(to);
    to->all = from->all;
    for (int p = 0; p < NP_NPROTO; p++)
        for (uint32_t i = 0; i < from->p[p].n; i++)
            if (np_pset_add(&to->p[p], from->p[p].r[i].lo, from->p[p].r[i].hi) != 0)
                return STRATA_ENOMEM;
    return 0;
}
