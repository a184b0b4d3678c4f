/* One way for language analyzers to add a package to the report, so every ecosystem fills
 * the same fields the same way (purl, db_path with a leading '/', layer and its diffID). */
#ifndef STRATA_INVENTORY_LANG_PACKAGE_H
#define STRATA_INVENTORY_LANG_PACKAGE_H

#include "strata/report.h"

struct lang_package {
    const char *type;           /* report type: "pypi", "maven", "cargo", "gem", … */
    const char *name;           /* as the ecosystem's advisories name it */
    const char *version;        /* as found (never normalised away from what was installed) */
    const char *purl;           /* a ready purl, else built from the three below */
    const char *purl_namespace; /* NULL when the type has none */
    const char *purl_name;      /* NULL: name */
    const char *path;     /* where it was found, normalized view path ("usr/lib/…") or absolute */
    int layer;            /* layer that wrote path, -1 for a filesystem */
    const char *license;  /* NULL when unknown */
    int direct;           /* 1, 0, or -1 unknown */
    int dev;              /* 1 development-only dependency */
    const char *lockfile; /* the lockfile that decided direct/dev, as path; NULL */
    int compiled_in;      /* statically linked into the binary at path */
};

/* Appends p to r (purl type = p->type). Returns 0 or STRATA_ENOMEM. */
int inventory_add_lang_package(struct strata_report *r, const struct lang_package *p);

#endif
