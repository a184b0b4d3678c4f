/* PHP (Composer) parsers and analyzer: installed.json of Composer 1 and 2, composer.lock,
 * composer.json direct requires, hostile inputs, and the analyzer over a synthetic image and
 * filesystem (which file is reported where, layers, whiteouts, direct/dev). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer_test_util.h"
#include "inventory/php_parse.h"
#include "strata/analyzer.h"
#include "strata/report.h"

extern const struct strata_analyzer strata_analyzer_php;
#define U8(s) ((const uint8_t *)(s))

/* Composer 2.x writes installed.json like this (4-space indent, escaped slashes). */
static const char installed_v2[] =
    "{\n"
    "    \"packages\": [\n"
    "        {\n"
    "            \"name\": \"monolog/monolog\",\n"
    "            \"version\": \"2.9.1\",\n"
    "            \"version_normalized\": \"2.9.1.0\",\n"
    "            \"source\": {\n"
    "                \"type\": \"git\",\n"
    "                \"url\": \"https:\\/\\/github.com\\/Seldaek\\/monolog.git\",\n"
    "                \"reference\": \"f259e2b15fb95494c83f52d3caad003bbf5ffaa1\"\n"
    "            },\n"
    "            \"require\": {\n"
    "                \"php\": \">=7.2\",\n"
    "                \"psr\\/log\": \"^1.0.1 || ^2.0 || ^3.0\"\n"
    "            },\n"
    "            \"time\": \"2023-02-06T13:44:46+00:00\",\n"
    "            \"type\": \"library\",\n"
    "            \"installation-source\": \"dist\",\n"
    "            \"license\": [\n"
    "                \"MIT\"\n"
    "            ],\n"
    "            \"install-path\": \"..\\/monolog\\/monolog\"\n"
    "        },\n"
    "        {\n"
    "            \"name\": \"psr/log\",\n"
    "            \"version\": \"3.0.0\",\n"
    "            \"version_normalized\": \"3.0.0.0\",\n"
    "            \"type\": \"library\",\n"
    "            \"license\": [\"MIT\", \"Apache-2.0\"],\n"
    "            \"install-path\": \"..\\/psr\\/log\"\n"
    "        },\n"
    "        {\n"
    "            \"name\": \"symfony/console\",\n"
    "            \"version\": \"v5.4.3\",\n"
    "            \"version_normalized\": \"5.4.3.0\",\n"
    "            \"type\": \"library\",\n"
    "            \"install-path\": \"..\\/symfony\\/console\"\n"
    "        },\n"
    "        {\n"
    "            \"name\": \"phpunit/phpunit\",\n"
    "            \"version\": \"9.6.3\",\n"
    "            \"version_normalized\": \"9.6.3.0\",\n"
    "            \"type\": \"library\",\n"
    "            \"license\": [\"BSD-3-Clause\"],\n"
    "            \"install-path\": \"..\\/phpunit\\/phpunit\"\n"
    "        }\n"
    "    ],\n"
    "    \"dev\": true,\n"
    "    \"dev-package-names\": [\n"
    "        \"phpunit/phpunit\"\n"
    "    ]\n"
    "}\n";

/* Composer 1.x: a bare array. */
static const char installed_v1[] = "[\n"
                                   "    {\n"
                                   "        \"name\": \"guzzlehttp/guzzle\",\n"
                                   "        \"version\": \"6.5.5\",\n"
                                   "        \"version_normalized\": \"6.5.5.0\",\n"
                                   "        \"type\": \"library\",\n"
                                   "        \"license\": [\n"
                                   "            \"MIT\"\n"
                                   "        ]\n"
                                   "    }\n"
                                   "]\n";

static const char lock[] =
    "{\n"
    "    \"_readme\": [\n"
    "        \"This file locks the dependencies of your project to a known state\",\n"
    "        \"Read more about it at "
    "https://getcomposer.org/doc/01-basic-usage.md#installing-dependencies\",\n"
    "        \"This file is @generated automatically\"\n"
    "    ],\n"
    "    \"content-hash\": \"4b1d2a3bb8d5d8b1e0f0e4c8f1c7c1a2\",\n"
    "    \"packages\": [\n"
    "        {\n"
    "            \"name\": \"laravel/framework\",\n"
    "            \"version\": \"v8.83.27\",\n"
    "            \"license\": [\n"
    "                \"MIT\"\n"
    "            ],\n"
    "            \"type\": \"library\"\n"
    "        },\n"
    "        {\n"
    "            \"name\": \"nesbot/carbon\",\n"
    "            \"version\": \"2.66.0\",\n"
    "            \"license\": [\"MIT\"]\n"
    "        }\n"
    "    ],\n"
    "    \"packages-dev\": [\n"
    "        {\n"
    "            \"name\": \"mockery/mockery\",\n"
    "            \"version\": \"1.5.1\",\n"
    "            \"license\": [\"BSD-3-Clause\"]\n"
    "        }\n"
    "    ],\n"
    "    \"aliases\": [],\n"
    "    \"minimum-stability\": \"stable\",\n"
    "    \"stability-flags\": [],\n"
    "    \"prefer-stable\": true,\n"
    "    \"prefer-lowest\": false,\n"
    "    \"platform\": {\n"
    "        \"php\": \"^7.3|^8.0\"\n"
    "    },\n"
    "    \"platform-dev\": [],\n"
    "    \"plugin-api-version\": \"2.3.0\"\n"
    "}\n";

static const char manifest[] = "{\n"
                               "    \"name\": \"acme/app\",\n"
                               "    \"type\": \"project\",\n"
                               "    \"require\": {\n"
                               "        \"php\": \"^8.0\",\n"
                               "        \"ext-json\": \"*\",\n"
                               "        \"laravel/framework\": \"^8.75\",\n"
                               "        \"Monolog/Monolog\": \"^2.0\"\n"
                               "    },\n"
                               "    \"require-dev\": {\n"
                               "        \"mockery/mockery\": \"^1.4.4\",\n"
                               "        \"phpunit/phpunit\": \"^9.5\"\n"
                               "    }\n"
                               "}\n";

static const struct php_pkg *pfind(const struct php_pkg_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i];
    return NULL;
}

static void test_parsers(void **st)
{
    (void)st;
    struct php_pkg_list l;
    struct strata_error err = {0};
    assert_int_equal(
        php_parse_installed(U8(installed_v2), strlen(installed_v2), "i.json", &l, &err), 0);
    assert_int_equal(l.n, 4);
    assert_string_equal(pfind(&l, "symfony/console")->version, "v5.4.3");
    assert_null(pfind(&l, "symfony/console")->license);
    assert_string_equal(pfind(&l, "psr/log")->license, "MIT OR Apache-2.0");
    assert_int_equal(pfind(&l, "phpunit/phpunit")->dev, 1);
    assert_int_equal(pfind(&l, "monolog/monolog")->dev, 0);
    php_pkg_list_free(&l);
    assert_int_equal(
        php_parse_installed(U8(installed_v1), strlen(installed_v1), "i.json", &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].name, "guzzlehttp/guzzle");
    php_pkg_list_free(&l);
    assert_int_equal(php_parse_lock(U8(lock), strlen(lock), "composer.lock", &l, &err), 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(pfind(&l, "mockery/mockery")->dev, 1);
    assert_int_equal(pfind(&l, "laravel/framework")->dev, 0);
    assert_string_equal(pfind(&l, "laravel/framework")->version, "v8.83.27");
    php_pkg_list_free(&l);
    assert_int_equal(php_parse_manifest(U8(manifest), strlen(manifest), "composer.json", &l, &err),
                     0);
    assert_int_equal(l.n, 4); /* php and ext-json are platform requirements */
    assert_non_null(pfind(&l, "Monolog/Monolog"));
    php_pkg_list_free(&l);
}

static void test_hostile(void **st)
{
    (void)st;
    struct php_pkg_list l;
    struct strata_error err = {0};
    static const char trunc[] = "{\n  \"packages\": [\n    {\"name\": \"a/b\"";
    expect_err(php_parse_installed(U8(trunc), strlen(trunc), "i.json", &l, &err), &err,
               "i.json:3:");
    static const char dup[] = "{\"packages\": [],\n\"packages\": []}";
    expect_err(php_parse_lock(U8(dup), strlen(dup), "c.lock", &l, &err), &err, "c.lock:2:");
    static const char top[] = "\"x\"";
    expect_err(php_parse_installed(U8(top), strlen(top), "i.json", &l, &err), &err, "i.json:1:");
    static const char wrong[] = "{\"packages\": {\"a\": 1}}";
    expect_err(php_parse_lock(U8(wrong), strlen(wrong), "c.lock", &l, &err), &err,
               "c.lock: packages: not an array");
    static const char elem[] = "{\"packages\": [5]}";
    expect_err(php_parse_lock(U8(elem), strlen(elem), "c.lock", &l, &err), &err,
               "c.lock: packages[0]: not an object");
    static const char ver[] = "{\"packages\": [{\"name\": \"a/b\", \"version\": 1}]}";
    expect_err(php_parse_lock(U8(ver), strlen(ver), "c.lock", &l, &err), &err,
               "c.lock: packages[0].version: not a string");
    static const char name[] = "{\"packages\": [{\"name\": \"nope\", \"version\": \"1\"}]}";
    expect_err(php_parse_lock(U8(name), strlen(name), "c.lock", &l, &err), &err,
               "c.lock: packages[0].name: missing or not \"vendor/name\"");
    static const char nul[] = "{\"packages\": [{\"name\": \"a/b\", \"version\": \"1\\u0000x\"}]}";
    expect_err(php_parse_lock(U8(nul), strlen(nul), "c.lock", &l, &err), &err, "c.lock:");
    static const char rawnul[] = "{\"packages\": [\0]}";
    expect_err(php_parse_lock(U8(rawnul), sizeof rawnul - 1, "c.lock", &l, &err), &err,
               "c.lock:1:");
    static const char lic[] = "{\"packages\": [{\"name\": \"a/b\", \"version\": \"1\", "
                              "\"license\": {\"x\": 1}}]}";
    expect_err(php_parse_lock(U8(lic), strlen(lic), "c.lock", &l, &err), &err,
               "c.lock: packages[0].license: not an array or a string");
    static const char devn[] = "{\"packages\": [], \"dev-package-names\": \"a/b\"}";
    expect_err(php_parse_installed(U8(devn), strlen(devn), "i.json", &l, &err), &err,
               "i.json: dev-package-names: not an array");
    /* deep nesting: jansson's depth limit, with a position */
    size_t d = 100000;
    char *deep = malloc(d + 32);
    assert_non_null(deep);
    strcpy(deep, "{\"packages\":");
    memset(deep + 12, '[', d);
    deep[12 + d] = '\0';
    expect_err(php_parse_lock(U8(deep), strlen(deep), "c.lock", &l, &err), &err, "c.lock:1:");
    free(deep);
    /* a huge name is bounded */
    size_t n = 10000;
    char *big = malloc(n + 128);
    assert_non_null(big);
    int k = sprintf(big, "{\"packages\": [{\"version\": \"1\", \"name\": \"a/");
    memset(big + k, 'a', n);
    strcpy(big + k + n, "\"}]}");
    int rc = php_parse_lock(U8(big), strlen(big), "c.lock", &l, &err);
    assert_int_equal(rc, STRATA_ELIMIT);
    free(big);
    /* many packages and a long dev list: bounded time (a set, not a nested loop) */
    size_t many = 20000;
    struct strbuf_like {
        char *p;
        size_t n;
    } sb = {malloc(many * 120 + 64), 0};
    assert_non_null(sb.p);
    sb.n += (size_t)sprintf(sb.p + sb.n, "{\"packages\":[");
    for (size_t i = 0; i < many; i++)
        sb.n += (size_t)sprintf(sb.p + sb.n, "%s{\"name\":\"v/p%zu\",\"version\":\"1.0.%zu\"}",
                                i ? "," : "", i, i);
    sb.n += (size_t)sprintf(sb.p + sb.n, "],\"dev-package-names\":[");
    for (size_t i = 0; i < many; i++)
        sb.n += (size_t)sprintf(sb.p + sb.n, "%s\"v/p%zu\"", i ? "," : "", i);
    sb.n += (size_t)sprintf(sb.p + sb.n, "]}");
    assert_int_equal(php_parse_installed(U8(sb.p), sb.n, "i.json", &l, &err), 0);
    assert_int_equal(l.n, many);
    assert_int_equal(l.v[many - 1].dev, 1);
    php_pkg_list_free(&l);
    free(sb.p);
}

static void test_analyzer_image(void **st)
{
    (void)st;
    static const char upgraded[] =
        "{\"packages\":[{\"name\":\"monolog/monolog\",\"version\":\"2.9.2\"}],\"dev\":false,"
        "\"dev-package-names\":[]}";
    static const char vendored_lock[] =
        "{\"packages\":[{\"name\":\"should/not\",\"version\":\"1\"}]}";
    const struct at_file l0[] = {
        AT_FILE("app/composer.json", manifest),
        AT_FILE("app/composer.lock", lock), /* not reported: installed.json is next to it */
        AT_FILE("app/vendor/composer/installed.json", installed_v2),
        AT_FILE("app/vendor/acme/lib/composer.lock", vendored_lock), /* a package's own files */
        AT_FILE("app/vendor/acme/lib/vendor/composer/installed.json", vendored_lock),
        AT_FILE("old/vendor/composer/installed.json", installed_v1),
        AT_FILE("lockonly/composer.lock", lock), /* no installed.json: the lock is reported */
        AT_FILE("broken/vendor/composer/installed.json", "{not json"), /* skipped in an image */
        AT_END};
    const struct at_file l1[] = {AT_FILE("srv/vendor/composer/installed.json", upgraded),
                                 AT_WHITEOUT("old/vendor/composer/installed.json"), AT_END};
    const struct at_file *layers[] = {l0, l1};
    static const char *const ids[] = {"sha256:aaa", "sha256:bbb"};
    struct at_image im;
    at_build(&im, &strata_analyzer_php, layers, 2, ids);
    struct strata_error err = {0};
    int rc = at_finish(&im, &err);
    if (rc != 0)
        fail_msg("finish: %s", err.msg);
    const struct strata_report *r = im.report;
    assert_int_equal(r->n_packages, 4 + 3 + 1);
    const struct strata_package *p =
        at_pkg(r, "symfony/console", "/app/vendor/composer/installed.json");
    assert_non_null(p);
    assert_string_equal(p->type, "composer");
    assert_string_equal(p->version, "v5.4.3");
    assert_string_equal(p->purl, "pkg:composer/symfony/console@v5.4.3");
    assert_int_equal(p->layer_index, 0);
    assert_string_equal(p->layer_diff_id, "sha256:aaa");
    assert_int_equal(p->direct, 0);
    p = at_pkg(r, "monolog/monolog", "/app/vendor/composer/installed.json");
    assert_int_equal(p->direct, 1); /* named (in another case) in require */
    assert_string_equal(p->licenses[0], "MIT");
    p = at_pkg(r, "phpunit/phpunit", NULL);
    assert_int_equal(p->dev, 1);
    assert_int_equal(p->direct, 1);
    p = at_pkg(r, "laravel/framework", "/lockonly/composer.lock");
    assert_non_null(p);
    assert_int_equal(p->direct, -1); /* no composer.json there */
    assert_string_equal(p->lockfile, "/lockonly/composer.lock");
    assert_null(at_pkg(r, "laravel/framework", "/app/composer.lock"));
    assert_null(at_pkg(r, "should/not", NULL));
    assert_null(at_pkg(r, "guzzlehttp/guzzle", NULL)); /* whited out */
    p = at_pkg(r, "monolog/monolog", "/srv/vendor/composer/installed.json");
    assert_string_equal(p->version, "2.9.2");
    assert_int_equal(p->layer_index, 1);
    at_free(&im);
}

static void test_analyzer_fs(void **st)
{
    (void)st;
    const struct at_file l0[] = {
        AT_FILE("app/composer.json", manifest), AT_FILE("app/composer.lock", lock),
        AT_FILE("app/vendor/composer/installed.json", installed_v2),
        AT_FILE("tool/vendor/composer/installed.json", installed_v1), AT_END};
    const struct at_file *layers[] = {l0};
    struct at_image im;
    at_build(&im, &strata_analyzer_php, layers, 1, AT_FILESYSTEM);
    struct strata_error err = {0};
    int rc = at_finish(&im, &err);
    if (rc != 0)
        fail_msg("finish: %s", err.msg);
    const struct strata_report *r = im.report;
    assert_int_equal(r->n_packages, 3 + 1); /* the lock, not installed.json, for app/ */
    const struct strata_package *p = at_pkg(r, "laravel/framework", "/app/composer.lock");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 0);
    assert_int_equal(p->layer_index, -1);
    p = at_pkg(r, "mockery/mockery", NULL);
    assert_int_equal(p->dev, 1);
    assert_int_equal(p->direct, 1);
    assert_int_equal(at_pkg(r, "nesbot/carbon", NULL)->direct, 0);
    assert_non_null(at_pkg(r, "guzzlehttp/guzzle", "/tool/vendor/composer/installed.json"));
    at_free(&im);

    /* a broken lockfile that strata fs reports is an error naming it */
    const struct at_file b0[] = {AT_FILE("x/composer.lock", "{\n  \"packages\": [1,]\n}"), AT_END};
    const struct at_file *blayers[] = {b0};
    at_build(&im, &strata_analyzer_php, blayers, 1, AT_FILESYSTEM);
    rc = at_finish(&im, &err);
    expect_err(rc, &err, "x/composer.lock:2:");
    at_free(&im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parsers),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_analyzer_image),
        cmocka_unit_test(test_analyzer_fs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
