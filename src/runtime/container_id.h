/* Container attribution: which container a process belongs to, from its cgroup.
 *
 * A container runtime names the cgroup it creates for a container after the container's
 * 64-hex id; the schemes differ by runtime and cgroup driver (docs/strata-watch.md):
 *   Docker      systemd driver  …/docker-<id>.scope       cgroupfs driver  /docker/<id>
 *   containerd  CRI (systemd)   …/cri-containerd-<id>.scope   nerdctl  …/nerdctl-<id>.scope
 *               kubelet cgroupfs /kubepods/<qos>/pod<uid>/<id>
 *   CRI-O       …/crio-<id>.scope (crio-conmon-<id>.scope is the monitor, not the container)
 *   Podman      …/libpod-<id>.scope, /libpod_parent/libpod-<id> (libpod-conmon-… is the monitor)
 * Anything else is the host ("host"). The innermost matching component wins (a container
 * inside a container is attributed to the inner one).
 *
 * The sensor reports a cgroup v2 id (the inode number of the cgroup directory);
 * ct_resolver turns it into a path with open_by_handle_at() on the cgroup2 mount (works for
 * processes that are already gone, as long as the cgroup is there), falling back to
 * /proc/PID/cgroup, and caches the answer per id. */
#ifndef STRATA_RUNTIME_CONTAINER_ID_H
#define STRATA_RUNTIME_CONTAINER_ID_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/event.h"
#include "strata/error.h"

struct ct_ident {
    char id[RT_CONTAINER_ID_MAX];     /* 64 lowercase hex, or "host" */
    char type[RT_CONTAINER_TYPE_MAX]; /* docker, containerd, cri-o, podman, host */
};

/* Attributes one cgroup path (n bytes, "/system.slice/docker-<id>.scope"). Returns 1 for a
 * container, 0 for the host (out is then "host"/"host"). Paths longer than 4096 bytes or
 * with more than 64 components are the host. */
int ct_from_cgroup_path(const char *path, size_t n, struct ct_ident *out);

/* Attributes the content of a /proc/PID/cgroup file (n bytes): the v2 line ("0::/…") first,
 * then the v1 lines (a host on cgroup v1 puts containers only there). */
int ct_from_proc_cgroup(const char *data, size_t n, struct ct_ident *out);

/* Optional metadata from `docker inspect` output (a JSON array of objects with "Id", "Name",
 * "Config"."Image"). */
struct ct_meta;
/* Parses data (n bytes, at most 16 MiB, 100,000 containers) read from file (for messages). */
int ct_meta_parse(const char *data, size_t n, const char *file, struct ct_meta **out,
                  struct strata_error *err);
int ct_meta_load(const char *file, struct ct_meta **out, struct strata_error *err);
/* Name (without Docker's leading '/') and image of a full id, or NULL when unknown. */
const char *ct_meta_name(const struct ct_meta *m, const char *id);
const char *ct_meta_image(const struct ct_meta *m, const char *id);
void ct_meta_free(struct ct_meta *m);

/* cgroup id -> container, cached. */
struct ct_resolver;
/* Finds the cgroup v2 mount in /proc/self/mountinfo (or uses cgroup2_mount when not NULL). A
 * host without cgroup v2 still works through /proc/PID/cgroup. */
int ct_resolver_new(const char *cgroup2_mount, struct ct_resolver **out, struct strata_error *err);
/* The container of a process: by cgroup id, else by /proc/<pid>/cgroup. Never fails: an
 * unknown cgroup is the host. The result stays valid until the next call. */
const struct ct_ident *ct_resolve(struct ct_resolver *r, uint64_t cgroup_id, uint32_t pid);
/* The cgroup v2 path of a cgroup id ("/strata.slice/docker-….scope"), or -1. */
int ct_cgroup_path(struct ct_resolver *r, uint64_t cgroup_id, char *buf, size_t cap);
/* The cgroup v2 mount point ("" when there is none). */
const char *ct_cgroup2_mount(const struct ct_resolver *r);
void ct_resolver_free(struct ct_resolver *r);

#endif
