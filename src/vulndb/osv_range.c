/* OSV range evaluation. Events are sorted by version before the walk (the schema does not
 * promise an order), "introduced: 0" sorts first, and a version is affected when the last
 * event at or below it is an introduction, unless a last_affected below it or a limit at or
 * below it closes the range. */
#include "vulndb/osv_range.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define MAX_EVENTS 256

enum event_kind { EV_INTRODUCED, EV_FIXED, EV_LAST_AFFECTED, EV_LIMIT };

struct event {
    enum event_kind kind;
    const char *version;
};

static int is_zero(const char *v)
{
    return strcmp(v, "0") == 0;
}

/* limit "*" (no limit) is above every version */
static int is_any(const char *v)
{
    return strcmp(v, "*") == 0;
}

/* Compares two event versions: "0" (introduced from the start) is below everything, a "*"
 * limit above everything. */
static int event_cmp(enum strata_version_type t, const char *a, const char *b, int *cmp)
{
    if (is_zero(a) || is_zero(b)) {
        *cmp = is_zero(a) - is_zero(b) == 0 ? 0 : (is_zero(a) ? -1 : 1);
        return 0;
    }
    if (is_any(a) || is_any(b)) {
        *cmp = is_any(a) - is_any(b);
        return 0;
    }
    return strata_version_compare(t, a, b, cmp, NULL);
}

/* Insertion sort: stable, and the lists are short. Returns -1 when a version is rejected. */
static int sort_events(struct event *ev, size_t n, enum strata_version_type t)
{
    for (size_t i = 1; i < n; i++) {
        struct event cur = ev[i];
        size_t j = i;
        while (j > 0) {
            int c;
            if (event_cmp(t, ev[j - 1].version, cur.version, &c) != 0)
                return -1;
            if (c <= 0)
                break;
            ev[j] = ev[j - 1];
            j--;
        }
        ev[j] = cur;
    }
    return 0;
}

/* Go module versions carry a "v" the OSV SEMVER ranges of the Go ecosystem leave out. */
static const char *semver_form(const char *v)
{
    return (v[0] == 'v' && v[1] >= '0' && v[1] <= '9') ? v + 1 : v;
}

/* A comparison failed: remembers which version the comparator rejects (the installed one or
 * an event's) and returns the "invalid" verdict of eval_range. Only runs on that rare path,
 * so valid data is parsed once per comparison, never validated beforehand. */
static int rejected(struct osv_verdict *out, enum strata_version_type t, const char *version,
                    const struct event *ev, size_t n)
{
    const char *bad = version;
    if (strata_version_validate(t, version, NULL) == 0)
        for (size_t i = 0; i < n; i++)
            if (!is_zero(ev[i].version) && !is_any(ev[i].version) &&
                strata_version_validate(t, ev[i].version, NULL) != 0) {
                bad = ev[i].version;
                break;
            }
    if (out->invalid_version[0] == '\0')
        snprintf(out->invalid_version, sizeof out->invalid_version, "%s", bad);
    return 2;
}

/* Returns 0 when judged, 1 when the range cannot be judged from a version (GIT), 2 when a
 * version in it is not valid for the comparator. */
static int eval_range(json_t *range, enum strata_version_type eco_type, const char *version,
                      struct osv_verdict *out)
{
    const char *type = json_string_value(json_object_get(range, "type"));
    json_t *events = json_object_get(range, "events");
    enum strata_version_type t;
    if (type && strcmp(type, "ECOSYSTEM") == 0)
        t = eco_type;
    else if (type && strcmp(type, "SEMVER") == 0) {
        t = STRATA_VERSION_SEMVER;
        version = semver_form(version);
    } else
        return 1; /* GIT and unknown types cannot be judged from a version */
    if (!json_is_array(events) || json_array_size(events) > MAX_EVENTS)
        return 1;
    struct event ev[MAX_EVENTS];
    size_t n = 0;
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        static const char *const keys[] = {"introduced", "fixed", "last_affected", "limit"};
        for (int k = 0; k < 4; k++) {
            const char *v = json_string_value(json_object_get(e, keys[k]));
            if (v) {
                ev[n].kind = (enum event_kind)k;
                ev[n].version = t == STRATA_VERSION_SEMVER ? semver_form(v) : v;
                n++;
                break;
            }
        }
    }
    if (sort_events(ev, n, t) != 0)
        return rejected(out, t, version, ev, n);
    int cmp;
    /* Limits: when any are given, the version must be below at least one of them. */
    int have_limit = 0, below_limit = 0;
    for (i = 0; i < n; i++) {
        if (ev[i].kind != EV_LIMIT)
            continue;
        have_limit = 1;
        if (event_cmp(t, version, ev[i].version, &cmp) != 0)
            return rejected(out, t, version, ev, n);
        if (cmp < 0)
            below_limit = 1;
    }
    if (have_limit && !below_limit)
        return 0;
    int affected = 0;
    for (i = 0; i < n; i++) {
        if (ev[i].kind == EV_LIMIT)
            continue;
        if (event_cmp(t, version, ev[i].version, &cmp) != 0)
            return rejected(out, t, version, ev, n);
        if (ev[i].kind == EV_INTRODUCED && cmp >= 0)
            affected = 1;
        else if (ev[i].kind == EV_FIXED && cmp >= 0)
            affected = 0;
        else if (ev[i].kind == EV_LAST_AFFECTED && cmp > 0)
            affected = 0;
    }
    if (!affected)
        return 0;
    out->affected = 1;
    /* The fix that applies is the first fixed event above the version. */
    for (i = 0; i < n; i++) {
        if (ev[i].kind != EV_FIXED || event_cmp(t, version, ev[i].version, &cmp) != 0 || cmp >= 0)
            continue;
        if (out->fixed[0] == '\0' && strlen(ev[i].version) < sizeof out->fixed)
            snprintf(out->fixed, sizeof out->fixed, "%s", ev[i].version);
        break;
    }
    return 0;
}

int osv_evaluate(const char *ranges_json, const char *versions_json,
                 enum strata_version_type eco_type, const char *version, struct osv_verdict *out,
                 struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_t *ranges = json_loads(ranges_json ? ranges_json : "[]", 0, &je);
    json_t *versions = json_loads(versions_json ? versions_json : "[]", 0, &je);
    int rc = 0;
    if (!json_is_array(ranges) || !json_is_array(versions)) {
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "vulnerability database: malformed ranges or versions "
                              "column: %s",
                              ranges_json ? ranges_json : "(null)");
        goto out;
    }
    size_t i;
    json_t *v;
    json_array_foreach(versions, i, v)
    {
        const char *s = json_string_value(v);
        if (s && strcmp(s, version) == 0)
            out->affected = 1;
    }
    json_array_foreach(ranges, i, v)
    {
        int r = eval_range(v, eco_type, version, out);
        out->skipped += r == 1;
        out->invalid += r == 2;
    }
out:
    json_decref(ranges);
    json_decref(versions);
    return rc;
}
