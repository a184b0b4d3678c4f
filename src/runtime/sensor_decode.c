/* Ring buffer records (bpf/sensor_abi.h) -> struct rt_event (runtime/event.h).
 *
 * A record is trusted to come from our BPF program but still checked: its size must cover
 * its type's struct, strings are read up to their buffer's end. Events other than exec get
 * exe/argv/cwd/tty/ancestors from the process table (sensor_proc.h); a process the table does
 * not know is loaded from /proc once (best effort: gone processes keep only what the record
 * says). Relative paths are resolved against /proc/PID/cwd or /proc/PID/fd/DFD while the
 * process lives. Container drift: a file written (open for writing, rename target) by a
 * container process and later executed in the same cgroup gets RT_PROC_EXE_UPPER_LAYER, the
 * same flag the kernel side sets for overlayfs upper-layer files. */
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf/sensor_abi.h"
#include "runtime/sensor.h"
#include "runtime/sensor_proc.h"
#include "runtime/sensor_util.h"

#define WRITTEN_SLOTS 65536 /* drift set: (cgroup, path) hashes; emptied when half full */
#define USER_CACHE 256

struct user_slot {
    uint32_t uid;
    int known;
    char name[RT_USER_MAX];
};

struct sensor_decoder {
    struct proc_table procs;
    struct ct_resolver *resolver;
    const struct ct_meta *meta;
    int64_t boot_to_wall; /* add to CLOCK_BOOTTIME ns for the wall clock */
    uint64_t seq, malformed;
    uint64_t *written; /* open addressing set of hashes, 0 = empty */
    size_t written_len;
    struct user_slot users[USER_CACHE];
};

static int64_t clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int sensor_decoder_new(struct ct_resolver *resolver, const struct ct_meta *meta,
                       struct sensor_decoder **out, struct strata_error *err)
{
    struct sensor_decoder *d = calloc(1, sizeof(*d));
    if (!d || !(d->written = calloc(WRITTEN_SLOTS, sizeof(uint64_t)))) {
        free(d);
        return strata_error_nomem(err);
    }
    proc_table_init(&d->procs);
    d->resolver = resolver;
    d->meta = meta;
    d->boot_to_wall = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
    *out = d;
    return 0;
}

void sensor_decoder_free(struct sensor_decoder *d)
{
    if (!d)
        return;
    proc_table_release(&d->procs);
    free(d->written);
    free(d);
}

void sensor_decoder_scan_proc(struct sensor_decoder *d)
{
    proc_table_scan(&d->procs);
}

uint64_t sensor_decoder_malformed(const struct sensor_decoder *d)
{
    return d->malformed;
}

uint64_t sensor_decoder_table_full(const struct sensor_decoder *d)
{
    return d->procs.full;
}

/* ---- helpers ---- */

/* Copies a fixed-size kernel string buffer (maybe unterminated) into dst[cap]. */
static int copy_kstr(char *dst, size_t cap, const char *src, size_t srcmax)
{
    size_t n = strnlen(src, srcmax);
    return rt_copy_str(dst, cap, src, n) || n == srcmax;
}

static uint64_t path_hash(uint64_t cgroup, const char *p)
{
    uint64_t h = 1469598103934665603ull ^ cgroup;
    for (; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return h ? h : 1;
}

static void written_add(struct sensor_decoder *d, uint64_t cgroup, const char *path)
{
    if (d->written_len >= WRITTEN_SLOTS / 2) {
        memset(d->written, 0, WRITTEN_SLOTS * sizeof(uint64_t));
        d->written_len = 0;
    }
    uint64_t h = path_hash(cgroup, path);
    size_t i = (size_t)(h >> 16) & (WRITTEN_SLOTS - 1);
    while (d->written[i]) {
        if (d->written[i] == h)
            return;
        i = (i + 1) & (WRITTEN_SLOTS - 1);
    }
    d->written[i] = h;
    d->written_len++;
}

static int written_has(const struct sensor_decoder *d, uint64_t cgroup, const char *path)
{
    uint64_t h = path_hash(cgroup, path);
    for (size_t i = (size_t)(h >> 16) & (WRITTEN_SLOTS - 1); d->written[i];
         i = (i + 1) & (WRITTEN_SLOTS - 1))
        if (d->written[i] == h)
            return 1;
    return 0;
}

/* Resolves a relative path against the process's cwd (dfd AT_FDCWD) or directory fd. Leaves
 * it relative when the process is gone. Returns 1 when the result was cut. */
static int resolve_path(uint32_t pid, int dfd, const char *rel, char *out, size_t cap)
{
    char link[64], base[RT_PATH_MAX];
    if (rel[0] == '/' || rel[0] == '\0')
        return rt_copy_str(out, cap, rel, strlen(rel));
    if (dfd == -100)
        snprintf(link, sizeof(link), "/proc/%u/cwd", pid);
    else
        snprintf(link, sizeof(link), "/proc/%u/fd/%d", pid, dfd);
    ssize_t n = readlink(link, base, sizeof(base) - 1);
    if (n <= 0 || base[0] != '/')
        return rt_copy_str(out, cap, rel, strlen(rel));
    base[n] = '\0';
    const char *r = rel;
    while (r[0] == '.' && r[1] == '/')
        r += 2;
    int cut = snprintf(out, cap, "%s%s%s", base, (n == 1) ? "" : "/", r) >= (int)cap;
    return cut;
}

static void user_name(struct sensor_decoder *d, uint32_t uid, int host, char *out, size_t cap)
{
    out[0] = '\0';
    if (uid == 0) {
        snprintf(out, cap, "root");
        return;
    }
    /* names inside a container come from its own /etc/passwd: not looked up (docs) */
    if (!host)
        return;
    struct user_slot *s = &d->users[uid % USER_CACHE];
    if (!s->known || s->uid != uid) {
        struct passwd pw, *res = NULL;
        char buf[1024];
        s->uid = uid;
        s->known = 1;
        s->name[0] = '\0';
        if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
            snprintf(s->name, sizeof(s->name), "%s", res->pw_name);
    }
    snprintf(out, cap, "%s", s->name);
}

static void exe_from_table(struct rt_event *ev, const struct proc_info *p)
{
    memcpy(ev->exe, p->exe, sizeof(ev->exe));
    memcpy(ev->cwd, p->cwd, sizeof(ev->cwd));
    memcpy(ev->args, p->args, p->args_len);
    ev->args_len = p->args_len;
    ev->argc = p->argc;
    ev->tty = p->tty;
    ev->proc_flags = p->proc_flags;
    ev->stdin_type = p->fd_type[0];
    ev->stdout_type = p->fd_type[1];
    ev->stderr_type = p->fd_type[2];
    ev->cred.cap_effective = p->cap_eff;
    ev->cred.cap_permitted = p->cap_prm;
    ev->truncated |= p->trunc;
}

static void fill_common(struct sensor_decoder *d, const struct kev_hdr *h, struct rt_event *ev)
{
    rt_event_init(ev);
    ev->ts_ns = (uint64_t)((int64_t)h->ts_ns + d->boot_to_wall);
    ev->seq = ++d->seq;
    ev->res = h->ret;
    ev->pid = h->tgid;
    ev->tid = h->pid;
    ev->ppid = h->ppid;
    ev->vpid = h->vpid;
    ev->loginuid = h->loginuid;
    ev->cred.uid = h->uid;
    ev->cred.euid = ev->cred.suid = ev->cred.fsuid = h->euid;
    ev->cred.gid = h->gid;
    ev->cred.egid = ev->cred.sgid = ev->cred.fsgid = h->egid;
    copy_kstr(ev->comm, sizeof(ev->comm), h->comm, sizeof(h->comm));
    ev->cgroup_id = h->cgroup_id;
    ev->mnt_ns = h->mntns;
    ev->pid_ns = h->pidns;
    ev->net_ns = h->netns;
    /* the container of a process is resolved once per (process, cgroup): processes in the
     * cgroup v2 root need /proc/PID/cgroup, too slow for every event */
    struct proc_info *p = proc_table_get(&d->procs, h->tgid);
    if (p && p->ct_known && p->ct_cgroup == h->cgroup_id) {
        memcpy(ev->container_id, p->ct_id, sizeof(ev->container_id));
        memcpy(ev->container_type, p->ct_type, sizeof(ev->container_type));
    } else if (d->resolver) {
        const struct ct_ident *ct = ct_resolve(d->resolver, h->cgroup_id, h->tgid);
        sensor_strlcpy(ev->container_id, ct->id, sizeof(ev->container_id));
        sensor_strlcpy(ev->container_type, ct->type, sizeof(ev->container_type));
        if (p) {
            memcpy(p->ct_id, ev->container_id, sizeof(p->ct_id));
            memcpy(p->ct_type, ev->container_type, sizeof(p->ct_type));
            p->ct_cgroup = h->cgroup_id;
            p->ct_known = 1;
        }
    }
    if (d->meta && strcmp(ev->container_id, "host") != 0) {
        const char *n = ct_meta_name(d->meta, ev->container_id);
        const char *im = ct_meta_image(d->meta, ev->container_id);
        if (n && sensor_strlcpy(ev->container_name, n, sizeof(ev->container_name)))
            ev->truncated |= RT_TRUNC_OTHER;
        if (im && sensor_strlcpy(ev->container_image, im, sizeof(ev->container_image)))
            ev->truncated |= RT_TRUNC_OTHER;
    }
    user_name(d, h->euid, strcmp(ev->container_id, "host") == 0, ev->user_name,
              sizeof(ev->user_name));
}

/* Process-table part: exe, args, ancestors (after the record's own process is in the table). */
static void fill_proc(struct sensor_decoder *d, uint32_t tgid, struct rt_event *ev)
{
    struct proc_info *p = proc_table_get(&d->procs, tgid);
    if (!p)
        p = proc_table_load(&d->procs, tgid);
    if (p)
        exe_from_table(ev, p);
    else
        snprintf(ev->exe, sizeof(ev->exe), "%s", ev->comm);
    uint32_t anc = ev->ppid;
    for (int i = 0; i < RT_MAX_ANCESTORS && anc > 0; i++) {
        struct proc_info *a = proc_table_get(&d->procs, anc);
        if (!a)
            a = proc_table_load(&d->procs, anc);
        if (!a)
            break;
        ev->anc[i].pid = anc;
        memcpy(ev->anc[i].name, a->comm, sizeof(ev->anc[i].name));
        ev->nanc = (uint8_t)(i + 1);
        if (a->ppid == anc)
            break;
        anc = a->ppid;
    }
}

static int decode_exec(struct sensor_decoder *d, const struct kev_exec *k, struct rt_event *ev)
{
    const struct kev_hdr *h = &k->h;
    struct proc_info *p = proc_table_put(&d->procs, h->tgid);
    struct proc_info tmp;
    if (!p) {
        memset(&tmp, 0, sizeof(tmp));
        p = &tmp;
    }
    char fname[KEV_PATH_LEN + 1];
    copy_kstr(fname, sizeof(fname), k->filename, sizeof(k->filename));
    uint8_t trunc = 0;
    if (resolve_path(h->tgid, -100, fname, p->exe, sizeof(p->exe)) ||
        strnlen(k->filename, sizeof(k->filename)) == sizeof(k->filename))
        trunc |= RT_TRUNC_EXE;
    char link[64];
    snprintf(link, sizeof(link), "/proc/%u/cwd", h->tgid);
    ssize_t n = readlink(link, p->cwd, sizeof(p->cwd) - 1);
    p->cwd[n > 0 ? n : 0] = '\0';
    size_t al = k->args_len <= sizeof(k->args) ? k->args_len : sizeof(k->args);
    if (al > sizeof(p->args))
        al = sizeof(p->args);
    if (k->flags & KEXEC_ARGS_CUT || (al > 0 && k->args[al - 1] != '\0')) {
        trunc |= RT_TRUNC_ARGS;
        while (al > 0 && k->args[al - 1] != '\0')
            al--;
    }
    memcpy(p->args, k->args, al);
    p->args_len = (uint16_t)al;
    p->argc = proc_count_args(p->args, al);
    copy_kstr(p->comm, sizeof(p->comm), h->comm, sizeof(h->comm));
    p->ppid = h->ppid;
    p->tty = k->tty_nr;
    p->cap_eff = k->cap_eff;
    p->cap_prm = k->cap_prm;
    memcpy(p->fd_type, k->fd_type, 3);
    p->trunc = trunc;
    p->proc_flags = 0;
    if (k->flags & KEXEC_FILELESS)
        p->proc_flags |= RT_PROC_EXE_FROM_MEMFD;
    if (k->flags & KEXEC_UPPER_LAYER)
        p->proc_flags |= RT_PROC_EXE_UPPER_LAYER;

    fill_common(d, h, ev);
    if (strcmp(ev->container_id, "host") != 0 && written_has(d, h->cgroup_id, p->exe))
        p->proc_flags |= RT_PROC_EXE_UPPER_LAYER;
    int fileless = (k->flags & KEXEC_FILELESS) || strncmp(fname, "/dev/fd/", 8) == 0;
    ev->type = fileless ? RT_EV_EXECVEAT : RT_EV_EXECVE;
    fill_proc(d, h->tgid, ev);
    if (p == &tmp)
        exe_from_table(ev, p);
    return 1;
}

static enum rt_event_type open_type(uint32_t nr)
{
    switch (nr) {
    case 2:
        return RT_EV_OPEN;
    case 85:
        return RT_EV_CREAT;
    case 437:
        return RT_EV_OPENAT2;
    default:
        return RT_EV_OPENAT;
    }
}

static enum rt_event_type setid_type(uint32_t nr)
{
    switch (nr) {
    case 105:
        return RT_EV_SETUID;
    case 106:
        return RT_EV_SETGID;
    case 113:
        return RT_EV_SETREUID;
    case 114:
        return RT_EV_SETREGID;
    case 117:
        return RT_EV_SETRESUID;
    case 119:
        return RT_EV_SETRESGID;
    case 122:
        return RT_EV_SETFSUID;
    default:
        return RT_EV_SETFSGID;
    }
}

static void set_path(struct rt_event *ev, char *dst, const char *src, size_t srcmax, int dfd,
                     uint8_t bit)
{
    char tmp[KEV_PATH_LEN + 1];
    int cut = copy_kstr(tmp, sizeof(tmp), src, srcmax);
    if (resolve_path(ev->pid, dfd, tmp, dst, RT_PATH_MAX) || cut)
        ev->truncated |= bit;
}

static void module_name(const char *file, char *out, size_t cap)
{
    static const char *const exts[] = {".ko.zst", ".ko.xz", ".ko.gz", ".ko"};
    size_t n = strlen(file);
    for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
        size_t en = strlen(exts[i]);
        if (n > en && strcmp(file + n - en, exts[i]) == 0) {
            n -= en;
            break;
        }
    }
    rt_copy_str(out, cap, file, n);
}

#define NEED(T)                                                                                    \
    do {                                                                                           \
        if (len < sizeof(T))                                                                       \
            goto malformed;                                                                        \
    } while (0)

int sensor_decode(struct sensor_decoder *d, const void *rec, size_t len, struct rt_event *ev)
{
    const struct kev_hdr *h = rec;
    if (len < sizeof(*h))
        goto malformed;
    switch (h->type) {
    case KEV_EXEC:
        NEED(struct kev_exec);
        return decode_exec(d, rec, ev);
    case KEV_FORK: {
        NEED(struct kev_fork);
        const struct kev_fork *k = rec;
        struct proc_info *parent = proc_table_get(&d->procs, h->tgid);
        struct proc_info copy;
        if (parent)
            copy = *parent;
        struct proc_info *c = proc_table_put(&d->procs, k->child_tgid);
        if (c && parent) {
            copy.pid = k->child_tgid;
            copy.ppid = h->tgid;
            *c = copy;
        } else if (c) {
            c->ppid = h->tgid;
            copy_kstr(c->comm, sizeof(c->comm), h->comm, sizeof(h->comm));
        }
        return 0;
    }
    case KEV_DUP: {
        NEED(struct kev_dup);
        const struct kev_dup *k = rec;
        struct proc_info *p = proc_table_get(&d->procs, h->tgid);
        if (p && k->newfd >= 0 && k->newfd <= 2)
            p->fd_type[k->newfd] = k->typechar;
        return 0;
    }
    default:
        break;
    }
    if (h->type == KEV_NONE || h->type >= KEV_TYPE_MAX)
        goto malformed;
    fill_common(d, h, ev);
    fill_proc(d, h->tgid, ev);
    switch (h->type) {
    case KEV_EXIT: {
        ev->type = RT_EV_PROCEXIT;
        ev->u.exit.code = (int32_t)((h->ret >> 8) & 0xff);
        ev->u.exit.signal = (int32_t)(h->ret & 0x7f);
        ev->res = 0;
        proc_table_del(&d->procs, h->tgid);
        return 1;
    }
    case KEV_OPEN: {
        NEED(struct kev_open);
        const struct kev_open *k = rec;
        ev->type = open_type(h->nr);
        set_path(ev, ev->path, k->path, sizeof(k->path), k->dfd, RT_TRUNC_PATH);
        ev->u.file.flags = k->flags;
        ev->u.file.mode = k->mode;
        ev->u.file.fd = h->ret >= 0 ? (int32_t)h->ret : -1;
        if (h->ret >= 0 && (k->flags & 03 || k->flags & 01100) &&
            strcmp(ev->container_id, "host") != 0)
            written_add(d, h->cgroup_id, ev->path);
        return 1;
    }
    case KEV_RENAME: {
        NEED(struct kev_rename);
        const struct kev_rename *k = rec;
        ev->type = h->nr == 82 ? RT_EV_RENAME : h->nr == 264 ? RT_EV_RENAMEAT : RT_EV_RENAMEAT2;
        set_path(ev, ev->path, k->oldpath, sizeof(k->oldpath), k->olddfd, RT_TRUNC_PATH);
        set_path(ev, ev->path2, k->newpath, sizeof(k->newpath), k->newdfd, RT_TRUNC_PATH2);
        if (h->ret == 0 && strcmp(ev->container_id, "host") != 0)
            written_add(d, h->cgroup_id, ev->path2);
        return 1;
    }
    case KEV_UNLINK: {
        NEED(struct kev_unlink);
        const struct kev_unlink *k = rec;
        /* rmdir has no type of its own in the model: unlinkat with AT_REMOVEDIR */
        ev->type = h->nr == 87 ? RT_EV_UNLINK : RT_EV_UNLINKAT;
        set_path(ev, ev->path, k->path, sizeof(k->path), k->dfd, RT_TRUNC_PATH);
        ev->u.file.flags = k->flags;
        return 1;
    }
    case KEV_CONNECT:
    case KEV_ACCEPT:
    case KEV_BIND: {
        NEED(struct kev_sock);
        const struct kev_sock *k = rec;
        ev->type = h->type == KEV_CONNECT ? RT_EV_CONNECT
                   : h->type == KEV_BIND  ? RT_EV_BIND
                   : h->nr == 288         ? RT_EV_ACCEPT4
                                          : RT_EV_ACCEPT;
        ev->u.net.family = (uint8_t)k->family;
        ev->u.net.l4proto = k->sock_type == 3                 ? RT_L4_RAW
                            : k->proto == 6                   ? RT_L4_TCP
                            : k->proto == 17                  ? RT_L4_UDP
                            : k->proto == 1 || k->proto == 58 ? RT_L4_ICMP
                            : k->family == RT_AF_UNIX         ? RT_L4_UNKNOWN
                                                              : RT_L4_UNKNOWN;
        ev->u.net.lport = k->sport;
        ev->u.net.rport = k->dport;
        memcpy(ev->u.net.laddr, k->saddr, 16);
        memcpy(ev->u.net.raddr, k->daddr, 16);
        ev->u.net.fd = k->fd;
        if (k->family == RT_AF_UNIX) {
            char up[KEV_UNIX_LEN + 2];
            if (k->unix_path[0] == '\0') { /* abstract socket */
                up[0] = '@';
                copy_kstr(up + 1, sizeof(up) - 1, k->unix_path + 1, sizeof(k->unix_path) - 1);
            } else {
                copy_kstr(up, sizeof(up), k->unix_path, sizeof(k->unix_path));
            }
            rt_copy_str(ev->path, sizeof(ev->path), up, strlen(up));
        }
        return 1;
    }
    case KEV_SETID: {
        NEED(struct kev_setid);
        const struct kev_setid *k = rec;
        ev->type = setid_type(h->nr);
        struct proc_info *p = proc_table_get(&d->procs, h->tgid);
        ev->u.cred.old_cred = ev->cred; /* best known: the credentials now, unless tracked */
        ev->cred.suid = k->suid;
        ev->cred.fsuid = k->fsuid;
        ev->cred.sgid = k->sgid;
        ev->cred.fsgid = k->fsgid;
        ev->u.cred.new_cred = ev->cred;
        (void)p;
        return 1;
    }
    case KEV_CAPSET: {
        NEED(struct kev_capset);
        const struct kev_capset *k = rec;
        ev->type = RT_EV_CAPSET;
        ev->u.cred.old_cred = ev->cred;
        ev->cred.cap_effective = k->cap_eff;
        ev->cred.cap_permitted = k->cap_prm;
        ev->u.cred.new_cred = ev->cred;
        struct proc_info *p = proc_table_get(&d->procs, h->tgid);
        if (p) {
            p->cap_eff = k->cap_eff;
            p->cap_prm = k->cap_prm;
        }
        return 1;
    }
    case KEV_PTRACE: {
        NEED(struct kev_ptrace);
        const struct kev_ptrace *k = rec;
        ev->type = RT_EV_PTRACE;
        ev->u.ptrace.request = k->request;
        ev->u.ptrace.target_pid = k->target;
        return 1;
    }
    case KEV_MOUNT:
    case KEV_UMOUNT: {
        NEED(struct kev_mount);
        const struct kev_mount *k = rec;
        ev->type = h->type == KEV_MOUNT ? RT_EV_MOUNT : RT_EV_UMOUNT2;
        if (copy_kstr(ev->path, sizeof(ev->path), k->target, sizeof(k->target)))
            ev->truncated |= RT_TRUNC_PATH;
        if (copy_kstr(ev->path2, sizeof(ev->path2), k->source, sizeof(k->source)))
            ev->truncated |= RT_TRUNC_PATH2;
        ev->u.mount.flags = k->flags;
        if (copy_kstr(ev->u.mount.fstype, sizeof(ev->u.mount.fstype), k->fstype, sizeof(k->fstype)))
            ev->truncated |= RT_TRUNC_OTHER;
        return 1;
    }
    case KEV_MODULE: {
        NEED(struct kev_module);
        const struct kev_module *k = rec;
        char base[KEV_NAME_LEN + 1];
        ev->type = h->nr == 313 ? RT_EV_FINIT_MODULE : RT_EV_INIT_MODULE;
        copy_kstr(base, sizeof(base), k->name, sizeof(k->name));
        module_name(base, ev->u.module.name, sizeof(ev->u.module.name));
        if (k->fd >= 0) {
            char link[64];
            snprintf(link, sizeof(link), "/proc/%u/fd/%d", h->tgid, k->fd);
            ssize_t n = readlink(link, ev->path, sizeof(ev->path) - 1);
            if (n > 0)
                ev->path[n] = '\0';
            else
                rt_copy_str(ev->path, sizeof(ev->path), base, strlen(base));
        }
        return 1;
    }
    case KEV_BPF: {
        NEED(struct kev_bpf);
        const struct kev_bpf *k = rec;
        ev->type = RT_EV_BPF;
        ev->u.bpf.cmd = (int32_t)k->cmd;
        ev->u.bpf.prog_type = (int32_t)k->prog_type;
        copy_kstr(ev->u.bpf.prog_name, sizeof(ev->u.bpf.prog_name), k->prog_name,
                  sizeof(k->prog_name));
        return 1;
    }
    case KEV_MEMFD: {
        NEED(struct kev_memfd);
        const struct kev_memfd *k = rec;
        ev->type = RT_EV_MEMFD_CREATE;
        if (copy_kstr(ev->path, sizeof(ev->path), k->name, sizeof(k->name)))
            ev->truncated |= RT_TRUNC_PATH;
        ev->u.file.flags = k->flags;
        ev->u.file.fd = h->ret >= 0 ? (int32_t)h->ret : -1;
        return 1;
    }
    default:
        break;
    }
malformed:
    d->malformed++;
    return 0;
}
