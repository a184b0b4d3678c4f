/* Which OS package owns a file. Distributions ship language libraries (Debian's
 * libcommons-lang3-java, python3-requests, node-lodash) and patch them without changing the
 * upstream version, so a match against the language advisories would double-report what the
 * OS feed already judges; the image checks name the package a setuid file came from. */
#ifndef STRATA_INVENTORY_OS_OWNER_H
#define STRATA_INVENTORY_OS_OWNER_H

#include <stddef.h>

#include "strata/error.h"
#include "strata/report.h"
#include "strata/view.h"

/* owners[i] = the name (the report's string) of the first OS package (deb, apk, rpm) whose
 * file list names paths[i] (a view path, leading '/' ignored), as listed or through symlinks
 * in the final view (merged /usr, a listed versioned symlink to the file); NULL when none
 * does. Returns 0 or STRATA_ENOMEM. */
int inventory_os_owners(const struct strata_report *r, const struct strata_view *view,
                        const char *const *paths, size_t n, const char **owners);

/* Sets os_package on every language package whose db_path (the outer archive for a nested
 * "a.war!/b.jar" path) an OS package owns (inventory_os_owners). Returns 0 or
 * STRATA_ENOMEM. */
int inventory_mark_os_owned(struct strata_report *r, const struct strata_view *view,
                            struct strata_error *err);

#endif
