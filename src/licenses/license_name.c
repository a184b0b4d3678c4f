/* From one license name as written to SPDX: keys, the key maps built from the data tables,
 * and the resolution order (license_internal.h). A key makes the spelling variants of a name
 * equal: "Apache License, Version 2.0", "Apache-2", "apache 2.0" and "ASL 2.0" all have the
 * key "apache 2", which is the key of the SPDX id Apache-2.0 itself. */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "licenses/license_internal.h"
#include "licenses/license_table.h"

#define KEY_CAP 512
#define KEY_MAX_WORDS 48
#define PHRASE_MAX_WORDS 6

/* ---- keys ---- */

struct words {
    char buf[KEY_CAP];
    size_t used;
    const char *w[KEY_MAX_WORDS];
    size_t n;
    int overflow;
};

static void words_add(struct words *ws, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (ws->n == KEY_MAX_WORDS || ws->used + n + 1 > sizeof ws->buf) {
        ws->overflow = 1;
        return;
    }
    char *d = ws->buf + ws->used;
    memcpy(d, s, n);
    d[n] = '\0';
    ws->used += n + 1;
    ws->w[ws->n++] = d;
}

static int is_digit_or_dot(const char *w)
{
    for (; *w; w++)
        if (!isdigit((unsigned char)*w) && *w != '.')
            return 0;
    return 1;
}

/* A word ends: versions lose their trailing ".0" ("2.0" -> "2", "1.0.0" -> "1"). */
static void word_end(struct words *ws, char *cur, size_t *n)
{
    if (*n == 0)
        return;
    cur[*n] = '\0';
    if (isdigit((unsigned char)cur[0]) && is_digit_or_dot(cur))
        while (*n > 2 && cur[*n - 2] == '.' && cur[*n - 1] == '0')
            *n -= 2;
    words_add(ws, cur, *n);
    *n = 0;
}

/* Splits into lower-case words of [a-z0-9] (a '.' between digits stays: "2.1"); '+' is a word
 * of its own; a letter followed by a digit starts a new word ("gpl2" -> "gpl" "2"), and a 'v'
 * between them is dropped ("gplv2", "lgplv2.1"). */
static void split_words(const char *s, size_t len, struct words *ws)
{
    char cur[KEY_CAP];
    size_t n = 0;
    for (size_t i = 0; i < len && !ws->overflow; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && isalnum(c)) {
            c = (unsigned char)tolower(c);
            if (n > 0 && isdigit(c) && isalpha((unsigned char)cur[n - 1])) {
                if (cur[n - 1] == 'v' && n >= 3)
                    n--;
                word_end(ws, cur, &n);
            }
            if (n + 1 >= sizeof cur) {
                ws->overflow = 1;
                return;
            }
            cur[n++] = (char)c;
        } else if (c == '.' && n > 0 && isdigit((unsigned char)cur[n - 1]) && i + 1 < len &&
                   isdigit((unsigned char)s[i + 1])) {
            cur[n++] = '.';
        } else {
            word_end(ws, cur, &n);
            if (c == '+')
                words_add(ws, "+", 1);
        }
    }
    word_end(ws, cur, &n);
}

struct phrase {
    const char *from[PHRASE_MAX_WORDS];
    size_t n_from;
    const char *to; /* space-separated */
};

/* Built once from the tables (see maps_init). */
static struct phrase *phrases;
static size_t n_phrases;

static int is_noise(const char *w)
{
    for (size_t i = 0; i < lic_n_noise_words; i++)
        if (strcmp(w, lic_noise_words[i]) == 0)
            return 1;
    return 0;
}

static int make_key(const char *s, size_t n, char *out, size_t cap)
{
    struct words ws;
    ws.used = ws.n = 0;
    ws.overflow = 0;
    split_words(s, n, &ws);
    if (ws.overflow)
        return -1;
    const char *kept[KEY_MAX_WORDS];
    size_t nk = 0;
    for (size_t i = 0; i < ws.n; i++)
        if (!is_noise(ws.w[i]))
            kept[nk++] = ws.w[i];
    size_t o = 0;
    for (size_t i = 0; i < nk;) {
        const char *emit = kept[i];
        size_t step = 1;
        for (size_t p = 0; p < n_phrases; p++) {
            const struct phrase *ph = &phrases[p];
            if (i + ph->n_from > nk)
                continue;
            size_t k = 0;
            while (k < ph->n_from && strcmp(kept[i + k], ph->from[k]) == 0)
                k++;
            if (k == ph->n_from) {
                emit = ph->to;
                step = ph->n_from;
                break;
            }
        }
        i += step;
        size_t el = strlen(emit);
        if (el == 0)
            continue;
        if (o + el + 2 > cap)
            return -1;
        if (o > 0)
            out[o++] = ' ';
        memcpy(out + o, emit, el);
        o += el;
    }
    out[o] = '\0';
    return (int)o;
}

/* ---- maps from keys to expressions ---- */

struct key_entry {
    char *key;
    const char *expr;
};

static struct key_entry *license_keys, *exception_keys;
static size_t n_license_keys, n_exception_keys;
static int maps_ok;
static pthread_once_t maps_once = PTHREAD_ONCE_INIT;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct key_entry *)a)->key, ((const struct key_entry *)b)->key);
}

static size_t count_words(const char *s, const char **w, size_t max, char *buf, size_t cap)
{
    size_t n = 0, len = strlen(s);
    if (len + 1 > cap)
        return 0;
    memcpy(buf, s, len + 1);
    char *save = NULL;
    for (char *t = strtok_r(buf, " ", &save); t && n < max; t = strtok_r(NULL, " ", &save))
        w[n++] = t;
    return n;
}

static int cmp_phrase(const void *a, const void *b)
{
    const struct phrase *x = a, *y = b;
    return x->n_from < y->n_from ? 1 : x->n_from > y->n_from ? -1 : 0;
}

static char phrase_words[4096];

static int build_phrases(void)
{
    phrases = calloc(lic_n_phrases, sizeof *phrases);
    if (phrases == NULL)
        return -1;
    size_t used = 0;
    for (size_t i = 0; i < lic_n_phrases; i++) {
        size_t len = strlen(lic_phrases[i].from) + 1;
        if (used + len > sizeof phrase_words)
            return -1;
        struct phrase *p = &phrases[n_phrases];
        p->n_from =
            count_words(lic_phrases[i].from, p->from, PHRASE_MAX_WORDS, phrase_words + used, len);
        p->to = lic_phrases[i].to;
        used += len;
        if (p->n_from > 0)
            n_phrases++;
    }
    /* Stable order is not needed: phrases of equal length never overlap at one word. */
    qsort(phrases, n_phrases, sizeof *phrases, cmp_phrase);
    return 0;
}

static int add_key(struct key_entry **v, size_t *n, size_t cap, const char *name, const char *expr,
                   int drop_exception_words)
{
    char key[KEY_CAP];
    int kl = make_key(name, strlen(name), key, sizeof key);
    if (kl <= 0 || *n >= cap)
        return 0;
    if (drop_exception_words) {
        /* "Classpath-exception-2.0" -> "classpath 2": the word says nothing after WITH */
        char tmp[KEY_CAP], *o = tmp;
        const char *w[KEY_MAX_WORDS];
        char wb[KEY_CAP];
        size_t nw = count_words(key, w, KEY_MAX_WORDS, wb, sizeof wb);
        for (size_t i = 0; i < nw; i++) {
            if (strcmp(w[i], "exception") == 0 || strcmp(w[i], "exceptions") == 0)
                continue;
            if (o != tmp)
                *o++ = ' ';
            size_t l = strlen(w[i]);
            memcpy(o, w[i], l);
            o += l;
        }
        *o = '\0';
        if (o == tmp)
            return 0;
        memcpy(key, tmp, (size_t)(o - tmp) + 1);
    }
    char *k = strdup(key);
    if (k == NULL)
        return -1;
    (*v)[(*n)++] = (struct key_entry){k, expr};
    return 0;
}

/* Keeps the first entry of each key: ids come before aliases, current ids before
 * deprecated ones with the same key ("GPL-2.0-or-later" before "GPL-2.0+"). */
static void dedupe(struct key_entry *v, size_t *n)
{
    size_t o = 0;
    for (size_t i = 0; i < *n; i++) {
        if (o > 0 && strcmp(v[o - 1].key, v[i].key) == 0) {
            free(v[i].key);
            continue;
        }
        v[o++] = v[i];
    }
    *n = o;
}

static int cmp_entry_stable(const void *a, const void *b)
{
    const struct key_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x < y ? -1 : x > y);
}

static void maps_init(void)
{
    if (build_phrases() != 0)
        return;
    size_t cap = lic_n_ids + lic_n_aliases;
    license_keys = calloc(cap, sizeof *license_keys);
    size_t ecap = lic_n_exceptions + lic_n_exception_aliases;
    exception_keys = calloc(ecap, sizeof *exception_keys);
    if (license_keys == NULL || exception_keys == NULL)
        return;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < lic_n_ids; i++)
            if ((pass == 0) == (lic_ids[i].replaced_by == NULL) &&
                add_key(&license_keys, &n_license_keys, cap, lic_ids[i].id,
                        lic_ids[i].replaced_by ? lic_ids[i].replaced_by : lic_ids[i].id, 0))
                return;
    for (size_t i = 0; i < lic_n_aliases; i++)
        if (add_key(&license_keys, &n_license_keys, cap, lic_aliases[i].name, lic_aliases[i].expr,
                    0))
            return;
    for (size_t i = 0; i < lic_n_exceptions; i++)
        if (add_key(&exception_keys, &n_exception_keys, ecap, lic_exceptions[i], lic_exceptions[i],
                    1))
            return;
    for (size_t i = 0; i < lic_n_exception_aliases; i++)
        if (add_key(&exception_keys, &n_exception_keys, ecap, lic_exception_aliases[i].name,
                    lic_exception_aliases[i].expr, 1))
            return;
    /* qsort is not stable: order equal keys by position (insertion order) explicitly. */
    qsort(license_keys, n_license_keys, sizeof *license_keys, cmp_entry_stable);
    qsort(exception_keys, n_exception_keys, sizeof *exception_keys, cmp_entry_stable);
    dedupe(license_keys, &n_license_keys);
    dedupe(exception_keys, &n_exception_keys);
    maps_ok = 1;
}

static int maps_ready(void)
{
    pthread_once(&maps_once, maps_init);
    return maps_ok;
}

int lic_key(const char *s, size_t n, char *out, size_t cap)
{
    if (!maps_ready())
        return -1;
    return make_key(s, n, out, cap);
}

static const char *lookup(const struct key_entry *v, size_t n, const char *key)
{
    struct key_entry k = {(char *)key, NULL};
    const struct key_entry *hit = bsearch(&k, v, n, sizeof *v, cmp_entry);
    return hit ? hit->expr : NULL;
}

/* ---- resolution ---- */

char *lic_ref(const char *prefix, const char *s, size_t n)
{
    char body[LIC_REF_MAX + 1];
    size_t o = 0;
    int dash = 0;
    for (size_t i = 0; i < n && o < LIC_REF_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && (isalnum(c) || c == '.' || c == '-')) {
            if (c == '-' && (o == 0 || dash))
                continue;
            body[o++] = (char)c;
            dash = c == '-';
        } else if (o > 0 && !dash) {
            body[o++] = '-';
            dash = 1;
        }
    }
    while (o > 0 && (body[o - 1] == '-' || body[o - 1] == '.'))
        o--;
    body[o] = '\0';
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_adds(&sb, prefix) || strbuf_adds(&sb, o ? body : "unknown")) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

static int has_prefix_ci(const char *s, size_t n, const char *p)
{
    size_t pl = strlen(p);
    return n >= pl && strncasecmp(s, p, pl) == 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 &&
           (isspace((unsigned char)**s) || **s == '"' || **s == '\'' || **s == '<' || **s == '['))
        (*s)++, (*n)--;
    while (*n > 0 &&
           (isspace((unsigned char)(*s)[*n - 1]) || (*s)[*n - 1] == '"' || (*s)[*n - 1] == '\'' ||
            (*s)[*n - 1] == '>' || (*s)[*n - 1] == ']' || (*s)[*n - 1] == ';'))
        (*n)--;
}

static int resolve_known(const char *s, size_t n, struct strata_license_expr **out);

/* A license URL: the table, or the rest of an "opensource.org/licenses/…" as a name. */
static int resolve_url(const char *s, size_t n, struct strata_license_expr **out)
{
    char u[STRATA_LICENSE_MAX_NAME + 1];
    size_t o = 0;
    size_t i = has_prefix_ci(s, n, "https://") ? 8 : has_prefix_ci(s, n, "http://") ? 7 : 0;
    if (has_prefix_ci(s + i, n - i, "www."))
        i += 4;
    for (; i < n && o < sizeof u - 1; i++)
        u[o++] = (char)tolower((unsigned char)s[i]);
    u[o] = '\0';
    static const char *const tails[] = {"/", ".txt", ".html", ".htm", ".php", ".md"};
    for (int again = 1; again;) {
        again = 0;
        for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
            size_t tl = strlen(tails[t]);
            if (o > tl && strcmp(u + o - tl, tails[t]) == 0) {
                o -= tl;
                u[o] = '\0';
                again = 1;
            }
        }
    }
    for (size_t k = 0; k < lic_n_urls; k++) {
        const char *e = lic_urls[k].url;
        size_t el = strlen(e);
        if (o < el || memcmp(u, e, el) != 0)
            continue;
        if (lic_urls[k].expr == NULL) {
            if (o > el)
                return resolve_known(u + el, o - el, out);
            continue;
        }
        if (o == el || strchr("/#?.", u[el]) != NULL)
            return lic_parse_canonical(lic_urls[k].expr, out);
    }
    return 0;
}

/* *out is left NULL when the name is not known. */
static int resolve_known(const char *s, size_t n, struct strata_license_expr **out)
{
    *out = NULL;
    trim(&s, &n);
    if (n == 0 || n > STRATA_LICENSE_MAX_NAME)
        return 0;
    if (has_prefix_ci(s, n, "LicenseRef-")) {
        char *id = lic_ref("LicenseRef-", s + 11, n - 11);
        *out = id ? lic_leaf(id, NULL) : NULL;
        return *out ? 0 : STRATA_ENOMEM;
    }
    const struct lic_id *id = lic_find_id(s, n);
    if (id != NULL)
        return lic_parse_canonical(id->replaced_by ? id->replaced_by : id->id, out);
    if (has_prefix_ci(s, n, "http://") || has_prefix_ci(s, n, "https://") ||
        has_prefix_ci(s, n, "www."))
        return resolve_url(s, n, out);
    char key[KEY_CAP];
    if (make_key(s, n, key, sizeof key) <= 0)
        return 0;
    const char *expr = lookup(license_keys, n_license_keys, key);
    return expr ? lic_parse_canonical(expr, out) : 0;
}

/* Every part between separators sep is a known name: joined with kind. */
static int resolve_parts(const char *s, size_t n, const char *seps, enum strata_license_kind kind,
                         struct strata_license_expr **out)
{
    *out = NULL;
    struct strata_license_expr *acc = NULL;
    size_t parts = 0;
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && strchr(seps, s[j]) == NULL)
            j++;
        if (j > i) {
            struct strata_license_expr *e;
            int rc = resolve_known(s + i, j - i, &e);
            if (rc != 0 || e == NULL) {
                strata_license_expr_free(acc);
                return rc;
            }
            parts++;
            acc = acc ? lic_combine(kind, acc, e) : e;
            if (acc == NULL)
                return STRATA_ENOMEM;
        }
        i = j + 1;
    }
    if (parts < 2) {
        strata_license_expr_free(acc);
        return 0;
    }
    *out = acc;
    return 0;
}

static int all_listed(const struct strata_license_expr *e)
{
    if (e->kind == STRATA_LICENSE_ID)
        return strncmp(e->id, "LicenseRef-", 11) != 0;
    for (size_t i = 0; i < e->n_terms; i++)
        if (!all_listed(e->terms[i]))
            return 0;
    return 1;
}

/* The name with '_' as blanks, as an expression, when that names only known licenses. The
 * copy has no '_', so this does not recurse further. */
static int underscored(const char *s, size_t n, struct strata_license_expr **out)
{
    char buf[STRATA_LICENSE_MAX_NAME];
    *out = NULL;
    if (n > sizeof buf)
        return 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = s[i] == '_' ? ' ' : s[i];
    struct strata_error err = {0};
    struct strata_license_expr *e;
    int rc = strata_license_parse(buf, n, &e, &err);
    if (rc != 0)
        return rc == STRATA_ENOMEM ? rc : 0;
    if (all_listed(e))
        *out = e;
    else
        strata_license_expr_free(e);
    return 0;
}

/* "X-with-Y" where X is a known license: X WITH the exception Y. */
static int dashed_with(const char *s, size_t n, struct strata_license_expr **out)
{
    *out = NULL;
    for (size_t i = 1; i + 6 < n; i++) {
        if (strncasecmp(s + i, "-with-", 6) != 0)
            continue;
        struct strata_license_expr *e;
        int rc = resolve_known(s, i, &e);
        if (rc != 0 || e == NULL)
            return rc;
        if (e->kind != STRATA_LICENSE_ID || e->exception != NULL) {
            strata_license_expr_free(e);
            return 0;
        }
        e->exception = lic_resolve_exception(s + i + 6, n - i - 6, e->id);
        if (e->exception == NULL) {
            strata_license_expr_free(e);
            return STRATA_ENOMEM;
        }
        *out = e;
        return 0;
    }
    return 0;
}

int lic_resolve_name(const char *s, size_t n, struct strata_license_expr **out)
{
    *out = NULL;
    if (!maps_ready())
        return STRATA_ENOMEM;
    trim(&s, &n);
    int rc = resolve_known(s, n, out);
    if (rc != 0 || *out != NULL)
        return rc;
    if (n > STRATA_LICENSE_MAX_NAME)
        goto fallback;
    /* A whole trove classifier: "License :: OSI Approved :: MIT License" */
    for (size_t i = n; i >= 4; i--)
        if (memcmp(s + i - 4, " :: ", 4) == 0) {
            if ((rc = resolve_known(s + i, n - i, out)) != 0 || *out != NULL)
                return rc;
            break;
        }
    /* "MIT License (MIT)", "GNU General Public License v3 (GPLv3)": the name without its
     * parenthesised abbreviation, else the abbreviation. */
    if (n > 2 && s[n - 1] == ')') {
        size_t depth = 0, open = n;
        for (size_t i = n; i-- > 0;) {
            depth += s[i] == ')';
            depth -= s[i] == '(';
            if (depth == 0) {
                open = i;
                break;
            }
        }
        if (open > 0 && open < n) {
            if ((rc = resolve_known(s, open, out)) != 0 || *out != NULL)
                return rc;
            if ((rc = resolve_known(s + open + 1, n - open - 2, out)) != 0 || *out != NULL)
                return rc;
        }
    }
    /* "MIT/Apache-2.0" (either), "MIT, BSD-3-Clause" and Alpine's "MIT BSD" (all) */
    if ((rc = resolve_parts(s, n, "/", STRATA_LICENSE_OR, out)) != 0 || *out != NULL)
        return rc;
    if ((rc = resolve_parts(s, n, ",;", STRATA_LICENSE_AND, out)) != 0 || *out != NULL)
        return rc;
    if ((rc = resolve_parts(s, n, " \t", STRATA_LICENSE_AND, out)) != 0 || *out != NULL)
        return rc;
    /* One word with its exception: Debian's "GPL-3+-WITH-BISON-EXCEPTION" */
    if ((rc = dashed_with(s, n, out)) != 0 || *out != NULL)
        return rc;
    /* Debian short names made of several: "LGPLv3+_or_GPLv2+" */
    if (memchr(s, '_', n) != NULL && (rc = underscored(s, n, out)) != 0)
        return rc;
    if (*out != NULL)
        return 0;
fallback:;
    char *id = lic_ref("LicenseRef-", s, n);
    *out = id ? lic_leaf(id, NULL) : NULL;
    return *out ? 0 : STRATA_ENOMEM;
}

char *lic_resolve_exception(const char *s, size_t n, const char *license_id)
{
    trim(&s, &n);
    const char *exact = lic_find_exception(s, n);
    if (exact != NULL)
        return strdup(exact);
    if (has_prefix_ci(s, n, "AdditionRef-"))
        return lic_ref("AdditionRef-", s + 12, n - 12);
    char key[KEY_CAP];
    const char *expr = NULL;
    if (maps_ready() && n <= STRATA_LICENSE_MAX_NAME && make_key(s, n, key, sizeof key) > 0) {
        /* the same words dropped as from the table's keys */
        char k2[KEY_CAP], *o = k2;
        const char *w[KEY_MAX_WORDS];
        char wb[KEY_CAP];
        size_t nw = count_words(key, w, KEY_MAX_WORDS, wb, sizeof wb);
        for (size_t i = 0; i < nw; i++) {
            if (strcmp(w[i], "exception") == 0 || strcmp(w[i], "exceptions") == 0)
                continue;
            if (o != k2)
                *o++ = ' ';
            size_t l = strlen(w[i]);
            memcpy(o, w[i], l);
            o += l;
        }
        *o = '\0';
        if (o != k2)
            expr = lookup(exception_keys, n_exception_keys, k2);
    }
    if (expr != NULL && strncmp(expr, "GPL-3|", 6) == 0) {
        /* "GPL-3|for GPL-3|otherwise" */
        const char *a = expr + 6, *bar = strchr(a, '|');
        int v3 = license_id &&
                 (strncmp(license_id, "GPL-3", 5) == 0 || strncmp(license_id, "LGPL-3", 6) == 0 ||
                  strncmp(license_id, "AGPL-3", 6) == 0);
        return v3 ? strndup(a, (size_t)(bar - a)) : strdup(bar + 1);
    }
    if (expr != NULL)
        return strdup(expr);
    return lic_ref("AdditionRef-", s, n);
}

/* ---- exact lookups in the sorted tables ---- */

struct ci_key {
    const char *s;
    size_t n;
};

static int cmp_ci(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    int c = strncasecmp(a, b, an < bn ? an : bn);
    if (c != 0)
        return c;
    return an < bn ? -1 : an > bn;
}

static int cmp_id(const void *k, const void *e)
{
    const struct ci_key *key = k;
    return cmp_ci(key->s, key->n, ((const struct lic_id *)e)->id);
}

static int cmp_exc(const void *k, const void *e)
{
    const struct ci_key *key = k;
    return cmp_ci(key->s, key->n, *(const char *const *)e);
}

const struct lic_id *lic_find_id(const char *s, size_t n)
{
    struct ci_key k = {s, n};
    return bsearch(&k, lic_ids, lic_n_ids, sizeof *lic_ids, cmp_id);
}

const char *lic_find_exception(const char *s, size_t n)
{
    struct ci_key k = {s, n};
    const char *const *hit =
        bsearch(&k, lic_exceptions, lic_n_exceptions, sizeof *lic_exceptions, cmp_exc);
    return hit ? *hit : NULL;
}

const char *lic_category_name(enum lic_category c)
{
    switch (c) {
    case LIC_PERMISSIVE:
        return "permissive";
    case LIC_WEAK_COPYLEFT:
        return "weak-copyleft";
    case LIC_STRONG_COPYLEFT:
        return "strong-copyleft";
    case LIC_NETWORK_COPYLEFT:
        return "network-copyleft";
    case LIC_FORBIDDEN:
        return "forbidden";
    default:
        return "unknown";
    }
}
