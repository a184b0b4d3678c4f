#include "inventory/os_owner.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/path.h"
#include "core/strmap.h"

static int is_os_type(const char *t)
{
    return t && (!strcmp(t, "deb") || !strcmp(t, "apk") || !strcmp(t, "rpm"));
}

/* Maps path (no leading '/') and, when it differs, its symlink-resolved form to owner. */
static int add_owned(struct strmap *m, struct arena *a, const struct strata_view *view,
                     const char *file, const char *owner)
{
    while (*file == '/')
        file++;
    if (*file == '\0')
        return 0;
    char resolved[STRATA_PATH_MAX];
    struct strata_error ignored = {0};
    const char *keys[2] = {file, NULL};
    /* Lists name paths as the package ships them ("/lib/x" on a merged-/usr system, or a
     * symlink): the file a scan found is the resolved one. */
    if (strata_view_resolve(view, file, resolved, sizeof resolved, &ignored) == 0 &&
        strcmp(resolved, file) != 0)
        keys[1] = resolved;
    for (int i = 0; i < 2 && keys[i]; i++) {
        if (strmap_get(m, keys[i]) != NULL)
            continue; /* the first owner listed wins (dpkg forbids two anyway) */
        char *k = arena_strdup(a, keys[i]);
        if (k == NULL || strmap_put(m, k, (void *)owner) != 0)
            return STRATA_ENOMEM;
    }
    return 0;
}

static const char *owner_of(const struct strmap *m, const char *db_path)
{
    while (*db_path == '/')
        db_path++;
    const char *bang = strstr(db_path, "!/");
    size_t n = bang ? (size_t)(bang - db_path) : strlen(db_path);
    return strmap_getn(m, db_path, n);
}

int inventory_mark_os_owned(struct strata_report *r, const struct strata_view *view,
                            struct strata_error *err)
{
    int any_lang = 0;
    for (size_t i = 0; i < r->n_packages && !any_lang; i++)
        any_lang = !is_os_type(r->packages[i].type) && r->packages[i].db_path != NULL;
    if (!any_lang)
        return 0;
    struct strmap owned = STRMAP_INIT;
    struct arena keys = ARENA_INIT;
    int rc = 0;
    for (size_t i = 0; i < r->n_packages && rc == 0; i++) {
        const struct strata_package *p = &r->packages[i];
        if (!is_os_type(p->type) || p->name == NULL)
            continue;
        for (size_t f = 0; f < p->n_files && rc == 0; f++)
            rc = add_owned(&owned, &keys, view, p->files[f], p->name);
    }
    for (size_t i = 0; i < r->n_packages && rc == 0; i++) {
        struct strata_package *p = &r->packages[i];
        if (is_os_type(p->type) || p->db_path == NULL || p->os_package != NULL)
            continue;
        const char *owner = owned.len ? owner_of(&owned, p->db_path) : NULL;
        if (owner != NULL && (p->os_package = strdup(owner)) == NULL)
            rc = STRATA_ENOMEM;
    }
    strmap_release(&owned);
    arena_release(&keys);
    return rc == 0 ? 0 : strata_error_nomem(err);
}
