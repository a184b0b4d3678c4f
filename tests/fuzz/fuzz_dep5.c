/* libFuzzer target: Debian copyright files — the DEP-5 reader and the free-form classifier.
 * Beyond "no crash": the only error is ENOMEM, the bounds hold, and every license reported is
 * already canonical (normalising it changes nothing). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "licenses/debian_copyright.h"
#include "strata/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct deb_copyright c;
    int rc = deb_copyright_parse(data, size, &c);
    if (rc != 0 && rc != STRATA_ENOMEM)
        __builtin_trap();
    if (rc != 0)
        return 0;
    if (c.n_licenses > DEB_COPYRIGHT_MAX_LICENSES || c.n_synopses > DEB_COPYRIGHT_MAX_LICENSES)
        __builtin_trap();
    for (size_t i = 0; i < c.n_licenses; i++) {
        char *again = strata_license_normalize_lenient(c.licenses[i], strlen(c.licenses[i]));
        if (again != NULL && strcmp(again, c.licenses[i]) != 0)
            __builtin_trap();
        free(again);
    }
    deb_copyright_free(&c);
    /* the classifier on its own, DEP-5 or not */
    struct deb_copyright t;
    memset(&t, 0, sizeof t);
    if (memchr(data, '\0', size) == NULL)
        (void)deb_copyright_classify((const char *)data, size, &t);
    deb_copyright_free(&t);
    return 0;
}
