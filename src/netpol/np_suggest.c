/* Least-privilege policy synthesis (np_suggest.h). Output is deterministic: namespaces,
 * workloads and peers in cluster order, ports ascending. Every string is written as a YAML
 * double-quoted scalar so that no label value ("true", "1.0", "on") changes type. */
#include "netpol/np_suggest.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vec.h"

struct syn {
    const struct np_flows *fl;
    struct np_engine *e;
    const struct np_cluster *c;
    struct strbuf *out;
    size_t *twin;
    struct vec *excl; /* per workload: uint32_t label keys required absent */
    int rc;
};

static void q(struct syn *s, const char *str)
{
    struct strbuf *o = s->out;
    int rc = strbuf_addch(o, '"');
    for (const unsigned char *p = (const unsigned char *)str; rc == 0 && *p; p++) {
        if (*p == '"' || *p == '\\')
            rc = strbuf_addch(o, '\\') || strbuf_addch(o, (char)*p);
        else if (*p < 0x20)
            rc = strbuf_addf(o, "\\x%02x", *p);
        else
            rc = strbuf_addch(o, (char)*p);
    }
    if (rc == 0)
        rc = strbuf_addch(o, '"');
    if (rc != 0)
        s->rc = STRATA_ENOMEM;
}

static void put(struct syn *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct syn *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf || strbuf_adds(s->out, buf) != 0)
        s->rc = STRATA_ENOMEM;
}

/* Whether a's labels include every label of b. */
static int labels_include(const struct np_labels *a, const struct np_labels *b)
{
    uint32_t i = 0;
    for (uint32_t j = 0; j < b->n; j++) {
        while (i < a->n && a->l[i].key < b->l[j].key)
            i++;
        if (i == a->n || a->l[i].key != b->l[j].key || a->l[i].value != b->l[j].value)
            return 0;
    }
    return 1;
}

/* For each twin-group representative, the keys that exclude the other workloads of its
 * namespace whose labels strictly include its own. */
static int exclusions_build(struct syn *s)
{
    const struct np_cluster *c = s->c;
    s->excl = calloc(c->n_wl + 1, sizeof *s->excl);
    if (s->excl == NULL)
        return STRATA_ENOMEM;
    for (size_t w = 0; w < c->n_wl; w++) {
        if (s->twin[w] != w)
            continue;
        const struct np_labels *lw = &c->wl[w].labels;
        for (size_t v = 0; v < c->n_wl; v++) {
            if (s->twin[v] != v || v == w || c->wl[v].ns != c->wl[w].ns ||
                !labels_include(&c->wl[v].labels, lw))
                continue;
            /* v has every label of w and more: exclude it by a key w lacks */
            const struct np_labels *lv = &c->wl[v].labels;
            uint32_t key = 0;
            for (uint32_t i = 0; i < lv->n; i++)
                if (np_label_get(lw, lv->l[i].key) < 0) {
                    key = lv->l[i].key;
                    break;
                }
            const uint32_t *have = s->excl[w].p;
            int dup = 0;
            for (size_t k = 0; k < s->excl[w].n && !dup; k++)
                dup = have[k] == key;
            if (dup)
                continue;
            uint32_t *slot = vec_push(&s->excl[w], sizeof *slot);
            if (slot == NULL)
                return STRATA_ENOMEM;
            *slot = key;
        }
    }
    return 0;
}

/* The pod selector of workload w's twin group, at indent ind (its first line follows a key
 * written by the caller). */
static void selector(struct syn *s, size_t w, const char *ind)
{
    const struct np_cluster *c = s->c;
    size_t r = s->twin[w];
    const struct np_labels *l = &c->wl[r].labels;
    const struct vec *ex = &s->excl[r];
    if (l->n == 0 && ex->n == 0) {
        put(s, " {}\n");
        return;
    }
    put(s, "\n");
    if (l->n > 0) {
        put(s, "%smatchLabels:\n", ind);
        for (uint32_t i = 0; i < l->n; i++) {
            put(s, "%s  ", ind);
            q(s, c->names[l->l[i].key]);
            put(s, ": ");
            q(s, c->names[l->l[i].value]);
            put(s, "\n");
        }
    }
    if (ex->n > 0) {
        put(s, "%smatchExpressions:\n", ind);
        for (size_t k = 0; k < ex->n; k++) {
            put(s, "%s  - key: ", ind);
            q(s, c->names[((const uint32_t *)ex->p)[k]]);
            put(s, "\n%s    operator: DoesNotExist\n", ind);
        }
    }
}

static void cidr_list_peers(struct syn *s, const struct np_endpoint *ep, const char *ind)
{
    /* the complement when it is the shorter way to say it */
    uint64_t covered = 0;
    for (size_t i = 0; i < ep->n_ranges; i++)
        covered += (uint64_t)ep->ranges[i].hi - ep->ranges[i].lo + 1;
    struct strbuf sb = STRBUF_INIT;
    int first = 1, rc = 0;
    if (covered > ((uint64_t)1 << 31)) {
        uint64_t at = 0;
        for (size_t i = 0; i <= ep->n_ranges && rc == 0; i++) {
            uint64_t lo = i < ep->n_ranges ? ep->ranges[i].lo : ((uint64_t)1 << 32);
            if (lo > at)
                rc = np_range_cidrs((uint32_t)at, (uint32_t)(lo - 1), &sb, &first);
            if (i < ep->n_ranges)
                at = (uint64_t)ep->ranges[i].hi + 1;
        }
        put(s, "%s- ipBlock:\n%s    cidr: \"0.0.0.0/0\"\n", ind, ind);
        if (rc == 0 && sb.len > 0) {
            put(s, "%s    except:\n", ind);
            for (char *tok = sb.buf, *end; tok; tok = end) {
                end = strchr(tok, ',');
                if (end)
                    *end++ = '\0';
                put(s, "%s      - \"%s\"\n", ind, tok);
            }
        }
    } else {
        for (size_t i = 0; i < ep->n_ranges && rc == 0; i++)
            rc = np_range_cidrs(ep->ranges[i].lo, ep->ranges[i].hi, &sb, &first);
        for (char *tok = sb.buf, *end; rc == 0 && tok; tok = end) {
            end = strchr(tok, ',');
            if (end)
                *end++ = '\0';
            put(s, "%s- ipBlock:\n%s    cidr: \"%s\"\n", ind, ind, tok);
        }
    }
    if (rc != 0)
        s->rc = STRATA_ENOMEM;
    strbuf_release(&sb);
}

/* The peer for endpoint id as seen from a policy of namespace ns. */
static void peer(struct syn *s, uint32_t id, uint32_t ns, const char *ind)
{
    const struct np_flows *fl = s->fl;
    if (id >= fl->n_wl) {
        cidr_list_peers(s, &fl->ep[id - fl->n_wl], ind);
        return;
    }
    const struct np_workload *w = &s->c->wl[id];
    char sub[64];
    snprintf(sub, sizeof sub, "%s    ", ind);
    if (w->ns == ns) {
        put(s, "%s- podSelector:", ind);
        selector(s, id, sub);
        return;
    }
    put(s, "%s- namespaceSelector:\n%s    matchLabels:\n%s      \"kubernetes.io/metadata.name\": ",
        ind, ind, ind);
    q(s, s->c->ns[w->ns].name);
    put(s, "\n%s  podSelector:", ind);
    selector(s, id, sub);
}

static void ports(struct syn *s, const struct np_allow *a, const char *ind)
{
    if (a->all)
        return; /* no ports: every port of every protocol */
    put(s, "%sports:\n", ind);
    for (int p = 0; p < NP_NPROTO; p++)
        for (uint32_t i = 0; i < a->p[p].n; i++) {
            const struct np_range *r = &a->p[p].r[i];
            put(s, "%s  - protocol: %s\n", ind, np_proto_name((enum np_proto)p));
            if (r->lo == 1 && r->hi == 65535)
                continue;
            put(s, "%s    port: %u\n", ind, r->lo);
            if (r->hi != r->lo)
                put(s, "%s    endPort: %u\n", ind, r->hi);
        }
}

/* One side's flows of one workload group, grouped by the other end. */
struct other {
    uint32_t id; /* endpoint (a twin representative for workloads) */
    struct np_allow a;
    char *key; /* the port set as text, to merge ends with equal ports into one rule */
};

static int other_cmp(const void *x, const void *y)
{
    const struct other *a = x, *b = y;
    int k = strcmp(a->key, b->key);
    return k ? k : (a->id > b->id) - (a->id < b->id);
}

static void policy(struct syn *s, size_t w, int egress, struct other *o, size_t n)
{
    const struct np_cluster *c = s->c;
    const struct np_workload *wl = &c->wl[w];
    char kind[64];
    size_t kn = 0;
    for (const char *p = wl->kind; *p && kn < sizeof kind - 1; p++)
        kind[kn++] = (char)tolower((unsigned char)*p);
    kind[kn] = '\0';
    put(s, "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ");
    struct strbuf nm = STRBUF_INIT;
    if (strbuf_addf(&nm, "allow-%s-%s-%s", egress ? "egress" : "ingress", kind, wl->name) != 0)
        s->rc = STRATA_ENOMEM;
    else {
        if (nm.len > 253)
            nm.buf[253] = '\0';
        q(s, nm.buf);
    }
    strbuf_release(&nm);
    put(s, "\n  namespace: ");
    q(s, c->ns[wl->ns].name);
    put(s, "\n  labels:\n    \"app.kubernetes.io/managed-by\": \"strata-netpol-suggest\"\n");
    put(s, "spec:\n  podSelector:");
    selector(s, w, "    ");
    put(s, "  policyTypes: [%s]\n  %s:\n", egress ? "Egress" : "Ingress",
        egress ? "egress" : "ingress");
    qsort(o, n, sizeof *o, other_cmp);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(o[j].key, o[i].key) == 0 && j - i < NP_MAX_PEERS)
            j++;
        put(s, "    - %s:\n", egress ? "to" : "from");
        for (size_t k = i; k < j; k++)
            peer(s, o[k].id, wl->ns, "        ");
        ports(s, &o[i].a, "      ");
        i = j;
    }
}

static void dns_rule(struct syn *s)
{
    put(s, "    - to:\n        - namespaceSelector:\n            matchLabels:\n"
           "              \"kubernetes.io/metadata.name\": \"kube-system\"\n"
           "          podSelector:\n            matchLabels:\n"
           "              \"k8s-app\": \"kube-dns\"\n"
           "      ports:\n        - protocol: UDP\n          port: 53\n"
           "        - protocol: TCP\n          port: 53\n");
}

/* Flows sorted by the group of their near end (dst for ingress, src for egress). */
struct byend {
    size_t g;   /* near end's twin group */
    size_t far; /* far end: twin group or address endpoint */
    size_t flow;
};

static int byend_cmp(const void *x, const void *y)
{
    const struct byend *a = x, *b = y;
    if (a->g != b->g)
        return a->g < b->g ? -1 : 1;
    if (a->far != b->far)
        return a->far < b->far ? -1 : 1;
    return (a->flow > b->flow) - (a->flow < b->flow);
}

static int side_policies(struct syn *s, int egress, int add_dns)
{
    const struct np_flows *fl = s->fl;
    size_t n_wl = fl->n_wl;
    struct byend *be = malloc((fl->n + 1) * sizeof *be);
    struct other *o = calloc(fl->n + 1, sizeof *o);
    if (be == NULL || o == NULL) {
        free(be);
        free(o);
        return STRATA_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < fl->n; i++) {
        uint32_t near = egress ? fl->f[i].src : fl->f[i].dst,
                 far = egress ? fl->f[i].dst : fl->f[i].src;
        if (near >= n_wl)
            continue;
        be[n++] = (struct byend){s->twin[near], far < n_wl ? s->twin[far] : far, i};
    }
    qsort(be, n, sizeof *be, byend_cmp);
    size_t i = 0;
    for (size_t w = 0; w < n_wl && s->rc == 0; w++) {
        if (s->twin[w] != w)
            continue;
        size_t n_o = 0;
        while (i < n && be[i].g == w && s->rc == 0) {
            struct other *ot = &o[n_o++];
            memset(ot, 0, sizeof *ot);
            ot->id = (uint32_t)be[i].far;
            for (; i < n && be[i].g == w && be[i].far == ot->id; i++) {
                const struct np_flow *f = &fl->f[be[i].flow];
                if (f->all)
                    ot->a.all = 1;
                else if (np_pset_add(&ot->a.p[f->proto], f->lo, f->hi) != 0)
                    s->rc = STRATA_ENOMEM;
            }
            for (int p = 0; p < NP_NPROTO; p++)
                np_pset_normalize(&ot->a.p[p]);
            struct strbuf k = STRBUF_INIT;
            if (np_allow_format(&ot->a, &k) != 0 || (ot->key = strbuf_detach(&k)) == NULL)
                s->rc = STRATA_ENOMEM;
        }
        if (s->rc == 0 && (n_o > 0 || add_dns)) {
            policy(s, w, egress, o, n_o);
            if (add_dns)
                dns_rule(s);
        }
        for (size_t k = 0; k < n_o; k++) {
            np_allow_release(&o[k].a);
            free(o[k].key);
        }
    }
    free(be);
    free(o);
    return s->rc;
}

int np_suggest_yaml(const struct np_flows *fl, struct np_engine *e, const struct np_cluster *c,
                    int add_dns, struct strbuf *out, struct np_suggest_stats *st,
                    struct strata_error *err)
{
    struct syn s = {.fl = fl, .e = e, .c = c, .out = out};
    memset(st, 0, sizeof *st);
    s.twin = np_label_twins(c);
    int rc = s.twin == NULL ? STRATA_ENOMEM : exclusions_build(&s);
    for (size_t w = 0; rc == 0 && w < c->n_wl; w++)
        st->twins += s.twin[w] != w;
    put(&s, "# Least-privilege NetworkPolicies written by 'strata netpol suggest'. They replace\n"
            "# the namespaces' existing NetworkPolicies: together they allow exactly the\n"
            "# required flows (strata netpol suggest --flows-out lists them).\n");
    for (size_t ns = 0; rc == 0 && ns < c->n_ns; ns++) {
        int used = c->ns[ns].declared;
        for (size_t w = 0; w < c->n_wl && !used; w++)
            used = c->wl[w].ns == ns;
        if (!used)
            continue;
        st->namespaces++;
        put(&s, "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
                "  name: \"default-deny\"\n  namespace: ");
        q(&s, c->ns[ns].name);
        put(&s, "\n  labels:\n    \"app.kubernetes.io/managed-by\": \"strata-netpol-suggest\"\n"
                "spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n");
    }
    if (rc == 0)
        rc = side_policies(&s, 0, 0);
    if (rc == 0)
        rc = side_policies(&s, 1, add_dns);
    if (rc == 0)
        rc = s.rc;
    if (s.excl != NULL)
        for (size_t w = 0; w < c->n_wl; w++)
            free(s.excl[w].p);
    free(s.excl);
    free(s.twin);
    if (rc == 0) {
        /* count documents */
        for (const char *p = out->buf; p && (p = strstr(p, "---\n")) != NULL; p += 4)
            st->policies++;
    }
    return rc == 0 ? 0 : strata_error_nomem(err);
}
