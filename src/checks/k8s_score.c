/* A kubesec-style score per workload (docs/config-kubernetes.md, "Score"): critical settings
 * subtract points and, when any is present, the score is their sum alone; otherwise each
 * good setting that holds for every container (and init container) adds its points. */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "checks/k8s_check.h"
#include "core/arena.h"
#include "core/strmap.h"

/* The pod-level settings that cover containers (runAsNonRoot, runAsUser, seccomp, AppArmor),
 * read once: a per-container lookup in a pod mapping would cost containers x keys. */
struct pod_cover {
    const struct ky_node *non_root, *uid, *seccomp, *apparmor;
    struct strmap annotated; /* container names with an allowed AppArmor annotation */
    struct arena names;
};

static const struct ky_node *effective(const struct k8s_container *c, const char *key,
                                       const struct ky_node *pod)
{
    const struct ky_node *v = ky_get(c->sc, key);
    return ky_is_null(v) ? pod : v;
}

static int profile_ok(const struct ky_node *profile)
{
    const struct ky_node *t = ky_get(profile, "type");
    return ky_eq(t, "RuntimeDefault") || ky_eq(t, "Localhost");
}

/* The containers whose AppArmor annotation names runtime/default or a localhost profile.
 * Returns 0 or -1 (out of memory: the points are then not given). */
static int annotated_containers(const struct k8s_workload *w, struct pod_cover *pc)
{
    static const char prefix[] = "container.apparmor.security.beta.kubernetes.io/";
    const size_t pl = sizeof prefix - 1;
    struct ky_pair *pairs;
    size_t n;
    if (ky_map_pairs(ky_get(w->meta, "annotations"), &pairs, &n) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct ky_node *k = pairs[i].key, *v = pairs[i].value;
        if (!ky_is_scalar(k) || k->len <= pl || memcmp(k->text, prefix, pl) != 0)
            continue;
        if (!(ky_eq(v, "runtime/default") ||
              (ky_is_scalar(v) && v->len > 10 && memcmp(v->text, "localhost/", 10) == 0)))
            continue;
        /* the name as the model shows it, so that both sides compare alike */
        char shown[K8S_NAME_MAX];
        ky_show_bytes(k->text + pl, k->len - pl, shown, sizeof shown);
        char *name = arena_strdup(&pc->names, shown);
        if (name == NULL || strmap_put(&pc->annotated, name, name) != 0)
            rc = -1;
    }
    free(pairs);
    return rc;
}

enum {
    P_READONLY,
    P_NON_ROOT,
    P_HIGH_UID,
    P_DROP_ALL,
    P_NO_ESCALATION,
    P_SECCOMP,
    P_APPARMOR,
    P_REQ_CPU,
    P_REQ_MEM,
    P_LIM_CPU,
    P_LIM_MEM,
    P_COUNT
};

static const int points[P_COUNT] = {
    [P_READONLY] = 1,      [P_NON_ROOT] = 1, [P_HIGH_UID] = 1, [P_DROP_ALL] = 1,
    [P_NO_ESCALATION] = 1, [P_SECCOMP] = 1,  [P_APPARMOR] = 3, [P_REQ_CPU] = 1,
    [P_REQ_MEM] = 1,       [P_LIM_CPU] = 1,  [P_LIM_MEM] = 1,
};

int k8s_score(const struct k8s_workload *w)
{
    int critical = 0;
    const struct ky_node *spec = w->spec;
    if (ky_bool(ky_get(spec, "hostNetwork")) == 1)
        critical -= 9;
    if (ky_bool(ky_get(spec, "hostPID")) == 1)
        critical -= 9;
    if (ky_bool(ky_get(spec, "hostIPC")) == 1)
        critical -= 9;
    int host_process = ky_bool(ky_get(ky_get(w->psc, "windowsOptions"), "hostProcess")) == 1;
    int privileged = 0, sys_admin = 0, escalation = 0;
    struct pod_cover pc = {
        .non_root = ky_get(w->psc, "runAsNonRoot"),
        .uid = ky_get(w->psc, "runAsUser"),
        .seccomp = ky_get(w->psc, "seccompProfile"),
        .apparmor = ky_get(w->psc, "appArmorProfile"),
        .annotated = STRMAP_INIT,
        .names = ARENA_INIT,
    };
    int annotations_read = annotated_containers(w, &pc) == 0;
    int ok[P_COUNT];
    size_t counted = 0;
    for (int p = 0; p < P_COUNT; p++)
        ok[p] = 1;
    for (size_t i = 0; i < w->n_c; i++) {
        const struct k8s_container *c = &w->c[i];
        privileged |= ky_bool(ky_get(c->sc, "privileged")) == 1;
        escalation |= ky_bool(ky_get(c->sc, "allowPrivilegeEscalation")) == 1;
        host_process |= ky_bool(ky_get(ky_get(c->sc, "windowsOptions"), "hostProcess")) == 1;
        const struct ky_node *caps = ky_get(c->sc, "capabilities");
        const struct ky_node *add = ky_get(caps, "add"), *drop = ky_get(caps, "drop");
        for (uint32_t j = 0; ky_is_seq(add) && j < add->n; j++)
            sys_admin |= ky_eq(add->kids[j], "SYS_ADMIN") || ky_eq(add->kids[j], "CAP_SYS_ADMIN") ||
                         ky_eq(add->kids[j], "ALL");
        if (c->type == K8S_EPHEMERAL)
            continue; /* debugging containers do not change the workload's score */
        counted++;
        int drop_all = 0;
        for (uint32_t j = 0; ky_is_seq(drop) && j < drop->n; j++)
            drop_all |= ky_eq(drop->kids[j], "ALL");
        long long uid;
        const struct ky_node *res = ky_get(c->node, "resources");
        ok[P_READONLY] &= ky_bool(ky_get(c->sc, "readOnlyRootFilesystem")) == 1;
        ok[P_NON_ROOT] &= ky_bool(effective(c, "runAsNonRoot", pc.non_root)) == 1;
        ok[P_HIGH_UID] &= ky_int(effective(c, "runAsUser", pc.uid), &uid) == 0 && uid > 10000;
        ok[P_DROP_ALL] &= drop_all;
        ok[P_NO_ESCALATION] &= ky_bool(ky_get(c->sc, "allowPrivilegeEscalation")) == 0;
        ok[P_SECCOMP] &= profile_ok(effective(c, "seccompProfile", pc.seccomp));
        ok[P_APPARMOR] &= profile_ok(effective(c, "appArmorProfile", pc.apparmor)) ||
                          (annotations_read && strmap_get(&pc.annotated, c->name) != NULL);
        ok[P_REQ_CPU] &= !ky_is_null(ky_get(ky_get(res, "requests"), "cpu"));
        ok[P_REQ_MEM] &= !ky_is_null(ky_get(ky_get(res, "requests"), "memory"));
        ok[P_LIM_CPU] &= !ky_is_null(ky_get(ky_get(res, "limits"), "cpu"));
        ok[P_LIM_MEM] &= !ky_is_null(ky_get(ky_get(res, "limits"), "memory"));
    }
    strmap_release(&pc.annotated);
    arena_release(&pc.names);
    if (privileged)
        critical -= 30;
    if (sys_admin)
        critical -= 30;
    if (host_process)
        critical -= 30;
    if (escalation)
        critical -= 7;
    const struct ky_node *vols = ky_get(spec, "volumes");
    for (uint32_t i = 0; ky_is_seq(vols) && i < vols->n; i++)
        if (k8s_runtime_socket(ky_get(ky_get(vols->kids[i], "hostPath"), "path"))) {
            critical -= 9;
            break;
        }
    if (critical < 0)
        return critical;
    int score = 0;
    for (int p = 0; counted > 0 && p < P_COUNT; p++)
        if (ok[p])
            score += points[p];
    const struct ky_node *sa = ky_get(spec, "serviceAccountName");
    if (ky_is_scalar(sa) && sa->len > 0 && !ky_is_null(sa) && !ky_eq(sa, "default"))
        score += 3;
    if (ky_bool(ky_get(spec, "automountServiceAccountToken")) == 0)
        score += 1;
    return score;
}
