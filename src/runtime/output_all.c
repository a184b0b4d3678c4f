/* The output multiplexer (output.h). */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "runtime/output.h"

struct output {
    struct out_json *json;
    struct out_webhook *webhook;
    int syslog;
    uint64_t json_lines, json_drops, syslog_lines;
};

int output_open(const struct output_opts *o, struct output **out, struct strata_error *err)
{
    struct output *m = calloc(1, sizeof(*m));
    int rc;
    if (!m)
        return strata_error_nomem(err);
    if (o->json_path &&
        (rc = out_json_open(o->json_path, o->json_max_size, o->json_keep, &m->json, err)) != 0) {
        free(m);
        return rc;
    }
    if (o->webhook_url &&
        (rc = out_webhook_open(o->webhook_url, o->webhook_queue, o->webhook_retries,
                               o->webhook_timeout_ms, &m->webhook, err)) != 0) {
        out_json_close(m->json);
        free(m);
        return rc;
    }
    if (o->syslog) {
        openlog("strata", LOG_PID | LOG_NDELAY, LOG_DAEMON);
        m->syslog = 1;
    }
    *out = m;
    return 0;
}

void output_emit(struct output *m, const char *line, size_t len, int prio)
{
    if (m->json) {
        if (out_json_write(m->json, line, len) == 0)
            m->json_lines++;
        else
            m->json_drops++;
    }
    if (m->syslog) {
        /* Falco's priorities are syslog's levels */
        syslog(LOG_DAEMON | (prio >= 0 && prio <= 7 ? prio : LOG_WARNING), "%.*s", (int)len, line);
        m->syslog_lines++;
    }
    if (m->webhook)
        out_webhook_push(m->webhook, line, len);
}

void output_stats(struct output *m, struct output_stats *st)
{
    memset(st, 0, sizeof(*st));
    st->json_lines = m->json_lines;
    st->json_drops = m->json_drops;
    st->json_rotations = m->json ? out_json_rotations(m->json) : 0;
    st->syslog_lines = m->syslog_lines;
    if (m->webhook)
        out_webhook_stats(m->webhook, st);
}

void output_close(struct output *m, unsigned drain_ms)
{
    if (!m)
        return;
    out_webhook_close(m->webhook, drain_ms);
    out_json_close(m->json);
    if (m->syslog)
        closelog();
    free(m);
}
