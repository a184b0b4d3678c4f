/* Action `isolate` (actions.h): cgroup_skb programs dropping every packet, pinned. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "isolate.skel.h"
#include "runtime/actions.h"

#define BPF_FS_MAGIC_ 0xcafe4a11

void *actions_isolate_skel(struct actions *a);
void actions_set_isolate_skel(struct actions *a, void *skel);
void actions_isolate_unload(struct actions *a);

void actions_isolate_unload(struct actions *a)
{
    struct strata_isolate *s = actions_isolate_skel(a);
    if (s)
        strata_isolate__destroy(s);
    actions_set_isolate_skel(a, NULL);
}

/* bpffs must be mounted for pins to outlive us: mounts it when the directory is there but
 * holds another filesystem (as systemd would at boot). */
static int ensure_bpffs(const char *dir, char *detail, size_t cap)
{
    struct statfs sf;
    if (statfs(dir, &sf) == 0 && (unsigned long)sf.f_type == BPF_FS_MAGIC_)
        return 0;
    if (mount("bpf", dir, "bpf", 0, "mode=0700") != 0) {
        snprintf(detail, cap, "%s is not a bpf filesystem and mounting one failed: %s", dir,
                 strerror(errno));
        return -1;
    }
    return 0;
}

int action_isolate(struct actions *a, struct ct_resolver *r, const struct rt_event *ev, int dry_run,
                   char *detail, size_t cap)
{
    char rel[4096], cg[4700], dir[600], pin_in[700], pin_out[700];
    const char *mnt = ct_cgroup2_mount(r);
    const char *bpffs = actions_bpffs(a);
    if (!mnt[0] || action_container_cgroup(r, ev, rel, sizeof(rel)) != 0) {
        snprintf(detail, cap, "no cgroup v2 directory for container %s: isolation needs cgroup v2",
                 ev->container_id);
        return -1;
    }
    snprintf(cg, sizeof(cg), "%s%s", mnt, rel);
    snprintf(dir, sizeof(dir), "%s/strata/%s", bpffs, ev->container_id);
    snprintf(pin_in, sizeof(pin_in), "%s/ingress", dir);
    snprintf(pin_out, sizeof(pin_out), "%s/egress", dir);
    if (dry_run) {
        snprintf(detail, cap, "would attach drop-all cgroup_skb ingress+egress to %s, pinned in %s",
                 cg, dir);
        return 0;
    }
    if (access(pin_in, F_OK) == 0 && access(pin_out, F_OK) == 0) {
        snprintf(detail, cap, "already isolated (%s)", dir);
        return 0;
    }
    if (ensure_bpffs(bpffs, detail, cap) != 0)
        return -1;
    char top[600];
    snprintf(top, sizeof(top), "%s/strata", bpffs);
    if ((mkdir(top, 0700) != 0 && errno != EEXIST) || (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
        snprintf(detail, cap, "creating %s: %s", dir, strerror(errno));
        return -1;
    }
    struct strata_isolate *s = actions_isolate_skel(a);
    if (!s) {
        s = strata_isolate__open_and_load();
        if (!s) {
            snprintf(detail, cap, "loading the cgroup_skb programs: %s", strerror(errno));
            return -1;
        }
        actions_set_isolate_skel(a, s);
    }
    int cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgfd < 0) {
        snprintf(detail, cap, "opening %s: %s", cg, strerror(errno));
        return -1;
    }
    struct bpf_link *lin = bpf_program__attach_cgroup(s->progs.isolate_ingress, cgfd);
    int e = errno;
    struct bpf_link *lout = lin ? bpf_program__attach_cgroup(s->progs.isolate_egress, cgfd) : NULL;
    if (lin && !lout)
        e = errno;
    close(cgfd);
    int rc = -1;
    if (!lin || !lout)
        snprintf(detail, cap, "attaching cgroup_skb to %s: %s", cg, strerror(e));
    else if (bpf_link__pin(lin, pin_in) != 0 || bpf_link__pin(lout, pin_out) != 0) {
        snprintf(detail, cap, "pinning in %s: %s", dir, strerror(errno));
        unlink(pin_in);
    } else {
        snprintf(detail, cap, "network cut: cgroup_skb ingress+egress drop-all on %s, pinned in %s",
                 cg, dir);
        rc = 0;
    }
    /* the pins (when made) hold the links; our references go */
    if (lin)
        bpf_link__destroy(lin);
    if (lout)
        bpf_link__destroy(lout);
    if (rc != 0)
        rmdir(dir);
    return rc;
}
