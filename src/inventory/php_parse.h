/* Composer files: vendor/composer/installed.json (Composer 1: an array of packages;
 * Composer 2: {"packages": [...], "dev": bool, "dev-package-names": [...]}), composer.lock
 * ("packages", "packages-dev") and composer.json (the names under "require" and
 * "require-dev"). Parsed with jansson (duplicate keys refused); errors name the file and a
 * line:col for syntax, the JSON path for a wrong type. See docs/inventory-php.md. */
#ifndef STRATA_INVENTORY_PHP_PARSE_H
#define STRATA_INVENTORY_PHP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define PHP_MAX_FILE (64u << 20) /* bytes of one installed.json / composer.lock */
#define PHP_MAX_PACKAGES 100000  /* packages in one file */
#define PHP_MAX_FIELD 512        /* bytes of a name, version or license */
#define PHP_MAX_LICENSES 16      /* licenses of one package */

struct php_pkg {
    char *name;    /* "vendor/name", as written */
    char *version; /* as written ("v5.4.3") */
    char *license; /* the license array joined with " OR ", NULL when none */
    int dev;       /* listed as a dev package */
};

struct php_pkg_list {
    struct php_pkg *v;
    size_t n, cap;
};

void php_pkg_list_free(struct php_pkg_list *l);

/* A Composer package name: vendor/name, both non-empty, [a-z0-9_.-] (Composer's own rule
 * lower-cases; upper case is accepted as written for old packages). */
int php_valid_name(const char *s);

int php_parse_installed(const uint8_t *data, size_t len, const char *path, struct php_pkg_list *out,
                        struct strata_error *err);
int php_parse_lock(const uint8_t *data, size_t len, const char *path, struct php_pkg_list *out,
                   struct strata_error *err);
/* The names under "require" and "require-dev" of a composer.json, as packages with a NULL
 * version (dev = from require-dev only). */
int php_parse_manifest(const uint8_t *data, size_t len, const char *path, struct php_pkg_list *out,
                       struct strata_error *err);

#endif
