/* A client of the OCI distribution API (https://github.com/opencontainers/distribution-spec),
 * over libcurl: manifests and indexes (OCI and Docker v2 media types), blobs, monolithic
 * uploads and tag lists of one repository of one registry.
 *
 * Authentication follows the registry's 401 answers: a "Bearer" challenge (realm, service,
 * scope) is answered by a token from the realm (anonymous, or with basic credentials), a
 * "Basic" challenge by the credentials. Credentials come from registry_options.username/
 * password, else from the "auths" of the Docker config.json (docker_config.h). Requests go
 * over https:// with the system CAs (plus ca_file or $SSL_CERT_FILE); plain http:// only with
 * insecure = 1. 429 and 5xx answers and dropped connections are retried with backoff (at most
 * REGISTRY_RETRIES times, Retry-After honoured when it fits in the timeout); every request,
 * retries and waits included, ends within timeout_s seconds.
 *
 * Errors name the reference ("127.0.0.1:5000/app:1: manifest not found (HTTP 404 …)"):
 *   STRATA_EUSAGE     bad options (CA file unreadable, bad platform, http without --insecure)
 *   STRATA_ENOTFOUND  404: manifest, blob or repository unknown
 *   STRATA_EDIGEST    content does not match the digest it was asked by or announced with
 *   STRATA_EFORMAT    the registry answered something that is not what the API says
 *   STRATA_ELIMIT     a body over its bound, or the timeout passed
 *   STRATA_EIO        401/403 (the message says which and how to give credentials), network
 *                     and TLS failures, other statuses, retries exhausted
 *
 * Thread safety: one client may be used from several threads at once (blob downloads of a
 * pull run in parallel); each call uses its own connection handle. */
#ifndef STRATA_SOURCE_REGISTRY_H
#define STRATA_SOURCE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"
#include "source/reference.h"
#include "strata/error.h"

#define REGISTRY_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define REGISTRY_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define REGISTRY_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define REGISTRY_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

#define REGISTRY_MAX_MANIFEST (4u << 20)    /* distribution refuses manifests above 4 MiB too */
#define REGISTRY_MAX_SMALL_BLOB (16u << 20) /* configs, signature payloads read into memory */
#define REGISTRY_DEFAULT_TIMEOUT_S 300
#define REGISTRY_RETRIES 4

struct registry_options {
    int insecure;         /* 1: talk plain http:// (only ever when asked) */
    const char *ca_file;  /* PEM CAs trusted besides the system ones; NULL: $SSL_CERT_FILE */
    long timeout_s;       /* bound on each request, retries included; 0: the default */
    const char *username; /* both set: used instead of config.json */
    const char *password;
    const char *docker_config; /* config.json; NULL: $DOCKER_CONFIG/config.json, else
                                  ~/.docker/config.json; "" : none */
    const char *cache_dir;     /* blob cache root; NULL: registry_cache.h's default */
    const char *platform;      /* "os/arch[/variant]" to pick from an index; NULL: the host's */
    int progress;              /* pull progress on stderr */
};

struct registry_client;

/* A client for ref's registry and repository (ref's tag/digest is not used, except in
 * messages). Nothing is sent yet. */
int registry_client_open(const struct image_ref *ref, const struct registry_options *o,
                         struct registry_client **out, struct strata_error *err);
void registry_client_free(struct registry_client *c);

struct registry_manifest {
    char *data; /* raw bytes exactly as served (what the digest covers), NUL-terminated */
    size_t len;
    char *media_type; /* Content-Type, else the document's "mediaType"; NULL when neither */
    char digest[STRATA_DIGEST_STRLEN]; /* sha256 of data */
};
void registry_manifest_release(struct registry_manifest *m);

/* GET /v2/<repo>/manifests/<ref>, ref a tag or a "sha256:…" digest, accepting the four
 * manifest and index media types. Asked by digest, the content must hash to it (EDIGEST). */
int registry_get_manifest(struct registry_client *c, const char *ref, struct registry_manifest *out,
                          struct strata_error *err);

/* HEAD the manifest: its digest (Docker-Content-Digest, else a GET and a hash). *exists is 0
 * and the call succeeds on 404, so "is it signed?" lookups need no error handling. */
int registry_resolve(struct registry_client *c, const char *ref, int *exists,
                     char digest[STRATA_DIGEST_STRLEN], struct strata_error *err);

/* GET a blob of at most max bytes into memory, checked against digest. */
int registry_get_blob(struct registry_client *c, const char *digest, uint64_t max, char **data,
                      size_t *len, struct strata_error *err);

/* GET a blob of size bytes into fd (written from its current offset, which must be 0; the
 * file is truncated and rewritten on a retry), hashed as it arrives: a different size or
 * digest is STRATA_EDIGEST and fd then holds bytes that must not be used. */
int registry_blob_download(struct registry_client *c, const char *digest, uint64_t size, int fd,
                           struct strata_error *err);

/* HEAD a blob: *exists 1 or 0 (404); *size when it exists and size is not NULL. */
int registry_blob_exists(struct registry_client *c, const char *digest, int *exists, uint64_t *size,
                         struct strata_error *err);

/* Uploads a blob unless the registry has it: monolithic upload, POST /v2/<repo>/blobs/uploads/
 * then PUT <Location>?digest=…. digest_out gets the sha256 of data. */
int registry_put_blob(struct registry_client *c, const void *data, size_t len,
                      char digest_out[STRATA_DIGEST_STRLEN], struct strata_error *err);

/* PUT /v2/<repo>/manifests/<ref> (a tag, or the digest of data) with Content-Type
 * media_type; every blob it names must be uploaded first. digest_out gets sha256 of data. */
int registry_put_manifest(struct registry_client *c, const char *ref, const char *media_type,
                          const void *data, size_t len, char digest_out[STRATA_DIGEST_STRLEN],
                          struct strata_error *err);

#define REGISTRY_MAX_TAGS 100000
struct registry_tags {
    char **v;
    size_t n;
};
/* GET /v2/<repo>/tags/list, following "Link: <…>; rel=next" pages; at most REGISTRY_MAX_TAGS. */
int registry_list_tags(struct registry_client *c, struct registry_tags *out,
                       struct strata_error *err);
void registry_tags_release(struct registry_tags *t);

#endif
