/* The network-segmentation model (docs/netpol-engine.md): namespaces, workloads, services and
 * networking.k8s.io/v1 NetworkPolicies read from Kubernetes YAML, with labels interned to
 * numbers so the engine (np_engine.h) compares integers. Everything lives in the cluster's
 * arena and is freed with np_cluster_free. */
#ifndef STRATA_NETPOL_NP_MODEL_H
#define STRATA_NETPOL_NP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/strmap.h"
#include "strata/error.h"

/* Bounds against hostile input (each an error naming file:line:col when exceeded). */
#define NP_MAX_OBJECTS 1000000u  /* namespaces + workloads + services + policies, all files */
#define NP_MAX_LABELS 4096u      /* labels of one object, requirements of one selector */
#define NP_MAX_VALUES 4096u      /* values of one matchExpressions requirement */
#define NP_MAX_RULES 4096u       /* ingress or egress rules of one policy */
#define NP_MAX_PEERS 4096u       /* peers of one rule */
#define NP_MAX_PORTS 4096u       /* ports of one rule, ports of one workload */
#define NP_MAX_EXCEPT 4096u      /* except CIDRs of one ipBlock */
#define NP_MAX_STRING 1024u      /* a label key or value, a name */
#define NP_MAX_IPBLOCKS 1000000u /* ipBlock peers of the whole cluster */

enum np_proto { NP_TCP = 0, NP_UDP, NP_SCTP, NP_NPROTO };
const char *np_proto_name(enum np_proto p);

struct np_label {
    uint32_t key, value; /* interned ids (np_cluster.names) */
};

struct np_labels {
    struct np_label *l; /* sorted by key, each key once */
    uint32_t n;
};

enum np_op { NP_IN = 0, NP_NOTIN, NP_EXISTS, NP_DOESNOTEXIST };

struct np_req {
    uint32_t key;
    uint8_t op;
    uint32_t n_values;
    uint32_t *values;
};

/* A label selector: all requirements must hold; none = matches everything. */
struct np_selector {
    struct np_req *r;
    uint32_t n;
};

struct np_namespace {
    const char *name;
    struct np_labels labels; /* with kubernetes.io/metadata.name = name */
    int declared;            /* a Namespace object was read (else implied by a reference) */
    const char *file;        /* where the Namespace object is (declared only) */
    uint32_t line, col;
};

struct np_cport {
    const char *name; /* NULL when unnamed */
    uint16_t port;
    uint8_t proto;
};

struct np_workload {
    const char *kind, *name, *file;
    uint32_t ns; /* index into namespaces */
    uint32_t line, col;
    struct np_labels labels;
    struct np_cport *ports;
    uint32_t n_ports;
    int host_network; /* spec.hostNetwork: the pods have the node's address */
};

struct np_service {
    const char *name, *file;
    uint32_t ns, line, col;
    struct np_labels selector; /* spec.selector (equality only) */
    int has_selector;
};

/* An IPv4 range [lo, hi]; IPv6 ipBlocks are validated but not modelled (ipv6 set). */
struct np_cidr {
    uint32_t lo, hi;
};

struct np_peer {
    int has_pod, has_ns, is_ipblock, ipv6;
    struct np_selector pod, ns;
    struct np_cidr cidr;
    struct np_cidr *except;
    uint32_t n_except;
    uint32_t ipblock_id; /* numbering of ipBlock peers across the cluster */
    uint32_t line, col;  /* of the peer in its file */
};

/* A rule's port: name != NULL for a named port; port 0 = every port of the protocol. */
struct np_rport {
    const char *name;
    uint16_t port, end; /* [port, end]; end == port without endPort */
    uint8_t proto;
    uint32_t line, col;
};

struct np_rule {
    struct np_peer *peers; /* none = every source/destination, inside and outside the cluster */
    uint32_t n_peers;
    struct np_rport *ports; /* none = every port of every protocol */
    uint32_t n_ports;
    uint32_t line, col; /* of the rule (0 for a null rule) */
};

struct np_policy {
    const char *name, *file;
    uint32_t ns, line, col;
    struct np_selector pod;
    int ingress, egress; /* policy types (given or inferred) */
    struct np_rule *in, *eg;
    uint32_t n_in, n_eg;
};

struct np_cluster {
    struct arena arena;
    struct strmap name_ids; /* label keys and values -> id + 1 */
    const char **names;     /* id -> text */
    size_t n_names, cap_names;
    const char *default_ns;
    uint32_t meta_name_key; /* id of kubernetes.io/metadata.name */
    struct strmap ns_ids;   /* namespace name -> index + 1 */
    struct np_namespace *ns;
    size_t n_ns, cap_ns;
    struct np_workload *wl;
    size_t n_wl, cap_wl;
    struct np_service *svc;
    size_t n_svc, cap_svc;
    struct np_policy *pol;
    size_t n_pol, cap_pol;
    size_t n_ipblocks;    /* ipBlock peers (ids 0..n-1) */
    size_t n_ipv6_blocks; /* of which IPv6, not modelled */
};

/* A new empty cluster; objects without a namespace land in default_ns (NULL: "default").
 * NULL on ENOMEM. */
struct np_cluster *np_cluster_new(const char *default_ns);
void np_cluster_free(struct np_cluster *c);

/* Reads every document of one YAML file (multi-document, List kinds) into the cluster:
 * Namespace, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Service,
 * NetworkPolicy (networking.k8s.io/v1); other kinds are skipped. data must hold len bytes;
 * nothing points into it afterwards. Returns 0, or STRATA_EFORMAT / STRATA_ELIMIT /
 * STRATA_ENOMEM with a message "path:line:col: …" (a malformed policy is an error, never
 * skipped). After an error the cluster keeps what was read before it. */
int np_cluster_add_yaml(struct np_cluster *c, const char *path, const char *data, size_t len,
                        struct strata_error *err);

/* Forgets the NetworkPolicies read so far (workloads, namespaces and services stay), so that
 * other policies can be loaded in their place: `strata netpol suggest` checks its output this
 * way. Engines built before must be freed first. */
void np_cluster_drop_policies(struct np_cluster *c);

/* ---- labels and selectors (np_select.c) ---- */

/* The id of text (interned on first use); -1 on ENOMEM. */
int64_t np_intern(struct np_cluster *c, const char *s, size_t n);
/* The value id of key in labels, or -1. */
int64_t np_label_get(const struct np_labels *l, uint32_t key);
/* Whether labels satisfy sel (Kubernetes LabelSelector semantics). */
int np_selector_matches(const struct np_selector *sel, const struct np_labels *labels);
/* A selector written as kubectl's -l: "app=web,tier!=db,env in (a,b),release notin (x),
 * debug,!canary" (requirements ANDed; an empty string selects everything). Values are
 * interned into c. Returns 0, STRATA_EUSAGE with the column, or STRATA_ENOMEM. */
int np_selector_parse(struct np_cluster *c, const char *s, struct np_selector *out,
                      struct strata_error *err);
/* Index of a namespace by name, created (undeclared) when absent; -1 on ENOMEM/limit. */
int64_t np_namespace_ref(struct np_cluster *c, const char *name, size_t n);

#endif
