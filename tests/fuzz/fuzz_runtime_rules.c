/* libFuzzer target: the runtime rules engine. The first byte picks what the rest is:
 *   'C' a condition, 'O' an output: put into one rule (as a YAML double-quoted scalar, every
 *       byte escaped) next to a few fixed macros and lists, so the condition parser and the
 *       output compiler see arbitrary text;
 *   anything else: a whole rule file.
 * Whatever loads is compiled and evaluated against events of every class, and each match is
 * formatted as an alert. A refused input must have a positioned error. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/event.h"
#include "runtime/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char prelude[] = "- list: shells\n  items: [sh, bash, \"z s\"]\n"
                              "- list: nested\n  items: [shells, zsh, 4444]\n"
                              "- macro: spawned\n  condition: evt.type in (execve, execveat)\n"
                              "- macro: ctr\n  condition: container.id != host\n";

/* A YAML double-quoted scalar holding exactly the bytes (NUL bytes dropped). */
static int quote(struct strbuf *sb, const uint8_t *s, size_t n)
{
    int rc = strbuf_addch(sb, '"');
    for (size_t i = 0; rc == 0 && i < n; i++) {
        unsigned c = s[i];
        if (c == 0)
            continue;
        if (c == '"' || c == '\\')
            rc = strbuf_addf(sb, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            rc = strbuf_addf(sb, "\\x%02x", c);
        else
            rc = strbuf_addch(sb, (char)c);
    }
    return rc != 0 ? rc : strbuf_addch(sb, '"');
}

static int on_match(const struct rt_rule *rule, const struct rt_event *ev, struct rt_eval *e,
                    void *ctx)
{
    struct strbuf *sb = ctx;
    strbuf_reset(sb);
    rt_alert_to_json(rule, e, ev, 1, sb);
    strbuf_reset(sb);
    rt_alert_to_text(rule, e, ev, sb);
    return 0;
}

static void events(struct rt_event *evs, size_t *n)
{
    static const char *const lines[] = {
        "{\"type\":\"execve\",\"proc\":{\"pid\":5,\"comm\":\"bash\",\"exe\":\"/bin/bash\","
        "\"args\":[\"bash\",\"-i\"],\"stdin\":\"ipv4\",\"ancestors\":[{\"pid\":1,\"name\":\"sh\"}],"
        "\"cred\":{\"cap_effective\":[\"CAP_SYS_ADMIN\"]}},\"container\":{\"id\":"
        "\"abcdef0123456789\","
        "\"name\":\"web\",\"image\":\"r/x:1@sha256:00\"}}",
        "{\"type\":\"openat\",\"res\":-13,\"file\":{\"path\":\"/etc/"
        "shadow\",\"flags\":\"O_RDWR|O_TRUNC\","
        "\"fd\":3}}",
        "{\"type\":\"connect\",\"net\":{\"family\":\"inet6\",\"proto\":\"udp\",\"laddr\":\"::1\","
        "\"lport\":1,\"raddr\":\"2001:db8::1\",\"rport\":4444}}",
        "{\"type\":\"accept\",\"net\":{\"family\":\"inet\",\"laddr\":\"10.0.0.1\",\"lport\":80,"
        "\"raddr\":\"1.2.3.4\",\"rport\":5}}",
        "{\"type\":\"connect\",\"net\":{\"family\":\"unix\",\"path\":\"/run/docker.sock\"}}",
        "{\"type\":\"commit_creds\",\"cred\":{\"old\":{\"euid\":1000},\"new\":{\"euid\":0,"
        "\"cap_effective\":\"0xffff\"}}}",
        "{\"type\":\"ptrace\",\"ptrace\":{\"request\":\"PTRACE_ATTACH\",\"target_pid\":1}}",
        "{\"type\":\"mount\",\"mount\":{\"target\":\"/mnt\",\"source\":\"/dev/"
        "x\",\"fstype\":\"ext4\"}}",
        "{\"type\":\"init_module\",\"module\":{\"name\":\"m\"}}",
        "{\"type\":\"bpf\",\"bpf\":{\"cmd\":5}}",
        "{\"type\":\"renameat2\",\"file\":{\"path\":\"/a\",\"newpath\":\"/usr/bin/b\"}}",
        "{\"type\":\"procexit\",\"exit\":{\"code\":1}}",
        "{\"type\":\"action\",\"action\":{\"kind\":\"kill\",\"result\":\"done\",\"rule\":\"r\"}}",
        "{\"type\":\"drop\",\"drop\":{\"lost\":5,\"source\":\"ringbuf\"}}",
    };
    struct strata_error err;
    *n = 0;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (rt_event_from_json(lines[i], strlen(lines[i]), "seed", i + 1, &evs[*n], &err) == 0)
            (*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 65536)
        return 0;
    struct strbuf y = STRBUF_INIT;
    const char *text;
    size_t len;
    if (data[0] == 'C' || data[0] == 'O') {
        int rc = strbuf_adds(&y, prelude);
        if (rc == 0)
            rc = strbuf_adds(&y, "- rule: fuzz\n  desc: d\n  priority: INFO\n  condition: ");
        if (rc == 0)
            rc = data[0] == 'C' ? quote(&y, data + 1, size - 1) : strbuf_adds(&y, "spawned");
        if (rc == 0)
            rc = strbuf_adds(&y, "\n  output: ");
        if (rc == 0)
            rc = data[0] == 'O' ? quote(&y, data + 1, size - 1) : strbuf_adds(&y, "%proc.name");
        if (rc == 0)
            rc = strbuf_addch(&y, '\n');
        if (rc != 0) {
            strbuf_release(&y);
            return 0;
        }
        text = y.buf;
        len = y.len;
    } else {
        text = (const char *)data;
        len = size;
    }
    struct rt_rules *r = rt_rules_new();
    struct strata_error err = {0};
    int rc = r ? rt_rules_add_yaml(r, "fuzz.yaml", text, len, &err) : STRATA_ENOMEM;
    if (rc == 0)
        rc = rt_rules_compile(r, &err);
    if (rc != 0) {
        if (rc != STRATA_ENOMEM && strncmp(err.msg, "fuzz.yaml:", 10) != 0)
            __builtin_trap();
    } else {
        static struct rt_event evs[16];
        size_t n;
        events(evs, &n);
        struct rt_eval *e = rt_eval_new(r);
        struct strbuf out = STRBUF_INIT;
        for (size_t i = 0; e != NULL && i < n; i++)
            rt_eval_event(e, &evs[i], RT_PRIO_DEBUG, on_match, &out);
        strbuf_release(&out);
        rt_eval_free(e);
        struct rt_rules_counts c;
        rt_rules_counts(r, &c);
        for (size_t i = 0; rt_rules_warning(r, i) != NULL; i++)
            if (strlen(rt_rules_warning(r, i)) == 0)
                __builtin_trap();
    }
    rt_rules_free(r);
    strbuf_release(&y);
    return 0;
}
