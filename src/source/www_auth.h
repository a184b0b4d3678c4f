/* WWW-Authenticate header values (RFC 7235 section 4.1, RFC 9110 section 11.6.1):
 *
 *   challenges = challenge *( OWS "," OWS challenge )
 *   challenge  = auth-scheme [ 1*SP ( token68 / auth-param *( OWS "," OWS auth-param ) ) ]
 *   auth-param = token BWS "=" BWS ( token / quoted-string )
 *
 * as registries send them: `Bearer realm="https://auth.example/token",service="reg",
 * scope="repository:app:pull"` or `Basic realm="Registry Realm"`. Scheme and parameter names
 * are case-insensitive; quoted strings unescape "\x" to "x". An unquoted value is taken up to
 * the next comma or space, even where RFC 7235's token could not hold it (registries have sent
 * unquoted realm URLs). Bounds: the value is at most WWW_AUTH_MAX_HEADER bytes, each kept
 * parameter at most WWW_AUTH_MAX_PARAM. */
#ifndef STRATA_SOURCE_WWW_AUTH_H
#define STRATA_SOURCE_WWW_AUTH_H

#include <stddef.h>

#include "strata/error.h"

#define WWW_AUTH_MAX_HEADER 8192
#define WWW_AUTH_MAX_PARAM 2048

enum www_auth_scheme {
    WWW_AUTH_NONE = 0, /* no challenge strata can answer (Negotiate, Digest, …) */
    WWW_AUTH_BASIC,
    WWW_AUTH_BEARER,
};

struct www_auth {
    enum www_auth_scheme scheme;
    char *realm;   /* NULL when absent */
    char *service; /* Bearer only; NULL when absent */
    char *scope;   /* Bearer only; space-separated scopes, NULL when absent */
};

/* Parses one header value (several challenges may share it; Bearer is preferred over Basic,
 * the first of a kind wins). A syntax error is STRATA_EFORMAT naming the byte offset;
 * a value without a known scheme gives scheme WWW_AUTH_NONE and succeeds. */
int www_auth_parse(const char *value, size_t len, struct www_auth *out, struct strata_error *err);
void www_auth_release(struct www_auth *a);

#endif
