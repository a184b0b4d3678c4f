/* docker-compose checks (src/checks/compose.c, compose_yaml.c): every DC rule positive and
 * negative with the line and column of the offending key, real-shaped files (a monitoring
 * and debugging stack that trips most rules, a hardened one that trips none), the Compose
 * shapes (v1 top-level services, v2/v3, the Compose Specification, anchors and merge keys,
 * short and long syntax), and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/config.h"

struct run {
    struct strata_report *r;
    int rc;
    struct strata_error err;
};

static struct run check_n(const char *yaml, size_t len)
{
    struct run x = {.r = strata_report_new()};
    assert_non_null(x.r);
    struct config_ctx *c = NULL;
    assert_int_equal(config_ctx_new(NULL, x.r, &c, &x.err), 0);
    struct config_source s = {"docker-compose.yml", yaml, len, CONFIG_COMPOSE};
    x.rc = config_check_compose(c, &s, &x.err);
    config_ctx_free(c);
    return x;
}

static struct run check(const char *yaml)
{
    return check_n(yaml, strlen(yaml));
}

static size_t count(const struct run *x, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < x->r->n_misconfigurations; i++)
        n += strcmp(x->r->misconfigurations[i].id, id) == 0;
    return n;
}

/* The finding id for resource at line:col (col 0: any column), or NULL. */
static const struct strata_misconfiguration *find(const struct run *x, const char *id,
                                                  const char *resource, int line, int col)
{
    for (size_t i = 0; i < x->r->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &x->r->misconfigurations[i];
        if (strcmp(m->id, id) == 0 && (resource == NULL || strcmp(m->resource, resource) == 0) &&
            m->line == line && (col == 0 || m->column == col))
            return m;
    }
    return NULL;
}

static void done(struct run *x)
{
    strata_report_free(x->r);
}

static void dump(const struct run *x)
{
    for (size_t i = 0; i < x->r->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &x->r->misconfigurations[i];
        fprintf(stderr, "  %s %s %d:%d %s: %s\n", m->id, m->severity, m->line, m->column,
                m->resource, m->message);
    }
}

/* A hardened service: no finding at all. */
#define HARDENED_SVC                                                                               \
    "    image: nginxinc/nginx-unprivileged:1.25-alpine\n"                                         \
    "    user: \"101:101\"\n"                                                                      \
    "    read_only: true\n"                                                                        \
    "    security_opt:\n"                                                                          \
    "      - no-new-privileges:true\n"                                                             \
    "    mem_limit: 256m\n"                                                                        \
    "    pids_limit: 100\n"

/* ---- real-shaped files ---- */

/* A monitoring and debugging stack the way such projects write it (portainer, cadvisor,
 * node-exporter, a database with its password inline, a netshoot debug container). */
static const char insecure_stack[] = "version: \"3.8\"\n"                                  /* 1 */
                                     "\n"                                                  /* 2 */
                                     "x-logging: &default-logging\n"                       /* 3 */
                                     "  driver: json-file\n"                               /* 4 */
                                     "  options:\n"                                        /* 5 */
                                     "    max-size: \"10m\"\n"                             /* 6 */
                                     "\n"                                                  /* 7 */
                                     "services:\n"                                         /* 8 */
                                     "  portainer:\n"                                      /* 9 */
                                     "    image: portainer/portainer-ce:2.19.4\n"          /* 10 */
                                     "    container_name: portainer\n"                     /* 11 */
                                     "    restart: unless-stopped\n"                       /* 12 */
                                     "    ports:\n"                                        /* 13 */
                                     "      - \"9443:9443\"\n"                             /* 14 */
                                     "      - \"127.0.0.1:8000:8000\"\n"                   /* 15 */
                                     "    volumes:\n"                                      /* 16 */
                                     "      - /var/run/docker.sock:/var/run/docker.sock\n" /* 17 */
                                     "      - portainer_data:/data\n"                      /* 18 */
                                     "    logging: *default-logging\n"                     /* 19 */
                                     "\n"                                                  /* 20 */
                                     "  cadvisor:\n"                                       /* 21 */
                                     "    image: gcr.io/cadvisor/cadvisor:v0.47.2\n"       /* 22 */
                                     "    privileged: true\n"                              /* 23 */
                                     "    devices:\n"                                      /* 24 */
                                     "      - /dev/kmsg\n"                                 /* 25 */
                                     "    volumes:\n"                                      /* 26 */
                                     "      - /:/rootfs:ro\n"                              /* 27 */
                                     "      - /var/run:/var/run:ro\n"                      /* 28 */
                                     "      - /sys:/sys:ro\n"                              /* 29 */
                                     "      - /var/lib/docker/:/var/lib/docker:ro\n"       /* 30 */
                                     "    ports:\n"                                        /* 31 */
                                     "      - 8080:8080\n"                                 /* 32 */
                                     "\n"                                                  /* 33 */
                                     "  node-exporter:\n"                                  /* 34 */
                                     "    image: prom/node-exporter:v1.7.0\n"              /* 35 */
                                     "    network_mode: host\n"                            /* 36 */
                                     "    pid: host\n"                                     /* 37 */
                                     "    volumes:\n"                                      /* 38 */
                                     "      - '/:/host:ro,rslave'\n"                       /* 39 */
                                     "    command:\n"                                      /* 40 */
                                     "      - '--path.rootfs=/host'\n"                     /* 41 */
                                     "\n"                                                  /* 42 */
                                     "  db:\n"                                             /* 43 */
                                     "    image: postgres:16\n"                            /* 44 */
                                     "    environment:\n"                                  /* 45 */
                                     "      POSTGRES_USER: app\n"                          /* 46 */
                                     "      POSTGRES_PASSWORD: s3cr3t-Passw0rd!\n"         /* 47 */
                                     "      POSTGRES_DB: app\n"                            /* 48 */
                                     "    volumes:\n"                                      /* 49 */
                                     "      - db:/var/lib/postgresql/data\n"               /* 50 */
                                     "\n"                                                  /* 51 */
                                     "  debug:\n"                                          /* 52 */
                                     "    image: nicolaka/netshoot\n"                      /* 53 */
                                     "    cap_add:\n"                                      /* 54 */
                                     "      - NET_ADMIN\n"                                 /* 55 */
                                     "      - SYS_PTRACE\n"                                /* 56 */
                                     "      - CHOWN\n"                                     /* 57 */
                                     "    security_opt:\n"                                 /* 58 */
                                     "      - seccomp:unconfined\n"                        /* 59 */
                                     "      - apparmor:unconfined\n"                       /* 60 */
                                     "    user: root\n"                                    /* 61 */
                                     "    ipc: host\n"                                     /* 62 */
                                     "    stdin_open: true\n"                              /* 63 */
                                     "    tty: true\n"                                     /* 64 */
                                     "\n"                                                  /* 65 */
                                     "volumes:\n"                                          /* 66 */
                                     "  portainer_data:\n"                                 /* 67 */
                                     "  db:\n";                                            /* 68 */

static void test_insecure_stack(void **st)
{
    (void)st;
    struct run x = check(insecure_stack);
    assert_int_equal(x.rc, 0);
    if (x.r->n_misconfigurations == 0)
        dump(&x);
    /* portainer */
    assert_non_null(find(&x, "DC-012", "service portainer", 17, 9));
    assert_non_null(find(&x, "DC-014", "service portainer", 14, 9));
    assert_null(find(&x, "DC-014", "service portainer", 15, 0)); /* bound to 127.0.0.1 */
    assert_non_null(find(&x, "DC-009", "service portainer", 9, 3));
    assert_non_null(find(&x, "DC-010", "service portainer", 9, 3));
    assert_non_null(find(&x, "DC-011", "service portainer", 9, 3));
    assert_non_null(find(&x, "DC-015", "service portainer", 9, 3));
    assert_non_null(find(&x, "DC-016", "service portainer", 9, 3));
    /* cadvisor */
    const struct strata_misconfiguration *m = find(&x, "DC-001", "service cadvisor", 23, 5);
    assert_non_null(m);
    assert_string_equal(m->severity, "CRITICAL");
    assert_string_equal(m->path, "docker-compose.yml");
    assert_string_equal(m->cis, "5.5");
    assert_non_null(find(&x, "DC-020", "service cadvisor", 25, 9));
    m = find(&x, "DC-013", "service cadvisor", 27, 9);
    assert_non_null(m);
    assert_string_equal(m->severity, "HIGH"); /* / read-only */
    assert_non_null(strstr(m->message, "(read-only)"));
    m = find(&x, "DC-013", "service cadvisor", 28, 9);
    assert_non_null(m);
    assert_string_equal(m->severity, "MEDIUM");
    assert_non_null(find(&x, "DC-013", "service cadvisor", 29, 9));
    m = find(&x, "DC-013", "service cadvisor", 30, 9);
    assert_non_null(m);
    assert_non_null(strstr(m->message, "/var/lib/docker "));
    assert_non_null(find(&x, "DC-014", "service cadvisor", 32, 9));
    /* node-exporter */
    assert_non_null(find(&x, "DC-003", "service node-exporter", 36, 5));
    assert_non_null(find(&x, "DC-004", "service node-exporter", 37, 5));
    assert_non_null(find(&x, "DC-013", "service node-exporter", 39, 9)); /* the quote */
    assert_int_equal(count(&x, "DC-021"), 0);                            /* rslave is not shared */
    /* db */
    m = find(&x, "DC-017", "service db", 47, 7);
    assert_non_null(m);
    assert_string_equal(m->severity, "HIGH");
    assert_null(strstr(m->message, "s3cr3t-Passw0rd!"));
    assert_null(m->cis);
    assert_non_null(strstr(m->message, "s3cr*****"));
    assert_null(find(&x, "DC-017", "service db", 46, 0));
    /* debug */
    m = find(&x, "DC-002", "service debug", 55, 9);
    assert_non_null(m);
    assert_string_equal(m->severity, "HIGH");
    assert_non_null(find(&x, "DC-002", "service debug", 56, 9));
    assert_null(find(&x, "DC-002", "service debug", 57, 0)); /* CHOWN is a default */
    assert_non_null(find(&x, "DC-006", "service debug", 59, 9));
    assert_non_null(find(&x, "DC-007", "service debug", 60, 9));
    assert_non_null(find(&x, "DC-009", "service debug", 58, 5)); /* at security_opt */
    m = find(&x, "DC-011", "service debug", 61, 5);
    assert_non_null(m);
    assert_string_equal(m->severity, "MEDIUM");
    assert_non_null(find(&x, "DC-005", "service debug", 62, 5));
    /* the top-level volumes key is no service */
    for (size_t i = 0; i < x.r->n_misconfigurations; i++)
        assert_string_not_equal(x.r->misconfigurations[i].resource, "service volumes");
    done(&x);
}

/* A hardened stack: nothing to report. */
static const char hardened_stack[] = "name: shop\n"
                                     "services:\n"
                                     "  web:\n"
                                     "    image: nginxinc/nginx-unprivileged:1.25-alpine\n"
                                     "    user: \"101:101\"\n"
                                     "    read_only: true\n"
                                     "    cap_drop: [ALL]\n"
                                     "    cap_add: [NET_BIND_SERVICE]\n"
                                     "    security_opt:\n"
                                     "      - no-new-privileges:true\n"
                                     "    tmpfs:\n"
                                     "      - /tmp\n"
                                     "    ports:\n"
                                     "      - \"127.0.0.1:8080:8080\"\n"
                                     "    mem_limit: 256m\n"
                                     "    pids_limit: 100\n"
                                     "    environment:\n"
                                     "      - NGINX_ENTRYPOINT_QUIET_LOGS=1\n"
                                     "    volumes:\n"
                                     "      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n"
                                     "      - static:/usr/share/nginx/html:ro\n"
                                     "  api:\n"
                                     "    image: registry.example.com/shop/api:2.4.1\n"
                                     "    user: \"10001\"\n"
                                     "    read_only: true\n"
                                     "    security_opt: [\"no-new-privileges:true\"]\n"
                                     "    deploy:\n"
                                     "      resources:\n"
                                     "        limits:\n"
                                     "          cpus: \"0.50\"\n"
                                     "          memory: 512M\n"
                                     "          pids: 200\n"
                                     "    environment:\n"
                                     "      DATABASE_PASSWORD: ${DATABASE_PASSWORD}\n"
                                     "      API_TOKEN_FILE: /run/secrets/api_token\n"
                                     "      LOG_LEVEL: info\n"
                                     "    secrets:\n"
                                     "      - api_token\n"
                                     "    ports:\n"
                                     "      - target: 8000\n"
                                     "        published: \"8000\"\n"
                                     "        host_ip: 127.0.0.1\n"
                                     "        protocol: tcp\n"
                                     "    volumes:\n"
                                     "      - type: volume\n"
                                     "        source: uploads\n"
                                     "        target: /srv/uploads\n"
                                     "volumes:\n"
                                     "  static:\n"
                                     "  uploads:\n"
                                     "secrets:\n"
                                     "  api_token:\n"
                                     "    file: ./api_token.txt\n";

static void test_hardened_stack(void **st)
{
    (void)st;
    struct run x = check(hardened_stack);
    assert_int_equal(x.rc, 0);
    if (x.r->n_misconfigurations != 0)
        dump(&x);
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
}

/* ---- rule by rule ---- */

static void test_dc001_privileged(void **st)
{
    (void)st;
    struct run x = check("services:\n  a:\n" HARDENED_SVC "    privileged: true\n"
                         "  b:\n" HARDENED_SVC "    privileged: false\n"
                         "  c:\n" HARDENED_SVC "    privileged: \"true\"\n");
    assert_int_equal(x.rc, 0);
    assert_int_equal(count(&x, "DC-001"), 1);
    assert_non_null(find(&x, "DC-001", "service a", 10, 5));
    done(&x);
}

static void test_dc002_capabilities(void **st)
{
    (void)st;
    struct run x = check("services:\n  a:\n" HARDENED_SVC "    cap_add:\n"
                         "      - ALL\n"                 /* 11 */
                         "      - cap_sys_admin\n"       /* 12 */
                         "      - CAP_DAC_READ_SEARCH\n" /* 13 */
                         "      - NET_ADMIN\n"           /* 14 */
                         "      - IPC_LOCK\n"            /* 15 */
                         "      - NET_BIND_SERVICE\n"    /* 16 */
                         "      - SETUID\n");            /* 17 */
    assert_int_equal(x.rc, 0);
    assert_int_equal(count(&x, "DC-002"), 5);
    assert_string_equal(find(&x, "DC-002", "service a", 11, 9)->severity, "CRITICAL");
    const struct strata_misconfiguration *m = find(&x, "DC-002", "service a", 12, 9);
    assert_string_equal(m->severity, "CRITICAL");
    assert_non_null(strstr(m->message, "SYS_ADMIN"));
    assert_string_equal(find(&x, "DC-002", "service a", 13, 9)->severity, "CRITICAL");
    assert_string_equal(find(&x, "DC-002", "service a", 14, 9)->severity, "HIGH");
    assert_string_equal(find(&x, "DC-002", "service a", 15, 9)->severity, "MEDIUM");
    done(&x);
}

static void test_dc003_to_005_018_019_namespaces(void **st)
{
    (void)st;
    struct run x = check("services:\n  a:\n" HARDENED_SVC "    network_mode: host\n" /* 10 */
                         "    pid: host\n"                                           /* 11 */
                         "    ipc: host\n"                                           /* 12 */
                         "    uts: host\n"                                           /* 13 */
                         "    userns_mode: host\n"                                   /* 14 */
                         "  b:\n" HARDENED_SVC "    network_mode: \"service:a\"\n"
                         "    pid: \"container:x\"\n"
                         "    ipc: shareable\n");
    assert_int_equal(x.rc, 0);
    assert_non_null(find(&x, "DC-003", "service a", 10, 5));
    assert_non_null(find(&x, "DC-004", "service a", 11, 5));
    assert_non_null(find(&x, "DC-005", "service a", 12, 5));
    assert_non_null(find(&x, "DC-018", "service a", 13, 5));
    assert_non_null(find(&x, "DC-019", "service a", 14, 5));
    assert_int_equal(count(&x, "DC-003") + count(&x, "DC-004") + count(&x, "DC-005"), 3);
    done(&x);
}

static void test_dc006_to_009_security_opt(void **st)
{
    (void)st;
    struct run x = check("services:\n"
                         "  a:\n"
                         "    image: x\n"
                         "    security_opt:\n"           /* 4 */
                         "      - seccomp=unconfined\n"  /* 5 */
                         "      - apparmor=unconfined\n" /* 6 */
                         "      - label:disable\n"       /* 7 */
                         "  b:\n"
                         "    image: x\n"
                         "    security_opt:\n"
                         "      - no-new-privileges\n"
                         "      - seccomp:/etc/docker/seccomp.json\n"
                         "      - label:type:svirt_apache_t\n"
                         "  c:\n"
                         "    image: x\n"
                         "    security_opt: [\"no-new-privileges:false\"]\n" /* 16 */
                         "  d:\n"                                            /* 17 */
                         "    image: x\n");
    assert_int_equal(x.rc, 0);
    assert_non_null(find(&x, "DC-006", "service a", 5, 9));
    assert_non_null(find(&x, "DC-007", "service a", 6, 9));
    assert_non_null(find(&x, "DC-008", "service a", 7, 9));
    assert_non_null(find(&x, "DC-009", "service a", 4, 5));
    assert_null(find(&x, "DC-009", "service b", 10, 0));
    assert_int_equal(count(&x, "DC-006") + count(&x, "DC-007") + count(&x, "DC-008"), 3);
    const struct strata_misconfiguration *m = find(&x, "DC-009", "service c", 16, 20);
    assert_non_null(m);
    assert_non_null(strstr(m->message, "no-new-privileges:false"));
    assert_non_null(find(&x, "DC-009", "service d", 17, 3));
    assert_int_equal(count(&x, "DC-009"), 3);
    done(&x);
}

static void test_dc010_read_only(void **st)
{
    (void)st;
    struct run x = check("services:\n"
                         "  a:\n"
                         "    image: x\n"
                         "    read_only: false\n"
                         "  b:\n"
                         "    image: x\n"
                         "  c:\n"
                         "    image: x\n"
                         "    read_only: true\n");
    assert_int_equal(x.rc, 0);
    assert_non_null(find(&x, "DC-010", "service a", 4, 5));
    assert_non_null(find(&x, "DC-010", "service b", 5, 3));
    assert_int_equal(count(&x, "DC-010"), 2);
    done(&x);
}

static void test_dc011_user(void **st)
{
    (void)st;
    struct run x = check("services:\n"
                         "  a:\n"
                         "    image: x\n"
                         "    user: \"0:0\"\n" /* 4 */
                         "  b:\n"
                         "    image: x\n"
                         "    user: root:wheel\n" /* 7 */
                         "  c:\n"                 /* 8 */
                         "    image: x\n"
                         "  d:\n"
                         "    image: x\n"
                         "    user: \"1000\"\n"
                         "  e:\n"
                         "    image: x\n"
                         "    user: \"10:0\"\n"
                         "  f:\n"
                         "    image: x\n"
                         "    user: ${APP_UID:-0}\n" /* 18 */
                         "  g:\n"
                         "    image: x\n"
                         "    user: ${APP_UID}\n");
    assert_int_equal(x.rc, 0);
    assert_string_equal(find(&x, "DC-011", "service a", 4, 5)->severity, "MEDIUM");
    assert_non_null(find(&x, "DC-011", "service b", 7, 5));
    assert_string_equal(find(&x, "DC-011", "service c", 8, 3)->severity, "LOW");
    assert_non_null(find(&x, "DC-011", "service f", 18, 5));
    assert_int_equal(count(&x, "DC-011"), 4);
    done(&x);
}

static void test_dc012_013_021_volumes(void **st)
{
    (void)st;
    struct run x = check("services:\n"
                         "  a:\n"
                         "    image: x\n"
                         "    volumes:\n"
                         "      - /run/containerd/containerd.sock:/run/containerd/containerd.sock\n"
                         "      - type: bind\n"                   /* 6 */
                         "        source: /var/run/docker.sock\n" /* 7 */
                         "        target: /var/run/docker.sock\n"
                         "      - type: bind\n"
                         "        source: /etc\n" /* 10 */
                         "        target: /host/etc\n"
                         "        read_only: true\n"
                         "      - type: bind\n"
                         "        source: /srv/data\n" /* 14 */
                         "        target: /data\n"
                         "        bind:\n"
                         "          propagation: rshared\n"
                         "      - /home/../root/.ssh:/keys:ro\n" /* 18 */
                         "      - /data:/data:rw,shared\n"       /* 19 */
                         "      - ./conf:/conf\n"
                         "      - logs:/var/log\n"
                         "      - /tmp\n"
                         "      - /etc/localtime:/etc/localtime:ro\n"
                         "      - ${SOCK:-/var/run/docker.sock}:/sock\n" /* 24 */
                         "      - ${SOCK}:/sock2\n"
                         "      - type: volume\n"
                         "        source: /etc\n"
                         "        target: /x\n");
    assert_int_equal(x.rc, 0);
    assert_non_null(find(&x, "DC-012", "service a", 5, 9));
    assert_non_null(find(&x, "DC-012", "service a", 7, 9));
    assert_non_null(find(&x, "DC-012", "service a", 24, 9));
    assert_int_equal(count(&x, "DC-012"), 3);
    const struct strata_misconfiguration *m = find(&x, "DC-013", "service a", 10, 9);
    assert_non_null(m);
    assert_string_equal(m->severity, "MEDIUM");
    m = find(&x, "DC-013", "service a", 18, 9);
    assert_non_null(m);
    assert_non_null(strstr(m->message, "/root/.ssh"));
    assert_int_equal(count(&x, "DC-013"), 2);
    assert_non_null(find(&x, "DC-021", "service a", 14, 9));
    assert_non_null(find(&x, "DC-021", "service a", 19, 9));
    assert_int_equal(count(&x, "DC-021"), 2);
    done(&x);
}

static void test_dc014_ports(void **st)
{
    (void)st;
    struct run x = check("services:\n"
                         "  a:\n"
                         "    image: x\n"
                         "    ports:\n"
                         "      - \"3000\"\n"                /* 5 */
                         "      - \"3000-3005\"\n"           /* 6 */
                         "      - \"9090-9091:8080-8081\"\n" /* 7 */
                         "      - \"0.0.0.0:5432:5432\"\n"   /* 8 */
                         "      - \"[::]:80:80/tcp\"\n"      /* 9 */
                         "      - 6060:6060/udp\n"           /* 10 */
                         "      - \"127.0.0.1:8001:8001\"\n" /* 11 */
                         "      - \"127.0.0.1:5000-5010:5000-5010\"\n"
                         "      - \"[::1]:6000:6000\"\n"
                         "      - \"10.0.0.5::80\"\n"
                         "      - target: 80\n" /* 15 */
                         "        published: 8080\n"
                         "      - target: 443\n"
                         "        host_ip: 192.168.1.10\n"
                         "      - target: 53\n" /* 19 */
                         "        host_ip: 0.0.0.0\n"
                         "        protocol: udp\n"
                         "      - ${BIND:-127.0.0.1}:7000:7000\n"
                         "      - ${BIND:-0.0.0.0}:7001:7001\n" /* 23 */
                         "      - ${BIND}:7002:7002\n"
                         "    expose:\n"
                         "      - \"8080\"\n");
    assert_int_equal(x.rc, 0);
    int lines[] = {5, 6, 7, 8, 9, 10, 15, 19, 23};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if (find(&x, "DC-014", "service a", lines[i], 9) == NULL) {
            dump(&x);
            fail_msg("no DC-014 at line %d", lines[i]);
        }
    }
    assert_int_equal(count(&x, "DC-014"), 9);
    done(&x);
}

static void test_dc015_016_limits(void **st)
{
    (void)st;
    struct run x = check("services:\n"
                         "  a:\n" /* 2: nothing */
                         "    image: x\n"
                         "  b:\n"
                         "    image: x\n"
                         "    mem_limit: 1g\n"
                         "    pids_limit: -1\n" /* 7 */
                         "  c:\n"
                         "    image: x\n"
                         "    deploy:\n"
                         "      resources:\n"
                         "        limits:\n"
                         "          memory: 50M\n"
                         "          pids: 0\n" /* 14 */
                         "  d:\n"
                         "    image: x\n"
                         "    deploy:\n"
                         "      resources:\n"
                         "        reservations:\n"
                         "          memory: 20M\n"
                         "    pids_limit: 64\n");
    assert_int_equal(x.rc, 0);
    assert_non_null(find(&x, "DC-015", "service a", 2, 3));
    assert_non_null(find(&x, "DC-016", "service a", 2, 3));
    assert_non_null(find(&x, "DC-016", "service b", 7, 5));
    assert_non_null(find(&x, "DC-016", "service c", 14, 11));
    assert_non_null(find(&x, "DC-015", "service d", 15, 3));
    assert_int_equal(count(&x, "DC-015"), 2);
    assert_int_equal(count(&x, "DC-016"), 3);
    done(&x);
}

static void test_dc017_environment(void **st)
{
    (void)st;
    struct run x =
        check("services:\n"
              "  a:\n"
              "    image: x\n"
              "    environment:\n"
              "      - DB_PASSWORD=hunter2\n"                                   /* 5 */
              "      - GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n" /* 6 */
              "      - API_KEY=${API_KEY}\n"
              "      - SECRET_KEY\n"
              "      - DB_PASSWORD_FILE=/run/secrets/db\n"
              "      - DB_HOST=db\n"
              "  b:\n"
              "    image: x\n"
              "    environment:\n"
              "      AWS_SECRET_ACCESS_KEY: \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n" /* 14 */
              "      MYSQL_ROOT_PASSWORD:\n"
              "      JWT_SECRET: $JWT\n"
              "      REDIS_PASSWORD: ''\n"
              "      TZ: Europe/Paris\n");
    assert_int_equal(x.rc, 0);
    const struct strata_misconfiguration *m = find(&x, "DC-017", "service a", 5, 9);
    assert_non_null(m);
    assert_null(strstr(m->message, "hunter2"));
    m = find(&x, "DC-017", "service a", 6, 9);
    assert_non_null(m);
    assert_null(strstr(m->message, "abcdefghij"));
    assert_non_null(strstr(m->message, "ghp_*****"));
    m = find(&x, "DC-017", "service b", 14, 7);
    assert_non_null(m);
    assert_null(strstr(m->message, "EXAMPLEKEY"));
    assert_int_equal(count(&x, "DC-017"), 3);
    done(&x);
}

static void test_dc020_devices(void **st)
{
    (void)st;
    struct run x = check("services:\n  a:\n" HARDENED_SVC "    devices:\n"
                         "      - \"/dev/ttyUSB0:/dev/ttyUSB0\"\n" /* 11 */
                         "      - source: /dev/fuse\n"             /* 12 */
                         "        target: /dev/fuse\n"
                         "  b:\n" HARDENED_SVC);
    assert_int_equal(x.rc, 0);
    assert_non_null(find(&x, "DC-020", "service a", 11, 9));
    assert_non_null(find(&x, "DC-020", "service a", 12, 9));
    assert_int_equal(count(&x, "DC-020"), 2);
    assert_int_equal(x.r->n_misconfigurations, 2);
    done(&x);
}

/* ---- shapes ---- */

static void test_anchors_and_merge_keys(void **st)
{
    (void)st;
    struct run x = check("x-base: &base\n"      /* 1 */
                         "  privileged: true\n" /* 2 */
                         "  read_only: true\n"
                         "  user: \"1000\"\n"
                         "  mem_limit: 1g\n"
                         "  pids_limit: 50\n"
                         "  security_opt: &opts\n" /* 7 */
                         "    - no-new-privileges:true\n"
                         "x-caps: &caps\n"
                         "  cap_add: [SYS_ADMIN]\n" /* 10 */
                         "services:\n"
                         "  one:\n" /* 12 */
                         "    <<: [*base, *caps]\n"
                         "    image: x\n"
                         "  two:\n" /* 15 */
                         "    <<: *base\n"
                         "    privileged: false\n"
                         "    security_opt: *opts\n"
                         "  three: &three\n"
                         "    image: y\n"
                         "  four: *three\n");
    assert_int_equal(x.rc, 0);
    /* the merged key is reported where it is written, for the service that uses it */
    assert_non_null(find(&x, "DC-001", "service one", 2, 3));
    assert_null(find(&x, "DC-001", "service two", 2, 3)); /* overridden by its own key */
    assert_non_null(find(&x, "DC-002", "service one", 10, 13));
    assert_int_equal(count(&x, "DC-009"), 2); /* three and four */
    assert_non_null(find(&x, "DC-010", "service three", 19, 3));
    assert_non_null(find(&x, "DC-010", "service four", 21, 3));
    done(&x);
}

static void test_v1_and_v2_files(void **st)
{
    (void)st;
    /* version 1: services at the top level */
    struct run x = check("web:\n"
                         "  image: nginx\n"
                         "  privileged: true\n"
                         "  links:\n"
                         "    - db\n"
                         "db:\n"
                         "  build: ./db\n"
                         "notes: just a string\n");
    assert_int_equal(x.rc, 0);
    assert_non_null(find(&x, "DC-001", "service web", 3, 3));
    assert_int_equal(count(&x, "DC-010"), 2);
    done(&x);
    /* version 2.4: mem_limit and pids_limit at the service */
    x = check("version: '2.4'\n"
              "services:\n"
              "  app:\n" HARDENED_SVC "    cpu_shares: 512\n");
    assert_int_equal(x.rc, 0);
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
    /* a top-level key that is a mapping is not a service when the file has a version */
    x = check("version: '3'\nnetworks:\n  front:\n    driver: bridge\n");
    assert_int_equal(x.rc, 0);
    assert_int_equal(x.r->n_misconfigurations, 0);
    done(&x);
}

static void test_flow_style_and_quotes(void **st)
{
    (void)st;
    struct run x =
        check("services: {web: {image: x, privileged: true, \"pid\": 'host',\n"
              "  ports: [\"80:80\"], environment: {\"DB_PASSWORD\": \"a\\tb\\\"c\\\\d\"}}}\n");
    assert_int_equal(x.rc, 0);
    assert_non_null(find(&x, "DC-001", "service web", 1, 28));
    assert_non_null(find(&x, "DC-004", "service web", 1, 46));
    assert_non_null(find(&x, "DC-014", "service web", 2, 11));
    assert_non_null(find(&x, "DC-017", "service web", 2, 35));
    done(&x);
}

static void test_rules_selection(void **st)
{
    (void)st;
    /* an inline suppression on the key's line */
    struct run x = check("services:\n  a:\n" HARDENED_SVC
                         "    privileged: true # strata:ignore DC-001 needs /dev/kvm\n");
    assert_int_equal(x.rc, 0);
    assert_int_equal(count(&x, "DC-001"), 0);
    done(&x);
}

/* ---- hostile input ---- */

static void test_bad_yaml_is_positioned(void **st)
{
    (void)st;
    struct run x = check("services:\n  web:\n    image: x\n   bad: [\n");
    assert_int_not_equal(x.rc, 0);
    assert_int_equal(x.err.code, STRATA_EFORMAT);
    assert_non_null(strstr(x.err.msg, "docker-compose.yml:"));
    assert_non_null(strstr(x.err.msg, "invalid YAML"));
    done(&x);
    x = check("services:\n  a:\n    image: x\n  a:\n    image: y\n");
    assert_int_equal(x.rc, STRATA_EFORMAT);
    assert_non_null(strstr(x.err.msg, "docker-compose.yml:4:3: invalid YAML: duplicate key"));
    done(&x);
    x = check("- a\n- b\n");
    assert_int_equal(x.rc, STRATA_EFORMAT);
    assert_string_equal(x.err.msg,
                        "docker-compose.yml:1:3: not a compose file (the top level is not a "
                        "mapping)");
    done(&x);
    x = check("services:\n  - web\n");
    assert_int_equal(x.rc, STRATA_EFORMAT);
    assert_string_equal(x.err.msg, "docker-compose.yml:1:1: services is not a mapping");
    done(&x);
    x = check_n("services:\n  a:\0\n", 15);
    assert_int_equal(x.rc, STRATA_EFORMAT);
    assert_string_equal(x.err.msg, "docker-compose.yml:2:5: NUL byte in YAML input");
    done(&x);
    x = check("%YAML 1.2\n---\nservices: {}\n");
    assert_int_equal(x.rc, STRATA_EFORMAT);
    assert_string_equal(x.err.msg, "docker-compose.yml:1:1: YAML directives are not supported");
    done(&x);
}

static void test_hostile_shapes(void **st)
{
    (void)st;
    /* empty, null, wrong types everywhere: no finding, no crash */
    const char *const texts[] = {
        "",
        "~\n",
        "services:\n",
        "services: ~\n",
        "services:\n  a: 1\n  b: [x]\n  c: ~\n",
        "services:\n  a:\n    privileged: [true]\n    cap_add: SYS_ADMIN\n    ports: 80\n"
        "    volumes: /:/x\n    environment: 3\n    security_opt: {a: b}\n    user: [0]\n"
        "    deploy: 1\n",
        "services:\n  a:\n    ports: [[1], {}, \"[::1\", \"::\", \":\", \"a:b:c:d:e\"]\n"
        "    volumes: [\":\", \"::\", \"/:\", {}, {type: bind}, {source: [1]}]\n",
        "services:\n  a:\n    <<: *missing\n    image: x\n",
        "services:\n  a:\n    <<: [1, *b]\n",
        "services:\n  ? [a, b]\n  : image: x\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct run x = check(texts[i]);
        if (x.rc != 0 && x.rc != STRATA_EFORMAT)
            fail_msg("text %zu: rc %d %s", i, x.rc, x.err.msg);
        done(&x);
    }
}

static void test_alias_bomb_is_bounded(void **st)
{
    (void)st;
    /* each level multiplies the merge work by 9; the visit budget stops it */
    struct strbuf_like {
        char *p;
        size_t n, cap;
    } b = {malloc(1 << 16), 0, 1 << 16};
    assert_non_null(b.p);
    b.n += (size_t)snprintf(b.p + b.n, b.cap - b.n, "l0: &l0 {privileged: false}\n");
    for (int i = 1; i < 12; i++) {
        b.n += (size_t)snprintf(b.p + b.n, b.cap - b.n, "l%d: &l%d\n  <<: [", i, i);
        for (int j = 0; j < 9; j++)
            b.n += (size_t)snprintf(b.p + b.n, b.cap - b.n, "%s*l%d", j ? ", " : "", i - 1);
        b.n += (size_t)snprintf(b.p + b.n, b.cap - b.n, "]\n");
    }
    b.n += (size_t)snprintf(b.p + b.n, b.cap - b.n, "services:\n");
    for (int s = 0; s < 50; s++)
        b.n += (size_t)snprintf(b.p + b.n, b.cap - b.n, "  s%d:\n    <<: *l11\n", s);
    struct run x = check(b.p);
    /* merge depth is capped at 8, so this ends either way; it must not hang or crash */
    assert_true(x.rc == 0 || x.rc == STRATA_ELIMIT);
    done(&x);
    free(b.p);
}

static void test_huge_file_refused(void **st)
{
    (void)st;
    size_t n = CONFIG_MAX_FILE + 1;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, '#', n);
    big[n] = '\0';
    struct run x = check_n(big, n);
    assert_int_equal(x.rc, STRATA_ELIMIT);
    done(&x);
    free(big);
}

static void test_deep_nesting(void **st)
{
    (void)st;
    char buf[4096];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "services: ");
    for (int i = 0; i < 200; i++)
        buf[n++] = '[';
    buf[n] = '\0';
    struct run x = check(buf);
    assert_int_equal(x.rc, STRATA_EFORMAT);
    done(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insecure_stack),
        cmocka_unit_test(test_hardened_stack),
        cmocka_unit_test(test_dc001_privileged),
        cmocka_unit_test(test_dc002_capabilities),
        cmocka_unit_test(test_dc003_to_005_018_019_namespaces),
        cmocka_unit_test(test_dc006_to_009_security_opt),
        cmocka_unit_test(test_dc010_read_only),
        cmocka_unit_test(test_dc011_user),
        cmocka_unit_test(test_dc012_013_021_volumes),
        cmocka_unit_test(test_dc014_ports),
        cmocka_unit_test(test_dc015_016_limits),
        cmocka_unit_test(test_dc017_environment),
        cmocka_unit_test(test_dc020_devices),
        cmocka_unit_test(test_anchors_and_merge_keys),
        cmocka_unit_test(test_v1_and_v2_files),
        cmocka_unit_test(test_flow_style_and_quotes),
        cmocka_unit_test(test_rules_selection),
        cmocka_unit_test(test_bad_yaml_is_positioned),
        cmocka_unit_test(test_hostile_shapes),
        cmocka_unit_test(test_alias_bomb_is_bounded),
        cmocka_unit_test(test_huge_file_refused),
        cmocka_unit_test(test_deep_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
