/* `strata image REGISTRY/REPO:TAG` (or @sha256:…): an image_source whose blobs come from a
 * registry through the blob cache. The reference's manifest is fetched (an index is resolved
 * to the --platform manifest), the config is read and checked, the missing layers are
 * downloaded in parallel into the cache, and the layers are handed to the scan as files of
 * the cache, where the scan checks each blob digest and diffID as it streams it. The source is
 * named by the reference, kind "registry", digest = what the reference resolves to on the
 * registry (the repo digest: the index's for a multi-platform image). */
#ifndef STRATA_SOURCE_REGISTRY_SOURCE_H
#define STRATA_SOURCE_REGISTRY_SOURCE_H

#include "source/image_source.h"
#include "source/registry.h"

#define REGISTRY_PULL_THREADS 4

/* Does text name a registry image rather than a local path? "registry:X" and "docker://X"
 * always; otherwise a reference whose first component is a registry host ("ghcr.io/a/b",
 * "127.0.0.1:5000/app:1", "localhost/x"). *rest points at the reference text. The caller
 * checks local paths first. */
int registry_spec_is_remote(const char *spec, const char **rest);

/* Fills s (zeroed, container.fd = -1) from the registry image text names. */
int registry_image_load(struct image_source *s, const char *text, const struct registry_options *o,
                        struct strata_error *err);

#endif
