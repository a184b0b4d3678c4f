/* Response dispatch, rate limits and the action events (actions.h). */
#include "runtime/actions.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/sensor_util.h"

#define RECENT_MAX 256
#define MINUTE_NS 60000000000ull

struct recent {
    uint64_t at;
    uint8_t kind;
    char key[RT_CONTAINER_ID_MAX]; /* container id, or the pid for kill */
};

struct actions {
    struct actions_opts o;
    char bpffs[256];
    struct ct_resolver *resolver;
    int own_resolver;
    uint64_t window_start;
    unsigned in_window;
    struct recent recent[RECENT_MAX];
    size_t recent_next;
    void *isolate_skel; /* loaded on first use (actions_isolate.c) */
};

void actions_isolate_unload(struct actions *a);

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int actions_new(const struct actions_opts *o, struct ct_resolver *resolver, struct actions **out,
                struct strata_error *err)
{
    struct actions *a = calloc(1, sizeof(*a));
    if (!a)
        return strata_error_nomem(err);
    a->o = *o;
    if (!a->o.max_per_minute)
        a->o.max_per_minute = 20;
    snprintf(a->bpffs, sizeof(a->bpffs), "%s", o->bpffs ? o->bpffs : "/sys/fs/bpf");
    a->resolver = resolver;
    if (!resolver) {
        int rc = ct_resolver_new(NULL, &a->resolver, err);
        if (rc != 0) {
            free(a);
            return rc;
        }
        a->own_resolver = 1;
    }
    *out = a;
    return 0;
}

void actions_free(struct actions *a)
{
    if (!a)
        return;
    actions_isolate_unload(a);
    if (a->own_resolver)
        ct_resolver_free(a->resolver);
    free(a);
}

const char *actions_bpffs(const struct actions *a)
{
    return a->bpffs;
}

void actions_set_isolate_skel(struct actions *a, void *skel);
void *actions_isolate_skel(struct actions *a);

void *actions_isolate_skel(struct actions *a)
{
    return a->isolate_skel;
}

void actions_set_isolate_skel(struct actions *a, void *skel)
{
    a->isolate_skel = skel;
}

static int recently(struct actions *a, uint8_t kind, const char *key, uint64_t now)
{
    for (size_t i = 0; i < RECENT_MAX; i++)
        if (a->recent[i].at && a->recent[i].kind == kind && now - a->recent[i].at < MINUTE_NS &&
            strcmp(a->recent[i].key, key) == 0)
            return 1;
    return 0;
}

static void remember(struct actions *a, uint8_t kind, const char *key, uint64_t now)
{
    struct recent *r = &a->recent[a->recent_next];
    a->recent_next = (a->recent_next + 1) % RECENT_MAX;
    r->at = now;
    r->kind = kind;
    sensor_strlcpy(r->key, key, sizeof(r->key));
}

void actions_take(struct actions *a, enum rt_action_kind kind, const char *rule,
                  const struct rt_event *ev, struct rt_event *out)
{
    char detail[RT_DETAIL_MAX];
    char key[RT_CONTAINER_ID_MAX];
    uint64_t now = mono_ns();
    struct timespec wall;

    /* the action event carries the offending process and its container */
    *out = *ev;
    out->type = RT_EV_ACTION;
    out->res = 0;
    out->path[0] = out->path2[0] = '\0';
    memset(&out->u, 0, sizeof(out->u));
    clock_gettime(CLOCK_REALTIME, &wall);
    out->ts_ns = (uint64_t)wall.tv_sec * 1000000000ull + (uint64_t)wall.tv_nsec;
    out->seq = 0;
    out->u.action.kind = (uint8_t)kind;
    out->u.action.target_pid = kind == RT_ACT_KILL ? ev->pid : 0;
    if (sensor_strlcpy(out->u.action.rule, rule ? rule : "", sizeof(out->u.action.rule)))
        out->truncated |= RT_TRUNC_OTHER;

    if (kind == RT_ACT_KILL)
        snprintf(key, sizeof(key), "%u", ev->pid);
    else
        sensor_strlcpy(key, ev->container_id, sizeof(key));

    int rc;
    if (kind != RT_ACT_KILL && strcmp(ev->container_id, "host") == 0) {
        snprintf(detail, sizeof(detail),
                 "not in a container: %s acts on containers only (pid %u is on the host)",
                 rt_action_kind_name(kind), ev->pid);
        rc = -1;
    } else if (recently(a, (uint8_t)kind, key, now)) {
        out->u.action.result = RT_ACT_RATE_LIMITED;
        snprintf(detail, sizeof(detail), "%s already taken on %s in the last minute",
                 rt_action_kind_name(kind), key);
        sensor_strlcpy(out->u.action.detail, detail, sizeof(out->u.action.detail));
        return;
    } else {
        if (now - a->window_start >= MINUTE_NS) {
            a->window_start = now;
            a->in_window = 0;
        }
        if (a->in_window >= a->o.max_per_minute) {
            out->u.action.result = RT_ACT_RATE_LIMITED;
            snprintf(detail, sizeof(detail), "more than %u actions in a minute (--action-rate)",
                     a->o.max_per_minute);
            sensor_strlcpy(out->u.action.detail, detail, sizeof(out->u.action.detail));
            return;
        }
        a->in_window++;
        remember(a, (uint8_t)kind, key, now);
        switch (kind) {
        case RT_ACT_KILL:
            rc = action_kill(ev->pid, ev->ts_ns, a->o.dry_run, detail, sizeof(detail));
            break;
        case RT_ACT_FREEZE:
            rc = action_freeze(a->resolver, ev, a->o.dry_run, detail, sizeof(detail));
            break;
        case RT_ACT_ISOLATE:
            rc = action_isolate(a, a->resolver, ev, a->o.dry_run, detail, sizeof(detail));
            break;
        default:
            snprintf(detail, sizeof(detail), "no such action");
            rc = -1;
        }
    }
    out->u.action.result = rc != 0 ? RT_ACT_FAILED : a->o.dry_run ? RT_ACT_DRY_RUN : RT_ACT_DONE;
    if (sensor_strlcpy(out->u.action.detail, detail, sizeof(out->u.action.detail)))
        out->truncated |= RT_TRUNC_OTHER;
}

/* ---- release ---- */

static int is_hex(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

/* Thaws the container's cgroup: walks the cgroup v2 tree (depth 16) for a directory whose
 * name holds the id and that is frozen. */
static int thaw_walk(const char *dir, const char *id, int depth, char *found, size_t cap)
{
    if (depth > 16)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        char sub[4096];
        if (snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= (int)sizeof(sub))
            continue;
        if (strstr(de->d_name, id)) {
            char f[4200];
            struct strbuf sb = STRBUF_INIT;
            snprintf(f, sizeof(f), "%s/cgroup.freeze", sub);
            if (sensor_read_file(f, 64, &sb) == 0 && sb.buf && sb.buf[0] == '1' &&
                sensor_write_file(f, "0") == 0) {
                snprintf(found, cap, "%s", sub);
                n++;
            }
            strbuf_release(&sb);
        }
        n += thaw_walk(sub, id, depth + 1, found, cap);
    }
    closedir(d);
    return n;
}

int actions_release(const char *bpffs, const char *id, char *detail, size_t cap,
                    struct strata_error *err)
{
    char base[512], dir[1024], p[1200], full[RT_CONTAINER_ID_MAX] = "";
    size_t n = strlen(id);
    if (n < 12 || n > 64 || !is_hex(id))
        return strata_error_set(err, STRATA_EUSAGE,
                                "release %s: a container id (12 to 64 lowercase hex digits) is "
                                "needed",
                                id);
    snprintf(base, sizeof(base), "%s/strata", bpffs ? bpffs : "/sys/fs/bpf");
    DIR *d = opendir(base);
    int matches = 0;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL)
            if (strncmp(de->d_name, id, n) == 0 && strlen(de->d_name) < sizeof(full)) {
                snprintf(full, sizeof(full), "%s", de->d_name);
                matches++;
            }
        closedir(d);
    }
    if (matches > 1)
        return strata_error_set(err, STRATA_EUSAGE,
                                "release %s: the prefix names %d isolated containers; give more "
                                "of the id",
                                id, matches);
    detail[0] = '\0';
    size_t used = 0;
    if (matches == 1) {
        snprintf(dir, sizeof(dir), "%s/%s", base, full);
        const char *pins[] = {"ingress", "egress"};
        for (int i = 0; i < 2; i++) {
            snprintf(p, sizeof(p), "%s/%s", dir, pins[i]);
            if (unlink(p) != 0 && errno != ENOENT)
                return strata_error_set(err, STRATA_EIO, "release: removing %s: %s", p,
                                        strerror(errno));
        }
        if (rmdir(dir) != 0 && errno != ENOENT)
            return strata_error_set(err, STRATA_EIO, "release: removing %s: %s", dir,
                                    strerror(errno));
        used += (size_t)snprintf(detail, cap, "network restored (removed %s)", dir);
    }
    /* thaw: the id as given (or the full one found above) */
    struct ct_resolver *r = NULL;
    struct strata_error e2;
    if (ct_resolver_new(NULL, &r, &e2) == 0) {
        const char *mnt = ct_cgroup2_mount(r);
        char found[4096] = "";
        if (mnt[0] && thaw_walk(mnt, full[0] ? full : id, 0, found, sizeof(found)) > 0 &&
            used < cap) {
            snprintf(detail + used, cap - used, "%sthawed %s", used ? "; " : "", found);
            used = strlen(detail);
        }
        ct_resolver_free(r);
    }
    if (used == 0)
        return strata_error_set(err, STRATA_ENOTFOUND,
                                "release %s: no isolated or frozen container with this id (no "
                                "pins under %s, no frozen cgroup)",
                                id, base);
    return 0;
}
