#include <fnmatch.h>
#include <string.h>

#include "strata/analyzer.h"

#include <stdio.h>

/* Does path end with the literal text after the pattern's last wildcard ("*.txt": ".txt")? */
static int glob_tail_matches(const char *pattern, const char *path, size_t n)
{
    size_t pl = strlen(pattern), tail = 0;
    while (tail < pl && !strchr("*?[]\\", pattern[pl - 1 - tail]))
        tail++;
    return tail <= n && memcmp(path + n - tail, pattern + pl - tail, tail) == 0;
}

int strata_analyzer_wants(const struct strata_analyzer *a, const char *path, uint64_t size)
{
    /* Every file of every layer passes here once per analyzer: cheap tests first. */
    size_t n = strlen(path);
    for (const struct strata_match *m = a->matches; m && m->kind != STRATA_MATCH_END; m++) {
        int hit = 0;
        size_t pn;
        switch (m->kind) {
        case STRATA_MATCH_EXACT:
            if (path[0] == m->pattern[0] && strcmp(path, m->pattern) == 0)
                /* A file an analyzer names exactly must not silently go unread. */
                return size > a->max_file_size ? -1 : 1;
            break;
        case STRATA_MATCH_PREFIX:
            hit = m->pattern[0] == '\0' ||
                  (path[0] == m->pattern[0] && strncmp(path, m->pattern, strlen(m->pattern)) == 0);
            break;
        case STRATA_MATCH_SUFFIX:
            pn = strlen(m->pattern);
            hit = pn == 0 || (n >= pn && path[n - 1] == m->pattern[pn - 1] &&
                              memcmp(path + n - pn, m->pattern, pn) == 0);
            break;
        case STRATA_MATCH_GLOB:
            /* Compare the literal head and tail before calling fnmatch. */
            pn = strcspn(m->pattern, "*?[\\");
            hit = strncmp(path, m->pattern, pn) == 0 && glob_tail_matches(m->pattern, path, n) &&
                  fnmatch(m->pattern, path, FNM_PATHNAME) == 0;
            break;
        case STRATA_MATCH_ANY:
            hit = 1;
            break;
        default:
            break;
        }
        if (hit)
            return size <= a->max_file_size;
    }
    return 0;
}

int strata_analyzer_takes(const struct strata_analyzer *a, const char *path, uint64_t size,
                          uint32_t mode, const uint8_t *head)
{
    if (strata_analyzer_wants(a, path, size) <= 0)
        return 0;
    if (a->wants_head == NULL)
        return 1;
    size_t n = size < STRATA_HEAD_BYTES ? (size_t)size : STRATA_HEAD_BYTES;
    return a->wants_head(head, n, size, mode) != 0;
}

int strata_pkg_types_parse(const char *list, unsigned *mask, struct strata_error *err)
{
    *mask = 0;
    const char *s = list;
    for (;;) {
        size_t n = strcspn(s, ",");
        if (n == 2 && strncmp(s, "os", 2) == 0)
            *mask |= STRATA_PKG_OS;
        else if (n == 7 && strncmp(s, "library", 7) == 0)
            *mask |= STRATA_PKG_LIBRARY;
        else
            return strata_error_set(err, STRATA_EUSAGE,
                                    "unknown package type '%.*s' (expected os, library)", (int)n,
                                    s);
        if (s[n] == '\0')
            return 0;
        s += n + 1;
    }
}
