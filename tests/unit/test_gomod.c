/* go.mod parser and the gomod analyzer. The fixture has the layout `go mod tidy` writes
 * (a block of direct requirements, then one of "// indirect" ones, tab-indented), plus the
 * directives tidy leaves alone (replace, exclude, retract, godebug, tool). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inventory/gomod.h"
#include "inventory/gosum.h"
#include "inventory/gomod_purl.h"
#include "analyzer_test_util.h"

extern const struct strata_analyzer strata_analyzer_gomod;

#define U8(s) ((const uint8_t *)(s))

static const char tidy[] = "module example.com/app\n"
                           "\n"
                           "go 1.21\n"
                           "\n"
                           "toolchain go1.21.5\n"
                           "\n"
                           "godebug default=go1.21\n"
                           "\n"
                           "require (\n"
                           "\tgithub.com/BurntSushi/toml v1.3.2\n"
                           "\tgithub.com/old/lib v1.0.0\n"
                           "\texample.com/local v0.0.0-00010101000000-000000000000\n"
                           "\tgolang.org/x/crypto v0.17.0\n"
                           ")\n"
                           "\n"
                           "require (\n"
                           "\tgithub.com/davecgh/go-spew v1.1.1 // indirect\n"
                           "\tgolang.org/x/sys v0.15.0 // indirect; used by crypto\n"
                           "\tgopkg.in/yaml.v3 v3.0.1 // not indirect\n"
                           ")\n"
                           "\n"
                           "require \"github.com/quoted/mod\" `v2.0.0+incompatible` // indirect\n"
                           "\n"
                           "replace github.com/old/lib v1.0.0 => github.com/new/lib v1.1.0\n"
                           "\n"
                           "replace (\n"
                           "\texample.com/local => ../local\n"
                           "\tgolang.org/x/sys => golang.org/x/sys v0.16.0\n"
                           "\tgolang.org/x/sys v0.15.0 => golang.org/x/sys v0.15.1\n"
                           ")\n"
                           "\n"
                           "exclude golang.org/x/net v0.1.0\n"
                           "\n"
                           "retract (\n"
                           "\tv1.0.1 // published by mistake\n"
                           "\t[v1.2.0, v1.2.3]\n"
                           ")\n"
                           "\n"
                           "tool golang.org/x/tools/cmd/stringer\n";

static void test_parse(void **st)
{
    (void)st;
    struct gomod m;
    struct strata_error err = {0};
    int rc = gomod_parse(U8(tidy), strlen(tidy), "go.mod", &m, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(m.module, "example.com/app");
    assert_string_equal(m.go, "1.21");
    assert_string_equal(m.toolchain, "go1.21.5");
    assert_int_equal(m.n_req, 8);
    assert_string_equal(m.req[0].path, "github.com/BurntSushi/toml");
    assert_int_equal(m.req[0].indirect, 0);
    assert_int_equal(m.req[0].line, 10);
    assert_int_equal(m.req[4].indirect, 1);
    assert_int_equal(m.req[5].indirect, 1);
    assert_int_equal(m.req[6].indirect, 0);
    assert_string_equal(m.req[7].path, "github.com/quoted/mod");
    assert_string_equal(m.req[7].version, "v2.0.0+incompatible");
    assert_int_equal(m.req[7].indirect, 1);
    assert_int_equal(m.n_repl, 4);
    const char *p, *v;
    gomod_resolve(&m, &m.req[1], &p, &v);
    assert_string_equal(p, "github.com/new/lib");
    assert_string_equal(v, "v1.1.0");
    gomod_resolve(&m, &m.req[2], &p, &v);
    assert_null(p);
    gomod_resolve(&m, &m.req[5], &p, &v); /* the exact-version replacement wins */
    assert_string_equal(v, "v0.15.1");
    gomod_resolve(&m, &m.req[0], &p, &v);
    assert_string_equal(v, "v1.3.2");
    gomod_free(&m);
}

static void test_hostile(void **st)
{
    (void)st;
    static const struct {
        const char *text;
        int code;
        const char *msg;
    } cases[] = {
        {"require (\n\tx v1\n", STRATA_EFORMAT, "m:1:1: block not closed by ')'"},
        {"require x\n", STRATA_EFORMAT, "m:1:9: require: expected module path and version"},
        {"require x 1.0\n", STRATA_EFORMAT, "m:1:11: require: invalid version"},
        {"require \"x v1\n", STRATA_EFORMAT, "m:1:9: unterminated string"},
        {"require \"x\\n\" v1\n", STRATA_EFORMAT, "m:1:11: unsupported escape in a quoted string"},
        {"replace a => b\n", STRATA_EFORMAT, "m:1:9: replace: invalid arguments"},
        {"replace a => ./b v1.0.0\n", STRATA_EFORMAT, "m:1:9: replace: invalid arguments"},
        {"replace a b c => d v1\n", STRATA_EFORMAT,
         "m:1:9: replace: expected \"module [version] => module version\" or \"=> directory\""},
        {"module\n", STRATA_EFORMAT, "m:1:1: module: expected one argument"},
        {")\n", STRATA_EFORMAT, "m:1:1: unexpected token"},
        {"require ( x\n", STRATA_EFORMAT, "m:1:11: unexpected token after '('"},
        {"require x v1 a b c d e f g\n", STRATA_EFORMAT, "m:1:24: too many tokens on a line"},
        {"module x\0\n", STRATA_EFORMAT, "m:1:9: NUL byte"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gomod m;
        struct strata_error err = {0};
        size_t len = strlen(cases[i].text) + (strstr(cases[i].msg, "NUL") ? 2 : 0);
        int rc = gomod_parse(U8(cases[i].text), len, "m", &m, &err);
        gomod_free(&m);
        if (rc != cases[i].code || strcmp(err.msg, cases[i].msg) != 0)
            fail_msg("case %zu: rc %d \"%s\", expected \"%s\"", i, rc, err.msg, cases[i].msg);
    }
    /* Bounds: a long token, a long line, 100,001 requirements; every prefix. */
    size_t cap = 100002 * 16 + 64;
    char *big = malloc(cap);
    assert_non_null(big);
    strcpy(big, "module ");
    memset(big + 7, 'a', 5000);
    big[5007] = '\n';
    struct gomod m;
    struct strata_error err = {0};
    assert_int_equal(gomod_parse(U8(big), 5008, "m", &m, &err), STRATA_ELIMIT);
    gomod_free(&m);
    memset(big, ' ', 70000);
    assert_int_equal(gomod_parse(U8(big), 70000, "m", &m, &err), STRATA_ELIMIT);
    assert_string_equal(err.msg, "m:1:1: line longer than 65536 bytes");
    gomod_free(&m);
    size_t n = (size_t)sprintf(big, "require (\n");
    for (int i = 0; i <= 100000; i++)
        n += (size_t)sprintf(big + n, "\ta%d v1\n", i % 10);
    n += (size_t)sprintf(big + n, ")\n");
    assert_int_equal(gomod_parse(U8(big), n, "m", &m, &err), STRATA_ELIMIT);
    gomod_free(&m);
    free(big);
    for (size_t k = 0; k < strlen(tidy); k++) {
        char *c = malloc(k ? k : 1);
        assert_non_null(c);
        memcpy(c, tidy, k);
        (void)gomod_parse(U8(c), k, "m", &m, &err);
        gomod_free(&m);
        free(c);
    }
}

static void test_purl(void **st)
{
    (void)st;
    char *p = go_module_purl("github.com/BurntSushi/toml", "v1.2.1+incompatible");
    assert_string_equal(p, "pkg:golang/github.com/BurntSushi/toml@v1.2.1%2Bincompatible");
    free(p);
    p = go_module_purl("/a//b c/", NULL);
    assert_string_equal(p, "pkg:golang/a/b%20c");
    free(p);
}

static void test_analyzer(void **st)
{
    (void)st;
    const struct at_file f0[] = {
        AT_FILE("src/app/go.mod", tidy),
        AT_FILE("root/go/pkg/mod/golang.org/x/sys@v0.15.0/go.mod", "module golang.org/x/sys\n"),
        AT_FILE("src/app/vendor/x/go.mod", "require (\n"), /* not read: would be an error */
        AT_FILE("src/app/notgo.mod", "require (\n"),
        AT_FILE("go.mod", "module top\n\nrequire example.org/m v0.1.0\n"),
        AT_END,
    };
    const struct at_file *layers[] = {f0};
    struct strata_report *r = at_run(&strata_analyzer_gomod, layers, 1, AT_FILESYSTEM);
    /* app: toml, new/lib, crypto, go-spew, x/sys, yaml.v3, quoted/mod (local left out); top: m */
    assert_int_equal(r->n_packages, 8);
    const struct strata_package *p = at_pkg(r, "github.com/new/lib", "/src/app/go.mod");
    assert_non_null(p);
    assert_string_equal(p->type, "golang");
    assert_string_equal(p->version, "v1.1.0");
    assert_string_equal(p->purl, "pkg:golang/github.com/new/lib@v1.1.0");
    assert_int_equal(p->direct, 1);
    assert_string_equal(p->lockfile, "/src/app/go.mod");
    assert_int_equal(p->layer_index, -1);
    p = at_pkg(r, "golang.org/x/sys", NULL);
    assert_string_equal(p->version, "v0.15.1");
    assert_int_equal(p->direct, 0);
    assert_null(at_pkg(r, "example.com/local", NULL));
    assert_null(at_pkg(r, "example.com/app", NULL)); /* the module itself */
    assert_null(at_pkg(r, "stdlib", NULL));
    assert_non_null(at_pkg(r, "example.org/m", "/go.mod"));
    strata_report_free(r);

    /* Images: go.mod files are not reported. */
    const struct at_file *img[] = {f0};
    r = at_run(&strata_analyzer_gomod, img, 1, at_numbered_ids);
    assert_int_equal(r->n_packages, 0);
    strata_report_free(r);

    /* A broken go.mod in a filesystem is an error naming file:line:col. */
    const struct at_file f1[] = {AT_FILE("go.mod", "module x\nrequire y\n"), AT_END};
    const struct at_file *bad[] = {f1};
    struct strata_error err;
    r = at_run_rc(&strata_analyzer_gomod, bad, 1, AT_FILESYSTEM, STRATA_EFORMAT, &err);
    assert_string_equal(err.msg, "go.mod:2:9: require: expected module path and version");
    strata_report_free(r);
}

/* go.sum lines as the go command writes them: a content hash and a go.mod hash per version,
 * go.mod-only entries for versions resolution looked at but did not build. */
static const char gosum[] =
    "github.com/gin-gonic/gin v1.6.2/go.mod h1:75u5sXoLsGZoRN5Sgbi1eraJ4GU3++wFwWzhwvtwp4M=\n"
    "github.com/gin-gonic/gin v1.6.3 h1:ahKqKTFpO5KTPHxWZjEdPScmYaGtLo8Y4DMHoEsnp14=\n"
    "github.com/gin-gonic/gin v1.6.3/go.mod h1:75u5sXoLsGZoRN5Sgbi1eraJ4GU3++wFwWzhwvtwp4M=\n"
    "github.com/ugorji/go/codec v1.1.7 h1:2SvQaVZ1ouYrrKKwoSk2pzd4A9evlKJb9oTL+OaLUSs=\n"
    "github.com/ugorji/go/codec v1.1.10 h1:2SvQaVZ1ouYrrKKwoSk2pzd4A9evlKJb9oTL+OaLUSs=\n"
    "github.com/ugorji/go/codec v1.1.9 h1:2SvQaVZ1ouYrrKKwoSk2pzd4A9evlKJb9oTL+OaLUSs=\n"
    "gopkg.in/yaml.v2 v2.2.8/go.mod h1:hI93XBmqTisBFMUTm0b8Fm+jr3Dg1NNxqwp+5A1VGuI=\n"
    "\n"
    "example.com/svc v0.0.1 h1:selfselfselfselfselfselfselfselfselfself000=\r\n";

static void test_gosum(void **st)
{
    (void)st;
    struct gosum s;
    struct strata_error err = {0};
    assert_int_equal(gosum_parse((const uint8_t *)gosum, strlen(gosum), "go.sum", &s, &err), 0);
    assert_int_equal(s.n, 3); /* yaml.v2 has only a go.mod hash */
    assert_string_equal(s.v[0].path, "example.com/svc");
    assert_string_equal(s.v[1].path, "github.com/gin-gonic/gin");
    assert_string_equal(s.v[1].version, "v1.6.3");
    assert_string_equal(s.v[2].path, "github.com/ugorji/go/codec");
    assert_string_equal(s.v[2].version, "v1.1.10"); /* by Go's ordering, not by text */
    gosum_free(&s);

    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"a v1 h1:x\nb v1\n", "go.sum:2: expected 'module version h1:hash'"},
        {"a v1 h1:x extra\n", "go.sum:1: expected 'module version h1:hash'"},
        {"a v1 sha256:x\n", "go.sum:1: expected 'module version h1:hash'"},
        {"a v1 h1:x\nb\0 v1 h1:x\n", "go.sum:2: expected 'module version h1:hash'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t n = strlen(bad[i].text);
        if (i == 3)
            n = 21;
        assert_int_equal(gosum_parse((const uint8_t *)bad[i].text, n, "go.sum", &s, &err),
                         STRATA_EFORMAT);
        assert_string_equal(err.msg, bad[i].msg);
        gosum_free(&s);
    }
    assert_true(gosum_needed(NULL));
    assert_true(gosum_needed("1.16"));
    assert_true(gosum_needed("1.9"));
    assert_false(gosum_needed("1.17"));
    assert_false(gosum_needed("1.21"));
    assert_false(gosum_needed("2.0"));
}

/* Before Go 1.17 go.mod may omit indirect dependencies: go.sum's built modules fill in. */
static void test_analyzer_gosum(void **st)
{
    (void)st;
    static const char old_mod[] = "module example.com/svc\n\ngo 1.16\n\nrequire (\n"
                                  "\tgithub.com/gin-gonic/gin v1.6.3\n)\n";
    static const char new_mod[] = "module example.com/new\n\ngo 1.17\n\nrequire "
                                  "github.com/gin-gonic/gin v1.6.3\n";
    const struct at_file f0[] = {
        AT_FILE("old/go.mod", old_mod),
        AT_FILE("old/go.sum", gosum),
        AT_FILE("new/go.mod", new_mod),
        AT_FILE("new/go.sum", gosum),
        AT_FILE("lonely/go.sum", gosum), /* no go.mod: nothing */
        AT_END,
    };
    const struct at_file *layers[] = {f0};
    struct strata_report *r = at_run(&strata_analyzer_gomod, layers, 1, AT_FILESYSTEM);
    assert_int_equal(r->n_packages, 3); /* old: gin (go.mod), codec (go.sum); new: gin */
    const struct strata_package *p = at_pkg(r, "github.com/ugorji/go/codec", "/old/go.sum");
    assert_non_null(p);
    assert_string_equal(p->version, "v1.1.10");
    assert_int_equal(p->direct, 0);
    assert_string_equal(p->lockfile, "/old/go.sum");
    assert_int_equal(at_count_at(r, "/old/go.mod"), 1);
    assert_int_equal(at_count_at(r, "/new/go.mod"), 1);
    assert_null(at_pkg(r, "example.com/svc", NULL)); /* the module itself */
    strata_report_free(r);

    /* A broken go.sum that is needed is an error naming the file and line. */
    const struct at_file f1[] = {AT_FILE("go.mod", old_mod), AT_FILE("go.sum", "x v1\n"), AT_END};
    const struct at_file *bad[] = {f1};
    struct strata_error err;
    r = at_run_rc(&strata_analyzer_gomod, bad, 1, AT_FILESYSTEM, STRATA_EFORMAT, &err);
    assert_string_equal(err.msg, "go.sum:1: expected 'module version h1:hash'");
    strata_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse), cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_purl),  cmocka_unit_test(test_analyzer),
        cmocka_unit_test(test_gosum), cmocka_unit_test(test_analyzer_gosum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
