/* os analyzer: which distribution the image is, from etc/os-release (falling back to
 * usr/lib/os-release, as os-release(5) says) and the older release files. Per-layer state
 * keeps the bytes of each wanted file; finish follows the final view (etc/os-release is
 * usually a symlink to ../usr/lib/os-release) to the layer that wrote what a reader would
 * open, and parses only that. */
#include "inventory/os_release.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/lines.h"
#include "core/strbuf.h"
#include "strata/analyzer.h"

/* ---- os-release parsing ---- */

void os_release_clear(struct os_release *r)
{
    free(r->id);
    free(r->version_id);
    free(r->version);
    free(r->version_codename);
    free(r->ubuntu_codename);
    free(r->pretty_name);
    free(r->name);
    memset(r, 0, sizeof *r);
}

static int is_key_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_key_char(char c)
{
    return is_key_start(c) || (c >= '0' && c <= '9');
}

/* Unquotes a shell word of one line into sb. Returns 0, 1 for an unterminated quote, or
 * STRATA_ENOMEM. */
static int unquote(const char *s, size_t n, struct strbuf *sb)
{
    size_t i = 0;
    size_t keep = 0; /* length up to the last quoted or escaped char: trailing blanks go */
    while (i < n) {
        char c = s[i++];
        int rc = 0;
        if (c == '\'') {
            const char *close = memchr(s + i, '\'', n - i);
            if (close == NULL)
                return 1;
            rc = strbuf_add(sb, s + i, (size_t)(close - (s + i)));
            i = (size_t)(close - s) + 1;
            keep = sb->len;
        } else if (c == '"') {
            for (;;) {
                if (i >= n)
                    return 1;
                c = s[i++];
                if (c == '"')
                    break;
                /* Inside double quotes a backslash escapes only these, as in sh. */
                if (c == '\\' && i < n && strchr("\\\"$`", s[i]) != NULL)
                    c = s[i++];
                if ((rc = strbuf_addch(sb, c)) != 0)
                    return rc;
            }
            keep = sb->len;
        } else if (c == '\\') {
            if (i < n) {
                rc = strbuf_addch(sb, s[i++]);
                keep = sb->len;
            }
        } else {
            rc = strbuf_addch(sb, c);
            if (c != ' ' && c != '\t')
                keep = sb->len;
        }
        if (rc != 0)
            return rc;
    }
    sb->len = keep;
    if (sb->buf)
        sb->buf[keep] = '\0';
    return 0;
}

static char **os_field(struct os_release *r, const char *key, size_t klen)
{
    static const struct {
        const char *key;
        size_t off;
    } fields[] = {
        {"ID", offsetof(struct os_release, id)},
        {"VERSION_ID", offsetof(struct os_release, version_id)},
        {"VERSION", offsetof(struct os_release, version)},
        {"VERSION_CODENAME", offsetof(struct os_release, version_codename)},
        {"UBUNTU_CODENAME", offsetof(struct os_release, ubuntu_codename)},
        {"PRETTY_NAME", offsetof(struct os_release, pretty_name)},
        {"NAME", offsetof(struct os_release, name)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strlen(fields[i].key) == klen && memcmp(fields[i].key, key, klen) == 0)
            return (char **)((char *)r + fields[i].off);
    return NULL;
}

int os_release_parse(const char *data, size_t len, const char *path, struct os_release *out,
                     struct strata_error *err)
{
    struct strbuf sb = STRBUF_INIT;
    struct line_reader lines;
    line_reader_init(&lines, data, len, OS_RELEASE_MAX_LINE, path);
    const char *line;
    size_t ll;
    int rc;
    while ((rc = line_reader_next(&lines, &line, &ll, err)) > 0) {
        size_t lineno = lines.lineno;
        size_t i = 0;
        while (i < ll && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == ll || line[i] == '#' || !is_key_start(line[i]))
            continue;
        size_t k = i;
        while (i < ll && is_key_char(line[i]))
            i++;
        if (i == ll || line[i] != '=')
            continue; /* not an assignment: ignored, as os-release(5) readers do */
        char **slot = os_field(out, line + k, i - k);
        if (slot == NULL)
            continue;
        i++;
        strbuf_reset(&sb);
        int u = unquote(line + i, ll - i, &sb);
        if (u == 1) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: unterminated quote", path,
                                  lineno);
            break;
        }
        if (u != 0) {
            rc = strata_error_nomem(err);
            break;
        }
        char *v = strdup(sb.buf ? sb.buf : "");
        if (v == NULL) {
            rc = strata_error_nomem(err);
            break;
        }
        free(*slot);
        *slot = v;
    }
    strbuf_release(&sb);
    if (rc == 0 && out->id != NULL)
        for (char *p = out->id; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return rc;
}

/* ---- one-line release files ---- */

char *first_line(const char *data, size_t len, int *oom)
{
    const char *nl = memchr(data, '\n', len);
    size_t n = nl ? (size_t)(nl - data) : len;
    while (n > 0 && isspace((unsigned char)data[n - 1]))
        n--;
    size_t i = 0;
    while (i < n && isspace((unsigned char)data[i]))
        i++;
    if (i == n || n - i > 256)
        return NULL;
    for (size_t j = i; j < n; j++)
        if ((unsigned char)data[j] < 0x20 || data[j] == 0x7f)
            return NULL;
    char *s = strndup(data + i, n - i);
    if (s == NULL)
        *oom = 1;
    return s;
}

void release_line_clear(struct release_line *r)
{
    free(r->family);
    free(r->version);
    free(r->codename);
    free(r->pretty);
    memset(r, 0, sizeof *r);
}

int release_line_parse(const char *data, size_t len, struct release_line *out)
{
    static const struct {
        const char *prefix, *family;
    } names[] = {
        {"Red Hat Enterprise Linux", "rhel"},
        {"CentOS Stream", "centos"},
        {"CentOS", "centos"},
        {"Fedora", "fedora"},
        {"Rocky Linux", "rocky"},
        {"AlmaLinux", "almalinux"},
        {"Oracle Linux", "ol"},
    };
    int oom = 0;
    char *line = first_line(data, len, &oom);
    if (line == NULL)
        return oom ? STRATA_ENOMEM : 0;
    out->pretty = line;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strncmp(line, names[i].prefix, strlen(names[i].prefix)) == 0) {
            if ((out->family = strdup(names[i].family)) == NULL)
                return STRATA_ENOMEM;
            break;
        }
    }
    /* "<name> release <version> (<codename>)" */
    const char *rel = strstr(line, " release ");
    if (rel == NULL)
        return 0;
    const char *v = rel + strlen(" release ");
    size_t vl = strcspn(v, " ");
    if (vl > 0 && isdigit((unsigned char)v[0]) && (out->version = strndup(v, vl)) == NULL)
        return STRATA_ENOMEM;
    const char *open = strchr(v + vl, '(');
    const char *close = open ? strchr(open, ')') : NULL;
    if (open && close && close > open + 1 &&
        (out->codename = strndup(open + 1, (size_t)(close - open - 1))) == NULL)
        return STRATA_ENOMEM;
    return 0;
}

/* ---- the analyzer ---- */

#define OS_RELEASE_ETC "etc/os-release"
#define OS_RELEASE_USR "usr/lib/os-release"
#define DEBIAN_VERSION "etc/debian_version"
#define ALPINE_RELEASE "etc/alpine-release"
#define MAX_FILE (64 * 1024)

static const char *const wanted[] = {
    OS_RELEASE_ETC,       OS_RELEASE_USR,       DEBIAN_VERSION,       ALPINE_RELEASE,
    "etc/redhat-release", "etc/centos-release", "etc/fedora-release",
};
#define N_WANTED (sizeof wanted / sizeof wanted[0])

struct os_layer {
    char *data[N_WANTED]; /* NULL: this layer did not write the file */
    size_t len[N_WANTED];
};

static void *layer_new(void)
{
    return calloc(1, sizeof(struct os_layer));
}

static void layer_free(void *state)
{
    struct os_layer *l = state;
    if (l == NULL)
        return;
    for (size_t i = 0; i < N_WANTED; i++)
        free(l->data[i]);
    free(l);
}

static int wanted_index(const char *path)
{
    for (size_t i = 0; i < N_WANTED; i++)
        if (strcmp(path, wanted[i]) == 0)
            return (int)i;
    return -1;
}

static int layer_file(void *state, const struct strata_layer_file *f, struct strata_error *err)
{
    struct os_layer *l = state;
    int w = wanted_index(f->path);
    if (w < 0)
        return 0;
    if (f->len > MAX_FILE)
        return strata_error_set(err, STRATA_ELIMIT, "%s: larger than %d bytes", f->path, MAX_FILE);
    char *d = malloc(f->len + 1);
    if (d == NULL)
        return strata_error_nomem(err);
    if (f->len)
        memcpy(d, f->data, f->len);
    d[f->len] = '\0';
    free(l->data[w]); /* a later member of the same path wins */
    l->data[w] = d;
    l->len[w] = f->len;
    return 0;
}

/* What a reader opening path in the final filesystem gets: resolves symlinks, then takes the
 * bytes from the layer that wrote the resolved file. Returns 0 with *data NULL when absent
 * or not a file we read; a symlink loop is an error. */
static int read_final(void *const *states, size_t n_states, const struct strata_view *view,
                      const struct strata_report *r, const char *path, const char **data,
                      size_t *len, const char **resolved_out, char *resolved, size_t cap,
                      struct strata_error *err)
{
    *data = NULL;
    *len = 0;
    struct strata_error tmp = {0};
    int rc = strata_view_resolve(view, path, resolved, cap, &tmp);
    if (rc == STRATA_ENOTFOUND)
        return 0;
    if (rc != 0) {
        if (err)
            *err = tmp;
        if (tmp.msg[0] == '\0')
            strata_error_set(err, rc, "%s: cannot resolve", path);
        return rc;
    }
    struct strata_node_info ni;
    if (strata_view_lookup(view, resolved, &ni) != 0 || ni.deleted_by >= 0 ||
        ni.type != STRATA_FT_REG)
        return 0;
    long s;
    if (r->n_layers == 0)
        s = n_states > 0 ? 0 : -1;
    else
        s = ni.layer >= 0 && (size_t)ni.layer < n_states ? ni.layer : -1;
    int w = wanted_index(resolved);
    if (s < 0 || w < 0 || states[s] == NULL)
        return 0; /* resolves somewhere we do not read (e.g. a path outside the list) */
    const struct os_layer *l = states[s];
    *data = l->data[w];
    *len = l->len[w];
    *resolved_out = resolved;
    return 0;
}

static int set_field(char **dst, const char *v)
{
    if (v == NULL || *v == '\0')
        return 0;
    char *d = strdup(v);
    if (d == NULL)
        return STRATA_ENOMEM;
    free(*dst);
    *dst = d;
    return 0;
}

/* "12 (bookworm)" -> "bookworm": only a single lowercase word in parentheses counts as a
 * clearly stated codename ("20.04.6 LTS (Focal Fossa)" is a marketing name, not one). */
static char *codename_from_version(const char *v)
{
    const char *open = v ? strchr(v, '(') : NULL;
    if (open == NULL)
        return NULL;
    const char *p = open + 1, *q = p;
    while ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9' && q > p))
        q++;
    if (q == p || *q != ')')
        return NULL;
    return strndup(p, (size_t)(q - p));
}

static int finish(void *const *states, size_t n_states, const struct strata_view *view,
                  struct strata_report *report, struct strata_error *err)
{
    char resolved[4096];
    const char *data = NULL, *rpath = NULL;
    size_t len = 0;
    struct os_release osr = {0};
    struct release_line rl = {0};
    char *codename = NULL;
    char *fallback_version = NULL; /* debian_version / alpine-release when no VERSION_ID */
    const char *family = NULL;
    int oom = 0;
    int rc = 0;

    const char *candidates[] = {OS_RELEASE_ETC, OS_RELEASE_USR};
    for (size_t i = 0; i < 2 && data == NULL; i++) {
        rc = read_final(states, n_states, view, report, candidates[i], &data, &len, &rpath,
                        resolved, sizeof resolved, err);
        if (rc != 0)
            return rc;
    }
    if (data != NULL && (rc = os_release_parse(data, len, rpath, &osr, err)) != 0)
        goto out;

    family = osr.id;
    /* Release files of a distribution say nothing about another one: Ubuntu ships a
     * debian_version ("bookworm/sid") that is not its version. */
    if (family == NULL || strcmp(family, "debian") == 0) {
        rc = read_final(states, n_states, view, report, DEBIAN_VERSION, &data, &len, &rpath,
                        resolved, sizeof resolved, err);
        if (rc != 0)
            goto out;
        char *line = data ? first_line(data, len, &oom) : NULL;
        if (line != NULL) {
            if (family == NULL)
                family = "debian";
            /* testing/sid say "trixie/sid": a codename, not a version. */
            if (isdigit((unsigned char)line[0]))
                fallback_version = line;
            else
                free(line);
        }
    }
    if (!oom && fallback_version == NULL && (family == NULL || strcmp(family, "alpine") == 0)) {
        rc = read_final(states, n_states, view, report, ALPINE_RELEASE, &data, &len, &rpath,
                        resolved, sizeof resolved, err);
        if (rc != 0)
            goto out;
        char *line = data ? first_line(data, len, &oom) : NULL;
        if (line != NULL) {
            if (family == NULL)
                family = "alpine";
            fallback_version = line;
        }
    }
    if (!oom && family == NULL) {
        static const char *const rh[] = {"etc/redhat-release", "etc/centos-release",
                                         "etc/fedora-release"};
        for (size_t i = 0; i < 3 && rl.pretty == NULL; i++) {
            rc = read_final(states, n_states, view, report, rh[i], &data, &len, &rpath, resolved,
                            sizeof resolved, err);
            if (rc != 0)
                goto out;
            if (data != NULL && (rc = release_line_parse(data, len, &rl)) != 0) {
                rc = strata_error_nomem(err);
                goto out;
            }
        }
        family = rl.family;
    }
    if (oom) {
        rc = strata_error_nomem(err);
        goto out;
    }

    codename = osr.version_codename  ? strdup(osr.version_codename)
               : osr.ubuntu_codename ? strdup(osr.ubuntu_codename)
                                     : codename_from_version(osr.version);
    if (codename == NULL && (osr.version_codename || osr.ubuntu_codename)) {
        rc = strata_error_nomem(err);
        goto out;
    }
    const char *version = osr.version_id     ? osr.version_id
                          : fallback_version ? fallback_version
                                             : rl.version;
    rc = set_field(&report->os.family, family);
    if (rc == 0)
        rc = set_field(&report->os.version, version);
    if (rc == 0)
        rc = set_field(&report->os.codename, codename ? codename : rl.codename);
    if (rc == 0)
        rc = set_field(&report->os.pretty_name, osr.pretty_name ? osr.pretty_name : rl.pretty);
    if (rc != 0)
        rc = strata_error_nomem(err);
out:
    free(fallback_version);
    free(codename);
    os_release_clear(&osr);
    release_line_clear(&rl);
    return rc;
}

static const struct strata_match os_matches[] = {
    {STRATA_MATCH_EXACT, OS_RELEASE_ETC},       {STRATA_MATCH_EXACT, OS_RELEASE_USR},
    {STRATA_MATCH_EXACT, DEBIAN_VERSION},       {STRATA_MATCH_EXACT, ALPINE_RELEASE},
    {STRATA_MATCH_EXACT, "etc/redhat-release"}, {STRATA_MATCH_EXACT, "etc/centos-release"},
    {STRATA_MATCH_EXACT, "etc/fedora-release"}, {STRATA_MATCH_END, NULL},
};

const struct strata_analyzer strata_analyzer_os = {
    .name = "os",
    .matches = os_matches,
    .max_file_size = MAX_FILE,
    .layer_new = layer_new,
    .layer_free = layer_free,
    .layer_file = layer_file,
    .finish = finish,
};
