/* Per-ecosystem comparators behind strata_version_compare (src/version/version.c). Each
 * returns 0 and sets *cmp to -1, 0 or 1, or STRATA_EFORMAT with err naming the bad version.
 * A NULL err is allowed. */
#ifndef STRATA_VERSION_INTERNAL_H
#define STRATA_VERSION_INTERNAL_H

#include "strata/error.h"

int version_deb_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int version_apk_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int version_rpm_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int version_semver_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int version_pep440_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int version_go_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int version_maven_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int version_gem_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int version_nuget_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int version_composer_compare(const char *a, const char *b, int *cmp, struct strata_error *err);

#endif
