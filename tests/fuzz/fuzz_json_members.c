/* libFuzzer target: json_members, the top-level object scanner. The input is read from memory
 * and from a memfd with a 16-byte first buffer (every refill, compaction and growth path);
 * both readers must return the same members, positions and errors, every value must lie
 * inside the input at its offset, and jm_load runs on each value. Errors are fine; crashes,
 * leaks, sanitizer reports and disagreements are not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vulndb/json_members.h"

#define MAX_MEMBER 4096

struct run {
    int rc, begun, is_object, n;
    char msg[STRATA_ERROR_MAX];
};

/* Reads the whole document; calls each(ctx, i, m) per member. */
static void read_all(struct jm_reader *r, struct run *out,
                     void (*each)(void *ctx, int i, const struct jm_member *m), void *ctx)
{
    struct strata_error err = {0};
    memset(out, 0, sizeof *out);
    out->rc = jm_begin(r, &out->is_object, &err);
    out->begun = 1;
    while (out->rc == 0 && out->is_object) {
        struct jm_member m;
        int more = 0;
        if ((out->rc = jm_next(r, &m, &more, &err)) != 0 || !more)
            break;
        each(ctx, out->n++, &m);
        json_t *v = NULL;
        struct strata_error lerr = {0};
        if (jm_load(r, &m, JSON_REJECT_DUPLICATES, &v, &lerr) == 0)
            json_decref(v);
        else if (strstr(lerr.msg, "invalid JSON at line ") == NULL)
            abort();
    }
    if (out->rc != 0) {
        snprintf(out->msg, sizeof out->msg, "%s", err.msg);
        if (strstr(err.msg, "doc: ") != err.msg)
            abort(); /* every error names the document */
    }
}

struct seen {
    const uint8_t *data;
    size_t size;
    int n, cap;
    struct jm_member *m;
    char **keys;
};

/* The value lies in the input at its offset; positions are 1-based. */
static void check_member(const struct seen *s, const struct jm_member *m)
{
    if (m->value_len == 0 || m->offset > s->size || m->value_len > s->size - m->offset)
        abort();
    if (memcmp(s->data + m->offset, m->value, m->value_len) != 0)
        abort();
    if (m->line < 1 || m->column < 1 || m->key_line < 1 || m->key_column < 1 ||
        m->key_len != strlen(m->key))
        abort();
}

static void record(void *ctx, int i, const struct jm_member *m)
{
    struct seen *s = ctx;
    check_member(s, m);
    if (i >= s->cap)
        return; /* compare the first members only */
    s->m[i] = *m;
    s->keys[i] = strdup(m->key);
    if (s->keys[i] == NULL)
        abort();
    s->n = i + 1;
}

static void compare(void *ctx, int i, const struct jm_member *m)
{
    struct seen *s = ctx;
    check_member(s, m);
    if (i >= s->n)
        return;
    const struct jm_member *a = &s->m[i];
    if (strcmp(s->keys[i], m->key) != 0 || a->value_len != m->value_len || a->offset != m->offset ||
        a->line != m->line || a->column != m->column || a->key_line != m->key_line ||
        a->key_column != m->key_column)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    struct strata_error err = {0};
    struct jm_reader *r;
    struct seen s = {.data = data, .size = size, .cap = 64};
    s.m = calloc((size_t)s.cap, sizeof *s.m);
    s.keys = calloc((size_t)s.cap, sizeof *s.keys);
    if (s.m == NULL || s.keys == NULL)
        abort();
    struct run a, b;
    if (jm_open_mem(&r, data, size, "doc", MAX_MEMBER, JM_REJECT_DUPLICATES, &err) != 0)
        abort();
    read_all(r, &a, record, &s);
    jm_free(r);

    int fd = memfd_create("fuzz_json_members", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    if (size > 0 && write(fd, data, size) != (ssize_t)size)
        abort();
    if (lseek(fd, 0, SEEK_SET) != 0)
        abort();
    if (jm_open_fd(&r, fd, "doc", MAX_MEMBER, JM_REJECT_DUPLICATES | JM_SMALL_BUFFER, &err) != 0)
        abort();
    read_all(r, &b, compare, &s);
    jm_free(r);
    close(fd);

    if (a.rc != b.rc || a.is_object != b.is_object || a.n != b.n || strcmp(a.msg, b.msg) != 0)
        abort();
    for (int i = 0; i < s.n; i++)
        free(s.keys[i]);
    free(s.keys);
    free(s.m);
    return 0;
}
