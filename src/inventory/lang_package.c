#include "inventory/lang_package.h"

#include <stdlib.h>
#include <string.h>

#include "strata/purl.h"

static char *absolute(const char *path)
{
    if (path == NULL)
        return NULL;
    if (path[0] == '/')
        return strdup(path);
    size_t n = strlen(path);
    char *s = malloc(n + 2);
    if (s != NULL) {
        s[0] = '/';
        memcpy(s + 1, path, n + 1);
    }
    return s;
}

int inventory_add_lang_package(struct strata_report *r, const struct lang_package *p)
{
    struct strata_package *out = strata_report_add_package(r);
    if (out == NULL)
        return STRATA_ENOMEM;
    out->name = strdup(p->name);
    out->version = strdup(p->version);
    out->type = strdup(p->type);
    out->purl = p->purl ? strdup(p->purl)
                        : strata_purl(p->type, p->purl_namespace,
                                      p->purl_name ? p->purl_name : p->name, p->version, NULL);
    out->db_path = absolute(p->path);
    if (!out->name || !out->version || !out->type || !out->purl || (p->path && !out->db_path))
        return STRATA_ENOMEM;
    if (p->license != NULL && p->license[0] != '\0') {
        out->licenses = calloc(1, sizeof *out->licenses);
        if (out->licenses == NULL || (out->licenses[0] = strdup(p->license)) == NULL)
            return STRATA_ENOMEM;
        out->n_licenses = 1;
    }
    if (p->layer >= 0 && (size_t)p->layer < r->n_layers) {
        out->layer_index = p->layer;
        if (r->layers[p->layer].diff_id != NULL &&
            (out->layer_diff_id = strdup(r->layers[p->layer].diff_id)) == NULL)
            return STRATA_ENOMEM;
    }
    out->direct = p->direct;
    out->dev = p->dev;
    if (p->lockfile != NULL && (out->lockfile = absolute(p->lockfile)) == NULL)
        return STRATA_ENOMEM;
    out->compiled_in = p->compiled_in;
    return 0;
}
