/* Python packaging metadata parsers: pure functions over bytes, no file system access.
 *
 *   METADATA (*.dist-info) and PKG-INFO (*.egg-info, directory or single file): the RFC 822
 *   style header block (Name, Version, License-Expression, License, Classifier), up to the
 *   first empty line;
 *   requirements*.txt: pinned "name==version" lines only;
 *   Pipfile.lock (JSON), poetry.lock and uv.lock (TOML);
 *   pyproject.toml and Pipfile: the names of the project's own dependencies (for "direct").
 *
 * Package names come out normalised as PEP 503 says (lowercase, runs of '-', '_', '.' -> '-'),
 * which is how the vulnerability database keys PyPI advisories. Every error names the file and
 * a position: "path:LINE:COL: …". */
#ifndef STRATA_INVENTORY_PYTHON_PARSE_H
#define STRATA_INVENTORY_PYTHON_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define PY_MAX_FILE (64u * 1024 * 1024)  /* lockfiles and requirements files */
#define PY_MAX_HEADER (1u * 1024 * 1024) /* the header block of METADATA / PKG-INFO */
#define PY_MAX_LINE 65536                /* a requirements line (after joining continuations) */
#define PY_MAX_PKGS 200000               /* packages per lockfile */
#define PY_MAX_DEPS 20000                /* dependency names per project file */
#define PY_MAX_NAME 256
#define PY_MAX_VERSION 256
#define PY_MAX_LICENSE 1024

enum py_dep_kind {
    PY_DEP_MAIN = 1, /* a runtime (or optional/extra) dependency of the project */
    PY_DEP_DEV = 2,  /* a development dependency (dev groups, dev-packages) */
};

/* An installed distribution's metadata. */
struct py_meta {
    char *name;    /* normalised (PEP 503) */
    char *version; /* as written */
    char *license; /* License-Expression, else a one-line License, else the License :: classifiers'
                      last parts joined with " OR "; NULL when none */
};

struct py_pkg {
    char *name; /* normalised */
    char *version;
    int direct;    /* 1, 0, -1 unknown */
    int dev;       /* 1 development only */
    unsigned line; /* where the entry starts */
};

struct py_pkg_list {
    struct py_pkg *v;
    size_t n, cap;
};

struct py_dep {
    char *name; /* normalised */
    int kind;   /* enum py_dep_kind bits */
};

/* The dependency names a project file (pyproject.toml, Pipfile) declares. */
struct py_project {
    struct py_dep *v;
    size_t n, cap;
};

void py_meta_free(struct py_meta *m);
void py_pkg_list_free(struct py_pkg_list *l);
void py_project_free(struct py_project *p);

/* Is s[0..n) a valid distribution name (PEP 508: letters, digits, '-', '_', '.', starting and
 * ending with a letter or digit), within PY_MAX_NAME? */
int py_valid_name(const char *s, size_t n);
/* The PEP 503 form of s[0..n) (malloc'd), NULL on ENOMEM. */
char *py_normalize(const char *s, size_t n);

/* METADATA / PKG-INFO. A file without a valid Name or a Version is an error. */
int py_parse_metadata(const uint8_t *data, size_t len, const char *path, struct py_meta *out,
                      struct strata_error *err);

/* Looks a normalised name up: its kind bits, 0 when not declared. */
int py_project_kind(const struct py_project *p, const char *name);

/* pyproject.toml: [project] dependencies and optional-dependencies, [dependency-groups],
 * [tool.uv] dev-dependencies, [tool.poetry] dependencies, dev-dependencies and
 * group.<name>.dependencies. */
int py_parse_pyproject(const uint8_t *data, size_t len, const char *path, struct py_project *out,
                       struct strata_error *err);
/* Pipfile: [packages] and [dev-packages]. */
int py_parse_pipfile(const uint8_t *data, size_t len, const char *path, struct py_project *out,
                     struct strata_error *err);

/* requirements*.txt: every package direct, none dev. */
int py_parse_requirements(const uint8_t *data, size_t len, const char *path,
                          struct py_pkg_list *out, struct strata_error *err);
/* Pipfile.lock. project (may be NULL) is the Pipfile next to it. */
int py_parse_pipfile_lock(const uint8_t *data, size_t len, const char *path,
                          const struct py_project *project, struct py_pkg_list *out,
                          struct strata_error *err);
/* poetry.lock. project (may be NULL) is the pyproject.toml next to it. */
int py_parse_poetry_lock(const uint8_t *data, size_t len, const char *path,
                         const struct py_project *project, struct py_pkg_list *out,
                         struct strata_error *err);
/* uv.lock: direct and dev come from the lock's own project entries. */
int py_parse_uv_lock(const uint8_t *data, size_t len, const char *path, struct py_pkg_list *out,
                     struct strata_error *err);

enum py_file_kind {
    PY_FILE_NONE = 0,
    PY_FILE_REQUIREMENTS,
    PY_FILE_PIPFILE_LOCK,
    PY_FILE_POETRY_LOCK,
    PY_FILE_UV_LOCK,
    PY_FILE_PYPROJECT,
    PY_FILE_PIPFILE,
};

/* What a base name is ("requirements-dev.txt" -> PY_FILE_REQUIREMENTS, …). */
enum py_file_kind py_file_kind(const char *basename);

/* Dispatches a lockfile (PY_FILE_REQUIREMENTS … PY_FILE_UV_LOCK) on the base name of path. */
int py_parse_lockfile(const uint8_t *data, size_t len, const char *path,
                      const struct py_project *project, struct py_pkg_list *out,
                      struct strata_error *err);

#endif
