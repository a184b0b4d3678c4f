/* strata host (docs/strata-host.md): the CIS Docker Benchmark 1.6.0 host, daemon and daemon
 * file checks (sections 1-3) and the daemon-level part of section 5, evaluated against a root
 * filesystem tree the way docker-bench-security evaluates a live host. Each check has a
 * result, PASS, WARN, INFO or NOTE, with the benchmark number and title docker-bench-security
 * prints and detail lines. The result model is this command's own: it is not a
 * misconfiguration list (a PASS is a result too). */
#ifndef STRATA_CHECKS_HOST_H
#define STRATA_CHECKS_HOST_H

#include <stddef.h>
#include <stdio.h>

#include "strata/error.h"

enum host_status { HOST_PASS = 0, HOST_WARN, HOST_INFO, HOST_NOTE, HOST_STATUS_COUNT };

/* Detail lines of one check; more are counted in n_more_details. */
#define HOST_MAX_DETAILS 64

struct host_check {
    const char *id;    /* "2.2" (static) */
    const char *title; /* "Ensure network traffic is restricted …" (static) */
    enum host_status status;
    char **details; /* "Wrong ownership for /etc/docker", … */
    size_t n_details;
    size_t n_more_details;
};

struct host_report {
    char *root; /* the --root directory */
    struct host_check *checks;
    size_t n_checks;
    size_t totals[HOST_STATUS_COUNT];
};

struct host_options {
    const char *root;        /* default "/" */
    const char *mounts_file; /* --mounts FILE (read as is, not inside root), or NULL */
};

/* "PASS", "WARN", "INFO", "NOTE". */
const char *host_status_name(enum host_status s);

/* Runs every check. Errors (STRATA_EIO for a root that cannot be opened, STRATA_EFORMAT for a
 * daemon.json that is not JSON, naming its line and column, STRATA_ENOMEM) leave *out NULL. */
int host_run(const struct host_options *o, struct host_report **out, struct strata_error *err);
void host_report_free(struct host_report *r);

/* The result lookup tests use: the check with that id, or NULL. */
const struct host_check *host_report_find(const struct host_report *r, const char *id);

/* docker-bench-security's layout: section headers, "[WARN] 2.2 - Title", "[WARN]      * …"
 * detail lines, then the totals. Returns 0 or an errno. */
int host_write_table(const struct host_report *r, FILE *out);
/* {"root", "benchmark", "host_checks": [{id, title, status, details}], "totals"}. Returns 0
 * or an errno. */
int host_write_json(const struct host_report *r, FILE *out);

#endif
