/* Bump allocator for many small strings that live and die together (a layer's entries,
 * the view's paths). Freed all at once. */
#ifndef STRATA_CORE_ARENA_H
#define STRATA_CORE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
    size_t used_total;
};

#define ARENA_INIT                                                                                 \
    {                                                                                              \
        NULL, 0                                                                                    \
    }

/* NULL on ENOMEM. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
void arena_release(struct arena *a);

#endif
