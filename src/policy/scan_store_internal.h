/* Shared by scan_store.c and scan_store_read.c only. */
#ifndef STRATA_POLICY_SCAN_STORE_INTERNAL_H
#define STRATA_POLICY_SCAN_STORE_INTERNAL_H

#include <sqlite3.h>

#include "policy/scan_store.h"

struct scan_store {
    sqlite3 *db;
    char *path;
};

/* STRATA_EIO "PATH: WHAT: sqlite's message". */
int ss_db_error(struct scan_store *s, const char *what, struct strata_error *err);

#endif
