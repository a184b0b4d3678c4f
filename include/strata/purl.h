/* Package URLs (https://github.com/package-url/purl-spec). */
#ifndef STRATA_PURL_H
#define STRATA_PURL_H

#include <stddef.h>

/* Builds "pkg:TYPE/NAMESPACE/NAME@VERSION?k=v&…". namespace and version may be NULL.
 * qualifiers is a NULL-terminated list of key, value pairs; pairs whose value is NULL or
 * empty are left out, keys are sorted as the spec requires. Returns a malloc'd string or NULL
 * on ENOMEM. */
char *strata_purl(const char *type, const char *namespace_, const char *name, const char *version,
                  const char *const *qualifiers);

struct strata_os;

/* The purl "distro" qualifier of an OS: "debian-12", "alpine-3.19", or just the family when
 * the version is unknown. Returns a malloc'd string, or NULL when the family is unknown (or
 * on ENOMEM, then *oom is set). */
char *strata_purl_distro(const struct strata_os *os, int *oom);

struct strata_error;

/* A parsed purl: every part percent-decoded and normalized as the purl spec's parsing rules
 * say (type lowercased; empty namespace and subpath segments, "." and ".." subpath segments
 * dropped; qualifier keys lowercased, empty values dropped, pairs sorted by key) plus the
 * per-type rules strata relies on (pypi names lowercased with '_' -> '-'; deb, apk, alpm,
 * composer, github, bitbucket, hex namespaces and names lowercased). npm and golang names
 * keep their case: registries and OSV records name legacy packages ("JSONStream") and Go
 * modules ("github.com/Azure/...") case-sensitively. NULL members are absent parts. */
struct strata_purl_parts {
    char *type;
    char *namespace_; /* segments joined with '/', NULL when absent */
    char *name;
    char *version;
    char *subpath;
    char **qualifier_keys; /* sorted, unique */
    char **qualifier_values;
    size_t n_qualifiers;
};

/* Bounds on what strata_purl_parse accepts (documented in docs/strata-sbom.md). */
#define STRATA_PURL_MAX_LEN 8192
#define STRATA_PURL_MAX_QUALIFIERS 64

/* Parses the len bytes at s ("pkg:type/namespace/name@version?qualifiers#subpath"). Returns 0
 * and fills *out (free it with strata_purl_parts_free), or STRATA_EFORMAT / STRATA_ELIMIT with
 * a message naming the purl and the byte offset of the problem, or STRATA_ENOMEM. NUL bytes,
 * raw or percent-encoded, are refused. *out is zeroed on failure. */
int strata_purl_parse(const char *s, size_t len, struct strata_purl_parts *out,
                      struct strata_error *err);
void strata_purl_parts_free(struct strata_purl_parts *p);
/* The value of qualifier key (lowercase), NULL when absent. */
const char *strata_purl_qualifier(const struct strata_purl_parts *p, const char *key);

#endif
