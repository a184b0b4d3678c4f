/* Judging one signature layer against an image: the blob, the signature, then what the signed
 * payload claims. The signature is checked before the payload is read, so an unsigned payload
 * is never interpreted. */
#include "policy/cosign.h"

#include <stdio.h>
#include <string.h>

#include "core/digest.h"
#include "policy/trust_policy_ref.h"

const char *cosign_verdict_name(enum cosign_verdict v)
{
    switch (v) {
    case COSIGN_VERIFIED:
        return "verified";
    case COSIGN_SKIPPED:
        return "skipped";
    case COSIGN_BAD_BLOB:
        return "bad-blob";
    case COSIGN_BAD_SIGNATURE:
        return "bad-signature";
    case COSIGN_BAD_PAYLOAD:
        return "bad-payload";
    case COSIGN_WRONG_DIGEST:
        return "wrong-digest";
    case COSIGN_WRONG_REFERENCE:
        return "wrong-reference";
    }
    return "?";
}

enum cosign_verdict cosign_verify_layer(EVP_PKEY *pub, const struct cosign_layer *layer,
                                        const char *payload, size_t payload_len,
                                        const char *image_digest, const char *repository,
                                        char *reason, size_t reason_size)
{
    if (strcmp(layer->media_type, COSIGN_PAYLOAD_MEDIA_TYPE) != 0) {
        snprintf(reason, reason_size, "layer of media type %.100s is not a signature",
                 layer->media_type);
        return COSIGN_SKIPPED;
    }
    if (layer->signature == NULL) {
        snprintf(reason, reason_size, "layer has no " COSIGN_SIGNATURE_ANNOTATION " annotation");
        return COSIGN_SKIPPED;
    }
    char dg[STRATA_DIGEST_STRLEN];
    if (payload_len != layer->size || sha256_buffer_str(payload, payload_len, dg) != 0 ||
        strcmp(dg, layer->digest) != 0) {
        snprintf(reason, reason_size,
                 "the payload blob does not match its descriptor (%zu bytes, %s; the manifest "
                 "says %llu bytes, %s)",
                 payload_len, payload_len == layer->size || dg[0] ? dg : "?",
                 (unsigned long long)layer->size, layer->digest);
        return COSIGN_BAD_BLOB;
    }
    struct strata_error err = {0};
    int rc = cosign_verify(pub, payload, payload_len, layer->signature, &err);
    if (rc != 0) {
        snprintf(reason, reason_size, "%s", err.msg);
        return COSIGN_BAD_SIGNATURE;
    }
    struct cosign_payload p;
    if (cosign_payload_parse(payload, payload_len, "the signed payload", &p, &err) != 0) {
        snprintf(reason, reason_size, "%s", err.msg);
        return COSIGN_BAD_PAYLOAD;
    }
    enum cosign_verdict v = COSIGN_VERIFIED;
    if (strcmp(p.digest, image_digest) != 0) {
        snprintf(reason, reason_size, "the signature is for %s, not for the image's %s", p.digest,
                 image_digest);
        v = COSIGN_WRONG_DIGEST;
    } else if (repository != NULL && p.docker_reference[0] != '\0') {
        struct trust_ref signed_ref, image_ref;
        if (trust_ref_parse(p.docker_reference, strlen(p.docker_reference), &signed_ref, &err) !=
            0) {
            snprintf(reason, reason_size, "the payload's docker-reference \"%.200s\": %s",
                     p.docker_reference, err.msg);
            v = COSIGN_WRONG_REFERENCE;
        } else if (trust_ref_parse(repository, strlen(repository), &image_ref, &err) != 0 ||
                   strcmp(signed_ref.name, image_ref.name) != 0) {
            snprintf(reason, reason_size, "the signature names the repository %.300s, not %.300s",
                     signed_ref.name, repository);
            v = COSIGN_WRONG_REFERENCE;
        }
    }
    if (v == COSIGN_VERIFIED)
        snprintf(reason, reason_size, "valid signature for %s (docker-reference \"%.300s\")",
                 p.digest, p.docker_reference);
    cosign_payload_release(&p);
    return v;
}
