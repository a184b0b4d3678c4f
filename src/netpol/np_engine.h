/* The connectivity engine (docs/netpol-engine.md, "Semantics"): which ports and protocols
 * each workload (or outside-cluster CIDR entity) may open to each other one, exactly as the
 * Kubernetes NetworkPolicy API defines it. Built once from a cluster (np_model.h), then
 * queried per pair or for every pair. */
#ifndef STRATA_NETPOL_NP_ENGINE_H
#define STRATA_NETPOL_NP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "netpol/np_model.h"

/* Ports lo..hi inclusive (1..65535). */
struct np_range {
    uint16_t lo, hi;
};

/* A sorted, disjoint, non-adjacent set of port ranges. */
struct np_pset {
    struct np_range *r;
    uint32_t n, cap;
};

/* What a connection may use: every port of every protocol (all, including protocols other
 * than TCP/UDP/SCTP), or per protocol a port set (all empty = no connection). */
struct np_allow {
    int all;
    struct np_pset p[NP_NPROTO];
};

/* Port-set helpers (np_ports.c). Return 0 or STRATA_ENOMEM. */
int np_pset_add(struct np_pset *s, uint16_t lo, uint16_t hi); /* unsorted append */
void np_pset_normalize(struct np_pset *s);                    /* sort and merge */
int np_pset_intersect(const struct np_pset *a, const struct np_pset *b, struct np_pset *out);
void np_pset_release(struct np_pset *s);
int np_allow_empty(const struct np_allow *a);
void np_allow_clear(struct np_allow *a);
void np_allow_release(struct np_allow *a);
/* A hash of the exact content (range order included), equality of content, and a copy into
 * to (cleared first; its sets are reused). np_allow_copy returns 0 or STRATA_ENOMEM. */
uint64_t np_allow_hash(const struct np_allow *a);
int np_allow_equal(const struct np_allow *a, const struct np_allow *b);
int np_allow_copy(const struct np_allow *from, struct np_allow *to);
/* "All", "none", or e.g. "TCP:80,8000-8080 UDP:53" (protocols in TCP, UDP, SCTP order). */
int np_allow_format(const struct np_allow *a, struct strbuf *out);

struct np_engine;

/* Bounds: external CIDR entities × ipBlocks signature words (NP_MAX_SIGNATURE_WORDS). */
#define NP_MAX_SIGNATURE_WORDS (64u << 20)

/* Precomputes, for every workload, the policies that select it for ingress and egress, and
 * for every rule the workloads and external entities its peers match. c must outlive the
 * engine. Returns 0, STRATA_ENOMEM or STRATA_ELIMIT. */
int np_engine_build(struct np_engine **out, const struct np_cluster *c, struct strata_error *err);
void np_engine_free(struct np_engine *e);

/* Entities: the cluster's workloads (0 .. n_wl-1, in cluster order), then the external CIDR
 * entities: the IPv4 space cut by every ipBlock cidr and except, the pieces that every
 * ipBlock treats alike grouped as one entity (just 0.0.0.0/0 when no policy has an ipBlock). */
size_t np_engine_entities(const struct np_engine *e);
int np_entity_is_external(const struct np_engine *e, size_t i);
/* "namespace/Kind/name" for a workload; for an external entity its CIDRs ("0.0.0.0/0",
 * "10.0.0.0/8,192.168.0.0/16"), or "0.0.0.0/0 except 10.0.0.0/8" when it holds all but a
 * few. Returns 0 or STRATA_ENOMEM. */
int np_entity_name(const struct np_engine *e, size_t i, struct strbuf *out);
/* The external entity holding IPv4 address ip. */
size_t np_entity_of_address(const struct np_engine *e, uint32_t ip);
/* The address ranges of external entity i, ascending, adjacent ones merged (*out malloc'd,
 * NULL and 0 for a workload). 0 or STRATA_ENOMEM. */
int np_entity_ranges(const struct np_engine *e, size_t i, struct np_cidr **out, size_t *n);
/* Appends lo..hi as the fewest CIDRs ("10.0.0.0/8"), comma-separated after the first
 * (*first is cleared once one is written). 0 or STRATA_ENOMEM. */
int np_range_cidrs(uint32_t lo, uint32_t hi, struct strbuf *out, int *first);
/* Address ranges (ascending, disjoint, adjacent merged) named as np_entity_name names an
 * external entity: their CIDRs, or "0.0.0.0/0 except …" when much shorter. */
int np_ranges_name(const struct np_cidr *r, size_t n, struct strbuf *out);
/* Whether workload w is isolated for ingress (egress 0) or egress (1). */
int np_workload_isolated(const struct np_engine *e, size_t w, int egress);

/* What src may open to dst: the sender's egress AND the receiver's ingress. *out is the
 * engine's own (valid until the next call); 0 or STRATA_ENOMEM. External→external is not
 * the cluster's business and comes back empty. */
int np_engine_pair(struct np_engine *e, size_t src, size_t dst, const struct np_allow **out);

/* What workload w's own policies allow toward (egress 1) or from (egress 0) other, whatever
 * other's policies say: "All" when w is not isolated in that direction. *out as for
 * np_engine_pair. */
int np_engine_side(struct np_engine *e, size_t w, size_t other, int egress,
                   const struct np_allow **out);
/* The policies (indices into the cluster's) that select workload w for ingress (egress 0) or
 * egress (1), in cluster order: *idx points at their count. */
size_t np_engine_policies(const struct np_engine *e, size_t w, int egress, const uint32_t **idx);
/* Whether rule number rule of the policy's ingress (egress 1: egress) rules has a peer
 * matching entity. */
int np_engine_rule_matches(const struct np_engine *e, size_t pol, int egress, uint32_t rule,
                           size_t entity);

/* fn for every pair with a non-empty allowance (workload→workload including a workload to
 * itself, workload→external, external→workload), src-major in entity order; stops at fn's
 * first non-zero return and returns it. STRATA_ENOMEM possible. */
int np_engine_each(struct np_engine *e,
                   int (*fn)(void *u, size_t src, size_t dst, const struct np_allow *a), void *u);

#endif
