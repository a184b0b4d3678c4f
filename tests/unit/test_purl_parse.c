/* Unit tests: strata_purl_parse. The valid and invalid rows follow the cases of the purl-spec
 * test suite (test-suite-data.json, tests/spec/specification-test.json, the per-type tests,
 * rows written here, not copied), then hostile inputs; every parse is also round-tripped
 * through strata_purl() to check the parts rebuild the canonical form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "strata/error.h"
#include "strata/purl.h"

struct row {
    const char *purl;
    const char *canonical; /* what strata_purl() rebuilds from the parts (no subpath) */
    const char *type, *namespace_, *name, *version;
    const char *qualifiers; /* "k=v&k=v" decoded, sorted; NULL when none */
    const char *subpath;
};

static const struct row valid[] = {
    {"pkg:maven/org.apache.commons/io@1.3.4", "pkg:maven/org.apache.commons/io@1.3.4", "maven",
     "org.apache.commons", "io", "1.3.4", NULL, NULL},
    {"pkg:maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL, NULL},
    {"pkg:GOLANG/google.golang.org/genproto#/googleapis/api/annotations/",
     "pkg:golang/google.golang.org/genproto", "golang", "google.golang.org", "genproto", NULL, NULL,
     "googleapis/api/annotations"},
    {"pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/api/annotations/",
     "pkg:golang/google.golang.org/genproto@abcdedf", "golang", "google.golang.org", "genproto",
     "abcdedf", NULL, "googleapis/api/annotations"},
    {"pkg:bitbucket/birKenfeld/pyGments-main@244fd47e07d1014f0aed9c",
     "pkg:bitbucket/birkenfeld/pygments-main@244fd47e07d1014f0aed9c", "bitbucket", "birkenfeld",
     "pygments-main", "244fd47e07d1014f0aed9c", NULL, NULL},
    {"pkg:github/Package-url/purl-Spec@244fd47e07d1004f0aed9c",
     "pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c", "github", "package-url",
     "purl-spec", "244fd47e07d1004f0aed9c", NULL, NULL},
    {"pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
     "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", "deb", "debian", "curl", "7.50.3-1",
     "arch=i386&distro=jessie", NULL},
    {"pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io",
     "pkg:docker/customer/dockerimage@sha256%3A244fd47e07d1004f0aed9c?repository_url=gcr.io",
     "docker", "customer", "dockerimage", "sha256:244fd47e07d1004f0aed9c", "repository_url=gcr.io",
     NULL},
    {"pkg:gem/jruby-launcher@1.1.2?Platform=java", "pkg:gem/jruby-launcher@1.1.2?platform=java",
     "gem", NULL, "jruby-launcher", "1.1.2", "platform=java", NULL},
    {"pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repositorY_url=repo."
     "spring.io/release",
     "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repository_url=repo."
     "spring.io%2Frelease",
     "maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1",
     "classifier=sources&repository_url=repo.spring.io/release", NULL},
    {"pkg:Maven/net.sf.jacob-project/jacob@1.14.3?type=dll&classifier=x86",
     "pkg:maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll", "maven",
     "net.sf.jacob-project", "jacob", "1.14.3", "classifier=x86&type=dll", NULL},
    {"pkg:npm/%40angular/animation@12.3.1", "pkg:npm/%40angular/animation@12.3.1", "npm",
     "@angular", "animation", "12.3.1", NULL, NULL},
    {"pkg:npm/@babel/core#/googleapis/api/annotations/", "pkg:npm/%40babel/core", "npm", "@babel",
     "core", NULL, NULL, "googleapis/api/annotations"},
    {"pkg:Nuget/EnterpriseLibrary.Common@6.0.1304", "pkg:nuget/EnterpriseLibrary.Common@6.0.1304",
     "nuget", NULL, "EnterpriseLibrary.Common", "6.0.1304", NULL, NULL},
    {"pkg:PYPI/Django_package@1.11.1.dev1", "pkg:pypi/django-package@1.11.1.dev1", "pypi", NULL,
     "django-package", "1.11.1.dev1", NULL, NULL},
    {"pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25",
     "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25", "rpm", "fedora", "curl",
     "7.50.3-1.fc25", "arch=i386&distro=fedora-25", NULL},
    {"pkg:/maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL, NULL},
    {"pkg://maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL, NULL},
    {"pkg:///maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL, NULL},
    {"pkg:maven/HTTPClient/HTTPClient@0.3-3", "pkg:maven/HTTPClient/HTTPClient@0.3-3", "maven",
     "HTTPClient", "HTTPClient", "0.3-3", NULL, NULL},
    {"pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value",
     "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value", "maven", "mygroup",
     "myartifact", "1.0.0 Final", "mykey=my value", NULL},
    {"pkg:conan/cctz@2.3", "pkg:conan/cctz@2.3", "conan", NULL, "cctz", "2.3", NULL, NULL},
    {"pkg:conan/bincrafters/cctz@2.3?channel=stable",
     "pkg:conan/bincrafters/cctz@2.3?channel=stable", "conan", "bincrafters", "cctz", "2.3",
     "channel=stable", NULL},
    {"pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2",
     "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2",
     "conda", NULL, "absl-py", "0.4.1",
     "build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2", NULL},
    {"pkg:cran/A3@0.9.1", "pkg:cran/A3@0.9.1", "cran", NULL, "A3", "0.9.1", NULL, NULL},
    {"pkg:swift/github.com/Alamofire/Alamofire@5.4.3",
     "pkg:swift/github.com%2FAlamofire/Alamofire@5.4.3", "swift", "github.com/Alamofire",
     "Alamofire", "5.4.3", NULL, NULL},
    {"pkg:hackage/AC-HalfInteger@1.2.1", "pkg:hackage/AC-HalfInteger@1.2.1", "hackage", NULL,
     "AC-HalfInteger", "1.2.1", NULL, NULL},
    {"pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fpackage-url%"
     "2Fpackageurl-js.git",
     "pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fpackage-url%"
     "2Fpackageurl-js.git",
     "npm", NULL, "packageurl-js", "0.0.7",
     "vcs_url=git+https://github.com/package-url/packageurl-js.git", NULL},
    {"pkg:npm/mypackage@12.4.5?vcs_url=git://host.com/path/to/repo.git%404345abcd34343",
     "pkg:npm/mypackage@12.4.5?vcs_url=git%3A%2F%2Fhost.com%2Fpath%2Fto%2Frepo.git%404345abcd34343",
     "npm", NULL, "mypackage", "12.4.5", "vcs_url=git://host.com/path/to/repo.git@4345abcd34343",
     NULL},
    {"pkg:npm/foo@1.0.0#src/%F0%9F%98%83/file.js", "pkg:npm/foo@1.0.0", "npm", NULL, "foo", "1.0.0",
     NULL, "src/\xF0\x9F\x98\x83/file.js"},
    {"pkg:generic/bitwarderl?checksum=sha1:ad9503c3e994a4f%2Csha256:41bf9088b3a1e6c1ef1d",
     "pkg:generic/bitwarderl?checksum=sha1%3Aad9503c3e994a4f%2Csha256%3A41bf9088b3a1e6c1ef1d",
     "generic", NULL, "bitwarderl", NULL,
     "checksum=sha1:ad9503c3e994a4f,sha256:41bf9088b3a1e6c1ef1d", NULL},
    /* Shapes strata, Syft and Trivy write. */
    {"pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc&distro=debian-12",
     "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc", "deb",
     "debian", "libc6", "2.36-9+deb12u4", "arch=amd64&distro=debian-12&upstream=glibc", NULL},
    {"pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64&distro=debian-12.4",
     "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64&distro=debian-12.4", "deb", "debian",
     "bsdutils", "1:2.38.1-5+b1", "arch=amd64&distro=debian-12.4", NULL},
    {"pkg:rpm/redhat/openssl-libs@3.0.7-25.el9?arch=x86_64&epoch=1&distro=rhel-9.3",
     "pkg:rpm/redhat/openssl-libs@3.0.7-25.el9?arch=x86_64&distro=rhel-9.3&epoch=1", "rpm",
     "redhat", "openssl-libs", "3.0.7-25.el9", "arch=x86_64&distro=rhel-9.3&epoch=1", NULL},
    {"pkg:golang/github.com/Azure/go-autorest@v14.2.0%2Bincompatible",
     "pkg:golang/github.com%2FAzure/go-autorest@v14.2.0%2Bincompatible", "golang",
     "github.com/Azure", "go-autorest", "v14.2.0+incompatible", NULL, NULL},
    {"pkg:npm/JSONStream@1.3.5", "pkg:npm/JSONStream@1.3.5", "npm", NULL, "JSONStream", "1.3.5",
     NULL, NULL},
    {"pkg:composer/Laravel/Framework@v10.0.0", "pkg:composer/laravel/framework@v10.0.0", "composer",
     "laravel", "framework", "v10.0.0", NULL, NULL},
    /* Empty qualifier values and empty pairs are as if absent; "." and ".." leave subpaths. */
    {"pkg:npm/a@1?&foo=&&bar=x&", "pkg:npm/a@1?bar=x", "npm", NULL, "a", "1", "bar=x", NULL},
    {"pkg:npm/a@1#./b/../c//", "pkg:npm/a@1", "npm", NULL, "a", "1", NULL, "b/c"},
    {"pkg:npm/a@1#", "pkg:npm/a@1", "npm", NULL, "a", "1", NULL, NULL},
    {"pkg:npm/a@1?", "pkg:npm/a@1", "npm", NULL, "a", "1", NULL, NULL},
    {"pkg:npm//a//b//", "pkg:npm/a/b", "npm", "a", "b", NULL, NULL, NULL},
};

/* Each with the offset the error must name. */
static const struct {
    const char *purl;
    size_t offset;
    const char *why;
} invalid[] = {
    {"EnterpriseLibrary.Common@6.0.1304", 0, "scheme"},
    {"pkg:EnterpriseLibrary.Common@6.0.1304", 4, "no type"},
    {"pkg:maven/@1.3.4", 10, "no name"},
    {"pkg:n&g?inx/nginx@0.8.9", 8, "without '='"},
    {"pkg:3nginx/nginx@0.8.9", 4, "digit"},
    {"pkg:nginx:a/nginx@0.8.9", 9, "invalid character in the type"},
    {"pkg:npm/myartifact@1.0.0?in%20production=true", 27, "invalid character in qualifier key"},
    {"pkg%3Amaven/org.apache.commons/io", 0, "scheme"},
    {"pkg:conan/bincrafters/cctz@2.3", 22, "conan"},
    {"pkg:conan/cctz@2.3?channel=stable", 10, "conan"},
    {"pkg:cran/@0.9.1", 9, "no name"},
    {"pkg:cran/A3", 11, "cran purl needs a version"},
    {"pkg:swift/Alamofire@5.4.3", 10, "namespace"},
    {"pkg:swift/github.com/Alamofire/@5.4.3", 31, "no name"},
    {"pkg:swift/github.com/Alamofire/Alamofire", 40, "version"},
    {"pkg:hackage", 4, "no type"},
    {"pkg:npm/", 8, "no name"},
    {"pkg:npm/foobar@", 14, "empty version"},
    /* hostile */
    {"", 0, "scheme"},
    {"pkg:", 4, "no type"},
    {"pkg:npm/a%2", 9, "two hex digits"},
    {"pkg:npm/a%zz@1", 9, "two hex digits"},
    {"pkg:npm/a%00b@1", 9, "NUL"},
    {"pkg:npm/a%2Fb@1", 9, "encoded '/'"},
    {"pkg:npm/x%2F/a@1", 9, "encoded '/'"},
    {"pkg:npm/a@1#x%2Fy", 13, "encoded '/'"},
    {"pkg:npm/a@1?k", 12, "without '='"},
    {"pkg:npm/a@1?=v", 12, "empty key"},
    {"pkg:npm/a@1?1k=v", 12, "digit"},
    {"pkg:npm/a@1?k=1&K=2", 16, "given twice"},
    {"pkg:npm/a\x01@1", 9, "control character"},
    {"pkg:npm/a\x7f@1", 9, "control character"},
    {"pkg:npm/a@1?k=%", 14, "two hex digits"},
    {"pkgx:npm/a@1", 0, "scheme"},
    {"pk:npm/a@1", 0, "scheme"},
};

static void qualifiers_text(const struct strata_purl_parts *p, struct strbuf *sb)
{
    for (size_t i = 0; i < p->n_qualifiers; i++)
        assert_int_equal(
            strbuf_addf(sb, "%s%s=%s", i ? "&" : "", p->qualifier_keys[i], p->qualifier_values[i]),
            0);
}

static void assert_str_or_null(const char *want, const char *got, const char *purl)
{
    if (want == NULL && got == NULL)
        return;
    if (want == NULL || got == NULL || strcmp(want, got) != 0) {
        print_error("%s: want '%s', got '%s'\n", purl, want ? want : "(null)",
                    got ? got : "(null)");
        fail();
    }
}

static void test_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        const struct row *r = &valid[i];
        struct strata_purl_parts p;
        struct strata_error err = {0};
        int rc = strata_purl_parse(r->purl, strlen(r->purl), &p, &err);
        if (rc != 0) {
            print_error("%s: %s\n", r->purl, err.msg);
            fail();
        }
        assert_str_or_null(r->type, p.type, r->purl);
        assert_str_or_null(r->namespace_, p.namespace_, r->purl);
        assert_str_or_null(r->name, p.name, r->purl);
        assert_str_or_null(r->version, p.version, r->purl);
        assert_str_or_null(r->subpath, p.subpath, r->purl);
        struct strbuf q = STRBUF_INIT;
        qualifiers_text(&p, &q);
        assert_str_or_null(r->qualifiers, q.len ? q.buf : NULL, r->purl);
        strbuf_release(&q);
        /* The builder encodes what the parser decoded: the canonical form comes back. */
        const char *pairs[2 * STRATA_PURL_MAX_QUALIFIERS + 1];
        for (size_t k = 0; k < p.n_qualifiers; k++) {
            pairs[2 * k] = p.qualifier_keys[k];
            pairs[2 * k + 1] = p.qualifier_values[k];
        }
        pairs[2 * p.n_qualifiers] = NULL;
        char *built = strata_purl(p.type, p.namespace_, p.name, p.version, pairs);
        assert_non_null(built);
        assert_str_or_null(r->canonical, built, r->purl);
        free(built);
        strata_purl_parts_free(&p);
    }
}

static void test_invalid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        const char *s = invalid[i].purl;
        struct strata_purl_parts p;
        struct strata_error err = {0};
        int rc = strata_purl_parse(s, strlen(s), &p, &err);
        char want[64];
        snprintf(want, sizeof want, "offset %zu: ", invalid[i].offset);
        if (rc == 0 || strstr(err.msg, want) == NULL || strstr(err.msg, invalid[i].why) == NULL ||
            strncmp(err.msg, "purl '", 6) != 0) {
            print_error("%s: rc %d, message '%s' (want '%s' ... '%s')\n", s, rc, err.msg, want,
                        invalid[i].why);
            fail();
        }
        assert_null(p.type); /* zeroed on failure */
        assert_int_equal(p.n_qualifiers, 0);
    }
}

static void test_hostile_sizes(void **state)
{
    (void)state;
    struct strata_purl_parts p;
    struct strata_error err = {0};
    /* Too long: refused before any work, and the message stays short. */
    size_t n = STRATA_PURL_MAX_LEN + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memcpy(big, "pkg:npm/", 8);
    memset(big + 8, 'a', n - 8);
    assert_int_equal(strata_purl_parse(big, n, &p, &err), STRATA_ELIMIT);
    assert_true(strlen(err.msg) < 400);
    /* A NUL byte inside the given length is a control character, not the end. */
    assert_int_equal(strata_purl_parse("pkg:npm/a\0b@1", 13, &p, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "offset 9"));
    /* Too many qualifiers. */
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_adds(&sb, "pkg:npm/a@1?"), 0);
    for (int i = 0; i <= STRATA_PURL_MAX_QUALIFIERS; i++)
        assert_int_equal(strbuf_addf(&sb, "k%d=v&", i), 0);
    assert_int_equal(strata_purl_parse(sb.buf, sb.len, &p, &err), STRATA_ELIMIT);
    strbuf_release(&sb);
    /* Exactly the maximum length parses; many slashes and '@' are only separators. */
    memset(big + 8, '/', n - 9);
    big[n - 2] = 'x';
    assert_int_equal(strata_purl_parse(big, n - 1, &p, &err), 0);
    assert_string_equal(p.name, "x");
    assert_null(p.namespace_);
    strata_purl_parts_free(&p);
    memset(big + 8, '@', n - 9);
    assert_int_equal(strata_purl_parse(big, n - 1, &p, &err), STRATA_EFORMAT);
    free(big);
    /* Every prefix of a valid purl either parses or fails cleanly. */
    const char *full = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12#a/b";
    for (size_t i = 0; i <= strlen(full); i++) {
        if (strata_purl_parse(full, i, &p, &err) == 0)
            strata_purl_parts_free(&p);
    }
}

static void test_qualifier_lookup(void **state)
{
    (void)state;
    struct strata_purl_parts p;
    struct strata_error err = {0};
    const char *s =
        "pkg:apk/Alpine/BusyBox@1.36.1-r15?arch=x86_64&upstream=busybox&distro=alpine-3.19.1";
    assert_int_equal(strata_purl_parse(s, strlen(s), &p, &err), 0);
    assert_string_equal(p.namespace_, "alpine");
    assert_string_equal(p.name, "busybox");
    assert_string_equal(strata_purl_qualifier(&p, "distro"), "alpine-3.19.1");
    assert_string_equal(strata_purl_qualifier(&p, "upstream"), "busybox");
    assert_null(strata_purl_qualifier(&p, "epoch"));
    strata_purl_parts_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_hostile_sizes),
        cmocka_unit_test(test_qualifier_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
