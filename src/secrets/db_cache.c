/* The compiled-database cache of db_cache.h. */
#include "secrets/db_cache.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata/error.h"

/* A serialized database of the built-in pack is ~1 MB; anything far larger is not ours. */
#define DB_CACHE_MAX_FILE (64u << 20)

int secrets_db_cache_key(const char *const *pat, const unsigned *flags, const unsigned *ids,
                         size_t n, char key[STRATA_DIGEST_STRLEN])
{
    struct sha256_ctx *c = sha256_new();
    if (c == NULL)
        return STRATA_ENOMEM;
    const char *v = hs_version();
    sha256_update(c, v, strlen(v) + 1);
    sha256_update(c, "block\0", 6);
    for (size_t i = 0; i < n; i++) {
        sha256_update(c, pat[i], strlen(pat[i]) + 1);
        sha256_update(c, &flags[i], sizeof flags[i]);
        sha256_update(c, &ids[i], sizeof ids[i]);
    }
    sha256_final_str(c, key);
    sha256_free(c);
    return 0;
}

/* The cache directory into out; 0 when there is none. */
static int cache_dir(char *out, size_t cap)
{
    const char *env = getenv("STRATA_SECRETS_CACHE");
    int n;
    if (env != NULL)
        n = env[0] == '\0' ? -1 : snprintf(out, cap, "%s", env);
    else if ((env = getenv("XDG_CACHE_HOME")) != NULL && env[0] == '/')
        n = snprintf(out, cap, "%s/strata/secrets", env);
    else if ((env = getenv("HOME")) != NULL && env[0] == '/')
        n = snprintf(out, cap, "%s/.cache/strata/secrets", env);
    else
        n = -1;
    return n > 0 && (size_t)n < cap;
}

static int file_path(const char *key, char *out, size_t cap)
{
    char dir[4096];
    if (!cache_dir(dir, sizeof dir) || strncmp(key, "sha256:", 7) != 0)
        return 0;
    int n = snprintf(out, cap, "%s/%s.hsdb", dir, key + 7);
    return n > 0 && (size_t)n < cap;
}

hs_database_t *secrets_db_cache_load(const char *key)
{
    char path[4200];
    if (!file_path(key, path, sizeof path))
        return NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    struct stat st;
    char *buf = NULL;
    hs_database_t *db = NULL;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uint64_t)st.st_size <= DB_CACHE_MAX_FILE && (buf = malloc((size_t)st.st_size)) != NULL &&
        fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size &&
        hs_deserialize_database(buf, (size_t)st.st_size, &db) != HS_SUCCESS)
        db = NULL;
    free(buf);
    fclose(f);
    return db;
}

/* mkdir -p for the cache directory (0700: the cache is the user's own). */
static int make_dirs(char *dir)
{
    for (char *p = dir + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(dir, 0700);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

void secrets_db_cache_store(const char *key, const hs_database_t *db)
{
    char dir[4096], path[4200], tmp[4300];
    if (!cache_dir(dir, sizeof dir) || make_dirs(dir) != 0 || !file_path(key, path, sizeof path))
        return;
    char *bytes = NULL;
    size_t len = 0;
    if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
        return;
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f != NULL && fwrite(bytes, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
    free(bytes);
}
