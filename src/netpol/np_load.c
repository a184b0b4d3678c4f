/* Reading Kubernetes YAML into the network model: the objects of each document (List kinds
 * included, via k8s_model.h), pod templates of workload controllers, and NetworkPolicies
 * validated as the API server validates them, so a malformed policy is a positioned error
 * rather than a silently different policy. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/k8s_model.h"
#include "checks/k8s_yaml.h"
#include "core/vec.h"
#include "netpol/np_model.h"

struct load {
    struct np_cluster *c;
    const char *path;
    struct strata_error *err;
    const char *what; /* "NetworkPolicy ns/name" */
};

#define WHERE_MAX 256

static int fail_at(struct load *ld, const struct ky_node *n, int code, const char *where,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail_at(struct load *ld, const struct ky_node *n, int code, const char *where,
                   const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return strata_error_set(ld->err, code, "%s:%u:%u: %s: %s: %s", ld->path, n ? n->line : 0,
                            n ? n->col : 0, ld->what, where, msg);
}

/* Field paths for messages, cut when very deep (a message stays readable either way). */
static void wfmt(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void wfmt(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

static int nomem(struct load *ld)
{
    return strata_error_set(ld->err, STRATA_ENOMEM, "%s: out of memory", ld->path);
}

static int is_str(const struct ky_node *n)
{
    return ky_is_scalar(n) && !ky_is_null(n);
}

/* A scalar's text as an interned id; bounded length. */
static int intern_scalar(struct load *ld, const struct ky_node *n, const char *where, uint32_t *id)
{
    if (!is_str(n))
        return fail_at(ld, n, STRATA_EFORMAT, where, "expected a string, got %s",
                       ky_is_null(n)  ? "null"
                       : ky_is_map(n) ? "a mapping"
                                      : "a sequence");
    if (n->len > NP_MAX_STRING)
        return fail_at(ld, n, STRATA_ELIMIT, where, "longer than %u bytes", NP_MAX_STRING);
    int64_t v = np_intern(ld->c, n->text, n->len);
    if (v < 0)
        return nomem(ld);
    *id = (uint32_t)v;
    return 0;
}

/* Rejects keys outside allowed: a misspelt `podSelector` would otherwise read as absent,
 * which for a selector means "every pod". */
static int keys_known(struct load *ld, const struct ky_node *map, const char *where,
                      const char *const *allowed)
{
    struct ky_pair *p;
    size_t n;
    if (ky_map_pairs(map, &p, &n) != 0)
        return nomem(ld);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (allowed[k] && !ky_eq(p[i].key, allowed[k]))
            k++;
        if (allowed[k] == NULL) {
            char b[80];
            int rc = fail_at(ld, p[i].key, STRATA_EFORMAT, where, "unknown field '%s'",
                             ky_show(p[i].key, b, sizeof b));
            free(p);
            return rc;
        }
    }
    free(p);
    return 0;
}

static int label_cmp(const void *a, const void *b)
{
    const struct np_label *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* A map of string keys to string values (metadata.labels, matchLabels, a Service selector).
 * Scalars of any YAML type count by their text, as the labels of hand-written manifests
 * often hold `version: 1`; mappings and sequences are errors. extra: room for one more. */
static int labels_read(struct load *ld, const struct ky_node *map, const char *where,
                       struct np_labels *out, uint32_t extra)
{
    memset(out, 0, sizeof *out);
    if (ky_is_null(map) && extra == 0)
        return 0;
    if (!ky_is_null(map) && !ky_is_map(map))
        return fail_at(ld, map, STRATA_EFORMAT, where, "expected a mapping of labels");
    struct ky_pair *p = NULL;
    size_t n = 0;
    if (ky_is_map(map) && ky_map_pairs(map, &p, &n) != 0)
        return nomem(ld);
    if (n > NP_MAX_LABELS) {
        free(p);
        return fail_at(ld, map, STRATA_ELIMIT, where, "more than %u labels", NP_MAX_LABELS);
    }
    out->l = arena_alloc(&ld->c->arena, (n + extra + 1) * sizeof *out->l);
    if (out->l == NULL) {
        free(p);
        return nomem(ld);
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct np_label *l = &out->l[out->n];
        rc = intern_scalar(ld, p[i].key, where, &l->key);
        if (rc == 0 && ky_is_null(p[i].value)) {
            /* a null value decodes as the empty string */
            int64_t e = np_intern(ld->c, "", 0);
            rc = e < 0 ? nomem(ld) : 0;
            l->value = (uint32_t)(e < 0 ? 0 : e);
        } else if (rc == 0) {
            rc = intern_scalar(ld, p[i].value, where, &l->value);
        }
        out->n++;
    }
    free(p);
    if (rc == 0)
        qsort(out->l, out->n, sizeof *out->l, label_cmp);
    return rc;
}

static int selector_read(struct load *ld, const struct ky_node *n, const char *where,
                         struct np_selector *sel)
{
    static const char *const keys[] = {"matchLabels", "matchExpressions", NULL};
    static const char *const req_keys[] = {"key", "operator", "values", NULL};
    static const char *const ops[] = {"In", "NotIn", "Exists", "DoesNotExist", NULL};
    memset(sel, 0, sizeof *sel);
    if (ky_is_null(n))
        return 0;
    if (!ky_is_map(n))
        return fail_at(ld, n, STRATA_EFORMAT, where, "a label selector must be a mapping");
    int rc = keys_known(ld, n, where, keys);
    if (rc != 0)
        return rc;
    struct np_labels ml;
    char w[WHERE_MAX];
    wfmt(w, sizeof w, "%s.matchLabels", where);
    rc = labels_read(ld, ky_get(n, "matchLabels"), w, &ml, 0);
    if (rc != 0)
        return rc;
    const struct ky_node *ex = ky_get(n, "matchExpressions");
    wfmt(w, sizeof w, "%s.matchExpressions", where);
    if (!ky_is_null(ex) && !ky_is_seq(ex))
        return fail_at(ld, ex, STRATA_EFORMAT, w, "expected a sequence");
    uint32_t n_ex = ky_is_seq(ex) ? ex->n : 0;
    if (ml.n + (size_t)n_ex > NP_MAX_LABELS)
        return fail_at(ld, n, STRATA_ELIMIT, where, "more than %u requirements", NP_MAX_LABELS);
    sel->r = arena_alloc(&ld->c->arena, (ml.n + n_ex + 1) * sizeof *sel->r);
    if (sel->r == NULL)
        return nomem(ld);
    for (uint32_t i = 0; i < ml.n; i++) {
        struct np_req *r = &sel->r[sel->n++];
        r->key = ml.l[i].key;
        r->op = NP_IN;
        r->n_values = 1;
        r->values = &ml.l[i].value;
    }
    for (uint32_t i = 0; i < n_ex; i++) {
        const struct ky_node *e = ex->kids[i];
        char we[WHERE_MAX];
        wfmt(we, sizeof we, "%s[%u]", w, i);
        if (!ky_is_map(e))
            return fail_at(ld, e, STRATA_EFORMAT, we, "expected a mapping");
        if ((rc = keys_known(ld, e, we, req_keys)) != 0)
            return rc;
        struct np_req *r = &sel->r[sel->n];
        struct ky_node *kk;
        const struct ky_node *key = ky_get_key(e, "key", &kk);
        if (key == NULL)
            return fail_at(ld, e, STRATA_EFORMAT, we, "key is required");
        if ((rc = intern_scalar(ld, key, we, &r->key)) != 0)
            return rc;
        const struct ky_node *op = ky_get(e, "operator");
        size_t o = 0;
        while (ops[o] && !ky_eq(op, ops[o]))
            o++;
        if (ops[o] == NULL || !ky_is_scalar(op)) {
            char b[64];
            return fail_at(ld, op ? op : e, STRATA_EFORMAT, we,
                           "operator must be In, NotIn, Exists or DoesNotExist, got %s",
                           ky_show(op, b, sizeof b));
        }
        r->op = (uint8_t)o;
        const struct ky_node *vals = ky_get(e, "values");
        if (!ky_is_null(vals) && !ky_is_seq(vals))
            return fail_at(ld, vals, STRATA_EFORMAT, we, "values must be a sequence");
        uint32_t nv = ky_is_seq(vals) ? vals->n : 0;
        if ((o == NP_IN || o == NP_NOTIN) && nv == 0)
            return fail_at(ld, op, STRATA_EFORMAT, we, "%s needs a non-empty values", ops[o]);
        if ((o == NP_EXISTS || o == NP_DOESNOTEXIST) && nv != 0)
            return fail_at(ld, vals, STRATA_EFORMAT, we, "%s takes no values", ops[o]);
        if (nv > NP_MAX_VALUES)
            return fail_at(ld, vals, STRATA_ELIMIT, we, "more than %u values", NP_MAX_VALUES);
        r->values = arena_alloc(&ld->c->arena, (nv + 1) * sizeof *r->values);
        if (r->values == NULL)
            return nomem(ld);
        for (uint32_t v = 0; v < nv; v++)
            if ((rc = intern_scalar(ld, vals->kids[v], we, &r->values[v])) != 0)
                return rc;
        r->n_values = nv;
        sel->n++;
    }
    return 0;
}

/* ---- ipBlock ---- */

/* family 4 or 6; v4 range in *r. */
static int cidr_parse(const struct ky_node *n, int *family, struct np_cidr *r, unsigned *prefix)
{
    char buf[64];
    if (!is_str(n) || n->len >= sizeof buf)
        return -1;
    memcpy(buf, n->text, n->len);
    buf[n->len] = '\0';
    char *slash = strchr(buf, '/');
    if (slash == NULL || slash[1] == '\0')
        return -1;
    *slash = '\0';
    char *end;
    unsigned long pl = strtoul(slash + 1, &end, 10);
    if (*end != '\0' || slash[1] < '0' || slash[1] > '9' || (slash[1] == '0' && slash[2]))
        return -1;
    unsigned char a[16];
    if (inet_pton(AF_INET, buf, a) == 1) {
        if (pl > 32)
            return -1;
        uint32_t ip = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
        uint32_t mask = pl == 0 ? 0 : 0xffffffffu << (32 - pl);
        r->lo = ip & mask;
        r->hi = r->lo | ~mask;
        *family = 4;
    } else if (inet_pton(AF_INET6, buf, a) == 1) {
        if (pl > 128)
            return -1;
        *family = 6;
        r->lo = r->hi = 0;
        /* keep the first 32 bits for the subset check below (coarse but conservative) */
        uint32_t ip = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
        uint32_t mask = pl >= 32 ? 0xffffffffu : pl == 0 ? 0 : 0xffffffffu << (32 - pl);
        r->lo = ip & mask;
        r->hi = r->lo | ~mask;
    } else {
        return -1;
    }
    *prefix = (unsigned)pl;
    return 0;
}

static int ipblock_read(struct load *ld, const struct ky_node *n, const char *where,
                        struct np_peer *p)
{
    static const char *const keys[] = {"cidr", "except", NULL};
    if (!ky_is_map(n))
        return fail_at(ld, n, STRATA_EFORMAT, where, "ipBlock must be a mapping");
    int rc = keys_known(ld, n, where, keys);
    if (rc != 0)
        return rc;
    const struct ky_node *cidr = ky_get(n, "cidr");
    int fam;
    unsigned pl;
    char b[80];
    if (cidr == NULL)
        return fail_at(ld, n, STRATA_EFORMAT, where, "ipBlock.cidr is required");
    if (cidr_parse(cidr, &fam, &p->cidr, &pl) != 0)
        return fail_at(ld, cidr, STRATA_EFORMAT, where, "invalid CIDR %s",
                       ky_show(cidr, b, sizeof b));
    p->is_ipblock = 1;
    p->ipv6 = fam == 6;
    const struct ky_node *ex = ky_get(n, "except");
    if (ky_is_null(ex))
        return 0;
    if (!ky_is_seq(ex))
        return fail_at(ld, ex, STRATA_EFORMAT, where, "except must be a sequence");
    if (ex->n > NP_MAX_EXCEPT)
        return fail_at(ld, ex, STRATA_ELIMIT, where, "more than %u except entries", NP_MAX_EXCEPT);
    p->except = arena_alloc(&ld->c->arena, (ex->n + 1) * sizeof *p->except);
    if (p->except == NULL)
        return nomem(ld);
    for (uint32_t i = 0; i < ex->n; i++) {
        int f2;
        unsigned pl2;
        struct np_cidr e;
        if (cidr_parse(ex->kids[i], &f2, &e, &pl2) != 0)
            return fail_at(ld, ex->kids[i], STRATA_EFORMAT, where, "invalid except CIDR %s",
                           ky_show(ex->kids[i], b, sizeof b));
        /* the API server's rule: an except must be a strict subset of cidr */
        if (f2 != fam || pl2 <= pl || e.lo < p->cidr.lo || e.hi > p->cidr.hi)
            return fail_at(ld, ex->kids[i], STRATA_EFORMAT, where,
                           "except %s is not a strict subset of cidr",
                           ky_show(ex->kids[i], b, sizeof b));
        p->except[p->n_except++] = e;
    }
    return 0;
}

static int peer_read(struct load *ld, const struct ky_node *n, const char *where, struct np_peer *p)
{
    static const char *const keys[] = {"podSelector", "namespaceSelector", "ipBlock", NULL};
    memset(p, 0, sizeof *p);
    if (!ky_is_map(n))
        return fail_at(ld, n, STRATA_EFORMAT, where, "a peer must be a mapping");
    p->line = n->line;
    p->col = n->col;
    int rc = keys_known(ld, n, where, keys);
    if (rc != 0)
        return rc;
    const struct ky_node *ps = ky_get(n, "podSelector"), *ns = ky_get(n, "namespaceSelector"),
                         *ib = ky_get(n, "ipBlock");
    /* a present but null selector is absent for the API (a nil pointer) */
    p->has_pod = !ky_is_null(ps);
    p->has_ns = !ky_is_null(ns);
    int has_ib = !ky_is_null(ib);
    if (has_ib && (p->has_pod || p->has_ns))
        return fail_at(ld, ib, STRATA_EFORMAT, where,
                       "ipBlock may not be combined with podSelector or namespaceSelector");
    if (!has_ib && !p->has_pod && !p->has_ns)
        return fail_at(ld, n, STRATA_EFORMAT, where,
                       "a peer must give podSelector, namespaceSelector or ipBlock");
    char w[WHERE_MAX];
    if (has_ib) {
        wfmt(w, sizeof w, "%s.ipBlock", where);
        if ((rc = ipblock_read(ld, ib, w, p)) != 0)
            return rc;
        if (ld->c->n_ipblocks >= NP_MAX_IPBLOCKS)
            return fail_at(ld, ib, STRATA_ELIMIT, w, "more than %u ipBlocks", NP_MAX_IPBLOCKS);
        p->ipblock_id = (uint32_t)ld->c->n_ipblocks++;
        ld->c->n_ipv6_blocks += p->ipv6;
        return 0;
    }
    wfmt(w, sizeof w, "%s.podSelector", where);
    if (p->has_pod && (rc = selector_read(ld, ps, w, &p->pod)) != 0)
        return rc;
    wfmt(w, sizeof w, "%s.namespaceSelector", where);
    if (p->has_ns && (rc = selector_read(ld, ns, w, &p->ns)) != 0)
        return rc;
    return 0;
}

/* IANA_SVC_NAME, as the API server requires of a named port. */
static int svc_name_ok(const char *s, size_t n)
{
    int letter = 0;
    if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch >= 'a' && ch <= 'z')
            letter = 1;
        else if (!(ch >= '0' && ch <= '9') && ch != '-')
            return 0;
        if (ch == '-' && i + 1 < n && s[i + 1] == '-')
            return 0;
    }
    return letter;
}

static int proto_read(struct load *ld, const struct ky_node *n, const char *where, uint8_t *out)
{
    char b[64];
    if (ky_is_null(n))
        *out = NP_TCP;
    else if (ky_eq(n, "TCP"))
        *out = NP_TCP;
    else if (ky_eq(n, "UDP"))
        *out = NP_UDP;
    else if (ky_eq(n, "SCTP"))
        *out = NP_SCTP;
    else
        return fail_at(ld, n, STRATA_EFORMAT, where, "protocol must be TCP, UDP or SCTP, got %s",
                       ky_show(n, b, sizeof b));
    return 0;
}

static int port_read(struct load *ld, const struct ky_node *n, const char *where,
                     struct np_rport *p)
{
    static const char *const keys[] = {"protocol", "port", "endPort", NULL};
    memset(p, 0, sizeof *p);
    if (!ky_is_map(n))
        return fail_at(ld, n, STRATA_EFORMAT, where, "a port must be a mapping");
    p->line = n->line;
    p->col = n->col;
    int rc = keys_known(ld, n, where, keys);
    if (rc == 0)
        rc = proto_read(ld, ky_get(n, "protocol"), where, &p->proto);
    if (rc != 0)
        return rc;
    const struct ky_node *port = ky_get(n, "port"), *end = ky_get(n, "endPort");
    long long v;
    char b[64];
    if (!ky_is_null(port)) {
        if (!ky_is_scalar(port))
            return fail_at(ld, port, STRATA_EFORMAT, where, "port must be a number or a name");
        if (port->style == KY_PLAIN && ky_int(port, &v) == 0) {
            if (v < 1 || v > 65535)
                return fail_at(ld, port, STRATA_EFORMAT, where, "port %lld is not in 1-65535", v);
            p->port = p->end = (uint16_t)v;
        } else if (svc_name_ok(port->text, port->len)) {
            p->name = arena_strndup(&ld->c->arena, port->text, port->len);
            if (p->name == NULL)
                return nomem(ld);
        } else {
            return fail_at(ld, port, STRATA_EFORMAT, where,
                           "port %s is neither a number nor a valid port name",
                           ky_show(port, b, sizeof b));
        }
    }
    if (!ky_is_null(end)) {
        if (p->port == 0)
            return fail_at(ld, end, STRATA_EFORMAT, where, "endPort needs a numeric port");
        if (!ky_is_scalar(end) || end->style != KY_PLAIN || ky_int(end, &v) != 0)
            return fail_at(ld, end, STRATA_EFORMAT, where, "endPort must be a number");
        if (v < p->port || v > 65535)
            return fail_at(ld, end, STRATA_EFORMAT, where, "endPort %lld is not in %u-65535", v,
                           p->port);
        p->end = (uint16_t)v;
    }
    return 0;
}

static int rules_read(struct load *ld, const struct ky_node *seq, int egress, struct np_rule **out,
                      uint32_t *n_out)
{
    static const char *const in_keys[] = {"from", "ports", NULL};
    static const char *const eg_keys[] = {"to", "ports", NULL};
    const char *dir = egress ? "egress" : "ingress", *peers_key = egress ? "to" : "from";
    char w[WHERE_MAX];
    *out = NULL;
    *n_out = 0;
    if (ky_is_null(seq))
        return 0;
    if (!ky_is_seq(seq))
        return fail_at(ld, seq, STRATA_EFORMAT, dir, "expected a sequence of rules");
    if (seq->n > NP_MAX_RULES)
        return fail_at(ld, seq, STRATA_ELIMIT, dir, "more than %u rules", NP_MAX_RULES);
    struct np_rule *r = arena_alloc(&ld->c->arena, (seq->n + 1) * sizeof *r);
    if (r == NULL)
        return nomem(ld);
    int rc;
    for (uint32_t i = 0; i < seq->n; i++) {
        const struct ky_node *rn = seq->kids[i];
        wfmt(w, sizeof w, "spec.%s[%u]", dir, i);
        memset(&r[i], 0, sizeof r[i]);
        if (ky_is_null(rn))
            continue; /* a null rule decodes as the empty rule: everything */
        if (!ky_is_map(rn))
            return fail_at(ld, rn, STRATA_EFORMAT, w, "a rule must be a mapping");
        r[i].line = rn->line;
        r[i].col = rn->col;
        if ((rc = keys_known(ld, rn, w, egress ? eg_keys : in_keys)) != 0)
            return rc;
        const struct ky_node *peers = ky_get(rn, peers_key), *ports = ky_get(rn, "ports");
        if (!ky_is_null(peers) && !ky_is_seq(peers))
            return fail_at(ld, peers, STRATA_EFORMAT, w, "%s must be a sequence", peers_key);
        if (!ky_is_null(ports) && !ky_is_seq(ports))
            return fail_at(ld, ports, STRATA_EFORMAT, w, "ports must be a sequence");
        uint32_t np = ky_is_seq(peers) ? peers->n : 0, nq = ky_is_seq(ports) ? ports->n : 0;
        if (np > NP_MAX_PEERS || nq > NP_MAX_PORTS)
            return fail_at(ld, rn, STRATA_ELIMIT, w, "more than %u peers or ports", NP_MAX_PORTS);
        r[i].peers = arena_alloc(&ld->c->arena, (np + 1) * sizeof *r[i].peers);
        r[i].ports = arena_alloc(&ld->c->arena, (nq + 1) * sizeof *r[i].ports);
        if (r[i].peers == NULL || r[i].ports == NULL)
            return nomem(ld);
        for (uint32_t k = 0; k < np; k++) {
            char wp[WHERE_MAX + 32];
            wfmt(wp, sizeof wp, "%s.%s[%u]", w, peers_key, k);
            if ((rc = peer_read(ld, peers->kids[k], wp, &r[i].peers[k])) != 0)
                return rc;
        }
        r[i].n_peers = np;
        for (uint32_t k = 0; k < nq; k++) {
            char wp[WHERE_MAX + 32];
            wfmt(wp, sizeof wp, "%s.ports[%u]", w, k);
            if ((rc = port_read(ld, ports->kids[k], wp, &r[i].ports[k])) != 0)
                return rc;
        }
        r[i].n_ports = nq;
    }
    *out = r;
    *n_out = seq->n;
    return 0;
}

/* The namespace of an object: metadata.namespace as written, else the cluster default. */
static int64_t object_ns(struct load *ld, const struct k8s_object *o)
{
    const struct ky_node *ns = ky_get(ky_get(o->obj, "metadata"), "namespace");
    if (is_str(ns) && ns->len > 0 && ns->len <= NP_MAX_STRING)
        return np_namespace_ref(ld->c, ns->text, ns->len);
    return np_namespace_ref(ld->c, ld->c->default_ns, strlen(ld->c->default_ns));
}

static size_t objects(const struct np_cluster *c)
{
    return c->n_ns + c->n_wl + c->n_svc + c->n_pol;
}

static int policy_read(struct load *ld, const struct k8s_object *o)
{
    static const char *const spec_keys[] = {"podSelector", "policyTypes", "ingress", "egress",
                                            NULL};
    struct np_cluster *c = ld->c;
    int64_t ns = object_ns(ld, o);
    if (ns < 0)
        return nomem(ld);
    struct np_policy *pol = vec_grow(c->pol, c->n_pol, &c->cap_pol, sizeof *pol);
    if (pol == NULL)
        return nomem(ld);
    c->pol = pol;
    struct np_policy p = {0};
    p.ns = (uint32_t)ns;
    p.name = arena_strdup(&c->arena, o->name);
    p.file = arena_strdup(&c->arena, ld->path);
    if (p.name == NULL || p.file == NULL)
        return nomem(ld);
    p.line = o->kind_key->line;
    p.col = o->kind_key->col;
    const struct ky_node *spec = ky_get(o->obj, "spec");
    if (!ky_is_map(spec))
        return fail_at(ld, spec ? spec : o->kind_key, STRATA_EFORMAT, "spec",
                       "a NetworkPolicy needs a spec mapping");
    int rc = keys_known(ld, spec, "spec", spec_keys);
    if (rc == 0)
        rc = selector_read(ld, ky_get(spec, "podSelector"), "spec.podSelector", &p.pod);
    const struct ky_node *ing = ky_get(spec, "ingress"), *eg = ky_get(spec, "egress");
    if (rc == 0)
        rc = rules_read(ld, ing, 0, &p.in, &p.n_in);
    if (rc == 0)
        rc = rules_read(ld, eg, 1, &p.eg, &p.n_eg);
    if (rc != 0)
        return rc;
    const struct ky_node *types = ky_get(spec, "policyTypes");
    if (ky_is_null(types)) {
        /* inferred: Ingress always, Egress when the policy has egress rules (the API
         * server's defaulting: a present `egress:` list, even an empty one) */
        p.ingress = 1;
        p.egress = ky_is_seq(eg);
    } else if (!ky_is_seq(types)) {
        return fail_at(ld, types, STRATA_EFORMAT, "spec.policyTypes", "expected a sequence");
    } else {
        for (uint32_t i = 0; i < types->n; i++) {
            char b[64];
            if (ky_eq(types->kids[i], "Ingress"))
                p.ingress = 1;
            else if (ky_eq(types->kids[i], "Egress"))
                p.egress = 1;
            else
                return fail_at(ld, types->kids[i], STRATA_EFORMAT, "spec.policyTypes",
                               "expected Ingress or Egress, got %s",
                               ky_show(types->kids[i], b, sizeof b));
        }
        if (types->n == 0)
            p.ingress = 1; /* an empty list is defaulted like an absent one */
    }
    c->pol[c->n_pol++] = p;
    return 0;
}

static int cport_read(struct load *ld, struct np_workload *w, const struct ky_node *pn)
{
    if (!ky_is_map(pn))
        return 0;
    long long v;
    const struct ky_node *cp = ky_get(pn, "containerPort"), *name = ky_get(pn, "name");
    uint8_t proto;
    /* ports are informational in a pod spec: an unusable one cannot be the target of a
     * named port, so it is left out rather than failing the file */
    if (ky_int(cp, &v) != 0 || v < 1 || v > 65535)
        return 0;
    const struct ky_node *pr = ky_get(pn, "protocol");
    if (ky_is_null(pr))
        proto = NP_TCP;
    else if (ky_eq(pr, "UDP"))
        proto = NP_UDP;
    else if (ky_eq(pr, "SCTP"))
        proto = NP_SCTP;
    else if (ky_eq(pr, "TCP"))
        proto = NP_TCP;
    else
        return 0;
    if (w->n_ports >= NP_MAX_PORTS)
        return strata_error_set(ld->err, STRATA_ELIMIT, "%s:%u:%u: %s: more than %u ports",
                                ld->path, pn->line, pn->col, ld->what, NP_MAX_PORTS);
    struct np_cport *x = &w->ports[w->n_ports++];
    x->port = (uint16_t)v;
    x->proto = proto;
    x->name = NULL;
    if (is_str(name) && name->len > 0 && name->len <= 15) {
        x->name = arena_strndup(&ld->c->arena, name->text, name->len);
        if (x->name == NULL)
            return nomem(ld);
    }
    return 0;
}

static int workload_read(struct load *ld, const struct k8s_object *o, struct k8s_workload *kw)
{
    struct np_cluster *c = ld->c;
    int64_t ns = object_ns(ld, o);
    if (ns < 0)
        return nomem(ld);
    struct np_workload *wl = vec_grow(c->wl, c->n_wl, &c->cap_wl, sizeof *wl);
    if (wl == NULL)
        return nomem(ld);
    c->wl = wl;
    struct np_workload w = {0};
    w.ns = (uint32_t)ns;
    w.kind = arena_strdup(&c->arena, o->kind);
    w.name = arena_strdup(&c->arena, o->name);
    w.file = arena_strdup(&c->arena, ld->path);
    if (w.kind == NULL || w.name == NULL || w.file == NULL)
        return nomem(ld);
    w.line = o->kind_key->line;
    w.col = o->kind_key->col;
    w.host_network = ky_bool(ky_get(kw->spec, "hostNetwork")) == 1;
    int rc = labels_read(ld, ky_get(kw->meta, "labels"), "labels", &w.labels, 0);
    if (rc != 0)
        return rc;
    size_t total = 0;
    for (size_t i = 0; i < kw->n_c; i++) {
        const struct ky_node *ports = ky_get(kw->c[i].node, "ports");
        if (kw->c[i].type != K8S_EPHEMERAL && ky_is_seq(ports))
            total += ports->n;
    }
    if (total > NP_MAX_PORTS)
        total = NP_MAX_PORTS;
    w.ports = arena_alloc(&c->arena, (total + 1) * sizeof *w.ports);
    if (w.ports == NULL)
        return nomem(ld);
    for (size_t i = 0; i < kw->n_c && rc == 0; i++) {
        const struct ky_node *ports = ky_get(kw->c[i].node, "ports");
        /* ephemeral containers may not declare ports */
        if (kw->c[i].type == K8S_EPHEMERAL || !ky_is_seq(ports))
            continue;
        for (uint32_t k = 0; k < ports->n && rc == 0; k++)
            rc = w.n_ports < total
                     ? cport_read(ld, &w, ports->kids[k])
                     : strata_error_set(ld->err, STRATA_ELIMIT, "%s:%u:%u: %s: more than %u ports",
                                        ld->path, ports->line, ports->col, ld->what, NP_MAX_PORTS);
    }
    if (rc == 0)
        c->wl[c->n_wl++] = w;
    return rc;
}

static int namespace_read(struct load *ld, const struct k8s_object *o)
{
    const struct ky_node *name = ky_get(ky_get(o->obj, "metadata"), "name");
    if (!is_str(name) || name->len == 0 || name->len > NP_MAX_STRING)
        return 0; /* a Namespace without a usable name holds no pods */
    int64_t id = np_namespace_ref(ld->c, name->text, name->len);
    if (id < 0)
        return nomem(ld);
    struct np_labels l;
    int rc =
        labels_read(ld, ky_get(ky_get(o->obj, "metadata"), "labels"), "metadata.labels", &l, 1);
    if (rc != 0)
        return rc;
    struct np_namespace *ns = &ld->c->ns[id];
    /* the API server sets kubernetes.io/metadata.name to the name, whatever was written */
    uint32_t key = ld->c->meta_name_key, val = ns->labels.l[0].value;
    uint32_t i = 0;
    while (i < l.n && l.l[i].key != key)
        i++;
    l.l[i].key = key;
    l.l[i].value = val;
    if (i == l.n)
        l.n++;
    qsort(l.l, l.n, sizeof *l.l, label_cmp);
    ns->labels = l;
    ns->declared = 1;
    ns->line = o->kind_key->line;
    ns->col = o->kind_key->col;
    if ((ns->file = arena_strdup(&ld->c->arena, ld->path)) == NULL)
        return nomem(ld);
    return 0;
}

static int service_read(struct load *ld, const struct k8s_object *o)
{
    struct np_cluster *c = ld->c;
    int64_t ns = object_ns(ld, o);
    if (ns < 0)
        return nomem(ld);
    struct np_service *sv = vec_grow(c->svc, c->n_svc, &c->cap_svc, sizeof *sv);
    if (sv == NULL)
        return nomem(ld);
    c->svc = sv;
    struct np_service s = {0};
    s.ns = (uint32_t)ns;
    s.name = arena_strdup(&c->arena, o->name);
    s.file = arena_strdup(&c->arena, ld->path);
    if (s.name == NULL || s.file == NULL)
        return nomem(ld);
    s.line = o->kind_key->line;
    s.col = o->kind_key->col;
    const struct ky_node *sel = ky_get(ky_get(o->obj, "spec"), "selector");
    s.has_selector = ky_is_map(sel);
    int rc = labels_read(ld, s.has_selector ? sel : NULL, "spec.selector", &s.selector, 0);
    if (rc == 0)
        c->svc[c->n_svc++] = s;
    return rc;
}

static int object_read(void *u, const struct k8s_object *o)
{
    struct load *ld = u;
    char what[K8S_RESOURCE_MAX + 16];
    snprintf(what, sizeof what, "%s", o->resource);
    ld->what = what;
    if (objects(ld->c) >= NP_MAX_OBJECTS)
        return strata_error_set(ld->err, STRATA_ELIMIT, "%s:%u:%u: more than %u objects", ld->path,
                                o->kind_key->line, o->kind_key->col, NP_MAX_OBJECTS);
    const struct ky_node *api = ky_get(o->obj, "apiVersion");
    int rc = 0;
    if (strcmp(o->kind, "NetworkPolicy") == 0) {
        if (ky_eq(api, "networking.k8s.io/v1"))
            rc = policy_read(ld, o);
        else
            rc = fail_at(ld, api, STRATA_EFORMAT, "apiVersion",
                         "only networking.k8s.io/v1 NetworkPolicies are understood");
    } else if (strcmp(o->kind, "Namespace") == 0) {
        rc = namespace_read(ld, o);
    } else if (strcmp(o->kind, "Service") == 0) {
        rc = service_read(ld, o);
    } else if (strcmp(o->kind, "PodTemplate") != 0) {
        struct k8s_workload kw;
        int r = k8s_workload_init(&kw, o);
        if (r < 0)
            return nomem(ld);
        if (r == 1) {
            rc = workload_read(ld, o, &kw);
            k8s_workload_free(&kw);
        }
    }
    ld->what = "";
    return rc;
}

int np_cluster_add_yaml(struct np_cluster *c, const char *path, const char *data, size_t len,
                        struct strata_error *err)
{
    struct ky_stream *s;
    int rc = ky_open(&s, path, data, len, err);
    if (rc != 0)
        return rc;
    struct load ld = {c, path, err, ""};
    struct ky_node *root;
    while ((rc = ky_next(s, &root, err)) == 1) {
        rc = k8s_objects_each(root, object_read, &ld);
        if (rc != 0)
            break;
    }
    ky_close(s);
    return rc < 0 ? rc : 0;
}

void np_cluster_drop_policies(struct np_cluster *c)
{
    c->n_pol = 0;
    c->n_ipblocks = 0;
    c->n_ipv6_blocks = 0;
}
