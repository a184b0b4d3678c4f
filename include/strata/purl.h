/* Package URLs (https://github.com/package-url/purl-spec). */
#ifndef STRATA_PURL_H
#define STRATA_PURL_H

/* Builds "pkg:TYPE/NAMESPACE/NAME@VERSION?k=v&…". namespace and version may be NULL.
 * qualifiers is a NULL-terminated list of key, value pairs; pairs whose value is NULL or
 * empty are left out, keys are sorted as the spec requires. Returns a malloc'd string or NULL
 * on ENOMEM. */
char *strata_purl(const char *type, const char *namespace_, const char *name,
                  const char *version, const char *const *qualifiers);

#endif
