/* `strata sbom FILE`: the packages of a CycloneDX or SPDX JSON SBOM (strata's own or another
 * tool's), matched and gated exactly like `strata image`, with the same output formats. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/scan_vulns.h"
#include "source/sbom.h"
#include "strata/reporter.h"

static const char sbom_help[] =
    "usage: strata sbom [options] FILE\n"
    "\n"
    "Check the packages an SBOM lists for known vulnerabilities, with the same database,\n"
    "gate and reports as 'strata image'. Packages are identified by their purl; the OS\n"
    "(for deb, apk and rpm packages) comes from the SBOM's operating-system component, else\n"
    "from the purls' distro qualifier. See docs/strata-sbom.md.\n"
    "\n"
    "FILE is JSON: CycloneDX 1.2 to 1.6 (bomFormat \"CycloneDX\") or SPDX 2.2/2.3\n"
    "(spdxVersion), as written by strata, Syft, Trivy, cdxgen and others. XML CycloneDX,\n"
    "SPDX tag-value and SPDX 3 are not read.\n"
    "\n"
    "options:\n"
    "  -f, --format FMT      table (default), json, sarif, cyclonedx, spdx\n"
    "  -o, --output FILE     write the report to FILE instead of stdout\n"
    "  -q, --quiet           no progress output, no warnings on stderr\n"
    "  -h, --help            this help\n"
    "\n"
    "Components without a purl, purls that do not parse and purl types strata has no\n"
    "advisories for are counted in a warning (stderr and the report), never dropped\n"
    "silently. A file that is not JSON, not an SBOM or malformed ends with exit code 2 and\n"
    "a message naming the file and the line:column or member.\n"
    "\n"
    "%s"
    "\n"
    "exit codes: 0 clean, N (--exit-code) findings at the listed severities, 2 usage or\n"
    "input error (also a missing database when a gate flag is given), 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata sbom sbom.cdx.json\n"
    "  strata sbom --severity HIGH,CRITICAL --exit-code 1 syft.spdx.json\n"
    "  strata image -q --format cyclonedx -o app.cdx.json app.tar && strata sbom app.cdx.json\n";

static int write_report(const struct strata_report *report, enum strata_format format,
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

int cmd_sbom(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        SCAN_VULNS_LONG_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "sbom ";
    enum strata_format format = STRATA_FORMAT_TABLE;
    const char *output = NULL;
    struct scan_vulns sv = {0};
    int quiet = 0;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strata_format_parse(optarg, &format) != 0)
                return cli_usage_error(cmd,
                                       "--format: unknown format '%s' (table, json, "
                                       "sarif, cyclonedx, spdx)",
                                       optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            printf(sbom_help, scan_vulns_help);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default: {
            int rc = c == '?' ? -1 : scan_vulns_option(c, optarg, &sv, cmd);
            if (rc > 0)
                return rc;
            if (rc == 0)
                break;
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, optind >= argc ? "missing %s" : "expected one %s", "FILE");

    struct strata_error err = {0};
    struct strata_report *report = strata_report_new();
    if (report == NULL)
        return cli_fail((strata_error_nomem(&err), &err));
    struct sbom_read sr;
    int rc = sbom_read_file(argv[optind], report, &sr, &err);
    if (rc != 0) {
        sbom_read_release(&sr);
        strata_report_free(report);
        return cli_fail(&err);
    }
    int status;
    rc = scan_vulns_run(report, &sv, quiet, &status);
    /* After matching, which starts the warnings afresh: what the SBOM could not tell is part
     * of the report in every format, like an OS without a feed. */
    for (size_t i = 0; rc == 0 && i < sr.n_warnings; i++) {
        if (!quiet)
            fprintf(stderr, "strata: warning: %s\n", sr.warnings[i]);
        if (strata_report_add_vuln_warning(report, sr.warnings[i]) != 0)
            rc = EXIT_INTERNAL;
    }
    sbom_read_release(&sr);
    if (rc == 0)
        rc = write_report(report, format, output, sv.show_suppressed);
    strata_report_free(report);
    return rc != 0 ? rc : status;
}
