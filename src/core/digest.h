/* sha256 over streams, printed the OCI way ("sha256:<64 hex>"). */
#ifndef STRATA_CORE_DIGEST_H
#define STRATA_CORE_DIGEST_H

#include <stddef.h>

#define STRATA_DIGEST_STRLEN 72 /* "sha256:" + 64 hex + NUL */

struct sha256_ctx;

/* NULL on ENOMEM. */
struct sha256_ctx *sha256_new(void);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* Writes "sha256:<hex>" into out and resets nothing; the context is spent. */
void sha256_final_str(struct sha256_ctx *c, char out[STRATA_DIGEST_STRLEN]);
void sha256_free(struct sha256_ctx *c);

/* One-shot digest of a buffer. Returns 0 or STRATA_ENOMEM. */
int sha256_buffer_str(const void *data, size_t len, char out[STRATA_DIGEST_STRLEN]);

/* Is s "sha256:" followed by exactly 64 lowercase hex digits? */
int digest_is_valid_sha256(const char *s);

#endif
