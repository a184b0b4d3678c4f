/* libFuzzer: strata host over a root tree whose text files come from the input (split at NUL
 * bytes, in the order of `files` below): daemon.json, the docker.service unit and a drop-in,
 * its environment file, audit rules, the mount table, account files, dpkg status and the
 * SELinux config go through the unit, environment, JSON, audit and table parsers and both
 * writers. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/host.h"

static const char *const files[] = {
    "/etc/docker/daemon.json",
    "/lib/systemd/system/docker.service",
    "/etc/default/docker",
    "/etc/audit/rules.d/docker.rules",
    "/proc/mounts",
    "/etc/group",
    "/etc/passwd",
    "/var/lib/dpkg/status",
    "/etc/systemd/system/docker.service.d/override.conf",
    "/etc/selinux/config",
};
#define NFILES (sizeof files / sizeof files[0])

static char root[64];
static FILE *devnull;

static void mkdirs(const char *path)
{
    char p[256];
    snprintf(p, sizeof p, "%s%s", root, path);
    for (char *s = p + strlen(root) + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* the scratch tree goes when the fuzzer exits */
static void cleanup(void)
{
    if (root[0] != '\0')
        nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (root[0] == '\0') {
        snprintf(root, sizeof root, "/tmp/fuzz-host-XXXXXX");
        if (mkdtemp(root) == NULL)
            abort();
        for (size_t i = 0; i < NFILES; i++)
            mkdirs(files[i]);
        devnull = fopen("/dev/null", "w");
        atexit(cleanup);
    }
    const uint8_t *p = data, *end = data + size;
    for (size_t i = 0; i < NFILES; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s%s", root, files[i]);
        if (p > end) {
            unlink(path);
            continue;
        }
        const uint8_t *nul = memchr(p, '\0', (size_t)(end - p));
        size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);
        FILE *f = fopen(path, "w");
        if (f != NULL) {
            fwrite(p, 1, n, f);
            fclose(f);
        }
        p += n + 1;
    }
    struct host_options o = {.root = root};
    struct host_report *r = NULL;
    struct strata_error err;
    if (host_run(&o, &r, &err) == 0) {
        host_write_table(r, devnull);
        host_write_json(r, devnull);
        host_report_free(r);
    }
    return 0;
}
