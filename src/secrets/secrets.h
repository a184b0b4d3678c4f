/* Secret scanning engine: a rule pack (rules/secrets.yaml plus user files) compiled into one
 * hyperscan database, run over buffers. Reports rule, offsets, line, the secret (for the
 * caller's internal use only) and a redacted excerpt. See docs/secrets.md. */
#ifndef STRATA_SECRETS_H
#define STRATA_SECRETS_H

#include <stddef.h>

#include "strata/error.h"

/* Bounds (documented in docs/secrets.md). */
#define SECRETS_MAX_RULE_FILE (1u << 20) /* bytes of one rule file */
#define SECRETS_MAX_RULES 2000           /* rules in one engine */
#define SECRETS_MAX_REGEX 4096           /* bytes of one regex */
#define SECRETS_MAX_LIST 64              /* keywords / allow entries per list */
#define SECRETS_MAX_TEXT 256             /* bytes of an id, title, keyword */
#define SECRETS_MAX_SCAN (64u << 20)     /* bytes of one scanned buffer; larger is skipped */
#define SECRETS_BINARY_PROBE 8192        /* a NUL in this many first bytes means binary */
#define SECRETS_MAX_SPAN 4096            /* bytes of one match kept (longer is cut) */
#define SECRETS_MAX_FINDINGS 1000        /* findings reported per buffer */
#define SECRETS_EXCERPT_MAX 16

enum secrets_severity {
    SECRETS_LOW = 1,
    SECRETS_MEDIUM = 2,
    SECRETS_HIGH = 3,
    SECRETS_CRITICAL = 4,
};

struct secrets_engine;

struct secrets_finding {
    const char *rule_id;
    const char *title;
    enum secrets_severity severity;
    const char *path;
    size_t start, end;               /* byte offsets of the whole match in the buffer */
    size_t secret_start, secret_end; /* byte offsets of the secret itself */
    int line;                        /* 1-based line of the secret's first byte */
    /* The secret in clear: for the caller's internal use (dedup, hashing) only — it must
     * never be written to any output. Points into the scanned buffer, not NUL-terminated. */
    const char *secret;
    size_t secret_len;
    /* First characters of the secret (at most 4) then "*****"; never the whole secret. */
    char excerpt[SECRETS_EXCERPT_MAX];
};

/* Returns 0 to continue, non-zero to stop the scan (secrets_scan then returns that value). */
typedef int (*secrets_callback)(const struct secrets_finding *f, void *user);

/* An empty engine; add rule packs, then compile. NULL on ENOMEM. */
struct secrets_engine *secrets_engine_new(void);
void secrets_engine_free(struct secrets_engine *e);

/* Adds the rules of one YAML rule pack held in memory; `name` is used in error messages
 * (file:line:col). A pack with `replace: true` first drops every rule added before it. A rule
 * whose id was already added replaces the earlier one. */
int secrets_engine_add_pack(struct secrets_engine *e, const char *name, const char *data,
                            size_t len, struct strata_error *err);
int secrets_engine_add_file(struct secrets_engine *e, const char *path, struct strata_error *err);

/* The built-in pack: $STRATA_RULES_DIR/secrets.yaml if STRATA_RULES_DIR is set; else
 * rules/secrets.yaml next to the running binary or one directory above it; else
 * SECRETS_DEFAULT_RULES_DIR/secrets.yaml. Writes the path used into `used` if non-NULL. */
int secrets_builtin_path(char *used, size_t cap, struct strata_error *err);
int secrets_engine_add_builtin(struct secrets_engine *e, struct strata_error *err);

/* Compiles every rule into one database. An expression hyperscan rejects is an error naming
 * the rule id and where its regex is (file:line:col). */
int secrets_engine_compile(struct secrets_engine *e, struct strata_error *err);

size_t secrets_engine_rule_count(const struct secrets_engine *e);

enum secrets_scan_result {
    SECRETS_SCANNED = 0,
    SECRETS_SKIPPED_BINARY = 1,
    SECRETS_SKIPPED_SIZE = 2,
    SECRETS_SKIPPED_PATH = 3,
};

/* Scans one buffer with the engine's own scanner. Returns a secrets_scan_result (>= 0), a
 * negative STRATA_E* code, or the callback's non-zero value. Not thread-safe: other threads
 * use a secrets_scanner each. */
int secrets_scan(struct secrets_engine *e, const char *path, const char *data, size_t len,
                 secrets_callback cb, void *user, struct strata_error *err);

/* A compiled engine is read-only and shared; each thread scans with its own scanner (hyperscan
 * scratch space and match state). NULL on ENOMEM or when the engine is not compiled. The
 * engine must outlive its scanners. */
struct secrets_scanner;
struct secrets_scanner *secrets_scanner_new(const struct secrets_engine *e);
void secrets_scanner_free(struct secrets_scanner *sc);
int secrets_scanner_scan(struct secrets_scanner *sc, const char *path, const char *data, size_t len,
                         secrets_callback cb, void *user, struct strata_error *err);

/* Shannon entropy in bits per byte. */
double secrets_entropy(const char *s, size_t n);
/* Fills out (cap >= SECRETS_EXCERPT_MAX) with the redacted form of a secret. */
void secrets_redact(const char *s, size_t n, char *out, size_t cap);
const char *secrets_severity_name(enum secrets_severity s);

#endif
