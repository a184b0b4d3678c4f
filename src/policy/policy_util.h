/* Helpers shared by the gate, the ignore file and the VEX reader (internal to src/policy). */
#ifndef STRATA_POLICY_UTIL_H
#define STRATA_POLICY_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

/* Reads a regular file of at most max bytes into a malloc'd, NUL-terminated buffer. Errors
 * name the path: STRATA_EIO (open/read), STRATA_EFORMAT (not a regular file), STRATA_ELIMIT
 * (larger than max). */
int policy_read_file(const char *path, size_t max, char **data, size_t *len,
                     struct strata_error *err);

/* Returns 1 when data[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points
 * above U+10FFFF), else 0 with *bad set to the offset of the first offending byte. */
int policy_utf8_valid(const char *data, size_t len, size_t *bad);

/* 1-based line and byte column of offset off in data. */
void policy_line_col(const char *data, size_t off, int *line, int *col);

/* Parses exactly "YYYY-MM-DD" (a real calendar date, years 1000-9999) into YYYYMMDD.
 * Returns 0 or -1. */
int policy_parse_date(const char *s, size_t n, int32_t *yyyymmdd);

/* Today's UTC date as YYYYMMDD, or -1 when the clock cannot be read. */
int32_t policy_today_utc(void);

/* Parses an RFC 3339 date-time ("2024-01-02T03:04:05Z", fractional seconds and ±hh:mm
 * offsets accepted) into seconds since the epoch (UTC). Returns 0 or -1. */
int policy_parse_rfc3339(const char *s, int64_t *secs);

/* Formats YYYYMMDD as "YYYY-MM-DD" into out (11 bytes). */
void policy_format_date(int32_t yyyymmdd, char out[11]);

/* 1 when a and b are both non-NULL and equal ignoring ASCII case. */
int policy_ascii_ieq(const char *a, const char *b);

/* 1 when s holds no C0 control character other than tab and newline, and no DEL. */
int policy_text_clean(const char *s, size_t n);

/* A sorted index from case-folded vulnerability ids to item numbers (entries, statements):
 * many ids may map to one item and one id to many items. Keys are owned by the index. */
struct policy_id_ref {
    char *key; /* lower-cased id */
    size_t item;
};

struct policy_id_index {
    struct policy_id_ref *v;
    size_t n, cap;
};

/* Adds (id, item). Returns 0 or STRATA_ENOMEM. */
int policy_id_index_add(struct policy_id_index *ix, const char *id, size_t item);
/* Sorts by (key, item) and drops exact duplicates; call once after the last add. */
void policy_id_index_sort(struct policy_id_index *ix);
/* Points *first at the first ref whose key equals id (case-insensitively) and returns how
 * many consecutive refs share it (0 when none). */
size_t policy_id_index_find(const struct policy_id_index *ix, const char *id,
                            const struct policy_id_ref **first);
void policy_id_index_release(struct policy_id_index *ix);

#endif
