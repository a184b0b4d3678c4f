/* `strata scans list`: the scan records `strata image` leaves in the scan store
 * (src/policy/scan_store.h), and cli_scan_record, the call that leaves them. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/scan_vulns.h"
#include "core/digest.h"
#include "policy/scan_store.h"
#include "strata/scan.h"

static const char scans_help[] =
    "usage: strata scans list [options]\n"
    "\n"
    "List the scan records 'strata image' leaves in the local scan store, newest first: the\n"
    "image (reference and digest), when it was scanned, the build time of the vulnerability\n"
    "database used, the findings per severity, secrets and image-check findings. 'strata\n"
    "policy check' judges an image by its newest record (docs/policy.md).\n"
    "\n"
    "options:\n"
    "  -f, --format FMT      table (default) or json\n"
    "      --digest DIGEST   only the records of this image digest (sha256:…)\n"
    "  -n, --limit N         at most N records (default 50; 0 = all, up to 100000)\n"
    "      --scans-db FILE   the scan store (default: $STRATA_SCANS_DB, else scans.db next\n"
    "                        to the default vulnerability database)\n"
    "  -h, --help            this help\n"
    "\n"
    "Columns: C/H/M/L/U are CRITICAL/HIGH/MEDIUM/LOW/UNKNOWN vulnerabilities not suppressed\n"
    "by an ignore file or VEX, with how many of them have a fix in parentheses; '-' when the\n"
    "scan did not match vulnerabilities.\n"
    "\n"
    "exit codes: 0 listed (also when empty), 2 usage error or an unreadable store\n"
    "\n"
    "examples:\n"
    "  strata scans list\n"
    "  strata scans list -f json --digest sha256:816e677a…\n";

enum { OPT_DIGEST = 1000, OPT_SCANS_DB };

static void format_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "%lld", (long long)t);
}

static const char *const sev_keys[SCAN_SEVERITIES] = {"unknown", "low", "medium", "high",
                                                      "critical"};

static json_t *record_json(const struct scan_record *r, int *bad)
{
    char when[32];
    format_time(r->scanned_at, when, sizeof when);
    json_t *o = json_object(), *v = json_object(), *fx = json_object();
    *bad |= o == NULL || v == NULL || fx == NULL;
    *bad |= json_object_set_new(o, "id", json_integer(r->id)) != 0;
    *bad |= json_object_set_new(o, "reference", json_string(r->reference)) != 0;
    *bad |= json_object_set_new(o, "source", json_string(r->source)) != 0;
    *bad |= json_object_set_new(o, "kind", json_string(r->kind)) != 0;
    *bad |= json_object_set_new(o, "digest", json_string(r->digest)) != 0;
    *bad |= json_object_set_new(o, "scanned_at", json_string(when)) != 0;
    *bad |= json_object_set_new(o, "db_built_at",
                                r->db_built_at ? json_string(r->db_built_at) : json_null()) != 0;
    *bad |= json_object_set_new(o, "vulnerabilities_checked", json_boolean(r->vulns_checked)) != 0;
    *bad |= json_object_set_new(o, "secrets_checked", json_boolean(r->secrets_checked)) != 0;
    *bad |= json_object_set_new(o, "checks_checked", json_boolean(r->checks_checked)) != 0;
    json_t *filter = json_array();
    for (int k = SCAN_SEVERITIES - 1; k >= 0 && r->severity_filter; k--)
        if (r->severity_filter & (1u << k))
            *bad |= json_array_append_new(filter, json_string(sev_keys[k])) != 0;
    *bad |= json_object_set_new(o, "severity_filter", filter) != 0;
    *bad |= json_object_set_new(o, "packages", json_integer(r->packages)) != 0;
    for (int k = SCAN_SEVERITIES - 1; k >= 0; k--) {
        *bad |= json_object_set_new(v, sev_keys[k], json_integer(r->vulns[k])) != 0;
        *bad |= json_object_set_new(fx, sev_keys[k], json_integer(r->fixable[k])) != 0;
    }
    *bad |= json_object_set_new(o, "vulnerabilities", v) != 0;
    *bad |= json_object_set_new(o, "fixable", fx) != 0;
    *bad |= json_object_set_new(o, "suppressed", json_integer(r->suppressed)) != 0;
    *bad |= json_object_set_new(o, "secrets", json_integer(r->secrets)) != 0;
    *bad |= json_object_set_new(o, "misconfigurations", json_integer(r->misconfigurations)) != 0;
    *bad |= json_object_set_new(o, "strata_version", json_string(r->strata_version)) != 0;
    return o;
}

static int print_json(const char *store, const struct scan_record *v, size_t n)
{
    int bad = 0;
    json_t *root = json_object(), *arr = json_array();
    bad |= root == NULL || arr == NULL;
    bad |= json_object_set_new(root, "schema", json_string("strata.scans/v1")) != 0;
    bad |= json_object_set_new(root, "store", json_string(store)) != 0;
    for (size_t i = 0; i < n; i++)
        bad |= json_array_append_new(arr, record_json(&v[i], &bad)) != 0;
    bad |= json_object_set_new(root, "scans", arr) != 0;
    int rc = bad ? EXIT_INTERNAL : 0;
    if (rc == 0 && (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
                    fputc('\n', stdout) == EOF || fflush(stdout) != 0)) {
        fprintf(stderr, "strata: cannot write the list\n");
        rc = EXIT_USAGE;
    }
    json_decref(root);
    return rc;
}

static void print_table(const char *store, const struct scan_record *v, size_t n)
{
    if (n == 0) {
        printf("no scan records in %s\n", store);
        return;
    }
    printf("%-20s  %-19s  %-20s  %-22s  %s\n", "SCANNED (UTC)", "DIGEST", "DB BUILT",
           "C/H/M/L/U (fixable)", "REFERENCE");
    for (size_t i = 0; i < n; i++) {
        const struct scan_record *r = &v[i];
        char when[32], counts[96];
        format_time(r->scanned_at, when, sizeof when);
        if (r->vulns_checked)
            snprintf(counts, sizeof counts, "%ld/%ld/%ld/%ld/%ld (%ld)", r->vulns[4], r->vulns[3],
                     r->vulns[2], r->vulns[1], r->vulns[0],
                     r->fixable[4] + r->fixable[3] + r->fixable[2] + r->fixable[1] + r->fixable[0]);
        else
            snprintf(counts, sizeof counts, "-");
        printf("%-20s  %.19s  %-20s  %-22s  %s", when, r->digest,
               r->db_built_at ? r->db_built_at : "-", counts, r->reference);
        if (r->secrets_checked && r->secrets > 0)
            printf("  secrets %ld", r->secrets);
        if (r->checks_checked && r->misconfigurations > 0)
            printf("  checks %ld", r->misconfigurations);
        putchar('\n');
    }
}

static int list(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"digest", required_argument, NULL, OPT_DIGEST},
        {"limit", required_argument, NULL, 'n'},
        {"scans-db", required_argument, NULL, OPT_SCANS_DB},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "scans list ";
    const char *digest = NULL, *path = NULL;
    int json = 0;
    long limit = 50;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:n:h", long_opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") == 0)
                json = 1;
            else if (strcmp(optarg, "table") != 0)
                return cli_usage_error(cmd, "--format: expected table or json, got '%s'", optarg);
            break;
        case OPT_DIGEST:
            if (!digest_is_valid_sha256(optarg))
                return cli_usage_error(cmd, "--digest: expected sha256:<64 hex>, got '%s'", optarg);
            digest = optarg;
            break;
        case 'n':
            if (cli_parse_long(optarg, 0, SCAN_STORE_MAX_LIST, &limit) != 0)
                return cli_usage_error(cmd, "--limit: expected 0..%d, got '%s'",
                                       SCAN_STORE_MAX_LIST, optarg);
            break;
        case OPT_SCANS_DB:
            path = optarg;
            break;
        case 'h':
            fputs(scans_help, stdout);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    struct strata_error err = {0};
    struct scan_store *s = NULL;
    int rc = scan_store_open(path, 0, &s, &err);
    if (rc == STRATA_ENOTFOUND) {
        /* No store yet is an empty list, not an error. */
        char def[4096];
        const char *where = path;
        if (where == NULL)
            where = scan_store_default_path(def, sizeof def) == 0 ? def : "(no store)";
        return json ? print_json(where, NULL, 0) : (print_table(where, NULL, 0), EXIT_CLEAN);
    }
    if (rc != 0)
        return cli_fail(&err);
    struct scan_record *v = NULL;
    size_t n = 0;
    rc = scan_store_list(s, digest, (size_t)limit, &v, &n, &err);
    int status = rc != 0 ? cli_fail(&err) : EXIT_CLEAN;
    if (rc == 0) {
        if (json)
            status = print_json(scan_store_path(s), v, n);
        else
            print_table(scan_store_path(s), v, n);
    }
    for (size_t i = 0; i < n; i++)
        scan_record_release(&v[i]);
    free(v);
    scan_store_close(s);
    return status;
}

int cmd_scans(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return list(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(scans_help, stdout);
        return EXIT_CLEAN;
    }
    if (argc < 2)
        return cli_usage_error("scans ", "missing subcommand (list)");
    return cli_usage_error("scans ", "unknown subcommand '%s' (expected list)", argv[1]);
}

void cli_scan_record(const char *source, const struct strata_report *report,
                     const struct strata_scan_opts *so, const struct scan_vulns *sv, int quiet)
{
    if (report->target.digest == NULL || report->target.digest[0] == '\0')
        return;
    struct scan_record_meta m = {
        .source = source,
        .skip = so->skip,
        .severity_filter = sv->gate.severities,
        .tool_version = STRATA_VERSION,
    };
    struct strata_error err = {0};
    /* A scan that cannot be recorded still ran: say so, keep its exit code. */
    if (scan_store_record(NULL, report, &m, &err) != 0 && !quiet)
        fprintf(stderr, "strata: warning: scan not recorded: %s\n", err.msg);
}
