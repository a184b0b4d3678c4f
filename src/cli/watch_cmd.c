/* `strata watch`: the runtime layer's front end (docs/runtime-rules.md,
 * docs/runtime-events.md). This file has the modes that need no kernel: --validate checks
 * rule files, --replay runs rules over a recording. Live capture (the eBPF sensor) has its
 * own front end; this file only dispatches to it. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/watch.h"
#include "runtime/replay.h"

static const char watch_help[] =
    "usage: strata watch [--rules FILE]... [OPTIONS]          live: the eBPF sensor (root)\n"
    "       strata watch --rules FILE [--rules FILE...] --validate\n"
    "       strata watch --replay RECORDING [--rules FILE...] [-f json|text] [options]\n"
    "\n"
    "Runtime detection with Falco-format rules. --validate checks rule files without\n"
    "running anything; --replay runs the rules over a recorded event stream (JSON lines,\n"
    "one event per line, as live capture writes with --record) and prints the alerts, so\n"
    "rules can be tested deterministically without BPF or root.\n"
    "\n"
    "rules:\n"
    "  -r, --rules FILE      a rule file (repeat: later files append to and override\n"
    "                        earlier ones); default: the pack rules/runtime.yaml\n"
    "                        ($STRATA_RULES, or next to the strata binary)\n"
    "      --validate        load and compile the rules, print their counts; exit 0, or\n"
    "                        2 with FILE:LINE:COL and the offending token\n"
    "\n"
    "replay:\n"
    "      --replay FILE     the recording ('-' for stdin)\n"
    "  -f, --format FMT      json (default): one alert per line {time, rule, priority,\n"
    "                        output, tags, container, output_fields, event};\n"
    "                        text: TIME PRIORITY OUTPUT (rule=… container=…)\n"
    "  -o, --output FILE     write the alerts to FILE instead of stdout\n"
    "  -p, --min-priority P  only rules at least this severe (EMERGENCY … DEBUG)\n"
    "      --match all|first every matching rule alerts (default), or only the first in\n"
    "                        load order (Falco's default)\n"
    "      --no-event        leave the event out of JSON alerts\n"
    "  -q, --quiet           no summary or warnings on stderr\n"
    "  -h, --help            this help\n"
    "\n"
    "Live capture (the eBPF sensor, root) is 'strata watch' without --validate or --replay:\n"
    "its options (outputs, webhook, /metrics, actions, --record) are in 'strata watch help'\n"
    "and docs/strata-watch.md; the event model is docs/runtime-events.md.\n"
    "\n"
    "exit codes: 0 done, 2 usage error or a rule file / recording that could not be read\n"
    "(FILE:LINE[:COL] names the place), 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata watch --rules rules/runtime.yaml --rules local.yaml --validate\n"
    "  strata watch --replay incident.jsonl -f text\n"
    "  strata watch --replay incident.jsonl --rules my.yaml -p WARNING | jq .rule\n";

int watch_default_rules(char *buf, size_t cap, struct strata_error *err)
{
    char tried[1024] = "";
    const char *env = getenv("STRATA_RULES");
    if (env != NULL && env[0] != '\0') {
        if (access(env, R_OK) == 0 && snprintf(buf, cap, "%s", env) < (int)cap)
            return 0;
        return strata_error_set(err, STRATA_ENOTFOUND, "STRATA_RULES=%s: cannot be read", env);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *rel[] = {"/../rules/runtime.yaml", "/../share/strata/rules/runtime.yaml"};
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL)
            *slash = '\0';
        for (size_t i = 0; i < 2; i++) {
            if (snprintf(buf, cap, "%s%s", exe, rel[i]) >= (int)cap)
                continue;
            if (access(buf, R_OK) == 0)
                return 0;
            size_t used = strlen(tried);
            snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", buf);
        }
    }
    const char *sys = "/usr/share/strata/rules/runtime.yaml";
    if (access(sys, R_OK) == 0 && snprintf(buf, cap, "%s", sys) < (int)cap)
        return 0;
    size_t used = strlen(tried);
    snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", sys);
    return strata_error_set(err, STRATA_ENOTFOUND,
                            "no rules: give --rules FILE (the default pack was not found at %s; "
                            "STRATA_RULES=FILE names it)",
                            tried);
}

int watch_load_rules(const char *const *files, size_t n, int quiet, struct rt_rules **out,
                     struct strata_error *err)
{
    char def[PATH_MAX];
    const char *one[1];
    if (n == 0) {
        int rc = watch_default_rules(def, sizeof def, err);
        if (rc != 0)
            return rc;
        one[0] = def;
        files = one;
        n = 1;
    }
    struct rt_rules *r = rt_rules_new();
    if (r == NULL)
        return strata_error_nomem(err);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = rt_rules_add_file(r, files[i], err);
    if (rc == 0)
        rc = rt_rules_compile(r, err);
    if (!quiet)
        for (size_t i = 0; rt_rules_warning(r, i) != NULL; i++)
            fprintf(stderr, "strata: warning: %s\n", rt_rules_warning(r, i));
    if (rc != 0) {
        rt_rules_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

enum { OPT_VALIDATE = 256, OPT_REPLAY, OPT_MATCH, OPT_NO_EVENT };

struct replay_ctx {
    FILE *out;
    int text, with_event, first_only;
    struct strbuf line;
    size_t alerts;
    size_t by_prio[8];
    int oom;
};

static int on_match(const struct rt_rule *rule, const struct rt_event *ev, struct rt_eval *e,
                    void *ctx)
{
    struct replay_ctx *c = ctx;
    strbuf_reset(&c->line);
    int rc = c->text ? rt_alert_to_text(rule, e, ev, &c->line)
                     : rt_alert_to_json(rule, e, ev, c->with_event, &c->line);
    if (rc == 0)
        rc = strbuf_addch(&c->line, '\n');
    if (rc != 0) {
        c->oom = 1;
        return 1;
    }
    fwrite(c->line.buf, 1, c->line.len, c->out);
    c->alerts++;
    c->by_prio[rt_rule_priority(rule)]++;
    return c->first_only;
}

static int replay(struct rt_rules *rules, const char *path, struct replay_ctx *c,
                  enum rt_priority min_prio, int quiet)
{
    struct strata_error err = {0};
    struct rt_replay *rp;
    if (rt_replay_open(&rp, path, &err) != 0)
        return cli_fail(&err);
    struct rt_eval *e = rt_eval_new(rules);
    struct rt_event *ev = malloc(sizeof *ev);
    if (e == NULL || ev == NULL) {
        rt_eval_free(e);
        free(ev);
        rt_replay_close(rp);
        strata_error_nomem(&err);
        return cli_fail(&err);
    }
    size_t events = 0;
    int rc;
    while ((rc = rt_replay_next(rp, ev, &err)) == 1) {
        events++;
        rt_eval_event(e, ev, min_prio, on_match, c);
        if (c->oom) {
            rc = strata_error_nomem(&err);
            break;
        }
    }
    uint64_t conds = rt_eval_conditions(e);
    rt_eval_free(e);
    free(ev);
    rt_replay_close(rp);
    if (fflush(c->out) != 0 || ferror(c->out)) {
        fprintf(stderr, "strata: writing the alerts failed\n");
        return EXIT_INTERNAL;
    }
    if (rc < 0)
        return cli_fail(&err);
    if (!quiet) {
        fprintf(stderr, "strata watch: %zu events replayed, %zu alerts", events, c->alerts);
        const char *sep = " (";
        for (int p = 0; p < 8; p++)
            if (c->by_prio[p] > 0) {
                fprintf(stderr, "%s%zu %s", sep, c->by_prio[p],
                        rt_priority_name((enum rt_priority)p));
                sep = ", ";
            }
        fprintf(stderr, "%s, %llu rule conditions evaluated\n", c->alerts ? ")" : "",
                (unsigned long long)conds);
    }
    return EXIT_CLEAN;
}

static int validate(struct rt_rules *rules)
{
    struct rt_rules_counts n;
    rt_rules_counts(rules, &n);
    printf("rules OK: %zu rules (%zu enabled", n.rules, n.rules_enabled);
    if (n.rules_skipped > 0)
        printf(", %zu skipped", n.rules_skipped);
    printf("), %zu macros, %zu lists\n", n.macros, n.lists);
    if (n.all_types > 0)
        printf("note: %zu enabled rules do not restrict evt.type and run for every event\n",
               n.all_types);
    return EXIT_CLEAN;
}

static int has_offline_flag(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--validate") == 0 || strcmp(argv[i], "--replay") == 0 ||
            strncmp(argv[i], "--replay=", 9) == 0 || strcmp(argv[i], "-h") == 0 ||
            strcmp(argv[i], "--help") == 0)
            return 1;
    }
    return 0;
}

static int watch_offline(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"rules", required_argument, NULL, 'r'},
        {"validate", no_argument, NULL, OPT_VALIDATE},
        {"replay", required_argument, NULL, OPT_REPLAY},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"min-priority", required_argument, NULL, 'p'},
        {"match", required_argument, NULL, OPT_MATCH},
        {"no-event", no_argument, NULL, OPT_NO_EVENT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "watch ";
    const char *files[WATCH_MAX_RULE_FILES];
    size_t nfiles = 0;
    const char *replay_path = NULL, *output = NULL;
    int do_validate = 0, quiet = 0;
    enum rt_priority min_prio = RT_PRIO_DEBUG;
    struct replay_ctx rc_ctx = {0};
    rc_ctx.with_event = 1;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":r:f:o:p:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (nfiles == WATCH_MAX_RULE_FILES)
                return cli_usage_error(cmd, "more than %d --rules files", WATCH_MAX_RULE_FILES);
            files[nfiles++] = optarg;
            break;
        case OPT_VALIDATE:
            do_validate = 1;
            break;
        case OPT_REPLAY:
            replay_path = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "json") == 0)
                rc_ctx.text = 0;
            else if (strcmp(optarg, "text") == 0)
                rc_ctx.text = 1;
            else
                return cli_usage_error(cmd, "--format: expected json or text, got '%s'", optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case 'p':
            if (rt_priority_parse(optarg, strlen(optarg), &min_prio) != 0)
                return cli_usage_error(cmd,
                                       "--min-priority: expected EMERGENCY, ALERT, CRITICAL, "
                                       "ERROR, WARNING, NOTICE, INFORMATIONAL or DEBUG, got '%s'",
                                       optarg);
            break;
        case OPT_MATCH:
            if (strcmp(optarg, "all") == 0)
                rc_ctx.first_only = 0;
            else if (strcmp(optarg, "first") == 0)
                rc_ctx.first_only = 1;
            else
                return cli_usage_error(cmd, "--match: expected all or first, got '%s'", optarg);
            break;
        case OPT_NO_EVENT:
            rc_ctx.with_event = 0;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(watch_help, stdout);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (do_validate && replay_path != NULL)
        return cli_usage_error(cmd, "--validate and --replay: give one");
    if (do_validate && nfiles == 0)
        return cli_usage_error(cmd, "--validate needs --rules FILE");

    struct strata_error err = {0};
    struct rt_rules *rules;
    if (watch_load_rules(files, nfiles, quiet, &rules, &err) != 0)
        return cli_fail(&err);
    int rc;
    if (do_validate) {
        rc = validate(rules);
    } else {
        rc_ctx.out = stdout;
        if (output != NULL && (rc_ctx.out = fopen(output, "w")) == NULL) {
            perror(output);
            rt_rules_free(rules);
            return EXIT_USAGE;
        }
        rc = replay(rules, replay_path, &rc_ctx, min_prio, quiet);
        if (output != NULL && fclose(rc_ctx.out) != 0 && rc == EXIT_CLEAN) {
            perror(output);
            rc = EXIT_INTERNAL;
        }
        strbuf_release(&rc_ctx.line);
    }
    rt_rules_free(rules);
    return rc;
}

int cmd_watch(int argc, char **argv)
{
    if (has_offline_flag(argc, argv))
        return watch_offline(argc, argv);
    return cmd_watch_live(argc, argv); /* src/cli/watch_live.c: the eBPF sensor */
}
