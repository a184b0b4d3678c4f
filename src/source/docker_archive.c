/* docker-archive (`docker save`, `skopeo copy … docker-archive:`): manifest.json lists per
 * image its Config member, RepoTags and Layers members. Layer members may be compressed
 * whatever their names say; the layer stream sniffs that. */
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "source/image_source.h"

/* Picks the manifest.json entry: the only one, or the one whose RepoTags hold ref. */
static int pick_image(struct image_source *s, json_t *manifest, const char *ref, json_t **out,
                      struct strata_error *err)
{
    const char *arch = s->path;
    if (!json_is_array(manifest) || json_array_size(manifest) == 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: manifest.json: expected a non-empty array of images", arch);
    size_t i;
    json_t *img;
    if (ref == NULL && json_array_size(manifest) == 1) {
        *out = json_array_get(manifest, 0);
        return 0;
    }
    struct strbuf choices = STRBUF_INIT;
    json_array_foreach(manifest, i, img)
    {
        json_t *tags = json_object_get(img, "RepoTags");
        size_t k;
        json_t *t;
        int any = 0;
        json_array_foreach(tags, k, t)
        {
            const char *tag = json_string_value(t);
            if (tag == NULL)
                continue;
            any = 1;
            if (ref && strcmp(tag, ref) == 0) {
                strbuf_release(&choices);
                *out = img;
                return 0;
            }
            strbuf_addf(&choices, "%s%s", choices.len ? ", " : "", tag);
        }
        if (!any)
            strbuf_addf(&choices, "%s(untagged image #%zu)", choices.len ? ", " : "", i);
    }
    int rc;
    if (ref)
        rc = strata_error_set(err, STRATA_ENOTFOUND, "%s: no image tagged '%s'; choices: %s", arch,
                              ref, choices.buf ? choices.buf : "none");
    else
        rc = strata_error_set(err, STRATA_EUSAGE,
                              "%s: holds %zu images; pick one with %s:TAG; choices: %s", arch,
                              json_array_size(manifest), arch, choices.buf ? choices.buf : "");
    strbuf_release(&choices);
    return rc;
}

int docker_archive_load(struct image_source *s, const struct image_open_opts *o,
                        struct strata_error *err)
{
    const char *arch = s->path;
    char *data = NULL;
    size_t len = 0;
    json_t *manifest = NULL;
    int rc = container_read(&s->container, "manifest.json", &data, &len, err);
    if (rc != 0)
        return rc;
    char what[512];
    snprintf(what, sizeof what, "%s: manifest.json", arch);
    rc = source_parse_json(data, len, what, &manifest, err);
    free(data);
    data = NULL;
    if (rc != 0)
        return rc;
    json_t *img = NULL;
    rc = pick_image(s, manifest, o->ref, &img, err);
    if (rc != 0)
        goto out;
    const char *config_name = json_string_value(json_object_get(img, "Config"));
    json_t *layers = json_object_get(img, "Layers");
    if (config_name == NULL || !json_is_array(layers)) {
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: manifest.json: image entry lacks Config or Layers", arch);
        goto out;
    }
    if (json_array_size(layers) > IMAGE_MAX_LAYERS) {
        rc = strata_error_set(err, STRATA_ELIMIT, "%s: %zu layers (limit %d)", arch,
                              json_array_size(layers), IMAGE_MAX_LAYERS);
        goto out;
    }
    s->kind = strdup("docker-archive");
    json_t *tags = json_object_get(img, "RepoTags");
    const char *tag = o->ref ? o->ref : json_string_value(json_array_get(tags, 0));
    if (tag && (s->name = strdup(tag)) == NULL) {
        rc = strata_error_nomem(err);
        goto out;
    }
    s->n_layers = json_array_size(layers);
    s->layers = calloc(s->n_layers ? s->n_layers : 1, sizeof *s->layers);
    if (s->kind == NULL || s->layers == NULL) {
        rc = strata_error_nomem(err);
        goto out;
    }
    size_t i;
    json_t *l;
    json_array_foreach(layers, i, l)
    {
        const char *member = json_string_value(l);
        if (member == NULL) {
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: manifest.json: Layers[%zu] is not a string", arch, i);
            goto out;
        }
        if ((s->layers[i].member = strdup(member)) == NULL) {
            rc = strata_error_nomem(err);
            goto out;
        }
        rc = container_blob(&s->container, s->layers[i].member, &s->layers[i].blob, err);
        if (rc != 0) {
            if (rc == STRATA_ENOTFOUND)
                strata_error_set(err, rc, "%s: layer %zu: manifest names a missing blob '%s'",
                                 s->path, i, s->layers[i].member);
            else
                strata_error_prefix(err, "layer %zu: ", i);
            goto out;
        }
    }
    /* Config: its member name is usually "<sha256 hex>.json" (or blobs/sha256/<hex>): the
     * image ID. When the name carries a digest, the content must match it. */
    rc = container_read(&s->container, config_name, &data, &len, err);
    if (rc != 0) {
        if (rc == STRATA_ENOTFOUND)
            strata_error_set(err, rc, "%s: manifest names a missing config blob '%s'", s->path,
                             config_name);
        goto out;
    }
    char digest[STRATA_DIGEST_STRLEN];
    if (sha256_buffer_str(data, len, digest) != 0) {
        rc = strata_error_nomem(err);
        goto out;
    }
    const char *base = strrchr(config_name, '/');
    base = base ? base + 1 : config_name;
    if (strlen(base) >= 64 && strspn(base, "0123456789abcdef") == 64 &&
        (base[64] == '\0' || strcmp(base + 64, ".json") == 0) &&
        strncmp(base, digest + 7, 64) != 0) {
        rc = strata_error_set(err, STRATA_EDIGEST,
                              "%s: config %s: content has digest %s, not the one its name says",
                              arch, config_name, digest);
        goto out;
    }
    if ((s->digest = strdup(digest)) == NULL) {
        rc = strata_error_nomem(err);
        goto out;
    }
    snprintf(what, sizeof what, "%s: %s", arch, config_name);
    rc = source_apply_config(s, data, len, what, err);
out:
    free(data);
    json_decref(manifest);
    return rc;
}
