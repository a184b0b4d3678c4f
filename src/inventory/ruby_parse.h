/* RubyGems installed specifications (specifications/NAME-VERSION[-PLATFORM].gemspec, Ruby code
 * written by Gem::Specification#to_ruby) and Bundler lockfiles (Gemfile.lock, gems.locked).
 * Nothing is evaluated: the gemspec is read by a line scanner that understands only the
 * literal assignments RubyGems writes. Pure: no I/O. */
#ifndef STRATA_INVENTORY_RUBY_PARSE_H
#define STRATA_INVENTORY_RUBY_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define RUBY_MAX_FILE (16u << 20) /* bytes of a gemspec or lockfile */
#define RUBY_MAX_FIELD 256        /* bytes of a name, version, platform or one license */
#define RUBY_MAX_LICENSES 64      /* entries of s.licenses */
#define RUBY_MAX_LOCK_SPECS 100000
#define RUBY_MAX_LOCK_LINE 65536

struct gemspec {
    char *name;
    char *version;
    char *platform; /* NULL for "ruby" (pure Ruby) or when absent */
    char *license;  /* s.licenses joined with " OR ", NULL when none */
};

/* Returns 0 and fills *out (free with gemspec_free, also after an error); STRATA_EFORMAT when
 * name or version cannot be read or a literal is malformed ("PATH:LINE:COL: what"),
 * STRATA_ELIMIT for a bound, STRATA_ENOMEM. */
int ruby_parse_gemspec(const uint8_t *data, size_t len, const char *path, struct gemspec *out,
                       struct strata_error *err);
void gemspec_free(struct gemspec *g);

enum gem_lock_source { GEM_LOCK_GEM, GEM_LOCK_GIT, GEM_LOCK_PATH };

struct gem_lock_spec {
    char *name;
    char *version;  /* without the platform */
    char *platform; /* "x86_64-linux", or NULL */
    enum gem_lock_source source;
    int direct; /* named in DEPENDENCIES */
    size_t line;
};

struct gem_lock {
    struct gem_lock_spec *v;
    size_t n;
    char *bundled_with; /* NULL when absent */
};

/* Parses a Gemfile.lock. Returns 0 and fills *out (free with gem_lock_free, also after an
 * error); STRATA_EFORMAT ("PATH:LINE:COL: what"), STRATA_ELIMIT, STRATA_ENOMEM. Specs are
 * kept in file order; every spec of GEM, GIT and PATH sections is listed. */
int ruby_parse_gemfile_lock(const uint8_t *data, size_t len, const char *path, struct gem_lock *out,
                            struct strata_error *err);
void gem_lock_free(struct gem_lock *l);

/* Is s (n bytes) a gem name RubyGems accepts: letters, digits, '.', '-', '_'? */
int ruby_valid_gem_name(const char *s, size_t n);

#endif
