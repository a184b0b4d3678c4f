/* Shared pieces of the command-line front end. Only src/cli may print or exit. */
#ifndef STRATA_CLI_H
#define STRATA_CLI_H

#include <stdint.h>

#include "strata/error.h"
#include "strata/report.h"
#include "strata/reporter.h"

#define STRATA_VERSION "0.1.0"

enum cli_exit {
    EXIT_CLEAN = 0,
    EXIT_FINDINGS = 1,
    EXIT_USAGE = 2,
    EXIT_INTERNAL = 3,
};

int cmd_image(int argc, char **argv);
int cmd_fs(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_config(int argc, char **argv);
/* src/cli/config_cmd.c: strata config PATH... */ /* src/cli/sbom_cmd.c: strata sbom FILE */
int cmd_version(int argc, char **argv);   /* src/cli/version_cmd.c: strata version compare */
int cmd_db(int argc, char **argv);        /* src/cli/db_cmd.c: strata db build|info|update */
int cmd_db_update(int argc, char **argv); /* src/cli/db_update_cmd.c: strata db update */
int cmd_host(int argc, char **argv);      /* src/cli/host_cmd.c: strata host */
int cmd_netpol(int argc, char **argv);    /* src/cli/netpol_cmd.c: strata netpol */
int cmd_scans(int argc, char **argv);     /* src/cli/scans_cmd.c: strata scans list */
int cmd_watch(int argc, char **argv);     /* src/cli/watch_cmd.c: strata watch */
int cmd_sign(int argc, char **argv);      /* src/cli/sign_cmd.c: strata sign */
int cmd_verify(int argc, char **argv);    /* src/cli/verify_cmd.c: strata verify */
int cmd_policy(int argc, char **argv);    /* src/cli/policy_cmd.c: strata policy check */
/* src/cli/watch_live.c: strata watch without --validate/--replay (the eBPF sensor), release */
int cmd_watch_live(int argc, char **argv);

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

/* src/cli/cli_util.c: what the reporting commands (image, fs, sbom) share. */
#define CLI_REPORT_LONG_OPTS                                                                       \
    {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},            \
        {"quiet", no_argument, NULL, 'q'}, SCAN_VULNS_LONG_OPTS
/* Their getopt short options are ":f:o:q" plus the command's own and 'h'. */
struct cli_report_opts {
    enum strata_format format; /* STRATA_FORMAT_TABLE unless -f */
    const char *output;        /* -o FILE, NULL for stdout */
    int quiet;                 /* -q */
};
struct scan_vulns;
/* Handles getopt_long's answer c that is not one of the command's own options: -f, -o, -q,
 * a missing value (':'), the vulnerability options (scan_vulns_option), else an unknown
 * option. Returns 0 when c was taken, or the exit code of the usage error (optind is read for
 * the option's name, as getopt leaves it). */
int cli_report_option(int c, char **argv, const char *cmd, struct cli_report_opts *o,
                      struct scan_vulns *sv);
/* src/cli/scans_cmd.c: records an image scan in the scan store (docs/policy.md); a failure
 * is a warning on stderr (unless quiet), never the scan's exit code. Reports without a digest
 * (strata fs) are not recorded. */
struct strata_scan_opts;
void cli_scan_record(const char *source, const struct strata_report *report,
                     const struct strata_scan_opts *so, const struct scan_vulns *sv, int quiet);
/* Writes the report in the format to output (stdout when NULL; colour only on a terminal
 * without NO_COLOR); a failed write removes the half-written file. Returns 0 or, after
 * printing the error, its exit code. */
int cli_write_report(const struct strata_report *report, enum strata_format format,
                     const char *output, int show_suppressed);

#endif
