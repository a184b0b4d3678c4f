/* HTTP webhook output (output.h): a bounded queue drained by one thread with libcurl. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/output.h"

struct out_webhook {
    char *url;
    unsigned cap, retries, timeout_ms;
    char **q;
    size_t *qlen;
    unsigned head, count;
    int stop;
    uint64_t drain_deadline; /* CLOCK_MONOTONIC ns, 0 = none */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    uint64_t sent, retried, drops_full, drops_failed;
};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

static int post(struct out_webhook *w, CURL *c, struct curl_slist *hdrs, const char *body,
                size_t len)
{
    curl_easy_setopt(c, CURLOPT_URL, w->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)w->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)w->timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    return rc == CURLE_OK && code >= 200 && code < 300 ? 0 : -1;
}

/* Sleeps ms unless stopping; returns 1 when asked to stop without drain time left. */
static int backoff_wait(struct out_webhook *w, unsigned ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ns = (uint64_t)ts.tv_nsec + (uint64_t)ms * 1000000ull;
    ts.tv_sec += (time_t)(ns / 1000000000ull);
    ts.tv_nsec = (long)(ns % 1000000000ull);
    pthread_mutex_lock(&w->mu);
    if (!w->stop)
        pthread_cond_timedwait(&w->cv, &w->mu, &ts);
    int give_up = w->stop && (!w->drain_deadline || mono_ns() >= w->drain_deadline);
    pthread_mutex_unlock(&w->mu);
    return give_up;
}

static void *run(void *arg)
{
    struct out_webhook *w = arg;
    CURL *c = curl_easy_init();
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (w->count == 0 && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->count == 0 || (w->stop && (!w->drain_deadline || mono_ns() >= w->drain_deadline))) {
            /* what is left is dropped */
            w->drops_failed += w->count;
            while (w->count) {
                free(w->q[w->head]);
                w->q[w->head] = NULL;
                w->head = (w->head + 1) % w->cap;
                w->count--;
            }
            pthread_mutex_unlock(&w->mu);
            break;
        }
        char *body = w->q[w->head];
        size_t len = w->qlen[w->head];
        w->q[w->head] = NULL;
        w->head = (w->head + 1) % w->cap;
        w->count--;
        pthread_mutex_unlock(&w->mu);

        int ok = c && hdrs && post(w, c, hdrs, body, len) == 0;
        unsigned delay = 100;
        for (unsigned attempt = 0; !ok && attempt < w->retries; attempt++) {
            if (backoff_wait(w, delay))
                break;
            pthread_mutex_lock(&w->mu);
            w->retried++;
            pthread_mutex_unlock(&w->mu);
            ok = post(w, c, hdrs, body, len) == 0;
            delay = delay * 2 > 5000 ? 5000 : delay * 2;
        }
        free(body);
        pthread_mutex_lock(&w->mu);
        if (ok)
            w->sent++;
        else
            w->drops_failed++;
        pthread_mutex_unlock(&w->mu);
    }
    curl_slist_free_all(hdrs);
    if (c)
        curl_easy_cleanup(c);
    return NULL;
}

int out_webhook_open(const char *url, unsigned queue, unsigned retries, unsigned timeout_ms,
                     struct out_webhook **out, struct strata_error *err)
{
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return strata_error_set(err, STRATA_EUSAGE,
                                "--webhook %s: an http:// or https:// URL is needed", url);
    struct out_webhook *w = calloc(1, sizeof(*w));
    if (!w)
        return strata_error_nomem(err);
    w->cap = queue ? queue : 1024;
    w->retries = retries ? retries : 3;
    w->timeout_ms = timeout_ms ? timeout_ms : 2000;
    w->url = strdup(url);
    w->q = calloc(w->cap, sizeof(*w->q));
    w->qlen = calloc(w->cap, sizeof(*w->qlen));
    if (!w->url || !w->q || !w->qlen) {
        free(w->url);
        free(w->q);
        free(w->qlen);
        free(w);
        return strata_error_nomem(err);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w->url);
        free(w->q);
        free(w->qlen);
        free(w);
        return strata_error_set(err, STRATA_EIO, "--webhook: cannot start its thread");
    }
    *out = w;
    return 0;
}

void out_webhook_push(struct out_webhook *w, const char *line, size_t len)
{
    char *copy = malloc(len + 1);
    pthread_mutex_lock(&w->mu);
    if (!copy || w->count == w->cap) {
        w->drops_full++;
        pthread_mutex_unlock(&w->mu);
        free(copy);
        return;
    }
    memcpy(copy, line, len);
    copy[len] = '\0';
    unsigned tail = (w->head + w->count) % w->cap;
    w->q[tail] = copy;
    w->qlen[tail] = len;
    w->count++;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void out_webhook_stats(struct out_webhook *w, struct output_stats *st)
{
    pthread_mutex_lock(&w->mu);
    st->webhook_sent = w->sent;
    st->webhook_retries = w->retried;
    st->webhook_drops_full = w->drops_full;
    st->webhook_drops_failed = w->drops_failed;
    st->webhook_queued = w->count;
    pthread_mutex_unlock(&w->mu);
}

void out_webhook_close(struct out_webhook *w, unsigned drain_ms)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    w->drain_deadline = drain_ms ? mono_ns() + (uint64_t)drain_ms * 1000000ull : 0;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w->q);
    free(w->qlen);
    free(w->url);
    free(w);
}
