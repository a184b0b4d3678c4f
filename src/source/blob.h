/* A blob is a byte range of an open file: a member of an archive or a file of a layout
 * directory. Readers use pread so several threads can read ranges of one file. */
#ifndef STRATA_SOURCE_BLOB_H
#define STRATA_SOURCE_BLOB_H

#include <stdint.h>
#include <sys/types.h>

#include "strata/error.h"

struct blob {
    int fd;           /* not owned */
    uint64_t offset;  /* start of the range in fd */
    uint64_t size;    /* length of the range */
    const char *name; /* for messages: "blobs/sha256/ab12…" or the member name */
};

/* Reads up to cap bytes at pos within the blob. Returns bytes read (0 at end) or a negative
 * STRATA_E* with err set. */
int64_t blob_pread(const struct blob *b, void *buf, size_t cap, uint64_t pos,
                   struct strata_error *err);

/* Reads the whole blob into a new NUL-terminated buffer if it is at most max bytes. */
int blob_read_all(const struct blob *b, uint64_t max, char **out, size_t *len,
                  struct strata_error *err);

#endif
