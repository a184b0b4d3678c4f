/* Alpine package versions, compared as apk-tools does (its version.c is the reference;
 * this is written from the grammar and ordering rules it implements).
 *
 *   digits {.digits} [letter] {_suffix[digits]} [~hash] [-r digits]
 *
 * A version is read as a sequence of tokens, each allowed only after the ones before it in
 * that grammar; anything else makes the version invalid (apk_version_validate). Two versions
 * are compared token by token while both have a token of the same kind:
 *   initial number, suffix number, revision   numerically (any length, exact)
 *   '.' number                                numerically, but as strings when either one
 *                                             starts with '0' (1.05 < 1.1, 1.0 < 1.00)
 *   letter                                    by byte (1.2a < 1.2b)
 *   suffix    _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p
 *   ~hash                                     as strings
 * When one version runs out of tokens or the kinds differ, the one that goes on is newer
 * unless what follows is a pre-release suffix (_alpha.._rc); otherwise the kind that comes
 * later in the grammar loses (1.0-r1 < 1.0.1, 1.0 < 1.0a, 1.0~hash > 1.0-r1).
 *
 * Choices: this follows apk-tools 3 (also accepting "~hash"), plus two forms apk-tools 2.x
 * accepted and real Alpine secdb fixes use ("6.6.2p1-r0", "4.8.0.-r1", "10.2.26.r0"): digits
 * right after a letter are another number part, and a '.' with no digits is a number part of
 * value 0. apk-tools 2.14 also accepted "1_" and "1-r" (empty suffix name, empty revision),
 * which are refused here. apk keeps
 * numbers in 64 bits and wraps past 2^64; we compare digit strings exactly instead. */
#include <stddef.h>
#include <string.h>

#include "strata/error.h"
#include "version/version_internal.h"
#include "version/version_text.h"

/* Token kinds, in grammar order: a token may only follow kinds at or before a limit, and the
 * order also settles the comparison when kinds differ. */
enum apk_token {
    APK_INITIAL_DIGIT,
    APK_DIGIT,
    APK_LETTER,
    APK_SUFFIX,
    APK_SUFFIX_NO,
    APK_COMMIT_HASH,
    APK_REVISION_NO,
    APK_END,
    APK_INVALID,
};

/* Suffix ranks: pre-releases below APK_SUFFIX_NONE, post-releases above. */
enum apk_suffix {
    APK_SUFFIX_INVALID,
    APK_SUFFIX_ALPHA,
    APK_SUFFIX_BETA,
    APK_SUFFIX_PRE,
    APK_SUFFIX_RC,
    APK_SUFFIX_NONE,
    APK_SUFFIX_CVS,
    APK_SUFFIX_SVN,
    APK_SUFFIX_GIT,
    APK_SUFFIX_HG,
    APK_SUFFIX_P,
};

struct apk_cursor {
    const char *s;
    size_t len, pos;
    enum apk_token token;
    enum apk_suffix suffix;
    const char *val; /* the token's text (digits, letter, suffix name, hash) */
    size_t val_len;
    const char *why; /* when token == APK_INVALID: what is wrong, for the message */
};

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_lower(int c)
{
    return c >= 'a' && c <= 'z';
}

static int is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f');
}

static void apk_invalid(struct apk_cursor *c, const char *why)
{
    c->token = APK_INVALID;
    c->why = why;
}

/* Takes the longest run of bytes accepted by cls as the token's text. */
static size_t apk_span(struct apk_cursor *c, int (*cls)(int))
{
    c->val = c->s + c->pos;
    size_t start = c->pos;
    while (c->pos < c->len && cls((unsigned char)c->s[c->pos]))
        c->pos++;
    c->val_len = c->pos - start;
    return c->val_len;
}

static enum apk_suffix apk_suffix_rank(const char *p, size_t n)
{
    static const struct {
        const char *name;
        enum apk_suffix rank;
    } names[] = {
        {"alpha", APK_SUFFIX_ALPHA}, {"beta", APK_SUFFIX_BETA}, {"pre", APK_SUFFIX_PRE},
        {"rc", APK_SUFFIX_RC},       {"cvs", APK_SUFFIX_CVS},   {"svn", APK_SUFFIX_SVN},
        {"git", APK_SUFFIX_GIT},     {"hg", APK_SUFFIX_HG},     {"p", APK_SUFFIX_P},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && memcmp(names[i].name, p, n) == 0)
            return names[i].rank;
    return APK_SUFFIX_INVALID;
}

static void apk_first(struct apk_cursor *c, const char *s, size_t len)
{
    c->s = s;
    c->len = len;
    c->pos = 0;
    c->why = NULL;
    c->token = APK_INITIAL_DIGIT;
    if (apk_span(c, is_digit) == 0)
        apk_invalid(c, "must start with a digit");
}

/* Reads the next token; its first byte decides the kind, and the kind must be allowed
 * after the previous one. */
static void apk_next(struct apk_cursor *c)
{
    if (c->pos >= c->len) {
        c->token = APK_END;
        return;
    }
    int ch = (unsigned char)c->s[c->pos];
    enum apk_token prev = c->token;
    if (is_lower(ch)) {
        if (prev > APK_DIGIT) {
            apk_invalid(c, "a letter may only follow a number");
            return;
        }
        c->val = c->s + c->pos++;
        c->val_len = 1;
        c->token = APK_LETTER;
    } else if (ch == '.' || is_digit(ch)) {
        /* '.' starts a number after a number; bare digits continue a suffix (_rc2).
         * (Digits cannot follow a number directly: the number took them all.) */
        if (ch == '.') {
            if (prev > APK_DIGIT) {
                apk_invalid(c, "'.' may only follow a number");
                return;
            }
            c->pos++;
        }
        if (prev == APK_INITIAL_DIGIT || prev == APK_DIGIT || prev == APK_LETTER) {
            /* apk-tools 2.x: "6.6.2p1" reads p then the number 1 */
            c->token = APK_DIGIT;
        } else if (prev == APK_SUFFIX) {
            c->token = APK_SUFFIX_NO;
        } else {
            apk_invalid(c, "a digit may not follow a suffix number");
            return;
        }
        /* apk-tools 2.x: a '.' without digits ("4.8.0.-r1") is a number part worth 0 */
        if (apk_span(c, is_digit) == 0 && ch != '.')
            apk_invalid(c, "expected digits");
    } else if (ch == '_') {
        if (prev > APK_SUFFIX_NO) {
            apk_invalid(c, "a '_' suffix may not follow a ~hash or -r revision");
            return;
        }
        c->pos++;
        apk_span(c, is_lower);
        c->suffix = apk_suffix_rank(c->val, c->val_len);
        if (c->suffix == APK_SUFFIX_INVALID) {
            apk_invalid(c, "unknown suffix (alpha, beta, pre, rc, cvs, svn, git, hg, p)");
            return;
        }
        c->token = APK_SUFFIX;
    } else if (ch == '~') {
        if (prev >= APK_COMMIT_HASH) {
            apk_invalid(c, "'~' may appear once, before any -r revision");
            return;
        }
        c->pos++;
        if (apk_span(c, is_hex) == 0) {
            apk_invalid(c, "'~' must be followed by lower-case hex digits");
            return;
        }
        c->token = APK_COMMIT_HASH;
    } else if (ch == '-') {
        if (prev >= APK_REVISION_NO) {
            apk_invalid(c, "only one -r revision is allowed");
            return;
        }
        if (c->pos + 1 >= c->len || c->s[c->pos + 1] != 'r') {
            apk_invalid(c, "'-' must start a revision: -rN");
            return;
        }
        c->pos += 2;
        c->token = APK_REVISION_NO;
        if (apk_span(c, is_digit) == 0)
            apk_invalid(c, "'-r' must be followed by digits");
    } else {
        apk_invalid(c, "unexpected character");
    }
}

/* Compares two digit strings as numbers of any length. */
static int apk_numcmp(const char *a, size_t an, const char *b, size_t bn)
{
    while (an > 0 && *a == '0')
        a++, an--;
    while (bn > 0 && *b == '0')
        b++, bn--;
    if (an != bn)
        return an < bn ? -1 : 1;
    int r = memcmp(a, b, an);
    return (r > 0) - (r < 0);
}

/* Byte order, a proper prefix first (apk_blob_sort). */
static int apk_strcmp(const char *a, size_t an, const char *b, size_t bn)
{
    int r = memcmp(a, b, an < bn ? an : bn);
    if (r != 0)
        return r < 0 ? -1 : 1;
    return an == bn ? 0 : (an < bn ? -1 : 1);
}

/* Two tokens of the same kind. */
static int apk_token_cmp(const struct apk_cursor *a, const struct apk_cursor *b)
{
    switch (a->token) {
    case APK_DIGIT:
        /* A leading zero makes the part read like a decimal fraction (Gentoo's rule), so
         * both compare as strings: 1.05 < 1.1, 1.0 < 1.00, 1.09 < 1.1. */
        if (a->val_len == 0 || b->val_len == 0) /* an empty part ("1.") is 0 */
            return apk_numcmp(a->val, a->val_len, b->val, b->val_len);
        if (a->val[0] == '0' || b->val[0] == '0')
            return apk_strcmp(a->val, a->val_len, b->val, b->val_len);
        return apk_numcmp(a->val, a->val_len, b->val, b->val_len);
    case APK_INITIAL_DIGIT:
    case APK_SUFFIX_NO:
    case APK_REVISION_NO:
        return apk_numcmp(a->val, a->val_len, b->val, b->val_len);
    case APK_LETTER:
        return a->val[0] == b->val[0]
                   ? 0
                   : ((unsigned char)a->val[0] < (unsigned char)b->val[0] ? -1 : 1);
    case APK_SUFFIX:
        return a->suffix == b->suffix ? 0 : (a->suffix < b->suffix ? -1 : 1);
    default:
        return apk_strcmp(a->val, a->val_len, b->val, b->val_len);
    }
}

static int apk_check(const char *v, size_t *len, struct strata_error *err)
{
    char q[VERSION_QUOTE_SIZE];
    size_t n = strnlen(v, VERSION_MAX_LEN + 1);
    if (n > VERSION_MAX_LEN)
        return strata_error_set(err, STRATA_EFORMAT, "apk version %s: longer than 4096 bytes",
                                version_quote(v, q));
    struct apk_cursor c;
    for (apk_first(&c, v, n); c.token < APK_END; apk_next(&c))
        ;
    if (c.token == APK_INVALID) {
        if (n == 0)
            return strata_error_set(err, STRATA_EFORMAT, "apk version \"\": empty");
        /* c.pos is where reading stopped: the offending byte or the end of the bad part. */
        size_t off = c.pos < n ? c.pos : n;
        return strata_error_set(err, STRATA_EFORMAT, "apk version %s: offset %zu: %s",
                                version_quote(v, q), off, c.why);
    }
    *len = n;
    return 0;
}

int version_apk_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
    size_t an, bn;
    int rc = apk_check(a, &an, err);
    if (rc == 0)
        rc = apk_check(b, &bn, err);
    if (rc != 0)
        return rc;

    struct apk_cursor ta, tb;
    apk_first(&ta, a, an);
    apk_first(&tb, b, bn);
    while (ta.token == tb.token && ta.token < APK_END) {
        int r = apk_token_cmp(&ta, &tb);
        if (r != 0) {
            *cmp = r;
            return 0;
        }
        apk_next(&ta);
        apk_next(&tb);
    }
    /* Equal so far; one version goes on (or the kinds differ). A pre-release suffix makes
     * the longer one older; otherwise the token later in the grammar (END is last) loses. */
    if (ta.token == tb.token)
        *cmp = 0;
    else if (ta.token == APK_SUFFIX && ta.suffix < APK_SUFFIX_NONE)
        *cmp = -1;
    else if (tb.token == APK_SUFFIX && tb.suffix < APK_SUFFIX_NONE)
        *cmp = 1;
    else
        *cmp = ta.token > tb.token ? -1 : 1;
    return 0;
}
