/* Orchestrates a scan: source -> layers (in parallel) -> squashed view -> analyzers ->
 * report. Holds no analysis logic of its own. */
#include "strata/scan.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/checks.h"
#include "core/strbuf.h"
#include "image/layer_tar.h"
#include "image/view_build.h"
#include "source/fs_dir.h"
#include "source/image_source.h"
#include "source/layer_memory.h"
#include "source/registry_source.h"
#include "inventory/attribution.h"
#include "inventory/os_owner.h"
#include "secrets/image_secrets.h"
#include "strata/license.h"
#include "strata/analyzer.h"

#define SCAN_MAX_JOBS 64
#define SCAN_MAX_ANALYZERS 32
/* Memory the workers' layer buffers (layer_memory.h: compressed input and output, kept from
 * one layer to the next) may map at once. A layer waits for room rather than being streamed,
 * so which path reads a layer never depends on what the other threads hold; one layer needs
 * at most LAYER_MEMORY_MAX_IN + LAYER_MEMORY_MAX_OUT (512 MiB). */
#define SCAN_MEMORY_BUDGET (1ULL << 30)

/* The secrets engine compiling in its own thread (hyperscan takes ~0.2 s without its
 * database cache) while the first layers download and decompress; a layer's walk, which
 * feeds the secrets analyzer, waits for it. */
struct engine_build {
    struct secrets_engine *engine;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t finished;
    int joinable; /* the thread was started and not joined yet */
    int done;
    int rc;
    struct strata_error err;
};

/* Bytes of SCAN_MEMORY_BUDGET no worker's buffers hold. */
struct memory_budget {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    uint64_t left;
    int waiting; /* workers blocked in memory_take */
};

struct scan_job {
    struct image_source *src;
    const struct strata_analyzer *const *analyzers;
    size_t n_analyzers;
    struct layer_limits limits;
    struct layer_result *results;
    struct strata_error *errors; /* one per layer */
    int *status;                 /* one per layer: 0 ok, <0 error, 1 not read */
    size_t *order;               /* layer indices, largest blob first */
    atomic_size_t next;
    atomic_int failed;
    atomic_size_t done;
    int progress;
    pthread_mutex_t progress_lock;
    struct memory_budget memory;
    struct engine_build *secrets; /* NULL: no secrets, or compiled already */
};

/* The built-in analyzers --pkg-types selects, into sel (room for all of them), then the
 * secrets analyzer (when extra is not NULL) and the image checks' passwd reader, last. OS
 * package analyzers always run: their file lists decide which language packages an OS
 * package owns (and who owns a setuid file); drop_unselected removes their packages
 * afterwards when only libraries were asked for. */
static size_t select_analyzers(unsigned pkg_types, const struct strata_analyzer *extra,
                               const struct strata_analyzer **sel)
{
    const struct strata_analyzer *const *all = strata_builtin_analyzers();
    size_t n = 0;
    for (size_t i = 0; all[i] && n < SCAN_MAX_ANALYZERS - 2; i++)
        if (pkg_types == 0 || (all[i]->pkg_types & ~STRATA_PKG_OS) == 0 ||
            (all[i]->pkg_types & pkg_types))
            sel[n++] = all[i];
    if (extra != NULL)
        sel[n++] = extra;
    sel[n++] = &checks_passwd_analyzer;
    sel[n] = NULL;
    return n;
}

static void memory_take(struct memory_budget *m, uint64_t n)
{
    pthread_mutex_lock(&m->lock);
    m->waiting++;
    while (m->left < n)
        pthread_cond_wait(&m->freed, &m->lock);
    m->waiting--;
    m->left -= n;
    pthread_mutex_unlock(&m->lock);
}

/* Takes n bytes if they are free and nobody waits for memory. */
static int memory_try_take(struct memory_budget *m, uint64_t n)
{
    pthread_mutex_lock(&m->lock);
    int ok = m->left >= n && m->waiting == 0;
    if (ok)
        m->left -= n;
    pthread_mutex_unlock(&m->lock);
    return ok;
}

static void memory_give(struct memory_budget *m, uint64_t n)
{
    pthread_mutex_lock(&m->lock);
    m->left += n;
    pthread_cond_broadcast(&m->freed);
    pthread_mutex_unlock(&m->lock);
}

static void *engine_build_run(void *arg)
{
    struct engine_build *b = arg;
    struct strata_error e;
    memset(&e, 0, sizeof e);
    int rc = secrets_engine_compile(b->engine, &e);
    pthread_mutex_lock(&b->lock);
    b->rc = rc;
    b->err = e;
    b->done = 1;
    pthread_cond_broadcast(&b->finished);
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* Joins the compile thread (once); its result. */
static int engine_build_join(struct engine_build *b, struct strata_error *err)
{
    if (b->joinable) {
        pthread_join(b->thread, NULL);
        b->joinable = 0;
    }
    if (b->rc != 0)
        *err = b->err;
    return b->rc;
}

/* Waits for the secrets engine; its compile error, if any (strata_scan_image reports it
 * rather than the layer's). */
static int engine_ready(struct scan_job *job, struct strata_error *err)
{
    struct engine_build *b = job->secrets;
    if (b == NULL)
        return 0;
    pthread_mutex_lock(&b->lock);
    while (!b->done)
        pthread_cond_wait(&b->finished, &b->lock);
    int rc = b->rc;
    if (rc != 0)
        *err = b->err;
    pthread_mutex_unlock(&b->lock);
    return rc;
}

/* A worker's layer buffers and the budget they hold. */
struct worker_memory {
    struct layer_buffers bufs;
    uint64_t held;
};

static void worker_memory_release(struct scan_job *job, struct worker_memory *w)
{
    layer_buffers_release(&w->bufs);
    memory_give(&job->memory, w->held);
    w->held = 0;
}

/* Makes w's budget cover buffers of in + out bytes. A worker that would have to wait first
 * gives back what it holds (its buffers are unmapped): a waiting worker holds nothing, so the
 * others can always finish and no two wait for each other. */
static void memory_cover(struct scan_job *job, struct worker_memory *w, uint64_t in, uint64_t out)
{
    uint64_t want = (in > w->bufs.in_cap ? in : w->bufs.in_cap) +
                    (out > w->bufs.out_cap ? out : w->bufs.out_cap);
    if (want <= w->held)
        return;
    if (memory_try_take(&job->memory, want - w->held)) {
        w->held = want;
        return;
    }
    worker_memory_release(job, w);
    memory_take(&job->memory, in + out);
    w->held = in + out;
}

/* At a layer's start: while another worker waits for memory, this one keeps no buffers. */
static void memory_yield(struct scan_job *job, struct worker_memory *w)
{
    if (w->held == 0)
        return;
    pthread_mutex_lock(&job->memory.lock);
    int others_wait = job->memory.waiting > 0;
    pthread_mutex_unlock(&job->memory.lock);
    if (others_wait)
        worker_memory_release(job, w);
}

/* The layer decompressed whole in memory and walked there (layer_memory.h). known_digest:
 * the blob's digest when this process just downloaded and checked it. Returns 1 when the
 * layer is to be streamed instead (nothing was read into lr then). */
static int read_layer_in_memory(struct scan_job *job, struct worker_memory *w, const struct blob *b,
                                const char *known_digest, struct layer_result *lr,
                                struct strata_error *err)
{
    memory_yield(job, w);
    uint64_t in, out;
    if (!layer_memory_sizes(b, &job->limits, &in, &out) || in + out > SCAN_MEMORY_BUDGET)
        return 1;
    memory_cover(job, w, in, out);
    struct layer_memory m;
    int rc = layer_memory_load(b, &job->limits, known_digest, &w->bufs, &m);
    if (rc != 0)
        return rc;
    rc = engine_ready(job, err);
    if (rc == 0)
        rc = layer_tar_read_memory(m.data, m.len, lr, err);
    if (rc == 0 && layer_memory_finish(&m) != 0) /* the diffID, hashed during the walk */
        rc = strata_error_nomem(err);
    memcpy(lr->blob_digest, m.blob_digest, sizeof lr->blob_digest);
    memcpy(lr->diff_id, m.diff_id, sizeof lr->diff_id);
    lr->uncompressed_size = m.len;
    layer_memory_release(&m);
    return rc;
}

/* Reads layer i and checks it against the digests the manifest and config announce.
 * verified: the blob was downloaded and checked against sl->digest by this process. */
static int read_layer(struct scan_job *job, struct worker_memory *w, size_t i, int verified,
                      struct strata_error *err)
{
    struct source_layer *sl = &job->src->layers[i];
    struct layer_result *lr = &job->results[i];
    int rc = layer_result_init(lr, (int)i, job->src->path, job->analyzers, job->n_analyzers, err);
    if (rc == 0)
        rc = read_layer_in_memory(job, w, &sl->blob, verified ? sl->digest : NULL, lr, err);
    if (rc == 1) { /* streamed */
        rc = engine_ready(job, err);
        if (rc == 0)
            rc = layer_tar_read(&sl->blob, &job->limits, lr, err);
    }
    if (rc != 0)
        return rc;
    if (sl->digest && strcmp(sl->digest, lr->blob_digest) != 0)
        return strata_error_set(err, STRATA_EDIGEST,
                                "blob digest mismatch: manifest says %s, content is %s", sl->digest,
                                lr->blob_digest);
    if (sl->diff_id && strcmp(sl->diff_id, lr->diff_id) != 0)
        return strata_error_set(err, STRATA_EDIGEST,
                                "diffID mismatch: config says %s, uncompressed content is %s",
                                sl->diff_id, lr->diff_id);
    return 0;
}

/* Largest blob first, then by index: the biggest layer no longer starts last and leaves one
 * worker busy while the others idle (an application layer is often both last and largest). */
static int cmp_layer_size(const void *a, const void *b, void *ctx)
{
    const struct image_source *src = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    uint64_t sx = src->layers[x].blob.size, sy = src->layers[y].blob.size;
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return x < y ? -1 : (x > y);
}

static void *layer_worker(void *arg)
{
    struct scan_job *job = arg;
    struct worker_memory w = {0};
    for (;;) {
        size_t k = atomic_fetch_add(&job->next, 1);
        if (k >= job->src->n_layers || atomic_load(&job->failed))
            break;
        size_t i = job->order[k];
        struct strata_error *e = &job->errors[i];
        /* a registry layer may still be downloading; its errors name the reference already */
        int verified = 0;
        int rc = registry_pull_wait(job->src, i, &verified, e);
        if (rc == 0) {
            rc = read_layer(job, &w, i, verified, e);
            if (rc != 0)
                strata_error_prefix(e, "%s: layer %zu (%s): ", job->src->path, i,
                                    job->src->layers[i].member);
        }
        job->status[i] = rc;
        if (rc != 0)
            atomic_store(&job->failed, 1);
        size_t done = atomic_fetch_add(&job->done, 1) + 1;
        if (job->progress && job->src->pull != NULL) {
            registry_pull_note_read(job->src->pull, done, job->src->n_layers);
        } else if (job->progress) {
            pthread_mutex_lock(&job->progress_lock);
            fprintf(stderr, "\rstrata: %s: read %zu/%zu layers", job->src->path, done,
                    job->src->n_layers);
            if (done == job->src->n_layers)
                fputc('\n', stderr);
            fflush(stderr);
            pthread_mutex_unlock(&job->progress_lock);
        }
    }
    worker_memory_release(job, &w);
    return NULL;
}

static int fill_layers(struct strata_report *r, const struct image_source *src,
                       const struct layer_result *results, struct strata_error *err)
{
    r->layers = calloc(src->n_layers ? src->n_layers : 1, sizeof *r->layers);
    if (r->layers == NULL)
        return strata_error_nomem(err);
    r->n_layers = src->n_layers;
    int oom = 0;
    for (size_t i = 0; i < src->n_layers; i++) {
        struct strata_layer *l = &r->layers[i];
        const struct source_layer *sl = &src->layers[i];
        l->index = (int)i;
        l->diff_id = strata_strdup_or_null(results[i].diff_id, &oom);
        l->digest = strata_strdup_or_null(results[i].blob_digest, &oom);
        l->media_type = strata_strdup_or_null(sl->media_type, &oom);
        l->size = sl->blob.size;
        /* History text may carry credentials (curl -u user:pass): the report holds it
         * redacted, the same way the CIS-DI-0010 finding shows it. */
        if (sl->created_by != NULL) {
            struct strbuf red = STRBUF_INIT;
            size_t hits = 0;
            if (checks_redact_text(&red, sl->created_by, &hits, NULL) != 0)
                oom = 1;
            l->created_by = strbuf_detach(&red);
            if (l->created_by == NULL)
                oom = 1;
        }
    }
    return oom ? strata_error_nomem(err) : 0;
}

static void drop_unselected(struct strata_report *r, unsigned pkg_types)
{
    if (pkg_types == 0 || (pkg_types & STRATA_PKG_OS))
        return;
    size_t k = 0;
    for (size_t i = 0; i < r->n_packages; i++) {
        if (strata_package_is_os(&r->packages[i]))
            strata_package_clear(&r->packages[i]);
        else
            r->packages[k++] = r->packages[i];
    }
    r->n_packages = k;
}

/* The image checks (src/checks/): the filesystem ones always, the config and history ones
 * for images (src != NULL). The passwd reader is the last analyzer (select_analyzers). */
static int run_checks(const struct image_source *src, const struct strata_view *view,
                      const struct layer_result *results, size_t n_results, size_t n_analyzers,
                      const struct strata_scan_opts *opts, struct strata_report *r,
                      struct strata_error *err)
{
    void **acc = calloc(n_results ? n_results : 1, sizeof *acc);
    if (acc == NULL)
        return strata_error_nomem(err);
    for (size_t i = 0; i < n_results && n_analyzers > 0; i++)
        acc[i] = results[i].states[n_analyzers - 1];
    struct checks_input in = {
        .config = src ? src->config : NULL,
        .image_name = src ? src->name : NULL,
        .view = view,
        .n_layers = n_results,
        .account_states = n_analyzers > 0 ? acc : NULL,
        .setuid_allow = opts->setuid_allow,
    };
    int rc = checks_run_image(&in, r, err);
    free(acc);
    return rc;
}

/* Merges layer results into the view, runs every analyzer's finish and the image checks,
 * sorts. src is NULL for a filesystem. */
static int finish_analyzers(const struct strata_analyzer *const *analyzers, size_t n_analyzers,
                            struct layer_result *results, size_t n_results,
                            const struct strata_scan_opts *opts, const struct image_source *src,
                            struct strata_report *r, struct strata_error *err)
{
    struct strata_view *view = view_new();
    void **states = calloc(n_results ? n_results : 1, sizeof *states);
    int rc = 0;
    if (view == NULL || states == NULL)
        rc = strata_error_nomem(err);
    for (size_t i = 0; i < n_results && rc == 0; i++)
        rc = view_apply_layer(view, (int)i, results[i].entries, results[i].n_entries, err);
    for (size_t a = 0; a < n_analyzers && rc == 0; a++) {
        for (size_t i = 0; i < n_results; i++)
            states[i] = results[i].states[a];
        rc = analyzers[a]->finish(states, n_results, view, r, err);
        if (rc != 0)
            strata_error_prefix(err, "%s analyzer: ", analyzers[a]->name);
    }
    if (rc == 0)
        rc = inventory_mark_os_owned(r, view, err);
    if (rc == 0 && !(opts->skip & STRATA_SCANNER_MISCONFIG))
        rc = run_checks(src, view, results, n_results, n_analyzers, opts, r, err);
    if (rc == 0) {
        drop_unselected(r, opts->pkg_types);
        strata_report_sort_packages(r);
        /* licenses as SPDX expressions and the report's licenses summary */
        rc = strata_licenses_apply(r, opts->license_deny, err);
    }
    free(states);
    view_free(view);
    return rc;
}

/* The secrets engine (built-in pack plus the user's rule files) and its file analyzer, unless
 * secrets are skipped (*engine stays NULL then). With build, the rules are loaded here (so a
 * bad rule file is reported at once) and compiled in a thread started into *build; without,
 * compiled here. */
static int secrets_setup(const struct strata_scan_opts *opts, struct secrets_engine **engine,
                         struct strata_analyzer *a, struct engine_build *build,
                         struct strata_error *err)
{
    *engine = NULL;
    if (opts->skip & STRATA_SCANNER_SECRETS)
        return 0;
    if (build == NULL) {
        int rc = secrets_engine_for_scan(opts->secret_rules, engine, err);
        if (rc == 0)
            secrets_file_analyzer(a, *engine);
        return rc;
    }
    struct secrets_engine *e = secrets_engine_new();
    if (e == NULL)
        return strata_error_nomem(err);
    int rc = secrets_engine_add_builtin(e, err);
    for (size_t i = 0; opts->secret_rules && opts->secret_rules[i] && rc == 0; i++)
        rc = secrets_engine_add_file(e, opts->secret_rules[i], err);
    if (rc != 0) {
        secrets_engine_free(e);
        return rc;
    }
    memset(build, 0, sizeof *build);
    build->engine = e;
    pthread_mutex_init(&build->lock, NULL);
    pthread_cond_init(&build->finished, NULL);
    if (pthread_create(&build->thread, NULL, engine_build_run, build) == 0)
        build->joinable = 1;
    else
        engine_build_run(build); /* no thread: compile now */
    *engine = e;
    secrets_file_analyzer(a, e);
    return 0;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (n > SCAN_MAX_JOBS ? SCAN_MAX_JOBS : (int)n);
}

int strata_scan_image(const char *src_spec, const struct strata_scan_opts *opts,
                      struct strata_report **out, struct strata_error *err)
{
    static const struct strata_scan_opts defaults = {0};
    if (opts == NULL)
        opts = &defaults;
    struct image_source *src = NULL;
    struct secrets_engine *secrets = NULL;
    struct strata_analyzer secrets_analyzer;
    struct engine_build build;
    int rc = image_source_open(src_spec, opts->platform, opts->registry, &src, err);
    if (rc != 0)
        return rc;
    rc = secrets_setup(opts, &secrets, &secrets_analyzer, &build, err);
    if (rc != 0) {
        image_source_free(src);
        return rc;
    }
    struct scan_job job;
    memset(&job, 0, sizeof job);
    job.src = src;
    job.secrets = secrets ? &build : NULL;
    const struct strata_analyzer *selected[SCAN_MAX_ANALYZERS + 1];
    job.n_analyzers =
        select_analyzers(opts->pkg_types, secrets ? &secrets_analyzer : NULL, selected);
    job.analyzers = selected;
    job.limits = layer_limits_default;
    if (opts->max_layer_bytes)
        job.limits.max_uncompressed = opts->max_layer_bytes;
    job.progress = opts->progress;
    pthread_mutex_init(&job.progress_lock, NULL);
    pthread_mutex_init(&job.memory.lock, NULL);
    pthread_cond_init(&job.memory.freed, NULL);
    job.memory.left = SCAN_MEMORY_BUDGET;
    size_t n = src->n_layers;
    job.results = calloc(n ? n : 1, sizeof *job.results);
    job.errors = calloc(n ? n : 1, sizeof *job.errors);
    job.status = calloc(n ? n : 1, sizeof *job.status);
    job.order = calloc(n ? n : 1, sizeof *job.order);
    struct strata_report *r = strata_report_new();
    if (job.results == NULL || job.errors == NULL || job.status == NULL || job.order == NULL ||
        r == NULL) {
        rc = strata_error_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        job.status[i] = 1;
        job.order[i] = i;
    }
    qsort_r(job.order, n, sizeof *job.order, cmp_layer_size, src);

    int jobs = opts->jobs > 0 ? opts->jobs : default_jobs();
    if ((size_t)jobs > n)
        jobs = n ? (int)n : 1;
    pthread_t threads[SCAN_MAX_JOBS];
    int started = 0;
    for (int t = 1; t < jobs; t++) {
        if (pthread_create(&threads[started], NULL, layer_worker, &job) != 0)
            break; /* fewer threads is fine: the calling thread works too */
        started++;
    }
    layer_worker(&job);
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);

    /* A rule hyperscan refuses is the error, whatever the layers did meanwhile. */
    if (job.secrets != NULL && (rc = engine_build_join(job.secrets, err)) != 0)
        goto out;
    /* Report the lowest failing layer, so the message does not depend on timing. */
    for (size_t i = 0; i < n; i++) {
        if (job.status[i] < 0) {
            *err = job.errors[i];
            rc = err->code;
            goto out;
        }
    }
    int oom = 0;
    r->target.name = strata_strdup_or_null(src->name, &oom);
    r->target.kind = strata_strdup_or_null(src->kind, &oom);
    r->target.digest = strata_strdup_or_null(src->digest, &oom);
    if (oom) {
        rc = strata_error_nomem(err);
        goto out;
    }
    rc = fill_layers(r, src, job.results, err);
    if (rc == 0)
        rc = finish_analyzers(job.analyzers, job.n_analyzers, job.results, n, opts, src, r, err);
    if (rc == 0 && secrets != NULL)
        rc = secrets_scan_config(secrets, src->config, n, r, err);
    if (rc != 0 && err->msg[0] && strncmp(err->msg, src->path, strlen(src->path)) != 0)
        strata_error_prefix(err, "%s: ", src->path);
out:
    for (size_t i = 0; job.results && i < n; i++)
        layer_result_release(&job.results[i]);
    free(job.results);
    free(job.errors);
    free(job.status);
    free(job.order);
    pthread_mutex_destroy(&job.progress_lock);
    pthread_mutex_destroy(&job.memory.lock);
    pthread_cond_destroy(&job.memory.freed);
    image_source_free(src);
    if (job.secrets != NULL) {
        struct strata_error ignored;
        engine_build_join(job.secrets, &ignored);
        pthread_mutex_destroy(&build.lock);
        pthread_cond_destroy(&build.finished);
    }
    secrets_engine_free(secrets);
    if (rc != 0) {
        strata_report_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int strata_scan_fs(const char *dir, const struct strata_scan_opts *opts, struct strata_report **out,
                   struct strata_error *err)
{
    static const struct strata_scan_opts defaults = {0};
    if (opts == NULL)
        opts = &defaults;
    struct secrets_engine *secrets = NULL;
    struct strata_analyzer secrets_analyzer;
    int rc = secrets_setup(opts, &secrets, &secrets_analyzer, NULL, err);
    if (rc != 0)
        return rc;
    const struct strata_analyzer *analyzers[SCAN_MAX_ANALYZERS + 1];
    size_t n_analyzers =
        select_analyzers(opts->pkg_types, secrets ? &secrets_analyzer : NULL, analyzers);
    struct layer_result lr;
    rc = layer_result_init(&lr, -1, dir, analyzers, n_analyzers, err);
    if (rc != 0) {
        secrets_engine_free(secrets);
        return rc;
    }
    struct strata_report *r = strata_report_new();
    if (r == NULL) {
        layer_result_release(&lr);
        secrets_engine_free(secrets);
        return strata_error_nomem(err);
    }
    rc = fs_dir_read(dir, &lr, err);
    int oom = 0;
    if (rc == 0) {
        r->target.name = strata_strdup_or_null(dir, &oom);
        r->target.kind = strata_strdup_or_null("filesystem", &oom);
        if (oom)
            rc = strata_error_nomem(err);
    }
    if (rc == 0)
        rc = finish_analyzers(analyzers, n_analyzers, &lr, 1, opts, NULL, r, err);
    if (rc != 0 && strncmp(err->msg, dir, strlen(dir)) != 0)
        strata_error_prefix(err, "%s: ", dir);
    layer_result_release(&lr);
    secrets_engine_free(secrets);
    if (rc != 0) {
        strata_report_free(r);
        return rc;
    }
    *out = r;
    return 0;
}
