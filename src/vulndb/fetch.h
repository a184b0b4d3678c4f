/* HTTP(S) downloads for 'strata db update', over libcurl: one URL to one file, with the HTTP
 * status checked, size limits, retries with exponential backoff on 429 / 5xx / timeouts /
 * dropped connections, an overall deadline, and errors that name the URL. */
#ifndef STRATA_VULNDB_FETCH_H
#define STRATA_VULNDB_FETCH_H

#include <signal.h>
#include <stdint.h>

#include "strata/error.h"

/* Called about four times a second while a body arrives, and once at the end of each attempt
 * (done = 1). total is the announced Content-Length, or 0 when unknown. */
typedef void (*fetch_progress_fn)(void *ctx, uint64_t received, uint64_t total, int done);

/* Called before waiting to retry: attempt is the one that failed (1-based), why says how
 * ("HTTP 503 Service Unavailable"), wait_ms is the pause before the next attempt. */
typedef void (*fetch_retry_fn)(void *ctx, unsigned attempt, const char *why, int64_t wait_ms);

struct fetch_options {
    const char *user_agent;        /* NULL: "strata" */
    long connect_timeout_s;        /* per attempt; 0: 30 */
    long stall_timeout_s;          /* abort an attempt that receives nothing for this long; 0: 60 */
    unsigned retries;              /* further attempts after the first one on transient errors */
    unsigned backoff_ms;           /* first retry delay, doubled each time, capped at 30 s */
    uint64_t max_bytes;            /* refuse bodies larger than this (announced or received) */
    int64_t deadline_ms;           /* absolute, fetch_now_ms() clock; 0: none */
    volatile sig_atomic_t *cancel; /* set by a signal handler: stop as soon as possible */
    fetch_progress_fn progress;
    fetch_retry_fn on_retry;
    void *progress_ctx; /* for progress and on_retry */
};

struct fetch_result {
    uint64_t bytes;    /* body bytes written by the successful attempt */
    unsigned attempts; /* attempts made, successful or not */
    long http_status;  /* of the last attempt; 0 when no response arrived */
};

/* Process-wide libcurl setup; call once before any fetch, from one thread. */
int fetch_global_init(struct strata_error *err);
void fetch_global_cleanup(void);

/* Monotonic milliseconds, for deadline_ms. */
int64_t fetch_now_ms(void);

/* Downloads url (http:// or https:// only, redirects followed up to 5 times and never to
 * another scheme) into dest, created with O_EXCL (mode 0644). Succeeds only on a final
 * 200 with the whole announced body. On failure dest may hold partial data; the caller removes
 * it. Errors (message "URL: what happened (after N attempts)"):
 *   STRATA_EUSAGE     the URL is not http(s) or is malformed
 *   STRATA_ENOTFOUND  HTTP 404 / 410
 *   STRATA_ELIMIT     body over max_bytes, or the deadline passed
 *   STRATA_EIO        any other HTTP status, network or TLS failure, interruption, and
 *                     transient failures that outlasted the retries
 *   STRATA_ENOMEM     allocation failed */
int fetch_to_file(const char *url, const char *dest, const struct fetch_options *opt,
                  struct fetch_result *res, struct strata_error *err);

#endif
