#include "source/fs_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fd_reader {
    int fd;
};

static int64_t read_fd(void *ctx, void *buf, size_t cap, struct strata_error *err)
{
    struct fd_reader *r = ctx;
    for (;;) {
        ssize_t n = read(r->fd, buf, cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return strata_error_set(err, STRATA_EIO, "read: %s", strerror(errno));
        return n;
    }
}

static enum strata_ftype mode_type(mode_t m)
{
    if (S_ISREG(m))
        return STRATA_FT_REG;
    if (S_ISDIR(m))
        return STRATA_FT_DIR;
    if (S_ISLNK(m))
        return STRATA_FT_SYMLINK;
    if (S_ISCHR(m))
        return STRATA_FT_CHAR;
    if (S_ISBLK(m))
        return STRATA_FT_BLOCK;
    if (S_ISFIFO(m))
        return STRATA_FT_FIFO;
    return STRATA_FT_OTHER;
}

int fs_dir_read(const char *root, struct layer_result *lr, struct strata_error *err)
{
    struct stat st;
    if (stat(root, &st) != 0)
        return strata_error_set(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO, "%s: %s",
                                root, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return strata_error_set(err, STRATA_EUSAGE, "%s: not a directory", root);
    char *const paths[] = {(char *)root, NULL};
    FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR | FTS_XDEV, NULL);
    if (fts == NULL)
        return strata_error_set(err, STRATA_EIO, "%s: %s", root, strerror(errno));
    size_t rootlen = strlen(root);
    while (rootlen > 1 && root[rootlen - 1] == '/')
        rootlen--;
    int rc = 0;
    FTSENT *ent;
    while (rc == 0 && (ent = fts_read(fts)) != NULL) {
        if (ent->fts_info == FTS_DP)
            continue;
        if (ent->fts_info == FTS_DNR || ent->fts_info == FTS_ERR || ent->fts_info == FTS_NS) {
            rc = strata_error_set(err, STRATA_EIO, "%s: %s", ent->fts_path,
                                  strerror(ent->fts_errno));
            break;
        }
        const char *rel = ent->fts_path + rootlen;
        while (*rel == '/')
            rel++;
        if (*rel == '\0')
            continue; /* the root itself */
        struct stat *sp = ent->fts_statp;
        char link[PATH_MAX];
        struct raw_entry raw = {
            .path = rel,
            .size = S_ISREG(sp->st_mode) ? (uint64_t)sp->st_size : 0,
            .mode = (uint32_t)(sp->st_mode & 07777),
            .uid = sp->st_uid,
            .gid = sp->st_gid,
            .type = mode_type(sp->st_mode),
        };
        if (S_ISLNK(sp->st_mode)) {
            ssize_t n = readlink(ent->fts_accpath, link, sizeof link - 1);
            if (n < 0) {
                rc = strata_error_set(err, STRATA_EIO, "%s: readlink: %s", ent->fts_path,
                                      strerror(errno));
                break;
            }
            link[n] = '\0';
            raw.link = link;
        }
        struct fd_reader r = {-1};
        if (S_ISREG(sp->st_mode)) {
            r.fd = open(ent->fts_accpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
            if (r.fd < 0) {
                rc = strata_error_set(err, STRATA_EIO, "%s: %s", ent->fts_path, strerror(errno));
                break;
            }
        }
        rc = layer_result_add(lr, &raw, read_fd, &r, err);
        if (r.fd >= 0)
            close(r.fd);
    }
    fts_close(fts);
    layer_result_seal(lr);
    return rc;
}
