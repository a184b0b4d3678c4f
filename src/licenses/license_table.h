/* The license data the normaliser works from: the SPDX identifiers with their categories
 * (license_table.c), and the aliases, key phrases and URLs that map what package managers
 * write onto them (license_alias.c). Data only; docs/licenses.md describes it. */
#ifndef STRATA_LICENSES_LICENSE_TABLE_H
#define STRATA_LICENSES_LICENSE_TABLE_H

#include <stddef.h>

enum lic_category {
    LIC_PERMISSIVE,
    LIC_WEAK_COPYLEFT,
    LIC_STRONG_COPYLEFT,
    LIC_NETWORK_COPYLEFT,
    LIC_FORBIDDEN,
    LIC_UNKNOWN,
};

struct lic_id {
    const char *id;          /* as the SPDX list spells it */
    unsigned char category;  /* enum lic_category */
    const char *replaced_by; /* deprecated ids: the expression that replaces them, else NULL */
};

/* Sorted by strcasecmp. */
extern const struct lic_id lic_ids[];
extern const size_t lic_n_ids;
extern const char *const lic_exceptions[];
extern const size_t lic_n_exceptions;

/* A name as package managers write it and the canonical SPDX expression it stands for. The
 * name is looked up by its key (license_name.c), so one entry covers its spelling variants
 * ("Apache 2", "Apache-2.0", "Apache License, Version 2.0"). */
struct lic_alias {
    const char *name;
    const char *expr;
};
extern const struct lic_alias lic_aliases[];
extern const size_t lic_n_aliases;
/* Exception names after WITH; expr may be "GPL-3|A|B": A when the license is a GPL-3.0 or
 * LGPL-3.0 one, else B (the Autoconf and GCC exceptions have one version per GPL version). */
extern const struct lic_alias lic_exception_aliases[];
extern const size_t lic_n_exception_aliases;

/* Word sequences of a key rewritten to one word ("general public" -> "gpl"); see
 * license_name.c for how keys are made. */
struct lic_phrase {
    const char *from; /* space-separated words */
    const char *to;   /* space-separated words, "" drops them */
};
extern const struct lic_phrase lic_phrases[];
extern const size_t lic_n_phrases;

/* Words dropped from keys ("license", "version", "the", …). */
extern const char *const lic_noise_words[];
extern const size_t lic_n_noise_words;

/* License URLs (scheme, "www.", and a trailing "/", ".txt", ".html", ".php" removed,
 * lowercased) and the expression each stands for; a prefix ending in '/' resolves the rest
 * of the URL as a license name ("opensource.org/licenses/" + "MIT"). */
struct lic_url {
    const char *url;
    const char *expr; /* NULL: resolve the rest as a name */
};
extern const struct lic_url lic_urls[];
extern const size_t lic_n_urls;

/* Case-insensitive exact lookups; NULL when absent. */
const struct lic_id *lic_find_id(const char *s, size_t n);
const char *lic_find_exception(const char *s, size_t n);

const char *lic_category_name(enum lic_category c);

#endif
