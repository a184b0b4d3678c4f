/* The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
 * as of Kubernetes v1.34) evaluated on one workload's pod spec: every baseline and restricted
 * control, field by field, with the standard's allowed values. See docs/config-kubernetes.md
 * for the table of controls and how pod-level settings cover containers. */
#ifndef STRATA_CHECKS_K8S_PSS_H
#define STRATA_CHECKS_K8S_PSS_H

#include <stddef.h>
#include <stdint.h>

#include "checks/k8s_model.h"

enum k8s_pss_control {
    /* baseline */
    PSS_HOST_PROCESS,
    PSS_HOST_NAMESPACES,
    PSS_PRIVILEGED,
    PSS_CAPABILITIES_BASELINE,
    PSS_HOST_PATH,
    PSS_HOST_PORTS,
    PSS_HOST_PROBES,
    PSS_APPARMOR,
    PSS_SELINUX,
    PSS_PROC_MOUNT,
    PSS_SECCOMP_BASELINE,
    PSS_SYSCTLS,
    /* restricted */
    PSS_VOLUME_TYPES,
    PSS_PRIVILEGE_ESCALATION,
    PSS_RUN_AS_NON_ROOT,
    PSS_RUN_AS_USER,
    PSS_SECCOMP_RESTRICTED,
    PSS_CAPABILITIES_RESTRICTED,
    PSS_N_CONTROLS
};

struct k8s_pss_control_info {
    const char *id;       /* "PSS-BASELINE-HOST-NAMESPACES" */
    int level;            /* 1 baseline, 2 restricted */
    const char *name;     /* the standard's row: "Host Namespaces" */
    const char *severity; /* of its findings */
    const char *remediation;
};

extern const struct k8s_pss_control_info k8s_pss_controls[PSS_N_CONTROLS];

struct k8s_violation {
    enum k8s_pss_control control;
    uint32_t line, col; /* the offending key, or where an absent setting belongs */
    int container;      /* index in w->c, -1 for the pod */
    char msg[K8S_PATH_MAX + 160];
};

struct k8s_violations {
    struct k8s_violation *v;
    size_t n, cap;
};

/* Appends every violation of every control (both levels) to out, in control order then
 * document order. Returns 0 or STRATA_ENOMEM. */
int k8s_pss_evaluate(const struct k8s_workload *w, struct k8s_violations *out);
void k8s_violations_free(struct k8s_violations *v);

/* The level a workload satisfies given its violations and which controls count
 * (counted[c] non-zero): "restricted", "baseline" or "privileged". */
const char *k8s_pss_level(const struct k8s_violations *v, const int counted[PSS_N_CONTROLS]);

#endif
