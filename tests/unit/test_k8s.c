/* The Kubernetes checker: the manifest model (kinds, List items, resource names), every
 * K8S-nnn rule positive and negative at its position, the score, the fixtures
 * (tests/fixtures/config/k8s: exactly the expected findings), hostile manifests through the
 * checker, and the checker inside the config framework (config_ctx, report, suppressions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "checks/config.h"
#include "checks/k8s_pss.h"
#include "core/strbuf.h"
#include "k8s_test_util.h"
#include "strata/report.h"

static struct rec *R; /* one recorder for every test (large) */

static int setup(void **st)
{
    (void)st;
    R = calloc(1, sizeof *R);
    return R ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    free(R);
    return 0;
}

static void check(const char *y)
{
    struct strata_error err = {0};
    R->only = NULL;
    R->pss_level = 0;
    int rc = run_k8s(R, "m.yaml", y, strlen(y), &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
}

/* The finding id is at the position of the first occurrence of `at` in y. */
static const struct rec_finding *expect_at(const char *y, const char *id, const char *at)
{
    int line, col;
    pos_of(y, at, &line, &col);
    const struct rec_finding *f = find_at(R, id, line, col);
    if (f == NULL) {
        fprintf(stderr, "want %s at %d:%d ('%s'), got:\n", id, line, col, at);
        dump_findings(R);
        fail();
    }
    return f;
}

static void expect_none(const char *id)
{
    if (count_id(R, id) != 0) {
        fprintf(stderr, "want no %s, got:\n", id);
        dump_findings(R);
        fail();
    }
}

/* A Deployment that passes every rule; tests change one thing in it. */
static const char good_deploy[] =
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: web, namespace: shop}\n"
    "spec:\n"
    "  template:\n"
    "    spec:\n"
    "      serviceAccountName: web\n"
    "      automountServiceAccountToken: false\n"
    "      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n"
    "      containers:\n"
    "        - name: app\n"
    "          image: r.example/web:1.2@sha256:0123\n"
    "          securityContext:\n"
    "            allowPrivilegeEscalation: false\n"
    "            readOnlyRootFilesystem: true\n"
    "            capabilities: {drop: [ALL]}\n"
    "          resources:\n"
    "            requests: {cpu: 100m, memory: 64Mi}\n"
    "            limits: {cpu: 200m, memory: 128Mi}\n"
    "          livenessProbe: {httpGet: {path: /, port: 80}}\n"
    "          readinessProbe: {httpGet: {path: /, port: 80}}\n"
    "---\n"
    "apiVersion: networking.k8s.io/v1\n"
    "kind: NetworkPolicy\n"
    "metadata: {name: deny, namespace: shop}\n"
    "spec: {podSelector: {}}\n";

/* good_deploy with n lines from the one holding `from` replaced by `to` (which may hold
 * several lines, or none). */
static char *edit_n(const char *from, int n, const char *to)
{
    const char *p = strstr(good_deploy, from);
    assert_non_null(p);
    const char *ls = p;
    while (ls > good_deploy && ls[-1] != '\n')
        ls--;
    const char *le = ls;
    for (int i = 0; i < n; i++)
        le = strchr(le, '\n') + 1;
    if (*to == '\0')
        to = NULL;
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_add(&sb, good_deploy, (size_t)(ls - good_deploy)), 0);
    if (to != NULL)
        assert_int_equal(strbuf_addf(&sb, "%s\n", to), 0);
    assert_int_equal(strbuf_adds(&sb, le), 0);
    return strbuf_detach(&sb);
}

static char *edit(const char *from, const char *to)
{
    return edit_n(from, 1, to);
}

static void test_good_deployment(void **st)
{
    (void)st;
    check(good_deploy);
    if (R->n != 0)
        dump_findings(R);
    assert_int_equal(R->n, 0);
    assert_int_equal(R->n_pss, 1);
    assert_string_equal(R->p[0].level, "restricted");
    assert_string_equal(R->p[0].resource, "Deployment/shop/web");
    assert_int_equal(R->p[0].line, 2);
}

static void test_rule_readonly_root(void **st)
{
    (void)st;
    char *y = edit("readOnlyRootFilesystem", "            readOnlyRootFilesystem: false");
    check(y);
    const struct rec_finding *f = expect_at(y, "K8S-001", "readOnlyRootFilesystem");
    assert_string_equal(f->resource, "Deployment/shop/web container app");
    assert_string_equal(f->severity, "MEDIUM");
    free(y);
    y = edit("readOnlyRootFilesystem", "");
    check(y);
    expect_at(y, "K8S-001", "name: app");
    free(y);
    check(good_deploy);
    expect_none("K8S-001");
}

static void test_rule_resources(void **st)
{
    (void)st;
    char *y = edit("requests:", "            requests: {cpu: 100m}");
    check(y);
    const struct rec_finding *f = expect_at(y, "K8S-002", "resources:");
    assert_non_null(strstr(f->message, "requests has no memory"));
    expect_none("K8S-003");
    free(y);
    y = edit("limits:", "            limits: {}");
    check(y);
    f = expect_at(y, "K8S-003", "resources:");
    assert_non_null(strstr(f->message, "limits has no cpu and no memory"));
    expect_none("K8S-002");
    free(y);
    y = edit_n("resources:", 3, "");
    check(y);
    f = expect_at(y, "K8S-002", "name: app");
    assert_non_null(strstr(f->message, "requests has no cpu and no memory"));
    expect_at(y, "K8S-003", "name: app");
    free(y);
    check(good_deploy);
    expect_none("K8S-002");
    expect_none("K8S-003");
}

static void test_rule_probes(void **st)
{
    (void)st;
    char *y = edit("livenessProbe", "");
    check(y);
    expect_at(y, "K8S-004", "name: app");
    expect_none("K8S-005");
    free(y);
    y = edit("readinessProbe", "          readinessProbe: ~");
    check(y);
    expect_at(y, "K8S-005", "name: app");
    expect_none("K8S-004");
    free(y);
    /* Jobs and CronJobs run to completion: no probe expected */
    static const char job[] = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n"
                              "  template:\n    spec:\n      containers:\n"
                              "        - name: c\n          image: r/c:1\n";
    check(job);
    expect_none("K8S-004");
    expect_none("K8S-005");
    /* init containers take no probes */
    static const char init[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                               "  initContainers:\n  - name: i\n    image: r/i:1\n";
    check(init);
    expect_none("K8S-004");
}

static void test_rule_images(void **st)
{
    (void)st;
    char *y = edit("image:", "          image: nginx");
    check(y);
    const struct rec_finding *f = expect_at(y, "K8S-006", "image: nginx");
    assert_non_null(strstr(f->message, "has no tag"));
    expect_none("K8S-007");
    expect_none("K8S-008"); /* no tag: imagePullPolicy defaults to Always */
    free(y);
    y = edit("image:", "          image: localhost:5000/team/nginx:latest");
    check(y);
    expect_at(y, "K8S-006", "image:");
    free(y);
    /* a registry port is not a tag */
    y = edit("image:", "          image: localhost:5000/team/nginx");
    check(y);
    f = expect_at(y, "K8S-006", "image:");
    assert_non_null(strstr(f->message, "has no tag"));
    free(y);
    y = edit("image:", "          image: nginx:1.25.3");
    check(y);
    expect_at(y, "K8S-007", "image:");
    f = expect_at(y, "K8S-008", "image:");
    assert_non_null(strstr(f->message, "defaults to IfNotPresent"));
    expect_none("K8S-006");
    free(y);
    y = edit("image:", "          image: nginx:1.25.3\n          imagePullPolicy: Always");
    check(y);
    expect_at(y, "K8S-007", "image:");
    expect_none("K8S-008");
    free(y);
    y = edit("image:", "          image: nginx:latest\n          imagePullPolicy: Never");
    check(y);
    expect_at(y, "K8S-006", "image:");
    expect_at(y, "K8S-008", "imagePullPolicy");
    free(y);
    /* pinned by digest: none of the three, whatever the policy */
    y = edit("image:",
             "          image: nginx@sha256:abcd\n          imagePullPolicy: IfNotPresent");
    check(y);
    expect_none("K8S-006");
    expect_none("K8S-007");
    expect_none("K8S-008");
    free(y);
}

static void test_rule_service_account(void **st)
{
    (void)st;
    char *y = edit("automountServiceAccountToken", "      automountServiceAccountToken: true");
    check(y);
    expect_at(y, "K8S-009", "automountServiceAccountToken");
    free(y);
    /* unset on the pod: the ServiceAccount of the same files decides */
    y = edit("automountServiceAccountToken", "");
    check(y);
    expect_at(y, "K8S-009", "spec:\n      ");
    free(y);
    char *z = edit("automountServiceAccountToken", "");
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_addf(&sb,
                                 "%s---\napiVersion: v1\nkind: ServiceAccount\n"
                                 "metadata: {name: web, namespace: shop}\n"
                                 "automountServiceAccountToken: false\n",
                                 z),
                     0);
    free(z);
    check(sb.buf);
    expect_none("K8S-009");
    strbuf_release(&sb);
    /* a ServiceAccount of another namespace does not count */
    z = edit("automountServiceAccountToken", "");
    assert_int_equal(strbuf_addf(&sb,
                                 "%s---\napiVersion: v1\nkind: ServiceAccount\n"
                                 "metadata: {name: web, namespace: other}\n"
                                 "automountServiceAccountToken: false\n",
                                 z),
                     0);
    free(z);
    check(sb.buf);
    assert_int_equal(count_id(R, "K8S-009"), 1);
    strbuf_release(&sb);
    check(good_deploy);
    expect_none("K8S-009");

    y = edit("serviceAccountName", "      serviceAccountName: default");
    check(y);
    expect_at(y, "K8S-010", "serviceAccountName");
    free(y);
    y = edit("serviceAccountName", "");
    check(y);
    const struct rec_finding *f = expect_at(y, "K8S-010", "spec:\n      ");
    assert_non_null(strstr(f->message, "is not set"));
    free(y);
    y = edit("serviceAccountName", "      serviceAccount: web");
    check(y);
    expect_none("K8S-010");
    free(y);
    check(good_deploy);
    expect_none("K8S-010");
}

static void test_rule_runtime_socket(void **st)
{
    (void)st;
    static const char *const bad[] = {"/var/run/docker.sock",
                                      "/run/containerd/containerd.sock",
                                      "/var/run/crio/crio.sock",
                                      "//var//run/./docker.sock",
                                      "/var/lib/../run/docker.sock",
                                      "/var/run",
                                      "/run",
                                      "/run/containerd/",
                                      "/",
                                      "/home/me/.docker/run/docker.sock"};
    static const char *const good[] = {"/var/log", "/var/run/secrets", "/etc/ssl/certs",
                                       "/run/containerd/io.containerd.runtime.v2.task"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0] + sizeof good / sizeof good[0]; i++) {
        int is_bad = i < sizeof bad / sizeof bad[0];
        const char *path = is_bad ? bad[i] : good[i - sizeof bad / sizeof bad[0]];
        char vol[256];
        snprintf(vol, sizeof vol,
                 "          readinessProbe: {httpGet: {path: /, port: 80}}\n"
                 "      volumes:\n        - name: s\n          hostPath:\n            path: \"%s\"",
                 path);
        char *y = edit("readinessProbe", vol);
        check(y);
        if (is_bad) {
            const struct rec_finding *f = expect_at(y, "K8S-011", "path: \"");
            assert_string_equal(f->severity, "CRITICAL");
            assert_string_equal(f->resource, "Deployment/shop/web");
        } else if (count_id(R, "K8S-011") != 0) {
            fail_msg("%s reported", path);
        }
        free(y);
    }
}

static void test_rule_env_secret(void **st)
{
    (void)st;
    char *y = edit("livenessProbe", "          livenessProbe: {httpGet: {path: /, port: 80}}\n"
                                    "          env:\n"
                                    "            - name: DB_PASSWORD\n"
                                    "              value: \"correct horse battery staple\"\n"
                                    "            - name: API_TOKEN\n"
                                    "              value: short\n"
                                    "            - name: DB_PASSWORD_FILE\n"
                                    "              value: /run/secrets/db\n"
                                    "            - name: SECRET_KEY\n"
                                    "              value: $(FROM_ELSEWHERE)\n"
                                    "            - name: AUTH_TOKEN\n"
                                    "              valueFrom: {secretKeyRef: {name: s, key: k}}\n"
                                    "            - name: LOG_LEVEL\n"
                                    "              value: debug\n"
                                    "            - name: EMPTY_SECRET\n"
                                    "              value: \"\"\n");
    check(y);
    assert_int_equal(count_id(R, "K8S-012"), 2);
    const struct rec_finding *f = expect_at(y, "K8S-012", "value: \"correct");
    assert_non_null(strstr(f->message, "DB_PASSWORD has a literal value (corr*****)"));
    assert_null(strstr(f->message, "horse"));
    f = expect_at(y, "K8S-012", "value: short");
    assert_non_null(strstr(f->message, "(*****)"));
    assert_string_equal(f->severity, "HIGH");
    free(y);
    check(good_deploy);
    expect_none("K8S-012");
}

static void test_rule_host_aliases(void **st)
{
    (void)st;
    char *y = edit("serviceAccountName", "      serviceAccountName: web\n"
                                         "      hostAliases:\n"
                                         "        - ip: 127.0.0.1\n"
                                         "          hostnames: [db]");
    check(y);
    expect_at(y, "K8S-013", "hostAliases");
    free(y);
    y = edit("serviceAccountName", "      serviceAccountName: web\n      hostAliases: []");
    check(y);
    expect_none("K8S-013");
    free(y);
}

static void test_rule_rbac(void **st)
{
    (void)st;
    static const char crb[] = "apiVersion: rbac.authorization.k8s.io/v1\n"
                              "kind: ClusterRoleBinding\n"
                              "metadata: {name: ops}\n"
                              "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole,\n"
                              "          name: cluster-admin}\n"
                              "subjects:\n"
                              "  - {kind: User, name: alice}\n"
                              "  - {kind: Group, name: ops}\n"
                              "---\n"
                              "apiVersion: rbac.authorization.k8s.io/v1\n"
                              "kind: RoleBinding\n"
                              "metadata: {name: team-admin, namespace: team}\n"
                              "roleRef:\n"
                              "  kind: ClusterRole\n"
                              "  name: cluster-admin\n"
                              "subjects: [{kind: ServiceAccount, name: ci, namespace: team}]\n"
                              "---\n"
                              "apiVersion: rbac.authorization.k8s.io/v1\n"
                              "kind: RoleBinding\n"
                              "metadata: {name: view, namespace: team}\n"
                              "roleRef: {kind: ClusterRole, name: view}\n"
                              "---\n"
                              "apiVersion: rbac.authorization.k8s.io/v1\n"
                              "kind: RoleBinding\n"
                              "metadata: {name: own, namespace: team}\n"
                              "roleRef: {kind: Role, name: cluster-admin}\n";
    check(crb);
    assert_int_equal(count_id(R, "K8S-014"), 2);
    const struct rec_finding *f = expect_at(crb, "K8S-014", "name: cluster-admin}");
    assert_string_equal(f->severity, "CRITICAL");
    assert_string_equal(f->resource, "ClusterRoleBinding/ops");
    assert_non_null(strstr(f->message, "to User alice, Group ops"));
    f = expect_at(crb, "K8S-014", "name: cluster-admin\n");
    assert_string_equal(f->severity, "HIGH");
    assert_string_equal(f->resource, "RoleBinding/team/team-admin");
    assert_non_null(strstr(f->message, "ServiceAccount team/ci"));

    static const char roles[] = "apiVersion: rbac.authorization.k8s.io/v1\n"
                                "kind: ClusterRole\n"
                                "metadata: {name: god}\n"
                                "rules:\n"
                                "  - apiGroups: [\"\"]\n"
                                "    resources: [pods, \"*\"]\n"
                                "    verbs: [get, list]\n"
                                "  - apiGroups: [apps]\n"
                                "    resources: [deployments]\n"
                                "    verbs: ['*']\n"
                                "---\n"
                                "apiVersion: rbac.authorization.k8s.io/v1\n"
                                "kind: Role\n"
                                "metadata: {name: reader, namespace: team}\n"
                                "rules:\n"
                                "  - apiGroups: [\"\"]\n"
                                "    resources: [pods, pods/log]\n"
                                "    verbs: [get, list, watch]\n";
    check(roles);
    assert_int_equal(count_id(R, "K8S-015"), 2);
    f = expect_at(roles, "K8S-015", "\"*\"]");
    assert_non_null(strstr(f->message, "rules[0].resources has *"));
    f = expect_at(roles, "K8S-015", "'*'");
    assert_non_null(strstr(f->message, "rules[1].verbs has *"));
    assert_string_equal(f->resource, "ClusterRole/god");
}

static void test_rule_services(void **st)
{
    (void)st;
    static const char svc[] = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
                              "spec: {type: NodePort}\n---\n"
                              "apiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: x}\n"
                              "spec:\n  type: LoadBalancer\n---\n"
                              "apiVersion: v1\nkind: Service\nmetadata: {name: c}\n"
                              "spec: {type: ClusterIP}\n---\n"
                              "apiVersion: v1\nkind: Service\nmetadata: {name: d}\n"
                              "spec: {ports: [{port: 80}]}\n";
    check(svc);
    assert_int_equal(count_id(R, "K8S-016"), 2);
    const struct rec_finding *f = expect_at(svc, "K8S-016", "type: NodePort");
    assert_string_equal(f->resource, "Service/default/a");
    f = expect_at(svc, "K8S-016", "type: LoadBalancer");
    assert_string_equal(f->resource, "Service/x/b");
}

static void test_rule_network_policy(void **st)
{
    (void)st;
    char *y = edit("kind: NetworkPolicy", "kind: ConfigMap");
    check(y);
    const struct rec_finding *f = expect_at(y, "K8S-017", "kind: Deployment");
    assert_string_equal(f->resource, "Namespace/shop");
    assert_non_null(strstr(f->message, "Deployment/shop/web"));
    free(y);
    /* a NetworkPolicy of another namespace does not cover it; one per namespace is reported */
    static const char two[] =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: one}\nspec: {containers: []}\n"
        "---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: one}\nspec: {containers: []}\n"
        "---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec: {containers: []}\n"
        "---\n"
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: n, namespace: two}\nspec: {podSelector: {}}\n";
    check(two);
    assert_int_equal(count_id(R, "K8S-017"), 2);
    expect_at(two, "K8S-017", "kind: Pod");
    check(good_deploy);
    expect_none("K8S-017");
}

/* Every K8S rule id has a positive test above; the table itself is well formed. */
static void test_rule_table(void **st)
{
    (void)st;
    assert_int_equal(k8s_n_rules, 17);
    for (size_t i = 0; i < k8s_n_rules; i++) {
        char want[32];
        snprintf(want, sizeof want, "K8S-%03u", (unsigned)(i + 1));
        assert_string_equal(k8s_rules[i].id, want);
        assert_non_null(k8s_rules[i].title);
        assert_non_null(k8s_rules[i].remediation);
    }
}

/* ---- model ---- */

static void test_model_kinds(void **st)
{
    (void)st;
    static const char *const kinds[][2] = {
        {"Pod", "spec"},
        {"PodTemplate", "template.spec"},
        {"Deployment", "spec.template.spec"},
        {"StatefulSet", "spec.template.spec"},
        {"DaemonSet", "spec.template.spec"},
        {"ReplicaSet", "spec.template.spec"},
        {"ReplicationController", "spec.template.spec"},
        {"Job", "spec.template.spec"},
        {"CronJob", "spec.jobTemplate.spec.template.spec"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        /* build the nesting from the path */
        struct strbuf sb = STRBUF_INIT;
        assert_int_equal(
            strbuf_addf(&sb, "apiVersion: v1\nkind: %s\nmetadata: {name: w}\n", kinds[i][0]), 0);
        char path[64];
        snprintf(path, sizeof path, "%s", kinds[i][1]);
        int depth = 0;
        for (char *tok = strtok(path, "."); tok; tok = strtok(NULL, "."))
            assert_int_equal(strbuf_addf(&sb, "%*s%s:\n", 2 * depth++, "", tok), 0);
        assert_int_equal(strbuf_addf(&sb, "%*shostPID: true\n", 2 * depth, ""), 0);
        check(sb.buf);
        const struct rec_finding *f = find_id(R, "PSS-BASELINE-HOST-NAMESPACES");
        if (f == NULL)
            fail_msg("%s: no finding", kinds[i][0]);
        char want[128];
        snprintf(want, sizeof want, "%s.hostPID is true", kinds[i][1]);
        assert_string_equal(f->message, want);
        snprintf(want, sizeof want, "%s/default/w", kinds[i][0]);
        assert_string_equal(f->resource, want);
        assert_int_equal(R->n_pss, 1);
        strbuf_release(&sb);
    }
    /* not workloads, or workloads without a pod spec: nothing */
    static const char none[] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
                               "data: {hostPID: \"true\"}\n---\n"
                               "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                               "spec: {replicas: 1}\n---\n"
                               "kind: Pod\nspec: {hostPID: true}\n---\n"
                               "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: [1]\n---\n"
                               "- just\n- a list\n---\nplain scalar\n";
    check(none);
    assert_int_equal(R->n, 0);
    assert_int_equal(R->n_pss, 0);
}

static void test_model_names_and_lists(void **st)
{
    (void)st;
    static const char y[] = "apiVersion: v1\n"
                            "kind: List\n"
                            "items:\n"
                            "  - apiVersion: v1\n"
                            "    kind: Pod\n"
                            "    metadata: {generateName: job-}\n"
                            "    spec: {hostIPC: true}\n"
                            "  - apiVersion: v1\n"
                            "    kind: PodList\n"
                            "    items:\n"
                            "      - apiVersion: v1\n"
                            "        kind: Pod\n"
                            "        metadata: {namespace: ns}\n"
                            "        spec: {hostIPC: true}\n"
                            "  - not an object\n"
                            "---\n"
                            "apiVersion: v1\n"
                            "kind: DeploymentList\n"
                            "items: []\n";
    check(y);
    assert_int_equal(count_id(R, "PSS-BASELINE-HOST-NAMESPACES"), 2);
    assert_string_equal(R->f[0].resource, "Pod/default/job-*");
    assert_int_equal(R->f[0].line, 7);
    assert_int_equal(R->f[0].col, 12);
    const struct rec_finding *f =
        expect_at(y, "PSS-BASELINE-HOST-NAMESPACES", "hostIPC: true}\n  - not");
    assert_string_equal(f->resource, "Pod/ns/<unnamed>");
    assert_int_equal(R->n_pss, 2);
    assert_int_equal(R->p[1].line, 12);
}

static void test_model_containers(void **st)
{
    (void)st;
    static const char y[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                            "  containers:\n"
                            "    - image: r/a:1\n"
                            "      securityContext: {privileged: true}\n"
                            "    - not-a-mapping\n"
                            "    - name: b\n"
                            "      securityContext: {privileged: true}\n"
                            "  initContainers:\n"
                            "    - {name: i, securityContext: {privileged: true}}\n"
                            "  ephemeralContainers:\n"
                            "    - {name: e, securityContext: {privileged: true}}\n";
    check(y);
    assert_int_equal(count_id(R, "PSS-BASELINE-PRIVILEGED"), 4);
    /* a container without a name is numbered and reported at its first key */
    const struct rec_finding *f =
        expect_at(y, "PSS-BASELINE-PRIVILEGED", "privileged: true}\n    - not");
    assert_string_equal(f->resource, "Pod/default/p container #0");
    f = expect_at(y, "PSS-BASELINE-PRIVILEGED", "privileged: true}\n  initContainers");
    assert_string_equal(f->resource, "Pod/default/p container b");
    assert_string_equal(f->message, "spec.containers[2].securityContext.privileged is true");
    f = expect_at(y, "PSS-BASELINE-PRIVILEGED", "privileged: true}}\n  ephemeral");
    assert_string_equal(f->resource, "Pod/default/p init container i");
    f = expect_at(y, "PSS-BASELINE-PRIVILEGED", "privileged: true}}\n");
    (void)f;
}

/* ---- score ---- */

static int score_of(const char *y)
{
    check(y);
    assert_int_equal(R->n_pss, 1);
    return R->p[0].score;
}

static void test_score(void **st)
{
    (void)st;
    /* good_deploy: readOnly 1, non-root 1, drop ALL 1, no escalation 1, seccomp 1, requests 2,
     * limits 2, serviceAccountName 3, automount false 1 = 13 */
    assert_int_equal(score_of(good_deploy), 13);
    char *y = edit("securityContext: {runAsNonRoot",
                   "      securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: "
                   "{type: RuntimeDefault}, appArmorProfile: {type: RuntimeDefault}}");
    assert_int_equal(score_of(y), 17); /* + uid > 10000 and AppArmor 3 */
    free(y);
    /* criticals replace the positives: their sum alone */
    y = edit("allowPrivilegeEscalation", "            privileged: true\n"
                                         "            allowPrivilegeEscalation: true");
    assert_int_equal(score_of(y), -37);
    free(y);
    y = edit("serviceAccountName", "      serviceAccountName: web\n      hostNetwork: true\n"
                                   "      hostPID: true\n      hostIPC: true");
    assert_int_equal(score_of(y), -27);
    free(y);
    y = edit("capabilities:", "            capabilities: {drop: [ALL], add: [SYS_ADMIN]}");
    assert_int_equal(score_of(y), -30);
    free(y);
    y = edit("readinessProbe",
             "          readinessProbe: {httpGet: {path: /, port: 80}}\n"
             "      volumes: [{name: d, hostPath: {path: /var/run/docker.sock}}]");
    assert_int_equal(score_of(y), -9);
    free(y);
    /* AppArmor through the annotation of that container */
    y = edit("  template:", "  template:\n    metadata:\n      annotations:\n"
                            "        container.apparmor.security.beta.kubernetes.io/app: "
                            "localhost/k8s-web");
    assert_int_equal(score_of(y), 16);
    free(y);
    /* a pod without containers gets no container points */
    assert_int_equal(score_of("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n"), 0);
}

/* ---- fixtures ---- */

static char *read_fixture(const char *name, size_t *len)
{
    char path[4096];
    const char *root = getenv("SRCROOT");
    if (root != NULL && *root != '\0') {
        snprintf(path, sizeof path, "%s/tests/fixtures/config/k8s/%s", root, name);
    } else {
        const char *file = __FILE__;
        const char *slash = strrchr(file, '/');
        snprintf(path, sizeof path, "%.*s/../fixtures/config/k8s/%s",
                 slash ? (int)(slash - file) : 1, slash ? file : ".", name);
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The recorded findings and PSS results as sorted lines, compared with name.expected. */
static void compare_expected(const char *fixture, const char *expected)
{
    size_t len, elen;
    char *y = read_fixture(fixture, &len);
    struct strata_error err = {0};
    R->only = NULL;
    R->pss_level = 0;
    if (run_k8s(R, fixture, y, len, &err) != 0)
        fail_msg("%s", err.msg);
    size_t n = R->n + R->n_pss;
    char **got = calloc(n + 1, sizeof *got);
    assert_non_null(got);
    for (size_t i = 0; i < R->n; i++) {
        got[i] = malloc(900);
        snprintf(got[i], 900, "%s %s %d:%d %s", R->f[i].id, R->f[i].severity, R->f[i].line,
                 R->f[i].col, R->f[i].resource);
    }
    for (size_t i = 0; i < R->n_pss; i++) {
        got[R->n + i] = malloc(900);
        snprintf(got[R->n + i], 900, "pss %s line %d %s score %d, %zu controls violated",
                 R->p[i].resource, R->p[i].line, R->p[i].level, R->p[i].score, R->p[i].n);
    }
    qsort(got, n, sizeof *got, cmp_str);
    char *want = read_fixture(expected, &elen);
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(strbuf_addf(&sb, "%s\n", got[i]), 0);
    /* the expected file: sorted lines, '#' comments */
    struct strbuf w = STRBUF_INIT;
    for (char *line = strtok(want, "\n"); line; line = strtok(NULL, "\n"))
        if (line[0] != '#')
            assert_int_equal(strbuf_addf(&w, "%s\n", line), 0);
    if (strcmp(sb.buf ? sb.buf : "", w.buf ? w.buf : "") != 0) {
        fprintf(stderr, "%s: got\n%s", fixture, sb.buf ? sb.buf : "");
        fail_msg("%s differs from %s", fixture, expected);
    }
    for (size_t i = 0; i < n; i++)
        free(got[i]);
    free(got);
    strbuf_release(&sb);
    strbuf_release(&w);
    free(want);
    free(y);
}

static void test_fixture_hardened(void **st)
{
    (void)st;
    compare_expected("hardened-deployment.yaml", "hardened-deployment.expected");
    assert_int_equal(R->n, 0);
    assert_string_equal(R->p[0].level, "restricted");
}

static void test_fixture_compromised(void **st)
{
    (void)st;
    compare_expected("compromised.yaml", "compromised.expected");
    /* every control and every rule fails somewhere */
    for (int c = 0; c < PSS_N_CONTROLS; c++)
        if (count_id(R, k8s_pss_controls[c].id) == 0)
            fail_msg("%s does not fail", k8s_pss_controls[c].id);
    for (size_t i = 0; i < k8s_n_rules; i++)
        if (count_id(R, k8s_rules[i].id) == 0)
            fail_msg("%s does not fail", k8s_rules[i].id);
    /* a line per violated control, all 18 for the Deployment */
    assert_int_equal(R->p[0].n, PSS_N_CONTROLS);
    /* no secret in clear anywhere */
    for (size_t i = 0; i < R->n; i++)
        assert_null(strstr(R->f[i].message, "bPxRfiCY"));
}

/* ---- hostile manifests through the checker ---- */

static void test_hostile(void **st)
{
    (void)st;
    struct strata_error err = {0};
    R->only = NULL;
    /* a bad document after good ones: its position, and what came before was checked */
    static const char broken[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n"
                                 "spec: {hostPID: true}\n---\n"
                                 "apiVersion: v1\nkind: Pod\nmetadata: {name: b\n";
    assert_int_equal(run_k8s(R, "b.yaml", broken, strlen(broken), &err), STRATA_EFORMAT);
    assert_int_equal(strncmp(err.msg, "b.yaml:", 7), 0);
    assert_int_equal(count_id(R, "PSS-BASELINE-HOST-NAMESPACES"), 1);
    /* settings hidden behind aliases, merge keys and tags are found */
    static const char hidden[] = "x-priv: &priv {privileged: !!bool \"true\"}\n"
                                 "x-sc: &sc\n  runAsUser: 0.0\n"
                                 "apiVersion: v1\nkind: Pod\nmetadata: {name: h}\nspec:\n"
                                 "  securityContext:\n    <<: *sc\n"
                                 "  containers:\n  - name: c\n    securityContext: *priv\n"
                                 "  - name: d\n    securityContext: {<<: *priv, runAsUser: 5}\n";
    assert_int_equal(run_k8s(R, "h.yaml", hidden, strlen(hidden), &err), 0);
    assert_int_equal(count_id(R, "PSS-BASELINE-PRIVILEGED"), 2);
    /* positions are where the setting is written: the anchored mapping */
    assert_non_null(find_at(R, "PSS-BASELINE-PRIVILEGED", 1, 16));
    assert_non_null(find_at(R, "PSS-RESTRICTED-RUN-AS-USER", 3, 3));
    /* an alias bomb in a manifest: refused, bounded */
    char bomb[4096];
    int off = snprintf(bomb, sizeof bomb,
                       "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nx0: &a0 [{name: c}]\n");
    for (int i = 1; i < 9; i++) {
        off += snprintf(bomb + off, sizeof bomb - (size_t)off, "x%d: &a%d [", i, i);
        for (int j = 0; j < 9; j++)
            off += snprintf(bomb + off, sizeof bomb - (size_t)off, "%s*a%d", j ? ", " : "", i - 1);
        off += snprintf(bomb + off, sizeof bomb - (size_t)off, "]\n");
    }
    off += snprintf(bomb + off, sizeof bomb - (size_t)off, "spec: {containers: *a8}\n");
    int rc = run_k8s(R, "bomb.yaml", bomb, (size_t)off, &err);
    assert_int_equal(rc, STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "aliases expand to more than"));
    /* wrong types everywhere: no crash, what is wrong is reported or ignored */
    static const char types[] = "apiVersion: v1\nkind: Pod\nmetadata: [x]\nspec:\n"
                                "  securityContext: 7\n  containers: {a: b}\n"
                                "  initContainers: [[1], 2, {securityContext: [x]}]\n"
                                "  volumes: [1, {hostPath: 2}]\n  hostAliases: x\n";
    assert_int_equal(run_k8s(R, "t.yaml", types, strlen(types), &err), 0);
    assert_int_equal(count_id(R, "PSS-BASELINE-HOST-PATH"), 1);
    /* non-UTF-8 and control characters never reach a message */
    static const char bytes[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"a\\x01\\xff\"}\n"
                                "spec: {hostPID: \"\\ttrue\"}\n";
    assert_int_equal(run_k8s(R, "u.yaml", bytes, strlen(bytes), &err), 0);
    const struct rec_finding *f = find_id(R, "PSS-BASELINE-HOST-NAMESPACES");
    assert_non_null(f);
    for (const char *p = f->resource; *p; p++)
        assert_true((unsigned char)*p >= 0x20);
}

/* 10,000 documents in one file: linear, and each gets its result. */
static void test_many_documents(void **st)
{
    (void)st;
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 10000; i++)
        assert_int_equal(strbuf_addf(&sb,
                                     "---\napiVersion: v1\nkind: Service\nmetadata: {name: s%d}\n"
                                     "spec: {type: %s}\n",
                                     i, i % 2 ? "NodePort" : "ClusterIP"),
                         0);
    struct strata_error err = {0};
    R->only = NULL;
    assert_int_equal(run_k8s(R, "many.yaml", sb.buf, sb.len, &err), 0);
    assert_int_equal(R->n, sizeof R->f / sizeof R->f[0]); /* the recorder keeps the first 512 */
    assert_int_equal(R->total, 5000);
    assert_int_equal(R->dropped_f, 0);
    strbuf_release(&sb);
}

/* Pod-level mappings are read once per workload, not once per container: 100,000
 * annotations and securityContext keys with 20,000 containers take well under a second. */
static void test_linear_workload(void **st)
{
    (void)st;
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_adds(&sb, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
                                      "  annotations:\n"),
                     0);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(
            strbuf_addf(&sb, "    container.apparmor.security.beta.kubernetes.io/c%d: x%d\n", i, i),
            0);
    assert_int_equal(strbuf_adds(&sb, "spec:\n  securityContext:\n"), 0);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(strbuf_addf(&sb, "    k%d: v\n", i), 0);
    assert_int_equal(strbuf_adds(&sb, "  containers:\n"), 0);
    for (int i = 0; i < 20000; i++)
        assert_int_equal(strbuf_addf(&sb, "  - {name: c%d, image: r/c:1}\n", i), 0);
    struct strata_error err = {0};
    R->only = NULL;
    clock_t t0 = clock();
    assert_int_equal(run_k8s(R, "wide.yaml", sb.buf, sb.len, &err), 0);
    assert_true(clock() - t0 < 5 * CLOCKS_PER_SEC);
    assert_int_equal(R->n_pss, 1);
    strbuf_release(&sb);
}

/* More findings than CONFIG_MAX_FINDINGS in one file: the rest are dropped and counted. */
static void test_findings_bound(void **st)
{
    (void)st;
    struct strbuf sb = STRBUF_INIT;
    size_t per = CONFIG_MAX_FINDINGS / 2 + 1;
    for (int d = 0; d < 2; d++) {
        assert_int_equal(strbuf_adds(&sb, "---\napiVersion: v1\nkind: List\nitems:\n"), 0);
        for (size_t i = 0; i < per; i++)
            assert_int_equal(strbuf_adds(&sb, "- {apiVersion: v1, kind: Service, metadata: "
                                              "{name: a}, spec: {type: NodePort}}\n"),
                             0);
    }
    struct strata_error err = {0};
    R->only = NULL;
    assert_int_equal(run_k8s(R, "big.yaml", sb.buf, sb.len, &err), 0);
    assert_int_equal(R->total, CONFIG_MAX_FINDINGS);
    assert_int_equal(R->dropped_f, 2 * per - CONFIG_MAX_FINDINGS);
    strbuf_release(&sb);
}

/* ---- inside the config framework ---- */

static void test_framework(void **st)
{
    (void)st;
    static const char y[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\n"
                            "spec:\n"
                            "  # strata:ignore PSS-BASELINE-HOST-NAMESPACES the node exporter\n"
                            "  hostPID: true\n"
                            "  hostIPC: true\n"
                            "  containers: [{name: c, image: r/c:1}]\n";
    struct config_source src = {"pod.yaml", y, strlen(y), CONFIG_KUBERNETES};
    for (int level = 0; level <= 2; level++) {
        struct strata_report *r = strata_report_new();
        assert_non_null(r);
        struct config_options o = {NULL, level};
        struct config_ctx *c;
        struct strata_error err = {0};
        assert_int_equal(config_ctx_new(&o, r, &c, &err), 0);
        assert_int_equal(config_check_kubernetes(c, &src, &err), 0);
        assert_int_equal(config_ctx_suppressed(c), 1);
        size_t hostns = 0, k8s = 0, restricted = 0;
        for (size_t i = 0; i < r->n_misconfigurations; i++) {
            const struct strata_misconfiguration *m = &r->misconfigurations[i];
            if (strcmp(m->id, "PSS-BASELINE-HOST-NAMESPACES") == 0) {
                hostns++;
                assert_int_equal(m->line, 7);
                assert_int_equal(m->column, 3);
                assert_string_equal(m->resource, "Pod/n/p");
                assert_string_equal(m->path, "pod.yaml");
            }
            k8s += strncmp(m->id, "K8S-", 4) == 0;
            restricted += strncmp(m->id, "PSS-RESTRICTED-", 15) == 0;
        }
        assert_int_equal(hostns, 1);
        assert_true(level == 0 ? k8s > 0 : k8s == 0);
        assert_true(level == 1 ? restricted == 0 : restricted > 0);
        assert_int_equal(r->n_pss, 1);
        assert_string_equal(r->pss[0].resource, "Pod/n/p");
        assert_string_equal(r->pss[0].level_satisfied, "privileged");
        assert_string_equal(r->pss[0].path, "pod.yaml");
        assert_int_equal(r->pss[0].line, 2);
        config_ctx_free(c);
        strata_report_free(r);
    }
    /* the kind is detected from the content */
    assert_int_equal(config_detect("x.yaml", y, strlen(y)), CONFIG_KUBERNETES);
}

/* ---- across the files of a run (k8s_wide.c) ---- */

/* A Deployment in namespace shop, its ServiceAccount "web" and its token unset on the pod. */
static const char wide_deploy[] = "apiVersion: apps/v1\n"
                                  "kind: Deployment\n"
                                  "metadata: {name: web, namespace: shop}\n"
                                  "spec:\n"
                                  "  template:\n"
                                  "    spec:\n"
                                  "      serviceAccountName: web\n"
                                  "      containers: [{name: app, image: r/web:1}]\n";
static const char wide_netpol[] = "apiVersion: networking.k8s.io/v1\n"
                                  "kind: NetworkPolicy\n"
                                  "metadata: {name: deny, namespace: shop}\n"
                                  "spec: {podSelector: {}}\n";
static const char wide_sa[] = "apiVersion: v1\n"
                              "kind: ServiceAccount\n"
                              "metadata: {name: web, namespace: shop}\n"
                              "automountServiceAccountToken: false\n";

struct wide_file {
    const char *path, *text;
};

/* Checks the files in order through the framework, each from a copy freed right after it is
 * checked (as the walker does, so a finding reported at the end must use the kept copy), then
 * finishes the run. The caller frees *rep and *ctx. */
static void run_files(const struct wide_file *f, size_t n, struct strata_report **rep,
                      struct config_ctx **ctx)
{
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    struct config_options o = {NULL, 0};
    struct config_ctx *c;
    struct strata_error err = {0};
    assert_int_equal(config_ctx_new(&o, r, &c, &err), 0);
    for (size_t i = 0; i < n; i++) {
        char *path = strdup(f[i].path), *text = strdup(f[i].text);
        assert_non_null(path);
        assert_non_null(text);
        struct config_source src = {path, text, strlen(text), CONFIG_UNKNOWN};
        if (config_check_source(c, &src, &err) != 0)
            fail_msg("%s", err.msg);
        free(path);
        free(text);
    }
    if (config_ctx_finish(c, &err) != 0)
        fail_msg("%s", err.msg);
    *rep = r;
    *ctx = c;
}

static size_t count_misconf(const struct strata_report *r, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        n += strcmp(r->misconfigurations[i].id, id) == 0;
    return n;
}

static const struct strata_misconfiguration *misconf(const struct strata_report *r, const char *id)
{
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        if (strcmp(r->misconfigurations[i].id, id) == 0)
            return &r->misconfigurations[i];
    return NULL;
}

static void free_run(struct strata_report *r, struct config_ctx *c)
{
    config_ctx_free(c);
    strata_report_free(r);
}

/* K8S-017: the NetworkPolicy of another file of the run covers the namespace, before or after
 * the workload's file; without it the finding is at the first workload, in its file. */
static void test_wide_network_policy(void **st)
{
    (void)st;
    struct strata_report *r;
    struct config_ctx *c;
    const struct wide_file after[] = {{"a.yaml", wide_deploy}, {"b.yaml", wide_netpol}};
    run_files(after, 2, &r, &c);
    assert_int_equal(count_misconf(r, "K8S-017"), 0);
    assert_true(count_misconf(r, "K8S-001") > 0); /* the other rules still run */
    free_run(r, c);
    const struct wide_file before[] = {{"b.yaml", wide_netpol}, {"a.yaml", wide_deploy}};
    run_files(before, 2, &r, &c);
    assert_int_equal(count_misconf(r, "K8S-017"), 0);
    free_run(r, c);

    /* another namespace's policy does not count; a second file's workloads in the same
     * namespace add no second finding: the run's first workload speaks for it */
    static const char other[] = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                                "metadata: {name: deny, namespace: other}\n"
                                "spec: {podSelector: {}}\n";
    static const char pod[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n"
                              "spec: {containers: []}\n";
    const struct wide_file none[] = {{"a.yaml", wide_deploy}, {"b.yaml", other}, {"c.yaml", pod}};
    run_files(none, 3, &r, &c);
    assert_int_equal(count_misconf(r, "K8S-017"), 1);
    const struct strata_misconfiguration *m = misconf(r, "K8S-017");
    int line, col;
    pos_of(wide_deploy, "kind: Deployment", &line, &col);
    assert_string_equal(m->path, "a.yaml");
    assert_int_equal(m->line, line);
    assert_int_equal(m->column, col);
    assert_string_equal(m->resource, "Namespace/shop");
    assert_string_equal(m->message, "namespace shop has workloads (the first: Deployment/shop/web) "
                                    "but no NetworkPolicy in the files checked, so all pod "
                                    "traffic is allowed");
    assert_string_equal(m->evidence, "a.yaml:2:1");
    assert_string_equal(m->severity, "MEDIUM");
    free_run(r, c);
}

/* K8S-009: a ServiceAccount with automountServiceAccountToken: false in another file, before
 * or after the workload's, settles it; one of another namespace or with true does not. */
static void test_wide_service_account(void **st)
{
    (void)st;
    struct strata_report *r;
    struct config_ctx *c;
    const struct wide_file after[] = {{"a.yaml", wide_deploy}, {"sa.yaml", wide_sa}};
    run_files(after, 2, &r, &c);
    assert_int_equal(count_misconf(r, "K8S-009"), 0);
    assert_int_equal(count_misconf(r, "K8S-017"), 1);
    free_run(r, c);
    const struct wide_file before[] = {{"sa.yaml", wide_sa}, {"a.yaml", wide_deploy}};
    run_files(before, 2, &r, &c);
    assert_int_equal(count_misconf(r, "K8S-009"), 0);
    free_run(r, c);

    static const char sa_true[] = "apiVersion: v1\nkind: ServiceAccount\n"
                                  "metadata: {name: web, namespace: shop}\n"
                                  "automountServiceAccountToken: true\n";
    static const char sa_other[] = "apiVersion: v1\nkind: ServiceAccount\n"
                                   "metadata: {name: web, namespace: other}\n"
                                   "automountServiceAccountToken: false\n";
    const struct wide_file no[] = {
        {"a.yaml", wide_deploy}, {"t.yaml", sa_true}, {"o.yaml", sa_other}};
    run_files(no, 3, &r, &c);
    assert_int_equal(count_misconf(r, "K8S-009"), 1);
    const struct strata_misconfiguration *m = misconf(r, "K8S-009");
    int line, col;
    pos_of(wide_deploy, "spec:\n      ", &line, &col);
    assert_string_equal(m->path, "a.yaml");
    assert_int_equal(m->line, line);
    assert_int_equal(m->column, col);
    assert_string_equal(m->resource, "Deployment/shop/web");
    assert_string_equal(m->message, "spec.template.spec.automountServiceAccountToken is not set "
                                    "and ServiceAccount web does not set it to false in the "
                                    "files checked: the API token is mounted");
    free_run(r, c);
}

/* A finding reported after the last file still honours its file's strata:ignore comment. */
static void test_wide_suppression(void **st)
{
    (void)st;
    static const char y[] = "apiVersion: apps/v1\n"
                            "# strata:ignore K8S-017 the policies come from the platform team\n"
                            "kind: Deployment\n"
                            "metadata: {name: web, namespace: shop}\n"
                            "spec:\n"
                            "  template:\n"
                            "    # strata:ignore K8S-009 the sidecar talks to the API\n"
                            "    spec:\n"
                            "      serviceAccountName: web\n"
                            "      containers: [{name: app, image: r/web:1}]\n";
    struct strata_report *r;
    struct config_ctx *c;
    const struct wide_file f[] = {{"a.yaml", y}, {"b.yaml", wide_deploy}};
    run_files(f, 2, &r, &c);
    assert_int_equal(count_misconf(r, "K8S-017"), 0);
    /* b.yaml's own K8S-009 is not suppressed by a.yaml's comment */
    assert_int_equal(count_misconf(r, "K8S-009"), 1);
    assert_string_equal(misconf(r, "K8S-009")->path, "b.yaml");
    assert_int_equal(config_ctx_suppressed(c), 2);
    free_run(r, c);
}

/* The per-file bound holds across the run: a file that reported CONFIG_MAX_FINDINGS findings
 * reports nothing more at the end, and what it drops (in its pass and at the end) is counted
 * by the framework, as many as the file alone drops. */
static void test_wide_bound(void **st)
{
    (void)st;
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < CONFIG_MAX_FINDINGS; i++) {
        /* Lists of 25,000 items, under the nodes-per-document bound */
        if (i % 25000 == 0)
            assert_int_equal(strbuf_adds(&sb, "---\napiVersion: v1\nkind: List\nitems:\n"), 0);
        assert_int_equal(strbuf_adds(&sb, "- {apiVersion: v1, kind: Service, metadata: "
                                          "{name: a}, spec: {type: NodePort}}\n"),
                         0);
    }
    assert_int_equal(strbuf_adds(&sb, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                      "spec: {containers: [{name: c, image: r/c}]}\n"),
                     0);
    struct strata_error err = {0};
    R->only = NULL;
    R->pss_level = 0;
    assert_int_equal(run_k8s(R, "big.yaml", sb.buf, sb.len, &err), 0);
    size_t alone = R->dropped_f;
    assert_true(alone > 2); /* the Pod's findings, K8S-009 and K8S-017 */
    struct strata_report *r;
    struct config_ctx *c;
    const struct wide_file f[] = {{"big.yaml", sb.buf}};
    run_files(f, 1, &r, &c);
    assert_int_equal(r->n_misconfigurations, CONFIG_MAX_FINDINGS);
    assert_int_equal(config_ctx_dropped(c), alone);
    free_run(r, c);
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_deployment),
        cmocka_unit_test(test_rule_readonly_root),
        cmocka_unit_test(test_rule_resources),
        cmocka_unit_test(test_rule_probes),
        cmocka_unit_test(test_rule_images),
        cmocka_unit_test(test_rule_service_account),
        cmocka_unit_test(test_rule_runtime_socket),
        cmocka_unit_test(test_rule_env_secret),
        cmocka_unit_test(test_rule_host_aliases),
        cmocka_unit_test(test_rule_rbac),
        cmocka_unit_test(test_rule_services),
        cmocka_unit_test(test_rule_network_policy),
        cmocka_unit_test(test_rule_table),
        cmocka_unit_test(test_model_kinds),
        cmocka_unit_test(test_model_names_and_lists),
        cmocka_unit_test(test_model_containers),
        cmocka_unit_test(test_score),
        cmocka_unit_test(test_fixture_hardened),
        cmocka_unit_test(test_fixture_compromised),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_many_documents),
        cmocka_unit_test(test_findings_bound),
        cmocka_unit_test(test_linear_workload),
        cmocka_unit_test(test_framework),
        cmocka_unit_test(test_wide_network_policy),
        cmocka_unit_test(test_wide_service_account),
        cmocka_unit_test(test_wide_suppression),
        cmocka_unit_test(test_wide_bound),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
