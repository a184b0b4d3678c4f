/* An alert (a rule that matched an event) as a JSON line or a line of text, shared by
 * `strata watch --replay` and the live outputs (docs/runtime-rules.md, "Alerts"). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runtime/rules_internal.h"

void rt_time_str(uint64_t ns, char *buf, size_t cap)
{
    time_t secs = (time_t)(ns / 1000000000u);
    struct tm tm;
    if (gmtime_r(&secs, &tm) == NULL) {
        snprintf(buf, cap, "%" PRIu64, ns);
        return;
    }
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, cap, "%s.%09" PRIu64 "Z", day, ns % 1000000000u);
}

static int add_str(struct strbuf *sb, const char *s)
{
    return rt_json_add_string(sb, s, strlen(s));
}

/* The value of an output field as JSON: numbers as numbers, the rest as strings. */
static int add_field_json(struct strbuf *sb, struct rt_eval *e, const struct out_seg *seg)
{
    struct rf_val v;
    memset(&v, 0, sizeof v);
    if (!rf_extract(e, seg->field, seg->arg, &v))
        return strbuf_adds(sb, "null");
    switch (v.type) {
    case RF_UINT:
        return strbuf_addf(sb, "%" PRIu64, v.u);
    case RF_INT:
        return strbuf_addf(sb, "%" PRId64, v.i);
    case RF_BOOL:
        return strbuf_adds(sb, v.u ? "true" : "false");
    default: {
        /* strings, addresses and lists as the output shows them */
        struct rt_rule one = {0};
        struct out_seg s = *seg;
        one.out = &s;
        one.nout = 1;
        struct strbuf tmp = STRBUF_INIT;
        int rc = rt_rule_format_output(&one, e, e->ev, &tmp);
        if (rc == 0)
            rc = rt_json_add_string(sb, tmp.buf ? tmp.buf : "", tmp.len);
        strbuf_release(&tmp);
        return rc;
    }
    }
}

int rt_alert_to_json(const struct rt_rule *rule, struct rt_eval *e, const struct rt_event *ev,
                     int with_event, struct strbuf *out)
{
    char t[48];
    rt_time_str(ev->ts_ns, t, sizeof t);
    if (e->ev != ev) {
        e->ev = ev;
        e->stamp++;
    }
    int rc = strbuf_addf(out, "{\"time\":\"%s\",\"time_ns\":%" PRIu64 ",\"rule\":", t, ev->ts_ns);
    if (rc == 0)
        rc = add_str(out, rule->name);
    if (rc == 0)
        rc = strbuf_addf(out, ",\"priority\":\"%s\",\"output\":", rt_priority_name(rule->priority));
    if (rc == 0) {
        struct strbuf o = STRBUF_INIT;
        rc = rt_rule_format_output(rule, e, ev, &o);
        if (rc == 0)
            rc = rt_json_add_string(out, o.buf ? o.buf : "", o.len);
        strbuf_release(&o);
    }
    if (rc == 0)
        rc = strbuf_adds(out, ",\"tags\":[");
    for (size_t i = 0; rc == 0 && i < rule->ntags; i++) {
        if (i > 0)
            rc = strbuf_addch(out, ',');
        if (rc == 0)
            rc = add_str(out, rule->tags[i]);
    }
    if (rc == 0)
        rc = strbuf_adds(out, "],\"source\":\"syscall\"");
    if (rc == 0 && rule->action != RT_ACT_NONE)
        rc = strbuf_addf(out, ",\"action\":\"%s\"", rt_action_kind_name(rule->action));
    if (rc == 0) {
        char id[13];
        snprintf(id, sizeof id, "%.12s", ev->container_id);
        rc = strbuf_adds(out, ",\"container\":{\"id\":");
        if (rc == 0)
            rc = add_str(out, id);
        if (rc == 0)
            rc = strbuf_adds(out, ",\"full_id\":");
        if (rc == 0)
            rc = add_str(out, ev->container_id);
        if (rc == 0)
            rc = strbuf_adds(out, ",\"name\":");
        if (rc == 0)
            rc = add_str(out, ev->container_name);
        if (rc == 0)
            rc = strbuf_adds(out, ",\"image\":");
        if (rc == 0)
            rc = add_str(out, ev->container_image);
        if (rc == 0)
            rc = strbuf_addch(out, '}');
    }
    if (rc == 0)
        rc = strbuf_adds(out, ",\"output_fields\":{");
    int first = 1;
    for (size_t i = 0; rc == 0 && i < rule->nout; i++) {
        const struct out_seg *s = &rule->out[i];
        if (s->lit != NULL)
            continue;
        /* each field once */
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = rule->out[k].lit == NULL && rule->out[k].field == s->field &&
                   rule->out[k].arg == s->arg;
        if (seen)
            continue;
        if (!first)
            rc = strbuf_addch(out, ',');
        first = 0;
        if (rc == 0)
            rc = s->arg >= 0 ? strbuf_addf(out, "\"%s[%d]\":", rf_defs[s->field].name, (int)s->arg)
                             : strbuf_addf(out, "\"%s\":", rf_defs[s->field].name);
        if (rc == 0)
            rc = add_field_json(out, e, s);
    }
    if (rc == 0)
        rc = strbuf_addch(out, '}');
    if (rc == 0 && with_event) {
        rc = strbuf_adds(out, ",\"event\":");
        if (rc == 0)
            rc = rt_event_to_json(ev, out);
    }
    return rc != 0 ? rc : strbuf_addch(out, '}');
}

int rt_alert_to_text(const struct rt_rule *rule, struct rt_eval *e, const struct rt_event *ev,
                     struct strbuf *out)
{
    char t[48];
    rt_time_str(ev->ts_ns, t, sizeof t);
    int rc = strbuf_addf(out, "%s %s ", t, rt_priority_name(rule->priority));
    if (rc == 0)
        rc = rt_rule_format_output(rule, e, ev, out);
    if (rc == 0)
        rc = strbuf_addf(out, " (rule=%s container=%.12s)", rule->name, ev->container_id);
    return rc;
}
