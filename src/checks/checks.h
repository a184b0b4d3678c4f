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
/* Bytes read of each account file (/etc/passwd, /etc/shadow, /etc/group); a larger one is
 * skipped and the checks then see no such file. */
#define CHECKS_MAX_ACCOUNT_FILE (4u << 20)
#define CHECKS_MAX_PASSWD CHECKS_MAX_ACCOUNT_FILE
/* Entries per account file examined by the account checks; later lines are ignored. */
#define CHECKS_MAX_ACCOUNTS 65536
/* Account names quoted in one duplicate-id finding ("… and N more" after them). */
#define CHECKS_MAX_NAMES_QUOTED 8

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

/* The instruction of a history step's created_by without the "/bin/sh -c #(nop) " wrapper
 * of classic builders ("ENV A=b", "RUN …"); points into cb. */
const char *checks_history_instruction(const char *cb);

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
 * from r->packages[].files) and one summary of them with the image-wide removal
 * (STRATA-DI-0004), world-writable directories without the sticky bit and world-writable
 * files. */
int checks_image_files(const struct strata_view *view, const char *const *setuid_allow,
                       struct strata_report *r, struct strata_error *err);

/* The uid /etc/passwd gives user name (n bytes), -1 when not listed. */
long checks_passwd_uid(const char *passwd, size_t len, const char *name, size_t n);

/* ---- account files (passwd.c, accounts.c) ---- */

enum checks_account_file { CHECKS_PASSWD, CHECKS_SHADOW, CHECKS_GROUP, CHECKS_ACCOUNT_FILES };

/* The visible copy of one account file: its bytes (NULL when the image has none, or only an
 * oversized one) and the layer that wrote it. */
struct checks_account_text {
    const char *data;
    size_t len;
    int layer;
};

/* Account checks over the final /etc/passwd, /etc/shadow and /etc/group (indexed by enum
 * checks_account_file): empty password fields (DKL-LI-0001), duplicate uids, gids, user and
 * group names (DKL-LI-0002) and password hashes left in /etc/passwd (STRATA-DI-0005). No
 * password field's content ever reaches a message. Every file is untrusted: any bytes, any
 * line length, CRLF, no final newline. */
int checks_accounts(const struct checks_account_text files[CHECKS_ACCOUNT_FILES],
                    struct strata_report *r, struct strata_error *err);

/* An analyzer keeping each layer's etc/passwd, etc/shadow and etc/group (each up to
 * CHECKS_MAX_ACCOUNT_FILE bytes) for the root-user and account checks; emits nothing. */
extern const struct strata_analyzer checks_passwd_analyzer;
/* The view path ("etc/shadow") of an account file, NULL for an unknown one. */
const char *checks_account_path(enum checks_account_file which);
/* One account file kept by checks_passwd_analyzer in a layer's state: its bytes
 * (NUL-terminated, *len without the NUL), or NULL (*len 0) when that layer did not write it. */
const char *checks_account_data(const void *state, enum checks_account_file which, size_t *len);
/* checks_account_data(state, CHECKS_PASSWD, len). */
const char *checks_passwd_data(const void *state, size_t *len);

/* ---- what a build left behind (leftovers.c) ---- */

/* Package caches (DKL-DI-0005) and unnecessary files (DKL-LI-0003) of the final view, from
 * metadata only. Image scans only: a project directory given to `strata fs` legitimately
 * holds its .git and caches. */
int checks_leftovers(const struct strata_view *view, struct strata_report *r,
                     struct strata_error *err);

enum checks_cache_kind {
    CHECKS_CACHE_NONE = -1,
    CHECKS_CACHE_APT_ARCHIVES,
    CHECKS_CACHE_APT_PKGCACHE,
    CHECKS_CACHE_APT_LISTS,
    CHECKS_CACHE_APK,
    CHECKS_CACHE_YUM,
    CHECKS_CACHE_DNF,
    CHECKS_CACHE_ZYPPER,
    CHECKS_CACHE_PIP,
    CHECKS_CACHE_NPM,
    CHECKS_CACHE_YARN,
};

/* Which package cache the regular file at view path (no leading '/') belongs to, with
 * *dir_len the length of the cache directory's path (a prefix of path). */
enum checks_cache_kind checks_cache_of(const char *path, size_t *dir_len);

enum checks_unneeded_kind {
    CHECKS_UNNEEDED_NONE = 0,
    CHECKS_UNNEEDED_GIT,      /* a .git directory (or gitdir file); *dir_len ends at ".git" */
    CHECKS_UNNEEDED_ENV,      /* .env, .env.local, … (not .env.example and other templates) */
    CHECKS_UNNEEDED_DS_STORE, /* macOS Finder metadata */
    CHECKS_UNNEEDED_EDITOR,   /* *~, .*.swp, .*.swo */
    CHECKS_UNNEEDED_BACKUP,   /* *.bak, *.orig */
};

/* What kind of unnecessary file path is. For CHECKS_UNNEEDED_GIT, path is the .git itself or
 * anything below it and *dir_len the length of the ".git" path; otherwise *dir_len is
 * strlen(path). */
enum checks_unneeded_kind checks_unneeded_of(const char *path, size_t *dir_len);

#endif
