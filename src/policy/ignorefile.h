/* The ignore file: YAML exceptions with optional package restriction and expiry.
 *
 * Format (docs/gate.md): a top-level sequence, or a mapping whose only key `ignore` holds
 * that sequence, of mappings with the keys
 *   id       required  vulnerability id; matches a finding's id or any of its aliases
 *                      (ASCII case-insensitively)
 *   package  optional  restricts the entry to findings whose package_name or source_name
 *                      equals it
 *   reason   optional  free text, shown with suppressed findings
 *   expires  optional  YYYY-MM-DD; the entry suppresses through the end of that day (UTC)
 * Unknown keys, non-scalar values, duplicate keys, aliases (`*name`), bad dates and a missing
 * id are errors naming file:line:column. Bounds: IGNOREFILE_MAX_BYTES, IGNOREFILE_MAX_ENTRIES,
 * IGNOREFILE_MAX_TEXT. */
#ifndef STRATA_POLICY_IGNOREFILE_H
#define STRATA_POLICY_IGNOREFILE_H

#include <stddef.h>
#include <stdint.h>

#include "policy/policy_util.h"
#include "strata/error.h"
#include "strata/report.h"

#define IGNOREFILE_MAX_BYTES (4u << 20)
#define IGNOREFILE_MAX_ENTRIES 100000u
#define IGNOREFILE_MAX_TEXT 4096u

struct ignore_entry {
    char *id;
    char *package;   /* NULL: any package */
    char *reason;    /* NULL: none given */
    int32_t expires; /* YYYYMMDD, 0 when the entry never expires */
    int line;        /* 1-based position of the entry in the file */
    int column;
};

struct ignore_list {
    char *name; /* the file name used in messages */
    struct ignore_entry *v;
    size_t n, cap;
    struct policy_id_index by_id; /* entry ids -> entry numbers */
};

/* Parses data[0..len) (need not be NUL-terminated) named name in messages. On error the list
 * is left empty. Returns 0, STRATA_EFORMAT, STRATA_ELIMIT or STRATA_ENOMEM. */
int ignorefile_parse(const char *data, size_t len, const char *name, struct ignore_list *out,
                     struct strata_error *err);
/* Reads and parses the file at path (adds STRATA_EIO for unreadable files). */
int ignorefile_load(const char *path, struct ignore_list *out, struct strata_error *err);
void ignore_list_free(struct ignore_list *l);

/* 1 when entry e names finding v (id or alias, and the package restriction if any). */
int ignore_entry_matches(const struct ignore_entry *e, const struct strata_vulnerability *v);

/* The first entry, in file order, that matches v and is in force on day today (YYYYMMDD),
 * or NULL. */
const struct ignore_entry *ignore_list_find(const struct ignore_list *l,
                                            const struct strata_vulnerability *v, int32_t today);

#endif
