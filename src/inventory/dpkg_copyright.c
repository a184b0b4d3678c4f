/* dpkg copyright analyzer: the licenses of installed Debian packages, from
 * usr/share/doc/<package>/copyright (DEP-5 License fields, or the license texts of a free-form
 * file; src/licenses/debian_copyright.c). Each layer's copyright files are parsed in its worker
 * thread; finish gives every deb package of the report (the dpkg analyzer's, which runs
 * before) the licenses of the copy a reader of the final filesystem would see. Debian links
 * /usr/share/doc/<package> to another package's directory for packages built from one
 * source: such a path is followed through the view. See docs/licenses.md. */
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/strmap.h"
#include "inventory/attribution.h"
#include "core/vec.h"
#include "licenses/debian_copyright.h"
#include "strata/analyzer.h"

#define DOC_DIR "usr/share/doc/"
#define COPYRIGHT "/copyright"

struct copyright_file {
    char *path;
    char **licenses;
    size_t n;
};

struct copyright_layer {
    struct copyright_file *files;
    size_t n, cap;
    struct strmap by_path; /* files[].path -> index + 1 */
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct copyright_layer));
}

static void file_clear_licenses(struct copyright_file *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->licenses[i]);
    free(f->licenses);
    f->licenses = NULL;
    f->n = 0;
}

static void layer_free(void *state)
{
    struct copyright_layer *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        file_clear_licenses(&l->files[i]);
        free(l->files[i].path);
    }
    free(l->files);
    strmap_release(&l->by_path);
    free(l);
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct copyright_layer *l = state;
    struct deb_copyright c;
    if (deb_copyright_parse(f->data, f->len, &c) != 0)
        return strata_error_nomem(err);
    struct copyright_file *slot;
    uintptr_t seen = (uintptr_t)strmap_get(&l->by_path, f->path);
    if (seen != 0) {
        /* the same path twice in a layer: the later member wins, as on extraction */
        slot = &l->files[seen - 1];
        file_clear_licenses(slot);
    } else {
        struct copyright_file *v = vec_grow(l->files, l->n, &l->cap, sizeof *v);
        char *path = v ? strdup(f->path) : NULL;
        if (v != NULL)
            l->files = v;
        if (path == NULL) {
            deb_copyright_free(&c);
            return strata_error_nomem(err);
        }
        slot = &l->files[l->n++];
        memset(slot, 0, sizeof *slot);
        slot->path = path;
        if (strmap_put(&l->by_path, slot->path, (void *)(uintptr_t)l->n) != 0) {
            deb_copyright_free(&c);
            return strata_error_nomem(err);
        }
    }
    slot->licenses = c.licenses;
    slot->n = c.n_licenses;
    c.licenses = NULL;
    c.n_licenses = 0;
    deb_copyright_free(&c);
    return 0;
}

/* The parsed copy of path that the final view shows, following a symlinked doc directory. */
static const struct copyright_file *visible(void *const *states, size_t n_states,
                                            const struct strata_view *view,
                                            const struct strata_report *r, const char *path)
{
    long s = inventory_visible_file(view, path, n_states, r);
    char resolved[4096];
    if (s < 0) {
        struct strata_error tmp = {0};
        if (strata_view_resolve(view, path, resolved, sizeof resolved, &tmp) != 0 ||
            strcmp(resolved, path) == 0)
            return NULL;
        path = resolved;
        s = inventory_visible_file(view, path, n_states, r);
    }
    if (s < 0 || states[s] == NULL)
        return NULL;
    const struct copyright_layer *l = states[s];
    uintptr_t at = (uintptr_t)strmap_get(&l->by_path, path);
    return at ? &l->files[at - 1] : NULL;
}

static int set_licenses(struct strata_package *p, const struct copyright_file *f)
{
    p->licenses = calloc(f->n, sizeof *p->licenses);
    if (p->licenses == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < f->n; i++) {
        p->licenses[i] = strdup(f->licenses[i]);
        if (p->licenses[i] == NULL)
            return STRATA_ENOMEM; /* the report frees what was set */
        p->n_licenses++;
    }
    return 0;
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    struct strbuf path = STRBUF_INIT;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < report->n_packages; i++) {
        struct strata_package *p = &report->packages[i];
        if (p->type == NULL || strcmp(p->type, "deb") != 0 || p->name == NULL || p->n_licenses > 0)
            continue;
        size_t nl = strcspn(p->name, ":"); /* "libc6:amd64" names the same directory */
        if (nl == 0 || memchr(p->name, '/', nl) != NULL || (nl <= 2 && p->name[0] == '.'))
            continue;
        strbuf_reset(&path);
        if (strbuf_adds(&path, DOC_DIR) || strbuf_add(&path, p->name, nl) ||
            strbuf_adds(&path, COPYRIGHT)) {
            rc = STRATA_ENOMEM;
            break;
        }
        const struct copyright_file *f = visible(states, n_states, view, report, path.buf);
        if (f != NULL && f->n > 0)
            rc = set_licenses(p, f);
    }
    strbuf_release(&path);
    return rc ? strata_error_nomem(err) : 0;
}

static const struct strata_match copyright_matches[] = {
    {STRATA_MATCH_GLOB, DOC_DIR "*" COPYRIGHT},
    {STRATA_MATCH_END, NULL},
};

/* Must run after strata_analyzer_dpkg: it annotates the packages that one adds. */
const struct strata_analyzer strata_analyzer_dpkg_copyright = {
    .name = "dpkg-copyright",
    .pkg_types = STRATA_PKG_OS,
    .matches = copyright_matches,
    .max_file_size = DEB_COPYRIGHT_MAX_BYTES,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
