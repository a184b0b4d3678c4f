/* The rules about what RUN runs (DF-006 … DF-012, DF-017, DF-021, DF-022). A RUN's commands
 * come from its shell form (tokenized by dockerfile_shell.c), its exec form (one command), the
 * here-documents the shell runs as scripts (`RUN <<EOF`, `RUN bash <<EOF`), and the scripts of
 * `sh -c '…'` / `su -c '…'` inside those; `find -exec CMD` and `xargs CMD` count as commands
 * too. Each command is looked at after its prefixes (VAR=value, sudo, env, nice, exec, …), so
 * `sudo -E apt-get install x` is an apt-get install run through sudo. A word whose value
 * depends on a variable makes the rules that need it stay silent. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/dockerfile_rules.h"
#include "checks/dockerfile_shell.h"
#include "core/strbuf.h"
#include "core/vec.h"

#define MAX_SCRIPTS 64 /* the RUN line, its here-documents, nested -c scripts */
#define MAX_NESTED 2   /* sh -c 'sh -c "…"' levels read */
#define MAX_LISTED 5   /* package names quoted in one finding */
#define SNIPPET 100    /* bytes of a command quoted in a message */

enum src_kind { SRC_LINE, SRC_HEREDOC, SRC_FIXED };

struct script {
    struct df_sh_script sh; /* owned when parsed */
    const struct df_sh_cmd *cmds;
    size_t n_cmds;
    const char *text;
    size_t len;
    enum src_kind kind;
    const struct df_heredoc *hd;
    int line, column; /* SRC_FIXED */
    int depth;
};

/* One command after its prefixes: words [start, end) of c. */
struct rcmd {
    const struct df_sh_cmd *c;
    size_t start, end;
    int sudo;
    size_t script;
};

struct run {
    struct df_check *k;
    const struct df_instruction *in;
    size_t idx;
    struct script scripts[MAX_SCRIPTS];
    size_t n_scripts;
    struct vec cmds; /* struct rcmd */
    char *mounts[DF_MAX_FLAGS];
    size_t n_mounts;
    struct df_sh_cmd exec_cmd; /* the exec form's argv as a command */
    struct df_sh_word *exec_words;
    int oom;
};

/* ---- words ---- */

static const char *base(const char *s)
{
    const char *slash = strrchr(s, '/');
    return slash ? slash + 1 : s;
}

static const char *wtext(const struct rcmd *r, size_t i)
{
    return r->c->words[i].text;
}

static const char *rname(const struct rcmd *r)
{
    return base(wtext(r, r->start));
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static const char *const shells[] = {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", NULL};

static int is_shell(const char *name)
{
    return in_list(name, shells);
}

static int is_assignment(const struct df_sh_word *w)
{
    const char *s = w->raw;
    size_t i = 0;
    if (w->raw_len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    while (i < w->raw_len && (isalnum((unsigned char)s[i]) || s[i] == '_'))
        i++;
    return i < w->raw_len && s[i] == '=';
}

/* Skips the options of a prefix command (sudo, env, …) from i; with_arg lists the options
 * taking a separate argument. */
static size_t skip_options(const struct df_sh_cmd *c, size_t i, size_t end,
                           const char *const *with_arg)
{
    while (i < end) {
        const char *w = c->words[i].text;
        if (w[0] != '-' || w[1] == '\0')
            break;
        i++;
        if (strcmp(w, "--") == 0)
            break;
        if (with_arg && in_list(w, with_arg))
            i++;
    }
    return i;
}

/* Index of the command word after prefixes, from i; *sudo set when sudo/doas ran it. */
static size_t strip_prefixes(const struct df_sh_cmd *c, size_t i, size_t end, int *sudo)
{
    static const char *const reserved[] = {"!",  "{",     "then",  "else", "elif", "do",
                                           "if", "while", "until", "time", NULL};
    static const char *const sudo_arg[] = {"-u", "-g", "-p", "-C", "-D", "-h",
                                           "-r", "-t", "-U", "-T", "-R", NULL};
    static const char *const env_arg[] = {"-u", "-C", "-S", "--unset", "--chdir", NULL};
    static const char *const nice_arg[] = {"-n", "--adjustment", NULL};
    static const char *const ionice_arg[] = {"-c", "-n", "-p", NULL};
    static const char *const exec_arg[] = {"-a", NULL};
    static const char *const plain[] = {"command", "builtin",  "nohup",   "setsid", "stdbuf",
                                        "chronic", "unbuffer", "busybox", NULL};
    int guard = 0;
    while (i < end && guard++ < 64) {
        const struct df_sh_word *w = &c->words[i];
        const char *b = base(w->text);
        if (!w->quoted && in_list(w->text, reserved)) {
            i++;
            if (strcmp(w->text, "time") == 0 && i < end && strcmp(c->words[i].text, "-p") == 0)
                i++;
        } else if (is_assignment(w)) {
            i++;
        } else if (strcmp(b, "sudo") == 0 || strcmp(b, "doas") == 0) {
            *sudo = 1;
            i = skip_options(c, i + 1, end, sudo_arg);
        } else if (strcmp(b, "env") == 0) {
            i = skip_options(c, i + 1, end, env_arg);
        } else if (strcmp(b, "nice") == 0) {
            i = skip_options(c, i + 1, end, nice_arg);
        } else if (strcmp(b, "ionice") == 0) {
            i = skip_options(c, i + 1, end, ionice_arg);
        } else if (strcmp(b, "exec") == 0) {
            i = skip_options(c, i + 1, end, exec_arg);
        } else if (strcmp(b, "timeout") == 0) {
            i = skip_options(c, i + 1, end, NULL) + 1; /* then the duration */
        } else if (strcmp(b, "gosu") == 0 || strcmp(b, "su-exec") == 0) {
            i += 2; /* the user, then the command */
        } else if (strcmp(b, "chroot") == 0) {
            i = skip_options(c, i + 1, end, NULL) + 1;
        } else if (in_list(b, plain)) {
            i = skip_options(c, i + 1, end, NULL);
        } else {
            break;
        }
    }
    return i;
}

/* ---- collecting the commands ---- */

static int add_script(struct run *R, enum src_kind kind, const char *text, size_t len,
                      const struct df_heredoc *hd, int line, int col, int depth)
{
    if (R->n_scripts >= MAX_SCRIPTS)
        return 0;
    struct script *s = &R->scripts[R->n_scripts];
    memset(s, 0, sizeof *s);
    if (df_sh_parse(text, len, &s->sh) != 0) {
        df_sh_free(&s->sh);
        return STRATA_ENOMEM;
    }
    s->cmds = s->sh.cmds;
    s->n_cmds = s->sh.n_cmds;
    s->text = text;
    s->len = len;
    s->kind = kind;
    s->hd = hd;
    s->line = line;
    s->column = col;
    s->depth = depth;
    R->n_scripts++;
    return 0;
}

static void word_position(const struct run *R, const struct script *s, size_t off, int *line,
                          int *col)
{
    if (s->kind == SRC_LINE) {
        df_position(R->in, R->in->args_off + off, line, col);
    } else if (s->kind == SRC_HEREDOC) {
        int l = s->hd->line;
        size_t bol = 0;
        for (size_t i = 0; i < off && i < s->len; i++)
            if (s->text[i] == '\n') {
                l++;
                bol = i + 1;
            }
        *line = l;
        *col = (int)(off - bol) + 1;
    } else {
        *line = s->line;
        *col = s->column;
    }
}

static int rline(const struct run *R, const struct rcmd *r)
{
    int line, col;
    word_position(R, &R->scripts[r->script], r->c->words[r->start].off, &line, &col);
    return line;
}

/* The script of `sh [opts] -c SCRIPT` (index of the word), or 0. */
static size_t shell_c_script(const struct rcmd *r)
{
    int has_c = 0;
    for (size_t i = r->start + 1; i < r->end; i++) {
        const char *w = wtext(r, i);
        if (strcmp(w, "-o") == 0 || strcmp(w, "+o") == 0) {
            i++;
            continue;
        }
        if ((w[0] == '-' || w[0] == '+') && w[1] != '\0' && strcmp(w, "--") != 0) {
            if (w[1] != '-' && strchr(w + 1, 'c'))
                has_c = 1;
            continue;
        }
        return has_c ? i : 0;
    }
    return 0;
}

/* su/runuser … -c SCRIPT / --command=SCRIPT */
static const char *su_script(const struct rcmd *r, size_t *at)
{
    for (size_t i = r->start + 1; i < r->end; i++) {
        const char *w = wtext(r, i);
        if ((strcmp(w, "-c") == 0 || strcmp(w, "--command") == 0) && i + 1 < r->end) {
            *at = i + 1;
            return wtext(r, i + 1);
        }
        if (strncmp(w, "--command=", 10) == 0) {
            *at = i;
            return w + 10;
        }
    }
    return NULL;
}

static int push_rcmd(struct run *R, const struct df_sh_cmd *c, size_t start, size_t end,
                     size_t script, int sudo)
{
    int s = 0;
    start = strip_prefixes(c, start, end, &s);
    if (start >= end)
        return 0;
    struct rcmd *r = vec_push(&R->cmds, sizeof *r);
    if (r == NULL)
        return STRATA_ENOMEM;
    r->c = c;
    r->start = start;
    r->end = end;
    r->sudo = sudo || s;
    r->script = script;
    return 0;
}

/* The shebang of a here-document script names a shell (or there is none). */
static int runs_as_shell(const struct df_heredoc *hd)
{
    if (strncmp(hd->content, "#!", 2) != 0)
        return 1;
    const char *p = hd->content + 2;
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, " \n");
    char interp[64];
    if (n == 0 || n >= sizeof interp)
        return 0;
    memcpy(interp, p, n);
    interp[n] = '\0';
    const char *b = base(interp);
    if (strcmp(b, "env") == 0) {
        p += n;
        while (*p == ' ')
            p++;
        n = strcspn(p, " \n");
        if (n == 0 || n >= sizeof interp)
            return 0;
        memcpy(interp, p, n);
        interp[n] = '\0';
        b = interp;
    }
    return is_shell(b);
}

static const struct df_heredoc *heredoc_named(const struct df_instruction *in, const char *name)
{
    for (size_t i = 0; i < in->n_heredocs; i++)
        if (strcmp(in->heredocs[i].name, name) == 0)
            return &in->heredocs[i];
    return NULL;
}

/* Commands of one tokenized command: itself, and what it runs (find -exec, xargs, sh -c,
 * su -c, here-documents run by a shell). */
static int collect_cmd(struct run *R, size_t si, const struct df_sh_cmd *c)
{
    size_t first = R->cmds.n;
    int rc = push_rcmd(R, c, 0, c->n_words, si, 0);
    if (rc != 0)
        return rc;
    struct script *s = &R->scripts[si];
    int shell_reads_heredoc = c->n_words == 0;
    if (R->cmds.n > first) {
        struct rcmd r = ((struct rcmd *)R->cmds.p)[first];
        const char *name = rname(&r);
        size_t at = 0;
        const char *nested = NULL;
        if (is_shell(name)) {
            at = shell_c_script(&r);
            if (at)
                nested = wtext(&r, at);
            else
                shell_reads_heredoc = 1;
        } else if (strcmp(name, "su") == 0 || strcmp(name, "runuser") == 0) {
            nested = su_script(&r, &at);
        } else if (strcmp(name, "find") == 0) {
            for (size_t i = r.start + 1; i < r.end; i++) {
                const char *w = wtext(&r, i);
                if (strcmp(w, "-exec") && strcmp(w, "-execdir") && strcmp(w, "-ok") &&
                    strcmp(w, "-okdir"))
                    continue;
                size_t e = i + 1;
                while (e < r.end && strcmp(wtext(&r, e), ";") && strcmp(wtext(&r, e), "+"))
                    e++;
                if ((rc = push_rcmd(R, c, i + 1, e, si, r.sudo)) != 0)
                    return rc;
                i = e;
            }
        } else if (strcmp(name, "xargs") == 0) {
            static const char *const xargs_arg[] = {
                "-I", "-n",         "-P",          "-L",          "-d",         "-E", "-s",
                "-a", "--max-args", "--max-procs", "--delimiter", "--arg-file", NULL};
            size_t i = skip_options(c, r.start + 1, r.end, xargs_arg);
            if ((rc = push_rcmd(R, c, i, r.end, si, r.sudo)) != 0)
                return rc;
        }
        if (nested && s->depth < MAX_NESTED) {
            int line, col;
            word_position(R, s, c->words[at].off, &line, &col);
            rc = add_script(R, SRC_FIXED, nested, strlen(nested), NULL, line, col, s->depth + 1);
            if (rc != 0)
                return rc;
        }
    }
    /* `RUN <<EOF`, `RUN bash <<EOF`: the here-document is the script */
    if (shell_reads_heredoc && s->kind == SRC_LINE) {
        for (size_t i = 0; i < c->n_heredocs; i++) {
            const struct df_heredoc *hd = heredoc_named(R->in, c->heredocs[i]);
            if (hd == NULL || !runs_as_shell(hd))
                continue;
            rc = add_script(R, SRC_HEREDOC, hd->content, hd->len, hd, hd->line, 1, s->depth + 1);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

static void parse_mounts(struct run *R)
{
    for (size_t i = 0; i < R->in->n_flags && R->n_mounts < DF_MAX_FLAGS; i++) {
        const struct df_flag *fl = &R->in->flags[i];
        if (strcmp(fl->name, "mount") != 0 || fl->expanded == NULL)
            continue;
        const char *p = fl->expanded;
        while (*p) {
            size_t n = strcspn(p, ",");
            const char *eq = memchr(p, '=', n);
            if (eq) {
                size_t kn = (size_t)(eq - p);
                if ((kn == 6 && strncmp(p, "target", 6) == 0) ||
                    (kn == 3 && strncmp(p, "dst", 3) == 0) ||
                    (kn == 11 && strncmp(p, "destination", 11) == 0)) {
                    char *t = strndup(eq + 1, n - kn - 1);
                    if (t == NULL) {
                        R->oom = 1;
                        return;
                    }
                    size_t tl = strlen(t);
                    while (tl > 1 && t[tl - 1] == '/')
                        t[--tl] = '\0';
                    R->mounts[R->n_mounts++] = t;
                    break;
                }
            }
            p += n;
            if (*p == ',')
                p++;
        }
    }
}

/* A mount hides dir from the layer (the target is dir or one of its parents). */
static int mounted(const struct run *R, const char *dir)
{
    for (size_t i = 0; i < R->n_mounts; i++) {
        size_t n = strlen(R->mounts[i]);
        if (strncmp(dir, R->mounts[i], n) == 0 && (dir[n] == '\0' || dir[n] == '/'))
            return 1;
    }
    return 0;
}

/* A mount whose target ends with suffix ("/.cache/pip") or contains it followed by '/'. */
static int mounted_suffix(const struct run *R, const char *suffix)
{
    size_t m = strlen(suffix);
    for (size_t i = 0; i < R->n_mounts; i++) {
        const char *t = R->mounts[i];
        size_t n = strlen(t);
        if (n >= m && strcmp(t + n - m, suffix) == 0)
            return 1;
    }
    return 0;
}

static int collect(struct run *R)
{
    const struct df_instruction *in = R->in;
    int rc = 0;
    if (in->json) {
        if (in->n_words == 0)
            return 0;
        R->exec_words = calloc(in->n_words, sizeof *R->exec_words);
        if (R->exec_words == NULL)
            return STRATA_ENOMEM;
        for (size_t i = 0; i < in->n_words; i++) {
            R->exec_words[i].text = in->words[i].raw;
            R->exec_words[i].raw = in->words[i].raw;
            R->exec_words[i].raw_len = strlen(in->words[i].raw);
        }
        R->exec_cmd.words = R->exec_words;
        R->exec_cmd.n_words = in->n_words;
        struct script *s = &R->scripts[R->n_scripts++];
        memset(s, 0, sizeof *s);
        s->cmds = &R->exec_cmd;
        s->n_cmds = 1;
        s->kind = SRC_FIXED;
        s->line = in->line;
        s->column = in->column;
    } else if (!(R->k->facts[R->idx] & DF_FACT_NON_POSIX)) {
        rc = add_script(R, SRC_LINE, in->args, strlen(in->args), NULL, 0, 0, 0);
    }
    for (size_t si = 0; si < R->n_scripts && rc == 0; si++)
        for (size_t ci = 0; ci < R->scripts[si].n_cmds && rc == 0; ci++)
            rc = collect_cmd(R, si, &R->scripts[si].cmds[ci]);
    if (rc == 0)
        parse_mounts(R);
    return rc != 0 || R->oom ? STRATA_ENOMEM : 0;
}

/* ---- helpers for the rules ---- */

/* No arithmetic on a NULL array when the RUN has no commands. */
#define EACH_CMD(R, r)                                                                             \
    for (const struct rcmd *r = (R)->cmds.n ? (const struct rcmd *)(R)->cmds.p : NULL,             \
                           *r##_end = r ? r + (R)->cmds.n : NULL;                                  \
         r != r##_end; r++)

/* The command as written, for a message (credentials redacted). */
static char *cmd_snippet(const struct run *R, const struct rcmd *r)
{
    const struct df_sh_word *a = &r->c->words[r->start], *b = &r->c->words[r->end - 1];
    const struct script *s = &R->scripts[r->script];
    if (s->kind != SRC_FIXED && b->raw >= a->raw) {
        const char *text = a->raw;
        size_t n = (size_t)(b->raw + b->raw_len - a->raw);
        return df_snippet(text, n, SNIPPET);
    }
    /* words of an exec form or a nested script: join their texts */
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = r->start; i < r->end && sb.len < 4 * SNIPPET; i++)
        if ((i > r->start && strbuf_addch(&sb, ' ') != 0) || strbuf_adds(&sb, wtext(r, i)) != 0) {
            strbuf_release(&sb);
            return NULL;
        }
    char *out = df_snippet(sb.buf ? sb.buf : "", sb.len, SNIPPET);
    strbuf_release(&sb);
    return out;
}

/* " (line N)" when the command is not on the instruction's first line. */
static void where(const struct run *R, const struct rcmd *r, char *buf, size_t cap)
{
    int line = rline(R, r);
    if (line != R->in->line)
        snprintf(buf, cap, " (line %d)", line);
    else
        buf[0] = '\0';
}

static int emit_cmd(struct run *R, enum df_rule_id rule, const char *severity, const struct rcmd *r,
                    const char *fmt_before, const char *after)
{
    char *snip = cmd_snippet(R, r);
    if (snip == NULL)
        return strata_error_nomem(R->k->err);
    char at[32];
    where(R, r, at, sizeof at);
    int rc = df_emit(R->k, rule, severity, R->in, "%s`%s`%s%s", fmt_before, snip, at, after);
    free(snip);
    return rc;
}

static int has_word(const struct rcmd *r, const char *w)
{
    for (size_t i = r->start + 1; i < r->end; i++)
        if (strcmp(wtext(r, i), w) == 0)
            return 1;
    return 0;
}

static int has_prefix_word(const struct rcmd *r, const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = r->start + 1; i < r->end; i++)
        if (strncmp(wtext(r, i), prefix, n) == 0)
            return 1;
    return 0;
}

/* Any option-position word whose value is unknown ($OPTS): the options cannot be judged. */
static int has_dynamic(const struct rcmd *r)
{
    for (size_t i = r->start + 1; i < r->end; i++)
        if (r->c->words[i].dynamic)
            return 1;
    return 0;
}

/* Index of the first operand after the command (its subcommand), options with_arg skipping
 * their argument; r->end when none. */
static size_t subcommand(const struct rcmd *r, const char *const *with_arg)
{
    for (size_t i = r->start + 1; i < r->end; i++) {
        const char *w = wtext(r, i);
        if (w[0] == '-') {
            if (with_arg && in_list(w, with_arg))
                i++;
            continue;
        }
        return i;
    }
    return r->end;
}

/* Is the RUN removing (rm, find -delete) something under dir? */
static int removes(const struct run *R, const char *dir)
{
    size_t n = strlen(dir);
    EACH_CMD(R, r)
    {
        const char *name = rname(r);
        if (strcmp(name, "rm") != 0 && strcmp(name, "find") != 0)
            continue;
        for (size_t i = r->start + 1; i < r->end; i++) {
            const char *w = wtext(r, i);
            if (strncmp(w, dir, n) == 0 && (w[n] == '\0' || w[n] == '/' || w[n] == '*'))
                return 1;
        }
    }
    return 0;
}

/* Is `tool sub[ sub2]` run (e.g. "apk cache clean", "npm cache clean")? */
static int runs(const struct run *R, const char *tool, const char *sub, const char *sub2)
{
    EACH_CMD(R, r)
    {
        if (strcmp(rname(r), tool) != 0)
            continue;
        size_t s = subcommand(r, NULL);
        if (s >= r->end || strcmp(wtext(r, s), sub) != 0)
            continue;
        if (sub2 == NULL)
            return 1;
        for (size_t i = s + 1; i < r->end; i++)
            if (wtext(r, i)[0] != '-')
                return strcmp(wtext(r, i), sub2) == 0;
    }
    return 0;
}

/* Is PIP_NO_CACHE_DIR set for the command: by ENV/ARG before the RUN in the stage chain, or by
 * an assignment before the command? */
static int pip_nocache_env(const struct run *R, const struct rcmd *r)
{
    static const char name[] = "PIP_NO_CACHE_DIR=";
    for (size_t i = 0; i < r->start; i++) {
        const struct df_sh_word *w = &r->c->words[i];
        if (is_assignment(w) && w->raw_len > sizeof name - 1 &&
            strncmp(w->raw, name, sizeof name - 1) == 0)
            return 1;
    }
    return (R->k->facts[R->idx] & DF_FACT_PIP_NOCACHE) != 0;
}

/* ---- packages ---- */

struct unpinned {
    const char *tool;
    const struct rcmd *first;
    const char *names[MAX_LISTED];
    size_t n;
};

static void note_unpinned(struct unpinned *u, const struct rcmd *r, const char *name)
{
    if (u->n == 0)
        u->first = r;
    if (u->n < MAX_LISTED)
        u->names[u->n] = name;
    u->n++;
}

static int emit_unpinned(struct run *R, const struct unpinned *u)
{
    if (u->n == 0)
        return 0;
    struct strbuf sb = STRBUF_INIT;
    int oom = 0;
    for (size_t i = 0; i < u->n && i < MAX_LISTED; i++) {
        char *s = df_snippet(u->names[i], strlen(u->names[i]), 60);
        oom |= s == NULL || strbuf_addf(&sb, "%s%s", i ? ", " : "", s) != 0;
        free(s);
    }
    if (u->n > MAX_LISTED)
        oom |= strbuf_addf(&sb, " and %zu more", u->n - MAX_LISTED) != 0;
    char at[32];
    where(R, u->first, at, sizeof at);
    int rc =
        oom ? strata_error_nomem(R->k->err)
            : df_emit(R->k, DFR_UNPINNED, NULL, R->in,
                      "%s installs packages without a pinned version%s: %s", u->tool, at, sb.buf);
    strbuf_release(&sb);
    return rc;
}

static int path_like(const char *w)
{
    return w[0] == '/' || w[0] == '.' || w[0] == '~';
}

/* apt-get / apt / aptitude */
static const char *const apt_arg[] = {"-o",
                                      "-c",
                                      "-t",
                                      "-a",
                                      "--option",
                                      "--config-file",
                                      "--target-release",
                                      "--default-release",
                                      "--host-architecture",
                                      NULL};

static int is_apt(const char *name)
{
    return strcmp(name, "apt-get") == 0 || strcmp(name, "apt") == 0 ||
           strcmp(name, "aptitude") == 0;
}

static int apt_assume_yes(const struct rcmd *r)
{
    for (size_t i = r->start + 1; i < r->end; i++) {
        const char *w = wtext(r, i);
        if (!strcmp(w, "--yes") || !strcmp(w, "--assume-yes") || !strcmp(w, "-qq") ||
            !strcmp(w, "-q=2") || !strcmp(w, "--quiet=2") || !strcmp(w, "--force-yes"))
            return 1;
        if (w[0] == '-' && w[1] != '-' && strchr(w + 1, 'y'))
            return 1;
        if (strcasestr(w, "Assume-Yes=true") || strcasestr(w, "Assume-Yes=1") ||
            strcasestr(w, "Assume-Yes=yes"))
            return 1;
    }
    return 0;
}

static int apt_no_recommends(const struct rcmd *r)
{
    for (size_t i = r->start + 1; i < r->end; i++) {
        const char *w = wtext(r, i);
        if (!strcmp(w, "--no-install-recommends") || !strcmp(w, "--without-recommends") ||
            (!strcmp(w, "-R") && !strcmp(rname(r), "aptitude")) ||
            strcasestr(w, "Install-Recommends=false") || strcasestr(w, "Install-Recommends=0") ||
            strcasestr(w, "Install-Recommends=no"))
            return 1;
    }
    return 0;
}

static int check_apt(struct run *R)
{
    static const char *const consumers[] = {"install",   "upgrade", "dist-upgrade", "full-upgrade",
                                            "build-dep", "source",  "download",     "reinstall",
                                            "satisfy",   NULL};
    const struct rcmd *update = NULL, *no_yes = NULL, *recommends = NULL, *install = NULL;
    int consumed = 0;
    struct unpinned u = {"apt-get install", NULL, {0}, 0};
    EACH_CMD(R, r)
    {
        const char *name = rname(r);
        if (!is_apt(name))
            continue;
        size_t s = subcommand(r, apt_arg);
        if (s >= r->end)
            continue;
        const char *sub = wtext(r, s);
        if (strcmp(sub, "update") == 0 && update == NULL)
            update = r;
        if (in_list(sub, consumers))
            consumed = 1;
        if (strcmp(sub, "install") != 0)
            continue;
        if (install == NULL)
            install = r;
        if (has_dynamic(r))
            continue;
        if (no_yes == NULL && !apt_assume_yes(r)) {
            if (!(R->k->facts[R->idx] & DF_FACT_APT_YES))
                no_yes = r;
        }
        if (recommends == NULL && strcmp(name, "aptitude") != 0 && !apt_no_recommends(r)) {
            if (!(R->k->facts[R->idx] & DF_FACT_APT_NOREC))
                recommends = r;
        }
        for (size_t i = s + 1; i < r->end; i++) {
            const char *w = wtext(r, i);
            if (w[0] == '-') {
                if (in_list(w, apt_arg))
                    i++;
                continue;
            }
            if (r->c->words[i].dynamic || strchr(w, '=') || path_like(w) ||
                (strlen(w) > 4 && !strcmp(w + strlen(w) - 4, ".deb")))
                continue;
            note_unpinned(&u, r, w);
        }
    }
    int rc = 0;
    if (no_yes)
        rc = emit_cmd(R, DFR_APT_YES, NULL, no_yes, "",
                      " has no -y: the build stops at the confirmation prompt");
    if (rc == 0 && recommends)
        rc = emit_cmd(R, DFR_APT_RECOMMENDS, NULL, recommends, "",
                      " also installs the recommended packages (no --no-install-recommends)");
    if (rc == 0 && update && !consumed)
        rc = emit_cmd(R, DFR_APT_UPDATE_ALONE, NULL, update, "",
                      " without an install in the same RUN: the cached index goes stale");
    if (rc == 0 && install && !removes(R, "/var/lib/apt/lists") &&
        !mounted(R, "/var/lib/apt/lists"))
        rc = emit_cmd(R, DFR_CACHE, NULL, install, "",
                      " leaves the package lists in the layer: add rm -rf /var/lib/apt/lists/* "
                      "to the same RUN");
    if (rc == 0)
        rc = emit_unpinned(R, &u);
    return rc;
}

static int check_apk(struct run *R)
{
    static const char *const apk_arg[] = {"-t",
                                          "--virtual",
                                          "-X",
                                          "--repository",
                                          "-p",
                                          "--root",
                                          "--arch",
                                          "--keys-dir",
                                          "--repositories-file",
                                          "--cache-dir",
                                          "--cache-max-age",
                                          "--timeout",
                                          NULL};
    const struct rcmd *update = NULL, *nocache = NULL;
    int consumed = 0;
    struct unpinned u = {"apk add", NULL, {0}, 0};
    EACH_CMD(R, r)
    {
        if (strcmp(rname(r), "apk") != 0)
            continue;
        size_t s = subcommand(r, apk_arg);
        if (s >= r->end)
            continue;
        const char *sub = wtext(r, s);
        if (strcmp(sub, "update") == 0 && update == NULL)
            update = r;
        if (strcmp(sub, "add") == 0 || strcmp(sub, "upgrade") == 0 || strcmp(sub, "fix") == 0)
            consumed = 1;
        if (strcmp(sub, "add") != 0)
            continue;
        if (nocache == NULL && !has_word(r, "--no-cache") && !has_dynamic(r))
            nocache = r;
        for (size_t i = s + 1; i < r->end; i++) {
            const char *w = wtext(r, i);
            if (w[0] == '-') {
                if (in_list(w, apk_arg))
                    i++;
                continue;
            }
            if (r->c->words[i].dynamic || strpbrk(w + 1, "=<>~") || path_like(w) ||
                (strlen(w) > 4 && !strcmp(w + strlen(w) - 4, ".apk")))
                continue;
            note_unpinned(&u, r, w);
        }
    }
    int rc = 0;
    if (update && !consumed)
        rc = emit_cmd(R, DFR_APT_UPDATE_ALONE, NULL, update, "",
                      " without apk add in the same RUN: the cached index goes stale");
    if (rc == 0 && nocache && !removes(R, "/var/cache/apk") && !runs(R, "apk", "cache", NULL) &&
        !mounted(R, "/var/cache/apk") && !mounted(R, "/etc/apk/cache"))
        rc = emit_cmd(R, DFR_CACHE, NULL, nocache, "",
                      " leaves the package index in /var/cache/apk: use apk add --no-cache");
    if (rc == 0)
        rc = emit_unpinned(R, &u);
    return rc;
}

/* pip, pip3, pip3.12, python -m pip, python3.12 -m pip: 1 and *at the index of the word
 * naming pip. */
static int is_pip_name(const char *s)
{
    return strncmp(s, "pip", 3) == 0 && strspn(s + 3, "0123456789.") == strlen(s + 3);
}

static int pip_at(const struct rcmd *r, size_t *at)
{
    const char *name = rname(r);
    if (is_pip_name(name)) {
        *at = r->start;
        return 1;
    }
    if (strncmp(name, "python", 6) != 0 || strspn(name + 6, "0123456789.") != strlen(name + 6))
        return 0;
    for (size_t i = r->start + 1; i + 1 < r->end; i++) {
        const char *w = wtext(r, i);
        if (strcmp(w, "-m") == 0) {
            *at = i + 1;
            return is_pip_name(wtext(r, i + 1));
        }
        if (w[0] != '-')
            return 0;
    }
    return 0;
}

static int check_pip(struct run *R)
{
    static const char *const pip_arg[] = {"-r",
                                          "--requirement",
                                          "-c",
                                          "--constraint",
                                          "-e",
                                          "--editable",
                                          "-t",
                                          "--target",
                                          "-i",
                                          "--index-url",
                                          "--extra-index-url",
                                          "-f",
                                          "--find-links",
                                          "--prefix",
                                          "--root",
                                          "--src",
                                          "--upgrade-strategy",
                                          "--platform",
                                          "--python-version",
                                          "--implementation",
                                          "--abi",
                                          "--trusted-host",
                                          "--cert",
                                          "--client-cert",
                                          "--cache-dir",
                                          "--progress-bar",
                                          "-C",
                                          "--config-settings",
                                          "--global-option",
                                          "--install-option",
                                          "--proxy",
                                          "--retries",
                                          "--timeout",
                                          "--exists-action",
                                          "--log",
                                          "--report",
                                          "--only-binary",
                                          "--no-binary",
                                          "--python",
                                          NULL};
    const struct rcmd *nocache = NULL;
    struct unpinned u = {"pip install", NULL, {0}, 0};
    EACH_CMD(R, r)
    {
        size_t p;
        if (!pip_at(r, &p))
            continue;
        struct rcmd sub = *r;
        sub.start = p;
        size_t s = subcommand(&sub, pip_arg);
        if (s >= r->end || strcmp(wtext(r, s), "install") != 0)
            continue;
        if (nocache == NULL && !has_word(&sub, "--no-cache-dir") && !has_dynamic(&sub) &&
            !pip_nocache_env(R, r))
            nocache = r;
        if (has_word(&sub, "-c") || has_word(&sub, "--constraint") ||
            has_prefix_word(&sub, "--constraint="))
            continue; /* a constraints file pins the versions */
        for (size_t i = s + 1; i < r->end; i++) {
            const char *w = wtext(r, i);
            if (w[0] == '-') {
                if (in_list(w, pip_arg))
                    i++;
                continue;
            }
            if (r->c->words[i].dynamic || strstr(w, "==") || strstr(w, "://") || strchr(w, '@') ||
                path_like(w) || strchr(w, '/') || strstr(w, ".whl") || strstr(w, ".tar.gz") ||
                strstr(w, ".zip"))
                continue;
            note_unpinned(&u, r, w);
        }
    }
    int rc = 0;
    if (nocache && !removes(R, "/root/.cache") && !removes(R, "~/.cache") &&
        !runs(R, "pip", "cache", "purge") && !runs(R, "pip3", "cache", "purge") &&
        !mounted_suffix(R, "/.cache/pip") && !mounted_suffix(R, "/.cache"))
        rc = emit_cmd(R, DFR_CACHE, NULL, nocache, "",
                      " keeps its download cache in the layer: add --no-cache-dir");
    if (rc == 0)
        rc = emit_unpinned(R, &u);
    return rc;
}

static int check_npm(struct run *R)
{
    static const char *const installs[] = {"install",
                                           "i",
                                           "in",
                                           "ins",
                                           "inst",
                                           "insta",
                                           "instal",
                                           "isnt",
                                           "isnta",
                                           "isntal",
                                           "isntall",
                                           "add",
                                           "ci",
                                           "clean-install",
                                           "ic",
                                           "install-clean",
                                           "isntall-clean",
                                           NULL};
    static const char *const npm_arg[] = {
        "--prefix",           "--registry", "--tag",       "--cache",      "--omit",
        "--include",          "-w",         "--workspace", "--userconfig", "--loglevel",
        "--install-strategy", NULL};
    const struct rcmd *nocache = NULL;
    struct unpinned u = {"npm install", NULL, {0}, 0};
    EACH_CMD(R, r)
    {
        if (strcmp(rname(r), "npm") != 0)
            continue;
        size_t s = subcommand(r, npm_arg);
        if (s >= r->end || !in_list(wtext(r, s), installs))
            continue;
        if (nocache == NULL && !has_prefix_word(r, "--cache"))
            nocache = r;
        for (size_t i = s + 1; i < r->end; i++) {
            const char *w = wtext(r, i);
            if (w[0] == '-') {
                if (in_list(w, npm_arg))
                    i++;
                continue;
            }
            if (r->c->words[i].dynamic || path_like(w) || strstr(w, "://") ||
                strncmp(w, "git+", 4) == 0 || strncmp(w, "file:", 5) == 0 || strstr(w, ".tgz") ||
                strstr(w, ".tar.gz"))
                continue;
            const char *at = strchr(w + 1, '@'); /* after a scope's '@' */
            if (at && strpbrk(at + 1, "0123456789"))
                continue;
            if (strchr(w, '#'))
                continue; /* user/repo#ref */
            note_unpinned(&u, r, w);
        }
    }
    int rc = 0;
    if (nocache && !runs(R, "npm", "cache", "clean") && !runs(R, "npm", "cache", "rm") &&
        !removes(R, "/root/.npm") && !removes(R, "~/.npm") && !mounted_suffix(R, "/.npm"))
        rc = emit_cmd(R, DFR_CACHE, NULL, nocache, "",
                      " keeps its cache (~/.npm) in the layer: add npm cache clean --force");
    if (rc == 0)
        rc = emit_unpinned(R, &u);
    return rc;
}

/* yum, dnf, microdnf, zypper: install without clean in the same RUN. */
static int check_rpm_tools(struct run *R)
{
    static const struct {
        const char *tool, *cache, *hint;
    } tools[] = {
        {"yum", "/var/cache/yum", "yum clean all"},
        {"dnf", "/var/cache/dnf", "dnf clean all"},
        {"microdnf", "/var/cache/yum", "microdnf clean all"},
        {"zypper", "/var/cache/zypp", "zypper clean --all"},
    };
    for (size_t t = 0; t < sizeof tools / sizeof *tools; t++) {
        const struct rcmd *install = NULL;
        EACH_CMD(R, r)
        {
            if (strcmp(rname(r), tools[t].tool) != 0)
                continue;
            size_t s = subcommand(r, NULL);
            if (s < r->end &&
                (strcmp(wtext(r, s), "install") == 0 || strcmp(wtext(r, s), "in") == 0 ||
                 strcmp(wtext(r, s), "update") == 0 || strcmp(wtext(r, s), "upgrade") == 0))
                install = install ? install : r;
        }
        if (install == NULL)
            continue;
        if (runs(R, tools[t].tool, "clean", NULL) || runs(R, tools[t].tool, "cc", NULL) ||
            removes(R, tools[t].cache) || mounted(R, tools[t].cache))
            continue;
        char after[160];
        snprintf(after, sizeof after, " leaves its cache in the layer: add %s to the same RUN",
                 tools[t].hint);
        int rc = emit_cmd(R, DFR_CACHE, NULL, install, "", after);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- other command rules ---- */

static int fetches(const char *name)
{
    return strcmp(name, "curl") == 0 || strcmp(name, "wget") == 0;
}

/* A word running a download through a substitution: $(curl …), `wget …`, <(curl …). */
static int substituted_download(const struct df_sh_word *w)
{
    if (!w->dynamic)
        return 0;
    const char *p = w->raw, *end = w->raw + w->raw_len;
    int subst = 0;
    for (const char *q = p; q + 1 < end; q++)
        if ((q[0] == '$' || q[0] == '<') && q[1] == '(')
            subst = 1;
    if (memchr(p, '`', w->raw_len))
        subst = 1;
    if (!subst)
        return 0;
    for (const char *q = p; q + 4 <= end; q++)
        if (memcmp(q, "curl", 4) == 0 || memcmp(q, "wget", 4) == 0)
            return 1;
    return 0;
}

static int check_pipe_shell(struct run *R)
{
    /* the commands of a pipeline are consecutive (one script, in order): one pass remembers
     * the first download of the current pipeline */
    const struct rcmd *fetch = NULL, *prev = NULL;
    EACH_CMD(R, r)
    {
        if (prev == NULL || prev->script != r->script || prev->c->pipeline != r->c->pipeline)
            fetch = NULL;
        prev = r;
        const char *name = rname(r);
        int shell = is_shell(name);
        /* a shell reading its script from a pipe fed by curl/wget */
        if (shell && fetch != NULL && fetch->c != r->c && shell_c_script(r) == 0)
            return emit_cmd(R, DFR_PIPE_SHELL, NULL, fetch, "",
                            " is piped into a shell: a compromised or truncated download runs "
                            "as root");
        if (fetch == NULL && fetches(name))
            fetch = r;
        if (shell || strcmp(name, "source") == 0 || strcmp(name, ".") == 0 ||
            strcmp(name, "eval") == 0)
            for (size_t i = r->start + 1; i < r->end; i++)
                if (substituted_download(&r->c->words[i]))
                    return emit_cmd(R, DFR_PIPE_SHELL, NULL, r, "",
                                    " runs a downloaded script: a compromised or truncated "
                                    "download runs as root");
    }
    return 0;
}

static int check_sudo(struct run *R)
{
    EACH_CMD(R, r)
    {
        if (r->sudo)
            return emit_cmd(R, DFR_SUDO, NULL, r, "sudo runs ",
                            ": RUN is already root unless USER changed it, and sudo in an "
                            "image is an escalation path");
    }
    return 0;
}

static int check_cd(struct run *R)
{
    EACH_CMD(R, r)
    {
        if (strcmp(rname(r), "cd") == 0 && !r->c->subshell)
            return emit_cmd(R, DFR_CD, NULL, r, "",
                            " changes directory inside RUN; WORKDIR states it for every later "
                            "instruction");
    }
    return 0;
}

/* The mode operand of chmod (skipping its options), or of install -m. */
static const char *mode_of(const struct rcmd *r)
{
    const char *name = rname(r);
    if (strcmp(name, "chmod") == 0) {
        for (size_t i = r->start + 1; i < r->end; i++) {
            const char *w = wtext(r, i);
            if (strncmp(w, "--reference", 11) == 0)
                return NULL;
            if (w[0] == '-' && w[1] != '\0' && strspn(w + 1, "rwxXst") != strlen(w + 1))
                continue; /* an option: -R, -v, --recursive (but -w is a mode) */
            return r->c->words[i].dynamic ? NULL : w;
        }
    } else if (strcmp(name, "install") == 0) {
        for (size_t i = r->start + 1; i < r->end; i++) {
            const char *w = wtext(r, i);
            if ((strcmp(w, "-m") == 0 || strcmp(w, "--mode") == 0) && i + 1 < r->end)
                return wtext(r, i + 1);
            if (strncmp(w, "--mode=", 7) == 0)
                return w + 7;
            if (strncmp(w, "-m", 2) == 0 && w[2] != '\0')
                return w + 2;
        }
    }
    return NULL;
}

static int check_modes(struct run *R)
{
    int ww = 0, setid = 0;
    EACH_CMD(R, r)
    {
        const char *mode = mode_of(r);
        if (mode == NULL)
            continue;
        unsigned bits = df_mode_bits(mode);
        int rc = 0;
        if ((bits & DF_MODE_WORLD_WRITABLE) && !ww) {
            ww = 1;
            rc = emit_cmd(R, DFR_WORLD_WRITABLE, NULL, r, "",
                          " makes files world-writable: any user or process in the container "
                          "can change them");
        }
        if (rc == 0 && (bits & (DF_MODE_SETUID | DF_MODE_SETGID)) && !setid) {
            setid = 1;
            rc = emit_cmd(R, DFR_SETID, (bits & DF_MODE_SETUID) ? "HIGH" : "MEDIUM", r, "",
                          (bits & DF_MODE_SETUID)
                              ? " sets the setuid bit: the program runs with its owner's "
                                "privileges for any user"
                              : " sets the setgid bit: the program runs with its group's "
                                "privileges for any user");
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

int df_check_run(struct df_check *k, const struct df_instruction *in)
{
    struct run *R = calloc(1, sizeof *R);
    if (R == NULL)
        return strata_error_nomem(k->err);
    R->k = k;
    R->in = in;
    R->idx = (size_t)(in - k->f->ins);
    int rc = collect(R);
    if (rc != 0)
        rc = strata_error_nomem(k->err);
    int (*const rules[])(struct run *) = {check_pipe_shell, check_sudo, check_apt,
                                          check_apk,        check_pip,  check_npm,
                                          check_rpm_tools,  check_cd,   check_modes};
    for (size_t i = 0; i < sizeof rules / sizeof *rules && rc == 0; i++)
        rc = rules[i](R);
    for (size_t i = 0; i < R->n_scripts; i++)
        df_sh_free(&R->scripts[i].sh);
    for (size_t i = 0; i < R->n_mounts; i++)
        free(R->mounts[i]);
    free(R->cmds.p);
    free(R->exec_words);
    free(R);
    return rc;
}
