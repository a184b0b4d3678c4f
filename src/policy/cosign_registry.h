/* cosign signatures in a registry, over the project's registry client (source/registry.h):
 * fetching an image's signature set, and adding a signature (payload blob, config blob,
 * the "sha256-<hex>.sig" manifest, in that order so the manifest never names a missing blob). */
#ifndef STRATA_POLICY_COSIGN_REGISTRY_H
#define STRATA_POLICY_COSIGN_REGISTRY_H

#include "policy/cosign.h"
#include "source/registry.h"

/* The signatures of image_digest in the client's repository (repo names it in messages and
 * in s->location: "REGISTRY/REPO"). A missing tag is s->found = 0. Payloads that cannot be
 * fetched (a blob that does not match its digest, 404, over COSIGN_MAX_PAYLOAD) are noted per
 * layer; registry failures (auth, network) are errors. */
int cosign_registry_fetch(struct registry_client *c, const char *repo, const char *image_digest,
                          struct cosign_sigset *s, struct strata_error *err);

struct cosign_sign_result {
    char tag[COSIGN_SIG_TAG_LEN];               /* "sha256-<hex>.sig" */
    char payload_digest[STRATA_DIGEST_STRLEN];  /* of the payload blob */
    char manifest_digest[STRATA_DIGEST_STRLEN]; /* of the signature manifest written */
    int added;                                  /* 0: the same signature was already there */
    size_t signatures;                          /* layers of the manifest now */
};

/* Signs image_digest: payload naming docker_reference (REGISTRY/REPO) with annotations
 * (NULL or NULL-terminated "KEY=VALUE"), signed with key, pushed next to the existing
 * signatures of the image. */
int cosign_registry_sign(struct registry_client *c, const char *docker_reference,
                         const char *image_digest, EVP_PKEY *key, const char *const *annotations,
                         struct cosign_sign_result *out, struct strata_error *err);

#endif
