/* An image's signatures in an OCI image layout directory: index.json names the signature
 * manifest by its ref.name "sha256-<hex>.sig"; manifest and payloads are blobs/sha256/<hex>.
 * Everything read is bounded, blob names come from validated digests only (no path from the
 * files is ever joined as is). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/json_load.h"
#include "policy/cosign.h"
#include "policy/policy_util.h"

#define INDEX_MAX (4u << 20)
#define REF_NAME "org.opencontainers.image.ref.name"

/* dir/blobs/sha256/<hex> of a validated digest, at most max bytes. */
static int read_blob(const char *dir, const char *digest, size_t max, char **data, size_t *len,
                     struct strata_error *err)
{
    char path[4200];
    int n = snprintf(path, sizeof path, "%s/blobs/sha256/%s", dir, digest + 7);
    if (n < 0 || (size_t)n >= sizeof path)
        return strata_error_set(err, STRATA_ELIMIT, "%s: path too long", dir);
    return policy_read_file(path, max, data, len, err);
}

int cosign_layout_fetch(const char *dir, const char *image_digest, struct cosign_sigset *s,
                        struct strata_error *err)
{
    memset(s, 0, sizeof *s);
    char tag[COSIGN_SIG_TAG_LEN];
    int rc = cosign_signature_tag(image_digest, tag, err);
    if (rc != 0)
        return rc;
    if (asprintf(&s->location, "%s (ref.name %s)", dir, tag) < 0) {
        s->location = NULL;
        return strata_error_nomem(err);
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/index.json", dir);
    char *data = NULL;
    size_t len = 0;
    if ((rc = policy_read_file(path, INDEX_MAX, &data, &len, err)) != 0)
        return rc;
    json_t *index = NULL;
    rc = json_load_document(data, len, path, INDEX_MAX, JSON_LOAD_OBJECT, &index, err);
    free(data);
    if (rc != 0)
        return rc;
    json_t *manifests = json_object_get(index, "manifests");
    const char *mdigest = NULL;
    for (size_t i = 0; json_is_array(manifests) && i < json_array_size(manifests); i++) {
        json_t *d = json_array_get(manifests, i);
        json_t *name = json_object_get(json_object_get(d, "annotations"), REF_NAME);
        json_t *dg = json_object_get(d, "digest");
        if (json_is_string(name) && strcmp(json_string_value(name), tag) == 0 &&
            json_is_string(dg)) {
            mdigest = json_string_value(dg);
            break;
        }
    }
    if (mdigest == NULL) {
        json_decref(index);
        return 0; /* not signed here */
    }
    if (!digest_is_valid_sha256(mdigest)) {
        rc = strata_error_set(err, STRATA_EFORMAT, "%s: the digest of %s is not sha256", path, tag);
        json_decref(index);
        return rc;
    }
    char mpath[STRATA_DIGEST_STRLEN];
    snprintf(mpath, sizeof mpath, "%s", mdigest);
    json_decref(index);
    if ((rc = read_blob(dir, mpath, COSIGN_MAX_MANIFEST, &data, &len, err)) != 0)
        return rc;
    char got[STRATA_DIGEST_STRLEN];
    if (sha256_buffer_str(data, len, got) != 0 || strcmp(got, mpath) != 0) {
        free(data);
        return strata_error_set(err, STRATA_EDIGEST,
                                "%s: the signature manifest blob does not match its digest %s", dir,
                                mpath);
    }
    rc = cosign_manifest_parse(data, len, s->location, &s->manifest, err);
    free(data);
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
        } else if (read_blob(dir, l->digest, COSIGN_MAX_PAYLOAD, &s->payloads[i],
                             &s->payload_lens[i], &berr) == 0) {
            continue;
        }
        if (berr.code == STRATA_ENOMEM)
            return strata_error_nomem(err);
        if ((s->fetch_errors[i] = strdup(berr.msg)) == NULL)
            return strata_error_nomem(err);
    }
    return 0;
}
