/* Unit tests: image references (reference.h) as the distribution project's reference package
 * and Docker's normalization parse them (rows written from the grammar and from how `docker
 * pull` names things), the registry-vs-local-path decision, and hostile inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/reference.h"
#include "source/registry_source.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct row {
    const char *text;
    const char *registry, *repository, *tag, *digest, *canonical;
    int explicit_registry;
};

static const struct row valid[] = {
    {"debian", "docker.io", "library/debian", NULL, NULL, "docker.io/library/debian:latest", 0},
    {"debian:12", "docker.io", "library/debian", "12", NULL, "docker.io/library/debian:12", 0},
    {"bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", NULL, "docker.io/bitnami/redis:7.2",
     0},
    {"docker.io/debian", "docker.io", "library/debian", NULL, NULL,
     "docker.io/library/debian:latest", 1},
    {"index.docker.io/library/debian:12", "docker.io", "library/debian", "12", NULL,
     "docker.io/library/debian:12", 1},
    {"ghcr.io/org/team/app:v1.2.3-rc.1", "ghcr.io", "org/team/app", "v1.2.3-rc.1", NULL,
     "ghcr.io/org/team/app:v1.2.3-rc.1", 1},
    {"127.0.0.1:5000/app:1", "127.0.0.1:5000", "app", "1", NULL, "127.0.0.1:5000/app:1", 1},
    {"localhost/app", "localhost", "app", NULL, NULL, "localhost/app:latest", 1},
    {"localhost:5000/a/b@sha256:" D64, "localhost:5000", "a/b", NULL, "sha256:" D64,
     "localhost:5000/a/b@sha256:" D64, 1},
    {"reg.example.com:443/app:1@sha256:" D64, "reg.example.com:443", "app", "1", "sha256:" D64,
     "reg.example.com:443/app:1@sha256:" D64, 1},
    {"[::1]:5000/app:x", "[::1]:5000", "app", "x", NULL, "[::1]:5000/app:x", 1},
    {"my-reg.example/a__b/c.d/e-f---g:_tag", "my-reg.example", "a__b/c.d/e-f---g", "_tag", NULL,
     "my-reg.example/a__b/c.d/e-f---g:_tag", 1},
    /* an uppercase first component is a registry host (repositories are lowercase) */
    {"MyRegistry/app", "MyRegistry", "app", NULL, NULL, "MyRegistry/app:latest", 1},
    {"debian@sha256:" D64, "docker.io", "library/debian", NULL, "sha256:" D64,
     "docker.io/library/debian@sha256:" D64, 0},
};

static void test_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        const struct row *w = &valid[i];
        struct image_ref r;
        struct strata_error err = {0};
        int rc = image_ref_parse(w->text, &r, &err);
        if (rc != 0)
            fail_msg("%s: %s", w->text, err.msg);
        assert_string_equal(r.registry, w->registry);
        assert_string_equal(r.repository, w->repository);
        if (w->tag)
            assert_string_equal(r.tag, w->tag);
        else
            assert_null(r.tag);
        if (w->digest)
            assert_string_equal(r.digest, w->digest);
        else
            assert_null(r.digest);
        assert_string_equal(r.canonical, w->canonical);
        assert_int_equal(r.explicit_registry, w->explicit_registry);
        image_ref_free(&r);
    }
}

struct bad {
    const char *text;
    const char *msg_part;
};

static const struct bad invalid[] = {
    {"", "empty repository name"},
    {"Debian:12", "lowercase"}, /* one component: a repository, and uppercase */
    {"ghcr.io/Org/app", "lowercase"},
    {"app:", "a tag is"},
    {"app:-x", "a tag is"},
    {"app:.x", "a tag is"},
    {"app:a/b", "not a valid registry"}, /* no tag after a '/': "app:a" is a host:port */
    {"app@sha256:abc", "64 lowercase hex"},
    {"app@sha256:" D64 "00", "64 lowercase hex"},
    {"app@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
     "64 lowercase hex"},
    {"app@sha512:" D64 D64, "only sha256"},
    {"app@" D64, "a digest is"},
    {"a//b", "path component"},
    {"a/b/", "path component"},
    {"a..b/c", "not a valid registry"},
    {"-reg.io/app", "not a valid registry"},
    {"reg-.io/app", "not a valid registry"},
    {"reg.io:/app", "not a valid registry"},
    {"reg.io:99999/app", "not a valid registry"},
    {"reg.io:0/app", "not a valid registry"},
    {"reg.io:12a/app", "not a valid registry"},
    {"[::1/app", "not a valid registry"},
    {"a_/b", "path component"},
    {"a-/b", "path component"},
    {"a___b", "path component"},
    {"a b", "control, space"},
    {"a\tb", "control, space"},
    {"caf\xc3\xa9", "non-ASCII"},
};

static void test_invalid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        struct image_ref r;
        struct strata_error err = {0};
        int rc = image_ref_parse(invalid[i].text, &r, &err);
        if (rc == 0) {
            fail_msg("'%s' parsed as %s", invalid[i].text, r.canonical);
            image_ref_free(&r);
        }
        assert_int_equal(rc, STRATA_EUSAGE);
        if (strstr(err.msg, invalid[i].msg_part) == NULL)
            fail_msg("'%s': message '%s' lacks '%s'", invalid[i].text, err.msg,
                     invalid[i].msg_part);
    }
}

static void test_bounds(void **state)
{
    (void)state;
    char name[400];
    struct image_ref r;
    struct strata_error err = {0};
    /* 255 bytes of normalized name are fine, 256 are not: "r.io/" + 250 */
    memcpy(name, "r.io/", 5);
    memset(name + 5, 'a', 250);
    name[255] = '\0';
    assert_int_equal(image_ref_parse(name, &r, &err), 0);
    image_ref_free(&r);
    name[255] = 'a';
    name[256] = '\0';
    assert_int_equal(image_ref_parse(name, &r, &err), STRATA_EUSAGE);
    /* Docker Hub names count with their docker.io/library/ prefix */
    memset(name, 'a', 240);
    name[240] = '\0';
    assert_int_equal(image_ref_parse(name, &r, &err), STRATA_EUSAGE);
    assert_non_null(strstr(err.msg, "255"));
    /* tags: 128 fine, 129 not */
    char tagged[300] = "app:";
    memset(tagged + 4, 't', 128);
    tagged[4 + 128] = '\0';
    assert_int_equal(image_ref_parse(tagged, &r, &err), 0);
    assert_int_equal(strlen(r.tag), 128);
    image_ref_free(&r);
    tagged[4 + 128] = 't';
    tagged[4 + 129] = '\0';
    assert_int_equal(image_ref_parse(tagged, &r, &err), STRATA_EUSAGE);
    /* a huge text is refused before it is looked at */
    size_t n = 1 << 20;
    char *huge = malloc(n + 1);
    assert_non_null(huge);
    memset(huge, 'a', n);
    huge[n] = '\0';
    assert_int_equal(image_ref_parse(huge, &r, &err), STRATA_EUSAGE);
    free(huge);
}

static void test_helpers(void **state)
{
    (void)state;
    struct image_ref r;
    struct strata_error err = {0};
    assert_int_equal(image_ref_parse("debian:12", &r, &err), 0);
    assert_string_equal(image_ref_endpoint(&r), "registry-1.docker.io");
    assert_false(image_ref_is_loopback(&r));
    assert_string_equal(image_ref_target(&r), "12");
    image_ref_free(&r);
    assert_int_equal(image_ref_parse("127.0.0.1:5000/app", &r, &err), 0);
    assert_string_equal(image_ref_endpoint(&r), "127.0.0.1:5000");
    assert_true(image_ref_is_loopback(&r));
    assert_string_equal(image_ref_target(&r), "latest");
    image_ref_free(&r);
    assert_int_equal(image_ref_parse("localhost:1/app@sha256:" D64, &r, &err), 0);
    assert_true(image_ref_is_loopback(&r));
    assert_string_equal(image_ref_target(&r), "sha256:" D64);
    image_ref_free(&r);
    assert_int_equal(image_ref_parse("[::1]:5000/app", &r, &err), 0);
    assert_true(image_ref_is_loopback(&r));
    image_ref_free(&r);
    assert_int_equal(image_ref_parse("127.0.0.1.example.com/app", &r, &err), 0);
    assert_false(image_ref_is_loopback(&r));
    image_ref_free(&r);
    assert_int_equal(image_ref_parse("128.0.0.1:5000/app", &r, &err), 0);
    assert_false(image_ref_is_loopback(&r));
    image_ref_free(&r);
}

static void test_remote_or_local(void **state)
{
    (void)state;
    const char *rest = NULL;
    assert_true(registry_spec_is_remote("127.0.0.1:5000/app:1", &rest));
    assert_string_equal(rest, "127.0.0.1:5000/app:1");
    assert_true(registry_spec_is_remote("ghcr.io/a/b", &rest));
    assert_true(registry_spec_is_remote("docker://debian:12", &rest));
    assert_string_equal(rest, "debian:12");
    assert_true(registry_spec_is_remote("registry:localhost/x", &rest));
    assert_string_equal(rest, "localhost/x");
    /* what names no registry host stays a local path */
    assert_false(registry_spec_is_remote("app.tar", &rest));
    assert_false(registry_spec_is_remote("debian:12", &rest));
    assert_false(registry_spec_is_remote("dir/app.tar", &rest));
    assert_false(registry_spec_is_remote("./app.tar", &rest));
    assert_false(registry_spec_is_remote("/abs/app.tar", &rest));
    assert_false(registry_spec_is_remote("oci-archive:x.tar", &rest));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),           cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_bounds),          cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_remote_or_local),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
