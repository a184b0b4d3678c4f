/* Option-value parsers shared by the commands (image/fs, db update), so that the same flag
 * syntax is accepted, and refused, the same way everywhere; and the options and report output
 * the reporting commands (image, fs, sbom) share. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/scan_vulns.h"

int cli_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    /* strtoull accepts "-1" and wraps it to a huge value; a size is never negative. */
    if (errno || end == s || s[0] == '-')
        return -1;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    /* Zero is refused: every size option is a limit, and a limit of 0 would refuse all. */
    if (*end != '\0' || v == 0 || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int cli_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cli_report_option(int c, char **argv, const char *cmd, struct cli_report_opts *o,
                      struct scan_vulns *sv)
{
    switch (c) {
    case 'f':
        if (strata_format_parse(optarg, &o->format) != 0)
            return cli_usage_error(cmd,
                                   "--format: unknown format '%s' (table, json, "
                                   "sarif, cyclonedx, spdx)",
                                   optarg);
        return 0;
    case 'o':
        o->output = optarg;
        return 0;
    case 'q':
        o->quiet = 1;
        return 0;
    case ':':
        return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
    default: {
        int rc = c == '?' ? -1 : scan_vulns_option(c, optarg, sv, cmd);
        if (rc >= 0)
            return rc;
        return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
    }
    }
}

int cli_write_report(const struct strata_report *report, enum strata_format format,
                     const char *output, int show_suppressed)
{
    struct strata_error err = {0};
    FILE *out = stdout;
    if (output && (out = fopen(output, "w")) == NULL) {
        strata_error_set(&err, STRATA_EIO, "%s: %s", output, strerror(errno));
        return cli_fail(&err);
    }
    struct strata_report_write_opts wo = {
        .tool_version = STRATA_VERSION,
        .color = output == NULL && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL,
        .show_suppressed = show_suppressed,
    };
    int rc = strata_report_write(report, format, out, &wo, &err);
    if (out != stdout && fclose(out) != 0 && rc == 0)
        rc = strata_error_set(&err, STRATA_EIO, "%s: %s", output, strerror(errno));
    if (rc != 0) {
        if (output)
            unlink(output);
        return cli_fail(&err);
    }
    return 0;
}
