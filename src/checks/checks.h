/* Image hardening checks (docs/checks-image.md): CIS Docker Benchmark image rules and
 * Dockle-style checks over the image config, its history and the squashed filesystem. They
 * add strata_misconfiguration entries to the report; no value that looks like a credential
 * reaches the report in clear. */
#ifndef STRATA_CHECKS_CHECKS_H
#define STRATA_CHECKS_CHECKS_H

#include <jansson.h>
#include <stddef.h>

#include "core/strbuf.h"
#include "strata/analyzer.h"
#include "strata/error.h"
#include "strata/report.h"
#include "strata/view.h"

/* History entries examined; later ones are ignored (a real image has a few dozen). */
#define CHECKS_MAX_HISTORY 4096
/* Env entries, labels, exposed ports and volumes examined, each. */
#define CHECKS_MAX_CONFIG_ITEMS 4096
/* Findings per check kind from the filesystem (setuid, world-writable, …). */
#define CHECKS_MAX_FILE_FINDINGS 10000
/* /etc/passwd bytes read for the root-user check. */
#define CHECKS_MAX_PASSWD (4u << 20)

/* ---- redaction (redact.c) ---- */

/* Appends a redacted form of the n-byte value: its first 4 bytes then "*****", or only
 * "*****" when the value is 12 bytes or shorter (4 bytes of a short password give too much
 * away). Returns 0 or STRATA_ENOMEM. */
int checks_redact_value(struct strbuf *sb, const char *value, size_t n);

/* 1 when KEY (n bytes) names a credential: PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, … in any
 * case, but not a *_FILE / *_PATH / *_DIR key pointing at one (DB_PASSWORD_FILE). */
int checks_key_is_secret(const char *key, size_t n);

/* Copies text into out with credential values redacted: KEY=VALUE with a secret KEY,
 * `-u user:pass` / `--user user:pass`, `--password VALUE` (and --passwd, --token, --secret,
 * --api-key), and `scheme://user:pass@host`. Values that are references ($VAR) are kept.
 * *hits gets the number of credentials redacted and *kind (may be NULL) a short name of the
 * first one. Returns 0 or STRATA_ENOMEM. */
int checks_redact_text(struct strbuf *out, const char *text, size_t *hits, const char **kind);

/* ---- checks ---- */

/* What the image checks read from a scan. */
struct checks_input {
    const json_t *config;   /* image config document; NULL for a filesystem (no config checks) */
    const char *image_name; /* RepoTags[0] / ref.name, may be NULL */
    const struct strata_view *view;
    size_t n_layers;                 /* layer results (1 for a filesystem) */
    void *const *account_states;     /* checks_passwd_analyzer's state of each layer, or NULL */
    const char *const *setuid_allow; /* extra setuid/setgid allow-list globs (fnmatch, absolute
                                        paths), NULL-terminated; NULL for none */
};

/* Runs every image check and sorts the misconfigurations; errors are prefixed
 * "image checks: ". */
int checks_run_image(const struct checks_input *in, struct strata_report *r,
                     struct strata_error *err);

/* Config and history checks. config is the image config document (the object holding
 * "config" and "history"; anything else is treated as absent), image_name the reference
 * (RepoTags[0] / ref.name, may be NULL), passwd the image's /etc/passwd (NULL if none),
 * n_layers the number of layers (history entries map to layers). */
int checks_image_config(const json_t *config, const char *image_name, const char *passwd,
                        size_t passwd_len, size_t n_layers, struct strata_report *r,
                        struct strata_error *err);

/* Filesystem checks over the final view: setuid/setgid files (with their owning OS package
 * from r->packages[].files), world-writable directories without the sticky bit and
 * world-writable files. */
int checks_image_files(const struct strata_view *view, const char *const *setuid_allow,
                       struct strata_report *r, struct strata_error *err);

/* The uid /etc/passwd gives user name (n bytes), -1 when not listed. */
long checks_passwd_uid(const char *passwd, size_t len, const char *name, size_t n);

/* An analyzer keeping each layer's etc/passwd for the root-user check; emits nothing. */
extern const struct strata_analyzer checks_passwd_analyzer;
/* The visible /etc/passwd kept by checks_passwd_analyzer: its bytes in the state of layer
 * `state_index`, or NULL. */
const char *checks_passwd_data(const void *state, size_t *len);

#endif
