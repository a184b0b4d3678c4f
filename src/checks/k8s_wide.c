/* The Kubernetes checker's run-wide state (docs/config-kubernetes.md, "Across files"): a
 * NetworkPolicy or a ServiceAccount usually lives in another file than the workloads it
 * covers, so K8S-017 and K8S-009 are settled by every file of the run. At the end of each file
 * its NetworkPolicy namespaces and token-less ServiceAccounts join the run's sets, and its
 * findings the run has not settled yet are held with a kept copy of the file (so the path and
 * the file's suppression comments still apply); after the last file, the held findings still
 * unsettled are reported.
 *
 * Memory: the sets hold each namespace and ServiceAccount key once; a held finding is its
 * resource name, its key and a position, and a file is kept only when it has a held finding.
 * Held findings per file are bounded by what the file may still report (CONFIG_MAX_FINDINGS
 * less the findings of its own pass); the rest are counted as dropped. */
#include <stdlib.h>
#include <string.h>

#include "checks/k8s_check.h"

struct wide_file {
    const struct config_source *src; /* kept until the end of the run */
    size_t n_findings;               /* reported for the file so far */
};

struct wide_held_sa {
    struct k8s_deferred d; /* strings in the run's arena */
    size_t file;
};

struct wide_held_ns {
    struct k8s_ns_seen s;
    size_t file;
};

struct k8s_wide {
    struct arena mem;
    struct strmap netpol_ns;   /* namespaces with a NetworkPolicy in some file */
    struct strmap sa_no_token; /* "ns/name" of ServiceAccounts with automount false */
    struct strmap ns_seen;     /* namespaces whose first workload was seen */
    struct wide_file *files;
    size_t n_files, cap_files;
    struct wide_held_sa *sa;
    size_t n_sa, cap_sa;
    struct wide_held_ns *ns;
    size_t n_ns, cap_ns;
    size_t dropped; /* held findings over a file's bound */
};

struct k8s_wide *k8s_wide_new(void)
{
    return calloc(1, sizeof(struct k8s_wide));
}

void k8s_wide_free(struct k8s_wide *w)
{
    if (w == NULL)
        return;
    strmap_release(&w->netpol_ns);
    strmap_release(&w->sa_no_token);
    strmap_release(&w->ns_seen);
    free(w->files);
    free(w->sa);
    free(w->ns);
    arena_release(&w->mem);
    free(w);
}

/* Grows an array of *cap elements of size sz to hold one more. 0 or -1. */
static int grow(void **arr, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *a = realloc(*arr, c * sz);
    if (a == NULL)
        return -1;
    *arr = a;
    *cap = c;
    return 0;
}

/* Adds the keys of a file's set to the run's (keys copied into the run's arena). */
static int merge_set(struct k8s_wide *w, struct strmap *into, const struct strmap *from)
{
    for (size_t i = 0; i < from->cap; i++) {
        const char *k = from->slots[i].key;
        if (k == NULL || strmap_get(into, k) != NULL)
            continue;
        char *c = arena_strdup(&w->mem, k);
        if (c == NULL || strmap_put(into, c, c) != 0)
            return -1;
    }
    return 0;
}

/* Copies a held finding's strings into the run's arena. */
static int hold_sa(struct k8s_wide *w, const struct k8s_deferred *d, size_t file)
{
    if (grow((void **)&w->sa, w->n_sa, &w->cap_sa, sizeof *w->sa) != 0)
        return -1;
    struct wide_held_sa *h = &w->sa[w->n_sa];
    h->d = *d;
    h->file = file;
    h->d.sa_key = arena_strdup(&w->mem, d->sa_key);
    h->d.resource = arena_strdup(&w->mem, d->resource);
    if (h->d.sa_key == NULL || h->d.resource == NULL)
        return -1;
    w->n_sa++;
    return 0;
}

static int hold_ns(struct k8s_wide *w, const struct k8s_ns_seen *s, size_t file)
{
    if (grow((void **)&w->ns, w->n_ns, &w->cap_ns, sizeof *w->ns) != 0)
        return -1;
    struct wide_held_ns *h = &w->ns[w->n_ns];
    h->s = *s;
    h->file = file;
    h->s.ns = arena_strdup(&w->mem, s->ns);
    h->s.resource = arena_strdup(&w->mem, s->resource);
    if (h->s.ns == NULL || h->s.resource == NULL)
        return -1;
    w->n_ns++;
    return 0;
}

static int add_file(struct k8s_wide *w, struct k8s_run *r)
{
    if (merge_set(w, &w->netpol_ns, &r->netpol_ns) != 0 ||
        merge_set(w, &w->sa_no_token, &r->sa_no_token) != 0)
        return -1;
    /* what this file may still report, as it would have reported it alone */
    size_t budget = r->n_findings < CONFIG_MAX_FINDINGS ? CONFIG_MAX_FINDINGS - r->n_findings : 0;
    size_t held = 0, file = w->n_files;
    for (size_t i = 0; i < r->n_def; i++) {
        const struct k8s_deferred *d = &r->def[i];
        if (strmap_get(&w->sa_no_token, d->sa_key) != NULL)
            continue;
        if (held == budget) {
            w->dropped++;
            continue;
        }
        if (hold_sa(w, d, file) != 0)
            return -1;
        held++;
    }
    for (size_t i = 0; i < r->n_seen; i++) {
        const struct k8s_ns_seen *s = &r->seen[i];
        /* the run's first workload of a namespace speaks for it */
        if (strmap_get(&w->ns_seen, s->ns) != NULL)
            continue;
        char *key = arena_strdup(&w->mem, s->ns);
        if (key == NULL || strmap_put(&w->ns_seen, key, key) != 0)
            return -1;
        if (strmap_get(&w->netpol_ns, s->ns) != NULL)
            continue;
        if (held == budget) {
            w->dropped++;
            continue;
        }
        if (hold_ns(w, s, file) != 0)
            return -1;
        held++;
    }
    if (held == 0)
        return 0;
    if (grow((void **)&w->files, w->n_files, &w->cap_files, sizeof *w->files) != 0)
        return -1;
    const struct config_source *kept = r->keep ? r->keep(r->sink->u, r->src) : r->src;
    if (kept == NULL)
        return -1;
    w->files[w->n_files++] = (struct wide_file){kept, r->n_findings};
    return 0;
}

int k8s_wide_add_file(struct k8s_wide *w, struct k8s_run *r)
{
    size_t n_sa = w->n_sa, n_ns = w->n_ns;
    if (add_file(w, r) == 0)
        return 0;
    /* nothing held for a file that has no kept copy, should the run still be finished */
    w->n_sa = n_sa;
    w->n_ns = n_ns;
    return strata_error_nomem(r->err);
}

/* Reports f about file i unless the file is over its bound. */
static int report_in(struct k8s_wide *w, size_t i, const struct config_finding *f,
                     int (*report)(void *, const struct config_source *,
                                   const struct config_finding *),
                     void *u)
{
    struct wide_file *file = &w->files[i];
    if (file->n_findings >= CONFIG_MAX_FINDINGS) {
        w->dropped++;
        return 0;
    }
    file->n_findings++;
    return report(u, file->src, f);
}

int k8s_wide_finish(struct k8s_wide *w,
                    int (*report)(void *u, const struct config_source *src,
                                  const struct config_finding *f),
                    void *u, size_t *dropped)
{
    char msg[1024], res[K8S_NAME_MAX + 16];
    struct config_finding f;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < w->n_sa; i++) {
        const struct wide_held_sa *h = &w->sa[i];
        if (strmap_get(&w->sa_no_token, h->d.sa_key) != NULL)
            continue;
        k8s_automount_finding(&h->d, msg, sizeof msg, &f);
        rc = report_in(w, h->file, &f, report, u);
    }
    for (size_t i = 0; rc == 0 && i < w->n_ns; i++) {
        const struct wide_held_ns *h = &w->ns[i];
        if (strmap_get(&w->netpol_ns, h->s.ns) != NULL)
            continue;
        k8s_netpol_finding(&h->s, res, sizeof res, msg, sizeof msg, &f);
        rc = report_in(w, h->file, &f, report, u);
    }
    *dropped = w->dropped;
    return rc;
}
