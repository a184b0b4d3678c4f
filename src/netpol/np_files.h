/* Reading the paths given to `strata netpol` (files, directories, "-") into a cluster. */
#ifndef STRATA_NETPOL_NP_FILES_H
#define STRATA_NETPOL_NP_FILES_H

#include <stddef.h>

#include "netpol/np_model.h"

#define NP_MAX_FILE (64u << 20) /* bytes of one manifest file */

/* Called for each file that could not be read or loaded (err names it and the position). */
typedef void (*np_file_error_fn)(const struct strata_error *err, void *user);

/* Loads every path: a file (read whatever its name), "-" for stdin, a directory walked
 * recursively for *.yaml, *.yml and *.json (core/file_walk.h). A file with an error is
 * reported through on_error and counted in *failed; the others are still loaded. Returns 0 or
 * STRATA_ENOMEM. */
int np_cluster_add_paths(struct np_cluster *c, const char *const *paths, size_t n,
                         np_file_error_fn on_error, void *user, size_t *files, size_t *failed,
                         struct strata_error *err);

#endif
