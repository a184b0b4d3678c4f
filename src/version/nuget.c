/* NuGet versions: the order of NuGet.Versioning's VersionComparer.Default over
 * NuGetVersion.TryParse (the NuGet client 6.x), which is what NuGet restores with and what
 * OSV/GHSA NuGet ranges are written against.
 *
 * The rules, re-derived from NuGet's documentation ("Package versioning", "Normalized
 * version numbers", SemVer 2.0.0 support) and its documented behaviour:
 *  - form: `N[.N[.N[.N]]][-LABEL(.LABEL)*][+METADATA]`, surrounding whitespace ignored; the
 *    version part ends at the first '-' or '+', the labels at the first '+';
 *  - numbers: decimal, leading zeros allowed ("01" = 1), each at most 2147483647 (a .NET
 *    int); missing parts are 0, so 1 = 1.0 = 1.0.0 = 1.0.0.0; the fourth is the revision;
 *  - labels: non-empty [0-9A-Za-z-]+; an all-digit label has no leading zero ("0" but not
 *    "01"); metadata: dot-separated non-empty [0-9A-Za-z-]+ (leading zeros allowed), ignored
 *    for the order;
 *  - order: major, minor, patch, revision; a version without labels is above one with;
 *    labels one by one: two labels that .NET's int.TryParse reads as numbers (an optional
 *    '-' then digits within the int range, so "-1" is the number -1 and "2147483648" is
 *    text) compare as numbers, a number is below text, two texts compare ordinally
 *    ignoring case (so "RC" = "rc"); on an equal prefix the shorter list is lower.
 *
 * Rejected beyond NuGet: '+' signs and whitespace inside the numbers (System.Version
 * accepts "1. 2" and "1.+2"), non-ASCII whitespace, bytes outside printable ASCII, more than
 * 256 bytes and more than 64 labels. */
#include <stddef.h>
#include <string.h>

#include "version/version_internal.h"
#include "version/version_text.h"

#define INT32_DIGITS "2147483647"

struct nuget_label {
    const char *s;
    size_t len;
    int numeric; /* int.TryParse succeeds */
    long long value;
};

struct nuget {
    long long num[4];
    size_t nlabels;
    struct nuget_label label[LANG_VERSION_MAX_PARTS];
};

static int nuget_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int label_char(char c)
{
    return lang_is_digit(c) || lang_is_alpha(c) || c == '-';
}

/* A run of digits within [0, 2147483647]: leading zeros allowed. */
static int int32_digits(const char *s, size_t len, long long *out)
{
    if (len == 0)
        return 0;
    long long x = 0;
    for (size_t i = 0; i < len; i++) {
        if (!lang_is_digit(s[i]))
            return 0;
        x = x * 10 + (s[i] - '0');
        if (x > 2147483648LL)
            x = 2147483648LL + 1; /* saturate: out of range whatever follows */
    }
    *out = x;
    return 1;
}

/* int.TryParse on a label (which only has [0-9A-Za-z-]): an optional '-', digits, in the
 * int range [-2147483648, 2147483647]. */
static int label_number(const char *s, size_t len, long long *out)
{
    int neg = len > 0 && s[0] == '-';
    long long x;
    if (!int32_digits(s + neg, len - (size_t)neg, &x))
        return 0;
    if (neg ? x > 2147483648LL : x > 2147483647LL)
        return 0;
    *out = neg ? -x : x;
    return 1;
}

static int nuget_parse(const char *v, struct nuget *g, struct strata_error *err)
{
    long vlen = lang_checked_len(v);
    if (vlen < 0)
        return lang_error(err, "nuget", v, "longer than %d bytes", LANG_VERSION_MAX_LEN);
    const char *s = v, *e = v + vlen;
    while (s < e && nuget_space(*s))
        s++;
    while (e > s && nuget_space(e[-1]))
        e--;
    if (s == e)
        return lang_error(err, "nuget", v, "empty");
    for (const char *p = s; p < e; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f)
            return lang_error(err, "nuget", v, "byte 0x%02x is not printable ASCII (at byte %ld)",
                              c, (long)(p - v));
    }
    const char *p = s;
    size_t nnum = 0;
    for (;;) {
        const char *q = p;
        while (q < e && lang_is_digit(*q))
            q++;
        if (q == p)
            return lang_error(err, "nuget", v, "expected a number at byte %ld", (long)(p - v));
        if (nnum == 4)
            return lang_error(err, "nuget", v, "more than 4 numbers");
        if (!int32_digits(p, (size_t)(q - p), &g->num[nnum]) || g->num[nnum] > 2147483647LL)
            return lang_error(err, "nuget", v, "number at byte %ld is above " INT32_DIGITS,
                              (long)(p - v));
        nnum++;
        p = q;
        if (p < e && *p == '.') {
            p++;
            continue;
        }
        break;
    }
    while (nnum < 4)
        g->num[nnum++] = 0;
    g->nlabels = 0;
    if (p < e && *p == '-') {
        p++;
        for (;;) {
            const char *q = p;
            while (q < e && label_char(*q))
                q++;
            if (q == p)
                return lang_error(err, "nuget", v, "empty prerelease label at byte %ld",
                                  (long)(p - v));
            size_t len = (size_t)(q - p);
            int all_digits = 1;
            for (size_t i = 0; i < len; i++)
                all_digits &= lang_is_digit(p[i]);
            if (all_digits && len > 1 && p[0] == '0')
                return lang_error(err, "nuget", v,
                                  "numeric prerelease label with a leading zero at byte %ld",
                                  (long)(p - v));
            if (g->nlabels == LANG_VERSION_MAX_PARTS)
                return lang_error(err, "nuget", v, "more than %d prerelease labels",
                                  LANG_VERSION_MAX_PARTS);
            struct nuget_label *l = &g->label[g->nlabels++];
            l->s = p;
            l->len = len;
            l->numeric = label_number(p, len, &l->value);
            p = q;
            if (p < e && *p == '.') {
                p++;
                continue;
            }
            break;
        }
    }
    if (p < e && *p == '+') {
        p++;
        for (;;) {
            const char *q = p;
            while (q < e && label_char(*q))
                q++;
            if (q == p)
                return lang_error(err, "nuget", v, "empty metadata part at byte %ld",
                                  (long)(p - v));
            p = q;
            if (p < e && *p == '.') {
                p++;
                continue;
            }
            break;
        }
    }
    if (p < e)
        return lang_error(err, "nuget", v, "unexpected character at byte %ld", (long)(p - v));
    return 0;
}

static int label_cmp(const struct nuget_label *x, const struct nuget_label *y)
{
    if (x->numeric && y->numeric)
        return (x->value > y->value) - (x->value < y->value);
    if (x->numeric || y->numeric)
        return x->numeric ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    for (size_t i = 0; i < n; i++) {
        /* OrdinalIgnoreCase compares upper-cased UTF-16 units */
        char a = x->s[i], b = y->s[i];
        a = (a >= 'a' && a <= 'z') ? (char)(a - 'a' + 'A') : a;
        b = (b >= 'a' && b <= 'z') ? (char)(b - 'a' + 'A') : b;
        if (a != b)
            return a < b ? -1 : 1;
    }
    return (x->len > y->len) - (x->len < y->len);
}

int version_nuget_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
    struct nuget va, vb;
    int rc = nuget_parse(a, &va, err);
    if (rc == 0)
        rc = nuget_parse(b, &vb, err);
    if (rc != 0)
        return rc;
    for (int i = 0; i < 4; i++)
        if (va.num[i] != vb.num[i]) {
            *cmp = va.num[i] < vb.num[i] ? -1 : 1;
            return 0;
        }
    if ((va.nlabels == 0) != (vb.nlabels == 0)) {
        *cmp = va.nlabels == 0 ? 1 : -1; /* a release is above its prereleases */
        return 0;
    }
    size_t n = va.nlabels < vb.nlabels ? va.nlabels : vb.nlabels;
    for (size_t i = 0; i < n; i++) {
        int r = label_cmp(&va.label[i], &vb.label[i]);
        if (r != 0) {
            *cmp = r;
            return 0;
        }
    }
    *cmp = (va.nlabels > vb.nlabels) - (va.nlabels < vb.nlabels);
    return 0;
}
