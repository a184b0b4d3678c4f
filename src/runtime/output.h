/* Where `strata watch` sends alerts and action events (docs/strata-watch.md). Several outputs
 * at once; each gets the same JSON line (one object, no newline).
 *   json     stdout ("-") or a file, appended; with max_size the file is rotated when the next
 *            line would pass it (FILE -> FILE.1 -> … -> FILE.keep, the oldest dropped)
 *   syslog   syslog(3), facility LOG_DAEMON, level = the Falco priority
 *            (Emergency 0 … Debug 7 are syslog's levels), ident "strata"
 *   webhook  HTTP POST of each line (Content-Type: application/json) from a thread of its own
 *            through a bounded queue: a full queue drops the line (counted), a failed POST
 *            (connection error, timeout, HTTP >= 300) is retried with exponential backoff
 *            (100 ms doubling to 5 s) up to `retries` times, then dropped (counted). The
 *            watcher never waits for the receiver.
 * Drops of every output are counted for /metrics and the closing summary. */
#ifndef STRATA_RUNTIME_OUTPUT_H
#define STRATA_RUNTIME_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

struct output_opts {
    const char *json_path;       /* "-" = stdout, NULL = none */
    uint64_t json_max_size;      /* bytes; 0 = never rotate */
    unsigned json_keep;          /* rotated files kept; 0 = 5 */
    int syslog;                  /* non-zero: to syslog too */
    const char *webhook_url;     /* NULL = none */
    unsigned webhook_queue;      /* lines held; 0 = 1024 */
    unsigned webhook_retries;    /* 0 = 3 */
    unsigned webhook_timeout_ms; /* per POST; 0 = 2000 */
};

struct output_stats {
    uint64_t json_lines, json_rotations, json_drops;
    uint64_t syslog_lines;
    uint64_t webhook_sent, webhook_retries, webhook_drops_full, webhook_drops_failed;
    uint64_t webhook_queued; /* now */
};

struct output;

int output_open(const struct output_opts *o, struct output **out, struct strata_error *err);
/* Sends line (len bytes, no newline) with Falco priority prio (0..7) to every output. Never
 * blocks on the network. */
void output_emit(struct output *out, const char *line, size_t len, int prio);
void output_stats(struct output *out, struct output_stats *st);
/* Stops the webhook thread after trying to send what is queued for at most drain_ms. */
void output_close(struct output *out, unsigned drain_ms);

/* ---- the parts (output_*.c) ---- */
struct out_json;
int out_json_open(const char *path, uint64_t max_size, unsigned keep, struct out_json **out,
                  struct strata_error *err);
/* 0, or -1 when the line could not be written (counted as a drop). */
int out_json_write(struct out_json *j, const char *line, size_t len);
uint64_t out_json_rotations(const struct out_json *j);
void out_json_close(struct out_json *j);

struct out_webhook;
int out_webhook_open(const char *url, unsigned queue, unsigned retries, unsigned timeout_ms,
                     struct out_webhook **out, struct strata_error *err);
void out_webhook_push(struct out_webhook *w, const char *line, size_t len);
void out_webhook_stats(struct out_webhook *w, struct output_stats *st);
void out_webhook_close(struct out_webhook *w, unsigned drain_ms);

#endif
