/* A recording sink for the Kubernetes checker tests: findings and PSS results in arrays,
 * helpers to look them up and to find where a text stands in a YAML source. */
#ifndef STRATA_TESTS_K8S_TEST_UTIL_H
#define STRATA_TESTS_K8S_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/k8s_check.h"

struct rec_finding {
    char id[64], severity[16], resource[700], message[1100];
    int line, col;
};

struct rec_pss {
    char resource[700], level[16];
    int line, score;
    char lines[32][1200];
    size_t n;
};

struct rec {
    struct rec_finding f[512];
    size_t n;
    struct rec_pss p[64];
    size_t n_pss;
    const char *only; /* id prefix to keep ("PSS-"), NULL for all */
    int pss_level;
    size_t total;                /* findings handed over, kept or not */
    size_t dropped_f, dropped_p; /* what the checker dropped beyond its bound */
};

static inline int rec_enabled(void *u, const char *id)
{
    const struct rec *r = u;
    if (r->pss_level > 0 && strncmp(id, "PSS-", 4) != 0)
        return 0;
    if (r->pss_level == 1 && strncmp(id, "PSS-RESTRICTED-", 15) == 0)
        return 0;
    return r->only == NULL || strncmp(id, r->only, strlen(r->only)) == 0;
}

static inline int rec_finding(void *u, const struct config_finding *f)
{
    struct rec *r = u;
    r->total++;
    if (r->n >= sizeof r->f / sizeof r->f[0])
        return 0;
    struct rec_finding *x = &r->f[r->n++];
    snprintf(x->id, sizeof x->id, "%s", f->id);
    snprintf(x->severity, sizeof x->severity, "%s", f->severity);
    snprintf(x->resource, sizeof x->resource, "%s", f->resource ? f->resource : "");
    snprintf(x->message, sizeof x->message, "%s", f->message);
    x->line = f->line;
    x->col = f->column;
    return 0;
}

static inline int rec_pss(void *u, const char *resource, int line, const char *level,
                          const char *const *v, size_t n, int score)
{
    struct rec *r = u;
    if (r->n_pss >= sizeof r->p / sizeof r->p[0])
        return 0;
    struct rec_pss *p = &r->p[r->n_pss++];
    snprintf(p->resource, sizeof p->resource, "%s", resource);
    snprintf(p->level, sizeof p->level, "%s", level);
    p->line = line;
    p->score = score;
    p->n = 0;
    for (size_t i = 0; i < n && i < 32; i++)
        snprintf(p->lines[p->n++], sizeof p->lines[0], "%s", v[i]);
    return 0;
}

static inline void rec_dropped(void *u, size_t findings, size_t pss)
{
    struct rec *r = u;
    r->dropped_f = findings;
    r->dropped_p = pss;
}

/* Runs the checker over text; returns its result code (err filled). */
static inline int run_k8s(struct rec *r, const char *path, const char *text, size_t len,
                          struct strata_error *err)
{
    r->n = 0;
    r->n_pss = 0;
    r->total = r->dropped_f = r->dropped_p = 0;
    struct k8s_sink sink = {r, r->pss_level, rec_enabled, rec_finding, rec_pss, rec_dropped};
    struct config_source src = {path, text, len, CONFIG_KUBERNETES};
    return k8s_check_source(&sink, &src, err);
}

static inline size_t count_id(const struct rec *r, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += strcmp(r->f[i].id, id) == 0;
    return n;
}

static inline const struct rec_finding *find_at(const struct rec *r, const char *id, int line,
                                                int col)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->f[i].id, id) == 0 && r->f[i].line == line && r->f[i].col == col)
            return &r->f[i];
    return NULL;
}

static inline const struct rec_finding *find_id(const struct rec *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->f[i].id, id) == 0)
            return &r->f[i];
    return NULL;
}

/* The 1-based line and column where needle first appears in text (0, 0 if absent). */
static inline void pos_of(const char *text, const char *needle, int *line, int *col)
{
    const char *p = strstr(text, needle);
    *line = *col = 0;
    if (p == NULL)
        return;
    *line = 1;
    const char *ls = text;
    for (const char *q = text; q < p; q++)
        if (*q == '\n') {
            (*line)++;
            ls = q + 1;
        }
    *col = (int)(p - ls) + 1;
}

static inline void dump_findings(const struct rec *r)
{
    for (size_t i = 0; i < r->n; i++)
        fprintf(stderr, "  %s %d:%d [%s] %s\n", r->f[i].id, r->f[i].line, r->f[i].col,
                r->f[i].resource, r->f[i].message);
}

#endif
