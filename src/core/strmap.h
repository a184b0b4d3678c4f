/* Open-addressing hash map from NUL-terminated string keys to void* values. Keys are not
 * copied: they must outlive the map (callers keep them in an arena). */
#ifndef STRATA_CORE_STRMAP_H
#define STRATA_CORE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
    const char *key;
    void *value;
    uint64_t hash;
};

struct strmap {
    struct strmap_slot *slots;
    size_t cap; /* power of two or 0 */
    size_t len;
};

#define STRMAP_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

uint64_t strmap_hash(const char *s, size_t n);
/* Returns the value or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
void *strmap_getn(const struct strmap *m, const char *key, size_t n);
/* Inserts or replaces. Returns 0 or STRATA_ENOMEM. */
int strmap_put(struct strmap *m, const char *key, void *value);
void strmap_release(struct strmap *m);

#endif
