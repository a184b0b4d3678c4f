/* The policy's view of an image reference: the project's reference parser
 * (source/reference.h, the distribution grammar and Docker's normalisation) copied into fixed
 * buffers, with "registry/repository" ready for the repository globs. */
#include "policy/trust_policy_ref.h"

#include <stdio.h>
#include <string.h>

#include "source/reference.h"

int trust_ref_parse(const char *s, size_t n, struct trust_ref *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return strata_error_set(err, STRATA_EFORMAT, "empty image reference");
    if (memchr(s, '\0', n) != NULL)
        return strata_error_set(err, STRATA_EFORMAT, "NUL byte in image reference");
    char text[2 * TREF_MAX_NAME + TREF_MAX_TAG + TREF_MAX_DIGEST + 8];
    if (n >= sizeof text)
        return strata_error_set(err, STRATA_EFORMAT, "image reference longer than %zu bytes",
                                sizeof text - 1);
    memcpy(text, s, n);
    text[n] = '\0';
    struct image_ref r;
    int rc = image_ref_parse(text, &r, err);
    if (rc != 0) {
        if (rc == STRATA_ENOMEM)
            return rc;
        if (err != NULL)
            err->code = STRATA_EFORMAT; /* a reference in a policy or payload is input */
        return STRATA_EFORMAT;
    }
    if (strlen(r.registry) > TREF_MAX_NAME || strlen(r.repository) > TREF_MAX_NAME ||
        (r.tag && strlen(r.tag) > TREF_MAX_TAG) ||
        (r.digest && strlen(r.digest) > TREF_MAX_DIGEST)) {
        image_ref_free(&r);
        return strata_error_set(err, STRATA_EFORMAT, "image reference too long");
    }
    strcpy(out->registry, r.registry);
    strcpy(out->path, r.repository);
    snprintf(out->name, sizeof out->name, "%s/%s", r.registry, r.repository);
    if (r.tag)
        strcpy(out->tag, r.tag);
    if (r.digest)
        strcpy(out->digest, r.digest);
    image_ref_free(&r);
    return 0;
}

void trust_ref_format(const struct trust_ref *r, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s%s%s", r->name, r->tag[0] ? ":" : "", r->tag,
             r->digest[0] ? "@" : "", r->digest);
}
