/* The connectivity engine. Work is done once at build time so that a pair costs only the
 * rules of the policies selecting its two ends:
 *   - per workload, the policies selecting it for ingress and for egress (CSR lists), found
 *     by testing each policy against the workloads of its own namespace only;
 *   - per rule, a bitset of the workloads and one of the external entities its peers match;
 *   - the external entities: IPv4 space cut at every ipBlock cidr/except boundary, pieces
 *     matched by the same ipBlocks grouped together.
 * Semantics: https://kubernetes.io/docs/concepts/services-networking/network-policies/ */
#include <stdlib.h>
#include <string.h>

#include "core/vec.h"
#include "netpol/np_engine.h"
#include "netpol/np_engine_impl.h"

static int bit(const uint64_t *b, size_t i)
{
    return (int)((b[i / 64] >> (i % 64)) & 1);
}

static void setbit(uint64_t *b, size_t i)
{
    b[i / 64] |= (uint64_t)1 << (i % 64);
}

/* ---- policy selection ---- */

struct pair32 {
    uint32_t w, p;
};

static int csr_build(struct np_engine *e, int dir, const struct pair32 *pr, size_t n)
{
    e->off[dir] = calloc(e->n_wl + 1, sizeof *e->off[dir]);
    e->sel[dir] = malloc((n + 1) * sizeof *e->sel[dir]);
    if (e->off[dir] == NULL || e->sel[dir] == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < n; i++)
        e->off[dir][pr[i].w + 1]++;
    for (size_t w = 0; w < e->n_wl; w++)
        e->off[dir][w + 1] += e->off[dir][w];
    uint32_t *fill = malloc((e->n_wl + 1) * sizeof *fill);
    if (fill == NULL)
        return STRATA_ENOMEM;
    memcpy(fill, e->off[dir], (e->n_wl + 1) * sizeof *fill);
    for (size_t i = 0; i < n; i++) /* pairs come policy-major: each list keeps policy order */
        e->sel[dir][fill[pr[i].w]++] = pr[i].p;
    free(fill);
    return 0;
}

/* Workloads of each namespace, CSR. */
struct by_ns {
    uint32_t *off, *wl;
    /* label sets: ls[w] numbers the distinct label sets (equal labels, equal number); per
     * peer, stamp/hit remember a pod selector's answer for each set */
    uint32_t *ls, *stamp;
    uint8_t *hit;
    uint32_t gen;
};

static int labels_equal(const struct np_labels *a, const struct np_labels *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->l, b->l, a->n * sizeof *a->l) == 0);
}

/* Numbers the distinct label sets of the workloads (open addressing on their hash). */
static int label_sets_build(const struct np_cluster *c, struct by_ns *b)
{
    size_t cap = 16;
    while (cap < c->n_wl * 2)
        cap *= 2;
    uint32_t *slot = malloc(cap * sizeof *slot); /* a workload of the set, UINT32_MAX free */
    b->ls = malloc((c->n_wl + 1) * sizeof *b->ls);
    b->stamp = calloc(c->n_wl + 1, sizeof *b->stamp);
    b->hit = calloc(c->n_wl + 1, 1);
    if (slot == NULL || b->ls == NULL || b->stamp == NULL || b->hit == NULL) {
        free(slot);
        return STRATA_ENOMEM;
    }
    memset(slot, 0xff, cap * sizeof *slot);
    uint32_t n = 0;
    for (size_t w = 0; w < c->n_wl; w++) {
        const struct np_labels *l = &c->wl[w].labels;
        uint64_t h = 0xcbf29ce484222325u;
        for (uint32_t i = 0; i < l->n; i++)
            h = (h ^ ((uint64_t)l->l[i].key << 32 | l->l[i].value)) * 0x100000001b3u;
        size_t i = (size_t)(h ^ (h >> 31)) & (cap - 1);
        while (slot[i] != UINT32_MAX && !labels_equal(&c->wl[slot[i]].labels, l))
            i = (i + 1) & (cap - 1);
        if (slot[i] == UINT32_MAX) {
            slot[i] = (uint32_t)w;
            b->ls[w] = n++;
        } else {
            b->ls[w] = b->ls[slot[i]];
        }
    }
    free(slot);
    return 0;
}

static int by_ns_build(const struct np_cluster *c, struct by_ns *b)
{
    b->off = calloc(c->n_ns + 1, sizeof *b->off);
    b->wl = malloc((c->n_wl + 1) * sizeof *b->wl);
    uint32_t *fill = malloc((c->n_ns + 1) * sizeof *fill);
    if (b->off == NULL || b->wl == NULL || fill == NULL) {
        free(fill);
        return STRATA_ENOMEM;
    }
    for (size_t w = 0; w < c->n_wl; w++)
        b->off[c->wl[w].ns + 1]++;
    for (size_t n = 0; n < c->n_ns; n++)
        b->off[n + 1] += b->off[n];
    memcpy(fill, b->off, (c->n_ns + 1) * sizeof *fill);
    for (size_t w = 0; w < c->n_wl; w++)
        b->wl[fill[c->wl[w].ns]++] = (uint32_t)w;
    free(fill);
    return label_sets_build(c, b);
}

static int select_policies(struct np_engine *e, const struct by_ns *b)
{
    const struct np_cluster *c = e->c;
    struct vec v[2] = {{0}, {0}};
    int rc = 0;
    for (size_t p = 0; p < c->n_pol && rc == 0; p++) {
        const struct np_policy *pol = &c->pol[p];
        for (uint32_t k = b->off[pol->ns]; k < b->off[pol->ns + 1] && rc == 0; k++) {
            uint32_t w = b->wl[k];
            if (!np_selector_matches(&pol->pod, &c->wl[w].labels))
                continue;
            for (int dir = 0; dir < 2 && rc == 0; dir++) {
                if (!(dir ? pol->egress : pol->ingress))
                    continue;
                struct pair32 *x = vec_push(&v[dir], sizeof *x);
                if (x == NULL)
                    rc = STRATA_ENOMEM;
                else
                    x->w = w, x->p = (uint32_t)p;
            }
        }
    }
    for (int dir = 0; dir < 2 && rc == 0; dir++)
        rc = csr_build(e, dir, v[dir].p, v[dir].n);
    free(v[0].p);
    free(v[1].p);
    return rc;
}

/* ---- external entities ---- */

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Index of the interval holding address a. */
static size_t iv_of(const struct np_engine *e, uint64_t a)
{
    size_t lo = 0, hi = e->n_iv;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->pts[mid] <= a)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The IPv4 ipBlock peers of every rule of every policy. */
static int v4_blocks(const struct np_cluster *c, struct vec *out)
{
    for (size_t p = 0; p < c->n_pol; p++)
        for (int d = 0; d < 2; d++) {
            uint32_t nr = d ? c->pol[p].n_eg : c->pol[p].n_in;
            for (uint32_t r = 0; r < nr; r++) {
                const struct np_rule *rule = d ? &c->pol[p].eg[r] : &c->pol[p].in[r];
                for (uint32_t k = 0; k < rule->n_peers; k++) {
                    const struct np_peer *peer = &rule->peers[k];
                    if (!peer->is_ipblock || peer->ipv6)
                        continue;
                    const struct np_peer **x = vec_push(out, sizeof *x);
                    if (x == NULL)
                        return STRATA_ENOMEM;
                    *x = peer;
                }
            }
        }
    return 0;
}

static size_t sig_words;
static const uint64_t *sig_base;

static int sig_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int m = sig_words ? memcmp(sig_base + x * sig_words, sig_base + y * sig_words,
                               sig_words * sizeof(uint64_t))
                      : 0;
    return m ? m : (x < y ? -1 : x > y);
}

static int externals_build(struct np_engine *e, struct strata_error *err)
{
    const struct np_cluster *c = e->c;
    struct vec pts = {0}, blocks = {0};
    uint64_t *p0 = vec_push(&pts, sizeof *p0);
    if (p0 == NULL || v4_blocks(c, &blocks) != 0) {
        free(pts.p);
        free(blocks.p);
        return strata_error_nomem(err);
    }
    const struct np_peer **bl = blocks.p;
    for (size_t bi = 0; bi < blocks.n; bi++) {
        const struct np_peer *peer = bl[bi];
        for (uint32_t x = 0; x <= peer->n_except; x++) {
            const struct np_cidr *r = x == 0 ? &peer->cidr : &peer->except[x - 1];
            uint64_t *a = vec_push(&pts, sizeof *a), *b = a ? vec_push(&pts, sizeof *b) : NULL;
            if (b == NULL) {
                free(pts.p);
                free(blocks.p);
                return strata_error_nomem(err);
            }
            a = (uint64_t *)pts.p + pts.n - 2;
            a[0] = r->lo;
            a[1] = (uint64_t)r->hi + 1;
        }
    }
    uint64_t *pv = pts.p;
    qsort(pv, pts.n, sizeof *pv, u64_cmp);
    size_t n = 0;
    for (size_t i = 0; i < pts.n; i++)
        if (pv[i] < ((uint64_t)1 << 32) && (n == 0 || pv[i] != pv[n - 1]))
            pv[n++] = pv[i];
    e->pts = pv;
    e->n_iv = n;
    size_t words = (c->n_ipblocks + 63) / 64;
    if (words && n > NP_MAX_SIGNATURE_WORDS / words) {
        free(blocks.p);
        return strata_error_set(err, STRATA_ELIMIT,
                                "netpol: %zu external address ranges × %zu ipBlocks exceed the "
                                "bound of %u signature words",
                                n, c->n_ipblocks, NP_MAX_SIGNATURE_WORDS);
    }
    uint64_t *sig = calloc(n * words + 1, sizeof *sig);
    uint32_t *idx = malloc((n + 1) * sizeof *idx);
    e->iv_ent = malloc((n + 1) * sizeof *e->iv_ent);
    if (sig == NULL || idx == NULL || e->iv_ent == NULL) {
        free(sig);
        free(idx);
        free(blocks.p);
        return strata_error_nomem(err);
    }
    for (size_t bi = 0; bi < blocks.n; bi++) {
        const struct np_peer *peer = bl[bi];
        size_t a = iv_of(e, peer->cidr.lo), b = iv_of(e, peer->cidr.hi);
        for (size_t i = a; i <= b; i++)
            setbit(sig + i * words, peer->ipblock_id);
        for (uint32_t x = 0; x < peer->n_except; x++) {
            size_t ea = iv_of(e, peer->except[x].lo), eb = iv_of(e, peer->except[x].hi);
            for (size_t i = ea; i <= eb; i++)
                sig[i * words + peer->ipblock_id / 64] &= ~((uint64_t)1 << (peer->ipblock_id % 64));
        }
    }
    free(blocks.p);
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    sig_words = words;
    sig_base = sig;
    qsort(idx, n, sizeof *idx, sig_cmp);
    /* groups in order of their lowest address */
    uint32_t *first = malloc((n + 1) * sizeof *first), *gid = malloc((n + 1) * sizeof *gid);
    if (first == NULL || gid == NULL) {
        free(first);
        free(gid);
        free(sig);
        free(idx);
        return strata_error_nomem(err);
    }
    size_t groups = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || (words && memcmp(sig + idx[i] * words, sig + idx[i - 1] * words,
                                       words * sizeof *sig) != 0))
            first[groups++] = idx[i];
        gid[idx[i]] = (uint32_t)(groups - 1);
    }
    /* renumber: entity order = order of each group's first interval by address */
    uint32_t *rank = malloc((groups + 1) * sizeof *rank);
    if (rank == NULL) {
        free(first);
        free(gid);
        free(sig);
        free(idx);
        return strata_error_nomem(err);
    }
    size_t next = 0;
    for (size_t g = 0; g < groups; g++)
        rank[g] = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        if (rank[gid[i]] == UINT32_MAX)
            rank[gid[i]] = (uint32_t)next++;
        e->iv_ent[i] = rank[gid[i]];
    }
    e->n_x = groups;
    e->xwords = (groups + 63) / 64;
    /* each rule's external bits: an entity matches an ipBlock peer when its intervals do */
    free(rank);
    free(gid);
    free(idx);
    free(first);
    /* keep sig until rules are marked */
    sig_base = sig;
    return 0;
}

/* ---- rules ---- */

static int rules_build(struct np_engine *e, struct by_ns *b, struct strata_error *err)
{
    const struct np_cluster *c = e->c;
    uint64_t *sig = (uint64_t *)sig_base;
    size_t words = sig_words;
    size_t n = 0;
    for (size_t p = 0; p < c->n_pol; p++)
        n += c->pol[p].n_in + c->pol[p].n_eg;
    e->wwords = (e->n_wl + 63) / 64;
    size_t per = e->wwords + e->xwords;
    if (per && n > ((size_t)1 << 31) / per) {
        free(sig);
        return strata_error_set(err, STRATA_ELIMIT,
                                "netpol: %zu rules × %zu entities exceed the engine's bound", n,
                                e->n_wl + e->n_x);
    }
    e->rules = calloc(n + 1, sizeof *e->rules);
    e->pols = calloc(c->n_pol + 1, sizeof *e->pols);
    e->bits = calloc(n * per + 1, sizeof *e->bits);
    if (e->rules == NULL || e->pols == NULL || e->bits == NULL) {
        free(sig);
        return strata_error_nomem(err);
    }
    size_t k = 0;
    for (size_t p = 0; p < c->n_pol; p++) {
        const struct np_policy *pol = &c->pol[p];
        for (int d = 0; d < 2; d++) {
            if (d)
                e->pols[p].eg0 = (uint32_t)k;
            else
                e->pols[p].in0 = (uint32_t)k;
            uint32_t nr = d ? pol->n_eg : pol->n_in;
            for (uint32_t r = 0; r < nr; r++, k++) {
                struct erule *er = &e->rules[k];
                er->r = d ? &pol->eg[r] : &pol->in[r];
                er->wbits = e->bits + k * per;
                er->xbits = er->wbits + e->wwords;
                /* absent or empty from/to: everyone, inside and outside the cluster */
                er->all_peers = er->r->n_peers == 0;
                for (uint32_t q = 0; q < er->r->n_peers; q++) {
                    const struct np_peer *peer = &er->r->peers[q];
                    if (peer->is_ipblock) {
                        /* ipBlocks stand for addresses outside the cluster: pod IPs are
                         * not known offline (docs/netpol-engine.md) */
                        if (peer->ipv6)
                            continue;
                        /* the intervals it covers lie within its cidr's */
                        size_t lo = iv_of(e, peer->cidr.lo), hi = iv_of(e, peer->cidr.hi);
                        for (size_t i = lo; i <= hi; i++)
                            if (bit(sig + i * words, peer->ipblock_id))
                                setbit(er->xbits, e->iv_ent[i]);
                        continue;
                    }
                    /* a pod selector is evaluated once per distinct label set */
                    b->gen++;
                    for (size_t ns = 0; ns < c->n_ns; ns++) {
                        if (peer->has_ns ? !np_selector_matches(&peer->ns, &c->ns[ns].labels)
                                         : ns != pol->ns)
                            continue;
                        for (uint32_t j = b->off[ns]; j < b->off[ns + 1]; j++) {
                            uint32_t w = b->wl[j], ls = b->ls[w];
                            if (peer->has_pod && b->stamp[ls] != b->gen) {
                                b->stamp[ls] = b->gen;
                                b->hit[ls] =
                                    (uint8_t)np_selector_matches(&peer->pod, &c->wl[w].labels);
                            }
                            if (!peer->has_pod || b->hit[ls])
                                setbit(er->wbits, w);
                        }
                    }
                }
            }
        }
    }
    e->n_rules = n;
    free(sig);
    sig_base = NULL;
    return 0;
}

int np_engine_build(struct np_engine **out, const struct np_cluster *c, struct strata_error *err)
{
    *out = NULL;
    struct np_engine *e = calloc(1, sizeof *e);
    if (e == NULL)
        return strata_error_nomem(err);
    e->c = c;
    e->n_wl = c->n_wl;
    struct by_ns b = {0};
    int rc = by_ns_build(c, &b);
    if (rc == 0)
        rc = select_policies(e, &b);
    if (rc != 0)
        rc = strata_error_nomem(err);
    if (rc == 0)
        rc = externals_build(e, err);
    if (rc == 0)
        rc = rules_build(e, &b, err);
    free(b.off);
    free(b.wl);
    free(b.ls);
    free(b.stamp);
    free(b.hit);
    if (rc != 0) {
        np_engine_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

void np_engine_free(struct np_engine *e)
{
    if (e == NULL)
        return;
    for (int d = 0; d < 2; d++) {
        free(e->off[d]);
        free(e->sel[d]);
        np_allow_release(&e->side[d]);
    }
    np_allow_release(&e->out);
    np_each_cache_free(e->each);
    free(e->rules);
    free(e->pols);
    free(e->bits);
    free(e->pts);
    free(e->iv_ent);
    free(e);
}

size_t np_engine_entities(const struct np_engine *e)
{
    return e->n_wl + e->n_x;
}

int np_entity_is_external(const struct np_engine *e, size_t i)
{
    return i >= e->n_wl;
}

int np_workload_isolated(const struct np_engine *e, size_t w, int egress)
{
    return w < e->n_wl && e->off[egress][w + 1] > e->off[egress][w];
}

/* ---- names of external entities ---- */

static int add_cidrs(struct strbuf *sb, uint64_t lo, uint64_t hi, int *first)
{
    while (lo <= hi) {
        unsigned pl = 32;
        while (pl > 0) {
            uint64_t size = (uint64_t)1 << (32 - (pl - 1));
            if (lo % size != 0 || lo + size - 1 > hi)
                break;
            pl--;
        }
        int rc = strbuf_addf(sb, "%s%u.%u.%u.%u/%u", *first ? "" : ",", (unsigned)(lo >> 24) & 255,
                             (unsigned)(lo >> 16) & 255, (unsigned)(lo >> 8) & 255,
                             (unsigned)lo & 255, pl);
        if (rc != 0)
            return rc;
        *first = 0;
        lo += (uint64_t)1 << (32 - pl);
    }
    return 0;
}

int np_ranges_name(const struct np_cidr *r, size_t n, struct strbuf *out)
{
    struct strbuf in = STRBUF_INIT, ex = STRBUF_INIT;
    int first = 1, rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_cidrs(&in, r[i].lo, r[i].hi, &first);
    /* the complement, for "0.0.0.0/0 except …" when that is much shorter */
    uint64_t at = 0;
    first = 1;
    for (size_t i = 0; i <= n && rc == 0; i++) {
        uint64_t lo = i < n ? r[i].lo : ((uint64_t)1 << 32);
        if (lo > at)
            rc = add_cidrs(&ex, at, lo - 1, &first);
        if (i < n)
            at = (uint64_t)r[i].hi + 1;
    }
    if (rc == 0) {
        if (ex.len > 0 && ex.len + 16 < in.len)
            rc = strbuf_addf(out, "0.0.0.0/0 except %s", ex.buf);
        else
            rc = strbuf_add(out, in.buf ? in.buf : "", in.len);
    }
    strbuf_release(&in);
    strbuf_release(&ex);
    return rc;
}

int np_entity_name(const struct np_engine *e, size_t i, struct strbuf *out)
{
    if (i < e->n_wl) {
        const struct np_workload *w = &e->c->wl[i];
        return strbuf_addf(out, "%s/%s/%s", e->c->ns[w->ns].name, w->kind, w->name);
    }
    struct np_cidr *r;
    size_t n;
    int rc = np_entity_ranges(e, i, &r, &n);
    if (rc == 0)
        rc = np_ranges_name(r, n, out);
    free(r);
    return rc;
}

/* ---- pairs ---- */

static int rule_matches(const struct np_engine *e, const struct erule *r, size_t other)
{
    if (r->all_peers)
        return 1;
    return other < e->n_wl ? bit(r->wbits, other) : bit(r->xbits, other - e->n_wl);
}

/* Named ports resolve against the destination pod's container ports of that protocol. */
static int add_named(const struct np_engine *e, struct np_allow *a, const struct np_rport *p,
                     size_t dst)
{
    if (dst >= e->n_wl)
        return 0;
    const struct np_workload *w = &e->c->wl[dst];
    for (uint32_t i = 0; i < w->n_ports; i++)
        if (w->ports[i].name && w->ports[i].proto == p->proto &&
            strcmp(w->ports[i].name, p->name) == 0 &&
            np_pset_add(&a->p[p->proto], w->ports[i].port, w->ports[i].port) != 0)
            return STRATA_ENOMEM;
    return 0;
}

/* What workload w's own policies allow towards (egress) or from (ingress) other; dst is
 * the destination of the connection. Fills a; a->all when unrestricted. */
int np_side(struct np_engine *e, size_t w, size_t other, int egress, size_t dst, struct np_allow *a)
{
    np_allow_clear(a);
    uint32_t from = e->off[egress][w], to = e->off[egress][w + 1];
    if (from == to) {
        a->all = 1; /* not isolated in this direction */
        return 0;
    }
    for (uint32_t k = from; k < to; k++) {
        uint32_t p = e->sel[egress][k];
        const struct np_policy *pol = &e->c->pol[p];
        uint32_t r0 = egress ? e->pols[p].eg0 : e->pols[p].in0;
        uint32_t nr = egress ? pol->n_eg : pol->n_in;
        for (uint32_t r = r0; r < r0 + nr; r++) {
            const struct erule *er = &e->rules[r];
            if (!rule_matches(e, er, other))
                continue;
            if (er->r->n_ports == 0) {
                a->all = 1;
                return 0;
            }
            for (uint32_t q = 0; q < er->r->n_ports; q++) {
                const struct np_rport *rp = &er->r->ports[q];
                int rc = rp->name        ? add_named(e, a, rp, dst)
                         : rp->port == 0 ? np_pset_add(&a->p[rp->proto], 1, 65535)
                                         : np_pset_add(&a->p[rp->proto], rp->port, rp->end);
                if (rc != 0)
                    return rc;
            }
        }
    }
    for (int p = 0; p < NP_NPROTO; p++)
        np_pset_normalize(&a->p[p]);
    return 0;
}

int np_engine_pair(struct np_engine *e, size_t src, size_t dst, const struct np_allow **out)
{
    *out = &e->out;
    np_allow_clear(&e->out);
    int sx = src >= e->n_wl, dx = dst >= e->n_wl;
    if (sx && dx)
        return 0;
    struct np_allow *eg = &e->side[1], *in = &e->side[0];
    int rc = 0;
    if (sx)
        np_allow_clear(eg), eg->all = 1;
    else
        rc = np_side(e, src, dst, 1, dst, eg);
    if (rc != 0 || np_allow_empty(eg))
        return rc;
    if (dx)
        np_allow_clear(in), in->all = 1;
    else
        rc = np_side(e, dst, src, 0, dst, in);
    if (rc != 0)
        return rc;
    if (eg->all)
        return np_allow_copy(in, &e->out);
    if (in->all)
        return np_allow_copy(eg, &e->out);
    for (int p = 0; p < NP_NPROTO; p++)
        if (np_pset_intersect(&eg->p[p], &in->p[p], &e->out.p[p]) != 0)
            return STRATA_ENOMEM;
    return 0;
}

int np_engine_side(struct np_engine *e, size_t w, size_t other, int egress,
                   const struct np_allow **out)
{
    *out = &e->out;
    if (w >= e->n_wl) {
        np_allow_clear(&e->out);
        return 0;
    }
    return np_side(e, w, other, egress, egress ? other : w, &e->out);
}

int np_engine_rule_matches(const struct np_engine *e, size_t pol, int egress, uint32_t rule,
                           size_t entity)
{
    uint32_t r0 = egress ? e->pols[pol].eg0 : e->pols[pol].in0;
    return rule_matches(e, &e->rules[r0 + rule], entity);
}

size_t np_engine_policies(const struct np_engine *e, size_t w, int egress, const uint32_t **idx)
{
    if (w >= e->n_wl) {
        *idx = NULL;
        return 0;
    }
    *idx = e->sel[egress] + e->off[egress][w];
    return e->off[egress][w + 1] - e->off[egress][w];
}

size_t np_entity_of_address(const struct np_engine *e, uint32_t ip)
{
    return e->n_wl + e->iv_ent[iv_of(e, ip)];
}

int np_entity_ranges(const struct np_engine *e, size_t i, struct np_cidr **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (i < e->n_wl)
        return 0;
    uint32_t ent = (uint32_t)(i - e->n_wl);
    struct np_cidr *r = NULL;
    size_t cnt = 0, cap = 0;
    for (size_t k = 0; k < e->n_iv; k++) {
        if (e->iv_ent[k] != ent)
            continue;
        uint32_t lo = (uint32_t)e->pts[k];
        uint32_t hi = k + 1 < e->n_iv ? (uint32_t)(e->pts[k + 1] - 1) : 0xffffffffu;
        if (cnt > 0 && r[cnt - 1].hi != 0xffffffffu && r[cnt - 1].hi + 1 == lo) {
            r[cnt - 1].hi = hi;
            continue;
        }
        struct np_cidr *nr = vec_grow(r, cnt, &cap, sizeof *r);
        if (nr == NULL) {
            free(r);
            return STRATA_ENOMEM;
        }
        r = nr;
        r[cnt++] = (struct np_cidr){lo, hi};
    }
    *out = r;
    *n = cnt;
    return 0;
}

int np_range_cidrs(uint32_t lo, uint32_t hi, struct strbuf *out, int *first)
{
    return add_cidrs(out, lo, hi, first);
}
