/* What the `strata netpol` subcommand files share (src/cli/netpol_*.c). */
#ifndef STRATA_CLI_NETPOL_CLI_H
#define STRATA_CLI_NETPOL_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "netpol/np_engine.h"

/* Loads the paths (every file error printed; any error means nothing is reported) and builds
 * the engine. Returns 0 or the exit code. */
int netpol_load(const char *const *paths, size_t n, const char *ns, int quiet,
                struct np_cluster **cluster, struct np_engine **engine);
/* The same for the paths left after getopt (argv[optind..]); none is a usage error. */
int netpol_load_args(const char *cmd, int argc, char **argv, const char *ns, int quiet,
                     struct np_cluster **cluster, struct np_engine **engine);
/* stdout, or FILE opened for writing (NULL after printing why). */
FILE *netpol_open_output(const char *output);
/* Closes a file from netpol_open_output; removes it when rc != 0. Returns rc, or
 * EXIT_INTERNAL when closing failed. */
int netpol_close_output(FILE *f, const char *output, int rc);

#endif
