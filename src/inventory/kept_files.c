/* See kept_files.h. */
#include <stdlib.h>
#include <string.h>

#include "inventory/attribution.h"
#include "inventory/kept_files.h"

int kept_files_add(struct kept_files *k, const char *path, const uint8_t *data, size_t len,
                   int kind, struct strata_error *err)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return strata_error_nomem(err);
    if (len)
        memcpy(copy, data, len);
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->v[i].path, path) == 0) {
            free(k->v[i].data);
            k->v[i].data = copy;
            k->v[i].len = len;
            k->v[i].kind = kind;
            return 0;
        }
    size_t max = k->max_files ? k->max_files : 65536;
    if (k->n >= max) {
        free(copy);
        return strata_error_set(err, STRATA_ELIMIT, "%s: more than %zu such files in one layer",
                                path, max);
    }
    if (k->n == k->cap) {
        size_t c = k->cap ? k->cap * 2 : 8;
        struct kept_file *nv = realloc(k->v, c * sizeof *nv);
        if (nv == NULL) {
            free(copy);
            return strata_error_nomem(err);
        }
        k->v = nv;
        k->cap = c;
    }
    char *p = strdup(path);
    if (p == NULL) {
        free(copy);
        return strata_error_nomem(err);
    }
    k->v[k->n++] = (struct kept_file){p, copy, len, kind};
    return 0;
}

void kept_files_clear(struct kept_files *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].path);
        free(k->v[i].data);
    }
    free(k->v);
    k->v = NULL;
    k->n = k->cap = 0;
}

const struct kept_file *kept_files_visible(void *const *states, size_t n_states,
                                           const struct strata_view *view,
                                           const struct strata_report *r, const char *path)
{
    long s = inventory_visible_file(view, path, n_states, r);
    if (s < 0 || states[s] == NULL)
        return NULL;
    const struct kept_files *k = states[s];
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->v[i].path, path) == 0)
            return &k->v[i];
    return NULL;
}
