/* go.mod files of Go source trees (`strata fs`): the module's requirements with their
 * "// indirect" markers and replacements. Pure parser; see docs/inventory-gomod.md. */
#ifndef STRATA_INVENTORY_GOMOD_H
#define STRATA_INVENTORY_GOMOD_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define GOMOD_MAX_FILE (8u << 20) /* bytes of a go.mod */
#define GOMOD_MAX_LINE 65536
#define GOMOD_MAX_TOKEN 4096 /* bytes of a module path or version */
#define GOMOD_MAX_ENTRIES 100000

struct gomod_require {
    char *path, *version;
    int indirect;
    size_t line;
};

struct gomod_replace {
    char *old_path, *old_version; /* old_version NULL: every version */
    char *new_path, *new_version; /* new_version NULL: a directory replacement */
    size_t line;
};

struct gomod {
    char *module;    /* NULL when absent */
    char *go;        /* "1.21", NULL when absent */
    char *toolchain; /* "go1.21.1", NULL when absent */
    struct gomod_require *req;
    size_t n_req;
    struct gomod_replace *repl;
    size_t n_repl;
};

/* Returns 0 and fills *out (free with gomod_free, also after an error); STRATA_EFORMAT
 * ("PATH:LINE:COL: what"), STRATA_ELIMIT, STRATA_ENOMEM. */
int gomod_parse(const uint8_t *data, size_t len, const char *path, struct gomod *out,
                struct strata_error *err);
void gomod_free(struct gomod *m);

/* The module and version a requirement resolves to after m's replace directives, or 0 with
 * *path NULL when it is replaced by a directory. */
void gomod_resolve(const struct gomod *m, const struct gomod_require *r, const char **path,
                   const char **version);

#endif
