/* The registry client's operations (registry.h) over reg_perform. */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/json_load.h"
#include "source/registry_auth.h"
#include "source/registry_http.h"

#define ACCEPT_MANIFESTS                                                                           \
    REGISTRY_MT_OCI_INDEX ", " REGISTRY_MT_DOCKER_LIST ", " REGISTRY_MT_OCI_MANIFEST               \
                          ", " REGISTRY_MT_DOCKER_MANIFEST
#define MAX_TAG_PAGES 1000
#define TAGS_MAX_BODY (8u << 20)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;

static void curl_setup(void)
{
    curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static void free_secret(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

void registry_client_free(struct registry_client *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n_handles; i++)
        curl_easy_cleanup(c->handles[i]);
    image_ref_free(&c->ref);
    free(c->display);
    free(c->base);
    free(c->origin);
    free(c->ca_file);
    strbuf_release(&c->ca_bundle);
    free(c->username);
    free_secret(c->password);
    free(c->cred_source);
    free(c->docker_config);
    free_secret(c->auth[0]);
    free_secret(c->auth[1]);
    pthread_mutex_destroy(&c->lock);
    pthread_mutex_destroy(&c->auth_lock);
    free(c);
}

#define CA_BUNDLE_MAX (8u << 20)

/* Appends the file at path (at most CA_BUNDLE_MAX bytes in all) to sb. */
static int append_file(struct strbuf *sb, const char *path, struct strata_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return strata_error_set(err, STRATA_EUSAGE, "CA file %s: %s", path, strerror(errno));
    char buf[8192];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (sb->len + n > CA_BUNDLE_MAX)
            rc = strata_error_set(err, STRATA_ELIMIT, "CA file %s: more than %u bytes of CAs", path,
                                  CA_BUNDLE_MAX);
        else if (strbuf_add(sb, buf, n) != 0)
            rc = strata_error_nomem(err);
    }
    if (rc == 0 && ferror(f))
        rc = strata_error_set(err, STRATA_EIO, "CA file %s: read error", path);
    fclose(f);
    if (rc == 0 && strbuf_addch(sb, '\n') != 0)
        rc = strata_error_nomem(err);
    return rc;
}

/* libcurl's own CA bundle (the system one) followed by the extra CA file. */
static int build_ca_bundle(struct registry_client *c, struct strata_error *err)
{
    CURL *h = curl_easy_init();
    if (h == NULL)
        return strata_error_nomem(err);
    char *def = NULL;
    curl_easy_getinfo(h, CURLINFO_CAINFO, &def);
    int rc = 0;
    /* $SSL_CERT_FILE often names the system bundle itself: nothing to add then */
    int same = def != NULL && strcmp(def, c->ca_file) == 0;
    if (!same && def != NULL && access(def, R_OK) == 0)
        rc = append_file(&c->ca_bundle, def, err);
    curl_easy_cleanup(h);
    if (rc == 0 && !same)
        rc = append_file(&c->ca_bundle, c->ca_file, err);
    return rc;
}

static int check_ca_file(const char *path, struct strata_error *err)
{
    X509_STORE *st = X509_STORE_new();
    if (st == NULL)
        return strata_error_nomem(err);
    int ok = X509_STORE_load_file(st, path) == 1;
    X509_STORE_free(st);
    if (!ok)
        return strata_error_set(err, STRATA_EUSAGE,
                                "--ca-file %s: no PEM certificate could be read from it", path);
    return 0;
}

static char *dup_or_null(const char *s, int *oom)
{
    if (s == NULL)
        return NULL;
    char *p = strdup(s);
    if (p == NULL)
        *oom = 1;
    return p;
}

int registry_client_open(const struct image_ref *ref, const struct registry_options *o,
                         struct registry_client **out, struct strata_error *err)
{
    static const struct registry_options none = {0};
    if (o == NULL)
        o = &none;
    pthread_once(&curl_once, curl_setup);
    if (!curl_ready)
        return strata_error_set(err, STRATA_EINTERNAL, "libcurl initialisation failed");
    if ((o->username == NULL) != (o->password == NULL))
        return strata_error_set(err, STRATA_EUSAGE,
                                "a registry username needs a password and the other way round");
    const char *ca = o->ca_file;
    if (ca == NULL && getenv("SSL_CERT_FILE") && getenv("SSL_CERT_FILE")[0])
        ca = getenv("SSL_CERT_FILE");
    int rc = ca ? check_ca_file(ca, err) : 0;
    if (rc != 0)
        return rc;
    struct registry_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return strata_error_nomem(err);
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_init(&c->auth_lock, NULL);
    rc = image_ref_parse(ref->canonical, &c->ref, err);
    if (rc != 0) {
        registry_client_free(c);
        return rc;
    }
    c->insecure = o->insecure;
    c->timeout_s = o->timeout_s > 0 ? o->timeout_s : REGISTRY_DEFAULT_TIMEOUT_S;
    int oom = 0;
    c->display = dup_or_null(ref->canonical, &oom);
    c->ca_file = dup_or_null(ca, &oom);
    c->username = dup_or_null(o->username, &oom);
    c->password = dup_or_null(o->password, &oom);
    if (o->username)
        c->cred_source = dup_or_null("--username/--password", &oom);
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_addf(&sb, "%s://%s", o->insecure ? "http" : "https", image_ref_endpoint(ref)) != 0)
        oom = 1;
    c->origin = oom ? NULL : strbuf_detach(&sb);
    if (c->origin && strbuf_addf(&sb, "%s/v2/%s", c->origin, c->ref.repository) == 0)
        c->base = strbuf_detach(&sb);
    strbuf_release(&sb);
    if (oom || c->origin == NULL || c->base == NULL) {
        registry_client_free(c);
        return strata_error_nomem(err);
    }
    rc = c->ca_file ? build_ca_bundle(c, err) : 0;
    if (rc == 0)
        rc = docker_config_path(o->docker_config, &c->docker_config, err);
    if (rc != 0) {
        registry_client_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void registry_manifest_release(struct registry_manifest *m)
{
    free(m->data);
    free(m->media_type);
    memset(m, 0, sizeof *m);
}

/* Media type from Content-Type without parameters, else the document's mediaType. */
static char *media_type_of(const struct reg_response *rs, const char *data, size_t len)
{
    if (rs->content_type && rs->content_type[0]) {
        size_t n = strcspn(rs->content_type, "; \t");
        if (n > 0 && n < 256 && strncasecmp(rs->content_type, "application/json", n) != 0 &&
            strncasecmp(rs->content_type, "text/plain", n) != 0) {
            char *p = malloc(n + 1);
            if (p) {
                memcpy(p, rs->content_type, n);
                p[n] = '\0';
            }
            return p;
        }
    }
    json_t *j = json_loadb(data, len, 0, NULL);
    const char *mt = json_string_value(json_object_get(j, "mediaType"));
    char *p = mt && strlen(mt) < 256 ? strdup(mt) : NULL;
    json_decref(j);
    return p;
}

static int is_digest(const char *ref)
{
    return strncmp(ref, "sha256:", 7) == 0;
}

/* A manifest reference goes into the URL path: it must be a sha256 digest or a tag
 * ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}), nothing that could add a path or a query. */
static int check_ref(struct registry_client *c, const char *ref, struct strata_error *err)
{
    int ok = digest_is_valid_sha256(ref);
    size_t n = strlen(ref);
    if (!ok && !is_digest(ref) && n > 0 && n <= IMAGE_REF_MAX_TAG && ref[0] != '.' &&
        ref[0] != '-') {
        ok = 1;
        for (size_t i = 0; i < n && ok; i++)
            ok = (ref[i] >= 'a' && ref[i] <= 'z') || (ref[i] >= 'A' && ref[i] <= 'Z') ||
                 (ref[i] >= '0' && ref[i] <= '9') || ref[i] == '_' || ref[i] == '.' ||
                 ref[i] == '-';
    }
    if (ok)
        return 0;
    return strata_error_set(err, STRATA_EUSAGE, "%s: '%.140s' is neither a tag nor a sha256 digest",
                            c->display, ref);
}

int registry_get_manifest(struct registry_client *c, const char *ref, struct registry_manifest *out,
                          struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    char what[160];
    snprintf(what, sizeof what, "manifest %.100s", ref);
    int rc0 = check_ref(c, ref, err);
    if (rc0 != 0)
        return rc0;
    struct strbuf suffix = STRBUF_INIT;
    if (strbuf_addf(&suffix, "/manifests/%s", ref) != 0)
        return strata_error_nomem(err);
    char *url = reg_url(c, suffix.buf);
    strbuf_release(&suffix);
    if (url == NULL)
        return strata_error_nomem(err);
    struct reg_request rq = {
        .method = "GET",
        .url = url,
        .accept = ACCEPT_MANIFESTS,
        .max_body = REGISTRY_MAX_MANIFEST,
        .to_fd = -1,
    };
    struct reg_response rs;
    int rc = reg_perform(c, &rq, what, &rs, err);
    if (rc == 0 && rs.status != 200)
        rc = reg_status_error(c, &rq, what, &rs, err);
    if (rc == 0 && sha256_buffer_str(rs.body.buf ? rs.body.buf : "", rs.body.len, out->digest) != 0)
        rc = strata_error_nomem(err);
    if (rc == 0 && is_digest(ref) && strcmp(out->digest, ref) != 0)
        rc = strata_error_set(err, STRATA_EDIGEST,
                              "%s: %s: the registry served content whose digest is %s", c->display,
                              what, out->digest);
    if (rc == 0) {
        out->len = rs.body.len;
        out->data = strbuf_detach(&rs.body);
        if (out->data == NULL)
            rc = strata_error_nomem(err);
        else
            out->media_type = media_type_of(&rs, out->data, out->len);
    }
    reg_response_release(&rs);
    free(url);
    if (rc != 0)
        registry_manifest_release(out);
    return rc;
}

int registry_resolve(struct registry_client *c, const char *ref, int *exists,
                     char digest[STRATA_DIGEST_STRLEN], struct strata_error *err)
{
    *exists = 0;
    digest[0] = '\0';
    char what[160];
    snprintf(what, sizeof what, "manifest %.100s", ref);
    int rc0 = check_ref(c, ref, err);
    if (rc0 != 0)
        return rc0;
    struct strbuf suffix = STRBUF_INIT;
    if (strbuf_addf(&suffix, "/manifests/%s", ref) != 0)
        return strata_error_nomem(err);
    char *url = reg_url(c, suffix.buf);
    strbuf_release(&suffix);
    if (url == NULL)
        return strata_error_nomem(err);
    struct reg_request rq = {
        .method = "HEAD",
        .url = url,
        .accept = ACCEPT_MANIFESTS,
        .max_body = 0,
        .to_fd = -1,
    };
    struct reg_response rs;
    int rc = reg_perform(c, &rq, what, &rs, err);
    int head_ok = rc == 0 && rs.status == 200;
    if (rc == 0 && rs.status != 200 && rs.status != 404)
        rc = reg_status_error(c, &rq, what, &rs, err);
    if (head_ok && rs.docker_digest && digest_is_valid_sha256(rs.docker_digest) &&
        (!is_digest(ref) || strcmp(ref, rs.docker_digest) == 0)) {
        memcpy(digest, rs.docker_digest, STRATA_DIGEST_STRLEN);
        *exists = 1;
    } else if (head_ok) {
        /* no usable Docker-Content-Digest: hash what a GET serves */
        struct registry_manifest m;
        rc = registry_get_manifest(c, ref, &m, err);
        if (rc == 0) {
            memcpy(digest, m.digest, STRATA_DIGEST_STRLEN);
            *exists = 1;
            registry_manifest_release(&m);
        }
    }
    reg_response_release(&rs);
    free(url);
    return rc;
}

static char *blob_url(struct registry_client *c, const char *digest)
{
    struct strbuf suffix = STRBUF_INIT;
    if (strbuf_addf(&suffix, "/blobs/%s", digest) != 0)
        return NULL;
    char *url = reg_url(c, suffix.buf);
    strbuf_release(&suffix);
    return url;
}

int registry_get_blob(struct registry_client *c, const char *digest, uint64_t max, char **data,
                      size_t *len, struct strata_error *err)
{
    *data = NULL;
    *len = 0;
    char what[100];
    snprintf(what, sizeof what, "blob %.80s", digest);
    if (!digest_is_valid_sha256(digest))
        return strata_error_set(err, STRATA_EUSAGE, "%s: %s: not a sha256 digest", c->display,
                                what);
    char *url = blob_url(c, digest);
    if (url == NULL)
        return strata_error_nomem(err);
    struct reg_request rq = {.method = "GET", .url = url, .max_body = max, .to_fd = -1};
    struct reg_response rs;
    int rc = reg_perform(c, &rq, what, &rs, err);
    if (rc == 0 && rs.status != 200)
        rc = reg_status_error(c, &rq, what, &rs, err);
    char got[STRATA_DIGEST_STRLEN];
    if (rc == 0 && sha256_buffer_str(rs.body.buf ? rs.body.buf : "", rs.body.len, got) != 0)
        rc = strata_error_nomem(err);
    if (rc == 0 && strcmp(got, digest) != 0)
        rc = strata_error_set(err, STRATA_EDIGEST,
                              "%s: %s: content does not match its digest (it hashes to %s)",
                              c->display, what, got);
    if (rc == 0) {
        *len = rs.body.len;
        if ((*data = strbuf_detach(&rs.body)) == NULL)
            rc = strata_error_nomem(err);
    }
    reg_response_release(&rs);
    free(url);
    return rc;
}

int registry_blob_download(struct registry_client *c, const char *digest, uint64_t size, int fd,
                           struct strata_error *err)
{
    char what[100];
    snprintf(what, sizeof what, "blob %.80s", digest);
    if (!digest_is_valid_sha256(digest))
        return strata_error_set(err, STRATA_EUSAGE, "%s: %s: not a sha256 digest", c->display,
                                what);
    char *url = blob_url(c, digest);
    struct sha256_ctx *hash = sha256_new();
    if (url == NULL || hash == NULL) {
        free(url);
        sha256_free(hash);
        return strata_error_nomem(err);
    }
    struct reg_request rq = {
        .method = "GET", .url = url, .max_body = size, .to_fd = fd, .hash = &hash};
    struct reg_response rs;
    int rc = reg_perform(c, &rq, what, &rs, err);
    if (rc == 0 && rs.status != 200)
        rc = reg_status_error(c, &rq, what, &rs, err);
    if (rc == 0 && rs.received != size)
        rc = strata_error_set(err, STRATA_EDIGEST,
                              "%s: %s: %llu bytes received, the manifest says %llu", c->display,
                              what, (unsigned long long)rs.received, (unsigned long long)size);
    if (rc == 0) {
        char got[STRATA_DIGEST_STRLEN];
        sha256_final_str(hash, got);
        if (strcmp(got, digest) != 0)
            rc = strata_error_set(err, STRATA_EDIGEST,
                                  "%s: %s: downloaded content does not match its digest (it "
                                  "hashes to %s): refusing it",
                                  c->display, what, got);
    }
    sha256_free(hash);
    reg_response_release(&rs);
    free(url);
    return rc;
}

int registry_blob_exists(struct registry_client *c, const char *digest, int *exists, uint64_t *size,
                         struct strata_error *err)
{
    *exists = 0;
    char what[100];
    snprintf(what, sizeof what, "blob %.80s", digest);
    if (!digest_is_valid_sha256(digest))
        return strata_error_set(err, STRATA_EUSAGE, "%s: %s: not a sha256 digest", c->display,
                                what);
    char *url = blob_url(c, digest);
    if (url == NULL)
        return strata_error_nomem(err);
    struct reg_request rq = {.method = "HEAD", .url = url, .to_fd = -1};
    struct reg_response rs;
    int rc = reg_perform(c, &rq, what, &rs, err);
    if (rc == 0 && rs.status == 200) {
        *exists = 1;
        if (size)
            *size = rs.content_length >= 0 ? (uint64_t)rs.content_length : 0;
    } else if (rc == 0 && rs.status != 404) {
        rc = reg_status_error(c, &rq, what, &rs, err);
    }
    reg_response_release(&rs);
    free(url);
    return rc;
}

/* An upload Location, absolute or relative to the registry, plus "digest=…". */
static char *upload_url(struct registry_client *c, const char *location, const char *digest)
{
    struct strbuf sb = STRBUF_INIT;
    int rc;
    if (strncasecmp(location, "https://", 8) == 0 || strncasecmp(location, "http://", 7) == 0)
        rc = strbuf_adds(&sb, location);
    else if (location[0] == '/')
        rc = strbuf_addf(&sb, "%s%s", c->origin, location);
    else
        rc = strbuf_addf(&sb, "%s/%s", c->origin, location);
    if (rc == 0)
        rc = strbuf_addf(&sb, "%cdigest=sha256%%3A%s", strchr(location, '?') ? '&' : '?',
                         digest + 7);
    if (rc != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return 1;
    return 0;
}

int registry_put_blob(struct registry_client *c, const void *data, size_t len,
                      char digest_out[STRATA_DIGEST_STRLEN], struct strata_error *err)
{
    if (sha256_buffer_str(data, len, digest_out) != 0)
        return strata_error_nomem(err);
    int exists;
    int rc = registry_blob_exists(c, digest_out, &exists, NULL, err);
    if (rc != 0 || exists)
        return rc;
    char what[100];
    snprintf(what, sizeof what, "blob upload %.80s", digest_out);
    char *url = reg_url(c, "/blobs/uploads/");
    if (url == NULL)
        return strata_error_nomem(err);
    struct reg_request post = {
        .method = "POST", .url = url, .to_fd = -1, .scope = REG_SCOPE_PUSH, .max_body = 65536};
    struct reg_response rs;
    rc = reg_perform(c, &post, what, &rs, err);
    if (rc == 0 && rs.status != 202)
        rc = reg_status_error(c, &post, what, &rs, err);
    if (rc == 0 && (rs.location == NULL || rs.location[0] == '\0' || has_control(rs.location)))
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: %s: the registry accepted the upload without a usable "
                              "Location header",
                              c->display, what);
    char *put_url = rc == 0 ? upload_url(c, rs.location, digest_out) : NULL;
    reg_response_release(&rs);
    free(url);
    if (rc != 0)
        return rc;
    if (put_url == NULL)
        return strata_error_nomem(err);
    struct reg_request put = {
        .method = "PUT",
        .url = put_url,
        .content_type = "application/octet-stream",
        .upload = data,
        .upload_len = len,
        .to_fd = -1,
        .scope = REG_SCOPE_PUSH,
        .max_body = 65536,
    };
    rc = reg_perform(c, &put, what, &rs, err);
    if (rc == 0 && rs.status != 201)
        rc = reg_status_error(c, &put, what, &rs, err);
    reg_response_release(&rs);
    free(put_url);
    return rc;
}

int registry_put_manifest(struct registry_client *c, const char *ref, const char *media_type,
                          const void *data, size_t len, char digest_out[STRATA_DIGEST_STRLEN],
                          struct strata_error *err)
{
    if (sha256_buffer_str(data, len, digest_out) != 0)
        return strata_error_nomem(err);
    char what[160];
    snprintf(what, sizeof what, "manifest upload %.100s", ref);
    int rc0 = check_ref(c, ref, err);
    if (rc0 != 0)
        return rc0;
    if (len > REGISTRY_MAX_MANIFEST)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %s: %zu bytes, more than %u", c->display,
                                what, len, REGISTRY_MAX_MANIFEST);
    if (is_digest(ref) && strcmp(ref, digest_out) != 0)
        return strata_error_set(err, STRATA_EUSAGE, "%s: %s: the content's digest is %s",
                                c->display, what, digest_out);
    if (media_type == NULL || has_control(media_type) || strlen(media_type) > 255)
        return strata_error_set(err, STRATA_EUSAGE, "%s: %s: bad media type", c->display, what);
    struct strbuf suffix = STRBUF_INIT;
    if (strbuf_addf(&suffix, "/manifests/%s", ref) != 0)
        return strata_error_nomem(err);
    char *url = reg_url(c, suffix.buf);
    strbuf_release(&suffix);
    if (url == NULL)
        return strata_error_nomem(err);
    struct reg_request rq = {
        .method = "PUT",
        .url = url,
        .content_type = media_type,
        .upload = data,
        .upload_len = len,
        .to_fd = -1,
        .scope = REG_SCOPE_PUSH,
        .max_body = 65536,
    };
    struct reg_response rs;
    int rc = reg_perform(c, &rq, what, &rs, err);
    if (rc == 0 && rs.status != 201 && rs.status != 200)
        rc = reg_status_error(c, &rq, what, &rs, err);
    reg_response_release(&rs);
    free(url);
    return rc;
}

void registry_tags_release(struct registry_tags *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
    memset(t, 0, sizeof *t);
}

char *reg_link_next(struct registry_client *c, const char *link, int *oom)
{
    if (link == NULL || strstr(link, "rel=\"next\"") == NULL || link[0] != '<')
        return NULL;
    const char *end = strchr(link, '>');
    if (end == NULL)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    size_t n = (size_t)(end - link - 1);
    int rc = link[1] == '/' ? strbuf_addf(&sb, "%s%.*s", c->origin, (int)n, link + 1)
                            : strbuf_addf(&sb, "%.*s", (int)n, link + 1);
    char *u = rc == 0 ? strbuf_detach(&sb) : NULL;
    strbuf_release(&sb);
    if (u == NULL)
        *oom = 1;
    /* only pages of this registry, never a scheme we would not use for it */
    if (u && strncmp(u, c->origin, strlen(c->origin)) != 0) {
        free(u);
        u = NULL;
    }
    if (u && has_control(u)) {
        free(u);
        u = NULL;
    }
    return u;
}

static int add_tags(struct registry_client *c, const struct reg_response *rs,
                    struct registry_tags *out, struct strata_error *err)
{
    json_t *j;
    char what[300];
    snprintf(what, sizeof what, "%s: tags/list", c->display);
    int rc = json_load_document(rs->body.buf ? rs->body.buf : "", rs->body.len, what, TAGS_MAX_BODY,
                                JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    json_t *tags = json_object_get(j, "tags");
    if (tags != NULL && !json_is_array(tags) && !json_is_null(tags)) {
        json_decref(j);
        return strata_error_set(err, STRATA_EFORMAT, "%s: \"tags\" is not an array", what);
    }
    size_t n = json_array_size(tags);
    if (out->n + n > REGISTRY_MAX_TAGS) {
        json_decref(j);
        return strata_error_set(err, STRATA_ELIMIT, "%s: more than %d tags", what,
                                REGISTRY_MAX_TAGS);
    }
    char **v = realloc(out->v, (out->n + n + 1) * sizeof *v);
    if (v == NULL) {
        json_decref(j);
        return strata_error_nomem(err);
    }
    out->v = v;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *t = json_string_value(json_array_get(tags, i));
        if (t == NULL || strlen(t) > IMAGE_REF_MAX_TAG || has_control(t))
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: tags[%zu] is not a tag", what, i);
        else if ((out->v[out->n] = strdup(t)) == NULL)
            rc = strata_error_nomem(err);
        else
            out->n++;
    }
    json_decref(j);
    return rc;
}

int registry_list_tags(struct registry_client *c, struct registry_tags *out,
                       struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    char *url = reg_url(c, "/tags/list");
    if (url == NULL)
        return strata_error_nomem(err);
    int rc = 0;
    for (int page = 0; url != NULL && rc == 0; page++) {
        if (page >= MAX_TAG_PAGES) {
            rc = strata_error_set(err, STRATA_ELIMIT, "%s: tags/list: more than %d pages",
                                  c->display, MAX_TAG_PAGES);
            break;
        }
        struct reg_request rq = {.method = "GET",
                                 .url = url,
                                 .accept = "application/json",
                                 .to_fd = -1,
                                 .max_body = TAGS_MAX_BODY};
        struct reg_response rs;
        rc = reg_perform(c, &rq, "tags/list", &rs, err);
        if (rc == 0 && rs.status != 200)
            rc = reg_status_error(c, &rq, "tags/list", &rs, err);
        if (rc == 0)
            rc = add_tags(c, &rs, out, err);
        int oom = 0;
        char *next = rc == 0 ? reg_link_next(c, rs.link, &oom) : NULL;
        if (oom)
            rc = strata_error_nomem(err);
        reg_response_release(&rs);
        free(url);
        url = next;
    }
    free(url);
    if (rc != 0)
        registry_tags_release(out);
    return rc;
}
