/* The one entry point for version comparison: type names, the length bound every type
 * shares, and dispatch to the per-ecosystem comparators (deb.c, apk.c, rpm.c, semver.c,
 * pep440.c, go.c, maven.c, gem.c, nuget.c, composer.c). */
#include <stddef.h>
#include <string.h>

#include "strata/version.h"
#include "version/version_internal.h"
#include "version/version_text.h"

typedef int (*version_cmp_fn)(const char *a, const char *b, int *cmp, struct strata_error *err);

static const struct {
    const char *name;
    enum strata_version_type type;
    version_cmp_fn compare;
} types[] = {
    {"deb", STRATA_VERSION_DEB, version_deb_compare},
    {"apk", STRATA_VERSION_APK, version_apk_compare},
    {"rpm", STRATA_VERSION_RPM, version_rpm_compare},
    {"semver", STRATA_VERSION_SEMVER, version_semver_compare},
    {"pep440", STRATA_VERSION_PEP440, version_pep440_compare},
    {"go", STRATA_VERSION_GO, version_go_compare},
    {"maven", STRATA_VERSION_MAVEN, version_maven_compare},
    {"gem", STRATA_VERSION_GEM, version_gem_compare},
    {"nuget", STRATA_VERSION_NUGET, version_nuget_compare},
    {"composer", STRATA_VERSION_COMPOSER, version_composer_compare},
};

#define NTYPES (sizeof types / sizeof types[0])

int strata_version_type_parse(const char *name, enum strata_version_type *out)
{
    if (name != NULL)
        for (size_t i = 0; i < NTYPES; i++)
            if (strcmp(name, types[i].name) == 0) {
                *out = types[i].type;
                return 0;
            }
    return STRATA_EUSAGE;
}

const char *strata_version_type_name(enum strata_version_type t)
{
    for (size_t i = 0; i < NTYPES; i++)
        if (types[i].type == t)
            return types[i].name;
    return "unknown";
}

static version_cmp_fn lookup(enum strata_version_type t)
{
    for (size_t i = 0; i < NTYPES; i++)
        if (types[i].type == t)
            return types[i].compare;
    return NULL;
}

/* The shared bound, checked here so that every comparator - including ones that do not
 * check it themselves - only ever sees strings of bounded length. */
static int check_len(enum strata_version_type t, const char *v, struct strata_error *err)
{
    if (v == NULL)
        return strata_error_set(err, STRATA_EUSAGE, "%s version: none given",
                                strata_version_type_name(t));
    if (strnlen(v, VERSION_MAX_LEN + 1) > VERSION_MAX_LEN) {
        char q[VERSION_QUOTE_SIZE];
        return strata_error_set(err, STRATA_EFORMAT, "%s version %s: longer than %d bytes",
                                strata_version_type_name(t), version_quote(v, q), VERSION_MAX_LEN);
    }
    return 0;
}

int strata_version_compare(enum strata_version_type t, const char *a, const char *b, int *cmp,
                           struct strata_error *err)
{
    version_cmp_fn fn = lookup(t);
    if (fn == NULL)
        return strata_error_set(err, STRATA_EUSAGE, "unknown version type %d", (int)t);
    int rc = check_len(t, a, err);
    if (rc == 0)
        rc = check_len(t, b, err);
    if (rc != 0)
        return rc;
    int r = 0;
    rc = fn(a, b, &r, err);
    if (rc != 0)
        return rc;
    /* Callers get exactly -1, 0 or 1 whatever a comparator returns. */
    *cmp = (r > 0) - (r < 0);
    return 0;
}

int strata_version_validate(enum strata_version_type t, const char *v, struct strata_error *err)
{
    /* Each comparator validates both operands before comparing, so comparing v with itself
     * is exactly "is v valid?" with the comparator's own message when it is not. */
    int cmp;
    return strata_version_compare(t, v, v, &cmp, err);
}
