/* Driver for bench/runtime_rules.sh: evaluates a synthetic event mix through a rule file
 * (default: the pack) and prints events per second for rule evaluation alone, for evaluation
 * plus formatting the alerts, and for writing every event as a recording line (--record).
 * Usage: runtime_rules_bench RULES.yaml [EVENTS] */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/event.h"
#include "runtime/rules.h"

#define MIX 4096

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const comms[] = {"nginx", "node", "python3", "java", "postgres",    "sh",
                                    "bash",  "curl", "cat",     "ls",   "redis-server"};
static const char *const read_paths[] = {"/lib/x86_64-linux-gnu/libc.so.6",
                                         "/etc/ld.so.cache",
                                         "/proc/self/status",
                                         "/usr/share/zoneinfo/UTC",
                                         "/etc/nginx/nginx.conf",
                                         "/srv/app/index.js",
                                         "/etc/hosts",
                                         "/etc/resolv.conf",
                                         "/sys/fs/cgroup/cpu.max",
                                         "/etc/passwd",
                                         "/etc/shadow"};
static const char *const write_paths[] = {
    "/tmp/upload-1", "/var/log/app/app.log", "/var/lib/postgresql/data/base/1/2",
    "/dev/null",     "/usr/bin/x",           "/etc/cron.d/job"};
static const uint16_t ports[] = {443, 80, 5432, 6379, 53, 8080, 3333};

static void fill(struct rt_event *ev, unsigned i, unsigned r)
{
    rt_event_init(ev);
    ev->ts_ns = 1733560000000000000ull + (uint64_t)i * 10000u;
    ev->pid = 1000 + r % 500;
    ev->tid = ev->pid;
    ev->ppid = 900;
    const char *comm = comms[r % (sizeof comms / sizeof comms[0])];
    snprintf(ev->comm, sizeof ev->comm, "%s", comm);
    snprintf(ev->exe, sizeof ev->exe, "/usr/bin/%s", comm);
    const char *argv[] = {comm, "--serve", "/srv/app"};
    rt_event_set_args(ev, argv, 3);
    ev->nanc = 3;
    ev->anc[0].pid = 900;
    snprintf(ev->anc[0].name, RT_COMM_MAX, "%s", r % 7 == 0 ? "node" : "containerd-shim");
    ev->anc[1].pid = 800;
    snprintf(ev->anc[1].name, RT_COMM_MAX, "containerd-shim");
    ev->anc[2].pid = 1;
    snprintf(ev->anc[2].name, RT_COMM_MAX, "systemd");
    ev->cred.uid = ev->cred.euid = (r % 3 == 0) ? 0 : 1000;
    ev->stdin_type = RT_FD_PIPE;
    ev->stdout_type = RT_FD_PIPE;
    if (r % 4 != 0) { /* three events in four come from containers */
        snprintf(ev->container_id, sizeof ev->container_id, "%064x", 0xabcdef00u + (r % 20));
        snprintf(ev->container_name, sizeof ev->container_name, "app-%u", r % 20);
        snprintf(ev->container_image, sizeof ev->container_image, "registry/app:%u", r % 5);
        snprintf(ev->container_type, sizeof ev->container_type, "docker");
    }
    unsigned k = r % 100;
    if (k < 50) { /* reads */
        ev->type = RT_EV_OPENAT;
        snprintf(ev->path, sizeof ev->path, "%s",
                 read_paths[(r / 100) % (sizeof read_paths / sizeof read_paths[0])]);
        ev->u.file.flags = O_RDONLY | O_CLOEXEC;
        ev->u.file.fd = 5;
        ev->res = 5;
    } else if (k < 65) { /* writes */
        ev->type = RT_EV_OPENAT;
        snprintf(ev->path, sizeof ev->path, "%s",
                 write_paths[(r / 100) % (sizeof write_paths / sizeof write_paths[0])]);
        ev->u.file.flags = O_WRONLY | O_CREAT | O_APPEND;
        ev->u.file.fd = 6;
        ev->res = 6;
    } else if (k < 80) {
        ev->type = RT_EV_EXECVE;
    } else if (k < 90) {
        ev->type = RT_EV_CONNECT;
        ev->u.net.family = RT_AF_INET;
        ev->u.net.l4proto = RT_L4_TCP;
        inet_pton(AF_INET, "172.17.0.5", ev->u.net.laddr);
        inet_pton(AF_INET, "10.20.30.40", ev->u.net.raddr);
        ev->u.net.lport = (uint16_t)(40000 + r % 20000);
        ev->u.net.rport = ports[(r / 100) % (sizeof ports / sizeof ports[0])];
        ev->u.net.fd = 7;
    } else if (k < 95) {
        ev->type = RT_EV_PROCEXIT;
    } else if (k < 97) {
        ev->type = RT_EV_UNLINKAT;
        snprintf(ev->path, sizeof ev->path, "/tmp/f%u", r % 50);
    } else if (k < 99) {
        ev->type = RT_EV_ACCEPT4;
        ev->u.net.family = RT_AF_INET;
        ev->u.net.lport = 8080;
        ev->u.net.rport = 50000;
    } else {
        ev->type = RT_EV_SETRESUID;
        ev->u.cred.old_cred.euid = 1000;
        ev->u.cred.new_cred.euid = r % 2 ? 0 : 1000;
    }
}

struct fmt_ctx {
    struct strbuf sb;
    size_t alerts;
};

static int on_match(const struct rt_rule *rule, const struct rt_event *ev, struct rt_eval *e,
                    void *ctx)
{
    struct fmt_ctx *c = ctx;
    strbuf_reset(&c->sb);
    rt_alert_to_json(rule, e, ev, 1, &c->sb);
    c->alerts++;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s RULES.yaml [EVENTS]\n", argv[0]);
        return 2;
    }
    long total = argc > 2 ? atol(argv[2]) : 2000000;
    struct rt_rules *r = rt_rules_new();
    struct strata_error err = {0};
    double t0 = now();
    if (rt_rules_add_file(r, argv[1], &err) != 0 || rt_rules_compile(r, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    double load = now() - t0;
    struct rt_rules_counts n;
    rt_rules_counts(r, &n);
    static struct rt_event evs[MIX];
    unsigned seed = 12345;
    for (unsigned i = 0; i < MIX; i++) {
        seed = seed * 1103515245u + 12345u;
        fill(&evs[i], i, (seed >> 8) % 1000003u);
    }
    struct rt_eval *e = rt_eval_new(r);
    size_t matches = 0;
    /* warm up */
    for (unsigned i = 0; i < MIX; i++)
        matches += rt_eval_event(e, &evs[i], RT_PRIO_DEBUG, NULL, NULL);
    uint64_t c0 = rt_eval_conditions(e);
    matches = 0;
    t0 = now();
    for (long i = 0; i < total; i++)
        matches += rt_eval_event(e, &evs[i % MIX], RT_PRIO_DEBUG, NULL, NULL);
    double eval = now() - t0;
    uint64_t conds = rt_eval_conditions(e) - c0;

    struct fmt_ctx fc = {STRBUF_INIT, 0};
    t0 = now();
    for (long i = 0; i < total; i++)
        rt_eval_event(e, &evs[i % MIX], RT_PRIO_DEBUG, on_match, &fc);
    double with_alerts = now() - t0;

    struct strbuf line = STRBUF_INIT;
    t0 = now();
    for (long i = 0; i < total; i++) {
        strbuf_reset(&line);
        rt_event_to_json(&evs[i % MIX], &line);
    }
    double rec = now() - t0;

    printf("rules: %zu (%zu macros, %zu lists) loaded and compiled in %.1f ms\n", n.rules, n.macros,
           n.lists, load * 1000);
    printf("events: %ld (mix: 50%% file reads, 15%% writes, 15%% execs, 10%% connects, 10%% "
           "other; 3/4 in containers)\n",
           total);
    printf("rule evaluation:          %10.0f events/s  (%.0f ns/event, %.2f conditions/event, "
           "%.2f%% of events alert)\n",
           total / eval, eval * 1e9 / total, (double)conds / total, 100.0 * matches / total);
    printf("evaluation + JSON alerts: %10.0f events/s  (%zu alerts)\n", total / with_alerts,
           fc.alerts);
    printf("recording (event → JSON): %10.0f events/s\n", total / rec);
    strbuf_release(&line);
    strbuf_release(&fc.sb);
    rt_eval_free(e);
    rt_rules_free(r);
    return 0;
}
