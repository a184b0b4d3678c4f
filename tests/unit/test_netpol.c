/* The network-segmentation model and connectivity engine (src/netpol/): every semantic point
 * of the NetworkPolicy API on small clusters with the expected connectivity written out by
 * hand, positioned errors for malformed policies, and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netpol/np_engine.h"
#include "netpol/np_engine_impl.h"
#include "netpol/np_model.h"

#include "netpol_fixture.h"

/* Asserts what src may open to dst. */
static void conn(struct net *n, const char *src, const char *dst, const char *want)
{
    const struct np_allow *a;
    assert_int_equal(np_engine_pair(n->e, net_entity(n, src), net_entity(n, dst), &a), 0);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(np_allow_format(a, &sb), 0);
    if (strcmp(sb.buf, want) != 0)
        fail_msg("%s -> %s: got '%s', want '%s'", src, dst, sb.buf, want);
    strbuf_release(&sb);
}

static void expect_error(const char *yaml, const char *want)
{
    struct np_cluster *c = np_cluster_new(NULL);
    struct strata_error err = {0};
    assert_non_null(c);
    int rc = np_cluster_add_yaml(c, "t.yaml", yaml, strlen(yaml), &err);
    np_cluster_free(c);
    if (rc >= 0 || strstr(err.msg, want) == NULL)
        fail_msg("rc %d msg '%s', want '%s'", rc, err.msg, want);
}

static void no_policy_allows_everything(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL, POD("a", "x", "{app: x}") POD("b", "y", "{app: y}"));
    assert_int_equal(np_engine_entities(n.e), 3); /* two pods and 0.0.0.0/0 */
    conn(&n, "a/Pod/x", "b/Pod/y", "All");
    conn(&n, "b/Pod/y", "a/Pod/x", "All");
    conn(&n, "a/Pod/x", "a/Pod/x", "All");
    conn(&n, "0.0.0.0/0", "a/Pod/x", "All");
    conn(&n, "a/Pod/x", "0.0.0.0/0", "All");
    assert_false(np_workload_isolated(n.e, 0, 0));
    assert_false(np_workload_isolated(n.e, 0, 1));
    net_free(&n);
}

/* podSelector {} with no rules and inferred policyTypes [Ingress]: default deny ingress for
 * the namespace, egress untouched. */
static void default_deny_ingress(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "x", "{app: x}") POD("a", "x2", "{app: x2}") POD("b", "y", "{app: y}")
                 POLICY("a", "deny", "  podSelector: {}\n"));
    conn(&n, "b/Pod/y", "a/Pod/x", "none");
    conn(&n, "a/Pod/x2", "a/Pod/x", "none");
    conn(&n, "0.0.0.0/0", "a/Pod/x", "none");
    conn(&n, "a/Pod/x", "b/Pod/y", "All");
    conn(&n, "a/Pod/x", "0.0.0.0/0", "All");
    conn(&n, "b/Pod/y", "b/Pod/y", "All");
    assert_true(np_workload_isolated(n.e, 0, 0));
    assert_false(np_workload_isolated(n.e, 0, 1));
    net_free(&n);
}

/* policyTypes absent: Egress is inferred when `egress` is present (even empty). Given
 * explicitly, policyTypes [Egress] leaves ingress open even with ingress rules. */
static void policy_types_inferred(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "x", "{app: x}") POD("a", "y", "{app: y}") POD("a", "z", "{app: z}")
                 POLICY("a", "deny-eg", "  podSelector: {matchLabels: {app: x}}\n  egress: []\n")
                     POLICY("a", "eg-only",
                            "  podSelector: {matchLabels: {app: z}}\n  policyTypes: [Egress]\n"
                            "  ingress: []\n  egress:\n  - {}\n"));
    conn(&n, "a/Pod/x", "a/Pod/y", "none");  /* x egress denied */
    conn(&n, "a/Pod/y", "a/Pod/x", "none");  /* x ingress denied too (Ingress always) */
    conn(&n, "a/Pod/y", "a/Pod/z", "All");   /* z not isolated for ingress */
    conn(&n, "a/Pod/z", "0.0.0.0/0", "All"); /* egress rule {} = everything */
    assert_true(np_workload_isolated(n.e, 0, 1));
    assert_false(np_workload_isolated(n.e, 2, 0));
    assert_true(np_workload_isolated(n.e, 2, 1));
    net_free(&n);
}

/* podSelector alone selects in the policy's namespace only; namespaceSelector alone all
 * pods of matching namespaces; both in one peer AND; separate peers OR. */
static void peers_semantics(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             NS("a", "{team: a}") NS("b", "{team: b}") NS("c", "{}") POD("a", "db", "{app: db}")
                 POD("a", "web", "{role: web}") POD("b", "web", "{role: web}")
                     POD("b", "other", "{role: other}") POD("c", "web", "{role: web}")
                         POLICY("a", "p",
                                "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
                                "  - from:\n    - podSelector: {matchLabels: {role: web}}\n"));
    conn(&n, "a/Pod/web", "a/Pod/db", "All");
    conn(&n, "b/Pod/web", "a/Pod/db", "none"); /* other namespace: not matched */
    conn(&n, "0.0.0.0/0", "a/Pod/db", "none");
    net_free(&n);

    net_load(&n, NULL,
             NS("a", "{team: a}") NS("b", "{team: b}") NS("c", "{}") POD("a", "db", "{app: db}")
                 POD("b", "web", "{role: web}") POD("b", "other", "{role: other}")
                     POD("c", "web", "{role: web}")
                         POLICY("a", "p",
                                "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
                                "  - from:\n    - namespaceSelector: {matchLabels: {team: b}}\n"));
    conn(&n, "b/Pod/web", "a/Pod/db", "All");
    conn(&n, "b/Pod/other", "a/Pod/db", "All");
    conn(&n, "c/Pod/web", "a/Pod/db", "none");
    net_free(&n);

    /* AND: one peer with both selectors */
    net_load(&n, NULL,
             NS("a", "{team: a}") NS("b", "{team: b}") POD("a", "db", "{app: db}")
                 POD("a", "web", "{role: web}") POD("b", "web", "{role: web}")
                     POD("b", "other", "{role: other}")
                         POLICY("a", "p",
                                "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
                                "  - from:\n    - namespaceSelector: {matchLabels: {team: b}}\n"
                                "      podSelector: {matchLabels: {role: web}}\n"));
    conn(&n, "b/Pod/web", "a/Pod/db", "All");
    conn(&n, "b/Pod/other", "a/Pod/db", "none");
    conn(&n, "a/Pod/web", "a/Pod/db", "none");
    net_free(&n);

    /* OR: two peers */
    net_load(&n, NULL,
             NS("a", "{team: a}") NS("b", "{team: b}") POD("a", "db", "{app: db}")
                 POD("a", "web", "{role: web}") POD("b", "web", "{role: web}")
                     POD("b", "other", "{role: other}")
                         POLICY("a", "p",
                                "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
                                "  - from:\n    - namespaceSelector: {matchLabels: {team: b}}\n"
                                "    - podSelector: {matchLabels: {role: web}}\n"));
    conn(&n, "b/Pod/web", "a/Pod/db", "All");
    conn(&n, "b/Pod/other", "a/Pod/db", "All");
    conn(&n, "a/Pod/web", "a/Pod/db", "All");
    conn(&n, "a/Pod/db", "a/Pod/db", "none");
    net_free(&n);
}

/* Empty namespaceSelector {} = every namespace; the implied kubernetes.io/metadata.name
 * label selects a namespace by name, also for namespaces never declared. */
static void namespace_selector_all_and_name(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "db", "{app: db}") POD("b", "x", "{}") POD("c", "y", "{}")
                 POLICY("a", "p",
                        "  podSelector: {}\n  ingress:\n  - from:\n"
                        "    - namespaceSelector:\n        matchLabels:\n"
                        "          kubernetes.io/metadata.name: b\n"));
    conn(&n, "b/Pod/x", "a/Pod/db", "All");
    conn(&n, "c/Pod/y", "a/Pod/db", "none");
    net_free(&n);
    net_load(&n, NULL,
             POD("a", "db", "{app: db}") POD("b", "x", "{}")
                 POLICY("a", "p",
                        "  podSelector: {}\n  ingress:\n  - from:\n"
                        "    - namespaceSelector: {}\n"));
    conn(&n, "b/Pod/x", "a/Pod/db", "All");
    conn(&n, "a/Pod/db", "a/Pod/db", "All");
    conn(&n, "0.0.0.0/0", "a/Pod/db", "none"); /* {} is every pod, not outside */
    net_free(&n);
}

static void match_expressions(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "t", "{app: t}") POD("a", "p1", "{tier: fe, env: prod}")
                 POD("a", "p2", "{tier: be, env: dev}") POD("a", "p3", "{tier: db}")
                     POD("a", "p4", "{}")
                         POLICY("a", "in",
                                "  podSelector: {matchLabels: {app: t}}\n  ingress:\n"
                                "  - from:\n    - podSelector:\n        matchExpressions:\n"
                                "        - {key: tier, operator: In, values: [fe, be]}\n"
                                "        - {key: env, operator: NotIn, values: [dev]}\n"));
    conn(&n, "a/Pod/p1", "a/Pod/t", "All");
    conn(&n, "a/Pod/p2", "a/Pod/t", "none"); /* env dev */
    conn(&n, "a/Pod/p3", "a/Pod/t", "none"); /* tier db */
    conn(&n, "a/Pod/p4", "a/Pod/t", "none"); /* no tier */
    net_free(&n);
    net_load(&n, NULL,
             POD("a", "t", "{app: t}") POD("a", "p1", "{tier: fe, env: prod}")
                 POD("a", "p3", "{tier: db}") POD("a", "p4", "{}")
                     POLICY("a", "in",
                            "  podSelector: {matchLabels: {app: t}}\n  ingress:\n"
                            "  - from:\n    - podSelector:\n        matchExpressions:\n"
                            "        - {key: tier, operator: Exists}\n"
                            "        - {key: env, operator: DoesNotExist}\n"));
    conn(&n, "a/Pod/p1", "a/Pod/t", "none");
    conn(&n, "a/Pod/p3", "a/Pod/t", "All");
    conn(&n, "a/Pod/p4", "a/Pod/t", "none");
    net_free(&n);
    /* NotIn holds for a pod without the key */
    net_load(&n, NULL,
             POD("a", "t", "{app: t}") POD("a", "p4", "{}")
                 POLICY("a", "in",
                        "  podSelector: {matchLabels: {app: t}}\n  ingress:\n"
                        "  - from:\n    - podSelector:\n        matchExpressions:\n"
                        "        - {key: env, operator: NotIn, values: [dev]}\n"));
    conn(&n, "a/Pod/p4", "a/Pod/t", "All");
    net_free(&n);
}

#define SERVER                                                                                     \
    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: srv, namespace: a}\n"            \
    "spec:\n  template:\n    metadata: {labels: {app: srv}}\n    spec:\n      containers:\n"       \
    "      - name: c\n        ports:\n        - {name: http, containerPort: 8080}\n"               \
    "        - {name: dns, containerPort: 5353, protocol: UDP}\n"                                  \
    "        - {name: metrics, containerPort: 9090}\n"

/* Ports: numbers, named ports resolved against the destination's container ports of that
 * protocol, endPort ranges, protocol without port, absent ports = all. */
static void ports_semantics(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             SERVER POD("a", "cli", "{app: cli}")
                 POLICY("a", "p",
                        "  podSelector: {matchLabels: {app: srv}}\n  ingress:\n  - ports:\n"
                        "    - port: http\n    - {port: dns, protocol: UDP}\n"
                        "    - {port: dns}\n    - {port: 30000, endPort: 30010}\n"
                        "    - {protocol: SCTP}\n    - {port: 443}\n"));
    /* "dns" over TCP names nothing: only the UDP one resolves */
    conn(&n, "a/Pod/cli", "a/Deployment/srv", "TCP:443,8080,30000-30010 UDP:5353 SCTP:all");
    conn(&n, "0.0.0.0/0", "a/Deployment/srv", "TCP:443,8080,30000-30010 UDP:5353 SCTP:all");
    conn(&n, "a/Deployment/srv", "a/Pod/cli", "All");
    net_free(&n);

    /* egress named ports resolve against the peer (destination) pod; to an external
     * destination a named port resolves to nothing */
    net_load(&n, NULL,
             SERVER POD("a", "cli", "{app: cli}")
                 POLICY("a", "p",
                        "  podSelector: {matchLabels: {app: cli}}\n  egress:\n  - ports:\n"
                        "    - port: metrics\n    - {port: 53, protocol: UDP}\n"));
    conn(&n, "a/Pod/cli", "a/Deployment/srv", "TCP:9090 UDP:53");
    conn(&n, "a/Pod/cli", "0.0.0.0/0", "UDP:53");
    net_free(&n);
}

/* Union over selecting policies; the sender's egress AND the receiver's ingress. */
static void union_and_intersection(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "s", "{app: s}") POD("a", "d", "{app: d}")
                 POLICY("a", "in1",
                        "  podSelector: {matchLabels: {app: d}}\n  ingress:\n"
                        "  - ports: [{port: 80}]\n")
                     POLICY("a", "in2",
                            "  podSelector: {}\n  ingress:\n  - ports: [{port: 81, endPort: 90}]\n")
                         POLICY("a", "eg",
                                "  podSelector: {matchLabels: {app: s}}\n  policyTypes: [Egress]\n"
                                "  egress:\n  - ports: [{port: 85, endPort: 100}, {port: 80}]\n"));
    conn(&n, "a/Pod/s", "a/Pod/d", "TCP:80,85-90");
    conn(&n, "a/Pod/d", "a/Pod/s", "TCP:81-90");
    conn(&n, "0.0.0.0/0", "a/Pod/d", "TCP:80-90");
    conn(&n, "a/Pod/s", "0.0.0.0/0", "TCP:80,85-100");
    net_free(&n);
}

/* ipBlock with except: external entities are the pieces of the address space that policies
 * treat alike; a pod is never matched by an ipBlock. */
static void ipblocks(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "web", "{app: web}") POD("a", "x", "{}")
                 POLICY("a", "p",
                        "  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from:\n"
                        "    - ipBlock:\n        cidr: 10.0.0.0/8\n"
                        "        except: [10.1.0.0/16]\n    ports: [{port: 443}]\n"));
    assert_int_equal(np_engine_entities(n.e), 4); /* 2 pods, 10/8 minus 10.1/16, the rest */
    conn(&n,
         "10.0.0.0/16,10.2.0.0/15,10.4.0.0/14,10.8.0.0/13,10.16.0.0/12,10.32.0.0/11,"
         "10.64.0.0/10,10.128.0.0/9",
         "a/Pod/web", "TCP:443");
    conn(&n,
         "0.0.0.0/5,8.0.0.0/7,10.1.0.0/16,11.0.0.0/8,12.0.0.0/6,16.0.0.0/4,32.0.0.0/3,"
         "64.0.0.0/2,128.0.0.0/1",
         "a/Pod/web", "none");
    conn(&n, "a/Pod/x", "a/Pod/web", "none");
    net_free(&n);

    /* 0.0.0.0/0 except one range: the name says so */
    net_load(&n, NULL,
             POD("a", "x", "{}")
                 POLICY("a", "p",
                        "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock:\n"
                        "        cidr: 0.0.0.0/0\n        except: [169.254.169.254/32]\n"));
    conn(&n, "a/Pod/x", "0.0.0.0/0 except 169.254.169.254/32", "All");
    conn(&n, "a/Pod/x", "169.254.169.254/32", "none");
    conn(&n, "a/Pod/x", "a/Pod/x", "none");
    net_free(&n);
}

/* Controllers' pod templates stand for their pods; objects without a namespace land in the
 * given default; List kinds are read item by item. */
static void workloads_and_namespaces(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, "prod",
             "apiVersion: v1\nkind: List\nitems:\n"
             "- apiVersion: batch/v1\n  kind: CronJob\n  metadata: {name: cj}\n"
             "  spec:\n    schedule: '* * * * *'\n    jobTemplate:\n      spec:\n"
             "        template:\n          metadata: {labels: {app: cj}}\n"
             "          spec: {containers: [{name: c, image: x}]}\n"
             "- apiVersion: apps/v1\n  kind: StatefulSet\n  metadata: {name: db}\n"
             "  spec:\n    template:\n      metadata: {labels: {app: db}}\n"
             "      spec: {containers: [{name: c, image: x}]}\n"
             "- apiVersion: apps/v1\n  kind: DaemonSet\n  metadata: {name: ds, namespace: kube}\n"
             "  spec:\n    template:\n      metadata: {labels: {app: ds}}\n"
             "      spec: {containers: [{name: c, image: x}]}\n"
             "- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n"
             "  metadata: {name: p}\n  spec:\n    podSelector: {matchLabels: {app: db}}\n"
             "    ingress:\n    - from: [{podSelector: {matchLabels: {app: cj}}}]\n");
    conn(&n, "prod/CronJob/cj", "prod/StatefulSet/db", "All");
    conn(&n, "kube/DaemonSet/ds", "prod/StatefulSet/db", "none");
    conn(&n, "prod/StatefulSet/db", "kube/DaemonSet/ds", "All");
    net_free(&n);
}

static void errors_positioned(void **state)
{
    (void)state;
    expect_error(POLICY("a", "p", "  podSelector: {}\n  ingress:\n  - ports: [{protocol: ICMP}]\n"),
                 "t.yaml:10:24: NetworkPolicy/a/p: spec.ingress[0].ports[0]: protocol must be "
                 "TCP, UDP or SCTP, got ICMP");
    expect_error(POLICY("a", "p",
                        "  podSelector: {}\n  ingress:\n  - from:\n"
                        "    - ipBlock: {cidr: 10.0.0.300/8}\n"),
                 "t.yaml:11:23: NetworkPolicy/a/p: spec.ingress[0].from[0].ipBlock: invalid CIDR");
    expect_error(POLICY("a", "p",
                        "  podSelector: {}\n  ingress:\n  - from:\n"
                        "    - ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}\n"),
                 "not a strict subset of cidr");
    expect_error(POLICY("a", "p",
                        "  podSelector: {}\n  ingress:\n  - from:\n"
                        "    - ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}\n"),
                 "not a strict subset of cidr");
    expect_error(POLICY("a", "p", "  podSelector: {}\n  ingress:\n  - ports: [{endPort: 90}]\n"),
                 "t.yaml:10:23: NetworkPolicy/a/p: spec.ingress[0].ports[0]: endPort needs a "
                 "numeric port");
    expect_error(POLICY("a", "p",
                        "  podSelector: {}\n  ingress:\n  - ports: [{port: http, "
                        "endPort: 90}]\n"),
                 "endPort needs a numeric port");
    expect_error(
        POLICY("a", "p", "  podSelector: {}\n  ingress:\n  - ports: [{port: 90, endPort: 80}]\n"),
        "endPort 80 is not in 90-65535");
    expect_error(POLICY("a", "p", "  podSelector: {}\n  ingress:\n  - ports: [{port: 0}]\n"),
                 "port 0 is not in 1-65535");
    expect_error(POLICY("a", "p", "  podSelector: {}\n  ingress:\n  - ports: [{port: Bad_Name}]\n"),
                 "neither a number nor a valid port name");
    expect_error(POLICY("a", "p", "  podSelector: {}\n  ingress:\n  - ports: [{port: '80'}]\n"),
                 "neither a number nor a valid port name");
    expect_error(POLICY("a", "p", "  podSelector: []\n"),
                 "t.yaml:8:16: NetworkPolicy/a/p: spec.podSelector: a label selector must be a "
                 "mapping");
    expect_error(POLICY("a", "p", "  podselector: {}\n"), "t.yaml:8:3: NetworkPolicy/a/p: spec: "
                                                          "unknown field 'podselector'");
    expect_error(POLICY("a", "p", "  podSelector: {}\n  policyTypes: [Ingress, Both]\n"),
                 "expected Ingress or Egress, got Both");
    expect_error(POLICY("a", "p", "  podSelector: {}\n  ingress: {from: []}\n"),
                 "expected a sequence of rules");
    expect_error(POLICY("a", "p", "  podSelector: {}\n  ingress:\n  - from: [{}]\n"),
                 "a peer must give podSelector, namespaceSelector or ipBlock");
    expect_error(POLICY("a", "p",
                        "  podSelector: {}\n  ingress:\n  - from:\n"
                        "    - {ipBlock: {cidr: 1.2.3.0/24}, podSelector: {}}\n"),
                 "ipBlock may not be combined");
    expect_error(POLICY("a", "p",
                        "  podSelector:\n    matchExpressions:\n"
                        "    - {key: a, operator: In}\n"),
                 "In needs a non-empty values");
    expect_error(POLICY("a", "p",
                        "  podSelector:\n    matchExpressions:\n"
                        "    - {key: a, operator: Exists, values: [x]}\n"),
                 "Exists takes no values");
    expect_error(POLICY("a", "p",
                        "  podSelector:\n    matchExpressions:\n"
                        "    - {key: a, operator: Equals, values: [x]}\n"),
                 "operator must be In, NotIn, Exists or DoesNotExist, got Equals");
    expect_error(POLICY("a", "p", "  podSelector:\n    matchLabels: {a: [x]}\n"),
                 "expected a string, got a sequence");
    expect_error(POLICY("a", "p", "  podSelector: {}\n  egress:\n  - from: []\n"),
                 "t.yaml:10:5: NetworkPolicy/a/p: spec.egress[0]: unknown field 'from'");
    expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n",
                 "a NetworkPolicy needs a spec mapping");
    expect_error("apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
                 "spec: {podSelector: {}}\n",
                 "t.yaml:1:13: NetworkPolicy/default/p: apiVersion: only networking.k8s.io/v1");
}

static void hostile_inputs(void **state)
{
    (void)state;
    /* NUL bytes and deep nesting are refused by the YAML layer with a position */
    struct np_cluster *c = np_cluster_new(NULL);
    struct strata_error err = {0};
    assert_non_null(c);
    assert_true(np_cluster_add_yaml(c, "t.yaml", "a: 1\0b", 6, &err) < 0);
    assert_non_null(strstr(err.msg, "t.yaml"));
    size_t depth = 5000;
    char *deep = malloc(depth * 2 + 1);
    assert_non_null(deep);
    for (size_t i = 0; i < depth; i++)
        deep[i] = '[', deep[depth * 2 - 1 - i] = ']';
    deep[depth * 2] = '\0';
    assert_true(np_cluster_add_yaml(c, "t.yaml", deep, depth * 2, &err) < 0);
    free(deep);
    /* a huge label value is bounded */
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_adds(&sb, POLICY("a", "p", "  podSelector: {matchLabels: {a: ")), 0);
    for (int i = 0; i < 2000; i++)
        assert_int_equal(strbuf_addch(&sb, 'x'), 0);
    assert_int_equal(strbuf_adds(&sb, "}}\n"), 0);
    assert_int_equal(np_cluster_add_yaml(c, "t.yaml", sb.buf, sb.len, &err), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "longer than 1024 bytes"));
    strbuf_release(&sb);
    /* truncated document, wrong top-level types, unknown kinds: nothing read, no crash */
    assert_true(np_cluster_add_yaml(c, "t.yaml", "kind: [", 7, &err) < 0);
    assert_int_equal(np_cluster_add_yaml(c, "t.yaml", "- 1\n- 2\n", 8, &err), 0);
    assert_int_equal(
        np_cluster_add_yaml(c, "t.yaml", "apiVersion: v1\nkind: Pod\nspec: 3\n", 33, &err), 0);
    assert_int_equal(c->n_wl, 0);
    np_cluster_free(c);
}

/* Every pair through np_engine_each, and the count a matrix would show. */
static int count_pair(void *u, size_t s, size_t d, const struct np_allow *a)
{
    (void)s, (void)d, (void)a;
    (*(size_t *)u)++;
    return 0;
}

static void each_pair(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "x", "{app: x}") POD("a", "y", "{app: y}")
                 POLICY("a", "p", "  podSelector: {matchLabels: {app: y}}\n"));
    size_t k = 0;
    assert_int_equal(np_engine_each(n.e, count_pair, &k), 0);
    /* x->x, x->y(no), x->ext, y->x, y->y(no), y->ext, ext->x, ext->y(no) */
    assert_int_equal(k, 5);
    net_free(&n);
}

/* np_engine_each groups indistinguishable workloads into classes (np_each.c); on random
 * clusters full of duplicated workloads its output must be exactly np_engine_pair's for
 * every pair, in src-major order, whichever walk (class matrix, row at a time, direct) the
 * class count picks. */
struct each_rec {
    size_t s, d;
    char *txt;
};

struct each_log {
    struct each_rec *r;
    size_t n, cap;
};

static int log_pair(void *u, size_t s, size_t d, const struct np_allow *a)
{
    struct each_log *l = u;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->r = realloc(l->r, l->cap * sizeof *l->r);
        assert_non_null(l->r);
    }
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(np_allow_format(a, &sb), 0);
    l->r[l->n++] = (struct each_rec){s, d, sb.buf};
    return 0;
}

static void each_matches_pair(void **state)
{
    (void)state;
    size_t saved = np_each_max_cells;
    for (uint32_t seed = 1; seed <= 12; seed++) {
        /* few shapes (class matrix), row at a time, many shapes (direct) */
        int kinds = seed % 3 == 0 ? 60 : 5;
        np_each_max_cells = seed % 3 == 1 ? 4 : saved;
        struct strbuf y = STRBUF_INIT;
        random_cluster(&y, seed, 60, kinds);
        struct net n;
        net_load(&n, NULL, y.buf);
        for (int pass = 0; pass < 2; pass++) { /* the second walk reuses the classes */
            struct each_log l = {0};
            assert_int_equal(np_engine_each(n.e, log_pair, &l), 0);
            size_t k = 0, ents = np_engine_entities(n.e);
            for (size_t s = 0; s < ents; s++)
                for (size_t d = 0; d < ents; d++) {
                    const struct np_allow *a;
                    assert_int_equal(np_engine_pair(n.e, s, d, &a), 0);
                    if (np_allow_empty(a))
                        continue;
                    struct strbuf sb = STRBUF_INIT;
                    assert_int_equal(np_allow_format(a, &sb), 0);
                    assert_true(k < l.n);
                    if (l.r[k].s != s || l.r[k].d != d || strcmp(l.r[k].txt, sb.buf) != 0)
                        fail_msg("seed %u: pair %zu->%zu '%s', each gave %zu->%zu '%s'", seed, s, d,
                                 sb.buf, l.r[k].s, l.r[k].d, l.r[k].txt);
                    strbuf_release(&sb);
                    k++;
                }
            assert_int_equal(k, l.n);
            for (size_t i = 0; i < l.n; i++)
                free(l.r[i].txt);
            free(l.r);
        }
        net_free(&n);
        strbuf_release(&y);
    }
    np_each_max_cells = saved;
}

/* Regression: a workload whose first egress rule lists ports and a later one allows all
 * ports. np_engine_pair sees "All"; np_engine_each memoizes sides by content and once took
 * the ranges left over from the first rule for the allowance (TCP:80 instead of TCP:80,443
 * below). Twins make the walk go through classes. */
static void each_all_after_ported_rule(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "x1", "{app: x}") POD("a", "x2", "{app: x}") POD("a", "x3", "{app: x}")
                 POD("a", "y1", "{app: y}") POD("a", "y2", "{app: y}") POD("a", "y3", "{app: y}")
                     POLICY("a", "x-80",
                            "  podSelector: {matchLabels: {app: x}}\n  policyTypes: [Egress]\n"
                            "  egress:\n  - to: [{podSelector: {matchLabels: {app: y}}}]\n"
                            "    ports: [{port: 80}]\n")
                         POLICY("a", "x-all",
                                "  podSelector: {matchLabels: {app: x}}\n  policyTypes: "
                                "[Egress]\n  egress:\n  - {}\n")
                             POLICY("a", "y-in",
                                    "  podSelector: {matchLabels: {app: y}}\n  ingress:\n"
                                    "  - ports: [{port: 80}, {port: 443}]\n"));
    struct each_log l = {0};
    assert_int_equal(np_engine_each(n.e, log_pair, &l), 0);
    size_t found = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (l.r[i].s < 3 && l.r[i].d >= 3 && l.r[i].d < 6) {
            assert_string_equal(l.r[i].txt, "TCP:80,443");
            found++;
        }
        free(l.r[i].txt);
    }
    free(l.r);
    assert_int_equal(found, 9);
    conn(&n, "a/Pod/x1", "a/Pod/y2", "TCP:80,443");
    net_free(&n);
}

/* Regression: a policy with no rules still isolates what it selects; the class walk once
 * took "no rules in that direction" for "not isolated" and allowed everything. */
static void each_isolated_without_rules(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "x1", "{app: x}") POD("a", "x2", "{app: x}") POD("a", "x3", "{app: x}")
                 POD("a", "y1", "{app: y}") POD("a", "y2", "{app: y}") POD("a", "y3", "{app: y}")
                     POLICY("a", "deny-y", "  podSelector: {matchLabels: {app: y}}\n"));
    size_t k = 0;
    assert_int_equal(np_engine_each(n.e, count_pair, &k), 0);
    /* x->x 9, x->outside 3, y->x 9, y->y none, y->outside 3, outside->x 3, ->y none */
    assert_int_equal(k, 27);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_policy_allows_everything),
        cmocka_unit_test(default_deny_ingress),
        cmocka_unit_test(policy_types_inferred),
        cmocka_unit_test(peers_semantics),
        cmocka_unit_test(namespace_selector_all_and_name),
        cmocka_unit_test(match_expressions),
        cmocka_unit_test(ports_semantics),
        cmocka_unit_test(union_and_intersection),
        cmocka_unit_test(ipblocks),
        cmocka_unit_test(workloads_and_namespaces),
        cmocka_unit_test(errors_positioned),
        cmocka_unit_test(hostile_inputs),
        cmocka_unit_test(each_pair),
        cmocka_unit_test(each_matches_pair),
        cmocka_unit_test(each_all_after_ported_rule),
        cmocka_unit_test(each_isolated_without_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
