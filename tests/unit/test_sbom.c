/* Unit tests: the SBOM reader (src/source/sbom.c) on CycloneDX 1.4/1.5/1.6 and SPDX 2.3
 * documents in the shapes strata, Syft and Trivy write, nested components, components without
 * a purl, and hostile documents (wrong types, deep nesting, bad purls, huge counts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "source/sbom.h"

static struct strata_report *report;
static struct sbom_read sr;
static struct strata_error err;

static int setup(void **state)
{
    (void)state;
    report = strata_report_new();
    memset(&err, 0, sizeof err);
    return report ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    sbom_read_release(&sr);
    strata_report_free(report);
    return 0;
}

static int read_doc(const char *doc)
{
    return sbom_read_mem("t.json", doc, strlen(doc), report, &sr, &err);
}

static const struct strata_package *find(const char *type, const char *name)
{
    for (size_t i = 0; i < report->n_packages; i++)
        if (!strcmp(report->packages[i].type, type) && !strcmp(report->packages[i].name, name))
            return &report->packages[i];
    return NULL;
}

static int has_warning(const char *needle)
{
    for (size_t i = 0; i < sr.n_warnings; i++)
        if (strstr(sr.warnings[i], needle))
            return 1;
    return 0;
}

/* strata's own CycloneDX 1.5 (src/report/cyclonedx.c): properties carry source and layer. */
static void test_strata_cyclonedx(void **state)
{
    (void)state;
    const char *doc =
        "{\"$schema\":\"http://cyclonedx.org/schema/bom-1.5.schema.json\",\"bomFormat\":"
        "\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":1,\"metadata\":{\"component\":{"
        "\"bom-ref\":\"target:sha256:a1\",\"type\":\"container\",\"name\":\"example.com/"
        "app:1.0\",\"version\":\"sha256:a1\"}},\"components\":[{\"bom-ref\":\"os:debian@12\","
        "\"type\":\"operating-system\",\"name\":\"debian\",\"version\":\"12\"},{\"bom-ref\":"
        "\"pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12\",\"type\":"
        "\"library\",\"name\":\"bsdutils\",\"version\":\"1:2.38.1-5+deb12u3\",\"purl\":\"pkg:deb/"
        "debian/bsdutils@1%3A2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12\",\"properties\":[{"
        "\"name\":\"strata:package_type\",\"value\":\"deb\"},{\"name\":\"strata:source_name\","
        "\"value\":\"util-linux\"},{\"name\":\"strata:source_version\",\"value\":\"2.38.1-5+"
        "deb12u3\"},{\"name\":\"strata:layer_index\",\"value\":\"0\"},{\"name\":\"strata:layer_"
        "diff_id\",\"value\":\"sha256:74\"},{\"name\":\"strata:db_path\",\"value\":\"/var/lib/"
        "dpkg/status\"}]},{\"type\":\"library\",\"name\":\"stdlib\",\"version\":\"1.19.8\","
        "\"purl\":\"pkg:golang/stdlib@1.19.8\",\"properties\":[{\"name\":\"strata:db_path\","
        "\"value\":\"/usr/bin/age\"},{\"name\":\"strata:os_package\",\"value\":\"age\"}]},{"
        "\"type\":\"library\",\"name\":\"@types/node\",\"version\":\"20.1.0\",\"purl\":\"pkg:npm/"
        "%40types/node@20.1.0\",\"properties\":[{\"name\":\"strata:layer_index\",\"value\":\"2\"}"
        "]}]}";
    assert_int_equal(read_doc(doc), 0);
    assert_string_equal(sr.format, "CycloneDX");
    assert_string_equal(sr.spec_version, "1.5");
    assert_string_equal(report->target.name, "example.com/app:1.0");
    assert_string_equal(report->target.kind, "sbom");
    assert_string_equal(report->target.digest, "sha256:a1");
    assert_string_equal(report->os.family, "debian");
    assert_string_equal(report->os.version, "12");
    assert_int_equal(report->n_packages, 3);
    assert_int_equal(sr.n_components, 3);
    const struct strata_package *p = find("deb", "bsdutils");
    assert_non_null(p);
    assert_string_equal(p->version, "1:2.38.1-5+deb12u3");
    assert_string_equal(p->source_name, "util-linux");
    assert_string_equal(p->source_version, "2.38.1-5+deb12u3");
    assert_string_equal(p->arch, "amd64");
    assert_int_equal(p->layer_index, 0);
    assert_string_equal(p->layer_diff_id, "sha256:74");
    p = find("golang", "stdlib");
    assert_non_null(p);
    assert_string_equal(p->os_package, "age");
    assert_int_equal(p->compiled_in, 1); /* found in a binary */
    p = find("npm", "@types/node");
    assert_non_null(p);
    assert_int_equal(p->layer_index, 2);
    assert_string_equal(p->purl, "pkg:npm/%40types/node@20.1.0");
    assert_int_equal(sr.n_warnings, 0);
}

/* Syft CycloneDX 1.4: upstream qualifier, OS from the distro qualifier (no OS component here),
 * nested components (cdxgen and others nest), a component without a purl, a bad purl, and the
 * language types mapped to OSV names. */
static void test_syft_nested_and_types(void **state)
{
    (void)state;
    const char *doc =
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"metadata\":{\"component\":{"
        "\"type\":\"container\",\"name\":\"debian:12\"}},\"components\":["
        "{\"type\":\"library\",\"name\":\"libc6\",\"version\":\"2.36-9+deb12u4\",\"purl\":"
        "\"pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc&distro=debian-12\"},"
        "{\"type\":\"library\",\"name\":\"libssl3\",\"purl\":\"pkg:deb/debian/libssl3@3.0.11-1~"
        "deb12u2?arch=amd64&upstream=openssl%403.0.11-1~deb12u2&distro=debian-12\"},"
        "{\"type\":\"application\",\"name\":\"app\",\"components\":["
        "{\"type\":\"library\",\"name\":\"Django\",\"purl\":\"pkg:pypi/Django_Rest.Framework@3.14.0"
        "\"},"
        "{\"type\":\"library\",\"name\":\"log4j-core\",\"purl\":\"pkg:maven/org.apache.logging."
        "log4j/log4j-core@2.14.1\",\"components\":[{\"type\":\"library\",\"name\":\"c\",\"purl\":"
        "\"pkg:cargo/smallvec@1.6.0\"}]},"
        "{\"type\":\"library\",\"name\":\"x\",\"purl\":\"pkg:composer/Symfony/Http-Kernel@v5.4.0\""
        "},"
        "{\"type\":\"library\",\"name\":\"y\",\"purl\":\"pkg:golang/github.com/Azure/go-autorest@"
        "v14.2.0%2Bincompatible\"},"
        "{\"type\":\"library\",\"name\":\"z\",\"version\":\"6.0.1\",\"purl\":\"pkg:nuget/"
        "Newtonsoft.Json\"},"
        "{\"type\":\"library\",\"name\":\"g\",\"purl\":\"pkg:gem/rack@2.2.3?platform=ruby\"},"
        "{\"type\":\"library\",\"name\":\"gh\",\"purl\":\"pkg:github/a/b@1\"},"
        "{\"type\":\"library\",\"name\":\"broken\",\"purl\":\"pkg:npm/a%zz@1\"},"
        "{\"type\":\"file\",\"name\":\"README\"}]}]}";
    assert_int_equal(read_doc(doc), 0);
    assert_string_equal(report->os.family, "debian");
    assert_string_equal(report->os.version, "12");
    assert_string_equal(report->target.name, "debian:12");
    assert_null(report->target.digest);
    const struct strata_package *p = find("deb", "libc6");
    assert_non_null(p);
    assert_string_equal(p->source_name, "glibc");
    assert_string_equal(p->source_version, "2.36-9+deb12u4");
    p = find("deb", "libssl3");
    assert_non_null(p);
    assert_string_equal(p->version, "3.0.11-1~deb12u2");
    assert_string_equal(p->source_name, "openssl");
    assert_string_equal(p->source_version, "3.0.11-1~deb12u2");
    assert_non_null(find("pypi", "django-rest-framework"));
    assert_non_null(find("maven", "org.apache.logging.log4j:log4j-core"));
    assert_non_null(find("cargo", "smallvec"));
    assert_non_null(find("composer", "symfony/http-kernel"));
    p = find("golang", "github.com/Azure/go-autorest");
    assert_non_null(p);
    assert_string_equal(p->version, "v14.2.0+incompatible");
    assert_int_equal(p->compiled_in, 0);
    p = find("nuget", "Newtonsoft.Json");
    assert_non_null(p);
    assert_string_equal(p->version, "6.0.1"); /* no purl version: the component's */
    assert_non_null(find("gem", "rack"));
    assert_non_null(find("github", "a/b"));
    /* app (no purl), README (no purl), broken purl, github type: all warned about. */
    assert_true(has_warning("2 components without a purl were not checked (app, README)"));
    assert_true(has_warning("1 purl could not be parsed"));
    assert_true(has_warning("offset 9"));
    assert_true(has_warning("purl types strata has no advisories for was listed but not checked "
                            "(github)"));
}

/* Trivy CycloneDX 1.6: OS component 12.4, Src* properties, an oci purl subject. */
static void test_trivy(void **state)
{
    (void)state;
    const char *doc =
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"metadata\":{\"component\":{"
        "\"type\":\"container\",\"name\":\"alpine:3.19\",\"purl\":\"pkg:oci/alpine@sha256%3Aab\"}"
        "},\"components\":[{\"type\":\"library\",\"name\":\"bsdutils\",\"version\":\"1:2.38.1-5+"
        "b1\",\"purl\":\"pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64&distro=debian-12.4"
        "\",\"properties\":[{\"name\":\"aquasecurity:trivy:SrcName\",\"value\":\"util-linux\"},{"
        "\"name\":\"aquasecurity:trivy:SrcVersion\",\"value\":\"2.38.1\"},{\"name\":"
        "\"aquasecurity:trivy:SrcRelease\",\"value\":\"5\"},{\"name\":\"aquasecurity:trivy:"
        "SrcEpoch\",\"value\":\"1\"},{\"name\":\"aquasecurity:trivy:LayerDiffID\",\"value\":"
        "\"sha256:cc\"}]},{\"type\":\"operating-system\",\"name\":\"debian\",\"version\":\"12.4\"}"
        ",{\"type\":\"container\",\"name\":\"base\",\"purl\":\"pkg:oci/base@sha256%3Acd\"}]}";
    assert_int_equal(read_doc(doc), 0);
    assert_string_equal(report->os.version, "12.4"); /* the OS component wins, even listed last */
    assert_int_equal(report->n_packages, 1);
    assert_int_equal(sr.n_components, 1);
    const struct strata_package *p = find("deb", "bsdutils");
    assert_non_null(p);
    assert_string_equal(p->source_name, "util-linux");
    assert_string_equal(p->source_version, "1:2.38.1-5");
    assert_string_equal(p->layer_diff_id, "sha256:cc");
    assert_int_equal(p->layer_index, -1);
    assert_int_equal(sr.n_warnings, 0);
}

/* SPDX 2.3 as strata writes it: subject skipped, OS package, sourceInfo, annotations; an rpm
 * epoch qualifier; an SPDX 2.2 PACKAGE_MANAGER category. */
static void test_spdx(void **state)
{
    (void)state;
    const char *doc =
        "{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"name\":\"example.com/"
        "app:1.0\",\"documentDescribes\":[\"SPDXRef-Target\"],\"packages\":[{\"name\":\"example."
        "com/app:1.0\",\"SPDXID\":\"SPDXRef-Target\",\"versionInfo\":\"sha256:a1\","
        "\"primaryPackagePurpose\":\"CONTAINER\"},{\"name\":\"debian\",\"SPDXID\":\"SPDXRef-"
        "OperatingSystem\",\"versionInfo\":\"11\",\"primaryPackagePurpose\":\"OPERATING-SYSTEM\"}"
        ",{\"name\":\"git-man\",\"SPDXID\":\"SPDXRef-P1\",\"versionInfo\":\"1:2.30.2-1\","
        "\"sourceInfo\":\"built package from: git 1:2.30.2-1\",\"externalRefs\":[{"
        "\"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":\"purl\","
        "\"referenceLocator\":\"pkg:deb/debian/git-man@1%3A2.30.2-1?arch=all&distro=debian-11\"}]"
        ",\"annotations\":[{\"comment\":\"strata:layer_index: 1\"},{\"comment\":\"strata:db_path:"
        " /var/lib/dpkg/status\"}]},{\"name\":\"openssl-libs\",\"SPDXID\":\"SPDXRef-P2\","
        "\"externalRefs\":[{\"referenceCategory\":\"SECURITY\",\"referenceType\":\"cpe23Type\","
        "\"referenceLocator\":\"cpe:2.3:a:x\"},{\"referenceCategory\":\"PACKAGE_MANAGER\","
        "\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:rpm/redhat/openssl-libs@3.0.7-25."
        "el9?arch=x86_64&epoch=1&distro=rhel-9.3\"}]},{\"name\":\"nopurl\",\"SPDXID\":\"SPDXRef-"
        "P3\",\"versionInfo\":\"1\"}]}";
    assert_int_equal(read_doc(doc), 0);
    assert_string_equal(sr.format, "SPDX");
    assert_string_equal(sr.spec_version, "2.3");
    assert_string_equal(report->target.name, "example.com/app:1.0");
    assert_string_equal(report->target.digest, "sha256:a1");
    assert_string_equal(report->os.family, "debian");
    assert_string_equal(report->os.version, "11");
    assert_int_equal(report->n_packages, 2);
    assert_int_equal(sr.n_components, 3);
    const struct strata_package *p = find("deb", "git-man");
    assert_non_null(p);
    assert_string_equal(p->source_name, "git");
    assert_string_equal(p->source_version, "1:2.30.2-1");
    assert_int_equal(p->layer_index, 1);
    assert_string_equal(p->db_path, "/var/lib/dpkg/status");
    p = find("rpm", "openssl-libs");
    assert_non_null(p);
    assert_string_equal(p->version, "1:3.0.7-25.el9");
    assert_true(has_warning("1 component without a purl was not checked (nopurl@1)"));
}

/* The OS from distro qualifiers when no component names it: Trivy's 12.4, a codename, Alpine. */
static void test_os_from_qualifiers(void **state)
{
    (void)state;
    const char *doc = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{"
                      "\"type\":\"library\",\"name\":\"curl\",\"purl\":\"pkg:deb/debian/curl@"
                      "7.50.3-1?arch=i386&distro=jessie\"}]}";
    assert_int_equal(read_doc(doc), 0);
    assert_string_equal(report->os.family, "debian");
    assert_string_equal(report->os.version, "8");
    assert_string_equal(report->target.name, "t.json"); /* no subject: the file */
    sbom_read_release(&sr);
    strata_report_free(report);
    report = strata_report_new();
    doc = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"type\":"
          "\"library\",\"name\":\"busybox\",\"purl\":\"pkg:apk/alpine/busybox@1.36.1-r15?arch="
          "x86_64&upstream=busybox&distro=alpine-3.19.1\"},{\"type\":\"library\",\"name\":"
          "\"ssl\",\"purl\":\"pkg:apk/alpine/libssl3@3.1.4-r5?upstream=openssl\"}]}";
    assert_int_equal(read_doc(doc), 0);
    assert_string_equal(report->os.family, "alpine");
    assert_string_equal(report->os.version, "3.19.1");
    const struct strata_package *p = find("apk", "libssl3");
    assert_non_null(p);
    assert_string_equal(p->source_name, "openssl");
    assert_string_equal(p->source_version, "3.1.4-r5");
}

static void expect_error(const char *doc, int code, const char *needle)
{
    sbom_read_release(&sr);
    strata_report_free(report);
    report = strata_report_new();
    memset(&err, 0, sizeof err);
    int rc = read_doc(doc);
    if (rc != code || strstr(err.msg, needle) == NULL || strncmp(err.msg, "t.json", 6) != 0) {
        print_error("doc %.80s: rc %d (want %d), '%s' (want '%s')\n", doc, rc, code, err.msg,
                    needle);
        fail();
    }
}

static void test_hostile(void **state)
{
    (void)state;
    expect_error("", STRATA_EFORMAT, "t.json:1:1: not valid JSON");
    expect_error("{\"bomFormat\":\"CycloneDX\",\n\"specVersion\":\"1.5\",\n\"components\":[",
                 STRATA_EFORMAT, "t.json:3:");
    expect_error("[1,2]", STRATA_EFORMAT, "not an SBOM");
    expect_error("{\"a\":1}", STRATA_EFORMAT, "not an SBOM");
    expect_error("{\"bomFormat\":\"CycloneDX\"}", STRATA_EFORMAT, "specVersion missing");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"2.0\"}", STRATA_EFORMAT, "'2.0'");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":7}", STRATA_EFORMAT, "missing");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":{}}",
                 STRATA_EFORMAT, "components: expected an array");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[1]}",
                 STRATA_EFORMAT, "components[0]: expected an object");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"purl\":"
                 "[]}]}",
                 STRATA_EFORMAT, "components[0].purl: expected a string");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"metadata\":[]}",
                 STRATA_EFORMAT, "metadata: expected an object");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{"
                 "\"components\":[{\"components\":7}]}]}",
                 STRATA_EFORMAT, "components[0].components[0].components: expected an array");
    expect_error("{\"spdxVersion\":\"SPDX-2.3\",\"packages\":{}}", STRATA_EFORMAT,
                 "packages: expected an array");
    expect_error("{\"spdxVersion\":\"SPDX-3.0\"}", STRATA_EFORMAT, "SPDX-3.0");
    expect_error("{\"@context\":\"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\",\"@graph\":[]}",
                 STRATA_EFORMAT, "SPDX 3");
    expect_error("{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"externalRefs\":[{"
                 "\"referenceType\":\"purl\",\"referenceLocator\":5}]}]}",
                 STRATA_EFORMAT, "packages[0].externalRefs[0].referenceLocator");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"bomFormat\":\"CycloneDX\"}", STRATA_EFORMAT,
                 "duplicate");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"name\":"
                 "\"a\\u0000b\"}]}",
                 STRATA_EFORMAT, "not valid JSON");

    /* Nesting deeper than SBOM_MAX_DEPTH. */
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_adds(&sb, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
                                      "\"components\":["),
                     0);
    for (int i = 0; i < SBOM_MAX_DEPTH + 2; i++)
        assert_int_equal(strbuf_adds(&sb, "{\"type\":\"library\",\"components\":["), 0);
    for (int i = 0; i < SBOM_MAX_DEPTH + 2; i++)
        assert_int_equal(strbuf_adds(&sb, "]}"), 0);
    assert_int_equal(strbuf_adds(&sb, "]}"), 0);
    expect_error(sb.buf, STRATA_ELIMIT, "nested deeper than 32");
    strbuf_release(&sb);

    /* Very deep JSON is refused by the JSON parser itself, without recursion trouble. */
    for (int i = 0; i < 100000; i++)
        assert_int_equal(strbuf_addch(&sb, '['), 0);
    expect_error(sb.buf, STRATA_EFORMAT, "not valid JSON");
    strbuf_release(&sb);

    /* Over the size bound: refused before parsing. */
    sbom_read_release(&sr);
    assert_int_equal(sbom_read_mem("t.json", "{}", (size_t)SBOM_MAX_BYTES + 1, report, &sr, &err),
                     STRATA_ELIMIT);
}

/* Many components: all read, warnings bounded in length. */
static void test_many(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(strbuf_adds(&sb, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
                                      "\"components\":["),
                     0);
    for (int i = 0; i < 20000; i++)
        assert_int_equal(strbuf_addf(&sb,
                                     "%s{\"type\":\"library\",\"name\":\"p%d\",\"purl\":\"pkg:npm/"
                                     "p%d@1.0.%d\"},{\"name\":\"n%d\"},{\"purl\":\"pkg:x/%d\"}",
                                     i ? "," : "", i, i, i, i, i),
                         0);
    assert_int_equal(strbuf_adds(&sb, "]}"), 0);
    assert_int_equal(sbom_read_mem("t.json", sb.buf, sb.len, report, &sr, &err), 0);
    strbuf_release(&sb);
    assert_int_equal(report->n_packages, 40000);
    assert_int_equal(sr.n_components, 60000);
    assert_int_equal(sr.n_warnings, 2);
    for (size_t i = 0; i < sr.n_warnings; i++)
        assert_true(strlen(sr.warnings[i]) < 1024);
    assert_true(has_warning("20000 components without a purl were not checked (n0, n1, n2, n3, "
                            "n4, …)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_strata_cyclonedx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syft_nested_and_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trivy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spdx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_os_from_qualifiers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
