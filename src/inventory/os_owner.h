/* Which OS package owns the file a language package was found in. Distributions ship
 * language libraries (Debian's libcommons-lang3-java, python3-requests, node-lodash) and
 * patch them without changing the upstream version, so a match against the language
 * advisories would double-report what the OS feed already judges. */
#ifndef STRATA_INVENTORY_OS_OWNER_H
#define STRATA_INVENTORY_OS_OWNER_H

#include "strata/error.h"
#include "strata/report.h"
#include "strata/view.h"

/* Sets os_package on every language package whose db_path (the outer archive for a nested
 * "a.war!/b.jar" path) is a file an OS package (deb, apk, rpm) lists, directly or through
 * symlinks in the final view. Returns 0 or STRATA_ENOMEM. */
int inventory_mark_os_owned(struct strata_report *r, const struct strata_view *view,
                            struct strata_error *err);

#endif
