/* A YAML document tree for the Kubernetes checks (docs/config-kubernetes.md, "Model").
 *
 * libfyaml's event parser reads the stream; the tree is built here rather than with
 * fy_parse_load_document because libfyaml 0.7's document builder takes quadratic time in the
 * number of keys of one mapping and in the number of anchors and aliases (a 1 MB file of
 * 40,000 keys takes a minute), and because its fy_node_get_scalar() leaks a buffer for quoted
 * scalars with escapes. Events are linear, give every node its position, and let aliases,
 * merge keys and typing follow Kubernetes' own YAML decoder (go-yaml v2, YAML 1.1 scalars).
 *
 * Bounds, all errors naming the file and the position: the file (CONFIG_MAX_FILE), documents
 * (CONFIG_MAX_DOCUMENTS), nesting (CONFIG_MAX_DEPTH), nodes per document (K8S_MAX_NODES),
 * nodes aliases add to one file once expanded (K8S_MAX_ALIAS_NODES, so an alias bomb is
 * refused after linear work), merge keys nested in merged mappings (K8S_MAX_MERGE_DEPTH).
 * NUL bytes, lines starting with '%' (directives: libfyaml 0.7.12 can loop forever on a
 * malformed one), unknown, forward and recursive aliases and duplicate keys are errors. */
#ifndef STRATA_CHECKS_K8S_YAML_H
#define STRATA_CHECKS_K8S_YAML_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define K8S_MAX_NODES 1000000u       /* nodes of one document */
#define K8S_MAX_ALIAS_NODES 1000000u /* nodes the aliases of one file stand for */
#define K8S_MAX_MERGE_DEPTH 16       /* `<<` merges inside merged mappings */

enum ky_type { KY_SCALAR = 1, KY_MAP, KY_SEQ };
enum ky_style { KY_PLAIN = 0, KY_QUOTED, KY_BLOCK };
/* An explicit core-schema tag (!!str, !<tag:yaml.org,2002:bool>, …) changes how a scalar is
 * typed; any other tag is ignored as go-yaml v2 ignores it for JSON conversion. */
enum ky_tag { KY_TAG_NONE = 0, KY_TAG_STR, KY_TAG_BOOL, KY_TAG_INT, KY_TAG_FLOAT, KY_TAG_NULL };

struct ky_node {
    const char *text;      /* scalar bytes (not NUL-terminated; no NUL inside) */
    struct ky_node **kids; /* map: key0, value0, key1, value1, …; seq: the items */
    size_t size;           /* nodes with every alias expanded (saturating) */
    uint32_t len;          /* scalar length */
    uint32_t n;            /* map: pairs; seq: items */
    uint32_t line, col;    /* 1-based start (a quoted scalar at its opening quote) */
    uint8_t type, style, tag;
    uint8_t merge_depth; /* map: 1 + the deepest merged mapping's, 0 without `<<` */
};

struct ky_stream;

/* Starts reading data (len bytes; data[len] need not be NUL). The bytes must outlive the
 * stream: scalars point into them. Returns 0, STRATA_EFORMAT (NUL byte, directive),
 * STRATA_ELIMIT (too large) or STRATA_ENOMEM; messages name path and position. */
int ky_open(struct ky_stream **out, const char *path, const char *data, size_t len,
            struct strata_error *err);
/* The next document: 1 with its root (NULL for an empty document), 0 at the end of the
 * stream, or a negative STRATA_E* (the message names path:line:col). The tree lives until
 * the next call or ky_close. */
int ky_next(struct ky_stream *s, struct ky_node **root, struct strata_error *err);
/* 1-based number of the document ky_next returned last. */
size_t ky_document_index(const struct ky_stream *s);
void ky_close(struct ky_stream *s);

/* ---- reading a tree ---- */

int ky_is_map(const struct ky_node *n);
int ky_is_seq(const struct ky_node *n);
int ky_is_scalar(const struct ky_node *n);
/* NULL (absent) or a null scalar (~, null, empty plain, !!null). */
int ky_is_null(const struct ky_node *n);
/* A scalar whose text is exactly s (any style: keys and strings compare by text). */
int ky_eq(const struct ky_node *n, const char *s);
/* The value of key in map, following `<<` merge keys as go-yaml does (own keys first, then
 * merged mappings in order); NULL when absent or when map is not a mapping. *key_out (may be
 * NULL) gets the key node, for its position. */
struct ky_node *ky_get(const struct ky_node *map, const char *key);
struct ky_node *ky_get_key(const struct ky_node *map, const char *key, struct ky_node **key_out);

/* A mapping's pairs as go-yaml v2 decodes them: in order, a `<<` merge writing the merged
 * mapping's pairs (for a sequence of mappings, earlier ones win) over what came before, and
 * later keys over merged ones; each key once, in the order it first appears. *out is
 * malloc'd (the caller frees it; NULL when *n is 0). Returns 0, or STRATA_ENOMEM. */
struct ky_pair {
    struct ky_node *key, *value;
};
int ky_map_pairs(const struct ky_node *map, struct ky_pair **out, size_t *n);

/* Typing as Kubernetes' decoder does it (go-yaml v2, YAML 1.1): plain y/yes/true/on (any of
 * their case forms) are true, n/no/false/off false; !!bool forces boolean typing, quoted
 * scalars are strings. Returns 1 true, 0 false, -1 not a boolean (absent, null, other). */
int ky_bool(const struct ky_node *n);
/* An integer: plain 0x/0o/0b/leading-0 octal/decimal with '_' separators, or an integral
 * float (0.0 decodes as 0 into an integer field). Returns 0 and *v, or -1. */
int ky_int(const struct ky_node *n, long long *v);
/* A printable form of a scalar for messages: valid UTF-8 of at most max-1 bytes, control
 * characters and invalid bytes as '?', "..." when cut. Non-scalars print as "a mapping" /
 * "a sequence", NULL as "nothing". */
const char *ky_show(const struct ky_node *n, char *buf, size_t max);
/* The same for n bytes at p. */
const char *ky_show_bytes(const char *p, size_t n, char *buf, size_t max);

#endif
