/* Image reference parsing and Docker's normalization; grammar in reference.h. */
#include "source/reference.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/strbuf.h"

/* Longest text looked at: name, ':' tag, '@' digest, with room to spare. */
#define REF_MAX_TEXT 512

static int is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static int ref_error(struct strata_error *err, const char *text, size_t at, const char *what)
{
    return strata_error_set(err, STRATA_EUSAGE, "'%s': byte %zu: %s", text, at, what);
}

/* path-component := [a-z0-9]+ { ("." | "_" | "__" | "-"+) [a-z0-9]+ } over s[0..n). 1 when
 * valid; else 0 with *bad the offset of the first wrong byte. */
static int check_path_component(const char *s, size_t n, size_t *bad)
{
    size_t i = 0;
    for (;;) {
        if (i >= n || !is_lower_alnum(s[i])) {
            *bad = i;
            return 0;
        }
        while (i < n && is_lower_alnum(s[i]))
            i++;
        if (i == n)
            return 1;
        size_t sep = i;
        if (s[i] == '.')
            i++;
        else if (s[i] == '_')
            i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
        else if (s[i] == '-')
            while (i < n && s[i] == '-')
                i++;
        else {
            *bad = i;
            return 0;
        }
        if (i >= n) {
            *bad = sep; /* a separator must be followed by a letter or digit */
            return 0;
        }
    }
}

/* domain := host [":" port]; host a DNS name (components of letters, digits and inner '-'),
 * an IPv4 address (a DNS name by the same rule) or "[" IPv6 "]"; port 1..65535. 1 when
 * valid; else 0 with *bad the offset of the first wrong byte. */
static int check_domain(const char *s, size_t n, size_t *bad)
{
    size_t i = 0;
    if (n > 0 && s[0] == '[') {
        i = 1;
        while (i < n && (is_alnum(s[i]) || s[i] == ':' || s[i] == '.' || s[i] == '%'))
            i++;
        if (i == 1 || i >= n || s[i] != ']') {
            *bad = i;
            return 0;
        }
        i++;
    } else {
        for (;;) {
            size_t start = i;
            while (i < n && (is_alnum(s[i]) || s[i] == '-'))
                i++;
            if (i == start || s[start] == '-' || s[i - 1] == '-') {
                *bad = i == start ? i : (s[start] == '-' ? start : i - 1);
                return 0;
            }
            if (i < n && s[i] == '.') {
                i++;
                continue;
            }
            break;
        }
    }
    if (i == n)
        return 1;
    if (s[i] != ':') {
        *bad = i;
        return 0;
    }
    size_t p = ++i;
    unsigned long port = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && i - p < 5)
        port = port * 10 + (unsigned long)(s[i++] - '0');
    if (i == p || i != n || port == 0 || port > 65535) {
        *bad = i == n ? p : i;
        return 0;
    }
    return 1;
}

/* tag := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}; 1 when valid, else 0 with *bad. */
static int check_tag(const char *s, size_t n, size_t *bad)
{
    if (n == 0 || !(is_alnum(s[0]) || s[0] == '_')) {
        *bad = 0;
        return 0;
    }
    for (size_t i = 1; i < n; i++)
        if (!(is_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-')) {
            *bad = i;
            return 0;
        }
    if (n > IMAGE_REF_MAX_TAG) {
        *bad = IMAGE_REF_MAX_TAG;
        return 0;
    }
    return 1;
}

void image_ref_free(struct image_ref *r)
{
    if (r == NULL)
        return;
    free(r->registry);
    free(r->repository);
    free(r->tag);
    free(r->digest);
    free(r->canonical);
    memset(r, 0, sizeof *r);
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int split_digest(const char *text, size_t len, size_t *name_end, struct image_ref *r,
                        struct strata_error *err)
{
    const char *at = memchr(text, '@', len);
    *name_end = len;
    if (at == NULL)
        return 0;
    size_t off = (size_t)(at - text);
    const char *d = at + 1;
    if (strncmp(d, "sha256:", 7) != 0)
        return ref_error(err, text, off + 1,
                         strchr(d, ':') ? "only sha256 digests are supported"
                                        : "a digest is 'sha256:' and 64 hex digits");
    if (!digest_is_valid_sha256(d))
        return ref_error(err, text, off + 8, "a sha256 digest has exactly 64 lowercase hex digits");
    if ((r->digest = strdup(d)) == NULL)
        return strata_error_nomem(err);
    *name_end = off;
    return 0;
}

/* The tag is what follows the last ':' after the last '/' (a ':' before a '/' is a port). */
static int split_tag(const char *text, size_t *name_end, struct image_ref *r,
                     struct strata_error *err)
{
    size_t end = *name_end, colon = end;
    for (size_t i = end; i-- > 0;) {
        if (text[i] == '/')
            break;
        if (text[i] == ':') {
            colon = i;
            break;
        }
    }
    if (colon == end)
        return 0;
    size_t n = end - colon - 1;
    size_t bad = 0;
    if (!check_tag(text + colon + 1, n, &bad))
        return ref_error(err, text, colon + 1 + bad,
                         n > IMAGE_REF_MAX_TAG ? "a tag has at most 128 characters"
                                               : "a tag is letters, digits, '_', '.' and '-', "
                                                 "not starting with '.' or '-'");
    if ((r->tag = dup_n(text + colon + 1, n)) == NULL)
        return strata_error_nomem(err);
    *name_end = colon;
    return 0;
}

/* Is the first path component a registry? Docker's rule: it has '.' or ':', is "localhost",
 * or has an uppercase letter (repository names cannot). */
static int first_is_domain(const char *s, size_t n)
{
    if (n == 9 && memcmp(s, "localhost", 9) == 0)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
            return 1;
    return 0;
}

static int build_canonical(struct image_ref *r, struct strata_error *err)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = strbuf_addf(&sb, "%s/%s", r->registry, r->repository);
    if (rc == 0 && (r->tag || !r->digest))
        rc = strbuf_addf(&sb, ":%s", r->tag ? r->tag : "latest");
    if (rc == 0 && r->digest)
        rc = strbuf_addf(&sb, "@%s", r->digest);
    if (rc != 0) {
        strbuf_release(&sb);
        return strata_error_nomem(err);
    }
    r->canonical = strbuf_detach(&sb);
    return r->canonical ? 0 : strata_error_nomem(err);
}

static int parse_name(const char *text, size_t end, struct image_ref *r, struct strata_error *err)
{
    if (end == 0)
        return ref_error(err, text, 0, "empty repository name");
    const char *slash = memchr(text, '/', end);
    size_t path_start = 0;
    if (slash != NULL && first_is_domain(text, (size_t)(slash - text))) {
        size_t dn = (size_t)(slash - text);
        size_t bad = 0;
        if (!check_domain(text, dn, &bad))
            return ref_error(err, text, bad, "not a valid registry host[:port]");
        if (dn == 15 && memcmp(text, "index.docker.io", 15) == 0)
            r->registry = strdup(IMAGE_REF_DOCKER_HUB);
        else
            r->registry = dup_n(text, dn);
        if (r->registry == NULL)
            return strata_error_nomem(err);
        r->explicit_registry = 1;
        path_start = dn + 1;
    } else if ((r->registry = strdup(IMAGE_REF_DOCKER_HUB)) == NULL) {
        return strata_error_nomem(err);
    }
    size_t i = path_start;
    int components = 0;
    for (;;) {
        const char *next = memchr(text + i, '/', end - i);
        size_t cn = next ? (size_t)(next - (text + i)) : end - i;
        size_t bad = 0;
        if (!check_path_component(text + i, cn, &bad)) {
            char c = i + bad < end ? text[i + bad] : '\0';
            return ref_error(err, text, i + bad,
                             c >= 'A' && c <= 'Z'
                                 ? "repository names are lowercase"
                                 : "a repository path component is lowercase letters and digits "
                                   "separated by '.', '_', '__' or dashes");
        }
        components++;
        if (next == NULL)
            break;
        i += cn + 1;
    }
    int hub = strcmp(r->registry, IMAGE_REF_DOCKER_HUB) == 0;
    struct strbuf sb = STRBUF_INIT;
    int rc = strbuf_addf(&sb, "%s%.*s", hub && components == 1 ? "library/" : "",
                         (int)(end - path_start), text + path_start);
    if (rc != 0 || (r->repository = strbuf_detach(&sb)) == NULL) {
        strbuf_release(&sb);
        return strata_error_nomem(err);
    }
    /* the bound is on the normalized name, as distribution applies it */
    if (strlen(r->registry) + 1 + strlen(r->repository) > IMAGE_REF_MAX_NAME)
        return ref_error(err, text, 0,
                         "the name (registry/repository) has more than 255 characters");
    return 0;
}

int image_ref_parse(const char *text, struct image_ref *r, struct strata_error *err)
{
    memset(r, 0, sizeof *r);
    size_t len = strnlen(text, REF_MAX_TEXT + 1);
    if (len > REF_MAX_TEXT)
        return strata_error_set(err, STRATA_EUSAGE,
                                "image reference of more than %d bytes: not a reference",
                                REF_MAX_TEXT);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] <= ' ' || (unsigned char)text[i] >= 0x7f)
            return strata_error_set(err, STRATA_EUSAGE,
                                    "image reference: byte %zu: control, space or non-ASCII "
                                    "character",
                                    i);
    size_t end;
    int rc = split_digest(text, len, &end, r, err);
    if (rc == 0)
        rc = split_tag(text, &end, r, err);
    if (rc == 0)
        rc = parse_name(text, end, r, err);
    if (rc == 0)
        rc = build_canonical(r, err);
    if (rc != 0)
        image_ref_free(r);
    return rc;
}

const char *image_ref_endpoint(const struct image_ref *r)
{
    return strcmp(r->registry, IMAGE_REF_DOCKER_HUB) == 0 ? IMAGE_REF_DOCKER_HUB_ENDPOINT
                                                          : r->registry;
}

int image_ref_is_loopback(const struct image_ref *r)
{
    const char *h = r->registry;
    size_t n = strcspn(h, h[0] == '[' ? "]" : ":");
    if (h[0] == '[')
        return n == 4 && memcmp(h, "[::1", 4) == 0;
    if (n == 9 && memcmp(h, "localhost", 9) == 0)
        return 1;
    unsigned a, b, c, d;
    char tail;
    char host[64];
    if (n >= sizeof host)
        return 0;
    memcpy(host, h, n);
    host[n] = '\0';
    return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 &&
           c < 256 && d < 256;
}

const char *image_ref_target(const struct image_ref *r)
{
    return r->digest ? r->digest : r->tag ? r->tag : "latest";
}
