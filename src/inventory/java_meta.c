/* The text inside Java archives: pom.properties (java.util.Properties syntax), the main
 * section of META-INF/MANIFEST.MF, and artifact names spelled in file names. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hexdigit.h"
#include "core/strbuf.h"
#include "core/strmap.h"
#include "inventory/java_archive.h"

void java_kv_list_free(struct java_kv_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        free(l->v[i].value);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

const char *java_kv_get(const struct java_kv_list *l, const char *key, int nocase)
{
    for (size_t i = 0; i < l->n; i++)
        if ((nocase ? strcasecmp(l->v[i].key, key) : strcmp(l->v[i].key, key)) == 0)
            return l->v[i].value;
    return NULL;
}

/* Adds key=value, or replaces the value of an existing key (index kept in seen, whose keys
 * are the list's own strings). Takes ownership of key and value in every case. */
static int kv_put(struct java_kv_list *l, struct strmap *seen, char *key, char *value,
                  const char *path, size_t line, struct strata_error *err)
{
    void *hit = strmap_get(seen, key);
    if (hit != NULL) {
        size_t i = (size_t)(uintptr_t)hit - 1;
        free(l->v[i].value);
        l->v[i].value = value;
        free(key);
        return 0;
    }
    if (l->n >= JAVA_MAX_KV) {
        free(key);
        free(value);
        return strata_error_set(err, STRATA_ELIMIT, "%s:%zu: more than %u keys", path, line,
                                JAVA_MAX_KV);
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct java_kv *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            free(key);
            free(value);
            return strata_error_nomem(err);
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n] = (struct java_kv){key, value};
    if (strmap_put(seen, key, (void *)(uintptr_t)(l->n + 1)) != 0) {
        free(key);
        free(value);
        return strata_error_nomem(err);
    }
    l->n++;
    return 0;
}

/* ---- properties ---- */

static int is_prop_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

static int hex4(const char *s, size_t n, unsigned *out)
{
    if (n < 4)
        return -1;
    unsigned v = 0;
    for (size_t i = 0; i < 4; i++) {
        int d = hex_digit_value(s[i]);
        if (d < 0)
            return -1;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

/* Unescapes s[0..n) (ISO-8859-1 bytes with Java escapes) into a new UTF-8 string. \uXXXX are
 * UTF-16 code units: a valid surrogate pair becomes one code point, a lone surrogate U+FFFD. */
static int prop_unescape(const char *s, size_t n, const char *path, size_t line, char **out,
                         struct strata_error *err)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n;) {
        unsigned char c = (unsigned char)s[i++];
        unsigned cp = c;
        if (c == '\\' && i < n) {
            c = (unsigned char)s[i++];
            cp = c;
            if (c == 't')
                cp = '\t';
            else if (c == 'n')
                cp = '\n';
            else if (c == 'r')
                cp = '\r';
            else if (c == 'f')
                cp = '\f';
            else if (c == 'u') {
                if (hex4(s + i, n - i, &cp) != 0) {
                    strbuf_release(&sb);
                    return strata_error_set(err, STRATA_EFORMAT, "%s:%zu: malformed \\uxxxx escape",
                                            path, line);
                }
                i += 4;
                if (cp >= 0xd800 && cp < 0xdc00) {
                    unsigned lo;
                    if (n - i >= 6 && s[i] == '\\' && s[i + 1] == 'u' &&
                        hex4(s + i + 2, n - i - 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        i += 6;
                    } else {
                        cp = 0xfffd;
                    }
                } else if (cp >= 0xdc00 && cp < 0xe000) {
                    cp = 0xfffd;
                }
            }
        } else if (c == '\\') {
            continue; /* a lone backslash at the very end of the file */
        }
        if (cp == 0) {
            strbuf_release(&sb);
            return strata_error_set(err, STRATA_EFORMAT, "%s:%zu: NUL in a key or value", path,
                                    line);
        }
        rc = strbuf_add_utf8(&sb, cp);
    }
    if (rc != 0 || (*out = strbuf_detach(&sb)) == NULL) {
        strbuf_release(&sb);
        return strata_error_nomem(err);
    }
    return 0;
}

/* Splits one logical line (escapes still in) into key and value as Properties.load does. */
static int prop_line(struct java_kv_list *out, struct strmap *seen, const char *s, size_t n,
                     const char *path, size_t line, struct strata_error *err)
{
    size_t k = 0;
    int sep = 0; /* the key ended at '=' or ':' */
    while (k < n) {
        unsigned char c = (unsigned char)s[k];
        if (c == '\\') {
            k += 2;
            continue;
        }
        if (c == '=' || c == ':') {
            sep = 1;
            break;
        }
        if (is_prop_space(c))
            break;
        k++;
    }
    if (k > n)
        k = n;
    size_t v = k;
    if (v < n)
        v++; /* the terminator itself */
    while (v < n && is_prop_space((unsigned char)s[v]))
        v++;
    if (!sep && v < n && (s[v] == '=' || s[v] == ':')) {
        v++;
        while (v < n && is_prop_space((unsigned char)s[v]))
            v++;
    }
    char *key = NULL, *value = NULL;
    int rc = prop_unescape(s, k, path, line, &key, err);
    if (rc == 0)
        rc = prop_unescape(s + v, n - v, path, line, &value, err);
    if (rc != 0) {
        free(key);
        return rc;
    }
    return kv_put(out, seen, key, value, path, line, err);
}

static int is_eol(char c)
{
    return c == '\n' || c == '\r';
}

/* Moves past the line terminator at *pos (\r\n, \r or \n) and counts the line. */
static void skip_eol(const char *s, size_t len, size_t *pos, size_t *line)
{
    if (*pos < len && s[*pos] == '\r')
        (*pos)++;
    else if (*pos < len && s[*pos] == '\n') {
        (*pos)++;
        (*line)++;
        return;
    }
    if (*pos < len && s[*pos] == '\n')
        (*pos)++;
    (*line)++;
}

int java_properties_parse(const uint8_t *data, size_t len, const char *path,
                          struct java_kv_list *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    const char *s = (const char *)data;
    struct strmap seen = STRMAP_INIT;
    struct strbuf logical = STRBUF_INIT;
    size_t pos = 0, line = 1;
    int rc = 0;
    while (rc == 0 && pos < len) {
        while (pos < len && is_prop_space((unsigned char)s[pos]))
            pos++;
        if (pos >= len)
            break;
        if (is_eol(s[pos])) {
            skip_eol(s, len, &pos, &line);
            continue;
        }
        if (s[pos] == '#' || s[pos] == '!') {
            while (pos < len && !is_eol(s[pos]))
                pos++;
            skip_eol(s, len, &pos, &line);
            continue;
        }
        size_t start_line = line;
        strbuf_reset(&logical);
        for (;;) {
            size_t b = pos;
            while (pos < len && !is_eol(s[pos]))
                pos++;
            size_t slashes = 0;
            while (slashes < pos - b && s[pos - 1 - slashes] == '\\')
                slashes++;
            int cont = slashes % 2 == 1;
            if (strbuf_add(&logical, s + b, pos - b - (cont ? 1 : 0)) != 0) {
                rc = strata_error_nomem(err);
                break;
            }
            if (pos >= len)
                break;
            skip_eol(s, len, &pos, &line);
            if (!cont)
                break;
            while (pos < len && is_prop_space((unsigned char)s[pos]))
                pos++;
        }
        if (rc == 0)
            rc = prop_line(out, &seen, logical.buf ? logical.buf : "", logical.len, path,
                           start_line, err);
    }
    strbuf_release(&logical);
    strmap_release(&seen);
    if (rc != 0)
        java_kv_list_free(out);
    return rc;
}

/* ---- manifest ---- */

static int is_header_char(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '_';
}

/* Lowercased copy of a header name, the key of the duplicate map (Java names are
 * case-insensitive). */
static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    for (char *p = d; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

/* Adds a finished header; a later duplicate (any case) replaces the value, as Java's
 * Attributes.putValue does. */
static int manifest_put(struct java_kv_list *out, struct strmap *seen, char **lowered,
                        size_t *n_lowered, struct strbuf *name, struct strbuf *value,
                        const char *path, size_t line, struct strata_error *err)
{
    char *k = strbuf_detach(name), *v = strbuf_detach(value);
    char *lk = k ? lower_dup(k) : NULL;
    if (k == NULL || v == NULL || lk == NULL) {
        free(k);
        free(v);
        free(lk);
        return strata_error_nomem(err);
    }
    void *hit = strmap_get(seen, lk);
    if (hit != NULL) {
        size_t i = (size_t)(uintptr_t)hit - 1;
        free(out->v[i].value);
        out->v[i].value = v;
        free(k);
        free(lk);
        return 0;
    }
    struct strmap none = STRMAP_INIT;
    int rc = kv_put(out, &none, k, v, path, line, err);
    strmap_release(&none);
    if (rc != 0) {
        free(lk);
        return rc;
    }
    lowered[(*n_lowered)++] = lk;
    if (strmap_put(seen, lk, (void *)(uintptr_t)out->n) != 0)
        return strata_error_nomem(err);
    return 0;
}

int java_manifest_parse(const uint8_t *data, size_t len, const char *path, struct java_kv_list *out,
                        struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    const char *s = (const char *)data;
    size_t pos = 0, line = 1;
    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        pos = 3; /* a BOM some editors write */
    struct strmap seen = STRMAP_INIT;
    char **lowered = calloc(JAVA_MAX_KV + 1, sizeof *lowered);
    size_t n_lowered = 0;
    struct strbuf name = STRBUF_INIT, value = STRBUF_INIT;
    int have = 0, rc = lowered ? 0 : strata_error_nomem(err);
    size_t have_line = 0;
    while (rc == 0 && pos < len) {
        size_t b = pos;
        while (pos < len && !is_eol(s[pos]) && s[pos] != '\0')
            pos++;
        if (pos < len && s[pos] == '\0') {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%zu: NUL byte", path, line);
            break;
        }
        const char *l = s + b;
        size_t n = pos - b;
        if (n == 0)
            break; /* the end of the main section */
        if (l[0] == ' ') {
            if (!have) {
                rc = strata_error_set(err, STRATA_EFORMAT,
                                      "%s:%zu: continuation line without a header", path, line);
                break;
            }
            if (strbuf_add(&value, l + 1, n - 1) != 0)
                rc = strata_error_nomem(err);
        } else {
            if (have)
                rc = manifest_put(out, &seen, lowered, &n_lowered, &name, &value, path, have_line,
                                  err);
            have = 0;
            size_t k = 0;
            while (k < n && is_header_char((unsigned char)l[k]))
                k++;
            if (rc == 0 && (k == 0 || k > 70 || k >= n || l[k] != ':')) {
                rc = strata_error_set(err, STRATA_EFORMAT, "%s:%zu: not a \"Name: value\" header",
                                      path, line);
                break;
            }
            size_t v = k + 1;
            if (v < n && l[v] == ' ')
                v++;
            if (rc == 0 && (strbuf_add(&name, l, k) != 0 || strbuf_add(&value, l + v, n - v) != 0))
                rc = strata_error_nomem(err);
            have = 1;
            have_line = line;
        }
        skip_eol(s, len, &pos, &line);
    }
    if (rc == 0 && have)
        rc = manifest_put(out, &seen, lowered, &n_lowered, &name, &value, path, have_line, err);
    strbuf_release(&name);
    strbuf_release(&value);
    strmap_release(&seen);
    for (size_t i = 0; i < n_lowered; i++)
        free(lowered[i]);
    free(lowered);
    if (rc != 0)
        java_kv_list_free(out);
    return rc;
}

/* ---- file names ---- */

static const char *const archive_ext[] = {".jar", ".war", ".ear", ".jpi", ".hpi"};

int java_is_archive_name(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof archive_ext / sizeof *archive_ext; i++)
        if (n > 4 && strcasecmp(name + n - 4, archive_ext[i]) == 0)
            return 1;
    return 0;
}

/* Classifiers Maven repositories commonly publish beside the main artifact; dropped from the
 * version a file name spells. Others stay in the version (they cannot be told apart from
 * version qualifiers such as guava's "31.1-jre"). */
static const char *const classifiers[] = {
    "-sources",        "-javadoc",    "-tests",
    "-test-sources",   "-shaded",     "-all",
    "-uber",           "-standalone", "-jar-with-dependencies",
    "-exec",           "-boot",       "-linux-x86_64",
    "-linux-aarch_64", "-osx-x86_64", "-osx-aarch_64",
    "-windows-x86_64",
};

int java_name_from_file(const char *base, char **artifact_id, char **version)
{
    *artifact_id = *version = NULL;
    size_t n = strlen(base);
    if (java_is_archive_name(base))
        n -= 4;
    size_t dash = 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (base[i] == '-' && isdigit((unsigned char)base[i + 1])) {
            dash = i;
            break;
        }
    if (dash == 0)
        return STRATA_ENOTFOUND;
    size_t vlen = n - dash - 1;
    for (size_t i = 0; i < sizeof classifiers / sizeof *classifiers; i++) {
        size_t cl = strlen(classifiers[i]);
        if (vlen > cl && strncasecmp(base + dash + 1 + vlen - cl, classifiers[i], cl) == 0) {
            vlen -= cl;
            break;
        }
    }
    *artifact_id = strndup(base, dash);
    *version = strndup(base + dash + 1, vlen);
    if (*artifact_id == NULL || *version == NULL) {
        free(*artifact_id);
        free(*version);
        *artifact_id = *version = NULL;
        return STRATA_ENOMEM;
    }
    return 0;
}
