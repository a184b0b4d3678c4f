/* Test helper (header-only; each test binary is its own program): drives one analyzer over a
 * synthetic layered image or a filesystem the way the scan pipeline does — each file the
 * analyzer takes (name, size, then wants_head on its first bytes and mode) goes to layer_file
 * in a buffer of its exact size (so ASan sees overreads), and the view is built from the same
 * entries, whiteouts and hard links included; then finish. */
#ifndef STRATA_TESTS_ANALYZER_TEST_UTIL_H
#define STRATA_TESTS_ANALYZER_TEST_UTIL_H

#include "image/layer_result.h"
#include "image/view_build.h"
#include "strata/analyzer.h"
#include "strata/report.h"
#include "test_files.h"

/* One entry of a synthetic layer; a layer is an array ended by an entry with path NULL.
 * Content comes from data (len bytes, strlen(data) when len is 0), or from the file fixture
 * of the fixture directory (test_files.h), or — for a hard link — from the earlier entry of
 * the same layer it links to, as the tar walker delivers it. */
struct at_file {
    const char *path; /* normalized: no leading '/' */
    const void *data;
    size_t len;
    uint32_t mode; /* 0: 0644 */
    int whiteout;  /* deletes path from the lower layers */
    const char *fixture;
    const char *hardlink; /* the link's target path */
};

/* Designated initializers: -Wextra wants every field of a positional one. */
// clang-format off
#define AT_FILE(p, d) {.path = (p), .data = (d)}
#define AT_FIXTURE(p, f) {.path = (p), .fixture = (f)}
#define AT_FIXTURE_MODE(p, f, m) {.path = (p), .fixture = (f), .mode = (m)}
#define AT_HARDLINK(p, target) {.path = (p), .hardlink = (target)}
#define AT_WHITEOUT(p) {.path = (p), .whiteout = 1}
#define AT_END {.path = NULL}
// clang-format on

/* The analyzer's states over a view and the report finish writes into. */
struct at_image {
    const struct strata_analyzer *a;
    struct strata_view *view;
    void **states;
    size_t n;
    struct strata_report *report;
};

/* ids for at_build: a filesystem (one state, layer index -1, no report layers) ... */
#define AT_FILESYSTEM NULL
/* ... or an image whose layer i has the diff_id "sha256:" followed by 64 digits of i. */
#define AT_ZEROS63 "000000000000000000000000000000000000000000000000000000000000000"
static const char *const at_numbered_ids[] = {
    "sha256:" AT_ZEROS63 "0", "sha256:" AT_ZEROS63 "1", "sha256:" AT_ZEROS63 "2",
    "sha256:" AT_ZEROS63 "3", "sha256:" AT_ZEROS63 "4", "sha256:" AT_ZEROS63 "5",
    "sha256:" AT_ZEROS63 "6", "sha256:" AT_ZEROS63 "7",
};

/* The content of entry e of layer (NULL for a whiteout); *owned is set when it was read
 * from the fixture directory and must be freed. */
static inline const void *at_content(const struct at_file *layer, const struct at_file *e,
                                     size_t *len, uint8_t **owned)
{
    *owned = NULL;
    if (e->whiteout)
        return NULL;
    if (e->hardlink != NULL) {
        for (const struct at_file *t = layer; t < e; t++)
            if (strcmp(t->path, e->hardlink) == 0 && !t->whiteout && t->hardlink == NULL)
                return at_content(layer, t, len, owned);
        fail_msg("%s: hard link to %s, which is not earlier in the layer", e->path, e->hardlink);
    }
    if (e->fixture != NULL)
        return *owned = tf_fixture(e->fixture, len);
    if (e->data == NULL)
        fail_msg("%s: no data, fixture, hard link or whiteout", e->path);
    *len = e->len ? e->len : strlen(e->data);
    return e->data;
}

/* Feeds the n layers to analyzer a and builds the view; any layer_file error fails the test.
 * ids: the layers' diff_ids (at_numbered_ids will do), or AT_FILESYSTEM. */
static inline void at_build(struct at_image *im, const struct strata_analyzer *a,
                            const struct at_file *const *layers, size_t n, const char *const *ids)
{
    struct strata_error err = {0};
    int fs = ids == AT_FILESYSTEM;
    if (ids == at_numbered_ids)
        assert_true(n <= sizeof at_numbered_ids / sizeof at_numbered_ids[0]);
    im->a = a;
    im->view = view_new();
    im->states = calloc(n, sizeof *im->states);
    im->report = strata_report_new();
    im->n = n;
    assert_non_null(im->view);
    assert_non_null(im->states);
    assert_non_null(im->report);
    if (!fs) {
        im->report->layers = calloc(n, sizeof *im->report->layers);
        assert_non_null(im->report->layers);
        im->report->n_layers = n;
    }
    for (size_t i = 0; i < n; i++) {
        if (!fs) {
            im->report->layers[i].index = (int)i;
            im->report->layers[i].diff_id = strdup(ids[i]);
            assert_non_null(im->report->layers[i].diff_id);
        }
        im->states[i] = a->layer_new();
        assert_non_null(im->states[i]);
        size_t k = 0;
        for (const struct at_file *e = layers[i]; e->path; e++)
            k++;
        struct layer_entry *ents = calloc(k ? k : 1, sizeof *ents);
        assert_non_null(ents);
        k = 0;
        for (const struct at_file *e = layers[i]; e->path; e++, k++) {
            ents[k].path = e->path;
            ents[k].type = e->hardlink ? STRATA_FT_HARDLINK : STRATA_FT_REG;
            ents[k].link = e->hardlink;
            ents[k].mode = e->mode ? e->mode : 0644;
            ents[k].whiteout = e->whiteout ? WHITEOUT_FILE : WHITEOUT_NONE;
            size_t len = 0;
            uint8_t *owned;
            const void *data = at_content(layers[i], e, &len, &owned);
            if (data == NULL)
                continue;
            ents[k].size = len;
            uint8_t head[STRATA_HEAD_BYTES];
            memcpy(head, data, len < sizeof head ? len : sizeof head);
            if (strata_analyzer_takes(a, e->path, len, ents[k].mode, head) > 0) {
                uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan sees overreads */
                assert_non_null(copy);
                memcpy(copy, data, len);
                struct strata_layer_file f = {e->path,          copy,  len, ents[k].mode,
                                              fs ? -1 : (int)i, "test"};
                if (a->layer_file(im->states[i], &f, &err) != 0)
                    fail_msg("layer_file %s: %s", e->path, err.msg);
                free(copy);
            }
            free(owned);
        }
        assert_int_equal(view_apply_layer(im->view, fs ? 0 : (int)i, ents, k, &err), 0);
        free(ents);
    }
}

static inline int at_finish(struct at_image *im, struct strata_error *err)
{
    return im->a->finish(im->states, im->n, im->view, im->report, err);
}

/* finish, failing the test with its message when it fails. */
static inline void at_finish_ok(struct at_image *im)
{
    struct strata_error err = {0};
    int rc = at_finish(im, &err);
    if (rc != 0)
        fail_msg("finish returned %d: %s", rc, err.msg);
}

static inline void at_free(struct at_image *im)
{
    for (size_t i = 0; i < im->n; i++)
        im->a->layer_free(im->states[i]);
    free(im->states);
    view_free(im->view);
    strata_report_free(im->report);
}

/* at_build and finish, which must return expect_rc (err_out, when not NULL, receives its
 * error); returns the report for the caller to free. */
static inline struct strata_report *at_run_rc(const struct strata_analyzer *a,
                                              const struct at_file *const *layers, size_t n,
                                              const char *const *ids, int expect_rc,
                                              struct strata_error *err_out)
{
    struct at_image im;
    struct strata_error err = {0};
    at_build(&im, a, layers, n, ids);
    int rc = at_finish(&im, &err);
    if (rc != expect_rc)
        fail_msg("finish returned %d (%s), expected %d", rc, err.msg, expect_rc);
    if (err_out != NULL)
        *err_out = err;
    struct strata_report *r = im.report;
    im.report = NULL;
    at_free(&im);
    return r;
}

static inline struct strata_report *at_run(const struct strata_analyzer *a,
                                           const struct at_file *const *layers, size_t n,
                                           const char *const *ids)
{
    return at_run_rc(a, layers, n, ids, 0, NULL);
}

/* The first package with this name and db_path (either NULL: any), or NULL. */
static inline const struct strata_package *at_pkg(const struct strata_report *r, const char *name,
                                                  const char *db_path)
{
    for (size_t i = 0; i < r->n_packages; i++) {
        const struct strata_package *p = &r->packages[i];
        if ((name == NULL || strcmp(p->name, name) == 0) &&
            (db_path == NULL || strcmp(p->db_path, db_path) == 0))
            return p;
    }
    return NULL;
}

/* How many packages were found in db_path. */
static inline size_t at_count_at(const struct strata_report *r, const char *db_path)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_packages; i++)
        if (strcmp(r->packages[i].db_path, db_path) == 0)
            n++;
    return n;
}

/* A failure (rc < 0) whose message starts with prefix (file:line:col and the reason). */
static inline void expect_err(int rc, const struct strata_error *err, const char *prefix)
{
    assert_true(rc < 0);
    if (strncmp(err->msg, prefix, strlen(prefix)) != 0)
        fail_msg("error \"%s\" does not start with \"%s\"", err->msg, prefix);
}

#endif
