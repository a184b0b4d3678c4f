/* Reads one layer blob as a stream (decompress, hash, parse tar) into a layer_result. */
#ifndef STRATA_IMAGE_LAYER_TAR_H
#define STRATA_IMAGE_LAYER_TAR_H

#include "image/layer_result.h"
#include "source/layer_stream.h"

/* Walks the tar stream of blob into lr (already initialized). On return lr holds the
 * blob digest and diffID actually read. Errors name the entry path or offset. */
int layer_tar_read(const struct blob *blob, const struct layer_limits *lim, struct layer_result *lr,
                   struct strata_error *err);

/* Walks an in-memory uncompressed tar (for fuzzing and tests). */
int layer_tar_read_memory(const void *data, size_t len, struct layer_result *lr,
                          struct strata_error *err);

#endif
