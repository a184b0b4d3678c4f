/* The report's misconfigurations[]: image-hardening findings (src/checks/). */
#include "strata/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void misconf_clear(struct strata_misconfiguration *m)
{
    free(m->id);
    free(m->cis);
    free(m->title);
    free(m->severity);
    free(m->path);
    free(m->message);
    free(m->remediation);
    free(m->evidence);
    free(m->resource);
    memset(m, 0, sizeof *m);
    m->layer_index = -1;
}

void strata_report_clear_misconfigurations(struct strata_report *r)
{
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        misconf_clear(&r->misconfigurations[i]);
    free(r->misconfigurations);
    r->misconfigurations = NULL;
    r->n_misconfigurations = r->cap_misconfigurations = 0;
}

struct strata_misconfiguration *strata_report_add_misconfiguration(struct strata_report *r)
{
    if (r->n_misconfigurations == r->cap_misconfigurations) {
        size_t cap = r->cap_misconfigurations ? r->cap_misconfigurations * 2 : 16;
        struct strata_misconfiguration *m = realloc(r->misconfigurations, cap * sizeof *m);
        if (m == NULL)
            return NULL;
        r->misconfigurations = m;
        r->cap_misconfigurations = cap;
    }
    struct strata_misconfiguration *m = &r->misconfigurations[r->n_misconfigurations++];
    memset(m, 0, sizeof *m);
    m->layer_index = -1;
    return m;
}

int strata_report_add_misconf(struct strata_report *r, const char *id, const char *cis,
                              const char *title, const char *severity, const char *path,
                              int layer_index, const char *message, const char *remediation,
                              const char *evidence)
{
    struct strata_misconfiguration *m = strata_report_add_misconfiguration(r);
    if (m == NULL)
        return STRATA_ENOMEM;
    int oom = 0;
    m->id = strata_strdup_or_null(id, &oom);
    m->cis = strata_strdup_or_null(cis, &oom);
    m->title = strata_strdup_or_null(title, &oom);
    m->severity = strata_strdup_or_null(severity, &oom);
    m->path = strata_strdup_or_null(path, &oom);
    m->layer_index = layer_index < 0 ? -1 : layer_index;
    m->message = strata_strdup_or_null(message, &oom);
    m->remediation = strata_strdup_or_null(remediation, &oom);
    m->evidence = strata_strdup_or_null(evidence, &oom);
    if (oom) {
        misconf_clear(m);
        r->n_misconfigurations--;
        return STRATA_ENOMEM;
    }
    return 0;
}

int strata_report_add_misconf_at(struct strata_report *r, const char *id, const char *cis,
                                 const char *title, const char *severity, const char *path,
                                 int line, int column, const char *resource, const char *message,
                                 const char *remediation)
{
    /* evidence is never null in v1 reports: here it is the position, "file:line:col" */
    char *evidence = NULL;
    int n = line > 0 ? asprintf(&evidence, "%s:%d:%d", path, line, column > 0 ? column : 1)
                     : asprintf(&evidence, "%s", path);
    if (n < 0)
        return STRATA_ENOMEM;
    int rc = strata_report_add_misconf(r, id, cis, title, severity, path, -1, message, remediation,
                                       evidence);
    free(evidence);
    if (rc != 0)
        return rc;
    struct strata_misconfiguration *m = &r->misconfigurations[r->n_misconfigurations - 1];
    m->line = line > 0 ? line : 0;
    m->column = column > 0 ? column : 0;
    if (resource != NULL && (m->resource = strdup(resource)) == NULL)
        return STRATA_ENOMEM;
    return 0;
}

struct strata_pss_result *strata_report_add_pss(struct strata_report *r)
{
    if (r->n_pss == r->cap_pss) {
        size_t cap = r->cap_pss ? r->cap_pss * 2 : 16;
        struct strata_pss_result *p = realloc(r->pss, cap * sizeof *p);
        if (p == NULL)
            return NULL;
        r->pss = p;
        r->cap_pss = cap;
    }
    struct strata_pss_result *p = &r->pss[r->n_pss++];
    memset(p, 0, sizeof *p);
    return p;
}

void strata_report_clear_pss(struct strata_report *r)
{
    for (size_t i = 0; i < r->n_pss; i++) {
        struct strata_pss_result *p = &r->pss[i];
        free(p->resource);
        free(p->path);
        free(p->level_satisfied);
        for (size_t k = 0; k < p->n_violations; k++)
            free(p->violations[k]);
        free(p->violations);
    }
    free(r->pss);
    r->pss = NULL;
    r->n_pss = r->cap_pss = 0;
}

void strata_report_keep_misconfigurations(struct strata_report *r,
                                          int (*keep)(const char *severity, void *ctx), void *ctx)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n_misconfigurations; i++) {
        if (keep(r->misconfigurations[i].severity, ctx))
            r->misconfigurations[k++] = r->misconfigurations[i];
        else
            misconf_clear(&r->misconfigurations[i]);
    }
    r->n_misconfigurations = k;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_misconf(const void *va, const void *vb)
{
    const struct strata_misconfiguration *a = va, *b = vb;
    int c = strata_severity_rank(b->severity) - strata_severity_rank(a->severity);
    /* numbers in ids in number order: CIS-DOCKER-5.3 before CIS-DOCKER-5.25 */
    if (c == 0)
        c = strverscmp(a->id ? a->id : "", b->id ? b->id : "");
    if (c == 0)
        c = cmp_str(a->path, b->path);
    if (c == 0)
        c = a->line - b->line;
    if (c == 0)
        c = a->column - b->column;
    if (c == 0)
        c = cmp_str(a->evidence, b->evidence);
    if (c == 0)
        c = cmp_str(a->message, b->message);
    return c;
}

void strata_report_sort_misconfigurations(struct strata_report *r)
{
    if (r->n_misconfigurations > 1)
        qsort(r->misconfigurations, r->n_misconfigurations, sizeof *r->misconfigurations,
              cmp_misconf);
}
