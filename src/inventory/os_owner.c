#include "inventory/os_owner.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/path.h"
#include "core/strmap.h"

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static const char *skip_slashes(const char *p)
{
    while (*p == '/')
        p++;
    return p;
}

/* The path a listed file stands for in the view: itself, or what its symlinks resolve to.
 * Resolution (a walk through the view) is only done when it can matter: the listed name is
 * one we look for (merged /usr: "bin/su" is "usr/bin/su"), or the listed file is itself a
 * symlink, whose target may carry another name ("a-1.0.jar" -> "a.jar"). */
static int owner_slot(const struct strmap *by_path, const struct strmap *by_base,
                      const struct strata_view *view, const char *file, char *resolved)
{
    uintptr_t at = (uintptr_t)strmap_get(by_path, file);
    if (at != 0)
        return (int)at;
    struct strata_node_info ni;
    int wanted = strmap_get(by_base, base_name(file)) != NULL;
    if (!wanted && !(strata_view_lookup(view, file, &ni) == 0 && ni.type == STRATA_FT_SYMLINK))
        return 0;
    struct strata_error ignored = {0};
    if (strata_view_resolve(view, file, resolved, STRATA_PATH_MAX, &ignored) != 0)
        return 0;
    return (int)(uintptr_t)strmap_get(by_path, resolved);
}

int inventory_os_owners(const struct strata_report *r, const struct strata_view *view,
                        const char *const *paths, size_t n, const char **owners)
{
    /* by_path: path -> index + 1 of its first occurrence; by_base: base names looked for. */
    struct strmap by_path = STRMAP_INIT, by_base = STRMAP_INIT;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        owners[i] = NULL;
        const char *p = skip_slashes(paths[i]);
        if (strmap_get(&by_path, p) == NULL)
            rc = strmap_put(&by_path, p, (void *)(uintptr_t)(i + 1));
        if (rc == 0)
            rc = strmap_put(&by_base, base_name(p), (void *)1);
    }
    char resolved[STRATA_PATH_MAX];
    for (size_t i = 0; i < r->n_packages && rc == 0 && n > 0; i++) {
        const struct strata_package *p = &r->packages[i];
        if (!strata_package_is_os(p) || p->name == NULL)
            continue;
        for (size_t f = 0; f < p->n_files; f++) {
            if (p->files[f] == NULL)
                continue;
            int at = owner_slot(&by_path, &by_base, view, skip_slashes(p->files[f]), resolved);
            if (at > 0 && owners[at - 1] == NULL)
                owners[at - 1] = p->name; /* the first listing wins (dpkg forbids two) */
        }
    }
    /* Repeated paths share their first occurrence's owner. */
    for (size_t i = 0; i < n && rc == 0; i++) {
        uintptr_t first = (uintptr_t)strmap_get(&by_path, skip_slashes(paths[i]));
        owners[i] = owners[first - 1];
    }
    strmap_release(&by_path);
    strmap_release(&by_base);
    return rc;
}

int inventory_mark_os_owned(struct strata_report *r, const struct strata_view *view,
                            struct strata_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_packages; i++)
        n += !strata_package_is_os(&r->packages[i]) && r->packages[i].db_path != NULL;
    if (n == 0)
        return 0;
    /* A nested archive ("a.war!/WEB-INF/lib/b.jar") is owned through its outer file. */
    char **paths = calloc(n, sizeof *paths);
    const char **owners = calloc(n, sizeof *owners);
    size_t k = 0;
    int rc = paths && owners ? 0 : STRATA_ENOMEM;
    for (size_t i = 0; i < r->n_packages && rc == 0; i++) {
        const struct strata_package *p = &r->packages[i];
        if (strata_package_is_os(p) || p->db_path == NULL)
            continue;
        const char *bang = strstr(p->db_path, "!/");
        paths[k] = bang ? strndup(p->db_path, (size_t)(bang - p->db_path)) : strdup(p->db_path);
        rc = paths[k++] ? 0 : STRATA_ENOMEM;
    }
    if (rc == 0)
        rc = inventory_os_owners(r, view, (const char *const *)paths, n, owners);
    k = 0;
    for (size_t i = 0; i < r->n_packages && rc == 0; i++) {
        struct strata_package *p = &r->packages[i];
        if (strata_package_is_os(p) || p->db_path == NULL)
            continue;
        const char *owner = owners[k++];
        if (owner != NULL && p->os_package == NULL && (p->os_package = strdup(owner)) == NULL)
            rc = STRATA_ENOMEM;
    }
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
    free(owners);
    return rc == 0 ? 0 : strata_error_nomem(err);
}
