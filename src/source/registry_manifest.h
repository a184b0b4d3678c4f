/* What a registry serves under /manifests/: an image manifest (OCI or Docker schema 2) or an
 * index (OCI image index or Docker manifest list), and the choice of one platform's manifest
 * from an index. Pure functions over bytes, so they are unit-tested and fuzzed apart from
 * the network.
 *
 * The kind is decided by the document's "mediaType", else the Content-Type, else its shape
 * ("manifests" = index, "config" + "layers" = image); a known media type that contradicts the
 * shape, Docker schema 1 and schemaVersion other than 2 are refused. Descriptors need a sha256
 * digest and a size (a non-negative integer). Bounds: REGISTRY_MAX_MANIFEST bytes (registry.h),
 * IMAGE_MAX_LAYERS layers, REGISTRY_MAX_INDEX_ENTRIES index entries. */
#ifndef STRATA_SOURCE_REGISTRY_MANIFEST_H
#define STRATA_SOURCE_REGISTRY_MANIFEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"
#include "strata/error.h"

#define REGISTRY_MAX_INDEX_ENTRIES 1024
#define REGISTRY_PLATFORM_MAX 128

struct registry_descriptor {
    char media_type[128]; /* "" when absent */
    char digest[STRATA_DIGEST_STRLEN];
    uint64_t size;
    char platform[REGISTRY_PLATFORM_MAX]; /* "os/arch[/variant]" from an index, else "" */
};

struct registry_image_manifest {
    struct registry_descriptor config;
    struct registry_descriptor *layers;
    size_t n_layers;
};

enum registry_manifest_kind {
    REGISTRY_KIND_IMAGE = 1,
    REGISTRY_KIND_INDEX,
};

/* Parses data (what names it in messages) into *doc and says which kind it is.
 * content_type may be NULL. */
int registry_manifest_load(const char *data, size_t len, const char *content_type, const char *what,
                           json_t **doc, enum registry_manifest_kind *kind,
                           struct strata_error *err);

/* The descriptors of an image manifest. Every layer must be a tar layer (plain, gzip or zstd,
 * OCI or Docker media type) and the config an image config; foreign layers with "urls" are
 * refused. Release with registry_image_manifest_release. */
int registry_manifest_image(json_t *doc, const char *what, struct registry_image_manifest *out,
                            struct strata_error *err);
void registry_image_manifest_release(struct registry_image_manifest *m);

/* The manifest of an index for platform "os/arch[/variant]" (NULL: registry_host_platform()).
 * Attestation entries (unknown/unknown, vnd.docker.reference.type) are skipped. With no
 * variant asked, an entry without variant or with the architecture's usual one (arm64 v8,
 * arm v7) is preferred. No match is STRATA_ENOTFOUND listing the platforms there are. */
int registry_index_choose(json_t *doc, const char *platform, const char *what,
                          struct registry_descriptor *out, struct strata_error *err);

/* "linux/amd64", "linux/arm64/v8", … for the machine strata runs on. */
const char *registry_host_platform(void);

/* Checks "os/arch[/variant]" syntax (lowercase letters, digits, '_' and '.', 1 to 3 parts,
 * 2 at least). 0 or STRATA_EUSAGE. */
int registry_platform_check(const char *platform, struct strata_error *err);

#endif
