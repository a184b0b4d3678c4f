/* Growable byte buffer, always NUL-terminated (git's strbuf, in spirit). */
#ifndef STRATA_CORE_STRBUF_H
#define STRATA_CORE_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
};

#define STRBUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* All return 0 or STRATA_ENOMEM; the buffer is unchanged on failure. */
int strbuf_grow(struct strbuf *sb, size_t extra);
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_adds(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, char c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Hands the buffer to the caller (never NULL: an empty buffer gives ""), or NULL on ENOMEM. */
char *strbuf_detach(struct strbuf *sb);

#endif
