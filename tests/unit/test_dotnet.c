/* .NET parsers and analyzer: a deps.json as the .NET SDK writes it (project, package and
 * reference libraries), packages.lock.json v1 over two target frameworks, hostile inputs,
 * and the analyzer over a synthetic image (layers, whiteouts) and filesystem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer_test_util.h"
#include "inventory/dotnet_parse.h"
#include "strata/analyzer.h"
#include "strata/report.h"

extern const struct strata_analyzer strata_analyzer_dotnet;
#define U8(s) ((const uint8_t *)(s))

static const char deps[] = "{\n"
                           "  \"runtimeTarget\": {\n"
                           "    \"name\": \".NETCoreApp,Version=v6.0\",\n"
                           "    \"signature\": \"\"\n"
                           "  },\n"
                           "  \"compilationOptions\": {},\n"
                           "  \"targets\": {\n"
                           "    \".NETCoreApp,Version=v6.0\": {\n"
                           "      \"webapp/1.0.0\": {\n"
                           "        \"dependencies\": {\n"
                           "          \"Newtonsoft.Json\": \"13.0.1\",\n"
                           "          \"mylib\": \"1.0.0\"\n"
                           "        },\n"
                           "        \"runtime\": {\n"
                           "          \"webapp.dll\": {}\n"
                           "        }\n"
                           "      },\n"
                           "      \"Newtonsoft.Json/13.0.1\": {\n"
                           "        \"runtime\": {\n"
                           "          \"lib/netstandard2.0/Newtonsoft.Json.dll\": {\n"
                           "            \"assemblyVersion\": \"13.0.0.0\",\n"
                           "            \"fileVersion\": \"13.0.1.25517\"\n"
                           "          }\n"
                           "        }\n"
                           "      },\n"
                           "      \"mylib/1.0.0\": {\n"
                           "        \"runtime\": {\n"
                           "          \"mylib.dll\": {}\n"
                           "        }\n"
                           "      }\n"
                           "    }\n"
                           "  },\n"
                           "  \"libraries\": {\n"
                           "    \"webapp/1.0.0\": {\n"
                           "      \"type\": \"project\",\n"
                           "      \"serviceable\": false,\n"
                           "      \"sha512\": \"\"\n"
                           "    },\n"
                           "    \"Newtonsoft.Json/13.0.1\": {\n"
                           "      \"type\": \"package\",\n"
                           "      \"serviceable\": true,\n"
                           "      \"sha512\": "
                           "\"sha512-ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+"
                           "za13IdyrgJwpkDTDA9fHaxOrt20A==\",\n"
                           "      \"path\": \"newtonsoft.json/13.0.1\",\n"
                           "      \"hashPath\": \"newtonsoft.json.13.0.1.nupkg.sha512\"\n"
                           "    },\n"
                           "    \"mylib/1.0.0\": {\n"
                           "      \"type\": \"project\",\n"
                           "      \"serviceable\": false,\n"
                           "      \"sha512\": \"\"\n"
                           "    },\n"
                           "    \"System.Drawing/4.0.0.0\": {\n"
                           "      \"type\": \"reference\",\n"
                           "      \"serviceable\": false,\n"
                           "      \"sha512\": \"\"\n"
                           "    }\n"
                           "  }\n"
                           "}";

static const char lock[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"dependencies\": {\n"
    "    \"net6.0\": {\n"
    "      \"Newtonsoft.Json\": {\n"
    "        \"type\": \"Direct\",\n"
    "        \"requested\": \"[13.0.1, )\",\n"
    "        \"resolved\": \"13.0.1\",\n"
    "        \"contentHash\": "
    "\"ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+za13IdyrgJwpkDTDA9fHaxOrt20A==\"\n"
    "      },\n"
    "      \"System.Text.Json\": {\n"
    "        \"type\": \"Transitive\",\n"
    "        \"resolved\": \"6.0.0\",\n"
    "        \"contentHash\": \"abc=\"\n"
    "      },\n"
    "      \"mylib\": {\n"
    "        \"type\": \"Project\",\n"
    "        \"dependencies\": {\n"
    "          \"Newtonsoft.Json\": \"[13.0.1, )\"\n"
    "        }\n"
    "      }\n"
    "    },\n"
    "    \"net8.0\": {\n"
    "      \"System.Text.Json\": {\n"
    "        \"type\": \"Direct\",\n"
    "        \"requested\": \"[6.0.0, )\",\n"
    "        \"resolved\": \"6.0.0\",\n"
    "        \"contentHash\": \"abc=\"\n"
    "      },\n"
    "      \"Serilog\": {\n"
    "        \"type\": \"CentralTransitive\",\n"
    "        \"requested\": \"[3.1.1, )\",\n"
    "        \"resolved\": \"3.1.1\",\n"
    "        \"contentHash\": \"x=\"\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "}";

static const struct dotnet_pkg *dfind(const struct dotnet_pkg_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i];
    return NULL;
}

static void test_parsers(void **st)
{
    (void)st;
    struct dotnet_pkg_list l;
    struct strata_error err = {0};
    assert_int_equal(dotnet_parse_deps(U8(deps), strlen(deps), "a.deps.json", &l, &err), 0);
    assert_int_equal(l.n, 1); /* project and reference libraries are not packages */
    assert_string_equal(l.v[0].name, "Newtonsoft.Json");
    assert_string_equal(l.v[0].version, "13.0.1");
    assert_int_equal(l.v[0].direct, -1);
    dotnet_pkg_list_free(&l);
    assert_int_equal(dotnet_parse_lock(U8(lock), strlen(lock), "packages.lock.json", &l, &err), 0);
    assert_int_equal(l.n, 3); /* System.Text.Json once for both frameworks */
    assert_int_equal(dfind(&l, "Newtonsoft.Json")->direct, 1);
    assert_int_equal(dfind(&l, "System.Text.Json")->direct, 1); /* direct in net8.0 */
    assert_int_equal(dfind(&l, "Serilog")->direct, 0);
    assert_null(dfind(&l, "mylib"));
    dotnet_pkg_list_free(&l);
}

static void test_hostile(void **st)
{
    (void)st;
    struct dotnet_pkg_list l;
    struct strata_error err = {0};
    static const char trunc[] = "{\n  \"libraries\": {\n    \"a/1\": {";
    expect_err(dotnet_parse_deps(U8(trunc), strlen(trunc), "a.deps.json", &l, &err), &err,
               "a.deps.json:3:");
    static const char dup[] = "{\"libraries\": {},\n\"libraries\": {}}";
    expect_err(dotnet_parse_deps(U8(dup), strlen(dup), "a.deps.json", &l, &err), &err,
               "a.deps.json:2:");
    static const char wrong[] = "{\"libraries\": []}";
    expect_err(dotnet_parse_deps(U8(wrong), strlen(wrong), "a.deps.json", &l, &err), &err,
               "a.deps.json: libraries: not an object");
    static const char noslash[] = "{\"libraries\": {\"abc\": {\"type\": \"package\"}}}";
    expect_err(dotnet_parse_deps(U8(noslash), strlen(noslash), "a.deps.json", &l, &err), &err,
               "a.deps.json: libraries.abc: not \"Name/Version\"");
    static const char badtype[] = "{\"libraries\": {\"a/1\": {\"type\": 1}}}";
    expect_err(dotnet_parse_deps(U8(badtype), strlen(badtype), "a.deps.json", &l, &err), &err,
               "a.deps.json: libraries.a/1.type: not a string");
    static const char nul[] = "{\"libraries\": {\"a/1\\u0000\": {\"type\": \"package\"}}}";
    expect_err(dotnet_parse_deps(U8(nul), strlen(nul), "a.deps.json", &l, &err), &err,
               "a.deps.json:");
    static const char ver[] = "{\"version\": 3, \"dependencies\": {}}";
    expect_err(dotnet_parse_lock(U8(ver), strlen(ver), "p.json", &l, &err), &err,
               "p.json: version: not 1 or 2");
    static const char entry[] = "{\"version\": 1, \"dependencies\": {\"net6.0\": {\"A\": 5}}}";
    expect_err(dotnet_parse_lock(U8(entry), strlen(entry), "p.json", &l, &err), &err,
               "p.json: dependencies.net6.0.A: not an object");
    static const char res[] = "{\"version\": 2, \"dependencies\": {\"net6.0\": {\"A\": "
                              "{\"type\": \"Direct\", \"resolved\": \"1 2\"}}}}";
    expect_err(dotnet_parse_lock(U8(res), strlen(res), "p.json", &l, &err), &err,
               "p.json: dependencies.net6.0.A: no valid id");
    size_t d = 100000;
    char *deep = malloc(d + 32);
    assert_non_null(deep);
    strcpy(deep, "{\"libraries\":");
    memset(deep + 13, '{', d);
    deep[13 + d] = '\0';
    expect_err(dotnet_parse_deps(U8(deep), strlen(deep), "a.deps.json", &l, &err), &err,
               "a.deps.json:1:");
    free(deep);
    /* many entries over many frameworks: linear (a set keyed by name/version) */
    size_t many = 20000;
    char *big = malloc(many * 80 + 128);
    assert_non_null(big);
    size_t n = (size_t)sprintf(big, "{\"version\":1,\"dependencies\":{\"net6.0\":{");
    for (size_t i = 0; i < many; i++)
        n += (size_t)sprintf(big + n, "%s\"P%zu\":{\"type\":\"Transitive\",\"resolved\":\"1.%zu\"}",
                             i ? "," : "", i, i);
    n += (size_t)sprintf(big + n, "}}}");
    assert_int_equal(dotnet_parse_lock(U8(big), n, "p.json", &l, &err), 0);
    assert_int_equal(l.n, many);
    dotnet_pkg_list_free(&l);
    free(big);
}

static void test_analyzer(void **st)
{
    (void)st;
    static const char upgraded[] =
        "{\"libraries\":{\"Newtonsoft.Json/13.0.3\":{\"type\":\"package\",\"serviceable\":true,"
        "\"sha512\":\"\"}}}";
    const struct at_file l0[] = {AT_FILE("app/webapp.deps.json", deps),
                                 AT_FILE("app/old.deps.json", deps),
                                 AT_FILE("src/packages.lock.json", lock), /* images: not reported */
                                 AT_FILE("bad/x.deps.json", "{oops"),     /* images: skipped */
                                 AT_END};
    const struct at_file l1[] = {AT_FILE("app/webapp.deps.json", upgraded),
                                 AT_WHITEOUT("app/old.deps.json"), AT_END};
    const struct at_file *layers[] = {l0, l1};
    static const char *const ids[] = {"sha256:aaa", "sha256:bbb"};
    struct at_image im;
    at_build(&im, &strata_analyzer_dotnet, layers, 2, ids);
    struct strata_error err = {0};
    int rc = at_finish(&im, &err);
    if (rc != 0)
        fail_msg("finish: %s", err.msg);
    assert_int_equal(im.report->n_packages, 1);
    const struct strata_package *p = at_pkg(im.report, "Newtonsoft.Json", "/app/webapp.deps.json");
    assert_string_equal(p->version, "13.0.3");
    assert_string_equal(p->type, "nuget");
    assert_string_equal(p->purl, "pkg:nuget/Newtonsoft.Json@13.0.3");
    assert_int_equal(p->layer_index, 1);
    at_free(&im);

    const struct at_file f0[] = {AT_FILE("app/webapp.deps.json", deps),
                                 AT_FILE("src/packages.lock.json", lock), AT_END};
    const struct at_file *flayers[] = {f0};
    at_build(&im, &strata_analyzer_dotnet, flayers, 1, AT_FILESYSTEM);
    rc = at_finish(&im, &err);
    if (rc != 0)
        fail_msg("finish: %s", err.msg);
    assert_int_equal(im.report->n_packages, 1 + 3);
    p = at_pkg(im.report, "Serilog", "/src/packages.lock.json");
    assert_int_equal(p->direct, 0);
    assert_string_equal(p->lockfile, "/src/packages.lock.json");
    assert_int_equal(p->layer_index, -1);
    at_free(&im);

    const struct at_file b0[] = {AT_FILE("src/packages.lock.json", "{\n \"version\": 1,\n ]"),
                                 AT_END};
    const struct at_file *blayers[] = {b0};
    at_build(&im, &strata_analyzer_dotnet, blayers, 1, AT_FILESYSTEM);
    rc = at_finish(&im, &err);
    expect_err(rc, &err, "src/packages.lock.json:3:");
    at_free(&im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parsers),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_analyzer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
