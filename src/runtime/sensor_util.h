/* Small helpers the runtime sensor, attribution and actions share. */
#ifndef STRATA_RUNTIME_SENSOR_UTIL_H
#define STRATA_RUNTIME_SENSOR_UTIL_H

#include <stddef.h>

#include "core/strbuf.h"

/* Reads at most max bytes of path into sb (replacing its content). Returns 0, -1 with errno
 * set when the file cannot be read, or -2 when it is longer than max (sb then holds the first
 * max bytes). Works for /proc and cgroupfs files, whose stat size is 0. */
int sensor_read_file(const char *path, size_t max, struct strbuf *sb);

/* Writes s to an existing file (a cgroup control file) in one write(2). 0 or -1 (errno). */
int sensor_write_file(const char *path, const char *s);

/* Copies the NUL-terminated s into dst[cap], cutting it; returns 1 when cut. */
int sensor_strlcpy(char *dst, const char *s, size_t cap);

/* The directory holding the syscall tracepoints (events/syscalls) where libbpf will look for
 * them: below /sys/kernel/debug/tracing when that exists, else /sys/kernel/tracing, which is
 * mounted (tracefs, left mounted; *mounted set) when nothing is mounted there and we may.
 * Returns 0 with dir filled, or -1 when this kernel or these privileges give none. */
int sensor_tracefs_syscalls(char *dir, size_t cap, int *mounted);

#endif
