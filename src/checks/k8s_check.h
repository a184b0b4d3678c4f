/* The Kubernetes checker's insides (docs/config-kubernetes.md): the driver walks the
 * documents of one file, evaluates the Pod Security Standards, the K8S-nnn rules and the
 * score of each workload, and hands results to a sink. config_check_kubernetes() is the sink
 * of the config framework (config.h); tests use their own. */
#ifndef STRATA_CHECKS_K8S_CHECK_H
#define STRATA_CHECKS_K8S_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "checks/config.h"
#include "checks/k8s_model.h"
#include "core/arena.h"
#include "core/strmap.h"

struct k8s_wide;

/* Where results go (at most CONFIG_MAX_FINDINGS findings and as many PSS results per file;
 * more are dropped and counted). enabled() says whether a rule id is selected (NULL: every rule);
 * finding and pss return 0 or STRATA_ENOMEM. */
struct k8s_sink {
    void *u;
    int pss_level; /* 0, 1 baseline, 2 restricted */
    int (*enabled)(void *u, const char *id);
    int (*finding)(void *u, const struct config_finding *f);
    int (*pss)(void *u, const char *resource, int line, const char *level_satisfied,
               const char *const *violations, size_t n_violations, int score);
    /* Told, at the end of a file, how many findings and PSS results beyond
     * CONFIG_MAX_FINDINGS each were dropped (not called when none were); may be NULL. */
    void (*dropped)(void *u, size_t findings, size_t pss_results);
};

/* Checks one file alone: K8S-009 and K8S-017 see only its ServiceAccounts and NetworkPolicies
 * and are reported at its end. 0, or an error naming src->path and the position. */
int k8s_check_source(const struct k8s_sink *sink, const struct config_source *src,
                     struct strata_error *err);

/* Keeps a copy of src living until k8s_wide_finish (NULL on ENOMEM); u is the sink's. */
typedef const struct config_source *(*k8s_keep_fn)(void *u, const struct config_source *src);

/* Checks one file of a run: the file's namespaces with workloads, NetworkPolicies,
 * ServiceAccounts and held K8S-009 findings go to wide, and k8s_wide_finish reports what the
 * other files of the run did not settle. keep is asked only for a file with something still
 * pending (NULL: the sources outlive the run). */
int k8s_check_source_in_run(const struct k8s_sink *sink, struct k8s_wide *wide, k8s_keep_fn keep,
                            const struct config_source *src, struct strata_error *err);

/* ---- shared by the driver and the rules ---- */

/* A namespace first seen with a workload, for K8S-017. */
struct k8s_ns_seen {
    char *ns;
    char *resource;
    uint32_t line, col;
};

/* A K8S-009 finding held until the ServiceAccounts are known. */
struct k8s_deferred {
    char *sa_key;          /* "ns/serviceaccount" */
    size_t sa_name_at;     /* where the ServiceAccount's name starts in sa_key */
    const char *spec_path; /* the model's static text ("spec.template.spec") */
    char *resource;
    uint32_t line, col;
};

struct k8s_run {
    const struct k8s_sink *sink;
    const struct config_source *src;
    struct strata_error *err;
    struct k8s_wide *wide; /* NULL: the file alone */
    k8s_keep_fn keep;
    struct arena mem;          /* strings of the whole file's state */
    struct strmap netpol_ns;   /* namespaces with a NetworkPolicy */
    struct strmap sa_no_token; /* "ns/name" of ServiceAccounts with automount false */
    struct k8s_ns_seen *seen;
    size_t n_seen, cap_seen;
    struct strmap seen_index; /* ns -> 1 */
    struct k8s_deferred *def;
    size_t n_def, cap_def;
    size_t n_findings, n_pss;             /* handed to the sink */
    size_t dropped_findings, dropped_pss; /* beyond CONFIG_MAX_FINDINGS */
};

int k8s_enabled(const struct k8s_run *r, const char *id);
/* Reports a finding (message printf-style). Returns 0 or STRATA_ENOMEM (err set). */
int k8s_emit(struct k8s_run *r, const char *id, const char *title, const char *severity,
             uint32_t line, uint32_t col, const char *resource, const char *remediation,
             const char *fmt, ...) __attribute__((format(printf, 9, 10)));

/* The K8S-nnn rules (k8s_rules.c). */
struct k8s_rule_info {
    const char *id, *title, *severity, *remediation;
};
extern const struct k8s_rule_info k8s_rules[];
extern const size_t k8s_n_rules;
/* Rules about a workload's pod spec and containers. */
int k8s_rules_workload(struct k8s_run *r, const struct k8s_workload *w);
/* Rules about other objects (Service, RBAC) and the file state they feed (NetworkPolicy,
 * ServiceAccount). */
int k8s_rules_object(struct k8s_run *r, const struct k8s_object *o);
/* What can only be said at the end of the file (K8S-009 held findings, K8S-017). */
int k8s_rules_finish(struct k8s_run *r);

/* The text of a held K8S-009 finding and of a K8S-017 one (the same in both modes): *f
 * points into d or s and into res and msg. */
void k8s_automount_finding(const struct k8s_deferred *d, char *msg, size_t max,
                           struct config_finding *f);
void k8s_netpol_finding(const struct k8s_ns_seen *s, char *res, size_t res_max, char *msg,
                        size_t max, struct config_finding *f);

/* ---- run-wide state (k8s_wide.c) ---- */

/* NULL on ENOMEM. */
struct k8s_wide *k8s_wide_new(void);
void k8s_wide_free(struct k8s_wide *w);
/* At the end of a file in run-wide mode: takes the file's NetworkPolicies and ServiceAccounts,
 * and holds its K8S-009 and K8S-017 findings that the run has not settled yet (keeping the
 * source through the run's keep). 0 or STRATA_ENOMEM (err set). */
int k8s_wide_add_file(struct k8s_wide *w, struct k8s_run *r);
/* After the last file: report(u, src, f) for each held finding still unsettled (at most
 * CONFIG_MAX_FINDINGS per file with those of its pass; *dropped counts the rest and those
 * held over the bound). 0 or report's error. */
int k8s_wide_finish(struct k8s_wide *w,
                    int (*report)(void *u, const struct config_source *src,
                                  const struct config_finding *f),
                    void *u, size_t *dropped);

/* 1 when a hostPath path is a container runtime socket (docker.sock, containerd.sock,
 * crio.sock, …) or a directory holding one (/var/run, /run/containerd, /, …). */
int k8s_runtime_socket(const struct ky_node *path);

/* The kubesec-style score of a workload (k8s_score.c; the table is in the docs). */
int k8s_score(const struct k8s_workload *w);

#endif
