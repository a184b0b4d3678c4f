/* Licenses: normalisation of what Debian, rpm, apk, npm, PyPI, RubyGems and jar manifests
 * write into SPDX expressions, the expression parser (precedence, WITH, parentheses, hostile
 * input), the data tables, categories, --license-deny and its OR/AND semantics, the report
 * pass, and Bundle-License. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <zip.h>

#include "inventory/java_archive.h"
#include "inventory/python_parse.h"
#include "licenses/license_internal.h"
#include "licenses/license_table.h"
#include "strata/license.h"
#include "strata/report.h"

static char *norm(const char *s)
{
    char *out = NULL;
    struct strata_error err = {0};
    int rc = strata_license_normalize(s, strlen(s), &out, &err);
    if (rc != 0)
        fail_msg("normalize \"%s\": %d %s", s, rc, err.msg);
    return out;
}

static void expect_norm(const char *in, const char *want)
{
    char *got = norm(in);
    if (strcmp(got, want) != 0)
        fail_msg("\"%s\" -> \"%s\", want \"%s\"", in, got, want);
    /* normalising the result changes nothing */
    char *again = norm(got);
    if (strcmp(again, got) != 0)
        fail_msg("\"%s\" -> \"%s\", then \"%s\"", in, got, again);
    free(again);
    free(got);
}

/* Real strings, each from where it was seen. */
static const char *const cases[][2] = {
    /* Debian copyright short names (DEP-5 License fields on this machine) */
    {"GPL-2+", "GPL-2.0-or-later"},
    {"GPL-2", "GPL-2.0-only"},
    {"GPL-3+", "GPL-3.0-or-later"},
    {"GPL-1+ or Artistic", "GPL-1.0-or-later OR Artistic-1.0-Perl"},
    {"Artistic or GPL-1+", "Artistic-1.0-Perl OR GPL-1.0-or-later"},
    {"LGPL-2.1+", "LGPL-2.1-or-later"},
    {"LGPL-2+", "LGPL-2.0-or-later"},
    {"LGPL-3+ or GPL-2+", "LGPL-3.0-or-later OR GPL-2.0-or-later"},
    {"Expat", "MIT"},
    {"expat", "MIT"},
    {"BSD-3-clause", "BSD-3-Clause"},
    {"BSD-2-clause", "BSD-2-Clause"},
    {"BSD-4-clause", "BSD-4-Clause"},
    {"BSL-1.0", "BSL-1.0"},
    {"BSL-1.0 and Jam", "BSL-1.0 AND Jam"},
    {"Apache-2.0", "Apache-2.0"},
    {"Apache-2", "Apache-2.0"},
    {"APACHE-2-LLVM-EXCEPTIONS", "Apache-2.0 WITH LLVM-exception"},
    {"public-domain", "LicenseRef-public-domain"},
    {"PD", "LicenseRef-public-domain"},
    {"Zlib", "Zlib"},
    {"ISC", "ISC"},
    {"CC0-1.0", "CC0-1.0"},
    {"CC0", "CC0-1.0"},
    {"X11", "X11"},
    {"MIT/X11", "MIT"},
    {"OpenLDAP-2.8", "OLDAP-2.8"},
    {"curl", "curl"},
    {"FTL", "FTL"},
    {"LGPLv3+_or_GPLv2+", "LGPL-3.0-or-later OR GPL-2.0-or-later"},
    {"GPL-3+-WITH-BISON-EXCEPTION", "GPL-3.0-or-later WITH Bison-exception-2.2"},
    {"Unicode", "Unicode-DFS-2016"},
    {"BSD-3-clause-Regents", "LicenseRef-BSD-3-clause-Regents"},
    {"GPL-2.0+", "GPL-2.0-or-later"},
    {"LGPL-2.1+ with staticLink exception",
     "LGPL-2.1-or-later WITH AdditionRef-staticLink-exception"},
    {"GPL-2+ with Autoconf exception", "GPL-2.0-or-later WITH Autoconf-exception-2.0"},
    {"GPL-3+ with Autoconf exception", "GPL-3.0-or-later WITH Autoconf-exception-3.0"},
    {"GPL-3+ with GCC-exception-3.1", "GPL-3.0-or-later WITH GCC-exception-3.1"},
    {"GPL-2+ with OpenSSL exception", "GPL-2.0-or-later WITH AdditionRef-OpenSSL-exception"},
    {"GPL-2 with Classpath exception", "GPL-2.0-only WITH Classpath-exception-2.0"},
    {"MPL-1.1 or LGPL-2.1+, and SC", "(MPL-1.1 OR LGPL-2.1-or-later) AND LicenseRef-SC"},
    {"GPL-2+ or Artistic-2.0, and BSD-3-clause",
     "(GPL-2.0-or-later OR Artistic-2.0) AND BSD-3-Clause"},
    {"Zlib and LGPL-2.1+ with staticLink exception",
     "Zlib AND LGPL-2.1-or-later WITH AdditionRef-staticLink-exception"},
    {"GFDL-NIV-1.2+", "GFDL-1.2-no-invariants-or-later"},
    {"GFDL-1.3+", "GFDL-1.3-or-later"},
    {"Perl", "Artistic-1.0-Perl OR GPL-1.0-or-later"},
    {"permissive", "LicenseRef-permissive"},
    {"GPL", "GPL-1.0-or-later"},
    {"LGPL", "LGPL-2.0-or-later"},
    {"Python", "Python-2.0"},
    {"PHP-3.01", "PHP-3.01"},
    {"CC-BY-SA-3.0", "CC-BY-SA-3.0"},
    {"MPL-2.0", "MPL-2.0"},
    /* rpm License tags (Fedora's pre-SPDX short names; RHEL/CentOS still ship them) */
    {"GPLv2+", "GPL-2.0-or-later"},
    {"GPLv2", "GPL-2.0-only"},
    {"GPLv3+", "GPL-3.0-or-later"},
    {"GPL+", "GPL-1.0-or-later"},
    {"GPLv2+ and LGPLv2+", "GPL-2.0-or-later AND LGPL-2.0-or-later"},
    {"GPL+ or Artistic", "GPL-1.0-or-later OR Artistic-1.0-Perl"},
    {"LGPLv2+ with exceptions", "LGPL-2.0-or-later WITH AdditionRef-exceptions"},
    {"GPLv2 with exceptions", "GPL-2.0-only WITH AdditionRef-exceptions"},
    {"(GPLv2+ or LGPLv3+) and BSD", "(GPL-2.0-or-later OR LGPL-3.0-or-later) AND LicenseRef-BSD"},
    {"LGPLv2+ and GPLv2+ and GPLv3+ and MIT and BSD",
     "LGPL-2.0-or-later AND GPL-2.0-or-later AND GPL-3.0-or-later AND MIT AND LicenseRef-BSD"},
    {"ASL 2.0", "Apache-2.0"},
    {"ASL 1.1", "Apache-1.1"},
    {"MPLv2.0", "MPL-2.0"},
    {"MPLv1.1", "MPL-1.1"},
    {"BSD with advertising", "BSD-4-Clause"},
    {"Public Domain", "LicenseRef-public-domain"},
    {"Boost", "BSL-1.0"},
    {"OpenSSL", "OpenSSL"},
    {"zlib", "Zlib"},
    {"Copyright only", "LicenseRef-Copyright-only"},
    {"Sleepycat", "Sleepycat"},
    {"PSF", "PSF-2.0"},
    {"Artistic 2.0", "Artistic-2.0"},
    {"Artistic clarified", "ClArtistic"},
    {"GPLv2 or BSD", "GPL-2.0-only OR LicenseRef-BSD"},
    /* apk L: fields (SPDX since Alpine 3.x, older ones space separated) */
    {"MIT", "MIT"},
    {"GPL-2.0-or-later", "GPL-2.0-or-later"},
    {"GPL-2.0-only WITH Linux-syscall-note", "GPL-2.0-only WITH Linux-syscall-note"},
    {"BSD-2-Clause AND BSD-3-Clause", "BSD-2-Clause AND BSD-3-Clause"},
    {"Zlib OR Apache-2.0", "Zlib OR Apache-2.0"},
    {"MIT BSD", "MIT AND LicenseRef-BSD"},
    {"GPL2+", "GPL-2.0-or-later"},
    {"custom", "LicenseRef-custom"},
    /* npm package.json license (SPDX expressions, legacy shapes joined with OR) */
    {"(MIT AND Zlib)", "MIT AND Zlib"},
    {"(MIT OR Apache-2.0)", "MIT OR Apache-2.0"},
    {"(MIT OR CC0-1.0)", "MIT OR CC0-1.0"},
    {"Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception"},
    {"(BSD-2-Clause OR MIT OR Apache-2.0)", "BSD-2-Clause OR MIT OR Apache-2.0"},
    {"BSD", "LicenseRef-BSD"},
    {"MIT OR GPL-2.0", "MIT OR GPL-2.0-only"},
    {"UNLICENSED", "LicenseRef-UNLICENSED"},
    {"SEE LICENSE IN LICENSE.md", "LicenseRef-SEE-LICENSE-IN-LICENSE.md"},
    {"MIT*", "MIT"}, /* license-checker marks a guess with a star */
    {"(MIT OR GPL-3.0-or-later) AND Apache-2.0", "(MIT OR GPL-3.0-or-later) AND Apache-2.0"},
    {"MIT AND (Apache-2.0 OR BSD-3-Clause)", "MIT AND (Apache-2.0 OR BSD-3-Clause)"},
    {"Apache 2.0", "Apache-2.0"},
    {"MIT/Apache-2.0", "MIT OR Apache-2.0"},
    {"Apache-2.0, MIT", "Apache-2.0 AND MIT"},
    {"WTFPL", "WTFPL"},
    {"Unlicense", "Unlicense"},
    {"0BSD", "0BSD"},
    {"BlueOak-1.0.0", "BlueOak-1.0.0"},
    {"Python-2.0", "Python-2.0"},
    {"CC-BY-4.0", "CC-BY-4.0"},
    {"LicenseRef-Proprietary", "LicenseRef-Proprietary"},
    /* PyPI: License-Expression, License, and classifiers (python_parse.c keeps the last
     * component and joins several with OR) */
    {"MIT License", "MIT"},
    {"The MIT License (MIT)", "MIT"},
    {"License :: OSI Approved :: MIT License", "MIT"},
    {"BSD License", "LicenseRef-BSD"},
    {"BSD 3-Clause License", "BSD-3-Clause"},
    {"New BSD License", "BSD-3-Clause"},
    {"Simplified BSD", "BSD-2-Clause"},
    {"3-Clause BSD License", "BSD-3-Clause"},
    {"Apache Software License", "Apache-2.0"},
    {"Apache License, Version 2.0", "Apache-2.0"},
    {"Apache License 2.0", "Apache-2.0"},
    {"Apache 2", "Apache-2.0"},
    {"GNU General Public License (GPL)", "GPL-1.0-or-later"},
    {"GNU General Public License v2 (GPLv2)", "GPL-2.0-only"},
    {"GNU General Public License v2 or later (GPLv2+)", "GPL-2.0-or-later"},
    {"GNU General Public License v3 (GPLv3)", "GPL-3.0-only"},
    {"GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"},
    {"GNU Lesser General Public License v2 (LGPLv2)", "LGPL-2.0-only"},
    {"GNU Lesser General Public License v2 or later (LGPLv2+)", "LGPL-2.0-or-later"},
    {"GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only"},
    {"GNU Lesser General Public License v3 or later (LGPLv3+)", "LGPL-3.0-or-later"},
    {"GNU Library or Lesser General Public License (LGPL)", "LGPL-2.0-or-later"},
    {"GNU Affero General Public License v3", "AGPL-3.0-only"},
    {"GNU Affero General Public License v3 or later (AGPLv3+)", "AGPL-3.0-or-later"},
    {"GNU Free Documentation License (FDL)", "GFDL-1.1-or-later"},
    {"Mozilla Public License 1.1 (MPL 1.1)", "MPL-1.1"},
    {"Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"},
    {"Eclipse Public License 2.0 (EPL-2.0)", "EPL-2.0"},
    {"Eclipse Public License 1.0 (EPL-1.0)", "EPL-1.0"},
    {"Educational Community License, Version 2.0 (ECL-2.0)", "ECL-2.0"},
    {"European Union Public Licence 1.2 (EUPL 1.2)", "EUPL-1.2"},
    {"Common Development and Distribution License 1.0 (CDDL-1.0)", "CDDL-1.0"},
    {"CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)", "CECILL-2.1"},
    {"Boost Software License 1.0 (BSL-1.0)", "BSL-1.0"},
    {"ISC License (ISCL)", "ISC"},
    {"MIT No Attribution License (MIT-0)", "MIT-0"},
    {"Zero-Clause BSD (0BSD)", "0BSD"},
    {"The Unlicense (Unlicense)", "Unlicense"},
    {"Universal Permissive License (UPL)", "UPL-1.0"},
    {"Python Software Foundation License", "PSF-2.0"},
    {"Historical Permission Notice and Disclaimer (HPND)", "HPND"},
    {"Open Software License 3.0 (OSL-3.0)", "OSL-3.0"},
    {"SIL Open Font License 1.1 (OFL-1.1)", "OFL-1.1"},
    {"Mulan Permissive Software License v2 (MulanPSL-2.0)", "MulanPSL-2.0"},
    {"CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0"},
    {"Zope Public License", "ZPL-2.1"},
    {"zlib/libpng License", "Zlib"},
    {"University of Illinois/NCSA Open Source License", "NCSA"},
    {"Aladdin Free Public License (AFPL)", "Aladdin"},
    {"Other/Proprietary License", "LicenseRef-Proprietary"},
    {"Free for non-commercial use", "LicenseRef-Free-for-non-commercial-use"},
    {"MIT License OR Apache Software License", "MIT OR Apache-2.0"},
    {"GNU GPL v3", "GPL-3.0-only"},
    {"GPLv3", "GPL-3.0-only"},
    {"LGPL-3.0-or-later", "LGPL-3.0-or-later"},
    {"Apache-2.0 OR BSD-3-Clause", "Apache-2.0 OR BSD-3-Clause"},
    {"Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International", "CC-BY-NC-SA-4.0"},
    {"Creative Commons Attribution-ShareAlike 3.0 Unported", "CC-BY-SA-3.0"},
    /* RubyGems (gemspec licenses joined with OR) */
    {"MIT OR Ruby", "MIT OR Ruby"},
    {"Ruby OR BSD-2-Clause", "Ruby OR BSD-2-Clause"},
    {"Apache License 2.0 OR MIT", "Apache-2.0 OR MIT"},
    /* Composer, NuGet, Maven and manifests: names and URLs */
    {"https://www.apache.org/licenses/LICENSE-2.0.txt", "Apache-2.0"},
    {"http://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"},
    {"https://opensource.org/licenses/MIT", "MIT"},
    {"http://www.opensource.org/licenses/mit-license.php", "MIT"},
    {"https://opensource.org/licenses/BSD-3-Clause", "BSD-3-Clause"},
    {"http://www.eclipse.org/legal/epl-v10.html", "EPL-1.0"},
    {"https://www.eclipse.org/legal/epl-2.0/", "EPL-2.0"},
    {"http://www.gnu.org/licenses/old-licenses/lgpl-2.1.html", "LGPL-2.1-only"},
    {"https://www.gnu.org/licenses/gpl-3.0.html", "GPL-3.0-only"},
    {"https://www.mozilla.org/en-US/MPL/2.0/", "LicenseRef-https-www.mozilla.org-en-US-MPL-2.0"},
    {"http://mozilla.org/MPL/2.0/", "MPL-2.0"},
    {"http://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"},
    {"https://spdx.org/licenses/Apache-2.0.html", "Apache-2.0"},
    {"http://www.gnu.org/software/classpath/license.html",
     "GPL-2.0-only WITH Classpath-exception-2.0"},
    {"The Apache Software License, Version 2.0", "Apache-2.0"},
    {"Eclipse Public License - v 2.0", "EPL-2.0"},
    {"GNU Lesser General Public License, Version 2.1", "LGPL-2.1-only"},
    {"CDDL + GPLv2 with classpath exception", "LicenseRef-CDDL-GPLv2 WITH Classpath-exception-2.0"},
    /* deprecated SPDX ids */
    {"GPL-2.0", "GPL-2.0-only"},
    {"LGPL-2.1", "LGPL-2.1-only"},
    {"AGPL-3.0", "AGPL-3.0-only"},
    {"GPL-2.0-with-classpath-exception", "GPL-2.0-only WITH Classpath-exception-2.0"},
    {"eCos-2.0", "GPL-2.0-or-later WITH eCos-exception-2.0"},
    {"wxWindows", "LGPL-2.0-or-later WITH WxWindows-exception-3.1"},
    {"StandardML-NJ", "SMLNJ"},
    /* spelling: case, blanks, operators in any case */
    {"mit", "MIT"},
    {"  MIT  ", "MIT"},
    {"\"MIT\"", "MIT"},
    {"mit and zlib", "MIT AND Zlib"},
    {"MIT and/or GPL-2.0", "MIT OR GPL-2.0-only"},
    {"gpl-2.0-or-later", "GPL-2.0-or-later"},
    {"GPLv2 or later", "GPL-2.0-or-later"},
    {"GPL version 2 or later", "GPL-2.0-or-later"},
    {"GPLv2 (or later)", "GPL-2.0-or-later"},
    {"GNU GPL version 2 or (at your option) any later version", "GPL-2.0-or-later"},
    {"MIT\tAND\nZlib", "MIT AND Zlib"},
    {"MIT AND MIT", "MIT"},
    {"MIT OR (MIT)", "MIT"},
    {"(((MIT)))", "MIT"},
    {"MIT AND (Zlib AND ISC)", "MIT AND Zlib AND ISC"},
    {"MIT OR Zlib OR MIT", "MIT OR Zlib"},
};

static void test_normalize_table(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_norm(cases[i][0], cases[i][1]);
    print_message("%zu license strings normalised\n", sizeof cases / sizeof *cases);
}

static struct strata_license_expr *parse_ok(const char *s)
{
    struct strata_license_expr *e = NULL;
    struct strata_error err = {0};
    if (strata_license_parse(s, strlen(s), &e, &err) != 0)
        fail_msg("parse \"%s\": %s", s, err.msg);
    return e;
}

static void test_parser_structure(void **st)
{
    (void)st;
    /* AND binds tighter than OR */
    struct strata_license_expr *e = parse_ok("MIT OR Zlib AND ISC");
    assert_int_equal(e->kind, STRATA_LICENSE_OR);
    assert_int_equal(e->n_terms, 2);
    assert_string_equal(e->terms[0]->id, "MIT");
    assert_int_equal(e->terms[1]->kind, STRATA_LICENSE_AND);
    assert_string_equal(e->terms[1]->terms[1]->id, "ISC");
    strata_license_expr_free(e);
    e = parse_ok("MIT AND Zlib OR ISC");
    assert_int_equal(e->kind, STRATA_LICENSE_OR);
    assert_int_equal(e->terms[0]->kind, STRATA_LICENSE_AND);
    strata_license_expr_free(e);
    /* parentheses override */
    e = parse_ok("(MIT OR Zlib) AND ISC");
    assert_int_equal(e->kind, STRATA_LICENSE_AND);
    assert_int_equal(e->terms[0]->kind, STRATA_LICENSE_OR);
    char *s = strata_license_expr_string(e);
    assert_string_equal(s, "(MIT OR Zlib) AND ISC");
    free(s);
    strata_license_expr_free(e);
    /* WITH binds tightest, to one license */
    e = parse_ok("GPL-2.0-or-later WITH Classpath-exception-2.0 OR MIT");
    assert_int_equal(e->kind, STRATA_LICENSE_OR);
    assert_string_equal(e->terms[0]->id, "GPL-2.0-or-later");
    assert_string_equal(e->terms[0]->exception, "Classpath-exception-2.0");
    assert_null(e->terms[1]->exception);
    strata_license_expr_free(e);
    /* n-ary, flattened */
    e = parse_ok("A AND (B AND (C AND D))");
    assert_int_equal(e->kind, STRATA_LICENSE_AND);
    assert_int_equal(e->n_terms, 4);
    assert_string_equal(e->terms[3]->id, "LicenseRef-D");
    strata_license_expr_free(e);
    /* Debian's comma: loosest */
    e = parse_ok("GPL-2+ or Artistic-2.0, and BSD-3-clause or MIT");
    assert_int_equal(e->kind, STRATA_LICENSE_AND);
    assert_int_equal(e->terms[0]->kind, STRATA_LICENSE_OR);
    assert_int_equal(e->terms[1]->kind, STRATA_LICENSE_OR);
    strata_license_expr_free(e);
    e = parse_ok("MIT, or GPL-2+ and BSD-3-clause");
    assert_int_equal(e->kind, STRATA_LICENSE_OR);
    assert_int_equal(e->terms[1]->kind, STRATA_LICENSE_AND);
    strata_license_expr_free(e);
    /* operators inside names stay names */
    e = parse_ok("Common Development and Distribution License 1.1");
    assert_int_equal(e->kind, STRATA_LICENSE_ID);
    assert_string_equal(e->id, "CDDL-1.1");
    strata_license_expr_free(e);
    e = parse_ok("GPL v2 or any later version");
    assert_string_equal(e->id, "GPL-2.0-or-later");
    strata_license_expr_free(e);
    /* a lower-case operator between two names is an operator */
    e = parse_ok("MIT or Apache-2.0");
    assert_int_equal(e->kind, STRATA_LICENSE_OR);
    strata_license_expr_free(e);
    /* the exception of a GPL-3 is the GPL-3 one */
    e = parse_ok("GPL-3.0-or-later WITH GCC exception");
    assert_string_equal(e->exception, "GCC-exception-3.1");
    strata_license_expr_free(e);
    e = parse_ok("GPL-2.0-or-later with GCC exception");
    assert_string_equal(e->exception, "GCC-exception-2.0");
    strata_license_expr_free(e);
}

static void expect_parse_err(const char *s, size_t len, int code, const char *msg)
{
    struct strata_license_expr *e = (struct strata_license_expr *)1;
    struct strata_error err = {0};
    int rc = strata_license_parse(s, len, &e, &err);
    if (rc != code)
        fail_msg("\"%.40s\": rc %d (%s), want %d", s, rc, err.msg, code);
    assert_null(e);
    if (strstr(err.msg, msg) == NULL)
        fail_msg("\"%.40s\": message \"%s\" lacks \"%s\"", s, err.msg, msg);
}

static void test_parser_errors(void **st)
{
    (void)st;
    expect_parse_err("", 0, STRATA_EFORMAT, "empty");
    expect_parse_err("   \t", 4, STRATA_EFORMAT, "empty");
    expect_parse_err("((MIT", 5, STRATA_EFORMAT, "unbalanced '(' at byte 1");
    expect_parse_err("MIT)", 4, STRATA_EFORMAT, "unbalanced ')' at byte 3");
    expect_parse_err("(MIT OR Zlib))", 14, STRATA_EFORMAT, "unbalanced ')' at byte 13");
    expect_parse_err("AND", 3, STRATA_EFORMAT, "expected a license name at byte 0");
    expect_parse_err("MIT AND", 7, STRATA_EFORMAT, "missing license at byte 7");
    expect_parse_err("MIT AND OR Zlib", 15, STRATA_EFORMAT, "expected a license name at byte 8");
    expect_parse_err("()", 2, STRATA_EFORMAT, "expected a license name at byte 1");
    expect_parse_err("MIT WITH", 8, STRATA_EFORMAT, "missing license");
    expect_parse_err("(MIT OR Zlib) WITH Classpath-exception-2.0", 42, STRATA_EFORMAT,
                     "WITH after more than one license at byte 14");
    expect_parse_err("MIT WITH LLVM-exception WITH LLVM-exception", 43, STRATA_EFORMAT,
                     "expected AND, OR or WITH at byte 24");
    expect_parse_err("MIT\0AND Zlib", 12, STRATA_EFORMAT, "NUL byte at byte 3");
    expect_parse_err("(MIT) (Zlib)", 12, STRATA_EFORMAT, "expected AND, OR or WITH at byte 6");

    /* nesting: STRATA_LICENSE_MAX_DEPTH levels parse, one more does not */
    char deep[256];
    int d = STRATA_LICENSE_MAX_DEPTH;
    memset(deep, '(', (size_t)d);
    memcpy(deep + d, "MIT", 3);
    memset(deep + d + 3, ')', (size_t)d);
    struct strata_license_expr *e = NULL;
    struct strata_error err = {0};
    assert_int_equal(strata_license_parse(deep, (size_t)(2 * d + 3), &e, &err), 0);
    assert_string_equal(e->id, "MIT");
    strata_license_expr_free(e);
    d++;
    memset(deep, '(', (size_t)d);
    memcpy(deep + d, "MIT", 3);
    memset(deep + d + 3, ')', (size_t)d);
    expect_parse_err(deep, (size_t)(2 * d + 3), STRATA_ELIMIT, "nested deeper than 32");

    /* 1 MB: refused before any work */
    size_t big = 1u << 20;
    char *s = malloc(big);
    assert_non_null(s);
    memset(s, '(', big);
    expect_parse_err(s, big, STRATA_ELIMIT, "1048576 bytes, more than 8192");
    /* deep nesting within the byte bound */
    expect_parse_err(s, 4000, STRATA_ELIMIT, "nested deeper than");
    /* many names */
    size_t n = 0;
    for (int i = 0; i <= STRATA_LICENSE_MAX_TERMS; i++)
        n += (size_t)sprintf(s + n, "%sMIT", i ? " OR " : "");
    expect_parse_err(s, n, STRATA_ELIMIT, "more than 256 license names");
    /* a long name */
    memset(s, 'a', 300);
    expect_parse_err(s, 300, STRATA_ELIMIT, "a license name longer than 256 bytes at byte 0");
    /* operators only, alternating parentheses */
    for (size_t i = 0; i < 8000; i++)
        s[i] = "()"[i % 2];
    expect_parse_err(s, 8000, STRATA_EFORMAT, "expected a license name at byte 1");
    free(s);
}

static void test_lenient(void **st)
{
    (void)st;
    char *s = strata_license_normalize_lenient("((MIT", 5);
    assert_string_equal(s, "LicenseRef-MIT");
    free(s);
    s = strata_license_normalize_lenient("MIT AND", 7);
    assert_string_equal(s, "LicenseRef-MIT-AND");
    free(s);
    s = strata_license_normalize_lenient("MIT\0AND", 7);
    assert_string_equal(s, "LicenseRef-MIT");
    free(s);
    s = strata_license_normalize_lenient("\xff\xfe", 2);
    assert_string_equal(s, "LicenseRef-unknown");
    free(s);
    s = strata_license_normalize_lenient("Ünïcödé Lizenz", strlen("Ünïcödé Lizenz"));
    assert_string_equal(s, "LicenseRef-n-c-d-Lizenz");
    free(s);
    /* a whole license text where a name belongs: one bounded LicenseRef */
    size_t big = 1u << 20;
    char *t = malloc(big);
    assert_non_null(t);
    for (size_t i = 0; i < big; i++)
        t[i] = "Permission is hereby granted, free of charge "[i % 45];
    s = strata_license_normalize_lenient(t, big);
    assert_non_null(s);
    assert_true(strlen(s) <= strlen("LicenseRef-") + LIC_REF_MAX);
    assert_true(strncmp(s, "LicenseRef-Permission-is-hereby", 31) == 0);
    char *again = strata_license_normalize_lenient(s, strlen(s));
    assert_string_equal(again, s);
    free(again);
    free(s);
    free(t);
    /* a LicenseRef is kept as it is, sanitised */
    expect_norm("LicenseRef-foo bar", "LicenseRef-foo-bar");
    expect_norm("licenseref-X", "LicenseRef-X");
    expect_norm("LicenseRef-", "LicenseRef-unknown");
    expect_norm("MIT WITH AdditionRef-my-exception", "MIT WITH AdditionRef-my-exception");
}

static void test_keys(void **st)
{
    (void)st;
    static const char *const k[][2] = {
        {"GNU General Public License v2 or later", "gpl 2 +"},
        {"GPL-2.0-or-later", "gpl 2 +"},
        {"GPLv2+", "gpl 2 +"},
        {"Apache License, Version 2.0", "apache 2"},
        {"ASL 2.0", "apache 2"},
        {"BSD 3-Clause", "bsd 3"},
        {"3-clause BSD", "bsd 3"},
        {"LGPLv2.1", "lgpl 2.1"},
        {"CC0-1.0", "cc 0 1"},
        {"Parity-7.0.0", "parity 7"},
    };
    for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
        char key[512];
        assert_true(lic_key(k[i][0], strlen(k[i][0]), key, sizeof key) > 0);
        if (strcmp(key, k[i][1]) != 0)
            fail_msg("key of \"%s\" is \"%s\", want \"%s\"", k[i][0], key, k[i][1]);
    }
    /* a name of too many words has no key */
    char many[400] = "";
    for (int i = 0; i < 60; i++)
        strcat(many, "w ");
    char key[512];
    assert_int_equal(lic_key(many, strlen(many), key, sizeof key), -1);
}

/* Every id finds itself (its key is its own), every deprecated id its replacement, every
 * alias and URL names listed ids, and the tables are sorted for bsearch. */
static void test_tables(void **st)
{
    (void)st;
    for (size_t i = 1; i < lic_n_ids; i++)
        if (strcasecmp(lic_ids[i - 1].id, lic_ids[i].id) >= 0)
            fail_msg("lic_ids not sorted at %s", lic_ids[i].id);
    for (size_t i = 1; i < lic_n_exceptions; i++)
        assert_true(strcasecmp(lic_exceptions[i - 1], lic_exceptions[i]) < 0);
    for (size_t i = 0; i < lic_n_ids; i++) {
        const char *want = lic_ids[i].replaced_by ? lic_ids[i].replaced_by : lic_ids[i].id;
        expect_norm(lic_ids[i].id, want);
        /* spelled in lower case, and with its key only (blanks for '-') */
        char low[128], spaced[128];
        snprintf(low, sizeof low, "%s", lic_ids[i].id);
        for (char *c = low; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        expect_norm(low, want);
        snprintf(spaced, sizeof spaced, "%s", lic_ids[i].id);
        for (char *c = spaced; *c; c++)
            if (*c == '-')
                *c = ' ';
        char *got = norm(spaced);
        /* "GPL 2.0" is a name, not "GPL AND 2.0"; only some multi-word spellings are
         * ambiguous with AND-lists of known ids ("MIT 0"), none may become LicenseRef */
        assert_true(strncmp(got, "LicenseRef-", 11) != 0 || strchr(lic_ids[i].id, '-') == NULL);
        free(got);
        assert_string_equal(strata_license_category(lic_ids[i].id),
                            lic_category_name((enum lic_category)lic_ids[i].category));
    }
    for (size_t i = 0; i < lic_n_exceptions; i++) {
        char in[128], want[128];
        snprintf(in, sizeof in, "GPL-2.0-or-later WITH %s", lic_exceptions[i]);
        snprintf(want, sizeof want, "GPL-2.0-or-later WITH %s", lic_exceptions[i]);
        expect_norm(in, want);
    }
    for (size_t i = 0; i < lic_n_aliases; i++) {
        struct strata_license_expr *e = NULL;
        if (lic_parse_canonical(lic_aliases[i].expr, &e) != 0)
            fail_msg("alias %s: \"%s\" is not canonical", lic_aliases[i].name, lic_aliases[i].expr);
        char *s = strata_license_expr_string(e);
        assert_string_equal(s, lic_aliases[i].expr);
        expect_norm(lic_aliases[i].name, s);
        free(s);
        strata_license_expr_free(e);
    }
    for (size_t i = 0; i < lic_n_urls; i++) {
        struct strata_license_expr *e = NULL;
        if (lic_urls[i].expr != NULL && lic_parse_canonical(lic_urls[i].expr, &e) != 0)
            fail_msg("url %s: \"%s\" is not canonical", lic_urls[i].url, lic_urls[i].expr);
        strata_license_expr_free(e);
    }
    for (size_t i = 0; i < lic_n_exception_aliases; i++) {
        const char *x = lic_exception_aliases[i].expr;
        if (strncmp(x, "GPL-3|", 6) == 0) {
            const char *bar = strchr(x + 6, '|');
            assert_non_null(bar);
            assert_non_null(lic_find_exception(x + 6, (size_t)(bar - x - 6)));
            assert_non_null(lic_find_exception(bar + 1, strlen(bar + 1)));
        } else if (lic_find_exception(x, strlen(x)) == NULL) {
            fail_msg("exception alias %s -> %s: not an SPDX exception",
                     lic_exception_aliases[i].name, x);
        }
    }
    print_message("%zu SPDX ids, %zu exceptions, %zu aliases, %zu URLs\n", lic_n_ids,
                  lic_n_exceptions, lic_n_aliases, lic_n_urls);
}

static void test_categories(void **st)
{
    (void)st;
    static const char *const c[][2] = {
        {"MIT", "permissive"},
        {"mit", "permissive"},
        {"Apache-2.0", "permissive"},
        {"BSD-3-Clause", "permissive"},
        {"CC0-1.0", "permissive"},
        {"LGPL-2.1-only", "weak-copyleft"},
        {"MPL-2.0", "weak-copyleft"},
        {"EPL-2.0", "weak-copyleft"},
        {"CDDL-1.1", "weak-copyleft"},
        {"GPL-2.0-or-later", "strong-copyleft"},
        {"GPL-3.0-only", "strong-copyleft"},
        {"CC-BY-SA-4.0", "strong-copyleft"},
        {"AGPL-3.0-or-later", "network-copyleft"},
        {"SSPL-1.0", "network-copyleft"},
        {"OSL-3.0", "network-copyleft"},
        {"EUPL-1.2", "network-copyleft"},
        {"CC-BY-NC-4.0", "forbidden"},
        {"CC-BY-NC-SA-4.0", "forbidden"},
        {"CC-BY-ND-4.0", "forbidden"},
        {"BUSL-1.1", "forbidden"},
        {"Elastic-2.0", "forbidden"},
        {"PolyForm-Noncommercial-1.0.0", "forbidden"},
        {"LicenseRef-Free-for-non-commercial-use", "forbidden"},
        {"LicenseRef-public-domain", "permissive"},
        {"LicenseRef-BSD", "permissive"},
        {"LicenseRef-permissive-fsf", "permissive"},
        {"LicenseRef-foo", "unknown"},
        {"LicenseRef-BSD-3-clause-Regents", "permissive"},
        {"LicenseRef-MIT-like", "permissive"},
        {"LicenseRef-Expat-ISC", "permissive"},
        {"LicenseRef-MITRE", "unknown"},
        {"LicenseRef-noderivs", "forbidden"},
        {"LicenseRef-SMAIL-GPL", "unknown"},
        {"NotALicense", "unknown"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++)
        if (strcmp(strata_license_category(c[i][0]), c[i][1]) != 0)
            fail_msg("%s: %s, want %s", c[i][0], strata_license_category(c[i][0]), c[i][1]);
    assert_string_equal(strata_license_category(NULL), "unknown");
    size_t count[6] = {0};
    for (size_t i = 0; i < lic_n_ids; i++)
        count[lic_ids[i].category]++;
    print_message("categories: %zu permissive, %zu weak, %zu strong, %zu network, %zu forbidden, "
                  "%zu unknown\n",
                  count[0], count[1], count[2], count[3], count[4], count[5]);
}

static void expect_deny_err(const char *list, const char *msg)
{
    char **d = (char **)1;
    struct strata_error err = {0};
    int rc = strata_license_parse_deny(list, &d, &err);
    if (rc != STRATA_EUSAGE)
        fail_msg("\"%s\": rc %d, want EUSAGE", list, rc);
    assert_null(d);
    if (strstr(err.msg, msg) == NULL)
        fail_msg("\"%s\": \"%s\" lacks \"%s\"", list, err.msg, msg);
}

static void test_deny_parse(void **st)
{
    (void)st;
    char **d;
    struct strata_error err = {0};
    assert_int_equal(strata_license_parse_deny(" gpl-3.0-only , AGPL-3.0*,CATEGORY:Forbidden,"
                                               "LicenseRef-Proprietary,GPL-*",
                                               &d, &err),
                     0);
    assert_string_equal(d[0], "GPL-3.0-only");
    assert_string_equal(d[1], "AGPL-3.0*");
    assert_string_equal(d[2], "category:forbidden");
    assert_string_equal(d[3], "LicenseRef-Proprietary");
    assert_string_equal(d[4], "GPL-*");
    assert_null(d[5]);
    strata_license_deny_free(d);
    expect_deny_err("GPL-2.0", "\"GPL-2.0\" is a deprecated SPDX id; licenses are reported as "
                               "\"GPL-2.0-only\"");
    expect_deny_err("GPL-2.0+", "reported as \"GPL-2.0-or-later\"");
    expect_deny_err("MIT,GPLv3", "\"GPLv3\" is not an SPDX license id (did you mean "
                                 "\"GPL-3.0-only\"?)");
    expect_deny_err("MIT,,Zlib", "entry 2 is empty");
    expect_deny_err("", "entry 1 is empty");
    expect_deny_err("category:copyleft", "\"category:copyleft\": unknown category");
    expect_deny_err("FOO-*", "\"FOO-*\" matches no SPDX license id");
    expect_deny_err("MIT License", "' ' is in no SPDX license id");
    expect_deny_err("Frobnitz", "\"Frobnitz\" is not an SPDX license id, a glob");
    expect_deny_err(NULL, "empty list");
    char many[4000] = "";
    for (int i = 0; i < 300; i++)
        strcat(many, "MIT,");
    strcat(many, "MIT");
    expect_deny_err(many, "more than 256 entries");
}

static int denied(const char *expr, const char *list)
{
    char **d;
    struct strata_error err = {0};
    if (strata_license_parse_deny(list, &d, &err) != 0)
        fail_msg("deny %s: %s", list, err.msg);
    struct strata_license_expr *e = parse_ok(expr);
    int r = strata_license_expr_denied(e, (const char *const *)d);
    strata_license_expr_free(e);
    strata_license_deny_free(d);
    return r;
}

static void test_deny_semantics(void **st)
{
    (void)st;
    assert_false(denied("MIT OR GPL-3.0-only", "GPL-3.0*"));
    assert_true(denied("MIT AND GPL-3.0-only", "GPL-3.0*"));
    assert_true(denied("GPL-3.0-only", "GPL-3.0*"));
    assert_false(denied("LGPL-3.0-only", "GPL-3.0*"));
    assert_true(denied("LGPL-3.0-only", "*GPL-3.0*"));
    assert_true(denied("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-*"));
    assert_true(denied("AGPL-3.0-or-later", "category:network-copyleft"));
    assert_false(denied("AGPL-3.0-or-later OR MIT", "category:network-copyleft"));
    assert_true(denied("(MIT OR GPL-3.0-only) AND (Apache-2.0 OR AGPL-3.0-only)", "MIT,GPL-*"));
    assert_false(denied("(MIT OR GPL-3.0-only) AND (Apache-2.0 OR AGPL-3.0-only)", "GPL-*,AGPL-*"));
    assert_true(denied("GPL-2.0-or-later OR AGPL-3.0-only", "GPL-*,AGPL-*"));
    assert_true(denied("CC-BY-NC-4.0", "category:forbidden"));
    assert_true(denied("LicenseRef-Proprietary", "LicenseRef-Proprietary"));
    assert_true(denied("LicenseRef-foo", "category:unknown"));
    assert_false(denied("MIT", "category:unknown"));
    assert_true(denied("mit", "MIT"));
    assert_false(strata_license_id_denied("MIT", NULL));
    assert_false(strata_license_expr_denied(NULL, NULL));
}

static void add_pkg(struct strata_report *r, const char *name, const char *const *lic)
{
    struct strata_package *p = strata_report_add_package(r);
    assert_non_null(p);
    p->name = strdup(name);
    p->type = strdup("npm");
    size_t n = 0;
    while (lic && lic[n])
        n++;
    if (n == 0)
        return;
    p->licenses = calloc(n, sizeof *p->licenses);
    for (size_t i = 0; i < n; i++)
        p->licenses[i] = strdup(lic[i]);
    p->n_licenses = n;
}

static const struct strata_license_count *summary(const struct strata_report *r, const char *id)
{
    for (size_t i = 0; i < r->n_licenses; i++)
        if (strcmp(r->licenses[i].license, id) == 0)
            return &r->licenses[i];
    return NULL;
}

static void test_apply(void **st)
{
    (void)st;
    struct strata_report *r = strata_report_new();
    assert_non_null(r);
    add_pkg(r, "a", (const char *const[]){"MIT", NULL});
    add_pkg(r, "b", (const char *const[]){"(MIT OR GPL-3.0-or-later)", NULL});
    add_pkg(r, "c", (const char *const[]){"MIT AND GPLv3+", NULL});
    add_pkg(r, "d", (const char *const[]){"GPL-2+", "Expat", "MIT", "  ", "((broken", NULL});
    add_pkg(r, "e", NULL);
    add_pkg(r, "f", (const char *const[]){"AGPL-3.0", NULL});
    add_pkg(r, "g", (const char *const[]){"", NULL});
    char **deny;
    struct strata_error err = {0};
    assert_int_equal(strata_license_parse_deny("GPL-*,category:network-copyleft", &deny, &err), 0);
    for (int round = 0; round < 2; round++) {
        assert_int_equal(strata_licenses_apply(r, (const char *const *)deny, &err), 0);
        const struct strata_package *p = r->packages;
        assert_string_equal(p[0].licenses[0], "MIT");
        assert_string_equal(p[1].licenses[0], "MIT OR GPL-3.0-or-later");
        assert_string_equal(p[2].licenses[0], "MIT AND GPL-3.0-or-later");
        /* d: normalised, "Expat" and "MIT" one entry, the blank one dropped */
        assert_int_equal(p[3].n_licenses, 3);
        assert_string_equal(p[3].licenses[0], "GPL-2.0-or-later");
        assert_string_equal(p[3].licenses[1], "MIT");
        assert_string_equal(p[3].licenses[2], "LicenseRef-broken");
        assert_int_equal(p[4].n_licenses, 0);
        assert_string_equal(p[5].licenses[0], "AGPL-3.0-only");
        assert_int_equal(p[6].n_licenses, 0);
        assert_null(p[6].licenses);
        /* denied: c (AND), d (its GPL entry), f (network); not b (OR MIT) */
        assert_int_equal(r->n_denied_license_packages, 3);
        assert_true(strata_license_package_denied(&p[2], (const char *const *)deny));
        assert_false(strata_license_package_denied(&p[1], (const char *const *)deny));
        /* summary: by packages, then id */
        assert_int_equal(r->n_licenses, 5);
        assert_string_equal(r->licenses[0].license, "MIT");
        assert_int_equal(r->licenses[0].packages, 4);
        assert_string_equal(r->licenses[1].license, "GPL-3.0-or-later");
        assert_int_equal(r->licenses[1].packages, 2);
        assert_true(r->licenses[1].denied);
        assert_string_equal(r->licenses[1].category, "strong-copyleft");
        const struct strata_license_count *c = summary(r, "AGPL-3.0-only");
        assert_non_null(c);
        assert_true(c->denied);
        assert_string_equal(c->category, "network-copyleft");
        c = summary(r, "LicenseRef-broken");
        assert_non_null(c);
        assert_string_equal(c->category, "unknown");
        assert_false(c->denied);
        assert_false(summary(r, "MIT")->denied);
        assert_string_equal(r->licenses[2].license, "AGPL-3.0-only"); /* 1 package each, by id */
        assert_string_equal(r->licenses[3].license, "GPL-2.0-or-later");
    }
    /* without a deny list */
    assert_int_equal(strata_licenses_apply(r, NULL, &err), 0);
    assert_int_equal(r->n_denied_license_packages, 0);
    assert_false(r->licenses[1].denied);
    strata_license_deny_free(deny);
    strata_report_free(r);
    /* an empty report */
    r = strata_report_new();
    assert_int_equal(strata_licenses_apply(r, NULL, &err), 0);
    assert_int_equal(r->n_licenses, 0);
    strata_report_free(r);
}

static void test_listed(void **st)
{
    (void)st;
    assert_true(strata_license_expr_listed("MIT"));
    assert_true(strata_license_expr_listed("MIT OR GPL-2.0-only WITH Classpath-exception-2.0"));
    assert_false(strata_license_expr_listed("MIT AND LicenseRef-BSD"));
    assert_false(strata_license_expr_listed("GPL-2.0-only WITH AdditionRef-x"));
    assert_false(strata_license_expr_listed("(("));
    assert_false(strata_license_expr_listed(NULL));
}

static void test_bundle_license(void **st)
{
    (void)st;
    static const char *const c[][2] = {
        {"Apache-2.0", "Apache-2.0"},
        {"Apache-2.0;link=\"https://www.apache.org/licenses/LICENSE-2.0.txt\"", "Apache-2.0"},
        {"https://www.apache.org/licenses/LICENSE-2.0.txt",
         "https://www.apache.org/licenses/LICENSE-2.0.txt"},
        {"\"Apache License, Version 2.0\";link=\"https://www.apache.org/licenses/LICENSE-2.0\"",
         "Apache License, Version 2.0"},
        {"Apache License, Version 2.0", "Apache License, Version 2.0"},
        {"http://www.eclipse.org/legal/epl-2.0, "
         "https://www.gnu.org/software/classpath/license.html",
         "http://www.eclipse.org/legal/epl-2.0 OR "
         "https://www.gnu.org/software/classpath/license.html"},
        {"EPL-2.0;description=\"x, y\", GPL-2.0-only", "EPL-2.0 OR GPL-2.0-only"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        char *out = NULL;
        assert_int_equal(java_bundle_license(c[i][0], &out), 0);
        if (out == NULL || strcmp(out, c[i][1]) != 0)
            fail_msg("Bundle-License \"%s\" -> \"%s\", want \"%s\"", c[i][0], out ? out : "NULL",
                     c[i][1]);
        free(out);
    }
    /* and what the report pass makes of them */
    char *out = NULL;
    assert_int_equal(java_bundle_license("http://www.eclipse.org/legal/epl-2.0, "
                                         "https://www.gnu.org/software/classpath/license.html",
                                         &out),
                     0);
    expect_norm(out, "EPL-2.0 OR GPL-2.0-only WITH Classpath-exception-2.0");
    free(out);
    static const char *const none[] = {"<<EXTERNAL>>", "", " ; ", ",,", "\"\""};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        out = (char *)1;
        assert_int_equal(java_bundle_license(none[i], &out), 0);
        assert_null(out);
    }
    char *big = malloc(JAVA_MAX_LICENSE_LEN + 2);
    memset(big, 'a', JAVA_MAX_LICENSE_LEN + 1);
    big[JAVA_MAX_LICENSE_LEN + 1] = '\0';
    assert_int_equal(java_bundle_license(big, &out), 0);
    assert_null(out);
    free(big);
}

static void test_python_classifiers(void **st)
{
    (void)st;
    static const char meta[] = "Metadata-Version: 2.1\n"
                               "Name: example\n"
                               "Version: 1.0\n"
                               "Classifier: Development Status :: 5 - Production/Stable\n"
                               "Classifier: License :: OSI Approved\n"
                               "Classifier: License :: OSI Approved :: MIT License\n"
                               "Classifier: License :: OSI Approved :: Apache Software License\n"
                               "Classifier: License :: DFSG approved\n"
                               "\n"
                               "long description\n";
    struct py_meta m;
    struct strata_error err = {0};
    assert_int_equal(py_parse_metadata((const uint8_t *)meta, strlen(meta), "METADATA", &m, &err),
                     0);
    assert_string_equal(m.license, "MIT License OR Apache Software License");
    expect_norm(m.license, "MIT OR Apache-2.0");
    py_meta_free(&m);
    /* License-Expression wins over classifiers */
    static const char expr[] = "Metadata-Version: 2.4\nName: x\nVersion: 1\n"
                               "License-Expression: MIT AND (Apache-2.0 OR BSD-2-Clause)\n"
                               "Classifier: License :: OSI Approved :: GNU General Public License "
                               "v3 (GPLv3)\n";
    assert_int_equal(py_parse_metadata((const uint8_t *)expr, strlen(expr), "METADATA", &m, &err),
                     0);
    expect_norm(m.license, "MIT AND (Apache-2.0 OR BSD-2-Clause)");
    py_meta_free(&m);
}

/* A zip archive in memory with the given (name, content) entries. */
static uint8_t *make_zip(const char *const (*entries)[2], size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *f = zip_source_buffer(z, entries[i][1], strlen(entries[i][1]), 0);
        assert_non_null(f);
        assert_true(zip_file_add(z, entries[i][0], f, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
    zip_int64_t size = zip_source_tell(src);
    assert_true(size > 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
    uint8_t *buf = malloc((size_t)size);
    assert_non_null(buf);
    assert_int_equal(zip_source_read(src, buf, (zip_uint64_t)size), size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = (size_t)size;
    return buf;
}

static void test_jar_bundle_license(void **st)
{
    (void)st;
    static const char manifest[] =
        "Manifest-Version: 1.0\r\n"
        "Bundle-SymbolicName: org.apache.commons.lang3\r\n"
        "Bundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt\r\n"
        "Implementation-Title: commons-lang3\r\n"
        "Implementation-Version: 3.12.0\r\n\r\n";
    static const char pom[] =
        "groupId=org.apache.commons\nartifactId=commons-lang3\nversion=3.12.0\n";
    /* pom.properties and a manifest: the manifest's license for the one artifact */
    const char *const with_pom[][2] = {
        {"META-INF/MANIFEST.MF", manifest},
        {"META-INF/maven/org.apache.commons/commons-lang3/pom.properties", pom},
    };
    size_t len;
    uint8_t *jar = make_zip(with_pom, 2, &len);
    struct java_artifact_list l;
    struct strata_error err = {0};
    assert_int_equal(java_archive_read(jar, len, "commons-lang3.jar", &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].license, "https://www.apache.org/licenses/LICENSE-2.0.txt");
    expect_norm(l.v[0].license, "Apache-2.0");
    java_artifact_list_free(&l);
    free(jar);
    /* the manifest alone */
    jar = make_zip(with_pom, 1, &len);
    assert_int_equal(java_archive_read(jar, len, "commons-lang3-3.12.0.jar", &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].license, "https://www.apache.org/licenses/LICENSE-2.0.txt");
    java_artifact_list_free(&l);
    free(jar);
    /* a shaded jar (two pom.properties): whose license would it be? none */
    const char *const shaded[][2] = {
        {"META-INF/MANIFEST.MF", manifest},
        {"META-INF/maven/org.apache.commons/commons-lang3/pom.properties", pom},
        {"META-INF/maven/com.x/y/pom.properties", "groupId=com.x\nartifactId=y\nversion=1\n"},
    };
    jar = make_zip(shaded, 3, &len);
    assert_int_equal(java_archive_read(jar, len, "app.jar", &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_null(l.v[0].license);
    assert_null(l.v[1].license);
    java_artifact_list_free(&l);
    free(jar);
    /* no Bundle-License */
    const char *const plain[][2] = {
        {"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n"},
        {"META-INF/maven/org.apache.commons/commons-lang3/pom.properties", pom},
    };
    jar = make_zip(plain, 2, &len);
    assert_int_equal(java_archive_read(jar, len, "x.jar", &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_null(l.v[0].license);
    java_artifact_list_free(&l);
    free(jar);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_table),
        cmocka_unit_test(test_parser_structure),
        cmocka_unit_test(test_parser_errors),
        cmocka_unit_test(test_lenient),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_deny_parse),
        cmocka_unit_test(test_deny_semantics),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_listed),
        cmocka_unit_test(test_bundle_license),
        cmocka_unit_test(test_jar_bundle_license),
        cmocka_unit_test(test_python_classifiers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
