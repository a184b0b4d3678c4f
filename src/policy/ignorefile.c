/* The ignore file (YAML, read with libfyaml's event parser). The schema is flat, so events
 * are consumed by a small recursive descent whose depth the schema bounds; any collection
 * deeper than an entry's value is rejected when it opens, and aliases are rejected outright,
 * so neither deep nesting nor alias expansion ("billion laughs") can cost more than a linear
 * pass over a bounded file. */
#include "policy/ignorefile.h"

#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct yp {
    struct fy_parser *parser;
    struct fy_diag *diag;
    struct fy_event *ev;
    const char *name;
    struct strata_error *err;
    int line, col; /* position of the current event (1-based), the last known when absent */
    struct ignore_list *out;
    char text[IGNOREFILE_MAX_TEXT + 2];
};

static int yp_error(struct yp *y, int code, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int yp_error(struct yp *y, int code, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return strata_error_set(y->err, code, "%s:%d:%d: %s", y->name, line, col, msg);
}

/* The 1-based position of an event. libfyaml marks quoted scalars after the opening quote and
 * aliases after the '*'; report the first character instead. */
static void mark_of(struct fy_event *ev, int *line, int *col)
{
    const struct fy_mark *m = fy_event_start_mark(ev);
    if (m == NULL || m->line < 0 || m->column < 0)
        return;
    *line = m->line + 1;
    *col = m->column + 1;
    int back = ev->type == FYET_ALIAS;
    if (ev->type == FYET_SCALAR) {
        enum fy_scalar_style s = fy_token_scalar_style(ev->scalar.value);
        back = s == FYSS_SINGLE_QUOTED || s == FYSS_DOUBLE_QUOTED;
    }
    if (back && *col > 1)
        (*col)--;
}

static void diag_sink(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

/* Advances to the next event; a parse error becomes the libfyaml message at its position. */
static int yp_next(struct yp *y)
{
    if (y->ev != NULL) {
        fy_parser_event_free(y->parser, y->ev);
        y->ev = NULL;
    }
    y->ev = fy_parser_parse(y->parser);
    if (y->ev != NULL) {
        mark_of(y->ev, &y->line, &y->col);
        return 0;
    }
    void *it = NULL;
    struct fy_diag_error *de;
    while ((de = fy_diag_errors_iterate(y->diag, &it)) != NULL) {
        if (de->type != FYET_ERROR)
            continue;
        int line = de->line > 0 ? de->line : y->line;
        int col = de->column > 0 ? de->column : y->col;
        return yp_error(y, STRATA_EFORMAT, line, col, "invalid YAML: %s",
                        de->msg ? de->msg : "syntax error");
    }
    if (fy_parser_get_stream_error(y->parser))
        return yp_error(y, STRATA_EFORMAT, y->line, y->col, "invalid YAML");
    return yp_error(y, STRATA_EFORMAT, y->line, y->col, "unexpected end of YAML input");
}

static const char *ev_kind(enum fy_event_type t)
{
    switch (t) {
    case FYET_MAPPING_START:
        return "a mapping";
    case FYET_SEQUENCE_START:
        return "a sequence";
    case FYET_SCALAR:
        return "a scalar";
    case FYET_ALIAS:
        return "an alias";
    default:
        return "the end of a collection";
    }
}

static int reject_alias(struct yp *y)
{
    return yp_error(y, STRATA_EFORMAT, y->line, y->col,
                    "YAML aliases (*name) are not supported in ignore files");
}

/* The scalar text of the current event, copied into y->text (at most IGNOREFILE_MAX_TEXT + 1
 * bytes: callers report longer values by their length); *is_null for plain null/~/empty.
 * The text is read with a token iterator: fy_token_get_text() caches it in the token, and
 * libfyaml 0.7 leaks that cache when the parse fails later. */
static int scalar_text(struct yp *y, const char **text, size_t *len, int *is_null)
{
    struct fy_token *tok = y->ev->scalar.value;
    struct fy_token_iter *it = fy_token_iter_create(tok);
    if (it == NULL)
        return strata_error_nomem(y->err);
    const struct fy_iter_chunk *c = NULL;
    int ierr = 0;
    size_t n = 0;
    while (n <= IGNOREFILE_MAX_TEXT && (c = fy_token_iter_chunk_next(it, c, &ierr)) != NULL) {
        size_t take = c->len;
        if (take > IGNOREFILE_MAX_TEXT + 1 - n)
            take = IGNOREFILE_MAX_TEXT + 1 - n;
        memcpy(y->text + n, c->str, take);
        n += take;
    }
    fy_token_iter_destroy(it);
    if (ierr != 0)
        return yp_error(y, STRATA_EFORMAT, y->line, y->col, "cannot read a scalar");
    y->text[n] = '\0';
    *text = y->text;
    *len = n;
    *is_null = 0;
    if (fy_token_scalar_style(tok) == FYSS_PLAIN) {
        static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
        for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
            if (n == strlen(nulls[i]) && memcmp(y->text, nulls[i], n) == 0)
                *is_null = 1;
    }
    return 0;
}

enum { K_ID, K_PACKAGE, K_REASON, K_EXPIRES, K_COUNT };
static const char *const key_names[K_COUNT] = {"id", "package", "reason", "expires"};

static int parse_entry(struct yp *y)
{
    struct ignore_entry e = {0};
    e.line = y->line;
    e.column = y->col;
    int seen[K_COUNT] = {0};
    int rc;
    for (;;) {
        if ((rc = yp_next(y)) != 0)
            goto fail;
        enum fy_event_type t = y->ev->type;
        if (t == FYET_MAPPING_END)
            break;
        if (t == FYET_ALIAS) {
            rc = reject_alias(y);
            goto fail;
        }
        if (t != FYET_SCALAR) {
            rc = yp_error(y, STRATA_EFORMAT, y->line, y->col,
                          "ignore entry keys must be strings, found %s", ev_kind(t));
            goto fail;
        }
        const char *kt;
        size_t kl;
        int knull;
        if ((rc = scalar_text(y, &kt, &kl, &knull)) != 0)
            goto fail;
        int k = K_COUNT;
        for (int i = 0; i < K_COUNT; i++)
            if (kl == strlen(key_names[i]) && memcmp(kt, key_names[i], kl) == 0)
                k = i;
        int kline = y->line, kcol = y->col;
        if (k == K_COUNT) {
            if (kl <= 64 && policy_text_clean(kt, kl) && memchr(kt, '\n', kl) == NULL)
                rc = yp_error(y, STRATA_EFORMAT, kline, kcol,
                              "unknown key \"%.*s\" (expected id, package, reason, expires)",
                              (int)kl, kt);
            else
                rc = yp_error(y, STRATA_EFORMAT, kline, kcol,
                              "unknown key (expected id, package, reason, expires)");
            goto fail;
        }
        if (seen[k]) {
            rc = yp_error(y, STRATA_EFORMAT, kline, kcol, "duplicate key \"%s\"", key_names[k]);
            goto fail;
        }
        seen[k] = 1;
        if ((rc = yp_next(y)) != 0)
            goto fail;
        t = y->ev->type;
        if (t == FYET_ALIAS) {
            rc = reject_alias(y);
            goto fail;
        }
        if (t != FYET_SCALAR) {
            rc = yp_error(y, STRATA_EFORMAT, y->line, y->col, "%s must be a string, not %s",
                          key_names[k], ev_kind(t));
            goto fail;
        }
        const char *vt;
        size_t vl;
        int vnull;
        if ((rc = scalar_text(y, &vt, &vl, &vnull)) != 0)
            goto fail;
        int vline = kline, vcol = kcol;
        mark_of(y->ev, &vline, &vcol);
        if (vnull) {
            if (k == K_ID) {
                rc = yp_error(y, STRATA_EFORMAT, vline, vcol, "id must not be empty");
                goto fail;
            }
            continue;
        }
        if (vl > IGNOREFILE_MAX_TEXT) {
            rc = yp_error(y, STRATA_ELIMIT, vline, vcol, "%s is longer than %u bytes", key_names[k],
                          IGNOREFILE_MAX_TEXT);
            goto fail;
        }
        if (!policy_text_clean(vt, vl) || (k != K_REASON && memchr(vt, '\n', vl) != NULL)) {
            rc = yp_error(y, STRATA_EFORMAT, vline, vcol, "%s contains control characters",
                          key_names[k]);
            goto fail;
        }
        if (k == K_EXPIRES) {
            if (policy_parse_date(vt, vl, &e.expires) != 0) {
                if (vl <= 64)
                    rc = yp_error(y, STRATA_EFORMAT, vline, vcol,
                                  "expires: \"%.*s\" is not a date of the form YYYY-MM-DD", (int)vl,
                                  vt);
                else
                    rc = yp_error(y, STRATA_EFORMAT, vline, vcol,
                                  "expires: not a date of the form YYYY-MM-DD");
                goto fail;
            }
            continue;
        }
        if (vl == 0 && k != K_REASON) {
            rc = yp_error(y, STRATA_EFORMAT, vline, vcol, "%s must not be empty", key_names[k]);
            goto fail;
        }
        char *s = strndup(vt, vl);
        if (s == NULL) {
            rc = strata_error_nomem(y->err);
            goto fail;
        }
        char **slot = k == K_ID ? &e.id : k == K_PACKAGE ? &e.package : &e.reason;
        *slot = s;
    }
    if (e.id == NULL) {
        rc = yp_error(y, STRATA_EFORMAT, e.line, e.column, "ignore entry has no id");
        goto fail;
    }
    struct ignore_list *l = y->out;
    if (l->n >= IGNOREFILE_MAX_ENTRIES) {
        rc = yp_error(y, STRATA_ELIMIT, e.line, e.column, "more than %u ignore entries",
                      IGNOREFILE_MAX_ENTRIES);
        goto fail;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct ignore_entry *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            rc = strata_error_nomem(y->err);
            goto fail;
        }
        l->v = v;
        l->cap = cap;
    }
    if (policy_id_index_add(&l->by_id, e.id, l->n) != 0) {
        rc = strata_error_nomem(y->err);
        goto fail;
    }
    l->v[l->n++] = e;
    return 0;
fail:
    free(e.id);
    free(e.package);
    free(e.reason);
    return rc;
}

static int parse_sequence(struct yp *y)
{
    for (;;) {
        int rc = yp_next(y);
        if (rc != 0)
            return rc;
        enum fy_event_type t = y->ev->type;
        if (t == FYET_SEQUENCE_END)
            return 0;
        if (t == FYET_ALIAS)
            return reject_alias(y);
        if (t != FYET_MAPPING_START)
            return yp_error(y, STRATA_EFORMAT, y->line, y->col,
                            "an ignore entry must be a mapping with id (and package, reason, "
                            "expires), found %s",
                            ev_kind(t));
        if ((rc = parse_entry(y)) != 0)
            return rc;
    }
}

static int parse_root(struct yp *y)
{
    enum fy_event_type t = y->ev->type;
    int is_null, rc;
    const char *txt;
    size_t len;
    switch (t) {
    case FYET_SEQUENCE_START:
        return parse_sequence(y);
    case FYET_ALIAS:
        return reject_alias(y);
    case FYET_SCALAR:
        if ((rc = scalar_text(y, &txt, &len, &is_null)) != 0)
            return rc;
        if (is_null)
            return 0;
        return yp_error(y, STRATA_EFORMAT, y->line, y->col,
                        "expected a sequence of ignore entries (or a mapping with key "
                        "\"ignore\"), found a scalar");
    case FYET_MAPPING_START:
        break;
    default:
        return yp_error(y, STRATA_EFORMAT, y->line, y->col, "unexpected %s", ev_kind(t));
    }
    int seen = 0;
    for (;;) {
        if ((rc = yp_next(y)) != 0)
            return rc;
        t = y->ev->type;
        if (t == FYET_MAPPING_END)
            return 0;
        if (t == FYET_ALIAS)
            return reject_alias(y);
        if (t != FYET_SCALAR)
            return yp_error(y, STRATA_EFORMAT, y->line, y->col,
                            "top-level keys must be strings, found %s", ev_kind(t));
        if ((rc = scalar_text(y, &txt, &len, &is_null)) != 0)
            return rc;
        if (len != 6 || memcmp(txt, "ignore", 6) != 0) {
            if (len <= 64 && policy_text_clean(txt, len) && memchr(txt, '\n', len) == NULL)
                return yp_error(y, STRATA_EFORMAT, y->line, y->col,
                                "unknown top-level key \"%.*s\" (expected ignore)", (int)len, txt);
            return yp_error(y, STRATA_EFORMAT, y->line, y->col,
                            "unknown top-level key (expected ignore)");
        }
        if (seen)
            return yp_error(y, STRATA_EFORMAT, y->line, y->col, "duplicate key \"ignore\"");
        seen = 1;
        if ((rc = yp_next(y)) != 0)
            return rc;
        t = y->ev->type;
        if (t == FYET_SEQUENCE_START) {
            if ((rc = parse_sequence(y)) != 0)
                return rc;
        } else if (t == FYET_ALIAS) {
            return reject_alias(y);
        } else if (t == FYET_SCALAR) {
            if ((rc = scalar_text(y, &txt, &len, &is_null)) != 0)
                return rc;
            if (!is_null)
                return yp_error(y, STRATA_EFORMAT, y->line, y->col,
                                "ignore must be a sequence of entries, found a scalar");
        } else {
            return yp_error(y, STRATA_EFORMAT, y->line, y->col,
                            "ignore must be a sequence of entries, found %s", ev_kind(t));
        }
    }
}

static int parse_stream(struct yp *y)
{
    int rc;
    if ((rc = yp_next(y)) != 0)
        return rc;
    if (y->ev->type != FYET_STREAM_START)
        return yp_error(y, STRATA_EFORMAT, y->line, y->col, "invalid YAML stream");
    if ((rc = yp_next(y)) != 0)
        return rc;
    if (y->ev->type == FYET_STREAM_END)
        return 0; /* empty file, or comments only */
    if (y->ev->type != FYET_DOCUMENT_START)
        return yp_error(y, STRATA_EFORMAT, y->line, y->col, "invalid YAML stream");
    if ((rc = yp_next(y)) != 0)
        return rc;
    if ((rc = parse_root(y)) != 0)
        return rc;
    if ((rc = yp_next(y)) != 0)
        return rc;
    if (y->ev->type != FYET_DOCUMENT_END)
        return yp_error(y, STRATA_EFORMAT, y->line, y->col, "unexpected %s after the entries",
                        ev_kind(y->ev->type));
    if ((rc = yp_next(y)) != 0)
        return rc;
    if (y->ev->type != FYET_STREAM_END)
        return yp_error(y, STRATA_EFORMAT, y->line, y->col,
                        "only one YAML document is allowed in an ignore file");
    return 0;
}

void ignore_list_free(struct ignore_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].id);
        free(l->v[i].package);
        free(l->v[i].reason);
    }
    free(l->v);
    free(l->name);
    policy_id_index_release(&l->by_id);
    memset(l, 0, sizeof *l);
}

int ignorefile_parse(const char *data, size_t len, const char *name, struct ignore_list *out,
                     struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (len > IGNOREFILE_MAX_BYTES)
        return strata_error_set(err, STRATA_ELIMIT, "%s: file is larger than the limit of %u bytes",
                                name, IGNOREFILE_MAX_BYTES);
    size_t bad;
    int line, col;
    if (!policy_utf8_valid(data, len, &bad)) {
        policy_line_col(data, bad, &line, &col);
        return strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: invalid UTF-8", name, line, col);
    }
    const char *nul = memchr(data, '\0', len);
    if (nul != NULL) {
        policy_line_col(data, (size_t)(nul - data), &line, &col);
        return strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: NUL byte in YAML input", name, line,
                                col);
    }
    out->name = strdup(name);
    if (out->name == NULL)
        return strata_error_nomem(err);

    struct yp y = {.name = name, .err = err, .line = 1, .col = 1, .out = out};
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = diag_sink;
    dc.colorize = false;
    y.diag = fy_diag_create(&dc);
    if (y.diag == NULL) {
        ignore_list_free(out);
        return strata_error_nomem(err);
    }
    fy_diag_set_collect_errors(y.diag, true);
    struct fy_parse_cfg pc = {0};
    pc.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE;
    pc.diag = y.diag;
    y.parser = fy_parser_create(&pc);
    int rc;
    if (y.parser == NULL) {
        rc = strata_error_nomem(err);
    } else if (fy_parser_set_string(y.parser, len ? data : "", len) != 0) {
        rc = strata_error_set(err, STRATA_EINTERNAL, "%s: cannot start the YAML parser", name);
    } else {
        rc = parse_stream(&y);
    }
    if (y.ev != NULL)
        fy_parser_event_free(y.parser, y.ev);
    if (y.parser != NULL)
        fy_parser_destroy(y.parser);
    fy_diag_destroy(y.diag);
    if (rc != 0) {
        ignore_list_free(out);
        return rc;
    }
    policy_id_index_sort(&out->by_id);
    return 0;
}

int ignorefile_load(const char *path, struct ignore_list *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    char *data;
    size_t len;
    int rc = policy_read_file(path, IGNOREFILE_MAX_BYTES, &data, &len, err);
    if (rc != 0)
        return rc;
    rc = ignorefile_parse(data, len, path, out, err);
    free(data);
    return rc;
}

int ignore_entry_matches(const struct ignore_entry *e, const struct strata_vulnerability *v)
{
    int id = policy_ascii_ieq(e->id, v->id);
    for (size_t i = 0; !id && i < v->n_aliases; i++)
        id = policy_ascii_ieq(e->id, v->aliases[i]);
    if (!id)
        return 0;
    if (e->package == NULL)
        return 1;
    return (v->package_name != NULL && strcmp(e->package, v->package_name) == 0) ||
           (v->source_name != NULL && strcmp(e->package, v->source_name) == 0);
}

static void consider(const struct ignore_list *l, const char *id,
                     const struct strata_vulnerability *v, int32_t today, size_t *best)
{
    if (id == NULL)
        return;
    const struct policy_id_ref *refs;
    size_t n = policy_id_index_find(&l->by_id, id, &refs);
    for (size_t i = 0; i < n; i++) {
        size_t k = refs[i].item;
        if (k >= *best)
            break; /* refs are sorted by entry number */
        const struct ignore_entry *e = &l->v[k];
        if (e->expires != 0 && today > e->expires)
            continue;
        if (ignore_entry_matches(e, v))
            *best = k;
    }
}

const struct ignore_entry *ignore_list_find(const struct ignore_list *l,
                                            const struct strata_vulnerability *v, int32_t today)
{
    size_t best = (size_t)-1;
    consider(l, v->id, v, today, &best);
    for (size_t i = 0; i < v->n_aliases; i++)
        consider(l, v->aliases[i], v, today, &best);
    return best == (size_t)-1 ? NULL : &l->v[best];
}
