/* Debian copyright files (usr/share/doc/PKG/copyright): the licenses they state, as SPDX
 * expressions. Machine-readable ones (DEP-5, copyright-format 1.0) by their License fields;
 * free-form ones by the license texts and references they contain. See docs/licenses.md. */
#ifndef STRATA_LICENSES_DEBIAN_COPYRIGHT_H
#define STRATA_LICENSES_DEBIAN_COPYRIGHT_H

#include <stddef.h>
#include <stdint.h>

#define DEB_COPYRIGHT_MAX_BYTES (4u << 20)        /* larger files are not read (Boost's: 2 MB) */
#define DEB_COPYRIGHT_MAX_LICENSES 64             /* distinct expressions kept per file */
#define DEB_COPYRIGHT_MAX_PARAGRAPHS 20000        /* DEP-5 paragraphs read */
#define DEB_COPYRIGHT_CLASSIFY_BYTES (256u << 10) /* free-form text classified */

struct deb_copyright {
    int dep5; /* the first paragraph has a copyright-format Format field */
    /* DEP-5: the first line (synopsis) of the License field of the header and of every
     * Files paragraph that covers more than debian/, blanks collapsed, distinct, in order. */
    char **synopses;
    size_t n_synopses;
    /* The licenses: the synopses normalised (DEP-5), or what the text says (free-form, or a
     * DEP-5 file without License synopses); distinct SPDX expressions in order. */
    char **licenses;
    size_t n_licenses;
};

/* Reads a copyright file. Never fails on content: a file with a NUL byte or beyond
 * DEB_COPYRIGHT_MAX_BYTES states nothing. Returns 0 or STRATA_ENOMEM. */
int deb_copyright_parse(const uint8_t *data, size_t len, struct deb_copyright *out);
void deb_copyright_free(struct deb_copyright *c);

/* The free-form classifier alone, on text: appends the SPDX expressions found. Returns 0 or
 * STRATA_ENOMEM. */
int deb_copyright_classify(const char *text, size_t len, struct deb_copyright *out);

/* Appends a copy of expr to c->licenses unless it is there (for the classifier). Returns 0 or
 * STRATA_ENOMEM. */
int deb_copyright_add(struct deb_copyright *c, const char *expr);

#endif
