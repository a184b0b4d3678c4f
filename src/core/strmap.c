#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "strata/error.h"

uint64_t strmap_hash(const char *s, size_t n)
{
    /* FNV-1a: short path keys, no adversary benefit since probing is bounded by load. */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static struct strmap_slot *find_slot(const struct strmap *m, const char *key, size_t n, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct strmap_slot *s = &m->slots[i];
        if (s->key == NULL)
            return s;
        if (s->hash == h && strncmp(s->key, key, n) == 0 && s->key[n] == '\0')
            return s;
    }
}

void *strmap_getn(const struct strmap *m, const char *key, size_t n)
{
    if (m->cap == 0)
        return NULL;
    struct strmap_slot *s = find_slot(m, key, n, strmap_hash(key, n));
    return s->key ? s->value : NULL;
}

void *strmap_get(const struct strmap *m, const char *key)
{
    return strmap_getn(m, key, strlen(key));
}

static int grow(struct strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct strmap_slot *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return STRATA_ENOMEM;
    struct strmap old = *m;
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++) {
        struct strmap_slot *o = &old.slots[i];
        if (o->key)
            *find_slot(m, o->key, strlen(o->key), o->hash) = *o;
    }
    free(old.slots);
    return 0;
}

int strmap_put(struct strmap *m, const char *key, void *value)
{
    if ((m->len + 1) * 4 > m->cap * 3 && grow(m) != 0)
        return STRATA_ENOMEM;
    size_t n = strlen(key);
    uint64_t h = strmap_hash(key, n);
    struct strmap_slot *s = find_slot(m, key, n, h);
    if (s->key == NULL) {
        s->key = key;
        s->hash = h;
        m->len++;
    }
    s->value = value;
    return 0;
}

void strmap_release(struct strmap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}
