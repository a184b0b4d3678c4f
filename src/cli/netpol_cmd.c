/* `strata netpol conn|audit|paths|suggest|diff`: Kubernetes NetworkPolicy connectivity,
 * computed exactly from YAML (src/netpol/, docs/strata-netpol.md). This file parses flags,
 * loads the manifests and hands the cluster to the library; it decides nothing. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/netpol_cli.h"
#include "netpol/np_conn.h"
#include "netpol/np_engine.h"
#include "netpol/np_files.h"

static const char netpol_help[] =
    "usage: strata netpol <subcommand> [options] PATH...\n"
    "\n"
    "Who can reach whom under Kubernetes NetworkPolicies, computed exactly from YAML,\n"
    "offline: Namespaces, Pods and workload controllers (their pod templates stand for\n"
    "their pods), Services and networking.k8s.io/v1 NetworkPolicies, from files,\n"
    "directories (*.yaml, *.yml, *.json) or '-' (stdin), multi-document or `kubectl get\n"
    "-o yaml` Lists. Addresses outside the cluster are CIDR entities (0.0.0.0/0 cut by\n"
    "the policies' ipBlocks). A malformed policy is an error with its file:line:col.\n"
    "\n"
    "subcommands:\n"
    "  conn      the allowed connections: source, destination, ports ('All' when\n"
    "            unrestricted); -f table|json|csv|dot|html\n"
    "  audit     findings: namespaces without default-deny, workloads not isolated,\n"
    "            reachable from outside on all ports, policies selecting nothing, rules\n"
    "            that can never match, over-broad rules, egress isolation blocking DNS;\n"
    "            -f table|json|sarif\n"
    "  paths     lateral-movement paths: shortest chains of allowed hops from workloads\n"
    "            reachable from outside the cluster (or --from) to --to / --sensitive\n"
    "            targets; --exposed lists what is reachable from outside\n"
    "  suggest   least-privilege NetworkPolicy YAML: a default-deny per namespace plus\n"
    "            allow policies for the required flows (--flows FILE, else the current\n"
    "            connectivity restricted to declared container ports, plus DNS)\n"
    "  diff A B  what connectivity changes between two sets of manifests\n"
    "            (A and B: files or directories; -f table|json)\n"
    "\n"
    "common options:\n"
    "  -f, --format FMT      output format (per subcommand, default table)\n"
    "  -o, --output FILE     write to FILE instead of stdout\n"
    "  -n, --namespace NS    namespace of objects that name none (default 'default')\n"
    "  -q, --quiet           no notes on stderr\n"
    "  -h, --help            this help ('strata netpol SUBCOMMAND --help' for its options)\n"
    "\n"
    "exit codes: 0 done, 1 findings (audit --exit-code, diff --exit-code), 2 usage error\n"
    "or a file that could not be read or loaded (nothing is reported then), 3 internal\n"
    "\n"
    "examples:\n"
    "  kubectl get ns,pods,deploy,sts,ds,svc,netpol -A -o yaml | strata netpol conn -\n"
    "  strata netpol conn -f html -o graph.html k8s/\n"
    "  strata netpol audit -f sarif -o netpol.sarif k8s/\n"
    "  strata netpol paths --to 'prod/*/db' k8s/\n"
    "  strata netpol suggest --flows flows.txt k8s/ > policies.yaml\n"
    "  strata netpol diff old/ new/\n";

static const char conn_help[] =
    "usage: strata netpol conn [options] PATH...\n"
    "\n"
    "Every allowed connection between workloads (namespace/Kind/name), and between\n"
    "workloads and addresses outside the cluster (CIDRs): the ports and protocols the\n"
    "sender's egress AND the receiver's ingress both allow. A workload to itself is its\n"
    "replicas talking to each other.\n"
    "\n"
    "options:\n"
    "  -f, --format FMT   table (default), json (connections[] {src, dst, ports}; ports\n"
    "                     is \"All\" or NetworkPolicyPort-shaped objects), csv, dot\n"
    "                     (Graphviz), html (a self-contained page with an SVG graph)\n"
    "      --src GLOB     only connections from sources matching GLOB (fnmatch, on\n"
    "                     namespace/Kind/name or the CIDR text), e.g. 'prod/*'\n"
    "      --dst GLOB     only connections to destinations matching GLOB\n"
    "      --no-self      leave out a workload's connections to itself\n"
    "  plus the common options (strata netpol --help)\n";

enum {
    OPT_SRC = 1000,
    OPT_DST,
    OPT_NO_SELF,
    OPT_FROM,
    OPT_TO,
    OPT_EXPOSED,
    OPT_SENSITIVE,
    OPT_FLOWS,
    OPT_EXIT_CODE,
    OPT_MAX_HOPS,
    OPT_SEVERITY,
};

static void print_file_error(const struct strata_error *err, void *user)
{
    (void)user;
    fprintf(stderr, "strata: %s\n", err->msg);
}

int netpol_load(const char *const *paths, size_t n, const char *ns, int quiet,
                struct np_cluster **cluster, struct np_engine **engine)
{
    struct strata_error err = {0};
    struct np_cluster *c = np_cluster_new(ns);
    if (c == NULL)
        return EXIT_INTERNAL;
    size_t files = 0, failed = 0;
    int rc = np_cluster_add_paths(c, paths, n, print_file_error, NULL, &files, &failed, &err);
    if (rc != 0) {
        np_cluster_free(c);
        return cli_fail(&err);
    }
    if (failed > 0) {
        fprintf(stderr, "strata: %zu file%s could not be loaded; nothing reported\n", failed,
                failed == 1 ? "" : "s");
        np_cluster_free(c);
        return EXIT_USAGE;
    }
    struct np_engine *e = NULL;
    if ((rc = np_engine_build(&e, c, &err)) != 0) {
        np_cluster_free(c);
        return cli_fail(&err);
    }
    if (!quiet)
        fprintf(stderr,
                "strata: %zu file%s: %zu namespaces, %zu workloads, %zu services, %zu "
                "NetworkPolicies\n",
                files, files == 1 ? "" : "s", c->n_ns, c->n_wl, c->n_svc, c->n_pol);
    *cluster = c;
    *engine = e;
    return 0;
}

FILE *netpol_open_output(const char *output)
{
    if (output == NULL)
        return stdout;
    FILE *f = fopen(output, "w");
    if (f == NULL)
        fprintf(stderr, "strata: %s: %s\n", output, strerror(errno));
    return f;
}

int netpol_close_output(FILE *f, const char *output, int rc)
{
    if (f != stdout && fclose(f) != 0 && rc == 0) {
        fprintf(stderr, "strata: %s: %s\n", output, strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (rc != 0 && output != NULL)
        unlink(output);
    return rc;
}

static int netpol_conn(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"namespace", required_argument, NULL, 'n'},
        {"quiet", no_argument, NULL, 'q'},
        {"src", required_argument, NULL, OPT_SRC},
        {"dst", required_argument, NULL, OPT_DST},
        {"no-self", no_argument, NULL, OPT_NO_SELF},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "netpol conn ", *output = NULL, *ns = NULL;
    int fmt = NP_FMT_TABLE, quiet = 0, c;
    struct np_conn_filter f = {0};
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:n:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((fmt = np_format_parse(optarg)) < 0)
                return cli_usage_error(cmd,
                                       "--format: expected table, json, csv, dot or html, got "
                                       "'%s'",
                                       optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case 'n':
            ns = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case OPT_SRC:
            f.src_glob = optarg;
            break;
        case OPT_DST:
            f.dst_glob = optarg;
            break;
        case OPT_NO_SELF:
            f.no_self = 1;
            break;
        case 'h':
            fputs(conn_help, stdout);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(cmd, "missing PATH");
    struct np_cluster *cl = NULL;
    struct np_engine *e = NULL;
    int rc = netpol_load((const char *const *)argv + optind, (size_t)(argc - optind), ns, quiet,
                         &cl, &e);
    if (rc != 0)
        return rc;
    FILE *out = netpol_open_output(output);
    if (out == NULL) {
        np_engine_free(e);
        np_cluster_free(cl);
        return EXIT_USAGE;
    }
    struct strata_error err = {0};
    struct np_conn_stats st;
    rc = np_conn_write(e, (enum np_format)fmt, &f, out, &st, &err);
    rc = rc != 0 ? cli_fail(&err) : 0;
    rc = netpol_close_output(out, output, rc);
    if (rc == 0 && !quiet)
        fprintf(stderr,
                "strata: %zu connections; %zu of %zu workloads isolated for ingress, %zu for "
                "egress\n",
                st.connections, st.isolated_ingress, st.workloads, st.isolated_egress);
    np_engine_free(e);
    np_cluster_free(cl);
    return rc;
}

int cmd_netpol(int argc, char **argv)
{
    if (argc < 2) {
        fputs(netpol_help, stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        fputs(netpol_help, stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(sub, "conn") == 0)
        return netpol_conn(argc - 1, argv + 1);
    fprintf(stderr,
            "strata: netpol: '%s' is not a subcommand (conn, audit, paths, suggest, "
            "diff)\n(see 'strata netpol --help')\n",
            sub);
    return EXIT_USAGE;
}
