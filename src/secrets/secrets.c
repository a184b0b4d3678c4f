/* The secrets engine: compiles a rule set into hyperscan databases and scans buffers.
 *
 * Hyperscan has no capture groups, so a rule is split into prefix (context), regex (the
 * secret) and suffix (context). The main database holds prefix+regex+suffix of every rule;
 * once a match is found, two small databases recover where the secret starts (the longest
 * prefix match at the start of the span) and ends (the longest suffix match at its end).
 * A keyword database (caseless literals) runs first: a rule can only match in a buffer that
 * holds one of its keywords, and most files hold none, so most files cost one literal pass. */
#include "secrets/secrets.h"

#include <fnmatch.h>
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "secrets/db_cache.h"
#include "secrets/image_secrets.h"
#include "secrets/rules.h"

struct candidate {
    size_t rule, from, to;
};

struct pending {
    int valid;
    size_t from, to;
};

/* What one thread needs to scan: hyperscan scratch space and the per-buffer state. */
struct secrets_scanner {
    const struct secrets_engine *e;
    hs_scratch_t *scratch;
    unsigned char *active; /* per rule: one of its keywords is in the buffer */
    struct pending *pending;
    struct candidate *cands;
    size_t n_cands, cap_cands;
    int overflow;
};

/* The compiled rule set: read-only once compiled, shared by any number of scanners. */
struct secrets_engine {
    struct secrets_rules rs;
    hs_database_t *kw_db, *main_db, *pre_db, *suf_db, *allow_db;
    size_t *kw_rule; /* keyword index -> rule index */
    size_t n_kw;
    struct secrets_scanner *own; /* for secrets_scan (the compiling thread's use) */
};

const char *secrets_severity_name(enum secrets_severity s)
{
    switch (s) {
    case SECRETS_LOW:
        return "LOW";
    case SECRETS_MEDIUM:
        return "MEDIUM";
    case SECRETS_HIGH:
        return "HIGH";
    case SECRETS_CRITICAL:
        return "CRITICAL";
    }
    return "UNKNOWN";
}

struct secrets_engine *secrets_engine_new(void)
{
    return calloc(1, sizeof(struct secrets_engine));
}

void secrets_scanner_free(struct secrets_scanner *sc)
{
    if (sc == NULL)
        return;
    hs_free_scratch(sc->scratch);
    free(sc->active);
    free(sc->pending);
    free(sc->cands);
    free(sc);
}

/* A scanner whose scratch is a clone of proto (or allocated for the engine's databases when
 * proto is NULL). */
static struct secrets_scanner *scanner_alloc(const struct secrets_engine *e,
                                             const hs_scratch_t *proto)
{
    struct secrets_scanner *sc = calloc(1, sizeof *sc);
    if (sc == NULL)
        return NULL;
    sc->e = e;
    size_t nr = e->rs.n ? e->rs.n : 1;
    sc->active = calloc(nr, 1);
    sc->pending = calloc(nr, sizeof *sc->pending);
    int ok = sc->active != NULL && sc->pending != NULL;
    if (ok && proto != NULL) {
        ok = hs_clone_scratch(proto, &sc->scratch) == HS_SUCCESS;
    } else if (ok) {
        const hs_database_t *dbs[] = {e->kw_db, e->main_db, e->pre_db, e->suf_db, e->allow_db};
        for (size_t i = 0; i < 5 && ok; i++)
            if (dbs[i] != NULL)
                ok = hs_alloc_scratch(dbs[i], &sc->scratch) == HS_SUCCESS;
    }
    if (!ok) {
        secrets_scanner_free(sc);
        return NULL;
    }
    return sc;
}

struct secrets_scanner *secrets_scanner_new(const struct secrets_engine *e)
{
    if (e->own == NULL)
        return NULL;
    return scanner_alloc(e, e->own->scratch);
}

static void free_dbs(struct secrets_engine *e)
{
    hs_free_database(e->kw_db);
    hs_free_database(e->main_db);
    hs_free_database(e->pre_db);
    hs_free_database(e->suf_db);
    hs_free_database(e->allow_db);
    e->kw_db = e->main_db = e->pre_db = e->suf_db = e->allow_db = NULL;
    secrets_scanner_free(e->own);
    e->own = NULL;
    free(e->kw_rule);
    e->kw_rule = NULL;
    e->n_kw = 0;
}

void secrets_engine_free(struct secrets_engine *e)
{
    if (e == NULL)
        return;
    free_dbs(e);
    secrets_rules_clear(&e->rs);
    free(e);
}

size_t secrets_engine_rule_count(const struct secrets_engine *e)
{
    return e->rs.n;
}

int secrets_engine_add_pack(struct secrets_engine *e, const char *name, const char *data,
                            size_t len, struct strata_error *err)
{
    free_dbs(e); /* a changed rule set must be compiled again */
    return secrets_rules_parse(&e->rs, name, data, len, err);
}

int secrets_engine_add_file(struct secrets_engine *e, const char *path, struct strata_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return strata_error_set(err, STRATA_EIO, "%s: cannot open: %m", path);
    char *buf = malloc(SECRETS_MAX_RULE_FILE + 1);
    if (buf == NULL) {
        fclose(f);
        return strata_error_nomem(err);
    }
    size_t n = fread(buf, 1, SECRETS_MAX_RULE_FILE + 1, f);
    int bad = ferror(f);
    fclose(f);
    int rc;
    if (bad)
        rc = strata_error_set(err, STRATA_EIO, "%s: read error", path);
    else
        rc = secrets_engine_add_pack(e, path, buf, n, err);
    free(buf);
    return rc;
}

#ifndef SECRETS_DEFAULT_RULES_DIR
#define SECRETS_DEFAULT_RULES_DIR "/usr/share/strata/rules"
#endif

static int readable(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (f == NULL)
        return 0;
    fclose(f);
    return 1;
}

int secrets_builtin_path(char *used, size_t cap, struct strata_error *err)
{
    char buf[8192];
    const char *env = getenv("STRATA_RULES_DIR");
    if (env != NULL && *env != '\0') {
        snprintf(buf, sizeof buf, "%s/secrets.yaml", env);
        if (!readable(buf))
            return strata_error_set(err, STRATA_ENOTFOUND,
                                    "%s: cannot read the secrets rule pack (STRATA_RULES_DIR)",
                                    buf);
        snprintf(used, cap, "%s", buf);
        return 0;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL)
            *slash = '\0';
        /* the binary's directory, its parent (build/strata) and grandparent
         * (build/tests/test_x) */
        static const char *ups[] = {"", "/..", "/../.."};
        for (size_t i = 0; i < sizeof ups / sizeof ups[0]; i++) {
            snprintf(buf, sizeof buf, "%s%s/rules/secrets.yaml", exe, ups[i]);
            if (readable(buf)) {
                snprintf(used, cap, "%s", buf);
                return 0;
            }
        }
    }
    snprintf(buf, sizeof buf, "%s/secrets.yaml", SECRETS_DEFAULT_RULES_DIR);
    if (!readable(buf))
        return strata_error_set(err, STRATA_ENOTFOUND,
                                "cannot find the secrets rule pack (set STRATA_RULES_DIR, or "
                                "install rules/secrets.yaml in %s)",
                                SECRETS_DEFAULT_RULES_DIR);
    snprintf(used, cap, "%s", buf);
    return 0;
}

int secrets_engine_add_builtin(struct secrets_engine *e, struct strata_error *err)
{
    char path[4096];
    int rc = secrets_builtin_path(path, sizeof path, err);
    return rc ? rc : secrets_engine_add_file(e, path, err);
}

/* ---- compilation ---- */

struct exprs {
    char **pat;
    unsigned *flags, *ids;
    const struct secrets_where **where;
    const char **label;
    size_t n;
};

static void exprs_free(struct exprs *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->pat[i]);
    free(x->pat);
    free(x->flags);
    free(x->ids);
    free(x->where);
    free(x->label);
    memset(x, 0, sizeof *x);
}

static int exprs_alloc(struct exprs *x, size_t cap)
{
    cap = cap ? cap : 1;
    x->pat = calloc(cap, sizeof *x->pat);
    x->flags = calloc(cap, sizeof *x->flags);
    x->ids = calloc(cap, sizeof *x->ids);
    x->where = calloc(cap, sizeof *x->where);
    x->label = calloc(cap, sizeof *x->label);
    return x->pat && x->flags && x->ids && x->where && x->label ? 0 : -1;
}

static int exprs_add(struct exprs *x, char *pat, unsigned flags, unsigned id,
                     const struct secrets_where *w, const char *label)
{
    if (pat == NULL)
        return -1;
    x->pat[x->n] = pat;
    x->flags[x->n] = flags;
    x->ids[x->n] = id;
    x->where[x->n] = w;
    x->label[x->n] = label;
    x->n++;
    return 0;
}

static char *concat3(const char *a, const char *b, const char *c, const char *d, const char *e,
                     const char *f, const char *g)
{
    struct strbuf sb = STRBUF_INIT;
    const char *parts[] = {a, b, c, d, e, f, g};
    for (size_t i = 0; i < 7; i++)
        if (parts[i] != NULL && strbuf_adds(&sb, parts[i]) != 0) {
            strbuf_release(&sb);
            return NULL;
        }
    return strbuf_detach(&sb);
}

/* A keyword as a hyperscan literal: everything but letters and digits \x-escaped. */
static char *literal(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int rc = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
                     ? strbuf_addch(&sb, (char)c)
                     : strbuf_addf(&sb, "\\x%02x", c);
        if (rc != 0) {
            strbuf_release(&sb);
            return NULL;
        }
    }
    return strbuf_detach(&sb);
}

static int compile(struct exprs *x, const char *what, hs_database_t **db, struct strata_error *err)
{
    if (x->n == 0)
        return 0;
    char key[STRATA_DIGEST_STRLEN];
    if (secrets_db_cache_key((const char *const *)x->pat, x->flags, x->ids, x->n, key) != 0)
        return strata_error_nomem(err);
    if ((*db = secrets_db_cache_load(key)) != NULL)
        return 0;
    hs_compile_error_t *ce = NULL;
    hs_error_t rc = hs_compile_multi((const char *const *)x->pat, x->flags, x->ids, (unsigned)x->n,
                                     HS_MODE_BLOCK, NULL, db, &ce);
    if (rc == HS_SUCCESS) {
        secrets_db_cache_store(key, *db);
        return 0;
    }
    int code;
    if (ce != NULL && ce->expression >= 0 && (size_t)ce->expression < x->n) {
        const struct secrets_where *w = x->where[ce->expression];
        code =
            strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: rule %s: %s rejected: %s",
                             w && w->file ? w->file : "?", w ? w->line : 0, w ? w->col : 0,
                             x->label[ce->expression], what, ce->message ? ce->message : "invalid");
    } else {
        code = strata_error_set(err, STRATA_EFORMAT, "secrets: cannot compile the %s: %s", what,
                                ce && ce->message ? ce->message : "hyperscan error");
    }
    hs_free_compile_error(ce);
    return code;
}

int secrets_engine_compile(struct secrets_engine *e, struct strata_error *err)
{
    free_dbs(e);
    if (hs_valid_platform() != HS_SUCCESS)
        return strata_error_set(err, STRATA_EUSAGE,
                                "secrets: this CPU lacks SSSE3, which hyperscan needs");
    struct secrets_rules *rs = &e->rs;
    size_t nr = rs->n, nkw = 0, nallow = rs->allow_values.n;
    if (nr == 0)
        return strata_error_set(err, STRATA_EUSAGE, "secrets: no rules loaded");
    for (size_t i = 0; i < nr; i++) {
        nkw += rs->rules[i].keywords.n;
        nallow += rs->rules[i].allow.n;
    }
    struct exprs kw = {0}, main = {0}, pre = {0}, suf = {0}, allow = {0};
    int rc = STRATA_ENOMEM;
    e->kw_rule = calloc(nkw ? nkw : 1, sizeof *e->kw_rule);
    if (e->kw_rule == NULL || exprs_alloc(&kw, nkw) || exprs_alloc(&main, nr) ||
        exprs_alloc(&pre, nr) || exprs_alloc(&suf, nr) || exprs_alloc(&allow, nallow))
        goto nomem;
    const unsigned scan_flags = HS_FLAG_SOM_LEFTMOST | HS_FLAG_MULTILINE;
    for (size_t i = 0; i < nr; i++) {
        struct secrets_rule *r = &rs->rules[i];
        for (size_t k = 0; k < r->keywords.n; k++) {
            e->kw_rule[e->n_kw] = i;
            if (exprs_add(&kw, literal(r->keywords.items[k]),
                          HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH, (unsigned)e->n_kw,
                          &r->keywords.where[k], r->id))
                goto nomem;
            e->n_kw++;
        }
        if (exprs_add(&main,
                      concat3("(?:", r->prefix ? r->prefix : "", ")(?:", r->regex,
                              ")(?:", r->suffix ? r->suffix : "", ")"),
                      scan_flags, (unsigned)i, &r->regex_at, r->id))
            goto nomem;
        if (r->prefix != NULL &&
            exprs_add(&pre, concat3("\\A(?:", r->prefix, ")", NULL, NULL, NULL, NULL),
                      HS_FLAG_ALLOWEMPTY, (unsigned)i, &r->regex_at, r->id))
            goto nomem;
        if (r->suffix != NULL &&
            exprs_add(&suf, concat3("(?:", r->suffix, ")\\z", NULL, NULL, NULL, NULL),
                      HS_FLAG_SOM_LEFTMOST, (unsigned)i, &r->regex_at, r->id))
            goto nomem;
        for (size_t k = 0; k < r->allow.n; k++)
            if (exprs_add(&allow, strdup(r->allow.items[k]), HS_FLAG_SINGLEMATCH, (unsigned)i,
                          &r->allow.where[k], r->id))
                goto nomem;
    }
    for (size_t k = 0; k < rs->allow_values.n; k++)
        if (exprs_add(&allow, strdup(rs->allow_values.items[k]), HS_FLAG_SINGLEMATCH, (unsigned)nr,
                      &rs->allow_values.where[k], "(global allow)"))
            goto nomem;
    if ((rc = compile(&kw, "keyword", &e->kw_db, err)) != 0 ||
        (rc = compile(&main, "prefix+regex+suffix", &e->main_db, err)) != 0 ||
        (rc = compile(&pre, "prefix", &e->pre_db, err)) != 0 ||
        (rc = compile(&suf, "suffix", &e->suf_db, err)) != 0 ||
        (rc = compile(&allow, "allow regex", &e->allow_db, err)) != 0)
        goto fail;
    if ((e->own = scanner_alloc(e, NULL)) == NULL)
        goto nomem;
    exprs_free(&kw);
    exprs_free(&main);
    exprs_free(&pre);
    exprs_free(&suf);
    exprs_free(&allow);
    return 0;
nomem:
    rc = strata_error_nomem(err);
fail:
    exprs_free(&kw);
    exprs_free(&main);
    exprs_free(&pre);
    exprs_free(&suf);
    exprs_free(&allow);
    free_dbs(e);
    return rc;
}

/* ---- scanning ---- */

/* log2 without libm (the Makefile links none): split off the binary exponent, then
 * ln(m) = 2 atanh((m-1)/(m+1)) for m in [1,2), whose series converges in a few terms. */
static double log2_of(double x)
{
    int exp2 = 0;
    while (x >= 2.0) {
        x /= 2.0;
        exp2++;
    }
    while (x < 1.0) {
        x *= 2.0;
        exp2--;
    }
    double z = (x - 1.0) / (x + 1.0), z2 = z * z, term = z, sum = 0.0;
    for (int k = 1; k < 40; k += 2) {
        sum += term / k;
        term *= z2;
    }
    return exp2 + 2.0 * sum / 0.69314718055994530942;
}

double secrets_entropy(const char *s, size_t n)
{
    if (n == 0)
        return 0.0;
    size_t counts[256] = {0};
    for (size_t i = 0; i < n; i++)
        counts[(unsigned char)s[i]]++;
    double h = 0.0;
    for (size_t c = 0; c < 256; c++)
        if (counts[c] != 0) {
            double p = (double)counts[c] / (double)n;
            h -= p * log2_of(p);
        }
    return h;
}

void secrets_redact(const char *s, size_t n, char *out, size_t cap)
{
    /* Four characters identify a token family (AKIA, ghp_, MIIE) without revealing it; a
     * short secret shows at most a third of itself. */
    size_t keep = n / 3 < 4 ? n / 3 : 4;
    size_t o = 0;
    for (size_t i = 0; i < keep && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    for (int i = 0; i < 5 && o + 1 < cap; i++)
        out[o++] = '*';
    out[o] = '\0';
}

static int on_keyword(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                      void *ctx)
{
    (void)from;
    (void)to;
    (void)flags;
    struct secrets_scanner *sc = ctx;
    sc->active[sc->e->kw_rule[id]] = 1;
    return 0;
}

static int push_candidate(struct secrets_scanner *sc, size_t rule, size_t from, size_t to)
{
    if (sc->n_cands >= SECRETS_MAX_FINDINGS) {
        sc->overflow = 1;
        return 1;
    }
    if (sc->n_cands == sc->cap_cands) {
        size_t cap = sc->cap_cands ? sc->cap_cands * 2 : 16;
        struct candidate *c = realloc(sc->cands, cap * sizeof *c);
        if (c == NULL)
            return -1;
        sc->cands = c;
        sc->cap_cands = cap;
    }
    sc->cands[sc->n_cands++] = (struct candidate){rule, from, to};
    return 0;
}

/* Hyperscan reports a match at every end offset (password=abcdef matches at each letter);
 * overlapping reports of one rule merge into one span. */
static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ctx)
{
    (void)flags;
    struct secrets_scanner *sc = ctx;
    if (!sc->active[id])
        return 0;
    struct pending *p = &sc->pending[id];
    if (p->valid && from < p->to) {
        if (from < p->from)
            p->from = from;
        if (to > p->to && to - p->from <= SECRETS_MAX_SPAN)
            p->to = to;
        return 0;
    }
    if (p->valid) {
        int rc = push_candidate(sc, id, p->from, p->to);
        if (rc != 0)
            return rc;
    }
    p->valid = 1;
    p->from = from;
    p->to = to - from > SECRETS_MAX_SPAN ? from + SECRETS_MAX_SPAN : to;
    return 0;
}

struct bound_ctx {
    unsigned rule;
    size_t len;
    size_t best;
    int found;
};

static int on_prefix(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                     void *ctx)
{
    (void)from;
    (void)flags;
    struct bound_ctx *b = ctx;
    if (id == b->rule && (!b->found || to > b->best)) {
        b->best = to;
        b->found = 1;
    }
    return 0;
}

static int on_suffix(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                     void *ctx)
{
    (void)flags;
    struct bound_ctx *b = ctx;
    if (id == b->rule && to == b->len && (!b->found || from < b->best)) {
        b->best = from;
        b->found = 1;
    }
    return 0;
}

static int on_allow(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ctx)
{
    (void)from;
    (void)to;
    (void)flags;
    struct bound_ctx *b = ctx;
    if (id == b->rule || id == b->len) {
        b->found = 1;
        return 1;
    }
    return 0;
}

static int cmp_candidate(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int scan_error(struct strata_error *err, const char *path, hs_error_t rc)
{
    return strata_error_set(err, STRATA_EINTERNAL, "%s: hyperscan scan failed (%d)",
                            path ? path : "buffer", (int)rc);
}

/* Finds the secret inside a candidate span and applies the entropy and allow filters.
 * Returns 1 when it is reported, 0 when filtered, < 0 on error. */
static int finish_candidate(struct secrets_scanner *sc, const struct candidate *c, const char *data,
                            struct secrets_finding *f, struct strata_error *err)
{
    const struct secrets_engine *e = sc->e;
    const struct secrets_rule *r = &e->rs.rules[c->rule];
    size_t s = c->from, t = c->to;
    if (r->prefix != NULL && e->pre_db != NULL) {
        struct bound_ctx b = {.rule = (unsigned)c->rule};
        hs_error_t rc =
            hs_scan(e->pre_db, data + s, (unsigned)(t - s), 0, sc->scratch, on_prefix, &b);
        if (rc != HS_SUCCESS)
            return scan_error(err, f->path, rc);
        if (b.found)
            s += b.best;
    }
    if (r->suffix != NULL && e->suf_db != NULL && s < t) {
        struct bound_ctx b = {.rule = (unsigned)c->rule, .len = t - s};
        hs_error_t rc =
            hs_scan(e->suf_db, data + s, (unsigned)(t - s), 0, sc->scratch, on_suffix, &b);
        if (rc != HS_SUCCESS)
            return scan_error(err, f->path, rc);
        if (b.found)
            t = s + b.best;
    }
    if (s >= t)
        return 0;
    if (r->entropy > 0.0 && secrets_entropy(data + s, t - s) < r->entropy)
        return 0;
    if (e->allow_db != NULL) {
        struct bound_ctx b = {.rule = (unsigned)c->rule, .len = e->rs.n};
        hs_error_t rc =
            hs_scan(e->allow_db, data + s, (unsigned)(t - s), 0, sc->scratch, on_allow, &b);
        if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
            return scan_error(err, f->path, rc);
        if (b.found)
            return 0;
    }
    f->rule_id = r->id;
    f->title = r->title;
    f->severity = r->severity;
    f->start = c->from;
    f->end = c->to;
    f->secret_start = s;
    f->secret_end = t;
    f->secret = data + s;
    f->secret_len = t - s;
    secrets_redact(data + s, t - s, f->excerpt, sizeof f->excerpt);
    return 1;
}

int secrets_scanner_scan(struct secrets_scanner *sc, const char *path, const char *data, size_t len,
                         secrets_callback cb, void *user, struct strata_error *err)
{
    const struct secrets_engine *e = sc->e;
    if (e->main_db == NULL)
        return strata_error_set(err, STRATA_EUSAGE, "secrets: engine not compiled");
    for (size_t i = 0; path != NULL && i < e->rs.allow_paths.n; i++)
        if (fnmatch(e->rs.allow_paths.items[i], path, 0) == 0)
            return SECRETS_SKIPPED_PATH;
    if (len > SECRETS_MAX_SCAN)
        return SECRETS_SKIPPED_SIZE;
    if (len == 0)
        return SECRETS_SCANNED;
    if (memchr(data, '\0', len < SECRETS_BINARY_PROBE ? len : SECRETS_BINARY_PROBE) != NULL)
        return SECRETS_SKIPPED_BINARY;
    size_t nr = e->rs.n;
    memset(sc->active, 0, nr);
    hs_error_t hrc = hs_scan(e->kw_db, data, (unsigned)len, 0, sc->scratch, on_keyword, sc);
    if (hrc != HS_SUCCESS)
        return scan_error(err, path, hrc);
    int any = 0;
    for (size_t i = 0; i < nr && !any; i++)
        any = sc->active[i];
    if (!any)
        return SECRETS_SCANNED;
    memset(sc->pending, 0, nr * sizeof *sc->pending);
    sc->n_cands = 0;
    sc->overflow = 0;
    hrc = hs_scan(e->main_db, data, (unsigned)len, 0, sc->scratch, on_match, sc);
    if (hrc != HS_SUCCESS && !(hrc == HS_SCAN_TERMINATED && sc->overflow))
        return hrc == HS_SCAN_TERMINATED ? strata_error_nomem(err) : scan_error(err, path, hrc);
    for (size_t i = 0; i < nr && !sc->overflow; i++)
        if (sc->pending[i].valid) {
            int rc = push_candidate(sc, i, sc->pending[i].from, sc->pending[i].to);
            if (rc < 0)
                return strata_error_nomem(err);
        }
    if (sc->n_cands > 1)
        qsort(sc->cands, sc->n_cands, sizeof *sc->cands, cmp_candidate);
    size_t line_pos = 0;
    int line = 1;
    for (size_t i = 0; i < sc->n_cands; i++) {
        struct secrets_finding f = {.path = path};
        int rc = finish_candidate(sc, &sc->cands[i], data, &f, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            continue;
        if (f.secret_start < line_pos) {
            line_pos = 0;
            line = 1;
        }
        for (const char *q = data + line_pos;
             (q = memchr(q, '\n', f.secret_start - (size_t)(q - data))) != NULL; q++)
            line++;
        line_pos = f.secret_start;
        f.line = line;
        rc = cb(&f, user);
        if (rc != 0)
            return rc;
    }
    return SECRETS_SCANNED;
}

int secrets_scan(struct secrets_engine *e, const char *path, const char *data, size_t len,
                 secrets_callback cb, void *user, struct strata_error *err)
{
    if (e->own == NULL)
        return strata_error_set(err, STRATA_EUSAGE, "secrets: engine not compiled");
    return secrets_scanner_scan(e->own, path, data, len, cb, user, err);
}

int secrets_engine_for_scan(const char *const *rule_files, struct secrets_engine **out,
                            struct strata_error *err)
{
    struct secrets_engine *e = secrets_engine_new();
    if (e == NULL)
        return strata_error_nomem(err);
    int rc = secrets_engine_add_builtin(e, err);
    for (size_t i = 0; rule_files != NULL && rule_files[i] != NULL && rc == 0; i++)
        rc = secrets_engine_add_file(e, rule_files[i], err);
    if (rc == 0)
        rc = secrets_engine_compile(e, err);
    if (rc != 0) {
        secrets_engine_free(e);
        return rc;
    }
    *out = e;
    return 0;
}
