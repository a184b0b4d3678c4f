/* Dockerfile parser (docs/config-dockerfile.md): what BuildKit's frontend reads, with every
 * instruction's position. Parser directives (`# escape=`, `# syntax=`, `# check=`), comments,
 * line continuations with the escape character, empty continuation lines, heredocs, JSON (exec)
 * and shell forms, instruction flags, ARG/ENV substitution with BuildKit's scope rules and
 * multi-stage builds. The input is untrusted: every length is bounded, and a file BuildKit would
 * refuse is an error value naming "PATH:LINE:COL: …". */
#ifndef STRATA_CHECKS_DOCKERFILE_PARSE_H
#define STRATA_CHECKS_DOCKERFILE_PARSE_H

#include <stddef.h>

#include "core/arena.h"
#include "strata/error.h"

/* Bounds (STRATA_ELIMIT beyond them). The file itself is bounded by CONFIG_MAX_FILE. */
#define DF_MAX_LINE (1u << 20)        /* bytes of one physical line */
#define DF_MAX_INSTRUCTION (1u << 20) /* bytes of one instruction, continuation lines joined */
#define DF_MAX_INSTRUCTIONS 10000     /* instructions in a file */
#define DF_MAX_STAGES 512             /* FROM instructions */
#define DF_MAX_FLAGS 64               /* --flags of one instruction */
#define DF_MAX_HEREDOCS 16            /* heredocs opened by one instruction */
#define DF_MAX_VARS 4096              /* ARG and ENV names in scope in one stage */
#define DF_MAX_SUBST_DEPTH 16         /* ${a:-${b:-…}} nesting */
#define DF_MAX_WORD (64u << 10)       /* bytes of one word after substitution */
#define DF_MAX_EXPANDED (16u << 20)   /* bytes produced by substitution in the whole file */

enum df_cmd {
    DF_ADD,
    DF_ARG,
    DF_CMD,
    DF_COPY,
    DF_ENTRYPOINT,
    DF_ENV,
    DF_EXPOSE,
    DF_FROM,
    DF_HEALTHCHECK,
    DF_LABEL,
    DF_MAINTAINER,
    DF_ONBUILD,
    DF_RUN,
    DF_SHELL,
    DF_STOPSIGNAL,
    DF_USER,
    DF_VOLUME,
    DF_WORKDIR,
};

/* One --name[=value] flag. */
struct df_flag {
    const char *name;     /* without the leading "--" */
    const char *value;    /* quotes and backslash escapes removed; NULL for a bare --name */
    const char *expanded; /* value with ARG/ENV substituted (== value where the builder does not
                             substitute); NULL when value is */
    int unresolved;       /* expanded used a variable with no known value */
    int line, column;
};

/* One argument word: JSON array strings, whitespace-separated words (FROM, EXPOSE, COPY, ADD,
 * VOLUME), the single argument of USER/WORKDIR/MAINTAINER/STOPSIGNAL, HEALTHCHECK's type. */
struct df_word {
    const char *raw;   /* as written (for JSON: the decoded string) */
    const char *value; /* after substitution where the builder substitutes, else == raw */
    int unresolved;
    int line, column;
};

/* One key/value of ENV, LABEL or ARG. */
struct df_pair {
    const char *key;
    const char *raw;   /* the value as written, quotes kept; NULL for `ARG NAME` */
    const char *value; /* quotes removed, variables substituted; NULL for `ARG NAME` unless the
                          global ARG of that name gives it a default */
    int unresolved;
    int line, column; /* of the key */
};

struct df_heredoc {
    const char *name;    /* the delimiter, quotes removed */
    const char *content; /* the body, each line ending in '\n' (CRLF read as LF) */
    size_t len;
    int expand;   /* the delimiter was unquoted: the builder substitutes variables in it */
    int chomp;    /* <<-: leading tabs are removed */
    unsigned fd;  /* 3<<EOF: 3; 0 when none was given */
    int line;     /* of the first body line */
    int end_line; /* of the delimiter line */
    int column;   /* of the <<NAME word in the instruction */
};

/* Where a stretch of an instruction's text comes from (one per physical line joined). */
struct df_segment {
    size_t off; /* in text */
    int line, column;
};

struct df_instruction {
    enum df_cmd cmd;
    const char *keyword; /* as written ("run", "Run", …) */
    int line, column;    /* of the keyword */
    int end_line;        /* last line, heredoc bodies included */
    long stage;          /* index in df_file.stages; -1 before the first FROM */
    const char *text;    /* the instruction: continuation lines joined, comment lines dropped */
    size_t text_len;
    size_t args_off;  /* where the arguments (after the flags) start in text */
    const char *args; /* text + args_off, trailing blanks removed; "" when none */
    struct df_flag *flags;
    size_t n_flags;
    int json; /* exec form: words are the JSON array's strings */
    struct df_word *words;
    size_t n_words;
    struct df_pair *pairs; /* ENV, LABEL, ARG */
    size_t n_pairs;
    struct df_heredoc *heredocs;
    size_t n_heredocs;
    struct df_instruction *trigger; /* ONBUILD's instruction (not substituted) */
    struct df_segment *segs;
    size_t n_segs;
};

struct df_stage {
    size_t index;
    const char *name;     /* `AS name`, lowercased; NULL when unnamed */
    size_t from;          /* index of its FROM instruction */
    size_t end;           /* one past its last instruction */
    const char *base;     /* the FROM image, global ARGs substituted */
    int base_unresolved;  /* base used an ARG with no known value */
    long parent;          /* the stage base names (FROM build), or -1 for an image */
    const char *platform; /* --platform, substituted, or NULL */
};

struct df_file {
    const char *path;
    char escape;        /* '\\' or '`' */
    const char *syntax; /* `# syntax=` value or NULL */
    struct df_instruction *ins;
    size_t n_ins;
    struct df_stage *stages;
    size_t n_stages;
    struct arena arena;
};

/* Parses data[0..len) (may hold anything; NUL bytes are an error). *out is freed with
 * df_free. Errors: STRATA_EFORMAT what BuildKit refuses ("PATH:LINE:COL: unknown instruction:
 * FOO", "unterminated heredoc", "FROM requires either one or three arguments", …),
 * STRATA_ELIMIT a bound exceeded, STRATA_ENOMEM. */
int df_parse(const char *path, const char *data, size_t len, struct df_file **out,
             struct strata_error *err);
void df_free(struct df_file *f);

/* dockerfile_scope.c, called by df_parse: the stages, the ARG/ENV scopes and the substitution
 * of every instruction the builder substitutes in. */
int df_resolve_scopes(struct df_file *f, struct strata_error *err);

/* Line and column of byte off of ins->text (off may be text_len). */
void df_position(const struct df_instruction *ins, size_t off, int *line, int *column);

/* "RUN", "COPY", … */
const char *df_cmd_name(enum df_cmd cmd);

/* Variable lookup for df_expand: 1 and *value when the name (n bytes) is set, else 0. */
typedef int (*df_lookup_fn)(void *ctx, const char *name, size_t n, const char **value);

/* Substitutes variables in one word the way the builder does: quotes removed, the escape
 * character escaping the next one, $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:+word},
 * ${NAME+word}, ${NAME:?word}, ${NAME?word}; the pattern forms ${NAME#…}, ${NAME%…},
 * ${NAME/…} are recognised but their result counts as unknown. A name with no value gives ""
 * and sets *unresolved (so does a pattern form). Appends to out. Errors: STRATA_EFORMAT
 * (bad substitution, unterminated quote; *err_off is where, *what says what), STRATA_ELIMIT
 * (nesting deeper than DF_MAX_SUBST_DEPTH, result longer than DF_MAX_WORD), STRATA_ENOMEM. */
struct strbuf;
int df_expand(const char *s, size_t n, char escape, df_lookup_fn lookup, void *ctx,
              struct strbuf *out, int *unresolved, size_t *err_off, const char **what);

#endif
