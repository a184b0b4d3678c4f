/* vulndb_build: sources (OSV zips, directories of JSON, single JSON files) → one SQLite file,
 * written to a temporary file next to the output in one transaction and renamed into place
 * after an fsync, so that readers never see a partial database and a failed build leaves an
 * existing database byte-identical. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "core/strbuf.h"
#include "vulndb/import.h"

const char *vdb_kind_name(enum vdb_kind kind)
{
    switch (kind) {
    case VDB_KIND_OSV:
        return "osv";
    case VDB_KIND_DEBIAN_TRACKER:
        return "debian-tracker";
    case VDB_KIND_ALPINE_SECDB:
        return "alpine-secdb";
    default:
        return "unknown";
    }
}

enum vdb_kind vdb_detect(const json_t *root)
{
    if (!json_is_object(root))
        return VDB_KIND_UNKNOWN;
    if (json_is_string(json_object_get(root, "id")) &&
        (json_object_get(root, "modified") != NULL || json_object_get(root, "affected") != NULL))
        return VDB_KIND_OSV;
    if (json_object_get(root, "distroversion") != NULL && json_object_get(root, "packages") != NULL)
        return VDB_KIND_ALPINE_SECDB;
    /* Tracker: { "<source package>": { "<CVE id>": { "releases": {…}, … }, … }, … } */
    void *it = json_object_iter((json_t *)root);
    if (it != NULL && vdb_detect_tracker_member(json_object_iter_value(it)))
        return VDB_KIND_DEBIAN_TRACKER;
    return VDB_KIND_UNKNOWN;
}

int vdb_detect_tracker_member(const json_t *pkg)
{
    if (!json_is_object(pkg))
        return 0;
    void *it = json_object_iter((json_t *)pkg);
    if (it == NULL)
        return 0;
    const json_t *cve = json_object_iter_value(it);
    return json_is_object(cve) && json_is_object(json_object_get(cve, "releases"));
}

/* ---- statements ---------------------------------------------------------------------------- */

static int db_err(struct vdb_builder *b, const char *what, struct strata_error *err)
{
    return strata_error_set(err, STRATA_EIO, "writing the database: %s: %s", what,
                            sqlite3_errmsg(b->db));
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int vdb_source(struct vdb_builder *b, enum vdb_kind kind, int64_t *id, struct strata_error *err)
{
    if (kind < 0 || kind >= VDB_KIND_COUNT)
        return strata_error_set(err, STRATA_EINTERNAL, "bad source kind %d", (int)kind);
    if (b->source_id[kind] == 0) {
        sqlite3_stmt *st = b->ins_source;
        if (bind_text(st, 1, vdb_kind_name(kind)) != SQLITE_OK ||
            bind_text(st, 2, b->location) != SQLITE_OK || step_done(st) != SQLITE_OK)
            return db_err(b, "sources", err);
        b->source_id[kind] = sqlite3_last_insert_rowid(b->db);
        b->newest[kind][0] = '\0';
    }
    *id = b->source_id[kind];
    return 0;
}

/* RFC 3339 strings compare as text once fractional seconds are set aside. */
static int date_newer(const char *a, const char *b)
{
    int c = strncmp(a, b, 19);
    if (c != 0)
        return c > 0;
    return strcmp(a, b) > 0;
}

int vdb_advisory(struct vdb_builder *b, enum vdb_kind kind, const char *advisory_id,
                 const char *summary, const char *published, const char *modified,
                 const char *cvss_v3, int64_t *rowid, int *created, struct strata_error *err)
{
    int64_t source;
    int rc = vdb_source(b, kind, &source, err);
    if (rc != 0)
        return rc;
    sqlite3_stmt *st = b->ins_adv;
    if (sqlite3_bind_int64(st, 1, source) != SQLITE_OK || bind_text(st, 2, advisory_id) ||
        bind_text(st, 3, summary) || bind_text(st, 4, published) || bind_text(st, 5, modified) ||
        bind_text(st, 6, cvss_v3))
        return db_err(b, "advisories", err);
    int s = step_done(st);
    if (s == SQLITE_OK) {
        *rowid = sqlite3_last_insert_rowid(b->db);
        *created = 1;
        b->stats->advisories++;
        /* Both dates count: Go's records carry a zero "modified" (0001-01-01T00:00:00Z). */
        const char *dates[2] = {modified, published};
        for (int i = 0; i < 2; i++) {
            const char *date = dates[i];
            if (date != NULL && strlen(date) < sizeof b->newest[kind] &&
                (b->newest[kind][0] == '\0' || date_newer(date, b->newest[kind])))
                snprintf(b->newest[kind], sizeof b->newest[kind], "%s", date);
        }
        return 0;
    }
    if ((s & 0xff) != SQLITE_CONSTRAINT)
        return db_err(b, "advisories", err);
    st = b->find_adv;
    if (sqlite3_bind_int64(st, 1, source) != SQLITE_OK || bind_text(st, 2, advisory_id))
        return db_err(b, "advisories", err);
    s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *rowid = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (s != SQLITE_ROW)
        return db_err(b, "advisories", err);
    *created = 0;
    return 0;
}

int vdb_alias(struct vdb_builder *b, int64_t advisory, const char *alias, struct strata_error *err)
{
    sqlite3_stmt *st = b->ins_alias;
    if (sqlite3_bind_int64(st, 1, advisory) != SQLITE_OK || bind_text(st, 2, alias) ||
        step_done(st) != SQLITE_OK)
        return db_err(b, "aliases", err);
    b->stats->aliases += sqlite3_changes(b->db);
    return 0;
}

int vdb_affected(struct vdb_builder *b, int64_t advisory, const char *ecosystem,
                 const char *package, const char *status, const char *severity, const char *ranges,
                 const char *versions, struct strata_error *err)
{
    sqlite3_stmt *st = b->ins_aff;
    if (sqlite3_bind_int64(st, 1, advisory) != SQLITE_OK || bind_text(st, 2, ecosystem) ||
        bind_text(st, 3, package) || bind_text(st, 4, status) || bind_text(st, 5, severity) ||
        bind_text(st, 6, ranges) || bind_text(st, 7, versions) || step_done(st) != SQLITE_OK)
        return db_err(b, "affected", err);
    b->stats->affected++;
    return 0;
}

/* Fills records, newest and ecosystems of the sources rows of the current location. */
static int finish_sources(struct vdb_builder *b, struct strata_error *err)
{
    for (int k = 0; k < VDB_KIND_COUNT; k++) {
        if (b->source_id[k] == 0)
            continue;
        sqlite3_stmt *st = NULL;
        struct strbuf ecos = STRBUF_INIT;
        int rc = 0;
        if (sqlite3_prepare_v2(b->db,
                               "SELECT DISTINCT f.ecosystem FROM affected f JOIN advisories a "
                               "ON a.id = f.advisory WHERE a.source_id = ?1 ORDER BY 1",
                               -1, &st, NULL) != SQLITE_OK ||
            sqlite3_bind_int64(st, 1, b->source_id[k]) != SQLITE_OK) {
            sqlite3_finalize(st);
            return db_err(b, "sources", err);
        }
        int s;
        while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
            const char *e = (const char *)sqlite3_column_text(st, 0);
            if ((ecos.len && strbuf_addch(&ecos, ',') != 0) || strbuf_adds(&ecos, e ? e : "") != 0)
                rc = strata_error_nomem(err);
        }
        if (rc == 0 && s != SQLITE_DONE)
            rc = db_err(b, "sources", err);
        sqlite3_finalize(st);
        if (rc == 0) {
            st = b->upd_source;
            if (sqlite3_bind_int64(st, 1, b->source_id[k]) != SQLITE_OK ||
                bind_text(st, 2, b->newest[k][0] ? b->newest[k] : NULL) ||
                bind_text(st, 3, ecos.buf ? ecos.buf : "") || step_done(st) != SQLITE_OK)
                rc = db_err(b, "sources", err);
        }
        strbuf_release(&ecos);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- documents ----------------------------------------------------------------------------- */

struct run {
    struct vdb_builder *b;
    const struct vulndb_build_options *opt;
    long docs_here; /* documents imported from the current source argument */
    time_t last_progress;
};

/* Copies s into out for use in a message, replacing control bytes. */
static const char *printable(const char *s, char *out, size_t cap)
{
    size_t i = 0;
    for (; s[i] != '\0' && i + 1 < cap; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[i] = '\0';
    return out;
}

static void progress(struct run *r, int final)
{
    if (!r->opt->progress)
        return;
    time_t now = time(NULL);
    if (!final && now == r->last_progress && r->docs_here % 1000 != 0)
        return;
    r->last_progress = now;
    fprintf(stderr, "\r\033[Kstrata: importing %s: %ld documents%s", r->b->location, r->docs_here,
            final ? "\n" : "");
}

static void imported(struct run *r)
{
    r->b->stats->documents++;
    r->docs_here++;
    progress(r, 0);
}

/* Parses and imports one JSON document. name names it in messages. strict: an unrecognised
 * document is "not a recognised source" (a single file given as a source). */
static int import_document(struct run *r, const char *buf, size_t len, const char *name, int single,
                           struct strata_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(buf, len, 0, &jerr);
    if (root == NULL) {
        size_t lead = 0;
        while (lead < len &&
               (buf[lead] == ' ' || buf[lead] == '\t' || buf[lead] == '\n' || buf[lead] == '\r'))
            lead++;
        /* A broken JSON object is reported as such; anything else as an unknown kind of source
         * (every supported JSON file is an object). */
        if (single && (lead == len || buf[lead] != '{'))
            return strata_error_set(
                err, STRATA_EFORMAT,
                "%s: not a recognised source (expected an OSV zip, a directory of JSON files, or "
                "an OSV record, Debian tracker or Alpine secdb JSON file): invalid JSON at line "
                "%d, column %d: %s",
                name, jerr.line, jerr.column, jerr.text);
        return strata_error_set(err, STRATA_EFORMAT, "%s: invalid JSON at line %d, column %d: %s",
                                name, jerr.line, jerr.column, jerr.text);
    }
    int rc;
    switch (vdb_detect(root)) {
    case VDB_KIND_OSV:
        rc = vdb_import_osv(r->b, root, name, err);
        break;
    case VDB_KIND_DEBIAN_TRACKER:
        rc = vdb_import_debian_tracker(r->b, root, name, err);
        break;
    case VDB_KIND_ALPINE_SECDB:
        rc = vdb_import_alpine_secdb(r->b, root, name, err);
        break;
    default:
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: not a recognised source: the JSON is neither an OSV record "
                              "(\"id\", \"modified\"), an Alpine secdb file (\"distroversion\", "
                              "\"packages\") nor Debian security tracker data",
                              name);
    }
    json_decref(root);
    if (rc == 0)
        imported(r);
    return rc;
}

static int read_file(const char *path, int fd, size_t limit, char **out, size_t *out_len,
                     struct strata_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(errno));
    if ((unsigned long long)st.st_size > limit)
        return strata_error_set(err, STRATA_ELIMIT, "%s: %lld bytes, more than the limit of %zu",
                                path, (long long)st.st_size, limit);
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return strata_error_nomem(err);
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > limit) {
                free(buf);
                return strata_error_set(err, STRATA_ELIMIT, "%s: more than the limit of %zu bytes",
                                        path, limit);
            }
            size_t ncap = cap * 2;
            char *nb = realloc(buf, ncap);
            if (nb == NULL) {
                free(buf);
                return strata_error_nomem(err);
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

static int import_json_file(struct run *r, const char *path, int single, struct strata_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return strata_error_set(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO, "%s: %s",
                                path, strerror(errno));
    /* The Debian tracker (~80 MB) is streamed a member at a time; anything else is small and
     * parsed whole. */
    struct stat st;
    int handled = 0, rc = 0;
    if (fstat(fd, &st) != 0)
        rc = strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(errno));
    else if ((unsigned long long)st.st_size > VDB_MAX_JSON_FILE_BYTES)
        rc = strata_error_set(err, STRATA_ELIMIT, "%s: %lld bytes, more than the limit of %llu",
                              path, (long long)st.st_size, VDB_MAX_JSON_FILE_BYTES);
    if (rc == 0)
        rc = vdb_import_debian_tracker_fd(r->b, fd, path, &handled, err);
    if (rc == 0 && handled) {
        imported(r);
    } else if (rc == 0) {
        char *buf = NULL;
        size_t len = 0;
        if (lseek(fd, 0, SEEK_SET) != 0)
            rc = strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(errno));
        if (rc == 0)
            rc = read_file(path, fd, VDB_MAX_JSON_DOC_BYTES, &buf, &len, err);
        if (rc == 0)
            rc = import_document(r, buf, len, path, single, err);
        free(buf);
    }
    close(fd);
    return rc;
}

static int zip_fail(const char *path, int code, zip_error_t *ze, struct strata_error *err)
{
    return strata_error_set(err, code, "%s: cannot read the zip (truncated or damaged?): %s", path,
                            zip_error_strerror(ze));
}

static int import_zip(struct run *r, const char *path, struct strata_error *err)
{
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (za == NULL) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        int rc = zip_fail(path, STRATA_EFORMAT, &ze, err);
        zip_error_fini(&ze);
        return rc;
    }
    zip_int64_t n = zip_get_num_entries(za, 0);
    int rc = 0;
    if (n < 0 || (zip_uint64_t)n > VDB_MAX_ZIP_MEMBERS)
        rc = strata_error_set(err, STRATA_ELIMIT, "%s: %lld members, more than the limit of %u",
                              path, (long long)n, VDB_MAX_ZIP_MEMBERS);
    unsigned long long total = 0;
    char *buf = NULL;
    size_t cap = 0;
    for (zip_int64_t i = 0; rc == 0 && i < n; i++) {
        zip_stat_t zs;
        zip_stat_init(&zs);
        char pname[256];
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &zs) != 0) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: member %lld: %s", path, (long long)i,
                                  zip_strerror(za));
            break;
        }
        const char *mname = (zs.valid & ZIP_STAT_NAME) && zs.name ? zs.name : "(unnamed)";
        printable(mname, pname, sizeof pname);
        size_t nl = strlen(mname);
        if (nl > 0 && mname[nl - 1] == '/')
            continue; /* a directory entry */
        if (!(zs.valid & ZIP_STAT_SIZE)) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: %s: no size", path, pname);
            break;
        }
        if (zs.size > VDB_MAX_RECORD_BYTES) {
            rc = strata_error_set(err, STRATA_ELIMIT,
                                  "%s: %s: %llu bytes uncompressed, more than the limit of %u",
                                  path, pname, (unsigned long long)zs.size, VDB_MAX_RECORD_BYTES);
            break;
        }
        total += zs.size;
        if (total > VDB_MAX_ZIP_TOTAL_BYTES) {
            rc = strata_error_set(err, STRATA_ELIMIT,
                                  "%s: %s: more than %llu bytes uncompressed in all", path, pname,
                                  (unsigned long long)VDB_MAX_ZIP_TOTAL_BYTES);
            break;
        }
        size_t need = (size_t)zs.size + 2; /* one more byte to see a lying size */
        if (need > cap) {
            char *nb = realloc(buf, need);
            if (nb == NULL) {
                rc = strata_error_nomem(err);
                break;
            }
            buf = nb;
            cap = need;
        }
        zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
        if (zf == NULL) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: %s: %s", path, pname, zip_strerror(za));
            break;
        }
        size_t len = 0;
        for (;;) {
            zip_int64_t got = zip_fread(zf, buf + len, need - 1 - len);
            if (got < 0) {
                rc = strata_error_set(err, STRATA_EFORMAT, "%s: %s: %s", path, pname,
                                      zip_file_strerror(zf));
                break;
            }
            if (got == 0)
                break;
            len += (size_t)got;
            if (len > zs.size) {
                rc = strata_error_set(err, STRATA_EFORMAT,
                                      "%s: %s: more data than the %llu bytes announced", path,
                                      pname, (unsigned long long)zs.size);
                break;
            }
        }
        zip_fclose(zf);
        if (rc == 0 && len != zs.size)
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: %s: truncated (%zu of %llu bytes)",
                                  path, pname, len, (unsigned long long)zs.size);
        if (rc != 0)
            break;
        buf[len] = '\0';
        char name[4096 + 300];
        snprintf(name, sizeof name, "%s: %s", path, pname);
        rc = import_document(r, buf, len, name, 0, err);
    }
    free(buf);
    zip_discard(za);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_json_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static int walk_dir(struct run *r, const char *dir, int depth, struct strata_error *err)
{
    if (depth > VDB_MAX_DIR_DEPTH)
        return strata_error_set(err, STRATA_ELIMIT, "%s: directories nested deeper than %d", dir,
                                VDB_MAX_DIR_DEPTH);
    DIR *d = opendir(dir);
    if (d == NULL)
        return strata_error_set(err, STRATA_EIO, "%s: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **nn = realloc(names, ncap * sizeof *nn);
            if (nn == NULL) {
                rc = strata_error_nomem(err);
                break;
            }
            names = nn;
            cap = ncap;
        }
        if ((names[n] = strdup(de->d_name)) == NULL) {
            rc = strata_error_nomem(err);
            break;
        }
        n++;
    }
    if (rc == 0 && errno != 0)
        rc = strata_error_set(err, STRATA_EIO, "%s: %s", dir, strerror(errno));
    closedir(d);
    if (rc == 0 && n > 1)
        qsort(names, n, sizeof *names, cmp_names);
    struct strbuf path = STRBUF_INIT;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        strbuf_reset(&path);
        if (strbuf_addf(&path, "%s/%s", dir, names[i]) != 0) {
            rc = strata_error_nomem(err);
            break;
        }
        struct stat st;
        if (lstat(path.buf, &st) != 0) {
            rc = strata_error_set(err, STRATA_EIO, "%s: %s", path.buf, strerror(errno));
            break;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(r, path.buf, depth + 1, err);
            continue;
        }
        if (!has_json_suffix(names[i]))
            continue;
        /* Symlinks are followed to regular files only, never to directories (no loops). */
        if (S_ISLNK(st.st_mode) && stat(path.buf, &st) != 0)
            continue;
        if (S_ISREG(st.st_mode))
            rc = import_json_file(r, path.buf, 0, err);
    }
    strbuf_release(&path);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int import_source(struct run *r, const char *src, struct strata_error *err)
{
    struct stat st;
    if (stat(src, &st) != 0)
        return strata_error_set(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO, "%s: %s", src,
                                strerror(errno));
    r->docs_here = 0;
    int rc;
    if (S_ISDIR(st.st_mode)) {
        rc = walk_dir(r, src, 0, err);
        if (rc == 0 && r->docs_here == 0)
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: not a recognised source: the directory holds no *.json "
                                  "files (OSV records or Alpine secdb files)",
                                  src);
    } else if (S_ISREG(st.st_mode)) {
        unsigned char magic[4] = {0};
        int fd = open(src, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return strata_error_set(err, STRATA_EIO, "%s: %s", src, strerror(errno));
        ssize_t got = read(fd, magic, sizeof magic);
        close(fd);
        if (got == 4 && magic[0] == 'P' && magic[1] == 'K' &&
            ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6))) {
            rc = import_zip(r, src, err);
            if (rc == 0 && r->docs_here == 0)
                rc = strata_error_set(err, STRATA_EFORMAT, "%s: the zip holds no records", src);
        } else {
            rc = import_json_file(r, src, 1, err);
        }
    } else {
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: not a recognised source (not a file or directory)", src);
    }
    progress(r, 1);
    return rc;
}

/* ---- the build ----------------------------------------------------------------------------- */

static int prepare(struct vdb_builder *b, struct strata_error *err)
{
    static const struct {
        size_t off;
        const char *sql;
    } stmts[] = {
        {offsetof(struct vdb_builder, ins_source),
         "INSERT INTO sources(kind, location, records, newest, ecosystems) "
         "VALUES(?1, ?2, 0, NULL, '')"},
        {offsetof(struct vdb_builder, upd_source),
         "UPDATE sources SET records = (SELECT count(*) FROM advisories WHERE source_id = ?1), "
         "newest = ?2, ecosystems = ?3 WHERE id = ?1"},
        {offsetof(struct vdb_builder, find_adv),
         "SELECT id FROM advisories WHERE source_id = ?1 AND advisory_id = ?2"},
        {offsetof(struct vdb_builder, ins_adv),
         "INSERT INTO advisories(source_id, advisory_id, summary, published, modified, cvss_v3) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"},
        {offsetof(struct vdb_builder, ins_alias),
         "INSERT OR IGNORE INTO aliases(advisory, alias) VALUES(?1, ?2)"},
        {offsetof(struct vdb_builder, ins_aff),
         "INSERT INTO affected(advisory, ecosystem, package, status, severity, ranges, versions) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
    };
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
        sqlite3_stmt **slot = (sqlite3_stmt **)((char *)b + stmts[i].off);
        if (sqlite3_prepare_v3(b->db, stmts[i].sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) !=
            SQLITE_OK)
            return db_err(b, "preparing statements", err);
    }
    return 0;
}

static void finalize_all(struct vdb_builder *b)
{
    sqlite3_finalize(b->ins_source);
    sqlite3_finalize(b->upd_source);
    sqlite3_finalize(b->find_adv);
    sqlite3_finalize(b->ins_adv);
    sqlite3_finalize(b->ins_alias);
    sqlite3_finalize(b->ins_aff);
    b->ins_source = b->upd_source = b->find_adv = b->ins_adv = b->ins_alias = b->ins_aff = NULL;
}

static int exec(struct vdb_builder *b, const char *sql, struct strata_error *err)
{
    if (sqlite3_exec(b->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_err(b, sql, err);
    return 0;
}

static int fsync_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int vulndb_build_ex(const char *output, char *const *sources, size_t n_sources,
                    const struct vulndb_build_options *opt, struct vulndb_build_stats *stats,
                    struct strata_error *err)
{
    static const struct vulndb_build_options no_opt = {0};
    struct vulndb_build_stats local_stats;
    if (opt == NULL)
        opt = &no_opt;
    if (stats == NULL)
        stats = &local_stats;
    memset(stats, 0, sizeof *stats);
    double t0 = now_seconds();
    if (output == NULL || output[0] == '\0')
        return strata_error_set(err, STRATA_EUSAGE, "no output file given");
    if (n_sources == 0)
        return strata_error_set(err, STRATA_EUSAGE, "no sources given");
    struct stat ost;
    if (stat(output, &ost) == 0 && S_ISDIR(ost.st_mode))
        return strata_error_set(err, STRATA_EUSAGE, "%s: is a directory, not a database file",
                                output);

    struct strbuf tmp = STRBUF_INIT;
    if (strbuf_addf(&tmp, "%s.tmp-XXXXXX", output) != 0)
        return strata_error_nomem(err);
    int fd = mkstemp(tmp.buf);
    if (fd < 0) {
        int e = errno;
        strbuf_release(&tmp);
        return strata_error_set(err, STRATA_EIO,
                                "%s: cannot create a temporary file next to it: %s", output,
                                strerror(e));
    }
    mode_t mask = umask(0);
    umask(mask);
    int rc = 0;
    if (fchmod(fd, 0666 & ~mask) != 0)
        rc = strata_error_set(err, STRATA_EIO, "%s: %s", tmp.buf, strerror(errno));

    struct vdb_builder b = {.stats = stats};
    struct run run = {.b = &b, .opt = opt};
    if (rc == 0 && sqlite3_open_v2(tmp.buf, &b.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        rc = strata_error_set(err, STRATA_EIO, "%s: %s", tmp.buf,
                              b.db ? sqlite3_errmsg(b.db) : "cannot open");
    if (rc == 0)
        rc = exec(&b,
                  "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
                  "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; BEGIN;",
                  err);
    if (rc == 0)
        rc = vdb_schema_create(b.db, opt->tool_version, err);
    if (rc == 0)
        rc = prepare(&b, err);
    for (size_t i = 0; rc == 0 && i < n_sources; i++) {
        b.location = opt->locations && opt->locations[i] ? opt->locations[i] : sources[i];
        memset(b.source_id, 0, sizeof b.source_id);
        rc = import_source(&run, sources[i], err);
        if (rc == 0)
            rc = finish_sources(&b, err);
    }
    finalize_all(&b);
    if (rc == 0)
        rc = vdb_schema_finish(b.db, err);
    if (rc == 0)
        rc = exec(&b, "COMMIT;", err);
    if (b.db != NULL && sqlite3_close(b.db) != SQLITE_OK && rc == 0)
        rc = strata_error_set(err, STRATA_EIO, "%s: closing the database failed", tmp.buf);
    if (rc == 0 && fsync(fd) != 0)
        rc = strata_error_set(err, STRATA_EIO, "%s: fsync: %s", tmp.buf, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = strata_error_set(err, STRATA_EIO, "%s: close: %s", tmp.buf, strerror(errno));
    if (rc == 0 && rename(tmp.buf, output) != 0)
        rc = strata_error_set(err, STRATA_EIO, "%s: cannot rename %s into place: %s", output,
                              tmp.buf, strerror(errno));
    if (rc != 0) {
        unlink(tmp.buf);
    } else {
        fsync_dir_of(output); /* best effort: the rename is already visible */
    }
    strbuf_release(&tmp);
    stats->seconds = now_seconds() - t0;
    return rc;
}

int vulndb_build(const char *output, char *const *sources, size_t n_sources,
                 const struct vulndb_build_options *opt, struct strata_error *err)
{
    return vulndb_build_ex(output, sources, n_sources, opt, NULL, err);
}
