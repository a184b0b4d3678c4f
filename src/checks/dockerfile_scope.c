/* Stages and variable scopes of a parsed Dockerfile, as BuildKit applies them:
 * - ARGs before the first FROM are global: they are visible in FROM lines only, and inside a
 *   stage only once redeclared there (`ARG NAME` without a value then takes the global one);
 * - an ARG inside a stage is visible from its line to the end of that stage;
 * - ENV is visible from its line on, in its stage and in every stage built FROM it, and wins
 *   over an ARG of the same name; the values of one ENV line are substituted with the
 *   environment from before that line;
 * - a build argument given on the command line is unknown here: an ARG without a default has
 *   no value, and a word that needs it is marked unresolved (the checks then stay silent).
 * Only the instructions the builder substitutes in are substituted (not RUN, CMD, ENTRYPOINT,
 * SHELL, HEALTHCHECK, MAINTAINER, ONBUILD: the shell or the child build sees those). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/dockerfile_parse.h"
#include "core/strbuf.h"
#include "core/strmap.h"

/* An ARG's value; NULL when declared without one. */
struct arg {
    const char *value;
};

struct scope {
    struct strmap env;  /* name -> const char * */
    struct strmap args; /* name -> struct arg * */
};

struct resolver {
    struct df_file *f;
    struct strata_error *err;
    size_t total; /* bytes produced by substitution */
    struct strmap globals;
    struct scope *scopes; /* one per stage */
    struct strbuf buf;
};

struct lookup_ctx {
    const struct strmap *env, *args;
};

static int lookup(void *vctx, const char *name, size_t n, const char **value)
{
    const struct lookup_ctx *c = vctx;
    if (c->env) {
        const char *v = strmap_getn(c->env, name, n);
        if (v != NULL) {
            *value = v;
            return 1;
        }
    }
    if (c->args) {
        const struct arg *a = strmap_getn(c->args, name, n);
        if (a != NULL && a->value != NULL) {
            *value = a->value;
            return 1;
        }
    }
    return 0;
}

static int rerr(struct resolver *R, int code, int line, int col, const char *fmt, const char *a)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, a ? a : "");
    return strata_error_set(R->err, code, "%s:%d:%d: %s", R->f->path, line, col > 0 ? col : 1, msg);
}

/* Substitutes s (as written at line:col); *out gets the arena copy. */
static int expand(struct resolver *R, const struct lookup_ctx *lc, const char *s, int line, int col,
                  const char **out, int *unresolved)
{
    strbuf_reset(&R->buf);
    size_t off = 0;
    const char *what = NULL;
    int rc =
        df_expand(s, strlen(s), R->f->escape, lookup, (void *)lc, &R->buf, unresolved, &off, &what);
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(R->err);
    if (rc != 0) {
        /* the column is exact when the word is on one line */
        return rerr(R, rc, line, col + (off < 100000 ? (int)off : 0), "%s", what);
    }
    if (R->buf.len > DF_MAX_EXPANDED - R->total)
        return rerr(R, STRATA_ELIMIT, line, col,
                    "variable substitution produced more than %s bytes in the file", "16 MiB");
    R->total += R->buf.len;
    *out = arena_strndup(&R->f->arena, R->buf.buf, R->buf.len);
    return *out ? 0 : strata_error_nomem(R->err);
}

static int expand_words(struct resolver *R, const struct lookup_ctx *lc, struct df_instruction *in)
{
    for (size_t i = 0; i < in->n_words; i++) {
        struct df_word *w = &in->words[i];
        /* a heredoc source of COPY/ADD is a name, not a path */
        if ((in->cmd == DF_COPY || in->cmd == DF_ADD) && !in->json && in->n_heredocs > 0 &&
            strstr(w->raw, "<<") != NULL)
            continue;
        int rc = expand(R, lc, w->raw, w->line, w->column, &w->value, &w->unresolved);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int expand_flags(struct resolver *R, const struct lookup_ctx *lc, struct df_instruction *in)
{
    for (size_t i = 0; i < in->n_flags; i++) {
        struct df_flag *fl = &in->flags[i];
        if (fl->value == NULL)
            continue;
        int rc = expand(R, lc, fl->value, fl->line, fl->column, &fl->expanded, &fl->unresolved);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int too_many(struct resolver *R, const struct strmap *a, const struct strmap *b,
                    const struct df_pair *p)
{
    if (a->len + (b ? b->len : 0) < DF_MAX_VARS)
        return 0;
    return rerr(R, STRATA_ELIMIT, p->line, p->column, "more than %s ARG and ENV names in scope",
                "4096");
}

/* ARG pairs, in order (a later pair sees an earlier one). env is NULL for the global ARGs. */
static int do_arg(struct resolver *R, struct df_instruction *in, struct strmap *env,
                  struct strmap *args, int global)
{
    for (size_t i = 0; i < in->n_pairs; i++) {
        struct df_pair *p = &in->pairs[i];
        struct lookup_ctx lc = {env, args};
        if (p->raw != NULL) {
            int rc = expand(R, &lc, p->raw, p->line, p->column, &p->value, &p->unresolved);
            if (rc != 0)
                return rc;
        } else if (!global) {
            const struct arg *g = strmap_get(&R->globals, p->key);
            p->value = g ? g->value : NULL;
        }
        struct arg *a = arena_alloc(&R->f->arena, sizeof *a);
        if (a == NULL)
            return strata_error_nomem(R->err);
        a->value = p->value;
        if (strmap_get(args, p->key) == NULL && too_many(R, args, env, p) != 0)
            return STRATA_ELIMIT;
        if (strmap_put(args, p->key, a) != 0)
            return strata_error_nomem(R->err);
    }
    return 0;
}

/* ENV pairs: every value substituted with the environment from before the line. */
static int do_env(struct resolver *R, struct df_instruction *in, struct scope *sc)
{
    struct lookup_ctx lc = {&sc->env, &sc->args};
    for (size_t i = 0; i < in->n_pairs; i++) {
        struct df_pair *p = &in->pairs[i];
        int rc = expand(R, &lc, p->raw, p->line, p->column, &p->value, &p->unresolved);
        if (rc != 0)
            return rc;
    }
    for (size_t i = 0; i < in->n_pairs; i++) {
        struct df_pair *p = &in->pairs[i];
        if (strmap_get(&sc->env, p->key) == NULL && too_many(R, &sc->env, &sc->args, p) != 0)
            return STRATA_ELIMIT;
        if (strmap_put(&sc->env, p->key, (void *)p->value) != 0)
            return strata_error_nomem(R->err);
    }
    return 0;
}

static int valid_stage_name(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return 0;
    for (s++; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-' || *s == '_' ||
              *s == '.'))
            return 0;
    return 1;
}

static int new_stage(struct resolver *R, size_t idx)
{
    struct df_file *f = R->f;
    struct df_instruction *in = &f->ins[idx];
    if (f->n_stages >= DF_MAX_STAGES)
        return rerr(R, STRATA_ELIMIT, in->line, in->column, "more than %s build stages", "512");
    struct df_stage *st = &f->stages[f->n_stages];
    memset(st, 0, sizeof *st);
    st->index = f->n_stages;
    st->from = idx;
    st->end = idx + 1;
    st->parent = -1;
    struct scope *sc = &R->scopes[f->n_stages];
    *sc = (struct scope){STRMAP_INIT, STRMAP_INIT};
    f->n_stages++;
    in->stage = (long)st->index;

    struct lookup_ctx glc = {NULL, &R->globals};
    int rc = expand_flags(R, &glc, in);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < in->n_flags; i++)
        if (strcmp(in->flags[i].name, "platform") == 0)
            st->platform = in->flags[i].expanded;
    struct df_word *w = &in->words[0];
    rc = expand(R, &glc, w->raw, w->line, w->column, &w->value, &w->unresolved);
    if (rc != 0)
        return rc;
    st->base = w->value;
    st->base_unresolved = w->unresolved;
    if (in->n_words == 3) {
        char *name = arena_strdup(&f->arena, in->words[2].raw);
        if (name == NULL)
            return strata_error_nomem(R->err);
        for (char *p = name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (!valid_stage_name(name))
            return rerr(R, STRATA_EFORMAT, in->words[2].line, in->words[2].column,
                        "invalid name for build stage: \"%s\", name can't start with a number or "
                        "contain symbols",
                        in->words[2].raw);
        for (size_t k = 0; k + 1 < f->n_stages; k++)
            if (f->stages[k].name && strcmp(f->stages[k].name, name) == 0)
                return rerr(R, STRATA_EFORMAT, in->words[2].line, in->words[2].column,
                            "duplicate stage name \"%s\"", name);
        st->name = name;
    }
    /* FROM <earlier stage>: its environment carries over */
    for (size_t k = 0; k + 1 < f->n_stages; k++) {
        if (f->stages[k].name && strcasecmp(f->stages[k].name, st->base) == 0) {
            st->parent = (long)k;
            const struct strmap *pe = &R->scopes[k].env;
            for (size_t s = 0; s < pe->cap; s++)
                if (pe->slots[s].key &&
                    strmap_put(&sc->env, pe->slots[s].key, pe->slots[s].value) != 0)
                    return strata_error_nomem(R->err);
        }
    }
    return 0;
}

static int resolve(struct resolver *R)
{
    struct df_file *f = R->f;
    size_t n_from = 0;
    for (size_t i = 0; i < f->n_ins; i++)
        n_from += f->ins[i].cmd == DF_FROM;
    if (n_from > DF_MAX_STAGES)
        n_from = DF_MAX_STAGES + 1;
    f->stages = calloc(n_from ? n_from : 1, sizeof *f->stages);
    R->scopes = calloc(n_from ? n_from : 1, sizeof *R->scopes);
    if (f->stages == NULL || R->scopes == NULL)
        return strata_error_nomem(R->err);
    for (size_t i = 0; i < f->n_ins; i++) {
        struct df_instruction *in = &f->ins[i];
        int rc = 0;
        if (in->cmd == DF_FROM) {
            rc = new_stage(R, i);
        } else if (f->n_stages == 0) {
            if (in->cmd != DF_ARG)
                return rerr(R, STRATA_EFORMAT, in->line, in->column,
                            "no build stage in current context: %s before the first FROM (only "
                            "ARG may precede it)",
                            df_cmd_name(in->cmd));
            rc = do_arg(R, in, NULL, &R->globals, 1);
        } else {
            size_t si = f->n_stages - 1;
            struct scope *sc = &R->scopes[si];
            struct lookup_ctx lc = {&sc->env, &sc->args};
            in->stage = (long)si;
            f->stages[si].end = i + 1;
            switch (in->cmd) {
            case DF_ARG:
                rc = do_arg(R, in, &sc->env, &sc->args, 0);
                break;
            case DF_ENV:
                rc = do_env(R, in, sc);
                break;
            case DF_LABEL:
                for (size_t k = 0; k < in->n_pairs && rc == 0; k++) {
                    struct df_pair *p = &in->pairs[k];
                    rc = expand(R, &lc, p->raw, p->line, p->column, &p->value, &p->unresolved);
                }
                break;
            case DF_ADD:
            case DF_COPY:
            case DF_EXPOSE:
            case DF_VOLUME:
            case DF_USER:
            case DF_WORKDIR:
            case DF_STOPSIGNAL:
                rc = expand_flags(R, &lc, in);
                if (rc == 0)
                    rc = expand_words(R, &lc, in);
                break;
            case DF_RUN:
                rc = expand_flags(R, &lc, in);
                break;
            default:
                break;
            }
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

int df_resolve_scopes(struct df_file *f, struct strata_error *err)
{
    struct resolver R = {.f = f, .err = err, .globals = STRMAP_INIT, .buf = STRBUF_INIT};
    int rc = resolve(&R);
    if (R.scopes)
        for (size_t i = 0; i < f->n_stages; i++) {
            strmap_release(&R.scopes[i].env);
            strmap_release(&R.scopes[i].args);
        }
    free(R.scopes);
    strmap_release(&R.globals);
    strbuf_release(&R.buf);
    return rc;
}
