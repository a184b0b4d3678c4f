#include "source/image_source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source/registry_source.h"

void image_source_free(struct image_source *s)
{
    if (s == NULL)
        return;
    registry_pull_free(s->pull); /* its downloads use the layers and the container */
    free(s->kind);
    free(s->name);
    free(s->digest);
    json_decref(s->config);
    for (size_t i = 0; i < s->n_layers; i++) {
        free(s->layers[i].member);
        free(s->layers[i].digest);
        free(s->layers[i].media_type);
        free(s->layers[i].diff_id);
        free(s->layers[i].created_by);
    }
    free(s->layers);
    if (s->container.fd >= 0)
        container_close(&s->container);
    free(s->path);
    free(s);
}

int source_parse_json(const char *data, size_t len, const char *what, json_t **out,
                      struct strata_error *err)
{
    json_error_t je;
    json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %d, column %d: %s", what, je.line,
                                je.column, je.text);
    *out = j;
    return 0;
}

/* Reads rootfs.diff_ids and history into the layers, which the caller has already sized. */
int source_apply_config(struct image_source *s, const char *config_data, size_t config_len,
                        const char *what, struct strata_error *err)
{
    int rc = source_parse_json(config_data, config_len, what, &s->config, err);
    if (rc != 0)
        return rc;
    if (!json_is_object(s->config))
        return strata_error_set(err, STRATA_EFORMAT, "%s: not a JSON object", what);
    json_t *diff_ids = json_object_get(json_object_get(s->config, "rootfs"), "diff_ids");
    if (!json_is_array(diff_ids))
        return strata_error_set(err, STRATA_EFORMAT, "%s: rootfs.diff_ids missing", what);
    if (json_array_size(diff_ids) != s->n_layers)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: rootfs.diff_ids lists %zu layers but the manifest has %zu",
                                what, json_array_size(diff_ids), s->n_layers);
    for (size_t i = 0; i < s->n_layers; i++) {
        const char *d = json_string_value(json_array_get(diff_ids, i));
        if (!digest_is_valid_sha256(d))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: rootfs.diff_ids[%zu] is not a sha256 digest", what, i);
        if ((s->layers[i].diff_id = strdup(d)) == NULL)
            return strata_error_nomem(err);
    }
    /* The i-th history entry that is not empty_layer describes layer i. */
    json_t *hist = json_object_get(s->config, "history");
    size_t li = 0, hi;
    json_t *h;
    json_array_foreach(hist, hi, h)
    {
        if (json_is_true(json_object_get(h, "empty_layer")))
            continue;
        if (li >= s->n_layers)
            break;
        const char *cb = json_string_value(json_object_get(h, "created_by"));
        if (cb && (s->layers[li].created_by = strdup(cb)) == NULL)
            return strata_error_nomem(err);
        li++;
    }
    return 0;
}

static int path_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Splits "[TRANSPORT:]PATH[:REF]". The path is the longest prefix that exists, so paths with
 * colons still work; what follows the next colon is the reference. */
static int split_spec(const char *spec, char **path, char **ref, const char **transport,
                      struct strata_error *err)
{
    static const char *const transports[] = {"docker-archive", "oci-archive", "oci", NULL};
    *transport = NULL;
    *ref = NULL;
    const char *rest = spec;
    if (!path_exists(spec)) {
        for (int i = 0; transports[i]; i++) {
            size_t n = strlen(transports[i]);
            if (strncmp(spec, transports[i], n) == 0 && spec[n] == ':') {
                *transport = transports[i];
                rest = spec + n + 1;
                break;
            }
        }
    }
    char *p = strdup(rest);
    if (p == NULL)
        return strata_error_nomem(err);
    if (path_exists(p)) {
        *path = p;
        return 0;
    }
    for (char *c = p; (c = strchr(c, ':')) != NULL; c++) {
        *c = '\0';
        if (path_exists(p)) {
            *ref = strdup(c + 1);
            if (*ref == NULL) {
                free(p);
                return strata_error_nomem(err);
            }
            *path = p;
            return 0;
        }
        *c = ':';
    }
    int rc = strata_error_set(err, STRATA_ENOTFOUND, "%s: %s", rest, strerror(ENOENT));
    free(p);
    return rc;
}

static int open_registry(const char *text, const char *platform,
                         const struct registry_options *registry_opts, struct image_source **out,
                         struct strata_error *err)
{
    struct image_source *s = calloc(1, sizeof *s);
    if (s == NULL)
        return strata_error_nomem(err);
    s->container.fd = -1;
    struct registry_options o = {0};
    if (registry_opts != NULL)
        o = *registry_opts;
    if (platform != NULL)
        o.platform = platform;
    int rc = registry_image_load(s, text, &o, err);
    if (rc != 0) {
        image_source_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int image_source_open(const char *spec, const char *platform, const struct registry_options *reg,
                      struct image_source **out, struct strata_error *err)
{
    char *path = NULL, *ref = NULL;
    const char *transport = NULL, *remote;
    /* A local path always wins; "registry:" / "docker://" force the registry; a reference
     * naming its registry host that is no local path goes to the registry. */
    if (!path_exists(spec) &&
        (strncmp(spec, "registry:", 9) == 0 || strncmp(spec, "docker://", 9) == 0)) {
        registry_spec_is_remote(spec, &remote);
        return open_registry(remote, platform, reg, out, err);
    }
    int rc = split_spec(spec, &path, &ref, &transport, err);
    if (rc == STRATA_ENOTFOUND && transport == NULL && registry_spec_is_remote(spec, &remote))
        return open_registry(remote, platform, reg, out, err);
    if (rc == STRATA_ENOTFOUND && transport == NULL && strchr(spec, '/') == NULL &&
        strchr(spec, ':') != NULL)
        strata_error_set(err, rc,
                         "%s: no such file; to pull it from Docker Hub, write docker://%s or "
                         "docker.io/%s",
                         spec, spec, spec);
    if (rc != 0)
        return rc;
    struct image_source *s = calloc(1, sizeof *s);
    if (s == NULL) {
        free(path);
        free(ref);
        return strata_error_nomem(err);
    }
    s->container.fd = -1;
    s->path = path; /* the container and error messages keep pointers into it */
    struct image_open_opts o = {ref, platform};
    rc = container_open(path, &s->container, err);
    if (rc == 0) {
        int is_oci = container_has(&s->container, "index.json") ||
                     container_has(&s->container, "oci-layout");
        int is_docker = container_has(&s->container, "manifest.json");
        if (transport && strcmp(transport, "docker-archive") == 0)
            is_oci = 0;
        else if (transport)
            is_docker = 0;
        if (is_oci)
            rc = oci_layout_load(s, &o, err);
        else if (is_docker)
            rc = docker_archive_load(s, &o, err);
        else
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: neither an OCI layout (index.json) nor a docker-archive "
                                  "(manifest.json)",
                                  path);
        if (rc == 0 && s->name == NULL && (s->name = strdup(path)) == NULL)
            rc = strata_error_nomem(err);
    }
    free(ref);
    if (rc != 0) {
        image_source_free(s);
        return rc;
    }
    *out = s;
    return 0;
}
