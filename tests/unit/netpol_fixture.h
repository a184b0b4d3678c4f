/* Shared by the netpol unit tests: a cluster loaded from a YAML string with its engine, and
 * manifest builders. Header-only (static inline) so each test file takes what it uses. */
#ifndef STRATA_TESTS_NETPOL_FIXTURE_H
#define STRATA_TESTS_NETPOL_FIXTURE_H

#include <string.h>

#include "core/strbuf.h"

#include "netpol/np_engine.h"
#include "netpol/np_model.h"

struct net {
    struct np_cluster *c;
    struct np_engine *e;
    struct strata_error err;
};

static inline void net_load(struct net *n, const char *default_ns, const char *yaml)
{
    memset(n, 0, sizeof *n);
    n->c = np_cluster_new(default_ns);
    assert_non_null(n->c);
    int rc = np_cluster_add_yaml(n->c, "t.yaml", yaml, strlen(yaml), &n->err);
    if (rc != 0)
        fail_msg("load: %s", n->err.msg);
    rc = np_engine_build(&n->e, n->c, &n->err);
    if (rc != 0)
        fail_msg("engine: %s", n->err.msg);
}

static inline void net_free(struct net *n)
{
    np_engine_free(n->e);
    np_cluster_free(n->c);
}

static inline size_t net_entity(struct net *n, const char *name)
{
    for (size_t i = 0; i < np_engine_entities(n->e); i++) {
        struct strbuf sb = STRBUF_INIT;
        assert_int_equal(np_entity_name(n->e, i, &sb), 0);
        int eq = sb.buf && strcmp(sb.buf, name) == 0;
        strbuf_release(&sb);
        if (eq)
            return i;
    }
    fail_msg("no entity %s", name);
    return 0;
}

#define POD(ns, name, labels)                                                                      \
    "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " name "\n  namespace: " ns                \
    "\n  labels: " labels "\nspec:\n  containers:\n  - name: c\n    image: x\n"

/* A pod with container ports, e.g. PODP("a", "db", "{app: db}", "[{containerPort: 5432}]"). */
#define PODP(ns, name, labels, ports)                                                              \
    "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " name "\n  namespace: " ns                \
    "\n  labels: " labels "\nspec:\n  containers:\n  - name: c\n    image: x\n    ports: " ports   \
    "\n"

#define NS(name, labels)                                                                           \
    "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " name "\n  labels: " labels "\n"

#define POLICY(ns, name, spec)                                                                     \
    "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " name         \
    "\n  namespace: " ns "\nspec:\n" spec

static inline uint32_t rnd_next(uint32_t *st)
{
    *st = *st * 1103515245u + 12345u;
    return (*st >> 16) & 0x7fff;
}

/* A random cluster of n_wl pods in 3 namespaces with 8 policies (peers of every kind, named
 * ports, endPort, UDP): kinds distinct label shapes, so many workloads are twins. */
static inline void random_cluster(struct strbuf *y, uint32_t seed, int n_wl, int kinds)
{
    static const char *apps[] = {"a", "b", "c", "d"}, *tiers[] = {"x", "y"};
    for (int n = 0; n < 3; n++)
        assert_int_equal(strbuf_addf(y, NS("n%d", "{team: t%d}"), n, n % 2), 0);
    for (int w = 0; w < n_wl; w++) {
        /* kinds distinct label shapes, each repeated with one of 6 named ports: workloads
         * that differ only by name or only by named ports */
        uint32_t st = seed * 7919u + (uint32_t)(w % kinds), k = rnd_next(&st);
        assert_int_equal(
            strbuf_addf(y,
                        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: w%d\n  namespace: "
                        "n%u\n  labels: {app: %s, tier: %s}\nspec:\n  containers:\n  - name: "
                        "c\n    ports:\n    - {name: %s, containerPort: %u}\n",
                        w, k % 3, apps[rnd_next(&st) % 4], tiers[rnd_next(&st) % 2],
                        (w / kinds) % 2 ? "http" : "web", 8000 + (w / kinds / 2) % 3),
            0);
    }
    uint32_t st = seed;
    for (int p = 0; p < 8; p++) {
        assert_int_equal(strbuf_addf(y,
                                     "---\napiVersion: networking.k8s.io/v1\nkind: "
                                     "NetworkPolicy\nmetadata:\n  name: p%d\n  namespace: "
                                     "n%u\nspec:\n  podSelector: {matchLabels: {app: %s}}\n",
                                     p, rnd_next(&st) % 3, apps[rnd_next(&st) % 4]),
                         0);
        const char *peer[] = {
            "    - podSelector: {matchLabels: {tier: x}}\n",
            "    - namespaceSelector: {matchLabels: {team: t1}}\n",
            "    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}\n",
            "    - namespaceSelector: {}\n      podSelector: {matchLabels: {app: b}}\n",
        };
        const char *ports[] = {
            "", "    ports:\n    - {port: http}\n",
            "    ports:\n    - {port: 8000, endPort: 8001}\n    - {protocol: UDP, port: 53}\n",
            "    ports:\n    - {port: web}\n    - {port: 8002}\n"};
        assert_int_equal(strbuf_addf(y, "  ingress:\n  - from:\n%s%s", peer[rnd_next(&st) % 4],
                                     ports[rnd_next(&st) % 4]),
                         0);
        if (rnd_next(&st) % 2)
            assert_int_equal(strbuf_addf(y, "  egress:\n  - to:\n%s%s", peer[rnd_next(&st) % 4],
                                         ports[rnd_next(&st) % 4]),
                             0);
    }
}

#endif
