/* Reading a trust policy file: one YAML mapping, every key known, every value checked, every
 * error at its FILE:LINE:COL. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/k8s_yaml.h"
#include "policy/cosign.h"
#include "policy/policy_util.h"
#include "policy/trust_policy.h"
#include "strata/license.h"

struct pctx {
    const char *path;
    int load_keys;
    struct trust_policy *p;
    struct strata_error *err;
};

static int at(struct pctx *c, const struct ky_node *n, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int at(struct pctx *c, const struct ky_node *n, int code, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return strata_error_set(c->err, code, "%s:%u:%u: %s", c->path, n ? n->line : 1u,
                            n ? n->col : 1u, msg);
}

static const char *show(const struct ky_node *n, char *buf, size_t size)
{
    return ky_show(n, buf, size);
}

/* A copy of a scalar string: printable, at most TP_MAX_STRING bytes, not empty. */
static int string_of(struct pctx *c, const struct ky_node *n, const char *what, char **out)
{
    *out = NULL;
    if (n == NULL || !ky_is_scalar(n) || ky_is_null(n)) {
        char b[64];
        return at(c, n, STRATA_EFORMAT, "%s: expected a string, got %s", what,
                  show(n, b, sizeof b));
    }
    if (n->len == 0)
        return at(c, n, STRATA_EFORMAT, "%s: empty string", what);
    if (n->len > TP_MAX_STRING)
        return at(c, n, STRATA_ELIMIT, "%s: longer than %d bytes", what, TP_MAX_STRING);
    size_t bad;
    if (!policy_utf8_valid(n->text, n->len, &bad) || !policy_text_clean(n->text, n->len) ||
        memchr(n->text, '\n', n->len) != NULL || memchr(n->text, '\t', n->len) != NULL)
        return at(c, n, STRATA_EFORMAT, "%s: control characters or invalid UTF-8", what);
    *out = strndup(n->text, n->len);
    return *out ? 0 : strata_error_nomem(c->err);
}

static int bool_of(struct pctx *c, const struct ky_node *n, const char *what, int *out)
{
    int b = ky_bool(n);
    if (b < 0) {
        char s[64];
        return at(c, n, STRATA_EFORMAT, "%s: expected true or false, got %s", what,
                  show(n, s, sizeof s));
    }
    *out = b;
    return 0;
}

static int count_of(struct pctx *c, const struct ky_node *n, const char *what, long *out)
{
    long long v;
    if (n == NULL || !ky_is_scalar(n) || n->style != KY_PLAIN || ky_int(n, &v) != 0 || v < 0 ||
        v > 1000000000LL) {
        char s[64];
        return at(c, n, STRATA_EFORMAT, "%s: expected a whole number 0..1000000000, got %s", what,
                  show(n, s, sizeof s));
    }
    *out = (long)v;
    return 0;
}

static int duration_of(struct pctx *c, const struct ky_node *key, const struct ky_node *n,
                       const char *what, struct tp_duration *d)
{
    if (n == NULL || !ky_is_scalar(n) || n->len >= sizeof d->text ||
        tp_parse_duration(n->text, n->len, &d->seconds) != 0) {
        char s[64];
        return at(c, n, STRATA_EFORMAT,
                  "%s: expected a duration like 30m, 24h, 7d or 2w (a positive whole number and "
                  "s, m, h, d or w), got %s",
                  what, show(n, s, sizeof s));
    }
    memcpy(d->text, n->text, n->len);
    d->text[n->len] = '\0';
    d->line = (int)key->line, d->col = (int)key->col;
    return 0;
}

typedef int (*item_check_fn)(struct pctx *c, const struct ky_node *n, const char *text);

/* A sequence of strings, each checked by check (may be NULL). */
static int list_of(struct pctx *c, const struct ky_node *key, const struct ky_node *n,
                   const char *what, item_check_fn check, struct tp_list *l)
{
    l->present = 1;
    l->line = (int)key->line, l->col = (int)key->col;
    if (n == NULL || !ky_is_seq(n)) {
        char s[64];
        return at(c, n ? n : key, STRATA_EFORMAT, "%s: expected a list of strings, got %s", what,
                  show(n, s, sizeof s));
    }
    if (n->n > TP_MAX_LIST)
        return at(c, n, STRATA_ELIMIT, "%s: more than %d entries", what, TP_MAX_LIST);
    l->v = calloc(n->n ? n->n : 1, sizeof *l->v);
    if (l->v == NULL)
        return strata_error_nomem(c->err);
    for (uint32_t i = 0; i < n->n; i++) {
        const struct ky_node *it = n->kids[i];
        int rc = string_of(c, it, what, &l->v[i].text);
        if (rc != 0)
            return rc;
        l->v[i].line = (int)it->line, l->v[i].col = (int)it->col;
        l->n = i + 1;
        if (check != NULL && (rc = check(c, it, l->v[i].text)) != 0)
            return rc;
    }
    return 0;
}

/* The pairs of a mapping, each key a known name; fn handles one pair. */
typedef int (*pair_fn)(struct pctx *c, const struct ky_node *key, const struct ky_node *value,
                       void *u);

static int each_pair(struct pctx *c, const struct ky_node *map, const struct ky_node *at_node,
                     const char *what, const char *const *known, pair_fn fn, void *u)
{
    if (map == NULL || !ky_is_map(map)) {
        char s[64];
        return at(c, map ? map : at_node, STRATA_EFORMAT, "%s: expected a mapping, got %s", what,
                  show(map, s, sizeof s));
    }
    struct ky_pair *pairs = NULL;
    size_t n = 0;
    if (ky_map_pairs(map, &pairs, &n) != 0)
        return strata_error_nomem(c->err);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct ky_node *k = pairs[i].key;
        size_t j = 0;
        while (known[j] != NULL && !(ky_is_scalar(k) && ky_eq(k, known[j])))
            j++;
        if (known[j] == NULL) {
            char s[64], list[256] = "";
            for (size_t q = 0; known[q] != NULL; q++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", q ? ", " : "",
                         known[q]);
            rc = at(c, k, STRATA_EFORMAT, "unknown key \"%s\" in %s (expected %s)",
                    show(k, s, sizeof s), what, list);
            break;
        }
        rc = fn(c, k, pairs[i].value, u);
    }
    free(pairs);
    return rc;
}

/* ---- value checks ---- */

static int first_component_is_registry(const char *p)
{
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 9 && memcmp(p, "localhost", 9) == 0)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '.' || p[i] == ':' || p[i] == '*' || p[i] == '?')
            return 1;
    return 0;
}

static int check_repo_glob(struct pctx *c, const struct ky_node *n, const char *t)
{
    if (strcmp(t, "**") == 0)
        return 0; /* every repository of every registry */
    for (const char *q = t; *q; q++)
        if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 0x7f)
            return at(c, n, STRATA_EFORMAT,
                      "repository pattern \"%s\": blanks and non-ASCII characters never match "
                      "a reference",
                      t);
    if (strchr(t, '/') == NULL || !first_component_is_registry(t))
        return at(c, n, STRATA_EFORMAT,
                  "repository pattern \"%s\" does not start with a registry: patterns match "
                  "REGISTRY/REPOSITORY after normalisation (docker.io/library/nginx for "
                  "\"nginx\", ghcr.io/org/** for everything under ghcr.io/org)",
                  t);
    return 0;
}

static int check_license(struct pctx *c, const struct ky_node *n, const char *t)
{
    if (strchr(t, ',') != NULL)
        return at(c, n, STRATA_EFORMAT, "licenses.deny: one license per entry, not \"%s\"", t);
    char **deny = NULL;
    struct strata_error lerr = {0};
    int rc = strata_license_parse_deny(t, &deny, &lerr);
    strata_license_deny_free(deny);
    if (rc != 0)
        return at(c, n, STRATA_EFORMAT, "licenses.deny: %s", lerr.msg);
    return 0;
}

static int check_id_glob(struct pctx *c, const struct ky_node *n, const char *t)
{
    for (const char *q = t; *q; q++)
        if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
              *q == '-' || *q == '.' || *q == '_' || *q == '*' || *q == '?'))
            return at(c, n, STRATA_EFORMAT,
                      "checks.forbid: \"%s\" is not a check id or a glob over ids (CIS-DI-0001, "
                      "DKL-LI-*)",
                      t);
    return 0;
}

static int check_abs_glob(struct pctx *c, const struct ky_node *n, const char *t)
{
    if (t[0] != '/')
        return at(c, n, STRATA_EFORMAT,
                  "checks.setuid_allow: \"%s\" is not an absolute path or glob (/usr/bin/passwd, "
                  "/opt/app/bin/*)",
                  t);
    return 0;
}

/* ---- sections ---- */

static int registries_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v,
                           void *u)
{
    (void)u;
    return list_of(c, k, v, "registries.allow", check_repo_glob, &c->p->registries);
}

static int pinning_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v, void *u)
{
    (void)u;
    c->p->pinning_line = (int)k->line, c->p->pinning_col = (int)k->col;
    return bool_of(c, v, "pinning.require_digest", &c->p->require_digest);
}

static int scan_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v, void *u)
{
    (void)u;
    if (ky_eq(k, "max_age"))
        return duration_of(c, k, v, "scan.max_age", &c->p->scan_max_age);
    c->p->current_db_line = (int)k->line, c->p->current_db_col = (int)k->col;
    return bool_of(c, v, "scan.require_current_db", &c->p->require_current_db);
}

static int db_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v, void *u)
{
    (void)u;
    return duration_of(c, k, v, "vulnerability_db.max_age", &c->p->db_max_age);
}

static int severity_rank_of(const struct ky_node *k)
{
    static const char *const names[SCAN_SEVERITIES] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH",
                                                       "CRITICAL"};
    for (int i = 0; i < SCAN_SEVERITIES; i++)
        if (ky_is_scalar(k) && k->len == strlen(names[i]) &&
            strncasecmp(k->text, names[i], k->len) == 0)
            return i;
    return -1;
}

static int max_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v, void *u)
{
    (void)u;
    int rank = severity_rank_of(k);
    char what[48];
    snprintf(what, sizeof what, "vulnerabilities.max.%.*s", (int)(k->len < 16 ? k->len : 16),
             k->text);
    return count_of(c, v, what, &c->p->vuln_max[rank]);
}

static int vulns_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v, void *u)
{
    (void)u;
    if (ky_eq(k, "ignore_unfixed"))
        return bool_of(c, v, "vulnerabilities.ignore_unfixed", &c->p->ignore_unfixed);
    static const char *const sev[] = {
        "CRITICAL", "HIGH",    "MEDIUM",   "LOW",  "UNKNOWN", "critical", "high",    "medium",
        "low",      "unknown", "Critical", "High", "Medium",  "Low",      "Unknown", NULL};
    c->p->has_vuln_limits = 1;
    return each_pair(c, v, k, "vulnerabilities.max", sev, max_pair, NULL);
}

static int licenses_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v, void *u)
{
    (void)u;
    return list_of(c, k, v, "licenses.deny", check_license, &c->p->license_deny);
}

static int checks_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v, void *u)
{
    (void)u;
    if (ky_eq(k, "forbid"))
        return list_of(c, k, v, "checks.forbid", check_id_glob, &c->p->forbid_checks);
    return list_of(c, k, v, "checks.setuid_allow", check_abs_glob, &c->p->setuid_allow);
}

static int secrets_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v, void *u)
{
    (void)u;
    c->p->secrets_line = (int)k->line, c->p->secrets_col = (int)k->col;
    return count_of(c, v, "secrets.max", &c->p->secrets_max);
}

/* The key file, relative to the policy's directory unless absolute. */
static int load_key(struct pctx *c, const struct ky_node *n, struct tp_key *key)
{
    const char *slash = strrchr(c->path, '/');
    size_t dn = key->path[0] == '/' || slash == NULL ? 0 : (size_t)(slash - c->path) + 1;
    size_t kn = strlen(key->path);
    key->resolved = malloc(dn + kn + 1);
    if (key->resolved == NULL)
        return strata_error_nomem(c->err);
    memcpy(key->resolved, c->path, dn);
    memcpy(key->resolved + dn, key->path, kn + 1);
    if (!c->load_keys)
        return 0;
    struct strata_error kerr = {0};
    if (cosign_public_key_load(key->resolved, &key->pub, &kerr) != 0)
        return at(c, n, kerr.code == STRATA_ENOMEM ? STRATA_ENOMEM : STRATA_EFORMAT,
                  "signatures: key %s", kerr.msg);
    return 0;
}

static int signature_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v, void *u)
{
    struct tp_signature_rule *r = u;
    if (ky_eq(k, "repositories"))
        return list_of(c, k, v, "signatures[].repositories", check_repo_glob, &r->repositories);
    if (ky_eq(k, "require")) {
        if (ky_eq(v, "all") || ky_eq(v, "any")) {
            r->require_all = ky_eq(v, "all");
            return 0;
        }
        char s[64];
        return at(c, v ? v : k, STRATA_EFORMAT, "signatures[].require: expected all or any, got %s",
                  show(v, s, sizeof s));
    }
    /* keys */
    if (v == NULL || !ky_is_seq(v) || v->n == 0) {
        char s[64];
        return at(c, v ? v : k, STRATA_EFORMAT,
                  "signatures[].keys: expected a non-empty list of public key files, got %s",
                  show(v, s, sizeof s));
    }
    if (v->n > TP_MAX_KEYS)
        return at(c, v, STRATA_ELIMIT, "signatures[].keys: more than %d keys", TP_MAX_KEYS);
    r->keys = calloc(v->n, sizeof *r->keys);
    if (r->keys == NULL)
        return strata_error_nomem(c->err);
    for (uint32_t i = 0; i < v->n; i++) {
        struct tp_key *key = &r->keys[i];
        r->n_keys = i + 1;
        key->line = (int)v->kids[i]->line, key->col = (int)v->kids[i]->col;
        int rc = string_of(c, v->kids[i], "signatures[].keys", &key->path);
        if (rc == 0)
            rc = load_key(c, v->kids[i], key);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int signatures_section(struct pctx *c, const struct ky_node *k, const struct ky_node *v)
{
    if (v == NULL || !ky_is_seq(v)) {
        char s[64];
        return at(c, v ? v : k, STRATA_EFORMAT,
                  "signatures: expected a list of {repositories, keys, require}, got %s",
                  show(v, s, sizeof s));
    }
    if (v->n > TP_MAX_SIGNATURE_RULES)
        return at(c, v, STRATA_ELIMIT, "signatures: more than %d rules", TP_MAX_SIGNATURE_RULES);
    c->p->signatures = calloc(v->n ? v->n : 1, sizeof *c->p->signatures);
    if (c->p->signatures == NULL)
        return strata_error_nomem(c->err);
    static const char *const known[] = {"repositories", "keys", "require", NULL};
    for (uint32_t i = 0; i < v->n; i++) {
        struct tp_signature_rule *r = &c->p->signatures[i];
        c->p->n_signatures = i + 1;
        r->require_all = 1;
        r->line = (int)v->kids[i]->line, r->col = (int)v->kids[i]->col;
        int rc = each_pair(c, v->kids[i], v->kids[i], "signatures[]", known, signature_pair, r);
        if (rc != 0)
            return rc;
        if (!r->repositories.present)
            return at(c, v->kids[i], STRATA_EFORMAT,
                      "signatures[]: 'repositories' is required ([\"**\"] for every image)");
        if (r->n_keys == 0)
            return at(c, v->kids[i], STRATA_EFORMAT, "signatures[]: 'keys' is required");
    }
    return 0;
}

static int top_pair(struct pctx *c, const struct ky_node *k, const struct ky_node *v, void *u)
{
    int *have_version = u;
    struct trust_policy *p = c->p;
    if (ky_eq(k, "version")) {
        long long ver;
        if (v == NULL || !ky_is_scalar(v) || ky_int(v, &ver) != 0 || ver != 1) {
            char s[64];
            return at(c, v ? v : k, STRATA_EFORMAT,
                      "version: this strata reads policy version 1, got %s", show(v, s, sizeof s));
        }
        *have_version = 1;
        return 0;
    }
    if (ky_eq(k, "registries")) {
        static const char *const known[] = {"allow", NULL};
        int rc = each_pair(c, v, k, "registries", known, registries_pair, NULL);
        if (rc == 0 && !p->registries.present)
            rc = at(c, k, STRATA_EFORMAT, "registries: 'allow' is required");
        return rc;
    }
    if (ky_eq(k, "pinning")) {
        static const char *const known[] = {"require_digest", NULL};
        return each_pair(c, v, k, "pinning", known, pinning_pair, NULL);
    }
    if (ky_eq(k, "signatures"))
        return signatures_section(c, k, v);
    if (ky_eq(k, "scan")) {
        static const char *const known[] = {"max_age", "require_current_db", NULL};
        return each_pair(c, v, k, "scan", known, scan_pair, NULL);
    }
    if (ky_eq(k, "vulnerability_db")) {
        static const char *const known[] = {"max_age", NULL};
        return each_pair(c, v, k, "vulnerability_db", known, db_pair, NULL);
    }
    if (ky_eq(k, "vulnerabilities")) {
        static const char *const known[] = {"max", "ignore_unfixed", NULL};
        p->vulns_line = (int)k->line, p->vulns_col = (int)k->col;
        int rc = each_pair(c, v, k, "vulnerabilities", known, vulns_pair, NULL);
        if (rc == 0 && !p->has_vuln_limits)
            rc = at(c, k, STRATA_EFORMAT,
                    "vulnerabilities: 'max' is required (e.g. max: {CRITICAL: 0, HIGH: 5})");
        return rc;
    }
    if (ky_eq(k, "licenses")) {
        static const char *const known[] = {"deny", NULL};
        return each_pair(c, v, k, "licenses", known, licenses_pair, NULL);
    }
    if (ky_eq(k, "checks")) {
        static const char *const known[] = {"forbid", "setuid_allow", NULL};
        return each_pair(c, v, k, "checks", known, checks_pair, NULL);
    }
    static const char *const known[] = {"max", NULL};
    return each_pair(c, v, k, "secrets", known, secrets_pair, NULL);
}

/* The license deny list in strata_license_parse_deny's form, from the checked entries. */
static int build_deny(struct pctx *c)
{
    struct tp_list *l = &c->p->license_deny;
    if (l->n == 0)
        return 0;
    size_t total = 1;
    for (size_t i = 0; i < l->n; i++)
        total += strlen(l->v[i].text) + 1;
    char *joined = malloc(total);
    if (joined == NULL)
        return strata_error_nomem(c->err);
    size_t o = 0;
    for (size_t i = 0; i < l->n; i++) {
        size_t n = strlen(l->v[i].text);
        memcpy(joined + o, l->v[i].text, n);
        o += n;
        joined[o++] = ',';
    }
    joined[o - 1] = '\0';
    struct strata_error lerr = {0};
    int rc = strata_license_parse_deny(joined, &c->p->license_deny_list, &lerr);
    free(joined);
    if (rc != 0)
        return strata_error_set(c->err, rc, "%s:%d:%d: licenses.deny: %s", c->path, l->line, l->col,
                                lerr.msg);
    return 0;
}

int trust_policy_parse(const char *path, const char *data, size_t len, int load_keys,
                       struct trust_policy **out, struct strata_error *err)
{
    *out = NULL;
    if (len > TP_MAX_FILE)
        return strata_error_set(err, STRATA_ELIMIT, "%s: larger than %u bytes", path, TP_MAX_FILE);
    struct trust_policy *p = calloc(1, sizeof *p);
    if (p == NULL || (p->path = strdup(path)) == NULL) {
        free(p);
        return strata_error_nomem(err);
    }
    for (int i = 0; i < SCAN_SEVERITIES; i++)
        p->vuln_max[i] = -1;
    p->secrets_max = -1;
    struct pctx c = {path, load_keys, p, err};
    struct ky_stream *ys = NULL;
    int rc = ky_open(&ys, path, data, len, err);
    struct ky_node *root = NULL;
    if (rc == 0) {
        rc = ky_next(ys, &root, err);
        if (rc == 0 || (rc == 1 && root == NULL))
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s:1:1: empty policy (expected a mapping "
                                  "with 'version: 1')",
                                  path);
        else if (rc == 1)
            rc = 0;
    }
    int have_version = 0;
    if (rc == 0) {
        static const char *const known[] = {
            "version",         "registries", "pinning", "signatures", "scan", "vulnerability_db",
            "vulnerabilities", "licenses",   "checks",  "secrets",    NULL};
        rc = each_pair(&c, root, root, "the policy", known, top_pair, &have_version);
    }
    if (rc == 0 && !have_version)
        rc = at(&c, root, STRATA_EFORMAT, "'version: 1' is required");
    if (rc == 0) {
        struct ky_node *next = NULL;
        int more = ky_next(ys, &next, err);
        if (more < 0)
            rc = more;
        else if (more == 1)
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: a second YAML document (a policy is one document)", path);
    }
    if (rc == 0)
        rc = build_deny(&c);
    if (ys != NULL)
        ky_close(ys);
    if (rc != 0) {
        trust_policy_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int trust_policy_load(const char *path, struct trust_policy **out, struct strata_error *err)
{
    char *data;
    size_t len;
    int rc = policy_read_file(path, TP_MAX_FILE, &data, &len, err);
    if (rc != 0)
        return rc;
    rc = trust_policy_parse(path, data, len, 1, out, err);
    free(data);
    return rc;
}

static void list_release(struct tp_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
}

void trust_policy_free(struct trust_policy *p)
{
    if (p == NULL)
        return;
    list_release(&p->registries);
    for (size_t i = 0; i < p->n_signatures; i++) {
        struct tp_signature_rule *r = &p->signatures[i];
        list_release(&r->repositories);
        for (size_t k = 0; k < r->n_keys; k++) {
            free(r->keys[k].path);
            free(r->keys[k].resolved);
            EVP_PKEY_free(r->keys[k].pub);
        }
        free(r->keys);
    }
    free(p->signatures);
    list_release(&p->license_deny);
    strata_license_deny_free(p->license_deny_list);
    list_release(&p->forbid_checks);
    list_release(&p->setuid_allow);
    free(p->path);
    free(p);
}

int tp_parse_duration(const char *s, size_t n, int64_t *seconds)
{
    if (n < 2 || n > 20)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > TP_MAX_AGE)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    int64_t unit;
    switch (s[n - 1]) {
    case 's':
        unit = 1;
        break;
    case 'm':
        unit = 60;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'd':
        unit = 86400;
        break;
    case 'w':
        unit = 7 * 86400;
        break;
    default:
        return -1;
    }
    if (v <= 0 || v > TP_MAX_AGE / unit)
        return -1;
    *seconds = v * unit;
    return 0;
}

/* '*' within a component, '**' across, '?' one non-'/' character. Dynamic programming over
 * (pattern token, text position), two rows: O(pattern x text) whatever the stars, so a
 * hostile pattern cannot make matching exponential. */
enum { G_LIT, G_ONE, G_STAR, G_DSTAR };

int tp_glob_match(const char *pattern, const char *text)
{
    size_t pn = strlen(pattern), tn = strlen(text);
    unsigned char *kind = malloc(pn + 1);
    char *lit = malloc(pn + 1);
    unsigned char *next = calloc(tn + 2, 1), *cur = calloc(tn + 2, 1);
    int result = 0;
    if (kind == NULL || lit == NULL || next == NULL || cur == NULL)
        goto done;
    size_t nt = 0;
    for (size_t i = 0; i < pn;) {
        if (pattern[i] == '*' && pattern[i + 1] == '*') {
            while (pattern[i] == '*')
                i++;
            kind[nt++] = G_DSTAR;
        } else if (pattern[i] == '*') {
            kind[nt++] = G_STAR, i++;
        } else if (pattern[i] == '?') {
            kind[nt++] = G_ONE, i++;
        } else {
            kind[nt] = G_LIT, lit[nt++] = pattern[i++];
        }
    }
    /* next = row of the empty pattern: matches only the end of the text */
    next[tn] = 1;
    for (size_t k = nt; k-- > 0;) {
        cur[tn + 1] = 0;
        for (size_t j = tn + 1; j-- > 0;) {
            int m;
            switch (kind[k]) {
            case G_DSTAR:
                m = next[j] || (j < tn && cur[j + 1]);
                break;
            case G_STAR:
                m = next[j] || (j < tn && text[j] != '/' && cur[j + 1]);
                break;
            case G_ONE:
                m = j < tn && text[j] != '/' && next[j + 1];
                break;
            default:
                m = j < tn && text[j] == lit[k] && next[j + 1];
            }
            cur[j] = (unsigned char)m;
        }
        unsigned char *t = next;
        next = cur, cur = t;
    }
    result = next[0];
done:
    free(kind);
    free(lit);
    free(next);
    free(cur);
    return result;
}
