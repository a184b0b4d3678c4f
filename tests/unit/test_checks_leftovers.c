/* What a build leaves behind (src/checks/leftovers.c): package caches (DKL-DI-0005) and
 * unnecessary files (DKL-LI-0003) over synthetic views laid out the way apt, apk, dnf, pip,
 * npm and git lay them out; and the setuid/setgid summary (STRATA-DI-0004) with the
 * user's --setuid-allow globs (src/checks/image_files.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checks/checks.h"
#include "image/view_build.h"
#include "strata/report.h"

#define F(p, sz)                                                                                   \
    {                                                                                              \
        .path = (p), .type = STRATA_FT_REG, .mode = 0644, .size = (sz)                             \
    }
#define D(p)                                                                                       \
    {                                                                                              \
        .path = (p), .type = STRATA_FT_DIR, .mode = 0755                                           \
    }
#define SUID(p)                                                                                    \
    {                                                                                              \
        .path = (p), .type = STRATA_FT_REG, .mode = 04755, .size = 1000                            \
    }
#define WH(p)                                                                                      \
    {                                                                                              \
        .path = (p), .type = STRATA_FT_OTHER, .whiteout = WHITEOUT_FILE                            \
    }

struct layer {
    const struct layer_entry *e;
    size_t n;
};
#define LAYER(a)                                                                                   \
    {                                                                                              \
        (a), sizeof(a) / sizeof *(a)                                                               \
    }

static struct strata_view *build(const struct layer *layers, size_t n)
{
    struct strata_view *v = view_new();
    assert_non_null(v);
    struct strata_error err = {0};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(view_apply_layer(v, (int)i, layers[i].e, layers[i].n, &err), 0);
    return v;
}

/* A deb package owning files, as the dpkg analyzer would have added it. */
static void add_deb(struct strata_report *r, const char *name, const char *const *files)
{
    struct strata_package *p = strata_report_add_package(r);
    assert_non_null(p);
    p->name = strdup(name);
    p->type = strdup("deb");
    size_t n = 0;
    while (files[n] != NULL)
        n++;
    p->files = calloc(n, sizeof *p->files);
    assert_non_null(p->files);
    for (size_t i = 0; i < n; i++)
        p->files[i] = strdup(files[i]);
    p->n_files = n;
}

static struct strata_report *leftovers(const struct strata_view *v, struct strata_report *r)
{
    if (r == NULL)
        r = strata_report_new();
    assert_non_null(r);
    struct strata_error err = {0};
    assert_int_equal(checks_leftovers(v, r, &err), 0);
    strata_report_sort_misconfigurations(r);
    return r;
}

static size_t count_id(const struct strata_report *r, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        n += strcmp(r->misconfigurations[i].id, id) == 0;
    return n;
}

static const struct strata_misconfiguration *find(const struct strata_report *r, const char *id,
                                                  const char *path)
{
    for (size_t i = 0; i < r->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &r->misconfigurations[i];
        if (strcmp(m->id, id) == 0 && (path == NULL || (m->path && strcmp(m->path, path) == 0)))
            return m;
    }
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        print_message("  have %s %s: %s\n", r->misconfigurations[i].id,
                      r->misconfigurations[i].path ? r->misconfigurations[i].path : "-",
                      r->misconfigurations[i].message);
    fail_msg("no %s finding at %s", id, path ? path : "(any)");
    return NULL;
}

/* ---- classification ---- */

static void cache_is(const char *path, enum checks_cache_kind want, size_t want_len)
{
    size_t len = 99;
    enum checks_cache_kind k = checks_cache_of(path, &len);
    if (k != want || (want != CHECKS_CACHE_NONE && len != want_len))
        fail_msg("%s: kind %d dir_len %zu, want %d %zu", path, k, len, want, want_len);
}

static void test_cache_paths(void **st)
{
    (void)st;
    cache_is("var/cache/apt/archives/curl_7.88.1-10+deb12u15_amd64.deb", CHECKS_CACHE_APT_ARCHIVES,
             22);
    cache_is("var/cache/apt/archives/partial/libssl3_3.0.20-1~deb12u2_amd64.deb",
             CHECKS_CACHE_APT_ARCHIVES, 22);
    cache_is("var/cache/apt/archives/lock", CHECKS_CACHE_NONE, 0);
    cache_is("var/cache/apt/pkgcache.bin", CHECKS_CACHE_APT_PKGCACHE, 13);
    cache_is("var/cache/apt/srcpkgcache.bin", CHECKS_CACHE_APT_PKGCACHE, 13);
    cache_is("var/cache/apt/x/pkgcache.bin", CHECKS_CACHE_NONE, 0);
    cache_is("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease",
             CHECKS_CACHE_APT_LISTS, 17);
    cache_is("var/lib/apt/lists/auxfiles/x", CHECKS_CACHE_APT_LISTS, 17);
    cache_is("var/lib/apt/lists/lock", CHECKS_CACHE_NONE, 0);
    cache_is("var/lib/apt/lists/partial/deb.debian.org_debian_dists_bookworm_InRelease",
             CHECKS_CACHE_NONE, 0);
    cache_is("var/lib/apt/listsx/a", CHECKS_CACHE_NONE, 0);
    cache_is("var/lib/apt/extended_states", CHECKS_CACHE_NONE, 0);
    cache_is("var/cache/apk/APKINDEX.3d5d9e51.tar.gz", CHECKS_CACHE_APK, 13);
    cache_is("var/cache/dnf/fedora-1ab2/repodata/primary.xml.zst", CHECKS_CACHE_DNF, 13);
    cache_is("var/cache/yum/x86_64/7/base/packages/a.rpm", CHECKS_CACHE_YUM, 13);
    cache_is("var/cache/zypp/raw/repo-oss/repodata/repomd.xml", CHECKS_CACHE_ZYPPER, 14);
    cache_is("var/cache/debconf/templates.dat", CHECKS_CACHE_NONE, 0);
    cache_is("root/.cache/pip/http-v2/a/b/c/d/e/0123", CHECKS_CACHE_PIP, 15);
    cache_is("home/app/.cache/pip/wheels/ab/x.whl", CHECKS_CACHE_PIP, 19);
    cache_is(".cache/pip/x", CHECKS_CACHE_PIP, 10);
    cache_is("root/.cache/pipx/x", CHECKS_CACHE_NONE, 0);
    cache_is("root/.cache/pip", CHECKS_CACHE_NONE, 0);
    cache_is("app/x.cache/pip/y", CHECKS_CACHE_NONE, 0);
    cache_is("root/.npm/_cacache/index-v5/1f/2e/abc", CHECKS_CACHE_NPM, 18);
    cache_is("home/node/.npm/_cacache/content-v2/sha512/aa/bb/cc", CHECKS_CACHE_NPM, 23);
    cache_is("root/.npm/_logs/2025-01-01T00_00_00_000Z-debug-0.log", CHECKS_CACHE_NONE, 0);
    cache_is("usr/local/share/.cache/yarn/v6/npm-lodash-4.17.21/package.json", CHECKS_CACHE_YARN,
             27);
    cache_is("", CHECKS_CACHE_NONE, 0);
}

static void unneeded_is(const char *path, enum checks_unneeded_kind want, size_t want_len)
{
    size_t len = 99;
    enum checks_unneeded_kind k = checks_unneeded_of(path, &len);
    if (k != want || (want != CHECKS_UNNEEDED_NONE && len != want_len))
        fail_msg("%s: kind %d dir_len %zu, want %d %zu", path, k, len, want, want_len);
}

static void test_unneeded_paths(void **st)
{
    (void)st;
    unneeded_is("app/.git", CHECKS_UNNEEDED_GIT, 8);
    unneeded_is("app/.git/objects/pack/pack-1.pack", CHECKS_UNNEEDED_GIT, 8);
    unneeded_is(".git/config", CHECKS_UNNEEDED_GIT, 4);
    unneeded_is("a/.git/modules/b/.git/HEAD", CHECKS_UNNEEDED_GIT, 6); /* the outermost */
    unneeded_is("app/.git.orig", CHECKS_UNNEEDED_BACKUP, 13);
    unneeded_is("app/.gitignore", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/.github/workflows/ci.yml", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/x.git/y", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/.env", CHECKS_UNNEEDED_ENV, 8);
    unneeded_is(".env", CHECKS_UNNEEDED_ENV, 4);
    unneeded_is("app/.env.production", CHECKS_UNNEEDED_ENV, 19);
    unneeded_is("app/.env.example", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/.env.sample", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/.env.", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/.envrc", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/env", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/.DS_Store", CHECKS_UNNEEDED_DS_STORE, 13);
    unneeded_is("app/server.js~", CHECKS_UNNEEDED_EDITOR, 14);
    unneeded_is("app/~", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/.server.js.swp", CHECKS_UNNEEDED_EDITOR, 18);
    unneeded_is("app/.x.swo", CHECKS_UNNEEDED_EDITOR, 10);
    unneeded_is("app/.swp", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/x.swp", CHECKS_UNNEEDED_NONE, 0); /* vim's swap files start with '.' */
    unneeded_is("etc/nginx/nginx.conf.bak", CHECKS_UNNEEDED_BACKUP, 24);
    unneeded_is("app/server.js.orig", CHECKS_UNNEEDED_BACKUP, 18);
    unneeded_is("app/.bak", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("app/.orig", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("etc/shadow-", CHECKS_UNNEEDED_NONE, 0);
    unneeded_is("", CHECKS_UNNEEDED_NONE, 0);
}

/* ---- package caches ---- */

static void test_apt_caches(void **st)
{
    (void)st;
    /* debian12-minbase's shape: empty cache directories and zero-byte locks only */
    const struct layer_entry base[] = {
        D("var"),
        D("var/cache"),
        D("var/cache/apt"),
        D("var/cache/apt/archives"),
        D("var/cache/apt/archives/partial"),
        D("var/lib"),
        D("var/lib/apt"),
        D("var/lib/apt/lists"),
        D("var/lib/apt/lists/partial"),
        F("var/cache/debconf/templates.dat", 753157),
        F("var/cache/debconf/config.dat", 4401),
    };
    /* `apt-get update && apt-get install -y curl` without cleaning up */
    const struct layer_entry install[] = {
        F("var/cache/apt/archives/lock", 0),
        F("var/cache/apt/archives/curl_7.88.1-10+deb12u15_amd64.deb", 391748),
        F("var/cache/apt/archives/libcurl4_7.88.1-10+deb12u15_amd64.deb", 390696),
        F("var/cache/apt/archives/partial/libssl3_3.0.20-1~deb12u2_amd64.deb", 1024),
        F("var/cache/apt/pkgcache.bin", 28001254),
        F("var/cache/apt/srcpkgcache.bin", 27974618),
        F("var/lib/apt/lists/lock", 0),
        F("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", 151018),
        F("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4",
          18821136),
        F("var/lib/apt/lists/partial/x", 10),
    };
    const struct layer layers[] = {LAYER(base), LAYER(install)};
    struct strata_view *v = build(layers, 1);
    struct strata_report *r = leftovers(v, NULL);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
    view_free(v);

    v = build(layers, 2);
    r = leftovers(v, NULL);
    assert_int_equal(count_id(r, "DKL-DI-0005"), 3);
    assert_int_equal(r->n_misconfigurations, 3);
    const struct strata_misconfiguration *m = find(r, "DKL-DI-0005", "/var/cache/apt/archives");
    assert_string_equal(m->severity, "LOW");
    assert_int_equal(m->layer_index, 1);
    assert_string_equal(m->message, "Downloaded .deb packages left in /var/cache/apt/archives: 3 "
                                    "files, 783468 bytes (765.1 KiB).");
    assert_non_null(strstr(m->remediation, "apt-get clean"));
    assert_null(m->cis);
    m = find(r, "DKL-DI-0005", "/var/cache/apt");
    assert_non_null(strstr(m->message, "2 files, 55975872 bytes (53.4 MiB)"));
    m = find(r, "DKL-DI-0005", "/var/lib/apt/lists");
    assert_non_null(strstr(m->message, "Apt package lists left in /var/lib/apt/lists: 2 files"));
    assert_non_null(strstr(m->remediation, "rm -rf /var/lib/apt/lists/*"));
    strata_report_free(r);
    view_free(v);

    /* removed in a later layer (the layer still holds them, the image's filesystem not) */
    const struct layer_entry clean[] = {
        WH("var/cache/apt/archives/curl_7.88.1-10+deb12u15_amd64.deb"),
        WH("var/cache/apt/archives/libcurl4_7.88.1-10+deb12u15_amd64.deb"),
        WH("var/cache/apt/archives/partial/libssl3_3.0.20-1~deb12u2_amd64.deb"),
        WH("var/cache/apt/pkgcache.bin"),
        WH("var/cache/apt/srcpkgcache.bin"),
        {.path = "var/lib/apt/lists",
         .type = STRATA_FT_DIR,
         .mode = 0755,
         .whiteout = WHITEOUT_OPAQUE},
    };
    const struct layer cleaned[] = {LAYER(base), LAYER(install), LAYER(clean)};
    v = build(cleaned, 3);
    r = leftovers(v, NULL);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
    view_free(v);
}

static void test_other_caches(void **st)
{
    (void)st;
    const struct layer_entry l0[] = {
        F("var/cache/apk/APKINDEX.3d5d9e51.tar.gz", 650000),
        F("var/cache/apk/APKINDEX.d8e5ae0b.tar.gz", 1200000),
        F("var/cache/dnf/last_makecache", 0),
        F("var/cache/dnf/expired_repos.json", 2),
        F("var/cache/dnf/fedora-1ab2/repodata/primary.xml.zst", 5000000),
        F("root/.cache/pip/http-v2/a/b/c/d/e/0123", 4096),
        F("root/.cache/pip/selfcheck/x.json", 200),
        F("home/app/.cache/pip/wheels/ab/numpy-2.0.0-cp311-linux_x86_64.whl", 15000000),
        F("root/.npm/_cacache/index-v5/1f/2e/abc", 300),
        F("root/.npm/_logs/2025-01-01T00_00_00_000Z-debug-0.log", 3000),
        F("home/node/.npm/_cacache/content-v2/sha512/aa/bb/cc", 70000),
        F("usr/local/share/.cache/yarn/v6/npm-lodash-4.17.21/package.json", 1000),
        F("var/cache/zypp/raw/repo-oss/repodata/repomd.xml", 1000),
        F("var/cache/yum/x86_64/7/base/packages/bash-4.2.46-35.el7_9.x86_64.rpm", 1037000),
    };
    const struct layer layers[] = {LAYER(l0)};
    struct strata_view *v = build(layers, 1);
    struct strata_report *r = leftovers(v, NULL);
    static const char *const dirs[] = {"/var/cache/apk",
                                       "/var/cache/dnf",
                                       "/root/.cache/pip",
                                       "/home/app/.cache/pip",
                                       "/root/.npm/_cacache",
                                       "/home/node/.npm/_cacache",
                                       "/usr/local/share/.cache/yarn",
                                       "/var/cache/zypp",
                                       "/var/cache/yum"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        find(r, "DKL-DI-0005", dirs[i]);
    assert_int_equal(r->n_misconfigurations, sizeof dirs / sizeof *dirs);
    const struct strata_misconfiguration *m = find(r, "DKL-DI-0005", "/var/cache/apk");
    assert_non_null(strstr(m->message, "The apk cache left in /var/cache/apk: 2 files"));
    assert_non_null(strstr(m->remediation, "--no-cache"));
    m = find(r, "DKL-DI-0005", "/var/cache/dnf"); /* the empty marker is not counted */
    assert_non_null(strstr(m->message, ": 2 files, 5000002 bytes"));
    m = find(r, "DKL-DI-0005", "/root/.cache/pip");
    assert_non_null(strstr(m->message, "2 files, 4296 bytes (4.2 KiB)"));
    assert_non_null(strstr(m->remediation, "--no-cache-dir"));
    m = find(r, "DKL-DI-0005", "/root/.npm/_cacache");
    assert_non_null(strstr(m->message, "1 file, 300 bytes."));
    strata_report_free(r);
    view_free(v);
}

/* ---- unnecessary files ---- */

static void test_unnecessary_files(void **st)
{
    (void)st;
    const struct layer_entry l0[] = {
        D("usr"),
        F("usr/share/doc/patch/README.orig", 100), /* shipped by a deb: not reported */
        F("etc/nginx/nginx.conf.bak", 1400),
    };
    /* `COPY . /app` of a checkout without a .dockerignore */
    const struct layer_entry l1[] = {
        D("app"),
        F("app/.git/HEAD", 21),
        F("app/.git/config", 92),
        F("app/.git/objects/pack/pack-0123.pack", 100000),
        F("app/.git/ORIG_HEAD.orig", 41), /* inside .git: part of the repository finding */
        F("app/.env", 131),
        F("app/.env.example", 80),
        F("app/.DS_Store", 6148),
        F("app/.server.js.swp", 12288),
        F("app/server.js~", 500),
        F("app/server.js", 500),
        F("app/.gitignore", 20),
        F("app/node_modules/x/.git", 30), /* a gitdir file */
        {.path = "srv/tool", .type = STRATA_FT_SYMLINK, .mode = 0777, .link = "/app"},
        {.path = "srv/.env", .type = STRATA_FT_SYMLINK, .mode = 0777, .link = "/app/.env"},
    };
    /* a repository whose .git directory only exists implicitly (no entry of its own) */
    const struct layer_entry l2[] = {F("opt/lib/.git/HEAD", 21), WH("app/server.js~")};
    const struct layer layers[] = {LAYER(l0), LAYER(l1), LAYER(l2)};
    struct strata_view *v = build(layers, 3);
    struct strata_report *r = strata_report_new();
    static const char *const patch_files[] = {"/usr/share/doc/patch/README.orig", NULL};
    add_deb(r, "patch", patch_files);
    r = leftovers(v, r);
    const struct strata_misconfiguration *m = find(r, "DKL-LI-0003", "/app/.git");
    assert_string_equal(m->severity, "MEDIUM");
    assert_int_equal(m->layer_index, 1);
    assert_string_equal(m->title, "Unnecessary file in the image");
    assert_non_null(strstr(m->message, "Git repository /app/.git (4 files, 100154 bytes"));
    assert_non_null(strstr(m->remediation, ".dockerignore"));
    m = find(r, "DKL-LI-0003", "/opt/lib/.git");
    assert_int_equal(m->layer_index, 2);
    assert_non_null(strstr(m->message, "(1 file, 21 bytes)"));
    find(r, "DKL-LI-0003", "/app/node_modules/x/.git");
    m = find(r, "DKL-LI-0003", "/app/.env");
    assert_string_equal(m->severity, "MEDIUM");
    assert_non_null(strstr(m->message, "secret scanner"));
    assert_string_equal(find(r, "DKL-LI-0003", "/app/.DS_Store")->severity, "LOW");
    assert_string_equal(find(r, "DKL-LI-0003", "/app/.server.js.swp")->severity, "LOW");
    m = find(r, "DKL-LI-0003", "/etc/nginx/nginx.conf.bak");
    assert_string_equal(m->severity, "LOW");
    assert_int_equal(m->layer_index, 0);
    /* .git, opt .git, gitdir file, .env, .DS_Store, .swp, .bak; not the deleted server.js~,
     * not the deb's README.orig, not .env.example, not the symlink named .env */
    assert_int_equal(r->n_misconfigurations, 7);
    strata_report_free(r);
    view_free(v);
}

static void test_filesystem_scan_skips_leftovers(void **st)
{
    (void)st;
    const struct layer_entry l0[] = {F("src/.git/HEAD", 21), F(".env", 10),
                                     F("var/lib/apt/lists/x_InRelease", 100)};
    const struct layer layers[] = {LAYER(l0)};
    struct strata_view *v = build(layers, 1);
    struct strata_report *r = strata_report_new();
    struct checks_input in = {.config = NULL, .view = v, .n_layers = 1};
    struct strata_error err = {0};
    assert_int_equal(checks_run_image(&in, r, &err), 0);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
    /* the same as an image: reported */
    json_t *cfg =
        json_pack("{s:{s:s,s:{s:[s]}}}", "config", "User", "app", "Healthcheck", "Test", "CMD");
    r = strata_report_new();
    in.config = cfg;
    assert_int_equal(checks_run_image(&in, r, &err), 0);
    assert_int_equal(count_id(r, "DKL-LI-0003"), 2);
    assert_int_equal(count_id(r, "DKL-DI-0005"), 1);
    assert_int_equal(r->n_misconfigurations, 3);
    json_decref(cfg);
    strata_report_free(r);
    view_free(v);
}

static void test_hostile_views(void **st)
{
    (void)st;
    /* 12,000 .DS_Store files, 12,000 repositories, 25,000 pip caches: all bounded */
    size_t n = 12000, np = 25000;
    struct layer_entry *e = calloc(2 * n + np, sizeof *e);
    char **paths = calloc(2 * n + np, sizeof *paths);
    assert_non_null(e);
    assert_non_null(paths);
    for (size_t i = 0; i < 2 * n + np; i++) {
        char buf[64];
        if (i < n)
            snprintf(buf, sizeof buf, "d%zu/.DS_Store", i);
        else if (i < 2 * n)
            snprintf(buf, sizeof buf, "r%zu/.git/HEAD", i);
        else
            snprintf(buf, sizeof buf, "h%zu/.cache/pip/x", i);
        paths[i] = strdup(buf);
        assert_non_null(paths[i]);
        e[i] =
            (struct layer_entry){.path = paths[i], .type = STRATA_FT_REG, .mode = 0644, .size = 1};
    }
    struct strata_view *v = view_new();
    struct strata_error err = {0};
    assert_int_equal(view_apply_layer(v, 0, e, 2 * n + np, &err), 0);
    struct strata_report *r = leftovers(v, NULL);
    size_t ds = 0, git = 0;
    for (size_t i = 0; i < r->n_misconfigurations; i++) {
        const char *p = r->misconfigurations[i].path;
        ds += strstr(p, ".DS_Store") != NULL;
        git += strstr(p, "/.git") != NULL;
    }
    assert_int_equal(ds, CHECKS_MAX_FILE_FINDINGS);
    assert_int_equal(git, CHECKS_MAX_FILE_FINDINGS);
    assert_int_equal(count_id(r, "DKL-DI-0005"), CHECKS_MAX_FILE_FINDINGS);
    strata_report_free(r);
    view_free(v);
    for (size_t i = 0; i < 2 * n + np; i++)
        free(paths[i]);
    free(paths);
    free(e);
}

/* ---- setuid/setgid: the --setuid-allow list and the summary ---- */

static struct strata_report *files_check(const struct strata_view *v, const char *const *allow)
{
    struct strata_report *r = strata_report_new();
    static const char *const login[] = {"/usr/bin/su", NULL};
    add_deb(r, "util-linux", login);
    static const char *const passwd[] = {"/usr/bin/passwd", "/usr/bin/odd", NULL};
    add_deb(r, "passwd", passwd);
    struct strata_error err = {0};
    assert_int_equal(checks_image_files(v, allow, r, &err), 0);
    strata_report_sort_misconfigurations(r);
    return r;
}

static void test_setuid_allow_list(void **st)
{
    (void)st;
    const struct layer_entry l0[] = {SUID("usr/bin/su"), SUID("usr/bin/passwd"),
                                     SUID("usr/bin/odd")};
    const struct layer_entry l1[] = {SUID("usr/local/bin/find-suid"),
                                     {.path = "usr/local/bin/cat-sgid",
                                      .type = STRATA_FT_REG,
                                      .mode = 02755,
                                      .gid = 42,
                                      .size = 10}};
    const struct layer layers[] = {LAYER(l0), LAYER(l1)};
    struct strata_view *v = build(layers, 2);

    /* no user list: planted HIGH, owned but not allow-listed MEDIUM, stock LOW */
    struct strata_report *r = files_check(v, NULL);
    assert_string_equal(find(r, "CIS-DI-0008", "/usr/local/bin/find-suid")->severity, "HIGH");
    assert_string_equal(find(r, "CIS-DI-0008", "/usr/bin/odd")->severity, "MEDIUM");
    assert_string_equal(find(r, "CIS-DI-0008", "/usr/bin/su")->severity, "LOW");
    const struct strata_misconfiguration *m = find(r, "STRATA-DI-0004", NULL);
    assert_string_equal(m->severity, "LOW");
    assert_string_equal(m->cis, "4.8");
    assert_null(m->path);
    assert_int_equal(m->layer_index, -1);
    assert_string_equal(m->evidence, "filesystem");
    assert_non_null(strstr(m->message, "5 setuid/setgid files (2 on the default allow-list, 2 "
                                       "that no OS package owns)"));
    assert_non_null(
        strstr(m->remediation, "find / -xdev -perm /6000 -type f -exec chmod a-s {} +"));
    assert_non_null(strstr(m->remediation, "--security-opt=no-new-privileges"));
    assert_int_equal(count_id(r, "STRATA-DI-0004"), 1);
    strata_report_free(r);

    /* a user glob: the planted file becomes LOW with the --setuid-allow note, whoever owns
     * it; with or without the leading '/'; FNM_PATHNAME: '*' does not cross '/' */
    static const char *const allow[] = {"/usr/local/bin/find-*", "usr/bin/od?", NULL};
    r = files_check(v, allow);
    m = find(r, "CIS-DI-0008", "/usr/local/bin/find-suid");
    assert_string_equal(m->severity, "LOW");
    assert_non_null(strstr(m->message, "that no OS package owns (on the --setuid-allow list)."));
    assert_null(strstr(m->message, "planted"));
    m = find(r, "CIS-DI-0008", "/usr/bin/odd");
    assert_string_equal(m->severity, "LOW");
    assert_non_null(strstr(m->message, "from package passwd (on the --setuid-allow list)."));
    assert_string_equal(find(r, "CIS-DI-0008", "/usr/local/bin/cat-sgid")->severity, "HIGH");
    m = find(r, "STRATA-DI-0004", NULL);
    assert_non_null(strstr(m->message, "3 setuid/setgid files (2 on the default allow-list, 1 "
                                       "that no OS package owns; 2 more on the --setuid-allow "
                                       "list not counted)"));
    strata_report_free(r);

    static const char *const too_wide[] = {"/usr/*", "/usr/local/bin/cat-sgid", NULL};
    r = files_check(v, too_wide);
    assert_string_equal(find(r, "CIS-DI-0008", "/usr/local/bin/find-suid")->severity, "HIGH");
    assert_string_equal(find(r, "CIS-DI-0008", "/usr/local/bin/cat-sgid")->severity, "LOW");
    strata_report_free(r);

    /* everything on the user's list: no summary */
    static const char *const all[] = {"/usr/bin/*", "/usr/local/bin/*", NULL};
    r = files_check(v, all);
    assert_int_equal(count_id(r, "STRATA-DI-0004"), 0);
    assert_int_equal(count_id(r, "CIS-DI-0008"), 5);
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        assert_string_equal(r->misconfigurations[i].severity, "LOW");
    strata_report_free(r);
    view_free(v);

    /* no setuid file at all: no summary */
    const struct layer_entry plain[] = {F("usr/bin/ls", 100)};
    const struct layer none[] = {LAYER(plain)};
    v = build(none, 1);
    r = files_check(v, NULL);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
    view_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_paths),
        cmocka_unit_test(test_unneeded_paths),
        cmocka_unit_test(test_apt_caches),
        cmocka_unit_test(test_other_caches),
        cmocka_unit_test(test_unnecessary_files),
        cmocka_unit_test(test_filesystem_scan_skips_leftovers),
        cmocka_unit_test(test_hostile_views),
        cmocka_unit_test(test_setuid_allow_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
