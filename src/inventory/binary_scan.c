/* See binary_scan.h. */
#include "inventory/binary_scan.h"

#include <stdlib.h>
#include <string.h>

int inventory_wants_executable_elf(const uint8_t *head, size_t n, uint64_t size, uint32_t mode)
{
    static const uint8_t elf_magic[4] = {0x7f, 'E', 'L', 'F'};
    (void)size;
    return (mode & 0111) != 0 && n >= 52 && memcmp(head, elf_magic, sizeof elf_magic) == 0;
}

struct binary_list *binary_list_new(size_t elem_size, void (*clear)(void *elem))
{
    struct binary_list *l = calloc(1, sizeof *l);
    if (l != NULL) {
        l->elem_size = elem_size;
        l->clear = clear;
    }
    return l;
}

static void *elem_at(const struct binary_list *l, size_t i)
{
    return (char *)l->v + i * l->elem_size;
}

static char *path_of(const void *elem)
{
    return *(char *const *)elem;
}

static void elem_clear(const struct binary_list *l, void *elem)
{
    free(path_of(elem));
    l->clear(elem);
}

void binary_list_free(void *state)
{
    struct binary_list *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++)
        elem_clear(l, elem_at(l, i));
    free(l->v);
    free(l);
}

void binary_list_forget(struct binary_list *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++) {
        void *e = elem_at(l, i);
        if (strcmp(path_of(e), path) == 0) {
            elem_clear(l, e);
            memmove(e, elem_at(l, --l->n), l->elem_size);
            return;
        }
    }
}

void *binary_list_add(struct binary_list *l, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        void *v = realloc(l->v, cap * l->elem_size);
        if (v == NULL)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    char *p = strdup(path);
    if (p == NULL)
        return NULL;
    void *e = elem_at(l, l->n++);
    memset(e, 0, l->elem_size);
    memcpy(e, &p, sizeof p);
    return e;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(path_of(a), path_of(b));
}

int binary_list_emit_visible(void *const *states, size_t n_states, const struct strata_view *view,
                             struct strata_report *r,
                             int (*emit)(struct strata_report *r, const void *elem, int layer),
                             struct strata_error *err)
{
    for (size_t i = 0; i < n_states; i++) {
        struct binary_list *l = states[i];
        if (l == NULL)
            continue;
        if (l->n > 1)
            qsort(l->v, l->n, l->elem_size, cmp_path);
        for (size_t j = 0; j < l->n; j++) {
            const void *e = elem_at(l, j);
            struct strata_node_info ni;
            if (strata_view_lookup(view, path_of(e), &ni) != 0 || ni.deleted_by >= 0 ||
                ni.type != STRATA_FT_REG)
                continue;
            /* Only the layer that last wrote the path reports it; a filesystem source has
             * one state and no layers. */
            int layer = -1;
            if (r->n_layers > 0) {
                if (ni.layer != (int)i)
                    continue;
                layer = (int)i;
            }
            if (emit(r, e, layer) != 0)
                return strata_error_nomem(err);
        }
    }
    return 0;
}
