/* Finding (and if needed mounting) tracefs for the sensor's per-syscall tracepoints
 * (sensor_util.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runtime/sensor_util.h"

#define TRACEFS_DIR "/sys/kernel/tracing"
#define DEBUGFS_TRACING_DIR "/sys/kernel/debug/tracing"
#define TRACEFS_MAGIC_ 0x74726163

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int sensor_tracefs_syscalls(char *dir, size_t cap, int *mounted)
{
    *mounted = 0;
    /* libbpf reads tracepoint ids below debugfs's tracing directory whenever that exists, and
     * below /sys/kernel/tracing otherwise: look where it will look */
    if (access(DEBUGFS_TRACING_DIR, F_OK) == 0) {
        snprintf(dir, cap, "%s/events/syscalls", DEBUGFS_TRACING_DIR);
        return is_dir(dir) ? 0 : -1;
    }
    snprintf(dir, cap, "%s/events/syscalls", TRACEFS_DIR);
    if (is_dir(dir))
        return 0;
    struct statfs fs;
    if (statfs(TRACEFS_DIR, &fs) != 0)
        return -1; /* no mount point: a kernel without tracefs */
    if ((unsigned long)fs.f_type == TRACEFS_MAGIC_)
        return -1; /* mounted, but without syscall tracepoints (CONFIG_FTRACE_SYSCALLS=n) */
    if (mount("nodev", TRACEFS_DIR, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
        return -1; /* not root, or in a container without CAP_SYS_ADMIN */
    *mounted = 1;
    return is_dir(dir) ? 0 : -1;
}
