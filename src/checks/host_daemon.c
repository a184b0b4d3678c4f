/* The Docker daemon's configuration as a root tree holds it. docker-bench-security reads the
 * running dockerd's command line from /proc; a tree has no process, so the command line is
 * the one systemd would start: docker.service's last ExecStart (drop-ins applied, an empty
 * ExecStart= resetting), with the unit's Environment= and EnvironmentFile= variables
 * expanded (Debian's docker.io unit reads DOCKER_OPTS from /etc/default/docker that way,
 * RHEL's OPTIONS from /etc/sysconfig/docker). daemon.json is the --config-file the command
 * line names, else /etc/docker/daemon.json. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/host_internal.h"
#include "core/json_load.h"
#include "core/strbuf.h"

#define MAX_ENV 256
#define MAX_WORDS 4096

void host_daemon_free(struct host_daemon *d)
{
    for (size_t i = 0; i < d->n_opts; i++) {
        free(d->opts[i].name);
        free(d->opts[i].value);
    }
    free(d->opts);
    free(d->unit_path);
    free(d->config_path);
    if (d->config)
        json_decref(d->config);
    memset(d, 0, sizeof *d);
}

static int is_regular(const struct host_ctx *c, const char *path)
{
    struct stat st;
    return host_root_stat(&c->root, path, 1, &st) == 0 && S_ISREG(st.st_mode);
}

void host_service_file(const struct host_ctx *c, const char *name, char *out, size_t cap)
{
    static const char *const dirs[] = {"/etc/systemd/system", "/lib/systemd/system",
                                       "/run/systemd/system", "/run/systemd/transient"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(out, cap, "%s/%s", dirs[i], name);
        if (is_regular(c, out))
            return;
    }
    snprintf(out, cap, "/usr/lib/systemd/system/%s", name);
}

/* ---- environment ---- */

struct env {
    char *key[MAX_ENV];
    char *value[MAX_ENV];
    size_t n;
};

static void env_free(struct env *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->key[i]);
        free(e->value[i]);
    }
    e->n = 0;
}

static int env_set(struct env *e, const char *k, size_t kn, const char *v, size_t vn)
{
    for (size_t i = 0; i < e->n; i++) {
        if (strlen(e->key[i]) == kn && memcmp(e->key[i], k, kn) == 0) {
            char *nv = strndup(v, vn);
            if (nv == NULL)
                return STRATA_ENOMEM;
            free(e->value[i]);
            e->value[i] = nv;
            return 0;
        }
    }
    if (e->n >= MAX_ENV)
        return 0; /* later variables are ignored (bounded) */
    char *nk = strndup(k, kn), *nv = strndup(v, vn);
    if (nk == NULL || nv == NULL) {
        free(nk);
        free(nv);
        return STRATA_ENOMEM;
    }
    e->key[e->n] = nk;
    e->value[e->n] = nv;
    e->n++;
    return 0;
}

static const char *env_get(const struct env *e, const char *k, size_t kn)
{
    for (size_t i = e->n; i-- > 0;)
        if (strlen(e->key[i]) == kn && memcmp(e->key[i], k, kn) == 0)
            return e->value[i];
    return NULL;
}

/* Splits s into words the way systemd splits ExecStart= and Environment=: blanks separate,
 * double and single quotes group, a backslash escapes the next byte. */
static int split_words(const char *s, char ***out, size_t *n)
{
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    struct strbuf w = STRBUF_INIT;
    int rc = 0;
    const char *p = s;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        strbuf_reset(&w);
        char q = 0;
        while (*p != '\0' && (q || (*p != ' ' && *p != '\t'))) {
            if (q == 0 && (*p == '"' || *p == '\'')) {
                q = *p++;
                continue;
            }
            if (q != 0 && *p == q) {
                q = 0;
                p++;
                continue;
            }
            if (*p == '\\' && p[1] != '\0' && q != '\'')
                p++;
            if ((rc = strbuf_addch(&w, *p++)) != 0)
                goto out;
        }
        if (cnt >= MAX_WORDS)
            break;
        if (cnt == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char **nv = realloc(v, nc * sizeof *nv);
            if (nv == NULL) {
                rc = STRATA_ENOMEM;
                goto out;
            }
            v = nv;
            cap = nc;
        }
        if ((v[cnt] = strdup(w.buf ? w.buf : "")) == NULL) {
            rc = STRATA_ENOMEM;
            goto out;
        }
        cnt++;
    }
out:
    strbuf_release(&w);
    if (rc != 0) {
        host_root_free_names(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return 0;
}

/* KEY=VALUE lines of an environment file (/etc/default/docker), shell-like: comments, blank
 * lines, an optional "export ", quoted values. */
static int read_env_file(const struct host_ctx *c, const char *path, struct env *e)
{
    char *data;
    size_t len;
    if (host_root_read(&c->root, path, HOST_MAX_CONFIG_FILE, &data, &len) != 0)
        return 0; /* absent or unreadable: systemd ignores a "-" file, and so do we */
    int rc = 0;
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line && rc == 0;
         line = strtok_r(NULL, "\n", &save)) {
        while (*line == ' ' || *line == '\t')
            line++;
        if (*line == '#' || *line == ';' || *line == '\0')
            continue;
        if (strncmp(line, "export ", 7) == 0)
            line += 7;
        char *eq = strchr(line, '=');
        if (eq == NULL || eq == line)
            continue;
        size_t kn = (size_t)(eq - line);
        char **w = NULL;
        size_t nw = 0;
        if ((rc = split_words(eq + 1, &w, &nw)) != 0)
            break;
        /* the value's words, joined again with single spaces */
        struct strbuf v = STRBUF_INIT;
        for (size_t i = 0; i < nw && rc == 0; i++)
            rc = (i ? strbuf_addch(&v, ' ') : 0) || strbuf_adds(&v, w[i]) ? STRATA_ENOMEM : 0;
        host_root_free_names(w, nw);
        if (rc == 0)
            rc = env_set(e, line, kn, v.buf ? v.buf : "", v.len);
        strbuf_release(&v);
    }
    free(data);
    return rc;
}

/* Replaces $VAR and ${VAR} in s with their values (absent ones with nothing). */
static int expand(const char *s, const struct env *e, struct strbuf *out)
{
    for (const char *p = s; *p;) {
        if (*p == '$' && (p[1] == '{' || isalpha((unsigned char)p[1]) || p[1] == '_')) {
            const char *k = p + 1, *end;
            if (*k == '{') {
                k++;
                end = strchr(k, '}');
                if (end == NULL)
                    return strbuf_adds(out, p);
            } else {
                end = k;
                while (isalnum((unsigned char)*end) || *end == '_')
                    end++;
            }
            const char *v = env_get(e, k, (size_t)(end - k));
            if (v != NULL && strbuf_adds(out, v) != 0)
                return STRATA_ENOMEM;
            p = *end == '}' ? end + 1 : end;
            continue;
        }
        if (strbuf_addch(out, *p++) != 0)
            return STRATA_ENOMEM;
    }
    return 0;
}

/* ---- the unit ---- */

struct unit_state {
    char *exec; /* the last non-empty ExecStart= value */
    struct env env;
    char *env_files[MAX_ENV];
    size_t n_env_files;
};

static int unit_line(struct unit_state *u, const char *line)
{
    const char *eq = strchr(line, '=');
    if (eq == NULL)
        return 0;
    size_t kn = (size_t)(eq - line);
    while (kn > 0 && (line[kn - 1] == ' ' || line[kn - 1] == '\t'))
        kn--;
    const char *v = eq + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    if (kn == 9 && memcmp(line, "ExecStart", 9) == 0) {
        free(u->exec);
        u->exec = NULL;
        if (*v != '\0' && (u->exec = strdup(v)) == NULL)
            return STRATA_ENOMEM;
        return 0;
    }
    if (kn == 11 && memcmp(line, "Environment", 11) == 0) {
        char **w;
        size_t nw;
        int rc = split_words(v, &w, &nw);
        if (rc != 0)
            return rc;
        for (size_t i = 0; rc == 0 && i < nw; i++) {
            char *e2 = strchr(w[i], '=');
            if (e2 != NULL && e2 != w[i])
                rc = env_set(&u->env, w[i], (size_t)(e2 - w[i]), e2 + 1, strlen(e2 + 1));
        }
        host_root_free_names(w, nw);
        return rc;
    }
    if (kn == 15 && memcmp(line, "EnvironmentFile", 15) == 0) {
        if (*v == '-')
            v++;
        if (*v == '\0' || u->n_env_files >= MAX_ENV)
            return 0;
        if ((u->env_files[u->n_env_files] = strdup(v)) == NULL)
            return STRATA_ENOMEM;
        u->n_env_files++;
    }
    return 0;
}

/* Reads one unit file or drop-in: [Service] lines, continuations joined. */
static int read_unit(const struct host_ctx *c, const char *path, struct unit_state *u)
{
    char *data;
    size_t len;
    if (host_root_read(&c->root, path, HOST_MAX_CONFIG_FILE, &data, &len) != 0)
        return 0;
    int rc = 0, service = 0;
    struct strbuf logical = STRBUF_INIT;
    const char *p = data, *end = data + len;
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        int cont = n > 0 && p[n - 1] == '\\';
        if (strbuf_add(&logical, p, cont ? n - 1 : n) != 0 || (cont && strbuf_addch(&logical, ' ')))
            rc = STRATA_ENOMEM;
        p = nl ? nl + 1 : end;
        if (rc != 0 || (cont && p < end))
            continue;
        const char *l = logical.buf ? logical.buf : "";
        while (*l == ' ' || *l == '\t')
            l++;
        if (*l == '[')
            service = strncmp(l, "[Service]", 9) == 0;
        else if (service && *l != '#' && *l != ';' && *l != '\0')
            rc = unit_line(u, l);
        strbuf_reset(&logical);
    }
    strbuf_release(&logical);
    free(data);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Drop-ins for docker.service: *.conf names in the three unit directories, a name in /etc
 * hiding the same name in /run and /usr/lib, applied in name order (systemd.unit(5)). */
static int read_dropins(const struct host_ctx *c, struct unit_state *u)
{
    static const char *const dirs[] = {"/etc/systemd/system/docker.service.d",
                                       "/run/systemd/system/docker.service.d",
                                       "/usr/lib/systemd/system/docker.service.d"};
    char *names[64];
    const char *where[64];
    size_t n = 0;
    int rc = 0;
    for (size_t d = 0; d < 3; d++) {
        char **v;
        size_t nv;
        if (host_root_list(&c->root, dirs[d], HOST_MAX_DIR_ENTRIES, &v, &nv) != 0)
            continue;
        for (size_t i = 0; i < nv; i++) {
            size_t l = strlen(v[i]);
            if (l < 6 || strcmp(v[i] + l - 5, ".conf") != 0 || n >= 64)
                continue;
            int dup = 0;
            for (size_t j = 0; j < n; j++)
                dup |= strcmp(names[j], v[i]) == 0;
            if (dup)
                continue;
            names[n] = v[i];
            where[n] = dirs[d];
            v[i] = NULL;
            n++;
        }
        host_root_free_names(v, nv);
    }
    /* sort the names, keeping each one's directory */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp_str(&names[j - 1], &names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
            const char *tw = where[j];
            where[j] = where[j - 1];
            where[j - 1] = tw;
        }
    for (size_t i = 0; i < n; i++) {
        char path[HOST_ROOT_MAX_PATH];
        snprintf(path, sizeof path, "%s/%s", where[i], names[i]);
        if (rc == 0)
            rc = read_unit(c, path, u);
        free(names[i]);
    }
    return rc;
}

/* Options that take a value as the next word when not written --name=value. */
static int takes_value(const char *name)
{
    static const char *const v[] = {"host",
                                    "log-level",
                                    "storage-driver",
                                    "data-root",
                                    "graph",
                                    "insecure-registry",
                                    "tlscacert",
                                    "tlscert",
                                    "tlskey",
                                    "default-ulimit",
                                    "userns-remap",
                                    "cgroup-parent",
                                    "storage-opt",
                                    "authorization-plugin",
                                    "log-driver",
                                    "log-opt",
                                    "seccomp-profile",
                                    "config-file",
                                    "group",
                                    "pidfile",
                                    "bridge",
                                    "bip",
                                    "dns",
                                    "dns-opt",
                                    "dns-search",
                                    "exec-opt",
                                    "exec-root",
                                    "label",
                                    "mtu",
                                    "registry-mirror",
                                    "default-runtime",
                                    "add-runtime",
                                    "containerd",
                                    "fixed-cidr",
                                    "fixed-cidr-v6",
                                    "ip",
                                    "default-gateway",
                                    "max-concurrent-downloads",
                                    "max-concurrent-uploads",
                                    "shutdown-timeout",
                                    "userland-proxy-path",
                                    "default-address-pool",
                                    "network-control-plane-mtu",
                                    "swarm-default-advertise-addr",
                                    "cpu-rt-period",
                                    "cpu-rt-runtime",
                                    "default-shm-size",
                                    "default-ipc-mode",
                                    "default-cgroupns-mode",
                                    "init-path",
                                    "metrics-addr",
                                    "node-generic-resource",
                                    "oom-score-adjust",
                                    "validate",
                                    "feature",
                                    "http-proxy",
                                    "https-proxy",
                                    "no-proxy",
                                    "allow-nondistributable-artifacts",
                                    "cluster-store",
                                    "cluster-advertise",
                                    "cluster-store-opt"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strcmp(v[i], name) == 0)
            return 1;
    return 0;
}

/* The long name of a short option docker-bench-security knows (-H, -l, -D, -s, -g, -G, -p, -b). */
static const char *long_name(char s)
{
    switch (s) {
    case 'H':
        return "host";
    case 'l':
        return "log-level";
    case 'D':
        return "debug";
    case 's':
        return "storage-driver";
    case 'g':
        return "data-root";
    case 'G':
        return "group";
    case 'p':
        return "pidfile";
    case 'b':
        return "bridge";
    default:
        return NULL;
    }
}

static int add_opt(struct host_daemon *d, const char *name, size_t nn, const char *value)
{
    if (d->n_opts >= HOST_MAX_OPTIONS)
        return 0;
    struct host_option *v = realloc(d->opts, (d->n_opts + 1) * sizeof *v);
    if (v == NULL)
        return STRATA_ENOMEM;
    d->opts = v;
    char *n = strndup(name, nn), *val = strdup(value);
    if (n == NULL || val == NULL) {
        free(n);
        free(val);
        return STRATA_ENOMEM;
    }
    d->opts[d->n_opts].name = n;
    d->opts[d->n_opts].value = val;
    d->n_opts++;
    return 0;
}

/* dockerd's options from the ExecStart words (the first word is the program, possibly
 * prefixed by systemd's -, @, +, ! or :). */
static int parse_cmdline(struct host_daemon *d, char **w, size_t n)
{
    int rc = 0;
    for (size_t i = 1; i < n && rc == 0; i++) {
        const char *a = w[i];
        if (a[0] != '-' || a[1] == '\0')
            continue;
        if (a[1] != '-') {
            /* -H=x, -H x, -Hx, -D */
            const char *ln = long_name(a[1]);
            if (ln == NULL)
                continue;
            const char *val = a[2] == '=' ? a + 3 : a[2] != '\0' ? a + 2 : NULL;
            if (val == NULL && takes_value(ln) && i + 1 < n)
                val = w[++i];
            rc = add_opt(d, ln, strlen(ln), val ? val : "true");
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nn = eq ? (size_t)(eq - name) : strlen(name);
        char buf[64];
        if (nn == 0 || nn >= sizeof buf)
            continue;
        memcpy(buf, name, nn);
        buf[nn] = '\0';
        /* --debug and --host are the long forms of -D and -H */
        if (eq != NULL)
            rc = add_opt(d, buf, nn, eq + 1);
        else if (takes_value(buf) && i + 1 < n)
            rc = add_opt(d, buf, nn, w[++i]);
        else
            rc = add_opt(d, buf, nn, "true");
    }
    return rc;
}

static int load_cmdline(struct host_ctx *c)
{
    char unit[HOST_ROOT_MAX_PATH];
    host_service_file(c, "docker.service", unit, sizeof unit);
    if (!is_regular(c, unit))
        return 0;
    struct host_daemon *d = &c->daemon;
    if ((d->unit_path = strdup(unit)) == NULL)
        return STRATA_ENOMEM;
    struct unit_state u = {0};
    int rc = read_unit(c, unit, &u);
    if (rc == 0)
        rc = read_dropins(c, &u);
    for (size_t i = 0; rc == 0 && i < u.n_env_files; i++)
        rc = read_env_file(c, u.env_files[i], &u.env);
    if (rc == 0 && u.exec != NULL) {
        const char *cmd = u.exec;
        while (*cmd == '-' || *cmd == '@' || *cmd == '+' || *cmd == '!' || *cmd == ':')
            cmd++;
        struct strbuf ex = STRBUF_INIT;
        rc = expand(cmd, &u.env, &ex);
        char **w = NULL;
        size_t nw = 0;
        if (rc == 0)
            rc = split_words(ex.buf ? ex.buf : "", &w, &nw);
        if (rc == 0) {
            d->have_cmdline = nw > 0;
            rc = parse_cmdline(d, w, nw);
            host_root_free_names(w, nw);
        }
        strbuf_release(&ex);
    }
    free(u.exec);
    env_free(&u.env);
    for (size_t i = 0; i < u.n_env_files; i++)
        free(u.env_files[i]);
    return rc;
}

static int load_config(struct host_ctx *c)
{
    struct host_daemon *d = &c->daemon;
    const char *path = host_daemon_opt(d, "config-file");
    if (path == NULL || !is_regular(c, path))
        path = "/etc/docker/daemon.json";
    char *data;
    size_t len;
    int rc = host_root_read(&c->root, path, HOST_MAX_CONFIG_FILE, &data, &len);
    if (rc == -ENOENT || rc == -ENOTDIR || rc == -ELOOP)
        return 0;
    char shown[HOST_ROOT_MAX_PATH + 64];
    snprintf(shown, sizeof shown, "%s%s", strcmp(c->root.path, "/") == 0 ? "" : c->root.path, path);
    if (rc == -EFBIG)
        return strata_error_set(c->err, STRATA_ELIMIT, "%s: more than %u bytes", shown,
                                HOST_MAX_CONFIG_FILE);
    if (rc != 0)
        return strata_error_set(c->err, STRATA_EIO, "%s: %s", shown, strerror(-rc));
    if ((d->config_path = strdup(path)) == NULL) {
        free(data);
        return strata_error_nomem(c->err);
    }
    rc = json_load_document(data, len, shown, HOST_MAX_CONFIG_FILE, JSON_LOAD_OBJECT, &d->config,
                            c->err);
    free(data);
    return rc;
}

int host_daemon_load(struct host_ctx *c)
{
    int rc = load_cmdline(c);
    if (rc != 0)
        return strata_error_nomem(c->err);
    return load_config(c);
}

const char *host_daemon_opt(const struct host_daemon *d, const char *name)
{
    for (size_t i = d->n_opts; i-- > 0;)
        if (strcmp(d->opts[i].name, name) == 0)
            return d->opts[i].value;
    return NULL;
}

json_t *host_daemon_json(const struct host_daemon *d, const char *key)
{
    return d->config ? json_object_get(d->config, key) : NULL;
}

int host_daemon_bool(const struct host_daemon *d, const char *key, int *value)
{
    const char *o = host_daemon_opt(d, key);
    if (o != NULL) {
        *value = strcmp(o, "false") != 0 && strcmp(o, "0") != 0;
        return 1;
    }
    json_t *j = host_daemon_json(d, key);
    if (json_is_boolean(j)) {
        *value = json_is_true(j);
        return 1;
    }
    return 0;
}

const char *host_data_root(const struct host_ctx *c, char *buf, size_t cap)
{
    const char *d = host_daemon_opt(&c->daemon, "data-root");
    json_t *j = host_daemon_json(&c->daemon, "data-root");
    if (d == NULL && json_is_string(j))
        d = json_string_value(j);
    j = host_daemon_json(&c->daemon, "graph"); /* the key's name before Docker 17.05 */
    if (d == NULL && json_is_string(j))
        d = json_string_value(j);
    if (d == NULL || d[0] != '/')
        d = "/var/lib/docker";
    snprintf(buf, cap, "%s", d);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    return buf;
}

int host_swarm_active(const struct host_ctx *c)
{
    char dir[HOST_ROOT_MAX_PATH], path[HOST_ROOT_MAX_PATH + 32];
    host_data_root(c, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/swarm/docker-state.json", dir);
    return is_regular(c, path);
}
