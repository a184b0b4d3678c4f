/* Helpers shared by the language analyzer tests (test_rust_audit.c, test_ruby.c,
 * test_gomod.c): reading fixture files and driving an analyzer over a synthetic layered view
 * (or a filesystem: one state, no layers) the way the scan pipeline does, wants_head
 * included. Static so each test binary gets its own copy. */
#ifndef STRATA_TESTS_LANG_TEST_UTIL_H
#define STRATA_TESTS_LANG_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/layer_result.h"
#include "image/view_build.h"
#include "strata/analyzer.h"
#include "strata/report.h"

static inline uint8_t *lt_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            uint8_t *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        if (k == 0)
            break;
        n += k;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* One file of a synthetic layer: data NULL is a whiteout of path. */
struct lt_file {
    const char *path;
    const void *data;
    size_t len; /* 0: strlen(data) */
    uint32_t mode;
};

/* Runs analyzer a over n layers (fs: one filesystem state instead) and returns the report;
 * when expect_rc is non-zero, finish must fail with it and err_out receives the error. */
static inline struct strata_report *lt_run_rc(const struct strata_analyzer *a,
                                              const struct lt_file *const *layers, size_t n, int fs,
                                              int expect_rc, struct strata_error *err_out)
{
    struct strata_error err = {0};
    struct strata_view *view = view_new();
    struct strata_report *r = strata_report_new();
    void **states = calloc(n, sizeof *states);
    assert_non_null(view);
    assert_non_null(r);
    assert_non_null(states);
    if (!fs) {
        r->layers = calloc(n, sizeof *r->layers);
        assert_non_null(r->layers);
        r->n_layers = n;
    }
    for (size_t i = 0; i < n; i++) {
        if (!fs) {
            char id[80];
            snprintf(id, sizeof id, "sha256:%064zu", i);
            r->layers[i].index = (int)i;
            r->layers[i].diff_id = strdup(id);
        }
        states[i] = a->layer_new();
        assert_non_null(states[i]);
        size_t k = 0;
        for (const struct lt_file *e = layers[i]; e->path; e++)
            k++;
        struct layer_entry *ents = calloc(k ? k : 1, sizeof *ents);
        assert_non_null(ents);
        k = 0;
        for (const struct lt_file *e = layers[i]; e->path; e++, k++) {
            ents[k].path = e->path;
            ents[k].type = STRATA_FT_REG;
            ents[k].mode = e->mode ? e->mode : 0644;
            ents[k].whiteout = e->data ? WHITEOUT_NONE : WHITEOUT_FILE;
            if (e->data == NULL)
                continue;
            size_t len = e->len ? e->len : strlen(e->data);
            ents[k].size = len;
            uint8_t head[STRATA_HEAD_BYTES];
            size_t hn = len < sizeof head ? len : sizeof head;
            memcpy(head, e->data, hn);
            if (strata_analyzer_takes(a, e->path, len, ents[k].mode, head) > 0) {
                uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan sees overreads */
                assert_non_null(copy);
                memcpy(copy, e->data, len);
                struct strata_layer_file f = {e->path,          copy, len, ents[k].mode,
                                              fs ? -1 : (int)i, "t"};
                if (a->layer_file(states[i], &f, &err) != 0)
                    fail_msg("%s", err.msg);
                free(copy);
            }
        }
        assert_int_equal(view_apply_layer(view, fs ? 0 : (int)i, ents, k, &err), 0);
        free(ents);
    }
    int rc = a->finish(states, n, view, r, &err);
    if (rc != expect_rc)
        fail_msg("finish returned %d (%s), expected %d", rc, err.msg, expect_rc);
    if (err_out != NULL)
        *err_out = err;
    for (size_t i = 0; i < n; i++)
        a->layer_free(states[i]);
    free(states);
    view_free(view);
    return r;
}

static inline struct strata_report *lt_run(const struct strata_analyzer *a,
                                           const struct lt_file *const *layers, size_t n, int fs)
{
    return lt_run_rc(a, layers, n, fs, 0, NULL);
}

static inline const struct strata_package *lt_find(const struct strata_report *r, const char *name,
                                                   const char *db_path)
{
    for (size_t i = 0; i < r->n_packages; i++)
        if (strcmp(r->packages[i].name, name) == 0 &&
            (db_path == NULL || strcmp(r->packages[i].db_path, db_path) == 0))
            return &r->packages[i];
    return NULL;
}

#endif
