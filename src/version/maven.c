/* Maven versions: the order of org.apache.maven.artifact.versioning.ComparableVersion as
 * shipped in Maven 3.9.x (maven-artifact 3.9), which is what Maven resolves with and what
 * OSV/GHSA Maven ranges are written against. Maven 4's rewrite ("combination items") orders
 * some versions differently and is not followed.
 *
 * The algorithm, re-derived from its documented behaviour:
 *  - the version is lowercased and cut into items at '.', at '-', and where digits meet
 *    non-digits; an empty item before a separator is the number 0;
 *  - '-' opens a sub-list (everything after it is nested one level deeper), and so does a
 *    digit/non-digit transition: "1.0alpha1" is [1, 0, [alpha, [1]]]. Since MNG-7644 a
 *    qualifier introduced by '.' is nested like one introduced by '-' when a digit or the
 *    end follows it, so 2.0.X == 2-X == 2.0.0.X for any qualifier X;
 *  - numbers compare numerically (Maven keeps int, long and BigInteger items apart by how
 *    many digits they have once leading zeros are stripped; an all-zero run keeps its
 *    length, so "0000000000" is a long zero that sorts above the int 0 — reproduced);
 *  - qualifiers: alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release
 *    < sp < any other string (those in lexical order); a, b and m mean alpha, beta and
 *    milestone only when a digit follows them directly ("1a1" is alpha 1, "1-a" is the
 *    unknown qualifier "a");
 *  - each list drops its trailing "null" items (0, the release qualifier, empty lists),
 *    including null items just before a non-empty sub-list: 1.0-alpha is [1, [alpha]];
 *  - number > sub-list > qualifier at the same position; a missing item compares as
 *    null: 1.1 > 1, 1-rc < 1, 1-sp > 1, and a list against null is decided by its first
 *    item that is not null-equal (MNG-6964: 1-0.alpha < 1).
 *
 * Maven accepts any string. Rejected here: the empty string, bytes outside printable ASCII
 * (whitespace, control bytes, non-ASCII: Java's Unicode digits and case mapping are not
 * reproduced), more than 256 bytes, and more than 64 items or sub-lists. */
#include <stddef.h>
#include <string.h>

#include "version/version_internal.h"
#include "version/version_text.h"

enum { ITEM_NUM, ITEM_STR };

/* Qualifier ranks, in Maven's order; unknown qualifiers rank last and then compare as
 * lowercase strings. */
enum { Q_ALPHA, Q_BETA, Q_MILESTONE, Q_RC, Q_SNAPSHOT, Q_RELEASE, Q_SP, Q_UNKNOWN };

struct mvn_item {
    int kind;
    const char *s; /* digits (NUM) or the qualifier as written (STR, case-folded on use) */
    size_t len;
    int num_class; /* NUM: 0 int, 1 long, 2 BigInteger */
    int zero;      /* NUM: the value is 0 */
    int qrank;     /* STR */
};

/* A list is a run of items in items[] followed, optionally, by one sub-list: every new list
 * Maven creates is appended to the current one and becomes current, so a list never gets
 * an item after its sub-list, and the lists of a version form a chain. */
struct mvn_list {
    size_t first, n;
    int has_sub; /* the next list in the chain is this list's last element */
};

struct mvn {
    size_t nitems, nlists;
    struct mvn_item items[LANG_VERSION_MAX_PARTS];
    struct mvn_list lists[LANG_VERSION_MAX_PARTS];
};

static int word_eq(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lang_lower(s[i]) != w[i])
            return 0;
    return 1;
}

static int qualifier_rank(const char *s, size_t len, int followed_by_digit)
{
    if (followed_by_digit && len == 1) {
        switch (lang_lower(s[0])) {
        case 'a':
            return Q_ALPHA;
        case 'b':
            return Q_BETA;
        case 'm':
            return Q_MILESTONE;
        default:
            break;
        }
    }
    static const struct {
        const char *w;
        int rank;
    } known[] = {{"alpha", Q_ALPHA}, {"beta", Q_BETA},     {"milestone", Q_MILESTONE},
                 {"rc", Q_RC},       {"cr", Q_RC},         {"snapshot", Q_SNAPSHOT},
                 {"ga", Q_RELEASE},  {"final", Q_RELEASE}, {"release", Q_RELEASE},
                 {"sp", Q_SP}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (word_eq(s, len, known[i].w))
            return known[i].rank;
    return Q_UNKNOWN;
}

struct parser {
    const char *v;
    struct mvn *m;
    size_t cur; /* the list items are being added to */
    int overflow;
};

static void new_sub(struct parser *p)
{
    if (p->m->nlists == LANG_VERSION_MAX_PARTS) {
        p->overflow = 1;
        return;
    }
    p->m->lists[p->cur].has_sub = 1;
    p->cur = p->m->nlists++;
    p->m->lists[p->cur] = (struct mvn_list){p->m->nitems, 0, 0};
}

static void add_item(struct parser *p, struct mvn_item it)
{
    if (p->overflow || p->m->nitems == LANG_VERSION_MAX_PARTS) {
        p->overflow = 1;
        return;
    }
    p->m->items[p->m->nitems++] = it;
    p->m->lists[p->cur].n++;
}

static struct mvn_item num_item(const char *s, size_t len)
{
    size_t z = 0;
    while (z < len && s[z] == '0')
        z++;
    /* Maven strips leading zeros unless the run is all zeros, then sizes the number. */
    size_t sig = (z == len) ? len : len - z;
    struct mvn_item it = {ITEM_NUM, s, len, sig <= 9 ? 0 : (sig <= 18 ? 1 : 2), z == len, 0};
    return it;
}

static struct mvn_item str_item(const char *s, size_t len, int followed_by_digit)
{
    struct mvn_item it = {ITEM_STR, s, len, 0, 0, qualifier_rank(s, len, followed_by_digit)};
    return it;
}

static struct mvn_item token_item(const char *s, size_t len, int digits)
{
    return digits ? num_item(s, len) : str_item(s, len, 0);
}

static int item_is_null(const struct mvn_item *it)
{
    return it->kind == ITEM_NUM ? it->zero : it->qrank == Q_RELEASE;
}

static int mvn_parse(const char *v, struct mvn *m, struct strata_error *err)
{
    long vlen = lang_checked_len(v);
    if (vlen < 0)
        return lang_error(err, "maven", v, "longer than %d bytes", LANG_VERSION_MAX_LEN);
    if (vlen == 0)
        return lang_error(err, "maven", v, "empty");
    for (long i = 0; i < vlen; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= 0x20 || c >= 0x7f)
            return lang_error(err, "maven", v, "byte 0x%02x is not printable ASCII (at byte %ld)",
                              c, i);
    }
    m->nitems = 0;
    m->nlists = 1;
    m->lists[0] = (struct mvn_list){0, 0, 0};
    struct parser p = {v, m, 0, 0};
    static const char zero[] = "0";
    size_t len = (size_t)vlen, start = 0;
    int digit = 0; /* whether the current token is a run of digits */
    for (size_t i = 0; i < len; i++) {
        char c = v[i];
        if (c == '.' || c == '-') {
            if (i == start)
                add_item(&p, num_item(zero, 1));
            else
                add_item(&p, token_item(v + start, i - start, digit));
            start = i + 1;
            if (c == '-')
                new_sub(&p);
        } else if (lang_is_digit(c)) {
            if (!digit && i > start) {
                /* A qualifier directly followed by a number: the qualifier goes one level
                 * down unless it opens the list, and the number one level below it. */
                if (m->lists[p.cur].n > 0)
                    new_sub(&p);
                add_item(&p, str_item(v + start, i - start, 1));
                start = i;
                new_sub(&p);
            }
            digit = 1;
        } else {
            if (digit && i > start) {
                add_item(&p, num_item(v + start, i - start));
                start = i;
                new_sub(&p);
            }
            digit = 0;
        }
    }
    if (len > start) {
        /* A trailing qualifier after '.' is nested like one after '-' (MNG-7644). */
        if (!digit && m->lists[p.cur].n > 0)
            new_sub(&p);
        add_item(&p, token_item(v + start, len - start, digit));
    }
    if (p.overflow)
        return lang_error(err, "maven", v, "more than %d items or sub-lists",
                          LANG_VERSION_MAX_PARTS);

    /* Normalise innermost first, so a parent sees whether its sub-list became empty. */
    for (size_t j = m->nlists; j-- > 0;) {
        struct mvn_list *l = &m->lists[j];
        l->has_sub = (j + 1 < m->nlists) && (m->lists[j + 1].n > 0 || m->lists[j + 1].has_sub);
        while (l->n > 0 && item_is_null(&m->items[l->first + l->n - 1]))
            l->n--;
    }
    return 0;
}

static int sgn(int x)
{
    return (x > 0) - (x < 0);
}

static int str_cmp_ci(const struct mvn_item *a, const struct mvn_item *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    for (size_t i = 0; i < n; i++) {
        char x = lang_lower(a->s[i]), y = lang_lower(b->s[i]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return (a->len > b->len) - (a->len < b->len);
}

/* A leaf item against a missing one. */
static int leaf_vs_null(const struct mvn_item *x)
{
    if (x->kind == ITEM_NUM)
        return x->zero ? 0 : 1;
    return sgn(x->qrank - Q_RELEASE);
}

static int leaf_cmp(const struct mvn_item *x, const struct mvn_item *y)
{
    if (x->kind != y->kind)
        return x->kind == ITEM_NUM ? 1 : -1;
    if (x->kind == ITEM_NUM) {
        if (x->num_class != y->num_class)
            return x->num_class < y->num_class ? -1 : 1;
        return lang_digits_cmp(x->s, x->len, y->s, y->len);
    }
    if (x->qrank != y->qrank)
        return x->qrank < y->qrank ? -1 : 1;
    return x->qrank == Q_UNKNOWN ? str_cmp_ci(x, y) : 0;
}

/* A list against a missing item: its first element that is not null-equal decides. */
static int list_vs_null(const struct mvn *m, size_t j)
{
    for (;;) {
        const struct mvn_list *l = &m->lists[j];
        for (size_t i = 0; i < l->n; i++) {
            int r = leaf_vs_null(&m->items[l->first + i]);
            if (r != 0)
                return r;
        }
        if (!l->has_sub)
            return 0;
        j++;
    }
}

static int list_cmp(const struct mvn *a, size_t ja, const struct mvn *b, size_t jb)
{
    for (;;) {
        const struct mvn_list *la = &a->lists[ja], *lb = &b->lists[jb];
        size_t na = la->n + (size_t)la->has_sub, nb = lb->n + (size_t)lb->has_sub;
        size_t n = na > nb ? na : nb;
        int descend = 0;
        for (size_t i = 0; i < n; i++) {
            /* Element i: a leaf, the sub-list (always the last element), or missing. */
            const struct mvn_item *x = i < la->n ? &a->items[la->first + i] : NULL;
            const struct mvn_item *y = i < lb->n ? &b->items[lb->first + i] : NULL;
            int xsub = i == la->n && la->has_sub, ysub = i == lb->n && lb->has_sub;
            int r;
            if (xsub && ysub) {
                descend = 1; /* both lists end here: the answer is their sub-lists' order */
                break;
            } else if (x && y) {
                r = leaf_cmp(x, y);
            } else if (x && ysub) {
                r = x->kind == ITEM_NUM ? 1 : -1;
            } else if (xsub && y) {
                r = y->kind == ITEM_NUM ? -1 : 1;
            } else if (x) {
                r = leaf_vs_null(x);
            } else if (xsub) {
                r = list_vs_null(a, ja + 1);
            } else if (y) {
                r = -leaf_vs_null(y);
            } else if (ysub) {
                r = -list_vs_null(b, jb + 1);
            } else {
                r = 0;
            }
            if (r != 0)
                return r;
        }
        if (!descend)
            return 0;
        ja++;
        jb++;
    }
}

int version_maven_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
    struct mvn va, vb;
    int rc = mvn_parse(a, &va, err);
    if (rc == 0)
        rc = mvn_parse(b, &vb, err);
    if (rc != 0)
        return rc;
    *cmp = list_cmp(&va, 0, &vb, 0);
    return 0;
}
