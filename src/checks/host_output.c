/* strata host's table and JSON (host.h). The table is docker-bench-security's log layout: the
 * section headers as [INFO] lines, one "[STATUS] ID - Title" line per check and its details
 * under it, then the totals. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "checks/host.h"
#include "report/json_writer.h"

static const struct {
    const char *prefix; /* a check id starting with it opens the section */
    const char *header;
    int blank; /* a blank line before it */
} sections[] = {
    {"1.1.", "1 - Host Configuration", 1},
    {"1.1.", "1.1 - Linux Hosts Specific Configuration", 0},
    {"1.2.", "1.2 - General Configuration", 0},
    {"2.", "2 - Docker daemon configuration", 1},
    {"3.", "3 - Docker daemon configuration files", 1},
    {"5.", "5 - Container Runtime", 1},
};

int host_write_table(const struct host_report *r, FILE *out)
{
    size_t next = 0, nsec = sizeof sections / sizeof sections[0];
    for (size_t i = 0; i < r->n_checks; i++) {
        const struct host_check *k = &r->checks[i];
        while (next < nsec &&
               strncmp(k->id, sections[next].prefix, strlen(sections[next].prefix)) == 0) {
            if (sections[next].blank && i > 0)
                fputc('\n', out);
            fprintf(out, "[INFO] %s\n", sections[next].header);
            next++;
        }
        const char *st = host_status_name(k->status);
        fprintf(out, "[%s] %s - %s\n", st, k->id, k->title);
        for (size_t j = 0; j < k->n_details; j++)
            fprintf(out, "[%s]      * %s\n", st, k->details[j]);
        if (k->n_more_details)
            fprintf(out, "[%s]      * … and %zu more\n", st, k->n_more_details);
    }
    fprintf(out, "\n[INFO] Checks: %zu\n", r->n_checks);
    fprintf(out, "[INFO] PASS: %zu, WARN: %zu, INFO: %zu, NOTE: %zu\n", r->totals[HOST_PASS],
            r->totals[HOST_WARN], r->totals[HOST_INFO], r->totals[HOST_NOTE]);
    if (fflush(out) != 0 || ferror(out))
        return errno ? errno : EIO;
    return 0;
}

int host_write_json(const struct host_report *r, FILE *out)
{
    struct json_writer w;
    if (jw_init(&w, out) != 0)
        return ENOMEM;
    jw_begin_object(&w);
    jw_key(&w, "root");
    jw_string(&w, r->root);
    jw_key(&w, "benchmark");
    jw_string(&w, "CIS Docker Benchmark 1.6.0");
    jw_key(&w, "host_checks");
    jw_begin_array(&w);
    for (size_t i = 0; i < r->n_checks && !jw_failed(&w); i++) {
        const struct host_check *k = &r->checks[i];
        jw_begin_object(&w);
        jw_key(&w, "id");
        jw_string(&w, k->id);
        jw_key(&w, "title");
        jw_string(&w, k->title);
        jw_key(&w, "status");
        jw_string(&w, host_status_name(k->status));
        jw_key(&w, "details");
        jw_begin_array(&w);
        for (size_t j = 0; j < k->n_details; j++)
            jw_string(&w, k->details[j]);
        if (k->n_more_details) {
            char more[64];
            snprintf(more, sizeof more, "… and %zu more", k->n_more_details);
            jw_string(&w, more);
        }
        jw_end_array(&w);
        jw_end_object(&w);
    }
    jw_end_array(&w);
    jw_key(&w, "totals");
    jw_begin_object(&w);
    jw_key(&w, "checks");
    jw_integer(&w, (long long)r->n_checks);
    static const char *const keys[HOST_STATUS_COUNT] = {"pass", "warn", "info", "note"};
    for (int s = 0; s < HOST_STATUS_COUNT; s++) {
        jw_key(&w, keys[s]);
        jw_integer(&w, (long long)r->totals[s]);
    }
    jw_end_object(&w);
    jw_end_object(&w);
    int rc = jw_finish(&w);
    return rc < 0 ? EIO : rc;
}
