/* libFuzzer target: the vulnerability feed importers (OSV record, Debian tracker JSON, Alpine
 * secdb, and zips of them) through vulndb_build, which detects the feed by content. The input
 * is written to a scratch file and built into a scratch database; errors are fine, crashes,
 * leaks and sanitizer reports are not. Then the matcher reads the result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strata/vulnscan.h"
#include "vulndb/vulndb.h"

static char dir[64];

static void cleanup(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/in", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/db", dir);
    unlink(p);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    if (dir[0] == '\0') {
        snprintf(dir, sizeof dir, "/tmp/fuzz-vulndb.XXXXXX");
        if (mkdtemp(dir) == NULL)
            abort();
        atexit(cleanup);
    }
    char in[128], db[128];
    snprintf(in, sizeof in, "%s/in", dir);
    snprintf(db, sizeof db, "%s/db", dir);
    FILE *f = fopen(in, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    char *sources[] = {in};
    struct vulndb_build_options opt = {0};
    struct strata_error err = {0};
    if (vulndb_build(db, sources, 1, &opt, &err) == 0) {
        /* Whatever was imported must be readable by the matcher. */
        struct strata_report *r = strata_report_new();
        if (r == NULL)
            return 0;
        r->os.family = strdup("debian");
        r->os.version = strdup("11");
        struct strata_package *p = strata_report_add_package(r);
        if (p) {
            p->name = strdup("openssl");
            p->version = strdup("1.1.1k-1");
            p->type = strdup("deb");
        }
        strata_match_vulnerabilities(r, db, NULL, &err);
        strata_report_free(r);
    }
    unlink(db);
    return 0;
}
