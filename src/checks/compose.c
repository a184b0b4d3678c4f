/* docker-compose checks (docs/config-compose.md): the services of a Compose Specification file
 * (and of the older version 2 and 3 files, whose services have the same shape; a version 1
 * file, services at the top level, is read too), rule by rule at the offending key. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/capabilities.h"
#include "checks/checks.h"
#include "checks/compose_yaml.h"
#include "checks/config.h"
#include "core/strbuf.h"

/* Services examined per file; later ones are ignored. */
#define COMPOSE_MAX_SERVICES 10000
/* Bytes of a file value quoted in a message. */
#define QUOTE_MAX 160

struct cx {
    struct config_ctx *c;
    const struct config_source *src;
    struct cyaml y;
    struct strata_error *err;
    char resource[300];
    struct fy_node *svc_key; /* the service's name: where absent settings are reported */
};

/* ---- reporting ---- */

/* The CIS Docker Benchmark 1.6.0 recommendation each rule applies to a service (the
 * numbering of docker-bench-security 1.6.0, as the docker inspect checks use it). */
static const char *cis_of(const char *id)
{
    static const char *const map[][2] = {
        {"DC-001", "5.5"},  {"DC-002", "5.4"},  {"DC-003", "5.10"}, {"DC-004", "5.16"},
        {"DC-005", "5.17"}, {"DC-006", "5.22"}, {"DC-007", "5.2"},  {"DC-008", "5.3"},
        {"DC-009", "5.26"}, {"DC-010", "5.13"}, {"DC-011", "4.1"},  {"DC-012", "5.32"},
        {"DC-013", "5.6"},  {"DC-014", "5.14"}, {"DC-015", "5.11"}, {"DC-016", "5.29"},
        {"DC-018", "5.21"}, {"DC-019", "5.31"}, {"DC-020", "5.18"}, {"DC-021", "5.20"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], id) == 0)
            return map[i][1];
    return NULL;
}

static int report(struct cx *x, struct fy_node *at, const char *id, const char *severity,
                  const char *title, const char *remediation, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int report(struct cx *x, struct fy_node *at, const char *id, const char *severity,
                  const char *title, const char *remediation, const char *fmt, ...)
{
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
                               .cis = cis_of(id),
                               .resource = x->resource,
                               .message = msg,
                               .remediation = remediation};
    cyaml_pos(at ? at : x->svc_key, &f.line, &f.column);
    int rc = config_report(x->c, x->src, &f);
    return rc != 0 ? strata_error_nomem(x->err) : 0;
}

/* Text of a scalar value for messages and matching: printable, at most cap - 1 bytes. */
static const char *text(struct fy_node *n, char *buf, size_t cap)
{
    size_t len;
    if (cyaml_text(cyaml_deref(n), buf, cap, &len, NULL, NULL) == NULL)
        return NULL;
    return buf;
}

/* A copy of s for a message: control bytes as '?', cut at QUOTE_MAX with "…". */
static const char *quote(const char *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (; s[n] && n < QUOTE_MAX && n + 4 < cap; n++)
        buf[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
    buf[n] = '\0';
    if (s[n] != '\0' && n + 4 < cap)
        strcpy(buf + n, "…");
    return buf;
}

/* Compose interpolation, as far as a file alone decides it: ${VAR:-default} and ${VAR-default}
 * become the default, $$ a '$'; any other $VAR / ${VAR} leaves the value unknown (returns 0). */
static int interpolate(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = s; *p;) {
        if (o + 1 >= cap)
            return 0;
        if (p[0] == '$' && p[1] == '$') {
            out[o++] = '$';
            p += 2;
            continue;
        }
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p, '}');
            const char *dash = strchr(p, '-');
            if (end == NULL || dash == NULL || dash > end)
                return 0;
            const char *d = dash + 1;
            size_t n = (size_t)(end - d);
            if (o + n + 1 >= cap)
                return 0;
            memcpy(out + o, d, n);
            o += n;
            p = end + 1;
            continue;
        }
        if (p[0] == '$' && (isalpha((unsigned char)p[1]) || p[1] == '_'))
            return 0;
        out[o++] = *p++;
    }
    out[o] = '\0';
    return 1;
}

/* ---- privileges ---- */

static int check_privileged(struct cx *x, struct fy_node *svc)
{
    struct fy_node *k, *v = cyaml_get(&x->y, svc, "privileged", &k);
    if (!cyaml_true(v))
        return 0;
    return report(x, k, "DC-001", "CRITICAL", "Privileged container",
                  "Remove privileged: true; add only the capabilities and devices the service "
                  "needs",
                  "%s runs privileged: all capabilities, all host devices, no seccomp or "
                  "AppArmor confinement",
                  x->resource);
}

static int check_caps(struct cx *x, struct fy_node *svc)
{
    struct fy_node *v = cyaml_deref(cyaml_get(&x->y, svc, "cap_add", NULL));
    void *it = NULL;
    struct fy_node *item;
    while ((item = cyaml_next_item(&x->y, v, &it)) != NULL) {
        char buf[64], cap[64], q[200];
        if (text(item, buf, sizeof buf) == NULL)
            continue;
        const char *s = strncasecmp(buf, "CAP_", 4) == 0 ? buf + 4 : buf;
        size_t n = 0;
        for (; s[n] && n < sizeof cap - 1; n++)
            cap[n] = (char)toupper((unsigned char)s[n]);
        cap[n] = '\0';
        if (cap[0] == '\0' || checks_cap_is_default(cap))
            continue;
        int rc = report(x, item, "DC-002", checks_cap_severity(cap), "Dangerous capability added",
                        "Drop the capability (cap_drop: [ALL], then cap_add only what the "
                        "service needs)",
                        "%s adds capability %s", x->resource, quote(cap, q, sizeof q));
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* network_mode / pid / ipc / uts / userns_mode: "host" shares the host's namespace. */
static int check_namespaces(struct cx *x, struct fy_node *svc)
{
    static const struct {
        const char *key, *id, *severity, *title, *what;
    } ns[] = {
        {"network_mode", "DC-003", "HIGH", "Host network namespace shared",
         "the host's network stack (every interface, localhost services)"},
        {"pid", "DC-004", "HIGH", "Host PID namespace shared", "every process of the host"},
        {"ipc", "DC-005", "HIGH", "Host IPC namespace shared",
         "the host's shared memory and semaphores"},
        {"uts", "DC-018", "MEDIUM", "Host UTS namespace shared",
         "the host's hostname (and can change it)"},
        {"userns_mode", "DC-019", "HIGH", "Host user namespace shared",
         "the host's user ids (user namespace remapping is off for it)"},
    };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        struct fy_node *k, *v = cyaml_get(&x->y, svc, ns[i].key, &k);
        char buf[16];
        if (text(v, buf, sizeof buf) == NULL || strcmp(buf, "host") != 0)
            continue;
        char rem[128];
        snprintf(rem, sizeof rem, "Remove %s: host", ns[i].key);
        int rc = report(x, k, ns[i].id, ns[i].severity, ns[i].title, rem,
                        "%s sets %s: host and sees %s", x->resource, ns[i].key, ns[i].what);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* security_opt items: "name:value" or "name=value". */
static int opt_is(const char *s, const char *name, const char *value)
{
    size_t n = strlen(name);
    return strncmp(s, name, n) == 0 && (s[n] == ':' || s[n] == '=') &&
           strcmp(s + n + 1, value) == 0;
}

static int check_security_opt(struct cx *x, struct fy_node *svc)
{
    struct fy_node *k, *v = cyaml_deref(cyaml_get(&x->y, svc, "security_opt", &k));
    int nnp = 0, rc;
    void *it = NULL;
    struct fy_node *item;
    while ((item = cyaml_next_item(&x->y, v, &it)) != NULL) {
        char buf[256];
        if (text(item, buf, sizeof buf) == NULL)
            continue;
        if (strcmp(buf, "no-new-privileges") == 0 || opt_is(buf, "no-new-privileges", "true"))
            nnp = 1;
        else if (opt_is(buf, "no-new-privileges", "false")) {
            nnp = -1;
            if ((rc = report(x, item, "DC-009", "MEDIUM", "Privilege escalation not blocked",
                             "Use security_opt: [\"no-new-privileges:true\"]",
                             "%s sets no-new-privileges:false: setuid binaries can gain "
                             "privileges",
                             x->resource)) != 0)
                return rc;
        } else if (opt_is(buf, "seccomp", "unconfined")) {
            if ((rc = report(x, item, "DC-006", "HIGH", "Seccomp profile disabled",
                             "Remove seccomp:unconfined (the default profile blocks the "
                             "dangerous system calls), or give a custom profile",
                             "%s runs without a seccomp profile (%s)", x->resource, buf)) != 0)
                return rc;
        } else if (opt_is(buf, "apparmor", "unconfined")) {
            if ((rc = report(x, item, "DC-007", "HIGH", "AppArmor profile disabled",
                             "Remove apparmor:unconfined (docker-default applies), or give a "
                             "custom profile",
                             "%s runs without an AppArmor profile (%s)", x->resource, buf)) != 0)
                return rc;
        } else if (opt_is(buf, "label", "disable")) {
            if ((rc = report(x, item, "DC-008", "HIGH", "SELinux labelling disabled",
                             "Remove label:disable", "%s runs without SELinux separation (%s)",
                             x->resource, buf)) != 0)
                return rc;
        }
    }
    if (nnp != 0)
        return 0;
    return report(x, k, "DC-009", "MEDIUM", "Privilege escalation not blocked",
                  "Add security_opt: [\"no-new-privileges:true\"]",
                  "%s does not set no-new-privileges: setuid binaries can gain privileges",
                  x->resource);
}

static int check_read_only(struct cx *x, struct fy_node *svc)
{
    struct fy_node *k, *v = cyaml_get(&x->y, svc, "read_only", &k);
    if (cyaml_true(v))
        return 0;
    return report(x, k, "DC-010", "LOW", "Root filesystem is writable",
                  "Set read_only: true and mount tmpfs or volumes where the service writes",
                  "%s %s: its root filesystem is writable", x->resource,
                  k ? "sets read_only to false" : "does not set read_only");
}

static int check_user(struct cx *x, struct fy_node *svc)
{
    struct fy_node *k, *v = cyaml_get(&x->y, svc, "user", &k);
    char buf[256], val[256];
    if (k == NULL || cyaml_null(v))
        return report(x, k, "DC-011", "LOW", "Container may run as root",
                      "Set user to a non-root uid:gid (or make sure the image sets USER)",
                      "%s does not set user: it runs as the image's user, root unless the "
                      "image sets one",
                      x->resource);
    if (text(v, buf, sizeof buf) == NULL || !interpolate(buf, val, sizeof val))
        return 0;
    size_t n = strcspn(val, ":");
    if ((n == 4 && strncmp(val, "root", 4) == 0) || (n == 1 && val[0] == '0')) {
        char q[200];
        return report(x, k, "DC-011", "MEDIUM", "Container runs as root",
                      "Set user to a non-root uid:gid", "%s runs as user %s", x->resource,
                      quote(val, q, sizeof q));
    }
    return 0;
}

/* ---- mounts ---- */

/* Lexically normalized absolute path (no '.', '..' clamped at '/', no trailing '/'). */
static void normalize(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    const char *p = in;
    while (*p) {
        while (*p == '/')
            p++;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - s);
        if (n == 0 || (n == 1 && s[0] == '.'))
            continue;
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            out[o] = '\0';
            continue;
        }
        if (o + 1 + n + 1 > cap)
            break;
        out[o++] = '/';
        memcpy(out + o, s, n);
        o += n;
        out[o] = '\0';
    }
    if (o == 0) {
        out[0] = '/';
        out[1] = '\0';
    }
}

/* The container runtime sockets: mounting one hands over the host. */
static int compose_runtime_socket(const char *path)
{
    static const char *const socks[] = {"docker.sock", "containerd.sock",  "crio.sock",
                                        "podman.sock", "cri-dockerd.sock", "dockershim.sock"};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < sizeof socks / sizeof socks[0]; i++)
        if (strcmp(base, socks[i]) == 0)
            return 1;
    return 0;
}

/* Sensitive host paths (normalized): these directories themselves, and anything under the
 * ones marked as subtrees. */
static int compose_sensitive_path(const char *p)
{
    static const char *const exact[] = {"/",
                                        "/etc",
                                        "/var/run",
                                        "/run",
                                        "/usr",
                                        "/lib",
                                        "/lib64",
                                        "/bin",
                                        "/sbin",
                                        "/home",
                                        "/var",
                                        "/var/lib",
                                        "/etc/shadow",
                                        "/etc/gshadow",
                                        "/etc/sudoers",
                                        "/etc/sudoers.d",
                                        "/etc/ssh",
                                        "/etc/kubernetes",
                                        "/etc/docker",
                                        "/etc/containerd"};
    static const char *const tree[] = {"/proc",
                                       "/sys",
                                       "/boot",
                                       "/root",
                                       "/dev",
                                       "/var/lib/docker",
                                       "/var/lib/containerd",
                                       "/var/lib/kubelet",
                                       "/run/containerd",
                                       "/var/run/containerd"};
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(p, exact[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof tree / sizeof tree[0]; i++) {
        size_t n = strlen(tree[i]);
        if (strncmp(p, tree[i], n) == 0 && (p[n] == '\0' || p[n] == '/'))
            return 1;
    }
    return 0;
}

/* One bind mount, from the short or the long syntax. */
static int bind_mount(struct cx *x, struct fy_node *at, const char *source, int read_only,
                      const char *propagation)
{
    char norm[1024], q[200];
    if (source[0] != '/')
        return 0; /* a named volume, or a relative path (the project's) */
    normalize(source, norm, sizeof norm);
    int rc = 0;
    if (compose_runtime_socket(norm))
        rc = report(x, at, "DC-012", "CRITICAL", "Container runtime socket mounted",
                    "Do not mount the runtime socket; use a socket proxy that allows only the "
                    "API calls the service needs",
                    "%s mounts %s: whoever controls the service controls the host", x->resource,
                    quote(norm, q, sizeof q));
    else if (compose_sensitive_path(norm)) {
        const char *sev = strcmp(norm, "/") == 0 ? (read_only ? "HIGH" : "CRITICAL")
                                                 : (read_only ? "MEDIUM" : "HIGH");
        rc = report(x, at, "DC-013", sev, "Sensitive host path mounted",
                    "Mount only the files the service needs, read-only", "%s mounts host %s%s",
                    x->resource, quote(norm, q, sizeof q), read_only ? " (read-only)" : "");
    }
    if (rc == 0 && propagation != NULL &&
        (strcmp(propagation, "shared") == 0 || strcmp(propagation, "rshared") == 0))
        rc = report(x, at, "DC-021", "MEDIUM", "Mount propagation shared",
                    "Use the default private propagation",
                    "%s mounts %s with %s propagation: mounts made in the container reach the "
                    "host",
                    x->resource, quote(norm, q, sizeof q), propagation);
    return rc;
}

/* "SRC:DST[:OPTS]" (OPTS comma-separated: ro, rw, z, Z, shared, rshared, …). */
static int short_volume(struct cx *x, struct fy_node *item, const char *s)
{
    const char *c1 = strchr(s, ':');
    if (c1 == NULL)
        return 0; /* an anonymous volume */
    char src[1024];
    size_t n = (size_t)(c1 - s);
    if (n >= sizeof src)
        return 0;
    memcpy(src, s, n);
    src[n] = '\0';
    const char *c2 = strchr(c1 + 1, ':');
    int ro = 0;
    const char *prop = NULL;
    char props[16];
    if (c2 != NULL) {
        char opts[128];
        snprintf(opts, sizeof opts, "%s", c2 + 1);
        char *save = NULL;
        for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
            if (strcmp(o, "ro") == 0)
                ro = 1;
            else if (strcmp(o, "shared") == 0 || strcmp(o, "rshared") == 0) {
                snprintf(props, sizeof props, "%s", o);
                prop = props;
            }
        }
    }
    return bind_mount(x, item, src, ro, prop);
}

static int long_volume(struct cx *x, struct fy_node *item)
{
    char type[32] = "", raw[1024], src[1024], prop[32];
    struct fy_node *t = cyaml_get(&x->y, item, "type", NULL);
    struct fy_node *sk, *s = cyaml_get(&x->y, item, "source", &sk);
    if (text(s, raw, sizeof raw) == NULL || !interpolate(raw, src, sizeof src))
        return 0;
    if (text(t, type, sizeof type) != NULL && strcmp(type, "bind") != 0)
        return 0;
    int ro = cyaml_true(cyaml_get(&x->y, item, "read_only", NULL));
    struct fy_node *bind = cyaml_get(&x->y, item, "bind", NULL);
    const char *p = text(cyaml_get(&x->y, bind, "propagation", NULL), prop, sizeof prop);
    return bind_mount(x, sk ? sk : item, src, ro, p);
}

static int check_volumes(struct cx *x, struct fy_node *svc)
{
    struct fy_node *v = cyaml_deref(cyaml_get(&x->y, svc, "volumes", NULL));
    void *it = NULL;
    struct fy_node *item;
    int rc = 0;
    while (rc == 0 && (item = cyaml_next_item(&x->y, v, &it)) != NULL) {
        struct fy_node *d = cyaml_deref(item);
        char buf[2048], val[2048];
        if (cyaml_is_map(d))
            rc = long_volume(x, d);
        else if (text(d, buf, sizeof buf) != NULL && interpolate(buf, val, sizeof val))
            rc = short_volume(x, item, val);
    }
    return rc;
}

static int check_devices(struct cx *x, struct fy_node *svc)
{
    struct fy_node *v = cyaml_deref(cyaml_get(&x->y, svc, "devices", NULL));
    void *it = NULL;
    struct fy_node *item;
    while ((item = cyaml_next_item(&x->y, v, &it)) != NULL) {
        char buf[512], q[200];
        struct fy_node *d = cyaml_deref(item);
        const char *s = cyaml_is_map(d) ? text(cyaml_get(&x->y, d, "source", NULL), buf, sizeof buf)
                                        : text(d, buf, sizeof buf);
        if (s == NULL)
            continue;
        int rc = report(x, item, "DC-020", "MEDIUM", "Host device exposed",
                        "Expose devices only when the service needs them, with the least "
                        "permissions (r, w, m)",
                        "%s gets host device %s", x->resource, quote(s, q, sizeof q));
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- ports ---- */

static int wildcard_ip(const char *ip)
{
    return ip[0] == '\0' || strcmp(ip, "0.0.0.0") == 0 || strcmp(ip, "::") == 0 ||
           strcmp(ip, "[::]") == 0;
}

/* The host IP of a short-syntax port ("[IP:][HOST:]CONTAINER[/PROTO]"), "" when none: copied
 * into ip. Returns 0 when the entry cannot be read. */
static int compose_port_host_ip(const char *entry, char *ip, size_t cap)
{
    char s[256];
    snprintf(s, sizeof s, "%s", entry);
    char *slash = strchr(s, '/');
    if (slash)
        *slash = '\0';
    ip[0] = '\0';
    if (s[0] == '[') {
        char *close = strchr(s, ']');
        if (close == NULL || close[1] != ':')
            return 0;
        size_t n = (size_t)(close - s - 1);
        if (n >= cap)
            return 0;
        memcpy(ip, s + 1, n);
        ip[n] = '\0';
        if (ip[0] == '\0' || strcmp(ip, "::") == 0)
            snprintf(ip, cap, "::");
        return 1;
    }
    size_t colons = 0;
    for (char *p = s; *p; p++)
        colons += *p == ':';
    if (colons < 2)
        return 1; /* CONTAINER or HOST:CONTAINER */
    /* IP:HOST:CONTAINER, the IP possibly an unbracketed IPv6 address */
    char *last = strrchr(s, ':');
    *last = '\0';
    char *second = strrchr(s, ':');
    *second = '\0';
    if (strlen(s) >= cap)
        return 0;
    snprintf(ip, cap, "%s", s);
    return 1;
}

static int check_ports(struct cx *x, struct fy_node *svc)
{
    struct fy_node *v = cyaml_deref(cyaml_get(&x->y, svc, "ports", NULL));
    void *it = NULL;
    struct fy_node *item;
    while ((item = cyaml_next_item(&x->y, v, &it)) != NULL) {
        struct fy_node *d = cyaml_deref(item);
        char buf[256], val[256], ip[128], q[200];
        const char *shown;
        if (cyaml_is_map(d)) {
            struct fy_node *h = cyaml_get(&x->y, d, "host_ip", NULL);
            if (h != NULL && !cyaml_null(h)) {
                if (text(h, buf, sizeof buf) == NULL || !interpolate(buf, ip, sizeof ip))
                    continue;
            } else {
                ip[0] = '\0';
            }
            char t[64] = "?", p[64] = "";
            text(cyaml_get(&x->y, d, "target", NULL), t, sizeof t);
            text(cyaml_get(&x->y, d, "published", NULL), p, sizeof p);
            snprintf(buf, sizeof buf, "%s%s%s", p, p[0] ? ":" : "", t);
            shown = buf;
        } else {
            if (text(d, buf, sizeof buf) == NULL || !interpolate(buf, val, sizeof val) ||
                !compose_port_host_ip(val, ip, sizeof ip))
                continue;
            shown = val;
        }
        if (!wildcard_ip(ip))
            continue;
        int rc = report(x, item, "DC-014", "MEDIUM", "Port published on all interfaces",
                        "Bind the port to one address (\"127.0.0.1:8080:80\", host_ip), or do "
                        "not publish it",
                        "%s publishes %s on every host interface (Docker's iptables rules "
                        "bypass host firewalls such as ufw)",
                        x->resource, quote(shown, q, sizeof q));
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- limits ---- */

static struct fy_node *deploy_limit(struct cx *x, struct fy_node *svc, const char *key,
                                    struct fy_node **k)
{
    struct fy_node *d = cyaml_get(&x->y, svc, "deploy", NULL);
    struct fy_node *r = cyaml_get(&x->y, d, "resources", NULL);
    struct fy_node *l = cyaml_get(&x->y, r, "limits", NULL);
    return cyaml_get(&x->y, l, key, k);
}

static int unlimited(struct fy_node *v)
{
    char buf[32];
    size_t len;
    if (cyaml_null(v))
        return 1;
    if (cyaml_text(cyaml_deref(v), buf, sizeof buf, &len, NULL, NULL) == NULL)
        return 0;
    return strcmp(buf, "0") == 0 || strcmp(buf, "-1") == 0;
}

static int check_limits(struct cx *x, struct fy_node *svc)
{
    struct fy_node *k1, *k2, *k3;
    struct fy_node *m1 = cyaml_get(&x->y, svc, "mem_limit", &k1);
    struct fy_node *m2 = deploy_limit(x, svc, "memory", &k2);
    int rc = 0;
    if ((k1 == NULL || unlimited(m1)) && (k2 == NULL || unlimited(m2)))
        rc = report(x, k1 ? k1 : k2, "DC-015", "LOW", "No memory limit",
                    "Set mem_limit (or deploy.resources.limits.memory)",
                    "%s has no memory limit: one service can exhaust the host's memory",
                    x->resource);
    if (rc != 0)
        return rc;
    struct fy_node *p1 = cyaml_get(&x->y, svc, "pids_limit", &k1);
    struct fy_node *p2 = deploy_limit(x, svc, "pids", &k3);
    if ((k1 == NULL || unlimited(p1)) && (k3 == NULL || unlimited(p2)))
        rc = report(x, k1 ? k1 : k3, "DC-016", "LOW", "No process limit",
                    "Set pids_limit (or deploy.resources.limits.pids)",
                    "%s has no pids limit: a fork bomb in it exhausts the host's processes",
                    x->resource);
    return rc;
}

/* ---- environment ---- */

static int env_secret(struct cx *x, struct fy_node *at, const char *key, size_t kn,
                      const char *value)
{
    if (value[0] == '\0' || value[0] == '$' || strstr(value, "${") != NULL)
        return 0; /* empty, or taken from the environment at run time */
    if (!checks_key_is_secret(key, kn))
        return 0;
    struct strbuf red = STRBUF_INIT;
    if (checks_redact_value(&red, value, strlen(value)) != 0)
        return strata_error_nomem(x->err);
    char q[200];
    char k[128];
    snprintf(k, sizeof k, "%.*s", (int)(kn < 100 ? kn : 100), key);
    int rc = report(x, at, "DC-017", "HIGH", "Secret in environment",
                    "Use Compose secrets or an env_file kept out of version control, not a value "
                    "written in the file",
                    "%s sets %s to a literal credential (%s)", x->resource, quote(k, q, sizeof q),
                    red.buf ? red.buf : "*****");
    strbuf_release(&red);
    return rc;
}

static int check_environment(struct cx *x, struct fy_node *svc)
{
    struct fy_node *v = cyaml_deref(cyaml_get(&x->y, svc, "environment", NULL));
    char buf[COMPOSE_MAX_TEXT], key[256];
    int rc = 0;
    void *it = NULL;
    if (cyaml_is_seq(v)) {
        struct fy_node *item;
        while (rc == 0 && (item = cyaml_next_item(&x->y, v, &it)) != NULL) {
            if (text(item, buf, sizeof buf) == NULL)
                continue;
            char *eq = strchr(buf, '=');
            if (eq != NULL)
                rc = env_secret(x, item, buf, (size_t)(eq - buf), eq + 1);
        }
        return rc;
    }
    struct fy_node *k, *val;
    while (rc == 0 && cyaml_next_pair(&x->y, v, &it, &k, &val)) {
        if (cyaml_null(val) || text(k, key, sizeof key) == NULL ||
            text(val, buf, sizeof buf) == NULL)
            continue;
        rc = env_secret(x, k, key, strlen(key), buf);
    }
    return rc;
}

/* ---- the file ---- */

static int check_service(struct cx *x, struct fy_node *name, struct fy_node *svc)
{
    char n[256], q[200];
    if (text(name, n, sizeof n) == NULL)
        return 0;
    snprintf(x->resource, sizeof x->resource, "service %s", quote(n, q, sizeof q));
    x->svc_key = name;
    int (*const checks[])(struct cx *, struct fy_node *) = {
        check_privileged, check_caps,   check_namespaces,  check_security_opt,
        check_read_only,  check_user,   check_volumes,     check_devices,
        check_ports,      check_limits, check_environment,
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        int rc = checks[i](x, svc);
        if (rc != 0)
            return rc;
        if (x->y.over_budget)
            break;
    }
    return 0;
}

/* Version 1 files have the services at the top level: a mapping with image or build. */
static int v1_service(struct cx *x, struct fy_node *v)
{
    return cyaml_is_map(v) && (cyaml_get(&x->y, v, "image", NULL) != NULL ||
                               cyaml_get(&x->y, v, "build", NULL) != NULL);
}

int config_check_compose(struct config_ctx *c, const struct config_source *src,
                         struct strata_error *err)
{
    struct cx x = {.c = c, .src = src, .err = err};
    int rc = cyaml_load(&x.y, src->path, src->data, src->len, CONFIG_MAX_FILE, err);
    if (rc != 0)
        return rc;
    struct fy_node *root = cyaml_deref(fy_document_root(x.y.doc));
    if (root == NULL || cyaml_null(root))
        goto done; /* an empty file: nothing to check */
    if (!cyaml_is_map(root)) {
        int l, col;
        cyaml_pos(root, &l, &col);
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s:%d:%d: not a compose file (the top level is not a mapping)",
                              src->path, l > 0 ? l : 1, col > 0 ? col : 1);
        goto done;
    }
    struct fy_node *sk, *services = cyaml_get(&x.y, root, "services", &sk);
    int v1 = sk == NULL && cyaml_get(&x.y, root, "version", NULL) == NULL;
    services = cyaml_deref(services);
    if (sk != NULL && !cyaml_null(services) && !cyaml_is_map(services)) {
        int l, col;
        cyaml_pos(sk, &l, &col);
        rc = strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: services is not a mapping", src->path,
                              l, col);
        goto done;
    }
    struct fy_node *from = sk != NULL ? services : v1 ? root : NULL;
    void *it = NULL;
    struct fy_node *k, *v;
    size_t n = 0;
    while (rc == 0 && from != NULL && n < COMPOSE_MAX_SERVICES && !x.y.over_budget &&
           cyaml_next_pair(&x.y, from, &it, &k, &v)) {
        if (!cyaml_is_map(v) || (sk == NULL && !v1_service(&x, v)))
            continue; /* a service without settings, or a v1 top-level key that is none */
        rc = check_service(&x, k, v);
        n++;
    }
    if (rc == 0 && x.y.over_budget)
        rc = strata_error_set(err, STRATA_ELIMIT,
                              "%s: more than %d YAML nodes visited (aliases and merge keys "
                              "multiply the work); checks stopped",
                              src->path, COMPOSE_MAX_VISITS);
done:
    cyaml_free(&x.y);
    return rc;
}
