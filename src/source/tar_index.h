/* An index of an (uncompressed) outer tar archive — docker-archive or oci-archive — giving
 * random access to its members by name, so layers can be read in any order and in
 * parallel with pread. Layers themselves are read as streams by the layer walker. */
#ifndef STRATA_SOURCE_TAR_INDEX_H
#define STRATA_SOURCE_TAR_INDEX_H

#include <stdint.h>

#include "core/arena.h"
#include "core/strmap.h"
#include "source/blob.h"
#include "strata/error.h"

#define TAR_INDEX_MAX_MEMBERS 1000000
#define TAR_INDEX_MAX_PAX (1U << 20)

struct tar_member {
    const char *name; /* normalized path */
    const char *link; /* symlink / hard-link target, normalized relative to the root */
    char type;        /* '0' regular, '5' dir, '2' symlink, '1' hard link, other */
    uint64_t offset;  /* of the data in the archive file */
    uint64_t size;
};

struct tar_index {
    int fd;
    const char *archive; /* display name */
    struct tar_member *members;
    size_t n_members;
    struct strmap by_name;
    struct arena arena;
};

/* Indexes the tar file open on fd (not owned, must stay open) of file_size bytes.
 * Archives are untrusted: bad checksums, truncation, "..", duplicates and oversized
 * headers are errors naming the offset. */
int tar_index_build(int fd, uint64_t file_size, const char *archive, struct tar_index *idx,
                    struct strata_error *err);

/* Finds a member (following symlinks and hard links inside the archive, at most 16 hops)
 * and fills a blob for its data. Returns 0, STRATA_ENOTFOUND or STRATA_EFORMAT. */
int tar_index_blob(const struct tar_index *idx, const char *name, struct blob *out,
                   struct strata_error *err);

void tar_index_release(struct tar_index *idx);

#endif
