/* What the strata host checks share (host.h is the public side): the root, the Docker daemon's
 * configuration as the tree holds it, the tree's account files, and adding results. */
#ifndef STRATA_CHECKS_HOST_INTERNAL_H
#define STRATA_CHECKS_HOST_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "checks/host.h"
#include "checks/host_root.h"
#include "strata/error.h"

/* Bounds (docs/strata-host.md). */
#define HOST_MAX_CONFIG_FILE (1u << 20) /* daemon.json, unit files, environment files */
#define HOST_MAX_TEXT_FILE (16u << 20)  /* audit rules, mount tables, /etc/group, dpkg status */
#define HOST_MAX_DIR_ENTRIES 10000      /* names read from one directory */
#define HOST_MAX_OPTIONS 1024           /* dockerd command-line options kept */
#define HOST_MAX_CERT_DEPTH 8           /* directory levels searched under /etc/docker/certs.d */

/* One dockerd command-line option, by its long name without dashes ("host" for -H): value
 * "true" for a flag given without one. */
struct host_option {
    char *name;
    char *value;
};

/* The daemon's configuration: the unit's command line and daemon.json. */
struct host_daemon {
    char *unit_path;   /* the docker.service file read, NULL when none */
    char *config_path; /* the daemon.json read, NULL when none */
    json_t *config;    /* its object, NULL when none */
    struct host_option *opts;
    size_t n_opts;
    int have_cmdline; /* an ExecStart was found */
};

struct host_ctx {
    struct host_root root;
    struct host_daemon daemon;
    const char *mounts_file;
    char *passwd, *group; /* the tree's /etc/passwd and /etc/group, or NULL */
    size_t passwd_len, group_len;
    struct host_report *rep;
    size_t cap_checks;
    struct strata_error *err;
};

/* Adds a result (id and title are static strings). Returns 0 or STRATA_ENOMEM. */
int host_result(struct host_ctx *c, const char *id, const char *title, enum host_status s);
/* Adds a detail line to the last result. Returns 0 or STRATA_ENOMEM. */
int host_detail(struct host_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the daemon's configuration (host_daemon.c) ---- */

/* Reads the docker.service unit (with its drop-ins and environment files) and daemon.json.
 * Returns 0, STRATA_EFORMAT for a daemon.json that is not a JSON object (naming line and
 * column), or STRATA_ENOMEM. */
int host_daemon_load(struct host_ctx *c);
void host_daemon_free(struct host_daemon *d);
/* The systemd unit file systemd would use for name (docker-bench-security's get_service_file
 * order: /etc/systemd/system, /lib/systemd/system, /run/systemd/system,
 * /run/systemd/transient, else /usr/lib/systemd/system), as an absolute path in out. */
void host_service_file(const struct host_ctx *c, const char *name, char *out, size_t cap);
/* The last value of option name (long form), or NULL. */
const char *host_daemon_opt(const struct host_daemon *d, const char *name);
/* daemon.json's member key, or NULL. */
json_t *host_daemon_json(const struct host_daemon *d, const char *key);
/* Whether daemon.json's key is true / the option is true ("--icc=false" is false). */
int host_daemon_bool(const struct host_daemon *d, const char *key, int *value);

/* Docker's data directory: data-root (or the older graph) from the command line or
 * daemon.json, else /var/lib/docker; no trailing '/'. */
const char *host_data_root(const struct host_ctx *c, char *buf, size_t cap);
/* Is this engine a swarm node? Docker keeps DATA-ROOT/swarm/docker-state.json while it is one
 * (docker swarm leave removes it); docker-bench-security asks docker info. */
int host_swarm_active(const struct host_ctx *c);

/* ---- account names (host_run.c) ---- */

/* The user name the tree's /etc/passwd gives uid ("root" for 0 without a passwd file), NULL
 * when unknown; the group name /etc/group gives gid likewise. */
const char *host_user_name(const struct host_ctx *c, unsigned uid, char *buf, size_t cap);
const char *host_group_name(const struct host_ctx *c, unsigned gid, char *buf, size_t cap);

/* ---- helpers the sections export for tests ---- */

/* Does a line of the audit rules text (not a comment) name path as a word? */
int host_audit_names(const char *rules, size_t len, const char *path);
/* Is dir a mount point in a mount table (/proc/mounts or /etc/fstab shape; table is
 * modified)? */
int host_mount_table_has(char *table, const char *dir);

/* ---- the sections ---- */
int host_section1(struct host_ctx *c); /* host configuration (host_audit.c) */
int host_section2(struct host_ctx *c); /* daemon configuration (host_daemon_checks.c) */
int host_section3(struct host_ctx *c); /* daemon configuration files (host_files.c) */
int host_section5(struct host_ctx *c); /* container runtime, daemon level (host_runtime.c) */

#endif
