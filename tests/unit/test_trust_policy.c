/* The image trust policy (src/policy/trust_policy*.c): parsing (every section, positioned
 * errors, unknown keys, wrong types, hostile YAML), durations and repository globs, each rule
 * passing and failing from facts built here (scan records, database times, a fake signature
 * verifier), the --rescan decision, and image references in Dockerfiles, Kubernetes
 * manifests and compose files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/cosign.h"
#include "policy/trust_policy.h"

#define DIG "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define NOW 1800000000LL

static char tmpdir[] = "/tmp/strata-test-tpolicy.XXXXXX";

static int group_setup(void **st)
{
    (void)st;
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int group_teardown(void **st)
{
    (void)st;
    char cmd[sizeof tmpdir + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct trust_policy *parse_ok(const char *yaml)
{
    struct strata_error err = {0};
    struct trust_policy *p = NULL;
    int rc = trust_policy_parse("policy.yaml", yaml, strlen(yaml), 0, &p, &err);
    if (rc != 0)
        fail_msg("unexpected error: %s", err.msg);
    return p;
}

/* Parses yaml expecting an error whose message contains want. */
static void parse_err(const char *yaml, int code, const char *want)
{
    struct strata_error err = {0};
    struct trust_policy *p = NULL;
    int rc = trust_policy_parse("policy.yaml", yaml, strlen(yaml), 0, &p, &err);
    if (rc == 0) {
        trust_policy_free(p);
        fail_msg("expected an error containing '%s'", want);
    }
    assert_null(p);
    if (code != 0)
        assert_int_equal(rc, code);
    if (strstr(err.msg, want) == NULL)
        fail_msg("error '%s' lacks '%s'", err.msg, want);
}

static const char full_policy[] = "version: 1\n"
                                  "registries:\n"
                                  "  allow:\n"
                                  "    - \"registry.example.com/**\"\n"
                                  "    - docker.io/library/*\n"
                                  "pinning:\n"
                                  "  require_digest: true\n"
                                  "signatures:\n"
                                  "  - repositories: [\"registry.example.com/prod/**\"]\n"
                                  "    keys: [keys/a.pub, keys/b.pub]\n"
                                  "    require: any\n"
                                  "scan:\n"
                                  "  max_age: 24h\n"
                                  "  require_current_db: true\n"
                                  "vulnerability_db:\n"
                                  "  max_age: 7d\n"
                                  "vulnerabilities:\n"
                                  "  ignore_unfixed: true\n"
                                  "  max: {CRITICAL: 0, high: 5}\n"
                                  "licenses:\n"
                                  "  deny: [AGPL-3.0*, \"category:network-copyleft\"]\n"
                                  "checks:\n"
                                  "  forbid: [CIS-DI-0001, DKL-LI-*]\n"
                                  "  setuid_allow: [/usr/bin/passwd, /usr/bin/su*]\n"
                                  "secrets:\n"
                                  "  max: 0\n";

static void test_parse_full(void **state)
{
    (void)state;
    struct trust_policy *p = parse_ok(full_policy);
    assert_int_equal(p->registries.n, 2);
    assert_string_equal(p->registries.v[1].text, "docker.io/library/*");
    assert_int_equal(p->registries.v[1].line, 5);
    assert_int_equal(p->registries.v[1].col, 7);
    assert_true(p->require_digest);
    assert_int_equal(p->n_signatures, 1);
    assert_int_equal(p->signatures[0].n_keys, 2);
    assert_false(p->signatures[0].require_all);
    assert_string_equal(p->signatures[0].keys[1].path, "keys/b.pub");
    assert_string_equal(p->signatures[0].keys[1].resolved, "keys/b.pub");
    assert_null(p->signatures[0].keys[1].pub); /* not loaded */
    assert_int_equal(p->scan_max_age.seconds, 86400);
    assert_string_equal(p->scan_max_age.text, "24h");
    assert_int_equal(p->scan_max_age.line, 13);
    assert_true(p->require_current_db);
    assert_int_equal(p->db_max_age.seconds, 7 * 86400);
    assert_true(p->ignore_unfixed);
    assert_int_equal(p->vuln_max[4], 0);
    assert_int_equal(p->vuln_max[3], 5);
    assert_int_equal(p->vuln_max[2], -1);
    assert_non_null(p->license_deny_list);
    assert_int_equal(p->forbid_checks.n, 2);
    assert_int_equal(p->setuid_allow.n, 2);
    assert_int_equal(p->secrets_max, 0);
    trust_policy_free(p);
    /* a minimal policy: only the version; no rule */
    p = parse_ok("version: 1\n");
    assert_false(p->registries.present);
    assert_int_equal(p->secrets_max, -1);
    trust_policy_free(p);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_err("", STRATA_EFORMAT, "policy.yaml:1:1: empty policy");
    parse_err("registries: {allow: []}\n", STRATA_EFORMAT, "'version: 1' is required");
    parse_err("version: 2\n", STRATA_EFORMAT,
              "policy.yaml:1:10: version: this strata reads "
              "policy version 1");
    parse_err("version: 1\nregistry:\n  allow: []\n", STRATA_EFORMAT,
              "policy.yaml:2:1: unknown key \"registry\" in the policy");
    parse_err("version: 1\nregistries:\n  alow: []\n", STRATA_EFORMAT,
              "policy.yaml:3:3: unknown key \"alow\" in registries (expected allow)");
    parse_err("version: 1\nregistries:\n  allow: nginx\n", STRATA_EFORMAT,
              "policy.yaml:3:10: registries.allow: expected a list of strings");
    parse_err("version: 1\nregistries:\n  allow: [nginx]\n", STRATA_EFORMAT,
              "policy.yaml:3:11: repository pattern \"nginx\" does not start with a registry");
    parse_err("version: 1\nregistries:\n  allow: [\"ghcr.io/a b\"]\n", STRATA_EFORMAT,
              "blanks and non-ASCII");
    parse_err("version: 1\nregistries: {}\n", STRATA_EFORMAT, "registries: 'allow' is required");
    parse_err("version: 1\npinning:\n  require_digest: maybe\n", STRATA_EFORMAT,
              "policy.yaml:3:19: pinning.require_digest: expected true or false, got maybe");
    parse_err("version: 1\nscan:\n  max_age: 3 days\n", STRATA_EFORMAT,
              "policy.yaml:3:12: scan.max_age: expected a duration like 30m");
    parse_err("version: 1\nscan:\n  max_age: 0h\n", STRATA_EFORMAT, "scan.max_age");
    parse_err("version: 1\nvulnerability_db:\n  max_age: 99999999999w\n", STRATA_EFORMAT,
              "vulnerability_db.max_age");
    parse_err("version: 1\nvulnerabilities:\n  max: {SEVERE: 1}\n", STRATA_EFORMAT,
              "policy.yaml:3:9: unknown key \"SEVERE\" in vulnerabilities.max");
    parse_err("version: 1\nvulnerabilities:\n  max: {HIGH: -1}\n", STRATA_EFORMAT,
              "vulnerabilities.max.HIGH: expected a whole number");
    parse_err("version: 1\nvulnerabilities:\n  max: {HIGH: \"3\"}\n", STRATA_EFORMAT,
              "expected a whole number");
    parse_err("version: 1\nvulnerabilities:\n  ignore_unfixed: true\n", STRATA_EFORMAT,
              "vulnerabilities: 'max' is required");
    parse_err("version: 1\nlicenses:\n  deny: [GPL-2.0]\n", STRATA_EFORMAT,
              "policy.yaml:3:10: licenses.deny:");
    parse_err("version: 1\nlicenses:\n  deny: [\"MIT,GPL-3.0-only\"]\n", STRATA_EFORMAT,
              "one license per entry");
    parse_err("version: 1\nlicenses:\n  deny: [category:nonsense]\n", STRATA_EFORMAT,
              "licenses.deny");
    parse_err("version: 1\nchecks:\n  forbid: [\"CIS DI\"]\n", STRATA_EFORMAT,
              "checks.forbid: \"CIS DI\" is not a check id");
    parse_err("version: 1\nchecks:\n  setuid_allow: [usr/bin/su]\n", STRATA_EFORMAT,
              "checks.setuid_allow: \"usr/bin/su\" is not an absolute path");
    parse_err("version: 1\nsecrets:\n  max: many\n", STRATA_EFORMAT, "secrets.max");
    parse_err("version: 1\nsignatures:\n  repositories: [\"**\"]\n", STRATA_EFORMAT,
              "signatures: expected a list");
    parse_err("version: 1\nsignatures:\n  - keys: [a.pub]\n", STRATA_EFORMAT,
              "policy.yaml:3:5: signatures[]: 'repositories' is required");
    parse_err("version: 1\nsignatures:\n  - repositories: [\"**\"]\n", STRATA_EFORMAT,
              "signatures[]: 'keys' is required");
    parse_err("version: 1\nsignatures:\n  - repositories: [\"**\"]\n    keys: []\n", STRATA_EFORMAT,
              "signatures[].keys: expected a non-empty list");
    parse_err("version: 1\nsignatures:\n  - repositories: [\"**\"]\n    keys: [a.pub]\n"
              "    require: most\n",
              STRATA_EFORMAT, "policy.yaml:5:14: signatures[].require: expected all or any");
    parse_err("version: 1\nsignatures:\n  - repositories: [\"**\"]\n    key: [a.pub]\n",
              STRATA_EFORMAT, "unknown key \"key\" in signatures[]");
    parse_err("version: 1\n---\nversion: 1\n", STRATA_EFORMAT, "a second YAML document");
    parse_err("- version: 1\n", STRATA_EFORMAT, "the policy: expected a mapping");
    parse_err("version: 1\nversion: 1\n", STRATA_EFORMAT, "policy.yaml:2:1");
    parse_err("version: 1\nscan: [", STRATA_EFORMAT, "policy.yaml:");
}

static void test_parse_hostile(void **state)
{
    (void)state;
    struct strata_error err = {0};
    struct trust_policy *p = NULL;
    /* directives, NUL bytes: refused by the guard with positions */
    const char *directive = "%YAML 1.1\n---\nversion: 1\n";
    assert_int_equal(trust_policy_parse("p.yaml", directive, strlen(directive), 0, &p, &err),
                     STRATA_EFORMAT);
    const char nul[] = "version: 1\nsecrets:\n  max: 0\0";
    assert_int_equal(trust_policy_parse("p.yaml", nul, sizeof nul - 1, 0, &p, &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "p.yaml:3:"));
    /* too large */
    size_t big = TP_MAX_FILE + 1;
    char *b = malloc(big + 1);
    assert_non_null(b);
    memset(b, '#', big);
    b[big] = '\0';
    assert_int_equal(trust_policy_parse("p.yaml", b, big, 0, &p, &err), STRATA_ELIMIT);
    /* deep nesting */
    size_t depth = 5000, o = 0;
    o += (size_t)snprintf(b, big, "version: 1\nchecks: ");
    for (size_t i = 0; i < depth; i++)
        b[o++] = '[';
    for (size_t i = 0; i < depth; i++)
        b[o++] = ']';
    b[o] = '\0';
    assert_int_not_equal(trust_policy_parse("p.yaml", b, o, 0, &p, &err), 0);
    /* an alias bomb */
    o = (size_t)snprintf(b, big, "version: 1\na: &a [x,x,x,x,x,x,x,x,x,x]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'k'; c++, prev++)
        o += (size_t)snprintf(b + o, big - o, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n",
                              c, c, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev);
    assert_int_not_equal(trust_policy_parse("p.yaml", b, o, 0, &p, &err), 0);
    /* a list over its bound */
    o = (size_t)snprintf(b, big, "version: 1\nchecks:\n  forbid: [");
    for (int i = 0; i <= TP_MAX_LIST; i++)
        o += (size_t)snprintf(b + o, big - o, "%sX-%d", i ? "," : "", i);
    o += (size_t)snprintf(b + o, big - o, "]\n");
    assert_int_equal(trust_policy_parse("p.yaml", b, o, 0, &p, &err), STRATA_ELIMIT);
    /* a string over its bound */
    o = (size_t)snprintf(b, big, "version: 1\nchecks:\n  forbid: [");
    for (int i = 0; i <= TP_MAX_STRING; i++)
        b[o++] = 'A';
    o += (size_t)snprintf(b + o, big - o, "]\n");
    assert_int_equal(trust_policy_parse("p.yaml", b, o, 0, &p, &err), STRATA_ELIMIT);
    /* control characters inside a quoted string */
    const char *ctl = "version: 1\nchecks:\n  forbid: [\"A\\x01B\"]\n";
    assert_int_equal(trust_policy_parse("p.yaml", ctl, strlen(ctl), 0, &p, &err), STRATA_EFORMAT);
    free(b);
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_load_keys(void **state)
{
    (void)state;
    struct strata_error err = {0};
    char dir[512], path[600], keyp[600];
    snprintf(dir, sizeof dir, "%s/keys", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    EVP_PKEY *k = NULL;
    assert_int_equal(cosign_key_generate(&k, &err), 0);
    char *pem;
    size_t len;
    assert_int_equal(cosign_key_public_pem(k, &pem, &len, &err), 0);
    snprintf(keyp, sizeof keyp, "%s/prod.pub", dir);
    write_file(keyp, pem, len);
    free(pem);
    EVP_PKEY_free(k);
    snprintf(path, sizeof path, "%s/policy.yaml", tmpdir);
    const char *y = "version: 1\nsignatures:\n  - repositories: [\"**\"]\n"
                    "    keys: [keys/prod.pub]\n";
    write_file(path, y, strlen(y));
    struct trust_policy *p = NULL;
    assert_int_equal(trust_policy_load(path, &p, &err), 0);
    assert_non_null(p->signatures[0].keys[0].pub);
    assert_string_equal(p->signatures[0].keys[0].resolved, keyp);
    trust_policy_free(p);
    /* a missing key file, and a private key where a public one is needed: positioned */
    y = "version: 1\nsignatures:\n  - repositories: [\"**\"]\n    keys: [keys/none.pub]\n";
    write_file(path, y, strlen(y));
    assert_int_equal(trust_policy_load(path, &p, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "policy.yaml:4:12: signatures: key "));
    assert_non_null(strstr(err.msg, "keys/none.pub"));
    y = "version: 1\nsignatures:\n  - repositories: [\"**\"]\n    keys: [policy.yaml]\n";
    write_file(path, y, strlen(y));
    assert_int_equal(trust_policy_load(path, &p, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "no PEM block"));
}

static void test_durations_and_globs(void **state)
{
    (void)state;
    int64_t s;
    assert_int_equal(tp_parse_duration("30s", 3, &s), 0);
    assert_int_equal(s, 30);
    assert_int_equal(tp_parse_duration("90m", 3, &s), 0);
    assert_int_equal(s, 5400);
    assert_int_equal(tp_parse_duration("2w", 2, &s), 0);
    assert_int_equal(s, 14 * 86400);
    const char *bad[] = {"", "h", "1", "1x", "-1h", "1.5h", "0d", "1 h", "99999999999999999999d"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(tp_parse_duration(bad[i], strlen(bad[i]), &s), -1);

    assert_true(tp_glob_match("docker.io/library/*", "docker.io/library/nginx"));
    assert_false(tp_glob_match("docker.io/library/*", "docker.io/library/a/b"));
    assert_true(tp_glob_match("ghcr.io/org/**", "ghcr.io/org/team/app"));
    assert_false(tp_glob_match("ghcr.io/org/**", "ghcr.io/orgx/app"));
    assert_true(tp_glob_match("**", "anything/at/all"));
    assert_true(tp_glob_match("*.example.com/*", "reg.example.com/app"));
    assert_false(tp_glob_match("*.example.com/*", "reg.evil.com/x.example.com/app"));
    assert_true(tp_glob_match("127.0.0.1:500?/app", "127.0.0.1:5000/app"));
    assert_false(tp_glob_match("127.0.0.1:500?/app", "127.0.0.1:50/app"));
    assert_false(tp_glob_match("a?b", "a/b"));
    assert_true(tp_glob_match("", ""));
    assert_false(tp_glob_match("", "x"));
    /* many stars against a long non-matching text: linear-ish, not exponential */
    char pat[200], text[600];
    size_t o = 0;
    for (int i = 0; i < 60; i++)
        pat[o++] = '*', pat[o++] = 'a';
    pat[o++] = 'b', pat[o] = '\0';
    memset(text, 'a', 599);
    text[599] = '\0';
    assert_false(tp_glob_match(pat, text));
}

/* ---- evaluating images ---- */

struct fake_verifier {
    int verified[4]; /* per key index (by path "k0".."k3") */
};

static int fake_verify(void *ctx, const struct tp_key *key, char *reason, size_t size)
{
    struct fake_verifier *f = ctx;
    int i = key->path[1] - '0';
    if (f->verified[i])
        return 0;
    snprintf(reason, size, "no signature verifies with this key");
    return 1;
}

static struct scan_record sample_record(void)
{
    struct scan_record r = {0};
    r.digest = (char *)DIG;
    r.scanned_at = NOW - 3600;
    r.db_built_at = (char *)"2027-01-14T00:00:00Z"; /* NOW is 2027-01-15T08:00:00Z */
    r.vulns_checked = r.secrets_checked = r.checks_checked = 1;
    static struct scan_check checks[] = {
        {"CIS-DI-0001", "MEDIUM", NULL},
        {"CIS-DI-0008", "LOW", "/usr/bin/passwd"},
        {"CIS-DI-0008", "HIGH", "/usr/local/bin/find-suid"},
    };
    r.checks = checks;
    r.n_checks = 3;
    static struct scan_license lic[] = {
        {"MIT", 3, "a 1"},
        {"GPL-2.0-only OR AGPL-3.0-only", 1, "b 1"},
        {"AGPL-3.0-only AND MIT", 2, "c 2"},
    };
    r.licenses = lic;
    r.n_licenses = 3;
    r.vulns[4] = 2, r.fixable[4] = 0;
    r.vulns[3] = 7, r.fixable[3] = 6;
    r.secrets = 1;
    return r;
}

static const struct tp_result *result_of(const struct tp_results *r, const char *rule, size_t nth)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].rule, rule) == 0 && nth-- == 0)
            return &r->v[i];
    fail_msg("no %s result", rule);
    return NULL;
}

static void expect(const struct tp_results *r, const char *rule, int pass, const char *want)
{
    const struct tp_result *x = result_of(r, rule, 0);
    if (x->pass != pass || strstr(x->reason, want) == NULL)
        fail_msg("%s: got %s '%s', want %s '%s'", rule, x->pass ? "PASS" : "FAIL", x->reason,
                 pass ? "PASS" : "FAIL", want);
}

static void set_ref(struct tp_image *img, const char *text)
{
    struct strata_error err = {0};
    assert_int_equal(trust_ref_parse(text, strlen(text), &img->ref, &err), 0);
    img->has_ref = 1;
    img->ref_is_input = 1;
    img->input = text;
}

static void test_rules_pass_and_fail(void **state)
{
    (void)state;
    struct strata_error err = {0};
    const char *y = "version: 1\n"
                    "registries:\n  allow: [\"registry.example.com/**\"]\n"
                    "pinning:\n  require_digest: true\n"
                    "signatures:\n"
                    "  - repositories: [\"registry.example.com/prod/**\"]\n"
                    "    keys: [k0, k1]\n"
                    "scan:\n  max_age: 24h\n  require_current_db: true\n"
                    "vulnerability_db:\n  max_age: 7d\n"
                    "vulnerabilities:\n  max: {CRITICAL: 0, HIGH: 6}\n  ignore_unfixed: true\n"
                    "licenses:\n  deny: [AGPL-3.0*]\n"
                    "checks:\n  forbid: [CIS-DI-0001]\n  setuid_allow: [/usr/bin/*]\n"
                    "secrets:\n  max: 1\n";
    struct trust_policy *p = parse_ok(y);
    struct scan_record rec = sample_record();
    struct fake_verifier fv = {{1, 1, 0, 0}};
    struct tp_image img = {0};
    set_ref(&img, "registry.example.com/prod/app@" DIG);
    img.digest = DIG;
    img.record = &rec;
    img.current_db_built_at = "2027-01-14T00:00:00Z";
    img.now = NOW;
    img.verify = fake_verify;
    img.verify_ctx = &fv;
    struct tp_results res = {0};
    assert_int_equal(tp_evaluate_image(p, &img, &res, &err), 0);
    expect(&res, TP_RULE_REGISTRY, 1, "registry.example.com/prod/app is allowed by");
    expect(&res, TP_RULE_PINNING, 1, "pinned to " DIG);
    expect(&res, TP_RULE_SIGNATURE, 1, "key k0: verified; key k1: verified (all of 2 keys");
    expect(&res, TP_RULE_SCAN_AGE, 1, "last scanned 1h 0m ago");
    expect(&res, TP_RULE_SCAN_DB, 1, "the last scan used the current database");
    expect(&res, TP_RULE_DB_AGE, 1, "built 1d 8h ago");
    expect(&res, TP_RULE_VULNS, 1, "CRITICAL 0 <= 0, HIGH 6 <= 6 (with a fix; ignore_unfixed)");
    expect(&res, TP_RULE_LICENSES, 0, "denied: AGPL-3.0-only AND MIT (2 packages, e.g. c 2)");
    expect(&res, TP_RULE_CHECKS, 0, "forbidden checks fired: CIS-DI-0001 MEDIUM");
    expect(&res, TP_RULE_SETUID, 0, "outside checks.setuid_allow: /usr/local/bin/find-suid");
    expect(&res, TP_RULE_SECRETS, 1, "1 secret found, secrets.max is 1");
    assert_int_equal(res.n, 11);
    assert_int_equal(tp_results_failed(&res), 3);
    /* each result points at its rule in the policy */
    assert_int_equal(result_of(&res, TP_RULE_SCAN_AGE, 0)->line, 10);
    assert_int_equal(result_of(&res, TP_RULE_REGISTRY, 0)->line, 3);
    tp_results_release(&res);

    /* now everything the other way */
    fv.verified[1] = 0;
    set_ref(&img, "registry.example.com/prod/app:1.0");
    rec.scanned_at = NOW - 2 * 86400;
    rec.db_built_at = (char *)"2027-01-01T00:00:00Z";
    rec.fixable[4] = 1;
    rec.secrets = 3;
    static struct scan_check clean_checks[] = {{"CIS-DI-0008", "LOW", "/usr/bin/passwd"}};
    rec.checks = clean_checks;
    rec.n_checks = 1;
    rec.n_licenses = 1;
    assert_int_equal(tp_evaluate_image(p, &img, &res, &err), 0);
    expect(&res, TP_RULE_PINNING, 0,
           "is not pinned by digest; today it is "
           "registry.example.com/prod/app@" DIG);
    expect(&res, TP_RULE_SIGNATURE, 0, "key k1: no signature verifies with this key");
    expect(&res, TP_RULE_SCAN_AGE, 0, "last scanned 2d 0h ago");
    expect(&res, TP_RULE_SCAN_AGE, 0, "more than scan.max_age 24h");
    expect(&res, TP_RULE_SCAN_DB, 0,
           "the last scan used the database built 2027-01-01T00:00:00Z;"
           " the current one was built 2027-01-14T00:00:00Z");
    expect(&res, TP_RULE_DB_AGE, 0, "more than vulnerability_db.max_age 7d");
    expect(&res, TP_RULE_VULNS, 0, "CRITICAL 1 > 0");
    expect(&res, TP_RULE_LICENSES, 1, "no package license is denied (1 license expression)");
    expect(&res, TP_RULE_CHECKS, 1, "none of the 1 forbidden check fired");
    expect(&res, TP_RULE_SETUID, 1, "1 setuid/setgid file, all allowed");
    expect(&res, TP_RULE_SECRETS, 0, "3 secrets found");
    tp_results_release(&res);

    /* "any" needs one key; a repository no rule names needs none */
    p->signatures[0].require_all = 0;
    assert_int_equal(tp_evaluate_image(p, &img, &res, &err), 0);
    expect(&res, TP_RULE_SIGNATURE, 1, "some of 2 keys, one required");
    tp_results_release(&res);
    set_ref(&img, "registry.example.com/dev/app@" DIG);
    assert_int_equal(tp_evaluate_image(p, &img, &res, &err), 0);
    expect(&res, TP_RULE_SIGNATURE, 1, "no signature rule applies to registry.example.com/dev/app");
    tp_results_release(&res);
    /* another registry; no verifier */
    set_ref(&img, "docker.io/library/nginx@" DIG);
    img.verify = NULL;
    strcpy(p->signatures[0].repositories.v[0].text, "**");
    assert_int_equal(tp_evaluate_image(p, &img, &res, &err), 0);
    expect(&res, TP_RULE_REGISTRY, 0,
           "docker.io/library/nginx matches no pattern of "
           "registries.allow");
    expect(&res, TP_RULE_SIGNATURE, 0, "signatures cannot be checked here");
    tp_results_release(&res);
    trust_policy_free(p);
}

static void test_rules_without_record(void **state)
{
    (void)state;
    struct strata_error err = {0};
    struct trust_policy *p = parse_ok(full_policy);
    struct tp_image img = {0};
    img.input = "app.tar";
    img.digest = DIG;
    img.now = NOW;
    struct tp_results res = {0};
    assert_int_equal(tp_evaluate_image(p, &img, &res, &err), 0);
    expect(&res, TP_RULE_REGISTRY, 0, "app.tar has no image reference to check");
    expect(&res, TP_RULE_PINNING, 1, "a local archive is identified by its content (" DIG ")");
    const char *scan_rules[] = {TP_RULE_SCAN_AGE, TP_RULE_SCAN_DB, TP_RULE_DB_AGE, TP_RULE_VULNS,
                                TP_RULE_LICENSES, TP_RULE_CHECKS,  TP_RULE_SETUID, TP_RULE_SECRETS};
    for (size_t i = 0; i < sizeof scan_rules / sizeof *scan_rules; i++)
        expect(&res, scan_rules[i], 0, "no scan record of this digest");
    tp_results_release(&res);
    assert_true(tp_needs_rescan(p, &img));

    /* a record that cannot judge: no vulnerabilities matched, checks and secrets not run,
     * a --severity filter that leaves HIGH out */
    struct scan_record rec = sample_record();
    rec.vulns_checked = 0;
    rec.db_built_at = NULL;
    rec.checks_checked = 0;
    rec.secrets_checked = 0;
    img.record = &rec;
    img.current_db_built_at = "2027-01-14T00:00:00Z";
    assert_int_equal(tp_evaluate_image(p, &img, &res, &err), 0);
    expect(&res, TP_RULE_VULNS, 0, "the last scan did not match vulnerabilities");
    expect(&res, TP_RULE_SCAN_DB, 0, "the last scan did not match vulnerabilities");
    expect(&res, TP_RULE_CHECKS, 0, "did not run the image checks");
    expect(&res, TP_RULE_SETUID, 0, "did not run the image checks");
    expect(&res, TP_RULE_SECRETS, 0, "did not look for secrets");
    tp_results_release(&res);
    assert_true(tp_needs_rescan(p, &img));
    rec = sample_record();
    rec.severity_filter = 1u << 4; /* CRITICAL only */
    assert_int_equal(tp_evaluate_image(p, &img, &res, &err), 0);
    expect(&res, TP_RULE_VULNS, 0, "HIGH not judged (the last scan was limited with --severity)");
    tp_results_release(&res);
    assert_true(tp_needs_rescan(p, &img));
    /* a fresh, complete record with the current database: nothing to rescan */
    rec = sample_record();
    assert_false(tp_needs_rescan(p, &img));
    img.current_db_built_at = "2027-01-15T00:00:00Z"; /* a newer database */
    assert_true(tp_needs_rescan(p, &img));
    img.current_db_built_at = "2027-01-14T00:00:00Z";
    rec.scanned_at = NOW - 25 * 3600;
    assert_true(tp_needs_rescan(p, &img));
    /* no database now: a scan without matching is not redone for that (it would match
     * nothing either) */
    rec = sample_record();
    rec.db_built_at = NULL;
    rec.vulns_checked = 0;
    img.current_db_built_at = NULL;
    assert_false(tp_needs_rescan(p, &img));
    img.current_db_built_at = "2027-01-14T00:00:00Z";
    assert_true(tp_needs_rescan(p, &img));
    /* a policy without scan rules never asks for a rescan */
    struct trust_policy *q = parse_ok("version: 1\npinning: {require_digest: true}\n");
    img.record = NULL;
    assert_false(tp_needs_rescan(q, &img));
    trust_policy_free(q);
    trust_policy_free(p);
}

static void test_references(void **state)
{
    (void)state;
    struct strata_error err = {0};
    struct trust_policy *p =
        parse_ok("version: 1\nregistries:\n  allow: [\"docker.io/library/*\"]\n"
                 "pinning:\n  require_digest: true\n");
    struct tp_results res = {0};
    assert_int_equal(tp_evaluate_reference(p, "nginx@" DIG, 0, &res, &err), 0);
    expect(&res, TP_RULE_REGISTRY, 1, "docker.io/library/nginx is allowed");
    expect(&res, TP_RULE_PINNING, 1, "pinned to " DIG);
    tp_results_release(&res);
    assert_int_equal(tp_evaluate_reference(p, "quay.io/x/y:1", 0, &res, &err), 0);
    expect(&res, TP_RULE_REGISTRY, 0, "quay.io/x/y matches no pattern");
    expect(&res, TP_RULE_PINNING, 0,
           "quay.io/x/y:1 is not pinned by digest (write it as "
           "quay.io/x/y@sha256:");
    tp_results_release(&res);
    assert_int_equal(tp_evaluate_reference(p, "Bad Ref", 0, &res, &err), 0);
    expect(&res, TP_RULE_REGISTRY, 0, "\"Bad Ref\" is not a valid image reference");
    tp_results_release(&res);
    assert_int_equal(tp_evaluate_reference(p, "nginx:", 1, &res, &err), 0);
    expect(&res, TP_RULE_PINNING, 0, "uses a build argument without a value");
    tp_results_release(&res);
    trust_policy_free(p);
}

struct collected {
    char text[16][128];
    char resource[16][128];
    int line[16], col[16], unresolved[16];
    size_t n;
};

static int collect(void *ctx, const struct tp_file_ref *r)
{
    struct collected *c = ctx;
    if (c->n >= 16)
        return 1;
    snprintf(c->text[c->n], 128, "%s", r->text);
    snprintf(c->resource[c->n], 128, "%s", r->resource ? r->resource : "");
    c->line[c->n] = r->line, c->col[c->n] = r->col, c->unresolved[c->n] = r->unresolved;
    c->n++;
    return 0;
}

static void test_file_refs(void **state)
{
    (void)state;
    struct strata_error err = {0};
    struct collected c = {0};
    const char *df = "ARG BASE=debian:12\n"
                     "ARG OTHER\n"
                     "FROM ${BASE} AS build\n"
                     "RUN --mount=type=cache,from=ghcr.io/org/cache:1,target=/c make\n"
                     "FROM build AS test\n"
                     "FROM scratch\n"
                     "COPY --from=build /out /out\n"
                     "COPY --from=quay.io/org/tool@" DIG " /t /t\n"
                     "FROM $OTHER\n";
    assert_int_equal(tp_file_refs("Dockerfile", df, strlen(df), collect, &c, &err), 0);
    assert_int_equal(c.n, 4);
    assert_string_equal(c.text[0], "debian:12");
    assert_int_equal(c.line[0], 3);
    assert_int_equal(c.col[0], 6);
    assert_string_equal(c.resource[0], "stage build");
    assert_string_equal(c.text[1], "");
    assert_true(c.unresolved[1]);
    assert_int_equal(c.line[1], 9);
    assert_string_equal(c.text[2], "ghcr.io/org/cache:1");
    assert_int_equal(c.line[2], 4);
    assert_string_equal(c.text[3], "quay.io/org/tool@" DIG);
    assert_int_equal(c.line[3], 8);

    memset(&c, 0, sizeof c);
    const char *k8s = "apiVersion: apps/v1\n"
                      "kind: Deployment\n"
                      "metadata: {name: web, namespace: shop}\n"
                      "spec:\n"
                      "  template:\n"
                      "    spec:\n"
                      "      initContainers:\n"
                      "        - name: init\n"
                      "          image: busybox\n"
                      "      containers:\n"
                      "        - name: app\n"
                      "          image: \"registry.example.com/app@" DIG "\"\n"
                      "---\n"
                      "apiVersion: v1\n"
                      "kind: ConfigMap\n"
                      "metadata: {name: x}\n"
                      "data: {image: not-an-image}\n";
    assert_int_equal(tp_file_refs("deploy.yaml", k8s, strlen(k8s), collect, &c, &err), 0);
    assert_int_equal(c.n, 2);
    /* the model's order: containers, then init containers */
    assert_string_equal(c.text[0], "registry.example.com/app@" DIG);
    assert_int_equal(c.line[0], 12);
    assert_int_equal(c.col[0], 18);
    assert_string_equal(c.text[1], "busybox");
    assert_int_equal(c.line[1], 9);
    assert_int_equal(c.col[1], 18);
    assert_non_null(strstr(c.resource[1], "Deployment/shop/web"));
    assert_non_null(strstr(c.resource[1], "init container init"));

    memset(&c, 0, sizeof c);
    const char *compose = "services:\n"
                          "  web:\n"
                          "    image: nginx:1.25\n"
                          "  worker:\n"
                          "    build: .\n";
    assert_int_equal(
        tp_file_refs("docker-compose.yml", compose, strlen(compose), collect, &c, &err), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.text[0], "nginx:1.25");
    assert_string_equal(c.resource[0], "service web");
    assert_int_equal(c.line[0], 3);
    assert_int_equal(c.col[0], 12);

    /* errors name the file and position; other kinds are refused */
    const char *broken = "FROM\n";
    assert_int_equal(tp_file_refs("Dockerfile", broken, strlen(broken), collect, &c, &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "Dockerfile:1:"));
    const char *bad_yaml = "apiVersion: v1\nkind: Pod\nspec: [\n";
    assert_int_not_equal(tp_file_refs("pod.yaml", bad_yaml, strlen(bad_yaml), collect, &c, &err),
                         0);
    assert_non_null(strstr(err.msg, "pod.yaml:"));
    assert_int_equal(tp_file_refs("notes.txt", "hello", 5, collect, &c, &err), STRATA_EUSAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_full),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_hostile),
        cmocka_unit_test(test_load_keys),
        cmocka_unit_test(test_durations_and_globs),
        cmocka_unit_test(test_rules_pass_and_fail),
        cmocka_unit_test(test_rules_without_record),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_file_refs),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
