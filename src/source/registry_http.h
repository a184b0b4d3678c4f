/* Inside the registry client (registry.h): the client's state and one HTTP exchange with
 * retries, the 401 challenge flow and the deadline. Only registry*.c include this. */
#ifndef STRATA_SOURCE_REGISTRY_HTTP_H
#define STRATA_SOURCE_REGISTRY_HTTP_H

#include <pthread.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "source/docker_config.h"
#include "source/reference.h"
#include "source/registry.h"
#include "source/www_auth.h"

#define REGISTRY_MAX_HANDLES 8
#define REGISTRY_MAX_ERROR_BODY (64u * 1024)

enum reg_scope {
    REG_SCOPE_PULL = 0,
    REG_SCOPE_PUSH = 1,
};

struct registry_client {
    struct image_ref ref;
    char *display;           /* the reference as messages name it */
    char *base;              /* "https://host:port/v2/<repository>" */
    char *origin;            /* "https://host:port", for relative Location headers */
    char *ca_file;           /* NULL: system CAs only */
    struct strbuf ca_bundle; /* libcurl's default CA bundle, then ca_file; or empty */
    int insecure;
    long timeout_s;
    char *username, *password; /* explicit or from config.json, loaded on the first 401 */
    char *cred_source;         /* where they came from, for messages; NULL when none */
    int creds_looked_up;
    char *docker_config;       /* config.json path or NULL */
    pthread_mutex_t auth_lock; /* one challenge answered at a time */
    pthread_mutex_t lock;      /* guards what follows (held only briefly, never over I/O) */
    char *auth[2];             /* "Authorization: …" header per scope, NULL before a challenge */
    unsigned auth_gen;         /* bumped whenever auth[] changes */
    void *handles[REGISTRY_MAX_HANDLES]; /* idle CURL easy handles, reused for keep-alive */
    size_t n_handles;
};

/* Where a response body goes. to_fd >= 0: written there (from offset 0, the file truncated
 * again before a retry) and hashed into *hash when hash is not NULL (a fresh context replaces
 * it before a retry); else kept in body. */
struct reg_request {
    const char *method; /* "GET", "HEAD", "PUT", "POST", "DELETE" */
    const char *url;    /* absolute */
    const char *accept;
    const char *content_type;
    const void *upload; /* PUT/POST body */
    size_t upload_len;
    enum reg_scope scope;
    uint64_t max_body; /* refuse longer bodies (STRATA_ELIMIT) */
    int to_fd;
    struct sha256_ctx **hash;
    int no_auth;             /* the token request itself: no challenge handling */
    const char *user, *pass; /* basic credentials for the token request */
};

struct reg_response {
    long status;
    struct strbuf body; /* the body, or for to_fd requests an error body (bounded) */
    uint64_t received;  /* body bytes of the final attempt */
    char *content_type;
    char *docker_digest;
    char *location;
    char *www_authenticate;
    char *link;
    char *retry_after;
    int64_t content_length; /* -1 when not announced */
};

/* One exchange: retries 429/5xx/dropped connections, answers 401 challenges (except with
 * no_auth), all within the client's timeout. Succeeds with any final status; the caller
 * judges it (reg_status_error). Fails on transport errors, the timeout or limits. what names
 * the operation in messages ("manifest 1.0", "blob sha256:…"). */
int reg_perform(struct registry_client *c, const struct reg_request *rq, const char *what,
                struct reg_response *rs, struct strata_error *err);
void reg_response_release(struct reg_response *rs);

/* The error for a final status that is not the expected one: 401/403 with the credential
 * hint, 404 as ENOTFOUND, the registry's error code and message when it sent JSON. */
int reg_status_error(struct registry_client *c, const struct reg_request *rq, const char *what,
                     const struct reg_response *rs, struct strata_error *err);

/* The next page's URL from `Link: </v2/app/tags/list?last=x&n=50>; rel="next"` (relative
 * to the registry, or absolute on the same origin), or NULL when there is none or it points
 * elsewhere. *oom is set when allocation failed. */
char *reg_link_next(struct registry_client *c, const char *link, int *oom);

/* Monotonic milliseconds. */
int64_t reg_now_ms(void);

/* Builds base + suffix ("/manifests/1.0") into a new string; NULL on ENOMEM. */
char *reg_url(struct registry_client *c, const char *suffix);

#endif
