/* Interned label names, label lookup, LabelSelector matching and the namespace table. */
#include <stdlib.h>
#include <string.h>

#include "core/vec.h"
#include "netpol/np_model.h"

const char *np_proto_name(enum np_proto p)
{
    return p == NP_UDP ? "UDP" : p == NP_SCTP ? "SCTP" : "TCP";
}

int64_t np_intern(struct np_cluster *c, const char *s, size_t n)
{
    void *v = strmap_getn(&c->name_ids, s, n);
    if (v != NULL)
        return (int64_t)(uintptr_t)v - 1;
    const char **names = vec_grow(c->names, c->n_names, &c->cap_names, sizeof *names);
    if (names == NULL)
        return -1;
    c->names = names;
    char *copy = arena_strndup(&c->arena, s, n);
    if (copy == NULL)
        return -1;
    size_t id = c->n_names;
    if (strmap_put(&c->name_ids, copy, (void *)(uintptr_t)(id + 1)) != 0)
        return -1;
    c->names[c->n_names++] = copy;
    return (int64_t)id;
}

int64_t np_label_get(const struct np_labels *l, uint32_t key)
{
    uint32_t lo = 0, hi = l->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (l->l[mid].key == key)
            return l->l[mid].value;
        if (l->l[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int value_in(const struct np_req *r, int64_t v)
{
    for (uint32_t i = 0; i < r->n_values; i++)
        if (r->values[i] == v)
            return 1;
    return 0;
}

/* https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors:
 * the requirements are ANDed; NotIn and DoesNotExist hold for a pod without the key. */
int np_selector_matches(const struct np_selector *sel, const struct np_labels *labels)
{
    for (uint32_t i = 0; i < sel->n; i++) {
        const struct np_req *r = &sel->r[i];
        int64_t v = np_label_get(labels, r->key);
        int ok;
        switch (r->op) {
        case NP_IN:
            ok = v >= 0 && value_in(r, v);
            break;
        case NP_NOTIN:
            ok = v < 0 || !value_in(r, v);
            break;
        case NP_EXISTS:
            ok = v >= 0;
            break;
        default:
            ok = v < 0;
            break;
        }
        if (!ok)
            return 0;
    }
    return 1;
}

int64_t np_namespace_ref(struct np_cluster *c, const char *name, size_t n)
{
    void *v = strmap_getn(&c->ns_ids, name, n);
    if (v != NULL)
        return (int64_t)(uintptr_t)v - 1;
    struct np_namespace *ns = vec_grow(c->ns, c->n_ns, &c->cap_ns, sizeof *ns);
    if (ns == NULL)
        return -1;
    c->ns = ns;
    char *copy = arena_strndup(&c->arena, name, n);
    int64_t id = np_intern(c, name, n);
    struct np_label *l = arena_alloc(&c->arena, sizeof *l);
    if (copy == NULL || id < 0 || l == NULL)
        return -1;
    if (strmap_put(&c->ns_ids, copy, (void *)(uintptr_t)(c->n_ns + 1)) != 0)
        return -1;
    l->key = c->meta_name_key;
    l->value = (uint32_t)id;
    struct np_namespace *x = &c->ns[c->n_ns];
    memset(x, 0, sizeof *x);
    x->name = copy;
    x->labels.l = l;
    x->labels.n = 1;
    return (int64_t)c->n_ns++;
}

struct np_cluster *np_cluster_new(const char *default_ns)
{
    struct np_cluster *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    const char *k = "kubernetes.io/metadata.name";
    int64_t id = np_intern(c, k, strlen(k));
    c->default_ns = arena_strdup(&c->arena, default_ns ? default_ns : "default");
    if (id < 0 || c->default_ns == NULL) {
        np_cluster_free(c);
        return NULL;
    }
    c->meta_name_key = (uint32_t)id;
    return c;
}

void np_cluster_free(struct np_cluster *c)
{
    if (c == NULL)
        return;
    strmap_release(&c->name_ids);
    strmap_release(&c->ns_ids);
    free(c->names);
    free(c->ns);
    free(c->wl);
    free(c->svc);
    free(c->pol);
    arena_release(&c->arena);
    free(c);
}

/* ---- selectors written as kubectl's -l argument ---- */

static const char *skip_sp(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/* A label key or value: letters, digits, '-', '_', '.', '/' (bounded by NP_MAX_STRING). */
static size_t word_len(const char *p)
{
    size_t n = 0;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
           (p[n] >= '0' && p[n] <= '9') || p[n] == '-' || p[n] == '_' || p[n] == '.' || p[n] == '/')
        n++;
    return n;
}

static int sel_fail(struct strata_error *err, const char *s, const char *p, const char *what)
{
    return strata_error_set(err, STRATA_EUSAGE, "selector '%s': %s at column %zu", s, what,
                            (size_t)(p - s) + 1);
}

int np_selector_parse(struct np_cluster *c, const char *s, struct np_selector *out,
                      struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    size_t cap = 1;
    for (const char *q = s; *q; q++)
        cap += *q == ',';
    if (cap > NP_MAX_LABELS)
        return strata_error_set(err, STRATA_ELIMIT, "selector '%s': more than %u requirements", s,
                                NP_MAX_LABELS);
    out->r = arena_alloc(&c->arena, cap * sizeof *out->r);
    if (out->r == NULL)
        return strata_error_nomem(err);
    const char *p = skip_sp(s);
    if (*p == '\0')
        return 0; /* empty: everything, as {} */
    for (;;) {
        struct np_req *r = &out->r[out->n];
        memset(r, 0, sizeof *r);
        int neg = 0;
        if (*p == '!') {
            neg = 1;
            p = skip_sp(p + 1);
        }
        size_t kn = word_len(p);
        if (kn == 0 || kn > NP_MAX_STRING)
            return sel_fail(err, s, p, "expected a label key");
        int64_t key = np_intern(c, p, kn);
        if (key < 0)
            return strata_error_nomem(err);
        r->key = (uint32_t)key;
        p = skip_sp(p + kn);
        if (neg) {
            r->op = NP_DOESNOTEXIST;
        } else if (*p == '=' || (*p == '!' && p[1] == '=')) {
            r->op = *p == '!' ? NP_NOTIN : NP_IN;
            p += *p == '!' ? 2 : (p[1] == '=' ? 2 : 1);
            p = skip_sp(p);
            size_t vn = word_len(p);
            if (vn > NP_MAX_STRING)
                return sel_fail(err, s, p, "label value too long");
            r->values = arena_alloc(&c->arena, sizeof *r->values);
            int64_t v = np_intern(c, p, vn);
            if (r->values == NULL || v < 0)
                return strata_error_nomem(err);
            r->values[0] = (uint32_t)v;
            r->n_values = 1;
            p = skip_sp(p + vn);
        } else if (strncmp(p, "in", 2) == 0 || strncmp(p, "notin", 5) == 0) {
            r->op = p[0] == 'i' ? NP_IN : NP_NOTIN;
            p = skip_sp(p + (p[0] == 'i' ? 2 : 5));
            if (*p != '(')
                return sel_fail(err, s, p, "expected '(' after in/notin");
            const char *close = strchr(p, ')');
            if (close == NULL)
                return sel_fail(err, s, p, "missing ')'");
            size_t nv = 1;
            for (const char *q = p; q < close; q++)
                nv += *q == ',';
            r->values = arena_alloc(&c->arena, nv * sizeof *r->values);
            if (r->values == NULL)
                return strata_error_nomem(err);
            p = skip_sp(p + 1);
            while (p < close) {
                size_t vn = word_len(p);
                if (vn == 0 || vn > NP_MAX_STRING)
                    return sel_fail(err, s, p, "expected a label value");
                int64_t v = np_intern(c, p, vn);
                if (v < 0)
                    return strata_error_nomem(err);
                r->values[r->n_values++] = (uint32_t)v;
                p = skip_sp(p + vn);
                if (*p == ',')
                    p = skip_sp(p + 1);
                else if (p != close)
                    return sel_fail(err, s, p, "expected ',' or ')'");
            }
            if (r->n_values == 0)
                return sel_fail(err, s, p, "in/notin needs at least one value");
            p = skip_sp(close + 1);
        } else {
            r->op = NP_EXISTS;
        }
        out->n++;
        if (*p == '\0')
            return 0;
        if (*p != ',' || out->n >= cap)
            return sel_fail(err, s, p, "expected ',' between requirements");
        p = skip_sp(p + 1);
    }
}
