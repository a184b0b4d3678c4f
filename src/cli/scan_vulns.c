/* The vulnerability and gate options shared by 'strata image' and 'strata fs': which
 * database, whether to match, and which findings fail the run. */
#include "cli/scan_vulns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "strata/license.h"
#include "strata/vulnscan.h"
#include "vulndb/vulndb.h"

const char scan_vulns_help[] =
    "vulnerabilities (see docs/gate.md):\n"
    "      --db FILE         vulnerability database (default: $STRATA_DB, else\n"
    "                        $XDG_CACHE_HOME/strata/db/strata.db); without one, packages are\n"
    "                        listed but not matched, and the report says so\n"
    "      --no-vulns        do not match packages against the database\n"
    "      --include-os-owned  also match language packages found in files an OS package\n"
    "                        owns (listed with os_package; by default the OS package's\n"
    "                        own advisories judge them: distributions patch them without\n"
    "                        changing the upstream version)\n"
    "      --severity LIST   only report (and gate on) these severities, comma-separated:\n"
    "                        UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL\n"
    "      --exit-code N     exit with N when a finding at the listed severities is not\n"
    "                        suppressed — a vulnerability, a secret or a misconfiguration —\n"
    "                        or a package has a denied license (default 0: findings do not\n"
    "                        change the exit code)\n"
    "      --ignore-unfixed  suppress findings that have no fixed version yet\n"
    "      --ignorefile FILE YAML list of {id, package, reason, expires} to suppress;\n"
    "                        an expired entry no longer suppresses and is warned about\n"
    "      --vex FILE        OpenVEX document: not_affected and fixed statements suppress\n"
    "      --license-deny LIST  packages whose license expression cannot be satisfied\n"
    "                        without one of these fail --exit-code: SPDX ids, globs\n"
    "                        (GPL-3.0*, AGPL-*) or categories (category:network-copyleft);\n"
    "                        see docs/licenses.md\n"
    "      --show-suppressed include suppressed findings, with why, in the report\n";

int scan_vulns_option(int c, const char *arg, struct scan_vulns *o, const char *cmd)
{
    struct strata_error err = {0};
    switch (c) {
    case SCAN_OPT_DB:
        o->db = arg;
        return 0;
    case SCAN_OPT_NO_VULNS:
        o->no_vulns = 1;
        return 0;
    case SCAN_OPT_SEVERITY:
        if (gate_parse_severities(arg, &o->gate.severities, &err) != 0)
            return cli_usage_error(cmd, "--severity: %s", err.msg);
        o->gating = 1;
        return 0;
    case SCAN_OPT_EXIT_CODE: {
        long v;
        if (cli_parse_long(arg, 0, 255, &v) != 0)
            return cli_usage_error(cmd, "--exit-code: expected 0..255, got '%s'", arg);
        o->exit_code = (int)v;
        o->gating = 1;
        return 0;
    }
    case SCAN_OPT_IGNORE_UNFIXED:
        o->gate.ignore_unfixed = 1;
        return 0;
    case SCAN_OPT_IGNOREFILE:
        o->gate.ignorefile = arg;
        o->gating = 1;
        return 0;
    case SCAN_OPT_VEX:
        o->gate.vex = arg;
        o->gating = 1;
        return 0;
    case SCAN_OPT_SHOW_SUPPRESSED:
        o->show_suppressed = 1;
        return 0;
    case SCAN_OPT_INCLUDE_OS_OWNED:
        o->include_os_owned = 1;
        return 0;
    case SCAN_OPT_LICENSE_DENY: {
        char **deny = NULL;
        int rc = strata_license_parse_deny(arg, &deny, &err);
        strata_license_deny_free(deny);
        if (rc != 0)
            return cli_usage_error(cmd, "--license-deny: %s", err.msg);
        o->license_deny = arg;
        return 0;
    }
    default:
        return -1;
    }
}

static int severity_listed(const struct strata_vulnerability *v, void *ctx)
{
    return gate_severity_selected(*(const unsigned *)ctx, v->severity);
}

int scan_vulns_run(struct strata_report *r, struct scan_vulns *o, int quiet, int *status)
{
    *status = EXIT_CLEAN;
    /* Again here (scans ran it without a deny list) so that SBOM input gets it too. */
    char **deny = NULL;
    struct strata_error lerr = {0};
    int lrc = o->license_deny ? strata_license_parse_deny(o->license_deny, &deny, &lerr) : 0;
    if (lrc == 0)
        lrc = strata_licenses_apply(r, (const char *const *)deny, &lerr);
    strata_license_deny_free(deny);
    if (lrc != 0)
        return cli_fail(&lerr);
    gate_keep_checks(r, o->gate.severities);
    /* Secrets, misconfigurations and denied licenses fail the run like vulnerabilities do. */
    if (o->exit_code != 0 && gate_count_checks(r, o->gate.severities) > 0)
        *status = o->exit_code;
    if (o->no_vulns)
        return 0;
    char path[4096];
    if (vulndb_default_path(o->db, path, sizeof path) != 0)
        return cli_usage_error(NULL, "the database path is too long");
    struct stat st;
    if (o->db == NULL && !o->gating && stat(path, &st) != 0) {
        /* No database and none asked for: list packages, and say plainly they were not
         * matched (a table without findings must not read as "no vulnerabilities"). */
        static const char how[] = "get one with 'strata db update', or 'strata db build "
                                  "--output FILE SOURCE...', or pass --db FILE";
        char msg[256];
        snprintf(msg, sizeof msg, "no vulnerability database (%s)", how);
        if (strata_report_add_vuln_warning(r, msg) != 0)
            return EXIT_INTERNAL;
        if (!quiet)
            fprintf(stderr, "strata: note: vulnerabilities not checked: no database at %s (%s)\n",
                    path, how);
        return 0;
    }
    struct strata_error err = {0};
    struct strata_match_options mo = {.include_os_owned = o->include_os_owned};
    if (strata_match_vulnerabilities(r, path, &mo, &err) != 0)
        return cli_fail(&err);
    /* --severity also decides what is shown: findings outside the list are dropped. */
    strata_report_keep_vulnerabilities(r, severity_listed, &o->gate.severities);
    size_t failing = 0;
    if (gate_apply(r, &o->gate, &failing, &err) != 0)
        return cli_fail(&err);
    if (!quiet)
        for (size_t i = 0; i < r->vuln_scan.n_warnings; i++)
            fprintf(stderr, "strata: warning: %s\n", r->vuln_scan.warnings[i]);
    if (failing > 0 && o->exit_code != 0)
        *status = o->exit_code;
    return 0;
}
