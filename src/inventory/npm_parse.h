/* npm metadata parsers: pure functions over bytes, no file system access.
 *
 *   package.json of an installed package or of a project (name, version, license, private,
 *   and the names of its dependencies by kind);
 *   package-lock.json / npm-shrinkwrap.json, lockfileVersion 1, 2 and 3;
 *   yarn.lock, classic (v1, its own format) and berry (YAML, with __metadata);
 *   pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.x.
 *
 * Every error names the file and a position: "path:LINE:COL: …" for YAML and yarn classic,
 * "path:LINE:COL: …" for JSON syntax errors and "path: packages["node_modules/x"]: …" for
 * JSON values of the wrong shape (jansson keeps no positions for values). */
#ifndef STRATA_INVENTORY_NPM_PARSE_H
#define STRATA_INVENTORY_NPM_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define NPM_MAX_FILE (64u * 1024 * 1024) /* any input larger is STRATA_ELIMIT */
#define NPM_MAX_PKGS 200000              /* packages per lockfile */
#define NPM_MAX_DEPS 20000               /* dependency names per manifest */
#define NPM_MAX_NAME 214                 /* npm's own limit on package names */
#define NPM_MAX_VERSION 256
#define NPM_MAX_LICENSE 1024
#define NPM_MAX_DEPTH 64 /* nesting of lockfile v1 dependency trees and of YAML flows */

enum npm_dep_kind {
    NPM_DEP_PROD = 1,
    NPM_DEP_DEV = 2,
    NPM_DEP_OPTIONAL = 4,
    NPM_DEP_PEER = 8,
};

struct npm_dep {
    char *name;
    char *spec; /* the range as written ("^4.17.15"), "" when not a string */
    int kind;   /* enum npm_dep_kind bits */
};

/* A package.json. */
struct npm_manifest {
    char *name;    /* NULL when absent */
    char *version; /* NULL when absent */
    char *license; /* SPDX expression, or legacy {type} / [{type}…] joined with " OR " */
    int private_;  /* "private": true */
    struct npm_dep *deps;
    size_t n_deps;
};

struct npm_pkg {
    char *name;
    char *version;
    char *license; /* NULL when the file does not say */
    int direct;    /* 1 direct, 0 indirect, -1 unknown */
    int dev;       /* 1 only needed for development, 0 otherwise (or unknown) */
    int optional;  /* 1 optional */
    char *where;   /* "node_modules/a/node_modules/b" (package-lock), the entry key (yarn/pnpm) */
    unsigned line; /* 1-based line of the entry in YAML / yarn files, 0 for JSON */
};

struct npm_pkg_list {
    struct npm_pkg *v;
    size_t n, cap;
    int lockfile_version; /* as declared (5, 6, 9 for pnpm; 1, 2, 3 for npm; 1 or berry's) */
    int root_independent; /* package-lock v2/v3 read from "packages": the root manifest given
                           * to the parser changed nothing (a parse without one can be used) */
};

void npm_manifest_free(struct npm_manifest *m);
void npm_pkg_list_free(struct npm_pkg_list *l);

/* Looks a dependency name up in a manifest: its kind bits, 0 when not listed. */
int npm_manifest_dep_kind(const struct npm_manifest *m, const char *name);

/* package.json. Missing name/version are not errors (a project may have neither); a name or
 * version that is present must be a string within bounds. */
int npm_parse_package_json(const uint8_t *data, size_t len, const char *path,
                           struct npm_manifest *out, struct strata_error *err);

/* package-lock.json / npm-shrinkwrap.json. root (may be NULL) is the project's package.json,
 * used for the direct flag of v1 lockfiles, which do not record the root's dependencies. */
int npm_parse_package_lock(const uint8_t *data, size_t len, const char *path,
                           const struct npm_manifest *root, struct npm_pkg_list *out,
                           struct strata_error *err);

/* yarn.lock, classic or berry (detected by the __metadata key). root (may be NULL) gives direct
 * and dev: an entry is direct when one of its specifiers is "name@range" of a root dependency. */
int npm_parse_yarn_lock(const uint8_t *data, size_t len, const char *path,
                        const struct npm_manifest *root, struct npm_pkg_list *out,
                        struct strata_error *err);

/* pnpm-lock.yaml. Direct and dev come from the importers (or the top-level dependency maps of
 * single-project v5 files). */
int npm_parse_pnpm_lock(const uint8_t *data, size_t len, const char *path, struct npm_pkg_list *out,
                        struct strata_error *err);

/* Which parser a base name calls for: 1 package-lock, 2 yarn, 3 pnpm, 0 none. */
int npm_lockfile_kind(const char *basename);

/* Dispatches on the base name of path. */
int npm_parse_lockfile(const uint8_t *data, size_t len, const char *path,
                       const struct npm_manifest *root, struct npm_pkg_list *out,
                       struct strata_error *err);

/* Is name a valid npm package name as found on disk ("x", "@scope/x"), bounded? */
int npm_valid_name(const char *name, size_t len);

#endif
