/* Internal interface between the database builder (build.c, schema.c) and the feed importers
 * (import_osv.c, import_debian_tracker.c, import_alpine_secdb.c). The builder owns the SQLite
 * handle, the prepared statements and the sources rows; an importer turns one parsed JSON
 * document into advisories / aliases / affected rows through the vdb_* helpers below. */
#ifndef STRATA_VULNDB_IMPORT_H
#define STRATA_VULNDB_IMPORT_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "strata/error.h"
#include "vulndb/vulndb.h"

/* Bounds on untrusted input. */
#define VDB_MAX_RECORD_BYTES (16u << 20)     /* one JSON member of a zip */
#define VDB_MAX_ZIP_TOTAL_BYTES (4ull << 30) /* all members of one zip, uncompressed */
#define VDB_MAX_ZIP_MEMBERS 2000000u         /* entries in one zip */
#define VDB_MAX_JSON_FILE_BYTES (1ull << 30) /* one streamed Debian tracker JSON file (~80 MB) */
#define VDB_MAX_JSON_DOC_BYTES (64u << 20)   /* any other JSON file, which is parsed whole */
#define VDB_MAX_MEMBER_BYTES (64u << 20)     /* one top-level member (package) of the tracker */
#define VDB_MAX_DIR_DEPTH 32                 /* directory walk */
#define VDB_MAX_ID_LEN 256                   /* advisory ids, aliases */
#define VDB_MAX_FIELD_LEN (1u << 20)         /* any other stored string (summary, ranges) */

enum vdb_kind {
    VDB_KIND_OSV = 0,
    VDB_KIND_DEBIAN_TRACKER = 1,
    VDB_KIND_ALPINE_SECDB = 2,
    VDB_KIND_COUNT = 3,
    VDB_KIND_UNKNOWN = -1,
};

const char *vdb_kind_name(enum vdb_kind kind);

/* Which feed a parsed JSON document belongs to, by its content:
 *   OSV record:     an object with a string "id" and "modified" or "affected"
 *   Alpine secdb:   an object with "distroversion" and "packages"
 *   Debian tracker: an object whose first member is an object of CVE-keyed objects that
 *                   carry "releases" */
enum vdb_kind vdb_detect(const json_t *root);
/* The tracker test on the value of a document's first member alone: an object whose first
 * member is an object that carries a "releases" object. */
int vdb_detect_tracker_member(const json_t *value);

struct vdb_builder {
    sqlite3 *db;
    sqlite3_stmt *ins_source, *upd_source, *find_adv, *ins_adv, *ins_alias, *ins_aff;
    const char *location;              /* the SOURCE argument being imported */
    int64_t source_id[VDB_KIND_COUNT]; /* its sources rows, created on first use; 0: none */
    char newest[VDB_KIND_COUNT][64];   /* newest modified/published date seen, per kind */
    struct vulndb_build_stats *stats;  /* never NULL inside the builder */
};

/* The sources row for kind of the current location (created on first use). */
int vdb_source(struct vdb_builder *b, enum vdb_kind kind, int64_t *id, struct strata_error *err);

/* Inserts an advisory. If (source, advisory_id) exists already: *created = 0 and *rowid is the
 * existing row (the CVE-keyed feeds share one advisory across packages); the OSV importer
 * treats that as a duplicate. Strings may be NULL (stored as NULL). */
int vdb_advisory(struct vdb_builder *b, enum vdb_kind kind, const char *advisory_id,
                 const char *summary, const char *published, const char *modified,
                 const char *cvss_v3, int64_t *rowid, int *created, struct strata_error *err);
/* Adds an alias (duplicates and the advisory's own id are ignored by the caller / schema). */
int vdb_alias(struct vdb_builder *b, int64_t advisory, const char *alias, struct strata_error *err);
int vdb_affected(struct vdb_builder *b, int64_t advisory, const char *ecosystem,
                 const char *package, const char *status, const char *severity, const char *ranges,
                 const char *versions, struct strata_error *err);

/* Importers. name is how messages name the document ("feed.zip: GO-2020-0001.json"). */
int vdb_import_osv(struct vdb_builder *b, const json_t *root, const char *name,
                   struct strata_error *err);
int vdb_import_debian_tracker(struct vdb_builder *b, const json_t *root, const char *name,
                              struct strata_error *err);
/* Imports the JSON file open on fd as a Debian tracker, one top-level member (source package)
 * at a time, when its first member says it is one (vdb_detect_tracker_member): *handled = 1.
 * Otherwise *handled = 0 and the caller reads the file another way (from offset 0). Memory is
 * bounded by the largest member (VDB_MAX_MEMBER_BYTES), not by the file. */
int vdb_import_debian_tracker_fd(struct vdb_builder *b, int fd, const char *name, int *handled,
                                 struct strata_error *err);
int vdb_import_alpine_secdb(struct vdb_builder *b, const json_t *root, const char *name,
                            struct strata_error *err);

/* Alpine secdb identifier strings ("CVE-2016-6258 XSA-182", "CVE-2017-8073.patch") to ids:
 * calls fn for each id found, in order. Returns the number of ids, or fn's nonzero result. */
int vdb_alpine_ids(const char *entry, int (*fn)(void *ctx, const char *id), void *ctx);

/* PEP 503 normalisation into out (lowercase, runs of -_. become one -). */
int vdb_pep503(const char *name, char *out, size_t cap);

/* schema.c */
int vdb_schema_create(sqlite3 *db, const char *tool_version, struct strata_error *err);
int vdb_schema_finish(sqlite3 *db, struct strata_error *err); /* indexes, built_at */
int vdb_schema_check(sqlite3 *db, const char *path, struct strata_error *err);
/* Formats the current UTC time as RFC 3339 ("2024-05-01T12:00:00Z"). */
void vdb_now_rfc3339(char *out, size_t cap);

#endif
