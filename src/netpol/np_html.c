/* The HTML/SVG connectivity graph (np_html.h). Layout: every node on one circle, grouped by
 * namespace (the outside-cluster CIDR entities first), each namespace an arc of its own
 * colour; edges are curves bent toward the centre with an arrow at the destination, self
 * connections small loops. Hovering a node highlights its connections; every edge and node
 * has a tooltip with the ports. Deterministic output: the same input gives the same bytes. */
#include "netpol/np_html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void esc(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

struct node {
    size_t ent;
    double x, y, angle;
    unsigned group; /* namespace colour index; 0 = outside the cluster */
};

/* The namespace part of a workload name ("ns/Kind/name"). */
static size_t ns_len(const char *name)
{
    const char *s = strchr(name, '/');
    return s ? (size_t)(s - name) : strlen(name);
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>strata netpol: connectivity</title>\n<style>\n"
    "body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#222}\n"
    "h1{font-size:1.3em}table{border-collapse:collapse;font-size:.85em}\n"
    "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}th{background:#f3f3f3}\n"
    ".legend{font-size:.85em}\n"
    "</style>\n</head>\n<body>\n";

/* Inside the SVG, so that the graph renders the same when cut out of the page. */
static const char svg_style[] = "<style>\n"
                                ".e{fill:none;stroke:#8892a6;stroke-opacity:.45;stroke-width:1}\n"
                                ".e.ext{stroke:#d9534f;stroke-opacity:.7}\n"
                                ".e.hi{stroke:#1f6feb;stroke-opacity:1;stroke-width:2}\n"
                                ".n circle{stroke:#333;stroke-width:.5}\n"
                                ".n text{font-family:Helvetica,Arial,sans-serif;font-size:10px}\n"
                                "</style>\n";

static const char page_script[] =
    "<script>\n"
    "(function(){var es=document.querySelectorAll('.e');"
    "document.querySelectorAll('.n').forEach(function(n){"
    "n.addEventListener('mouseenter',function(){var id=n.dataset.id;"
    "es.forEach(function(e){if(e.dataset.s===id||e.dataset.d===id)e.classList.add('hi');});});"
    "n.addEventListener('mouseleave',function(){"
    "es.forEach(function(e){e.classList.remove('hi');});});});})();\n"
    "</script>\n";

int np_html_write(FILE *out, struct np_engine *e, const struct np_names *names,
                  const struct np_html_edge *edges, size_t n_edges, const struct np_conn_stats *st)
{
    size_t n_ent = names->n;
    long *pos = malloc((n_ent ? n_ent : 1) * sizeof *pos);
    struct node *nodes = malloc((n_ent ? n_ent : 1) * sizeof *nodes);
    if (pos == NULL || nodes == NULL) {
        free(pos);
        free(nodes);
        return STRATA_ENOMEM;
    }
    for (size_t i = 0; i < n_ent; i++)
        pos[i] = -1;
    for (size_t i = 0; i < n_edges; i++)
        pos[edges[i].src] = pos[edges[i].dst] = 0;
    /* node order: external entities, then workloads in entity order (grouped by namespace
     * as the cluster lists them, namespaces kept together) */
    size_t n = 0;
    for (size_t i = 0; i < n_ent; i++)
        if (pos[i] == 0 && np_entity_is_external(e, i))
            nodes[n++] = (struct node){.ent = i, .group = 0};
    unsigned groups = 0;
    for (size_t i = 0; i < n_ent; i++) {
        if (pos[i] != 0 || np_entity_is_external(e, i))
            continue;
        /* first workload of a namespace not placed yet: place all of that namespace */
        const char *nm = names->name[i];
        size_t nl = ns_len(nm);
        groups++;
        for (size_t j = i; j < n_ent; j++)
            if (pos[j] == 0 && !np_entity_is_external(e, j) && ns_len(names->name[j]) == nl &&
                strncmp(names->name[j], nm, nl) == 0) {
                nodes[n++] = (struct node){.ent = j, .group = groups};
                pos[j] = 1;
            }
    }
    if (n > NP_HTML_MAX_NODES) {
        free(pos);
        free(nodes);
        return STRATA_ELIMIT;
    }
    double r = n < 40 ? 220.0 : 220.0 + (double)(n - 40) * 3.2;
    /* room for the longest label (10px text: about 6 px a character) */
    size_t longest = 0;
    for (size_t k = 0; k < n; k++) {
        size_t l = strlen(names->name[nodes[k].ent]);
        if (l > longest)
            longest = l;
    }
    double margin = 30.0 + 6.0 * (double)longest, size = 2 * (r + margin), c = r + margin;
    unsigned gap_units = groups + (n > 0 && nodes[0].group == 0 ? 1 : 0);
    double units = (double)n + (double)gap_units * 1.5;
    double step = units > 0 ? 2 * M_PI / units : 0, a = -M_PI / 2;
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || nodes[k].group != nodes[k - 1].group)
            a += step * 1.5;
        nodes[k].angle = a;
        nodes[k].x = c + r * cos(a);
        nodes[k].y = c + r * sin(a);
        pos[nodes[k].ent] = (long)k;
        a += step;
    }

    fputs(page_head, out);
    fputs("<h1>strata netpol: who can reach whom</h1>\n<p class=\"legend\">", out);
    fprintf(out,
            "%zu workloads (%zu isolated for ingress, %zu for egress), %zu outside-cluster "
            "address ranges, %zu connections shown. Red edges come from or go to outside the "
            "cluster. Hover a node to highlight its connections; hover an edge for its ports.",
            st->workloads, st->isolated_ingress, st->isolated_egress, st->externals, n_edges);
    fputs("</p>\n", out);
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\">\n",
            size, size, size, size);
    fputs(svg_style, out);
    fputs("<defs><marker id=\"arr\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
          "markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\">"
          "<path d=\"M0,0L10,5L0,10z\" fill=\"#666\"/></marker></defs>\n",
          out);
    for (size_t i = 0; i < n_edges; i++) {
        const struct node *s = &nodes[pos[edges[i].src]], *d = &nodes[pos[edges[i].dst]];
        int ext = s->group == 0 || d->group == 0;
        fprintf(out, "<path class=\"e%s\" data-s=\"%ld\" data-d=\"%ld\" marker-end=\"url(#arr)\" ",
                ext ? " ext" : "", pos[edges[i].src], pos[edges[i].dst]);
        if (s == d) {
            double ox = c + (r + 22) * cos(s->angle), oy = c + (r + 22) * sin(s->angle);
            fprintf(out, "d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f\">", s->x, s->y,
                    ox - 14 * sin(s->angle), oy + 14 * cos(s->angle), ox + 14 * sin(s->angle),
                    oy - 14 * cos(s->angle), s->x, s->y);
        } else {
            /* stop short of the destination's circle so the arrow shows */
            double dx = d->x - s->x, dy = d->y - s->y, len = sqrt(dx * dx + dy * dy);
            double qx = (s->x + d->x) / 2 * 0.6 + c * 0.4, qy = (s->y + d->y) / 2 * 0.6 + c * 0.4;
            double tx = d->x - qx, ty = d->y - qy, tl = sqrt(tx * tx + ty * ty);
            double ex = tl > 0 ? d->x - tx / tl * 6 : d->x, ey = tl > 0 ? d->y - ty / tl * 6 : d->y;
            (void)len;
            fprintf(out, "d=\"M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f\">", s->x, s->y, qx, qy, ex, ey);
        }
        fputs("<title>", out);
        esc(out, names->name[edges[i].src]);
        fputs(" \xe2\x86\x92 ", out);
        esc(out, names->name[edges[i].dst]);
        fputs(": ", out);
        esc(out, edges[i].ports);
        fputs("</title></path>\n", out);
    }
    for (size_t k = 0; k < n; k++) {
        const struct node *nd = &nodes[k];
        unsigned hue = nd->group == 0 ? 0 : (nd->group * 137u) % 360u;
        const char *fill_sat = nd->group == 0 ? "0%,70%" : "55%,60%";
        double deg = nd->angle * 180.0 / M_PI;
        int left = cos(nd->angle) < 0;
        double lx = c + (r + 10) * cos(nd->angle), ly = c + (r + 10) * sin(nd->angle);
        fprintf(out, "<g class=\"n\" data-id=\"%zu\"><title>", k);
        esc(out, names->name[nd->ent]);
        if (nd->group != 0)
            fprintf(out, "&#10;isolated: ingress %s, egress %s",
                    np_workload_isolated(e, nd->ent, 0) ? "yes" : "NO",
                    np_workload_isolated(e, nd->ent, 1) ? "yes" : "NO");
        fprintf(out, "</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"hsl(%u,%s)\"/>", nd->x,
                nd->y, hue, fill_sat);
        fprintf(out,
                "<text x=\"%.1f\" y=\"%.1f\" dy=\"3\" text-anchor=\"%s\" "
                "transform=\"rotate(%.1f %.1f %.1f)\">",
                lx, ly, left ? "end" : "start", left ? deg + 180 : deg, lx, ly);
        esc(out, names->name[nd->ent]);
        fputs("</text></g>\n", out);
    }
    fputs("</svg>\n<h2>Connections</h2>\n<table>\n<tr><th>source</th><th>destination</th>"
          "<th>ports</th></tr>\n",
          out);
    for (size_t i = 0; i < n_edges; i++) {
        fputs("<tr><td>", out);
        esc(out, names->name[edges[i].src]);
        fputs("</td><td>", out);
        esc(out, names->name[edges[i].dst]);
        fputs("</td><td>", out);
        esc(out, edges[i].ports);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
    fputs(page_script, out);
    fputs("</body>\n</html>\n", out);
    free(pos);
    free(nodes);
    return 0;
}
