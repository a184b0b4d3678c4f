/* Automated response of `strata watch` (docs/strata-watch.md): a rule's `action:` carried out
 * on the event that matched it.
 *   kill     SIGKILL to the offending process through a pidfd (pidfd_open + a start-time
 *            check against the event's time, then pidfd_send_signal: a recycled pid is never
 *            signalled)
 *   freeze   the whole container: cgroup v2 `cgroup.freeze` = 1 on its cgroup (v1: freezer.state
 *            = FROZEN in the freezer hierarchy)
 *   isolate  cgroup_skb ingress+egress programs dropping every packet, attached to the
 *            container's cgroup v2 and pinned under BPFFS/strata/<id>/
 * Host processes are never frozen or isolated (kill still applies). Every attempt yields an
 * RT_EV_ACTION event (done, failed with the reason, dry-run, rate-limited). Rate limits: at
 * most max_per_minute actions a minute overall, and one action of a kind per target (pid or
 * container) a minute. */
#ifndef STRATA_RUNTIME_ACTIONS_H
#define STRATA_RUNTIME_ACTIONS_H

#include <stddef.h>

#include "runtime/container_id.h"
#include "runtime/event.h"
#include "strata/error.h"

struct actions_opts {
    int dry_run;
    unsigned max_per_minute; /* 0 = 20 */
    const char *bpffs;       /* NULL = /sys/fs/bpf */
};

struct actions;

/* resolver: the sensor's (cgroup id -> path); may be NULL (then a private one is made). */
int actions_new(const struct actions_opts *o, struct ct_resolver *resolver, struct actions **out,
                struct strata_error *err);
void actions_free(struct actions *a);

/* Carries out kind for ev (matched by rule) and describes it in out (an RT_EV_ACTION event
 * carrying ev's process and container). */
void actions_take(struct actions *a, enum rt_action_kind kind, const char *rule,
                  const struct rt_event *ev, struct rt_event *out);

/* `strata watch release ID`: removes the isolation pins of the container whose id is or starts
 * with id (at least 12 hex digits) and thaws its cgroup if frozen. Writes what was done into
 * detail. 0, STRATA_ENOTFOUND when nothing is isolated or frozen for it, STRATA_EUSAGE for a
 * malformed id, STRATA_EIO. */
int actions_release(const char *bpffs, const char *id, char *detail, size_t cap,
                    struct strata_error *err);

/* ---- pieces (actions_*.c) ---- */
/* 0 and detail on success, -1 and detail (the reason) on failure. */
int action_kill(uint32_t pid, uint64_t event_wall_ns, int dry_run, char *detail, size_t cap);
int action_freeze(struct ct_resolver *r, const struct rt_event *ev, int dry_run, char *detail,
                  size_t cap);
int action_isolate(struct actions *a, struct ct_resolver *r, const struct rt_event *ev, int dry_run,
                   char *detail, size_t cap);
/* Finds the directory of the container's cgroup (the component naming the id) below the
 * cgroup v2 mount: path relative to the mount into out. 0 or -1. */
int action_container_cgroup(struct ct_resolver *r, const struct rt_event *ev, char *out,
                            size_t cap);
const char *actions_bpffs(const struct actions *a);

#endif
