/* Image references written in files, for the registry and pinning rules: Dockerfiles (the
 * project's BuildKit-faithful parser), Kubernetes manifests (the k8s manifest model) and
 * compose files (the compose YAML view), each reference at its line and column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/compose_yaml.h"
#include "checks/config.h"
#include "checks/dockerfile_parse.h"
#include "checks/k8s_model.h"
#include "checks/k8s_yaml.h"
#include "policy/trust_policy.h"

typedef int (*ref_fn)(void *ctx, const struct tp_file_ref *ref);

/* ---- Dockerfiles ---- */

/* Does name (n bytes) name a stage defined before stage `before`, or is it a stage index? */
static int names_stage(const struct df_file *f, size_t before, const char *name)
{
    if (name[0] != '\0' && strspn(name, "0123456789") == strlen(name))
        return 1;
    for (size_t i = 0; i < before && i < f->n_stages; i++)
        if (f->stages[i].name != NULL && strcasecmp(f->stages[i].name, name) == 0)
            return 1;
    return 0;
}

static int df_emit(ref_fn fn, void *ctx, const char *text, int unresolved, const char *resource,
                   int line, int col)
{
    struct tp_file_ref r = {text, unresolved, resource, line, col};
    return fn(ctx, &r);
}

/* RUN --mount=type=cache,from=IMAGE,… : the from= value, when there is one, into buf. */
static int mount_from(const char *v, char *buf, size_t size)
{
    for (const char *p = v; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n > 5 && strncmp(p, "from=", 5) == 0 && n - 5 < size) {
            memcpy(buf, p + 5, n - 5);
            buf[n - 5] = '\0';
            return 1;
        }
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

static int dockerfile_refs(const char *path, const char *data, size_t len, ref_fn fn, void *ctx,
                           struct strata_error *err)
{
    struct df_file *f = NULL;
    int rc = df_parse(path, data, len, &f, err);
    if (rc != 0)
        return rc;
    char resource[320];
    for (size_t s = 0; s < f->n_stages && rc == 0; s++) {
        const struct df_stage *st = &f->stages[s];
        if (st->parent >= 0 || st->base == NULL || strcasecmp(st->base, "scratch") == 0)
            continue;
        const struct df_instruction *from = &f->ins[st->from];
        int line = from->line, col = from->column;
        if (from->n_words > 0)
            line = from->words[0].line, col = from->words[0].column;
        if (st->name)
            snprintf(resource, sizeof resource, "stage %.256s", st->name);
        else
            snprintf(resource, sizeof resource, "stage %zu", s);
        rc = df_emit(fn, ctx, st->base, st->base_unresolved, resource, line, col);
    }
    for (size_t i = 0; i < f->n_ins && rc == 0; i++) {
        const struct df_instruction *in = &f->ins[i];
        if (in->cmd != DF_COPY && in->cmd != DF_RUN)
            continue;
        size_t stage = in->stage >= 0 ? (size_t)in->stage : 0;
        snprintf(resource, sizeof resource, "%s in stage %zu",
                 in->cmd == DF_COPY ? "COPY --from" : "RUN --mount", stage);
        for (size_t k = 0; k < in->n_flags && rc == 0; k++) {
            const struct df_flag *fl = &in->flags[k];
            const char *v = fl->expanded ? fl->expanded : fl->value;
            char buf[1024];
            if (v == NULL)
                continue;
            if (in->cmd == DF_COPY && strcmp(fl->name, "from") == 0)
                snprintf(buf, sizeof buf, "%s", v);
            else if (in->cmd == DF_RUN && strcmp(fl->name, "mount") == 0 &&
                     mount_from(v, buf, sizeof buf))
                ;
            else
                continue;
            if (buf[0] == '\0' || names_stage(f, stage + 1, buf))
                continue;
            rc = df_emit(fn, ctx, buf, fl->unresolved, resource, fl->line, fl->column);
        }
    }
    df_free(f);
    return rc;
}

/* ---- Kubernetes manifests ---- */

struct k8s_walk {
    ref_fn fn;
    void *ctx;
    int rc;
};

static int on_object(void *u, const struct k8s_object *o)
{
    struct k8s_walk *kw = u;
    struct k8s_workload w;
    int rc = k8s_workload_init(&w, o);
    if (rc < 0)
        return STRATA_ENOMEM;
    if (rc == 0)
        return 0;
    for (size_t i = 0; i < w.n_c && rc >= 0; i++) {
        const struct ky_node *img = ky_get(w.c[i].node, "image");
        if (img == NULL || !ky_is_scalar(img) || ky_is_null(img))
            continue;
        char text[1024], resource[K8S_RESOURCE_MAX + K8S_NAME_MAX + 32];
        size_t n = img->len < sizeof text - 1 ? img->len : sizeof text - 1;
        memcpy(text, img->text, n);
        text[n] = '\0';
        k8s_container_resource(&w, &w.c[i], resource, sizeof resource);
        struct tp_file_ref r = {text, 0, resource, (int)img->line, (int)img->col};
        int frc = kw->fn(kw->ctx, &r);
        if (frc != 0) {
            kw->rc = frc;
            rc = -1;
        }
    }
    k8s_workload_free(&w);
    return rc < 0 ? 1 : 0;
}

static int k8s_refs(const char *path, const char *data, size_t len, ref_fn fn, void *ctx,
                    struct strata_error *err)
{
    struct ky_stream *s;
    int rc = ky_open(&s, path, data, len, err);
    if (rc != 0)
        return rc;
    struct ky_node *root;
    struct k8s_walk kw = {fn, ctx, 0};
    while ((rc = ky_next(s, &root, err)) == 1) {
        if (root == NULL)
            continue;
        rc = k8s_objects_each(root, on_object, &kw);
        if (rc == STRATA_ENOMEM) {
            rc = strata_error_nomem(err);
            break;
        }
        if (rc != 0) {
            rc = kw.rc;
            break;
        }
    }
    ky_close(s);
    return rc;
}

/* ---- compose files ---- */

static int compose_refs(const char *path, const char *data, size_t len, ref_fn fn, void *ctx,
                        struct strata_error *err)
{
    struct cyaml y;
    int rc = cyaml_load(&y, path, data, len, CONFIG_MAX_FILE, err);
    if (rc != 0)
        return rc;
    struct fy_node *root = cyaml_deref(fy_document_root(y.doc));
    struct fy_node *services =
        root && cyaml_is_map(root) ? cyaml_get(&y, root, "services", NULL) : NULL;
    services = cyaml_deref(services);
    void *it = NULL;
    struct fy_node *k, *v;
    while (rc == 0 && services != NULL && cyaml_is_map(services) && !y.over_budget &&
           cyaml_next_pair(&y, services, &it, &k, &v)) {
        if (!cyaml_is_map(v))
            continue;
        struct fy_node *img = cyaml_deref(cyaml_get(&y, v, "image", NULL));
        char text[1024], name[256], resource[300];
        size_t n;
        int plain, cut;
        if (img == NULL || cyaml_null(img) ||
            cyaml_text(img, text, sizeof text, &n, &plain, &cut) == NULL)
            continue;
        if (cyaml_text(k, name, sizeof name, &n, &plain, &cut) == NULL)
            snprintf(name, sizeof name, "?");
        snprintf(resource, sizeof resource, "service %s", name);
        int line, col;
        cyaml_pos(img, &line, &col);
        struct tp_file_ref r = {text, 0, resource, line, col};
        rc = fn(ctx, &r);
    }
    if (rc == 0 && y.over_budget)
        rc = strata_error_set(err, STRATA_ELIMIT, "%s: more than %d YAML nodes visited", path,
                              COMPOSE_MAX_VISITS);
    cyaml_free(&y);
    return rc;
}

int tp_file_refs(const char *path, const char *data, size_t len,
                 int (*fn)(void *ctx, const struct tp_file_ref *ref), void *ctx,
                 struct strata_error *err)
{
    switch (config_detect(path, data, len)) {
    case CONFIG_DOCKERFILE:
        return dockerfile_refs(path, data, len, fn, ctx, err);
    case CONFIG_KUBERNETES:
        return k8s_refs(path, data, len, fn, ctx, err);
    case CONFIG_COMPOSE:
        return compose_refs(path, data, len, fn, ctx, err);
    default:
        return strata_error_set(err, STRATA_EUSAGE,
                                "%s: not a Dockerfile, Kubernetes manifest or compose file", path);
    }
}
