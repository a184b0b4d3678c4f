/* strata watch, live mode: the eBPF sensor feeding the rules engine, alerts and action events
 * to the outputs, responses, metrics (docs/strata-watch.md). And `strata watch release ID`. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/watch.h"
#include "core/strbuf.h"
#include "runtime/actions.h"
#include "runtime/container_id.h"
#include "runtime/metrics.h"
#include "runtime/output.h"
#include "runtime/rules.h"
#include "runtime/sensor.h"

#define MAX_WATCH 256

static const char watch_live_usage[] =
    "usage: strata watch [--rules FILE]... [OPTIONS]\n"
    "       strata watch release ID\n"
    "       strata watch help\n"
    "\n"
    "Watches the processes of this machine and its containers with an eBPF sensor, runs the\n"
    "runtime rules on every event, sends alerts to the outputs and carries out the actions the\n"
    "rules ask for. Needs root (CAP_BPF, CAP_PERFMON) and a kernel >= 5.8 with BTF. Stops on\n"
    "SIGINT/SIGTERM or after --duration, then prints a summary on stderr.\n"
    "\n"
    "Rules:\n"
    "  --rules FILE           Falco-style rule file, repeatable, later files append/override\n"
    "                         (default: the pack rules/runtime.yaml; $STRATA_RULES names another)\n"
    "  --min-priority PRIO    ignore rules less severe than PRIO (e.g. Warning)\n"
    "Outputs (several at once; alerts and action events are JSON lines):\n"
    "  --output FILE|-        JSON lines to FILE, '-' for stdout (the default)\n"
    "  --output-max-size SIZE rotate FILE when it would pass SIZE (K/M/G), FILE.1 … FILE.N\n"
    "  --output-keep N        rotated files kept (default 5)\n"
    "  --syslog               also to syslog (facility daemon, level = rule priority)\n"
    "  --webhook URL          also POST each line to URL (e.g. a Fluentd http input) from a\n"
    "                         queue of its own: a slow receiver never slows the watcher\n"
    "  --webhook-queue N      lines held for the webhook before dropping (default 1024)\n"
    "  --webhook-retries N    retries of a failed POST, backoff 100 ms doubling (default 3)\n"
    "  --webhook-timeout MS   per POST (default 2000)\n"
    "  --metrics [HOST:]PORT  serve Prometheus metrics on GET /metrics (HOST 127.0.0.1)\n"
    "  --record FILE          write every event as JSON lines (replay it with --replay)\n"
    "Response:\n"
    "  --dry-run              decide and log actions, do nothing\n"
    "  --no-actions           ignore the rules' action: fields\n"
    "  --action-rate N        at most N actions a minute (default 20)\n"
    "  --bpffs DIR            where isolation pins go (default /sys/fs/bpf)\n"
    "Sensor:\n"
    "  --watch PATH           also report reads, writes, renames and unlinks below PATH\n"
    "  --containers FILE      `docker inspect` JSON output: container names and images\n"
    "  --ring-size SIZE       ring buffer size, a power of two (default 16M)\n"
    "  --duration SECONDS     stop after SECONDS\n"
    "  --ready-file FILE      create FILE once the sensor is attached\n"
    "  -q, --quiet            no summary on stderr\n"
    "\n"
    "Release: `strata watch release ID` removes the network isolation of container ID (12+\n"
    "hex digits) and thaws it if it was frozen.\n"
    "\n"
    "Examples:\n"
    "  strata watch --output /var/log/strata/alerts.jsonl --output-max-size 100M --metrics 9464\n"
    "  strata watch --rules my.yaml --webhook http://127.0.0.1:9880/strata.alerts --dry-run\n"
    "  strata watch release 3f1c9b2a7d4e\n";

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

struct live {
    struct rt_rules *rules;
    struct rt_eval *eval;
    enum rt_priority min_prio;
    struct actions *actions;
    int no_actions;
    struct output *out;
    struct metrics *metrics;
    FILE *record;
    char hostname[256];
    struct strbuf line, tmp;
    struct rt_event action_ev;
    uint64_t alerts, actions_taken, drop_events, record_errors;
};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The event itself, as the recording format writes it. */
static json_t *event_json(struct live *l, const struct rt_event *ev)
{
    strbuf_reset(&l->tmp);
    if (rt_event_to_json(ev, &l->tmp) != 0)
        return NULL;
    return json_loadb(l->tmp.buf, l->tmp.len, 0, NULL);
}

static void emit(struct live *l, json_t *o, int prio)
{
    char *s = json_dumps(o, JSON_COMPACT);
    if (s) {
        output_emit(l->out, s, strlen(s), prio);
        free(s);
    }
}

static void record_event(struct live *l, const struct rt_event *ev)
{
    if (!l->record)
        return;
    strbuf_reset(&l->line);
    if (rt_event_to_json(ev, &l->line) != 0 || strbuf_addch(&l->line, '\n') != 0 ||
        fwrite(l->line.buf, 1, l->line.len, l->record) != l->line.len)
        l->record_errors++;
}

static json_t *action_json(struct live *l, const struct rt_event *a)
{
    char t[64];
    rt_time_str(a->ts_ns, t, sizeof(t));
    json_t *o = json_object();
    json_object_set_new(o, "time", json_string(t));
    json_object_set_new(o, "source", json_string("strata.action"));
    json_object_set_new(o, "hostname", json_string(l->hostname));
    json_object_set_new(o, "action",
                        json_string(rt_action_kind_name((enum rt_action_kind)a->u.action.kind)));
    json_object_set_new(
        o, "result", json_string(rt_action_result_name((enum rt_action_result)a->u.action.result)));
    json_object_set_new(o, "rule", json_string(a->u.action.rule));
    json_object_set_new(o, "detail", json_string(a->u.action.detail));
    json_object_set_new(o, "container.id", json_string(a->container_id));
    json_object_set_new(o, "proc.pid", json_integer(a->pid));
    json_t *evj = event_json(l, a);
    if (evj)
        json_object_set_new(o, "event", evj);
    return o;
}

static int on_match(const struct rt_rule *rule, const struct rt_event *ev, struct rt_eval *e,
                    void *ctx)
{
    struct live *l = ctx;
    enum rt_priority p = rt_rule_priority(rule);
    l->alerts++;
    metrics_alert(l->metrics, rt_rule_name(rule), rt_priority_name(p));
    strbuf_reset(&l->line);
    if (rt_alert_to_json(rule, e, ev, 1, &l->line) == 0)
        output_emit(l->out, l->line.buf, l->line.len, (int)p);
    enum rt_action_kind k = rt_rule_action(rule);
    if (k != RT_ACT_NONE && !l->no_actions) {
        actions_take(l->actions, k, rt_rule_name(rule), ev, &l->action_ev);
        l->actions_taken++;
        metrics_action(l->metrics, k, (enum rt_action_result)l->action_ev.u.action.result);
        metrics_event(l->metrics, RT_EV_ACTION);
        record_event(l, &l->action_ev);
        json_t *a = action_json(l, &l->action_ev);
        if (a) {
            emit(l, a, (int)p);
            json_decref(a);
        }
    }
    return 0;
}

static int on_event(const struct rt_event *ev, void *ctx)
{
    struct live *l = ctx;
    metrics_event(l->metrics, (enum rt_event_type)ev->type);
    record_event(l, ev);
    if (ev->type == RT_EV_DROP) {
        /* lost events are never silent: a line on every output and on stderr */
        l->drop_events++;
        fprintf(stderr, "strata watch: %llu events lost (%s)\n",
                (unsigned long long)ev->u.drop.lost, ev->u.drop.source);
        json_t *o = json_object();
        char t[64];
        rt_time_str(ev->ts_ns, t, sizeof(t));
        json_object_set_new(o, "time", json_string(t));
        json_object_set_new(o, "source", json_string("strata.drop"));
        json_object_set_new(o, "hostname", json_string(l->hostname));
        json_object_set_new(o, "lost", json_integer((json_int_t)ev->u.drop.lost));
        json_object_set_new(o, "where", json_string(ev->u.drop.source));
        emit(l, o, RT_PRIO_WARNING);
        json_decref(o);
    }
    uint64_t t0 = mono_ns();
    rt_eval_event(l->eval, ev, l->min_prio, on_match, l);
    metrics_eval_time(l->metrics, mono_ns() - t0, 1);
    return 0;
}

static void update_gauges(struct live *l, struct sensor *s)
{
    struct sensor_stats ss;
    struct output_stats os;
    sensor_stats(s, &ss);
    output_stats(l->out, &os);
    metrics_set(l->metrics, MG_DROPS_RINGBUF, ss.kernel_drops);
    metrics_set(l->metrics, MG_RINGBUF_RECORDS, ss.records);
    metrics_set(l->metrics, MG_DROPS_WEBHOOK_FULL, os.webhook_drops_full);
    metrics_set(l->metrics, MG_DROPS_WEBHOOK_FAILED, os.webhook_drops_failed);
    metrics_set(l->metrics, MG_DROPS_JSON, os.json_drops);
    metrics_set(l->metrics, MG_WEBHOOK_QUEUE, os.webhook_queued);
    metrics_set(l->metrics, MG_WEBHOOK_SENT, os.webhook_sent);
}

enum {
    OPT_RULES = 256,
    OPT_MINPRIO,
    OPT_OUTPUT,
    OPT_MAXSIZE,
    OPT_KEEP,
    OPT_SYSLOG,
    OPT_WEBHOOK,
    OPT_WQUEUE,
    OPT_WRETRIES,
    OPT_WTIMEOUT,
    OPT_METRICS,
    OPT_RECORD,
    OPT_DRYRUN,
    OPT_NOACTIONS,
    OPT_RATE,
    OPT_BPFFS,
    OPT_WATCH,
    OPT_CONTAINERS,
    OPT_RING,
    OPT_DURATION,
    OPT_READY,
};

static int cmd_watch_release(int argc, char **argv)
{
    const char *bpffs = NULL;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(watch_live_usage, stdout);
        return EXIT_CLEAN;
    }
    if (argc == 4 && strcmp(argv[2], "--bpffs") == 0)
        bpffs = argv[3];
    else if (argc != 2)
        return cli_usage_error("watch", "release takes one container id");
    char detail[1024];
    struct strata_error err;
    if (actions_release(bpffs, argv[1], detail, sizeof(detail), &err) != 0)
        return cli_fail(&err);
    printf("%s\n", detail);
    return EXIT_CLEAN;
}

int cmd_watch_live(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"rules", required_argument, NULL, OPT_RULES},
        {"min-priority", required_argument, NULL, OPT_MINPRIO},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"output-max-size", required_argument, NULL, OPT_MAXSIZE},
        {"output-keep", required_argument, NULL, OPT_KEEP},
        {"syslog", no_argument, NULL, OPT_SYSLOG},
        {"webhook", required_argument, NULL, OPT_WEBHOOK},
        {"webhook-queue", required_argument, NULL, OPT_WQUEUE},
        {"webhook-retries", required_argument, NULL, OPT_WRETRIES},
        {"webhook-timeout", required_argument, NULL, OPT_WTIMEOUT},
        {"metrics", required_argument, NULL, OPT_METRICS},
        {"record", required_argument, NULL, OPT_RECORD},
        {"dry-run", no_argument, NULL, OPT_DRYRUN},
        {"no-actions", no_argument, NULL, OPT_NOACTIONS},
        {"action-rate", required_argument, NULL, OPT_RATE},
        {"bpffs", required_argument, NULL, OPT_BPFFS},
        {"watch", required_argument, NULL, OPT_WATCH},
        {"containers", required_argument, NULL, OPT_CONTAINERS},
        {"ring-size", required_argument, NULL, OPT_RING},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"ready-file", required_argument, NULL, OPT_READY},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rule_files[WATCH_MAX_RULE_FILES];
    const char *watch[MAX_WATCH + 1];
    size_t nrules = 0, nwatch = 0;
    struct output_opts oo = {0};
    struct actions_opts ao = {0};
    struct sensor_opts so = {0};
    const char *metrics_addr = NULL, *record = NULL, *containers = NULL, *ready = NULL;
    long duration = 0, v;
    uint64_t size;
    int quiet = 0;
    struct live l = {0};
    l.min_prio = RT_PRIO_DEBUG;
    oo.json_path = "-";

    if (argc >= 2 && strcmp(argv[1], "release") == 0)
        return cmd_watch_release(argc - 1, argv + 1);
    /* `strata watch --help` is the offline modes' (watch_cmd.c); this is live capture's */
    if (argc >= 2 && strcmp(argv[1], "help") == 0) {
        fputs(watch_live_usage, stdout);
        return EXIT_CLEAN;
    }
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_RULES:
            if (nrules == WATCH_MAX_RULE_FILES)
                return cli_usage_error("watch", "at most %d --rules", WATCH_MAX_RULE_FILES);
            rule_files[nrules++] = optarg;
            break;
        case OPT_MINPRIO:
            if (rt_priority_parse(optarg, strlen(optarg), &l.min_prio) != 0)
                return cli_usage_error("watch", "--min-priority %s: not a priority", optarg);
            break;
        case OPT_OUTPUT:
            oo.json_path = optarg;
            break;
        case OPT_MAXSIZE:
            if (cli_parse_size(optarg, &size) != 0)
                return cli_usage_error("watch", "--output-max-size %s: not a size", optarg);
            oo.json_max_size = size;
            break;
        case OPT_KEEP:
            if (cli_parse_long(optarg, 1, 1000, &v) != 0)
                return cli_usage_error("watch", "--output-keep %s: 1 to 1000", optarg);
            oo.json_keep = (unsigned)v;
            break;
        case OPT_SYSLOG:
            oo.syslog = 1;
            break;
        case OPT_WEBHOOK:
            oo.webhook_url = optarg;
            break;
        case OPT_WQUEUE:
            if (cli_parse_long(optarg, 1, 1000000, &v) != 0)
                return cli_usage_error("watch", "--webhook-queue %s: 1 to 1000000", optarg);
            oo.webhook_queue = (unsigned)v;
            break;
        case OPT_WRETRIES:
            if (cli_parse_long(optarg, 0, 100, &v) != 0)
                return cli_usage_error("watch", "--webhook-retries %s: 0 to 100", optarg);
            oo.webhook_retries = v ? (unsigned)v : 0;
            break;
        case OPT_WTIMEOUT:
            if (cli_parse_long(optarg, 1, 600000, &v) != 0)
                return cli_usage_error("watch", "--webhook-timeout %s: 1 to 600000 ms", optarg);
            oo.webhook_timeout_ms = (unsigned)v;
            break;
        case OPT_METRICS:
            metrics_addr = optarg;
            break;
        case OPT_RECORD:
            record = optarg;
            break;
        case OPT_DRYRUN:
            ao.dry_run = 1;
            break;
        case OPT_NOACTIONS:
            l.no_actions = 1;
            break;
        case OPT_RATE:
            if (cli_parse_long(optarg, 1, 100000, &v) != 0)
                return cli_usage_error("watch", "--action-rate %s: 1 to 100000", optarg);
            ao.max_per_minute = (unsigned)v;
            break;
        case OPT_BPFFS:
            ao.bpffs = optarg;
            break;
        case OPT_WATCH:
            if (nwatch == MAX_WATCH)
                return cli_usage_error("watch", "at most %d --watch", MAX_WATCH);
            watch[nwatch++] = optarg;
            break;
        case OPT_CONTAINERS:
            containers = optarg;
            break;
        case OPT_RING:
            if (cli_parse_size(optarg, &size) != 0)
                return cli_usage_error("watch", "--ring-size %s: not a size", optarg);
            so.ring_bytes = (size_t)size;
            break;
        case OPT_DURATION:
            if (cli_parse_long(optarg, 1, 31536000, &duration) != 0)
                return cli_usage_error("watch", "--duration %s: 1 to 31536000 seconds", optarg);
            break;
        case OPT_READY:
            ready = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(watch_live_usage, stdout);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error("watch", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("watch", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("watch", "unexpected argument %s", argv[optind]);
    watch[nwatch] = NULL;
    so.watch = watch;

    struct strata_error err = {0};
    int rc = 0;
    struct ct_meta *meta = NULL;
    struct sensor *s = NULL;
    l.metrics = metrics_new();
    if (!l.metrics) {
        rc = strata_error_nomem(&err);
        goto done;
    }
    rc = watch_load_rules(rule_files, nrules, quiet, &l.rules, &err);
    if (rc == 0 && !(l.eval = rt_eval_new(l.rules)))
        rc = strata_error_nomem(&err);
    if (rc == 0 && containers)
        rc = ct_meta_load(containers, &meta, &err);
    so.meta = meta;
    if (rc == 0 && record && !(l.record = fopen(record, "we"))) {
        rc = strata_error_set(&err, STRATA_EIO, "--record %s: %s", record, strerror(errno));
    }
    if (rc == 0)
        rc = output_open(&oo, &l.out, &err);
    if (rc == 0 && metrics_addr)
        rc = metrics_serve(l.metrics, metrics_addr, NULL, &err);
    if (rc == 0)
        rc = sensor_open(&so, &s, &err);
    if (rc == 0)
        rc = actions_new(&ao, sensor_resolver(s), &l.actions, &err);
    if (rc != 0)
        goto done;
    if (gethostname(l.hostname, sizeof(l.hostname) - 1) != 0)
        snprintf(l.hostname, sizeof(l.hostname), "localhost");

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct rt_rules_counts rcnt;
    rt_rules_counts(l.rules, &rcnt);
    if (!quiet) {
        fprintf(stderr, "strata watch: sensor attached (%s), %zu rules enabled%s%s\n",
                sensor_attach_kind(s), rcnt.rules_enabled, ao.dry_run ? ", dry-run" : "",
                l.no_actions ? ", actions off" : "");
        /* never silent: say which watched syscalls this kernel gives no hook for */
        const char *unhooked = sensor_unhooked_syscalls(s);
        if (unhooked != NULL && unhooked[0] != '\0')
            fprintf(stderr,
                    "strata watch: no tracepoint on this kernel for %s (not implemented here: "
                    "their failing attempts are not reported)\n",
                    unhooked);
    }
    if (ready) {
        FILE *f = fopen(ready, "we");
        if (f) {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    uint64_t start = mono_ns(), last_gauges = 0;
    while (!stop_requested) {
        if (duration && mono_ns() - start >= (uint64_t)duration * 1000000000ull)
            break;
        int n = sensor_poll(s, 100, on_event, &l, &err);
        if (n < 0) {
            rc = n;
            break;
        }
        uint64_t t = mono_ns();
        if (t - last_gauges > 500000000ull) {
            update_gauges(&l, s);
            last_gauges = t;
        }
    }
    /* what is still queued in the ring */
    if (rc == 0)
        sensor_poll(s, 0, on_event, &l, &err);
    update_gauges(&l, s);
    if (!quiet) {
        struct sensor_stats ss;
        struct output_stats os;
        sensor_stats(s, &ss);
        output_stats(l.out, &os);
        double secs = (double)(mono_ns() - start) / 1e9;
        fprintf(stderr,
                "strata watch: %.1f s, %llu events (%.0f/s), %llu alerts, %llu actions, "
                "%llu events lost in the kernel, %llu webhook lines dropped, "
                "%llu malformed records\n",
                secs, (unsigned long long)ss.events, secs > 0 ? (double)ss.events / secs : 0.0,
                (unsigned long long)l.alerts, (unsigned long long)l.actions_taken,
                (unsigned long long)ss.kernel_drops,
                (unsigned long long)(os.webhook_drops_full + os.webhook_drops_failed),
                (unsigned long long)ss.malformed);
    }
done:
    sensor_close(s);
    actions_free(l.actions);
    output_close(l.out, 2000);
    if (l.record && fclose(l.record) != 0 && rc == 0)
        rc = strata_error_set(&err, STRATA_EIO, "--record %s: %s", record, strerror(errno));
    if (l.record_errors && rc == 0)
        rc = strata_error_set(&err, STRATA_EIO, "--record %s: %llu events not written", record,
                              (unsigned long long)l.record_errors);
    metrics_free(l.metrics);
    rt_eval_free(l.eval);
    rt_rules_free(l.rules);
    ct_meta_free(meta);
    strbuf_release(&l.line);
    strbuf_release(&l.tmp);
    return rc ? cli_fail(&err) : EXIT_CLEAN;
}
