/* Gate option values (cli_gate.h). */
#include "cli/cli_gate.h"

#include "cli/cli.h"
#include "policy/gate.h"

int cli_findings_format(const char *cmd, const char *arg, enum strata_format *out)
{
    enum strata_format f;
    if (strata_format_parse(arg, &f) != 0 ||
        (f != STRATA_FORMAT_TABLE && f != STRATA_FORMAT_JSON && f != STRATA_FORMAT_SARIF))
        return cli_usage_error(cmd, "--format: expected table, json or sarif, got '%s'", arg);
    *out = f;
    return 0;
}

int cli_severities(const char *cmd, const char *arg, unsigned *out)
{
    struct strata_error err = {0};
    if (gate_parse_severities(arg, out, &err) != 0)
        return cli_usage_error(cmd, "--severity: %s", err.msg);
    return 0;
}

int cli_exit_code(const char *cmd, const char *arg, int *out)
{
    long v;
    if (cli_parse_long(arg, 0, 255, &v) != 0)
        return cli_usage_error(cmd, "--exit-code: expected 0..255, got '%s'", arg);
    *out = (int)v;
    return 0;
}
