/* CIS Docker Benchmark 1.6.0 section 2, Docker daemon configuration, from the daemon's command
 * line (docker.service's ExecStart) and daemon.json, in docker-bench-security's order and
 * with its results. Where docker-bench-security asks the running daemon (docker info: storage
 * driver, logging driver, live restore, seccomp profile), the setting that decides the daemon's
 * answer is read instead, with the daemon's default when it is not set. docker-bench-security's
 * jq lookups of absent keys print "null", which some of its checks then read as set; here an
 * absent key is the daemon's default (docs/strata-host.md lists those cases). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/host_internal.h"

#define CHECK(c, id, title, st) (host_result(c, id, title, st) != 0 ? STRATA_ENOMEM : 0)

static const char *json_str(const struct host_ctx *c, const char *key)
{
    json_t *j = host_daemon_json(&c->daemon, key);
    return json_is_string(j) ? json_string_value(j) : NULL;
}

/* The option's value, else daemon.json's string key. */
static const char *setting(const struct host_ctx *c, const char *opt, const char *key)
{
    const char *v = host_daemon_opt(&c->daemon, opt);
    return v != NULL ? v : json_str(c, key);
}

static int is_true(const struct host_ctx *c, const char *key)
{
    int v;
    return host_daemon_bool(&c->daemon, key, &v) && v;
}

static int is_false(const struct host_ctx *c, const char *key)
{
    int v;
    return host_daemon_bool(&c->daemon, key, &v) && !v;
}

static int nonempty_array(json_t *j)
{
    return json_is_array(j) && json_array_size(j) > 0;
}

static int has_opt(const struct host_ctx *c, const char *name)
{
    return host_daemon_opt(&c->daemon, name) != NULL;
}

static int icc(struct host_ctx *c)
{
    static const char t[] =
        "Ensure network traffic is restricted between containers on the default bridge";
    if (is_false(c, "icc"))
        return CHECK(c, "2.2", t, HOST_PASS);
    return CHECK(c, "2.2", t, HOST_WARN);
}

static int log_level(struct host_ctx *c)
{
    static const char t[] = "Ensure the logging level is set to 'info'";
    const char *l = setting(c, "log-level", "log-level");
    if (l == NULL || l[0] == '\0' || strcmp(l, "info") == 0)
        return CHECK(c, "2.3", t, HOST_PASS);
    return CHECK(c, "2.3", t, HOST_WARN) || host_detail(c, "log-level is %s", l) ? STRATA_ENOMEM
                                                                                 : 0;
}

static int iptables(struct host_ctx *c)
{
    static const char t[] = "Ensure Docker is allowed to make changes to iptables";
    return CHECK(c, "2.4", t, is_false(c, "iptables") ? HOST_WARN : HOST_PASS);
}

static int insecure_registries(struct host_ctx *c)
{
    static const char t[] = "Ensure insecure registries are not used";
    json_t *j = host_daemon_json(&c->daemon, "insecure-registries");
    int bad = has_opt(c, "insecure-registry") || nonempty_array(j);
    if (!bad)
        return CHECK(c, "2.5", t, HOST_PASS);
    if (CHECK(c, "2.5", t, HOST_WARN) != 0)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < c->daemon.n_opts; i++)
        if (strcmp(c->daemon.opts[i].name, "insecure-registry") == 0 &&
            host_detail(c, "Insecure registry: %s", c->daemon.opts[i].value) != 0)
            return STRATA_ENOMEM;
    size_t i;
    json_t *e;
    json_array_foreach(j, i, e)
    {
        if (json_is_string(e) && host_detail(c, "Insecure registry: %s", json_string_value(e)) != 0)
            return STRATA_ENOMEM;
    }
    return 0;
}

static int aufs(struct host_ctx *c)
{
    static const char t[] = "Ensure aufs storage driver is not used";
    const char *d = setting(c, "storage-driver", "storage-driver");
    return CHECK(c, "2.6", t, d && strcmp(d, "aufs") == 0 ? HOST_WARN : HOST_PASS);
}

static int is_tcp_host(const char *h)
{
    return strncmp(h, "unix://", 7) != 0 && strncmp(h, "fd://", 5) != 0;
}

static int tls(struct host_ctx *c)
{
    static const char t[] = "Ensure TLS authentication for Docker daemon is configured";
    int tcp = 0;
    for (size_t i = 0; i < c->daemon.n_opts; i++)
        tcp |= strcmp(c->daemon.opts[i].name, "host") == 0 && is_tcp_host(c->daemon.opts[i].value);
    json_t *hosts = host_daemon_json(&c->daemon, "hosts");
    size_t i;
    json_t *e;
    json_array_foreach(hosts, i, e)
    {
        tcp |= json_is_string(e) && is_tcp_host(json_string_value(e));
    }
    if (!tcp)
        return CHECK(c, "2.7", t, HOST_INFO) || host_detail(c, "Docker daemon not listening on TCP")
                   ? STRATA_ENOMEM
                   : 0;
    if (is_true(c, "tlsverify"))
        return CHECK(c, "2.7", t, HOST_PASS);
    if (CHECK(c, "2.7", t, HOST_WARN) != 0)
        return STRATA_ENOMEM;
    return host_detail(c, is_true(c, "tls")
                              ? "Docker daemon currently listening on TCP with TLS, but no "
                                "verification"
                              : "Docker daemon currently listening on TCP without TLS");
}

static int ulimits(struct host_ctx *c)
{
    static const char t[] = "Ensure the default ulimit is configured appropriately";
    json_t *j = host_daemon_json(&c->daemon, "default-ulimits");
    if (has_opt(c, "default-ulimit") || (json_is_object(j) && json_object_size(j) > 0))
        return CHECK(c, "2.8", t, HOST_PASS);
    return CHECK(c, "2.8", t, HOST_INFO) ||
                   host_detail(c, "Default ulimit doesn't appear to be set")
               ? STRATA_ENOMEM
               : 0;
}

static int userns(struct host_ctx *c)
{
    static const char t[] = "Enable user namespace support";
    const char *u = setting(c, "userns-remap", "userns-remap");
    return CHECK(c, "2.9", t, u && u[0] ? HOST_PASS : HOST_WARN);
}

static int cgroup_parent(struct host_ctx *c)
{
    static const char t[] = "Ensure the default cgroup usage has been confirmed";
    const char *p = setting(c, "cgroup-parent", "cgroup-parent");
    if (p == NULL || p[0] == '\0')
        return CHECK(c, "2.10", t, HOST_PASS);
    return CHECK(c, "2.10", t, HOST_WARN) || host_detail(c, "Confirm cgroup usage: %s", p)
               ? STRATA_ENOMEM
               : 0;
}

static int base_device(struct host_ctx *c)
{
    static const char t[] = "Ensure base device size is not changed until needed";
    int set = 0;
    for (size_t i = 0; i < c->daemon.n_opts; i++)
        set |= strcmp(c->daemon.opts[i].name, "storage-opt") == 0 &&
               strstr(c->daemon.opts[i].value, "dm.basesize") != NULL;
    size_t i;
    json_t *e;
    json_array_foreach(host_daemon_json(&c->daemon, "storage-opts"), i, e)
    {
        set |= json_is_string(e) && strstr(json_string_value(e), "dm.basesize") != NULL;
    }
    return CHECK(c, "2.11", t, set ? HOST_WARN : HOST_PASS);
}

static int authorization(struct host_ctx *c)
{
    static const char t[] = "Ensure that authorization for Docker client commands is enabled";
    int on = has_opt(c, "authorization-plugin") ||
             nonempty_array(host_daemon_json(&c->daemon, "authorization-plugins"));
    return CHECK(c, "2.12", t, on ? HOST_PASS : HOST_WARN);
}

static int remote_logging(struct host_ctx *c)
{
    static const char t[] = "Ensure centralized and remote logging is configured";
    const char *d = setting(c, "log-driver", "log-driver");
    if (d == NULL || d[0] == '\0')
        d = "json-file"; /* the daemon's default */
    if (strcmp(d, "json-file") != 0)
        return CHECK(c, "2.13", t, HOST_PASS);
    return CHECK(c, "2.13", t, HOST_WARN) || host_detail(c, "Logging driver: %s", d) ? STRATA_ENOMEM
                                                                                     : 0;
}

static int no_new_privileges(struct host_ctx *c)
{
    static const char t[] = "Ensure containers are restricted from acquiring new privileges";
    return CHECK(c, "2.14", t, is_true(c, "no-new-privileges") ? HOST_PASS : HOST_WARN);
}

static int live_restore(struct host_ctx *c)
{
    static const char t[] = "Ensure live restore is enabled";
    if (is_true(c, "live-restore"))
        return CHECK(c, "2.15", t, HOST_PASS);
    if (host_swarm_active(c))
        return CHECK(c, "2.15", t, HOST_PASS) || host_detail(c, "Incompatible with swarm mode")
                   ? STRATA_ENOMEM
                   : 0;
    return CHECK(c, "2.15", t, HOST_WARN);
}

static int userland_proxy(struct host_ctx *c)
{
    static const char t[] = "Ensure Userland Proxy is Disabled";
    return CHECK(c, "2.16", t, is_false(c, "userland-proxy") ? HOST_PASS : HOST_WARN);
}

/* docker-bench-security passes 2.17 only when docker info shows "profile=default", which
 * Docker 23 and later print as "profile=builtin": on a current engine the default profile is
 * INFO (a manual check: is a custom profile appropriate?). A daemon-wide custom profile is
 * PASS, and unconfined, which turns seccomp off for every container, WARN. */
static int seccomp(struct host_ctx *c)
{
    static const char t[] =
        "Ensure that a daemon-wide custom seccomp profile is applied if appropriate";
    const char *p = setting(c, "seccomp-profile", "seccomp-profile");
    if (p == NULL || p[0] == '\0' || strcmp(p, "builtin") == 0 || strcmp(p, "default") == 0)
        return CHECK(c, "2.17", t, HOST_INFO) ||
                       host_detail(c, "Docker's default seccomp profile applies (no daemon-wide "
                                      "custom profile)")
                   ? STRATA_ENOMEM
                   : 0;
    enum host_status s = strcmp(p, "unconfined") == 0 ? HOST_WARN : HOST_PASS;
    return CHECK(c, "2.17", t, s) || host_detail(c, "Daemon-wide seccomp profile: %s", p)
               ? STRATA_ENOMEM
               : 0;
}

/* docker-bench-security 1.6.0 reports 2.18 as deprecated (INFO) for Docker after 19.03, where
 * experimental features are off unless asked for; asking for them is still a WARN here. */
static int experimental(struct host_ctx *c)
{
    static const char t[] = "Ensure that experimental features are not implemented in production";
    if (is_true(c, "experimental"))
        return CHECK(c, "2.18", t, HOST_WARN) || host_detail(c, "Experimental features are on")
                   ? STRATA_ENOMEM
                   : 0;
    return CHECK(c, "2.18", t, HOST_INFO) ||
                   host_detail(c, "Deprecated check; experimental features are off")
               ? STRATA_ENOMEM
               : 0;
}

int host_section2(struct host_ctx *c)
{
    int (*const checks[])(struct host_ctx *) = {
        icc,
        log_level,
        iptables,
        insecure_registries,
        aufs,
        tls,
        ulimits,
        userns,
        cgroup_parent,
        base_device,
        authorization,
        remote_logging,
        no_new_privileges,
        live_restore,
        userland_proxy,
        seccomp,
        experimental,
    };
    if (CHECK(c, "2.1", "Run the Docker daemon as a non-root user, if possible", HOST_NOTE) != 0)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        int rc = checks[i](c);
        if (rc != 0)
            return rc;
    }
    return 0;
}
