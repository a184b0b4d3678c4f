/* The YAML view of compose_yaml.h over libfyaml's document API. */
#include "checks/compose_yaml.h"

#include <string.h>

#include "core/input_size.h"
#include "core/yaml_guard.h"

static void diag_sink(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag, (void)user, (void)buf, (void)len;
}

int cyaml_load(struct cyaml *y, const char *path, const char *data, size_t len, size_t max,
               struct strata_error *err)
{
    memset(y, 0, sizeof *y);
    y->path = path;
    y->data = data;
    y->len = len;
    int rc = input_size_check(path, len, max, err);
    if (rc != 0)
        return rc;
    rc = yaml_guard(path, data, len, err);
    if (rc != 0)
        return rc;
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = diag_sink;
    dc.colorize = false;
    if ((y->diag = fy_diag_create(&dc)) == NULL)
        return strata_error_nomem(err);
    fy_diag_set_collect_errors(y->diag, true);
    /* no FYPCF_RESOLVE_DOCUMENT: aliases stay references (no alias bomb); libfyaml limits
     * nesting to 64 levels */
    struct fy_parse_cfg pc = {.flags =
                                  FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_DISABLE_RECYCLING,
                              .diag = y->diag};
    y->doc = fy_document_build_from_string(&pc, len ? data : "", len);
    if (y->doc != NULL)
        return 0;
    rc = strata_error_set(err, STRATA_EFORMAT, "%s:1:1: invalid YAML", path);
    void *it = NULL;
    struct fy_diag_error *de;
    while ((de = fy_diag_errors_iterate(y->diag, &it)) != NULL) {
        if (de->type != FYET_ERROR)
            continue;
        rc = strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: invalid YAML: %s", path,
                              de->line > 0 ? de->line : 1, de->column > 0 ? de->column : 1,
                              de->msg ? de->msg : "syntax error");
        break;
    }
    cyaml_free(y);
    return rc;
}

void cyaml_free(struct cyaml *y)
{
    if (y->doc)
        fy_document_destroy(y->doc);
    if (y->diag)
        fy_diag_destroy(y->diag);
    y->doc = NULL;
    y->diag = NULL;
}

struct fy_node *cyaml_deref(struct fy_node *n)
{
    if (n != NULL && fy_node_is_alias(n))
        return fy_node_resolve_alias(n);
    return n;
}

int cyaml_is_map(struct fy_node *n)
{
    return n != NULL && fy_node_get_type(n) == FYNT_MAPPING;
}

int cyaml_is_seq(struct fy_node *n)
{
    return n != NULL && fy_node_get_type(n) == FYNT_SEQUENCE;
}

static int visit(struct cyaml *y)
{
    if (y->visits >= COMPOSE_MAX_VISITS) {
        y->over_budget = 1;
        return 0;
    }
    y->visits++;
    return 1;
}

const char *cyaml_text(struct fy_node *n, char *buf, size_t cap, size_t *len, int *plain, int *cut)
{
    *len = 0;
    if (plain)
        *plain = 0;
    if (cut)
        *cut = 0;
    if (n == NULL || cap == 0 || fy_node_get_type(n) != FYNT_SCALAR || fy_node_is_alias(n))
        return NULL;
    struct fy_token *tok = fy_node_get_scalar_token(n);
    if (tok == NULL)
        return NULL;
    /* a token iterator hands out the text in chunks and caches nothing in the token */
    struct fy_token_iter *it = fy_token_iter_create(tok);
    if (it == NULL)
        return NULL;
    const struct fy_iter_chunk *c = NULL;
    int ierr = 0;
    size_t n_out = 0;
    int over = 0;
    while ((c = fy_token_iter_chunk_next(it, c, &ierr)) != NULL) {
        size_t take = c->len;
        if (take > cap - 1 - n_out) {
            take = cap - 1 - n_out;
            over = 1;
        }
        memcpy(buf + n_out, c->str, take);
        n_out += take;
        if (over)
            break;
    }
    fy_token_iter_destroy(it);
    if (ierr != 0)
        return NULL;
    buf[n_out] = '\0';
    *len = n_out;
    if (plain)
        *plain = fy_token_scalar_style(tok) == FYSS_PLAIN;
    if (cut)
        *cut = over;
    return buf;
}

static int plain_is(struct fy_node *n, const char *const *words, size_t nw)
{
    char buf[16];
    size_t len;
    int plain;
    if (cyaml_text(cyaml_deref(n), buf, sizeof buf, &len, &plain, NULL) == NULL || !plain)
        return 0;
    for (size_t i = 0; i < nw; i++)
        if (strcmp(buf, words[i]) == 0)
            return 1;
    return 0;
}

int cyaml_true(struct fy_node *n)
{
    static const char *const w[] = {"true", "True", "TRUE"};
    return plain_is(n, w, 3);
}

int cyaml_false(struct fy_node *n)
{
    static const char *const w[] = {"false", "False", "FALSE"};
    return plain_is(n, w, 3);
}

int cyaml_null(struct fy_node *n)
{
    static const char *const w[] = {"", "~", "null", "Null", "NULL"};
    return n == NULL || plain_is(n, w, 5);
}

/* Does key node k hold exactly key? */
static int key_is(struct fy_node *k, const char *key)
{
    char buf[256];
    size_t len;
    return cyaml_text(cyaml_deref(k), buf, sizeof buf, &len, NULL, NULL) != NULL &&
           strcmp(buf, key) == 0 && len == strlen(key);
}

static int is_merge_key(struct fy_node *k)
{
    char buf[4];
    size_t len;
    int plain;
    return cyaml_text(k, buf, sizeof buf, &len, &plain, NULL) != NULL && plain &&
           strcmp(buf, "<<") == 0;
}

static struct fy_node *get_depth(struct cyaml *y, struct fy_node *map, const char *key,
                                 struct fy_node **key_node, int depth)
{
    map = cyaml_deref(map);
    if (!cyaml_is_map(map) || depth > COMPOSE_MAX_MERGE_DEPTH)
        return NULL;
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(map, &it)) != NULL && visit(y)) {
        struct fy_node *k = fy_node_pair_key(p);
        if (!is_merge_key(k) && key_is(k, key)) {
            if (key_node)
                *key_node = k;
            return fy_node_pair_value(p);
        }
    }
    /* merge keys: a mapping, or a sequence of them (earlier ones win) */
    it = NULL;
    while ((p = fy_node_mapping_iterate(map, &it)) != NULL && visit(y)) {
        if (!is_merge_key(fy_node_pair_key(p)))
            continue;
        struct fy_node *v = cyaml_deref(fy_node_pair_value(p));
        if (cyaml_is_map(v)) {
            struct fy_node *r = get_depth(y, v, key, key_node, depth + 1);
            if (r != NULL)
                return r;
        } else if (cyaml_is_seq(v)) {
            void *it2 = NULL;
            struct fy_node *m;
            while ((m = fy_node_sequence_iterate(v, &it2)) != NULL && visit(y)) {
                struct fy_node *r = get_depth(y, m, key, key_node, depth + 1);
                if (r != NULL)
                    return r;
            }
        }
    }
    return NULL;
}

struct fy_node *cyaml_get(struct cyaml *y, struct fy_node *map, const char *key,
                          struct fy_node **key_node)
{
    if (key_node)
        *key_node = NULL;
    return get_depth(y, map, key, key_node, 0);
}

int cyaml_next_pair(struct cyaml *y, struct fy_node *map, void **it, struct fy_node **key,
                    struct fy_node **value)
{
    map = cyaml_deref(map);
    if (!cyaml_is_map(map))
        return 0;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(map, it)) != NULL && visit(y)) {
        if (is_merge_key(fy_node_pair_key(p)))
            continue;
        *key = fy_node_pair_key(p);
        *value = cyaml_deref(fy_node_pair_value(p));
        return 1;
    }
    return 0;
}

struct fy_node *cyaml_next_item(struct cyaml *y, struct fy_node *seq, void **it)
{
    seq = cyaml_deref(seq);
    if (!cyaml_is_seq(seq))
        return NULL;
    struct fy_node *n = fy_node_sequence_iterate(seq, it);
    if (n == NULL || !visit(y))
        return NULL;
    return n;
}

static const struct fy_mark *first_mark(struct fy_node *n, int depth, struct fy_token **tok)
{
    if (n == NULL || depth > 16)
        return NULL;
    if (fy_node_get_type(n) == FYNT_SCALAR) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        *tok = t;
        return t ? fy_token_start_mark(t) : NULL;
    }
    void *it = NULL;
    if (fy_node_get_type(n) == FYNT_MAPPING) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p ? first_mark(fy_node_pair_key(p), depth + 1, tok) : NULL;
    }
    return first_mark(fy_node_sequence_iterate(n, &it), depth + 1, tok);
}

void cyaml_pos(struct fy_node *n, int *line, int *col)
{
    *line = *col = 0;
    struct fy_token *tok = NULL;
    const struct fy_mark *m = first_mark(n, 0, &tok);
    if (m == NULL || m->line < 0 || m->column < 0)
        return;
    *line = m->line + 1;
    *col = m->column + 1;
    /* libfyaml marks a quoted scalar after its quote and an alias after its '*' */
    int back = n != NULL && fy_node_is_alias(n);
    if (!back && tok != NULL && fy_node_get_type(n) == FYNT_SCALAR) {
        enum fy_scalar_style s = fy_token_scalar_style(tok);
        back = s == FYSS_SINGLE_QUOTED || s == FYSS_DOUBLE_QUOTED;
    }
    if (back && *col > 1)
        (*col)--;
}
