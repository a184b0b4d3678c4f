/* The library's front door: scan an image or a root filesystem into a report. */
#ifndef STRATA_SCAN_H
#define STRATA_SCAN_H

#include <stdint.h>

#include "strata/error.h"
#include "strata/report.h"

/* What a scan looks for besides packages (bits of strata_scan_opts.skip). */
#define STRATA_SCANNER_SECRETS 1u   /* secrets in files, config and history */
#define STRATA_SCANNER_MISCONFIG 2u /* image hardening checks */

struct registry_options;

struct strata_scan_opts {
    const char *platform;     /* "os/arch[/variant]" for multi-platform indexes, or NULL */
    int jobs;                 /* layers read in parallel; 0 = number of CPUs */
    int progress;             /* print progress to stderr */
    uint64_t max_layer_bytes; /* uncompressed bound per layer; 0 = default (16 GiB) */
    unsigned pkg_types;       /* STRATA_PKG_* mask of the analyzers to run; 0 = all */
    /* Extra setuid/setgid allow-list globs over absolute paths (NULL-terminated), or NULL. */
    const char *const *setuid_allow;
    unsigned skip;                   /* STRATA_SCANNER_* bits not to run; 0 = run all */
    const char *const *secret_rules; /* user secrets rule files (NULL-terminated) or NULL */
    const char *const *license_deny; /* strata_license_parse_deny's list, or NULL */
    /* Registry images (REGISTRY/REPO:TAG, @sha256:…): auth, TLS, timeout (src/source/
     * registry.h, docs/registry.md); NULL for the defaults. */
    const struct registry_options *registry;
};

/* src: PATH, PATH:REF or TRANSPORT:PATH[:REF] (docker-archive, oci, oci-archive). */
int strata_scan_image(const char *src, const struct strata_scan_opts *opts,
                      struct strata_report **out, struct strata_error *err);

/* A root filesystem or unpacked directory: the same analyzers, no layers. */
int strata_scan_fs(const char *dir, const struct strata_scan_opts *opts, struct strata_report **out,
                   struct strata_error *err);

#endif
