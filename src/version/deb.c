/* Debian package versions, compared exactly as dpkg does (deb-version(7); dpkg's
 * parseversion and verrevcmp are the reference, written here from their specification).
 *
 * [epoch:]upstream[-revision]
 *   epoch     a decimal number, 0 when absent
 *   upstream  everything between the first ':' and the last '-'
 *   revision  everything after the last '-', "" when absent (and "" sorts like "0")
 *
 * Which malformed versions are refused: exactly those dpkg refuses with an error (it then
 * will not compare them): an empty or blank version, embedded white space, an epoch that is
 * empty, not a number, negative or above INT_MAX, nothing after the epoch's colon, an empty
 * upstream part, an empty revision after a trailing '-'. dpkg only *warns* when upstream does
 * not start with a digit or when a character outside [A-Za-z0-9.+~-:] appears, and then
 * compares anyway; so do we, because installed package databases do contain such versions
 * and a scanner that refused them would hide the package. Unlike `dpkg --compare-versions`,
 * "" is not accepted as the blank version: a missing version is an error here. */
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "strata/error.h"
#include "version/version_internal.h"
#include "version/version_text.h"

struct deb_version {
    int epoch;
    const char *upstream;
    size_t upstream_len;
    const char *revision;
    size_t revision_len;
};

/* dpkg uses the C locale's classes: ASCII only, whatever the process locale is. */
static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t';
}

static int is_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int deb_error(struct strata_error *err, const char *v, const char *why)
{
    char q[VERSION_QUOTE_SIZE];
    return strata_error_set(err, STRATA_EFORMAT, "deb version %s: %s", version_quote(v, q), why);
}

static int deb_parse(const char *v, struct deb_version *out, struct strata_error *err)
{
    size_t n = strnlen(v, VERSION_MAX_LEN + 1);
    if (n > VERSION_MAX_LEN)
        return deb_error(err, v, "longer than 4096 bytes");
    /* dpkg trims leading blanks and trailing white space, and rejects space inside. */
    size_t start = 0;
    while (start < n && is_blank((unsigned char)v[start]))
        start++;
    if (start == n)
        return deb_error(err, v, "version string is empty");
    size_t end = start;
    while (end < n && !is_space((unsigned char)v[end]))
        end++;
    for (size_t i = end; i < n; i++)
        if (!is_space((unsigned char)v[i]))
            return deb_error(err, v, "version string has embedded spaces");

    /* The epoch is whatever precedes the first colon, read the way strtol reads it (an
     * optional sign, then digits) so that exactly dpkg's epochs are accepted. */
    const char *colon = memchr(v + start, ':', end - start);
    out->epoch = 0;
    size_t vstart = start;
    if (colon != NULL) {
        size_t i = start;
        int negative = 0;
        if (v[i] == '+' || v[i] == '-')
            negative = v[i++] == '-';
        size_t digits = i;
        long long epoch = 0;
        while (i < end && is_digit((unsigned char)v[i])) {
            if (epoch <= INT_MAX) /* stays bounded; anything above is "too big" */
                epoch = epoch * 10 + (v[i] - '0');
            i++;
        }
        if (i == digits)
            return deb_error(err, v, "epoch in version is empty");
        if (v + i != colon)
            return deb_error(err, v, "epoch in version is not number");
        if (negative && epoch != 0)
            return deb_error(err, v, "epoch in version is negative");
        if (epoch > INT_MAX)
            return deb_error(err, v, "epoch in version is too big");
        /* dpkg tests the byte after the colon, before trimming: "1:" is this error while
         * "1: " is an empty upstream version below. */
        if (colon[1] == '\0')
            return deb_error(err, v, "nothing after colon in version number");
        out->epoch = (int)epoch;
        vstart = (size_t)(colon - v) + 1;
    }

    /* The revision follows the last hyphen, so upstream may itself contain hyphens. */
    size_t hyphen = end;
    for (size_t i = end; i > vstart; i--) {
        if (v[i - 1] == '-') {
            hyphen = i - 1;
            break;
        }
    }
    out->upstream = v + vstart;
    out->upstream_len = hyphen - vstart;
    if (hyphen < end) {
        out->revision = v + hyphen + 1;
        out->revision_len = end - hyphen - 1;
        if (out->revision_len == 0)
            return deb_error(err, v, "revision number is empty");
    } else {
        out->revision = v + end;
        out->revision_len = 0;
    }
    if (out->upstream_len == 0)
        return deb_error(err, v, "version number is empty");
    return 0;
}

/* The weight of a non-digit byte: '~' below the end of the string, the end (0) below
 * letters, letters below everything else. Bytes >= 0x80 weigh what dpkg gives them where
 * char is signed (amd64, i386 - the reference our tests run): (c - 256) + 256 = c, after
 * the letters and before ASCII punctuation (c + 256). dpkg where char is unsigned (arm64)
 * puts them after the punctuation instead; one fixed order beats a platform-dependent one. */
static int deb_order(int c)
{
    if (c == 0 || is_digit(c))
        return 0;
    if (is_alpha(c))
        return c;
    if (c == '~')
        return -1;
    return c >= 0x80 ? c : c + 256;
}

/* Byte i of a span, or 0 past its end, so spans compare like NUL-terminated strings. */
static int at(const char *s, size_t n, size_t i)
{
    return i < n ? (unsigned char)s[i] : 0;
}

/* dpkg's verrevcmp: alternate non-digit runs (compared byte by byte by weight) and digit
 * runs (compared as numbers of any length: leading zeros dropped, then the longer run wins,
 * then the first differing digit). */
static int deb_verrevcmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    while (i < an || j < bn) {
        while ((i < an && !is_digit(at(a, an, i))) || (j < bn && !is_digit(at(b, bn, j)))) {
            int ac = deb_order(at(a, an, i));
            int bc = deb_order(at(b, bn, j));
            if (ac != bc)
                return ac < bc ? -1 : 1;
            /* Equal weights and one side at its end cannot happen: only the end weighs 0
             * among non-digits, so both are past their ends and the loop stops. */
            i++;
            j++;
        }
        while (i < an && a[i] == '0')
            i++;
        while (j < bn && b[j] == '0')
            j++;
        int first_diff = 0;
        while (is_digit(at(a, an, i)) && is_digit(at(b, bn, j))) {
            if (first_diff == 0)
                first_diff = a[i] - b[j];
            i++;
            j++;
        }
        if (is_digit(at(a, an, i)))
            return 1;
        if (is_digit(at(b, bn, j)))
            return -1;
        if (first_diff != 0)
            return first_diff < 0 ? -1 : 1;
    }
    return 0;
}

int version_deb_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
    struct deb_version va, vb;
    int rc = deb_parse(a, &va, err);
    if (rc == 0)
        rc = deb_parse(b, &vb, err);
    if (rc != 0)
        return rc;
    int r = 0;
    if (va.epoch != vb.epoch)
        r = va.epoch < vb.epoch ? -1 : 1;
    if (r == 0)
        r = deb_verrevcmp(va.upstream, va.upstream_len, vb.upstream, vb.upstream_len);
    if (r == 0)
        r = deb_verrevcmp(va.revision, va.revision_len, vb.revision, vb.revision_len);
    *cmp = r;
    return 0;
}
