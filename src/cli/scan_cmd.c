/* `strata image` and `strata fs`: same flags, same output; they differ in the source. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/trust_cli.h"
#include "cli/scan_vulns.h"
#include "source/image_source.h"
#include "source/registry.h"
#include "strata/analyzer.h"
#include "strata/reporter.h"
#include "strata/scan.h"

static const char image_help[] =
    "usage: strata image [options] SRC\n"
    "\n"
    "Scan a container image without unpacking it to disk: the OS, its packages (deb, apk,\n"
    "rpm), the layer that installed each one, and the known vulnerabilities of those\n"
    "packages (from the database 'strata db' builds).\n"
    "\n"
    "SRC is one of\n"
    "  app.tar                    docker-archive (docker save) or OCI archive, detected\n"
    "  app.tar:example.com/a:1.0  pick an image by RepoTag (docker-archive) or by\n"
    "  layout-dir:1.0             org.opencontainers.image.ref.name (OCI)\n"
    "  docker-archive:PATH, oci:PATH, oci-archive:PATH   force the format\n"
    "  ghcr.io/org/app:1.2        pull from a registry (a reference naming its registry\n"
    "  127.0.0.1:5000/app@sha256:…  host; a local path of that name wins)\n"
    "  registry:REF, docker://REF force the registry: docker://debian:12 is Docker Hub\n"
    "\n"
    "options:\n"
    "  -f, --format FMT      table (default), json, sarif, cyclonedx, spdx\n"
    "  -o, --output FILE     write the report to FILE instead of stdout\n"
    "      --platform P      os/arch[/variant] to pick from a multi-platform index\n"
    "  -j, --jobs N          layers to read in parallel (default: number of CPUs)\n"
    "      --max-layer-size BYTES  refuse layers that expand beyond this (default 16G;\n"
    "                        suffixes K, M, G)\n"
    "      --pkg-types LIST  which packages to look for: os (deb, apk, rpm), library\n"
    "                        (npm, Python, Go, Java, …); default os,library\n"
    "  -q, --quiet           no progress output\n"
    "  -h, --help            this help\n"
    "\n"
    "registry images (see docs/registry.md):\n"
    "      --platform P      also picks from a registry's multi-platform index (default: this\n"
    "                        machine's, e.g. linux/amd64)\n"
    "      --username USER   with --password-stdin (or --password PASS, visible to ps):\n"
    "      --password-stdin  credentials; default: the \"auths\" of $DOCKER_CONFIG/config.json\n"
    "                        or ~/.docker/config.json, else anonymous\n"
    "      --insecure        talk plain HTTP to the registry (never without this flag)\n"
    "      --ca-file FILE    trust these PEM CAs too (default also $SSL_CERT_FILE)\n"
    "      --timeout SECONDS bound on each registry request, retries included (default 300)\n"
    "Layers are kept in $XDG_CACHE_HOME/strata/blobs by digest and not downloaded again.\n"
    "\n"
    "%s"
    "\n"
    "Every layer's diffID and every blob digest is checked; a mismatch, a truncated or\n"
    "hostile archive ends with exit code 2 and a message naming the archive, the layer and\n"
    "the path or offset.\n"
    "\n"
    "%s"
    "\n"
    "exit codes: 0 clean, N (--exit-code) findings at the listed severities, 2 usage or\n"
    "input error (also a missing database when a gate flag is given), 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata image app.tar\n"
    "  strata image --severity HIGH,CRITICAL --exit-code 1 app.tar\n"
    "  strata image --format sarif -o strata.sarif --ignorefile .strataignore.yaml app.tar\n"
    "  strata image --format cyclonedx -o sbom.json oci-archive:app.oci.tar:1.0\n"
    "  strata image --platform linux/arm64 ghcr.io/org/app:1.2\n"
    "  echo \"$TOKEN\" | strata image --username ci --password-stdin registry.example.com/app:1\n";

static const char fs_help[] =
    "usage: strata fs [options] DIR\n"
    "\n"
    "Scan a root filesystem or unpacked directory with the same analyzers as 'strata\n"
    "image' (no layers: layer_index is null in reports). Symlinks are not followed.\n"
    "\n"
    "options:\n"
    "  -f, --format FMT      table (default), json, sarif, cyclonedx, spdx\n"
    "  -o, --output FILE     write the report to FILE instead of stdout\n"
    "      --pkg-types LIST  which packages to look for: os (deb, apk, rpm), library\n"
    "                        (npm, Python, Go, Java, …); default os,library\n"
    "  -q, --quiet           no progress output\n"
    "  -h, --help            this help\n"
    "\n"
    "%s"
    "\n"
    "%s"
    "\n"
    "exit codes: 0 clean, N (--exit-code) findings at the listed severities, 2 usage or\n"
    "input error, 3 internal error\n";

static const char checks_help[] =
    "secrets and hardening checks (see docs/secrets.md, docs/checks-image.md):\n"
    "      --no-secrets      do not look for secrets (files of every layer, config, history)\n"
    "      --secret-rules FILE  add a secrets rule file (repeatable; a file with\n"
    "                        'replace: true' replaces the built-in rules, and its 'allow'\n"
    "                        section allow-lists paths and values)\n"
    "      --no-checks       do not run the image hardening checks (CIS-DI-*, DKL-DI-*, …)\n"
    "      --setuid-allow GLOB  setuid/setgid files expected in this image (absolute path\n"
    "                        glob, repeatable): reported LOW, like the default allow-list\n"
    "Secrets, checks and --license-deny findings count for --severity and --exit-code.\n";

enum {
    OPT_PLATFORM = 1000,
    OPT_MAX_LAYER,
    OPT_PKG_TYPES,
    OPT_NO_SECRETS,
    OPT_SECRET_RULES,
    OPT_NO_CHECKS,
    OPT_SETUID_ALLOW,
};

/* Repeated options' values, NULL-terminated for the library. */
#define SCAN_MAX_LIST 64
struct opt_list {
    const char *v[SCAN_MAX_LIST + 1];
    size_t n;
};

static int list_add(struct opt_list *l, const char *v, const char *cmd, const char *opt)
{
    if (l->n >= SCAN_MAX_LIST)
        return cli_usage_error(cmd, "%s: at most %d times", opt, SCAN_MAX_LIST);
    if (*v == '\0')
        return cli_usage_error(cmd, "%s: empty value", opt);
    l->v[l->n++] = v;
    return 0;
}

static int run(int argc, char **argv, int is_image)
{
    static const struct option long_opts[] = {
        {"platform", required_argument, NULL, OPT_PLATFORM},
        {"jobs", required_argument, NULL, 'j'},
        {"max-layer-size", required_argument, NULL, OPT_MAX_LAYER},
        {"pkg-types", required_argument, NULL, OPT_PKG_TYPES},
        {"no-secrets", no_argument, NULL, OPT_NO_SECRETS},
        {"secret-rules", required_argument, NULL, OPT_SECRET_RULES},
        {"no-checks", no_argument, NULL, OPT_NO_CHECKS},
        {"setuid-allow", required_argument, NULL, OPT_SETUID_ALLOW},
        TRUST_REGISTRY_LONG_OPTS,
        {"help", no_argument, NULL, 'h'},
        CLI_REPORT_LONG_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *cmd = is_image ? "image " : "fs ";
    struct cli_report_opts ro = {.format = STRATA_FORMAT_TABLE};
    struct strata_scan_opts so = {0};
    struct scan_vulns sv = {0};
    struct opt_list rules = {0}, setuid = {0};
    struct trust_registry reg = {0};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:j:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_PLATFORM:
            if (!is_image)
                return cli_usage_error(cmd, "--platform applies to images only");
            so.platform = optarg;
            break;
        case 'j': {
            long v;
            if (cli_parse_long(optarg, 1, 64, &v) != 0)
                return cli_usage_error(cmd, "--jobs: expected 1..64, got '%s'", optarg);
            so.jobs = (int)v;
            break;
        }
        case OPT_MAX_LAYER:
            if (cli_parse_size(optarg, &so.max_layer_bytes) != 0)
                return cli_usage_error(cmd,
                                       "--max-layer-size: expected a size like 512M or "
                                       "4G, got '%s'",
                                       optarg);
            break;
        case OPT_PKG_TYPES: {
            struct strata_error perr = {0};
            if (strata_pkg_types_parse(optarg, &so.pkg_types, &perr) != 0)
                return cli_usage_error(cmd, "--pkg-types: %s", perr.msg);
            break;
        }
        case OPT_NO_SECRETS:
            so.skip |= STRATA_SCANNER_SECRETS;
            break;
        case OPT_NO_CHECKS:
            so.skip |= STRATA_SCANNER_MISCONFIG;
            break;
        case OPT_SECRET_RULES:
            if ((c = list_add(&rules, optarg, cmd, "--secret-rules")) != 0)
                return c;
            break;
        case OPT_SETUID_ALLOW:
            if ((c = list_add(&setuid, optarg, cmd, "--setuid-allow")) != 0)
                return c;
            break;
        case TRUST_OPT_INSECURE:
        case TRUST_OPT_CA_FILE:
        case TRUST_OPT_TIMEOUT:
        case TRUST_OPT_USERNAME:
        case TRUST_OPT_PASSWORD:
        case TRUST_OPT_PASSWORD_STDIN:
            if (!is_image)
                return cli_usage_error(cmd, "%s applies to registry images only", argv[optind - 1]);
            if ((c = trust_registry_option(c, optarg, &reg, cmd)) != 0)
                return c;
            break;
        case 'h':
            printf(is_image ? image_help : fs_help, checks_help, scan_vulns_help);
            return EXIT_CLEAN;
        default: {
            int rc = cli_report_option(c, argv, cmd, &ro, &sv);
            if (rc != 0)
                return rc;
        }
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, optind >= argc ? "missing %s" : "expected one %s",
                               is_image ? "SRC" : "DIR");
    const char *target = argv[optind];
    if ((c = trust_registry_finish(&reg, cmd)) != 0)
        return c;
    so.progress = !ro.quiet && isatty(STDERR_FILENO);
    reg.o.progress = so.progress;
    so.registry = &reg.o;
    so.secret_rules = rules.n ? rules.v : NULL;
    so.setuid_allow = setuid.n ? setuid.v : NULL;

    struct strata_error err = {0};
    struct strata_report *report = NULL;
    int rc = is_image ? strata_scan_image(target, &so, &report, &err)
                      : strata_scan_fs(target, &so, &report, &err);
    trust_registry_clear(&reg);
    if (rc != 0)
        return cli_fail(&err);
    int status;
    rc = scan_vulns_run(report, &sv, ro.quiet, &status);
    if (rc != 0) {
        strata_report_free(report);
        return rc;
    }
    /* the trust policy's scan-age rules read these records (docs/policy.md) */
    if (is_image)
        cli_scan_record(target, report, &so, &sv, ro.quiet);

    rc = cli_write_report(report, ro.format, ro.output, sv.show_suppressed);
    strata_report_free(report);
    return rc != 0 ? rc : status;
}

int cmd_image(int argc, char **argv)
{
    return run(argc, argv, 1);
}

int cmd_fs(int argc, char **argv)
{
    return run(argc, argv, 0);
}
