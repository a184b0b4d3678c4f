/* rpm's ndb package store (Packages.db), as laid out by rpm's lib/backend/ndb/rpmpkg.c:
 *
 *   page 0, bytes 0..31: file header  "RpmP", version 0, generation, slot page count,
 *                                      next package index (all little-endian u32)
 *   slot pages (4096 bytes each; page 0's slots start after the file header):
 *       16-byte slots "Slot", package index, block offset, block count; offset 0 = free
 *   blobs, in 16-byte blocks after the slot pages:
 *       head "BlbS", package index, timestamp, length; the header blob; zero padding;
 *       tail Adler-32 (of head, blob and padding), length, "BlbE"
 */
#include "inventory/rpmdb.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define NDB_PAGE 4096u
#define NDB_BLK 16u
#define NDB_HEADER 32u
#define NDB_SLOT 16u
#define NDB_BLOB_HEAD 16u
#define NDB_BLOB_TAIL 12u
#define NDB_VERSION 0u

#define MAGIC(a, b, c, d)                                                                          \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define NDB_MAGIC MAGIC('R', 'p', 'm', 'P')
#define SLOT_MAGIC MAGIC('S', 'l', 'o', 't')
#define BLOB_HEAD_MAGIC MAGIC('B', 'l', 'b', 'S')
#define BLOB_TAIL_MAGIC MAGIC('B', 'l', 'b', 'E')

struct slot {
    uint32_t pkgidx, blkoff, blkcnt;
    size_t at; /* file offset of the slot, for messages */
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int by_blkoff(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    return x->blkoff < y->blkoff ? -1 : x->blkoff > y->blkoff;
}

static int by_pkgidx(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    return x->pkgidx < y->pkgidx ? -1 : x->pkgidx > y->pkgidx;
}

static int read_blob(const uint8_t *db, const struct slot *s, rpmdb_blob_fn fn, void *arg,
                     struct strata_error *err)
{
    size_t off = (size_t)s->blkoff * NDB_BLK;
    size_t span = (size_t)s->blkcnt * NDB_BLK; /* inside the file: checked by the caller */
    const uint8_t *p = db + off;
    if (span < NDB_BLOB_HEAD + NDB_BLOB_TAIL)
        return strata_error_set(err, STRATA_EFORMAT,
                                "ndb: slot at offset %zu: %u blocks cannot hold a blob", s->at,
                                s->blkcnt);
    if (le32(p) != BLOB_HEAD_MAGIC)
        return strata_error_set(err, STRATA_EFORMAT, "ndb: blob at offset %zu: bad head magic",
                                off);
    if (le32(p + 4) != s->pkgidx)
        return strata_error_set(err, STRATA_EFORMAT,
                                "ndb: blob at offset %zu: package index %u, slot says %u", off,
                                le32(p + 4), s->pkgidx);
    uint32_t bloblen = le32(p + 12);
    uint64_t need = ((uint64_t)NDB_BLOB_HEAD + bloblen + NDB_BLOB_TAIL + NDB_BLK - 1) / NDB_BLK;
    if (need != s->blkcnt)
        return strata_error_set(err, STRATA_EFORMAT,
                                "ndb: blob at offset %zu: length %u does not match %u blocks", off,
                                bloblen, s->blkcnt);
    const uint8_t *tail = p + span - NDB_BLOB_TAIL;
    if (le32(tail + 8) != BLOB_TAIL_MAGIC || le32(tail + 4) != bloblen)
        return strata_error_set(err, STRATA_EFORMAT,
                                "ndb: blob at offset %zu: bad tail at offset %zu", off,
                                off + span - NDB_BLOB_TAIL);
    /* zlib's adler32 takes a uInt length: feed it in chunks. */
    uLong adl = adler32(0L, Z_NULL, 0);
    for (size_t done = 0, todo = span - NDB_BLOB_TAIL; done < todo;) {
        size_t chunk = todo - done > (1u << 30) ? (1u << 30) : todo - done;
        adl = adler32(adl, p + done, (uInt)chunk);
        done += chunk;
    }
    if ((uint32_t)adl != le32(tail))
        return strata_error_set(err, STRATA_EFORMAT,
                                "ndb: blob at offset %zu: Adler-32 mismatch (stored %08x, "
                                "computed %08x)",
                                off, le32(tail), (unsigned)adl);
    return fn(s->pkgidx, p + NDB_BLOB_HEAD, bloblen, arg, err);
}

int rpmdb_ndb_each(const uint8_t *db, size_t len, rpmdb_blob_fn fn, void *arg,
                   struct strata_error *err)
{
    if (len == 0)
        return 0;
    if (len < NDB_HEADER)
        return strata_error_set(err, STRATA_EFORMAT,
                                "ndb: %zu bytes, too short for the file header", len);
    if (le32(db) != NDB_MAGIC)
        return strata_error_set(err, STRATA_EFORMAT, "ndb: offset 0: bad magic (not RpmP)");
    if (le32(db + 4) != NDB_VERSION)
        return strata_error_set(err, STRATA_EFORMAT, "ndb: offset 4: unsupported version %u",
                                le32(db + 4));
    if (len % NDB_BLK != 0)
        return strata_error_set(err, STRATA_EFORMAT, "ndb: file size %zu is not a multiple of %u",
                                len, NDB_BLK);
    uint32_t npages = le32(db + 12);
    if (npages == 0 || (uint64_t)npages * NDB_PAGE > len)
        return strata_error_set(err, STRATA_EFORMAT,
                                "ndb: offset 12: %u slot pages do not fit in %zu bytes", npages,
                                len);
    uint64_t fileblks = len / NDB_BLK;
    uint32_t minblk = npages * (NDB_PAGE / NDB_BLK);

    size_t max_slots = (size_t)npages * (NDB_PAGE / NDB_SLOT);
    struct slot *slots = malloc(max_slots * sizeof *slots);
    if (slots == NULL)
        return strata_error_nomem(err);
    size_t n = 0;
    int rc = 0;
    for (size_t at = NDB_HEADER; at < (size_t)npages * NDB_PAGE; at += NDB_SLOT) {
        const uint8_t *p = db + at;
        if (le32(p) != SLOT_MAGIC) {
            rc = strata_error_set(err, STRATA_EFORMAT, "ndb: slot at offset %zu: bad magic", at);
            goto out;
        }
        uint32_t blkoff = le32(p + 8);
        if (blkoff == 0)
            continue; /* free slot */
        struct slot s = {le32(p + 4), blkoff, le32(p + 12), at};
        if (s.pkgidx == 0 || s.blkcnt == 0 || s.blkoff < minblk) {
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "ndb: slot at offset %zu: invalid entry (package %u, block "
                                  "%u, %u blocks)",
                                  at, s.pkgidx, s.blkoff, s.blkcnt);
            goto out;
        }
        if ((uint64_t)s.blkoff + s.blkcnt > fileblks) {
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "ndb: slot at offset %zu: blob at offset %llu (%u blocks) "
                                  "extends past the end of the %zu-byte file",
                                  at, (unsigned long long)s.blkoff * NDB_BLK, s.blkcnt, len);
            goto out;
        }
        slots[n++] = s;
    }

    /* rpm never lets blobs overlap or two slots name one package; refusing both keeps the
     * work linear in the file size whatever the slots say. */
    qsort(slots, n, sizeof *slots, by_pkgidx);
    for (size_t i = 1; i < n; i++)
        if (slots[i].pkgidx == slots[i - 1].pkgidx) {
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "ndb: slots at offsets %zu and %zu both hold package %u",
                                  slots[i - 1].at, slots[i].at, slots[i].pkgidx);
            goto out;
        }
    qsort(slots, n, sizeof *slots, by_blkoff);
    for (size_t i = 1; i < n; i++)
        if ((uint64_t)slots[i - 1].blkoff + slots[i - 1].blkcnt > slots[i].blkoff) {
            rc =
                strata_error_set(err, STRATA_EFORMAT, "ndb: blobs at offsets %llu and %llu overlap",
                                 (unsigned long long)slots[i - 1].blkoff * NDB_BLK,
                                 (unsigned long long)slots[i].blkoff * NDB_BLK);
            goto out;
        }
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = read_blob(db, &slots[i], fn, arg, err);
out:
    free(slots);
    return rc;
}
