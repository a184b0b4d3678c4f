/* A small read-only view of one YAML document for the compose checks (compose.c): lookups
 * that follow aliases and YAML merge keys (`<<: *defaults`, the way compose files share
 * settings), scalar text read without libfyaml's text cache (libfyaml 0.7 leaks the buffer it
 * formats for a quoted scalar with several escapes), and node positions.
 *
 * The document is built without alias resolution, so an alias bomb costs nothing to parse;
 * each lookup counts the mapping pairs it visits against a budget, so aliases cannot multiply
 * the work of the checks beyond COMPOSE_MAX_VISITS either. */
#ifndef STRATA_CHECKS_COMPOSE_YAML_H
#define STRATA_CHECKS_COMPOSE_YAML_H

#include <libfyaml.h>
#include <stddef.h>

#include "strata/error.h"

#define COMPOSE_MAX_TEXT 4096       /* bytes of one scalar kept; longer ones are cut */
#define COMPOSE_MAX_VISITS 10000000 /* mapping pairs and sequence items visited per file */
#define COMPOSE_MAX_MERGE_DEPTH 8   /* nested merge keys followed */

struct cyaml {
    const char *path;
    const char *data;
    size_t len;
    struct fy_diag *diag;
    struct fy_document *doc;
    size_t visits;
    int over_budget; /* the visit budget ran out: the caller reports STRATA_ELIMIT */
};

/* Parses data (NUL-terminated at data[len]); on an error nothing is left to free. Errors name
 * path, line and column: invalid YAML,
 * NUL bytes, directives (libfyaml 0.7.12 can loop on a malformed one; compose files have
 * none), more than max bytes. Only the first document of a stream is read. */
int cyaml_load(struct cyaml *y, const char *path, const char *data, size_t len, size_t max,
               struct strata_error *err);
void cyaml_free(struct cyaml *y);

/* The node an alias names (aliases of aliases followed), n itself otherwise; NULL for an
 * alias naming no anchor. */
struct fy_node *cyaml_deref(struct fy_node *n);
int cyaml_is_map(struct fy_node *n); /* after cyaml_deref */
int cyaml_is_seq(struct fy_node *n);

/* The value of key in mapping map, its key node in *key_node (may be NULL): a key of map
 * itself, else of the mappings its merge keys name, earlier ones first. NULL when absent. */
struct fy_node *cyaml_get(struct cyaml *y, struct fy_node *map, const char *key,
                          struct fy_node **key_node);

/* Mapping iteration that counts against the budget and skips merge keys; *key and *value
 * (value dereferenced) of the next pair; 0 at the end. Merged pairs are not visited. */
int cyaml_next_pair(struct cyaml *y, struct fy_node *map, void **it, struct fy_node **key,
                    struct fy_node **value);
/* Sequence iteration likewise; items dereferenced. */
struct fy_node *cyaml_next_item(struct cyaml *y, struct fy_node *seq, void **it);

/* The text of scalar n (after cyaml_deref) in buf (NUL-terminated; at most cap - 1 bytes,
 * *cut set when longer), *plain whether it was a plain (unquoted) scalar. NULL when n is not a
 * scalar. */
const char *cyaml_text(struct fy_node *n, char *buf, size_t cap, size_t *len, int *plain, int *cut);
/* Is n a plain true / True / TRUE (a YAML 1.2 boolean true)? */
int cyaml_true(struct fy_node *n);
/* Is n a plain false / False / FALSE? */
int cyaml_false(struct fy_node *n);
/* Is n absent or a plain null (~, null, empty)? */
int cyaml_null(struct fy_node *n);

/* 1-based position of node n: its first character for a scalar (the quote of a quoted one,
 * the '*' of an alias), the first scalar inside a collection. 0, 0 when unknown. */
void cyaml_pos(struct fy_node *n, int *line, int *col);

#endif
