/* The blob cache of registry_cache.h. */
#include "source/registry_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"

/* mkdir -p with mode for the missing parts. */
static int make_dirs(char *path, mode_t mode)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, mode);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(path, mode) != 0 && errno != EEXIST ? -1 : 0;
}

int registry_cache_root(const char *explicit, char **out, struct strata_error *err)
{
    *out = NULL;
    struct strbuf sb = STRBUF_INIT;
    const char *env;
    int rc;
    if (explicit != NULL && explicit[0] != '\0')
        rc = strbuf_adds(&sb, explicit);
    else if ((env = getenv("XDG_CACHE_HOME")) != NULL && env[0] == '/')
        rc = strbuf_addf(&sb, "%s/strata/blobs", env);
    else if ((env = getenv("HOME")) != NULL && env[0] == '/')
        rc = strbuf_addf(&sb, "%s/.cache/strata/blobs", env);
    else
        return strata_error_set(err, STRATA_EUSAGE,
                                "no place for the registry blob cache: set XDG_CACHE_HOME or HOME");
    if (rc == 0)
        rc = strbuf_adds(&sb, "/sha256");
    if (rc != 0) {
        strbuf_release(&sb);
        return strata_error_nomem(err);
    }
    if (make_dirs(sb.buf, 0700) != 0) {
        rc = strata_error_set(err, STRATA_EIO, "blob cache %s: %s", sb.buf, strerror(errno));
        strbuf_release(&sb);
        return rc;
    }
    sb.len -= strlen("/sha256");
    sb.buf[sb.len] = '\0';
    *out = strbuf_detach(&sb);
    return *out ? 0 : strata_error_nomem(err);
}

void registry_cache_member(const char *digest, char out[80])
{
    snprintf(out, 80, "sha256/%.64s", digest + 7);
}

int registry_cache_has(const char *root, const char *digest, uint64_t size)
{
    char path[4200], member[80];
    registry_cache_member(digest, member);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", root, member) >= sizeof path)
        return 0;
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size;
}

int registry_cache_fetch(struct registry_client *c, const char *root, const char *digest,
                         uint64_t size, int *downloaded, struct strata_error *err)
{
    *downloaded = 0;
    if (!digest_is_valid_sha256(digest))
        return strata_error_set(err, STRATA_EFORMAT, "'%.80s' is not a sha256 digest", digest);
    if (registry_cache_has(root, digest, size))
        return 0;
    char final[4200], tmp[4300], member[80];
    registry_cache_member(digest, member);
    if ((size_t)snprintf(final, sizeof final, "%s/%s", root, member) >= sizeof final ||
        (size_t)snprintf(tmp, sizeof tmp, "%s/sha256/.tmp-%.16s-XXXXXX", root, digest + 7) >=
            sizeof tmp)
        return strata_error_set(err, STRATA_ELIMIT, "blob cache path too long: %s", root);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return strata_error_set(err, STRATA_EIO, "blob cache %s: %s", tmp, strerror(errno));
    int rc = registry_blob_download(c, digest, size, fd, err);
    if (close(fd) != 0 && rc == 0)
        rc = strata_error_set(err, STRATA_EIO, "blob cache %s: %s", tmp, strerror(errno));
    if (rc == 0 && rename(tmp, final) != 0)
        rc = strata_error_set(err, STRATA_EIO, "blob cache %s: %s", final, strerror(errno));
    if (rc != 0)
        unlink(tmp);
    else
        *downloaded = 1;
    return rc;
}
