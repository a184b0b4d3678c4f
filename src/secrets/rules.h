/* The rule model shared by the YAML loader and the compiler (internal to src/secrets). */
#ifndef STRATA_SECRETS_RULES_H
#define STRATA_SECRETS_RULES_H

#include <stddef.h>

#include "secrets/secrets.h"

/* Where a value came from, for error messages. */
struct secrets_where {
    char *file;
    int line, col;
};

struct secrets_list {
    char **items;
    struct secrets_where *where;
    size_t n;
};

struct secrets_rule {
    char *id;
    char *title;
    enum secrets_severity severity;
    struct secrets_list keywords; /* lowercase literals */
    char *prefix;                 /* context before the secret (optional) */
    char *regex;                  /* the secret */
    char *suffix;                 /* context after the secret (optional) */
    struct secrets_where regex_at;
    double entropy;            /* minimum, 0 = none */
    struct secrets_list allow; /* regexes of known placeholder values */
};

struct secrets_rules {
    struct secrets_rule *rules;
    size_t n, cap;
    struct secrets_list allow_paths;  /* fnmatch globs */
    struct secrets_list allow_values; /* regexes */
};

int secrets_rules_parse(struct secrets_rules *rs, const char *name, const char *data, size_t len,
                        struct strata_error *err);
void secrets_rules_clear(struct secrets_rules *rs);
void secrets_rule_clear(struct secrets_rule *r);
void secrets_list_clear(struct secrets_list *l);

#endif
