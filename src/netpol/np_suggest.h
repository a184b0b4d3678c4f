/* `strata netpol suggest`: least-privilege NetworkPolicies for a set of required flows
 * (np_flows.h): a default-deny (Ingress and Egress) per namespace, and per workload one
 * ingress and one egress policy allowing exactly its flows. Pods are selected exactly: a
 * workload's selector is its labels plus DoesNotExist requirements that leave out the other
 * workloads of its namespace whose labels include its own. Workloads with identical labels
 * in one namespace (twins) cannot be told apart by any selector: they share policies and the
 * union of their flows. */
#ifndef STRATA_NETPOL_NP_SUGGEST_H
#define STRATA_NETPOL_NP_SUGGEST_H

#include "core/strbuf.h"
#include "netpol/np_flows.h"

struct np_suggest_stats {
    size_t policies;
    size_t namespaces;
    size_t twins; /* workloads sharing another's labels */
};

/* Appends the policies as multi-document YAML to out. dns_rule: give every workload an egress
 * rule to the cluster DNS (k8s-app=kube-dns in kube-system, 53/UDP and 53/TCP), for when the
 * DNS pods are not among the manifests. Returns 0, STRATA_ENOMEM or STRATA_ELIMIT (a
 * workload with more peers than a rule may hold). */
int np_suggest_yaml(const struct np_flows *fl, struct np_engine *e, const struct np_cluster *c,
                    int dns_rule, struct strbuf *out, struct np_suggest_stats *st,
                    struct strata_error *err);

#endif
