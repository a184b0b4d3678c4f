/* Parser of one rpm header blob as rpm stores it in its package database (rpmdb.sqlite,
 * Packages.db, Packages): no lead, no header magic, just
 *
 *     be32 il, be32 dl, il × {be32 tag, be32 type, be32 offset, be32 count}, dl bytes of data
 *
 * where the first entry is normally an immutable region tag (HEADERIMMUTABLE) whose trailer
 * lies in the data store. Every count, offset, alignment, string terminator and the region
 * trailer are checked against the blob before anything is read: the blob is untrusted. */
#ifndef STRATA_INVENTORY_RPM_HEADER_H
#define STRATA_INVENTORY_RPM_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

/* Safety bounds. A real header is a few KiB to a few MiB; rpm itself refuses more than
 * 0xffff index entries and 256 MiB of data. We keep its index limit and a tighter data limit
 * that is still far above any real package. */
#define RPM_HEADER_MAX_BYTES (64u * 1024 * 1024)
#define RPM_HEADER_MAX_INDEX 0xffffu
/* Longest file path we accept (dirname + basename), like PATH_MAX. */
#define RPM_HEADER_MAX_PATH 4096u

/* What the inventory needs from a header. Strings are NUL-terminated copies (malloc'd) or
 * NULL when the tag is absent; epoch is meaningful only when has_epoch. */
struct rpm_header_info {
    char *name;
    char *version;
    char *release;
    char *arch;
    char *sourcerpm;
    char *license;
    uint32_t epoch;
    int has_epoch;
    char **files; /* absolute paths, from BASENAMES+DIRNAMES+DIRINDEXES or OLDFILENAMES */
    size_t n_files;
};

/* Parses blob[0..len) (exactly one header, no trailing bytes). Returns 0 and fills *out, or a
 * negative STRATA_E* with err naming the offset and the entry at fault; *out is then empty.
 * A structurally valid header that lacks NAME is not an error (out->name stays NULL): callers
 * decide whether to skip it. */
int rpm_header_parse(const uint8_t *blob, size_t len, struct rpm_header_info *out,
                     struct strata_error *err);

void rpm_header_info_free(struct rpm_header_info *h);

#endif
