/* The Pod Security Standards controls field by field against the standard's allowed values
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/, v1.34): each case
 * puts one setting into a pod that otherwise satisfies restricted, at the pod level or in a
 * container, an init container and an ephemeral container, and checks that the control is
 * violated (at the offending key's line and column) or not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks/k8s_pss.h"
#include "core/strbuf.h"
#include "k8s_test_util.h"

#define OWN_POD 1 /* the P snippet replaces the pod's default securityContext */
#define OWN_CSC 2 /* the C snippet replaces the container's default securityContext */
#define BOTH 4    /* the C snippet goes to the regular container "app" as well */

/* P pod securityContext, S pod spec, M pod metadata, C container securityContext,
 * K container. */
struct pcase {
    const char *id;
    int bad;
    char slot;
    const char *snippet;
    const char *at; /* text at the expected position of the finding (bad cases) */
    int flags;
};

static const char pod_default[] = "runAsNonRoot: true\nseccompProfile:\n  type: RuntimeDefault";
static const char csc_default[] = "allowPrivilegeEscalation: false\ncapabilities:\n  drop: [ALL]";

static void put(struct strbuf *sb, const char *text, int indent)
{
    const char *p = text;
    while (p && *p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        assert_int_equal(strbuf_addf(sb, "%*s%.*s\n", indent, "", (int)n, p), 0);
        p = e ? e + 1 : NULL;
    }
}

static void put_csc(struct strbuf *sb, const struct pcase *c, int mine)
{
    if (mine && c->slot == 'C') {
        put(sb, c->snippet, 8);
        if (!(c->flags & OWN_CSC))
            put(sb, csc_default, 8);
    } else {
        put(sb, csc_default, 8);
    }
}

/* where: 0 the container is in containers, 1 initContainers, 2 ephemeralContainers. */
static char *build(const struct pcase *c, int where)
{
    struct strbuf sb = STRBUF_INIT;
    put(&sb, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: t", 0);
    if (c && c->slot == 'M')
        put(&sb, c->snippet, 2);
    put(&sb, "spec:\n  securityContext:", 0);
    if (c && c->slot == 'P') {
        if (!(c->flags & OWN_POD))
            put(&sb, pod_default, 4);
        put(&sb, c->snippet, 4);
    } else {
        put(&sb, pod_default, 4);
    }
    if (c && c->slot == 'S')
        put(&sb, c->snippet, 2);
    put(&sb, "containers:\n  - name: app\n    image: r/app:1@sha256:00\n    securityContext:", 2);
    put_csc(&sb, c, c && (c->flags & BOTH));
    if (where == 1)
        put(&sb, "initContainers:", 2);
    if (where == 2)
        put(&sb, "ephemeralContainers:", 2);
    put(&sb, "- name: xc\n  image: r/x:1@sha256:00\n  securityContext:", 4);
    put_csc(&sb, c, c != NULL);
    if (c && c->slot == 'K')
        put(&sb, c->snippet, 6);
    return strbuf_detach(&sb);
}

static int run_case(const struct pcase *c, int where)
{
    char *y = build(c, where);
    struct rec *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->only = "PSS-";
    struct strata_error err = {0};
    int rc = run_k8s(r, "pod.yaml", y, strlen(y), &err);
    int ok = 1;
    if (rc != 0) {
        fprintf(stderr, "case %s %s: error %s\n%s", c->id, c->snippet, err.msg, y);
        ok = 0;
    } else if (c->bad) {
        /* a container's setting is looked for from that container on */
        const char *from = c->slot == 'C' || c->slot == 'K' ? strstr(y, "- name: xc") : y;
        int line, col, l0, c0;
        pos_of(from, c->at, &line, &col);
        pos_of(y, "- name: xc", &l0, &c0);
        if (from != y && line > 0) {
            line += l0 - 1;
            if (line == l0)
                col += c0 - 1;
        }
        if (line == 0 || find_at(r, c->id, line, col) == NULL) {
            fprintf(stderr, "case %s [%s] where %d: want it at %d:%d ('%s'), got:\n", c->id,
                    c->snippet, where, line, col, c->at);
            dump_findings(r);
            fprintf(stderr, "%s", y);
            ok = 0;
        }
    } else if (count_id(r, c->id) != 0) {
        fprintf(stderr, "case %s [%s] where %d: want no finding, got:\n", c->id, c->snippet, where);
        dump_findings(r);
        ok = 0;
    }
    free(r);
    free(y);
    return ok;
}

static void run_cases(const struct pcase *cases, size_t n)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        int container = cases[i].slot == 'C' || cases[i].slot == 'K';
        for (int where = 0; where < (container ? 3 : 1); where++)
            failed += !run_case(&cases[i], where);
    }
    assert_int_equal(failed, 0);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_base_is_restricted(void **st)
{
    (void)st;
    for (int where = 0; where < 3; where++) {
        char *y = build(NULL, where);
        struct rec r = {0};
        r.only = "PSS-";
        struct strata_error err = {0};
        assert_int_equal(run_k8s(&r, "pod.yaml", y, strlen(y), &err), 0);
        if (r.n != 0)
            dump_findings(&r);
        assert_int_equal(r.n, 0);
        assert_int_equal(r.n_pss, 1);
        assert_string_equal(r.p[0].level, "restricted");
        assert_string_equal(r.p[0].resource, "Pod/t/p");
        assert_int_equal(r.p[0].line, 2);
        assert_int_equal(r.p[0].n, 0);
        free(y);
    }
}

static void test_host_process(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-BASELINE-HOST-PROCESS", 1, 'P', "windowsOptions:\n  hostProcess: true",
         "hostProcess: true", 0},
        {"PSS-BASELINE-HOST-PROCESS", 0, 'P', "windowsOptions:\n  hostProcess: false", 0, 0},
        {"PSS-BASELINE-HOST-PROCESS", 0, 'P', "windowsOptions:\n  gmsaCredentialSpecName: x", 0, 0},
        {"PSS-BASELINE-HOST-PROCESS", 1, 'C', "windowsOptions:\n  hostProcess: true",
         "hostProcess: true", 0},
        {"PSS-BASELINE-HOST-PROCESS", 1, 'C', "windowsOptions:\n  hostProcess: yes",
         "hostProcess: yes", 0},
        {"PSS-BASELINE-HOST-PROCESS", 1, 'C', "windowsOptions:\n  hostProcess: \"false\"",
         "hostProcess: \"false\"", 0},
        {"PSS-BASELINE-HOST-PROCESS", 0, 'C', "windowsOptions:\n  hostProcess: false", 0, 0},
        {"PSS-BASELINE-HOST-PROCESS", 0, 'C', "windowsOptions:\n  hostProcess: ~", 0, 0},
        {"PSS-BASELINE-HOST-PROCESS", 0, 'C', "windowsOptions: {}", 0, 0},
    };
    run_cases(c, N(c));
}

static void test_host_namespaces(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-BASELINE-HOST-NAMESPACES", 1, 'S', "hostNetwork: true", "hostNetwork", 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 1, 'S', "hostPID: true", "hostPID", 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 1, 'S', "hostIPC: true", "hostIPC", 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 1, 'S', "hostIPC: On", "hostIPC", 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 1, 'S', "hostNetwork: !!bool \"true\"", "hostNetwork", 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 1, 'S', "hostNetwork: 'true'", "hostNetwork", 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 1, 'S', "\"hostPID\": TRUE", "\"hostPID\"", 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 0, 'S', "hostNetwork: false", 0, 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 0, 'S', "hostPID: ~", 0, 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 0, 'S', "hostIPC: no", 0, 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 0, 'S', "hostIPC:", 0, 0},
        {"PSS-BASELINE-HOST-NAMESPACES", 0, 'S', "hostUsers: false", 0, 0},
    };
    run_cases(c, N(c));
}

static void test_privileged(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-BASELINE-PRIVILEGED", 1, 'C', "privileged: true", "privileged", 0},
        {"PSS-BASELINE-PRIVILEGED", 1, 'C', "privileged: True", "privileged", 0},
        {"PSS-BASELINE-PRIVILEGED", 1, 'C', "privileged: y", "privileged", 0},
        {"PSS-BASELINE-PRIVILEGED", 1, 'C', "privileged: 1", "privileged", 0},
        {"PSS-BASELINE-PRIVILEGED", 0, 'C', "privileged: false", 0, 0},
        {"PSS-BASELINE-PRIVILEGED", 0, 'C', "privileged: n", 0, 0},
        {"PSS-BASELINE-PRIVILEGED", 0, 'C', "privileged: null", 0, 0},
        {"PSS-BASELINE-PRIVILEGED", 0, 'C', "privileged: OFF", 0, 0},
        /* pod-level securityContext has no privileged field: nothing to cover */
        {"PSS-BASELINE-PRIVILEGED", 0, 'P', "fsGroup: 2000", 0, 0},
    };
    run_cases(c, N(c));
}

static void test_capabilities_baseline(void **st)
{
    (void)st;
    static const char *const allowed[] = {
        "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",      "MKNOD",
        "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};
    static char snippets[N(allowed)][128];
    struct pcase c[N(allowed) + 8];
    size_t n = 0;
    for (size_t i = 0; i < N(allowed); i++) {
        snprintf(snippets[i], sizeof snippets[i],
                 "allowPrivilegeEscalation: false\ncapabilities:\n  drop: [ALL]\n  add: [%s]",
                 allowed[i]);
        c[n++] = (struct pcase){"PSS-BASELINE-CAPABILITIES", 0, 'C', snippets[i], 0, OWN_CSC};
    }
    static const struct pcase bad[] = {
        {"PSS-BASELINE-CAPABILITIES", 1, 'C', "capabilities:\n  add: [NET_RAW]", "NET_RAW",
         OWN_CSC},
        {"PSS-BASELINE-CAPABILITIES", 1, 'C', "capabilities:\n  add:\n    - CHOWN\n    - SYS_ADMIN",
         "SYS_ADMIN", OWN_CSC},
        {"PSS-BASELINE-CAPABILITIES", 1, 'C', "capabilities:\n  add: [CAP_CHOWN]", "CAP_CHOWN",
         OWN_CSC},
        {"PSS-BASELINE-CAPABILITIES", 1, 'C', "capabilities:\n  add: [chown]", "chown", OWN_CSC},
        {"PSS-BASELINE-CAPABILITIES", 1, 'C', "capabilities:\n  add: [ALL] # all", "ALL] # all",
         OWN_CSC},
        {"PSS-BASELINE-CAPABILITIES", 1, 'C', "capabilities:\n  add: SYS_ADMIN", "add", OWN_CSC},
        {"PSS-BASELINE-CAPABILITIES", 0, 'C', "capabilities:\n  add: []", 0, OWN_CSC},
        {"PSS-BASELINE-CAPABILITIES", 0, 'C', "capabilities:\n  drop: [NET_RAW]", 0, OWN_CSC},
    };
    for (size_t i = 0; i < N(bad); i++)
        c[n++] = bad[i];
    run_cases(c, n);
}

static void test_host_path(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-BASELINE-HOST-PATH", 1, 'S', "volumes:\n  - name: h\n    hostPath:\n      path: /etc",
         "hostPath", 0},
        {"PSS-BASELINE-HOST-PATH", 1, 'S',
         "volumes:\n  - name: e\n    emptyDir: {}\n  - hostPath: {path: /}\n    name: h",
         "hostPath", 0},
        {"PSS-BASELINE-HOST-PATH", 0, 'S', "volumes:\n  - name: e\n    emptyDir: {}", 0, 0},
        {"PSS-BASELINE-HOST-PATH", 0, 'S', "volumes:\n  - name: e\n    hostPath: ~", 0, 0},
        {"PSS-BASELINE-HOST-PATH", 0, 'S', "volumes: []", 0, 0},
    };
    run_cases(c, N(c));
}

static void test_host_ports(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-BASELINE-HOST-PORTS", 1, 'K', "ports:\n  - containerPort: 80\n    hostPort: 80",
         "hostPort", 0},
        {"PSS-BASELINE-HOST-PORTS", 1, 'K',
         "ports:\n  - containerPort: 80\n  - containerPort: 81\n    hostPort: 0x51", "hostPort", 0},
        {"PSS-BASELINE-HOST-PORTS", 1, 'K', "ports:\n  - {containerPort: 80, hostPort: '0'}",
         "hostPort", 0},
        {"PSS-BASELINE-HOST-PORTS", 0, 'K', "ports:\n  - containerPort: 80\n    hostPort: 0", 0, 0},
        {"PSS-BASELINE-HOST-PORTS", 0, 'K', "ports:\n  - containerPort: 80\n    hostPort: 0x0", 0,
         0},
        {"PSS-BASELINE-HOST-PORTS", 0, 'K', "ports:\n  - containerPort: 80", 0, 0},
        {"PSS-BASELINE-HOST-PORTS", 0, 'K', "ports:\n  - containerPort: 80\n    hostPort:", 0, 0},
    };
    run_cases(c, N(c));
}

static void test_host_probes(void **st)
{
    (void)st;
    static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};
    static const char *const hooks[] = {"postStart", "preStop"};
    static const char *const handlers[] = {"httpGet", "tcpSocket"};
    static char snippets[40][160];
    struct pcase c[48];
    size_t n = 0;
    for (size_t p = 0; p < 5; p++)
        for (size_t h = 0; h < 2; h++) {
            const char *fmt = p < 3 ? "%s:\n  %s:\n    host: %s\n    port: 80"
                                    : "lifecycle:\n  %s:\n    %s:\n      host: %s\n      port: 80";
            const char *where = p < 3 ? probes[p] : hooks[p - 3];
            snprintf(snippets[n], sizeof snippets[n], fmt, where, handlers[h], "10.0.0.1");
            c[n] = (struct pcase){"PSS-BASELINE-HOST-PROBES", 1, 'K', snippets[n], "host:", 0};
            n++;
            snprintf(snippets[n], sizeof snippets[n], fmt, where, handlers[h], "\"\"");
            c[n] = (struct pcase){"PSS-BASELINE-HOST-PROBES", 0, 'K', snippets[n], 0, 0};
            n++;
        }
    static const struct pcase more[] = {
        {"PSS-BASELINE-HOST-PROBES", 0, 'K', "livenessProbe:\n  httpGet:\n    port: 80", 0, 0},
        {"PSS-BASELINE-HOST-PROBES", 0, 'K', "readinessProbe:\n  tcpSocket:\n    host: ~", 0, 0},
        {"PSS-BASELINE-HOST-PROBES", 1, 'K', "startupProbe:\n  httpGet:\n    host: localhost",
         "host:", 0},
        {"PSS-BASELINE-HOST-PROBES", 0, 'K', "livenessProbe:\n  exec:\n    command: [true]", 0, 0},
    };
    for (size_t i = 0; i < N(more); i++)
        c[n++] = more[i];
    run_cases(c, n);
}

static void test_apparmor(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-BASELINE-APPARMOR", 1, 'P', "appArmorProfile:\n  type: Unconfined",
         "type: Unconfined", 0},
        {"PSS-BASELINE-APPARMOR", 0, 'P', "appArmorProfile:\n  type: RuntimeDefault", 0, 0},
        {"PSS-BASELINE-APPARMOR", 0, 'P',
         "appArmorProfile:\n  type: Localhost\n  localhostProfile: k8s-x", 0, 0},
        {"PSS-BASELINE-APPARMOR", 1, 'C', "appArmorProfile:\n  type: Unconfined",
         "type: Unconfined", 0},
        {"PSS-BASELINE-APPARMOR", 1, 'C', "appArmorProfile:\n  type: runtime/default",
         "type: runtime", 0},
        {"PSS-BASELINE-APPARMOR", 0, 'C', "appArmorProfile:\n  type: RuntimeDefault", 0, 0},
        {"PSS-BASELINE-APPARMOR", 0, 'C', "appArmorProfile:\n  type: Localhost", 0, 0},
        {"PSS-BASELINE-APPARMOR", 0, 'C', "appArmorProfile: {}", 0, 0},
        {"PSS-BASELINE-APPARMOR", 1, 'M',
         "annotations:\n  container.apparmor.security.beta.kubernetes.io/xc: unconfined",
         "container.apparmor", 0},
        {"PSS-BASELINE-APPARMOR", 1, 'M',
         "annotations:\n  \"container.apparmor.security.beta.kubernetes.io/app\": 'docker-default'",
         "\"container.apparmor", 0},
        {"PSS-BASELINE-APPARMOR", 0, 'M',
         "annotations:\n  container.apparmor.security.beta.kubernetes.io/xc: runtime/default", 0,
         0},
        {"PSS-BASELINE-APPARMOR", 0, 'M',
         "annotations:\n  container.apparmor.security.beta.kubernetes.io/xc: localhost/k8s-x", 0,
         0},
        {"PSS-BASELINE-APPARMOR", 0, 'M',
         "annotations:\n  container.apparmor.security.beta.kubernetes.io/xc: \"\"", 0, 0},
        {"PSS-BASELINE-APPARMOR", 0, 'M', "annotations:\n  apparmor.example.com/xc: unconfined", 0,
         0},
    };
    run_cases(c, N(c));
}

static void test_selinux(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-BASELINE-SELINUX", 1, 'P', "seLinuxOptions:\n  type: spc_t", "type: spc_t", 0},
        {"PSS-BASELINE-SELINUX", 1, 'P', "seLinuxOptions:\n  user: system_u", "user:", 0},
        {"PSS-BASELINE-SELINUX", 1, 'P', "seLinuxOptions:\n  role: sysadm_r", "role:", 0},
        {"PSS-BASELINE-SELINUX", 0, 'P', "seLinuxOptions:\n  type: container_t", 0, 0},
        {"PSS-BASELINE-SELINUX", 0, 'P', "seLinuxOptions:\n  level: \"s0:c123,c456\"", 0, 0},
        {"PSS-BASELINE-SELINUX", 1, 'C', "seLinuxOptions:\n  type: spc_t", "type: spc_t", 0},
        {"PSS-BASELINE-SELINUX", 1, 'C', "seLinuxOptions:\n  type: unconfined_t",
         "type: unconfined_t", 0},
        {"PSS-BASELINE-SELINUX", 1, 'C', "seLinuxOptions:\n  user: system_u", "user:", 0},
        {"PSS-BASELINE-SELINUX", 1, 'C', "seLinuxOptions:\n  role: sysadm_r", "role:", 0},
        {"PSS-BASELINE-SELINUX", 0, 'C', "seLinuxOptions:\n  type: container_t", 0, 0},
        {"PSS-BASELINE-SELINUX", 0, 'C', "seLinuxOptions:\n  type: container_init_t", 0, 0},
        {"PSS-BASELINE-SELINUX", 0, 'C', "seLinuxOptions:\n  type: container_kvm_t", 0, 0},
        {"PSS-BASELINE-SELINUX", 0, 'C', "seLinuxOptions:\n  type: container_engine_t", 0, 0},
        {"PSS-BASELINE-SELINUX", 0, 'C', "seLinuxOptions:\n  type: \"\"", 0, 0},
        {"PSS-BASELINE-SELINUX", 0, 'C', "seLinuxOptions:\n  user: ''\n  role: ''", 0, 0},
        {"PSS-BASELINE-SELINUX", 0, 'C', "seLinuxOptions:\n  level: s0", 0, 0},
    };
    run_cases(c, N(c));
}

static void test_proc_mount(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-BASELINE-PROC-MOUNT", 1, 'C', "procMount: Unmasked", "procMount", 0},
        {"PSS-BASELINE-PROC-MOUNT", 1, 'C', "procMount: default", "procMount", 0},
        {"PSS-BASELINE-PROC-MOUNT", 0, 'C', "procMount: Default", 0, 0},
        {"PSS-BASELINE-PROC-MOUNT", 0, 'C', "procMount: ~", 0, 0},
    };
    run_cases(c, N(c));
}

static void test_seccomp_baseline(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-BASELINE-SECCOMP", 1, 'P', "runAsNonRoot: true\nseccompProfile:\n  type: Unconfined",
         "type: Unconfined", OWN_POD},
        {"PSS-BASELINE-SECCOMP", 0, 'P',
         "runAsNonRoot: true\nseccompProfile:\n  type: Localhost\n  localhostProfile: p.json", 0,
         OWN_POD},
        {"PSS-BASELINE-SECCOMP", 0, 'P', "runAsNonRoot: true", 0, OWN_POD},
        {"PSS-BASELINE-SECCOMP", 1, 'C', "seccompProfile:\n  type: Unconfined", "type: Unconfined",
         0},
        {"PSS-BASELINE-SECCOMP", 1, 'C', "seccompProfile:\n  type: unconfined", "type: unconfined",
         0},
        {"PSS-BASELINE-SECCOMP", 0, 'C', "seccompProfile:\n  type: RuntimeDefault", 0, 0},
        {"PSS-BASELINE-SECCOMP", 0, 'C', "seccompProfile:\n  type: Localhost", 0, 0},
    };
    run_cases(c, N(c));
}

static void test_sysctls(void **st)
{
    (void)st;
    static const char *const safe[] = {"kernel.shm_rmid_forced",
                                       "net.ipv4.ip_local_port_range",
                                       "net.ipv4.ip_unprivileged_port_start",
                                       "net.ipv4.tcp_syncookies",
                                       "net.ipv4.ping_group_range",
                                       "net.ipv4.ip_local_reserved_ports",
                                       "net.ipv4.tcp_keepalive_time",
                                       "net.ipv4.tcp_fin_timeout",
                                       "net.ipv4.tcp_keepalive_intvl",
                                       "net.ipv4.tcp_keepalive_probes"};
    static char snippets[N(safe)][128];
    struct pcase c[N(safe) + 6];
    size_t n = 0;
    for (size_t i = 0; i < N(safe); i++) {
        snprintf(snippets[i], sizeof snippets[i], "sysctls:\n  - name: %s\n    value: \"1\"",
                 safe[i]);
        c[n++] = (struct pcase){"PSS-BASELINE-SYSCTLS", 0, 'P', snippets[i], 0, 0};
    }
    static const struct pcase bad[] = {
        {"PSS-BASELINE-SYSCTLS", 1, 'P', "sysctls:\n  - name: kernel.msgmax\n    value: \"1\"",
         "name: kernel.msgmax", 0},
        {"PSS-BASELINE-SYSCTLS", 1, 'P',
         "sysctls:\n  - name: net.ipv4.tcp_syncookies\n    value: \"1\"\n  - name: "
         "net.core.somaxconn\n    value: \"1024\"",
         "name: net.core", 0},
        {"PSS-BASELINE-SYSCTLS", 1, 'P',
         "sysctls:\n  - name: net/ipv4/ip_forward\n    value: "
         "\"1\"",
         "name: net/ipv4", 0},
        {"PSS-BASELINE-SYSCTLS", 1, 'P',
         "sysctls:\n  - name: net.ipv4.ip_forward\n    value: "
         "\"1\"",
         "name: net.ipv4.ip_forward", 0},
        {"PSS-BASELINE-SYSCTLS", 0, 'P', "sysctls: []", 0, 0},
        {"PSS-BASELINE-SYSCTLS", 0, 'P', "sysctls: ~", 0, 0},
    };
    for (size_t i = 0; i < N(bad); i++)
        c[n++] = bad[i];
    run_cases(c, n);
}

static void test_volume_types(void **st)
{
    (void)st;
    static const char *const good[] = {"configMap: {name: c}",
                                       "csi: {driver: d.example.com}",
                                       "downwardAPI: {items: []}",
                                       "emptyDir: {}",
                                       "ephemeral: {volumeClaimTemplate: {spec: {}}}",
                                       "persistentVolumeClaim: {claimName: c}",
                                       "projected: {sources: []}",
                                       "secret: {secretName: s}"};
    static const char *const bad[] = {"hostPath: {path: /data}",
                                      "gcePersistentDisk: {pdName: d}",
                                      "awsElasticBlockStore: {volumeID: v}",
                                      "gitRepo: {repository: r}",
                                      "nfs: {server: s, path: /}",
                                      "iscsi: {targetPortal: t, iqn: i, lun: 0}",
                                      "glusterfs: {endpoints: e, path: p}",
                                      "rbd: {monitors: [m], image: i}",
                                      "flexVolume: {driver: d}",
                                      "cinder: {volumeID: v}",
                                      "cephfs: {monitors: [m]}",
                                      "flocker: {datasetName: d}",
                                      "fc: {wwids: [w]}",
                                      "azureFile: {secretName: s, shareName: s}",
                                      "vsphereVolume: {volumePath: p}",
                                      "quobyte: {registry: r, volume: v}",
                                      "azureDisk: {diskName: d, diskURI: u}",
                                      "portworxVolume: {volumeID: v}",
                                      "scaleIO: {gateway: g, system: s, secretRef: {name: n}}",
                                      "storageos: {volumeName: v}"};
    static char snippets[N(good) + N(bad)][128];
    struct pcase c[N(good) + N(bad) + 4];
    size_t n = 0;
    for (size_t i = 0; i < N(good); i++) {
        snprintf(snippets[n], sizeof snippets[n], "volumes:\n  - name: v\n    %s", good[i]);
        c[n] = (struct pcase){"PSS-RESTRICTED-VOLUME-TYPES", 0, 'S', snippets[n], 0, 0};
        n++;
    }
    for (size_t i = 0; i < N(bad); i++) {
        snprintf(snippets[n], sizeof snippets[n], "volumes:\n  - name: v\n    %s", bad[i]);
        static char at[N(bad)][40];
        snprintf(at[i], sizeof at[i], "%.*s", (int)(strchr(bad[i], ':') - bad[i] + 1), bad[i]);
        c[n] = (struct pcase){"PSS-RESTRICTED-VOLUME-TYPES", 1, 'S', snippets[n], at[i], 0};
        n++;
    }
    static const struct pcase more[] = {
        {"PSS-RESTRICTED-VOLUME-TYPES", 1, 'S', "volumes:\n  - name: v\n    emptyDir:", "name: v",
         0},
        {"PSS-RESTRICTED-VOLUME-TYPES", 1, 'S', "volumes:\n  - name: v", "name: v", 0},
        {"PSS-RESTRICTED-VOLUME-TYPES", 0, 'S',
         "volumes:\n  - name: a\n    emptyDir: {}\n  - name: b\n    secret: {secretName: s}", 0, 0},
        {"PSS-RESTRICTED-VOLUME-TYPES", 1, 'S',
         "volumes:\n  - name: a\n    emptyDir: {}\n  - name: b\n    nfs: {server: s, path: /}",
         "nfs", 0},
    };
    for (size_t i = 0; i < N(more); i++)
        c[n++] = more[i];
    run_cases(c, n);
}

static void test_privilege_escalation(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-RESTRICTED-PRIVILEGE-ESCALATION", 1, 'C', "capabilities:\n  drop: [ALL]", "name: xc",
         OWN_CSC},
        {"PSS-RESTRICTED-PRIVILEGE-ESCALATION", 1, 'C',
         "allowPrivilegeEscalation: true\ncapabilities:\n  drop: [ALL]", "allowPrivilegeEscalation",
         OWN_CSC},
        {"PSS-RESTRICTED-PRIVILEGE-ESCALATION", 1, 'C',
         "allowPrivilegeEscalation: ~\ncapabilities:\n  drop: [ALL]", "allowPrivilegeEscalation",
         OWN_CSC},
        {"PSS-RESTRICTED-PRIVILEGE-ESCALATION", 1, 'C',
         "allowPrivilegeEscalation: \"false\"\ncapabilities:\n  drop: [ALL]",
         "allowPrivilegeEscalation", OWN_CSC},
        {"PSS-RESTRICTED-PRIVILEGE-ESCALATION", 0, 'C',
         "allowPrivilegeEscalation: false\ncapabilities:\n  drop: [ALL]", 0, OWN_CSC},
        {"PSS-RESTRICTED-PRIVILEGE-ESCALATION", 0, 'C',
         "allowPrivilegeEscalation: No\ncapabilities:\n  drop: [ALL]", 0, OWN_CSC},
        /* A Windows pod is exempt (Linux-only control). */
        {"PSS-RESTRICTED-PRIVILEGE-ESCALATION", 0, 'S', "os:\n  name: windows", 0, 0},
    };
    run_cases(c, N(c));
}

static void test_windows_exemptions(void **st)
{
    (void)st;
    /* The Linux-only restricted controls do not apply to spec.os.name windows; the others do. */
    static const char pod[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n"
                              "  os: {name: windows}\n"
                              "  securityContext: {runAsNonRoot: true}\n"
                              "  containers:\n  - name: c\n    image: r/w:1@sha256:0\n";
    struct rec r = {0};
    r.only = "PSS-";
    struct strata_error err = {0};
    assert_int_equal(run_k8s(&r, "w.yaml", pod, strlen(pod), &err), 0);
    if (r.n != 0)
        dump_findings(&r);
    assert_int_equal(r.n, 0);
    assert_string_equal(r.p[0].level, "restricted");
    static const char linux_pod[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n"
                                    "  os: {name: linux}\n"
                                    "  securityContext: {runAsNonRoot: true}\n"
                                    "  containers:\n  - name: c\n    image: r/w:1@sha256:0\n";
    assert_int_equal(run_k8s(&r, "l.yaml", linux_pod, strlen(linux_pod), &err), 0);
    assert_int_equal(count_id(&r, "PSS-RESTRICTED-PRIVILEGE-ESCALATION"), 1);
    assert_int_equal(count_id(&r, "PSS-RESTRICTED-SECCOMP"), 1);
    assert_int_equal(count_id(&r, "PSS-RESTRICTED-CAPABILITIES"), 1);
    assert_string_equal(r.p[0].level, "baseline");
}

static void test_run_as_non_root(void **st)
{
    (void)st;
    static const char no_pod[] = "seccompProfile:\n  type: RuntimeDefault";
    static const struct pcase c[] = {
        /* pod true covers containers that leave it unset */
        {"PSS-RESTRICTED-RUN-AS-NON-ROOT", 0, 'P', "fsGroup: 1", 0, 0},
        /* a container's false overrides the pod's true */
        {"PSS-RESTRICTED-RUN-AS-NON-ROOT", 1, 'C', "runAsNonRoot: false", "runAsNonRoot: false", 0},
        {"PSS-RESTRICTED-RUN-AS-NON-ROOT", 1, 'C', "runAsNonRoot: \"true\"", "runAsNonRoot", 0},
        {"PSS-RESTRICTED-RUN-AS-NON-ROOT", 0, 'C', "runAsNonRoot: true", 0, 0},
        /* no pod-level value: every container must say true */
        {"PSS-RESTRICTED-RUN-AS-NON-ROOT", 1, 'P', no_pod, "name: xc", OWN_POD},
        {"PSS-RESTRICTED-RUN-AS-NON-ROOT", 1, 'P', no_pod, "name: app", OWN_POD},
        {"PSS-RESTRICTED-RUN-AS-NON-ROOT", 1, 'P',
         "seccompProfile: {type: RuntimeDefault}\n"
         "runAsNonRoot: false",
         "runAsNonRoot: false", OWN_POD},
        {"PSS-RESTRICTED-RUN-AS-NON-ROOT", 1, 'P',
         "seccompProfile: {type: RuntimeDefault}\n"
         "runAsNonRoot: ~",
         "name: xc", OWN_POD},
    };
    run_cases(c, N(c));
    /* pod unset and both containers true: satisfied */
    static const struct pcase both = {
        "PSS-RESTRICTED-RUN-AS-NON-ROOT", 0, 'C', "runAsNonRoot: true", 0, BOTH};
    for (int where = 0; where < 3; where++) {
        /* the pod's default minus runAsNonRoot */
        char *y = build(&both, where);
        char *p = strstr(y, "    runAsNonRoot: true\n    seccompProfile");
        assert_non_null(p);
        memmove(p, p + strlen("    runAsNonRoot: true\n"),
                strlen(p + strlen("    runAsNonRoot: true\n")) + 1);
        struct rec r = {0};
        r.only = "PSS-";
        struct strata_error err = {0};
        assert_int_equal(run_k8s(&r, "pod.yaml", y, strlen(y), &err), 0);
        if (r.n)
            dump_findings(&r);
        assert_int_equal(count_id(&r, "PSS-RESTRICTED-RUN-AS-NON-ROOT"), 0);
        free(y);
    }
}

static void test_run_as_user(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-RESTRICTED-RUN-AS-USER", 1, 'P', "runAsUser: 0", "runAsUser", 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 0, 'P', "runAsUser: 1000", 0, 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 1, 'C', "runAsUser: 0", "runAsUser", 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 1, 'C', "runAsUser: 0.0", "runAsUser", 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 1, 'C', "runAsUser: 0x0", "runAsUser", 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 1, 'C', "runAsUser: 00", "runAsUser", 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 1, 'C', "runAsUser: -0", "runAsUser", 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 1, 'C', "runAsUser: 0e5", "runAsUser", 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 1, 'C', "runAsUser: !!int \"0\"", "runAsUser", 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 1, 'C', "runAsUser: '1000'", "runAsUser", 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 0, 'C', "runAsUser: 1_000", 0, 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 0, 'C', "runAsUser: 65534", 0, 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 0, 'C', "runAsUser: 0o10", 0, 0},
        {"PSS-RESTRICTED-RUN-AS-USER", 0, 'C', "runAsUser: ~", 0, 0},
        /* the pod's 0 is reported even when every container overrides it */
        {"PSS-RESTRICTED-RUN-AS-USER", 1, 'P', "runAsUser: 0\nrunAsGroup: 0", "runAsUser: 0", 0},
    };
    run_cases(c, N(c));
}

static void test_seccomp_restricted(void **st)
{
    (void)st;
    static const char none[] = "runAsNonRoot: true";
    static const struct pcase c[] = {
        {"PSS-RESTRICTED-SECCOMP", 0, 'P', "runAsNonRoot: true\nseccompProfile:\n  type: Localhost",
         0, OWN_POD},
        {"PSS-RESTRICTED-SECCOMP", 1, 'P', none, "name: xc", OWN_POD},
        {"PSS-RESTRICTED-SECCOMP", 1, 'P',
         "runAsNonRoot: true\nseccompProfile:\n  type: Unconfined", "type: Unconfined", OWN_POD},
        {"PSS-RESTRICTED-SECCOMP", 1, 'P', "runAsNonRoot: true\nseccompProfile: {}", "name: xc",
         OWN_POD},
        {"PSS-RESTRICTED-SECCOMP", 1, 'C', "seccompProfile:\n  type: Unconfined",
         "type: Unconfined", 0},
        {"PSS-RESTRICTED-SECCOMP", 0, 'C', "seccompProfile:\n  type: Localhost", 0, 0},
    };
    run_cases(c, N(c));
    /* pod unset, both containers set: satisfied; one unset: violated at that container */
    for (int where = 0; where < 3; where++) {
        static const struct pcase both = {
            "PSS-RESTRICTED-SECCOMP", 0, 'C', "seccompProfile: {type: RuntimeDefault}", 0, BOTH};
        char *y = build(&both, where);
        char *p = strstr(y, "    seccompProfile:\n      type: RuntimeDefault\n");
        assert_non_null(p);
        size_t cut = strlen("    seccompProfile:\n      type: RuntimeDefault\n");
        memmove(p, p + cut, strlen(p + cut) + 1);
        struct rec r = {0};
        r.only = "PSS-";
        struct strata_error err = {0};
        assert_int_equal(run_k8s(&r, "pod.yaml", y, strlen(y), &err), 0);
        assert_int_equal(count_id(&r, "PSS-RESTRICTED-SECCOMP"), 0);
        assert_string_equal(r.p[0].level, "restricted");
        free(y);
        static const struct pcase one = {
            "PSS-RESTRICTED-SECCOMP", 1, 'C', "seccompProfile: {type: RuntimeDefault}", 0, 0};
        y = build(&one, where);
        p = strstr(y, "    seccompProfile:\n      type: RuntimeDefault\n");
        memmove(p, p + cut, strlen(p + cut) + 1);
        assert_int_equal(run_k8s(&r, "pod.yaml", y, strlen(y), &err), 0);
        int line, col;
        pos_of(y, "name: app", &line, &col);
        assert_int_equal(count_id(&r, "PSS-RESTRICTED-SECCOMP"), 1);
        assert_non_null(find_at(&r, "PSS-RESTRICTED-SECCOMP", line, col));
        free(y);
    }
}

static void test_capabilities_restricted(void **st)
{
    (void)st;
    static const struct pcase c[] = {
        {"PSS-RESTRICTED-CAPABILITIES", 0, 'C',
         "allowPrivilegeEscalation: false\ncapabilities:\n  drop: [ALL]", 0, OWN_CSC},
        {"PSS-RESTRICTED-CAPABILITIES", 0, 'C',
         "allowPrivilegeEscalation: false\ncapabilities:\n  drop: [NET_RAW, ALL]\n  add: "
         "[NET_BIND_SERVICE]",
         0, OWN_CSC},
        {"PSS-RESTRICTED-CAPABILITIES", 1, 'C',
         "allowPrivilegeEscalation: false\ncapabilities:\n  drop: [NET_RAW]", "drop:", OWN_CSC},
        {"PSS-RESTRICTED-CAPABILITIES", 1, 'C',
         "allowPrivilegeEscalation: false\ncapabilities:\n  drop: [all]", "drop:", OWN_CSC},
        {"PSS-RESTRICTED-CAPABILITIES", 1, 'C', "allowPrivilegeEscalation: false\ncapabilities: {}",
         "capabilities:", OWN_CSC},
        {"PSS-RESTRICTED-CAPABILITIES", 1, 'C', "allowPrivilegeEscalation: false", "name: xc",
         OWN_CSC},
        {"PSS-RESTRICTED-CAPABILITIES", 1, 'C',
         "allowPrivilegeEscalation: false\ncapabilities:\n  drop: [ALL]\n  add: [CHOWN]", "CHOWN",
         OWN_CSC},
        {"PSS-RESTRICTED-CAPABILITIES", 1, 'C',
         "allowPrivilegeEscalation: false\ncapabilities:\n  drop: [ALL]\n  add: [SYS_ADMIN]",
         "SYS_ADMIN", OWN_CSC},
    };
    run_cases(c, N(c));
}

/* The pss[] result: one line per violated control, the level, the --pss selection. */
static void test_levels_and_lines(void **st)
{
    (void)st;
    static const struct pcase hostnet = {"", 1, 'S', "hostNetwork: true\nhostPID: true", 0, 0};
    char *y = build(&hostnet, 0);
    struct rec *r = calloc(1, sizeof *r);
    assert_non_null(r);
    struct strata_error err = {0};
    assert_int_equal(run_k8s(r, "pod.yaml", y, strlen(y), &err), 0);
    assert_int_equal(r->n_pss, 1);
    assert_string_equal(r->p[0].level, "privileged");
    assert_int_equal(r->p[0].n, 1);
    assert_string_equal(r->p[0].lines[0], "baseline: Host Namespaces: spec.hostNetwork is true; "
                                          "spec.hostPID is true");
    free(y);
    /* only restricted controls violated: level baseline */
    static const struct pcase apet = {
        "", 1, 'C', "allowPrivilegeEscalation: true\ncapabilities:\n  drop: [ALL]", 0, OWN_CSC};
    y = build(&apet, 1);
    assert_int_equal(run_k8s(r, "pod.yaml", y, strlen(y), &err), 0);
    assert_string_equal(r->p[0].level, "baseline");
    assert_int_equal(r->p[0].n, 1);
    assert_string_equal(r->p[0].lines[0],
                        "restricted: Privilege Escalation: "
                        "spec.initContainers[0].securityContext.allowPrivilegeEscalation is true "
                        "(init container xc)");
    /* --pss baseline: restricted findings and lines are left out, the level stays */
    r->pss_level = 1;
    assert_int_equal(run_k8s(r, "pod.yaml", y, strlen(y), &err), 0);
    assert_int_equal(r->n, 0);
    assert_string_equal(r->p[0].level, "baseline");
    assert_int_equal(r->p[0].n, 0);
    /* --pss restricted: reported */
    r->pss_level = 2;
    assert_int_equal(run_k8s(r, "pod.yaml", y, strlen(y), &err), 0);
    assert_int_equal(r->n, 1);
    assert_string_equal(r->f[0].id, "PSS-RESTRICTED-PRIVILEGE-ESCALATION");
    assert_string_equal(r->f[0].resource, "Pod/t/p init container xc");
    assert_string_equal(r->f[0].severity, "MEDIUM");
    free(y);
    /* a rule the rules file disabled no longer decides the level */
    r->pss_level = 0;
    r->only = "PSS-BASELINE-";
    y = build(&apet, 0);
    assert_int_equal(run_k8s(r, "pod.yaml", y, strlen(y), &err), 0);
    assert_string_equal(r->p[0].level, "restricted");
    free(y);
    free(r);
}

/* Control table integrity: ids are PSS-<LEVEL>-<UPPERCASE WORDS>, unique. */
static void test_control_table(void **st)
{
    (void)st;
    for (int i = 0; i < PSS_N_CONTROLS; i++) {
        const struct k8s_pss_control_info *c = &k8s_pss_controls[i];
        assert_non_null(c->id);
        const char *want = c->level == 1 ? "PSS-BASELINE-" : "PSS-RESTRICTED-";
        assert_int_equal(strncmp(c->id, want, strlen(want)), 0);
        for (const char *p = c->id; *p; p++)
            assert_true((*p >= 'A' && *p <= 'Z') || *p == '-');
        for (int j = 0; j < i; j++)
            assert_string_not_equal(c->id, k8s_pss_controls[j].id);
        assert_non_null(c->remediation);
        assert_true(strcmp(c->severity, "CRITICAL") == 0 || strcmp(c->severity, "HIGH") == 0 ||
                    strcmp(c->severity, "MEDIUM") == 0 || strcmp(c->severity, "LOW") == 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_is_restricted),
        cmocka_unit_test(test_host_process),
        cmocka_unit_test(test_host_namespaces),
        cmocka_unit_test(test_privileged),
        cmocka_unit_test(test_capabilities_baseline),
        cmocka_unit_test(test_host_path),
        cmocka_unit_test(test_host_ports),
        cmocka_unit_test(test_host_probes),
        cmocka_unit_test(test_apparmor),
        cmocka_unit_test(test_selinux),
        cmocka_unit_test(test_proc_mount),
        cmocka_unit_test(test_seccomp_baseline),
        cmocka_unit_test(test_sysctls),
        cmocka_unit_test(test_volume_types),
        cmocka_unit_test(test_privilege_escalation),
        cmocka_unit_test(test_windows_exemptions),
        cmocka_unit_test(test_run_as_non_root),
        cmocka_unit_test(test_run_as_user),
        cmocka_unit_test(test_seccomp_restricted),
        cmocka_unit_test(test_capabilities_restricted),
        cmocka_unit_test(test_levels_and_lines),
        cmocka_unit_test(test_control_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
