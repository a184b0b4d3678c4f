/* `strata sbom FILE`: the packages of a CycloneDX or SPDX JSON SBOM (strata's own or another
 * tool's), matched and gated exactly like `strata image`, with the same output formats. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

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

int cmd_sbom(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"help", no_argument, NULL, 'h'},
        CLI_REPORT_LONG_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "sbom ";
    struct cli_report_opts ro = {.format = STRATA_FORMAT_TABLE};
    struct scan_vulns sv = {0};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            printf(sbom_help, scan_vulns_help);
            return EXIT_CLEAN;
        default: {
            int rc = cli_report_option(c, argv, cmd, &ro, &sv);
            if (rc != 0)
                return rc;
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
    rc = scan_vulns_run(report, &sv, ro.quiet, &status);
    /* After matching, which starts the warnings afresh: what the SBOM could not tell is part
     * of the report in every format, like an OS without a feed. */
    for (size_t i = 0; rc == 0 && i < sr.n_warnings; i++) {
        if (!ro.quiet)
            fprintf(stderr, "strata: warning: %s\n", sr.warnings[i]);
        if (strata_report_add_vuln_warning(report, sr.warnings[i]) != 0)
            rc = EXIT_INTERNAL;
    }
    sbom_read_release(&sr);
    if (rc == 0)
        rc = cli_write_report(report, ro.format, ro.output, sv.show_suppressed);
    strata_report_free(report);
    return rc != 0 ? rc : status;
}
