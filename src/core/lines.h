/* Line-by-line reading of untrusted text files (package databases, os-release): bounded line
 * length, no NUL bytes, CRLF tolerated, line numbers for messages. */
#ifndef STRATA_CORE_LINES_H
#define STRATA_CORE_LINES_H

#include <stddef.h>

#include "strata/error.h"

struct line_reader {
    const char *data;
    size_t len, pos;
    size_t lineno; /* number of the line last returned (1-based) */
    size_t max_len;
    const char *path; /* for messages */
};

void line_reader_init(struct line_reader *r, const void *data, size_t len, size_t max_len,
                      const char *path);

/* Returns 1 and the next line (without "\n" or "\r\n") in *line / *len, 0 at the end, or a
 * negative STRATA_E* for a line longer than max_len ("PATH: line N: longer than M bytes")
 * or one holding a NUL byte ("PATH: line N: NUL byte"). */
int line_reader_next(struct line_reader *r, const char **line, size_t *len,
                     struct strata_error *err);

/* Where byte off of data[0..len) stands, for messages pointing at a position: *line is 1-based,
 * *col is 1 + the number of bytes from the start of that line (just after the last '\n' before
 * off) to off. Only data[0..min(off, len)) is read; off may be len (the end of the input). */
void text_position(const void *data, size_t len, size_t off, size_t *line, size_t *col);

#endif
