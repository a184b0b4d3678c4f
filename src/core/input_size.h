/* The one bound every parser puts on a whole input file before reading it. */
#ifndef STRATA_CORE_INPUT_SIZE_H
#define STRATA_CORE_INPUT_SIZE_H

#include <stddef.h>

#include "strata/error.h"

/* 0 when len <= max; otherwise STRATA_ELIMIT with "PATH: LEN bytes, more than the MAX allowed". */
int input_size_check(const char *path, size_t len, size_t max, struct strata_error *err);

#endif
