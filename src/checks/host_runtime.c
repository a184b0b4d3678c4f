/* CIS Docker Benchmark 1.6.0 section 5, Container Runtime, at the daemon and host level: swarm
 * mode (5.1), and what the per-container AppArmor (5.2) and SELinux (5.3) controls need from
 * the host, a Linux security module the daemon can apply. The per-container halves are
 * `strata config` on `docker inspect` output (docs/config-docker-inspect.md).
 *
 * AppArmor is enabled when /sys/module/apparmor/parameters/enabled says Y or securityfs shows
 * /sys/kernel/security/apparmor; SELinux when /sys/fs/selinux/enforce says 1 or, for a tree
 * without /sys, /etc/selinux/config says SELINUX=enforcing. Docker labels containers for
 * SELinux only when the daemon runs with selinux-enabled. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/host_internal.h"

static int file_starts(const struct host_ctx *c, const char *path, const char *prefix)
{
    char *data;
    size_t len;
    if (host_root_read(&c->root, path, 4096, &data, &len) != 0)
        return 0;
    int yes = strncmp(data, prefix, strlen(prefix)) == 0;
    free(data);
    return yes;
}

static int apparmor_enabled(const struct host_ctx *c)
{
    struct stat st;
    return file_starts(c, "/sys/module/apparmor/parameters/enabled", "Y") ||
           (host_root_stat(&c->root, "/sys/kernel/security/apparmor", 1, &st) == 0 &&
            S_ISDIR(st.st_mode));
}

/* 2 enforcing, 1 permissive, 0 disabled or absent. */
static int selinux_mode(const struct host_ctx *c)
{
    struct stat st;
    if (host_root_stat(&c->root, "/sys/fs/selinux/enforce", 1, &st) == 0)
        return file_starts(c, "/sys/fs/selinux/enforce", "1") ? 2 : 1;
    char *data;
    size_t len;
    if (host_root_read(&c->root, "/etc/selinux/config", HOST_MAX_CONFIG_FILE, &data, &len) != 0)
        return 0;
    int mode = 0;
    for (char *line = data; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (strncmp(line, "SELINUX=", 8) == 0) {
            const char *v = line + 8;
            mode = strncmp(v, "enforcing", 9) == 0 ? 2 : strncmp(v, "permissive", 10) == 0 ? 1 : 0;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(data);
    return mode;
}

int host_section5(struct host_ctx *c)
{
    static const char t1[] = "Ensure swarm mode is not Enabled, if not needed",
                      t2[] = "Ensure that, if applicable, an AppArmor Profile is enabled",
                      t3[] = "Ensure that, if applicable, SELinux security options are set";
    int swarm = host_swarm_active(c);
    if (host_result(c, "5.1", t1, swarm ? HOST_WARN : HOST_PASS) != 0 ||
        (swarm && host_detail(c, "Swarm mode is active") != 0))
        return STRATA_ENOMEM;

    int aa = apparmor_enabled(c), se = selinux_mode(c);
    int rc;
    if (aa)
        rc = host_result(c, "5.2", t2, HOST_PASS) ||
             host_detail(c, "AppArmor is enabled on the host: containers get the "
                            "docker-default profile unless run unconfined");
    else if (se)
        rc = host_result(c, "5.2", t2, HOST_INFO) ||
             host_detail(c, "Not applicable: the host uses SELinux");
    else
        rc = host_result(c, "5.2", t2, HOST_WARN) ||
             host_detail(c, "Neither AppArmor nor SELinux is enabled on the host");
    if (rc)
        return STRATA_ENOMEM;

    int labels;
    if (!host_daemon_bool(&c->daemon, "selinux-enabled", &labels))
        labels = 0;
    if (se == 2 && labels)
        rc = host_result(c, "5.3", t3, HOST_PASS);
    else if (se == 2)
        rc = host_result(c, "5.3", t3, HOST_WARN) ||
             host_detail(c, "SELinux is enforcing but the daemon runs without selinux-enabled: "
                            "containers get no SELinux labels");
    else if (se == 1)
        rc = host_result(c, "5.3", t3, HOST_WARN) ||
             host_detail(c, "SELinux is permissive: its policy is not enforced");
    else if (aa)
        rc = host_result(c, "5.3", t3, HOST_INFO) ||
             host_detail(c, "Not applicable: the host uses AppArmor");
    else
        rc = host_result(c, "5.3", t3, HOST_WARN) ||
             host_detail(c, "Neither AppArmor nor SELinux is enabled on the host");
    return rc ? STRATA_ENOMEM : 0;
}
