/* Go module versions: validity and order exactly as golang.org/x/mod/semver (IsValid,
 * Compare), which the go command and the Go vulnerability database use.
 *
 * x/mod/semver rules: a version starts with "v"; vMAJOR, vMAJOR.MINOR and
 * vMAJOR.MINOR.PATCH are valid and the short forms mean .0 (v1 == v1.0 == v1.0.0), but a
 * prerelease or build suffix needs all three numbers; numbers have no leading zeros and no
 * size limit; the prerelease is "-" and dot-separated [0-9A-Za-z-]+ identifiers (numeric
 * ones without leading zeros) and orders as in SemVer 2.0.0; build metadata ("+meta",
 * including "+incompatible") is validated and ignored. Pseudo-versions
 * (v0.0.0-20191109021931-daa7c04131f5, v1.2.4-0.2019..., v1.2.3-pre.0.2019...) are ordinary
 * prereleases under these rules, and that ordering is what makes them sort between the
 * tags they were derived from.
 *
 * Two more spellings are accepted and rewritten to the above before comparing:
 *  - OSV's Go entries write versions without the "v" ("1.19.8", "1.21.0-0"): a version
 *    that starts with a digit gets a "v" in front.
 *  - Go toolchain / standard library versions ("go1.19.8", "go1.21rc2", "go1.9beta1",
 *    "go1.8-pre3", "go1") are mapped the way golang.org/x/vuln maps release tags to
 *    semver: go1 -> v1.0.0, goX.Y -> vX.Y.0, goX.Y.Z -> vX.Y.Z, a beta/rc/-pre suffix N
 *    -> -beta.N / -rc.N / -pre.N (so go1.21rc2 -> v1.21.0-rc.2 < go1.21.0). "go1.21"
 *    therefore means the release 1.21.0, as the release tags before Go 1.21 used it, not
 *    the Go 1.21 language version. "go1.0" was never a tag and is rejected, as x/vuln does.
 *
 * Rejected beyond x/mod: versions over 256 bytes and more than 64 prerelease identifiers.
 */
#include <stddef.h>
#include <string.h>

#include "version/version_internal.h"
#include "version/version_text.h"

struct slice {
    const char *s;
    size_t len;
};

struct gover {
    char buf[LANG_VERSION_MAX_LEN + 16]; /* the version rewritten to x/mod form */
    struct slice num[3];
    size_t npre;
    struct slice pre[LANG_VERSION_MAX_PARTS];
};

static int is_ident_char(char c)
{
    return lang_is_digit(c) || lang_is_alpha(c) || c == '-';
}

static size_t digits_end(const char *s, size_t p, size_t end)
{
    while (p < end && lang_is_digit(s[p]))
        p++;
    return p;
}

static int append(char *buf, size_t *o, const char *s, size_t n)
{
    if (*o + n >= LANG_VERSION_MAX_LEN + 16)
        return -1;
    memcpy(buf + *o, s, n);
    *o += n;
    buf[*o] = '\0';
    return 0;
}

/* goX.Y[.Z][(beta|rc|-pre)N] or go1 -> x/mod form in g->buf. Returns 0 or -1. The numbers
 * are copied as written; leading zeros are then refused by the x/mod parse. */
static int toolchain_to_semver(const char *v, size_t len, struct gover *g)
{
    size_t o = 0;
    g->buf[0] = '\0';
    if (len == 3 && memcmp(v, "go1", 3) == 0)
        return append(g->buf, &o, "v1.0.0", 6);
    if (len == 5 && memcmp(v, "go1.0", 5) == 0)
        return -1;
    size_t p = 2;
    size_t d = digits_end(v, p, len);
    if (d == p || d >= len || v[d] != '.')
        return -1;
    size_t d2 = digits_end(v, d + 1, len);
    if (d2 == d + 1)
        return -1;
    append(g->buf, &o, "v", 1);
    append(g->buf, &o, v + p, d2 - p);
    p = d2;
    if (p < len && v[p] == '.') {
        size_t d3 = digits_end(v, p + 1, len);
        if (d3 == p + 1)
            return -1;
        append(g->buf, &o, v + p, d3 - p);
        p = d3;
    } else {
        append(g->buf, &o, ".0", 2);
    }
    if (p == len)
        return 0;
    static const char *const words[] = {"beta", "rc", "-pre"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t wl = strlen(words[i]);
        if (len - p <= wl || memcmp(v + p, words[i], wl) != 0)
            continue;
        size_t dn = digits_end(v, p + wl, len);
        if (dn == p + wl || dn != len)
            return -1;
        if (words[i][0] != '-')
            append(g->buf, &o, "-", 1);
        append(g->buf, &o, words[i], wl);
        append(g->buf, &o, ".", 1);
        return append(g->buf, &o, v + p + wl, dn - p - wl);
    }
    return -1;
}

/* A run of digits without leading zeros; returns its end, or start on failure. */
static size_t parse_int(const char *s, size_t p, size_t end)
{
    size_t d = digits_end(s, p, end);
    if (d == p || (s[p] == '0' && d - p > 1))
        return p;
    return d;
}

static int go_parse(const char *v, struct gover *g, struct strata_error *err)
{
    long vlen = lang_checked_len(v);
    if (vlen < 0)
        return lang_error(err, "go", v, "longer than %d bytes", LANG_VERSION_MAX_LEN);
    size_t len = (size_t)vlen;
    size_t o = 0;
    g->buf[0] = '\0';
    if (len >= 2 && v[0] == 'g' && v[1] == 'o') {
        if (toolchain_to_semver(v, len, g) != 0)
            return lang_error(err, "go", v,
                              "not a Go release tag (go1, goX.Y, goX.Y.Z, with an optional "
                              "betaN, rcN or -preN)");
    } else if (len > 0 && lang_is_digit(v[0])) {
        append(g->buf, &o, "v", 1);
        append(g->buf, &o, v, len);
    } else if (len > 0 && v[0] == 'v') {
        append(g->buf, &o, v, len);
    } else {
        return lang_error(err, "go", v, "must start with 'v' (or be a goX.Y toolchain version)");
    }

    /* From here on the x/mod/semver grammar, on the rewritten form. */
    const char *s = g->buf;
    size_t end = strlen(s);
    /* Offsets in messages are into what the user wrote: the rewrite only adds a leading 'v'
     * to a bare number, and toolchain tags report no offset. */
    size_t shift = (v[0] == 'v') ? 0 : 1;
    static const char *const names[3] = {"major", "minor", "patch"};
    size_t p = 1;
    static const struct slice zero = {"0", 1};
    g->num[1] = g->num[2] = zero;
    g->npre = 0;
    for (int k = 0; k < 3; k++) {
        size_t d = parse_int(s, p, end);
        if (d == p)
            return lang_error(err, "go", v,
                              "%s version is not a number without leading zeros (at byte %zu)",
                              names[k], p - shift);
        g->num[k] = (struct slice){s + p, d - p};
        p = d;
        if (p == end)
            return 0; /* v1 and v1.2 are shorthands, valid only without a suffix */
        if (k < 2) {
            if (s[p] != '.')
                return lang_error(err, "go", v, "expected '.' after the %s version (at byte %zu)",
                                  names[k], p - shift);
            p++;
        }
    }
    if (s[p] == '-') {
        p++;
        for (;;) {
            size_t st = p, digits = 1;
            while (p < end && is_ident_char(s[p])) {
                if (!lang_is_digit(s[p]))
                    digits = 0;
                p++;
            }
            if (p == st)
                return lang_error(err, "go", v, "empty prerelease identifier (at byte %zu)",
                                  st - shift);
            if (digits && s[st] == '0' && p - st > 1)
                return lang_error(err, "go", v,
                                  "numeric prerelease identifier with a leading zero (at byte %zu)",
                                  st - shift);
            if (g->npre == LANG_VERSION_MAX_PARTS)
                return lang_error(err, "go", v, "more than %d prerelease identifiers",
                                  LANG_VERSION_MAX_PARTS);
            g->pre[g->npre++] = (struct slice){s + st, p - st};
            if (p < end && s[p] == '.') {
                p++;
                continue;
            }
            break;
        }
    }
    if (p < end && s[p] == '+') {
        p++;
        for (;;) {
            size_t st = p;
            while (p < end && is_ident_char(s[p]))
                p++;
            if (p == st)
                return lang_error(err, "go", v, "empty build identifier (at byte %zu)", st - shift);
            if (p < end && s[p] == '.') {
                p++;
                continue;
            }
            break;
        }
    }
    if (p != end)
        return lang_error(err, "go", v, "unexpected character (at byte %zu)", p - shift);
    return 0;
}

static int all_digits(struct slice x)
{
    for (size_t i = 0; i < x.len; i++)
        if (!lang_is_digit(x.s[i]))
            return 0;
    return 1;
}

static int ident_cmp(struct slice a, struct slice b)
{
    int an = all_digits(a), bn = all_digits(b);
    if (an != bn)
        return an ? -1 : 1;
    if (an)
        return lang_digits_cmp(a.s, a.len, b.s, b.len);
    size_t n = a.len < b.len ? a.len : b.len;
    int c = memcmp(a.s, b.s, n);
    if (c != 0)
        return c < 0 ? -1 : 1;
    return (a.len > b.len) - (a.len < b.len);
}

int version_go_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
    struct gover va, vb;
    int rc = go_parse(a, &va, err);
    if (rc == 0)
        rc = go_parse(b, &vb, err);
    if (rc != 0)
        return rc;
    for (int k = 0; k < 3; k++) {
        int c = lang_digits_cmp(va.num[k].s, va.num[k].len, vb.num[k].s, vb.num[k].len);
        if (c != 0) {
            *cmp = c;
            return 0;
        }
    }
    if (va.npre == 0 || vb.npre == 0) {
        *cmp = (va.npre == 0) - (vb.npre == 0);
        return 0;
    }
    for (size_t i = 0; i < va.npre && i < vb.npre; i++) {
        int c = ident_cmp(va.pre[i], vb.pre[i]);
        if (c != 0) {
            *cmp = c;
            return 0;
        }
    }
    *cmp = (va.npre > vb.npre) - (va.npre < vb.npre);
    return 0;
}
