/* Python parsers (METADATA / PKG-INFO, requirements, Pipfile.lock, poetry.lock, uv.lock,
 * pyproject.toml, Pipfile), hostile inputs, and the python analyzer over synthetic views.
 * The METADATA and PKG-INFO texts are excerpts of files Debian 12 and pip install. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer_test_util.h"
#include "inventory/python_parse.h"

extern const struct strata_analyzer strata_analyzer_python;

#define U8(s) ((const uint8_t *)(s))

static const struct py_pkg *find(const struct py_pkg_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i];
    return NULL;
}

/* Debian 12 python3-jwt: /usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO */
static const char pyjwt_pkginfo[] = "Metadata-Version: 2.1\n"
                                    "Name: PyJWT\n"
                                    "Version: 2.6.0\n"
                                    "Summary: JSON Web Token implementation in Python\n"
                                    "Home-page: https://github.com/jpadilla/pyjwt\n"
                                    "Author: Jose Padilla\n"
                                    "Author-email: hello@jpadilla.com\n"
                                    "License: MIT\n"
                                    "Keywords: json,jwt,security,signing,token,web\n"
                                    "Classifier: Development Status :: 5 - Production/Stable\n"
                                    "Classifier: License :: OSI Approved :: MIT License\n"
                                    "Classifier: Programming Language :: Python :: 3 :: Only\n"
                                    "Requires-Python: >=3.7\n"
                                    "Description-Content-Type: text/x-rst\n"
                                    "Provides-Extra: crypto\n"
                                    "License-File: LICENSE\n"
                                    "License-File: AUTHORS.rst\n"
                                    "\n"
                                    "PyJWT\n"
                                    "=====\n";

/* pip's own dist-info (Metadata-Version 2.4 shape, Flask 3.1.3 as pip installs it). */
static const char flask_metadata[] =
    "Metadata-Version: 2.4\n"
    "Name: Flask\n"
    "Version: 3.1.3\n"
    "Summary: A simple framework for building complex web applications.\n"
    "Maintainer-email: Pallets <contact@palletsprojects.com>\n"
    "Requires-Python: >=3.9\n"
    "Description-Content-Type: text/markdown\n"
    "License-Expression: BSD-3-Clause\n"
    "Classifier: Development Status :: 5 - Production/Stable\n"
    "Requires-Dist: blinker>=1.9.0\n"
    "\n"
    "# Flask\n";

/* Debian 12 python3-toml: the whole license text continued in License (no license name). */
static const char toml_pkginfo[] = "Metadata-Version: 2.1\r\n"
                                   "Name: toml\r\n"
                                   "Version: 0.10.2\r\n"
                                   "License: The MIT License\r\n"
                                   "        \r\n"
                                   "        Copyright 2013-2019 William Pearson\r\n"
                                   "Classifier: License :: OSI Approved :: MIT License\r\n"
                                   "Classifier: License :: Public Domain\r\n"
                                   "\r\n"
                                   "Body: with a \0 NUL byte that is never read\r\n";

static void test_metadata(void **st)
{
    (void)st;
    struct py_meta m;
    struct strata_error err = {0};
    assert_int_equal(
        py_parse_metadata(U8(pyjwt_pkginfo), strlen(pyjwt_pkginfo), "a/PKG-INFO", &m, &err), 0);
    assert_string_equal(m.name, "pyjwt");
    assert_string_equal(m.version, "2.6.0");
    assert_string_equal(m.license, "MIT");
    py_meta_free(&m);
    assert_int_equal(
        py_parse_metadata(U8(flask_metadata), strlen(flask_metadata), "METADATA", &m, &err), 0);
    assert_string_equal(m.name, "flask");
    assert_string_equal(m.license, "BSD-3-Clause");
    py_meta_free(&m);
    assert_int_equal(
        py_parse_metadata(U8(toml_pkginfo), sizeof toml_pkginfo - 1, "PKG-INFO", &m, &err), 0);
    assert_string_equal(m.name, "toml");
    assert_string_equal(m.version, "0.10.2");
    assert_string_equal(m.license, "MIT License OR Public Domain");
    py_meta_free(&m);
    static const char unknown[] = "Name: Zope.Interface__x\nVersion: 5.0\nLicense: UNKNOWN\n";
    assert_int_equal(py_parse_metadata(U8(unknown), strlen(unknown), "P", &m, &err), 0);
    assert_string_equal(m.name, "zope-interface-x");
    assert_null(m.license);
    py_meta_free(&m);
    /* No body, no final newline; field names are case-insensitive. */
    static const char bare[] = "name: six\nversion: 1.16.0";
    assert_int_equal(py_parse_metadata(U8(bare), strlen(bare), "P", &m, &err), 0);
    assert_string_equal(m.version, "1.16.0");
    py_meta_free(&m);
}

static void test_metadata_hostile(void **st)
{
    (void)st;
    struct py_meta m;
    struct strata_error err = {0};
    static const char noname[] = "Metadata-Version: 2.1\nVersion: 1.0\n\nName: late\n";
    expect_err(py_parse_metadata(U8(noname), strlen(noname), "x/METADATA", &m, &err), &err,
               "x/METADATA:1:1: no Name field");
    static const char badname[] = "Name: ../../etc\nVersion: 1\n";
    expect_err(py_parse_metadata(U8(badname), strlen(badname), "M", &m, &err), &err,
               "M:1:7: Name is not a valid distribution name");
    static const char nover[] = "Name: a\n";
    expect_err(py_parse_metadata(U8(nover), strlen(nover), "M", &m, &err), &err,
               "M:1:1: no Version field");
    static const char badver[] = "Name: a\nVersion: 1 2\n";
    expect_err(py_parse_metadata(U8(badver), strlen(badver), "M", &m, &err), &err,
               "M:2:10: Version is not a version");
    static const char nul[] = "Name: a\nVersion: 1\nLic\0ense: x\n";
    expect_err(py_parse_metadata(U8(nul), sizeof nul - 1, "M", &m, &err), &err, "M:3:4: NUL byte");
    static const char junk[] = "Name: a\nthis is not a header\n";
    expect_err(py_parse_metadata(U8(junk), strlen(junk), "M", &m, &err), &err,
               "M:2:1: not a \"Field: value\" line");
    /* A header block without end: bounded. */
    size_t n = PY_MAX_HEADER + 100;
    char *big = malloc(n);
    assert_non_null(big);
    memcpy(big, "Name: a\nVersion: 1\nX: ", 22);
    memset(big + 22, 'x', n - 22);
    int rc = py_parse_metadata(U8(big), n, "M", &m, &err);
    assert_int_equal(rc, STRATA_ELIMIT);
    expect_err(rc, &err, "M:3:1: header block longer than");
    free(big);
    /* Invalid UTF-8 in a license is dropped, not reported. */
    static const char lat1[] = "Name: a\nVersion: 1\nLicense: Copyright \xe9 x\n";
    assert_int_equal(py_parse_metadata(U8(lat1), strlen(lat1), "M", &m, &err), 0);
    assert_null(m.license);
    py_meta_free(&m);
}

static void test_names(void **st)
{
    (void)st;
    char *s = py_normalize("Foo._-Bar", 9);
    assert_string_equal(s, "foo-bar");
    free(s);
    assert_true(py_valid_name("a", 1));
    assert_true(py_valid_name("zope.interface", 14));
    assert_false(py_valid_name("-a", 2));
    assert_false(py_valid_name("a-", 2));
    assert_false(py_valid_name("a b", 3));
    assert_false(py_valid_name("", 0));
    assert_int_equal(py_file_kind("requirements.txt"), PY_FILE_REQUIREMENTS);
    assert_int_equal(py_file_kind("requirements-dev.txt"), PY_FILE_REQUIREMENTS);
    assert_int_equal(py_file_kind("dev-requirements.txt"), PY_FILE_REQUIREMENTS);
    assert_int_equal(py_file_kind("requirements.in"), PY_FILE_NONE);
    assert_int_equal(py_file_kind("notes.txt"), PY_FILE_NONE);
    assert_int_equal(py_file_kind("uv.lock"), PY_FILE_UV_LOCK);
    assert_int_equal(py_file_kind("Pipfile"), PY_FILE_PIPFILE);
}

/* As pip-compile writes it (with hashes), plus hand-written forms. */
static const char requirements[] =
    "#\n"
    "# This file is autogenerated by pip-compile with Python 3.11\n"
    "#    pip-compile --generate-hashes requirements.in\n"
    "#\n"
    "--index-url https://pypi.org/simple\n"
    "-r base.txt\n"
    "-c constraints.txt\n"
    "-e git+https://github.com/x/y.git#egg=y\n"
    "certifi==2018.4.16 \\\n"
    "    --hash=sha256:13e698f54293db9f89122b0581843a782ad0934a4fe0172d2a980ba77fc61bb7 \\\n"
    "    --hash=sha256:9fa520c1bacfb634fa7af20a76bcbd3d5fb390481724c597da32c719a7dca4b0\n"
    "    # via requests\n"
    "Requests[security,socks] == 2.19.0  # pinned\n"
    "PyYAML===5.3\n"
    "urllib3==1.24.1 ; python_version < \"3.8\"\n"
    "django>=2.2\n"
    "flask==1.*\n"
    "jinja2 @ https://example.com/Jinja2-2.10.tar.gz\n"
    "six==1.16.0,!=1.16.1\n"
    "idna==2.7#not-a-comment\n"
    "   \n"
    "zope.interface==4.5.0";

static void test_requirements(void **st)
{
    (void)st;
    struct py_pkg_list l;
    struct strata_error err = {0};
    assert_int_equal(
        py_parse_requirements(U8(requirements), strlen(requirements), "requirements.txt", &l, &err),
        0);
    assert_int_equal(l.n, 6);
    const struct py_pkg *p = find(&l, "certifi");
    assert_non_null(p);
    assert_string_equal(p->version, "2018.4.16");
    assert_int_equal(p->line, 9);
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 0);
    assert_string_equal(find(&l, "requests")->version, "2.19.0");
    assert_int_equal(find(&l, "requests")->line, 13);
    assert_string_equal(find(&l, "pyyaml")->version, "5.3");
    assert_string_equal(find(&l, "urllib3")->version, "1.24.1");
    assert_string_equal(find(&l, "idna")->version, "2.7#not-a-comment");
    assert_string_equal(find(&l, "zope-interface")->version, "4.5.0");
    assert_null(find(&l, "django"));
    assert_null(find(&l, "flask"));
    assert_null(find(&l, "jinja2"));
    assert_null(find(&l, "six"));
    py_pkg_list_free(&l);

    /* Hostile: NUL, an endless continuation, a huge line. */
    static const char nul[] = "a==1\nb==\0"
                              "2\n";
    expect_err(py_parse_requirements(U8(nul), sizeof nul - 1, "r.txt", &l, &err), &err,
               "r.txt: line 2: NUL byte");
    size_t n = 40000;
    char *cont = malloc(n * 3 + 1);
    assert_non_null(cont);
    for (size_t i = 0; i < n; i++)
        memcpy(cont + i * 3, "x\\\n", 3);
    int rc = py_parse_requirements(U8(cont), n * 3, "r.txt", &l, &err);
    expect_err(rc, &err, "r.txt:1:1: logical line longer than");
    free(cont);
    char *lng = malloc(PY_MAX_LINE + 10);
    assert_non_null(lng);
    memset(lng, 'a', PY_MAX_LINE + 10);
    expect_err(py_parse_requirements(U8(lng), PY_MAX_LINE + 10, "r.txt", &l, &err), &err,
               "r.txt: line 1: longer than");
    free(lng);
}

/* pipenv lock output (Pipfile.lock spec 6). */
static const char pipfile_lock[] =
    "{\n"
    "    \"_meta\": {\n"
    "        \"hash\": {\"sha256\": \"8a1c\"},\n"
    "        \"pipfile-spec\": 6,\n"
    "        \"requires\": {\"python_version\": \"3.11\"},\n"
    "        \"sources\": [{\"name\": \"pypi\", \"url\": \"https://pypi.org/simple\", "
    "\"verify_ssl\": true}]\n"
    "    },\n"
    "    \"default\": {\n"
    "        \"requests\": {\n"
    "            \"hashes\": "
    "[\"sha256:421cfc8f7a5a6e5ff0e2e5ba1ff2c6a9a4d34a3c0b8c2c4a6bfe5c5d4d1e7b1c\"],\n"
    "            \"index\": \"pypi\",\n"
    "            \"version\": \"==2.19.0\"\n"
    "        },\n"
    "        \"urllib3\": {\"hashes\": [], \"markers\": \"python_version >= '2.7'\", "
    "\"version\": \"==1.24.1\"},\n"
    "        \"mylib\": {\"editable\": true, \"path\": \".\"},\n"
    "        \"idna\": {\"version\": \"==2.7\"}\n"
    "    },\n"
    "    \"develop\": {\n"
    "        \"pytest\": {\"version\": \"==3.6.0\"},\n"
    "        \"idna\": {\"version\": \"==2.7\"},\n"
    "        \"py\": {\"version\": \"==1.5.3\"}\n"
    "    }\n"
    "}\n";

static const char pipfile[] = "[[source]]\n"
                              "url = \"https://pypi.org/simple\"\n"
                              "verify_ssl = true\n"
                              "name = \"pypi\"\n"
                              "\n"
                              "[packages]\n"
                              "requests = \"==2.19.0\"\n"
                              "mylib = {editable = true, path = \".\"}\n"
                              "\n"
                              "[dev-packages]\n"
                              "pytest = \"*\"\n"
                              "\n"
                              "[requires]\n"
                              "python_version = \"3.11\"\n";

static void test_pipfile_lock(void **st)
{
    (void)st;
    struct py_project proj;
    struct strata_error err = {0};
    assert_int_equal(py_parse_pipfile(U8(pipfile), strlen(pipfile), "Pipfile", &proj, &err), 0);
    assert_int_equal(py_project_kind(&proj, "requests"), PY_DEP_MAIN);
    assert_int_equal(py_project_kind(&proj, "pytest"), PY_DEP_DEV);
    assert_int_equal(py_project_kind(&proj, "urllib3"), 0);
    struct py_pkg_list l;
    assert_int_equal(py_parse_pipfile_lock(U8(pipfile_lock), strlen(pipfile_lock), "Pipfile.lock",
                                           &proj, &l, &err),
                     0);
    assert_int_equal(l.n, 5);
    const struct py_pkg *p = find(&l, "requests");
    assert_string_equal(p->version, "2.19.0");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 0);
    p = find(&l, "urllib3");
    assert_int_equal(p->direct, 0);
    p = find(&l, "idna");
    assert_int_equal(p->dev, 0); /* in both sections */
    p = find(&l, "pytest");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 1);
    assert_int_equal(find(&l, "py")->dev, 1);
    assert_null(find(&l, "mylib"));
    py_pkg_list_free(&l);
    /* Without the Pipfile, direct is unknown. */
    assert_int_equal(py_parse_pipfile_lock(U8(pipfile_lock), strlen(pipfile_lock), "Pipfile.lock",
                                           NULL, &l, &err),
                     0);
    assert_int_equal(find(&l, "requests")->direct, -1);
    py_pkg_list_free(&l);
    py_project_free(&proj);

    static const char trunc[] = "{\n\"default\": {\"a\": {\"version\": \"==1\"";
    expect_err(py_parse_pipfile_lock(U8(trunc), strlen(trunc), "P.lock", NULL, &l, &err), &err,
               "P.lock:2:");
    static const char wrong[] = "{\"default\": []}";
    expect_err(py_parse_pipfile_lock(U8(wrong), strlen(wrong), "P.lock", NULL, &l, &err), &err,
               "P.lock: default: not an object");
    static const char wver[] = "{\"develop\": {\"a\": {\"version\": 1}}}";
    expect_err(py_parse_pipfile_lock(U8(wver), strlen(wver), "P.lock", NULL, &l, &err), &err,
               "P.lock: develop[\"a\"].version: not a string");
    static const char wname[] = "{\"default\": {\"../x\": {\"version\": \"==1\"}}}";
    expect_err(py_parse_pipfile_lock(U8(wname), strlen(wname), "P.lock", NULL, &l, &err), &err,
               "P.lock: default[\"../x\"]: not a valid distribution name");
    static const char dup[] = "{\"default\": {}, \"default\": {}}";
    expect_err(py_parse_pipfile_lock(U8(dup), strlen(dup), "P.lock", NULL, &l, &err), &err,
               "P.lock:1:");
}

/* Poetry 1.4 (lock-version 1.1 with category) and Poetry 2 (lock-version 2.1 with groups). */
static const char poetry_old[] =
    "[[package]]\n"
    "name = \"jinja2\"\n"
    "version = \"2.10\"\n"
    "description = \"A small but fast and easy to use stand-alone template engine written in "
    "pure python.\"\n"
    "category = \"main\"\n"
    "optional = false\n"
    "python-versions = \"*\"\n"
    "\n"
    "[package.dependencies]\n"
    "MarkupSafe = \">=0.23\"\n"
    "\n"
    "[package.extras]\n"
    "i18n = [\"Babel (>=0.8)\"]\n"
    "\n"
    "[[package]]\n"
    "name = \"MarkupSafe\"\n"
    "version = \"1.1.1\"\n"
    "description = \"Safely add untrusted strings to HTML/XML markup.\"\n"
    "category = \"main\"\n"
    "optional = false\n"
    "python-versions = \">=2.7,!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*\"\n"
    "\n"
    "[[package]]\n"
    "name = \"pytest\"\n"
    "version = \"3.6.0\"\n"
    "description = \"pytest: simple powerful testing with Python\"\n"
    "category = \"dev\"\n"
    "optional = false\n"
    "python-versions = \">=2.7\"\n"
    "\n"
    "[[package]]\n"
    "name = \"mylib\"\n"
    "version = \"0.1.0\"\n"
    "description = \"\"\n"
    "category = \"main\"\n"
    "optional = false\n"
    "python-versions = \"^3.8\"\n"
    "develop = true\n"
    "\n"
    "[package.source]\n"
    "type = \"directory\"\n"
    "url = \"../mylib\"\n"
    "\n"
    "[metadata]\n"
    "lock-version = \"1.1\"\n"
    "python-versions = \"^3.8\"\n"
    "content-hash = \"d6d2c0c5d2ea3c6c0bbbbd4b6d1e9e3b5a4d2b1a0f9e8d7c6b5a4f3e2d1c0b9a\"\n"
    "\n"
    "[metadata.files]\n"
    "jinja2 = [\n"
    "    {file = \"Jinja2-2.10-py2.py3-none-any.whl\", hash = "
    "\"sha256:74c935a1b8bb9a3947c50a54766a969d4846290e1e788ea44c1392163723c3bd\"},\n"
    "]\n";

static const char poetry_new[] =
    "# This file is automatically @generated by Poetry 2.0.1 and should not be changed by "
    "hand.\n"
    "\n"
    "[[package]]\n"
    "name = \"django\"\n"
    "version = \"2.2\"\n"
    "description = \"A high-level Python Web framework.\"\n"
    "optional = false\n"
    "python-versions = \">=3.5\"\n"
    "groups = [\"main\"]\n"
    "files = [\n"
    "    {file = \"Django-2.2-py3-none-any.whl\", hash = "
    "\"sha256:a2814bffd1f007805b19194eb0b9a331933b82bd5da1c3ba3d7b7ba16e06dc4b\"},\n"
    "]\n"
    "\n"
    "[package.dependencies]\n"
    "pytz = \"*\"\n"
    "sqlparse = \"*\"\n"
    "\n"
    "[[package]]\n"
    "name = \"py\"\n"
    "version = \"1.5.3\"\n"
    "description = \"library with cross-python path, ini-parsing, io, code, log facilities\"\n"
    "optional = false\n"
    "python-versions = \">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*\"\n"
    "groups = [\"dev\", \"test\"]\n"
    "\n"
    "[[package]]\n"
    "name = \"pytz\"\n"
    "version = \"2019.1\"\n"
    "description = \"World timezone definitions, modern and historical\"\n"
    "optional = false\n"
    "python-versions = \"*\"\n"
    "groups = [\"main\", \"dev\"]\n"
    "\n"
    "[metadata]\n"
    "lock-version = \"2.1\"\n"
    "python-versions = \">=3.9\"\n"
    "content-hash = \"0123\"\n";

static const char pyproject_poetry[] = "[tool.poetry]\n"
                                       "name = \"app\"\n"
                                       "version = \"0.1.0\"\n"
                                       "\n"
                                       "[tool.poetry.dependencies]\n"
                                       "python = \"^3.9\"\n"
                                       "Django = \"2.2\"\n"
                                       "Jinja2 = {version = \"2.10\", optional = true}\n"
                                       "\n"
                                       "[tool.poetry.group.test.dependencies]\n"
                                       "pytest = \"^3\"\n"
                                       "\n"
                                       "[tool.poetry.dev-dependencies]\n"
                                       "py = \"*\"\n"
                                       "\n"
                                       "[build-system]\n"
                                       "requires = [\"poetry-core\"]\n"
                                       "build-backend = \"poetry.core.masonry.api\"\n";

static void test_poetry(void **st)
{
    (void)st;
    struct py_project proj;
    struct strata_error err = {0};
    assert_int_equal(py_parse_pyproject(U8(pyproject_poetry), strlen(pyproject_poetry),
                                        "pyproject.toml", &proj, &err),
                     0);
    assert_int_equal(py_project_kind(&proj, "django"), PY_DEP_MAIN);
    assert_int_equal(py_project_kind(&proj, "jinja2"), PY_DEP_MAIN);
    assert_int_equal(py_project_kind(&proj, "pytest"), PY_DEP_DEV);
    assert_int_equal(py_project_kind(&proj, "py"), PY_DEP_DEV);
    assert_int_equal(py_project_kind(&proj, "python"), 0);
    struct py_pkg_list l;
    assert_int_equal(
        py_parse_poetry_lock(U8(poetry_old), strlen(poetry_old), "poetry.lock", &proj, &l, &err),
        0);
    assert_int_equal(l.n, 3);
    const struct py_pkg *p = find(&l, "jinja2");
    assert_string_equal(p->version, "2.10");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 0);
    assert_int_equal(p->line, 1);
    p = find(&l, "markupsafe");
    assert_int_equal(p->direct, 0);
    assert_int_equal(p->line, 15);
    p = find(&l, "pytest");
    assert_int_equal(p->dev, 1);
    assert_null(find(&l, "mylib"));
    py_pkg_list_free(&l);
    assert_int_equal(
        py_parse_poetry_lock(U8(poetry_new), strlen(poetry_new), "poetry.lock", NULL, &l, &err), 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(find(&l, "django")->dev, 0);
    assert_int_equal(find(&l, "django")->direct, -1);
    assert_int_equal(find(&l, "py")->dev, 1);
    assert_int_equal(find(&l, "pytz")->dev, 0);
    py_pkg_list_free(&l);
    py_project_free(&proj);

    /* PEP 621 and PEP 735 projects. */
    static const char pep621[] = "[project]\n"
                                 "name = \"app\"\n"
                                 "dependencies = [\"Requests[socks]>=2.19 ; python_version>'3'\","
                                 " \"git+https://x/y.git\"]\n"
                                 "[project.optional-dependencies]\n"
                                 "yaml = [\"PyYAML\"]\n"
                                 "[dependency-groups]\n"
                                 "dev = [\"pytest>=8\", {include-group = \"lint\"}]\n"
                                 "[tool.uv]\n"
                                 "dev-dependencies = [\"ruff\"]\n";
    assert_int_equal(py_parse_pyproject(U8(pep621), strlen(pep621), "pyproject.toml", &proj, &err),
                     0);
    assert_int_equal(proj.n, 4);
    assert_int_equal(py_project_kind(&proj, "requests"), PY_DEP_MAIN);
    assert_int_equal(py_project_kind(&proj, "pyyaml"), PY_DEP_MAIN);
    assert_int_equal(py_project_kind(&proj, "pytest"), PY_DEP_DEV);
    assert_int_equal(py_project_kind(&proj, "ruff"), PY_DEP_DEV);
    py_project_free(&proj);

    /* Hostile lockfiles: positions from the TOML reader and from the entries. */
    static const char noname[] = "[[package]]\nversion = \"1\"\n";
    expect_err(py_parse_poetry_lock(U8(noname), strlen(noname), "p.lock", NULL, &l, &err), &err,
               "p.lock:1:1: package without a valid name");
    static const char nover[] = "[[package]]\nname = \"a\"\n";
    expect_err(py_parse_poetry_lock(U8(nover), strlen(nover), "p.lock", NULL, &l, &err), &err,
               "p.lock:1:1: package a has no version");
    static const char badver[] = "[[package]]\nname = \"a\"\nversion = 1\n";
    expect_err(py_parse_poetry_lock(U8(badver), strlen(badver), "p.lock", NULL, &l, &err), &err,
               "p.lock:3:11: package a: bad version");
    static const char notarr[] = "package = 1\n";
    expect_err(py_parse_poetry_lock(U8(notarr), strlen(notarr), "p.lock", NULL, &l, &err), &err,
               "p.lock:1:11: \"package\" is not an array");
    static const char unterminated[] = "[[package]]\nname = \"a\nversion = \"1\"\n";
    expect_err(
        py_parse_poetry_lock(U8(unterminated), strlen(unterminated), "p.lock", NULL, &l, &err),
        &err, "p.lock:2:10: newline in a single-line string");
    static const char dupkey[] = "[[package]]\nname = \"a\"\nname = \"b\"\n";
    expect_err(py_parse_poetry_lock(U8(dupkey), strlen(dupkey), "p.lock", NULL, &l, &err), &err,
               "p.lock:3:1: duplicate key \"name\"");
}

/* uv 0.5 lock file shape (version = 1). */
static const char uv_lock[] =
    "version = 1\n"
    "requires-python = \">=3.11\"\n"
    "\n"
    "[[package]]\n"
    "name = \"app\"\n"
    "version = \"0.1.0\"\n"
    "source = { editable = \".\" }\n"
    "dependencies = [\n"
    "    { name = \"requests\" },\n"
    "]\n"
    "\n"
    "[package.optional-dependencies]\n"
    "yaml = [\n"
    "    { name = \"pyyaml\" },\n"
    "]\n"
    "\n"
    "[package.dev-dependencies]\n"
    "dev = [\n"
    "    { name = \"pytest\" },\n"
    "]\n"
    "\n"
    "[package.metadata]\n"
    "requires-dist = [\n"
    "    { name = \"pyyaml\", marker = \"extra == 'yaml'\", specifier = \"==5.3\" },\n"
    "    { name = \"requests\", specifier = \"==2.19.0\" },\n"
    "]\n"
    "\n"
    "[package.metadata.requires-dev]\n"
    "dev = [{ name = \"pytest\", specifier = \">=8\" }]\n"
    "\n"
    "[[package]]\n"
    "name = \"pytest\"\n"
    "version = \"8.3.3\"\n"
    "source = { registry = \"https://pypi.org/simple\" }\n"
    "sdist = { url = \"https://files.pythonhosted.org/packages/pytest-8.3.3.tar.gz\", hash = "
    "\"sha256:70b98107bd648308a7952b06e6ca9a50bc660be218d53c257cc1fc94fda10181\", size = 1442487 "
    "}\n"
    "wheels = [\n"
    "    { url = \"https://files.pythonhosted.org/packages/pytest-8.3.3-py3-none-any.whl\", hash = "
    "\"sha256:a6853c7375b2663155079443d2e45de913a911a11d669df02a50814944db57b2\", size = 342341 "
    "},\n"
    "]\n"
    "\n"
    "[[package]]\n"
    "name = \"PyYAML\"\n"
    "version = \"5.3\"\n"
    "source = { registry = \"https://pypi.org/simple\" }\n"
    "\n"
    "[[package]]\n"
    "name = \"requests\"\n"
    "version = \"2.19.0\"\n"
    "source = { registry = \"https://pypi.org/simple\" }\n"
    "dependencies = [\n"
    "    { name = \"urllib3\" },\n"
    "]\n"
    "\n"
    "[[package]]\n"
    "name = \"urllib3\"\n"
    "version = \"1.24.1\"\n"
    "source = { registry = \"https://pypi.org/simple\" }\n"
    "\n"
    "[[package]]\n"
    "name = \"shared\"\n"
    "version = \"0.2.0\"\n"
    "source = { virtual = \"packages/shared\" }\n";

static void test_uv(void **st)
{
    (void)st;
    struct py_pkg_list l;
    struct strata_error err = {0};
    assert_int_equal(py_parse_uv_lock(U8(uv_lock), strlen(uv_lock), "uv.lock", &l, &err), 0);
    assert_int_equal(l.n, 4);
    const struct py_pkg *p = find(&l, "requests");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 0);
    p = find(&l, "pyyaml");
    assert_int_equal(p->direct, 1);
    assert_string_equal(p->version, "5.3");
    p = find(&l, "pytest");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 1);
    assert_int_equal(p->line, 31);
    p = find(&l, "urllib3");
    assert_int_equal(p->direct, 0);
    assert_null(find(&l, "app"));
    assert_null(find(&l, "shared"));
    py_pkg_list_free(&l);
    static const char nover[] = "version = 1\n[[package]]\nname = \"x\"\nsource = { registry = "
                                "\"https://pypi.org/simple\" }\n";
    expect_err(py_parse_uv_lock(U8(nover), strlen(nover), "uv.lock", &l, &err), &err,
               "uv.lock:2:1: package x has no version");
    static const char inl[] = "[[package]]\nname = \"x\"\nsource = { registry = \"r\" }\n"
                              "[package.source]\n";
    expect_err(py_parse_uv_lock(U8(inl), strlen(inl), "uv.lock", &l, &err), &err,
               "uv.lock:4:1: table \"source\" is already defined");
}

/* ---- the analyzer ---- */

#define META(n, v) "Metadata-Version: 2.1\nName: " n "\nVersion: " v "\nLicense: MIT\n\nbody\n"
#define SP "usr/local/lib/python3.11/site-packages/"
#define DP "usr/lib/python3/dist-packages/"

static void test_analyzer_image(void **st)
{
    (void)st;
    static const struct at_file l0[] = {
        /* Debian's shapes: egg-info directories, a distribution with both forms. */
        AT_FILE(DP "PyJWT-2.6.0.egg-info/PKG-INFO", pyjwt_pkginfo),
        AT_FILE(DP "cryptography-38.0.4.dist-info/METADATA", META("cryptography", "38.0.4")),
        AT_FILE(DP "cryptography.egg-info/PKG-INFO", META("cryptography", "38.0.4")),
        /* Single-file egg-info (distutils' install_egg_info). */
        AT_FILE("usr/lib/python3.7/dist-packages/python_apt-1.8.4.egg-info",
                META("python-apt", "1.8.4")),
        /* pip into /usr/local, and a venv. */
        AT_FILE(SP "requests-2.19.0.dist-info/METADATA", META("requests", "2.19.0")),
        AT_FILE(SP "requests-2.19.0.dist-info/RECORD", "requests/__init__.py,,\n"),
        AT_FILE(SP "urllib3-1.24.1.dist-info/METADATA", META("urllib3", "1.24.1")),
        AT_FILE("opt/venv/lib/python3.11/site-packages/PyYAML-5.3.dist-info/METADATA",
                META("PyYAML", "5.3")),
        /* Not installed distributions: a source tree's egg-info, a test fixture. */
        AT_FILE("src/app/app.egg-info/PKG-INFO", META("app", "0.0.1")),
        AT_FILE(SP "broken-1.0.dist-info/METADATA", "Name: broken\n"),
        AT_FILE(SP ".dist-info/METADATA", META("nameless", "1")),
        AT_FILE(SP ".egg-info", META("nameless", "1")),
        AT_FILE(DP "z.egg-info", META("z", "1.0")),
        /* Lockfiles in images are not read by this analyzer. */
        AT_FILE("app/requirements.txt", "django==2.2.0\n"),
        AT_FILE("app/poetry.lock", "this is not TOML"),
        AT_END,
    };
    static const struct at_file l1[] = {
        /* pip install -U urllib3: the old dist-info is removed, the new one written. */
        AT_WHITEOUT(SP "urllib3-1.24.1.dist-info"),
        AT_FILE(SP "urllib3-1.26.5.dist-info/METADATA", META("urllib3", "1.26.5")),
        /* A later layer rewrites requests' METADATA in place. */
        AT_FILE(SP "requests-2.19.0.dist-info/METADATA", META("requests", "2.19.0")),
        AT_END,
    };
    const struct at_file *layers[] = {l0, l1};
    const char *ids[] = {"sha256:00", "sha256:11"};
    struct at_image im;
    struct strata_error err = {0};
    at_build(&im, &strata_analyzer_python, layers, 2, ids);
    int rc = at_finish(&im, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(im.report->n_packages, 7);
    assert_non_null(at_pkg(im.report, "z", NULL));
    assert_null(at_pkg(im.report, "nameless", NULL));
    const struct strata_package *p = at_pkg(im.report, "pyjwt", NULL);
    assert_non_null(p);
    assert_string_equal(p->type, "pypi");
    assert_string_equal(p->purl, "pkg:pypi/pyjwt@2.6.0");
    assert_string_equal(p->db_path, "/" DP "PyJWT-2.6.0.egg-info/PKG-INFO");
    assert_int_equal(p->layer_index, 0);
    assert_string_equal(p->layer_diff_id, "sha256:00");
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0], "MIT");
    assert_int_equal(p->direct, -1);
    p = at_pkg(im.report, "cryptography", NULL);
    assert_string_equal(p->db_path, "/" DP "cryptography-38.0.4.dist-info/METADATA");
    assert_non_null(at_pkg(im.report, "python-apt", NULL));
    p = at_pkg(im.report, "requests", NULL);
    assert_int_equal(p->layer_index, 1);
    assert_string_equal(p->layer_diff_id, "sha256:11");
    p = at_pkg(im.report, "urllib3", NULL);
    assert_string_equal(p->version, "1.26.5");
    assert_int_equal(p->layer_index, 1);
    p = at_pkg(im.report, "pyyaml", NULL);
    assert_string_equal(p->purl, "pkg:pypi/pyyaml@5.3");
    assert_null(at_pkg(im.report, "app", NULL));
    assert_null(at_pkg(im.report, "broken", NULL));
    assert_null(at_pkg(im.report, "django", NULL));
    at_free(&im);
}

static void test_analyzer_fs(void **st)
{
    (void)st;
    static const struct at_file l0[] = {
        AT_FILE("proj/requirements.txt", requirements),
        AT_FILE("proj/requirements-dev.txt", "pytest==3.6.0\n"),
        AT_FILE("svc/poetry.lock", poetry_old),
        AT_FILE("svc/pyproject.toml", pyproject_poetry),
        AT_FILE("web/Pipfile.lock", pipfile_lock),
        AT_FILE("web/Pipfile", pipfile),
        AT_FILE("uvapp/uv.lock", uv_lock),
        /* A venv next to the project: installed packages are reported too. */
        AT_FILE("proj/.venv/lib/python3.11/site-packages/requests-2.19.0.dist-info/METADATA",
                META("requests", "2.19.0")),
        /* Project files inside installed packages are not the project's. */
        AT_FILE("proj/.venv/lib/python3.11/site-packages/x/requirements.txt", "evil==6.6.6\n"),
        AT_END,
    };
    const struct at_file *layers[] = {l0};
    struct at_image im;
    struct strata_error err = {0};
    at_build(&im, &strata_analyzer_python, layers, 1, AT_FILESYSTEM);
    int rc = at_finish(&im, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(im.report->n_packages, 6 + 1 + 3 + 5 + 4 + 1);
    const struct strata_package *p = at_pkg(im.report, "requests", "/proj/requirements.txt");
    assert_non_null(p);
    assert_string_equal(p->lockfile, "/proj/requirements.txt");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->layer_index, -1);
    assert_string_equal(p->purl, "pkg:pypi/requests@2.19.0");
    p = at_pkg(im.report, "jinja2", "/svc/poetry.lock");
    assert_int_equal(p->direct, 1);
    p = at_pkg(im.report, "markupsafe", "/svc/poetry.lock");
    assert_int_equal(p->direct, 0);
    p = at_pkg(im.report, "pytest", "/web/Pipfile.lock");
    assert_int_equal(p->direct, 1);
    assert_int_equal(p->dev, 1);
    p = at_pkg(im.report, "urllib3", "/uvapp/uv.lock");
    assert_int_equal(p->direct, 0);
    p = at_pkg(im.report, "requests",
               "/proj/.venv/lib/python3.11/site-packages/requests-2.19.0.dist-info/METADATA");
    assert_non_null(p);
    assert_null(p->lockfile);
    assert_null(at_pkg(im.report, "evil", NULL));
    at_free(&im);

    /* A broken lockfile of a filesystem is an error naming file:line:col. */
    static const struct at_file bad[] = {
        AT_FILE("x/uv.lock", "version = 1\n[[package]]\nname = \"a\"\nversion = \"1\n"),
        AT_END,
    };
    const struct at_file *blayers[] = {bad};
    at_build(&im, &strata_analyzer_python, blayers, 1, AT_FILESYSTEM);
    expect_err(at_finish(&im, &err), &err, "x/uv.lock:4:13: newline in a single-line string");
    at_free(&im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metadata),     cmocka_unit_test(test_metadata_hostile),
        cmocka_unit_test(test_names),        cmocka_unit_test(test_requirements),
        cmocka_unit_test(test_pipfile_lock), cmocka_unit_test(test_poetry),
        cmocka_unit_test(test_uv),           cmocka_unit_test(test_analyzer_image),
        cmocka_unit_test(test_analyzer_fs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
