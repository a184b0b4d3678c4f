#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: strata <command> [options]\n"
    "\n"
    "Layered container security, one binary, offline.\n"
    "\n"
    "commands:\n"
    "  image SRC   scan a container image: docker-archive tarball, OCI layout directory\n"
    "              or OCI archive (SRC[:REF], docker-archive:PATH, oci:PATH, oci-archive:PATH)\n"
    "  fs DIR      scan a root filesystem or unpacked directory\n"
    "  sbom FILE   check the packages of a CycloneDX or SPDX JSON SBOM for vulnerabilities\n"
    "  config PATH...\n"
    "              check Dockerfiles, Kubernetes manifests (Pod Security Standards),\n"
    "              docker-compose files and docker inspect output, with file:line:col\n"
    "  host        check a Docker host (a root tree, default /) against the CIS Docker\n"
    "              Benchmark sections 1-3 like docker-bench-security\n"
    "  netpol conn|audit|paths|suggest|diff PATH...\n"
    "              Kubernetes NetworkPolicies: who can reach whom, what is not isolated,\n"
    "              lateral-movement paths, least-privilege policies to add\n"
    "  sign --key KEY IMAGE\n"
    "              sign a registry image the way cosign does (sha256-<digest>.sig)\n"
    "  verify --key PUB IMAGE\n"
    "              check an image's cosign signatures with a public key\n"
    "  policy check --policy FILE IMAGE...\n"
    "              judge images (and references in Dockerfiles and manifests) against a\n"
    "              trust policy: registries, pinning, signatures, scan age, findings\n"
    "  watch --validate | --replay FILE\n"
    "              runtime detection with Falco-format rules: check rule files, or run\n"
    "              them over a recorded event stream\n"
    "  scans list  the scan records 'strata image' keeps (digest, time, database, counts)\n"
    "  db          build, update and inspect the vulnerability database\n"
    "              (db build | db update | db info)\n"
    "  version compare --type TYPE A B\n"
    "              compare two versions the way deb, apk, rpm, semver, pep440, go,\n"
    "              maven, gem, nuget or composer do (- instead of A B reads pairs\n"
    "              from stdin)\n"
    "\n"
    "options:\n"
    "  -h, --help     show help (also: strata <command> --help)\n"
    "  --version      print the version\n"
    "\n"
    "exit codes: 0 clean, 1 findings at or above the gate, 2 usage or input error,\n"
    "            3 internal error\n";

int cli_fail(const struct strata_error *err)
{
    fprintf(stderr, "strata: %s\n", err->msg[0] ? err->msg : "unknown error");
    return strata_error_exit_code(err->code);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("strata: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'strata %s--help')\n", cmd ? cmd : "");
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "version") == 0 && argc > 2)
        return cmd_version(argc - 1, argv + 1);
    if (strcmp(cmd, "db") == 0)
        return cmd_db(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("strata %s\n", STRATA_VERSION);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "image") == 0)
        return cmd_image(argc - 1, argv + 1);
    if (strcmp(cmd, "fs") == 0)
        return cmd_fs(argc - 1, argv + 1);
    if (strcmp(cmd, "sbom") == 0)
        return cmd_sbom(argc - 1, argv + 1);
    if (strcmp(cmd, "config") == 0)
        return cmd_config(argc - 1, argv + 1);
    if (strcmp(cmd, "host") == 0)
        return cmd_host(argc - 1, argv + 1);
    if (strcmp(cmd, "scans") == 0)
        return cmd_scans(argc - 1, argv + 1);
    if (strcmp(cmd, "sign") == 0)
        return cmd_sign(argc - 1, argv + 1);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    if (strcmp(cmd, "policy") == 0)
        return cmd_policy(argc - 1, argv + 1);
    if (strcmp(cmd, "netpol") == 0)
        return cmd_netpol(argc - 1, argv + 1);
    if (strcmp(cmd, "watch") == 0)
        return cmd_watch(argc - 1, argv + 1);
    fprintf(stderr, "strata: '%s' is not a command\n\n%s", cmd, usage);
    return EXIT_USAGE;
}
