/* SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/), the format code-scanning
 * dashboards read. One run; one rule per vulnerability id (a CVE found in three packages is one
 * rule and three results); one result per finding, located at the package database that lists
 * the package (or the target when that is unknown) and, logically, at the package itself. */
#include "report/report_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/strbuf.h"

#define SARIF_SCHEMA_URI "https://json.schemastore.org/sarif-2.1.0.json"
#define FINGERPRINT_KEY "vulnerabilityPackageHash/v1"

struct rule {
    const char *id;
    const char *title; /* first non-empty title among its findings */
    int rank;          /* highest severity rank among its findings */
    double score;      /* highest CVSS score among its findings, -1 when none has one */
};

/* Maps ids to rule indexes: open addressing over rules[], which owns nothing. */
struct rule_index {
    struct rule *rules;
    size_t n;
    size_t *slots; /* rule index + 1, 0 = empty */
    size_t cap;
};

static const char *vuln_id(const struct strata_vulnerability *v)
{
    return v->id != NULL && *v->id != '\0' ? v->id : "UNKNOWN";
}

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (size_t)h;
}

/* Returns the rule index of v's id, adding the rule when new. Cannot fail: rules[] and the
 * slots are sized for every finding up front. */
static size_t rule_for(struct rule_index *ix, const struct strata_vulnerability *v)
{
    const char *id = vuln_id(v);
    size_t j = hash_str(id) & (ix->cap - 1);
    while (ix->slots[j] != 0 && strcmp(ix->rules[ix->slots[j] - 1].id, id) != 0)
        j = (j + 1) & (ix->cap - 1);
    if (ix->slots[j] == 0) {
        ix->rules[ix->n] = (struct rule){id, NULL, 0, -1};
        ix->slots[j] = ++ix->n;
    }
    struct rule *rule = &ix->rules[ix->slots[j] - 1];
    int rank = strata_severity_rank(v->severity);
    if (rank > rule->rank)
        rule->rank = rank;
    if (v->cvss_score > rule->score)
        rule->score = v->cvss_score;
    if (rule->title == NULL && v->title != NULL && *v->title != '\0')
        rule->title = v->title;
    return ix->slots[j] - 1;
}

/* error for CRITICAL and HIGH, warning for MEDIUM, note for LOW and UNKNOWN. */
static const char *level_of_rank(int rank)
{
    return rank >= 3 ? "error" : rank == 2 ? "warning" : "note";
}

/* GitHub's security-severity: the CVSS score, else a score in the middle of the severity's
 * CVSS band; no value for UNKNOWN (a guess would rank it). */
static int security_severity(const struct rule *rule, char *buf, size_t size)
{
    static const double mapped[] = {-1, 2.0, 5.5, 8.0, 9.5};
    double s = rule->score >= 0 ? rule->score : mapped[rule->rank];
    if (s < 0)
        return 0;
    snprintf(buf, size, "%.1f", s > 10 ? 10.0 : s);
    return 1;
}

static const char *const severity_words[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

static json_t *text_json(const char *text, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "text", text, bad);
    return o;
}

static json_t *rule_json(const struct rule *rule, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "id", rule->id, bad);
    rj_put(o, "shortDescription", text_json(rule->title ? rule->title : rule->id, bad), bad);
    struct strbuf url = STRBUF_INIT;
    if (rj_vuln_url(&url, rule->id, NULL) != 0)
        *bad = 1;
    else
        rj_put_str(o, "helpUri", url.buf, bad);
    struct strbuf help = STRBUF_INIT;
    if (strbuf_addf(&help, "%s%s%s\nSeverity: %s\nMore: %s", rule->id, rule->title ? ": " : "",
                    rule->title ? rule->title : "", severity_words[rule->rank],
                    url.buf ? url.buf : "") != 0)
        *bad = 1;
    else
        rj_put(o, "help", text_json(help.buf, bad), bad);
    strbuf_release(&help);
    strbuf_release(&url);
    json_t *conf = json_object();
    rj_put(conf, "level", json_string(level_of_rank(rule->rank)), bad);
    rj_put(o, "defaultConfiguration", conf, bad);
    json_t *props = json_object();
    char sev[16];
    if (security_severity(rule, sev, sizeof sev))
        rj_put(props, "security-severity", json_string(sev), bad);
    json_t *tags = json_array();
    rj_append(tags, json_string("security"), bad);
    rj_append(tags, json_string("vulnerability"), bad);
    rj_put(props, "tags", tags, bad);
    rj_put(o, "properties", props, bad);
    return o;
}

/* Hex SHA-256 of type, name, version and id, NUL-separated: stable across scans and strata
 * versions, so dashboards track one alert per (vulnerability, package version). */
static int fingerprint_parts(const char *const *parts, size_t n_parts, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return STRATA_ENOMEM;
    int ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; ok && i < n_parts; i++) {
        const char *p = parts[i] ? parts[i] : "";
        ok = EVP_DigestUpdate(ctx, p, strlen(p) + 1);
    }
    ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    if (!ok || mdlen != 32)
        return STRATA_EINTERNAL;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return 0;
}

static int fingerprint(const struct strata_vulnerability *v, char out[65])
{
    const char *parts[4] = {v->package_type, v->package_name, v->package_version, vuln_id(v)};
    return fingerprint_parts(parts, 4, out);
}

static int message(struct strbuf *sb, const struct strata_vulnerability *v)
{
    int rc = strbuf_addf(sb, "Package %s version %s is vulnerable to %s",
                         v->package_name ? v->package_name : "(unknown)",
                         v->package_version ? v->package_version : "(unknown)", vuln_id(v));
    if (rc != 0)
        return rc;
    const char *st = v->status ? v->status : "";
    if (v->fixed_version != NULL && *v->fixed_version != '\0')
        return strbuf_addf(sb, " (fixed in %s)", v->fixed_version);
    if (strcmp(st, "will_not_fix") == 0)
        return strbuf_adds(sb, " (the distribution will not fix it)");
    if (strcmp(st, "fix_deferred") == 0)
        return strbuf_adds(sb, " (fix deferred)");
    return strbuf_adds(sb, " (no fixed version)");
}

/* A location object whose physicalLocation is path (relative to the image root), or the
 * target itself when the finding names no file. */
static json_t *file_location_json(const struct strata_report *r, const char *path, int *bad)
{
    while (path != NULL && *path == '/')
        path++;
    if (path == NULL || *path == '\0')
        path = r->target.name;
    json_t *loc = json_object();
    if (path != NULL && *path != '\0') {
        struct strbuf uri = STRBUF_INIT;
        if (rj_uri_encode(&uri, path, 1) != 0) {
            *bad = 1;
        } else {
            json_t *art = json_object();
            rj_put_str(art, "uri", uri.buf, bad);
            json_t *phys = json_object();
            rj_put(phys, "artifactLocation", art, bad);
            rj_put(loc, "physicalLocation", phys, bad);
        }
        strbuf_release(&uri);
    }
    return loc;
}

static json_t *location_json(const struct strata_report *r, const struct strata_vulnerability *v,
                             int *bad)
{
    long pi = rj_vuln_package(r, v);
    json_t *loc = file_location_json(r, pi >= 0 ? r->packages[pi].db_path : NULL, bad);
    json_t *logical = json_object();
    rj_put_str(logical, "name", v->package_name ? v->package_name : "(unknown)", bad);
    if (v->package_purl != NULL && *v->package_purl != '\0') {
        rj_put_str(logical, "fullyQualifiedName", v->package_purl, bad);
    } else {
        struct strbuf fq = STRBUF_INIT;
        if (strbuf_addf(&fq, "%s@%s", v->package_name ? v->package_name : "",
                        v->package_version ? v->package_version : "") != 0)
            *bad = 1;
        else
            rj_put_str(logical, "fullyQualifiedName", fq.buf, bad);
        strbuf_release(&fq);
    }
    rj_put(logical, "kind", json_string("package"), bad);
    json_t *logicals = json_array();
    rj_append(logicals, logical, bad);
    rj_put(loc, "logicalLocations", logicals, bad);
    return loc;
}

static json_t *suppressions_json(const struct strata_vulnerability *v, int *bad)
{
    json_t *s = json_object();
    rj_put(s, "kind", json_string("external"), bad);
    rj_put(s, "status", json_string("accepted"), bad);
    struct strbuf why = STRBUF_INIT;
    const char *by = v->suppressed_by ? v->suppressed_by : "policy";
    int rc = v->suppression_reason && *v->suppression_reason
                 ? strbuf_addf(&why, "%s (%s)", v->suppression_reason, by)
                 : strbuf_addf(&why, "suppressed by %s", by);
    if (rc != 0)
        *bad = 1;
    else
        rj_put_str(s, "justification", why.buf, bad);
    strbuf_release(&why);
    json_t *props = json_object();
    rj_put_str(props, "suppressed_by", v->suppressed_by, bad);
    rj_put(s, "properties", props, bad);
    json_t *arr = json_array();
    rj_append(arr, s, bad);
    return arr;
}

static json_t *result_json(const struct strata_report *r, const struct strata_vulnerability *v,
                           size_t rule_index, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "ruleId", vuln_id(v), bad);
    rj_put(o, "ruleIndex", json_integer((json_int_t)rule_index), bad);
    rj_put(o, "level", json_string(level_of_rank(strata_severity_rank(v->severity))), bad);
    struct strbuf msg = STRBUF_INIT;
    if (message(&msg, v) != 0)
        *bad = 1;
    else
        rj_put(o, "message", text_json(msg.buf, bad), bad);
    strbuf_release(&msg);
    json_t *locs = json_array();
    rj_append(locs, location_json(r, v, bad), bad);
    rj_put(o, "locations", locs, bad);
    char fp[65];
    int rc = fingerprint(v, fp);
    if (rc != 0) {
        *bad = 1;
    } else {
        json_t *fps = json_object();
        rj_put(fps, FINGERPRINT_KEY, json_string(fp), bad);
        rj_put(o, "partialFingerprints", fps, bad);
    }
    if (v->suppressed)
        rj_put(o, "suppressions", suppressions_json(v, bad), bad);
    /* The finding as the strata JSON report names it, for consumers that want the facts. */
    json_t *props = json_object();
    rj_put(props, "aliases", rj_str_array(v->aliases, v->n_aliases, bad), bad);
    rj_put_str(props, "package_name", v->package_name, bad);
    rj_put_str(props, "package_version", v->package_version, bad);
    rj_put_str(props, "package_type", v->package_type, bad);
    rj_put_str(props, "package_purl", v->package_purl, bad);
    rj_put_str(props, "fixed_version", v->fixed_version, bad);
    rj_put_str(props, "status", v->status, bad);
    rj_put_str(props, "severity", v->severity, bad);
    rj_put(props, "cvss_score", v->cvss_score >= 0 ? json_real(v->cvss_score) : json_null(), bad);
    rj_put_str(props, "cvss_vector", v->cvss_vector, bad);
    rj_put(props, "layer_index", v->layer_index >= 0 ? json_integer(v->layer_index) : json_null(),
           bad);
    rj_put_str(props, "layer_diff_id", v->layer_diff_id, bad);
    rj_put_str(props, "data_source", v->data_source, bad);
    rj_put(o, "properties", props, bad);
    return o;
}

/* ---- misconfigurations and secrets: one rule per check or secret rule id, one result per
 * finding, located at the file the finding is about (artifactLocation uri = its path, with
 * the line when known) or at the target, with the config/history entry as a logical
 * location. Both kinds go through one shape, struct check_finding. ---- */

#define MISCONF_FINGERPRINT_KEY "misconfigurationHash/v1"
#define SECRET_FINGERPRINT_KEY "secretHash/v1"

struct check_finding {
    const char *id, *title, *severity, *path, *logical, *message, *cis, *remediation;
    const char *tag;             /* "misconfiguration" or "secret" */
    const char *fingerprint_key; /* partialFingerprints key */
    int line, column, layer_index;
    const char *resource;
    const struct strata_secret *secret; /* extra properties of a secret, else NULL */
};

struct check_rule {
    const struct check_finding *first; /* id, title, cis, remediation */
    int rank;
};

static const char *finding_id(const struct check_finding *f)
{
    return f->id != NULL && *f->id != '\0' ? f->id : "UNKNOWN";
}

static struct check_finding from_misconf(const struct strata_misconfiguration *m)
{
    return (struct check_finding){
        .id = m->id,
        .title = m->title,
        .severity = m->severity,
        .path = m->path,
        .logical = m->evidence,
        .message = m->message,
        .cis = m->cis,
        .remediation = m->remediation,
        .tag = "misconfiguration",
        .fingerprint_key = MISCONF_FINGERPRINT_KEY,
        .line = m->line,
        .column = m->column,
        .resource = m->resource,
        .layer_index = m->layer_index,
    };
}

/* The message is built from the redacted excerpt only: SARIF never holds the secret. */
static struct check_finding from_secret(const struct strata_secret *s, struct strbuf *msg)
{
    int rc = strbuf_addf(msg, "%s (%s)", s->title ? s->title : "Secret",
                         s->excerpt ? s->excerpt : "*****");
    if (rc == 0 && s->in_final_fs == 0)
        rc = s->deleted_in_layer >= 0
                 ? strbuf_addf(msg,
                               "; the file was removed in layer %d but its bytes are still in "
                               "layer %d",
                               s->deleted_in_layer, s->layer_index)
                 : strbuf_addf(msg, "; the file is not in the final filesystem");
    return (struct check_finding){
        .id = s->rule_id,
        .title = s->title,
        .severity = s->severity,
        .path = s->path,
        .logical = s->location,
        .message = rc == 0 ? msg->buf : NULL,
        .remediation = "Remove the secret from the image (rebuild without it: deleting it in a "
                       "later layer does not remove it) and revoke it.",
        .tag = "secret",
        .fingerprint_key = SECRET_FINGERPRINT_KEY,
        .line = s->line,
        .layer_index = s->layer_index,
        .secret = s,
    };
}

/* Index of f's rule in rules[0..*n), added when new. Linear: there are a few dozen check and
 * secret rule ids at most, however many findings. */
static size_t check_rule_for(struct check_rule *rules, size_t *n, const struct check_finding *f)
{
    size_t k = 0;
    while (k < *n && strcmp(finding_id(rules[k].first), finding_id(f)) != 0)
        k++;
    if (k == *n)
        rules[(*n)++] = (struct check_rule){f, 0};
    int rank = strata_severity_rank(f->severity);
    if (rank > rules[k].rank)
        rules[k].rank = rank;
    return k;
}

static json_t *check_rule_json(const struct check_rule *rule, int *bad)
{
    const struct check_finding *f = rule->first;
    json_t *o = json_object();
    rj_put_str(o, "id", finding_id(f), bad);
    rj_put(o, "shortDescription", text_json(f->title ? f->title : finding_id(f), bad), bad);
    struct strbuf help = STRBUF_INIT;
    if (strbuf_addf(&help, "%s: %s\nSeverity: %s%s%s\nRemediation: %s", finding_id(f),
                    f->title ? f->title : "", severity_words[rule->rank],
                    f->cis ? "\nCIS Docker Benchmark: " : "", f->cis ? f->cis : "",
                    f->remediation ? f->remediation : "") != 0)
        *bad = 1;
    else
        rj_put(o, "help", text_json(help.buf, bad), bad);
    strbuf_release(&help);
    json_t *conf = json_object();
    rj_put(conf, "level", json_string(level_of_rank(rule->rank)), bad);
    rj_put(o, "defaultConfiguration", conf, bad);
    json_t *props = json_object();
    struct rule sev_rule = {NULL, NULL, rule->rank, -1};
    char sev[16];
    if (security_severity(&sev_rule, sev, sizeof sev))
        rj_put(props, "security-severity", json_string(sev), bad);
    json_t *tags = json_array();
    rj_append(tags, json_string("security"), bad);
    rj_append(tags, json_string(f->tag), bad);
    rj_put(props, "tags", tags, bad);
    rj_put(o, "properties", props, bad);
    return o;
}

static json_t *check_location_json(const struct strata_report *r, const struct check_finding *f,
                                   int *bad)
{
    json_t *loc = file_location_json(r, f->path, bad);
    json_t *phys = json_object_get(loc, "physicalLocation");
    if (phys != NULL && f->path != NULL && f->line > 0) {
        json_t *region = json_object();
        rj_put(region, "startLine", json_integer(f->line), bad);
        if (f->column > 0)
            rj_put(region, "startColumn", json_integer(f->column), bad);
        rj_put(phys, "region", region, bad);
    }
    const char *lname = f->logical != NULL && *f->logical != '\0' ? f->logical : f->resource;
    if (lname != NULL && *lname != '\0') {
        json_t *logical = json_object();
        rj_put_str(logical, "fullyQualifiedName", lname, bad);
        rj_put(logical, "kind",
               json_string(lname == f->resource ? "resource"
                           : f->path            ? "file"
                                                : "configuration"),
               bad);
        json_t *logicals = json_array();
        rj_append(logicals, logical, bad);
        rj_put(loc, "logicalLocations", logicals, bad);
    }
    return loc;
}

static json_t *check_result_json(const struct strata_report *r, const struct check_finding *f,
                                 size_t rule_index, int *bad)
{
    json_t *o = json_object();
    rj_put_str(o, "ruleId", finding_id(f), bad);
    rj_put(o, "ruleIndex", json_integer((json_int_t)rule_index), bad);
    rj_put(o, "level", json_string(level_of_rank(strata_severity_rank(f->severity))), bad);
    rj_put(o, "message", text_json(f->message ? f->message : finding_id(f), bad), bad);
    json_t *locs = json_array();
    rj_append(locs, check_location_json(r, f, bad), bad);
    rj_put(o, "locations", locs, bad);
    char line[24] = "", layer[24] = "";
    if (f->secret != NULL || f->line > 0) { /* one key in two files or lines: two results */
        snprintf(line, sizeof line, "%d", f->line);
        snprintf(layer, sizeof layer, "%d", f->layer_index);
    }
    const char *parts[6] = {finding_id(f), f->path, f->logical, line, layer, f->resource};
    char fp[65];
    if (fingerprint_parts(parts, f->secret ? 5 : f->line > 0 ? 6 : 3, fp) != 0) {
        *bad = 1;
    } else {
        json_t *fps = json_object();
        rj_put(fps, f->fingerprint_key, json_string(fp), bad);
        rj_put(o, "partialFingerprints", fps, bad);
    }
    json_t *props = json_object();
    rj_put_str(props, "severity", f->severity, bad);
    rj_put_str(props, "cis", f->cis, bad);
    rj_put(props, "layer_index", f->layer_index >= 0 ? json_integer(f->layer_index) : json_null(),
           bad);
    rj_put_str(props, f->secret ? "location" : "evidence", f->logical, bad);
    if (f->secret != NULL) {
        rj_put_str(props, "excerpt", f->secret->excerpt, bad);
        if (f->secret->in_final_fs >= 0)
            rj_put(props, "in_final_fs", json_boolean(f->secret->in_final_fs), bad);
        if (f->secret->deleted_in_layer >= 0)
            rj_put(props, "deleted_in_layer", json_integer(f->secret->deleted_in_layer), bad);
    } else {
        rj_put_str(props, "remediation", f->remediation, bad);
    }
    rj_put(o, "properties", props, bad);
    return o;
}

/* Appends the results of misconfigurations and secrets, and their rules (indexes from
 * first_rule on). */
static void add_check_results(const struct strata_report *r, size_t first_rule, json_t *rules,
                              json_t *results, int *bad)
{
    size_t n = r->n_misconfigurations + r->n_secrets, n_rules = 0;
    struct check_finding *fs = calloc(n ? n : 1, sizeof *fs);
    struct check_rule *crules = calloc(n ? n : 1, sizeof *crules);
    struct strbuf *msgs = calloc(r->n_secrets ? r->n_secrets : 1, sizeof *msgs);
    if (fs == NULL || crules == NULL || msgs == NULL)
        n = 0, *bad = 1;
    for (size_t i = 0; i < n; i++) {
        size_t s = i - r->n_misconfigurations;
        if (i < r->n_misconfigurations)
            fs[i] = from_misconf(&r->misconfigurations[i]);
        else if ((fs[i] = from_secret(&r->secrets[s], &msgs[s])).message == NULL)
            *bad = 1;
        size_t k = check_rule_for(crules, &n_rules, &fs[i]);
        rj_append(results, check_result_json(r, &fs[i], first_rule + k, bad), bad);
    }
    for (size_t k = 0; k < n_rules; k++)
        rj_append(rules, check_rule_json(&crules[k], bad), bad);
    for (size_t i = 0; msgs != NULL && i < r->n_secrets; i++)
        strbuf_release(&msgs[i]);
    free(msgs);
    free(crules);
    free(fs);
}

static json_t *driver_json(const struct strata_report_write_opts *opts, json_t *rules, int *bad)
{
    json_t *d = json_object();
    rj_put(d, "name", json_string("strata"), bad);
    rj_put_opt_str(d, "version", opts->tool_version, bad);
    rj_put(d, "rules", rules, bad);
    return d;
}

static json_t *run_properties(const struct strata_report *r, int *bad)
{
    json_t *p = json_object();
    rj_put_str(p, "target", r->target.name, bad);
    rj_put_str(p, "target_kind", r->target.kind, bad);
    rj_put_str(p, "target_digest", r->target.digest, bad);
    rj_put_str(p, "os", r->os.pretty_name, bad);
    if (r->vuln_scan.ran)
        rj_put_str(p, "db_built_at", r->vuln_scan.db_built_at, bad);
    return p;
}

static json_t *invocations_json(const struct strata_report *r, int *bad)
{
    json_t *inv = json_object();
    rj_put(inv, "executionSuccessful", json_true(), bad);
    json_t *notes = json_array();
    for (size_t i = 0; i < r->vuln_scan.n_warnings; i++) {
        if (r->vuln_scan.warnings[i] == NULL)
            continue;
        json_t *n = json_object();
        rj_put(n, "level", json_string("warning"), bad);
        rj_put(n, "message", text_json(r->vuln_scan.warnings[i], bad), bad);
        rj_append(notes, n, bad);
    }
    rj_put(inv, "toolExecutionNotifications", notes, bad);
    json_t *arr = json_array();
    rj_append(arr, inv, bad);
    return arr;
}

int strata_report_write_sarif(const struct strata_report *r, FILE *out,
                              const struct strata_report_write_opts *opts, struct strata_error *err)
{
    size_t n = r->n_vulnerabilities;
    struct rule_index ix = {0};
    ix.cap = 16;
    while (ix.cap < 2 * n + 2)
        ix.cap *= 2;
    ix.rules = calloc(n ? n : 1, sizeof *ix.rules);
    ix.slots = calloc(ix.cap, sizeof *ix.slots);
    if (ix.rules == NULL || ix.slots == NULL) {
        free(ix.rules);
        free(ix.slots);
        return strata_error_nomem(err);
    }

    int bad = 0;
    json_t *results = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct strata_vulnerability *v = &r->vulnerabilities[i];
        if (!rj_vuln_shown(opts, v))
            continue;
        size_t k = rule_for(&ix, v);
        rj_append(results, result_json(r, v, k, &bad), &bad);
    }
    json_t *rules = json_array();
    for (size_t k = 0; k < ix.n; k++)
        rj_append(rules, rule_json(&ix.rules[k], &bad), &bad);
    /* Misconfiguration and secret rules follow the vulnerability rules: their indexes start
     * at ix.n. */
    add_check_results(r, ix.n, rules, results, &bad);

    json_t *tool = json_object();
    rj_put(tool, "driver", driver_json(opts, rules, &bad), &bad);
    json_t *run = json_object();
    rj_put(run, "tool", tool, &bad);
    if (r->vuln_scan.n_warnings > 0)
        rj_put(run, "invocations", invocations_json(r, &bad), &bad);
    rj_put(run, "results", results, &bad);
    rj_put(run, "properties", run_properties(r, &bad), &bad);
    json_t *runs = json_array();
    rj_append(runs, run, &bad);
    json_t *root = json_object();
    rj_put(root, "$schema", json_string(SARIF_SCHEMA_URI), &bad);
    rj_put(root, "version", json_string("2.1.0"), &bad);
    rj_put(root, "runs", runs, &bad);

    int rc = bad ? strata_error_nomem(err) : rj_dump(root, out, err);
    json_decref(root);
    free(ix.rules);
    free(ix.slots);
    return rc;
}
