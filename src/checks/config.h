/* Configuration checks (strata config, docs/strata-config.md): Dockerfiles, Kubernetes
 * manifests, docker-compose files and `docker inspect` output. The framework (config_scan.c)
 * walks the paths, detects each file's kind, hands it to its checker, and owns what is common
 * to all of them: rule selection (a rules file enables/disables ids), inline suppressions
 * (`# strata:ignore ID reason`), the --pss level, and adding findings to the report.
 *
 * A checker reads one file and calls config_report() per finding, with the 1-based line and
 * column of the offending key or instruction. A file it cannot parse is an error value whose
 * message names the path and the position ("deploy.yaml:12:3: …"); the framework reports it
 * and goes on with the other files. Checkers never print. */
#ifndef STRATA_CHECKS_CONFIG_H
#define STRATA_CHECKS_CONFIG_H

#include <stddef.h>

#include "strata/error.h"
#include "strata/report.h"

/* Bounds shared by the checkers (documented in docs/strata-config.md). */
#define CONFIG_MAX_FILE (16u << 20) /* bytes of one file; larger ones are an error */
#define CONFIG_MAX_DOCUMENTS 100000 /* YAML documents in one file */
#define CONFIG_MAX_DEPTH 64         /* YAML/JSON nesting */
#define CONFIG_MAX_FINDINGS 100000  /* findings per file; more are dropped and counted */

enum config_kind {
    CONFIG_UNKNOWN = 0,
    CONFIG_DOCKERFILE,
    CONFIG_KUBERNETES,
    CONFIG_COMPOSE,
    CONFIG_DOCKER_INSPECT,
};

/* One file to check. data is NUL-terminated (data[len] == '\0') but may hold NUL bytes. */
struct config_source {
    const char *path; /* as the user named it ("-" for stdin shows as "<stdin>") */
    const char *data;
    size_t len;
    enum config_kind kind;
};

/* One finding. id, title, severity, message and remediation are required; the strings are
 * copied. Rule ids by kind: Dockerfile "DF-nnn", Kubernetes "K8S-nnn", Pod Security Standards
 * "PSS-<level>-<control>" (e.g. "PSS-BASELINE-HOST-NAMESPACES", "PSS-RESTRICTED-RUN-AS-NON-ROOT"),
 * compose "DC-nnn", docker inspect "CIS-DOCKER-5.n" (the benchmark's section). */
struct config_finding {
    const char *id;
    const char *title;
    const char *severity; /* "CRITICAL", "HIGH", "MEDIUM", "LOW" */
    const char *cis;      /* CIS Docker Benchmark section ("5.4") or NULL */
    int line, column;     /* 1-based; 0 when the finding is about the whole file */
    const char *resource; /* "Deployment/ns/name", "Deployment/ns/name container app",
                             "stage build", "service web", a container name; or NULL */
    const char *message;  /* what was found; never a secret in clear (checks_redact_value) */
    const char *remediation;
};

struct config_ctx;

/* Is the rule selected (not disabled by the rules file, and under --pss of the asked level
 * only PSS rules)? Checkers may skip work for unselected rules; config_report checks again. */
int config_rule_enabled(const struct config_ctx *c, const char *id);

/* The --pss level asked for: 0 none (every rule), 1 baseline, 2 restricted. */
int config_pss_level(const struct config_ctx *c);

/* Adds a finding about src unless its rule is not selected or an inline comment suppresses
 * it (`# strata:ignore ID[,ID…] reason` on the finding's line or the line above). Returns 0
 * or STRATA_ENOMEM. */
int config_report(struct config_ctx *c, const struct config_source *src,
                  const struct config_finding *f);

/* Adds one workload's Pod Security Standards result (the level it satisfies, "privileged",
 * "baseline" or "restricted", a line per violated control, and its kubesec-style score).
 * Returns 0 or STRATA_ENOMEM. */
int config_report_pss(struct config_ctx *c, const struct config_source *src, const char *resource,
                      int line, const char *level_satisfied, const char *const *violations,
                      size_t n_violations, int score);

/* ---- run-wide state: rules that need every file of the run (a NetworkPolicy, a
 * ServiceAccount in another file than the workload) ---- */

/* The checker's run-wide state for its kind: NULL until it sets *slot. At the end of the run
 * config_ctx_finish hands it to the kind's finisher (config_finish_<kind>), which reports what
 * it still has to and frees it; config_ctx_free frees what was never finished. */
void **config_ctx_state(struct config_ctx *c, enum config_kind kind);

/* A copy of src (path and text, NUL-terminated) owned by c: findings reported at finish time
 * about an earlier file point at it, and that file's suppression comments still count. NULL
 * on ENOMEM. */
const struct config_source *config_ctx_keep_source(struct config_ctx *c,
                                                   const struct config_source *src);

/* Findings a checker dropped over its bounds (CONFIG_MAX_FINDINGS): counted for the note. */
void config_report_dropped(struct config_ctx *c, size_t n);
size_t config_ctx_dropped(const struct config_ctx *c);

/* Finishers and state destructors (config_dispatch.c names them per kind). */
int config_finish_kubernetes(struct config_ctx *c, void *state, struct strata_error *err);
void config_free_kubernetes_state(void *state);

/* The checkers, one per kind. Each returns 0, or an error naming src->path and the position
 * for a file it cannot read (STRATA_EFORMAT, STRATA_ELIMIT) or STRATA_ENOMEM. */
int config_check_dockerfile(struct config_ctx *c, const struct config_source *src,
                            struct strata_error *err);
int config_check_kubernetes(struct config_ctx *c, const struct config_source *src,
                            struct strata_error *err);
int config_check_compose(struct config_ctx *c, const struct config_source *src,
                         struct strata_error *err);
int config_check_docker_inspect(struct config_ctx *c, const struct config_source *src,
                                struct strata_error *err);

/* ---- the framework's own API (config_scan.c), used by the CLI and by checker tests ---- */

struct config_options {
    const char *rules_file; /* YAML: {disable: [ids], enable: [ids]} or NULL */
    int pss_level;          /* 0, 1 baseline, 2 restricted */
};

/* A context adding findings to r. NULL on ENOMEM; a bad rules file is an error naming its
 * position. */
int config_ctx_new(const struct config_options *o, struct strata_report *r, struct config_ctx **out,
                   struct strata_error *err);
void config_ctx_free(struct config_ctx *c);
/* Reads a rules file's text (name for messages) into c, as rules_file does. */
int config_ctx_add_rules(struct config_ctx *c, const char *name, const char *data, size_t len,
                         struct strata_error *err);
/* Findings an inline comment suppressed so far. */
size_t config_ctx_suppressed(const struct config_ctx *c);

/* The kind of a file by its name and content (CONFIG_UNKNOWN when it is none of them). */
enum config_kind config_detect(const char *path, const char *data, size_t len);

/* After the last file of a run: every kind's finisher with its state (config_check_paths
 * calls it). */
int config_ctx_finish(struct config_ctx *c, struct strata_error *err);
/* The finisher and the destructor of a kind's state (config_dispatch.c). */
int config_finish_kind(struct config_ctx *c, enum config_kind kind, void *state,
                       struct strata_error *err);
void config_free_kind_state(enum config_kind kind, void *state);

/* Forgets the line index of the last source (a new file may reuse the struct's and the
 * buffer's addresses); config_check_source calls it before each file. */
void config_ctx_new_source(struct config_ctx *c);

/* Checks one file with its kind's checker (src->kind, detected when CONFIG_UNKNOWN). */
int config_check_source(struct config_ctx *c, struct config_source *src, struct strata_error *err);

#endif
