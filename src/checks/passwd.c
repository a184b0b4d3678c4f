/* Keeps each layer's account files — etc/passwd, etc/shadow and etc/group — for the checks
 * that read the image's own account database: the root-user check (CIS 4.1) resolves a USER
 * name to its uid, the account checks (accounts.c) look for empty passwords and duplicate
 * ids. Emits nothing itself. */
#include "checks/checks.h"

#include <stdlib.h>
#include <string.h>

struct account_state {
    char *data[CHECKS_ACCOUNT_FILES];
    size_t len[CHECKS_ACCOUNT_FILES];
};

/* Indexed by enum checks_account_file. */
static const char *const account_paths[CHECKS_ACCOUNT_FILES] = {
    [CHECKS_PASSWD] = "etc/passwd",
    [CHECKS_SHADOW] = "etc/shadow",
    [CHECKS_GROUP] = "etc/group",
};

/* Globs, not exact matches: an oversized account file is skipped rather than failing the
 * scan (exact matches over max_file_size are errors); the checks then see no such file. */
static const struct strata_match account_matches[] = {
    {STRATA_MATCH_GLOB, "etc/passwd"},
    {STRATA_MATCH_GLOB, "etc/shadow"},
    {STRATA_MATCH_GLOB, "etc/group"},
    {STRATA_MATCH_END, NULL},
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct account_state));
}

static void layer_free(void *state)
{
    struct account_state *s = state;
    for (size_t i = 0; s != NULL && i < CHECKS_ACCOUNT_FILES; i++)
        free(s->data[i]);
    free(s);
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct account_state *s = state;
    size_t k = 0;
    while (k < CHECKS_ACCOUNT_FILES && strcmp(f->path, account_paths[k]) != 0)
        k++;
    if (k == CHECKS_ACCOUNT_FILES || f->len > CHECKS_MAX_ACCOUNT_FILE)
        return 0;
    char *copy = malloc(f->len + 1);
    if (copy == NULL)
        return strata_error_nomem(err);
    memcpy(copy, f->data, f->len);
    copy[f->len] = '\0';
    free(s->data[k]); /* the same path twice in a layer: the later copy wins */
    s->data[k] = copy;
    s->len[k] = f->len;
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
    .matches = account_matches,
    .max_file_size = CHECKS_MAX_ACCOUNT_FILE,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};

const char *checks_account_path(enum checks_account_file which)
{
    return (unsigned)which < CHECKS_ACCOUNT_FILES ? account_paths[which] : NULL;
}

const char *checks_account_data(const void *state, enum checks_account_file which, size_t *len)
{
    const struct account_state *s = state;
    if (s == NULL || (unsigned)which >= CHECKS_ACCOUNT_FILES || s->data[which] == NULL) {
        *len = 0;
        return NULL;
    }
    *len = s->len[which];
    return s->data[which];
}

const char *checks_passwd_data(const void *state, size_t *len)
{
    return checks_account_data(state, CHECKS_PASSWD, len);
}
