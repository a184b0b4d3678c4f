/* Prometheus metrics of `strata watch` and the tiny HTTP server that serves them on
 * GET /metrics (text exposition format 0.0.4) from a thread of its own. Names:
 *   strata_watch_events_total{type}                  events the sensor delivered, by evt.type
 *   strata_watch_alerts_total{rule,priority}         rule matches
 *   strata_watch_actions_total{action,result}        responses (done, failed, dry-run,
 * rate-limited) strata_watch_drops_total{source}                 lost events/alerts: ringbuf,
 * webhook_full, webhook_failed, json strata_watch_rule_eval_seconds_total             time spent
 * evaluating rules strata_watch_rule_evals_total                    events evaluated
 *   strata_watch_ringbuf_records_total               ring buffer records read
 *   strata_watch_webhook_queue                       lines waiting for the webhook (gauge)
 *   strata_watch_webhook_sent_total                  lines the webhook receiver accepted
 * Updates come from the watcher's thread, reads from the server's: counters are atomics,
 * the per-rule table is under a mutex. */
#ifndef STRATA_RUNTIME_METRICS_H
#define STRATA_RUNTIME_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "runtime/event.h"
#include "strata/error.h"

#define METRICS_RULES_MAX                                                                          \
    4096 /* distinct (rule, priority) pairs tracked; more are summed in                            \
            rule="(other)" */

struct metrics;

struct metrics *metrics_new(void); /* NULL on ENOMEM */
void metrics_free(struct metrics *m);

void metrics_event(struct metrics *m, enum rt_event_type t);
void metrics_alert(struct metrics *m, const char *rule, const char *priority);
void metrics_action(struct metrics *m, enum rt_action_kind k, enum rt_action_result r);
void metrics_eval_time(struct metrics *m, uint64_t ns, uint64_t evals);
/* Absolute values of counters kept elsewhere (sensor, outputs): set, not added. */
enum metrics_gauge {
    MG_DROPS_RINGBUF,
    MG_DROPS_WEBHOOK_FULL,
    MG_DROPS_WEBHOOK_FAILED,
    MG_DROPS_JSON,
    MG_RINGBUF_RECORDS,
    MG_WEBHOOK_QUEUE,
    MG_WEBHOOK_SENT,
    MG_COUNT
};
void metrics_set(struct metrics *m, enum metrics_gauge g, uint64_t v);

/* Appends the exposition text. 0 or STRATA_ENOMEM. */
int metrics_render(struct metrics *m, struct strbuf *out);

/* Serves GET /metrics on addr ("PORT", "HOST:PORT" or "[V6]:PORT"; HOST defaults to
 * 127.0.0.1) until metrics_serve_stop. *port_out gets the bound port (for PORT 0). */
int metrics_serve(struct metrics *m, const char *addr, int *port_out, struct strata_error *err);
void metrics_serve_stop(struct metrics *m);

#endif
