/* Image checks (src/checks/): redaction, each config/history check, the filesystem checks
 * over a synthetic view, hostile configs, and the reporters' misconfiguration output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checks/checks.h"
#include "image/view_build.h"
#include "strata/report.h"
#include "strata/reporter.h"

static char *redact(const char *text, size_t *hits)
{
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(checks_redact_text(&sb, text, hits, NULL), 0);
    return strbuf_detach(&sb);
}

static void redacts(const char *text, const char *want, size_t want_hits)
{
    size_t hits = 99;
    char *got = redact(text, &hits);
    if (strcmp(got, want) != 0 || hits != want_hits)
        fail_msg("redacting [%s]: got [%s] (%zu hits), want [%s] (%zu)", text, got, hits, want,
                 want_hits);
    free(got);
}

static void test_redaction(void **st)
{
    (void)st;
    redacts("RUN /bin/sh -c curl -u admin:s3cr3t https://example.com/x | sh",
            "RUN /bin/sh -c curl -u admin:***** https://example.com/x | sh", 1);
    redacts("curl --user=bob:averyveryverylongpassword x", "curl --user=bob:aver***** x", 1);
    redacts("curl --user \"bob:pw\" x", "curl --user \"bob:*****\" x", 1);
    redacts("ENV DB_PASSWORD=hunter2 NODE_ENV=production",
            "ENV DB_PASSWORD=***** NODE_ENV=production", 1);
    redacts("ENV GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz a=b", "ENV GITHUB_TOKEN=ghp_***** a=b",
            1);
}

static void test_redaction_more(void **st)
{
    (void)st;
    redacts("ENV A_SECRET='x y z'", "ENV A_SECRET='*****'", 1);
    redacts("mysql --password=letmein -h db", "mysql --password=***** -h db", 1);
    redacts("tool --token abcdefghijklmnopq", "tool --token abcd*****", 1);
    redacts("git clone https://user:pa55w0rd@git.example.com/r.git",
            "git clone https://user:*****@git.example.com/r.git", 1);
    /* references and near misses stay */
    redacts("ENV DB_PASSWORD=$DB_PASSWORD", "ENV DB_PASSWORD=$DB_PASSWORD", 0);
    redacts("ENV DB_PASSWORD_FILE=/run/secrets/db", "ENV DB_PASSWORD_FILE=/run/secrets/db", 0);
    redacts("ENV PWD=/app NODE_ENV=production", "ENV PWD=/app NODE_ENV=production", 0);
    redacts("curl -u admin https://x", "curl -u admin https://x", 0);
    redacts("curl https://example.com:8443/x", "curl https://example.com:8443/x", 0);
    redacts("passwd --password", "passwd --password", 0);
    redacts("", "", 0);
    redacts("PASSWORD=", "PASSWORD=", 0);
    redacts("x --secret --other", "x --secret --other", 0);
    /* unterminated quotes and trailing options do not read past the end */
    redacts("ENV TOKEN=\"abc", "ENV TOKEN=\"*****", 1);
    redacts("curl -u 'a:b", "curl -u 'a:*****", 1);
    redacts("x://", "x://", 0);
    redacts("-u ", "-u ", 0);
}

static void test_key_is_secret(void **st)
{
    (void)st;
    assert_true(checks_key_is_secret("DB_PASSWORD", 11));
    assert_true(checks_key_is_secret("aws_secret_access_key", 21));
    assert_true(checks_key_is_secret("NPM_TOKEN", 9));
    assert_false(checks_key_is_secret("NODE_ENV", 8));
    assert_false(checks_key_is_secret("PWD", 3));
    assert_false(checks_key_is_secret("TOKEN_FILE", 10));
}

static void test_passwd_uid(void **st)
{
    (void)st;
    const char pw[] = "root:x:0:0:root:/root:/bin/bash\n"
                      "daemon:x:1:1::/:/usr/sbin/nologin\n"
                      "toor:x:0:0::/root:/bin/sh\n"
                      "bad:x:notanumber:0::/:/bin/sh\n"
                      "short\n"
                      "app:x:1000:1000::/app:/bin/sh";
    size_t n = sizeof pw - 1;
    assert_int_equal(checks_passwd_uid(pw, n, "root", 4), 0);
    assert_int_equal(checks_passwd_uid(pw, n, "toor", 4), 0);
    assert_int_equal(checks_passwd_uid(pw, n, "daemon", 6), 1);
    assert_int_equal(checks_passwd_uid(pw, n, "app", 3), 1000);
    assert_int_equal(checks_passwd_uid(pw, n, "bad", 3), -1);
    assert_int_equal(checks_passwd_uid(pw, n, "short", 5), -1);
    assert_int_equal(checks_passwd_uid(pw, n, "nobody", 6), -1);
    assert_int_equal(checks_passwd_uid(NULL, 0, "root", 4), -1);
    assert_int_equal(checks_passwd_uid(pw, n, "ro", 2), -1);
}

/* ---- config checks ---- */

static struct strata_report *run_config(const char *json, const char *name, const char *passwd)
{
    json_error_t je;
    json_t *cfg = json_loads(json, 0, &je);
    if (cfg == NULL)
        fail_msg("bad test JSON: %s", je.text);
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    struct strata_error err = {0};
    assert_int_equal(
        checks_image_config(cfg, name, passwd, passwd ? strlen(passwd) : 0, 4, r, &err), 0);
    json_decref(cfg);
    strata_report_sort_misconfigurations(r);
    return r;
}

static size_t count_id(const struct strata_report *r, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        n += strcmp(r->misconfigurations[i].id, id) == 0;
    return n;
}

static const struct strata_misconfiguration *find_id(const struct strata_report *r, const char *id,
                                                     const char *evidence)
{
    for (size_t i = 0; i < r->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &r->misconfigurations[i];
        if (strcmp(m->id, id) == 0 && (evidence == NULL || strcmp(m->evidence, evidence) == 0))
            return m;
    }
    fail_msg("no %s finding at %s", id, evidence ? evidence : "(any)");
    return NULL;
}

static void no_clear_text(const struct strata_report *r, const char *secret)
{
    for (size_t i = 0; i < r->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &r->misconfigurations[i];
        const char *fields[] = {m->title, m->message, m->evidence, m->remediation, m->path};
        for (size_t k = 0; k < 5; k++)
            if (fields[k] && strstr(fields[k], secret))
                fail_msg("%s appears in %s: %s", secret, m->id, fields[k]);
    }
}

/* The shared debian12-app config, as the fixture's config blob has it. */
static const char app_config[] =
    "{\"config\":{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "\"DB_PASSWORD=hunter2\",\"NODE_ENV=production\"],"
    "\"ExposedPorts\":{\"22/tcp\":{},\"80/tcp\":{}},"
    "\"Labels\":{\"org.opencontainers.image.source\":\"https://example.com/app\"},"
    "\"Cmd\":[\"nginx\",\"-g\",\"daemon off;\"],\"WorkingDir\":\"/app\"},"
    "\"history\":["
    "{\"created_by\":\"/bin/sh -c #(nop) ADD file:747d2f9639646d2249e7ad4da3e79f7d524302b35cd8a7"
    "64489d343e5b6df48d in / \"},"
    "{\"created_by\":\"/bin/sh -c #(nop)  CMD [\\\"bash\\\"]\",\"empty_layer\":true},"
    "{\"created_by\":\"RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit\"},"
    "{\"created_by\":\"ADD https://example.com/app.tgz /app/ # buildkit\"},"
    "{\"created_by\":\"RUN /bin/sh -c curl -u admin:s3cr3t https://example.com/x | sh # "
    "buildkit\"},"
    "{\"created_by\":\"ENV DB_PASSWORD=hunter2 NODE_ENV=production\",\"empty_layer\":true},"
    "{\"created_by\":\"EXPOSE map[22/tcp:{} 80/tcp:{}]\",\"empty_layer\":true}]}";

static void test_app_config(void **st)
{
    (void)st;
    struct strata_report *r = run_config(app_config, "example.com/app:1.0", NULL);
    const struct strata_misconfiguration *m = find_id(r, "CIS-DI-0001", "config.User");
    assert_string_equal(m->cis, "4.1");
    assert_int_equal(m->layer_index, -1);
    assert_null(m->path);
    find_id(r, "CIS-DI-0006", "config.Healthcheck");
    assert_int_equal(count_id(r, "CIS-DI-0007"), 0); /* update && install */
    assert_int_equal(count_id(r, "CIS-DI-0009"), 1); /* the base rootfs ADD is not counted */
    m = find_id(r, "CIS-DI-0009", "history[3]");
    assert_string_equal(m->severity, "MEDIUM");
    assert_int_equal(m->layer_index, 2);
    assert_int_equal(count_id(r, "CIS-DI-0010"), 3);
    m = find_id(r, "CIS-DI-0010", "config.Env[1]");
    assert_non_null(strstr(m->message, "DB_PASSWORD=*****"));
    m = find_id(r, "CIS-DI-0010", "history[4]");
    assert_int_equal(m->layer_index, 3);
    assert_non_null(strstr(m->message, "curl -u admin:*****"));
    m = find_id(r, "CIS-DI-0010", "history[5]");
    assert_int_equal(m->layer_index, -1);
    m = find_id(r, "STRATA-DI-0001", "config.ExposedPorts");
    assert_non_null(strstr(m->message, "22"));
    assert_int_equal(count_id(r, "STRATA-DI-0001"), 1);
    assert_int_equal(count_id(r, "DKL-DI-0006"), 0);
    no_clear_text(r, "hunter2");
    no_clear_text(r, "s3cr3t");
    /* sorted: HIGH first */
    assert_string_equal(r->misconfigurations[0].severity, "HIGH");
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        assert_non_null(r->misconfigurations[i].remediation);
    strata_report_free(r);
}

static void test_user_and_tag(void **st)
{
    (void)st;
    const char *pw = "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/x\n";
    static const struct {
        const char *user;
        int root;
    } cases[] = {{"\"\"", 1},         {"\"0\"", 1},      {"\"root\"", 1}, {"\"0:0\"", 1},
                 {"\"root:app\"", 1}, {"\"toor\"", 1},   {"\"app\"", 0},  {"\"1000\"", 0},
                 {"\"1000:0\"", 0},   {"\"nobody\"", 0}, {"\"00\"", 1},   {"42", 1},
                 {"null", 1},         {"\"10\"", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{\"config\":{\"User\":%s,\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}}}",
                 cases[i].user);
        struct strata_report *r = run_config(json, "app:1.2", pw);
        if ((int)count_id(r, "CIS-DI-0001") != cases[i].root)
            fail_msg("User %s: root=%zu, want %d", cases[i].user, count_id(r, "CIS-DI-0001"),
                     cases[i].root);
        assert_int_equal(count_id(r, "CIS-DI-0006"), 0);
        assert_int_equal(r->n_misconfigurations, (size_t)cases[i].root);
        strata_report_free(r);
    }
    static const struct {
        const char *name;
        int flagged;
    } tags[] = {{"app:latest", 1},
                {"example.com:5000/app", 1},
                {"latest", 1},
                {"app:1.0", 0},
                {"example.com:5000/app:2", 0},
                {"app@sha256:abc", 0},
                {"", 0},
                {NULL, 0}};
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
        struct strata_report *r = run_config("{\"config\":{\"User\":\"app\"}}", tags[i].name, pw);
        assert_int_equal(count_id(r, "DKL-DI-0006"), tags[i].flagged);
        strata_report_free(r);
    }
}

static void test_history_checks(void **st)
{
    (void)st;
    struct strata_report *r = run_config(
        "{\"config\":{\"User\":\"app\",\"Healthcheck\":{\"Test\":[\"NONE\"]},"
        "\"Volumes\":{\"/etc/\":{},\"/data\":{},\"/var/run/docker.sock\":{}},"
        "\"ExposedPorts\":{\"2375/tcp\":{},\"3389\":{},\"23/udp\":{},\"8080/tcp\":{},"
        "\"22x\":{},\"999999/tcp\":{}},"
        "\"Labels\":{\"api_token\":\"abcdefghijklmnopqrstuv\",\"repo\":\"https://u:p@h/x\","
        "\"n\":5}},"
        "\"history\":["
        "{\"created_by\":\"RUN /bin/sh -c apt-get update\"},"
        "{\"created_by\":\"RUN /bin/sh -c apk update\"},"
        "{\"created_by\":\"RUN /bin/sh -c apk update && apk add curl\"},"
        "{\"created_by\":\"RUN /bin/sh -c sudo apt-get dist-upgrade -y\"},"
        "{\"created_by\":\"/bin/sh -c #(nop) ADD file:abc in /x \"},"
        "{\"created_by\":\"COPY . /app\"},"
        "{\"created_by\":\"RUN pseudo x; visudo\"}]}",
        "app:1", NULL);
    assert_int_equal(count_id(r, "CIS-DI-0001"), 0);
    assert_non_null(strstr(find_id(r, "CIS-DI-0006", NULL)->message, "NONE"));
    assert_int_equal(count_id(r, "CIS-DI-0007"), 2);
    find_id(r, "CIS-DI-0007", "history[0]");
    find_id(r, "CIS-DI-0007", "history[1]");
    assert_int_equal(count_id(r, "DKL-DI-0001"), 1);
    assert_int_equal(find_id(r, "DKL-DI-0001", NULL)->layer_index, 3);
    assert_int_equal(count_id(r, "DKL-DI-0003"), 1);
    assert_int_equal(count_id(r, "CIS-DI-0009"), 1); /* ADD file:abc in /x is not a base */
    assert_string_equal(find_id(r, "CIS-DI-0009", NULL)->severity, "LOW");
    assert_int_equal(count_id(r, "DKL-DI-0002"), 2);
    assert_int_equal(count_id(r, "STRATA-DI-0001"), 3);
    assert_int_equal(count_id(r, "CIS-DI-0010"), 2);
    no_clear_text(r, "efghijklmnop");
    no_clear_text(r, "u:p@");
    strata_report_free(r);
}

static void test_hostile_configs(void **st)
{
    (void)st;
    static const char *const docs[] = {
        "[]",
        "{}",
        "{\"config\":[]}",
        "{\"config\":\"x\",\"history\":{}}",
        "{\"config\":{\"User\":[],\"Env\":{},\"Labels\":[],\"ExposedPorts\":[\"22/tcp\"],"
        "\"Volumes\":[\"/etc\"],\"Healthcheck\":{\"Test\":\"CMD\"}},\"history\":[1,null,{},"
        "{\"created_by\":5},{\"created_by\":\"\"},{\"empty_layer\":\"yes\"}]}",
        "{\"config\":{\"Env\":[1,null,\"=\",\"PASSWORD\",\"=x\",\"TOKEN=\",\"\"]}}",
        "{\"config\":{\"Healthcheck\":{\"Test\":[]}}}",
        "{\"config\":{\"Healthcheck\":{\"Test\":[5]}}}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        struct strata_report *r = run_config(docs[i], NULL, "root:x:0");
        strata_report_free(r);
    }
    struct strata_report *r = strata_report_new();
    struct strata_error err = {0};
    assert_int_equal(checks_image_config(NULL, NULL, NULL, 0, 0, r, &err), 0);
    assert_int_equal(count_id(r, "CIS-DI-0001"), 1);
    strata_report_free(r);

    /* A huge history: bounded, and the layer mapping never goes past n_layers. */
    json_t *hist = json_array();
    for (size_t i = 0; i < CHECKS_MAX_HISTORY + 100; i++)
        json_array_append_new(hist, json_pack("{s:s}", "created_by", "RUN apt-get update"));
    json_t *cfg = json_pack("{s:{s:s},s:o}", "config", "User", "app", "history", hist);
    r = strata_report_new();
    assert_int_equal(checks_image_config(cfg, "a:1", NULL, 0, 4, r, &err), 0);
    assert_int_equal(count_id(r, "CIS-DI-0007"), CHECKS_MAX_HISTORY);
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        assert_true(r->misconfigurations[i].layer_index < 4);
    strata_report_free(r);
    json_decref(cfg);

    /* A long created_by: the message is cut, valid UTF-8, the secret still redacted. */
    size_t n = 100000;
    char *long_cmd = malloc(n + 64);
    assert_non_null(long_cmd);
    strcpy(long_cmd, "RUN DB_PASSWORD=hunter2hunter2hunter2 ");
    size_t k = strlen(long_cmd);
    while (k < n) {
        memcpy(long_cmd + k, "\xc3\xa9", 2);
        k += 2;
    }
    long_cmd[k] = '\0';
    cfg = json_pack("{s:{s:s},s:[{s:s}]}", "config", "User", "app", "history", "created_by",
                    long_cmd);
    r = strata_report_new();
    assert_int_equal(checks_image_config(cfg, "a:1", NULL, 0, 1, r, &err), 0);
    const struct strata_misconfiguration *m = find_id(r, "CIS-DI-0010", "history[0]");
    assert_true(strlen(m->message) < 400);
    no_clear_text(r, "hunter2");
    strata_report_free(r);
    json_decref(cfg);
    free(long_cmd);
}

/* ---- filesystem checks ---- */

#define E(p, t, m)                                                                                 \
    {                                                                                              \
        .path = (p), .type = (t), .mode = (m)                                                      \
    }

static void test_files(void **st)
{
    (void)st;
    struct strata_view *v = view_new();
    assert_non_null(v);
    const struct layer_entry l0[] = {
        E("usr", STRATA_FT_DIR, 0755),
        E("usr/bin", STRATA_FT_DIR, 0755),
        {.path = "bin", .type = STRATA_FT_SYMLINK, .mode = 0777, .link = "usr/bin"},
        E("usr/bin/su", STRATA_FT_REG, 04755),
        E("usr/bin/passwd", STRATA_FT_REG, 04755),
        E("usr/bin/chage", STRATA_FT_REG, 02755),
        E("usr/bin/odd", STRATA_FT_REG, 06755),
        E("tmp", STRATA_FT_DIR, 01777),
        E("usr/bin/gone", STRATA_FT_REG, 04755),
    };
    const struct layer_entry l1[] = {
        E("usr/local/bin/find-suid", STRATA_FT_REG, 04755),
        E("app/tmp", STRATA_FT_DIR, 0777),
        E("app/log.txt", STRATA_FT_REG, 0666),
        E("app/run.sh", STRATA_FT_REG, 0755),
    };
    /* deleted by layer 2: not reported */
    const struct layer_entry wh[] = {
        {.path = "usr/bin/gone", .type = STRATA_FT_OTHER, .whiteout = WHITEOUT_FILE}};
    struct strata_error err = {0};
    assert_int_equal(view_apply_layer(v, 0, l0, sizeof l0 / sizeof *l0, &err), 0);
    assert_int_equal(view_apply_layer(v, 1, l1, sizeof l1 / sizeof *l1, &err), 0);
    assert_int_equal(view_apply_layer(v, 2, wh, 1, &err), 0);

    struct strata_report *r = strata_report_new();
    struct strata_package *p = strata_report_add_package(r);
    p->name = strdup("util-linux");
    p->type = strdup("deb");
    p->files = calloc(2, sizeof *p->files);
    p->files[0] = strdup("/bin/su"); /* listed as shipped: resolved through bin -> usr/bin */
    p->files[1] = strdup("/usr/bin/odd");
    p->n_files = 2;
    p = strata_report_add_package(r);
    p->name = strdup("passwd");
    p->type = strdup("deb");
    p->files = calloc(2, sizeof *p->files);
    p->files[0] = strdup("/usr/bin/passwd");
    p->files[1] = strdup("/usr/bin/chage");
    p->n_files = 2;
    p = strata_report_add_package(r);
    p->name = strdup("lodash"); /* not an OS package: owns nothing here */
    p->type = strdup("npm");
    p->files = calloc(1, sizeof *p->files);
    p->files[0] = strdup("/usr/local/bin/find-suid");
    p->n_files = 1;

    assert_int_equal(checks_image_files(v, NULL, r, &err), 0);
    strata_report_sort_misconfigurations(r);
    const struct strata_misconfiguration *m = find_id(r, "CIS-DI-0008", "/usr/bin/su");
    assert_string_equal(m->path, "/usr/bin/su");
    assert_string_equal(m->severity, "LOW");
    assert_non_null(strstr(m->message, "util-linux"));
    assert_non_null(strstr(m->message, "setuid"));
    assert_int_equal(m->layer_index, 0);
    m = find_id(r, "CIS-DI-0008", "/usr/bin/chage");
    assert_string_equal(m->severity, "LOW");
    assert_non_null(strstr(m->message, "setgid file"));
    m = find_id(r, "CIS-DI-0008", "/usr/bin/odd");
    assert_string_equal(m->severity, "MEDIUM");
    assert_non_null(strstr(m->message, "setuid and setgid"));
    m = find_id(r, "CIS-DI-0008", "/usr/local/bin/find-suid");
    assert_string_equal(m->severity, "HIGH");
    assert_non_null(strstr(m->message, "planted"));
    assert_int_equal(m->layer_index, 1);
    assert_int_equal(count_id(r, "CIS-DI-0008"), 5); /* su passwd chage odd find-suid */
    m = find_id(r, "STRATA-DI-0002", "/app/tmp");
    assert_non_null(strstr(m->message, "0777"));
    assert_int_equal(count_id(r, "STRATA-DI-0002"), 1); /* /tmp has the sticky bit */
    find_id(r, "STRATA-DI-0003", "/app/log.txt");
    assert_int_equal(count_id(r, "STRATA-DI-0003"), 1);
    /* and one summary with the image-wide removal */
    m = find_id(r, "STRATA-DI-0004", "filesystem");
    assert_non_null(strstr(m->message, "5 setuid/setgid files (3 on the default allow-list, 1 "
                                       "that no OS package owns)"));
    assert_int_equal(count_id(r, "STRATA-DI-0004"), 1);
    assert_string_equal(r->misconfigurations[0].severity, "HIGH");
    strata_report_free(r);
    view_free(v);
}

/* ---- reporters ---- */

static char *render(const struct strata_report *r, enum strata_format f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    struct strata_report_write_opts opts = {0};
    opts.timestamp = "2025-01-01T00:00:00Z";
    struct strata_error err = {0};
    assert_int_equal(strata_report_write(r, f, out, &opts, &err), 0);
    fclose(out);
    return buf;
}

static void test_reporters(void **st)
{
    (void)st;
    struct strata_report *r = run_config(app_config, "example.com/app:latest", NULL);
    assert_int_equal(strata_report_add_misconf(r, "CIS-DI-0008", "4.8", "setuid/setgid file",
                                               "HIGH", "/usr/local/bin/find-suid", 2,
                                               "setuid file planted", "chmod u-s",
                                               "/usr/local/bin/find-suid"),
                     0);
    strata_report_sort_misconfigurations(r);
    char *json = render(r, STRATA_FORMAT_JSON);
    json_error_t je;
    json_t *j = json_loads(json, 0, &je);
    assert_non_null(j);
    json_t *ms = json_object_get(j, "misconfigurations");
    assert_int_equal(json_array_size(ms), r->n_misconfigurations);
    static const char *const keys[] = {"id",          "title",   "severity", "path",
                                       "layer_index", "message", "cis",      "remediation",
                                       "evidence",    "line",    "column",   "resource"};
    const char *key;
    json_t *val;
    size_t k = 0;
    json_object_foreach(json_array_get(ms, 0), key, val)
    {
        assert_true(k < 12);
        assert_string_equal(key, keys[k++]);
    }
    assert_int_equal(k, 12);
    json_decref(j);
    char *table = render(r, STRATA_FORMAT_TABLE);
    assert_non_null(strstr(table, "Misconfigurations ("));
    assert_non_null(strstr(table, "CIS-DI-0010"));
    char *sarif = render(r, STRATA_FORMAT_SARIF);
    assert_non_null(strstr(sarif, "\"uri\": \"usr/local/bin/find-suid\""));
    assert_non_null(strstr(sarif, "\"ruleId\": \"CIS-DI-0001\""));
    assert_non_null(strstr(sarif, "misconfigurationHash/v1"));
    const char *outs[] = {json, table, sarif};
    for (size_t i = 0; i < 3; i++) {
        assert_null(strstr(outs[i], "hunter2"));
        assert_null(strstr(outs[i], "s3cr3t"));
    }
    free(json);
    free(table);
    free(sarif);
    strata_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redaction),      cmocka_unit_test(test_redaction_more),
        cmocka_unit_test(test_key_is_secret),  cmocka_unit_test(test_passwd_uid),
        cmocka_unit_test(test_app_config),     cmocka_unit_test(test_user_and_tag),
        cmocka_unit_test(test_history_checks), cmocka_unit_test(test_hostile_configs),
        cmocka_unit_test(test_files),          cmocka_unit_test(test_reporters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
