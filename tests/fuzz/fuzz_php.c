/* libFuzzer target: the Composer parsers. The first input byte picks the parser
 * (installed.json, composer.lock, composer.json); the rest is the file. Every error must name
 * the file; every package must have a vendor/name and a version. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/php_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {"a/vendor/composer/installed.json", "a/composer.lock",
                                    "a/composer.json"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned which = data[0] % 3;
    const char *path = paths[which];
    struct php_pkg_list l;
    struct strata_error err = {0};
    int rc = which == 0   ? php_parse_installed(data + 1, size - 1, path, &l, &err)
             : which == 1 ? php_parse_lock(data + 1, size - 1, path, &l, &err)
                          : php_parse_manifest(data + 1, size - 1, path, &l, &err);
    if (rc != 0) {
        if (rc != STRATA_ENOMEM && strncmp(err.msg, path, strlen(path)) != 0)
            abort(); /* an error must name the file */
        return 0;
    }
    for (size_t i = 0; i < l.n; i++)
        if (!php_valid_name(l.v[i].name) ||
            (which < 2 && (l.v[i].version == NULL || l.v[i].version[0] == '\0')))
            abort();
    php_pkg_list_free(&l);
    return 0;
}
