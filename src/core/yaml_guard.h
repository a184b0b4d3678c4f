/* What every YAML input is checked for before libfyaml sees it. libfyaml 0.7.12 can loop
 * forever on a malformed directive ("%ut …", "%\x12F…"), and a NUL byte ends its input
 * early; none of the YAML strata reads (manifests, compose files, lockfiles, rule and ignore
 * files) has a directive, so both are refused with their position. */
#ifndef STRATA_CORE_YAML_GUARD_H
#define STRATA_CORE_YAML_GUARD_H

#include <stddef.h>

#include "strata/error.h"

/* 0, or STRATA_EFORMAT "PATH:LINE:COL: NUL byte in YAML input" / "…: YAML directives are not
 * supported" (a '%' at the start of the input or after any line break or BOM byte). */
int yaml_guard(const char *path, const char *data, size_t len, struct strata_error *err);

#endif
