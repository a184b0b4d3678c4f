/* Composer versions: the order Composer applies to Packagist advisories and installed
 * packages - Composer\Semver\VersionParser::normalize (composer/semver 3.x) on each version,
 * then PHP's version_compare on the normalized strings.
 *
 * normalize, re-derived from its documented behaviour:
 *  - surrounding whitespace is trimmed, a trailing stability flag (`@dev`, `@beta`, ...) and
 *    build metadata (`+...`) are dropped;
 *  - classical versions: `[v]N[.N[.N[.N]]]` (the first number at most 5 digits) followed by
 *    an optional modifier `[._-]?(STABILITY[[.-]?N]*)?([.-]?dev)?`; missing numbers are 0,
 *    so every classical version has four numbers (`1.2` -> `1.2.0.0`); STABILITY is
 *    case-insensitive: alpha|a, beta|b, RC|rc, patch|pl|p, and `stable`, which written in
 *    lower case drops everything after it (`1.0-stable-dev` -> `1.0.0.0`) and in any other
 *    case stays as the word `stable`;
 *  - date versions: `[v]YYYY(.MM){1,6}(.N{1,3})?` with the separators `.`, `:` or `-`
 *    optional (`2023-01-01`, `20230101`), the same modifier; their numbers are kept as
 *    written, so their count varies;
 *  - numeric branches: `N[.N|x|*]{0,3}` followed by `[.-]?dev` (`1.x-dev`,
 *    `2.1.*-dev`): x and * become 9999999, missing parts too, then `-dev`.
 *
 * version_compare then reads the normalized version as numbers and words (split at `.`,
 * `-` and digit/letter changes) and compares part by part: numbers by value, words by rank
 * dev < alpha < beta < RC < (a number) < patch (any other word, here `stable`, ranks below
 * dev), a number against a word as the rank of a number; when one side runs out, a further
 * number makes it higher, a further word decides by its rank against a number (so
 * `1.0.0.0-beta` < `1.0.0.0` < `1.0.0.0-patch1`, and `2023.1.1` < `2023.1.1.0`).
 *
 * Rejected: branch names (`dev-main`, `master`, ...: Composer never orders them),
 * "X as Y" aliases and any whitespace inside, anything normalize refuses, numbers above
 * 2^63-1 (PHP's version_compare saturates them), bytes outside printable ASCII, more than
 * 256 bytes and more than 64 parts. */
#include <stddef.h>
#include <string.h>

#include "version/version_internal.h"
#include "version/version_text.h"

/* version_compare's ranks of its special words; a number ranks as '#'. */
enum { R_OTHER = -1, R_DEV = 0, R_ALPHA = 1, R_BETA = 2, R_RC = 3, R_NUMBER = 4, R_PATCH = 5 };

struct cmp_part {
    int is_num;
    int rank;                 /* words */
    unsigned long long value; /* numbers */
};

struct composer {
    size_t n;
    struct cmp_part part[LANG_VERSION_MAX_PARTS];
};

struct cparser {
    const char *v; /* the caller's string, for messages */
    struct composer *c;
    struct strata_error *err;
    int rc;
};

static int php_trim_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v';
}

/* Case-insensitive: does [p, e) start with word? */
static int starts_ci(const char *p, const char *e, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(e - p) < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lang_lower(p[i]) != lang_lower(word[i]))
            return 0;
    return 1;
}

static int add_part(struct cparser *ps, struct cmp_part part)
{
    if (ps->rc != 0)
        return ps->rc;
    if (ps->c->n == LANG_VERSION_MAX_PARTS)
        return ps->rc = lang_error(ps->err, "composer", ps->v, "more than %d parts",
                                   LANG_VERSION_MAX_PARTS);
    ps->c->part[ps->c->n++] = part;
    return 0;
}

static int add_word(struct cparser *ps, int rank)
{
    return add_part(ps, (struct cmp_part){0, rank, 0});
}

/* A number as PHP's strtol reads it; values above LONG_MAX are refused rather than
 * saturated as PHP does. */
static int add_num(struct cparser *ps, const char *s, size_t len)
{
    static const char max[] = "9223372036854775807";
    if (lang_digits_cmp(s, len, max, sizeof max - 1) > 0)
        return ps->rc = lang_error(ps->err, "composer", ps->v,
                                   "number above 2^63-1 at byte %ld (PHP saturates it)",
                                   (long)(s - ps->v));
    unsigned long long x = 0;
    for (size_t i = 0; i < len; i++)
        x = x * 10 + (unsigned)(s[i] - '0');
    return add_part(ps, (struct cmp_part){1, R_NUMBER, x});
}

static const char *skip_digits(const char *p, const char *e)
{
    while (p < e && lang_is_digit(*p))
        p++;
    return p;
}

/* The modifier `[._-]?(?:(STABILITY)((?:[.-]?\d+)*+)?)?([.-]?dev)?$` at p. Returns 1 and
 * adds its parts when it matches the rest of [p, e), else 0. */
static int modifier(struct cparser *ps, const char *p, const char *e)
{
    static const struct {
        const char *word;
        int rank;
    } words[] = {{"stable", R_OTHER}, {"beta", R_BETA},   {"b", R_BETA},
                 {"RC", R_RC},        {"alpha", R_ALPHA}, {"a", R_ALPHA},
                 {"patch", R_PATCH},  {"pl", R_PATCH},    {"p", R_PATCH}};
    if (p < e && (*p == '.' || *p == '_' || *p == '-'))
        p++;
    const char *word = NULL, *nums = NULL, *nums_end = NULL;
    int rank = 0;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (starts_ci(p, e, words[i].word)) {
            word = p;
            rank = words[i].rank;
            p += strlen(words[i].word);
            nums = p;
            for (;;) {
                const char *q = p;
                if (q < e && (*q == '.' || *q == '-'))
                    q++;
                if (q == e || !lang_is_digit(*q))
                    break;
                p = skip_digits(q, e);
            }
            nums_end = p;
            break;
        }
    int dev = 0;
    {
        const char *q = p;
        if (q < e && (*q == '.' || *q == '-'))
            q++;
        if (starts_ci(q, e, "dev") && q + 3 == e) {
            dev = 1;
            p = e;
        }
    }
    if (p != e)
        return 0;
    if (word != NULL) {
        /* normalize returns the bare numbers when the word is exactly "stable" */
        if (strncmp(word, "stable", 6) == 0)
            return 1;
        add_word(ps, rank);
        for (const char *q = nums; q < nums_end;) {
            if (!lang_is_digit(*q)) {
                q++;
                continue;
            }
            const char *r = skip_digits(q, nums_end);
            add_num(ps, q, (size_t)(r - q));
            q = r;
        }
    }
    if (dev)
        add_word(ps, R_DEV);
    return 1;
}

/* `(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?` then the modifier. */
static int classical(struct cparser *ps, const char *p, const char *e)
{
    const char *nums[4], *ends[4];
    size_t n = 0;
    const char *q = skip_digits(p, e);
    if (q == p || q - p > 5)
        return 0;
    nums[n] = p;
    ends[n++] = q;
    p = q;
    while (n < 4 && p + 1 < e && *p == '.' && lang_is_digit(p[1])) {
        q = skip_digits(p + 1, e);
        nums[n] = p + 1;
        ends[n++] = q;
        p = q;
    }
    size_t before = ps->c->n;
    for (size_t i = 0; i < n; i++)
        add_num(ps, nums[i], (size_t)(ends[i] - nums[i]));
    for (size_t i = n; i < 4; i++)
        add_num(ps, "0", 1);
    if (ps->rc == 0 && !modifier(ps, p, e)) {
        ps->c->n = before;
        return 0;
    }
    return 1;
}

/* Are run lengths len[0..k] (digit runs separated by single separators) a date body
 * `\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?`? Each run must be whole chunks: the first
 * starts with the 4-digit chunk, then 2-digit chunks (1 to 6 in all), then optionally one
 * final chunk of 1 to 3 digits in the last run. */
static int date_runs_ok(const size_t *len, size_t k)
{
    if (len[0] < 4)
        return 0;
    for (size_t f = 0; f <= 3; f++) {
        size_t pairs = 0;
        int ok = 1;
        for (size_t i = 0; i <= k && ok; i++) {
            size_t l = len[i] - (i == 0 ? 4 : 0);
            if (i == k) {
                if (l < f) {
                    ok = 0;
                    break;
                }
                l -= f;
                if (l == 0 && f == 0 && i > 0)
                    ok = 0; /* an empty last run */
            } else if (l == 0 && i > 0) {
                ok = 0;
            }
            if (l % 2 != 0)
                ok = 0;
            pairs += l / 2;
        }
        if (ok && pairs >= 1 && pairs <= 6)
            return 1;
    }
    return 0;
}

static int date(struct cparser *ps, const char *p, const char *e)
{
    size_t len[32], k = 0;
    const char *start = p, *q = p;
    /* The body is every digit run joined by single separators: the modifier cannot start
     * with a digit, so the regex has no shorter way to match. */
    for (;;) {
        const char *r = skip_digits(q, e);
        if (r == q || k == sizeof len / sizeof len[0])
            break;
        len[k++] = (size_t)(r - q);
        q = r;
        if (q + 1 < e && (*q == '.' || *q == ':' || *q == '-') && lang_is_digit(q[1]))
            q++;
        else
            break;
    }
    if (k == 0 || !date_runs_ok(len, k - 1))
        return 0;
    size_t before = ps->c->n;
    for (const char *r = start; r < q;) {
        if (!lang_is_digit(*r)) {
            r++;
            continue;
        }
        const char *t = skip_digits(r, q);
        add_num(ps, r, (size_t)(t - r));
        r = t;
    }
    if (ps->rc == 0 && !modifier(ps, q, e)) {
        ps->c->n = before;
        return 0;
    }
    return 1;
}

/* normalize's last resort: `(.*?)[.-]?dev$` whose prefix is a numeric branch
 * `v?N(\.(N|x|X|*)){0,3}`. */
static int numeric_branch(struct cparser *ps, const char *p, const char *e)
{
    if (e - p < 3 || !starts_ci(e - 3, e, "dev"))
        return 0;
    const char *end = e - 3;
    if (end > p && (end[-1] == '.' || end[-1] == '-'))
        end--;
    if (p < end && (*p == 'v' || *p == 'V'))
        p++;
    const char *q = skip_digits(p, end);
    if (q == p)
        return 0;
    const char *parts[4], *ends[4];
    size_t n = 0;
    parts[n] = p;
    ends[n++] = q;
    p = q;
    while (n < 4 && p + 1 < end && *p == '.') {
        if (p[1] == 'x' || p[1] == 'X' || p[1] == '*') {
            parts[n] = NULL;
            ends[n++] = NULL;
            p += 2;
            continue;
        }
        q = skip_digits(p + 1, end);
        if (q == p + 1)
            return 0;
        parts[n] = p + 1;
        ends[n++] = q;
        p = q;
    }
    if (p != end)
        return 0;
    for (size_t i = 0; i < 4; i++) {
        if (i < n && parts[i] != NULL)
            add_num(ps, parts[i], (size_t)(ends[i] - parts[i]));
        else
            add_num(ps, "9999999", 7);
    }
    add_word(ps, R_DEV);
    return 1;
}

static int composer_parse(const char *v, struct composer *c, struct strata_error *err)
{
    long vlen = lang_checked_len(v);
    if (vlen < 0)
        return lang_error(err, "composer", v, "longer than %d bytes", LANG_VERSION_MAX_LEN);
    const char *s = v, *e = v + vlen;
    while (s < e && php_trim_space(*s))
        s++;
    while (e > s && php_trim_space(e[-1]))
        e--;
    if (s == e)
        return lang_error(err, "composer", v, "empty");
    for (const char *p = s; p < e; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= 0x20 || ch >= 0x7f)
            return lang_error(err, "composer", v,
                              "byte 0x%02x is not printable ASCII (at byte %ld)", ch,
                              (long)(p - v));
    }
    /* a stability flag: @stable, @RC, @beta, @alpha, @dev */
    static const char *const flags[] = {"@stable", "@RC", "@beta", "@alpha", "@dev"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        size_t n = strlen(flags[i]);
        if ((size_t)(e - s) >= n && starts_ci(e - n, e, flags[i])) {
            e -= n;
            break;
        }
    }
    if (starts_ci(s, e, "dev-") || ((e - s == 6 && memcmp(s, "master", 6) == 0) ||
                                    (e - s == 5 && memcmp(s, "trunk", 5) == 0) ||
                                    (e - s == 7 && memcmp(s, "default", 7) == 0)))
        return lang_error(err, "composer", v, "a branch name, which Composer does not order");
    /* build metadata: `^([^,\s+]++)\+[^\s]++$` */
    const char *plus = memchr(s, '+', (size_t)(e - s));
    if (plus != NULL && plus > s && plus + 1 < e && memchr(s, ',', (size_t)(plus - s)) == NULL)
        e = plus;
    const char *p = s;
    if (p < e && (*p == 'v' || *p == 'V'))
        p++;
    c->n = 0;
    struct cparser ps = {v, c, err, 0};
    if (classical(&ps, p, e) || ps.rc != 0 || date(&ps, p, e) || ps.rc != 0 ||
        numeric_branch(&ps, s, e) || ps.rc != 0)
        return ps.rc;
    return lang_error(err, "composer", v,
                      "not a version Composer can normalize (N[.N[.N[.N]]][-stability[N]][-dev], "
                      "a date, or N.x-dev)");
}

static int part_cmp(const struct cmp_part *x, const struct cmp_part *y)
{
    if (x->is_num && y->is_num)
        return (x->value > y->value) - (x->value < y->value);
    return (x->rank > y->rank) - (x->rank < y->rank);
}

int version_composer_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
    struct composer ca, cb;
    int rc = composer_parse(a, &ca, err);
    if (rc == 0)
        rc = composer_parse(b, &cb, err);
    if (rc != 0)
        return rc;
    size_t n = ca.n < cb.n ? ca.n : cb.n;
    for (size_t i = 0; i < n; i++) {
        int r = part_cmp(&ca.part[i], &cb.part[i]);
        if (r != 0) {
            *cmp = r;
            return 0;
        }
    }
    /* One side runs out: the other's next part against a number (a number is higher) */
    static const struct cmp_part number = {1, R_NUMBER, 0};
    if (ca.n > n)
        *cmp = ca.part[n].is_num ? 1 : part_cmp(&ca.part[n], &number);
    else if (cb.n > n)
        *cmp = cb.part[n].is_num ? -1 : -part_cmp(&cb.part[n], &number);
    else
        *cmp = 0;
    return 0;
}
