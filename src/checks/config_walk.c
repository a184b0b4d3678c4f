/* Which files `strata config` checks: the paths given, directories walked recursively (hidden
 * directories, node_modules and vendor skipped; symlinks inside a walked directory not
 * followed, so a link loop cannot trap the walk), each file's kind detected (or forced), each
 * read whole (bounded) and handed to its checker. A file that cannot be read or parsed is
 * reported through on_error and the walk goes on. */
#include "checks/config_walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/strbuf.h"

#define WALK_MAX_DEPTH 64
#define WALK_MAX_FILES 1000000

struct walk {
    struct config_ctx *c;
    enum config_kind force;
    config_error_fn on_error;
    void *user;
    size_t files, failed;
    int fatal; /* ENOMEM */
};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum config_kind config_kind_parse(const char *s)
{
    static const struct {
        const char *name;
        enum config_kind kind;
    } names[] = {
        {"dockerfile", CONFIG_DOCKERFILE},
        {"kubernetes", CONFIG_KUBERNETES},
        {"k8s", CONFIG_KUBERNETES},
        {"compose", CONFIG_COMPOSE},
        {"docker-inspect", CONFIG_DOCKER_INSPECT},
        {"inspect", CONFIG_DOCKER_INSPECT},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].kind;
    return CONFIG_UNKNOWN;
}

/* Reads f whole into a NUL-terminated buffer of at most CONFIG_MAX_FILE bytes. */
static int read_stream(FILE *f, const char *name, char **out, size_t *len, struct strata_error *err)
{
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (sb.len + n > CONFIG_MAX_FILE)
            rc = strata_error_set(err, STRATA_ELIMIT, "%s: larger than %u MiB", name,
                                  CONFIG_MAX_FILE >> 20);
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

static void check_file(struct walk *w, const char *path, FILE *f, int explicit)
{
    struct strata_error err = {0};
    const char *name = f == stdin ? "<stdin>" : path;
    char *data = NULL;
    size_t len = 0;
    int rc = read_stream(f, name, &data, &len, &err);
    if (rc == 0) {
        struct config_source src = {name, data, len, w->force};
        if (src.kind == CONFIG_UNKNOWN)
            src.kind = config_detect(f == stdin ? "-" : path, data, len);
        if (src.kind == CONFIG_UNKNOWN) {
            /* a file named on the command line must be something we check */
            if (explicit)
                rc = strata_error_set(&err, STRATA_EUSAGE,
                                      "%s: not a Dockerfile, Kubernetes manifest, compose file "
                                      "or docker inspect output (use --kind to say which)",
                                      name);
        } else {
            w->files++;
            rc = config_check_source(w->c, &src, &err);
        }
    }
    free(data);
    if (rc == STRATA_ENOMEM) {
        w->fatal = rc;
    } else if (rc != 0) {
        w->failed++;
        w->on_error(&err, w->user);
    }
}

static void walk_dir(struct walk *w, struct strbuf *path, int depth)
{
    struct strata_error err = {0};
    if (depth > WALK_MAX_DEPTH) {
        strata_error_set(&err, STRATA_ELIMIT, "%s: more than %d directories deep", path->buf,
                         WALK_MAX_DEPTH);
        w->failed++;
        w->on_error(&err, w->user);
        return;
    }
    DIR *d = opendir(path->buf);
    if (d == NULL) {
        strata_error_set(&err, STRATA_EIO, "%s: cannot open: %m", path->buf);
        w->failed++;
        w->on_error(&err, w->user);
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
    for (size_t i = 0; i < n && !w->fatal && w->files < WALK_MAX_FILES; i++) {
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
            check_file(w, path->buf, f, 0);
            fclose(f);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    path->len = base;
    path->buf[base] = '\0';
}

int config_check_paths(struct config_ctx *c, const char *const *paths, size_t n_paths,
                       enum config_kind force, config_error_fn on_error, void *user,
                       struct config_walk_stats *stats, struct strata_error *err)
{
    struct walk w = {.c = c, .force = force, .on_error = on_error, .user = user};
    for (size_t i = 0; i < n_paths && !w.fatal; i++) {
        const char *p = paths[i];
        if (strcmp(p, "-") == 0) {
            check_file(&w, p, stdin, 1);
            continue;
        }
        struct stat st;
        if (stat(p, &st) != 0) {
            struct strata_error e = {0};
            strata_error_set(&e, STRATA_EIO, "%s: %s", p, strerror(errno));
            w.failed++;
            on_error(&e, user);
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
                struct strata_error e = {0};
                strata_error_set(&e, STRATA_EIO, "%s: cannot open: %m", p);
                w.failed++;
                on_error(&e, user);
                continue;
            }
            check_file(&w, p, f, 1);
            fclose(f);
        }
    }
    if (stats != NULL) {
        stats->files = w.files;
        stats->failed = w.failed;
    }
    if (w.fatal)
        return strata_error_nomem(err);
    /* the rules that needed every file (NetworkPolicies of a namespace, …) */
    return config_ctx_finish(c, err);
}
