/* One event as one JSON object (the recording format, docs/runtime-events.md). Written with
 * a strbuf rather than jansson: `--record` and the JSON output run at the sensor's rate, and
 * building a jansson tree per event costs dozens of allocations. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/event.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

int rt_json_add_string(struct strbuf *sb, const char *s, size_t n)
{
    int rc = strbuf_addch(sb, '"');
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (rc == 0 && i < n) {
        size_t run = i;
        /* copy the longest plain run at once */
        while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        if (run > i) {
            rc = strbuf_add(sb, p + i, run - i);
            i = run;
            continue;
        }
        unsigned c = p[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            rc = strbuf_add(sb, esc, 2);
            i++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n':
                rc = strbuf_add(sb, "\\n", 2);
                break;
            case '\t':
                rc = strbuf_add(sb, "\\t", 2);
                break;
            case '\r':
                rc = strbuf_add(sb, "\\r", 2);
                break;
            default:
                rc = strbuf_addf(sb, "\\u%04x", c);
            }
            i++;
        } else {
            size_t len = utf8_len(p + i, n - i);
            if (len == 0) {
                rc = strbuf_add(sb, "\\ufffd", 6);
                i++;
            } else {
                rc = strbuf_add(sb, p + i, len);
                i += len;
            }
        }
    }
    return rc != 0 ? rc : strbuf_addch(sb, '"');
}

static int add_json_str(struct strbuf *sb, const char *s)
{
    return rt_json_add_string(sb, s, strlen(s));
}

/* Numbers by hand: vsnprintf (twice, in strbuf_addf) was most of the time of a line. */
static int add_u64(struct strbuf *sb, uint64_t v)
{
    char b[24];
    size_t i = sizeof b;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return strbuf_add(sb, b + i, sizeof b - i);
}

static int add_i64(struct strbuf *sb, int64_t v)
{
    if (v >= 0)
        return add_u64(sb, (uint64_t)v);
    int rc = strbuf_addch(sb, '-');
    return rc != 0 ? rc : add_u64(sb, 0 - (uint64_t)v);
}

/* ,"key": */
static int key(struct strbuf *sb, int *first, const char *k)
{
    size_t n = strlen(k);
    int rc = strbuf_grow(sb, n + 4);
    if (rc != 0)
        return rc;
    if (!*first)
        sb->buf[sb->len++] = ',';
    *first = 0;
    sb->buf[sb->len++] = '"';
    memcpy(sb->buf + sb->len, k, n);
    sb->len += n;
    sb->buf[sb->len++] = '"';
    sb->buf[sb->len++] = ':';
    sb->buf[sb->len] = '\0';
    return 0;
}

static int kv_str(struct strbuf *sb, int *first, const char *k, const char *v)
{
    int rc = key(sb, first, k);
    return rc != 0 ? rc : add_json_str(sb, v);
}

static int kv_u64(struct strbuf *sb, int *first, const char *k, uint64_t v)
{
    int rc = key(sb, first, k);
    return rc != 0 ? rc : add_u64(sb, v);
}

static int kv_i64(struct strbuf *sb, int *first, const char *k, int64_t v)
{
    int rc = key(sb, first, k);
    return rc != 0 ? rc : add_i64(sb, v);
}

static int kv_hex(struct strbuf *sb, int *first, const char *k, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char b[20];
    size_t i = sizeof b;
    b[--i] = '"';
    do {
        b[--i] = digits[v & 15];
        v >>= 4;
    } while (v != 0);
    b[--i] = 'x';
    b[--i] = '0';
    b[--i] = '"';
    int rc = key(sb, first, k);
    return rc != 0 ? rc : strbuf_add(sb, b + i, sizeof b - i);
}

static int add_cred(struct strbuf *sb, const struct rt_cred *c)
{
    int f = 1, rc = strbuf_addch(sb, '{');
    if (rc == 0)
        rc = kv_u64(sb, &f, "uid", c->uid);
    if (rc == 0)
        rc = kv_u64(sb, &f, "euid", c->euid);
    if (rc == 0)
        rc = kv_u64(sb, &f, "suid", c->suid);
    if (rc == 0)
        rc = kv_u64(sb, &f, "fsuid", c->fsuid);
    if (rc == 0)
        rc = kv_u64(sb, &f, "gid", c->gid);
    if (rc == 0)
        rc = kv_u64(sb, &f, "egid", c->egid);
    if (rc == 0)
        rc = kv_u64(sb, &f, "sgid", c->sgid);
    if (rc == 0)
        rc = kv_u64(sb, &f, "fsgid", c->fsgid);
    if (rc == 0)
        rc = kv_hex(sb, &f, "cap_effective", c->cap_effective);
    if (rc == 0)
        rc = kv_hex(sb, &f, "cap_permitted", c->cap_permitted);
    if (rc == 0)
        rc = kv_hex(sb, &f, "cap_inheritable", c->cap_inheritable);
    return rc != 0 ? rc : strbuf_addch(sb, '}');
}

static int add_fd_type(struct strbuf *sb, int *first, const char *k, char t)
{
    const char *name = rt_fd_type_name(t);
    return name[0] != '\0' ? kv_str(sb, first, k, name) : 0;
}

static int add_proc(struct strbuf *sb, const struct rt_event *ev)
{
    int f = 1, rc = strbuf_addch(sb, '{');
    if (rc == 0)
        rc = kv_u64(sb, &f, "pid", ev->pid);
    if (rc == 0)
        rc = kv_u64(sb, &f, "tid", ev->tid);
    if (rc == 0)
        rc = kv_u64(sb, &f, "ppid", ev->ppid);
    if (rc == 0 && ev->vpid != 0)
        rc = kv_u64(sb, &f, "vpid", ev->vpid);
    if (rc == 0)
        rc = kv_str(sb, &f, "comm", ev->comm);
    if (rc == 0)
        rc = kv_str(sb, &f, "exe", ev->exe);
    if (rc == 0 && ev->cwd[0] != '\0')
        rc = kv_str(sb, &f, "cwd", ev->cwd);
    if (rc == 0)
        rc = key(sb, &f, "args");
    if (rc == 0)
        rc = strbuf_addch(sb, '[');
    size_t pos = 0;
    const char *a;
    for (int n = 0; rc == 0 && (a = rt_event_next_arg(ev, &pos)) != NULL; n++) {
        if (n > 0)
            rc = strbuf_addch(sb, ',');
        if (rc == 0)
            rc = add_json_str(sb, a);
    }
    if (rc == 0)
        rc = strbuf_addch(sb, ']');
    if (rc == 0 && ev->user_name[0] != '\0')
        rc = kv_str(sb, &f, "user", ev->user_name);
    if (rc == 0 && ev->loginuid != UINT32_MAX)
        rc = kv_u64(sb, &f, "loginuid", ev->loginuid);
    if (rc == 0)
        rc = key(sb, &f, "cred");
    if (rc == 0)
        rc = add_cred(sb, &ev->cred);
    if (rc == 0 && ev->tty != 0)
        rc = kv_u64(sb, &f, "tty", ev->tty);
    if (rc == 0)
        rc = add_fd_type(sb, &f, "stdin", ev->stdin_type);
    if (rc == 0)
        rc = add_fd_type(sb, &f, "stdout", ev->stdout_type);
    if (rc == 0)
        rc = add_fd_type(sb, &f, "stderr", ev->stderr_type);
    if (rc == 0 && ev->proc_flags != 0) {
        static const struct {
            uint32_t bit;
            const char *name;
        } flags[] = {{RT_PROC_EXE_UPPER_LAYER, "exe_upper_layer"},
                     {RT_PROC_EXE_FROM_MEMFD, "exe_from_memfd"},
                     {RT_PROC_EXE_WRITABLE, "exe_writable"}};
        int n = 0;
        rc = key(sb, &f, "flags");
        if (rc == 0)
            rc = strbuf_addch(sb, '[');
        for (size_t i = 0; rc == 0 && i < sizeof flags / sizeof flags[0]; i++)
            if (ev->proc_flags & flags[i].bit) {
                if (n++ > 0)
                    rc = strbuf_addch(sb, ',');
                if (rc == 0)
                    rc = add_json_str(sb, flags[i].name);
            }
        if (rc == 0)
            rc = strbuf_addch(sb, ']');
    }
    if (rc == 0 && ev->nanc > 0) {
        rc = key(sb, &f, "ancestors");
        if (rc == 0)
            rc = strbuf_addch(sb, '[');
        for (unsigned i = 0; rc == 0 && i < ev->nanc && i < RT_MAX_ANCESTORS; i++) {
            int af = 1;
            rc = strbuf_adds(sb, i > 0 ? ",{" : "{");
            if (rc == 0)
                rc = kv_u64(sb, &af, "pid", ev->anc[i].pid);
            if (rc == 0)
                rc = kv_str(sb, &af, "name", ev->anc[i].name);
            if (rc == 0)
                rc = strbuf_addch(sb, '}');
        }
        if (rc == 0)
            rc = strbuf_addch(sb, ']');
    }
    return rc != 0 ? rc : strbuf_addch(sb, '}');
}

static int add_addr(struct strbuf *sb, int *first, const char *k, uint8_t family,
                    const uint8_t *addr)
{
    char buf[INET6_ADDRSTRLEN];
    if (family == RT_AF_INET)
        inet_ntop(AF_INET, addr, buf, sizeof buf);
    else if (family == RT_AF_INET6)
        inet_ntop(AF_INET6, addr, buf, sizeof buf);
    else
        return 0;
    return kv_str(sb, first, k, buf);
}

static int add_payload(struct strbuf *sb, const struct rt_event *ev)
{
    enum rt_event_class cls = rt_event_type_class((enum rt_event_type)ev->type);
    int f = 1, rc = 0;
    char buf[256];
    switch (cls) {
    case RT_CLASS_PROCESS:
        if (ev->type != RT_EV_PROCEXIT)
            return 0;
        rc = strbuf_adds(sb, ",\"exit\":{");
        if (rc == 0)
            rc = kv_i64(sb, &f, "code", ev->u.exit.code);
        if (rc == 0)
            rc = kv_i64(sb, &f, "signal", ev->u.exit.signal);
        break;
    case RT_CLASS_FILE:
        rc = strbuf_adds(sb, ",\"file\":{");
        if (rc == 0)
            rc = kv_str(sb, &f, ev->type == RT_EV_MEMFD_CREATE ? "name" : "path", ev->path);
        if (rc == 0 && ev->path2[0] != '\0')
            rc = kv_str(sb, &f, "newpath", ev->path2);
        if (rc == 0) {
            if (ev->type == RT_EV_OPEN || ev->type == RT_EV_OPENAT || ev->type == RT_EV_OPENAT2 ||
                ev->type == RT_EV_CREAT) {
                rt_open_flags_str(ev->u.file.flags, buf, sizeof buf);
                rc = kv_str(sb, &f, "flags", buf);
            } else {
                rc = kv_u64(sb, &f, "flags", ev->u.file.flags);
            }
        }
        if (rc == 0 && ev->u.file.mode != 0)
            rc = kv_u64(sb, &f, "mode", ev->u.file.mode);
        if (rc == 0)
            rc = kv_i64(sb, &f, "fd", ev->u.file.fd);
        break;
    case RT_CLASS_NET:
        rc = strbuf_adds(sb, ",\"net\":{");
        if (rc == 0 && (ev->u.net.family == RT_AF_INET || ev->u.net.family == RT_AF_INET6 ||
                        ev->u.net.family == RT_AF_UNIX))
            rc = kv_str(sb, &f, "family",
                        ev->u.net.family == RT_AF_INET    ? "inet"
                        : ev->u.net.family == RT_AF_INET6 ? "inet6"
                                                          : "unix");
        if (rc == 0 && ev->u.net.l4proto != RT_L4_UNKNOWN)
            rc = kv_str(sb, &f, "proto", rt_l4proto_name((enum rt_l4proto)ev->u.net.l4proto));
        if (rc == 0)
            rc = add_addr(sb, &f, "laddr", ev->u.net.family, ev->u.net.laddr);
        if (rc == 0 && (ev->u.net.family != RT_AF_UNIX || ev->u.net.lport != 0))
            rc = kv_u64(sb, &f, "lport", ev->u.net.lport);
        if (rc == 0)
            rc = add_addr(sb, &f, "raddr", ev->u.net.family, ev->u.net.raddr);
        if (rc == 0 && (ev->u.net.family != RT_AF_UNIX || ev->u.net.rport != 0))
            rc = kv_u64(sb, &f, "rport", ev->u.net.rport);
        if (rc == 0 && ev->path[0] != '\0')
            rc = kv_str(sb, &f, "path", ev->path);
        if (rc == 0)
            rc = kv_i64(sb, &f, "fd", ev->u.net.fd);
        break;
    case RT_CLASS_CRED:
        rc = strbuf_adds(sb, ",\"cred\":{\"old\":");
        if (rc == 0)
            rc = add_cred(sb, &ev->u.cred.old_cred);
        if (rc == 0)
            rc = strbuf_adds(sb, ",\"new\":");
        if (rc == 0)
            rc = add_cred(sb, &ev->u.cred.new_cred);
        break;
    case RT_CLASS_PTRACE: {
        const char *name = rt_ptrace_request_name(ev->u.ptrace.request);
        rc = strbuf_adds(sb, ",\"ptrace\":{");
        if (rc == 0)
            rc = name != NULL ? kv_str(sb, &f, "request", name)
                              : kv_i64(sb, &f, "request", ev->u.ptrace.request);
        if (rc == 0)
            rc = kv_u64(sb, &f, "target_pid", ev->u.ptrace.target_pid);
        break;
    }
    case RT_CLASS_MOUNT:
        rc = strbuf_adds(sb, ",\"mount\":{");
        if (rc == 0)
            rc = kv_str(sb, &f, "target", ev->path);
        if (rc == 0 && ev->path2[0] != '\0')
            rc = kv_str(sb, &f, "source", ev->path2);
        if (rc == 0 && ev->u.mount.fstype[0] != '\0')
            rc = kv_str(sb, &f, "fstype", ev->u.mount.fstype);
        if (rc == 0)
            rc = kv_u64(sb, &f, "flags", ev->u.mount.flags);
        break;
    case RT_CLASS_MODULE:
        rc = strbuf_adds(sb, ",\"module\":{");
        if (rc == 0)
            rc = kv_str(sb, &f, "name", ev->u.module.name);
        if (rc == 0 && ev->path[0] != '\0')
            rc = kv_str(sb, &f, "path", ev->path);
        break;
    case RT_CLASS_BPF:
        rc = strbuf_adds(sb, ",\"bpf\":{");
        if (rc == 0)
            rc = kv_i64(sb, &f, "cmd", ev->u.bpf.cmd);
        if (rc == 0)
            rc = kv_i64(sb, &f, "prog_type", ev->u.bpf.prog_type);
        if (rc == 0 && ev->u.bpf.prog_name[0] != '\0')
            rc = kv_str(sb, &f, "prog_name", ev->u.bpf.prog_name);
        break;
    case RT_CLASS_ACTION:
        rc = strbuf_adds(sb, ",\"action\":{");
        if (rc == 0 && ev->u.action.kind != RT_ACT_NONE)
            rc =
                kv_str(sb, &f, "kind", rt_action_kind_name((enum rt_action_kind)ev->u.action.kind));
        if (rc == 0)
            rc = kv_str(sb, &f, "result",
                        rt_action_result_name((enum rt_action_result)ev->u.action.result));
        if (rc == 0 && ev->u.action.target_pid != 0)
            rc = kv_u64(sb, &f, "target_pid", ev->u.action.target_pid);
        if (rc == 0)
            rc = kv_str(sb, &f, "rule", ev->u.action.rule);
        if (rc == 0 && ev->u.action.detail[0] != '\0')
            rc = kv_str(sb, &f, "detail", ev->u.action.detail);
        break;
    case RT_CLASS_DROP:
        rc = strbuf_adds(sb, ",\"drop\":{");
        if (rc == 0)
            rc = kv_u64(sb, &f, "lost", ev->u.drop.lost);
        if (rc == 0)
            rc = kv_str(sb, &f, "source", ev->u.drop.source);
        break;
    case RT_CLASS_NONE:
        return 0;
    }
    return rc != 0 ? rc : strbuf_addch(sb, '}');
}

int rt_event_to_json(const struct rt_event *ev, struct strbuf *out)
{
    int f = 1;
    char dir[2] = {ev->dir == '>' ? '>' : '<', '\0'};
    int rc = strbuf_addch(out, '{');
    if (rc == 0)
        rc = kv_u64(out, &f, "v", RT_JSON_VERSION);
    if (rc == 0)
        rc = kv_u64(out, &f, "time", ev->ts_ns);
    if (rc == 0 && ev->seq != 0)
        rc = kv_u64(out, &f, "seq", ev->seq);
    if (rc == 0)
        rc = kv_str(out, &f, "type", rt_event_type_name((enum rt_event_type)ev->type));
    if (rc == 0)
        rc = kv_str(out, &f, "dir", dir);
    if (rc == 0)
        rc = kv_i64(out, &f, "res", ev->res);
    if (rc == 0 && ev->truncated != 0) {
        static const char *const names[] = {"exe", "args", "path", "path2", "cwd", "other"};
        int n = 0;
        rc = key(out, &f, "truncated");
        if (rc == 0)
            rc = strbuf_addch(out, '[');
        for (unsigned b = 0; rc == 0 && b < 6; b++)
            if (ev->truncated & (1u << b)) {
                if (n++ > 0)
                    rc = strbuf_addch(out, ',');
                if (rc == 0)
                    rc = add_json_str(out, names[b]);
            }
        if (rc == 0)
            rc = strbuf_addch(out, ']');
    }
    if (rc == 0)
        rc = key(out, &f, "proc");
    if (rc == 0)
        rc = add_proc(out, ev);
    if (rc == 0) {
        int nf = 1;
        rc = strbuf_adds(out, ",\"ns\":{");
        if (rc == 0)
            rc = kv_u64(out, &nf, "cgroup_id", ev->cgroup_id);
        if (rc == 0)
            rc = kv_u64(out, &nf, "mnt", ev->mnt_ns);
        if (rc == 0)
            rc = kv_u64(out, &nf, "pid", ev->pid_ns);
        if (rc == 0 && ev->net_ns != 0)
            rc = kv_u64(out, &nf, "net", ev->net_ns);
        if (rc == 0)
            rc = strbuf_addch(out, '}');
    }
    if (rc == 0) {
        int cf = 1;
        rc = strbuf_adds(out, ",\"container\":{");
        if (rc == 0)
            rc = kv_str(out, &cf, "id", ev->container_id);
        if (rc == 0 && ev->container_name[0] != '\0')
            rc = kv_str(out, &cf, "name", ev->container_name);
        if (rc == 0 && ev->container_image[0] != '\0')
            rc = kv_str(out, &cf, "image", ev->container_image);
        if (rc == 0 && ev->container_type[0] != '\0')
            rc = kv_str(out, &cf, "type", ev->container_type);
        if (rc == 0)
            rc = strbuf_addch(out, '}');
    }
    if (rc == 0)
        rc = add_payload(out, ev);
    return rc != 0 ? rc : strbuf_addch(out, '}');
}
