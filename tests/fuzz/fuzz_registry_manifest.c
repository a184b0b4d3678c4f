/* libFuzzer target: manifests and indexes from a registry (registry_manifest.h). The first
 * byte picks the Content-Type the document came with and the platform asked for; the rest is
 * the document. Errors must name the document; a chosen entry must have a sha256 digest. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/digest.h"
#include "source/image_source.h"
#include "source/registry.h"
#include "source/registry_manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = {NULL,
                                    REGISTRY_MT_OCI_MANIFEST,
                                    REGISTRY_MT_OCI_INDEX,
                                    REGISTRY_MT_DOCKER_MANIFEST,
                                    REGISTRY_MT_DOCKER_LIST,
                                    "application/json; charset=utf-8",
                                    "text/plain",
                                    ""};
static const char *const platforms[] = {"linux/amd64", "linux/arm64", "linux/arm/v7", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *ct = types[data[0] & 7];
    const char *platform = platforms[(data[0] >> 3) & 3];
    static const char what[] = "reg.example/app:1: manifest";
    json_t *doc = NULL;
    enum registry_manifest_kind kind;
    struct strata_error err = {0};
    int rc = registry_manifest_load((const char *)data + 1, size - 1, ct, what, &doc, &kind, &err);
    if (rc == 0 && kind == REGISTRY_KIND_IMAGE) {
        struct registry_image_manifest im;
        rc = registry_manifest_image(doc, what, &im, &err);
        if (rc == 0) {
            if (!digest_is_valid_sha256(im.config.digest) || im.n_layers > IMAGE_MAX_LAYERS)
                __builtin_trap();
            for (size_t i = 0; i < im.n_layers; i++)
                if (!digest_is_valid_sha256(im.layers[i].digest))
                    __builtin_trap();
            registry_image_manifest_release(&im);
        }
    } else if (rc == 0) {
        struct registry_descriptor d;
        rc = registry_index_choose(doc, platform, what, &d, &err);
        if (rc == 0 && (!digest_is_valid_sha256(d.digest) || d.platform[0] == '\0'))
            __builtin_trap();
    }
    json_decref(doc);
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, what, strlen(what)) != 0)
        __builtin_trap();
    return 0;
}
