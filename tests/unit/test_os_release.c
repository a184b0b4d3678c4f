/* os-release parsing, release-file fallbacks, and the os analyzer's finish over a built view
 * (symlinked etc/os-release, per-layer content, loops). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "image/view_build.h"
#include "inventory/os_release.h"
#include "strata/analyzer.h"
#include "strata/report.h"

extern const struct strata_analyzer strata_analyzer_os;

static void test_parse_debian(void **st)
{
    (void)st;
    static const char t[] = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                            "NAME=\"Debian GNU/Linux\"\n"
                            "VERSION_ID=\"12\"\n"
                            "VERSION=\"12 (bookworm)\"\n"
                            "VERSION_CODENAME=bookworm\n"
                            "ID=debian\n"
                            "HOME_URL=\"https://www.debian.org/\"\n";
    struct os_release r = {0};
    struct strata_error err = {0};
    assert_int_equal(os_release_parse(t, strlen(t), "etc/os-release", &r, &err), 0);
    assert_string_equal(r.id, "debian");
    assert_string_equal(r.version_id, "12");
    assert_string_equal(r.version_codename, "bookworm");
    assert_string_equal(r.pretty_name, "Debian GNU/Linux 12 (bookworm)");
    assert_string_equal(r.name, "Debian GNU/Linux");
    os_release_clear(&r);
}

static void test_parse_quoting(void **st)
{
    (void)st;
    /* Shell rules: escapes in double quotes, literal single quotes, concatenated words,
     * comments, CRLF, blanks, a missing final newline, junk lines ignored, last value wins. */
    static const char t[] = "# comment\r\n"
                            "\r\n"
                            "  ID=Ubuntu\r\n"
                            "this is not an assignment\n"
                            "PRETTY_NAME=\"A \\\"quoted\\\" \\$name\\\\ \\x\"\n"
                            "NAME='single \\ \"kept\"'\n"
                            "VERSION=abc\\ def'ghi'\"jkl\"   \n"
                            "VERSION_ID=1\n"
                            "VERSION_ID=\"22.04\"";
    struct os_release r = {0};
    struct strata_error err = {0};
    assert_int_equal(os_release_parse(t, sizeof t - 1, "etc/os-release", &r, &err), 0);
    assert_string_equal(r.id, "ubuntu"); /* lowercased */
    assert_string_equal(r.pretty_name, "A \"quoted\" $name\\ \\x");
    assert_string_equal(r.name, "single \\ \"kept\"");
    assert_string_equal(r.version, "abc defghijkl");
    assert_string_equal(r.version_id, "22.04");
    os_release_clear(&r);
}

static void test_parse_hostile(void **st)
{
    (void)st;
    struct os_release r = {0};
    struct strata_error err = {0};
    static const char q[] = "ID=debian\nNAME=\"Debian\nVERSION_ID=12\n";
    assert_int_equal(os_release_parse(q, sizeof q - 1, "usr/lib/os-release", &r, &err),
                     STRATA_EFORMAT);
    assert_string_equal(err.msg, "usr/lib/os-release: line 2: unterminated quote");
    os_release_clear(&r);
    static const char nul[] = "ID=debian\n\nID=a\0b\n";
    assert_int_equal(os_release_parse(nul, sizeof nul - 1, "etc/os-release", &r, &err),
                     STRATA_EFORMAT);
    assert_string_equal(err.msg, "etc/os-release: line 3: NUL byte");
    os_release_clear(&r);
    char big[OS_RELEASE_MAX_LINE + 20];
    memset(big, 'A', sizeof big);
    memcpy(big, "ID=", 3);
    assert_int_equal(os_release_parse(big, sizeof big, "etc/os-release", &r, &err), STRATA_ELIMIT);
    assert_non_null(strstr(err.msg, "etc/os-release: line 1: longer than"));
    os_release_clear(&r);
    static const char sq[] = "ID='x\n";
    assert_int_equal(os_release_parse(sq, sizeof sq - 1, "p", &r, &err), STRATA_EFORMAT);
    os_release_clear(&r);
}

static void test_release_line(void **st)
{
    (void)st;
    struct release_line rl = {0};
    const char *t = "Red Hat Enterprise Linux release 8.9 (Ootpa)\n";
    assert_int_equal(release_line_parse(t, strlen(t), &rl), 0);
    assert_string_equal(rl.family, "rhel");
    assert_string_equal(rl.version, "8.9");
    assert_string_equal(rl.codename, "Ootpa");
    assert_string_equal(rl.pretty, "Red Hat Enterprise Linux release 8.9 (Ootpa)");
    release_line_clear(&rl);
    t = "CentOS Linux release 7.9.2009 (Core)";
    assert_int_equal(release_line_parse(t, strlen(t), &rl), 0);
    assert_string_equal(rl.family, "centos");
    assert_string_equal(rl.version, "7.9.2009");
    release_line_clear(&rl);
    t = "Something else entirely\n";
    assert_int_equal(release_line_parse(t, strlen(t), &rl), 0);
    assert_null(rl.family);
    assert_null(rl.version);
    assert_string_equal(rl.pretty, "Something else entirely");
    release_line_clear(&rl);
    t = "\x01\x02 binary";
    assert_int_equal(release_line_parse(t, strlen(t), &rl), 0);
    assert_null(rl.pretty);
    release_line_clear(&rl);
}

/* ---- finish over a view ---- */

struct fentry {
    const char *path;
    const char *data;
    enum strata_ftype type;
    const char *link;
    int whiteout;
};

static struct strata_report *run(const struct fentry *const *layers, size_t n, int *rc_out,
                                 struct strata_error *err)
{
    struct strata_view *v = view_new();
    void **states = calloc(n, sizeof *states);
    struct strata_report *r = strata_report_new();
    assert_non_null(v);
    assert_non_null(states);
    assert_non_null(r);
    r->layers = calloc(n, sizeof *r->layers);
    r->n_layers = n;
    const struct strata_analyzer *a = &strata_analyzer_os;
    for (size_t i = 0; i < n; i++) {
        r->layers[i].index = (int)i;
        states[i] = a->layer_new();
        assert_non_null(states[i]);
        struct layer_entry ents[32];
        size_t k = 0;
        for (const struct fentry *e = layers[i]; e->path; e++, k++) {
            memset(&ents[k], 0, sizeof ents[k]);
            ents[k].path = e->path;
            ents[k].type = (uint8_t)(e->type ? e->type : STRATA_FT_REG);
            ents[k].link = e->link;
            ents[k].mode = 0644;
            ents[k].whiteout = (uint8_t)e->whiteout;
            if (e->data && strata_analyzer_wants(a, e->path, strlen(e->data)) > 0) {
                struct strata_layer_file f = {
                    e->path, (const uint8_t *)e->data, strlen(e->data), 0644, (int)i, "t"};
                assert_int_equal(a->layer_file(states[i], &f, err), 0);
            }
        }
        assert_int_equal(view_apply_layer(v, (int)i, ents, k, err), 0);
    }
    *rc_out = a->finish(states, n, v, r, err);
    for (size_t i = 0; i < n; i++)
        a->layer_free(states[i]);
    free(states);
    view_free(v);
    return r;
}

#define END                                                                                        \
    {                                                                                              \
        NULL, NULL, 0, NULL, 0                                                                     \
    }

static void test_finish_symlink_and_layers(void **st)
{
    (void)st;
    /* etc/os-release -> ../usr/lib/os-release; layer 1 upgrades usr/lib/os-release. Layer 0 also
     * has an etc/os-release-looking regular file elsewhere that must not matter. */
    static const struct fentry l0[] = {
        {"etc/os-release", NULL, STRATA_FT_SYMLINK, "../usr/lib/os-release", 0},
        {"usr/lib/os-release",
         "ID=debian\nVERSION_ID=\"11\"\nVERSION_CODENAME=bullseye\n"
         "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\n",
         0, NULL, 0},
        {"etc/debian_version", "11.9\n", 0, NULL, 0},
        END,
    };
    static const struct fentry l1[] = {
        {"usr/lib/os-release",
         "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
         "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n"
         "VERSION_CODENAME=bookworm\nID=debian\n",
         0, NULL, 0},
        {"etc/debian_version", "12.15\n", 0, NULL, 0},
        END,
    };
    const struct fentry *layers[] = {l0, l1};
    struct strata_error err = {0};
    int rc;
    struct strata_report *r = run(layers, 2, &rc, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(r->os.family, "debian");
    assert_string_equal(r->os.version, "12");
    assert_string_equal(r->os.codename, "bookworm");
    assert_string_equal(r->os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
    strata_report_free(r);

    /* Only layer 0: the older release. */
    r = run(layers, 1, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(r->os.version, "11");
    assert_string_equal(r->os.codename, "bullseye");
    strata_report_free(r);
}

static void test_finish_loop(void **st)
{
    (void)st;
    static const struct fentry l0[] = {
        {"etc/os-release", NULL, STRATA_FT_SYMLINK, "os-release2", 0},
        {"etc/os-release2", NULL, STRATA_FT_SYMLINK, "/etc/os-release", 0},
        END,
    };
    const struct fentry *layers[] = {l0};
    struct strata_error err = {0};
    int rc;
    struct strata_report *r = run(layers, 1, &rc, &err);
    assert_int_equal(rc, STRATA_EFORMAT);
    assert_true(err.msg[0] != '\0');
    strata_report_free(r);
}

static void test_finish_fallbacks(void **st)
{
    (void)st;
    int rc;
    struct strata_error err = {0};
    /* Alpine without os-release. */
    static const struct fentry a0[] = {{"etc/alpine-release", "3.19.1\n", 0, NULL, 0}, END};
    const struct fentry *la[] = {a0};
    struct strata_report *r = run(la, 1, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(r->os.family, "alpine");
    assert_string_equal(r->os.version, "3.19.1");
    assert_null(r->os.codename);
    strata_report_free(r);

    /* Debian testing: no VERSION_ID, debian_version names a codename, not a version. */
    static const struct fentry t0[] = {
        {"usr/lib/os-release",
         "ID=debian\nVERSION_CODENAME=trixie\n"
         "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\n",
         0, NULL, 0},
        {"etc/debian_version", "trixie/sid\n", 0, NULL, 0},
        END,
    };
    const struct fentry *lt[] = {t0};
    r = run(lt, 1, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(r->os.family, "debian");
    assert_null(r->os.version);
    assert_string_equal(r->os.codename, "trixie");
    strata_report_free(r);

    /* Debian os-release without VERSION_ID but a numeric debian_version; codename from
     * VERSION's parentheses. */
    static const struct fentry d0[] = {
        {"etc/os-release", "ID=debian\nVERSION=\"9 (stretch)\"\n", 0, NULL, 0},
        {"etc/debian_version", "9.13\n", 0, NULL, 0},
        END,
    };
    const struct fentry *ld[] = {d0};
    r = run(ld, 1, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(r->os.version, "9.13");
    assert_string_equal(r->os.codename, "stretch");
    strata_report_free(r);

    /* Ubuntu: debian_version is not its version; UBUNTU_CODENAME is a codename; a marketing
     * name in VERSION is not. */
    static const struct fentry u0[] = {
        {"etc/os-release",
         "ID=ubuntu\nVERSION=\"20.04.6 LTS (Focal Fossa)\"\n"
         "UBUNTU_CODENAME=focal\n",
         0, NULL, 0},
        {"etc/debian_version", "bullseye/sid\n", 0, NULL, 0},
        END,
    };
    const struct fentry *lu[] = {u0};
    r = run(lu, 1, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(r->os.family, "ubuntu");
    assert_null(r->os.version);
    assert_string_equal(r->os.codename, "focal");
    strata_report_free(r);

    /* CentOS: redhat-release is a symlink to centos-release. */
    static const struct fentry c0[] = {
        {"etc/redhat-release", NULL, STRATA_FT_SYMLINK, "centos-release", 0},
        {"etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n", 0, NULL, 0},
        END,
    };
    const struct fentry *lc[] = {c0};
    r = run(lc, 1, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(r->os.family, "centos");
    assert_string_equal(r->os.version, "7.9.2009");
    assert_string_equal(r->os.codename, "Core");
    assert_string_equal(r->os.pretty_name, "CentOS Linux release 7.9.2009 (Core)");
    strata_report_free(r);

    /* Nothing at all; and an os-release deleted by a later layer. */
    static const struct fentry n0[] = {{"etc/os-release", "ID=debian\n", 0, NULL, 0}, END};
    static const struct fentry n1[] = {{"etc/os-release", NULL, 0, NULL, 1}, END};
    const struct fentry *ln[] = {n0, n1};
    r = run(ln, 2, &rc, &err);
    assert_int_equal(rc, 0);
    assert_null(r->os.family);
    assert_null(r->os.version);
    strata_report_free(r);
}

static void test_finish_parse_error_names_resolved_path(void **st)
{
    (void)st;
    static const struct fentry l0[] = {
        {"etc/os-release", NULL, STRATA_FT_SYMLINK, "../usr/lib/os-release", 0},
        {"usr/lib/os-release", "ID=debian\nPRETTY_NAME=\"broken\n", 0, NULL, 0},
        END,
    };
    const struct fentry *layers[] = {l0};
    struct strata_error err = {0};
    int rc;
    struct strata_report *r = run(layers, 1, &rc, &err);
    assert_int_equal(rc, STRATA_EFORMAT);
    assert_string_equal(err.msg, "usr/lib/os-release: line 2: unterminated quote");
    strata_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_debian),
        cmocka_unit_test(test_parse_quoting),
        cmocka_unit_test(test_parse_hostile),
        cmocka_unit_test(test_release_line),
        cmocka_unit_test(test_finish_symlink_and_layers),
        cmocka_unit_test(test_finish_loop),
        cmocka_unit_test(test_finish_fallbacks),
        cmocka_unit_test(test_finish_parse_error_names_resolved_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
