/* Helpers shared by the version comparator unit tests (test_version_lang.c for semver,
 * pep440, go and maven; test_version_os.c for deb, apk and rpm): every comparator has the
 * same signature, so the pairwise and sorted-list checks are written once here. Static
 * inline so that each test binary gets its own copy without a separate object. */
#ifndef STRATA_TESTS_VERSION_TEST_UTIL_H
#define STRATA_TESTS_VERSION_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "strata/error.h"

typedef int (*cmp_fn)(const char *, const char *, int *, struct strata_error *);

struct pair {
    const char *a, *b;
    int want; /* -1, 0, 1 */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Each pair in both orders: the reverse must give the opposite answer. */
static inline void check_pairs(cmp_fn f, const struct pair *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct strata_error err = {0};
        int c = 99, r = 99;
        if (f(p[i].a, p[i].b, &c, &err) != 0 || f(p[i].b, p[i].a, &r, &err) != 0)
            fail_msg("%s vs %s: unexpected error: %s", p[i].a, p[i].b, err.msg);
        if (c != p[i].want || r != -p[i].want)
            fail_msg("%s vs %s: got %d (reverse %d), want %d", p[i].a, p[i].b, c, r, p[i].want);
    }
}

/* Strictly ascending: every earlier element is below every later one, each equals itself
 * (checked in both directions, which covers antisymmetry and transitivity on the list). */
static inline void check_sorted(cmp_fn f, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i; j < n; j++) {
            int c = 99, r = 99;
            struct strata_error err = {0};
            if (f(v[i], v[j], &c, &err) != 0 || f(v[j], v[i], &r, &err) != 0)
                fail_msg("%s vs %s: unexpected error: %s", v[i], v[j], err.msg);
            int want = i == j ? 0 : -1;
            if (c != want || r != -want)
                fail_msg("%s vs %s: got %d (reverse %d), want %d", v[i], v[j], c, r, want);
        }
    }
}

#endif
