/* A POSIX-shell tokenizer for the commands of RUN instructions (docs/config-dockerfile.md):
 * enough of the shell grammar to find the simple commands a script runs and their words, so that
 * the Dockerfile rules look at commands, not at text (`echo "apt-get install x"` runs echo).
 * Handles quoting ('…', "…", $'…', backslashes), line continuations, comments, the operators
 * ; & && || | |& and newlines, subshells ( … ), command substitutions $( … ) and `…` and
 * process substitutions <( … ) (their commands are commands of the script too), ${…} and
 * $(( … )), redirections (their targets are not words) and here-documents (their bodies are not
 * commands). It is not an interpreter: nothing is expanded, `if`/`for`/`case` keywords are
 * ordinary words. Never fails on any input except for memory. */
#ifndef STRATA_CHECKS_DOCKERFILE_SHELL_H
#define STRATA_CHECKS_DOCKERFILE_SHELL_H

#include <stddef.h>

#include "core/arena.h"

#define DF_SH_MAX_DEPTH 4        /* nested substitutions whose commands are read */
#define DF_SH_MAX_COMMANDS 65536 /* commands kept per script; later ones are dropped */

struct df_sh_word {
    const char *text; /* quotes removed, escapes resolved; $… and substitutions as written */
    const char *raw;  /* the word as written: points into the script, raw_len bytes */
    size_t raw_len;
    size_t off;  /* of the word in the script */
    int quoted;  /* some part was quoted or escaped */
    int dynamic; /* holds a $ expansion or a substitution: its value is unknown */
};

struct df_sh_cmd {
    struct df_sh_word *words;
    size_t n_words;
    size_t off;            /* of the command's first token */
    size_t pipeline;       /* commands joined by | or |& share it */
    int subshell;          /* inside ( ), $( ), ` ` or <( ) */
    const char **heredocs; /* delimiters of its << and <<- redirections */
    size_t n_heredocs;
};

struct df_sh_script {
    struct df_sh_cmd *cmds;
    size_t n_cmds;
    int truncated; /* more than DF_SH_MAX_COMMANDS */
    struct arena arena;
};

/* Tokenizes s[0..n) (no NUL needed; NUL bytes are ordinary characters). Returns 0 or
 * STRATA_ENOMEM; *out is freed with df_sh_free either way. */
int df_sh_parse(const char *s, size_t n, struct df_sh_script *out);
void df_sh_free(struct df_sh_script *sc);

#endif
