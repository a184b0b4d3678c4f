/* The npm analyzer's inventory, before it becomes report entries: exposed so that tests (and,
 * once the report model has the fields, the analyzer itself) can see direct and dev. */
#ifndef STRATA_INVENTORY_NPM_H
#define STRATA_INVENTORY_NPM_H

#include <stddef.h>

#include "strata/error.h"
#include "strata/report.h"
#include "strata/view.h"

struct npm_found {
    char *name;
    char *version;
    char *license;  /* NULL when unknown */
    int direct;     /* 1 direct, 0 indirect, -1 unknown */
    int dev;        /* 1 dev-only */
    char *path;     /* "/app/node_modules/jws/package.json" or the lockfile "/app/yarn.lock" */
    char *lockfile; /* the lockfile that decided direct/dev, NULL when none */
    int layer;      /* layer that wrote path, -1 for filesystems */
};

struct npm_found_list {
    struct npm_found *v;
    size_t n, cap;
};

void npm_found_list_free(struct npm_found_list *l);

/* What finish reports: images list installed packages (every node_modules/.../package.json);
 * filesystems list lockfile packages, and installed ones of projects without a lockfile. */
int npm_inventory(void *const *states, size_t n_states, const struct strata_view *view,
                  const struct strata_report *report, struct npm_found_list *out,
                  struct strata_error *err);

#endif
