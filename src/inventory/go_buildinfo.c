/* Go build info reader; see go_buildinfo.h. Written from the documented layout:
 *
 *   header (32 bytes, 16-byte aligned in the data segment):
 *     0  "\xff Go buildinf:" (14 bytes)
 *     14 pointer size (4 or 8)
 *     15 flags: bit 0 big-endian pointers, bit 1 inline strings (Go 1.18+)
 *     16 pointer layout: two pointers to Go string headers {data pointer, length}: the Go
 *        version and the module info
 *     32 inline layout: uvarint length + bytes of the version, then of the module info
 *
 *   module info (text, lines separated by '\n', fields by '\t'), wrapped since Go 1.13 in
 *   16 bytes of sentinel on each side:
 *     path  <main package path>
 *     mod   <module path> <version> [<sum>]
 *     dep   <module path> <version> [<sum>]
 *     =>    <replacement path> [<version> [<sum>]]   (replaces the module just above)
 *     build <key>=<value>                             (key/value Go-quoted when needed) */
#include "inventory/go_buildinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hexdigit.h"
#include "inventory/elf.h"

#define MAGIC "\xff Go buildinf:"
#define MAGIC_LEN 14
#define HEADER_LEN 32
#define ALIGN 16

static int fmt_err(struct strata_error *err, int code, const char *path, uint64_t off,
                   const char *what)
{
    return strata_error_set(err, code, "%s: offset %llu: %s", path, (unsigned long long)off, what);
}

static int is_header(const uint8_t *p)
{
    return memcmp(p, MAGIC, MAGIC_LEN) == 0;
}

/* First 16-byte aligned magic in [off, off+n) of the file, or -1. */
static long long scan(const struct elf_file *e, uint64_t off, uint64_t n)
{
    if (off >= e->len)
        return -1;
    if (n > e->len - off)
        n = e->len - off;
    uint64_t start = (off + ALIGN - 1) / ALIGN * ALIGN, end = off + n;
    for (uint64_t o = start; o < end && end - o >= MAGIC_LEN; o += ALIGN)
        if (e->d[o] == 0xff && is_header(e->d + o))
            return (long long)o;
    return -1;
}

/* A string of the input: where it is and how long. */
struct span {
    uint64_t off, len;
};

/* Pointer layout: reads the Go string header the pointer at file offset at refers to. */
static int ptr_string(const struct elf_file *e, uint64_t at, int ps, int be, uint64_t max,
                      const char *what, struct span *out, struct strata_error *err)
{
    char msg[160];
    uint64_t hdr_va = elf_read_uint(e->d + at, ps, be), hdr_off;
    if (elf_vaddr_to_offset(e, hdr_va, 2 * (uint64_t)ps, &hdr_off) != 0) {
        snprintf(msg, sizeof msg, "%s string header pointer 0x%llx does not map into the file",
                 what, (unsigned long long)hdr_va);
        return fmt_err(err, STRATA_EFORMAT, e->path, at, msg);
    }
    uint64_t data_va = elf_read_uint(e->d + hdr_off, ps, be);
    uint64_t n = elf_read_uint(e->d + hdr_off + ps, ps, be);
    if (n > max) {
        snprintf(msg, sizeof msg, "%s string length %llu exceeds the limit of %llu", what,
                 (unsigned long long)n, (unsigned long long)max);
        return fmt_err(err, STRATA_ELIMIT, e->path, hdr_off + ps, msg);
    }
    out->len = n;
    out->off = 0;
    if (n == 0)
        return 0;
    if (elf_vaddr_to_offset(e, data_va, n, &out->off) != 0) {
        snprintf(msg, sizeof msg, "%s string data 0x%llx+%llu does not map into the file", what,
                 (unsigned long long)data_va, (unsigned long long)n);
        return fmt_err(err, STRATA_EFORMAT, e->path, hdr_off, msg);
    }
    return 0;
}

/* Inline layout: uvarint length + bytes at *pos; advances *pos. */
static int inline_string(const struct elf_file *e, uint64_t *pos, uint64_t max, const char *what,
                         struct span *out, struct strata_error *err)
{
    char msg[160];
    uint64_t at = *pos, v = 0, o = at;
    for (int shift = 0;; shift += 7) {
        if (o >= e->len) {
            snprintf(msg, sizeof msg, "%s length: truncated varint", what);
            return fmt_err(err, STRATA_EFORMAT, e->path, at, msg);
        }
        uint8_t b = e->d[o++];
        if (shift == 63 && b > 1) {
            snprintf(msg, sizeof msg, "%s length: varint overflows 64 bits", what);
            return fmt_err(err, STRATA_EFORMAT, e->path, at, msg);
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        if (shift == 63) {
            snprintf(msg, sizeof msg, "%s length: varint overflows 64 bits", what);
            return fmt_err(err, STRATA_EFORMAT, e->path, at, msg);
        }
    }
    if (v > max) {
        snprintf(msg, sizeof msg, "%s length %llu exceeds the limit of %llu", what,
                 (unsigned long long)v, (unsigned long long)max);
        return fmt_err(err, STRATA_ELIMIT, e->path, at, msg);
    }
    if (!elf_in_file(e, o, v)) {
        snprintf(msg, sizeof msg, "%s length %llu extends past the end of the file", what,
                 (unsigned long long)v);
        return fmt_err(err, STRATA_EFORMAT, e->path, at, msg);
    }
    out->off = o;
    out->len = v;
    *pos = o + v;
    return 0;
}

/* ---- module info text ---- */

struct field {
    const char *p;
    size_t n;
};

static int dup_field(const struct field *f, char **out)
{
    *out = strndup(f->p ? f->p : "", f->p ? f->n : 0);
    return *out ? 0 : STRATA_ENOMEM;
}

static void module_free(struct go_module *m)
{
    free(m->path);
    free(m->version);
    free(m->sum);
    free(m->repl_path);
    free(m->repl_version);
    free(m->repl_sum);
    memset(m, 0, sizeof *m);
}

/* Splits the text after the keyword into at most max tab-separated fields. */
static size_t split(const char *s, size_t n, struct field *f, size_t max)
{
    size_t k = 0;
    const char *end = s + n;
    while (k < max) {
        const char *t = memchr(s, '\t', (size_t)(end - s));
        f[k].p = s;
        f[k].n = t ? (size_t)(t - s) : (size_t)(end - s);
        k++;
        if (t == NULL)
            return k;
        s = t + 1;
    }
    return k + 1; /* too many fields */
}

/* Unquotes a Go double-quoted string starting at s[0] == '"'. Returns the malloc'd text and
 * sets *used to the bytes consumed (quotes included), or NULL with *used 0 when it is not a
 * well-formed quoted string, NULL with *used 1 on ENOMEM. \u escapes are kept verbatim. */
static char *unquote(const char *s, size_t n, size_t *used)
{
    *used = 0;
    char *out = malloc(n + 1);
    if (out == NULL) {
        *used = 1;
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            out[k] = '\0';
            *used = i + 1;
            return out;
        }
        if (c != '\\') {
            out[k++] = c;
            continue;
        }
        if (++i >= n)
            break;
        static const char from[] = "abfnrtv\\\"'", to[] = "\a\b\f\n\r\t\v\\\"'";
        const char *m = strchr(from, s[i]);
        if (m != NULL && s[i] != '\0') {
            out[k++] = to[m - from];
        } else if (s[i] == 'x' && i + 2 < n && hex_digit_value(s[i + 1]) >= 0 &&
                   hex_digit_value(s[i + 2]) >= 0) {
            out[k++] = (char)(hex_digit_value(s[i + 1]) * 16 + hex_digit_value(s[i + 2]));
            i += 2;
        } else {
            out[k++] = '\\';
            out[k++] = s[i];
        }
    }
    free(out);
    return NULL;
}

static int add_setting(struct go_buildinfo *bi, const char *s, size_t n, size_t *cap)
{
    char *key = NULL, *val = NULL;
    size_t used = 0, eq;
    if (n > 0 && s[0] == '"') {
        key = unquote(s, n, &used);
        if (key == NULL)
            return used ? STRATA_ENOMEM : STRATA_EFORMAT;
        eq = used;
        if (eq >= n || s[eq] != '=') {
            free(key);
            return STRATA_EFORMAT;
        }
    } else {
        const char *p = memchr(s, '=', n);
        if (p == NULL || p == s)
            return STRATA_EFORMAT;
        eq = (size_t)(p - s);
        key = strndup(s, eq);
        if (key == NULL)
            return STRATA_ENOMEM;
    }
    const char *v = s + eq + 1;
    size_t vn = n - eq - 1;
    if (vn > 0 && v[0] == '"') {
        val = unquote(v, vn, &used);
        if (val == NULL && used) {
            free(key);
            return STRATA_ENOMEM;
        }
    }
    if (val == NULL && (val = strndup(v, vn)) == NULL) {
        free(key);
        return STRATA_ENOMEM;
    }
    if (bi->n_settings == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        struct go_setting *nv = realloc(bi->settings, c * sizeof *nv);
        if (nv == NULL) {
            free(key);
            free(val);
            return STRATA_ENOMEM;
        }
        bi->settings = nv;
        *cap = c;
    }
    bi->settings[bi->n_settings].key = key;
    bi->settings[bi->n_settings].value = val;
    bi->n_settings++;
    return 0;
}

static int fill_module(struct go_module *m, const struct field *f, size_t nf)
{
    if (dup_field(&f[0], &m->path) || dup_field(&f[1], &m->version))
        return STRATA_ENOMEM;
    if (nf > 2 && f[2].n > 0 && dup_field(&f[2], &m->sum))
        return STRATA_ENOMEM;
    return 0;
}

static int line_err(struct strata_error *err, int rc, const char *path, uint64_t off,
                    const char *what)
{
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(err);
    return fmt_err(err, rc, path, off, what);
}

static int parse_modinfo(const uint8_t *text, size_t n, uint64_t base, const char *path,
                         struct go_buildinfo *bi, struct strata_error *err)
{
    /* Sentinels: 16 bytes before and after the text, which ends in '\n'. */
    if (n >= 33 && text[n - 17] == '\n') {
        text += 16;
        base += 16;
        n -= 32;
    }
    if (memchr(text, '\0', n) != NULL)
        return fmt_err(err, STRATA_EFORMAT, path,
                       base + (uint64_t)((const uint8_t *)memchr(text, '\0', n) - text),
                       "NUL byte in module info");
    const char *s = (const char *)text, *end = s + n;
    struct go_module *last = NULL;
    size_t cap_deps = 0, cap_settings = 0;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t ll = nl ? (size_t)(nl - s) : (size_t)(end - s);
        const char *line = s;
        uint64_t off = base + (uint64_t)(line - (const char *)text);
        s += ll + (nl ? 1 : 0);
        if (ll == 0)
            continue;
        const char *tab = memchr(line, '\t', ll);
        if (tab == NULL) {
            last = NULL;
            continue; /* unknown line shapes are skipped: newer toolchains may add some */
        }
        size_t kl = (size_t)(tab - line);
        const char *rest = tab + 1;
        size_t rn = ll - kl - 1;
        struct field f[4];
        int rc;
        if (kl == 4 && memcmp(line, "path", 4) == 0) {
            free(bi->path);
            bi->path = strndup(rest, rn);
            if (bi->path == NULL)
                return strata_error_nomem(err);
            last = NULL;
        } else if (kl == 2 && memcmp(line, "go", 2) == 0) {
            if (bi->go_version == NULL || bi->go_version[0] == '\0') {
                free(bi->go_version);
                if ((bi->go_version = strndup(rest, rn)) == NULL)
                    return strata_error_nomem(err);
            }
            last = NULL;
        } else if ((kl == 3 && memcmp(line, "mod", 3) == 0) ||
                   (kl == 3 && memcmp(line, "dep", 3) == 0)) {
            size_t nf = split(rest, rn, f, 3);
            if (nf < 2 || nf > 3 || f[0].n == 0)
                return fmt_err(err, STRATA_EFORMAT, path, off,
                               nf < 2 || f[0].n == 0 ? "module line without path and version"
                                                     : "module line with too many fields");
            if (line[0] == 'm') {
                if (bi->has_main)
                    return fmt_err(err, STRATA_EFORMAT, path, off, "second mod line");
                bi->has_main = 1;
                last = &bi->main;
            } else {
                if (bi->n_deps >= GO_BUILDINFO_MAX_DEPS)
                    return fmt_err(err, STRATA_ELIMIT, path, off, "too many dep lines");
                if (bi->n_deps == cap_deps) {
                    size_t c = cap_deps ? cap_deps * 2 : 32;
                    struct go_module *v = realloc(bi->deps, c * sizeof *v);
                    if (v == NULL)
                        return strata_error_nomem(err);
                    bi->deps = v;
                    cap_deps = c;
                }
                last = &bi->deps[bi->n_deps++];
                memset(last, 0, sizeof *last);
            }
            if (fill_module(last, f, nf) != 0)
                return strata_error_nomem(err);
        } else if (kl == 2 && memcmp(line, "=>", 2) == 0) {
            size_t nf = split(rest, rn, f, 3);
            if (last == NULL)
                return fmt_err(err, STRATA_EFORMAT, path, off,
                               "replacement without a module line before it");
            if (last->repl_path != NULL)
                return fmt_err(err, STRATA_EFORMAT, path, off, "second replacement of a module");
            if (nf > 3 || f[0].n == 0)
                return fmt_err(err, STRATA_EFORMAT, path, off, "malformed replacement line");
            if (dup_field(&f[0], &last->repl_path) ||
                (nf > 1 ? dup_field(&f[1], &last->repl_version)
                        : (last->repl_version = strdup("")) == NULL) ||
                (nf > 2 && f[2].n > 0 && dup_field(&f[2], &last->repl_sum)))
                return strata_error_nomem(err);
        } else if (kl == 5 && memcmp(line, "build", 5) == 0) {
            if (bi->n_settings >= GO_BUILDINFO_MAX_SETTINGS)
                return fmt_err(err, STRATA_ELIMIT, path, off, "too many build lines");
            rc = add_setting(bi, rest, rn, &cap_settings);
            if (rc != 0)
                return line_err(err, rc, path, off, "malformed build setting");
            last = NULL;
        } else {
            last = NULL;
        }
    }
    return 0;
}

static int read_info(const struct elf_file *e, uint64_t h, struct go_buildinfo *bi,
                     struct strata_error *err)
{
    if (!elf_in_file(e, h, HEADER_LEN))
        return fmt_err(err, STRATA_EFORMAT, e->path, h, "truncated build info header");
    const uint8_t *p = e->d + h;
    int ps = p[14], flags = p[15];
    bi->header_offset = (size_t)h;
    bi->ptr_size = ps;
    struct span ver, mod;
    int rc;
    if (flags & 2) {
        bi->inline_format = 1;
        uint64_t pos = h + HEADER_LEN;
        rc = inline_string(e, &pos, GO_BUILDINFO_MAX_VERSION, "Go version", &ver, err);
        if (rc == 0)
            rc = inline_string(e, &pos, GO_BUILDINFO_MAX_MODINFO, "module info", &mod, err);
    } else {
        if (ps != 4 && ps != 8)
            return fmt_err(err, STRATA_EFORMAT, e->path, h + 14,
                           "build info pointer size is neither 4 nor 8");
        bi->big_endian = flags & 1;
        rc =
            ptr_string(e, h + 16, ps, flags & 1, GO_BUILDINFO_MAX_VERSION, "Go version", &ver, err);
        if (rc == 0)
            rc = ptr_string(e, h + 16 + (uint64_t)ps, ps, flags & 1, GO_BUILDINFO_MAX_MODINFO,
                            "module info", &mod, err);
    }
    if (rc != 0)
        return rc;
    if (ver.len == 0)
        return fmt_err(err, STRATA_EFORMAT, e->path, h, "empty Go version");
    if (memchr(e->d + ver.off, '\0', ver.len) != NULL)
        return fmt_err(err, STRATA_EFORMAT, e->path, ver.off, "NUL byte in the Go version");
    bi->go_version = strndup((const char *)e->d + ver.off, ver.len);
    if (bi->go_version == NULL)
        return strata_error_nomem(err);
    if (mod.len == 0)
        return 0;
    return parse_modinfo(e->d + mod.off, mod.len, mod.off, e->path, bi, err);
}

int go_buildinfo_parse(const uint8_t *data, size_t len, const char *path, struct go_buildinfo *out,
                       struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (path == NULL)
        path = "(input)";
    if (data == NULL || len < 4 ||
        memcmp(data,
               "\x7f"
               "ELF",
               4) != 0)
        return strata_error_set(err, STRATA_ENOTFOUND, "%s: not a Go binary (not an ELF file)",
                                path);
    struct elf_file e;
    int rc = elf_open(&e, data, len, path, err);
    if (rc != 0)
        return rc;
    long long h = -1;
    if (e.shnum > 0) {
        long sec = elf_find_section(&e, ".go.buildinfo");
        if (sec >= 0) {
            struct elf_section s = elf_section_at(&e, (unsigned)sec);
            uint64_t shoff_at = elf_section_header_offset(&e, (unsigned)sec);
            if (s.type == ELF_SHT_NOBITS || s.size < HEADER_LEN || !elf_in_file(&e, s.off, s.size))
                return fmt_err(err, STRATA_EFORMAT, path, shoff_at,
                               ".go.buildinfo section lies outside the file or is too small");
            if (!is_header(data + s.off))
                return fmt_err(err, STRATA_EFORMAT, path, s.off,
                               ".go.buildinfo section does not start with the build info magic");
            h = (long long)s.off;
        } else if (elf_find_section(&e, ".text") >= 0 || elf_find_section(&e, ".data") >= 0) {
            /* Section headers are intact and name no build info: not a Go 1.13+ binary. */
            return strata_error_set(err, STRATA_ENOTFOUND,
                                    "%s: not a Go binary (no .go.buildinfo section)", path);
        }
    }
    /* Stripped section headers: the header sits 16-byte aligned at the start of the data
     * segment; look there first, then anywhere in the file. */
    struct elf_segment seg;
    for (unsigned i = 0; h < 0 && elf_next_load(&e, &i, &seg);)
        if (seg.writable)
            h = scan(&e, seg.off, seg.filesz);
    if (h < 0)
        h = scan(&e, 0, len);
    if (h < 0)
        return strata_error_set(err, STRATA_ENOTFOUND, "%s: not a Go binary (no build info)", path);
    return read_info(&e, (uint64_t)h, out, err);
}

void go_buildinfo_free(struct go_buildinfo *bi)
{
    if (bi == NULL)
        return;
    free(bi->go_version);
    free(bi->path);
    module_free(&bi->main);
    for (size_t i = 0; i < bi->n_deps; i++)
        module_free(&bi->deps[i]);
    free(bi->deps);
    for (size_t i = 0; i < bi->n_settings; i++) {
        free(bi->settings[i].key);
        free(bi->settings[i].value);
    }
    free(bi->settings);
    memset(bi, 0, sizeof *bi);
}

static size_t digits(const char *s, unsigned long *v)
{
    size_t n = 0;
    *v = 0;
    while (s[n] >= '0' && s[n] <= '9' && n < 9)
        *v = *v * 10 + (unsigned long)(s[n++] - '0');
    return (s[n] >= '0' && s[n] <= '9') ? 0 : n;
}

int go_stdlib_version(const char *gv, char *out, size_t cap)
{
    if (gv == NULL || strncmp(gv, "go", 2) != 0)
        return -1;
    const char *s = gv + 2;
    unsigned long part[3] = {0, 0, 0}, pre = 0;
    const char *pre_kind = NULL;
    int n = 0;
    for (;;) {
        size_t k = digits(s, &part[n]);
        if (k == 0)
            return -1;
        s += k;
        n++;
        if (*s == '.' && n < 3) {
            s++;
            continue;
        }
        break;
    }
    if (n < 2 && part[0] != 1)
        return -1;
    if (strncmp(s, "rc", 2) == 0 || strncmp(s, "beta", 4) == 0) {
        pre_kind = s[0] == 'r' ? "rc" : "beta";
        s += strlen(pre_kind);
        size_t k = digits(s, &pre);
        if (k == 0)
            return -1;
        s += k;
    }
    if (*s != '\0' && *s != ' ')
        return -1;
    int w = pre_kind
                ? snprintf(out, cap, "%lu.%lu.%lu-%s.%lu", part[0], part[1], part[2], pre_kind, pre)
                : snprintf(out, cap, "%lu.%lu.%lu", part[0], part[1], part[2]);
    return w < 0 || (size_t)w >= cap ? -1 : 0;
}
