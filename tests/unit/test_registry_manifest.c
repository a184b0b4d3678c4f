/* Unit tests: manifests and indexes as registries serve them (registry_manifest.h). The
 * Docker schema 2 and OCI manifests are the exact bytes Debian's docker-registry (CNCF
 * distribution 2.8) served after `skopeo copy` of the shared fixtures; the index has the shape
 * of a buildkit multi-platform image on Docker Hub (attestation entries included). Then platform
 * choice and hostile documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "source/registry.h"
#include "source/registry_manifest.h"

#define DA "sha256:a19dbceb1319def34e8333eb981e5004f8117fc95c88ca3a27eb300da1396398"
#define D32(c) c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
#define D(c) "sha256:" D32(c) D32(c)

static const char docker_v2[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
    "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":2415,"
    "\"digest\":\"" DA "\"},\"layers\":[{\"mediaType\":\"application/"
    "vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":29944637,\"digest\":\"sha256:"
    "286a84f4497b5cc01c228ce3a09c4f10f4a8da93bc6de134d58ca98dc1633dfe\"},{\"mediaType\":"
    "\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":15507762,\"digest\":\"sha256:"
    "fe39c57d554fa93cbabd54181f33f6a03b7a38a5f2bf9a1f25302b3040aa3e31\"},{\"mediaType\":"
    "\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":598444,\"digest\":\"sha256:"
    "1f9d50029d81b223c6450867cea6ef9b59cc18107db3892a3cac81b6b3d39d37\"},{\"mediaType\":"
    "\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":389,\"digest\":\"sha256:"
    "1931c1718cf2204f947fb8572756682f3c8e1cd6b1a268568dec586256f6b2ce\"}]}";

/* OCI: no mediaType in the document; the Content-Type says what it is */
static const char oci_zstd[] =
    "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
    "\"digest\":\"" DA "\",\"size\":2415},\"layers\":[{\"mediaType\":\"application/"
    "vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"sha256:"
    "8829f2ab6706346c430387c1e0a74e66802df42503119a0bd381b3b79e254d10\",\"size\":18507015},{"
    "\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"sha256:"
    "0ceae5770b5ad9fd830eb0aba2edc6432c4b44fc2193746f293307add682b9b1\",\"size\":11370172}]}";

static const char index_doc[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
    "\"manifests\":["
    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D(
        "1") "\","
             "\"size\":1000,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
             "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D(
                 "2") "\","
                      "\"size\":1001,\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\","
                      "\"variant\":\"v6\"}},"
                      "{\"mediaType\":\"application/"
                      "vnd.oci.image.manifest.v1+json\",\"digest\":\"" D(
                          "3") "\","
                               "\"size\":1002,\"platform\":{\"architecture\":\"arm\",\"os\":"
                               "\"linux\",\"variant\":\"v7\"}},"
                               "{\"mediaType\":\"application/"
                               "vnd.oci.image.manifest.v1+json\",\"digest\":\"" D(
                                   "4") "\","
                                        "\"size\":1003,\"platform\":{\"architecture\":\"arm64\","
                                        "\"os\":\"linux\",\"variant\":\"v8\"}},"
                                        "{\"mediaType\":\"application/"
                                        "vnd.oci.image.manifest.v1+json\",\"digest\":\"" D(
                                            "5") "\","
                                                 "\"size\":566,\"annotations\":{\"vnd.docker."
                                                 "reference.digest\":\"" D(
                                                     "1") "\","
                                                          "\"vnd.docker.reference.type\":"
                                                          "\"attestation-manifest\"},\"platform\":{"
                                                          "\"architecture\":"
                                                          "\"unknown\",\"os\":\"unknown\"}},"
                                                          "{\"mediaType\":\"application/"
                                                          "vnd.oci.image.manifest.v1+json\","
                                                          "\"digest\":\"" D(
                                                              "6") "\","
                                                                   "\"size\":1004,\"platform\":{"
                                                                   "\"architecture\":\"amd64\","
                                                                   "\"os\":\"windows\",\"os."
                                                                   "version\":"
                                                                   "\"10.0.17763.5576\"}}]}";

static json_t *load(const char *text, const char *ct, enum registry_manifest_kind *kind)
{
    json_t *doc = NULL;
    struct strata_error err = {0};
    int rc = registry_manifest_load(text, strlen(text), ct, "m", &doc, kind, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    return doc;
}

static void test_image_manifests(void **state)
{
    (void)state;
    enum registry_manifest_kind kind;
    struct registry_image_manifest im;
    struct strata_error err = {0};
    json_t *doc = load(docker_v2, "application/vnd.docker.distribution.manifest.v2+json", &kind);
    assert_int_equal(kind, REGISTRY_KIND_IMAGE);
    assert_int_equal(registry_manifest_image(doc, "m", &im, &err), 0);
    assert_string_equal(im.config.digest, DA);
    assert_int_equal(im.config.size, 2415);
    assert_int_equal(im.n_layers, 4);
    assert_int_equal(im.layers[0].size, 29944637);
    assert_string_equal(im.layers[3].digest,
                        "sha256:1931c1718cf2204f947fb8572756682f3c8e1cd6b1a268568dec586256f6b2ce");
    registry_image_manifest_release(&im);
    json_decref(doc);
    /* the OCI one: by Content-Type (with parameters), and by shape when there is none */
    doc = load(oci_zstd, "application/vnd.oci.image.manifest.v1+json; charset=utf-8", &kind);
    assert_int_equal(kind, REGISTRY_KIND_IMAGE);
    assert_int_equal(registry_manifest_image(doc, "m", &im, &err), 0);
    assert_string_equal(im.layers[1].media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
    registry_image_manifest_release(&im);
    json_decref(doc);
    doc = load(oci_zstd, NULL, &kind);
    assert_int_equal(kind, REGISTRY_KIND_IMAGE);
    json_decref(doc);
}

static void test_index_choice(void **state)
{
    (void)state;
    enum registry_manifest_kind kind;
    json_t *doc = load(index_doc, "application/vnd.oci.image.index.v1+json", &kind);
    assert_int_equal(kind, REGISTRY_KIND_INDEX);
    struct {
        const char *want, *digest;
    } rows[] = {
        {"linux/amd64", D("1")},  {"linux/arm64", D("4")},  {"linux/arm64/v8", D("4")},
        {"linux/arm", D("3")}, /* v7 is arm's usual variant */
        {"linux/arm/v7", D("3")}, {"linux/arm/v6", D("2")}, {"windows/amd64", D("6")},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct registry_descriptor d;
        struct strata_error err = {0};
        if (registry_index_choose(doc, rows[i].want, "m", &d, &err) != 0)
            fail_msg("%s: %s", rows[i].want, err.msg);
        assert_string_equal(d.digest, rows[i].digest);
    }
    struct registry_descriptor d;
    struct strata_error err = {0};
    assert_int_equal(registry_index_choose(doc, "linux/s390x", "m", &d, &err), STRATA_ENOTFOUND);
    /* the message lists what there is, attestations left out */
    assert_non_null(strstr(err.msg, "linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8, "
                                    "windows/amd64"));
    assert_null(strstr(err.msg, "unknown"));
    assert_int_equal(registry_index_choose(doc, "linux/arm/v5", "m", &d, &err), STRATA_ENOTFOUND);
    /* the default is this machine's platform */
    if (strcmp(registry_host_platform(), "linux/amd64") == 0) {
        assert_int_equal(registry_index_choose(doc, NULL, "m", &d, &err), 0);
        assert_string_equal(d.digest, D("1"));
    }
    json_decref(doc);
    /* a Docker manifest list decided by its shape alone */
    const char *list =
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
        "vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" D(
            "7") "\","
                 "\"size\":7,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
    doc = load(list, NULL, &kind);
    assert_int_equal(kind, REGISTRY_KIND_INDEX);
    assert_int_equal(registry_index_choose(doc, "linux/amd64", "m", &d, &err), 0);
    assert_string_equal(d.digest, D("7"));
    assert_string_equal(d.platform, "linux/amd64");
    json_decref(doc);
}

static void test_platform_syntax(void **state)
{
    (void)state;
    struct strata_error err = {0};
    assert_int_equal(registry_platform_check("linux/amd64", &err), 0);
    assert_int_equal(registry_platform_check("linux/arm64/v8", &err), 0);
    static const char *const bad[] = {
        "linux",       "linux/",           "/amd64",       "linux//v8",
        "Linux/amd64", "linux/amd64/v8/x", "linux/am d64", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (registry_platform_check(bad[i], &err) != STRATA_EUSAGE)
            fail_msg("'%s' accepted", bad[i]);
    assert_non_null(strstr(registry_host_platform(), "linux/"));
}

struct bad_doc {
    const char *text, *ct, *msg;
};

static const struct bad_doc bad_loads[] = {
    {"", NULL, "invalid JSON"},
    {"[]", NULL, "not an object"},
    {"{\"schemaVersion\":1,\"fsLayers\":[]}", NULL, "schema 1"},
    {"{\"schemaVersion\":2}", "application/vnd.docker.distribution.manifest.v1+prettyjws",
     "schema 1"},
    {"{\"schemaVersion\":3,\"layers\":[]}", NULL, "schemaVersion is not 2"},
    {"{\"schemaVersion\":\"2\",\"layers\":[]}", NULL, "schemaVersion is not 2"},
    {"{\"schemaVersion\":2}", NULL, "neither an image manifest nor an index"},
    {"{\"schemaVersion\":2,\"mediaType\":7}", NULL, "mediaType is not a string"},
    {"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
     "\"layers\":[]}",
     NULL, "an index must have"},
    {"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
     "\"manifests\":[]}",
     NULL, "must not have"},
    {"{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}", NULL, "neither"},
    {"{\"schemaVersion\":2,\"schemaVersion\":2,\"layers\":[]}", NULL, "invalid JSON"},
};

static const struct bad_doc bad_images[] = {
    {"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
     "\"digest\":\"" DA "\",\"size\":-1},\"layers\":[]}",
     NULL, "config.size"},
    {"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
     "\"digest\":\"sha512:ab\",\"size\":1},\"layers\":[]}",
     NULL, "not a sha256 digest"},
    {"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.dev.cosign.simplesigning."
     "v1+json\",\"digest\":\"" DA "\",\"size\":1},\"layers\":[]}",
     NULL, "not a container image"},
    {"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
     "\"digest\":\"" DA "\",\"size\":99999999999},\"layers\":[]}",
     NULL, "config of"},
    {"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
     "\"digest\":\"" DA "\",\"size\":1},\"layers\":{}}",
     NULL, "not an array"},
    {"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
     "\"digest\":\"" DA "\",\"size\":1},\"layers\":[{\"mediaType\":\"application/vnd.cncf.helm."
     "chart.content.v1.tar+gzip\",\"digest\":\"" DA "\",\"size\":1}]}",
     NULL, "not a tar layer"},
    {"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
     "\"digest\":\"" DA "\",\"size\":1},\"layers\":[{\"mediaType\":\"application/vnd.docker.image."
     "rootfs.foreign.diff.tar.gzip\",\"digest\":\"" DA "\",\"size\":1,\"urls\":[\"https://x\"]}]}",
     NULL, "foreign layer"},
    {"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
     "\"digest\":\"" DA "\",\"size\":1},\"layers\":[5]}",
     NULL, "layers[0] is not an object"},
    {"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
     "\"digest\":\"" DA "\",\"size\":1},\"layers\":[{\"digest\":\"" DA "\",\"size\":1.5}]}",
     NULL, "layers[0].size"},
    {"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
     "\"size\":1},\"layers\":[]}",
     NULL, "config has no digest"},
};

static const struct bad_doc bad_indexes[] = {
    {"{\"schemaVersion\":2,\"manifests\":{}}", NULL, "not an array"},
    {"{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" DA "\",\"size\":1,\"platform\":"
     "{\"os\":\"linux\"}}]}",
     NULL, "platform needs"},
    {"{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" DA "\",\"size\":1,\"platform\":"
     "{\"os\":\"linux\",\"architecture\":\"amd64/x\"}}]}",
     NULL, "'/' in a field"},
    {"{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" DA "\",\"platform\":"
     "{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}",
     NULL, "size"},
    {"{\"schemaVersion\":2,\"manifests\":[]}", NULL, "no platform entries"},
};

static void test_hostile(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_loads / sizeof bad_loads[0]; i++) {
        json_t *doc;
        enum registry_manifest_kind kind;
        struct strata_error err = {0};
        const struct bad_doc *b = &bad_loads[i];
        int rc = registry_manifest_load(b->text, strlen(b->text), b->ct, "reg/app:1 manifest", &doc,
                                        &kind, &err);
        if (rc == 0) {
            json_decref(doc);
            fail_msg("load '%s' accepted", b->text);
        }
        if (strstr(err.msg, b->msg) == NULL || strncmp(err.msg, "reg/app:1 manifest", 18) != 0)
            fail_msg("'%s': '%s' lacks '%s'", b->text, err.msg, b->msg);
    }
    for (size_t i = 0; i < sizeof bad_images / sizeof bad_images[0]; i++) {
        enum registry_manifest_kind kind;
        json_t *doc = load(bad_images[i].text, NULL, &kind);
        struct registry_image_manifest im;
        struct strata_error err = {0};
        if (registry_manifest_image(doc, "m", &im, &err) == 0) {
            registry_image_manifest_release(&im);
            fail_msg("image '%s' accepted", bad_images[i].text);
        }
        if (strstr(err.msg, bad_images[i].msg) == NULL)
            fail_msg("'%s': '%s' lacks '%s'", bad_images[i].text, err.msg, bad_images[i].msg);
        json_decref(doc);
    }
    for (size_t i = 0; i < sizeof bad_indexes / sizeof bad_indexes[0]; i++) {
        enum registry_manifest_kind kind;
        json_t *doc = load(bad_indexes[i].text, NULL, &kind);
        struct registry_descriptor d;
        struct strata_error err = {0};
        if (registry_index_choose(doc, "linux/amd64", "m", &d, &err) == 0)
            fail_msg("index '%s' accepted", bad_indexes[i].text);
        if (strstr(err.msg, bad_indexes[i].msg) == NULL)
            fail_msg("'%s': '%s' lacks '%s'", bad_indexes[i].text, err.msg, bad_indexes[i].msg);
        json_decref(doc);
    }
}

static void test_bounds(void **state)
{
    (void)state;
    /* more layers than IMAGE_MAX_LAYERS, more index entries than the bound, a huge document */
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/"
                     "vnd.oci.image.config.v1+json\",\"digest\":\"" DA "\",\"size\":1},"
                     "\"layers\":[");
    for (int i = 0; i < 1025; i++)
        strbuf_addf(&sb,
                    "%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                    "\"digest\":\"" DA "\",\"size\":1}",
                    i ? "," : "");
    strbuf_adds(&sb, "]}");
    enum registry_manifest_kind kind;
    json_t *doc = load(sb.buf, NULL, &kind);
    struct registry_image_manifest im;
    struct strata_error err = {0};
    assert_int_equal(registry_manifest_image(doc, "m", &im, &err), STRATA_ELIMIT);
    json_decref(doc);
    strbuf_reset(&sb);
    strbuf_adds(&sb, "{\"schemaVersion\":2,\"manifests\":[");
    for (int i = 0; i < REGISTRY_MAX_INDEX_ENTRIES + 1; i++)
        strbuf_addf(&sb, "%s{\"digest\":\"" DA "\",\"size\":1}", i ? "," : "");
    strbuf_adds(&sb, "]}");
    doc = load(sb.buf, NULL, &kind);
    struct registry_descriptor d;
    assert_int_equal(registry_index_choose(doc, "linux/amd64", "m", &d, &err), STRATA_ELIMIT);
    json_decref(doc);
    strbuf_release(&sb);
    size_t n = REGISTRY_MAX_MANIFEST + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    assert_int_equal(registry_manifest_load(big, n, NULL, "m", &doc, &kind, &err), STRATA_ELIMIT);
    free(big);
    /* deep nesting is a JSON error, not a crash */
    sb = (struct strbuf)STRBUF_INIT;
    strbuf_adds(&sb, "{\"schemaVersion\":2,\"layers\":");
    for (int i = 0; i < 100000; i++)
        strbuf_addch(&sb, '[');
    assert_int_not_equal(registry_manifest_load(sb.buf, sb.len, NULL, "m", &doc, &kind, &err), 0);
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image_manifests), cmocka_unit_test(test_index_choice),
        cmocka_unit_test(test_platform_syntax), cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
