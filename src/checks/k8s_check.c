/* The Kubernetes checker's driver: documents -> objects -> workloads -> Pod Security
 * Standards, K8S-nnn rules and score, handed to a sink (docs/config-kubernetes.md). */
#include "checks/k8s_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/k8s_pss.h"
#include "core/strbuf.h"

#define PSS_LINE_DETAILS 5 /* messages quoted per violated control in a pss[] line */

int k8s_enabled(const struct k8s_run *r, const char *id)
{
    return r->sink->enabled == NULL || r->sink->enabled(r->sink->u, id);
}

int k8s_emit(struct k8s_run *r, const char *id, const char *title, const char *severity,
             uint32_t line, uint32_t col, const char *resource, const char *remediation,
             const char *fmt, ...)
{
    if (r->n_findings >= CONFIG_MAX_FINDINGS) {
        r->dropped_findings++;
        return 0;
    }
    r->n_findings++;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct config_finding f = {
        .id = id,
        .title = title,
        .severity = severity,
        .line = (int)line,
        .column = (int)col,
        .resource = resource,
        .message = msg,
        .remediation = remediation,
    };
    if (r->sink->finding(r->sink->u, &f) != 0)
        return strata_error_nomem(r->err);
    return 0;
}

/* Does a control count for the level a workload satisfies? Every control does, except one a
 * rules file disabled; under --pss baseline the restricted controls are not selected but
 * still decide between "baseline" and "restricted". */
static int counted(const struct k8s_run *r, enum k8s_pss_control c)
{
    return k8s_enabled(r, k8s_pss_controls[c].id) ||
           (r->sink->pss_level == 1 && k8s_pss_controls[c].level == 2);
}

/* Is a control's violation reported (as a finding and a pss[] line)? */
static int reported(const struct k8s_run *r, enum k8s_pss_control c)
{
    int level = r->sink->pss_level;
    return k8s_enabled(r, k8s_pss_controls[c].id) &&
           (level == 0 || k8s_pss_controls[c].level <= level);
}

static int pss_findings(struct k8s_run *r, const struct k8s_workload *w,
                        const struct k8s_violations *v)
{
    for (size_t i = 0; i < v->n; i++) {
        const struct k8s_violation *x = &v->v[i];
        const struct k8s_pss_control_info *c = &k8s_pss_controls[x->control];
        if (!reported(r, x->control))
            continue;
        char title[160], res[K8S_RESOURCE_MAX + K8S_NAME_MAX + 32];
        snprintf(title, sizeof title, "Pod Security Standards (%s): %s",
                 c->level == 1 ? "baseline" : "restricted", c->name);
        if (x->container >= 0)
            k8s_container_resource(w, &w->c[x->container], res, sizeof res);
        else
            snprintf(res, sizeof res, "%s", w->o->resource);
        int rc = k8s_emit(r, c->id, title, c->severity, x->line, x->col, res, c->remediation, "%s",
                          x->msg);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* One line per violated control: "baseline: Host Namespaces: spec.hostPID is true; …". */
static int pss_lines(struct k8s_run *r, const struct k8s_workload *w,
                     const struct k8s_violations *v, char ***lines, size_t *n_lines)
{
    *lines = NULL;
    *n_lines = 0;
    char **out = calloc(PSS_N_CONTROLS, sizeof *out);
    if (out == NULL)
        return strata_error_nomem(r->err);
    size_t n = 0;
    for (int c = 0; c < PSS_N_CONTROLS; c++) {
        if (!reported(r, (enum k8s_pss_control)c))
            continue;
        struct strbuf sb = STRBUF_INIT;
        size_t count = 0;
        int rc = 0;
        for (size_t i = 0; i < v->n && rc == 0; i++) {
            const struct k8s_violation *x = &v->v[i];
            if ((int)x->control != c)
                continue;
            if (count == 0)
                rc = strbuf_addf(
                    &sb, "%s: %s: ", k8s_pss_controls[c].level == 1 ? "baseline" : "restricted",
                    k8s_pss_controls[c].name);
            if (rc == 0 && count < PSS_LINE_DETAILS) {
                rc = strbuf_addf(&sb, "%s%s", count ? "; " : "", x->msg);
                if (rc == 0 && x->container >= 0)
                    rc = strbuf_addf(&sb, " (%s %s)", k8s_ctype_name(w->c[x->container].type),
                                     w->c[x->container].name);
            }
            count++;
        }
        if (rc == 0 && count > PSS_LINE_DETAILS)
            rc = strbuf_addf(&sb, "; and %zu more", count - PSS_LINE_DETAILS);
        if (rc != 0) {
            strbuf_release(&sb);
            goto oom;
        }
        if (count == 0)
            continue;
        if ((out[n++] = strbuf_detach(&sb)) == NULL)
            goto oom;
    }
    *lines = out;
    *n_lines = n;
    return 0;
oom:
    for (size_t i = 0; i < n; i++)
        free(out[i]);
    free(out);
    return strata_error_nomem(r->err);
}

static int check_workload(struct k8s_run *r, const struct k8s_workload *w)
{
    struct k8s_violations v = {0};
    if (k8s_pss_evaluate(w, &v) != 0) {
        k8s_violations_free(&v);
        return strata_error_nomem(r->err);
    }
    int count[PSS_N_CONTROLS];
    for (int c = 0; c < PSS_N_CONTROLS; c++)
        count[c] = counted(r, (enum k8s_pss_control)c);
    int rc = pss_findings(r, w, &v);
    char **lines = NULL;
    size_t n_lines = 0;
    if (rc == 0)
        rc = pss_lines(r, w, &v, &lines, &n_lines);
    if (rc == 0 && r->sink->pss != NULL && r->n_pss >= CONFIG_MAX_FINDINGS) {
        r->dropped_pss++;
    } else if (rc == 0 && r->sink->pss != NULL) {
        r->n_pss++;
        if (r->sink->pss(r->sink->u, w->o->resource, (int)w->o->kind_key->line,
                         k8s_pss_level(&v, count), (const char *const *)lines, n_lines,
                         k8s_score(w)) != 0)
            rc = strata_error_nomem(r->err);
    }
    for (size_t i = 0; i < n_lines; i++)
        free(lines[i]);
    free(lines);
    k8s_violations_free(&v);
    if (rc == 0)
        rc = k8s_rules_workload(r, w);
    return rc;
}

static int on_object(void *u, const struct k8s_object *o)
{
    struct k8s_run *r = u;
    int rc = k8s_rules_object(r, o);
    if (rc != 0)
        return rc;
    struct k8s_workload w;
    rc = k8s_workload_init(&w, o);
    if (rc < 0)
        return strata_error_nomem(r->err);
    if (rc == 0)
        return 0;
    rc = check_workload(r, &w);
    k8s_workload_free(&w);
    return rc;
}

static void run_release(struct k8s_run *r)
{
    free(r->seen);
    free(r->def);
    strmap_release(&r->netpol_ns);
    strmap_release(&r->sa_no_token);
    strmap_release(&r->seen_index);
    arena_release(&r->mem);
}

int k8s_check_source(const struct k8s_sink *sink, const struct config_source *src,
                     struct strata_error *err)
{
    return k8s_check_source_in_run(sink, NULL, NULL, src, err);
}

int k8s_check_source_in_run(const struct k8s_sink *sink, struct k8s_wide *wide, k8s_keep_fn keep,
                            const struct config_source *src, struct strata_error *err)
{
    struct k8s_run r = {.sink = sink, .src = src, .err = err, .wide = wide, .keep = keep};
    struct ky_stream *s;
    int rc = ky_open(&s, src->path, src->data, src->len, err);
    if (rc != 0)
        return rc;
    struct ky_node *root;
    while ((rc = ky_next(s, &root, err)) == 1) {
        rc = k8s_objects_each(root, on_object, &r);
        if (rc != 0)
            break;
    }
    ky_close(s);
    if (rc == 0)
        rc = k8s_rules_finish(&r);
    if ((r.dropped_findings || r.dropped_pss) && sink->dropped != NULL)
        sink->dropped(sink->u, r.dropped_findings, r.dropped_pss);
    run_release(&r);
    return rc;
}
