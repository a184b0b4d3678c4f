// SPDX-License-Identifier: GPL-2.0
/* The eBPF sensor of `strata watch`. Three sets of attach points; the loader picks the first
 * set this kernel accepts (docs/strata-watch.md has the measurements behind the order):
 *   1. "tracepoint": one program per watched syscall on its exit tracepoint
 *      (tracepoint/syscalls/sys_exit_*, needs tracefs), plus tp_btf sched_process_{exec,exit,
 *      fork}. Only the watched syscalls run a program; every other syscall of every process
 *      pays just the kernel's syscall-tracepoint slow path.
 *   2. "tp_btf": BTF-typed raw tracepoints, no tracefs: the sched ones and sys_exit, one
 *      program for every syscall of every process, dispatching on the syscall number.
 *   3. "raw_tp": the same as plain raw tracepoints (probe reads instead of BTF loads).
 * Syscall events are taken at exit because the result is known there and on x86_64 the
 * argument registers saved in pt_regs are still the caller's. fentry/lsm programs would give
 * kernel-resolved paths but are refused (EPERM) on kernels locked down like the one this was
 * built on, which has no kprobes either.
 * Kernel-side filtering: opens reach userspace only when the longest watched prefix of the
 * path (LPM trie filled by userspace) asks for that kind of open; rename/unlink only below
 * WATCH_TREE prefixes; ptrace only for the requests that change another process; dup only
 * when a socket lands on fd 0-2. Records that do not fit in the ring buffer are counted per
 * type in the per-CPU map `drops` (userspace reports them, never silent). */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sensor_abi.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef __TARGET_ARCH_x86
#error "the syscall numbers below are x86_64's; other architectures are not supported yet"
#endif

#define NR_open 2
#define NR_rmdir 84
#define NR_creat 85
#define NR_unlink 87
#define NR_rename 82
#define NR_dup 32
#define NR_dup2 33
#define NR_connect 42
#define NR_accept 43
#define NR_bind 49
#define NR_ptrace 101
#define NR_setuid 105
#define NR_setgid 106
#define NR_setreuid 113
#define NR_setregid 114
#define NR_setresuid 117
#define NR_setresgid 119
#define NR_setfsuid 122
#define NR_setfsgid 123
#define NR_capset 126
#define NR_mount 165
#define NR_umount2 166
#define NR_init_module 175
#define NR_openat 257
#define NR_unlinkat 263
#define NR_renameat 264
#define NR_accept4 288
#define NR_dup3 292
#define NR_finit_module 313
#define NR_renameat2 316
#define NR_memfd_create 319
#define NR_bpf 321
#define NR_openat2 437

#define AT_FDCWD_ -100
#define O_WRONLY_ 01
#define O_RDWR_ 02
#define O_CREAT_ 0100
#define O_TRUNC_ 01000
#define AT_REMOVEDIR_ 0x200
#define S_IFMT_ 0170000
#define S_IFSOCK_ 0140000
#define AF_UNIX_ 1
#define AF_INET_ 2
#define AF_INET6_ 10
#define EINPROGRESS_ 115
#define BPF_PROG_LOAD_ 5

/* Set by the loader before load. */
const volatile __u32 self_tgid = 0;
/* Wake the reader once per this many queued bytes (the loader sets an eighth of the ring);
 * in between the reader finds records on its poll timeout (100 ms), so a wakeup only matters
 * when the ring would otherwise fill before that. A wakeup is an IPI (a VM exit under a
 * hypervisor) and costs the process being observed more than its record. A power of two. */
const volatile __u64 wakeup_bytes = 2 << 20;
/* Watch bits for relative paths, which the trie cannot place. */
const volatile __u32 relative_watch = WATCH_WRITE;
/* Set when every WATCH_READ prefix is at least 3 bytes long: a read-only open whose 2nd and
 * 3rd bytes begin no such prefix (read_head_bits) is dropped without reading the whole path. */
const volatile __u32 read_prefilter = 0;
/* Set by the loader when the tp_btf or tracepoint programs are loaded (kernels >= 5.11): the
 * current task is then read with plain BTF loads; the raw_tp fallback keeps probe reads. The
 * verifier drops the branch that is not taken, helper and all. */
const volatile __u32 btf_mode = 0;

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, KEV_TYPE_MAX);
    __type(key, __u32);
    __type(value, __u64);
} drops SEC(".maps");

struct path_key {
    __u32 prefixlen;
    char data[KEV_PATH_LEN];
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 1024);
    __type(key, struct path_key);
    __type(value, __u32);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} watch_paths SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct path_key);
} scratch SEC(".maps");

/* Bit (path[1], path[2]) is set for every WATCH_READ prefix (filled by userspace through the
 * skeleton's .bss): a plain load, no map lookup, on the hottest path. */
__u8 read_head_bits[8192];

/* Set by the loader when the kernel has bpf_rdonly_cast (6.2+) and every WATCH_READ prefix
 * is at least 3 bytes long: a successful read-only open is then first checked on the names of
 * the opened file and its directories (file_may_be_watched), with BTF loads only, before the
 * path string is read from the process's memory (a ~100 ns helper call on every open). */
const volatile __u32 file_prefilter = 0;
/* Bit (name[0], name[1]) is set for the component every path below a WATCH_READ prefix has
 * among its names (its last component, or the directory a prefix ending in '/' names). */
__u8 name_head_bits[8192];

/* A kernel object at an address known only as a number, typed for BTF loads (6.2+; the
 * verifier turns the call into a move). Only file_may_be_watched calls it, and only when the
 * loader found it: a kernel without it drops that code as dead (kernels before 5.18 refuse
 * even a dead reference: the loader then ends up with the raw_tp programs, which have none). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* The inline name of a dentry on kernels before 6.14 (d_shortname since). */
struct dentry___iname {
    unsigned char d_iname[32];
};

#define NAME_WALK_DEPTH 16

/* A syscall at its exit: number, result, the first four arguments (x86_64 order), and the
 * BTF-typed current task when the program already has it (NULL otherwise). */
struct sys_args {
    long nr, ret;
    long a[4];
    struct task_struct *task;
};

static __always_inline void *reserve(__u32 size, __u32 type)
{
    void *r = bpf_ringbuf_reserve(&events, size, 0);
    if (!r) {
        __u64 *c = bpf_map_lookup_elem(&drops, &type);
        if (c)
            (*c)++;
    }
    return r;
}

/* Wakes the reader only when this record's bytes cross a multiple of wakeup_bytes of queued
 * data: waking whenever more than wakeup_bytes wait would wake it on every record while it
 * is being scheduled. The queued bytes include this reserved record (and its 8-byte ring
 * header); a crossing missed because another CPU reserved in between only delays the reader
 * to the next crossing or its poll timeout. */
static __always_inline void submit(void *r)
{
    __u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
    __u64 size = ((struct kev_hdr *)r)->size + 8;
    __u64 before = avail > size ? avail - size : 0;

    bpf_ringbuf_submit(r, avail / wakeup_bytes != before / wakeup_bytes ? BPF_RB_FORCE_WAKEUP
                                                                        : BPF_RB_NO_WAKEUP);
}

static __always_inline void fill_hdr_nr(struct kev_hdr *h, __u32 type, __u32 size,
                                        struct task_struct *t, __s64 ret, __u32 nr)
{
    __u64 id = bpf_get_current_pid_tgid();
    struct pid *p;
    unsigned int level;
    struct upid up = {};

    h->ts_ns = bpf_ktime_get_boot_ns();
    h->cgroup_id = bpf_get_current_cgroup_id();
    h->ret = ret;
    h->type = type;
    h->size = size;
    h->pid = (__u32)id;
    h->tgid = id >> 32;
    h->nr = nr;
    if (btf_mode) {
        /* plain loads through the BTF-typed current task: a helper call each would cost
         * most of a reported event */
        struct task_struct *ct = bpf_get_current_task_btf();
        struct task_struct *leader = ct->group_leader;
        const struct cred *c = ct->cred;

        p = leader->thread_pid;
        level = p->level;
        h->start_ns = leader->start_boottime;
        h->ppid = ct->real_parent->tgid;
        h->uid = c->uid.val;
        h->euid = c->euid.val;
        h->gid = c->gid.val;
        h->egid = c->egid.val;
        h->loginuid = ct->loginuid.val;
        h->mntns = ct->nsproxy->mnt_ns->ns.inum;
        h->netns = ct->nsproxy->net_ns->ns.inum;
    } else {
        struct task_struct *leader = BPF_CORE_READ(t, group_leader);
        const struct cred *c = BPF_CORE_READ(t, cred);

        p = BPF_CORE_READ(leader, thread_pid);
        level = BPF_CORE_READ(p, level);
        h->start_ns = BPF_CORE_READ(leader, start_boottime);
        h->ppid = BPF_CORE_READ(t, real_parent, tgid);
        h->uid = BPF_CORE_READ(c, uid.val);
        h->euid = BPF_CORE_READ(c, euid.val);
        h->gid = BPF_CORE_READ(c, gid.val);
        h->egid = BPF_CORE_READ(c, egid.val);
        h->loginuid = BPF_CORE_READ(t, loginuid.val);
        h->mntns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
        h->netns = BPF_CORE_READ(t, nsproxy, net_ns, ns.inum);
    }
    if (level > 32)
        level = 0;
    bpf_core_read(&up, sizeof(up),
                  (void *)p + bpf_core_field_offset(struct pid, numbers) +
                      level * sizeof(struct upid));
    h->vpid = up.nr;
    h->pidns = BPF_CORE_READ(up.ns, ns.inum);
    if (btf_mode) {
        /* two loads instead of a helper call */
        struct task_struct *ct = bpf_get_current_task_btf();
        *(__u64 *)&h->comm[0] = *(__u64 *)&ct->comm[0];
        *(__u64 *)&h->comm[8] = *(__u64 *)&ct->comm[8];
    } else {
        bpf_get_current_comm(h->comm, sizeof(h->comm));
    }
}

#define fill_hdr(h, type, size, t, ret) fill_hdr_nr(h, type, size, t, ret, 0)

static __always_inline struct file *fd_file(struct task_struct *t, long fd)
{
    struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
    unsigned int max = BPF_CORE_READ(fdt, max_fds);
    struct file **fds = BPF_CORE_READ(fdt, fd);
    struct file *f = NULL;

    if (fd < 0 || fd >= max)
        return NULL;
    bpf_core_read(&f, sizeof(f), &fds[fd]);
    return f;
}

static __always_inline int file_is_sock(struct file *f)
{
    if (!f)
        return 0;
    return (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT_) == S_IFSOCK_;
}

/* Falco's fd.typechar of a file: what reverse-shell rules look at on fds 0-2. */
static __always_inline char file_typechar(struct file *f)
{
    __u32 mode, major;

    if (!f)
        return 0;
    mode = BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT_;
    switch (mode) {
    case S_IFSOCK_: {
        struct socket *s = (struct socket *)BPF_CORE_READ(f, private_data);
        __u16 fam = BPF_CORE_READ(s, sk, __sk_common.skc_family);
        return fam == AF_INET_ ? '4' : fam == AF_INET6_ ? '6' : fam == 16 ? 'n' : 'u';
    }
    case 0010000: /* S_IFIFO */
        return 'p';
    case 0100000: /* S_IFREG */
        return 'f';
    case 0040000: /* S_IFDIR */
        return 'd';
    case 0020000: /* S_IFCHR: ttys (4), /dev/tty (5), ptys (136-143) */
        major = BPF_CORE_READ(f, f_inode, i_rdev) >> 20;
        return (major == 4 || major == 5 || (major >= 136 && major <= 143)) ? 'y' : 'f';
    default:
        return 0;
    }
}

static __always_inline struct sock *fd_sock(struct task_struct *t, long fd)
{
    struct file *f = fd_file(t, fd);
    struct socket *s;

    if (!file_is_sock(f))
        return NULL;
    s = (struct socket *)BPF_CORE_READ(f, private_data);
    return BPF_CORE_READ(s, sk);
}

/* The watch bits of the longest watched prefix of the user string at upath (read into the
 * per-CPU scratch key). *key_out points at the scratch copy. */
static __always_inline __u32 path_watch(const char *upath, struct path_key **key_out)
{
    __u32 zero = 0;
    struct path_key *k = bpf_map_lookup_elem(&scratch, &zero);
    long n;
    __u32 *v;

    *key_out = k;
    if (!k)
        return 0;
    n = bpf_probe_read_user_str(k->data, sizeof(k->data), upath);
    if (n <= 0)
        return 0;
    if (k->data[0] != '/')
        return relative_watch;
    k->prefixlen = (__u32)(n - 1) * 8;
    v = bpf_map_lookup_elem(&watch_paths, k);
    return v ? *v : 0;
}

/* ---- process lifecycle ---- */

static __always_inline int on_exec(struct task_struct *p, struct linux_binprm *bprm)
{
    struct kev_exec *e;
    struct mm_struct *mm;
    struct tty_struct *tty;
    struct inode *exe;
    const struct cred *c;
    unsigned long start, end, len;

    if ((__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid)
        return 0;
    e = reserve(sizeof(*e), KEV_EXEC);
    if (!e)
        return 0;
    fill_hdr(&e->h, KEV_EXEC, sizeof(*e), p, 0);
    e->flags = 0;
    bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));
    exe = BPF_CORE_READ(bprm, file, f_inode);
    if (BPF_CORE_READ(exe, i_nlink) == 0)
        e->flags |= KEXEC_FILELESS;
    /* container drift: an overlayfs inode with an upper dentry was written (or copied up)
     * after the container started; images only fill the lower layers */
    if (bpf_core_type_exists(struct ovl_inode) && BPF_CORE_READ(exe, i_sb, s_magic) == 0x794c7630) {
        struct dentry *upper = NULL;
        bpf_core_read(&upper, sizeof(upper),
                      (void *)exe - bpf_core_field_offset(struct ovl_inode, vfs_inode) +
                          bpf_core_field_offset(struct ovl_inode, __upperdentry));
        if (upper)
            e->flags |= KEXEC_UPPER_LAYER;
    }
    c = BPF_CORE_READ(p, cred);
    BPF_CORE_READ_INTO(&e->cap_eff, c, cap_effective);
    BPF_CORE_READ_INTO(&e->cap_prm, c, cap_permitted);
    e->tty_nr = 0;
    tty = BPF_CORE_READ(p, signal, tty);
    if (tty) {
        __u32 major = BPF_CORE_READ(tty, driver, major);
        __u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
        e->tty_nr = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
    }
    e->fd_type[0] = file_typechar(fd_file(p, 0));
    e->fd_type[1] = file_typechar(fd_file(p, 1));
    e->fd_type[2] = file_typechar(fd_file(p, 2));
    e->fd_type[3] = 0;
    mm = BPF_CORE_READ(p, mm);
    start = BPF_CORE_READ(mm, arg_start);
    end = BPF_CORE_READ(mm, arg_end);
    len = end > start ? end - start : 0;
    if (len > KEV_ARGS_LEN) {
        len = KEV_ARGS_LEN;
        e->flags |= KEXEC_ARGS_CUT;
    }
    e->args_len = 0;
    if (len > 0 && bpf_probe_read_user(e->args, len, (void *)start) == 0)
        e->args_len = len;
    submit(e);
    return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_btf, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
    return on_exec(p, bprm);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(exec_raw, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
    return on_exec(p, bprm);
}

static __always_inline int on_exit(struct task_struct *p)
{
    struct kev_hdr *e;

    /* one record per process: when its leader goes */
    if (BPF_CORE_READ(p, pid) != BPF_CORE_READ(p, tgid))
        return 0;
    if ((__u32)BPF_CORE_READ(p, tgid) == self_tgid)
        return 0;
    e = reserve(sizeof(*e), KEV_EXIT);
    if (!e)
        return 0;
    fill_hdr(e, KEV_EXIT, sizeof(*e), p, BPF_CORE_READ(p, exit_code));
    submit(e);
    return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(exit_btf, struct task_struct *p)
{
    return on_exit(p);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(exit_raw, struct task_struct *p)
{
    return on_exit(p);
}

static __always_inline int on_fork(struct task_struct *parent, struct task_struct *child)
{
    struct kev_fork *e;
    __u32 ctgid = BPF_CORE_READ(child, tgid);

    /* new threads share the parent's tgid: only new processes matter */
    if (BPF_CORE_READ(child, pid) != ctgid)
        return 0;
    if ((__u32)BPF_CORE_READ(parent, tgid) == self_tgid)
        return 0;
    e = reserve(sizeof(*e), KEV_FORK);
    if (!e)
        return 0;
    fill_hdr(&e->h, KEV_FORK, sizeof(*e), parent, 0);
    e->child_tgid = ctgid;
    e->pad = 0;
    submit(e);
    return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(fork_btf, struct task_struct *parent, struct task_struct *child)
{
    return on_fork(parent, child);
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(fork_raw, struct task_struct *parent, struct task_struct *child)
{
    return on_fork(parent, child);
}

/* ---- syscalls, at exit ---- */

/* The first two bytes of a dentry's name as one index into name_head_bits; -1 when the name
 * is too long to be stored inline in the dentry (40 bytes here): unknown. */
static __always_inline long name_head(struct dentry *d)
{
    if (bpf_core_field_exists(d->d_shortname)) {
        if ((__u64)d->d_name.name != (__u64)&d->d_shortname)
            return -1;
        return d->d_shortname.words[0] & 0xffff;
    } else {
        struct dentry___iname *o = (void *)d;
        if ((__u64)d->d_name.name != (__u64)&o->d_iname)
            return -1;
        return *(__u16 *)&o->d_iname[0];
    }
}

/* Whether the file just opened at fd may lie below a read-watched prefix: 0 when none of its
 * names up to the process's root — the file's, its directories', the mount points' where it
 * crosses mounts, as the kernel resolved them — begins like the component a read-watched
 * prefix requires (name_head_bits); 1 when one does or the walk cannot tell (names of 40
 * bytes or more, deeper than NAME_WALK_DEPTH). 1 lets the path string decide. BTF loads only,
 * no helper call but the current task: the common read-only open leaves here. */
static __always_inline int file_may_be_watched(struct task_struct *t, long fd)
{
    struct fdtable *fdt = t->files->fdt;
    struct dentry *d, *root_d = t->fs->root.dentry;
    struct vfsmount *mnt, *root_mnt = t->fs->root.mnt;
    struct kiocb *slot;
    struct file *f;

    if (fd < 0 || fd >= fdt->max_fds)
        return 1;
    /* fdt->fd[fd] typed through a struct whose first member is a struct file pointer */
    slot = bpf_rdonly_cast((void *)((__u64)fdt->fd + fd * sizeof(void *)),
                           bpf_core_type_id_kernel(struct kiocb));
    f = slot->ki_filp;
    if (!f)
        return 1;
    d = f->f_path.dentry;
    mnt = f->f_path.mnt;
    for (int i = 0; i < NAME_WALK_DEPTH; i++) {
        long head;

        if (!d)
            return 1;
        if (d == root_d && mnt == root_mnt)
            return 0;
        if (d == mnt->mnt_root) {
            /* a mount's root: go on from its mount point in the parent mount */
            struct mount *m =
                bpf_rdonly_cast((void *)mnt - bpf_core_field_offset(struct mount, mnt),
                                bpf_core_type_id_kernel(struct mount));
            struct mount *parent = m->mnt_parent;

            if (parent == m)
                return 1; /* the namespace root, not the process's: outside its root */
            d = m->mnt_mountpoint;
            mnt = &parent->mnt;
            continue;
        }
        head = name_head(d);
        if (head < 0 || (name_head_bits[head >> 3] & (1u << (head & 7))))
            return 1;
        d = d->d_parent;
    }
    return 1;
}

/* btf_prog: a compile-time constant, 1 in the programs that may use BTF loads (tp_btf and
 * per-syscall tracepoints), 0 in the raw_tp ones (which must not reference the kfunc). */
static __always_inline int sys_open(const struct sys_args *sa, long nr, long ret,
                                    const int btf_prog)
{
    struct task_struct *t;
    const char *upath;
    __u32 flags, mode = 0, watch;
    int dfd = AT_FDCWD_;
    struct path_key *k;
    struct kev_open *e;
    int write;

    if (nr == NR_open) {
        upath = (const char *)sa->a[0];
        flags = sa->a[1];
        mode = sa->a[2];
    } else if (nr == NR_creat) {
        upath = (const char *)sa->a[0];
        flags = O_CREAT_ | O_WRONLY_ | O_TRUNC_;
        mode = sa->a[1];
    } else if (nr == NR_openat) {
        dfd = sa->a[0];
        upath = (const char *)sa->a[1];
        flags = sa->a[2];
        mode = sa->a[3];
    } else {
        struct open_how how = {};
        dfd = sa->a[0];
        upath = (const char *)sa->a[1];
        bpf_probe_read_user(&how, sizeof(how), (void *)sa->a[2]);
        flags = how.flags;
        mode = how.mode;
    }
    write = (flags & (O_WRONLY_ | O_RDWR_ | O_CREAT_ | O_TRUNC_)) != 0;
    if (!write) {
        /* most opens are reads of files nobody watches: decide on the opened file's names,
         * then on 4 bytes of the path, before reading all of it */
        __u32 head = 0;
        if (btf_prog && file_prefilter && ret >= 0 &&
            !file_may_be_watched(sa->task ? sa->task : bpf_get_current_task_btf(), ret))
            return 0;
        if (bpf_probe_read_user(&head, sizeof(head), upath) != 0)
            return 0;
        if ((head & 0xff) != '/') {
            if (!(relative_watch & WATCH_READ))
                return 0;
        } else if (read_prefilter) {
            __u32 idx = (head >> 8) & 0xffff;
            if (!(read_head_bits[idx >> 3] & (1u << (idx & 7))))
                return 0;
        }
    }
    watch = path_watch(upath, &k);
    if (!k || !(watch & (write ? WATCH_WRITE : WATCH_READ)))
        return 0;
    /* the watcher's own opens: checked only now, the hot path above has no helper to spare */
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid)
        return 0;
    e = reserve(sizeof(*e), KEV_OPEN);
    if (!e)
        return 0;
    t = (struct task_struct *)bpf_get_current_task();
    fill_hdr_nr(&e->h, KEV_OPEN, sizeof(*e), t, ret, nr);
    e->dfd = dfd;
    e->flags = flags;
    e->mode = mode;
    e->watch = watch;
    bpf_probe_read_kernel_str(e->path, sizeof(e->path), k->data);
    submit(e);
    return 0;
}

static __always_inline int sys_rename(const struct sys_args *sa, long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    const char *oldp, *newp;
    int olddfd = AT_FDCWD_, newdfd = AT_FDCWD_;
    struct path_key *k;
    struct kev_rename *e;

    if (nr == NR_rename) {
        oldp = (const char *)sa->a[0];
        newp = (const char *)sa->a[1];
    } else {
        olddfd = sa->a[0];
        oldp = (const char *)sa->a[1];
        newdfd = sa->a[2];
        newp = (const char *)sa->a[3];
    }
    if (!(path_watch(oldp, &k) & WATCH_TREE) && !(path_watch(newp, &k) & WATCH_TREE))
        return 0;
    e = reserve(sizeof(*e), KEV_RENAME);
    if (!e)
        return 0;
    fill_hdr_nr(&e->h, KEV_RENAME, sizeof(*e), t, ret, nr);
    e->olddfd = olddfd;
    e->newdfd = newdfd;
    bpf_probe_read_user_str(e->oldpath, sizeof(e->oldpath), oldp);
    bpf_probe_read_user_str(e->newpath, sizeof(e->newpath), newp);
    submit(e);
    return 0;
}

static __always_inline int sys_unlink(const struct sys_args *sa, long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    const char *upath;
    int dfd = AT_FDCWD_;
    __u32 flags = 0;
    struct path_key *k;
    struct kev_unlink *e;

    if (nr == NR_unlinkat) {
        dfd = sa->a[0];
        upath = (const char *)sa->a[1];
        flags = sa->a[2];
    } else {
        upath = (const char *)sa->a[0];
        if (nr == NR_rmdir)
            flags = AT_REMOVEDIR_;
    }
    if (!(path_watch(upath, &k) & WATCH_TREE) || !k)
        return 0;
    /* a relative name under an open directory (rm -r) cannot be placed: dropped */
    if (k->data[0] != '/' && dfd != AT_FDCWD_)
        return 0;
    e = reserve(sizeof(*e), KEV_UNLINK);
    if (!e)
        return 0;
    fill_hdr_nr(&e->h, KEV_UNLINK, sizeof(*e), t, ret, nr);
    e->dfd = dfd;
    e->flags = flags;
    bpf_probe_read_kernel_str(e->path, sizeof(e->path), k->data);
    submit(e);
    return 0;
}

static __always_inline int sys_sock(const struct sys_args *sa, long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    __u32 type = nr == NR_connect ? KEV_CONNECT : nr == NR_bind ? KEV_BIND : KEV_ACCEPT;
    long fd;
    struct sock *sk;
    struct kev_sock *e;
    __u16 family;

    if (type == KEV_CONNECT) {
        if (ret != 0 && ret != -EINPROGRESS_)
            return 0;
        fd = sa->a[0];
    } else if (type == KEV_BIND) {
        if (ret != 0)
            return 0;
        fd = sa->a[0];
    } else {
        if (ret < 0)
            return 0;
        fd = ret;
    }
    sk = fd_sock(t, fd);
    if (!sk)
        return 0;
    family = BPF_CORE_READ(sk, __sk_common.skc_family);
    if (family != AF_INET_ && family != AF_INET6_ && !(family == AF_UNIX_ && type == KEV_CONNECT))
        return 0;
    e = reserve(sizeof(*e), type);
    if (!e)
        return 0;
    fill_hdr_nr(&e->h, type, sizeof(*e), t, ret, nr);
    __builtin_memset(e->saddr, 0, sizeof(e->saddr));
    __builtin_memset(e->daddr, 0, sizeof(e->daddr));
    e->unix_path[0] = 0;
    e->fd = fd;
    e->family = family;
    e->proto = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
    e->sock_type = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type);
    e->pad = 0;
    e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
    e->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
    if (family == AF_INET_) {
        BPF_CORE_READ_INTO((__u32 *)e->saddr, sk, __sk_common.skc_rcv_saddr);
        BPF_CORE_READ_INTO((__u32 *)e->daddr, sk, __sk_common.skc_daddr);
    } else if (family == AF_INET6_) {
        BPF_CORE_READ_INTO(&e->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
        BPF_CORE_READ_INTO(&e->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
    } else {
        /* AF_UNIX connect: the path the caller asked for (abstract names start with NUL) */
        const char *ua = (const char *)sa->a[1];
        bpf_probe_read_user(e->unix_path, sizeof(e->unix_path), ua + 2);
    }
    submit(e);
    return 0;
}

static __always_inline int sys_setid(const struct sys_args *sa, long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    struct kev_setid *e = reserve(sizeof(*e), KEV_SETID);

    if (!e)
        return 0;
    {
        const struct cred *c = BPF_CORE_READ(t, cred);

        fill_hdr_nr(&e->h, KEV_SETID, sizeof(*e), t, ret, nr);
        e->suid = BPF_CORE_READ(c, suid.val);
        e->fsuid = BPF_CORE_READ(c, fsuid.val);
        e->sgid = BPF_CORE_READ(c, sgid.val);
        e->fsgid = BPF_CORE_READ(c, fsgid.val);
        e->args[0] = sa->a[0];
        e->args[1] = sa->a[1];
        e->args[2] = sa->a[2];
    }
    submit(e);
    return 0;
}

static __always_inline int sys_capset(long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    const struct cred *c;
    struct kev_capset *e = reserve(sizeof(*e), KEV_CAPSET);

    if (!e)
        return 0;
    fill_hdr_nr(&e->h, KEV_CAPSET, sizeof(*e), t, ret, nr);
    c = BPF_CORE_READ(t, cred);
    BPF_CORE_READ_INTO(&e->cap_eff, c, cap_effective);
    BPF_CORE_READ_INTO(&e->cap_prm, c, cap_permitted);
    submit(e);
    return 0;
}

static __always_inline int sys_ptrace(const struct sys_args *sa, long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    long req = sa->a[0];
    struct kev_ptrace *e;

    /* TRACEME, POKETEXT, POKEDATA, POKEUSER, SETREGS, ATTACH, SEIZE: the requests that take
     * or change another process; peeks and register reads of debuggers would only add volume. */
    if (req != 0 && req != 4 && req != 5 && req != 6 && req != 13 && req != 16 && req != 0x4206)
        return 0;
    e = reserve(sizeof(*e), KEV_PTRACE);
    if (!e)
        return 0;
    fill_hdr_nr(&e->h, KEV_PTRACE, sizeof(*e), t, ret, nr);
    e->request = req;
    e->target = sa->a[1];
    e->pad = 0;
    submit(e);
    return 0;
}

static __always_inline int sys_mount(const struct sys_args *sa, long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    struct kev_mount *e;
    __u32 type = nr == NR_mount ? KEV_MOUNT : KEV_UMOUNT;

    e = reserve(sizeof(*e), type);
    if (!e)
        return 0;
    fill_hdr_nr(&e->h, type, sizeof(*e), t, ret, nr);
    e->source[0] = 0;
    e->fstype[0] = 0;
    if (type == KEV_MOUNT) {
        bpf_probe_read_user_str(e->source, sizeof(e->source), (void *)sa->a[0]);
        bpf_probe_read_user_str(e->target, sizeof(e->target), (void *)sa->a[1]);
        bpf_probe_read_user_str(e->fstype, sizeof(e->fstype), (void *)sa->a[2]);
        e->flags = sa->a[3];
    } else {
        bpf_probe_read_user_str(e->target, sizeof(e->target), (void *)sa->a[0]);
        e->flags = sa->a[1];
    }
    submit(e);
    return 0;
}

static __always_inline int sys_module(const struct sys_args *sa, long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    struct kev_module *e = reserve(sizeof(*e), KEV_MODULE);

    if (!e)
        return 0;
    fill_hdr_nr(&e->h, KEV_MODULE, sizeof(*e), t, ret, nr);
    e->name[0] = 0;
    e->fd = -1;
    e->flags = 0;
    if (nr == NR_finit_module) {
        struct file *f;
        e->fd = sa->a[0];
        e->flags = sa->a[2];
        f = fd_file(t, e->fd);
        if (f)
            bpf_probe_read_kernel_str(e->name, sizeof(e->name),
                                      BPF_CORE_READ(f, f_path.dentry, d_name.name));
    }
    submit(e);
    return 0;
}

static __always_inline int sys_bpf(const struct sys_args *sa, long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    struct kev_bpf *e;
    const char *uattr;

    if (sa->a[0] != BPF_PROG_LOAD_)
        return 0;
    e = reserve(sizeof(*e), KEV_BPF);
    if (!e)
        return 0;
    fill_hdr_nr(&e->h, KEV_BPF, sizeof(*e), t, ret, nr);
    uattr = (const char *)sa->a[1];
    e->cmd = BPF_PROG_LOAD_;
    e->prog_type = 0;
    e->prog_name[0] = 0;
    bpf_probe_read_user(&e->prog_type, sizeof(e->prog_type), uattr);
    bpf_probe_read_user(e->prog_name, sizeof(e->prog_name),
                        uattr + __builtin_offsetof(union bpf_attr, prog_name));
    submit(e);
    return 0;
}

static __always_inline int sys_memfd(const struct sys_args *sa, long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    struct kev_memfd *e = reserve(sizeof(*e), KEV_MEMFD);

    if (!e)
        return 0;
    fill_hdr_nr(&e->h, KEV_MEMFD, sizeof(*e), t, ret, nr);
    e->flags = sa->a[1];
    e->pad = 0;
    bpf_probe_read_user_str(e->name, sizeof(e->name), (void *)sa->a[0]);
    submit(e);
    return 0;
}

static __always_inline int sys_dup(const struct sys_args *sa, long nr, long ret)
{
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    long oldfd = sa->a[0];
    struct kev_dup *e;
    struct file *f;

    if (ret < 0 || ret > 2)
        return 0;
    f = fd_file(t, ret);
    if (!file_is_sock(f))
        return 0;
    e = reserve(sizeof(*e), KEV_DUP);
    if (!e)
        return 0;
    fill_hdr_nr(&e->h, KEV_DUP, sizeof(*e), t, ret, nr);
    e->oldfd = oldfd;
    e->newfd = ret;
    e->typechar = file_typechar(f);
    __builtin_memset(e->pad, 0, sizeof(e->pad));
    submit(e);
    return 0;
}

static __always_inline int interesting(long nr)
{
    switch (nr) {
    case NR_open:
    case NR_creat:
    case NR_openat:
    case NR_openat2:
    case NR_rename:
    case NR_renameat:
    case NR_renameat2:
    case NR_unlink:
    case NR_unlinkat:
    case NR_rmdir:
    case NR_connect:
    case NR_accept:
    case NR_accept4:
    case NR_bind:
    case NR_setuid:
    case NR_setgid:
    case NR_setreuid:
    case NR_setregid:
    case NR_setresuid:
    case NR_setresgid:
    case NR_setfsuid:
    case NR_setfsgid:
    case NR_capset:
    case NR_ptrace:
    case NR_mount:
    case NR_umount2:
    case NR_init_module:
    case NR_finit_module:
    case NR_bpf:
    case NR_memfd_create:
    case NR_dup:
    case NR_dup2:
    case NR_dup3:
        return 1;
    default:
        return 0;
    }
}

static __always_inline int on_sys_exit(const struct sys_args *sa, const int btf_prog)
{
    long nr = sa->nr, ret = sa->ret;

    /* opens first: the hottest syscalls, which check for the watcher's own process last */
    if (nr == NR_open || nr == NR_creat || nr == NR_openat || nr == NR_openat2)
        return sys_open(sa, nr, ret, btf_prog);
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid)
        return 0;
    switch (nr) {
    case NR_rename:
    case NR_renameat:
    case NR_renameat2:
        return sys_rename(sa, nr, ret);
    case NR_unlink:
    case NR_unlinkat:
    case NR_rmdir:
        return sys_unlink(sa, nr, ret);
    case NR_connect:
    case NR_accept:
    case NR_accept4:
    case NR_bind:
        return sys_sock(sa, nr, ret);
    case NR_capset:
        return ret == 0 ? sys_capset(nr, ret) : 0;
    case NR_ptrace:
        return sys_ptrace(sa, nr, ret);
    case NR_mount:
    case NR_umount2:
        return sys_mount(sa, nr, ret);
    case NR_init_module:
    case NR_finit_module:
        return sys_module(sa, nr, ret);
    case NR_bpf:
        return sys_bpf(sa, nr, ret);
    case NR_memfd_create:
        return sys_memfd(sa, nr, ret);
    case NR_dup:
    case NR_dup2:
    case NR_dup3:
        return sys_dup(sa, nr, ret);
    default:
        return sys_setid(sa, nr, ret);
    }
}

/* The syscall number and arguments: plain loads through the BTF-typed pt_regs in tp_btf,
 * probe reads in raw_tp. Most syscalls leave here, so this is the hot path. */
SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
    struct sys_args sa;

    sa.nr = regs->orig_ax;
    if (!interesting(sa.nr))
        return 0;
    sa.task = NULL;
    sa.ret = ret;
    sa.a[0] = regs->di;
    sa.a[1] = regs->si;
    sa.a[2] = regs->dx;
    sa.a[3] = regs->r10;
    return on_sys_exit(&sa, 1);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
    struct sys_args sa;

    sa.nr = BPF_CORE_READ(regs, orig_ax);
    if (!interesting(sa.nr))
        return 0;
    sa.task = NULL;
    sa.ret = ret;
    sa.a[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
    sa.a[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
    sa.a[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
    sa.a[3] = PT_REGS_PARM4_CORE_SYSCALL(regs);
    return on_sys_exit(&sa, 0);
}

/* ---- per-syscall exit tracepoints ---- */

/* The record of a syscalls:sys_exit_* event (events/syscalls/sys_exit_X/format): the common
 * trace header, the syscall number (an int) and the result. */
struct sc_exit_ctx {
    __u64 common;
    __s32 nr;
    __s32 pad;
    long ret;
};

/* The arguments come from the task's saved user registers (plain BTF loads); the number is the
 * program's own, so the dispatch in on_sys_exit folds away at compile time. */
static __always_inline int sc_exit(long nr, long ret)
{
    struct task_struct *task = bpf_get_current_task_btf();
    struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
    struct sys_args sa;

    sa.task = task;
    sa.nr = nr;
    sa.ret = ret;
    sa.a[0] = regs->di;
    sa.a[1] = regs->si;
    sa.a[2] = regs->dx;
    sa.a[3] = regs->r10;
    return on_sys_exit(&sa, 1);
}

/* One program per watched syscall, named sc_<tracepoint>: the loader skips those whose
 * tracepoint this kernel lacks (a syscall it does not implement, e.g. finit_module without
 * CONFIG_MODULES). */
#define SC_EXIT(name, number)                                                                      \
    SEC("tracepoint/syscalls/sys_exit_" #name)                                                     \
    int sc_##name(struct sc_exit_ctx *ctx)                                                         \
    {                                                                                              \
        return sc_exit(number, ctx->ret);                                                          \
    }

SC_EXIT(open, NR_open)
SC_EXIT(creat, NR_creat)
SC_EXIT(openat, NR_openat)
SC_EXIT(openat2, NR_openat2)
SC_EXIT(rename, NR_rename)
SC_EXIT(renameat, NR_renameat)
SC_EXIT(renameat2, NR_renameat2)
SC_EXIT(unlink, NR_unlink)
SC_EXIT(unlinkat, NR_unlinkat)
SC_EXIT(rmdir, NR_rmdir)
SC_EXIT(connect, NR_connect)
SC_EXIT(accept, NR_accept)
SC_EXIT(accept4, NR_accept4)
SC_EXIT(bind, NR_bind)
SC_EXIT(setuid, NR_setuid)
SC_EXIT(setgid, NR_setgid)
SC_EXIT(setreuid, NR_setreuid)
SC_EXIT(setregid, NR_setregid)
SC_EXIT(setresuid, NR_setresuid)
SC_EXIT(setresgid, NR_setresgid)
SC_EXIT(setfsuid, NR_setfsuid)
SC_EXIT(setfsgid, NR_setfsgid)
SC_EXIT(capset, NR_capset)
SC_EXIT(ptrace, NR_ptrace)
SC_EXIT(mount, NR_mount)
SC_EXIT(umount, NR_umount2) /* umount2's tracepoint is named after its SYSCALL_DEFINE */
SC_EXIT(init_module, NR_init_module)
SC_EXIT(finit_module, NR_finit_module)
SC_EXIT(bpf, NR_bpf)
SC_EXIT(memfd_create, NR_memfd_create)
SC_EXIT(dup, NR_dup)
SC_EXIT(dup2, NR_dup2)
SC_EXIT(dup3, NR_dup3)
