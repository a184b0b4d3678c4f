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
    char *db_path; /* "/var/lib/dpkg/status", … ; where a language package was found */
    /* Language packages whose manifest or lockfile says so; -1 / 0 / NULL otherwise. */
    int direct;     /* 1 direct dependency of the project, 0 indirect, -1 unknown */
    int dev;        /* 1 development-only dependency */
    char *lockfile; /* the lockfile that decided direct/dev */
    /* Language packages found in a file an OS package owns: that package's name. Such
     * packages are not matched against language advisories unless asked (distributions patch
     * them without changing the upstream version), except what is compiled_in. */
    char *os_package;
    int compiled_in;    /* 1 statically linked into a binary (Go stdlib and modules, crates) */
    int license_denied; /* 1 when --license-deny denies its license expression */
    char **files;       /* files the package owns, absolute paths; not printed in v1 reports */
    size_t n_files;
};

/* One finding per (vulnerability, package): an advisory and the ids it aliases are merged. */
struct strata_vulnerability {
    char *id;       /* primary id: the CVE for CVE-keyed feeds, else the advisory id */
    char **aliases; /* the other ids of the merged advisories, sorted */
    size_t n_aliases;
    char *package_name; /* binary package as installed */
    char *package_version;
    char *package_type;    /* "deb", "apk", "rpm", "npm", … (the package's type) */
    char *package_purl;    /* the package's purl, for VEX and SBOM cross-references */
    char *source_name;     /* the name matched: deb source, apk origin; NULL when the same */
    char *fixed_version;   /* NULL when no fix */
    char *status;          /* "fixed", "affected", "will_not_fix", "fix_deferred" */
    char *severity;        /* "CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN" */
    char *severity_source; /* "cvss_v3" or the distribution ("debian", "alpine") */
    double cvss_score;     /* CVSS v3 base score, or -1 when there is no vector */
    char *cvss_vector;
    char *title;
    int layer_index; /* layer that installed the package, -1 for filesystems */
    char *layer_diff_id;
    char *data_source; /* e.g. "osv:Debian", "debian-tracker", "alpine-secdb" */
    /* Set by the gate (src/policy): suppressed findings are not printed unless asked. */
    int suppressed;
    char *suppressed_by; /* "ignorefile", "vex" */
    char *suppression_reason;
};

/* What the scan knew about vulnerabilities: absent unless matching ran. */
struct strata_vuln_scan {
    int ran; /* 1 when the image was matched against a database */
    char *db_path;
    char *db_built_at; /* RFC 3339 */
    char **warnings;   /* e.g. "the database has no data for Debian:12" */
    size_t n_warnings;
};

/* One image-hardening finding (src/checks/, docs/checks-image.md): a CIS Docker Benchmark
 * image rule or a Dockle-style check. Strings never hold a secret in clear: message and
 * evidence carry redacted values ("hunt*****"). */
struct strata_misconfiguration {
    char *id;          /* "CIS-DI-0001", "DKL-DI-0001", … */
    char *cis;         /* CIS Docker Benchmark section ("4.1"), NULL when none */
    char *title;       /* the check's one-line title */
    char *severity;    /* "CRITICAL", "HIGH", "MEDIUM", "LOW" */
    char *path;        /* absolute path of the file concerned, NULL when not about a file */
    int layer_index;   /* layer that wrote the file or the history step's layer, -1 if none */
    char *message;     /* what was found, values redacted */
    char *remediation; /* one line: what to change */
    char *evidence;    /* where: "config.User", "history[4]", "config.Env[1]", a path */
    /* Configuration files (strata config): position of the offending key or instruction
     * (1-based; 0 when unknown) and the resource ("Deployment/ns/name", "container app",
     * "stage build", "service web"), NULL when none. */
    int line, column;
    char *resource;
};

/* The Pod Security Standards level one workload satisfies (strata config). */
struct strata_pss_result {
    char *resource;        /* "Deployment/ns/name" */
    char *path;            /* the manifest file */
    int line;              /* of the workload's document */
    char *level_satisfied; /* "privileged", "baseline" or "restricted" */
    char **violations;     /* "baseline: hostNetwork: spec.hostNetwork is true", … */
    size_t n_violations;
    int score; /* kubesec-style score (docs/config-kubernetes.md) */
};

/* A credential found by the secrets engine (src/secrets/, docs/secrets.md). The secret itself
 * is never stored: only a redacted excerpt. */
struct strata_secret {
    char *rule_id;        /* "aws-access-key-id", … (the rule pack's id) */
    char *title;          /* the rule's title */
    char *severity;       /* "CRITICAL", "HIGH", "MEDIUM", "LOW" */
    char *path;           /* absolute path of the file, NULL for config and history */
    char *location;       /* "config.Env[1]", "config.Labels.KEY", "history[4]"; NULL for files */
    int line;             /* 1-based line of the secret, 0 when not meaningful */
    int layer_index;      /* layer that wrote the file or the history step's layer, -1 if none */
    int in_final_fs;      /* 1 visible in the final filesystem, 0 deleted or replaced later,
                             -1 not a file (config, history) */
    int deleted_in_layer; /* layer that deleted or replaced the file, -1 when none */
    char *excerpt;        /* first characters then "*****"; never the whole secret */
};

/* One license as it appears over the packages, for the report's `licenses` summary. */
struct strata_license_count {
    char *license;   /* SPDX license id, or LicenseRef-… for what is not in the SPDX list */
    char *category;  /* "permissive", "weak-copyleft", "strong-copyleft", "network-copyleft",
                        "forbidden", "unknown" */
    size_t packages; /* packages whose license expression names it */
    int denied;      /* named by --license-deny */
};

struct strata_report {
    struct strata_target target;
    struct strata_os os;
    struct strata_layer *layers;
    size_t n_layers;
    struct strata_package *packages;
    size_t n_packages;
    size_t cap_packages;
    struct strata_vulnerability *vulnerabilities;
    size_t n_vulnerabilities;
    size_t cap_vulnerabilities;
    struct strata_vuln_scan vuln_scan;
    struct strata_misconfiguration *misconfigurations;
    size_t n_misconfigurations;
    size_t cap_misconfigurations;
    struct strata_secret *secrets;
    size_t n_secrets;
    size_t cap_secrets;
    /* Kubernetes workloads checked against the Pod Security Standards (strata config). */
    struct strata_pss_result *pss;
    size_t n_pss;
    size_t cap_pss;
    /* Filled by the license pass (src/licenses/); n_licenses 0 when not run. */
    struct strata_license_count *licenses;
    size_t n_licenses;
    size_t n_denied_license_packages; /* packages with a license --license-deny names */
};

struct strata_report *strata_report_new(void);
void strata_report_free(struct strata_report *r);

/* Appends a zeroed package and returns it (NULL on ENOMEM); the report owns its strings. */
struct strata_package *strata_report_add_package(struct strata_report *r);
void strata_package_clear(struct strata_package *p);
/* Is p an OS package (type deb, apk or rpm) rather than a language package? */
int strata_package_is_os(const struct strata_package *p);

/* Appends a zeroed vulnerability (cvss_score -1, layer_index -1) and returns it (NULL on
 * ENOMEM); the report owns its strings. */
struct strata_vulnerability *strata_report_add_vulnerability(struct strata_report *r);
/* Frees every vulnerability and the vuln_scan record (strata_report_free calls it). */
void strata_report_clear_vulnerabilities(struct strata_report *r);
/* Keeps the vulnerabilities for which keep(v, ctx) is non-zero, in order; frees the others. */
void strata_report_keep_vulnerabilities(struct strata_report *r,
                                        int (*keep)(const struct strata_vulnerability *v,
                                                    void *ctx),
                                        void *ctx);
/* Appends a copy of msg to vuln_scan.warnings. Returns 0 or STRATA_ENOMEM. */
int strata_report_add_vuln_warning(struct strata_report *r, const char *msg);
/* Sorts vulnerabilities by severity (most severe first), package name, id. */
void strata_report_sort_vulnerabilities(struct strata_report *r);
/* Severity rank: CRITICAL 4, HIGH 3, MEDIUM 2, LOW 1, anything else (UNKNOWN) 0. */
int strata_severity_rank(const char *severity);

/* Appends a zeroed misconfiguration (layer_index -1) and returns it (NULL on ENOMEM); the
 * report owns its strings. */
struct strata_misconfiguration *strata_report_add_misconfiguration(struct strata_report *r);
/* Appends a zeroed PSS result and returns it (NULL on ENOMEM); the report owns its strings. */
struct strata_pss_result *strata_report_add_pss(struct strata_report *r);
void strata_report_clear_pss(struct strata_report *r);

/* Appends a finding with copies of the strings (cis, path may be NULL). Returns 0 or
 * STRATA_ENOMEM (nothing is appended then). */
int strata_report_add_misconf(struct strata_report *r, const char *id, const char *cis,
                              const char *title, const char *severity, const char *path,
                              int layer_index, const char *message, const char *remediation,
                              const char *evidence);
/* A finding in a configuration file (strata config, strata netpol audit): at path:line:col
 * (line 0 when unknown), evidence "path:line:col", about resource (may be NULL). Returns 0
 * or STRATA_ENOMEM. */
int strata_report_add_misconf_at(struct strata_report *r, const char *id, const char *cis,
                                 const char *title, const char *severity, const char *path,
                                 int line, int column, const char *resource, const char *message,
                                 const char *remediation);
/* Frees every misconfiguration (strata_report_free calls it). */
void strata_report_clear_misconfigurations(struct strata_report *r);
/* Sorts misconfigurations by severity (most severe first), id, path, evidence. */
void strata_report_sort_misconfigurations(struct strata_report *r);

/* Appends a zeroed secret (layer_index, deleted_in_layer -1, in_final_fs -1) and returns it
 * (NULL on ENOMEM); the report owns its strings. */
struct strata_secret *strata_report_add_secret(struct strata_report *r);
void strata_report_clear_secrets(struct strata_report *r);
/* Sorts secrets by severity (most severe first), path or location, line, rule id. */
void strata_report_sort_secrets(struct strata_report *r);
/* Keep the secrets / misconfigurations whose severity keep() accepts, in order; frees the
 * others. */
void strata_report_keep_secrets(struct strata_report *r,
                                int (*keep)(const char *severity, void *ctx), void *ctx);
void strata_report_keep_misconfigurations(struct strata_report *r,
                                          int (*keep)(const char *severity, void *ctx), void *ctx);
/* Frees the licenses summary. */
void strata_report_clear_licenses(struct strata_report *r);

/* Sorts packages by type, name, version, arch for stable output. */
void strata_report_sort_packages(struct strata_report *r);

/* strdup that tolerates NULL. Returns NULL only for NULL input or ENOMEM (check *oom). */
char *strata_strdup_or_null(const char *s, int *oom);

#endif
