/* Test helper (header-only; each test binary is its own program): whole-file reads and the
 * per-binary fixture directory — a mkdtemp directory under $TMPDIR that a group setup fills
 * (usually with a tests/unit/make_*.py script) and the group teardown removes. */
#ifndef STRATA_TESTS_TEST_FILES_H
#define STRATA_TESTS_TEST_FILES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fixture directory of this binary (empty until tf_make_dir). */
static char tf_dir[256];

/* The whole file, or NULL when it cannot be read or memory runs out. */
static inline uint8_t *tf_slurp(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            uint8_t *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        if (k == 0)
            break;
        n += k;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Creates the fixture directory $TMPDIR/<prefix>.XXXXXX; -1 when it cannot. */
static inline int tf_make_dir(const char *prefix)
{
    snprintf(tf_dir, sizeof tf_dir, "%s/%s.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             prefix);
    return mkdtemp(tf_dir) == NULL ? -1 : 0;
}

/* Removes the fixture directory and everything in it (a group teardown). */
static inline int tf_remove_dir(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tf_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The source tree (tests/run-tests.sh exports SRCROOT) and the shared fixtures (SHARED). */
static inline const char *tf_srcroot(void)
{
    return getenv("SRCROOT") ? getenv("SRCROOT") : ".";
}

static inline const char *tf_shared(void)
{
    return getenv("SHARED") ? getenv("SHARED") : "../shared";
}

/* The fixture file name of the fixture directory; fails the test when it is unreadable. */
static inline uint8_t *tf_fixture(const char *name, size_t *len)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tf_dir, name);
    uint8_t *d = tf_slurp(p, len);
    if (d == NULL)
        fail_msg("cannot read %s", p);
    return d;
}

static inline int tf_have_fixture(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tf_dir, name);
    return access(p, R_OK) == 0;
}

#endif
