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
