/* Gemspec line scanner and Gemfile.lock reader; see ruby_parse.h.
 *
 * Gemspecs: RubyGems writes one assignment per line inside
 * `Gem::Specification.new do |s| … end`, values being String#inspect literals with .freeze
 * ("rake".freeze), arrays of them (["MIT".freeze]), or, in files from old RubyGems, %q{…}
 * literals. Only s.name, s.version, s.platform and s.licenses / s.license are read; anything
 * that is not such a literal is ignored (never evaluated). Real files carry NUL bytes in the
 * "# stub:" comment (extension paths joined by NUL), so lines are not refused for them.
 *
 * Gemfile.lock, as Bundler writes it: sections start at column 0 (GEM, GIT, PATH, PLATFORMS,
 * DEPENDENCIES, RUBY VERSION, BUNDLED WITH, CHECKSUMS, PLUGIN SOURCE); in source sections
 * 2-space lines are "key: value" or "specs:", 4-space lines "name (version[-platform])" and
 * 6-space lines that spec's dependencies; DEPENDENCIES lists "name[!] [(requirements)]". The
 * platform is everything after the first '-' of the parenthesized version, as Bundler's own
 * lockfile parser splits it. */
#include "inventory/ruby_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hexdigit.h"
#include "core/input_size.h"
#include "core/strbuf.h"
#include "core/strmap.h"

int ruby_valid_gem_name(const char *s, size_t n)
{
    if (n == 0 || n > RUBY_MAX_FIELD)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

/* A version or platform as RubyGems spells them: no blanks, quotes, parentheses or commas. */
static int valid_token(const char *s, size_t n)
{
    if (n == 0 || n > RUBY_MAX_FIELD)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c >= 0x7f || strchr("\"'(),[]{}<>\\#", c) != NULL)
            return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------------------------------- */
/* Ruby string literals                                                                      */

struct cursor {
    const char *p, *end;
    const char *line; /* start of the current line, for columns */
    size_t lineno;
    const char *path;
};

static int cur_err(const struct cursor *c, const char *at, const char *what,
                   struct strata_error *err)
{
    return strata_error_set(err, STRATA_EFORMAT, "%s:%zu:%zu: %s", c->path, c->lineno,
                            (size_t)(at - c->line) + 1, what);
}

/* Escapes of a double-quoted literal after the backslash at *pp. */
static int dq_escape(struct cursor *c, const char **pp, struct strbuf *sb, struct strata_error *err)
{
    const char *p = *pp, *e = c->end, *bs = *pp - 1; /* errors point at the backslash */
    if (p >= e || *p == '\n')
        return cur_err(c, bs, "unterminated escape", err);
    char ch = *p++;
    static const char from[] = "ntrsabefv0", to[] = "\n\t\r \a\b\x1b\f\v";
    const char *m = strchr(from, ch);
    int rc = 0;
    if (m != NULL && ch != '\0') {
        rc = ch == '0' ? strbuf_addch(sb, '\0') : strbuf_addch(sb, to[m - from]);
    } else if (ch == 'u') {
        unsigned long cp = 0;
        if (p < e && *p == '{') {
            const char *q = ++p;
            while (p < e && hex_digit_value(*p) >= 0 && p - q < 6)
                cp = cp * 16 + (unsigned long)hex_digit_value(*p++);
            if (p == q || p >= e || *p != '}')
                return cur_err(c, bs, "malformed \\u{} escape", err);
            p++;
        } else {
            for (int i = 0; i < 4; i++) {
                if (p >= e || hex_digit_value(*p) < 0)
                    return cur_err(c, bs, "malformed \\u escape", err);
                cp = cp * 16 + (unsigned long)hex_digit_value(*p++);
            }
        }
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return cur_err(c, bs, "\\u escape outside Unicode", err);
        rc = strbuf_add_utf8(sb, (uint32_t)cp);
    } else if (ch == 'x') {
        int v = 0, k = 0;
        while (k < 2 && p < e && hex_digit_value(*p) >= 0)
            v = v * 16 + hex_digit_value(*p++), k++;
        if (k == 0)
            return cur_err(c, bs, "malformed \\x escape", err);
        rc = strbuf_addch(sb, (char)v);
    } else {
        rc = strbuf_addch(sb, ch); /* \\ \" \# and the rest stand for themselves */
    }
    *pp = p;
    return rc ? strata_error_nomem(err) : 0;
}

static char closing(char open)
{
    switch (open) {
    case '(':
        return ')';
    case '[':
        return ']';
    case '{':
        return '}';
    case '<':
        return '>';
    default:
        return open;
    }
}

/* Reads one string literal at c->p ("…", '…', %q…, %Q…, %(…)) into *out and moves c->p past
 * it and an optional .freeze. Returns 0, 1 when c->p is not at a literal (nothing read), or an
 * error. Literals stay on one line: RubyGems escapes newlines. */
static int read_literal(struct cursor *c, char **out, struct strata_error *err)
{
    const char *p = c->p, *e = c->end, *start = p;
    char open, close;
    int interp;
    if (p >= e)
        return 1;
    if (*p == '"' || *p == '\'') {
        open = close = *p;
        interp = *p == '"';
        p++;
    } else if (*p == '%' && p + 1 < e && (p[1] == 'q' || p[1] == 'Q') && p + 2 < e &&
               strchr("([{<|!/", p[2]) != NULL && p[2] != '\0') {
        interp = p[1] == 'Q';
        open = p[2];
        close = closing(open);
        p += 3;
    } else if (*p == '%' && p + 1 < e && strchr("([{<", p[1]) != NULL && p[1] != '\0') {
        interp = 1;
        open = p[1];
        close = closing(open);
        p += 2;
    } else {
        return 1;
    }
    struct strbuf sb = STRBUF_INIT;
    int depth = 0, rc = 0;
    for (;;) {
        if (p >= e || *p == '\n') {
            rc = cur_err(c, start, "unterminated string literal", err);
            break;
        }
        if (sb.len > RUBY_MAX_FIELD) {
            rc =
                strata_error_set(err, STRATA_ELIMIT, "%s:%zu:%zu: string longer than %u bytes",
                                 c->path, c->lineno, (size_t)(start - c->line) + 1, RUBY_MAX_FIELD);
            break;
        }
        char ch = *p;
        if (ch == '\\') {
            p++;
            if (interp) {
                if ((rc = dq_escape(c, &p, &sb, err)) != 0)
                    break;
                continue;
            }
            /* non-interpolating: only \\ and \<delimiter> are escapes */
            if (p < e && (*p == '\\' || *p == close || *p == open)) {
                rc = strbuf_addch(&sb, *p++) ? strata_error_nomem(err) : 0;
            } else {
                rc = strbuf_addch(&sb, '\\') ? strata_error_nomem(err) : 0;
            }
            if (rc)
                break;
            continue;
        }
        if (interp && ch == '#' && p + 1 < e && (p[1] == '{' || p[1] == '$' || p[1] == '@')) {
            rc = cur_err(c, p, "string interpolation (code) in a literal", err);
            break;
        }
        if (open != close && ch == open) {
            depth++;
        } else if (ch == close) {
            if (depth == 0) {
                p++;
                break;
            }
            depth--;
        }
        if (strbuf_addch(&sb, ch)) {
            rc = strata_error_nomem(err);
            break;
        }
        p++;
    }
    if (rc != 0) {
        strbuf_release(&sb);
        return rc;
    }
    if ((size_t)(e - p) >= 7 && memcmp(p, ".freeze", 7) == 0)
        p += 7;
    c->p = p;
    if (memchr(sb.buf ? sb.buf : "", '\0', sb.len) != NULL) {
        strbuf_release(&sb);
        return cur_err(c, start, "NUL byte in a string literal", err);
    }
    *out = sb.buf ? strbuf_detach(&sb) : strdup("");
    return *out ? 0 : strata_error_nomem(err);
}

static void skip_blanks(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

/* ["MIT".freeze, "Ruby".freeze] -> "MIT OR Ruby" */
static int read_license_array(struct cursor *c, char **out, struct strata_error *err)
{
    const char *start = c->p;
    c->p++; /* '[' */
    struct strbuf sb = STRBUF_INIT;
    int rc = 0, n = 0;
    for (;;) {
        skip_blanks(c);
        if (c->p < c->end && *c->p == ']')
            break;
        char *lic = NULL;
        rc = read_literal(c, &lic, err);
        if (rc == 1)
            rc = cur_err(c, c->p, "licenses: not a string literal", err);
        if (rc != 0)
            break;
        if (++n > RUBY_MAX_LICENSES) {
            free(lic);
            rc = strata_error_set(err, STRATA_ELIMIT, "%s:%zu:%zu: more than %d licenses", c->path,
                                  c->lineno, (size_t)(start - c->line) + 1, RUBY_MAX_LICENSES);
            break;
        }
        if (lic[0] != '\0' && ((sb.len && strbuf_adds(&sb, " OR ")) || strbuf_adds(&sb, lic)))
            rc = strata_error_nomem(err);
        free(lic);
        if (rc)
            break;
        skip_blanks(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == ']')
            break;
        rc = cur_err(c, c->p, "licenses: expected ',' or ']'", err);
        break;
    }
    if (rc != 0) {
        strbuf_release(&sb);
        return rc;
    }
    c->p++;
    *out = sb.len ? strbuf_detach(&sb) : NULL;
    strbuf_release(&sb);
    return 0;
}

void gemspec_free(struct gemspec *g)
{
    if (g == NULL)
        return;
    free(g->name);
    free(g->version);
    free(g->platform);
    free(g->license);
    memset(g, 0, sizeof *g);
}

/* The block variable of `Gem::Specification.new do |s|`, "s" when the line is not found. */
static void spec_var(const char *d, size_t len, const char **var, size_t *vn)
{
    static const char key[] = "Gem::Specification.new do |";
    *var = "s";
    *vn = 1;
    const char *p = memmem(d, len, key, sizeof key - 1);
    if (p == NULL)
        return;
    p += sizeof key - 1;
    const char *q = p;
    while ((size_t)(q - d) < len && ((*q >= 'a' && *q <= 'z') || *q == '_' ||
                                     (*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'Z')))
        q++;
    if (q > p && (size_t)(q - d) < len && *q == '|') {
        *var = p;
        *vn = (size_t)(q - p);
    }
}

static int set_field(char **slot, char *v)
{
    free(*slot);
    *slot = v;
    return 0;
}

int ruby_parse_gemspec(const uint8_t *data, size_t len, const char *path, struct gemspec *out,
                       struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (path == NULL)
        path = "(input)";
    int rc = input_size_check(path, len, RUBY_MAX_FILE, err);
    if (rc != 0)
        return rc;
    const char *d = (const char *)data, *end = d + len;
    const char *var;
    size_t vn;
    spec_var(d, len, &var, &vn);
    struct cursor c = {d, end, d, 0, path};
    int have_licenses = 0;
    while (c.line < end) {
        const char *nl = memchr(c.line, '\n', (size_t)(end - c.line));
        const char *le = nl ? nl : end;
        c.lineno++;
        c.p = c.line;
        c.end = le;
        skip_blanks(&c);
        /* "<var>.<field> = <value>" */
        if ((size_t)(le - c.p) > vn + 1 && memcmp(c.p, var, vn) == 0 && c.p[vn] == '.') {
            const char *f = c.p + vn + 1, *fe = f;
            while (fe < le && ((*fe >= 'a' && *fe <= 'z') || *fe == '_'))
                fe++;
            size_t fl = (size_t)(fe - f);
            c.p = fe;
            skip_blanks(&c);
            if (c.p < le && *c.p == '=' && (c.p + 1 >= le || c.p[1] != '=')) {
                c.p++;
                skip_blanks(&c);
                char **slot = NULL;
                if (fl == 4 && memcmp(f, "name", 4) == 0)
                    slot = &out->name;
                else if (fl == 7 && memcmp(f, "version", 7) == 0)
                    slot = &out->version;
                else if (fl == 8 && memcmp(f, "platform", 8) == 0)
                    slot = &out->platform;
                if (slot != NULL) {
                    char *v = NULL;
                    rc = read_literal(&c, &v, err);
                    if (rc < 0)
                        return rc;
                    if (rc == 0)
                        set_field(slot, v);
                    rc = 0;
                } else if ((fl == 8 && memcmp(f, "licenses", 8) == 0) ||
                           (fl == 7 && memcmp(f, "license", 7) == 0)) {
                    char *v = NULL;
                    if (c.p < le && *c.p == '[') {
                        rc = read_license_array(&c, &v, err);
                    } else {
                        rc = read_literal(&c, &v, err);
                        if (rc == 0 && v[0] == '\0') {
                            free(v);
                            v = NULL;
                        }
                    }
                    if (rc < 0)
                        return rc;
                    /* s.licenses wins over s.license whatever the order */
                    if (rc == 0 && (f[7] == 's' || !have_licenses))
                        set_field(&out->license, v);
                    else
                        free(v);
                    if (rc == 0 && f[7] == 's')
                        have_licenses = 1;
                    rc = 0;
                }
            }
        }
        c.line = nl ? nl + 1 : end;
    }
    if (out->name == NULL || !ruby_valid_gem_name(out->name, strlen(out->name)))
        return strata_error_set(err, STRATA_EFORMAT, "%s: no valid s.name", path);
    if (out->version == NULL || !valid_token(out->version, strlen(out->version)))
        return strata_error_set(err, STRATA_EFORMAT, "%s: no valid s.version", path);
    if (out->platform != NULL && (strcmp(out->platform, "ruby") == 0 ||
                                  !valid_token(out->platform, strlen(out->platform)))) {
        free(out->platform);
        out->platform = NULL;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Gemfile.lock                                                                              */

void gem_lock_free(struct gem_lock *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].version);
        free(l->v[i].platform);
    }
    free(l->v);
    free(l->bundled_with);
    memset(l, 0, sizeof *l);
}

enum section { SEC_NONE, SEC_GEM, SEC_GIT, SEC_PATH, SEC_DEPS, SEC_BUNDLED, SEC_OTHER };

static size_t indent(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

/* "name (version[-platform])" at s (n bytes, indentation removed). */
static int lock_spec(const char *s, size_t n, const char *path, size_t lineno, size_t col,
                     enum gem_lock_source src, struct gem_lock *l, size_t *cap,
                     struct strata_error *err)
{
    const char *sp = memchr(s, ' ', n);
    if (sp == NULL || (size_t)(sp - s) + 2 >= n || sp[1] != '(' || s[n - 1] != ')')
        return strata_error_set(err, STRATA_EFORMAT, "%s:%zu:%zu: expected \"name (version)\"",
                                path, lineno, col);
    size_t nl = (size_t)(sp - s);
    if (!ruby_valid_gem_name(s, nl))
        return strata_error_set(err, STRATA_EFORMAT, "%s:%zu:%zu: invalid gem name", path, lineno,
                                col);
    const char *v = sp + 2, *ve = s + n - 1;
    const char *dash = memchr(v, '-', (size_t)(ve - v));
    const char *vend = dash ? dash : ve;
    if (!valid_token(v, (size_t)(vend - v)) ||
        (dash && !valid_token(dash + 1, (size_t)(ve - dash - 1))))
        return strata_error_set(err, STRATA_EFORMAT, "%s:%zu:%zu: invalid version", path, lineno,
                                col + nl + 2);
    if (l->n >= RUBY_MAX_LOCK_SPECS)
        return strata_error_set(err, STRATA_ELIMIT, "%s:%zu:%zu: more than %d specs", path, lineno,
                                col, RUBY_MAX_LOCK_SPECS);
    if (l->n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        struct gem_lock_spec *nv = realloc(l->v, c * sizeof *nv);
        if (nv == NULL)
            return strata_error_nomem(err);
        l->v = nv;
        *cap = c;
    }
    struct gem_lock_spec *g = &l->v[l->n++];
    memset(g, 0, sizeof *g);
    g->source = src;
    g->line = lineno;
    g->name = strndup(s, nl);
    g->version = strndup(v, (size_t)(vend - v));
    if (dash)
        g->platform = strndup(dash + 1, (size_t)(ve - dash - 1));
    if (!g->name || !g->version || (dash && !g->platform))
        return strata_error_nomem(err);
    return 0;
}

int ruby_parse_gemfile_lock(const uint8_t *data, size_t len, const char *path, struct gem_lock *out,
                            struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (path == NULL)
        path = "(input)";
    int rc = input_size_check(path, len, RUBY_MAX_FILE, err);
    if (rc != 0)
        return rc;
    const char *d = (const char *)data, *end = d + len;
    enum section sec = SEC_NONE;
    size_t cap = 0, lineno = 0, n_direct = 0, cap_direct = 0;
    struct {
        const char *s;
        size_t n;
    } *direct = NULL;
    const char *line = d;
    while (rc == 0 && line < end) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);
        const char *next = nl ? nl + 1 : end;
        lineno++;
        if (ll > 0 && line[ll - 1] == '\r')
            ll--;
        if (ll > RUBY_MAX_LOCK_LINE) {
            rc = strata_error_set(err, STRATA_ELIMIT, "%s:%zu:1: longer than %d bytes", path,
                                  lineno, RUBY_MAX_LOCK_LINE);
            break;
        }
        if (memchr(line, '\0', ll) != NULL) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%zu:%zu: NUL byte", path, lineno,
                                  (size_t)((const char *)memchr(line, '\0', ll) - line) + 1);
            break;
        }
        const char *s = line;
        line = next;
        size_t ind = indent(s, ll);
        if (ll == 0 || ind == ll) {
            sec = SEC_NONE;
            continue;
        }
        if (ind == 0) {
            if (ll == 3 && memcmp(s, "GEM", 3) == 0)
                sec = SEC_GEM;
            else if (ll == 3 && memcmp(s, "GIT", 3) == 0)
                sec = SEC_GIT;
            else if (ll == 4 && memcmp(s, "PATH", 4) == 0)
                sec = SEC_PATH;
            else if (ll == 12 && memcmp(s, "DEPENDENCIES", 12) == 0)
                sec = SEC_DEPS;
            else if (ll == 12 && memcmp(s, "BUNDLED WITH", 12) == 0)
                sec = SEC_BUNDLED;
            else
                sec = SEC_OTHER; /* PLATFORMS, RUBY VERSION, CHECKSUMS, PLUGIN SOURCE, … */
            continue;
        }
        const char *t = s + ind;
        size_t tl = ll - ind;
        if (sec == SEC_GEM || sec == SEC_GIT || sec == SEC_PATH) {
            if (ind == 2) {
                if (memchr(t, ':', tl) == NULL)
                    rc = strata_error_set(err, STRATA_EFORMAT, "%s:%zu:3: expected \"key: value\"",
                                          path, lineno);
            } else if (ind == 4) {
                enum gem_lock_source src = sec == SEC_GEM   ? GEM_LOCK_GEM
                                           : sec == SEC_GIT ? GEM_LOCK_GIT
                                                            : GEM_LOCK_PATH;
                rc = lock_spec(t, tl, path, lineno, ind + 1, src, out, &cap, err);
            } else if (ind != 6) {
                rc = strata_error_set(err, STRATA_EFORMAT, "%s:%zu:%zu: unexpected indentation",
                                      path, lineno, ind + 1);
            }
        } else if (sec == SEC_DEPS) {
            if (ind != 2) {
                rc = strata_error_set(err, STRATA_EFORMAT, "%s:%zu:%zu: unexpected indentation",
                                      path, lineno, ind + 1);
                break;
            }
            size_t n = 0; /* the name ends at ' ', '!' or '(' (the buffer is not terminated) */
            while (n < tl && t[n] != ' ' && t[n] != '!' && t[n] != '(')
                n++;
            if (!ruby_valid_gem_name(t, n)) {
                rc = strata_error_set(err, STRATA_EFORMAT, "%s:%zu:3: invalid gem name", path,
                                      lineno);
                break;
            }
            if (n_direct == cap_direct) {
                size_t c = cap_direct ? cap_direct * 2 : 32;
                void *nv = realloc(direct, c * sizeof *direct);
                if (nv == NULL) {
                    rc = strata_error_nomem(err);
                    break;
                }
                direct = nv;
                cap_direct = c;
            }
            if (n_direct >= RUBY_MAX_LOCK_SPECS) {
                rc = strata_error_set(err, STRATA_ELIMIT, "%s:%zu:3: more than %d dependencies",
                                      path, lineno, RUBY_MAX_LOCK_SPECS);
                break;
            }
            direct[n_direct].s = t;
            direct[n_direct++].n = n;
        } else if (sec == SEC_BUNDLED) {
            if (out->bundled_with == NULL && valid_token(t, tl) &&
                (out->bundled_with = strndup(t, tl)) == NULL)
                rc = strata_error_nomem(err);
        }
    }
    /* DEPENDENCIES may come after the specs: mark direct ones now, through a map of their
     * names so that a huge lockfile stays linear. */
    struct strmap names = STRMAP_INIT;
    char **keys = rc == 0 && n_direct ? calloc(n_direct, sizeof *keys) : NULL;
    if (rc == 0 && n_direct && keys == NULL)
        rc = strata_error_nomem(err);
    for (size_t k = 0; rc == 0 && k < n_direct; k++) {
        keys[k] = strndup(direct[k].s, direct[k].n);
        if (keys[k] == NULL || strmap_put(&names, keys[k], keys[k]) != 0)
            rc = strata_error_nomem(err);
    }
    for (size_t i = 0; rc == 0 && n_direct && i < out->n; i++)
        out->v[i].direct = strmap_get(&names, out->v[i].name) != NULL;
    strmap_release(&names);
    for (size_t k = 0; keys && k < n_direct; k++)
        free(keys[k]);
    free(keys);
    free(direct);
    return rc;
}
