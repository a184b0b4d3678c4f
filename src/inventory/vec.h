/* Growing the per-layer and per-scan vectors of the language analyzers by one slot. */
#ifndef STRATA_INVENTORY_VEC_H
#define STRATA_INVENTORY_VEC_H

#include <stdlib.h>

/* Room for one more element of size sz in v (n used, *cap allocated): v itself while there
 * is room, else v reallocated to twice the capacity (16 at first) with *cap updated. NULL
 * when out of memory, v then left as it was. */
static inline void *vec_grow(void *v, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? *cap * 2 : 16;
    void *nv = realloc(v, c * sz);
    if (nv != NULL)
        *cap = c;
    return nv;
}

#endif
