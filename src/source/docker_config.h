/* Registry credentials from the Docker client's config.json, the file `docker login` and
 * `skopeo login --authfile` write:
 *
 *   {"auths": {"registry.example:5000": {"auth": "<base64 of user:password>"},
 *              "https://index.docker.io/v1/": {"username": "u", "password": "p"}},
 *    "credHelpers": {"gcr.io": "gcloud"}, "credsStore": "desktop"}
 *
 * The file is $DOCKER_CONFIG/config.json when DOCKER_CONFIG is set, else
 * ~/.docker/config.json. An "auths" key matches a registry after dropping an http(s):// scheme
 * and any path ("https://index.docker.io/v1/" is docker.io). "credHelpers" / "credsStore"
 * name docker-credential-<name> programs: strata runs `docker-credential-<name> get` (server
 * URL on stdin, JSON {"Username","Secret"} on stdout, bounded in size and time) only when the
 * registry has no "auths" entry. An "identitytoken" (OAuth refresh token) is not used.
 * Bounds: the file at most DOCKER_CONFIG_MAX_FILE bytes, a decoded credential at most
 * DOCKER_CONFIG_MAX_CRED. */
#ifndef STRATA_SOURCE_DOCKER_CONFIG_H
#define STRATA_SOURCE_DOCKER_CONFIG_H

#include <stddef.h>

#include "strata/error.h"

#define DOCKER_CONFIG_MAX_FILE (4u << 20)
#define DOCKER_CONFIG_MAX_CRED 8192

struct docker_credentials {
    char *username;
    char *password;
    char *source; /* for messages: "/root/.docker/config.json auths[\"host\"]" */
};

/* The config.json path: explicit when not NULL, else the default above; NULL in *out when
 * there is none (no DOCKER_CONFIG and no HOME) or explicit is "". Caller frees. */
int docker_config_path(const char *explicit, char **out, struct strata_error *err);

/* Credentials for registry ("docker.io", "host:port") from the config text (already read;
 * path only names it in messages). *found is 0 when the registry has no entry. A malformed
 * file or entry is STRATA_EFORMAT naming the file (line:column for JSON errors). helper gets
 * the credential helper to ask when there is no "auths" entry (or NULL; points into a string
 * the caller frees with free()). */
int docker_config_parse(const char *text, size_t len, const char *path, const char *registry,
                        struct docker_credentials *out, int *found, char **helper,
                        struct strata_error *err);

/* Reads the file at path (absent: *found = 0, no error), then as docker_config_parse, then
 * the credential helper if one is named. */
int docker_config_lookup(const char *path, const char *registry, struct docker_credentials *out,
                         int *found, struct strata_error *err);

/* Runs docker-credential-<helper> get for registry; *found 0 when it knows none. */
int docker_credential_helper_get(const char *helper, const char *registry,
                                 struct docker_credentials *out, int *found,
                                 struct strata_error *err);

void docker_credentials_release(struct docker_credentials *c);

#endif
