/* `strata netpol paths`: lateral-movement paths, the shortest chains of allowed connections
 * from where an attacker starts (addresses outside the cluster, or --from workloads) to the
 * targets (--to, or workloads labelled sensitive), with each hop's ports. */
#ifndef STRATA_NETPOL_NP_PATHS_H
#define STRATA_NETPOL_NP_PATHS_H

#include <stdio.h>

#include "netpol/np_conn.h"

struct np_paths_opts {
    const char *from_glob;               /* start entities; NULL: every outside entity */
    const char *to_glob;                 /* target workloads (fnmatch on names) */
    const struct np_selector *sensitive; /* or targets by label; NULL when not given */
    int exposed;                         /* targets: every workload, one hop */
    unsigned max_hops;                   /* 0: no bound */
};

struct np_paths_stats {
    size_t sources, targets, reachable;
};

/* Writes one shortest path per reachable target (table or json). Returns 0, STRATA_ENOMEM,
 * STRATA_EIO (err filled). */
int np_paths_write(struct np_engine *e, const struct np_cluster *c, const struct np_paths_opts *o,
                   enum np_format fmt, FILE *out, struct np_paths_stats *st,
                   struct strata_error *err);

#endif
