/* Option values shared by the commands that report findings and gate on them (strata config,
 * strata netpol audit): each returns 0, or prints the usage error and returns its exit code. */
#ifndef STRATA_CLI_GATE_H
#define STRATA_CLI_GATE_H

#include "strata/reporter.h"

/* --format for a findings report: table, json or sarif. */
int cli_findings_format(const char *cmd, const char *arg, enum strata_format *out);
/* --severity LIST (LOW,MEDIUM,HIGH,CRITICAL) as the gate's bit set. */
int cli_severities(const char *cmd, const char *arg, unsigned *out);
/* --exit-code N, 0..255. */
int cli_exit_code(const char *cmd, const char *arg, int *out);

#endif
