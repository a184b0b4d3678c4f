/* Python package versions: PEP 440 parsing and ordering exactly as the reference
 * implementation, `packaging.version.Version` (what pip uses), does it.
 *
 * Grammar (case-insensitive, surrounding whitespace allowed), as packaging's regular
 * expression has it:
 *   [v] [N!] N(.N)* [{-,_,.}(a|b|c|rc|alpha|beta|pre|preview)[{-,_,.}][N]]
 *   [-N | [{-,_,.}](post|rev|r)[{-,_,.}][N]] [{-,_,.}dev[{-,_,.}][N]] [+local]
 * where local is [a-z0-9]+ separated by '-', '_' or '.'.
 *
 * Ordering is packaging's _cmpkey: epoch; release with trailing zeros dropped (1.0 == 1);
 * then the pre-release, where a bare dev release of a final (1.0.dev0) sorts below every
 * pre-release of it (1.0a0) and a version without a pre-release sorts above all of them;
 * then post (absent lowest); then dev (absent highest); then local (absent lowest; segment
 * by segment, numeric segments compared as numbers and above alphanumeric ones, which
 * compare as lowercase strings; a shorter local that is a prefix sorts first). Spellings
 * are normalised first: alpha=a, beta=b, c=pre=preview=rc, rev=r=post, a missing number
 * is 0, "1.0-1" is post-release 1.
 *
 * Numbers are unbounded in Python; here they stay digit slices of the input and compare
 * exactly at any length. Rejected beyond packaging: versions over 256 bytes, more than 64
 * release or local segments, and non-ASCII bytes (Python's case folding and \s would
 * accept a few exotic code points, such as U+212A KELVIN SIGN for 'k'). */
#include <stddef.h>
#include <string.h>

#include "version/version_internal.h"
#include "version/version_text.h"

struct slice {
    const char *s;
    size_t len;
};

enum { PRE_A, PRE_B, PRE_RC };

struct pep440 {
    struct slice epoch; /* empty when absent: compares as 0 */
    size_t nrel;
    struct slice rel[LANG_VERSION_MAX_PARTS];
    int has_pre, pre_letter;
    struct slice pre_n;
    int has_post;
    struct slice post_n;
    int has_dev;
    struct slice dev_n;
    int has_local;
    size_t nlocal;
    struct slice local[LANG_VERSION_MAX_PARTS];
};

/* The matcher follows the order in which packaging's backtracking regular expression tries
 * its alternatives (an optional part present before absent, alternatives left to right), so
 * that when a string could be read two ways it is read the way packaging reads it: "1.0a-1"
 * is pre-release a1, not a0 plus post-release 1. Each stage records what it matched and
 * calls the next; the first complete match wins. */
struct matcher {
    const char *v;
    size_t end;
    struct pep440 *out;
    const char *why; /* the deepest failure, for the message */
    size_t why_at;
};

static int is_sep(char c)
{
    return c == '-' || c == '_' || c == '.';
}

/* Python's \s on ASCII: the usual six plus the four information separators 0x1c-0x1f. */
static int is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static size_t digits_end(const struct matcher *m, size_t p)
{
    while (p < m->end && lang_is_digit(m->v[p]))
        p++;
    return p;
}

/* Case-insensitive literal at p: its length, or 0. */
static size_t word_at(const struct matcher *m, size_t p, const char *w)
{
    size_t n = strlen(w);
    if (m->end - p < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lang_lower(m->v[p + i]) != w[i])
            return 0;
    return n;
}

static void fail_at(struct matcher *m, size_t p, const char *why)
{
    if (m->why == NULL || p >= m->why_at) {
        m->why = why;
        m->why_at = p;
    }
}

/* [+local] then trailing whitespace then the end. */
static int m_tail(struct matcher *m, size_t p)
{
    const char *v = m->v;
    struct pep440 *o = m->out;
    o->has_local = 0;
    o->nlocal = 0;
    if (p < m->end && v[p] == '+') {
        size_t q = p + 1;
        for (;;) {
            size_t s = q;
            while (q < m->end && (lang_is_digit(v[q]) || lang_is_alpha(v[q])))
                q++;
            if (q == s) {
                fail_at(m, q, "empty local version segment");
                return 0;
            }
            if (o->nlocal == LANG_VERSION_MAX_PARTS) {
                fail_at(m, q, "more than 64 local version segments");
                return 0;
            }
            o->local[o->nlocal++] = (struct slice){v + s, q - s};
            if (q + 1 < m->end && is_sep(v[q]) &&
                (lang_is_digit(v[q + 1]) || lang_is_alpha(v[q + 1]))) {
                q++;
                continue;
            }
            break;
        }
        o->has_local = 1;
        p = q;
    }
    while (p < m->end && is_space(v[p]))
        p++;
    if (p != m->end) {
        fail_at(m, p, "unexpected character");
        o->has_local = 0;
        return 0;
    }
    return 1;
}

/* [{-,_,.}][N] after a pre/post/dev word: the optional separator is tried present first,
 * the digits (all of them: no later part can start with a digit) are optional. */
typedef int (*stage_fn)(struct matcher *, size_t);

static int m_number_then(struct matcher *m, size_t q, struct slice *n, stage_fn next)
{
    for (int sep = 1; sep >= 0; sep--) {
        size_t r = q;
        if (sep) {
            if (r >= m->end || !is_sep(m->v[r]))
                continue;
            r++;
        }
        size_t d = digits_end(m, r);
        *n = (struct slice){m->v + r, d - r};
        if (next(m, d))
            return 1;
        if (d > r) {
            *n = (struct slice){m->v + r, 0};
            if (next(m, r))
                return 1;
        }
    }
    return 0;
}

static int m_dev(struct matcher *m, size_t p)
{
    struct pep440 *o = m->out;
    for (int sep = 1; sep >= 0; sep--) {
        size_t q = p;
        if (sep) {
            if (q >= m->end || !is_sep(m->v[q]))
                continue;
            q++;
        }
        size_t w = word_at(m, q, "dev");
        if (w == 0)
            continue;
        o->has_dev = 1;
        if (m_number_then(m, q + w, &o->dev_n, m_tail))
            return 1;
    }
    o->has_dev = 0;
    return m_tail(m, p);
}

static int m_post(struct matcher *m, size_t p)
{
    static const char *const words[] = {"post", "rev", "r"};
    struct pep440 *o = m->out;
    /* "-N" is an implicit post-release. */
    if (p < m->end && m->v[p] == '-') {
        size_t d = digits_end(m, p + 1);
        if (d > p + 1) {
            o->has_post = 1;
            o->post_n = (struct slice){m->v + p + 1, d - p - 1};
            if (m_dev(m, d))
                return 1;
        }
    }
    for (int sep = 1; sep >= 0; sep--) {
        size_t q = p;
        if (sep) {
            if (q >= m->end || !is_sep(m->v[q]))
                continue;
            q++;
        }
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
            size_t w = word_at(m, q, words[i]);
            if (w == 0)
                continue;
            o->has_post = 1;
            if (m_number_then(m, q + w, &o->post_n, m_dev))
                return 1;
        }
    }
    o->has_post = 0;
    return m_dev(m, p);
}

static int m_pre(struct matcher *m, size_t p)
{
    static const struct {
        const char *w;
        int letter;
    } words[] = {{"a", PRE_A},     {"b", PRE_B},    {"c", PRE_RC},   {"rc", PRE_RC},
                 {"alpha", PRE_A}, {"beta", PRE_B}, {"pre", PRE_RC}, {"preview", PRE_RC}};
    struct pep440 *o = m->out;
    for (int sep = 1; sep >= 0; sep--) {
        size_t q = p;
        if (sep) {
            if (q >= m->end || !is_sep(m->v[q]))
                continue;
            q++;
        }
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
            size_t w = word_at(m, q, words[i].w);
            if (w == 0)
                continue;
            o->has_pre = 1;
            o->pre_letter = words[i].letter;
            if (m_number_then(m, q + w, &o->pre_n, m_post))
                return 1;
        }
    }
    o->has_pre = 0;
    return m_post(m, p);
}

static int pep440_parse(const char *v, struct pep440 *o, struct strata_error *err)
{
    long vlen = lang_checked_len(v);
    if (vlen < 0)
        return lang_error(err, "pep440", v, "longer than %d bytes", LANG_VERSION_MAX_LEN);
    for (long i = 0; i < vlen; i++)
        if ((unsigned char)v[i] >= 0x80)
            return lang_error(err, "pep440", v, "non-ASCII byte (at byte %ld)", i);
    memset(o, 0, sizeof *o);
    o->epoch = (struct slice){v, 0};
    struct matcher m = {v, (size_t)vlen, o, NULL, 0};
    size_t p = 0;
    while (p < m.end && is_space(v[p]))
        p++;
    if (p < m.end && lang_lower(v[p]) == 'v')
        p++;
    size_t d = digits_end(&m, p);
    if (d > p && d < m.end && v[d] == '!') {
        o->epoch = (struct slice){v + p, d - p};
        p = d + 1;
        d = digits_end(&m, p);
    }
    if (d == p)
        return lang_error(err, "pep440", v, "expected a release number (at byte %zu)", p);
    for (;;) {
        if (o->nrel == LANG_VERSION_MAX_PARTS)
            return lang_error(err, "pep440", v, "more than %d release segments",
                              LANG_VERSION_MAX_PARTS);
        o->rel[o->nrel++] = (struct slice){v + p, d - p};
        p = d;
        if (p + 1 < m.end && v[p] == '.' && lang_is_digit(v[p + 1])) {
            p++;
            d = digits_end(&m, p);
            continue;
        }
        break;
    }
    if (!m_pre(&m, p))
        return lang_error(err, "pep440", v, "%s (at byte %zu)",
                          m.why ? m.why : "not a PEP 440 version", m.why_at);
    return 0;
}

static int sgn(long x)
{
    return (x > 0) - (x < 0);
}

static int is_all_digits(struct slice s)
{
    for (size_t i = 0; i < s.len; i++)
        if (!lang_is_digit(s.s[i]))
            return 0;
    return 1;
}

/* One local segment: numbers compare as numbers and above strings; strings compare in
 * lowercase (packaging lowercases them), a prefix first. */
static int local_cmp(struct slice a, struct slice b)
{
    int an = is_all_digits(a), bn = is_all_digits(b);
    if (an && bn)
        return lang_digits_cmp(a.s, a.len, b.s, b.len);
    if (an != bn)
        return an ? 1 : -1;
    size_t n = a.len < b.len ? a.len : b.len;
    for (size_t i = 0; i < n; i++) {
        char x = lang_lower(a.s[i]), y = lang_lower(b.s[i]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return sgn((long)a.len - (long)b.len);
}

/* Where the pre-release slot puts a version: a dev release of a final (no pre, no post)
 * below everything, a real pre-release in the middle (then by letter and number), and no
 * pre-release above all. */
static int pre_rank(const struct pep440 *v)
{
    if (!v->has_pre && !v->has_post && v->has_dev)
        return 0;
    return v->has_pre ? 1 : 2;
}

static int pep440_cmp(const struct pep440 *a, const struct pep440 *b)
{
    int c = lang_digits_cmp(a->epoch.s, a->epoch.len, b->epoch.s, b->epoch.len);
    if (c != 0)
        return c;

    /* Release with trailing zeros dropped: compare the common part, then whichever is
     * longer wins only if it has a non-zero segment beyond the other's end. */
    size_t n = a->nrel > b->nrel ? a->nrel : b->nrel;
    for (size_t i = 0; i < n; i++) {
        struct slice x = i < a->nrel ? a->rel[i] : (struct slice){"", 0};
        struct slice y = i < b->nrel ? b->rel[i] : (struct slice){"", 0};
        c = lang_digits_cmp(x.s, x.len, y.s, y.len);
        if (c != 0)
            return c;
    }

    int ra = pre_rank(a), rb = pre_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 1) {
        if (a->pre_letter != b->pre_letter)
            return a->pre_letter < b->pre_letter ? -1 : 1;
        c = lang_digits_cmp(a->pre_n.s, a->pre_n.len, b->pre_n.s, b->pre_n.len);
        if (c != 0)
            return c;
    }

    if (a->has_post != b->has_post)
        return a->has_post ? 1 : -1;
    if (a->has_post) {
        c = lang_digits_cmp(a->post_n.s, a->post_n.len, b->post_n.s, b->post_n.len);
        if (c != 0)
            return c;
    }

    if (a->has_dev != b->has_dev)
        return a->has_dev ? -1 : 1;
    if (a->has_dev) {
        c = lang_digits_cmp(a->dev_n.s, a->dev_n.len, b->dev_n.s, b->dev_n.len);
        if (c != 0)
            return c;
    }

    if (a->has_local != b->has_local)
        return a->has_local ? 1 : -1;
    for (size_t i = 0; i < a->nlocal && i < b->nlocal; i++) {
        c = local_cmp(a->local[i], b->local[i]);
        if (c != 0)
            return c;
    }
    return sgn((long)a->nlocal - (long)b->nlocal);
}

int version_pep440_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
    struct pep440 va, vb;
    int rc = pep440_parse(a, &va, err);
    if (rc == 0)
        rc = pep440_parse(b, &vb, err);
    if (rc != 0)
        return rc;
    *cmp = pep440_cmp(&va, &vb);
    return 0;
}
