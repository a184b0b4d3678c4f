/* `strata config PATH…`: Dockerfiles, Kubernetes manifests, docker-compose files and
 * `docker inspect` output, checked with one rule engine (src/checks/config*.c) into the one
 * report model. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/config.h"
#include "checks/config_walk.h"
#include "cli/cli.h"
#include "cli/cli_gate.h"
#include "policy/gate.h"

static const char config_help[] =
    "usage: strata config [options] PATH...\n"
    "\n"
    "Check Dockerfiles, Kubernetes manifests, docker-compose files and 'docker inspect'\n"
    "output for misconfigurations: running as root, privileges and capabilities, host\n"
    "namespaces and mounts, unpinned images and packages, secrets in plain text, the Pod\n"
    "Security Standards (baseline, restricted) and the CIS Docker Benchmark's container\n"
    "rules. Every finding has its file, line and column, the resource it is about and a\n"
    "remediation.\n"
    "\n"
    "PATH is a file, a directory (walked recursively; hidden directories, node_modules and\n"
    "vendor are skipped, files of other kinds ignored) or '-' for stdin. The kind of each\n"
    "file comes from its name (Dockerfile, *.Dockerfile, docker-compose*.yml, compose.yaml)\n"
    "and its content (apiVersion/kind, services:, docker inspect's Id/HostConfig).\n"
    "\n"
    "options:\n"
    "  -f, --format FMT      table (default), json, sarif\n"
    "  -o, --output FILE     write the report to FILE instead of stdout\n"
    "      --kind KIND       treat every file as KIND: dockerfile, kubernetes, compose,\n"
    "                        docker-inspect (needed for stdin of an ambiguous kind)\n"
    "      --rules FILE      YAML {disable: [IDS], enable: [IDS]}: turn rules off, or run only\n"
    "                        the listed ones\n"
    "      --pss LEVEL       check exactly the Pod Security Standards level: baseline or\n"
    "                        restricted (other rules off); the JSON's pss[] says the level\n"
    "                        each workload satisfies\n"
    "      --severity LIST   only report (and gate on) these severities:\n"
    "                        LOW,MEDIUM,HIGH,CRITICAL\n"
    "      --exit-code N     exit with N when a finding at the listed severities remains\n"
    "                        (with --pss: when a workload violates the level)\n"
    "  -q, --quiet           no notes on stderr\n"
    "  -h, --help            this help\n"
    "\n"
    "A finding is suppressed by a comment naming its rule, with the reason, on its line or\n"
    "the line above:  # strata:ignore DF-002 the base image is pinned by CI\n"
    "\n"
    "exit codes: 0 clean, N (--exit-code) findings, 2 usage error or a file that could not\n"
    "be read or parsed (the others are still checked and reported), 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata config .\n"
    "  strata config --pss restricted --exit-code 1 k8s/\n"
    "  strata config --format sarif -o config.sarif Dockerfile deploy/ docker-compose.yml\n"
    "  docker inspect web | strata config --kind docker-inspect -\n";

enum {
    OPT_KIND = 1000,
    OPT_RULES,
    OPT_PSS,
    OPT_SEVERITY,
    OPT_EXIT_CODE,
};

struct error_sink {
    int quiet;
};

static void print_file_error(const struct strata_error *err, void *user)
{
    (void)user;
    fprintf(stderr, "strata: %s\n", err->msg);
}

int cmd_config(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"kind", required_argument, NULL, OPT_KIND},
        {"rules", required_argument, NULL, OPT_RULES},
        {"pss", required_argument, NULL, OPT_PSS},
        {"severity", required_argument, NULL, OPT_SEVERITY},
        {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "config ";
    enum strata_format format = STRATA_FORMAT_TABLE;
    const char *output = NULL;
    int quiet = 0, exit_code = 0;
    unsigned severities = 0;
    enum config_kind force = CONFIG_UNKNOWN;
    struct config_options co = {0};
    struct strata_error err = {0};
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((rc = cli_findings_format(cmd, optarg, &format)) != 0)
                return rc;
            break;
        case 'o':
            output = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case OPT_KIND:
            if ((force = config_kind_parse(optarg)) == CONFIG_UNKNOWN)
                return cli_usage_error(cmd,
                                       "--kind: expected dockerfile, kubernetes, compose or "
                                       "docker-inspect, got '%s'",
                                       optarg);
            break;
        case OPT_RULES:
            co.rules_file = optarg;
            break;
        case OPT_PSS:
            if (strcmp(optarg, "baseline") == 0)
                co.pss_level = 1;
            else if (strcmp(optarg, "restricted") == 0)
                co.pss_level = 2;
            else
                return cli_usage_error(cmd, "--pss: expected baseline or restricted, got '%s'",
                                       optarg);
            break;
        case OPT_SEVERITY:
            if ((rc = cli_severities(cmd, optarg, &severities)) != 0)
                return rc;
            break;
        case OPT_EXIT_CODE:
            if ((rc = cli_exit_code(cmd, optarg, &exit_code)) != 0)
                return rc;
            break;
        case 'h':
            fputs(config_help, stdout);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(cmd, "missing PATH");

    struct strata_report *r = strata_report_new();
    if (r == NULL)
        return EXIT_INTERNAL;
    int oom = 0;
    r->target.name =
        strata_strdup_or_null(argc - optind == 1 ? argv[optind] : "(several paths)", &oom);
    r->target.kind = strata_strdup_or_null("config", &oom);
    struct config_ctx *ctx = NULL;
    rc = oom ? strata_error_nomem(&err) : config_ctx_new(&co, r, &ctx, &err);
    if (rc != 0) {
        strata_report_free(r);
        return cli_fail(&err);
    }
    struct config_walk_stats st = {0};
    rc = config_check_paths(ctx, (const char *const *)argv + optind, (size_t)(argc - optind), force,
                            print_file_error, NULL, &st, &err);
    size_t suppressed = config_ctx_suppressed(ctx);
    config_ctx_free(ctx);
    if (rc != 0) {
        strata_report_free(r);
        return cli_fail(&err);
    }
    strata_report_sort_misconfigurations(r);
    gate_keep_checks(r, severities);
    if (!quiet) {
        fprintf(stderr, "strata: %zu file%s checked", st.files, st.files == 1 ? "" : "s");
        if (suppressed > 0)
            fprintf(stderr, ", %zu finding%s suppressed by strata:ignore comments", suppressed,
                    suppressed == 1 ? "" : "s");
        if (st.failed > 0)
            fprintf(stderr, ", %zu could not be checked", st.failed);
        fputc('\n', stderr);
    }
    int status = exit_code != 0 && gate_count_checks(r, severities) > 0 ? exit_code : EXIT_CLEAN;
    rc = cli_write_report(r, format, output, 0);
    strata_report_free(r);
    if (rc != 0)
        return rc;
    if (st.failed > 0)
        return EXIT_USAGE;
    return status;
}
