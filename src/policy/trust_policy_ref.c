/* Image reference parsing and normalisation (the grammar of the distribution project's
 * reference package: lowercase path components joined by '.', '_', '__' or dashes; a tag of
 * word characters, '.' and '-', at most 128; a registry host[:port] recognised by a '.', a
 * ':' or the name "localhost" in the first component). */
#include "policy/trust_policy_ref.h"

#include <stdio.h>
#include <string.h>

static int is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*. */
static int component_valid(const char *s, size_t n)
{
    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
        return 0;
    for (size_t i = 0; i < n;) {
        if (is_lower_alnum(s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        if (s[i] == '.') {
            j = i + 1;
        } else if (s[i] == '_') {
            j = i + 1;
            if (j < n && s[j] == '_')
                j++;
        } else if (s[i] == '-') {
            while (j < n && s[j] == '-')
                j++;
        } else {
            return 0;
        }
        if (j >= n || !is_lower_alnum(s[j]))
            return 0;
        i = j;
    }
    return 1;
}

/* host[:port]: letters, digits, '-', '.', an IPv6 literal in brackets; port digits. */
static int registry_valid(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t host_end = n;
    if (s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (close == NULL)
            return 0;
        for (const char *p = s + 1; p < close; p++)
            if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
                  (*p >= 'A' && *p <= 'F') || *p == ':' || *p == '.'))
                return 0;
        host_end = (size_t)(close - s) + 1;
        if (host_end < n && s[host_end] != ':')
            return 0;
    } else {
        const char *colon = memchr(s, ':', n);
        if (colon != NULL)
            host_end = (size_t)(colon - s);
        if (host_end == 0)
            return 0;
        for (size_t i = 0; i < host_end; i++) {
            char c = s[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.'))
                return 0;
        }
    }
    if (host_end < n) {
        size_t digits = n - host_end - 1;
        if (digits == 0 || digits > 5)
            return 0;
        for (size_t i = host_end + 1; i < n; i++)
            if (s[i] < '0' || s[i] > '9')
                return 0;
    }
    return 1;
}

static int tag_valid(const char *s, size_t n)
{
    if (n == 0 || n > TREF_MAX_TAG)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int word =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!word && (i == 0 || (c != '.' && c != '-')))
            return 0;
    }
    return 1;
}

static int digest_valid(const char *s, size_t n)
{
    if (n != 71 || memcmp(s, "sha256:", 7) != 0)
        return 0;
    for (size_t i = 7; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int trust_ref_parse(const char *s, size_t n, struct trust_ref *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return strata_error_set(err, STRATA_EFORMAT, "empty image reference");
    if (memchr(s, '\0', n) != NULL)
        return strata_error_set(err, STRATA_EFORMAT, "NUL byte in image reference");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "image reference holds a blank, control or non-ASCII "
                                    "character at byte %zu",
                                    i);
    /* digest */
    size_t name_end = n;
    const char *at = memchr(s, '@', n);
    if (at != NULL) {
        size_t dn = n - (size_t)(at - s) - 1;
        if (!digest_valid(at + 1, dn))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "the digest after '@' is not \"sha256:\" followed by 64 "
                                    "lowercase hex digits");
        memcpy(out->digest, at + 1, dn);
        name_end = (size_t)(at - s);
    }
    /* tag: a ':' after the last '/' */
    size_t last_slash = 0;
    int has_slash = 0;
    for (size_t i = 0; i < name_end; i++)
        if (s[i] == '/')
            last_slash = i, has_slash = 1;
    size_t tag_colon = name_end;
    for (size_t i = has_slash ? last_slash + 1 : 0; i < name_end; i++)
        if (s[i] == ':') {
            tag_colon = i;
            break;
        }
    if (tag_colon < name_end) {
        size_t tn = name_end - tag_colon - 1;
        if (!tag_valid(s + tag_colon + 1, tn))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "invalid tag: a tag is 1 to 128 letters, digits, '_', '.' "
                                    "or '-', not starting with '.' or '-'");
        memcpy(out->tag, s + tag_colon + 1, tn);
        name_end = tag_colon;
    }
    if (name_end == 0)
        return strata_error_set(err, STRATA_EFORMAT, "image reference without a repository name");
    if (name_end > TREF_MAX_NAME)
        return strata_error_set(err, STRATA_EFORMAT, "repository name longer than %d bytes",
                                TREF_MAX_NAME);
    /* registry: the first component when it looks like a host */
    const char *slash = memchr(s, '/', name_end);
    size_t written_reg = 0; /* bytes of "REGISTRY/" as written */
    if (slash != NULL) {
        size_t fn = (size_t)(slash - s);
        int host = fn == 9 && memcmp(s, "localhost", 9) == 0;
        for (size_t i = 0; i < fn && !host; i++)
            if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
                host = 1;
        if (host) {
            if (!registry_valid(s, fn))
                return strata_error_set(err, STRATA_EFORMAT, "invalid registry host '%.*s'",
                                        (int)fn, s);
            memcpy(out->registry, s, fn);
            written_reg = fn + 1;
        }
    }
    if (out->registry[0] == '\0' || strcmp(out->registry, "index.docker.io") == 0 ||
        strcmp(out->registry, "registry-1.docker.io") == 0)
        strcpy(out->registry, "docker.io");
    /* path components */
    size_t comp = written_reg;
    for (size_t i = written_reg; i <= name_end; i++) {
        if (i < name_end && s[i] != '/')
            continue;
        size_t cn = i - comp;
        if (cn == 0)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "empty path component in the repository name");
        if (!component_valid(s + comp, cn))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "invalid repository path component '%.*s': lowercase "
                                    "letters and digits, with single '.', '_', '__' or dashes "
                                    "between them",
                                    (int)cn, s + comp);
        comp = i + 1;
    }
    size_t plen = name_end - written_reg;
    int library =
        strcmp(out->registry, "docker.io") == 0 && memchr(s + written_reg, '/', plen) == NULL;
    if (plen + (library ? 8 : 0) > TREF_MAX_NAME)
        return strata_error_set(err, STRATA_EFORMAT, "repository name longer than %d bytes",
                                TREF_MAX_NAME);
    snprintf(out->path, sizeof out->path, "%s%.*s", library ? "library/" : "", (int)plen,
             s + written_reg);
    snprintf(out->name, sizeof out->name, "%s/%s", out->registry, out->path);
    return 0;
}

void trust_ref_format(const struct trust_ref *r, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s%s%s", r->name, r->tag[0] ? ":" : "", r->tag,
             r->digest[0] ? "@" : "", r->digest);
}
