/* libFuzzer target: the OpenVEX reader, statement selection and the purl parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/vex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the input as a purl, twice: it must match itself */
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct vex_purl *p = NULL;
    int prc = vex_purl_parse(s, &p);
    if (prc == 0 &&
        (p == NULL || !vex_purl_match(p, p) || p->type[0] == '\0' || p->name[0] == '\0'))
        __builtin_trap();
    vex_purl_free(p);
    free(s);

    struct vex_doc d;
    struct strata_error err = {0};
    int rc = vex_parse((const char *)data, size, "v.json", &d, &err);
    if (rc != 0) {
        if (rc != STRATA_ENOMEM && strncmp(err.msg, "v.json:", 7) != 0)
            __builtin_trap();
        if (d.n != 0 || d.v != NULL)
            __builtin_trap();
        return 0;
    }
    char *aliases[] = {"GHSA-aaaa-bbbb-cccc"};
    struct strata_vulnerability v = {
        .id = "CVE-2023-0001",
        .aliases = aliases,
        .n_aliases = 1,
        .package_name = "libssl3",
        .package_purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"};
    struct strata_target t = {.name = "debian:12",
                              .digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
                                        "0123456789abcdef"};
    int oom;
    const struct vex_statement *st = vex_find(&d, &t, &v, &oom);
    if (st != NULL && (st < d.v || st >= d.v + d.n || st->n_products == 0))
        __builtin_trap();
    vex_doc_free(&d);
    return 0;
}
