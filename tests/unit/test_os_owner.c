/* OS ownership of language packages (src/inventory/os_owner.c): a language package found in
 * a file an OS package lists gets os_package, directly, through a symlinked directory (merged
 * /usr), or through a listed symlink; nested "outer!/inner" paths use the outer file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "image/view_build.h"
#include "inventory/os_owner.h"

static struct strata_package *pkg(struct strata_report *r, const char *type, const char *name,
                                  const char *db_path)
{
    struct strata_package *p = strata_report_add_package(r);
    assert_non_null(p);
    p->type = strdup(type);
    p->name = strdup(name);
    p->version = strdup("1");
    p->db_path = db_path ? strdup(db_path) : NULL;
    return p;
}

static void own(struct strata_package *p, const char *const *files)
{
    size_t n = 0;
    while (files[n])
        n++;
    p->files = calloc(n, sizeof *p->files);
    assert_non_null(p->files);
    for (size_t i = 0; i < n; i++)
        p->files[p->n_files++] = strdup(files[i]);
}

static struct strata_view *view_of(const struct layer_entry *e, size_t n)
{
    struct strata_view *v = view_new();
    assert_non_null(v);
    struct strata_error err = {0};
    assert_int_equal(view_apply_layer(v, 0, e, n, &err), 0);
    return v;
}

static void test_owned_paths(void **st)
{
    (void)st;
    const struct layer_entry ents[] = {
        {.path = "usr", .type = STRATA_FT_DIR, .mode = 0755},
        {.path = "usr/lib", .type = STRATA_FT_DIR, .mode = 0755},
        {.path = "lib", .type = STRATA_FT_SYMLINK, .link = "usr/lib"},
        {.path = "usr/lib/python3", .type = STRATA_FT_DIR, .mode = 0755},
        {.path = "usr/lib/python3/x.egg-info", .type = STRATA_FT_REG, .mode = 0644},
        {.path = "usr/share", .type = STRATA_FT_DIR, .mode = 0755},
        {.path = "usr/share/java", .type = STRATA_FT_DIR, .mode = 0755},
        {.path = "usr/share/java/a.jar", .type = STRATA_FT_REG, .mode = 0644},
        {.path = "usr/share/java/a-1.0.jar", .type = STRATA_FT_SYMLINK, .link = "a.jar"},
        {.path = "usr/share/java/b.war", .type = STRATA_FT_REG, .mode = 0644},
        {.path = "app", .type = STRATA_FT_DIR, .mode = 0755},
        {.path = "app/c.jar", .type = STRATA_FT_REG, .mode = 0644},
    };
    struct strata_view *v = view_of(ents, sizeof ents / sizeof *ents);
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    /* dpkg lists /lib/python3/x.egg-info (merged /usr: the file is under usr/lib), the
     * versioned symlink of a.jar only, and b.war. */
    own(pkg(r, "deb", "python3-x", "/var/lib/dpkg/status"),
        (const char *const[]){"/lib/python3/x.egg-info", NULL});
    own(pkg(r, "deb", "liba-java", "/var/lib/dpkg/status"),
        (const char *const[]){"/usr/share/java/a-1.0.jar", "/usr/share/java/b.war", NULL});
    struct strata_package *py = pkg(r, "pypi", "x", "/usr/lib/python3/x.egg-info");
    struct strata_package *ja = pkg(r, "maven", "g:a", "/usr/share/java/a.jar");
    struct strata_package *nested =
        pkg(r, "maven", "g:n", "/usr/share/java/b.war!/WEB-INF/lib/n.jar");
    struct strata_package *app = pkg(r, "maven", "g:c", "/app/c.jar");
    struct strata_package *nopath = pkg(r, "npm", "y", NULL);
    struct strata_error err = {0};
    assert_int_equal(inventory_mark_os_owned(r, v, &err), 0);
    assert_string_equal(py->os_package, "python3-x");
    assert_string_equal(ja->os_package, "liba-java");
    assert_string_equal(nested->os_package, "liba-java");
    assert_null(app->os_package);
    assert_null(nopath->os_package);
    assert_null(r->packages[0].os_package); /* OS packages are never owned */
    strata_report_free(r);
    view_free(v);
}

/* The lookup itself: a path asked for twice gets its owner both times (a setuid file that is
 * also world-writable is two image-check candidates), a leading '/' does not matter, and a
 * file no package lists has none. */
static void test_owners_of_paths(void **st)
{
    (void)st;
    const struct layer_entry ents[] = {
        {.path = "usr", .type = STRATA_FT_DIR, .mode = 0755},
        {.path = "usr/bin", .type = STRATA_FT_DIR, .mode = 0755},
        {.path = "bin", .type = STRATA_FT_SYMLINK, .link = "usr/bin"},
        {.path = "usr/bin/su", .type = STRATA_FT_REG, .mode = 04757},
        {.path = "usr/bin/planted", .type = STRATA_FT_REG, .mode = 04755},
    };
    struct strata_view *v = view_of(ents, sizeof ents / sizeof *ents);
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    own(pkg(r, "deb", "util-linux", "/var/lib/dpkg/status"),
        (const char *const[]){"/bin/su", NULL});
    const char *paths[] = {"usr/bin/su", "/usr/bin/su", "usr/bin/planted", "usr/bin/su"};
    const char *owners[4];
    assert_int_equal(inventory_os_owners(r, v, paths, 4, owners), 0);
    assert_string_equal(owners[0], "util-linux");
    assert_string_equal(owners[1], "util-linux");
    assert_null(owners[2]);
    assert_string_equal(owners[3], "util-linux");
    strata_report_free(r);
    view_free(v);
}

static void test_no_language_packages(void **st)
{
    (void)st;
    struct strata_view *v = view_of(NULL, 0);
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    own(pkg(r, "deb", "bash", "/var/lib/dpkg/status"), (const char *const[]){"/bin/bash", NULL});
    struct strata_error err = {0};
    assert_int_equal(inventory_mark_os_owned(r, v, &err), 0);
    assert_null(r->packages[0].os_package);
    strata_report_free(r);
    view_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owned_paths),
        cmocka_unit_test(test_owners_of_paths),
        cmocka_unit_test(test_no_language_packages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
