/* json_members: the top level of a JSON object, one member at a time (see json_members.h).
 *
 * The reader keeps the unconsumed part of the document in buf[start, end). A member is scanned
 * with offsets relative to start, so the buffer may be compacted (memmove to the front) or
 * grown (realloc) whenever more input is needed; once a member has been returned its bytes are
 * consumed, and they stay in place until the next call reads more. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vulndb/json_members.h"

#define JM_BUFFER_BYTES (1u << 20) /* first buffer of an fd reader (it grows to the member) */
#define JM_SMALL_BUFFER_BYTES 16u

enum { ST_BEFORE, ST_FIRST, ST_AFTER, ST_DONE, ST_FAILED };

struct jm_reader {
    int fd; /* -1: a document in memory */
    const char *name;
    char *buf;        /* owned, fd readers only */
    const char *data; /* buf, or the caller's memory */
    size_t cap, start, end;
    int eof;
    size_t max_member;
    int flags, state;
    uint64_t offset; /* document offset of data[start] */
    long line, col;  /* position just before data[start]: col characters read on its line */
    char *key;       /* the current member's decoded name */
    size_t key_cap;
    int have_key;
    /* names seen, for JM_REJECT_DUPLICATES: NUL-terminated in names, slots hold offset + 1 */
    char *names;
    size_t names_len, names_cap;
    uint32_t *slots;
    size_t nslots, nnames;
    uint64_t seed;
};

/* ---- positions ----------------------------------------------------------------------------- */

/* Like jansson: a column counts characters, i.e. bytes that may start a UTF-8 sequence. */
static int starts_char(unsigned char c)
{
    return c < 0x80 || (c >= 0xC2 && c <= 0xF4);
}

static void advance(long *line, long *col, const char *p, size_t n)
{
    const char *nl;
    while (n > 0 && (nl = memchr(p, '\n', n)) != NULL) {
        (*line)++;
        *col = 0;
        n -= (size_t)(nl + 1 - p);
        p = nl + 1;
    }
    for (size_t i = 0; i < n; i++)
        if (starts_char((unsigned char)p[i]))
            (*col)++;
}

/* Line and column of the byte at rel (just past the input when rel is beyond it). */
static void pos_at(const struct jm_reader *r, size_t rel, long *line, long *col)
{
    size_t avail = r->end - r->start;
    *line = r->line;
    *col = r->col;
    advance(line, col, r->data + r->start, rel < avail ? rel : avail);
    (*col)++;
}

static void consume(struct jm_reader *r, size_t n)
{
    advance(&r->line, &r->col, r->data + r->start, n);
    r->start += n;
    r->offset += n;
}

/* "NAME: invalid JSON at line L, column C: WHAT" for the byte at rel; the reader is done. */
__attribute__((format(printf, 5, 6))) static int
fail(struct jm_reader *r, size_t rel, int code, struct strata_error *err, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    long line, col;
    pos_at(r, rel, &line, &col);
    r->state = ST_FAILED;
    return strata_error_set(err, code, "%s: invalid JSON at line %ld, column %ld: %s", r->name,
                            line, col, what);
}

/* A member name for a message: control bytes and quotes replaced, at most 64 bytes. */
static const char *shown_key(const struct jm_reader *r, char *out, size_t cap)
{
    size_t i = 0;
    const char *k = r->have_key ? r->key : "";
    for (; k[i] != '\0' && i + 1 < cap && i < 64; i++)
        out[i] = ((unsigned char)k[i] < 0x20 || k[i] == 0x7f || k[i] == '"') ? '?' : k[i];
    out[i] = '\0';
    return out;
}

/* ---- input --------------------------------------------------------------------------------- */

static int too_big(struct jm_reader *r, struct strata_error *err)
{
    char k[80];
    if (r->have_key)
        return fail(r, 0, STRATA_ELIMIT, err, "member \"%s\" is longer than the limit of %zu bytes",
                    shown_key(r, k, sizeof k), r->max_member);
    return fail(r, 0, STRATA_ELIMIT, err, "a member is longer than the limit of %zu bytes",
                r->max_member);
}

/* Reads more input: 1 when some arrived, 0 at the end of the input, or an error. */
static int fill(struct jm_reader *r, struct strata_error *err)
{
    if (r->fd < 0 || r->eof)
        return 0;
    if (r->start > 0 && (r->end == r->cap || r->start >= r->cap / 2)) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
        r->data = r->buf;
    }
    if (r->end == r->cap) {
        size_t limit = r->max_member < SIZE_MAX / 2 ? r->max_member + 1 : SIZE_MAX / 2;
        size_t ncap = r->cap < limit / 2 ? r->cap * 2 : limit;
        if (ncap <= r->cap) /* cannot happen: the caller checked the member's length */
            return strata_error_set(err, STRATA_EINTERNAL, "%s: json_members buffer full", r->name);
        char *nb = realloc(r->buf, ncap);
        if (nb == NULL)
            return strata_error_nomem(err);
        r->buf = nb;
        r->data = nb;
        r->cap = ncap;
    }
    ssize_t n;
    do
        n = read(r->fd, r->buf + r->end, r->cap - r->end);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return strata_error_set(err, STRATA_EIO, "%s: %s", r->name, strerror(errno));
    if (n == 0) {
        r->eof = 1;
        return 0;
    }
    r->end += (size_t)n;
    return 1;
}

/* *c = the byte at rel, or -1 at the end of the input. */
static inline int get(struct jm_reader *r, size_t rel, int *c, struct strata_error *err)
{
    if (rel >= r->max_member)
        return too_big(r, err);
    while (r->start + rel >= r->end) {
        int rc = fill(r, err);
        if (rc < 0) {
            r->state = ST_FAILED;
            return rc;
        }
        if (rc == 0) {
            *c = -1;
            return 0;
        }
    }
    *c = (unsigned char)r->data[r->start + rel];
    return 0;
}

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Consumes whitespace; *c = the next byte (or -1). */
static int skip_ws(struct jm_reader *r, int *c, struct strata_error *err)
{
    for (;;) {
        int rc = get(r, 0, c, err);
        if (rc != 0 || !is_ws(*c))
            return rc;
        consume(r, 1);
    }
}

/* ---- scanning ------------------------------------------------------------------------------ */

/* The string whose opening quote is at rel: *end = the offset just past its closing quote. */
static int scan_string(struct jm_reader *r, size_t rel, size_t limit, size_t *end,
                       struct strata_error *err)
{
    size_t i = rel + 1;
    int c = -1, rc;
    for (;;) {
        if (i - rel > limit)
            return fail(r, rel, STRATA_ELIMIT, err, "member name longer than %zu bytes", limit);
        if ((rc = get(r, i, &c, err)) != 0)
            return rc;
        if (c < 0)
            return fail(r, rel, STRATA_EFORMAT, err, "unterminated string");
        if (c == '"') {
            *end = i + 1;
            return 0;
        }
        if (c == '\\') {
            i++;
            if ((rc = get(r, i, &c, err)) != 0)
                return rc;
            if (c < 0)
                return fail(r, rel, STRATA_EFORMAT, err, "unterminated string");
        }
        i++;
    }
}

static int is_delim(int c)
{
    return c < 0 || is_ws(c) || c == ',' || c == ':' || c == '"' || c == '{' || c == '}' ||
           c == '[' || c == ']';
}

/* The value starting at rel: *end = the offset just past it. Objects and arrays are delimited
 * by counting brackets outside strings; a mismatched pair gives a span jansson rejects. */
static int scan_value(struct jm_reader *r, size_t rel, size_t *end, struct strata_error *err)
{
    int c = -1, rc;
    char k[80];
    if ((rc = get(r, rel, &c, err)) != 0)
        return rc;
    if (c == '"')
        return scan_string(r, rel, SIZE_MAX, end, err);
    if (c == '{' || c == '[') {
        size_t depth = 0, i = rel;
        for (;;) {
            if ((rc = get(r, i, &c, err)) != 0)
                return rc;
            if (c < 0) {
                long line, col;
                pos_at(r, rel, &line, &col);
                return fail(r, i, STRATA_EFORMAT, err,
                            "unexpected end of input: %zu unclosed '{' or '[' in the value of "
                            "member \"%s\" (which starts at line %ld, column %ld)",
                            depth, shown_key(r, k, sizeof k), line, col);
            }
            if (c == '"') {
                if ((rc = scan_string(r, i, SIZE_MAX, &i, err)) != 0)
                    return rc;
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    *end = i + 1;
                    return 0;
                }
            }
            i++;
        }
    }
    if (is_delim(c))
        return fail(r, rel, STRATA_EFORMAT, err, "expected a value for member \"%s\"",
                    shown_key(r, k, sizeof k));
    size_t i = rel;
    while (!is_delim(c)) {
        i++;
        if ((rc = get(r, i, &c, err)) != 0)
            return rc;
    }
    *end = i;
    return 0;
}

/* ---- duplicate names ----------------------------------------------------------------------- */

static uint64_t hash_key(const struct jm_reader *r, const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull ^ r->seed;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 33; /* spread the high bits into the low ones, which pick the slot */
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static int grow_slots(struct jm_reader *r, struct strata_error *err)
{
    size_t n = r->nslots ? r->nslots * 2 : 1024;
    uint32_t *s = calloc(n, sizeof *s);
    if (s == NULL)
        return strata_error_nomem(err);
    for (size_t i = 0; i < r->nslots; i++) {
        if (r->slots[i] == 0)
            continue;
        const char *k = r->names + r->slots[i] - 1;
        size_t j = (size_t)hash_key(r, k, strlen(k)) & (n - 1);
        while (s[j] != 0)
            j = (j + 1) & (n - 1);
        s[j] = r->slots[i];
    }
    free(r->slots);
    r->slots = s;
    r->nslots = n;
    return 0;
}

/* 1 when the current key was seen before, else remembers it and returns 0. */
static int seen_before(struct jm_reader *r, struct strata_error *err)
{
    const char *key = r->key;
    size_t len = strlen(key);
    int rc;
    if ((r->nnames + 1) * 2 > r->nslots && (rc = grow_slots(r, err)) != 0)
        return rc;
    size_t j = (size_t)hash_key(r, key, len) & (r->nslots - 1);
    for (; r->slots[j] != 0; j = (j + 1) & (r->nslots - 1))
        if (strcmp(r->names + r->slots[j] - 1, key) == 0)
            return 1;
    if (len + 1 > JM_MAX_KEY_TOTAL_BYTES - r->names_len)
        return fail(r, 0, STRATA_ELIMIT, err, "more than %u bytes of member names",
                    JM_MAX_KEY_TOTAL_BYTES);
    if (r->names_len + len + 1 > r->names_cap) {
        size_t ncap = r->names_cap ? r->names_cap : 4096;
        while (ncap < r->names_len + len + 1)
            ncap *= 2;
        char *nn = realloc(r->names, ncap);
        if (nn == NULL)
            return strata_error_nomem(err);
        r->names = nn;
        r->names_cap = ncap;
    }
    memcpy(r->names + r->names_len, key, len + 1);
    r->slots[j] = (uint32_t)(r->names_len + 1);
    r->names_len += len + 1;
    r->nnames++;
    return 0;
}

/* ---- the interface ------------------------------------------------------------------------- */

static int new_reader(struct jm_reader **out, const char *name, size_t max_member, int flags,
                      struct strata_error *err)
{
    struct jm_reader *r = calloc(1, sizeof *r);
    if (r == NULL)
        return strata_error_nomem(err);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    r->seed = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)r;
    r->name = name ? name : "(json)";
    r->max_member = max_member ? max_member : 1;
    r->flags = flags;
    r->line = 1;
    r->state = ST_BEFORE;
    r->fd = -1;
    *out = r;
    return 0;
}

int jm_open_fd(struct jm_reader **out, int fd, const char *name, size_t max_member, int flags,
               struct strata_error *err)
{
    *out = NULL;
    struct jm_reader *r;
    int rc = new_reader(&r, name, max_member, flags, err);
    if (rc != 0)
        return rc;
    r->fd = fd;
    r->cap = (flags & JM_SMALL_BUFFER) ? JM_SMALL_BUFFER_BYTES : JM_BUFFER_BYTES;
    if ((r->buf = malloc(r->cap)) == NULL) {
        free(r);
        return strata_error_nomem(err);
    }
    r->data = r->buf;
    *out = r;
    return 0;
}

int jm_open_mem(struct jm_reader **out, const void *data, size_t len, const char *name,
                size_t max_member, int flags, struct strata_error *err)
{
    *out = NULL;
    struct jm_reader *r;
    int rc = new_reader(&r, name, max_member, flags, err);
    if (rc != 0)
        return rc;
    r->data = data ? data : "";
    r->cap = r->end = data ? len : 0;
    r->eof = 1;
    *out = r;
    return 0;
}

void jm_free(struct jm_reader *r)
{
    if (r == NULL)
        return;
    free(r->buf);
    free(r->key);
    free(r->names);
    free(r->slots);
    free(r);
}

static int misuse(struct jm_reader *r, struct strata_error *err)
{
    return strata_error_set(err, STRATA_EINTERNAL, "%s: json_members: read %s", r->name,
                            r->state == ST_FAILED ? "after an error" : "out of order");
}

static int begin(struct jm_reader *r, int *is_object, struct strata_error *err)
{
    if (r->state != ST_BEFORE)
        return misuse(r, err);
    int c = -1, c1 = -1, c2 = -1, rc;
    if ((rc = get(r, 0, &c, err)) != 0)
        return rc;
    if (c == 0xef && (rc = get(r, 1, &c1, err)) == 0 && (rc = get(r, 2, &c2, err)) == 0 &&
        c1 == 0xbb && c2 == 0xbf)
        return fail(r, 0, STRATA_EFORMAT, err,
                    "the document starts with a byte order mark (U+FEFF), which JSON does not "
                    "allow");
    if (rc != 0 || (rc = skip_ws(r, &c, err)) != 0)
        return rc;
    if (c != '{') {
        r->state = ST_DONE;
        return 0;
    }
    consume(r, 1);
    r->state = ST_FIRST;
    *is_object = 1;
    return 0;
}

int jm_begin(struct jm_reader *r, int *is_object, struct strata_error *err)
{
    *is_object = 0;
    int rc = begin(r, is_object, err);
    if (rc != 0) {
        *is_object = 0;
        r->state = ST_FAILED;
    }
    return rc;
}

/* After the closing '}': only whitespace may follow. */
static int finish(struct jm_reader *r, struct strata_error *err)
{
    int c = -1, rc;
    r->have_key = 0;
    if ((rc = skip_ws(r, &c, err)) != 0)
        return rc;
    if (c >= 0)
        return fail(r, 0, STRATA_EFORMAT, err, "unexpected data after the top-level object");
    r->state = ST_DONE;
    return 0;
}

static int next_member(struct jm_reader *r, struct jm_member *m, int *more,
                       struct strata_error *err)
{
    memset(m, 0, sizeof *m);
    if (r->state == ST_DONE)
        return 0;
    if (r->state != ST_FIRST && r->state != ST_AFTER)
        return misuse(r, err);
    int c = -1, rc;
    if ((rc = skip_ws(r, &c, err)) != 0)
        return rc;
    if (r->state == ST_AFTER) {
        if (c == '}') {
            consume(r, 1);
            return finish(r, err);
        }
        if (c != ',')
            return fail(r, 0, STRATA_EFORMAT, err,
                        c < 0 ? "unexpected end of input: expected ',' or '}' (the top-level "
                                "object is not closed)"
                              : "expected ',' or '}' after a member of the top-level object");
        consume(r, 1);
        if ((rc = skip_ws(r, &c, err)) != 0)
            return rc;
        if (c != '"')
            return fail(r, 0, STRATA_EFORMAT, err,
                        c < 0 ? "unexpected end of input: expected a member name"
                              : "expected a member name (a string) after ','");
    } else if (c == '}') {
        consume(r, 1);
        return finish(r, err);
    } else if (c != '"') {
        return fail(r, 0, STRATA_EFORMAT, err,
                    c < 0 ? "unexpected end of input: expected a member name or '}'"
                          : "expected a member name (a string) or '}'");
    }
    r->have_key = 0;

    /* The name: scanned here, decoded (escapes, UTF-8) by jansson. */
    size_t kend;
    if ((rc = scan_string(r, 0, JM_MAX_KEY_BYTES, &kend, err)) != 0)
        return rc;
    json_error_t je;
    json_t *k = json_loadb(r->data + r->start, kend, JSON_DECODE_ANY, &je);
    if (k == NULL) {
        r->state = ST_FAILED;
        long line, col;
        pos_at(r, 0, &line, &col);
        if (je.line == 1 && je.column > 0)
            col += je.column - 1;
        return strata_error_set(err, STRATA_EFORMAT, "%s: invalid JSON at line %ld, column %ld: %s",
                                r->name, line, col, je.text);
    }
    size_t klen = json_string_length(k);
    if (klen + 1 > r->key_cap) {
        char *nk = realloc(r->key, klen + 1);
        if (nk == NULL) {
            json_decref(k);
            r->state = ST_FAILED;
            return strata_error_nomem(err);
        }
        r->key = nk;
        r->key_cap = klen + 1;
    }
    memcpy(r->key, json_string_value(k), klen + 1);
    json_decref(k);
    r->have_key = 1;
    if (r->flags & JM_REJECT_DUPLICATES) {
        char shown[80];
        if ((rc = seen_before(r, err)) < 0)
            return rc;
        if (rc == 1)
            return fail(r, 0, STRATA_EFORMAT, err, "duplicate member name \"%s\"",
                        shown_key(r, shown, sizeof shown));
    }

    size_t i = kend;
    for (;;) {
        if ((rc = get(r, i, &c, err)) != 0)
            return rc;
        if (!is_ws(c))
            break;
        i++;
    }
    if (c != ':')
        return fail(r, i, STRATA_EFORMAT, err, "expected ':' after the member name");
    for (;;) {
        i++;
        if ((rc = get(r, i, &c, err)) != 0)
            return rc;
        if (!is_ws(c))
            break;
    }
    if (c < 0)
        return fail(r, i, STRATA_EFORMAT, err, "unexpected end of input: expected a value");
    size_t vend;
    if ((rc = scan_value(r, i, &vend, err)) != 0)
        return rc;

    m->key = r->key;
    m->key_len = klen;
    m->value = r->data + r->start + i;
    m->value_len = vend - i;
    pos_at(r, 0, &m->key_line, &m->key_column);
    pos_at(r, i, &m->line, &m->column);
    m->offset = r->offset + i;
    consume(r, vend);
    r->state = ST_AFTER;
    *more = 1;
    return 0;
}

int jm_next(struct jm_reader *r, struct jm_member *m, int *more, struct strata_error *err)
{
    *more = 0;
    int rc = next_member(r, m, more, err);
    if (rc != 0) {
        *more = 0;
        r->state = ST_FAILED;
    }
    return rc;
}

int jm_load(const struct jm_reader *r, const struct jm_member *m, size_t flags, json_t **out,
            struct strata_error *err)
{
    json_error_t je;
    *out = json_loadb(m->value, m->value_len, flags | JSON_DECODE_ANY, &je);
    if (*out != NULL)
        return 0;
    long line = m->line, col = m->column;
    if (je.line > 1) {
        line += je.line - 1;
        col = je.column > 0 ? je.column : 1;
    } else if (je.line == 1 && je.column > 0) {
        col += je.column - 1;
    }
    return strata_error_set(err, STRATA_EFORMAT, "%s: invalid JSON at line %ld, column %ld: %s",
                            r->name, line, col, je.text);
}
