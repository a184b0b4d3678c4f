/* The segmentation audit (np_audit.h). Rules, each with a test in tests/unit/test_netpol_audit.c:
 *   NP-001 namespace without a default-deny ingress policy        MEDIUM
 *   NP-002 namespace without a default-deny egress policy         LOW
 *   NP-003 workload not isolated for ingress                      HIGH
 *   NP-004 workload not isolated for egress                       LOW
 *   NP-005 isolated workload still open to outside on all ports   HIGH
 *   NP-006 policy selects no workload                             LOW
 *   NP-007 rule part that can never match                         MEDIUM
 *   NP-008 over-broad rule                                        MEDIUM
 *   NP-009 egress isolation that blocks DNS                       MEDIUM
 *   NP-010 hostNetwork workload: NetworkPolicies may not apply      MEDIUM
 * "Default deny" is a policy with an empty podSelector of that type: it isolates every pod of
 * the namespace, present and future, whatever its rules then allow. */
#include "netpol/np_audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

enum rule_id { NP_001, NP_002, NP_003, NP_004, NP_005, NP_006, NP_007, NP_008, NP_009, NP_010 };

static const struct {
    const char *id, *severity, *title, *remediation;
} rules[] = {
    {"NP-001", "MEDIUM", "Namespace without a default-deny ingress NetworkPolicy",
     "add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] (no rules), then "
     "allow what must reach each workload ('strata netpol suggest' writes them)"},
    {"NP-002", "LOW", "Namespace without a default-deny egress NetworkPolicy",
     "add a NetworkPolicy with podSelector: {} and policyTypes: [Egress] (no rules), then "
     "allow DNS and what each workload must reach"},
    {"NP-003", "HIGH", "Workload not isolated for ingress",
     "select the workload with a NetworkPolicy of type Ingress (a namespace default-deny does "
     "it) and allow only the sources it needs"},
    {"NP-004", "LOW", "Workload not isolated for egress",
     "select the workload with a NetworkPolicy of type Egress and allow only DNS and the "
     "destinations it needs"},
    {"NP-005", "HIGH", "Workload reachable from outside the cluster on all ports",
     "give the rule that admits outside addresses a ports list, and narrow its ipBlock"},
    {"NP-006", "LOW", "NetworkPolicy selects no workload",
     "fix the podSelector (a label typo?) or delete the policy"},
    {"NP-007", "MEDIUM", "NetworkPolicy rule that can never match",
     "fix the selector or port name: as written, the traffic it was meant to allow is "
     "blocked"},
    {"NP-008", "MEDIUM", "Over-broad NetworkPolicy rule",
     "name the namespaces (kubernetes.io/metadata.name), pods and CIDRs the traffic really "
     "comes from or goes to, and list ports"},
    {"NP-009", "MEDIUM", "Egress isolation blocks DNS",
     "allow egress to the cluster DNS (kube-dns, k8s-app=kube-dns in kube-system) on UDP and "
     "TCP port 53"},
    {"NP-010", "MEDIUM", "hostNetwork workload outside NetworkPolicy control",
     "run it without hostNetwork, or restrict the node's traffic with host firewall rules "
     "(e.g. Calico host endpoints): pod policies do not reliably apply to it"},
};

struct audit {
    struct np_engine *e;
    const struct np_cluster *c;
    struct strata_report *r;
    struct strbuf res;
    size_t *ns_off, *ns_wl; /* workloads by namespace: ns_wl[ns_off[ns] .. ns_off[ns + 1]) */
};

static int report(struct audit *a, enum rule_id id, const char *file, uint32_t line, uint32_t col,
                  const char *resource, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static int report(struct audit *a, enum rule_id id, const char *file, uint32_t line, uint32_t col,
                  const char *resource, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return strata_report_add_misconf_at(a->r, rules[id].id, NULL, rules[id].title,
                                        rules[id].severity, file, (int)line, (int)col, resource,
                                        msg, rules[id].remediation);
}

static const char *wl_name(struct audit *a, size_t w)
{
    const struct np_workload *wl = &a->c->wl[w];
    strbuf_reset(&a->res);
    return strbuf_addf(&a->res, "%s/%s/%s", a->c->ns[wl->ns].name, wl->kind, wl->name) == 0
               ? a->res.buf
               : NULL;
}

static const char *pol_name(struct audit *a, size_t p)
{
    const struct np_policy *pol = &a->c->pol[p];
    strbuf_reset(&a->res);
    return strbuf_addf(&a->res, "%s/NetworkPolicy/%s", a->c->ns[pol->ns].name, pol->name) == 0
               ? a->res.buf
               : NULL;
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        int rc_ = (x);                                                                             \
        if (rc_ != 0)                                                                              \
            return rc_;                                                                            \
    } while (0)
static int audit_namespaces(struct audit *a)
{
    const struct np_cluster *c = a->c;
    for (size_t ns = 0; ns < c->n_ns; ns++) {
        size_t first = a->ns_off[ns] < a->ns_off[ns + 1] ? a->ns_wl[a->ns_off[ns]] : c->n_wl;
        if (first == c->n_wl && !c->ns[ns].declared)
            continue; /* only named by a reference: nothing runs there that we know of */
        int deny[2] = {0, 0};
        for (size_t p = 0; p < c->n_pol; p++)
            if (c->pol[p].ns == ns && c->pol[p].pod.n == 0) {
                deny[0] |= c->pol[p].ingress;
                deny[1] |= c->pol[p].egress;
            }
        const char *file = c->ns[ns].declared ? c->ns[ns].file : c->wl[first].file;
        uint32_t line = c->ns[ns].declared ? c->ns[ns].line : c->wl[first].line;
        uint32_t col = c->ns[ns].declared ? c->ns[ns].col : c->wl[first].col;
        strbuf_reset(&a->res);
        TRY(strbuf_addf(&a->res, "Namespace/%s", c->ns[ns].name));
        for (int d = 0; d < 2; d++)
            if (!deny[d])
                TRY(report(a, d ? NP_002 : NP_001, file, line, col, a->res.buf,
                           "no NetworkPolicy with an empty podSelector and type %s: its pods are "
                           "open for %s unless some policy happens to select them",
                           d ? "Egress" : "Ingress", d ? "egress" : "ingress"));
    }
    return 0;
}

/* Whether w's ingress rules admit outside address entity x on every port, and which policy.
 * *any_rule is cleared when w has no ingress rule without ports at all (then no x is). */
static int open_from_outside(struct audit *a, size_t w, size_t x, size_t *policy, int *any_rule)
{
    const uint32_t *idx;
    size_t n = np_engine_policies(a->e, w, 0, &idx);
    int any = 0;
    for (size_t k = 0; k < n; k++) {
        const struct np_policy *pol = &a->c->pol[idx[k]];
        for (uint32_t r = 0; r < pol->n_in; r++) {
            if (pol->in[r].n_ports != 0)
                continue;
            any = 1;
            if (np_engine_rule_matches(a->e, idx[k], 0, r, x)) {
                *policy = idx[k];
                return 1;
            }
        }
    }
    *any_rule = any;
    return 0;
}

/* DNS servers in the manifests: pods labelled k8s-app=kube-dns or k8s-app=coredns. */
static int is_dns(const struct np_cluster *c, size_t w, int64_t key, int64_t v1, int64_t v2)
{
    if (key < 0)
        return 0;
    int64_t v = np_label_get(&c->wl[w].labels, (uint32_t)key);
    return v >= 0 && (v == v1 || v == v2);
}

static int64_t id_of(const struct np_cluster *c, const char *s)
{
    void *v = strmap_get(&c->name_ids, s);
    return v == NULL ? -1 : (int64_t)(uintptr_t)v - 1;
}

static int udp53(const struct np_allow *al)
{
    if (al->all)
        return 1;
    const struct np_pset *s = &al->p[NP_UDP];
    for (uint32_t i = 0; i < s->n; i++)
        if (s->r[i].lo <= 53 && s->r[i].hi >= 53)
            return 1;
    return 0;
}

/* Without DNS pods in the manifests: does some egress rule of w list UDP 53 (or all ports)? */
static int egress_rules_allow_dns(struct audit *a, size_t w)
{
    const uint32_t *idx;
    size_t n = np_engine_policies(a->e, w, 1, &idx);
    for (size_t k = 0; k < n; k++) {
        const struct np_policy *pol = &a->c->pol[idx[k]];
        for (uint32_t r = 0; r < pol->n_eg; r++) {
            const struct np_rule *ru = &pol->eg[r];
            if (ru->n_ports == 0)
                return 1;
            for (uint32_t q = 0; q < ru->n_ports; q++) {
                const struct np_rport *p = &ru->ports[q];
                if (p->proto == NP_UDP && p->name == NULL &&
                    (p->port == 0 || (p->port <= 53 && p->end >= 53)))
                    return 1;
            }
        }
    }
    return 0;
}

static int audit_workloads(struct audit *a)
{
    const struct np_cluster *c = a->c;
    size_t n_ent = np_engine_entities(a->e);
    int64_t key = id_of(c, "k8s-app"), v1 = id_of(c, "kube-dns"), v2 = id_of(c, "coredns");
    size_t n_dns = 0;
    for (size_t w = 0; w < c->n_wl; w++)
        n_dns += is_dns(c, w, key, v1, v2);
    for (size_t w = 0; w < c->n_wl; w++) {
        const struct np_workload *wl = &c->wl[w];
        const char *name = wl_name(a, w);
        if (name == NULL)
            return STRATA_ENOMEM;
        int iso_in = np_workload_isolated(a->e, w, 0), iso_eg = np_workload_isolated(a->e, w, 1);
        /* the NetworkPolicy API leaves hostNetwork pods undefined; most plugins skip them */
        if (wl->host_network)
            TRY(report(a, NP_010, wl->file, wl->line, wl->col, name,
                       "uses the node's network namespace (hostNetwork: true): the NetworkPolicies "
                       "computed here for it are not enforced by most network plugins, and peers "
                       "see the node's address"));
        if (!iso_in)
            TRY(report(a, NP_003, wl->file, wl->line, wl->col, name,
                       "selected by no NetworkPolicy of type Ingress: every pod and every address "
                       "outside the cluster may connect to it on every port"));
        if (!iso_eg)
            TRY(report(a, NP_004, wl->file, wl->line, wl->col, name,
                       "selected by no NetworkPolicy of type Egress: it may connect to every pod "
                       "and every address outside the cluster"));
        if (iso_in) {
            struct strbuf cidrs = STRBUF_INIT;
            size_t policy = 0, found = 0;
            int rc = 0;
            int any_rule = 1;
            for (size_t x = c->n_wl; x < n_ent && rc == 0 && any_rule; x++) {
                size_t p;
                if (!open_from_outside(a, w, x, &p, &any_rule))
                    continue;
                if (found++ == 0)
                    policy = p;
                if (found <= 4)
                    rc = (found > 1 ? strbuf_adds(&cidrs, ", ") : 0) ||
                         np_entity_name(a->e, x, &cidrs);
            }
            if (rc == 0 && found > 0) {
                const struct np_policy *pol = &c->pol[policy];
                rc = report(a, NP_005, wl->file, wl->line, wl->col, name,
                            "admits %s%s from outside the cluster on every port and protocol "
                            "(NetworkPolicy %s, %s:%u)",
                            cidrs.buf ? cidrs.buf : "", found > 4 ? " and more" : "", pol->name,
                            pol->file, pol->line);
            }
            strbuf_release(&cidrs);
            TRY(rc ? STRATA_ENOMEM : 0);
        }
        /* the DNS pods resolve for everyone else: their own upstream is not checked */
        if (iso_eg && !is_dns(c, w, key, v1, v2)) {
            int ok = 0;
            if (n_dns > 0) {
                for (size_t d = 0; d < c->n_wl && !ok; d++) {
                    if (!is_dns(c, d, key, v1, v2))
                        continue;
                    const struct np_allow *al;
                    TRY(np_engine_side(a->e, w, d, 1, &al));
                    ok = udp53(al);
                }
            } else {
                ok = egress_rules_allow_dns(a, w);
            }
            if (!ok)
                TRY(report(a, NP_009, wl->file, wl->line, wl->col, a->res.buf,
                           "isolated for egress but no rule lets it reach DNS on UDP port 53%s: "
                           "name lookups fail",
                           n_dns > 0 ? " of the cluster DNS pods" : ""));
        }
    }
    return 0;
}

/* Whether a workload of namespace ns matches sel (NULL: any). */
static int any_pod(const struct audit *a, size_t ns, const struct np_selector *sel)
{
    for (size_t k = a->ns_off[ns]; k < a->ns_off[ns + 1]; k++)
        if (sel == NULL || np_selector_matches(sel, &a->c->wl[a->ns_wl[k]].labels))
            return 1;
    return 0;
}

static int by_namespace(struct audit *a)
{
    const struct np_cluster *c = a->c;
    a->ns_off = calloc(c->n_ns + 2, sizeof *a->ns_off);
    a->ns_wl = malloc((c->n_wl + 1) * sizeof *a->ns_wl);
    if (a->ns_off == NULL || a->ns_wl == NULL)
        return STRATA_ENOMEM;
    for (size_t w = 0; w < c->n_wl; w++)
        a->ns_off[c->wl[w].ns + 2]++;
    for (size_t ns = 0; ns < c->n_ns; ns++)
        a->ns_off[ns + 2] += a->ns_off[ns + 1];
    for (size_t w = 0; w < c->n_wl; w++)
        a->ns_wl[a->ns_off[c->wl[w].ns + 1]++] = w;
    return 0;
}

static int has_port_name(const struct np_workload *w, const struct np_rport *p)
{
    for (uint32_t i = 0; i < w->n_ports; i++)
        if (w->ports[i].name && w->ports[i].proto == p->proto &&
            strcmp(w->ports[i].name, p->name) == 0)
            return 1;
    return 0;
}

static int audit_peer(struct audit *a, size_t p, int egress, const struct np_peer *peer)
{
    const struct np_cluster *c = a->c;
    const struct np_policy *pol = &c->pol[p];
    const char *name = pol_name(a, p);
    if (name == NULL)
        return STRATA_ENOMEM;
    if (peer->is_ipblock) {
        if (!peer->ipv6 && peer->cidr.lo == 0 && peer->cidr.hi == 0xffffffffu)
            TRY(report(a, NP_008, pol->file, peer->line, peer->col, name,
                       "ipBlock 0.0.0.0/0%s %s every address outside the cluster",
                       peer->n_except ? " (with except)" : "", egress ? "reaches" : "admits"));
        return 0;
    }
    size_t ns_matched = 0, pods = 0;
    for (size_t ns = 0; ns < c->n_ns; ns++) {
        if (peer->has_ns ? !np_selector_matches(&peer->ns, &c->ns[ns].labels) : ns != pol->ns)
            continue;
        ns_matched++;
        if (pods == 0)
            pods = any_pod(a, ns, peer->has_pod ? &peer->pod : NULL);
    }
    if (peer->has_ns && peer->ns.n == 0)
        TRY(report(a, NP_008, pol->file, peer->line, peer->col, name,
                   "namespaceSelector {} %s %s of every namespace", egress ? "reaches" : "admits",
                   peer->has_pod && peer->pod.n ? "the selected pods" : "every pod"));
    else if (peer->has_ns && ns_matched == 0)
        TRY(report(a, NP_007, pol->file, peer->line, peer->col, name,
                   "the namespaceSelector of this peer matches no namespace in the manifests "
                   "read"));
    else if (pods == 0 && peer->has_pod)
        TRY(report(a, NP_007, pol->file, peer->line, peer->col, name,
                   "the podSelector of this peer matches no workload in %s",
                   peer->has_ns ? "the selected namespaces" : "the policy's namespace"));
    return 0;
}

static int audit_rule(struct audit *a, size_t p, int egress, uint32_t r)
{
    const struct np_cluster *c = a->c;
    const struct np_policy *pol = &c->pol[p];
    const struct np_rule *ru = egress ? &pol->eg[r] : &pol->in[r];
    const char *name = pol_name(a, p);
    if (name == NULL)
        return STRATA_ENOMEM;
    if (ru->n_peers == 0 && ru->n_ports == 0)
        TRY(report(a, NP_008, pol->file, ru->line ? ru->line : pol->line,
                   ru->line ? ru->col : pol->col, name,
                   "%s rule %u has neither %s nor ports: it allows all traffic %s everywhere, "
                   "inside and outside the cluster",
                   egress ? "egress" : "ingress", r, egress ? "to" : "from",
                   egress ? "to" : "from"));
    for (uint32_t k = 0; k < ru->n_peers; k++)
        TRY(audit_peer(a, p, egress, &ru->peers[k]));
    for (uint32_t q = 0; q < ru->n_ports; q++) {
        const struct np_rport *rp = &ru->ports[q];
        if (rp->name == NULL)
            continue;
        /* named ports resolve on the destination: the selected pods for ingress, the peer
         * pods for egress */
        int defined = 0;
        for (size_t w = 0; w < c->n_wl && !defined; w++) {
            if (!has_port_name(&c->wl[w], rp))
                continue;
            defined =
                egress ? np_engine_rule_matches(a->e, p, 1, r, w)
                       : c->wl[w].ns == pol->ns && np_selector_matches(&pol->pod, &c->wl[w].labels);
        }
        if (!defined)
            TRY(report(a, NP_007, pol->file, rp->line, rp->col, a->res.buf,
                       "named port '%s' (%s) is defined by no container of the %s pods", rp->name,
                       np_proto_name((enum np_proto)rp->proto),
                       egress ? "destination" : "selected"));
    }
    return 0;
}

static int audit_policies(struct audit *a)
{
    const struct np_cluster *c = a->c;
    for (size_t p = 0; p < c->n_pol; p++) {
        const struct np_policy *pol = &c->pol[p];
        if (pol_name(a, p) == NULL)
            return STRATA_ENOMEM;
        if (!any_pod(a, pol->ns, &pol->pod))
            TRY(report(a, NP_006, pol->file, pol->line, pol->col, a->res.buf,
                       "its podSelector matches no workload of namespace %s in the manifests "
                       "read",
                       c->ns[pol->ns].name));
        for (uint32_t r = 0; r < pol->n_in; r++)
            TRY(audit_rule(a, p, 0, r));
        for (uint32_t r = 0; r < pol->n_eg; r++)
            TRY(audit_rule(a, p, 1, r));
    }
    return 0;
}

int np_audit(struct np_engine *e, const struct np_cluster *c, struct strata_report *r,
             struct strata_error *err)
{
    struct audit a = {.e = e, .c = c, .r = r, .res = STRBUF_INIT};
    int rc = by_namespace(&a);
    if (rc == 0)
        rc = audit_namespaces(&a);
    if (rc == 0)
        rc = audit_workloads(&a);
    if (rc == 0)
        rc = audit_policies(&a);
    strbuf_release(&a.res);
    free(a.ns_off);
    free(a.ns_wl);
    return rc == STRATA_ENOMEM ? strata_error_nomem(err) : rc;
}
