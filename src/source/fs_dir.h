/* A directory tree read as if it were one layer: entries and analyzer contents, without
 * following symlinks. */
#ifndef STRATA_SOURCE_FS_DIR_H
#define STRATA_SOURCE_FS_DIR_H

#include "image/layer_result.h"

int fs_dir_read(const char *root, struct layer_result *lr, struct strata_error *err);

#endif
