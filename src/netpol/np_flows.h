/* Required flows for `strata netpol suggest`: read from a flows file, or derived from the
 * current connectivity (restricted to declared container ports, plus DNS); and the check that
 * a set of policies allows exactly them (the suggest round trip). */
#ifndef STRATA_NETPOL_NP_FLOWS_H
#define STRATA_NETPOL_NP_FLOWS_H

#include <stdio.h>

#include "core/strbuf.h"
#include "netpol/np_engine.h"

/* A flow end: endpoints 0 .. n_wl-1 are the cluster's workloads; later ones are address
 * ranges outside the cluster (IPv4, ascending, disjoint). */
struct np_endpoint {
    struct np_cidr *ranges;
    size_t n_ranges;
    char *text; /* the CIDRs as written or derived */
};

struct np_flow {
    uint32_t src, dst; /* endpoint ids */
    uint8_t all;       /* every port of every protocol */
    uint8_t proto;
    uint16_t lo, hi; /* ports lo..hi of proto (1..65535 = every port of it) */
};

struct np_flows {
    size_t n_wl;
    struct np_endpoint *ep; /* address endpoints: ep[id - n_wl] */
    size_t n_ep, cap_ep;
    struct np_flow *f;
    size_t n, cap;
    size_t dropped_outside; /* derived: connections to outside the cluster not kept */
    size_t dns_pods;        /* derived: DNS pods found (k8s-app=kube-dns or coredns) */
};

#define NP_MAX_FLOWS (50u << 20)
#define NP_MAX_FLOWS_LINE 4096u

void np_flows_init(struct np_flows *fl, size_t n_wl);
void np_flows_release(struct np_flows *fl);

/* Reads a flows file: one flow per line, "SRC DST PORTS", '#' comments, blank lines ignored.
 * SRC and DST: a workload "namespace/Kind/name" of the manifests, or IPv4 CIDRs separated by
 * commas (one end at most); PORTS: comma-separated "80", "80/TCP", "53/UDP", "8000-8080/TCP", "TCP"
 * (every TCP port), or "all". Errors: "path:line:col: …" (STRATA_EFORMAT). */
int np_flows_parse(struct np_flows *fl, struct np_engine *e, const char *path, const char *data,
                   size_t len, struct strata_error *err);

/* The flows of the current connectivity restricted to the destination's declared container
 * ports (workload destinations; connections to outside the cluster are counted in
 * dropped_outside, not kept), plus every workload to the cluster DNS pods on 53/UDP and
 * 53/TCP when the manifests hold them. */
int np_flows_derive(struct np_flows *fl, struct np_engine *e, const struct np_cluster *c,
                    struct strata_error *err);

/* Writes the flows in the flows-file format (workloads by name). 0 or STRATA_EIO. */
int np_flows_write(const struct np_flows *fl, struct np_engine *e, FILE *out);

/* Workloads that no label selector can tell apart: group[w] = the first workload of w's
 * namespace with exactly w's labels (w itself when alone). malloc'd; NULL on ENOMEM. */
size_t *np_label_twins(const struct np_cluster *c);

/* Checks that engine e (the workloads of the same cluster, other policies) allows exactly the
 * flows: every allowed pair equals the union of the flows covering it (twins taken together),
 * and every flow is allowed. Differences are appended to diff (first 20), counted in
 * *mismatches. 0 or STRATA_ENOMEM. */
int np_flows_check(const struct np_flows *fl, struct np_engine *e, const struct np_cluster *c,
                   struct strbuf *diff, size_t *mismatches);

#endif
