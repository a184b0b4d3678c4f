/* Dockerfile syntax: physical lines to instructions, the way BuildKit's parser reads them
 * (frontend/dockerfile/parser): directives only before anything else, comment lines dropped
 * even inside a continuation, the escape character at the end of a line continuing it (unless
 * itself escaped), empty continuation lines skipped, heredoc bodies after the instruction line,
 * then each instruction's flags and arguments. Variables are substituted afterwards
 * (dockerfile_scope.c). */
#include "checks/dockerfile_parse.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/config.h"
#include "core/strbuf.h"
#include "core/vec.h"

/* ---- small helpers ---- */

/* Copies the vector into the arena (NULL for an empty one) and frees it. */
static int vec_to_arena(struct vec *v, size_t size, struct arena *a, void **out)
{
    *out = NULL;
    if (v->n > 0) {
        *out = arena_alloc(a, v->n * size);
        if (*out == NULL) {
            free(v->p);
            *v = (struct vec){0};
            return STRATA_ENOMEM;
        }
        memcpy(*out, v->p, v->n * size);
    }
    free(v->p);
    *v = (struct vec){0};
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

/* The blanks BuildKit splits arguments on ([\t\v\f\r ]). */
static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Up to 64 bytes of s for a message, control bytes shown as '?'. */
static const char *show(char *buf, size_t cap, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < cap && i < 64; i++)
        buf[k++] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    if (n > 64 && k + 4 < cap) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}

static const struct {
    const char *name;
    enum df_cmd cmd;
} commands[] = {
    {"ADD", DF_ADD},
    {"ARG", DF_ARG},
    {"CMD", DF_CMD},
    {"COPY", DF_COPY},
    {"ENTRYPOINT", DF_ENTRYPOINT},
    {"ENV", DF_ENV},
    {"EXPOSE", DF_EXPOSE},
    {"FROM", DF_FROM},
    {"HEALTHCHECK", DF_HEALTHCHECK},
    {"LABEL", DF_LABEL},
    {"MAINTAINER", DF_MAINTAINER},
    {"ONBUILD", DF_ONBUILD},
    {"RUN", DF_RUN},
    {"SHELL", DF_SHELL},
    {"STOPSIGNAL", DF_STOPSIGNAL},
    {"USER", DF_USER},
    {"VOLUME", DF_VOLUME},
    {"WORKDIR", DF_WORKDIR},
};

const char *df_cmd_name(enum df_cmd cmd)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (commands[i].cmd == cmd)
            return commands[i].name;
    return "?";
}

static int lookup_cmd(const char *s, size_t n, enum df_cmd *out)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strlen(commands[i].name) == n && strncasecmp(commands[i].name, s, n) == 0) {
            *out = commands[i].cmd;
            return 1;
        }
    return 0;
}

void df_position(const struct df_instruction *ins, size_t off, int *line, int *column)
{
    *line = ins->line;
    *column = ins->column;
    if (ins->n_segs == 0)
        return;
    size_t lo = 0, hi = ins->n_segs;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ins->segs[mid].off <= off)
            lo = mid;
        else
            hi = mid;
    }
    const struct df_segment *s = &ins->segs[lo];
    size_t d = off >= s->off ? off - s->off : 0;
    *line = s->line;
    *column = s->column + (d > (size_t)INT32_MAX - (size_t)s->column ? 0 : (int)d);
}

/* ---- the parser ---- */

struct parser {
    const char *path;
    const char *data;
    size_t len, pos;
    int lineno;
    char esc;
    int directives_done;
    unsigned seen; /* directives seen: 1 escape, 2 syntax, 4 check */
    struct df_file *f;
    struct vec ins;
    struct strata_error *err;
};

struct pline {
    const char *p;
    size_t n;
    int line;
};

static int perr(struct parser *P, int code, int line, int col, const char *fmt, const char *a)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, a ? a : "");
    return strata_error_set(P->err, code, "%s:%d:%d: %s", P->path, line, col > 0 ? col : 1, msg);
}

static int oom(struct parser *P)
{
    return strata_error_nomem(P->err);
}

/* The next physical line without its line ending; 1, 0 at the end, or an error. */
static int next_line(struct parser *P, struct pline *l)
{
    if (P->pos >= P->len)
        return 0;
    const char *s = P->data + P->pos;
    size_t rem = P->len - P->pos;
    const char *nl = memchr(s, '\n', rem);
    size_t n = nl ? (size_t)(nl - s) : rem;
    P->pos += n + (nl != NULL);
    P->lineno++;
    if (P->lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    if (n > DF_MAX_LINE) {
        char what[64];
        snprintf(what, sizeof what, "%zu", (size_t)DF_MAX_LINE);
        return perr(P, STRATA_ELIMIT, P->lineno, 1, "line longer than %s bytes", what);
    }
    const char *z = memchr(s, '\0', n);
    if (z != NULL)
        return perr(P, STRATA_EFORMAT, P->lineno, (int)(z - s) + 1, "NUL byte%s", NULL);
    while (n > 0 && s[n - 1] == '\r')
        n--;
    l->p = s;
    l->n = n;
    l->line = P->lineno;
    return 1;
}

static size_t ltrim(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_space(s[i]))
        i++;
    return i;
}

/* BuildKit's directive form: ^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$ on the left-trimmed
 * line. Anything else (a comment, a blank line, an instruction, an unknown directive) ends the
 * directives. */
static int directive(struct parser *P, const char *t, size_t n, int line, int col)
{
    static const char ws[] = "\t\n\f\r ";
    size_t i = 1;
    if (n == 0 || t[0] != '#')
        goto done;
    while (i < n && strchr(ws, t[i]))
        i++;
    size_t k0 = i;
    if (i >= n || !((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z')))
        goto done;
    while (i < n && ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
                     (t[i] >= '0' && t[i] <= '9')))
        i++;
    size_t kn = i - k0;
    while (i < n && strchr(ws, t[i]))
        i++;
    if (i >= n || t[i] != '=')
        goto done;
    i++;
    while (i < n && strchr(ws, t[i]))
        i++;
    size_t vn = n;
    while (vn > i && strchr(ws, t[vn - 1]))
        vn--;
    if (vn <= i)
        goto done;
    unsigned bit;
    if (kn == 6 && strncasecmp(t + k0, "escape", 6) == 0)
        bit = 1;
    else if (kn == 6 && strncasecmp(t + k0, "syntax", 6) == 0)
        bit = 2;
    else if (kn == 5 && strncasecmp(t + k0, "check", 5) == 0)
        bit = 4;
    else
        goto done;
    char buf[80];
    if (P->seen & bit)
        return perr(P, STRATA_EFORMAT, line, col, "only one %s parser directive can be used",
                    show(buf, sizeof buf, t + k0, kn));
    P->seen |= bit;
    if (bit == 1) {
        if (vn - i != 1 || (t[i] != '\\' && t[i] != '`'))
            return perr(P, STRATA_EFORMAT, line, col,
                        "invalid escape token '%s' does not match ` or \\",
                        show(buf, sizeof buf, t + i, vn - i));
        P->esc = t[i];
    } else if (bit == 2) {
        P->f->syntax = arena_strndup(&P->f->arena, t + i, vn - i);
        if (P->f->syntax == NULL)
            return oom(P);
    }
    return 0;
done:
    P->directives_done = 1;
    return 0;
}

static int is_comment(const char *s, size_t n)
{
    size_t i = ltrim(s, n);
    return i < n && s[i] == '#';
}

/* Length of s without a continuation (the escape character, then only blanks, not preceded by
 * another escape character); *cont says whether there was one. */
static size_t strip_continuation(const char *s, size_t n, char esc, int *cont)
{
    size_t e = n;
    while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    *cont = e > 0 && s[e - 1] == esc && (e == 1 || s[e - 2] != esc);
    return *cont ? e - 1 : n;
}

/* ---- argument forms ---- */

/* BuildKit's flag words (--name=value) at the start of the arguments: quotes and backslash
 * escapes are removed; a bare "--" ends them. Returns the offset of what follows. */
static int parse_flags(struct parser *P, struct df_instruction *in, size_t pos, size_t *rest)
{
    const char *s = in->text;
    size_t n = in->text_len;
    struct vec flags = {0};
    struct strbuf w = STRBUF_INIT;
    int rc = 0;
    for (;;) {
        while (pos < n && is_space(s[pos]))
            pos++;
        if (pos >= n || s[pos] != '-' || pos + 1 >= n || s[pos + 1] != '-')
            break;
        size_t start = pos;
        char q = 0;
        strbuf_reset(&w);
        for (; pos < n; pos++) {
            char c = s[pos];
            if (q) {
                if (c == q) {
                    q = 0;
                    continue;
                }
            } else if (c == '\'' || c == '"') {
                q = c;
                continue;
            } else if (is_space(c)) {
                break;
            }
            if (c == '\\') {
                if (pos + 1 >= n)
                    continue;
                c = s[++pos];
            }
            if (strbuf_addch(&w, c) != 0) {
                rc = oom(P);
                goto out;
            }
        }
        if (w.len == 2 && memcmp(w.buf, "--", 2) == 0)
            break;
        if (flags.n >= DF_MAX_FLAGS) {
            rc = perr(P, STRATA_ELIMIT, in->line, in->column, "more than %s flags", "64");
            goto out;
        }
        struct df_flag *fl = vec_push(&flags, sizeof *fl);
        if (fl == NULL) {
            rc = oom(P);
            goto out;
        }
        const char *body = w.buf + 2;
        const char *eq = memchr(body, '=', w.len - 2);
        size_t nn = eq ? (size_t)(eq - body) : w.len - 2;
        fl->name = arena_strndup(&P->f->arena, body, nn);
        if (eq) {
            fl->value = arena_strdup(&P->f->arena, eq + 1);
            fl->expanded = fl->value;
        }
        df_position(in, start, &fl->line, &fl->column);
        if (fl->name == NULL || (eq && fl->value == NULL)) {
            rc = oom(P);
            goto out;
        }
    }
    *rest = pos;
out:
    strbuf_release(&w);
    if (rc != 0) {
        free(flags.p);
        return rc;
    }
    in->n_flags = flags.n;
    if (vec_to_arena(&flags, sizeof(struct df_flag), &P->f->arena, (void **)&in->flags) != 0)
        return oom(P);
    return 0;
}

static int add_word(struct parser *P, struct df_instruction *in, struct vec *words, const char *raw,
                    size_t n, size_t off)
{
    struct df_word *w = vec_push(words, sizeof *w);
    if (w == NULL)
        return oom(P);
    w->raw = arena_strndup(&P->f->arena, raw, n);
    if (w->raw == NULL)
        return oom(P);
    w->value = w->raw;
    df_position(in, off, &w->line, &w->column);
    return 0;
}

/* Words separated by [\t\v\f\r ]+ from args[a..b). */
static int split_blanks(struct parser *P, struct df_instruction *in, size_t a, size_t b,
                        struct vec *words)
{
    const char *s = in->text;
    while (a < b) {
        while (a < b && is_blank(s[a]))
            a++;
        if (a >= b)
            break;
        size_t st = a;
        while (a < b && !is_blank(s[a]))
            a++;
        int rc = add_word(P, in, words, s + st, a - st, st);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The JSON (exec) form: 1 when args is a JSON array of strings (words filled), 0 when it is
 * not JSON (shell form), or an error for a JSON array holding something else. */
static int parse_json(struct parser *P, struct df_instruction *in, size_t a, size_t b,
                      struct vec *words)
{
    const char *s = in->text;
    while (a < b && is_space(s[a]))
        a++;
    if (a >= b || s[a] != '[')
        return 0;
    json_error_t je;
    json_t *j = json_loadb(s + a, b - a, 0, &je);
    if (j == NULL || !json_is_array(j)) {
        json_decref(j);
        return 0;
    }
    int rc = 1;
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v)
    {
        if (!json_is_string(v)) {
            rc = perr(P, STRATA_EFORMAT, in->line, in->column,
                      "when using JSON array syntax, arrays must be comprised of strings only%s",
                      NULL);
            break;
        }
        /* jansson refuses "\u0000" (without JSON_ALLOW_NUL), so these are C strings */
        int r = add_word(P, in, words, json_string_value(v), json_string_length(v), a);
        if (r != 0) {
            rc = r;
            break;
        }
    }
    json_decref(j);
    return rc;
}

/* BuildKit's parseWords for ENV, LABEL and ARG: words split on unquoted blanks, quotes and
 * escapes kept as written. Calls fn for each word [st, en). */
static int each_word(const char *s, size_t a, size_t b, char esc,
                     int (*fn)(void *ctx, size_t st, size_t en), void *ctx)
{
    while (a < b) {
        while (a < b && is_space(s[a]))
            a++;
        if (a >= b)
            break;
        size_t st = a;
        char q = 0;
        while (a < b) {
            char c = s[a];
            if (!q && is_space(c))
                break;
            if (q) {
                if (c == q)
                    q = 0;
                else if (c == esc && q != '\'' && a + 1 < b)
                    a++;
            } else if (c == '\'' || c == '"') {
                q = c;
            } else if (c == esc && a + 1 < b) {
                a++;
            }
            a++;
        }
        int rc = fn(ctx, st, a);
        if (rc != 0)
            return rc;
    }
    return 0;
}

struct pairs_ctx {
    struct parser *P;
    struct df_instruction *in;
    struct vec *pairs;
    int require_eq; /* ENV, LABEL (after the first word) */
};

static int add_pair(struct pairs_ctx *c, size_t kst, size_t kn, const char *raw, size_t rn,
                    int has_value)
{
    struct df_pair *p = vec_push(c->pairs, sizeof *p);
    if (p == NULL)
        return oom(c->P);
    p->key = arena_strndup(&c->P->f->arena, c->in->text + kst, kn);
    if (p->key == NULL)
        return oom(c->P);
    if (has_value) {
        p->raw = arena_strndup(&c->P->f->arena, raw, rn);
        if (p->raw == NULL)
            return oom(c->P);
        p->value = p->raw;
    }
    df_position(c->in, kst, &p->line, &p->column);
    return 0;
}

static int pair_word(void *vctx, size_t st, size_t en)
{
    struct pairs_ctx *c = vctx;
    const char *s = c->in->text;
    const char *eq = memchr(s + st, '=', en - st);
    if (eq == NULL) {
        if (c->require_eq) {
            char buf[80];
            int line, col;
            df_position(c->in, st, &line, &col);
            return perr(c->P, STRATA_EFORMAT, line, col,
                        "syntax error - can't find = in \"%s\"; must be of the form name=value",
                        show(buf, sizeof buf, s + st, en - st));
        }
        return add_pair(c, st, en - st, NULL, 0, 0);
    }
    size_t kn = (size_t)(eq - (s + st));
    if (kn == 0) {
        int line, col;
        df_position(c->in, st, &line, &col);
        return perr(c->P, STRATA_EFORMAT, line, col, "%s names can not be blank",
                    df_cmd_name(c->in->cmd));
    }
    return add_pair(c, st, kn, eq + 1, en - (st + kn + 1), 1);
}

static int first_word(void *vctx, size_t st, size_t en)
{
    size_t *out = vctx;
    out[0] = st;
    out[1] = en;
    return 1; /* stop */
}

/* ENV and LABEL: `KEY=VALUE …`, or the legacy `KEY VALUE` (one pair, the value the rest). */
static int parse_pairs(struct parser *P, struct df_instruction *in, size_t a, size_t b,
                       int legacy_ok, struct vec *pairs)
{
    struct pairs_ctx c = {P, in, pairs, legacy_ok};
    if (legacy_ok) {
        size_t w[2] = {0, 0};
        if (each_word(in->text, a, b, P->esc, first_word, w) == 0)
            return 0; /* no words */
        if (memchr(in->text + w[0], '=', w[1] - w[0]) == NULL) {
            /* legacy: split once on blanks */
            size_t k = a;
            while (k < b && !is_blank(in->text[k]))
                k++;
            size_t v = k;
            while (v < b && is_blank(in->text[v]))
                v++;
            if (v >= b)
                return perr(P, STRATA_EFORMAT, in->line, in->column, "%s must have two arguments",
                            df_cmd_name(in->cmd));
            return add_pair(&c, a, k - a, in->text + v, b - v, 1);
        }
    }
    return each_word(in->text, a, b, P->esc, pair_word, &c);
}

/* ---- heredocs ---- */

/* The delimiter of a <<WORD: quotes removed, backslash escapes resolved; *quoted when any quote
 * was removed (the body is then not substituted). -1 for an unterminated quote. */
static int heredoc_name(const char *s, size_t n, struct strbuf *out, int *quoted)
{
    char q = 0;
    *quoted = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (q == '\'') {
            if (c == '\'') {
                q = 0;
                continue;
            }
        } else if (q == '"') {
            if (c == '"') {
                q = 0;
                continue;
            }
            if (c == '\\' && i + 1 < n && strchr("\"$\\", s[i + 1]))
                c = s[++i];
        } else if (c == '\'' || c == '"') {
            q = c;
            *quoted = 1;
            continue;
        } else if (c == '\\') {
            if (i + 1 >= n)
                continue;
            c = s[++i];
        }
        if (strbuf_addch(out, c) != 0)
            return STRATA_ENOMEM;
    }
    if (out->buf == NULL && strbuf_adds(out, "") != 0)
        return STRATA_ENOMEM;
    return q ? -1 : 0;
}

/* Is the word s[0..n) a heredoc opener (^[0-9]*<<-?[^<]+$)? */
static int heredoc_word(struct parser *P, struct df_instruction *in, size_t off, size_t n,
                        struct vec *hd)
{
    const char *s = in->text + off;
    size_t i = 0;
    unsigned fd = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (fd < 100000)
            fd = fd * 10 + (unsigned)(s[i] - '0');
        i++;
    }
    if (i + 2 > n || s[i] != '<' || s[i + 1] != '<')
        return 0;
    i += 2;
    int chomp = 0;
    if (i < n && s[i] == '-') {
        chomp = 1;
        i++;
    }
    if (i >= n || memchr(s + i, '<', n - i) != NULL)
        return 0;
    int line, col;
    df_position(in, off, &line, &col);
    if (hd->n >= DF_MAX_HEREDOCS)
        return perr(P, STRATA_ELIMIT, line, col, "more than %s heredocs in one instruction", "16");
    struct strbuf name = STRBUF_INIT;
    int quoted;
    int rc = heredoc_name(s + i, n - i, &name, &quoted);
    if (rc == STRATA_ENOMEM)
        return oom(P);
    if (rc < 0) {
        strbuf_release(&name);
        return perr(P, STRATA_EFORMAT, line, col, "unterminated quote in heredoc delimiter%s",
                    NULL);
    }
    struct df_heredoc *h = vec_push(hd, sizeof *h);
    if (h == NULL) {
        strbuf_release(&name);
        return oom(P);
    }
    h->name = arena_strndup(&P->f->arena, name.buf, name.len);
    strbuf_release(&name);
    if (h->name == NULL)
        return oom(P);
    h->expand = !quoted;
    h->chomp = chomp;
    h->fd = fd;
    h->line = line;
    h->column = col;
    return 0;
}

/* Finds the heredoc openers of the instruction (words split as a shell would, quotes kept)
 * and reads their bodies from the following lines. */
static int read_heredocs(struct parser *P, struct df_instruction *in)
{
    const char *s = in->text;
    size_t n = in->text_len, i = 0;
    struct vec hd = {0};
    int rc = 0;
    while (i < n && rc == 0) {
        while (i < n && is_space(s[i]))
            i++;
        if (i >= n)
            break;
        size_t st = i;
        char q = 0;
        while (i < n) {
            char c = s[i];
            if (q) {
                if (c == q)
                    q = 0;
                else if (c == '\\' && q == '"' && i + 1 < n)
                    i++;
            } else if (c == '\'' || c == '"') {
                q = c;
            } else if (c == '\\' && i + 1 < n) {
                i++;
            } else if (is_space(c)) {
                break;
            }
            i++;
        }
        rc = heredoc_word(P, in, st, i - st, &hd);
    }
    struct strbuf body = STRBUF_INIT;
    for (size_t k = 0; k < hd.n && rc == 0; k++) {
        struct df_heredoc *h = &((struct df_heredoc *)hd.p)[k];
        size_t tn = strlen(h->name);
        int done = 0;
        strbuf_reset(&body);
        h->line = P->lineno + 1;
        struct pline l;
        int r;
        while ((r = next_line(P, &l)) == 1) {
            const char *t = l.p;
            size_t m = l.n;
            if (h->chomp)
                while (m > 0 && *t == '\t')
                    t++, m--;
            if (m == tn && memcmp(t, h->name, tn) == 0) {
                done = 1;
                break;
            }
            if (strbuf_add(&body, l.p, l.n) != 0 || strbuf_addch(&body, '\n') != 0) {
                r = oom(P);
                break;
            }
        }
        if (r < 0) {
            rc = r;
            break;
        }
        if (!done) {
            char buf[80];
            rc = perr(P, STRATA_EFORMAT, in->line, h->column, "unterminated heredoc <<%s",
                      show(buf, sizeof buf, h->name, tn));
            break;
        }
        h->end_line = l.line;
        h->len = body.len;
        h->content = arena_strndup(&P->f->arena, body.buf ? body.buf : "", body.len);
        if (h->content == NULL)
            rc = oom(P);
        in->end_line = l.line;
    }
    strbuf_release(&body);
    if (rc != 0) {
        free(hd.p);
        return rc;
    }
    in->n_heredocs = hd.n;
    if (vec_to_arena(&hd, sizeof(struct df_heredoc), &P->f->arena, (void **)&in->heredocs) != 0)
        return oom(P);
    return 0;
}

/* ---- one instruction ---- */

static size_t rtrim_end(const char *s, size_t a, size_t b)
{
    while (b > a && is_space(s[b - 1]))
        b--;
    return b;
}

static int exactly_one(struct parser *P, struct df_instruction *in, size_t a, size_t b,
                       struct vec *words)
{
    if (a >= b)
        return perr(P, STRATA_EFORMAT, in->line, in->column, "%s requires exactly one argument",
                    df_cmd_name(in->cmd));
    return add_word(P, in, words, in->text + a, b - a, a);
}

static int parse_healthcheck(struct parser *P, struct df_instruction *in, size_t a, size_t b,
                             struct vec *words)
{
    const char *s = in->text;
    if (a >= b)
        return perr(P, STRATA_EFORMAT, in->line, in->column, "%s requires at least one argument",
                    "HEALTHCHECK");
    size_t sep = a;
    while (sep < b && !is_space(s[sep]))
        sep++;
    int rc = add_word(P, in, words, s + a, sep - a, a);
    if (rc != 0)
        return rc;
    size_t next = sep;
    while (next < b && is_space(s[next]))
        next++;
    int is_none = sep - a == 4 && strncasecmp(s + a, "NONE", 4) == 0;
    int is_cmd = sep - a == 3 && strncasecmp(s + a, "CMD", 3) == 0;
    if (is_none) {
        if (next < b)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "HEALTHCHECK NONE takes no arguments%s", NULL);
        return 0;
    }
    if (!is_cmd) {
        char buf[80];
        return perr(P, STRATA_EFORMAT, in->line, in->column,
                    "unknown type \"%s\" in HEALTHCHECK (try CMD)",
                    show(buf, sizeof buf, s + a, sep - a));
    }
    rc = parse_json(P, in, next, b, words);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        in->json = 1;
        if (words->n < 2)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "missing command after HEALTHCHECK CMD%s", NULL);
        return 0;
    }
    if (next >= b)
        return perr(P, STRATA_EFORMAT, in->line, in->column,
                    "missing command after HEALTHCHECK CMD%s", NULL);
    return add_word(P, in, words, s + next, b - next, next);
}

static int parse_instruction(struct parser *P, struct df_instruction *in, size_t start,
                             int trigger);

/* Arguments of in (its text from `start`, the keyword). */
static int parse_arguments(struct parser *P, struct df_instruction *in, size_t kw_end, int trigger)
{
    const char *s = in->text;
    size_t n = in->text_len;
    size_t a = kw_end;
    int rc = parse_flags(P, in, kw_end, &a);
    if (rc != 0)
        return rc;
    while (a < n && is_space(s[a]))
        a++;
    size_t b = rtrim_end(s, a, n);
    in->args_off = a;
    in->args = arena_strndup(&P->f->arena, s + a, b - a);
    if (in->args == NULL)
        return oom(P);
    struct vec words = {0}, pairs = {0};
    switch (in->cmd) {
    case DF_ADD:
    case DF_COPY:
    case DF_VOLUME:
        rc = parse_json(P, in, a, b, &words);
        if (rc == 1)
            in->json = 1, rc = 0;
        else if (rc == 0)
            rc = split_blanks(P, in, a, b, &words);
        break;
    case DF_RUN:
    case DF_CMD:
    case DF_ENTRYPOINT:
    case DF_SHELL:
        rc = parse_json(P, in, a, b, &words);
        if (rc == 1)
            in->json = 1, rc = 0;
        break;
    case DF_ENV:
    case DF_LABEL:
        rc = parse_pairs(P, in, a, b, 1, &pairs);
        break;
    case DF_ARG:
        rc = parse_pairs(P, in, a, b, 0, &pairs);
        break;
    case DF_EXPOSE:
    case DF_FROM:
        rc = split_blanks(P, in, a, b, &words);
        break;
    case DF_HEALTHCHECK:
        rc = trigger ? 0 : parse_healthcheck(P, in, a, b, &words);
        break;
    case DF_MAINTAINER:
    case DF_STOPSIGNAL:
    case DF_USER:
    case DF_WORKDIR:
        rc = trigger && a >= b ? 0 : exactly_one(P, in, a, b, &words);
        break;
    case DF_ONBUILD:
        break;
    }
    if (rc == 0) {
        in->n_words = words.n;
        in->n_pairs = pairs.n;
        if (vec_to_arena(&words, sizeof(struct df_word), &P->f->arena, (void **)&in->words) != 0 ||
            vec_to_arena(&pairs, sizeof(struct df_pair), &P->f->arena, (void **)&in->pairs) != 0)
            rc = oom(P);
    }
    free(words.p);
    free(pairs.p);
    if (rc != 0)
        return rc;
    if (in->cmd == DF_ONBUILD) {
        if (trigger)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed%s", NULL);
        if (a >= b)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "%s requires at least one argument", "ONBUILD");
        struct df_instruction *t = arena_alloc(&P->f->arena, sizeof *t);
        if (t == NULL)
            return oom(P);
        memset(t, 0, sizeof *t);
        t->text = in->text;
        t->text_len = in->text_len;
        t->segs = in->segs;
        t->n_segs = in->n_segs;
        t->stage = in->stage;
        rc = parse_instruction(P, t, a, 1);
        if (rc > 0) /* not an instruction BuildKit knows: kept for the child build to refuse */
            return 0;
        if (rc != 0)
            return rc;
        if (t->cmd == DF_ONBUILD)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed%s", NULL);
        if (t->cmd == DF_FROM || t->cmd == DF_MAINTAINER)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "%s isn't allowed as an ONBUILD trigger", df_cmd_name(t->cmd));
        in->trigger = t;
    }
    return 0;
}

/* Parses the instruction starting at text[start]. Returns 0, 1 for an unknown keyword in a
 * trigger, or an error. */
static int parse_instruction(struct parser *P, struct df_instruction *in, size_t start, int trigger)
{
    const char *s = in->text;
    size_t n = in->text_len;
    size_t k = start;
    while (k < n && !is_blank(s[k]))
        k++;
    df_position(in, start, &in->line, &in->column);
    in->end_line = in->n_segs ? in->segs[in->n_segs - 1].line : in->line;
    if (!lookup_cmd(s + start, k - start, &in->cmd)) {
        if (trigger)
            return 1;
        char buf[80];
        return perr(P, STRATA_EFORMAT, in->line, in->column, "unknown instruction: %s",
                    k > start ? show(buf, sizeof buf, s + start, k - start) : "(empty)");
    }
    in->keyword = arena_strndup(&P->f->arena, s + start, k - start);
    if (in->keyword == NULL)
        return oom(P);
    return parse_arguments(P, in, k, trigger);
}

/* BuildKit's argument-count checks for a top-level instruction. */
static int check_counts(struct parser *P, const struct df_instruction *in)
{
    const char *name = df_cmd_name(in->cmd);
    switch (in->cmd) {
    case DF_ADD:
    case DF_COPY:
        if (in->n_words < 2)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "%s requires at least two arguments, but only one was provided. "
                        "Destination could not be determined",
                        name);
        if (!in->json && strncmp(in->words[in->n_words - 1].raw, "<<", 2) == 0 &&
            in->n_heredocs > 0)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "%s cannot accept a heredoc as a destination", name);
        break;
    case DF_ARG:
    case DF_ENV:
    case DF_LABEL:
        if (in->n_pairs == 0)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "%s requires at least one argument", name);
        break;
    case DF_EXPOSE:
        if (in->n_words == 0)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "%s requires at least one argument", name);
        break;
    case DF_VOLUME:
        if (in->n_words == 0)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "%s requires at least one argument", name);
        for (size_t i = 0; i < in->n_words; i++) {
            const char *v = in->words[i].raw;
            if (v[ltrim(v, strlen(v))] == '\0')
                return perr(P, STRATA_EFORMAT, in->line, in->column,
                            "%s specified can not be an empty string", name);
        }
        break;
    case DF_SHELL:
        if (!in->json)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "%s requires the arguments to be in JSON form", name);
        if (in->n_words == 0)
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "%s requires at least one argument", name);
        break;
    case DF_FROM:
        if (!(in->n_words == 1 || (in->n_words == 3 && strcasecmp(in->words[1].raw, "as") == 0)))
            return perr(P, STRATA_EFORMAT, in->line, in->column,
                        "FROM requires either one or three arguments%s", NULL);
        break;
    default:
        break;
    }
    return 0;
}

/* Reads the next instruction; 1 when one was read, 0 at the end. */
static int read_instruction(struct parser *P)
{
    struct pline l;
    int r;
    for (;;) {
        r = next_line(P, &l);
        if (r <= 0)
            return r;
        size_t t = ltrim(l.p, l.n);
        if (!P->directives_done) {
            int rc = directive(P, l.p + t, l.n - t, l.line, (int)t + 1);
            if (rc != 0)
                return rc;
        }
        if (t < l.n && l.p[t] == '#')
            continue;
        if (t == l.n)
            continue;
        break;
    }
    P->directives_done = 1;
    if (P->ins.n >= DF_MAX_INSTRUCTIONS)
        return perr(P, STRATA_ELIMIT, l.line, 1, "more than %s instructions", "10000");
    struct strbuf text = STRBUF_INIT;
    struct vec segs = {0};
    int rc = 0, cont;
    size_t t = ltrim(l.p, l.n);
    size_t m = strip_continuation(l.p + t, l.n - t, P->esc, &cont);
    int start_line = l.line;
    struct df_segment *sg = vec_push(&segs, sizeof *sg);
    if (sg == NULL || strbuf_add(&text, l.p + t, m) != 0) {
        rc = oom(P);
        goto out;
    }
    sg->off = 0;
    sg->line = l.line;
    sg->column = (int)t + 1;
    while (cont) {
        r = next_line(P, &l);
        if (r < 0) {
            rc = r;
            goto out;
        }
        if (r == 0)
            break;
        if (is_comment(l.p, l.n) || ltrim(l.p, l.n) == l.n)
            continue;
        m = strip_continuation(l.p, l.n, P->esc, &cont);
        if (text.len + m > DF_MAX_INSTRUCTION) {
            rc = perr(P, STRATA_ELIMIT, start_line, 1,
                      "instruction longer than %s bytes (continuation lines joined)", "1048576");
            goto out;
        }
        if (m > 0) {
            sg = vec_push(&segs, sizeof *sg);
            if (sg == NULL || strbuf_add(&text, l.p, m) != 0) {
                rc = oom(P);
                goto out;
            }
            sg->off = text.len - m;
            sg->line = l.line;
            sg->column = 1;
        }
    }
    if (text.buf == NULL && strbuf_adds(&text, "") != 0) {
        rc = oom(P);
        goto out;
    }
    struct df_instruction *in = vec_push(&P->ins, sizeof *in);
    if (in == NULL) {
        rc = oom(P);
        goto out;
    }
    in->stage = -1;
    in->text = arena_strndup(&P->f->arena, text.buf, text.len);
    in->text_len = text.len;
    in->n_segs = segs.n;
    if (in->text == NULL ||
        vec_to_arena(&segs, sizeof(struct df_segment), &P->f->arena, (void **)&in->segs) != 0) {
        rc = oom(P);
        goto out;
    }
    size_t start = 0;
    while (start < in->text_len && is_space(in->text[start]))
        start++;
    rc = parse_instruction(P, in, start, 0);
    if (rc != 0)
        goto out;
    in->end_line = l.line > in->end_line ? l.line : in->end_line;
    if (r == 0) /* the file ended inside a continuation */
        in->end_line = P->lineno;
    const struct df_instruction *h = in->cmd == DF_ONBUILD && in->trigger ? in->trigger : in;
    if ((h->cmd == DF_RUN || h->cmd == DF_COPY || h->cmd == DF_ADD) && !h->json)
        rc = read_heredocs(P, in);
    if (rc == 0)
        rc = check_counts(P, in);
    if (rc == 0)
        rc = 1;
out:
    strbuf_release(&text);
    free(segs.p);
    return rc;
}

int df_parse(const char *path, const char *data, size_t len, struct df_file **out,
             struct strata_error *err)
{
    *out = NULL;
    if (len > CONFIG_MAX_FILE)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %zu bytes, more than the %u allowed", path,
                                len, (unsigned)CONFIG_MAX_FILE);
    struct df_file *f = calloc(1, sizeof *f);
    if (f == NULL)
        return strata_error_nomem(err);
    f->escape = '\\';
    f->path = arena_strdup(&f->arena, path ? path : "Dockerfile");
    if (f->path == NULL) {
        df_free(f);
        return strata_error_nomem(err);
    }
    struct parser P = {.path = f->path, .data = data, .len = len, .esc = '\\', .f = f, .err = err};
    int rc;
    while ((rc = read_instruction(&P)) == 1)
        ;
    f->ins = P.ins.p;
    f->n_ins = P.ins.n;
    f->escape = P.esc;
    if (rc == 0 && f->n_ins == 0)
        rc = strata_error_set(err, STRATA_EFORMAT, "%s:%d:1: file with no instructions", f->path,
                              P.lineno > 0 ? P.lineno : 1);
    if (rc == 0)
        rc = df_resolve_scopes(f, err);
    if (rc != 0) {
        df_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

void df_free(struct df_file *f)
{
    if (f == NULL)
        return;
    free(f->ins);
    free(f->stages);
    arena_release(&f->arena);
    free(f);
}
