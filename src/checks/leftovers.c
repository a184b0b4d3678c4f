/* What a build left behind in the final filesystem: package manager caches (Dockle's
 * DKL-DI-0005, for every package manager rather than apt alone) and files that have no
 * business in an image — .git directories, .env files, Finder metadata, editor backups and
 * swap files (DKL-LI-0003). Metadata only: no file is read. One finding per cache directory
 * or .git directory (with the count and bytes of what it holds) and one per other file. */
#include "checks/checks.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "inventory/os_owner.h"

/* ---- classification ---- */

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static int has_suffix(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* The length of the directory ending in component sequence dir ("/.cache/pip") found in path
 * with something below it, or 0. dir is matched at the start of the path too. */
static size_t find_dir(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (strncmp(path, dir + 1, n - 1) == 0 && path[n - 1] == '/')
        return n - 1;
    for (const char *p = strstr(path, dir); p != NULL; p = strstr(p + 1, dir))
        if (p[n] == '/')
            return (size_t)(p - path) + n;
    return 0;
}

enum checks_cache_kind checks_cache_of(const char *path, size_t *dir_len)
{
    static const struct {
        const char *prefix;
        enum checks_cache_kind kind;
    } dirs[] = {
        {"var/cache/apk/", CHECKS_CACHE_APK},
        {"var/cache/yum/", CHECKS_CACHE_YUM},
        {"var/cache/dnf/", CHECKS_CACHE_DNF},
        {"var/cache/zypp/", CHECKS_CACHE_ZYPPER},
    };
    static const struct {
        const char *dir;
        enum checks_cache_kind kind;
    } homes[] = {
        {"/.cache/pip", CHECKS_CACHE_PIP},
        {"/.npm/_cacache", CHECKS_CACHE_NPM},
        {"/.cache/yarn", CHECKS_CACHE_YARN},
    };
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(path);
    if (has_prefix(path, "var/cache/apt/archives/") && has_suffix(path, n, ".deb")) {
        *dir_len = strlen("var/cache/apt/archives");
        return CHECKS_CACHE_APT_ARCHIVES;
    }
    /* pkgcache.bin and srcpkgcache.bin, which apt rebuilds from the lists */
    if (has_prefix(path, "var/cache/apt/") && strchr(path + 14, '/') == NULL &&
        has_suffix(path, n, ".bin")) {
        *dir_len = strlen("var/cache/apt");
        return CHECKS_CACHE_APT_PKGCACHE;
    }
    if (has_prefix(path, "var/lib/apt/lists/") && strcmp(base, "lock") != 0 &&
        !has_prefix(path + 18, "partial/")) {
        *dir_len = strlen("var/lib/apt/lists");
        return CHECKS_CACHE_APT_LISTS;
    }
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (has_prefix(path, dirs[i].prefix)) {
            *dir_len = strlen(dirs[i].prefix) - 1;
            return dirs[i].kind;
        }
    for (size_t i = 0; i < sizeof homes / sizeof *homes; i++) {
        size_t k = find_dir(path, homes[i].dir);
        if (k > 0) {
            *dir_len = k;
            return homes[i].kind;
        }
    }
    *dir_len = 0;
    return CHECKS_CACHE_NONE;
}

/* .env.example and its kin are templates checked in on purpose, without values. */
static int is_env_file(const char *base)
{
    static const char *const templates[] = {"example", "sample", "template", "dist", "defaults"};
    if (strcmp(base, ".env") == 0)
        return 1;
    if (!has_prefix(base, ".env.") || base[5] == '\0')
        return 0;
    for (size_t i = 0; i < sizeof templates / sizeof *templates; i++)
        if (strcmp(base + 5, templates[i]) == 0)
            return 0;
    return 1;
}

enum checks_unneeded_kind checks_unneeded_of(const char *path, size_t *dir_len)
{
    /* the outermost .git component: everything below it belongs to that repository */
    for (const char *p = path; p != NULL; p = strchr(p, '/')) {
        if (*p == '/')
            p++;
        if (strncmp(p, ".git", 4) == 0 && (p[4] == '\0' || p[4] == '/')) {
            *dir_len = (size_t)(p - path) + 4;
            return CHECKS_UNNEEDED_GIT;
        }
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    *dir_len = strlen(path);
    if (is_env_file(base))
        return CHECKS_UNNEEDED_ENV;
    if (strcmp(base, ".DS_Store") == 0)
        return CHECKS_UNNEEDED_DS_STORE;
    if ((n > 1 && base[n - 1] == '~') ||
        (base[0] == '.' && n > 5 && (has_suffix(base, n, ".swp") || has_suffix(base, n, ".swo"))))
        return CHECKS_UNNEEDED_EDITOR;
    if ((n > 4 && has_suffix(base, n, ".bak")) || (n > 5 && has_suffix(base, n, ".orig")))
        return CHECKS_UNNEEDED_BACKUP;
    return CHECKS_UNNEEDED_NONE;
}

/* ---- the walk ---- */

/* A directory that aggregates files: a package cache or a .git repository. */
struct dir_agg {
    char *path; /* view path of the directory, the strmap key */
    int is_git;
    enum checks_cache_kind cache;
    size_t files;
    uint64_t bytes;
    int layer; /* the latest layer that wrote into it (or the directory), -1 when unknown */
};

/* A single unnecessary file (.env, .DS_Store, backups). */
struct file_cand {
    char *path;
    enum checks_unneeded_kind kind;
    int layer;
};

struct walk {
    struct strmap by_path; /* dir path -> index + 1 into dirs */
    struct dir_agg *dirs;
    size_t n_dirs, cap_dirs, n_git, n_caches;
    struct file_cand *files;
    size_t n_files, cap_files;
    int rc;
};

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, c * size);
    if (p == NULL)
        return STRATA_ENOMEM;
    *arr = p;
    *cap = c;
    return 0;
}

/* Adds the node to the aggregate of the directory path[0, dir_len). Distinct directories are
 * bounded: past CHECKS_MAX_FILE_FINDINGS repositories (or caches) new ones are dropped. */
static int aggregate(struct walk *w, const struct strata_node_info *n, size_t dir_len, int is_git,
                     enum checks_cache_kind cache)
{
    struct dir_agg *d = NULL;
    uintptr_t idx = (uintptr_t)strmap_getn(&w->by_path, n->path, dir_len);
    if (idx != 0) {
        d = &w->dirs[idx - 1];
    } else {
        size_t *count = is_git ? &w->n_git : &w->n_caches;
        if (*count >= CHECKS_MAX_FILE_FINDINGS)
            return 0;
        if (grow((void **)&w->dirs, &w->cap_dirs, w->n_dirs, sizeof *w->dirs) != 0)
            return STRATA_ENOMEM;
        d = &w->dirs[w->n_dirs];
        *d = (struct dir_agg){.is_git = is_git, .cache = cache, .layer = -1};
        if ((d->path = strndup(n->path, dir_len)) == NULL)
            return STRATA_ENOMEM;
        if (strmap_put(&w->by_path, d->path, (void *)(uintptr_t)(w->n_dirs + 1)) != 0) {
            free(d->path);
            return STRATA_ENOMEM;
        }
        w->n_dirs++;
        (*count)++;
    }
    if (n->type == STRATA_FT_REG && strlen(n->path) > dir_len) {
        d->files++;
        d->bytes += n->size;
    }
    if (n->layer > d->layer)
        d->layer = n->layer;
    return 0;
}

static int collect(const struct strata_node_info *n, void *arg)
{
    struct walk *w = arg;
    if (n->deleted_by >= 0 || n->path == NULL || *n->path == '\0')
        return 0;
    size_t len;
    enum checks_unneeded_kind k = checks_unneeded_of(n->path, &len);
    if (k == CHECKS_UNNEEDED_GIT) {
        if ((w->rc = aggregate(w, n, len, 1, CHECKS_CACHE_NONE)) != 0)
            return w->rc;
        return 0;
    }
    if (n->type != STRATA_FT_REG)
        return 0;
    enum checks_cache_kind c = checks_cache_of(n->path, &len);
    if (c != CHECKS_CACHE_NONE) {
        /* empty files are lock files and markers (last_makecache), not cached data */
        if (n->size > 0 && (w->rc = aggregate(w, n, len, 0, c)) != 0)
            return w->rc;
        return 0;
    }
    if (k == CHECKS_UNNEEDED_NONE || w->n_files >= CHECKS_MAX_FILE_FINDINGS)
        return 0;
    if (grow((void **)&w->files, &w->cap_files, w->n_files, sizeof *w->files) != 0)
        return w->rc = STRATA_ENOMEM;
    struct file_cand *f = &w->files[w->n_files];
    if ((f->path = strdup(n->path)) == NULL)
        return w->rc = STRATA_ENOMEM;
    f->kind = k;
    f->layer = n->layer;
    w->n_files++;
    return 0;
}

/* ---- findings ---- */

struct cache_def {
    const char *what, *remediation;
};

static const struct cache_def cache_defs[] = {
    [CHECKS_CACHE_APT_ARCHIVES] =
        {"downloaded .deb packages",
         "Run `apt-get clean` (or `rm -rf /var/cache/apt/archives/*.deb`) "
         "in the same RUN step as `apt-get install`."},
    [CHECKS_CACHE_APT_PKGCACHE] = {"apt's binary package cache",
                                   "Run `apt-get clean` (or `rm -f /var/cache/apt/*.bin`) in the "
                                   "same RUN step as `apt-get install`."},
    [CHECKS_CACHE_APT_LISTS] = {"apt package lists",
                                "Run `rm -rf /var/lib/apt/lists/*` in the same RUN step as "
                                "`apt-get update && apt-get install`."},
    [CHECKS_CACHE_APK] = {"the apk cache",
                          "Use `apk add --no-cache`, or `rm -rf /var/cache/apk/*` in the same "
                          "RUN step."},
    [CHECKS_CACHE_YUM] = {"the yum cache",
                          "Run `yum clean all && rm -rf /var/cache/yum` in the same RUN step as "
                          "`yum install`."},
    [CHECKS_CACHE_DNF] = {"the dnf cache",
                          "Run `dnf clean all` (`microdnf clean all`) in the same RUN step as "
                          "the install."},
    [CHECKS_CACHE_ZYPPER] = {"the zypper cache",
                             "Run `zypper clean --all` in the same RUN step as `zypper "
                             "install`."},
    [CHECKS_CACHE_PIP] = {"the pip cache",
                          "Use `pip install --no-cache-dir` (or PIP_NO_CACHE_DIR=1), or remove "
                          "the cache in the same RUN step."},
    [CHECKS_CACHE_NPM] = {"the npm cache",
                          "Run `npm cache clean --force` in the same RUN step as `npm install` "
                          "(or use a BuildKit cache mount for ~/.npm)."},
    [CHECKS_CACHE_YARN] = {"the yarn cache",
                           "Run `yarn cache clean` in the same RUN step as `yarn install` (or "
                           "use a BuildKit cache mount)."},
};

/* "12.3 MiB" style size next to the exact byte count. */
static int add_size(struct strbuf *sb, uint64_t bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024)
        return strbuf_addf(sb, "%llu bytes", (unsigned long long)bytes);
    double v = (double)bytes / 1024;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof *units) {
        v /= 1024;
        u++;
    }
    return strbuf_addf(sb, "%llu bytes (%.1f %s)", (unsigned long long)bytes, v, units[u]);
}

static int emit_dir(const struct dir_agg *d, struct strata_report *r)
{
    struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;
    int rc = strbuf_addch(&path, '/');
    rc = rc ? rc : strbuf_adds(&path, d->path);
    const char *id, *title, *severity, *remediation;
    if (d->is_git) {
        id = "DKL-LI-0003";
        title = "Unnecessary file in the image";
        severity = "MEDIUM";
        remediation = "Keep .git out of the build context (`.git` in .dockerignore) or copy only "
                      "build outputs into the final stage of a multi-stage build.";
        rc = rc ? rc
                : strbuf_addf(&msg, "Git repository %s (%zu file%s, ", path.buf, d->files,
                              d->files == 1 ? "" : "s");
        rc = rc ? rc : add_size(&msg, d->bytes);
        rc = rc ? rc
                : strbuf_adds(&msg, "): its objects keep the project's source and history, "
                                    "including anything since deleted from the working tree.");
    } else {
        const struct cache_def *c = &cache_defs[d->cache];
        id = "DKL-DI-0005";
        title = "Package manager cache left in the image";
        severity = "LOW";
        remediation = c->remediation;
        rc = rc ? rc
                : strbuf_addf(&msg, "%s left in %s: %zu file%s, ", c->what, path.buf, d->files,
                              d->files == 1 ? "" : "s");
        rc = rc ? rc : add_size(&msg, d->bytes);
        rc = rc ? rc : strbuf_adds(&msg, ".");
        if (rc == 0 && msg.len > 0 && msg.buf[0] >= 'a' && msg.buf[0] <= 'z')
            msg.buf[0] = (char)(msg.buf[0] - 'a' + 'A');
    }
    if (rc == 0)
        rc = strata_report_add_misconf(r, id, NULL, title, severity, path.buf, d->layer, msg.buf,
                                       remediation, path.buf);
    strbuf_release(&path);
    strbuf_release(&msg);
    return rc;
}

static int emit_file(const struct file_cand *f, struct strata_report *r)
{
    static const struct {
        const char *what, *severity, *remediation;
    } defs[] = {
        [CHECKS_UNNEEDED_ENV] = {"an environment file: settings and often credentials (the "
                                 "secret scanner reports any it holds)",
                                 "MEDIUM",
                                 "Keep .env files out of images (`.env*` in .dockerignore); pass "
                                 "settings at run time and credentials as secrets."},
        [CHECKS_UNNEEDED_DS_STORE] = {"macOS Finder metadata: it lists the names of the files "
                                      "of its directory on the build machine",
                                      "LOW", "Add `**/.DS_Store` to .dockerignore."},
        [CHECKS_UNNEEDED_EDITOR] = {"an editor backup or swap file: an older copy of a file", "LOW",
                                    "Add `**/*~` and `**/.*.sw?` to .dockerignore."},
        [CHECKS_UNNEEDED_BACKUP] = {"a backup copy (.bak, .orig): an older version of a file",
                                    "LOW",
                                    "Add `**/*.bak` and `**/*.orig` to .dockerignore, or remove "
                                    "them in the step that made them."},
    };
    struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;
    int rc = strbuf_addch(&path, '/');
    rc = rc ? rc : strbuf_adds(&path, f->path);
    rc = rc ? rc : strbuf_addf(&msg, "%s: %s.", path.buf, defs[f->kind].what);
    if (rc == 0)
        rc = strata_report_add_misconf(r, "DKL-LI-0003", NULL, "Unnecessary file in the image",
                                       defs[f->kind].severity, path.buf, f->layer, msg.buf,
                                       defs[f->kind].remediation, path.buf);
    strbuf_release(&path);
    strbuf_release(&msg);
    return rc;
}

/* Files an OS package ships are the distribution's business, not leftovers of this build. */
static int drop_os_owned(struct walk *w, const struct strata_view *view,
                         const struct strata_report *r)
{
    if (w->n_files == 0)
        return 0;
    const char **paths = calloc(w->n_files, sizeof *paths);
    const char **owners = calloc(w->n_files, sizeof *owners);
    int rc = paths && owners ? 0 : STRATA_ENOMEM;
    for (size_t i = 0; i < w->n_files && rc == 0; i++)
        paths[i] = w->files[i].path;
    if (rc == 0)
        rc = inventory_os_owners(r, view, paths, w->n_files, owners);
    size_t k = 0;
    for (size_t i = 0; i < w->n_files && rc == 0; i++) {
        if (owners[i] != NULL)
            free(w->files[i].path);
        else
            w->files[k++] = w->files[i];
    }
    if (rc == 0)
        w->n_files = k;
    free(paths);
    free(owners);
    return rc;
}

int checks_leftovers(const struct strata_view *view, struct strata_report *r,
                     struct strata_error *err)
{
    struct walk w = {.by_path = STRMAP_INIT};
    strata_view_foreach(view, collect, &w);
    int rc = w.rc;
    if (rc == 0)
        rc = drop_os_owned(&w, view, r);
    for (size_t i = 0; i < w.n_dirs && rc == 0; i++)
        if (w.dirs[i].is_git || w.dirs[i].files > 0)
            rc = emit_dir(&w.dirs[i], r);
    for (size_t i = 0; i < w.n_files && rc == 0; i++)
        rc = emit_file(&w.files[i], r);
    strmap_release(&w.by_path);
    for (size_t i = 0; i < w.n_dirs; i++)
        free(w.dirs[i].path);
    for (size_t i = 0; i < w.n_files; i++)
        free(w.files[i].path);
    free(w.dirs);
    free(w.files);
    return rc == 0 ? 0 : strata_error_nomem(err);
}
