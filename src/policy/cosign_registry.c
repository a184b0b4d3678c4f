/* cosign signatures in a registry: fetch an image's signature set, add a signature. */
#include "policy/cosign_registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cosign_registry_fetch(struct registry_client *c, const char *repo, const char *image_digest,
                          struct cosign_sigset *s, struct strata_error *err)
{
    memset(s, 0, sizeof *s);
    char tag[COSIGN_SIG_TAG_LEN];
    int rc = cosign_signature_tag(image_digest, tag, err);
    if (rc != 0)
        return rc;
    if (asprintf(&s->location, "%s:%s", repo, tag) < 0) {
        s->location = NULL;
        return strata_error_nomem(err);
    }
    int exists = 0;
    char dg[STRATA_DIGEST_STRLEN];
    if ((rc = registry_resolve(c, tag, &exists, dg, err)) != 0)
        return rc;
    if (!exists)
        return 0;
    struct registry_manifest m = {0};
    if ((rc = registry_get_manifest(c, tag, &m, err)) != 0)
        return rc;
    rc = cosign_manifest_parse(m.data, m.len, s->location, &s->manifest, err);
    registry_manifest_release(&m);
    if (rc != 0)
        return rc;
    s->found = 1;
    if ((rc = cosign_sigset_alloc(s, err)) != 0)
        return rc;
    for (size_t i = 0; i < s->manifest.n_layers; i++) {
        const struct cosign_layer *l = &s->manifest.layers[i];
        if (strcmp(l->media_type, COSIGN_PAYLOAD_MEDIA_TYPE) != 0 || l->signature == NULL)
            continue;
        struct strata_error berr = {0};
        if (l->size > COSIGN_MAX_PAYLOAD) {
            strata_error_set(&berr, STRATA_ELIMIT, "payload of %llu bytes, more than %u",
                             (unsigned long long)l->size, COSIGN_MAX_PAYLOAD);
        } else {
            int brc = registry_get_blob(c, l->digest, COSIGN_MAX_PAYLOAD, &s->payloads[i],
                                        &s->payload_lens[i], &berr);
            if (brc == 0)
                continue;
            /* A blob that does not match its digest is the tamper case: a verdict, not an
             * error of the run. Auth and network failures are errors. */
            if (brc == STRATA_EIO || brc == STRATA_ENOMEM) {
                *err = berr;
                return brc;
            }
        }
        if ((s->fetch_errors[i] = strdup(berr.msg)) == NULL)
            return strata_error_nomem(err);
    }
    return 0;
}

int cosign_registry_sign(struct registry_client *c, const char *docker_reference,
                         const char *image_digest, EVP_PKEY *key, const char *const *annotations,
                         struct cosign_sign_result *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = cosign_signature_tag(image_digest, out->tag, err);
    if (rc != 0)
        return rc;
    char *payload = NULL, *sig = NULL;
    size_t plen = 0;
    struct registry_manifest existing = {0};
    struct cosign_manifest_out mo = {0};
    char dg[STRATA_DIGEST_STRLEN];
    int exists = 0;
    if ((rc = cosign_payload_build(docker_reference, image_digest, annotations, &payload, &plen,
                                   err)) != 0 ||
        (rc = cosign_sign(key, payload, plen, &sig, err)) != 0 ||
        (rc = registry_resolve(c, out->tag, &exists, dg, err)) != 0 ||
        (exists && (rc = registry_get_manifest(c, out->tag, &existing, err)) != 0) ||
        (rc = registry_put_blob(c, payload, plen, out->payload_digest, err)) != 0 ||
        (rc = cosign_manifest_add(exists ? existing.data : NULL, exists ? existing.len : 0,
                                  out->payload_digest, plen, sig, &mo, err)) != 0)
        goto done;
    out->added = mo.added;
    if (mo.added) {
        if ((rc = registry_put_blob(c, mo.config, mo.config_len, dg, err)) != 0 ||
            (rc = registry_put_manifest(c, out->tag, COSIGN_MANIFEST_MEDIA_TYPE, mo.manifest,
                                        mo.manifest_len, out->manifest_digest, err)) != 0)
            goto done;
    } else {
        snprintf(out->manifest_digest, sizeof out->manifest_digest, "%s", existing.digest);
    }
    struct cosign_manifest now;
    if ((rc = cosign_manifest_parse(mo.manifest, mo.manifest_len, "the signature manifest", &now,
                                    err)) == 0) {
        out->signatures = now.n_layers;
        cosign_manifest_release(&now);
    }
done:
    free(payload);
    free(sig);
    registry_manifest_release(&existing);
    cosign_manifest_out_release(&mo);
    return rc;
}
