/* Java analyzer: Maven artifacts in .jar/.war/.ear/.jpi/.hpi files of images and filesystems
 * (java_archive.c reads them). Each archive visible in the final view is reported by the
 * layer that wrote it; identical archives (same sha256) written by one layer under several
 * paths — hard links, copies — are reported once, under the first path in byte order. An
 * archive that cannot be read is skipped, in images and filesystems alike: one odd file must
 * not hide the rest. See docs/inventory-java.md. */
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/strbuf.h"
#include "core/strmap.h"
#include "inventory/attribution.h"
#include "inventory/java_archive.h"
#include "inventory/lang_package.h"
#include "strata/analyzer.h"

struct java_file {
    char *path; /* normalized, no leading slash */
    char digest[STRATA_DIGEST_STRLEN];
    struct java_artifact_list arts;
};

struct java_layer {
    struct java_file *v;
    size_t n, cap;
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct java_layer));
}

static void file_clear(struct java_file *f)
{
    free(f->path);
    java_artifact_list_free(&f->arts);
}

static void layer_free(void *state)
{
    struct java_layer *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++)
        file_clear(&l->v[i]);
    free(l->v);
    free(l);
}

/* A tar may hold a path twice: the later member wins, whatever it is. */
static void forget(struct java_layer *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].path, path) == 0) {
            file_clear(&l->v[i]);
            l->v[i] = l->v[--l->n];
            return;
        }
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct java_layer *l = state;
    forget(l, f->path);
    struct java_artifact_list arts;
    struct strata_error perr = {0};
    int rc = java_archive_read(f->data, f->len, f->path, &arts, &perr);
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(err);
    if (rc != 0 || arts.n == 0) {
        java_artifact_list_free(&arts);
        return 0; /* not a zip, or nothing Maven-shaped in it: skipped (see above) */
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct java_file *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            java_artifact_list_free(&arts);
            return strata_error_nomem(err);
        }
        l->v = v;
        l->cap = cap;
    }
    struct java_file *jf = &l->v[l->n];
    memset(jf, 0, sizeof *jf);
    jf->arts = arts;
    jf->path = strdup(f->path);
    if (jf->path == NULL || sha256_buffer_str(f->data, f->len, jf->digest) != 0) {
        file_clear(jf);
        return strata_error_nomem(err);
    }
    l->n++;
    return 0;
}

static int emit(struct strata_report *r, const struct java_artifact *a, int layer)
{
    struct strbuf name = STRBUF_INIT;
    int rc = a->group_id ? strbuf_addf(&name, "%s:%s", a->group_id, a->artifact_id)
                         : strbuf_adds(&name, a->artifact_id);
    if (rc != 0) {
        strbuf_release(&name);
        return STRATA_ENOMEM;
    }
    struct lang_package p = {.type = "maven",
                             .name = name.buf,
                             .version = a->version,
                             .purl_namespace = a->group_id,
                             .purl_name = a->artifact_id,
                             .path = a->path,
                             .layer = layer,
                             .license = a->license,
                             .direct = -1};
    rc = inventory_add_lang_package(r, &p);
    strbuf_release(&name);
    return rc;
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const struct java_file *)a)->path, ((const struct java_file *)b)->path);
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    for (size_t i = 0; i < n_states; i++) {
        struct java_layer *l = states[i];
        if (l == NULL)
            continue;
        if (l->n > 1)
            qsort(l->v, l->n, sizeof *l->v, cmp_file);
        struct strmap seen = STRMAP_INIT; /* digest -> 1: archives of this layer reported */
        int rc = 0;
        for (size_t j = 0; rc == 0 && j < l->n; j++) {
            const struct java_file *jf = &l->v[j];
            if (inventory_visible_file(view, jf->path, n_states, report) != (long)i)
                continue;
            if (strmap_get(&seen, jf->digest) != NULL)
                continue;
            if (strmap_put(&seen, jf->digest, (void *)1) != 0) {
                rc = STRATA_ENOMEM;
                break;
            }
            int layer = report->n_layers > 0 ? (int)i : -1;
            for (size_t k = 0; rc == 0 && k < jf->arts.n; k++)
                rc = emit(report, &jf->arts.v[k], layer);
        }
        strmap_release(&seen);
        if (rc != 0)
            return strata_error_nomem(err);
    }
    return 0;
}

/* The walker's suffix match is case-sensitive: the all-caps spellings some Windows-built
 * archives carry are listed too. */
static const struct strata_match java_matches[] = {
    {STRATA_MATCH_SUFFIX, ".jar"}, {STRATA_MATCH_SUFFIX, ".war"}, {STRATA_MATCH_SUFFIX, ".ear"},
    {STRATA_MATCH_SUFFIX, ".jpi"}, {STRATA_MATCH_SUFFIX, ".hpi"}, {STRATA_MATCH_SUFFIX, ".JAR"},
    {STRATA_MATCH_SUFFIX, ".WAR"}, {STRATA_MATCH_SUFFIX, ".EAR"}, {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_java = {
    .name = "java",
    .pkg_types = STRATA_PKG_LIBRARY,
    .matches = java_matches,
    /* Larger archives are skipped (SUFFIX match); the biggest real ones (Spring Boot fat
     * jars, jenkins.war) stay below this. */
    .max_file_size = 256u * 1024 * 1024,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
