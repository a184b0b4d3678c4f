/* The one private header of the version comparators (every .c file in src/version/): the
 * length bounds on a version string, a safe rendering of a (possibly hostile) version for
 * error messages, and the helpers the language-ecosystem comparators (semver, pep440, go,
 * maven) share: an arbitrary-precision compare of decimal digit strings, the one error
 * message shape ("<type> version "<v>": <why>") and ASCII classification. Everything here
 * works on the caller's bytes in place so that no comparator allocates. */
#ifndef STRATA_VERSION_TEXT_H
#define STRATA_VERSION_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "strata/error.h"

/* No real package version is anywhere near this long; the bound keeps every scan of an
 * untrusted string finite even when a caller passes something that is not one. Used by
 * the distribution comparators (deb, apk, rpm) and the type dispatcher. */
#define VERSION_MAX_LEN 4096

/* How many bytes of a version the messages show: the distribution comparators show a
 * little more than the language ones; both shapes are part of their messages. */
#define VERSION_QUOTE_SHOWN 96
#define LANG_QUOTE_SHOWN 80

/* Space for a quoted version in a message: the shown bytes, each at most 4 wide (\xHH),
 * plus quotes, an ellipsis and the NUL. */
#define VERSION_QUOTE_SIZE (VERSION_QUOTE_SHOWN * 4 + 8)
#define LANG_QUOTE_SIZE (LANG_QUOTE_SHOWN * 4 + 8)

/* Writes v as "v" into buf (at least shown * 4 + 8 bytes): control bytes, quotes,
 * backslashes and non-ASCII bytes become \xHH so a hostile version cannot drive a
 * terminal, and versions longer than shown bytes are cut with "..." so the message still
 * fits struct strata_error. Reads at most shown + 1 bytes of v: that is enough to know
 * whether it must be cut, so an unterminated or huge buffer is never scanned. Returns buf. */
static inline const char *version_quote_n(const char *v, char *buf, size_t shown)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    buf[o++] = '"';
    size_t n = strnlen(v, shown + 1);
    if (shown > n)
        shown = n;
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[c >> 4];
            buf[o++] = hex[c & 15];
        } else {
            buf[o++] = (char)c;
        }
    }
    if (shown < n) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

/* The distribution comparators' rendering; buf holds VERSION_QUOTE_SIZE bytes. */
static inline const char *version_quote(const char *v, char *buf)
{
    return version_quote_n(v, buf, VERSION_QUOTE_SHOWN);
}

/* ---- language ecosystems (semver, pep440, go, maven) ---- */

/* node-semver refuses versions longer than 256 characters; the other ecosystems have no
 * bound, but no published version comes close, and the bound keeps every parse of an
 * untrusted string finite and every parsed form small enough for the stack. */
#define LANG_VERSION_MAX_LEN 256

/* At most this many numeric/identifier parts per section (release segments, prerelease
 * identifiers, local segments, Maven items). Real versions use a handful. */
#define LANG_VERSION_MAX_PARTS 64

/* The language comparators' rendering; buf holds LANG_QUOTE_SIZE bytes. */
static inline const char *lang_quote(const char *v, char *buf)
{
    return version_quote_n(v, buf, LANG_QUOTE_SHOWN);
}

/* "<type> version "<v>": <formatted reason>" with code STRATA_EFORMAT; err may be NULL. */
static inline int lang_error(struct strata_error *err, const char *type, const char *v,
                             const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static inline int lang_error(struct strata_error *err, const char *type, const char *v,
                             const char *fmt, ...)
{
    if (err == NULL)
        return STRATA_EFORMAT;
    char q[LANG_QUOTE_SIZE];
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return strata_error_set(err, STRATA_EFORMAT, "%s version %s: %s", type, lang_quote(v, q), why);
}

/* Checks the length bound before anything else reads v, so a missing NUL terminator in a
 * huge buffer is never scanned past the bound. Returns the length or -1. */
static inline long lang_checked_len(const char *v)
{
    size_t n = strnlen(v, LANG_VERSION_MAX_LEN + 1);
    return n > LANG_VERSION_MAX_LEN ? -1 : (long)n;
}

/* Compares two runs of ASCII digits as unbounded non-negative integers: leading zeros are
 * insignificant, then the longer number is larger, then the first differing digit decides.
 * Exact for any length, which is why the parsers keep numbers as slices, not integers. */
static inline int lang_digits_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    while (alen > 0 && *a == '0') {
        a++;
        alen--;
    }
    while (blen > 0 && *b == '0') {
        b++;
        blen--;
    }
    if (alen != blen)
        return alen < blen ? -1 : 1;
    int c = memcmp(a, b, alen);
    return (c > 0) - (c < 0);
}

static inline int lang_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline int lang_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline char lang_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

#endif
