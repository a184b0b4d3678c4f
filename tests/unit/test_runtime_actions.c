/* Responses: kill through a pidfd (and its refusal of a recycled pid), rate limits, dry-run,
 * host processes never frozen or isolated, release's id checks; as root with cgroup v2, a real
 * freeze and a real network isolation of a Docker-named cgroup, undone by actions_release. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/actions.h"
#include "runtime/sensor_util.h"

#define CID "5e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7"

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct actions *new_actions(int dry, unsigned rate)
{
    struct actions_opts o = {0};
    struct actions *a = NULL;
    struct strata_error err;
    o.dry_run = dry;
    o.max_per_minute = rate;
    o.bpffs = "/sys/fs/bpf";
    assert_int_equal(actions_new(&o, NULL, &a, &err), 0);
    return a;
}

static pid_t sleeper(void)
{
    pid_t c = fork();
    if (c == 0) {
        pause();
        _exit(0);
    }
    return c;
}

static void test_kill(void **state)
{
    (void)state;
    struct actions *a = new_actions(0, 0);
    struct rt_event *ev = malloc(sizeof(*ev)), *out = malloc(sizeof(*out));
    assert_non_null(ev);
    assert_non_null(out);
    rt_event_init(ev);
    pid_t c = sleeper();
    ev->type = RT_EV_EXECVE;
    ev->pid = ev->tid = (uint32_t)c;
    /* the event happened before this process existed: a recycled pid, refused */
    ev->ts_ns = wall_ns() - 5000000000ull;
    actions_take(a, RT_ACT_KILL, "Terminal shell in container", ev, out);
    assert_int_equal(out->type, RT_EV_ACTION);
    assert_int_equal(out->u.action.result, RT_ACT_FAILED);
    assert_non_null(strstr(out->u.action.detail, "reused"));
    assert_int_equal(kill(c, 0), 0);
    /* the same pid again within the minute: rate-limited */
    ev->ts_ns = wall_ns();
    actions_take(a, RT_ACT_KILL, "r", ev, out);
    assert_int_equal(out->u.action.result, RT_ACT_RATE_LIMITED);
    actions_free(a);

    a = new_actions(0, 0);
    actions_take(a, RT_ACT_KILL, "Terminal shell in container", ev, out);
    assert_int_equal(out->u.action.result, RT_ACT_DONE);
    assert_int_equal(out->u.action.kind, RT_ACT_KILL);
    assert_int_equal(out->u.action.target_pid, (uint32_t)c);
    assert_string_equal(out->u.action.rule, "Terminal shell in container");
    int status;
    assert_int_equal(waitpid(c, &status, 0), c);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    /* gone now */
    ev->pid = (uint32_t)c;
    actions_free(a);
    a = new_actions(0, 0);
    actions_take(a, RT_ACT_KILL, "r", ev, out);
    assert_int_equal(out->u.action.result, RT_ACT_FAILED);
    /* pid 1 and ourselves are refused */
    ev->pid = 1;
    actions_take(a, RT_ACT_KILL, "r", ev, out);
    assert_int_equal(out->u.action.result, RT_ACT_FAILED);
    actions_free(a);
    free(ev);
    free(out);
}

static void test_dry_run_and_rate(void **state)
{
    (void)state;
    struct actions *a = new_actions(1, 2);
    struct rt_event *ev = malloc(sizeof(*ev)), *out = malloc(sizeof(*out));
    assert_non_null(ev);
    assert_non_null(out);
    rt_event_init(ev);
    pid_t c = sleeper();
    ev->ts_ns = wall_ns();
    ev->pid = (uint32_t)c;
    actions_take(a, RT_ACT_KILL, "r", ev, out);
    assert_int_equal(out->u.action.result, RT_ACT_DRY_RUN);
    assert_non_null(strstr(out->u.action.detail, "would send SIGKILL"));
    assert_int_equal(kill(c, 0), 0);
    /* host: freeze and isolate are refused, without using the budget */
    actions_take(a, RT_ACT_FREEZE, "r", ev, out);
    assert_int_equal(out->u.action.result, RT_ACT_FAILED);
    assert_non_null(strstr(out->u.action.detail, "not in a container"));
    actions_take(a, RT_ACT_ISOLATE, "r", ev, out);
    assert_int_equal(out->u.action.result, RT_ACT_FAILED);
    /* two a minute: the third distinct target is rate-limited */
    ev->pid = (uint32_t)c + 1000000;
    actions_take(a, RT_ACT_KILL, "r", ev, out);
    ev->pid = (uint32_t)c + 1000001;
    actions_take(a, RT_ACT_KILL, "r", ev, out);
    assert_int_equal(out->u.action.result, RT_ACT_RATE_LIMITED);
    assert_non_null(strstr(out->u.action.detail, "--action-rate"));
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    actions_free(a);
    free(ev);
    free(out);
}

static void test_release_errors(void **state)
{
    (void)state;
    char detail[256];
    struct strata_error err;
    assert_int_equal(actions_release("/sys/fs/bpf", "abc", detail, sizeof(detail), &err),
                     STRATA_EUSAGE);
    assert_int_equal(actions_release("/sys/fs/bpf", "XYZXYZXYZXYZ", detail, sizeof(detail), &err),
                     STRATA_EUSAGE);
    assert_int_equal(
        actions_release("/nonexistent", "0123456789ab0123", detail, sizeof(detail), &err),
        STRATA_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no isolated or frozen container"));
}

/* A Docker-named cgroup under the cgroup v2 mount with one child process in it. */
struct box {
    char dir[1024], scope[1200];
    pid_t child;
    uint64_t cgid;
};

static int box_open(struct box *b, struct ct_resolver *r)
{
    const char *mnt = ct_cgroup2_mount(r);
    struct stat st;
    char procs[1300], pid[32];
    if (!mnt[0] || geteuid() != 0)
        return -1;
    snprintf(b->dir, sizeof(b->dir), "%s/strata-unit-act-%d.slice", mnt, (int)getpid());
    snprintf(b->scope, sizeof(b->scope), "%s/docker-%s.scope", b->dir, CID);
    if (mkdir(b->dir, 0755) != 0 || mkdir(b->scope, 0755) != 0 || stat(b->scope, &st) != 0)
        return -1;
    b->cgid = st.st_ino;
    b->child = sleeper();
    snprintf(procs, sizeof(procs), "%s/cgroup.procs", b->scope);
    snprintf(pid, sizeof(pid), "%d", (int)b->child);
    return sensor_write_file(procs, pid);
}

static void box_close(struct box *b)
{
    char f[1300];
    snprintf(f, sizeof(f), "%s/cgroup.freeze", b->scope);
    sensor_write_file(f, "0");
    if (b->child > 0) {
        kill(b->child, SIGKILL);
        waitpid(b->child, NULL, 0);
    }
    rmdir(b->scope);
    rmdir(b->dir);
}

static void test_freeze_isolate_release(void **state)
{
    (void)state;
    struct strata_error err;
    struct ct_resolver *r = NULL;
    assert_int_equal(ct_resolver_new(NULL, &r, &err), 0);
    struct box b = {0};
    if (box_open(&b, r) != 0) {
        box_close(&b);
        ct_resolver_free(r);
        skip();
        return;
    }
    struct actions_opts o = {0};
    struct actions *a = NULL;
    assert_int_equal(actions_new(&o, r, &a, &err), 0);
    struct rt_event *ev = malloc(sizeof(*ev)), *out = malloc(sizeof(*out));
    assert_non_null(ev);
    assert_non_null(out);
    rt_event_init(ev);
    ev->ts_ns = wall_ns();
    ev->pid = (uint32_t)b.child;
    ev->cgroup_id = b.cgid;
    snprintf(ev->container_id, sizeof(ev->container_id), "%s", CID);

    actions_take(a, RT_ACT_FREEZE, "r", ev, out);
    assert_int_equal(out->u.action.result, RT_ACT_DONE);
    char f[1300];
    struct strbuf sb = STRBUF_INIT;
    snprintf(f, sizeof(f), "%s/cgroup.events", b.scope);
    assert_int_equal(sensor_read_file(f, 4096, &sb), 0);
    assert_non_null(strstr(sb.buf, "frozen 1"));

    actions_take(a, RT_ACT_ISOLATE, "r", ev, out);
    if (out->u.action.result != RT_ACT_DONE)
        fail_msg("isolate: %s", out->u.action.detail);
    char pin[600];
    snprintf(pin, sizeof(pin), "/sys/fs/bpf/strata/%s/ingress", CID);
    assert_int_equal(access(pin, F_OK), 0);

    char detail[512];
    assert_int_equal(actions_release("/sys/fs/bpf", "5e8f0a1b2c3d", detail, sizeof(detail), &err),
                     0);
    assert_non_null(strstr(detail, "network restored"));
    assert_non_null(strstr(detail, "thawed"));
    assert_int_not_equal(access(pin, F_OK), 0);
    assert_int_equal(sensor_read_file(f, 4096, &sb), 0);
    assert_non_null(strstr(sb.buf, "frozen 0"));
    strbuf_release(&sb);
    actions_free(a);
    box_close(&b);
    ct_resolver_free(r);
    free(ev);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill),
        cmocka_unit_test(test_dry_run_and_rate),
        cmocka_unit_test(test_release_errors),
        cmocka_unit_test(test_freeze_isolate_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
