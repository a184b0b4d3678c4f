/* Licenses: what package managers state, normalised to SPDX license expressions with current
 * SPDX identifiers, each license put in a category, and the --license-deny gate. See
 * docs/licenses.md. */
#ifndef STRATA_LICENSE_H
#define STRATA_LICENSE_H

#include <stddef.h>

#include "strata/error.h"
#include "strata/report.h"

/* Bounds on one license string (docs/licenses.md, "Bounds"). */
#define STRATA_LICENSE_MAX_INPUT 8192 /* bytes */
#define STRATA_LICENSE_MAX_DEPTH 32   /* nested parentheses */
#define STRATA_LICENSE_MAX_TERMS 256  /* license names in one expression */
#define STRATA_LICENSE_MAX_NAME 256   /* bytes of one license name */

enum strata_license_kind {
    STRATA_LICENSE_ID = 1, /* one license, optionally WITH an exception */
    STRATA_LICENSE_AND,
    STRATA_LICENSE_OR,
};

/* A parsed expression. AND and OR nodes have at least two terms, none of the node's own kind
 * (nested ones are flattened) and no two alike. */
struct strata_license_expr {
    enum strata_license_kind kind;
    char *id;        /* ID: an SPDX license id, or LicenseRef-… for a name not on the list */
    char *exception; /* ID: an SPDX exception id or AdditionRef-…; NULL when none */
    struct strata_license_expr **terms;
    size_t n_terms;
};

/* Parses a license string as package managers write it — SPDX expressions ("(MIT AND Zlib)"),
 * Debian ("GPL-2+ or Artistic, and BSD-3-clause"), rpm ("GPLv2+ and LGPLv2+ with
 * exceptions"), names ("Apache License, Version 2.0", "MIT/X11", trove classifiers) — into
 * an expression of current SPDX ids: operators in any case, AND binding tighter than OR,
 * ", and" / ", or" binding loosest, WITH exceptions, parentheses. A name that is not on the
 * SPDX list and has no alias becomes LicenseRef-<name with other characters as '-'>.
 * Returns 0; STRATA_EFORMAT for a malformed expression (unbalanced parenthesis, operator
 * without operand, empty, NUL byte) with the byte offset in the message; STRATA_ELIMIT
 * beyond the bounds above; STRATA_ENOMEM. */
int strata_license_parse(const char *s, size_t len, struct strata_license_expr **out,
                         struct strata_error *err);
void strata_license_expr_free(struct strata_license_expr *e);

/* The canonical text: upper-case operators, parentheses only where needed. NULL on ENOMEM. */
char *strata_license_expr_string(const struct strata_license_expr *e);

/* strata_license_parse, then the canonical text. Normalising a normalised string gives it back
 * unchanged. */
int strata_license_normalize(const char *s, size_t len, char **out, struct strata_error *err);

/* Like strata_license_normalize, but a string that does not parse becomes one
 * LicenseRef-<sanitised string> rather than an error. NULL only on ENOMEM. */
char *strata_license_normalize_lenient(const char *s, size_t len);

/* "permissive", "weak-copyleft", "strong-copyleft", "network-copyleft", "forbidden" or
 * "unknown" for an SPDX id (any case) or a LicenseRef- name. */
const char *strata_license_category(const char *id);

/* Is every license id and exception of expr on the SPDX list (no LicenseRef-/AdditionRef-)?
 * For reporters whose format accepts only listed ids (SPDX 2.3 licenseDeclared, CycloneDX
 * license.id). 0 when expr does not parse. */
int strata_license_expr_listed(const char *expr);

/* --license-deny: a comma-separated list of SPDX ids ("GPL-3.0-only"), globs over ids
 * ("GPL-*", "AGPL-3.0*"; fnmatch, any case), LicenseRef- names and categories
 * ("category:network-copyleft"). Returns 0 and a NULL-terminated list (free with
 * strata_license_deny_free), or STRATA_EUSAGE naming the bad entry: an unknown category,
 * a deprecated or unknown id (with the current id when there is one), a glob that matches
 * no SPDX id, characters no id has, an empty entry. */
int strata_license_parse_deny(const char *list, char ***out, struct strata_error *err);
void strata_license_deny_free(char **deny);

/* Does deny name this license id (directly, by glob or by its category)? */
int strata_license_id_denied(const char *id, const char *const *deny);

/* Can expr not be satisfied without a denied license? A license is denied when
 * strata_license_id_denied says so (its exception does not matter); AND needs every term,
 * OR any one: "MIT OR GPL-3.0-only" with GPL-3.0* denied is allowed, "MIT AND GPL-3.0-only"
 * is denied. */
int strata_license_expr_denied(const struct strata_license_expr *expr, const char *const *deny);

/* Is package p denied: any of its licenses[] entries denied (strata_license_expr_denied; an
 * entry that does not parse is one LicenseRef-)? For listing the packages a gate fails on. */
int strata_license_package_denied(const struct strata_package *p, const char *const *deny);

/* The report pass: rewrites every package's licenses[] in place as canonical SPDX
 * expressions (lenient: what does not parse becomes a LicenseRef-), dropping duplicates;
 * fills r->licenses with one entry per license id any package names (category, how many
 * packages name it, denied), sorted by packages (most first) then id; and, with deny (a
 * NULL-terminated list from strata_license_parse_deny, or NULL), counts in
 * r->n_denied_license_packages the packages that are denied: a package's entries all apply
 * (a Debian package's files carry each of them), so it is denied when any entry is. Running
 * it again gives the same result. Returns 0 or STRATA_ENOMEM. */
int strata_licenses_apply(struct strata_report *r, const char *const *deny,
                          struct strata_error *err);

#endif
