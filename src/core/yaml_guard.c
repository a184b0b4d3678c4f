#include "core/yaml_guard.h"

#include <string.h>

#include "core/lines.h"

static int refuse(const char *path, const char *data, size_t len, size_t at, const char *what,
                  struct strata_error *err)
{
    size_t line, col;
    text_position(data, len, at, &line, &col);
    return strata_error_set(err, STRATA_EFORMAT, "%s:%zu:%zu: %s", path, line, col, what);
}

int yaml_guard(const char *path, const char *data, size_t len, struct strata_error *err)
{
    const char *nul = memchr(data, '\0', len);
    if (nul != NULL)
        return refuse(path, data, len, (size_t)(nul - data), "NUL byte in YAML input", err);
    for (size_t i = 0; i < len; i++) {
        unsigned char p = i ? (unsigned char)data[i - 1] : 0;
        /* any line break (\n, \r, NEL, LS, PS) or a BOM may precede a directive: be broad */
        if (data[i] == '%' && (i == 0 || p < 0x20 || p >= 0x80))
            return refuse(path, data, len, i, "YAML directives are not supported", err);
    }
    return 0;
}
