/* A small TOML reader for lock files (Cargo.lock, poetry.lock, uv.lock) and the project files
 * next to them (pyproject.toml, Pipfile). No TOML C library is packaged in Debian 12.
 *
 * Subset (TOML 1.0, plus TOML 1.1's newlines and trailing commas in inline tables):
 *   comments; [table] and [[array.of.tables]] headers with dotted, quoted keys; key = value
 *   with bare, "basic", 'literal' and dotted keys; basic and literal strings, single- and
 *   multi-line (""" and ''', line-ending backslashes, escapes \b \t \n \f \r \" \\ \uXXXX
 *   \UXXXXXXXX); integers (decimal with '_', 0x, 0o, 0b); floats (incl. inf, nan);
 *   booleans; dates and times (offset, local; kept as their text, type TOML_DATETIME);
 *   arrays (multi-line, trailing comma, nested, mixed types); inline tables.
 *   Redefinition rules: a key defined twice, a table header given twice, extending an
 *   inline table or a static array, and mixing a table with a value are errors.
 *
 * Refused on purpose: NUL bytes anywhere, invalid UTF-8, strings holding U+0000 (consumers
 * use C strings), bare CR, control characters in strings.
 *
 * Bounds (STRATA_ELIMIT when exceeded): input TOML_MAX_FILE bytes; nesting of arrays, inline
 * tables and key parts TOML_MAX_DEPTH; TOML_MAX_NODES values, tables and arrays in all; keys
 * TOML_MAX_KEY bytes.
 *
 * Every error reads "PATH:LINE:COL: message" (1-based, columns in bytes). The document owns
 * every node and string; toml_free releases everything at once. */
#ifndef STRATA_CORE_TOML_H
#define STRATA_CORE_TOML_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define TOML_MAX_FILE (64u * 1024 * 1024)
#define TOML_MAX_DEPTH 64
#define TOML_MAX_NODES 2000000
#define TOML_MAX_KEY 65536

enum toml_type {
    TOML_TABLE = 1,
    TOML_ARRAY,
    TOML_STRING,
    TOML_INTEGER,
    TOML_FLOAT,
    TOML_BOOL,
    TOML_DATETIME, /* text as written, in str */
};

struct toml_node {
    enum toml_type type;
    unsigned line, col; /* where the value (or table header) starts */
    const char *key;    /* member name inside its table, NULL for array elements and the root */
    const char *str;    /* TOML_STRING (decoded), TOML_DATETIME (as written); else NULL */
    size_t str_len;
    int64_t i;                /* TOML_INTEGER; TOML_BOOL: 0 or 1 */
    double f;                 /* TOML_FLOAT */
    struct toml_node **items; /* TOML_TABLE members in definition order, TOML_ARRAY elements */
    size_t n;
    /* Internal bookkeeping of the redefinition rules. */
    size_t cap;
    unsigned flags;
    size_t id;
};

struct toml_doc;

/* Parses data[0..len). path names the file in error messages. On success *out owns the tree. */
int toml_parse(const uint8_t *data, size_t len, const char *path, struct toml_doc **out,
               struct strata_error *err);
void toml_free(struct toml_doc *doc);

const struct toml_node *toml_root(const struct toml_doc *doc);
/* Member of a table by key, NULL when t is not a table or has no such member (linear). */
const struct toml_node *toml_get(const struct toml_node *t, const char *key);
/* String value of member key, NULL when absent or not a string. */
const char *toml_get_string(const struct toml_node *t, const char *key);
/* Checks UTF-8 (no overlongs, no surrogates): the offset of the first bad byte, or len. */
size_t toml_utf8_check(const uint8_t *s, size_t len);

#endif
