/* The runtime rules engine: every operator, every field class, macros, lists, append and
 * override, exceptions, priorities, outputs, the event-type index, and errors that name
 * file:line:col and the token. */
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

#include "runtime/event.h"
#include "runtime/rules.h"

/* ---- helpers ---- */

static struct rt_rules *load_err(const char *yaml, struct strata_error *err)
{
    struct rt_rules *r = rt_rules_new();
    assert_non_null(r);
    int rc = rt_rules_add_yaml(r, "t.yaml", yaml, strlen(yaml), err);
    if (rc == 0)
        rc = rt_rules_compile(r, err);
    if (rc != 0) {
        rt_rules_free(r);
        return NULL;
    }
    return r;
}

static struct rt_rules *load(const char *yaml)
{
    struct strata_error err = {0};
    struct rt_rules *r = load_err(yaml, &err);
    if (r == NULL)
        fail_msg("rules refused: %s\n%s", err.msg, yaml);
    return r;
}

static void expect_err(const char *yaml, const char *want)
{
    struct strata_error err = {0};
    struct rt_rules *r = load_err(yaml, &err);
    if (r != NULL) {
        rt_rules_free(r);
        fail_msg("accepted, expected \"%s\":\n%s", want, yaml);
    }
    if (strstr(err.msg, want) == NULL)
        fail_msg("error \"%s\" does not contain \"%s\"", err.msg, want);
}

static char yaml_buf[8192];

/* One rule with condition cond (a block scalar, so no YAML quoting is needed). */
static const char *one_rule(const char *cond)
{
    snprintf(yaml_buf, sizeof yaml_buf,
             "- rule: r\n  desc: d\n  condition: |\n    %s\n  output: o\n  priority: INFO\n", cond);
    return yaml_buf;
}

static size_t count_matches(struct rt_rules *r, const struct rt_event *ev)
{
    struct rt_eval *e = rt_eval_new(r);
    assert_non_null(e);
    size_t n = rt_eval_event(e, ev, RT_PRIO_DEBUG, NULL, NULL);
    rt_eval_free(e);
    return n;
}

/* Whether a rule with this condition fires on ev. */
static int fires(const char *cond, const struct rt_event *ev)
{
    struct rt_rules *r = load(one_rule(cond));
    size_t n = count_matches(r, ev);
    rt_rules_free(r);
    return n > 0;
}

#define YES(cond, ev)                                                                              \
    do {                                                                                           \
        if (!fires(cond, ev))                                                                      \
            fail_msg("expected a match: %s", cond);                                                \
    } while (0)
#define NO(cond, ev)                                                                               \
    do {                                                                                           \
        if (fires(cond, ev))                                                                       \
            fail_msg("expected no match: %s", cond);                                               \
    } while (0)

static void ev_exec(struct rt_event *ev, const char *comm, const char *exe, const char *const *argv,
                    size_t argc)
{
    rt_event_init(ev);
    ev->type = RT_EV_EXECVE;
    ev->ts_ns = 1700000000123456789ull;
    ev->pid = 4242;
    ev->tid = 4243;
    ev->ppid = 4000;
    ev->vpid = 7;
    snprintf(ev->comm, sizeof ev->comm, "%s", comm);
    snprintf(ev->exe, sizeof ev->exe, "%s", exe);
    snprintf(ev->cwd, sizeof ev->cwd, "/srv");
    snprintf(ev->user_name, sizeof ev->user_name, "www-data");
    ev->cred.uid = ev->cred.euid = 33;
    ev->cred.gid = ev->cred.egid = 33;
    ev->cred.cap_effective = (1ull << 0) | (1ull << 21); /* CHOWN, SYS_ADMIN */
    ev->loginuid = 1000;
    ev->tty = 34816;
    rt_event_set_args(ev, argv, argc);
    ev->nanc = 3;
    ev->anc[0].pid = 4000;
    snprintf(ev->anc[0].name, RT_COMM_MAX, "node");
    ev->anc[1].pid = 3000;
    snprintf(ev->anc[1].name, RT_COMM_MAX, "npm");
    ev->anc[2].pid = 1;
    snprintf(ev->anc[2].name, RT_COMM_MAX, "tini");
    snprintf(ev->container_id, sizeof ev->container_id,
             "4f2a9c1b7e3d5a6f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f");
    snprintf(ev->container_name, sizeof ev->container_name, "web");
    snprintf(ev->container_image, sizeof ev->container_image,
             "registry.example:5000/team/app:1.2@sha256:0123");
    snprintf(ev->container_type, sizeof ev->container_type, "docker");
    ev->stdin_type = RT_FD_PIPE;
    ev->stdout_type = RT_FD_IPV4;
    ev->stderr_type = RT_FD_TTY;
    ev->cgroup_id = 99;
}

static void ev_bash(struct rt_event *ev)
{
    static const char *const argv[] = {"bash", "-c", "id; cat /etc/passwd"};
    ev_exec(ev, "bash", "/usr/bin/bash", argv, 3);
}

static void ev_open(struct rt_event *ev, enum rt_event_type t, const char *path, uint32_t flags)
{
    ev_bash(ev);
    ev->type = (uint16_t)t;
    snprintf(ev->path, sizeof ev->path, "%s", path);
    ev->u.file.flags = flags;
    ev->u.file.fd = 3;
    ev->res = 3;
}

static void ev_net(struct rt_event *ev, enum rt_event_type t, const char *laddr, uint16_t lport,
                   const char *raddr, uint16_t rport)
{
    ev_bash(ev);
    ev->type = (uint16_t)t;
    int v6 = strchr(laddr, ':') != NULL;
    ev->u.net.family = v6 ? RT_AF_INET6 : RT_AF_INET;
    ev->u.net.l4proto = RT_L4_TCP;
    inet_pton(v6 ? AF_INET6 : AF_INET, laddr, ev->u.net.laddr);
    inet_pton(v6 ? AF_INET6 : AF_INET, raddr, ev->u.net.raddr);
    ev->u.net.lport = lport;
    ev->u.net.rport = rport;
    ev->u.net.fd = 5;
}

/* ---- operators ---- */

static void test_string_operators(void **state)
{
    (void)state;
    struct rt_event ev;
    ev_bash(&ev);
    YES("proc.name = bash", &ev);
    YES("proc.name == bash", &ev);
    NO("proc.name = bas", &ev);
    YES("proc.name != sh", &ev);
    NO("proc.name != bash", &ev);
    YES("proc.name < bat", &ev);
    YES("proc.name <= bash", &ev);
    NO("proc.name < bash", &ev);
    YES("proc.name > bas", &ev);
    YES("proc.name >= bash", &ev);
    NO("proc.name > bash", &ev);
    YES("proc.cmdline contains \"cat /etc\"", &ev);
    NO("proc.cmdline contains 'CAT'", &ev);
    YES("proc.cmdline icontains 'CAT /ETC'", &ev);
    YES("proc.exepath startswith /usr/", &ev);
    NO("proc.exepath startswith /bin", &ev);
    YES("proc.exepath endswith /bash", &ev);
    NO("proc.exepath endswith /sh", &ev);
    YES("proc.exepath glob '/usr/*/ba?h'", &ev);
    YES("proc.exepath glob '*bash'", &ev); /* '*' crosses '/' as in Falco */
    NO("proc.exepath glob '/bin/*'", &ev);
    YES("proc.exepath pmatch (/usr/bin)", &ev);
    YES("proc.exepath pmatch (/usr, /opt)", &ev);
    YES("proc.exepath pmatch (/)", &ev);
    YES("proc.exepath pmatch (/usr/bin/)", &ev);
    NO("proc.exepath pmatch (/usr/b)", &ev); /* a prefix must end at a '/' */
    YES("proc.exepath pmatch (/usr/bin/bash)", &ev);
    YES("proc.name in (sh, bash, zsh)", &ev);
    NO("proc.name in (sh, zsh)", &ev);
    NO("proc.name in ()", &ev);
    YES("proc.name intersects (bash)", &ev);
    YES("proc.name exists", &ev);
    YES("proc.cwd = /srv", &ev);
    /* many values: the hash table */
    YES("proc.name in (a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, bash)", &ev);
    NO("proc.name in (a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, bas)", &ev);
    /* quoted values keep blanks, commas, parentheses and escaped quotes */
    YES("proc.cmdline = \"bash -c id; cat /etc/passwd\"", &ev);
    YES("proc.cmdline in ('x, y', \"bash -c id; cat /etc/passwd\")", &ev);
    ev_open(&ev, RT_EV_OPENAT, "/tmp/a \"q\" (b)", O_RDONLY);
    YES("fd.name = '/tmp/a \"q\" (b)'", &ev);
    YES("fd.name = \"/tmp/a \\\"q\\\" (b)\"", &ev);
}

static void test_number_bool_operators(void **state)
{
    (void)state;
    struct rt_event ev;
    ev_bash(&ev);
    YES("user.uid = 33", &ev);
    YES("user.uid != 0", &ev);
    YES("user.uid < 34 and user.uid <= 33 and user.uid > 32 and user.uid >= 33", &ev);
    NO("user.uid > 33", &ev);
    YES("user.uid in (0, 33)", &ev);
    YES("user.uid intersects (33)", &ev);
    YES("user.uid = 0x21", &ev);
    YES("proc.pid = 4242 and thread.tid = 4243 and proc.ppid = 4000 and proc.vpid = 7", &ev);
    YES("proc.tty = 34816 and user.loginuid = 1000 and group.gid = 33 and user.ruid = 33", &ev);
    ev.loginuid = UINT32_MAX;
    YES("user.loginuid = -1 and user.loginuid < 0", &ev);
    ev.res = -13;
    YES("evt.rawres < 0 and evt.res = EACCES and evt.failed = true", &ev);
    ev.res = 0;
    YES("evt.res = SUCCESS and evt.failed = false and evt.failed != true", &ev);
    /* more than 16 numbers: sorted, binary search */
    ev_net(&ev, RT_EV_CONNECT, "10.0.0.2", 40000, "192.0.2.7", 45700);
    YES("fd.sport in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 45700)", &ev);
    NO("fd.sport in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 45701)", &ev);
    ev_open(&ev, RT_EV_OPENAT, "/etc/x", O_WRONLY | O_CREAT | O_TRUNC);
    YES("evt.is_open_write = true and evt.is_open_read = false", &ev);
    YES("evt.is_open_write = TRUE and evt.is_open_write exists", &ev);
    ev.u.file.flags = O_RDWR;
    YES("evt.is_open_write = true and evt.is_open_read = true", &ev);
    ev_bash(&ev);
    NO("evt.is_open_read = false", &ev); /* not an open: the field is absent */
    ev.proc_flags = RT_PROC_EXE_UPPER_LAYER | RT_PROC_EXE_FROM_MEMFD;
    YES("proc.is_exe_upper_layer = true and proc.is_exe_from_memfd = true", &ev);
    YES("proc.is_exe_writable = false", &ev);
}

static void test_ip_fields(void **state)
{
    (void)state;
    struct rt_event ev;
    /* connect: we are the client, the remote end is the server */
    ev_net(&ev, RT_EV_CONNECT, "10.0.0.2", 40000, "192.0.2.7", 4444);
    YES("fd.sip = 192.0.2.7 and fd.sport = 4444 and fd.dip = 192.0.2.7 and fd.dport = 4444", &ev);
    YES("fd.cip = 10.0.0.2 and fd.cport = 40000", &ev);
    YES("fd.lip = 10.0.0.2 and fd.lport = 40000 and fd.rip = 192.0.2.7 and fd.rport = 4444", &ev);
    YES("fd.snet = 192.0.2.0/24 and fd.cnet in (10.0.0.0/8) and fd.rnet = 192.0.0.0/8", &ev);
    YES("fd.lnet != 192.168.0.0/16", &ev);
    NO("fd.sip = 192.0.2.8", &ev);
    YES("fd.sip in (198.51.100.1, 192.0.2.7)", &ev);
    YES("fd.name = 10.0.0.2:40000->192.0.2.7:4444", &ev);
    YES("fd.l4proto = tcp and fd.typechar = 4 and fd.type = ipv4 and fd.sockfamily = ip", &ev);
    YES("fd.num = 5 and evt.arg.fd = 5", &ev);
    NO("fd.sip = 2001:db8::1", &ev); /* another family never matches */
    /* accept: we are the server */
    ev_net(&ev, RT_EV_ACCEPT4, "10.0.0.2", 8080, "203.0.113.9", 51000);
    YES("fd.sip = 10.0.0.2 and fd.sport = 8080 and fd.cip = 203.0.113.9 and fd.cport = 51000", &ev);
    YES("fd.name = 203.0.113.9:51000->10.0.0.2:8080", &ev);
    /* bind: only the server end */
    ev_net(&ev, RT_EV_BIND, "0.0.0.0", 9000, "0.0.0.0", 0);
    YES("fd.sport = 9000 and fd.sip = 0.0.0.0", &ev);
    NO("fd.cip exists", &ev);
    NO("fd.rport exists", &ev);
    /* IPv6 */
    ev_net(&ev, RT_EV_CONNECT, "2001:db8::2", 40000, "2001:db8::1", 443);
    YES("fd.sip = 2001:db8::1 and fd.snet = 2001:db8::/32 and fd.typechar = 6", &ev);
    YES("fd.name = [2001:db8::2]:40000->[2001:db8::1]:443", &ev);
    /* unix sockets: a path, no addresses */
    ev_bash(&ev);
    ev.type = RT_EV_CONNECT;
    ev.u.net.family = RT_AF_UNIX;
    snprintf(ev.path, sizeof ev.path, "/var/run/docker.sock");
    YES("fd.name = /var/run/docker.sock and fd.typechar = u and fd.sockfamily = unix", &ev);
    NO("fd.sip exists", &ev);
}

static void test_list_fields(void **state)
{
    (void)state;
    struct rt_event ev;
    ev_bash(&ev);
    YES("proc.pname = node", &ev);
    YES("proc.aname[0] = bash and proc.aname[1] = node and proc.aname[2] = npm", &ev);
    YES("proc.aname[3] = tini", &ev);
    NO("proc.aname[4] exists", &ev);
    YES("proc.aname = npm", &ev); /* any ancestor */
    NO("proc.aname = bash", &ev); /* not the process itself */
    YES("proc.aname in (npm, yarn)", &ev);
    YES("proc.aname intersects (tini)", &ev);
    YES("proc.aname startswith np", &ev);
    YES("proc.aname != python", &ev);
    NO("proc.aname != npm", &ev); /* no ancestor is npm */
    YES("proc.apid = 1 and proc.apid[1] = 4000 and proc.apid[0] = 4242", &ev);
    YES("thread.cap_effective contains CAP_SYS_ADMIN", &ev);
    YES("thread.cap_effective intersects (CAP_SYS_ADMIN, CAP_NET_RAW)", &ev);
    YES("thread.cap_effective in (CAP_CHOWN, CAP_SYS_ADMIN, CAP_KILL)", &ev); /* all in */
    NO("thread.cap_effective in (CAP_CHOWN, CAP_KILL)", &ev);
    NO("thread.cap_permitted exists and thread.cap_permitted = CAP_CHOWN", &ev);
    ev.nanc = 0;
    NO("proc.pname exists", &ev);
    NO("proc.aname = npm", &ev);
}

static void test_field_classes(void **state)
{
    (void)state;
    struct rt_event ev;
    /* evt.* */
    ev_bash(&ev);
    YES("evt.type = execve and evt.dir = < and evt.category = process", &ev);
    YES("evt.time = 1700000000123456789 and evt.num = 0", &ev);
    ev.dir = '>';
    YES("evt.dir = '>'", &ev);
    /* proc.* */
    ev_bash(&ev);
    YES("proc.exe = bash and proc.exepath = /usr/bin/bash", &ev);
    YES("proc.cmdline = 'bash -c id; cat /etc/passwd' and proc.args = '-c id; cat /etc/passwd'",
        &ev);
    YES("proc.args startswith -c", &ev);
    YES("proc.stdin_type = pipe and proc.stdout_type = ipv4 and proc.stderr_type = tty", &ev);
    YES("user.name = www-data", &ev);
    /* container.* */
    YES("container.id = 4f2a9c1b7e3d and container.full_id startswith 4f2a9c1b7e3d5a6f", &ev);
    YES("container.name = web and container.type = docker", &ev);
    YES("container.image.repository = registry.example:5000/team/app", &ev);
    YES("container.image.tag = 1.2", &ev);
    YES("container.image startswith registry.example", &ev);
    rt_event_init(&ev);
    ev.type = RT_EV_EXECVE;
    YES("container.id = host and container.type = host", &ev);
    NO("container.name exists", &ev);
    /* fd.* on files */
    ev_open(&ev, RT_EV_OPENAT, "/etc/ssh/sshd_config", O_RDONLY | O_CLOEXEC);
    YES("fd.name = /etc/ssh/sshd_config and fd.directory = /etc/ssh", &ev);
    YES("fd.filename = sshd_config and fd.typechar = f and fd.type = file", &ev);
    YES("evt.arg.flags = O_RDONLY|O_CLOEXEC and evt.arg.flags contains O_CLOEXEC", &ev);
    YES("evt.arg.name = /etc/ssh/sshd_config and evt.arg.path = /etc/ssh/sshd_config", &ev);
    YES("evt.category = file", &ev);
    NO("fd.sport exists", &ev);
    ev_open(&ev, RT_EV_OPENAT, "/shadow", O_RDONLY);
    YES("fd.directory = / and fd.filename = shadow", &ev);
    ev_open(&ev, RT_EV_OPENAT, "/etc", O_RDONLY | O_DIRECTORY);
    YES("fd.typechar = d and fd.type = directory", &ev);
    ev_open(&ev, RT_EV_RENAMEAT2, "/tmp/x", 0);
    snprintf(ev.path2, sizeof ev.path2, "/usr/bin/x");
    YES("evt.arg.oldpath = /tmp/x and evt.arg.newpath = /usr/bin/x", &ev);
    ev_open(&ev, RT_EV_UNLINKAT, "/var/log/auth.log", 0);
    NO("evt.arg.newpath exists", &ev);
    YES("fd.name pmatch (/var/log)", &ev);
    ev_open(&ev, RT_EV_MEMFD_CREATE, "payload", 0);
    YES("fd.typechar = m and evt.arg.name = payload", &ev);
    /* cred.* */
    ev_bash(&ev);
    ev.type = RT_EV_SETRESUID;
    ev.u.cred.old_cred.euid = 1000;
    ev.u.cred.new_cred.euid = 0;
    ev.u.cred.new_cred.uid = 0;
    ev.u.cred.old_cred.cap_effective = 0;
    ev.u.cred.new_cred.cap_effective = (1ull << 21) | (1ull << 12);
    YES("cred.old_euid = 1000 and cred.new_euid = 0 and evt.arg.uid = 0 and evt.arg.euid = 0", &ev);
    YES("cred.gained_caps intersects (CAP_SYS_ADMIN) and cred.new_caps contains NET_ADMIN", &ev);
    NO("cred.old_caps exists and cred.old_caps = CAP_CHOWN", &ev);
    YES("evt.category = cred", &ev);
    /* ptrace */
    ev_bash(&ev);
    ev.type = RT_EV_PTRACE;
    ev.u.ptrace.request = 16;
    ev.u.ptrace.target_pid = 1;
    YES("evt.arg.request = PTRACE_ATTACH and evt.arg.pid = 1", &ev);
    ev.u.ptrace.request = 12345;
    YES("evt.arg.request = 12345", &ev);
    /* mount, module, bpf */
    ev_bash(&ev);
    ev.type = RT_EV_MOUNT;
    snprintf(ev.path, sizeof ev.path, "/mnt/host");
    snprintf(ev.path2, sizeof ev.path2, "/dev/sda1");
    snprintf(ev.u.mount.fstype, sizeof ev.u.mount.fstype, "ext4");
    ev.u.mount.flags = 1;
    YES("evt.arg.dir = /mnt/host and evt.arg.dev = /dev/sda1 and evt.arg.type = ext4", &ev);
    YES("evt.rawarg.flags = 1 and evt.arg.flags = 1", &ev);
    ev.type = RT_EV_FINIT_MODULE;
    snprintf(ev.u.module.name, sizeof ev.u.module.name, "rootkit");
    snprintf(ev.path, sizeof ev.path, "/tmp/rootkit.ko");
    YES("evt.arg.name = rootkit and evt.arg.path = /tmp/rootkit.ko", &ev);
    ev.type = RT_EV_BPF;
    memset(&ev.u, 0, sizeof ev.u);
    ev.u.bpf.cmd = 5;
    ev.u.bpf.prog_type = 2;
    YES("evt.arg.cmd = 5 and evt.arg.prog_type = 2", &ev);
    /* procexit */
    ev.type = RT_EV_PROCEXIT;
    ev.u.exit.code = 3;
    YES("proc.exitcode = 3", &ev);
    /* action and drop events */
    ev_bash(&ev);
    ev.type = RT_EV_ACTION;
    ev.u.action.kind = RT_ACT_FREEZE;
    ev.u.action.result = RT_ACT_DRY_RUN;
    ev.u.action.target_pid = 9;
    snprintf(ev.u.action.rule, sizeof ev.u.action.rule, "Reverse shell");
    snprintf(ev.u.action.detail, sizeof ev.u.action.detail, "would freeze");
    YES("action.kind = freeze and action.result = dry-run and action.rule = 'Reverse shell'", &ev);
    YES("action.detail contains freeze and action.target_pid = 9", &ev);
    ev.type = RT_EV_DROP;
    memset(&ev.u, 0, sizeof ev.u);
    ev.u.drop.lost = 17;
    snprintf(ev.u.drop.source, sizeof ev.u.drop.source, "ringbuf");
    YES("drop.lost = 17 and drop.source = ringbuf and evt.category = drop", &ev);
}

static void test_absent_fields(void **state)
{
    (void)state;
    struct rt_event ev;
    ev_bash(&ev);
    /* an exec has no fd: every comparison on fd.name is false, `not` makes it true */
    NO("fd.name = x", &ev);
    NO("fd.name != x", &ev);
    NO("fd.name exists", &ev);
    YES("not fd.name exists", &ev);
    YES("not fd.name = x", &ev);
    ev.cwd[0] = '\0';
    NO("proc.cwd exists", &ev);
}

static void test_logic(void **state)
{
    (void)state;
    struct rt_event ev;
    ev_bash(&ev);
    YES("proc.name = bash and user.uid = 33", &ev);
    NO("proc.name = bash and user.uid = 0", &ev);
    YES("proc.name = sh or user.uid = 33", &ev);
    /* and binds tighter than or */
    YES("proc.name = sh and user.uid = 0 or proc.name = bash", &ev);
    NO("proc.name = sh and (user.uid = 0 or proc.name = bash)", &ev);
    YES("not proc.name = sh", &ev);
    YES("not not proc.name = bash", &ev);
    NO("not (proc.name = bash or proc.name = sh)", &ev);
    YES("((((proc.name = bash))))", &ev);
    YES("(proc.name=bash)and(user.uid=33)", &ev);
    YES("evt.dir=<", &ev);
}

/* ---- macros and lists ---- */

static void test_macros_lists(void **state)
{
    (void)state;
    struct rt_event ev;
    ev_bash(&ev);
    const char *y = "- list: shells\n"
                    "  items: [sh, bash]\n"
                    "- list: all_shells\n"
                    "  items: [shells, zsh]\n"
                    "- list: quoted\n"
                    "  items: ['\"a b\"', \"'/x y'\"]\n"
                    "- macro: spawned\n"
                    "  condition: evt.type in (execve, execveat)\n"
                    "- macro: shell_spawned\n"
                    "  condition: spawned and proc.name in (all_shells)\n"
                    "- rule: r1\n"
                    "  desc: d\n"
                    "  condition: shell_spawned and not later_macro\n"
                    "  output: o\n"
                    "  priority: INFO\n"
                    "- rule: r2\n"
                    "  desc: d\n"
                    "  condition: proc.name in ('shells')\n" /* quoted: the word itself */
                    "  output: o\n"
                    "  priority: INFO\n"
                    "- rule: r3\n"
                    "  desc: d\n"
                    "  condition: proc.cwd in (quoted)\n"
                    "  output: o\n"
                    "  priority: INFO\n"
                    "- macro: later_macro\n" /* defined after its use */
                    "  condition: proc.name = zsh\n";
    struct rt_rules *r = load(y);
    struct rt_rules_counts n;
    rt_rules_counts(r, &n);
    assert_int_equal(n.rules, 3);
    assert_int_equal(n.macros, 3);
    assert_int_equal(n.lists, 3);
    assert_int_equal(count_matches(r, &ev), 1);
    snprintf(ev.comm, sizeof ev.comm, "shells");
    snprintf(ev.cwd, sizeof ev.cwd, "a b");
    assert_int_equal(count_matches(r, &ev), 2); /* r2 and r3 */
    snprintf(ev.cwd, sizeof ev.cwd, "/x y");
    assert_int_equal(count_matches(r, &ev), 2);
    rt_rules_free(r);
    /* lists of numbers */
    ev_net(&ev, RT_EV_CONNECT, "10.0.0.1", 1, "10.0.0.2", 3333);
    r = load("- list: ports\n  items: [3333, 4444]\n"
             "- rule: r\n  desc: d\n  condition: fd.sport in (ports)\n"
             "  output: o\n  priority: INFO\n");
    assert_int_equal(count_matches(r, &ev), 1);
    rt_rules_free(r);
}

/* ---- append and override ---- */

static const char *base_rules = "- list: shells\n"
                                "  items: [sh]\n"
                                "- macro: is_shell\n"
                                "  condition: proc.name in (shells)\n"
                                "- rule: Shell\n"
                                "  desc: a shell\n"
                                "  condition: evt.type = execve and is_shell\n"
                                "  output: shell %proc.name\n"
                                "  priority: NOTICE\n"
                                "  tags: [a]\n"
                                "  exceptions:\n"
                                "    - name: known\n"
                                "      fields: [proc.pname, user.uid]\n"
                                "      values:\n"
                                "        - [cron, 0]\n";

static struct rt_rules *load2(const char *second)
{
    struct rt_rules *r = rt_rules_new();
    struct strata_error err = {0};
    assert_int_equal(rt_rules_add_yaml(r, "base.yaml", base_rules, strlen(base_rules), &err), 0);
    if (rt_rules_add_yaml(r, "local.yaml", second, strlen(second), &err) != 0 ||
        rt_rules_compile(r, &err) != 0)
        fail_msg("refused: %s", err.msg);
    return r;
}

static void expect_err2(const char *second, const char *want)
{
    struct rt_rules *r = rt_rules_new();
    struct strata_error err = {0};
    assert_int_equal(rt_rules_add_yaml(r, "base.yaml", base_rules, strlen(base_rules), &err), 0);
    int rc = rt_rules_add_yaml(r, "local.yaml", second, strlen(second), &err);
    if (rc == 0)
        rc = rt_rules_compile(r, &err);
    rt_rules_free(r);
    if (rc == 0)
        fail_msg("accepted: %s", second);
    if (strstr(err.msg, want) == NULL)
        fail_msg("error \"%s\" does not contain \"%s\"", err.msg, want);
}

static size_t matches_for(struct rt_rules *r, const char *comm, const char *pname, uint32_t uid)
{
    struct rt_event ev;
    ev_bash(&ev);
    snprintf(ev.comm, sizeof ev.comm, "%s", comm);
    snprintf(ev.anc[0].name, RT_COMM_MAX, "%s", pname);
    ev.cred.euid = uid;
    return count_matches(r, &ev);
}

static void format_first(struct rt_rules *r, struct rt_event *ev, char *out, size_t cap)
{
    struct rt_eval *e = rt_eval_new(r);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(rt_eval_event(e, ev, RT_PRIO_DEBUG, NULL, NULL), 1);
    assert_int_equal(rt_rule_format_output(rt_rules_get(r, 0), e, ev, &sb), 0);
    snprintf(out, cap, "%s", sb.buf);
    strbuf_release(&sb);
    rt_eval_free(e);
}

static void test_append_override(void **state)
{
    (void)state;
    struct rt_rules *r = load2("");
    assert_int_equal(matches_for(r, "sh", "node", 33), 1);
    assert_int_equal(matches_for(r, "bash", "node", 33), 0);
    assert_int_equal(matches_for(r, "sh", "cron", 0), 0); /* the exception */
    assert_int_equal(matches_for(r, "sh", "cron", 1), 1);
    rt_rules_free(r);

    /* list append, legacy and override forms */
    r = load2("- list: shells\n  items: [bash]\n  append: true\n"
              "- list: shells\n  items: [zsh]\n  override:\n    items: append\n");
    assert_int_equal(matches_for(r, "bash", "node", 33), 1);
    assert_int_equal(matches_for(r, "zsh", "node", 33), 1);
    assert_int_equal(matches_for(r, "sh", "node", 33), 1);
    rt_rules_free(r);
    r = load2("- list: shells\n  items: [zsh]\n  override:\n    items: replace\n");
    assert_int_equal(matches_for(r, "sh", "node", 33), 0);
    assert_int_equal(matches_for(r, "zsh", "node", 33), 1);
    rt_rules_free(r);
    /* a redefinition replaces */
    r = load2("- list: shells\n  items: [ksh]\n");
    assert_int_equal(matches_for(r, "sh", "node", 33), 0);
    assert_int_equal(matches_for(r, "ksh", "node", 33), 1);
    rt_rules_free(r);

    /* macro append and override */
    r = load2("- macro: is_shell\n  condition: or proc.name = fish\n  append: true\n");
    assert_int_equal(matches_for(r, "fish", "node", 33), 1);
    rt_rules_free(r);
    r = load2("- macro: is_shell\n  condition: proc.name = fish\n  override:\n"
              "    condition: replace\n");
    assert_int_equal(matches_for(r, "fish", "node", 33), 1);
    assert_int_equal(matches_for(r, "sh", "node", 33), 0);
    rt_rules_free(r);

    /* rule condition append (legacy) and exceptions append */
    r = load2("- rule: Shell\n  condition: and user.uid != 33\n  append: true\n");
    assert_int_equal(matches_for(r, "sh", "node", 33), 0);
    assert_int_equal(matches_for(r, "sh", "node", 34), 1);
    rt_rules_free(r);
    r = load2("- rule: Shell\n  exceptions:\n    - name: known\n      values:\n"
              "        - [node, 33]\n    - name: other\n      fields: proc.pname\n"
              "      values: [nginx]\n  append: true\n");
    assert_int_equal(matches_for(r, "sh", "node", 33), 0);
    assert_int_equal(matches_for(r, "sh", "node", 34), 1);
    assert_int_equal(matches_for(r, "sh", "nginx", 34), 0);
    assert_int_equal(matches_for(r, "sh", "cron", 0), 0);
    rt_rules_free(r);

    /* override of each key */
    r = load2("- rule: Shell\n"
              "  condition: and user.uid = 0\n"
              "  output: (uid %user.uid)\n"
              "  desc: as root\n"
              "  priority: CRITICAL\n"
              "  tags: [b]\n"
              "  action: kill\n"
              "  override:\n"
              "    condition: append\n"
              "    output: append\n"
              "    desc: append\n"
              "    priority: replace\n"
              "    tags: append\n"
              "    action: replace\n");
    const struct rt_rule *rule = rt_rules_get(r, 0);
    assert_string_equal(rt_rule_desc(rule), "a shell as root");
    assert_int_equal(rt_rule_priority(rule), RT_PRIO_CRITICAL);
    assert_int_equal(rt_rule_tag_count(rule), 2);
    assert_string_equal(rt_rule_tag(rule, 1), "b");
    assert_int_equal(rt_rule_action(rule), RT_ACT_KILL);
    assert_int_equal(matches_for(r, "sh", "node", 33), 0);
    struct rt_event ev;
    ev_bash(&ev);
    snprintf(ev.comm, sizeof ev.comm, "sh");
    ev.cred.euid = 0;
    char out[256];
    format_first(r, &ev, out, sizeof out);
    assert_string_equal(out, "shell sh (uid 0)");
    rt_rules_free(r);

    r = load2("- rule: Shell\n  tags: [z]\n  exceptions: []\n  enabled: false\n  override:\n"
              "    tags: replace\n    exceptions: replace\n    enabled: replace\n");
    rule = rt_rules_get(r, 0);
    assert_int_equal(rt_rule_tag_count(rule), 1);
    assert_false(rt_rule_enabled(rule));
    assert_int_equal(matches_for(r, "sh", "cron", 0), 0); /* disabled */
    rt_rules_free(r);
    /* enabled alone switches a rule */
    r = load2("- rule: Shell\n  enabled: false\n- rule: Shell\n  enabled: true\n");
    assert_true(rt_rule_enabled(rt_rules_get(r, 0)));
    rt_rules_free(r);
    r = load2("- rule: Shell\n  enabled: false\n");
    assert_int_equal(matches_for(r, "sh", "node", 33), 0);
    rt_rules_free(r);

    /* errors */
    expect_err2("- list: nope\n  items: [a]\n  append: true\n",
                "local.yaml:1:3: list nope: append of a list that is not defined");
    expect_err2("- macro: nope\n  condition: x\n  append: true\n", "append of a macro that is not");
    expect_err2("- rule: Nope\n  condition: x\n  append: true\n",
                "rule Nope: append to a rule that is not defined");
    expect_err2("- rule: Shell\n  output: x\n  append: true\n",
                "only condition and exceptions can be appended");
    expect_err2("- rule: Shell\n  condition: x\n  priority: INFO\n  override:\n"
                "    condition: append\n",
                "local.yaml:3:3: priority is not listed under override");
    expect_err2("- rule: Shell\n  override:\n    condition: append\n",
                "override names condition but the item has no condition");
    expect_err2("- rule: Shell\n  priority: INFO\n  override:\n    priority: append\n",
                "override: priority cannot be appended");
    expect_err2("- rule: Shell\n  condition: x\n  override:\n    condition: merge\n",
                "expected append or replace");
    expect_err2("- rule: Shell\n  condition: x\n  append: true\n  override:\n"
                "    condition: append\n",
                "append and override cannot be used together");
    expect_err2("- rule: Nope\n  enabled: false\n", "rule Nope: enabled: no rule of that name");
    expect_err2("- rule: Shell\n  exceptions:\n    - name: known\n      fields: [proc.name]\n"
                "  append: true\n",
                "only values can be appended");
}

static void test_exceptions(void **state)
{
    (void)state;
    const char *y = "- list: trusted\n"
                    "  items: [cron, systemd]\n"
                    "- rule: r\n"
                    "  desc: d\n"
                    "  condition: evt.type = openat\n"
                    "  output: o\n"
                    "  priority: INFO\n"
                    "  exceptions:\n"
                    "    - name: by_proc_and_dir\n"
                    "      fields: [proc.name, fd.directory]\n"
                    "      comps: [in, pmatch]\n"
                    "      values:\n"
                    "        - [[vim, nano], [/etc/ssh]]\n"
                    "        - [trusted, [/var/lib]]\n"
                    "    - name: single\n"
                    "      fields: fd.filename\n"
                    "      values: [hosts, resolv.conf]\n"
                    "    - name: single_startswith\n"
                    "      fields: fd.name\n"
                    "      comps: startswith\n"
                    "      values: [/proc/, /sys/]\n"
                    "    - name: no_values\n"
                    "      fields: [proc.name]\n";
    struct rt_rules *r = load(y);
    struct rt_event ev;
    ev_open(&ev, RT_EV_OPENAT, "/etc/ssh/sshd_config", O_RDONLY);
    assert_int_equal(count_matches(r, &ev), 1);
    snprintf(ev.comm, sizeof ev.comm, "vim");
    assert_int_equal(count_matches(r, &ev), 0);
    snprintf(ev.comm, sizeof ev.comm, "cron"); /* a list name in a tuple */
    assert_int_equal(count_matches(r, &ev), 1);
    snprintf(ev.path, sizeof ev.path, "/var/lib/x/y");
    assert_int_equal(count_matches(r, &ev), 0);
    snprintf(ev.comm, sizeof ev.comm, "bash");
    assert_int_equal(count_matches(r, &ev), 1);
    snprintf(ev.path, sizeof ev.path, "/etc/hosts");
    assert_int_equal(count_matches(r, &ev), 0);
    snprintf(ev.path, sizeof ev.path, "/proc/1/status");
    assert_int_equal(count_matches(r, &ev), 0);
    rt_rules_free(r);

    expect_err("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n"
               "  priority: INFO\n  exceptions:\n    - name: x\n      fields: [proc.nme]\n"
               "      values: [[a]]\n",
               "t.yaml:8:16: exception x: unknown field 'proc.nme'");
    expect_err("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n"
               "  priority: INFO\n  exceptions:\n    - name: x\n      fields: [proc.name]\n"
               "      comps: [like]\n      values: [[a]]\n",
               "t.yaml:9:15: exception x: unknown operator 'like'");
    expect_err(
        "- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n"
        "  priority: INFO\n  exceptions:\n    - name: x\n      fields: [proc.name, user.uid]\n"
        "      values: [[a]]\n",
        "t.yaml:9:16: exception x: each value is a sequence of 2 items");
    expect_err("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n"
               "  priority: INFO\n  exceptions:\n    - name: x\n      fields: [user.uid]\n"
               "      values: [[abc]]\n",
               "t.yaml:9:17: user.uid is a number: 'abc' is not one");
    expect_err("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n"
               "  priority: INFO\n  exceptions:\n    - name: x\n      fields: [proc.name]\n"
               "      values: [[[a, b]]]\n",
               "exception x: = takes one value, not a sequence");
}

/* ---- priorities ---- */

static void test_priorities(void **state)
{
    (void)state;
    static const char *const names[] = {"EMERGENCY",     "Alert",   "critical",
                                        "ERROR",         "warning", "NOTICE",
                                        "informational", "Debug",   "INFO"};
    static const enum rt_priority want[] = {
        RT_PRIO_EMERGENCY,     RT_PRIO_ALERT,   RT_PRIO_CRITICAL,
        RT_PRIO_ERROR,         RT_PRIO_WARNING, RT_PRIO_NOTICE,
        RT_PRIO_INFORMATIONAL, RT_PRIO_DEBUG,   RT_PRIO_INFORMATIONAL};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        enum rt_priority p;
        assert_int_equal(rt_priority_parse(names[i], strlen(names[i]), &p), 0);
        assert_int_equal(p, want[i]);
    }
    enum rt_priority p;
    assert_int_equal(rt_priority_parse("SEVERE", 6, &p), -1);
    assert_string_equal(rt_priority_name(RT_PRIO_WARNING), "Warning");
    assert_string_equal(rt_priority_name(RT_PRIO_INFORMATIONAL), "Informational");

    /* the minimum-priority filter */
    struct rt_rules *r = load("- rule: a\n  desc: d\n  condition: evt.type = execve\n"
                              "  output: o\n  priority: CRITICAL\n"
                              "- rule: b\n  desc: d\n  condition: evt.type = execve\n"
                              "  output: o\n  priority: debug\n");
    struct rt_event ev;
    ev_bash(&ev);
    struct rt_eval *e = rt_eval_new(r);
    assert_int_equal(rt_eval_event(e, &ev, RT_PRIO_DEBUG, NULL, NULL), 2);
    assert_int_equal(rt_eval_event(e, &ev, RT_PRIO_WARNING, NULL, NULL), 1);
    assert_int_equal(rt_eval_event(e, &ev, RT_PRIO_EMERGENCY, NULL, NULL), 0);
    rt_eval_free(e);
    rt_rules_free(r);
    expect_err("- rule: a\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
               "  priority: SEVERE\n",
               "t.yaml:5:13: priority: expected EMERGENCY");
}

/* ---- outputs ---- */

static void test_output(void **state)
{
    (void)state;
    struct rt_rules *r =
        load("- rule: r\n  desc: d\n  condition: evt.type = execve\n"
             "  output: \"%proc.name ran %proc.cmdline (parent %proc.aname[1], gp %proc.aname[2], "
             "fd %fd.name, uid %user.uid, caps %thread.cap_effective, 100%% sure, 50% off, "
             "end %container.id.\"\n"
             "  priority: INFO\n");
    struct rt_event ev;
    ev_bash(&ev);
    char out[512];
    format_first(r, &ev, out, sizeof out);
    assert_string_equal(out, "bash ran bash -c id; cat /etc/passwd (parent node, gp npm, fd <NA>, "
                             "uid 33, caps CAP_CHOWN CAP_SYS_ADMIN, 100% sure, 50% off, "
                             "end 4f2a9c1b7e3d.");
    /* the JSON alert */
    struct rt_eval *e = rt_eval_new(r);
    struct strbuf sb = STRBUF_INIT;
    rt_eval_event(e, &ev, RT_PRIO_DEBUG, NULL, NULL);
    assert_int_equal(rt_alert_to_json(rt_rules_get(r, 0), e, &ev, 0, &sb), 0);
    assert_non_null(strstr(sb.buf, "\"time\":\"2023-11-14T22:13:20.123456789Z\""));
    assert_non_null(strstr(sb.buf, "\"rule\":\"r\",\"priority\":\"Informational\""));
    assert_non_null(strstr(sb.buf, "\"output_fields\":{\"proc.name\":\"bash\""));
    assert_non_null(strstr(sb.buf, "\"user.uid\":33"));
    assert_non_null(strstr(sb.buf, "\"fd.name\":null"));
    assert_non_null(strstr(sb.buf, "\"proc.aname[2]\":\"npm\""));
    assert_non_null(strstr(sb.buf, "\"container\":{\"id\":\"4f2a9c1b7e3d\""));
    assert_null(strstr(sb.buf, "\"event\""));
    strbuf_reset(&sb);
    assert_int_equal(rt_alert_to_text(rt_rules_get(r, 0), e, &ev, &sb), 0);
    assert_int_equal(strncmp(sb.buf, "2023-11-14T22:13:20.123456789Z Informational bash ran", 52),
                     0);
    strbuf_release(&sb);
    rt_eval_free(e);
    rt_rules_free(r);

    expect_err("- rule: r\n  desc: d\n  condition: evt.type = execve\n"
               "  output: name %proc.nam here\n  priority: INFO\n",
               "t.yaml:4:16: output: unknown field %proc.nam");
    expect_err("- rule: r\n  desc: d\n  condition: evt.type = execve\n"
               "  output: >\n    first line\n    then %fd.nme\n  priority: INFO\n",
               "t.yaml:6:10: output: unknown field %fd.nme");
}

/* ---- the type index ---- */

static void test_type_index(void **state)
{
    (void)state;
    struct rt_rules *r = load(
        "- rule: exec\n  desc: d\n  condition: evt.type in (execve, execveat) and "
        "proc.name = bash\n  output: o\n  priority: INFO\n"
        "- rule: net\n  desc: d\n  condition: fd.sport = 4444\n  output: o\n  priority: INFO\n"
        "- rule: not_open\n  desc: d\n  condition: not evt.type = openat\n  output: o\n"
        "  priority: INFO\n"
        "- rule: ne\n  desc: d\n  condition: evt.type != openat and proc.name = bash\n"
        "  output: o\n  priority: INFO\n"
        "- rule: any\n  desc: d\n  condition: proc.name = bash\n  output: o\n"
        "  priority: INFO\n"
        "- rule: none\n  desc: d\n  condition: evt.type = execve and evt.type = openat\n"
        "  output: o\n  priority: INFO\n"
        "- rule: mixed_not\n  desc: d\n  condition: not (evt.type = openat and proc.name = x)\n"
        "  output: o\n  priority: INFO\n");
    uint64_t bit = 1;
    assert_int_equal(rt_rule_types(rt_rules_find(r, "exec")),
                     (bit << RT_EV_EXECVE) | (bit << RT_EV_EXECVEAT));
    assert_int_equal(rt_rule_types(rt_rules_find(r, "net")),
                     (bit << RT_EV_CONNECT) | (bit << RT_EV_ACCEPT) | (bit << RT_EV_ACCEPT4) |
                         (bit << RT_EV_BIND));
    assert_int_equal(rt_rule_types(rt_rules_find(r, "not_open")) & (bit << RT_EV_OPENAT), 0);
    assert_int_not_equal(rt_rule_types(rt_rules_find(r, "not_open")) & (bit << RT_EV_OPEN), 0);
    assert_int_equal(rt_rule_types(rt_rules_find(r, "ne")) & (bit << RT_EV_OPENAT), 0);
    assert_int_equal(rt_rule_types(rt_rules_find(r, "none")), 0);
    /* not (type and other) cannot narrow */
    assert_int_not_equal(rt_rule_types(rt_rules_find(r, "mixed_not")) & (bit << RT_EV_OPENAT), 0);
    struct rt_rules_counts n;
    rt_rules_counts(r, &n);
    assert_int_equal(n.all_types, 2); /* any, mixed_not */

    /* evaluations: an openat event is only checked against rules indexed for openat */
    struct rt_event ev;
    ev_open(&ev, RT_EV_OPENAT, "/x", O_RDONLY);
    struct rt_eval *e = rt_eval_new(r);
    assert_int_equal(rt_eval_event(e, &ev, RT_PRIO_DEBUG, NULL, NULL), 2); /* any, mixed_not */
    assert_int_equal(rt_eval_conditions(e), 2);
    ev_bash(&ev);
    assert_int_equal(rt_eval_event(e, &ev, RT_PRIO_DEBUG, NULL, NULL), 5);
    assert_int_equal(rt_eval_conditions(e), 2 + 5);
    rt_eval_free(e);
    rt_rules_free(r);
}

/* ---- errors ---- */

static void test_errors(void **state)
{
    (void)state;
    /* single-line conditions: exact columns */
    expect_err("- rule: r\n  desc: d\n  condition: proc.name = a and proc.nme = b\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:32: unknown field 'proc.nme'");
    expect_err("- rule: r\n  desc: d\n  condition: proc.name = a and is_shel\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:32: unknown macro 'is_shel'");
    expect_err("- rule: r\n  desc: d\n  condition: proc.name matches a\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:24: unknown operator 'matches'");
    expect_err("- rule: r\n  desc: d\n  condition: (proc.name = a or (proc.name = b)\n"
               "  output: o\n  priority: INFO\n",
               "t.yaml:3:14: unbalanced '('");
    expect_err("- rule: r\n  desc: d\n  condition: proc.name = a)\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:27: unbalanced ')'");
    expect_err("- rule: r\n  desc: d\n  condition: proc.name in (a, b\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:27: unbalanced '(': the list has no ')'");
    expect_err("- rule: r\n  desc: d\n  condition: proc.name =\n  output: o\n  priority: INFO\n",
               "t.yaml:3:24: expected a value after '='");
    expect_err("- rule: r\n  desc: d\n  condition: proc.name\n  output: o\n  priority: INFO\n",
               "t.yaml:3:14: field 'proc.name' needs an operator");
    expect_err("- rule: r\n  desc: d\n  condition: user.uid = root\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:25: user.uid is a number: 'root' is not one");
    expect_err("- rule: r\n  desc: d\n  condition: user.uid contains 1\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:14: operator contains does not apply to user.uid, which is a number");
    expect_err("- rule: r\n  desc: d\n  condition: fd.sip = 300.1.1.1\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:23: fd.sip is an IP address");
    expect_err("- rule: r\n  desc: d\n  condition: proc.name = 'abc\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:26: unterminated quoted string");
    expect_err("- rule: r\n  desc: d\n  condition: proc.name = a and and\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:32: expected a field, macro, 'not' or '(', not 'and'");
    expect_err("- rule: r\n  desc: d\n  condition: proc.aname[x] = a\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:14: bad index in 'proc.aname[x]'");
    expect_err("- rule: r\n  desc: d\n  condition: proc.name[1] = a\n  output: o\n"
               "  priority: INFO\n",
               "this field takes no [argument]");
    expect_err("- rule: r\n  desc: d\n  condition: proc.name ! a\n  output: o\n"
               "  priority: INFO\n",
               "t.yaml:3:24: unknown operator '!'");
    expect_err("- rule: r\n  desc: d\n  condition: \"\"\n  output: o\n  priority: INFO\n",
               "empty condition");
    /* a block scalar: the line of the token, found in the source */
    expect_err("- rule: r\n  desc: d\n  condition: >\n    proc.name = a\n    and fd.nme = b\n"
               "  output: o\n  priority: INFO\n",
               "t.yaml:5:9: unknown field 'fd.nme'");
    /* an error in an appended part names the appending file */
    struct rt_rules *r = rt_rules_new();
    struct strata_error err = {0};
    const char *a = "- rule: r\n  desc: d\n  condition: proc.name = a\n  output: o\n"
                    "  priority: INFO\n";
    const char *b = "\n- rule: r\n  condition: and fd.nme = b\n  append: true\n";
    assert_int_equal(rt_rules_add_yaml(r, "a.yaml", a, strlen(a), &err), 0);
    assert_int_equal(rt_rules_add_yaml(r, "b.yaml", b, strlen(b), &err), 0);
    assert_int_not_equal(rt_rules_compile(r, &err), 0);
    assert_non_null(strstr(err.msg, "b.yaml:3:18: unknown field 'fd.nme'"));
    rt_rules_free(r);
    /* macros: errors where the macro is, recursion */
    expect_err("- macro: m\n  condition: proc.nme = a\n- rule: r\n  desc: d\n  condition: m\n"
               "  output: o\n  priority: INFO\n",
               "t.yaml:2:14: unknown field 'proc.nme'");
    expect_err("- macro: m1\n  condition: m2\n- macro: m2\n  condition: m1\n- rule: r\n"
               "  desc: d\n  condition: m1\n  output: o\n  priority: INFO\n",
               "macro m1 uses itself");
    expect_err("- list: l1\n  items: [l2]\n- list: l2\n  items: [l1]\n- rule: r\n  desc: d\n"
               "  condition: proc.name in (l1)\n  output: o\n  priority: INFO\n",
               "contains itself");
    /* the file's shape */
    expect_err("rule: r\n", "t.yaml:1:1: a rules file is a YAML sequence");
    expect_err("- foo: bar\n", "t.yaml:1:3: expected a rule, macro or list");
    expect_err("- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n",
               "t.yaml:1:3: rule r has no priority");
    expect_err("- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
               "  priority: INFO\n  colour: red\n",
               "t.yaml:6:3: unknown key colour in a rule");
    expect_err("- rule: r\n  desc: d\n  condition: [a]\n  output: o\n  priority: INFO\n",
               "t.yaml:3:14: condition: expected a string");
    expect_err("- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
               "  priority: INFO\n  enabled: maybe\n",
               "t.yaml:6:12: enabled: expected true or false");
    expect_err("- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
               "  priority: INFO\n  action: nuke\n",
               "t.yaml:6:11: action: expected kill, freeze or isolate");
    expect_err("- rule: r\n  desc: [d\n", "t.yaml:");
    expect_err("%YAML 1.1\n---\n- rule: r\n", "YAML directives are not supported");
    /* a NUL byte */
    static const char nul[] = "- list: l\n  items: [a\0b]\n";
    r = rt_rules_new();
    assert_int_not_equal(rt_rules_add_yaml(r, "t.yaml", nul, sizeof nul - 1, &err), 0);
    assert_non_null(strstr(err.msg, "t.yaml:2:12: NUL byte"));
    rt_rules_free(r);
}

static void test_warnings_and_skips(void **state)
{
    (void)state;
    struct rt_rules *r = load("- rule: r\n  desc: d\n  condition: evt.type in (execve, chmod)\n"
                              "  output: o\n  priority: INFO\n"
                              "- rule: k8s\n  desc: d\n  condition: ka.verb = create\n"
                              "  output: o\n  priority: INFO\n  source: k8s_audit\n"
                              "- rule: plugin\n  desc: d\n  condition: evt.type = execve and "
                              "k8smeta.pod.name = x\n  output: o\n  priority: INFO\n"
                              "  skip-if-unknown-filter: true\n"
                              "- macro: unused\n  condition: nothere\n"
                              "- required_engine_version: 0.31.0\n");
    assert_non_null(strstr(rt_rules_warning(r, 0),
                           "t.yaml:3:35: evt.type chmod is not an event strata reports"));
    int saw_skip = 0, saw_unused = 0;
    for (size_t i = 0; rt_rules_warning(r, i) != NULL; i++) {
        saw_skip |= strstr(rt_rules_warning(r, i), "rule plugin skipped") != NULL;
        saw_unused |= strstr(rt_rules_warning(r, i), "unused macro unused") != NULL;
    }
    assert_true(saw_skip);
    assert_true(saw_unused);
    struct rt_rules_counts n;
    rt_rules_counts(r, &n);
    assert_int_equal(n.rules, 3);
    assert_int_equal(n.rules_skipped, 2);
    assert_int_equal(rt_rules_count(r), 1);
    rt_rules_free(r);
}

static void test_hostile(void **state)
{
    (void)state;
    /* deep nesting */
    char cond[4096] = "";
    for (int i = 0; i < 150; i++)
        strcat(cond, "(");
    strcat(cond, "proc.name = a");
    for (int i = 0; i < 150; i++)
        strcat(cond, ")");
    expect_err(one_rule(cond), "conditions nest deeper than 100 levels");
    cond[0] = '\0';
    for (int i = 0; i < 150; i++)
        strcat(cond, "not ");
    strcat(cond, "proc.name = a");
    expect_err(one_rule(cond), "conditions nest deeper than 100 levels");
    /* macro chains deeper than the bound */
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 80; i++)
        strbuf_addf(&sb, "- macro: m%d\n  condition: %s%d\n", i, i == 79 ? "proc.name = x" : "m",
                    i + 1);
    strbuf_adds(&sb, "- rule: r\n  desc: d\n  condition: m0\n  output: o\n  priority: INFO\n");
    /* m79's condition is "proc.name = x80": valid; the chain is 80 deep */
    expect_err(sb.buf, "macros nest deeper than 64 levels");
    strbuf_release(&sb);
    /* a list bomb stays bounded: 12 lists each naming the previous one 4 times */
    struct strbuf lb = STRBUF_INIT;
    strbuf_adds(&lb, "- list: l0\n  items: [a, b, c, d]\n");
    for (int i = 1; i < 12; i++)
        strbuf_addf(&lb, "- list: l%d\n  items: [l%d, l%d, l%d, l%d]\n", i, i - 1, i - 1, i - 1,
                    i - 1);
    strbuf_adds(
        &lb,
        "- rule: r\n  desc: d\n  condition: proc.name in (l11)\n  output: o\n  priority: INFO\n");
    expect_err(lb.buf, "more than 100000 values once lists are expanded");
    strbuf_release(&lb);
    /* a rule referencing the same macro many times shares one compiled macro */
    struct strbuf mb = STRBUF_INIT;
    strbuf_adds(&mb, "- macro: big\n  condition: proc.name in (a, b, c) and user.uid = 0\n"
                     "- rule: r\n  desc: d\n  condition: big");
    for (int i = 0; i < 2000; i++)
        strbuf_adds(&mb, " or big");
    strbuf_adds(&mb, "\n  output: o\n  priority: INFO\n");
    struct rt_rules *r = load(mb.buf);
    rt_rules_free(r);
    strbuf_release(&mb);
}

static void test_default_pack(void **state)
{
    (void)state;
    const char *path = "rules/runtime.yaml";
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        print_message("skipped: %s not found (run from the source root)\n", path);
        skip();
    }
    fclose(f);
    struct rt_rules *r = rt_rules_new();
    struct strata_error err = {0};
    if (rt_rules_add_file(r, path, &err) != 0 || rt_rules_compile(r, &err) != 0)
        fail_msg("%s", err.msg);
    struct rt_rules_counts n;
    rt_rules_counts(r, &n);
    assert_true(n.rules >= 15);
    assert_int_equal(n.all_types, 0); /* every default rule is indexed */
    assert_null(rt_rules_warning(r, 0));
    rt_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_operators),
        cmocka_unit_test(test_number_bool_operators),
        cmocka_unit_test(test_ip_fields),
        cmocka_unit_test(test_list_fields),
        cmocka_unit_test(test_field_classes),
        cmocka_unit_test(test_absent_fields),
        cmocka_unit_test(test_logic),
        cmocka_unit_test(test_macros_lists),
        cmocka_unit_test(test_append_override),
        cmocka_unit_test(test_exceptions),
        cmocka_unit_test(test_priorities),
        cmocka_unit_test(test_output),
        cmocka_unit_test(test_type_index),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_warnings_and_skips),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_default_pack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
