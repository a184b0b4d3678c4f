/* The YAML tree of the Kubernetes checks: libfyaml events in, a bounded tree out. See
 * k8s_yaml.h for why events and not libfyaml's document builder. */
#include "checks/k8s_yaml.h"

#include <libfyaml.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/config.h"
#include "core/arena.h"
#include "core/input_size.h"
#include "core/yaml_guard.h"
#include "core/lines.h"
#include "core/strmap.h"

#define SIZE_CAP ((size_t)1 << 48) /* expanded sizes saturate here */

/* A collection being built: its node and the children seen so far (reused buffers). */
struct frame {
    struct ky_node *node;
    struct ky_node **kids;
    size_t n, cap;
};

struct ky_stream {
    const char *path;
    const char *data;
    size_t len;
    struct fy_diag *diag;
    struct fy_parser *parser;
    struct arena arena;    /* the current document's nodes and decoded texts */
    struct strmap anchors; /* anchor name -> node, the latest definition */
    struct frame frames[CONFIG_MAX_DEPTH + 1];
    int depth;          /* open collections */
    size_t doc_index;   /* documents started */
    size_t nodes;       /* nodes of the current document */
    size_t alias_nodes; /* what the file's aliases stand for, expanded */
    uint32_t line, col; /* last known position, for errors without one */
    uint32_t *dupset;   /* open-addressing set of pair indices for duplicate keys */
    size_t dupcap;
    int done;
};

static int ky_error(struct ky_stream *s, struct strata_error *err, int code, uint32_t line,
                    uint32_t col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int ky_error(struct ky_stream *s, struct strata_error *err, int code, uint32_t line,
                    uint32_t col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return strata_error_set(err, code, "%s:%u:%u: %s", s->path, line ? line : 1, col ? col : 1,
                            msg);
}

static void diag_sink(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

int ky_open(struct ky_stream **out, const char *path, const char *data, size_t len,
            struct strata_error *err)
{
    *out = NULL;
    int rc = input_size_check(path, len, CONFIG_MAX_FILE, err);
    if (rc != 0)
        return rc;
    /* NUL bytes and directives (libfyaml 0.7.12 can loop forever on a malformed one) */
    rc = yaml_guard(path, data, len, err);
    if (rc != 0)
        return rc;
    struct ky_stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        return strata_error_nomem(err);
    s->path = path;
    s->data = data;
    s->len = len;
    s->line = s->col = 1;
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = diag_sink;
    dc.colorize = false;
    s->diag = fy_diag_create(&dc);
    if (s->diag == NULL) {
        free(s);
        return strata_error_nomem(err);
    }
    fy_diag_set_collect_errors(s->diag, true);
    struct fy_parse_cfg pc = {0};
    pc.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE;
    pc.diag = s->diag;
    s->parser = fy_parser_create(&pc);
    if (s->parser == NULL) {
        ky_close(s);
        return strata_error_nomem(err);
    }
    if (fy_parser_set_string(s->parser, len ? data : "", len) != 0) {
        ky_close(s);
        return strata_error_set(err, STRATA_EINTERNAL, "%s: cannot start the YAML parser", path);
    }
    *out = s;
    return 0;
}

void ky_close(struct ky_stream *s)
{
    if (s == NULL)
        return;
    if (s->parser)
        fy_parser_destroy(s->parser);
    if (s->diag)
        fy_diag_destroy(s->diag);
    for (size_t i = 0; i < sizeof s->frames / sizeof s->frames[0]; i++)
        free(s->frames[i].kids);
    free(s->dupset);
    strmap_release(&s->anchors);
    arena_release(&s->arena);
    free(s);
}

size_t ky_document_index(const struct ky_stream *s)
{
    return s->doc_index;
}

/* ---- building ---- */

static void mark_pos(const struct fy_mark *m, uint32_t *line, uint32_t *col)
{
    if (m != NULL && m->line >= 0 && m->column >= 0) {
        *line = (uint32_t)m->line + 1;
        *col = (uint32_t)m->column + 1;
    }
}

static int parse_error(struct ky_stream *s, struct strata_error *err)
{
    void *it = NULL;
    struct fy_diag_error *de;
    while ((de = fy_diag_errors_iterate(s->diag, &it)) != NULL) {
        if (de->type != FYET_ERROR)
            continue;
        return ky_error(s, err, STRATA_EFORMAT, de->line > 0 ? (uint32_t)de->line : s->line,
                        de->column > 0 ? (uint32_t)de->column : s->col, "invalid YAML: %s",
                        de->msg ? de->msg : "syntax error");
    }
    return ky_error(s, err, STRATA_EFORMAT, s->line, s->col, "invalid YAML");
}

/* The raw bytes of a token: libfyaml's marks are offsets into our own input. */
static int token_raw(const struct ky_stream *s, struct fy_token *t, const char **p, size_t *n)
{
    const struct fy_mark *a = t ? fy_token_start_mark(t) : NULL;
    const struct fy_mark *b = t ? fy_token_end_mark(t) : NULL;
    if (a == NULL || b == NULL || a->input_pos > b->input_pos || b->input_pos > s->len)
        return -1;
    *p = s->data + a->input_pos;
    *n = b->input_pos - a->input_pos;
    return 0;
}

/* A scalar's text. Single-line plain scalars and quoted ones without escapes are their raw
 * bytes; anything else is read through a token iterator into the arena (fy_token_get_text
 * caches the text in the token and libfyaml 0.7 leaks that cache, and fy_node_get_scalar
 * leaks for escapes). */
static int scalar_text(struct ky_stream *s, struct fy_token *tok, struct ky_node *n,
                       struct strata_error *err)
{
    enum fy_scalar_style st = fy_token_scalar_style(tok);
    n->style = st == FYSS_PLAIN                                         ? KY_PLAIN
               : (st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED) ? KY_QUOTED
                                                                        : KY_BLOCK;
    const char *raw;
    size_t rn;
    if (n->style != KY_BLOCK && token_raw(s, tok, &raw, &rn) == 0 && !memchr(raw, '\n', rn) &&
        !memchr(raw, '\r', rn) &&
        (st == FYSS_PLAIN || (st == FYSS_SINGLE_QUOTED && !memchr(raw, '\'', rn)) ||
         (st == FYSS_DOUBLE_QUOTED && !memchr(raw, '\\', rn)))) {
        n->text = raw;
        n->len = (uint32_t)rn;
        return 0;
    }
    struct fy_token_iter *it = fy_token_iter_create(tok);
    if (it == NULL)
        return strata_error_nomem(err);
    /* Two passes: the length, then the bytes, so the arena holds one block. */
    size_t total = 0;
    const struct fy_iter_chunk *c = NULL;
    int ierr = 0;
    while ((c = fy_token_iter_chunk_next(it, c, &ierr)) != NULL)
        total += c->len;
    fy_token_iter_destroy(it);
    if (ierr != 0 || total > CONFIG_MAX_FILE * 4u)
        return ky_error(s, err, STRATA_EFORMAT, n->line, n->col, "cannot read a scalar");
    char *buf = arena_alloc(&s->arena, total + 1);
    if (buf == NULL)
        return strata_error_nomem(err);
    it = fy_token_iter_create(tok);
    if (it == NULL)
        return strata_error_nomem(err);
    size_t off = 0;
    c = NULL;
    while ((c = fy_token_iter_chunk_next(it, c, &ierr)) != NULL && off + c->len <= total) {
        memcpy(buf + off, c->str, c->len);
        off += c->len;
    }
    fy_token_iter_destroy(it);
    buf[off] = '\0';
    /* A "\0" escape is a NUL inside the text; nothing Kubernetes reads has one. */
    if (memchr(buf, '\0', off) != NULL)
        return ky_error(s, err, STRATA_EFORMAT, n->line, n->col, "NUL character in a scalar");
    n->text = buf;
    n->len = (uint32_t)off;
    return 0;
}

static uint8_t tag_of(const struct ky_stream *s, struct fy_token *tag)
{
    const char *p;
    size_t n;
    if (tag == NULL || token_raw(s, tag, &p, &n) != 0)
        return KY_TAG_NONE;
    static const struct {
        const char *name;
        uint8_t tag;
    } core[] = {{"str", KY_TAG_STR},
                {"bool", KY_TAG_BOOL},
                {"int", KY_TAG_INT},
                {"float", KY_TAG_FLOAT},
                {"null", KY_TAG_NULL}};
    const char *suffix = NULL;
    size_t sn = 0;
    if (n >= 2 && memcmp(p, "!!", 2) == 0) {
        suffix = p + 2;
        sn = n - 2;
    } else if (n > 23 && memcmp(p, "!<tag:yaml.org,2002:", 20) == 0 && p[n - 1] == '>') {
        suffix = p + 20;
        sn = n - 21;
    } else if (n == 1 && p[0] == '!') {
        return KY_TAG_STR; /* the non-specific tag makes a scalar a string */
    }
    for (size_t i = 0; suffix && i < sizeof core / sizeof core[0]; i++)
        if (strlen(core[i].name) == sn && memcmp(core[i].name, suffix, sn) == 0)
            return core[i].tag;
    return KY_TAG_NONE;
}

static struct ky_node *new_node(struct ky_stream *s, uint8_t type, struct fy_event *ev,
                                struct strata_error *err)
{
    if (++s->nodes > K8S_MAX_NODES) {
        ky_error(s, err, STRATA_ELIMIT, s->line, s->col, "document %zu has more than %u YAML nodes",
                 s->doc_index, K8S_MAX_NODES);
        return NULL;
    }
    struct ky_node *n = arena_alloc(&s->arena, sizeof *n);
    if (n == NULL) {
        strata_error_nomem(err);
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = type;
    n->line = s->line;
    n->col = s->col;
    mark_pos(fy_event_start_mark(ev), &n->line, &n->col);
    s->line = n->line;
    s->col = n->col;
    return n;
}

static int define_anchor(struct ky_stream *s, struct fy_token *anchor, struct ky_node *n,
                         struct strata_error *err)
{
    const char *p;
    size_t len;
    if (anchor == NULL || token_raw(s, anchor, &p, &len) != 0)
        return 0;
    char *name = arena_strndup(&s->arena, p, len);
    if (name == NULL || strmap_put(&s->anchors, name, n) != 0)
        return strata_error_nomem(err);
    return 0;
}

static int frame_add(struct frame *f, struct ky_node *n, struct strata_error *err)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct ky_node **k = realloc(f->kids, cap * sizeof *k);
        if (k == NULL)
            return strata_error_nomem(err);
        f->kids = k;
        f->cap = cap;
    }
    f->kids[f->n++] = n;
    return 0;
}

static size_t size_add(size_t a, size_t b)
{
    return a > SIZE_CAP - b ? SIZE_CAP : a + b;
}

static int is_merge_key(const struct ky_node *k)
{
    return k->type == KY_SCALAR && k->style == KY_PLAIN && k->tag == KY_TAG_NONE && k->len == 2 &&
           memcmp(k->text, "<<", 2) == 0;
}

static uint64_t key_hash(const struct ky_node *k)
{
    uint64_t h = 1469598103934665603ull;
    for (uint32_t i = 0; i < k->len; i++)
        h = (h ^ (unsigned char)k->text[i]) * 1099511628211ull;
    return h;
}

static int same_key(const struct ky_node *a, const struct ky_node *b)
{
    return a->type == KY_SCALAR && b->type == KY_SCALAR && a->len == b->len &&
           memcmp(a->text, b->text, a->len) == 0;
}

/* Duplicate scalar keys are refused (kubectl's strict decoding refuses them too, and a
 * checker reading the first while the API server keeps the last would be fooled). */
static int check_duplicates(struct ky_stream *s, struct ky_node **kids, size_t pairs,
                            struct strata_error *err)
{
    const struct ky_node *dup = NULL, *first = NULL;
    if (pairs <= 8) {
        for (size_t i = 1; i < pairs && !dup; i++)
            for (size_t j = 0; j < i; j++)
                if (same_key(kids[2 * i], kids[2 * j])) {
                    dup = kids[2 * i];
                    first = kids[2 * j];
                    break;
                }
    } else {
        size_t cap = 16;
        while (cap < pairs * 2)
            cap *= 2;
        if (cap > s->dupcap) {
            uint32_t *set = realloc(s->dupset, cap * sizeof *set);
            if (set == NULL)
                return strata_error_nomem(err);
            s->dupset = set;
            s->dupcap = cap;
        }
        memset(s->dupset, 0xff, cap * sizeof *s->dupset);
        for (size_t i = 0; i < pairs && !dup; i++) {
            const struct ky_node *k = kids[2 * i];
            if (k->type != KY_SCALAR)
                continue;
            size_t h = (size_t)key_hash(k) & (cap - 1);
            while (s->dupset[h] != UINT32_MAX) {
                if (same_key(kids[2 * (size_t)s->dupset[h]], k)) {
                    dup = k;
                    first = kids[2 * (size_t)s->dupset[h]];
                    break;
                }
                h = (h + 1) & (cap - 1);
            }
            if (!dup)
                s->dupset[h] = (uint32_t)i;
        }
    }
    if (dup == NULL)
        return 0;
    char shown[80];
    return ky_error(s, err, STRATA_EFORMAT, dup->line, dup->col,
                    "duplicate key %s (first at line %u)", ky_show(dup, shown, sizeof shown),
                    first->line);
}

/* go-yaml refuses a merge of anything but a mapping or a sequence of mappings. */
static int check_merges(struct ky_stream *s, struct ky_node *map, struct strata_error *err)
{
    unsigned depth = 0;
    for (uint32_t i = 0; i < map->n; i++) {
        const struct ky_node *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
        if (!is_merge_key(k))
            continue;
        int ok = v->type == KY_MAP;
        if (ok && v->merge_depth > depth)
            depth = v->merge_depth;
        if (v->type == KY_SEQ) {
            ok = 1;
            for (uint32_t j = 0; j < v->n; j++) {
                if (v->kids[j]->type != KY_MAP)
                    ok = 0;
                else if (v->kids[j]->merge_depth > depth)
                    depth = v->kids[j]->merge_depth;
            }
        }
        if (!ok)
            return ky_error(s, err, STRATA_EFORMAT, k->line, k->col,
                            "a merge key (<<) needs a mapping or a sequence of mappings");
        if (depth + 1 > K8S_MAX_MERGE_DEPTH)
            return ky_error(s, err, STRATA_ELIMIT, k->line, k->col,
                            "merge keys (<<) nested more than %d deep", K8S_MAX_MERGE_DEPTH);
        if (map->merge_depth < depth + 1)
            map->merge_depth = (uint8_t)(depth + 1);
    }
    return 0;
}

static int close_collection(struct ky_stream *s, struct ky_node **out, struct strata_error *err)
{
    struct frame *f = &s->frames[--s->depth];
    struct ky_node *n = f->node;
    if (f->n) {
        n->kids = arena_alloc(&s->arena, f->n * sizeof *n->kids);
        if (n->kids == NULL)
            return strata_error_nomem(err);
        memcpy(n->kids, f->kids, f->n * sizeof *n->kids);
    }
    size_t size = 1;
    for (size_t i = 0; i < f->n; i++)
        size = size_add(size, f->kids[i]->size);
    n->size = size;
    n->n = (uint32_t)(n->type == KY_MAP ? f->n / 2 : f->n);
    f->n = 0;
    f->node = NULL;
    if (n->type == KY_MAP) {
        int rc = check_duplicates(s, n->kids, n->n, err);
        if (rc == 0)
            rc = check_merges(s, n, err);
        if (rc != 0)
            return rc;
    }
    *out = n;
    return 0;
}

/* Hands a finished node to its parent, or makes it the document's root. */
static int attach(struct ky_stream *s, struct ky_node *n, struct ky_node **root,
                  struct strata_error *err)
{
    if (s->depth == 0) {
        *root = n;
        return 0;
    }
    return frame_add(&s->frames[s->depth - 1], n, err);
}

static int on_alias(struct ky_stream *s, struct fy_event *ev, struct ky_node **root,
                    struct strata_error *err)
{
    mark_pos(fy_event_start_mark(ev), &s->line, &s->col);
    if (s->col > 1)
        s->col--; /* libfyaml marks an alias after its '*' */
    const char *p;
    size_t n;
    if (token_raw(s, ev->alias.anchor, &p, &n) != 0)
        return ky_error(s, err, STRATA_EFORMAT, s->line, s->col, "unreadable alias");
    struct ky_node *target = strmap_getn(&s->anchors, p, n);
    char shown[64];
    snprintf(shown, sizeof shown, "%.*s", (int)(n > 40 ? 40 : n), p);
    /* YAML and go-yaml want the anchor before the alias; libfyaml would resolve a later one. */
    if (target == NULL)
        return ky_error(s, err, STRATA_EFORMAT, s->line, s->col, "unknown anchor '%s'", shown);
    if (target->size == 0)
        return ky_error(s, err, STRATA_EFORMAT, s->line, s->col,
                        "alias *%s refers to a collection containing it", shown);
    s->alias_nodes = size_add(s->alias_nodes, target->size);
    if (s->alias_nodes > K8S_MAX_ALIAS_NODES)
        return ky_error(s, err, STRATA_ELIMIT, s->line, s->col,
                        "aliases expand to more than %u YAML nodes", K8S_MAX_ALIAS_NODES);
    return attach(s, target, root, err);
}

static int on_event(struct ky_stream *s, struct fy_event *ev, struct ky_node **root,
                    struct strata_error *err)
{
    struct ky_node *n = NULL;
    int rc;
    switch (ev->type) {
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START: {
        int map = ev->type == FYET_MAPPING_START;
        if (s->depth >= CONFIG_MAX_DEPTH)
            return ky_error(s, err, STRATA_ELIMIT, s->line, s->col,
                            "YAML nested more than %d levels", CONFIG_MAX_DEPTH);
        if ((n = new_node(s, map ? KY_MAP : KY_SEQ, ev, err)) == NULL)
            return err->code;
        rc = define_anchor(s, map ? ev->mapping_start.anchor : ev->sequence_start.anchor, n, err);
        if (rc != 0)
            return rc;
        s->frames[s->depth].node = n;
        s->frames[s->depth].n = 0;
        s->depth++;
        return 0;
    }
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END:
        if (s->depth == 0)
            return ky_error(s, err, STRATA_EINTERNAL, s->line, s->col, "unbalanced YAML events");
        if ((rc = close_collection(s, &n, err)) != 0)
            return rc;
        return attach(s, n, root, err);
    case FYET_SCALAR:
        if ((n = new_node(s, KY_SCALAR, ev, err)) == NULL)
            return err->code;
        n->size = 1;
        n->tag = tag_of(s, ev->scalar.tag);
        {
            enum fy_scalar_style st = fy_token_scalar_style(ev->scalar.value);
            if ((st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED) && n->col > 1)
                n->col--; /* libfyaml marks a quoted scalar after its opening quote */
        }
        if ((rc = scalar_text(s, ev->scalar.value, n, err)) != 0)
            return rc;
        if ((rc = define_anchor(s, ev->scalar.anchor, n, err)) != 0)
            return rc;
        return attach(s, n, root, err);
    case FYET_ALIAS:
        return on_alias(s, ev, root, err);
    default:
        return 0;
    }
}

int ky_next(struct ky_stream *s, struct ky_node **root, struct strata_error *err)
{
    *root = NULL;
    if (s->done)
        return 0;
    arena_release(&s->arena);
    strmap_release(&s->anchors);
    s->nodes = 0;
    s->depth = 0;
    int in_doc = 0;
    for (;;) {
        struct fy_event *ev = fy_parser_parse(s->parser);
        if (ev == NULL) {
            s->done = 1;
            return parse_error(s, err);
        }
        int rc = 0;
        enum fy_event_type t = ev->type;
        if (t == FYET_STREAM_END) {
            s->done = 1;
        } else if (t == FYET_DOCUMENT_START) {
            in_doc = 1;
            mark_pos(fy_event_start_mark(ev), &s->line, &s->col);
            if (++s->doc_index > CONFIG_MAX_DOCUMENTS)
                rc = ky_error(s, err, STRATA_ELIMIT, s->line, s->col, "more than %d YAML documents",
                              CONFIG_MAX_DOCUMENTS);
        } else if (t != FYET_DOCUMENT_END && t != FYET_STREAM_START) {
            rc = on_event(s, ev, root, err);
        }
        fy_parser_event_free(s->parser, ev);
        if (rc != 0) {
            s->done = 1;
            return rc;
        }
        if (t == FYET_STREAM_END)
            return 0;
        if (t == FYET_DOCUMENT_END && in_doc)
            return 1;
    }
}

/* ---- reading ---- */

int ky_is_map(const struct ky_node *n)
{
    return n != NULL && n->type == KY_MAP;
}

int ky_is_seq(const struct ky_node *n)
{
    return n != NULL && n->type == KY_SEQ;
}

int ky_is_scalar(const struct ky_node *n)
{
    return n != NULL && n->type == KY_SCALAR;
}

static int text_is(const struct ky_node *n, const char *s)
{
    size_t l = strlen(s);
    return n->len == l && memcmp(n->text, s, l) == 0;
}

static int text_in(const struct ky_node *n, const char *const *set)
{
    for (; *set; set++)
        if (text_is(n, *set))
            return 1;
    return 0;
}

/* Scalars typed by their text: plain ones without a tag, or any with the matching tag. */
static int typed_as(const struct ky_node *n, uint8_t tag)
{
    if (n->tag != KY_TAG_NONE)
        return n->tag == tag;
    return n->style == KY_PLAIN;
}

int ky_is_null(const struct ky_node *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    if (n == NULL)
        return 1;
    if (n->type != KY_SCALAR)
        return 0;
    if (n->tag == KY_TAG_NULL)
        return 1;
    return n->tag == KY_TAG_NONE && n->style == KY_PLAIN && text_in(n, nulls);
}

int ky_eq(const struct ky_node *n, const char *s)
{
    return n != NULL && n->type == KY_SCALAR && text_is(n, s);
}

int ky_bool(const struct ky_node *n)
{
    static const char *const yes[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                      "True", "TRUE", "on",  "On",  "ON",  NULL};
    static const char *const no[] = {"n",     "N",     "no",  "No",  "NO",  "false",
                                     "False", "FALSE", "off", "Off", "OFF", NULL};
    if (n == NULL || n->type != KY_SCALAR || !typed_as(n, KY_TAG_BOOL))
        return -1;
    if (text_in(n, yes))
        return 1;
    if (text_in(n, no))
        return 0;
    return -1;
}

/* Go's strconv.ParseInt(s, 0, 64) on the text without '_'. */
static int parse_go_int(const char *s, long long *v)
{
    int neg = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        s += 2;
    } else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
        base = 8;
        s += 2;
    } else if (s[0] == '0' && s[1] != '\0') {
        base = 8;
        s += 1;
    }
    if (*s == '\0')
        return -1;
    unsigned long long acc = 0;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (*s >= 'a' && *s <= 'z')
            d = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'Z')
            d = *s - 'A' + 10;
        else
            return -1;
        if (d >= base || acc > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
            return -1;
        acc = acc * (unsigned)base + (unsigned)d;
    }
    if ((!neg && acc > (unsigned long long)LLONG_MAX) ||
        (neg && acc > (unsigned long long)LLONG_MAX + 1))
        return -1;
    *v = neg ? (long long)(0 - acc) : (long long)acc;
    return 0;
}

/* go-yaml v2's float syntax: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int float_syntax(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    size_t digits = 0;
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9')
            s++, digits++;
        if (digits == 0)
            return 0;
    } else {
        while (*s >= '0' && *s <= '9')
            s++, digits++;
        if (digits == 0)
            return 0;
        if (*s == '.') {
            s++;
            while (*s >= '0' && *s <= '9')
                s++;
        }
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        size_t e = 0;
        while (*s >= '0' && *s <= '9')
            s++, e++;
        if (e == 0)
            return 0;
    }
    return *s == '\0';
}

int ky_int(const struct ky_node *n, long long *v)
{
    if (n == NULL || n->type != KY_SCALAR || n->len == 0 || n->len > 64)
        return -1;
    if (!(typed_as(n, KY_TAG_INT) || typed_as(n, KY_TAG_FLOAT)))
        return -1;
    char buf[72];
    size_t k = 0;
    for (uint32_t i = 0; i < n->len; i++)
        if (n->text[i] != '_')
            buf[k++] = n->text[i];
    buf[k] = '\0';
    if (parse_go_int(buf, v) == 0)
        return 0;
    if (!float_syntax(buf))
        return -1;
    /* A float that is a whole number becomes that integer on its way through JSON. */
    double d = strtod(buf, NULL);
    if (!isfinite(d) || d != floor(d) || fabs(d) >= 9.2e18)
        return -1;
    *v = (long long)d;
    return 0;
}

/* Does the lookup of key in map (and what it merges) set a value? go-yaml v2 applies pairs
 * in order, a merge writing the merged mapping's pairs, so the last write wins. */
static struct ky_node *lookup(const struct ky_node *map, const char *key, size_t kl,
                              struct ky_node **key_out)
{
    struct ky_node *found = NULL;
    for (uint32_t i = 0; i < map->n; i++) {
        struct ky_node *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
        if (map->merge_depth && is_merge_key(k)) {
            struct ky_node *kk = NULL, *r = NULL;
            if (v->type == KY_MAP) {
                r = lookup(v, key, kl, &kk);
            } else {
                /* earlier mappings of the sequence take precedence */
                for (uint32_t j = 0; j < v->n && r == NULL; j++)
                    r = lookup(v->kids[j], key, kl, &kk);
            }
            if (r != NULL) {
                found = r;
                *key_out = kk;
            }
        } else if (k->type == KY_SCALAR && k->len == kl && memcmp(k->text, key, kl) == 0) {
            found = v;
            *key_out = k;
        }
    }
    return found;
}

struct ky_node *ky_get_key(const struct ky_node *map, const char *key, struct ky_node **key_out)
{
    struct ky_node *k = NULL;
    struct ky_node *v = ky_is_map(map) ? lookup(map, key, strlen(key), &k) : NULL;
    if (key_out)
        *key_out = v ? k : NULL;
    return v;
}

struct ky_node *ky_get(const struct ky_node *map, const char *key)
{
    return ky_get_key(map, key, NULL);
}

/* The pairs of ky_map_pairs, with an open-addressing index of the scalar keys (entry + 1, 0
 * for a free slot) so that merging stays linear however many keys a merged mapping has. */
struct pairs {
    struct ky_pair *v;
    size_t n, cap;
    uint32_t *slot;
    size_t scap; /* a power of two, at least twice n */
};

static int pairs_rehash(struct pairs *p, size_t scap)
{
    uint32_t *s = calloc(scap, sizeof *s);
    if (s == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < p->n; i++) {
        if (p->v[i].key->type != KY_SCALAR)
            continue;
        size_t h = (size_t)key_hash(p->v[i].key) & (scap - 1);
        while (s[h] != 0)
            h = (h + 1) & (scap - 1);
        s[h] = (uint32_t)(i + 1);
    }
    free(p->slot);
    p->slot = s;
    p->scap = scap;
    return 0;
}

static int pairs_set(struct pairs *p, struct ky_node *k, struct ky_node *v)
{
    size_t h = 0;
    if (k->type == KY_SCALAR) {
        if ((p->n + 1) * 2 > p->scap && pairs_rehash(p, p->scap ? p->scap * 2 : 32) != 0)
            return STRATA_ENOMEM;
        h = (size_t)key_hash(k) & (p->scap - 1);
        while (p->slot[h] != 0) {
            struct ky_pair *e = &p->v[p->slot[h] - 1];
            if (same_key(e->key, k)) { /* a later write wins, the first position stays */
                e->key = k;
                e->value = v;
                return 0;
            }
            h = (h + 1) & (p->scap - 1);
        }
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct ky_pair *nv = realloc(p->v, cap * sizeof *nv);
        if (nv == NULL)
            return STRATA_ENOMEM;
        p->v = nv;
        p->cap = cap;
    }
    p->v[p->n++] = (struct ky_pair){k, v};
    if (k->type == KY_SCALAR)
        p->slot[h] = (uint32_t)p->n;
    return 0;
}

static int merge_into(struct pairs *p, const struct ky_node *map)
{
    for (uint32_t i = 0; i < map->n; i++) {
        struct ky_node *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
        int rc = 0;
        if (is_merge_key(k)) {
            if (v->type == KY_MAP) {
                rc = merge_into(p, v);
            } else {
                for (uint32_t j = v->n; j-- > 0 && rc == 0;)
                    rc = merge_into(p, v->kids[j]);
            }
        } else {
            rc = pairs_set(p, k, v);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

int ky_map_pairs(const struct ky_node *map, struct ky_pair **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!ky_is_map(map) || map->n == 0)
        return 0;
    struct pairs p = {0};
    int rc = 0;
    if (map->merge_depth == 0) {
        p.v = malloc(map->n * sizeof *p.v);
        if (p.v == NULL)
            return STRATA_ENOMEM;
        for (uint32_t i = 0; i < map->n; i++)
            p.v[i] = (struct ky_pair){map->kids[2 * i], map->kids[2 * i + 1]};
        p.n = map->n;
    } else {
        rc = merge_into(&p, map);
        free(p.slot);
    }
    if (rc != 0) {
        free(p.v);
        return rc;
    }
    *out = p.v;
    *n = p.n;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t l = s[0] < 0x80                   ? 1
               : s[0] >= 0xc2 && s[0] < 0xe0 ? 2
               : s[0] >= 0xe0 && s[0] < 0xf0 ? 3
               : s[0] >= 0xf0 && s[0] < 0xf5 ? 4
                                             : 0;
    if (l == 0 || l > n)
        return 0;
    for (size_t i = 1; i < l; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if (l == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
        return 0;
    if (l == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
        return 0;
    return l;
}

const char *ky_show_bytes(const char *p, size_t n, char *buf, size_t max)
{
    size_t o = 0, i = 0;
    if (max == 0)
        return "";
    while (i < n) {
        size_t l = utf8_len((const unsigned char *)p + i, n - i);
        size_t w = l ? l : 1;
        if (o + w + 4 > max) { /* room for "..." and the NUL */
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (l == 0 || (l == 1 && ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)))
            buf[o++] = '?';
        else {
            memcpy(buf + o, p + i, l);
            o += l;
        }
        i += w;
    }
    buf[o] = '\0';
    return buf;
}

const char *ky_show(const struct ky_node *n, char *buf, size_t max)
{
    if (n == NULL)
        return "nothing";
    if (n->type == KY_MAP)
        return "a mapping";
    if (n->type == KY_SEQ)
        return "a sequence";
    return ky_show_bytes(n->text, n->len, buf, max);
}
