/* json_members: reads a JSON document whose top level is an object one member at a time, so
 * that memory is bounded by the largest member rather than by the document (the Debian
 * security tracker JSON is one ~80 MB object of ~40,000 source packages).
 *
 * The scanner finds each member's name and the exact text of its value (strings and
 * backslash escapes honoured, nesting tracked); it does not validate the value, which the
 * caller hands to jansson with jm_load. Every error names the document and the line and
 * column (1-based; columns count UTF-8 characters like jansson's) of the offending byte, and
 * jm_load translates jansson's position inside a value into the document's. */
#ifndef STRATA_VULNDB_JSON_MEMBERS_H
#define STRATA_VULNDB_JSON_MEMBERS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define JM_MAX_KEY_BYTES (64u << 10)       /* one member name, as written */
#define JM_MAX_KEY_TOTAL_BYTES (16u << 20) /* all names remembered for JM_REJECT_DUPLICATES */

enum jm_flags {
    JM_REJECT_DUPLICATES = 1, /* a member name seen before is an error */
    JM_SMALL_BUFFER = 2,      /* fd reader: start with a tiny buffer (tests: every refill path) */
};

struct jm_reader;

struct jm_member {
    const char *key; /* decoded UTF-8, NUL-terminated, no NUL inside */
    size_t key_len;
    const char *value; /* the value's JSON text exactly as written (not NUL-terminated) */
    size_t value_len;
    long line, column;         /* of the value's first byte */
    long key_line, key_column; /* of the name's opening quote */
    uint64_t offset;           /* byte offset of the value in the document */
};

/* A reader of the file open on fd (read from its current offset, never closed here), or of
 * len bytes at data (which must outlive the reader). name names the document in messages and
 * must outlive the reader too. A member (name, colon and value) longer than max_member bytes
 * is an error. */
int jm_open_fd(struct jm_reader **out, int fd, const char *name, size_t max_member, int flags,
               struct strata_error *err);
int jm_open_mem(struct jm_reader **out, const void *data, size_t len, const char *name,
                size_t max_member, int flags, struct strata_error *err);
void jm_free(struct jm_reader *r);

/* Reads the leading whitespace and the '{'. *is_object = 0 when the document is empty or its
 * first other byte is not '{' (the caller may then read it another way); a UTF-8 byte order
 * mark is an error. */
int jm_begin(struct jm_reader *r, int *is_object, struct strata_error *err);

/* The next member: *more = 1 and *m filled (valid until the next call), or *more = 0 after the
 * closing '}', once the rest of the document was checked to be whitespace. */
int jm_next(struct jm_reader *r, struct jm_member *m, int *more, struct strata_error *err);

/* Parses m's value with jansson (flags as for json_loadb; JSON_DECODE_ANY is implied, a value
 * may be a scalar). Errors read
 * "NAME: invalid JSON at line L, column C: TEXT" with the document's line and column. */
int jm_load(const struct jm_reader *r, const struct jm_member *m, size_t flags, json_t **out,
            struct strata_error *err);

#endif
