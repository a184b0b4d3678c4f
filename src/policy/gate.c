/* The CI gate over a filled report. */
#include "policy/gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/ignorefile.h"
#include "policy/policy_util.h"
#include "policy/vex.h"

static const char *const severity_names[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

int gate_parse_severities(const char *list, unsigned *mask, struct strata_error *err)
{
    *mask = 0;
    if (list == NULL)
        return strata_error_set(err, STRATA_EUSAGE, "severity list is empty");
    unsigned m = 0;
    const char *p = list;
    size_t item = 0;
    for (;;) {
        item++;
        size_t n = strcspn(p, ",");
        const char *s = p;
        size_t sn = n;
        while (sn > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            sn--;
        }
        while (sn > 0 && (s[sn - 1] == ' ' || s[sn - 1] == '\t'))
            sn--;
        if (sn == 0)
            return strata_error_set(err, STRATA_EUSAGE,
                                    "severity list \"%.200s\": item %zu is empty (expected "
                                    "UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL)",
                                    list, item);
        int rank = -1;
        for (int i = 0; i < 5; i++)
            if (sn == strlen(severity_names[i]) && strncasecmp(s, severity_names[i], sn) == 0)
                rank = i;
        if (rank < 0)
            return strata_error_set(err, STRATA_EUSAGE,
                                    "severity list \"%.200s\": unknown severity \"%.*s\" "
                                    "(expected UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL)",
                                    list, (int)(sn > 64 ? 64 : sn), s);
        m |= GATE_SEVERITY_BIT(rank);
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    *mask = m;
    return 0;
}

int gate_severity_selected(unsigned mask, const char *severity)
{
    if (mask == 0)
        return 1;
    int rank = strata_severity_rank(severity);
    if (rank < 0 || rank > 4)
        rank = 0;
    return (mask & GATE_SEVERITY_BIT(rank)) != 0;
}

static int severity_word_selected(const char *severity, void *mask)
{
    return gate_severity_selected(*(const unsigned *)mask, severity);
}

void gate_keep_checks(struct strata_report *r, unsigned mask)
{
    strata_report_keep_secrets(r, severity_word_selected, &mask);
    strata_report_keep_misconfigurations(r, severity_word_selected, &mask);
}

size_t gate_count_checks(const struct strata_report *r, unsigned mask)
{
    size_t n = r->n_denied_license_packages;
    for (size_t i = 0; i < r->n_secrets; i++)
        n += gate_severity_selected(mask, r->secrets[i].severity);
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        n += gate_severity_selected(mask, r->misconfigurations[i].severity);
    return n;
}

static int set_suppressed(struct strata_vulnerability *v, const char *by, char *reason)
{
    char *b = strdup(by);
    if (b == NULL || reason == NULL) {
        free(b);
        free(reason);
        return STRATA_ENOMEM;
    }
    free(v->suppressed_by);
    free(v->suppression_reason);
    v->suppressed = 1;
    v->suppressed_by = b;
    v->suppression_reason = reason;
    return 0;
}

static char *fmt_dup(const char *fmt, const char *a, const char *b)
{
    int n = snprintf(NULL, 0, fmt, a, b);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s != NULL)
        snprintf(s, (size_t)n + 1, fmt, a, b);
    return s;
}

static char *ignore_reason(const struct ignore_list *l, const struct ignore_entry *e)
{
    if (e->reason != NULL && *e->reason != '\0')
        return strdup(e->reason);
    char line[16];
    snprintf(line, sizeof line, "%d", e->line);
    return fmt_dup("%s:%s", l->name, line);
}

static char *vex_reason(const struct vex_statement *s)
{
    const char *why = s->justification ? s->justification : s->impact_statement;
    if (why == NULL)
        return fmt_dup("vex: %s%s", vex_status_name(s->status), "");
    return fmt_dup("vex: %s: %s", vex_status_name(s->status), why);
}

static char *unfixed_reason(const struct strata_vulnerability *v)
{
    if (v->status != NULL && *v->status != '\0')
        return fmt_dup("no fixed version (%s)%s", v->status, "");
    return strdup("no fixed version");
}

static int warn_expired(struct strata_report *r, const struct ignore_list *l, int32_t today,
                        struct strata_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct ignore_entry *e = &l->v[i];
        if (e->expires == 0 || today <= e->expires)
            continue;
        char date[11];
        policy_format_date(e->expires, date);
        char head[64];
        snprintf(head, sizeof head, ":%d: ignore entry for ", e->line);
        int n = snprintf(NULL, 0, "%s%s%s expired on %s; it no longer suppresses", l->name, head,
                         e->id, date);
        if (n < 0)
            return strata_error_set(err, STRATA_EINTERNAL, "cannot format a warning");
        char *msg = malloc((size_t)n + 1);
        if (msg == NULL)
            return strata_error_nomem(err);
        snprintf(msg, (size_t)n + 1, "%s%s%s expired on %s; it no longer suppresses", l->name, head,
                 e->id, date);
        int rc = strata_report_add_vuln_warning(r, msg);
        free(msg);
        if (rc != 0)
            return strata_error_nomem(err);
    }
    return 0;
}

int gate_apply(struct strata_report *r, const struct gate_options *o, size_t *n_failing,
               struct strata_error *err)
{
    if (n_failing != NULL)
        *n_failing = 0;
    int32_t today;
    if (o->today != NULL) {
        if (policy_parse_date(o->today, strlen(o->today), &today) != 0)
            return strata_error_set(err, STRATA_EUSAGE,
                                    "date \"%.64s\" is not of the form YYYY-MM-DD", o->today);
    } else if ((today = policy_today_utc()) < 0) {
        return strata_error_set(err, STRATA_EIO, "cannot read the current date");
    }

    struct ignore_list ign = {0};
    struct vex_doc vex = {0};
    int rc = 0;
    if (o->ignorefile != NULL && (rc = ignorefile_load(o->ignorefile, &ign, err)) != 0)
        return rc;
    if (o->vex != NULL && (rc = vex_load(o->vex, &vex, err)) != 0)
        goto done;
    if ((rc = warn_expired(r, &ign, today, err)) != 0)
        goto done;

    size_t failing = 0;
    for (size_t i = 0; i < r->n_vulnerabilities; i++) {
        struct strata_vulnerability *v = &r->vulnerabilities[i];
        if (!v->suppressed) {
            const struct ignore_entry *e = ign.n ? ignore_list_find(&ign, v, today) : NULL;
            const struct vex_statement *s = NULL;
            int oom = 0;
            if (e == NULL && vex.n > 0)
                s = vex_find(&vex, &r->target, v, &oom);
            if (oom) {
                rc = strata_error_nomem(err);
                goto done;
            }
            int src = 0;
            if (e != NULL)
                src = set_suppressed(v, "ignorefile", ignore_reason(&ign, e));
            else if (s != NULL && vex_status_suppresses(s->status))
                src = set_suppressed(v, "vex", vex_reason(s));
            else if (o->ignore_unfixed && (v->fixed_version == NULL || *v->fixed_version == '\0'))
                src = set_suppressed(v, "ignore-unfixed", unfixed_reason(v));
            if (src != 0) {
                rc = strata_error_nomem(err);
                goto done;
            }
        }
        if (!v->suppressed && gate_severity_selected(o->severities, v->severity))
            failing++;
    }
    if (n_failing != NULL)
        *n_failing = failing;
done:
    ignore_list_free(&ign);
    vex_doc_free(&vex);
    return rc;
}
