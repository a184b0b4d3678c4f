/* Reading one recording line back into a struct rt_event (docs/runtime-events.md). Strict:
 * an unknown key or a value of the wrong type is an error naming FILE:LINE and the key path,
 * so a typo in a hand-written test recording is caught instead of silently defaulting. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <jansson.h>
#include <string.h>

#include "runtime/event.h"

struct rd {
    const char *file;
    size_t line;
    struct strata_error *err;
    struct rt_event *ev;
};

static int bad(struct rd *r, const char *where, const char *what)
{
    return strata_error_set(r->err, STRATA_EFORMAT, "%s:%zu: %s: %s", r->file, r->line, where,
                            what);
}

static int get_uint(struct rd *r, const char *where, json_t *v, uint64_t max, uint64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected an integer from 0 to %" PRIu64, max);
        return bad(r, where, msg);
    }
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

static int get_u32(struct rd *r, const char *where, json_t *v, uint32_t *out)
{
    uint64_t x = 0;
    int rc = get_uint(r, where, v, UINT32_MAX, &x);
    if (rc == 0)
        *out = (uint32_t)x;
    return rc;
}

static int get_int(struct rd *r, const char *where, json_t *v, int64_t lo, int64_t hi, int64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected an integer from %" PRId64 " to %" PRId64, lo, hi);
        return bad(r, where, msg);
    }
    *out = json_integer_value(v);
    return 0;
}

static int get_i32(struct rd *r, const char *where, json_t *v, int32_t *out)
{
    int64_t x = 0;
    int rc = get_int(r, where, v, INT32_MIN, INT32_MAX, &x);
    if (rc == 0)
        *out = (int32_t)x;
    return rc;
}

/* A string into dst[cap]; cut strings set trunc_bit. NUL bytes cannot occur: jansson refuses
 * \u0000 unless asked. */
static int get_str(struct rd *r, const char *where, json_t *v, char *dst, size_t cap,
                   unsigned trunc_bit)
{
    if (!json_is_string(v))
        return bad(r, where, "expected a string");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n >= cap) {
        /* cut at a character boundary, so the event still writes back as the same text */
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        r->ev->truncated |= (uint8_t)trunc_bit;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

/* A 64-bit mask: an integer, a "0x…" string, or an array of capability names. */
static int get_caps(struct rd *r, const char *where, json_t *v, uint64_t *out)
{
    if (json_is_integer(v))
        return get_uint(r, where, v, INT64_MAX, out);
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        uint64_t x = 0;
        if (n < 3 || n > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
            return bad(r, where, "expected \"0x…\" (up to 16 hex digits)");
        for (size_t i = 2; i < n; i++) {
            char c = s[i];
            unsigned d;
            if (c >= '0' && c <= '9')
                d = (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                d = (unsigned)(c - 'A' + 10);
            else
                return bad(r, where, "expected \"0x…\" (up to 16 hex digits)");
            x = x << 4 | d;
        }
        *out = x;
        return 0;
    }
    if (json_is_array(v)) {
        uint64_t x = 0;
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            int bit = json_is_string(e)
                          ? rt_cap_from_name(json_string_value(e), json_string_length(e))
                          : -1;
            if (bit < 0)
                return bad(r, where, "expected capability names like \"CAP_SYS_ADMIN\"");
            x |= (uint64_t)1 << bit;
        }
        *out = x;
        return 0;
    }
    return bad(r, where, "expected a capability mask (integer, \"0x…\" or names)");
}

static int unknown_key(struct rd *r, const char *where, const char *key)
{
    char msg[160];
    snprintf(msg, sizeof msg, "unknown key \"%.100s\"", key);
    return bad(r, where, msg);
}

static int need_object(struct rd *r, const char *where, json_t *v)
{
    return json_is_object(v) ? 0 : bad(r, where, "expected an object");
}

static int read_cred(struct rd *r, const char *where, json_t *obj, struct rt_cred *c)
{
    const char *k;
    json_t *v;
    int rc = need_object(r, where, obj);
    char path[64];
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        snprintf(path, sizeof path, "%s.%.20s", where, k);
        if (strcmp(k, "uid") == 0)
            rc = get_u32(r, path, v, &c->uid);
        else if (strcmp(k, "euid") == 0)
            rc = get_u32(r, path, v, &c->euid);
        else if (strcmp(k, "suid") == 0)
            rc = get_u32(r, path, v, &c->suid);
        else if (strcmp(k, "fsuid") == 0)
            rc = get_u32(r, path, v, &c->fsuid);
        else if (strcmp(k, "gid") == 0)
            rc = get_u32(r, path, v, &c->gid);
        else if (strcmp(k, "egid") == 0)
            rc = get_u32(r, path, v, &c->egid);
        else if (strcmp(k, "sgid") == 0)
            rc = get_u32(r, path, v, &c->sgid);
        else if (strcmp(k, "fsgid") == 0)
            rc = get_u32(r, path, v, &c->fsgid);
        else if (strcmp(k, "cap_effective") == 0)
            rc = get_caps(r, path, v, &c->cap_effective);
        else if (strcmp(k, "cap_permitted") == 0)
            rc = get_caps(r, path, v, &c->cap_permitted);
        else if (strcmp(k, "cap_inheritable") == 0)
            rc = get_caps(r, path, v, &c->cap_inheritable);
        else
            rc = unknown_key(r, where, k);
    }
    return rc;
}

static int read_fd_type(struct rd *r, const char *where, json_t *v, char *out)
{
    if (!json_is_string(v) ||
        (*out = rt_fd_type_from_name(json_string_value(v), json_string_length(v))) == 0)
        return bad(r, where,
                   "expected an fd type (file, directory, ipv4, ipv6, unix, pipe, event, "
                   "signalfd, eventpoll, inotify, timerfd, netlink, memfd, bpf, tty)");
    return 0;
}

static int read_args(struct rd *r, json_t *v)
{
    struct rt_event *ev = r->ev;
    if (!json_is_array(v))
        return bad(r, "proc.args", "expected an array of strings");
    size_t used = 0, count = 0, i;
    int cut = 0;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return bad(r, "proc.args", "expected an array of strings");
        if (cut)
            continue;
        const char *s = json_string_value(e);
        size_t n = json_string_length(e);
        if (used + n + 1 > RT_ARGS_MAX) {
            if (used + 1 < RT_ARGS_MAX) {
                n = RT_ARGS_MAX - used - 1;
                while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
                    n--;
                memcpy(ev->args + used, s, n);
                ev->args[used + n] = '\0';
                used += n + 1;
                count++;
            }
            cut = 1;
            continue;
        }
        memcpy(ev->args + used, s, n);
        ev->args[used + n] = '\0';
        used += n + 1;
        count++;
    }
    if (cut)
        ev->truncated |= RT_TRUNC_ARGS;
    ev->args_len = (uint16_t)used;
    ev->argc = (uint16_t)count;
    return 0;
}

static int read_ancestors(struct rd *r, json_t *v)
{
    struct rt_event *ev = r->ev;
    if (!json_is_array(v))
        return bad(r, "proc.ancestors", "expected an array of {\"pid\", \"name\"}");
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (i >= RT_MAX_ANCESTORS)
            break; /* deeper ancestors are not kept (documented bound) */
        const char *k;
        json_t *x;
        int rc = need_object(r, "proc.ancestors[]", e);
        json_object_foreach(e, k, x)
        {
            if (rc != 0)
                break;
            if (strcmp(k, "pid") == 0)
                rc = get_u32(r, "proc.ancestors[].pid", x, &ev->anc[i].pid);
            else if (strcmp(k, "name") == 0)
                rc = get_str(r, "proc.ancestors[].name", x, ev->anc[i].name, RT_COMM_MAX,
                             RT_TRUNC_OTHER);
            else
                rc = unknown_key(r, "proc.ancestors[]", k);
        }
        if (rc != 0)
            return rc;
        ev->nanc = (uint8_t)(i + 1);
    }
    return 0;
}

static int read_proc_flags(struct rd *r, json_t *v)
{
    if (!json_is_array(v))
        return bad(r, "proc.flags", "expected an array of flag names");
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        const char *s = json_is_string(e) ? json_string_value(e) : "";
        if (strcmp(s, "exe_upper_layer") == 0)
            r->ev->proc_flags |= RT_PROC_EXE_UPPER_LAYER;
        else if (strcmp(s, "exe_from_memfd") == 0)
            r->ev->proc_flags |= RT_PROC_EXE_FROM_MEMFD;
        else if (strcmp(s, "exe_writable") == 0)
            r->ev->proc_flags |= RT_PROC_EXE_WRITABLE;
        else
            return bad(r, "proc.flags", "expected exe_upper_layer, exe_from_memfd or exe_writable");
    }
    return 0;
}

static int read_proc(struct rd *r, json_t *obj)
{
    struct rt_event *ev = r->ev;
    const char *k;
    json_t *v;
    int rc = need_object(r, "proc", obj);
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "pid") == 0)
            rc = get_u32(r, "proc.pid", v, &ev->pid);
        else if (strcmp(k, "tid") == 0)
            rc = get_u32(r, "proc.tid", v, &ev->tid);
        else if (strcmp(k, "ppid") == 0)
            rc = get_u32(r, "proc.ppid", v, &ev->ppid);
        else if (strcmp(k, "vpid") == 0)
            rc = get_u32(r, "proc.vpid", v, &ev->vpid);
        else if (strcmp(k, "comm") == 0)
            rc = get_str(r, "proc.comm", v, ev->comm, RT_COMM_MAX, RT_TRUNC_OTHER);
        else if (strcmp(k, "exe") == 0)
            rc = get_str(r, "proc.exe", v, ev->exe, RT_PATH_MAX, RT_TRUNC_EXE);
        else if (strcmp(k, "cwd") == 0)
            rc = get_str(r, "proc.cwd", v, ev->cwd, RT_PATH_MAX, RT_TRUNC_CWD);
        else if (strcmp(k, "args") == 0)
            rc = read_args(r, v);
        else if (strcmp(k, "user") == 0)
            rc = get_str(r, "proc.user", v, ev->user_name, RT_USER_MAX, RT_TRUNC_OTHER);
        else if (strcmp(k, "loginuid") == 0)
            rc = get_u32(r, "proc.loginuid", v, &ev->loginuid);
        else if (strcmp(k, "cred") == 0)
            rc = read_cred(r, "proc.cred", v, &ev->cred);
        else if (strcmp(k, "tty") == 0)
            rc = get_u32(r, "proc.tty", v, &ev->tty);
        else if (strcmp(k, "stdin") == 0)
            rc = read_fd_type(r, "proc.stdin", v, &ev->stdin_type);
        else if (strcmp(k, "stdout") == 0)
            rc = read_fd_type(r, "proc.stdout", v, &ev->stdout_type);
        else if (strcmp(k, "stderr") == 0)
            rc = read_fd_type(r, "proc.stderr", v, &ev->stderr_type);
        else if (strcmp(k, "flags") == 0)
            rc = read_proc_flags(r, v);
        else if (strcmp(k, "ancestors") == 0)
            rc = read_ancestors(r, v);
        else
            rc = unknown_key(r, "proc", k);
    }
    return rc;
}

static int read_ns(struct rd *r, json_t *obj)
{
    struct rt_event *ev = r->ev;
    const char *k;
    json_t *v;
    int rc = need_object(r, "ns", obj);
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "cgroup_id") == 0)
            rc = get_uint(r, "ns.cgroup_id", v, INT64_MAX, &ev->cgroup_id);
        else if (strcmp(k, "mnt") == 0)
            rc = get_uint(r, "ns.mnt", v, INT64_MAX, &ev->mnt_ns);
        else if (strcmp(k, "pid") == 0)
            rc = get_uint(r, "ns.pid", v, INT64_MAX, &ev->pid_ns);
        else if (strcmp(k, "net") == 0)
            rc = get_uint(r, "ns.net", v, INT64_MAX, &ev->net_ns);
        else
            rc = unknown_key(r, "ns", k);
    }
    return rc;
}

static int read_container(struct rd *r, json_t *obj)
{
    struct rt_event *ev = r->ev;
    const char *k;
    json_t *v;
    int rc = need_object(r, "container", obj);
    /* a container object without "type" is not the host */
    ev->container_type[0] = '\0';
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "id") == 0)
            rc = get_str(r, "container.id", v, ev->container_id, RT_CONTAINER_ID_MAX,
                         RT_TRUNC_OTHER);
        else if (strcmp(k, "name") == 0)
            rc = get_str(r, "container.name", v, ev->container_name, RT_CONTAINER_NAME_MAX,
                         RT_TRUNC_OTHER);
        else if (strcmp(k, "image") == 0)
            rc =
                get_str(r, "container.image", v, ev->container_image, RT_IMAGE_MAX, RT_TRUNC_OTHER);
        else if (strcmp(k, "type") == 0)
            rc = get_str(r, "container.type", v, ev->container_type, RT_CONTAINER_TYPE_MAX,
                         RT_TRUNC_OTHER);
        else
            rc = unknown_key(r, "container", k);
    }
    if (rc == 0 && ev->container_type[0] == '\0' && strcmp(ev->container_id, "host") == 0)
        memcpy(ev->container_type, "host", 5);
    return rc;
}

static int read_file(struct rd *r, json_t *obj)
{
    struct rt_event *ev = r->ev;
    const char *k;
    json_t *v;
    int rc = need_object(r, "file", obj);
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "path") == 0 || strcmp(k, "name") == 0)
            rc = get_str(r, "file.path", v, ev->path, RT_PATH_MAX, RT_TRUNC_PATH);
        else if (strcmp(k, "newpath") == 0)
            rc = get_str(r, "file.newpath", v, ev->path2, RT_PATH_MAX, RT_TRUNC_PATH2);
        else if (strcmp(k, "flags") == 0) {
            if (json_is_string(v)) {
                if (rt_open_flags_parse(json_string_value(v), json_string_length(v),
                                        &ev->u.file.flags) != 0)
                    rc = bad(r, "file.flags", "expected open flags like \"O_WRONLY|O_CREAT\"");
            } else {
                rc = get_u32(r, "file.flags", v, &ev->u.file.flags);
            }
        } else if (strcmp(k, "mode") == 0)
            rc = get_u32(r, "file.mode", v, &ev->u.file.mode);
        else if (strcmp(k, "fd") == 0)
            rc = get_i32(r, "file.fd", v, &ev->u.file.fd);
        else
            rc = unknown_key(r, "file", k);
    }
    return rc;
}

static int read_addr(struct rd *r, const char *where, json_t *v, uint8_t *family, uint8_t *dst)
{
    if (!json_is_string(v))
        return bad(r, where, "expected an IPv4 or IPv6 address");
    const char *s = json_string_value(v);
    if (inet_pton(AF_INET, s, dst) == 1) {
        if (*family == 0)
            *family = RT_AF_INET;
        if (*family == RT_AF_INET)
            return 0;
    } else if (inet_pton(AF_INET6, s, dst) == 1) {
        if (*family == 0)
            *family = RT_AF_INET6;
        if (*family == RT_AF_INET6)
            return 0;
    } else {
        return bad(r, where, "expected an IPv4 or IPv6 address");
    }
    return bad(r, where, "address does not match the family");
}

static int read_net(struct rd *r, json_t *obj)
{
    struct rt_event *ev = r->ev;
    int rc = need_object(r, "net", obj);
    if (rc != 0)
        return rc;
    /* family first: the addresses are checked against it */
    json_t *fam = json_object_get(obj, "family");
    if (fam != NULL) {
        const char *s = json_is_string(fam) ? json_string_value(fam) : "";
        if (strcmp(s, "inet") == 0)
            ev->u.net.family = RT_AF_INET;
        else if (strcmp(s, "inet6") == 0)
            ev->u.net.family = RT_AF_INET6;
        else if (strcmp(s, "unix") == 0)
            ev->u.net.family = RT_AF_UNIX;
        else
            return bad(r, "net.family", "expected inet, inet6 or unix");
    }
    const char *k;
    json_t *v;
    uint64_t port = 0;
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "family") == 0)
            continue;
        if (strcmp(k, "proto") == 0) {
            const char *s = json_is_string(v) ? json_string_value(v) : "";
            if (strcmp(s, "tcp") == 0)
                ev->u.net.l4proto = RT_L4_TCP;
            else if (strcmp(s, "udp") == 0)
                ev->u.net.l4proto = RT_L4_UDP;
            else if (strcmp(s, "icmp") == 0)
                ev->u.net.l4proto = RT_L4_ICMP;
            else if (strcmp(s, "raw") == 0)
                ev->u.net.l4proto = RT_L4_RAW;
            else
                rc = bad(r, "net.proto", "expected tcp, udp, icmp or raw");
        } else if (strcmp(k, "laddr") == 0) {
            rc = read_addr(r, "net.laddr", v, &ev->u.net.family, ev->u.net.laddr);
        } else if (strcmp(k, "raddr") == 0) {
            rc = read_addr(r, "net.raddr", v, &ev->u.net.family, ev->u.net.raddr);
        } else if (strcmp(k, "lport") == 0) {
            rc = get_uint(r, "net.lport", v, 65535, &port);
            ev->u.net.lport = (uint16_t)port;
        } else if (strcmp(k, "rport") == 0) {
            rc = get_uint(r, "net.rport", v, 65535, &port);
            ev->u.net.rport = (uint16_t)port;
        } else if (strcmp(k, "path") == 0) {
            rc = get_str(r, "net.path", v, ev->path, RT_PATH_MAX, RT_TRUNC_PATH);
        } else if (strcmp(k, "fd") == 0) {
            rc = get_i32(r, "net.fd", v, &ev->u.net.fd);
        } else {
            rc = unknown_key(r, "net", k);
        }
    }
    return rc;
}

static int read_cred_change(struct rd *r, json_t *obj)
{
    const char *k;
    json_t *v;
    int rc = need_object(r, "cred", obj);
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "old") == 0)
            rc = read_cred(r, "cred.old", v, &r->ev->u.cred.old_cred);
        else if (strcmp(k, "new") == 0)
            rc = read_cred(r, "cred.new", v, &r->ev->u.cred.new_cred);
        else
            rc = unknown_key(r, "cred", k);
    }
    return rc;
}

static int read_ptrace(struct rd *r, json_t *obj)
{
    const char *k;
    json_t *v;
    int rc = need_object(r, "ptrace", obj);
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "request") == 0) {
            if (json_is_string(v)) {
                if (rt_ptrace_request_from_name(json_string_value(v), json_string_length(v),
                                                &r->ev->u.ptrace.request) != 0)
                    rc = bad(r, "ptrace.request", "expected a PTRACE_* name or an integer");
            } else {
                rc =
                    get_int(r, "ptrace.request", v, INT64_MIN, INT64_MAX, &r->ev->u.ptrace.request);
            }
        } else if (strcmp(k, "target_pid") == 0) {
            rc = get_u32(r, "ptrace.target_pid", v, &r->ev->u.ptrace.target_pid);
        } else {
            rc = unknown_key(r, "ptrace", k);
        }
    }
    return rc;
}

static int read_mount(struct rd *r, json_t *obj)
{
    struct rt_event *ev = r->ev;
    const char *k;
    json_t *v;
    int rc = need_object(r, "mount", obj);
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "target") == 0)
            rc = get_str(r, "mount.target", v, ev->path, RT_PATH_MAX, RT_TRUNC_PATH);
        else if (strcmp(k, "source") == 0)
            rc = get_str(r, "mount.source", v, ev->path2, RT_PATH_MAX, RT_TRUNC_PATH2);
        else if (strcmp(k, "fstype") == 0)
            rc = get_str(r, "mount.fstype", v, ev->u.mount.fstype, RT_NAME_MAX, RT_TRUNC_OTHER);
        else if (strcmp(k, "flags") == 0)
            rc = get_uint(r, "mount.flags", v, INT64_MAX, &ev->u.mount.flags);
        else
            rc = unknown_key(r, "mount", k);
    }
    return rc;
}

static int read_module(struct rd *r, json_t *obj)
{
    struct rt_event *ev = r->ev;
    const char *k;
    json_t *v;
    int rc = need_object(r, "module", obj);
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "name") == 0)
            rc = get_str(r, "module.name", v, ev->u.module.name, RT_NAME_MAX, RT_TRUNC_OTHER);
        else if (strcmp(k, "path") == 0)
            rc = get_str(r, "module.path", v, ev->path, RT_PATH_MAX, RT_TRUNC_PATH);
        else
            rc = unknown_key(r, "module", k);
    }
    return rc;
}

static int read_bpf(struct rd *r, json_t *obj)
{
    struct rt_event *ev = r->ev;
    const char *k;
    json_t *v;
    int rc = need_object(r, "bpf", obj);
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "cmd") == 0)
            rc = get_i32(r, "bpf.cmd", v, &ev->u.bpf.cmd);
        else if (strcmp(k, "prog_type") == 0)
            rc = get_i32(r, "bpf.prog_type", v, &ev->u.bpf.prog_type);
        else if (strcmp(k, "prog_name") == 0)
            rc = get_str(r, "bpf.prog_name", v, ev->u.bpf.prog_name, RT_NAME_MAX, RT_TRUNC_OTHER);
        else
            rc = unknown_key(r, "bpf", k);
    }
    return rc;
}

static int read_action(struct rd *r, json_t *obj)
{
    struct rt_event *ev = r->ev;
    const char *k;
    json_t *v;
    int rc = need_object(r, "action", obj);
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        const char *s = json_is_string(v) ? json_string_value(v) : NULL;
        if (strcmp(k, "kind") == 0) {
            unsigned i;
            for (i = RT_ACT_KILL; i <= RT_ACT_RELEASE; i++)
                if (s != NULL && strcmp(s, rt_action_kind_name((enum rt_action_kind)i)) == 0)
                    break;
            if (i > RT_ACT_RELEASE)
                rc = bad(r, "action.kind", "expected kill, freeze, isolate or release");
            else
                ev->u.action.kind = (uint8_t)i;
        } else if (strcmp(k, "result") == 0) {
            unsigned i;
            for (i = RT_ACT_DONE; i <= RT_ACT_RATE_LIMITED; i++)
                if (s != NULL && strcmp(s, rt_action_result_name((enum rt_action_result)i)) == 0)
                    break;
            if (i > RT_ACT_RATE_LIMITED)
                rc = bad(r, "action.result", "expected done, failed, dry-run or rate-limited");
            else
                ev->u.action.result = (uint8_t)i;
        } else if (strcmp(k, "target_pid") == 0) {
            rc = get_u32(r, "action.target_pid", v, &ev->u.action.target_pid);
        } else if (strcmp(k, "rule") == 0) {
            rc = get_str(r, "action.rule", v, ev->u.action.rule, RT_RULE_NAME_MAX, RT_TRUNC_OTHER);
        } else if (strcmp(k, "detail") == 0) {
            rc = get_str(r, "action.detail", v, ev->u.action.detail, RT_DETAIL_MAX, RT_TRUNC_OTHER);
        } else {
            rc = unknown_key(r, "action", k);
        }
    }
    return rc;
}

static int read_drop(struct rd *r, json_t *obj)
{
    struct rt_event *ev = r->ev;
    const char *k;
    json_t *v;
    int rc = need_object(r, "drop", obj);
    json_object_foreach(obj, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "lost") == 0)
            rc = get_uint(r, "drop.lost", v, INT64_MAX, &ev->u.drop.lost);
        else if (strcmp(k, "source") == 0)
            rc = get_str(r, "drop.source", v, ev->u.drop.source, RT_NAME_MAX, RT_TRUNC_OTHER);
        else
            rc = unknown_key(r, "drop", k);
    }
    return rc;
}

/* The payload key of each class; a payload of another class is an error. */
static int read_payload(struct rd *r, const char *k, json_t *v, enum rt_event_class cls)
{
    static const struct {
        const char *key;
        enum rt_event_class cls;
        int (*read)(struct rd *, json_t *);
    } payloads[] = {
        {"file", RT_CLASS_FILE, read_file},        {"net", RT_CLASS_NET, read_net},
        {"cred", RT_CLASS_CRED, read_cred_change}, {"ptrace", RT_CLASS_PTRACE, read_ptrace},
        {"mount", RT_CLASS_MOUNT, read_mount},     {"module", RT_CLASS_MODULE, read_module},
        {"bpf", RT_CLASS_BPF, read_bpf},           {"action", RT_CLASS_ACTION, read_action},
        {"drop", RT_CLASS_DROP, read_drop},
    };
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++)
        if (strcmp(k, payloads[i].key) == 0) {
            if (payloads[i].cls != cls) {
                char msg[96];
                snprintf(msg, sizeof msg, "a \"%s\" object does not belong to a %s event", k,
                         rt_event_type_name((enum rt_event_type)r->ev->type));
                return bad(r, k, msg);
            }
            return payloads[i].read(r, v);
        }
    if (strcmp(k, "exit") == 0) {
        if (r->ev->type != RT_EV_PROCEXIT)
            return bad(r, "exit", "an \"exit\" object belongs to a procexit event");
        const char *ek;
        json_t *ev;
        int rc = need_object(r, "exit", v);
        json_object_foreach(v, ek, ev)
        {
            if (rc != 0)
                break;
            if (strcmp(ek, "code") == 0)
                rc = get_i32(r, "exit.code", ev, &r->ev->u.exit.code);
            else if (strcmp(ek, "signal") == 0)
                rc = get_i32(r, "exit.signal", ev, &r->ev->u.exit.signal);
            else
                rc = unknown_key(r, "exit", ek);
        }
        return rc;
    }
    return unknown_key(r, "event", k);
}

static int read_truncated(struct rd *r, json_t *v)
{
    static const char *const names[] = {"exe", "args", "path", "path2", "cwd", "other"};
    if (!json_is_array(v))
        return bad(r, "truncated", "expected an array of names");
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        unsigned b;
        for (b = 0; b < 6; b++)
            if (json_is_string(e) && strcmp(json_string_value(e), names[b]) == 0)
                break;
        if (b == 6)
            return bad(r, "truncated", "expected exe, args, path, path2, cwd or other");
        r->ev->truncated |= (uint8_t)(1u << b);
    }
    return 0;
}

static int read_event(struct rd *r, json_t *root)
{
    struct rt_event *ev = r->ev;
    json_t *type = json_object_get(root, "type");
    if (type == NULL)
        return bad(r, "event", "no \"type\"");
    if (!json_is_string(type) ||
        (ev->type = (uint16_t)rt_event_type_from_name(json_string_value(type),
                                                      json_string_length(type))) == RT_EV_NONE) {
        char msg[160];
        snprintf(msg, sizeof msg, "unknown event type \"%.100s\"",
                 json_is_string(type) ? json_string_value(type) : "(not a string)");
        return bad(r, "type", msg);
    }
    enum rt_event_class cls = rt_event_type_class((enum rt_event_type)ev->type);
    /* fds default to "none" for the classes that have one */
    if (cls == RT_CLASS_FILE)
        ev->u.file.fd = -1;
    else if (cls == RT_CLASS_NET)
        ev->u.net.fd = -1;

    const char *k;
    json_t *v;
    int rc = 0;
    json_object_foreach(root, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "type") == 0)
            continue;
        if (strcmp(k, "v") == 0) {
            uint64_t ver;
            rc = get_uint(r, "v", v, INT64_MAX, &ver);
            if (rc == 0 && ver != RT_JSON_VERSION)
                rc = bad(r, "v", "recording format version not supported (strata reads 1)");
        } else if (strcmp(k, "time") == 0) {
            rc = get_uint(r, "time", v, INT64_MAX, &ev->ts_ns);
        } else if (strcmp(k, "seq") == 0) {
            rc = get_uint(r, "seq", v, INT64_MAX, &ev->seq);
        } else if (strcmp(k, "dir") == 0) {
            const char *s = json_is_string(v) ? json_string_value(v) : "";
            if (strcmp(s, "<") == 0 || strcmp(s, ">") == 0)
                ev->dir = s[0];
            else
                rc = bad(r, "dir", "expected \"<\" or \">\"");
        } else if (strcmp(k, "res") == 0) {
            rc = get_int(r, "res", v, INT64_MIN, INT64_MAX, &ev->res);
        } else if (strcmp(k, "truncated") == 0) {
            rc = read_truncated(r, v);
        } else if (strcmp(k, "proc") == 0) {
            rc = read_proc(r, v);
        } else if (strcmp(k, "ns") == 0) {
            rc = read_ns(r, v);
        } else if (strcmp(k, "container") == 0) {
            rc = read_container(r, v);
        } else {
            rc = read_payload(r, k, v, cls);
        }
    }
    return rc;
}

int rt_event_from_json(const char *line, size_t len, const char *file, size_t lineno,
                       struct rt_event *ev, struct strata_error *err)
{
    struct rd r = {file, lineno, err, ev};
    rt_event_init(ev);
    if (len > RT_JSON_LINE_MAX)
        return strata_error_set(err, STRATA_ELIMIT,
                                "%s:%zu: line of %zu bytes, more than the %u allowed", file, lineno,
                                len, RT_JSON_LINE_MAX);
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        if (json_error_code(&jerr) == json_error_out_of_memory)
            return strata_error_nomem(err);
        return strata_error_set(err, STRATA_EFORMAT, "%s:%zu:%d: invalid JSON: %s", file, lineno,
                                jerr.column > 0 ? jerr.column : 1, jerr.text);
    }
    int rc;
    if (!json_is_object(root))
        rc = strata_error_set(err, STRATA_EFORMAT, "%s:%zu:1: an event is a JSON object", file,
                              lineno);
    else
        rc = read_event(&r, root);
    json_decref(root);
    return rc;
}
