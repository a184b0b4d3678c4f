/* Parser for dpkg control files (var/lib/dpkg/status, var/lib/dpkg/status.d/<pkg>): RFC822-like
 * stanzas separated by blank lines, "Field: value" lines, continuation lines starting with a
 * space or tab. Input is untrusted: every line, field count and stanza count is bounded. */
#ifndef STRATA_INVENTORY_DPKG_STATUS_H
#define STRATA_INVENTORY_DPKG_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define DPKG_MAX_LINE (64 * 1024)           /* bytes per physical line, without the newline */
#define DPKG_MAX_FIELDS 128                 /* fields per stanza (a real one has ~20) */
#define DPKG_MAX_STANZA_BYTES (1024 * 1024) /* names + values of one stanza */
#define DPKG_MAX_STANZAS 200000             /* the whole Debian archive has ~70k per arch */

struct dpkg_field {
    const char *name;  /* as written (compare case-insensitively) */
    const char *value; /* trimmed; continuation lines joined with '\n' */
    size_t line;       /* line of the "Name:" line, 1-based */
};

struct dpkg_stanza {
    size_t line; /* first line of the stanza, 1-based */
    size_t n_fields;
    struct dpkg_field fields[DPKG_MAX_FIELDS];
};

/* Value of a field (case-insensitive name) or NULL. */
const char *dpkg_stanza_get(const struct dpkg_stanza *s, const char *name);
/* The dpkg_field, for its line number, or NULL. */
const struct dpkg_field *dpkg_stanza_field(const struct dpkg_stanza *s, const char *name);

/* Called once per stanza; the stanza and its strings live until fn returns. A non-zero return
 * stops the parse and is returned (fn fills err). */
typedef int (*dpkg_stanza_fn)(const struct dpkg_stanza *s, void *arg, struct strata_error *err);

/* Splits data into stanzas. path names the input in error messages ("var/lib/dpkg/status: line
 * 12: …"). Tolerates CRLF, a missing final newline, '#' comment lines and extra blank lines.
 * Returns 0, STRATA_EFORMAT (NUL byte, line without a colon, continuation outside a field,
 * duplicate field), STRATA_ELIMIT (a bound above) or STRATA_ENOMEM. */
int dpkg_control_parse(const uint8_t *data, size_t len, const char *path, dpkg_stanza_fn fn,
                       void *arg, struct strata_error *err);

/* One installed package as the package database states it. */
struct dpkg_pkg {
    char *name;
    char *version;
    char *arch;           /* NULL when the stanza has no Architecture */
    char *source_name;    /* Source name, else the package name */
    char *source_version; /* "Source: x (v)" gives v, else the binary version */
    size_t line;          /* first line of the stanza */
};

struct dpkg_pkg_list {
    struct dpkg_pkg *v;
    size_t n, cap;
};

/* Parses a status file (status_optional = 0: only stanzas whose Status says "installed" count,
 * stanzas without Status are not installed) or a distroless status.d file (status_optional =
 * 1: a stanza without Status is installed). Appends installed packages to out; on error out
 * keeps what was appended so far (free it with dpkg_pkg_list_free either way). A stanza
 * without Package, an installed package without Version, a malformed Status/Source or a name,
 * version or architecture with characters dpkg does not allow is STRATA_EFORMAT. */
int dpkg_parse_packages(const uint8_t *data, size_t len, const char *path, int status_optional,
                        struct dpkg_pkg_list *out, struct strata_error *err);

void dpkg_pkg_list_free(struct dpkg_pkg_list *l);

#endif
