/* The report's secrets[] (src/secrets/) and licenses summary (src/licenses/). */
#include "strata/report.h"

#include <stdlib.h>
#include <string.h>

static void secret_clear(struct strata_secret *s)
{
    free(s->rule_id);
    free(s->title);
    free(s->severity);
    free(s->path);
    free(s->location);
    free(s->excerpt);
    memset(s, 0, sizeof *s);
}

void strata_report_clear_secrets(struct strata_report *r)
{
    for (size_t i = 0; i < r->n_secrets; i++)
        secret_clear(&r->secrets[i]);
    free(r->secrets);
    r->secrets = NULL;
    r->n_secrets = r->cap_secrets = 0;
}

struct strata_secret *strata_report_add_secret(struct strata_report *r)
{
    if (r->n_secrets == r->cap_secrets) {
        size_t cap = r->cap_secrets ? r->cap_secrets * 2 : 16;
        struct strata_secret *s = realloc(r->secrets, cap * sizeof *s);
        if (s == NULL)
            return NULL;
        r->secrets = s;
        r->cap_secrets = cap;
    }
    struct strata_secret *s = &r->secrets[r->n_secrets++];
    memset(s, 0, sizeof *s);
    s->layer_index = -1;
    s->in_final_fs = -1;
    s->deleted_in_layer = -1;
    return s;
}

void strata_report_keep_secrets(struct strata_report *r,
                                int (*keep)(const char *severity, void *ctx), void *ctx)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n_secrets; i++) {
        if (keep(r->secrets[i].severity, ctx))
            r->secrets[k++] = r->secrets[i];
        else
            secret_clear(&r->secrets[i]);
    }
    r->n_secrets = k;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_secret(const void *va, const void *vb)
{
    const struct strata_secret *a = va, *b = vb;
    int c = strata_severity_rank(b->severity) - strata_severity_rank(a->severity);
    if (c == 0)
        c = cmp_str(a->path, b->path);
    if (c == 0)
        c = cmp_str(a->location, b->location);
    if (c == 0)
        c = a->layer_index - b->layer_index;
    if (c == 0)
        c = a->line - b->line;
    if (c == 0)
        c = cmp_str(a->rule_id, b->rule_id);
    if (c == 0)
        c = cmp_str(a->excerpt, b->excerpt);
    return c;
}

void strata_report_sort_secrets(struct strata_report *r)
{
    if (r->n_secrets > 1)
        qsort(r->secrets, r->n_secrets, sizeof *r->secrets, cmp_secret);
}

void strata_report_clear_licenses(struct strata_report *r)
{
    for (size_t i = 0; i < r->n_licenses; i++) {
        free(r->licenses[i].license);
        free(r->licenses[i].category);
    }
    free(r->licenses);
    r->licenses = NULL;
    r->n_licenses = 0;
    r->n_denied_license_packages = 0;
}
