/* Bounds-checked ELF header, program header and section header reader; see elf.h. */
#include "inventory/elf.h"

#include <string.h>

uint64_t elf_read_uint(const uint8_t *p, int n, int be)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[be ? i : n - 1 - i] << (8 * (n - 1 - i));
    return v;
}

int elf_in_file(const struct elf_file *e, uint64_t off, uint64_t n)
{
    return off <= e->len && n <= e->len - off;
}

static int fmt_err(struct strata_error *err, const char *path, uint64_t off, const char *what)
{
    return strata_error_set(err, STRATA_EFORMAT, "%s: offset %llu: %s", path,
                            (unsigned long long)off, what);
}

int elf_open(struct elf_file *e, const uint8_t *d, size_t len, const char *path,
             struct strata_error *err)
{
    memset(e, 0, sizeof *e);
    e->d = d;
    e->len = len;
    e->path = path;
    if (len < 16)
        return fmt_err(err, path, 0, "truncated ELF header");
    if (d[4] != 1 && d[4] != 2)
        return fmt_err(err, path, 4, "invalid ELF class");
    if (d[5] != 1 && d[5] != 2)
        return fmt_err(err, path, 5, "invalid ELF data encoding");
    e->is64 = d[4] == 2;
    e->be = d[5] == 2;
    size_t hlen = e->is64 ? 64 : 52;
    if (len < hlen)
        return fmt_err(err, path, 0, "truncated ELF header");
    int w = e->is64 ? 8 : 4;
    size_t b = e->is64 ? 0x20 : 0x1c; /* e_phoff; e_shoff follows */
    e->phoff = elf_read_uint(d + b, w, e->be);
    e->shoff = elf_read_uint(d + b + w, w, e->be);
    size_t h = b + 2 * (size_t)w + 4 + 2; /* skip e_flags, e_ehsize */
    e->phentsize = (unsigned)elf_read_uint(d + h, 2, e->be);
    e->phnum = (unsigned)elf_read_uint(d + h + 2, 2, e->be);
    e->shentsize = (unsigned)elf_read_uint(d + h + 4, 2, e->be);
    e->shnum = (unsigned)elf_read_uint(d + h + 6, 2, e->be);
    e->shstrndx = (unsigned)elf_read_uint(d + h + 8, 2, e->be);
    unsigned need_ph = e->is64 ? 56 : 32, need_sh = e->is64 ? 64 : 40;
    if (e->phoff == 0)
        e->phnum = 0;
    if (e->phnum > 0) {
        if (e->phentsize < need_ph)
            return fmt_err(err, path, h, "program header entry too small");
        if (!elf_in_file(e, e->phoff, (uint64_t)e->phnum * e->phentsize))
            return fmt_err(err, path, b, "program header table extends past the end of the file");
    }
    if (e->shoff == 0 || e->shnum == 0 || e->shstrndx >= e->shnum)
        e->shnum = 0; /* no usable section headers: stripped or extended numbering */
    if (e->shnum > 0) {
        if (e->shentsize < need_sh)
            return fmt_err(err, path, h + 4, "section header entry too small");
        if (!elf_in_file(e, e->shoff, (uint64_t)e->shnum * e->shentsize))
            return fmt_err(err, path, b + (size_t)w,
                           "section header table extends past the end of the file");
    }
    return 0;
}

struct elf_segment elf_segment_at(const struct elf_file *e, unsigned i)
{
    const uint8_t *p = e->d + e->phoff + (uint64_t)i * e->phentsize;
    struct elf_segment s;
    s.type = (uint32_t)elf_read_uint(p, 4, e->be);
    if (e->is64) {
        s.writable = (elf_read_uint(p + 4, 4, e->be) & ELF_PF_W) != 0;
        s.off = elf_read_uint(p + 8, 8, e->be);
        s.vaddr = elf_read_uint(p + 16, 8, e->be);
        s.filesz = elf_read_uint(p + 32, 8, e->be);
    } else {
        s.off = elf_read_uint(p + 4, 4, e->be);
        s.vaddr = elf_read_uint(p + 8, 4, e->be);
        s.filesz = elf_read_uint(p + 16, 4, e->be);
        s.writable = (elf_read_uint(p + 24, 4, e->be) & ELF_PF_W) != 0;
    }
    return s;
}

uint64_t elf_section_header_offset(const struct elf_file *e, unsigned i)
{
    return e->shoff + (uint64_t)i * e->shentsize;
}

struct elf_section elf_section_at(const struct elf_file *e, unsigned i)
{
    const uint8_t *p = e->d + elf_section_header_offset(e, i);
    struct elf_section s;
    s.name = (uint32_t)elf_read_uint(p, 4, e->be);
    s.type = (uint32_t)elf_read_uint(p + 4, 4, e->be);
    int w = e->is64 ? 8 : 4;
    s.flags = elf_read_uint(p + 8, w, e->be);
    s.addr = elf_read_uint(p + 8 + w, w, e->be);
    s.off = elf_read_uint(p + 8 + 2 * w, w, e->be);
    s.size = elf_read_uint(p + 8 + 3 * w, w, e->be);
    return s;
}

long elf_find_section(const struct elf_file *e, const char *name)
{
    if (e->shnum == 0)
        return -1;
    struct elf_section str = elf_section_at(e, e->shstrndx);
    if (str.type == ELF_SHT_NOBITS || !elf_in_file(e, str.off, str.size))
        return -1;
    size_t nl = strlen(name);
    for (unsigned i = 0; i < e->shnum; i++) {
        struct elf_section s = elf_section_at(e, i);
        if (s.name >= str.size || str.size - s.name < nl + 1)
            continue;
        if (memcmp(e->d + str.off + s.name, name, nl + 1) == 0)
            return (long)i;
    }
    return -1;
}

int elf_vaddr_to_offset(const struct elf_file *e, uint64_t va, uint64_t n, uint64_t *off)
{
    for (unsigned i = 0; i < e->phnum; i++) {
        struct elf_segment s = elf_segment_at(e, i);
        if (s.type != ELF_PT_LOAD || va < s.vaddr || va - s.vaddr > s.filesz ||
            n > s.filesz - (va - s.vaddr))
            continue;
        uint64_t o = s.off + (va - s.vaddr);
        if (o < s.off || !elf_in_file(e, o, n))
            continue;
        *off = o;
        return 0;
    }
    for (unsigned i = 0; i < e->shnum; i++) {
        struct elf_section s = elf_section_at(e, i);
        if (s.type == ELF_SHT_NOBITS || !(s.flags & ELF_SHF_ALLOC) || s.addr == 0 || va < s.addr ||
            va - s.addr > s.size || n > s.size - (va - s.addr))
            continue;
        uint64_t o = s.off + (va - s.addr);
        if (o < s.off || !elf_in_file(e, o, n))
            continue;
        *off = o;
        return 0;
    }
    return -1;
}

int elf_next_load(const struct elf_file *e, unsigned *i, struct elf_segment *out)
{
    while (*i < e->phnum) {
        struct elf_segment s = elf_segment_at(e, (*i)++);
        if (s.type == ELF_PT_LOAD) {
            *out = s;
            return 1;
        }
    }
    return 0;
}
