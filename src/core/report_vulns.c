/* The vulnerabilities part of the result model: findings appended by the matcher, marked by
 * the gate, read by the reporters. */
#include <stdlib.h>
#include <string.h>

#include "strata/report.h"

static void vulnerability_clear(struct strata_vulnerability *v)
{
    free(v->id);
    for (size_t i = 0; i < v->n_aliases; i++)
        free(v->aliases[i]);
    free(v->aliases);
    free(v->package_name);
    free(v->package_version);
    free(v->package_type);
    free(v->package_purl);
    free(v->source_name);
    free(v->fixed_version);
    free(v->status);
    free(v->severity);
    free(v->severity_source);
    free(v->cvss_vector);
    free(v->title);
    free(v->layer_diff_id);
    free(v->data_source);
    free(v->suppressed_by);
    free(v->suppression_reason);
}

void strata_report_clear_vulnerabilities(struct strata_report *r)
{
    for (size_t i = 0; i < r->n_vulnerabilities; i++)
        vulnerability_clear(&r->vulnerabilities[i]);
    free(r->vulnerabilities);
    r->vulnerabilities = NULL;
    r->n_vulnerabilities = r->cap_vulnerabilities = 0;
    free(r->vuln_scan.db_path);
    free(r->vuln_scan.db_built_at);
    for (size_t i = 0; i < r->vuln_scan.n_warnings; i++)
        free(r->vuln_scan.warnings[i]);
    free(r->vuln_scan.warnings);
    memset(&r->vuln_scan, 0, sizeof r->vuln_scan);
}

struct strata_vulnerability *strata_report_add_vulnerability(struct strata_report *r)
{
    if (r->n_vulnerabilities == r->cap_vulnerabilities) {
        size_t cap = r->cap_vulnerabilities ? r->cap_vulnerabilities * 2 : 64;
        struct strata_vulnerability *v = realloc(r->vulnerabilities, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        r->vulnerabilities = v;
        r->cap_vulnerabilities = cap;
    }
    struct strata_vulnerability *v = &r->vulnerabilities[r->n_vulnerabilities++];
    memset(v, 0, sizeof *v);
    v->cvss_score = -1;
    v->layer_index = -1;
    return v;
}

void strata_report_keep_vulnerabilities(struct strata_report *r,
                                        int (*keep)(const struct strata_vulnerability *v,
                                                    void *ctx),
                                        void *ctx)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n_vulnerabilities; i++) {
        if (keep(&r->vulnerabilities[i], ctx))
            r->vulnerabilities[k++] = r->vulnerabilities[i];
        else
            vulnerability_clear(&r->vulnerabilities[i]);
    }
    r->n_vulnerabilities = k;
}

int strata_report_add_vuln_warning(struct strata_report *r, const char *msg)
{
    char **w = realloc(r->vuln_scan.warnings, (r->vuln_scan.n_warnings + 1) * sizeof *w);
    if (w == NULL)
        return STRATA_ENOMEM;
    r->vuln_scan.warnings = w;
    if ((w[r->vuln_scan.n_warnings] = strdup(msg)) == NULL)
        return STRATA_ENOMEM;
    r->vuln_scan.n_warnings++;
    return 0;
}

int strata_severity_rank(const char *s)
{
    if (s == NULL)
        return 0;
    if (strcmp(s, "CRITICAL") == 0)
        return 4;
    if (strcmp(s, "HIGH") == 0)
        return 3;
    if (strcmp(s, "MEDIUM") == 0)
        return 2;
    if (strcmp(s, "LOW") == 0)
        return 1;
    return 0;
}

static int cmp_vulnerability(const void *va, const void *vb)
{
    const struct strata_vulnerability *a = va, *b = vb;
    int c = strata_severity_rank(b->severity) - strata_severity_rank(a->severity);
    if (c == 0)
        c = strcmp(a->package_name ? a->package_name : "", b->package_name ? b->package_name : "");
    if (c == 0)
        c = strcmp(a->id ? a->id : "", b->id ? b->id : "");
    if (c == 0)
        c = strcmp(a->package_version ? a->package_version : "",
                   b->package_version ? b->package_version : "");
    return c;
}

void strata_report_sort_vulnerabilities(struct strata_report *r)
{
    if (r->n_vulnerabilities > 1)
        qsort(r->vulnerabilities, r->n_vulnerabilities, sizeof *r->vulnerabilities,
              cmp_vulnerability);
}
