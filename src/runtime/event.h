/* The runtime event model (docs/runtime-events.md): what the eBPF sensor reports, what the
 * rules engine evaluates, what `--record` writes and `--replay` reads.
 *
 * One struct rt_event holds any event. It has no pointers: every string is a bounded,
 * NUL-terminated char array (bounds below), so an event can be filled in place from a ring
 * buffer record, copied with memcpy, kept in a queue and evaluated without any allocation.
 * A string longer than its array is cut and the event's `truncated` bit for that string is
 * set (RT_TRUNC_*); rules see the cut string.
 *
 * Naming: `pid` is the process id as user space sees it (the kernel's tgid, the upper half of
 * bpf_get_current_pid_tgid()); `tid` is the thread (the kernel's task pid, the lower half).
 * Falco's proc.pid is `pid`, thread.tid is `tid`.
 *
 * evt.type is the syscall-level name Falco uses (execve, openat, connect, …) so Falco rules'
 * `evt.type in (open, openat, openat2)` work unchanged; each type belongs to one class
 * (enum rt_event_class) that says which payload member of `u` is valid. */
#ifndef STRATA_RUNTIME_EVENT_H
#define STRATA_RUNTIME_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "strata/error.h"

/* ---- bounds (bytes including the terminating NUL) ---- */
#define RT_COMM_MAX 16         /* TASK_COMM_LEN: comm of the process and its ancestors */
#define RT_PATH_MAX 512        /* exe, cwd, file paths, mount source/target */
#define RT_ARGS_MAX 1024       /* argv, NUL-separated, argv[0] first */
#define RT_MAX_ANCESTORS 8     /* proc.aname[1..8]: parent, grandparent, … */
#define RT_USER_MAX 32         /* user.name */
#define RT_CONTAINER_ID_MAX 65 /* 64 hex digits (full id) or "host" */
#define RT_CONTAINER_NAME_MAX 128
#define RT_IMAGE_MAX 256         /* image reference as the runtime names it */
#define RT_CONTAINER_TYPE_MAX 16 /* docker, containerd, cri-o, podman, host */
#define RT_NAME_MAX 64           /* module name, fstype, bpf prog name, drop source */
#define RT_RULE_NAME_MAX 128     /* rule name carried by an action event */
#define RT_DETAIL_MAX 256        /* action event's detail message */

/* evt.type values. Names (rt_event_type_name) are the strings rules compare with. */
enum rt_event_type {
    RT_EV_NONE = 0,
    /* process */
    RT_EV_EXECVE,   /* "execve" */
    RT_EV_EXECVEAT, /* "execveat" (an anonymous file: proc flags RT_PROC_EXE_FROM_MEMFD) */
    RT_EV_PROCEXIT, /* "procexit" (Falco's name for process exit) */
    /* file */
    RT_EV_OPEN,         /* "open" */
    RT_EV_OPENAT,       /* "openat" */
    RT_EV_OPENAT2,      /* "openat2" */
    RT_EV_CREAT,        /* "creat" */
    RT_EV_RENAME,       /* "rename" */
    RT_EV_RENAMEAT,     /* "renameat" */
    RT_EV_RENAMEAT2,    /* "renameat2" */
    RT_EV_UNLINK,       /* "unlink" */
    RT_EV_UNLINKAT,     /* "unlinkat" */
    RT_EV_MEMFD_CREATE, /* "memfd_create" (name in path) */
    /* network */
    RT_EV_CONNECT, /* "connect" */
    RT_EV_ACCEPT,  /* "accept" */
    RT_EV_ACCEPT4, /* "accept4" */
    RT_EV_BIND,    /* "bind" */
    /* credentials */
    RT_EV_SETUID,       /* "setuid" */
    RT_EV_SETREUID,     /* "setreuid" */
    RT_EV_SETRESUID,    /* "setresuid" */
    RT_EV_SETFSUID,     /* "setfsuid" */
    RT_EV_SETGID,       /* "setgid" */
    RT_EV_SETREGID,     /* "setregid" */
    RT_EV_SETRESGID,    /* "setresgid" */
    RT_EV_SETFSGID,     /* "setfsgid" */
    RT_EV_CAPSET,       /* "capset" */
    RT_EV_COMMIT_CREDS, /* "commit_creds": a credential change seen in the kernel, any cause */
    /* ptrace */
    RT_EV_PTRACE, /* "ptrace" */
    /* system */
    RT_EV_MOUNT,        /* "mount" */
    RT_EV_UMOUNT2,      /* "umount2" */
    RT_EV_INIT_MODULE,  /* "init_module" */
    RT_EV_FINIT_MODULE, /* "finit_module" */
    RT_EV_BPF,          /* "bpf" (program load; u.bpf) */
    /* strata's own */
    RT_EV_ACTION, /* "action": a response was taken (or not): u.action */
    RT_EV_DROP,   /* "drop": events were lost: u.drop */
    RT_EV_TYPE_COUNT
};

enum rt_event_class {
    RT_CLASS_NONE = 0,
    RT_CLASS_PROCESS, /* execve, execveat, procexit: u.exit for procexit */
    RT_CLASS_FILE,    /* open family, rename family, unlink family, memfd_create: u.file */
    RT_CLASS_NET,     /* connect, accept, accept4, bind: u.net */
    RT_CLASS_CRED,    /* setuid family, setgid family, capset, commit_creds: u.cred */
    RT_CLASS_PTRACE,  /* u.ptrace */
    RT_CLASS_MOUNT,   /* mount, umount2: u.mount (target in path, source in path2) */
    RT_CLASS_MODULE,  /* init_module, finit_module: u.module (file in path when known) */
    RT_CLASS_BPF,     /* u.bpf */
    RT_CLASS_ACTION,  /* u.action */
    RT_CLASS_DROP,    /* u.drop */
};

/* Falco's fd.typechar letters, used for the type of fds 0/1/2 of the process
 * (proc.stdin_type, …) and of the event's own fd (fd.typechar). 0 = unknown. */
enum rt_fd_type {
    RT_FD_UNKNOWN = 0,
    RT_FD_FILE = 'f',
    RT_FD_DIRECTORY = 'd',
    RT_FD_IPV4 = '4',
    RT_FD_IPV6 = '6',
    RT_FD_UNIX = 'u',
    RT_FD_PIPE = 'p',
    RT_FD_EVENT = 'e',
    RT_FD_SIGNALFD = 's',
    RT_FD_EVENTPOLL = 'l',
    RT_FD_INOTIFY = 'i',
    RT_FD_TIMERFD = 't',
    RT_FD_NETLINK = 'n',
    RT_FD_MEMFD = 'm',
    RT_FD_BPF = 'b',
    RT_FD_TTY = 'y', /* strata: a character device that is a terminal (not a Falco letter) */
};

/* proc_flags bits (filled by the sensor). */
#define RT_PROC_EXE_UPPER_LAYER                                                                    \
    0x1u                            /* exe is in the container's overlayfs upper layer: written    \
                                       after the container started (container drift) */
#define RT_PROC_EXE_FROM_MEMFD 0x2u /* exe is an anonymous file (memfd, deleted, O_TMPFILE) */
#define RT_PROC_EXE_WRITABLE 0x4u   /* exe is writable by the process's user */

/* truncated bits: which strings were cut to fit. */
#define RT_TRUNC_EXE 0x1u
#define RT_TRUNC_ARGS 0x2u
#define RT_TRUNC_PATH 0x4u
#define RT_TRUNC_PATH2 0x8u
#define RT_TRUNC_CWD 0x10u
#define RT_TRUNC_OTHER 0x20u /* any other string (container name, image, detail, …) */

/* Network: l4 protocols (fd.l4proto: "tcp", "udp", "icmp", "raw"). */
enum rt_l4proto { RT_L4_UNKNOWN = 0, RT_L4_TCP, RT_L4_UDP, RT_L4_ICMP, RT_L4_RAW };
/* Address families, Linux values. */
#define RT_AF_UNIX 1
#define RT_AF_INET 2
#define RT_AF_INET6 10

struct rt_ancestor {
    uint32_t pid;
    char name[RT_COMM_MAX];
};

/* Credentials (a cred event carries the old and the new set). */
struct rt_cred {
    uint32_t uid, euid, suid, fsuid;
    uint32_t gid, egid, sgid, fsgid;
    uint64_t cap_effective, cap_permitted, cap_inheritable; /* CAP_* bit masks */
};

enum rt_action_kind { RT_ACT_NONE = 0, RT_ACT_KILL, RT_ACT_FREEZE, RT_ACT_ISOLATE, RT_ACT_RELEASE };
enum rt_action_result {
    RT_ACT_DONE = 0,     /* "done" */
    RT_ACT_FAILED,       /* "failed" (detail says why) */
    RT_ACT_DRY_RUN,      /* "dry-run": would have been done */
    RT_ACT_RATE_LIMITED, /* "rate-limited": skipped by the rate limit */
};

struct rt_event {
    /* ---- event ---- */
    uint64_t ts_ns;    /* evt.time: wall clock, ns since the epoch */
    uint64_t seq;      /* evt.num: sequence number from the sensor (0 = unknown) */
    uint16_t type;     /* enum rt_event_type */
    char dir;          /* evt.dir: '<' (syscall exit, the default) or '>' (entry) */
    uint8_t truncated; /* RT_TRUNC_* */
    int64_t res;       /* evt.rawres: return value (negative errno on failure), 0 if n/a */

    /* ---- process ---- */
    uint32_t pid, tid, ppid; /* see the naming note above */
    uint32_t vpid;           /* pid inside the process's pid namespace (0 = unknown) */
    uint32_t loginuid;       /* user.loginuid (audit uid); UINT32_MAX = unset */
    struct rt_cred cred;     /* the process's credentials when the event happened */
    uint32_t tty;            /* proc.tty: controlling terminal device number, 0 = none */
    uint32_t proc_flags;     /* RT_PROC_* */
    char stdin_type, stdout_type, stderr_type; /* enum rt_fd_type of fds 0, 1, 2 */
    uint8_t nanc;                              /* ancestors filled in anc[] */
    uint16_t argc;                             /* strings in args */
    uint16_t args_len;                         /* bytes used in args, including each string's NUL */
    char comm[RT_COMM_MAX];                    /* proc.name */
    char exe[RT_PATH_MAX];                     /* proc.exe: the executable's path */
    char cwd[RT_PATH_MAX];                     /* proc.cwd ("" = unknown) */
    char args[RT_ARGS_MAX];                    /* argv[0] NUL argv[1] NUL …; argc strings */
    char user_name[RT_USER_MAX];              /* user.name ("" = unknown; the sensor resolves it) */
    struct rt_ancestor anc[RT_MAX_ANCESTORS]; /* anc[0] is the parent (proc.aname[1]) */

    /* ---- namespaces and container ---- */
    uint64_t cgroup_id;                         /* cgroup v2 id of the process */
    uint64_t mnt_ns;                            /* mount namespace inode number */
    uint64_t pid_ns;                            /* pid namespace inode number */
    uint64_t net_ns;                            /* network namespace inode number (0 = unknown) */
    char container_id[RT_CONTAINER_ID_MAX];     /* full id, or "host" */
    char container_name[RT_CONTAINER_NAME_MAX]; /* "" = unknown */
    char container_image[RT_IMAGE_MAX];         /* "" = unknown */
    char container_type[RT_CONTAINER_TYPE_MAX]; /* docker, containerd, cri-o, podman, host */

    /* ---- paths the event acts on (class decides the meaning) ----
     * file open/unlink: path; rename: path = old, path2 = new; memfd_create: path = the
     * memfd name; mount: path = target, path2 = source; module: path = file (finit_module);
     * net over AF_UNIX: path = socket path. */
    char path[RT_PATH_MAX];
    char path2[RT_PATH_MAX];

    /* ---- the class's payload ---- */
    union {
        struct {
            int32_t code;   /* exit status */
            int32_t signal; /* terminating signal, 0 if exited */
        } exit;
        struct {
            uint32_t flags; /* open(2) O_* flags (Linux values); unlinkat: AT_REMOVEDIR;
                               renameat2: RENAME_*; memfd_create: MFD_* */
            uint32_t mode;  /* creation mode */
            int32_t fd;     /* the fd the event returned or acted on, -1 = none */
        } file;
        struct {
            uint8_t family;               /* RT_AF_* */
            uint8_t l4proto;              /* enum rt_l4proto */
            uint16_t lport, rport;        /* local and remote port, host byte order */
            uint8_t laddr[16], raddr[16]; /* IPv4: first 4 bytes, network order */
            int32_t fd;
        } net;
        struct {
            struct rt_cred old_cred, new_cred;
        } cred;
        struct {
            int64_t request;     /* PTRACE_* */
            uint32_t target_pid; /* the traced process */
        } ptrace;
        struct {
            uint64_t flags;           /* MS_* */
            char fstype[RT_NAME_MAX]; /* evt.arg.type */
        } mount;
        struct {
            char name[RT_NAME_MAX]; /* module name */
        } module;
        struct {
            int32_t cmd;       /* BPF_* command (5 = BPF_PROG_LOAD) */
            int32_t prog_type; /* BPF_PROG_TYPE_* */
            char prog_name[RT_NAME_MAX];
        } bpf;
        struct {
            uint8_t kind;                /* enum rt_action_kind */
            uint8_t result;              /* enum rt_action_result */
            uint32_t target_pid;         /* kill: the process; 0 for container actions */
            char rule[RT_RULE_NAME_MAX]; /* the rule that asked for it */
            char detail[RT_DETAIL_MAX];  /* what happened ("cgroup.freeze=1 on …", errno) */
        } action;
        struct {
            uint64_t lost;            /* events lost since the previous drop event */
            char source[RT_NAME_MAX]; /* "ringbuf", "webhook", "syslog", … */
        } drop;
    } u;
};

/* ---- types ---- */
const char *rt_event_type_name(enum rt_event_type t); /* "" for RT_EV_NONE / out of range */
/* RT_EV_NONE when name (n bytes) is not a type. */
enum rt_event_type rt_event_type_from_name(const char *name, size_t n);
enum rt_event_class rt_event_type_class(enum rt_event_type t);
/* "process", "file", "net", "cred", "ptrace", "mount", "module", "bpf", "action", "drop". */
const char *rt_event_class_name(enum rt_event_class c);
const char *rt_action_kind_name(enum rt_action_kind k); /* "kill", …, "" for none */
const char *rt_action_result_name(enum rt_action_result r);
const char *rt_l4proto_name(enum rt_l4proto p); /* "tcp", "udp", "icmp", "raw", "" */
/* Falco's fd.type words for a typechar: "file", "directory", "ipv4", "ipv6", "unix", "pipe",
 * "event", "signalfd", "eventpoll", "inotify", "timerfd", "netlink", "memfd", "bpf", "tty";
 * "" for unknown. */
const char *rt_fd_type_name(char typechar);
char rt_fd_type_from_name(const char *name, size_t n); /* 0 when unknown */

/* ---- filling ---- */
/* Zeroes ev and sets the defaults: dir '<', container "host"/"host", loginuid UINT32_MAX,
 * fds -1. */
void rt_event_init(struct rt_event *ev);
/* Copies s (n bytes) into dst[cap] NUL-terminated; cuts it when it does not fit and then
 * returns 1 (the caller sets the RT_TRUNC_* bit), else 0. A NUL inside s ends it. */
int rt_copy_str(char *dst, size_t cap, const char *s, size_t n);
/* Sets args from argv[0..argc): returns 1 when they were cut (RT_TRUNC_ARGS is set). */
int rt_event_set_args(struct rt_event *ev, const char *const *argv, size_t argc);
/* Iterates args: *pos starts at 0; returns the next argument (NUL-terminated) or NULL. */
const char *rt_event_next_arg(const struct rt_event *ev, size_t *pos);

/* ---- flag and capability words (shared by the JSON format and the rules' fields) ---- */
#define RT_CAP_LAST 40 /* CAP_CHECKPOINT_RESTORE */
/* "CAP_CHOWN" … for bits 0..RT_CAP_LAST, NULL otherwise. */
const char *rt_cap_name(unsigned bit);
/* The bit of a capability name (with or without "CAP_", any case), or -1. */
int rt_cap_from_name(const char *name, size_t n);
/* Writes the names of the set bits of caps, space-separated, into buf[cap] (cut if needed;
 * bits above RT_CAP_LAST as "CAP_N"). Returns the length written. */
size_t rt_caps_str(uint64_t caps, char *buf, size_t cap);
/* Writes open(2) flags as Falco and strace show them, "O_WRONLY|O_CREAT|O_TRUNC" (access
 * mode first; unknown bits as one hex number), into buf[cap]. Returns the length. */
size_t rt_open_flags_str(uint32_t flags, char *buf, size_t cap);
/* Parses "O_RDONLY|O_CREAT|0x…" (names as rt_open_flags_str writes them). 0 or -1. */
int rt_open_flags_parse(const char *s, size_t n, uint32_t *out);
/* PTRACE_* request names ("PTRACE_ATTACH"); NULL when unnamed. */
const char *rt_ptrace_request_name(int64_t req);
int rt_ptrace_request_from_name(const char *s, size_t n, int64_t *out); /* 0 or -1 */

/* ---- recording format: JSON lines (docs/runtime-events.md) ---- */
#define RT_JSON_VERSION 1
#define RT_JSON_LINE_MAX (64u * 1024u) /* a recording line longer than this is refused */

/* Appends ev as one JSON object (no newline) to out. Bytes that are not valid UTF-8 are
 * written as U+FFFD. Returns 0 or STRATA_ENOMEM. */
int rt_event_to_json(const struct rt_event *ev, struct strbuf *out);
/* Appends s (n bytes) as a JSON string, quotes included; invalid UTF-8 as U+FFFD. */
int rt_json_add_string(struct strbuf *out, const char *s, size_t n);
/* Parses one recording line (len bytes, no newline needed) into ev. Unknown keys, wrong
 * types and out-of-range numbers are errors: STRATA_EFORMAT "FILE:LINE:COL: …" (COL for JSON
 * syntax errors, else the key path is named), STRATA_ELIMIT for a line over
 * RT_JSON_LINE_MAX, STRATA_ENOMEM. Strings longer than their array are cut (truncated bits),
 * not refused. */
int rt_event_from_json(const char *line, size_t len, const char *file, size_t lineno,
                       struct rt_event *ev, struct strata_error *err);

#endif
