/* The local blob cache of registry pulls: content-addressed files
 * <root>/sha256/<64 hex>, root $XDG_CACHE_HOME/strata/blobs, else ~/.cache/strata/blobs
 * (directories created 0700: private images' layers may hold secrets). A blob is written to a
 * temporary file in the same directory, checked against its size and digest while it
 * arrives, and only then renamed into place, so a file under its digest's name is complete
 * and was verified when written. Layers already there are not downloaded again; the scan
 * checks every layer's digest again as it reads it, so a cache file changed on disk since is
 * an error naming the file, never a silent wrong result. */
#ifndef STRATA_SOURCE_REGISTRY_CACHE_H
#define STRATA_SOURCE_REGISTRY_CACHE_H

#include <stdint.h>

#include "source/registry.h"
#include "strata/error.h"

/* The root (explicit when not NULL), created if missing; caller frees *out. */
int registry_cache_root(const char *explicit, char **out, struct strata_error *err);

/* "sha256/<hex>" for digest into out (room for 80 bytes). */
void registry_cache_member(const char *digest, char out[80]);

/* Is the blob there with this size? */
int registry_cache_has(const char *root, const char *digest, uint64_t size);

/* Makes sure the blob is in the cache, downloading it through c when it is not.
 * *downloaded says which. */
int registry_cache_fetch(struct registry_client *c, const char *root, const char *digest,
                         uint64_t size, int *downloaded, struct strata_error *err);

#endif
