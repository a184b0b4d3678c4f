/* libFuzzer target: the TOML reader. Every error must name the file and a line:col; every
 * accepted document must be walkable (keys and strings are NUL-free C strings). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const struct toml_node *n, unsigned depth)
{
    if (depth > TOML_MAX_DEPTH * 3)
        __builtin_trap();
    size_t count = 1;
    if ((n->type == TOML_STRING || n->type == TOML_DATETIME) &&
        (n->str == NULL || strlen(n->str) != n->str_len))
        __builtin_trap();
    for (size_t i = 0; i < n->n; i++) {
        if (n->type == TOML_TABLE && toml_get(n, n->items[i]->key) == NULL)
            __builtin_trap();
        count += walk(n->items[i], depth + 1);
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct toml_doc *d = NULL;
    struct strata_error err = {0};
    int rc = toml_parse(data, size, "f.toml", &d, &err);
    if (rc == 0) {
        if (walk(toml_root(d), 0) > TOML_MAX_NODES)
            __builtin_trap();
        toml_free(d);
    } else if (rc != STRATA_ENOMEM && strncmp(err.msg, "f.toml:", 7) != 0) {
        __builtin_trap();
    }
    return 0;
}
