/* libFuzzer target: every version comparator (all ten types) on arbitrary bytes. The first byte
 * picks the type; the rest is split at the first NUL into two versions. Comparisons must never
 * crash, and must be antisymmetric when both versions are valid. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strata/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 8192)
        return 0;
    enum strata_version_type t = (enum strata_version_type)(data[0] % 10);
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    const char *a = buf;
    size_t la = strlen(a);
    const char *b = la + 1 < size - 1 ? buf + la + 1 : "";
    int ab, ba;
    struct strata_error err = {0};
    int ra = strata_version_compare(t, a, b, &ab, &err);
    int rb = strata_version_compare(t, b, a, &ba, NULL);
    if (ra == 0 && rb == 0 && ((ab > 0) - (ab < 0)) != -((ba > 0) - (ba < 0)))
        abort(); /* not antisymmetric */
    if ((ra == 0) != (rb == 0))
        abort(); /* validity must not depend on argument order */
    strata_version_validate(t, a, NULL);
    free(buf);
    return 0;
}
