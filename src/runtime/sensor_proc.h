/* The sensor's process table: what is known of each live process (by pid = tgid) so that
 * events other than exec carry exe, argv, tty, ancestors and std fd types. Filled by exec
 * and fork records and, for processes older than the sensor, from /proc. Bounded: at most
 * PROC_TABLE_MAX processes; beyond it events of untracked processes fall back to /proc. */
#ifndef STRATA_RUNTIME_SENSOR_PROC_H
#define STRATA_RUNTIME_SENSOR_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/event.h"

#define PROC_TABLE_MAX 65536

struct proc_info {
    uint32_t pid; /* 0 = free slot */
    uint32_t ppid;
    uint32_t tty;
    uint32_t proc_flags;
    uint64_t cap_eff, cap_prm;
    uint16_t argc, args_len;
    uint8_t trunc; /* RT_TRUNC_EXE / RT_TRUNC_ARGS / RT_TRUNC_CWD */
    char fd_type[3];
    uint8_t ct_known; /* ct_* hold the container of cgroup ct_cgroup */
    uint64_t ct_cgroup;
    char ct_id[RT_CONTAINER_ID_MAX];
    char ct_type[RT_CONTAINER_TYPE_MAX];
    char comm[RT_COMM_MAX];
    char exe[RT_PATH_MAX];
    char cwd[RT_PATH_MAX];
    char args[RT_ARGS_MAX];
};

struct proc_table {
    struct proc_info *slots;
    size_t cap; /* power of two */
    size_t len;
    uint64_t full; /* inserts refused at the bound */
};

void proc_table_init(struct proc_table *t);
void proc_table_release(struct proc_table *t);
struct proc_info *proc_table_get(struct proc_table *t, uint32_t pid);
/* Returns the entry for pid (existing or new, zeroed but for pid), or NULL when full or out of
 * memory. */
struct proc_info *proc_table_put(struct proc_table *t, uint32_t pid);
void proc_table_del(struct proc_table *t, uint32_t pid);
/* Reads /proc/<pid>/{stat,exe,cmdline,cwd} into a new entry; NULL when the process is gone. */
struct proc_info *proc_table_load(struct proc_table *t, uint32_t pid);
/* Loads every process in /proc. */
void proc_table_scan(struct proc_table *t);
/* Splits a NUL-separated argv buffer: counts strings, drops a trailing partial one when cut. */
uint16_t proc_count_args(const char *args, size_t len);

#endif
