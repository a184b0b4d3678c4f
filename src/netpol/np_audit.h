/* `strata netpol audit` (docs/strata-netpol.md, "audit"): segmentation findings as the
 * report's misconfigurations[], each at the file:line:col of the object, rule, peer or port
 * concerned, so table, JSON and SARIF come from the common reporters. */
#ifndef STRATA_NETPOL_NP_AUDIT_H
#define STRATA_NETPOL_NP_AUDIT_H

#include "netpol/np_engine.h"
#include "strata/report.h"

/* Appends the findings to r. Returns 0 or STRATA_ENOMEM (err filled). */
int np_audit(struct np_engine *e, const struct np_cluster *c, struct strata_report *r,
             struct strata_error *err);

#endif
