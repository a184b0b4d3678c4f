/* `docker inspect` checks (src/checks/docker_inspect.c, json_pos.c): the CIS Docker Benchmark
 * 1.6.0 section 5 controls over `docker inspect` output shaped as Docker 24 prints it
 * (tests/fixtures/config/docker-inspect: a default `docker run -p 8080:80 nginx`, a hardened
 * container with no finding, and two compromised ones), every control positive and negative
 * with the line and column of its JSON key, and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/config.h"
#include "checks/json_pos.h"

struct run {
    struct strata_report *r;
    int rc;
    struct strata_error err;
    char *data;
};

static struct run check_n(const char *path, const char *json, size_t len)
{
    struct run x = {.r = strata_report_new()};
    assert_non_null(x.r);
    struct config_ctx *c = NULL;
    assert_int_equal(config_ctx_new(NULL, x.r, &c, &x.err), 0);
    struct config_source s = {path, json, len, CONFIG_DOCKER_INSPECT};
    x.rc = config_check_docker_inspect(c, &s, &x.err);
    config_ctx_free(c);
    return x;
}

static struct run check(const char *json)
{
    return check_n("inspect.json", json, strlen(json));
}

/* A fixture of tests/fixtures/config/docker-inspect, found from SRCROOT or this file. */
static struct run check_fixture(const char *name)
{
    char path[4096];
    const char *root = getenv("SRCROOT");
    if (root != NULL && *root != '\0') {
        snprintf(path, sizeof path, "%s/tests/fixtures/config/docker-inspect/%s", root, name);
    } else {
        const char *file = __FILE__;
        const char *slash = strrchr(file, '/');
        int dirlen = slash ? (int)(slash - file) : 1;
        snprintf(path, sizeof path, "%.*s/../fixtures/config/docker-inspect/%s", dirlen,
                 slash ? file : ".", name);
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    buf[n] = '\0';
    struct run x = check_n(name, buf, n);
    x.data = buf;
    return x;
}

static size_t count(const struct run *x, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < x->r->n_misconfigurations; i++)
        n += strcmp(x->r->misconfigurations[i].id, id) == 0;
    return n;
}

static const struct strata_misconfiguration *find(const struct run *x, const char *id,
                                                  const char *resource, int line, int col)
{
    for (size_t i = 0; i < x->r->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &x->r->misconfigurations[i];
        if (strcmp(m->id, id) == 0 && (resource == NULL || strcmp(m->resource, resource) == 0) &&
            (line == 0 || m->line == line) && (col == 0 || m->column == col))
            return m;
    }
    return NULL;
}

static void dump(const struct run *x)
{
    for (size_t i = 0; i < x->r->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &x->r->misconfigurations[i];
        fprintf(stderr, "  %s %s %d:%d %s: %s\n", m->id, m->severity, m->line, m->column,
                m->resource, m->message);
    }
}

static void done(struct run *x)
{
    strata_report_free(x->r);
    free(x->data);
}

/* Every finding of a fixture, in the checker's order. */
struct expect {
    const char *id, *resource, *severity;
    int line, col;
};

static void expect_exactly(const struct run *x, const struct expect *e, size_t n)
{
    if (x->r->n_misconfigurations != n) {
        dump(x);
        fail_msg("%zu findings, expected %zu", x->r->n_misconfigurations, n);
    }
    for (size_t i = 0; i < n; i++) {
        const struct strata_misconfiguration *m =
            find(x, e[i].id, e[i].resource, e[i].line, e[i].col);
        if (m == NULL) {
            dump(x);
            fail_msg("no %s for %s at %d:%d", e[i].id, e[i].resource, e[i].line, e[i].col);
        }
        assert_string_equal(m->severity, e[i].severity);
        /* the CIS section is the id's number */
        assert_non_null(m->cis);
        assert_string_equal(m->cis, e[i].id + strlen("CIS-DOCKER-"));
    }
}

/* ---- the fixtures ---- */

static void test_default_nginx(void **st)
{
    (void)st;
    /* docker run -d --name web -p 8080:80 nginx:1.25: what docker-bench-security 1.6.0
     * warns about for it (5.3, 5.11-5.14, 5.26, 5.27, 5.29; 5.30 as INFO) */
    static const struct expect e[] = {
        {"CIS-DOCKER-5.3", "web", "LOW", 80, 13},     {"CIS-DOCKER-5.14", "web", "MEDIUM", 190, 25},
        {"CIS-DOCKER-5.11", "web", "LOW", 87, 13},    {"CIS-DOCKER-5.12", "web", "LOW", 86, 13},
        {"CIS-DOCKER-5.29", "web", "LOW", 109, 13},   {"CIS-DOCKER-5.13", "web", "LOW", 79, 13},
        {"CIS-DOCKER-5.26", "web", "MEDIUM", 80, 13}, {"CIS-DOCKER-5.27", "web", "LOW", 11, 9},
        {"CIS-DOCKER-5.30", "web", "LOW", 211, 17},
    };
    struct run x = check_fixture("default-nginx.json");
    assert_int_equal(x.rc, 0);
    expect_exactly(&x, e, sizeof e / sizeof e[0]);
    const struct strata_misconfiguration *m = find(&x, "CIS-DOCKER-5.14", "web", 0, 0);
    assert_string_equal(m->path, "default-nginx.json");
    assert_non_null(strstr(m->message, "80/tcp"));
    assert_non_null(strstr(m->message, "0.0.0.0, ::"));
    assert_string_equal(m->title,
                        "Ensure that incoming container traffic is bound to a specific host "
                        "interface");
    done(&x);
}

static void test_hardened(void **st)
{
    (void)st;
    struct run x = check_fixture("hardened.json");
    assert_int_equal(x.rc, 0);
    if (x.r->n_misconfigurations != 0)
        dump(&x);
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
}

static void test_compromised(void **st)
{
    (void)st;
    static const struct expect e[] = {
        {"CIS-DOCKER-5.2", "vulnerable-web", "MEDIUM", 35, 9},
        {"CIS-DOCKER-5.4", "vulnerable-web", "CRITICAL", 61, 17},
        {"CIS-DOCKER-5.5", "vulnerable-web", "CRITICAL", 75, 13},
        {"CIS-DOCKER-5.6", "vulnerable-web", "HIGH", 132, 17},
        {"CIS-DOCKER-5.32", "vulnerable-web", "CRITICAL", 140, 17},
        {"CIS-DOCKER-5.10", "vulnerable-web", "HIGH", 47, 13},
        {"CIS-DOCKER-5.16", "vulnerable-web", "HIGH", 74, 13},
        {"CIS-DOCKER-5.17", "vulnerable-web", "HIGH", 70, 13},
        {"CIS-DOCKER-5.21", "vulnerable-web", "MEDIUM", 83, 13},
        {"CIS-DOCKER-5.31", "vulnerable-web", "HIGH", 84, 13},
        {"CIS-DOCKER-5.11", "vulnerable-web", "LOW", 89, 13},
        {"CIS-DOCKER-5.12", "vulnerable-web", "LOW", 88, 13},
        {"CIS-DOCKER-5.29", "vulnerable-web", "LOW", 111, 13},
        {"CIS-DOCKER-5.13", "vulnerable-web", "LOW", 77, 13},
        {"CIS-DOCKER-5.15", "vulnerable-web", "LOW", 49, 13},
        {"CIS-DOCKER-5.22", "vulnerable-web", "HIGH", 79, 17},
        {"CIS-DOCKER-5.26", "vulnerable-web", "MEDIUM", 78, 13},
        {"CIS-DOCKER-5.27", "vulnerable-web", "LOW", 11, 9},
        {"CIS-DOCKER-5.3", "legacy-ssh", "LOW", 311, 13},
        {"CIS-DOCKER-5.4", "legacy-ssh", "HIGH", 293, 17},
        {"CIS-DOCKER-5.20", "legacy-ssh", "MEDIUM", 388, 17},
        {"CIS-DOCKER-5.6", "legacy-ssh", "MEDIUM", 392, 17},
        {"CIS-DOCKER-5.7", "legacy-ssh", "MEDIUM", 225, 9},
        {"CIS-DOCKER-5.8", "legacy-ssh", "LOW", 439, 25},
        {"CIS-DOCKER-5.14", "legacy-ssh", "MEDIUM", 438, 25},
        {"CIS-DOCKER-5.8", "legacy-ssh", "LOW", 449, 25},
        {"CIS-DOCKER-5.14", "legacy-ssh", "MEDIUM", 448, 25},
        {"CIS-DOCKER-5.11", "legacy-ssh", "LOW", 318, 13},
        {"CIS-DOCKER-5.12", "legacy-ssh", "LOW", 317, 13},
        {"CIS-DOCKER-5.29", "legacy-ssh", "LOW", 346, 13},
        {"CIS-DOCKER-5.13", "legacy-ssh", "LOW", 310, 13},
        {"CIS-DOCKER-5.15", "legacy-ssh", "LOW", 281, 13},
        {"CIS-DOCKER-5.18", "legacy-ssh", "MEDIUM", 334, 17},
        {"CIS-DOCKER-5.26", "legacy-ssh", "MEDIUM", 311, 13},
        {"CIS-DOCKER-5.25", "legacy-ssh", "LOW", 320, 13},
        {"CIS-DOCKER-5.27", "legacy-ssh", "LOW", 230, 9},
        {"CIS-DOCKER-5.30", "legacy-ssh", "LOW", 469, 17},
    };
    struct run x = check_fixture("compromised.json");
    assert_int_equal(x.rc, 0);
    expect_exactly(&x, e, sizeof e / sizeof e[0]);
    /* the key each position names */
    const char *p = x.data;
    for (int line = 1; line < 75; line++)
        p = strchr(p, '\n') + 1;
    assert_memory_equal(p + 12, "\"Privileged\": true", 18);
    done(&x);
}

/* ---- control by control ---- */

/* A container with every control satisfied; %s adds HostConfig members (each ending ","). */
static char *container(const char *top, const char *hostconfig)
{
    char *s = NULL;
    int n = asprintf(&s,
                     "[\n"
                     "    {\n"
                     "        \"Id\": \"0123456789abcdef0123456789abcdef\",\n"
                     "        \"Name\": \"/c\",\n"
                     "        \"Created\": \"2024-01-15T10:21:33.123456789Z\",\n"
                     "%s" /* from line 6 */
                     "        \"HostConfig\": {\n"
                     "%s"
                     "            \"SecurityOpt\": [\"no-new-privileges\"],\n"
                     "            \"Memory\": 268435456,\n"
                     "            \"CpuShares\": 512,\n"
                     "            \"PidsLimit\": 100,\n"
                     "            \"ReadonlyRootfs\": true\n"
                     "        },\n"
                     "        \"AppArmorProfile\": \"docker-default\",\n"
                     "        \"State\": {\"Health\": {\"Status\": \"healthy\"}},\n"
                     "        \"NetworkSettings\": {\"Networks\": {\"backend\": {}}}\n"
                     "    }\n"
                     "]\n",
                     top, hostconfig);
    assert_true(n > 0);
    return s;
}

static struct run check_container(const char *top, const char *hostconfig)
{
    char *s = container(top, hostconfig);
    struct run x = check(s);
    x.data = s;
    assert_int_equal(x.rc, 0);
    return x;
}

static void test_baseline_container_is_clean(void **st)
{
    (void)st;
    struct run x = check_container("", "");
    if (x.r->n_misconfigurations != 0)
        dump(&x);
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
}

static void test_52_apparmor(void **st)
{
    (void)st;
    struct run x = check("{\"Name\": \"/a\", \"HostConfig\": {},\n \"AppArmorProfile\": \"\"}");
    assert_non_null(find(&x, "CIS-DOCKER-5.2", "a", 2, 2));
    done(&x);
    x = check("{\"Name\": \"/a\", \"HostConfig\": {}}");
    assert_non_null(find(&x, "CIS-DOCKER-5.2", "a", 1, 2)); /* absent: at the Name key */
    done(&x);
    x = check("{\"Name\": \"/a\", \"HostConfig\": {}, \"AppArmorProfile\": \"my-profile\"}");
    assert_int_equal(count(&x, "CIS-DOCKER-5.2"), 0);
    done(&x);
}

static void test_53_selinux(void **st)
{
    (void)st;
    struct run x = check("{\"Name\": \"/a\", \"HostConfig\": {\"SecurityOpt\": []}}");
    assert_non_null(find(&x, "CIS-DOCKER-5.3", "a", 1, 31));
    done(&x);
    x = check("{\"Name\": \"/a\", \"HostConfig\": {\"SecurityOpt\": [\"label=type:svirt_t\"]}}");
    assert_int_equal(count(&x, "CIS-DOCKER-5.3"), 0);
    done(&x);
}

static void test_54_capabilities(void **st)
{
    (void)st;
    struct run x = check_container("", "            \"CapAdd\": [\n"
                                       "                \"CAP_SYS_ADMIN\",\n" /* 8 */
                                       "                \"NET_RAW\",\n"
                                       "                \"net_admin\",\n" /* 10 */
                                       "                \"AUDIT_CONTROL\"\n"
                                       "            ],\n");
    assert_string_equal(find(&x, "CIS-DOCKER-5.4", "c", 8, 17)->severity, "CRITICAL");
    assert_string_equal(find(&x, "CIS-DOCKER-5.4", "c", 10, 17)->severity, "HIGH");
    assert_string_equal(find(&x, "CIS-DOCKER-5.4", "c", 11, 17)->severity, "MEDIUM");
    assert_int_equal(count(&x, "CIS-DOCKER-5.4"), 3);
    done(&x);
    x = check_container(
        "", "            \"CapAdd\": [\"NET_BIND_SERVICE\"], \"CapDrop\": [\"ALL\"],\n");
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
}

static void test_55_privileged(void **st)
{
    (void)st;
    struct run x = check_container("", "            \"Privileged\": true,\n");
    assert_non_null(find(&x, "CIS-DOCKER-5.5", "c", 7, 13));
    done(&x);
    x = check_container("", "            \"Privileged\": false,\n");
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
}

static void test_56_532_520_mounts(void **st)
{
    (void)st;
    struct run x = check_container(
        "        \"Mounts\": [\n"
        "            {\"Type\": \"bind\", \"Source\": \"/proc\", \"Destination\": \"/host/proc\", "
        "\"RW\": true, \"Propagation\": \"rprivate\"},\n" /* 6 */
        "            {\"Type\": \"bind\", \"Source\": \"/usr/\", \"Destination\": \"/u\", "
        "\"RW\": false, \"Propagation\": \"rslave\"},\n" /* 7 */
        "            {\"Type\": \"bind\", \"Source\": \"/run/docker.sock\", \"Destination\": "
        "\"/var/run/docker.sock\", \"RW\": true, \"Propagation\": \"rprivate\"},\n" /* 8 */
        "            {\"Type\": \"bind\", \"Source\": \"/srv\", \"Destination\": \"/srv\", "
        "\"RW\": true, \"Propagation\": \"shared\"},\n" /* 9 */
        "            {\"Type\": \"volume\", \"Name\": \"data\", \"Source\": "
        "\"/var/lib/docker/volumes/data/_data\", \"Destination\": \"/etc\", \"RW\": true},\n"
        "            {\"Type\": \"bind\", \"Source\": \"/etc/nginx\", \"Destination\": "
        "\"/etc/nginx\", "
        "\"RW\": false}\n"
        "        ],\n",
        "");
    const struct strata_misconfiguration *m = find(&x, "CIS-DOCKER-5.6", "c", 7, 30);
    assert_non_null(m);
    assert_string_equal(m->severity, "HIGH");
    m = find(&x, "CIS-DOCKER-5.6", "c", 8, 30);
    assert_non_null(m);
    assert_string_equal(m->severity, "MEDIUM");
    assert_int_equal(count(&x, "CIS-DOCKER-5.6"), 2);
    assert_non_null(find(&x, "CIS-DOCKER-5.32", "c", 9, 30));
    assert_int_equal(count(&x, "CIS-DOCKER-5.32"), 1);
    assert_non_null(find(&x, "CIS-DOCKER-5.20", "c", 10, 0));
    assert_int_equal(count(&x, "CIS-DOCKER-5.20"), 1);
    done(&x);
}

static void test_57_sshd(void **st)
{
    (void)st;
    struct run x = check_container("        \"Path\": \"/bin/sh\",\n"
                                   "        \"Args\": [\"-c\", \"/usr/sbin/sshd\"],\n",
                                   "");
    assert_non_null(find(&x, "CIS-DOCKER-5.7", "c", 7, 9));
    done(&x);
    x = check_container("        \"Path\": \"/usr/sbin/sshd\",\n        \"Args\": [\"-D\"],\n", "");
    assert_non_null(find(&x, "CIS-DOCKER-5.7", "c", 6, 9));
    done(&x);
    x = check_container("        \"Path\": \"/usr/bin/sshd-keygen-wrapper\",\n", "");
    assert_int_equal(count(&x, "CIS-DOCKER-5.7"), 0);
    done(&x);
}

static void test_58_514_ports(void **st)
{
    (void)st;
    /* a running container: NetworkSettings.Ports */
    struct run x = check_container(
        "", "            \"PortBindings\": {\"443/tcp\": [{\"HostIp\": \"10.0.0.1\", \"HostPort\": "
            "\"443\"}], \"9000/tcp\": [{\"HostIp\": \"\", \"HostPort\": \"\"}]},\n");
    assert_non_null(find(&x, "CIS-DOCKER-5.8", "c", 7, 0));
    assert_int_equal(count(&x, "CIS-DOCKER-5.8"), 1);
    /* 9000 with an empty HostIp publishes on every interface */
    assert_non_null(find(&x, "CIS-DOCKER-5.14", "c", 7, 0));
    assert_int_equal(count(&x, "CIS-DOCKER-5.14"), 1);
    done(&x);
    x = check("{\"Name\": \"/p\", \"HostConfig\": {\"PortBindings\": {\"80/tcp\": [{\"HostIp\": "
              "\"0.0.0.0\", \"HostPort\": \"80\"}]}},\n"
              "\"NetworkSettings\": {\"Ports\": {\"8080/tcp\": [\n"
              "  {\"HostIp\": \"127.0.0.1\", \"HostPort\": \"8080\"}]}}}");
    /* NetworkSettings.Ports wins over the configured bindings */
    assert_int_equal(count(&x, "CIS-DOCKER-5.8"), 0);
    assert_int_equal(count(&x, "CIS-DOCKER-5.14"), 0);
    done(&x);
}

static void test_namespaces(void **st)
{
    (void)st;
    struct run x = check_container("", "            \"NetworkMode\": \"host\",\n" /* 7 */
                                       "            \"PidMode\": \"host\",\n"
                                       "            \"IpcMode\": \"host\",\n"
                                       "            \"UTSMode\": \"host\",\n"
                                       "            \"UsernsMode\": \"host\",\n");
    assert_non_null(find(&x, "CIS-DOCKER-5.10", "c", 7, 13));
    assert_non_null(find(&x, "CIS-DOCKER-5.16", "c", 8, 13));
    assert_non_null(find(&x, "CIS-DOCKER-5.17", "c", 9, 13));
    assert_non_null(find(&x, "CIS-DOCKER-5.21", "c", 10, 13));
    assert_non_null(find(&x, "CIS-DOCKER-5.31", "c", 11, 13));
    assert_int_equal(x.r->n_misconfigurations, 5);
    done(&x);
    x = check_container("", "            \"NetworkMode\": \"container:abc\",\n"
                            "            \"PidMode\": \"container:abc\",\n"
                            "            \"IpcMode\": \"shareable\",\n"
                            "            \"UsernsMode\": \"\",\n");
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
}

static void test_limits_and_read_only(void **st)
{
    (void)st;
    struct run x = check("{\"Name\": \"/l\", \"AppArmorProfile\": \"docker-default\",\n"
                         "\"HostConfig\": {\"Memory\": 0, \"CpuShares\": 0,\n"
                         "  \"PidsLimit\": -1, \"ReadonlyRootfs\": false,\n"
                         "  \"SecurityOpt\": [\"no-new-privileges:true\"]}}");
    assert_non_null(find(&x, "CIS-DOCKER-5.11", "l", 2, 16));
    assert_non_null(find(&x, "CIS-DOCKER-5.12", "l", 2, 29));
    assert_non_null(find(&x, "CIS-DOCKER-5.29", "l", 3, 3));
    assert_non_null(find(&x, "CIS-DOCKER-5.13", "l", 3, 20));
    done(&x);
}

static void test_515_restart_policy(void **st)
{
    (void)st;
    const char *bad[] = {"{\"Name\": \"always\"}", "{\"Name\": \"unless-stopped\"}",
                         "{\"Name\": \"on-failure\", \"MaximumRetryCount\": 0}",
                         "{\"Name\": \"on-failure\", \"MaximumRetryCount\": 6}"};
    const char *good[] = {"{\"Name\": \"no\", \"MaximumRetryCount\": 0}",
                          "{\"Name\": \"on-failure\", \"MaximumRetryCount\": 5}",
                          "{\"Name\": \"on-failure\", \"MaximumRetryCount\": 3}",
                          "{\"Name\": \"\"}"};
    for (size_t i = 0; i < 4; i++) {
        char hc[256];
        snprintf(hc, sizeof hc, "            \"RestartPolicy\": %s,\n", bad[i]);
        struct run x = check_container("", hc);
        assert_non_null(find(&x, "CIS-DOCKER-5.15", "c", 7, 13));
        done(&x);
        snprintf(hc, sizeof hc, "            \"RestartPolicy\": %s,\n", good[i]);
        x = check_container("", hc);
        assert_int_equal(x.r->n_misconfigurations, 0);
        done(&x);
    }
}

static void test_518_devices(void **st)
{
    (void)st;
    struct run x = check_container(
        "", "            \"Devices\": [\n"
            "                {\"PathOnHost\": \"/dev/sda\", \"PathInContainer\": \"/dev/sda\", "
            "\"CgroupPermissions\": \"rwm\"}\n"
            "            ],\n");
    const struct strata_misconfiguration *m = find(&x, "CIS-DOCKER-5.18", "c", 8, 17);
    assert_non_null(m);
    assert_non_null(strstr(m->message, "/dev/sda"));
    done(&x);
    x = check_container("", "            \"Devices\": [],\n");
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
}

static void test_522_526_security_opt(void **st)
{
    (void)st;
    struct run x = check("{\"Name\": \"/s\", \"HostConfig\": {\"SecurityOpt\": [\n"
                         "  \"seccomp:unconfined\", \"no-new-privileges:false\"]}}");
    assert_non_null(find(&x, "CIS-DOCKER-5.22", "s", 2, 3));
    assert_non_null(find(&x, "CIS-DOCKER-5.26", "s", 1, 31));
    done(&x);
    x = check("{\"Name\": \"/s\", \"HostConfig\": {\"SecurityOpt\": [\"no-new-privileges=true\", "
              "\"seccomp=/etc/docker/seccomp.json\"]}}");
    assert_int_equal(count(&x, "CIS-DOCKER-5.22") + count(&x, "CIS-DOCKER-5.26"), 0);
    done(&x);
}

static void test_525_cgroup_parent(void **st)
{
    (void)st;
    struct run x = check_container("", "            \"CgroupParent\": \"/batch.slice\",\n");
    assert_non_null(find(&x, "CIS-DOCKER-5.25", "c", 7, 13));
    done(&x);
    x = check_container("", "            \"CgroupParent\": \"\",\n");
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
}

static void test_527_health(void **st)
{
    (void)st;
    /* a stopped container with a health check configured */
    struct run x = check("{\"Name\": \"/h\", \"HostConfig\": {}, \"State\": {\"Running\": false},\n"
                         "\"Config\": {\"Healthcheck\": {\"Test\": [\"CMD\", \"true\"]}}}");
    assert_int_equal(count(&x, "CIS-DOCKER-5.27"), 0);
    done(&x);
    x = check("{\"Name\": \"/h\", \"HostConfig\": {}, \"State\": {\"Running\": true},\n"
              "\"Config\": {\"Healthcheck\": {\"Test\": [\"NONE\"]}}}");
    assert_non_null(find(&x, "CIS-DOCKER-5.27", "h", 1, 34));
    done(&x);
}

static void test_530_default_bridge(void **st)
{
    (void)st;
    struct run x = check("{\"Name\": \"/b\", \"HostConfig\": {},\n"
                         " \"NetworkSettings\": {\"Networks\": {\"bridge\": {}, \"front\": {}}}}");
    assert_non_null(find(&x, "CIS-DOCKER-5.30", "b", 2, 35));
    done(&x);
}

/* ---- shapes and names ---- */

static void test_single_object_and_names(void **st)
{
    (void)st;
    /* one object (docker inspect --format '{{json .}}'), no Name: the short id */
    struct run x = check("{\"Id\": \"f00dfacecafe0123456789\", \"HostConfig\": {\"Privileged\": "
                         "true}}");
    assert_non_null(find(&x, "CIS-DOCKER-5.5", "f00dfacecafe", 1, 49));
    done(&x);
    /* images in the array are skipped; containers keep their index in the path */
    x = check("[{\"Id\": \"sha256:abc\", \"RepoTags\": [\"x:1\"], \"Config\": {}},\n"
              " {\"Name\": \"/second\", \"HostConfig\": {\"Privileged\": true}},\n"
              " {\"Name\": \"\\/third\", \"HostConfig\": {\"PidMode\": \"host\"}}]");
    assert_non_null(find(&x, "CIS-DOCKER-5.5", "second", 2, 37));
    assert_non_null(find(&x, "CIS-DOCKER-5.16", "third", 3, 37));
    done(&x);
    x = check("[]");
    assert_int_equal(x.rc, 0);
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
}

static void test_suppression_and_selection(void **st)
{
    (void)st;
    /* JSON has no comments: rules are chosen by the rules file only */
    struct run x = check("{\"Name\": \"/a\", \"HostConfig\": {\"Privileged\": true}}");
    assert_int_equal(count(&x, "CIS-DOCKER-5.5"), 1);
    done(&x);
}

/* ---- hostile input ---- */

static void test_bad_json_is_positioned(void **st)
{
    (void)st;
    struct run x = check("[\n  {\"Name\": \"/a\",\n   \"HostConfig\": {\"Privileged\": tru}}\n]");
    assert_int_equal(x.rc, STRATA_EFORMAT);
    assert_non_null(strstr(x.err.msg, "inspect.json:3:"));
    assert_non_null(strstr(x.err.msg, "invalid JSON"));
    done(&x);
    x = check("\"just a string\"");
    assert_int_equal(x.rc, STRATA_EFORMAT);
    assert_non_null(strstr(x.err.msg, "inspect.json:1:"));
    done(&x);
    x = check("{\"Name\": \"/a\", \"Name\": \"/b\", \"HostConfig\": {}}");
    assert_int_equal(x.rc, STRATA_EFORMAT); /* duplicate keys are ambiguous */
    done(&x);
    x = check_n("inspect.json", "{\"Name\": \"/a\0\"}", 15);
    assert_int_equal(x.rc, STRATA_EFORMAT);
    done(&x);
}

static void test_wrong_types(void **st)
{
    (void)st;
    const char *const texts[] = {
        "[1, \"x\", null, [], {}]",
        "{\"HostConfig\": {\"CapAdd\": \"ALL\", \"SecurityOpt\": {\"a\": 1}, \"Devices\": 3,"
        " \"RestartPolicy\": [], \"PortBindings\": {\"80/tcp\": \"x\", \"81/tcp\": [1, {}]},"
        " \"Memory\": \"1g\", \"PidsLimit\": \"x\", \"NetworkMode\": 1},"
        " \"Mounts\": [1, {\"Source\": 2}], \"Name\": 7, \"Args\": {}, \"Path\": []}",
        "{\"HostConfig\": {}, \"NetworkSettings\": {\"Ports\": {\"\": [{\"HostPort\": "
        "\"99999999999999999999\"}]}}}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct run x = check(texts[i]);
        assert_int_equal(x.rc, 0);
        done(&x);
    }
}

static void test_deep_and_huge(void **st)
{
    (void)st;
    /* nesting beyond the position index's depth: positions stop, checks go on */
    size_t depth = 1500;
    char *s = malloc(depth * 2 + 256);
    assert_non_null(s);
    size_t n = (size_t)sprintf(s, "{\"Name\": \"/d\", \"HostConfig\": {\"Privileged\": true}, "
                                  "\"X\": ");
    for (size_t i = 0; i < depth; i++)
        s[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        s[n++] = ']';
    s[n++] = '}';
    s[n] = '\0';
    struct run x = check(s);
    assert_int_equal(x.rc, 0);
    assert_non_null(find(&x, "CIS-DOCKER-5.5", "d", 1, 31));
    done(&x);
    free(s);
    /* more than CONFIG_MAX_FILE */
    size_t big = CONFIG_MAX_FILE + 1;
    char *b = malloc(big + 1);
    assert_non_null(b);
    memset(b, ' ', big);
    b[0] = '[';
    b[big - 1] = ']';
    b[big] = '\0';
    x = check_n("big.json", b, big);
    assert_int_equal(x.rc, STRATA_ELIMIT);
    done(&x);
    free(b);
}

/* ---- the position index alone ---- */

static void test_json_pos(void **st)
{
    (void)st;
    const char *t = "{\n  \"a\": [1, {\"b\": \"x\\\"y\"}, [2]],\n  \"c\\u0041\": {\"d\": null},\n"
                    "  \"e\": {\"f\": {\"g\": {\"h\": 1}}}}";
    struct json_pos p;
    assert_int_equal(json_pos_build(&p, t, strlen(t), 3, 100), 0);
    const struct json_pos_at *at = json_pos_get(&p, "a" JSON_POS_SEP);
    assert_non_null(at);
    assert_int_equal(at->line, 2);
    assert_int_equal(at->col, 3);
    at = json_pos_get(&p, "a" JSON_POS_SEP "1" JSON_POS_SEP "b" JSON_POS_SEP);
    assert_non_null(at);
    assert_int_equal(at->col, 13);
    at = json_pos_get(&p, "a" JSON_POS_SEP "2" JSON_POS_SEP "0" JSON_POS_SEP);
    assert_non_null(at);
    assert_int_equal(at->col, 28);
    /* escaped names are not recorded, and neither is what is under them */
    assert_null(json_pos_get(&p, "cA" JSON_POS_SEP));
    assert_null(json_pos_get(&p, "cA" JSON_POS_SEP "d" JSON_POS_SEP));
    /* depth 3 stops at g */
    assert_non_null(json_pos_get(&p, "e" JSON_POS_SEP "f" JSON_POS_SEP "g" JSON_POS_SEP));
    assert_null(
        json_pos_get(&p, "e" JSON_POS_SEP "f" JSON_POS_SEP "g" JSON_POS_SEP "h" JSON_POS_SEP));
    json_pos_free(&p);
    /* entry bound */
    assert_int_equal(json_pos_build(&p, t, strlen(t), 3, 2), 0);
    assert_int_equal(p.n, 2);
    json_pos_free(&p);
    /* truncated and garbage text end the pass without harm */
    const char *bad[] = {"{\"a", "{\"a\": [", "}}}]]]", "{\"a\": \"x\ny\"}", "\"", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(json_pos_build(&p, bad[i], strlen(bad[i]), 8, 100), 0);
        json_pos_free(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_nginx),
        cmocka_unit_test(test_hardened),
        cmocka_unit_test(test_compromised),
        cmocka_unit_test(test_baseline_container_is_clean),
        cmocka_unit_test(test_52_apparmor),
        cmocka_unit_test(test_53_selinux),
        cmocka_unit_test(test_54_capabilities),
        cmocka_unit_test(test_55_privileged),
        cmocka_unit_test(test_56_532_520_mounts),
        cmocka_unit_test(test_57_sshd),
        cmocka_unit_test(test_58_514_ports),
        cmocka_unit_test(test_namespaces),
        cmocka_unit_test(test_limits_and_read_only),
        cmocka_unit_test(test_515_restart_policy),
        cmocka_unit_test(test_518_devices),
        cmocka_unit_test(test_522_526_security_opt),
        cmocka_unit_test(test_525_cgroup_parent),
        cmocka_unit_test(test_527_health),
        cmocka_unit_test(test_530_default_bridge),
        cmocka_unit_test(test_single_object_and_names),
        cmocka_unit_test(test_suppression_and_selection),
        cmocka_unit_test(test_bad_json_is_positioned),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_deep_and_huge),
        cmocka_unit_test(test_json_pos),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
