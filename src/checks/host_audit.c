/* CIS Docker Benchmark 1.6.0 section 1, Host Configuration, on a root tree: the separate
 * partition for Docker's data (1.1.1), the docker group (1.1.2), audit rules for the Docker
 * files and directories (1.1.3-1.1.18), and the manual 1.2.x checks.
 *
 * docker-bench-security asks auditctl for the loaded rules, else greps /etc/audit/audit.rules.
 * A tree has no kernel: its rules are /etc/audit/audit.rules and the .rules files of
 * /etc/audit/rules.d
 * (what augenrules loads at boot). A path counts as audited when a rule line (not a comment)
 * names it as a whole word: "-w /usr/bin/containerd" audits /usr/bin/containerd, not
 * /usr/bin/containerd-shim (docker-bench-security's substring grep would take it for both). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/host_internal.h"
#include "core/strbuf.h"

/* The audit rules of the tree, one text. */
static int read_rules(struct host_ctx *c, struct strbuf *rules)
{
    char *data;
    size_t len;
    if (host_root_read(&c->root, "/etc/audit/audit.rules", HOST_MAX_TEXT_FILE, &data, &len) == 0) {
        int rc = strbuf_add(rules, data, len) || strbuf_addch(rules, '\n');
        free(data);
        if (rc)
            return STRATA_ENOMEM;
    }
    char **names;
    size_t n;
    if (host_root_list(&c->root, "/etc/audit/rules.d", HOST_MAX_DIR_ENTRIES, &names, &n) != 0)
        return 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t l = strlen(names[i]);
        if (l < 7 || strcmp(names[i] + l - 6, ".rules") != 0)
            continue;
        char path[HOST_ROOT_MAX_PATH];
        snprintf(path, sizeof path, "/etc/audit/rules.d/%s", names[i]);
        if (host_root_read(&c->root, path, HOST_MAX_TEXT_FILE, &data, &len) != 0)
            continue;
        if (rules->len + len > HOST_MAX_TEXT_FILE) {
            free(data);
            break; /* bounded: later files are not read */
        }
        rc = strbuf_add(rules, data, len) || strbuf_addch(rules, '\n') ? STRATA_ENOMEM : 0;
        free(data);
    }
    host_root_free_names(names, n);
    return rc;
}

static int blank_or_end(char ch)
{
    return ch == '\0' || ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t';
}

/* Does a rule line name path as a word (after a blank or '=', followed by a blank or the end
 * of the line, a trailing '/' allowed)? */
int host_audit_names(const char *rules, size_t len, const char *path)
{
    size_t pn = strlen(path);
    const char *p = rules, *end = rules + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *s = p;
        while (s < le && (*s == ' ' || *s == '\t'))
            s++;
        if (s < le && *s != '#' && *s != ';') {
            for (const char *q = s; q + pn <= le; q++) {
                if (memcmp(q, path, pn) != 0)
                    continue;
                char before = q == s ? ' ' : q[-1];
                const char *a = q + pn;
                if (a < le && *a == '/')
                    a++;
                if ((before == ' ' || before == '\t' || before == '=') &&
                    blank_or_end(a < le ? *a : '\0'))
                    return 1;
            }
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

enum exists { ALWAYS, DIRECTORY, REGULAR, ANY };

struct audit_check {
    const char *id, *title, *path;
    enum exists need;
    const char *service; /* path is the unit file systemd uses for this name */
};

static const struct audit_check audit_checks[] = {
    {"1.1.3", "Ensure auditing is configured for the Docker daemon", "/usr/bin/dockerd", ALWAYS,
     NULL},
    {"1.1.4", "Ensure auditing is configured for Docker files and directories -/run/containerd",
     "/run/containerd", ALWAYS, NULL},
    {"1.1.5", "Ensure auditing is configured for Docker files and directories - /var/lib/docker",
     "/var/lib/docker", DIRECTORY, NULL},
    {"1.1.6", "Ensure auditing is configured for Docker files and directories - /etc/docker",
     "/etc/docker", DIRECTORY, NULL},
    {"1.1.7", "Ensure auditing is configured for Docker files and directories - docker.service",
     NULL, REGULAR, "docker.service"},
    {"1.1.8", "Ensure auditing is configured for Docker files and directories - containerd.sock",
     NULL, ANY, "containerd.socket"},
    {"1.1.9", "Ensure auditing is configured for Docker files and directories - docker.socket",
     NULL, ANY, "docker.socket"},
    {"1.1.10",
     "Ensure auditing is configured for Docker files and directories - /etc/default/docker",
     "/etc/default/docker", REGULAR, NULL},
    {"1.1.11",
     "Ensure auditing is configured for Dockerfiles and directories - /etc/docker/daemon.json",
     "/etc/docker/daemon.json", REGULAR, NULL},
    {"1.1.12",
     "Ensure auditing is configured for Dockerfiles and directories - "
     "/etc/containerd/config.toml",
     "/etc/containerd/config.toml", REGULAR, NULL},
    {"1.1.13",
     "Ensure auditing is configured for Docker files and directories - /etc/sysconfig/docker",
     "/etc/sysconfig/docker", REGULAR, NULL},
    {"1.1.14",
     "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd",
     "/usr/bin/containerd", REGULAR, NULL},
    {"1.1.15",
     "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim",
     "/usr/bin/containerd-shim", REGULAR, NULL},
    {"1.1.16",
     "Ensure auditing is configured for Docker files and directories - "
     "/usr/bin/containerd-shim-runc-v1",
     "/usr/bin/containerd-shim-runc-v1", REGULAR, NULL},
    {"1.1.17",
     "Ensure auditing is configured for Docker files and directories - "
     "/usr/bin/containerd-shim-runc-v2",
     "/usr/bin/containerd-shim-runc-v2", REGULAR, NULL},
    {"1.1.18", "Ensure auditing is configured for Docker files and directories - /usr/bin/runc",
     "/usr/bin/runc", REGULAR, NULL},
};

static int exists(const struct host_ctx *c, const char *path, enum exists need)
{
    struct stat st;
    if (need == ALWAYS)
        return 1;
    if (host_root_stat(&c->root, path, 1, &st) != 0)
        return 0;
    if (need == DIRECTORY)
        return S_ISDIR(st.st_mode);
    if (need == REGULAR)
        return S_ISREG(st.st_mode);
    return 1;
}

static int audited(const struct strbuf *rules, const char *path)
{
    if (rules->len == 0)
        return 0;
    if (host_audit_names(rules->buf, rules->len, path))
        return 1;
    /* a unit under /lib is the same file as under /usr/lib on a merged-/usr system */
    char alt[HOST_ROOT_MAX_PATH + 8];
    if (strncmp(path, "/lib/", 5) == 0)
        snprintf(alt, sizeof alt, "/usr%s", path);
    else if (strncmp(path, "/usr/lib/", 9) == 0)
        snprintf(alt, sizeof alt, "%s", path + 4);
    else
        return 0;
    return host_audit_names(rules->buf, rules->len, alt);
}

static int audit_rules(struct host_ctx *c)
{
    struct strbuf rules = STRBUF_INIT;
    int rc = read_rules(c, &rules);
    for (size_t i = 0; rc == 0 && i < sizeof audit_checks / sizeof audit_checks[0]; i++) {
        const struct audit_check *k = &audit_checks[i];
        char unit[HOST_ROOT_MAX_PATH];
        const char *path = k->path;
        if (k->service != NULL) {
            host_service_file(c, k->service, unit, sizeof unit);
            path = unit;
        }
        if (!exists(c, path, k->need)) {
            rc = host_result(c, k->id, k->title, HOST_INFO) ||
                         host_detail(c, "%s not found", k->need == DIRECTORY ? "Directory" : "File")
                     ? STRATA_ENOMEM
                     : 0;
            continue;
        }
        int ok = audited(&rules, path);
        rc = host_result(c, k->id, k->title, ok ? HOST_PASS : HOST_WARN);
        if (rc == 0 && !ok)
            rc = host_detail(c, "No audit rule for %s", path);
    }
    strbuf_release(&rules);
    return rc;
}

/* ---- 1.1.1 ---- */

/* Decodes the octal escapes (\040 for a space) of a mount table field in place. */
static void unescape_mount(char *s)
{
    char *w = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
            p[3] >= '0' && p[3] <= '7') {
            *w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 3;
            continue;
        }
        *w++ = *p;
    }
    *w = '\0';
}

/* Is dir a mount point in the table (/proc/mounts or fstab: the second field)? */
int host_mount_table_has(char *table, const char *dir)
{
    char *save = NULL;
    for (char *line = strtok_r(table, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '#')
            continue;
        char *f1 = strtok_r(s, " \t", &s);
        char *f2 = f1 ? strtok_r(NULL, " \t", &s) : NULL;
        if (f2 == NULL)
            continue;
        unescape_mount(f2);
        size_t n = strlen(f2);
        while (n > 1 && f2[n - 1] == '/')
            f2[--n] = '\0';
        if (strcmp(f2, dir) == 0)
            return 1;
    }
    return 0;
}

static int read_plain_file(const char *path, size_t max, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -errno;
    struct strbuf sb = STRBUF_INIT;
    char buf[8192];
    size_t got;
    int rc = 0;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (sb.len + got > max) {
            rc = -EFBIG;
            break;
        }
        if (strbuf_add(&sb, buf, got) != 0) {
            rc = -ENOMEM;
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = -EIO;
    fclose(f);
    if (rc != 0) {
        strbuf_release(&sb);
        return rc;
    }
    *len = sb.len;
    *data = strbuf_detach(&sb);
    return *data ? 0 : -ENOMEM;
}

static int partition(struct host_ctx *c)
{
    static const char id[] = "1.1.1",
                      title[] = "Ensure a separate partition for containers has been created";
    char dir[HOST_ROOT_MAX_PATH];
    host_data_root(c, dir, sizeof dir);
    char *table = NULL;
    size_t len;
    const char *from = NULL;
    int rc;
    if (c->mounts_file != NULL) {
        rc = read_plain_file(c->mounts_file, HOST_MAX_TEXT_FILE, &table, &len);
        if (rc != 0)
            return strata_error_set(c->err, rc == -ENOMEM ? STRATA_ENOMEM : STRATA_EIO,
                                    "--mounts %s: %s", c->mounts_file,
                                    rc == -EFBIG ? "too large" : strerror(-rc));
        from = c->mounts_file;
    } else if (host_root_read(&c->root, "/proc/mounts", HOST_MAX_TEXT_FILE, &table, &len) == 0) {
        from = "/proc/mounts";
    } else if (host_root_read(&c->root, "/etc/fstab", HOST_MAX_TEXT_FILE, &table, &len) == 0) {
        from = "/etc/fstab";
    }
    if (table == NULL)
        return host_result(c, id, title, HOST_INFO) ||
                       host_detail(c, "No mount table (/proc/mounts, /etc/fstab); give --mounts "
                                      "FILE")
                   ? STRATA_ENOMEM
                   : 0;
    int mounted = host_mount_table_has(table, dir);
    free(table);
    if (host_result(c, id, title, mounted ? HOST_PASS : HOST_WARN) != 0)
        return STRATA_ENOMEM;
    return mounted ? host_detail(c, "%s is a mount point (%s)", dir, from)
                   : host_detail(c, "%s is not a mount point (%s)", dir, from);
}

/* ---- 1.1.2 ---- */

static int docker_users(struct host_ctx *c)
{
    static const char id[] = "1.1.2",
                      title[] = "Ensure only trusted users are allowed to control Docker daemon";
    const char *users = "";
    char buf[4096] = "";
    if (c->group != NULL) {
        const char *p = c->group, *end = c->group + c->group_len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *le = nl ? nl : end;
            if ((size_t)(le - p) > 7 && memcmp(p, "docker:", 7) == 0) {
                const char *f = p;
                for (int k = 0; k < 3 && f; k++) {
                    f = memchr(f, ':', (size_t)(le - f));
                    if (f)
                        f++;
                }
                if (f != NULL) {
                    size_t n = (size_t)(le - f);
                    if (n > 0 && f[n - 1] == '\r')
                        n--;
                    snprintf(buf, sizeof buf, "%.*s", (int)n, f);
                    users = buf;
                }
                break;
            }
            p = nl ? nl + 1 : end;
        }
    }
    return host_result(c, id, title, HOST_INFO) || host_detail(c, "Users: %s", users)
               ? STRATA_ENOMEM
               : 0;
}

/* ---- 1.2.x ---- */

/* The installed Docker engine package and version from the tree's dpkg status, if any. */
static int engine_version(const struct host_ctx *c, char *out, size_t cap)
{
    char *data;
    size_t len;
    if (host_root_read(&c->root, "/var/lib/dpkg/status", HOST_MAX_TEXT_FILE, &data, &len) != 0)
        return 0;
    static const char *const pkgs[] = {"docker-ce", "docker.io", "moby-engine"};
    int found = 0;
    char *p = data, *end = data + len;
    while (p < end && !found) {
        char *next = strstr(p, "\n\n");
        char *pe = next ? next : end;
        for (size_t i = 0; i < 3 && !found; i++) {
            size_t n = strlen(pkgs[i]);
            if ((size_t)(pe - p) > 9 + n && memcmp(p, "Package: ", 9) == 0 &&
                memcmp(p + 9, pkgs[i], n) == 0 && (p[9 + n] == '\n')) {
                char *v = memmem(p, (size_t)(pe - p), "\nVersion: ", 10);
                char *inst = memmem(p, (size_t)(pe - p), " installed\n", 11);
                if (v != NULL && inst != NULL) {
                    v += 10;
                    char *ve = memchr(v, '\n', (size_t)(pe - v));
                    size_t vn = ve ? (size_t)(ve - v) : (size_t)(pe - v);
                    snprintf(out, cap, "%s %.*s", pkgs[i], (int)(vn > 128 ? 128 : vn), v);
                    found = 1;
                }
            }
        }
        p = next ? next + 2 : end;
    }
    free(data);
    return found;
}

int host_section1(struct host_ctx *c)
{
    int rc;
    if ((rc = partition(c)) != 0 || (rc = docker_users(c)) != 0 || (rc = audit_rules(c)) != 0)
        return rc;
    if (host_result(c, "1.2.1", "Ensure the container host has been Hardened", HOST_NOTE) != 0 ||
        host_result(c, "1.2.2", "Ensure that the version of Docker is up to date", HOST_INFO) != 0)
        return STRATA_ENOMEM;
    char ver[256];
    if (engine_version(c, ver, sizeof ver))
        return host_detail(c, "Using %s, verify it is up to date as deemed necessary", ver);
    return host_detail(c, "Docker version unknown (no docker-ce, docker.io or moby-engine in "
                          "/var/lib/dpkg/status)");
}
