/* The runtime event model and its JSON-lines recording format: exact round trips for every
 * event class, the words for flags and capabilities, and hostile recording lines (each error
 * names FILE:LINE and the key or column). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include "runtime/event.h"
#include "runtime/replay.h"

static void base(struct rt_event *ev, enum rt_event_type t)
{
    rt_event_init(ev);
    ev->type = (uint16_t)t;
    ev->ts_ns = 1712345678901234567ull;
    ev->seq = 77;
    ev->res = -2;
    ev->pid = 100;
    ev->tid = 101;
    ev->ppid = 99;
    ev->vpid = 3;
    ev->loginuid = 1000;
    ev->cred = (struct rt_cred){1000, 0, 1000, 0, 100, 100, 100, 100, 0x1ull << 21, 0x3, 0x4};
    ev->tty = 34817;
    ev->proc_flags = RT_PROC_EXE_UPPER_LAYER | RT_PROC_EXE_WRITABLE;
    ev->stdin_type = RT_FD_IPV4;
    ev->stdout_type = RT_FD_UNIX;
    ev->stderr_type = RT_FD_TTY;
    snprintf(ev->comm, sizeof ev->comm, "py\"thon\\3");
    snprintf(ev->exe, sizeof ev->exe, "/usr/bin/python3.11");
    snprintf(ev->cwd, sizeof ev->cwd, "/app\nnew line");
    static const char *const argv[] = {"python3", "-c", "import os\tos.system('id')", ""};
    rt_event_set_args(ev, argv, 4);
    snprintf(ev->user_name, sizeof ev->user_name, "app");
    ev->nanc = 2;
    ev->anc[0].pid = 99;
    snprintf(ev->anc[0].name, RT_COMM_MAX, "sh");
    ev->anc[1].pid = 1;
    snprintf(ev->anc[1].name, RT_COMM_MAX, "containerd-shim");
    ev->cgroup_id = 1234567890123ull;
    ev->mnt_ns = 4026532001ull;
    ev->pid_ns = 4026532002ull;
    ev->net_ns = 4026532003ull;
    snprintf(ev->container_id, sizeof ev->container_id, "%s",
             "4f2a9c1b7e3d5a6f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f");
    snprintf(ev->container_name, sizeof ev->container_name, "k8s_app_pod");
    snprintf(ev->container_image, sizeof ev->container_image, "ghcr.io/x/app:2");
    snprintf(ev->container_type, sizeof ev->container_type, "containerd");
}

/* to_json → from_json gives the same bytes. */
static void round_trip(const struct rt_event *ev)
{
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(rt_event_to_json(ev, &sb), 0);
    assert_null(memchr(sb.buf, '\n', sb.len));
    struct rt_event back;
    struct strata_error err = {0};
    if (rt_event_from_json(sb.buf, sb.len, "rec.jsonl", 1, &back, &err) != 0)
        fail_msg("%s\n%s", err.msg, sb.buf);
    if (memcmp(ev, &back, sizeof back) != 0) {
        struct strbuf again = STRBUF_INIT;
        rt_event_to_json(&back, &again);
        fail_msg("round trip differs:\n%s\n%s", sb.buf, again.buf);
    }
    /* and writing it again gives the same line */
    struct strbuf again = STRBUF_INIT;
    assert_int_equal(rt_event_to_json(&back, &again), 0);
    assert_string_equal(sb.buf, again.buf);
    strbuf_release(&again);
    strbuf_release(&sb);
}

static void test_round_trip_every_class(void **state)
{
    (void)state;
    struct rt_event ev;
    for (unsigned t = 1; t < RT_EV_TYPE_COUNT; t++) {
        base(&ev, (enum rt_event_type)t);
        switch (rt_event_type_class((enum rt_event_type)t)) {
        case RT_CLASS_PROCESS:
            ev.u.exit.code = t == RT_EV_PROCEXIT ? 137 : 0;
            ev.u.exit.signal = t == RT_EV_PROCEXIT ? 9 : 0;
            break;
        case RT_CLASS_FILE:
            snprintf(ev.path, sizeof ev.path,
                     "/etc/sh\xc3\xa4"
                     "dow");
            if (t == RT_EV_RENAMEAT2)
                snprintf(ev.path2, sizeof ev.path2, "/usr/bin/x");
            ev.u.file.flags = (t == RT_EV_OPENAT || t == RT_EV_OPEN)
                                  ? (uint32_t)(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
                                  : 1;
            ev.u.file.mode = 0644;
            ev.u.file.fd = 7;
            break;
        case RT_CLASS_NET:
            ev.u.net.family = t == RT_EV_ACCEPT ? RT_AF_INET6 : RT_AF_INET;
            ev.u.net.l4proto = RT_L4_TCP;
            inet_pton(ev.u.net.family == RT_AF_INET6 ? AF_INET6 : AF_INET,
                      ev.u.net.family == RT_AF_INET6 ? "2001:db8::5" : "10.1.2.3", ev.u.net.laddr);
            inet_pton(ev.u.net.family == RT_AF_INET6 ? AF_INET6 : AF_INET,
                      ev.u.net.family == RT_AF_INET6 ? "::1" : "192.0.2.9", ev.u.net.raddr);
            ev.u.net.lport = 41000;
            ev.u.net.rport = 3333;
            ev.u.net.fd = 4;
            break;
        case RT_CLASS_CRED:
            ev.u.cred.old_cred = ev.cred;
            ev.u.cred.new_cred = (struct rt_cred){0, 0, 0, 0, 0, 0, 0, 0, 0x1ffffffffffull, 1, 0};
            break;
        case RT_CLASS_PTRACE:
            ev.u.ptrace.request = 0x4206;
            ev.u.ptrace.target_pid = 1;
            break;
        case RT_CLASS_MOUNT:
            snprintf(ev.path, sizeof ev.path, "/mnt");
            snprintf(ev.path2, sizeof ev.path2, "/dev/sda1");
            snprintf(ev.u.mount.fstype, sizeof ev.u.mount.fstype, "ext4");
            ev.u.mount.flags = 0x1000;
            break;
        case RT_CLASS_MODULE:
            snprintf(ev.u.module.name, sizeof ev.u.module.name, "evil");
            snprintf(ev.path, sizeof ev.path, "/tmp/evil.ko");
            break;
        case RT_CLASS_BPF:
            ev.u.bpf.cmd = 5;
            ev.u.bpf.prog_type = 26;
            snprintf(ev.u.bpf.prog_name, sizeof ev.u.bpf.prog_name, "probe");
            break;
        case RT_CLASS_ACTION:
            ev.u.action.kind = RT_ACT_ISOLATE;
            ev.u.action.result = RT_ACT_RATE_LIMITED;
            ev.u.action.target_pid = 55;
            snprintf(ev.u.action.rule, sizeof ev.u.action.rule, "Reverse shell");
            snprintf(ev.u.action.detail, sizeof ev.u.action.detail, "3 actions in 10 s");
            break;
        case RT_CLASS_DROP:
            ev.u.drop.lost = 123456;
            snprintf(ev.u.drop.source, sizeof ev.u.drop.source, "ringbuf");
            break;
        case RT_CLASS_NONE:
            break;
        }
        round_trip(&ev);
    }
    /* a host process with the defaults */
    rt_event_init(&ev);
    ev.type = RT_EV_EXECVE;
    round_trip(&ev);
    /* unix sockets, ptrace requests without a name, unknown open flags */
    base(&ev, RT_EV_CONNECT);
    ev.u.net.family = RT_AF_UNIX;
    ev.u.net.fd = 3;
    snprintf(ev.path, sizeof ev.path, "/run/docker.sock");
    round_trip(&ev);
    base(&ev, RT_EV_PTRACE);
    ev.u.ptrace.request = 999;
    round_trip(&ev);
    base(&ev, RT_EV_ACTION); /* no kind (found by the fuzzer: "kind":"" did not read back) */
    round_trip(&ev);
    base(&ev, RT_EV_CONNECT); /* no family, ports only */
    ev.u.net.lport = 5;
    round_trip(&ev);
    base(&ev, RT_EV_OPENAT2);
    ev.u.file.flags = O_RDWR | 0x80000000u;
    ev.u.file.fd = -1;
    round_trip(&ev);
    /* truncation bits and a full args buffer */
    base(&ev, RT_EV_EXECVE);
    char big[RT_ARGS_MAX * 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    const char *argv[] = {"x", big, "y"};
    assert_int_equal(rt_event_set_args(&ev, argv, 3), 1);
    assert_true(ev.truncated & RT_TRUNC_ARGS);
    assert_int_equal(ev.argc, 2);
    assert_int_equal(ev.args_len, RT_ARGS_MAX);
    round_trip(&ev);
}

static void test_names(void **state)
{
    (void)state;
    for (unsigned t = 1; t < RT_EV_TYPE_COUNT; t++) {
        const char *n = rt_event_type_name((enum rt_event_type)t);
        assert_true(n[0] != '\0');
        assert_int_equal(rt_event_type_from_name(n, strlen(n)), t);
        assert_int_not_equal(rt_event_type_class((enum rt_event_type)t), RT_CLASS_NONE);
    }
    assert_int_equal(rt_event_type_from_name("chmod", 5), RT_EV_NONE);
    assert_string_equal(rt_event_type_name(RT_EV_TYPE_COUNT), "");

    char buf[256];
    rt_open_flags_str(O_WRONLY | O_CREAT | O_TRUNC, buf, sizeof buf);
    assert_string_equal(buf, "O_WRONLY|O_CREAT|O_TRUNC");
    rt_open_flags_str(O_RDONLY, buf, sizeof buf);
    assert_string_equal(buf, "O_RDONLY");
    rt_open_flags_str(O_RDWR | O_SYNC | O_TMPFILE, buf, sizeof buf);
    assert_string_equal(buf, "O_RDWR|O_SYNC|O_TMPFILE");
    uint32_t f;
    assert_int_equal(rt_open_flags_parse("O_RDWR|O_SYNC|O_TMPFILE", 23, &f), 0);
    assert_int_equal(f, (uint32_t)(O_RDWR | O_SYNC | O_TMPFILE));
    assert_int_equal(rt_open_flags_parse("O_WRONLY | 0x80000000", 21, &f), 0);
    assert_int_equal(f, O_WRONLY | 0x80000000u);
    assert_int_equal(rt_open_flags_parse("O_BOGUS", 7, &f), -1);
    assert_int_equal(rt_open_flags_parse("", 0, &f), -1);
    assert_int_equal(rt_open_flags_parse("O_RDONLY|", 9, &f), -1);

    rt_caps_str((1ull << 21) | 1 | (1ull << 63), buf, sizeof buf);
    assert_string_equal(buf, "CAP_CHOWN CAP_SYS_ADMIN CAP_63");
    rt_caps_str(~0ull, buf, 20); /* cut, still terminated */
    assert_int_equal(strlen(buf), 19);
    assert_int_equal(rt_cap_from_name("sys_admin", 9), 21);
    assert_int_equal(rt_cap_from_name("CAP_BPF", 7), 39);
    assert_int_equal(rt_cap_from_name("CAP_NOPE", 8), -1);
    int64_t req;
    assert_int_equal(rt_ptrace_request_from_name("PTRACE_SEIZE", 12, &req), 0);
    assert_int_equal(req, 0x4206);
    assert_string_equal(rt_fd_type_name(RT_FD_IPV6), "ipv6");
    assert_int_equal(rt_fd_type_from_name("pipe", 4), RT_FD_PIPE);

    char small[4];
    assert_int_equal(rt_copy_str(small, sizeof small, "abcdef", 6), 1);
    assert_string_equal(small, "abc");
    assert_int_equal(rt_copy_str(small, sizeof small, "a\0bc", 4), 0);
    assert_string_equal(small, "a");
}

static void expect_bad(const char *line, const char *want)
{
    struct rt_event ev;
    struct strata_error err = {0};
    int rc = rt_event_from_json(line, strlen(line), "rec.jsonl", 12, &ev, &err);
    if (rc == 0)
        fail_msg("accepted: %s", line);
    if (strstr(err.msg, want) == NULL)
        fail_msg("error \"%s\" does not contain \"%s\"", err.msg, want);
}

static void test_reading(void **state)
{
    (void)state;
    struct rt_event ev;
    struct strata_error err = {0};
    /* the minimum, and friendly spellings for hand-written recordings */
    const char *l =
        "{\"type\":\"openat\",\"file\":{\"path\":\"/etc/shadow\",\"flags\":\"O_RDONLY\"},"
        "\"proc\":{\"comm\":\"cat\",\"cred\":{\"cap_effective\":[\"CAP_SYS_ADMIN\","
        "\"net_raw\"],\"cap_permitted\":5,\"cap_inheritable\":\"0x10\"}}}";
    assert_int_equal(rt_event_from_json(l, strlen(l), "r", 1, &ev, &err), 0);
    assert_int_equal(ev.type, RT_EV_OPENAT);
    assert_string_equal(ev.path, "/etc/shadow");
    assert_int_equal(ev.u.file.fd, -1);
    assert_string_equal(ev.container_id, "host");
    assert_int_equal(ev.dir, '<');
    assert_int_equal(ev.cred.cap_effective, (1ull << 21) | (1ull << 13));
    assert_int_equal(ev.cred.cap_permitted, 5);
    assert_int_equal(ev.cred.cap_inheritable, 16);
    /* a container without a type is not the host */
    l = "{\"type\":\"execve\",\"container\":{\"id\":\"abc\"}}";
    assert_int_equal(rt_event_from_json(l, strlen(l), "r", 1, &ev, &err), 0);
    assert_string_equal(ev.container_type, "");
    /* long strings are cut and marked */
    char line[4096];
    char path[1500];
    memset(path, 'p', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    snprintf(line, sizeof line, "{\"type\":\"unlink\",\"file\":{\"path\":\"/%s\"}}", path);
    assert_int_equal(rt_event_from_json(line, strlen(line), "r", 1, &ev, &err), 0);
    assert_int_equal(strlen(ev.path), RT_PATH_MAX - 1);
    assert_true(ev.truncated & RT_TRUNC_PATH);
    /* more ancestors than kept */
    l = "{\"type\":\"execve\",\"proc\":{\"ancestors\":[{\"pid\":1,\"name\":\"a\"},{\"pid\":2},{},{}"
        ",{},"
        "{},{},{},{},{\"name\":\"j\"}]}}";
    assert_int_equal(rt_event_from_json(l, strlen(l), "r", 1, &ev, &err), 0);
    assert_int_equal(ev.nanc, RT_MAX_ANCESTORS);
    /* invalid UTF-8 and control bytes are written as valid JSON */
    base(&ev, RT_EV_OPENAT);
    memcpy(ev.path, "/x\xff\xc3(\x01\x7f", 8);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(rt_event_to_json(&ev, &sb), 0);
    assert_non_null(strstr(sb.buf, "\"/x\\ufffd\\ufffd(\\u0001\x7f\""));
    assert_int_equal(rt_event_from_json(sb.buf, sb.len, "r", 1, &ev, &err), 0);
    assert_string_equal(ev.path, "/x\xef\xbf\xbd\xef\xbf\xbd(\x01\x7f");
    strbuf_release(&sb);
}

static void test_hostile_lines(void **state)
{
    (void)state;
    expect_bad("", "rec.jsonl:12:");
    expect_bad("{\"type\":\"execve\"", "rec.jsonl:12:16: invalid JSON");
    expect_bad("[1,2]", "rec.jsonl:12:1: an event is a JSON object");
    expect_bad("{}", "rec.jsonl:12: event: no \"type\"");
    expect_bad("{\"type\":\"chmod\"}", "rec.jsonl:12: type: unknown event type \"chmod\"");
    expect_bad("{\"type\":7}", "unknown event type \"(not a string)\"");
    expect_bad("{\"type\":\"execve\",\"colour\":1}", "rec.jsonl:12: event: unknown key \"colour\"");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"pid\":-1}}",
               "rec.jsonl:12: proc.pid: expected an integer from 0 to 4294967295");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"pid\":4294967296}}", "proc.pid: expected");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"pid\":\"1\"}}", "proc.pid: expected");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"comm\":1}}", "proc.comm: expected a string");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"args\":[\"a\",1]}}",
               "proc.args: expected an array");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"stdin\":\"socket\"}}",
               "proc.stdin: expected an fd");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"flags\":[\"suid\"]}}", "proc.flags: expected");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"cred\":{\"cap_effective\":[\"CAP_X\"]}}}",
               "proc.cred.cap_effective: expected capability names");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"cred\":{\"cap_effective\":\"0x1g\"}}}",
               "proc.cred.cap_effective: expected \"0x");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"cred\":{\"root\":true}}}",
               "proc.cred: unknown key \"root\"");
    expect_bad("{\"type\":\"connect\",\"net\":{\"rport\":65536}}",
               "net.rport: expected an integer");
    expect_bad("{\"type\":\"connect\",\"net\":{\"raddr\":\"1.2.3\"}}",
               "net.raddr: expected an IPv4");
    expect_bad("{\"type\":\"connect\",\"net\":{\"family\":\"inet\",\"raddr\":\"::1\"}}",
               "net.raddr: address does not match the family");
    expect_bad("{\"type\":\"connect\",\"net\":{\"family\":\"ipx\"}}", "net.family: expected");
    expect_bad("{\"type\":\"connect\",\"file\":{\"path\":\"/x\"}}",
               "file: a \"file\" object does not belong to a connect event");
    expect_bad("{\"type\":\"execve\",\"exit\":{\"code\":1}}", "exit: an \"exit\" object belongs");
    expect_bad("{\"type\":\"openat\",\"file\":{\"flags\":\"O_RDONLY|O_NOPE\"}}",
               "file.flags: expected open flags");
    expect_bad("{\"type\":\"ptrace\",\"ptrace\":{\"request\":\"PTRACE_BOGUS\"}}",
               "ptrace.request: expected a PTRACE_* name");
    expect_bad("{\"type\":\"action\",\"action\":{\"kind\":\"nuke\"}}", "action.kind: expected");
    expect_bad("{\"type\":\"action\",\"action\":{\"result\":\"ok\"}}", "action.result: expected");
    expect_bad("{\"type\":\"execve\",\"dir\":\"=\"}", "dir: expected");
    expect_bad("{\"type\":\"execve\",\"v\":2}", "v: recording format version not supported");
    expect_bad("{\"type\":\"execve\",\"truncated\":[\"all\"]}", "truncated: expected");
    expect_bad("{\"type\":\"execve\",\"type\":\"openat\"}", "rec.jsonl:12:");
    expect_bad("{\"type\":\"execve\",\"proc\":{\"comm\":\"a\\u0000b\"}}", "rec.jsonl:12:");
    expect_bad("{\"type\":\"execve\",\"proc\":[]}", "proc: expected an object");
    /* deep nesting and a long line */
    char deep[5000];
    size_t n = (size_t)snprintf(deep, sizeof deep, "{\"type\":\"execve\",\"x\":");
    for (int i = 0; i < 2000; i++)
        deep[n++] = '[';
    deep[n] = '\0';
    expect_bad(deep, "rec.jsonl:12:");
    char *big = malloc(RT_JSON_LINE_MAX + 10);
    memset(big, ' ', RT_JSON_LINE_MAX + 9);
    big[RT_JSON_LINE_MAX + 9] = '\0';
    expect_bad(big, "more than the 65536 allowed");
    free(big);
}

static void test_replay_reader(void **state)
{
    (void)state;
    char path[] = "/tmp/strata-replay-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "{\"type\":\"execve\",\"time\":1}\r\n"
                        "\n"
                        "   \n"
                        "{\"type\":\"procexit\",\"exit\":{\"code\":2}}\n"
                        "{\"type\":\"openat\" \"file\":1}\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    struct rt_replay *r;
    struct strata_error err = {0};
    struct rt_event ev;
    assert_int_equal(rt_replay_open(&r, path, &err), 0);
    assert_int_equal(rt_replay_next(r, &ev, &err), 1);
    assert_int_equal(ev.ts_ns, 1);
    assert_int_equal(rt_replay_line(r), 1);
    assert_int_equal(rt_replay_next(r, &ev, &err), 1);
    assert_int_equal(ev.u.exit.code, 2);
    assert_int_equal(rt_replay_line(r), 4);
    assert_int_not_equal(rt_replay_next(r, &ev, &err), 1);
    char want[128];
    snprintf(want, sizeof want, "%s:5:23: invalid JSON", path);
    if (strstr(err.msg, want) == NULL)
        fail_msg("%s / %s", err.msg, want);
    rt_replay_close(r);
    /* a line longer than the bound */
    FILE *f = fopen(path, "w");
    for (size_t i = 0; i < RT_JSON_LINE_MAX + 5; i++)
        fputc('x', f);
    fclose(f);
    assert_int_equal(rt_replay_open(&r, path, &err), 0);
    assert_int_equal(rt_replay_next(r, &ev, &err), STRATA_ELIMIT);
    snprintf(want, sizeof want, "%s:1: line longer than", path);
    if (strstr(err.msg, want) == NULL)
        fail_msg("%s / %s", err.msg, want);
    rt_replay_close(r);
    unlink(path);
    assert_int_equal(rt_replay_open(&r, "/nonexistent/rec.jsonl", &err), STRATA_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_class),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_reading),
        cmocka_unit_test(test_hostile_lines),
        cmocka_unit_test(test_replay_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
