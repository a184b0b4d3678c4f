/* The runtime event model: type names, defaults, bounded copies, flag and capability words
 * (docs/runtime-events.md). */
#include "runtime/event.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    enum rt_event_class cls;
} type_table[RT_EV_TYPE_COUNT] = {
    [RT_EV_NONE] = {"", RT_CLASS_NONE},
    [RT_EV_EXECVE] = {"execve", RT_CLASS_PROCESS},
    [RT_EV_EXECVEAT] = {"execveat", RT_CLASS_PROCESS},
    [RT_EV_PROCEXIT] = {"procexit", RT_CLASS_PROCESS},
    [RT_EV_OPEN] = {"open", RT_CLASS_FILE},
    [RT_EV_OPENAT] = {"openat", RT_CLASS_FILE},
    [RT_EV_OPENAT2] = {"openat2", RT_CLASS_FILE},
    [RT_EV_CREAT] = {"creat", RT_CLASS_FILE},
    [RT_EV_RENAME] = {"rename", RT_CLASS_FILE},
    [RT_EV_RENAMEAT] = {"renameat", RT_CLASS_FILE},
    [RT_EV_RENAMEAT2] = {"renameat2", RT_CLASS_FILE},
    [RT_EV_UNLINK] = {"unlink", RT_CLASS_FILE},
    [RT_EV_UNLINKAT] = {"unlinkat", RT_CLASS_FILE},
    [RT_EV_MEMFD_CREATE] = {"memfd_create", RT_CLASS_FILE},
    [RT_EV_CONNECT] = {"connect", RT_CLASS_NET},
    [RT_EV_ACCEPT] = {"accept", RT_CLASS_NET},
    [RT_EV_ACCEPT4] = {"accept4", RT_CLASS_NET},
    [RT_EV_BIND] = {"bind", RT_CLASS_NET},
    [RT_EV_SETUID] = {"setuid", RT_CLASS_CRED},
    [RT_EV_SETREUID] = {"setreuid", RT_CLASS_CRED},
    [RT_EV_SETRESUID] = {"setresuid", RT_CLASS_CRED},
    [RT_EV_SETFSUID] = {"setfsuid", RT_CLASS_CRED},
    [RT_EV_SETGID] = {"setgid", RT_CLASS_CRED},
    [RT_EV_SETREGID] = {"setregid", RT_CLASS_CRED},
    [RT_EV_SETRESGID] = {"setresgid", RT_CLASS_CRED},
    [RT_EV_SETFSGID] = {"setfsgid", RT_CLASS_CRED},
    [RT_EV_CAPSET] = {"capset", RT_CLASS_CRED},
    [RT_EV_COMMIT_CREDS] = {"commit_creds", RT_CLASS_CRED},
    [RT_EV_PTRACE] = {"ptrace", RT_CLASS_PTRACE},
    [RT_EV_MOUNT] = {"mount", RT_CLASS_MOUNT},
    [RT_EV_UMOUNT2] = {"umount2", RT_CLASS_MOUNT},
    [RT_EV_INIT_MODULE] = {"init_module", RT_CLASS_MODULE},
    [RT_EV_FINIT_MODULE] = {"finit_module", RT_CLASS_MODULE},
    [RT_EV_BPF] = {"bpf", RT_CLASS_BPF},
    [RT_EV_ACTION] = {"action", RT_CLASS_ACTION},
    [RT_EV_DROP] = {"drop", RT_CLASS_DROP},
};

const char *rt_event_type_name(enum rt_event_type t)
{
    if ((unsigned)t >= RT_EV_TYPE_COUNT)
        return "";
    return type_table[t].name;
}

enum rt_event_type rt_event_type_from_name(const char *name, size_t n)
{
    for (unsigned t = 1; t < RT_EV_TYPE_COUNT; t++)
        if (strlen(type_table[t].name) == n && memcmp(type_table[t].name, name, n) == 0)
            return (enum rt_event_type)t;
    return RT_EV_NONE;
}

enum rt_event_class rt_event_type_class(enum rt_event_type t)
{
    if ((unsigned)t >= RT_EV_TYPE_COUNT)
        return RT_CLASS_NONE;
    return type_table[t].cls;
}

const char *rt_event_class_name(enum rt_event_class c)
{
    static const char *const names[] = {
        [RT_CLASS_NONE] = "",         [RT_CLASS_PROCESS] = "process", [RT_CLASS_FILE] = "file",
        [RT_CLASS_NET] = "net",       [RT_CLASS_CRED] = "cred",       [RT_CLASS_PTRACE] = "ptrace",
        [RT_CLASS_MOUNT] = "mount",   [RT_CLASS_MODULE] = "module",   [RT_CLASS_BPF] = "bpf",
        [RT_CLASS_ACTION] = "action", [RT_CLASS_DROP] = "drop",
    };
    if ((unsigned)c >= sizeof names / sizeof names[0])
        return "";
    return names[c];
}

const char *rt_action_kind_name(enum rt_action_kind k)
{
    static const char *const names[] = {"", "kill", "freeze", "isolate", "release"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "";
}

const char *rt_action_result_name(enum rt_action_result r)
{
    static const char *const names[] = {"done", "failed", "dry-run", "rate-limited"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "";
}

const char *rt_l4proto_name(enum rt_l4proto p)
{
    static const char *const names[] = {"", "tcp", "udp", "icmp", "raw"};
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "";
}

static const struct {
    char c;
    const char *name;
} fd_types[] = {
    {RT_FD_FILE, "file"},
    {RT_FD_DIRECTORY, "directory"},
    {RT_FD_IPV4, "ipv4"},
    {RT_FD_IPV6, "ipv6"},
    {RT_FD_UNIX, "unix"},
    {RT_FD_PIPE, "pipe"},
    {RT_FD_EVENT, "event"},
    {RT_FD_SIGNALFD, "signalfd"},
    {RT_FD_EVENTPOLL, "eventpoll"},
    {RT_FD_INOTIFY, "inotify"},
    {RT_FD_TIMERFD, "timerfd"},
    {RT_FD_NETLINK, "netlink"},
    {RT_FD_MEMFD, "memfd"},
    {RT_FD_BPF, "bpf"},
    {RT_FD_TTY, "tty"},
};

const char *rt_fd_type_name(char typechar)
{
    for (size_t i = 0; i < sizeof fd_types / sizeof fd_types[0]; i++)
        if (fd_types[i].c == typechar)
            return fd_types[i].name;
    return "";
}

char rt_fd_type_from_name(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof fd_types / sizeof fd_types[0]; i++)
        if (strlen(fd_types[i].name) == n && memcmp(fd_types[i].name, name, n) == 0)
            return fd_types[i].c;
    return 0;
}

void rt_event_init(struct rt_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->dir = '<';
    ev->loginuid = UINT32_MAX;
    memcpy(ev->container_id, "host", 5);
    memcpy(ev->container_type, "host", 5);
}

int rt_copy_str(char *dst, size_t cap, const char *s, size_t n)
{
    const char *nul = memchr(s, '\0', n);
    if (nul != NULL)
        n = (size_t)(nul - s);
    int cut = 0;
    if (n >= cap) {
        n = cap - 1;
        cut = 1;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
    return cut;
}

int rt_event_set_args(struct rt_event *ev, const char *const *argv, size_t argc)
{
    size_t used = 0, count = 0;
    int cut = 0;
    for (size_t i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (used + n + 1 > RT_ARGS_MAX) {
            /* keep what fits of this argument when anything fits, then stop */
            if (used + 1 < RT_ARGS_MAX) {
                n = RT_ARGS_MAX - used - 1;
                memcpy(ev->args + used, argv[i], n);
                ev->args[used + n] = '\0';
                used += n + 1;
                count++;
            }
            cut = 1;
            break;
        }
        memcpy(ev->args + used, argv[i], n + 1);
        used += n + 1;
        count++;
    }
    ev->args_len = (uint16_t)used;
    ev->argc = (uint16_t)count;
    if (cut)
        ev->truncated |= RT_TRUNC_ARGS;
    return cut;
}

const char *rt_event_next_arg(const struct rt_event *ev, size_t *pos)
{
    size_t len = ev->args_len <= RT_ARGS_MAX ? ev->args_len : RT_ARGS_MAX;
    if (*pos >= len)
        return NULL;
    const char *s = ev->args + *pos;
    const char *nul = memchr(s, '\0', len - *pos);
    if (nul == NULL) /* a sensor left the last string unterminated: stop there */
        return NULL;
    *pos = (size_t)(nul - ev->args) + 1;
    return s;
}

/* ---- capabilities ---- */

static const char *const cap_names[RT_CAP_LAST + 1] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

const char *rt_cap_name(unsigned bit)
{
    return bit <= RT_CAP_LAST ? cap_names[bit] : NULL;
}

int rt_cap_from_name(const char *name, size_t n)
{
    if (n >= 4 && strncasecmp(name, "CAP_", 4) == 0) {
        name += 4;
        n -= 4;
    }
    for (unsigned b = 0; b <= RT_CAP_LAST; b++) {
        const char *c = cap_names[b] + 4;
        if (strlen(c) == n && strncasecmp(c, name, n) == 0)
            return (int)b;
    }
    return -1;
}

/* Appends s to buf[cap] at *len, keeping a NUL; stops silently when full. */
static void put(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (cap == 0)
        return;
    if (*len + n >= cap)
        n = *len < cap - 1 ? cap - 1 - *len : 0;
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

size_t rt_caps_str(uint64_t caps, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap > 0)
        buf[0] = '\0';
    for (unsigned b = 0; b < 64; b++) {
        if (!(caps & ((uint64_t)1 << b)))
            continue;
        if (len > 0)
            put(buf, cap, &len, " ");
        if (b <= RT_CAP_LAST) {
            put(buf, cap, &len, cap_names[b]);
        } else {
            char tmp[16];
            snprintf(tmp, sizeof tmp, "CAP_%u", b);
            put(buf, cap, &len, tmp);
        }
    }
    return len;
}

/* ---- open flags ---- */

#ifdef __O_LARGEFILE
#define RT_O_LARGEFILE __O_LARGEFILE
#else
#define RT_O_LARGEFILE 0100000
#endif

/* Multi-bit flags (O_SYNC holds O_DSYNC's bit, O_TMPFILE O_DIRECTORY's) come before their
 * parts so the whole word is named once. */
static const struct {
    const char *name;
    uint32_t bits;
} open_flags[] = {
    {"O_SYNC", O_SYNC},           {"O_DSYNC", O_DSYNC},       {"O_TMPFILE", O_TMPFILE},
    {"O_CREAT", O_CREAT},         {"O_EXCL", O_EXCL},         {"O_NOCTTY", O_NOCTTY},
    {"O_TRUNC", O_TRUNC},         {"O_APPEND", O_APPEND},     {"O_NONBLOCK", O_NONBLOCK},
    {"O_ASYNC", O_ASYNC},         {"O_DIRECT", O_DIRECT},     {"O_LARGEFILE", RT_O_LARGEFILE},
    {"O_DIRECTORY", O_DIRECTORY}, {"O_NOFOLLOW", O_NOFOLLOW}, {"O_NOATIME", O_NOATIME},
    {"O_CLOEXEC", O_CLOEXEC},     {"O_PATH", O_PATH},
};

size_t rt_open_flags_str(uint32_t flags, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap > 0)
        buf[0] = '\0';
    static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
    put(buf, cap, &len, acc[flags & O_ACCMODE]);
    uint32_t rest = flags & ~(uint32_t)O_ACCMODE;
    for (size_t i = 0; i < sizeof open_flags / sizeof open_flags[0]; i++) {
        uint32_t b = open_flags[i].bits;
        if (b != 0 && (rest & b) == b) {
            put(buf, cap, &len, "|");
            put(buf, cap, &len, open_flags[i].name);
            rest &= ~b;
        }
    }
    if (rest != 0) {
        char tmp[16];
        snprintf(tmp, sizeof tmp, "|0x%x", (unsigned)rest);
        put(buf, cap, &len, tmp);
    }
    return len;
}

static int parse_hex32(const char *s, size_t n, uint32_t *out)
{
    if (n < 3 || n > 10 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return -1;
    uint32_t v = 0;
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
            return -1;
        v = v * 16 + d;
    }
    *out = v;
    return 0;
}

int rt_open_flags_parse(const char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;
    size_t i = 0;
    if (n == 0)
        return -1;
    while (i <= n) {
        size_t j = i;
        while (j < n && s[j] != '|')
            j++;
        const char *w = s + i;
        size_t wn = j - i;
        while (wn > 0 && (*w == ' ')) {
            w++;
            wn--;
        }
        while (wn > 0 && w[wn - 1] == ' ')
            wn--;
        uint32_t bits;
        int found = 0;
        if (wn == 8 && memcmp(w, "O_RDONLY", 8) == 0) {
            bits = 0;
            found = 1;
        } else if (wn == 8 && memcmp(w, "O_WRONLY", 8) == 0) {
            bits = O_WRONLY;
            found = 1;
        } else if (wn == 6 && memcmp(w, "O_RDWR", 6) == 0) {
            bits = O_RDWR;
            found = 1;
        } else if (wn == 9 && memcmp(w, "O_ACCMODE", 9) == 0) {
            bits = O_ACCMODE;
            found = 1;
        } else if (parse_hex32(w, wn, &bits) == 0) {
            found = 1;
        } else {
            for (size_t k = 0; k < sizeof open_flags / sizeof open_flags[0]; k++)
                if (strlen(open_flags[k].name) == wn && memcmp(open_flags[k].name, w, wn) == 0) {
                    bits = open_flags[k].bits;
                    found = 1;
                    break;
                }
        }
        if (!found)
            return -1;
        v |= bits;
        i = j + 1;
    }
    *out = v;
    return 0;
}

/* ---- ptrace requests ---- */

static const struct {
    int64_t req;
    const char *name;
} ptrace_reqs[] = {
    {0, "PTRACE_TRACEME"},
    {1, "PTRACE_PEEKTEXT"},
    {2, "PTRACE_PEEKDATA"},
    {3, "PTRACE_PEEKUSER"},
    {4, "PTRACE_POKETEXT"},
    {5, "PTRACE_POKEDATA"},
    {6, "PTRACE_POKEUSER"},
    {7, "PTRACE_CONT"},
    {8, "PTRACE_KILL"},
    {9, "PTRACE_SINGLESTEP"},
    {12, "PTRACE_GETREGS"},
    {13, "PTRACE_SETREGS"},
    {16, "PTRACE_ATTACH"},
    {17, "PTRACE_DETACH"},
    {24, "PTRACE_SYSCALL"},
    {0x4200, "PTRACE_SETOPTIONS"},
    {0x4201, "PTRACE_GETEVENTMSG"},
    {0x4202, "PTRACE_GETSIGINFO"},
    {0x4203, "PTRACE_SETSIGINFO"},
    {0x4204, "PTRACE_GETREGSET"},
    {0x4205, "PTRACE_SETREGSET"},
    {0x4206, "PTRACE_SEIZE"},
    {0x4207, "PTRACE_INTERRUPT"},
    {0x4208, "PTRACE_LISTEN"},
};

const char *rt_ptrace_request_name(int64_t req)
{
    for (size_t i = 0; i < sizeof ptrace_reqs / sizeof ptrace_reqs[0]; i++)
        if (ptrace_reqs[i].req == req)
            return ptrace_reqs[i].name;
    return NULL;
}

int rt_ptrace_request_from_name(const char *s, size_t n, int64_t *out)
{
    for (size_t i = 0; i < sizeof ptrace_reqs / sizeof ptrace_reqs[0]; i++)
        if (strlen(ptrace_reqs[i].name) == n && memcmp(ptrace_reqs[i].name, s, n) == 0) {
            *out = ptrace_reqs[i].req;
            return 0;
        }
    return -1;
}
