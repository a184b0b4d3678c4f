/* Bearer token URL and answer; see registry_token.h. */
#include "source/registry_token.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json_load.h"

static int visible_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

int registry_token_parse(const char *body, size_t len, const char *what, char **token,
                         long *expires_in, struct strata_error *err)
{
    *token = NULL;
    *expires_in = REGISTRY_TOKEN_DEFAULT_TTL;
    json_t *j;
    int rc =
        json_load_document(body, len, what, REGISTRY_TOKEN_MAX_BODY, JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    /* Docker Hub sends both; "token" is the one the spec names first. */
    json_t *t = json_object_get(j, "token");
    if (!json_is_string(t) || json_string_length(t) == 0)
        t = json_object_get(j, "access_token");
    if (!json_is_string(t) || json_string_length(t) == 0) {
        json_decref(j);
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: the token answer has no \"token\" or \"access_token\" string",
                                what);
    }
    size_t n = json_string_length(t);
    if (n > REGISTRY_TOKEN_MAX) {
        json_decref(j);
        return strata_error_set(err, STRATA_ELIMIT, "%s: token of %zu bytes, more than %d", what, n,
                                REGISTRY_TOKEN_MAX);
    }
    if (!visible_ascii(json_string_value(t), n)) {
        json_decref(j);
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: the token has spaces, controls or non-ASCII bytes", what);
    }
    json_t *e = json_object_get(j, "expires_in");
    if (json_is_integer(e) && json_integer_value(e) > 0 && json_integer_value(e) < 86400 * 366)
        *expires_in = (long)json_integer_value(e);
    *token = strdup(json_string_value(t));
    json_decref(j);
    return *token ? 0 : strata_error_nomem(err);
}

static int add_escaped(struct strbuf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~';
        int rc = plain ? strbuf_addch(out, (char)c)
                       : strbuf_addf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int registry_token_url(const struct www_auth *a, const char *fallback_scope, int allow_http,
                       struct strbuf *out, struct strata_error *err)
{
    const char *realm = a->realm;
    if (realm == NULL || realm[0] == '\0')
        return strata_error_set(err, STRATA_EFORMAT, "Bearer challenge without a realm");
    if (strncasecmp(realm, "https://", 8) != 0 &&
        !(allow_http && strncasecmp(realm, "http://", 7) == 0))
        return strata_error_set(err, STRATA_EFORMAT,
                                "token realm '%.200s' is not an https:// URL%s", realm,
                                allow_http ? " or http:// URL" : " (http:// only with --insecure)");
    for (const char *c = realm; *c; c++)
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "token realm has spaces, controls or non-ASCII bytes");
    char sep = strchr(realm, '?') ? '&' : '?';
    int rc = strbuf_adds(out, realm);
    if (rc == 0 && a->service) {
        rc = strbuf_addf(out, "%cservice=", sep);
        sep = '&';
        if (rc == 0)
            rc = add_escaped(out, a->service, strlen(a->service));
    }
    const char *scope = a->scope && a->scope[0] ? a->scope : fallback_scope;
    while (rc == 0 && scope && *scope) {
        size_t n = strcspn(scope, " ");
        if (n > 0) {
            rc = strbuf_addf(out, "%cscope=", sep);
            sep = '&';
            if (rc == 0)
                rc = add_escaped(out, scope, n);
        }
        scope += n;
        while (*scope == ' ')
            scope++;
    }
    return rc != 0 ? strata_error_nomem(err) : 0;
}
