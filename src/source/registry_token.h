/* The token step of the registry Bearer flow (the distribution "token authentication"
 * spec): the URL to ask, realm?service=S&scope=A&scope=B, and the JSON answer,
 * {"token": "…"} or {"access_token": "…"}, optionally with "expires_in" (seconds, default 60)
 * and "issued_at". Bounds: the answer at most REGISTRY_TOKEN_MAX_BODY bytes, the token at most
 * REGISTRY_TOKEN_MAX bytes of visible ASCII (it goes into an Authorization header). */
#ifndef STRATA_SOURCE_REGISTRY_TOKEN_H
#define STRATA_SOURCE_REGISTRY_TOKEN_H

#include <stddef.h>

#include "core/strbuf.h"
#include "source/www_auth.h"
#include "strata/error.h"

#define REGISTRY_TOKEN_MAX_BODY (1u << 20)
#define REGISTRY_TOKEN_MAX 16384
#define REGISTRY_TOKEN_DEFAULT_TTL 60

/* Parses the answer; what names it in messages (the realm URL). *token is the caller's. */
int registry_token_parse(const char *body, size_t len, const char *what, char **token,
                         long *expires_in, struct strata_error *err);

/* Builds realm?service=…&scope=… into out. scope is the challenge's (space-separated scopes
 * become one scope= each), or fallback when the challenge names none. The realm must be an
 * https:// URL, or http:// when allow_http; anything else is STRATA_EFORMAT. */
int registry_token_url(const struct www_auth *a, const char *fallback_scope, int allow_http,
                       struct strbuf *out, struct strata_error *err);

#endif
