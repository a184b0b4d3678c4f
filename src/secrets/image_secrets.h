/* Secrets in images and filesystems: an analyzer that runs the secrets engine over every text
 * file of every layer (deleted ones included), and a pass over the image config and history.
 * Both add strata_secret entries to the report; no secret reaches it in clear. */
#ifndef STRATA_SECRETS_IMAGE_SECRETS_H
#define STRATA_SECRETS_IMAGE_SECRETS_H

#include <jansson.h>

#include "secrets/secrets.h"
#include "strata/analyzer.h"
#include "strata/report.h"

/* Files larger than this are not scanned for secrets (documented in docs/secrets.md). */
#define SECRETS_MAX_FILE (10u << 20)
/* Findings kept per layer; more are counted and dropped (a generated file full of keys). */
#define SECRETS_MAX_LAYER_FINDINGS 10000

/* An engine with the built-in pack and then each of rule_files (NULL-terminated, may be NULL;
 * a file with `replace: true` drops the rules before it), compiled. */
int secrets_engine_for_scan(const char *const *rule_files, struct secrets_engine **out,
                            struct strata_error *err);

/* Fills *a with the file analyzer bound to the compiled engine e (which must outlive the
 * scan). Its finish() adds one secret per finding, with in_final_fs and deleted_in_layer from
 * the view. */
void secrets_file_analyzer(struct strata_analyzer *a, const struct secrets_engine *e);

/* Scans the image config (Env, Labels, Cmd, Entrypoint) and its history's created_by texts;
 * history steps are attributed to layers the way source_apply_config does. */
int secrets_scan_config(struct secrets_engine *e, const json_t *config, size_t n_layers,
                        struct strata_report *r, struct strata_error *err);

#endif
