/* Walking the paths of `strata config` (config_walk.c) and dispatching each file to its
 * checker (config_dispatch.c). */
#ifndef STRATA_CHECKS_CONFIG_WALK_H
#define STRATA_CHECKS_CONFIG_WALK_H

#include "checks/config.h"

/* Called for each file that could not be read or checked (err names it and the position);
 * the walk then goes on with the next file. */
typedef void (*config_error_fn)(const struct strata_error *err, void *user);

struct config_walk_stats {
    size_t files;  /* files checked (of a known kind) */
    size_t failed; /* files reported through on_error */
};

/* "dockerfile", "kubernetes" (or "k8s"), "compose", "docker-inspect" (or "inspect"); else
 * CONFIG_UNKNOWN. */
enum config_kind config_kind_parse(const char *s);

/* Checks each path: a file (an error when its kind is unknown and force is CONFIG_UNKNOWN),
 * "-" for stdin, or a directory walked recursively (files of unknown kind skipped). Returns
 * 0, or STRATA_ENOMEM. */
int config_check_paths(struct config_ctx *c, const char *const *paths, size_t n_paths,
                       enum config_kind force, config_error_fn on_error, void *user,
                       struct config_walk_stats *stats, struct strata_error *err);

#endif
