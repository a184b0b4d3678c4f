/* Format dispatch and the helpers every reporter shares (JSON building, time, UUIDs). */
#include "report/report_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>

#include "core/strbuf.h"
#include "strata/license.h"

static const struct {
    const char *name;
    enum strata_format format;
} format_names[] = {
    {"table", STRATA_FORMAT_TABLE},         {"json", STRATA_FORMAT_JSON},
    {"cyclonedx", STRATA_FORMAT_CYCLONEDX}, {"cyclonedx-json", STRATA_FORMAT_CYCLONEDX},
    {"cdx", STRATA_FORMAT_CYCLONEDX},       {"spdx", STRATA_FORMAT_SPDX},
    {"spdx-json", STRATA_FORMAT_SPDX},      {"sarif", STRATA_FORMAT_SARIF},
};

int strata_format_parse(const char *name, enum strata_format *out)
{
    if (name == NULL || out == NULL)
        return STRATA_EUSAGE;
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
        if (strcasecmp(name, format_names[i].name) == 0) {
            *out = format_names[i].format;
            return 0;
        }
    }
    return STRATA_EUSAGE;
}

const char *strata_format_name(enum strata_format f)
{
    switch (f) {
    case STRATA_FORMAT_TABLE:
        return "table";
    case STRATA_FORMAT_JSON:
        return "json";
    case STRATA_FORMAT_CYCLONEDX:
        return "cyclonedx";
    case STRATA_FORMAT_SPDX:
        return "spdx";
    case STRATA_FORMAT_SARIF:
        return "sarif";
    }
    return "?";
}

int strata_report_write(const struct strata_report *r, enum strata_format f, FILE *out,
                        const struct strata_report_write_opts *opts, struct strata_error *err)
{
    static const struct strata_report_write_opts defaults = {NULL, NULL, 0, 0};
    if (r == NULL || out == NULL)
        return strata_error_set(err, STRATA_EUSAGE, "report writer: no report or stream");
    if (opts == NULL)
        opts = &defaults;
    switch (f) {
    case STRATA_FORMAT_TABLE:
        return strata_report_write_table(r, out, opts, err);
    case STRATA_FORMAT_JSON:
        return strata_report_write_json(r, out, opts, err);
    case STRATA_FORMAT_CYCLONEDX:
        return strata_report_write_cyclonedx(r, out, opts, err);
    case STRATA_FORMAT_SPDX:
        return strata_report_write_spdx(r, out, opts, err);
    case STRATA_FORMAT_SARIF:
        return strata_report_write_sarif(r, out, opts, err);
    }
    return strata_error_set(err, STRATA_EUSAGE, "report writer: unknown format %d", (int)f);
}

/* ---- JSON helpers ---- */

size_t rj_utf8_seq_len(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    size_t len;
    uint32_t cp;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2;
        cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3;
        cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

json_t *rj_str(const char *s)
{
    if (s == NULL)
        return json_null();
    json_t *v = json_string(s);
    if (v != NULL)
        return v;
    /* json_string refuses invalid UTF-8; repair rather than lose the whole report. */
    struct strbuf sb = STRBUF_INIT;
    size_t n = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t l = rj_utf8_seq_len(p + i, n - i);
        int rc = l ? strbuf_add(&sb, p + i, l) : strbuf_adds(&sb, "\xef\xbf\xbd");
        if (rc != 0) {
            strbuf_release(&sb);
            return NULL;
        }
        i += l ? l : 1;
    }
    v = json_stringn(sb.buf ? sb.buf : "", sb.len);
    strbuf_release(&sb);
    return v;
}

void rj_put(json_t *obj, const char *key, json_t *v, int *bad)
{
    /* json_object_set_new consumes v and fails on a NULL obj or v, so OOM anywhere above
     * surfaces here as one flag. */
    if (json_object_set_new(obj, key, v) != 0)
        *bad = 1;
}

void rj_put_str(json_t *obj, const char *key, const char *s, int *bad)
{
    rj_put(obj, key, rj_str(s), bad);
}

void rj_put_opt_str(json_t *obj, const char *key, const char *s, int *bad)
{
    if (s != NULL && *s != '\0')
        rj_put(obj, key, rj_str(s), bad);
}

void rj_append(json_t *arr, json_t *v, int *bad)
{
    if (json_array_append_new(arr, v) != 0)
        *bad = 1;
}

json_t *rj_str_array(char *const *items, size_t n, int *bad)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (items[i] != NULL)
            rj_append(arr, rj_str(items[i]), bad);
    }
    return arr;
}

/* jansson hands its output over token by token; one fwrite per token was a tenth of a scan
 * reporting 20,000 packages. Tokens are gathered into 64 KiB writes instead. */
struct dump_buf {
    FILE *out;
    size_t n;
    int failed;
    char data[65536];
};

static int dump_flush(struct dump_buf *b)
{
    if (b->n > 0 && fwrite(b->data, 1, b->n, b->out) != b->n)
        b->failed = 1;
    b->n = 0;
    return b->failed ? -1 : 0;
}

static int dump_chunk(const char *s, size_t len, void *ctx)
{
    struct dump_buf *b = ctx;
    if (len > sizeof b->data - b->n && dump_flush(b) != 0)
        return -1;
    if (len > sizeof b->data)
        return fwrite(s, 1, len, b->out) == len ? 0 : (b->failed = 1, -1);
    memcpy(b->data + b->n, s, len);
    b->n += len;
    return 0;
}

int rj_dump(const json_t *root, FILE *out, struct strata_error *err)
{
    errno = 0; /* so a stale errno is not reported as the cause */
    struct dump_buf *b = malloc(sizeof *b);
    if (b == NULL)
        return strata_error_nomem(err);
    b->out = out;
    b->n = 0;
    b->failed = 0;
    /* 15 significant digits: a CVSS score of 9.8 prints as 9.8, not 9.8000000000000007. */
    int rc = json_dump_callback(root, dump_chunk, b,
                                JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    if (rc == 0)
        rc = dump_chunk("\n", 1, b);
    if (rc == 0)
        rc = dump_flush(b);
    free(b);
    if (rc != 0 || fflush(out) != 0 || ferror(out))
        return strata_error_set(err, STRATA_EIO, "writing report: %s",
                                errno ? strerror(errno) : "write error");
    return 0;
}

/* ---- time ---- */

static int valid_timestamp(const char *s)
{
    /* Only the one form SBOM schemas and humans agree on: YYYY-MM-DDTHH:MM:SSZ. */
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(s) != sizeof shape - 1)
        return 0;
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return 0;
    }
    int mon = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
    int hh = (s[11] - '0') * 10 + (s[12] - '0'), mm = (s[14] - '0') * 10 + (s[15] - '0');
    int ss = (s[17] - '0') * 10 + (s[18] - '0');
    return mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hh <= 23 && mm <= 59 && ss <= 60;
}

int rj_timestamp(const struct strata_report_write_opts *opts, char *buf, size_t size,
                 struct strata_error *err)
{
    if (size < 21)
        return strata_error_set(err, STRATA_EINTERNAL, "timestamp buffer too small");
    if (opts != NULL && opts->timestamp != NULL) {
        if (!valid_timestamp(opts->timestamp))
            return strata_error_set(err, STRATA_EUSAGE,
                                    "timestamp '%.64s': want YYYY-MM-DDTHH:MM:SSZ",
                                    opts->timestamp);
        memcpy(buf, opts->timestamp, 21);
        return 0;
    }
    time_t t;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde != NULL && *sde != '\0') {
        /* reproducible-builds.org: a malformed value is an error, not a silent "now". */
        char *end;
        errno = 0;
        unsigned long long v = strtoull(sde, &end, 10);
        if (*sde < '0' || *sde > '9' || *end != '\0' || errno != 0 || v > 253402300799ULL)
            return strata_error_set(err, STRATA_EUSAGE,
                                    "SOURCE_DATE_EPOCH '%.32s': want seconds since 1970 "
                                    "(at most year 9999)",
                                    sde);
        t = (time_t)v;
    } else {
        t = time(NULL);
    }
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
        return strata_error_set(err, STRATA_EINTERNAL, "cannot format the current time");
    return 0;
}

/* ---- UUIDs ---- */

int rj_uuid5(const char *name, size_t len, char out[37])
{
    /* RFC 4122 appendix C: the URL namespace 6ba7b811-9dad-11d1-80b4-00c04fd430c8. */
    static const unsigned char ns[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                         0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return STRATA_ENOMEM;
    int ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) && EVP_DigestUpdate(ctx, ns, sizeof ns) &&
             EVP_DigestUpdate(ctx, name, len) && EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    if (!ok || mdlen < 16)
        return STRATA_EINTERNAL;
    md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* version 5 */
    md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[md[i] >> 4];
        out[o++] = hex[md[i] & 15];
    }
    out[o] = '\0';
    return 0;
}

/* ---- licenses ---- */

const char *rj_spdx_license_id(const char *s)
{
    /* Identifiers present in every SPDX license list since 3.0 (so also in the enum of the
     * CycloneDX 1.5 schema). Package managers state licenses in their own spelling (Debian:
     * "GPL-2+", "BSD-3-clause"); those are kept as names, never guessed into ids. */
    static const char *const ids[] = {
        "0BSD",
        "AGPL-3.0-only",
        "AGPL-3.0-or-later",
        "Apache-1.1",
        "Apache-2.0",
        "Artistic-1.0",
        "Artistic-2.0",
        "BSD-1-Clause",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "BSD-4-Clause",
        "BSL-1.0",
        "bzip2-1.0.6",
        "CC-BY-3.0",
        "CC-BY-4.0",
        "CC-BY-SA-3.0",
        "CC-BY-SA-4.0",
        "CC0-1.0",
        "CDDL-1.0",
        "CDDL-1.1",
        "curl",
        "EPL-1.0",
        "EPL-2.0",
        "EUPL-1.2",
        "FTL",
        "GFDL-1.2-only",
        "GFDL-1.2-or-later",
        "GFDL-1.3-only",
        "GFDL-1.3-or-later",
        "GPL-1.0-only",
        "GPL-1.0-or-later",
        "GPL-2.0-only",
        "GPL-2.0-or-later",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "ISC",
        "LGPL-2.0-only",
        "LGPL-2.0-or-later",
        "LGPL-2.1-only",
        "LGPL-2.1-or-later",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "Libpng",
        "MIT",
        "MIT-0",
        "MPL-1.1",
        "MPL-2.0",
        "NCSA",
        "OFL-1.1",
        "OpenSSL",
        "PHP-3.01",
        "PostgreSQL",
        "PSF-2.0",
        "Python-2.0",
        "Ruby",
        "Sleepycat",
        "Unicode-DFS-2016",
        "Unlicense",
        "Vim",
        "W3C",
        "WTFPL",
        "X11",
        "Zlib",
    };
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        if (strcasecmp(s, ids[i]) == 0)
            return ids[i];
    }
    return NULL;
}

/* ---- string set ---- */

static size_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (size_t)h;
}

static int strset_grow(struct rj_strset *set)
{
    size_t cap = set->cap ? set->cap * 2 : 64;
    char **slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < set->cap; i++) {
        if (set->slots[i] == NULL)
            continue;
        size_t j = str_hash(set->slots[i]) & (cap - 1);
        while (slots[j] != NULL)
            j = (j + 1) & (cap - 1);
        slots[j] = set->slots[i];
    }
    free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return 0;
}

int rj_strset_add(struct rj_strset *set, const char *s)
{
    /* Keep the load under one half so probe chains stay short. */
    if ((set->len + 1) * 2 > set->cap && strset_grow(set) != 0)
        return -1;
    size_t j = str_hash(s) & (set->cap - 1);
    while (set->slots[j] != NULL) {
        if (strcmp(set->slots[j], s) == 0)
            return 0;
        j = (j + 1) & (set->cap - 1);
    }
    char *copy = strdup(s);
    if (copy == NULL)
        return -1;
    set->slots[j] = copy;
    set->len++;
    return 1;
}

void rj_strset_free(struct rj_strset *set)
{
    for (size_t i = 0; i < set->cap; i++)
        free(set->slots[i]);
    free(set->slots);
    memset(set, 0, sizeof *set);
}

int rj_license_expr_canonical(const char *l)
{
    char *canon = strata_license_normalize_lenient(l, strlen(l));
    int ok = canon != NULL && strcmp(canon, l) == 0 && strata_license_expr_listed(l);
    free(canon);
    return ok;
}

int rj_license_skip(const struct strata_package *p, size_t i)
{
    const char *l = p->licenses[i];
    if (l == NULL || *l == '\0')
        return 1;
    for (size_t j = 0; j < i; j++)
        if (p->licenses[j] != NULL && strcmp(p->licenses[j], l) == 0)
            return 1;
    return 0;
}

/* ---- vulnerabilities ---- */

int rj_vuln_shown(const struct strata_report_write_opts *opts, const struct strata_vulnerability *v)
{
    return !v->suppressed || opts->show_suppressed;
}

size_t rj_vulns_shown(const struct strata_report *r, const struct strata_report_write_opts *opts)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_vulnerabilities; i++)
        n += rj_vuln_shown(opts, &r->vulnerabilities[i]) != 0;
    return n;
}

static int same(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

long rj_vuln_package(const struct strata_report *r, const struct strata_vulnerability *v)
{
    if (v->package_purl != NULL) {
        for (size_t i = 0; i < r->n_packages; i++)
            if (same(r->packages[i].purl, v->package_purl))
                return (long)i;
    }
    for (size_t i = 0; i < r->n_packages; i++) {
        const struct strata_package *p = &r->packages[i];
        if (same(p->name, v->package_name) && same(p->version, v->package_version) &&
            (v->package_type == NULL || same(p->type, v->package_type)))
            return (long)i;
    }
    return -1;
}

const char *rj_severity(const char *severity)
{
    static const char *const words[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
    return words[strata_severity_rank(severity)];
}

int rj_uri_encode(struct strbuf *sb, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
        char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
        if ((keep ? strbuf_addch(sb, (char)c) : strbuf_add(sb, enc, 3)) != 0)
            return STRATA_ENOMEM;
    }
    return 0;
}

int rj_vuln_url(struct strbuf *sb, const char *id, const char **source)
{
    static const struct {
        const char *prefix, *source, *base;
    } dbs[] = {
        {"CVE-", "NVD", "https://nvd.nist.gov/vuln/detail/"},
        {"GHSA-", "GitHub Advisory Database", "https://github.com/advisories/"},
        {"DSA-", "Debian Security Tracker", "https://security-tracker.debian.org/tracker/"},
        {"DLA-", "Debian Security Tracker", "https://security-tracker.debian.org/tracker/"},
        {"DTSA-", "Debian Security Tracker", "https://security-tracker.debian.org/tracker/"},
    };
    const char *src = "OSV", *base = "https://osv.dev/vulnerability/";
    for (size_t i = 0; id != NULL && i < sizeof dbs / sizeof dbs[0]; i++) {
        if (strncmp(id, dbs[i].prefix, strlen(dbs[i].prefix)) == 0) {
            src = dbs[i].source;
            base = dbs[i].base;
            break;
        }
    }
    if (source != NULL)
        *source = src;
    if (strbuf_adds(sb, base) != 0)
        return STRATA_ENOMEM;
    return rj_uri_encode(sb, id ? id : "", 0);
}
