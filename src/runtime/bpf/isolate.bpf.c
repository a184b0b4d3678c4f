// SPDX-License-Identifier: GPL-2.0
/* Network isolation of a container for `strata watch` (action `isolate`): attached as
 * cgroup_skb ingress and egress programs to the container's cgroup v2 directory, they drop
 * every packet of every socket in it (loopback included) and count what they dropped. The
 * links are pinned under /sys/fs/bpf/strata/<container id>/ so that they outlive the
 * watcher; `strata watch release ID` removes the pins, which detaches them. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} isolated_packets SEC(".maps");

static __always_inline int drop(__u32 dir)
{
    __u64 *c = bpf_map_lookup_elem(&isolated_packets, &dir);
    if (c)
        (*c)++;
    return 0; /* 0 = drop for cgroup_skb */
}

SEC("cgroup_skb/ingress")
int isolate_ingress(struct __sk_buff *skb)
{
    return drop(0);
}

SEC("cgroup_skb/egress")
int isolate_egress(struct __sk_buff *skb)
{
    return drop(1);
}
