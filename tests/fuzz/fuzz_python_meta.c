/* libFuzzer target: the Python parsers. The first input byte picks the parser (METADATA,
 * requirements.txt, Pipfile.lock, poetry.lock, uv.lock, pyproject.toml, Pipfile, Cargo.lock);
 * the rest is the file. Every error must name the file; every package must have a valid
 * normalised name and a version. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/cargo_lock.h"
#include "inventory/python_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {"a/METADATA",    "a/requirements.txt", "a/Pipfile.lock",
                                    "a/poetry.lock", "a/uv.lock",          "a/pyproject.toml",
                                    "a/Pipfile",     "a/Cargo.lock"};

static void check_pkgs(const struct py_pkg_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *n = l->v[i].name;
        if (!py_valid_name(n, strlen(n)) || l->v[i].version == NULL || l->v[i].version[0] == '\0')
            __builtin_trap();
        for (const char *c = n; *c; c++)
            if ((*c >= 'A' && *c <= 'Z') || *c == '_' || *c == '.' || (c[0] == '-' && c[1] == '-'))
                __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned which = data[0] & 7;
    const char *path = paths[which];
    data++;
    size--;
    struct strata_error err = {0};
    int rc;
    if (which == 0) {
        struct py_meta m;
        rc = py_parse_metadata(data, size, path, &m, &err);
        if (rc == 0) {
            if (m.name == NULL || m.version == NULL || !py_valid_name(m.name, strlen(m.name)))
                __builtin_trap();
            py_meta_free(&m);
        }
    } else if (which == 5 || which == 6) {
        struct py_project p;
        rc = which == 5 ? py_parse_pyproject(data, size, path, &p, &err)
                        : py_parse_pipfile(data, size, path, &p, &err);
        if (rc == 0)
            py_project_free(&p);
    } else if (which == 7) {
        struct cargo_pkg_list l;
        rc = cargo_lock_parse(data, size, path, &l, &err);
        if (rc == 0) {
            for (size_t i = 0; i < l.n; i++)
                if (!cargo_valid_name(l.v[i].name, strlen(l.v[i].name)) || !l.v[i].source)
                    __builtin_trap();
            cargo_pkg_list_free(&l);
        }
    } else {
        static const char pj[] = "[project]\ndependencies = [\"requests\"]\n[tool.poetry.group."
                                 "dev.dependencies]\npytest = \"*\"\n";
        struct py_project proj;
        struct strata_error perr = {0};
        if (py_parse_pyproject((const uint8_t *)pj, strlen(pj), "p", &proj, &perr) != 0)
            __builtin_trap();
        struct py_pkg_list l;
        rc = py_parse_lockfile(data, size, path, (size > 0 && (data[0] & 1)) ? &proj : NULL, &l,
                               &err);
        if (rc == 0) {
            check_pkgs(&l);
            py_pkg_list_free(&l);
        }
        py_project_free(&proj);
    }
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, path, strlen(path)) != 0)
        __builtin_trap();
    return 0;
}
