/* Image references as Docker and the OCI distribution tools read them
 * ("[REGISTRY/]PATH[:TAG][@sha256:HEX]"), normalised the way the docker CLI does it: no
 * registry means docker.io, a one-component path on docker.io gets "library/",
 * "index.docker.io" is docker.io. Used by the policy (allowed registries, pinning, keys per
 * repository) and by signature verification (docker-reference). */
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

/* Parses s (n bytes; no NUL inside). Errors (STRATA_EFORMAT) say what is wrong: an
 * upper-case or otherwise invalid path component, an empty component, a bad tag, a digest
 * that is not "sha256:" + 64 lowercase hex (other algorithms are refused), a name longer than
 * TREF_MAX_NAME. The message does not name the input: callers prefix it. */
int trust_ref_parse(const char *s, size_t n, struct trust_ref *out, struct strata_error *err);

/* "registry/path[:tag][@digest]" into buf (always NUL-terminated). */
void trust_ref_format(const struct trust_ref *r, char *buf, size_t size);

#endif
