/* Streaming JSON output, byte-compatible with jansson's dump of the same document (the
 * header says which flags). What jansson does, checked against libjansson 2.14 and pinned by
 * tests/unit/test_json_writer.c:
 *   strings: '"' and '\\' escaped, \b \f \n \r \t, every other byte below 0x20 as \u00XX
 *     with upper-case hex; '/', DEL, U+2028/U+2029 and all other UTF-8 written as they are;
 *   integers: %lld;
 *   reals: %.15g, the locale's decimal point turned into '.', ".0" appended when there is
 *     neither '.' nor 'e', and the exponent's '+' and leading zeros dropped (1e20, 1e-5). */
#include "report/json_writer.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"

/* Large enough that writes are few (one per token was a tenth of a 20,000-package scan). */
#define JW_BUF_SIZE 65536

static void flush_buf(struct json_writer *w)
{
    if (w->len > 0 && !w->failed) {
        errno = 0; /* so a stale errno is not reported as the cause */
        if (fwrite(w->buf, 1, w->len, w->out) != w->len) {
            w->failed = 1;
            w->fail_errno = errno;
        }
    }
    w->len = 0; /* after a failure the rest is dropped: the report is lost anyway */
}

static void put(struct json_writer *w, const char *s, size_t n)
{
    while (n > 0) {
        if (w->len == JW_BUF_SIZE)
            flush_buf(w);
        size_t k = JW_BUF_SIZE - w->len;
        if (k > n)
            k = n;
        memcpy(w->buf + w->len, s, k);
        w->len += k;
        s += k;
        n -= k;
    }
}

static void put_char(struct json_writer *w, char c)
{
    if (w->len == JW_BUF_SIZE)
        flush_buf(w);
    w->buf[w->len++] = c;
}

static void newline_indent(struct json_writer *w, unsigned depth)
{
    static const char spaces[] = "                                                                ";
    put_char(w, '\n');
    for (size_t n = (size_t)depth * 2; n > 0;) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        put(w, spaces, k);
        n -= k;
    }
}

/* What goes before a value: nothing after a key or at the top level, else a line break
 * (after a comma unless it is the container's first member). */
static void before_value(struct json_writer *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth == 0)
        return;
    if (!w->fresh)
        put_char(w, ',');
    newline_indent(w, w->depth);
}

int jw_init(struct json_writer *w, FILE *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->buf = malloc(JW_BUF_SIZE);
    return w->buf ? 0 : -1;
}

static void begin(struct json_writer *w, char open)
{
    before_value(w);
    put_char(w, open);
    w->depth++;
    w->fresh = 1;
}

static void end(struct json_writer *w, char close)
{
    w->depth--;
    if (!w->fresh)
        newline_indent(w, w->depth);
    put_char(w, close);
    w->fresh = 0; /* the container just closed is a member of its parent */
}

void jw_begin_object(struct json_writer *w)
{
    begin(w, '{');
}

void jw_end_object(struct json_writer *w)
{
    end(w, '}');
}

void jw_begin_array(struct json_writer *w)
{
    begin(w, '[');
}

void jw_end_array(struct json_writer *w)
{
    end(w, ']');
}

static void put_escaped(struct json_writer *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t run = 0; /* start of the bytes not yet written that need no escape */
    put_char(w, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t len = rj_utf8_seq_len(p + i, n - i);
            if (len > 0) {
                i += len;
                continue;
            }
        }
        put(w, s + run, i - run);
        char esc[6] = {'\\', 0, '0', '0', 0, 0};
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            put(w, esc, 2);
            break;
        case '\b':
            put(w, "\\b", 2);
            break;
        case '\f':
            put(w, "\\f", 2);
            break;
        case '\n':
            put(w, "\\n", 2);
            break;
        case '\r':
            put(w, "\\r", 2);
            break;
        case '\t':
            put(w, "\\t", 2);
            break;
        default:
            if (c < 0x20) {
                esc[1] = 'u';
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 0xf];
                put(w, esc, 6);
            } else {
                put(w, "\xef\xbf\xbd", 3); /* U+FFFD for a byte of invalid UTF-8 */
            }
        }
        i++; /* every escape, and each U+FFFD, stands for one byte */
        run = i;
    }
    put(w, s + run, n - run);
    put_char(w, '"');
}

void jw_key(struct json_writer *w, const char *key)
{
    before_value(w);
    put_escaped(w, key);
    put(w, ": ", 2);
    w->after_key = 1;
}

static void scalar(struct json_writer *w, const char *text, size_t len)
{
    before_value(w);
    put(w, text, len);
    w->fresh = 0;
}

void jw_string(struct json_writer *w, const char *s)
{
    if (s == NULL) {
        jw_null(w);
        return;
    }
    before_value(w);
    put_escaped(w, s);
    w->fresh = 0;
}

void jw_integer(struct json_writer *w, long long v)
{
    char digits[24];
    size_t i = sizeof digits;
    /* Negated as unsigned so that LLONG_MIN does not overflow. */
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0)
        digits[--i] = '-';
    scalar(w, digits + i, sizeof digits - i);
}

void jw_real(struct json_writer *w, double v)
{
    if (!isfinite(v)) {
        if (!w->failed) {
            w->failed = 1;
            w->fail_errno = EDOM;
        }
        return;
    }
    char text[64]; /* %.15g of a finite double is at most 22 characters */
    int n = snprintf(text, sizeof text - 2, "%.15g", v);
    if (n < 0 || (size_t)n >= sizeof text - 2) {
        if (!w->failed) {
            w->failed = 1;
            w->fail_errno = errno ? errno : -1;
        }
        return;
    }
    size_t len = (size_t)n;
    char point = localeconv()->decimal_point[0];
    char *dot = point != '.' && point != '\0' ? strchr(text, point) : NULL;
    if (dot != NULL)
        *dot = '.';
    char *e = strchr(text, 'e');
    if (e == NULL && strchr(text, '.') == NULL) {
        memcpy(text + len, ".0", 3);
        len += 2;
    } else if (e != NULL) {
        /* e+20 -> e20, e-05 -> e-5 */
        char *from = e + 1;
        char *to = e + 1;
        if (*from == '-')
            to = ++from;
        else if (*from == '+')
            from++;
        while (*from == '0' && from[1] != '\0')
            from++;
        memmove(to, from, strlen(from) + 1);
        len = strlen(text);
    }
    scalar(w, text, len);
}

void jw_bool(struct json_writer *w, int b)
{
    if (b)
        scalar(w, "true", 4);
    else
        scalar(w, "false", 5);
}

void jw_null(struct json_writer *w)
{
    scalar(w, "null", 4);
}

int jw_failed(const struct json_writer *w)
{
    return w->failed;
}

int jw_finish(struct json_writer *w)
{
    errno = 0; /* so a stale errno is not reported as the cause */
    put_char(w, '\n');
    flush_buf(w);
    free(w->buf);
    w->buf = NULL;
    if (!w->failed && (fflush(w->out) != 0 || ferror(w->out))) {
        w->failed = 1;
        w->fail_errno = errno;
    }
    if (!w->failed)
        return 0;
    return w->fail_errno ? w->fail_errno : -1;
}
