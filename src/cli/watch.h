/* What `strata watch`'s offline modes (watch_cmd.c: --validate, --replay) share with the live
 * sensor's front end (watch_live.c): loading the rule files. */
#ifndef STRATA_CLI_WATCH_H
#define STRATA_CLI_WATCH_H

#include <stddef.h>

#include "runtime/rules.h"
#include "strata/error.h"

#define WATCH_MAX_RULE_FILES 64

/* Where the default pack is looked for when no --rules is given, in order: $STRATA_RULES
 * (a file), DIR/../rules/runtime.yaml and DIR/../share/strata/rules/runtime.yaml for the
 * directory DIR of the strata binary, /usr/share/strata/rules/runtime.yaml. Writes the first
 * that exists into buf; otherwise STRATA_ENOTFOUND naming every place tried. */
int watch_default_rules(char *buf, size_t cap, struct strata_error *err);

/* Loads the rule files in order (the default pack when n is 0) and compiles them. Warnings
 * go to stderr unless quiet. 0 and *out, or the error (file:line:col …) in err. */
int watch_load_rules(const char *const *files, size_t n, int quiet, struct rt_rules **out,
                     struct strata_error *err);

#endif
