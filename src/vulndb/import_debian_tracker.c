/* Debian security tracker JSON (https://security-tracker.debian.org/tracker/data/json):
 *   { "<source package>": { "<CVE or TEMP id>": { "description": "…",
 *       "releases": { "<codename>": { "status": "resolved"|"open"|"undetermined",
 *                                      "fixed_version": "…", "urgency": "low**",
 *                                      "nodsa": "…", "nodsa_reason": "ignored"|"postponed" }}}}}
 * → one advisory per id (shared by all its packages) and one affected row per package and
 * release, in the release's "Debian:<N>" ecosystem. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/import.h"
#include "vulndb/json_members.h"

static const struct {
    const char *codename, *number;
} releases[] = {
    {"buzz", "1.1"},    {"rex", "1.2"},     {"bo", "1.3"},    {"hamm", "2.0"},  {"slink", "2.1"},
    {"potato", "2.2"},  {"woody", "3.0"},   {"sarge", "3.1"}, {"etch", "4.0"},  {"lenny", "5.0"},
    {"squeeze", "6"},   {"wheezy", "7"},    {"jessie", "8"},  {"stretch", "9"}, {"buster", "10"},
    {"bullseye", "11"}, {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},
};

static const char *release_number(const char *codename)
{
    for (size_t i = 0; i < sizeof releases / sizeof releases[0]; i++)
        if (strcmp(releases[i].codename, codename) == 0)
            return releases[i].number;
    return NULL;
}

/* Debian urgency → severity. Trailing '*' / '**' (the tracker's "guessed" markers) are ignored.
 * Returns NULL when there is no urgency. */
static const char *urgency_severity(const char *u)
{
    if (u == NULL)
        return NULL;
    size_t n = strlen(u);
    while (n > 0 && u[n - 1] == '*')
        n--;
    if (n == 0)
        return NULL;
    if ((n == 11 && strncmp(u, "unimportant", n) == 0) || (n == 3 && strncmp(u, "low", n) == 0))
        return "LOW";
    if (n == 6 && strncmp(u, "medium", n) == 0)
        return "MEDIUM";
    if (n == 4 && strncmp(u, "high", n) == 0)
        return "HIGH";
    return "UNKNOWN"; /* "end-of-life", "not yet assigned" and anything new */
}

static const char *str_member(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int make_ranges(const char *fixed, char **out, struct strata_error *err)
{
    json_t *r =
        fixed ? json_pack("[{s:s, s:[{s:s}, {s:s}]}]", "type", "ECOSYSTEM", "events", "introduced",
                          "0", "fixed", fixed)
              : json_pack("[{s:s, s:[{s:s}]}]", "type", "ECOSYSTEM", "events", "introduced", "0");
    if (r == NULL)
        return strata_error_nomem(err);
    *out = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    return *out ? 0 : strata_error_nomem(err);
}

static int import_entry(struct vdb_builder *b, const char *pkg, const char *id, const json_t *entry,
                        const char *name, struct strata_error *err)
{
    if (!json_is_object(entry))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s: %s: not an object", name, pkg, id);
    const json_t *rels = json_object_get(entry, "releases");
    if (rels == NULL || json_is_null(rels))
        return 0;
    if (!json_is_object(rels))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s: %s: releases: not an object", name,
                                pkg, id);
    const json_t *desc = json_object_get(entry, "description");
    if (desc != NULL && !json_is_null(desc) && !json_is_string(desc))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s: %s: description: not a string", name,
                                pkg, id);
    if (json_string_length(desc) > VDB_MAX_FIELD_LEN)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %s: %s: description longer than %u bytes",
                                name, pkg, id, VDB_MAX_FIELD_LEN);
    int64_t adv = 0;
    const char *codename;
    const json_t *rel;
    json_object_foreach((json_t *)rels, codename, rel)
    {
        if (!json_is_object(rel))
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s: %s: releases.%s: not an object",
                                    name, pkg, id, codename);
        const char *number = release_number(codename);
        if (number == NULL) { /* sid, experimental, or a codename this strata does not know */
            b->stats->unknown_releases++;
            continue;
        }
        const char *status = str_member(rel, "status");
        const char *fixed = str_member(rel, "fixed_version");
        const char *row_status;
        if (status != NULL && strcmp(status, "resolved") == 0) {
            if (fixed == NULL || fixed[0] == '\0') {
                b->stats->undetermined++;
                continue;
            }
            if (strcmp(fixed, "0") == 0) { /* the release never had the vulnerable code */
                b->stats->not_affected++;
                continue;
            }
            row_status = "fixed";
        } else if (status != NULL && strcmp(status, "open") == 0) {
            const char *reason = str_member(rel, "nodsa_reason");
            fixed = NULL;
            if (reason != NULL && strcmp(reason, "ignored") == 0)
                row_status = "will_not_fix";
            else if (reason != NULL && strcmp(reason, "postponed") == 0)
                row_status = "fix_deferred";
            else
                row_status = "affected";
        } else { /* "undetermined" or anything else: nothing reliable to match on */
            b->stats->undetermined++;
            continue;
        }
        if (strlen(fixed ? fixed : "") > VDB_MAX_ID_LEN)
            return strata_error_set(err, STRATA_ELIMIT,
                                    "%s: %s: %s: releases.%s: fixed_version too long", name, pkg,
                                    id, codename);
        int rc;
        if (adv == 0) {
            int created;
            rc = vdb_advisory(b, VDB_KIND_DEBIAN_TRACKER, id, json_string_value(desc), NULL, NULL,
                              NULL, &adv, &created, err);
            if (rc != 0)
                return rc;
        }
        char ecosystem[32];
        snprintf(ecosystem, sizeof ecosystem, "Debian:%s", number);
        char *ranges = NULL;
        if ((rc = make_ranges(fixed, &ranges, err)) != 0)
            return rc;
        rc = vdb_affected(b, adv, ecosystem, pkg, row_status,
                          urgency_severity(str_member(rel, "urgency")), ranges, "[]", err);
        free(ranges);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* One top-level member: the ids of source package pkg. */
static int import_package(struct vdb_builder *b, const char *pkg, const json_t *ids,
                          const char *name, struct strata_error *err)
{
    if (!json_is_object(ids))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s: not an object of CVE ids", name, pkg);
    if (pkg[0] == '\0' || strlen(pkg) > VDB_MAX_ID_LEN)
        return strata_error_set(err, STRATA_EFORMAT, "%s: bad package name", name);
    const char *id;
    const json_t *entry;
    json_object_foreach((json_t *)ids, id, entry)
    {
        if (id[0] == '\0' || strlen(id) > VDB_MAX_ID_LEN)
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s: bad advisory id", name, pkg);
        int rc = import_entry(b, pkg, id, entry, name, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int vdb_import_debian_tracker(struct vdb_builder *b, const json_t *root, const char *name,
                              struct strata_error *err)
{
    int64_t sid;
    int rc = vdb_source(b, VDB_KIND_DEBIAN_TRACKER, &sid, err);
    if (rc != 0)
        return rc;
    const char *pkg;
    const json_t *ids;
    json_object_foreach((json_t *)root, pkg, ids)
    {
        if ((rc = import_package(b, pkg, ids, name, err)) != 0)
            return rc;
    }
    return 0;
}

/* Streaming: a top-level name seen twice is an error (a whole-document parse kept the last
 * one; a stream cannot take back what it imported), and so is one inside a package. */
int vdb_import_debian_tracker_fd(struct vdb_builder *b, int fd, const char *name, int *handled,
                                 struct strata_error *err)
{
    *handled = 0;
    struct jm_reader *r;
    int rc = jm_open_fd(&r, fd, name, VDB_MAX_MEMBER_BYTES, JM_REJECT_DUPLICATES, err);
    if (rc != 0)
        return rc;
    struct jm_member m;
    int is_object = 0, more = 0;
    json_t *v = NULL;
    if ((rc = jm_begin(r, &is_object, err)) != 0 || !is_object)
        goto out;
    if ((rc = jm_next(r, &m, &more, err)) != 0 || !more)
        goto out;
    /* Detection by the first member, as vdb_detect does on a whole document. */
    if ((rc = jm_load(r, &m, 0, &v, err)) != 0)
        goto out;
    int tracker = vdb_detect_tracker_member(v);
    json_decref(v);
    if (!tracker)
        goto out;
    *handled = 1;
    int64_t sid;
    if ((rc = vdb_source(b, VDB_KIND_DEBIAN_TRACKER, &sid, err)) != 0)
        goto out;
    while (more) {
        if ((rc = jm_load(r, &m, JSON_REJECT_DUPLICATES, &v, err)) != 0)
            break;
        rc = import_package(b, m.key, v, name, err);
        json_decref(v);
        if (rc != 0 || (rc = jm_next(r, &m, &more, err)) != 0)
            break;
    }
out:
    jm_free(r);
    return rc;
}
