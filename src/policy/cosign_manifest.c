/* The OCI image manifest holding an image's cosign signatures (tag "sha256-<hex>.sig"): parsed
 * for verification, and rebuilt with one more signature layer for signing. */
#include "policy/cosign.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/json_load.h"

#define CERT_ANNOTATION "dev.sigstore.cosign/certificate"

int cosign_signature_tag(const char *digest, char out[COSIGN_SIG_TAG_LEN], struct strata_error *err)
{
    if (!digest_is_valid_sha256(digest))
        return strata_error_set(err, STRATA_EUSAGE, "'%s' is not a sha256 digest", digest);
    memcpy(out, "sha256-", 7);
    memcpy(out + 7, digest + 7, 64);
    memcpy(out + 71, ".sig", 5);
    return 0;
}

void cosign_manifest_release(struct cosign_manifest *m)
{
    for (size_t i = 0; i < m->n_layers; i++) {
        free(m->layers[i].media_type);
        free(m->layers[i].digest);
        free(m->layers[i].signature);
    }
    free(m->layers);
    memset(m, 0, sizeof *m);
}

static int layer_parse(json_t *l, size_t i, const char *what, struct cosign_layer *out,
                       struct strata_error *err)
{
    if (!json_is_object(l))
        return strata_error_set(err, STRATA_EFORMAT, "%s: layers[%zu] is not an object", what, i);
    json_t *mt = json_object_get(l, "mediaType"), *dg = json_object_get(l, "digest"),
           *sz = json_object_get(l, "size"), *ann = json_object_get(l, "annotations");
    if (!json_is_string(mt) || !json_is_string(dg))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: layers[%zu] lacks a string mediaType and digest", what, i);
    if (!digest_is_valid_sha256(json_string_value(dg)))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: layers[%zu].digest is not a sha256 digest", what, i);
    if (!json_is_integer(sz) || json_integer_value(sz) < 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: layers[%zu].size is not a non-negative integer", what, i);
    if (ann != NULL && !json_is_object(ann))
        return strata_error_set(err, STRATA_EFORMAT, "%s: layers[%zu].annotations is not an object",
                                what, i);
    json_t *sig = ann ? json_object_get(ann, COSIGN_SIGNATURE_ANNOTATION) : NULL;
    if (sig != NULL && !json_is_string(sig))
        return strata_error_set(
            err, STRATA_EFORMAT,
            "%s: layers[%zu] annotation " COSIGN_SIGNATURE_ANNOTATION " is not a string", what, i);
    if (sig != NULL && json_string_length(sig) > COSIGN_MAX_SIGNATURE_B64)
        return strata_error_set(err, STRATA_ELIMIT,
                                "%s: layers[%zu] signature longer than %d characters", what, i,
                                COSIGN_MAX_SIGNATURE_B64);
    out->media_type = strndup(json_string_value(mt), 256);
    out->digest = strdup(json_string_value(dg));
    out->size = (uint64_t)json_integer_value(sz);
    out->signature = sig ? strdup(json_string_value(sig)) : NULL;
    out->has_certificate = ann != NULL && json_object_get(ann, CERT_ANNOTATION) != NULL;
    if (out->media_type == NULL || out->digest == NULL || (sig != NULL && out->signature == NULL))
        return strata_error_nomem(err);
    return 0;
}

/* Validates the manifest's shape (root already loaded) and fills m. */
static int manifest_from_json(json_t *root, const char *what, struct cosign_manifest *m,
                              struct strata_error *err)
{
    json_t *sv = json_object_get(root, "schemaVersion");
    if (!json_is_integer(sv) || json_integer_value(sv) != 2)
        return strata_error_set(err, STRATA_EFORMAT, "%s: schemaVersion is not 2", what);
    json_t *mt = json_object_get(root, "mediaType");
    if (mt != NULL && (!json_is_string(mt) ||
                       (strcmp(json_string_value(mt), COSIGN_MANIFEST_MEDIA_TYPE) != 0 &&
                        strcmp(json_string_value(mt),
                               "application/vnd.docker.distribution.manifest.v2+json") != 0)))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: mediaType is not an OCI or Docker v2 image manifest", what);
    json_t *layers = json_object_get(root, "layers");
    if (!json_is_array(layers))
        return strata_error_set(err, STRATA_EFORMAT, "%s: layers is not an array", what);
    size_t n = json_array_size(layers);
    if (n > COSIGN_MAX_LAYERS)
        return strata_error_set(err, STRATA_ELIMIT, "%s: more than %d signature layers", what,
                                COSIGN_MAX_LAYERS);
    m->layers = calloc(n ? n : 1, sizeof *m->layers);
    if (m->layers == NULL)
        return strata_error_nomem(err);
    for (size_t i = 0; i < n; i++) {
        int rc = layer_parse(json_array_get(layers, i), i, what, &m->layers[i], err);
        m->n_layers = i + 1;
        if (rc != 0) {
            cosign_manifest_release(m);
            return rc;
        }
    }
    return 0;
}

int cosign_manifest_parse(const char *data, size_t len, const char *what,
                          struct cosign_manifest *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *root;
    int rc = json_load_document(data, len, what, COSIGN_MAX_MANIFEST, JSON_LOAD_OBJECT, &root, err);
    if (rc != 0)
        return rc;
    rc = manifest_from_json(root, what, out, err);
    json_decref(root);
    return rc;
}

void cosign_manifest_out_release(struct cosign_manifest_out *o)
{
    free(o->manifest);
    free(o->config);
    memset(o, 0, sizeof *o);
}

static json_t *descriptor(const char *media_type, size_t size, const char *digest, int *bad)
{
    json_t *d = json_object();
    *bad |= d == NULL;
    *bad |= json_object_set_new(d, "mediaType", json_string(media_type)) != 0;
    *bad |= json_object_set_new(d, "size", json_integer((json_int_t)size)) != 0;
    *bad |= json_object_set_new(d, "digest", json_string(digest)) != 0;
    return d;
}

/* The config cosign's signature images carry: an empty image config whose rootfs lists the
 * payload blobs (uncompressed layers: diff_id = digest), one empty history entry each. */
static json_t *config_json(json_t *layers, int *bad)
{
    static const char zero_time[] = "0001-01-01T00:00:00Z";
    json_t *c = json_object(), *hist = json_array(), *rootfs = json_object(),
           *diff_ids = json_array();
    *bad |= c == NULL || hist == NULL || rootfs == NULL || diff_ids == NULL;
    for (size_t i = 0; i < json_array_size(layers); i++) {
        json_t *h = json_object();
        *bad |= json_object_set_new(h, "created", json_string(zero_time)) != 0;
        *bad |= json_array_append_new(hist, h) != 0;
        json_t *dg = json_object_get(json_array_get(layers, i), "digest");
        *bad |= json_array_append_new(diff_ids, json_copy(dg)) != 0;
    }
    *bad |= json_object_set_new(rootfs, "type", json_string("layers")) != 0;
    *bad |= json_object_set_new(rootfs, "diff_ids", diff_ids) != 0;
    *bad |= json_object_set_new(c, "architecture", json_string("")) != 0;
    *bad |= json_object_set_new(c, "created", json_string(zero_time)) != 0;
    *bad |= json_object_set_new(c, "history", hist) != 0;
    *bad |= json_object_set_new(c, "os", json_string("")) != 0;
    *bad |= json_object_set_new(c, "rootfs", rootfs) != 0;
    *bad |= json_object_set_new(c, "config", json_object()) != 0;
    return c;
}

int cosign_manifest_add(const char *existing, size_t existing_len, const char *payload_digest,
                        size_t payload_size, const char *sig_b64, struct cosign_manifest_out *out,
                        struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (!digest_is_valid_sha256(payload_digest))
        return strata_error_set(err, STRATA_EUSAGE, "'%s' is not a sha256 digest", payload_digest);
    json_t *layers = NULL;
    if (existing != NULL) {
        json_t *root;
        struct cosign_manifest m;
        int rc = json_load_document(existing, existing_len, "the existing signature manifest",
                                    COSIGN_MAX_MANIFEST, JSON_LOAD_OBJECT, &root, err);
        if (rc != 0)
            return rc;
        rc = manifest_from_json(root, "the existing signature manifest", &m, err);
        if (rc != 0) {
            json_decref(root);
            return rc;
        }
        out->added = 1;
        for (size_t i = 0; i < m.n_layers; i++)
            if (strcmp(m.layers[i].digest, payload_digest) == 0 && m.layers[i].signature &&
                strcmp(m.layers[i].signature, sig_b64) == 0)
                out->added = 0;
        size_t n = m.n_layers;
        cosign_manifest_release(&m);
        if (out->added && n >= COSIGN_MAX_LAYERS) {
            json_decref(root);
            return strata_error_set(err, STRATA_ELIMIT,
                                    "the signature manifest already holds %d signatures",
                                    COSIGN_MAX_LAYERS);
        }
        /* Existing layers are kept exactly (certificates, bundles, other annotations). */
        layers = json_deep_copy(json_object_get(root, "layers"));
        json_decref(root);
        if (layers == NULL)
            return strata_error_nomem(err);
    } else {
        out->added = 1;
        if ((layers = json_array()) == NULL)
            return strata_error_nomem(err);
    }
    int bad = 0;
    if (out->added) {
        json_t *l = descriptor(COSIGN_PAYLOAD_MEDIA_TYPE, payload_size, payload_digest, &bad);
        json_t *ann = json_object();
        bad |= json_object_set_new(ann, COSIGN_SIGNATURE_ANNOTATION, json_string(sig_b64)) != 0;
        bad |= json_object_set_new(l, "annotations", ann) != 0;
        bad |= json_array_append_new(layers, l) != 0;
    }
    json_t *config = config_json(layers, &bad);
    out->config = bad ? NULL : json_dumps(config, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(config);
    if (out->config == NULL) {
        json_decref(layers);
        cosign_manifest_out_release(out);
        return strata_error_nomem(err);
    }
    out->config_len = strlen(out->config);
    if (sha256_buffer_str(out->config, out->config_len, out->config_digest) != 0) {
        json_decref(layers);
        cosign_manifest_out_release(out);
        return strata_error_nomem(err);
    }
    json_t *root = json_object();
    bad |= root == NULL;
    bad |= json_object_set_new(root, "schemaVersion", json_integer(2)) != 0;
    bad |= json_object_set_new(root, "mediaType", json_string(COSIGN_MANIFEST_MEDIA_TYPE)) != 0;
    bad |= json_object_set_new(root, "config",
                               descriptor(COSIGN_CONFIG_MEDIA_TYPE, out->config_len,
                                          out->config_digest, &bad)) != 0;
    bad |= json_object_set_new(root, "layers", layers) != 0;
    out->manifest = bad ? NULL : json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (out->manifest == NULL) {
        cosign_manifest_out_release(out);
        return strata_error_nomem(err);
    }
    out->manifest_len = strlen(out->manifest);
    return 0;
}
