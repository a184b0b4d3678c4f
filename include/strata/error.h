/* Errors are values: every fallible function returns 0 or a negative STRATA_E* code and
 * fills a struct strata_error whose message names the input and the position. */
#ifndef STRATA_ERROR_H
#define STRATA_ERROR_H

#include <stddef.h>

enum strata_status {
    STRATA_OK = 0,
    STRATA_EUSAGE = -1,    /* caller asked for something impossible (bad flag value, …) */
    STRATA_EIO = -2,       /* the OS refused: open/read/stat failed */
    STRATA_ENOMEM = -3,    /* allocation failed */
    STRATA_EFORMAT = -4,   /* input is malformed, hostile or truncated */
    STRATA_ELIMIT = -5,    /* input exceeds a safety bound (size, depth, ratio) */
    STRATA_EDIGEST = -6,   /* content does not match its announced digest */
    STRATA_ENOTFOUND = -7, /* a referenced thing is absent */
    STRATA_EINTERNAL = -8, /* a bug in strata */
};

#define STRATA_ERROR_MAX 1024

struct strata_error {
    int code;
    char msg[STRATA_ERROR_MAX];
};

/* Sets the error (printf-style) and returns code, so callers can `return strata_error_set(…)`. */
int strata_error_set(struct strata_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends context ("image.tar: layer 3: ") to an already-set message; keeps the code. */
int strata_error_prefix(struct strata_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Convenience for the common out-of-memory case. */
int strata_error_nomem(struct strata_error *err);

/* Process exit code for an error code: 2 for input/usage problems, 3 for internal ones. */
int strata_error_exit_code(int code);

#endif
