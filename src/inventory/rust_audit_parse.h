/* Dependency list that cargo-auditable embeds in Rust executables: the ".dep-v0" ELF section
 * holds zlib-compressed JSON
 *
 *   {"packages":[{"name":"serde","version":"1.0.190","source":"crates.io",
 *                 "kind":"build"|"runtime" (default runtime),
 *                 "dependencies":[indices into packages] (default []),
 *                 "root":true (default false)}, …]}
 *
 * (auditable-serde's VersionInfo). Pure: no I/O; nothing read outside the buffer; the
 * decompressed size is bounded before inflating further (zip-bomb safe). */
#ifndef STRATA_INVENTORY_RUST_AUDIT_PARSE_H
#define STRATA_INVENTORY_RUST_AUDIT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define RUST_AUDIT_SECTION ".dep-v0"
#define RUST_AUDIT_MAX_JSON (8u << 20) /* bytes of decompressed JSON */
#define RUST_AUDIT_MAX_PACKAGES 100000 /* entries of "packages" */
#define RUST_AUDIT_MAX_DEPS 1000000    /* dependency indices, all packages together */
#define RUST_AUDIT_MAX_FIELD 1024      /* bytes of a name, version or source */

struct rust_crate {
    char *name;
    char *version;
    char *source; /* "crates.io", "local", "git", "registry", …; "" when absent */
    int build;    /* kind "build": only ran at build time (build scripts, proc macros) */
    int root;
    size_t *deps; /* indices into the package list, each < n */
    size_t n_deps;
};

struct rust_audit {
    struct rust_crate *v;
    size_t n;
};

/* Parses an ELF file's .dep-v0 section. Returns 0 and fills *out (free with rust_audit_free,
 * also after an error); STRATA_ENOTFOUND when data is not ELF or has no .dep-v0 section (only
 * the section headers are consulted: stripped section headers mean no dependency list);
 * STRATA_EFORMAT (bad ELF, bad zlib, bad JSON or shape), STRATA_ELIMIT (a bound above),
 * STRATA_ENOMEM. Messages read "PATH: offset N: what" for the ELF and zlib layers and
 * "PATH: .dep-v0:LINE:COL: what" / "PATH: .dep-v0: packages[I].field: what" for the JSON. */
int rust_audit_parse_elf(const uint8_t *data, size_t len, const char *path, struct rust_audit *out,
                         struct strata_error *err);

/* The same for the section's bytes alone (zlib stream); section_off is the file offset of
 * the section, used in messages. */
int rust_audit_parse_section(const uint8_t *z, size_t n, uint64_t section_off, const char *path,
                             struct rust_audit *out, struct strata_error *err);

void rust_audit_free(struct rust_audit *a);

#endif
