#include "source/tar_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/path.h"

#define TAR_BLOCK 512

static uint64_t round_block(uint64_t n)
{
    return (n + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
}

/* Parses an octal (or GNU base-256) numeric field. Returns 0 or -1. */
static int tar_number(const unsigned char *f, size_t n, uint64_t *out)
{
    if (n > 0 && (f[0] & 0x80)) {
        if (f[0] & 0x40)
            return -1; /* negative */
        uint64_t v = f[0] & 0x3f;
        for (size_t i = 1; i < n; i++) {
            if (v >> 56)
                return -1;
            v = (v << 8) | f[i];
        }
        *out = v;
        return 0;
    }
    size_t i = 0;
    while (i < n && f[i] == ' ')
        i++;
    uint64_t v = 0;
    int digits = 0;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
        if (v >> 60)
            return -1;
        v = v * 8 + (uint64_t)(f[i] - '0');
    }
    for (; i < n; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return -1;
    *out = v;
    return digits ? 0 : (n ? 0 : -1);
}

static int checksum_ok(const unsigned char *h)
{
    uint64_t want;
    if (tar_number(h + 148, 8, &want) != 0)
        return 0;
    uint64_t sum = 0;
    for (int i = 0; i < TAR_BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum == want;
}

static int is_zero_block(const unsigned char *h)
{
    for (int i = 0; i < TAR_BLOCK; i++)
        if (h[i])
            return 0;
    return 1;
}

/* Reads a pax extended header body and picks out path/linkpath/size. */
struct pax_fields {
    char path[STRATA_PATH_MAX];
    char link[STRATA_PATH_MAX];
    int has_path, has_link, has_size;
    uint64_t size;
};

static int parse_pax(const char *archive, uint64_t off, const char *body, size_t len,
                     struct pax_fields *pax, struct strata_error *err)
{
    size_t i = 0;
    while (i < len) {
        size_t rec_len = 0, j = i;
        while (j < len && body[j] >= '0' && body[j] <= '9' && rec_len < len)
            rec_len = rec_len * 10 + (size_t)(body[j++] - '0');
        if (j >= len || body[j] != ' ' || rec_len == 0 || rec_len > len - i)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: offset %llu: malformed pax header record", archive,
                                    (unsigned long long)off);
        const char *kv = body + j + 1, *end = body + i + rec_len - 1; /* *end == '\n' */
        if (*end != '\n')
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: offset %llu: pax record not newline-terminated", archive,
                                    (unsigned long long)off);
        const char *eq = memchr(kv, '=', (size_t)(end - kv));
        if (eq) {
            size_t klen = (size_t)(eq - kv), vlen = (size_t)(end - eq - 1);
            if (klen == 4 && memcmp(kv, "path", 4) == 0 && vlen < STRATA_PATH_MAX) {
                memcpy(pax->path, eq + 1, vlen);
                pax->path[vlen] = '\0';
                pax->has_path = 1;
            } else if (klen == 8 && memcmp(kv, "linkpath", 8) == 0 && vlen < STRATA_PATH_MAX) {
                memcpy(pax->link, eq + 1, vlen);
                pax->link[vlen] = '\0';
                pax->has_link = 1;
            } else if (klen == 4 && memcmp(kv, "size", 4) == 0) {
                uint64_t v = 0;
                for (size_t k = 1; k <= vlen; k++) {
                    char c = eq[k];
                    if (c < '0' || c > '9' || v > UINT64_MAX / 10 - 10)
                        return strata_error_set(err, STRATA_EFORMAT,
                                                "%s: offset %llu: bad pax size", archive,
                                                (unsigned long long)off);
                    v = v * 10 + (uint64_t)(c - '0');
                }
                pax->size = v;
                pax->has_size = 1;
            }
        }
        i += rec_len;
    }
    return 0;
}

int tar_index_build(int fd, uint64_t file_size, const char *archive, struct tar_index *idx,
                    struct strata_error *err)
{
    memset(idx, 0, sizeof *idx);
    idx->fd = fd;
    idx->archive = archive;
    struct blob whole = {fd, 0, file_size, archive};
    struct pax_fields pax;
    memset(&pax, 0, sizeof pax);
    char longname[STRATA_PATH_MAX], longlink[STRATA_PATH_MAX];
    int has_longname = 0, has_longlink = 0;
    size_t cap = 0;
    uint64_t off = 0;
    int rc = 0;
    unsigned char h[TAR_BLOCK];
    for (;;) {
        if (off + TAR_BLOCK > file_size) {
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: truncated tar: no end-of-archive marker before offset %llu",
                                  archive, (unsigned long long)file_size);
            break;
        }
        int64_t n = blob_pread(&whole, h, TAR_BLOCK, off, err);
        if (n != TAR_BLOCK) {
            rc = n < 0 ? (int)n
                       : strata_error_set(err, STRATA_EFORMAT, "%s: short read at offset %llu",
                                          archive, (unsigned long long)off);
            break;
        }
        if (is_zero_block(h))
            break; /* end of archive: anything after is padding */
        if (!checksum_ok(h)) {
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: offset %llu: not a tar header (bad checksum)", archive,
                                  (unsigned long long)off);
            break;
        }
        uint64_t size;
        if (tar_number(h + 124, 12, &size) != 0) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: offset %llu: bad size field", archive,
                                  (unsigned long long)off);
            break;
        }
        char type = h[156] ? (char)h[156] : '0';
        uint64_t hdr_off = off;
        off += TAR_BLOCK;
        if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
            uint64_t max = type == 'x' || type == 'g' ? TAR_INDEX_MAX_PAX : STRATA_PATH_MAX - 1;
            if (size > max || off + size > file_size) {
                rc = strata_error_set(err, STRATA_ELIMIT,
                                      "%s: offset %llu: extended header of %llu bytes is too "
                                      "large or truncated",
                                      archive, (unsigned long long)hdr_off,
                                      (unsigned long long)size);
                break;
            }
            struct blob b = {fd, off, size, archive};
            char *tmp = NULL;
            size_t tmplen = 0;
            rc = blob_read_all(&b, max, &tmp, &tmplen, err);
            if (rc != 0)
                break;
            if (type == 'x')
                rc = parse_pax(archive, hdr_off, tmp, tmplen, &pax, err);
            else if (type == 'L' || type == 'K') {
                size_t l = strnlen(tmp, tmplen);
                memcpy(type == 'L' ? longname : longlink, tmp, l);
                (type == 'L' ? longname : longlink)[l] = '\0';
                if (type == 'L')
                    has_longname = 1;
                else
                    has_longlink = 1;
            }
            free(tmp);
            if (rc != 0)
                break;
            off += round_block(size);
            continue;
        }
        /* Assemble the member name: pax path > GNU long name > ustar prefix/name. */
        char raw[STRATA_PATH_MAX + 256];
        if (pax.has_path) {
            snprintf(raw, sizeof raw, "%s", pax.path);
        } else if (has_longname) {
            snprintf(raw, sizeof raw, "%s", longname);
        } else {
            char name[101], prefix[156];
            memcpy(name, h, 100);
            name[100] = '\0';
            prefix[0] = '\0';
            if (memcmp(h + 257, "ustar", 5) == 0 && h[345]) {
                memcpy(prefix, h + 345, 155);
                prefix[155] = '\0';
            }
            snprintf(raw, sizeof raw, "%s%s%s", prefix, prefix[0] ? "/" : "", name);
        }
        char linkraw[STRATA_PATH_MAX];
        if (pax.has_link)
            snprintf(linkraw, sizeof linkraw, "%s", pax.link);
        else if (has_longlink)
            snprintf(linkraw, sizeof linkraw, "%s", longlink);
        else {
            memcpy(linkraw, h + 157, 100);
            linkraw[100] = '\0';
        }
        if (pax.has_size)
            size = pax.size;
        memset(&pax, 0, sizeof pax);
        has_longname = has_longlink = 0;

        if (size > file_size || off + size > file_size) {
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: member '%s' at offset %llu: %llu bytes announced but the "
                                  "archive ends first (truncated)",
                                  archive, raw, (unsigned long long)hdr_off,
                                  (unsigned long long)size);
            break;
        }
        char norm[STRATA_PATH_MAX];
        enum path_verdict v = path_normalize(raw, strlen(raw), norm, sizeof norm);
        if (v == PATH_DOTDOT || v == PATH_ABSOLUTE || v < 0) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: member '%s' at offset %llu: %s",
                                  archive, raw, (unsigned long long)hdr_off,
                                  v == PATH_DOTDOT     ? "path climbs out with '..'"
                                  : v == PATH_ABSOLUTE ? "absolute path"
                                                       : "invalid path");
            break;
        }
        if (idx->n_members >= TAR_INDEX_MAX_MEMBERS) {
            rc = strata_error_set(err, STRATA_ELIMIT, "%s: more than %d members", archive,
                                  TAR_INDEX_MAX_MEMBERS);
            break;
        }
        if (norm[0] != '\0' && strmap_get(&idx->by_name, norm) != NULL && type != '5') {
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: member '%s' at offset %llu: duplicate entry", archive, norm,
                                  (unsigned long long)hdr_off);
            break;
        }
        if (idx->n_members == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct tar_member *m = realloc(idx->members, ncap * sizeof *m);
            if (m == NULL) {
                rc = strata_error_nomem(err);
                break;
            }
            idx->members = m;
            cap = ncap;
        }
        struct tar_member *m = &idx->members[idx->n_members];
        m->name = arena_strdup(&idx->arena, norm);
        m->link = NULL;
        if (m->name == NULL) {
            rc = strata_error_nomem(err);
            break;
        }
        if (type == '1' || type == '2') {
            char lnorm[STRATA_PATH_MAX];
            /* Hard links name archive members; symlinks are relative to the member's dir. */
            int ok =
                type == '1'
                    ? (path_normalize(linkraw, strlen(linkraw), lnorm, sizeof lnorm) == PATH_OK)
                    : (path_resolve_link(norm, linkraw, lnorm, sizeof lnorm) == 0);
            if (ok)
                m->link = arena_strdup(&idx->arena, lnorm);
        }
        m->type = type;
        m->offset = off;
        m->size = (type == '0' || type == '7') ? size : 0;
        /* members moves while it grows: map names to a placeholder now (for the duplicate
         * check above) and to the member once the array is final. */
        if (strmap_put(&idx->by_name, m->name, m) != 0) {
            rc = strata_error_nomem(err);
            break;
        }
        idx->n_members++;
        off += round_block(type == '0' || type == '7' ? size : (type == '5' ? 0 : size));
    }
    if (rc == 0) {
        /* Pointers into members are stable now: index them by name. */
        for (size_t i = 0; i < idx->n_members && rc == 0; i++)
            if (strmap_put(&idx->by_name, idx->members[i].name, &idx->members[i]) != 0)
                rc = strata_error_nomem(err);
    }
    if (rc != 0)
        tar_index_release(idx);
    return rc;
}

int tar_index_blob(const struct tar_index *idx, const char *name, struct blob *out,
                   struct strata_error *err)
{
    char norm[STRATA_PATH_MAX];
    if (path_normalize(name, strlen(name), norm, sizeof norm) < 0)
        return strata_error_set(err, STRATA_EFORMAT, "%s: invalid member name '%s'", idx->archive,
                                name);
    const char *cur = norm;
    for (int hops = 0; hops < 16; hops++) {
        const struct tar_member *m = strmap_get(&idx->by_name, cur);
        if (m == NULL)
            return strata_error_set(err, STRATA_ENOTFOUND, "%s: no member '%s'", idx->archive, cur);
        if (m->type == '1' || m->type == '2') {
            if (m->link == NULL)
                return strata_error_set(err, STRATA_EFORMAT,
                                        "%s: member '%s' links outside the archive", idx->archive,
                                        cur);
            cur = m->link;
            continue;
        }
        if (m->type != '0' && m->type != '7')
            return strata_error_set(err, STRATA_EFORMAT, "%s: member '%s' is not a regular file",
                                    idx->archive, cur);
        out->fd = idx->fd;
        out->offset = m->offset;
        out->size = m->size;
        out->name = m->name;
        return 0;
    }
    return strata_error_set(err, STRATA_EFORMAT, "%s: link loop at member '%s'", idx->archive,
                            name);
}

void tar_index_release(struct tar_index *idx)
{
    free(idx->members);
    strmap_release(&idx->by_name);
    arena_release(&idx->arena);
    idx->members = NULL;
    idx->n_members = 0;
}
