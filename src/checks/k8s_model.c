/* The Kubernetes manifest model: objects, resources, pod specs and containers. */
#include "checks/k8s_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata/error.h"

/* Kinds that have no namespace; their resource is "Kind/name". */
static const char *const cluster_scoped[] = {"ClusterRole",
                                             "ClusterRoleBinding",
                                             "Namespace",
                                             "Node",
                                             "PersistentVolume",
                                             "StorageClass",
                                             "PriorityClass",
                                             "CustomResourceDefinition",
                                             "ValidatingWebhookConfiguration",
                                             "IngressClass",
                                             "MutatingWebhookConfiguration",
                                             "RuntimeClass",
                                             "APIService",
                                             "CSIDriver",
                                             "ValidatingAdmissionPolicy",
                                             "PodSecurityPolicy",
                                             NULL};

static int scalar_nonempty(const struct ky_node *n)
{
    return ky_is_scalar(n) && !ky_is_null(n) && n->len > 0;
}

int k8s_object_init(struct k8s_object *o, const struct ky_node *node)
{
    memset(o, 0, sizeof *o);
    struct ky_node *kk;
    const struct ky_node *kind = ky_get_key(node, "kind", &kk);
    const struct ky_node *api = ky_get(node, "apiVersion");
    if (!scalar_nonempty(kind) || !scalar_nonempty(api))
        return 0;
    o->obj = node;
    o->kind_key = kk;
    ky_show(kind, o->kind, sizeof o->kind);
    const struct ky_node *meta = ky_get(node, "metadata");
    const struct ky_node *name = ky_get(meta, "name");
    const struct ky_node *gen = ky_get(meta, "generateName");
    const struct ky_node *ns = ky_get(meta, "namespace");
    if (scalar_nonempty(name)) {
        ky_show(name, o->name, sizeof o->name);
    } else if (scalar_nonempty(gen)) {
        char g[K8S_NAME_MAX - 2];
        snprintf(o->name, sizeof o->name, "%s*", ky_show(gen, g, sizeof g));
    } else {
        snprintf(o->name, sizeof o->name, "<unnamed>");
    }
    if (scalar_nonempty(ns))
        ky_show(ns, o->ns, sizeof o->ns);
    else
        snprintf(o->ns, sizeof o->ns, "default");
    o->namespaced = 1;
    for (size_t i = 0; cluster_scoped[i]; i++)
        if (strcmp(o->kind, cluster_scoped[i]) == 0)
            o->namespaced = 0;
    if (o->namespaced)
        snprintf(o->resource, sizeof o->resource, "%s/%s/%s", o->kind, o->ns, o->name);
    else
        snprintf(o->resource, sizeof o->resource, "%s/%s", o->kind, o->name);
    return 1;
}

static int objects_each(const struct ky_node *node, int depth,
                        int (*fn)(void *u, const struct k8s_object *o), void *u)
{
    struct k8s_object o;
    if (!k8s_object_init(&o, node))
        return 0;
    size_t kl = strlen(o.kind);
    const struct ky_node *items = ky_get(node, "items");
    if (kl >= 4 && strcmp(o.kind + kl - 4, "List") == 0 && ky_is_seq(items) &&
        depth < K8S_MAX_LIST_DEPTH) {
        for (uint32_t i = 0; i < items->n; i++) {
            int rc = objects_each(items->kids[i], depth + 1, fn, u);
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    return fn(u, &o);
}

int k8s_objects_each(const struct ky_node *root, int (*fn)(void *u, const struct k8s_object *o),
                     void *u)
{
    return ky_is_map(root) ? objects_each(root, 0, fn, u) : 0;
}

const char *k8s_ctype_name(enum k8s_ctype t)
{
    return t == K8S_INIT        ? "init container"
           : t == K8S_EPHEMERAL ? "ephemeral container"
                                : "container";
}

void k8s_container_resource(const struct k8s_workload *w, const struct k8s_container *c, char *buf,
                            size_t max)
{
    snprintf(buf, max, "%s %s %s", w->o->resource, k8s_ctype_name(c->type), c->name);
}

/* Where the pod template is, by kind. */
static const struct {
    const char *kind;
    const char *const path[5]; /* keys from the object down to the template holding spec */
    const char *spec_path, *meta_path;
    int run_to_finish;
} templates[] = {
    {"Pod", {NULL}, "spec", "metadata", 0},
    {"PodTemplate", {"template", NULL}, "template.spec", "template.metadata", 0},
    {"Deployment", {"spec", "template", NULL}, "spec.template.spec", "spec.template.metadata", 0},
    {"StatefulSet", {"spec", "template", NULL}, "spec.template.spec", "spec.template.metadata", 0},
    {"DaemonSet", {"spec", "template", NULL}, "spec.template.spec", "spec.template.metadata", 0},
    {"ReplicaSet", {"spec", "template", NULL}, "spec.template.spec", "spec.template.metadata", 0},
    {"ReplicationController",
     {"spec", "template", NULL},
     "spec.template.spec",
     "spec.template.metadata",
     0},
    {"Job", {"spec", "template", NULL}, "spec.template.spec", "spec.template.metadata", 1},
    {"CronJob",
     {"spec", "jobTemplate", "spec", "template", NULL},
     "spec.jobTemplate.spec.template.spec",
     "spec.jobTemplate.spec.template.metadata",
     1},
};

static int add_containers(struct k8s_workload *w, const char *key, enum k8s_ctype type)
{
    const struct ky_node *seq = ky_get(w->spec, key);
    if (!ky_is_seq(seq) || seq->n == 0)
        return 0;
    struct k8s_container *c = realloc(w->c, (w->n_c + seq->n) * sizeof *c);
    if (c == NULL)
        return STRATA_ENOMEM;
    w->c = c;
    for (uint32_t i = 0; i < seq->n; i++) {
        const struct ky_node *m = seq->kids[i];
        if (!ky_is_map(m))
            continue;
        struct k8s_container *x = &w->c[w->n_c++];
        memset(x, 0, sizeof *x);
        x->node = m;
        x->type = type;
        struct ky_node *nk;
        const struct ky_node *name = ky_get_key(m, "name", &nk);
        x->at = nk ? nk : (m->n ? m->kids[0] : m);
        const struct ky_node *sc = ky_get(m, "securityContext");
        x->sc = ky_is_map(sc) ? sc : NULL;
        if (ky_is_scalar(name) && !ky_is_null(name))
            ky_show(name, x->name, sizeof x->name);
        else
            snprintf(x->name, sizeof x->name, "#%u", i);
        snprintf(x->path, sizeof x->path, "%s.%s[%u]", w->spec_path, key, i);
    }
    return 0;
}

int k8s_workload_init(struct k8s_workload *w, const struct k8s_object *o)
{
    memset(w, 0, sizeof *w);
    size_t t;
    for (t = 0; t < sizeof templates / sizeof templates[0]; t++)
        if (strcmp(templates[t].kind, o->kind) == 0)
            break;
    if (t == sizeof templates / sizeof templates[0])
        return 0;
    const struct ky_node *tpl = o->obj;
    for (size_t i = 0; templates[t].path[i] && tpl; i++)
        tpl = ky_get(tpl, templates[t].path[i]);
    struct ky_node *sk;
    const struct ky_node *spec = ky_get_key(tpl, "spec", &sk);
    if (!ky_is_map(spec))
        return 0;
    w->o = o;
    w->spec = spec;
    w->spec_key = sk;
    w->meta = ky_get(tpl, "metadata");
    if (!ky_is_map(w->meta))
        w->meta = NULL;
    const struct ky_node *psc = ky_get(spec, "securityContext");
    w->psc = ky_is_map(psc) ? psc : NULL;
    w->spec_path = templates[t].spec_path;
    w->meta_path = templates[t].meta_path;
    w->run_to_finish = templates[t].run_to_finish;
    w->windows = ky_eq(ky_get(ky_get(spec, "os"), "name"), "windows");
    int rc = add_containers(w, "containers", K8S_CONTAINER);
    if (rc == 0)
        rc = add_containers(w, "initContainers", K8S_INIT);
    if (rc == 0)
        rc = add_containers(w, "ephemeralContainers", K8S_EPHEMERAL);
    if (rc != 0) {
        k8s_workload_free(w);
        return rc;
    }
    return 1;
}

void k8s_workload_free(struct k8s_workload *w)
{
    free(w->c);
    w->c = NULL;
    w->n_c = 0;
}
