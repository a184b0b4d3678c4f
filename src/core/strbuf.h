/* Growable byte buffer, always NUL-terminated (git's strbuf, in spirit). */
#ifndef STRATA_CORE_STRBUF_H
#define STRATA_CORE_STRBUF_H

#include <stddef.h>
#include <stdint.h>

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
/* Appends the UTF-8 encoding (1 to 4 bytes) of the code point cp. cp must be a Unicode scalar
 * value: at most U+10FFFF and not a surrogate (U+D800..U+DFFF); anything else returns
 * STRATA_EUSAGE and adds nothing. Callers check their input first, because each format has its
 * own rule and message for a bad escape (TOML and Ruby reject surrogates, Java properties
 * replace a lone one with U+FFFD). U+0000 is encoded as a NUL byte; reject it before if the
 * text must stay a C string. */
int strbuf_add_utf8(struct strbuf *sb, uint32_t cp);
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Hands the buffer to the caller (never NULL: an empty buffer gives ""), or NULL on ENOMEM. */
char *strbuf_detach(struct strbuf *sb);

#endif
