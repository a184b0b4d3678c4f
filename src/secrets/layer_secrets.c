/* The secrets file analyzer: every regular text file of every layer goes through the secrets
 * engine in the layer's worker thread (one scanner per layer state: hyperscan scratch is
 * per thread). A file a later layer deletes or replaces is still reported — its bytes are in
 * the image for anyone who pulls it — with in_final_fs 0 and the layer that removed it. */
#include <stdlib.h>
#include <string.h>

#include "secrets/image_secrets.h"

struct layer_secret {
    char *path;                  /* normalized, no leading slash */
    const char *rule_id, *title; /* the engine's strings */
    enum secrets_severity severity;
    int line;
    char excerpt[SECRETS_EXCERPT_MAX];
};

struct layer_state {
    const struct secrets_engine *engine;
    struct secrets_scanner *scanner; /* created on the first file, in the worker thread */
    struct layer_secret *v;
    size_t n, cap;
    size_t dropped;
    int oom;
};

static const struct strata_match any_file[] = {
    {STRATA_MATCH_ANY, NULL},
    {STRATA_MATCH_END, NULL},
};

/* The cheap binary check: a NUL byte in the first bytes (ELF, images, archives, compressed
 * data all have one) means the rest is never read. secrets_scanner_scan looks further. */
static int wants_head(const uint8_t *head, size_t n, uint64_t size, uint32_t mode)
{
    (void)mode;
    return size > 0 && memchr(head, '\0', n) == NULL;
}

static void *layer_new_ctx(const void *ctx)
{
    struct layer_state *s = calloc(1, sizeof *s);
    if (s != NULL)
        s->engine = ctx;
    return s;
}

static void *layer_new(void)
{
    return NULL; /* unused: layer_new_ctx is always set */
}

static void layer_free(void *state)
{
    struct layer_state *s = state;
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].path);
    free(s->v);
    secrets_scanner_free(s->scanner);
    free(s);
}

static int on_finding(const struct secrets_finding *f, void *user)
{
    struct layer_state *s = user;
    if (s->n >= SECRETS_MAX_LAYER_FINDINGS) {
        s->dropped++;
        return 0;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        struct layer_secret *v = realloc(s->v, cap * sizeof *v);
        if (v == NULL)
            return s->oom = 1, -1;
        s->v = v;
        s->cap = cap;
    }
    struct layer_secret *e = &s->v[s->n];
    e->path = strdup(f->path);
    if (e->path == NULL)
        return s->oom = 1, -1;
    e->rule_id = f->rule_id;
    e->title = f->title;
    e->severity = f->severity;
    e->line = f->line;
    memcpy(e->excerpt, f->excerpt, sizeof e->excerpt);
    s->n++;
    return 0;
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct layer_state *s = state;
    if (s->scanner == NULL && (s->scanner = secrets_scanner_new(s->engine)) == NULL)
        return strata_error_nomem(err);
    int rc = secrets_scanner_scan(s->scanner, f->path, (const char *)f->data, f->len, on_finding, s,
                                  err);
    if (s->oom)
        return strata_error_nomem(err);
    return rc < 0 ? rc : 0;
}

/* Where the file of layer `layer` stands in the final view. */
static void final_state(const struct strata_view *view, const char *path, int layer,
                        struct strata_secret *out)
{
    struct strata_node_info ni;
    out->layer_index = layer;
    if (layer < 0) { /* a filesystem: what is read is what is there */
        out->in_final_fs = 1;
        return;
    }
    out->in_final_fs = 0;
    if (strata_view_lookup(view, path, &ni) != 0)
        return;
    if (ni.deleted_by >= 0)
        out->deleted_in_layer = ni.deleted_by;
    else if (ni.layer == layer)
        out->in_final_fs = 1;
    else
        out->deleted_in_layer = ni.layer; /* replaced by a later layer's copy */
}

static int emit(const struct layer_secret *ls, int layer, const struct strata_view *view,
                struct strata_report *r)
{
    struct strata_secret *s = strata_report_add_secret(r);
    if (s == NULL)
        return STRATA_ENOMEM;
    int oom = 0;
    s->rule_id = strata_strdup_or_null(ls->rule_id, &oom);
    s->title = strata_strdup_or_null(ls->title, &oom);
    s->severity = strata_strdup_or_null(secrets_severity_name(ls->severity), &oom);
    s->excerpt = strata_strdup_or_null(ls->excerpt, &oom);
    size_t n = strlen(ls->path);
    s->path = malloc(n + 2);
    if (s->path != NULL) {
        s->path[0] = '/';
        memcpy(s->path + 1, ls->path, n + 1);
    }
    s->line = ls->line;
    final_state(view, ls->path, layer, s);
    return oom || s->path == NULL ? STRATA_ENOMEM : 0;
}

static int finish(void *const *states, size_t n_layers, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    for (size_t i = 0; i < n_layers; i++) {
        const struct layer_state *s = states[i];
        int layer = report->n_layers > 0 ? (int)i : -1;
        for (size_t k = 0; k < s->n; k++)
            if (emit(&s->v[k], layer, view, report) != 0)
                return strata_error_nomem(err);
    }
    strata_report_sort_secrets(report);
    return 0;
}

void secrets_file_analyzer(struct strata_analyzer *a, const struct secrets_engine *e)
{
    memset(a, 0, sizeof *a);
    a->name = "secrets";
    a->pkg_types = 0;
    a->matches = any_file;
    a->max_file_size = SECRETS_MAX_FILE;
    a->wants_head = wants_head;
    a->layer_new = layer_new;
    a->layer_new_ctx = layer_new_ctx;
    a->ctx = e;
    a->layer_free = layer_free;
    a->layer_file = layer_file;
    a->finish = finish;
}
