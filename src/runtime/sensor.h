/* The eBPF sensor of `strata watch` (docs/strata-watch.md): loads src/runtime/bpf/sensor.bpf.c
 * through its libbpf skeleton, configures the kernel-side filters, reads the ring buffer and
 * turns each record into a struct rt_event (runtime/event.h), enriched from a process table
 * (exe, argv, ancestors, ttys of processes seen at exec or found in /proc) and container
 * attribution (runtime/container_id.h).
 *
 * Threading: one thread owns a struct sensor (open, poll, close). */
#ifndef STRATA_RUNTIME_SENSOR_H
#define STRATA_RUNTIME_SENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/container_id.h"
#include "runtime/event.h"
#include "strata/error.h"

/* Attach points (docs/strata-watch.md). AUTO takes the first this kernel accepts, in this
 * order; the environment variable STRATA_WATCH_ATTACH (tracepoint, tp_btf, raw_tp) forces one
 * for AUTO too. A forced kind that cannot be loaded is an error, not a fallback. */
enum sensor_attach {
    SENSOR_ATTACH_AUTO = 0,
    SENSOR_ATTACH_TRACEPOINT, /* per-syscall exit tracepoints (tracefs) + tp_btf sched events */
    SENSOR_ATTACH_TP_BTF,     /* tp_btf: sched events and one sys_exit program for every syscall */
    SENSOR_ATTACH_RAW_TP,     /* the same as plain raw tracepoints (kernels without tp_btf) */
};

struct sensor_opts {
    size_t ring_bytes;          /* ring buffer size, power of two >= 4096; 0 = 16 MiB */
    const char *const *watch;   /* extra paths whose reads, writes, renames and unlinks are
                                   reported (NULL-terminated, may be NULL) */
    int no_default_watch;       /* report only what `watch` names (plus writes anywhere) */
    const struct ct_meta *meta; /* --containers metadata, may be NULL */
    enum sensor_attach attach;  /* AUTO unless a test or a bench wants one kind */
};

/* Counters, cumulative since open. */
struct sensor_stats {
    uint64_t records;                  /* ring buffer records read */
    uint64_t events;                   /* rt_events produced */
    uint64_t kernel_drops;             /* records the kernel could not queue (ring full) */
    uint64_t kernel_drops_by_type[32]; /* by enum kev_type */
    uint64_t malformed;                /* records shorter than their type says: ignored */
    uint64_t proc_table_full;          /* processes not tracked: table at its bound */
};

struct sensor;

/* Checks the prerequisites (root or CAP_BPF+CAP_PERFMON, kernel >= 5.8, BTF, BPF allowed) and
 * loads and attaches the programs. Errors name what is missing: STRATA_EUSAGE "not root …",
 * STRATA_ENOTFOUND "kernel BTF missing: /sys/kernel/btf/vmlinux …", STRATA_EIO "BPF not
 * permitted …" / "kernel 4.19 too old …". */
int sensor_open(const struct sensor_opts *opts, struct sensor **out, struct strata_error *err);

/* Called for each event; return non-zero to stop the current poll early. */
typedef int (*sensor_event_fn)(const struct rt_event *ev, void *ctx);

/* Waits up to timeout_ms for records and delivers every queued one. Returns the number of
 * events delivered, or a negative STRATA_E* code (err filled). A change in the kernel drop
 * counters is delivered as one RT_EV_DROP event ("ringbuf"). */
int sensor_poll(struct sensor *s, int timeout_ms, sensor_event_fn fn, void *ctx,
                struct strata_error *err);

void sensor_stats(const struct sensor *s, struct sensor_stats *out);
/* "tracepoint", "tp_btf" or "raw_tp": which attach points were used. */
const char *sensor_attach_kind(const struct sensor *s);
/* With "tracepoint": the watched syscalls this kernel has no tracepoint for, because it does
 * not implement them (e.g. "init_module,finit_module" without CONFIG_MODULES; their attempts,
 * which fail with ENOSYS, are not reported). "" when none, and with the other kinds. */
const char *sensor_unhooked_syscalls(const struct sensor *s);
/* The attribution resolver the sensor uses (shared with the actions). */
struct ct_resolver *sensor_resolver(struct sensor *s);
void sensor_close(struct sensor *s);

/* ---- decoding (no BPF needed: unit tests drive it with synthetic records) ---- */
struct sensor_decoder;
/* resolver and meta may be NULL (every process is then the host unless cgroup says so). */
int sensor_decoder_new(struct ct_resolver *resolver, const struct ct_meta *meta,
                       struct sensor_decoder **out, struct strata_error *err);
/* Turns one ring buffer record into ev. Returns 1 when ev holds an event, 0 for records that
 * only update the process table (fork, dup) or are malformed (counted), never fails. */
int sensor_decode(struct sensor_decoder *d, const void *rec, size_t len, struct rt_event *ev);
/* Seeds the process table from /proc (processes started before the sensor). */
void sensor_decoder_scan_proc(struct sensor_decoder *d);
uint64_t sensor_decoder_malformed(const struct sensor_decoder *d);
uint64_t sensor_decoder_table_full(const struct sensor_decoder *d);
void sensor_decoder_free(struct sensor_decoder *d);

#endif
