/* What reading one layer yields: its entries (for the squashed view) and one analyzer state
 * per analyzer. Producers — the tar walker and the directory walker — add entries through
 * layer_result_add, which enforces the per-layer rules (no "..", no duplicates, no entry
 * below a symlink of the same layer, hard links to earlier entries) and feeds analyzers. */
#ifndef STRATA_IMAGE_LAYER_RESULT_H
#define STRATA_IMAGE_LAYER_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/digest.h"
#include "core/strmap.h"
#include "strata/analyzer.h"
#include "strata/view.h"

enum whiteout_kind {
    WHITEOUT_NONE = 0,
    WHITEOUT_FILE,   /* path is the deleted path */
    WHITEOUT_OPAQUE, /* path is the directory whose lower contents are hidden */
};

struct layer_entry {
    const char *path; /* normalized */
    const char *link; /* symlink target as stored / hard-link target (normalized) */
    uint64_t size;
    uint32_t mode, uid, gid;
    uint8_t type;     /* enum strata_ftype */
    uint8_t whiteout; /* enum whiteout_kind */
};

/* A hard link an analyzer wants: tar stores no data for it, so its target's content is
 * fetched in a second pass over the layer (rare: only when such a link exists). */
struct pending_link {
    const char *path;   /* the link, as analyzers will see it */
    const char *target; /* the earlier regular file holding the data */
    uint64_t size;
    uint32_t mode;
};

struct layer_result {
    int index;          /* layer index, -1 for a filesystem */
    const char *source; /* display name for messages */
    struct layer_entry *entries;
    size_t n_entries, cap_entries;
    struct arena arena;
    struct strmap by_path; /* path -> entry index + 1, while reading */
    const struct strata_analyzer *const *analyzers;
    size_t n_analyzers;
    void **states; /* one per analyzer */
    struct pending_link *pending;
    size_t n_pending, cap_pending;
    char blob_digest[STRATA_DIGEST_STRLEN];
    char diff_id[STRATA_DIGEST_STRLEN];
    uint64_t uncompressed_size;
    uint64_t content_bytes; /* bytes handed to analyzers */
};

/* Raw metadata of an entry as a producer saw it (path not yet normalized). */
struct raw_entry {
    const char *path;
    const char *link; /* symlink target or hard-link target, raw */
    uint64_t size;
    uint32_t mode, uid, gid;
    enum strata_ftype type; /* STRATA_FT_HARDLINK for hard links */
};

/* Reads up to cap bytes of the current entry's content; returns count, 0 at end, <0 error. */
typedef int64_t (*content_reader)(void *ctx, void *buf, size_t cap, struct strata_error *err);

int layer_result_init(struct layer_result *lr, int index, const char *source,
                      const struct strata_analyzer *const *analyzers, size_t n_analyzers,
                      struct strata_error *err);
/* Adds one entry; for wanted regular files reads the content with reader and passes it to
 * the analyzers. Errors name the path; the caller adds source and layer. */
int layer_result_add(struct layer_result *lr, const struct raw_entry *e, content_reader reader,
                     void *reader_ctx, struct strata_error *err);
/* Second pass: if target (a normalized path) is the target of pending links, reads its
 * content once and hands it to the analyzers under each link's path. */
int layer_result_deliver_links(struct layer_result *lr, const char *target, content_reader reader,
                               void *reader_ctx, struct strata_error *err);

/* Drops the reading-time index (entries and states stay). */
void layer_result_seal(struct layer_result *lr);
void layer_result_release(struct layer_result *lr);

#endif
