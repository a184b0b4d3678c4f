/* CIS Docker Benchmark 1.6.0 section 3, Docker daemon configuration files: owner, group and
 * mode of the daemon's unit files, configuration, certificates and sockets, numbered as
 * docker-bench-security 1.6.0 prints them.
 *
 * "644 or more restrictive" is read as "no permission bit outside 0644" (setuid, setgid and
 * sticky bits included); docker-bench-security compares `stat -c %a` as decimal numbers, which
 * agrees for every usual mode (600, 640, 644, 664, 666, 755, 777) but would call 0470 "more
 * restrictive" than 644. Links are followed inside the root and the file they lead to is
 * judged. A socket may be a regular file or a FIFO in a tree made by tar or by tests (tar
 * drops sockets): those stand in for it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/host_internal.h"

enum kind { REG, DIR_, SOCK };

static int present(const struct host_ctx *c, const char *path, enum kind k, struct stat *st)
{
    if (path == NULL || path[0] != '/' || host_root_stat(&c->root, path, 1, st) != 0)
        return 0;
    if (k == REG)
        return S_ISREG(st->st_mode);
    if (k == DIR_)
        return S_ISDIR(st->st_mode);
    return S_ISSOCK(st->st_mode) || S_ISREG(st->st_mode) || S_ISFIFO(st->st_mode);
}

static const char *not_found(enum kind k)
{
    return k == DIR_ ? "Directory not found" : "File not found";
}

/* Ownership: want_user/want_group names ("root", "docker"), compared with the names the tree's
 * /etc/passwd and /etc/group give (docker-bench-security's stat -c %U:%G); numeric 0:0 when
 * by_id (its stat -c %u%g -eq 00). */
static int owner_check(struct host_ctx *c, const char *id, const char *title, const char *path,
                       enum kind k, const char *want_user, const char *want_group, int by_id,
                       const char *missing)
{
    struct stat st;
    if (!present(c, path, k, &st))
        return host_result(c, id, title, HOST_INFO) ||
                       host_detail(c, "%s", missing ? missing : not_found(k))
                   ? STRATA_ENOMEM
                   : 0;
    int ok;
    if (by_id) {
        ok = st.st_uid == 0 && st.st_gid == 0;
    } else {
        char ub[256], gb[256];
        const char *u = host_user_name(c, st.st_uid, ub, sizeof ub);
        const char *g = host_group_name(c, st.st_gid, gb, sizeof gb);
        ok = u && g && strcmp(u, want_user) == 0 && strcmp(g, want_group) == 0;
    }
    if (host_result(c, id, title, ok ? HOST_PASS : HOST_WARN) != 0)
        return STRATA_ENOMEM;
    if (ok)
        return 0;
    return host_detail(c, "Wrong ownership for %s (%u:%u)", path, (unsigned)st.st_uid,
                       (unsigned)st.st_gid);
}

/* Permissions: no bit outside allowed; exact requires the mode to be allowed itself. */
static int mode_check(struct host_ctx *c, const char *id, const char *title, const char *path,
                      enum kind k, unsigned allowed, int exact, const char *missing)
{
    struct stat st;
    if (!present(c, path, k, &st))
        return host_result(c, id, title, HOST_INFO) ||
                       host_detail(c, "%s", missing ? missing : not_found(k))
                   ? STRATA_ENOMEM
                   : 0;
    unsigned mode = (unsigned)st.st_mode & 07777;
    int ok = exact ? mode == allowed : (mode & ~allowed) == 0;
    if (host_result(c, id, title, ok ? HOST_PASS : HOST_WARN) != 0)
        return STRATA_ENOMEM;
    if (ok)
        return 0;
    return host_detail(c, "Wrong permissions for %s (%04o)", path, mode);
}

/* 3.7 and 3.8: every *.crt under /etc/docker/certs.d (links not followed, like find). */
struct cert_scan {
    size_t n;
    int bad_owner, bad_mode;
};

static int scan_certs(const struct host_ctx *c, const char *dir, int depth, struct cert_scan *s)
{
    char **names;
    size_t n;
    if (depth > HOST_MAX_CERT_DEPTH ||
        host_root_list(&c->root, dir, HOST_MAX_DIR_ENTRIES, &names, &n) != 0)
        return 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char path[HOST_ROOT_MAX_PATH];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path)
            continue;
        struct stat st;
        if (host_root_stat(&c->root, path, 0, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            rc = scan_certs(c, path, depth + 1, s);
            continue;
        }
        size_t l = strlen(names[i]);
        if (!S_ISREG(st.st_mode) || l < 4 || strcmp(names[i] + l - 4, ".crt") != 0)
            continue;
        s->n++;
        s->bad_owner |= st.st_uid != 0;
        s->bad_mode |= (st.st_mode & 07777 & ~0444u) != 0;
    }
    host_root_free_names(names, n);
    return rc;
}

static int registry_certs(struct host_ctx *c)
{
    static const char *const dir = "/etc/docker/certs.d";
    static const char t7[] = "Ensure that registry certificate file ownership is set to root:root",
                      t8[] = "Ensure that registry certificate file permissions are set to 444 or "
                             "more restrictively";
    struct stat st;
    if (!present(c, dir, DIR_, &st))
        return host_result(c, "3.7", t7, HOST_INFO) || host_detail(c, "Directory not found") ||
                       host_result(c, "3.8", t8, HOST_INFO) || host_detail(c, "Directory not found")
                   ? STRATA_ENOMEM
                   : 0;
    struct cert_scan s = {0};
    scan_certs(c, dir, 0, &s);
    if (host_result(c, "3.7", t7, s.bad_owner ? HOST_WARN : HOST_PASS) != 0 ||
        (s.bad_owner && host_detail(c, "Wrong ownership for %s/", dir) != 0))
        return STRATA_ENOMEM;
    if (host_result(c, "3.8", t8, s.bad_mode ? HOST_WARN : HOST_PASS) != 0 ||
        (s.bad_mode && host_detail(c, "Wrong permissions for %s/", dir) != 0))
        return STRATA_ENOMEM;
    return 0;
}

/* The TLS file the daemon uses: daemon.json's key wins over the option, like
 * docker-bench-security. */
static const char *tls_file(const struct host_ctx *c, const char *key)
{
    json_t *j = host_daemon_json(&c->daemon, key);
    if (json_is_string(j) && json_string_length(j) > 0)
        return json_string_value(j);
    return host_daemon_opt(&c->daemon, key);
}

int host_section3(struct host_ctx *c)
{
    char service[HOST_ROOT_MAX_PATH], socket[HOST_ROOT_MAX_PATH];
    host_service_file(c, "docker.service", service, sizeof service);
    host_service_file(c, "docker.socket", socket, sizeof socket);
    const char *ca = tls_file(c, "tlscacert"), *cert = tls_file(c, "tlscert"),
               *key = tls_file(c, "tlskey");
    static const char dsock[] = "/var/run/docker.sock", csock[] = "/run/containerd/containerd.sock";
    int rc = 0;
#define RUN(x)                                                                                     \
    if ((rc = (x)) != 0)                                                                           \
        return rc;
    RUN(owner_check(c, "3.1", "Ensure that the docker.service file ownership is set to root:root",
                    service, REG, "root", "root", 1, NULL));
    RUN(mode_check(c, "3.2", "Ensure that docker.service file permissions are appropriately set",
                   service, REG, 0644, 0, NULL));
    RUN(owner_check(c, "3.3", "Ensure that docker.socket file ownership is set to root:root",
                    socket, REG, "root", "root", 1, NULL));
    RUN(mode_check(c, "3.4",
                   "Ensure that docker.socket file permissions are set to 644 or more restrictive",
                   socket, REG, 0644, 0, NULL));
    RUN(owner_check(c, "3.5", "Ensure that the /etc/docker directory ownership is set to root:root",
                    "/etc/docker", DIR_, "root", "root", 1, NULL));
    RUN(mode_check(c, "3.6",
                   "Ensure that /etc/docker directory permissions are set to 755 or more "
                   "restrictively",
                   "/etc/docker", DIR_, 0755, 0, NULL));
    RUN(registry_certs(c));
    RUN(owner_check(c, "3.9", "Ensure that TLS CA certificate file ownership is set to root:root",
                    ca, REG, "root", "root", 1, "No TLS CA certificate found"));
    RUN(mode_check(c, "3.10",
                   "Ensure that TLS CA certificate file permissions are set to 444 or more "
                   "restrictively",
                   ca, REG, 0444, 0, "No TLS CA certificate found"));
    RUN(owner_check(c, "3.11",
                    "Ensure that Docker server certificate file ownership is set to root:root",
                    cert, REG, "root", "root", 1, "No TLS Server certificate found"));
    RUN(mode_check(c, "3.12",
                   "Ensure that the Docker server certificate file permissions are set to 444 or "
                   "more restrictively",
                   cert, REG, 0444, 0, "No TLS Server certificate found"));
    RUN(owner_check(c, "3.13",
                    "Ensure that the Docker server certificate key file ownership is set to "
                    "root:root",
                    key, REG, "root", "root", 1, "No TLS Key found"));
    RUN(mode_check(c, "3.14",
                   "Ensure that the Docker server certificate key file permissions are set to 400",
                   key, REG, 0400, 1, "No TLS Key found"));
    RUN(owner_check(c, "3.15", "Ensure that the Docker socket file ownership is set to root:docker",
                    dsock, SOCK, "root", "docker", 0, NULL));
    RUN(mode_check(c, "3.16",
                   "Ensure that the Docker socket file permissions are set to 660 or more "
                   "restrictively",
                   dsock, SOCK, 0660, 0, NULL));
    RUN(owner_check(c, "3.17", "Ensure that the daemon.json file ownership is set to root:root",
                    "/etc/docker/daemon.json", REG, "root", "root", 0, NULL));
    RUN(mode_check(c, "3.18",
                   "Ensure that daemon.json file permissions are set to 644 or more restrictive",
                   "/etc/docker/daemon.json", REG, 0644, 0, NULL));
    RUN(owner_check(c, "3.19",
                    "Ensure that the /etc/default/docker file ownership is set to root:root",
                    "/etc/default/docker", REG, "root", "root", 0, NULL));
    RUN(mode_check(c, "3.20",
                   "Ensure that the /etc/default/docker file permissions are set to 644 or more "
                   "restrictively",
                   "/etc/default/docker", REG, 0644, 0, NULL));
    RUN(mode_check(c, "3.21",
                   "Ensure that the /etc/sysconfig/docker file permissions are set to 644 or more "
                   "restrictively",
                   "/etc/sysconfig/docker", REG, 0644, 0, NULL));
    RUN(owner_check(c, "3.22",
                    "Ensure that the /etc/sysconfig/docker file ownership is set to root:root",
                    "/etc/sysconfig/docker", REG, "root", "root", 0, NULL));
    RUN(owner_check(c, "3.23",
                    "Ensure that the Containerd socket file ownership is set to root:root", csock,
                    SOCK, "root", "root", 0, NULL));
    RUN(mode_check(c, "3.24",
                   "Ensure that the Containerd socket file permissions are set to 660 or more "
                   "restrictively",
                   csock, SOCK, 0660, 0, NULL));
#undef RUN
    return 0;
}
