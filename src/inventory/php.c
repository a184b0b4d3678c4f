/* PHP (Composer) analyzer: the packages Composer installed (<root>/vendor/composer/
 * installed.json, Composer 1 and 2) and, in filesystems, the packages a project locks
 * (<root>/composer.lock). Per project root: images report installed.json, or composer.lock
 * where no installed.json is visible next to it; `strata fs` reports composer.lock, or
 * installed.json where there is no lockfile. <root>/composer.json, when readable, says which
 * packages are direct (require, require-dev). See docs/inventory-php.md. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "inventory/kept_files.h"
#include "inventory/lang_package.h"
#include "inventory/php_parse.h"
#include "strata/analyzer.h"

#define INSTALLED "vendor/composer/installed.json"
#define INSTALLED_LEN (sizeof INSTALLED - 1)

enum { K_INSTALLED = 1, K_LOCK, K_MANIFEST };

static void *layer_new(void)
{
    return kept_files_new(KEPT_FILES_MAX_PER_LAYER);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Inside an installed package (a "vendor/" path segment): its own composer.json and lock are
 * the package's sources, not a project. */
static int under_vendor_n(const char *path, size_t len)
{
    for (size_t i = 0; i + 7 <= len; i++)
        if ((i == 0 || path[i - 1] == '/') && memcmp(path + i, "vendor/", 7) == 0)
            return 1;
    return 0;
}

static int under_vendor(const char *path)
{
    return under_vendor_n(path, strlen(path));
}

static int is_installed_json(const char *path, size_t len)
{
    return len >= INSTALLED_LEN && strcmp(path + len - INSTALLED_LEN, INSTALLED) == 0 &&
           (len == INSTALLED_LEN || path[len - INSTALLED_LEN - 1] == '/');
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    size_t len = strlen(f->path);
    const char *base = base_name(f->path);
    int kind = 0;
    if (is_installed_json(f->path, len)) {
        /* the project root must not itself lie inside an installed package */
        size_t rlen = len - INSTALLED_LEN;
        if (!under_vendor_n(f->path, rlen))
            kind = K_INSTALLED;
    } else if (strcmp(base, "composer.lock") == 0 && !under_vendor(f->path))
        kind = K_LOCK;
    else if (strcmp(base, "composer.json") == 0 && !under_vendor(f->path))
        kind = K_MANIFEST;
    if (kind == 0)
        return 0;
    return kept_files_add(state, f, PHP_MAX_FILE, kind, err);
}

struct ctx {
    void *const *states;
    size_t n_states;
    const struct strata_view *view;
    struct strata_report *r;
    int fs;
    struct strata_error *err;
};

static const struct kept_file *sibling(const struct ctx *c, const char *root, size_t rlen,
                                       const char *name)
{
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_add(&sb, root, rlen) || strbuf_adds(&sb, name)) {
        strbuf_release(&sb);
        return NULL;
    }
    const struct kept_file *k =
        kept_files_visible(c->states, c->n_states, 0, c->view, c->r, sb.buf);
    strbuf_release(&sb);
    return k;
}

static int direct_of(const struct php_pkg_list *man, int have_man, const char *name)
{
    if (!have_man)
        return -1;
    for (size_t i = 0; i < man->n; i++)
        if (strcasecmp(man->v[i].name, name) == 0)
            return 1;
    return 0;
}

static int report_file(struct ctx *c, const struct kept_file *k, size_t rlen, int layer)
{
    struct php_pkg_list pkgs;
    struct strata_error perr = {0};
    int rc = k->kind == K_LOCK ? php_parse_lock(k->data, k->len, k->path, &pkgs, &perr)
                               : php_parse_installed(k->data, k->len, k->path, &pkgs, &perr);
    if (rc != 0)
        return kept_files_broken(rc, c->fs, &perr, c->err);
    struct php_pkg_list man = {0};
    int have_man = 0;
    const struct kept_file *mk = sibling(c, k->path, rlen, "composer.json");
    if (mk != NULL) {
        struct strata_error merr = {0};
        int mrc = php_parse_manifest(mk->data, mk->len, mk->path, &man, &merr);
        if (mrc == STRATA_ENOMEM) {
            php_pkg_list_free(&pkgs);
            return strata_error_nomem(c->err);
        }
        have_man = mrc == 0; /* an unreadable composer.json leaves direct unknown */
    }
    for (size_t i = 0; rc == 0 && i < pkgs.n; i++) {
        const struct php_pkg *p = &pkgs.v[i];
        const char *slash = strchr(p->name, '/');
        char *vendor = strndup(p->name, (size_t)(slash - p->name));
        if (vendor == NULL) {
            rc = strata_error_nomem(c->err);
            break;
        }
        struct lang_package lp = {
            .type = "composer",
            .name = p->name,
            .version = p->version,
            .purl_namespace = vendor,
            .purl_name = slash + 1,
            .path = k->path,
            .layer = layer,
            .license = p->license,
            .direct = direct_of(&man, have_man, p->name),
            .dev = p->dev,
            .lockfile = k->kind == K_LOCK ? k->path : NULL,
        };
        if (inventory_add_lang_package(c->r, &lp) != 0)
            rc = strata_error_nomem(c->err);
        free(vendor);
    }
    php_pkg_list_free(&man);
    php_pkg_list_free(&pkgs);
    return rc;
}

/* A visible installed.json or composer.lock, unless the other one of its project is what
 * this kind of source reports. */
static int report_visible(void *ctx, const struct kept_file *k, int layer)
{
    struct ctx *c = ctx;
    if (k->kind == K_MANIFEST)
        return 0;
    size_t len = strlen(k->path);
    size_t rlen;
    if (k->kind == K_INSTALLED) {
        rlen = len - INSTALLED_LEN;
        if (c->fs && sibling(c, k->path, rlen, "composer.lock") != NULL)
            return 0; /* the project's lockfile is reported instead */
    } else {
        rlen = len - strlen("composer.lock");
        if (!c->fs && sibling(c, k->path, rlen, INSTALLED) != NULL)
            return 0; /* what is installed is reported instead */
    }
    return report_file(c, k, rlen, layer);
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    struct ctx c = {states, n_states, view, report, report->n_layers == 0, err};
    return kept_files_each_visible(states, n_states, 0, view, report, 0, report_visible, &c);
}

static const struct strata_match php_matches[] = {
    {STRATA_MATCH_SUFFIX, INSTALLED},
    {STRATA_MATCH_SUFFIX, "composer.lock"},
    {STRATA_MATCH_SUFFIX, "composer.json"},
    {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_php = {
    .name = "php",
    .pkg_types = STRATA_PKG_LIBRARY,
    .matches = php_matches,
    .max_file_size = PHP_MAX_FILE,
    .layer_new = layer_new,
    .layer_free = kept_files_free,
    .layer_file = layer_file,
    .finish = finish,
};
