/* OCI image layout (directory or tarball): index.json → (nested) index → manifest → config
 * and layers, all content-addressed under blobs/<alg>/<hex>. Every blob read here is checked
 * against its descriptor's digest and size; layer blobs are checked while streamed. */
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "source/image_source.h"

#define OCI_MAX_INDEX_DEPTH 4
#define OCI_MAX_CANDIDATES 256

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define REF_ANNOTATION "org.opencontainers.image.ref.name"

struct candidate {
    json_t *desc;    /* manifest descriptor (borrowed from an index kept alive below) */
    const char *ref; /* ref.name of the top-level descriptor it came from */
    char platform[128];
};

struct walk {
    struct image_source *s;
    json_t *keep; /* array holding every parsed index so descriptors stay valid */
    struct candidate cand[OCI_MAX_CANDIDATES];
    size_t n;
};

static int blob_member(const char *digest, char *out, size_t cap)
{
    if (!digest_is_valid_sha256(digest))
        return -1;
    snprintf(out, cap, "blobs/sha256/%s", digest + 7);
    return 0;
}

/* Reads a JSON blob named by a descriptor and checks its digest and size. */
static int read_verified(struct image_source *s, json_t *desc, const char *what, char **data,
                         size_t *len, struct strata_error *err)
{
    const char *digest = json_string_value(json_object_get(desc, "digest"));
    char member[128];
    if (blob_member(digest, member, sizeof member) != 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: %s: descriptor digest '%s' is not "
                                "a sha256 digest",
                                s->path, what, digest ? digest : "(none)");
    json_t *size = json_object_get(desc, "size");
    if (size != NULL && (!json_is_integer(size) || json_integer_value(size) < 0))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: %s %s: descriptor size is not a non-negative integer", s->path,
                                what, digest);
    int rc = container_read(&s->container, member, data, len, err);
    if (rc != 0) {
        if (rc == STRATA_ENOTFOUND)
            strata_error_set(err, rc, "%s: %s %s: missing blob '%s'", s->path, what, digest,
                             member);
        return rc;
    }
    char got[STRATA_DIGEST_STRLEN];
    if (sha256_buffer_str(*data, *len, got) != 0) {
        free(*data);
        *data = NULL; /* callers free *data on every path */
        return strata_error_nomem(err);
    }
    if (strcmp(got, digest) != 0 || (size != NULL && (size_t)json_integer_value(size) != *len)) {
        free(*data);
        *data = NULL;
        return strata_error_set(err, STRATA_EDIGEST,
                                "%s: %s %s: content does not match its descriptor (digest %s, "
                                "%zu bytes)",
                                s->path, what, digest, got, *len);
    }
    return 0;
}

static void format_platform(json_t *desc, char *out, size_t cap)
{
    json_t *p = json_object_get(desc, "platform");
    const char *os = json_string_value(json_object_get(p, "os"));
    const char *arch = json_string_value(json_object_get(p, "architecture"));
    const char *var = json_string_value(json_object_get(p, "variant"));
    if (os == NULL && arch == NULL) {
        out[0] = '\0';
        return;
    }
    snprintf(out, cap, "%s/%s%s%s", os ? os : "?", arch ? arch : "?", var ? "/" : "",
             var ? var : "");
}

static int collect(struct walk *w, json_t *index, const char *ref, int top, int depth,
                   struct strata_error *err)
{
    json_t *manifests = json_object_get(index, "manifests");
    if (!json_is_array(manifests))
        return strata_error_set(err, STRATA_EFORMAT, "%s: index has no manifests array",
                                w->s->path);
    size_t i;
    json_t *d;
    json_array_foreach(manifests, i, d)
    {
        const char *r = top ? json_string_value(json_object_get(json_object_get(d, "annotations"),
                                                                REF_ANNOTATION))
                            : ref;
        if (top && ref && (r == NULL || strcmp(r, ref) != 0))
            continue;
        const char *mt = json_string_value(json_object_get(d, "mediaType"));
        int nested = mt && (strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0);
        if (nested) {
            if (depth >= OCI_MAX_INDEX_DEPTH)
                return strata_error_set(err, STRATA_ELIMIT, "%s: indexes nested deeper than %d",
                                        w->s->path, OCI_MAX_INDEX_DEPTH);
            char *data;
            size_t len;
            int rc = read_verified(w->s, d, "nested index", &data, &len, err);
            if (rc != 0)
                return rc;
            json_t *sub;
            rc = source_parse_json(data, len, "nested index", &sub, err);
            free(data);
            if (rc != 0)
                return rc;
            json_array_append_new(w->keep, sub);
            rc = collect(w, sub, r, 0, depth + 1, err);
            if (rc != 0)
                return rc;
            continue;
        }
        if (w->n >= OCI_MAX_CANDIDATES)
            return strata_error_set(err, STRATA_ELIMIT, "%s: more than %d manifests", w->s->path,
                                    OCI_MAX_CANDIDATES);
        struct candidate *c = &w->cand[w->n++];
        c->desc = d;
        c->ref = r;
        format_platform(d, c->platform, sizeof c->platform);
    }
    return 0;
}

static int platform_matches(const char *want, const char *have)
{
    if (strcmp(want, have) == 0)
        return 1;
    /* "linux/arm64" matches "linux/arm64/v8" */
    size_t n = strlen(want);
    return strncmp(want, have, n) == 0 && have[n] == '/';
}

static int choose(struct walk *w, const struct image_open_opts *o, struct candidate **out,
                  struct strata_error *err)
{
    struct candidate *pick[OCI_MAX_CANDIDATES];
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++) {
        struct candidate *c = &w->cand[i];
        /* Attestation manifests of buildkit carry platform unknown/unknown. */
        if (strcmp(c->platform, "unknown/unknown") == 0)
            continue;
        if (o->platform && c->platform[0] && !platform_matches(o->platform, c->platform))
            continue;
        pick[n++] = c;
    }
    if (n == 1) {
        *out = pick[0];
        return 0;
    }
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < w->n; i++) {
        struct candidate *c = &w->cand[i];
        strbuf_addf(&sb, "%s%s%s%s%s", sb.len ? ", " : "", c->ref ? c->ref : "(no ref)",
                    c->platform[0] ? " [" : "", c->platform, c->platform[0] ? "]" : "");
    }
    int rc;
    if (n == 0 && w->n == 0)
        rc = strata_error_set(err, STRATA_ENOTFOUND, "%s: no manifest with ref.name '%s'",
                              w->s->path, o->ref ? o->ref : "");
    else if (n == 0)
        rc =
            strata_error_set(err, STRATA_ENOTFOUND, "%s: no manifest for platform %s; choices: %s",
                             w->s->path, o->platform ? o->platform : "(any)", sb.buf ? sb.buf : "");
    else
        rc = strata_error_set(err, STRATA_EUSAGE,
                              "%s: %zu manifests match; pick one with %s:REF or --platform "
                              "os/arch[/variant]; choices: %s",
                              w->s->path, n, w->s->path, sb.buf ? sb.buf : "");
    strbuf_release(&sb);
    return rc;
}

int oci_layout_load(struct image_source *s, const struct image_open_opts *o,
                    struct strata_error *err)
{
    char *data = NULL;
    size_t len = 0;
    json_t *index = NULL, *manifest = NULL;
    struct walk *w = calloc(1, sizeof *w);
    if (w == NULL)
        return strata_error_nomem(err);
    w->s = s;
    w->keep = json_array();
    int rc = container_read(&s->container, "index.json", &data, &len, err);
    if (rc != 0)
        goto out;
    char what[512];
    snprintf(what, sizeof what, "%s: index.json", s->path);
    rc = source_parse_json(data, len, what, &index, err);
    free(data);
    data = NULL;
    if (rc != 0)
        goto out;
    rc = collect(w, index, o->ref, 1, 0, err);
    struct candidate *c = NULL;
    if (rc == 0)
        rc = choose(w, o, &c, err);
    if (rc != 0)
        goto out;
    s->kind = strdup(s->container.is_dir ? "oci-layout" : "oci-archive");
    /* ref.name is either a full reference ("example.com/app:1.0") or just a tag ("1.0");
     * a bare tag means little without the layout it lives in. */
    if (c->ref && (strchr(c->ref, '/') || strchr(c->ref, ':'))) {
        s->name = strdup(c->ref);
    } else if (c->ref) {
        struct strbuf nb = STRBUF_INIT;
        if (strbuf_addf(&nb, "%s:%s", s->path, c->ref) == 0)
            s->name = strbuf_detach(&nb);
    }
    if (s->kind == NULL || (c->ref && s->name == NULL)) {
        rc = strata_error_nomem(err);
        goto out;
    }
    rc = read_verified(s, c->desc, "manifest", &data, &len, err);
    if (rc != 0)
        goto out;
    s->digest = strdup(json_string_value(json_object_get(c->desc, "digest")));
    snprintf(what, sizeof what, "%s: manifest %s", s->path, s->digest ? s->digest : "");
    rc = source_parse_json(data, len, what, &manifest, err);
    free(data);
    data = NULL;
    if (rc != 0)
        goto out;
    json_t *layers = json_object_get(manifest, "layers");
    json_t *config = json_object_get(manifest, "config");
    if (!json_is_array(layers) || !json_is_object(config)) {
        rc = strata_error_set(err, STRATA_EFORMAT, "%s: lacks config or layers", what);
        goto out;
    }
    if (json_array_size(layers) > IMAGE_MAX_LAYERS) {
        rc = strata_error_set(err, STRATA_ELIMIT, "%s: %zu layers (limit %d)", what,
                              json_array_size(layers), IMAGE_MAX_LAYERS);
        goto out;
    }
    s->n_layers = json_array_size(layers);
    s->layers = calloc(s->n_layers ? s->n_layers : 1, sizeof *s->layers);
    if (s->layers == NULL) {
        rc = strata_error_nomem(err);
        goto out;
    }
    size_t i;
    json_t *l;
    json_array_foreach(layers, i, l)
    {
        struct source_layer *sl = &s->layers[i];
        const char *digest = json_string_value(json_object_get(l, "digest"));
        const char *mt = json_string_value(json_object_get(l, "mediaType"));
        char member[128];
        if (blob_member(digest, member, sizeof member) != 0) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: layer %zu: bad digest '%s'", what, i,
                                  digest ? digest : "(none)");
            goto out;
        }
        if ((sl->member = strdup(member)) == NULL || (sl->digest = strdup(digest)) == NULL ||
            (mt && (sl->media_type = strdup(mt)) == NULL)) {
            rc = strata_error_nomem(err);
            goto out;
        }
        rc = container_blob(&s->container, sl->member, &sl->blob, err);
        if (rc != 0) {
            if (rc == STRATA_ENOTFOUND)
                strata_error_set(err, rc, "%s: layer %zu: manifest names a missing blob '%s'",
                                 s->path, i, sl->member);
            else
                strata_error_prefix(err, "layer %zu: ", i);
            goto out;
        }
        json_t *size = json_object_get(l, "size");
        if (size != NULL && (!json_is_integer(size) || json_integer_value(size) < 0)) {
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: layer %zu (%s): descriptor size is not a non-negative "
                                  "integer",
                                  s->path, i, digest);
            goto out;
        }
        if (size != NULL && (uint64_t)json_integer_value(size) != sl->blob.size) {
            rc = strata_error_set(err, STRATA_EDIGEST,
                                  "%s: layer %zu (%s): blob has %llu bytes, manifest says %lld",
                                  s->path, i, digest, (unsigned long long)sl->blob.size,
                                  (long long)json_integer_value(size));
            goto out;
        }
    }
    rc = read_verified(s, config, "config", &data, &len, err);
    if (rc != 0)
        goto out;
    snprintf(what, sizeof what, "%s: config %s", s->path,
             json_string_value(json_object_get(config, "digest")));
    rc = source_apply_config(s, data, len, what, err);
out:
    free(data);
    json_decref(index);
    json_decref(manifest);
    json_decref(w->keep);
    free(w);
    return rc;
}
