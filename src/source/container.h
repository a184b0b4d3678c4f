/* Where the files of an image archive live: an indexed tar file or a directory. Both hand
 * out blobs (fd + range) so the rest of the source code does not care which. */
#ifndef STRATA_SOURCE_CONTAINER_H
#define STRATA_SOURCE_CONTAINER_H

#include <stdint.h>

#include "source/blob.h"
#include "source/tar_index.h"
#include "strata/error.h"

#define CONTAINER_MAX_JSON (16U << 20)

struct container {
    const char *display; /* path as the user gave it */
    int is_dir;
    int fd; /* tar file or directory */
    struct tar_index idx;
    int *opened; /* files opened for blobs of a directory container */
    size_t n_opened, cap_opened;
};

/* Opens path as a directory or as a tar file. */
int container_open(const char *path, struct container *c, struct strata_error *err);
int container_has(struct container *c, const char *name);
/* Blob of the named file; for directories the file stays open until container_close. */
int container_blob(struct container *c, const char *name, struct blob *out,
                   struct strata_error *err);
/* Reads a small file (at most CONTAINER_MAX_JSON bytes). */
int container_read(struct container *c, const char *name, char **data, size_t *len,
                   struct strata_error *err);
void container_close(struct container *c);

#endif
