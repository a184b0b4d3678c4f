/* The squashed filesystem view of an image: for every path the layer that last wrote it, or,
 * for deleted paths, the layer that deleted it. Paths are normalized and relative to the root
 * without a leading slash ("etc/os-release"); "" is the root directory. */
#ifndef STRATA_VIEW_H
#define STRATA_VIEW_H

#include <stdint.h>

#include "strata/error.h"

enum strata_ftype {
    STRATA_FT_REG = 1,
    STRATA_FT_DIR,
    STRATA_FT_SYMLINK,
    STRATA_FT_HARDLINK, /* only inside a layer stream; the view stores the target's type */
    STRATA_FT_CHAR,
    STRATA_FT_BLOCK,
    STRATA_FT_FIFO,
    STRATA_FT_OTHER,
};

struct strata_node_info {
    const char *path;       /* normalized path of the node */
    enum strata_ftype type; /* type of the last write (meaningless when deleted) */
    uint32_t mode;          /* permission bits incl. setuid/setgid/sticky (07777) */
    uint32_t uid, gid;
    uint64_t size;
    const char *link_target; /* symlink target as stored, or hard-link target path */
    int layer;               /* layer that last wrote the node (-1: implicit parent dir) */
    int deleted_by;          /* layer whose whiteout deleted it, -1 when present */
};

struct strata_view;

/* Exact lookup, no symlink following. Returns 0 and fills *out (strings owned by the view),
 * or STRATA_ENOTFOUND. Deleted nodes are found too (deleted_by >= 0). */
int strata_view_lookup(const struct strata_view *v, const char *path, struct strata_node_info *out);

/* Follows symlinks in every component (at most 40), clamping ".." at the root as the kernel
 * does inside a chroot. Writes the resolved path to out (cap bytes). Returns 0,
 * STRATA_ENOTFOUND when a component is missing or deleted, STRATA_EFORMAT on a loop. */
int strata_view_resolve(const struct strata_view *v, const char *path, char *out, size_t cap,
                        struct strata_error *err);

/* Calls fn for every node, present and deleted, in no particular order; stops when fn
 * returns non-zero and returns that value. */
int strata_view_foreach(const struct strata_view *v,
                        int (*fn)(const struct strata_node_info *n, void *arg), void *arg);

#endif
