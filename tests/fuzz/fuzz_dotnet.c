/* libFuzzer target: the .NET parsers. The first input byte picks the parser (*.deps.json,
 * packages.lock.json); the rest is the file. Every error must name the file; every package
 * must have a name and a version. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/dotnet_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int lock = data[0] & 1;
    const char *path = lock ? "a/packages.lock.json" : "a/app.deps.json";
    struct dotnet_pkg_list l;
    struct strata_error err = {0};
    int rc = lock ? dotnet_parse_lock(data + 1, size - 1, path, &l, &err)
                  : dotnet_parse_deps(data + 1, size - 1, path, &l, &err);
    if (rc != 0) {
        if (rc != STRATA_ENOMEM && strncmp(err.msg, path, strlen(path)) != 0)
            abort();
        return 0;
    }
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i].name[0] == '\0' || l.v[i].version[0] == '\0')
            abort();
    dotnet_pkg_list_free(&l);
    return 0;
}
