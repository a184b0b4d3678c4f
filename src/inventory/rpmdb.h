/* The three on-disk formats of rpm's package database, read from memory. Each walks the
 * database and hands every stored header blob to a callback; none of them interprets the
 * blobs (see rpm_header.h) nor writes anything anywhere.
 *
 *   rpmdb.sqlite  rpm >= 4.16 default (Fedora 33+, RHEL 9, Amazon Linux 2023, …): SQLite,
 *                 table Packages(hnum INTEGER PRIMARY KEY, blob BLOB).
 *   Packages.db   rpm's own "ndb" format (openSUSE, SLES 15 SP3+): 4 KiB slot pages, then
 *                 blobs in 16-byte blocks with head/tail markers and an Adler-32.
 *   Packages      Berkeley DB hash (rpm < 4.16: RHEL/CentOS 7 and 8, Amazon Linux 2, …):
 *                 key = 4-byte header number in the writer's byte order, value = header blob.
 *
 * Structural corruption (bad magic, pages or blobs outside the file, loops, overlaps) is a
 * STRATA_EFORMAT error whose message names the offset; records that are simply not package
 * headers (BDB's record 0, duplicate sets) are skipped. An empty (0-byte) file is an empty
 * database, as rpm treats it. */
#ifndef STRATA_INVENTORY_RPMDB_H
#define STRATA_INVENTORY_RPMDB_H

#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

/* Called for each header blob (valid only during the call) with its header number. Returns 0
 * to go on, or a negative STRATA_E* (with err set) that the walk returns unchanged. */
typedef int (*rpmdb_blob_fn)(uint32_t hnum, const uint8_t *blob, size_t len, void *arg,
                             struct strata_error *err);

int rpmdb_sqlite_each(const uint8_t *db, size_t len, rpmdb_blob_fn fn, void *arg,
                      struct strata_error *err);
int rpmdb_ndb_each(const uint8_t *db, size_t len, rpmdb_blob_fn fn, void *arg,
                   struct strata_error *err);
int rpmdb_bdb_each(const uint8_t *db, size_t len, rpmdb_blob_fn fn, void *arg,
                   struct strata_error *err);

#endif
