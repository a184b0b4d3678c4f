/* Go module purls; see gomod_purl.h. */
#include "inventory/gomod_purl.h"

#include <string.h>

#include "core/strbuf.h"

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == '~';
}

/* Percent-encodes s, keeping '/' when keep_slash (purl namespace segments). */
static int add_encoded(struct strbuf *sb, const char *s, size_t n, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc;
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            rc = strbuf_addch(sb, (char)c);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = strbuf_add(sb, enc, 3);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* pkg:golang/<namespace>/<name>@<version>: the module path's segments each encoded. */
char *go_module_purl(const char *module, const char *version)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = strbuf_adds(&sb, "pkg:golang/");
    /* Empty segments (a leading, doubled or trailing '/') are not allowed in a purl. */
    const char *s = module;
    int first = 1;
    while (rc == 0 && *s) {
        size_t n = strcspn(s, "/");
        if (n > 0) {
            if (!first)
                rc = strbuf_addch(&sb, '/');
            rc = rc ? rc : add_encoded(&sb, s, n, 0);
            first = 0;
        }
        s += n + (s[n] == '/');
    }
    if (rc == 0 && version && *version) {
        rc = strbuf_addch(&sb, '@');
        rc = rc ? rc : add_encoded(&sb, version, strlen(version), 0);
    }
    if (rc != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}
