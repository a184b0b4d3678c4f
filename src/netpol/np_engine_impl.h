/* The engine's internals, shared by np_engine.c (build, pair) and np_each.c (every pair
 * through workload classes). Not for other users: np_engine.h is the interface. */
#ifndef STRATA_NETPOL_NP_ENGINE_IMPL_H
#define STRATA_NETPOL_NP_ENGINE_IMPL_H

#include "netpol/np_engine.h"

struct erule {
    const struct np_rule *r;
    int all_peers;
    uint64_t *wbits, *xbits;
};

struct epol {
    uint32_t in0, eg0; /* first rule index of each direction */
};

struct np_each_cache;

struct np_engine {
    const struct np_cluster *c;
    size_t n_wl, n_x;
    uint32_t *off[2], *sel[2]; /* [0] ingress, [1] egress: CSR of policy indices */
    struct erule *rules;
    size_t n_rules;
    struct epol *pols;
    uint64_t *bits;
    size_t wwords, xwords;
    /* external entities */
    uint64_t *pts; /* interval starts, ascending, pts[0] = 0 */
    uint32_t *iv_ent;
    size_t n_iv;
    struct np_allow side[2], out;
    struct np_each_cache *each; /* np_each.c: workload classes, built on first np_engine_each */
};

void np_each_cache_free(struct np_each_cache *c);

/* What workload w's own policies allow toward (egress) or from (ingress) other, named ports
 * resolved on dst (the connection's destination); a->all when w is not isolated that way. */
int np_side(struct np_engine *e, size_t w, size_t other, int egress, size_t dst,
            struct np_allow *a);

/* Bound on the class-matrix cells np_engine_each keeps (np_each.c; 16 M). Only tests change
 * it, to drive the row-at-a-time walk on small clusters. */
extern size_t np_each_max_cells;

#endif
