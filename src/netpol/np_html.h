/* The HTML page of `strata netpol conn -f html`: one self-contained file (inline CSS, SVG and
 * a few lines of script, nothing fetched) with the connectivity graph, the summary and the
 * connection table. */
#ifndef STRATA_NETPOL_NP_HTML_H
#define STRATA_NETPOL_NP_HTML_H

#include <stdio.h>

#include "netpol/np_conn.h"

struct np_html_edge {
    size_t src, dst;
    char *ports; /* np_allow_format text */
};

/* Returns 0, STRATA_ENOMEM or STRATA_ELIMIT (more than NP_HTML_MAX_NODES nodes). */
int np_html_write(FILE *out, struct np_engine *e, const struct np_names *names,
                  const struct np_html_edge *edges, size_t n_edges, const struct np_conn_stats *st);

#endif
