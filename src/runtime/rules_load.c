/* Reading Falco-format rule files into the ruleset's definitions: lists, macros and rules,
 * with `append: true` and `override:` applied in file order (docs/runtime-rules.md, "File
 * format"). Conditions and outputs are kept as text parts with their source positions; they
 * are parsed in rules_compile.c once every file is in, because appends join text. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/k8s_yaml.h"
#include "runtime/rules_internal.h"

/* ---- arena-backed growable arrays (the ruleset frees everything at once) ---- */

static void *agrow(struct arena *a, void *p, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap)
        return p;
    size_t c = *cap ? *cap * 2 : 8;
    void *np = arena_alloc(a, c * sz);
    if (np == NULL)
        return NULL;
    if (n > 0)
        memcpy(np, p, n * sz);
    *cap = c;
    return np;
}

#define PUSH(a, arr, n, cap)                                                                       \
    ((arr) = agrow((a), (arr), (n), &(cap), sizeof *(arr))) == NULL ? NULL : &(arr)[(n)++]

/* ---- positions ---- */

static void off_to_linecol(const struct rs_file *f, size_t off, uint32_t *line, uint32_t *col)
{
    size_t lo = 0, hi = f->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (f->line_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = (uint32_t)lo + 1;
    *col = (uint32_t)(off - f->line_start[lo]) + 1;
}

void rs_text_where(const struct rs_text *t, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s:%u:%u", t->file ? t->file->path : "?", t->line, t->col);
}

static size_t count_occ(const char *hay, size_t hn, const char *needle, size_t nn)
{
    size_t k = 0;
    if (nn == 0)
        return 0;
    for (const char *p = hay; (p = memmem(p, hn - (size_t)(p - hay), needle, nn)) != NULL; p++)
        k++;
    return k;
}

void rs_where(const struct rs_joined *j, size_t off, size_t n, char *buf, size_t cap)
{
    if (j->nparts == 0) {
        snprintf(buf, cap, "?");
        return;
    }
    size_t p = 0;
    for (size_t i = 0; i < j->nparts; i++)
        if (j->part_off[i] <= off)
            p = i;
    const struct rs_text *t = j->parts[p];
    size_t in = off - j->part_off[p];
    if (in > t->len) /* the blank between two parts */
        in = t->len;
    const struct rs_file *f = t->file;
    uint32_t line = t->line, col = t->col;
    if (f != NULL && t->raw && t->src_off + in <= f->len) {
        off_to_linecol(f, t->src_off + in, &line, &col);
    } else if (f != NULL && n > 0 && t->line >= 1 && t->line <= f->nlines) {
        /* Folded or escaped text: find the same occurrence of the token in the source from
         * where the scalar starts (blanks and line breaks are what folding changes). */
        size_t start = f->line_start[t->line - 1] + (t->col > 0 ? t->col - 1 : 0);
        const char *tokp = j->buf + off;
        size_t k = count_occ(t->text, in, tokp, n);
        const char *q = start <= f->len ? f->data + start : NULL;
        for (size_t i = 0; q != NULL && i <= k; i++) {
            q = memmem(q, (size_t)(f->data + f->len - q), tokp, n);
            if (q != NULL && i < k)
                q++;
        }
        if (q != NULL)
            off_to_linecol(f, (size_t)(q - f->data), &line, &col);
    }
    snprintf(buf, cap, "%s:%u:%u", f ? f->path : "?", line, col);
}

int rs_join(struct arena *a, const struct rs_text *const *parts, size_t n, struct rs_joined *out)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += parts[i]->len + 1;
    out->buf = arena_alloc(a, len + 1);
    out->part_off = arena_alloc(a, (n ? n : 1) * sizeof *out->part_off);
    out->parts = arena_alloc(a, (n ? n : 1) * sizeof *out->parts);
    if (out->buf == NULL || out->part_off == NULL || out->parts == NULL)
        return STRATA_ENOMEM;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            out->buf[o++] = ' ';
        out->part_off[i] = o;
        out->parts[i] = parts[i];
        memcpy(out->buf + o, parts[i]->text, parts[i]->len);
        o += parts[i]->len;
    }
    out->buf[o] = '\0';
    out->len = o;
    out->nparts = n;
    return 0;
}

int rs_warn(struct rt_rules *r, const char *fmt, ...)
{
    if (r->nwarnings >= RT_RULES_MAX_WARNINGS) {
        r->dropped_warnings++;
        return 0;
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t cap = r->nwarnings + 1;
    char **w = realloc(r->warnings, cap * sizeof *w);
    if (w == NULL)
        return STRATA_ENOMEM;
    r->warnings = w;
    if ((w[r->nwarnings] = strdup(buf)) == NULL)
        return STRATA_ENOMEM;
    r->nwarnings++;
    return 0;
}

/* ---- the loader ---- */

struct ld {
    struct rt_rules *r;
    struct rs_file *f;
    struct strata_error *err;
};

static int fail(struct ld *ld, const struct ky_node *n, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct ld *ld, const struct ky_node *n, int code, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return strata_error_set(ld->err, code, "%s:%u:%u: %s", ld->f->path, n ? n->line : 1,
                            n ? n->col : 1, msg);
}

static int nomem(struct ld *ld)
{
    return strata_error_nomem(ld->err);
}

/* Keeps a scalar's text and position. */
static int keep_text(struct ld *ld, const struct ky_node *n, const char *what,
                     const struct rs_text **out)
{
    if (n == NULL || !ky_is_scalar(n))
        return fail(ld, n, STRATA_EFORMAT, "%s: expected a string", what);
    struct rs_text *t = arena_alloc(&ld->r->arena, sizeof *t);
    char *copy = arena_strndup(&ld->r->arena, n->text, n->len);
    if (t == NULL || copy == NULL)
        return nomem(ld);
    memset(t, 0, sizeof *t);
    t->text = copy;
    t->len = n->len;
    t->file = ld->f;
    t->line = n->line;
    t->col = n->col;
    if (n->len > 0 && n->text >= ld->f->data && n->text + n->len <= ld->f->data + ld->f->len) {
        t->raw = 1;
        t->src_off = (size_t)(n->text - ld->f->data);
    }
    *out = t;
    return 0;
}

static int keep_name(struct ld *ld, const struct ky_node *n, const char *what, char **out)
{
    if (n == NULL || !ky_is_scalar(n) || n->len == 0)
        return fail(ld, n, STRATA_EFORMAT, "%s: expected a non-empty name", what);
    if (memchr(n->text, '\0', n->len) != NULL)
        return fail(ld, n, STRATA_EFORMAT, "%s: NUL in a name", what);
    if ((*out = arena_strndup(&ld->r->arena, n->text, n->len)) == NULL)
        return nomem(ld);
    return 0;
}

static int get_bool(struct ld *ld, const struct ky_node *n, const char *what, int *out)
{
    int b = ky_bool(n);
    if (b < 0) {
        char show[64];
        return fail(ld, n, STRATA_EFORMAT, "%s: expected true or false, not %s", what,
                    ky_show(n, show, sizeof show));
    }
    *out = b;
    return 0;
}

static int count_item(struct ld *ld, const struct ky_node *n)
{
    struct rt_rules *r = ld->r;
    if (r->nlists + r->nmacros + r->nrules >= RT_RULES_MAX_ITEMS)
        return fail(ld, n, STRATA_ELIMIT, "more than %u rules, macros and lists",
                    RT_RULES_MAX_ITEMS);
    return 0;
}

/* Which keys an item may have, for its kind. */
static int check_keys(struct ld *ld, const struct ky_node *item, const char *const *allowed,
                      const char *kind)
{
    for (uint32_t i = 0; i < item->n; i++) {
        const struct ky_node *k = item->kids[2 * i];
        int ok = 0;
        for (size_t a = 0; allowed[a] != NULL && !ok; a++)
            ok = ky_eq(k, allowed[a]);
        if (!ok) {
            char show[80];
            return fail(ld, k, STRATA_EFORMAT, "unknown key %s in a %s",
                        ky_show(k, show, sizeof show), kind);
        }
    }
    return 0;
}

enum mode { M_DEFINE, M_APPEND, M_REPLACE };

/* The override mode for key (M_DEFINE when the key is not overridden). */
static int override_mode(struct ld *ld, const struct ky_node *override, const char *key,
                         const char *const *may_append, const char *const *may_replace,
                         enum mode *out)
{
    *out = M_DEFINE;
    if (override == NULL)
        return 0;
    struct ky_node *k;
    struct ky_node *v = ky_get_key(override, key, &k);
    if (v == NULL)
        return 0;
    if (ky_eq(v, "append")) {
        for (size_t i = 0; may_append[i] != NULL; i++)
            if (strcmp(may_append[i], key) == 0) {
                *out = M_APPEND;
                return 0;
            }
        return fail(ld, v, STRATA_EFORMAT, "override: %s cannot be appended (replace it)", key);
    }
    if (ky_eq(v, "replace")) {
        for (size_t i = 0; may_replace[i] != NULL; i++)
            if (strcmp(may_replace[i], key) == 0) {
                *out = M_REPLACE;
                return 0;
            }
        return fail(ld, v, STRATA_EFORMAT, "override: %s cannot be replaced", key);
    }
    char show[64];
    return fail(ld, v, STRATA_EFORMAT, "override: %s: expected append or replace, not %s", key,
                ky_show(v, show, sizeof show));
}

/* With override:, every key of the item (but the name and override) is overridden and every
 * overridden key is present. */
static int check_override(struct ld *ld, const struct ky_node *item, const struct ky_node *ov,
                          const char *name_key)
{
    if (!ky_is_map(ov))
        return fail(ld, ov, STRATA_EFORMAT, "override: expected a mapping of key: append|replace");
    for (uint32_t i = 0; i < item->n; i++) {
        const struct ky_node *k = item->kids[2 * i];
        if (ky_eq(k, name_key) || ky_eq(k, "override"))
            continue;
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(k->len < 120 ? k->len : 120), k->text);
        if (ky_get(ov, key) == NULL)
            return fail(ld, k, STRATA_EFORMAT, "%s is not listed under override", key);
    }
    for (uint32_t i = 0; i < ov->n; i++) {
        const struct ky_node *k = ov->kids[2 * i];
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(k->len < 120 ? k->len : 120), k->text);
        if (ky_get(item, key) == NULL)
            return fail(ld, k, STRATA_EFORMAT, "override names %s but the item has no %s", key,
                        key);
    }
    return 0;
}

/* ---- lists ---- */

static int list_add_items(struct ld *ld, struct rs_list *l, const struct ky_node *items)
{
    if (!ky_is_seq(items) && !ky_is_null(items))
        return fail(ld, items, STRATA_EFORMAT, "items: expected a sequence");
    for (uint32_t i = 0; items != NULL && i < items->n && !ky_is_null(items); i++) {
        if (l->n >= RT_RULES_MAX_LIST_ITEMS)
            return fail(ld, items->kids[i], STRATA_ELIMIT, "list %s has more than %u items",
                        l->name, RT_RULES_MAX_LIST_ITEMS);
        struct rs_list_item *it = PUSH(&ld->r->arena, l->items, l->n, l->cap);
        if (it == NULL)
            return nomem(ld);
        const struct rs_text *t;
        int rc = keep_text(ld, items->kids[i], "list item", &t);
        if (rc != 0)
            return rc;
        it->t = *t;
        it->quoted = items->kids[i]->style == KY_QUOTED;
        /* Falco pastes items into the condition text, so '"a b"' is the value a b */
        if (it->t.len >= 2 && (it->t.text[0] == '"' || it->t.text[0] == '\'') &&
            it->t.text[it->t.len - 1] == it->t.text[0]) {
            it->t.text++;
            it->t.len -= 2;
            it->t.raw = 0;
            ((char *)it->t.text)[it->t.len] = '\0';
            it->quoted = 1;
        }
    }
    return 0;
}

static int load_list(struct ld *ld, const struct ky_node *item)
{
    static const char *const keys[] = {"list", "items", "append", "override", NULL};
    static const char *const may[] = {"items", NULL};
    struct rt_rules *r = ld->r;
    int rc = check_keys(ld, item, keys, "list");
    char *name;
    if (rc == 0)
        rc = keep_name(ld, ky_get(item, "list"), "list", &name);
    if (rc != 0)
        return rc;
    struct ky_node *items = ky_get(item, "items");
    struct ky_node *ov = ky_get(item, "override");
    int append = 0;
    if (ky_get(item, "append") != NULL &&
        (rc = get_bool(ld, ky_get(item, "append"), "append", &append)) != 0)
        return rc;
    struct rs_list *l = strmap_get(&r->list_map, name);
    enum mode m = M_DEFINE;
    if (ov != NULL) {
        if (append)
            return fail(ld, ov, STRATA_EFORMAT, "append and override cannot be used together");
        if ((rc = check_override(ld, item, ov, "list")) != 0 ||
            (rc = override_mode(ld, ov, "items", may, may, &m)) != 0)
            return rc;
    } else if (append) {
        m = M_APPEND;
    }
    if (m != M_DEFINE && l == NULL)
        return fail(ld, item, STRATA_EFORMAT, "list %s: %s of a list that is not defined", name,
                    m == M_APPEND ? "append" : "override");
    if (items == NULL)
        return fail(ld, item, STRATA_EFORMAT, "list %s has no items", name);
    if (l == NULL || m == M_DEFINE) {
        if (l == NULL) {
            if ((rc = count_item(ld, item)) != 0)
                return rc;
            struct rs_list **slot = PUSH(&r->arena, r->lists, r->nlists, r->caplists);
            if (slot == NULL || (l = arena_alloc(&r->arena, sizeof *l)) == NULL)
                return nomem(ld);
            memset(l, 0, sizeof *l);
            *slot = l;
            l->name = name;
            if (strmap_put(&r->list_map, name, l) != 0)
                return nomem(ld);
        }
        l->n = 0;
    } else if (m == M_REPLACE) {
        l->n = 0;
    }
    const struct rs_text *at;
    if ((rc = keep_text(ld, ky_get(item, "list"), "list", &at)) != 0)
        return rc;
    if (m != M_APPEND)
        l->at = *at;
    return list_add_items(ld, l, items);
}

/* ---- macros ---- */

static int add_part(struct ld *ld, const struct rs_text ***parts, size_t *n, size_t *cap,
                    const struct ky_node *node, const char *what)
{
    const struct rs_text *t;
    int rc = keep_text(ld, node, what, &t);
    if (rc != 0)
        return rc;
    const struct rs_text **slot = PUSH(&ld->r->arena, *parts, *n, *cap);
    if (slot == NULL)
        return nomem(ld);
    *slot = t;
    return 0;
}

static int load_macro(struct ld *ld, const struct ky_node *item)
{
    static const char *const keys[] = {"macro", "condition", "append", "override", NULL};
    static const char *const may[] = {"condition", NULL};
    struct rt_rules *r = ld->r;
    int rc = check_keys(ld, item, keys, "macro");
    char *name;
    if (rc == 0)
        rc = keep_name(ld, ky_get(item, "macro"), "macro", &name);
    if (rc != 0)
        return rc;
    struct ky_node *cond = ky_get(item, "condition");
    struct ky_node *ov = ky_get(item, "override");
    int append = 0;
    if (ky_get(item, "append") != NULL &&
        (rc = get_bool(ld, ky_get(item, "append"), "append", &append)) != 0)
        return rc;
    struct rs_macro *m = strmap_get(&r->macro_map, name);
    enum mode mode = append ? M_APPEND : M_DEFINE;
    if (ov != NULL) {
        if (append)
            return fail(ld, ov, STRATA_EFORMAT, "append and override cannot be used together");
        if ((rc = check_override(ld, item, ov, "macro")) != 0 ||
            (rc = override_mode(ld, ov, "condition", may, may, &mode)) != 0)
            return rc;
    }
    if (mode != M_DEFINE && m == NULL)
        return fail(ld, item, STRATA_EFORMAT, "macro %s: %s of a macro that is not defined", name,
                    mode == M_APPEND ? "append" : "override");
    if (cond == NULL)
        return fail(ld, item, STRATA_EFORMAT, "macro %s has no condition", name);
    if (m == NULL) {
        if ((rc = count_item(ld, item)) != 0)
            return rc;
        struct rs_macro **slot = PUSH(&r->arena, r->macros, r->nmacros, r->capmacros);
        if (slot == NULL || (m = arena_alloc(&r->arena, sizeof *m)) == NULL)
            return nomem(ld);
        memset(m, 0, sizeof *m);
        *slot = m;
        m->name = name;
        if (strmap_put(&r->macro_map, name, m) != 0)
            return nomem(ld);
    }
    if (mode != M_APPEND) {
        m->nparts = 0;
        const struct rs_text *at;
        if ((rc = keep_text(ld, ky_get(item, "macro"), "macro", &at)) != 0)
            return rc;
        m->at = *at;
    }
    return add_part(ld, &m->parts, &m->nparts, &m->capparts, cond, "condition");
}

/* ---- rules ---- */

static int load_tags(struct ld *ld, struct rs_rule *rule, const struct ky_node *tags, int append)
{
    if (!ky_is_seq(tags) && !ky_is_null(tags))
        return fail(ld, tags, STRATA_EFORMAT, "tags: expected a sequence of strings");
    if (!append)
        rule->ntags = 0;
    for (uint32_t i = 0; !ky_is_null(tags) && i < tags->n; i++) {
        char **slot = PUSH(&ld->r->arena, rule->tags, rule->ntags, rule->captags);
        if (slot == NULL)
            return nomem(ld);
        int rc = keep_name(ld, tags->kids[i], "tag", slot);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int load_exc_value(struct ld *ld, struct rs_exception *x, const struct ky_node *v)
{
    struct arena *a = &ld->r->arena;
    size_t nf = x->single ? 1 : x->nfields;
    struct rs_exc_value *val = PUSH(a, x->values, x->nvalues, x->capvalues);
    if (val == NULL)
        return nomem(ld);
    val->items = arena_alloc(a, nf * sizeof *val->items);
    val->nitems = arena_alloc(a, nf * sizeof *val->nitems);
    val->is_seq = arena_alloc(a, nf * sizeof *val->is_seq);
    if (val->items == NULL || val->nitems == NULL || val->is_seq == NULL)
        return nomem(ld);
    const struct ky_node *const *elems;
    const struct ky_node *one[1] = {v};
    if (x->single) {
        elems = one;
    } else {
        if (!ky_is_seq(v) || v->n != nf)
            return fail(ld, v, STRATA_EFORMAT,
                        "exception %s: each value is a sequence of %zu items, one per field",
                        x->name, nf);
        elems = (const struct ky_node *const *)v->kids;
    }
    for (size_t i = 0; i < nf; i++) {
        const struct ky_node *e = elems[i];
        int seq = ky_is_seq(e);
        uint32_t cnt = seq ? e->n : 1;
        if (cnt > RT_RULES_MAX_LIST_ITEMS)
            return fail(ld, e, STRATA_ELIMIT, "more than %u values", RT_RULES_MAX_LIST_ITEMS);
        const struct rs_text **ts = arena_alloc(a, (cnt ? cnt : 1) * sizeof *ts);
        if (ts == NULL)
            return nomem(ld);
        for (uint32_t k = 0; k < cnt; k++) {
            int rc = keep_text(ld, seq ? e->kids[k] : e, "exception value", &ts[k]);
            if (rc != 0)
                return rc;
        }
        val->items[i] = ts;
        val->nitems[i] = cnt;
        val->is_seq[i] = seq;
    }
    return 0;
}

static int load_exception(struct ld *ld, struct rs_rule *rule, const struct ky_node *e)
{
    static const char *const keys[] = {"name", "fields", "comps", "values", NULL};
    int rc = ky_is_map(e) ? check_keys(ld, e, keys, "exception")
                          : fail(ld, e, STRATA_EFORMAT, "exceptions: expected mappings");
    char *name;
    if (rc == 0)
        rc = keep_name(ld, ky_get(e, "name"), "exception name", &name);
    if (rc != 0)
        return rc;
    struct rs_exception *x = NULL;
    for (size_t i = 0; i < rule->nexc; i++)
        if (strcmp(rule->exc[i].name, name) == 0)
            x = &rule->exc[i];
    struct ky_node *fields = ky_get(e, "fields"), *comps = ky_get(e, "comps");
    if (x == NULL) {
        if (fields == NULL)
            return fail(ld, e, STRATA_EFORMAT, "exception %s has no fields", name);
        x = PUSH(&ld->r->arena, rule->exc, rule->nexc, rule->capexc);
        if (x == NULL)
            return nomem(ld);
        memset(x, 0, sizeof *x);
        x->name = name;
        const struct rs_text *at;
        if ((rc = keep_text(ld, ky_get(e, "name"), "exception name", &at)) != 0)
            return rc;
        x->at = *at;
        if (ky_is_scalar(fields)) {
            x->single = 1;
            x->nfields = 1;
            if ((rc = keep_text(ld, fields, "fields", &x->fields[0])) != 0)
                return rc;
        } else if (ky_is_seq(fields) && fields->n > 0) {
            if (fields->n > RT_RULES_MAX_EXC_FIELDS)
                return fail(ld, fields, STRATA_ELIMIT, "exception %s has more than %d fields", name,
                            RT_RULES_MAX_EXC_FIELDS);
            x->nfields = fields->n;
            for (uint32_t i = 0; i < fields->n; i++)
                if ((rc = keep_text(ld, fields->kids[i], "field", &x->fields[i])) != 0)
                    return rc;
        } else {
            return fail(ld, fields, STRATA_EFORMAT,
                        "exception %s: fields: expected a field or a sequence of fields", name);
        }
        if (comps != NULL) {
            if (x->single) {
                if ((rc = keep_text(ld, comps, "comps", &x->comps[0])) != 0)
                    return rc;
            } else if (ky_is_seq(comps) && comps->n == x->nfields) {
                for (uint32_t i = 0; i < comps->n; i++)
                    if ((rc = keep_text(ld, comps->kids[i], "comps", &x->comps[i])) != 0)
                        return rc;
            } else {
                return fail(ld, comps, STRATA_EFORMAT,
                            "exception %s: comps: expected %zu operators, one per field", name,
                            x->nfields);
            }
        }
    } else if (fields != NULL || comps != NULL) {
        /* appending to an existing exception: only values */
        return fail(ld, fields ? fields : comps, STRATA_EFORMAT,
                    "exception %s exists: only values can be appended to it", name);
    }
    struct ky_node *values = ky_get(e, "values");
    if (values == NULL || ky_is_null(values))
        return 0;
    if (!ky_is_seq(values))
        return fail(ld, values, STRATA_EFORMAT, "exception %s: values: expected a sequence", name);
    for (uint32_t i = 0; i < values->n; i++) {
        if (x->nvalues >= RT_RULES_MAX_LIST_ITEMS)
            return fail(ld, values->kids[i], STRATA_ELIMIT, "exception %s has more than %u values",
                        name, RT_RULES_MAX_LIST_ITEMS);
        if ((rc = load_exc_value(ld, x, values->kids[i])) != 0)
            return rc;
    }
    return 0;
}

static int load_exceptions(struct ld *ld, struct rs_rule *rule, const struct ky_node *exc,
                           int append)
{
    if (!ky_is_seq(exc) && !ky_is_null(exc))
        return fail(ld, exc, STRATA_EFORMAT, "exceptions: expected a sequence");
    if (!append)
        rule->nexc = 0;
    for (uint32_t i = 0; !ky_is_null(exc) && i < exc->n; i++) {
        int rc = load_exception(ld, rule, exc->kids[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int load_priority(struct ld *ld, struct rs_rule *rule, const struct ky_node *p)
{
    if (!ky_is_scalar(p) || rt_priority_parse(p->text, p->len, &rule->priority) != 0) {
        char show[64];
        return fail(ld, p, STRATA_EFORMAT,
                    "priority: expected EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, "
                    "INFORMATIONAL or DEBUG, not %s",
                    ky_show(p, show, sizeof show));
    }
    return 0;
}

static int load_action(struct ld *ld, struct rs_rule *rule, const struct ky_node *a)
{
    if (ky_eq(a, "kill"))
        rule->action = RT_ACT_KILL;
    else if (ky_eq(a, "freeze"))
        rule->action = RT_ACT_FREEZE;
    else if (ky_eq(a, "isolate"))
        rule->action = RT_ACT_ISOLATE;
    else if (ky_eq(a, "none") || ky_is_null(a))
        rule->action = RT_ACT_NONE;
    else {
        char show[64];
        return fail(ld, a, STRATA_EFORMAT, "action: expected kill, freeze or isolate, not %s",
                    ky_show(a, show, sizeof show));
    }
    return 0;
}

static int load_desc(struct ld *ld, struct rs_rule *rule, const struct ky_node *d, int append)
{
    if (!append)
        rule->ndesc = 0;
    if (rule->ndesc >= sizeof rule->desc_parts / sizeof rule->desc_parts[0])
        return fail(ld, d, STRATA_ELIMIT, "rule %s: more than %zu appends to desc", rule->name,
                    sizeof rule->desc_parts / sizeof rule->desc_parts[0]);
    return keep_text(ld, d, "desc", &rule->desc_parts[rule->ndesc++]);
}

static int load_source(struct ld *ld, struct rs_rule *rule, const struct ky_node *src)
{
    if (src == NULL)
        return 0;
    if (!ky_is_scalar(src))
        return fail(ld, src, STRATA_EFORMAT, "source: expected a string");
    rule->skipped = !ky_eq(src, "syscall");
    return 0;
}

static struct rs_rule *new_rule(struct ld *ld, char *name)
{
    struct rt_rules *r = ld->r;
    struct rs_rule **slot = PUSH(&r->arena, r->rules, r->nrules, r->caprules);
    struct rs_rule *rule = slot ? arena_alloc(&r->arena, sizeof *rule) : NULL;
    if (rule == NULL)
        return NULL;
    memset(rule, 0, sizeof *rule);
    *slot = rule;
    rule->name = name;
    if (strmap_put(&r->rule_map, name, rule) != 0)
        return NULL;
    return rule;
}

/* A whole definition (new, or replacing one of the same name in place). */
static int define_rule(struct ld *ld, const struct ky_node *item, struct rs_rule *rule)
{
    static const char *const need[] = {"condition", "output", "desc", "priority"};
    for (size_t i = 0; i < 4; i++)
        if (ky_get(item, need[i]) == NULL)
            return fail(ld, item, STRATA_EFORMAT, "rule %s has no %s", rule->name, need[i]);
    char *name = rule->name;
    memset(rule, 0, sizeof *rule);
    rule->name = name;
    rule->enabled = 1;
    const struct rs_text *at;
    int rc = keep_text(ld, ky_get(item, "rule"), "rule", &at);
    if (rc == 0) {
        rule->at = *at;
        rc = add_part(ld, &rule->cond_parts, &rule->ncond, &rule->capcond,
                      ky_get(item, "condition"), "condition");
    }
    if (rc == 0)
        rc = add_part(ld, &rule->out_parts, &rule->nout, &rule->capout, ky_get(item, "output"),
                      "output");
    if (rc == 0)
        rc = load_desc(ld, rule, ky_get(item, "desc"), 0);
    if (rc == 0)
        rc = load_priority(ld, rule, ky_get(item, "priority"));
    if (rc == 0 && ky_get(item, "tags") != NULL)
        rc = load_tags(ld, rule, ky_get(item, "tags"), 0);
    if (rc == 0 && ky_get(item, "enabled") != NULL)
        rc = get_bool(ld, ky_get(item, "enabled"), "enabled", &rule->enabled);
    if (rc == 0 && ky_get(item, "exceptions") != NULL)
        rc = load_exceptions(ld, rule, ky_get(item, "exceptions"), 0);
    if (rc == 0 && ky_get(item, "action") != NULL)
        rc = load_action(ld, rule, ky_get(item, "action"));
    if (rc == 0)
        rc = load_source(ld, rule, ky_get(item, "source"));
    if (rc == 0 && ky_get(item, "skip-if-unknown-filter") != NULL)
        rc = get_bool(ld, ky_get(item, "skip-if-unknown-filter"), "skip-if-unknown-filter",
                      &rule->skip_if_unknown);
    return rc;
}

static int override_rule(struct ld *ld, const struct ky_node *item, const struct ky_node *ov,
                         struct rs_rule *rule)
{
    static const char *const may_append[] = {"condition", "output",     "desc",
                                             "tags",      "exceptions", NULL};
    static const char *const may_replace[] = {"condition",  "output",  "desc",   "priority", "tags",
                                              "exceptions", "enabled", "action", NULL};
    int rc = check_override(ld, item, ov, "rule");
    enum mode m;
    for (size_t i = 0; rc == 0 && may_replace[i] != NULL; i++) {
        const char *key = may_replace[i];
        if ((rc = override_mode(ld, ov, key, may_append, may_replace, &m)) != 0 || m == M_DEFINE)
            continue;
        const struct ky_node *v = ky_get(item, key);
        int app = m == M_APPEND;
        if (strcmp(key, "condition") == 0) {
            if (!app)
                rule->ncond = 0;
            rc = add_part(ld, &rule->cond_parts, &rule->ncond, &rule->capcond, v, "condition");
        } else if (strcmp(key, "output") == 0) {
            if (!app)
                rule->nout = 0;
            rc = add_part(ld, &rule->out_parts, &rule->nout, &rule->capout, v, "output");
        } else if (strcmp(key, "desc") == 0) {
            rc = load_desc(ld, rule, v, app);
        } else if (strcmp(key, "priority") == 0) {
            rc = load_priority(ld, rule, v);
        } else if (strcmp(key, "tags") == 0) {
            rc = load_tags(ld, rule, v, app);
        } else if (strcmp(key, "exceptions") == 0) {
            rc = load_exceptions(ld, rule, v, app);
        } else if (strcmp(key, "enabled") == 0) {
            rc = get_bool(ld, v, "enabled", &rule->enabled);
        } else if (strcmp(key, "action") == 0) {
            rc = load_action(ld, rule, v);
        }
    }
    return rc;
}

static int load_rule(struct ld *ld, const struct ky_node *item)
{
    static const char *const keys[] = {"rule",
                                       "desc",
                                       "condition",
                                       "output",
                                       "priority",
                                       "tags",
                                       "enabled",
                                       "exceptions",
                                       "append",
                                       "override",
                                       "source",
                                       "action",
                                       "warn_evttypes",
                                       "skip-if-unknown-filter",
                                       "capture",
                                       "capture_duration",
                                       NULL};
    struct rt_rules *r = ld->r;
    int rc = check_keys(ld, item, keys, "rule");
    char *name;
    if (rc == 0)
        rc = keep_name(ld, ky_get(item, "rule"), "rule", &name);
    if (rc != 0)
        return rc;
    struct rs_rule *rule = strmap_get(&r->rule_map, name);
    struct ky_node *ov = ky_get(item, "override");
    int append = 0;
    if (ky_get(item, "append") != NULL &&
        (rc = get_bool(ld, ky_get(item, "append"), "append", &append)) != 0)
        return rc;
    if (ov != NULL) {
        if (append)
            return fail(ld, ov, STRATA_EFORMAT, "append and override cannot be used together");
        if (rule == NULL)
            return fail(ld, item, STRATA_EFORMAT, "rule %s: override of a rule that is not defined",
                        name);
        return override_rule(ld, item, ov, rule);
    }
    if (append) {
        if (rule == NULL)
            return fail(ld, item, STRATA_EFORMAT, "rule %s: append to a rule that is not defined",
                        name);
        for (uint32_t i = 0; i < item->n; i++) {
            const struct ky_node *k = item->kids[2 * i];
            if (!ky_eq(k, "rule") && !ky_eq(k, "append") && !ky_eq(k, "condition") &&
                !ky_eq(k, "exceptions")) {
                char show[64];
                return fail(ld, k, STRATA_EFORMAT,
                            "rule %s: append: only condition and exceptions can be appended "
                            "(%s: use override)",
                            name, ky_show(k, show, sizeof show));
            }
        }
        if (ky_get(item, "condition") != NULL &&
            (rc = add_part(ld, &rule->cond_parts, &rule->ncond, &rule->capcond,
                           ky_get(item, "condition"), "condition")) != 0)
            return rc;
        if (ky_get(item, "exceptions") != NULL)
            rc = load_exceptions(ld, rule, ky_get(item, "exceptions"), 1);
        return rc;
    }
    /* `- rule: X` with only `enabled:` switches an existing rule on or off (Falco's way) */
    if (ky_get(item, "condition") == NULL && ky_get(item, "enabled") != NULL && item->n == 2) {
        if (rule == NULL)
            return fail(ld, item, STRATA_EFORMAT, "rule %s: enabled: no rule of that name", name);
        return get_bool(ld, ky_get(item, "enabled"), "enabled", &rule->enabled);
    }
    if (rule == NULL) {
        if ((rc = count_item(ld, item)) != 0)
            return rc;
        if ((rule = new_rule(ld, name)) == NULL)
            return nomem(ld);
    }
    return define_rule(ld, item, rule);
}

static int load_item(struct ld *ld, const struct ky_node *item)
{
    if (!ky_is_map(item))
        return fail(ld, item, STRATA_EFORMAT, "expected a rule, macro or list mapping");
    if (ky_get(item, "rule") != NULL)
        return load_rule(ld, item);
    if (ky_get(item, "macro") != NULL)
        return load_macro(ld, item);
    if (ky_get(item, "list") != NULL)
        return load_list(ld, item);
    if (ky_get(item, "required_engine_version") != NULL ||
        ky_get(item, "required_plugin_versions") != NULL)
        return 0; /* strata has no engine versions or plugins to check */
    return fail(ld, item, STRATA_EFORMAT,
                "expected a rule, macro or list (an item with a rule:, macro: or list: key)");
}

static int new_file(struct rt_rules *r, const char *path, const char *data, size_t len,
                    struct rs_file **out)
{
    struct rs_file *f = arena_alloc(&r->arena, sizeof *f);
    if (f == NULL)
        return STRATA_ENOMEM;
    memset(f, 0, sizeof *f);
    f->path = arena_strdup(&r->arena, path);
    f->data = arena_alloc(&r->arena, len + 1);
    size_t nl = 1;
    for (size_t i = 0; i < len; i++)
        nl += data[i] == '\n';
    f->line_start = arena_alloc(&r->arena, nl * sizeof *f->line_start);
    if (f->path == NULL || f->data == NULL || f->line_start == NULL)
        return STRATA_ENOMEM;
    memcpy(f->data, data, len);
    f->data[len] = '\0';
    f->len = len;
    f->line_start[0] = 0;
    f->nlines = 1;
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\n')
            f->line_start[f->nlines++] = (uint32_t)(i + 1);
    struct rs_file **slot = NULL;
    size_t cap = r->nfiles; /* exact growth: files are few */
    struct rs_file **nf = arena_alloc(&r->arena, (r->nfiles + 1) * sizeof *nf);
    if (nf == NULL)
        return STRATA_ENOMEM;
    if (cap > 0)
        memcpy(nf, r->files, cap * sizeof *nf);
    r->files = nf;
    slot = &r->files[r->nfiles++];
    *slot = f;
    *out = f;
    return 0;
}

int rt_rules_add_yaml(struct rt_rules *r, const char *path, const char *data, size_t len,
                      struct strata_error *err)
{
    if (r->compiled)
        return strata_error_set(err, STRATA_EINTERNAL, "%s: rules added after compile", path);
    if (len > RT_RULES_MAX_FILE)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %zu bytes, more than the %u allowed", path,
                                len, RT_RULES_MAX_FILE);
    struct rs_file *f;
    if (new_file(r, path, data, len, &f) != 0)
        return strata_error_nomem(err);
    struct ky_stream *s;
    int rc = ky_open(&s, f->path, f->data, f->len, err);
    if (rc != 0)
        return rc;
    struct ld ld = {r, f, err};
    struct ky_node *root;
    while ((rc = ky_next(s, &root, err)) == 1) {
        if (root == NULL || ky_is_null(root))
            continue;
        if (!ky_is_seq(root)) {
            rc = fail(&ld, root, STRATA_EFORMAT,
                      "a rules file is a YAML sequence of rule, macro and list items");
            break;
        }
        for (uint32_t i = 0; i < root->n && rc >= 0; i++)
            rc = load_item(&ld, root->kids[i]);
        if (rc < 0)
            break;
    }
    ky_close(s);
    return rc < 0 ? rc : 0;
}

int rt_rules_add_file(struct rt_rules *r, const char *path, struct strata_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return strata_error_set(err, STRATA_EIO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > RT_RULES_MAX_FILE) {
        close(fd);
        return strata_error_set(err, STRATA_ELIMIT, "%s: %lld bytes, more than the %u allowed",
                                path, (long long)st.st_size, RT_RULES_MAX_FILE);
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *data = malloc(cap);
    if (data == NULL) {
        close(fd);
        return strata_error_nomem(err);
    }
    for (;;) {
        if (len == cap) { /* the file grew while read: bounded all the same */
            close(fd);
            free(data);
            return strata_error_set(err, STRATA_ELIMIT, "%s: grew while being read", path);
        }
        ssize_t got = read(fd, data + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            close(fd);
            free(data);
            return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(e));
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    int rc = rt_rules_add_yaml(r, path, data, len, err);
    free(data);
    return rc;
}

struct rt_rules *rt_rules_new(void)
{
    struct rt_rules *r = calloc(1, sizeof *r);
    return r;
}

void rt_rules_free(struct rt_rules *r)
{
    if (r == NULL)
        return;
    strmap_release(&r->list_map);
    strmap_release(&r->macro_map);
    strmap_release(&r->rule_map);
    for (size_t i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    arena_release(&r->arena);
    free(r);
}

const char *rt_rules_warning(const struct rt_rules *r, size_t i)
{
    return i < r->nwarnings ? r->warnings[i] : NULL;
}

static const char *const prio_names[] = {"Emergency", "Alert",  "Critical",      "Error",
                                         "Warning",   "Notice", "Informational", "Debug"};

const char *rt_priority_name(enum rt_priority p)
{
    return (unsigned)p < 8 ? prio_names[p] : "";
}

int rt_priority_parse(const char *s, size_t n, enum rt_priority *out)
{
    for (unsigned i = 0; i < 8; i++)
        if (strlen(prio_names[i]) == n && strncasecmp(prio_names[i], s, n) == 0) {
            *out = (enum rt_priority)i;
            return 0;
        }
    if (n == 4 && strncasecmp(s, "info", 4) == 0) {
        *out = RT_PRIO_INFORMATIONAL;
        return 0;
    }
    return -1;
}
