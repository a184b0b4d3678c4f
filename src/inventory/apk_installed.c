#include "inventory/apk_installed.h"

#include <stdlib.h>
#include <string.h>

#include "core/lines.h"
#include "core/strbuf.h"

static void pkg_free(struct apk_pkg *p)
{
    free(p->name);
    free(p->version);
    free(p->arch);
    free(p->origin);
    free(p->license);
    for (size_t i = 0; i < p->n_files; i++)
        free(p->files[i]);
    free(p->files);
    memset(p, 0, sizeof *p);
}

void apk_pkg_list_free(struct apk_pkg_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        pkg_free(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

struct parser {
    const char *path;
    int want_files;
    struct apk_pkg cur;
    int in_record;
    size_t n_records;
    struct strbuf dir; /* last F: directory, "" for the root */
    struct strbuf file;
    struct apk_pkg_list *out;
};

static int end_record(struct parser *p, struct strata_error *err)
{
    if (!p->in_record)
        return 0;
    p->in_record = 0;
    strbuf_reset(&p->dir);
    struct apk_pkg *c = &p->cur;
    if (c->name == NULL || c->version == NULL) {
        int rc = strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: record without a %s line",
                                  p->path, c->line, c->name == NULL ? "P:" : "V:");
        pkg_free(c);
        return rc;
    }
    if (++p->n_records > APK_MAX_RECORDS) {
        int rc = strata_error_set(err, STRATA_ELIMIT, "%s: line %zu: more than %d records", p->path,
                                  c->line, APK_MAX_RECORDS);
        pkg_free(c);
        return rc;
    }
    struct apk_pkg_list *l = p->out;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct apk_pkg *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            pkg_free(c);
            return strata_error_nomem(err);
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *c;
    memset(c, 0, sizeof *c);
    return 0;
}

static int set_once(struct parser *p, char **slot, char key, const char *v, size_t n, size_t lineno,
                    struct strata_error *err)
{
    if (*slot != NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: second %c: line in a record",
                                p->path, lineno, key);
    if ((*slot = strndup(v, n)) == NULL)
        return strata_error_nomem(err);
    return 0;
}

static int add_file(struct parser *p, const char *v, size_t n, size_t lineno,
                    struct strata_error *err)
{
    struct apk_pkg *c = &p->cur;
    if (c->n_files == APK_MAX_FILES)
        return strata_error_set(err, STRATA_ELIMIT, "%s: line %zu: more than %d files in a package",
                                p->path, lineno, APK_MAX_FILES);
    if (c->n_files == c->cap_files) {
        size_t cap = c->cap_files ? c->cap_files * 2 : 16;
        char **f = realloc(c->files, cap * sizeof *f);
        if (f == NULL)
            return strata_error_nomem(err);
        c->files = f;
        c->cap_files = cap;
    }
    /* R: lines before any F: name files in the root directory. */
    strbuf_reset(&p->file);
    if (strbuf_addch(&p->file, '/') ||
        strbuf_add(&p->file, p->dir.buf ? p->dir.buf : "", p->dir.len) ||
        (p->dir.len && strbuf_addch(&p->file, '/')) || strbuf_add(&p->file, v, n))
        return strata_error_nomem(err);
    char *s = strbuf_detach(&p->file);
    if (s == NULL)
        return strata_error_nomem(err);
    c->files[c->n_files++] = s;
    return 0;
}

static int add_line(struct parser *p, const char *line, size_t ll, size_t lineno,
                    struct strata_error *err)
{
    if (ll < 2 || line[1] != ':')
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: expected 'X:value'", p->path,
                                lineno);
    if (!p->in_record) {
        p->in_record = 1;
        p->cur.line = lineno;
    }
    const char *v = line + 2;
    size_t n = ll - 2;
    struct apk_pkg *c = &p->cur;
    switch (line[0]) {
    case 'P':
        return set_once(p, &c->name, 'P', v, n, lineno, err);
    case 'V':
        return set_once(p, &c->version, 'V', v, n, lineno, err);
    case 'A':
        return set_once(p, &c->arch, 'A', v, n, lineno, err);
    case 'o':
        return set_once(p, &c->origin, 'o', v, n, lineno, err);
    case 'L':
        return set_once(p, &c->license, 'L', v, n, lineno, err);
    case 'F':
        strbuf_reset(&p->dir);
        if (strbuf_add(&p->dir, v, n))
            return strata_error_nomem(err);
        return 0;
    case 'R':
        return p->want_files ? add_file(p, v, n, lineno, err) : 0;
    default:
        return 0; /* checksums, sizes, dependencies, ACLs: not needed for the inventory */
    }
}

int apk_installed_parse(const uint8_t *data, size_t len, const char *path, int want_files,
                        struct apk_pkg_list *out, struct strata_error *err)
{
    struct parser p = {.path = path,
                       .want_files = want_files,
                       .out = out,
                       .dir = STRBUF_INIT,
                       .file = STRBUF_INIT};
    struct line_reader lr;
    line_reader_init(&lr, data, len, APK_MAX_LINE, path);
    const char *line;
    size_t ll;
    int rc;
    while ((rc = line_reader_next(&lr, &line, &ll, err)) > 0) {
        if (ll == 0)
            rc = end_record(&p, err);
        else
            rc = add_line(&p, line, ll, lr.lineno, err);
        if (rc != 0)
            break;
    }
    if (rc == 0)
        rc = end_record(&p, err);
    pkg_free(&p.cur);
    strbuf_release(&p.dir);
    strbuf_release(&p.file);
    return rc;
}
