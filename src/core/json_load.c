#include "core/json_load.h"

#include <string.h>

#include "core/input_size.h"

int json_load_document(const void *data, size_t len, const char *path, size_t max, unsigned flags,
                       json_t **out, struct strata_error *err)
{
    int rc = input_size_check(path, len, max, err);
    if (rc != 0)
        return rc;
    json_error_t je;
    json_t *j = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        /* by its error code: input whose error text quotes "out of memory" is still input */
        if (json_error_code(&je) == json_error_out_of_memory)
            return strata_error_nomem(err);
        return strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: invalid JSON: %s", path,
                                je.line > 0 ? je.line : 1, je.column > 0 ? je.column : 1, je.text);
    }
    if ((flags & JSON_LOAD_OBJECT) && !json_is_object(j)) {
        json_decref(j);
        return strata_error_set(err, STRATA_EFORMAT, "%s:1:1: the top level is not an object",
                                path);
    }
    *out = j;
    return 0;
}
