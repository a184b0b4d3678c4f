/* Package URLs (https://github.com/package-url/purl-spec). */
#ifndef STRATA_PURL_H
#define STRATA_PURL_H

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

#endif
