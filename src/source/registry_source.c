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

/* One blob to download (layers with the same digest share one). */
enum slot_state {
    SLOT_QUEUED = 0,
    SLOT_DONE,
    SLOT_FAILED,
};

struct pull_slot {
    const char *digest; /* the first such layer's s->layers[i].digest */
    uint64_t size;
    size_t first; /* that layer's index */
    enum slot_state state;
    int verified; /* downloaded and checked by this process (not found in the cache) */
    struct strata_error err;
};

struct registry_pull {
    struct registry_client *c; /* owned from registry_image_load on */
    char *cache_root;          /* owned */
    const char *display;       /* the reference, for progress */
    int progress;
    pthread_mutex_t lock; /* guards what follows and the source's container */
    pthread_cond_t changed;
    struct pull_slot *slots;     /* largest first, the order the scan reads layers in */
    size_t n_slots, next;        /* next: the first slot no thread has taken */
    int *slot_of;                /* per layer: its slot, -1 when it was cached already */
    int stop;                    /* a download failed, or the source is being freed */
    struct strata_error failure; /* the first failed download's error */
    size_t downloaded, read, n_layers;
    pthread_t threads[REGISTRY_PULL_THREADS];
    size_t n_threads;
};

/* "\rstrata: REF: 2/4 layers downloaded, 1/5 read", a newline when both are complete.
 * Called with the lock held. */
static void show_progress(struct registry_pull *p)
{
    if (!p->progress)
        return;
    fprintf(stderr, "\rstrata: %s: %zu/%zu layers downloaded, %zu/%zu read", p->display,
            p->downloaded, p->n_slots, p->read, p->n_layers);
    if (p->downloaded == p->n_slots && p->read == p->n_layers)
        fputc('\n', stderr);
    fflush(stderr);
}

static void *pull_worker(void *arg)
{
    struct registry_pull *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop && p->next < p->n_slots) {
        struct pull_slot *sl = &p->slots[p->next++];
        pthread_mutex_unlock(&p->lock);
        struct strata_error e;
        memset(&e, 0, sizeof e);
        int downloaded = 0;
        int rc = registry_cache_fetch(p->c, p->cache_root, sl->digest, sl->size, &downloaded, &e);
        pthread_mutex_lock(&p->lock);
        if (rc == 0) {
            sl->state = SLOT_DONE;
            sl->verified = downloaded;
        } else {
            sl->state = SLOT_FAILED;
            sl->err = e;
            if (!p->stop)
                p->failure = e;
            p->stop = 1; /* the scan fails anyway: start nothing more */
        }
        p->downloaded++;
        show_progress(p);
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

void registry_pull_free(struct registry_pull *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->changed);
    registry_client_free(p->c);
    free(p->cache_root);
    free(p->slots);
    free(p->slot_of);
    free(p);
}

void registry_pull_note_read(struct registry_pull *p, size_t read, size_t n)
{
    pthread_mutex_lock(&p->lock);
    p->read = read;
    p->n_layers = n;
    show_progress(p);
    pthread_mutex_unlock(&p->lock);
}

/* Points layer i's blob at its cache file, which must have the manifest's size. The
 * container is shared: callers hold the pull's lock, or run before the pull starts. */
static int attach_layer(struct image_source *s, size_t i, const char *display,
                        const char *cache_root, struct strata_error *err)
{
    struct source_layer *sl = &s->layers[i];
    uint64_t want = sl->blob.size;
    int rc = container_blob(&s->container, sl->member, &sl->blob, err);
    if (rc != 0)
        return strata_error_prefix(err, "%s: layer %zu: ", display, i);
    if (sl->blob.size != want)
        return strata_error_set(err, STRATA_EDIGEST,
                                "%s: layer %zu: cached blob %s/%s has %llu bytes, the "
                                "manifest says %llu",
                                display, i, cache_root, sl->member,
                                (unsigned long long)sl->blob.size, (unsigned long long)want);
    return 0;
}

int registry_pull_wait(struct image_source *s, size_t i, int *verified, struct strata_error *err)
{
    struct registry_pull *p = s->pull;
    *verified = 0;
    if (p == NULL || p->slot_of[i] < 0)
        return 0; /* attached when the source was loaded */
    pthread_mutex_lock(&p->lock);
    size_t k = (size_t)p->slot_of[i];
    struct pull_slot *sl = &p->slots[k];
    while (sl->state == SLOT_QUEUED && !(p->stop && k >= p->next))
        pthread_cond_wait(&p->changed, &p->lock);
    int rc;
    if (sl->state == SLOT_DONE) {
        rc = attach_layer(s, i, p->display, p->cache_root, err);
        *verified = rc == 0 && sl->verified;
    } else {
        *err = sl->state == SLOT_FAILED ? sl->err : p->failure;
        rc = err->code;
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* Largest first, then by index (as the scan orders its layers). */
static int cmp_slot(const void *a, const void *b)
{
    const struct pull_slot *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->first < y->first ? -1 : (x->first > y->first);
}

/* The layers: those in the cache are attached now; the others get a download slot, and
 * threads start on them unless threads cannot be created (then they are downloaded here,
 * before returning, as one thread). */
static int start_layers(struct pull *p, const struct registry_image_manifest *im,
                        struct strata_error *err)
{
    struct image_source *s = p->s;
    size_t n = im->n_layers;
    for (size_t i = 0; i < n; i++) {
        struct source_layer *sl = &s->layers[i];
        const struct registry_descriptor *d = &im->layers[i];
        char member[80];
        registry_cache_member(d->digest, member);
        if ((sl->member = strdup(member)) == NULL || (sl->digest = strdup(d->digest)) == NULL ||
            (d->media_type[0] && (sl->media_type = strdup(d->media_type)) == NULL))
            return strata_error_nomem(err);
        sl->blob = (struct blob){.fd = -1, .size = d->size, .name = sl->member};
    }
    struct registry_pull *rp = calloc(1, sizeof *rp);
    if (rp == NULL)
        return strata_error_nomem(err);
    rp->slots = calloc(n ? n : 1, sizeof *rp->slots);
    rp->slot_of = calloc(n ? n : 1, sizeof *rp->slot_of);
    if (rp->slots == NULL || rp->slot_of == NULL) {
        free(rp->slots);
        free(rp->slot_of);
        free(rp);
        return strata_error_nomem(err);
    }
    /* descriptor digests were checked when the manifest was read */
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct source_layer *sl = &s->layers[i];
        rp->slot_of[i] = -1;
        if (registry_cache_has(p->cache_root, sl->digest, sl->blob.size)) {
            rc = attach_layer(s, i, p->ref.canonical, p->cache_root, err);
            continue;
        }
        size_t k = 0;
        while (k < rp->n_slots && strcmp(rp->slots[k].digest, sl->digest) != 0)
            k++;
        if (k == rp->n_slots)
            rp->slots[rp->n_slots++] =
                (struct pull_slot){.digest = sl->digest, .size = sl->blob.size, .first = i};
        rp->slot_of[i] = 0; /* its slot, once the slots are sorted */
    }
    if (rc != 0 || rp->n_slots == 0) {
        free(rp->slots);
        free(rp->slot_of);
        free(rp);
        return rc;
    }
    qsort(rp->slots, rp->n_slots, sizeof *rp->slots, cmp_slot);
    for (size_t i = 0; i < n; i++) {
        if (rp->slot_of[i] < 0)
            continue;
        size_t k = 0;
        while (strcmp(rp->slots[k].digest, s->layers[i].digest) != 0)
            k++;
        rp->slot_of[i] = (int)k;
    }
    pthread_mutex_init(&rp->lock, NULL);
    pthread_cond_init(&rp->changed, NULL);
    rp->c = p->c;
    rp->cache_root = p->cache_root;
    p->c = NULL;
    p->cache_root = NULL;
    rp->display = s->path;
    rp->progress = p->o->progress;
    rp->n_layers = n;
    s->pull = rp;
    for (size_t t = 0; t < REGISTRY_PULL_THREADS && t < rp->n_slots; t++) {
        if (pthread_create(&rp->threads[rp->n_threads], NULL, pull_worker, rp) != 0)
            break;
        rp->n_threads++;
    }
    if (rp->n_threads == 0)
        pull_worker(rp);
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
        rc = start_layers(p, &im, err);
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
