/* Shared pieces of the command-line front end. Only src/cli may print or exit. */
#ifndef STRATA_CLI_H
#define STRATA_CLI_H

#include <stdint.h>

#include "strata/error.h"
#include "strata/report.h"

#define STRATA_VERSION "0.1.0"

enum cli_exit {
    EXIT_CLEAN = 0,
    EXIT_FINDINGS = 1,
    EXIT_USAGE = 2,
    EXIT_INTERNAL = 3,
};

int cmd_image(int argc, char **argv);
int cmd_fs(int argc, char **argv);
int cmd_sbom(int argc, char **argv);      /* src/cli/sbom_cmd.c: strata sbom FILE */
int cmd_version(int argc, char **argv);   /* src/cli/version_cmd.c: strata version compare */
int cmd_db(int argc, char **argv);        /* src/cli/db_cmd.c: strata db build|info|update */
int cmd_db_update(int argc, char **argv); /* src/cli/db_update_cmd.c: strata db update */

/* Prints "strata: <message>" and returns the exit code for the error. */
int cli_fail(const struct strata_error *err);
/* Prints "strata: <fmt>" plus a hint to run --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* src/cli/cli_util.c: option values. Both return 0, or -1 (leaving *out alone) when s is not
 * a valid value; the caller words the usage error, since only it knows the flag. */
/* A byte count: decimal digits with an optional K, M or G suffix (binary multiples), not
 * zero and not above UINT64_MAX. */
int cli_parse_size(const char *s, uint64_t *out);
/* A whole decimal number in lo..hi, nothing after it. */
int cli_parse_long(const char *s, long lo, long hi, long *out);

#endif
