/* Loading one whole JSON document (a lockfile, a manifest) with jansson, with the errors every
 * parser gives: the size bound, the position of a syntax error, a top level of the wrong type. */
#ifndef STRATA_CORE_JSON_LOAD_H
#define STRATA_CORE_JSON_LOAD_H

#include <jansson.h>
#include <stddef.h>

#include "strata/error.h"

/* flags: the top level must be an object, else "PATH:1:1: the top level is not an object". */
#define JSON_LOAD_OBJECT 1u

/* Parses data[0..len) into a new reference *out (the caller json_decref()s it). Duplicate
 * object keys are rejected (a lockfile naming a package twice is ambiguous). Errors:
 * STRATA_ELIMIT when len > max ("PATH: LEN bytes, more than the MAX allowed"), STRATA_EFORMAT
 * "PATH:LINE:COL: invalid JSON: WHAT" (line and column at least 1), STRATA_ENOMEM when jansson
 * runs out of memory. */
int json_load_document(const void *data, size_t len, const char *path, size_t max, unsigned flags,
                       json_t **out, struct strata_error *err);

#endif
