/* cosign-compatible keyed signatures (docs/signing.md): the "simple signing" payload, ECDSA
 * P-256 / SHA-256 signatures over its exact bytes, PEM keys through OpenSSL's libcrypto, and
 * the OCI image manifest that stores signatures under the tag "sha256-<hex>.sig" (cosign's
 * SIGNATURE_SPEC.md: one layer per signature, the payload as the layer blob, the base64
 * ASN.1 DER signature in the layer annotation dev.cosignproject.cosign/signature).
 *
 * Pure library code: no network (src/cli/sign_cmd.c and verify_cmd.c move the bytes), no
 * printing. Every input is untrusted and bounded; errors name the input. */
#ifndef STRATA_POLICY_COSIGN_H
#define STRATA_POLICY_COSIGN_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define COSIGN_PAYLOAD_MEDIA_TYPE "application/vnd.dev.cosign.simplesigning.v1+json"
#define COSIGN_SIGNATURE_ANNOTATION "dev.cosignproject.cosign/signature"
#define COSIGN_PAYLOAD_TYPE "cosign container image signature"
#define COSIGN_MANIFEST_MEDIA_TYPE "application/vnd.oci.image.manifest.v1+json"
#define COSIGN_CONFIG_MEDIA_TYPE "application/vnd.oci.image.config.v1+json"

/* Bounds (docs/signing.md, "Bounds"). */
#define COSIGN_MAX_PAYLOAD (64u << 10)      /* bytes of one payload blob */
#define COSIGN_MAX_MANIFEST (4u << 20)      /* bytes of a signature manifest */
#define COSIGN_MAX_LAYERS 1000              /* signatures in one manifest */
#define COSIGN_MAX_SIGNATURE_B64 4096       /* base64 characters of one signature */
#define COSIGN_MAX_KEY_FILE (64u << 10)     /* bytes of a PEM key file */
#define COSIGN_MAX_REFERENCE 4096           /* bytes of docker-reference */
#define COSIGN_MAX_ANNOTATIONS 64           /* optional claims given to cosign_payload_build */
#define COSIGN_MAX_PASSWORD 1024            /* bytes of a key passphrase */
#define COSIGN_SIG_TAG_LEN (7 + 64 + 4 + 1) /* "sha256-" + 64 hex + ".sig" + NUL */

/* ---- payload (cosign_payload.c) ---- */

struct cosign_payload {
    char *docker_reference; /* critical.identity.docker-reference ("" allowed) */
    char *digest;           /* critical.image.docker-manifest-digest, "sha256:<64 hex>" */
    char *optional;         /* compact JSON of the optional object, NULL when null/absent */
};

/* The payload cosign signs, compact JSON in cosign's key order:
 * {"critical":{"identity":{"docker-reference":REF},"image":{"docker-manifest-digest":DIGEST},
 *  "type":"cosign container image signature"},"optional":null|{KEY:VALUE,…}}.
 * annotations: NULL or a NULL-terminated list of "KEY=VALUE" strings (at most
 * COSIGN_MAX_ANNOTATIONS, each key once). digest must be "sha256:<64 lowercase hex>".
 * *out is malloc'd and NUL-terminated. STRATA_EUSAGE for a bad digest or annotation. */
int cosign_payload_build(const char *docker_reference, const char *digest,
                         const char *const *annotations, char **out, size_t *len,
                         struct strata_error *err);

/* Parses a payload blob (what names it in messages). Keys are matched as cosign's Go decoder
 * matches them (ignoring case) but a key given twice, even in two cases, is an error; unknown
 * keys inside critical are refused (containers-signature(5): consumers must reject them);
 * critical.type must be "cosign container image signature"; the digest must be a sha256
 * digest. Errors: STRATA_EFORMAT "WHAT:LINE:COL: …" or "WHAT: critical.type is …",
 * STRATA_ELIMIT beyond COSIGN_MAX_PAYLOAD, STRATA_ENOMEM. */
int cosign_payload_parse(const char *data, size_t len, const char *what, struct cosign_payload *out,
                         struct strata_error *err);
void cosign_payload_release(struct cosign_payload *p);

/* ---- keys (cosign_key.c) ---- */

/* A PEM private key: PKCS#8 ("PRIVATE KEY"), encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY",
 * needs password) or SEC1 ("EC PRIVATE KEY", what `openssl ecparam -genkey` writes). It must
 * be an ECDSA P-256 key. cosign's own "ENCRYPTED SIGSTORE PRIVATE KEY" / "ENCRYPTED COSIGN
 * PRIVATE KEY" (scrypt + NaCl secretbox) is refused with a message saying so. password may be
 * NULL (never prompts). what names the key in messages. */
int cosign_private_key_parse(const char *data, size_t len, const char *what, const char *password,
                             EVP_PKEY **out, struct strata_error *err);
/* A PEM SubjectPublicKeyInfo ("PUBLIC KEY") ECDSA P-256 public key. */
int cosign_public_key_parse(const char *data, size_t len, const char *what, EVP_PKEY **out,
                            struct strata_error *err);
/* The same from files (at most COSIGN_MAX_KEY_FILE bytes). */
int cosign_private_key_load(const char *path, const char *password, EVP_PKEY **out,
                            struct strata_error *err);
int cosign_public_key_load(const char *path, EVP_PKEY **out, struct strata_error *err);

/* A new ECDSA P-256 key pair. */
int cosign_key_generate(EVP_PKEY **out, struct strata_error *err);
/* PEM PKCS#8 of the private key: unencrypted when password is NULL, else encrypted
 * (PBES2, scrypt, AES-256-CBC). *out is malloc'd, NUL-terminated. */
int cosign_key_private_pem(EVP_PKEY *key, const char *password, char **out, size_t *len,
                           struct strata_error *err);
/* PEM SubjectPublicKeyInfo of the (public half of the) key. */
int cosign_key_public_pem(EVP_PKEY *key, char **out, size_t *len, struct strata_error *err);

/* ---- signatures (cosign_sig.c) ---- */

/* ECDSA P-256 over SHA-256 of data; *sig_b64 is the standard base64 (with padding) of the
 * ASN.1 DER signature, malloc'd. */
int cosign_sign(EVP_PKEY *key, const void *data, size_t len, char **sig_b64,
                struct strata_error *err);
/* 0 when sig_b64 (standard base64 of a DER ECDSA signature) is a valid signature by pub over
 * data; 1 when it is not, with the reason in err->msg ("the signature does not verify with
 * the key", "the signature is not valid base64", …); a negative STRATA_E* on failure. */
int cosign_verify(EVP_PKEY *pub, const void *data, size_t len, const char *sig_b64,
                  struct strata_error *err);

/* Strict standard base64 (RFC 4648 section 4, padding required, no whitespace). Returns 0 and
 * a malloc'd *out, -1 when s is not such base64, STRATA_ENOMEM. */
int cosign_base64_decode(const char *s, size_t n, unsigned char **out, size_t *out_len);
/* malloc'd NUL-terminated base64, NULL on ENOMEM. */
char *cosign_base64_encode(const unsigned char *data, size_t n);

/* ---- the signature manifest (cosign_manifest.c) ---- */

/* "sha256-<hex>.sig" for the digest "sha256:<hex>". Returns 0, or STRATA_EUSAGE for a digest
 * that is not sha256. */
int cosign_signature_tag(const char *digest, char out[COSIGN_SIG_TAG_LEN],
                         struct strata_error *err);

struct cosign_layer {
    char *media_type;
    char *digest; /* "sha256:<64 hex>" */
    uint64_t size;
    char *signature;     /* the annotation's value, NULL when the layer has none */
    int has_certificate; /* dev.sigstore.cosign/certificate annotation (keyless): reported */
};

struct cosign_manifest {
    struct cosign_layer *layers;
    size_t n_layers;
};

/* Parses a signature manifest (an OCI or Docker v2 image manifest). Layers of other media
 * types are kept (verification reports them as skipped). Errors name what and the position. */
int cosign_manifest_parse(const char *data, size_t len, const char *what,
                          struct cosign_manifest *out, struct strata_error *err);
void cosign_manifest_release(struct cosign_manifest *m);

/* The signature manifest with one more signature: existing (NULL when the tag does not exist
 * yet) keeps its layers in order, a layer identical to the new one (same payload digest and
 * signature) is not added twice. The config blob has the shape cosign writes (an empty image
 * config with rootfs.diff_ids = the layers' digests). All outputs malloc'd, NUL-terminated:
 * manifest, config and the config's digest. */
struct cosign_manifest_out {
    char *manifest;
    size_t manifest_len;
    char *config;
    size_t config_len;
    char config_digest[72];
    int added; /* 0 when an identical signature was already there */
};
int cosign_manifest_add(const char *existing, size_t existing_len, const char *payload_digest,
                        size_t payload_size, const char *sig_b64, struct cosign_manifest_out *out,
                        struct strata_error *err);
void cosign_manifest_out_release(struct cosign_manifest_out *o);

/* ---- verifying one signature layer (cosign_verify.c) ---- */

/* What one signature layer says about an image. */
enum cosign_verdict {
    COSIGN_VERIFIED = 0,
    COSIGN_SKIPPED,         /* not a simple-signing layer, or no signature annotation */
    COSIGN_BAD_BLOB,        /* the payload blob does not match its descriptor */
    COSIGN_BAD_SIGNATURE,   /* does not verify with the key */
    COSIGN_BAD_PAYLOAD,     /* malformed payload */
    COSIGN_WRONG_DIGEST,    /* the payload signs another image */
    COSIGN_WRONG_REFERENCE, /* the payload names another repository */
};

/* Checks one layer against the image: the payload bytes against the layer's digest and size,
 * the signature over those exact bytes with pub, the payload's digest against image_digest and
 * its docker-reference against repository (the image's "registry/path", compared after the
 * same normalisation; an empty docker-reference is accepted). Returns the verdict and puts
 * the reason in reason (always filled). */
enum cosign_verdict cosign_verify_layer(EVP_PKEY *pub, const struct cosign_layer *layer,
                                        const char *payload, size_t payload_len,
                                        const char *image_digest, const char *repository,
                                        char *reason, size_t reason_size);
const char *cosign_verdict_name(enum cosign_verdict v);

/* ---- an image's signatures, fetched (cosign_sigset.c, cosign_registry.c, cosign_layout.c) ---- */

struct cosign_sigset {
    int found;      /* the "sha256-<hex>.sig" manifest exists */
    char *location; /* where it was read: "REGISTRY/REPO:sha256-<hex>.sig", "DIR (ref.name …)" */
    struct cosign_manifest manifest;
    char **payloads; /* per layer: the blob, NULL when not fetched */
    size_t *payload_lens;
    char **fetch_errors; /* per layer: why there is no payload (NULL: not a signature layer) */
};
void cosign_sigset_release(struct cosign_sigset *s);

/* Room for the per-layer arrays once s->manifest is parsed. */
int cosign_sigset_alloc(struct cosign_sigset *s, struct strata_error *err);

/* Does one signature of the set verify with pub for the image (cosign_verify_layer on every
 * layer)? 0 verified (reason: which layer), 1 not (reason: why, layer by layer, shortened),
 * never an error: a set that was not found, or layers whose payload could not be fetched,
 * simply do not verify. */
int cosign_sigset_verify(const struct cosign_sigset *s, EVP_PKEY *pub, const char *image_digest,
                         const char *repository, char *reason, size_t size);

/* Calls fn(ctx, layer index, verdict, reason) for every layer: what `strata verify` prints. */
void cosign_sigset_each(const struct cosign_sigset *s, EVP_PKEY *pub, const char *image_digest,
                        const char *repository,
                        void (*fn)(void *ctx, size_t i, enum cosign_verdict v, const char *reason),
                        void *ctx);

/* The signatures of image_digest in an OCI image layout directory: the manifest whose
 * org.opencontainers.image.ref.name is "sha256-<hex>.sig" (what `skopeo copy
 * docker://REG/REPO:sha256-<hex>.sig oci:DIR:sha256-<hex>.sig` writes) and its payload blobs.
 * Not finding it is s->found = 0, not an error. */
int cosign_layout_fetch(const char *dir, const char *image_digest, struct cosign_sigset *s,
                        struct strata_error *err);

#endif
