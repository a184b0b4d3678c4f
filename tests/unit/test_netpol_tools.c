/* What `strata netpol` computes on top of the engine (src/netpol/): the audit findings, the
 * lateral-movement paths, the flows file, the suggested policies and their round trip, the
 * diff, the selector strings and the conn writers — each with the expected result written
 * out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "netpol/np_audit.h"
#include "netpol/np_conn.h"
#include "netpol/np_diff.h"
#include "netpol/np_flows.h"
#include "netpol/np_paths.h"
#include "netpol/np_suggest.h"
#include "netpol_fixture.h"
#include "strata/report.h"

/* 1-based line of the n-th (0-based) occurrence of needle in text. */
static int line_of(const char *text, const char *needle, int nth)
{
    const char *p = text;
    for (int i = 0; i <= nth; i++) {
        p = strstr(i ? p + 1 : p, needle);
        assert_non_null(p);
    }
    int line = 1;
    for (const char *q = text; q < p; q++)
        line += *q == '\n';
    return line;
}

/* Runs fn(e, c, out) into a memory stream and returns the text (caller frees). */
static char *capture_conn(struct net *n, enum np_format fmt, const struct np_conn_filter *f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    struct np_conn_stats st;
    assert_int_equal(np_conn_write(n->e, fmt, f, out, &st, &n->err), 0);
    fclose(out);
    return buf;
}

/* ---- audit ---- */

struct want {
    const char *id, *resource;
    int line;
};

static void expect_findings(const char *yaml, const struct want *w, size_t n_w)
{
    struct net n;
    net_load(&n, NULL, yaml);
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    assert_int_equal(np_audit(n.e, n.c, r, &n.err), 0);
    int *used = calloc(r->n_misconfigurations + 1, sizeof *used);
    for (size_t i = 0; i < n_w; i++) {
        size_t k = 0;
        for (; k < r->n_misconfigurations; k++) {
            const struct strata_misconfiguration *m = &r->misconfigurations[k];
            if (!used[k] && strcmp(m->id, w[i].id) == 0 &&
                strcmp(m->resource, w[i].resource) == 0 && m->line == w[i].line)
                break;
        }
        if (k == r->n_misconfigurations) {
            for (size_t j = 0; j < r->n_misconfigurations; j++)
                print_message("  got %s %s line %d: %s\n", r->misconfigurations[j].id,
                              r->misconfigurations[j].resource, r->misconfigurations[j].line,
                              r->misconfigurations[j].message);
            fail_msg("missing %s %s line %d", w[i].id, w[i].resource, w[i].line);
        }
        used[k] = 1;
        assert_string_equal(r->misconfigurations[k].path, "t.yaml");
        assert_true(r->misconfigurations[k].column >= 1);
    }
    for (size_t k = 0; k < r->n_misconfigurations; k++)
        if (!used[k])
            fail_msg("unexpected %s %s line %d: %s", r->misconfigurations[k].id,
                     r->misconfigurations[k].resource, r->misconfigurations[k].line,
                     r->misconfigurations[k].message);
    free(used);
    strata_report_free(r);
    net_free(&n);
}

#define DENY_ALL "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"

static const char clean_cluster[] = NS("a", "{}") NS("kube-system", "{}")
    PODP("a", "web", "{app: web}", "[{containerPort: 80, name: http}]")
        PODP("kube-system", "dns", "{k8s-app: kube-dns}", "[{containerPort: 53, protocol: UDP}]")
            POLICY("a", "deny", DENY_ALL) POLICY("kube-system", "deny", DENY_ALL)
                POLICY("a", "web-in",
                       "  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from:\n    - "
                       "ipBlock: {cidr: 192.168.0.0/16}\n    ports: [{port: http}]\n")
                    POLICY("a", "web-dns",
                           "  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n"
                           "  egress:\n  - to:\n    - namespaceSelector: {matchLabels: "
                           "{kubernetes.io/metadata.name: kube-system}}\n      podSelector: "
                           "{matchLabels: {k8s-app: kube-dns}}\n    ports: [{port: 53, protocol: "
                           "UDP}]\n")
                        POLICY("kube-system", "dns-in",
                               "  podSelector: {matchLabels: {k8s-app: kube-dns}}\n  ingress:\n"
                               "  - from:\n    - namespaceSelector: {matchLabels: "
                               "{kubernetes.io/metadata.name: a}}\n    ports: [{port: 53, "
                               "protocol: UDP}]\n");

static void audit_clean_cluster(void **state)
{
    (void)state;
    expect_findings(clean_cluster, NULL, 0);
}

static const char dirty_cluster[] = NS("b", "{}") POD("b", "open", "{app: open}")
    NS("c", "{team: c}") PODP("c", "svc", "{app: svc}", "[{containerPort: 8080, name: http}]")
        POD("c", "locked", "{app: locked}") POLICY("c", "deny-in", "  podSelector: {}\n")
            POLICY("c", "wide", "  podSelector: {matchLabels: {app: svc}}\n  ingress:\n  - {}\n")
                POLICY("c", "ghost", "  podSelector: {matchLabels: {app: nothing}}\n")
                    POLICY("c", "typo",
                           "  podSelector: {matchLabels: {app: svc}}\n  ingress:\n"
                           "  - from:\n    - namespaceSelector: {matchLabels: {team: nobody}}\n"
                           "    - podSelector: {matchLabels: {app: nobody}}\n"
                           "    ports:\n    - port: metrics\n")
                        POLICY("c", "broad",
                               "  podSelector: {matchLabels: {app: svc}}\n  ingress:\n"
                               "  - from:\n    - namespaceSelector: {}\n  egress:\n"
                               "  - to:\n    - ipBlock: {cidr: 0.0.0.0/0}\n")
                            POLICY("c", "lock",
                                   "  podSelector: {matchLabels: {app: locked}}\n"
                                   "  policyTypes: [Egress]\n  egress:\n  - to:\n    - "
                                   "podSelector: {matchLabels: {app: svc}}\n    ports: "
                                   "[{port: 443}]\n");

static void audit_every_rule(void **state)
{
    (void)state;
    const char *y = dirty_cluster;
    int ns_b = line_of(y, "kind: Namespace", 0), ns_c = line_of(y, "kind: Namespace", 1);
    int open = line_of(y, "kind: Pod", 0), svc = line_of(y, "kind: Pod", 1),
        locked = line_of(y, "kind: Pod", 2);
    int wide_rule = line_of(y, "  - {}", 0), ghost = line_of(y, "kind: NetworkPolicy", 2);
    int typo_ns = line_of(y, "team: nobody", 0), typo_pod = line_of(y, "app: nobody", 0),
        typo_port = line_of(y, "port: metrics", 0);
    int broad_ns = line_of(y, "namespaceSelector: {}", 0),
        broad_ip = line_of(y, "cidr: 0.0.0.0/0", 0);
    const struct want w[] = {
        {"NP-001", "Namespace/b", ns_b},
        {"NP-002", "Namespace/b", ns_b},
        {"NP-002", "Namespace/c", ns_c},
        {"NP-003", "b/Pod/open", open},
        {"NP-004", "b/Pod/open", open},
        /* svc: egress isolated by "broad" (all ports to 0.0.0.0/0: DNS fine); open to outside
         * on all ports through "wide"'s empty rule */
        {"NP-005", "c/Pod/svc", svc},
        {"NP-009", "c/Pod/locked", locked},
        {"NP-006", "c/NetworkPolicy/ghost", ghost},
        {"NP-008", "c/NetworkPolicy/wide", wide_rule},
        {"NP-007", "c/NetworkPolicy/typo", typo_ns - 0},
        {"NP-007", "c/NetworkPolicy/typo", typo_pod},
        {"NP-007", "c/NetworkPolicy/typo", typo_port},
        {"NP-008", "c/NetworkPolicy/broad", broad_ns},
        {"NP-008", "c/NetworkPolicy/broad", broad_ip},
    };
    expect_findings(y, w, sizeof w / sizeof *w);
}

/* NP-009 with DNS pods in the manifests: the egress side must reach them on UDP 53. */
static void audit_dns_with_dns_pods(void **state)
{
    (void)state;
    const char *y = NS("kube-system", "{}") PODP("kube-system", "coredns", "{k8s-app: kube-dns}",
                                                 "[{containerPort: 53, protocol: UDP}]")
        POD("a", "ok", "{app: ok}") POD("a", "tcp-only", "{app: tcp}")
            POLICY("kube-system", "d", DENY_ALL) POLICY("a", "d", DENY_ALL)
                POLICY("a", "ok-dns",
                       "  podSelector: {matchLabels: {app: ok}}\n  policyTypes: [Egress]\n"
                       "  egress:\n  - to:\n    - namespaceSelector: {}\n      podSelector: "
                       "{matchLabels: {k8s-app: kube-dns}}\n    ports: [{port: 53, protocol: "
                       "UDP}]\n")
                    POLICY("a", "tcp-dns",
                           "  podSelector: {matchLabels: {app: tcp}}\n  policyTypes: "
                           "[Egress]\n  egress:\n  - to:\n    - namespaceSelector: {}\n    "
                           "ports: [{port: 53, protocol: TCP}]\n");
    const struct want w[] = {
        {"NP-009", "a/Pod/tcp-only", line_of(y, "kind: Pod", 2)},
        {"NP-008", "a/NetworkPolicy/ok-dns", line_of(y, "namespaceSelector: {}", 0)},
        {"NP-008", "a/NetworkPolicy/tcp-dns", line_of(y, "namespaceSelector: {}", 1)},
    };
    expect_findings(y, w, sizeof w / sizeof *w);
}

/* NP-010: a hostNetwork pod is reported whatever its policies say. */
static void audit_host_network(void **state)
{
    (void)state;
    const char *y = NS("n", "{}")
        POLICY("n", "deny",
               DENY_ALL) "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, "
                         "namespace: n}\n"
                         "spec:\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n"
                         "      hostNetwork: true\n      containers: [{name: a, image: x}]\n";
    int ds = line_of(y, "kind: DaemonSet", 0);
    const struct want w[] = {{"NP-010", "n/DaemonSet/agent", ds},
                             {"NP-009", "n/DaemonSet/agent", ds}};
    expect_findings(y, w, 2);
}

/* ---- paths ---- */

static const char chain_cluster[] =
    POD("p", "web", "{app: web, tier: front}") POD("p", "api", "{app: api}")
        POD("p", "db", "{app: db, data: pii}") POD("q", "batch", "{app: batch}") POLICY(
            "p", "api-in",
            "  podSelector: {matchLabels: {app: api}}\n  ingress:\n  - from:\n    - podSelector: "
            "{matchLabels: {app: web}}\n    ports: [{port: 8080}]\n")
            POLICY("p", "db-in",
                   "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - "
                   "podSelector: {matchLabels: {app: api}}\n    ports: [{port: 5432}]\n")
                POLICY("q", "batch-in", "  podSelector: {}\n");

static json_t *paths_json(struct net *n, const struct np_paths_opts *o, struct np_paths_stats *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(np_paths_write(n->e, n->c, o, NP_FMT_JSON, out, st, &n->err), 0);
    fclose(out);
    json_error_t je;
    json_t *j = json_loads(buf, 0, &je);
    if (j == NULL)
        fail_msg("json: %s in %s", je.text, buf);
    free(buf);
    return j;
}

static const char *hop(json_t *paths, size_t i, size_t h, const char *key)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(json_array_get(paths, i), "path"), h), key));
}

static void paths_shortest_chains(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL, chain_cluster);
    struct np_paths_stats st;
    /* from outside: web is open (1 hop), db needs web -> api -> db (3 hops) */
    struct np_paths_opts o = {.to_glob = "p/Pod/db"};
    json_t *j = paths_json(&n, &o, &st), *p = json_object_get(j, "paths");
    assert_int_equal(json_array_size(p), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(p, 0), "hops")), 3);
    assert_string_equal(hop(p, 0, 0, "src"), "0.0.0.0/0");
    assert_string_equal(hop(p, 0, 0, "dst"), "p/Pod/web");
    assert_string_equal(hop(p, 0, 1, "dst"), "p/Pod/api");
    assert_string_equal(hop(p, 0, 2, "dst"), "p/Pod/db");
    json_t *ports =
        json_object_get(json_array_get(json_object_get(json_array_get(p, 0), "path"), 2), "ports");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(ports, 0), "port")), 5432);
    json_decref(j);
    /* a bound on hops leaves it unreachable */
    o.max_hops = 2;
    j = paths_json(&n, &o, &st);
    assert_int_equal(json_array_size(json_object_get(j, "paths")), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "unreachable"), 0)),
                        "p/Pod/db");
    json_decref(j);
    /* from a compromised workload, by label selector; q/batch is isolated: unreachable */
    struct np_selector sel;
    assert_int_equal(np_selector_parse(n.c, "data in (pii,pci)", &sel, &n.err), 0);
    struct np_paths_opts o2 = {.from_glob = "p/Pod/api", .sensitive = &sel};
    j = paths_json(&n, &o2, &st);
    p = json_object_get(j, "paths");
    assert_int_equal(json_array_size(p), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(p, 0), "hops")), 1);
    assert_int_equal(st.sources, 1);
    json_decref(j);
    /* exposed: what outside reaches in one hop: web and db? no: only web; batch is isolated */
    struct np_paths_opts o3 = {.exposed = 1};
    j = paths_json(&n, &o3, &st);
    p = json_object_get(j, "paths");
    assert_int_equal(json_array_size(p), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(p, 0), "target")),
                        "p/Pod/web");
    assert_int_equal(json_array_size(json_object_get(j, "unreachable")), 3);
    json_decref(j);
    net_free(&n);
}

/* ---- selector strings ---- */

static void selector_strings(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "x", "{app: web, tier: front}") POD("a", "y", "{app: db}")
                 POD("a", "z", "{app: web, canary: 'true'}"));
    static const struct {
        const char *sel, *match; /* which of x, y, z match */
    } cases[] = {
        {"app=web", "xz"},        {"app==web,tier=front", "x"},
        {"app!=web", "y"},        {"canary", "z"},
        {"!canary", "xy"},        {"app in (db, web)", "xyz"},
        {"app notin (web)", "y"}, {"", "xyz"},
        {"app=web,!tier", "z"},   {" tier = front ", "x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct np_selector s;
        if (np_selector_parse(n.c, cases[i].sel, &s, &n.err) != 0)
            fail_msg("'%s': %s", cases[i].sel, n.err.msg);
        char got[4] = {0};
        size_t k = 0;
        for (size_t w = 0; w < n.c->n_wl; w++)
            if (np_selector_matches(&s, &n.c->wl[w].labels))
                got[k++] = n.c->wl[w].name[0];
        if (strcmp(got, cases[i].match) != 0)
            fail_msg("'%s': matched '%s', want '%s'", cases[i].sel, got, cases[i].match);
    }
    static const char *bad[] = {"=x",   "app in web",     "app in (web", "app in ()",
                                "a,,b", "app=web tier=x", "a b"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct np_selector s;
        struct strata_error err = {0};
        if (np_selector_parse(n.c, bad[i], &s, &err) != STRATA_EUSAGE || !strstr(err.msg, "column"))
            fail_msg("'%s' accepted or unpositioned: %s", bad[i], err.msg);
    }
    net_free(&n);
}

/* ---- flows file ---- */

static void flows_parse_and_errors(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL, POD("a", "x", "{app: x}") POD("b", "y", "{app: y}"));
    const char *good = "# required\n"
                       "a/Pod/x b/Pod/y 80,443/TCP,53/UDP\n"
                       "\n"
                       "10.0.0.0/8 a/Pod/x 8000-8080/TCP   # a range\n"
                       "a/Pod/x 0.0.0.0/0 all\n"
                       "b/Pod/y a/Pod/x SCTP\n"
                       "192.168.0.0/24,10.0.0.0/8,192.168.1.0/24 b/Pod/y 22\n"
                       "a/Pod/x b/Pod/y 80/TCP\n"; /* a duplicate, merged */
    struct np_flows fl;
    np_flows_init(&fl, n.c->n_wl);
    assert_int_equal(np_flows_parse(&fl, n.e, "f.txt", good, strlen(good), &n.err), 0);
    assert_int_equal(fl.n, 7);
    assert_int_equal(fl.n_ep, 3);
    /* a CIDR list is one end: its ranges sorted and merged */
    assert_int_equal(fl.ep[2].n_ranges, 2);
    assert_int_equal(fl.ep[2].ranges[1].lo, 0xc0a80000u);
    assert_int_equal(fl.ep[2].ranges[1].hi, 0xc0a801ffu);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(np_flows_write(&fl, n.e, out), 0);
    fclose(out);
    assert_string_equal(buf, "# SRC DST PORTS (strata netpol suggest --flows)\n"
                             "a/Pod/x b/Pod/y 80/TCP\n"
                             "a/Pod/x b/Pod/y 443/TCP\n"
                             "a/Pod/x b/Pod/y 53/UDP\n"
                             "a/Pod/x 0.0.0.0/0 all\n"
                             "b/Pod/y a/Pod/x SCTP\n"

                             "10.0.0.0/8 a/Pod/x 8000-8080/TCP\n"
                             "192.168.0.0/24,10.0.0.0/8,192.168.1.0/24 b/Pod/y 22/TCP\n");
    free(buf);
    np_flows_release(&fl);
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"a/Pod/x b/Pod/zz 80\n",
         "f.txt:1:9: no workload (namespace/Kind/name) or CIDR 'b/Pod/zz'"},
        {"\na/Pod/x 10.0.0.1/8 80\n", "f.txt:2:9: not an IPv4 CIDR"},
        {"a/Pod/x b/Pod/y 0\n", "f.txt:1:17: expected a port 1-65535"},
        {"a/Pod/x b/Pod/y 80/ICMP\n", "f.txt:1:20: protocol must be TCP, UDP or SCTP"},
        {"a/Pod/x b/Pod/y 90-80\n", "f.txt:1:17: expected a port"},
        {"a/Pod/x b/Pod/y\n", "f.txt:1:1: expected three fields"},
        {"a/Pod/x b/Pod/y 80 extra\n", "f.txt:1:20: expected three fields"},
        {"10.0.0.0/8 0.0.0.0/0 80\n", "f.txt:1:1: one end of a flow must be a workload"},
        {"a/Pod/x b/Pod/y 80\0\n", "f.txt:1: NUL byte"},
        {"10.0.0.0/8,1.2.3.4/33 a/Pod/x 80\n",
         "f.txt:1:12: not an IPv4 CIDR (a.b.c.d/n, no host bits) '1.2.3.4/33'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct strata_error err = {0};
        np_flows_init(&fl, n.c->n_wl);
        size_t blen = strlen(bad[i].text) + (strstr(bad[i].want, "NUL") ? 2 : 0);
        int rc = np_flows_parse(&fl, n.e, "f.txt", bad[i].text, blen, &err);
        if (rc == 0 || strstr(err.msg, bad[i].want) == NULL)
            fail_msg("case %zu: rc %d '%s', want '%s'", i, rc, err.msg, bad[i].want);
        np_flows_release(&fl);
    }
    net_free(&n);
}

/* ---- suggest: synthesis and round trip ---- */

/* Suggests policies for fl, loads them in place of c's policies and checks they give
 * exactly fl. Returns the YAML (caller frees). */
static char *round_trip(struct net *n, struct np_flows *fl, int dns_rule)
{
    struct strbuf y = STRBUF_INIT;
    struct np_suggest_stats st;
    assert_int_equal(np_suggest_yaml(fl, n->e, n->c, dns_rule, &y, &st, &n->err), 0);
    np_engine_free(n->e);
    n->e = NULL;
    np_cluster_drop_policies(n->c);
    if (np_cluster_add_yaml(n->c, "s.yaml", y.buf, y.len, &n->err) != 0)
        fail_msg("suggested YAML does not load: %s\n%s", n->err.msg, y.buf);
    assert_int_equal(np_engine_build(&n->e, n->c, &n->err), 0);
    struct strbuf diff = STRBUF_INIT;
    size_t bad = 0;
    assert_int_equal(np_flows_check(fl, n->e, n->c, &diff, &bad), 0);
    if (bad != 0)
        fail_msg("%zu differences:\n%s\n%s", bad, diff.buf, y.buf);
    strbuf_release(&diff);
    return strbuf_detach(&y);
}

static void conn_is(struct net *n, const char *src, const char *dst, const char *want)
{
    const struct np_allow *a;
    assert_int_equal(np_engine_pair(n->e, net_entity(n, src), net_entity(n, dst), &a), 0);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(np_allow_format(a, &sb), 0);
    if (strcmp(sb.buf, want) != 0)
        fail_msg("%s -> %s: got '%s', want '%s'", src, dst, sb.buf, want);
    strbuf_release(&sb);
}

static void suggest_from_flows_file(void **state)
{
    (void)state;
    struct net n;
    /* web-canary has web's labels and one more; the two batch pods are twins; the old policy
     * allowing everything into db must be gone after the round trip */
    net_load(&n, NULL,
             NS("shop", "{}") POD("shop", "web", "{app: web}")
                 POD("shop", "web-canary", "{app: web, track: canary}")
                     POD("shop", "db", "{app: db}") POD("ops", "batch-1", "{app: batch}")
                         POD("ops", "batch-2", "{app: batch}") POD("ops", "bare", "{}")
                             POLICY("shop", "old", "  podSelector: {}\n  ingress:\n  - {}\n"));
    const char *flows = "0.0.0.0/0 shop/Pod/web 443/TCP\n"
                        "10.0.0.0/8 shop/Pod/web-canary 443/TCP\n"
                        "shop/Pod/web shop/Pod/db 5432/TCP\n"
                        "ops/Pod/batch-1 shop/Pod/db 5432/TCP,9000-9100/TCP\n"
                        "ops/Pod/bare shop/Pod/db all\n"
                        "shop/Pod/db 192.168.1.0/24 UDP\n";
    struct np_flows fl;
    np_flows_init(&fl, n.c->n_wl);
    assert_int_equal(np_flows_parse(&fl, n.e, "f", flows, strlen(flows), &n.err), 0);
    char *yaml = round_trip(&n, &fl, 0);
    /* and by hand: */
    conn_is(&n, "shop/Pod/web", "shop/Pod/db", "TCP:5432");
    conn_is(&n, "shop/Pod/web-canary", "shop/Pod/db", "none");
    conn_is(&n, "ops/Pod/batch-2", "shop/Pod/db", "TCP:5432,9000-9100"); /* batch-1's twin */
    conn_is(&n, "ops/Pod/bare", "shop/Pod/db", "All");
    conn_is(&n, "shop/Pod/db", "ops/Pod/bare", "none");
    conn_is(&n, "shop/Pod/db", "192.168.1.0/24", "UDP:all");
    conn_is(&n, "10.0.0.0/8", "shop/Pod/web-canary", "TCP:443");
    conn_is(&n, "10.0.0.0/8", "shop/Pod/web", "TCP:443");
    conn_is(&n, "shop/Pod/web", "shop/Pod/web", "none");
    /* the exclusion that keeps web's selector off web-canary, and the twins' shared policy */
    assert_non_null(strstr(yaml, "  podSelector:\n    matchLabels:\n      \"app\": \"web\"\n"
                                 "    matchExpressions:\n      - key: \"track\"\n"
                                 "        operator: DoesNotExist\n"));
    assert_null(strstr(yaml, "allow-egress-pod-batch-2"));
    assert_non_null(strstr(yaml, "allow-egress-pod-batch-1"));
    assert_non_null(strstr(yaml, "name: \"default-deny\"\n  namespace: \"ops\""));
    free(yaml);
    np_flows_release(&fl);
    net_free(&n);
}

static void suggest_from_current_connectivity(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             NS("kube-system", "{}") PODP("kube-system", "coredns", "{k8s-app: kube-dns}",
                                          "[{containerPort: 53, protocol: UDP}, {containerPort: "
                                          "53, protocol: TCP}]")
                 PODP("a", "web", "{app: web}", "[{containerPort: 8080}]")
                     PODP("a", "db", "{app: db}", "[{containerPort: 5432}]")
                         POLICY("a", "db-in",
                                "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"
                                "    - podSelector: {matchLabels: {app: web}}\n"));
    struct np_flows fl;
    np_flows_init(&fl, n.c->n_wl);
    assert_int_equal(np_flows_derive(&fl, n.e, n.c, &n.err), 0);
    assert_int_equal(fl.dns_pods, 1);
    /* web -> db only on the declared 5432 although the policy allows every port; everyone
     * -> web 8080 (web is open, from outside too); everyone -> coredns 53 UDP+TCP; db ->
     * web is allowed today (db egress open, web ingress open) and stays */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(np_flows_write(&fl, n.e, out), 0);
    fclose(out);
    assert_string_equal(buf, "# SRC DST PORTS (strata netpol suggest --flows)\n"
                             "kube-system/Pod/coredns kube-system/Pod/coredns 53/TCP\n"
                             "kube-system/Pod/coredns kube-system/Pod/coredns 53/UDP\n"
                             "kube-system/Pod/coredns a/Pod/web 8080/TCP\n"
                             "a/Pod/web kube-system/Pod/coredns 53/TCP\n"
                             "a/Pod/web kube-system/Pod/coredns 53/UDP\n"
                             "a/Pod/web a/Pod/web 8080/TCP\n"
                             "a/Pod/web a/Pod/db 5432/TCP\n"
                             "a/Pod/db kube-system/Pod/coredns 53/TCP\n"
                             "a/Pod/db kube-system/Pod/coredns 53/UDP\n"
                             "a/Pod/db a/Pod/web 8080/TCP\n"
                             "0.0.0.0/0 kube-system/Pod/coredns 53/TCP\n"
                             "0.0.0.0/0 kube-system/Pod/coredns 53/UDP\n"
                             "0.0.0.0/0 a/Pod/web 8080/TCP\n");
    free(buf);
    assert_int_equal(fl.dropped_outside, 3);
    free(round_trip(&n, &fl, 0));
    conn_is(&n, "a/Pod/web", "a/Pod/db", "TCP:5432");
    conn_is(&n, "a/Pod/web", "0.0.0.0/0", "none");
    np_flows_release(&fl);
    net_free(&n);
}

/* Round trip on random clusters (twins, named ports, ipBlocks with except, cross-namespace
 * peers), from the current connectivity. */
static void suggest_round_trip_random(void **state)
{
    (void)state;
    for (uint32_t seed = 1; seed <= 10; seed++) {
        struct strbuf y = STRBUF_INIT;
        random_cluster(&y, seed, 40, seed % 2 ? 5 : 40);
        struct net n;
        net_load(&n, NULL, y.buf);
        struct np_flows fl;
        np_flows_init(&fl, n.c->n_wl);
        assert_int_equal(np_flows_derive(&fl, n.e, n.c, &n.err), 0);
        free(round_trip(&n, &fl, 1));
        np_flows_release(&fl);
        net_free(&n);
        strbuf_release(&y);
    }
}

/* ---- diff ---- */

static void diff_changes(void **state)
{
    (void)state;
    struct net a, b;
    net_load(&a, NULL,
             POD("p", "web", "{app: web}") POD("p", "db", "{app: db}") POD("p", "old", "{app: old}")
                 POLICY("p", "db",
                        "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
                        "  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
                        "    ports: [{port: 5432}]\n")
                     POLICY("p", "old",
                            "  podSelector: {matchLabels: {app: old}}\n  ingress: []\n"
                            "  egress: []\n"));
    net_load(&b, NULL,
             POD("p", "web", "{app: web}") POD("p", "db", "{app: db}") POD("p", "new", "{app: new}")
                 POLICY("p", "db",
                        "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
                        "  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
                        "    ports: [{port: 5432}, {port: 5433}]\n"
                        "  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]\n    ports: [{port: 22}]\n")
                     POLICY("p", "new",
                            "  podSelector: {matchLabels: {app: new}}\n  ingress: []\n"
                            "  egress: []\n")
                         POLICY("p", "web",
                                "  podSelector: {matchLabels: {app: web}}\n  ingress:\n"
                                "  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]\n"));
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct np_diff_stats st;
    assert_int_equal(np_diff_write(a.e, b.e, NP_FMT_TABLE, out, &st, &a.err), 0);
    fclose(out);
    assert_string_equal(buf, "- p/Pod/web -> p/Pod/web  All\n"
                             "- p/Pod/db -> p/Pod/web  All\n"
                             "- 0.0.0.0/0 except 10.0.0.0/8 -> p/Pod/web  All\n"
                             "+ 10.0.0.0/8 -> p/Pod/db  TCP:22\n"
                             "~ p/Pod/web -> p/Pod/db  TCP:5432 => TCP:5432-5433\n");
    assert_int_equal(st.removed, 3);
    assert_int_equal(st.added, 1);
    assert_int_equal(st.changed, 1);
    free(buf);
    /* no change against itself */
    buf = NULL;
    out = open_memstream(&buf, &len);
    assert_int_equal(np_diff_write(b.e, b.e, NP_FMT_JSON, out, &st, &a.err), 0);
    fclose(out);
    assert_int_equal(st.removed + st.added + st.changed, 0);
    assert_non_null(strstr(buf, "\"removed\": []"));
    free(buf);
    net_free(&a);
    net_free(&b);
}

/* ---- conn writers ---- */

static void conn_formats(void **state)
{
    (void)state;
    struct net n;
    net_load(&n, NULL,
             POD("a", "x", "{app: x}") POD("a", "y", "{app: y}")
                 POLICY("a", "y",
                        "  podSelector: {matchLabels: {app: y}}\n  ingress:\n  - from:\n"
                        "    - podSelector: {matchLabels: {app: x}}\n    ports:\n"
                        "    - {port: 80}\n    - {port: 8000, endPort: 8080}\n"
                        "    - {protocol: UDP}\n"));
    struct np_conn_filter f = {.src_glob = "a/*", .dst_glob = "a/Pod/y"};
    char *csv = capture_conn(&n, NP_FMT_CSV, &f);
    assert_string_equal(csv, "src,dst,ports\na/Pod/x,a/Pod/y,\"TCP:80,8000-8080 UDP:all\"\n");
    free(csv);
    char *js = capture_conn(&n, NP_FMT_JSON, &f);
    json_error_t je;
    json_t *j = json_loads(js, 0, &je);
    assert_non_null(j);
    json_t *c0 = json_array_get(json_object_get(j, "connections"), 0);
    json_t *p = json_object_get(c0, "ports");
    assert_int_equal(json_array_size(p), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(p, 1), "endPort")), 8080);
    assert_string_equal(json_string_value(json_object_get(json_array_get(p, 2), "protocol")),
                        "UDP");
    assert_null(json_object_get(json_array_get(p, 2), "port"));
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(j, "summary"), "isolated_ingress")), 1);
    json_decref(j);
    free(js);
    f.no_self = 1;
    f.dst_glob = NULL;
    char *dot = capture_conn(&n, NP_FMT_DOT, &f);
    assert_non_null(strstr(dot, "subgraph \"cluster_a\""));
    assert_non_null(
        strstr(dot, "\"a/Pod/x\" -> \"a/Pod/y\" [label=\"TCP:80,8000-8080 UDP:all\"];"));
    assert_null(strstr(dot, "\"a/Pod/x\" -> \"a/Pod/x\""));
    free(dot);
    char *html = capture_conn(&n, NP_FMT_HTML, NULL);
    assert_non_null(strstr(html, "<svg"));
    assert_non_null(
        strstr(html, "<td>a/Pod/x</td><td>a/Pod/y</td><td>TCP:80,8000-8080 UDP:all</td>"));
    assert_null(strstr(html, "http://") == NULL ? NULL : strstr(html, "src=\"http"));
    free(html);
    char *table = capture_conn(&n, NP_FMT_TABLE, &(struct np_conn_filter){.dst_glob = "a/Pod/y"});
    /* column widths come from every name the filter lets through (here 0.0.0.0/0 too) */
    assert_string_equal(table, "SRC        DST      PORTS\n"
                               "a/Pod/x    a/Pod/y  TCP:80,8000-8080 UDP:all\n");
    free(table);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(audit_clean_cluster),
        cmocka_unit_test(audit_every_rule),
        cmocka_unit_test(audit_dns_with_dns_pods),
        cmocka_unit_test(audit_host_network),
        cmocka_unit_test(paths_shortest_chains),
        cmocka_unit_test(selector_strings),
        cmocka_unit_test(flows_parse_and_errors),
        cmocka_unit_test(suggest_from_flows_file),
        cmocka_unit_test(suggest_from_current_connectivity),
        cmocka_unit_test(suggest_round_trip_random),
        cmocka_unit_test(diff_changes),
        cmocka_unit_test(conn_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
