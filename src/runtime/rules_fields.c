/* The condition language's fields: the table (names, types, which event classes have them)
 * and extraction from a struct rt_event without allocating (docs/runtime-rules.md, "Fields").
 * Derived strings (proc.cmdline, fd.directory, …) are built into the context's per-field
 * scratch buffers and cached for the event, so a field used by many rules is built once. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/rules_internal.h"

#define C(x) (uint16_t)(1u << (x))
#define FILE_ C(RT_CLASS_FILE)
#define NET C(RT_CLASS_NET)
#define FD (FILE_ | NET)
#define CRED C(RT_CLASS_CRED)

const struct rf_def rf_defs[RF_COUNT] = {
    [RF_EVT_TYPE] = {"evt.type", RF_STR, 0, 0, 0, 0, 0, "event type: execve, openat, connect, …"},
    [RF_EVT_DIR] = {"evt.dir", RF_STR, 0, 0, 0, 2, 0,
                    "'<' syscall exit (what the sensor sends), '>' entry"},
    [RF_EVT_TIME] = {"evt.time", RF_UINT, 0, 0, 0, 0, 0, "nanoseconds since the epoch"},
    [RF_EVT_NUM] = {"evt.num", RF_UINT, 0, 0, 0, 0, 0, "sensor sequence number"},
    [RF_EVT_RAWRES] = {"evt.rawres", RF_INT, 0, 0, 0, 0, 0, "return value (negative errno)"},
    [RF_EVT_RES] = {"evt.res", RF_STR, 0, 0, 0, 24, 0, "SUCCESS, or the errno name (ENOENT)"},
    [RF_EVT_FAILED] = {"evt.failed", RF_BOOL, 0, 0, 0, 0, 0, "the call failed (rawres < 0)"},
    [RF_EVT_CATEGORY] = {"evt.category", RF_STR, 0, 0, 0, 0, 0,
                         "process, file, net, cred, ptrace, mount, module, bpf, action, drop"},
    [RF_EVT_IS_OPEN_READ] = {"evt.is_open_read", RF_BOOL, 0, 0, FILE_, 0, 0,
                             "an open for reading (open events only)"},
    [RF_EVT_IS_OPEN_WRITE] = {"evt.is_open_write", RF_BOOL, 0, 0, FILE_, 0, 0,
                              "an open for writing (open events only)"},
    [RF_EVT_ARG_FLAGS] = {"evt.arg.flags", RF_STR, 0, 0, FILE_ | C(RT_CLASS_MOUNT), 256, 0,
                          "open flags as O_WRONLY|O_CREAT|…; other events: the number"},
    [RF_EVT_RAWARG_FLAGS] = {"evt.rawarg.flags", RF_UINT, 0, 0, FILE_ | C(RT_CLASS_MOUNT), 0, 0,
                             "flags as a number"},
    [RF_EVT_ARG_NAME] = {"evt.arg.name", RF_STR, 0, 0, FILE_ | C(RT_CLASS_MODULE), 0, 0,
                         "file path, memfd name, module name"},
    [RF_EVT_ARG_PATH] = {"evt.arg.path", RF_STR, 0, 0, FILE_ | C(RT_CLASS_MODULE), 0, 0,
                         "file path (rename: the old path)"},
    [RF_EVT_ARG_OLDPATH] = {"evt.arg.oldpath", RF_STR, 0, 0, FILE_, 0, 0, "rename: old path"},
    [RF_EVT_ARG_NEWPATH] = {"evt.arg.newpath", RF_STR, 0, 0, FILE_, 0, 0, "rename: new path"},
    [RF_EVT_ARG_MODE] = {"evt.arg.mode", RF_UINT, 0, 0, FILE_, 0, 0, "creation mode"},
    [RF_EVT_ARG_REQUEST] = {"evt.arg.request", RF_STR, 0, 0, C(RT_CLASS_PTRACE), 24, 0,
                            "ptrace request: PTRACE_ATTACH, …"},
    [RF_EVT_ARG_PID] = {"evt.arg.pid", RF_UINT, 0, 0, C(RT_CLASS_PTRACE), 0, 0,
                        "ptrace: the traced process"},
    [RF_EVT_ARG_UID] = {"evt.arg.uid", RF_UINT, 0, 0, CRED, 0, 0, "credential change: new uid"},
    [RF_EVT_ARG_EUID] = {"evt.arg.euid", RF_UINT, 0, 0, CRED, 0, 0, "credential change: new euid"},
    [RF_EVT_ARG_GID] = {"evt.arg.gid", RF_UINT, 0, 0, CRED, 0, 0, "credential change: new gid"},
    [RF_EVT_ARG_EGID] = {"evt.arg.egid", RF_UINT, 0, 0, CRED, 0, 0, "credential change: new egid"},
    [RF_EVT_ARG_DIR] = {"evt.arg.dir", RF_STR, 0, 0, C(RT_CLASS_MOUNT), 0, 0, "mount target"},
    [RF_EVT_ARG_DEV] = {"evt.arg.dev", RF_STR, 0, 0, C(RT_CLASS_MOUNT), 0, 0, "mount source"},
    [RF_EVT_ARG_TYPE] = {"evt.arg.type", RF_STR, 0, 0, C(RT_CLASS_MOUNT), 0, 0,
                         "mount file system type"},
    [RF_EVT_ARG_CMD] = {"evt.arg.cmd", RF_INT, 0, 0, C(RT_CLASS_BPF), 0, 0,
                        "bpf command (5 = BPF_PROG_LOAD)"},
    [RF_EVT_ARG_PROG_TYPE] = {"evt.arg.prog_type", RF_INT, 0, 0, C(RT_CLASS_BPF), 0, 0,
                              "bpf program type"},
    [RF_EVT_ARG_FD] = {"evt.arg.fd", RF_INT, 0, 0, FD, 0, 0, "the event's fd"},
    [RF_PROC_PID] = {"proc.pid", RF_UINT, 0, 0, 0, 0, 0, "process id"},
    [RF_PROC_VPID] = {"proc.vpid", RF_UINT, 0, 0, 0, 0, 0, "process id in its pid namespace"},
    [RF_PROC_PPID] = {"proc.ppid", RF_UINT, 0, 0, 0, 0, 0, "parent process id"},
    [RF_PROC_NAME] = {"proc.name", RF_STR, 0, 0, 0, 0, 0, "process name (comm)"},
    [RF_PROC_EXE] = {"proc.exe", RF_STR, 0, 0, 0, 0, 0, "argv[0], as Falco defines it"},
    [RF_PROC_EXEPATH] = {"proc.exepath", RF_STR, 0, 0, 0, 0, 0, "executable's full path"},
    [RF_PROC_CMDLINE] = {"proc.cmdline", RF_STR, 0, 0, 0, RT_COMM_MAX + RT_ARGS_MAX, 0,
                         "name and arguments: \"bash -c id\""},
    [RF_PROC_ARGS] = {"proc.args", RF_STR, 0, 0, 0, RT_ARGS_MAX, 0, "arguments after argv[0]"},
    [RF_PROC_CWD] = {"proc.cwd", RF_STR, 0, 0, 0, 0, 0, "working directory"},
    [RF_PROC_TTY] = {"proc.tty", RF_UINT, 0, 0, 0, 0, 0, "controlling terminal, 0 = none"},
    [RF_PROC_PNAME] = {"proc.pname", RF_STR, 0, 0, 0, 0, 0, "parent's name"},
    [RF_PROC_ANAME] = {"proc.aname", RF_STRLIST, RF_STR, RF_ARG_INDEX, 0, 0, RT_MAX_ANCESTORS,
                       "[N]: N-th ancestor's name (0 self, 1 parent); no [N]: any ancestor"},
    [RF_PROC_APID] = {"proc.apid", RF_UINTLIST, RF_UINT, RF_ARG_INDEX, 0, 0, RT_MAX_ANCESTORS,
                      "[N]: N-th ancestor's pid; no [N]: any ancestor"},
    [RF_PROC_IS_EXE_UPPER_LAYER] = {"proc.is_exe_upper_layer", RF_BOOL, 0, 0, 0, 0, 0,
                                    "executable written in the container (drift)"},
    [RF_PROC_IS_EXE_FROM_MEMFD] = {"proc.is_exe_from_memfd", RF_BOOL, 0, 0, 0, 0, 0,
                                   "executable is an anonymous file"},
    [RF_PROC_IS_EXE_WRITABLE] = {"proc.is_exe_writable", RF_BOOL, 0, 0, 0, 0, 0,
                                 "executable writable by the process's user"},
    [RF_PROC_STDIN_TYPE] = {"proc.stdin_type", RF_STR, 0, 0, 0, 0, 0,
                            "fd 0's type: file, pipe, ipv4, ipv6, unix, tty, …"},
    [RF_PROC_STDOUT_TYPE] = {"proc.stdout_type", RF_STR, 0, 0, 0, 0, 0, "fd 1's type"},
    [RF_PROC_STDERR_TYPE] = {"proc.stderr_type", RF_STR, 0, 0, 0, 0, 0, "fd 2's type"},
    [RF_PROC_EXITCODE] = {"proc.exitcode", RF_INT, 0, 0, C(RT_CLASS_PROCESS), 0, 0,
                          "procexit: exit status"},
    [RF_THREAD_TID] = {"thread.tid", RF_UINT, 0, 0, 0, 0, 0, "thread id"},
    [RF_THREAD_CAP_EFFECTIVE] = {"thread.cap_effective", RF_STRLIST, 0, 0, 0, 0, 64,
                                 "effective capabilities (CAP_… names)"},
    [RF_THREAD_CAP_PERMITTED] = {"thread.cap_permitted", RF_STRLIST, 0, 0, 0, 0, 64,
                                 "permitted capabilities"},
    [RF_THREAD_CAP_INHERITABLE] = {"thread.cap_inheritable", RF_STRLIST, 0, 0, 0, 0, 64,
                                   "inheritable capabilities"},
    [RF_USER_UID] = {"user.uid", RF_UINT, 0, 0, 0, 0, 0, "effective user id"},
    [RF_USER_RUID] = {"user.ruid", RF_UINT, 0, 0, 0, 0, 0, "real user id"},
    [RF_USER_NAME] = {"user.name", RF_STR, 0, 0, 0, 0, 0, "user name"},
    [RF_USER_LOGINUID] = {"user.loginuid", RF_INT, 0, 0, 0, 0, 0, "audit login uid, -1 = unset"},
    [RF_GROUP_GID] = {"group.gid", RF_UINT, 0, 0, 0, 0, 0, "effective group id"},
    [RF_FD_NUM] = {"fd.num", RF_INT, 0, 0, FD, 0, 0, "fd number, -1 when the call failed"},
    [RF_FD_NAME] = {"fd.name", RF_STR, 0, 0, FD, 128, 0,
                    "file path; socket: cip:cport->sip:sport; unix socket path"},
    [RF_FD_DIRECTORY] = {"fd.directory", RF_STR, 0, 0, FILE_, RT_PATH_MAX, 0, "file's directory"},
    [RF_FD_FILENAME] = {"fd.filename", RF_STR, 0, 0, FILE_, 0, 0, "file's base name"},
    [RF_FD_TYPECHAR] = {"fd.typechar", RF_STR, 0, 0, FD, 2, 0,
                        "f file, d directory, 4 ipv4, 6 ipv6, u unix, m memfd"},
    [RF_FD_TYPE] = {"fd.type", RF_STR, 0, 0, FD, 0, 0, "file, directory, ipv4, ipv6, unix, memfd"},
    [RF_FD_SOCKFAMILY] = {"fd.sockfamily", RF_STR, 0, 0, NET, 0, 0, "ip or unix"},
    [RF_FD_L4PROTO] = {"fd.l4proto", RF_STR, 0, 0, NET, 0, 0, "tcp, udp, icmp, raw"},
    [RF_FD_SIP] = {"fd.sip", RF_IP, 0, 0, NET, 0, 0, "server address (connect: the remote end)"},
    [RF_FD_CIP] = {"fd.cip", RF_IP, 0, 0, NET, 0, 0, "client address"},
    [RF_FD_LIP] = {"fd.lip", RF_IP, 0, 0, NET, 0, 0, "local address"},
    [RF_FD_RIP] = {"fd.rip", RF_IP, 0, 0, NET, 0, 0, "remote address"},
    [RF_FD_DIP] = {"fd.dip", RF_IP, 0, 0, NET, 0, 0, "destination (server) address = fd.sip"},
    [RF_FD_SNET] = {"fd.snet", RF_IP, 0, 0, NET, 0, 0, "fd.sip, for CIDR comparisons"},
    [RF_FD_CNET] = {"fd.cnet", RF_IP, 0, 0, NET, 0, 0, "fd.cip, for CIDR comparisons"},
    [RF_FD_LNET] = {"fd.lnet", RF_IP, 0, 0, NET, 0, 0, "fd.lip, for CIDR comparisons"},
    [RF_FD_RNET] = {"fd.rnet", RF_IP, 0, 0, NET, 0, 0, "fd.rip, for CIDR comparisons"},
    [RF_FD_SPORT] = {"fd.sport", RF_UINT, 0, 0, NET, 0, 0, "server port (connect: remote port)"},
    [RF_FD_CPORT] = {"fd.cport", RF_UINT, 0, 0, NET, 0, 0, "client port"},
    [RF_FD_LPORT] = {"fd.lport", RF_UINT, 0, 0, NET, 0, 0, "local port"},
    [RF_FD_RPORT] = {"fd.rport", RF_UINT, 0, 0, NET, 0, 0, "remote port"},
    [RF_FD_DPORT] = {"fd.dport", RF_UINT, 0, 0, NET, 0, 0, "destination (server) port = fd.sport"},
    [RF_CONTAINER_ID] = {"container.id", RF_STR, 0, 0, 0, 13, 0,
                         "12-character container id, or host"},
    [RF_CONTAINER_FULL_ID] = {"container.full_id", RF_STR, 0, 0, 0, 0, 0, "full container id"},
    [RF_CONTAINER_NAME] = {"container.name", RF_STR, 0, 0, 0, 0, 0, "container name"},
    [RF_CONTAINER_IMAGE] = {"container.image", RF_STR, 0, 0, 0, 0, 0, "image reference"},
    [RF_CONTAINER_IMAGE_REPOSITORY] = {"container.image.repository", RF_STR, 0, 0, 0, RT_IMAGE_MAX,
                                       0, "image without tag and digest"},
    [RF_CONTAINER_IMAGE_TAG] = {"container.image.tag", RF_STR, 0, 0, 0, RT_IMAGE_MAX, 0,
                                "image tag"},
    [RF_CONTAINER_TYPE] = {"container.type", RF_STR, 0, 0, 0, 0, 0,
                           "docker, containerd, cri-o, podman, host"},
    [RF_CONTAINER_INFO] = {"container.info", RF_STR, 0, 0, 0,
                           RT_CONTAINER_ID_MAX + RT_CONTAINER_NAME_MAX + RT_IMAGE_MAX + 32, 0,
                           "id=… name=… image=… (for outputs)"},
    [RF_CRED_OLD_UID] = {"cred.old_uid", RF_UINT, 0, 0, CRED, 0, 0, "uid before the change"},
    [RF_CRED_NEW_UID] = {"cred.new_uid", RF_UINT, 0, 0, CRED, 0, 0, "uid after the change"},
    [RF_CRED_OLD_EUID] = {"cred.old_euid", RF_UINT, 0, 0, CRED, 0, 0, "euid before"},
    [RF_CRED_NEW_EUID] = {"cred.new_euid", RF_UINT, 0, 0, CRED, 0, 0, "euid after"},
    [RF_CRED_OLD_EGID] = {"cred.old_egid", RF_UINT, 0, 0, CRED, 0, 0, "egid before"},
    [RF_CRED_NEW_EGID] = {"cred.new_egid", RF_UINT, 0, 0, CRED, 0, 0, "egid after"},
    [RF_CRED_OLD_CAPS] = {"cred.old_caps", RF_STRLIST, 0, 0, CRED, 0, 64,
                          "effective capabilities before"},
    [RF_CRED_NEW_CAPS] = {"cred.new_caps", RF_STRLIST, 0, 0, CRED, 0, 64,
                          "effective capabilities after"},
    [RF_CRED_GAINED_CAPS] = {"cred.gained_caps", RF_STRLIST, 0, 0, CRED, 0, 64,
                             "effective capabilities gained by the change"},
    [RF_ACTION_KIND] = {"action.kind", RF_STR, 0, 0, C(RT_CLASS_ACTION), 0, 0,
                        "kill, freeze, isolate, release"},
    [RF_ACTION_RESULT] = {"action.result", RF_STR, 0, 0, C(RT_CLASS_ACTION), 0, 0,
                          "done, failed, dry-run, rate-limited"},
    [RF_ACTION_RULE] = {"action.rule", RF_STR, 0, 0, C(RT_CLASS_ACTION), 0, 0,
                        "the rule that asked for the action"},
    [RF_ACTION_DETAIL] = {"action.detail", RF_STR, 0, 0, C(RT_CLASS_ACTION), 0, 0, "what happened"},
    [RF_ACTION_TARGET_PID] = {"action.target_pid", RF_UINT, 0, 0, C(RT_CLASS_ACTION), 0, 0,
                              "kill: the process"},
    [RF_DROP_LOST] = {"drop.lost", RF_UINT, 0, 0, C(RT_CLASS_DROP), 0, 0, "events lost"},
    [RF_DROP_SOURCE] = {"drop.source", RF_STR, 0, 0, C(RT_CLASS_DROP), 0, 0,
                        "where: ringbuf, webhook, …"},
};

int rf_lookup(const char *name, size_t n)
{
    for (int i = 0; i < RF_COUNT; i++)
        if (strlen(rf_defs[i].name) == n && memcmp(rf_defs[i].name, name, n) == 0)
            return i;
    return -1;
}

size_t rt_field_count(void)
{
    return RF_COUNT;
}

const char *rt_field_name(size_t i)
{
    return i < RF_COUNT ? rf_defs[i].name : NULL;
}

const char *rt_field_desc(size_t i)
{
    return i < RF_COUNT ? rf_defs[i].desc : NULL;
}

/* ---- extraction ---- */

static int str_val(struct rf_val *out, const char *s)
{
    if (s == NULL || s[0] == '\0')
        return 0; /* an empty string in the event means "unknown" */
    out->type = RF_STR;
    out->s = s;
    out->n = (uint32_t)strlen(s);
    return 1;
}

static int strn_val(struct rf_val *out, const char *s, size_t n)
{
    out->type = RF_STR;
    out->s = s;
    out->n = (uint32_t)n;
    return 1;
}

static int uint_val(struct rf_val *out, uint64_t u)
{
    out->type = RF_UINT;
    out->u = u;
    return 1;
}

static int int_val(struct rf_val *out, int64_t i)
{
    out->type = RF_INT;
    out->i = i;
    return 1;
}

static int bool_val(struct rf_val *out, int b)
{
    out->type = RF_BOOL;
    out->u = b != 0;
    return 1;
}

static int is_open(uint16_t t)
{
    return t == RT_EV_OPEN || t == RT_EV_OPENAT || t == RT_EV_OPENAT2 || t == RT_EV_CREAT;
}

static int is_rename(uint16_t t)
{
    return t == RT_EV_RENAME || t == RT_EV_RENAMEAT || t == RT_EV_RENAMEAT2;
}

static int caps_list(struct rt_eval *e, uint16_t field, uint64_t caps, struct rf_val *out)
{
    struct rf_str *l = e->lists[field];
    uint32_t n = 0;
    for (unsigned b = 0; b <= RT_CAP_LAST; b++)
        if (caps & ((uint64_t)1 << b)) {
            l[n].s = rt_cap_name(b);
            l[n].n = (uint32_t)strlen(l[n].s);
            n++;
        }
    out->type = RF_STRLIST;
    out->list = l;
    out->n = n;
    return 1;
}

/* Server and client ends of a connection (Falco's fd.sip/fd.cip): connect is the client,
 * accept the server, bind has only the server (local) end. */
static int net_end(const struct rt_event *ev, int server, int local_remote, struct rf_val *out,
                   int port)
{
    if (rt_event_type_class((enum rt_event_type)ev->type) != RT_CLASS_NET)
        return 0;
    uint8_t fam = ev->u.net.family;
    if (fam != RT_AF_INET && fam != RT_AF_INET6)
        return 0;
    int local;
    if (local_remote != 0) {
        local = local_remote > 0;
    } else {
        int is_client = ev->type == RT_EV_CONNECT;
        local = server ? !is_client : is_client;
    }
    if (!local && ev->type == RT_EV_BIND)
        return 0;
    if (port)
        return uint_val(out, local ? ev->u.net.lport : ev->u.net.rport);
    out->type = RF_IP;
    out->family = fam;
    memcpy(out->ip, local ? ev->u.net.laddr : ev->u.net.raddr, 16);
    return 1;
}

static size_t put_addr(char *buf, size_t cap, uint8_t fam, const uint8_t *addr, uint16_t port)
{
    char a[INET6_ADDRSTRLEN];
    inet_ntop(fam == RT_AF_INET ? AF_INET : AF_INET6, addr, a, sizeof a);
    int n = snprintf(buf, cap, fam == RT_AF_INET6 ? "[%s]:%u" : "%s:%u", a, (unsigned)port);
    return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* Image "registry:5000/ns/app:1.2@sha256:…": repository "registry:5000/ns/app", tag "1.2". */
static void image_split(const char *img, size_t *repo_len, const char **tag, size_t *tag_len)
{
    size_t n = strlen(img);
    const char *at = memchr(img, '@', n);
    if (at != NULL)
        n = (size_t)(at - img);
    const char *slash = NULL;
    for (size_t i = 0; i < n; i++)
        if (img[i] == '/')
            slash = img + i;
    const char *colon = NULL;
    for (const char *p = slash ? slash : img; p < img + n; p++)
        if (*p == ':')
            colon = p;
    if (colon != NULL) {
        *repo_len = (size_t)(colon - img);
        *tag = colon + 1;
        *tag_len = n - *repo_len - 1;
    } else {
        *repo_len = n;
        *tag = img + n;
        *tag_len = 0;
    }
}

static int extract(struct rt_eval *e, uint16_t field, int32_t arg, struct rf_val *out)
{
    const struct rt_event *ev = e->ev;
    enum rt_event_class cls = rt_event_type_class((enum rt_event_type)ev->type);
    char *sc = e->scratch[field];
    size_t sccap = rf_defs[field].scratch;
    if (rf_defs[field].classes != 0 && !(rf_defs[field].classes & (1u << cls)))
        return 0;
    switch ((enum rf_id)field) {
    case RF_EVT_TYPE:
        return str_val(out, rt_event_type_name((enum rt_event_type)ev->type));
    case RF_EVT_DIR:
        sc[0] = ev->dir == '>' ? '>' : '<';
        sc[1] = '\0';
        return strn_val(out, sc, 1);
    case RF_EVT_TIME:
        return uint_val(out, ev->ts_ns);
    case RF_EVT_NUM:
        return uint_val(out, ev->seq);
    case RF_EVT_RAWRES:
        return int_val(out, ev->res);
    case RF_EVT_RES: {
        if (ev->res >= 0)
            return str_val(out, "SUCCESS");
        const char *name = ev->res > -4096 ? strerrorname_np((int)-ev->res) : NULL;
        if (name != NULL)
            return str_val(out, name);
        snprintf(sc, sccap, "%" PRId64, ev->res);
        return str_val(out, sc);
    }
    case RF_EVT_FAILED:
        return bool_val(out, ev->res < 0);
    case RF_EVT_CATEGORY:
        return str_val(out, rt_event_class_name(cls));
    case RF_EVT_IS_OPEN_READ:
        if (!is_open(ev->type))
            return 0;
        return bool_val(out, ev->type != RT_EV_CREAT && (ev->u.file.flags & 3) != 1);
    case RF_EVT_IS_OPEN_WRITE:
        if (!is_open(ev->type))
            return 0;
        return bool_val(out, ev->type == RT_EV_CREAT || (ev->u.file.flags & 3) != 0);
    case RF_EVT_ARG_FLAGS:
        if (cls == RT_CLASS_MOUNT) {
            snprintf(sc, sccap, "%" PRIu64, ev->u.mount.flags);
            return str_val(out, sc);
        }
        if (is_open(ev->type)) {
            size_t n = rt_open_flags_str(ev->u.file.flags, sc, sccap);
            return strn_val(out, sc, n);
        }
        snprintf(sc, sccap, "%" PRIu32, ev->u.file.flags);
        return str_val(out, sc);
    case RF_EVT_RAWARG_FLAGS:
        return uint_val(out, cls == RT_CLASS_MOUNT ? ev->u.mount.flags : ev->u.file.flags);
    case RF_EVT_ARG_NAME:
        return str_val(out, cls == RT_CLASS_MODULE ? ev->u.module.name : ev->path);
    case RF_EVT_ARG_PATH:
        return str_val(out, ev->path);
    case RF_EVT_ARG_OLDPATH:
        return is_rename(ev->type) ? str_val(out, ev->path) : 0;
    case RF_EVT_ARG_NEWPATH:
        return is_rename(ev->type) ? str_val(out, ev->path2) : 0;
    case RF_EVT_ARG_MODE:
        return uint_val(out, ev->u.file.mode);
    case RF_EVT_ARG_REQUEST: {
        const char *name = rt_ptrace_request_name(ev->u.ptrace.request);
        if (name != NULL)
            return str_val(out, name);
        snprintf(sc, sccap, "%" PRId64, ev->u.ptrace.request);
        return str_val(out, sc);
    }
    case RF_EVT_ARG_PID:
        return uint_val(out, ev->u.ptrace.target_pid);
    case RF_EVT_ARG_UID:
        return uint_val(out, ev->u.cred.new_cred.uid);
    case RF_EVT_ARG_EUID:
        return uint_val(out, ev->u.cred.new_cred.euid);
    case RF_EVT_ARG_GID:
        return uint_val(out, ev->u.cred.new_cred.gid);
    case RF_EVT_ARG_EGID:
        return uint_val(out, ev->u.cred.new_cred.egid);
    case RF_EVT_ARG_DIR:
        return str_val(out, ev->path);
    case RF_EVT_ARG_DEV:
        return str_val(out, ev->path2);
    case RF_EVT_ARG_TYPE:
        return str_val(out, ev->u.mount.fstype);
    case RF_EVT_ARG_CMD:
        return int_val(out, ev->u.bpf.cmd);
    case RF_EVT_ARG_PROG_TYPE:
        return int_val(out, ev->u.bpf.prog_type);
    case RF_EVT_ARG_FD:
    case RF_FD_NUM:
        return int_val(out, cls == RT_CLASS_NET ? ev->u.net.fd : ev->u.file.fd);
    case RF_PROC_PID:
        return uint_val(out, ev->pid);
    case RF_PROC_VPID:
        return uint_val(out, ev->vpid);
    case RF_PROC_PPID:
        return uint_val(out, ev->ppid);
    case RF_PROC_NAME:
        return str_val(out, ev->comm);
    case RF_PROC_EXE: {
        size_t pos = 0;
        return str_val(out, rt_event_next_arg(ev, &pos));
    }
    case RF_PROC_EXEPATH:
        return str_val(out, ev->exe);
    case RF_PROC_CMDLINE:
    case RF_PROC_ARGS: {
        size_t len = 0, pos = 0;
        const char *a = rt_event_next_arg(ev, &pos); /* argv[0] is not part of either */
        if (field == RF_PROC_CMDLINE) {
            len = strlen(ev->comm);
            memcpy(sc, ev->comm, len);
        }
        while (a != NULL && (a = rt_event_next_arg(ev, &pos)) != NULL) {
            size_t n = strlen(a);
            if (len > 0 && len + 1 < sccap)
                sc[len++] = ' ';
            if (len + n >= sccap)
                n = sccap - 1 - len;
            memcpy(sc + len, a, n);
            len += n;
        }
        sc[len] = '\0';
        return strn_val(out, sc, len);
    }
    case RF_PROC_CWD:
        return str_val(out, ev->cwd);
    case RF_PROC_TTY:
        return uint_val(out, ev->tty);
    case RF_PROC_PNAME:
        return ev->nanc > 0 ? str_val(out, ev->anc[0].name) : 0;
    case RF_PROC_ANAME:
    case RF_PROC_APID: {
        unsigned nanc = ev->nanc < RT_MAX_ANCESTORS ? ev->nanc : RT_MAX_ANCESTORS;
        if (arg >= 0) {
            if (arg == 0)
                return field == RF_PROC_ANAME ? str_val(out, ev->comm) : uint_val(out, ev->pid);
            if ((unsigned)arg > nanc)
                return 0;
            return field == RF_PROC_ANAME ? str_val(out, ev->anc[arg - 1].name)
                                          : uint_val(out, ev->anc[arg - 1].pid);
        }
        if (nanc == 0)
            return 0;
        if (field == RF_PROC_ANAME) {
            struct rf_str *l = e->lists[field];
            for (unsigned i = 0; i < nanc; i++) {
                l[i].s = ev->anc[i].name;
                l[i].n = (uint32_t)strnlen(ev->anc[i].name, RT_COMM_MAX);
            }
            out->type = RF_STRLIST;
            out->list = l;
        } else {
            uint64_t *l = e->ulists[field];
            for (unsigned i = 0; i < nanc; i++)
                l[i] = ev->anc[i].pid;
            out->type = RF_UINTLIST;
            out->ulist = l;
        }
        out->n = nanc;
        return 1;
    }
    case RF_PROC_IS_EXE_UPPER_LAYER:
        return bool_val(out, ev->proc_flags & RT_PROC_EXE_UPPER_LAYER);
    case RF_PROC_IS_EXE_FROM_MEMFD:
        return bool_val(out, ev->proc_flags & RT_PROC_EXE_FROM_MEMFD);
    case RF_PROC_IS_EXE_WRITABLE:
        return bool_val(out, ev->proc_flags & RT_PROC_EXE_WRITABLE);
    case RF_PROC_STDIN_TYPE:
        return str_val(out, rt_fd_type_name(ev->stdin_type));
    case RF_PROC_STDOUT_TYPE:
        return str_val(out, rt_fd_type_name(ev->stdout_type));
    case RF_PROC_STDERR_TYPE:
        return str_val(out, rt_fd_type_name(ev->stderr_type));
    case RF_PROC_EXITCODE:
        return ev->type == RT_EV_PROCEXIT ? int_val(out, ev->u.exit.code) : 0;
    case RF_THREAD_TID:
        return uint_val(out, ev->tid);
    case RF_THREAD_CAP_EFFECTIVE:
        return caps_list(e, field, ev->cred.cap_effective, out);
    case RF_THREAD_CAP_PERMITTED:
        return caps_list(e, field, ev->cred.cap_permitted, out);
    case RF_THREAD_CAP_INHERITABLE:
        return caps_list(e, field, ev->cred.cap_inheritable, out);
    case RF_USER_UID:
        return uint_val(out, ev->cred.euid);
    case RF_USER_RUID:
        return uint_val(out, ev->cred.uid);
    case RF_USER_NAME:
        return str_val(out, ev->user_name);
    case RF_USER_LOGINUID:
        return int_val(out, ev->loginuid == UINT32_MAX ? -1 : (int64_t)ev->loginuid);
    case RF_GROUP_GID:
        return uint_val(out, ev->cred.egid);
    case RF_FD_NAME:
        if (cls == RT_CLASS_NET) {
            uint8_t fam = ev->u.net.family;
            if (fam == RT_AF_UNIX)
                return str_val(out, ev->path);
            if (fam != RT_AF_INET && fam != RT_AF_INET6)
                return 0;
            /* client->server, as Falco names a socket */
            int client_local = ev->type == RT_EV_CONNECT;
            size_t n = 0;
            if (ev->type != RT_EV_BIND) {
                n = put_addr(sc, sccap, fam, client_local ? ev->u.net.laddr : ev->u.net.raddr,
                             client_local ? ev->u.net.lport : ev->u.net.rport);
                n += (size_t)snprintf(sc + n, sccap - n, "->");
            }
            n += put_addr(sc + n, sccap - n, fam, client_local ? ev->u.net.raddr : ev->u.net.laddr,
                          client_local ? ev->u.net.rport : ev->u.net.lport);
            return strn_val(out, sc, n);
        }
        return str_val(out, ev->path);
    case RF_FD_DIRECTORY: {
        size_t n = strnlen(ev->path, RT_PATH_MAX);
        while (n > 1 && ev->path[n - 1] == '/')
            n--;
        while (n > 0 && ev->path[n - 1] != '/')
            n--;
        if (n == 0)
            return 0;
        while (n > 1 && ev->path[n - 1] == '/')
            n--;
        memcpy(sc, ev->path, n);
        sc[n] = '\0';
        return strn_val(out, sc, n);
    }
    case RF_FD_FILENAME: {
        const char *slash = strrchr(ev->path, '/');
        return str_val(out, slash ? slash + 1 : ev->path);
    }
    case RF_FD_TYPECHAR:
    case RF_FD_TYPE: {
        char t;
        if (cls == RT_CLASS_NET)
            t = ev->u.net.family == RT_AF_INET    ? RT_FD_IPV4
                : ev->u.net.family == RT_AF_INET6 ? RT_FD_IPV6
                : ev->u.net.family == RT_AF_UNIX  ? RT_FD_UNIX
                                                  : 0;
        else if (ev->type == RT_EV_MEMFD_CREATE)
            t = RT_FD_MEMFD;
        else if (is_open(ev->type) && (ev->u.file.flags & O_TMPFILE) != O_TMPFILE &&
                 (ev->u.file.flags & O_DIRECTORY))
            t = RT_FD_DIRECTORY;
        else
            t = RT_FD_FILE;
        if (t == 0)
            return 0;
        if (field == RF_FD_TYPE)
            return str_val(out, rt_fd_type_name(t));
        sc[0] = t;
        sc[1] = '\0';
        return strn_val(out, sc, 1);
    }
    case RF_FD_SOCKFAMILY:
        return ev->u.net.family == RT_AF_UNIX ? str_val(out, "unix")
               : (ev->u.net.family == RT_AF_INET || ev->u.net.family == RT_AF_INET6)
                   ? str_val(out, "ip")
                   : 0;
    case RF_FD_L4PROTO:
        return str_val(out, rt_l4proto_name((enum rt_l4proto)ev->u.net.l4proto));
    case RF_FD_SIP:
    case RF_FD_DIP:
    case RF_FD_SNET:
        return net_end(ev, 1, 0, out, 0);
    case RF_FD_CIP:
    case RF_FD_CNET:
        return net_end(ev, 0, 0, out, 0);
    case RF_FD_LIP:
    case RF_FD_LNET:
        return net_end(ev, 0, 1, out, 0);
    case RF_FD_RIP:
    case RF_FD_RNET:
        return net_end(ev, 0, -1, out, 0);
    case RF_FD_SPORT:
    case RF_FD_DPORT:
        return net_end(ev, 1, 0, out, 1);
    case RF_FD_CPORT:
        return net_end(ev, 0, 0, out, 1);
    case RF_FD_LPORT:
        return net_end(ev, 0, 1, out, 1);
    case RF_FD_RPORT:
        return net_end(ev, 0, -1, out, 1);
    case RF_CONTAINER_ID: {
        size_t n = strnlen(ev->container_id, RT_CONTAINER_ID_MAX);
        if (n > 12)
            n = 12;
        memcpy(sc, ev->container_id, n);
        sc[n] = '\0';
        return n > 0 ? strn_val(out, sc, n) : 0;
    }
    case RF_CONTAINER_FULL_ID:
        return str_val(out, ev->container_id);
    case RF_CONTAINER_NAME:
        return str_val(out, ev->container_name);
    case RF_CONTAINER_IMAGE:
        return str_val(out, ev->container_image);
    case RF_CONTAINER_IMAGE_REPOSITORY:
    case RF_CONTAINER_IMAGE_TAG: {
        size_t repo_len, tag_len;
        const char *tag;
        if (ev->container_image[0] == '\0')
            return 0;
        image_split(ev->container_image, &repo_len, &tag, &tag_len);
        if (field == RF_CONTAINER_IMAGE_REPOSITORY) {
            memcpy(sc, ev->container_image, repo_len);
            sc[repo_len] = '\0';
            return str_val(out, sc);
        }
        memcpy(sc, tag, tag_len);
        sc[tag_len] = '\0';
        return str_val(out, sc);
    }
    case RF_CONTAINER_TYPE:
        return str_val(out, ev->container_type);
    case RF_CONTAINER_INFO: {
        int n = snprintf(sc, sccap, "id=%.12s name=%s image=%s", ev->container_id,
                         ev->container_name[0] ? ev->container_name : "<NA>",
                         ev->container_image[0] ? ev->container_image : "<NA>");
        return n > 0 ? str_val(out, sc) : 0;
    }
    case RF_CRED_OLD_UID:
        return uint_val(out, ev->u.cred.old_cred.uid);
    case RF_CRED_NEW_UID:
        return uint_val(out, ev->u.cred.new_cred.uid);
    case RF_CRED_OLD_EUID:
        return uint_val(out, ev->u.cred.old_cred.euid);
    case RF_CRED_NEW_EUID:
        return uint_val(out, ev->u.cred.new_cred.euid);
    case RF_CRED_OLD_EGID:
        return uint_val(out, ev->u.cred.old_cred.egid);
    case RF_CRED_NEW_EGID:
        return uint_val(out, ev->u.cred.new_cred.egid);
    case RF_CRED_OLD_CAPS:
        return caps_list(e, field, ev->u.cred.old_cred.cap_effective, out);
    case RF_CRED_NEW_CAPS:
        return caps_list(e, field, ev->u.cred.new_cred.cap_effective, out);
    case RF_CRED_GAINED_CAPS:
        return caps_list(
            e, field, ev->u.cred.new_cred.cap_effective & ~ev->u.cred.old_cred.cap_effective, out);
    case RF_ACTION_KIND:
        return str_val(out, rt_action_kind_name((enum rt_action_kind)ev->u.action.kind));
    case RF_ACTION_RESULT:
        return str_val(out, rt_action_result_name((enum rt_action_result)ev->u.action.result));
    case RF_ACTION_RULE:
        return str_val(out, ev->u.action.rule);
    case RF_ACTION_DETAIL:
        return str_val(out, ev->u.action.detail);
    case RF_ACTION_TARGET_PID:
        return uint_val(out, ev->u.action.target_pid);
    case RF_DROP_LOST:
        return uint_val(out, ev->u.drop.lost);
    case RF_DROP_SOURCE:
        return str_val(out, ev->u.drop.source);
    case RF_COUNT:
        break;
    }
    return 0;
}

int rf_extract(struct rt_eval *e, uint16_t field, int32_t arg, struct rf_val *out)
{
    if (field >= RF_COUNT)
        return 0;
    if (arg >= 0) /* indexed values are cheap: not cached */
        return extract(e, field, arg, out);
    struct rf_cache *c = &e->cache[field];
    if (c->stamp != e->stamp) {
        memset(&c->v, 0, sizeof c->v);
        c->present = extract(e, field, -1, &c->v);
        c->stamp = e->stamp;
    }
    *out = c->v;
    return c->present;
}
