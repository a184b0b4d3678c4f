/* The configuration-check framework (src/checks/config_scan.c): findings keep their position
 * and resource, the rules file enables and disables ids (and a bad one is an error at its
 * line), --pss keeps only that level's PSS rules, inline `# strata:ignore` comments suppress
 * exactly the named ids on their line or the next, PSS results are recorded, and file kinds
 * are detected by name and content. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/config.h"

static struct config_source src_of(const char *path, const char *text)
{
    return (struct config_source){path, text, strlen(text), CONFIG_UNKNOWN};
}

static struct config_finding finding(const char *id, int line, int col)
{
    return (struct config_finding){.id = id,
                                   .title = "t",
                                   .severity = "HIGH",
                                   .line = line,
                                   .column = col,
                                   .resource = "Deployment/default/web",
                                   .message = "m",
                                   .remediation = "r"};
}

static char *write_temp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/strata-test-rules-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_report_keeps_position_and_resource(void **st)
{
    (void)st;
    struct strata_report *r = strata_report_new();
    struct config_ctx *c = NULL;
    struct strata_error err = {0};
    assert_int_equal(config_ctx_new(NULL, r, &c, &err), 0);
    struct config_source s = src_of("k8s/web.yaml", "a: 1\nb: 2\n");
    struct config_finding f = finding("K8S-001", 2, 3);
    assert_int_equal(config_report(c, &s, &f), 0);
    assert_int_equal(r->n_misconfigurations, 1);
    const struct strata_misconfiguration *m = &r->misconfigurations[0];
    assert_string_equal(m->id, "K8S-001");
    assert_string_equal(m->path, "k8s/web.yaml");
    assert_int_equal(m->line, 2);
    assert_int_equal(m->column, 3);
    assert_string_equal(m->resource, "Deployment/default/web");
    assert_int_equal(m->layer_index, -1);
    config_ctx_free(c);
    strata_report_free(r);
}

static void test_rules_file(void **st)
{
    (void)st;
    struct strata_report *r = strata_report_new();
    struct config_ctx *c = NULL;
    struct strata_error err = {0};
    char *path = write_temp("# team policy\ndisable:\n  - df-003   # lower case is fine\n"
                            "  - K8S-010\n");
    struct config_options o = {.rules_file = path};
    assert_int_equal(config_ctx_new(&o, r, &c, &err), 0);
    assert_false(config_rule_enabled(c, "DF-003"));
    assert_false(config_rule_enabled(c, "K8S-010"));
    assert_true(config_rule_enabled(c, "K8S-011"));
    struct config_source s = src_of("Dockerfile", "FROM x\n");
    struct config_finding f = finding("DF-003", 1, 1);
    assert_int_equal(config_report(c, &s, &f), 0);
    assert_int_equal(r->n_misconfigurations, 0);
    config_ctx_free(c);
    unlink(path);

    path = write_temp("enable: [DF-001, DF-002]\n");
    o.rules_file = path;
    assert_int_equal(config_ctx_new(&o, r, &c, &err), 0);
    assert_true(config_rule_enabled(c, "DF-001"));
    assert_false(config_rule_enabled(c, "DF-003"));
    config_ctx_free(c);
    unlink(path);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"disable:\n  - DF-001\n  - [nested]\n", ":3:6: expected a rule id"}, /* its first scalar */
        {"disable: DF-001\n", ":1:10: expected a list of rule ids"},
        {"ignore: [DF-001]\n", ":1:1: unknown key"},
        {"disable: [DF-001\n", ":2:1: not valid YAML"}, /* where the input ends */
        {"- DF-001\n", ":1:3: expected a mapping"},
        {"disable:\n  - \"DF 001\"\n", ":2:5: expected a rule id"},
        /* libfyaml 0.7.12 loops forever on this directive (found by fuzz_config_rules) */
        {"%\x12"
         "F\x82\x82TF\n",
         ":1:1: YAML directives are not supported"},
        {"disable: []\n%YAML 1.2\n", ":2:1: YAML directives are not supported"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        path = write_temp(bad[i].text);
        o.rules_file = path;
        c = NULL;
        int rc = config_ctx_new(&o, r, &c, &err);
        assert_int_not_equal(rc, 0);
        assert_null(c);
        if (strstr(err.msg, bad[i].want) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].want);
        assert_non_null(strstr(err.msg, path));
        unlink(path);
    }
    o.rules_file = "/nonexistent/rules.yaml";
    assert_int_equal(config_ctx_new(&o, r, &c, &err), STRATA_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/rules.yaml: cannot open"));
    strata_report_free(r);
}

static void test_pss_level(void **st)
{
    (void)st;
    struct strata_report *r = strata_report_new();
    struct config_ctx *c = NULL;
    struct strata_error err = {0};
    struct config_options o = {.pss_level = 1};
    assert_int_equal(config_ctx_new(&o, r, &c, &err), 0);
    assert_int_equal(config_pss_level(c), 1);
    assert_true(config_rule_enabled(c, "PSS-BASELINE-PRIVILEGED"));
    assert_false(config_rule_enabled(c, "PSS-RESTRICTED-RUN-AS-NON-ROOT"));
    assert_false(config_rule_enabled(c, "K8S-001"));
    config_ctx_free(c);
    o.pss_level = 2;
    assert_int_equal(config_ctx_new(&o, r, &c, &err), 0);
    assert_true(config_rule_enabled(c, "PSS-BASELINE-PRIVILEGED"));
    assert_true(config_rule_enabled(c, "PSS-RESTRICTED-RUN-AS-NON-ROOT"));
    assert_false(config_rule_enabled(c, "DF-001"));
    const char *v[] = {"restricted: runAsNonRoot: not set"};
    struct config_source s = src_of("a.yaml", "kind: Pod\n");
    assert_int_equal(config_report_pss(c, &s, "Pod/default/a", 1, "baseline", v, 1, 3), 0);
    assert_int_equal(r->n_pss, 1);
    assert_string_equal(r->pss[0].resource, "Pod/default/a");
    assert_string_equal(r->pss[0].level_satisfied, "baseline");
    assert_string_equal(r->pss[0].path, "a.yaml");
    assert_int_equal(r->pss[0].n_violations, 1);
    assert_string_equal(r->pss[0].violations[0], v[0]);
    assert_int_equal(r->pss[0].score, 3);
    config_ctx_free(c);
    strata_report_free(r);
}

static void test_inline_suppression(void **st)
{
    (void)st;
    struct strata_report *r = strata_report_new();
    struct config_ctx *c = NULL;
    struct strata_error err = {0};
    assert_int_equal(config_ctx_new(NULL, r, &c, &err), 0);
    struct config_source s =
        src_of("Dockerfile", "FROM debian\n"                                     /* 1 */
                             "# strata:ignore DF-002 we pin by digest in CI\n"   /* 2 */
                             "RUN apt-get install curl\n"                        /* 3 */
                             "USER root # strata:ignore=DF-004,DF-009 builder\n" /* 4 */
                             "RUN echo strata:ignore DF-005\n"                   /* 5 */
                             "RUN x\n");                                         /* 6 */
    static const struct {
        const char *id;
        int line, kept;
    } cases[] = {
        {"DF-002", 3, 0}, /* comment on the line above */
        {"DF-003", 3, 1}, /* another id */
        {"DF-004", 4, 0}, /* same line, first of a list */
        {"DF-009", 4, 0}, /* same line, second of a list */
        {"DF-004", 6, 1}, /* two lines below: not covered */
        {"DF-005", 5, 1}, /* not inside a comment */
        {"DF-005", 6, 1}, /* the line above holds it, but not in a comment */
        {"DF-002", 0, 1}, /* no position: nothing to suppress it */
        {"DF-00", 3, 1},  /* a prefix of the id is not the id */
        {"DF-006", 7, 1}, /* no reason given: not suppressed */
        {"DF-006", 8, 1}, /* blanks are no reason either */
    };
    size_t kept = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct config_finding f = finding(cases[i].id, cases[i].line, 1);
        assert_int_equal(config_report(c, &s, &f), 0);
        kept += cases[i].kept;
        if (r->n_misconfigurations != kept)
            fail_msg("case %zu (%s at line %d): %zu findings, want %zu", i, cases[i].id,
                     cases[i].line, r->n_misconfigurations, kept);
    }
    assert_int_equal(config_ctx_suppressed(c), 3);
    config_ctx_free(c);
    strata_report_free(r);
}

static void test_detect(void **st)
{
    (void)st;
    static const struct {
        const char *path, *text;
        enum config_kind want;
    } cases[] = {
        {"Dockerfile", "", CONFIG_DOCKERFILE},
        {"x/Containerfile", "", CONFIG_DOCKERFILE},
        {"build/Dockerfile.prod", "", CONFIG_DOCKERFILE},
        {"app.Dockerfile", "", CONFIG_DOCKERFILE},
        {"build/recipe", "# syntax=docker/dockerfile:1\n\nFROM debian:12\nRUN x\n",
         CONFIG_DOCKERFILE},
        {"docker-compose.yml", "version: '3'\n", CONFIG_COMPOSE},
        {"compose.yaml", "services:\n  web: {}\n", CONFIG_COMPOSE},
        {"stack.yml", "services:\n  web:\n    image: x\n", CONFIG_COMPOSE},
        {"deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\n", CONFIG_KUBERNETES},
        {"all.yaml", "# generated\n---\napiVersion: v1\nkind: List\nitems: []\n",
         CONFIG_KUBERNETES},
        {"pod.json", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}", CONFIG_KUBERNETES},
        {"inspect.json", "[{\"Id\": \"abc\", \"HostConfig\": {}}]", CONFIG_DOCKER_INSPECT},
        {"out", "  [\n {\"Id\": \"abc\",\n \"HostConfig\": {}}]", CONFIG_DOCKER_INSPECT},
        {"values.yaml", "replicaCount: 1\n", CONFIG_UNKNOWN},
        {"README.md", "FROM here on\n", CONFIG_UNKNOWN},
        {"package.json", "{\"name\": \"x\"}", CONFIG_UNKNOWN},
        {"notes.txt", "hello\n", CONFIG_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        enum config_kind k = config_detect(cases[i].path, cases[i].text, strlen(cases[i].text));
        if (k != cases[i].want)
            fail_msg("%s: kind %d, want %d", cases[i].path, k, cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_keeps_position_and_resource),
        cmocka_unit_test(test_rules_file),
        cmocka_unit_test(test_pss_level),
        cmocka_unit_test(test_inline_suppression),
        cmocka_unit_test(test_detect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
