/* Unit tests: the registry authentication parsers — WWW-Authenticate challenges as Docker
 * Hub, GHCR, Harbor, Quay and the distribution registry send them, token answers and the
 * token URL, Docker config.json "auths" (as `docker login` and `skopeo login` write it),
 * a credential helper run through PATH, and hostile inputs. */
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

#include "core/strbuf.h"
#include "source/docker_config.h"
#include "source/registry_token.h"
#include "source/www_auth.h"

static int parse(const char *v, struct www_auth *a, struct strata_error *err)
{
    return www_auth_parse(v, strlen(v), a, err);
}

static void test_challenges(void **state)
{
    (void)state;
    struct www_auth a;
    struct strata_error err = {0};
    /* Docker Hub */
    assert_int_equal(parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry."
                           "docker.io\",scope=\"repository:library/debian:pull\"",
                           &a, &err),
                     0);
    assert_int_equal(a.scheme, WWW_AUTH_BEARER);
    assert_string_equal(a.realm, "https://auth.docker.io/token");
    assert_string_equal(a.service, "registry.docker.io");
    assert_string_equal(a.scope, "repository:library/debian:pull");
    www_auth_release(&a);
    /* distribution with htpasswd */
    assert_int_equal(parse("Basic realm=\"Registry Realm\"", &a, &err), 0);
    assert_int_equal(a.scheme, WWW_AUTH_BASIC);
    assert_string_equal(a.realm, "Registry Realm");
    assert_null(a.service);
    www_auth_release(&a);
    /* case, spaces around '=', tokens instead of quoted strings, escapes, unknown params */
    assert_int_equal(parse("bEaReR  Realm = https://x/t , service=svc,error=\"invalid_token\", "
                           "scope=\"a \\\"b\\\\\"",
                           &a, &err),
                     0);
    assert_int_equal(a.scheme, WWW_AUTH_BEARER);
    assert_string_equal(a.realm, "https://x/t");
    assert_string_equal(a.service, "svc");
    assert_string_equal(a.scope, "a \"b\\");
    www_auth_release(&a);
    /* several challenges: Bearer preferred whatever the order */
    assert_int_equal(
        parse("Basic realm=\"r\", Bearer realm=\"https://t\",scope=\"s1 s2\"", &a, &err), 0);
    assert_int_equal(a.scheme, WWW_AUTH_BEARER);
    assert_string_equal(a.realm, "https://t");
    assert_string_equal(a.scope, "s1 s2");
    www_auth_release(&a);
    /* a scheme with a token68, then Basic */
    assert_int_equal(parse("Negotiate abc+/d==, Basic realm=x", &a, &err), 0);
    assert_int_equal(a.scheme, WWW_AUTH_BASIC);
    assert_string_equal(a.realm, "x");
    www_auth_release(&a);
    /* schemes strata does not answer */
    assert_int_equal(parse("Digest realm=\"r\", nonce=\"n\"", &a, &err), 0);
    assert_int_equal(a.scheme, WWW_AUTH_NONE);
    www_auth_release(&a);
    assert_int_equal(parse("", &a, &err), 0);
    assert_int_equal(a.scheme, WWW_AUTH_NONE);
    /* bare scheme, duplicate parameter (first wins) */
    assert_int_equal(parse("Bearer", &a, &err), 0);
    assert_int_equal(a.scheme, WWW_AUTH_BEARER);
    assert_null(a.realm);
    www_auth_release(&a);
    assert_int_equal(parse("Bearer realm=a,realm=b", &a, &err), 0);
    assert_string_equal(a.realm, "a");
    www_auth_release(&a);
}

static void test_challenge_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "Bearer realm=\"unterminated",
        "Bearer realm=\"x\\",
        "Bearer realm=\"a\" service=\"b\"", /* no comma */
        "=x",
        "Bearer realm=\"a\x01\"",
        "Bearer\"x\"",
        ",,, \"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct www_auth a;
        struct strata_error err = {0};
        int rc = parse(bad[i], &a, &err);
        if (rc == 0) {
            www_auth_release(&a);
            fail_msg("'%s' accepted", bad[i]);
        }
        assert_int_equal(rc, STRATA_EFORMAT);
        assert_non_null(strstr(err.msg, "WWW-Authenticate: byte "));
    }
    /* bounds: the header, and one parameter */
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "Bearer realm=\"");
    for (int i = 0; i < WWW_AUTH_MAX_PARAM + 1; i++)
        strbuf_addch(&sb, 'a');
    strbuf_adds(&sb, "\"");
    struct www_auth a;
    struct strata_error err = {0};
    assert_int_equal(www_auth_parse(sb.buf, sb.len, &a, &err), STRATA_ELIMIT);
    for (int i = 0; i < WWW_AUTH_MAX_HEADER; i++)
        strbuf_addch(&sb, ',');
    assert_int_equal(www_auth_parse(sb.buf, sb.len, &a, &err), STRATA_ELIMIT);
    strbuf_release(&sb);
    /* a NUL inside the value is a control character, not the end */
    assert_int_equal(www_auth_parse("Basic realm=\"a\0b\"", 17, &a, &err), STRATA_EFORMAT);
}

static void test_token_answers(void **state)
{
    (void)state;
    char *tok;
    long ttl;
    struct strata_error err = {0};
    const char *hub =
        "{\"token\":\"eyJhbGciOi.J9.x\",\"access_token\":\"other\",\"expires_in\":300,"
        "\"issued_at\":\"2024-01-01T00:00:00Z\"}";
    assert_int_equal(registry_token_parse(hub, strlen(hub), "realm", &tok, &ttl, &err), 0);
    assert_string_equal(tok, "eyJhbGciOi.J9.x");
    assert_int_equal(ttl, 300);
    free(tok);
    const char *oauth = "{\"access_token\":\"abc\"}";
    assert_int_equal(registry_token_parse(oauth, strlen(oauth), "realm", &tok, &ttl, &err), 0);
    assert_string_equal(tok, "abc");
    assert_int_equal(ttl, REGISTRY_TOKEN_DEFAULT_TTL);
    free(tok);
    /* an empty "token" falls back to access_token */
    const char *empty = "{\"token\":\"\",\"access_token\":\"z\",\"expires_in\":\"x\"}";
    assert_int_equal(registry_token_parse(empty, strlen(empty), "realm", &tok, &ttl, &err), 0);
    assert_string_equal(tok, "z");
    assert_int_equal(ttl, REGISTRY_TOKEN_DEFAULT_TTL);
    free(tok);
    static const char *const bad[] = {
        "{}",
        "{\"token\":1}",
        "[\"token\"]",
        "not json",
        "{\"token\":\"a b\"}",
        "{\"token\":\"a\\r\\nX-Injected: 1\"}",
        "{\"token\":\"a\\u0000b\"}",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = registry_token_parse(bad[i], strlen(bad[i]), "https://t/token", &tok, &ttl, &err);
        if (rc == 0) {
            free(tok);
            fail_msg("'%s' accepted", bad[i]);
        }
        assert_non_null(strstr(err.msg, "https://t/token"));
    }
    /* a token above the bound */
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "{\"token\":\"");
    for (int i = 0; i < REGISTRY_TOKEN_MAX + 1; i++)
        strbuf_addch(&sb, 'a');
    strbuf_adds(&sb, "\"}");
    assert_int_equal(registry_token_parse(sb.buf, sb.len, "t", &tok, &ttl, &err), STRATA_ELIMIT);
    strbuf_release(&sb);
}

static void test_token_url(void **state)
{
    (void)state;
    struct www_auth a = {WWW_AUTH_BEARER, "https://auth.example/token", "reg svc",
                         "repository:a/b:pull repository:c:pull,push"};
    struct strbuf sb = STRBUF_INIT;
    struct strata_error err = {0};
    assert_int_equal(registry_token_url(&a, "fallback", 0, &sb, &err), 0);
    assert_string_equal(sb.buf, "https://auth.example/token?service=reg%20svc&scope=repository%3Aa"
                                "%2Fb%3Apull&scope=repository%3Ac%3Apull%2Cpush");
    strbuf_release(&sb);
    /* no scope in the challenge: ours; a realm with a query keeps it */
    struct www_auth b = {WWW_AUTH_BEARER, "https://t/x?a=1", NULL, NULL};
    assert_int_equal(registry_token_url(&b, "repository:app:pull", 0, &sb, &err), 0);
    assert_string_equal(sb.buf, "https://t/x?a=1&scope=repository%3Aapp%3Apull");
    strbuf_release(&sb);
    /* http realms only when insecure; other schemes never */
    struct www_auth h = {WWW_AUTH_BEARER, "http://t/x", NULL, NULL};
    assert_int_equal(registry_token_url(&h, NULL, 0, &sb, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "--insecure"));
    strbuf_release(&sb);
    assert_int_equal(registry_token_url(&h, NULL, 1, &sb, &err), 0);
    strbuf_release(&sb);
    struct www_auth f = {WWW_AUTH_BEARER, "file:///etc/passwd", NULL, NULL};
    assert_int_equal(registry_token_url(&f, NULL, 1, &sb, &err), STRATA_EFORMAT);
    strbuf_release(&sb);
    struct www_auth n = {WWW_AUTH_BEARER, NULL, NULL, NULL};
    assert_int_equal(registry_token_url(&n, NULL, 1, &sb, &err), STRATA_EFORMAT);
    struct www_auth s = {WWW_AUTH_BEARER, "https://t/a b", NULL, NULL};
    assert_int_equal(registry_token_url(&s, NULL, 1, &sb, &err), STRATA_EFORMAT);
    strbuf_release(&sb);
}

static int cfg(const char *text, const char *registry, struct docker_credentials *c, int *found,
               char **helper, struct strata_error *err)
{
    return docker_config_parse(text, strlen(text), "config.json", registry, c, found, helper, err);
}

static void test_docker_config(void **state)
{
    (void)state;
    struct docker_credentials c;
    int found;
    char *helper;
    struct strata_error err = {0};
    /* `docker login` output: base64 user:pass, Docker Hub under its v1 URL */
    const char *login =
        "{\n\t\"auths\": {\n\t\t\"https://index.docker.io/v1/\": {\n\t\t\t\"auth\": "
        "\"dXNlcjpwYXNzOndvcmQ=\"\n\t\t},\n\t\t\"127.0.0.1:5000\": {\"auth\": "
        "\"YWxpY2U6czNjcmV0\"}\n\t}\n}";
    assert_int_equal(cfg(login, "docker.io", &c, &found, &helper, &err), 0);
    assert_true(found);
    assert_string_equal(c.username, "user");
    assert_string_equal(c.password, "pass:word");
    assert_non_null(strstr(c.source, "config.json auths[\"https://index.docker.io/v1/\"]"));
    docker_credentials_release(&c);
    assert_int_equal(cfg(login, "127.0.0.1:5000", &c, &found, &helper, &err), 0);
    assert_true(found);
    assert_string_equal(c.username, "alice");
    assert_string_equal(c.password, "s3cret");
    docker_credentials_release(&c);
    assert_int_equal(cfg(login, "127.0.0.1:5001", &c, &found, &helper, &err), 0);
    assert_false(found);
    assert_null(helper);
    /* scheme and path dropped from keys; username/password fields; unpadded base64 */
    const char *other = "{\"auths\":{\"http://reg.example:5000/v2/\":{\"username\":\"u\","
                        "\"password\":\"p\"},\"ghcr.io\":{\"auth\":\"YTpi\"},\"q.io\":{\"auth\":"
                        "\"YTpiYw\"}}}";
    assert_int_equal(cfg(other, "reg.example:5000", &c, &found, &helper, &err), 0);
    assert_true(found);
    assert_string_equal(c.username, "u");
    docker_credentials_release(&c);
    assert_int_equal(cfg(other, "q.io", &c, &found, &helper, &err), 0);
    assert_string_equal(c.password, "bc");
    docker_credentials_release(&c);
    /* an empty entry (the secret lives in a store) names the helper */
    const char *store = "{\"auths\":{\"r.io\":{}},\"credsStore\":\"desktop\","
                        "\"credHelpers\":{\"gcr.io\":\"gcloud\"}}";
    assert_int_equal(cfg(store, "r.io", &c, &found, &helper, &err), 0);
    assert_false(found);
    assert_string_equal(helper, "desktop");
    free(helper);
    assert_int_equal(cfg(store, "gcr.io", &c, &found, &helper, &err), 0);
    assert_string_equal(helper, "gcloud");
    free(helper);
    /* no auths at all */
    assert_int_equal(cfg("{}", "r.io", &c, &found, &helper, &err), 0);
    assert_false(found);
}

static void test_docker_config_errors(void **state)
{
    (void)state;
    struct {
        const char *text, *msg;
    } bad[] = {
        {"{\"auths\":{\"r.io\":{\"auth\":\"!!!\"}}}", "not base64"},
        {"{\"auths\":{\"r.io\":{\"auth\":\"YWJj\"}}}", "user:password"},     /* "abc" */
        {"{\"auths\":{\"r.io\":{\"auth\":\"YQBiOmM=\"}}}", "user:password"}, /* a\0b:c */
        {"{\"auths\":{\"r.io\":{\"auth\":\"YTpiCmM=\"}}}", "control"},       /* a:b\nc */
        {"{\"auths\":{\"r.io\":{\"auth\":5}}}", "not a string"},
        {"{\"auths\":{\"r.io\":[]}}", "not an object"},
        {"{\"auths\":[]}", "\"auths\" is not an object"},
        {"{\"auths\":{\"r.io\":{}}},", "config.json:1:"},
        {"[]", "config.json"},
        {"{\"auths\":{},\"credsStore\":\"../../bin/sh\"}", "credential helper name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct docker_credentials c;
        int found;
        char *helper;
        struct strata_error err = {0};
        int rc = cfg(bad[i].text, "r.io", &c, &found, &helper, &err);
        if (rc == 0) {
            docker_credentials_release(&c);
            free(helper);
            fail_msg("'%s' accepted", bad[i].text);
        }
        if (strstr(err.msg, bad[i].msg) == NULL)
            fail_msg("'%s': '%s' lacks '%s'", bad[i].text, err.msg, bad[i].msg);
        assert_false(found);
    }
}

/* The file lookup, $DOCKER_CONFIG, and a credential helper found through PATH. */
static void test_lookup_and_helper(void **state)
{
    (void)state;
    char dir[] = "/tmp/strata-dcfg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], helper[256];
    snprintf(path, sizeof path, "%s/config.json", dir);
    snprintf(helper, sizeof helper, "%s/docker-credential-fake", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"auths\":{\"a.io\":{\"auth\":\"eDp5\"}},\"credHelpers\":{\"h.io\":\"fake\","
          "\"none.io\":\"absent\"}}",
          f);
    fclose(f);
    /* the helper protocol: server URL on stdin, JSON on stdout, non-zero exit = not found */
    f = fopen(helper, "w");
    assert_non_null(f);
    fputs("#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread -r url\n"
          "[ \"$url\" = h.io ] || { echo 'credentials not found'; exit 1; }\n"
          "printf '{\"ServerURL\":\"%s\",\"Username\":\"bob\",\"Secret\":\"t0k\"}' \"$url\"\n",
          f);
    fclose(f);
    chmod(helper, 0755);
    const char *old_path = getenv("PATH");
    char newpath[4096];
    snprintf(newpath, sizeof newpath, "%s:%s", dir, old_path ? old_path : "/usr/bin:/bin");
    setenv("PATH", newpath, 1);

    struct docker_credentials c;
    int found;
    struct strata_error err = {0};
    assert_int_equal(docker_config_lookup(path, "a.io", &c, &found, &err), 0);
    assert_true(found);
    assert_string_equal(c.username, "x");
    docker_credentials_release(&c);
    assert_int_equal(docker_config_lookup(path, "h.io", &c, &found, &err), 0);
    assert_true(found);
    assert_string_equal(c.username, "bob");
    assert_string_equal(c.password, "t0k");
    assert_non_null(strstr(c.source, "docker-credential-fake"));
    docker_credentials_release(&c);
    /* a helper that is not installed gives no credentials, not an error */
    assert_int_equal(docker_config_lookup(path, "none.io", &c, &found, &err), 0);
    assert_false(found);
    /* a missing file is no credentials either */
    char missing[300];
    snprintf(missing, sizeof missing, "%s/nope.json", dir);
    assert_int_equal(docker_config_lookup(missing, "a.io", &c, &found, &err), 0);
    assert_false(found);

    /* the default path follows $DOCKER_CONFIG, then HOME */
    char *p;
    setenv("DOCKER_CONFIG", dir, 1);
    assert_int_equal(docker_config_path(NULL, &p, &err), 0);
    assert_string_equal(p, path);
    free(p);
    unsetenv("DOCKER_CONFIG");
    const char *home = getenv("HOME");
    char *saved_home = home ? strdup(home) : NULL;
    setenv("HOME", "/home/x", 1);
    assert_int_equal(docker_config_path(NULL, &p, &err), 0);
    assert_string_equal(p, "/home/x/.docker/config.json");
    free(p);
    assert_int_equal(docker_config_path("", &p, &err), 0);
    assert_null(p);
    if (saved_home)
        setenv("HOME", saved_home, 1);
    free(saved_home);
    if (old_path)
        setenv("PATH", old_path, 1);
    unlink(helper);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_challenges),        cmocka_unit_test(test_challenge_errors),
        cmocka_unit_test(test_token_answers),     cmocka_unit_test(test_token_url),
        cmocka_unit_test(test_docker_config),     cmocka_unit_test(test_docker_config_errors),
        cmocka_unit_test(test_lookup_and_helper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
