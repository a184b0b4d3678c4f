/* `docker inspect` checks (docs/config-docker-inspect.md): the container runtime controls of
 * CIS Docker Benchmark 1.6.0 section 5, numbered as docker-bench-security 1.6.0 numbers them
 * (tests/5_container_runtime.sh), per container of `docker inspect` output (one object or an
 * array of them), each finding at the JSON key it is about.
 *
 * docker-bench-security asks the daemon (docker inspect, docker port, docker exec); here the
 * inspect document is all there is, so 5.7 (sshd) looks at the container's main process only
 * (docker-bench-security runs ps inside), and the checks that need the daemon or are manual
 * (5.1 swarm, 5.9, 5.19, 5.23, 5.24, 5.28) are left to `strata host` or out. */
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/capabilities.h"
#include "checks/config.h"
#include "checks/json_pos.h"
#include "core/json_load.h"

#define SEP JSON_POS_SEP
/* Members and elements whose positions are kept (levels below a container's object). */
#define POS_DEPTH 7
#define POS_MAX_ENTRIES 2000000

struct ix {
    struct config_ctx *c;
    const struct config_source *src;
    struct strata_error *err;
    struct json_pos pos;
    char prefix[32]; /* the container's path: "" for a lone object, "3<SEP>" in an array */
    char name[260];  /* the container's name, the finding's resource */
};

/* ---- positions ---- */

/* Position of the member or element at the container-relative path (components joined by
 * SEP, no trailing SEP); falling back to shorter paths, then to the container's Name key. */
static void where(const struct ix *x, const char *rel, int *line, int *col)
{
    char path[JSON_POS_MAX_PATH];
    snprintf(path, sizeof path, "%s%s" SEP, x->prefix, rel);
    for (;;) {
        const struct json_pos_at *at = json_pos_get(&x->pos, path);
        if (at != NULL) {
            *line = at->line;
            *col = at->col;
            return;
        }
        /* drop the last component */
        size_t n = strlen(path);
        size_t plen = strlen(x->prefix);
        if (n <= plen + 1)
            break;
        n--; /* the trailing SEP */
        while (n > plen && path[n - 1] != SEP[0])
            n--;
        if (n <= plen)
            break;
        path[n] = '\0';
    }
    snprintf(path, sizeof path, "%sName" SEP, x->prefix);
    const struct json_pos_at *at = json_pos_get(&x->pos, path);
    *line = at ? at->line : 0;
    *col = at ? at->col : 0;
}

static int report(struct ix *x, const char *rel, const char *cis, const char *severity,
                  const char *title, const char *remediation, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int report(struct ix *x, const char *rel, const char *cis, const char *severity,
                  const char *title, const char *remediation, const char *fmt, ...)
{
    char id[32];
    snprintf(id, sizeof id, "CIS-DOCKER-%s", cis);
    if (!config_rule_enabled(x->c, id))
        return 0;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct config_finding f = {.id = id,
                               .title = title,
                               .severity = severity,
                               .cis = cis,
                               .resource = x->name,
                               .message = msg,
                               .remediation = remediation};
    where(x, rel, &f.line, &f.column);
    return config_report(x->c, x->src, &f) != 0 ? strata_error_nomem(x->err) : 0;
}

/* A string from the document for a message: printable, cut at 160 bytes. */
static const char *show(const char *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (; s && s[n] && n < 160 && n + 4 < cap; n++)
        buf[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
    buf[n] = '\0';
    if (s && s[n] != '\0' && n + 4 < cap)
        strcpy(buf + n, "…");
    return buf;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int str_is(json_t *o, const char *key, const char *want)
{
    const char *s = str(o, key);
    return s != NULL && strcmp(s, want) == 0;
}

/* A number member: 0 when absent or null (the daemon's "not set"). */
static long long num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? json_integer_value(v)
           : json_is_real(v)  ? (long long)json_real_value(v)
                              : 0;
}

/* ---- the controls ---- */

#define T52 "Ensure that, if applicable, an AppArmor Profile is enabled"
#define T53 "Ensure that, if applicable, SELinux security options are set"
#define T54 "Ensure that Linux kernel capabilities are restricted within containers"
#define T55 "Ensure that privileged containers are not used"
#define T56 "Ensure sensitive host system directories are not mounted on containers"
#define T57 "Ensure sshd is not run within containers"
#define T58 "Ensure privileged ports are not mapped within containers"
#define T510 "Ensure that the host's network namespace is not shared"
#define T511 "Ensure that the memory usage for containers is limited"
#define T512 "Ensure that CPU priority is set appropriately on containers"
#define T513 "Ensure that the container's root filesystem is mounted as read only"
#define T514 "Ensure that incoming container traffic is bound to a specific host interface"
#define T515 "Ensure that the 'on-failure' container restart policy is set to '5'"
#define T516 "Ensure that the host's process namespace is not shared"
#define T517 "Ensure that the host's IPC namespace is not shared"
#define T518 "Ensure that host devices are not directly exposed to containers"
#define T520 "Ensure mount propagation mode is not set to shared"
#define T521 "Ensure that the host's UTS namespace is not shared"
#define T522 "Ensure the default seccomp profile is not Disabled"
#define T525 "Ensure that cgroup usage is confirmed"
#define T526 "Ensure that the container is restricted from acquiring additional privileges"
#define T527 "Ensure that container health is checked at runtime"
#define T529 "Ensure that the PIDs cgroup limit is used"
#define T530 "Ensure that Docker's default bridge 'docker0' is not used"
#define T531 "Ensure that the host's user namespaces are not shared"
#define T532 "Ensure that the Docker socket is not mounted inside any containers"

static int apparmor(struct ix *x, json_t *ct)
{
    const char *p = str(ct, "AppArmorProfile");
    if (p != NULL && p[0] != '\0' && strcmp(p, "unconfined") != 0)
        return 0;
    return report(x, "AppArmorProfile", "5.2", "MEDIUM", T52,
                  "Run the container with an AppArmor profile (docker-default, or "
                  "--security-opt apparmor=PROFILE); on SELinux hosts see 5.3",
                  "%s runs %s", x->name,
                  p && p[0] ? "with AppArmor profile unconfined" : "without an AppArmor profile");
}

static int selinux(struct ix *x, json_t *hc)
{
    json_t *so = json_object_get(hc, "SecurityOpt");
    if (json_is_array(so) && json_array_size(so) > 0)
        return 0;
    return report(x, "HostConfig" SEP "SecurityOpt", "5.3", "LOW", T53,
                  "On SELinux hosts run the daemon with selinux-enabled and give containers "
                  "--security-opt label=…; elsewhere set security options such as "
                  "no-new-privileges",
                  "%s has no security options (HostConfig.SecurityOpt is empty)", x->name);
}

static int capabilities(struct ix *x, json_t *hc)
{
    json_t *caps = json_object_get(hc, "CapAdd");
    size_t i;
    json_t *e;
    json_array_foreach(caps, i, e)
    {
        if (!json_is_string(e))
            continue;
        const char *s = json_string_value(e);
        if (strncasecmp(s, "CAP_", 4) == 0)
            s += 4;
        char cap[64], q[200], rel[64];
        size_t n = 0;
        for (; s[n] && n < sizeof cap - 1; n++)
            cap[n] = (char)toupper((unsigned char)s[n]);
        cap[n] = '\0';
        if (cap[0] == '\0' || checks_cap_is_default(cap))
            continue;
        snprintf(rel, sizeof rel, "HostConfig" SEP "CapAdd" SEP "%zu", i);
        int rc = report(x, rel, "5.4", checks_cap_severity(cap), T54,
                        "Drop all capabilities (--cap-drop=all) and add back only those the "
                        "container needs",
                        "%s adds capability %s", x->name, show(cap, q, sizeof q));
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int privileged(struct ix *x, json_t *hc)
{
    if (!json_is_true(json_object_get(hc, "Privileged")))
        return 0;
    return report(x, "HostConfig" SEP "Privileged", "5.5", "CRITICAL", T55,
                  "Do not run containers with --privileged",
                  "%s runs in privileged mode: all capabilities, all host devices, no seccomp "
                  "or AppArmor confinement",
                  x->name);
}

/* docker-bench-security's list of sensitive host directories for 5.6. */
static int sensitive_dir(const char *s)
{
    static const char *const dirs[] = {"/",    "/boot", "/dev", "/etc",
                                       "/lib", "/proc", "/sys", "/usr"};
    char n[1024];
    snprintf(n, sizeof n, "%s", s);
    size_t l = strlen(n);
    while (l > 1 && n[l - 1] == '/')
        n[--l] = '\0';
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (strcmp(n, dirs[i]) == 0)
            return 1;
    return 0;
}

static int mounts(struct ix *x, json_t *ct)
{
    json_t *ms = json_object_get(ct, "Mounts");
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        const char *src = str(m, "Source"), *dst = str(m, "Destination");
        const char *prop = str(m, "Propagation");
        int rw = json_is_true(json_object_get(m, "RW"));
        char rel[96], q[200], q2[200];
        int rc = 0;
        if ((src && strstr(src, "docker.sock")) || (dst && strstr(dst, "docker.sock"))) {
            snprintf(rel, sizeof rel, "Mounts" SEP "%zu" SEP "Source", i);
            rc = report(x, rel, "5.32", "CRITICAL", T532,
                        "Do not mount the Docker socket; use a proxy that allows only the API "
                        "calls needed",
                        "%s mounts the Docker socket (%s): whoever controls it controls the host",
                        x->name, show(src ? src : dst, q, sizeof q));
        } else if (src && str_is(m, "Type", "bind") && sensitive_dir(src)) {
            snprintf(rel, sizeof rel, "Mounts" SEP "%zu" SEP "Source", i);
            rc = report(x, rel, "5.6", rw ? "HIGH" : "MEDIUM", T56,
                        "Do not mount sensitive host directories, and never read-write",
                        "%s mounts host directory %s at %s%s", x->name, show(src, q, sizeof q),
                        show(dst ? dst : "?", q2, sizeof q2), rw ? " read-write" : " read-only");
        }
        if (rc == 0 && prop && (strcmp(prop, "shared") == 0 || strcmp(prop, "rshared") == 0)) {
            snprintf(rel, sizeof rel, "Mounts" SEP "%zu" SEP "Propagation", i);
            rc = report(x, rel, "5.20", "MEDIUM", T520, "Use the default private mount propagation",
                        "%s mounts %s with %s propagation: mounts made in the container reach "
                        "the host",
                        x->name, show(src ? src : "?", q, sizeof q), prop);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int is_sshd(const char *s)
{
    const char *b = strrchr(s, '/');
    b = b ? b + 1 : s;
    return strcmp(b, "sshd") == 0;
}

static int sshd(struct ix *x, json_t *ct)
{
    const char *path = str(ct, "Path");
    int hit = path && is_sshd(path);
    size_t i;
    json_t *a;
    const char *rel = "Path";
    json_array_foreach(json_object_get(ct, "Args"), i, a)
    {
        if (!hit && json_is_string(a) && is_sshd(json_string_value(a))) {
            hit = 1;
            rel = "Args";
        }
    }
    if (!hit)
        return 0;
    return report(x, rel, "5.7", "MEDIUM", T57,
                  "Do not run an SSH daemon in containers; use docker exec",
                  "%s runs sshd as its main process", x->name);
}

static int wildcard_ip(const char *ip)
{
    return ip == NULL || ip[0] == '\0' || strcmp(ip, "0.0.0.0") == 0 || strcmp(ip, "::") == 0;
}

/* 5.8 and 5.14 over NetworkSettings.Ports (a running container), else HostConfig.PortBindings
 * (what it is configured with): one finding per container port. */
static int ports(struct ix *x, json_t *ct, json_t *hc)
{
    json_t *ns = json_object_get(ct, "NetworkSettings");
    json_t *ports = json_object_get(ns, "Ports");
    const char *base = "NetworkSettings" SEP "Ports";
    if (!json_is_object(ports) || json_object_size(ports) == 0) {
        ports = json_object_get(hc, "PortBindings");
        base = "HostConfig" SEP "PortBindings";
    }
    const char *port;
    json_t *binds;
    json_object_foreach(ports, port, binds)
    {
        size_t i;
        json_t *b;
        long low = -1;
        size_t low_at = 0, wild_at = 0;
        int wild = 0;
        char ips[128] = "";
        json_array_foreach(binds, i, b)
        {
            const char *hp = str(b, "HostPort"), *ip = str(b, "HostIp");
            char *end;
            long v = hp ? strtol(hp, &end, 10) : 0;
            if (hp && end != hp && *end == '\0' && v > 0 && v < 1024 && low < 0) {
                low = v;
                low_at = i;
            }
            if (wildcard_ip(ip)) {
                if (!wild)
                    wild_at = i;
                if (strlen(ips) + 16 < sizeof ips)
                    snprintf(ips + strlen(ips), sizeof ips - strlen(ips), "%s%s", wild ? ", " : "",
                             ip && ip[0] ? ip : "(any)");
                wild = 1;
            }
        }
        char rel[JSON_POS_MAX_PATH], q[200];
        int rc = 0;
        if (low > 0) {
            snprintf(rel, sizeof rel, "%s" SEP "%s" SEP "%zu" SEP "HostPort", base, port, low_at);
            rc = report(x, rel, "5.8", "LOW", T58, "Map container ports to host ports above 1023",
                        "%s maps container port %s to privileged host port %ld", x->name,
                        show(port, q, sizeof q), low);
        }
        if (rc == 0 && wild) {
            snprintf(rel, sizeof rel, "%s" SEP "%s" SEP "%zu" SEP "HostIp", base, port, wild_at);
            rc = report(x, rel, "5.14", "MEDIUM", T514,
                        "Publish the port on one host address (-p 10.2.3.4:8080:80)",
                        "%s publishes container port %s on every host interface (%s)", x->name,
                        show(port, q, sizeof q), ips);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* NetworkMode / PidMode / IpcMode / UTSMode / UsernsMode: "host". */
static int namespaces(struct ix *x, json_t *hc)
{
    static const struct {
        const char *key, *cis, *severity, *title, *what;
    } ns[] = {
        {"NetworkMode", "5.10", "HIGH", T510, "network"},
        {"PidMode", "5.16", "HIGH", T516, "process"},
        {"IpcMode", "5.17", "HIGH", T517, "IPC"},
        {"UTSMode", "5.21", "MEDIUM", T521, "UTS"},
        {"UsernsMode", "5.31", "HIGH", T531, "user"},
    };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        const char *v = str(hc, ns[i].key);
        if (v == NULL || strcasecmp(v, "host") != 0)
            continue;
        char rel[64], rem[96];
        snprintf(rel, sizeof rel, "HostConfig" SEP "%s", ns[i].key);
        snprintf(rem, sizeof rem, "Do not share the host's %s namespace (--%s=host)", ns[i].what,
                 i == 0   ? "network"
                 : i == 1 ? "pid"
                 : i == 2 ? "ipc"
                 : i == 3 ? "uts"
                          : "userns");
        int rc =
            report(x, rel, ns[i].cis, ns[i].severity, ns[i].title, rem,
                   "%s shares the host's %s namespace (%s: host)", x->name, ns[i].what, ns[i].key);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int limits(struct ix *x, json_t *hc)
{
    int rc = 0;
    if (num(hc, "Memory") <= 0)
        rc = report(x, "HostConfig" SEP "Memory", "5.11", "LOW", T511,
                    "Run the container with --memory", "%s runs without a memory limit", x->name);
    if (rc == 0 && num(hc, "CpuShares") <= 0)
        rc = report(x, "HostConfig" SEP "CpuShares", "5.12", "LOW", T512,
                    "Set the container's CPU priority with --cpu-shares",
                    "%s runs without CPU shares (its CPU priority is the default)", x->name);
    json_t *pl = json_object_get(hc, "PidsLimit");
    if (rc == 0 && (!json_is_integer(pl) || json_integer_value(pl) <= 0))
        rc = report(x, "HostConfig" SEP "PidsLimit", "5.29", "LOW", T529,
                    "Run the container with --pids-limit",
                    "%s runs without a PIDs limit: a fork bomb exhausts the host", x->name);
    return rc;
}

static int read_only(struct ix *x, json_t *hc)
{
    if (json_is_true(json_object_get(hc, "ReadonlyRootfs")))
        return 0;
    return report(x, "HostConfig" SEP "ReadonlyRootfs", "5.13", "LOW", T513,
                  "Run the container with --read-only and volumes or tmpfs where it writes",
                  "%s runs with its root filesystem mounted read-write", x->name);
}

static int restart_policy(struct ix *x, json_t *hc)
{
    json_t *rp = json_object_get(hc, "RestartPolicy");
    const char *name = str(rp, "Name");
    long long max = num(rp, "MaximumRetryCount");
    char why[128];
    if (name != NULL && (strcmp(name, "always") == 0 || strcmp(name, "unless-stopped") == 0))
        snprintf(why, sizeof why, "restarts %s, without a limit", name);
    else if (name != NULL && strcmp(name, "on-failure") == 0 && (max <= 0 || max > 5))
        snprintf(why, sizeof why, "restarts on failure %s",
                 max <= 0 ? "without a limit" : "more than 5 times");
    else
        return 0;
    return report(x, "HostConfig" SEP "RestartPolicy", "5.15", "LOW", T515,
                  "Use --restart=on-failure:5", "%s %s", x->name, why);
}

static int devices(struct ix *x, json_t *hc)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(hc, "Devices"), i, d)
    {
        const char *p = str(d, "PathOnHost");
        char rel[64], q[200];
        snprintf(rel, sizeof rel, "HostConfig" SEP "Devices" SEP "%zu", i);
        int rc = report(x, rel, "5.18", "MEDIUM", T518,
                        "Do not expose host devices; if one is needed, give the least "
                        "permissions (r, w, m)",
                        "%s has host device %s", x->name, show(p ? p : "?", q, sizeof q));
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* security_opt entries: "name=value" (Docker 1.11+) or "name:value". */
static int opt_is(const char *s, const char *name, const char *value)
{
    size_t n = strlen(name);
    return strncmp(s, name, n) == 0 && (s[n] == ':' || s[n] == '=') &&
           (value == NULL || strcmp(s + n + 1, value) == 0);
}

static int security_opt(struct ix *x, json_t *hc)
{
    json_t *so = json_object_get(hc, "SecurityOpt");
    size_t i;
    json_t *e;
    int nnp = 0, rc = 0;
    json_array_foreach(so, i, e)
    {
        const char *s = json_is_string(e) ? json_string_value(e) : "";
        char rel[64];
        snprintf(rel, sizeof rel, "HostConfig" SEP "SecurityOpt" SEP "%zu", i);
        if (strcmp(s, "no-new-privileges") == 0 || opt_is(s, "no-new-privileges", "true"))
            nnp = 1;
        if (opt_is(s, "seccomp", "unconfined") &&
            (rc = report(x, rel, "5.22", "HIGH", T522,
                         "Do not run containers with --security-opt seccomp=unconfined",
                         "%s runs without a seccomp profile (%s)", x->name, s)) != 0)
            return rc;
    }
    if (nnp)
        return 0;
    return report(x, "HostConfig" SEP "SecurityOpt", "5.26", "MEDIUM", T526,
                  "Run the container with --security-opt=no-new-privileges",
                  "%s can acquire additional privileges (no no-new-privileges security option)",
                  x->name);
}

static int cgroup(struct ix *x, json_t *hc)
{
    const char *p = str(hc, "CgroupParent");
    if (p == NULL || p[0] == '\0')
        return 0;
    char q[200];
    return report(x, "HostConfig" SEP "CgroupParent", "5.25", "LOW", T525,
                  "Use the default cgroup unless this parent is intended",
                  "%s runs under cgroup parent %s: confirm it", x->name, show(p, q, sizeof q));
}

static int health(struct ix *x, json_t *ct)
{
    json_t *st = json_object_get(ct, "State");
    if (json_is_object(json_object_get(st, "Health")))
        return 0;
    json_t *test =
        json_object_get(json_object_get(json_object_get(ct, "Config"), "Healthcheck"), "Test");
    json_t *t0 = json_array_get(test, 0);
    if (json_is_string(t0) && strcmp(json_string_value(t0), "NONE") != 0)
        return 0;
    return report(x, "State", "5.27", "LOW", T527,
                  "Give the image a HEALTHCHECK or run the container with --health-cmd",
                  "%s has no health check", x->name);
}

static int default_bridge(struct ix *x, json_t *ct)
{
    json_t *nets = json_object_get(json_object_get(ct, "NetworkSettings"), "Networks");
    if (json_object_get(nets, "bridge") == NULL)
        return 0;
    return report(x, "NetworkSettings" SEP "Networks" SEP "bridge", "5.30", "LOW", T530,
                  "Attach the container to a user-defined network",
                  "%s is on the default bridge network (docker0), shared by every container "
                  "started without a network",
                  x->name);
}

static int check_container(struct ix *x, json_t *ct)
{
    json_t *hc = json_object_get(ct, "HostConfig");
    int rc;
    if ((rc = apparmor(x, ct)) || (rc = selinux(x, hc)) || (rc = capabilities(x, hc)) ||
        (rc = privileged(x, hc)) || (rc = mounts(x, ct)) || (rc = sshd(x, ct)) ||
        (rc = ports(x, ct, hc)) || (rc = namespaces(x, hc)) || (rc = limits(x, hc)) ||
        (rc = read_only(x, hc)) || (rc = restart_policy(x, hc)) || (rc = devices(x, hc)) ||
        (rc = security_opt(x, hc)) || (rc = cgroup(x, hc)) || (rc = health(x, ct)) ||
        (rc = default_bridge(x, ct)))
        return rc;
    return 0;
}

static void container_name(json_t *ct, size_t index, char *out, size_t cap)
{
    const char *n = str(ct, "Name");
    const char *id = str(ct, "Id");
    char q[200];
    if (n != NULL && n[0] == '/')
        n++;
    if (n != NULL && n[0] != '\0')
        snprintf(out, cap, "%s", show(n, q, sizeof q));
    else if (id != NULL && id[0] != '\0')
        snprintf(out, cap, "%.12s", show(id, q, sizeof q));
    else
        snprintf(out, cap, "container %zu", index);
}

int config_check_docker_inspect(struct config_ctx *c, const struct config_source *src,
                                struct strata_error *err)
{
    json_t *doc = NULL;
    int rc = json_load_document(src->data, src->len, src->path, CONFIG_MAX_FILE, 0, &doc, err);
    if (rc != 0)
        return rc;
    if (!json_is_array(doc) && !json_is_object(doc)) {
        json_decref(doc);
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s:1:1: not docker inspect output (expected a container object "
                                "or an array of them)",
                                src->path);
    }
    struct ix x = {.c = c, .src = src, .err = err};
    if (json_pos_build(&x.pos, src->data, src->len, POS_DEPTH + json_is_array(doc),
                       POS_MAX_ENTRIES) != 0) {
        json_decref(doc);
        return strata_error_nomem(err);
    }
    size_t n = json_is_array(doc) ? json_array_size(doc) : 1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *ct = json_is_array(doc) ? json_array_get(doc, i) : doc;
        /* images (no HostConfig) and anything else in the array are not containers */
        if (!json_is_object(ct) || !json_is_object(json_object_get(ct, "HostConfig")))
            continue;
        if (json_is_array(doc))
            snprintf(x.prefix, sizeof x.prefix, "%zu" SEP, i);
        container_name(ct, i, x.name, sizeof x.name);
        rc = check_container(&x, ct);
    }
    json_pos_free(&x.pos);
    json_decref(doc);
    return rc;
}
