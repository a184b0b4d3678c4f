/* .NET files: *.deps.json (the "libraries" of type "package": NuGet packages the app was
 * built against and loads) and NuGet's packages.lock.json (version 1 and 2: "dependencies"
 * per target framework). See docs/inventory-dotnet.md. */
#ifndef STRATA_INVENTORY_DOTNET_PARSE_H
#define STRATA_INVENTORY_DOTNET_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define DOTNET_MAX_FILE (64u << 20) /* bytes of one file */
#define DOTNET_MAX_PACKAGES 100000  /* packages in one file */
#define DOTNET_MAX_FIELD 512        /* bytes of a name or version */

struct dotnet_pkg {
    char *name, *version;
    int direct; /* 1, 0, -1 unknown */
};

struct dotnet_pkg_list {
    struct dotnet_pkg *v;
    size_t n, cap;
};

void dotnet_pkg_list_free(struct dotnet_pkg_list *l);
int dotnet_parse_deps(const uint8_t *data, size_t len, const char *path,
                      struct dotnet_pkg_list *out, struct strata_error *err);
/* One entry per name and version over all target frameworks; direct when any says so. */
int dotnet_parse_lock(const uint8_t *data, size_t len, const char *path,
                      struct dotnet_pkg_list *out, struct strata_error *err);

#endif
