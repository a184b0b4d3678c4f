/* os-release(5) parser and the release-file fallbacks (debian_version, alpine-release,
 * redhat-release and its relatives). Internal to the os analyzer; exposed for tests and fuzz. */
#ifndef STRATA_INVENTORY_OS_RELEASE_H
#define STRATA_INVENTORY_OS_RELEASE_H

#include <stddef.h>

#include "strata/error.h"

#define OS_RELEASE_MAX_LINE 4096

struct os_release {
    char *id;               /* ID, lowercased */
    char *version_id;       /* VERSION_ID */
    char *version;          /* VERSION */
    char *version_codename; /* VERSION_CODENAME */
    char *ubuntu_codename;  /* UBUNTU_CODENAME (older Ubuntu lacks VERSION_CODENAME) */
    char *pretty_name;      /* PRETTY_NAME */
    char *name;             /* NAME */
};

/* Parses KEY=value lines with shell quoting ('…', "…" with \ escapes, unquoted with \
 * escapes), '#' comments and blank lines. Lines that are not assignments are ignored, as
 * os-release(5) readers do. Errors: NUL byte, line longer than OS_RELEASE_MAX_LINE,
 * unterminated quote (STRATA_EFORMAT/ELIMIT, message "path: line N: …"), STRATA_ENOMEM.
 * A key given twice keeps the last value, as a shell would. */
int os_release_parse(const char *data, size_t len, const char *path, struct os_release *out,
                     struct strata_error *err);
void os_release_clear(struct os_release *r);

/* "Red Hat Enterprise Linux release 8.9 (Ootpa)" -> family "rhel", version "8.9", codename
 * "Ootpa", pretty the trimmed first line. Returns 0 with fields set (any may stay NULL when
 * the line does not say), STRATA_ENOMEM. */
struct release_line {
    char *family, *version, *codename, *pretty;
};
int release_line_parse(const char *data, size_t len, struct release_line *out);
void release_line_clear(struct release_line *r);

/* First line of a one-line file (debian_version, alpine-release), trimmed; NULL when empty,
 * not printable, or on ENOMEM (*oom set). */
char *first_line(const char *data, size_t len, int *oom);

#endif
