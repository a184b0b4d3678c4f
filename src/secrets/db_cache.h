/* A cache of compiled hyperscan databases: compiling the rule pack costs ~0.2 s per scan, a
 * cached database loads in about a millisecond. Keyed by the sha256 of everything the
 * compiler is given (hyperscan version, mode, each expression with its flags and id), so a
 * changed rule file, user pack or hyperscan is a miss. Any cache problem — no cache
 * directory, an unreadable or corrupt file — is a miss, never an error. */
#ifndef STRATA_SECRETS_DB_CACHE_H
#define STRATA_SECRETS_DB_CACHE_H

#include <hs/hs.h>
#include <stddef.h>

#include "core/digest.h"

/* The cache key of one expression set into key (STRATA_DIGEST_STRLEN). 0 or STRATA_ENOMEM. */
int secrets_db_cache_key(const char *const *pat, const unsigned *flags, const unsigned *ids,
                         size_t n, char key[STRATA_DIGEST_STRLEN]);

/* The cached database for key, or NULL. $STRATA_SECRETS_CACHE names the directory (empty:
 * no cache); else $XDG_CACHE_HOME/strata/secrets, else ~/.cache/strata/secrets. */
hs_database_t *secrets_db_cache_load(const char *key);

/* Stores db under key (written to a temporary file and renamed: readers never see half a
 * file). Failures are ignored. */
void secrets_db_cache_store(const char *key, const hs_database_t *db);

#endif
