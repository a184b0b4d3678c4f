/* Registry authentication turns and status errors; see registry_auth.h. */
#include "source/registry_auth.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/registry_token.h"
#include "source/www_auth.h"

/* Looks the registry up in config.json once, unless credentials were given. */
static int load_credentials(struct registry_client *c, struct strata_error *err)
{
    if (c->creds_looked_up || c->username != NULL || c->docker_config == NULL)
        return 0;
    c->creds_looked_up = 1;
    struct docker_credentials dc;
    int found = 0;
    int rc = docker_config_lookup(c->docker_config, c->ref.registry, &dc, &found, err);
    if (rc != 0)
        return rc;
    if (found) {
        c->username = dc.username;
        c->password = dc.password;
        c->cred_source = dc.source;
        memset(&dc, 0, sizeof dc);
    }
    docker_credentials_release(&dc);
    return 0;
}

static char *basic_header(const char *user, const char *pass)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t ul = strlen(user), pl = strlen(pass), n = ul + 1 + pl;
    unsigned char *raw = malloc(n + 1);
    char *out = malloc(sizeof "Authorization: Basic " + (n + 2) / 3 * 4);
    if (raw == NULL || out == NULL) {
        free(raw);
        free(out);
        return NULL;
    }
    memcpy(raw, user, ul);
    raw[ul] = ':';
    memcpy(raw + ul + 1, pass, pl);
    char *o = out + sprintf(out, "Authorization: Basic ");
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)raw[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)raw[i + 1] << 8;
        if (i + 2 < n)
            v |= raw[i + 2];
        *o++ = tbl[(v >> 18) & 63];
        *o++ = tbl[(v >> 12) & 63];
        *o++ = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
        *o++ = i + 2 < n ? tbl[v & 63] : '=';
    }
    *o = '\0';
    explicit_bzero(raw, n);
    free(raw);
    return out;
}

static int refused(struct registry_client *c, const char *what, const char *where,
                   struct strata_error *err)
{
    if (c->username == NULL)
        return strata_error_set(err, STRATA_EIO,
                                "%s: %s: authentication required (HTTP 401 from %s) and no "
                                "credentials were found: pass --username with --password-stdin, "
                                "or add an \"auths\" entry for %s to %s (docker login)",
                                c->display, what, where, c->ref.registry,
                                c->docker_config ? c->docker_config : "~/.docker/config.json");
    return strata_error_set(err, STRATA_EIO,
                            "%s: %s: authentication failed (HTTP 401 from %s): the credentials "
                            "from %s were refused",
                            c->display, what, where, c->cred_source);
}

/* Sets header h for the scope (Basic: for both, the same credentials serve every scope). */
static void install(struct registry_client *c, enum reg_scope scope, char *h, int both)
{
    pthread_mutex_lock(&c->lock);
    for (int s = 0; s < 2; s++) {
        if (s != (int)scope && !both)
            continue;
        if (c->auth[s]) {
            explicit_bzero(c->auth[s], strlen(c->auth[s]));
            free(c->auth[s]);
        }
        c->auth[s] = NULL;
    }
    c->auth[scope] = h;
    if (both && h && (c->auth[!scope] = strdup(h)) == NULL) {
        /* the other scope will simply meet its own challenge */
    }
    c->auth_gen++;
    pthread_mutex_unlock(&c->lock);
}

static int fetch_token(struct registry_client *c, const struct www_auth *ch,
                       const struct reg_request *rq, const char *what, char **header,
                       struct strata_error *err)
{
    char fallback[IMAGE_REF_MAX_NAME + 32];
    snprintf(fallback, sizeof fallback, "repository:%s:%s", c->ref.repository,
             rq->scope == REG_SCOPE_PUSH ? "pull,push" : "pull");
    struct strbuf url = STRBUF_INIT;
    int rc = registry_token_url(ch, fallback, c->insecure, &url, err);
    if (rc != 0) {
        strbuf_release(&url);
        return strata_error_prefix(err, "%s: %s: ", c->display, what);
    }
    struct reg_request tr = {
        .method = "GET",
        .url = url.buf,
        .accept = "application/json",
        .max_body = REGISTRY_TOKEN_MAX_BODY,
        .to_fd = -1,
        .no_auth = 1,
        .user = c->username,
        .pass = c->password,
    };
    struct reg_response trs;
    rc = reg_perform(c, &tr, "token request", &trs, err);
    if (rc == 0 && (trs.status == 401 || trs.status == 403)) {
        rc = c->username
                 ? strata_error_set(err, STRATA_EIO,
                                    "%s: %s: the token server %s refused the credentials from %s "
                                    "(HTTP %ld)",
                                    c->display, what, ch->realm, c->cred_source, trs.status)
                 : strata_error_set(err, STRATA_EIO,
                                    "%s: %s: the token server %s refused anonymous access (HTTP "
                                    "%ld): pass --username with --password-stdin, or add an "
                                    "\"auths\" entry for %s to %s (docker login)",
                                    c->display, what, ch->realm, trs.status, c->ref.registry,
                                    c->docker_config ? c->docker_config : "~/.docker/config.json");
    } else if (rc == 0 && trs.status != 200) {
        rc = reg_status_error(c, &tr, "token request", &trs, err);
    }
    char *token = NULL;
    long ttl;
    if (rc == 0)
        rc = registry_token_parse(trs.body.buf ? trs.body.buf : "", trs.body.len, ch->realm, &token,
                                  &ttl, err);
    if (rc == 0) {
        size_t n = strlen(token) + sizeof "Authorization: Bearer ";
        if ((*header = malloc(n)) == NULL)
            rc = strata_error_nomem(err);
        else
            snprintf(*header, n, "Authorization: Bearer %s", token);
        explicit_bzero(token, strlen(token));
    } else if (strncmp(err->msg, c->display, strlen(c->display)) != 0) {
        strata_error_prefix(err, "%s: %s: ", c->display, what);
    }
    free(token);
    if (trs.body.buf)
        explicit_bzero(trs.body.buf, trs.body.len);
    reg_response_release(&trs);
    strbuf_release(&url);
    return rc;
}

int reg_answer_challenge(struct registry_client *c, const struct reg_request *rq,
                         const struct reg_response *rs, unsigned gen, const char *what,
                         struct strata_error *err)
{
    pthread_mutex_lock(&c->auth_lock);
    pthread_mutex_lock(&c->lock);
    int changed = c->auth_gen != gen;
    int had_header = c->auth[rq->scope] != NULL;
    pthread_mutex_unlock(&c->lock);
    int rc = 0;
    if (changed)
        goto out; /* another request renewed it meanwhile: try again with that */
    rc = load_credentials(c, err);
    if (rc != 0)
        goto out;
    if (rs->www_authenticate == NULL) {
        rc = refused(c, what, c->ref.registry, err);
        goto out;
    }
    struct www_auth ch;
    rc = www_auth_parse(rs->www_authenticate, strlen(rs->www_authenticate), &ch, err);
    if (rc != 0) {
        strata_error_prefix(err, "%s: %s: ", c->display, what);
        goto out;
    }
    if (ch.scheme == WWW_AUTH_BEARER) {
        char *h = NULL;
        rc = fetch_token(c, &ch, rq, what, &h, err);
        if (rc == 0)
            install(c, rq->scope, h, 0);
    } else if (ch.scheme == WWW_AUTH_BASIC) {
        /* sending the same credentials again would only be refused again */
        if (c->username == NULL || had_header)
            rc = refused(c, what, c->ref.registry, err);
        else {
            char *h = basic_header(c->username, c->password);
            if (h == NULL)
                rc = strata_error_nomem(err);
            else
                install(c, rq->scope, h, 1);
        }
    } else {
        rc = strata_error_set(err, STRATA_EIO,
                              "%s: %s: the registry asks for an authentication scheme strata "
                              "does not speak (WWW-Authenticate: %.100s); Bearer and Basic are "
                              "supported",
                              c->display, what, rs->www_authenticate);
    }
    www_auth_release(&ch);
out:
    pthread_mutex_unlock(&c->auth_lock);
    return rc;
}

void reg_error_detail(const struct reg_response *rs, char *out, size_t cap)
{
    out[0] = '\0';
    if (rs->body.len == 0 || rs->body.buf == NULL)
        return;
    json_t *j = json_loadb(rs->body.buf, rs->body.len, 0, NULL);
    json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
    const char *code = json_string_value(json_object_get(e0, "code"));
    const char *msg = json_string_value(json_object_get(e0, "message"));
    if (code || msg)
        snprintf(out, cap, "%.64s%s%.200s", code ? code : "", code && msg ? ": " : "",
                 msg ? msg : "");
    json_decref(j);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            *p = '?';
}

static const char *reason(long status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 429:
        return "Too Many Requests";
    default:
        return status >= 500 ? "Server Error" : "";
    }
}

int reg_status_error(struct registry_client *c, const struct reg_request *rq, const char *what,
                     const struct reg_response *rs, struct strata_error *err)
{
    char detail[300];
    reg_error_detail(rs, detail, sizeof detail);
    const char *sep = detail[0] ? ", " : "";
    if (rs->status == 401 && !rq->no_auth)
        return refused(c, what, c->ref.registry, err);
    if (rs->status == 403)
        return strata_error_set(
            err, STRATA_EIO, "%s: %s: access denied (HTTP 403%s%s): %s%s may not %s %s", c->display,
            what, sep, detail, c->username ? "the credentials from " : "anonymous access",
            c->username ? c->cred_source : "",
            rq->scope == REG_SCOPE_PUSH ? "push to" : "pull from", c->ref.repository);
    if (rs->status == 404)
        return strata_error_set(err, STRATA_ENOTFOUND, "%s: %s: not found (HTTP 404%s%s)",
                                c->display, what, sep, detail);
    return strata_error_set(err, STRATA_EIO, "%s: %s: %s %s answered HTTP %ld %s%s%s", c->display,
                            what, rq->method, rq->url, rs->status, reason(rs->status), sep, detail);
}
