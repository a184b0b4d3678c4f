/* `strata host`: the CIS Docker Benchmark host checks over a root tree (docs/strata-host.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checks/host.h"
#include "cli/cli.h"

static const char help[] =
    "usage: strata host [options]\n"
    "\n"
    "Check a Docker host against the CIS Docker Benchmark 1.6.0, sections 1-3 and the\n"
    "daemon-level part of section 5, the way docker-bench-security does: audit rules,\n"
    "the partition of Docker's data directory, the daemon's options (docker.service's\n"
    "ExecStart and daemon.json), and the owner and mode of the daemon's files and sockets.\n"
    "Everything is read from a root filesystem tree, so a mounted image or a copy of a host\n"
    "can be checked; symbolic links never lead out of it.\n"
    "\n"
    "options:\n"
    "      --root DIR        the root filesystem to check (default /)\n"
    "      --mounts FILE     the mount table (/proc/mounts format) for 1.1.1; default\n"
    "                        DIR/proc/mounts, else DIR/etc/fstab\n"
    "  -f, --format FMT      table (default) or json\n"
    "  -o, --output FILE     write the results to FILE instead of stdout\n"
    "      --exit-code N     exit with N when a check is WARN (default 0)\n"
    "  -h, --help            this help\n"
    "\n"
    "Each result is PASS, WARN, INFO (not applicable, or not set) or NOTE (a manual check),\n"
    "with the benchmark number and title docker-bench-security prints.\n"
    "\n"
    "exit codes: 0 done, N (--exit-code) some check is WARN, 2 usage or input error (a\n"
    "daemon.json that is not JSON), 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata host\n"
    "  strata host --root /mnt/host --mounts /mnt/host-mounts --format json -o host.json\n";

enum { OPT_ROOT = 1000, OPT_MOUNTS, OPT_EXIT_CODE };

static int write_out(const struct host_report *r, int json, const char *output)
{
    FILE *out = stdout;
    if (output != NULL && (out = fopen(output, "w")) == NULL) {
        fprintf(stderr, "strata: %s: %s\n", output, strerror(errno));
        return EXIT_USAGE;
    }
    int rc = json ? host_write_json(r, out) : host_write_table(r, out);
    if (out != stdout && fclose(out) != 0 && rc == 0)
        rc = errno ? errno : EIO;
    if (rc != 0) {
        fprintf(stderr, "strata: %s: %s\n", output ? output : "stdout", strerror(rc));
        if (output)
            unlink(output);
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_host(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"mounts", required_argument, NULL, OPT_MOUNTS},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct host_options o = {.root = "/"};
    const char *output = NULL;
    int json = 0, c;
    long exit_code = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:h", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_ROOT:
            if (*optarg == '\0')
                return cli_usage_error("host ", "--root: empty value");
            o.root = optarg;
            break;
        case OPT_MOUNTS:
            if (*optarg == '\0')
                return cli_usage_error("host ", "--mounts: empty value");
            o.mounts_file = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "table") == 0)
                json = 0;
            else if (strcmp(optarg, "json") == 0)
                json = 1;
            else
                return cli_usage_error("host ", "--format: unknown format '%s' (table, json)",
                                       optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case OPT_EXIT_CODE:
            if (cli_parse_long(optarg, 0, 255, &exit_code) != 0)
                return cli_usage_error("host ", "--exit-code: expected 0..255, got '%s'", optarg);
            break;
        case 'h':
            fputs(help, stdout);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error("host ", "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("host ", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error("host ", "unexpected argument '%s'", argv[optind]);

    struct strata_error err = {0};
    struct host_report *r = NULL;
    if (host_run(&o, &r, &err) != 0)
        return cli_fail(&err);
    int rc = write_out(r, json, output);
    int warn = r->totals[HOST_WARN] > 0;
    host_report_free(r);
    if (rc != 0)
        return rc;
    return warn ? (int)exit_code : EXIT_CLEAN;
}
