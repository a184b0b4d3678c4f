/* libFuzzer target: the npm parsers. The first input byte picks the parser (package.json,
 * package-lock.json, yarn.lock, pnpm-lock.yaml); the rest is the file. Every error must name
 * the file; every package must have a valid name and a version. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/npm_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {"a/package.json", "a/package-lock.json", "a/yarn.lock",
                                    "a/pnpm-lock.yaml"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned which = data[0] & 3;
    const char *path = paths[which];
    data++;
    size--;
    struct strata_error err = {0};
    int rc;
    if (which == 0) {
        struct npm_manifest m;
        rc = npm_parse_package_json(data, size, path, &m, &err);
        if (rc == 0)
            npm_manifest_free(&m);
    } else {
        static const char root_pj[] = "{\"dependencies\":{\"a\":\"^1\"},\"devDependencies\":"
                                      "{\"@s/b\":\"2\"}}";
        struct npm_manifest root;
        struct strata_error rerr = {0};
        if (npm_parse_package_json((const uint8_t *)root_pj, strlen(root_pj), "p", &root, &rerr) !=
            0)
            __builtin_trap();
        struct npm_pkg_list l;
        rc = npm_parse_lockfile(data, size, path, (size > 0 && (data[0] & 1)) ? &root : NULL, &l,
                                &err);
        if (rc == 0) {
            for (size_t i = 0; i < l.n; i++)
                if (!npm_valid_name(l.v[i].name, strlen(l.v[i].name)) || l.v[i].version == NULL ||
                    l.v[i].version[0] == '\0' || l.v[i].where == NULL)
                    __builtin_trap();
            npm_pkg_list_free(&l);
        }
        npm_manifest_free(&root);
    }
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, path, strlen(path)) != 0)
        __builtin_trap();
    return 0;
}
