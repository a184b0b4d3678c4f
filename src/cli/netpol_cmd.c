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
#include "cli/cli_gate.h"
#include "cli/netpol_cli.h"
#include "netpol/np_audit.h"
#include "netpol/np_conn.h"
#include "netpol/np_diff.h"
#include "netpol/np_engine.h"
#include "netpol/np_files.h"
#include "netpol/np_flows.h"
#include "netpol/np_suggest.h"
#include "netpol/np_paths.h"
#include "policy/gate.h"

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

static const char audit_help[] =
    "usage: strata netpol audit [options] PATH...\n"
    "\n"
    "Segmentation findings, each at the file:line:col of the object, rule, peer or port:\n"
    "  NP-001 MEDIUM  namespace without a default-deny ingress policy\n"
    "  NP-002 LOW     namespace without a default-deny egress policy\n"
    "  NP-003 HIGH    workload not isolated for ingress (open to everyone, every port)\n"
    "  NP-004 LOW     workload not isolated for egress\n"
    "  NP-005 HIGH    isolated workload a rule still opens to outside addresses on all ports\n"
    "  NP-006 LOW     policy whose podSelector selects no workload\n"
    "  NP-007 MEDIUM  rule part that can never match: a namespaceSelector matching no\n"
    "                 namespace, a podSelector matching no pod, a named port no container\n"
    "                 defines\n"
    "  NP-008 MEDIUM  over-broad rule: namespaceSelector {}, ipBlock 0.0.0.0/0, a rule with\n"
    "                 neither peers nor ports\n"
    "  NP-009 MEDIUM  egress isolation that blocks DNS (UDP 53 to kube-dns, or to anything\n"
    "                 when no DNS pods are in the manifests)\n"
    "  NP-010 MEDIUM  hostNetwork workload: pod policies are not enforced for it by most\n"
    "                 network plugins\n"
    "\n"
    "options:\n"
    "  -f, --format FMT      table (default), json (misconfigurations[]), sarif\n"
    "      --severity LIST   only report (and gate on) these: LOW,MEDIUM,HIGH,CRITICAL\n"
    "      --exit-code N     exit with N when a finding at those severities remains\n"
    "  plus the common options (strata netpol --help)\n";

static const char paths_help[] =
    "usage: strata netpol paths (--to GLOB | --sensitive SELECTOR | --exposed) [options] PATH...\n"
    "\n"
    "Lateral-movement paths: for each target, one shortest chain of allowed connections\n"
    "from where an attacker starts, with the hop count and each hop's ports. By default\n"
    "the attacker starts outside the cluster (every outside address range).\n"
    "\n"
    "options:\n"
    "      --to GLOB            targets: workloads whose namespace/Kind/name matches GLOB\n"
    "      --sensitive SEL      targets: workloads whose labels match SEL, written as\n"
    "                           kubectl -l: 'tier=db', 'data in (pii,pci)', 'secrets'\n"
    "      --exposed            every workload reachable directly from outside (one hop)\n"
    "      --from GLOB          start from the entities matching GLOB instead (a compromised\n"
    "                           workload: 'prod/Deployment/web', or a CIDR text)\n"
    "      --max-hops N         only paths of at most N hops\n"
    "  -f, --format FMT         table (default) or json (paths[] {target, from, hops,\n"
    "                           path[] {src, dst, ports}}, unreachable[])\n"
    "  plus the common options (strata netpol --help)\n";

static const char suggest_help[] =
    "usage: strata netpol suggest [--flows FILE] [options] PATH...\n"
    "\n"
    "Least-privilege NetworkPolicies as YAML: a default-deny (Ingress and Egress) in every\n"
    "namespace, and for each workload one ingress and one egress policy that allow exactly\n"
    "its required flows. The policies replace the namespaces' existing NetworkPolicies.\n"
    "Before writing, strata loads them in place of the existing ones and checks that the\n"
    "connectivity they give is exactly the required flows (exit 3 if not: a bug).\n"
    "\n"
    "Required flows come from --flows FILE, else from the current connectivity restricted\n"
    "to the destinations' declared container ports (connections to outside the cluster\n"
    "are not kept), plus DNS: every workload to the kube-dns/coredns pods on 53/UDP and\n"
    "53/TCP, or an egress rule to k8s-app=kube-dns in kube-system when those pods are not\n"
    "in the manifests.\n"
    "\n"
    "options:\n"
    "      --flows FILE      required flows, one per line: SRC DST PORTS, where SRC and DST\n"
    "                        are workloads (namespace/Kind/name) or an IPv4 CIDR, and PORTS\n"
    "                        is a comma list of 80, 80/TCP, 53/UDP, 8000-8080/TCP, TCP (every\n"
    "                        TCP port) or all; '#' starts a comment\n"
    "      --flows-out FILE  write the required flows used, in the same format\n"
    "      --no-check        skip the round-trip check (large clusters)\n"
    "  -o, --output FILE     write the YAML to FILE instead of stdout\n"
    "  plus the common options (strata netpol --help)\n"
    "\n"
    "example:\n"
    "  strata netpol suggest --flows flows.txt k8s/ > netpol.yaml\n";

static const char diff_help[] =
    "usage: strata netpol diff [options] A B\n"
    "\n"
    "What connectivity changes from manifests A to manifests B (each a file, a directory\n"
    "or '-'): connections removed (-), added (+) and whose ports changed (~). Workloads\n"
    "are matched by namespace/Kind/name; addresses outside the cluster are compared\n"
    "address by address and reported as the CIDRs whose allowance changed.\n"
    "\n"
    "options:\n"
    "  -f, --format FMT      table (default) or json (removed[], added[] {src, dst, ports},\n"
    "                        changed[] {src, dst, before, after}, summary)\n"
    "      --exit-code N     exit with N when anything changed (like git diff --exit-code)\n"
    "  plus the common options (strata netpol --help)\n"
    "\n"
    "example:\n"
    "  strata netpol diff <(git show main:k8s/netpol.yaml) k8s/netpol.yaml  # single files\n"
    "  strata netpol diff old-release/ new-release/\n";

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
    OPT_FLOWS_OUT,
    OPT_NO_CHECK,
};

static void print_file_error(const struct strata_error *err, void *user)
{
    (void)user;
    fprintf(stderr, "strata: %s\n", err->msg);
}

/* The long options every subcommand takes; their short forms are "o:n:qh". */
#define NETPOL_COMMON_OPTS                                                                         \
    {"output", required_argument, NULL, 'o'}, {"namespace", required_argument, NULL, 'n'},         \
        {"quiet", no_argument, NULL, 'q'},                                                         \
    {                                                                                              \
        "help", no_argument, NULL, 'h'                                                             \
    }

/* -o, -n, -q, -h and getopt's complaints, for every subcommand. Returns -1 when c was taken,
 * else the exit code to return now (help printed: EXIT_CLEAN). */
static int common_option(int c, char **argv, const char *cmd, const char *help, const char **output,
                         const char **ns, int *quiet)
{
    switch (c) {
    case 'o':
        *output = optarg;
        return -1;
    case 'n':
        *ns = optarg;
        return -1;
    case 'q':
        *quiet = 1;
        return -1;
    case 'h':
        fputs(help, stdout);
        return EXIT_CLEAN;
    case ':':
        return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
    default:
        return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
    }
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

int netpol_load_args(const char *cmd, int argc, char **argv, const char *ns, int quiet,
                     struct np_cluster **cluster, struct np_engine **engine)
{
    if (optind >= argc)
        return cli_usage_error(cmd, "missing PATH");
    return netpol_load((const char *const *)argv + optind, (size_t)(argc - optind), ns, quiet,
                       cluster, engine);
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
        {"format", required_argument, NULL, 'f'},    NETPOL_COMMON_OPTS,
        {"src", required_argument, NULL, OPT_SRC},   {"dst", required_argument, NULL, OPT_DST},
        {"no-self", no_argument, NULL, OPT_NO_SELF}, {NULL, 0, NULL, 0},
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
        case OPT_SRC:
            f.src_glob = optarg;
            break;
        case OPT_DST:
            f.dst_glob = optarg;
            break;
        case OPT_NO_SELF:
            f.no_self = 1;
            break;
        default: {
            int r = common_option(c, argv, cmd, conn_help, &output, &ns, &quiet);
            if (r >= 0)
                return r;
        }
        }
    }
    struct np_cluster *cl = NULL;
    struct np_engine *e = NULL;
    int rc = netpol_load_args(cmd, argc, argv, ns, quiet, &cl, &e);
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

static int netpol_audit(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"format", required_argument, NULL, 'f'},
        NETPOL_COMMON_OPTS,
        {"severity", required_argument, NULL, OPT_SEVERITY},
        {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "netpol audit ", *output = NULL, *ns = NULL;
    enum strata_format format = STRATA_FORMAT_TABLE;
    int quiet = 0, exit_code = 0, c, rc;
    unsigned severities = 0;
    struct strata_error err = {0};
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:n:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((rc = cli_findings_format(cmd, optarg, &format)) != 0)
                return rc;
            break;
        case OPT_SEVERITY:
            if ((rc = cli_severities(cmd, optarg, &severities)) != 0)
                return rc;
            break;
        case OPT_EXIT_CODE:
            if ((rc = cli_exit_code(cmd, optarg, &exit_code)) != 0)
                return rc;
            break;
        default: {
            int r = common_option(c, argv, cmd, audit_help, &output, &ns, &quiet);
            if (r >= 0)
                return r;
        }
        }
    }
    if (optind >= argc)
        return cli_usage_error(cmd, "missing PATH");
    struct np_cluster *cl = NULL;
    struct np_engine *e = NULL;
    rc = netpol_load((const char *const *)argv + optind, (size_t)(argc - optind), ns, quiet, &cl,
                     &e);
    if (rc != 0)
        return rc;
    struct strata_report *r = strata_report_new();
    int oom = r == NULL;
    if (r != NULL) {
        r->target.name =
            strata_strdup_or_null(argc - optind == 1 ? argv[optind] : "(several paths)", &oom);
        r->target.kind = strata_strdup_or_null("netpol", &oom);
    }
    rc = oom ? strata_error_nomem(&err) : np_audit(e, cl, r, &err);
    np_engine_free(e);
    np_cluster_free(cl);
    if (rc != 0) {
        strata_report_free(r);
        return cli_fail(&err);
    }
    strata_report_sort_misconfigurations(r);
    gate_keep_checks(r, severities);
    if (!quiet)
        fprintf(stderr, "strata: %zu finding%s\n", r->n_misconfigurations,
                r->n_misconfigurations == 1 ? "" : "s");
    int status = exit_code != 0 && gate_count_checks(r, severities) > 0 ? exit_code : EXIT_CLEAN;
    rc = cli_write_report(r, format, output, 0);
    strata_report_free(r);
    return rc != 0 ? rc : status;
}

static int netpol_paths(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"format", required_argument, NULL, 'f'},
        NETPOL_COMMON_OPTS,
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"sensitive", required_argument, NULL, OPT_SENSITIVE},
        {"exposed", no_argument, NULL, OPT_EXPOSED},
        {"max-hops", required_argument, NULL, OPT_MAX_HOPS},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "netpol paths ", *output = NULL, *ns = NULL, *sensitive = NULL;
    int fmt = NP_FMT_TABLE, quiet = 0, c;
    struct np_paths_opts po = {0};
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:n:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            fmt = np_format_parse(optarg);
            if (fmt != NP_FMT_TABLE && fmt != NP_FMT_JSON)
                return cli_usage_error(cmd, "--format: expected table or json, got '%s'", optarg);
            break;
        case OPT_FROM:
            po.from_glob = optarg;
            break;
        case OPT_TO:
            po.to_glob = optarg;
            break;
        case OPT_SENSITIVE:
            sensitive = optarg;
            break;
        case OPT_EXPOSED:
            po.exposed = 1;
            break;
        case OPT_MAX_HOPS: {
            long v;
            if (cli_parse_long(optarg, 1, 1000000, &v) != 0)
                return cli_usage_error(cmd, "--max-hops: expected 1..1000000, got '%s'", optarg);
            po.max_hops = (unsigned)v;
            break;
        }
        default: {
            int r = common_option(c, argv, cmd, paths_help, &output, &ns, &quiet);
            if (r >= 0)
                return r;
        }
        }
    }
    if (po.to_glob == NULL && sensitive == NULL && !po.exposed)
        return cli_usage_error(cmd, "say which targets: --to GLOB, --sensitive SELECTOR or "
                                    "--exposed");
    struct np_cluster *cl = NULL;
    struct np_engine *e = NULL;
    int rc = netpol_load_args(cmd, argc, argv, ns, quiet, &cl, &e);
    if (rc != 0)
        return rc;
    struct strata_error err = {0};
    struct np_selector sel;
    if (sensitive != NULL) {
        if ((rc = np_selector_parse(cl, sensitive, &sel, &err)) != 0) {
            np_engine_free(e);
            np_cluster_free(cl);
            return rc == STRATA_EUSAGE ? cli_usage_error(cmd, "--sensitive: %s", err.msg)
                                       : cli_fail(&err);
        }
        po.sensitive = &sel;
    }
    FILE *out = netpol_open_output(output);
    if (out == NULL) {
        np_engine_free(e);
        np_cluster_free(cl);
        return EXIT_USAGE;
    }
    struct np_paths_stats st;
    rc = np_paths_write(e, cl, &po, (enum np_format)fmt, out, &st, &err);
    rc = rc != 0 ? cli_fail(&err) : 0;
    rc = netpol_close_output(out, output, rc);
    if (rc == 0 && !quiet)
        fprintf(stderr, "strata: %zu of %zu targets reachable from %zu start entit%s\n",
                st.reachable, st.targets, st.sources, st.sources == 1 ? "y" : "ies");
    np_engine_free(e);
    np_cluster_free(cl);
    return rc;
}

static int read_file(const char *path, char **data, size_t *len, struct strata_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(errno));
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, f)) > 0)
        if (sb.len + n > NP_MAX_FILE)
            rc = strata_error_set(err, STRATA_ELIMIT, "%s: larger than %u MiB", path,
                                  NP_MAX_FILE >> 20);
        else if (strbuf_add(&sb, buf, n) != 0)
            rc = strata_error_nomem(err);
    if (rc == 0 && ferror(f))
        rc = strata_error_set(err, STRATA_EIO, "%s: read error", path);
    fclose(f);
    if (rc == 0 && sb.buf == NULL && strbuf_add(&sb, "", 0) != 0)
        rc = strata_error_nomem(err);
    if (rc != 0) {
        strbuf_release(&sb);
        return rc;
    }
    *len = sb.len;
    *data = strbuf_detach(&sb);
    return 0;
}

/* Loads the suggestion in place of the cluster's policies and checks it gives exactly fl. */
static int suggest_check(struct np_cluster *cl, const struct np_flows *fl, const struct strbuf *y,
                         int quiet)
{
    struct strata_error err = {0};
    struct np_engine *e2 = NULL;
    np_cluster_drop_policies(cl);
    int rc = np_cluster_add_yaml(cl, "<suggested policies>", y->buf ? y->buf : "", y->len, &err);
    if (rc == 0)
        rc = np_engine_build(&e2, cl, &err);
    if (rc != 0) {
        fprintf(stderr, "strata: internal error: the suggested policies do not load: %s\n",
                err.msg);
        return EXIT_INTERNAL;
    }
    struct strbuf diff = STRBUF_INIT;
    size_t bad = 0;
    rc = np_flows_check(fl, e2, cl, &diff, &bad);
    np_engine_free(e2);
    if (rc != 0) {
        strbuf_release(&diff);
        return cli_fail(&(struct strata_error){.code = STRATA_ENOMEM, .msg = "out of memory"});
    }
    if (bad > 0) {
        fprintf(stderr,
                "strata: internal error: the suggested policies allow other connections than "
                "the %zu required flows (%zu differences):\n%s",
                fl->n, bad, diff.buf ? diff.buf : "");
        strbuf_release(&diff);
        return EXIT_INTERNAL;
    }
    strbuf_release(&diff);
    if (!quiet)
        fprintf(stderr,
                "strata: checked: loaded in place of the existing policies, they allow "
                "exactly the %zu required flows\n",
                fl->n);
    return 0;
}

static int netpol_suggest(int argc, char **argv)
{
    static const struct option long_opts[] = {
        NETPOL_COMMON_OPTS,
        {"flows", required_argument, NULL, OPT_FLOWS},
        {"flows-out", required_argument, NULL, OPT_FLOWS_OUT},
        {"no-check", no_argument, NULL, OPT_NO_CHECK},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "netpol suggest ", *output = NULL, *ns = NULL, *flows = NULL,
               *flows_out = NULL;
    int quiet = 0, check = 1, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:n:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_FLOWS:
            flows = optarg;
            break;
        case OPT_FLOWS_OUT:
            flows_out = optarg;
            break;
        case OPT_NO_CHECK:
            check = 0;
            break;
        default: {
            int r = common_option(c, argv, cmd, suggest_help, &output, &ns, &quiet);
            if (r >= 0)
                return r;
        }
        }
    }
    struct np_cluster *cl = NULL;
    struct np_engine *e = NULL;
    int rc = netpol_load_args(cmd, argc, argv, ns, quiet, &cl, &e);
    if (rc != 0)
        return rc;
    struct strata_error err = {0};
    struct np_flows fl;
    np_flows_init(&fl, cl->n_wl);
    if (flows != NULL) {
        char *data = NULL;
        size_t len = 0;
        rc = read_file(flows, &data, &len, &err);
        if (rc == 0)
            rc = np_flows_parse(&fl, e, flows, data, len, &err);
        free(data);
    } else {
        rc = np_flows_derive(&fl, e, cl, &err);
    }
    struct strbuf y = STRBUF_INIT;
    struct np_suggest_stats st = {0};
    if (rc == 0)
        rc = np_suggest_yaml(&fl, e, cl, flows == NULL && fl.dns_pods == 0, &y, &st, &err);
    if (rc == 0 && flows_out != NULL) {
        FILE *fo = fopen(flows_out, "w");
        if (fo == NULL)
            rc = strata_error_set(&err, STRATA_EIO, "%s: %s", flows_out, strerror(errno));
        else {
            rc = np_flows_write(&fl, e, fo);
            if (fclose(fo) != 0 || rc != 0)
                rc = strata_error_set(&err, STRATA_EIO, "%s: write error", flows_out);
        }
    }
    np_engine_free(e);
    if (rc != 0) {
        np_flows_release(&fl);
        strbuf_release(&y);
        np_cluster_free(cl);
        return cli_fail(&err);
    }
    if (!quiet) {
        fprintf(stderr, "strata: %zu required flows%s; %zu policies for %zu namespaces\n", fl.n,
                flows ? "" : " (current connectivity on declared ports, plus DNS)", st.policies,
                st.namespaces);
        if (fl.dropped_outside > 0)
            fprintf(stderr,
                    "strata: %zu connections to outside the cluster not kept (give them in "
                    "--flows to keep them)\n",
                    fl.dropped_outside);
        if (st.twins > 0)
            fprintf(stderr,
                    "strata: %zu workloads have the same labels as another of their namespace: "
                    "they share policies and the union of their flows\n",
                    st.twins);
    }
    if (check)
        rc = suggest_check(cl, &fl, &y, quiet);
    np_flows_release(&fl);
    np_cluster_free(cl);
    if (rc != 0) {
        strbuf_release(&y);
        return rc;
    }
    FILE *out = netpol_open_output(output);
    if (out == NULL) {
        strbuf_release(&y);
        return EXIT_USAGE;
    }
    if (y.len > 0 && fwrite(y.buf, 1, y.len, out) != y.len)
        rc = EXIT_INTERNAL;
    if (out == stdout && fflush(out) != 0)
        rc = EXIT_INTERNAL;
    strbuf_release(&y);
    return netpol_close_output(out, output, rc);
}

static int netpol_diff(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"format", required_argument, NULL, 'f'},
        NETPOL_COMMON_OPTS,
        {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "netpol diff ", *output = NULL, *ns = NULL;
    int fmt = NP_FMT_TABLE, quiet = 0, exit_code = 0, c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:n:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            fmt = np_format_parse(optarg);
            if (fmt != NP_FMT_TABLE && fmt != NP_FMT_JSON)
                return cli_usage_error(cmd, "--format: expected table or json, got '%s'", optarg);
            break;
        case OPT_EXIT_CODE:
            if ((rc = cli_exit_code(cmd, optarg, &exit_code)) != 0)
                return rc;
            break;
        default: {
            int r = common_option(c, argv, cmd, diff_help, &output, &ns, &quiet);
            if (r >= 0)
                return r;
        }
        }
    }
    if (argc - optind != 2)
        return cli_usage_error(cmd, "expected two paths, A and B");
    struct np_cluster *ca = NULL, *cb = NULL;
    struct np_engine *ea = NULL, *eb = NULL;
    rc = netpol_load((const char *const *)argv + optind, 1, ns, quiet, &ca, &ea);
    if (rc != 0)
        return rc;
    if ((rc = netpol_load((const char *const *)argv + optind + 1, 1, ns, quiet, &cb, &eb)) != 0) {
        np_engine_free(ea);
        np_cluster_free(ca);
        return rc;
    }
    FILE *out = netpol_open_output(output);
    struct np_diff_stats st = {0};
    struct strata_error err = {0};
    if (out == NULL)
        rc = EXIT_USAGE;
    else {
        rc = np_diff_write(ea, eb, (enum np_format)fmt, out, &st, &err);
        rc = rc != 0 ? cli_fail(&err) : 0;
        rc = netpol_close_output(out, output, rc);
    }
    np_engine_free(ea);
    np_engine_free(eb);
    np_cluster_free(ca);
    np_cluster_free(cb);
    if (rc != 0)
        return rc;
    if (!quiet)
        fprintf(stderr, "strata: %zu removed, %zu added, %zu changed\n", st.removed, st.added,
                st.changed);
    return exit_code != 0 && st.removed + st.added + st.changed > 0 ? exit_code : EXIT_CLEAN;
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
    if (strcmp(sub, "audit") == 0)
        return netpol_audit(argc - 1, argv + 1);
    if (strcmp(sub, "paths") == 0)
        return netpol_paths(argc - 1, argv + 1);
    if (strcmp(sub, "suggest") == 0)
        return netpol_suggest(argc - 1, argv + 1);
    if (strcmp(sub, "diff") == 0)
        return netpol_diff(argc - 1, argv + 1);
    fprintf(stderr,
            "strata: netpol: '%s' is not a subcommand (conn, audit, paths, suggest, "
            "diff)\n(see 'strata netpol --help')\n",
            sub);
    return EXIT_USAGE;
}
