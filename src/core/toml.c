/* A small TOML reader for lock files: see toml.h for the subset, the bounds and the errors. */
#include "core/toml.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/hexdigit.h"
#include "core/input_size.h"
#include "core/lines.h"
#include "core/strbuf.h"
#include "core/strmap.h"

enum {
    F_EXPLICIT = 1, /* defined by a [header] (or the root) */
    F_IMPLICIT = 2, /* created as the parent of a [header]: may be defined once later */
    F_DOTTED = 4,   /* created by a dotted key */
    F_INLINE = 8,   /* an inline table or a static array: closed */
    F_AOT = 16,     /* an array of tables made by [[header]] */
};

struct toml_doc {
    struct arena a;
    struct strmap members; /* "<table id hex>:<key>" -> member node, for duplicate checks */
    struct toml_node *root;
    size_t next_id;
    size_t n_nodes;
};

struct parser {
    const char *s;
    size_t len, pos;
    unsigned line;
    size_t line_start;
    unsigned depth;
    const char *path;
    struct toml_doc *doc;
    struct strata_error *err;
};

const struct toml_node *toml_root(const struct toml_doc *doc)
{
    return doc ? doc->root : NULL;
}

const struct toml_node *toml_get(const struct toml_node *t, const char *key)
{
    if (t == NULL || t->type != TOML_TABLE || key == NULL)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->items[i]->key, key) == 0)
            return t->items[i];
    return NULL;
}

const char *toml_get_string(const struct toml_node *t, const char *key)
{
    const struct toml_node *v = toml_get(t, key);
    return v && v->type == TOML_STRING ? v->str : NULL;
}

void toml_free(struct toml_doc *doc)
{
    if (doc == NULL)
        return;
    strmap_release(&doc->members);
    arena_release(&doc->a);
    free(doc);
}

size_t toml_utf8_check(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if ((c & 0xe0) == 0xc0) {
            n = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (len - i < n)
            return i;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += n;
    }
    return len;
}

/* ---------------------------------------------------------------------------------------- */
/* Errors and positions                                                                      */

static unsigned col_at(const struct parser *p, size_t pos)
{
    return (unsigned)(pos - p->line_start + 1);
}

__attribute__((format(printf, 4, 5))) static int fail_at(struct parser *p, int code, size_t pos,
                                                         const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Errors are rare: count the position from the start rather than track it everywhere
     * (an error may point back at the start of a multi-line string). */
    size_t line, col;
    text_position(p->s, p->len, pos, &line, &col);
    return strata_error_set(p->err, code, "%s:%zu:%zu: %s", p->path, line, col, msg);
}

#define FAIL(p, ...) fail_at((p), STRATA_EFORMAT, (p)->pos, __VA_ARGS__)

static int nomem(struct parser *p)
{
    return strata_error_nomem(p->err);
}

/* ---------------------------------------------------------------------------------------- */
/* Nodes                                                                                     */

static struct toml_node *node_new(struct parser *p, enum toml_type t, size_t pos)
{
    if (p->doc->n_nodes >= TOML_MAX_NODES) {
        fail_at(p, STRATA_ELIMIT, pos, "more than %d values", TOML_MAX_NODES);
        return NULL;
    }
    struct toml_node *n = arena_alloc(&p->doc->a, sizeof *n);
    if (n == NULL) {
        nomem(p);
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = t;
    n->line = p->line;
    n->col = col_at(p, pos);
    n->id = p->doc->next_id++;
    p->doc->n_nodes++;
    return n;
}

/* Appends child to a table or array; items live in the arena (a grown vector leaves its old
 * copy behind, at most doubling the space the vectors take). */
static int node_append(struct parser *p, struct toml_node *parent, struct toml_node *child)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        struct toml_node **v = arena_alloc(&p->doc->a, cap * sizeof *v);
        if (v == NULL)
            return nomem(p);
        if (parent->n)
            memcpy(v, parent->items, parent->n * sizeof *v);
        parent->items = v;
        parent->cap = cap;
    }
    parent->items[parent->n++] = child;
    return 0;
}

static struct toml_node *member_get(struct parser *p, const struct toml_node *t, const char *key,
                                    int *rc)
{
    char pre[24];
    int pl = snprintf(pre, sizeof pre, "%zx:", t->id);
    struct strbuf sb = STRBUF_INIT;
    *rc = 0;
    if (strbuf_add(&sb, pre, (size_t)pl) || strbuf_adds(&sb, key)) {
        strbuf_release(&sb);
        *rc = nomem(p);
        return NULL;
    }
    struct toml_node *n = strmap_get(&p->doc->members, sb.buf);
    strbuf_release(&sb);
    return n;
}

static int member_put(struct parser *p, struct toml_node *t, const char *key,
                      struct toml_node *child)
{
    char pre[24];
    int pl = snprintf(pre, sizeof pre, "%zx:", t->id);
    size_t kl = strlen(key);
    char *mk = arena_alloc(&p->doc->a, (size_t)pl + kl + 1);
    if (mk == NULL)
        return nomem(p);
    memcpy(mk, pre, (size_t)pl);
    memcpy(mk + pl, key, kl + 1);
    child->key = mk + pl;
    if (strmap_put(&p->doc->members, mk, child) != 0)
        return nomem(p);
    return node_append(p, t, child);
}

/* ---------------------------------------------------------------------------------------- */
/* Lexing                                                                                    */

static int at_end(const struct parser *p)
{
    return p->pos >= p->len;
}

static char peek(const struct parser *p)
{
    return p->pos < p->len ? p->s[p->pos] : '\0';
}

static void skip_ws(struct parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
        p->pos++;
}

/* Consumes "\n" or "\r\n" at pos: 1 when one was there, 0 when not, <0 for a bare CR. */
static int eat_newline(struct parser *p)
{
    if (peek(p) == '\n') {
        p->pos++;
    } else if (peek(p) == '\r' && p->pos + 1 < p->len && p->s[p->pos + 1] == '\n') {
        p->pos += 2;
    } else if (peek(p) == '\r') {
        return FAIL(p, "carriage return without a line feed");
    } else {
        return 0;
    }
    p->line++;
    p->line_start = p->pos;
    return 1;
}

static int skip_comment(struct parser *p)
{
    if (peek(p) != '#')
        return 0;
    while (p->pos < p->len && p->s[p->pos] != '\n' && p->s[p->pos] != '\r') {
        unsigned char c = (unsigned char)p->s[p->pos];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return FAIL(p, "control character 0x%02x in a comment", c);
        p->pos++;
    }
    return 0;
}

/* Whitespace, newlines and comments (inside arrays and inline tables). */
static int skip_ws_nl(struct parser *p)
{
    for (;;) {
        skip_ws(p);
        int rc = skip_comment(p);
        if (rc != 0)
            return rc;
        rc = eat_newline(p);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return 0;
    }
}

/* After a key/value pair or a header: optional comment, then a newline or the end. */
static int expect_eol(struct parser *p)
{
    skip_ws(p);
    int rc = skip_comment(p);
    if (rc != 0)
        return rc;
    if (at_end(p))
        return 0;
    rc = eat_newline(p);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return FAIL(p, "unexpected '%c' after a value (expected a newline)", peek(p));
    return 0;
}

static int escape(struct parser *p, struct strbuf *sb)
{
    size_t at = p->pos;
    p->pos++; /* the backslash */
    char c = peek(p);
    static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
    const char *k = c ? strchr(from, c) : NULL;
    if (k != NULL) {
        p->pos++;
        return strbuf_addch(sb, to[k - from]) ? nomem(p) : 0;
    }
    if (c == 'u' || c == 'U') {
        size_t n = c == 'u' ? 4 : 8;
        uint32_t cp = 0;
        if (p->len - p->pos - 1 < n)
            return fail_at(p, STRATA_EFORMAT, at, "truncated \\%c escape", c);
        for (size_t i = 0; i < n; i++) {
            int h = hex_digit_value(p->s[p->pos + 1 + i]);
            if (h < 0)
                return fail_at(p, STRATA_EFORMAT, at, "bad \\%c escape", c);
            cp = (cp << 4) | (uint32_t)h;
        }
        if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return fail_at(p, STRATA_EFORMAT, at, "\\%c escape of U+%04" PRIX32 " not allowed", c,
                           cp);
        p->pos += 1 + n;
        return strbuf_add_utf8(sb, cp) ? nomem(p) : 0;
    }
    return fail_at(p, STRATA_EFORMAT, at, "unknown escape \\%c", (c > 0x20 && c < 0x7f) ? c : '?');
}

/* A string starting at pos (a quote). Multi-line forms when allowed (values, not keys).
 * The decoded text is appended to sb. */
static int string(struct parser *p, struct strbuf *sb, int allow_multi)
{
    size_t start = p->pos;
    char q = peek(p);
    int basic = q == '"';
    int multi =
        allow_multi && p->len - p->pos >= 3 && p->s[p->pos + 1] == q && p->s[p->pos + 2] == q;
    p->pos += multi ? 3 : 1;
    if (multi) {
        int rc = eat_newline(p); /* a newline right after the opening delimiter is trimmed */
        if (rc < 0)
            return rc;
    }
    for (;;) {
        if (at_end(p))
            return fail_at(p, STRATA_EFORMAT, start, "unterminated string");
        char c = p->s[p->pos];
        if (c == q) {
            if (!multi) {
                p->pos++;
                return 0;
            }
            size_t run = 0;
            while (p->pos + run < p->len && p->s[p->pos + run] == q)
                run++;
            if (run >= 3) {
                if (run > 5)
                    return FAIL(p, "too many quotes closing a multi-line string");
                if (strbuf_add(sb, p->s + p->pos, run - 3))
                    return nomem(p);
                p->pos += run;
                return 0;
            }
            if (strbuf_add(sb, p->s + p->pos, run))
                return nomem(p);
            p->pos += run;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (!multi)
                return FAIL(p, "newline in a single-line string");
            int rc = eat_newline(p);
            if (rc < 0)
                return rc;
            if (strbuf_addch(sb, '\n'))
                return nomem(p);
            continue;
        }
        if (basic && c == '\\') {
            if (multi) {
                /* A line-ending backslash trims the newline and the whitespace after it. */
                size_t k = p->pos + 1;
                while (k < p->len && (p->s[k] == ' ' || p->s[k] == '\t'))
                    k++;
                if (k < p->len && (p->s[k] == '\n' || p->s[k] == '\r')) {
                    p->pos = k;
                    for (;;) {
                        skip_ws(p);
                        int rc = eat_newline(p);
                        if (rc < 0)
                            return rc;
                        if (rc == 0)
                            break;
                    }
                    continue;
                }
            }
            int rc = escape(p, sb);
            if (rc != 0)
                return rc;
            continue;
        }
        unsigned char u = (unsigned char)c;
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return FAIL(p, "control character 0x%02x in a string", u);
        if (strbuf_addch(sb, c))
            return nomem(p);
        p->pos++;
    }
}

static int is_bare(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* One key part (bare or quoted) into sb. */
static int key_part(struct parser *p, struct strbuf *sb)
{
    char c = peek(p);
    if (c == '"' || c == '\'') {
        int rc = string(p, sb, 0);
        if (rc != 0)
            return rc;
    } else {
        size_t s = p->pos;
        while (p->pos < p->len && is_bare(p->s[p->pos]))
            p->pos++;
        if (p->pos == s)
            return at_end(p) ? FAIL(p, "expected a key")
                             : FAIL(p, "unexpected '%c' (expected a key)", c);
        if (strbuf_add(sb, p->s + s, p->pos - s))
            return nomem(p);
    }
    if (sb->len > TOML_MAX_KEY)
        return fail_at(p, STRATA_ELIMIT, p->pos, "key longer than %d bytes", TOML_MAX_KEY);
    return 0;
}

struct key_path {
    char *parts[TOML_MAX_DEPTH];
    size_t pos[TOML_MAX_DEPTH];
    size_t n;
};

/* A dotted key into kp (parts live in the arena). Stops before the '=' or ']'. */
static int dotted_key(struct parser *p, struct key_path *kp)
{
    kp->n = 0;
    for (;;) {
        skip_ws(p);
        if (kp->n >= TOML_MAX_DEPTH)
            return fail_at(p, STRATA_ELIMIT, p->pos, "more than %d key parts", TOML_MAX_DEPTH);
        struct strbuf sb = STRBUF_INIT;
        size_t at = p->pos;
        int rc = key_part(p, &sb);
        if (rc == 0 && sb.buf == NULL && strbuf_add(&sb, "", 0))
            rc = nomem(p);
        if (rc == 0) {
            kp->parts[kp->n] = arena_strndup(&p->doc->a, sb.buf, sb.len);
            kp->pos[kp->n] = at;
            if (kp->parts[kp->n] == NULL)
                rc = nomem(p);
            kp->n++;
        }
        strbuf_release(&sb);
        if (rc != 0)
            return rc;
        skip_ws(p);
        if (peek(p) != '.')
            return 0;
        p->pos++;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Values                                                                                    */

static int value(struct parser *p, struct toml_node **out);

static int digits_ok(const char *s, size_t n, int (*isdig)(char))
{
    /* Underscores only between two digits. */
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_') {
            if (i == 0 || i + 1 == n || !isdig(s[i - 1]) || !isdig(s[i + 1]))
                return 0;
        } else if (!isdig(s[i])) {
            return 0;
        }
    }
    return 1;
}

static int is_dec(char c)
{
    return c >= '0' && c <= '9';
}
static int is_hex(char c)
{
    return hex_digit_value(c) >= 0;
}
static int is_oct(char c)
{
    return c >= '0' && c <= '7';
}
static int is_bin(char c)
{
    return c == '0' || c == '1';
}

/* Copies s without underscores into buf (cap >= n + 1). */
static void strip_us(const char *s, size_t n, char *buf)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            buf[k++] = s[i];
    buf[k] = '\0';
}

static int looks_datetime(const char *s, size_t n)
{
    if (n >= 10 && is_dec(s[0]) && is_dec(s[1]) && is_dec(s[2]) && is_dec(s[3]) && s[4] == '-' &&
        is_dec(s[5]) && is_dec(s[6]) && s[7] == '-' && is_dec(s[8]) && is_dec(s[9]))
        return 1;
    return n >= 5 && is_dec(s[0]) && is_dec(s[1]) && s[2] == ':' && is_dec(s[3]) && is_dec(s[4]);
}

static int scalar(struct parser *p, struct toml_node **out)
{
    size_t start = p->pos;
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (is_bare(c) || c == '.' || c == '+' || c == ':')
            p->pos++;
        else
            break;
    }
    const char *s = p->s + start;
    size_t n = p->pos - start;
    if (n == 0 && at_end(p))
        return FAIL(p, "expected a value");
    if (n == 0)
        return FAIL(p, "unexpected '%c' (expected a value)", peek(p));
    if (n > 128)
        return fail_at(p, STRATA_EFORMAT, start, "value too long (%zu bytes)", n);
    struct toml_node *v;
    if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 5 && memcmp(s, "false", 5) == 0)) {
        if ((v = node_new(p, TOML_BOOL, start)) == NULL)
            return p->err->code;
        v->i = n == 4;
        *out = v;
        return 0;
    }
    if (looks_datetime(s, n)) {
        /* A space may separate the date from the time: "1979-05-27 07:32:00Z". */
        if (n == 10 && p->pos + 3 < p->len && p->s[p->pos] == ' ' && is_dec(p->s[p->pos + 1]) &&
            is_dec(p->s[p->pos + 2]) && p->s[p->pos + 3] == ':') {
            p->pos++;
            while (p->pos < p->len && (is_bare(p->s[p->pos]) || p->s[p->pos] == '.' ||
                                       p->s[p->pos] == '+' || p->s[p->pos] == ':'))
                p->pos++;
            n = p->pos - start;
        }
        for (size_t i = 0; i < n; i++)
            if (!(is_dec(s[i]) || strchr("-:.+TtZz ", s[i])))
                return fail_at(p, STRATA_EFORMAT, start, "bad date or time '%.*s'", (int)n, s);
        if ((v = node_new(p, TOML_DATETIME, start)) == NULL)
            return p->err->code;
        v->str = arena_strndup(&p->doc->a, s, n);
        v->str_len = n;
        if (v->str == NULL)
            return nomem(p);
        *out = v;
        return 0;
    }
    char buf[130];
    const char *b = s;
    size_t bn = n;
    int neg = 0;
    if (*b == '+' || *b == '-') {
        neg = *b == '-';
        b++;
        bn--;
    }
    if ((bn == 3 && (memcmp(b, "inf", 3) == 0 || memcmp(b, "nan", 3) == 0))) {
        if ((v = node_new(p, TOML_FLOAT, start)) == NULL)
            return p->err->code;
        v->f = b[0] == 'i' ? (neg ? -INFINITY : INFINITY) : NAN;
        *out = v;
        return 0;
    }
    if (bn > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'o' || b[1] == 'b')) {
        int base = b[1] == 'x' ? 16 : b[1] == 'o' ? 8 : 2;
        if (b != s || !digits_ok(b + 2, bn - 2, base == 16 ? is_hex : base == 8 ? is_oct : is_bin))
            return fail_at(p, STRATA_EFORMAT, start, "bad integer '%.*s'", (int)n, s);
        strip_us(b + 2, bn - 2, buf);
        errno = 0;
        unsigned long long u = strtoull(buf, NULL, base);
        if (errno != 0 || u > INT64_MAX)
            return fail_at(p, STRATA_EFORMAT, start, "integer '%.*s' out of range", (int)n, s);
        if ((v = node_new(p, TOML_INTEGER, start)) == NULL)
            return p->err->code;
        v->i = (int64_t)u;
        *out = v;
        return 0;
    }
    /* Decimal integer or float: int-part [frac] [exp]. */
    size_t ip = 0;
    while (ip < bn && (is_dec(b[ip]) || b[ip] == '_'))
        ip++;
    if (!digits_ok(b, ip, is_dec) || (ip > 1 && b[0] == '0'))
        return fail_at(p, STRATA_EFORMAT, start, "bad number '%.*s'", (int)n, s);
    size_t k = ip;
    int is_float = 0;
    if (k < bn && b[k] == '.') {
        size_t f = ++k;
        while (k < bn && (is_dec(b[k]) || b[k] == '_'))
            k++;
        if (!digits_ok(b + f, k - f, is_dec))
            return fail_at(p, STRATA_EFORMAT, start, "bad number '%.*s'", (int)n, s);
        is_float = 1;
    }
    if (k < bn && (b[k] == 'e' || b[k] == 'E')) {
        k++;
        if (k < bn && (b[k] == '+' || b[k] == '-'))
            k++;
        size_t e = k;
        while (k < bn && (is_dec(b[k]) || b[k] == '_'))
            k++;
        if (!digits_ok(b + e, k - e, is_dec))
            return fail_at(p, STRATA_EFORMAT, start, "bad number '%.*s'", (int)n, s);
        is_float = 1;
    }
    if (k != bn)
        return fail_at(p, STRATA_EFORMAT, start, "bad value '%.*s'", (int)n, s);
    strip_us(s, n, buf);
    errno = 0;
    if (is_float) {
        if ((v = node_new(p, TOML_FLOAT, start)) == NULL)
            return p->err->code;
        v->f = strtod(buf, NULL);
    } else {
        long long ll = strtoll(buf, NULL, 10);
        if (errno != 0)
            return fail_at(p, STRATA_EFORMAT, start, "integer '%.*s' out of range", (int)n, s);
        if ((v = node_new(p, TOML_INTEGER, start)) == NULL)
            return p->err->code;
        v->i = ll;
    }
    *out = v;
    return 0;
}

static int enter(struct parser *p)
{
    if (++p->depth > TOML_MAX_DEPTH)
        return FAIL(p, "nested deeper than %d", TOML_MAX_DEPTH);
    return 0;
}

static int array(struct parser *p, struct toml_node **out)
{
    struct toml_node *a = node_new(p, TOML_ARRAY, p->pos);
    if (a == NULL)
        return p->err->code;
    a->flags = F_INLINE;
    int rc = enter(p);
    if (rc != 0)
        return rc;
    p->pos++;
    for (;;) {
        if ((rc = skip_ws_nl(p)) != 0)
            return rc;
        if (peek(p) == ']') {
            p->pos++;
            break;
        }
        struct toml_node *v;
        if ((rc = value(p, &v)) != 0 || (rc = node_append(p, a, v)) != 0)
            return rc;
        if ((rc = skip_ws_nl(p)) != 0)
            return rc;
        if (peek(p) == ',') {
            p->pos++;
            continue;
        }
        if (peek(p) == ']') {
            p->pos++;
            break;
        }
        return at_end(p) ? FAIL(p, "unterminated array")
                         : FAIL(p, "expected ',' or ']' in an array");
    }
    p->depth--;
    *out = a;
    return 0;
}

static int keyval(struct parser *p, struct toml_node *table);

static int inline_table(struct parser *p, struct toml_node **out)
{
    struct toml_node *t = node_new(p, TOML_TABLE, p->pos);
    if (t == NULL)
        return p->err->code;
    int rc = enter(p);
    if (rc != 0)
        return rc;
    p->pos++;
    for (;;) {
        if ((rc = skip_ws_nl(p)) != 0)
            return rc;
        if (peek(p) == '}') {
            p->pos++;
            break;
        }
        if (at_end(p))
            return FAIL(p, "unterminated inline table");
        if ((rc = keyval(p, t)) != 0)
            return rc;
        if ((rc = skip_ws_nl(p)) != 0)
            return rc;
        if (peek(p) == ',') {
            p->pos++;
            continue;
        }
        if (peek(p) == '}') {
            p->pos++;
            break;
        }
        return at_end(p) ? FAIL(p, "unterminated inline table")
                         : FAIL(p, "expected ',' or '}' in an inline table");
    }
    t->flags |= F_INLINE;
    p->depth--;
    *out = t;
    return 0;
}

static int value(struct parser *p, struct toml_node **out)
{
    char c = peek(p);
    if (c == '"' || c == '\'') {
        size_t start = p->pos;
        unsigned line = p->line, col = col_at(p, start);
        struct strbuf sb = STRBUF_INIT;
        int rc = string(p, &sb, 1);
        if (rc != 0) {
            strbuf_release(&sb);
            return rc;
        }
        struct toml_node *v = node_new(p, TOML_STRING, start);
        if (v == NULL) {
            strbuf_release(&sb);
            return p->err->code;
        }
        v->line = line;
        v->col = col;
        v->str = arena_strndup(&p->doc->a, sb.buf ? sb.buf : "", sb.len);
        v->str_len = sb.len;
        strbuf_release(&sb);
        if (v->str == NULL)
            return nomem(p);
        *out = v;
        return 0;
    }
    if (c == '[')
        return array(p, out);
    if (c == '{')
        return inline_table(p, out);
    return scalar(p, out);
}

/* Walks the parts of a dotted key below table t, creating tables as needed; for key/value
 * pairs (hdr == 0) the intermediates are dotted tables, for headers implicit ones. */
static int walk(struct parser *p, struct toml_node *t, const struct key_path *kp, size_t upto,
                int hdr, struct toml_node **out)
{
    for (size_t i = 0; i < upto; i++) {
        int rc;
        struct toml_node *m = member_get(p, t, kp->parts[i], &rc);
        if (rc != 0)
            return rc;
        if (m == NULL) {
            if ((m = node_new(p, TOML_TABLE, kp->pos[i])) == NULL)
                return p->err->code;
            m->flags = hdr ? F_IMPLICIT : F_DOTTED;
            if ((rc = member_put(p, t, kp->parts[i], m)) != 0)
                return rc;
        } else if (m->type == TOML_ARRAY && (m->flags & F_AOT) && hdr && m->n > 0) {
            m = m->items[m->n - 1];
        } else if (m->type != TOML_TABLE || (m->flags & F_INLINE) ||
                   (!hdr && (m->flags & (F_EXPLICIT | F_IMPLICIT)))) {
            return fail_at(p, STRATA_EFORMAT, kp->pos[i], "key \"%s\" is already defined",
                           kp->parts[i]);
        }
        t = m;
    }
    *out = t;
    return 0;
}

static int keyval(struct parser *p, struct toml_node *table)
{
    struct key_path kp;
    int rc = dotted_key(p, &kp);
    if (rc != 0)
        return rc;
    if (peek(p) != '=')
        return at_end(p) ? FAIL(p, "expected '=' after a key")
                         : FAIL(p, "unexpected '%c' (expected '=' after a key)", peek(p));
    p->pos++;
    skip_ws(p);
    if (kp.n > 1 && (rc = enter(p)) != 0)
        return rc;
    struct toml_node *t;
    if ((rc = walk(p, table, &kp, kp.n - 1, 0, &t)) != 0)
        return rc;
    struct toml_node *old = member_get(p, t, kp.parts[kp.n - 1], &rc);
    if (rc != 0)
        return rc;
    if (old != NULL)
        return fail_at(p, STRATA_EFORMAT, kp.pos[kp.n - 1], "duplicate key \"%s\" (first at %u:%u)",
                       kp.parts[kp.n - 1], old->line, old->col);
    struct toml_node *v;
    if ((rc = value(p, &v)) != 0)
        return rc;
    if (kp.n > 1)
        p->depth--;
    return member_put(p, t, kp.parts[kp.n - 1], v);
}

static int header(struct parser *p, struct toml_node **current)
{
    size_t start = p->pos;
    int aot = p->pos + 1 < p->len && p->s[p->pos + 1] == '[';
    p->pos += aot ? 2 : 1;
    struct key_path kp;
    int rc = dotted_key(p, &kp);
    if (rc != 0)
        return rc;
    if (peek(p) != ']' || (aot && (p->pos + 1 >= p->len || p->s[p->pos + 1] != ']')))
        return FAIL(p, aot ? "expected ']]' closing a header" : "expected ']' closing a header");
    p->pos += aot ? 2 : 1;
    struct toml_node *t;
    if ((rc = walk(p, p->doc->root, &kp, kp.n - 1, 1, &t)) != 0)
        return rc;
    const char *last = kp.parts[kp.n - 1];
    struct toml_node *m = member_get(p, t, last, &rc);
    if (rc != 0)
        return rc;
    if (aot) {
        if (m == NULL) {
            if ((m = node_new(p, TOML_ARRAY, start)) == NULL)
                return p->err->code;
            m->flags = F_AOT;
            if ((rc = member_put(p, t, last, m)) != 0)
                return rc;
        } else if (m->type != TOML_ARRAY || !(m->flags & F_AOT)) {
            return fail_at(p, STRATA_EFORMAT, start, "\"%s\" is already defined at %u:%u", last,
                           m->line, m->col);
        }
        struct toml_node *e = node_new(p, TOML_TABLE, start);
        if (e == NULL)
            return p->err->code;
        e->flags = F_EXPLICIT;
        if ((rc = node_append(p, m, e)) != 0)
            return rc;
        *current = e;
        return 0;
    }
    if (m == NULL) {
        if ((m = node_new(p, TOML_TABLE, start)) == NULL)
            return p->err->code;
        if ((rc = member_put(p, t, last, m)) != 0)
            return rc;
    } else if (m->type != TOML_TABLE || !(m->flags & F_IMPLICIT)) {
        return fail_at(p, STRATA_EFORMAT, start, "table \"%s\" is already defined at %u:%u", last,
                       m->line, m->col);
    }
    m->flags = F_EXPLICIT;
    m->line = p->line;
    m->col = col_at(p, start);
    *current = m;
    return 0;
}

int toml_parse(const uint8_t *data, size_t len, const char *path, struct toml_doc **out,
               struct strata_error *err)
{
    *out = NULL;
    int rc = input_size_check(path, len, TOML_MAX_FILE, err);
    if (rc != 0)
        return rc;
    const uint8_t *nul = len ? memchr(data, 0, len) : NULL;
    size_t bad = nul ? (size_t)(nul - data) : toml_utf8_check(data, len);
    if (bad < len) {
        size_t line, col;
        text_position(data, len, bad, &line, &col);
        return strata_error_set(err, STRATA_EFORMAT, "%s:%zu:%zu: %s", path, line, col,
                                nul ? "NUL byte" : "invalid UTF-8");
    }
    struct toml_doc *doc = calloc(1, sizeof *doc);
    if (doc == NULL)
        return strata_error_nomem(err);
    struct parser p = {(const char *)data, len, 0, 1, 0, 0, path, doc, err};
    doc->root = node_new(&p, TOML_TABLE, 0);
    if (doc->root == NULL)
        rc = err->code;
    else
        doc->root->flags = F_EXPLICIT;
    /* A UTF-8 byte order mark is tolerated at the very start. */
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        p.pos = p.line_start = 3;
    struct toml_node *cur = doc->root;
    while (rc == 0) {
        if ((rc = skip_ws_nl(&p)) != 0 || at_end(&p))
            break;
        if (peek(&p) == '[')
            rc = header(&p, &cur);
        else
            rc = keyval(&p, cur);
        if (rc == 0)
            rc = expect_eol(&p);
    }
    if (rc != 0) {
        toml_free(doc);
        return rc;
    }
    *out = doc;
    return 0;
}
