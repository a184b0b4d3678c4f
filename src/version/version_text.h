/* Shared by the deb, apk and rpm comparators: the length bound on a version string and a
 * safe rendering of a (possibly hostile) version for error messages. */
#ifndef STRATA_VERSION_TEXT_H
#define STRATA_VERSION_TEXT_H

#include <stddef.h>
#include <string.h>

/* No real package version is anywhere near this long; the bound keeps every scan of an
 * untrusted string finite even when a caller passes something that is not one. */
#define VERSION_MAX_LEN 4096

/* Space for a quoted version in a message: 96 shown bytes, each at most 4 wide (\xHH),
 * plus quotes, an ellipsis and the NUL. */
#define VERSION_QUOTE_SIZE (96 * 4 + 8)

/* Writes v as "v" into buf (VERSION_QUOTE_SIZE bytes): control bytes, quotes, backslashes
 * and non-ASCII bytes become \xHH so a hostile version cannot drive a terminal, and long
 * versions are cut with "..." so the message still fits struct strata_error. Returns buf. */
static inline const char *version_quote(const char *v, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    buf[o++] = '"';
    size_t n = strnlen(v, VERSION_MAX_LEN + 1);
    size_t shown = n > 96 ? 96 : n;
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

#endif
