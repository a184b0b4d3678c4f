/* Free-form Debian copyright files: which licenses the text states, found by what licenses
 * say of themselves — the GNU licenses' "version N of the License, or (at your option) any
 * later version", references to /usr/share/common-licenses/NAME, and the characteristic
 * sentence of each permissive license (MIT's "Permission is hereby granted, free of charge",
 * BSD's "Redistribution and use in source and binary forms" with its clauses counted, zlib's
 * "including commercial applications", …). The text is compared lower-cased with comment
 * leaders removed and blanks collapsed, so line breaks and " * " gutters do not matter. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "licenses/debian_copyright.h"
#include "strata/error.h"

#define MAX_HITS 64
#define GNU_WINDOW 300   /* after "general public license": its version and "later" */
#define GNU_BACK 100     /* before it: "version 2 of the GNU General Public License" */
#define REF_BACK 1500    /* before a common-licenses reference: "any later version" */
#define BSD_CLAUSES 2000 /* after the BSD preamble: its clauses */

struct hit {
    size_t pos;
    char expr[64];
};

struct hits {
    struct hit v[MAX_HITS];
    size_t n;
};

static void hit(struct hits *h, size_t pos, const char *expr)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].expr, expr) == 0) {
            if (pos < h->v[i].pos)
                h->v[i].pos = pos;
            return;
        }
    if (h->n == MAX_HITS)
        return;
    h->v[h->n].pos = pos;
    snprintf(h->v[h->n].expr, sizeof h->v[h->n].expr, "%s", expr);
    h->n++;
}

/* Lower-case, comment gutters ("#", " * ", ">") dropped, blanks collapsed. */
static char *normalise(const char *s, size_t len, size_t *out_len)
{
    char *t = malloc(len + 1);
    if (t == NULL)
        return NULL;
    size_t k = 0;
    int line_start = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            line_start = 1;
            c = ' ';
        } else if (line_start) {
            if (c == ' ' || c == '\t' || c == '*' || c == '#' || c == '>' || c == '|') {
                c = ' ';
            } else if (c == '/' && i + 1 < len && s[i + 1] == '/') {
                i++;
                c = ' ';
            } else {
                line_start = 0;
            }
        }
        if (c == '\t' || c == '\r' || c == '\f' || c == '\v')
            c = ' ';
        if (c == ' ' && (k == 0 || t[k - 1] == ' '))
            continue;
        t[k++] = (char)tolower(c);
    }
    t[k] = '\0';
    *out_len = k;
    return t;
}

static const char *find(const char *t, size_t tl, size_t from, size_t to, const char *pat)
{
    if (to > tl)
        to = tl;
    if (from >= to)
        return NULL;
    return memmem(t + from, to - from, pat, strlen(pat));
}

static int contains_later(const char *t, size_t tl, size_t from, size_t to)
{
    return find(t, tl, from, to, "any later version") || find(t, tl, from, to, "or later") ||
           find(t, tl, from, to, "any later") || find(t, tl, from, to, "or newer");
}

/* "2", "2.0", "2.1", "3" after "version " at p; 0 when none. Writes "2.0", "2.1", … */
static int version_at(const char *p, const char *end, char *out, size_t cap)
{
    if (p >= end || !isdigit((unsigned char)*p))
        return 0;
    if (cap < 4 || (p + 1 < end && isdigit((unsigned char)p[1])))
        return 0; /* "version 20…": a date or something else */
    out[0] = *p;
    out[1] = '.';
    out[2] = p + 2 < end && p[1] == '.' && isdigit((unsigned char)p[2]) ? p[2] : '0';
    out[3] = '\0';
    return 1;
}

/* The last "version N" in t[from..to), or 0. */
static int last_version(const char *t, size_t tl, size_t from, size_t to, char *out, size_t cap)
{
    int found = 0;
    const char *p;
    while ((p = find(t, tl, from, to, "version ")) != NULL) {
        char v[8];
        if (version_at(p + 8, t + (to < tl ? to : tl), v, sizeof v)) {
            snprintf(out, cap, "%s", v);
            found = 1;
        }
        from = (size_t)(p - t) + 8;
    }
    return found;
}

static int first_version(const char *t, size_t tl, size_t from, size_t to, char *out, size_t cap)
{
    const char *p;
    while ((p = find(t, tl, from, to, "version ")) != NULL) {
        if (version_at(p + 8, t + (to < tl ? to : tl), out, cap))
            return 1;
        from = (size_t)(p - t) + 8;
    }
    return 0;
}

/* family-version as an SPDX id when that version of the family exists. */
static int gnu_id(const char *family, const char *version, int later, char *out, size_t cap)
{
    static const char *const valid[] = {"GPL-1.0",  "GPL-2.0",  "GPL-3.0",  "LGPL-2.0", "LGPL-2.1",
                                        "LGPL-3.0", "AGPL-3.0", "GFDL-1.1", "GFDL-1.2", "GFDL-1.3"};
    char base[16];
    snprintf(base, sizeof base, "%s-%s", family, version);
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
        if (strcmp(base, valid[i]) == 0) {
            snprintf(out, cap, "%s-%s", base, later ? "or-later" : "only");
            return 1;
        }
    return 0;
}

static void gnu_statements(const char *t, size_t tl, struct hits *h)
{
    static const char *const name = "general public licen";
    const char *p;
    size_t from = 0;
    while ((p = find(t, tl, from, tl, name)) != NULL) {
        size_t o = (size_t)(p - t), e = o + strlen(name) + 2; /* "…se" / "…ce" */
        const char *family = "GPL";
        if (o >= 7 && memcmp(p - 7, "lesser ", 7) == 0)
            family = "LGPL";
        else if (o >= 8 && memcmp(p - 8, "library ", 8) == 0)
            family = "LGPL";
        else if (o >= 7 && memcmp(p - 7, "affero ", 7) == 0)
            family = "AGPL";
        /* "the complete text of the GNU General Public License version 2 can be found in":
         * a pointer to a text, not a grant (the reference after it is read on its own) */
        size_t pb = o > 40 ? o - 40 : 0;
        if (find(t, tl, pb, o, "text of the ") || find(t, tl, pb, o, "copy of the ") ||
            find(t, tl, pb, o, "text of ") || find(t, tl, pb, o, "copies of the ") ||
            /* MPL 2.0's "Secondary License" definition quotes the GNU licenses */
            find(t, tl, pb, o, "means either the ") || find(t, tl, pb, o, "version 2.1, the ") ||
            find(t, tl, pb, o, "version 2.0, the ")) {
            from = e;
            continue;
        }
        const char *next = find(t, tl, e, tl, name);
        size_t wend = next ? (size_t)(next - t) : tl;
        if (wend > e + GNU_WINDOW)
            wend = e + GNU_WINDOW;
        size_t wback = o > GNU_BACK ? o - GNU_BACK : 0;
        char v[8], id[40];
        int have = first_version(t, tl, e, wend, v, sizeof v) ||
                   last_version(t, tl, wback, o, v, sizeof v);
        int later = contains_later(t, tl, e, wend) || contains_later(t, tl, wback, o);
        if (have && gnu_id(family, v, later, id, sizeof id))
            hit(h, o, id);
        from = e;
    }
    /* The GNU Free Documentation License */
    from = 0;
    while ((p = find(t, tl, from, tl, "free documentation licen")) != NULL) {
        size_t o = (size_t)(p - t), e = o + 26;
        char v[8], id[40];
        if (first_version(t, tl, e, e + GNU_WINDOW, v, sizeof v) &&
            gnu_id("GFDL", v, contains_later(t, tl, e, e + GNU_WINDOW), id, sizeof id))
            hit(h, o, id);
        from = e;
    }
}

struct ref {
    const char *name;   /* lower-case file name under /usr/share/common-licenses/ */
    const char *family; /* GNU family whose version and "later" come from the text */
    const char *version;
    const char *id; /* else: this id */
};

static const struct ref refs[] = {
    {"gpl-1", "GPL", "1.0", NULL},       {"gpl-2", "GPL", "2.0", NULL},
    {"gpl-3", "GPL", "3.0", NULL},       {"gpl", "GPL", NULL, NULL},
    {"lgpl-2", "LGPL", "2.0", NULL},     {"lgpl-2.1", "LGPL", "2.1", NULL},
    {"lgpl-3", "LGPL", "3.0", NULL},     {"lgpl", "LGPL", NULL, NULL},
    {"gfdl-1.2", "GFDL", "1.2", NULL},   {"gfdl-1.3", "GFDL", "1.3", NULL},
    {"gfdl", "GFDL", NULL, NULL},        {"artistic", NULL, NULL, "Artistic-1.0-Perl"},
    {"bsd", NULL, NULL, "BSD-3-Clause"}, {"apache-2.0", NULL, NULL, "Apache-2.0"},
    {"mpl-1.1", NULL, NULL, "MPL-1.1"},  {"mpl-2.0", NULL, NULL, "MPL-2.0"},
    {"cc0-1.0", NULL, NULL, "CC0-1.0"},
};

static void common_license_refs(const char *t, size_t tl, struct hits *h)
{
    static const char *const dir = "/usr/share/common-licenses/";
    size_t from = 0, prev_end = 0;
    const char *p;
    while ((p = find(t, tl, from, tl, dir)) != NULL) {
        size_t o = (size_t)(p - t), s = o + strlen(dir), e = s;
        while (e < tl &&
               (isalnum((unsigned char)t[e]) || t[e] == '.' || t[e] == '-' || t[e] == '+'))
            e++;
        size_t ne = e;
        while (ne > s && t[ne - 1] == '.') /* the end of a sentence */
            ne--;
        size_t back = o > REF_BACK ? o - REF_BACK : 0;
        if (back < prev_end)
            back = prev_end;
        for (size_t k = 0; k < sizeof refs / sizeof *refs; k++) {
            if (strlen(refs[k].name) != ne - s || memcmp(t + s, refs[k].name, ne - s) != 0)
                continue;
            char v[8], id[40];
            if (refs[k].id != NULL) {
                hit(h, o, refs[k].id);
            } else if (refs[k].version != NULL || last_version(t, tl, back, o, v, sizeof v)) {
                if (gnu_id(refs[k].family, refs[k].version ? refs[k].version : v,
                           contains_later(t, tl, back, o), id, sizeof id))
                    hit(h, o, id);
            } else {
                /* "licensed under the GPL, see /usr/share/common-licenses/GPL": any version */
                snprintf(id, sizeof id, "%s-%s-or-later", refs[k].family,
                         strcmp(refs[k].family, "GPL") == 0    ? "1.0"
                         : strcmp(refs[k].family, "LGPL") == 0 ? "2.0"
                                                               : "1.1");
                hit(h, o, id);
            }
            break;
        }
        prev_end = e;
        from = e;
    }
}

static void bsd_notices(const char *t, size_t tl, struct hits *h)
{
    static const char *const pre =
        "redistribution and use in source and binary forms, with or without modification, are "
        "permitted";
    size_t from = 0;
    const char *p;
    while ((p = find(t, tl, from, tl, pre)) != NULL) {
        size_t o = (size_t)(p - t), e = o + strlen(pre);
        const char *next = find(t, tl, e, tl, pre);
        size_t end = next ? (size_t)(next - t) : tl;
        if (end > e + BSD_CLAUSES)
            end = e + BSD_CLAUSES;
        const char *id = "BSD-2-Clause";
        if (find(t, tl, e, end, "all advertising materials mentioning"))
            id = "BSD-4-Clause";
        else if (find(t, tl, e, end, "neither the name") ||
                 find(t, tl, e, end, "may not be used to endorse or promote") ||
                 find(t, tl, e, end, "name of the author may not be used"))
            id = "BSD-3-Clause";
        hit(h, o, id);
        from = e;
    }
}

struct phrase {
    const char *text;
    const char *expr;
};

static const struct phrase phrases[] = {
    {"permission is hereby granted, free of charge, to any person obtaining a copy", "MIT"},
    {"permission to use, copy, modify, and/or distribute this software for any purpose with or "
     "without fee is hereby granted",
     "ISC"},
    {"permission to use, copy, modify, and distribute this software for any purpose with or "
     "without fee is hereby granted",
     "ISC"},
    {"permission to use, copy, modify, and distribute this software and its documentation for "
     "any purpose and without fee is hereby granted",
     "HPND"},
    {"permission to use, copy, modify, distribute, and sell this software and its documentation "
     "for any purpose is hereby granted without fee",
     "HPND-sell-variant"},
    {"hereby grant permission to use, copy, modify, distribute, and license this software and its "
     "documentation for any purpose",
     "TCL"},
    {"apache license, version 2.0", "Apache-2.0"},
    {"apache license version 2.0", "Apache-2.0"},
    {"apache license 2.0", "Apache-2.0"},
    {"permission is granted to anyone to use this software for any purpose, including commercial "
     "applications",
     "Zlib"},
    {"mozilla public license, v. 2.0", "MPL-2.0"},
    {"mozilla public license version 2.0", "MPL-2.0"},
    {"mozilla public license, version 2.0", "MPL-2.0"},
    {"mozilla public license version 1.1", "MPL-1.1"},
    {"mozilla public license, version 1.1", "MPL-1.1"},
    {"same terms as perl itself", "Artistic-1.0-Perl OR GPL-1.0-or-later"},
    {"this is free and unencumbered software released into the public domain", "Unlicense"},
    {"the public domain", "LicenseRef-public-domain"},
    {"boost software license", "BSL-1.0"},
    {"python software foundation license", "PSF-2.0"},
    {"psf license agreement", "PSF-2.0"},
    {"eclipse public license - v 2.0", "EPL-2.0"},
    {"eclipse public license v2.0", "EPL-2.0"},
    {"eclipse public license version 2.0", "EPL-2.0"},
    {"eclipse public license - v 1.0", "EPL-1.0"},
    {"eclipse public license v1.0", "EPL-1.0"},
    {"eclipse public license version 1.0", "EPL-1.0"},
    {"common development and distribution license (cddl) version 1.1", "CDDL-1.1"},
    {"common development and distribution license", "CDDL-1.0"},
    {"do what the fuck you want to public license", "WTFPL"},
    {"sil open font license", "OFL-1.1"},
    {"cc0 1.0 universal", "CC0-1.0"},
    {"the artistic license 2.0", "Artistic-2.0"},
};

int deb_copyright_classify(const char *text, size_t len, struct deb_copyright *out)
{
    if (len > DEB_COPYRIGHT_CLASSIFY_BYTES)
        len = DEB_COPYRIGHT_CLASSIFY_BYTES;
    size_t tl;
    char *t = normalise(text, len, &tl);
    if (t == NULL)
        return STRATA_ENOMEM;
    struct hits *h = calloc(1, sizeof *h);
    if (h == NULL) {
        free(t);
        return STRATA_ENOMEM;
    }
    gnu_statements(t, tl, h);
    common_license_refs(t, tl, h);
    bsd_notices(t, tl, h);
    int cddl11 = 0;
    for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++) {
        const char *p = find(t, tl, 0, tl, phrases[i].text);
        if (p == NULL)
            continue;
        if (strcmp(phrases[i].expr, "CDDL-1.1") == 0)
            cddl11 = 1;
        if (strcmp(phrases[i].expr, "CDDL-1.0") == 0 && cddl11)
            continue;
        hit(h, (size_t)(p - t), phrases[i].expr);
    }
    free(t);
    /* "GPL-2.0-only" next to "GPL-2.0-or-later": one statement seen twice, the second
     * time without its "any later version"; the Unlicense is also "the public domain". */
    int unlicense = 0;
    for (size_t i = 0; i < h->n; i++)
        unlicense |= strcmp(h->v[i].expr, "Unlicense") == 0;
    for (size_t i = 0; i < h->n; i++) {
        char *e = h->v[i].expr;
        size_t el = strlen(e);
        if (unlicense && strcmp(e, "LicenseRef-public-domain") == 0) {
            e[0] = '\0';
            continue;
        }
        if (el > 5 && strcmp(e + el - 5, "-only") == 0)
            for (size_t k = 0; k < h->n; k++) {
                const char *f = h->v[k].expr;
                if (strncmp(f, e, el - 5) == 0 && strcmp(f + el - 5, "-or-later") == 0) {
                    e[0] = '\0';
                    break;
                }
            }
    }
    /* in the order the text states them */
    for (size_t i = 1; i < h->n; i++)
        for (size_t k = i; k > 0 && h->v[k - 1].pos > h->v[k].pos; k--) {
            struct hit tmp = h->v[k];
            h->v[k] = h->v[k - 1];
            h->v[k - 1] = tmp;
        }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < h->n; i++)
        if (h->v[i].expr[0] != '\0')
            rc = deb_copyright_add(out, h->v[i].expr);
    free(h);
    return rc;
}
