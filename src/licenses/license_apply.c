/* The report's license pass (strata_licenses_apply): packages' licenses[] as canonical SPDX
 * expressions, the per-license summary, and the --license-deny count. */
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "licenses/license_internal.h"

/* The expression of one stated license: parsed, or one LicenseRef- when it does not parse.
 * Returns 0 with *out NULL for a blank entry; STRATA_ENOMEM. */
static int entry_expr(const char *s, struct strata_license_expr **out)
{
    *out = NULL;
    size_t n = strlen(s), i = 0;
    while (i < n && strchr(" \t\r\n\f\v", s[i]) != NULL)
        i++;
    if (i == n)
        return 0;
    struct strata_error err = {0};
    int rc = strata_license_parse(s, n, out, &err);
    if (rc == STRATA_ENOMEM)
        return rc;
    if (rc == 0)
        return 0;
    char *text = strata_license_normalize_lenient(s, n);
    if (text == NULL)
        return STRATA_ENOMEM;
    *out = lic_leaf(text, NULL);
    return *out ? 0 : STRATA_ENOMEM;
}

int strata_license_package_denied(const struct strata_package *p, const char *const *deny)
{
    if (deny == NULL)
        return 0;
    int denied = 0;
    for (size_t i = 0; !denied && i < p->n_licenses; i++) {
        struct strata_license_expr *e;
        if (p->licenses[i] == NULL || entry_expr(p->licenses[i], &e) != 0 || e == NULL)
            continue;
        denied = strata_license_expr_denied(e, deny);
        strata_license_expr_free(e);
    }
    return denied;
}

struct tally {
    struct strmap index; /* license id -> position + 1 in list */
    struct strata_license_count *list;
    size_t n, cap;
    size_t pkg;       /* the package being counted, + 1 */
    size_t *last_pkg; /* per list entry: the last package counted for it */
};

static int count_id(struct tally *t, const char *id)
{
    uintptr_t at = (uintptr_t)strmap_get(&t->index, id);
    if (at != 0) {
        if (t->last_pkg[at - 1] != t->pkg) {
            t->last_pkg[at - 1] = t->pkg;
            t->list[at - 1].packages++;
        }
        return 0;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        struct strata_license_count *v = realloc(t->list, cap * sizeof *v);
        if (v == NULL)
            return STRATA_ENOMEM;
        t->list = v;
        size_t *lp = realloc(t->last_pkg, cap * sizeof *lp);
        if (lp == NULL)
            return STRATA_ENOMEM;
        t->last_pkg = lp;
        t->cap = cap;
    }
    struct strata_license_count *c = &t->list[t->n];
    memset(c, 0, sizeof *c);
    c->license = strdup(id);
    c->category = strdup(strata_license_category(id));
    if (c->license == NULL || c->category == NULL) {
        free(c->license);
        free(c->category);
        return STRATA_ENOMEM;
    }
    c->packages = 1;
    t->last_pkg[t->n] = t->pkg;
    t->n++;
    return strmap_put(&t->index, c->license, (void *)(uintptr_t)t->n);
}

static int count_expr(struct tally *t, const struct strata_license_expr *e)
{
    if (e->kind == STRATA_LICENSE_ID)
        return count_id(t, e->id);
    for (size_t i = 0; i < e->n_terms; i++) {
        int rc = count_expr(t, e->terms[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Rewrites p's licenses[] as canonical expressions without duplicates; counts the ids and
 * tells whether the package is denied. */
static int package_pass(struct strata_package *p, struct tally *t, const char *const *deny,
                        int *denied)
{
    size_t kept = 0;
    int rc = 0;
    for (size_t i = 0; i < p->n_licenses; i++) {
        char *old = p->licenses[i];
        p->licenses[i] = NULL;
        struct strata_license_expr *e = NULL;
        char *text = NULL;
        if (rc == 0 && old != NULL)
            rc = entry_expr(old, &e);
        free(old);
        if (e != NULL) {
            text = strata_license_expr_string(e);
            if (text == NULL)
                rc = STRATA_ENOMEM;
        }
        for (size_t k = 0; text && k < kept; k++)
            if (strcmp(p->licenses[k], text) == 0) {
                free(text);
                text = NULL;
            }
        if (text != NULL) {
            p->licenses[kept++] = text;
            if (rc == 0)
                rc = count_expr(t, e);
            if (deny != NULL && strata_license_expr_denied(e, deny))
                *denied = 1;
        }
        strata_license_expr_free(e);
    }
    p->n_licenses = kept;
    if (kept == 0) {
        free(p->licenses);
        p->licenses = NULL;
    }
    return rc;
}

static int cmp_count(const void *a, const void *b)
{
    const struct strata_license_count *x = a, *y = b;
    if (x->packages != y->packages)
        return x->packages > y->packages ? -1 : 1;
    return strcmp(x->license, y->license);
}

int strata_licenses_apply(struct strata_report *r, const char *const *deny,
                          struct strata_error *err)
{
    strata_report_clear_licenses(r);
    struct tally t;
    memset(&t, 0, sizeof t);
    int rc = 0;
    size_t n_denied = 0;
    for (size_t i = 0; rc == 0 && i < r->n_packages; i++) {
        int denied = 0;
        t.pkg = i + 1;
        rc = package_pass(&r->packages[i], &t, deny, &denied);
        r->packages[i].license_denied = denied != 0;
        n_denied += denied != 0;
    }
    strmap_release(&t.index);
    free(t.last_pkg);
    if (rc != 0) {
        for (size_t i = 0; i < t.n; i++) {
            free(t.list[i].license);
            free(t.list[i].category);
        }
        free(t.list);
        return strata_error_nomem(err);
    }
    for (size_t i = 0; i < t.n; i++)
        t.list[i].denied = strata_license_id_denied(t.list[i].license, deny);
    if (t.n > 1)
        qsort(t.list, t.n, sizeof *t.list, cmp_count);
    r->licenses = t.list;
    r->n_licenses = t.n;
    r->n_denied_license_packages = n_denied;
    return 0;
}
