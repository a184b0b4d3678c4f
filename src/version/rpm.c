/* RPM versions, compared as rpm's rpmvercmp and EVR comparison do (rpm 4.16+; written from
 * their documented behaviour, checked against rpm's Lua rpm.vercmp in tests/e2e).
 *
 * [epoch:]version[-release]
 *   epoch     the leading digits when a ':' follows them; 0 when absent or empty
 *   release   everything after the last '-'
 * Epochs compare first, then versions, then releases, where having a release (even an empty
 * one, "1.0-") is newer than having none: "1.0" < "1.0-1". That is rpmverCmp, which rpm's
 * rpm.vercmp uses. (rpm's dependency matching, rpmverOverlap, instead ignores the release
 * when a range leaves it out; that is a question about ranges, not about two versions.)
 *
 * Within each part (rpmvercmp): bytes other than ASCII letters, digits, '~' and '^' only
 * separate segments and their kind and number do not matter ("1.0" = "1_0" = "1..0").
 * Segments are maximal runs of digits or of letters; a digit run is newer than a letter run;
 * digit runs compare as numbers of any length, letter runs by byte (so "A" < "a"). '~' sorts
 * before everything, even the end ("1.0~rc1" < "1.0"); '^' sorts after the end but before
 * any further segment ("1.0" < "1.0^git1" < "1.0.1"). When one part runs out first the other
 * is newer.
 *
 * Invalid: the empty string (rpm refuses it too), and versions holding white space or
 * control bytes, which rpm never writes into a package header. Everything else compares. */
#include <stddef.h>
#include <string.h>

#include "strata/error.h"
#include "version/version_internal.h"
#include "version/version_text.h"

struct rpm_evr {
    const char *epoch; /* digits, possibly none (= 0) */
    size_t epoch_len;
    const char *version;
    size_t version_len;
    const char *release; /* NULL when there is no '-' */
    size_t release_len;
};

/* rpm's own character classes: ASCII only, independent of the locale. */
static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(int c)
{
    return is_digit(c) || is_alpha(c);
}

static int rpm_check(const char *v, size_t *len, struct strata_error *err)
{
    char q[VERSION_QUOTE_SIZE];
    size_t n = strnlen(v, VERSION_MAX_LEN + 1);
    if (n > VERSION_MAX_LEN)
        return strata_error_set(err, STRATA_EFORMAT, "rpm version %s: longer than 4096 bytes",
                                version_quote(v, q));
    if (n == 0)
        return strata_error_set(err, STRATA_EFORMAT, "rpm version \"\": empty");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= ' ' || c == 0x7f)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "rpm version %s: offset %zu: white space or control byte",
                                    version_quote(v, q), i);
    }
    *len = n;
    return 0;
}

/* The leading digits are the epoch only when a ':' follows them; the release starts after
 * the last '-' (the epoch's digits hold none, so searching the whole string is the same). */
static void rpm_split(const char *v, size_t n, struct rpm_evr *e)
{
    size_t d = 0;
    while (d < n && is_digit((unsigned char)v[d]))
        d++;
    size_t vstart = 0;
    e->epoch = v;
    e->epoch_len = 0;
    if (d < n && v[d] == ':') {
        e->epoch_len = d;
        vstart = d + 1;
    }
    const char *hyphen = NULL;
    for (size_t i = n; i > vstart; i--) {
        if (v[i - 1] == '-') {
            hyphen = v + i - 1;
            break;
        }
    }
    e->version = v + vstart;
    if (hyphen != NULL) {
        e->version_len = (size_t)(hyphen - e->version);
        e->release = hyphen + 1;
        e->release_len = (size_t)(v + n - e->release);
    } else {
        e->version_len = n - vstart;
        e->release = NULL;
        e->release_len = 0;
    }
}

/* Byte i of a span, or 0 past its end. */
static int at(const char *s, size_t n, size_t i)
{
    return i < n ? (unsigned char)s[i] : 0;
}

static int is_separator(int c)
{
    return c != 0 && !is_alnum(c) && c != '~' && c != '^';
}

/* rpmvercmp over two spans. */
static int rpm_vercmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    while (i < an || j < bn) {
        while (is_separator(at(a, an, i)))
            i++;
        while (is_separator(at(b, bn, j)))
            j++;
        int ca = at(a, an, i), cb = at(b, bn, j);

        /* '~' sorts before anything, the end included. */
        if (ca == '~' || cb == '~') {
            if (ca != '~')
                return 1;
            if (cb != '~')
                return -1;
            i++;
            j++;
            continue;
        }
        /* '^' sorts after the end (the base version) but before any other segment. */
        if (ca == '^' || cb == '^') {
            if (ca == 0)
                return -1;
            if (cb == 0)
                return 1;
            if (ca != '^')
                return 1;
            if (cb != '^')
                return -1;
            i++;
            j++;
            continue;
        }
        if (ca == 0 || cb == 0)
            break;

        /* One segment from each: a's kind decides which kind is read from b. */
        size_t si = i, sj = j;
        int numeric = is_digit(ca);
        int (*cls)(int) = numeric ? is_digit : is_alpha;
        while (i < an && cls((unsigned char)a[i]))
            i++;
        while (j < bn && cls((unsigned char)b[j]))
            j++;
        if (j == sj) /* b has the other kind here: digits are newer than letters */
            return numeric ? 1 : -1;

        if (numeric) {
            while (si < i && a[si] == '0')
                si++;
            while (sj < j && b[sj] == '0')
                sj++;
            if (i - si != j - sj)
                return i - si > j - sj ? 1 : -1;
        }
        size_t la = i - si, lb = j - sj;
        int r = memcmp(a + si, b + sj, la < lb ? la : lb);
        if (r != 0)
            return r < 0 ? -1 : 1;
        if (la != lb)
            return la < lb ? -1 : 1;
    }
    /* Every segment matched; whichever still has bytes left is newer. */
    int enda = i >= an, endb = j >= bn;
    if (enda && endb)
        return 0;
    return enda ? -1 : 1;
}

int version_rpm_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
    size_t an, bn;
    int rc = rpm_check(a, &an, err);
    if (rc == 0)
        rc = rpm_check(b, &bn, err);
    if (rc != 0)
        return rc;
    struct rpm_evr ea, eb;
    rpm_split(a, an, &ea);
    rpm_split(b, bn, &eb);
    /* An absent or empty epoch is "0"; comparing digit strings with rpmvercmp is numeric. */
    int r = rpm_vercmp(ea.epoch_len ? ea.epoch : "0", ea.epoch_len ? ea.epoch_len : 1,
                       eb.epoch_len ? eb.epoch : "0", eb.epoch_len ? eb.epoch_len : 1);
    if (r == 0)
        r = rpm_vercmp(ea.version, ea.version_len, eb.version, eb.version_len);
    if (r == 0) {
        if (ea.release != NULL && eb.release != NULL)
            r = rpm_vercmp(ea.release, ea.release_len, eb.release, eb.release_len);
        else if (ea.release != NULL || eb.release != NULL)
            r = ea.release != NULL ? 1 : -1;
    }
    *cmp = r;
    return 0;
}
