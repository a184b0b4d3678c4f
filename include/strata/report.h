/* The one result model: sources and analyzers fill it, reporters read it. */
#ifndef STRATA_REPORT_H
#define STRATA_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define STRATA_REPORT_SCHEMA "strata.report/v1"

struct strata_target {
    char *name;   /* image reference (RepoTags[0], ref.name) or the path given */
    char *kind;   /* "docker-archive", "oci-layout", "oci-archive", "filesystem" */
    char *digest; /* manifest digest (OCI), config digest (docker-archive), NULL for fs */
};

struct strata_os {
    char *family;      /* os-release ID: "debian", "alpine", "rhel", … */
    char *version;     /* VERSION_ID, else debian_version/alpine-release */
    char *codename;    /* VERSION_CODENAME */
    char *pretty_name; /* PRETTY_NAME */
};

struct strata_layer {
    int index;        /* 0-based position in manifest layers / rootfs.diff_ids */
    char *diff_id;    /* sha256 of the uncompressed tar, "sha256:…" */
    char *digest;     /* blob digest as stored ("sha256:…") */
    char *media_type; /* as announced by the manifest, or sniffed */
    uint64_t size;    /* stored (compressed) size in bytes */
    char *created_by; /* config history entry of this layer, NULL when absent */
};

struct strata_package {
    char *name;
    char *version; /* full version as the package manager prints it (epoch:ver-rel) */
    char *type;    /* "deb", "apk", "rpm" */
    char *arch;
    char *purl;
    char *source_name;
    char *source_version;
    char **licenses;
    size_t n_licenses;
    int layer_index; /* -1 when the target has no layers (filesystem) */
    char *layer_diff_id;
    char *db_path; /* "/var/lib/dpkg/status", … */
    char **files;  /* files the package owns, absolute paths; not printed in v1 reports */
    size_t n_files;
};

struct strata_report {
    struct strata_target target;
    struct strata_os os;
    struct strata_layer *layers;
    size_t n_layers;
    struct strata_package *packages;
    size_t n_packages;
    size_t cap_packages;
};

struct strata_report *strata_report_new(void);
void strata_report_free(struct strata_report *r);

/* Appends a zeroed package and returns it (NULL on ENOMEM); the report owns its strings. */
struct strata_package *strata_report_add_package(struct strata_report *r);
void strata_package_clear(struct strata_package *p);

/* Sorts packages by type, name, version, arch for stable output. */
void strata_report_sort_packages(struct strata_report *r);

/* strdup that tolerates NULL. Returns NULL only for NULL input or ENOMEM (check *oom). */
char *strata_strdup_or_null(const char *s, int *oom);

#endif
