/* The row writer of `strata netpol conn` for the table, CSV and JSON: every entity's text and
 * every distinct allowance's text are formatted once, so a row is three copies into one
 * output buffer — millions of rows cost what writing them costs. Internal to np_conn.c. */
#ifndef STRATA_NETPOL_NP_CONN_ROWS_H
#define STRATA_NETPOL_NP_CONN_ROWS_H

#include <stdio.h>

#include "netpol/np_conn.h"

struct np_rows;

/* For fmt table, csv or json. width/dwidth: the table's SRC and DST columns. Returns NULL on
 * ENOMEM. */
struct np_rows *np_rows_new(enum np_format fmt, const struct np_names *nm, int width, int dwidth,
                            FILE *out);
/* Writes the header ("SRC DST PORTS", "src,dst,ports", the JSON document's start). */
int np_rows_begin(struct np_rows *r);
/* One row. 0, STRATA_ENOMEM or STRATA_EIO. */
int np_rows_put(struct np_rows *r, size_t src, size_t dst, const struct np_allow *a);
/* The end (JSON: the summary) and the flush. 0 or STRATA_EIO. */
int np_rows_end(struct np_rows *r, const struct np_conn_stats *st);
void np_rows_free(struct np_rows *r);

#endif
