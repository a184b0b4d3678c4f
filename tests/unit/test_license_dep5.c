/* Debian copyright files: DEP-5 (machine-readable) paragraphs, the free-form classifier on the
 * shapes of real files (a few lines of each, as found in this machine's
 * /usr/share/doc/STAR/copyright), hostile files, the dpkg-copyright analyzer over a synthetic
 * layered view, and — when python3-debian is installed — agreement with its debian.copyright
 * on every copyright file of this machine. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyzer_test_util.h"
#include "licenses/debian_copyright.h"
#include "strata/analyzer.h"
#include "strata/license.h"
#include "strata/report.h"

extern const struct strata_analyzer strata_analyzer_dpkg_copyright;

#define FMT "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"

static struct deb_copyright parse(const char *text)
{
    struct deb_copyright c;
    assert_int_equal(deb_copyright_parse((const uint8_t *)text, strlen(text), &c), 0);
    return c;
}

/* c's licenses are exactly want (NULL-terminated), in order. */
static void expect_licenses(const struct deb_copyright *c, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    for (size_t i = 0; i < n && i < c->n_licenses; i++)
        if (strcmp(c->licenses[i], want[i]) != 0)
            fail_msg("license %zu: \"%s\", want \"%s\"", i, c->licenses[i], want[i]);
    if (c->n_licenses != n) {
        for (size_t i = 0; i < c->n_licenses; i++)
            print_message("  got %s\n", c->licenses[i]);
        fail_msg("%zu licenses, want %zu", c->n_licenses, n);
    }
}

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

/* apt's copyright (Debian 12), shortened: a Comment in the header, several Files paragraphs,
 * the same license twice, standalone License paragraphs with the texts. */
static const char apt_copyright[] =
    FMT "Upstream-Name: apt\n"
        "Upstream-Contact: APT Development Team <deity@lists.debian.org>\n"
        "Source: https://salsa.debian.org/apt-team/apt\n"
        "Comment:\n"
        " APT is an old software with lots of contributors over its lifetime. This\n"
        " .\n"
        " The apt-pkg/contrib/fileutl.cc file states \"RunScripts()\" is \"GPLv2\".\n"
        "\n"
        "Files: *\n"
        "Copyright: 1997-1999 Jason Gunthorpe and others\n"
        "           2018, 2019 Canonical Ltd\n"
        "License: GPL-2+\n"
        "\n"
        "Files: methods/rsh.cc\n"
        "Copyright: 2000 Ben Collins <bcollins@debian.org>\n"
        "License: GPL-2\n"
        "Comment:\n"
        " This file stated:\n"
        " Licensed under the GNU General Public License v2 [no exception clauses]\n"
        "\n"
        "Files: CMake/FindBerkeley.cmake\n"
        "Copyright: 2006, Alexander Dymo, <adymo@kdevelop.org>\n"
        "License: BSD-3-clause\n"
        "\n"
        "Files: CMake/Documentation.cmake\n"
        "Copyright: 2016 Julian Andres Klode <jak@debian.org>\n"
        "License: Expat\n"
        "\n"
        "Files: debian/*\n"
        "Copyright: 2003 Matt Zimmerman\n"
        "License: GPL-3+\n"
        "\n"
        "License: GPL-2\n"
        " This package is free software; you can redistribute it and/or modify\n"
        " it under the terms of the GNU General Public License version 2 as\n"
        " published by the Free Software Foundation.\n"
        " .\n"
        " On Debian systems, the complete text of the GNU General\n"
        " Public License can be found in `/usr/share/common-licenses/GPL-2'.\n"
        "\n"
        "License: GPL-2+\n"
        " This package is free software; you can redistribute it and/or modify\n"
        " it under the terms of the GNU General Public License as published by\n"
        " the Free Software Foundation; either version 2 of the License, or\n"
        " (at your option) any later version.\n";

static void test_dep5_real_shape(void **st)
{
    (void)st;
    struct deb_copyright c = parse(apt_copyright);
    assert_true(c.dep5);
    assert_int_equal(c.n_synopses, 4); /* debian/ and the standalone paragraphs not counted */
    assert_string_equal(c.synopses[0], "GPL-2+");
    assert_string_equal(c.synopses[3], "Expat");
    expect_licenses(&c, L("GPL-2.0-or-later", "GPL-2.0-only", "BSD-3-Clause", "MIT"));
    deb_copyright_free(&c);

    /* perl-base's shape: a header License, expressions with the Debian comma */
    static const char perl[] =
        "Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\r\n"
        "Upstream-Name: perl\r\n"
        "License: GPL-1+ or Artistic\r\n"
        "\r\n"
        "Files: *\r\n"
        "Copyright: 1987-2022, Larry Wall et al.\r\n"
        "License: GPL-1+ or Artistic\r\n"
        "\r\n"
        "Files: cpan/Compress-Raw-Zlib/zlib-src/*\r\n"
        "Copyright: 1995-2005, Jean-loup Gailly and Mark Adler\r\n"
        "License:   Zlib  \r\n"
        "\r\n"
        "Files: cpan/Encode/*\r\n"
        "Copyright: 2002-2013, Dan Kogai\r\n"
        "License: GPL-1+ or Artistic,\r\n"
        " and Unicode\r\n"
        "\r\n"
        "Files: cpan/Digest-MD5/*\r\n"
        "Copyright: 1998-2003, Gisle Aas\r\n"
        "License: GPL-1+ or Artistic, and RSA-MD\r\n";
    c = parse(perl);
    assert_true(c.dep5);
    expect_licenses(&c, L("GPL-1.0-or-later OR Artistic-1.0-Perl", "Zlib",
                          "(GPL-1.0-or-later OR Artistic-1.0-Perl) AND RSA-MD"));
    /* "GPL-1+ or Artistic," with its continuation line: the synopsis is the first line */
    assert_string_equal(c.synopses[2], "GPL-1+ or Artistic,");
    deb_copyright_free(&c);

    /* comments, field names in any case, an old Format URL, a Files field over lines */
    static const char odd[] = "# a comment before the header\n"
                              "format: http://dep.debian.net/deps/dep5\n"
                              "\n\n   \n"
                              "# between paragraphs\n"
                              "files: src/a.c\n"
                              " src/b.c\n"
                              "COPYRIGHT: x\n"
                              "LICENSE: LGPL-2.1+ with staticLink exception\n"
                              "\n"
                              "Files: debian/patches/*\n"
                              " src/c.c\n"
                              "License: ISC\n"
                              "\n"
                              "Files: debian/*\n"
                              " debian/more/*\n"
                              "License: GPL-3+\n"
                              "\n"
                              "Files: x\n"
                              "License:\n"
                              " no synopsis, only text\n"
                              "not a field line\n";
    c = parse(odd);
    assert_true(c.dep5);
    expect_licenses(&c, L("LGPL-2.1-or-later WITH AdditionRef-staticLink-exception", "ISC"));
    deb_copyright_free(&c);

    /* DEP-5 without any License synopsis: the text is classified instead */
    static const char nolic[] = FMT "\n"
                                    "Files: *\n"
                                    "Copyright: someone\n"
                                    "Comment: Permission is hereby granted, free of charge, to "
                                    "any person obtaining a copy\n";
    c = parse(nolic);
    assert_true(c.dep5);
    expect_licenses(&c, L("MIT"));
    deb_copyright_free(&c);
}

/* libc6's free-form copyright (Debian 12), the start of it. */
static const char libc6_copyright[] =
    "This is the Debian prepackaged version of the GNU C Library version 2.23.\n"
    "\n"
    "* Most of the GNU C library is under the following copyright:\n"
    "\n"
    "    Copyright (C) 1991-2015 Free Software Foundation, Inc.\n"
    "\n"
    "    The GNU C Library is free software; you can redistribute it and/or\n"
    "    modify it under the terms of the GNU Lesser General Public\n"
    "    License as published by the Free Software Foundation; either\n"
    "    version 2.1 of the License, or (at your option) any later version.\n"
    "\n"
    "  On Debian systems, the complete text of the GNU Library\n"
    "  General Public License can be found in `/usr/share/common-licenses/LGPL-2.1'.\n"
    "\n"
    "* The utilities associated with GNU C library is under the following\n"
    "  copyright:\n"
    "\n"
    "    This program is free software; you can redistribute it and/or modify\n"
    "    it under the terms of the GNU General Public License as published\n"
    "    by the Free Software Foundation; version 2 of the License, or\n"
    "    (at your option) any later version.\n"
    "\n"
    "  On Debian systems, the complete text of the GNU Library\n"
    "  General Public License can be found in `/usr/share/common-licenses/GPL-2'.\n"
    "\n"
    "* All code incorporated from 4.4 BSD is distributed under the following\n"
    "  license:\n"
    "\n"
    "   Redistribution and use in source and binary forms, with or without\n"
    "   modification, are permitted provided that the following conditions\n"
    "   are met:\n"
    "\n"
    "   1. Redistributions of source code must retain the above copyright\n"
    "      notice, this list of conditions and the following disclaimer.\n"
    "   3. [This condition was removed.]\n"
    "   4. Neither the name of the University nor the names of its contributors\n"
    "      may be used to endorse or promote products derived from this software\n"
    "      without specific prior written permission.\n";

static void test_classic_shapes(void **st)
{
    (void)st;
    struct deb_copyright c = parse(libc6_copyright);
    assert_false(c.dep5);
    assert_int_equal(c.n_synopses, 0);
    expect_licenses(&c, L("LGPL-2.1-or-later", "GPL-2.0-or-later", "BSD-3-Clause"));
    deb_copyright_free(&c);

    /* base-files: "version 2" only, and a reference */
    c = parse("This is the Debian prepackaged version of the Debian Base System\n"
              "Miscellaneous files.\n\n"
              "    This program is free software; you can redistribute it and/or modify\n"
              "    it under the terms of the GNU General Public License as published by\n"
              "    the Free Software Foundation; version 2 dated June, 1991.\n\n"
              "On Debian systems, the complete text of the GNU General Public License\n"
              "can be found in `/usr/share/common-licenses/GPL'.\n");
    expect_licenses(&c, L("GPL-2.0-only"));
    deb_copyright_free(&c);

    /* libdrm: an MIT permission notice */
    c = parse("Copyright © 2007 Intel Corporation\n\n"
              "Permission is hereby granted, free of charge, to any person obtaining a\n"
              "copy of this software and associated documentation files (the \"Software\"),\n"
              "to deal in the Software without restriction\n");
    expect_licenses(&c, L("MIT"));
    deb_copyright_free(&c);

    /* libxau: the X11 "and sell" notice */
    c = parse("Copyright 1988, 1993, 1994, 1998  The Open Group\n\n"
              "Permission to use, copy, modify, distribute, and sell this software and its\n"
              "documentation for any purpose is hereby granted without fee, provided that\n"
              "the above copyright notice appear in all copies\n");
    expect_licenses(&c, L("HPND-sell-variant"));
    deb_copyright_free(&c);

    /* a BSD notice without the third clause; a 4-clause one; ISC in a C comment */
    c = parse(" * Redistribution and use in source and binary forms, with or without\n"
              " * modification, are permitted provided that the following conditions\n"
              " * are met:\n"
              " * 1. Redistributions of source code must retain the above copyright\n"
              " * 2. Redistributions in binary form must reproduce the above copyright\n\n"
              "Redistribution and use in source and binary forms, with or without\n"
              "modification, are permitted provided that: 3. All advertising materials "
              "mentioning features or use of this software\n\n"
              "/*\n"
              " * Permission to use, copy, modify, and/or distribute this software for any\n"
              " * purpose with or without fee is hereby granted, provided that the above\n"
              " */\n");
    expect_licenses(&c, L("BSD-2-Clause", "BSD-4-Clause", "ISC"));
    deb_copyright_free(&c);

    /* Perl modules, zlib, Apache, public domain, Artistic/GPL references */
    c = parse("This library is free software; you can redistribute it and/or modify\n"
              "it under the same terms as Perl itself.\n\n"
              "Perl is distributed under either the Artistic licence or the GPL, see\n"
              "/usr/share/common-licenses/Artistic and /usr/share/common-licenses/GPL-1.\n\n"
              "  Permission is granted to anyone to use this software for any purpose,\n"
              "  including commercial applications, and to alter it\n\n"
              "Licensed under the Apache License, Version 2.0 (the \"License\");\n\n"
              "The file md5.c has been placed in the public domain.\n");
    expect_licenses(&c, L("Artistic-1.0-Perl OR GPL-1.0-or-later", "Artistic-1.0-Perl",
                          "GPL-1.0-only", "Zlib", "Apache-2.0", "LicenseRef-public-domain"));
    deb_copyright_free(&c);

    /* "the GPL", no version anywhere: any version */
    c = parse("It is licensed under the GPL, see `/usr/share/common-licenses/GPL'.\n");
    expect_licenses(&c, L("GPL-1.0-or-later"));
    deb_copyright_free(&c);

    /* the same statement seen twice, once without its "any later version" */
    c = parse("either version 3 of the GNU General Public License, or any later version.\n"
              "The GNU General Public License version 3 is in /usr/share/common-licenses/GPL-3.\n");
    expect_licenses(&c, L("GPL-3.0-or-later"));
    deb_copyright_free(&c);

    /* nothing recognisable */
    c = parse("Copyright 2020 Somebody. All rights reserved.\n");
    expect_licenses(&c, L(NULL));
    deb_copyright_free(&c);
}

static void test_hostile(void **st)
{
    (void)st;
    struct deb_copyright c;
    /* NUL bytes: not a text file */
    static const char nul[] = FMT "\nFiles: *\nLicense: MIT\0\n";
    assert_int_equal(deb_copyright_parse((const uint8_t *)nul, sizeof nul - 1, &c), 0);
    assert_int_equal(c.n_licenses, 0);
    deb_copyright_free(&c);
    /* empty, a lone Format line, a header and nothing else */
    assert_int_equal(deb_copyright_parse((const uint8_t *)"", 0, &c), 0);
    assert_int_equal(c.n_licenses, 0);
    deb_copyright_free(&c);
    c = parse("Format: x/copyright-format/1.0");
    assert_true(c.dep5);
    assert_int_equal(c.n_licenses, 0);
    deb_copyright_free(&c);
    c = parse(FMT "License: MIT");
    expect_licenses(&c, L("MIT"));
    deb_copyright_free(&c);
    /* over the size bound: read as nothing */
    size_t big = DEB_COPYRIGHT_MAX_BYTES + 1;
    char *b = malloc(big + 1);
    assert_non_null(b);
    memset(b, 'a', big);
    memcpy(b, FMT "\nFiles: *\nLicense: MIT\n", strlen(FMT "\nFiles: *\nLicense: MIT\n"));
    assert_int_equal(deb_copyright_parse((const uint8_t *)b, big, &c), 0);
    assert_int_equal(c.n_licenses, 0);
    deb_copyright_free(&c);
    /* many paragraphs, many distinct licenses: bounded */
    size_t n = 0;
    n += (size_t)sprintf(b + n, FMT);
    for (int i = 0; i < 30000; i++)
        n += (size_t)sprintf(b + n, "\nFiles: f%d\nLicense: L%d or MIT\n", i, i);
    assert_int_equal(deb_copyright_parse((const uint8_t *)b, n, &c), 0);
    assert_int_equal(c.n_licenses, DEB_COPYRIGHT_MAX_LICENSES);
    assert_string_equal(c.licenses[0], "LicenseRef-L0 OR MIT");
    deb_copyright_free(&c);
    /* one huge line, a hostile synopsis */
    n = (size_t)sprintf(b, FMT "\nFiles: *\nLicense: ");
    memset(b + n, '(', 1u << 20);
    n += 1u << 20;
    assert_int_equal(deb_copyright_parse((const uint8_t *)b, n, &c), 0);
    assert_int_equal(c.n_licenses, 1);
    assert_true(strncmp(c.licenses[0], "LicenseRef-", 11) == 0);
    deb_copyright_free(&c);
    /* a free-form text of 3 MB of license phrases: classified within its bound */
    n = 0;
    while (n + 200 < 3u << 20)
        n += (size_t)sprintf(b + n, "version 2 of the GNU General Public License or later "
                                    "/usr/share/common-licenses/GPL-2 the public domain\n");
    assert_int_equal(deb_copyright_parse((const uint8_t *)b, n, &c), 0);
    expect_licenses(&c, L("GPL-2.0-or-later", "LicenseRef-public-domain"));
    deb_copyright_free(&c);
    /* random bytes without NUL */
    srand(5);
    for (int round = 0; round < 200; round++) {
        size_t len = (size_t)(rand() % 4000);
        for (size_t i = 0; i < len; i++)
            b[i] = (char)(1 + rand() % 255);
        if (round % 2 == 0 && len > 80)
            memcpy(b, FMT, strlen(FMT));
        assert_int_equal(deb_copyright_parse((const uint8_t *)b, len, &c), 0);
        deb_copyright_free(&c);
    }
    free(b);
}

/* ---- the analyzer over a synthetic image ---- */

static void add_deb(struct strata_report *r, const char *name, const char *type)
{
    struct strata_package *p = strata_report_add_package(r);
    assert_non_null(p);
    p->name = strdup(name);
    p->type = strdup(type);
    p->version = strdup("1.0-1");
}

static const struct strata_package *pkg(const struct strata_report *r, const char *name)
{
    const struct strata_package *p = at_pkg(r, name, NULL);
    if (p == NULL)
        fail_msg("no package %s", name);
    return p;
}

static void expect_pkg(const struct strata_report *r, const char *name, const char *const *want)
{
    const struct strata_package *p = pkg(r, name);
    size_t n = 0;
    while (want[n])
        n++;
    if (p->n_licenses != n)
        fail_msg("%s: %zu licenses, want %zu", name, p->n_licenses, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(p->licenses[i], want[i]);
}

static void symlink_in(struct at_image *im, int layer, const char *path, const char *target)
{
    struct layer_entry e = {.path = path, .link = target, .type = STRATA_FT_SYMLINK, .mode = 0777};
    struct strata_error err = {0};
    assert_int_equal(view_apply_layer(im->view, layer, &e, 1, &err), 0);
}

static void test_analyzer_image(void **st)
{
    (void)st;
    static const struct at_file l0[] = {
        AT_FILE("usr/share/doc/libfoo1/copyright", FMT "\nFiles: *\nLicense: LGPL-2.1+\n"),
        AT_FILE("usr/share/doc/bar/copyright", "Permission is hereby granted, free of charge, to "
                                               "any person obtaining a copy\n"),
        AT_FILE("usr/share/doc/gone/copyright", FMT "\nFiles: *\nLicense: GPL-3+\n"),
        AT_FILE("usr/share/doc/zed/copyright", FMT "\nFiles: *\nLicense: Zlib\n"),
        /* not a package's copyright: ignored */
        AT_FILE("usr/share/doc/bar/examples/copyright", FMT "\nFiles: *\nLicense: GPL-3+\n"),
        AT_FILE("usr/share/doc/copyright", FMT "\nFiles: *\nLicense: GPL-3+\n"),
        AT_END,
    };
    static const struct at_file l1[] = {
        /* upgraded: the later layer's copy, and within the layer the later member */
        AT_FILE("usr/share/doc/libfoo1/copyright", FMT "\nFiles: *\nLicense: GPL-2+\n"),
        AT_FILE("usr/share/doc/libfoo1/copyright",
                FMT "\nFiles: *\nLicense: LGPL-2.1+\n\nFiles: x\nLicense: BSD-3-clause\n"),
        AT_WHITEOUT("usr/share/doc/gone/copyright"),
        AT_END,
    };
    static const struct at_file *const layers[] = {l0, l1};
    struct at_image im;
    at_build(&im, &strata_analyzer_dpkg_copyright, layers, 2, at_numbered_ids);
    /* libfoo-dev's doc directory links to libfoo1's (same source package) */
    symlink_in(&im, 1, "usr/share/doc/libfoo-dev", "libfoo1");
    /* a link to a directory nobody wrote, a link loop */
    symlink_in(&im, 1, "usr/share/doc/dangling", "nowhere");
    symlink_in(&im, 1, "usr/share/doc/loop", "loop");
    add_deb(im.report, "libfoo1", "deb");
    add_deb(im.report, "libfoo-dev", "deb");
    add_deb(im.report, "bar", "deb");
    add_deb(im.report, "gone", "deb");
    add_deb(im.report, "zed:amd64", "deb");
    add_deb(im.report, "nodoc", "deb");
    add_deb(im.report, "dangling", "deb");
    add_deb(im.report, "loop", "deb");
    add_deb(im.report, "../etc", "deb");
    add_deb(im.report, "bar", "npm"); /* not a deb: untouched */
    struct strata_package *keep = strata_report_add_package(im.report);
    keep->name = strdup("zed");
    keep->type = strdup("deb");
    keep->licenses = calloc(1, sizeof *keep->licenses);
    keep->licenses[0] = strdup("Stated-Elsewhere");
    keep->n_licenses = 1;
    at_finish_ok(&im);
    const struct strata_report *r = im.report;
    expect_pkg(r, "libfoo1", L("LGPL-2.1-or-later", "BSD-3-Clause"));
    expect_pkg(r, "libfoo-dev", L("LGPL-2.1-or-later", "BSD-3-Clause"));
    expect_pkg(r, "bar", L("MIT"));
    expect_pkg(r, "gone", L(NULL));
    expect_pkg(r, "zed:amd64", L("Zlib"));
    expect_pkg(r, "nodoc", L(NULL));
    expect_pkg(r, "dangling", L(NULL));
    expect_pkg(r, "loop", L(NULL));
    expect_pkg(r, "../etc", L(NULL));
    assert_int_equal(r->packages[9].n_licenses, 0); /* the npm "bar" */
    assert_int_equal(r->packages[10].n_licenses, 1);
    assert_string_equal(r->packages[10].licenses[0], "Stated-Elsewhere");
    /* and the report pass over them */
    struct strata_error err = {0};
    assert_int_equal(strata_licenses_apply(im.report, NULL, &err), 0);
    assert_string_equal(r->licenses[0].license, "BSD-3-Clause"); /* 2 packages each, by id */
    assert_int_equal(r->licenses[0].packages, 2);
    assert_string_equal(r->licenses[1].license, "LGPL-2.1-or-later");
    assert_int_equal(r->licenses[1].packages, 2);
    assert_string_equal(r->licenses[1].category, "weak-copyleft");
    at_free(&im);
}

static void test_analyzer_fs(void **st)
{
    (void)st;
    static const struct at_file fs[] = {
        AT_FILE("usr/share/doc/bash/copyright", FMT "\nFiles: *\nLicense: GPL-3+\n"),
        AT_END,
    };
    static const struct at_file *const layers[] = {fs};
    struct at_image im;
    at_build(&im, &strata_analyzer_dpkg_copyright, layers, 1, AT_FILESYSTEM);
    add_deb(im.report, "bash", "deb");
    at_finish_ok(&im);
    expect_pkg(im.report, "bash", L("GPL-3.0-or-later"));
    at_free(&im);
    /* the size bound: a larger copyright file is not delivered */
    assert_int_equal(strata_analyzer_wants(&strata_analyzer_dpkg_copyright,
                                           "usr/share/doc/x/copyright", DEB_COPYRIGHT_MAX_BYTES),
                     1);
    assert_int_equal(strata_analyzer_wants(&strata_analyzer_dpkg_copyright,
                                           "usr/share/doc/x/copyright",
                                           DEB_COPYRIGHT_MAX_BYTES + 1),
                     0);
    assert_int_equal(
        strata_analyzer_wants(&strata_analyzer_dpkg_copyright, "usr/share/doc/x/y/copyright", 10),
        0);
}

/* ---- python3-debian oracle ---- */

static int have_python_debian(void)
{
    return access("/usr/bin/python3", X_OK) == 0 &&
           system("/usr/bin/python3 -c 'import debian.copyright' 2>/dev/null") == 0;
}

static void test_oracle(void **st)
{
    (void)st;
    if (!have_python_debian()) {
        print_message("SKIP: license_dep5_oracle: python3-debian is not installed\n");
        skip();
    }
    if (access("tests/unit/dep5_oracle.py", R_OK) != 0) {
        print_message("SKIP: license_dep5_oracle: run from the source tree\n");
        skip();
    }
    DIR *d = opendir("/usr/share/doc");
    if (d == NULL) {
        print_message("SKIP: license_dep5_oracle: no /usr/share/doc\n");
        skip();
    }
    char tsv[] = "/tmp/strata-dep5-XXXXXX";
    int fd = mkstemp(tsv);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w");
    assert_non_null(out);
    size_t files = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "/usr/share/doc/%s/copyright", de->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
            (uint64_t)sb.st_size > DEB_COPYRIGHT_MAX_BYTES)
            continue;
        size_t len;
        uint8_t *data = tf_slurp(path, &len);
        if (data == NULL)
            continue;
        struct deb_copyright c;
        assert_int_equal(deb_copyright_parse(data, len, &c), 0);
        fprintf(out, "%s\t%d\t", path, c.dep5);
        for (size_t i = 0; i < c.n_synopses; i++)
            fprintf(out, "%s%s", i ? "\x1f" : "", c.synopses[i]);
        fputc('\n', out);
        deb_copyright_free(&c);
        free(data);
        files++;
    }
    closedir(d);
    fclose(out);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/unit/dep5_oracle.py %s 0.99", tsv);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[2048];
    while (fgets(line, sizeof line, p))
        print_message("%s", line);
    int rc = pclose(p);
    unlink(tsv);
    if (files == 0) {
        print_message("SKIP: license_dep5_oracle: no copyright files\n");
        skip();
    }
    assert_int_equal(rc, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dep5_real_shape), cmocka_unit_test(test_classic_shapes),
        cmocka_unit_test(test_hostile),         cmocka_unit_test(test_analyzer_image),
        cmocka_unit_test(test_analyzer_fs),     cmocka_unit_test(test_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
