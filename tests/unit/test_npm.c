/* npm parsers (package.json, package-lock v1–v3, yarn classic/berry, pnpm v5/v6/v9), hostile
 * inputs, and the npm analyzer over a synthetic layered view. When npm and its registry are
 * reachable, a lockfile written by the real npm is parsed too (else that test is skipped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyzer_test_util.h"
#include "inventory/npm.h"
#include "inventory/npm_parse.h"
#include "strata/analyzer.h"
#include "strata/report.h"

extern const struct strata_analyzer strata_analyzer_npm;

#define U8(s) ((const uint8_t *)(s))

static const struct npm_pkg *find(const struct npm_pkg_list *l, const char *name, const char *where)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0 && (where == NULL || strcmp(l->v[i].where, where) == 0))
            return &l->v[i];
    return NULL;
}

/* ---- package.json ---- */

static void test_package_json(void **st)
{
    (void)st;
    static const char pj[] = "{\n"
                             "  \"name\": \"@scope/pkg\",\n"
                             "  \"version\": \"1.2.3-beta.1\",\n"
                             "  \"license\": \"(MIT OR Apache-2.0)\",\n"
                             "  \"private\": true,\n"
                             "  \"dependencies\": {\"b\": \"^1.0.0\", \"a\": \"~2\"},\n"
                             "  \"devDependencies\": {\"mocha\": \"10\", \"a\": \"~2\"},\n"
                             "  \"optionalDependencies\": {\"fsevents\": \"*\"},\n"
                             "  \"peerDependencies\": {\"react\": \">=16\"}\n"
                             "}\n";
    struct npm_manifest m;
    struct strata_error err = {0};
    assert_int_equal(npm_parse_package_json(U8(pj), strlen(pj), "x/package.json", &m, &err), 0);
    assert_string_equal(m.name, "@scope/pkg");
    assert_string_equal(m.version, "1.2.3-beta.1");
    assert_string_equal(m.license, "(MIT OR Apache-2.0)");
    assert_int_equal(m.private_, 1);
    assert_int_equal(m.n_deps, 5);
    assert_int_equal(npm_manifest_dep_kind(&m, "a"), NPM_DEP_PROD | NPM_DEP_DEV);
    assert_int_equal(npm_manifest_dep_kind(&m, "mocha"), NPM_DEP_DEV);
    assert_int_equal(npm_manifest_dep_kind(&m, "fsevents"), NPM_DEP_PROD | NPM_DEP_OPTIONAL);
    assert_int_equal(npm_manifest_dep_kind(&m, "react"), NPM_DEP_PEER);
    assert_int_equal(npm_manifest_dep_kind(&m, "zzz"), 0);
    npm_manifest_free(&m);

    /* Legacy license shapes (still found in old packages on disk). */
    static const char obj[] = "{\"name\":\"x\",\"version\":\"1\",\"license\":{\"type\":\"MIT\","
                              "\"url\":\"http://x\"}}";
    assert_int_equal(npm_parse_package_json(U8(obj), strlen(obj), "p", &m, &err), 0);
    assert_string_equal(m.license, "MIT");
    npm_manifest_free(&m);
    static const char arr[] = "{\"name\":\"x\",\"version\":\"1\",\"licenses\":[{\"type\":\"MIT\"},"
                              "{\"type\":\"GPL-2.0\"}, 7]}";
    assert_int_equal(npm_parse_package_json(U8(arr), strlen(arr), "p", &m, &err), 0);
    assert_string_equal(m.license, "MIT OR GPL-2.0");
    assert_int_equal(m.private_, 0);
    npm_manifest_free(&m);
}

static void test_package_json_hostile(void **st)
{
    (void)st;
    struct npm_manifest m;
    struct strata_error err = {0};
    static const char badname[] = "{\"name\": 5, \"version\": \"1\"}";
    expect_err(npm_parse_package_json(U8(badname), strlen(badname), "a/package.json", &m, &err),
               &err, "a/package.json: \"name\" is not a string");
    static const char trunc[] = "{\n  \"name\": \"x\",\n  \"version\": \"1";
    expect_err(npm_parse_package_json(U8(trunc), strlen(trunc), "a/package.json", &m, &err), &err,
               "a/package.json:3:");
    static const char dup[] = "{\"name\":\"x\",\n\"name\":\"y\"}";
    expect_err(npm_parse_package_json(U8(dup), strlen(dup), "p.json", &m, &err), &err, "p.json:2:");
    static const char top[] = "[1,2]";
    expect_err(npm_parse_package_json(U8(top), strlen(top), "p.json", &m, &err), &err,
               "p.json:1:1: the top level is not an object");
    static const char deps[] = "{\"dependencies\": [\"a\"]}";
    expect_err(npm_parse_package_json(U8(deps), strlen(deps), "p.json", &m, &err), &err,
               "p.json: dependencies: not an object");
    /* A huge name: bounded. */
    size_t n = 100000;
    char *big = malloc(n + 64);
    assert_non_null(big);
    int k = sprintf(big, "{\"name\":\"");
    memset(big + k, 'a', n);
    strcpy(big + k + n, "\"}");
    int rc = npm_parse_package_json(U8(big), strlen(big), "p.json", &m, &err);
    assert_int_equal(rc, STRATA_ELIMIT);
    expect_err(rc, &err, "p.json: \"name\" is 100000 bytes long");
    /* Deep nesting: jansson stops it with a position. */
    size_t d = 100000;
    char *deep = malloc(d * 2 + 16);
    assert_non_null(deep);
    strcpy(deep, "{\"a\":");
    memset(deep + 5, '[', d);
    deep[5 + d] = '\0';
    rc = npm_parse_package_json(U8(deep), strlen(deep), "p.json", &m, &err);
    expect_err(rc, &err, "p.json:1:");
    free(deep);
    free(big);
    /* NUL inside a string. */
    static const char nul[] = "{\"name\":\"a\\u0000b\"}";
    expect_err(npm_parse_package_json(U8(nul), strlen(nul), "p.json", &m, &err), &err, "p.json:1:");
}

/* ---- package-lock.json ---- */

/* Shape of lockfileVersion 1 as documented by npm (npm 5/6). */
static const char lock_v1[] =
    "{\n"
    "  \"name\": \"proj\",\n"
    "  \"version\": \"1.0.0\",\n"
    "  \"lockfileVersion\": 1,\n"
    "  \"requires\": true,\n"
    "  \"dependencies\": {\n"
    "    \"jws\": {\n"
    "      \"version\": \"3.2.2\",\n"
    "      \"resolved\": \"https://registry.npmjs.org/jws/-/jws-3.2.2.tgz\",\n"
    "      \"integrity\": "
    "\"sha512-YHlZCB6lMTllWDtSPHz/ZXTsi8S00usEV6v1tjq8tOUZzw7DpSDWVXjXDre6ed1w/"
    "pd495ODpHZYSdkRTsa0HA==\",\n"
    "      \"requires\": {\"safe-buffer\": \"^5.0.1\"}\n"
    "    },\n"
    "    \"mocha\": {\n"
    "      \"version\": \"6.2.0\",\n"
    "      \"dev\": true,\n"
    "      \"requires\": {\"ms\": \"2.1.1\"},\n"
    "      \"dependencies\": {\n"
    "        \"ms\": {\"version\": \"2.1.1\", \"dev\": true}\n"
    "      }\n"
    "    },\n"
    "    \"ms\": {\"version\": \"2.1.3\"},\n"
    "    \"@types/node\": {\"version\": \"12.0.0\", \"dev\": true, \"optional\": true},\n"
    "    \"safe-buffer\": {\"version\": \"5.2.1\"}\n"
    "  }\n"
    "}\n";

static void test_lock_v1(void **st)
{
    (void)st;
    static const char root_pj[] = "{\"dependencies\":{\"jws\":\"^3\",\"ms\":\"^2\"},"
                                  "\"devDependencies\":{\"mocha\":\"6\",\"@types/node\":\"12\"}}";
    struct npm_manifest root;
    struct strata_error err = {0};
    assert_int_equal(npm_parse_package_json(U8(root_pj), strlen(root_pj), "p", &root, &err), 0);
    struct npm_pkg_list l;
    assert_int_equal(
        npm_parse_package_lock(U8(lock_v1), strlen(lock_v1), "package-lock.json", &root, &l, &err),
        0);
    assert_int_equal(l.lockfile_version, 1);
    assert_int_equal(l.n, 6);
    const struct npm_pkg *p = find(&l, "jws", NULL);
    assert_non_null(p);
    assert_string_equal(p->version, "3.2.2");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 0);
    p = find(&l, "ms", "node_modules/mocha/node_modules/ms");
    assert_non_null(p);
    assert_string_equal(p->version, "2.1.1");
    assert_int_equal(p->direct, 0);
    assert_int_equal(p->dev, 1);
    p = find(&l, "ms", "node_modules/ms");
    assert_int_equal(p->direct, 1);
    p = find(&l, "safe-buffer", NULL);
    assert_int_equal(p->direct, 0);
    p = find(&l, "@types/node", NULL);
    assert_int_equal(p->dev, 1);
    assert_int_equal(p->optional, 1);
    npm_pkg_list_free(&l);
    /* Without the project's package.json, v1 cannot tell direct from indirect at the top. */
    assert_int_equal(
        npm_parse_package_lock(U8(lock_v1), strlen(lock_v1), "package-lock.json", NULL, &l, &err),
        0);
    assert_int_equal(find(&l, "jws", NULL)->direct, -1);
    assert_int_equal(find(&l, "ms", "node_modules/mocha/node_modules/ms")->direct, 0);
    npm_pkg_list_free(&l);
    npm_manifest_free(&root);
}

/* Shape of lockfileVersion 3 (npm 7+; v2 adds the v1 "dependencies" tree alongside), with a
 * workspace, a link, a nested copy, dev, optional, devOptional and an alias. */
static const char lock_v3[] =
    "{\n"
    "  \"name\": \"mono\",\n"
    "  \"version\": \"1.0.0\",\n"
    "  \"lockfileVersion\": 3,\n"
    "  \"requires\": true,\n"
    "  \"packages\": {\n"
    "    \"\": {\n"
    "      \"name\": \"mono\", \"version\": \"1.0.0\", \"workspaces\": [\"packages/*\"],\n"
    "      \"dependencies\": {\"lodash\": \"4.17.15\", \"@scope/util\": \"^2\"},\n"
    "      \"devDependencies\": {\"typescript\": \"^5\"}\n"
    "    },\n"
    "    \"node_modules/lodash\": {\"version\": \"4.17.15\", \"resolved\": "
    "\"https://registry.npmjs.org/lodash/-/lodash-4.17.15.tgz\", \"license\": \"MIT\"},\n"
    "    \"node_modules/@scope/util\": {\"version\": \"2.0.1\", \"license\": \"ISC\",\n"
    "      \"dependencies\": {\"ms\": \"^2.0.0\"}},\n"
    "    \"node_modules/@scope/util/node_modules/ms\": {\"version\": \"2.0.0\"},\n"
    "    \"node_modules/ms\": {\"version\": \"2.1.3\"},\n"
    "    \"node_modules/typescript\": {\"version\": \"5.4.5\", \"dev\": true, \"license\": "
    "\"Apache-2.0\"},\n"
    "    \"node_modules/fsevents\": {\"version\": \"2.3.3\", \"optional\": true},\n"
    "    \"node_modules/esbuild\": {\"version\": \"0.20.0\", \"devOptional\": true},\n"
    "    \"node_modules/string-width-cjs\": {\"name\": \"string-width\", \"version\": \"4.2.3\"},\n"
    "    \"node_modules/web\": {\"resolved\": \"packages/web\", \"link\": true},\n"
    "    \"packages/web\": {\"name\": \"web\", \"version\": \"0.0.1\",\n"
    "      \"dependencies\": {\"ms\": \"^2.1.0\", \"left-pad\": \"1\"}},\n"
    "    \"packages/web/node_modules/left-pad\": {\"version\": \"1.3.0\"}\n"
    "  }\n"
    "}\n";

static void test_lock_v3(void **st)
{
    (void)st;
    struct npm_pkg_list l;
    struct strata_error err = {0};
    int rc = npm_parse_package_lock(U8(lock_v3), strlen(lock_v3), "app/package-lock.json", NULL, &l,
                                    &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.lockfile_version, 3);
    assert_int_equal(l.n, 9); /* the root, the link and the workspace folder are local code */
    const struct npm_pkg *p = find(&l, "lodash", NULL);
    assert_int_equal(p->direct, 1);
    assert_string_equal(p->license, "MIT");
    p = find(&l, "@scope/util", "node_modules/@scope/util");
    assert_int_equal(p->direct, 1);
    assert_string_equal(p->version, "2.0.1");
    p = find(&l, "ms", "node_modules/@scope/util/node_modules/ms");
    assert_int_equal(p->direct, 0);
    assert_string_equal(p->version, "2.0.0");
    p = find(&l, "ms", "node_modules/ms");
    assert_int_equal(p->direct, 1); /* hoisted, and a dependency of the workspace */
    p = find(&l, "typescript", NULL);
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 1);
    p = find(&l, "fsevents", NULL);
    assert_int_equal(p->optional, 1);
    assert_int_equal(p->dev, 0);
    assert_int_equal(p->direct, 0);
    p = find(&l, "esbuild", NULL);
    assert_int_equal(p->dev, 0);
    assert_int_equal(p->optional, 1);
    p = find(&l, "string-width", "node_modules/string-width-cjs");
    assert_non_null(p);
    assert_string_equal(p->version, "4.2.3");
    p = find(&l, "left-pad", NULL);
    assert_int_equal(p->direct, 1);
    assert_null(find(&l, "web", NULL));
    npm_pkg_list_free(&l);
}

static void test_lock_hostile(void **st)
{
    (void)st;
    struct npm_pkg_list l;
    struct strata_error err = {0};
    static const char ver[] = "{\"lockfileVersion\": \"3\", \"packages\": {}}";
    expect_err(npm_parse_package_lock(U8(ver), strlen(ver), "pl.json", NULL, &l, &err), &err,
               "pl.json: \"lockfileVersion\" is not 1, 2 or 3");
    static const char ent[] = "{\"lockfileVersion\": 3, \"packages\": {\"node_modules/a\": 1}}";
    expect_err(npm_parse_package_lock(U8(ent), strlen(ent), "pl.json", NULL, &l, &err), &err,
               "pl.json: packages[\"node_modules/a\"]: not an object");
    static const char vt[] =
        "{\"lockfileVersion\": 2, \"packages\": {\"node_modules/a\": {\"version\": [1]}}}";
    expect_err(npm_parse_package_lock(U8(vt), strlen(vt), "pl.json", NULL, &l, &err), &err,
               "pl.json: packages[\"node_modules/a\"]: \"version\" is not a string");
    static const char nm[] = "{\"lockfileVersion\": 2, \"packages\": {\"node_modules/../../etc\": "
                             "{\"version\": \"1\"}}}";
    expect_err(npm_parse_package_lock(U8(nm), strlen(nm), "pl.json", NULL, &l, &err), &err,
               "pl.json: packages[\"node_modules/../../etc\"]: invalid package name");
    static const char v1[] = "{\"dependencies\": {\"a\": {\"dev\": true}}}";
    expect_err(npm_parse_package_lock(U8(v1), strlen(v1), "pl.json", NULL, &l, &err), &err,
               "pl.json: node_modules/a: missing or invalid \"version\"");
    /* A v1 tree nested deeper than the bound. */
    struct {
        char *b;
        size_t n;
    } s = {malloc(200 * 64 + 64), 0};
    assert_non_null(s.b);
    s.n += (size_t)sprintf(s.b, "{\"dependencies\":");
    for (int i = 0; i < 100; i++)
        s.n += (size_t)sprintf(s.b + s.n, "{\"a\":{\"version\":\"1\",\"dependencies\":");
    s.n += (size_t)sprintf(s.b + s.n, "{}");
    for (int i = 0; i < 100; i++)
        s.n += (size_t)sprintf(s.b + s.n, "}}");
    s.n += (size_t)sprintf(s.b + s.n, "}");
    int rc = npm_parse_package_lock(U8(s.b), s.n, "pl.json", NULL, &l, &err);
    assert_int_equal(rc, STRATA_ELIMIT);
    expect_err(rc, &err, "pl.json: node_modules/a/node_modules/a");
    free(s.b);
    static const char trunc[] = "{\"lockfileVersion\": 3,\n \"packages\": {\"\": {";
    expect_err(npm_parse_package_lock(U8(trunc), strlen(trunc), "pl.json", NULL, &l, &err), &err,
               "pl.json:2:");
}

/* ---- yarn ---- */

static const char yarn_v1[] =
    "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n"
    "# yarn lockfile v1\n"
    "\n"
    "\n"
    "\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n"
    "  version \"7.12.13\"\n"
    "  resolved "
    "\"https://registry.yarnpkg.com/@babel/code-frame/-/"
    "code-frame-7.12.13.tgz#dcfc826beef65e75c50e21d3837d7d95798dd658\"\n"
    "  integrity "
    "sha512-HV1Cm0Q3ZrpCR93tkWOYiuYIgLxZXZFVG2VgK+MBWjUqZTundupbfx2aXarXuw5Ko5aMcjtJgbSs4vUGBS5v6g="
    "=\n"
    "  dependencies:\n"
    "    \"@babel/highlight\" \"^7.12.13\"\n"
    "\n"
    "lodash@4.17.15, lodash@^4.17.11:\n"
    "  version \"4.17.15\"\n"
    "  resolved \"https://registry.yarnpkg.com/lodash/-/lodash-4.17.15.tgz\"\n"
    "\n"
    "mocha@^10.0.0:\n"
    "  version \"10.2.0\"\n"
    "\n"
    "string-width-cjs@npm:string-width@^4.2.0:\n"
    "  version \"4.2.3\"\r\n";

static void test_yarn_classic(void **st)
{
    (void)st;
    static const char root_pj[] = "{\"dependencies\":{\"lodash\":\"4.17.15\"},"
                                  "\"devDependencies\":{\"mocha\":\"^10.0.0\"}}";
    struct npm_manifest root;
    struct strata_error err = {0};
    assert_int_equal(npm_parse_package_json(U8(root_pj), strlen(root_pj), "p", &root, &err), 0);
    struct npm_pkg_list l;
    int rc = npm_parse_yarn_lock(U8(yarn_v1), strlen(yarn_v1), "yarn.lock", &root, &l, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.n, 4);
    const struct npm_pkg *p = find(&l, "@babel/code-frame", NULL);
    assert_string_equal(p->version, "7.12.13");
    assert_int_equal(p->line, 5);
    assert_int_equal(p->direct, 0);
    p = find(&l, "lodash", NULL);
    assert_string_equal(p->version, "4.17.15");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 0);
    p = find(&l, "mocha", NULL);
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 1);
    p = find(&l, "string-width", NULL);
    assert_non_null(p);
    assert_string_equal(p->version, "4.2.3");
    npm_pkg_list_free(&l);
    npm_manifest_free(&root);

    assert_int_equal(npm_parse_yarn_lock(U8(yarn_v1), strlen(yarn_v1), "yarn.lock", NULL, &l, &err),
                     0);
    assert_int_equal(find(&l, "lodash", NULL)->direct, -1);
    npm_pkg_list_free(&l);

    static const char nover[] = "a@^1:\n  resolved \"x\"\n\nb@^2:\n  version \"2.0.0\"\n";
    expect_err(npm_parse_yarn_lock(U8(nover), strlen(nover), "y.lock", NULL, &l, &err), &err,
               "y.lock:1:1: entry has no version");
    static const char junk[] = "# c\nnot a header\n";
    expect_err(npm_parse_yarn_lock(U8(junk), strlen(junk), "y.lock", NULL, &l, &err), &err,
               "y.lock:2:");
    static const char spec[] = "@@@:\n  version \"1\"\n";
    expect_err(npm_parse_yarn_lock(U8(spec), strlen(spec), "y.lock", NULL, &l, &err), &err,
               "y.lock:1:1: invalid specifier");
    static const char dupv[] = "a@1:\n  version \"1\"\n  version \"2\"\n";
    expect_err(npm_parse_yarn_lock(U8(dupv), strlen(dupv), "y.lock", NULL, &l, &err), &err,
               "y.lock:3:3: duplicate version");
}

static const char yarn_berry[] =
    "# This file is generated by running \"yarn install\" inside your project.\n"
    "# Manual changes might be lost - proceed with caution!\n"
    "\n"
    "__metadata:\n"
    "  version: 8\n"
    "  cacheKey: 10c0\n"
    "\n"
    "\"@types/node@npm:^20.0.0\":\n"
    "  version: 20.11.5\n"
    "  resolution: \"@types/node@npm:20.11.5\"\n"
    "  dependencies:\n"
    "    undici-types: \"npm:~5.26.4\"\n"
    "  checksum: 10c0/abc\n"
    "  languageName: node\n"
    "  linkType: hard\n"
    "\n"
    "\"app@workspace:.\":\n"
    "  version: 0.0.0-use.local\n"
    "  resolution: \"app@workspace:.\"\n"
    "  dependencies:\n"
    "    \"@types/node\": \"npm:^20.0.0\"\n"
    "    lodash: \"npm:^4.17.15\"\n"
    "  languageName: unknown\n"
    "  linkType: soft\n"
    "\n"
    "\"lodash@npm:^4.17.15, lodash@npm:^4.17.20\":\n"
    "  version: 4.17.21\n"
    "  resolution: \"lodash@npm:4.17.21\"\n"
    "  checksum: 10c0/def\n"
    "  languageName: node\n"
    "  linkType: hard\n"
    "\n"
    "\"undici-types@npm:~5.26.4\":\n"
    "  version: 5.26.5\n"
    "  resolution: \"undici-types@npm:5.26.5\"\n"
    "  languageName: node\n"
    "  linkType: hard\n";

static void test_yarn_berry(void **st)
{
    (void)st;
    struct npm_pkg_list l;
    struct strata_error err = {0};
    int rc = npm_parse_yarn_lock(U8(yarn_berry), strlen(yarn_berry), "yarn.lock", NULL, &l, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.lockfile_version, 8);
    assert_int_equal(l.n, 3);
    const struct npm_pkg *p = find(&l, "@types/node", NULL);
    assert_string_equal(p->version, "20.11.5");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->line, 8);
    p = find(&l, "lodash", NULL);
    assert_string_equal(p->version, "4.17.21");
    assert_int_equal(p->direct, 1);
    p = find(&l, "undici-types", NULL);
    assert_int_equal(p->direct, 0);
    npm_pkg_list_free(&l);

    static const char notmap[] = "__metadata:\n  version: 8\n\"a@npm:1\": [1, 2]\n";
    expect_err(npm_parse_yarn_lock(U8(notmap), strlen(notmap), "y.lock", NULL, &l, &err), &err,
               "y.lock:3:1: entry is not a mapping");
    static const char dup[] = "__metadata:\n  version: 8\n__metadata:\n  version: 9\n";
    expect_err(npm_parse_yarn_lock(U8(dup), strlen(dup), "y.lock", NULL, &l, &err), &err,
               "y.lock:3:");
    static const char res[] =
        "__metadata:\n  version: 8\n\"a@npm:1\":\n  version: 1.0.0\n  resolution: *x\n";
    expect_err(npm_parse_yarn_lock(U8(res), strlen(res), "y.lock", NULL, &l, &err), &err,
               "y.lock:");
}

/* ---- pnpm ---- */

static const char pnpm_v5[] = "lockfileVersion: 5.4\n"
                              "\n"
                              "specifiers:\n"
                              "  lodash: ^4.17.15\n"
                              "  '@types/node': ^18.0.0\n"
                              "  react-dom: ^18.0.0\n"
                              "\n"
                              "dependencies:\n"
                              "  lodash: 4.17.21\n"
                              "  react-dom: 18.2.0_react@18.2.0\n"
                              "\n"
                              "devDependencies:\n"
                              "  '@types/node': 18.19.0\n"
                              "\n"
                              "packages:\n"
                              "\n"
                              "  /@types/node/18.19.0:\n"
                              "    resolution: {integrity: sha512-AAA=}\n"
                              "    dependencies:\n"
                              "      undici-types: 5.26.5\n"
                              "    dev: true\n"
                              "\n"
                              "  /lodash/4.17.21:\n"
                              "    resolution: {integrity: sha512-BBB=}\n"
                              "    dev: false\n"
                              "\n"
                              "  /react-dom/18.2.0_react@18.2.0:\n"
                              "    resolution: {integrity: sha512-CCC=}\n"
                              "    peerDependencies:\n"
                              "      react: ^18.2.0\n"
                              "    dev: false\n"
                              "\n"
                              "  /undici-types/5.26.5:\n"
                              "    resolution: {integrity: sha512-DDD=}\n"
                              "    dev: true\n";

static const char pnpm_v6[] = "lockfileVersion: '6.0'\n"
                              "\n"
                              "settings:\n"
                              "  autoInstallPeers: true\n"
                              "  excludeLinksFromLockfile: false\n"
                              "\n"
                              "dependencies:\n"
                              "  lodash:\n"
                              "    specifier: ^4.17.15\n"
                              "    version: 4.17.21\n"
                              "  react-dom:\n"
                              "    specifier: ^18.0.0\n"
                              "    version: 18.2.0(react@18.2.0)\n"
                              "\n"
                              "devDependencies:\n"
                              "  '@types/node':\n"
                              "    specifier: ^18.0.0\n"
                              "    version: 18.19.0\n"
                              "\n"
                              "packages:\n"
                              "\n"
                              "  /@types/node@18.19.0:\n"
                              "    resolution: {integrity: sha512-AAA=}\n"
                              "    dev: true\n"
                              "\n"
                              "  /lodash@4.17.21:\n"
                              "    resolution: {integrity: sha512-BBB=}\n"
                              "    dev: false\n"
                              "\n"
                              "  /react-dom@18.2.0(react@18.2.0):\n"
                              "    resolution: {integrity: sha512-CCC=}\n"
                              "    dev: false\n"
                              "\n"
                              "  /undici-types@5.26.5:\n"
                              "    resolution: {integrity: sha512-DDD=}\n"
                              "    dev: true\n";

static const char pnpm_v9[] = "lockfileVersion: '9.0'\n"
                              "\n"
                              "settings:\n"
                              "  autoInstallPeers: true\n"
                              "\n"
                              "importers:\n"
                              "\n"
                              "  .:\n"
                              "    dependencies:\n"
                              "      lodash:\n"
                              "        specifier: ^4.17.15\n"
                              "        version: 4.17.21\n"
                              "      react-dom:\n"
                              "        specifier: ^18.0.0\n"
                              "        version: 18.2.0(react@18.2.0)\n"
                              "    devDependencies:\n"
                              "      '@types/node':\n"
                              "        specifier: ^18.0.0\n"
                              "        version: 18.19.0\n"
                              "\n"
                              "packages:\n"
                              "\n"
                              "  '@types/node@18.19.0':\n"
                              "    resolution: {integrity: sha512-AAA=}\n"
                              "\n"
                              "  lodash@4.17.21:\n"
                              "    resolution: {integrity: sha512-BBB=}\n"
                              "\n"
                              "  react-dom@18.2.0:\n"
                              "    resolution: {integrity: sha512-CCC=}\n"
                              "    peerDependencies:\n"
                              "      react: ^18.2.0\n"
                              "\n"
                              "  undici-types@5.26.5:\n"
                              "    resolution: {integrity: sha512-DDD=}\n"
                              "\n"
                              "snapshots:\n"
                              "\n"
                              "  '@types/node@18.19.0':\n"
                              "    dependencies:\n"
                              "      undici-types: 5.26.5\n"
                              "\n"
                              "  lodash@4.17.21: {}\n";

static void check_pnpm(const char *text, int version, int indirect_dev)
{
    struct npm_pkg_list l;
    struct strata_error err = {0};
    int rc = npm_parse_pnpm_lock(U8(text), strlen(text), "pnpm-lock.yaml", &l, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.lockfile_version, version);
    assert_int_equal(l.n, 4);
    const struct npm_pkg *p = find(&l, "@types/node", NULL);
    assert_non_null(p);
    assert_string_equal(p->version, "18.19.0");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 1);
    p = find(&l, "lodash", NULL);
    assert_string_equal(p->version, "4.17.21");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 0);
    assert_true(p->line > 0);
    p = find(&l, "react-dom", NULL);
    assert_string_equal(p->version, "18.2.0");
    assert_int_equal(p->direct, 1);
    p = find(&l, "undici-types", NULL);
    assert_int_equal(p->direct, 0);
    assert_int_equal(p->dev, indirect_dev);
    npm_pkg_list_free(&l);
}

static void test_pnpm(void **st)
{
    (void)st;
    check_pnpm(pnpm_v5, 5, 1);
    check_pnpm(pnpm_v6, 6, 1);
    check_pnpm(pnpm_v9, 9, 0); /* v9 no longer records dev for indirect packages */
}

static void test_yaml_hostile(void **st)
{
    (void)st;
    struct npm_pkg_list l;
    struct strata_error err = {0};
    /* The billion laughs: aliases are never expanded. */
    static const char bomb[] = "lockfileVersion: '9.0'\n"
                               "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
                               "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                               "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                               "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                               "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                               "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                               "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
                               "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
                               "importers: *h\n"
                               "packages: *h\n";
    expect_err(npm_parse_pnpm_lock(U8(bomb), strlen(bomb), "p.yaml", &l, &err), &err, "p.yaml");
    static const char alias_pkgs[] = "lockfileVersion: '9.0'\n"
                                     "x: &x {resolution: {integrity: a}}\n"
                                     "packages:\n"
                                     "  a@1.0.0: *x\n";
    expect_err(npm_parse_pnpm_lock(U8(alias_pkgs), strlen(alias_pkgs), "p.yaml", &l, &err), &err,
               "p.yaml:4:3: package entry is not a mapping");
    size_t d = 10000;
    char *deep = malloc(d + 64);
    assert_non_null(deep);
    strcpy(deep, "lockfileVersion: 6\npackages: ");
    size_t k = strlen(deep);
    memset(deep + k, '[', d);
    deep[k + d] = '\0';
    expect_err(npm_parse_pnpm_lock(U8(deep), strlen(deep), "p.yaml", &l, &err), &err, "p.yaml:2:");
    free(deep);
    static const char dup[] = "lockfileVersion: 6\npackages:\n  /a@1:\n    dev: true\n"
                              "  /a@1:\n    dev: false\n";
    expect_err(npm_parse_pnpm_lock(U8(dup), strlen(dup), "p.yaml", &l, &err), &err, "p.yaml:5:");
    static const char nover[] = "packages: {}\n";
    expect_err(npm_parse_pnpm_lock(U8(nover), strlen(nover), "p.yaml", &l, &err), &err,
               "p.yaml: missing or invalid lockfileVersion");
    static const char trunc[] = "lockfileVersion: '6.0'\npackages:\n  /a@1.0.0: {resolution: {in";
    expect_err(npm_parse_pnpm_lock(U8(trunc), strlen(trunc), "p.yaml", &l, &err), &err,
               "p.yaml:4:1: invalid YAML");
    static const char nul[] = "lockfileVersion: 6\n\0x";
    expect_err(npm_parse_pnpm_lock(U8(nul), sizeof nul - 1, "p.yaml", &l, &err), &err,
               "p.yaml:2:1: NUL byte");
    /* A malformed directive once hung libfyaml (found by fuzzing). */
    static const char dir[] = "lockfileVersion: 6\n%ut of memory\n";
    expect_err(npm_parse_pnpm_lock(U8(dir), strlen(dir), "p.yaml", &l, &err), &err,
               "p.yaml:2:1: YAML directives are not supported");
    static const char wrong[] = "lockfileVersion: 6\nimporters: [1]\n";
    expect_err(npm_parse_pnpm_lock(U8(wrong), strlen(wrong), "p.yaml", &l, &err), &err,
               "p.yaml: importers is not a mapping");
    /* Garbage of every kind: an error, never a crash. */
    static const char *const junk[] = {"",
                                       ":",
                                       "- a\n- b\n",
                                       "lockfileVersion: 6\npackages: 7\n",
                                       "{",
                                       "'",
                                       "lockfileVersion: [x]\n"};
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
        int rc = npm_parse_pnpm_lock(U8(junk[i]), strlen(junk[i]), "p.yaml", &l, &err);
        if (rc == 0)
            npm_pkg_list_free(&l);
        else
            assert_true(strncmp(err.msg, "p.yaml", 6) == 0);
    }
    /* Quoted keys and values with escapes are no npm name or version: refused without asking
     * libfyaml for their text (0.7 leaks formatting several escapes; the sanitizer build of
     * this test would report it). */
    static const char escaped[] =
        "lockfileVersion: '9.0'\nimporters:\n  .:\n"
        "    dependencies:\n      '@t''''''''ypes/node':\n"
        "        specifier: ^1\n        version: \"1.\\t\\t\\t\\t0\"\n"
        "      lodash:\n        specifier: ^4\n        version: 4.17.21\n";
    int rc = npm_parse_pnpm_lock(U8(escaped), strlen(escaped), "p.yaml", &l, &err);
    if (rc == 0)
        npm_pkg_list_free(&l);
    else
        assert_true(strncmp(err.msg, "p.yaml", 6) == 0);
}

/* ---- the analyzer over a synthetic view ---- */

static const struct npm_found *found(const struct npm_found_list *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].path, path) == 0)
            return &l->v[i];
    return NULL;
}

#define PJ(n, v) "{\"name\":\"" n "\",\"version\":\"" v "\",\"license\":\"MIT\"}"

/* package-lock v2/v3 files are parsed in the layer's worker; the copy a reader of the final
 * image sees decides (a later layer's lockfile replaces an earlier one), and a v1 lockfile,
 * which needs the project's package.json, is still parsed at the end with it. */
static void test_lockfile_parsed_per_layer(void **st)
{
    (void)st;
    static const char lock_direct[] =
        "{\"name\":\"app\",\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"app\","
        "\"dependencies\":{\"ms\":\"^2\"}},\"node_modules/ms\":{\"version\":\"2.1.3\"}}}";
    static const char lock_dev[] =
        "{\"name\":\"app\",\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"app\","
        "\"devDependencies\":{\"ms\":\"^2\"}},\"node_modules/ms\":{\"version\":\"2.1.3\","
        "\"dev\":true}}}";
    static const char lock_v1[] = "{\"name\":\"app\",\"lockfileVersion\":1,\"dependencies\":"
                                  "{\"ms\":{\"version\":\"2.1.3\"}}}";
    const struct at_file l0[] = {
        AT_FILE("app/package.json", "{\"name\":\"app\",\"dependencies\":{\"ms\":\"^2\"}}"),
        AT_FILE("app/package-lock.json", lock_direct),
        AT_FILE("app/node_modules/ms/package.json", PJ("ms", "2.1.3")),
        AT_FILE("v1/package.json", "{\"name\":\"v1\",\"dependencies\":{\"ms\":\"^2\"}}"),
        AT_FILE("v1/package-lock.json", lock_v1),
        AT_FILE("v1/node_modules/ms/package.json", PJ("ms", "2.1.3")),
        AT_END,
    };
    const struct at_file l1[] = {AT_FILE("app/package-lock.json", lock_dev), AT_END};
    const struct at_file *layers[] = {l0, l1};
    struct strata_report *r = at_run(&strata_analyzer_npm, layers, 2, at_numbered_ids);
    const struct strata_package *p = at_pkg(r, "ms", "/app/node_modules/ms/package.json");
    assert_non_null(p);
    assert_int_equal(p->dev, 1); /* layer 1's lockfile, not layer 0's */
    assert_int_equal(p->direct, 1);
    assert_string_equal(p->lockfile, "/app/package-lock.json");
    p = at_pkg(r, "ms", "/v1/node_modules/ms/package.json");
    assert_non_null(p);
    assert_int_equal(p->direct, 1); /* from v1/package.json through the v1 lockfile */
    assert_string_equal(p->lockfile, "/v1/package-lock.json");
    strata_report_free(r);
}

static void test_analyzer_image(void **st)
{
    (void)st;
    static const char app_pj[] =
        "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"jws\":\"^3\"},"
        "\"devDependencies\":{\"@types/node\":\"^20\"}}";
    static const char app_lock[] =
        "{\"name\":\"app\",\"lockfileVersion\":3,\"packages\":{"
        "\"\":{\"name\":\"app\",\"dependencies\":{\"jws\":\"^3\"},"
        "\"devDependencies\":{\"@types/node\":\"^20\"}},"
        "\"node_modules/jws\":{\"version\":\"3.2.2\"},"
        "\"node_modules/safe-buffer\":{\"version\":\"5.2.1\"},"
        "\"node_modules/jws/node_modules/safe-buffer\":{\"version\":\"5.1.0\"},"
        "\"node_modules/@types/node\":{\"version\":\"20.1.0\",\"dev\":true}}}";
    static const struct at_file l0[] = {
        AT_FILE("app/package.json", app_pj),
        AT_FILE("app/package-lock.json", app_lock),
        AT_FILE("app/node_modules/jws/package.json", PJ("jws", "3.2.1")),
        AT_FILE("app/node_modules/safe-buffer/package.json", PJ("safe-buffer", "5.2.1")),
        AT_FILE("app/node_modules/jws/node_modules/safe-buffer/package.json",
                PJ("safe-buffer", "5.1.0")),
        AT_FILE("app/node_modules/@types/node/package.json", PJ("@types/node", "20.1.0")),
        /* Not installs: a fixture inside a package, a broken file, a nameless one. */
        AT_FILE("app/node_modules/jws/test/fixture/package.json", PJ("fixture", "0.0.0")),
        AT_FILE("app/node_modules/broken/package.json", "{\"name\": \"broken\","),
        AT_FILE("app/node_modules/nameless/package.json", "{\"version\": \"1\"}"),
        /* A global install without a project manifest. */
        AT_FILE("usr/lib/node_modules/npm/package.json", PJ("npm", "9.2.0")),
        AT_FILE("usr/lib/node_modules/npm/node_modules/semver/package.json", PJ("semver", "7.5.4")),
        AT_END,
    };
    static const struct at_file l1[] = {
        /* An upgrade in a later layer moves jws there. */
        AT_FILE("app/node_modules/jws/package.json", PJ("jws", "3.2.2")),
        AT_END,
    };
    static const struct at_file l2[] = {
        AT_WHITEOUT("usr/lib/node_modules/npm/node_modules/semver/package.json"),
        AT_END,
    };
    const struct at_file *layers[] = {l0, l1, l2};
    const char *ids[] = {"sha256:00", "sha256:11", "sha256:22"};
    struct at_image im;
    at_build(&im, &strata_analyzer_npm, layers, 3, ids);
    struct npm_found_list l;
    struct strata_error err = {0};
    int rc = npm_inventory(im.states, 3, im.view, im.report, &l, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.n, 5);
    const struct npm_found *f = found(&l, "/app/node_modules/jws/package.json");
    assert_non_null(f);
    assert_string_equal(f->version, "3.2.2");
    assert_int_equal(f->layer, 1);
    assert_int_equal(f->direct, 1);
    assert_int_equal(f->dev, 0);
    assert_string_equal(f->lockfile, "/app/package-lock.json");
    f = found(&l, "/app/node_modules/jws/node_modules/safe-buffer/package.json");
    assert_string_equal(f->version, "5.1.0");
    assert_int_equal(f->direct, 0);
    assert_int_equal(f->layer, 0);
    f = found(&l, "/app/node_modules/@types/node/package.json");
    assert_int_equal(f->direct, 1);
    assert_int_equal(f->dev, 1);
    assert_string_equal(f->license, "MIT");
    f = found(&l, "/usr/lib/node_modules/npm/package.json");
    assert_int_equal(f->direct, -1);
    assert_null(f->lockfile);
    assert_null(found(&l, "/usr/lib/node_modules/npm/node_modules/semver/package.json"));
    npm_found_list_free(&l);

    rc = at_finish(&im, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(im.report->n_packages, 5);
    const struct strata_package *p =
        at_pkg(im.report, NULL, "/app/node_modules/@types/node/package.json");
    assert_non_null(p);
    assert_string_equal(p->purl, "pkg:npm/%40types/node@20.1.0");
    assert_string_equal(p->type, "npm");
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0], "MIT");
    assert_string_equal(p->layer_diff_id, "sha256:00");
    p = at_pkg(im.report, NULL, "/app/node_modules/jws/package.json");
    assert_string_equal(p->purl, "pkg:npm/jws@3.2.2");
    assert_int_equal(p->layer_index, 1);
    assert_string_equal(p->layer_diff_id, "sha256:11");
    at_free(&im);
}

static void test_analyzer_fs(void **st)
{
    (void)st;
    static const char web_pj[] = "{\"name\":\"web\",\"dependencies\":{\"lodash\":\"4.17.15\"},"
                                 "\"devDependencies\":{\"mocha\":\"^10.0.0\"}}";
    static const struct at_file l0[] = {
        AT_FILE("web/package.json", web_pj),
        AT_FILE("web/yarn.lock", yarn_v1),
        /* Installed under a project that has a lockfile: the lockfile reports it. */
        AT_FILE("web/node_modules/lodash/package.json", PJ("lodash", "4.17.15")),
        AT_FILE("svc/pnpm-lock.yaml", pnpm_v9),
        /* A project without a lockfile: its installed packages are reported. */
        AT_FILE("tool/package.json", "{\"dependencies\":{\"ms\":\"2\"}}"),
        AT_FILE("tool/node_modules/ms/package.json", PJ("ms", "2.1.3")),
        AT_END,
    };
    const struct at_file *layers[] = {l0};
    struct at_image im;
    at_build(&im, &strata_analyzer_npm, layers, 1, AT_FILESYSTEM);
    struct npm_found_list l;
    struct strata_error err = {0};
    int rc = npm_inventory(im.states, 1, im.view, im.report, &l, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.n, 4 + 4 + 1);
    size_t lodash = 0;
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.v[i].layer, -1);
        if (strcmp(l.v[i].name, "lodash") == 0) {
            lodash++;
            if (strcmp(l.v[i].path, "/web/yarn.lock") == 0) {
                assert_int_equal(l.v[i].direct, 1);
                assert_string_equal(l.v[i].version, "4.17.15");
            }
        }
        if (strcmp(l.v[i].name, "mocha") == 0)
            assert_int_equal(l.v[i].dev, 1);
    }
    assert_int_equal(lodash, 2); /* web's yarn.lock and svc's pnpm lock */
    const struct npm_found *f = found(&l, "/tool/node_modules/ms/package.json");
    assert_non_null(f);
    assert_int_equal(f->direct, 1);
    npm_found_list_free(&l);

    /* A broken lockfile of a filesystem is an error naming it. */
    static const struct at_file bad[] = {
        AT_FILE("x/package-lock.json", "{\"lockfileVersion\": 3,\n\"packages\": {"),
        AT_END,
    };
    const struct at_file *blayers[] = {bad};
    struct at_image bim;
    at_build(&bim, &strata_analyzer_npm, blayers, 1, AT_FILESYSTEM);
    rc = at_finish(&bim, &err);
    expect_err(rc, &err, "x/package-lock.json:2:");
    at_free(&bim);
    at_free(&im);
}

/* ---- a lockfile written by the real npm (skipped without npm or its registry) ---- */

static void test_real_npm(void **st)
{
    (void)st;
    if (getenv("STRATA_TEST_OFFLINE") != NULL || system("command -v npm >/dev/null 2>&1") != 0)
        skip();
    char dir[] = "/tmp/strata-npm-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && printf '%%s' '{\"name\":\"t\",\"version\":\"1.0.0\",\"dependencies\":"
             "{\"jws\":\"3.2.2\",\"@tootallnate/once\":\"2.0.0\"},\"devDependencies\":{\"ms\":"
             "\"2.1.3\"}}' > package.json && timeout 60 npm install --package-lock-only "
             "--ignore-scripts --no-audit --no-fund >/dev/null 2>&1",
             dir);
    int ok = system(cmd) == 0;
    size_t len = 0;
    char path[512];
    snprintf(path, sizeof path, "%s/package-lock.json", dir);
    uint8_t *data = ok ? tf_slurp(path, &len) : NULL;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    if (data == NULL)
        skip(); /* registry unreachable */
    struct npm_pkg_list l;
    struct strata_error err = {0};
    int rc = npm_parse_package_lock(U8(data), len, "package-lock.json", NULL, &l, &err);
    free(data);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.lockfile_version, 3);
    const struct npm_pkg *p = find(&l, "jws", "node_modules/jws");
    assert_non_null(p);
    assert_string_equal(p->version, "3.2.2");
    assert_int_equal(p->direct, 1);
    p = find(&l, "@tootallnate/once", NULL);
    assert_non_null(p);
    assert_int_equal(p->direct, 1);
    p = find(&l, "ms", NULL);
    assert_int_equal(p->dev, 1);
    p = find(&l, "jwa", NULL);
    assert_non_null(p);
    assert_int_equal(p->direct, 0);
    assert_int_equal(p->dev, 0);
    npm_pkg_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_package_json),   cmocka_unit_test(test_package_json_hostile),
        cmocka_unit_test(test_lock_v1),        cmocka_unit_test(test_lock_v3),
        cmocka_unit_test(test_lock_hostile),   cmocka_unit_test(test_yarn_classic),
        cmocka_unit_test(test_yarn_berry),     cmocka_unit_test(test_pnpm),
        cmocka_unit_test(test_yaml_hostile),   cmocka_unit_test(test_lockfile_parsed_per_layer),
        cmocka_unit_test(test_analyzer_image), cmocka_unit_test(test_analyzer_fs),
        cmocka_unit_test(test_real_npm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
