/* Image references ("[REGISTRY/]PATH[:TAG][@sha256:HEX]") as the policy and signature
 * verification use them: parsed and normalised by source/reference.h (no registry means
 * docker.io, a one-component path on docker.io gets "library/", "index.docker.io" is
 * docker.io), held in fixed buffers with "registry/path" ready for repository globs. */
#ifndef STRATA_POLICY_TRUST_POLICY_REF_H
#define STRATA_POLICY_TRUST_POLICY_REF_H

#include <stddef.h>

#include "strata/error.h"

#define TREF_MAX_NAME 255   /* bytes of REGISTRY/PATH, as distribution's reference package */
#define TREF_MAX_TAG 128    /* bytes of a tag */
#define TREF_MAX_DIGEST 160 /* bytes of "algorithm:hex" */

struct trust_ref {
    char registry[TREF_MAX_NAME + 1]; /* "docker.io", "registry.example.com:5000" */
    char path[TREF_MAX_NAME + 1];     /* "library/nginx", "team/app" */
    char name[2 * TREF_MAX_NAME + 2]; /* "registry/path": what repository globs match */
    char tag[TREF_MAX_TAG + 1];       /* "" when none was written */
    char digest[TREF_MAX_DIGEST + 1]; /* "sha256:<64 hex>", "" when none */
};

/* Parses s (n bytes; no NUL inside). Errors are STRATA_EFORMAT with image_ref_parse's message
 * ("'Foo/bar': byte 0: repository names are lowercase"), or STRATA_ENOMEM. */
int trust_ref_parse(const char *s, size_t n, struct trust_ref *out, struct strata_error *err);

/* "registry/path[:tag][@digest]" into buf (always NUL-terminated). */
void trust_ref_format(const struct trust_ref *r, char *buf, size_t size);

#endif
