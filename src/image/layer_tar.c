#include "image/layer_tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "core/path.h"

#define LAYER_READ_CHUNK (256 * 1024)

struct tar_feed {
    struct layer_stream *stream; /* NULL for in-memory input */
    const void *mem;
    size_t mem_len;
    int mem_done;
    unsigned char *buf;
    struct strata_error err; /* the stream's own error, kept apart from libarchive's */
    int failed;
};

static la_ssize_t feed_read(struct archive *a, void *ctx, const void **out)
{
    (void)a;
    struct tar_feed *f = ctx;
    if (f->stream == NULL) {
        if (f->mem_done)
            return 0;
        f->mem_done = 1;
        *out = f->mem;
        return (la_ssize_t)f->mem_len;
    }
    int64_t n = layer_stream_read(f->stream, f->buf, LAYER_READ_CHUNK, &f->err);
    if (n < 0) {
        f->failed = 1;
        return -1;
    }
    *out = f->buf;
    return (la_ssize_t)n;
}

struct content_ctx {
    struct archive *a;
};

static int64_t read_entry_content(void *ctx, void *buf, size_t cap, struct strata_error *err)
{
    struct content_ctx *c = ctx;
    la_ssize_t n = archive_read_data(c->a, buf, cap);
    if (n < 0)
        return strata_error_set(err, STRATA_EFORMAT, "%s", archive_error_string(c->a));
    return n;
}

static enum strata_ftype entry_type(struct archive_entry *e)
{
    if (archive_entry_hardlink(e) != NULL)
        return STRATA_FT_HARDLINK;
    switch (archive_entry_filetype(e)) {
    case AE_IFREG:
        return STRATA_FT_REG;
    case AE_IFDIR:
        return STRATA_FT_DIR;
    case AE_IFLNK:
        return STRATA_FT_SYMLINK;
    case AE_IFCHR:
        return STRATA_FT_CHAR;
    case AE_IFBLK:
        return STRATA_FT_BLOCK;
    case AE_IFIFO:
        return STRATA_FT_FIFO;
    default:
        return STRATA_FT_OTHER;
    }
}

static int stream_failure(struct tar_feed *feed, struct strata_error *err)
{
    *err = feed->err;
    return err->code;
}

/* links_pass: the second pass for pending hard links; entries are only matched against
 * link targets (the first pass already validated and recorded everything). */
static int walk(struct tar_feed *feed, struct layer_result *lr, int links_pass,
                struct strata_error *err)
{
    struct archive *a = archive_read_new();
    if (a == NULL)
        return strata_error_nomem(err);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    archive_read_set_read_callback(a, feed_read);
    archive_read_set_callback_data(a, feed);
    int rc = 0;
    if (archive_read_open1(a) != ARCHIVE_OK) {
        rc = feed->failed ? stream_failure(feed, err)
                          : strata_error_set(err, STRATA_EFORMAT, "not a tar stream: %s",
                                             archive_error_string(a));
        goto out;
    }
    struct content_ctx cc = {a};
    uint64_t n_entries = 0;
    for (;;) {
        struct archive_entry *e;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (feed->failed) {
            rc = stream_failure(feed, err);
            goto out;
        }
        if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
            rc = strata_error_set(err, STRATA_EFORMAT, "tar entry %llu: %s",
                                  (unsigned long long)n_entries, archive_error_string(a));
            goto out;
        }
        /* ARCHIVE_WARN (e.g. unknown pax keys) keeps going, like GNU tar. */
        n_entries++;
        const char *path = archive_entry_pathname(e);
        if (path == NULL) {
            rc = strata_error_set(err, STRATA_EFORMAT, "tar entry %llu: no path name",
                                  (unsigned long long)n_entries);
            goto out;
        }
        int64_t size = archive_entry_size(e);
        struct raw_entry raw = {
            .path = path,
            .link =
                archive_entry_hardlink(e) ? archive_entry_hardlink(e) : archive_entry_symlink(e),
            .size = size > 0 ? (uint64_t)size : 0,
            .mode = (uint32_t)archive_entry_perm(e) | ((uint32_t)archive_entry_mode(e) & 07000),
            .uid = (uint32_t)archive_entry_uid(e),
            .gid = (uint32_t)archive_entry_gid(e),
            .type = entry_type(e),
        };
        if (links_pass) {
            char norm[STRATA_PATH_MAX];
            rc = 0;
            if (raw.type == STRATA_FT_REG &&
                path_normalize(path, strlen(path), norm, sizeof norm) == PATH_OK)
                rc = layer_result_deliver_links(lr, norm, read_entry_content, &cc, err);
        } else {
            rc = layer_result_add(lr, &raw, read_entry_content, &cc, err);
        }
        if (rc != 0) {
            if (feed->failed) /* the stream broke while reading content: report that */
                rc = stream_failure(feed, err);
            goto out;
        }
    }
    if (feed->failed)
        rc = stream_failure(feed, err);
out:
    archive_read_free(a);
    return rc;
}

int layer_tar_read(const struct blob *blob, const struct layer_limits *lim, struct layer_result *lr,
                   struct strata_error *err)
{
    struct layer_stream *s;
    int rc = layer_stream_open(blob, lim, &s, err);
    if (rc != 0)
        return rc;
    struct tar_feed feed = {.stream = s};
    feed.buf = malloc(LAYER_READ_CHUNK);
    if (feed.buf == NULL) {
        layer_stream_free(s);
        return strata_error_nomem(err);
    }
    rc = walk(&feed, lr, 0, err);
    if (rc == 0)
        rc = layer_stream_finish(s, lr->blob_digest, lr->diff_id, &lr->uncompressed_size, err);
    layer_stream_free(s);
    if (rc == 0 && lr->n_pending > 0) {
        struct tar_feed again = {.buf = feed.buf};
        rc = layer_stream_open(blob, lim, &again.stream, err);
        if (rc == 0) {
            rc = walk(&again, lr, 1, err);
            layer_stream_free(again.stream);
        }
    }
    free(feed.buf);
    layer_result_seal(lr);
    return rc;
}

int layer_tar_read_memory(const void *data, size_t len, struct layer_result *lr,
                          struct strata_error *err)
{
    struct tar_feed feed = {.mem = data, .mem_len = len};
    int rc = walk(&feed, lr, 0, err);
    if (rc == 0 && lr->n_pending > 0) {
        struct tar_feed again = {.mem = data, .mem_len = len};
        rc = walk(&again, lr, 1, err);
    }
    layer_result_seal(lr);
    return rc;
}
