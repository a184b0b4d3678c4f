/* go.sum files: which module versions a build downloaded. Used only for modules whose go.mod
 * declares a Go version below 1.17, whose go.mod does not list every module the build needs
 * (module graph pruning came with 1.17). Pure parser; see docs/inventory-gomod.md. */
#ifndef STRATA_INVENTORY_GOSUM_H
#define STRATA_INVENTORY_GOSUM_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define GOSUM_MAX_FILE (32u << 20) /* bytes of a go.sum */

struct gosum_module {
    char *path;
    char *version; /* the highest version whose content (not only its go.mod) is listed */
};

struct gosum {
    struct gosum_module *v;
    size_t n;
};

/* Parses "PATH VERSION[/go.mod] h1:HASH" lines. Modules listed only by their go.mod hash are
 * left out (the build read their go.mod, not their code). Returns 0 and fills *out (sorted
 * by path; free with gosum_free, also after an error); STRATA_EFORMAT ("PATH:LINE: what"),
 * STRATA_ELIMIT, STRATA_ENOMEM. */
int gosum_parse(const uint8_t *data, size_t len, const char *path, struct gosum *out,
                struct strata_error *err);
void gosum_free(struct gosum *s);

/* Does a go.mod "go" directive (NULL when absent) predate module graph pruning (1.17)? */
int gosum_needed(const char *go_directive);

#endif
