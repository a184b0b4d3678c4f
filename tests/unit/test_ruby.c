/* RubyGems specifications, Bundler lockfiles and the ruby analyzer. Fixtures are excerpts of
 * real files: rake 13.0.6's and digest 3.1.0's specifications as Debian 12's ruby3.1 installs
 * them (the digest stub line holds NUL bytes, as RubyGems writes it), a Gemfile.lock written
 * by `bundle lock --local` (Bundler 2.3.15), and a lockfile with GIT, PATH, platform-specific
 * and CHECKSUMS sections in Bundler's layout. When ruby is installed, every specification in
 * /usr/lib/ruby/gems and /usr/share/rubygems-integration is parsed too. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inventory/ruby_parse.h"
#include "analyzer_test_util.h"

extern const struct strata_analyzer strata_analyzer_ruby;

#define U8(s) ((const uint8_t *)(s))

static const char rake_spec[] =
    "# -*- encoding: utf-8 -*-\n"
    "# stub: rake 13.0.6 ruby lib\n"
    "\n"
    "Gem::Specification.new do |s|\n"
    "  s.name = \"rake\".freeze\n"
    "  s.version = \"13.0.6\"\n"
    "\n"
    "  s.required_rubygems_version = Gem::Requirement.new(\">= 0\".freeze) if s.respond_to? "
    ":required_rubygems_version=\n"
    "  s.metadata = { \"bug_tracker_uri\" => \"https://github.com/ruby/rake/issues\", "
    "\"changelog_uri\" => \"https://github.com/ruby/rake/blob/v13.0.6/History.rdoc\" } if "
    "s.respond_to? :metadata=\n"
    "  s.require_paths = [\"lib\".freeze]\n"
    "  s.authors = [\"Hiroshi SHIBATA\".freeze, \"Eric Hodel\".freeze, \"Jim Weirich\".freeze]\n"
    "  s.bindir = \"exe\".freeze\n"
    "  s.date = \"2021-07-09\"\n"
    "  s.description = \"Rake is a Make-like program implemented in Ruby. Tasks and dependencies "
    "are\\nspecified in standard Ruby syntax.\\n\".freeze\n"
    "  s.email = [\"hsbt@ruby-lang.org\".freeze, \"drbrain@segment7.net\".freeze, \"\".freeze]\n"
    "  s.executables = [\"rake\".freeze]\n"
    "  s.files = [\"exe/rake\".freeze]\n"
    "  s.homepage = \"https://github.com/ruby/rake\".freeze\n"
    "  s.licenses = [\"MIT\".freeze]\n"
    "  s.rdoc_options = [\"--main\".freeze, \"README.rdoc\".freeze]\n"
    "  s.required_ruby_version = Gem::Requirement.new(\">= 2.2\".freeze)\n"
    "  s.rubygems_version = \"3.3.7\".freeze\n"
    "  s.summary = \"Rake is a Make-like program implemented in Ruby\".freeze\n"
    "\n"
    "  s.installed_by_version = \"3.3.7\" if s.respond_to? :installed_by_version\n"
    "end\n";

static const char digest_spec[] =
    "# -*- encoding: utf-8 -*-\n"
    "# stub: digest 3.1.0 ruby lib\n"
    "# stub: ext/digest/bubblebabble/extconf.rb\0ext/digest/extconf.rb\0ext/digest/md5/"
    "extconf.rb\n"
    "\n"
    "Gem::Specification.new do |s|\n"
    "  s.name = \"digest\".freeze\n"
    "  s.version = \"3.1.0\"\n"
    "  s.authors = [\"Akinori MUSHA\".freeze]\n"
    "  s.licenses = [\"Ruby\".freeze, \"BSD-2-Clause\".freeze]\n"
    "end\n";

/* The shape of RubyGems 1.3-era specifications (still found in old images). */
static const char old_spec[] = "Gem::Specification.new do |spec|\n"
                               "  spec.name = %q{rack-test}\n"
                               "  spec.version = '0.5.4'\n"
                               "  spec.platform = %q<x86_64-linux>\n"
                               "  spec.license = 'MIT'\n"
                               "  spec.summary = %q{Simple {nested} test}\n"
                               "end\n";

static const char bundler_lock[] = "GEM\n"
                                   "  remote: https://rubygems.org/\n"
                                   "  specs:\n"
                                   "    minitest (5.15.0)\n"
                                   "    power_assert (2.0.1)\n"
                                   "    rake (13.0.6)\n"
                                   "    test-unit (3.5.3)\n"
                                   "      power_assert\n"
                                   "\n"
                                   "PLATFORMS\n"
                                   "  x86_64-linux\n"
                                   "\n"
                                   "DEPENDENCIES\n"
                                   "  minitest (~> 5.15)\n"
                                   "  rake\n"
                                   "  test-unit\n"
                                   "\n"
                                   "BUNDLED WITH\n"
                                   "   2.3.15\n";

static const char rich_lock[] = "GIT\n"
                                "  remote: https://github.com/rails/rails.git\n"
                                "  revision: 0123456789abcdef0123456789abcdef01234567\n"
                                "  branch: main\n"
                                "  specs:\n"
                                "    activesupport (7.1.0.alpha)\n"
                                "      concurrent-ruby (~> 1.0, >= 1.0.2)\n"
                                "\n"
                                "PATH\n"
                                "  remote: .\n"
                                "  specs:\n"
                                "    myapp (0.1.0)\n"
                                "      nokogiri (>= 1.13)\n"
                                "\r\n"
                                "GEM\r\n"
                                "  remote: https://rubygems.org/\n"
                                "  specs:\n"
                                "    concurrent-ruby (1.1.10)\n"
                                "    nokogiri (1.13.10-arm64-darwin)\n"
                                "      racc (~> 1.4)\n"
                                "    nokogiri (1.13.10-x86_64-linux)\n"
                                "      racc (~> 1.4)\n"
                                "    racc (1.6.1)\n"
                                "    sqlite3 (1.5.4-x86_64-linux)\n"
                                "\n"
                                "PLATFORMS\n"
                                "  arm64-darwin-21\n"
                                "  x86_64-linux\n"
                                "\n"
                                "DEPENDENCIES\n"
                                "  activesupport!\n"
                                "  myapp!\n"
                                "  sqlite3 (~> 1.5)\n"
                                "\n"
                                "CHECKSUMS\n"
                                "  racc (1.6.1) sha256=abc\n"
                                "\n"
                                "RUBY VERSION\n"
                                "   ruby 3.1.2p20\n"
                                "\n"
                                "BUNDLED WITH\n"
                                "   2.4.1\n";

static void expect_err_exact(int rc, const struct strata_error *err, int code, const char *msg)
{
    if (rc != code || strcmp(err->msg, msg) != 0)
        fail_msg("rc %d \"%s\", expected %d \"%s\"", rc, err->msg, code, msg);
}

static void test_gemspec(void **st)
{
    (void)st;
    struct gemspec g;
    struct strata_error err = {0};
    assert_int_equal(ruby_parse_gemspec(U8(rake_spec), strlen(rake_spec), "r", &g, &err), 0);
    assert_string_equal(g.name, "rake");
    assert_string_equal(g.version, "13.0.6");
    assert_string_equal(g.license, "MIT");
    assert_null(g.platform);
    gemspec_free(&g);
    int rc = ruby_parse_gemspec(U8(digest_spec), sizeof digest_spec - 1, "d", &g, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(g.name, "digest");
    assert_string_equal(g.license, "Ruby OR BSD-2-Clause");
    gemspec_free(&g);
    assert_int_equal(ruby_parse_gemspec(U8(old_spec), strlen(old_spec), "o", &g, &err), 0);
    assert_string_equal(g.name, "rack-test");
    assert_string_equal(g.version, "0.5.4");
    assert_string_equal(g.platform, "x86_64-linux");
    assert_string_equal(g.license, "MIT");
    gemspec_free(&g);
    /* Escapes RubyGems' String#inspect writes; s.licenses wins over s.license. */
    static const char esc[] = "Gem::Specification.new do |s|\n"
                              "  s.licenses = [\"Apache-2.0\".freeze, 'GPL-2.0+']\n"
                              "  s.license = \"ignored\"\n"
                              "  s.name = \"na\\u006De\"\n"
                              "  s.version = \"1.0.0.pre\\x31\".freeze\n"
                              "  s.platform = \"ruby\".freeze\n"
                              "end\n";
    assert_int_equal(ruby_parse_gemspec(U8(esc), strlen(esc), "e", &g, &err), 0);
    assert_string_equal(g.name, "name");
    assert_string_equal(g.version, "1.0.0.pre1");
    assert_null(g.platform);
    assert_string_equal(g.license, "Apache-2.0 OR GPL-2.0+");
    gemspec_free(&g);
}

static void test_gemspec_hostile(void **st)
{
    (void)st;
    static const struct {
        const char *text;
        int code;
        const char *msg;
    } cases[] = {
        {"Gem::Specification.new do |s|\n  s.name = \"a#{`rm -rf /`}\"\n", STRATA_EFORMAT,
         "g:2:14: string interpolation (code) in a literal"},
        {"  s.name = \"abc\n  s.version = \"1\"\n", STRATA_EFORMAT,
         "g:1:12: unterminated string literal"},
        {"  s.name = \"x\"\n  s.version = File.read(\"VERSION\")\n", STRATA_EFORMAT,
         "g: no valid s.version"},
        {"  s.name = \"../../etc\"\n  s.version = \"1\"\n", STRATA_EFORMAT, "g: no valid s.name"},
        {"  s.name = \"x\"\n  s.version = \"1 2\"\n", STRATA_EFORMAT, "g: no valid s.version"},
        {"  s.name = \"x\\u{110000}\"\n", STRATA_EFORMAT, "g:1:14: \\u escape outside Unicode"},
        {"  s.name = \"x\\0\"\n", STRATA_EFORMAT, "g:1:12: NUL byte in a string literal"},
        {"  s.name = \"x\"\n  s.version = \"1\"\n  s.licenses = [\"a\" \"b\"]\n", STRATA_EFORMAT,
         "g:3:21: licenses: expected ',' or ']'"},
        {"  s.name = \"x\"\n  s.version = \"1\"\n  s.licenses = [MIT]\n", STRATA_EFORMAT,
         "g:3:17: licenses: not a string literal"},
        {"", STRATA_EFORMAT, "g: no valid s.name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gemspec g;
        struct strata_error err = {0};
        int rc = ruby_parse_gemspec(U8(cases[i].text), strlen(cases[i].text), "g", &g, &err);
        gemspec_free(&g);
        expect_err_exact(rc, &err, cases[i].code, cases[i].msg);
    }
    /* A long literal, many licenses. */
    char *big = malloc(4096);
    assert_non_null(big);
    strcpy(big, "  s.name = \"");
    memset(big + strlen(big), 'a', 300);
    strcpy(big + 12 + 300, "\"\n");
    struct gemspec g;
    struct strata_error err = {0};
    assert_int_equal(ruby_parse_gemspec(U8(big), strlen(big), "g", &g, &err), STRATA_ELIMIT);
    gemspec_free(&g);
    strcpy(big, "  s.name = \"x\"\n  s.version = \"1\"\n  s.licenses = [");
    for (int i = 0; i < 70; i++)
        strcat(big, "\"L\", ");
    strcat(big, "\"L\"]\n");
    assert_int_equal(ruby_parse_gemspec(U8(big), strlen(big), "g", &g, &err), STRATA_ELIMIT);
    assert_string_equal(err.msg, "g:3:16: more than 64 licenses");
    gemspec_free(&g);
    free(big);
    /* Every prefix: no crash, no overread (exact-size copies under ASan). */
    for (size_t n = 0; n < strlen(rake_spec); n++) {
        char *c = malloc(n ? n : 1);
        assert_non_null(c);
        memcpy(c, rake_spec, n);
        (void)ruby_parse_gemspec(U8(c), n, "g", &g, &err);
        gemspec_free(&g);
        free(c);
    }
}

static const struct gem_lock_spec *lock_find(const struct gem_lock *l, const char *name,
                                             const char *platform)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0 &&
            (platform == NULL || (l->v[i].platform && strcmp(l->v[i].platform, platform) == 0)))
            return &l->v[i];
    return NULL;
}

static void test_lockfile(void **st)
{
    (void)st;
    struct gem_lock l;
    struct strata_error err = {0};
    int rc = ruby_parse_gemfile_lock(U8(bundler_lock), strlen(bundler_lock), "G", &l, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.bundled_with, "2.3.15");
    assert_int_equal(lock_find(&l, "minitest", NULL)->direct, 1);
    assert_int_equal(lock_find(&l, "power_assert", NULL)->direct, 0);
    assert_string_equal(lock_find(&l, "test-unit", NULL)->version, "3.5.3");
    assert_int_equal(lock_find(&l, "rake", NULL)->line, 6);
    gem_lock_free(&l);

    rc = ruby_parse_gemfile_lock(U8(rich_lock), strlen(rich_lock), "G", &l, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(l.n, 7);
    const struct gem_lock_spec *s = lock_find(&l, "activesupport", NULL);
    assert_int_equal(s->source, GEM_LOCK_GIT);
    assert_int_equal(s->direct, 1);
    assert_string_equal(s->version, "7.1.0.alpha");
    assert_int_equal(lock_find(&l, "myapp", NULL)->source, GEM_LOCK_PATH);
    s = lock_find(&l, "nokogiri", "x86_64-linux");
    assert_non_null(s);
    assert_string_equal(s->version, "1.13.10");
    assert_int_equal(s->direct, 0);
    assert_non_null(lock_find(&l, "nokogiri", "arm64-darwin"));
    assert_int_equal(lock_find(&l, "sqlite3", NULL)->direct, 1);
    assert_string_equal(l.bundled_with, "2.4.1");
    gem_lock_free(&l);
}

static void test_lockfile_hostile(void **st)
{
    (void)st;
    static const struct {
        const char *text;
        int code;
        const char *msg;
    } cases[] = {
        {"GEM\n  specs:\n    rake 13.0.6\n", STRATA_EFORMAT, "L:3:5: expected \"name (version)\""},
        {"GEM\n  specs:\n    ra/ke (13.0.6)\n", STRATA_EFORMAT, "L:3:5: invalid gem name"},
        {"GEM\n  specs:\n    rake (13 0)\n", STRATA_EFORMAT, "L:3:11: invalid version"},
        {"GEM\n  specs:\n    rake ()\n", STRATA_EFORMAT, "L:3:11: invalid version"},
        {"GEM\n  specs:\n     rake (1)\n", STRATA_EFORMAT, "L:3:6: unexpected indentation"},
        {"GEM\n  remote\n", STRATA_EFORMAT, "L:2:3: expected \"key: value\""},
        {"DEPENDENCIES\n  $x\n", STRATA_EFORMAT, "L:2:3: invalid gem name"},
        {"GEM\n  specs:\n    a (1)\0\n", STRATA_EFORMAT, "L:3:10: NUL byte"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gem_lock l;
        struct strata_error err = {0};
        size_t len = strlen(cases[i].text);
        if (strstr(cases[i].msg, "NUL"))
            len += 2;
        int rc = ruby_parse_gemfile_lock(U8(cases[i].text), len, "L", &l, &err);
        gem_lock_free(&l);
        expect_err_exact(rc, &err, cases[i].code, cases[i].msg);
    }
    /* 100,001 specs; a long line. */
    size_t cap = 100002 * 16 + 32;
    char *big = malloc(cap);
    assert_non_null(big);
    size_t n = (size_t)sprintf(big, "GEM\n  specs:\n");
    for (int i = 0; i <= 100000; i++)
        n += (size_t)sprintf(big + n, "    a%d (1)\n", i % 10);
    struct gem_lock l;
    struct strata_error err = {0};
    assert_int_equal(ruby_parse_gemfile_lock(U8(big), n, "L", &l, &err), STRATA_ELIMIT);
    gem_lock_free(&l);
    memset(big, 'x', 70000);
    assert_int_equal(ruby_parse_gemfile_lock(U8(big), 70000, "L", &l, &err), STRATA_ELIMIT);
    assert_string_equal(err.msg, "L:1:1: longer than 65536 bytes");
    gem_lock_free(&l);
    free(big);
    for (size_t k = 0; k < strlen(rich_lock); k++) {
        char *c = malloc(k ? k : 1);
        assert_non_null(c);
        memcpy(c, rich_lock, k);
        (void)ruby_parse_gemfile_lock(U8(c), k, "L", &l, &err);
        gem_lock_free(&l);
        free(c);
    }
}

/* Every specification ruby3.1 and Debian's gem packages installed: name and version equal the
 * file name. */
static void test_real_specifications(void **st)
{
    (void)st;
    const char *dirs[] = {"/usr/lib/ruby/gems/3.1.0/specifications",
                          "/usr/lib/ruby/gems/3.1.0/specifications/default",
                          "/usr/share/rubygems-integration/all/specifications"};
    size_t seen = 0;
    for (size_t k = 0; k < 3; k++) {
        DIR *d = opendir(dirs[k]);
        if (d == NULL)
            continue;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t nl = strlen(e->d_name);
            if (nl < 9 || strcmp(e->d_name + nl - 8, ".gemspec") != 0)
                continue;
            char p[1024], expect[512];
            snprintf(p, sizeof p, "%s/%s", dirs[k], e->d_name);
            size_t len = 0;
            uint8_t *data = tf_slurp(p, &len);
            assert_non_null(data);
            struct gemspec g;
            struct strata_error err = {0};
            if (ruby_parse_gemspec(data, len, p, &g, &err) != 0)
                fail_msg("%s", err.msg);
            snprintf(expect, sizeof expect, "%s-%s%s%s.gemspec", g.name, g.version,
                     g.platform ? "-" : "", g.platform ? g.platform : "");
            if (strcmp(expect, e->d_name) != 0)
                fail_msg("%s read as %s", p, expect);
            gemspec_free(&g);
            free(data);
            seen++;
        }
        closedir(d);
    }
    if (seen == 0)
        print_message("SKIP: ruby_real_specifications: ruby is not installed\n");
}

static void test_analyzer_image(void **st)
{
    (void)st;
    static const char nokogiri[] = "Gem::Specification.new do |s|\n"
                                   "  s.name = \"nokogiri\".freeze\n"
                                   "  s.version = \"1.13.10\"\n"
                                   "  s.platform = \"x86_64-linux\".freeze\n"
                                   "  s.licenses = [\"MIT\".freeze]\n"
                                   "end\n";
    const struct at_file l0[] = {
        AT_FILE("usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec", rake_spec),
        {.path = "usr/lib/ruby/gems/3.1.0/specifications/default/digest-3.1.0.gemspec",
         .data = digest_spec,
         .len = sizeof digest_spec - 1},
        AT_FILE("usr/local/bundle/specifications/broken-1.gemspec", "s.name = \"x"),
        AT_FILE("usr/lib/ruby/gems/3.1.0/gems/rake-13.0.6/rake.gemspec", rake_spec),
        AT_FILE("usr/local/bundle/specifications/gone-1.0.gemspec", rake_spec),
        AT_END,
    };
    const struct at_file l1[] = {
        AT_WHITEOUT("usr/local/bundle/specifications/gone-1.0.gemspec"),
        AT_FILE("usr/local/bundle/specifications/nokogiri-1.13.10-x86_64-linux.gemspec", nokogiri),
        AT_FILE("app/Gemfile.lock", rich_lock),
        AT_FILE("srv/Gemfile.lock", bundler_lock),
        AT_FILE("old/Gemfile.lock", "GEM\n  specs:\n    broken\n"), /* ignored in images */
        AT_END,
    };
    const struct at_file *layers[] = {l0, l1};
    struct strata_report *r = at_run(&strata_analyzer_ruby, layers, 2, at_numbered_ids);
    assert_int_equal(r->n_packages, 3);
    const struct strata_package *p =
        at_pkg(r, "rake", "/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec");
    assert_non_null(p);
    assert_string_equal(p->type, "gem");
    assert_string_equal(p->purl, "pkg:gem/rake@13.0.6");
    assert_int_equal(p->layer_index, 0);
    assert_int_equal(p->direct, 1); /* srv/Gemfile.lock names rake in DEPENDENCIES */
    assert_string_equal(p->lockfile, "/srv/Gemfile.lock");
    assert_string_equal(p->licenses[0], "MIT");
    p = at_pkg(r, "digest", NULL);
    assert_non_null(p);
    assert_int_equal(p->direct, -1);
    assert_null(p->lockfile);
    p = at_pkg(r, "nokogiri", NULL);
    assert_non_null(p);
    assert_string_equal(p->purl, "pkg:gem/nokogiri@1.13.10?platform=x86_64-linux");
    assert_int_equal(p->layer_index, 1);
    assert_int_equal(p->direct, 0);
    assert_string_equal(p->lockfile, "/app/Gemfile.lock");
    strata_report_free(r);
}

static void test_analyzer_fs(void **st)
{
    (void)st;
    const struct at_file f0[] = {
        AT_FILE("app/Gemfile.lock", rich_lock),
        AT_FILE("vendor/bundle/ruby/3.1.0/specifications/rake-13.0.6.gemspec", rake_spec),
        AT_END,
    };
    const struct at_file *layers[] = {f0};
    struct strata_report *r = at_run(&strata_analyzer_ruby, layers, 1, AT_FILESYSTEM);
    /* activesupport (GIT), concurrent-ruby, nokogiri once (two platforms: no qualifier), racc,
     * sqlite3; myapp (PATH) left out; plus the installed rake. */
    assert_int_equal(r->n_packages, 6);
    const struct strata_package *p = at_pkg(r, "nokogiri", "/app/Gemfile.lock");
    assert_non_null(p);
    assert_string_equal(p->purl, "pkg:gem/nokogiri@1.13.10");
    assert_string_equal(p->lockfile, "/app/Gemfile.lock");
    assert_int_equal(p->layer_index, -1);
    p = at_pkg(r, "sqlite3", NULL);
    assert_string_equal(p->purl, "pkg:gem/sqlite3@1.5.4?platform=x86_64-linux");
    assert_int_equal(p->direct, 1);
    assert_null(at_pkg(r, "myapp", NULL));
    assert_non_null(at_pkg(r, "activesupport", NULL));
    assert_non_null(at_pkg(r, "rake", NULL));
    strata_report_free(r);

    /* A broken lockfile is an error naming file:line:col. */
    const struct at_file f1[] = {AT_FILE("app/Gemfile.lock", "GEM\n  specs:\n    rake 1\n"),
                                 AT_END};
    const struct at_file *bad[] = {f1};
    struct strata_error err;
    r = at_run_rc(&strata_analyzer_ruby, bad, 1, AT_FILESYSTEM, STRATA_EFORMAT, &err);
    assert_string_equal(err.msg, "app/Gemfile.lock:3:5: expected \"name (version)\"");
    strata_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemspec),
        cmocka_unit_test(test_gemspec_hostile),
        cmocka_unit_test(test_lockfile),
        cmocka_unit_test(test_lockfile_hostile),
        cmocka_unit_test(test_real_specifications),
        cmocka_unit_test(test_analyzer_image),
        cmocka_unit_test(test_analyzer_fs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
