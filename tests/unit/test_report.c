/* Reporters: every format rendered from one report built in code, parsed back and checked
 * field by field; json and table also against golden files (STRATA_UPDATE_GOLDEN=1 rewrites
 * them). STRATA_REPORT_DUMP_DIR=DIR writes every rendering there (tests/e2e/sbom_schema.sh
 * validates those against the official SBOM schemas). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata/report.h"
#include "strata/reporter.h"

#include "report_test_util.h"

#define TS "2024-05-06T07:08:09Z"
#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DIFF0 "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define DIFF1 "sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"

static const struct strata_report_write_opts fixed = {"1.2.3", TS, 0, 0};

static void add_pkg(struct strata_report *r, const char *name, const char *version,
                    const char *arch, const char *purl, const char *src, const char *srcver,
                    const char *const *lic, int layer, const char *diff, const char *db)
{
    struct strata_package *p = strata_report_add_package(r);
    assert_non_null(p);
    p->name = dup(name);
    p->version = dup(version);
    p->type = dup("deb");
    p->arch = arch ? dup(arch) : NULL;
    p->purl = purl ? dup(purl) : NULL;
    p->source_name = src ? dup(src) : NULL;
    p->source_version = srcver ? dup(srcver) : NULL;
    for (size_t n = 0; lic && lic[n]; n++) {
        p->licenses = realloc(p->licenses, (n + 1) * sizeof *p->licenses);
        assert_non_null(p->licenses);
        p->licenses[n] = dup(lic[n]);
        p->n_licenses = n + 1;
    }
    p->layer_index = layer;
    p->layer_diff_id = diff ? dup(diff) : NULL;
    p->db_path = db ? dup(db) : NULL;
}

/* 2 layers, 3 packages: one with Debian-style license names, one whose name needs SPDXID
 * sanitizing and whose source differs, one with an epoch and every optional field NULL. */
static struct strata_report *sample(void)
{
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    r->target.name = dup("registry.example/app:1.0");
    r->target.kind = dup("docker-archive");
    r->target.digest = dup(DIGEST);
    r->os.family = dup("debian");
    r->os.version = dup("12");
    r->os.codename = dup("bookworm");
    r->os.pretty_name = dup("Debian GNU/Linux 12 (bookworm)");
    r->layers = calloc(2, sizeof *r->layers);
    assert_non_null(r->layers);
    r->n_layers = 2;
    r->layers[0].index = 0;
    r->layers[0].diff_id = dup(DIFF0);
    r->layers[0].digest =
        dup("sha256:c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3");
    r->layers[0].media_type = dup("application/vnd.docker.image.rootfs.diff.tar.gzip");
    r->layers[0].size = 29150478;
    r->layers[0].created_by = dup("/bin/sh -c #(nop) ADD file:4b1cd5f0e1 in / ");
    r->layers[1].index = 1;
    r->layers[1].diff_id = dup(DIFF1);
    r->layers[1].digest =
        dup("sha256:d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4");
    r->layers[1].size = 1536;
    r->layers[1].created_by =
        dup("RUN /bin/sh -c apt-get update &&     apt-get install -y --no-install-recommends "
            "libstdc++6 zlib1g && rm -rf /var/lib/apt/lists/* # buildkit");
    static const char *const lic0[] = {"GPL-2+", "BSD-3-clause", NULL};
    static const char *const lic1[] = {"GPL-3.0-or-later", "mit", "GPL-3.0-or-later", NULL};
    add_pkg(r, "base-files", "12.4+deb12u5", "amd64",
            "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12", NULL, NULL,
            lic0, 0, DIFF0, "/var/lib/dpkg/status");
    add_pkg(r, "libstdc++6", "12.2.0-14", "amd64",
            "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12",
            "gcc-12", "12.2.0-14", lic1, 1, DIFF1, "/var/lib/dpkg/status");
    add_pkg(r, "zlib1g", "1:2.3-4", NULL, NULL, NULL, NULL, NULL, -1, NULL, NULL);
    strata_report_sort_packages(r);
    return r;
}

/* tests/golden, found from SRCROOT or from this file's path as the Makefile compiles it. */
static void golden_path(const char *name, char *out, size_t size)
{
    const char *root = getenv("SRCROOT");
    if (root != NULL && *root != '\0') {
        snprintf(out, size, "%s/tests/golden/%s", root, name);
        return;
    }
    const char *file = __FILE__;
    const char *slash = strrchr(file, '/');
    int dirlen = slash ? (int)(slash - file) : 1;
    snprintf(out, size, "%.*s/../golden/%s", dirlen, slash ? file : ".", name);
}

static void check_golden(const char *name, const char *got)
{
    char path[4096];
    golden_path(name, path, sizeof path);
    const char *upd = getenv("STRATA_UPDATE_GOLDEN");
    if (upd != NULL && strcmp(upd, "1") == 0) {
        FILE *f = fopen(path, "w");
        if (f == NULL)
            fail_msg("cannot rewrite %s", path);
        fputs(got, f);
        fclose(f);
        return;
    }
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("%s missing (run with STRATA_UPDATE_GOLDEN=1 from the source root)", path);
    char *want = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&want, &cap, '\0', f);
    fclose(f);
    if (n < 0 || strcmp(want, got) != 0) {
        fprintf(stderr, "---- got ----\n%s---- end ----\n", got);
        free(want);
        fail_msg("%s differs from the rendering (STRATA_UPDATE_GOLDEN=1 to accept)", path);
    }
    free(want);
}

static void test_format_parse(void **state)
{
    (void)state;
    enum strata_format f = STRATA_FORMAT_TABLE;
    assert_int_equal(strata_format_parse("json", &f), 0);
    assert_int_equal(f, STRATA_FORMAT_JSON);
    assert_int_equal(strata_format_parse("CycloneDX", &f), 0);
    assert_int_equal(f, STRATA_FORMAT_CYCLONEDX);
    assert_int_equal(strata_format_parse("cyclonedx-json", &f), 0);
    assert_int_equal(f, STRATA_FORMAT_CYCLONEDX);
    assert_int_equal(strata_format_parse("spdx", &f), 0);
    assert_int_equal(f, STRATA_FORMAT_SPDX);
    assert_int_equal(strata_format_parse("spdx-json", &f), 0);
    assert_int_equal(f, STRATA_FORMAT_SPDX);
    assert_int_equal(strata_format_parse("table", &f), 0);
    assert_int_equal(f, STRATA_FORMAT_TABLE);
    assert_int_equal(strata_format_parse("SARIF", &f), 0);
    assert_int_equal(f, STRATA_FORMAT_SARIF);
    f = STRATA_FORMAT_SPDX;
    assert_int_equal(strata_format_parse("sarif-2.1", &f), STRATA_EUSAGE);
    assert_int_equal(strata_format_parse("", &f), STRATA_EUSAGE);
    assert_int_equal(strata_format_parse("json ", &f), STRATA_EUSAGE);
    assert_int_equal(strata_format_parse(NULL, &f), STRATA_EUSAGE);
    assert_int_equal(f, STRATA_FORMAT_SPDX); /* untouched on failure */
    assert_string_equal(strata_format_name(STRATA_FORMAT_CYCLONEDX), "cyclonedx");
    assert_string_equal(strata_format_name((enum strata_format)42), "?");
    struct strata_report *r = sample();
    struct strata_error err = {0};
    assert_int_equal(strata_report_write(r, (enum strata_format)42, stdout, NULL, &err),
                     STRATA_EUSAGE);
    strata_report_free(r);
}

static void test_json(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    char *text = render(r, STRATA_FORMAT_JSON, &fixed);
    dump("report.json", text);
    check_golden("reporter-sample.json", text);
    assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
    assert_non_null(strstr(text, "\n  \"target\": {\n    \"name\""));

    json_t *j = parse(text);
    /* Key order is part of the v1 promise. */
    static const char *const top[] = {"schema",
                                      "target",
                                      "os",
                                      "layers",
                                      "packages",
                                      "vulnerability_scan",
                                      "vulnerabilities",
                                      "misconfigurations",
                                      "secrets",
                                      "licenses",
                                      "pss"};
    const char *key;
    json_t *v;
    size_t k = 0;
    json_object_foreach(j, key, v)
    {
        assert_true(k < 11);
        assert_string_equal(key, top[k++]);
    }
    assert_int_equal(k, 11);
    assert_true(json_is_null(json_object_get(j, "vulnerability_scan")));
    assert_int_equal(json_array_size(json_object_get(j, "vulnerabilities")), 0);
    assert_string_equal(jstr(j, "schema"), "strata.report/v1");
    json_t *t = json_object_get(j, "target");
    assert_string_equal(jstr(t, "kind"), "docker-archive");
    assert_string_equal(jstr(t, "digest"), DIGEST);
    assert_string_equal(jstr(json_object_get(j, "os"), "pretty_name"),
                        "Debian GNU/Linux 12 (bookworm)");
    json_t *layers = json_object_get(j, "layers");
    assert_int_equal(json_array_size(layers), 2);
    json_t *l0 = json_array_get(layers, 0);
    assert_int_equal(json_integer_value(json_object_get(l0, "index")), 0);
    assert_int_equal(json_integer_value(json_object_get(l0, "size")), 29150478);
    assert_string_equal(jstr(l0, "diff_id"), DIFF0);
    assert_null(json_object_get(l0, "media_type")); /* not part of v1 */

    json_t *pkgs = json_object_get(j, "packages");
    assert_int_equal(json_array_size(pkgs), 3);
    static const char *const pkeys[] = {
        "name",        "version",        "type",     "arch",        "purl",
        "source_name", "source_version", "licenses", "layer_index", "layer_diff_id",
        "db_path",     "direct",         "dev",      "lockfile",    "os_package",
        "compiled_in", "license_denied"};
    k = 0;
    json_object_foreach(json_array_get(pkgs, 0), key, v)
    {
        assert_true(k < 17);
        assert_string_equal(key, pkeys[k++]);
    }
    assert_int_equal(k, 17);
    /* OS packages: direct unknown (null), not dev, no lockfile */
    assert_true(json_is_null(json_object_get(json_array_get(pkgs, 0), "direct")));
    assert_true(json_is_false(json_object_get(json_array_get(pkgs, 0), "dev")));
    json_t *p1 = json_array_get(pkgs, 1);
    assert_string_equal(jstr(p1, "name"), "libstdc++6");
    assert_string_equal(jstr(p1, "source_name"), "gcc-12");
    assert_int_equal(json_integer_value(json_object_get(p1, "layer_index")), 1);
    assert_int_equal(json_array_size(json_object_get(p1, "licenses")), 3); /* as stated */
    json_t *p2 = json_array_get(pkgs, 2);
    assert_string_equal(jstr(p2, "version"), "1:2.3-4");
    assert_true(json_is_null(json_object_get(p2, "arch")));
    assert_true(json_is_null(json_object_get(p2, "purl")));
    assert_true(json_is_null(json_object_get(p2, "source_name")));
    assert_true(json_is_null(json_object_get(p2, "layer_index")));
    assert_true(json_is_null(json_object_get(p2, "layer_diff_id")));
    assert_true(json_is_null(json_object_get(p2, "db_path")));
    assert_int_equal(json_array_size(json_object_get(p2, "licenses")), 0);
    assert_null(json_object_get(p2, "files"));
    json_decref(j);
    free(text);
    strata_report_free(r);
}

static void test_table(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    char *text = render(r, STRATA_FORMAT_TABLE, &fixed);
    dump("report.table.txt", text);
    check_golden("reporter-sample.table.txt", text);
    assert_null(strchr(text, '\033'));
    assert_non_null(strstr(text, "3 packages (deb 3) in 2 layers\n"));
    assert_non_null(strstr(text, "27.8 MiB"));
    assert_non_null(strstr(text, "a1a1a1a1a1a1 "));
    assert_non_null(strstr(text, "ADD file:4b1cd5f0e1 in /\n"));
    assert_null(strstr(text, "buildkit"));
    assert_null(strstr(text, "/bin/sh"));
    free(text);

    struct strata_report_write_opts color = fixed;
    color.color = 1;
    text = render(r, STRATA_FORMAT_TABLE, &color);
    assert_non_null(strstr(text, "\033[1m"));
    assert_non_null(strstr(text, "\033[0m"));
    free(text);
    strata_report_free(r);
}

static void test_cyclonedx(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    char *text = render(r, STRATA_FORMAT_CYCLONEDX, &fixed);
    dump("report.cdx.json", text);
    json_t *j = parse(text);
    assert_string_equal(jstr(j, "bomFormat"), "CycloneDX");
    assert_string_equal(jstr(j, "specVersion"), "1.5");
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
    regex_t re;
    assert_int_equal(regcomp(&re,
                             "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                             "[0-9a-f]{12}$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    assert_int_equal(regexec(&re, jstr(j, "serialNumber"), 0, NULL, 0), 0);
    regfree(&re);

    json_t *md = json_object_get(j, "metadata");
    assert_string_equal(jstr(md, "timestamp"), TS);
    json_t *tool = json_array_get(json_object_get(json_object_get(md, "tools"), "components"), 0);
    assert_string_equal(jstr(tool, "name"), "strata");
    assert_string_equal(jstr(tool, "version"), "1.2.3");
    json_t *img = json_object_get(md, "component");
    assert_string_equal(jstr(img, "type"), "container");
    assert_string_equal(jstr(img, "name"), "registry.example/app:1.0");
    assert_string_equal(jstr(img, "version"), DIGEST);
    const char *img_ref = jstr(img, "bom-ref");

    json_t *comps = json_object_get(j, "components");
    assert_int_equal(json_array_size(comps), 4);
    json_t *os = json_array_get(comps, 0);
    assert_string_equal(jstr(os, "type"), "operating-system");
    assert_string_equal(jstr(os, "name"), "debian");
    assert_string_equal(jstr(os, "version"), "12");

    json_t *c0 = json_array_get(comps, 1);
    assert_string_equal(jstr(c0, "type"), "library");
    assert_string_equal(jstr(c0, "bom-ref"), jstr(c0, "purl"));
    json_t *lic = json_object_get(c0, "licenses");
    assert_int_equal(json_array_size(lic), 2);
    assert_string_equal(jstr(json_object_get(json_array_get(lic, 0), "license"), "name"), "GPL-2+");
    json_t *c1 = json_array_get(comps, 2);
    assert_string_equal(jstr(c1, "name"), "libstdc++6");
    lic = json_object_get(c1, "licenses");
    assert_int_equal(json_array_size(lic), 2); /* duplicate dropped, "mit" canonicalized */
    assert_string_equal(jstr(json_object_get(json_array_get(lic, 1), "license"), "id"), "MIT");
    json_t *props = json_object_get(c1, "properties");
    int seen_layer = 0, seen_src = 0;
    size_t i;
    for (i = 0; i < json_array_size(props); i++) {
        json_t *p = json_array_get(props, i);
        if (strcmp(jstr(p, "name"), "strata:layer_index") == 0) {
            assert_string_equal(jstr(p, "value"), "1");
            seen_layer = 1;
        }
        if (strcmp(jstr(p, "name"), "strata:source_name") == 0) {
            assert_string_equal(jstr(p, "value"), "gcc-12");
            seen_src = 1;
        }
    }
    assert_true(seen_layer && seen_src);
    json_t *c2 = json_array_get(comps, 3);
    assert_string_equal(jstr(c2, "version"), "1:2.3-4");
    assert_null(json_object_get(c2, "purl"));
    assert_null(json_object_get(c2, "licenses"));
    for (i = 0; i < json_array_size(json_object_get(c2, "properties")); i++) {
        json_t *p = json_array_get(json_object_get(c2, "properties"), i);
        assert_string_not_equal(jstr(p, "name"), "strata:layer_index");
    }

    json_t *deps = json_object_get(j, "dependencies");
    assert_int_equal(json_array_size(deps), 5);
    json_t *top = json_array_get(deps, 0);
    assert_string_equal(jstr(top, "ref"), img_ref);
    assert_int_equal(json_array_size(json_object_get(top, "dependsOn")), 4);

    /* Reproducible for a fixed timestamp, a new serial for another. */
    char *again = render(r, STRATA_FORMAT_CYCLONEDX, &fixed);
    assert_string_equal(text, again);
    free(again);
    struct strata_report_write_opts later = fixed;
    later.timestamp = "2024-05-06T07:08:10Z";
    again = render(r, STRATA_FORMAT_CYCLONEDX, &later);
    json_t *j2 = parse(again);
    assert_string_not_equal(jstr(j2, "serialNumber"), jstr(j, "serialNumber"));
    json_decref(j2);
    free(again);
    json_decref(j);
    free(text);
    strata_report_free(r);
}

static void test_cyclonedx_duplicate_refs(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    /* The same package recorded twice (two databases) must still give unique bom-refs. */
    add_pkg(r, "base-files", "12.4+deb12u5", "amd64",
            "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12", NULL, NULL,
            NULL, 0, DIFF0, "/var/lib/dpkg/status.d/base-files");
    char *text = render(r, STRATA_FORMAT_CYCLONEDX, &fixed);
    json_t *j = parse(text);
    json_t *comps = json_object_get(j, "components");
    assert_int_equal(json_array_size(comps), 5);
    for (size_t a = 0; a < 5; a++) {
        for (size_t b = a + 1; b < 5; b++)
            assert_string_not_equal(jstr(json_array_get(comps, a), "bom-ref"),
                                    jstr(json_array_get(comps, b), "bom-ref"));
    }
    json_decref(j);
    free(text);
    strata_report_free(r);
}

static void test_spdx(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    /* A second libstdc++6 with the same version forces SPDXID dedupe. */
    add_pkg(r, "libstdc++6", "12.2.0-14", "i386", NULL, NULL, NULL, NULL, 1, DIFF1,
            "/var/lib/dpkg/status");
    strata_report_sort_packages(r);
    char *text = render(r, STRATA_FORMAT_SPDX, &fixed);
    json_t *j = parse(text);
    assert_string_equal(jstr(j, "spdxVersion"), "SPDX-2.3");
    assert_string_equal(jstr(j, "dataLicense"), "CC0-1.0");
    assert_string_equal(jstr(j, "SPDXID"), "SPDXRef-DOCUMENT");
    assert_string_equal(jstr(j, "name"), "registry.example/app:1.0");
    assert_true(strncmp(jstr(j, "documentNamespace"), "https://", 8) == 0);
    json_t *ci = json_object_get(j, "creationInfo");
    assert_string_equal(jstr(ci, "created"), TS);
    assert_string_equal(json_string_value(json_array_get(json_object_get(ci, "creators"), 0)),
                        "Tool: strata-1.2.3");

    json_t *pkgs = json_object_get(j, "packages");
    assert_int_equal(json_array_size(pkgs), 6); /* target + OS + 4 */
    regex_t re;
    assert_int_equal(regcomp(&re, "^SPDXRef-[a-zA-Z0-9.-]+$", REG_EXTENDED | REG_NOSUB), 0);
    for (size_t a = 0; a < json_array_size(pkgs); a++) {
        json_t *p = json_array_get(pkgs, a);
        const char *id = jstr(p, "SPDXID");
        if (regexec(&re, id, 0, NULL, 0) != 0)
            fail_msg("bad SPDXID %s", id);
        for (size_t b = a + 1; b < json_array_size(pkgs); b++)
            assert_string_not_equal(id, jstr(json_array_get(pkgs, b), "SPDXID"));
        assert_string_equal(jstr(p, "downloadLocation"), "NOASSERTION");
        assert_true(json_is_false(json_object_get(p, "filesAnalyzed")));
    }
    regfree(&re);
    json_t *target = json_array_get(pkgs, 0);
    assert_string_equal(jstr(target, "SPDXID"), "SPDXRef-Target");
    assert_string_equal(jstr(target, "versionInfo"), DIGEST);
    assert_string_equal(jstr(json_array_get(pkgs, 1), "primaryPackagePurpose"), "OPERATING-SYSTEM");

    json_t *base = json_array_get(pkgs, 2);
    assert_string_equal(jstr(base, "name"), "base-files");
    assert_string_equal(jstr(base, "licenseDeclared"), "NOASSERTION");
    assert_non_null(strstr(jstr(base, "licenseComments"), "GPL-2+, BSD-3-clause"));
    assert_null(json_object_get(base, "sourceInfo"));
    json_t *ref = json_array_get(json_object_get(base, "externalRefs"), 0);
    assert_string_equal(jstr(ref, "referenceCategory"), "PACKAGE-MANAGER");
    assert_string_equal(jstr(ref, "referenceType"), "purl");
    assert_string_equal(jstr(ref, "referenceLocator"),
                        "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12");

    json_t *cxx = json_array_get(pkgs, 3);
    assert_string_equal(jstr(cxx, "SPDXID"), "SPDXRef-Package-deb-libstdc--6-12.2.0-14");
    assert_string_equal(jstr(cxx, "licenseDeclared"), "GPL-3.0-or-later AND MIT");
    assert_string_equal(jstr(cxx, "sourceInfo"), "built package from: gcc-12 12.2.0-14");
    json_t *cxx2 = json_array_get(pkgs, 4);
    assert_string_equal(jstr(cxx2, "SPDXID"), "SPDXRef-Package-deb-libstdc--6-12.2.0-14-2");
    json_t *z = json_array_get(pkgs, 5);
    assert_string_equal(jstr(z, "SPDXID"), "SPDXRef-Package-deb-zlib1g-1-2.3-4");
    assert_string_equal(jstr(z, "versionInfo"), "1:2.3-4");
    assert_null(json_object_get(z, "externalRefs"));

    json_t *rels = json_object_get(j, "relationships");
    assert_int_equal(json_array_size(rels), 6); /* DESCRIBES + OS + 4 packages */
    json_t *d = json_array_get(rels, 0);
    assert_string_equal(jstr(d, "spdxElementId"), "SPDXRef-DOCUMENT");
    assert_string_equal(jstr(d, "relationshipType"), "DESCRIBES");
    assert_string_equal(jstr(d, "relatedSpdxElement"), "SPDXRef-Target");
    json_t *last = json_array_get(rels, 5);
    assert_string_equal(jstr(last, "relationshipType"), "CONTAINS");
    assert_string_equal(jstr(last, "relatedSpdxElement"), "SPDXRef-Package-deb-zlib1g-1-2.3-4");

    char *again = render(r, STRATA_FORMAT_SPDX, &fixed);
    assert_string_equal(text, again);
    free(again);
    json_decref(j);
    free(text);
    strata_report_free(r);

    /* The dump for schema validation is the sample itself. */
    r = sample();
    text = render(r, STRATA_FORMAT_SPDX, &fixed);
    dump("report.spdx.json", text);
    free(text);
    strata_report_free(r);
}

static void test_timestamp_sources(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    struct strata_report_write_opts o = {NULL, NULL, 0, 0};
    assert_int_equal(setenv("SOURCE_DATE_EPOCH", "86401", 1), 0);
    char *text = render(r, STRATA_FORMAT_SPDX, &o);
    json_t *j = parse(text);
    assert_string_equal(jstr(json_object_get(j, "creationInfo"), "created"),
                        "1970-01-02T00:00:01Z");
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(json_object_get(j, "creationInfo"), "creators"), 0)),
                        "Tool: strata");
    json_decref(j);
    free(text);

    /* The explicit option wins over the environment. */
    o.timestamp = TS;
    text = render(r, STRATA_FORMAT_CYCLONEDX, &o);
    j = parse(text);
    assert_string_equal(jstr(json_object_get(j, "metadata"), "timestamp"), TS);
    assert_null(json_object_get(
        json_array_get(
            json_object_get(json_object_get(json_object_get(j, "metadata"), "tools"), "components"),
            0),
        "version"));
    json_decref(j);
    free(text);

    assert_int_equal(setenv("SOURCE_DATE_EPOCH", "12abc", 1), 0);
    o.timestamp = NULL;
    free(render_rc(r, STRATA_FORMAT_CYCLONEDX, &o, STRATA_EUSAGE));
    assert_int_equal(unsetenv("SOURCE_DATE_EPOCH"), 0);
    text = render(r, STRATA_FORMAT_SPDX, &o); /* now: just well-formed */
    j = parse(text);
    assert_int_equal(strlen(jstr(json_object_get(j, "creationInfo"), "created")), 20);
    json_decref(j);
    free(text);

    o.timestamp = "2024-05-06 07:08:09";
    free(render_rc(r, STRATA_FORMAT_SPDX, &o, STRATA_EUSAGE));
    o.timestamp = "2024-13-06T07:08:09Z";
    free(render_rc(r, STRATA_FORMAT_CYCLONEDX, &o, STRATA_EUSAGE));
    strata_report_free(r);
}

/* Image metadata is untrusted: invalid UTF-8 must not break JSON, escapes must not reach
 * the terminal. */
static void test_hostile_strings(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    free(r->layers[1].created_by);
    r->layers[1].created_by = dup("RUN echo \033[2J\033]0;owned\007 \xff\xfe done");
    free(r->packages[0].name);
    r->packages[0].name = dup("bad\xc3(name\x01");
    char *text = render(r, STRATA_FORMAT_TABLE, &fixed);
    assert_null(strchr(text, '\033'));
    assert_null(strchr(text, '\007'));
    assert_null(strchr(text, '\001'));
    free(text);
    static const enum strata_format js[] = {STRATA_FORMAT_JSON, STRATA_FORMAT_CYCLONEDX,
                                            STRATA_FORMAT_SPDX};
    for (size_t i = 0; i < 3; i++) {
        text = render(r, js[i], &fixed);
        json_t *j = parse(text);
        json_decref(j);
        free(text);
    }
    text = render(r, STRATA_FORMAT_JSON, &fixed);
    assert_non_null(strstr(text, "\"bad\xef\xbf\xbd(name\\u0001\""));
    free(text);
    strata_report_free(r);
}

static void test_empty_report(void **state)
{
    (void)state;
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    static const enum strata_format all[] = {STRATA_FORMAT_TABLE, STRATA_FORMAT_JSON,
                                             STRATA_FORMAT_CYCLONEDX, STRATA_FORMAT_SPDX};
    for (size_t i = 0; i < 4; i++) {
        char *text = render(r, all[i], &fixed);
        if (all[i] == STRATA_FORMAT_TABLE) {
            assert_non_null(strstr(text, "0 packages\n"));
            assert_non_null(strstr(text, "none found"));
        } else {
            json_t *j = parse(text);
            json_decref(j);
        }
        free(text);
    }
    strata_report_free(r);
}

static void test_filesystem_target(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    free(r->target.kind);
    r->target.kind = dup("filesystem");
    free(r->target.digest);
    r->target.digest = NULL;
    char *text = render(r, STRATA_FORMAT_CYCLONEDX, &fixed);
    json_t *j = parse(text);
    json_t *img = json_object_get(json_object_get(j, "metadata"), "component");
    assert_string_equal(jstr(img, "type"), "file");
    assert_null(json_object_get(img, "version"));
    json_decref(j);
    free(text);
    free(r->layers[0].diff_id);
    free(r->layers[0].digest);
    free(r->layers[0].media_type);
    free(r->layers[0].created_by);
    free(r->layers[1].diff_id);
    free(r->layers[1].digest);
    free(r->layers[1].created_by);
    free(r->layers);
    r->layers = NULL;
    r->n_layers = 0;
    text = render(r, STRATA_FORMAT_TABLE, &fixed);
    assert_non_null(strstr(text, "Digest  -\n"));
    assert_null(strstr(text, "LAYER"));
    assert_null(strstr(text, "Layers"));
    assert_non_null(strstr(text, "\n3 packages (deb 3)\n"));
    free(text);
    strata_report_free(r);
}

static void test_write_error(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (full == NULL)
        skip();
    struct strata_report *r = sample();
    struct strata_error err = {0};
    assert_int_equal(strata_report_write(r, STRATA_FORMAT_JSON, full, &fixed, &err), STRATA_EIO);
    assert_non_null(strstr(err.msg, "writing report"));
    clearerr(full);
    assert_int_equal(strata_report_write(r, STRATA_FORMAT_TABLE, full, &fixed, &err), STRATA_EIO);
    fclose(full);
    assert_int_equal(strata_report_write(NULL, STRATA_FORMAT_JSON, stdout, NULL, &err),
                     STRATA_EUSAGE);
    strata_report_free(r);
}

/* jansson allocations that fail after a budget: every JSON writer must then return an error
 * (ENOMEM, or EIO when the dump itself could not allocate), never crash or leak. */
static long alloc_budget = -1;

static void *budget_malloc(size_t n)
{
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return malloc(n);
}

static void test_json_out_of_memory(void **state)
{
    (void)state;
    struct strata_report *r = sample();
    static const enum strata_format js[] = {STRATA_FORMAT_JSON, STRATA_FORMAT_CYCLONEDX,
                                            STRATA_FORMAT_SPDX};
    json_set_alloc_funcs(budget_malloc, free);
    for (size_t i = 0; i < 3; i++) {
        int ok = 0;
        for (long budget = 0; budget < 5000 && !ok; budget++) {
            char *buf = NULL;
            size_t len = 0;
            FILE *m = open_memstream(&buf, &len);
            assert_non_null(m);
            struct strata_error err = {0};
            alloc_budget = budget;
            int rc = strata_report_write(r, js[i], m, &fixed, &err);
            alloc_budget = -1;
            fclose(m);
            free(buf);
            if (rc == 0)
                ok = 1;
            else if (rc != STRATA_ENOMEM && rc != STRATA_EIO)
                fail_msg("%s with budget %ld: rc %d (%s)", strata_format_name(js[i]), budget, rc,
                         err.msg);
        }
        assert_true(ok);
    }
    json_set_alloc_funcs(malloc, free);
    strata_report_free(r);
}

int main(void)
{
    /* Tests set and clear it themselves; an outer value must not leak into goldens. */
    unsetenv("SOURCE_DATE_EPOCH");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_cyclonedx),
        cmocka_unit_test(test_cyclonedx_duplicate_refs),
        cmocka_unit_test(test_spdx),
        cmocka_unit_test(test_timestamp_sources),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_empty_report),
        cmocka_unit_test(test_filesystem_target),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_json_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
