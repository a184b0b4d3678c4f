/* Lateral-movement paths (np_paths.h): breadth-first search over the allowed-connection graph
 * from every start entity at once, so each target gets one shortest chain (ties broken by
 * entity order, deterministic). The graph is the engine's every-pair walk kept as adjacency
 * lists (4 bytes per connection); the ports of a hop are recomputed only for the hops that
 * are printed. A workload's connection to itself is no hop, and no path goes through an
 * outside address: those are only where an attacker starts. */
#include "netpol/np_paths.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_writer.h"

struct graph {
    struct np_engine *e;
    uint32_t *off; /* CSR: off[n + 1] */
    uint32_t *dst;
    size_t n, edges, cap;
    uint32_t cur; /* src being filled */
};

static int add_edge(void *u, size_t src, size_t dst, const struct np_allow *a)
{
    (void)a;
    struct graph *g = u;
    /* no hop to oneself; and none through the outside: outside addresses are where an
     * attacker starts, a path goes on inside the cluster */
    if (src == dst || np_entity_is_external(g->e, dst))
        return 0;
    if (g->edges >= UINT32_MAX)
        return STRATA_ELIMIT;
    while (g->cur < src)
        g->off[++g->cur] = (uint32_t)g->edges;
    if (g->edges == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 1024;
        uint32_t *p = realloc(g->dst, nc * sizeof *p);
        if (p == NULL)
            return STRATA_ENOMEM;
        g->dst = p, g->cap = nc;
    }
    g->dst[g->edges++] = (uint32_t)dst;
    return 0;
}

static int graph_build(struct np_engine *e, struct graph *g)
{
    g->e = e;
    g->n = np_engine_entities(e);
    g->off = calloc(g->n + 2, sizeof *g->off);
    if (g->off == NULL)
        return STRATA_ENOMEM;
    /* np_engine_each is src-major in entity order */
    int rc = np_engine_each(e, add_edge, g);
    while (rc == 0 && g->cur < g->n)
        g->off[++g->cur] = (uint32_t)g->edges;
    return rc;
}

static int is_target(const struct np_paths_opts *o, const struct np_cluster *c,
                     const struct np_names *nm, size_t i, size_t n_wl)
{
    if (i >= n_wl)
        return 0;
    if (o->exposed)
        return 1;
    if (o->to_glob != NULL && fnmatch(o->to_glob, nm->name[i], 0) == 0)
        return 1;
    return o->sensitive != NULL && np_selector_matches(o->sensitive, &c->wl[i].labels);
}

struct walker {
    struct np_engine *e;
    const struct np_names *nm;
    enum np_format fmt;
    FILE *out;
    struct json_writer jw;
    struct strbuf sb;
};

static int write_path(struct walker *w, const int64_t *parent, size_t target, unsigned hops)
{
    uint32_t chain[64 + 1];
    size_t n = 0;
    int64_t v = (int64_t)target;
    uint32_t *heap = NULL, *ch = chain;
    if (hops + 1 > 65 && (heap = ch = malloc((hops + 1) * sizeof *ch)) == NULL)
        return STRATA_ENOMEM;
    while (v >= 0) {
        ch[n++] = (uint32_t)v;
        v = parent[v];
    }
    int rc = 0;
    if (w->fmt == NP_FMT_JSON) {
        jw_begin_object(&w->jw);
        jw_key(&w->jw, "target");
        jw_string(&w->jw, w->nm->name[target]);
        jw_key(&w->jw, "from");
        jw_string(&w->jw, w->nm->name[ch[n - 1]]);
        jw_key(&w->jw, "hops");
        jw_integer(&w->jw, (long long)(n - 1));
        jw_key(&w->jw, "path");
        jw_begin_array(&w->jw);
    } else {
        fprintf(w->out, "%s  (%zu hop%s)\n", w->nm->name[target], n - 1, n == 2 ? "" : "s");
    }
    for (size_t k = n - 1; k > 0 && rc == 0; k--) {
        const struct np_allow *a;
        if ((rc = np_engine_pair(w->e, ch[k], ch[k - 1], &a)) != 0)
            break;
        strbuf_reset(&w->sb);
        if ((rc = np_allow_format(a, &w->sb)) != 0)
            break;
        if (w->fmt == NP_FMT_JSON) {
            jw_begin_object(&w->jw);
            jw_key(&w->jw, "src");
            jw_string(&w->jw, w->nm->name[ch[k]]);
            jw_key(&w->jw, "dst");
            jw_string(&w->jw, w->nm->name[ch[k - 1]]);
            jw_key(&w->jw, "ports");
            np_json_ports(&w->jw, a);
            jw_end_object(&w->jw);
        } else {
            fprintf(w->out, "  %zu. %s -> %s  [%s]\n", n - k, w->nm->name[ch[k]],
                    w->nm->name[ch[k - 1]], w->sb.buf);
        }
    }
    if (w->fmt == NP_FMT_JSON) {
        jw_end_array(&w->jw);
        jw_end_object(&w->jw);
    }
    free(heap);
    return rc;
}

int np_paths_write(struct np_engine *e, const struct np_cluster *c, const struct np_paths_opts *o,
                   enum np_format fmt, FILE *out, struct np_paths_stats *st,
                   struct strata_error *err)
{
    struct graph g = {0};
    struct np_names nm = {0};
    struct walker w = {.e = e, .nm = &nm, .fmt = fmt, .out = out, .sb = STRBUF_INIT};
    int64_t *parent = NULL;
    uint32_t *dist = NULL, *queue = NULL;
    memset(st, 0, sizeof *st);
    int rc = np_names_build(e, &nm);
    if (rc == 0)
        rc = graph_build(e, &g);
    size_t n = g.n, n_wl = c->n_wl;
    if (rc == 0) {
        parent = malloc((n + 1) * sizeof *parent);
        dist = malloc((n + 1) * sizeof *dist);
        queue = malloc((n + 1) * sizeof *queue);
        if (parent == NULL || dist == NULL || queue == NULL)
            rc = STRATA_ENOMEM;
    }
    size_t head = 0, tail = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        parent[i] = -1;
        int src =
            o->from_glob ? fnmatch(o->from_glob, nm.name[i], 0) == 0 : np_entity_is_external(e, i);
        dist[i] = src ? 0 : UINT32_MAX;
        if (src) {
            queue[tail++] = (uint32_t)i;
            st->sources++;
        }
    }
    unsigned max_hops = o->exposed ? 1 : o->max_hops;
    while (rc == 0 && head < tail) {
        uint32_t v = queue[head++];
        if (max_hops && dist[v] >= max_hops)
            continue;
        for (uint32_t k = g.off[v]; k < g.off[v + 1]; k++) {
            uint32_t d = g.dst[k];
            if (dist[d] != UINT32_MAX)
                continue;
            dist[d] = dist[v] + 1;
            parent[d] = v;
            queue[tail++] = d;
        }
    }
    if (rc == 0 && fmt == NP_FMT_JSON) {
        if (jw_init(&w.jw, out) != 0)
            rc = STRATA_ENOMEM;
        else {
            jw_begin_object(&w.jw);
            jw_key(&w.jw, "paths");
            jw_begin_array(&w.jw);
        }
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* a start entity is no target of its own */
        if (!is_target(o, c, &nm, i, n_wl) || dist[i] == 0)
            continue;
        st->targets++;
        if (dist[i] == UINT32_MAX)
            continue;
        st->reachable++;
        rc = write_path(&w, parent, i, dist[i]);
    }
    if (fmt == NP_FMT_JSON && w.jw.buf != NULL) {
        if (rc == 0) {
            jw_end_array(&w.jw);
            jw_key(&w.jw, "unreachable");
            jw_begin_array(&w.jw);
            for (size_t i = 0; i < n; i++)
                if (is_target(o, c, &nm, i, n_wl) && dist[i] == UINT32_MAX)
                    jw_string(&w.jw, nm.name[i]);
            jw_end_array(&w.jw);
            jw_end_object(&w.jw);
        }
        if (jw_finish(&w.jw) != 0 && rc == 0)
            rc = STRATA_EIO;
    } else if (rc == 0 && fflush(out) != 0) {
        rc = STRATA_EIO;
    }
    free(parent);
    free(dist);
    free(queue);
    free(g.off);
    free(g.dst);
    strbuf_release(&w.sb);
    np_names_release(&nm);
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(err);
    if (rc == STRATA_ELIMIT)
        return strata_error_set(err, rc, "more than %u connections to search", UINT32_MAX);
    if (rc == STRATA_EIO)
        return strata_error_set(err, rc, "writing the paths: %s", strerror(errno));
    return rc;
}
