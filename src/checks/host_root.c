/* In-root path resolution for strata host (host_root.h). The walk keeps an fd per directory
 * component, so ".." pops back to a directory already opened (never above the root's fd), and
 * each step is openat(O_NOFOLLOW) relative to the last: a link swapped in during the walk
 * makes the step fail instead of leading out of the root. */
#include "checks/host_root.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int host_root_open(struct host_root *r, const char *dir, struct strata_error *err)
{
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof r->path)
        return strata_error_set(err, STRATA_EUSAGE, "--root: bad directory name");
    memcpy(r->path, dir, n + 1);
    r->fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (r->fd < 0)
        return strata_error_set(err, STRATA_EIO, "%s: %s", dir, strerror(errno));
    return 0;
}

void host_root_close(struct host_root *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
}

/* The end of a walk: the directory holding the last component and its name ("." when the
 * path names the root or a directory reached by ".."). */
struct walked {
    int dirfd;
    char name[NAME_MAX + 1];
};

static void close_stack(const int *st, size_t depth)
{
    for (size_t i = 1; i <= depth; i++)
        close(st[i]);
}

static int finish(const int *st, size_t depth, const char *name, size_t n, struct walked *w)
{
    int fd = fcntl(st[depth], F_DUPFD_CLOEXEC, 0);
    int e = errno;
    close_stack(st, depth);
    if (fd < 0)
        return -e;
    memcpy(w->name, name, n);
    w->name[n] = '\0';
    w->dirfd = fd;
    return 0;
}

static int walk(const struct host_root *r, const char *path, int follow, struct walked *w)
{
    char rest[HOST_ROOT_MAX_PATH], tmp[HOST_ROOT_MAX_PATH], target[HOST_ROOT_MAX_PATH];
    size_t n = strlen(path);
    if (n >= sizeof rest)
        return -ENAMETOOLONG;
    memcpy(rest, path, n + 1);
    int st[HOST_ROOT_MAX_DEPTH + 1];
    st[0] = r->fd;
    size_t depth = 0, pos = 0;
    int links = 0, rc;
    for (;;) {
        while (rest[pos] == '/')
            pos++;
        if (rest[pos] == '\0')
            return finish(st, depth, ".", 1, w);
        size_t start = pos;
        while (rest[pos] != '\0' && rest[pos] != '/')
            pos++;
        size_t clen = pos - start;
        size_t after = pos;
        while (rest[after] == '/')
            after++;
        int last = rest[after] == '\0';
        if (clen > NAME_MAX) {
            rc = -ENAMETOOLONG;
            break;
        }
        char comp[NAME_MAX + 1];
        memcpy(comp, rest + start, clen);
        comp[clen] = '\0';
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            if (depth > 0)
                close(st[depth--]);
            continue;
        }
        if (last && !follow)
            return finish(st, depth, comp, clen, w);
        struct stat sb;
        if (fstatat(st[depth], comp, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = -errno;
            break;
        }
        if (S_ISLNK(sb.st_mode)) {
            if (++links > HOST_ROOT_MAX_LINKS) {
                rc = -ELOOP;
                break;
            }
            ssize_t tl = readlinkat(st[depth], comp, target, sizeof target - 1);
            if (tl <= 0) {
                rc = tl < 0 ? -errno : -ENOENT;
                break;
            }
            if ((size_t)tl >= sizeof target - 1) {
                rc = -ENAMETOOLONG;
                break;
            }
            target[tl] = '\0';
            size_t remain = strlen(rest + pos);
            if ((size_t)tl + 1 + remain >= sizeof tmp) {
                rc = -ENAMETOOLONG;
                break;
            }
            memcpy(tmp, target, (size_t)tl);
            tmp[tl] = '/';
            memcpy(tmp + tl + 1, rest + pos, remain + 1);
            memcpy(rest, tmp, (size_t)tl + 1 + remain + 1);
            pos = 0;
            if (target[0] == '/') {
                close_stack(st, depth);
                depth = 0;
            }
            continue;
        }
        if (last)
            return finish(st, depth, comp, clen, w);
        if (!S_ISDIR(sb.st_mode)) {
            rc = -ENOTDIR;
            break;
        }
        if (depth >= HOST_ROOT_MAX_DEPTH) {
            rc = -ENAMETOOLONG;
            break;
        }
        int fd = openat(st[depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            rc = -errno;
            break;
        }
        st[++depth] = fd;
    }
    close_stack(st, depth);
    return rc;
}

int host_root_stat(const struct host_root *r, const char *path, int follow, struct stat *st)
{
    struct walked w;
    int rc = walk(r, path, follow, &w);
    if (rc != 0)
        return rc;
    rc = fstatat(w.dirfd, w.name, st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
    close(w.dirfd);
    return rc;
}

int host_root_read(const struct host_root *r, const char *path, size_t max, char **data,
                   size_t *len)
{
    *data = NULL;
    *len = 0;
    struct walked w;
    int rc = walk(r, path, 1, &w);
    if (rc != 0)
        return rc;
    struct stat sb;
    if (fstatat(w.dirfd, w.name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
        rc = -errno;
        close(w.dirfd);
        return rc;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(w.dirfd);
        return -ENOENT;
    }
    /* O_NONBLOCK: should a FIFO replace the file between the two calls, open does not wait. */
    int fd = openat(w.dirfd, w.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    rc = fd < 0 ? -errno : 0;
    close(w.dirfd);
    if (rc != 0)
        return rc;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return -ENOENT;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        close(fd);
        return -ENOMEM;
    }
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                rc = -EFBIG;
                break;
            }
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            if (ncap <= cap)
                ncap = cap + 1;
            char *nb = realloc(buf, ncap + 1);
            if (nb == NULL) {
                rc = -ENOMEM;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max) {
            rc = -EFBIG;
            break;
        }
    }
    close(fd);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

void host_root_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int host_root_list(const struct host_root *r, const char *path, size_t max, char ***names,
                   size_t *n)
{
    *names = NULL;
    *n = 0;
    struct walked w;
    int rc = walk(r, path, 1, &w);
    if (rc != 0)
        return rc;
    int fd = openat(w.dirfd, w.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    rc = fd < 0 ? -errno : 0;
    close(w.dirfd);
    if (rc != 0)
        return rc;
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        rc = -errno;
        close(fd);
        return rc;
    }
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (cnt >= max) {
            rc = -E2BIG;
            break;
        }
        if (cnt == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char **nv = realloc(v, nc * sizeof *nv);
            if (nv == NULL) {
                rc = -ENOMEM;
                break;
            }
            v = nv;
            cap = nc;
        }
        if ((v[cnt] = strdup(de->d_name)) == NULL) {
            rc = -ENOMEM;
            break;
        }
        cnt++;
    }
    closedir(d);
    if (rc != 0) {
        host_root_free_names(v, cnt);
        return rc;
    }
    if (cnt > 1)
        qsort(v, cnt, sizeof *v, cmp_name);
    *names = v;
    *n = cnt;
    return 0;
}
