/* The Dockerfile rules (src/checks/dockerfile_rules.c, dockerfile_run.c) through the config
 * framework (config_ctx_new, config_check_dockerfile, the report): each rule's positive and
 * negative cases with line and column asserted, commands inside quotes, here-documents, exec
 * form and nested shells, credentials never in clear, suppression, and hostile files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checks/config.h"
#include "checks/dockerfile_rules.h"
#include "core/strbuf.h"
#include "strata/report.h"

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct strata_report *report;

/* Checks text as a file named Dockerfile; the findings are in `report`. */
static void check_n(const char *text, size_t len)
{
    strata_report_free(report);
    report = strata_report_new();
    assert_non_null(report);
    struct config_ctx *c = NULL;
    struct strata_error err = {0};
    assert_int_equal(config_ctx_new(NULL, report, &c, &err), 0);
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    copy[len] = '\0';
    struct config_source src = {"Dockerfile", copy, len, CONFIG_DOCKERFILE};
    int rc = config_check_dockerfile(c, &src, &err);
    if (rc != 0)
        fail_msg("check failed: %s", err.msg);
    free(copy);
    config_ctx_free(c);
}

static void check(const char *text)
{
    check_n(text, strlen(text));
}

static void dump(void)
{
    for (size_t i = 0; i < report->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &report->misconfigurations[i];
        print_message("  %s %s %d:%d [%s] %s\n", m->id, m->severity, m->line, m->column,
                      m->resource ? m->resource : "-", m->message);
    }
}

static const struct strata_misconfiguration *find_at(const char *id, int line)
{
    for (size_t i = 0; i < report->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &report->misconfigurations[i];
        if (strcmp(m->id, id) == 0 && (line == 0 || m->line == line))
            return m;
    }
    return NULL;
}

static size_t count(const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < report->n_misconfigurations; i++)
        n += strcmp(report->misconfigurations[i].id, id) == 0;
    return n;
}

/* A finding id at line:col with that severity whose message contains want (may be NULL). */
static const struct strata_misconfiguration *
has_(const char *id, int line, int col, const char *severity, const char *want, int src_line)
{
    const struct strata_misconfiguration *m = find_at(id, line);
    if (m == NULL || m->column != col || (severity && strcmp(m->severity, severity) != 0) ||
        (want && strstr(m->message, want) == NULL)) {
        dump();
        fail_msg("test line %d: want %s at %d:%d %s [%s]", src_line, id, line, col,
                 severity ? severity : "", want ? want : "");
    }
    return m;
}
#define HAS(id, line, col, sev, want) has_(id, line, col, sev, want, __LINE__)

static void lacks_(const char *id, int src_line)
{
    if (count(id) != 0) {
        dump();
        fail_msg("test line %d: want no %s", src_line, id);
    }
}
#define LACKS(id) lacks_(id, __LINE__)

/* A clean final stage to append so that DF-001/002/003/015 stay quiet. */
#define CLEAN_TAIL "USER 10001\nHEALTHCHECK CMD [\"/app\", \"health\"]\n"
#define CLEAN_FROM "FROM debian:12@" DIGEST "\n"

static void test_rule_table(void **st)
{
    (void)st;
    for (int i = 0; i < DFR_COUNT; i++) {
        char want[8];
        snprintf(want, sizeof want, "DF-%03d", i + 1);
        assert_string_equal(df_rules[i].id, want);
        assert_non_null(df_rules[i].title);
        assert_true(strcmp(df_rules[i].severity, "HIGH") == 0 ||
                    strcmp(df_rules[i].severity, "MEDIUM") == 0 ||
                    strcmp(df_rules[i].severity, "LOW") == 0);
        assert_true(strlen(df_rules[i].remediation) > 10);
    }
    /* a clean file has no finding at all */
    check(CLEAN_FROM "RUN apt-get update && apt-get install -y --no-install-recommends "
                     "curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*\n" CLEAN_TAIL);
    if (report->n_misconfigurations != 0) {
        dump();
        fail_msg("clean file has findings");
    }
}

static void test_df001_df002_base_image(void **st)
{
    (void)st;
    check("FROM debian\n" CLEAN_TAIL);
    const struct strata_misconfiguration *m = HAS("DF-001", 1, 1, "MEDIUM", "has no tag");
    assert_string_equal(m->resource, "stage 0");
    assert_string_equal(m->path, "Dockerfile");
    assert_string_equal(m->title, "Base image uses the latest tag or no tag");
    LACKS("DF-002");
    check("ARG X=1\n  FROM --platform=linux/amd64 registry:5000/team/app:latest AS "
          "Build\n" CLEAN_TAIL);
    m = HAS("DF-001", 2, 3, "MEDIUM", "uses the latest tag");
    assert_string_equal(m->resource, "stage build");
    check("FROM localhost:5000/app\n" CLEAN_TAIL);
    HAS("DF-001", 1, 1, NULL, "\"localhost:5000/app\" has no tag");
    check(CLEAN_FROM "COPY --from=nginx:latest /etc/nginx/nginx.conf /etc/\n" CLEAN_TAIL);
    HAS("DF-001", 2, 1, NULL, "COPY --from image \"nginx:latest\"");
    check("FROM debian:12-slim\n" CLEAN_TAIL);
    HAS("DF-002", 1, 1, "LOW", "pinned by tag only");
    LACKS("DF-001");
    check("ARG VERSION=3.19\nFROM alpine:${VERSION}\n" CLEAN_TAIL);
    HAS("DF-002", 2, 1, "LOW", "\"alpine:3.19\"");

    /* negatives: digests, scratch, stages, unknown build arguments, stage references */
    check("FROM golang:1.22@" DIGEST " AS build\nRUN true\n"
          "FROM build AS test\nFROM scratch\nCOPY --from=build /out /out\nCOPY --from=0 /a /a\n"
          "COPY --from=nginx@" DIGEST " /b /b\n" CLEAN_TAIL);
    LACKS("DF-001");
    LACKS("DF-002");
    check("ARG BASE\nFROM $BASE\nFROM ${REGISTRY}/app:latest\n" CLEAN_TAIL);
    LACKS("DF-001");
    LACKS("DF-002");
}

static void test_df003_root(void **st)
{
    (void)st;
    check(CLEAN_FROM "RUN true\nHEALTHCHECK NONE\n");
    HAS("DF-003", 1, 1, "MEDIUM", "sets no USER");
    check(CLEAN_FROM "USER app\nUSER root\nHEALTHCHECK CMD true\n");
    HAS("DF-003", 3, 1, "HIGH", "USER root");
    check(CLEAN_FROM "  USER 0:0\n");
    HAS("DF-003", 2, 3, "HIGH", "USER 0:0");
    check(CLEAN_FROM "USER 000\n");
    HAS("DF-003", 2, 1, "HIGH", NULL);
    /* a USER in an earlier, unrelated stage does not count */
    check("FROM golang:1.22@" DIGEST " AS build\nUSER builder\n" CLEAN_FROM "COPY --from=build "
          "/out /app\n");
    HAS("DF-003", 3, 1, "MEDIUM", NULL);
    assert_string_equal(find_at("DF-003", 3)->resource, "stage 1");

    check(CLEAN_FROM "USER root\nRUN make\nUSER app\n");
    LACKS("DF-003");
    check(CLEAN_FROM "USER app:0\n");
    LACKS("DF-003");
    check(CLEAN_FROM "USER $APP_UID\n");
    LACKS("DF-003");
    /* the stage the last one builds on sets the user: the image inherits it */
    check("FROM debian:12@" DIGEST " AS base\nUSER 10001\nFROM base\nRUN true\n");
    LACKS("DF-003");
}

static void test_df004_df005_add(void **st)
{
    (void)st;
    check(CLEAN_FROM "ADD ./app.py /app/\n" CLEAN_TAIL);
    HAS("DF-004", 2, 1, "LOW", "ADD ./app.py copies a local file");
    LACKS("DF-005");
    check(CLEAN_FROM "ADD <<EOF /etc/motd\nhello\nEOF\n" CLEAN_TAIL);
    HAS("DF-004", 2, 1, "LOW", "here-document");
    check(CLEAN_FROM "ADD https://example.com/install.sh /tmp/\n" CLEAN_TAIL);
    HAS("DF-005", 2, 1, "MEDIUM", "without verifying it");
    LACKS("DF-004");
    check(CLEAN_FROM "ADD https://github.com/moby/buildkit.git#v0.13.0 /src\n" CLEAN_TAIL);
    HAS("DF-005", 2, 1, "MEDIUM", "not pinned to a commit");
    check(CLEAN_FROM "ADD https://user:s3cretpassw0rd@example.com/f.tgz /f\n" CLEAN_TAIL);
    const struct strata_misconfiguration *m = HAS("DF-005", 2, 1, NULL, NULL);
    assert_null(strstr(m->message, "s3cretpassw0rd"));

    check(CLEAN_FROM "ADD rootfs.tar.xz /\nADD --checksum=sha256:abcd https://x/y.tgz /y\n"
                     "ADD https://github.com/moby/buildkit.git#"
                     "0123456789abcdef0123456789abcdef01234567 /src\nCOPY a.py /a.py\n" CLEAN_TAIL);
    LACKS("DF-004");
    LACKS("DF-005");
}

static void test_df006_pipe_to_shell(void **st)
{
    (void)st;
    check(CLEAN_FROM "RUN curl -fsSL https://get.example.com | sh\n" CLEAN_TAIL);
    HAS("DF-006", 2, 1, "HIGH", "`curl -fsSL https://get.example.com` is piped into a shell");
    check(CLEAN_FROM
          "RUN set -e; \\\n    wget -qO- https://x/i.sh | sudo -E bash -s -- --yes\n" CLEAN_TAIL);
    HAS("DF-006", 2, 1, NULL, "(line 3)");
    check(CLEAN_FROM "RUN sh -c \"$(curl -fsSL https://x/install.sh)\"\n" CLEAN_TAIL);
    HAS("DF-006", 2, 1, NULL, "runs a downloaded script");
    check(CLEAN_FROM "RUN bash <(wget -qO- https://x)\n" CLEAN_TAIL);
    HAS("DF-006", 2, 1, NULL, NULL);
    check(CLEAN_FROM "RUN <<EOF\nset -eu\ncurl -s https://x | bash\nEOF\n" CLEAN_TAIL);
    HAS("DF-006", 2, 1, NULL, "(line 4)");

    check(CLEAN_FROM "RUN curl -fsSLo /tmp/i.sh https://x && sha256sum -c i.sum && sh /tmp/i.sh\n"
                     "RUN echo 'curl https://x | sh' > /README\n"
                     "RUN curl -fsSL https://x/a.tgz | tar -xz -C /opt\n"
                     "RUN curl -s https://x | bash -c 'cat > /dev/null'\n" CLEAN_TAIL);
    LACKS("DF-006");
}

static void test_df007_sudo(void **st)
{
    (void)st;
    check(CLEAN_FROM "RUN apt-get update && \\\n  sudo -u root make install\n" CLEAN_TAIL);
    HAS("DF-007", 2, 1, "MEDIUM", "sudo runs `make install` (line 3)");
    check(CLEAN_FROM "RUN [\"sudo\", \"id\"]\n" CLEAN_TAIL);
    HAS("DF-007", 2, 1, NULL, "`id`");

    check(CLEAN_FROM "RUN echo sudo && apt-get install -y --no-install-recommends sudo=1.9 && "
                     "rm -rf /var/lib/apt/lists/*\n" CLEAN_TAIL);
    LACKS("DF-007");
}

static void test_df008_df009_apt_options(void **st)
{
    (void)st;
    check(CLEAN_FROM "RUN apt-get update && apt-get install --no-install-recommends curl=1 && "
                     "rm -rf /var/lib/apt/lists/*\n" CLEAN_TAIL);
    HAS("DF-008", 2, 1, "LOW", "`apt-get install --no-install-recommends curl=1` has no -y");
    LACKS("DF-009");
    check(CLEAN_FROM "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
                     "curl=1 && rm -rf /var/lib/apt/lists/*\n" CLEAN_TAIL);
    HAS("DF-009", 2, 1, "LOW", "recommended packages");
    LACKS("DF-008");

    check(CLEAN_FROM "RUN apt-get update && apt-get -qq install --no-install-recommends x=1 && "
                     "apt-get install -qy --no-install-recommends y=1 && apt-get "
                     "-o APT::Get::Assume-Yes=true -o APT::Install-Recommends=false install z=1 && "
                     "rm -rf /var/lib/apt/lists/*\n" CLEAN_TAIL);
    LACKS("DF-008");
    LACKS("DF-009");
    /* apt configuration written earlier in the stage */
    check(CLEAN_FROM "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norec && "
                     "echo 'APT::Get::Assume-Yes \"true\";' >> /etc/apt/apt.conf.d/99norec\n"
                     "RUN apt-get update && apt-get install w=1 && rm -rf /var/lib/apt/lists/*\n"
                     "RUN apt-get install $APT_OPTS v=1\n" CLEAN_TAIL);
    LACKS("DF-008");
    LACKS("DF-009");
    /* inside a string it is not a command */
    check(CLEAN_FROM "RUN echo \"apt-get install foo\"\n" CLEAN_TAIL);
    assert_int_equal(report->n_misconfigurations, 0);
}

static void test_df010_update_alone(void **st)
{
    (void)st;
    check(CLEAN_FROM
          "RUN apt-get update\nRUN apt-get install -y --no-install-recommends x=1\n" CLEAN_TAIL);
    HAS("DF-010", 2, 1, "MEDIUM", "`apt-get update` without an install");
    check(CLEAN_FROM "RUN apk update\n" CLEAN_TAIL);
    HAS("DF-010", 2, 1, "MEDIUM", "`apk update` without apk add");

    check(CLEAN_FROM "RUN apt-get update && apt-get -y upgrade && rm -rf /var/lib/apt/lists/*\n"
                     "RUN apk update && apk add --no-cache curl=8.5.0-r0\n" CLEAN_TAIL);
    LACKS("DF-010");
}

static void test_df011_caches(void **st)
{
    (void)st;
    check(CLEAN_FROM
          "RUN apt-get update && apt-get install -y --no-install-recommends x=1\n" CLEAN_TAIL);
    HAS("DF-011", 2, 1, "LOW", "leaves the package lists");
    check(CLEAN_FROM "RUN apk add curl=8.5.0-r0\n" CLEAN_TAIL);
    HAS("DF-011", 2, 1, "LOW", "apk add --no-cache");
    check(CLEAN_FROM "RUN pip install flask==3.0.0\n" CLEAN_TAIL);
    HAS("DF-011", 2, 1, "LOW", "--no-cache-dir");
    check(CLEAN_FROM "RUN python3 -m pip install --upgrade flask==3.0.0\n" CLEAN_TAIL);
    HAS("DF-011", 2, 1, "LOW", "--no-cache-dir");
    check(CLEAN_FROM "RUN npm ci --omit=dev\n" CLEAN_TAIL);
    HAS("DF-011", 2, 1, "LOW", "npm cache clean");
    check(CLEAN_FROM "RUN dnf install -y nginx-1.24.0 \n" CLEAN_TAIL);
    HAS("DF-011", 2, 1, "LOW", "dnf clean all");

    check(CLEAN_FROM
          "RUN apt-get update && apt-get install -y --no-install-recommends x=1 && apt-get clean "
          "&& rm -rf /var/lib/apt/lists/*\n"
          "RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt \\\n"
          "    apt-get update && apt-get install -y --no-install-recommends y=1\n"
          "RUN apk add --no-cache curl=8.5.0-r0\n"
          "RUN apk add curl=8.5.0-r0 && rm -rf /var/cache/apk/*\n"
          "RUN pip install --no-cache-dir flask==3.0.0\n"
          "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.0\n"
          "RUN npm ci && npm cache clean --force\n"
          "RUN yum install -y x-1 && yum clean all\n"
          "ENV PIP_NO_CACHE_DIR=1\nRUN pip3 install requests==2.31.0\n" CLEAN_TAIL);
    LACKS("DF-011");
}

static void test_df012_unpinned(void **st)
{
    (void)st;
    check(CLEAN_FROM "RUN apt-get update && apt-get install -y --no-install-recommends curl "
                     "git=1:2.39 ca-certificates && rm -rf /var/lib/apt/lists/*\n" CLEAN_TAIL);
    HAS("DF-012", 2, 1, "LOW",
        "apt-get install installs packages without a pinned version: "
        "curl, ca-certificates");
    check(CLEAN_FROM
          "RUN apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.4-r2\n" CLEAN_TAIL);
    HAS("DF-012", 2, 1, NULL, "apk add installs packages without a pinned version: gcc");
    check(CLEAN_FROM "RUN pip install --no-cache-dir flask 'requests>=2' django==5.0\n" CLEAN_TAIL);
    HAS("DF-012", 2, 1, NULL,
        "pip install installs packages without a pinned version: flask, "
        "requests>=2");
    check(CLEAN_FROM "RUN npm install -g typescript @angular/cli@latest && npm cache clean "
                     "--force\n" CLEAN_TAIL);
    HAS("DF-012", 2, 1, NULL, "typescript, @angular/cli@latest");
    check(CLEAN_FROM "RUN apt-get update && apt-get install -y --no-install-recommends a b c d e f "
                     "g && rm -rf /var/lib/apt/lists/*\n" CLEAN_TAIL);
    HAS("DF-012", 2, 1, NULL, "a, b, c, d, e and 2 more");

    check(CLEAN_FROM "RUN apt-get update && apt-get install -y --no-install-recommends "
                     "./pkg.deb curl=7.88.1-10 $EXTRA && rm -rf /var/lib/apt/lists/*\n"
                     "RUN pip install --no-cache-dir -r requirements.txt . ./lib "
                     "git+https://x/y.git@v1 dist/a-1.0-py3-none-any.whl\n"
                     "RUN pip install --no-cache-dir -c constraints.txt flask\n"
                     "RUN npm ci && npm install && npm install -g typescript@5.4.5 "
                     "@scope/pkg@1.2.3 ./local && npm cache clean --force\n" CLEAN_TAIL);
    LACKS("DF-012");
}

static void test_df013_secrets(void **st)
{
    (void)st;
    check("ARG NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123\n" CLEAN_FROM
          "ENV APP_ENV=prod DB_PASSWORD=hunter2\n" CLEAN_TAIL);
    const struct strata_misconfiguration *m =
        HAS("DF-013", 3, 1, "HIGH", "ENV DB_PASSWORD=***** puts a credential");
    assert_string_equal(m->resource, "stage 0");
    m = HAS("DF-013", 1, 1, "HIGH", "ARG NPM_TOKEN=npm_*****");
    assert_null(m->resource);
    for (size_t i = 0; i < report->n_misconfigurations; i++) {
        assert_null(strstr(report->misconfigurations[i].message, "hunter2"));
        assert_null(strstr(report->misconfigurations[i].message, "abcdefghij"));
    }
    check(CLEAN_FROM "ENV API_KEY \"s3cr3t value here\"\n" CLEAN_TAIL);
    HAS("DF-013", 2, 1, NULL, "API_KEY=s3cr*****");

    check(CLEAN_FROM "ENV DB_PASSWORD_FILE=/run/secrets/db PASSWORD=$PASSWORD TOKEN=\"\" "
                     "SECRET=${SECRET:-}\nARG GITHUB_TOKEN\nENV NODE_ENV=production\n" CLEAN_TAIL);
    LACKS("DF-013");
}

static void test_df014_ports(void **st)
{
    (void)st;
    check(CLEAN_FROM "EXPOSE 80 22/tcp 2375\n" CLEAN_TAIL);
    HAS("DF-014", 2, 1, "MEDIUM", "port 22 is SSH");
    const struct strata_misconfiguration *m = NULL;
    for (size_t i = 0; i < report->n_misconfigurations; i++)
        if (strstr(report->misconfigurations[i].message, "2375"))
            m = &report->misconfigurations[i];
    assert_non_null(m);
    assert_string_equal(m->severity, "HIGH");
    check(CLEAN_FROM "ARG P=3389\nEXPOSE 20-25/udp $P\n" CLEAN_TAIL);
    assert_int_equal(count("DF-014"), 3);

    check(CLEAN_FROM "EXPOSE 80 443/tcp 8022 $PORT\n" CLEAN_TAIL);
    LACKS("DF-014");
}

static void test_df015_healthcheck(void **st)
{
    (void)st;
    check(CLEAN_FROM "USER 10001\n");
    HAS("DF-015", 1, 1, "LOW", "no HEALTHCHECK");
    check(CLEAN_FROM "HEALTHCHECK CMD true\nUSER 10001\nHEALTHCHECK NONE\n");
    HAS("DF-015", 4, 1, "LOW", "HEALTHCHECK NONE");

    check("FROM debian:12@" DIGEST " AS base\nHEALTHCHECK --interval=30s CMD curl -f http://x/\n"
          "FROM base\nUSER 10001\n");
    LACKS("DF-015");
}

static void test_df016_maintainer(void **st)
{
    (void)st;
    check(CLEAN_FROM "MAINTAINER Jane <jane@example.com>\n" CLEAN_TAIL);
    HAS("DF-016", 2, 1, "LOW", "deprecated");
    check(CLEAN_FROM "LABEL org.opencontainers.image.authors=\"jane@example.com\"\n" CLEAN_TAIL);
    LACKS("DF-016");
}

static void test_df017_cd(void **st)
{
    (void)st;
    check(CLEAN_FROM "RUN cd /src && make\n" CLEAN_TAIL);
    HAS("DF-017", 2, 1, "LOW", "`cd /src` changes directory");

    check(CLEAN_FROM "WORKDIR /src\nRUN (cd sub && make) && echo cd && make -C lib\n" CLEAN_TAIL);
    LACKS("DF-017");
}

static void test_df018_workdir(void **st)
{
    (void)st;
    check(CLEAN_FROM "WORKDIR app\n" CLEAN_TAIL);
    HAS("DF-018", 2, 1, "LOW", "WORKDIR app is relative");

    check(CLEAN_FROM "ENV HOME=/home/app\nWORKDIR $HOME/src\nWORKDIR sub\nWORKDIR $UNSET/x\n"
                     "WORKDIR C:\\\\app\n" CLEAN_TAIL);
    LACKS("DF-018");
}

static void test_df019_df020_repeated(void **st)
{
    (void)st;
    check(CLEAN_FROM "CMD [\"a\"]\nENTRYPOINT [\"x\"]\nCMD [\"b\"]\nENTRYPOINT [\"y\"]\n"
                     "CMD c\n" CLEAN_TAIL);
    assert_int_equal(count("DF-019"), 2);
    HAS("DF-019", 2, 1, "LOW", "overridden by the CMD at line 6");
    HAS("DF-019", 4, 1, "LOW", NULL);
    assert_int_equal(count("DF-020"), 1);
    HAS("DF-020", 3, 1, "LOW", "overridden by the ENTRYPOINT at line 5");

    check("FROM debian:12@" DIGEST " AS a\nCMD [\"a\"]\nENTRYPOINT [\"x\"]\n" CLEAN_FROM
          "CMD [\"b\"]\nENTRYPOINT [\"y\"]\n" CLEAN_TAIL);
    LACKS("DF-019");
    LACKS("DF-020");
}

static void test_df021_df022_modes(void **st)
{
    (void)st;
    check(CLEAN_FROM "RUN chmod -R 777 /app\n" CLEAN_TAIL);
    HAS("DF-021", 2, 1, "MEDIUM", "`chmod -R 777 /app` makes files world-writable");
    check(CLEAN_FROM "RUN find /data -type d -exec chmod a+rwx {} +\n" CLEAN_TAIL);
    HAS("DF-021", 2, 1, NULL, "`chmod a+rwx {}`");
    check(CLEAN_FROM "COPY --chmod=0666 conf /etc/conf\n" CLEAN_TAIL);
    HAS("DF-021", 2, 1, NULL, "COPY --chmod=0666");
    check(CLEAN_FROM "RUN chmod u+s /usr/bin/tool\n" CLEAN_TAIL);
    HAS("DF-022", 2, 1, "HIGH", "setuid");
    check(CLEAN_FROM "RUN install -m 4755 tool /usr/local/bin/\n" CLEAN_TAIL);
    HAS("DF-022", 2, 1, "HIGH", NULL);
    check(CLEAN_FROM "RUN chmod 2775 /shared\n" CLEAN_TAIL);
    HAS("DF-022", 2, 1, "MEDIUM", "setgid");
    LACKS("DF-021");
    check(CLEAN_FROM "COPY --chmod=g+s dir /dir\n" CLEAN_TAIL);
    HAS("DF-022", 2, 1, "MEDIUM", NULL);

    check(CLEAN_FROM "RUN chmod 1777 /scratch && chmod 755 /app && chmod +w /f && chmod -w /g && "
                     "chmod u-s,g-s /usr/bin/x && chmod a-s /y && chmod --reference=/a /b && "
                     "chmod $MODE /c && echo chmod 777 /d && chmod o+wt /tmp2\n"
                     "COPY --chmod=755 a /a\n" CLEAN_TAIL);
    LACKS("DF-021");
    LACKS("DF-022");

    /* the mode parser on its own */
    assert_int_equal(df_mode_bits("777"), DF_MODE_WORLD_WRITABLE);
    assert_int_equal(df_mode_bits("6755"), DF_MODE_SETUID | DF_MODE_SETGID);
    assert_int_equal(df_mode_bits("+s"), DF_MODE_SETUID | DF_MODE_SETGID);
    assert_int_equal(df_mode_bits("u=rwxs,o+w"), DF_MODE_SETUID | DF_MODE_WORLD_WRITABLE);
    assert_int_equal(df_mode_bits("o+s"), 0);
    assert_int_equal(df_mode_bits("8"), 0);
    assert_int_equal(df_mode_bits("u+q"), 0);
    assert_int_equal(df_mode_bits(""), 0);
    assert_int_equal(df_mode_bits("u+"), 0);
}

static void test_scripts_and_forms(void **st)
{
    (void)st;
    /* a here-document run by the shell is a script; positions point into it */
    check(CLEAN_FROM "RUN <<EOF\nset -e\napt-get update\napt-get install curl=1\nEOF\n" CLEAN_TAIL);
    HAS("DF-008", 2, 1, NULL, "(line 5)");
    HAS("DF-011", 2, 1, NULL, NULL);
    check(CLEAN_FROM "RUN bash -e <<'SCRIPT'\nsudo true\nSCRIPT\n" CLEAN_TAIL);
    HAS("DF-007", 2, 1, NULL, "(line 3)");
    /* a here-document given to another program is data */
    check(CLEAN_FROM "RUN python3 <<EOF\nimport os\nos.system('sudo x')\nEOF\n"
                     "RUN cat <<EOF > /etc/sudoers.d/x\nsudo ALL=(ALL) ALL\nEOF\n"
                     "RUN <<EOF\n#!/usr/bin/env python3\nprint('sudo x')\nEOF\n" CLEAN_TAIL);
    LACKS("DF-007");
    /* exec form and nested shells */
    check(CLEAN_FROM "RUN [\"/bin/sh\", \"-c\", \"apt-get update\"]\n"
                     "RUN su app -c 'cd /home/app && make'\n" CLEAN_TAIL);
    HAS("DF-010", 2, 1, NULL, "`apt-get update`");
    HAS("DF-017", 3, 1, NULL, "`cd /home/app`");
    /* a non-POSIX SHELL: RUN lines are not shell scripts */
    check(CLEAN_FROM
          "SHELL [\"powershell\", \"-Command\"]\nRUN cd C:\\; sudo x; chmod 777 y\n" CLEAN_TAIL);
    LACKS("DF-007");
    LACKS("DF-017");
    LACKS("DF-021");
    /* SHELL back to a POSIX shell, inherited through FROM <stage> */
    check("FROM debian:12@" DIGEST " AS win\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN sudo x\n"
          "FROM win\nRUN sudo y\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
          "RUN sudo z\n" CLEAN_TAIL);
    assert_int_equal(count("DF-007"), 1);
    HAS("DF-007", 7, 1, NULL, "`z`");
    /* PIP_NO_CACHE_DIR set, inherited, then emptied */
    check("FROM python:3.12@" DIGEST " AS base\nENV PIP_NO_CACHE_DIR=off\nFROM base\n"
          "RUN pip install a==1\nENV PIP_NO_CACHE_DIR=\nRUN pip install b==1\n" CLEAN_TAIL);
    assert_int_equal(count("DF-011"), 1);
    HAS("DF-011", 6, 1, NULL, "`pip install b==1`");
    /* prefixes */
    check(CLEAN_FROM
          "RUN if true; then env -i PATH=/bin nice -n 5 sudo -E apt-get update; fi\n" CLEAN_TAIL);
    HAS("DF-007", 2, 1, NULL, "`apt-get update`");
    HAS("DF-010", 2, 1, NULL, NULL);
}

static void test_suppression_and_errors(void **st)
{
    (void)st;
    check(CLEAN_FROM
          "# strata:ignore DF-007 the vendor script needs it\nRUN sudo true\n" CLEAN_TAIL);
    LACKS("DF-007");

    /* errors name the file, line and column, and nothing is reported */
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"FROM a\nRUN <<EOF\nno end\n", "Dockerfile:2:5: unterminated heredoc <<EOF"},
        {"FROM a\nBOGUS x\n", "Dockerfile:2:1: unknown instruction: BOGUS"},
        {"", "Dockerfile:1:1: file with no instructions"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        strata_report_free(report);
        report = strata_report_new();
        struct config_ctx *c = NULL;
        struct strata_error err = {0};
        assert_int_equal(config_ctx_new(NULL, report, &c, &err), 0);
        struct config_source src = {"Dockerfile", bad[i].text, strlen(bad[i].text),
                                    CONFIG_DOCKERFILE};
        assert_int_equal(config_check_dockerfile(c, &src, &err), STRATA_EFORMAT);
        if (strstr(err.msg, bad[i].want) == NULL)
            fail_msg("got [%s], want [%s]", err.msg, bad[i].want);
        assert_int_equal(report->n_misconfigurations, 0);
        config_ctx_free(c);
    }
}

static void test_hostile(void **st)
{
    (void)st;
    /* CRLF, BOM and a backtick escape */
    check("\xEF\xBB\xBF# escape=`\r\nFROM debian\r\nRUN apt-get update && `\r\n  apt-get install "
          "curl\r\n");
    HAS("DF-001", 2, 1, NULL, NULL);
    HAS("DF-008", 3, 1, NULL, "(line 4)");
    /* a 1 MB RUN line of commands */
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_adds(&sb, CLEAN_FROM "RUN true"), 0);
    while (sb.len < 1000000)
        assert_int_equal(strbuf_adds(&sb, " && sudo chmod 777 /x"), 0);
    assert_int_equal(strbuf_adds(&sb, "\n" CLEAN_TAIL), 0);
    check_n(sb.buf, sb.len);
    assert_int_equal(count("DF-007"), 1);
    assert_int_equal(count("DF-021"), 1);
    strbuf_release(&sb);
    /* a command substitution nest and unbalanced quotes inside RUN */
    assert_int_equal(strbuf_adds(&sb, CLEAN_FROM "RUN "), 0);
    for (int i = 0; i < 5000; i++)
        assert_int_equal(strbuf_adds(&sb, "$(echo \"`"), 0);
    assert_int_equal(strbuf_adds(&sb, "\n" CLEAN_TAIL), 0);
    check_n(sb.buf, sb.len);
    strbuf_release(&sb);
    /* a download piped through 20,000 commands into a shell; 20,000 shells: one pass */
    assert_int_equal(strbuf_adds(&sb, CLEAN_FROM "RUN curl -s https://x"), 0);
    for (int i = 0; i < 20000; i++)
        assert_int_equal(strbuf_adds(&sb, " | cat"), 0);
    assert_int_equal(strbuf_adds(&sb, " | sh\nRUN sh"), 0);
    for (int i = 0; i < 20000; i++)
        assert_int_equal(strbuf_adds(&sb, "; sh"), 0);
    assert_int_equal(strbuf_adds(&sb, "\n" CLEAN_TAIL), 0);
    check_n(sb.buf, sb.len);
    HAS("DF-006", 2, 1, NULL, "`curl -s https://x`");
    strbuf_release(&sb);
    /* 100,000 continuation lines */
    assert_int_equal(strbuf_adds(&sb, CLEAN_FROM "RUN apt-get install -y"), 0);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(strbuf_adds(&sb, " \\\n p"), 0);
    assert_int_equal(strbuf_adds(&sb, "\n" CLEAN_TAIL), 0);
    check_n(sb.buf, sb.len);
    HAS("DF-012", 2, 1, NULL, "and 99995 more");
    strbuf_release(&sb);
}

static int teardown(void **st)
{
    (void)st;
    strata_report_free(report);
    report = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_table),
        cmocka_unit_test(test_df001_df002_base_image),
        cmocka_unit_test(test_df003_root),
        cmocka_unit_test(test_df004_df005_add),
        cmocka_unit_test(test_df006_pipe_to_shell),
        cmocka_unit_test(test_df007_sudo),
        cmocka_unit_test(test_df008_df009_apt_options),
        cmocka_unit_test(test_df010_update_alone),
        cmocka_unit_test(test_df011_caches),
        cmocka_unit_test(test_df012_unpinned),
        cmocka_unit_test(test_df013_secrets),
        cmocka_unit_test(test_df014_ports),
        cmocka_unit_test(test_df015_healthcheck),
        cmocka_unit_test(test_df016_maintainer),
        cmocka_unit_test(test_df017_cd),
        cmocka_unit_test(test_df018_workdir),
        cmocka_unit_test(test_df019_df020_repeated),
        cmocka_unit_test(test_df021_df022_modes),
        cmocka_unit_test(test_scripts_and_forms),
        cmocka_unit_test(test_suppression_and_errors),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
