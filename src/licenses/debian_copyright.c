/* Debian copyright files: DEP-5 paragraphs (deb822 syntax: "Field: value", continuation lines
 * starting with a blank, paragraphs separated by blank lines, '#' comment lines) and the
 * free-form classifier (debian_classify.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "licenses/debian_copyright.h"
#include "strata/error.h"
#include "strata/license.h"

void deb_copyright_free(struct deb_copyright *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n_synopses; i++)
        free(c->synopses[i]);
    free(c->synopses);
    for (size_t i = 0; i < c->n_licenses; i++)
        free(c->licenses[i]);
    free(c->licenses);
    memset(c, 0, sizeof *c);
}

/* Appends s (taken) to v unless it is there; drops it beyond the bound. */
static int add_distinct(char ***v, size_t *n, char *s)
{
    if (s == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0) {
            free(s);
            return 0;
        }
    if (*n >= DEB_COPYRIGHT_MAX_LICENSES) {
        free(s);
        return 0;
    }
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (nv == NULL) {
        free(s);
        return STRATA_ENOMEM;
    }
    *v = nv;
    (*v)[(*n)++] = s;
    return 0;
}

int deb_copyright_add(struct deb_copyright *c, const char *expr)
{
    return add_distinct(&c->licenses, &c->n_licenses, strdup(expr));
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* s[0..n) with blanks trimmed and runs of blanks made one space. */
static char *collapse(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    if (o == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_blank(s[i])) {
            if (k > 0 && o[k - 1] != ' ')
                o[k++] = ' ';
            continue;
        }
        o[k++] = s[i];
    }
    while (k > 0 && o[k - 1] == ' ')
        k--;
    o[k] = '\0';
    return o;
}

struct paragraph {
    int has_files;
    int files_only_debian; /* every Files pattern is under debian/ */
    const char *license;   /* first line of License, NULL when absent */
    size_t license_len;
    const char *format;
    size_t format_len;
};

/* The words of a Files value (first line and continuations): all under "debian/"? */
static int only_debian(const char *v, size_t n)
{
    int any = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && (is_blank(v[i]) || v[i] == '\n'))
            i++;
        size_t s = i;
        while (i < n && !is_blank(v[i]) && v[i] != '\n')
            i++;
        if (i == s)
            continue;
        any = 1;
        if (i - s < 7 || strncmp(v + s, "debian/", 7) != 0)
            return 0;
    }
    return any;
}

static int field_is(const char *l, size_t kl, const char *name)
{
    return strlen(name) == kl && strncasecmp(l, name, kl) == 0;
}

static int end_paragraph(struct deb_copyright *c, struct paragraph *p, size_t index)
{
    int rc = 0;
    if (p->license != NULL && (index == 0 || (p->has_files && !p->files_only_debian))) {
        char *syn = collapse(p->license, p->license_len);
        if (syn == NULL)
            return STRATA_ENOMEM;
        if (*syn == '\0')
            free(syn);
        else
            rc = add_distinct(&c->synopses, &c->n_synopses, syn);
    }
    memset(p, 0, sizeof *p);
    return rc;
}

static int format_is_dep5(const char *v, size_t n)
{
    static const char *const marks[] = {"copyright-format", "dep5", "dep-5"};
    for (size_t k = 0; k < sizeof marks / sizeof *marks; k++) {
        size_t ml = strlen(marks[k]);
        for (size_t i = 0; i + ml <= n; i++)
            if (strncasecmp(v + i, marks[k], ml) == 0)
                return 1;
    }
    return 0;
}

/* Walks the paragraphs; the first decides whether the file is DEP-5 at all. */
static int parse_dep5(const char *d, size_t len, struct deb_copyright *c)
{
    struct paragraph p;
    memset(&p, 0, sizeof p);
    size_t index = 0, fields = 0;
    const char *files_v = NULL;
    size_t files_n = 0;
    int in_files = 0, rc = 0;
    for (size_t pos = 0; pos < len && rc == 0;) {
        const char *l = d + pos;
        const char *nl = memchr(l, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - l) : len - pos;
        pos += n + (nl != NULL);
        size_t b = 0;
        while (b < n && is_blank(l[b]))
            b++;
        if (b == n) { /* blank line: the paragraph ends */
            if (in_files)
                p.files_only_debian = only_debian(files_v, files_n);
            in_files = 0;
            if (fields > 0) {
                if (index == 0 && !format_is_dep5(p.format, p.format_len))
                    return 0;
                rc = end_paragraph(c, &p, index);
                index++;
                fields = 0;
                if (index >= DEB_COPYRIGHT_MAX_PARAGRAPHS)
                    break;
            }
            continue;
        }
        if (l[0] == '#')
            continue;
        if (b > 0) { /* continuation */
            if (in_files)
                files_n = (size_t)(l + n - files_v);
            continue;
        }
        if (in_files)
            p.files_only_debian = only_debian(files_v, files_n);
        in_files = 0;
        const char *colon = memchr(l, ':', n);
        if (colon == NULL)
            continue; /* not a field: tolerated, as the rest may still be read */
        size_t kl = (size_t)(colon - l);
        const char *v = colon + 1;
        size_t vn = n - kl - 1;
        while (vn > 0 && is_blank(*v))
            v++, vn--;
        fields++;
        if (field_is(l, kl, "License") && p.license == NULL) {
            p.license = v;
            p.license_len = vn;
        } else if (field_is(l, kl, "Files")) {
            p.has_files = 1;
            in_files = 1;
            files_v = v;
            files_n = vn;
        } else if (field_is(l, kl, "Format") && p.format == NULL) {
            p.format = v;
            p.format_len = vn;
        }
    }
    if (rc == 0 && fields > 0) {
        if (in_files)
            p.files_only_debian = only_debian(files_v, files_n);
        if (index == 0 && !format_is_dep5(p.format, p.format_len))
            return 0;
        rc = end_paragraph(c, &p, index);
        index++;
    }
    if (rc == 0 && index > 0)
        c->dep5 = 1;
    return rc;
}

int deb_copyright_parse(const uint8_t *data, size_t len, struct deb_copyright *out)
{
    memset(out, 0, sizeof *out);
    if (len > DEB_COPYRIGHT_MAX_BYTES || (len > 0 && memchr(data, '\0', len) != NULL))
        return 0;
    const char *d = (const char *)data;
    int rc = parse_dep5(d, len, out);
    for (size_t i = 0; rc == 0 && i < out->n_synopses; i++) {
        char *e = strata_license_normalize_lenient(out->synopses[i], strlen(out->synopses[i]));
        rc = add_distinct(&out->licenses, &out->n_licenses, e);
    }
    if (rc == 0 && out->n_licenses == 0)
        rc = deb_copyright_classify(d, len, out);
    if (rc != 0)
        deb_copyright_free(out);
    return rc;
}
