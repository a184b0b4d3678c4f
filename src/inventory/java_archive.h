/* Java archives (.jar, .war, .ear, Jenkins .jpi/.hpi) read from memory: the Maven artifacts
 * they carry, from META-INF/maven/<g>/<a>/pom.properties, else META-INF/MANIFEST.MF, else the
 * file name; nested archives (WEB-INF/lib/x.jar, BOOT-INF/lib/x.jar, lib/x.jar, x.war in an
 * ear) are read recursively. Nothing touches the filesystem. See docs/inventory-java.md. */
#ifndef STRATA_INVENTORY_JAVA_ARCHIVE_H
#define STRATA_INVENTORY_JAVA_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

/* Bounds (docs/inventory-java.md, "Bounds"). */
#define JAVA_MAX_DEPTH 3                    /* "!/" separators in a nested path */
#define JAVA_MAX_ENTRIES 200000u            /* entries examined per archive */
#define JAVA_MAX_META_BYTES (1u << 20)      /* one pom.properties or MANIFEST.MF */
#define JAVA_MAX_NESTED_BYTES (64u << 20)   /* one nested archive, uncompressed */
#define JAVA_MAX_TOTAL_BYTES (256ull << 20) /* all bytes inflated for one top-level file */
#define JAVA_MAX_ARTIFACTS 10000u           /* artifacts per top-level file */
#define JAVA_MAX_ID_LEN 256u                /* groupId, artifactId, version */
#define JAVA_MAX_KV 4096u                   /* key/value pairs kept per metadata file */

enum java_source {
    JAVA_FROM_POM_PROPERTIES = 1,
    JAVA_FROM_MANIFEST,
    JAVA_FROM_FILE_NAME,
};

struct java_artifact {
    char *group_id; /* NULL when unknown (manifest without a vendor id, file name) */
    char *artifact_id;
    char *version;
    char *path; /* the archive: "app.war" or "app.war!/WEB-INF/lib/x.jar" */
    enum java_source source;
    /* The manifest's Bundle-License (OSGi: names or URLs separated by ',', attributes after
     * ';'), its licenses joined with " OR "; NULL when absent or when the archive carries
     * more than one artifact (a shaded jar: whose license would it be?). */
    char *license;
};

struct java_artifact_list {
    struct java_artifact *v;
    size_t n, cap;
    int truncated; /* a bound stopped the reading early (what was found is kept) */
};

void java_artifact_list_free(struct java_artifact_list *l);

/* Reads the archive data[0..len) named path and appends every artifact found, its own and
 * its nested archives'. A nested archive that is corrupt, encrypted or over a bound is
 * skipped (out->truncated is set for bounds). Returns 0; STRATA_EFORMAT when the top-level
 * file is not a readable zip archive; STRATA_ENOMEM. The list is left empty on error. */
int java_archive_read(const uint8_t *data, size_t len, const char *path,
                      struct java_artifact_list *out, struct strata_error *err);

/* ---- the metadata parsers, exposed for tests and fuzzing ---- */

struct java_kv {
    char *key, *value; /* UTF-8 */
};

struct java_kv_list {
    struct java_kv *v;
    size_t n, cap;
};

void java_kv_list_free(struct java_kv_list *l);
/* The value of the first pair with this key (manifest keys compare case-insensitively). */
const char *java_kv_get(const struct java_kv_list *l, const char *key, int nocase);

/* java.util.Properties.load(InputStream) syntax: ISO-8859-1 bytes, '#'/'!' comments, '=', ':'
 * or whitespace between key and value, backslash line continuations and escapes (\t \n \r \f
 * \uXXXX, \x -> x). A later duplicate key replaces the earlier value, as in Java. Errors
 * (malformed \u escape, NUL in a key or value, too many pairs) name path:line. */
int java_properties_parse(const uint8_t *data, size_t len, const char *path,
                          struct java_kv_list *out, struct strata_error *err);

/* The main section of a JAR manifest (up to the first empty line): "Name: value" headers,
 * continuation lines starting with one space, CRLF/LF/CR line ends. Keys are kept as written;
 * a later header of the same name (any case) replaces the value, as Java's Attributes.putValue
 * does. Errors (a line that is not a header, NUL, too many headers) name path:line. */
int java_manifest_parse(const uint8_t *data, size_t len, const char *path, struct java_kv_list *out,
                        struct strata_error *err);

/* Splits a file name ("commons-lang3-3.12.0.jar", "x-1.0-SNAPSHOT-tests.jar") into artifactId
 * and version: the version starts after the first '-' followed by a digit; a known classifier
 * suffix is dropped. Returns 0 and malloc'd strings, STRATA_ENOTFOUND when the name carries
 * no version, STRATA_ENOMEM. */
int java_name_from_file(const char *base, char **artifact_id, char **version);

/* The licenses a Bundle-License value names, joined with " OR " ("Apache-2.0;link=…" ->
 * "Apache-2.0", "Apache License, Version 2.0" stays one name). Returns 0 with *out NULL for
 * "<<EXTERNAL>>", an empty or an over-long value (JAVA_MAX_LICENSE_LEN); STRATA_ENOMEM. */
#define JAVA_MAX_LICENSE_LEN 4096u
int java_bundle_license(const char *value, char **out);

/* Does the entry name end in an archive extension we read (.jar .war .ear .jpi .hpi, any
 * case)? */
int java_is_archive_name(const char *name);

#endif
