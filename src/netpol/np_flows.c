/* Required flows (np_flows.h). */
#include "netpol/np_flows.h"

#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "core/vec.h"
#include "netpol/np_conn.h"

void np_flows_init(struct np_flows *fl, size_t n_wl)
{
    memset(fl, 0, sizeof *fl);
    fl->n_wl = n_wl;
}

void np_flows_release(struct np_flows *fl)
{
    for (size_t i = 0; i < fl->n_ep; i++) {
        free(fl->ep[i].ranges);
        free(fl->ep[i].text);
    }
    free(fl->ep);
    free(fl->f);
    memset(fl, 0, sizeof *fl);
}

static int flow_add(struct np_flows *fl, uint32_t src, uint32_t dst, int all, int proto,
                    unsigned lo, unsigned hi)
{
    if (fl->n >= NP_MAX_FLOWS)
        return STRATA_ELIMIT;
    struct np_flow *f = vec_grow(fl->f, fl->n, &fl->cap, sizeof *f);
    if (f == NULL)
        return STRATA_ENOMEM;
    fl->f = f;
    f[fl->n++] = (struct np_flow){src,
                                  dst,
                                  (uint8_t)all,
                                  (uint8_t)(all ? 0 : proto),
                                  (uint16_t)(all ? 0 : lo),
                                  (uint16_t)(all ? 0 : hi)};
    return 0;
}

/* A new address endpoint owning ranges and text. Returns its id, or -1 on ENOMEM. */
static int64_t endpoint_add(struct np_flows *fl, struct np_cidr *ranges, size_t n, char *text)
{
    struct np_endpoint *ep = vec_grow(fl->ep, fl->n_ep, &fl->cap_ep, sizeof *ep);
    if (ep == NULL)
        return -1;
    fl->ep = ep;
    ep[fl->n_ep] = (struct np_endpoint){ranges, n, text};
    return (int64_t)(fl->n_wl + fl->n_ep++);
}

static int flow_cmp(const void *a, const void *b)
{
    const struct np_flow *x = a, *y = b;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    if (x->dst != y->dst)
        return x->dst < y->dst ? -1 : 1;
    if (x->all != y->all)
        return y->all - x->all;
    if (x->proto != y->proto)
        return x->proto - y->proto;
    if (x->lo != y->lo)
        return x->lo - y->lo;
    return x->hi - y->hi;
}

static void flows_sort_unique(struct np_flows *fl)
{
    if (fl->n < 2)
        return;
    qsort(fl->f, fl->n, sizeof *fl->f, flow_cmp);
    size_t k = 1;
    for (size_t i = 1; i < fl->n; i++)
        if (flow_cmp(&fl->f[i], &fl->f[k - 1]) != 0)
            fl->f[k++] = fl->f[i];
    fl->n = k;
}

/* ---- the flows file ---- */

struct parse {
    struct np_flows *fl;
    const char *path;
    struct strata_error *err;
    struct strmap names; /* workload name -> index + 1 */
    struct strmap cidrs; /* CIDR text -> endpoint id + 1 */
    unsigned line;
};

static int perr(struct parse *p, const char *line, const char *at, const char *fmt, const char *tok)
{
    return strata_error_set(p->err, STRATA_EFORMAT, "%s:%u:%zu: %s%s%s%s", p->path, p->line,
                            (size_t)(at - line) + 1, fmt, tok ? " '" : "", tok ? tok : "",
                            tok ? "'" : "");
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
    unsigned v = 0;
    if (*s == '\0')
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (unsigned)(*s - '0')) > max)
            return -1;
    }
    *out = v;
    return 0;
}

/* "a.b.c.d/n" with no host bits set. */
static int cidr_parse(const char *s, struct np_cidr *out)
{
    unsigned o[4], pl;
    char extra;
    if (sscanf(s, "%3u.%3u.%3u.%3u/%2u%c", &o[0], &o[1], &o[2], &o[3], &pl, &extra) != 5)
        return -1;
    if (o[0] > 255 || o[1] > 255 || o[2] > 255 || o[3] > 255 || pl > 32 || strchr(s, '+') ||
        strchr(s, '-') || strchr(s, ' '))
        return -1;
    uint32_t a = o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3];
    uint32_t mask = pl == 0 ? 0 : 0xffffffffu << (32 - pl);
    if ((a & ~mask) != 0)
        return -1;
    out->lo = a;
    out->hi = a | ~mask;
    return 0;
}

static int cidr_cmp(const void *a, const void *b)
{
    const struct np_cidr *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

/* Sorts ranges and merges overlapping or adjacent ones; returns the new count. */
static size_t ranges_merge(struct np_cidr *r, size_t n)
{
    if (n < 2)
        return n;
    qsort(r, n, sizeof *r, cidr_cmp);
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        if (r[k].hi == 0xffffffffu || (uint64_t)r[i].lo <= (uint64_t)r[k].hi + 1) {
            if (r[i].hi > r[k].hi)
                r[k].hi = r[i].hi;
        } else {
            r[++k] = r[i];
        }
    }
    return k + 1;
}

/* An end of a flow: a workload name, or IPv4 CIDRs separated by commas (their union).
 * Returns the endpoint id, or -1 (err set). */
static int64_t parse_end(struct parse *p, const char *line, const char *tok)
{
    void *v = strmap_get(&p->names, tok);
    if (v != NULL)
        return (int64_t)(uintptr_t)v - 1;
    if (strchr(tok, '.') == NULL || strchr(tok, '/') == NULL) {
        perr(p, line, tok, "no workload (namespace/Kind/name) or CIDR", tok);
        return -1;
    }
    if ((v = strmap_get(&p->cidrs, tok)) != NULL)
        return (int64_t)(uintptr_t)v - 1;
    size_t n = 1;
    for (const char *q = tok; *q; q++)
        n += *q == ',';
    struct np_cidr *rr = malloc(n * sizeof *rr);
    char *text = strdup(tok), *copy = strdup(tok);
    if (rr == NULL || text == NULL || copy == NULL) {
        free(rr);
        free(text);
        free(copy);
        strata_error_nomem(p->err);
        return -1;
    }
    size_t k = 0;
    char *save = NULL;
    for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        if (cidr_parse(c, &rr[k]) != 0) {
            perr(p, line, tok + (c - copy), "not an IPv4 CIDR (a.b.c.d/n, no host bits)", c);
            free(rr);
            free(text);
            free(copy);
            return -1;
        }
        k++;
    }
    free(copy);
    int64_t id = endpoint_add(p->fl, rr, ranges_merge(rr, k), text);
    if (id < 0) {
        free(rr);
        free(text);
        strata_error_nomem(p->err);
        return -1;
    }
    if (strmap_put(&p->cidrs, text, (void *)(uintptr_t)(id + 1)) != 0) {
        strata_error_nomem(p->err);
        return -1;
    }
    return id;
}

static int parse_ports(struct parse *p, const char *line, char *tok, uint32_t src, uint32_t dst)
{
    char *save = NULL;
    for (char *item = strtok_r(tok, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        if (strcmp(item, "all") == 0 || strcmp(item, "All") == 0) {
            int rc = flow_add(p->fl, src, dst, 1, 0, 0, 0);
            if (rc != 0)
                return rc == STRATA_ENOMEM ? strata_error_nomem(p->err)
                                           : perr(p, line, item, "too many flows", NULL);
            continue;
        }
        int proto = NP_TCP;
        char *slash = strchr(item, '/');
        const char *pname = slash ? slash + 1 : NULL;
        if (slash == NULL &&
            (strcmp(item, "TCP") == 0 || strcmp(item, "UDP") == 0 || strcmp(item, "SCTP") == 0))
            pname = item;
        if (pname != NULL) {
            if (strcmp(pname, "TCP") == 0)
                proto = NP_TCP;
            else if (strcmp(pname, "UDP") == 0)
                proto = NP_UDP;
            else if (strcmp(pname, "SCTP") == 0)
                proto = NP_SCTP;
            else
                return perr(p, line, pname, "protocol must be TCP, UDP or SCTP, got", pname);
        }
        unsigned lo = 1, hi = 65535;
        if (pname != item) {
            if (slash)
                *slash = '\0';
            char *dash = strchr(item, '-');
            if (dash)
                *dash = '\0';
            if (parse_uint(item, 65535, &lo) != 0 || lo == 0 ||
                (dash && (parse_uint(dash + 1, 65535, &hi) != 0 || hi < lo)))
                return perr(p, line, item, "expected a port 1-65535 or a range lo-hi, got", item);
            if (!dash)
                hi = lo;
        }
        int rc = flow_add(p->fl, src, dst, 0, proto, lo, hi);
        if (rc != 0)
            return rc == STRATA_ENOMEM ? strata_error_nomem(p->err)
                                       : perr(p, line, item, "too many flows", NULL);
    }
    return 0;
}

int np_flows_parse(struct np_flows *fl, struct np_engine *e, const char *path, const char *data,
                   size_t len, struct strata_error *err)
{
    struct parse p = {
        .fl = fl, .path = path, .err = err, .names = STRMAP_INIT, .cidrs = STRMAP_INIT};
    struct np_names nm = {0};
    int rc = np_names_build(e, &nm);
    if (rc != 0)
        return strata_error_nomem(err);
    for (size_t i = 0; i < fl->n_wl && rc == 0; i++)
        if (strmap_put(&p.names, nm.name[i], (void *)(uintptr_t)(i + 1)) != 0)
            rc = strata_error_nomem(err);
    size_t pos = 0;
    char buf[NP_MAX_FLOWS_LINE + 1];
    while (rc == 0 && pos < len) {
        p.line++;
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
        if (n > NP_MAX_FLOWS_LINE) {
            rc = strata_error_set(err, STRATA_ELIMIT, "%s:%u: line longer than %u bytes", path,
                                  p.line, NP_MAX_FLOWS_LINE);
            break;
        }
        memcpy(buf, data + pos, n);
        buf[n] = '\0';
        pos += n + (nl != NULL);
        if (memchr(buf, '\0', n) != NULL) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%u: NUL byte", path, p.line);
            break;
        }
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char copy[NP_MAX_FLOWS_LINE + 1];
        memcpy(copy, buf, n + 1);
        char *tok[4] = {0}, *save = NULL;
        int nt = 0;
        for (char *t = strtok_r(buf, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save))
            if (nt < 4)
                tok[nt++] = t;
            else
                nt++;
        if (nt == 0)
            continue;
        if (nt != 3) {
            rc = perr(&p, buf, nt > 3 ? tok[3] : buf,
                      "expected three fields: SRC DST PORTS (e.g. prod/Deployment/web "
                      "prod/Deployment/db 5432/TCP)",
                      NULL);
            break;
        }
        int64_t s = parse_end(&p, buf, tok[0]), d = s < 0 ? -1 : parse_end(&p, buf, tok[1]);
        if (s < 0 || d < 0) {
            rc = STRATA_EFORMAT;
            break;
        }
        if ((size_t)s >= fl->n_wl && (size_t)d >= fl->n_wl) {
            rc = perr(&p, buf, tok[0], "one end of a flow must be a workload", NULL);
            break;
        }
        rc = parse_ports(&p, buf, tok[2], (uint32_t)s, (uint32_t)d);
    }
    strmap_release(&p.names);
    strmap_release(&p.cidrs);
    np_names_release(&nm);
    if (rc == 0)
        flows_sort_unique(fl);
    return rc;
}

/* ---- derived from the current connectivity ---- */

static int allows(const struct np_allow *a, int proto, unsigned port)
{
    if (a->all)
        return 1;
    const struct np_pset *s = &a->p[proto];
    for (uint32_t i = 0; i < s->n; i++)
        if (s->r[i].lo <= port && port <= s->r[i].hi)
            return 1;
    return 0;
}

struct derive {
    struct np_flows *fl;
    struct np_engine *e;
    const struct np_cluster *c;
    int64_t *ext_ep; /* external entity - n_wl -> endpoint id, -1 before first use */
    int rc;
};

static int64_t external_endpoint(struct derive *d, size_t ent)
{
    size_t k = ent - d->fl->n_wl;
    if (d->ext_ep[k] >= 0)
        return d->ext_ep[k];
    struct np_cidr *r;
    size_t n;
    struct strbuf sb = STRBUF_INIT;
    if (np_entity_ranges(d->e, ent, &r, &n) != 0)
        return -1;
    /* the flows file's form: CIDRs separated by commas, no spaces */
    int first = 1, rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = np_range_cidrs(r[i].lo, r[i].hi, &sb, &first);
    if (rc != 0 || sb.buf == NULL) {
        free(r);
        strbuf_release(&sb);
        return -1;
    }
    char *text = strbuf_detach(&sb);
    int64_t id = endpoint_add(d->fl, r, n, text);
    if (id < 0) {
        free(r);
        free(text);
    }
    return d->ext_ep[k] = id;
}

static int derive_pair(void *u, size_t src, size_t dst, const struct np_allow *a)
{
    struct derive *d = u;
    if (dst >= d->fl->n_wl) {
        d->fl->dropped_outside++;
        return 0;
    }
    const struct np_workload *w = &d->c->wl[dst];
    int64_t s = (int64_t)src;
    for (uint32_t i = 0; i < w->n_ports; i++) {
        if (!allows(a, w->ports[i].proto, w->ports[i].port))
            continue;
        if (src >= d->fl->n_wl && (s = external_endpoint(d, src)) < 0)
            return STRATA_ENOMEM;
        int rc = flow_add(d->fl, (uint32_t)s, (uint32_t)dst, 0, w->ports[i].proto, w->ports[i].port,
                          w->ports[i].port);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int is_dns_pod(const struct np_cluster *c, size_t w)
{
    void *k = strmap_get(&c->name_ids, "k8s-app");
    if (k == NULL)
        return 0;
    int64_t v = np_label_get(&c->wl[w].labels, (uint32_t)((uintptr_t)k - 1));
    if (v < 0)
        return 0;
    const char *val = c->names[v];
    return strcmp(val, "kube-dns") == 0 || strcmp(val, "coredns") == 0;
}

int np_flows_derive(struct np_flows *fl, struct np_engine *e, const struct np_cluster *c,
                    struct strata_error *err)
{
    size_t n_x = np_engine_entities(e) - fl->n_wl;
    struct derive d = {.fl = fl, .e = e, .c = c};
    d.ext_ep = malloc((n_x + 1) * sizeof *d.ext_ep);
    if (d.ext_ep == NULL)
        return strata_error_nomem(err);
    for (size_t i = 0; i < n_x; i++)
        d.ext_ep[i] = -1;
    int rc = np_engine_each(e, derive_pair, &d);
    free(d.ext_ep);
    /* DNS must keep working: every workload to every DNS pod on 53/UDP and 53/TCP */
    for (size_t w = 0; rc == 0 && w < c->n_wl; w++) {
        if (!is_dns_pod(c, w))
            continue;
        fl->dns_pods++;
        for (size_t s = 0; rc == 0 && s < c->n_wl; s++)
            if ((rc = flow_add(fl, (uint32_t)s, (uint32_t)w, 0, NP_UDP, 53, 53)) == 0)
                rc = flow_add(fl, (uint32_t)s, (uint32_t)w, 0, NP_TCP, 53, 53);
    }
    if (rc == STRATA_ELIMIT)
        return strata_error_set(err, rc, "more than %u required flows", NP_MAX_FLOWS);
    if (rc != 0)
        return strata_error_nomem(err);
    flows_sort_unique(fl);
    return 0;
}

/* ---- writing ---- */

static const char *end_text(const struct np_flows *fl, const struct np_names *nm, uint32_t id)
{
    return id < fl->n_wl ? nm->name[id] : fl->ep[id - fl->n_wl].text;
}

int np_flows_write(const struct np_flows *fl, struct np_engine *e, FILE *out)
{
    struct np_names nm = {0};
    if (np_names_build(e, &nm) != 0)
        return STRATA_ENOMEM;
    fputs("# SRC DST PORTS (strata netpol suggest --flows)\n", out);
    for (size_t i = 0; i < fl->n; i++) {
        const struct np_flow *f = &fl->f[i];
        fprintf(out, "%s %s ", end_text(fl, &nm, f->src), end_text(fl, &nm, f->dst));
        if (f->all)
            fputs("all\n", out);
        else if (f->lo == 1 && f->hi == 65535)
            fprintf(out, "%s\n", np_proto_name((enum np_proto)f->proto));
        else if (f->lo == f->hi)
            fprintf(out, "%u/%s\n", f->lo, np_proto_name((enum np_proto)f->proto));
        else
            fprintf(out, "%u-%u/%s\n", f->lo, f->hi, np_proto_name((enum np_proto)f->proto));
    }
    np_names_release(&nm);
    return fflush(out) != 0 || ferror(out) ? STRATA_EIO : 0;
}

/* ---- label twins ---- */

static int labels_equal(const struct np_labels *a, const struct np_labels *b)
{
    if (a->n != b->n)
        return 0;
    for (uint32_t i = 0; i < a->n; i++)
        if (a->l[i].key != b->l[i].key || a->l[i].value != b->l[i].value)
            return 0;
    return 1;
}

size_t *np_label_twins(const struct np_cluster *c)
{
    size_t *g = malloc((c->n_wl + 1) * sizeof *g);
    if (g == NULL)
        return NULL;
    /* hash of (namespace, labels) -> first workload, chained through next[] */
    size_t cap = 16;
    while (cap < c->n_wl * 2)
        cap *= 2;
    size_t *head = malloc(cap * sizeof *head), *next = malloc((c->n_wl + 1) * sizeof *next);
    if (head == NULL || next == NULL) {
        free(head);
        free(next);
        free(g);
        return NULL;
    }
    for (size_t i = 0; i < cap; i++)
        head[i] = SIZE_MAX;
    for (size_t w = 0; w < c->n_wl; w++) {
        const struct np_workload *wl = &c->wl[w];
        uint64_t h = wl->ns * 0x9e3779b97f4a7c15u;
        for (uint32_t i = 0; i < wl->labels.n; i++)
            h = (h ^ ((uint64_t)wl->labels.l[i].key << 32 | wl->labels.l[i].value)) *
                0x100000001b3u;
        size_t b = (size_t)(h ^ h >> 29) & (cap - 1), k = head[b];
        while (k != SIZE_MAX &&
               !(c->wl[k].ns == wl->ns && labels_equal(&c->wl[k].labels, &wl->labels)))
            k = next[k];
        if (k != SIZE_MAX) {
            g[w] = k;
            next[w] = SIZE_MAX;
        } else {
            g[w] = w;
            next[w] = head[b];
            head[b] = w;
        }
    }
    free(head);
    free(next);
    return g;
}

/* ---- the round-trip check ---- */

struct keyed {
    size_t ks, kd; /* twin-group (or address endpoint) of each end */
    size_t flow;
};

static int keyed_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->ks != y->ks)
        return x->ks < y->ks ? -1 : 1;
    if (x->kd != y->kd)
        return x->kd < y->kd ? -1 : 1;
    return x->flow < y->flow ? -1 : x->flow > y->flow;
}

struct check {
    const struct np_flows *fl;
    struct np_engine *e;
    const size_t *twin;
    struct keyed *k;
    size_t n_k;
    struct vec *cover; /* per external entity: size_t endpoint ids whose ranges hold it */
    unsigned char *seen;
    struct np_allow exp;
    struct np_names nm;
    struct strbuf *diff;
    size_t *mismatches;
};

static size_t first_key(const struct check *ck, size_t ks, size_t kd)
{
    size_t lo = 0, hi = ck->n_k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct keyed *m = &ck->k[mid];
        if (m->ks < ks || (m->ks == ks && m->kd < kd))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int expect_add(struct check *ck, size_t ks, size_t kd)
{
    for (size_t i = first_key(ck, ks, kd); i < ck->n_k && ck->k[i].ks == ks && ck->k[i].kd == kd;
         i++) {
        const struct np_flow *f = &ck->fl->f[ck->k[i].flow];
        ck->seen[ck->k[i].flow] = 1;
        if (f->all)
            ck->exp.all = 1;
        else if (np_pset_add(&ck->exp.p[f->proto], f->lo, f->hi) != 0)
            return STRATA_ENOMEM;
    }
    return 0;
}

static int note(struct check *ck, const char *fmt, const char *a, const char *b, const char *c,
                const char *d)
{
    if (++*ck->mismatches > 20)
        return 0;
    return strbuf_addf(ck->diff, fmt, a, b, c, d);
}

static int check_pair(void *u, size_t src, size_t dst, const struct np_allow *a)
{
    struct check *ck = u;
    size_t n_wl = ck->fl->n_wl;
    np_allow_clear(&ck->exp);
    const size_t *sk = src < n_wl ? &ck->twin[src] : ck->cover[src - n_wl].p;
    size_t ns = src < n_wl ? 1 : ck->cover[src - n_wl].n;
    const size_t *dk = dst < n_wl ? &ck->twin[dst] : ck->cover[dst - n_wl].p;
    size_t nd = dst < n_wl ? 1 : ck->cover[dst - n_wl].n;
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < nd; j++)
            if (expect_add(ck, sk[i], dk[j]) != 0)
                return STRATA_ENOMEM;
    for (int p = 0; p < NP_NPROTO; p++)
        np_pset_normalize(&ck->exp.p[p]);
    if (np_allow_equal(a, &ck->exp))
        return 0;
    struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
    int rc = np_allow_format(a, &got) || np_allow_format(&ck->exp, &want);
    if (rc == 0)
        rc = note(ck, "  %s -> %s: allowed %s, required %s\n", ck->nm.name[src], ck->nm.name[dst],
                  got.buf, want.buf);
    strbuf_release(&got);
    strbuf_release(&want);
    return rc ? STRATA_ENOMEM : 0;
}

static int in_ranges(const struct np_endpoint *ep, uint32_t ip)
{
    for (size_t i = 0; i < ep->n_ranges; i++)
        if (ep->ranges[i].lo <= ip && ip <= ep->ranges[i].hi)
            return 1;
    return 0;
}

int np_flows_check(const struct np_flows *fl, struct np_engine *e, const struct np_cluster *c,
                   struct strbuf *diff, size_t *mismatches)
{
    struct check ck = {.fl = fl, .e = e, .diff = diff, .mismatches = mismatches};
    size_t n_wl = fl->n_wl, n_x = np_engine_entities(e) - n_wl;
    int rc = 0;
    *mismatches = 0;
    size_t *twin = np_label_twins(c);
    ck.twin = twin;
    ck.k = malloc((fl->n + 1) * sizeof *ck.k);
    ck.cover = calloc(n_x + 1, sizeof *ck.cover);
    ck.seen = calloc(fl->n + 1, 1);
    if (twin == NULL || ck.k == NULL || ck.cover == NULL || ck.seen == NULL ||
        np_names_build(e, &ck.nm) != 0)
        rc = STRATA_ENOMEM;
    for (size_t i = 0; rc == 0 && i < fl->n; i++) {
        const struct np_flow *f = &fl->f[i];
        ck.k[i] = (struct keyed){f->src < n_wl ? twin[f->src] : f->src,
                                 f->dst < n_wl ? twin[f->dst] : f->dst, i};
    }
    ck.n_k = fl->n;
    if (rc == 0 && ck.n_k > 1)
        qsort(ck.k, ck.n_k, sizeof *ck.k, keyed_cmp);
    /* the address endpoints holding each external entity (its first address stands for it:
     * the policies checked were written from these endpoints, so entities never straddle) */
    for (size_t x = 0; rc == 0 && x < n_x; x++) {
        struct np_cidr *r;
        size_t n;
        if ((rc = np_entity_ranges(e, n_wl + x, &r, &n)) != 0)
            break;
        for (size_t k = 0; n > 0 && k < fl->n_ep && rc == 0; k++) {
            if (!in_ranges(&fl->ep[k], r[0].lo))
                continue;
            size_t *slot = vec_push(&ck.cover[x], sizeof *slot);
            if (slot == NULL)
                rc = STRATA_ENOMEM;
            else
                *slot = n_wl + k;
        }
        free(r);
    }
    if (rc == 0)
        rc = np_engine_each(e, check_pair, &ck);
    for (size_t i = 0; rc == 0 && i < fl->n; i++)
        if (!ck.seen[i]) {
            const struct np_flow *f = &fl->f[i];
            struct strbuf want = STRBUF_INIT;
            if (f->all)
                rc = strbuf_adds(&want, "all");
            else
                rc = strbuf_addf(&want, "%u-%u/%s", f->lo, f->hi,
                                 np_proto_name((enum np_proto)f->proto));
            if (rc == 0)
                rc = note(&ck, "  %s -> %s: required %s%s, not allowed\n",
                          end_text(fl, &ck.nm, f->src), end_text(fl, &ck.nm, f->dst), want.buf, "");
            strbuf_release(&want);
        }
    np_allow_release(&ck.exp);
    for (size_t x = 0; ck.cover && x < n_x; x++)
        free(ck.cover[x].p);
    free(ck.cover);
    free(ck.k);
    free(ck.seen);
    free(twin);
    np_names_release(&ck.nm);
    return rc ? STRATA_ENOMEM : 0;
}
