#include "inventory/dpkg_status.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/lines.h"
#include "core/strbuf.h"

/* While a stanza is being read its strings live in one growing buffer, so fields hold offsets;
 * pointers are made only when the stanza is complete and the buffer no longer moves. */
struct field_off {
    size_t name, value, line;
};

struct parser {
    const char *path;
    struct strbuf buf;
    struct field_off offs[DPKG_MAX_FIELDS];
    size_t n_fields;
    size_t stanza_line;
    size_t n_stanzas;
    int in_field; /* the last field may still receive continuation lines */
    struct dpkg_stanza *stanza;
    dpkg_stanza_fn fn;
    void *arg;
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

const struct dpkg_field *dpkg_stanza_field(const struct dpkg_stanza *s, const char *name)
{
    for (size_t i = 0; i < s->n_fields; i++)
        if (strcasecmp(s->fields[i].name, name) == 0)
            return &s->fields[i];
    return NULL;
}

const char *dpkg_stanza_get(const struct dpkg_stanza *s, const char *name)
{
    const struct dpkg_field *f = dpkg_stanza_field(s, name);
    return f ? f->value : NULL;
}

/* Drops trailing blanks of the value being built (continuations append after it). */
static void trim_tail(struct parser *p, size_t start)
{
    while (p->buf.len > start && is_blank(p->buf.buf[p->buf.len - 1]))
        p->buf.buf[--p->buf.len] = '\0';
}

static int end_stanza(struct parser *p, struct strata_error *err)
{
    if (p->n_fields == 0)
        return 0;
    if (++p->n_stanzas > DPKG_MAX_STANZAS)
        return strata_error_set(err, STRATA_ELIMIT, "%s: line %zu: more than %d stanzas", p->path,
                                p->stanza_line, DPKG_MAX_STANZAS);
    struct dpkg_stanza *s = p->stanza;
    s->line = p->stanza_line;
    s->n_fields = p->n_fields;
    for (size_t i = 0; i < p->n_fields; i++) {
        s->fields[i].name = p->buf.buf + p->offs[i].name;
        s->fields[i].value = p->buf.buf + p->offs[i].value;
        s->fields[i].line = p->offs[i].line;
    }
    int rc = p->fn(s, p->arg, err);
    p->n_fields = 0;
    p->in_field = 0;
    strbuf_reset(&p->buf);
    return rc;
}

static int add_field(struct parser *p, const char *line, size_t len, size_t lineno,
                     struct strata_error *err)
{
    const char *colon = memchr(line, ':', len);
    if (colon == NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: field without a colon", p->path,
                                lineno);
    size_t nlen = (size_t)(colon - line);
    if (nlen == 0)
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: empty field name", p->path,
                                lineno);
    for (size_t i = 0; i < nlen; i++) {
        unsigned char c = (unsigned char)line[i];
        /* dpkg field names are printable ASCII without blanks. */
        if (c <= ' ' || c >= 0x7f)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: line %zu: invalid character in field name", p->path,
                                    lineno);
    }
    if (p->n_fields == DPKG_MAX_FIELDS)
        return strata_error_set(err, STRATA_ELIMIT, "%s: line %zu: more than %d fields in a stanza",
                                p->path, lineno, DPKG_MAX_FIELDS);
    for (size_t i = 0; i < p->n_fields; i++) {
        const char *other = p->buf.buf + p->offs[i].name;
        if (strlen(other) == nlen && strncasecmp(other, line, nlen) == 0)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: line %zu: duplicate field '%.*s' (first on line %zu)",
                                    p->path, lineno, (int)nlen, line, p->offs[i].line);
    }
    if (p->n_fields == 0)
        p->stanza_line = lineno;
    const char *v = colon + 1;
    const char *end = line + len;
    while (v < end && is_blank(*v))
        v++;
    if (p->buf.len + nlen + (size_t)(end - v) + 3 > DPKG_MAX_STANZA_BYTES)
        return strata_error_set(err, STRATA_ELIMIT, "%s: line %zu: stanza larger than %d bytes",
                                p->path, lineno, DPKG_MAX_STANZA_BYTES);
    /* Close the previous value: only the last field grows, and it ends at buf.len. */
    if (p->n_fields > 0 && strbuf_addch(&p->buf, '\0'))
        return strata_error_nomem(err);
    struct field_off *o = &p->offs[p->n_fields];
    o->line = lineno;
    o->name = p->buf.len;
    if (strbuf_add(&p->buf, line, nlen) || strbuf_addch(&p->buf, '\0'))
        return strata_error_nomem(err);
    o->value = p->buf.len;
    if (strbuf_add(&p->buf, v, (size_t)(end - v)))
        return strata_error_nomem(err);
    trim_tail(p, o->value);
    p->n_fields++;
    p->in_field = 1;
    return 0;
}

static int add_continuation(struct parser *p, const char *line, size_t len, size_t lineno,
                            struct strata_error *err)
{
    if (!p->in_field)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: line %zu: continuation line outside a field", p->path, lineno);
    while (len > 0 && is_blank(*line)) {
        line++;
        len--;
    }
    if (p->buf.len + len + 2 > DPKG_MAX_STANZA_BYTES)
        return strata_error_set(err, STRATA_ELIMIT, "%s: line %zu: stanza larger than %d bytes",
                                p->path, lineno, DPKG_MAX_STANZA_BYTES);
    size_t start = p->offs[p->n_fields - 1].value;
    /* A value that was empty on its "Name:" line (Conffiles, Description's long form) starts
     * directly with its first continuation line. */
    if (p->buf.len > start && strbuf_addch(&p->buf, '\n'))
        return strata_error_nomem(err);
    if (strbuf_add(&p->buf, line, len))
        return strata_error_nomem(err);
    trim_tail(p, start);
    return 0;
}

int dpkg_control_parse(const uint8_t *data, size_t len, const char *path, dpkg_stanza_fn fn,
                       void *arg, struct strata_error *err)
{
    struct parser *p = calloc(1, sizeof *p);
    struct dpkg_stanza *s = calloc(1, sizeof *s);
    if (p == NULL || s == NULL) {
        free(p);
        free(s);
        return strata_error_nomem(err);
    }
    p->path = path;
    p->stanza = s;
    p->fn = fn;
    p->arg = arg;
    struct line_reader lines;
    line_reader_init(&lines, data, len, DPKG_MAX_LINE, path);
    const char *line;
    size_t ll;
    int rc;
    while ((rc = line_reader_next(&lines, &line, &ll, err)) > 0) {
        size_t i = 0;
        while (i < ll && is_blank(line[i]))
            i++;
        if (i == ll) /* empty or blanks only: ends the stanza */
            rc = end_stanza(p, err);
        else if (line[0] == '#') /* comment, as in deb822 */
            continue;
        else if (is_blank(line[0]))
            rc = add_continuation(p, line, ll, lines.lineno, err);
        else
            rc = add_field(p, line, ll, lines.lineno, err);
        if (rc != 0)
            break;
    }
    if (rc == 0)
        rc = end_stanza(p, err);
    strbuf_release(&p->buf);
    free(p);
    free(s);
    return rc;
}

/* dpkg's rule for package names: lowercase alphanumerics and + - ., starting alphanumeric.
 * Names also become file names (info/<name>.list), so the rule keeps '/' out. */
static int valid_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '+' || *s == '-' ||
              *s == '.'))
            return 0;
    return 1;
}

static int valid_arch(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

/* Characters dpkg allows in [epoch:]upstream[-revision]. */
static int valid_version(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr(".+~:-", *s) != NULL))
            return 0;
    return 1;
}

struct pkg_ctx {
    const char *path;
    int status_optional;
    struct dpkg_pkg_list *out;
};

static void pkg_free(struct dpkg_pkg *p)
{
    free(p->name);
    free(p->version);
    free(p->arch);
    free(p->source_name);
    free(p->source_version);
    memset(p, 0, sizeof *p);
}

void dpkg_pkg_list_free(struct dpkg_pkg_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        pkg_free(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* "Status: want eflag status"; the package's files are on disk when the third word is
 * "installed", whatever the want (install, hold, deinstall) says. */
static int status_installed(const char *path, const struct dpkg_field *f, int *installed,
                            struct strata_error *err)
{
    const char *w[3] = {0};
    size_t wl[3] = {0};
    size_t n = 0;
    const char *s = f->value;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0')
            break;
        if (n == 3) {
            n = 4;
            break;
        }
        w[n] = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
        wl[n] = (size_t)(s - w[n]);
        n++;
    }
    if (n != 3)
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: Status must have three words",
                                path, f->line);
    *installed = wl[2] == strlen("installed") && memcmp(w[2], "installed", wl[2]) == 0;
    return 0;
}

/* "Source: name" or "Source: name (version)". */
static int parse_source(const char *path, const struct dpkg_field *f, char **name, char **version,
                        struct strata_error *err)
{
    const char *s = f->value;
    size_t nl = strcspn(s, " \t(");
    const char *rest = s + nl;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    const char *v = NULL;
    size_t vl = 0;
    if (*rest == '(') {
        v = rest + 1;
        const char *close = strchr(v, ')');
        if (close == NULL || close[1] != '\0')
            return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: malformed Source field",
                                    path, f->line);
        while (*v == ' ')
            v++;
        vl = (size_t)(close - v);
        while (vl > 0 && v[vl - 1] == ' ')
            vl--;
    } else if (*rest != '\0') {
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: malformed Source field", path,
                                f->line);
    }
    *name = strndup(s, nl);
    if (*name == NULL)
        return strata_error_nomem(err);
    if (!valid_name(*name))
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: invalid source name", path,
                                f->line);
    if (v != NULL) {
        *version = strndup(v, vl);
        if (*version == NULL)
            return strata_error_nomem(err);
        if (!valid_version(*version))
            return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: invalid source version",
                                    path, f->line);
    }
    return 0;
}

static int on_stanza(const struct dpkg_stanza *s, void *arg, struct strata_error *err)
{
    struct pkg_ctx *c = arg;
    const struct dpkg_field *pf = dpkg_stanza_field(s, "Package");
    if (pf == NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: stanza without a Package field",
                                c->path, s->line);
    if (!valid_name(pf->value))
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: invalid package name", c->path,
                                pf->line);
    const struct dpkg_field *sf = dpkg_stanza_field(s, "Status");
    int installed = c->status_optional;
    if (sf != NULL) {
        int rc = status_installed(c->path, sf, &installed, err);
        if (rc != 0)
            return rc;
    }
    if (!installed)
        return 0;
    const struct dpkg_field *vf = dpkg_stanza_field(s, "Version");
    if (vf == NULL)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: line %zu: installed package without a Version field", c->path,
                                s->line);
    if (!valid_version(vf->value))
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: invalid version", c->path,
                                vf->line);
    const struct dpkg_field *af = dpkg_stanza_field(s, "Architecture");
    if (af != NULL && !valid_arch(af->value))
        return strata_error_set(err, STRATA_EFORMAT, "%s: line %zu: invalid architecture", c->path,
                                af->line);

    struct dpkg_pkg_list *l = c->out;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct dpkg_pkg *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return strata_error_nomem(err);
        l->v = v;
        l->cap = cap;
    }
    struct dpkg_pkg *p = &l->v[l->n];
    memset(p, 0, sizeof *p);
    p->line = s->line;
    p->name = strdup(pf->value);
    p->version = strdup(vf->value);
    p->arch = af ? strdup(af->value) : NULL;
    if (p->name == NULL || p->version == NULL || (af && p->arch == NULL)) {
        pkg_free(p);
        return strata_error_nomem(err);
    }
    const struct dpkg_field *srcf = dpkg_stanza_field(s, "Source");
    int rc = 0;
    if (srcf != NULL)
        rc = parse_source(c->path, srcf, &p->source_name, &p->source_version, err);
    if (rc == 0 && p->source_name == NULL && (p->source_name = strdup(p->name)) == NULL)
        rc = strata_error_nomem(err);
    if (rc == 0 && p->source_version == NULL && (p->source_version = strdup(p->version)) == NULL)
        rc = strata_error_nomem(err);
    if (rc != 0) {
        pkg_free(p);
        return rc;
    }
    l->n++;
    return 0;
}

int dpkg_parse_packages(const uint8_t *data, size_t len, const char *path, int status_optional,
                        struct dpkg_pkg_list *out, struct strata_error *err)
{
    struct pkg_ctx c = {path, status_optional, out};
    return dpkg_control_parse(data, len, path, on_stanza, &c, err);
}
