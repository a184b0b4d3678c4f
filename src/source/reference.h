/* Image references as the distribution project defines them ("docker/distribution/reference"):
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component { "/" path-component }
 *   domain     := host [ ":" port ]     (a DNS name, an IPv4 address or "[" IPv6 "]")
 *   path-component := [a-z0-9]+ { separator [a-z0-9]+ }   separator := "." | "_" | "__" | "-"+
 *   tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
 *   digest     := "sha256:" 64 lowercase hex  (the only algorithm registries use; others refused)
 *
 * and normalized the way Docker does it: the first component is a registry only when it has a
 * '.' or a ':' or is "localhost"; otherwise the registry is docker.io, and a one-component
 * repository on docker.io gets "library/" in front ("debian" -> docker.io/library/debian).
 * "index.docker.io" is docker.io. The normalized name (registry/repository) is at most 255
 * bytes, the whole text at most 512. */
#ifndef STRATA_SOURCE_REFERENCE_H
#define STRATA_SOURCE_REFERENCE_H

#include "strata/error.h"

#define IMAGE_REF_MAX_NAME 255
#define IMAGE_REF_MAX_TAG 128
#define IMAGE_REF_DOCKER_HUB "docker.io"
#define IMAGE_REF_DOCKER_HUB_ENDPOINT "registry-1.docker.io"

struct image_ref {
    char *registry;        /* "docker.io", "ghcr.io", "127.0.0.1:5000", "[::1]:5000" */
    char *repository;      /* "library/debian", "app" */
    char *tag;             /* NULL when the reference has none */
    char *digest;          /* "sha256:…" or NULL */
    char *canonical;       /* registry/repository[:tag][@digest]; ":latest" added when neither */
    int explicit_registry; /* the text named its registry (first component had '.', ':', …) */
};

/* Parses text into r (all strings owned by r). Errors (STRATA_EUSAGE) say what is wrong and
 * at which byte: "'Foo/bar': byte 0: repository names are lowercase". */
int image_ref_parse(const char *text, struct image_ref *r, struct strata_error *err);
void image_ref_free(struct image_ref *r);

/* The host[:port] the API is reached at: registry-1.docker.io for docker.io, else registry. */
const char *image_ref_endpoint(const struct image_ref *r);

/* Is the registry a loopback address (localhost, 127.0.0.0/8, [::1]) whatever the port? */
int image_ref_is_loopback(const struct image_ref *r);

/* The tag or digest to ask the registry for: the digest when there is one, else the tag,
 * else "latest". */
const char *image_ref_target(const struct image_ref *r);

#endif
