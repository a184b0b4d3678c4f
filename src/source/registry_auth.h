/* Inside the registry client: credentials (explicit, else config.json on the first
 * challenge), the answer to a 401 challenge (a Bearer token from the realm, or Basic), and the
 * wording of status errors, which depends on whether credentials were sent. */
#ifndef STRATA_SOURCE_REGISTRY_AUTH_H
#define STRATA_SOURCE_REGISTRY_AUTH_H

#include "source/registry_http.h"

/* Answers the 401 in rs for request rq: sets the client's Authorization header for rq's
 * scope. gen is the auth generation the request was sent with: when another thread changed
 * the header since, nothing is fetched and the caller simply retries. */
int reg_answer_challenge(struct registry_client *c, const struct reg_request *rq,
                         const struct reg_response *rs, unsigned gen, const char *what,
                         struct strata_error *err);

/* The registry's {"errors":[{"code":…,"message":…}]} as "CODE: message" (printable ASCII,
 * bounded) into out, or "" when the body is not that. */
void reg_error_detail(const struct reg_response *rs, char *out, size_t cap);

#endif
