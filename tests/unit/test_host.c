/* strata host (src/checks/host_*.c): two Docker host trees built here, a hardened one and a
 * default Debian 12 + docker-ce 24 one, each giving exactly the PASS/WARN/INFO/NOTE results
 * docker-bench-security 1.6.0 gives for the same settings; the in-root resolution (links that
 * climb out or loop, FIFOs, merged /usr); the daemon's command line from the unit, drop-ins
 * and environment files; hostile daemon.json; the table and JSON output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "checks/host.h"
#include "checks/host_internal.h"
#include "checks/host_root.h"

static char base[256]; /* this binary's scratch directory */
static int as_root;

/* ---- building trees ---- */

static void mkdirs(const char *root, const char *path, mode_t mode)
{
    char full[1024];
    snprintf(full, sizeof full, "%s%s", root, path);
    for (char *p = full + strlen(root) + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(full, 0755);
        *p = '/';
    }
    if (mkdir(full, mode) != 0 && errno != EEXIST)
        fail_msg("mkdir %s: %s", full, strerror(errno));
    chmod(full, mode);
}

static void own(const char *full, uid_t uid, gid_t gid)
{
    if (as_root && lchown(full, uid, gid) != 0)
        fail_msg("chown %s: %s", full, strerror(errno));
}

static void put(const char *root, const char *path, const char *text, mode_t mode, uid_t uid,
                gid_t gid)
{
    char full[1024];
    snprintf(full, sizeof full, "%s%s", root, path);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    if (dir[0])
        mkdirs(root, dir, 0755);
    FILE *f = fopen(full, "w");
    if (f == NULL)
        fail_msg("open %s: %s", full, strerror(errno));
    fputs(text, f);
    fclose(f);
    chmod(full, mode);
    own(full, uid, gid);
}

static void link_to(const char *root, const char *path, const char *target)
{
    char full[1024];
    snprintf(full, sizeof full, "%s%s", root, path);
    unlink(full);
    if (symlink(target, full) != 0)
        fail_msg("symlink %s: %s", full, strerror(errno));
}

/* A real unix socket, as dockerd leaves it (bound, then the listener closed). */
static void unix_socket(const char *root, const char *path, mode_t mode, uid_t uid, gid_t gid)
{
    char full[1024];
    snprintf(full, sizeof full, "%s%s", root, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(full) >= sizeof a.sun_path)
        fail_msg("socket path too long: %s", full);
    strcpy(a.sun_path, full);
    unlink(full);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0)
        fail_msg("bind %s: %s", full, strerror(errno));
    close(fd);
    chmod(full, mode);
    own(full, uid, gid);
}

#define PASSWD                                                                                     \
    "root:x:0:0:root:/root:/bin/bash\n"                                                            \
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"                                            \
    "messagebus:x:100:107::/nonexistent:/usr/sbin/nologin\n"                                       \
    "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"                                           \
    "bob:x:1001:1001:Bob,,,:/home/bob:/bin/bash\n"

/* docker-ce's unit as Docker 24.0.7 ships it (/lib/systemd/system/docker.service). */
static const char docker_service[] =
    "[Unit]\n"
    "Description=Docker Application Container Engine\n"
    "Documentation=https://docs.docker.com\n"
    "After=network-online.target docker.socket firewalld.service containerd.service "
    "time-set.target\n"
    "Wants=network-online.target containerd.service\n"
    "Requires=docker.socket\n"
    "\n"
    "[Service]\n"
    "Type=notify\n"
    "# the default is not to use systemd for cgroups because the delegate issues still\n"
    "# exists and systemd currently does not support the cgroup feature set required\n"
    "# for containers run by docker\n"
    "ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n"
    "ExecReload=/bin/kill -s HUP $MAINPID\n"
    "TimeoutStartSec=0\n"
    "RestartSec=2\n"
    "Restart=always\n"
    "\n"
    "# Note that StartLimit* options were moved from \"Service\" to \"Unit\" in systemd 229.\n"
    "StartLimitBurst=3\n"
    "StartLimitInterval=60s\n"
    "LimitNPROC=infinity\n"
    "LimitCORE=infinity\n"
    "TasksMax=infinity\n"
    "Delegate=yes\n"
    "KillMode=process\n"
    "OOMScoreAdjust=-500\n"
    "\n"
    "[Install]\n"
    "WantedBy=multi-user.target\n";

static const char docker_socket[] = "[Unit]\n"
                                    "Description=Docker Socket for the API\n"
                                    "\n"
                                    "[Socket]\n"
                                    "ListenStream=/run/docker.sock\n"
                                    "SocketMode=0660\n"
                                    "SocketUser=root\n"
                                    "SocketGroup=docker\n"
                                    "\n"
                                    "[Install]\n"
                                    "WantedBy=sockets.target\n";

static const char default_docker[] =
    "# Docker Upstart and SysVinit configuration file\n"
    "\n"
    "#\n"
    "# THIS FILE DOES NOT APPLY TO SYSTEMD\n"
    "#\n"
    "#   Please see the documentation for \"systemd drop-ins\":\n"
    "#   https://docs.docker.com/engine/admin/systemd/\n"
    "#\n"
    "\n"
    "# Customize location of Docker binary (especially for development testing).\n"
    "#DOCKERD=\"/usr/local/bin/dockerd\"\n"
    "\n"
    "# Use DOCKER_OPTS to modify the daemon startup options.\n"
    "#DOCKER_OPTS=\"--dns 8.8.8.8 --dns 8.8.4.4\"\n";

static const char dpkg_status[] = "Package: containerd.io\n"
                                  "Status: install ok installed\n"
                                  "Version: 1.6.26-1\n"
                                  "\n"
                                  "Package: docker-ce\n"
                                  "Status: install ok installed\n"
                                  "Priority: optional\n"
                                  "Section: admin\n"
                                  "Architecture: amd64\n"
                                  "Version: 5:24.0.7-1~debian.12~bookworm\n"
                                  "\n";

/* What both trees share: Debian 12's merged /usr and /var/run link, accounts, docker-ce and
 * containerd.io files, AppArmor. */
static void common_tree(const char *r, const char *group)
{
    mkdirs(r, "", 0755);
    mkdirs(r, "/usr/lib", 0755);
    mkdirs(r, "/usr/bin", 0755);
    mkdirs(r, "/usr/sbin", 0755);
    link_to(r, "/lib", "usr/lib");
    link_to(r, "/bin", "usr/bin");
    link_to(r, "/sbin", "usr/sbin");
    mkdirs(r, "/run", 0755);
    mkdirs(r, "/var", 0755);
    link_to(r, "/var/run", "/run");
    put(r, "/etc/passwd", PASSWD, 0644, 0, 0);
    put(r, "/etc/group", group, 0644, 0, 0);
    put(r, "/usr/lib/systemd/system/docker.service", docker_service, 0644, 0, 0);
    put(r, "/usr/lib/systemd/system/docker.socket", docker_socket, 0644, 0, 0);
    put(r, "/usr/lib/systemd/system/containerd.service",
        "[Service]\nExecStart=/usr/bin/containerd\n", 0644, 0, 0);
    put(r, "/etc/default/docker", default_docker, 0644, 0, 0);
    put(r, "/etc/containerd/config.toml",
        "#   Copyright 2018-2022 Docker Inc.\n\ndisabled_plugins = [\"cri\"]\n", 0644, 0, 0);
    static const char *const bins[] = {"/usr/bin/dockerd",
                                       "/usr/bin/containerd",
                                       "/usr/bin/containerd-shim",
                                       "/usr/bin/containerd-shim-runc-v1",
                                       "/usr/bin/containerd-shim-runc-v2",
                                       "/usr/bin/runc"};
    for (size_t i = 0; i < sizeof bins / sizeof bins[0]; i++)
        put(r, bins[i], "\177ELF", 0755, 0, 0);
    mkdirs(r, "/var/lib/docker", 0710);
    mkdirs(r, "/etc/docker", 0755);
    mkdirs(r, "/run/containerd", 0711);
    unix_socket(r, "/run/docker.sock", 0660, 0, 999);
    unix_socket(r, "/run/containerd/containerd.sock", 0660, 0, 0);
    put(r, "/sys/module/apparmor/parameters/enabled", "Y\n", 0444, 0, 0);
    mkdirs(r, "/sys/kernel/security/apparmor", 0755);
    put(r, "/var/lib/dpkg/status", dpkg_status, 0644, 0, 0);
}

static const char hardened_daemon_json[] =
    "{\n"
    "    \"icc\": false,\n"
    "    \"log-level\": \"info\",\n"
    "    \"iptables\": true,\n"
    "    \"insecure-registries\": [],\n"
    "    \"storage-driver\": \"overlay2\",\n"
    "    \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://10.0.0.5:2376\"],\n"
    "    \"tls\": true,\n"
    "    \"tlsverify\": true,\n"
    "    \"tlscacert\": \"/etc/docker/tls/ca.pem\",\n"
    "    \"tlscert\": \"/etc/docker/tls/server-cert.pem\",\n"
    "    \"tlskey\": \"/etc/docker/tls/server-key.pem\",\n"
    "    \"default-ulimits\": {\n"
    "        \"nofile\": {\"Name\": \"nofile\", \"Hard\": 64000, \"Soft\": 64000}\n"
    "    },\n"
    "    \"userns-remap\": \"default\",\n"
    "    \"authorization-plugins\": [\"opa-docker-authz\"],\n"
    "    \"log-driver\": \"syslog\",\n"
    "    \"log-opts\": {\"syslog-address\": \"tcp://logs.example.com:514\"},\n"
    "    \"no-new-privileges\": true,\n"
    "    \"live-restore\": true,\n"
    "    \"userland-proxy\": false,\n"
    "    \"seccomp-profile\": \"/etc/docker/seccomp/hardened.json\",\n"
    "    \"experimental\": false\n"
    "}\n";

/* augenrules' output from /etc/audit/rules.d (the CIS Docker Benchmark's remediations). */
#define DOCKER_AUDIT_RULES                                                                         \
    "-w /usr/bin/dockerd -k docker\n"                                                              \
    "-a exit,always -F path=/run/containerd -F perm=war -k docker\n"                               \
    "-w /var/lib/docker -k docker\n"                                                               \
    "-w /etc/docker -k docker\n"                                                                   \
    "-w /lib/systemd/system/docker.service -k docker\n"                                            \
    "-w /lib/systemd/system/docker.socket -k docker\n"                                             \
    "-w /etc/default/docker -k docker\n"                                                           \
    "-w /etc/docker/daemon.json -k docker\n"                                                       \
    "-w /etc/containerd/config.toml -k docker\n"                                                   \
    "-w /usr/bin/containerd -k docker\n"                                                           \
    "-w /usr/bin/containerd-shim -k docker\n"                                                      \
    "-w /usr/bin/containerd-shim-runc-v1 -k docker\n"                                              \
    "-w /usr/bin/containerd-shim-runc-v2 -k docker\n"                                              \
    "-w /usr/bin/runc -k docker\n"

static void hardened_tree(const char *r)
{
    common_tree(r, "root:x:0:\ndaemon:x:1:\nmessagebus:x:107:\nalice:x:1000:\nbob:x:1001:\n"
                   "docker:x:999:alice\n");
    put(r, "/etc/audit/rules.d/audit.rules",
        "## First rule - delete all\n-D\n\n## Increase the buffers to survive stress events.\n"
        "-b 8192\n\n--backlog_wait_time 60000\n\n-f 1\n",
        0640, 0, 0);
    put(r, "/etc/audit/rules.d/docker.rules",
        "# CIS Docker Benchmark 1.6.0, 1.1.3-1.1.18\n" DOCKER_AUDIT_RULES, 0640, 0, 0);
    put(r, "/etc/audit/audit.rules",
        "## This file is automatically generated from /etc/audit/rules.d\n-D\n-b 8192\n-f 1\n"
        "--backlog_wait_time 60000\n" DOCKER_AUDIT_RULES,
        0640, 0, 0);
    put(r, "/etc/docker/daemon.json", hardened_daemon_json, 0644, 0, 0);
    put(r, "/etc/docker/seccomp/hardened.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\"}\n", 0644,
        0, 0);
    put(r, "/etc/docker/tls/ca.pem", "-----BEGIN CERTIFICATE-----\n", 0444, 0, 0);
    put(r, "/etc/docker/tls/server-cert.pem", "-----BEGIN CERTIFICATE-----\n", 0444, 0, 0);
    put(r, "/etc/docker/tls/server-key.pem", "-----BEGIN PRIVATE KEY-----\n", 0400, 0, 0);
    put(r, "/etc/docker/certs.d/registry.example.com:5000/ca.crt", "-----BEGIN CERTIFICATE-----\n",
        0444, 0, 0);
    /* the TCP socket is in daemon.json: the unit's -H fd:// must go (dockerd refuses both) */
    put(r, "/etc/systemd/system/docker.service.d/override.conf",
        "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd \\\n"
        "    --containerd=/run/containerd/containerd.sock\n",
        0644, 0, 0);
    put(r, "/proc/mounts",
        "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
        "/dev/mapper/vg0-root / ext4 rw,relatime,errors=remount-ro 0 0\n"
        "/dev/mapper/vg0-docker /var/lib/docker ext4 rw,nosuid,nodev,relatime 0 0\n"
        "securityfs /sys/kernel/security securityfs rw,nosuid,nodev,noexec,relatime 0 0\n",
        0444, 0, 0);
}

static void default_tree(const char *r)
{
    common_tree(r, "root:x:0:\ndaemon:x:1:\nmessagebus:x:107:\nalice:x:1000:\nbob:x:1001:\n"
                   "docker:x:999:alice,bob\n");
    put(r, "/proc/mounts",
        "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
        "/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0\n"
        "overlay /var/lib/docker/overlay2/3f4e8b2c/merged overlay rw,relatime,"
        "lowerdir=/var/lib/docker/overlay2/l/ABC 0 0\n",
        0444, 0, 0);
}

static char hardened_dir[512], default_dir[512];

static int setup(void **st)
{
    (void)st;
    as_root = geteuid() == 0;
    snprintf(base, sizeof base, "%s/strata-host-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(base) == NULL)
        return -1;
    snprintf(hardened_dir, sizeof hardened_dir, "%s/hardened", base);
    snprintf(default_dir, sizeof default_dir, "%s/default", base);
    hardened_tree(hardened_dir);
    default_tree(default_dir);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- running ---- */

static struct host_report *run_root(const char *root, const char *mounts)
{
    struct host_options o = {.root = root, .mounts_file = mounts};
    struct host_report *r = NULL;
    struct strata_error err = {0};
    if (host_run(&o, &r, &err) != 0)
        fail_msg("host_run %s: %s", root, err.msg);
    return r;
}

struct want {
    const char *id;
    enum host_status status;
};

static void dump(const struct host_report *r)
{
    host_write_table(r, stderr);
}

static void expect_results(const struct host_report *r, const struct want *w, size_t n)
{
    int bad = 0;
    if (r->n_checks != n) {
        fprintf(stderr, "%zu checks, expected %zu\n", r->n_checks, n);
        bad = 1;
    }
    for (size_t i = 0; i < n && i < r->n_checks; i++) {
        const struct host_check *k = &r->checks[i];
        if (strcmp(k->id, w[i].id) != 0 || k->status != w[i].status) {
            fprintf(stderr, "check %zu: got %s %s, want %s %s\n", i, k->id,
                    host_status_name(k->status), w[i].id, host_status_name(w[i].status));
            bad = 1;
        }
    }
    if (bad) {
        dump(r);
        fail();
    }
}

#define P HOST_PASS
#define W HOST_WARN
#define I HOST_INFO
#define N HOST_NOTE

static void test_hardened_host(void **st)
{
    (void)st;
    if (!as_root) {
        skip(); /* ownership (root:root, root:docker) needs chown */
    }
    static const struct want w[] = {
        {"1.1.1", P},  {"1.1.2", I},  {"1.1.3", P},  {"1.1.4", P},  {"1.1.5", P},  {"1.1.6", P},
        {"1.1.7", P},  {"1.1.8", I},  {"1.1.9", P},  {"1.1.10", P}, {"1.1.11", P}, {"1.1.12", P},
        {"1.1.13", I}, {"1.1.14", P}, {"1.1.15", P}, {"1.1.16", P}, {"1.1.17", P}, {"1.1.18", P},
        {"1.2.1", N},  {"1.2.2", I},  {"2.1", N},    {"2.2", P},    {"2.3", P},    {"2.4", P},
        {"2.5", P},    {"2.6", P},    {"2.7", P},    {"2.8", P},    {"2.9", P},    {"2.10", P},
        {"2.11", P},   {"2.12", P},   {"2.13", P},   {"2.14", P},   {"2.15", P},   {"2.16", P},
        {"2.17", P},   {"2.18", I},   {"3.1", P},    {"3.2", P},    {"3.3", P},    {"3.4", P},
        {"3.5", P},    {"3.6", P},    {"3.7", P},    {"3.8", P},    {"3.9", P},    {"3.10", P},
        {"3.11", P},   {"3.12", P},   {"3.13", P},   {"3.14", P},   {"3.15", P},   {"3.16", P},
        {"3.17", P},   {"3.18", P},   {"3.19", P},   {"3.20", P},   {"3.21", I},   {"3.22", I},
        {"3.23", P},   {"3.24", P},   {"5.1", P},    {"5.2", P},    {"5.3", I},
    };
    struct host_report *r = run_root(hardened_dir, NULL);
    expect_results(r, w, sizeof w / sizeof w[0]);
    const struct host_check *k = host_report_find(r, "1.1.2");
    assert_int_equal(k->n_details, 1);
    assert_string_equal(k->details[0], "Users: alice");
    k = host_report_find(r, "1.2.2");
    assert_non_null(strstr(k->details[0], "docker-ce 5:24.0.7-1~debian.12~bookworm"));
    k = host_report_find(r, "1.1.1");
    assert_string_equal(k->details[0], "/var/lib/docker is a mount point (/proc/mounts)");
    assert_int_equal(r->totals[HOST_WARN], 0);
    host_report_free(r);
}

static void test_default_host(void **st)
{
    (void)st;
    /* docker-bench-security 1.6.0 on a stock Debian 12 + docker-ce 24 host prints these */
    static const struct want w[] = {
        {"1.1.1", W},  {"1.1.2", I},  {"1.1.3", W},  {"1.1.4", W},  {"1.1.5", W},  {"1.1.6", W},
        {"1.1.7", W},  {"1.1.8", I},  {"1.1.9", W},  {"1.1.10", W}, {"1.1.11", I}, {"1.1.12", W},
        {"1.1.13", I}, {"1.1.14", W}, {"1.1.15", W}, {"1.1.16", W}, {"1.1.17", W}, {"1.1.18", W},
        {"1.2.1", N},  {"1.2.2", I},  {"2.1", N},    {"2.2", W},    {"2.3", P},    {"2.4", P},
        {"2.5", P},    {"2.6", P},    {"2.7", I},    {"2.8", I},    {"2.9", W},    {"2.10", P},
        {"2.11", P},   {"2.12", W},   {"2.13", W},   {"2.14", W},   {"2.15", W},   {"2.16", W},
        {"2.17", I},   {"2.18", I},   {"3.1", P},    {"3.2", P},    {"3.3", P},    {"3.4", P},
        {"3.5", P},    {"3.6", P},    {"3.7", I},    {"3.8", I},    {"3.9", I},    {"3.10", I},
        {"3.11", I},   {"3.12", I},   {"3.13", I},   {"3.14", I},   {"3.15", P},   {"3.16", P},
        {"3.17", I},   {"3.18", I},   {"3.19", P},   {"3.20", P},   {"3.21", I},   {"3.22", I},
        {"3.23", P},   {"3.24", P},   {"5.1", P},    {"5.2", P},    {"5.3", I},
    };
    struct host_report *r = run_root(default_dir, NULL);
    if (!as_root) {
        /* files owned by the test user: the ownership checks warn; compare the rest */
        host_report_free(r);
        skip();
    }
    expect_results(r, w, sizeof w / sizeof w[0]);
    assert_string_equal(host_report_find(r, "1.1.2")->details[0], "Users: alice,bob");
    assert_string_equal(host_report_find(r, "1.1.3")->details[0],
                        "No audit rule for /usr/bin/dockerd");
    assert_string_equal(host_report_find(r, "1.1.7")->details[0],
                        "No audit rule for /lib/systemd/system/docker.service");
    assert_string_equal(host_report_find(r, "2.7")->details[0],
                        "Docker daemon not listening on TCP");
    assert_string_equal(host_report_find(r, "2.13")->details[0], "Logging driver: json-file");
    assert_string_equal(host_report_find(r, "3.9")->details[0], "No TLS CA certificate found");
    assert_string_equal(host_report_find(r, "3.7")->title,
                        "Ensure that registry certificate file ownership is set to root:root");
    assert_int_equal(r->totals[HOST_WARN], 21);
    host_report_free(r);
}

/* ---- variations on a copy of the default tree ---- */

static char var_dir[512];

static void fresh_variant(const char *name)
{
    snprintf(var_dir, sizeof var_dir, "%s/%s", base, name);
    default_tree(var_dir);
}

static enum host_status status_of(const struct host_report *r, const char *id)
{
    const struct host_check *k = host_report_find(r, id);
    if (k == NULL)
        fail_msg("no check %s", id);
    return k->status;
}

static void test_permissions_and_owners(void **st)
{
    (void)st;
    if (!as_root)
        skip();
    fresh_variant("perms");
    put(var_dir, "/etc/docker/daemon.json",
        "{\"tlscacert\": \"/etc/docker/ca.pem\", \"tlskey\": \"/etc/docker/key.pem\"}\n", 0600,
        1000, 1000);
    put(var_dir, "/etc/docker/ca.pem", "x", 0644, 0, 0);
    put(var_dir, "/etc/docker/key.pem", "x", 0600, 0, 0);
    put(var_dir, "/etc/docker/certs.d/r.example.com/ca.crt", "x", 0444, 1000, 0);
    put(var_dir, "/etc/docker/certs.d/r.example.com/client.cert", "x", 0644, 0, 0);
    char p[1024];
    snprintf(p, sizeof p, "%s/usr/lib/systemd/system/docker.service", var_dir);
    chmod(p, 0664);
    snprintf(p, sizeof p, "%s/usr/lib/systemd/system/docker.socket", var_dir);
    chmod(p, 04644);
    snprintf(p, sizeof p, "%s/etc/docker", var_dir);
    chmod(p, 0775);
    assert_int_equal(lchown(p, 1000, 0), 0);
    snprintf(p, sizeof p, "%s/run/docker.sock", var_dir);
    chmod(p, 0666);
    assert_int_equal(lchown(p, 0, 0), 0); /* root:root, not root:docker */
    snprintf(p, sizeof p, "%s/run/containerd/containerd.sock", var_dir);
    assert_int_equal(lchown(p, 0, 999), 0);
    chmod(p, 0600);
    struct host_report *r = run_root(var_dir, NULL);
    assert_int_equal(status_of(r, "3.2"), HOST_WARN);
    assert_string_equal(host_report_find(r, "3.2")->details[0],
                        "Wrong permissions for /lib/systemd/system/docker.service (0664)");
    assert_int_equal(status_of(r, "3.4"), HOST_WARN); /* setuid bit */
    assert_int_equal(status_of(r, "3.5"), HOST_WARN);
    assert_int_equal(status_of(r, "3.6"), HOST_WARN);
    assert_int_equal(status_of(r, "3.7"), HOST_WARN); /* *.crt owned by uid 1000 */
    assert_int_equal(status_of(r, "3.8"), HOST_PASS); /* client.cert is not *.crt */
    assert_int_equal(status_of(r, "3.9"), HOST_PASS);
    assert_int_equal(status_of(r, "3.10"), HOST_WARN);
    assert_int_equal(status_of(r, "3.11"), HOST_INFO);
    assert_int_equal(status_of(r, "3.13"), HOST_PASS);
    assert_int_equal(status_of(r, "3.14"), HOST_WARN); /* 0600, not 400 */
    assert_int_equal(status_of(r, "3.15"), HOST_WARN);
    assert_string_equal(host_report_find(r, "3.15")->details[0],
                        "Wrong ownership for /var/run/docker.sock (0:0)");
    assert_int_equal(status_of(r, "3.16"), HOST_WARN);
    assert_int_equal(status_of(r, "3.17"), HOST_WARN);
    assert_int_equal(status_of(r, "3.18"), HOST_PASS);
    assert_int_equal(status_of(r, "3.23"), HOST_WARN); /* root:docker, not root:root */
    assert_int_equal(status_of(r, "3.24"), HOST_PASS);
    host_report_free(r);
}

static void test_sockets_as_files_and_fifos(void **st)
{
    (void)st;
    /* tar drops sockets: a regular file or a FIFO stands in for one */
    fresh_variant("fifo");
    char p[1024];
    snprintf(p, sizeof p, "%s/run/docker.sock", var_dir);
    unlink(p);
    assert_int_equal(mkfifo(p, 0660), 0);
    own(p, 0, 999);
    snprintf(p, sizeof p, "%s/run/containerd/containerd.sock", var_dir);
    unlink(p);
    put(var_dir, "/run/containerd/containerd.sock", "", 0660, 0, 0);
    /* a FIFO where daemon.json is expected is not read (open would wait for a writer) */
    snprintf(p, sizeof p, "%s/etc/docker/daemon.json", var_dir);
    assert_int_equal(mkfifo(p, 0644), 0);
    struct host_report *r = run_root(var_dir, NULL);
    assert_int_equal(status_of(r, "3.16"), HOST_PASS);
    assert_int_equal(status_of(r, "3.24"), HOST_PASS);
    assert_int_equal(status_of(r, "3.17"), HOST_INFO);
    assert_int_equal(status_of(r, "2.2"), HOST_WARN);
    host_report_free(r);
}

static void test_links_never_leave_the_root(void **st)
{
    (void)st;
    fresh_variant("escape");
    /* a daemon.json outside the root that would turn 2.2 to PASS if it were read */
    char outside[600];
    snprintf(outside, sizeof outside, "%s/outside.json", base);
    FILE *f = fopen(outside, "w");
    fputs("{\"icc\": false, \"live-restore\": true}\n", f);
    fclose(f);
    link_to(var_dir, "/etc/docker/daemon.json", "../../../../../../../../outside.json");
    struct host_report *r = run_root(var_dir, NULL);
    assert_int_equal(status_of(r, "2.2"), HOST_WARN);
    assert_int_equal(status_of(r, "1.1.11"), HOST_INFO);
    host_report_free(r);
    link_to(var_dir, "/etc/docker/daemon.json", outside); /* absolute: re-rooted */
    r = run_root(var_dir, NULL);
    assert_int_equal(status_of(r, "2.2"), HOST_WARN);
    host_report_free(r);
    /* the same file placed inside the root at that path is read */
    put(var_dir, outside, "{\"icc\": false}\n", 0644, 0, 0);
    r = run_root(var_dir, NULL);
    assert_int_equal(status_of(r, "2.2"), HOST_PASS);
    host_report_free(r);
}

static void test_link_loops(void **st)
{
    (void)st;
    fresh_variant("loop");
    char p[1024];
    snprintf(p, sizeof p, "rm -rf '%s/etc/docker'", var_dir);
    assert_int_equal(system(p), 0);
    link_to(var_dir, "/etc/docker", "/etc/docker2");
    link_to(var_dir, "/etc/docker2", "docker");
    link_to(var_dir, "/etc/default/docker", "/etc/default/docker");
    link_to(var_dir, "/usr/lib/systemd/system/docker.service",
            "../../../../lib/systemd/system/docker.service");
    struct host_report *r = run_root(var_dir, NULL);
    assert_int_equal(status_of(r, "3.5"), HOST_INFO);
    assert_int_equal(status_of(r, "3.19"), HOST_INFO);
    assert_int_equal(status_of(r, "3.1"), HOST_INFO);
    assert_int_equal(status_of(r, "1.1.6"), HOST_INFO);
    host_report_free(r);
}

static void test_root_resolver(void **st)
{
    (void)st;
    struct host_root hr;
    struct strata_error err = {0};
    assert_int_equal(host_root_open(&hr, default_dir, &err), 0);
    struct stat sb;
    /* /lib -> usr/lib, /var/run -> /run */
    assert_int_equal(host_root_stat(&hr, "/lib/systemd/system/docker.service", 1, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    assert_int_equal(host_root_stat(&hr, "/var/run/docker.sock", 1, &sb), 0);
    assert_true(S_ISSOCK(sb.st_mode));
    assert_int_equal(host_root_stat(&hr, "/var/run", 0, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_int_equal(host_root_stat(&hr, "/../../..//etc/./passwd", 1, &sb), 0);
    assert_int_equal(host_root_stat(&hr, "/etc/passwd/x", 1, &sb), -ENOTDIR);
    assert_int_equal(host_root_stat(&hr, "/nope/x", 1, &sb), -ENOENT);
    assert_int_equal(host_root_stat(&hr, "/", 1, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    char *data;
    size_t len;
    assert_int_equal(host_root_read(&hr, "/etc/passwd", 1 << 20, &data, &len), 0);
    assert_int_equal(len, strlen(PASSWD));
    free(data);
    assert_int_equal(host_root_read(&hr, "/etc/passwd", 10, &data, &len), -EFBIG);
    assert_int_equal(host_root_read(&hr, "/etc", 10, &data, &len), -ENOENT);
    char **names;
    size_t n;
    assert_int_equal(host_root_list(&hr, "/usr/bin", 100, &names, &n), 0);
    assert_int_equal(n, 6);
    assert_string_equal(names[0], "containerd");
    host_root_free_names(names, n);
    assert_int_equal(host_root_list(&hr, "/usr/bin", 3, &names, &n), -E2BIG);
    /* a long chain of links */
    char lp[64], tp[64];
    for (int i = 0; i < 45; i++) {
        snprintf(lp, sizeof lp, "/chain%d", i);
        snprintf(tp, sizeof tp, "/chain%d", i + 1);
        link_to(default_dir, lp, tp);
    }
    put(default_dir, "/chain45", "end", 0644, 0, 0);
    assert_int_equal(host_root_stat(&hr, "/chain5", 1, &sb), 0);
    assert_int_equal(host_root_stat(&hr, "/chain0", 1, &sb), -ELOOP);
    host_root_close(&hr);
    assert_int_not_equal(host_root_open(&hr, "/nonexistent/strata", &err), 0);
}

static void test_cmdline_from_unit(void **st)
{
    (void)st;
    fresh_variant("cmdline");
    /* docker.io's unit style: options from an environment file, continuation lines, a drop-in
     * that appends to nothing but Environment */
    put(var_dir, "/etc/systemd/system/docker.service",
        "[Unit]\nDescription=Docker\n[Service]\n"
        "EnvironmentFile=-/etc/default/docker\n"
        "Environment=\"EXTRA=--userland-proxy=false\"\n"
        "ExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS \\\n"
        "  ${EXTRA} --icc=false\n"
        "[Install]\nWantedBy=multi-user.target\n",
        0644, 0, 0);
    put(var_dir, "/etc/default/docker",
        "# comment\nexport DOCKER_OPTS=\"--log-level debug -H tcp://0.0.0.0:2375 "
        "--insecure-registry registry.local:5000 --live-restore\"\n",
        0644, 0, 0);
    put(var_dir, "/run/systemd/system/docker.service.d/50-auth.conf",
        "[Service]\nEnvironment=IGNORED=1\n", 0644, 0, 0);
    put(var_dir, "/etc/systemd/system/docker.service.d/10-ns.conf",
        "[Service]\n# userns\nExecStart=\nExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS "
        "${EXTRA} --icc=false --userns-remap=default --authorization-plugin=authz-broker\n",
        0644, 0, 0);
    struct host_report *r = run_root(var_dir, NULL);
    assert_int_equal(status_of(r, "2.2"), HOST_PASS);
    assert_int_equal(status_of(r, "2.3"), HOST_WARN);
    assert_string_equal(host_report_find(r, "2.3")->details[0], "log-level is debug");
    assert_int_equal(status_of(r, "2.5"), HOST_WARN);
    assert_string_equal(host_report_find(r, "2.5")->details[0],
                        "Insecure registry: registry.local:5000");
    assert_int_equal(status_of(r, "2.7"), HOST_WARN);
    assert_string_equal(host_report_find(r, "2.7")->details[0],
                        "Docker daemon currently listening on TCP without TLS");
    assert_int_equal(status_of(r, "2.9"), HOST_PASS);
    assert_int_equal(status_of(r, "2.12"), HOST_PASS);
    assert_int_equal(status_of(r, "2.15"), HOST_PASS);
    assert_int_equal(status_of(r, "2.16"), HOST_PASS);
    /* the unit in /etc is the one checked and audited */
    assert_string_equal(host_report_find(r, "1.1.7")->details[0],
                        "No audit rule for /etc/systemd/system/docker.service");
    host_report_free(r);
}

static void test_daemon_json_settings(void **st)
{
    (void)st;
    fresh_variant("json");
    put(var_dir, "/etc/docker/daemon.json",
        "{\"hosts\": [\"tcp://0.0.0.0:2376\"], \"tls\": true, \"storage-driver\": \"aufs\",\n"
        " \"iptables\": false, \"insecure-registries\": [\"10.0.0.0/8\"],\n"
        " \"cgroup-parent\": \"/docker.slice\", \"storage-opts\": [\"dm.basesize=20G\"],\n"
        " \"log-driver\": \"json-file\", \"seccomp-profile\": \"unconfined\",\n"
        " \"experimental\": true, \"authorization-plugins\": [], \"default-ulimits\": {},\n"
        " \"data-root\": \"/srv/docker\"}\n",
        0644, 0, 0);
    put(var_dir, "/srv/docker/swarm/docker-state.json", "{\"LocalAddr\":\"10.0.0.5\"}", 0600, 0, 0);
    char mounts[600];
    snprintf(mounts, sizeof mounts, "%s/mounts", base);
    FILE *f = fopen(mounts, "w");
    fputs("/dev/sdb1 /srv/docker ext4 rw 0 0\n", f);
    fclose(f);
    struct host_report *r = run_root(var_dir, mounts);
    assert_int_equal(status_of(r, "1.1.1"), HOST_PASS);
    char want[700];
    snprintf(want, sizeof want, "/srv/docker is a mount point (%s)", mounts);
    assert_string_equal(host_report_find(r, "1.1.1")->details[0], want);
    assert_int_equal(status_of(r, "2.4"), HOST_WARN);
    assert_int_equal(status_of(r, "2.5"), HOST_WARN);
    assert_int_equal(status_of(r, "2.6"), HOST_WARN);
    assert_int_equal(status_of(r, "2.7"), HOST_WARN);
    assert_string_equal(host_report_find(r, "2.7")->details[0],
                        "Docker daemon currently listening on TCP with TLS, but no verification");
    assert_int_equal(status_of(r, "2.8"), HOST_INFO);
    assert_int_equal(status_of(r, "2.10"), HOST_WARN);
    assert_int_equal(status_of(r, "2.11"), HOST_WARN);
    assert_int_equal(status_of(r, "2.12"), HOST_WARN);
    assert_int_equal(status_of(r, "2.13"), HOST_WARN);
    assert_int_equal(status_of(r, "2.15"), HOST_PASS); /* swarm mode */
    assert_string_equal(host_report_find(r, "2.15")->details[0], "Incompatible with swarm mode");
    assert_int_equal(status_of(r, "2.17"), HOST_WARN);
    assert_int_equal(status_of(r, "2.18"), HOST_WARN);
    assert_int_equal(status_of(r, "5.1"), HOST_WARN);
    host_report_free(r);
}

static void test_mount_table_sources(void **st)
{
    (void)st;
    fresh_variant("fstab");
    char p[1024];
    snprintf(p, sizeof p, "%s/proc/mounts", var_dir);
    unlink(p);
    put(var_dir, "/etc/fstab",
        "# /etc/fstab: static file system information.\n"
        "UUID=6f1c6e8e-1111-4c6f-9d8f-0123456789ab /               ext4    errors=remount-ro 0 1\n"
        "/dev/mapper/vg0-docker /var/lib/docker/ xfs defaults 0 2\n",
        0644, 0, 0);
    struct host_report *r = run_root(var_dir, NULL);
    assert_int_equal(status_of(r, "1.1.1"), HOST_PASS);
    assert_string_equal(host_report_find(r, "1.1.1")->details[0],
                        "/var/lib/docker is a mount point (/etc/fstab)");
    host_report_free(r);
    snprintf(p, sizeof p, "%s/etc/fstab", var_dir);
    unlink(p);
    r = run_root(var_dir, NULL);
    assert_int_equal(status_of(r, "1.1.1"), HOST_INFO);
    host_report_free(r);
    /* an escaped mount point (\040 for a space) */
    char t[] = "/dev/sdb1 /var/lib/my\\040docker ext4 rw 0 0\n";
    assert_true(host_mount_table_has(t, "/var/lib/my docker"));
}

static void test_audit_rule_matching(void **st)
{
    (void)st;
    const char rules[] = "# -w /usr/bin/dockerd -k docker\n"
                         "   -w /usr/bin/containerd-shim -k docker\n"
                         "-a always,exit -F path=/run/containerd -F perm=war -k docker\n"
                         "-w /var/lib/docker/ -k docker\n";
    size_t n = strlen(rules);
    assert_false(host_audit_names(rules, n, "/usr/bin/dockerd"));        /* a comment */
    assert_false(host_audit_names(rules, n, "/usr/bin/containerd"));     /* only the shim */
    assert_true(host_audit_names(rules, n, "/usr/bin/containerd-shim")); /* indented */
    assert_true(host_audit_names(rules, n, "/run/containerd"));
    assert_true(host_audit_names(rules, n, "/var/lib/docker")); /* trailing slash */
    assert_false(host_audit_names(rules, n, "/var/lib"));
}

static void test_bad_daemon_json(void **st)
{
    (void)st;
    fresh_variant("badjson");
    put(var_dir, "/etc/docker/daemon.json", "{\n  \"icc\": false,\n  \"log-level\": info\n}\n",
        0644, 0, 0);
    struct host_options o = {.root = var_dir};
    struct host_report *r = NULL;
    struct strata_error err = {0};
    assert_int_equal(host_run(&o, &r, &err), STRATA_EFORMAT);
    assert_null(r);
    char want[700];
    snprintf(want, sizeof want, "%s/etc/docker/daemon.json:3:", var_dir);
    assert_non_null(strstr(err.msg, want));
    assert_non_null(strstr(err.msg, "invalid JSON"));
    put(var_dir, "/etc/docker/daemon.json", "[1, 2]\n", 0644, 0, 0);
    assert_int_equal(host_run(&o, &r, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "the top level is not an object"));
    /* larger than the bound */
    size_t big = HOST_MAX_CONFIG_FILE + 10;
    char *b = malloc(big + 1);
    assert_non_null(b);
    memset(b, ' ', big);
    b[0] = '{';
    b[big - 1] = '}';
    b[big] = '\0';
    put(var_dir, "/etc/docker/daemon.json", b, 0644, 0, 0);
    free(b);
    assert_int_equal(host_run(&o, &r, &err), STRATA_ELIMIT);
    /* a root that is not there */
    o.root = "/nonexistent/strata-root";
    assert_int_equal(host_run(&o, &r, &err), STRATA_EIO);
    /* a mounts file that is not there */
    o.root = default_dir;
    o.mounts_file = "/nonexistent/mounts";
    assert_int_equal(host_run(&o, &r, &err), STRATA_EIO);
    assert_non_null(strstr(err.msg, "--mounts /nonexistent/mounts"));
}

static void test_hostile_tree(void **st)
{
    (void)st;
    fresh_variant("hostile");
    /* binary garbage and huge lines in the files read as text */
    char junk[5000];
    for (size_t i = 0; i < sizeof junk - 1; i++)
        junk[i] = (char)(1 + (i * 131) % 255);
    junk[sizeof junk - 1] = '\0';
    put(var_dir, "/etc/group", junk, 0644, 0, 0);
    put(var_dir, "/etc/passwd", "::::\n:x:notanumber:0\nroot:x:0\n", 0644, 0, 0);
    put(var_dir, "/proc/mounts", junk, 0444, 0, 0);
    put(var_dir, "/etc/audit/rules.d/x.rules", junk, 0640, 0, 0);
    put(var_dir, "/var/lib/dpkg/status", "Package: docker-ce\nStatus: install ok installed\n", 0644,
        0, 0);
    put(var_dir, "/lib/systemd/system/docker.service",
        "[Service]\nExecStart=\"unterminated \\\nEnvironment=\"A\nEnvironmentFile=\n"
        "ExecStart=-/usr/bin/dockerd -H -- --icc --=x -Hx --log-level\n",
        0644, 0, 0);
    put(var_dir, "/etc/docker/daemon.json",
        "{\"hosts\": 7, \"insecure-registries\": \"x\", \"log-level\": 3, \"tls\": \"yes\","
        " \"storage-opts\": {}, \"default-ulimits\": [], \"data-root\": \"relative\"}",
        0644, 0, 0);
    struct host_report *r = run_root(var_dir, NULL);
    assert_int_equal(r->n_checks, 65);
    /* the output writers take any detail text */
    FILE *devnull = fopen("/dev/null", "w");
    assert_int_equal(host_write_table(r, devnull), 0);
    assert_int_equal(host_write_json(r, devnull), 0);
    fclose(devnull);
    host_report_free(r);
}

static void test_output(void **st)
{
    (void)st;
    struct host_report *r = run_root(default_dir, NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(host_write_json(r, f), 0);
    fclose(f);
    json_error_t je;
    json_t *j = json_loads(buf, 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "benchmark")),
                        "CIS Docker Benchmark 1.6.0");
    json_t *checks = json_object_get(j, "host_checks");
    assert_int_equal(json_array_size(checks), r->n_checks);
    json_t *c0 = json_array_get(checks, 0);
    assert_string_equal(json_string_value(json_object_get(c0, "id")), "1.1.1");
    assert_string_equal(json_string_value(json_object_get(c0, "status")),
                        host_status_name(r->checks[0].status));
    assert_true(json_is_array(json_object_get(c0, "details")));
    json_t *tot = json_object_get(j, "totals");
    assert_int_equal(json_integer_value(json_object_get(tot, "checks")), 65);
    assert_int_equal(json_integer_value(json_object_get(tot, "warn")), r->totals[HOST_WARN]);
    json_decref(j);
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    assert_int_equal(host_write_table(r, f), 0);
    fclose(f);
    assert_non_null(strstr(buf, "[INFO] 1 - Host Configuration\n"
                                "[INFO] 1.1 - Linux Hosts Specific Configuration\n"));
    assert_non_null(strstr(buf, "\n[INFO] 2 - Docker daemon configuration\n[NOTE] 2.1 - Run the "
                                "Docker daemon as a non-root user, if possible\n"));
    assert_non_null(strstr(buf, "[INFO] 2.7 - Ensure TLS authentication for Docker daemon is "
                                "configured\n[INFO]      * Docker daemon not listening on TCP\n"));
    assert_non_null(strstr(buf, "\n[INFO] 5 - Container Runtime\n[PASS] 5.1 - Ensure swarm mode "
                                "is not Enabled, if not needed\n"));
    assert_non_null(strstr(buf, "[INFO] Checks: 65\n"));
    free(buf);
    host_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hardened_host),
        cmocka_unit_test(test_default_host),
        cmocka_unit_test(test_permissions_and_owners),
        cmocka_unit_test(test_sockets_as_files_and_fifos),
        cmocka_unit_test(test_links_never_leave_the_root),
        cmocka_unit_test(test_link_loops),
        cmocka_unit_test(test_root_resolver),
        cmocka_unit_test(test_cmdline_from_unit),
        cmocka_unit_test(test_daemon_json_settings),
        cmocka_unit_test(test_mount_table_sources),
        cmocka_unit_test(test_audit_rule_matching),
        cmocka_unit_test(test_bad_daemon_json),
        cmocka_unit_test(test_hostile_tree),
        cmocka_unit_test(test_output),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
