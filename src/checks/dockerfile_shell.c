/* Shell tokenizer for RUN commands (dockerfile_shell.h). One pass over each range of text;
 * the inside of a command substitution is queued and read as a range of its own (up to
 * DF_SH_MAX_DEPTH deep), so the work is linear in the text times that depth. */
#include "checks/dockerfile_shell.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/vec.h"
#include "strata/error.h"

struct range {
    size_t start, end;
    int depth;
};

struct pending_heredoc {
    const char *name;
    int chomp;
};

struct tok {
    const char *s;
    size_t n;   /* of the whole script */
    size_t end; /* of the range being read */
    size_t i;
    int depth; /* of the range */
    int paren; /* ( … ) depth inside the range */
    struct df_sh_script *out;
    struct vec cmds;    /* struct df_sh_cmd, finished */
    struct vec words;   /* struct df_sh_word of the current command */
    struct vec docs;    /* const char * of the current command */
    struct vec pending; /* struct pending_heredoc: bodies to skip at the next newline */
    struct vec queue;   /* struct range */
    struct strbuf text;
    int in_word, quoted, dynamic;
    size_t word_start, cmd_start;
    int has_cmd_start;
    int redirect; /* 0, 1 the next word is a file, 2 a heredoc delimiter */
    int chomp;
    size_t pipeline;
    int oom;
};

/* Starts a word at t->i unless one is open. */
static void word_mark(struct tok *t)
{
    if (t->in_word)
        return;
    t->in_word = 1;
    t->word_start = t->i;
    if (!t->has_cmd_start) {
        t->cmd_start = t->i;
        t->has_cmd_start = 1;
    }
}

static void word_char(struct tok *t, char c)
{
    word_mark(t);
    if (strbuf_addch(&t->text, c) != 0)
        t->oom = 1;
}

static void word_add(struct tok *t, const char *p, size_t n)
{
    word_mark(t);
    if (strbuf_add(&t->text, p, n) != 0)
        t->oom = 1;
}

static void end_word(struct tok *t)
{
    if (!t->in_word)
        return;
    const char *text = arena_strndup(&t->out->arena, t->text.buf ? t->text.buf : "", t->text.len);
    if (text == NULL) {
        t->oom = 1;
        goto reset;
    }
    if (t->redirect == 2) {
        const char **d = vec_push(&t->docs, sizeof *d);
        struct pending_heredoc *p = vec_push(&t->pending, sizeof *p);
        if (d == NULL || p == NULL) {
            t->oom = 1;
            goto reset;
        }
        *d = text;
        p->name = text;
        p->chomp = t->chomp;
    } else if (t->redirect == 0) {
        struct df_sh_word *w = vec_push(&t->words, sizeof *w);
        if (w == NULL) {
            t->oom = 1;
            goto reset;
        }
        w->text = text;
        w->raw = t->s + t->word_start;
        w->raw_len = t->i - t->word_start;
        w->off = t->word_start;
        w->quoted = t->quoted;
        w->dynamic = t->dynamic;
    }
    t->redirect = 0;
reset:
    strbuf_reset(&t->text);
    t->in_word = t->quoted = t->dynamic = 0;
}

/* Ends the current command; pipe: the next one is in the same pipeline. */
static void end_cmd(struct tok *t, int pipe)
{
    end_word(t);
    t->redirect = 0;
    if (t->words.n > 0 || t->docs.n > 0) {
        if (t->cmds.n >= DF_SH_MAX_COMMANDS) {
            t->out->truncated = 1;
        } else {
            struct df_sh_cmd *c = vec_push(&t->cmds, sizeof *c);
            if (c == NULL) {
                t->oom = 1;
            } else {
                c->off = t->cmd_start;
                c->pipeline = t->pipeline;
                c->subshell = t->depth > 0 || t->paren > 0;
                c->n_words = t->words.n;
                c->n_heredocs = t->docs.n;
                if (t->words.n) {
                    c->words = arena_alloc(&t->out->arena, t->words.n * sizeof *c->words);
                    if (c->words)
                        memcpy(c->words, t->words.p, t->words.n * sizeof *c->words);
                    else
                        t->oom = 1;
                }
                if (t->docs.n) {
                    c->heredocs = arena_alloc(&t->out->arena, t->docs.n * sizeof *c->heredocs);
                    if (c->heredocs)
                        memcpy(c->heredocs, t->docs.p, t->docs.n * sizeof *c->heredocs);
                    else
                        t->oom = 1;
                }
            }
        }
    }
    t->words.n = 0;
    t->docs.n = 0;
    t->has_cmd_start = 0;
    if (!pipe)
        t->pipeline++;
}

/* Index of the ')' closing the '(' at open (or end when unterminated): quotes, escapes and
 * nested parentheses are skipped. */
static size_t match_paren(const char *s, size_t open, size_t end)
{
    int depth = 0;
    for (size_t i = open; i < end; i++) {
        char c = s[i];
        if (c == '\\') {
            i++;
        } else if (c == '\'') {
            const char *q = memchr(s + i + 1, '\'', end - i - 1);
            if (q == NULL)
                return end;
            i = (size_t)(q - s);
        } else if (c == '"') {
            for (i++; i < end && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
            if (i >= end)
                return end;
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0)
                return i;
        }
    }
    return end;
}

/* Index of the '}' closing "${" at open. */
static size_t match_brace(const char *s, size_t open, size_t end)
{
    int depth = 0;
    for (size_t i = open; i < end; i++) {
        char c = s[i];
        if (c == '\\') {
            i++;
        } else if (c == '\'') {
            const char *q = memchr(s + i + 1, '\'', end - i - 1);
            if (q == NULL)
                return end;
            i = (size_t)(q - s);
        } else if (c == '{') {
            depth++;
        } else if (c == '}') {
            if (--depth == 0)
                return i;
        }
    }
    return end;
}

/* Index of the '`' closing the one at open. */
static size_t match_backtick(const char *s, size_t open, size_t end)
{
    for (size_t i = open + 1; i < end; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '`')
            return i;
    }
    return end;
}

static void queue(struct tok *t, size_t start, size_t end)
{
    if (t->depth + 1 > DF_SH_MAX_DEPTH || start >= end)
        return;
    struct range *r = vec_push(&t->queue, sizeof *r);
    if (r == NULL) {
        t->oom = 1;
        return;
    }
    r->start = start;
    r->end = end;
    r->depth = t->depth + 1;
}

/* A substitution from t->i to close (inclusive) kept as written in the word; its commands are
 * queued (inner range [a, b)). */
static void substitution(struct tok *t, size_t close, size_t a, size_t b, int commands)
{
    size_t stop = close < t->end ? close + 1 : t->end;
    word_add(t, t->s + t->i, stop - t->i);
    t->dynamic = 1;
    if (commands)
        queue(t, a, b);
    t->i = stop;
}

/* $… at t->i. */
static void dollar(struct tok *t)
{
    const char *s = t->s;
    size_t i = t->i, end = t->end;
    char c = i + 1 < end ? s[i + 1] : '\0';
    if (c == '(') {
        size_t close = match_paren(s, i + 1, end);
        int arith = i + 2 < end && s[i + 2] == '(';
        substitution(t, close, i + 2, close, !arith);
    } else if (c == '{') {
        substitution(t, match_brace(s, i + 1, end), 0, 0, 0);
    } else if (c == '\'') {
        /* $'…': ANSI-C quoting; the escapes are kept as written */
        const char *q = i + 2 < end ? memchr(s + i + 2, '\'', end - i - 2) : NULL;
        size_t close = q ? (size_t)(q - s) : end;
        word_add(t, s + i + 2, close - (i + 2));
        t->quoted = 1;
        t->i = close < end ? close + 1 : end;
    } else if (isalnum((unsigned char)c) || c == '_') {
        size_t j = i + 1;
        if (isdigit((unsigned char)c))
            j++;
        else
            while (j < end && (isalnum((unsigned char)s[j]) || s[j] == '_'))
                j++;
        word_add(t, s + i, j - i);
        t->dynamic = 1;
        t->i = j;
    } else if (c != '\0' && strchr("@*#?-$!", c)) {
        word_add(t, s + i, 2);
        t->dynamic = 1;
        t->i = i + 2;
    } else {
        word_char(t, '$');
        t->i = i + 1;
    }
}

static void double_quote(struct tok *t)
{
    const char *s = t->s;
    word_mark(t);
    t->quoted = 1;
    t->i++;
    while (t->i < t->end && !t->oom) {
        char c = s[t->i];
        if (c == '"') {
            t->i++;
            return;
        }
        if (c == '\\' && t->i + 1 < t->end) {
            char d = s[t->i + 1];
            if (d == '\n') {
                t->i += 2;
                continue;
            }
            if (strchr("$`\"\\", d)) {
                word_char(t, d);
                t->i += 2;
                continue;
            }
            word_char(t, c);
            t->i++;
        } else if (c == '$') {
            dollar(t);
        } else if (c == '`') {
            size_t close = match_backtick(s, t->i, t->end);
            substitution(t, close, t->i + 1, close, 1);
        } else {
            word_char(t, c);
            t->i++;
        }
    }
}

/* At a newline: skips the bodies of the here-documents opened on the line. */
static void skip_heredoc_bodies(struct tok *t)
{
    const char *s = t->s;
    for (size_t k = 0; k < t->pending.n; k++) {
        const struct pending_heredoc *p = &((struct pending_heredoc *)t->pending.p)[k];
        size_t nl = strlen(p->name);
        while (t->i < t->end) {
            const char *eol = memchr(s + t->i, '\n', t->end - t->i);
            size_t e = eol ? (size_t)(eol - s) : t->end;
            size_t b = t->i;
            if (p->chomp)
                while (b < e && s[b] == '\t')
                    b++;
            size_t ee = e;
            if (ee > b && s[ee - 1] == '\r')
                ee--;
            t->i = eol ? e + 1 : e;
            if (ee - b == nl && memcmp(s + b, p->name, nl) == 0)
                break;
        }
    }
    t->pending.n = 0;
}

static void redirection(struct tok *t)
{
    const char *s = t->s;
    size_t i = t->i, end = t->end;
    /* "2>" "10<": the digits were the descriptor, not a word */
    if (t->in_word && !t->quoted && !t->dynamic && t->text.len > 0) {
        size_t k = 0;
        while (k < t->text.len && isdigit((unsigned char)t->text.buf[k]))
            k++;
        if (k == t->text.len && t->word_start + k == i) {
            strbuf_reset(&t->text);
            t->in_word = 0;
        }
    }
    end_word(t);
    if (!t->has_cmd_start) {
        t->cmd_start = i;
        t->has_cmd_start = 1;
    }
    t->chomp = 0;
    if (s[i] == '<' && i + 2 < end && s[i + 1] == '<' && s[i + 2] == '<') {
        t->redirect = 1; /* here-string */
        t->i = i + 3;
    } else if (s[i] == '<' && i + 1 < end && s[i + 1] == '<') {
        t->redirect = 2;
        t->i = i + 2;
        if (t->i < end && s[t->i] == '-') {
            t->chomp = 1;
            t->i++;
        }
    } else if (i + 1 < end && (s[i + 1] == '&' || s[i + 1] == '>' || s[i + 1] == '|')) {
        t->redirect = 1;
        t->i = i + 2;
    } else {
        t->redirect = 1;
        t->i = i + 1;
    }
}

static void read_range(struct tok *t)
{
    const char *s = t->s;
    while (t->i < t->end && !t->oom) {
        char c = s[t->i];
        char d = t->i + 1 < t->end ? s[t->i + 1] : '\0';
        switch (c) {
        case '\\':
            if (d == '\n') {
                t->i += 2;
            } else if (t->i + 1 < t->end) {
                word_char(t, d);
                t->quoted = 1;
                t->i += 2;
            } else {
                t->i++;
            }
            break;
        case ' ':
        case '\t':
        case '\r':
            end_word(t);
            t->i++;
            break;
        case '\n':
            end_cmd(t, 0);
            t->i++;
            skip_heredoc_bodies(t);
            break;
        case '#':
            if (t->in_word) {
                word_char(t, c);
                t->i++;
            } else {
                const char *eol = memchr(s + t->i, '\n', t->end - t->i);
                t->i = eol ? (size_t)(eol - s) : t->end;
            }
            break;
        case ';':
            end_cmd(t, 0);
            t->i += d == ';' ? 2 : 1;
            break;
        case '&':
            if (d == '>') {
                redirection(t);
                if (t->i < t->end && s[t->i] == '>')
                    t->i++;
            } else {
                end_cmd(t, 0);
                t->i += d == '&' ? 2 : 1;
            }
            break;
        case '|':
            if (d == '|') {
                end_cmd(t, 0);
                t->i += 2;
            } else {
                end_cmd(t, 1);
                t->i += d == '&' ? 2 : 1;
            }
            break;
        case '(':
            end_cmd(t, 0);
            t->paren++;
            t->i++;
            break;
        case ')':
            end_cmd(t, 0);
            if (t->paren > 0)
                t->paren--;
            t->i++;
            break;
        case '<':
        case '>':
            if (d == '(') {
                size_t close = match_paren(s, t->i + 1, t->end);
                substitution(t, close, t->i + 2, close, 1);
            } else {
                redirection(t);
            }
            break;
        case '\'': {
            const char *q =
                t->i + 1 < t->end ? memchr(s + t->i + 1, '\'', t->end - t->i - 1) : NULL;
            size_t close = q ? (size_t)(q - s) : t->end;
            word_add(t, s + t->i + 1, close - (t->i + 1));
            t->quoted = 1;
            t->i = close < t->end ? close + 1 : t->end;
            break;
        }
        case '"':
            double_quote(t);
            break;
        case '$':
            dollar(t);
            break;
        case '`': {
            size_t close = match_backtick(s, t->i, t->end);
            substitution(t, close, t->i + 1, close, 1);
            break;
        }
        default:
            word_char(t, c);
            t->i++;
            break;
        }
    }
    end_cmd(t, 0);
    t->pending.n = 0;
}

int df_sh_parse(const char *s, size_t n, struct df_sh_script *out)
{
    memset(out, 0, sizeof *out);
    struct tok t = {.s = s, .n = n, .out = out, .text = STRBUF_INIT};
    struct range *first = vec_push(&t.queue, sizeof *first);
    if (first == NULL)
        return STRATA_ENOMEM;
    first->start = 0;
    first->end = n;
    for (size_t q = 0; q < t.queue.n && !t.oom; q++) {
        struct range r = ((struct range *)t.queue.p)[q];
        t.i = r.start;
        t.end = r.end;
        t.depth = r.depth;
        t.paren = 0;
        t.redirect = 0;
        t.pipeline++;
        read_range(&t);
    }
    if (!t.oom && t.cmds.n) {
        out->cmds = arena_alloc(&out->arena, t.cmds.n * sizeof *out->cmds);
        if (out->cmds) {
            memcpy(out->cmds, t.cmds.p, t.cmds.n * sizeof *out->cmds);
            out->n_cmds = t.cmds.n;
        } else {
            t.oom = 1;
        }
    }
    free(t.cmds.p);
    free(t.words.p);
    free(t.docs.p);
    free(t.pending.p);
    free(t.queue.p);
    strbuf_release(&t.text);
    return t.oom ? STRATA_ENOMEM : 0;
}

void df_sh_free(struct df_sh_script *sc)
{
    arena_release(&sc->arena);
    memset(sc, 0, sizeof *sc);
}
