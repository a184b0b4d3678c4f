/* Internal to the Dockerfile checker (dockerfile_rules.c, dockerfile_run.c): the rule table
 * and what the RUN analysis shares with the instruction rules. The rules are documented in
 * docs/config-dockerfile.md. */
#ifndef STRATA_CHECKS_DOCKERFILE_RULES_H
#define STRATA_CHECKS_DOCKERFILE_RULES_H

#include <stddef.h>

#include "checks/config.h"
#include "checks/dockerfile_parse.h"

enum df_rule_id {
    DFR_BASE_LATEST,      /* DF-001 */
    DFR_BASE_DIGEST,      /* DF-002 */
    DFR_ROOT,             /* DF-003 */
    DFR_ADD_LOCAL,        /* DF-004 */
    DFR_ADD_REMOTE,       /* DF-005 */
    DFR_PIPE_SHELL,       /* DF-006 */
    DFR_SUDO,             /* DF-007 */
    DFR_APT_YES,          /* DF-008 */
    DFR_APT_RECOMMENDS,   /* DF-009 */
    DFR_APT_UPDATE_ALONE, /* DF-010 */
    DFR_CACHE,            /* DF-011 */
    DFR_UNPINNED,         /* DF-012 */
    DFR_SECRET,           /* DF-013 */
    DFR_PORT,             /* DF-014 */
    DFR_HEALTHCHECK,      /* DF-015 */
    DFR_MAINTAINER,       /* DF-016 */
    DFR_CD,               /* DF-017 */
    DFR_WORKDIR,          /* DF-018 */
    DFR_MULTI_CMD,        /* DF-019 */
    DFR_MULTI_ENTRYPOINT, /* DF-020 */
    DFR_WORLD_WRITABLE,   /* DF-021 */
    DFR_SETID,            /* DF-022 */
    DFR_COUNT
};

struct df_rule {
    const char *id;
    const char *title;
    const char *severity; /* the usual one; some findings of the rule use another */
    const char *remediation;
};

extern const struct df_rule df_rules[DFR_COUNT];

/* What holds at an instruction, from its stage and the stages that stage builds on, computed
 * once per file so that no rule walks back through the file for each instruction. */
#define DF_FACT_APT_YES 1u     /* a RUN up to here wrote APT::Get::Assume-Yes (apt.conf) */
#define DF_FACT_APT_NOREC 2u   /* a RUN up to here wrote APT::Install-Recommends */
#define DF_FACT_PIP_NOCACHE 4u /* ENV/ARG before it set PIP_NO_CACHE_DIR to a non-empty value */
#define DF_FACT_ABS_WORKDIR 8u /* an absolute WORKDIR came before it */
#define DF_FACT_NON_POSIX 16u  /* the SHELL in effect is not a POSIX shell */

struct df_check {
    struct config_ctx *ctx;
    const struct config_source *src;
    const struct df_file *f;
    struct strata_error *err;
    const unsigned char *facts; /* per instruction, DF_FACT_* bits */
};

/* Reports a finding of rule r about instruction in (severity NULL: the rule's). The message is
 * printf-formatted; control characters in it are shown as '?'. Returns 0 or an error. */
int df_emit(struct df_check *k, enum df_rule_id r, const char *severity,
            const struct df_instruction *in, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Is the rule enabled (the work for it may be skipped otherwise)? */
int df_enabled(const struct df_check *k, enum df_rule_id r);

/* The text for a message: runs of blanks collapsed, credentials redacted (checks_redact_text),
 * at most max bytes with "…" after a cut, control characters shown as '?'. Returns a malloc'd
 * string or NULL. */
char *df_snippet(const char *text, size_t n, size_t max);

/* What a file mode grants (chmod's octal and symbolic forms, COPY --chmod): */
#define DF_MODE_WORLD_WRITABLE 1u /* o+w without the sticky bit */
#define DF_MODE_SETUID 2u
#define DF_MODE_SETGID 4u
unsigned df_mode_bits(const char *mode);

/* The RUN rules (DF-006 … DF-012, DF-017, DF-021, DF-022) for one RUN instruction. */
int df_check_run(struct df_check *k, const struct df_instruction *in);

#endif
