/* Growable arrays: vec_grow for a caller's own (array, count, capacity) triple, struct vec
 * and vec_push for an untyped vector of fixed-size elements. */
#ifndef STRATA_CORE_VEC_H
#define STRATA_CORE_VEC_H

#include <stdlib.h>
#include <string.h>

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

struct vec {
    void *p;
    size_t n, cap;
};

/* A zeroed new element of size sz at the end of v, NULL when out of memory. */
static inline void *vec_push(struct vec *v, size_t sz)
{
    void *p = vec_grow(v->p, v->n, &v->cap, sz);
    if (p == NULL)
        return NULL;
    v->p = p;
    void *e = (char *)p + v->n++ * sz;
    memset(e, 0, sz);
    return e;
}

#endif
