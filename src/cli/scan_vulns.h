/* Vulnerability matching and gate flags shared by 'strata image' and 'strata fs'. */
#ifndef STRATA_CLI_SCAN_VULNS_H
#define STRATA_CLI_SCAN_VULNS_H

#include "cli/cli.h"
#include "policy/gate.h"
#include "strata/report.h"

enum {
    SCAN_OPT_DB = 2000,
    SCAN_OPT_NO_VULNS,
    SCAN_OPT_SEVERITY,
    SCAN_OPT_EXIT_CODE,
    SCAN_OPT_IGNORE_UNFIXED,
    SCAN_OPT_IGNOREFILE,
    SCAN_OPT_VEX,
    SCAN_OPT_SHOW_SUPPRESSED,
    SCAN_OPT_INCLUDE_OS_OWNED,
    SCAN_OPT_LICENSE_DENY,
};

#define SCAN_VULNS_LONG_OPTS                                                                       \
    {"db", required_argument, NULL, SCAN_OPT_DB},                                                  \
        {"no-vulns", no_argument, NULL, SCAN_OPT_NO_VULNS},                                        \
        {"severity", required_argument, NULL, SCAN_OPT_SEVERITY},                                  \
        {"exit-code", required_argument, NULL, SCAN_OPT_EXIT_CODE},                                \
        {"ignore-unfixed", no_argument, NULL, SCAN_OPT_IGNORE_UNFIXED},                            \
        {"ignorefile", required_argument, NULL, SCAN_OPT_IGNOREFILE},                              \
        {"vex", required_argument, NULL, SCAN_OPT_VEX},                                            \
        {"include-os-owned", no_argument, NULL, SCAN_OPT_INCLUDE_OS_OWNED},                        \
        {"license-deny", required_argument, NULL, SCAN_OPT_LICENSE_DENY},                          \
    {                                                                                              \
        "show-suppressed", no_argument, NULL, SCAN_OPT_SHOW_SUPPRESSED                             \
    }

struct scan_vulns {
    const char *db;
    int no_vulns;
    int gating; /* a gate flag was given: a database is then required */
    int exit_code;
    int show_suppressed;
    int include_os_owned;
    const char *license_deny; /* --license-deny LIST as given (checked when parsed) */
    struct gate_options gate;
};

extern const char scan_vulns_help[];

/* Handles one getopt result. Returns -1 when c is not one of these options, 0 when handled,
 * or an exit code (usage error). */
int scan_vulns_option(int c, const char *arg, struct scan_vulns *o, const char *cmd);

/* Applies --license-deny (the license pass again, now with the deny list), matches r against
 * the database and applies the gate. Returns 0 (then *status is the exit
 * status the findings ask for) or an exit code after printing the error. */
int scan_vulns_run(struct strata_report *r, struct scan_vulns *o, int quiet, int *status);

#endif
