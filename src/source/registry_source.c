/* The registry image source; see registry_source.h. */
#include "source/registry_source.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "source/registry_cache.h"
#include "source/registry_manifest.h"

#define MAX_INDEX_DEPTH 4

int registry_spec_is_remote(const char *spec, const char **rest)
{
    static const char *const prefixes[] = {"registry:", "docker://"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(spec, prefixes[i], n) == 0) {
            *rest = spec + n;
            return 1;
        }
    }
    struct image_ref r;
    struct strata_error e;
    if (image_ref_parse(spec, &r, &e) != 0)
        return 0;
    int remote = r.explicit_registry;
    image_ref_free(&r);
    *rest = spec;
    return remote;
}

struct pull {
    struct image_source *s;
    struct registry_client *c;
    const struct registry_options *o;
    struct image_ref ref;
    char *cache_root;
    char *repo_digest;
};

/* Resolves the reference to an image manifest: indexes (nested ones too) are resolved to the
 * --platform entry. m gets the image manifest's bytes; *doc its parsed form. */
static int fetch_image_manifest(struct pull *p, struct registry_manifest *m, json_t **doc,
                                struct strata_error *err)
{
    const char *target = image_ref_target(&p->ref);
    int rc = registry_get_manifest(p->c, target, m, err);
    if (rc != 0)
        return rc;
    if ((p->repo_digest = strdup(m->digest)) == NULL)
        return strata_error_nomem(err);
    for (int depth = 0;; depth++) {
        char what[400];
        snprintf(what, sizeof what, "%s: manifest %s", p->ref.canonical, m->digest);
        enum registry_manifest_kind kind;
        rc = registry_manifest_load(m->data, m->len, m->media_type, what, doc, &kind, err);
        if (rc != 0 || kind == REGISTRY_KIND_IMAGE)
            return rc;
        if (depth >= MAX_INDEX_DEPTH)
            return strata_error_set(err, STRATA_ELIMIT, "%s: indexes nested deeper than %d", what,
                                    MAX_INDEX_DEPTH);
        struct registry_descriptor d;
        rc = registry_index_choose(*doc, p->o->platform, what, &d, err);
        json_decref(*doc);
        *doc = NULL;
        if (rc != 0)
            return rc;
        if (d.size > REGISTRY_MAX_MANIFEST)
            return strata_error_set(err, STRATA_ELIMIT, "%s: %s: entry of %llu bytes", what,
                                    d.digest, (unsigned long long)d.size);
        registry_manifest_release(m);
        rc = registry_get_manifest(p->c, d.digest, m, err);
        if (rc != 0)
            return rc;
    }
}

/* The config blob, from the cache or the registry (then cached), checked against its
 * digest either way. */
static int load_config(struct pull *p, const struct registry_descriptor *cd,
                       struct strata_error *err)
{
    int downloaded;
    int rc = registry_cache_fetch(p->c, p->cache_root, cd->digest, cd->size, &downloaded, err);
    char member[80];
    registry_cache_member(cd->digest, member);
    char *data = NULL;
    size_t len = 0;
    if (rc == 0)
        rc = container_read(&p->s->container, member, &data, &len, err);
    char got[STRATA_DIGEST_STRLEN];
    if (rc == 0 && sha256_buffer_str(data, len, got) != 0)
        rc = strata_error_nomem(err);
    if (rc == 0 && strcmp(got, cd->digest) != 0)
        rc = strata_error_set(err, STRATA_EDIGEST,
                              "%s: config %s: cached file %s/%s no longer matches its digest "
                              "(it hashes to %s); delete it to download it again",
                              p->ref.canonical, cd->digest, p->cache_root, member, got);
    if (rc == 0) {
        char what[400];
        snprintf(what, sizeof what, "%s: config %s", p->ref.canonical, cd->digest);
        rc = source_apply_config(p->s, data, len, what, err);
    }
    free(data);
    return rc;
}

/* With an explicit --platform, a single-platform image must be that platform. */
static int check_platform(struct pull *p, struct strata_error *err)
{
    if (p->o->platform == NULL)
        return 0;
    const char *os = json_string_value(json_object_get(p->s->config, "os"));
    const char *arch = json_string_value(json_object_get(p->s->config, "architecture"));
    if (os == NULL || arch == NULL)
        return 0;
    size_t on = strlen(os), an = strlen(arch);
    const char *want = p->o->platform;
    if (strncmp(want, os, on) == 0 && want[on] == '/' && strncmp(want + on + 1, arch, an) == 0 &&
        (want[on + 1 + an] == '\0' || want[on + 1 + an] == '/'))
        return 0;
    return strata_error_set(err, STRATA_ENOTFOUND,
                            "%s: a single-platform image for %s/%s, not --platform %s",
                            p->ref.canonical, os, arch, want);
}

struct download_job {
    struct pull *p;
    const struct registry_descriptor **todo;
    size_t n;
    atomic_size_t next;
    atomic_int failed;
    struct strata_error *errors;
    int *status;
    atomic_size_t done;
};

static void *download_worker(void *arg)
{
    struct download_job *j = arg;
    for (;;) {
        size_t k = atomic_fetch_add(&j->next, 1);
        if (k >= j->n || atomic_load(&j->failed))
            break;
        int downloaded;
        j->status[k] = registry_cache_fetch(j->p->c, j->p->cache_root, j->todo[k]->digest,
                                            j->todo[k]->size, &downloaded, &j->errors[k]);
        if (j->status[k] != 0)
            atomic_store(&j->failed, 1);
        size_t done = atomic_fetch_add(&j->done, 1) + 1;
        if (j->p->o->progress) {
            static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;
            pthread_mutex_lock(&progress_lock);
            fprintf(stderr, "\rstrata: %s: downloaded %zu/%zu layers", j->p->ref.canonical, done,
                    j->n);
            if (done == j->n)
                fputc('\n', stderr);
            fflush(stderr);
            pthread_mutex_unlock(&progress_lock);
        }
    }
    return NULL;
}

/* Downloads the layers the cache lacks (each digest once), REGISTRY_PULL_THREADS at a time. */
static int download_layers(struct pull *p, const struct registry_image_manifest *im,
                           struct strata_error *err)
{
    struct download_job j;
    memset(&j, 0, sizeof j);
    j.p = p;
    j.todo = calloc(im->n_layers ? im->n_layers : 1, sizeof *j.todo);
    j.errors = calloc(im->n_layers ? im->n_layers : 1, sizeof *j.errors);
    j.status = calloc(im->n_layers ? im->n_layers : 1, sizeof *j.status);
    int rc = 0;
    if (j.todo == NULL || j.errors == NULL || j.status == NULL) {
        rc = strata_error_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < im->n_layers; i++) {
        const struct registry_descriptor *d = &im->layers[i];
        int dup = 0;
        for (size_t k = 0; k < j.n && !dup; k++)
            dup = strcmp(j.todo[k]->digest, d->digest) == 0;
        if (!dup && !registry_cache_has(p->cache_root, d->digest, d->size))
            j.todo[j.n++] = d;
    }
    if (j.n == 0)
        goto out;
    pthread_t t[REGISTRY_PULL_THREADS];
    size_t started = 0;
    for (size_t i = 1; i < REGISTRY_PULL_THREADS && i < j.n; i++) {
        if (pthread_create(&t[started], NULL, download_worker, &j) != 0)
            break; /* fewer threads is fine: this one works too */
        started++;
    }
    download_worker(&j);
    for (size_t i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    for (size_t k = 0; k < j.n; k++) {
        if (j.status[k] != 0) {
            *err = j.errors[k];
            rc = err->code;
            break;
        }
    }
out:
    free(j.todo);
    free(j.errors);
    free(j.status);
    return rc;
}

static int attach_layers(struct pull *p, const struct registry_image_manifest *im,
                         struct strata_error *err)
{
    struct image_source *s = p->s;
    for (size_t i = 0; i < im->n_layers; i++) {
        struct source_layer *sl = &s->layers[i];
        const struct registry_descriptor *d = &im->layers[i];
        char member[80];
        registry_cache_member(d->digest, member);
        if ((sl->member = strdup(member)) == NULL || (sl->digest = strdup(d->digest)) == NULL ||
            (d->media_type[0] && (sl->media_type = strdup(d->media_type)) == NULL))
            return strata_error_nomem(err);
        int rc = container_blob(&s->container, sl->member, &sl->blob, err);
        if (rc != 0)
            return strata_error_prefix(err, "%s: layer %zu: ", p->ref.canonical, i);
        if (sl->blob.size != d->size)
            return strata_error_set(err, STRATA_EDIGEST,
                                    "%s: layer %zu: cached blob %s/%s has %llu bytes, the "
                                    "manifest says %llu",
                                    p->ref.canonical, i, p->cache_root, member,
                                    (unsigned long long)sl->blob.size, (unsigned long long)d->size);
    }
    return 0;
}

static int load(struct pull *p, const char *text, struct strata_error *err)
{
    struct image_source *s = p->s;
    int rc = image_ref_parse(text, &p->ref, err);
    if (rc == 0 && p->o->platform)
        rc = registry_platform_check(p->o->platform, err);
    if (rc == 0)
        rc = registry_cache_root(p->o->cache_dir, &p->cache_root, err);
    if (rc == 0)
        rc = registry_client_open(&p->ref, p->o, &p->c, err);
    if (rc != 0)
        return rc;
    if ((s->path = strdup(p->ref.canonical)) == NULL || (s->kind = strdup("registry")) == NULL ||
        (s->name = strdup(p->ref.canonical)) == NULL)
        return strata_error_nomem(err);
    struct registry_manifest m = {0};
    json_t *doc = NULL;
    struct registry_image_manifest im = {0};
    rc = fetch_image_manifest(p, &m, &doc, err);
    char what[400];
    snprintf(what, sizeof what, "%s: manifest %s", p->ref.canonical, m.digest);
    if (rc == 0)
        rc = registry_manifest_image(doc, what, &im, err);
    if (rc == 0 && (s->digest = strdup(p->repo_digest)) == NULL)
        rc = strata_error_nomem(err);
    if (rc == 0) {
        s->n_layers = im.n_layers;
        s->layers = calloc(im.n_layers ? im.n_layers : 1, sizeof *s->layers);
        if (s->layers == NULL)
            rc = strata_error_nomem(err);
    }
    /* the cache directory is the source's container: the layers are its files */
    if (rc == 0)
        rc = container_open(p->cache_root, &s->container, err);
    if (rc == 0)
        rc = load_config(p, &im.config, err);
    if (rc == 0)
        rc = check_platform(p, err);
    if (rc == 0)
        rc = download_layers(p, &im, err);
    if (rc == 0)
        rc = attach_layers(p, &im, err);
    /* container messages are done; its display must outlive cache_root */
    s->container.display = s->path;
    registry_image_manifest_release(&im);
    json_decref(doc);
    registry_manifest_release(&m);
    return rc;
}

int registry_image_load(struct image_source *s, const char *text, const struct registry_options *o,
                        struct strata_error *err)
{
    static const struct registry_options defaults = {0};
    struct pull p = {.s = s, .o = o ? o : &defaults};
    int rc = load(&p, text, err);
    registry_client_free(p.c);
    image_ref_free(&p.ref);
    free(p.cache_root);
    free(p.repo_digest);
    return rc;
}
