#include "core/path.h"

#include <string.h>

enum path_verdict path_normalize(const char *in, size_t n, char *out, size_t cap)
{
    enum path_verdict v = PATH_OK;
    size_t o = 0;
    size_t i = 0;
    if (n > 0 && in[0] == '/')
        v = PATH_ABSOLUTE;
    while (i < n) {
        while (i < n && in[i] == '/')
            i++;
        size_t start = i;
        while (i < n && in[i] != '/') {
            if (in[i] == '\0')
                return PATH_NUL;
            i++;
        }
        size_t len = i - start;
        if (len == 0 || (len == 1 && in[start] == '.'))
            continue;
        if (len == 2 && in[start] == '.' && in[start + 1] == '.')
            return PATH_DOTDOT;
        if (o + (o ? 1 : 0) + len + 1 > cap)
            return PATH_TOOLONG;
        if (o)
            out[o++] = '/';
        memcpy(out + o, in + start, len);
        o += len;
    }
    if (cap == 0)
        return PATH_TOOLONG;
    out[o] = '\0';
    return v;
}

int path_resolve_link(const char *link_path, const char *target, char *out, size_t cap)
{
    /* Build "dir(link_path)/target" (or just target when absolute) component by component,
     * dropping ".." at the root. */
    size_t o = 0;
    const char *parts[2];
    size_t lens[2];
    int np = 0;
    if (target[0] != '/') {
        const char *slash = strrchr(link_path, '/');
        parts[np] = link_path;
        lens[np++] = slash ? (size_t)(slash - link_path) : 0;
    }
    parts[np] = target;
    lens[np++] = strlen(target);
    for (int p = 0; p < np; p++) {
        const char *s = parts[p];
        size_t n = lens[p], i = 0;
        while (i < n) {
            while (i < n && s[i] == '/')
                i++;
            size_t start = i;
            while (i < n && s[i] != '/')
                i++;
            size_t len = i - start;
            if (len == 0 || (len == 1 && s[start] == '.'))
                continue;
            if (len == 2 && s[start] == '.' && s[start + 1] == '.') {
                while (o > 0 && out[o - 1] != '/')
                    o--;
                if (o > 0)
                    o--;
                continue;
            }
            if (o + (o ? 1 : 0) + len + 1 > cap)
                return -1;
            if (o)
                out[o++] = '/';
            memcpy(out + o, s + start, len);
            o += len;
        }
    }
    if (cap == 0)
        return -1;
    out[o] = '\0';
    return 0;
}
