/* One registry HTTP exchange over libcurl: handle reuse, headers, body sinks, retries with
 * backoff on 429/5xx and dropped connections, Retry-After, the deadline, and the 401 turn
 * through registry_auth.c. See registry_http.h. */
#include "source/registry_http.h"

#include <curl/curl.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "source/registry_auth.h"

#define BACKOFF_FIRST_MS 500
#define BACKOFF_CAP_MS 8000
#define CONNECT_TIMEOUT_CAP_MS 30000
#define MAX_HEADER_VALUE 8192
#define AUTH_TURNS 2 /* challenges answered per request: a fresh token, then a renewed one */

int64_t reg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

void reg_response_release(struct reg_response *rs)
{
    strbuf_release(&rs->body);
    free(rs->content_type);
    free(rs->docker_digest);
    free(rs->location);
    free(rs->www_authenticate);
    free(rs->link);
    free(rs->retry_after);
    memset(rs, 0, sizeof *rs);
    rs->content_length = -1;
}

static void reset_headers(struct reg_response *rs)
{
    long status = rs->status;
    struct strbuf body = rs->body;
    uint64_t received = rs->received;
    rs->body = (struct strbuf)STRBUF_INIT;
    reg_response_release(rs);
    rs->body = body;
    rs->status = status;
    rs->received = received;
}

struct xfer {
    CURL *h;
    const struct reg_request *rq;
    struct reg_response *rs;
    int too_big;
    int write_errno;
    int oom;
    int to_error_body; /* a non-2xx answer: its body goes to rs->body, never to the file */
    int decided;
};

static int set_header(char **slot, const char *v, size_t n)
{
    if (n > MAX_HEADER_VALUE)
        n = MAX_HEADER_VALUE;
    char *p = malloc(n + 1);
    if (p == NULL)
        return -1;
    memcpy(p, v, n);
    p[n] = '\0';
    free(*slot);
    *slot = p;
    return 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct xfer *x = userp;
    size_t n = size * nmemb;
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        reset_headers(x->rs); /* a new response (after a redirect or 100 Continue) */
        x->decided = 0;
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (colon == NULL)
        return n;
    size_t nl = (size_t)(colon - data);
    const char *v = colon + 1;
    size_t vl = n - nl - 1;
    while (vl > 0 && (*v == ' ' || *v == '\t'))
        v++, vl--;
    while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
        vl--;
    static const struct {
        const char *name;
        size_t off;
    } wanted[] = {
        {"content-type", offsetof(struct reg_response, content_type)},
        {"docker-content-digest", offsetof(struct reg_response, docker_digest)},
        {"location", offsetof(struct reg_response, location)},
        {"www-authenticate", offsetof(struct reg_response, www_authenticate)},
        {"link", offsetof(struct reg_response, link)},
        {"retry-after", offsetof(struct reg_response, retry_after)},
    };
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        if (strlen(wanted[i].name) == nl && strncasecmp(data, wanted[i].name, nl) == 0) {
            char **slot = (char **)((char *)x->rs + wanted[i].off);
            /* the first WWW-Authenticate wins: registries send one, a second is noise */
            if (*slot != NULL && wanted[i].off == offsetof(struct reg_response, www_authenticate))
                return n;
            if (set_header(slot, v, vl) != 0) {
                x->oom = 1;
                return 0;
            }
        }
    }
    if (nl == 14 && strncasecmp(data, "content-length", 14) == 0) {
        char tmp[32];
        size_t k = vl < sizeof tmp - 1 ? vl : sizeof tmp - 1;
        memcpy(tmp, v, k);
        tmp[k] = '\0';
        char *end;
        long long cl = strtoll(tmp, &end, 10);
        x->rs->content_length = (end != tmp && *end == '\0' && cl >= 0) ? cl : -1;
    }
    return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct xfer *x = userp;
    size_t n = size * nmemb;
    if (!x->decided) {
        long code = 0;
        curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
        x->to_error_body = code < 200 || code > 299;
        x->decided = 1;
    }
    if (x->to_error_body || x->rq->to_fd < 0) {
        uint64_t max = x->to_error_body ? REGISTRY_MAX_ERROR_BODY : x->rq->max_body;
        if (x->rs->body.len + n > max) {
            if (x->to_error_body)
                return n; /* the start of an error body is enough */
            x->too_big = 1;
            return 0;
        }
        if (strbuf_add(&x->rs->body, data, n) != 0) {
            x->oom = 1;
            return 0;
        }
        if (!x->to_error_body)
            x->rs->received += n;
        return n;
    }
    if (x->rs->received + n > x->rq->max_body) {
        x->too_big = 1;
        return 0;
    }
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(x->rq->to_fd, data + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            x->write_errno = errno;
            return 0;
        }
        off += (size_t)w;
    }
    if (x->rq->hash && *x->rq->hash)
        sha256_update(*x->rq->hash, data, n);
    x->rs->received += n;
    return n;
}

static CURL *take_handle(struct registry_client *c)
{
    CURL *h = NULL;
    pthread_mutex_lock(&c->lock);
    if (c->n_handles > 0)
        h = c->handles[--c->n_handles];
    pthread_mutex_unlock(&c->lock);
    if (h != NULL)
        curl_easy_reset(h);
    else
        h = curl_easy_init();
    return h;
}

static void give_handle(struct registry_client *c, CURL *h)
{
    pthread_mutex_lock(&c->lock);
    if (c->n_handles < REGISTRY_MAX_HANDLES) {
        c->handles[c->n_handles++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    if (h != NULL)
        curl_easy_cleanup(h);
}

static int rewind_sink(const struct reg_request *rq, struct reg_response *rs)
{
    strbuf_reset(&rs->body);
    rs->received = 0;
    if (rq->to_fd < 0)
        return 0;
    if (ftruncate(rq->to_fd, 0) != 0 || lseek(rq->to_fd, 0, SEEK_SET) != 0)
        return -1;
    if (rq->hash) {
        sha256_free(*rq->hash);
        if ((*rq->hash = sha256_new()) == NULL)
            return -1;
    }
    return 0;
}

struct attempt {
    CURLcode rc;
    char errbuf[CURL_ERROR_SIZE];
    struct xfer x;
};

static int configure(struct registry_client *c, CURL *h, const struct reg_request *rq,
                     struct curl_slist *hdrs, int64_t left_ms, struct attempt *a)
{
    const char *protos = c->insecure ? "http,https" : "https";
    int head = strcmp(rq->method, "HEAD") == 0;
    int get = head || strcmp(rq->method, "GET") == 0;
    int bad = 0;
    bad |= curl_easy_setopt(h, CURLOPT_URL, rq->url) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protos) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protos) != CURLE_OK;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "strata/0.1");
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, a->errbuf);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &a->x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a->x);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)left_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(left_ms < CONNECT_TIMEOUT_CAP_MS ? left_ms : CONNECT_TIMEOUT_CAP_MS));
    /* Blob GETs are redirected to storage; curl drops our Authorization header when the
     * redirect leaves the host. */
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, get ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    if (rq->to_fd >= 0) /* layers: fewer, larger writes and hash updates */
        curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024);
    if (c->ca_bundle.len > 0) {
        /* the system bundle plus --ca-file: CURLOPT_CAINFO alone would replace the former */
        struct curl_blob blob = {c->ca_bundle.buf, c->ca_bundle.len, CURL_BLOB_NOCOPY};
        bad |= curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob) != CURLE_OK;
    }
    if (head) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (!get) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->upload_len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->upload ? (const char *)rq->upload : "");
    }
    if (rq->user && rq->pass) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, rq->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, rq->pass);
    }
    return bad ? -1 : 0;
}

static struct curl_slist *build_headers(const struct reg_request *rq, const char *auth, int *oom)
{
    struct curl_slist *l = NULL, *t;
    char line[512];
    *oom = 0;
#define ADD(s)                                                                                     \
    do {                                                                                           \
        if ((t = curl_slist_append(l, (s))) == NULL) {                                             \
            *oom = 1;                                                                              \
            return l;                                                                              \
        }                                                                                          \
        l = t;                                                                                     \
    } while (0)
    ADD("Expect:"); /* no 100-continue round trip before uploads */
    if (rq->accept) {
        snprintf(line, sizeof line, "Accept: %s", rq->accept);
        ADD(line);
    }
    if (rq->content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", rq->content_type);
        ADD(line);
    }
    if (auth)
        ADD(auth);
#undef ADD
    return l;
}

/* One attempt with the current Authorization header of the scope. */
static int attempt_once(struct registry_client *c, const struct reg_request *rq,
                        struct reg_response *rs, int64_t deadline, unsigned *gen_used,
                        struct attempt *a, struct strata_error *err)
{
    char *auth = NULL;
    pthread_mutex_lock(&c->lock);
    *gen_used = c->auth_gen;
    if (!rq->no_auth && c->auth[rq->scope] && (auth = strdup(c->auth[rq->scope])) == NULL) {
        pthread_mutex_unlock(&c->lock);
        return strata_error_nomem(err);
    }
    pthread_mutex_unlock(&c->lock);
    int oom;
    struct curl_slist *hdrs = build_headers(rq, auth, &oom);
    if (auth) {
        explicit_bzero(auth, strlen(auth));
        free(auth);
    }
    CURL *h = oom ? NULL : take_handle(c);
    if (h == NULL) {
        curl_slist_free_all(hdrs);
        return strata_error_nomem(err);
    }
    memset(a, 0, sizeof *a);
    a->x.h = h;
    a->x.rq = rq;
    a->x.rs = rs;
    int64_t left = deadline - reg_now_ms();
    if (left < 1)
        left = 1;
    if (rewind_sink(rq, rs) != 0) {
        curl_slist_free_all(hdrs);
        give_handle(c, h);
        return strata_error_set(err, STRATA_EIO, "%s: rewinding the download: %s", c->display,
                                strerror(errno));
    }
    reset_headers(rs);
    rs->status = 0;
    if (configure(c, h, rq, hdrs, left, a) != 0) {
        curl_slist_free_all(hdrs);
        give_handle(c, h);
        return strata_error_set(err, STRATA_EINTERNAL, "%s: libcurl refused the request options",
                                c->display);
    }
    a->rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status);
    curl_slist_free_all(hdrs);
    give_handle(c, h);
    if (a->x.oom)
        return strata_error_nomem(err);
    return 0;
}

/* Seconds from a Retry-After value (delta-seconds or an HTTP date); -1 when unusable. */
static int64_t retry_after_ms(const char *v)
{
    if (v == NULL || *v == '\0')
        return -1;
    char *end;
    long long s = strtoll(v, &end, 10);
    if (end != v && *end == '\0')
        return s < 0 ? -1 : (s > 86400 ? 86400000LL : s * 1000);
    time_t t = curl_getdate(v, NULL);
    if (t < 0)
        return -1;
    time_t now = time(NULL);
    return t <= now ? 0 : (int64_t)(t - now) * 1000;
}

static int transport_retryable(CURLcode rc)
{
    switch (rc) {
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

static const char *transport_hint(CURLcode rc, const char *msg)
{
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
        strstr(msg, "certificate") != NULL)
        return " (a registry with a private CA: --ca-file FILE)";
    if (strstr(msg, "wrong version number") != NULL || rc == CURLE_SSL_CONNECT_ERROR)
        return " (a plain-HTTP registry? only with --insecure)";
    if (rc == CURLE_UNSUPPORTED_PROTOCOL && strstr(msg, "not supported or disabled") != NULL)
        return " (plain http:// only with --insecure)";
    return "";
}

static int timeout_error(struct registry_client *c, const struct reg_request *rq, const char *what,
                         struct strata_error *err)
{
    return strata_error_set(err, STRATA_ELIMIT,
                            "%s: %s: no complete answer from %s %s within the %ld s timeout "
                            "(--timeout)",
                            c->display, what, rq->method, rq->url, c->timeout_s);
}

int reg_perform(struct registry_client *c, const struct reg_request *rq, const char *what,
                struct reg_response *rs, struct strata_error *err)
{
    memset(rs, 0, sizeof *rs);
    rs->content_length = -1;
    int64_t deadline = reg_now_ms() + c->timeout_s * 1000;
    unsigned retries = 0, auth_turns = 0;
    char why[CURL_ERROR_SIZE + 64];
    for (;;) {
        struct attempt a;
        unsigned gen;
        int rc = attempt_once(c, rq, rs, deadline, &gen, &a, err);
        if (rc != 0)
            return rc;
        if (a.x.too_big)
            return strata_error_set(err, STRATA_ELIMIT, "%s: %s: answer larger than %llu bytes",
                                    c->display, what, (unsigned long long)rq->max_body);
        if (a.x.write_errno)
            return strata_error_set(err, STRATA_EIO, "%s: %s: writing the download: %s", c->display,
                                    what, strerror(a.x.write_errno));
        int retry = 0;
        int64_t wait = -1;
        if (a.rc == CURLE_OPERATION_TIMEDOUT)
            return timeout_error(c, rq, what, err);
        if (a.rc != CURLE_OK) {
            const char *msg = a.errbuf[0] ? a.errbuf : curl_easy_strerror(a.rc);
            snprintf(why, sizeof why, "%s", msg);
            if (!transport_retryable(a.rc))
                return strata_error_set(err, STRATA_EIO, "%s: %s: %s %s: %s%s", c->display, what,
                                        rq->method, rq->url, why, transport_hint(a.rc, why));
            retry = 1;
        } else if (rs->status == 401 && !rq->no_auth && auth_turns < AUTH_TURNS) {
            auth_turns++;
            rc = reg_answer_challenge(c, rq, rs, gen, what, err);
            if (rc != 0)
                return rc;
            continue; /* an authentication turn is not a retry */
        } else if (rs->status == 429 || rs->status == 408 ||
                   (rs->status >= 500 && rs->status <= 599)) {
            snprintf(why, sizeof why, "HTTP %ld", rs->status);
            retry = 1;
            wait = retry_after_ms(rs->retry_after);
        }
        if (!retry)
            return 0;
        if (retries >= REGISTRY_RETRIES)
            return strata_error_set(err, STRATA_EIO, "%s: %s: %s %s: %s (after %u attempts)",
                                    c->display, what, rq->method, rq->url, why, retries + 1);
        int64_t backoff = (int64_t)BACKOFF_FIRST_MS << retries;
        if (backoff > BACKOFF_CAP_MS)
            backoff = BACKOFF_CAP_MS;
        if (wait < backoff)
            wait = backoff;
        int64_t left = deadline - reg_now_ms();
        if (wait >= left)
            return strata_error_set(err, STRATA_ELIMIT,
                                    "%s: %s: %s %s: %s, and waiting %lld ms to retry would pass "
                                    "the %ld s timeout (--timeout)",
                                    c->display, what, rq->method, rq->url, why, (long long)wait,
                                    c->timeout_s);
        sleep_ms(wait);
        retries++;
    }
}

char *reg_url(struct registry_client *c, const char *suffix)
{
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_addf(&sb, "%s%s", c->base, suffix) != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}
