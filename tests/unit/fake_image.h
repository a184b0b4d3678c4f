/* Test helper (header-only, for unit tests): drives one analyzer over a synthetic layered
 * view, the way the scanner does — layer_file for each wanted file, the view built from the
 * same entries, whiteouts included. Each test binary includes it once. */
#ifndef STRATA_TESTS_FAKE_IMAGE_H
#define STRATA_TESTS_FAKE_IMAGE_H

#include <stdlib.h>
#include <string.h>

#include "image/view_build.h"
#include "strata/analyzer.h"
#include "strata/report.h"

struct fentry {
    const char *path;
    const char *data; /* NULL with whiteout = 1: deletes path */
    int whiteout;
};

struct fimage {
    const struct strata_analyzer *a;
    struct strata_view *view;
    void **states;
    size_t n;
    struct strata_report *report;
};

/* ids == NULL: a filesystem (one state, layer index -1, no report layers). Returns the first
 * layer_file error code (err filled), else 0. */
static int fimage_build(struct fimage *im, const struct strata_analyzer *a,
                        const struct fentry *const *layers, size_t n, const char *const *ids,
                        struct strata_error *err)
{
    int first = 0;
    im->a = a;
    im->view = view_new();
    im->states = calloc(n, sizeof *im->states);
    im->report = strata_report_new();
    im->n = n;
    assert_non_null(im->view);
    assert_non_null(im->states);
    assert_non_null(im->report);
    if (ids != NULL) {
        im->report->layers = calloc(n, sizeof *im->report->layers);
        assert_non_null(im->report->layers);
        im->report->n_layers = n;
    }
    for (size_t i = 0; i < n; i++) {
        if (ids) {
            im->report->layers[i].index = (int)i;
            im->report->layers[i].diff_id = strdup(ids[i]);
        }
        im->states[i] = a->layer_new();
        assert_non_null(im->states[i]);
        struct layer_entry ents[64];
        size_t k = 0;
        for (const struct fentry *e = layers[i]; e->path; e++, k++) {
            assert_true(k < 64);
            memset(&ents[k], 0, sizeof ents[k]);
            ents[k].path = e->path;
            ents[k].type = STRATA_FT_REG;
            ents[k].mode = 0644;
            ents[k].whiteout = (uint8_t)e->whiteout;
            if (e->data && !e->whiteout) {
                ents[k].size = strlen(e->data);
                if (strata_analyzer_wants(a, e->path, ents[k].size) > 0) {
                    struct strata_layer_file f = {e->path,           (const uint8_t *)e->data,
                                                  strlen(e->data),   0644,
                                                  ids ? (int)i : -1, "test"};
                    int rc = a->layer_file(im->states[i], &f, err);
                    if (rc != 0 && first == 0)
                        first = rc;
                }
            }
        }
        assert_int_equal(view_apply_layer(im->view, ids ? (int)i : 0, ents, k, err), 0);
    }
    return first;
}

static int fimage_finish(struct fimage *im, struct strata_error *err)
{
    return im->a->finish(im->states, im->n, im->view, im->report, err);
}

static void fimage_free(struct fimage *im)
{
    for (size_t i = 0; i < im->n; i++)
        im->a->layer_free(im->states[i]);
    free(im->states);
    view_free(im->view);
    strata_report_free(im->report);
}

/* The package with this name (and db_path when not NULL), or NULL. */
static const struct strata_package *fimage_pkg(const struct fimage *im, const char *name,
                                               const char *db_path)
{
    for (size_t i = 0; i < im->report->n_packages; i++) {
        const struct strata_package *p = &im->report->packages[i];
        if (strcmp(p->name, name) == 0 && (db_path == NULL || strcmp(p->db_path, db_path) == 0))
            return p;
    }
    return NULL;
}

#endif
