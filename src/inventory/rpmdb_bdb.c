/* Berkeley DB hash files (rpm's "Packages" before rpm 4.16), read directly: no libdb.
 *
 * Page 0 is the hash meta page (all integers in the writer's byte order; the magic tells
 * which):
 *     12 magic 0x061561   16 version (8..10)   20 page size   24 encryption   25 page type (8)
 *     26 meta flags       32 last page number  72 max bucket  96 spares[32]
 * Bucket b lives on page b + spares[bit length of b], followed through next_pgno. Every page
 * starts with a 26-byte header:
 *      8 page number  12 prev  16 next  20 entries (u16)  22 high free offset (u16)  25 type
 * Hash pages (type 2 or 13) carry `entries` u16 item offsets at 26, key and data alternating,
 * items packed downwards from the page end so item i ends where item i-1 starts. An item is a
 * type byte then either the bytes (H_KEYDATA) or {pgno, total length} of an overflow chain
 * (H_OFFPAGE): pages of type 7 holding `high free offset` bytes each at offset 26. */
#include "inventory/rpmdb.h"

#include <stdlib.h>
#include <string.h>

#include "inventory/rpm_header.h"

#define HASH_MAGIC 0x061561u
#define BTREE_MAGIC 0x053162u
#define PAGE_HDR 26u
#define META_MIN 224u /* through spares[] */

enum { P_HASH_UNSORTED = 2, P_OVERFLOW = 7, P_HASHMETA = 8, P_HASH = 13 };
enum { H_KEYDATA = 1, H_DUPLICATE = 2, H_OFFPAGE = 3, H_OFFDUP = 4 };

struct bdb {
    const uint8_t *data;
    size_t len;
    int big; /* big-endian writer */
    uint32_t pagesize;
    uint32_t last_pgno;
    uint8_t *seen; /* one bit per page: each page belongs to at most one chain */
    uint8_t *buf;  /* reassembled overflow item */
    size_t cap;
};

static uint32_t rd32(const struct bdb *b, const uint8_t *p)
{
    if (b->big)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const struct bdb *b, const uint8_t *p)
{
    return b->big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[0] | p[1] << 8);
}

static size_t page_off(const struct bdb *b, uint32_t pgno)
{
    return (size_t)pgno * b->pagesize;
}

/* Returns the page, checking that it exists, is visited for the first time, carries its own
 * number and has the wanted type. */
static int get_page(struct bdb *b, uint32_t pgno, const char *what, const uint8_t **out,
                    struct strata_error *err)
{
    if (pgno == 0 || pgno > b->last_pgno)
        return strata_error_set(err, STRATA_EFORMAT, "bdb: %s page %u outside pages 1..%u", what,
                                pgno, b->last_pgno);
    size_t off = page_off(b, pgno);
    if (b->seen[pgno / 8] & (1u << (pgno % 8)))
        return strata_error_set(err, STRATA_EFORMAT,
                                "bdb: %s page %u at offset %zu reached twice (loop or shared "
                                "page)",
                                what, pgno, off);
    b->seen[pgno / 8] |= (uint8_t)(1u << (pgno % 8));
    const uint8_t *p = b->data + off;
    if (rd32(b, p + 8) != pgno)
        return strata_error_set(err, STRATA_EFORMAT,
                                "bdb: page at offset %zu says it is page %u, expected %u", off,
                                rd32(b, p + 8), pgno);
    *out = p;
    return 0;
}

/* Reassembles an overflow item of tlen bytes starting at page pgno into b->buf. */
static int read_overflow(struct bdb *b, uint32_t pgno, uint32_t tlen, size_t item_off,
                         struct strata_error *err)
{
    if (tlen == 0 || tlen > RPM_HEADER_MAX_BYTES)
        return strata_error_set(err, tlen ? STRATA_ELIMIT : STRATA_EFORMAT,
                                "bdb: overflow item at offset %zu: length %u out of range",
                                item_off, tlen);
    if (tlen > b->cap) {
        uint8_t *n = realloc(b->buf, tlen);
        if (n == NULL)
            return strata_error_nomem(err);
        b->buf = n;
        b->cap = tlen;
    }
    uint32_t have = 0;
    while (have < tlen) {
        const uint8_t *p;
        int rc = get_page(b, pgno, "overflow", &p, err);
        if (rc)
            return rc;
        size_t off = page_off(b, pgno);
        if (p[25] != P_OVERFLOW)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "bdb: page %u at offset %zu: type %u, want overflow (%u)", pgno,
                                    off, p[25], P_OVERFLOW);
        uint32_t n = rd16(b, p + 22);
        if (n == 0 || n > b->pagesize - PAGE_HDR || n > tlen - have)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "bdb: overflow page %u at offset %zu: %u bytes (item has %u "
                                    "left)",
                                    pgno, off, n, tlen - have);
        memcpy(b->buf + have, p + PAGE_HDR, n);
        have += n;
        pgno = rd32(b, p + 16);
    }
    return 0;
}

/* One item of a hash page: sets *data and *n to its bytes (inline, or reassembled into b->buf
 * when it is an overflow item), or *n = 0 with *data NULL for item kinds that never hold an
 * rpm header (duplicate sets). */
static int get_item(struct bdb *b, const uint8_t *item, size_t ilen, size_t item_off,
                    const uint8_t **data, size_t *n, struct strata_error *err)
{
    *data = NULL;
    *n = 0;
    switch (item[0]) {
    case H_KEYDATA:
        *data = item + 1;
        *n = ilen - 1;
        return 0;
    case H_OFFPAGE: {
        if (ilen != 12)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "bdb: overflow reference at offset %zu: %zu bytes, want 12",
                                    item_off, ilen);
        uint32_t tlen = rd32(b, item + 8);
        int rc = read_overflow(b, rd32(b, item + 4), tlen, item_off, err);
        if (rc)
            return rc;
        *data = b->buf;
        *n = tlen;
        return 0;
    }
    case H_DUPLICATE:
    case H_OFFDUP:
        return 0;
    default:
        return strata_error_set(err, STRATA_EFORMAT, "bdb: item at offset %zu: unknown type %u",
                                item_off, item[0]);
    }
}

static int walk_page(struct bdb *b, uint32_t pgno, const uint8_t *p, rpmdb_blob_fn fn, void *arg,
                     struct strata_error *err)
{
    size_t off = page_off(b, pgno);
    uint32_t entries = rd16(b, p + 20);
    if (entries % 2 != 0 || PAGE_HDR + (size_t)entries * 2 > b->pagesize)
        return strata_error_set(err, STRATA_EFORMAT,
                                "bdb: hash page %u at offset %zu: bad entry count %u", pgno, off,
                                entries);
    size_t min_item = PAGE_HDR + (size_t)entries * 2;
    uint32_t prev = b->pagesize; /* item i ends where item i-1 begins */
    for (uint32_t i = 0; i < entries; i += 2) {
        uint32_t koff = rd16(b, p + PAGE_HDR + 2 * i);
        uint32_t voff = rd16(b, p + PAGE_HDR + 2 * (i + 1));
        if (koff < min_item || koff >= prev || voff < min_item || voff >= koff)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "bdb: hash page %u at offset %zu: item %u offsets %u/%u "
                                    "out of order or range",
                                    pgno, off, i, koff, voff);
        size_t klen = prev - koff, vlen = koff - voff;
        prev = voff;
        /* The key is the header number: inline, 4 bytes, in the writer's byte order. Other
         * keys (none in a real rpmdb) are not package records. */
        if (p[koff] != H_KEYDATA || klen != 5)
            continue;
        uint32_t hnum = rd32(b, p + koff + 1);
        if (hnum == 0)
            continue; /* rpm's record 0 holds the next free header number */
        const uint8_t *val;
        size_t n;
        int rc = get_item(b, p + voff, vlen, off + voff, &val, &n, err);
        if (rc)
            return rc;
        if (val == NULL)
            continue;
        rc = fn(hnum, val, n, arg, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int walk(struct bdb *b, const uint8_t *meta, rpmdb_blob_fn fn, void *arg,
                struct strata_error *err)
{
    uint32_t max_bucket = rd32(b, meta + 72);
    uint32_t spares[32];
    for (int i = 0; i < 32; i++)
        spares[i] = rd32(b, meta + 96 + 4 * i);
    /* Every bucket owns at least one page. */
    if (max_bucket >= b->last_pgno)
        return strata_error_set(err, STRATA_EFORMAT, "bdb: offset 72: %u buckets but only %u pages",
                                max_bucket + 1, b->last_pgno);
    for (uint32_t bucket = 0; bucket <= max_bucket; bucket++) {
        unsigned bits = 0;
        for (uint32_t v = bucket; v; v >>= 1)
            bits++;
        uint64_t pg = (uint64_t)bucket + spares[bits];
        if (pg > UINT32_MAX)
            return strata_error_set(err, STRATA_EFORMAT, "bdb: bucket %u maps to page %llu", bucket,
                                    (unsigned long long)pg);
        for (uint32_t pgno = (uint32_t)pg; pgno != 0;) {
            const uint8_t *p;
            int rc = get_page(b, pgno, "bucket", &p, err);
            if (rc)
                return rc;
            if (p[25] != P_HASH && p[25] != P_HASH_UNSORTED)
                return strata_error_set(err, STRATA_EFORMAT,
                                        "bdb: bucket %u page %u at offset %zu: type %u, want a "
                                        "hash page",
                                        bucket, pgno, page_off(b, pgno), p[25]);
            rc = walk_page(b, pgno, p, fn, arg, err);
            if (rc)
                return rc;
            pgno = rd32(b, p + 16);
        }
    }
    return 0;
}

int rpmdb_bdb_each(const uint8_t *data, size_t len, rpmdb_blob_fn fn, void *arg,
                   struct strata_error *err)
{
    if (len == 0)
        return 0;
    if (len < 512)
        return strata_error_set(err, STRATA_EFORMAT, "bdb: %zu bytes, too short for a meta page",
                                len);
    struct bdb b = {.data = data, .len = len};
    const uint8_t *m = data;
    b.big = 1;
    uint32_t be = rd32(&b, m + 12);
    b.big = 0;
    uint32_t le = rd32(&b, m + 12);
    if (le != HASH_MAGIC && be != HASH_MAGIC) {
        if (le == BTREE_MAGIC || be == BTREE_MAGIC)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "bdb: offset 12: a btree database; rpm's Packages is a hash "
                                    "database");
        return strata_error_set(err, STRATA_EFORMAT,
                                "bdb: offset 12: not a Berkeley DB hash file (magic %08x)", le);
    }
    b.big = be == HASH_MAGIC;
    uint32_t version = rd32(&b, m + 16);
    if (version < 8 || version > 10)
        return strata_error_set(err, STRATA_EFORMAT, "bdb: offset 16: unsupported hash version %u",
                                version);
    b.pagesize = rd32(&b, m + 20);
    if (b.pagesize < 512 || b.pagesize > 65536 || (b.pagesize & (b.pagesize - 1)) != 0)
        return strata_error_set(err, STRATA_EFORMAT, "bdb: offset 20: invalid page size %u",
                                b.pagesize);
    if (m[24] != 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "bdb: offset 24: encrypted databases are not supported");
    if (m[25] != P_HASHMETA)
        return strata_error_set(err, STRATA_EFORMAT, "bdb: offset 25: page type %u, want %u", m[25],
                                P_HASHMETA);
    /* Checksummed pages shift the item index; rpm never creates them (and its own read-only
     * reader does not handle them either). */
    if (m[26] & 1)
        return strata_error_set(err, STRATA_EFORMAT,
                                "bdb: offset 26: checksummed databases are not supported");
    b.last_pgno = rd32(&b, m + 32);
    if (b.last_pgno == 0 || ((uint64_t)b.last_pgno + 1) * b.pagesize > len)
        return strata_error_set(err, STRATA_EFORMAT,
                                "bdb: offset 32: last page %u (page size %u) lies beyond the "
                                "%zu-byte file",
                                b.last_pgno, b.pagesize, len);
    b.seen = calloc((size_t)b.last_pgno / 8 + 1, 1);
    if (b.seen == NULL)
        return strata_error_nomem(err);
    int rc = walk(&b, m, fn, arg, err);
    free(b.seen);
    free(b.buf);
    return rc;
}
