/* Walking the paths a command is given (strata config, strata netpol): files, "-" for stdin,
 * and directories walked recursively in sorted order (hidden directories, node_modules and
 * vendor skipped; symlinks inside a walked directory not followed, so a link loop cannot trap
 * the walk). Each file is read whole (bounded) and handed to the caller. */
#ifndef STRATA_CORE_FILE_WALK_H
#define STRATA_CORE_FILE_WALK_H

#include <stddef.h>

#include "strata/error.h"

#define FILE_WALK_MAX_DEPTH 64
#define FILE_WALK_MAX_FILES 1000000

/* One file's bytes (NUL-terminated, len without it). name is "<stdin>" for "-". explicit:
 * named on the command line (not found by walking). Returns 0, 1 when the file was not of a
 * kind the caller takes (not counted), or an error (err filled; STRATA_ENOMEM stops the walk,
 * others go to on_error and the walk goes on). */
typedef int (*file_walk_fn)(void *user, const char *name, const char *data, size_t len,
                            int explicit, struct strata_error *err);
/* Called for each file that could not be read or was refused by the callback. */
typedef void (*file_walk_error_fn)(const struct strata_error *err, void *user);

struct file_walk_stats {
    size_t files;  /* files the callback took (checked or refused with an error) */
    size_t failed; /* files reported through on_error */
};

/* Returns 0, or STRATA_ENOMEM (err filled). max_file bounds each file (larger: an error). */
int file_walk(const char *const *paths, size_t n_paths, size_t max_file, file_walk_fn fn,
              file_walk_error_fn on_error, void *user, struct file_walk_stats *stats,
              struct strata_error *err);

#endif
