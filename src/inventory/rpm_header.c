#include "inventory/rpm_header.h"

#include <stdlib.h>
#include <string.h>

/* Entry types (rpmTagType). */
enum {
    T_NULL = 0,
    T_CHAR = 1,
    T_INT8 = 2,
    T_INT16 = 3,
    T_INT32 = 4,
    T_INT64 = 5,
    T_STRING = 6,
    T_BIN = 7,
    T_STRING_ARRAY = 8,
    T_I18NSTRING = 9,
    T_MAX = 9,
};

/* Tags. 61..63 mark a region; real tags start at 100 (HEADERI18NTABLE). */
enum {
    TAG_HEADERIMAGE = 61,
    TAG_HEADERSIGNATURES = 62,
    TAG_HEADERIMMUTABLE = 63,
    TAG_FIRST_REAL = 100,
    TAG_NAME = 1000,
    TAG_VERSION = 1001,
    TAG_RELEASE = 1002,
    TAG_EPOCH = 1003,
    TAG_LICENSE = 1014,
    TAG_ARCH = 1022,
    TAG_OLDFILENAMES = 1027,
    TAG_SOURCERPM = 1044,
    TAG_DIRINDEXES = 1116,
    TAG_BASENAMES = 1117,
    TAG_DIRNAMES = 1118,
};

#define ENTRY_SIZE 16u
#define REGION_COUNT 16u /* a region entry's data is one 16-byte index entry, the trailer */
/* rpm's own limits: at most 0xffff index entries and 0x0fffffff data bytes. */
#define RPM_MAX_DATA 0x0fffffffu

/* Element size of fixed-size types, 0 for the string types. */
static const unsigned type_size[T_MAX + 1] = {0, 1, 1, 2, 4, 8, 0, 1, 0, 0};
static const unsigned type_align[T_MAX + 1] = {1, 1, 1, 2, 4, 8, 1, 1, 1, 1};

struct entry {
    uint32_t tag, type, offset, count;
    uint32_t len; /* bytes of data, computed and bounds-checked */
    int present;
};

/* The entries we extract, by slot. */
enum {
    W_NAME,
    W_VERSION,
    W_RELEASE,
    W_EPOCH,
    W_LICENSE,
    W_ARCH,
    W_OLDFILENAMES,
    W_SOURCERPM,
    W_DIRINDEXES,
    W_BASENAMES,
    W_DIRNAMES,
    W_COUNT,
};

static int wanted_slot(uint32_t tag)
{
    switch (tag) {
    case TAG_NAME:
        return W_NAME;
    case TAG_VERSION:
        return W_VERSION;
    case TAG_RELEASE:
        return W_RELEASE;
    case TAG_EPOCH:
        return W_EPOCH;
    case TAG_LICENSE:
        return W_LICENSE;
    case TAG_ARCH:
        return W_ARCH;
    case TAG_OLDFILENAMES:
        return W_OLDFILENAMES;
    case TAG_SOURCERPM:
        return W_SOURCERPM;
    case TAG_DIRINDEXES:
        return W_DIRINDEXES;
    case TAG_BASENAMES:
        return W_BASENAMES;
    case TAG_DIRNAMES:
        return W_DIRNAMES;
    default:
        return -1;
    }
}

static const char *slot_name(int slot)
{
    static const char *const names[W_COUNT] = {
        "NAME",         "VERSION",   "RELEASE",    "EPOCH",     "LICENSE",  "ARCH",
        "OLDFILENAMES", "SOURCERPM", "DIRINDEXES", "BASENAMES", "DIRNAMES",
    };
    return names[slot];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void read_entry(const uint8_t *p, struct entry *e)
{
    e->tag = be32(p);
    e->type = be32(p + 4);
    e->offset = be32(p + 8);
    e->count = be32(p + 12);
    e->len = 0;
    e->present = 1;
}

/* Length of `count` NUL-terminated strings starting at data[off], all inside data[0..dl).
 * Returns 0 when a terminator is missing. The work is bounded by dl - off. */
static uint32_t strings_len(const uint8_t *data, uint32_t dl, uint32_t off, uint32_t count)
{
    uint32_t pos = off;
    while (count-- > 0) {
        if (pos >= dl)
            return 0;
        const uint8_t *nul = memchr(data + pos, '\0', dl - pos);
        if (nul == NULL)
            return 0;
        pos = (uint32_t)(nul - data) + 1;
    }
    return pos - off;
}

/* Checks one (non-region) entry and computes its data length: the checks rpm applies when
 * it imports a header (tag range, type, alignment, offset, data fits, strings terminated). */
static int check_entry(const uint8_t *data, uint32_t dl, uint32_t i, size_t index_off,
                       struct entry *e, struct strata_error *err)
{
    if (e->tag < TAG_FIRST_REAL)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: index entry %u at offset %zu: invalid tag %u", i,
                                index_off, e->tag);
    if (e->type == T_NULL || e->type > T_MAX)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: index entry %u (tag %u) at offset %zu: invalid type %u", i,
                                e->tag, index_off, e->type);
    if (e->count == 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: index entry %u (tag %u) at offset %zu: count is 0", i,
                                e->tag, index_off);
    if (e->offset >= dl)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: index entry %u (tag %u) at offset %zu: data offset %u "
                                "outside the %u-byte data store",
                                i, e->tag, index_off, e->offset, dl);
    if (e->offset % type_align[e->type] != 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: index entry %u (tag %u) at offset %zu: data offset %u "
                                "not aligned for type %u",
                                i, e->tag, index_off, e->offset, e->type);
    uint64_t len;
    if (type_size[e->type] != 0) {
        len = (uint64_t)e->count * type_size[e->type];
        if (len > dl - e->offset)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "header: index entry %u (tag %u) at offset %zu: %u items of "
                                    "type %u at data offset %u overrun the %u-byte data store",
                                    i, e->tag, index_off, e->count, e->type, e->offset, dl);
    } else {
        if (e->type == T_STRING && e->count != 1)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "header: index entry %u (tag %u) at offset %zu: string with "
                                    "count %u",
                                    i, e->tag, index_off, e->count);
        /* Each string takes at least one byte: refuse impossible counts before scanning. */
        if (e->count > dl - e->offset)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "header: index entry %u (tag %u) at offset %zu: %u strings "
                                    "cannot fit in the %u bytes after data offset %u",
                                    i, e->tag, index_off, e->count, dl - e->offset, e->offset);
        len = strings_len(data, dl, e->offset, e->count);
        if (len == 0)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "header: index entry %u (tag %u) at offset %zu: unterminated "
                                    "string data at data offset %u",
                                    i, e->tag, index_off, e->offset);
    }
    e->len = (uint32_t)len;
    return 0;
}

/* The leading region entry and its trailer, checked as rpm does: type BIN, count 16, the
 * trailer inside the data store, naming the same region and pointing back over at most il
 * index entries. */
static int check_region(const uint8_t *data, uint32_t il, uint32_t dl, const struct entry *e,
                        struct strata_error *err)
{
    if (e->type != T_BIN || e->count != REGION_COUNT)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: region tag %u at offset 8: type %u count %u, want type "
                                "%u count %u",
                                e->tag, e->type, e->count, T_BIN, REGION_COUNT);
    if (e->offset > dl || dl - e->offset < REGION_COUNT)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: region tag %u at offset 8: trailer at data offset %u "
                                "outside the %u-byte data store",
                                e->tag, e->offset, dl);
    struct entry t;
    read_entry(data + e->offset, &t);
    uint32_t back = (uint32_t)(-(int64_t)(int32_t)t.offset); /* the trailer's offset is negative */
    if (t.tag != e->tag || t.type != T_BIN || t.count != REGION_COUNT)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: region trailer at data offset %u: tag %u type %u count "
                                "%u, want tag %u type %u count %u",
                                e->offset, t.tag, t.type, t.count, e->tag, T_BIN, REGION_COUNT);
    if ((int32_t)t.offset > 0 || back % ENTRY_SIZE != 0 || back / ENTRY_SIZE > il)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: region trailer at data offset %u: offset %d does not "
                                "cover whole index entries (il %u)",
                                e->offset, (int32_t)t.offset, il);
    return 0;
}

static char *dup_range(const uint8_t *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* A copy of the first string of a string-typed entry; *out stays NULL when it is absent. */
static int take_string(const uint8_t *data, const struct entry *e, int slot, char **out,
                       struct strata_error *err)
{
    *out = NULL;
    if (!e->present)
        return 0;
    if (e->type != T_STRING && e->type != T_STRING_ARRAY && e->type != T_I18NSTRING)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: tag %s (%u) has type %u, want a string", slot_name(slot),
                                e->tag, e->type);
    const uint8_t *s = data + e->offset;
    *out = strdup((const char *)s); /* terminated inside the store: checked by check_entry */
    return *out == NULL ? strata_error_nomem(err) : 0;
}

static int require_type(const struct entry *e, int slot, uint32_t type, struct strata_error *err)
{
    if (e->type != type)
        return strata_error_set(err, STRATA_EFORMAT, "header: tag %s (%u) has type %u, want %u",
                                slot_name(slot), e->tag, e->type, type);
    return 0;
}

/* Pointers to the count strings of a checked string-array entry. */
static const char **split_strings(const uint8_t *data, const struct entry *e)
{
    const char **v = calloc(e->count, sizeof *v);
    if (v == NULL)
        return NULL;
    const uint8_t *p = data + e->offset;
    for (uint32_t i = 0; i < e->count; i++) {
        v[i] = (const char *)p;
        p += strlen((const char *)p) + 1;
    }
    return v;
}

/* Total bytes of file paths we are willing to build for a header of len bytes. A path is
 * dirname + basename, and dirnames are shared, so a hostile header could ask for one long
 * dirname times many one-byte basenames; real headers carry much more per-file data (digests,
 * modes, sizes) than their paths, so four times the blob size is generous. */
static uint64_t path_budget(size_t len)
{
    return (uint64_t)len * 4 + 65536;
}

static int build_files(const uint8_t *data, size_t blob_len, const struct entry *w,
                       struct rpm_header_info *out, struct strata_error *err)
{
    const struct entry *bn = &w[W_BASENAMES], *dn = &w[W_DIRNAMES], *di = &w[W_DIRINDEXES];
    const struct entry *old = &w[W_OLDFILENAMES];
    uint64_t budget = path_budget(blob_len), used = 0;
    int rc;

    if (bn->present) {
        if (!dn->present || !di->present)
            return strata_error_set(err, STRATA_EFORMAT, "header: BASENAMES without %s",
                                    dn->present ? "DIRINDEXES" : "DIRNAMES");
        if ((rc = require_type(bn, W_BASENAMES, T_STRING_ARRAY, err)) ||
            (rc = require_type(dn, W_DIRNAMES, T_STRING_ARRAY, err)) ||
            (rc = require_type(di, W_DIRINDEXES, T_INT32, err)))
            return rc;
        if (di->count != bn->count)
            return strata_error_set(err, STRATA_EFORMAT, "header: %u BASENAMES but %u DIRINDEXES",
                                    bn->count, di->count);
        const char **base = split_strings(data, bn);
        const char **dirs = split_strings(data, dn);
        size_t *dirlen = calloc(dn->count, sizeof *dirlen);
        out->files = calloc(bn->count, sizeof *out->files);
        if (base == NULL || dirs == NULL || dirlen == NULL || out->files == NULL) {
            rc = strata_error_nomem(err);
            goto done;
        }
        for (uint32_t d = 0; d < dn->count; d++)
            dirlen[d] = strlen(dirs[d]);
        rc = 0;
        for (uint32_t i = 0; i < bn->count; i++) {
            uint32_t idx = be32(data + di->offset + (size_t)i * 4);
            if (idx >= dn->count) {
                rc = strata_error_set(err, STRATA_EFORMAT,
                                      "header: DIRINDEXES[%u] = %u, only %u DIRNAMES", i, idx,
                                      dn->count);
                goto done;
            }
            size_t bl = strlen(base[i]);
            size_t n = dirlen[idx] + bl;
            if (n > RPM_HEADER_MAX_PATH) {
                rc = strata_error_set(err, STRATA_EFORMAT,
                                      "header: file %u: path of %zu bytes exceeds %u", i, n,
                                      RPM_HEADER_MAX_PATH);
                goto done;
            }
            used += n + 1;
            if (used > budget) {
                rc = strata_error_set(err, STRATA_ELIMIT,
                                      "header: file paths exceed %llu bytes at file %u",
                                      (unsigned long long)budget, i);
                goto done;
            }
            char *path = malloc(n + 1);
            if (path == NULL) {
                rc = strata_error_nomem(err);
                goto done;
            }
            memcpy(path, dirs[idx], dirlen[idx]);
            memcpy(path + dirlen[idx], base[i], bl + 1);
            out->files[out->n_files++] = path;
        }
    done:
        free(base);
        free(dirs);
        free(dirlen);
        return rc;
    }

    if (old->present) {
        if ((rc = require_type(old, W_OLDFILENAMES, T_STRING_ARRAY, err)))
            return rc;
        out->files = calloc(old->count, sizeof *out->files);
        if (out->files == NULL)
            return strata_error_nomem(err);
        const uint8_t *p = data + old->offset;
        for (uint32_t i = 0; i < old->count; i++) {
            size_t n = strlen((const char *)p);
            if (n > RPM_HEADER_MAX_PATH)
                return strata_error_set(err, STRATA_EFORMAT,
                                        "header: OLDFILENAMES[%u]: path of %zu bytes exceeds %u", i,
                                        n, RPM_HEADER_MAX_PATH);
            char *path = dup_range(p, n);
            if (path == NULL)
                return strata_error_nomem(err);
            out->files[out->n_files++] = path;
            p += n + 1;
        }
    }
    return 0;
}

void rpm_header_info_free(struct rpm_header_info *h)
{
    if (h == NULL)
        return;
    free(h->name);
    free(h->version);
    free(h->release);
    free(h->arch);
    free(h->sourcerpm);
    free(h->license);
    for (size_t i = 0; i < h->n_files; i++)
        free(h->files[i]);
    free(h->files);
    memset(h, 0, sizeof *h);
}

int rpm_header_parse(const uint8_t *blob, size_t len, struct rpm_header_info *out,
                     struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    if (blob == NULL || len < 8)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: %zu bytes, too short for the index and data counts", len);
    uint32_t il = be32(blob), dl = be32(blob + 4);
    if (il == 0 || il > RPM_HEADER_MAX_INDEX)
        return strata_error_set(err, il ? STRATA_ELIMIT : STRATA_EFORMAT,
                                "header: %u index entries at offset 0 (want 1..%u)", il,
                                RPM_HEADER_MAX_INDEX);
    if (dl > RPM_MAX_DATA || dl > RPM_HEADER_MAX_BYTES)
        return strata_error_set(err, STRATA_ELIMIT,
                                "header: data store of %u bytes at offset 4 exceeds the limit", dl);
    uint64_t need = 8 + (uint64_t)il * ENTRY_SIZE + dl;
    if (need != len)
        return strata_error_set(err, STRATA_EFORMAT,
                                "header: %u index entries and %u data bytes need %llu bytes, "
                                "blob has %zu",
                                il, dl, (unsigned long long)need, len);
    const uint8_t *index = blob + 8;
    const uint8_t *data = index + (size_t)il * ENTRY_SIZE;

    struct entry wanted[W_COUNT];
    memset(wanted, 0, sizeof wanted);

    uint32_t first = 0;
    struct entry e;
    read_entry(index, &e);
    if (e.tag == TAG_HEADERIMAGE || e.tag == TAG_HEADERSIGNATURES || e.tag == TAG_HEADERIMMUTABLE) {
        int rc = check_region(data, il, dl, &e, err);
        if (rc)
            return rc;
        first = 1;
    }

    /* Entries after the region tag must not overlap and come in data order, as rpm requires;
     * this also bounds the string scanning to one pass over the data store. */
    uint32_t end = 0;
    for (uint32_t i = first; i < il; i++) {
        size_t index_off = 8 + (size_t)i * ENTRY_SIZE;
        read_entry(index + (size_t)i * ENTRY_SIZE, &e);
        if (e.offset < end)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "header: index entry %u (tag %u) at offset %zu: data offset "
                                    "%u overlaps the previous entry's data (ends at %u)",
                                    i, e.tag, index_off, e.offset, end);
        int rc = check_entry(data, dl, i, index_off, &e, err);
        if (rc)
            return rc;
        end = e.offset + e.len;
        int slot = wanted_slot(e.tag);
        if (slot >= 0)
            wanted[slot] = e; /* later entries (install-time additions) replace earlier ones */
    }

    int rc;
    if ((rc = take_string(data, &wanted[W_NAME], W_NAME, &out->name, err)) ||
        (rc = take_string(data, &wanted[W_VERSION], W_VERSION, &out->version, err)) ||
        (rc = take_string(data, &wanted[W_RELEASE], W_RELEASE, &out->release, err)) ||
        (rc = take_string(data, &wanted[W_ARCH], W_ARCH, &out->arch, err)) ||
        (rc = take_string(data, &wanted[W_SOURCERPM], W_SOURCERPM, &out->sourcerpm, err)) ||
        (rc = take_string(data, &wanted[W_LICENSE], W_LICENSE, &out->license, err)))
        goto fail;
    if (wanted[W_EPOCH].present) {
        if ((rc = require_type(&wanted[W_EPOCH], W_EPOCH, T_INT32, err)))
            goto fail;
        out->epoch = be32(data + wanted[W_EPOCH].offset);
        out->has_epoch = 1;
    }
    if ((rc = build_files(data, len, wanted, out, err)))
        goto fail;
    return 0;
fail:
    rpm_header_info_free(out);
    return rc;
}
