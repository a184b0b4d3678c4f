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
    /* Truncation is acceptable: the tail of a very long message is the least useful part. */
    size_t plen = strlen(prefix);
    size_t olen = strnlen(err->msg, sizeof err->msg - 1);
    if (plen > sizeof err->msg - 1)
        plen = sizeof err->msg - 1;
    if (plen + olen > sizeof err->msg - 1)
        olen = sizeof err->msg - 1 - plen;
    memmove(err->msg + plen, err->msg, olen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + olen] = '\0';
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
