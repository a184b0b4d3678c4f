/* Reading a host's files through a root directory (strata host --root DIR) as if DIR were '/':
 * every path is resolved component by component with openat(O_NOFOLLOW), symbolic links are
 * followed inside DIR only (an absolute target restarts at DIR, ".." stops at DIR, like a
 * chroot), and a chain of more than HOST_ROOT_MAX_LINKS links is a loop. Nothing outside DIR
 * is ever opened, however the tree's links point. */
#ifndef STRATA_CHECKS_HOST_ROOT_H
#define STRATA_CHECKS_HOST_ROOT_H

#include <stddef.h>
#include <sys/stat.h>

#include "strata/error.h"

#define HOST_ROOT_MAX_LINKS 40  /* symbolic links followed while resolving one path */
#define HOST_ROOT_MAX_DEPTH 256 /* directory components of one resolved path */
#define HOST_ROOT_MAX_PATH 4096 /* bytes of a path, links expanded */

struct host_root {
    int fd;                        /* the root directory (O_PATH) */
    char path[HOST_ROOT_MAX_PATH]; /* as given, for messages */
};

/* Opens DIR; an error names it. */
int host_root_open(struct host_root *r, const char *dir, struct strata_error *err);
void host_root_close(struct host_root *r);

/* Status of absolute path inside the root: 0 with *st filled, or -errno (-ENOENT when it or a
 * directory on the way is absent, -ELOOP for a link loop, -ENAMETOOLONG, -ENOTDIR). follow: 1
 * follows a final symbolic link (stat), 0 reports the link itself (lstat). */
int host_root_stat(const struct host_root *r, const char *path, int follow, struct stat *st);

/* Reads the regular file at path (links followed inside the root) into a NUL-terminated
 * malloc'd buffer of at most max bytes. Sizes are not trusted (/proc and /sys files say 0 or
 * 4096): the file is read to its end. Returns 0, -ENOENT (absent, or not a regular file: a
 * FIFO is never opened for reading), -EFBIG when longer than max, or another -errno. */
int host_root_read(const struct host_root *r, const char *path, size_t max, char **data,
                   size_t *len);

/* Names in the directory at path (links followed inside the root), without "." and "..",
 * sorted bytewise; at most max names (more is -E2BIG). *names is a malloc'd array of malloc'd
 * strings, freed with host_root_free_names. Returns 0 or -errno. */
int host_root_list(const struct host_root *r, const char *path, size_t max, char ***names,
                   size_t *n);
void host_root_free_names(char **names, size_t n);

#endif
