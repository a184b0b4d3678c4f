/* Action `kill` (actions.h): SIGKILL through a pidfd, never to a recycled pid. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/actions.h"
#include "runtime/sensor_util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* Start of the process in ns since boot, from /proc/PID/stat field 22 (clock ticks). */
static int start_boot_ns(uint32_t pid, uint64_t *out)
{
    char p[64];
    struct strbuf sb = STRBUF_INIT;
    snprintf(p, sizeof(p), "/proc/%u/stat", pid);
    int ok = -1;
    if (sensor_read_file(p, 4096, &sb) == 0 && sb.buf) {
        const char *c = strrchr(sb.buf, ')');
        unsigned long long ticks;
        /* after ")": state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
         * cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime */
        if (c && sscanf(c + 1,
                        " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
                        "%*d %*d %llu",
                        &ticks) == 1) {
            long hz = sysconf(_SC_CLK_TCK);
            *out = ticks * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
            ok = 0;
        }
    }
    strbuf_release(&sb);
    return ok;
}

int action_kill(uint32_t pid, uint64_t event_wall_ns, int dry_run, char *detail, size_t cap)
{
    if (pid <= 1 || pid == (uint32_t)getpid()) {
        snprintf(detail, cap, "refusing to kill pid %u", pid);
        return -1;
    }
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) {
        snprintf(detail, cap, "pid %u: %s", pid, errno == ESRCH ? "already gone" : strerror(errno));
        return -1;
    }
    /* the pidfd pins the process; if /proc/PID now is a newer process than the event's, the
     * pid was recycled between the event and now */
    struct timespec rt, bt;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_BOOTTIME, &bt);
    int64_t wall_minus_boot =
        ((int64_t)rt.tv_sec - bt.tv_sec) * 1000000000ll + (rt.tv_nsec - bt.tv_nsec);
    uint64_t start;
    if (event_wall_ns && start_boot_ns(pid, &start) == 0 &&
        (int64_t)start > (int64_t)event_wall_ns - wall_minus_boot + 20000000ll) {
        close(fd);
        snprintf(detail, cap, "pid %u was reused by a newer process: not killed", pid);
        return -1;
    }
    if (dry_run) {
        close(fd);
        snprintf(detail, cap, "would send SIGKILL to pid %u", pid);
        return 0;
    }
    int rc = (int)syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
    int e = errno;
    close(fd);
    if (rc != 0) {
        snprintf(detail, cap, "SIGKILL to pid %u: %s", pid, strerror(e));
        return -1;
    }
    snprintf(detail, cap, "SIGKILL sent to pid %u", pid);
    return 0;
}
