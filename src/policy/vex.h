/* OpenVEX documents (JSON, read with jansson): the subset the gate applies.
 *
 * Read (docs/gate.md): the document's optional `timestamp` and `statements[]`, each with
 *   vulnerability   object with `name`, `@id` and/or `aliases[]`, or a plain string (older
 *                   drafts); every one of these ids is matched against a finding's id and
 *                   aliases (ASCII case-insensitively)
 *   products[]      strings, or objects with `@id` and/or `identifiers.purl` and optional
 *                   `subcomponents[]` (strings, or objects of the same shape)
 *   status          not_affected | affected | fixed | under_investigation
 *   justification, impact_statement, action_statement   optional strings
 *   timestamp       optional RFC 3339; inherits the document's when absent
 * Other keys are ignored. Errors name the file and, for JSON syntax, line and column; for
 * content, the JSON path ("statements[2].status"). Bounds: VEX_MAX_BYTES, VEX_MAX_STATEMENTS,
 * VEX_MAX_PRODUCTS (products and subcomponents over the whole document); jansson bounds the
 * nesting depth. */
#ifndef STRATA_POLICY_VEX_H
#define STRATA_POLICY_VEX_H

#include <stddef.h>
#include <stdint.h>

#include "policy/policy_util.h"
#include "strata/error.h"
#include "strata/report.h"

#define VEX_MAX_BYTES (8u << 20) /* jansson needs up to ~30x the text in memory */
#define VEX_MAX_STATEMENTS 100000u
#define VEX_MAX_PRODUCTS 1000000u

enum vex_status {
    VEX_NOT_AFFECTED,
    VEX_AFFECTED,
    VEX_FIXED,
    VEX_UNDER_INVESTIGATION,
};

/* A parsed package URL: type, namespace and name case-folded where the purl spec says the
 * type is case-insensitive, every part percent-decoded, qualifiers and subpath dropped. */
struct vex_purl {
    char *type;
    char *ns; /* NULL when absent */
    char *name;
    char *version; /* NULL when absent */
};

struct vex_ident {
    char *raw;             /* as written */
    struct vex_purl *purl; /* NULL when raw is not a purl */
};

struct vex_product {
    struct vex_ident *ids; /* `@id` and `identifiers.purl` */
    size_t n_ids;
    struct vex_ident *subs; /* one per subcomponent identifier */
    size_t n_subs;
};

struct vex_statement {
    size_t index; /* position in statements[] */
    char *vuln;   /* the first vulnerability id, for messages */
    enum vex_status status;
    char *justification, *impact_statement, *action_statement; /* NULL when absent */
    int has_timestamp;                                         /* its own or the document's */
    int64_t timestamp;                                         /* seconds since the epoch, UTC */
    struct vex_product *products;
    size_t n_products;
};

struct vex_doc {
    char *name;
    struct vex_statement *v;
    size_t n;
    struct policy_id_index by_id; /* vulnerability ids -> statement numbers */
};

/* Parses data[0..len) named name in messages. On error the document is left empty. Returns 0,
 * STRATA_EFORMAT, STRATA_ELIMIT or STRATA_ENOMEM. */
int vex_parse(const char *data, size_t len, const char *name, struct vex_doc *out,
              struct strata_error *err);
/* Reads and parses the file at path (adds STRATA_EIO for unreadable files). */
int vex_load(const char *path, struct vex_doc *out, struct strata_error *err);
void vex_doc_free(struct vex_doc *d);

/* The statement that decides finding v of the scanned target t: among the statements naming
 * v's id or an alias whose products cover v's package, the one with the latest timestamp
 * (statements without one, their own or the document's, count as oldest), later in the
 * document on ties. NULL when none applies. Sets *oom and returns NULL on ENOMEM. */
const struct vex_statement *vex_find(const struct vex_doc *d, const struct strata_target *t,
                                     const struct strata_vulnerability *v, int *oom);

const char *vex_status_name(enum vex_status s);
/* 1 for not_affected and fixed. */
int vex_status_suppresses(enum vex_status s);

/* Parses s as a purl: 0 and *out (free with vex_purl_free), 1 when s is not a purl, or
 * STRATA_ENOMEM. */
int vex_purl_parse(const char *s, struct vex_purl **out);
void vex_purl_free(struct vex_purl *p);
/* 1 when candidate is the package pattern names: equal type, namespace and name, and equal
 * version unless pattern has none. */
int vex_purl_match(const struct vex_purl *pattern, const struct vex_purl *candidate);

#endif
