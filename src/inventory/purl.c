#include "strata/purl.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "strata/report.h"

#define PURL_MAX_QUALIFIERS 16

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == '~';
}

static int append_encoded(struct strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int rc;
        if (is_unreserved(*p)) {
            rc = strbuf_addch(sb, (char)*p);
        } else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            rc = strbuf_add(sb, enc, 3);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *strata_purl(const char *type, const char *namespace_, const char *name, const char *version,
                  const char *const *qualifiers)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = strbuf_adds(&sb, "pkg:");
    rc = rc ? rc : strbuf_adds(&sb, type);
    rc = rc ? rc : strbuf_addch(&sb, '/');
    if (namespace_ && *namespace_) {
        rc = rc ? rc : append_encoded(&sb, namespace_);
        rc = rc ? rc : strbuf_addch(&sb, '/');
    }
    rc = rc ? rc : append_encoded(&sb, name);
    if (version && *version) {
        rc = rc ? rc : strbuf_addch(&sb, '@');
        rc = rc ? rc : append_encoded(&sb, version);
    }
    /* Sort the (key, value) pairs by key: copy pointers to pairs into a small array. */
    const char *pairs[PURL_MAX_QUALIFIERS][2];
    size_t n = 0;
    for (size_t i = 0; qualifiers && qualifiers[i] && n < PURL_MAX_QUALIFIERS; i += 2) {
        if (qualifiers[i + 1] && *qualifiers[i + 1]) {
            pairs[n][0] = qualifiers[i];
            pairs[n][1] = qualifiers[i + 1];
            n++;
        }
    }
    qsort(pairs, n, sizeof pairs[0], cmp_key);
    for (size_t i = 0; i < n; i++) {
        rc = rc ? rc : strbuf_addch(&sb, i == 0 ? '?' : '&');
        rc = rc ? rc : strbuf_adds(&sb, pairs[i][0]);
        rc = rc ? rc : strbuf_addch(&sb, '=');
        rc = rc ? rc : append_encoded(&sb, pairs[i][1]);
    }
    if (rc != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

char *strata_purl_distro(const struct strata_os *os, int *oom)
{
    if (os->family == NULL || *os->family == '\0')
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    int rc = os->version && *os->version ? strbuf_addf(&sb, "%s-%s", os->family, os->version)
                                         : strbuf_adds(&sb, os->family);
    char *d = rc == 0 ? strbuf_detach(&sb) : NULL;
    if (d == NULL) {
        strbuf_release(&sb);
        *oom = 1;
    }
    return d;
}
