/* Evaluating a trust policy: one PASS/FAIL result per rule, each with the reason, from facts
 * the caller gathered (reference, digest, newest scan record, current database, signature
 * verifier). Fail closed: a rule that has nothing to judge by fails and says why. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strbuf.h"
#include "policy/policy_util.h"
#include "policy/trust_policy.h"
#include "strata/license.h"

#define LIST_SHOWN 5 /* offenders named in one reason; the rest counted */

static const char *const sev_names[SCAN_SEVERITIES] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH",
                                                       "CRITICAL"};

int tp_results_add(struct tp_results *r, const char *rule, int pass, int line, int col,
                   const char *fmt, ...)
{
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 16;
        struct tp_result *nv = realloc(r->v, nc * sizeof *nv);
        if (nv == NULL)
            return STRATA_ENOMEM;
        r->v = nv, r->cap = nc;
    }
    va_list ap;
    va_start(ap, fmt);
    char *reason = NULL;
    int n = vasprintf(&reason, fmt, ap);
    va_end(ap);
    if (n < 0)
        return STRATA_ENOMEM;
    r->v[r->n++] = (struct tp_result){rule, pass, reason, line, col};
    return 0;
}

size_t tp_results_failed(const struct tp_results *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += !r->v[i].pass;
    return n;
}

void tp_results_release(struct tp_results *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].reason);
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* "3d 4h", "2h 5m", "45s". */
static void human_age(int64_t s, char *buf, size_t size)
{
    if (s < 0)
        snprintf(buf, size, "in the future (clock skew?)");
    else if (s >= 86400)
        snprintf(buf, size, "%lldd %lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
    else if (s >= 3600)
        snprintf(buf, size, "%lldh %lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else if (s >= 60)
        snprintf(buf, size, "%lldm %llds", (long long)(s / 60), (long long)(s % 60));
    else
        snprintf(buf, size, "%llds", (long long)s);
}

static void utc_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "@%lld", (long long)t);
}

static const char *matching(const struct tp_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (tp_glob_match(l->v[i].text, name))
            return l->v[i].text;
    return NULL;
}

static int registry_rule(const struct trust_policy *p, const struct tp_image *img,
                         struct tp_results *out)
{
    const struct tp_list *l = &p->registries;
    if (!img->has_ref)
        return tp_results_add(out, TP_RULE_REGISTRY, 0, l->line, l->col,
                              "%s has no image reference to check (a local archive without a "
                              "RepoTag or ref.name)",
                              img->input);
    const char *m = matching(l, img->ref.name);
    if (m != NULL)
        return tp_results_add(out, TP_RULE_REGISTRY, 1, l->line, l->col, "%s is allowed by \"%s\"",
                              img->ref.name, m);
    return tp_results_add(out, TP_RULE_REGISTRY, 0, l->line, l->col,
                          "%s matches no pattern of registries.allow", img->ref.name);
}

static int pinning_rule(const struct trust_policy *p, const struct tp_image *img,
                        struct tp_results *out)
{
    int line = p->pinning_line, col = p->pinning_col;
    if (!img->ref_is_input)
        return tp_results_add(out, TP_RULE_PINNING, 1, line, col,
                              "a local archive is identified by its content (%s)",
                              img->digest ? img->digest : "digest unknown");
    if (img->ref.digest[0] != '\0')
        return tp_results_add(out, TP_RULE_PINNING, 1, line, col, "pinned to %s", img->ref.digest);
    if (img->digest != NULL)
        return tp_results_add(out, TP_RULE_PINNING, 0, line, col,
                              "%s is not pinned by digest; today it is %s@%s", img->input,
                              img->ref.name, img->digest);
    return tp_results_add(out, TP_RULE_PINNING, 0, line, col,
                          "%s is not pinned by digest (NAME@sha256:…)", img->input);
}

static int signature_rule(const struct tp_signature_rule *r, const struct tp_image *img,
                          struct tp_results *out)
{
    struct strbuf why = STRBUF_INIT;
    size_t verified = 0;
    int rc = 0;
    for (size_t k = 0; k < r->n_keys && rc == 0; k++) {
        char reason[512] = "";
        int v;
        if (img->verify == NULL) {
            snprintf(reason, sizeof reason, "signatures cannot be checked here");
            v = 1;
        } else {
            v = img->verify(img->verify_ctx, &r->keys[k], reason, sizeof reason);
        }
        verified += v == 0;
        rc = strbuf_addf(&why, "%skey %s: %s", k ? "; " : "", r->keys[k].path,
                         v == 0 ? "verified" : reason);
    }
    int pass = r->require_all ? verified == r->n_keys : verified > 0;
    if (rc == 0)
        rc = tp_results_add(out, TP_RULE_SIGNATURE, pass, r->line, r->col,
                            "%s (%s of %zu key%s, "
                            "%s required)",
                            why.buf,
                            verified == r->n_keys ? "all"
                            : verified            ? "some"
                                                  : "none",
                            r->n_keys, r->n_keys == 1 ? "" : "s", r->require_all ? "all" : "one");
    strbuf_release(&why);
    return rc;
}

static int signature_rules(const struct trust_policy *p, const struct tp_image *img,
                           struct tp_results *out)
{
    size_t applied = 0;
    const char *name = img->has_ref ? img->ref.name : "";
    for (size_t i = 0; i < p->n_signatures; i++) {
        if (matching(&p->signatures[i].repositories, name) == NULL)
            continue;
        applied++;
        int rc = signature_rule(&p->signatures[i], img, out);
        if (rc != 0)
            return rc;
    }
    if (applied == 0 && p->n_signatures > 0)
        return tp_results_add(out, TP_RULE_SIGNATURE, 1, p->signatures[0].line,
                              p->signatures[0].col, "no signature rule applies to %s",
                              img->has_ref ? img->ref.name : img->input);
    return 0;
}

/* Why the record cannot judge, or NULL when it can. */
static const char *no_record(const struct tp_image *img)
{
    if (img->digest == NULL)
        return "the image's digest is unknown";
    if (img->record == NULL)
        return "no scan record of this digest (scan it with 'strata image', or pass --rescan)";
    return NULL;
}

static int scan_rules(const struct trust_policy *p, const struct tp_image *img,
                      struct tp_results *out)
{
    const struct scan_record *rec = img->record;
    const char *none = no_record(img);
    char age[48], when[32];
    int rc = 0;
    if (p->scan_max_age.seconds > 0) {
        const struct tp_duration *d = &p->scan_max_age;
        if (none != NULL) {
            rc = tp_results_add(out, TP_RULE_SCAN_AGE, 0, d->line, d->col, "%s", none);
        } else {
            int64_t a = img->now - rec->scanned_at;
            human_age(a, age, sizeof age);
            utc_time(rec->scanned_at, when, sizeof when);
            rc = tp_results_add(out, TP_RULE_SCAN_AGE, a <= d->seconds, d->line, d->col,
                                "last scanned %s ago (%s)%s%s", age, when,
                                a <= d->seconds ? ", within scan.max_age "
                                                : ", more than "
                                                  "scan.max_age ",
                                d->text);
        }
    }
    if (rc == 0 && p->require_current_db) {
        int line = p->current_db_line, col = p->current_db_col;
        int64_t used, current;
        if (none != NULL)
            rc = tp_results_add(out, TP_RULE_SCAN_DB, 0, line, col, "%s", none);
        else if (img->current_db_built_at == NULL)
            rc = tp_results_add(out, TP_RULE_SCAN_DB, 0, line, col,
                                "no vulnerability database to compare the scan with");
        else if (rec->db_built_at == NULL)
            rc = tp_results_add(out, TP_RULE_SCAN_DB, 0, line, col,
                                "the last scan did not match vulnerabilities");
        else if (policy_parse_rfc3339(rec->db_built_at, &used) != 0 ||
                 policy_parse_rfc3339(img->current_db_built_at, &current) != 0)
            rc = tp_results_add(out, TP_RULE_SCAN_DB, 0, line, col,
                                "unreadable database build time (%s, %s)", rec->db_built_at,
                                img->current_db_built_at);
        else if (used < current)
            rc = tp_results_add(out, TP_RULE_SCAN_DB, 0, line, col,
                                "the last scan used the database built %s; the current one was "
                                "built %s",
                                rec->db_built_at, img->current_db_built_at);
        else
            rc = tp_results_add(out, TP_RULE_SCAN_DB, 1, line, col,
                                "the last scan used the current database (built %s)",
                                rec->db_built_at);
    }
    if (rc == 0 && p->db_max_age.seconds > 0) {
        const struct tp_duration *d = &p->db_max_age;
        int64_t built;
        if (none != NULL)
            rc = tp_results_add(out, TP_RULE_DB_AGE, 0, d->line, d->col, "%s", none);
        else if (rec->db_built_at == NULL)
            rc = tp_results_add(out, TP_RULE_DB_AGE, 0, d->line, d->col,
                                "the last scan did not match vulnerabilities");
        else if (policy_parse_rfc3339(rec->db_built_at, &built) != 0)
            rc = tp_results_add(out, TP_RULE_DB_AGE, 0, d->line, d->col,
                                "unreadable database build time %s", rec->db_built_at);
        else {
            int64_t a = img->now - built;
            human_age(a, age, sizeof age);
            rc = tp_results_add(out, TP_RULE_DB_AGE, a <= d->seconds, d->line, d->col,
                                "the last scan used a database built %s ago (%s)%s%s", age,
                                rec->db_built_at,
                                a <= d->seconds ? ", within vulnerability_db.max_age "
                                                : ", more than vulnerability_db.max_age ",
                                d->text);
        }
    }
    return rc;
}

static int vulns_rule(const struct trust_policy *p, const struct tp_image *img,
                      struct tp_results *out)
{
    int line = p->vulns_line, col = p->vulns_col;
    const struct scan_record *rec = img->record;
    const char *none = no_record(img);
    if (none != NULL)
        return tp_results_add(out, TP_RULE_VULNS, 0, line, col, "%s", none);
    if (!rec->vulns_checked)
        return tp_results_add(out, TP_RULE_VULNS, 0, line, col,
                              "the last scan did not match vulnerabilities (no database, or "
                              "--no-vulns)");
    struct strbuf why = STRBUF_INIT;
    int pass = 1, rc = 0;
    for (int k = SCAN_SEVERITIES - 1; k >= 0 && rc == 0; k--) {
        if (p->vuln_max[k] < 0)
            continue;
        if (rec->severity_filter != 0 && (rec->severity_filter & (1u << k)) == 0) {
            pass = 0;
            rc = strbuf_addf(&why, "%s%s not judged (the last scan was limited with --severity)",
                             why.len ? ", " : "", sev_names[k]);
            continue;
        }
        long n = p->ignore_unfixed ? rec->fixable[k] : rec->vulns[k];
        if (n > p->vuln_max[k])
            pass = 0;
        rc = strbuf_addf(&why, "%s%s %ld %s %ld", why.len ? ", " : "", sev_names[k], n,
                         n > p->vuln_max[k] ? ">" : "<=", p->vuln_max[k]);
    }
    if (rc == 0 && why.len == 0)
        rc = strbuf_adds(&why, "no severity limit set");
    if (rc == 0)
        rc = tp_results_add(out, TP_RULE_VULNS, pass, line, col, "%s%s", why.buf ? why.buf : "",
                            p->ignore_unfixed ? " (with a fix; ignore_unfixed)" : "");
    strbuf_release(&why);
    return rc;
}

static int licenses_rule(const struct trust_policy *p, const struct tp_image *img,
                         struct tp_results *out)
{
    const struct tp_list *l = &p->license_deny;
    const char *none = no_record(img);
    if (none != NULL)
        return tp_results_add(out, TP_RULE_LICENSES, 0, l->line, l->col, "%s", none);
    const struct scan_record *rec = img->record;
    struct strbuf why = STRBUF_INIT;
    size_t denied = 0;
    int rc = 0;
    for (size_t i = 0; i < rec->n_licenses && rc == 0; i++) {
        const struct scan_license *sl = &rec->licenses[i];
        struct strata_license_expr *e = NULL;
        struct strata_error lerr = {0};
        int is_denied;
        if (strata_license_parse(sl->expression, strlen(sl->expression), &e, &lerr) == 0) {
            is_denied = strata_license_expr_denied(e, (const char *const *)p->license_deny_list);
            strata_license_expr_free(e);
        } else if (lerr.code == STRATA_ENOMEM) {
            rc = STRATA_ENOMEM;
            break;
        } else {
            /* as the license pass treats it: one LicenseRef- */
            is_denied =
                strata_license_id_denied(sl->expression, (const char *const *)p->license_deny_list);
        }
        if (!is_denied)
            continue;
        if (denied++ < LIST_SHOWN)
            rc = strbuf_addf(&why, "%s%s (%ld package%s, e.g. %s)", why.len ? "; " : "",
                             sl->expression, sl->packages, sl->packages == 1 ? "" : "s",
                             sl->example);
    }
    if (rc == 0 && denied > LIST_SHOWN)
        rc = strbuf_addf(&why, "; and %zu more", denied - LIST_SHOWN);
    if (rc == 0)
        rc = denied
                 ? tp_results_add(out, TP_RULE_LICENSES, 0, l->line, l->col, "denied: %s", why.buf)
                 : tp_results_add(out, TP_RULE_LICENSES, 1, l->line, l->col,
                                  "no package license is denied (%zu license expression%s)",
                                  rec->n_licenses, rec->n_licenses == 1 ? "" : "s");
    strbuf_release(&why);
    return rc;
}

static int checks_rules(const struct trust_policy *p, const struct tp_image *img,
                        struct tp_results *out)
{
    const struct scan_record *rec = img->record;
    const char *none = no_record(img);
    if (none == NULL && !rec->checks_checked)
        none = "the last scan did not run the image checks (--no-checks)";
    int rc = 0;
    if (p->forbid_checks.present) {
        const struct tp_list *l = &p->forbid_checks;
        struct strbuf why = STRBUF_INIT;
        size_t found = 0;
        for (size_t i = 0; none == NULL && i < rec->n_checks && rc == 0; i++) {
            const struct scan_check *c = &rec->checks[i];
            size_t k = 0;
            while (k < l->n && fnmatch(l->v[k].text, c->id, 0) != 0)
                k++;
            if (k == l->n)
                continue;
            if (found++ < LIST_SHOWN)
                rc = strbuf_addf(&why, "%s%s %s%s%s%s", why.len ? "; " : "", c->id, c->severity,
                                 c->path ? " (" : "", c->path ? c->path : "", c->path ? ")" : "");
        }
        if (rc == 0 && found > LIST_SHOWN)
            rc = strbuf_addf(&why, "; and %zu more", found - LIST_SHOWN);
        if (rc == 0 && none != NULL)
            rc = tp_results_add(out, TP_RULE_CHECKS, 0, l->line, l->col, "%s", none);
        else if (rc == 0)
            rc = found ? tp_results_add(out, TP_RULE_CHECKS, 0, l->line, l->col,
                                        "forbidden checks fired: %s", why.buf)
                       : tp_results_add(out, TP_RULE_CHECKS, 1, l->line, l->col,
                                        "none of the %zu forbidden check%s fired", l->n,
                                        l->n == 1 ? "" : "s");
        strbuf_release(&why);
    }
    if (rc == 0 && p->setuid_allow.present) {
        const struct tp_list *l = &p->setuid_allow;
        if (none != NULL)
            return tp_results_add(out, TP_RULE_SETUID, 0, l->line, l->col, "%s", none);
        struct strbuf why = STRBUF_INIT;
        size_t outside = 0, total = 0;
        for (size_t i = 0; i < rec->n_checks && rc == 0; i++) {
            const struct scan_check *c = &rec->checks[i];
            if (strcmp(c->id, "CIS-DI-0008") != 0 || c->path == NULL)
                continue;
            total++;
            size_t k = 0;
            while (k < l->n && fnmatch(l->v[k].text, c->path, FNM_PATHNAME) != 0)
                k++;
            if (k < l->n)
                continue;
            if (outside++ < LIST_SHOWN)
                rc = strbuf_addf(&why, "%s%s", why.len ? ", " : "", c->path);
        }
        if (rc == 0 && outside > LIST_SHOWN)
            rc = strbuf_addf(&why, " and %zu more", outside - LIST_SHOWN);
        if (rc == 0)
            rc = outside ? tp_results_add(out, TP_RULE_SETUID, 0, l->line, l->col,
                                          "setuid/setgid files outside checks.setuid_allow: %s",
                                          why.buf)
                         : tp_results_add(out, TP_RULE_SETUID, 1, l->line, l->col,
                                          "%zu setuid/setgid file%s, all allowed", total,
                                          total == 1 ? "" : "s");
        strbuf_release(&why);
    }
    return rc;
}

static int secrets_rule(const struct trust_policy *p, const struct tp_image *img,
                        struct tp_results *out)
{
    int line = p->secrets_line, col = p->secrets_col;
    const char *none = no_record(img);
    if (none != NULL)
        return tp_results_add(out, TP_RULE_SECRETS, 0, line, col, "%s", none);
    if (!img->record->secrets_checked)
        return tp_results_add(out, TP_RULE_SECRETS, 0, line, col,
                              "the last scan did not look for secrets (--no-secrets)");
    long n = img->record->secrets;
    return tp_results_add(out, TP_RULE_SECRETS, n <= p->secrets_max, line, col,
                          "%ld secret%s found, secrets.max is %ld", n, n == 1 ? "" : "s",
                          p->secrets_max);
}

int tp_evaluate_image(const struct trust_policy *p, const struct tp_image *img,
                      struct tp_results *out, struct strata_error *err)
{
    int rc = 0;
    if (p->registries.present)
        rc = registry_rule(p, img, out);
    if (rc == 0 && p->pinning_line > 0 && p->require_digest)
        rc = pinning_rule(p, img, out);
    if (rc == 0)
        rc = signature_rules(p, img, out);
    if (rc == 0)
        rc = scan_rules(p, img, out);
    if (rc == 0 && p->has_vuln_limits)
        rc = vulns_rule(p, img, out);
    if (rc == 0 && p->license_deny.present)
        rc = licenses_rule(p, img, out);
    if (rc == 0)
        rc = checks_rules(p, img, out);
    if (rc == 0 && p->secrets_max >= 0)
        rc = secrets_rule(p, img, out);
    return rc != 0 ? strata_error_nomem(err) : 0;
}

int tp_needs_rescan(const struct trust_policy *p, const struct tp_image *img)
{
    int judges_scan = p->scan_max_age.seconds > 0 || p->require_current_db ||
                      p->db_max_age.seconds > 0 || p->has_vuln_limits || p->license_deny.present ||
                      p->forbid_checks.present || p->setuid_allow.present || p->secrets_max >= 0;
    if (!judges_scan || img->digest == NULL)
        return 0;
    const struct scan_record *rec = img->record;
    if (rec == NULL)
        return 1;
    if (p->scan_max_age.seconds > 0 && img->now - rec->scanned_at > p->scan_max_age.seconds)
        return 1;
    int64_t used, current;
    /* Without a database a new scan would match nothing either: no rescan for that. */
    if ((p->require_current_db || p->db_max_age.seconds > 0 || p->has_vuln_limits) &&
        rec->db_built_at == NULL && img->current_db_built_at != NULL)
        return 1;
    if (p->require_current_db && img->current_db_built_at != NULL &&
        policy_parse_rfc3339(rec->db_built_at, &used) == 0 &&
        policy_parse_rfc3339(img->current_db_built_at, &current) == 0 && used < current)
        return 1;
    if (p->has_vuln_limits)
        for (int k = 0; k < SCAN_SEVERITIES; k++)
            if (p->vuln_max[k] >= 0 && rec->severity_filter != 0 &&
                (rec->severity_filter & (1u << k)) == 0)
                return 1;
    if ((p->forbid_checks.present || p->setuid_allow.present) && !rec->checks_checked)
        return 1;
    if (p->secrets_max >= 0 && !rec->secrets_checked)
        return 1;
    return 0;
}

int tp_evaluate_reference(const struct trust_policy *p, const char *text, int unresolved,
                          struct tp_results *out, struct strata_error *err)
{
    struct trust_ref ref;
    struct strata_error rerr = {0};
    int ok = !unresolved && trust_ref_parse(text, strlen(text), &ref, &rerr) == 0;
    char why[STRATA_ERROR_MAX + 64];
    if (unresolved)
        snprintf(why, sizeof why, "%s uses a build argument without a value: it cannot be checked",
                 text);
    else if (!ok)
        snprintf(why, sizeof why, "\"%s\" is not a valid image reference: %s", text, rerr.msg);
    int rc = 0;
    if (p->registries.present) {
        const struct tp_list *l = &p->registries;
        const char *m = ok ? matching(l, ref.name) : NULL;
        rc = !ok ? tp_results_add(out, TP_RULE_REGISTRY, 0, l->line, l->col, "%s", why)
             : m ? tp_results_add(out, TP_RULE_REGISTRY, 1, l->line, l->col,
                                  "%s is allowed by \"%s\"", ref.name, m)
                 : tp_results_add(out, TP_RULE_REGISTRY, 0, l->line, l->col,
                                  "%s matches no pattern of registries.allow", ref.name);
    }
    if (rc == 0 && p->require_digest) {
        int line = p->pinning_line, col = p->pinning_col;
        rc = !ok ? tp_results_add(out, TP_RULE_PINNING, 0, line, col, "%s", why)
             : ref.digest[0]
                 ? tp_results_add(out, TP_RULE_PINNING, 1, line, col, "pinned to %s", ref.digest)
                 : tp_results_add(out, TP_RULE_PINNING, 0, line, col,
                                  "%s is not pinned by digest (write it as "
                                  "%s@sha256:…)",
                                  text, ref.name);
    }
    return rc != 0 ? strata_error_nomem(err) : 0;
}
