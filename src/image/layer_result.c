#include "image/layer_result.h"

#include <stdlib.h>
#include <string.h>

#include "core/path.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE_NAME ".wh..wh..opq"

int layer_result_init(struct layer_result *lr, int index, const char *source,
                      const struct strata_analyzer *const *analyzers, size_t n_analyzers,
                      struct strata_error *err)
{
    memset(lr, 0, sizeof *lr);
    lr->index = index;
    lr->source = source;
    lr->analyzers = analyzers;
    lr->n_analyzers = n_analyzers;
    if (n_analyzers > 64) /* the per-file masks of wanted() */
        return strata_error_set(err, STRATA_EINTERNAL, "%zu analyzers, at most 64", n_analyzers);
    lr->states = calloc(n_analyzers ? n_analyzers : 1, sizeof *lr->states);
    if (lr->states == NULL)
        return strata_error_nomem(err);
    for (size_t i = 0; i < n_analyzers; i++) {
        const struct strata_analyzer *a = analyzers[i];
        lr->states[i] = a->layer_new_ctx ? a->layer_new_ctx(a->ctx) : a->layer_new();
        if (lr->states[i] == NULL) {
            layer_result_release(lr);
            return strata_error_nomem(err);
        }
    }
    return 0;
}

void layer_result_seal(struct layer_result *lr)
{
    strmap_release(&lr->by_path);
}

void layer_result_release(struct layer_result *lr)
{
    if (lr->states) {
        for (size_t i = 0; i < lr->n_analyzers; i++)
            if (lr->states[i])
                lr->analyzers[i]->layer_free(lr->states[i]);
        free(lr->states);
    }
    free(lr->entries);
    free(lr->pending);
    strmap_release(&lr->by_path);
    arena_release(&lr->arena);
    memset(lr, 0, sizeof *lr);
}

static const struct layer_entry *find_entry(const struct layer_result *lr, const char *path,
                                            size_t n)
{
    uintptr_t v = (uintptr_t)strmap_getn(&lr->by_path, path, n);
    return v ? &lr->entries[v - 1] : NULL;
}

/* An entry below a symlink written by the same layer is how tar extraction breakouts are
 * made ("evil -> /etc", then "evil/passwd"); no image builder produces it. */
static int check_parents(const struct layer_result *lr, const char *path, struct strata_error *err)
{
    for (const char *p = path; (p = strchr(p, '/')) != NULL; p++) {
        const struct layer_entry *e = find_entry(lr, path, (size_t)(p - path));
        if (e && e->type == STRATA_FT_SYMLINK && e->whiteout == WHITEOUT_NONE)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: entry goes through symlink '%.*s' (-> %s) of the "
                                    "same layer",
                                    path, (int)(p - path), path, e->link);
        if (e && e->type != STRATA_FT_DIR && e->whiteout == WHITEOUT_NONE)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: parent '%.*s' is not a directory in this layer", path,
                                    (int)(p - path), path);
    }
    return 0;
}

static int read_content(content_reader reader, void *ctx, uint8_t *buf, size_t len,
                        const char *path, struct strata_error *err)
{
    size_t got = 0;
    while (got < len) {
        int64_t n = reader(ctx, buf + got, len - got, err);
        if (n < 0)
            return (int)n;
        if (n == 0)
            return strata_error_set(err, STRATA_EFORMAT, "%s: content ends after %zu of %zu bytes",
                                    path, got, len);
        got += (size_t)n;
    }
    return 0;
}

/* Which analyzers want path by name and size: bit i of *mask for analyzer i (checked once
 * per file: the name tests are the walker's hottest loop). Returns 1 when one of them needs
 * no content pre-filter, 2 when all of them have one, 0 when none, <0 when a file an
 * analyzer names exactly is too large to read. */
static int wanted(const struct layer_result *lr, const char *path, uint64_t size, uint64_t *mask,
                  struct strata_error *err)
{
    int any = 0;
    *mask = 0;
    for (size_t i = 0; i < lr->n_analyzers; i++) {
        int w = strata_analyzer_wants(lr->analyzers[i], path, size);
        if (w < 0)
            return strata_error_set(
                err, STRATA_ELIMIT, "%s: %llu bytes, more than the %llu the %s analyzer reads",
                path, (unsigned long long)size, (unsigned long long)lr->analyzers[i]->max_file_size,
                lr->analyzers[i]->name);
        if (w > 0) {
            *mask |= UINT64_C(1) << i;
            any = lr->analyzers[i]->wants_head == NULL ? 1 : (any ? any : 2);
        }
    }
    return any;
}

/* Does analyzer i, which wants the file by name (mask), take it after its pre-filter? head
 * holds the file's first min(size, STRATA_HEAD_BYTES) bytes. */
static int takes(const struct layer_result *lr, size_t i, uint64_t mask, uint64_t size,
                 uint32_t mode, const uint8_t *head)
{
    if (!(mask & (UINT64_C(1) << i)))
        return 0;
    const struct strata_analyzer *a = lr->analyzers[i];
    size_t n = size < STRATA_HEAD_BYTES ? (size_t)size : STRATA_HEAD_BYTES;
    return a->wants_head == NULL || a->wants_head(head, n, size, mode) != 0;
}

/* Reads the content (head already holds its first n_head bytes) and hands it to every
 * analyzer that takes it under each of paths (masks[p]: who wants paths[p] by name). */
static int deliver(struct layer_result *lr, const char *const *paths, const uint64_t *masks,
                   size_t n_paths, uint64_t size, uint32_t mode, const uint8_t *head, size_t n_head,
                   content_reader reader, void *ctx, struct strata_error *err)
{
    uint8_t *buf = malloc(size ? (size_t)size : 1);
    if (buf == NULL)
        return strata_error_nomem(err);
    memcpy(buf, head, n_head);
    int rc = read_content(reader, ctx, buf + n_head, (size_t)size - n_head, paths[0], err);
    for (size_t p = 0; p < n_paths && rc == 0; p++) {
        struct strata_layer_file f = {paths[p], buf, (size_t)size, mode, lr->index, lr->source};
        for (size_t i = 0; i < lr->n_analyzers && rc == 0; i++)
            if (takes(lr, i, masks[p], size, mode, buf))
                rc = lr->analyzers[i]->layer_file(lr->states[i], &f, err);
    }
    lr->content_bytes += size;
    free(buf);
    return rc;
}

/* Reads the first bytes of a file for the content pre-filters; 1 when some analyzer takes
 * the file, 0 when none does (the rest is then never read). */
static int read_head(struct layer_result *lr, const char *const *paths, const uint64_t *masks,
                     size_t n_paths, uint64_t size, uint32_t mode, uint8_t *head, size_t *n_head,
                     content_reader reader, void *ctx, struct strata_error *err)
{
    *n_head = size < STRATA_HEAD_BYTES ? (size_t)size : STRATA_HEAD_BYTES;
    int rc = read_content(reader, ctx, head, *n_head, paths[0], err);
    if (rc != 0)
        return rc;
    for (size_t p = 0; p < n_paths; p++)
        for (size_t i = 0; i < lr->n_analyzers; i++)
            if (takes(lr, i, masks[p], size, mode, head))
                return 1;
    return 0;
}

/* Delivers one file to the analyzers, reading only its head when pre-filters decline it. */
static int dispatch(struct layer_result *lr, const char *const *paths, const uint64_t *masks,
                    size_t n_paths, int w, uint64_t size, uint32_t mode, content_reader reader,
                    void *ctx, struct strata_error *err)
{
    uint8_t head[STRATA_HEAD_BYTES];
    size_t n_head = 0;
    if (w == 2) {
        int take =
            read_head(lr, paths, masks, n_paths, size, mode, head, &n_head, reader, ctx, err);
        if (take <= 0)
            return take;
    }
    return deliver(lr, paths, masks, n_paths, size, mode, head, n_head, reader, ctx, err);
}

static int dispatch_content(struct layer_result *lr, const struct layer_entry *e,
                            content_reader reader, void *ctx, struct strata_error *err)
{
    uint64_t mask;
    int w = wanted(lr, e->path, e->size, &mask, err);
    if (w <= 0 || reader == NULL)
        return w;
    return dispatch(lr, &e->path, &mask, 1, w, e->size, e->mode, reader, ctx, err);
}

static int add_pending_link(struct layer_result *lr, const struct layer_entry *e,
                            struct strata_error *err)
{
    uint64_t mask;
    int w = wanted(lr, e->path, e->size, &mask, err);
    if (w <= 0)
        return w;
    if (lr->n_pending == lr->cap_pending) {
        size_t cap = lr->cap_pending ? lr->cap_pending * 2 : 8;
        struct pending_link *p = realloc(lr->pending, cap * sizeof *p);
        if (p == NULL)
            return strata_error_nomem(err);
        lr->pending = p;
        lr->cap_pending = cap;
    }
    lr->pending[lr->n_pending++] = (struct pending_link){e->path, e->link, e->size, e->mode};
    return 0;
}

int layer_result_deliver_links(struct layer_result *lr, const char *target, content_reader reader,
                               void *reader_ctx, struct strata_error *err)
{
    const char *paths[64];
    uint64_t masks[64];
    size_t n = 0;
    uint64_t size = 0;
    uint32_t mode = 0;
    int w = 0;
    for (size_t i = 0; i < lr->n_pending; i++) {
        if (strcmp(lr->pending[i].target, target) != 0)
            continue;
        if (n == sizeof paths / sizeof *paths)
            return strata_error_set(err, STRATA_ELIMIT, "%s: more than 64 wanted hard links",
                                    target);
        paths[n] = lr->pending[i].path;
        size = lr->pending[i].size;
        mode = lr->pending[i].mode;
        int wi = wanted(lr, lr->pending[i].path, size, &masks[n++], err);
        if (wi < 0)
            return wi;
        if (wi > 0 && w != 1)
            w = wi;
    }
    return n && w > 0 ? dispatch(lr, paths, masks, n, w, size, mode, reader, reader_ctx, err) : 0;
}

int layer_result_add(struct layer_result *lr, const struct raw_entry *raw, content_reader reader,
                     void *reader_ctx, struct strata_error *err)
{
    char norm[STRATA_PATH_MAX];
    enum path_verdict v = path_normalize(raw->path, strlen(raw->path), norm, sizeof norm);
    if (v == PATH_DOTDOT)
        return strata_error_set(err, STRATA_EFORMAT, "%s: path climbs out of the root with '..'",
                                raw->path);
    if (v == PATH_ABSOLUTE)
        return strata_error_set(err, STRATA_EFORMAT, "%s: absolute path in a layer", raw->path);
    if (v == PATH_TOOLONG)
        return strata_error_set(err, STRATA_ELIMIT, "%.200s…: path longer than %d bytes", raw->path,
                                STRATA_PATH_MAX);
    if (v != PATH_OK)
        return strata_error_set(err, STRATA_EFORMAT, "%s: invalid path", raw->path);

    struct layer_entry e = {0};
    e.size = raw->type == STRATA_FT_REG ? raw->size : 0;
    e.mode = raw->mode & 07777;
    e.uid = raw->uid;
    e.gid = raw->gid;
    e.type = (uint8_t)raw->type;

    /* Whiteouts: ".wh.NAME" deletes NAME, ".wh..wh..opq" makes the directory opaque. */
    const char *base = strrchr(norm, '/');
    size_t dirlen = base ? (size_t)(base - norm) : 0;
    base = base ? base + 1 : norm;
    if (strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0) {
        const char *target = base + strlen(WHITEOUT_PREFIX);
        if (strcmp(base, WHITEOUT_OPAQUE_NAME) == 0) {
            e.whiteout = WHITEOUT_OPAQUE;
            norm[dirlen] = '\0';
        } else if (strncmp(target, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0) {
            return 0; /* aufs bookkeeping (.wh..wh.plnk, …): not part of the filesystem */
        } else if (*target == '\0' || strcmp(target, ".") == 0 || strcmp(target, "..") == 0) {
            return strata_error_set(err, STRATA_EFORMAT, "%s: malformed whiteout", norm);
        } else {
            e.whiteout = WHITEOUT_FILE;
            memmove(norm + (dirlen ? dirlen + 1 : 0), target, strlen(target) + 1);
        }
        e.type = STRATA_FT_OTHER;
    }

    int rc = check_parents(lr, norm, err);
    if (rc != 0)
        return rc;

    if (e.whiteout == WHITEOUT_NONE &&
        (raw->type == STRATA_FT_SYMLINK || raw->type == STRATA_FT_HARDLINK)) {
        if (raw->link == NULL || raw->link[0] == '\0')
            return strata_error_set(err, STRATA_EFORMAT, "%s: link without a target", norm);
        if (raw->type == STRATA_FT_HARDLINK) {
            char lnorm[STRATA_PATH_MAX];
            enum path_verdict lv =
                path_normalize(raw->link, strlen(raw->link), lnorm, sizeof lnorm);
            if (lv != PATH_OK)
                return strata_error_set(err, STRATA_EFORMAT,
                                        "%s: hard link to '%s' outside the layer", norm, raw->link);
            const struct layer_entry *t = find_entry(lr, lnorm, strlen(lnorm));
            if (t == NULL || t->whiteout != WHITEOUT_NONE || t->type == STRATA_FT_DIR)
                return strata_error_set(err, STRATA_EFORMAT,
                                        "%s: hard link to '%s', which is not an earlier file of "
                                        "this layer",
                                        norm, raw->link);
            e.link = arena_strdup(&lr->arena, lnorm);
            e.size = t->size;
        } else {
            if (strlen(raw->link) >= STRATA_PATH_MAX)
                return strata_error_set(err, STRATA_ELIMIT, "%s: symlink target too long", norm);
            e.link = arena_strdup(&lr->arena, raw->link);
        }
        if (e.link == NULL)
            return strata_error_nomem(err);
    }

    /* Duplicates: the same path twice in one layer is ambiguous (which one wins depends on
     * the extractor); directories repeated with the same type are harmless. */
    const struct layer_entry *prev = find_entry(lr, norm, strlen(norm));
    if (prev && !(prev->type == STRATA_FT_DIR && e.type == STRATA_FT_DIR) &&
        !(prev->whiteout == WHITEOUT_OPAQUE || e.whiteout == WHITEOUT_OPAQUE))
        return strata_error_set(err, STRATA_EFORMAT, "%s: duplicate entry in the layer", norm);

    e.path = arena_strdup(&lr->arena, norm);
    if (e.path == NULL)
        return strata_error_nomem(err);
    if (lr->n_entries == lr->cap_entries) {
        size_t cap = lr->cap_entries ? lr->cap_entries * 2 : 256;
        struct layer_entry *p = realloc(lr->entries, cap * sizeof *p);
        if (p == NULL)
            return strata_error_nomem(err);
        lr->entries = p;
        lr->cap_entries = cap;
    }
    lr->entries[lr->n_entries++] = e;
    if (e.whiteout != WHITEOUT_OPAQUE &&
        strmap_put(&lr->by_path, e.path, (void *)(uintptr_t)lr->n_entries) != 0)
        return strata_error_nomem(err);
    if (e.type == STRATA_FT_REG && e.whiteout == WHITEOUT_NONE)
        return dispatch_content(lr, &lr->entries[lr->n_entries - 1], reader, reader_ctx, err);
    if (e.type == STRATA_FT_HARDLINK)
        return add_pending_link(lr, &lr->entries[lr->n_entries - 1], err);
    return 0;
}
