/* go.mod parser and the gomod analyzer; see gomod.h and docs/inventory-gomod.md.
 *
 * The grammar follows the go.mod reference (https://go.dev/ref/mod#go-mod-file): a line is a
 * directive verb and its arguments, or "verb (" opening a block whose lines are arguments,
 * closed by ")"; tokens are separated by blanks, "(" ")" and "=>" are tokens of their own,
 * arguments may be "interpreted" or `raw` strings, "//" starts a comment. "// indirect" at
 * the end of a requirement marks a module the main module does not import itself. Verbs
 * other than module, go, toolchain, require and replace (exclude, retract, godebug, tool,
 * and any newer ones) are skipped. */
#include "inventory/gomod.h"
#include "inventory/gosum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "inventory/kept_files.h"
#include "inventory/gomod_purl.h"
#include "inventory/lang_package.h"
#include "strata/analyzer.h"

#define MAX_TOKENS 8

struct token {
    char *s; /* unquoted, malloc'd */
    size_t col;
};

struct line_toks {
    struct token t[MAX_TOKENS];
    size_t n;
    const char *comment; /* after "//", not terminated */
    size_t comment_len;
};

static void toks_clear(struct line_toks *lt)
{
    for (size_t i = 0; i < lt->n; i++)
        free(lt->t[i].s);
    memset(lt, 0, sizeof *lt);
}

static int tok_err(struct strata_error *err, int code, const char *path, size_t line, size_t col,
                   const char *what)
{
    return strata_error_set(err, code, "%s:%zu:%zu: %s", path, line, col, what);
}

/* Splits one line into tokens. */
static int tokenize(const char *s, size_t n, const char *path, size_t lineno, struct line_toks *lt,
                    struct strata_error *err)
{
    memset(lt, 0, sizeof *lt);
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        if (c == '/' && i + 1 < n && s[i + 1] == '/') {
            lt->comment = s + i + 2;
            lt->comment_len = n - i - 2;
            return 0;
        }
        if (lt->n == MAX_TOKENS)
            return tok_err(err, STRATA_EFORMAT, path, lineno, i + 1, "too many tokens on a line");
        struct strbuf sb = STRBUF_INIT;
        size_t col = i + 1;
        int rc = 0;
        if (c == '(' || c == ')') {
            rc = strbuf_addch(&sb, c);
            i++;
        } else if (c == '=' && i + 1 < n && s[i + 1] == '>') {
            rc = strbuf_adds(&sb, "=>");
            i += 2;
        } else if (c == '"' || c == '`') {
            char q = c;
            i++;
            for (;;) {
                if (i >= n) {
                    strbuf_release(&sb);
                    return tok_err(err, STRATA_EFORMAT, path, lineno, col, "unterminated string");
                }
                char ch = s[i++];
                if (ch == q)
                    break;
                if (q == '"' && ch == '\\') {
                    if (i >= n || (s[i] != '\\' && s[i] != '"')) {
                        strbuf_release(&sb);
                        return tok_err(err, STRATA_EFORMAT, path, lineno, i,
                                       "unsupported escape in a quoted string");
                    }
                    ch = s[i++];
                }
                if ((rc = strbuf_addch(&sb, ch)) != 0)
                    break;
            }
        } else {
            while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '(' &&
                   s[i] != ')' && s[i] != '"' && s[i] != '`' &&
                   !(s[i] == '/' && i + 1 < n && s[i + 1] == '/') &&
                   !(s[i] == '=' && i + 1 < n && s[i + 1] == '>'))
                if ((rc = strbuf_addch(&sb, s[i++])) != 0)
                    break;
        }
        if (rc != 0) {
            strbuf_release(&sb);
            return strata_error_nomem(err);
        }
        if (sb.len > GOMOD_MAX_TOKEN) {
            strbuf_release(&sb);
            return tok_err(err, STRATA_ELIMIT, path, lineno, col, "token longer than 4096 bytes");
        }
        lt->t[lt->n].s = sb.buf ? strbuf_detach(&sb) : strdup("");
        if (lt->t[lt->n].s == NULL)
            return strata_error_nomem(err);
        lt->t[lt->n++].col = col;
    }
    return 0;
}

static int is_indirect(const struct line_toks *lt)
{
    const char *c = lt->comment;
    size_t n = lt->comment_len;
    while (n > 0 && (*c == ' ' || *c == '\t'))
        c++, n--;
    while (n > 0 && (c[n - 1] == ' ' || c[n - 1] == '\t' || c[n - 1] == '\r'))
        n--;
    return c != NULL &&
           ((n == 8 && memcmp(c, "indirect", 8) == 0) || (n > 8 && memcmp(c, "indirect;", 9) == 0));
}

/* Module paths: no blanks or control characters; versions start with 'v'. */
static int valid_path(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return 0;
    return 1;
}

static int valid_version(const char *s)
{
    return s[0] == 'v' && valid_path(s);
}

static int is_dir_path(const char *s)
{
    return s[0] == '/' || strncmp(s, "./", 2) == 0 || strncmp(s, "../", 3) == 0 ||
           strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || (s[0] && s[1] == ':');
}

static char *take(struct token *t)
{
    char *s = t->s;
    t->s = NULL;
    return s;
}

static int add_require(struct gomod *m, struct line_toks *lt, size_t first, size_t *cap,
                       const char *path, size_t lineno, struct strata_error *err)
{
    size_t n = lt->n - first;
    struct token *t = lt->t + first;
    if (n != 2)
        return tok_err(err, STRATA_EFORMAT, path, lineno, n ? t[0].col : 1,
                       "require: expected module path and version");
    if (!valid_path(t[0].s) || !valid_version(t[1].s))
        return tok_err(err, STRATA_EFORMAT, path, lineno, valid_path(t[0].s) ? t[1].col : t[0].col,
                       valid_path(t[0].s) ? "require: invalid version"
                                          : "require: invalid module path");
    if (m->n_req + m->n_repl >= GOMOD_MAX_ENTRIES)
        return tok_err(err, STRATA_ELIMIT, path, lineno, 1, "more than 100000 entries");
    if (m->n_req == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        struct gomod_require *v = realloc(m->req, c * sizeof *v);
        if (v == NULL)
            return strata_error_nomem(err);
        m->req = v;
        *cap = c;
    }
    struct gomod_require *r = &m->req[m->n_req++];
    r->path = take(&t[0]);
    r->version = take(&t[1]);
    r->indirect = is_indirect(lt);
    r->line = lineno;
    return 0;
}

static int add_replace(struct gomod *m, struct line_toks *lt, size_t first, size_t *cap,
                       const char *path, size_t lineno, struct strata_error *err)
{
    size_t n = lt->n - first;
    struct token *t = lt->t + first;
    size_t arrow = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].s, "=>") == 0) {
            arrow = i;
            break;
        }
    if (arrow < 1 || arrow > 2 || n - arrow - 1 < 1 || n - arrow - 1 > 2)
        return tok_err(
            err, STRATA_EFORMAT, path, lineno, n ? t[0].col : 1,
            "replace: expected \"module [version] => module version\" or \"=> directory\"");
    struct token *nw = &t[arrow + 1];
    int has_new_version = n - arrow - 1 == 2;
    if (!valid_path(t[0].s) || (arrow == 2 && !valid_version(t[1].s)) || !valid_path(nw[0].s) ||
        (has_new_version && (!valid_version(nw[1].s) || is_dir_path(nw[0].s))) ||
        (!has_new_version && !is_dir_path(nw[0].s)))
        return tok_err(err, STRATA_EFORMAT, path, lineno, t[0].col, "replace: invalid arguments");
    if (m->n_req + m->n_repl >= GOMOD_MAX_ENTRIES)
        return tok_err(err, STRATA_ELIMIT, path, lineno, 1, "more than 100000 entries");
    if (m->n_repl == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        struct gomod_replace *v = realloc(m->repl, c * sizeof *v);
        if (v == NULL)
            return strata_error_nomem(err);
        m->repl = v;
        *cap = c;
    }
    struct gomod_replace *r = &m->repl[m->n_repl++];
    memset(r, 0, sizeof *r);
    r->line = lineno;
    r->old_path = take(&t[0]);
    if (arrow == 2)
        r->old_version = take(&t[1]);
    r->new_path = take(&nw[0]);
    if (has_new_version)
        r->new_version = take(&nw[1]);
    return 0;
}

static int set_single(char **slot, struct line_toks *lt, const char *verb, const char *path,
                      size_t lineno, struct strata_error *err)
{
    if (lt->n != 2 || !valid_path(lt->t[1].s)) {
        char msg[64];
        snprintf(msg, sizeof msg, "%s: expected one argument", verb);
        return tok_err(err, STRATA_EFORMAT, path, lineno, lt->t[0].col, msg);
    }
    free(*slot);
    *slot = take(&lt->t[1]);
    return 0;
}

void gomod_free(struct gomod *m)
{
    if (m == NULL)
        return;
    free(m->module);
    free(m->go);
    free(m->toolchain);
    for (size_t i = 0; i < m->n_req; i++) {
        free(m->req[i].path);
        free(m->req[i].version);
    }
    free(m->req);
    for (size_t i = 0; i < m->n_repl; i++) {
        free(m->repl[i].old_path);
        free(m->repl[i].old_version);
        free(m->repl[i].new_path);
        free(m->repl[i].new_version);
    }
    free(m->repl);
    memset(m, 0, sizeof *m);
}

enum block { BLK_NONE, BLK_REQUIRE, BLK_REPLACE, BLK_OTHER };

int gomod_parse(const uint8_t *data, size_t len, const char *path, struct gomod *out,
                struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (path == NULL)
        path = "(input)";
    if (len > GOMOD_MAX_FILE)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %zu bytes, more than the %u allowed", path,
                                len, GOMOD_MAX_FILE);
    const char *d = (const char *)data, *end = d + len;
    enum block blk = BLK_NONE;
    size_t lineno = 0, cap_req = 0, cap_repl = 0, block_line = 0;
    int rc = 0;
    while (rc == 0 && d < end) {
        const char *nl = memchr(d, '\n', (size_t)(end - d));
        size_t ll = nl ? (size_t)(nl - d) : (size_t)(end - d);
        const char *s = d;
        d = nl ? nl + 1 : end;
        lineno++;
        if (ll > GOMOD_MAX_LINE)
            return tok_err(err, STRATA_ELIMIT, path, lineno, 1, "line longer than 65536 bytes");
        if (memchr(s, '\0', ll) != NULL)
            return tok_err(err, STRATA_EFORMAT, path, lineno,
                           (size_t)((const char *)memchr(s, '\0', ll) - s) + 1, "NUL byte");
        struct line_toks lt;
        rc = tokenize(s, ll, path, lineno, &lt, err);
        if (rc != 0 || lt.n == 0) {
            toks_clear(&lt);
            continue;
        }
        const char *v = lt.t[0].s;
        if (blk != BLK_NONE) {
            if (strcmp(v, ")") == 0) {
                blk = BLK_NONE;
                if (lt.n != 1)
                    rc = tok_err(err, STRATA_EFORMAT, path, lineno, lt.t[1].col,
                                 "unexpected token after ')'");
            } else if (blk == BLK_REQUIRE) {
                rc = add_require(out, &lt, 0, &cap_req, path, lineno, err);
            } else if (blk == BLK_REPLACE) {
                rc = add_replace(out, &lt, 0, &cap_repl, path, lineno, err);
            }
            toks_clear(&lt);
            continue;
        }
        int opens = lt.n >= 2 && strcmp(lt.t[1].s, "(") == 0;
        int closes_same = opens && lt.n == 3 && strcmp(lt.t[2].s, ")") == 0; /* "require ()" */
        if (opens && lt.n != 2 && !closes_same) {
            rc = tok_err(err, STRATA_EFORMAT, path, lineno, lt.t[2].col,
                         "unexpected token after '('");
        } else if (opens) {
            if (!closes_same) {
                blk = strcmp(v, "require") == 0   ? BLK_REQUIRE
                      : strcmp(v, "replace") == 0 ? BLK_REPLACE
                                                  : BLK_OTHER;
                block_line = lineno;
            }
        } else if (strcmp(v, "module") == 0) {
            rc = set_single(&out->module, &lt, v, path, lineno, err);
        } else if (strcmp(v, "go") == 0) {
            rc = set_single(&out->go, &lt, v, path, lineno, err);
        } else if (strcmp(v, "toolchain") == 0) {
            rc = set_single(&out->toolchain, &lt, v, path, lineno, err);
        } else if (strcmp(v, "require") == 0) {
            rc = add_require(out, &lt, 1, &cap_req, path, lineno, err);
        } else if (strcmp(v, "replace") == 0) {
            rc = add_replace(out, &lt, 1, &cap_repl, path, lineno, err);
        } else if (strcmp(v, ")") == 0 || strcmp(v, "(") == 0 || strcmp(v, "=>") == 0) {
            rc = tok_err(err, STRATA_EFORMAT, path, lineno, lt.t[0].col, "unexpected token");
        }
        toks_clear(&lt);
    }
    if (rc == 0 && blk != BLK_NONE)
        rc = tok_err(err, STRATA_EFORMAT, path, block_line, 1, "block not closed by ')'");
    return rc;
}

void gomod_resolve(const struct gomod *m, const struct gomod_require *r, const char **path,
                   const char **version)
{
    *path = r->path;
    *version = r->version;
    /* A replacement of this exact version wins over one of every version. */
    const struct gomod_replace *hit = NULL;
    for (size_t i = 0; i < m->n_repl; i++) {
        const struct gomod_replace *p = &m->repl[i];
        if (strcmp(p->old_path, r->path) != 0)
            continue;
        if (p->old_version != NULL && strcmp(p->old_version, r->version) == 0) {
            hit = p;
            break;
        }
        if (p->old_version == NULL)
            hit = p;
    }
    if (hit == NULL)
        return;
    *path = hit->new_version ? hit->new_path : NULL;
    *version = hit->new_version;
}

/* ---------------------------------------------------------------------------------------- */
/* Analyzer                                                                                  */

static void *layer_new(void)
{
    return kept_files_new(0);
}

/* A go.mod of the tree's own modules, not one of a dependency's copy in the module cache
 * (…/pkg/mod/…) or a vendor directory, nor a test fixture under testdata/. */
enum { KEPT_GOMOD = 0, KEPT_GOSUM = 1 };

/* KEPT_GOMOD or KEPT_GOSUM for a project's own go.mod or go.sum, -1 for anything else. */
static int project_file_kind(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    int kind = strcmp(b, "go.mod") == 0 ? KEPT_GOMOD : strcmp(b, "go.sum") == 0 ? KEPT_GOSUM : -1;
    if (kind < 0)
        return -1;
    static const char *const skip[] = {"pkg/mod/", "vendor/", "testdata/"};
    for (size_t k = 0; k < 3; k++) {
        size_t kl = strlen(skip[k]);
        for (const char *p = path; (p = strstr(p, skip[k])) != NULL; p += kl)
            if (p == path || p[-1] == '/')
                return -1;
    }
    return kind;
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    /* go.mod files are reported for filesystems only (see the docs): images are not read. */
    int kind = f->layer >= 0 ? -1 : project_file_kind(f->path);
    if (kind < 0)
        return 0;
    return kept_files_add(state, f, 0, kind, err);
}

static int emit_gomod(struct strata_report *r, const struct gomod *m, const char *file)
{
    for (size_t i = 0; i < m->n_req; i++) {
        const char *path, *version;
        gomod_resolve(m, &m->req[i], &path, &version);
        if (path == NULL)
            continue; /* replaced by a directory: no version to match */
        char *purl = go_module_purl(path, version);
        if (purl == NULL)
            return STRATA_ENOMEM;
        struct lang_package p = {.type = "golang",
                                 .name = path,
                                 .version = version,
                                 .purl = purl,
                                 .path = file,
                                 .layer = -1,
                                 .direct = !m->req[i].indirect,
                                 .lockfile = file};
        int rc = inventory_add_lang_package(r, &p);
        free(purl);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Is module path required by m (before or after replacement) or m itself? */
static int listed_in_gomod(const struct gomod *m, const char *path)
{
    if (m->module != NULL && strcmp(m->module, path) == 0)
        return 1;
    for (size_t i = 0; i < m->n_req; i++) {
        const char *rp, *rv;
        gomod_resolve(m, &m->req[i], &rp, &rv);
        if (strcmp(m->req[i].path, path) == 0 || (rp != NULL && strcmp(rp, path) == 0))
            return 1;
    }
    return 0;
}

/* Before Go 1.17 go.mod may leave out indirect dependencies; the go.sum next to it lists the
 * modules whose code the build downloaded: those not in go.mod are reported as indirect. */
static int emit_gosum(struct strata_report *r, const struct gomod *m, const struct kept_file *k,
                      struct strata_error *err)
{
    struct gosum s;
    int rc = gosum_parse(k->data, k->len, k->path, &s, err);
    for (size_t i = 0; rc == 0 && i < s.n; i++) {
        if (listed_in_gomod(m, s.v[i].path))
            continue;
        char *purl = go_module_purl(s.v[i].path, s.v[i].version);
        struct lang_package p = {.type = "golang",
                                 .name = s.v[i].path,
                                 .version = s.v[i].version,
                                 .purl = purl,
                                 .path = k->path,
                                 .layer = -1,
                                 .direct = 0,
                                 .lockfile = k->path};
        if (purl == NULL || inventory_add_lang_package(r, &p) != 0)
            rc = strata_error_nomem(err);
        free(purl);
    }
    gosum_free(&s);
    return rc;
}

struct ctx {
    struct strata_report *r;
    const struct kept_files *kept; /* the filesystem's only state */
    struct strata_error *err;
};

/* A broken go.mod (or the go.sum it needs) is an error: strata fs was asked to report it. */
static int report_gomod(void *ctx, const struct kept_file *k, int layer)
{
    const struct ctx *c = ctx;
    (void)layer; /* -1: filesystems only */
    if (k->kind != KEPT_GOMOD)
        return 0;
    struct gomod m;
    int rc = gomod_parse(k->data, k->len, k->path, &m, c->err);
    if (rc == 0 && emit_gomod(c->r, &m, k->path) != 0)
        rc = strata_error_nomem(c->err);
    if (rc == 0 && gosum_needed(m.go)) {
        size_t n = strlen(k->path);
        char *sum = strdup(k->path);
        if (sum == NULL) {
            rc = strata_error_nomem(c->err);
        } else {
            memcpy(sum + n - 3, "sum", 3); /* ".../go.mod" -> ".../go.sum" */
            const struct kept_file *s = kept_files_find(c->kept, sum);
            if (s != NULL)
                rc = emit_gosum(c->r, &m, s, c->err);
            free(sum);
        }
    }
    gomod_free(&m);
    return rc;
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    if (report->n_layers > 0)
        return 0;
    struct ctx c = {report, n_states > 0 ? states[0] : NULL, err};
    return kept_files_each_visible(states, n_states, 0, view, report, 1, report_gomod, &c);
}

static const struct strata_match gomod_matches[] = {
    {STRATA_MATCH_SUFFIX, "/go.mod"}, {STRATA_MATCH_EXACT, "go.mod"},
    {STRATA_MATCH_SUFFIX, "/go.sum"}, {STRATA_MATCH_EXACT, "go.sum"},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_gomod = {
    .name = "gomod",
    .pkg_types = STRATA_PKG_LIBRARY,
    .matches = gomod_matches,
    .max_file_size = GOSUM_MAX_FILE, /* the larger of the two; go.mod checks its own */
    .layer_new = layer_new,
    .layer_free = kept_files_free,
    .layer_file = layer_file,
    .finish = finish,
};
