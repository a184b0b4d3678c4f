/* The image trust policy (docs/policy.md): which registries and repositories images may come
 * from, whether references must be pinned by digest, which keys must have signed which
 * repositories, how recent the last scan of an image's digest and the vulnerability database
 * it used must be, and what that scan may have found (vulnerabilities per severity, with
 * --ignore-unfixed semantics; denied licenses; forbidden image checks; setuid/setgid files
 * outside an allow-list; secrets).
 *
 * The file is YAML read through the event-based tree of src/checks/k8s_yaml.h (positions for
 * every node, the YAML guard, bounds); unknown keys, wrong types and bad values are errors
 * naming "FILE:LINE:COL". Evaluation is pure: the caller gathers the facts (the image's
 * digest, its newest scan record, the current database's build time, a signature verifier)
 * and gets one PASS/FAIL result per rule with the reason. */
#ifndef STRATA_POLICY_TRUST_POLICY_H
#define STRATA_POLICY_TRUST_POLICY_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/scan_store.h"
#include "policy/trust_policy_ref.h"
#include "strata/error.h"

#define TP_MAX_FILE (1u << 20) /* bytes of a policy file */
#define TP_MAX_LIST 4096       /* entries of one list */
#define TP_MAX_SIGNATURE_RULES 256
#define TP_MAX_KEYS 64                   /* keys of one signature rule */
#define TP_MAX_STRING 1024               /* bytes of one string value */
#define TP_MAX_AGE (100LL * 366 * 86400) /* durations: at most about 100 years */

/* Rule names, as results and JSON name them (SARIF: "POLICY-" + upper case). */
#define TP_RULE_REGISTRY "registry"
#define TP_RULE_PINNING "pinning"
#define TP_RULE_SIGNATURE "signature"
#define TP_RULE_SCAN_AGE "scan-age"
#define TP_RULE_SCAN_DB "scan-db"
#define TP_RULE_DB_AGE "db-age"
#define TP_RULE_VULNS "vulnerabilities"
#define TP_RULE_LICENSES "licenses"
#define TP_RULE_CHECKS "checks"
#define TP_RULE_SETUID "setuid"
#define TP_RULE_SECRETS "secrets"

struct tp_item {
    char *text;
    int line, col;
};

struct tp_list {
    struct tp_item *v;
    size_t n;
    int line, col; /* of the key */
    int present;
};

struct tp_key {
    char *path;     /* as written */
    char *resolved; /* relative paths are relative to the policy file's directory */
    EVP_PKEY *pub;  /* NULL when the policy was parsed without loading keys */
    int line, col;
};

struct tp_signature_rule {
    struct tp_list repositories;
    struct tp_key *keys;
    size_t n_keys;
    int require_all; /* require: all (default) or any */
    int line, col;
};

struct tp_duration {
    int64_t seconds; /* 0: not set */
    char text[32];   /* as written: "24h" */
    int line, col;
};

struct trust_policy {
    char *path;
    struct tp_list registries; /* registries.allow */
    int require_digest;        /* pinning.require_digest */
    int pinning_line, pinning_col;
    struct tp_signature_rule *signatures;
    size_t n_signatures;
    struct tp_duration scan_max_age;
    int require_current_db; /* scan.require_current_db */
    int current_db_line, current_db_col;
    struct tp_duration db_max_age;
    int has_vuln_limits;
    long vuln_max[SCAN_SEVERITIES]; /* -1: unlimited; index = severity rank */
    int ignore_unfixed;
    int vulns_line, vulns_col;
    struct tp_list license_deny;
    char **license_deny_list; /* strata_license_parse_deny of the entries */
    struct tp_list forbid_checks;
    struct tp_list setuid_allow;
    long secrets_max; /* -1: no rule */
    int secrets_line, secrets_col;
};

/* Parses a policy (data[len], NUL-terminated) named path. load_keys: read and check every
 * signature key file now (0 for fuzzing: keys stay unloaded). Errors: STRATA_EFORMAT
 * "PATH:LINE:COL: …" (syntax, unknown key, wrong type, bad value, unreadable key file),
 * STRATA_ELIMIT beyond the bounds above, STRATA_ENOMEM. */
int trust_policy_parse(const char *path, const char *data, size_t len, int load_keys,
                       struct trust_policy **out, struct strata_error *err);
/* Reads the file (at most TP_MAX_FILE bytes) and parses it with keys. */
int trust_policy_load(const char *path, struct trust_policy **out, struct strata_error *err);
void trust_policy_free(struct trust_policy *p);

/* "24h" -> 86400 seconds: a positive whole number and one unit s, m, h, d or w, at most
 * TP_MAX_AGE. Returns 0 or -1. */
int tp_parse_duration(const char *s, size_t n, int64_t *seconds);

/* Repository globs: '*' matches within one path component (no '/'), '**' across components,
 * '?' one character other than '/'; everything else literally. 1 on a match. */
int tp_glob_match(const char *pattern, const char *text);

/* ---- results ---- */

struct tp_result {
    const char *rule; /* TP_RULE_* */
    int pass;
    char *reason;
    int line, col; /* of the policy rule that decided */
};

struct tp_results {
    struct tp_result *v;
    size_t n, cap;
};
/* Appends a result (reason printf-style). Returns 0 or STRATA_ENOMEM. */
int tp_results_add(struct tp_results *r, const char *rule, int pass, int line, int col,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
size_t tp_results_failed(const struct tp_results *r);
void tp_results_release(struct tp_results *r);

/* ---- evaluating an image (trust_policy_eval.c) ---- */

struct tp_image {
    const char *input; /* as given */
    int has_ref;       /* ref holds the image's reference */
    struct trust_ref ref;
    int ref_is_input;   /* the input is a registry reference (pinning applies to it) */
    const char *digest; /* the image's digest, NULL when unknown */
    const struct scan_record *record; /* its newest scan record, NULL when none */
    const char *current_db_built_at;  /* the database at hand, NULL when there is none */
    int64_t now;
    /* Signature check of the image with one key: 0 verified, 1 not (reason filled), or a
     * negative STRATA_E* (reason filled) when the check itself failed. NULL: signature rules
     * fail with "cannot be checked". */
    int (*verify)(void *ctx, const struct tp_key *key, char *reason, size_t size);
    void *verify_ctx;
};

/* Appends one result per rule the policy has, in a fixed order: registry, pinning,
 * signature (one per matching signature rule), scan-age, scan-db, db-age, vulnerabilities,
 * licenses, checks, setuid, secrets. Rules that judge the scan fail when there is no usable
 * record, saying why. Returns 0 or STRATA_ENOMEM. */
int tp_evaluate_image(const struct trust_policy *p, const struct tp_image *img,
                      struct tp_results *out, struct strata_error *err);

/* Would a new scan change the verdict? 1 when the policy has scan rules and the record is
 * missing, older than scan.max_age, made with another database than the current one (when
 * scan.require_current_db) or cannot judge a rule (vulnerabilities not matched while there is
 * a database now, a severity the policy limits filtered out, checks or secrets not run). */
int tp_needs_rescan(const struct trust_policy *p, const struct tp_image *img);

/* The registry and pinning rules for one image reference written in a file (text as
 * written; a reference that does not parse fails both with the parse error). unresolved: the
 * text uses a build argument without a value. Returns 0 or STRATA_ENOMEM. */
int tp_evaluate_reference(const struct trust_policy *p, const char *text, int unresolved,
                          struct tp_results *out, struct strata_error *err);

/* ---- image references in files (trust_policy_files.c) ---- */

struct tp_file_ref {
    const char *text;     /* the reference as written (substituted for Dockerfiles) */
    int unresolved;       /* a build argument without a value was used */
    const char *resource; /* "stage build", "Deployment/ns/web container app", "service web" */
    int line, col;
};

/* Calls fn for each image reference of a Dockerfile (FROM of an image, not of an earlier
 * stage or scratch; COPY --from and RUN --mount from= naming an image), a Kubernetes manifest
 * (every container, init and ephemeral container image of every workload) or a compose file
 * (services.*.image). The kind is detected from name and content like `strata config` does;
 * a file of another kind is STRATA_EUSAGE. fn returning non-zero stops with that value.
 * Parse errors name path:line:col. */
int tp_file_refs(const char *path, const char *data, size_t len,
                 int (*fn)(void *ctx, const struct tp_file_ref *ref), void *ctx,
                 struct strata_error *err);

#endif
