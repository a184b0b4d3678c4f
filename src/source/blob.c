#include "source/blob.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int64_t blob_pread(const struct blob *b, void *buf, size_t cap, uint64_t pos,
                   struct strata_error *err)
{
    if (pos >= b->size)
        return 0;
    if (cap > b->size - pos)
        cap = (size_t)(b->size - pos);
    for (;;) {
        ssize_t n = pread(b->fd, buf, cap, (off_t)(b->offset + pos));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return strata_error_set(err, STRATA_EIO, "%s: read at offset %llu: %s", b->name,
                                    (unsigned long long)pos, strerror(errno));
        if (n == 0)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: truncated: %llu bytes announced, file ends at %llu",
                                    b->name, (unsigned long long)b->size, (unsigned long long)pos);
        return n;
    }
}

int blob_read_all(const struct blob *b, uint64_t max, char **out, size_t *len,
                  struct strata_error *err)
{
    if (b->size > max)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %llu bytes, more than the %llu allowed",
                                b->name, (unsigned long long)b->size, (unsigned long long)max);
    char *buf = malloc((size_t)b->size + 1);
    if (buf == NULL)
        return strata_error_nomem(err);
    uint64_t pos = 0;
    while (pos < b->size) {
        int64_t n = blob_pread(b, buf + pos, (size_t)(b->size - pos), pos, err);
        if (n <= 0) {
            free(buf);
            return n < 0 ? (int)n : STRATA_EFORMAT;
        }
        pos += (uint64_t)n;
    }
    buf[b->size] = '\0';
    *out = buf;
    *len = (size_t)b->size;
    return 0;
}
