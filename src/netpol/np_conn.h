/* `strata netpol conn`: the connectivity between workloads and outside-cluster CIDR entities,
 * written as a table, JSON, CSV, Graphviz DOT or a self-contained HTML page with an SVG graph
 * (docs/strata-netpol.md). Rows stream from np_engine_each, so a list of millions of
 * connections costs no memory beyond the entity names. */
#ifndef STRATA_NETPOL_NP_CONN_H
#define STRATA_NETPOL_NP_CONN_H

#include <stdio.h>

#include "netpol/np_engine.h"

enum np_format { NP_FMT_TABLE, NP_FMT_JSON, NP_FMT_CSV, NP_FMT_DOT, NP_FMT_HTML };

/* "table", "json", "csv", "dot", "html"; -1 for anything else. */
int np_format_parse(const char *s);

/* Which rows to write: fnmatch(3) globs over the source and destination names (NULL: all),
 * and whether workload→same-workload rows are kept. */
struct np_conn_filter {
    const char *src_glob, *dst_glob;
    int no_self;
};

struct np_conn_stats {
    size_t connections; /* rows written */
    size_t workloads, externals;
    size_t isolated_ingress, isolated_egress;
};

/* Bounds of the HTML graph (beyond them: STRATA_ELIMIT, narrow with the filter). */
#define NP_HTML_MAX_NODES 1500u
#define NP_HTML_MAX_EDGES 30000u

/* Entity names, "namespace/Kind/name" or CIDRs, computed once (np_entity_name). */
struct np_names {
    char **name;
    size_t n;
};
int np_names_build(struct np_engine *e, struct np_names *out); /* 0 or STRATA_ENOMEM */
void np_names_release(struct np_names *n);

struct json_writer;
/* The ports as a JSON array of NetworkPolicyPort-shaped objects ({"protocol": "TCP", "port":
 * 80, "endPort": 90}; no port = every port of the protocol), or the string "All". */
void np_json_ports(struct json_writer *jw, const struct np_allow *a);

/* Writes every allowed connection that passes f. Returns 0, STRATA_ENOMEM, STRATA_ELIMIT
 * (HTML too large), or STRATA_EIO when out fails (err filled). */
int np_conn_write(struct np_engine *e, enum np_format fmt, const struct np_conn_filter *f,
                  FILE *out, struct np_conn_stats *st, struct strata_error *err);

#endif
