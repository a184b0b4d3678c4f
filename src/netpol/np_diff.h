/* `strata netpol diff A B`: what connectivity changes between two sets of manifests.
 * Workloads are matched by namespace/Kind/name; addresses outside the cluster are compared
 * address by address (each side cuts the IPv4 space at its own ipBlocks, so the comparison
 * runs on the common refinement and reports the CIDRs whose allowance changed). */
#ifndef STRATA_NETPOL_NP_DIFF_H
#define STRATA_NETPOL_NP_DIFF_H

#include <stdio.h>

#include "netpol/np_conn.h"

struct np_diff_stats {
    size_t added, removed, changed;
};

/* Writes the changes from a to b (table or json). Returns 0, STRATA_ENOMEM or STRATA_EIO. */
int np_diff_write(struct np_engine *a, struct np_engine *b, enum np_format fmt, FILE *out,
                  struct np_diff_stats *st, struct strata_error *err);

#endif
