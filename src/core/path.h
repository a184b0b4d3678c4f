/* Paths from archives are untrusted: normalize them to "a/b/c" (no leading slash, no "."
 * or empty components) and refuse anything that climbs out with "..". */
#ifndef STRATA_CORE_PATH_H
#define STRATA_CORE_PATH_H

#include <stddef.h>

#define STRATA_PATH_MAX 4096

enum path_verdict {
    PATH_OK = 0,
    PATH_ABSOLUTE = 1, /* started with '/' (normalized anyway) */
    PATH_DOTDOT = -1,  /* contains a ".." component: refused */
    PATH_TOOLONG = -2,
    PATH_NUL = -3, /* embedded NUL or control bytes where a name was expected */
};

/* Writes the normalized form of in[0..n) into out (cap >= STRATA_PATH_MAX). The root
 * normalizes to "". Returns a verdict; out is valid for PATH_OK and PATH_ABSOLUTE. */
enum path_verdict path_normalize(const char *in, size_t n, char *out, size_t cap);

/* Joins a symlink target with the directory of link_path and normalizes, clamping ".." at
 * the root like a chroot. Returns 0 or -1 when too long. */
int path_resolve_link(const char *link_path, const char *target, char *out, size_t cap);

#endif
