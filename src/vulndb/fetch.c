/* HTTP(S) downloads with retries, limits and deadlines over libcurl. See fetch.h. */
#include "vulndb/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define BACKOFF_CAP_MS 30000
#define RETRY_AFTER_CAP_S 120
#define PROGRESS_EVERY_MS 250

int64_t fetch_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int fetch_global_init(struct strata_error *err)
{
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK)
        return strata_error_set(err, STRATA_EINTERNAL, "libcurl initialisation failed: %s",
                                curl_easy_strerror(rc));
    return 0;
}

void fetch_global_cleanup(void)
{
    curl_global_cleanup();
}

struct xfer {
    int fd;
    uint64_t bytes, max_bytes;
    bool too_big;
    int write_errno; /* nonzero when writing to dest failed */
    const struct fetch_options *opt;
    int64_t last_progress_ms;
    uint64_t total;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct xfer *x = userp;
    size_t n = size * nmemb;
    if (x->max_bytes && (n > x->max_bytes || x->bytes > x->max_bytes - n)) {
        x->too_big = true;
        return 0; /* makes curl fail with CURLE_WRITE_ERROR */
    }
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(x->fd, data + off, n - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            x->write_errno = errno;
            return 0;
        }
        off += (size_t)w;
    }
    x->bytes += n;
    return n;
}

static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    struct xfer *x = userp;
    if (x->opt->cancel && *x->opt->cancel)
        return 1; /* CURLE_ABORTED_BY_CALLBACK */
    if (dltotal > 0)
        x->total = (uint64_t)dltotal;
    if (x->opt->progress) {
        int64_t now = fetch_now_ms();
        if (now - x->last_progress_ms >= PROGRESS_EVERY_MS) {
            x->last_progress_ms = now;
            x->opt->progress(x->opt->progress_ctx, x->bytes, x->total, 0);
        }
    }
    return 0;
}

static const char *reason(long status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 408:
        return "Request Timeout";
    case 410:
        return "Gone";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "";
    }
}

/* Sleeps ms milliseconds in slices, returning early (false) when cancelled. */
static bool pause_ms(int64_t ms, volatile sig_atomic_t *cancel)
{
    while (ms > 0) {
        if (cancel && *cancel)
            return false;
        int64_t slice = ms > 100 ? 100 : ms;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)slice * 1000000L};
        nanosleep(&ts, NULL);
        ms -= slice;
    }
    return !(cancel && *cancel);
}

enum verdict { V_OK, V_RETRY, V_FAIL };

struct attempt {
    CURLcode rc;
    long status;
    curl_off_t retry_after_s;
    char detail[CURL_ERROR_SIZE + 128];
    int code; /* strata status for V_FAIL */
};

static enum verdict classify(const struct xfer *x, struct attempt *a,
                             const struct fetch_options *opt)
{
    if (opt->cancel && *opt->cancel) {
        snprintf(a->detail, sizeof a->detail, "interrupted");
        a->code = STRATA_EIO;
        return V_FAIL;
    }
    if (x->too_big || a->rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(a->detail, sizeof a->detail, "larger than the limit of %llu bytes",
                 (unsigned long long)opt->max_bytes);
        a->code = STRATA_ELIMIT;
        return V_FAIL;
    }
    if (x->write_errno) {
        snprintf(a->detail, sizeof a->detail, "writing the download failed: %s",
                 strerror(x->write_errno));
        a->code = STRATA_EIO;
        return V_FAIL;
    }
    if (a->rc == CURLE_OK) {
        if (a->status == 200)
            return V_OK;
        const char *r = reason(a->status);
        snprintf(a->detail, sizeof a->detail, "HTTP %ld%s%s", a->status, *r ? " " : "", r);
        if (a->status == 429 || a->status == 408 || (a->status >= 500 && a->status <= 599))
            return V_RETRY;
        a->code = (a->status == 404 || a->status == 410) ? STRATA_ENOTFOUND : STRATA_EIO;
        if (a->status >= 200 && a->status < 300)
            snprintf(a->detail, sizeof a->detail, "HTTP %ld instead of 200", a->status);
        return V_FAIL;
    }
    const char *what = a->detail[0] ? a->detail : curl_easy_strerror(a->rc);
    char tmp[CURL_ERROR_SIZE];
    size_t wl = strnlen(what, sizeof tmp - 1);
    memmove(tmp, what, wl);
    tmp[wl] = '\0';
    switch (a->rc) {
    case CURLE_PARTIAL_FILE:
        snprintf(a->detail, sizeof a->detail, "download interrupted (%s)", tmp);
        return V_RETRY;
    case CURLE_OPERATION_TIMEDOUT:
        if (opt->deadline_ms && fetch_now_ms() >= opt->deadline_ms) {
            snprintf(a->detail, sizeof a->detail, "total time limit reached (%s)", tmp);
            a->code = STRATA_ELIMIT;
            return V_FAIL;
        }
        snprintf(a->detail, sizeof a->detail, "timed out (%s)", tmp);
        return V_RETRY;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_BAD_CONTENT_ENCODING:
        snprintf(a->detail, sizeof a->detail, "%s", tmp);
        return V_RETRY;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        snprintf(a->detail, sizeof a->detail, "%s", tmp);
        a->code = STRATA_EUSAGE;
        return V_FAIL;
    default:
        snprintf(a->detail, sizeof a->detail, "%s", tmp);
        a->code = STRATA_EIO;
        return V_FAIL;
    }
}

static bool has_scheme(const char *url, const char *scheme)
{
    size_t n = strlen(scheme);
    return strncasecmp(url, scheme, n) == 0 && url[n] != '\0';
}

#define SETOPT(h, o, v)                                                                            \
    do {                                                                                           \
        if (curl_easy_setopt(h, o, v) != CURLE_OK)                                                 \
            goto setopt_failed;                                                                    \
    } while (0)

static int one_attempt(CURL *h, const char *url, struct xfer *x, struct attempt *a,
                       const struct fetch_options *opt)
{
    char errbuf[CURL_ERROR_SIZE];
    errbuf[0] = '\0';
    memset(a, 0, sizeof *a);
    if (ftruncate(x->fd, 0) != 0 || lseek(x->fd, 0, SEEK_SET) != 0) {
        x->write_errno = errno;
        return 0;
    }
    x->bytes = 0;
    x->total = 0;
    x->too_big = false;
    x->last_progress_ms = 0;

    long timeout_ms = 0;
    if (opt->deadline_ms) {
        int64_t left = opt->deadline_ms - fetch_now_ms();
        timeout_ms = left < 1 ? 1 : (long)left;
    }
    curl_easy_reset(h);
    SETOPT(h, CURLOPT_URL, url);
    SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
    SETOPT(h, CURLOPT_NOSIGNAL, 1L);
    SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SETOPT(h, CURLOPT_FOLLOWLOCATION, 1L);
    SETOPT(h, CURLOPT_MAXREDIRS, 5L);
    SETOPT(h, CURLOPT_USERAGENT, opt->user_agent ? opt->user_agent : "strata");
    SETOPT(h, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding libcurl can decode */
    SETOPT(h, CURLOPT_CONNECTTIMEOUT, opt->connect_timeout_s > 0 ? opt->connect_timeout_s : 30L);
    SETOPT(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    SETOPT(h, CURLOPT_LOW_SPEED_TIME, opt->stall_timeout_s > 0 ? opt->stall_timeout_s : 60L);
    SETOPT(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    if (opt->max_bytes)
        SETOPT(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)opt->max_bytes);
    SETOPT(h, CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(h, CURLOPT_WRITEDATA, x);
    SETOPT(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    SETOPT(h, CURLOPT_XFERINFODATA, x);
    SETOPT(h, CURLOPT_NOPROGRESS, 0L);

    a->rc = curl_easy_perform(h);
    if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status) != CURLE_OK)
        a->status = 0;
    if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &a->retry_after_s) != CURLE_OK)
        a->retry_after_s = 0;
    if (a->rc != CURLE_OK)
        snprintf(a->detail, sizeof a->detail, "%s", errbuf[0] ? errbuf : "");
    if (opt->progress)
        opt->progress(opt->progress_ctx, x->bytes, x->total, 1);
    SETOPT(h, CURLOPT_ERRORBUFFER, NULL); /* errbuf goes out of scope */
    return 0;
setopt_failed:
    return -1;
}

int fetch_to_file(const char *url, const char *dest, const struct fetch_options *opt,
                  struct fetch_result *res, struct strata_error *err)
{
    struct fetch_result local = {0};
    if (res == NULL)
        res = &local;
    memset(res, 0, sizeof *res);
    if (!has_scheme(url, "http://") && !has_scheme(url, "https://"))
        return strata_error_set(err, STRATA_EUSAGE,
                                "%s: only http:// and https:// URLs can be downloaded", url);

    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return strata_error_set(err, STRATA_EIO, "%s: cannot create %s: %s", url, dest,
                                strerror(errno));
    CURL *h = curl_easy_init();
    if (h == NULL) {
        close(fd);
        return strata_error_set(err, STRATA_ENOMEM, "%s: out of memory (curl_easy_init)", url);
    }

    struct xfer x = {.fd = fd, .max_bytes = opt->max_bytes, .opt = opt};
    struct attempt a;
    int rc = 0;
    int64_t delay = opt->backoff_ms ? opt->backoff_ms : 1000;
    for (;;) {
        res->attempts++;
        if (one_attempt(h, url, &x, &a, opt) != 0) {
            rc = strata_error_set(err, STRATA_EINTERNAL, "%s: libcurl rejected an option", url);
            break;
        }
        res->http_status = a.status;
        enum verdict v = classify(&x, &a, opt);
        if (v == V_OK) {
            res->bytes = x.bytes;
            if (fsync(fd) != 0 && errno != EINVAL) {
                rc = strata_error_set(err, STRATA_EIO, "%s: cannot sync %s: %s", url, dest,
                                      strerror(errno));
            }
            break;
        }
        bool can_retry = v == V_RETRY && res->attempts <= opt->retries;
        int64_t wait = delay;
        if (a.retry_after_s > 0) {
            int64_t ra = (a.retry_after_s > RETRY_AFTER_CAP_S ? RETRY_AFTER_CAP_S
                                                              : (int64_t)a.retry_after_s) *
                         1000;
            if (ra > wait)
                wait = ra;
        }
        if (can_retry && opt->deadline_ms && fetch_now_ms() + wait >= opt->deadline_ms) {
            can_retry = false;
            size_t l = strlen(a.detail);
            snprintf(a.detail + l, sizeof a.detail - l, "; no time left to retry");
        }
        if (!can_retry) {
            int code = v == V_RETRY ? STRATA_EIO : a.code;
            if (res->attempts > 1)
                rc = strata_error_set(err, code, "%s: %s (after %u attempts)", url, a.detail,
                                      res->attempts);
            else
                rc = strata_error_set(err, code, "%s: %s", url, a.detail);
            break;
        }
        if (opt->on_retry)
            opt->on_retry(opt->progress_ctx, res->attempts, a.detail, wait);
        if (!pause_ms(wait, opt->cancel)) {
            rc = strata_error_set(err, STRATA_EIO, "%s: interrupted", url);
            break;
        }
        delay = delay * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : delay * 2;
    }
    curl_easy_cleanup(h);
    if (close(fd) != 0 && rc == 0)
        rc = strata_error_set(err, STRATA_EIO, "%s: cannot write %s: %s", url, dest,
                              strerror(errno));
    return rc;
}
