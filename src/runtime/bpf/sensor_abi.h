/* The records the eBPF sensor (sensor.bpf.c) writes into its ring buffer, shared with the
 * userspace decoder (src/runtime/sensor_decode.c). Fixed-width fields only: the same header
 * is compiled by clang for the BPF target (types from vmlinux.h) and by the C17 loader (types
 * from <linux/types.h>). Every record starts with struct kev_hdr; its type selects the body.
 * Strings are NUL-terminated when they fit; a string that filled its buffer was cut. */
#ifndef STRATA_SENSOR_ABI_H
#define STRATA_SENSOR_ABI_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define KEV_COMM_LEN 16
#define KEV_PATH_LEN 256  /* bytes of a path read from the kernel or user memory */
#define KEV_ARGS_LEN 1024 /* bytes of argv (NUL-separated) read at exec */
#define KEV_NAME_LEN 64
#define KEV_UNIX_LEN 108 /* sizeof(sockaddr_un.sun_path) */

enum kev_type {
    KEV_NONE = 0,
    KEV_EXEC,
    KEV_EXIT,
    KEV_FORK,
    KEV_OPEN,
    KEV_RENAME,
    KEV_UNLINK,
    KEV_CONNECT,
    KEV_ACCEPT,
    KEV_BIND,
    KEV_SETID, /* setuid family */
    KEV_CAPSET,
    KEV_PTRACE,
    KEV_MOUNT,
    KEV_UMOUNT,
    KEV_MODULE, /* init_module / finit_module */
    KEV_BPF,    /* bpf(BPF_PROG_LOAD) */
    KEV_MEMFD,  /* memfd_create */
    KEV_DUP,    /* dup2/dup3 of a socket onto stdin/stdout/stderr */
    KEV_TYPE_MAX
};

/* Bits of the watched-path trie values (map watch_paths): which opens of paths below a prefix
 * reach userspace. The longest matching prefix decides. */
#define WATCH_READ 1u  /* read-only opens */
#define WATCH_WRITE 2u /* opens with O_WRONLY/O_RDWR/O_CREAT/O_TRUNC */
#define WATCH_TREE 4u  /* rename/unlink below it */

/* KEV_EXEC flags */
#define KEXEC_FILELESS 1u    /* the executed file has no link left (memfd, deleted file) */
#define KEXEC_UPPER_LAYER 2u /* the executed file is in an overlayfs upper layer */
#define KEXEC_ARGS_CUT 4u    /* argv longer than KEV_ARGS_LEN */

struct kev_hdr {
    __u64 ts_ns;     /* CLOCK_BOOTTIME */
    __u64 cgroup_id; /* cgroup v2 id (inode of the cgroup directory) */
    __u64 start_ns;  /* leader start, CLOCK_BOOTTIME ns (/proc/PID/stat field 22 in ticks) */
    __s64 ret;       /* syscall result (fd, 0, -errno); exit code for KEV_EXIT */
    __u32 type;      /* enum kev_type */
    __u32 size;      /* bytes of the whole record */
    __u32 pid;       /* thread id */
    __u32 tgid;      /* process id */
    __u32 ppid;      /* real parent's tgid */
    __u32 vpid;      /* tgid as seen in its own pid namespace */
    __u32 uid, euid, gid, egid, loginuid;
    __u32 mntns, pidns, netns; /* namespace inode numbers */
    __u32 nr;                  /* syscall number (syscall events), 0 otherwise */
    char comm[KEV_COMM_LEN];
};

struct kev_exec {
    struct kev_hdr h;
    __u64 cap_eff, cap_prm;
    __u32 flags;
    __u32 args_len; /* bytes used in args */
    __u32 tty_nr;   /* controlling terminal as /proc/PID/stat's tty_nr, 0 = none */
    char
        fd_type[4]; /* Falco typechars of fds 0, 1, 2 ('f', 'p', '4', 'u', 'y', ...; 0 = unknown) */
    char filename[KEV_PATH_LEN];
    char args[KEV_ARGS_LEN];
};

struct kev_fork {
    struct kev_hdr h; /* the parent */
    __u32 child_tgid;
    __u32 pad;
};

struct kev_open {
    struct kev_hdr h;
    __s32 dfd;
    __u32 flags;
    __u32 mode;
    __u32 watch; /* the WATCH_* bits of the matching prefix */
    char path[KEV_PATH_LEN];
};

struct kev_rename {
    struct kev_hdr h;
    __s32 olddfd, newdfd;
    char oldpath[KEV_PATH_LEN];
    char newpath[KEV_PATH_LEN];
};

struct kev_unlink {
    struct kev_hdr h;
    __s32 dfd;
    __u32 flags; /* AT_REMOVEDIR for rmdir */
    char path[KEV_PATH_LEN];
};

struct kev_sock {
    struct kev_hdr h;
    __s32 fd;
    __u16 family;    /* AF_INET, AF_INET6, AF_UNIX */
    __u16 proto;     /* IPPROTO_TCP, IPPROTO_UDP, ... */
    __u16 sock_type; /* SOCK_STREAM, SOCK_DGRAM, SOCK_RAW */
    __u16 pad;
    __u16 sport, dport;        /* host byte order */
    __u8 saddr[16], daddr[16]; /* IPv4 in the first 4 bytes */
    char unix_path[KEV_UNIX_LEN];
};

struct kev_setid {
    struct kev_hdr h; /* uid/euid/... are the values after the call */
    __u32 suid, fsuid, sgid, fsgid;
    __s64 args[3];
};

struct kev_capset {
    struct kev_hdr h;
    __u64 cap_eff, cap_prm; /* after the call */
};

struct kev_ptrace {
    struct kev_hdr h;
    __s64 request;
    __u32 target; /* pid argument */
    __u32 pad;
};

struct kev_mount {
    struct kev_hdr h;
    __u64 flags;
    char source[KEV_PATH_LEN];
    char target[KEV_PATH_LEN];
    char fstype[KEV_NAME_LEN];
};

struct kev_module {
    struct kev_hdr h;
    __s32 fd; /* finit_module; -1 for init_module */
    __u32 flags;
    char name[KEV_NAME_LEN]; /* file name of the module (finit_module) */
};

struct kev_bpf {
    struct kev_hdr h;
    __u32 cmd;
    __u32 prog_type;
    char prog_name[KEV_COMM_LEN];
};

struct kev_memfd {
    struct kev_hdr h;
    __u32 flags;
    __u32 pad;
    char name[KEV_NAME_LEN];
};

struct kev_dup {
    struct kev_hdr h;
    __s32 oldfd, newfd;
    char typechar; /* of the socket now on newfd ('4', '6', 'u', 'n') */
    char pad[7];
};

#endif
