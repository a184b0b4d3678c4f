#include "strata/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int strata_error_set(struct strata_error *err, int code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}

int strata_error_prefix(struct strata_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return STRATA_EINTERNAL;
    char prefix[STRATA_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n < 0)
        return err->code;
    char old[STRATA_ERROR_MAX];
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s%s", prefix, old);
    return err->code;
}

int strata_error_nomem(struct strata_error *err)
{
    return strata_error_set(err, STRATA_ENOMEM, "out of memory");
}

int strata_error_exit_code(int code)
{
    switch (code) {
    case STRATA_OK:
        return 0;
    case STRATA_ENOMEM:
    case STRATA_EINTERNAL:
        return 3;
    default:
        return 2;
    }
}
