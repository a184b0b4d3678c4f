#include "core/lines.h"

#include <string.h>

void line_reader_init(struct line_reader *r, const void *data, size_t len, size_t max_len,
                      const char *path)
{
    r->data = data;
    r->len = len;
    r->pos = 0;
    r->lineno = 0;
    r->max_len = max_len;
    r->path = path;
}

int line_reader_next(struct line_reader *r, const char **line, size_t *len,
                     struct strata_error *err)
{
    if (r->pos >= r->len)
        return 0;
    r->lineno++;
    const char *start = r->data + r->pos;
    const char *nl = memchr(start, '\n', r->len - r->pos);
    size_t n = nl ? (size_t)(nl - start) : r->len - r->pos;
    r->pos += n + (nl ? 1 : 0);
    if (n > r->max_len)
        return strata_error_set(err, STRATA_ELIMIT, "%s: line %zu: longer than %zu bytes", r->path,
                                r->lineno, r->max_len);
    if (memchr(start, '\0', n) != NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: NUL byte", r->path, r->lineno);
    if (n > 0 && start[n - 1] == '\r')
        n--;
    *line = start;
    *len = n;
    return 1;
}

void text_position(const void *data, size_t len, size_t off, size_t *line, size_t *col)
{
    const unsigned char *d = data;
    size_t l = 1, start = 0;
    for (size_t i = 0; i < off && i < len; i++)
        if (d[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = off - start + 1;
}
