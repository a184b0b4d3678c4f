/* Action `freeze` (actions.h): the container's whole cgroup. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/actions.h"
#include "runtime/sensor_util.h"

int action_container_cgroup(struct ct_resolver *r, const struct rt_event *ev, char *out, size_t cap)
{
    char path[4096];
    if (ct_cgroup_path(r, ev->cgroup_id, path, sizeof(path)) != 0)
        return -1;
    /* cut below the component naming the container (a container may make sub-cgroups) */
    char *hit = strstr(path, ev->container_id);
    if (!hit)
        return -1;
    char *end = strchr(hit, '/');
    if (end)
        *end = '\0';
    if (strlen(path) >= cap)
        return -1;
    memcpy(out, path, strlen(path) + 1);
    return 0;
}

/* cgroup v1: "N:freezer:/path" in /proc/PID/cgroup, below the freezer mount. */
static int freeze_v1(const struct rt_event *ev, int dry_run, char *detail, size_t cap)
{
    char p[64], file[4600];
    struct strbuf sb = STRBUF_INIT;
    snprintf(p, sizeof(p), "/proc/%u/cgroup", ev->pid);
    if (sensor_read_file(p, 65536, &sb) != 0 || !sb.buf) {
        strbuf_release(&sb);
        snprintf(detail, cap, "no cgroup v2 path and %s unreadable: process gone", p);
        return -1;
    }
    const char *line = strstr(sb.buf, ":freezer:");
    if (!line) {
        strbuf_release(&sb);
        snprintf(detail, cap, "no cgroup v2 directory and no v1 freezer for pid %u", ev->pid);
        return -1;
    }
    line += 9;
    size_t n = strcspn(line, "\n");
    snprintf(file, sizeof(file), "/sys/fs/cgroup/freezer%.*s/freezer.state", (int)n, line);
    strbuf_release(&sb);
    if (dry_run) {
        snprintf(detail, cap, "would write FROZEN to %s", file);
        return 0;
    }
    if (sensor_write_file(file, "FROZEN") != 0) {
        snprintf(detail, cap, "writing FROZEN to %s: %s", file, strerror(errno));
        return -1;
    }
    snprintf(detail, cap, "freezer.state=FROZEN on %s", file);
    return 0;
}

int action_freeze(struct ct_resolver *r, const struct rt_event *ev, int dry_run, char *detail,
                  size_t cap)
{
    char rel[4096], file[4700];
    const char *mnt = ct_cgroup2_mount(r);
    if (!mnt[0] || action_container_cgroup(r, ev, rel, sizeof(rel)) != 0)
        return freeze_v1(ev, dry_run, detail, cap);
    snprintf(file, sizeof(file), "%s%s/cgroup.freeze", mnt, rel);
    if (dry_run) {
        snprintf(detail, cap, "would write 1 to %s", file);
        return 0;
    }
    if (sensor_write_file(file, "1") != 0) {
        snprintf(detail, cap, "writing 1 to %s: %s", file, strerror(errno));
        return -1;
    }
    /* freezing completes asynchronously; cgroup.events says "frozen 1" when it has */
    char events[4700];
    snprintf(events, sizeof(events), "%s%s/cgroup.events", mnt, rel);
    int frozen = 0;
    for (int i = 0; i < 50 && !frozen; i++) {
        struct strbuf sb = STRBUF_INIT;
        if (sensor_read_file(events, 4096, &sb) == 0 && sb.buf && strstr(sb.buf, "frozen 1"))
            frozen = 1;
        strbuf_release(&sb);
        if (!frozen) {
            struct timespec ts = {0, 2000000};
            nanosleep(&ts, NULL);
        }
    }
    snprintf(detail, cap, "cgroup.freeze=1 on %s%s%s", mnt, rel,
             frozen ? " (frozen)" : " (freezing)");
    return 0;
}
