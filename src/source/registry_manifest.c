/* Manifest and index documents from a registry; rules in registry_manifest.h. */
#include "source/registry_manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "core/json_load.h"
#include "core/strbuf.h"
#include "source/image_source.h"
#include "source/registry.h"

#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1"

static const char *const layer_types[] = {
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.diff.tar",
    /* non-distributable variants: same bytes, only a push hint */
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    NULL,
};

/* Content-Type may carry parameters ("…+json; charset=utf-8"): compare the type only. */
static int type_is(const char *have, const char *want)
{
    if (have == NULL)
        return 0;
    size_t n = strcspn(have, "; \t");
    return strlen(want) == n && strncasecmp(have, want, n) == 0;
}

static int is_index_type(const char *t)
{
    return type_is(t, REGISTRY_MT_OCI_INDEX) || type_is(t, REGISTRY_MT_DOCKER_LIST);
}

static int is_image_type(const char *t)
{
    return type_is(t, REGISTRY_MT_OCI_MANIFEST) || type_is(t, REGISTRY_MT_DOCKER_MANIFEST);
}

int registry_manifest_load(const char *data, size_t len, const char *content_type, const char *what,
                           json_t **doc, enum registry_manifest_kind *kind,
                           struct strata_error *err)
{
    *doc = NULL;
    json_t *j;
    int rc = json_load_document(data, len, what, REGISTRY_MAX_MANIFEST, JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    json_t *sv = json_object_get(j, "schemaVersion");
    json_t *mtj = json_object_get(j, "mediaType");
    const char *mt = json_string_value(mtj);
    if (mtj != NULL && mt == NULL)
        rc = strata_error_set(err, STRATA_EFORMAT, "%s: mediaType is not a string", what);
    else if (json_is_integer(sv) && json_integer_value(sv) == 1)
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: a Docker schema 1 manifest (deprecated since 2017) is not "
                              "supported",
                              what);
    else if (!json_is_integer(sv) || json_integer_value(sv) != 2)
        rc = strata_error_set(err, STRATA_EFORMAT, "%s: schemaVersion is not 2", what);
    if (rc != 0) {
        json_decref(j);
        return rc;
    }
    const char *decided = mt ? mt : content_type;
    int has_manifests = json_object_get(j, "manifests") != NULL;
    int has_layers = json_object_get(j, "layers") != NULL || json_object_get(j, "config") != NULL;
    if (is_index_type(decided) || (!is_image_type(decided) && has_manifests && !has_layers))
        *kind = REGISTRY_KIND_INDEX;
    else if (is_image_type(decided) || (has_layers && !has_manifests))
        *kind = REGISTRY_KIND_IMAGE;
    else if (decided && strncmp(decided, MT_DOCKER_SCHEMA1, strlen(MT_DOCKER_SCHEMA1)) == 0)
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: Docker schema 1 manifests are not supported", what);
    else
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: neither an image manifest nor an index%s%.100s", what,
                              decided ? ": media type " : "", decided ? decided : "");
    if (rc == 0 && *kind == REGISTRY_KIND_INDEX && (has_layers || !has_manifests))
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: an index must have \"manifests\" and no \"layers\"/\"config\"",
                              what);
    if (rc == 0 && *kind == REGISTRY_KIND_IMAGE && has_manifests)
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: an image manifest must not have \"manifests\"", what);
    if (rc != 0) {
        json_decref(j);
        return rc;
    }
    *doc = j;
    return 0;
}

static int copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

/* A descriptor's mediaType, digest and size into d; 'which' names it in messages. */
static int read_descriptor(json_t *j, const char *what, const char *which, size_t idx,
                           struct registry_descriptor *d, struct strata_error *err)
{
    memset(d, 0, sizeof *d);
    char name[64];
    snprintf(name, sizeof name, idx == (size_t)-1 ? "%s" : "%s[%zu]", which, idx);
    if (!json_is_object(j))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s is not an object", what, name);
    json_t *mt = json_object_get(j, "mediaType");
    if (mt != NULL && (!json_is_string(mt) ||
                       copy_str(d->media_type, sizeof d->media_type, json_string_value(mt)) != 0))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: %s.mediaType is not a string of at most %zu bytes", what, name,
                                sizeof d->media_type - 1);
    const char *digest = json_string_value(json_object_get(j, "digest"));
    if (digest == NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s has no digest", what, name);
    if (!digest_is_valid_sha256(digest))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: %s.digest '%.80s' is not a sha256 digest (the only "
                                "algorithm supported)",
                                what, name, digest);
    memcpy(d->digest, digest, strlen(digest) + 1);
    json_t *size = json_object_get(j, "size");
    if (!json_is_integer(size) || json_integer_value(size) < 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: %s.size is missing or not a non-negative integer", what, name);
    d->size = (uint64_t)json_integer_value(size);
    return 0;
}

void registry_image_manifest_release(struct registry_image_manifest *m)
{
    free(m->layers);
    memset(m, 0, sizeof *m);
}

int registry_manifest_image(json_t *doc, const char *what, struct registry_image_manifest *out,
                            struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *layers = json_object_get(doc, "layers");
    int rc = read_descriptor(json_object_get(doc, "config"), what, "config", (size_t)-1,
                             &out->config, err);
    if (rc != 0)
        return rc;
    if (!type_is(out->config.media_type, MT_OCI_CONFIG) &&
        !type_is(out->config.media_type, MT_DOCKER_CONFIG))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: not a container image: config media type '%s' (an "
                                "artifact such as a signature or a chart?)",
                                what, out->config.media_type);
    if (out->config.size > REGISTRY_MAX_SMALL_BLOB)
        return strata_error_set(err, STRATA_ELIMIT, "%s: config of %llu bytes, more than %u", what,
                                (unsigned long long)out->config.size, REGISTRY_MAX_SMALL_BLOB);
    if (!json_is_array(layers))
        return strata_error_set(err, STRATA_EFORMAT, "%s: \"layers\" is not an array", what);
    size_t n = json_array_size(layers);
    if (n > IMAGE_MAX_LAYERS)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %zu layers (limit %d)", what, n,
                                IMAGE_MAX_LAYERS);
    out->layers = calloc(n ? n : 1, sizeof *out->layers);
    if (out->layers == NULL)
        return strata_error_nomem(err);
    for (size_t i = 0; i < n; i++) {
        json_t *l = json_array_get(layers, i);
        struct registry_descriptor *d = &out->layers[i];
        rc = read_descriptor(l, what, "layers", i, d, err);
        if (rc == 0 && json_object_get(l, "urls") != NULL)
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: layers[%zu] is a foreign layer fetched from \"urls\": "
                                  "not supported",
                                  what, i);
        int known = 0;
        for (size_t k = 0; rc == 0 && layer_types[k]; k++)
            known |= type_is(d->media_type, layer_types[k]);
        if (rc == 0 && !known)
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: layers[%zu] media type '%s' is not a tar layer", what, i,
                                  d->media_type);
        if (rc != 0) {
            registry_image_manifest_release(out);
            return rc;
        }
        out->n_layers++;
    }
    return 0;
}

const char *registry_host_platform(void)
{
    static const struct {
        const char *machine, *platform;
    } map[] = {
        {"x86_64", "linux/amd64"},    {"aarch64", "linux/arm64"},   {"arm64", "linux/arm64"},
        {"armv7l", "linux/arm/v7"},   {"armv6l", "linux/arm/v6"},   {"i686", "linux/386"},
        {"i386", "linux/386"},        {"ppc64le", "linux/ppc64le"}, {"s390x", "linux/s390x"},
        {"riscv64", "linux/riscv64"},
    };
    struct utsname u;
    if (uname(&u) == 0)
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
            if (strcmp(u.machine, map[i].machine) == 0)
                return map[i].platform;
    return "linux/amd64";
}

int registry_platform_check(const char *p, struct strata_error *err)
{
    int parts = 1;
    size_t len = 0, part_len = 0;
    for (const char *c = p; *c; c++, len++) {
        if (*c == '/') {
            if (part_len == 0)
                break;
            parts++;
            part_len = 0;
            continue;
        }
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '.'))
            return strata_error_set(err, STRATA_EUSAGE,
                                    "--platform '%.100s': expected os/arch[/variant] in lowercase",
                                    p);
        part_len++;
    }
    if (parts < 2 || parts > 3 || part_len == 0 || len >= REGISTRY_PLATFORM_MAX)
        return strata_error_set(err, STRATA_EUSAGE,
                                "--platform '%.100s': expected os/arch[/variant], like linux/amd64 "
                                "or linux/arm64/v8",
                                p);
    return 0;
}

/* The variant an architecture implies when none is written. */
static const char *usual_variant(const char *arch)
{
    if (strcmp(arch, "arm64") == 0)
        return "v8";
    if (strcmp(arch, "arm") == 0)
        return "v7";
    return "";
}

struct platform {
    char os[REGISTRY_PLATFORM_MAX], arch[REGISTRY_PLATFORM_MAX], variant[REGISTRY_PLATFORM_MAX];
};

static void split_platform(const char *p, struct platform *out)
{
    memset(out, 0, sizeof *out);
    char *fields[3] = {out->os, out->arch, out->variant};
    int f = 0;
    size_t k = 0;
    for (; *p && f < 3; p++) {
        if (*p == '/') {
            f++;
            k = 0;
            continue;
        }
        if (k + 1 < REGISTRY_PLATFORM_MAX)
            fields[f][k++] = *p;
    }
}

/* 2: exact match, 1: match through the usual variant or an unspecified one, 0: none. */
static int platform_score(const struct platform *want, const struct platform *have)
{
    if (strcmp(want->os, have->os) != 0 || strcmp(want->arch, have->arch) != 0)
        return 0;
    const char *wv = want->variant[0] ? want->variant : usual_variant(want->arch);
    const char *hv = have->variant[0] ? have->variant : usual_variant(have->arch);
    if (strcmp(wv, hv) == 0)
        return 2;
    return want->variant[0] == '\0' ? 1 : 0;
}

static int is_attestation(json_t *d)
{
    json_t *ann = json_object_get(d, "annotations");
    if (json_object_get(ann, "vnd.docker.reference.type") != NULL)
        return 1;
    json_t *p = json_object_get(d, "platform");
    const char *os = json_string_value(json_object_get(p, "os"));
    const char *arch = json_string_value(json_object_get(p, "architecture"));
    return os && arch && strcmp(os, "unknown") == 0 && strcmp(arch, "unknown") == 0;
}

/* "os/arch[/variant]" of an index entry, "" when the entry has no platform. */
static int entry_platform(json_t *d, const char *what, size_t i, char *out,
                          struct strata_error *err)
{
    out[0] = '\0';
    json_t *p = json_object_get(d, "platform");
    if (p == NULL)
        return 0;
    const char *os = json_string_value(json_object_get(p, "os"));
    const char *arch = json_string_value(json_object_get(p, "architecture"));
    json_t *vj = json_object_get(p, "variant");
    const char *var = json_string_value(vj);
    if (!json_is_object(p) || os == NULL || arch == NULL || (vj != NULL && var == NULL))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: manifests[%zu].platform needs \"os\" and \"architecture\" "
                                "strings",
                                what, i);
    int n = snprintf(out, REGISTRY_PLATFORM_MAX, "%s/%s%s%s", os, arch, var && *var ? "/" : "",
                     var ? var : "");
    if (n < 0 || n >= REGISTRY_PLATFORM_MAX || strchr(os, '/') || strchr(arch, '/') ||
        (var && strchr(var, '/')))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: manifests[%zu].platform is too long or has '/' in a field",
                                what, i);
    return 0;
}

int registry_index_choose(json_t *doc, const char *platform, const char *what,
                          struct registry_descriptor *out, struct strata_error *err)
{
    if (platform == NULL)
        platform = registry_host_platform();
    json_t *ms = json_object_get(doc, "manifests");
    if (!json_is_array(ms))
        return strata_error_set(err, STRATA_EFORMAT, "%s: \"manifests\" is not an array", what);
    size_t n = json_array_size(ms);
    if (n > REGISTRY_MAX_INDEX_ENTRIES)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %zu index entries (limit %d)", what, n,
                                REGISTRY_MAX_INDEX_ENTRIES);
    struct platform want, have;
    split_platform(platform, &want);
    int best = 0;
    struct strbuf seen = STRBUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *d = json_array_get(ms, i);
        struct registry_descriptor cur;
        rc = read_descriptor(d, what, "manifests", i, &cur, err);
        if (rc == 0)
            rc = entry_platform(d, what, i, cur.platform, err);
        if (rc != 0 || is_attestation(d))
            continue;
        if (cur.platform[0] && strbuf_addf(&seen, "%s%s", seen.len ? ", " : "", cur.platform) != 0)
            rc = strata_error_nomem(err);
        split_platform(cur.platform, &have);
        int score = cur.platform[0] ? platform_score(&want, &have) : 0;
        if (score > best) {
            best = score;
            *out = cur;
        }
    }
    if (rc == 0 && best == 0)
        rc = strata_error_set(err, STRATA_ENOTFOUND,
                              "%s: no manifest for platform %s in the index; it has: %s (choose "
                              "with --platform)",
                              what, platform, seen.len ? seen.buf : "no platform entries");
    strbuf_release(&seen);
    return rc;
}
