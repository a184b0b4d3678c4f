/* `strata netpol conn` output (np_conn.h): rows stream from np_engine_each straight into the
 * writer; only the HTML graph collects its rows, bounded, to lay them out. */
#include "netpol/np_conn.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/vec.h"
#include "netpol/np_conn_rows.h"
#include "netpol/np_html.h"
#include "report/json_writer.h"

int np_format_parse(const char *s)
{
    static const char *const names[] = {"table", "json", "csv", "dot", "html"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(s, names[i]) == 0)
            return (int)i;
    return -1;
}

int np_names_build(struct np_engine *e, struct np_names *out)
{
    size_t n = np_engine_entities(e);
    out->n = 0;
    out->name = calloc(n ? n : 1, sizeof *out->name);
    if (out->name == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        struct strbuf sb = STRBUF_INIT;
        if (np_entity_name(e, i, &sb) != 0 || (out->name[i] = strbuf_detach(&sb)) == NULL) {
            strbuf_release(&sb);
            out->n = i;
            np_names_release(out);
            return STRATA_ENOMEM;
        }
        out->n = i + 1;
    }
    return 0;
}

void np_names_release(struct np_names *n)
{
    for (size_t i = 0; i < n->n; i++)
        free(n->name[i]);
    free(n->name);
    n->name = NULL;
    n->n = 0;
}

struct conn_writer {
    struct np_engine *e;
    enum np_format fmt;
    const struct np_conn_filter *f;
    FILE *out;
    struct np_names names;
    unsigned char *src_ok, *dst_ok; /* per entity: passes the filter's glob */
    int width, dwidth;              /* table: SRC and DST columns */
    struct np_rows *rw;             /* table, csv, json */
    struct strbuf sb;
    struct vec rows; /* HTML: struct np_html_edge */
    size_t n;
    int rc;
};

static void dot_id(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void np_json_ports(struct json_writer *jw, const struct np_allow *a)
{
    if (a->all) {
        jw_string(jw, "All");
        return;
    }
    jw_begin_array(jw);
    for (int p = 0; p < NP_NPROTO; p++)
        for (uint32_t i = 0; i < a->p[p].n; i++) {
            const struct np_range *r = &a->p[p].r[i];
            jw_begin_object(jw);
            jw_key(jw, "protocol");
            jw_string(jw, np_proto_name((enum np_proto)p));
            if (!(r->lo == 1 && r->hi == 65535)) {
                jw_key(jw, "port");
                jw_integer(jw, r->lo);
                if (r->hi != r->lo) {
                    jw_key(jw, "endPort");
                    jw_integer(jw, r->hi);
                }
            }
            jw_end_object(jw);
        }
    jw_end_array(jw);
}

static int write_row(void *u, size_t src, size_t dst, const struct np_allow *a)
{
    struct conn_writer *w = u;
    if (!w->src_ok[src] || !w->dst_ok[dst] || (w->f->no_self && src == dst))
        return 0;
    w->n++;
    if (w->rw != NULL)
        return np_rows_put(w->rw, src, dst, a);
    const char *s = w->names.name[src], *d = w->names.name[dst];
    strbuf_reset(&w->sb);
    if (np_allow_format(a, &w->sb) != 0)
        return STRATA_ENOMEM;
    int bad = 0;
    switch (w->fmt) {
    case NP_FMT_DOT:
        fputs("  ", w->out);
        dot_id(w->out, s);
        fputs(" -> ", w->out);
        dot_id(w->out, d);
        fputs(" [label=", w->out);
        dot_id(w->out, w->sb.buf);
        bad = fputs("];\n", w->out) == EOF;
        break;
    case NP_FMT_HTML: {
        if (w->rows.n >= NP_HTML_MAX_EDGES)
            return STRATA_ELIMIT;
        struct np_html_edge *ed = vec_push(&w->rows, sizeof *ed);
        if (ed == NULL || (ed->ports = strdup(w->sb.buf)) == NULL)
            return STRATA_ENOMEM;
        ed->src = src, ed->dst = dst;
        break;
    }
    default:
        break;
    }
    return bad ? STRATA_EIO : 0;
}

static size_t ns_len(const char *name)
{
    const char *s = strchr(name, '/');
    return s ? (size_t)(s - name) : strlen(name);
}

/* Nodes grouped in one cluster box per namespace (order of first appearance), then the
 * external entities. Returns 0 or STRATA_ENOMEM. */
static int dot_nodes(struct conn_writer *w)
{
    size_t n = w->names.n;
    unsigned char *placed = calloc(n ? n : 1, 1);
    if (placed == NULL)
        return STRATA_ENOMEM;
    fputs("digraph netpol {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n", w->out);
    for (size_t i = 0; i < n; i++) {
        if (placed[i] || np_entity_is_external(w->e, i) || (!w->src_ok[i] && !w->dst_ok[i]))
            continue;
        const char *nm = w->names.name[i];
        size_t nl = ns_len(nm);
        fprintf(w->out, "  subgraph \"cluster_%.*s\" {\n    label=\"namespace %.*s\";\n", (int)nl,
                nm, (int)nl, nm);
        for (size_t j = i; j < n; j++) {
            const char *oj = w->names.name[j];
            if (placed[j] || np_entity_is_external(w->e, j) || (!w->src_ok[j] && !w->dst_ok[j]) ||
                ns_len(oj) != nl || strncmp(oj, nm, nl) != 0)
                continue;
            placed[j] = 1;
            fputs("    ", w->out);
            dot_id(w->out, oj);
            fputs(" [label=", w->out);
            dot_id(w->out, oj + nl + 1);
            fputs("];\n", w->out);
        }
        fputs("  }\n", w->out);
    }
    for (size_t i = 0; i < n; i++)
        if (np_entity_is_external(w->e, i) && (w->src_ok[i] || w->dst_ok[i])) {
            fputs("  ", w->out);
            dot_id(w->out, w->names.name[i]);
            fputs(" [shape=ellipse, style=dashed];\n", w->out);
        }
    free(placed);
    return 0;
}

static int filter_build(struct conn_writer *w)
{
    size_t n = w->names.n;
    w->src_ok = malloc(n ? n : 1);
    w->dst_ok = malloc(n ? n : 1);
    if (w->src_ok == NULL || w->dst_ok == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *nm = w->names.name[i];
        w->src_ok[i] = w->f->src_glob == NULL || fnmatch(w->f->src_glob, nm, 0) == 0;
        w->dst_ok[i] = w->f->dst_glob == NULL || fnmatch(w->f->dst_glob, nm, 0) == 0;
        int len = (int)strlen(nm);
        if (w->src_ok[i] && len > w->width)
            w->width = len;
        if (w->dst_ok[i] && len > w->dwidth)
            w->dwidth = len;
    }
    return 0;
}

static void stats_fill(struct conn_writer *w, struct np_conn_stats *st)
{
    memset(st, 0, sizeof *st);
    st->connections = w->n;
    for (size_t i = 0; i < w->names.n; i++) {
        if (np_entity_is_external(w->e, i)) {
            st->externals++;
            continue;
        }
        st->workloads++;
        st->isolated_ingress += np_workload_isolated(w->e, i, 0) != 0;
        st->isolated_egress += np_workload_isolated(w->e, i, 1) != 0;
    }
}

int np_conn_write(struct np_engine *e, enum np_format fmt, const struct np_conn_filter *f,
                  FILE *out, struct np_conn_stats *st, struct strata_error *err)
{
    static const struct np_conn_filter none = {0};
    struct conn_writer w = {.e = e, .fmt = fmt, .f = f ? f : &none, .out = out};
    int rc = np_names_build(e, &w.names);
    if (rc == 0)
        rc = filter_build(&w);
    if (rc == 0 && w.width < 3)
        w.width = 3;
    if (rc == 0 && w.dwidth < 3)
        w.dwidth = 3;
    if (rc == 0 && (fmt == NP_FMT_TABLE || fmt == NP_FMT_CSV || fmt == NP_FMT_JSON) &&
        (w.rw = np_rows_new(fmt, &w.names, w.width, w.dwidth, out)) == NULL)
        rc = STRATA_ENOMEM;
    if (rc == 0) {
        if (fmt == NP_FMT_TABLE)
            fprintf(out, "%-*s  %-*s  %s\n", w.width, "SRC", w.dwidth, "DST", "PORTS");
        else if (fmt == NP_FMT_DOT)
            rc = dot_nodes(&w);
        if (rc == 0 && w.rw != NULL)
            rc = np_rows_begin(w.rw);
        if (rc == 0)
            rc = np_engine_each(e, write_row, &w);
    }
    struct np_conn_stats local;
    stats_fill(&w, st ? st : &local);
    if (rc == 0) {
        if (fmt == NP_FMT_DOT)
            fputs("}\n", out);
        else if (fmt == NP_FMT_HTML)
            rc = np_html_write(out, e, &w.names, w.rows.p, w.rows.n, st ? st : &local);
        else
            rc = np_rows_end(w.rw, st ? st : &local);
    }
    if (rc == 0 && (fflush(out) != 0 || ferror(out)))
        rc = STRATA_EIO;
    np_rows_free(w.rw);
    struct np_html_edge *ed = w.rows.p;
    for (size_t i = 0; i < w.rows.n; i++)
        free(ed[i].ports);
    free(w.rows.p);
    strbuf_release(&w.sb);
    free(w.src_ok);
    free(w.dst_ok);
    np_names_release(&w.names);
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(err);
    if (rc == STRATA_ELIMIT)
        return strata_error_set(err, rc,
                                "the HTML graph is bounded to %u connections and %u nodes: "
                                "narrow it with --src/--dst or use -f dot",
                                NP_HTML_MAX_EDGES, NP_HTML_MAX_NODES);
    if (rc == STRATA_EIO)
        return strata_error_set(err, rc, "writing the connections: %s", strerror(errno));
    return rc;
}
