/* libFuzzer target for the rpm inventory parsers. The first byte picks the parser, the rest is
 * its input: 0 the header-blob parser, 1 the SQLite backend, 2 ndb, 3 Berkeley DB hash; the
 * backends hand every blob they find to the header parser, as the analyzer does. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/rpm_header.h"
#include "inventory/rpmdb.h"

static int on_blob(uint32_t hnum, const uint8_t *blob, size_t len, void *arg,
                   struct strata_error *err)
{
    (void)hnum;
    (void)arg;
    struct rpm_header_info h;
    int rc = rpm_header_parse(blob, len, &h, err);
    if (rc == 0) {
        /* touch what a consumer reads, so the sanitizers see it */
        size_t total = 0;
        for (size_t i = 0; i < h.n_files; i++)
            total += strlen(h.files[i]);
        if (h.name)
            total += strlen(h.name);
        (void)total;
        rpm_header_info_free(&h);
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct strata_error err;
    memset(&err, 0, sizeof err);
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    switch (data[0] % 4) {
    case 0:
        (void)on_blob(0, p, n, NULL, &err);
        break;
    case 1:
        (void)rpmdb_sqlite_each(p, n, on_blob, NULL, &err);
        break;
    case 2:
        (void)rpmdb_ndb_each(p, n, on_blob, NULL, &err);
        break;
    default:
        (void)rpmdb_bdb_each(p, n, on_blob, NULL, &err);
        break;
    }
    return 0;
}
