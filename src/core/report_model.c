#include "strata/report.h"

#include <stdlib.h>
#include <string.h>

struct strata_report *strata_report_new(void)
{
    return calloc(1, sizeof(struct strata_report));
}

void strata_package_clear(struct strata_package *p)
{
    free(p->name);
    free(p->version);
    free(p->type);
    free(p->arch);
    free(p->purl);
    free(p->source_name);
    free(p->source_version);
    for (size_t i = 0; i < p->n_licenses; i++)
        free(p->licenses[i]);
    free(p->licenses);
    free(p->layer_diff_id);
    free(p->db_path);
    free(p->lockfile);
    free(p->os_package);
    for (size_t i = 0; i < p->n_files; i++)
        free(p->files[i]);
    free(p->files);
    memset(p, 0, sizeof *p);
    p->layer_index = -1;
    p->direct = -1;
}

int strata_package_is_os(const struct strata_package *p)
{
    const char *t = p->type;
    return t != NULL && (!strcmp(t, "deb") || !strcmp(t, "apk") || !strcmp(t, "rpm"));
}

void strata_report_free(struct strata_report *r)
{
    if (r == NULL)
        return;
    free(r->target.name);
    free(r->target.kind);
    free(r->target.digest);
    free(r->os.family);
    free(r->os.version);
    free(r->os.codename);
    free(r->os.pretty_name);
    for (size_t i = 0; i < r->n_layers; i++) {
        free(r->layers[i].diff_id);
        free(r->layers[i].digest);
        free(r->layers[i].media_type);
        free(r->layers[i].created_by);
    }
    free(r->layers);
    for (size_t i = 0; i < r->n_packages; i++)
        strata_package_clear(&r->packages[i]);
    free(r->packages);
    strata_report_clear_vulnerabilities(r);
    strata_report_clear_misconfigurations(r);
    strata_report_clear_secrets(r);
    strata_report_clear_pss(r);
    strata_report_clear_licenses(r);
    free(r);
}

struct strata_package *strata_report_add_package(struct strata_report *r)
{
    if (r->n_packages == r->cap_packages) {
        size_t cap = r->cap_packages ? r->cap_packages * 2 : 64;
        struct strata_package *p = realloc(r->packages, cap * sizeof *p);
        if (p == NULL)
            return NULL;
        r->packages = p;
        r->cap_packages = cap;
    }
    struct strata_package *p = &r->packages[r->n_packages++];
    memset(p, 0, sizeof *p);
    p->layer_index = -1;
    p->direct = -1;
    return p;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_package(const void *va, const void *vb)
{
    const struct strata_package *a = va, *b = vb;
    int c = cmp_str(a->type, b->type);
    if (c == 0)
        c = cmp_str(a->name, b->name);
    if (c == 0)
        c = cmp_str(a->version, b->version);
    if (c == 0)
        c = cmp_str(a->arch, b->arch);
    return c;
}

void strata_report_sort_packages(struct strata_report *r)
{
    if (r->n_packages > 1)
        qsort(r->packages, r->n_packages, sizeof *r->packages, cmp_package);
}

char *strata_strdup_or_null(const char *s, int *oom)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL && oom)
        *oom = 1;
    return d;
}
