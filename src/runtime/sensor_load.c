/* Loading, configuring and reading the eBPF sensor (sensor.h). */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bpf/sensor_abi.h"
#include "runtime/sensor.h"
#include "runtime/sensor_util.h"
#include "sensor.skel.h"

#define DEFAULT_RING (16u << 20)
#define DROP_CHECK_NS 200000000ull /* read the kernel drop counters every 200 ms at most */

struct sensor {
    struct strata_sensor *skel;
    struct ring_buffer *rb;
    struct sensor_decoder *dec;
    struct ct_resolver *resolver;
    const char *attach_kind;
    char unhooked[256];   /* syscalls without a tracepoint here (sensor_unhooked_syscalls) */
    int have_rdonly_cast; /* the kernel has bpf_rdonly_cast: the file-name pre-filter works */
    int ncpu;
    uint64_t *percpu; /* scratch for per-CPU reads */
    struct sensor_stats st;
    uint64_t last_drop_check;
    uint64_t drops_reported;
    /* the callback of the current poll */
    sensor_event_fn fn;
    void *ctx;
    int stopped;
    struct rt_event ev;
};

/* ---- libbpf messages: kept (the last lines explain a load failure), printed only with
 * STRATA_BPF_DEBUG set ---- */
static char libbpf_last[2048];

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    char line[512];
    va_list cp;
    va_copy(cp, ap);
    vsnprintf(line, sizeof(line), fmt, cp);
    va_end(cp);
    if (getenv("STRATA_BPF_DEBUG"))
        fputs(line, stderr);
    if (level == LIBBPF_DEBUG)
        return 0;
    size_t have = strlen(libbpf_last), add = strlen(line);
    if (have + add >= sizeof(libbpf_last))
        have = 0;
    memcpy(libbpf_last + have, line, add + 1);
    return 0;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- prerequisites ---- */

static int has_cap(unsigned bit)
{
    struct strbuf sb = STRBUF_INIT;
    int have = 0;
    if (sensor_read_file("/proc/self/status", 1u << 16, &sb) == 0 && sb.buf) {
        const char *p = strstr(sb.buf, "\nCapEff:");
        unsigned long long caps;
        if (p && sscanf(p + 8, "%llx", &caps) == 1)
            have = (caps >> bit) & 1;
    }
    strbuf_release(&sb);
    return have;
}

static int preflight(struct strata_error *err)
{
    struct utsname u;
    int major = 0, minor = 0;
    if (uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
        (major < 5 || (major == 5 && minor < 8)))
        return strata_error_set(err, STRATA_EIO,
                                "kernel %s is too old: strata watch needs Linux 5.8 or later "
                                "(BPF ring buffer, BTF-typed tracepoints)",
                                u.release);
    /* CAP_BPF (39) + CAP_PERFMON (38), or CAP_SYS_ADMIN (21) on older kernels */
    if (geteuid() != 0 && !(has_cap(39) && has_cap(38)) && !has_cap(21))
        return strata_error_set(err, STRATA_EUSAGE,
                                "strata watch needs root (or CAP_BPF, CAP_PERFMON and "
                                "CAP_DAC_READ_SEARCH) to load its eBPF sensor; running as uid %u "
                                "without them",
                                (unsigned)geteuid());
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
        return strata_error_set(err, STRATA_ENOTFOUND,
                                "kernel BTF missing: /sys/kernel/btf/vmlinux: %s (the sensor is "
                                "CO-RE and needs a kernel built with CONFIG_DEBUG_INFO_BTF=y)",
                                strerror(errno));
    return 0;
}

static int load_error(int rc, const char *what, struct strata_error *err)
{
    int e = rc < 0 ? -rc : rc;
    char detail[600];
    const char *last = libbpf_last;
    size_t n = strlen(last);
    /* the last libbpf line says what the kernel refused */
    while (n > 0 && (last[n - 1] == '\n'))
        n--;
    size_t b = n;
    while (b > 0 && last[b - 1] != '\n')
        b--;
    snprintf(detail, sizeof(detail), "%.*s", (int)(n - b), last + b);
    if (e == EPERM || e == EACCES) {
        struct strbuf sb = STRBUF_INIT;
        const char *lock = "";
        if (sensor_read_file("/sys/kernel/security/lockdown", 256, &sb) == 0 && sb.buf &&
            strstr(sb.buf, "[confidentiality]"))
            lock = "; kernel lockdown is in confidentiality mode, which forbids it";
        int rc2 = strata_error_set(err, STRATA_EIO,
                                   "BPF not permitted: %s failed: %s (a seccomp filter, a "
                                   "container without CAP_BPF/CAP_SYS_ADMIN, or kernel "
                                   "lockdown refuses bpf()%s)%s%s",
                                   what, strerror(e), lock, detail[0] ? ": " : "", detail);
        strbuf_release(&sb);
        return rc2;
    }
    return strata_error_set(err, STRATA_EIO, "loading the eBPF sensor: %s failed: %s%s%s", what,
                            strerror(e), detail[0] ? ": " : "", detail);
}

/* ---- watched paths ---- */

struct path_key {
    uint32_t prefixlen;
    char data[KEV_PATH_LEN];
};

/* The default kernel-side filter (docs/strata-watch.md): writes are reported anywhere but
 * in pseudo filesystems; reads only of credentials, keys, tokens and sockets; renames and
 * unlinks below system and log directories. */
static const struct {
    const char *prefix;
    unsigned bits;
} default_watch[] = {
    {"/", WATCH_WRITE},
    {"/proc/", 0},
    {"/sys/", 0},
    {"/dev/", 0},
    {"/dev/shm/", WATCH_WRITE | WATCH_TREE},
    {"/etc/", WATCH_WRITE | WATCH_TREE},
    {"/etc/shadow", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/etc/gshadow", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/etc/sudoers", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/etc/pam.d/", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/etc/ssh/", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/etc/kubernetes/", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/root/.ssh/", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/root/.aws/", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/root/.kube/", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/root/.docker/", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/var/run/secrets/", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/run/secrets/", WATCH_READ | WATCH_WRITE | WATCH_TREE},
    {"/var/run/docker.sock", WATCH_READ | WATCH_WRITE},
    {"/run/docker.sock", WATCH_READ | WATCH_WRITE},
    {"/var/run/containerd/", WATCH_READ | WATCH_WRITE},
    {"/run/containerd/", WATCH_READ | WATCH_WRITE},
    {"/bin/", WATCH_WRITE | WATCH_TREE},
    {"/sbin/", WATCH_WRITE | WATCH_TREE},
    {"/usr/bin/", WATCH_WRITE | WATCH_TREE},
    {"/usr/sbin/", WATCH_WRITE | WATCH_TREE},
    {"/usr/local/bin/", WATCH_WRITE | WATCH_TREE},
    {"/usr/local/sbin/", WATCH_WRITE | WATCH_TREE},
    {"/lib/", WATCH_WRITE | WATCH_TREE},
    {"/lib64/", WATCH_WRITE | WATCH_TREE},
    {"/usr/lib/", WATCH_WRITE | WATCH_TREE},
    {"/boot/", WATCH_WRITE | WATCH_TREE},
    {"/var/log/", WATCH_WRITE | WATCH_TREE},
    {"/var/spool/cron/", WATCH_WRITE | WATCH_TREE},
};

/* Bytes 1 and 2 of a WATCH_READ prefix, for the kernel's read-only pre-filter. */
static void read_head_add(struct sensor *s, const char *prefix)
{
    unsigned idx = (unsigned)(unsigned char)prefix[1] | (unsigned)(unsigned char)prefix[2] << 8;
    s->skel->bss->read_head_bits[idx >> 3] |= (uint8_t)(1u << (idx & 7));
}

/* For the kernel's file-name pre-filter (file_may_be_watched in sensor.bpf.c): the first two
 * bytes of the component every path below the prefix has among its names — its last
 * component, a name beginning with it (/etc/sudoers: sudoers, sudoers.d), or for a prefix
 * ending in '/' the directory it names, whole (/etc/ssh/: ssh). */
static void name_head_add(struct sensor *s, const char *prefix)
{
    uint8_t *bits = s->skel->bss->name_head_bits;
    size_t n = strlen(prefix);
    int whole = n > 1 && prefix[n - 1] == '/';
    const char *end = prefix + n - (whole ? 1 : 0), *start = end;
    while (start > prefix && start[-1] != '/')
        start--;
    size_t len = (size_t)(end - start);
    if (len == 0) { /* "/" itself: every name */
        memset(bits, 0xff, sizeof(s->skel->bss->name_head_bits));
        return;
    }
    unsigned c0 = (unsigned char)start[0];
    if (len >= 2 || whole) {
        unsigned idx = c0 | (len >= 2 ? (unsigned)(unsigned char)start[1] : 0u) << 8;
        bits[idx >> 3] |= (uint8_t)(1u << (idx & 7));
        return;
    }
    for (unsigned c1 = 0; c1 < 256; c1++) { /* a one-byte name prefix: any second byte */
        unsigned idx = c0 | c1 << 8;
        bits[idx >> 3] |= (uint8_t)(1u << (idx & 7));
    }
}

/* Whether the kernel has the bpf_rdonly_cast kfunc the file-name pre-filter needs (6.2+). */
static int kernel_has_rdonly_cast(void)
{
    struct btf *btf = btf__load_vmlinux_btf();
    if (!btf)
        return 0;
    int have = btf__find_by_name_kind(btf, "bpf_rdonly_cast", BTF_KIND_FUNC) > 0;
    btf__free(btf);
    return have;
}

/* Whether every read-watched prefix has 3 bytes (then the pre-filter is exact). */
static int prefilter_ok(const struct sensor_opts *o)
{
    if (!o->no_default_watch)
        for (size_t i = 0; i < sizeof(default_watch) / sizeof(default_watch[0]); i++)
            if ((default_watch[i].bits & WATCH_READ) && strlen(default_watch[i].prefix) < 3)
                return 0;
    for (size_t i = 0; o->watch && o->watch[i]; i++)
        if (strlen(o->watch[i]) < 3)
            return 0;
    return 1;
}

static int watch_add(struct sensor *s, const char *prefix, unsigned bits, struct strata_error *err)
{
    struct path_key k;
    size_t n = strlen(prefix);
    if (n == 0 || n >= sizeof(k.data) || prefix[0] != '/')
        return strata_error_set(err, STRATA_EUSAGE,
                                "--watch %s: an absolute path shorter than %d bytes is needed",
                                prefix, KEV_PATH_LEN);
    memset(&k, 0, sizeof(k));
    memcpy(k.data, prefix, n);
    k.prefixlen = (uint32_t)(n * 8);
    uint32_t v = bits;
    if (bpf_map__update_elem(s->skel->maps.watch_paths, &k, sizeof(k), &v, sizeof(v), BPF_ANY) != 0)
        return strata_error_set(err, STRATA_EIO, "configuring watched path %s: %s", prefix,
                                strerror(errno));
    if ((bits & WATCH_READ) && n >= 3) {
        read_head_add(s, prefix);
        name_head_add(s, prefix);
    }
    return 0;
}

/* ---- open ---- */

static const char *const attach_names[] = {
    [SENSOR_ATTACH_TRACEPOINT] = "tracepoint",
    [SENSOR_ATTACH_TP_BTF] = "tp_btf",
    [SENSOR_ATTACH_RAW_TP] = "raw_tp",
};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Chooses the programs of one attach kind (their names say which: sc_* per-syscall
 * tracepoints, *_btf, *_raw). With per-syscall tracepoints, a program whose tracepoint is not
 * in tc_dir (a syscall this kernel does not implement) is left out and named in unhooked.
 * Returns -1 when the kind cannot work here (openat has no tracepoint). */
static int set_autoload(struct sensor *s, enum sensor_attach kind, const char *tp_dir)
{
    struct bpf_program *p;
    int have_openat = 0;
    s->unhooked[0] = '\0';
    bpf_object__for_each_program(p, s->skel->obj)
    {
        const char *name = bpf_program__name(p);
        bool load;
        if (strncmp(name, "sc_", 3) == 0) {
            load = kind == SENSOR_ATTACH_TRACEPOINT;
            if (load) {
                /* "tracepoint/syscalls/sys_exit_X" -> TP_DIR/sys_exit_X */
                const char *sec = bpf_program__section_name(p), *tp = strrchr(sec, '/');
                char path[512];
                struct stat st;
                snprintf(path, sizeof(path), "%s%s", tp_dir, tp ? tp : "");
                load = tp && stat(path, &st) == 0;
                if (!load) {
                    size_t have = strlen(s->unhooked);
                    snprintf(s->unhooked + have, sizeof(s->unhooked) - have, "%s%s",
                             have ? "," : "", name + 3);
                }
                have_openat |= load && strcmp(name, "sc_openat") == 0;
            }
        } else if (ends_with(name, "_raw")) {
            load = kind == SENSOR_ATTACH_RAW_TP;
        } else {
            load = kind == SENSOR_ATTACH_TP_BTF ||
                   (kind == SENSOR_ATTACH_TRACEPOINT && strcmp(name, "sys_exit_btf") != 0);
        }
        bpf_program__set_autoload(p, load);
    }
    return kind == SENSOR_ATTACH_TRACEPOINT && !have_openat ? -1 : 0;
}

static int try_load(struct sensor *s, const struct sensor_opts *o, enum sensor_attach kind,
                    int *rc_out)
{
    char tp_dir[256] = "";
    if (kind == SENSOR_ATTACH_TRACEPOINT) {
        int mounted = 0; /* left mounted, as a boot would have it */
        if (sensor_tracefs_syscalls(tp_dir, sizeof(tp_dir), &mounted) != 0) {
            snprintf(libbpf_last, sizeof(libbpf_last),
                     "no syscall tracepoints: tracefs is not mounted at /sys/kernel/tracing "
                     "and could not be, or the kernel has no CONFIG_FTRACE_SYSCALLS\n");
            *rc_out = -ENOENT;
            return -1;
        }
    }
    s->skel = strata_sensor__open();
    if (!s->skel) {
        *rc_out = -errno;
        return -1;
    }
    if (set_autoload(s, kind, tp_dir) != 0) {
        snprintf(libbpf_last, sizeof(libbpf_last), "no tracepoint %s/sys_exit_openat\n", tp_dir);
        strata_sensor__destroy(s->skel);
        s->skel = NULL;
        *rc_out = -ENOENT;
        return -1;
    }
    s->skel->rodata->self_tgid = (uint32_t)getpid();
    s->skel->rodata->read_prefilter = (uint32_t)prefilter_ok(o);
    s->skel->rodata->file_prefilter =
        kind != SENSOR_ATTACH_RAW_TP && prefilter_ok(o) && s->have_rdonly_cast;
    s->skel->rodata->btf_mode = kind == SENSOR_ATTACH_RAW_TP ? 0 : 1;
    size_t ring = o->ring_bytes ? o->ring_bytes : DEFAULT_RING;
    bpf_map__set_max_entries(s->skel->maps.events, (uint32_t)ring);
    s->skel->rodata->wakeup_bytes = ring / 8;
    int rc = strata_sensor__load(s->skel);
    if (rc == 0)
        rc = strata_sensor__attach(s->skel);
    if (rc != 0) {
        strata_sensor__destroy(s->skel);
        s->skel = NULL;
        *rc_out = rc;
        return -1;
    }
    s->attach_kind = attach_names[kind];
    if (kind != SENSOR_ATTACH_TRACEPOINT)
        s->unhooked[0] = '\0';
    return 0;
}

/* The kind asked for: the option, else $STRATA_WATCH_ATTACH, else AUTO. */
static int wanted_attach(const struct sensor_opts *o, enum sensor_attach *out,
                         struct strata_error *err)
{
    *out = o->attach;
    const char *env = getenv("STRATA_WATCH_ATTACH");
    if (*out != SENSOR_ATTACH_AUTO || !env || !*env)
        return 0;
    for (int k = SENSOR_ATTACH_TRACEPOINT; k <= SENSOR_ATTACH_RAW_TP; k++)
        if (strcmp(env, attach_names[k]) == 0) {
            *out = (enum sensor_attach)k;
            return 0;
        }
    return strata_error_set(err, STRATA_EUSAGE,
                            "STRATA_WATCH_ATTACH=%s: tracepoint, tp_btf or raw_tp is needed", env);
}

static int on_record(void *ctx, void *data, size_t len);

int sensor_open(const struct sensor_opts *o, struct sensor **out, struct strata_error *err)
{
    int rc = preflight(err);
    if (rc != 0)
        return rc;
    if (o->ring_bytes && (o->ring_bytes < 4096 || (o->ring_bytes & (o->ring_bytes - 1)) ||
                          o->ring_bytes > (1u << 30)))
        return strata_error_set(err, STRATA_EUSAGE,
                                "--ring-size %zu: a power of two from 4096 to 1 GiB is needed",
                                o->ring_bytes);
    struct sensor *s = calloc(1, sizeof(*s));
    if (!s)
        return strata_error_nomem(err);
    libbpf_set_print(libbpf_log);
    libbpf_last[0] = '\0';
    enum sensor_attach want;
    if ((rc = wanted_attach(o, &want, err)) != 0) {
        free(s);
        return rc;
    }
    s->have_rdonly_cast = kernel_has_rdonly_cast();
    int lrc = 0, loaded = 0;
    /* cheapest first (docs/strata-watch.md): per-syscall tracepoints, tp_btf, raw_tp */
    for (int k = SENSOR_ATTACH_TRACEPOINT; k <= SENSOR_ATTACH_RAW_TP && !loaded; k++)
        if (want == SENSOR_ATTACH_AUTO || want == (enum sensor_attach)k)
            loaded = try_load(s, o, (enum sensor_attach)k, &lrc) == 0;
    if (!loaded) {
        free(s);
        return load_error(lrc, "loading and attaching the sensor programs", err);
    }
    s->ncpu = libbpf_num_possible_cpus();
    if (s->ncpu <= 0 || !(s->percpu = calloc((size_t)s->ncpu, sizeof(uint64_t)))) {
        sensor_close(s);
        return strata_error_nomem(err);
    }
    if ((rc = ct_resolver_new(NULL, &s->resolver, err)) != 0 ||
        (rc = sensor_decoder_new(s->resolver, o->meta, &s->dec, err)) != 0) {
        sensor_close(s);
        return rc;
    }
    if (!o->no_default_watch)
        for (size_t i = 0; i < sizeof(default_watch) / sizeof(default_watch[0]); i++)
            if ((rc = watch_add(s, default_watch[i].prefix, default_watch[i].bits, err)) != 0) {
                sensor_close(s);
                return rc;
            }
    if (o->no_default_watch && (rc = watch_add(s, "/", WATCH_WRITE, err)) != 0) {
        sensor_close(s);
        return rc;
    }
    for (size_t i = 0; o->watch && o->watch[i]; i++)
        if ((rc = watch_add(s, o->watch[i], WATCH_READ | WATCH_WRITE | WATCH_TREE, err)) != 0) {
            sensor_close(s);
            return rc;
        }
    s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_record, s, NULL);
    if (!s->rb) {
        int e = errno;
        sensor_close(s);
        return strata_error_set(err, STRATA_EIO, "opening the sensor's ring buffer: %s",
                                strerror(e));
    }
    /* processes older than the sensor: their exe, argv and parents */
    sensor_decoder_scan_proc(s->dec);
    *out = s;
    return 0;
}

void sensor_close(struct sensor *s)
{
    if (!s)
        return;
    ring_buffer__free(s->rb);
    strata_sensor__destroy(s->skel);
    sensor_decoder_free(s->dec);
    ct_resolver_free(s->resolver);
    free(s->percpu);
    free(s);
}

/* ---- reading ---- */

static int on_record(void *ctx, void *data, size_t len)
{
    struct sensor *s = ctx;
    s->st.records++;
    if (s->stopped)
        return 0;
    if (sensor_decode(s->dec, data, len, &s->ev) == 1) {
        s->st.events++;
        if (s->fn && s->fn(&s->ev, s->ctx) != 0)
            s->stopped = 1;
    }
    return 0;
}

static uint64_t read_drops(struct sensor *s)
{
    uint64_t total = 0;
    for (uint32_t t = 0; t < KEV_TYPE_MAX; t++) {
        uint64_t sum = 0;
        if (bpf_map__lookup_elem(s->skel->maps.drops, &t, sizeof(t), s->percpu,
                                 (size_t)s->ncpu * sizeof(uint64_t), 0) == 0)
            for (int c = 0; c < s->ncpu; c++)
                sum += s->percpu[c];
        if (t < sizeof(s->st.kernel_drops_by_type) / sizeof(s->st.kernel_drops_by_type[0]))
            s->st.kernel_drops_by_type[t] = sum;
        total += sum;
    }
    s->st.kernel_drops = total;
    return total;
}

int sensor_poll(struct sensor *s, int timeout_ms, sensor_event_fn fn, void *ctx,
                struct strata_error *err)
{
    uint64_t before = s->st.events;
    s->fn = fn;
    s->ctx = ctx;
    s->stopped = 0;
    /* records are submitted without a wakeup below the kernel's byte threshold: the epoll
     * timeout is what picks them up, so consume whatever is there after it */
    int rc = ring_buffer__poll(s->rb, timeout_ms);
    if (rc >= 0 && !s->stopped)
        rc = ring_buffer__consume(s->rb);
    if (rc < 0 && rc != -EINTR)
        return strata_error_set(err, STRATA_EIO, "reading the sensor's ring buffer: %s",
                                strerror(-rc));
    uint64_t t = now_ns();
    if (t - s->last_drop_check >= DROP_CHECK_NS) {
        s->last_drop_check = t;
        uint64_t total = read_drops(s);
        if (total > s->drops_reported) {
            struct rt_event *ev = &s->ev;
            rt_event_init(ev);
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ev->ts_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
            ev->type = RT_EV_DROP;
            ev->pid = ev->tid = (uint32_t)getpid();
            snprintf(ev->comm, sizeof(ev->comm), "strata");
            ev->u.drop.lost = total - s->drops_reported;
            snprintf(ev->u.drop.source, sizeof(ev->u.drop.source), "ringbuf");
            s->drops_reported = total;
            s->st.events++;
            if (fn)
                fn(ev, ctx);
        }
    }
    s->st.malformed = sensor_decoder_malformed(s->dec);
    s->st.proc_table_full = sensor_decoder_table_full(s->dec);
    return (int)(s->st.events - before);
}

void sensor_stats(const struct sensor *s, struct sensor_stats *out)
{
    *out = s->st;
}

const char *sensor_attach_kind(const struct sensor *s)
{
    return s->attach_kind;
}

const char *sensor_unhooked_syscalls(const struct sensor *s)
{
    return s->unhooked;
}

struct ct_resolver *sensor_resolver(struct sensor *s)
{
    return s->resolver;
}
