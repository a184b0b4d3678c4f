/* A small bounds-checked ELF reader shared by the binary analyzers (Go build info, Rust
 * cargo-auditable): 32- and 64-bit, both byte orders. Everything it returns has been checked
 * to lie inside the buffer; it never reads outside it. Pure: no I/O, no allocation. */
#ifndef STRATA_INVENTORY_ELF_H
#define STRATA_INVENTORY_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define ELF_PT_LOAD 1
#define ELF_PF_W 2
#define ELF_SHT_NOBITS 8
#define ELF_SHF_ALLOC 2

struct elf_file {
    const uint8_t *d;
    size_t len;
    const char *path; /* names the input in error messages */
    int is64, be;
    uint64_t phoff, shoff;
    /* shnum is 0 when the section headers are absent or unusable (stripped, extended
     * numbering, string table index out of range); phnum 0 without program headers. */
    unsigned phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_segment {
    uint32_t type;
    uint64_t off, vaddr, filesz;
    int writable;
};

struct elf_section {
    uint32_t name, type;
    uint64_t flags, addr, off, size;
};

/* Reads an unsigned integer of n bytes (1..8) in the given byte order. */
uint64_t elf_read_uint(const uint8_t *p, int n, int big_endian);

/* Is [off, off+n) inside the file? */
int elf_in_file(const struct elf_file *e, uint64_t off, uint64_t n);

/* Parses the ELF header of data (which must start with the ELF magic) and checks that the
 * program and section header tables lie inside the buffer. Returns 0, or STRATA_EFORMAT with
 * "PATH: offset N: what". */
int elf_open(struct elf_file *e, const uint8_t *data, size_t len, const char *path,
             struct strata_error *err);

/* Program header i (< e->phnum). */
struct elf_segment elf_segment_at(const struct elf_file *e, unsigned i);

/* Section header i (< e->shnum). */
struct elf_section elf_section_at(const struct elf_file *e, unsigned i);

/* File offset of section header i, for error messages. */
uint64_t elf_section_header_offset(const struct elf_file *e, unsigned i);

/* Index of the section named name, or -1 (also when there are no section headers). A name
 * outside the section name string table never matches. Costs one pass over the headers. */
long elf_find_section(const struct elf_file *e, const char *name);

/* Maps [va, va+n) to a file offset through the PT_LOAD segments, then the allocated
 * sections. Returns 0 and *off, or -1 when it maps nowhere inside the file. */
int elf_vaddr_to_offset(const struct elf_file *e, uint64_t va, uint64_t n, uint64_t *off);

/* Iterates the PT_LOAD segments: start with *i = 0; returns 1 and the next one, 0 at the
 * end. */
int elf_next_load(const struct elf_file *e, unsigned *i, struct elf_segment *out);

#endif
