/* Shared by the files of src/licenses/: name resolution (license_name.c) and the expression
 * tree (license_expr.c). */
#ifndef STRATA_LICENSES_LICENSE_INTERNAL_H
#define STRATA_LICENSES_LICENSE_INTERNAL_H

#include <stddef.h>

#include "strata/license.h"

/* Longest LicenseRef-/AdditionRef- suffix made from a name. */
#define LIC_REF_MAX 64

/* A one-license node owning id and exception (exception may be NULL); on ENOMEM frees both
 * and returns NULL. */
struct strata_license_expr *lic_leaf(char *id, char *exception);

/* Joins a and b under an AND or OR node, flattening and dropping duplicate terms; takes
 * both. NULL on ENOMEM (both freed). */
struct strata_license_expr *lic_combine(enum strata_license_kind kind,
                                        struct strata_license_expr *a,
                                        struct strata_license_expr *b);

/* Parses a canonical expression from the data tables (ids spelled as on the SPDX list). */
int lic_parse_canonical(const char *s, struct strata_license_expr **out);

/* The key of a name: lower-case words with noise dropped, versions without ".0", and phrases
 * rewritten ("GNU General Public License v2 or later" -> "gpl 2 +"). Returns its length, or
 * -1 when the name has too many words for a key (such a name is never an alias). */
int lic_key(const char *s, size_t n, char *out, size_t cap);

/* Resolves a license name (no operators): an SPDX id in any case, a deprecated id, an alias,
 * a license URL, else the fallbacks (a parenthesised abbreviation, '/', ',' or space separated
 * known names) and finally LicenseRef-<name>. Returns 0 or STRATA_ENOMEM. */
int lic_resolve_name(const char *s, size_t n, struct strata_license_expr **out);

/* Resolves an exception name after WITH for the license id (some exceptions have one version
 * per GPL version); an unknown one becomes AdditionRef-<name>. NULL on ENOMEM. */
char *lic_resolve_exception(const char *s, size_t n, const char *license_id);

/* prefix + the name with every run of characters other than [A-Za-z0-9.-] made one '-',
 * trimmed, cut to LIC_REF_MAX bytes; "unknown" when nothing is left. NULL on ENOMEM. */
char *lic_ref(const char *prefix, const char *s, size_t n);

#endif
