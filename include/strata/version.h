/* Version comparators: one pure function per ecosystem, exact to the reference
 * implementation of that ecosystem (dpkg, apk-tools, rpm, node-semver, packaging (PEP 440),
 * golang.org/x/mod/semver, Maven's ComparableVersion, RubyGems' Gem::Version, NuGet.Versioning,
 * Composer's VersionParser + PHP version_compare). */
#ifndef STRATA_VERSION_H
#define STRATA_VERSION_H

#include "strata/error.h"

enum strata_version_type {
    STRATA_VERSION_DEB,
    STRATA_VERSION_APK,
    STRATA_VERSION_RPM,
    STRATA_VERSION_SEMVER,
    STRATA_VERSION_PEP440,
    STRATA_VERSION_GO,
    STRATA_VERSION_MAVEN,
    STRATA_VERSION_GEM,
    STRATA_VERSION_NUGET,
    STRATA_VERSION_COMPOSER,
};

/* "deb", "apk", "rpm", "semver", "pep440", "go", "maven", "gem", "nuget", "composer" -> type.
 * Returns 0 or STRATA_EUSAGE. */
int strata_version_type_parse(const char *name, enum strata_version_type *out);
const char *strata_version_type_name(enum strata_version_type t);

/* Compares a and b: *cmp is <0, 0 or >0. Returns 0, or STRATA_EFORMAT when either version is
 * not valid for the type (err names the version and why). Never allocates. */
int strata_version_compare(enum strata_version_type t, const char *a, const char *b, int *cmp,
                           struct strata_error *err);

/* Returns 0 when v is a valid version of type t, else STRATA_EFORMAT with err set. */
int strata_version_validate(enum strata_version_type t, const char *v, struct strata_error *err);

#endif
