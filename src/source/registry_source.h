/* `strata image REGISTRY/REPO:TAG` (or @sha256:…): an image_source whose blobs come from a
 * registry through the blob cache. The reference's manifest is fetched (an index is resolved
 * to the --platform manifest) and the config is read and checked; the layers the cache lacks
 * are then downloaded in the background, REGISTRY_PULL_THREADS at a time, largest first,
 * while the scan runs: the scan waits for each layer it reads (registry_pull_wait), so the
 * first layers are scanned while the others still arrive. Each download is hashed as it
 * arrives and renamed into the cache only when its size and digest match (registry_cache.h);
 * a layer this process downloaded and checked is not hashed again by the scan, a layer taken
 * from the cache is (the cache file may have changed since). The source is named by the
 * reference, kind "registry", digest = what the reference resolves to on the registry (the
 * repo digest: the index's for a multi-platform image). */
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

/* Fills s (zeroed, container.fd = -1) from the registry image text names; s->pull is set
 * when layers are still to be downloaded. */
int registry_image_load(struct image_source *s, const char *text, const struct registry_options *o,
                        struct strata_error *err);

/* Waits until layer i of s is in the cache, then points s->layers[i].blob at it. *verified:
 * this process downloaded the blob and checked it against its digest just now. A failed
 * download is returned as its error (naming the reference); a layer whose download was never
 * started because another failed gets that failure. Safe from several threads. */
int registry_pull_wait(struct image_source *s, size_t i, int *verified, struct strata_error *err);

/* With registry_options.progress: the scan's count of layers read, shown on the pull's
 * progress line next to the downloads'. */
void registry_pull_note_read(struct registry_pull *p, size_t read, size_t n);

/* Starts no further download, waits for those in flight, frees. NULL is fine. */
void registry_pull_free(struct registry_pull *p);

#endif
