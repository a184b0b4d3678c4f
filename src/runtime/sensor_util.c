#include "runtime/sensor_util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int sensor_read_file(const char *path, size_t max, struct strbuf *sb)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    strbuf_reset(sb);
    for (;;) {
        if (sb->len >= max) {
            char extra;
            ssize_t more = read(fd, &extra, 1);
            close(fd);
            return more > 0 ? -2 : 0;
        }
        if (strbuf_grow(sb, 4096) != 0) {
            close(fd);
            errno = ENOMEM;
            return -1;
        }
        size_t want = sb->cap - sb->len - 1;
        if (want > max - sb->len)
            want = max - sb->len;
        ssize_t n = read(fd, sb->buf + sb->len, want);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (n == 0)
            break;
        sb->len += (size_t)n;
        sb->buf[sb->len] = '\0';
    }
    close(fd);
    return 0;
}

int sensor_write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = strlen(s);
    ssize_t w = write(fd, s, n);
    int e = errno;
    close(fd);
    if (w != (ssize_t)n) {
        errno = w < 0 ? e : EIO;
        return -1;
    }
    return 0;
}

int sensor_strlcpy(char *dst, const char *s, size_t cap)
{
    size_t n = strlen(s);
    if (cap == 0)
        return n > 0;
    int cut = n >= cap;
    if (cut)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return cut;
}
