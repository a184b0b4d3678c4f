/* Keeps each layer's etc/passwd so the root-user check (CIS 4.1) can resolve a USER name to
 * its uid through the image's own account database. Emits nothing itself. */
#include "checks/checks.h"

#include <stdlib.h>
#include <string.h>

struct passwd_state {
    char *data;
    size_t len;
};

/* A glob, not an exact match: an oversized passwd is skipped rather than failing the scan
 * (exact matches over max_file_size are errors); the check then sees no passwd. */
static const struct strata_match passwd_matches[] = {
    {STRATA_MATCH_GLOB, "etc/passwd"},
    {STRATA_MATCH_END, NULL},
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct passwd_state));
}

static void layer_free(void *state)
{
    struct passwd_state *s = state;
    if (s != NULL)
        free(s->data);
    free(s);
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct passwd_state *s = state;
    char *copy = malloc(f->len + 1);
    if (copy == NULL)
        return strata_error_nomem(err);
    memcpy(copy, f->data, f->len);
    copy[f->len] = '\0';
    free(s->data); /* the same path twice in a layer: the later copy wins */
    s->data = copy;
    s->len = f->len;
    return 0;
}

static int finish(void *const *states, size_t n_layers, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    (void)states, (void)n_layers, (void)view, (void)report, (void)err;
    return 0;
}

const struct strata_analyzer checks_passwd_analyzer = {
    .name = "checks-passwd",
    .pkg_types = 0,
    .matches = passwd_matches,
    .max_file_size = CHECKS_MAX_PASSWD,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};

const char *checks_passwd_data(const void *state, size_t *len)
{
    const struct passwd_state *s = state;
    *len = s && s->data ? s->len : 0;
    return s ? s->data : NULL;
}
