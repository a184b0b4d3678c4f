/* An image's fetched signature set and the question the policy and `strata verify` ask of it:
 * does one of its signatures verify with this key for this image? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cosign.h"

void cosign_sigset_release(struct cosign_sigset *s)
{
    for (size_t i = 0; i < s->manifest.n_layers; i++) {
        if (s->payloads)
            free(s->payloads[i]);
        if (s->fetch_errors)
            free(s->fetch_errors[i]);
    }
    free(s->payloads);
    free(s->payload_lens);
    free(s->fetch_errors);
    free(s->location);
    cosign_manifest_release(&s->manifest);
    memset(s, 0, sizeof *s);
}

int cosign_sigset_alloc(struct cosign_sigset *s, struct strata_error *err)
{
    size_t n = s->manifest.n_layers ? s->manifest.n_layers : 1;
    s->payloads = calloc(n, sizeof *s->payloads);
    s->payload_lens = calloc(n, sizeof *s->payload_lens);
    s->fetch_errors = calloc(n, sizeof *s->fetch_errors);
    if (s->payloads == NULL || s->payload_lens == NULL || s->fetch_errors == NULL)
        return strata_error_nomem(err);
    return 0;
}

/* The verdict of layer i; reason filled. */
static enum cosign_verdict judge(const struct cosign_sigset *s, size_t i, EVP_PKEY *pub,
                                 const char *digest, const char *repository, char *reason,
                                 size_t size)
{
    const struct cosign_layer *l = &s->manifest.layers[i];
    if (s->payloads[i] == NULL && s->fetch_errors[i] != NULL &&
        strcmp(l->media_type, COSIGN_PAYLOAD_MEDIA_TYPE) == 0 && l->signature != NULL) {
        snprintf(reason, size, "%s", s->fetch_errors[i]);
        return COSIGN_BAD_BLOB;
    }
    return cosign_verify_layer(pub, l, s->payloads[i] ? s->payloads[i] : "",
                               s->payloads[i] ? s->payload_lens[i] : 0, digest, repository, reason,
                               size);
}

void cosign_sigset_each(const struct cosign_sigset *s, EVP_PKEY *pub, const char *image_digest,
                        const char *repository,
                        void (*fn)(void *ctx, size_t i, enum cosign_verdict v, const char *reason),
                        void *ctx)
{
    char reason[1024];
    for (size_t i = 0; s->found && i < s->manifest.n_layers; i++) {
        enum cosign_verdict v = judge(s, i, pub, image_digest, repository, reason, sizeof reason);
        fn(ctx, i, v, reason);
    }
}

int cosign_sigset_verify(const struct cosign_sigset *s, EVP_PKEY *pub, const char *image_digest,
                         const char *repository, char *reason, size_t size)
{
    if (!s->found) {
        snprintf(reason, size, "no signatures (%s does not exist)",
                 s->location ? s->location : "the .sig tag");
        return 1;
    }
    size_t o = 0, judged = 0;
    reason[0] = '\0';
    char why[1024];
    for (size_t i = 0; i < s->manifest.n_layers; i++) {
        enum cosign_verdict v = judge(s, i, pub, image_digest, repository, why, sizeof why);
        if (v == COSIGN_VERIFIED) {
            snprintf(reason, size, "signature %zu of %s: %s", i + 1, s->location, why);
            return 0;
        }
        if (v == COSIGN_SKIPPED)
            continue;
        judged++;
        if (o < size) {
            int n =
                snprintf(reason + o, size - o, "%ssignature %zu: %s", o ? "; " : "", i + 1, why);
            o += n > 0 ? (size_t)n : 0;
        }
    }
    if (judged == 0)
        snprintf(reason, size, "%s holds no cosign signature layer", s->location);
    return 1;
}
