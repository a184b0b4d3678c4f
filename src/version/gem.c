/* RubyGems versions: the order of Gem::Version#<=> (RubyGems 3.x, what Bundler resolves with
 * and what OSV/GHSA RubyGems ranges are written against).
 *
 * The algorithm, re-derived from its documented behaviour:
 *  - a version is `[0-9]+(\.[0-9A-Za-z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`, surrounded
 *    by optional whitespace;
 *  - every '-' means ".pre.", so "1.0-rc1" is "1.0.pre.rc1";
 *  - the segments are the maximal runs of digits (numbers, compared by value) and of ASCII
 *    letters (strings, compared byte-wise, case-sensitive); dots only separate;
 *  - the segments up to the first string are the release part, the rest the prerelease
 *    part; each part drops its trailing zeros ("1.0" = "1", "1.a.0" = "1.a");
 *  - segment by segment, a missing segment is the number 0, equal segments go on, a string
 *    is below a number ("1.0.a" < "1.0" and "1.a" < "1.0.1"), two numbers or two strings
 *    compare as themselves.
 *
 * RubyGems reads an empty or all-blank string as "0"; it is rejected here (a blank version
 * is broken data, not 0). Also rejected: anything outside the pattern above ("1a", "1.",
 * "1..0", "v1.0", "1.0+b"), bytes outside printable ASCII, more than 256 bytes and more
 * than 64 segments (counting the "pre" each '-' adds). */
#include <stddef.h>
#include <string.h>

#include "version/version_internal.h"
#include "version/version_text.h"

enum { SEG_NUM, SEG_STR };

struct gem_seg {
    int kind;
    const char *s; /* digits or letters, in the caller's string (or "pre" for a '-') */
    size_t len;
};

struct gem {
    size_t n;
    struct gem_seg seg[LANG_VERSION_MAX_PARTS];
};

static int gem_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int gem_alnum(char c)
{
    return lang_is_digit(c) || lang_is_alpha(c);
}

/* Checks the grammar on [s, e): digits, then ".alnum+" parts, then optionally '-' and
 * dot-separated non-empty [alnum-]+ parts. Returns 0 or the offset (from s) of the first
 * byte that breaks it, plus one. */
static size_t gem_grammar(const char *s, const char *e)
{
    const char *p = s;
    if (p == e || !lang_is_digit(*p))
        return 1;
    while (p < e && lang_is_digit(*p))
        p++;
    while (p < e && *p == '.') {
        p++;
        if (p == e || !gem_alnum(*p))
            return (size_t)(p - s) + 1;
        while (p < e && gem_alnum(*p))
            p++;
    }
    if (p < e && *p == '-') {
        p++;
        for (;;) {
            if (p == e || !(gem_alnum(*p) || *p == '-'))
                return (size_t)(p - s) + 1;
            while (p < e && (gem_alnum(*p) || *p == '-'))
                p++;
            if (p < e && *p == '.') {
                p++;
                continue;
            }
            break;
        }
    }
    return p == e ? 0 : (size_t)(p - s) + 1;
}

static int gem_parse(const char *v, struct gem *g, struct strata_error *err)
{
    long vlen = lang_checked_len(v);
    if (vlen < 0)
        return lang_error(err, "gem", v, "longer than %d bytes", LANG_VERSION_MAX_LEN);
    const char *s = v, *e = v + vlen;
    while (s < e && gem_space(*s))
        s++;
    while (e > s && gem_space(e[-1]))
        e--;
    if (s == e)
        return lang_error(err, "gem", v, "empty");
    for (const char *p = s; p < e; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f)
            return lang_error(err, "gem", v, "byte 0x%02x is not printable ASCII (at byte %ld)", c,
                              (long)(p - v));
    }
    size_t bad = gem_grammar(s, e);
    if (bad != 0) {
        long at = (long)(s - v) + (long)bad - 1;
        if (at == (long)(s - v))
            return lang_error(err, "gem", v, "must start with a digit");
        return lang_error(err, "gem", v,
                          "unexpected %s at byte %ld (segments are digits and letters "
                          "separated by '.', then optionally '-' and a prerelease)",
                          s + (bad - 1) < e ? "character" : "end", at);
    }
    static const char pre[] = "pre";
    g->n = 0;
    for (const char *p = s; p < e;) {
        struct gem_seg seg;
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '-') {
            seg = (struct gem_seg){SEG_STR, pre, 3};
            p++;
        } else {
            const char *q = p;
            int digits = lang_is_digit(*p);
            while (q < e && (digits ? lang_is_digit(*q) : lang_is_alpha(*q)))
                q++;
            seg = (struct gem_seg){digits ? SEG_NUM : SEG_STR, p, (size_t)(q - p)};
            p = q;
        }
        if (g->n == LANG_VERSION_MAX_PARTS)
            return lang_error(err, "gem", v, "more than %d segments", LANG_VERSION_MAX_PARTS);
        g->seg[g->n++] = seg;
    }
    return 0;
}

static int seg_is_zero(const struct gem_seg *x)
{
    if (x->kind != SEG_NUM)
        return 0;
    for (size_t i = 0; i < x->len; i++)
        if (x->s[i] != '0')
            return 0;
    return 1;
}

/* Gem::Version#canonical_segments: each of the release and prerelease parts loses its
 * trailing zeros. Done in place by moving the prerelease part down. */
static void gem_canonical(struct gem *g)
{
    size_t first = 0;
    while (first < g->n && g->seg[first].kind == SEG_NUM)
        first++;
    size_t rel = first;
    while (rel > 0 && seg_is_zero(&g->seg[rel - 1]))
        rel--;
    size_t end = g->n;
    while (end > first && seg_is_zero(&g->seg[end - 1]))
        end--;
    memmove(&g->seg[rel], &g->seg[first], (end - first) * sizeof g->seg[0]);
    g->n = rel + (end - first);
}

static int seg_cmp(const struct gem_seg *x, const struct gem_seg *y)
{
    if (x->kind != y->kind)
        return x->kind == SEG_STR ? -1 : 1;
    if (x->kind == SEG_NUM)
        return lang_digits_cmp(x->s, x->len, y->s, y->len);
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    if (c != 0)
        return c < 0 ? -1 : 1;
    return (x->len > y->len) - (x->len < y->len);
}

int version_gem_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
    struct gem ga, gb;
    int rc = gem_parse(a, &ga, err);
    if (rc == 0)
        rc = gem_parse(b, &gb, err);
    if (rc != 0)
        return rc;
    gem_canonical(&ga);
    gem_canonical(&gb);
    static const struct gem_seg zero = {SEG_NUM, "0", 1};
    size_t n = ga.n > gb.n ? ga.n : gb.n;
    for (size_t i = 0; i < n; i++) {
        const struct gem_seg *x = i < ga.n ? &ga.seg[i] : &zero;
        const struct gem_seg *y = i < gb.n ? &gb.seg[i] : &zero;
        int r = seg_cmp(x, y);
        if (r != 0) {
            *cmp = r;
            return 0;
        }
    }
    *cmp = 0;
    return 0;
}
