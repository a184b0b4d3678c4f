/* 'strata db update': feed list, downloads into a temporary directory, checks, build. */
#include "vulndb/update.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "core/path.h"
#include "vulndb/feeds_default.h"
#include "vulndb/fetch.h"
#include "vulndb/vulndb.h"

#define TMP_PREFIX ".strata-update-"

const char *vulndb_default_feeds_text(void)
{
    return feeds_default_conf;
}

void vulndb_feeds_free(struct vulndb_feeds *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].name);
        free(f->v[i].url);
    }
    free(f->v);
    free(f->text);
    free(f->origin);
    memset(f, 0, sizeof *f);
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* One line (without its '\n'), already known to hold something other than blanks. */
static int parse_line(const char *s, size_t n, unsigned line, const char *origin,
                      struct vulndb_feeds *out, struct strata_error *err)
{
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    size_t name_at = i;
    while (i < n && !is_blank(s[i]))
        i++;
    size_t name_len = i - name_at;
    while (i < n && is_blank(s[i]))
        i++;
    size_t url_at = i;
    while (i < n && !is_blank(s[i]))
        i++;
    size_t url_len = i - url_at;
    while (i < n && is_blank(s[i]))
        i++;

    if (url_len == 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: line %u: expected 'NAME URL', found only '%.*s'", origin, line,
                                (int)(name_len > 64 ? 64 : name_len), s + name_at);
    if (i < n)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: line %u: column %zu: unexpected text after the URL "
                                "(expected 'NAME URL')",
                                origin, line, i + 1);
    if (name_len > FEED_NAME_MAX)
        return strata_error_set(err, STRATA_ELIMIT, "%s: line %u: feed name longer than %d bytes",
                                origin, line, FEED_NAME_MAX);
    for (size_t k = name_at; k < name_at + name_len; k++) {
        if (!name_char(s[k]) || (k == name_at && s[k] == '.'))
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: line %u: column %zu: feed name '%.*s' may only hold "
                                    "letters, digits, '.', '_' and '-' (not leading '.')",
                                    origin, line, k + 1, (int)name_len, s + name_at);
    }
    if (url_len > FEED_URL_MAX)
        return strata_error_set(err, STRATA_ELIMIT, "%s: line %u: URL longer than %d bytes", origin,
                                line, FEED_URL_MAX);
    for (size_t k = url_at; k < url_at + url_len; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c < 0x21 || c == 0x7f)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: line %u: column %zu: control byte in the URL", origin,
                                    line, k + 1);
    }
    bool http = url_len > 7 && strncmp(s + url_at, "http://", 7) == 0;
    bool https = url_len > 8 && strncmp(s + url_at, "https://", 8) == 0;
    if (!http && !https)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: line %u: column %zu: '%.*s' is not an http:// or https:// "
                                "URL (for local files use 'strata db update --from DIR')",
                                origin, line, url_at + 1, (int)(url_len > 80 ? 80 : url_len),
                                s + url_at);
    for (size_t f = 0; f < out->n; f++) {
        if (strlen(out->v[f].name) == name_len &&
            memcmp(out->v[f].name, s + name_at, name_len) == 0)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: line %u: feed name '%s' already used on line %u", origin,
                                    line, out->v[f].name, out->v[f].line);
        if (strlen(out->v[f].url) == url_len && memcmp(out->v[f].url, s + url_at, url_len) == 0)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: line %u: URL already listed on line %u", origin, line,
                                    out->v[f].line);
    }
    if (out->n >= FEEDS_MAX)
        return strata_error_set(err, STRATA_ELIMIT, "%s: line %u: more than %d feeds", origin, line,
                                FEEDS_MAX);
    struct vulndb_feed *v = realloc(out->v, (out->n + 1) * sizeof *v);
    if (v == NULL)
        return strata_error_nomem(err);
    out->v = v;
    struct vulndb_feed *f = &out->v[out->n];
    f->name = strndup(s + name_at, name_len);
    f->url = strndup(s + url_at, url_len);
    f->line = line;
    if (f->name == NULL || f->url == NULL) {
        free(f->name);
        free(f->url);
        return strata_error_nomem(err);
    }
    out->n++;
    return 0;
}

int vulndb_feeds_parse(const char *text, size_t len, const char *origin, struct vulndb_feeds *out,
                       struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = 0;
    if (len > FEEDS_FILE_MAX) {
        rc = strata_error_set(err, STRATA_ELIMIT, "%s: larger than %d bytes", origin,
                              FEEDS_FILE_MAX);
        goto fail;
    }
    out->origin = strdup(origin);
    out->text = malloc(len + 1);
    if (out->origin == NULL || out->text == NULL) {
        rc = strata_error_nomem(err);
        goto fail;
    }
    memcpy(out->text, text, len);
    out->text[len] = '\0';
    unsigned line = 0;
    size_t pos = 0;
    while (pos < len) {
        line++;
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (memchr(s, '\0', n) != NULL) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: line %u: NUL byte", origin, line);
            goto fail;
        }
        size_t i = 0;
        while (i < n && is_blank(s[i]))
            i++;
        if (i == n || s[i] == '#')
            continue;
        rc = parse_line(s, n, line, origin, out, err);
        if (rc != 0)
            goto fail;
    }
    if (out->n == 0) {
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: no feeds listed (expected 'NAME URL' lines)", origin);
        goto fail;
    }
    return 0;
fail:
    vulndb_feeds_free(out);
    return rc;
}

/* Reads a whole small regular file. ENOENT is reported as STRATA_ENOTFOUND. */
static int read_small_file(const char *path, size_t max, char **out, size_t *out_len,
                           struct strata_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return strata_error_set(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO,
                                "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return strata_error_set(err, STRATA_EIO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return strata_error_set(err, STRATA_ELIMIT, "%s: larger than %zu bytes", path, max);
    }
    char *buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        close(fd);
        return strata_error_nomem(err);
    }
    size_t got = 0;
    while (got <= (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return strata_error_set(err, STRATA_EIO, "%s: read failed: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got > (size_t)st.st_size) { /* grew while we read it */
        free(buf);
        return strata_error_set(err, STRATA_EIO, "%s: changed while being read", path);
    }
    buf[got] = '\0';
    *out = buf;
    *out_len = got;
    return 0;
}

int vulndb_feeds_load(const char *explicit_path, struct vulndb_feeds *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    char path[STRATA_PATH_MAX];
    const char *use = explicit_path;
    if (use == NULL) {
        const char *xdg = getenv("XDG_CONFIG_HOME");
        const char *home = getenv("HOME");
        int n = -1;
        if (xdg && xdg[0] == '/')
            n = snprintf(path, sizeof path, "%s/strata/feeds.conf", xdg);
        else if (home && home[0] == '/')
            n = snprintf(path, sizeof path, "%s/.config/strata/feeds.conf", home);
        if (n > 0 && (size_t)n < sizeof path && access(path, F_OK) == 0)
            use = path;
    }
    if (use == NULL) {
        const char *t = vulndb_default_feeds_text();
        return vulndb_feeds_parse(t, strlen(t), "built-in feeds.conf", out, err);
    }
    char *text = NULL;
    size_t len = 0;
    int rc = read_small_file(use, FEEDS_FILE_MAX, &text, &len, err);
    if (rc != 0)
        return rc;
    rc = vulndb_feeds_parse(text, len, use, out, err);
    free(text);
    return rc;
}

/* ---- the update ---- */

struct update_ctx {
    const struct vulndb_update_options *opt;
    char dir[STRATA_PATH_MAX];      /* the database's directory */
    char base[STRATA_PATH_MAX];     /* its file name */
    char tmp[STRATA_PATH_MAX + 32]; /* the download directory, "" until made */
    char **sources;                 /* paths handed to vulndb_build */
    const char **labels;            /* the URL (or NULL) for each source, for messages */
    size_t n_sources;
    int lock_fd;
    struct vulndb_update_progress prog;
};

static void emit(struct update_ctx *c, enum vulndb_update_event ev)
{
    if (c->opt->progress) {
        c->prog.event = ev;
        c->opt->progress(c->opt->progress_ctx, &c->prog);
    }
}

static void on_fetch_progress(void *ctx, uint64_t received, uint64_t total, int done)
{
    struct update_ctx *c = ctx;
    (void)done;
    c->prog.received = received;
    c->prog.total = total;
    emit(c, VULNDB_UPDATE_FEED_PROGRESS);
}

static void on_fetch_retry(void *ctx, unsigned attempt, const char *why, int64_t wait_ms)
{
    struct update_ctx *c = ctx;
    c->prog.attempt = attempt;
    c->prog.detail = why;
    c->prog.wait_ms = wait_ms;
    emit(c, VULNDB_UPDATE_RETRY);
}

static int split_db_path(const char *db, struct update_ctx *c, struct strata_error *err)
{
    size_t n = strlen(db);
    if (n == 0 || n >= STRATA_PATH_MAX - 64)
        return strata_error_set(err, STRATA_EUSAGE, "database path '%.64s' is empty or too long",
                                db);
    if (db[n - 1] == '/')
        return strata_error_set(err, STRATA_EUSAGE, "%s: the database path names a directory", db);
    const char *slash = strrchr(db, '/');
    if (slash == NULL) {
        snprintf(c->dir, sizeof c->dir, ".");
        snprintf(c->base, sizeof c->base, "%s", db);
    } else if (slash == db) {
        snprintf(c->dir, sizeof c->dir, "/");
        snprintf(c->base, sizeof c->base, "%s", slash + 1);
    } else {
        snprintf(c->dir, sizeof c->dir, "%.*s", (int)(slash - db), db);
        snprintf(c->base, sizeof c->base, "%s", slash + 1);
    }
    return 0;
}

/* mkdir -p, mode 0755 for what it creates. */
static int make_dirs(const char *dir, struct strata_error *err)
{
    char p[STRATA_PATH_MAX];
    snprintf(p, sizeof p, "%s", dir);
    size_t n = strlen(p);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char keep = p[i];
        p[i] = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            return strata_error_set(err, STRATA_EIO, "%s: cannot create directory: %s", p,
                                    strerror(errno));
        p[i] = keep;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return strata_error_set(err, STRATA_EIO, "%s: not a directory", dir);
    return 0;
}

static int take_lock(struct update_ctx *c, struct strata_error *err)
{
    char lock[2 * STRATA_PATH_MAX + 16];
    snprintf(lock, sizeof lock, "%s/.%s.lock", c->dir, c->base);
    c->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (c->lock_fd < 0)
        return strata_error_set(err, STRATA_EIO, "%s: cannot create the lock file: %s", lock,
                                strerror(errno));
    if (flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(c->lock_fd);
        c->lock_fd = -1;
        if (e == EWOULDBLOCK)
            return strata_error_set(err, STRATA_EIO,
                                    "%s/%s: another 'strata db update' is running (lock %s)",
                                    c->dir, c->base, lock);
        return strata_error_set(err, STRATA_EIO, "%s: cannot lock: %s", lock, strerror(e));
    }
    return 0;
}

/* Removes a flat directory of our own making: its files, then itself. */
static void remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            unlinkat(dirfd(d), e->d_name, 0);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Download directories left by a killed update (we hold the lock, so none is in use). */
static void remove_stale(struct update_ctx *c)
{
    DIR *d = opendir(c->dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) != 0)
            continue;
        char p[STRATA_PATH_MAX + 256];
        snprintf(p, sizeof p, "%s/%s", c->dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_flat_dir(p);
    }
    closedir(d);
}

static int add_source(struct update_ctx *c, const char *path, const char *label,
                      struct strata_error *err)
{
    char **s = realloc(c->sources, (c->n_sources + 1) * sizeof *s);
    if (s == NULL)
        return strata_error_nomem(err);
    c->sources = s;
    const char **l = realloc(c->labels, (c->n_sources + 1) * sizeof *l);
    if (l == NULL)
        return strata_error_nomem(err);
    c->labels = l;
    c->sources[c->n_sources] = strdup(path);
    if (c->sources[c->n_sources] == NULL)
        return strata_error_nomem(err);
    c->labels[c->n_sources] = label;
    c->n_sources++;
    return 0;
}

/* The download's file name: "NN-NAME" plus the URL's extension when it has a short one. */
static void download_name(const struct vulndb_feed *f, size_t index, char *out, size_t cap)
{
    const char *end = f->url + strcspn(f->url, "?#");
    const char *last = end;
    while (last > f->url && last[-1] != '/')
        last--;
    const char *dot = NULL;
    for (const char *p = last; p < end; p++)
        if (*p == '.')
            dot = p;
    size_t ext = dot ? (size_t)(end - dot) : 0;
    bool ok = ext >= 2 && ext <= 6;
    for (size_t k = 1; ok && k < ext; k++)
        ok = (dot[k] >= 'a' && dot[k] <= 'z') || (dot[k] >= '0' && dot[k] <= '9');
    snprintf(out, cap, "%03zu-%s%.*s", index + 1, f->name, ok ? (int)ext : 0, ok ? dot : "");
}

static bool url_ends_with(const char *url, const char *suffix)
{
    size_t n = strcspn(url, "?#"), s = strlen(suffix);
    return n >= s && strncmp(url + n - s, suffix, s) == 0;
}

/* Cheap checks that catch the usual wrong bodies before the build reads them: an empty
 * body, a zip that does not open (truncated, garbled central directory), an HTML page. */
static int check_download(const char *path, const struct vulndb_feed *f, uint64_t bytes,
                          struct strata_error *err)
{
    if (bytes == 0)
        return strata_error_set(err, STRATA_EFORMAT, "%s: empty response", f->url);
    unsigned char head[16] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return strata_error_set(err, STRATA_EIO, "%s: cannot reopen %s: %s", f->url, path,
                                strerror(errno));
    ssize_t got = read(fd, head, sizeof head);
    close(fd);
    if (got < 0)
        return strata_error_set(err, STRATA_EIO, "%s: cannot read %s", f->url, path);
    if (got >= 2 && head[0] == 'P' && head[1] == 'K') {
        int zerr = 0;
        zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
        if (z == NULL) {
            zip_error_t ze;
            zip_error_init_with_code(&ze, zerr);
            strata_error_set(err, STRATA_EFORMAT, "%s: corrupt zip archive (%llu bytes): %s",
                             f->url, (unsigned long long)bytes, zip_error_strerror(&ze));
            zip_error_fini(&ze);
            return STRATA_EFORMAT;
        }
        zip_discard(z);
        return 0;
    }
    if (url_ends_with(f->url, ".zip"))
        return strata_error_set(err, STRATA_EFORMAT, "%s: not a zip archive", f->url);
    size_t i = 0;
    while (i < (size_t)got &&
           (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
        i++;
    if (i < (size_t)got && head[i] == '<')
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: the server sent an HTML/XML page, not a feed", f->url);
    return 0;
}

static int download_all(struct update_ctx *c, struct vulndb_update_stats *st,
                        struct strata_error *err)
{
    const struct vulndb_update_options *opt = c->opt;
    const struct vulndb_feeds *feeds = opt->feeds;
    if (feeds == NULL || feeds->n == 0)
        return strata_error_set(err, STRATA_EUSAGE, "no feeds to download");
    char tmpl[STRATA_PATH_MAX + 32];
    snprintf(tmpl, sizeof tmpl, "%s/" TMP_PREFIX "XXXXXX", c->dir);
    if (mkdtemp(tmpl) == NULL)
        return strata_error_set(err, STRATA_EIO, "%s: cannot create a download directory: %s",
                                c->dir, strerror(errno));
    snprintf(c->tmp, sizeof c->tmp, "%s", tmpl);

    uint64_t max_file = opt->max_file_bytes ? opt->max_file_bytes : UPDATE_MAX_FILE_DEFAULT;
    uint64_t max_total = opt->max_total_bytes ? opt->max_total_bytes : UPDATE_MAX_TOTAL_DEFAULT;
    int64_t start = fetch_now_ms();
    struct fetch_options fo = {
        .user_agent = opt->user_agent,
        .connect_timeout_s = opt->connect_timeout_s,
        .stall_timeout_s = opt->stall_timeout_s,
        .retries = opt->retries,
        .backoff_ms = opt->backoff_ms,
        .deadline_ms = opt->timeout_s > 0 ? start + (int64_t)opt->timeout_s * 1000 : 0,
        .cancel = opt->cancel,
        .progress = opt->progress ? on_fetch_progress : NULL,
        .on_retry = opt->progress ? on_fetch_retry : NULL,
        .progress_ctx = c,
    };
    c->prog.count = feeds->n;
    for (size_t i = 0; i < feeds->n; i++) {
        const struct vulndb_feed *f = &feeds->v[i];
        char name[FEED_NAME_MAX + 32], path[STRATA_PATH_MAX + 160];
        download_name(f, i, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", c->tmp, name);
        fo.max_bytes = max_file < max_total - st->bytes ? max_file : max_total - st->bytes;
        c->prog.index = i;
        c->prog.name = f->name;
        c->prog.url = f->url;
        c->prog.received = c->prog.total = 0;
        emit(c, VULNDB_UPDATE_FEED_START);
        struct fetch_result fr;
        int rc = fetch_to_file(f->url, path, &fo, &fr, err);
        if (rc == STRATA_ELIMIT && fo.max_bytes < max_file && strstr(err->msg, "limit of"))
            strata_error_set(err, STRATA_ELIMIT,
                             "%s: the downloads together exceed the limit of %llu bytes", f->url,
                             (unsigned long long)max_total);
        if (rc != 0)
            return rc;
        st->bytes += fr.bytes;
        rc = check_download(path, f, fr.bytes, err);
        if (rc != 0)
            return rc;
        rc = add_source(c, path, f->url, err);
        if (rc != 0)
            return rc;
        c->prog.received = c->prog.total = fr.bytes;
        emit(c, VULNDB_UPDATE_FEED_DONE);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file and directory in dir (following symlinks; names starting with '.' are
 * skipped), in byte order of their names. */
static int list_dir(struct update_ctx *c, const char *dir, struct strata_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return strata_error_set(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO,
                                "%s: cannot open directory: %s", dir, strerror(errno));
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p[STRATA_PATH_MAX];
        int n = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof p) {
            rc = strata_error_set(err, STRATA_ELIMIT, "%s/%s: path too long", dir, e->d_name);
            break;
        }
        struct stat st;
        if (stat(p, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            continue;
        if (c->n_sources >= FEEDS_MAX) {
            rc = strata_error_set(err, STRATA_ELIMIT, "%s: more than %d entries", dir, FEEDS_MAX);
            break;
        }
        rc = add_source(c, p, NULL, err);
        if (rc != 0)
            break;
    }
    closedir(d);
    if (rc == 0 && c->n_sources == 0)
        rc = strata_error_set(err, STRATA_ENOTFOUND,
                              "%s: no files or directories to build the database from", dir);
    if (rc == 0)
        qsort(c->sources, c->n_sources, sizeof *c->sources, cmp_str);
    return rc;
}

/* A build error that mentions a downloaded file's temporary path names its URL instead. */
static void relabel(struct update_ctx *c, struct strata_error *err)
{
    for (size_t i = 0; i < c->n_sources; i++) {
        if (c->labels[i] == NULL)
            continue;
        const char *p = c->sources[i];
        char *at = strstr(err->msg, p);
        if (at == NULL)
            continue;
        char out[STRATA_ERROR_MAX];
        snprintf(out, sizeof out, "%.*s%s%s", (int)(at - err->msg), err->msg, c->labels[i],
                 at + strlen(p));
        memcpy(err->msg, out, sizeof out);
        return;
    }
    if (c->tmp[0] && strstr(err->msg, c->tmp) == NULL)
        return;
    strata_error_prefix(err, "building from the downloaded feeds: ");
}

int vulndb_update(const char *db_path, const struct vulndb_update_options *opt,
                  struct vulndb_update_stats *stats, struct strata_error *err)
{
    struct vulndb_update_stats local = {0};
    if (stats == NULL)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    int64_t start = fetch_now_ms();
    struct update_ctx c = {.opt = opt, .lock_fd = -1};
    int rc = split_db_path(db_path, &c, err);
    if (rc != 0)
        return rc;
    rc = make_dirs(c.dir, err);
    if (rc != 0)
        return rc;
    rc = take_lock(&c, err);
    if (rc != 0)
        return rc;
    remove_stale(&c);

    if (opt->from_dir) {
        rc = list_dir(&c, opt->from_dir, err);
    } else {
        rc = fetch_global_init(err);
        if (rc == 0) {
            rc = download_all(&c, stats, err);
            fetch_global_cleanup();
        }
    }
    if (rc == 0 && opt->cancel && *opt->cancel)
        rc = strata_error_set(err, STRATA_EIO, "interrupted before building %s", db_path);
    if (rc == 0) {
        c.prog.count = c.n_sources;
        c.prog.name = c.prog.url = NULL;
        emit(&c, VULNDB_UPDATE_BUILD_START);
        struct vulndb_build_options bo = {.progress = opt->build_progress,
                                          .tool_version = opt->tool_version,
                                          .locations = c.labels};
        rc = vulndb_build(db_path, c.sources, c.n_sources, &bo, err);
        if (rc != 0)
            relabel(&c, err);
    }
    stats->sources = c.n_sources;
    if (c.tmp[0])
        remove_flat_dir(c.tmp);
    for (size_t i = 0; i < c.n_sources; i++)
        free(c.sources[i]);
    free(c.sources);
    free(c.labels);
    close(c.lock_fd);
    stats->elapsed_ms = fetch_now_ms() - start;
    return rc;
}
