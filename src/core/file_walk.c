/* The path walk shared by the commands that read many files (file_walk.h). */
#include "core/file_walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/strbuf.h"

struct walk {
    size_t max_file;
    file_walk_fn fn;
    file_walk_error_fn on_error;
    void *user;
    size_t files, failed;
    int fatal; /* ENOMEM */
};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads f whole into a NUL-terminated buffer of at most max bytes. */
static int read_stream(FILE *f, const char *name, size_t max, char **out, size_t *len,
                       struct strata_error *err)
{
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (sb.len + n > max)
            rc = strata_error_set(err, STRATA_ELIMIT, "%s: larger than %zu MiB", name, max >> 20);
        else if (strbuf_add(&sb, buf, n) != 0)
            rc = strata_error_nomem(err);
    }
    if (rc == 0 && ferror(f))
        rc = strata_error_set(err, STRATA_EIO, "%s: read error: %m", name);
    if (rc == 0 && sb.buf == NULL && strbuf_add(&sb, "", 0) != 0)
        rc = strata_error_nomem(err);
    if (rc != 0) {
        strbuf_release(&sb);
        return rc;
    }
    *len = sb.len;
    *out = strbuf_detach(&sb);
    return *out ? 0 : strata_error_nomem(err);
}

static void fail(struct walk *w, const struct strata_error *err)
{
    w->failed++;
    w->on_error(err, w->user);
}

static void take_file(struct walk *w, const char *path, FILE *f, int explicit)
{
    struct strata_error err = {0};
    const char *name = f == stdin ? "<stdin>" : path;
    char *data = NULL;
    size_t len = 0;
    int rc = read_stream(f, name, w->max_file, &data, &len, &err);
    if (rc == 0) {
        rc = w->fn(w->user, name, data, len, explicit, &err);
        if (rc == 1)
            rc = 0;
        else
            w->files++;
    }
    free(data);
    if (rc == STRATA_ENOMEM)
        w->fatal = rc;
    else if (rc != 0)
        fail(w, &err);
}

static void walk_dir(struct walk *w, struct strbuf *path, int depth)
{
    struct strata_error err = {0};
    if (depth > FILE_WALK_MAX_DEPTH) {
        strata_error_set(&err, STRATA_ELIMIT, "%s: more than %d directories deep", path->buf,
                         FILE_WALK_MAX_DEPTH);
        fail(w, &err);
        return;
    }
    DIR *d = opendir(path->buf);
    if (d == NULL) {
        strata_error_set(&err, STRATA_EIO, "%s: cannot open: %m", path->buf);
        fail(w, &err);
        return;
    }
    /* sorted, so the report does not depend on the directory's order */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && !w->fatal) {
        const char *nm = de->d_name;
        if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            char **p = realloc(names, nc * sizeof *p);
            if (p == NULL) {
                w->fatal = STRATA_ENOMEM;
                break;
            }
            names = p, cap = nc;
        }
        if ((names[n] = strdup(nm)) == NULL)
            w->fatal = STRATA_ENOMEM;
        else
            n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_name);
    size_t base = path->len;
    for (size_t i = 0; i < n && !w->fatal && w->files < FILE_WALK_MAX_FILES; i++) {
        path->len = base;
        path->buf[base] = '\0';
        if ((base > 0 && path->buf[base - 1] != '/' && strbuf_addch(path, '/') != 0) ||
            strbuf_adds(path, names[i]) != 0) {
            w->fatal = STRATA_ENOMEM;
            break;
        }
        struct stat st;
        if (lstat(path->buf, &st) != 0 || S_ISLNK(st.st_mode))
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (names[i][0] == '.' || strcmp(names[i], "node_modules") == 0 ||
                strcmp(names[i], "vendor") == 0)
                continue;
            walk_dir(w, path, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            FILE *f = fopen(path->buf, "rb");
            if (f == NULL)
                continue;
            take_file(w, path->buf, f, 0);
            fclose(f);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    path->len = base;
    path->buf[base] = '\0';
}

int file_walk(const char *const *paths, size_t n_paths, size_t max_file, file_walk_fn fn,
              file_walk_error_fn on_error, void *user, struct file_walk_stats *stats,
              struct strata_error *err)
{
    struct walk w = {.max_file = max_file, .fn = fn, .on_error = on_error, .user = user};
    for (size_t i = 0; i < n_paths && !w.fatal; i++) {
        const char *p = paths[i];
        struct strata_error e = {0};
        if (strcmp(p, "-") == 0) {
            take_file(&w, p, stdin, 1);
            continue;
        }
        struct stat st;
        if (stat(p, &st) != 0) {
            strata_error_set(&e, STRATA_EIO, "%s: %s", p, strerror(errno));
            fail(&w, &e);
        } else if (S_ISDIR(st.st_mode)) {
            struct strbuf sb = STRBUF_INIT;
            if (strbuf_adds(&sb, p) != 0)
                w.fatal = STRATA_ENOMEM;
            else
                walk_dir(&w, &sb, 0);
            strbuf_release(&sb);
        } else {
            FILE *f = fopen(p, "rb");
            if (f == NULL) {
                strata_error_set(&e, STRATA_EIO, "%s: cannot open: %m", p);
                fail(&w, &e);
                continue;
            }
            take_file(&w, p, f, 1);
            fclose(f);
        }
    }
    if (stats != NULL) {
        stats->files = w.files;
        stats->failed = w.failed;
    }
    return w.fatal ? strata_error_nomem(err) : 0;
}
