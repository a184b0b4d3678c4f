/* Account checks (src/checks/accounts.c, passwd.c): empty passwords (DKL-LI-0001), duplicate
 * ids and names (DKL-LI-0002), hashes in /etc/passwd (STRATA-DI-0005), over files shaped the
 * way Debian's base-passwd and shadow-utils (useradd, usermod, groupadd) write them, hostile
 * files, and the analyzer that keeps the visible copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyzer_test_util.h"
#include "checks/checks.h"

/* debian12-minbase's /etc/passwd, /etc/shadow and /etc/group as base-passwd and debootstrap
 * left them (../shared/fixtures/images/debian12-minbase.oci.tar). */
#define DEB_PASSWD                                                                                 \
    "root:x:0:0:root:/root:/bin/bash\n"                                                            \
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"                                            \
    "bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"                                                       \
    "sys:x:3:3:sys:/dev:/usr/sbin/nologin\n"                                                       \
    "sync:x:4:65534:sync:/bin:/bin/sync\n"                                                         \
    "games:x:5:60:games:/usr/games:/usr/sbin/nologin\n"                                            \
    "man:x:6:12:man:/var/cache/man:/usr/sbin/nologin\n"                                            \
    "lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\n"                                               \
    "mail:x:8:8:mail:/var/mail:/usr/sbin/nologin\n"                                                \
    "news:x:9:9:news:/var/spool/news:/usr/sbin/nologin\n"                                          \
    "uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin\n"                                        \
    "proxy:x:13:13:proxy:/bin:/usr/sbin/nologin\n"                                                 \
    "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"                                       \
    "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\n"                                       \
    "list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\n"                              \
    "irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin\n"                                               \
    "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n"                                            \
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"

#define DEB_SHADOW                                                                                 \
    "root:*:20089:0:99999:7:::\n"                                                                  \
    "daemon:*:20089:0:99999:7:::\n"                                                                \
    "bin:*:20089:0:99999:7:::\n"                                                                   \
    "sys:*:20089:0:99999:7:::\n"                                                                   \
    "sync:*:20089:0:99999:7:::\n"                                                                  \
    "games:*:20089:0:99999:7:::\n"                                                                 \
    "man:*:20089:0:99999:7:::\n"                                                                   \
    "lp:*:20089:0:99999:7:::\n"                                                                    \
    "mail:*:20089:0:99999:7:::\n"                                                                  \
    "news:*:20089:0:99999:7:::\n"                                                                  \
    "uucp:*:20089:0:99999:7:::\n"                                                                  \
    "proxy:*:20089:0:99999:7:::\n"                                                                 \
    "www-data:*:20089:0:99999:7:::\n"                                                              \
    "backup:*:20089:0:99999:7:::\n"                                                                \
    "list:*:20089:0:99999:7:::\n"                                                                  \
    "irc:*:20089:0:99999:7:::\n"                                                                   \
    "_apt:*:20089:0:99999:7:::\n"                                                                  \
    "nobody:*:20089:0:99999:7:::\n"

#define DEB_GROUP                                                                                  \
    "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nlp:x:7:\n"         \
    "mail:x:8:\nnews:x:9:\nuucp:x:10:\nman:x:12:\nproxy:x:13:\nkmem:x:15:\ndialout:x:20:\n"        \
    "fax:x:21:\nvoice:x:22:\ncdrom:x:24:\nfloppy:x:25:\ntape:x:26:\nsudo:x:27:\naudio:x:29:\n"     \
    "dip:x:30:\nwww-data:x:33:\nbackup:x:34:\noperator:x:37:\nlist:x:38:\nirc:x:39:\nsrc:x:40:\n"  \
    "shadow:x:42:\nutmp:x:43:\nvideo:x:44:\nsasl:x:45:\nplugdev:x:46:\nstaff:x:50:\n"              \
    "games:x:60:\nusers:x:100:\nnogroup:x:65534:\n"

/* What shadow-utils 4.13 appends: `useradd -m -d /home/app -s /bin/sh app` ... */
#define APP_PASSWD "app:x:1000:100::/home/app:/bin/sh\n"
#define APP_SHADOW_LOCKED "app:!:20794::::::\n"
/* ... `usermod -p "$(openssl passwd -6 -salt abcdefgh hunter2)" app` ... */
#define APP_HASH                                                                                   \
    "$6$abcdefgh$M/eYsB4rVXAm3ZNc88J.UD9rCKAT6FB1rahiwJCHtEndQNORCub5qhjxn50qbqVVthkM.9HpEwtf0t."  \
    "iV9uH0/"
#define APP_SHADOW_HASHED "app:" APP_HASH ":20794::::::\n"
/* ... `usermod -p '' app` ... */
#define APP_SHADOW_EMPTY "app::20794::::::\n"
/* ... `useradd -o -u 0 -g 0 -M -d /root -s /bin/sh toor` ... */
#define TOOR_PASSWD "toor:x:0:0::/root:/bin/sh\n"
#define TOOR_SHADOW "toor:!:20794::::::\n"
/* ... `groupadd -o -g 1000 web`. */
#define WEB_GROUP "web:x:1000:\n"

static struct strata_report *run(const char *passwd, const char *shadow, const char *group)
{
    struct checks_account_text files[CHECKS_ACCOUNT_FILES] = {
        {passwd, passwd ? strlen(passwd) : 0, 0},
        {shadow, shadow ? strlen(shadow) : 0, 1},
        {group, group ? strlen(group) : 0, 2},
    };
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    struct strata_error err = {0};
    assert_int_equal(checks_accounts(files, r, &err), 0);
    strata_report_sort_misconfigurations(r);
    return r;
}

static size_t count_id(const struct strata_report *r, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        n += strcmp(r->misconfigurations[i].id, id) == 0;
    return n;
}

static const struct strata_misconfiguration *find(const struct strata_report *r, const char *id,
                                                  const char *evidence)
{
    for (size_t i = 0; i < r->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &r->misconfigurations[i];
        if (strcmp(m->id, id) == 0 && (evidence == NULL || strcmp(m->evidence, evidence) == 0))
            return m;
    }
    for (size_t i = 0; i < r->n_misconfigurations; i++)
        print_message("  have %s %s: %s\n", r->misconfigurations[i].id,
                      r->misconfigurations[i].evidence, r->misconfigurations[i].message);
    fail_msg("no %s finding at %s", id, evidence ? evidence : "(any)");
    return NULL;
}

/* No part of a password field reaches any output field. */
static void never_shown(const struct strata_report *r, const char *secret)
{
    for (size_t i = 0; i < r->n_misconfigurations; i++) {
        const struct strata_misconfiguration *m = &r->misconfigurations[i];
        const char *fields[] = {m->id, m->title, m->message, m->evidence, m->remediation, m->path};
        for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
            if (fields[k] && strstr(fields[k], secret))
                fail_msg("%s appears in %s: %s", secret, m->id, fields[k]);
    }
}

static void test_debian_base_is_clean(void **st)
{
    (void)st;
    struct strata_report *r = run(DEB_PASSWD, DEB_SHADOW, DEB_GROUP);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
    /* a useradd'ed, still locked user; a hashed password is not a finding either */
    r = run(DEB_PASSWD APP_PASSWD, DEB_SHADOW APP_SHADOW_LOCKED, DEB_GROUP);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
    r = run(DEB_PASSWD APP_PASSWD, DEB_SHADOW APP_SHADOW_HASHED, DEB_GROUP);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
    /* every locked form */
    r = run(NULL,
            "a:*:1::::::\nb:!:1::::::\nc:!!:1::::::\nd:!*:1::::::\ne:!" APP_HASH ":1::::::\n"
            "f:*LK*:1::::::\n",
            NULL);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
    r = run(NULL, NULL, NULL);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
}

static void test_empty_password(void **st)
{
    (void)st;
    struct strata_report *r = run(DEB_PASSWD APP_PASSWD, DEB_SHADOW APP_SHADOW_EMPTY, DEB_GROUP);
    assert_int_equal(r->n_misconfigurations, 1);
    const struct strata_misconfiguration *m = find(r, "DKL-LI-0001", "/etc/shadow:19");
    assert_string_equal(m->severity, "HIGH");
    assert_string_equal(m->path, "/etc/shadow");
    assert_int_equal(m->layer_index, 1);
    assert_non_null(strstr(m->message, "account app (uid 1000)"));
    assert_non_null(strstr(m->remediation, "usermod -p '*'"));
    assert_null(m->cis);
    strata_report_free(r);

    /* Alpine's CVE-2019-5021 shape: root with an empty shadow field */
    r = run("root:x:0:0:root:/root:/bin/ash\n", "root:::0:::::\nbin:!::0:::::\n", NULL);
    m = find(r, "DKL-LI-0001", "/etc/shadow:1");
    assert_string_equal(m->severity, "CRITICAL");
    assert_non_null(strstr(m->message, "root (uid 0)"));
    assert_int_equal(r->n_misconfigurations, 1);
    strata_report_free(r);

    /* empty field in /etc/passwd itself: shadow is not consulted; a user passwd does not
     * list is reported without a uid */
    r = run("root::0:0:root:/root:/bin/sh\n", "ghost::1::::::\n", NULL);
    m = find(r, "DKL-LI-0001", "/etc/passwd:1");
    assert_string_equal(m->severity, "CRITICAL");
    assert_non_null(strstr(m->message, "/etc/shadow is not consulted"));
    m = find(r, "DKL-LI-0001", "/etc/shadow:1");
    assert_string_equal(m->severity, "HIGH");
    assert_null(strstr(m->message, "uid"));
    strata_report_free(r);
}

static void test_hash_in_passwd(void **st)
{
    (void)st;
    struct strata_report *r =
        run("root:x:0:0::/root:/bin/sh\nold:" APP_HASH ":1001:1001::/home/old:/bin/sh\n"
            "nis:##nis:1002:1002::/:/bin/sh\nlk:*:1003:1::/:/x\n",
            NULL, NULL);
    assert_int_equal(r->n_misconfigurations, 1);
    const struct strata_misconfiguration *m = find(r, "STRATA-DI-0005", "/etc/passwd:2");
    assert_string_equal(m->severity, "MEDIUM");
    assert_non_null(strstr(m->message, "account old"));
    never_shown(r, "$6$");
    never_shown(r, "abcdefgh");
    never_shown(r, "M/eYsB4r");
    strata_report_free(r);
}

static void test_duplicates(void **st)
{
    (void)st;
    struct strata_report *r =
        run(DEB_PASSWD APP_PASSWD TOOR_PASSWD "app2:x:1000:100::/home/app2:/bin/sh\n" APP_PASSWD,
            DEB_SHADOW APP_SHADOW_LOCKED TOOR_SHADOW, DEB_GROUP WEB_GROUP "staff:x:51:\n");
    /* uid 0: root and toor */
    const struct strata_misconfiguration *m = find(r, "DKL-LI-0002", "/etc/passwd:20");
    assert_string_equal(m->severity, "HIGH");
    assert_string_equal(m->title, "Duplicate uid or gid");
    assert_non_null(strstr(m->message, "uid 0 is shared by 2 accounts"));
    assert_non_null(strstr(m->message, "root (line 1), toor (line 20)"));
    assert_non_null(strstr(m->message, "every one of them is root"));
    /* uid 1000: app twice and app2 */
    m = find(r, "DKL-LI-0002", "/etc/passwd:21");
    assert_string_equal(m->severity, "MEDIUM");
    assert_non_null(strstr(m->message, "uid 1000 is shared by 3 accounts"));
    /* the user name app twice */
    m = find(r, "DKL-LI-0002", "/etc/passwd:22");
    assert_string_equal(m->title, "Duplicate user or group name");
    assert_non_null(
        strstr(m->message, "user app is listed 2 times in /etc/passwd, on lines 19, 22"));
    /* gid 1000: the users group is 100, web 1000: no duplicate; staff twice */
    m = find(r, "DKL-LI-0002", "/etc/group:40");
    assert_string_equal(m->severity, "LOW");
    assert_non_null(strstr(m->message, "group staff is listed 2 times"));
    assert_int_equal(count_id(r, "DKL-LI-0002"), 4);
    assert_int_equal(r->n_misconfigurations, 4);
    strata_report_free(r);

    /* groupadd -o: gid shared; the same name and id twice is one duplicate-name finding */
    r = run(APP_PASSWD APP_PASSWD, NULL, "app:x:1000:\n" WEB_GROUP);
    m = find(r, "DKL-LI-0002", "/etc/group:2");
    assert_non_null(strstr(m->message, "gid 1000 is shared by 2 groups in /etc/group: app (line "
                                       "1), web (line 2)"));
    assert_string_equal(m->severity, "LOW");
    find(r, "DKL-LI-0002", "/etc/passwd:2");
    assert_int_equal(r->n_misconfigurations, 2);
    strata_report_free(r);
}

static void test_nis_comments_and_odd_lines(void **st)
{
    (void)st;
    /* NIS compat lines (+, -), comments, blank lines, nameless and colon-less lines, ids that
     * are not 32-bit numbers: none is an account, and none is reported */
    const char *pw = "root:x:0:0::/root:/bin/sh\n"
                     "+::::::\n"
                     "+@admins::::::\n"
                     "-baduser::::::\n"
                     "# comment::0:0\n"
                     "\n"
                     ":x:0:0::/:/bin/sh\n"
                     "nocolon\n"
                     "big:x:99999999999:1::/:/bin/sh\n"
                     "big2:x:99999999999:1::/:/bin/sh\n"
                     "neg:x:-1:1::/:/bin/sh\n"
                     "neg2:x:-1:1::/:/bin/sh\n"
                     "max:x:4294967295:1::/:/bin/sh\n"
                     "over:x:4294967296:1::/:/bin/sh\n"
                     "over2:x:4294967296:1::/:/bin/sh\n"
                     "trail:x:12x:1::/:/bin/sh\n"
                     "trail2:x:12x:1::/:/bin/sh\n"
                     "short:x";
    struct strata_report *r = run(pw, "+::::::::\n-x::::::::\n", "+:::\n");
    if (r->n_misconfigurations != 0)
        find(r, "none", NULL);
    strata_report_free(r);
}

static void test_crlf_and_no_newline(void **st)
{
    (void)st;
    struct strata_report *r = run("root:x:0:0::/root:/bin/sh\r\napp:x:1000:1000::/:/bin/sh\r\n"
                                  "app2:x:1000:1000::/:/bin/sh",
                                  "root:*:1:0:99999:7:::\r\napp:\r\napp2::", NULL);
    const struct strata_misconfiguration *m = find(r, "DKL-LI-0001", "/etc/shadow:2");
    assert_non_null(strstr(m->message, "app (uid 1000)"));
    find(r, "DKL-LI-0001", "/etc/shadow:3");
    m = find(r, "DKL-LI-0002", "/etc/passwd:3"); /* "1000\r" is 1000 */
    assert_non_null(strstr(m->message, "uid 1000"));
    assert_int_equal(r->n_misconfigurations, 3);
    strata_report_free(r);
}

static void test_hostile_names(void **st)
{
    (void)st;
    /* NUL bytes, escapes and a 1 MiB name: names are cut at 64 bytes, non-printables '?' */
    static const char nul_pw[] = "ro\0t:x:0:0::/:/bin/sh\nro\0t:x:5:5::/:/bin/sh\n";
    static const char nul_sh[] = "ro\0t::1::::::\n\x1b[31mred::1::::::\n";
    struct checks_account_text files[CHECKS_ACCOUNT_FILES] = {
        {nul_pw, sizeof nul_pw - 1, 0}, {nul_sh, sizeof nul_sh - 1, 0}, {NULL, 0, -1}};
    struct strata_report *r = strata_report_new();
    struct strata_error err = {0};
    assert_int_equal(checks_accounts(files, r, &err), 0);
    strata_report_sort_misconfigurations(r);
    const struct strata_misconfiguration *m = find(r, "DKL-LI-0001", "/etc/shadow:1");
    assert_non_null(strstr(m->message, "account ro?t (uid 0)"));
    m = find(r, "DKL-LI-0001", "/etc/shadow:2");
    assert_non_null(strstr(m->message, "account ?[31mred has"));
    find(r, "DKL-LI-0002", "/etc/passwd:2"); /* the NUL name twice */
    strata_report_free(r);

    size_t n = 1u << 20;
    char *huge = malloc(2 * n + 64);
    assert_non_null(huge);
    memset(huge, 'a', n);
    strcpy(huge + n, "::1::::::\n");
    r = run(NULL, huge, NULL);
    m = find(r, "DKL-LI-0001", "/etc/shadow:1");
    assert_true(strlen(m->message) < 300);
    assert_non_null(strstr(m->message, "aaaa\xe2\x80\xa6 has"));
    strata_report_free(r);
    /* one line without any newline and no colon */
    memset(huge, 'b', 2 * n);
    huge[2 * n] = '\0';
    r = run(huge, huge, huge);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
    free(huge);
}

static void test_thousands_of_entries(void **st)
{
    (void)st;
    /* 70,000 accounts sharing uid 7: entries are bounded (CHECKS_MAX_ACCOUNTS), one finding
     * quoting CHECKS_MAX_NAMES_QUOTED names */
    struct strbuf pw = STRBUF_INIT, sh = STRBUF_INIT;
    for (size_t i = 0; i < 70000; i++) {
        assert_int_equal(strbuf_addf(&pw, "u%zu:x:7:7::/:/bin/sh\n", i), 0);
        assert_int_equal(strbuf_addf(&sh, "u%zu::1::::::\n", i), 0);
    }
    struct strata_report *r = run(pw.buf, NULL, NULL);
    assert_int_equal(r->n_misconfigurations, 1);
    const struct strata_misconfiguration *m = find(r, "DKL-LI-0002", "/etc/passwd:2");
    assert_non_null(strstr(m->message, "uid 7 is shared by 65536 accounts"));
    assert_non_null(strstr(m->message, "and 65528 more"));
    assert_true(strlen(m->message) < 400);
    strata_report_free(r);
    /* 65,536 empty passwords: findings are bounded (CHECKS_MAX_FILE_FINDINGS) */
    r = run(pw.buf, sh.buf, NULL);
    assert_int_equal(count_id(r, "DKL-LI-0001"), CHECKS_MAX_FILE_FINDINGS);
    strata_report_free(r);
    /* 20,000 distinct duplicated uids: bounded too */
    strbuf_reset(&pw);
    for (size_t i = 0; i < 20000; i++)
        assert_int_equal(strbuf_addf(&pw, "a%zu:x:%zu:1::/:/x\nb%zu:x:%zu:1::/:/x\n", i, i, i, i),
                         0);
    r = run(pw.buf, NULL, NULL);
    assert_int_equal(count_id(r, "DKL-LI-0002"), CHECKS_MAX_FILE_FINDINGS);
    strata_report_free(r);
    strbuf_release(&pw);
    strbuf_release(&sh);
}

/* ---- the analyzer and checks_run_image over a layered image ---- */

static struct strata_report *run_image(const struct at_file *const *layers, size_t n)
{
    struct at_image im;
    at_build(&im, &checks_passwd_analyzer, layers, n, at_numbered_ids);
    at_finish_ok(&im);
    struct checks_input in = {
        .config = NULL, /* filesystem checks only: the account checks run for both */
        .view = im.view,
        .n_layers = im.n,
        .account_states = im.states,
    };
    struct strata_error err = {0};
    assert_int_equal(checks_run_image(&in, im.report, &err), 0);
    struct strata_report *r = im.report;
    im.report = NULL;
    at_free(&im);
    return r;
}

static void test_visible_copies(void **st)
{
    (void)st;
    /* layer 0: the Debian base; layer 1: useradd + usermod -p '' (shadow rewritten);
     * layer 2: group rewritten with a duplicate gid; passwd stays layer 0's */
    const struct at_file l0[] = {AT_FILE("etc/passwd", DEB_PASSWD APP_PASSWD),
                                 AT_FILE("etc/shadow", DEB_SHADOW APP_SHADOW_LOCKED),
                                 AT_FILE("etc/group", DEB_GROUP), AT_END};
    const struct at_file l1[] = {AT_FILE("etc/shadow", DEB_SHADOW APP_SHADOW_EMPTY), AT_END};
    const struct at_file l2[] = {AT_FILE("etc/group", DEB_GROUP WEB_GROUP "x:x:1000:\n"),
                                 AT_FILE("etc/passwd-", DEB_PASSWD "dup:x:0:0::/:/x\n"), AT_END};
    const struct at_file *layers[] = {l0, l1, l2};
    struct strata_report *r = run_image(layers, 3);
    const struct strata_misconfiguration *m = find(r, "DKL-LI-0001", "/etc/shadow:19");
    assert_int_equal(m->layer_index, 1);
    assert_non_null(strstr(m->message, "(uid 1000)")); /* uid from layer 0's passwd */
    m = find(r, "DKL-LI-0002", "/etc/group:40");
    assert_int_equal(m->layer_index, 2);
    assert_int_equal(r->n_misconfigurations, 2); /* etc/passwd- is not read */
    strata_report_free(r);

    /* a later layer deletes the shadow file, then another writes a fixed one */
    const struct at_file w1[] = {AT_WHITEOUT("etc/shadow"), AT_END};
    const struct at_file *deleted[] = {l0, l1, w1};
    r = run_image(deleted, 3);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
    const struct at_file f3[] = {AT_FILE("etc/shadow", DEB_SHADOW APP_SHADOW_LOCKED), AT_END};
    const struct at_file *fixed[] = {l0, l1, w1, f3};
    r = run_image(fixed, 4);
    assert_int_equal(r->n_misconfigurations, 0);
    strata_report_free(r);
}

static void test_analyzer_states(void **st)
{
    (void)st;
    /* the same path twice in a layer: the later copy wins; an oversized file is skipped */
    struct at_image im;
    char *big = malloc(CHECKS_MAX_ACCOUNT_FILE + 2);
    assert_non_null(big);
    memset(big, 'x', CHECKS_MAX_ACCOUNT_FILE + 1);
    big[CHECKS_MAX_ACCOUNT_FILE + 1] = '\0';
    const struct at_file l0[] = {
        AT_FILE("etc/shadow", "first::1::::::\n"), AT_FILE("etc/shadow", "second:*:1::::::\n"),
        AT_FILE("etc/group", big), AT_FILE("etc/gshadow", "g:::\n"), AT_END};
    const struct at_file *layers[] = {l0};
    at_build(&im, &checks_passwd_analyzer, layers, 1, at_numbered_ids);
    at_finish_ok(&im);
    size_t len = 99;
    const char *s = checks_account_data(im.states[0], CHECKS_SHADOW, &len);
    assert_non_null(s);
    assert_string_equal(s, "second:*:1::::::\n");
    assert_int_equal(len, strlen(s));
    assert_null(checks_account_data(im.states[0], CHECKS_GROUP, &len));
    assert_int_equal(len, 0);
    assert_null(checks_account_data(im.states[0], CHECKS_PASSWD, &len));
    assert_null(checks_passwd_data(im.states[0], &len));
    assert_null(checks_account_data(NULL, CHECKS_SHADOW, &len));
    assert_null(checks_account_data(im.states[0], CHECKS_ACCOUNT_FILES, &len));
    assert_string_equal(checks_account_path(CHECKS_GROUP), "etc/group");
    assert_null(checks_account_path(CHECKS_ACCOUNT_FILES));
    at_free(&im);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debian_base_is_clean),
        cmocka_unit_test(test_empty_password),
        cmocka_unit_test(test_hash_in_passwd),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_nis_comments_and_odd_lines),
        cmocka_unit_test(test_crlf_and_no_newline),
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_thousands_of_entries),
        cmocka_unit_test(test_visible_copies),
        cmocka_unit_test(test_analyzer_states),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
