/* Pod Security Standards controls, each as the standard's table states it: the restricted
 * fields and their allowed values. A value outside the allowed list is a violation, whatever
 * its type (a quoted "false" where a boolean belongs is not the allowed false; the API server
 * would refuse it anyway). Scalars are typed as Kubernetes decodes YAML (k8s_yaml.h). */
#include "checks/k8s_pss.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata/error.h"

const struct k8s_pss_control_info k8s_pss_controls[PSS_N_CONTROLS] = {
    [PSS_HOST_PROCESS] = {"PSS-BASELINE-HOST-PROCESS", 1, "HostProcess", "HIGH",
                          "Do not set windowsOptions.hostProcess (or set it to false)."},
    [PSS_HOST_NAMESPACES] = {"PSS-BASELINE-HOST-NAMESPACES", 1, "Host Namespaces", "HIGH",
                             "Remove hostNetwork, hostPID and hostIPC (or set them to false)."},
    [PSS_PRIVILEGED] = {"PSS-BASELINE-PRIVILEGED", 1, "Privileged Containers", "CRITICAL",
                        "Remove securityContext.privileged (or set it to false)."},
    [PSS_CAPABILITIES_BASELINE] = {"PSS-BASELINE-CAPABILITIES", 1, "Capabilities", "HIGH",
                                   "Add only capabilities of the default set (AUDIT_WRITE, CHOWN, "
                                   "DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, "
                                   "SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT)."},
    [PSS_HOST_PATH] = {"PSS-BASELINE-HOST-PATH", 1, "HostPath Volumes", "HIGH",
                       "Replace hostPath volumes with emptyDir, configMap, secret or a "
                       "persistentVolumeClaim."},
    [PSS_HOST_PORTS] = {"PSS-BASELINE-HOST-PORTS", 1, "Host Ports", "MEDIUM",
                        "Remove hostPort; expose the port through a Service."},
    [PSS_HOST_PROBES] = {"PSS-BASELINE-HOST-PROBES", 1, "Host Probes / Lifecycle Hooks", "MEDIUM",
                         "Remove the host field of httpGet and tcpSocket probes and lifecycle "
                         "handlers; they then target the pod's own IP."},
    [PSS_APPARMOR] = {"PSS-BASELINE-APPARMOR", 1, "AppArmor", "MEDIUM",
                      "Use the RuntimeDefault or a Localhost AppArmor profile (or leave it unset); "
                      "never Unconfined."},
    [PSS_SELINUX] = {"PSS-BASELINE-SELINUX", 1, "SELinux", "MEDIUM",
                     "Leave seLinuxOptions user and role unset and use a container_t, "
                     "container_init_t, container_kvm_t or container_engine_t type."},
    [PSS_PROC_MOUNT] = {"PSS-BASELINE-PROC-MOUNT", 1, "/proc Mount Type", "MEDIUM",
                        "Remove securityContext.procMount (or set it to Default)."},
    [PSS_SECCOMP_BASELINE] = {"PSS-BASELINE-SECCOMP", 1, "Seccomp", "MEDIUM",
                              "Set seccompProfile.type to RuntimeDefault or Localhost; never "
                              "Unconfined."},
    [PSS_SYSCTLS] = {"PSS-BASELINE-SYSCTLS", 1, "Sysctls", "MEDIUM",
                     "Set only the safe sysctls of the standard (kernel.shm_rmid_forced, "
                     "net.ipv4.ip_local_port_range, …)."},
    [PSS_VOLUME_TYPES] = {"PSS-RESTRICTED-VOLUME-TYPES", 2, "Volume Types", "LOW",
                          "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, "
                          "persistentVolumeClaim, projected or secret volumes."},
    [PSS_PRIVILEGE_ESCALATION] = {"PSS-RESTRICTED-PRIVILEGE-ESCALATION", 2, "Privilege Escalation",
                                  "MEDIUM",
                                  "Set securityContext.allowPrivilegeEscalation: false in every "
                                  "container."},
    [PSS_RUN_AS_NON_ROOT] = {"PSS-RESTRICTED-RUN-AS-NON-ROOT", 2, "Running as Non-root", "MEDIUM",
                             "Set securityContext.runAsNonRoot: true on the pod (or on every "
                             "container) and never false on a container."},
    [PSS_RUN_AS_USER] = {"PSS-RESTRICTED-RUN-AS-USER", 2, "Running as Non-root user", "MEDIUM",
                         "Set runAsUser to a non-zero uid, or leave it unset."},
    [PSS_SECCOMP_RESTRICTED] = {"PSS-RESTRICTED-SECCOMP", 2, "Seccomp", "LOW",
                                "Set spec.securityContext.seccompProfile.type: RuntimeDefault "
                                "(or Localhost), or set it on every container."},
    [PSS_CAPABILITIES_RESTRICTED] = {"PSS-RESTRICTED-CAPABILITIES", 2, "Capabilities", "LOW",
                                     "Set capabilities.drop: [ALL] in every container and add "
                                     "back at most NET_BIND_SERVICE."},
};

struct ev {
    const struct k8s_workload *w;
    struct k8s_violations *out;
    int oom;
};

static void add(struct ev *e, enum k8s_pss_control control, const struct ky_node *at, int container,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add(struct ev *e, enum k8s_pss_control control, const struct ky_node *at, int container,
                const char *fmt, ...)
{
    struct k8s_violations *o = e->out;
    if (e->oom)
        return;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        struct k8s_violation *v = realloc(o->v, cap * sizeof *v);
        if (v == NULL) {
            e->oom = 1;
            return;
        }
        o->v = v;
        o->cap = cap;
    }
    if (at == NULL)
        at = container >= 0 ? e->w->c[container].at : e->w->spec_key;
    struct k8s_violation *v = &o->v[o->n++];
    v->control = control;
    v->container = container;
    v->line = at ? at->line : 0;
    v->col = at ? at->col : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->msg, sizeof v->msg, fmt, ap);
    va_end(ap);
}

/* How a value reads in a message: true/false for booleans, the scalar's text otherwise. */
static const char *shown(const struct ky_node *v, char *buf, size_t max)
{
    int b = ky_bool(v);
    if (b >= 0 && v->style == KY_PLAIN)
        return b ? "true" : "false";
    if (ky_is_scalar(v) && v->style != KY_PLAIN) {
        char t[72];
        snprintf(buf, max, "\"%s\"", ky_show(v, t, sizeof t));
        return buf;
    }
    return ky_show(v, buf, max);
}

/* Allowed: undefined/nil or false. */
static int false_or_unset(const struct ky_node *v)
{
    return ky_is_null(v) || ky_bool(v) == 0;
}

static int in_list(const struct ky_node *v, const char *const *list)
{
    for (; *list; list++)
        if (ky_eq(v, *list))
            return 1;
    return 0;
}

/* Allowed: undefined/nil or one of list. */
static int unset_or(const struct ky_node *v, const char *const *list)
{
    return ky_is_null(v) || in_list(v, list);
}

/* A boolean field whose allowed values are undefined and false, at the pod or a container. */
static void check_false(struct ev *e, enum k8s_pss_control c, const struct ky_node *map,
                        const char *key, int container, const char *path)
{
    struct ky_node *k;
    const struct ky_node *v = ky_get_key(map, key, &k);
    char b[96];
    if (!false_or_unset(v))
        add(e, c, k, container, "%s.%s is %s", path, key, shown(v, b, sizeof b));
}

/* ---- baseline ---- */

static void host_process(struct ev *e)
{
    const struct k8s_workload *w = e->w;
    char path[K8S_PATH_MAX + 40];
    snprintf(path, sizeof path, "%s.securityContext.windowsOptions", w->spec_path);
    check_false(e, PSS_HOST_PROCESS, ky_get(w->psc, "windowsOptions"), "hostProcess", -1, path);
    for (size_t i = 0; i < w->n_c; i++) {
        snprintf(path, sizeof path, "%s.securityContext.windowsOptions", w->c[i].path);
        check_false(e, PSS_HOST_PROCESS, ky_get(w->c[i].sc, "windowsOptions"), "hostProcess",
                    (int)i, path);
    }
}

static void host_namespaces(struct ev *e)
{
    static const char *const keys[] = {"hostNetwork", "hostPID", "hostIPC"};
    for (size_t i = 0; i < 3; i++)
        check_false(e, PSS_HOST_NAMESPACES, e->w->spec, keys[i], -1, e->w->spec_path);
}

static void privileged(struct ev *e)
{
    char path[K8S_PATH_MAX + 40];
    for (size_t i = 0; i < e->w->n_c; i++) {
        snprintf(path, sizeof path, "%s.securityContext", e->w->c[i].path);
        check_false(e, PSS_PRIVILEGED, e->w->c[i].sc, "privileged", (int)i, path);
    }
}

static void capabilities_baseline(struct ev *e)
{
    static const char *const allowed[] = {
        "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",       "MKNOD",
        "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT", NULL};
    for (size_t i = 0; i < e->w->n_c; i++) {
        const struct k8s_container *c = &e->w->c[i];
        struct ky_node *k;
        const struct ky_node *add_list = ky_get_key(ky_get(c->sc, "capabilities"), "add", &k);
        char b[96];
        if (ky_is_null(add_list))
            continue;
        if (!ky_is_seq(add_list)) {
            add(e, PSS_CAPABILITIES_BASELINE, k, (int)i,
                "%s.securityContext.capabilities.add is %s, not a list", c->path,
                shown(add_list, b, sizeof b));
            continue;
        }
        for (uint32_t j = 0; j < add_list->n; j++) {
            const struct ky_node *cap = add_list->kids[j];
            if (!in_list(cap, allowed))
                add(e, PSS_CAPABILITIES_BASELINE, cap, (int)i,
                    "%s.securityContext.capabilities.add has %s", c->path, shown(cap, b, sizeof b));
        }
    }
}

static void volume_name(const struct ky_node *vol, uint32_t i, char *buf, size_t max)
{
    const struct ky_node *n = ky_get(vol, "name");
    char b[80];
    if (ky_is_scalar(n) && !ky_is_null(n))
        snprintf(buf, max, "%s", ky_show(n, b, sizeof b));
    else
        snprintf(buf, max, "#%u", i);
}

static void host_path(struct ev *e)
{
    const struct ky_node *vols = ky_get(e->w->spec, "volumes");
    for (uint32_t i = 0; ky_is_seq(vols) && i < vols->n; i++) {
        struct ky_node *k;
        const struct ky_node *hp = ky_get_key(vols->kids[i], "hostPath", &k);
        if (ky_is_null(hp))
            continue;
        char name[96], b[96];
        volume_name(vols->kids[i], i, name, sizeof name);
        add(e, PSS_HOST_PATH, k, -1, "%s.volumes[%u] (%s) is a hostPath volume of %s",
            e->w->spec_path, i, name, shown(ky_get(hp, "path"), b, sizeof b));
    }
}

static void host_ports(struct ev *e)
{
    for (size_t i = 0; i < e->w->n_c; i++) {
        const struct k8s_container *c = &e->w->c[i];
        const struct ky_node *ports = ky_get(c->node, "ports");
        for (uint32_t j = 0; ky_is_seq(ports) && j < ports->n; j++) {
            struct ky_node *k;
            const struct ky_node *hp = ky_get_key(ports->kids[j], "hostPort", &k);
            long long v;
            char b[96];
            if (ky_is_null(hp) || (ky_int(hp, &v) == 0 && v == 0))
                continue;
            add(e, PSS_HOST_PORTS, k, (int)i, "%s.ports[%u].hostPort is %s", c->path, j,
                shown(hp, b, sizeof b));
        }
    }
}

static void host_probes(struct ev *e)
{
    static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};
    static const char *const hooks[] = {"postStart", "preStop"};
    static const char *const handlers[] = {"httpGet", "tcpSocket"};
    for (size_t i = 0; i < e->w->n_c; i++) {
        const struct k8s_container *c = &e->w->c[i];
        const struct ky_node *lifecycle = ky_get(c->node, "lifecycle");
        for (size_t p = 0; p < 5; p++) {
            const char *where = p < 3 ? probes[p] : hooks[p - 3];
            const struct ky_node *probe = p < 3 ? ky_get(c->node, where) : ky_get(lifecycle, where);
            for (size_t h = 0; h < 2; h++) {
                struct ky_node *k;
                const struct ky_node *host = ky_get_key(ky_get(probe, handlers[h]), "host", &k);
                char b[96];
                /* Allowed: undefined/nil and "". */
                if (ky_is_null(host) || (ky_is_scalar(host) && host->len == 0))
                    continue;
                add(e, PSS_HOST_PROBES, k, (int)i, "%s.%s%s.%s.host is %s", c->path,
                    p < 3 ? "" : "lifecycle.", where, handlers[h], shown(host, b, sizeof b));
            }
        }
    }
}

static const char *const runtime_or_local[] = {"RuntimeDefault", "Localhost", NULL};

static void apparmor(struct ev *e)
{
    const struct k8s_workload *w = e->w;
    char path[K8S_PATH_MAX + 40], b[96];
    struct ky_node *k;
    const struct ky_node *t = ky_get_key(ky_get(w->psc, "appArmorProfile"), "type", &k);
    if (!unset_or(t, runtime_or_local))
        add(e, PSS_APPARMOR, k, -1, "%s.securityContext.appArmorProfile.type is %s", w->spec_path,
            shown(t, b, sizeof b));
    for (size_t i = 0; i < w->n_c; i++) {
        t = ky_get_key(ky_get(w->c[i].sc, "appArmorProfile"), "type", &k);
        if (!unset_or(t, runtime_or_local))
            add(e, PSS_APPARMOR, k, (int)i, "%s.securityContext.appArmorProfile.type is %s",
                w->c[i].path, shown(t, b, sizeof b));
    }
    struct ky_pair *pairs;
    size_t n;
    if (ky_map_pairs(ky_get(w->meta, "annotations"), &pairs, &n) != 0) {
        e->oom = 1;
        return;
    }
    static const char prefix[] = "container.apparmor.security.beta.kubernetes.io/";
    const size_t pl = sizeof prefix - 1;
    for (size_t i = 0; i < n; i++) {
        const struct ky_node *key = pairs[i].key, *v = pairs[i].value;
        if (!ky_is_scalar(key) || key->len < pl || memcmp(key->text, prefix, pl) != 0)
            continue;
        /* Allowed: undefined/nil (an annotation is a string: null and "" are the same),
         * runtime/default and localhost/<profile>. */
        if (ky_is_null(v) || (ky_is_scalar(v) && v->len == 0) || ky_eq(v, "runtime/default") ||
            (ky_is_scalar(v) && v->len >= 10 && memcmp(v->text, "localhost/", 10) == 0))
            continue;
        char kb[120];
        snprintf(path, sizeof path, "%s.annotations", w->meta_path);
        add(e, PSS_APPARMOR, key, -1, "%s[%s] is %s", path, ky_show(key, kb, sizeof kb),
            shown(v, b, sizeof b));
    }
    free(pairs);
}

static void selinux_at(struct ev *e, const struct ky_node *sc, int container, const char *path)
{
    static const char *const types[] = {"container_t", "container_init_t", "container_kvm_t",
                                        "container_engine_t", NULL};
    const struct ky_node *opts = ky_get(sc, "seLinuxOptions");
    char b[96];
    struct ky_node *k;
    const struct ky_node *t = ky_get_key(opts, "type", &k);
    /* Allowed: undefined/"" and the container types. */
    if (!(ky_is_null(t) || (ky_is_scalar(t) && t->len == 0) || in_list(t, types)))
        add(e, PSS_SELINUX, k, container, "%s.securityContext.seLinuxOptions.type is %s", path,
            shown(t, b, sizeof b));
    static const char *const custom[] = {"user", "role"};
    for (size_t i = 0; i < 2; i++) {
        const struct ky_node *v = ky_get_key(opts, custom[i], &k);
        if (!(ky_is_null(v) || (ky_is_scalar(v) && v->len == 0)))
            add(e, PSS_SELINUX, k, container, "%s.securityContext.seLinuxOptions.%s is %s", path,
                custom[i], shown(v, b, sizeof b));
    }
}

static void selinux(struct ev *e)
{
    selinux_at(e, e->w->psc, -1, e->w->spec_path);
    for (size_t i = 0; i < e->w->n_c; i++)
        selinux_at(e, e->w->c[i].sc, (int)i, e->w->c[i].path);
}

static void proc_mount(struct ev *e)
{
    static const char *const allowed[] = {"Default", NULL};
    for (size_t i = 0; i < e->w->n_c; i++) {
        struct ky_node *k;
        const struct ky_node *v = ky_get_key(e->w->c[i].sc, "procMount", &k);
        char b[96];
        if (!unset_or(v, allowed))
            add(e, PSS_PROC_MOUNT, k, (int)i, "%s.securityContext.procMount is %s", e->w->c[i].path,
                shown(v, b, sizeof b));
    }
}

static void seccomp_baseline(struct ev *e)
{
    const struct k8s_workload *w = e->w;
    char b[96];
    struct ky_node *k;
    const struct ky_node *t = ky_get_key(ky_get(w->psc, "seccompProfile"), "type", &k);
    if (!unset_or(t, runtime_or_local))
        add(e, PSS_SECCOMP_BASELINE, k, -1, "%s.securityContext.seccompProfile.type is %s",
            w->spec_path, shown(t, b, sizeof b));
    for (size_t i = 0; i < w->n_c; i++) {
        t = ky_get_key(ky_get(w->c[i].sc, "seccompProfile"), "type", &k);
        if (!unset_or(t, runtime_or_local))
            add(e, PSS_SECCOMP_BASELINE, k, (int)i, "%s.securityContext.seccompProfile.type is %s",
                w->c[i].path, shown(t, b, sizeof b));
    }
}

static void sysctls(struct ev *e)
{
    static const char *const safe[] = {"kernel.shm_rmid_forced",
                                       "net.ipv4.ip_local_port_range",
                                       "net.ipv4.ip_unprivileged_port_start",
                                       "net.ipv4.tcp_syncookies",
                                       "net.ipv4.ping_group_range",
                                       "net.ipv4.ip_local_reserved_ports",
                                       "net.ipv4.tcp_keepalive_time",
                                       "net.ipv4.tcp_fin_timeout",
                                       "net.ipv4.tcp_keepalive_intvl",
                                       "net.ipv4.tcp_keepalive_probes",
                                       NULL};
    struct ky_node *k;
    const struct ky_node *list = ky_get_key(e->w->psc, "sysctls", &k);
    char b[96];
    if (ky_is_null(list))
        return;
    if (!ky_is_seq(list)) {
        add(e, PSS_SYSCTLS, k, -1, "%s.securityContext.sysctls is %s, not a list", e->w->spec_path,
            shown(list, b, sizeof b));
        return;
    }
    for (uint32_t i = 0; i < list->n; i++) {
        struct ky_node *nk;
        const struct ky_node *name = ky_get_key(list->kids[i], "name", &nk);
        if (!in_list(name, safe))
            add(e, PSS_SYSCTLS, nk ? nk : list->kids[i], -1,
                "%s.securityContext.sysctls[%u].name is %s, not a safe sysctl", e->w->spec_path, i,
                shown(name, b, sizeof b));
    }
}

/* ---- restricted ---- */

static void volume_types(struct ev *e)
{
    static const char *const allowed[] = {"configMap", "csi",       "downwardAPI",
                                          "emptyDir",  "ephemeral", "persistentVolumeClaim",
                                          "projected", "secret",    NULL};
    const struct ky_node *vols = ky_get(e->w->spec, "volumes");
    for (uint32_t i = 0; ky_is_seq(vols) && i < vols->n; i++) {
        const struct ky_node *vol = vols->kids[i];
        int ok = 0;
        for (size_t a = 0; allowed[a] && !ok; a++)
            ok = !ky_is_null(ky_get(vol, allowed[a]));
        if (ok)
            continue;
        /* Name the type it uses: its first key that is neither name nor an allowed type. */
        struct ky_pair *pairs;
        size_t n;
        if (ky_map_pairs(vol, &pairs, &n) != 0) {
            e->oom = 1;
            return;
        }
        const struct ky_node *type = NULL;
        for (size_t p = 0; p < n && !type; p++)
            if (!ky_eq(pairs[p].key, "name") && !ky_is_null(pairs[p].value) &&
                !in_list(pairs[p].key, allowed))
                type = pairs[p].key;
        free(pairs);
        char name[96], b[96];
        volume_name(vol, i, name, sizeof name);
        const struct ky_node *at = type ? type : ky_is_map(vol) && vol->n ? vol->kids[0] : vol;
        if (type)
            add(e, PSS_VOLUME_TYPES, at, -1, "%s.volumes[%u] (%s) is of type %s", e->w->spec_path,
                i, name, ky_show(type, b, sizeof b));
        else
            add(e, PSS_VOLUME_TYPES, at, -1, "%s.volumes[%u] (%s) sets none of the allowed types",
                e->w->spec_path, i, name);
    }
}

static void privilege_escalation(struct ev *e)
{
    for (size_t i = 0; i < e->w->n_c; i++) {
        const struct k8s_container *c = &e->w->c[i];
        struct ky_node *k;
        const struct ky_node *v = ky_get_key(c->sc, "allowPrivilegeEscalation", &k);
        char b[96];
        if (ky_bool(v) == 0)
            continue;
        if (v == NULL)
            add(e, PSS_PRIVILEGE_ESCALATION, NULL, (int)i,
                "%s.securityContext.allowPrivilegeEscalation is not set to false", c->path);
        else
            add(e, PSS_PRIVILEGE_ESCALATION, k, (int)i,
                "%s.securityContext.allowPrivilegeEscalation is %s", c->path,
                shown(v, b, sizeof b));
    }
}

static void run_as_non_root(struct ev *e)
{
    const struct k8s_workload *w = e->w;
    struct ky_node *k;
    const struct ky_node *pod = ky_get_key(w->psc, "runAsNonRoot", &k);
    int pod_true = ky_bool(pod) == 1;
    char b[96];
    if (!ky_is_null(pod) && !pod_true)
        add(e, PSS_RUN_AS_NON_ROOT, k, -1, "%s.securityContext.runAsNonRoot is %s", w->spec_path,
            shown(pod, b, sizeof b));
    for (size_t i = 0; i < w->n_c; i++) {
        const struct ky_node *v = ky_get_key(w->c[i].sc, "runAsNonRoot", &k);
        if (ky_is_null(v)) {
            /* The pod's true covers a container that does not set it. */
            if (!pod_true)
                add(e, PSS_RUN_AS_NON_ROOT, NULL, (int)i,
                    "%s.securityContext.runAsNonRoot is not set and the pod's is not true",
                    w->c[i].path);
        } else if (ky_bool(v) != 1) {
            add(e, PSS_RUN_AS_NON_ROOT, k, (int)i, "%s.securityContext.runAsNonRoot is %s",
                w->c[i].path, shown(v, b, sizeof b));
        }
    }
}

static void run_as_user_at(struct ev *e, const struct ky_node *sc, int container, const char *path)
{
    struct ky_node *k;
    const struct ky_node *v = ky_get_key(sc, "runAsUser", &k);
    long long uid;
    char b[96];
    if (ky_is_null(v))
        return;
    if (ky_int(v, &uid) != 0)
        add(e, PSS_RUN_AS_USER, k, container, "%s.securityContext.runAsUser is %s, not a uid", path,
            shown(v, b, sizeof b));
    else if (uid == 0)
        add(e, PSS_RUN_AS_USER, k, container, "%s.securityContext.runAsUser is 0 (root)", path);
}

static void run_as_user(struct ev *e)
{
    run_as_user_at(e, e->w->psc, -1, e->w->spec_path);
    for (size_t i = 0; i < e->w->n_c; i++)
        run_as_user_at(e, e->w->c[i].sc, (int)i, e->w->c[i].path);
}

static void seccomp_restricted(struct ev *e)
{
    const struct k8s_workload *w = e->w;
    struct ky_node *k;
    const struct ky_node *pod = ky_get_key(ky_get(w->psc, "seccompProfile"), "type", &k);
    int pod_ok = in_list(pod, runtime_or_local);
    char b[96];
    if (!ky_is_null(pod) && !pod_ok)
        add(e, PSS_SECCOMP_RESTRICTED, k, -1, "%s.securityContext.seccompProfile.type is %s",
            w->spec_path, shown(pod, b, sizeof b));
    for (size_t i = 0; i < w->n_c; i++) {
        const struct ky_node *t = ky_get_key(ky_get(w->c[i].sc, "seccompProfile"), "type", &k);
        if (ky_is_null(t)) {
            if (!pod_ok)
                add(e, PSS_SECCOMP_RESTRICTED, NULL, (int)i,
                    "%s.securityContext.seccompProfile.type is not set and the pod's is not "
                    "RuntimeDefault or Localhost",
                    w->c[i].path);
        } else if (!in_list(t, runtime_or_local)) {
            add(e, PSS_SECCOMP_RESTRICTED, k, (int)i,
                "%s.securityContext.seccompProfile.type is %s", w->c[i].path,
                shown(t, b, sizeof b));
        }
    }
}

static void capabilities_restricted(struct ev *e)
{
    for (size_t i = 0; i < e->w->n_c; i++) {
        const struct k8s_container *c = &e->w->c[i];
        struct ky_node *ck, *dk, *ak;
        const struct ky_node *caps = ky_get_key(c->sc, "capabilities", &ck);
        const struct ky_node *drop = ky_get_key(caps, "drop", &dk);
        const struct ky_node *addl = ky_get_key(caps, "add", &ak);
        int all = 0;
        for (uint32_t j = 0; ky_is_seq(drop) && j < drop->n; j++)
            all |= ky_eq(drop->kids[j], "ALL");
        if (!all)
            add(e, PSS_CAPABILITIES_RESTRICTED, dk ? dk : ck, (int)i,
                "%s.securityContext.capabilities.drop does not include ALL", c->path);
        char b[96];
        if (ky_is_null(addl))
            continue;
        if (!ky_is_seq(addl)) {
            add(e, PSS_CAPABILITIES_RESTRICTED, ak, (int)i,
                "%s.securityContext.capabilities.add is %s, not a list", c->path,
                shown(addl, b, sizeof b));
            continue;
        }
        for (uint32_t j = 0; j < addl->n; j++)
            if (!ky_eq(addl->kids[j], "NET_BIND_SERVICE"))
                add(e, PSS_CAPABILITIES_RESTRICTED, addl->kids[j], (int)i,
                    "%s.securityContext.capabilities.add has %s (only NET_BIND_SERVICE may be "
                    "added)",
                    c->path, shown(addl->kids[j], b, sizeof b));
    }
}

int k8s_pss_evaluate(const struct k8s_workload *w, struct k8s_violations *out)
{
    struct ev e = {w, out, 0};
    host_process(&e);
    host_namespaces(&e);
    privileged(&e);
    capabilities_baseline(&e);
    host_path(&e);
    host_ports(&e);
    host_probes(&e);
    apparmor(&e);
    selinux(&e);
    proc_mount(&e);
    seccomp_baseline(&e);
    sysctls(&e);
    volume_types(&e);
    /* The standard makes these three Linux-only: a pod with spec.os.name windows skips them. */
    if (!w->windows)
        privilege_escalation(&e);
    run_as_non_root(&e);
    run_as_user(&e);
    if (!w->windows) {
        seccomp_restricted(&e);
        capabilities_restricted(&e);
    }
    return e.oom ? STRATA_ENOMEM : 0;
}

void k8s_violations_free(struct k8s_violations *v)
{
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}

const char *k8s_pss_level(const struct k8s_violations *v, const int counted[PSS_N_CONTROLS])
{
    int worst = 0; /* 0 none, 1 a baseline control violated, 2 only restricted ones */
    for (size_t i = 0; i < v->n; i++) {
        const struct k8s_pss_control_info *c = &k8s_pss_controls[v->v[i].control];
        if (!counted[v->v[i].control])
            continue;
        if (c->level == 1)
            return "privileged";
        worst = 2;
    }
    return worst ? "baseline" : "restricted";
}
