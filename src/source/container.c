#include "source/container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/path.h"

int container_open(const char *path, struct container *c, struct strata_error *err)
{
    memset(c, 0, sizeof *c);
    c->display = path;
    c->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0)
        return strata_error_set(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO, "%s: %s",
                                path, strerror(errno));
    struct stat st;
    if (fstat(c->fd, &st) != 0) {
        int e = errno;
        close(c->fd);
        c->fd = -1;
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        c->is_dir = 1;
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        close(c->fd);
        c->fd = -1;
        return strata_error_set(err, STRATA_EFORMAT, "%s: not a file or directory", path);
    }
    int rc = tar_index_build(c->fd, (uint64_t)st.st_size, path, &c->idx, err);
    if (rc != 0) {
        close(c->fd);
        c->fd = -1;
    }
    return rc;
}

static int dir_open_member(struct container *c, const char *name, int *fd_out,
                           struct strata_error *err)
{
    char norm[STRATA_PATH_MAX];
    if (path_normalize(name, strlen(name), norm, sizeof norm) != PATH_OK || norm[0] == '\0')
        return strata_error_set(err, STRATA_EFORMAT, "%s: refusing file name '%s'", c->display,
                                name);
    int fd = openat(c->fd, norm, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return strata_error_set(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO, "%s: %s: %s",
                                c->display, norm, strerror(errno));
    *fd_out = fd;
    return 0;
}

int container_has(struct container *c, const char *name)
{
    if (!c->is_dir) {
        char norm[STRATA_PATH_MAX];
        if (path_normalize(name, strlen(name), norm, sizeof norm) != PATH_OK)
            return 0;
        return strmap_get(&c->idx.by_name, norm) != NULL;
    }
    int fd;
    if (dir_open_member(c, name, &fd, NULL) != 0)
        return 0;
    close(fd);
    return 1;
}

int container_blob(struct container *c, const char *name, struct blob *out,
                   struct strata_error *err)
{
    if (!c->is_dir)
        return tar_index_blob(&c->idx, name, out, err);
    if (c->n_opened == c->cap_opened) {
        size_t cap = c->cap_opened ? c->cap_opened * 2 : 16;
        int *p = realloc(c->opened, cap * sizeof *p);
        if (p == NULL)
            return strata_error_nomem(err);
        c->opened = p;
        c->cap_opened = cap;
    }
    int fd;
    int rc = dir_open_member(c, name, &fd, err);
    if (rc != 0)
        return rc;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s: not a regular file", c->display,
                                name);
    }
    c->opened[c->n_opened++] = fd;
    out->fd = fd;
    out->offset = 0;
    out->size = (uint64_t)st.st_size;
    out->name = name;
    return 0;
}

int container_read(struct container *c, const char *name, char **data, size_t *len,
                   struct strata_error *err)
{
    struct blob b;
    int rc = container_blob(c, name, &b, err);
    if (rc != 0)
        return rc;
    rc = blob_read_all(&b, CONTAINER_MAX_JSON, data, len, err);
    if (rc != 0)
        strata_error_prefix(err, "%s: ", c->display);
    return rc;
}

void container_close(struct container *c)
{
    for (size_t i = 0; i < c->n_opened; i++)
        close(c->opened[i]);
    free(c->opened);
    c->opened = NULL;
    c->n_opened = c->cap_opened = 0;
    if (!c->is_dir)
        tar_index_release(&c->idx);
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}
