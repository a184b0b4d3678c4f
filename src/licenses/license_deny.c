/* --license-deny: the list's syntax and what it denies (strata/license.h). */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "licenses/license_internal.h"
#include "licenses/license_table.h"

#define DENY_MAX_ENTRIES 256
#define DENY_MAX_ENTRY 128
#define CATEGORY_PREFIX "category:"

void strata_license_deny_free(char **deny)
{
    if (deny == NULL)
        return;
    for (char **p = deny; *p; p++)
        free(*p);
    free(deny);
}

static int valid_category(const char *c)
{
    for (int k = LIC_PERMISSIVE; k <= LIC_UNKNOWN; k++)
        if (strcmp(c, lic_category_name((enum lic_category)k)) == 0)
            return 1;
    return 0;
}

static int glob_matches_any(const char *glob)
{
    for (size_t i = 0; i < lic_n_ids; i++)
        if (lic_ids[i].replaced_by == NULL && fnmatch(glob, lic_ids[i].id, FNM_CASEFOLD) == 0)
            return 1;
    return 0;
}

/* One entry, trimmed: *out is what is kept (canonical id, glob, "category:x"). */
static int deny_entry(const char *e, size_t n, size_t pos, char **out, struct strata_error *err)
{
    *out = NULL;
    if (n == 0)
        return strata_error_set(err, STRATA_EUSAGE, "--license-deny: entry %zu is empty", pos);
    if (n > DENY_MAX_ENTRY)
        return strata_error_set(err, STRATA_EUSAGE,
                                "--license-deny: entry %zu is longer than %d bytes", pos,
                                DENY_MAX_ENTRY);
    char buf[DENY_MAX_ENTRY + 1];
    memcpy(buf, e, n);
    buf[n] = '\0';
    size_t cl = strlen(CATEGORY_PREFIX);
    if (n > cl && strncasecmp(buf, CATEGORY_PREFIX, cl) == 0) {
        for (char *c = buf + cl; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (!valid_category(buf + cl))
            return strata_error_set(err, STRATA_EUSAGE,
                                    "--license-deny: \"%s\": unknown category (permissive, "
                                    "weak-copyleft, strong-copyleft, network-copyleft, forbidden, "
                                    "unknown)",
                                    buf);
        memcpy(buf, CATEGORY_PREFIX, cl);
        *out = strdup(buf);
        return *out ? 0 : strata_error_nomem(err);
    }
    int glob = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '*' || c == '?' || c == '[' || c == ']') {
            glob = 1;
            continue;
        }
        if (!(c < 0x80 && (isalnum(c) || c == '.' || c == '-' || c == '+')))
            return strata_error_set(err, STRATA_EUSAGE,
                                    "--license-deny: \"%s\": '%c' is in no SPDX license id", buf,
                                    c >= 0x20 && c < 0x7f ? c : '?');
    }
    int ref = strncasecmp(buf, "LicenseRef-", 11) == 0;
    if (glob) {
        if (!ref && !glob_matches_any(buf))
            return strata_error_set(err, STRATA_EUSAGE,
                                    "--license-deny: \"%s\" matches no SPDX license id", buf);
        *out = strdup(buf);
        return *out ? 0 : strata_error_nomem(err);
    }
    if (ref) {
        *out = lic_ref("LicenseRef-", buf + 11, n - 11);
        return *out ? 0 : strata_error_nomem(err);
    }
    const struct lic_id *id = lic_find_id(buf, n);
    if (id != NULL && id->replaced_by == NULL) {
        *out = strdup(id->id);
        return *out ? 0 : strata_error_nomem(err);
    }
    if (id != NULL)
        return strata_error_set(err, STRATA_EUSAGE,
                                "--license-deny: \"%s\" is a deprecated SPDX id; licenses are "
                                "reported as \"%s\"",
                                buf, id->replaced_by);
    char *norm = strata_license_normalize_lenient(buf, n);
    if (norm == NULL)
        return strata_error_nomem(err);
    int rc;
    if (strncmp(norm, "LicenseRef-", 11) != 0)
        rc = strata_error_set(err, STRATA_EUSAGE,
                              "--license-deny: \"%s\" is not an SPDX license id (did you mean "
                              "\"%s\"?)",
                              buf, norm);
    else
        rc = strata_error_set(err, STRATA_EUSAGE,
                              "--license-deny: \"%s\" is not an SPDX license id, a glob such as "
                              "\"GPL-*\", a LicenseRef- or category:NAME",
                              buf);
    free(norm);
    return rc;
}

int strata_license_parse_deny(const char *list, char ***out, struct strata_error *err)
{
    *out = NULL;
    if (list == NULL)
        return strata_error_set(err, STRATA_EUSAGE, "--license-deny: empty list");
    char **v = calloc(DENY_MAX_ENTRIES + 1, sizeof *v);
    if (v == NULL)
        return strata_error_nomem(err);
    size_t n = 0;
    int rc = 0;
    const char *p = list;
    for (size_t pos = 1;; pos++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *s = p;
        while (len > 0 && isspace((unsigned char)*s))
            s++, len--;
        while (len > 0 && isspace((unsigned char)s[len - 1]))
            len--;
        if (n == DENY_MAX_ENTRIES) {
            rc = strata_error_set(err, STRATA_EUSAGE, "--license-deny: more than %d entries",
                                  DENY_MAX_ENTRIES);
            break;
        }
        if ((rc = deny_entry(s, len, pos, &v[n], err)) != 0)
            break;
        n++;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    if (rc != 0) {
        strata_license_deny_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

int strata_license_id_denied(const char *id, const char *const *deny)
{
    if (deny == NULL || id == NULL)
        return 0;
    size_t cl = strlen(CATEGORY_PREFIX);
    for (const char *const *d = deny; *d; d++) {
        if (strncmp(*d, CATEGORY_PREFIX, cl) == 0) {
            if (strcmp(strata_license_category(id), *d + cl) == 0)
                return 1;
        } else if (strpbrk(*d, "*?[") != NULL) {
            if (fnmatch(*d, id, FNM_CASEFOLD) == 0)
                return 1;
        } else if (strcasecmp(*d, id) == 0) {
            return 1;
        }
    }
    return 0;
}

int strata_license_expr_denied(const struct strata_license_expr *e, const char *const *deny)
{
    if (e == NULL || deny == NULL)
        return 0;
    if (e->kind == STRATA_LICENSE_ID)
        return strata_license_id_denied(e->id, deny);
    int and = e->kind == STRATA_LICENSE_AND;
    for (size_t i = 0; i < e->n_terms; i++) {
        int d = strata_license_expr_denied(e->terms[i], deny);
        if (and&&d)
            return 1; /* every term of an AND must be accepted */
        if (!and&&!d)
            return 0; /* one acceptable choice of an OR is enough */
    }
    return !and;
}
