/* An image opened from disk: its identity, its config, and one blob per layer, with the
 * digests the layers must have. Built by the docker-archive and OCI readers. */
#ifndef STRATA_SOURCE_IMAGE_SOURCE_H
#define STRATA_SOURCE_IMAGE_SOURCE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"
#include "source/blob.h"
#include "source/container.h"
#include "strata/error.h"

#define IMAGE_MAX_LAYERS 1024

struct source_layer {
    struct blob blob;
    char *member;     /* file inside the archive/layout holding the blob */
    char *digest;     /* expected blob digest, NULL when the format records none */
    char *media_type; /* NULL when unknown */
    char *diff_id;    /* expected diffID from the config */
    char *created_by; /* matching config history entry, NULL when absent */
};

struct registry_pull;

struct image_source {
    char *path;   /* archive or layout path as given (without transport and :REF) */
    char *kind;   /* "docker-archive", "oci-archive", "oci-layout" */
    char *name;   /* image reference or NULL */
    char *digest; /* manifest digest (OCI) or config digest (docker-archive) */
    json_t *config;
    struct source_layer *layers;
    size_t n_layers;
    struct container container;
    /* A registry image whose missing layers are still downloading (registry_source.h):
     * registry_pull_wait() before reading a layer. NULL when every blob is there. */
    struct registry_pull *pull;
};

struct image_open_opts {
    const char *ref;      /* SRC:REF part, NULL for none */
    const char *platform; /* "os/arch[/variant]" or NULL */
};

/* Opens "PATH", "PATH:REF", or "TRANSPORT:PATH[:REF]" with TRANSPORT one of
 * docker-archive, oci, oci-archive (the format is detected from the content), or a registry
 * image: "registry:REF", "docker://REF", or a REF naming its registry host that is no local
 * path (registry_source.h). */
struct registry_options;
int image_source_open(const char *spec, const char *platform, const struct registry_options *reg,
                      struct image_source **out, struct strata_error *err);
void image_source_free(struct image_source *s);

/* Shared by the readers. */
int source_parse_json(const char *data, size_t len, const char *what, json_t **out,
                      struct strata_error *err);
int source_apply_config(struct image_source *s, const char *config_data, size_t config_len,
                        const char *what, struct strata_error *err);
int docker_archive_load(struct image_source *s, const struct image_open_opts *o,
                        struct strata_error *err);
int oci_layout_load(struct image_source *s, const struct image_open_opts *o,
                    struct strata_error *err);

#endif
