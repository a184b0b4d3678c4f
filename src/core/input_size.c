#include "core/input_size.h"

int input_size_check(const char *path, size_t len, size_t max, struct strata_error *err)
{
    if (len > max)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %zu bytes, more than the %zu allowed",
                                path, len, max);
    return 0;
}
