/* npm versions: SemVer 2.0.0 precedence exactly as node-semver's default (non-loose) mode
 * parses and compares them (`semver.compare(a, b)`), which is what npm uses for installed
 * package versions and what OSV/GHSA npm ranges are written against.
 *
 * Accepted: surrounding ASCII whitespace (node-semver trims), one optional leading "v",
 * MAJOR.MINOR.PATCH without leading zeros, an optional "-" prerelease of dot-separated
 * [0-9A-Za-z-]+ identifiers (numeric ones without leading zeros), an optional "+" build of
 * dot-separated [0-9A-Za-z-]+ identifiers. One extension: a single leading "=" before the
 * optional "v" ("=1.2.3"), which npm writes for exact versions and node-semver's loose mode
 * and semver.clean() accept; it changes nothing else.
 *
 * Rejected (node-semver rejects these too): "V1.2.3", "1.2", "01.2.3", "1.2.3-01",
 * empty identifiers, anything else after the version, versions over 256 bytes, and
 * MAJOR/MINOR/PATCH above 2^53-1 (Number.MAX_SAFE_INTEGER).
 * Rejected where node-semver goes on inexactly: numeric prerelease identifiers above
 * 2^53-1 (node-semver compares them as rounded doubles, so "1.0.0-9007199254740993" equals
 * "1.0.0-9007199254740992" there; an error is better than a wrong answer), more than 64
 * prerelease identifiers, and non-ASCII whitespace (node trims it; we report the byte). */
#include <stdint.h>
#include <string.h>

#include "version/version_internal.h"
#include "version/version_text.h"

/* Number.MAX_SAFE_INTEGER: node-semver's bound for MAJOR/MINOR/PATCH, and the largest
 * numeric prerelease identifier it still compares exactly. */
#define SEMVER_MAX_SAFE UINT64_C(9007199254740991)

struct semver_ident {
    const char *s;
    size_t len;
    int numeric; /* all digits: compared by value, and below any alphanumeric identifier */
    uint64_t num;
};

struct semver {
    uint64_t main[3];
    size_t npre;
    struct semver_ident pre[LANG_VERSION_MAX_PARTS];
};

static int is_ident_char(char c)
{
    return lang_is_digit(c) || lang_is_alpha(c) || c == '-';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Reads a run of digits as a number <= SEMVER_MAX_SAFE. Returns 0, or -1 with *why set.
 * Leading zeros are refused: node-semver's strict grammar allows them neither in
 * MAJOR/MINOR/PATCH nor in numeric prerelease identifiers. */
static int read_number(const char *s, size_t len, uint64_t *out, const char **why)
{
    if (len > 1 && s[0] == '0') {
        *why = "leading zero in a numeric part";
        return -1;
    }
    /* 2^53-1 has 16 digits; more digits cannot fit, and a uint64 holds 16 digits safely. */
    if (len > 16) {
        *why = "number larger than 2^53-1";
        return -1;
    }
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++)
        n = n * 10 + (uint64_t)(s[i] - '0');
    if (n > SEMVER_MAX_SAFE) {
        *why = "number larger than 2^53-1";
        return -1;
    }
    *out = n;
    return 0;
}

static int semver_parse(const char *v, struct semver *out, struct strata_error *err)
{
    long vlen = lang_checked_len(v);
    if (vlen < 0)
        return lang_error(err, "semver", v, "longer than %d bytes", LANG_VERSION_MAX_LEN);
    size_t b = 0, e = (size_t)vlen;
    while (b < e && is_space(v[b]))
        b++;
    while (e > b && is_space(v[e - 1]))
        e--;
    if (b == e)
        return lang_error(err, "semver", v, "empty");
    size_t p = b;
    if (v[p] == '=')
        p++;
    if (p < e && v[p] == 'v')
        p++;

    static const char *const names[3] = {"major", "minor", "patch"};
    for (int k = 0; k < 3; k++) {
        size_t start = p;
        while (p < e && lang_is_digit(v[p]))
            p++;
        if (p == start)
            return lang_error(err, "semver", v, "%s version is not a number (at byte %zu)",
                              names[k], start);
        const char *why;
        if (read_number(v + start, p - start, &out->main[k], &why) != 0)
            return lang_error(err, "semver", v, "%s version: %s (at byte %zu)", names[k], why,
                              start);
        if (k < 2) {
            if (p >= e || v[p] != '.')
                return lang_error(err, "semver", v,
                                  "expected '.' after the %s version (at byte %zu)", names[k], p);
            p++;
        }
    }

    out->npre = 0;
    if (p < e && v[p] == '-') {
        p++;
        for (;;) {
            size_t start = p;
            int digits = 1;
            while (p < e && is_ident_char(v[p])) {
                if (!lang_is_digit(v[p]))
                    digits = 0;
                p++;
            }
            if (p == start)
                return lang_error(err, "semver", v, "empty prerelease identifier (at byte %zu)",
                                  start);
            if (out->npre == LANG_VERSION_MAX_PARTS)
                return lang_error(err, "semver", v, "more than %d prerelease identifiers",
                                  LANG_VERSION_MAX_PARTS);
            struct semver_ident *id = &out->pre[out->npre++];
            id->s = v + start;
            id->len = p - start;
            id->numeric = digits;
            id->num = 0;
            const char *why;
            if (digits && read_number(id->s, id->len, &id->num, &why) != 0)
                return lang_error(err, "semver", v, "prerelease identifier: %s (at byte %zu)", why,
                                  start);
            if (p < e && v[p] == '.') {
                p++;
                continue;
            }
            break;
        }
    }
    if (p < e && v[p] == '+') {
        /* Build metadata is validated (node-semver rejects a malformed one) but never
         * compared: SemVer says it does not take part in precedence. */
        p++;
        for (;;) {
            size_t start = p;
            while (p < e && is_ident_char(v[p]))
                p++;
            if (p == start)
                return lang_error(err, "semver", v, "empty build identifier (at byte %zu)", start);
            if (p < e && v[p] == '.') {
                p++;
                continue;
            }
            break;
        }
    }
    if (p != e)
        return lang_error(err, "semver", v, "unexpected character '%c' (at byte %zu)",
                          (v[p] >= 0x20 && v[p] < 0x7f) ? v[p] : '?', p);
    return 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return (a > b) - (a < b);
}

static int ident_cmp(const struct semver_ident *a, const struct semver_ident *b)
{
    if (a->numeric && b->numeric)
        return cmp_u64(a->num, b->num);
    if (a->numeric != b->numeric)
        return a->numeric ? -1 : 1; /* numeric identifiers have lower precedence */
    /* ASCII order, a proper prefix first: what JavaScript's string < does for ASCII. */
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, n);
    if (c != 0)
        return c < 0 ? -1 : 1;
    return cmp_u64(a->len, b->len);
}

int version_semver_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
    struct semver va, vb;
    int rc = semver_parse(a, &va, err);
    if (rc == 0)
        rc = semver_parse(b, &vb, err);
    if (rc != 0)
        return rc;
    for (int k = 0; k < 3; k++) {
        int c = cmp_u64(va.main[k], vb.main[k]);
        if (c != 0) {
            *cmp = c;
            return 0;
        }
    }
    /* A version with a prerelease comes before the same version without one. */
    if (va.npre == 0 || vb.npre == 0) {
        *cmp = (va.npre == 0) - (vb.npre == 0);
        return 0;
    }
    for (size_t i = 0; i < va.npre && i < vb.npre; i++) {
        int c = ident_cmp(&va.pre[i], &vb.pre[i]);
        if (c != 0) {
            *cmp = c;
            return 0;
        }
    }
    /* Equal up to the shorter list: the larger set of identifiers has higher precedence. */
    *cmp = cmp_u64(va.npre, vb.npre);
    return 0;
}
