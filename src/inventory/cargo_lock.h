/* Cargo.lock parser: a pure function over bytes (see docs/inventory-rust-lock.md). */
#ifndef STRATA_INVENTORY_CARGO_LOCK_H
#define STRATA_INVENTORY_CARGO_LOCK_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define CARGO_MAX_FILE (64u * 1024 * 1024)
#define CARGO_MAX_PKGS 200000
#define CARGO_MAX_NAME 64 /* crates.io's own limit */
#define CARGO_MAX_VERSION 256

struct cargo_pkg {
    char *name;
    char *version;
    char *source; /* "registry+https://…", "git+https://…#rev", NULL for local packages */
    int direct;   /* 1 a local (workspace / path) package depends on it, 0 not, -1 unknown */
    unsigned line;
};

struct cargo_pkg_list {
    struct cargo_pkg *v;
    size_t n, cap;
    long version; /* the lock file's "version" (1 when absent: the oldest format) */
};

void cargo_pkg_list_free(struct cargo_pkg_list *l);

/* Every [[package]] with a source (registry or git); local packages (no source: workspace
 * members and path dependencies, i.e. the project's own code) are left out. Errors name
 * path:LINE:COL. */
int cargo_lock_parse(const uint8_t *data, size_t len, const char *path, struct cargo_pkg_list *out,
                     struct strata_error *err);

/* Is s[0..n) a plausible crate name: ASCII letters, digits, '-' and '_', within
 * CARGO_MAX_NAME? */
int cargo_valid_name(const char *s, size_t n);

#endif
