/* See kept_files.h. */
#include <stdlib.h>
#include <string.h>

#include "inventory/attribution.h"
#include "inventory/kept_files.h"

struct kept_files *kept_files_new(size_t max_files)
{
    struct kept_files *k = calloc(1, sizeof *k);
    if (k != NULL)
        k->max_files = max_files;
    return k;
}

void kept_files_free(void *state)
{
    if (state == NULL)
        return;
    kept_files_clear(state);
    free(state);
}

int kept_files_add(struct kept_files *k, const struct strata_layer_file *f, size_t max_len,
                   int kind, struct strata_error *err)
{
    if (max_len != 0 && f->len > max_len)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %zu bytes, more than the %zu allowed",
                                f->path, f->len, max_len);
    uint8_t *copy = malloc(f->len ? f->len : 1);
    if (copy == NULL)
        return strata_error_nomem(err);
    if (f->len)
        memcpy(copy, f->data, f->len);
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->v[i].path, f->path) == 0) {
            free(k->v[i].data);
            k->v[i].data = copy;
            k->v[i].len = f->len;
            k->v[i].kind = kind;
            return 0;
        }
    if (k->max_files != 0 && k->n >= k->max_files) {
        free(copy);
        return strata_error_set(err, STRATA_ELIMIT, "%s: more than %zu such files in one layer",
                                f->path, k->max_files);
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
    char *p = strdup(f->path);
    if (p == NULL) {
        free(copy);
        return strata_error_nomem(err);
    }
    k->v[k->n++] = (struct kept_file){p, copy, f->len, kind};
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

int kept_files_broken(int rc, int fs, const struct strata_error *perr, struct strata_error *err)
{
    if (rc != STRATA_ENOMEM && !fs)
        return 0;
    *err = *perr;
    return rc;
}

const struct kept_file *kept_files_find(const struct kept_files *k, const char *path)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->v[i].path, path) == 0)
            return &k->v[i];
    return NULL;
}

static struct kept_files *at_state(void *const *states, size_t i, kept_files_offset at)
{
    return states[i] == NULL ? NULL : (struct kept_files *)((char *)states[i] + at);
}

const struct kept_file *kept_files_visible(void *const *states, size_t n_states,
                                           kept_files_offset at, const struct strata_view *view,
                                           const struct strata_report *r, const char *path)
{
    long s = inventory_visible_file(view, path, n_states, r);
    if (s < 0 || states[s] == NULL)
        return NULL;
    return kept_files_find(at_state(states, (size_t)s, at), path);
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(((const struct kept_file *)a)->path, ((const struct kept_file *)b)->path);
}

int kept_files_each_visible(void *const *states, size_t n_states, kept_files_offset at,
                            const struct strata_view *view, const struct strata_report *r,
                            int by_path, int (*fn)(void *ctx, const struct kept_file *k, int layer),
                            void *ctx)
{
    for (size_t i = 0; i < n_states; i++) {
        struct kept_files *k = at_state(states, i, at);
        if (k == NULL)
            continue;
        if (by_path && k->n > 1)
            qsort(k->v, k->n, sizeof *k->v, cmp_path);
        for (size_t j = 0; j < k->n; j++) {
            if (inventory_visible_file(view, k->v[j].path, n_states, r) != (long)i)
                continue;
            int rc = fn(ctx, &k->v[j], r->n_layers > 0 ? (int)i : -1);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}
