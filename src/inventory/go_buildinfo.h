/* Go build information of an ELF executable: the toolchain version and the module
 * information the Go linker embeds (runtime/debug.BuildInfo in text form).
 *
 * The data is found through the ".go.buildinfo" section, or, when the section headers are gone,
 * by scanning for the 16-byte aligned magic "\xff Go buildinf:". Both layouts are read: the
 * pointer layout of Go 1.13-1.17 (two pointers to Go string headers, resolved through the
 * program headers) and the inline layout of Go 1.18+ (two varint-prefixed strings right after
 * the 32-byte header). Pure: no I/O, nothing read outside the buffer. */
#ifndef STRATA_INVENTORY_GO_BUILDINFO_H
#define STRATA_INVENTORY_GO_BUILDINFO_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

/* Bounds on what one binary may declare. */
#define GO_BUILDINFO_MAX_VERSION 1024        /* bytes of the Go version string */
#define GO_BUILDINFO_MAX_MODINFO (16u << 20) /* bytes of the module info text */
#define GO_BUILDINFO_MAX_DEPS 100000         /* dep lines */
#define GO_BUILDINFO_MAX_SETTINGS 4096       /* build lines */

struct go_module {
    char *path;
    char *version; /* "v1.2.3", "(devel)"; "" when absent */
    char *sum;     /* "h1:…"; NULL when absent */
    /* The "=>" line that follows the module, NULL path when there is none. A replacement by a
     * directory has an empty version. */
    char *repl_path;
    char *repl_version;
    char *repl_sum;
};

struct go_setting {
    char *key; /* "-compiler", "CGO_ENABLED", "vcs.revision", … (unquoted) */
    char *value;
};

struct go_buildinfo {
    char *go_version; /* "go1.19.8", as stored */
    char *path;       /* main package path ("path" line), NULL when absent */
    int has_main;     /* a "mod" line was present */
    struct go_module main;
    struct go_module *deps;
    size_t n_deps;
    struct go_setting *settings;
    size_t n_settings;
    int inline_format;    /* 1: Go 1.18+ layout, 0: pointer layout */
    int ptr_size;         /* 4 or 8, as declared in the header */
    int big_endian;       /* pointer layout: byte order of the pointers */
    size_t header_offset; /* file offset of the build info header */
};

/* Parses the build info of an ELF file. path names the input in error messages.
 * Returns 0 and fills *out (free with go_buildinfo_free, also after an error);
 * STRATA_ENOTFOUND when the data is not an ELF file or has no Go build info ("not a Go
 * binary"); STRATA_EFORMAT for malformed ELF headers or build info, STRATA_ELIMIT when a bound
 * is exceeded, STRATA_ENOMEM. Error messages read "PATH: offset N: what". */
int go_buildinfo_parse(const uint8_t *data, size_t len, const char *path, struct go_buildinfo *out,
                       struct strata_error *err);

void go_buildinfo_free(struct go_buildinfo *bi);

/* The version the Go vulnerability database gives the standard library for a toolchain
 * version: "go1.19.8" -> "1.19.8", "go1.20" -> "1.20.0", "go1.21rc2" -> "1.21.0-rc.2",
 * "go1.21.0 X:boringcrypto" -> "1.21.0". Returns 0, or -1 when the string is not a release
 * version ("devel go1.22-…", garbage) or does not fit in cap. */
int go_stdlib_version(const char *go_version, char *out, size_t cap);

#endif
