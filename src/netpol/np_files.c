/* Loading the paths `strata netpol` is given into a cluster: files named on the command line
 * are read whatever their name; in walked directories only *.yaml, *.yml and *.json files
 * (kubectl's -o yaml and -o json output both parse as YAML). */
#include "netpol/np_files.h"

#include <string.h>

#include "core/file_walk.h"

struct load_ctx {
    struct np_cluster *c;
    np_file_error_fn on_error;
    void *user;
};

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static int load_file(void *user, const char *name, const char *data, size_t len, int explicit,
                     struct strata_error *err)
{
    struct load_ctx *lc = user;
    if (!explicit && !has_suffix(name, ".yaml") && !has_suffix(name, ".yml") &&
        !has_suffix(name, ".json"))
        return 1;
    return np_cluster_add_yaml(lc->c, name, data, len, err);
}

static void forward_error(const struct strata_error *err, void *user)
{
    struct load_ctx *lc = user;
    lc->on_error(err, lc->user);
}

int np_cluster_add_paths(struct np_cluster *c, const char *const *paths, size_t n,
                         np_file_error_fn on_error, void *user, size_t *files, size_t *failed,
                         struct strata_error *err)
{
    struct load_ctx lc = {c, on_error, user};
    struct file_walk_stats st = {0};
    int rc = file_walk(paths, n, NP_MAX_FILE, load_file, forward_error, &lc, &st, err);
    if (files != NULL)
        *files = st.files;
    if (failed != NULL)
        *failed = st.failed;
    return rc;
}
