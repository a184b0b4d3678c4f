/* The Dockerfile parser (src/checks/dockerfile_parse.c, dockerfile_scope.c,
 * dockerfile_expand.c): directives, continuations, comments, heredocs, JSON and shell forms,
 * flags, ENV/ARG/LABEL forms, substitution and its scopes, stages, positions, BuildKit's
 * errors, and hostile input (huge lines, NUL bytes, deep nesting, expansion bombs, CRLF, BOM). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "checks/dockerfile_parse.h"
#include "checks/dockerfile_shell.h"
#include "core/strbuf.h"

static struct df_file *parse_n(const char *text, size_t len)
{
    /* an exact-size copy so ASan sees any overread */
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    copy[len] = '\0';
    struct df_file *f = NULL;
    struct strata_error err = {0};
    int rc = df_parse("Dockerfile", copy, len, &f, &err);
    if (rc != 0)
        fail_msg("parse failed: %s", err.msg);
    free(copy);
    return f;
}

static struct df_file *parse(const char *text)
{
    return parse_n(text, strlen(text));
}

/* The parse fails with code and a message starting with want_prefix ("Dockerfile:L:C: …")
 * and containing want. */
static void parse_fails_n(const char *text, size_t len, int code, const char *want_prefix,
                          const char *want)
{
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    copy[len] = '\0';
    struct df_file *f = NULL;
    struct strata_error err = {0};
    int rc = df_parse("Dockerfile", copy, len, &f, &err);
    free(copy);
    if (rc == 0) {
        df_free(f);
        fail_msg("parse of [%.60s] succeeded, want %s", text, want);
    }
    assert_null(f);
    if (rc != code || strncmp(err.msg, want_prefix, strlen(want_prefix)) != 0 ||
        strstr(err.msg, want) == NULL)
        fail_msg("got %d [%s], want %d [%s…%s]", rc, err.msg, code, want_prefix, want);
}

static void parse_fails(const char *text, int code, const char *want_prefix, const char *want)
{
    parse_fails_n(text, strlen(text), code, want_prefix, want);
}

static const struct df_flag *flag(const struct df_instruction *in, const char *name)
{
    for (size_t i = 0; i < in->n_flags; i++)
        if (strcmp(in->flags[i].name, name) == 0)
            return &in->flags[i];
    return NULL;
}

static void test_basic_positions(void **st)
{
    (void)st;
    struct df_file *f = parse("# a comment\n"
                              "FROM debian:12\n"
                              "\n"
                              "  run apt-get update\n"
                              "CMD [\"nginx\", \"-g\", \"daemon off;\"]\n");
    assert_int_equal(f->n_ins, 3);
    assert_int_equal(f->ins[0].cmd, DF_FROM);
    assert_int_equal(f->ins[0].line, 2);
    assert_int_equal(f->ins[0].column, 1);
    assert_int_equal(f->ins[1].cmd, DF_RUN);
    assert_string_equal(f->ins[1].keyword, "run");
    assert_int_equal(f->ins[1].line, 4);
    assert_int_equal(f->ins[1].column, 3);
    assert_string_equal(f->ins[1].args, "apt-get update");
    assert_false(f->ins[1].json);
    assert_int_equal(f->ins[2].cmd, DF_CMD);
    assert_true(f->ins[2].json);
    assert_int_equal(f->ins[2].n_words, 3);
    assert_string_equal(f->ins[2].words[2].raw, "daemon off;");
    assert_int_equal(f->n_stages, 1);
    assert_string_equal(f->stages[0].base, "debian:12");
    assert_null(f->stages[0].name);
    assert_int_equal(f->stages[0].parent, -1);
    assert_int_equal(f->ins[2].stage, 0);
    assert_string_equal(df_cmd_name(DF_HEALTHCHECK), "HEALTHCHECK");
    df_free(f);
}

static void test_continuations(void **st)
{
    (void)st;
    struct df_file *f = parse("FROM alpine\n"
                              "RUN apk add \\\n"
                              "    # a comment inside the continuation\n"
                              "\n"
                              "      curl \\   \n"
                              "  && echo done\n"
                              "RUN echo a\\\\\n"
                              "RUN echo b\n");
    assert_int_equal(f->n_ins, 4);
    const struct df_instruction *r = &f->ins[1];
    assert_string_equal(r->text, "RUN apk add       curl   && echo done");
    assert_int_equal(r->line, 2);
    assert_int_equal(r->end_line, 6);
    assert_int_equal(r->n_segs, 3);
    /* "curl" sits on line 5, column 7; "&&" on line 6, column 3 */
    const char *p = strstr(r->text, "curl");
    int line, col;
    df_position(r, (size_t)(p - r->text), &line, &col);
    assert_int_equal(line, 5);
    assert_int_equal(col, 7);
    p = strstr(r->text, "&&");
    df_position(r, (size_t)(p - r->text), &line, &col);
    assert_int_equal(line, 6);
    assert_int_equal(col, 3);
    /* an escaped escape character does not continue the line */
    assert_string_equal(f->ins[2].args, "echo a\\\\");
    assert_int_equal(f->ins[3].line, 8);
    df_free(f);

    /* a continuation at the end of the file ends the instruction */
    f = parse("FROM a\nRUN x \\\n");
    assert_string_equal(f->ins[1].args, "x");
    df_free(f);
}

static void test_directives(void **st)
{
    (void)st;
    struct df_file *f = parse("# syntax=docker/dockerfile:1.7\n"
                              "#Escape = `\n"
                              "FROM mcr.microsoft.com/windows/servercore\n"
                              "COPY C:\\src\\ C:\\dst\\\n"
                              "RUN dir `\n"
                              "    C:\\\n");
    assert_int_equal(f->escape, '`');
    assert_string_equal(f->syntax, "docker/dockerfile:1.7");
    assert_int_equal(f->n_ins, 3);
    assert_string_equal(f->ins[1].words[1].raw, "C:\\dst\\");
    assert_string_equal(f->ins[2].args, "dir     C:\\");
    df_free(f);

    /* after a comment or a blank line, a directive is only a comment */
    f = parse("# hello\n# escape=`\nFROM a\nRUN x \\\n  y\n");
    assert_int_equal(f->escape, '\\');
    assert_string_equal(f->ins[1].args, "x   y");
    df_free(f);
    f = parse("\n# escape=`\nFROM a\n");
    assert_int_equal(f->escape, '\\');
    df_free(f);
    /* an unknown directive ends the directives */
    f = parse("# foo=bar\n# escape=`\nFROM a\n");
    assert_int_equal(f->escape, '\\');
    df_free(f);

    parse_fails("# escape=\\\n# escape=`\nFROM a\n", STRATA_EFORMAT,
                "Dockerfile:2:1:", "only one escape parser directive");
    parse_fails("# escape=x\nFROM a\n", STRATA_EFORMAT,
                "Dockerfile:1:1:", "invalid escape token 'x'");
}

static void test_heredocs(void **st)
{
    (void)st;
    struct df_file *f = parse("FROM debian\n"
                              "RUN <<EOF\n"
                              "apt-get update\n"
                              "apt-get install -y curl\n"
                              "EOF\n"
                              "COPY <<-\"A\" 3<<B /etc/\n"
                              "\tone $X\n"
                              "\tA\n"
                              "two\n"
                              "B\n"
                              "RUN [\"sh\", \"-c\", \"cat <<EOF\"]\n"
                              "RUN echo \"<<EOF\" '<<X' && echo done\n"
                              "CMD x\n");
    assert_int_equal(f->n_ins, 6);
    const struct df_instruction *r = &f->ins[1];
    assert_int_equal(r->n_heredocs, 1);
    assert_string_equal(r->heredocs[0].name, "EOF");
    assert_string_equal(r->heredocs[0].content, "apt-get update\napt-get install -y curl\n");
    assert_int_equal(r->heredocs[0].line, 3);
    assert_int_equal(r->heredocs[0].end_line, 5);
    assert_int_equal(r->heredocs[0].column, 5);
    assert_true(r->heredocs[0].expand);
    assert_int_equal(r->end_line, 5);
    const struct df_instruction *c = &f->ins[2];
    assert_int_equal(c->line, 6);
    assert_int_equal(c->n_heredocs, 2);
    assert_string_equal(c->heredocs[0].name, "A");
    assert_true(c->heredocs[0].chomp);
    assert_false(c->heredocs[0].expand);
    assert_string_equal(c->heredocs[0].content, "\tone $X\n");
    assert_string_equal(c->heredocs[1].name, "B");
    assert_int_equal(c->heredocs[1].fd, 3);
    assert_string_equal(c->heredocs[1].content, "two\n");
    assert_int_equal(c->end_line, 10);
    assert_int_equal(c->n_words, 3);
    assert_string_equal(c->words[2].value, "/etc/");
    /* JSON form and quoted words open no heredoc */
    assert_int_equal(f->ins[3].n_heredocs, 0);
    assert_int_equal(f->ins[4].n_heredocs, 0);
    assert_int_equal(f->ins[5].line, 13);
    df_free(f);

    /* CRLF bodies are read as LF */
    f = parse("FROM a\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n");
    assert_string_equal(f->ins[1].heredocs[0].content, "echo hi\n");
    df_free(f);

    parse_fails("FROM a\nRUN cat <<EOF\nline\nEOM\n", STRATA_EFORMAT,
                "Dockerfile:2:9:", "unterminated heredoc <<EOF");
    parse_fails("FROM a\nRUN cat <<\"EOF\n", STRATA_EFORMAT,
                "Dockerfile:2:9:", "unterminated quote in heredoc delimiter");
    /* 17 heredocs on one line */
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_adds(&sb, "FROM a\nRUN cat"), 0);
    for (int i = 0; i < 17; i++)
        assert_int_equal(strbuf_addf(&sb, " <<E%d", i), 0);
    assert_int_equal(strbuf_adds(&sb, "\n"), 0);
    parse_fails(sb.buf, STRATA_ELIMIT, "Dockerfile:2:", "more than 16 heredocs");
    strbuf_release(&sb);
}

static void test_json_and_shell_forms(void **st)
{
    (void)st;
    struct df_file *f = parse("FROM a\n"
                              "RUN [ -f /etc/passwd ]\n"
                              "ENTRYPOINT [\"/bin/app\"] extra\n"
                              "CMD [ \"a\" , \"b\\u00e9\" ]  \n"
                              "VOLUME [\"/data\", \"/logs\"]\n"
                              "VOLUME /a /b\n"
                              "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n");
    assert_false(f->ins[1].json);
    assert_string_equal(f->ins[1].args, "[ -f /etc/passwd ]");
    assert_false(f->ins[2].json);
    assert_true(f->ins[3].json);
    assert_string_equal(f->ins[3].words[1].raw, "b\xc3\xa9");
    assert_true(f->ins[4].json);
    assert_int_equal(f->ins[4].n_words, 2);
    assert_false(f->ins[5].json);
    assert_int_equal(f->ins[5].n_words, 2);
    assert_string_equal(f->ins[5].words[1].raw, "/b");
    assert_int_equal(f->ins[5].words[1].column, 11);
    assert_true(f->ins[6].json);
    df_free(f);

    parse_fails("FROM a\nCMD [\"a\", 1]\n", STRATA_EFORMAT,
                "Dockerfile:2:1:", "arrays must be comprised of strings only");
    parse_fails("FROM a\nSHELL /bin/sh -c\n", STRATA_EFORMAT,
                "Dockerfile:2:1:", "SHELL requires the arguments to be in JSON form");
}

static void test_flags(void **st)
{
    (void)st;
    struct df_file *f = parse("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
                              "RUN --mount=type=cache,target=/root/.cache/go-build \\\n"
                              "    --network=none go build ./...\n"
                              "FROM scratch\n"
                              "COPY --from=build --chown=app:app --chmod=0755 --link "
                              "--weird=\"a b\" /out/app /app\n"
                              "ADD --checksum=sha256:abc https://x/y.tgz /y.tgz\n");
    const struct df_instruction *r = &f->ins[1];
    assert_int_equal(r->n_flags, 2);
    assert_string_equal(flag(r, "mount")->value, "type=cache,target=/root/.cache/go-build");
    assert_string_equal(flag(r, "network")->value, "none");
    assert_int_equal(flag(r, "network")->line, 3);
    assert_int_equal(flag(r, "network")->column, 5);
    assert_string_equal(r->args, "go build ./...");
    int line, col;
    df_position(r, r->args_off, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 20);
    const struct df_instruction *c = &f->ins[3];
    assert_int_equal(c->n_flags, 5);
    assert_string_equal(flag(c, "from")->value, "build");
    assert_string_equal(flag(c, "chmod")->value, "0755");
    assert_null(flag(c, "link")->value);
    assert_string_equal(flag(c, "weird")->value, "a b");
    assert_int_equal(c->n_words, 2);
    assert_string_equal(c->words[0].raw, "/out/app");
    /* the platform of the first stage needs BUILDPLATFORM, unknown here */
    assert_string_equal(f->stages[0].platform, "");
    assert_string_equal(f->stages[0].name, "build");
    assert_string_equal(f->stages[0].base, "golang:1.22");
    assert_string_equal(flag(&f->ins[4], "checksum")->value, "sha256:abc");
    df_free(f);

    /* "--" ends the flags */
    f = parse("FROM a\nRUN -- --not-a-flag\n");
    assert_int_equal(f->ins[1].n_flags, 0);
    assert_string_equal(f->ins[1].args, "--not-a-flag");
    df_free(f);
}

static const struct df_pair *pair(const struct df_instruction *in, const char *key)
{
    for (size_t i = 0; i < in->n_pairs; i++)
        if (strcmp(in->pairs[i].key, key) == 0)
            return &in->pairs[i];
    return NULL;
}

static void test_env_arg_label(void **st)
{
    (void)st;
    struct df_file *f = parse("FROM a\n"
                              "ENV A=1 B=\"x y\" C='$A' D=\\$A\n"
                              "ENV A=2 E=$A\n"
                              "ENV LEGACY hello   world\n"
                              "ARG X Y=${A}-$B\n"
                              "LABEL org.opencontainers.image.title=\"my app\" k=$Y\n");
    const struct df_instruction *e = &f->ins[1];
    assert_int_equal(e->n_pairs, 4);
    assert_string_equal(pair(e, "B")->raw, "\"x y\"");
    assert_string_equal(pair(e, "B")->value, "x y");
    assert_string_equal(pair(e, "C")->value, "$A");
    assert_string_equal(pair(e, "D")->value, "$A");
    assert_int_equal(pair(e, "B")->column, 9);
    /* values of one ENV line see the environment from before it */
    assert_string_equal(pair(&f->ins[2], "E")->value, "1");
    assert_string_equal(pair(&f->ins[3], "LEGACY")->value, "hello   world");
    const struct df_instruction *a = &f->ins[4];
    assert_null(pair(a, "X")->raw);
    assert_null(pair(a, "X")->value);
    assert_string_equal(pair(a, "Y")->value, "2-x y");
    assert_string_equal(pair(&f->ins[5], "k")->value, "2-x y");
    assert_string_equal(pair(&f->ins[5], "org.opencontainers.image.title")->value, "my app");
    df_free(f);

    parse_fails("FROM a\nENV ONLYKEY\n", STRATA_EFORMAT,
                "Dockerfile:2:1:", "ENV must have two arguments");
    parse_fails("FROM a\nENV A=1 B\n", STRATA_EFORMAT, "Dockerfile:2:9:", "can't find = in");
    parse_fails("FROM a\nARG =x\n", STRATA_EFORMAT, "Dockerfile:2:5:", "names can not be blank");
    parse_fails("FROM a\nENV A=\"unterminated\n", STRATA_EFORMAT,
                "Dockerfile:2:", "unterminated double quote");
    parse_fails("FROM a\nLABEL\n", STRATA_EFORMAT, "Dockerfile:2:1:", "requires at least one");
}

static void test_substitution_forms(void **st)
{
    (void)st;
    struct df_file *f = parse("FROM a\n"
                              "ENV SET=v EMPTY=\n"
                              "WORKDIR /${SET}/${UNSET:-def}/${EMPTY:-e}/${EMPTY-x}/${SET:+plus}"
                              "/${UNSET:+no}\n"
                              "WORKDIR /${a:-${b:-${SET}}}/\\$SET/\"$SET\"/'$SET'\n"
                              "WORKDIR /$UNSET/x\n"
                              "USER ${SET#v}\n");
    assert_string_equal(f->ins[2].words[0].value, "/v/def/e//plus/");
    assert_true(f->ins[2].words[0].unresolved); /* ${UNSET:+no} depends on a build arg */
    assert_string_equal(f->ins[3].words[0].value, "/v/$SET/v/$SET");
    assert_false(f->ins[3].words[0].unresolved);
    assert_string_equal(f->ins[4].words[0].value, "//x");
    assert_true(f->ins[4].words[0].unresolved);
    assert_true(f->ins[5].words[0].unresolved);
    df_free(f);

    parse_fails("FROM a\nWORKDIR ${A\n", STRATA_EFORMAT, "Dockerfile:2:9:", "missing '}'");
    parse_fails("FROM a\nWORKDIR /x/${}\n", STRATA_EFORMAT, "Dockerfile:2:12:", "bad substitution");
    parse_fails("FROM a\nUSER ${A:=b}\n", STRATA_EFORMAT,
                "Dockerfile:2:6:", "unsupported modifier");
    parse_fails("FROM a\nUSER ${A:-x\n", STRATA_EFORMAT, "Dockerfile:2:6:", "missing '}'");

    /* df_expand on its own */
    struct strbuf sb = STRBUF_INIT;
    int unres = 0;
    size_t off = 0;
    const char *what = NULL;
    assert_int_equal(df_expand("a`$b`\"c", 7, '`', NULL, NULL, &sb, &unres, &off, &what), 0);
    assert_string_equal(sb.buf, "a$b\"c");
    strbuf_release(&sb);
}

static void test_arg_scopes(void **st)
{
    (void)st;
    struct df_file *f = parse("ARG BASE=debian\n"
                              "ARG TAG=12\n"
                              "ARG ONLYGLOBAL=g\n"
                              "FROM ${BASE}:${TAG} AS base\n"
                              "ARG TAG\n"
                              "ENV HOME_DIR=/home/app\n"
                              "WORKDIR $ONLYGLOBAL/$TAG\n"
                              "ARG STAGEARG=s\n"
                              "ENV STAGEARG=fromenv\n"
                              "USER $STAGEARG\n"
                              "FROM base AS child\n"
                              "WORKDIR $HOME_DIR/$STAGEARG\n"
                              "FROM $BASE\n"
                              "WORKDIR /$HOME_DIR\n");
    assert_int_equal(f->n_stages, 3);
    assert_string_equal(f->stages[0].base, "debian:12");
    assert_false(f->stages[0].base_unresolved);
    /* the global ONLYGLOBAL is not visible in the stage; the redeclared TAG is */
    assert_string_equal(f->ins[6].words[0].value, "/12");
    assert_true(f->ins[6].words[0].unresolved);
    /* ENV wins over ARG */
    assert_string_equal(f->ins[9].words[0].value, "fromenv");
    /* the child stage inherits ENV (not ARG) of its parent stage */
    assert_int_equal(f->stages[1].parent, 0);
    assert_string_equal(f->ins[11].words[0].value, "/home/app/fromenv");
    assert_int_equal(f->stages[2].parent, -1);
    assert_string_equal(f->stages[2].base, "debian");
    assert_string_equal(f->ins[13].words[0].value, "/");
    assert_true(f->ins[13].words[0].unresolved);
    assert_int_equal(f->stages[0].from, 3);
    assert_int_equal(f->stages[0].end, 10);
    df_free(f);

    /* an ARG without a default leaves FROM unresolved */
    f = parse("ARG IMAGE\nFROM $IMAGE\n");
    assert_true(f->stages[0].base_unresolved);
    df_free(f);
}

static void test_stages_and_errors(void **st)
{
    (void)st;
    struct df_file *f = parse("FROM node:20 AS Build\nRUN x\nFROM BUILD\nFROM build AS final\n");
    assert_string_equal(f->stages[0].name, "build");
    assert_int_equal(f->stages[1].parent, 0);
    assert_int_equal(f->stages[2].parent, 0);
    df_free(f);

    parse_fails("", STRATA_EFORMAT, "Dockerfile:1:1:", "file with no instructions");
    parse_fails("# only a comment\n\n", STRATA_EFORMAT, "Dockerfile:", "no instructions");
    parse_fails("FROM a\n  FOO bar\n", STRATA_EFORMAT,
                "Dockerfile:2:3:", "unknown instruction: FOO");
    parse_fails("RUN echo\nFROM a\n", STRATA_EFORMAT,
                "Dockerfile:1:1:", "no build stage in current context");
    parse_fails("FROM a b\n", STRATA_EFORMAT, "Dockerfile:1:1:", "one or three arguments");
    parse_fails("FROM a AS 1st\n", STRATA_EFORMAT, "Dockerfile:1:11:", "invalid name");
    parse_fails("FROM a AS x\nFROM b AS X\n", STRATA_EFORMAT,
                "Dockerfile:2:11:", "duplicate stage name");
    parse_fails("FROM a\nCOPY onlyone\n", STRATA_EFORMAT,
                "Dockerfile:2:1:", "requires at least two arguments");
    parse_fails("FROM a\nCOPY x <<EOF\nEOF\n", STRATA_EFORMAT,
                "Dockerfile:2:1:", "cannot accept a heredoc as a destination");
    parse_fails("FROM a\nUSER\n", STRATA_EFORMAT, "Dockerfile:2:1:", "exactly one argument");
    parse_fails("FROM a\nHEALTHCHECK\n", STRATA_EFORMAT, "Dockerfile:2:1:", "at least one");
    parse_fails("FROM a\nHEALTHCHECK NONE x\n", STRATA_EFORMAT,
                "Dockerfile:2:1:", "takes no arguments");
    parse_fails("FROM a\nHEALTHCHECK --interval=5s FOO x\n", STRATA_EFORMAT,
                "Dockerfile:2:1:", "unknown type");
    parse_fails("FROM a\nHEALTHCHECK CMD\n", STRATA_EFORMAT, "Dockerfile:2:1:", "missing command");
    parse_fails("FROM a\nVOLUME [\"\"]\n", STRATA_EFORMAT,
                "Dockerfile:2:1:", "can not be an empty string");
    parse_fails("FROM a\nONBUILD ONBUILD RUN x\n", STRATA_EFORMAT,
                "Dockerfile:2:9:", "ONBUILD ONBUILD");
    parse_fails("FROM a\nONBUILD FROM b\n", STRATA_EFORMAT,
                "Dockerfile:2:1:", "isn't allowed as an ONBUILD trigger");

    f = parse("FROM a\nHEALTHCHECK --interval=30s CMD curl -f http://localhost/\n"
              "HEALTHCHECK NONE\nONBUILD RUN <<EOF\necho x\nEOF\nONBUILD NOPE x\n");
    assert_string_equal(f->ins[1].words[0].raw, "CMD");
    assert_string_equal(f->ins[1].words[1].raw, "curl -f http://localhost/");
    assert_string_equal(f->ins[2].words[0].raw, "NONE");
    assert_non_null(f->ins[3].trigger);
    assert_int_equal(f->ins[3].trigger->cmd, DF_RUN);
    assert_int_equal(f->ins[3].n_heredocs, 1);
    assert_null(f->ins[4].trigger);
    assert_int_equal(f->ins[4].line, 7);
    df_free(f);
}

static void test_crlf_bom(void **st)
{
    (void)st;
    struct df_file *f = parse("\xEF\xBB\xBF"
                              "FROM a\r\nRUN echo one \\\r\n  two\r\nUSER app\r\n");
    assert_int_equal(f->ins[0].column, 1);
    assert_string_equal(f->ins[1].args, "echo one   two");
    assert_string_equal(f->ins[2].words[0].value, "app");
    df_free(f);
    /* a BOM before a directive */
    f = parse("\xEF\xBB\xBF# escape=`\nFROM a\n");
    assert_int_equal(f->escape, '`');
    df_free(f);
}

static void test_hostile_sizes(void **st)
{
    (void)st;
    /* a 1,000,000-byte line is read */
    size_t n = 1000000;
    char *big = malloc(n + 32);
    assert_non_null(big);
    memcpy(big, "FROM a\nRUN ", 11);
    memset(big + 11, 'x', n);
    big[11 + n] = '\n';
    struct df_file *f = parse_n(big, 12 + n);
    assert_int_equal(strlen(f->ins[1].args), n);
    df_free(f);
    free(big);

    /* one over the bound is an error at its line */
    n = DF_MAX_LINE + 1;
    big = malloc(n + 16);
    assert_non_null(big);
    memcpy(big, "FROM a\n", 7);
    memset(big + 7, 'y', n);
    parse_fails_n(big, 7 + n, STRATA_ELIMIT, "Dockerfile:2:1:", "line longer than");
    free(big);

    /* NUL bytes */
    parse_fails_n("FROM a\nRUN x\0y\n", 14, STRATA_EFORMAT, "Dockerfile:2:6:", "NUL byte");

    /* 100,000 continuation lines: read, in linear time */
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_adds(&sb, "FROM a\nRUN true"), 0);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(strbuf_adds(&sb, " \\\n x"), 0);
    assert_int_equal(strbuf_adds(&sb, "\nUSER app\n"), 0);
    clock_t t0 = clock();
    f = parse_n(sb.buf, sb.len);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 5.0);
    assert_int_equal(f->ins[1].n_segs, 100001);
    assert_int_equal(f->ins[2].line, 100003);
    df_free(f);
    strbuf_release(&sb);

    /* continuation lines past the instruction bound */
    assert_int_equal(strbuf_adds(&sb, "FROM a\nRUN true"), 0);
    for (int i = 0; i < 200000; i++)
        assert_int_equal(strbuf_adds(&sb, " \\\n 123456"), 0);
    parse_fails_n(sb.buf, sb.len, STRATA_ELIMIT, "Dockerfile:2:1:", "instruction longer than");
    strbuf_release(&sb);

    /* too many instructions */
    assert_int_equal(strbuf_adds(&sb, "FROM a\n"), 0);
    for (int i = 0; i < DF_MAX_INSTRUCTIONS; i++)
        assert_int_equal(strbuf_adds(&sb, "RUN x\n"), 0);
    parse_fails_n(sb.buf, sb.len, STRATA_ELIMIT, "Dockerfile:10001:1:", "more than 10000");
    strbuf_release(&sb);

    /* too many stages */
    for (int i = 0; i <= DF_MAX_STAGES; i++)
        assert_int_equal(strbuf_adds(&sb, "FROM a\n"), 0);
    parse_fails_n(sb.buf, sb.len, STRATA_ELIMIT, "Dockerfile:513:1:", "build stages");
    strbuf_release(&sb);
}

static void test_hostile_substitution(void **st)
{
    (void)st;
    /* ${a:-${a:-…}} 1000 deep: refused at its position, no stack exhaustion */
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_adds(&sb, "FROM a\nUSER "), 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(strbuf_adds(&sb, "${a:-"), 0);
    assert_int_equal(strbuf_adds(&sb, "x"), 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(strbuf_adds(&sb, "}"), 0);
    assert_int_equal(strbuf_adds(&sb, "\n"), 0);
    parse_fails_n(sb.buf, sb.len, STRATA_ELIMIT, "Dockerfile:2:", "nested deeper");
    strbuf_release(&sb);

    /* 16 levels are fine */
    assert_int_equal(strbuf_adds(&sb, "FROM a\nUSER "), 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(strbuf_adds(&sb, "${a:-"), 0);
    assert_int_equal(strbuf_adds(&sb, "x"), 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(strbuf_adds(&sb, "}"), 0);
    struct df_file *f = parse_n(sb.buf, sb.len);
    assert_string_equal(f->ins[1].words[0].value, "x");
    df_free(f);
    strbuf_release(&sb);

    /* billion laughs: each ENV doubles the last one */
    assert_int_equal(strbuf_adds(&sb, "FROM a\nENV L0=lollollollollollollollol\n"), 0);
    for (int i = 1; i < 40; i++)
        assert_int_equal(strbuf_addf(&sb, "ENV L%d=$L%d$L%d\n", i, i - 1, i - 1), 0);
    parse_fails_n(sb.buf, sb.len, STRATA_ELIMIT, "Dockerfile:", "longer than the bound");
    strbuf_release(&sb);

    /* many names each holding a big value: the file-wide budget stops it */
    assert_int_equal(strbuf_adds(&sb, "FROM a\nENV B="), 0);
    for (int i = 0; i < 60000; i++)
        assert_int_equal(strbuf_addch(&sb, 'b'), 0);
    assert_int_equal(strbuf_adds(&sb, "\n"), 0);
    for (int i = 0; i < 400; i++)
        assert_int_equal(strbuf_addf(&sb, "ENV C%d=$B\n", i), 0);
    parse_fails_n(sb.buf, sb.len, STRATA_ELIMIT, "Dockerfile:", "more than 16 MiB");
    strbuf_release(&sb);

    /* more names than the bound */
    assert_int_equal(strbuf_adds(&sb, "FROM a\nENV"), 0);
    for (int i = 0; i < DF_MAX_VARS + 1; i++)
        assert_int_equal(strbuf_addf(&sb, " V%d=1", i), 0);
    assert_int_equal(strbuf_adds(&sb, "\n"), 0);
    parse_fails_n(sb.buf, sb.len, STRATA_ELIMIT, "Dockerfile:2:", "ARG and ENV names");
    strbuf_release(&sb);
}

/* The commands of a script: words joined by ' ', "<<D" for here-documents, "(s)" before a
 * command in a subshell, commands joined by " | " in a pipeline and " ; " otherwise. */
static char *sh_dump(const char *script)
{
    struct df_sh_script sc;
    size_t n = strlen(script);
    char *copy = malloc(n + 1);
    assert_non_null(copy);
    memcpy(copy, script, n + 1);
    assert_int_equal(df_sh_parse(copy, n, &sc), 0);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_adds(&sb, ""), 0);
    for (size_t i = 0; i < sc.n_cmds; i++) {
        const struct df_sh_cmd *c = &sc.cmds[i];
        if (i > 0)
            assert_int_equal(
                strbuf_adds(&sb, c->pipeline == sc.cmds[i - 1].pipeline ? " | " : " ; "), 0);
        if (c->subshell)
            assert_int_equal(strbuf_adds(&sb, "(s)"), 0);
        for (size_t k = 0; k < c->n_words; k++) {
            const struct df_sh_word *w = &c->words[k];
            assert_true(w->off + w->raw_len <= n);
            assert_ptr_equal(w->raw, copy + w->off);
            assert_int_equal(strbuf_addf(&sb, "%s%s", k ? " " : "", w->text), 0);
        }
        for (size_t k = 0; k < c->n_heredocs; k++)
            assert_int_equal(strbuf_addf(&sb, " <<%s", c->heredocs[k]), 0);
    }
    df_sh_free(&sc);
    free(copy);
    return strbuf_detach(&sb);
}

static void sh_is(const char *script, const char *want)
{
    char *got = sh_dump(script);
    if (strcmp(got, want) != 0)
        fail_msg("script [%s]:\n got [%s]\nwant [%s]", script, got, want);
    free(got);
}

static void test_shell_tokens(void **st)
{
    (void)st;
    sh_is("apt-get update && apt-get install -y curl", "apt-get update ; apt-get install -y curl");
    sh_is("echo \"apt-get install foo\"; echo 'x; y'", "echo apt-get install foo ; echo x; y");
    sh_is("curl -fsSL https://x | sudo -E bash -", "curl -fsSL https://x | sudo -E bash -");
    sh_is("a || b |& c & d", "a ; b | c ; d");
    sh_is("make 2>&1 >/dev/null < in.txt >> log", "make");
    sh_is("(cd /src && make) && cd /", "(s)cd /src ; (s)make ; cd /");
    sh_is("echo $(curl -s https://x | sh) `id -u`",
          "echo $(curl -s https://x | sh) `id -u` ; (s)curl -s https://x | (s)sh ; (s)id -u");
    sh_is("x=$((1 + 2)) y=${A:-b c}", "x=$((1 + 2)) y=${A:-b c}");
    sh_is("echo a\\ b \"c\\\"d\" $'e\\n' \\\n  next", "echo a b c\"d e\\n next");
    sh_is("# comment && sudo x\nls # trailing; sudo y\necho a#b", "ls ; echo a#b");
    sh_is("cat <<EOF > /etc/x\nsudo rm -rf /\nEOF\necho after", "cat <<EOF ; echo after");
    sh_is("cat <<-'E' | sh\n\tcurl x\n\tE\nls", "cat <<E | sh ; ls");
    sh_is("bash <(curl -s https://x)", "bash <(curl -s https://x) ; (s)curl -s https://x");
    sh_is("if [ -f x ]; then apt-get install y; fi", "if [ -f x ] ; then apt-get install y ; fi");
    sh_is("", "");
    sh_is("'unterminated", "unterminated");
    sh_is("\"unterminated $(x", "unterminated $(x ; (s)x");
    sh_is("echo $(( $(", "echo $(( $(");
    sh_is(";;;&&||", "");

    /* positions */
    struct df_sh_script sc;
    const char *s = "a  && \\\n  sudo  x";
    assert_int_equal(df_sh_parse(s, strlen(s), &sc), 0);
    assert_int_equal(sc.n_cmds, 2);
    assert_int_equal(sc.cmds[1].off, 10);
    assert_int_equal(sc.cmds[1].words[1].off, 16);
    assert_string_equal(sc.cmds[1].words[1].text, "x");
    df_sh_free(&sc);

    /* deep substitutions: bounded depth, linear time */
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 20000; i++)
        assert_int_equal(strbuf_adds(&sb, "$(a "), 0);
    for (int i = 0; i < 20000; i++)
        assert_int_equal(strbuf_adds(&sb, ")"), 0);
    assert_int_equal(df_sh_parse(sb.buf, sb.len, &sc), 0);
    assert_true(sc.n_cmds <= DF_SH_MAX_DEPTH + 1);
    df_sh_free(&sc);
    strbuf_release(&sb);

    /* more commands than kept */
    for (int i = 0; i < DF_SH_MAX_COMMANDS + 10; i++)
        assert_int_equal(strbuf_adds(&sb, "a;"), 0);
    assert_int_equal(df_sh_parse(sb.buf, sb.len, &sc), 0);
    assert_int_equal(sc.n_cmds, DF_SH_MAX_COMMANDS);
    assert_true(sc.truncated);
    df_sh_free(&sc);
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_positions),
        cmocka_unit_test(test_continuations),
        cmocka_unit_test(test_directives),
        cmocka_unit_test(test_heredocs),
        cmocka_unit_test(test_json_and_shell_forms),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_env_arg_label),
        cmocka_unit_test(test_substitution_forms),
        cmocka_unit_test(test_arg_scopes),
        cmocka_unit_test(test_stages_and_errors),
        cmocka_unit_test(test_crlf_bom),
        cmocka_unit_test(test_hostile_sizes),
        cmocka_unit_test(test_hostile_substitution),
        cmocka_unit_test(test_shell_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
