/* A streaming JSON emitter for the report writers: values go straight into a 64 KiB buffer
 * that is written out when full, so a report of any size costs one pass and no tree.
 *
 * The bytes are those of jansson's json_dump with JSON_INDENT(2) | JSON_PRESERVE_ORDER |
 * JSON_REAL_PRECISION(15), which the JSON report was written with before and which its
 * goldens pin: 2-space indentation, "key": value, the comma at the end of the line, {} and []
 * for empty containers, jansson's string escapes and number formats (see json_writer.c).
 *
 * Usage: jw_init, then one top-level value made of the calls below (jw_key before each value
 * inside an object, none inside an array), then jw_finish. The caller nests the begin/end
 * calls correctly; the writer does not check the structure. Output errors are remembered and
 * reported once by jw_finish; the calls in between have nothing to check. */
#ifndef STRATA_REPORT_JSON_WRITER_H
#define STRATA_REPORT_JSON_WRITER_H

#include <stdio.h>

struct json_writer {
    FILE *out;
    char *buf;
    size_t len;
    unsigned depth; /* containers open */
    int fresh;      /* the innermost open container has no member yet */
    int after_key;  /* a key was written: its value follows on the same line */
    int failed;     /* an output error happened; later output is dropped */
    int fail_errno; /* errno of that error, 0 when it set none */
};

/* 0, or -1 when the buffer cannot be allocated (ENOMEM). */
int jw_init(struct json_writer *w, FILE *out);
void jw_begin_object(struct json_writer *w);
void jw_end_object(struct json_writer *w);
void jw_begin_array(struct json_writer *w);
void jw_end_array(struct json_writer *w);
/* An object member's key; escaped like any string. */
void jw_key(struct json_writer *w, const char *key);
/* s as a JSON string, or null when s is NULL. Invalid UTF-8 (image metadata is untrusted) is
 * repaired the way the report always repaired it (rj_str): each byte that does not start a
 * valid sequence becomes U+FFFD. */
void jw_string(struct json_writer *w, const char *s);
void jw_integer(struct json_writer *w, long long v);
/* v with 15 significant digits; ".0" is added when that looks like an integer (9.8, 10.0,
 * 1e20). v must be finite (JSON has no NaN or infinity): a non-finite v writes nothing and
 * makes jw_finish fail with EDOM, so check before starting if that must not happen. */
void jw_real(struct json_writer *w, double v);
void jw_bool(struct json_writer *w, int b);
void jw_null(struct json_writer *w);
/* 1 once an output error happened (a long writer may stop early). */
int jw_failed(const struct json_writer *w);
/* Ends the document with a newline, writes out the buffer, fflushes out and frees the buffer.
 * Returns 0, or the errno of the first failure (-1 when the failing call set none). */
int jw_finish(struct json_writer *w);

#endif
