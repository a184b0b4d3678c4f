/* Which files `strata config` checks: the paths given (core/file_walk.h walks directories),
 * each file's kind detected (or forced) and handed to its checker. A file that cannot be read
 * or parsed is reported through on_error and the walk goes on. */
#include "checks/config_walk.h"

#include <string.h>

#include "core/file_walk.h"

struct walk {
    struct config_ctx *c;
    enum config_kind force;
    config_error_fn on_error;
    void *user;
};

static void forward_error(const struct strata_error *err, void *user)
{
    struct walk *w = user;
    w->on_error(err, w->user);
}

enum config_kind config_kind_parse(const char *s)
{
    static const struct {
        const char *name;
        enum config_kind kind;
    } names[] = {
        {"dockerfile", CONFIG_DOCKERFILE},
        {"kubernetes", CONFIG_KUBERNETES},
        {"k8s", CONFIG_KUBERNETES},
        {"compose", CONFIG_COMPOSE},
        {"docker-inspect", CONFIG_DOCKER_INSPECT},
        {"inspect", CONFIG_DOCKER_INSPECT},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].kind;
    return CONFIG_UNKNOWN;
}

static int check_file(void *user, const char *name, const char *data, size_t len, int explicit,
                      struct strata_error *err)
{
    struct walk *w = user;
    struct config_source src = {name, data, len, w->force};
    if (src.kind == CONFIG_UNKNOWN)
        src.kind = config_detect(strcmp(name, "<stdin>") == 0 ? "-" : name, data, len);
    if (src.kind == CONFIG_UNKNOWN) {
        /* a file named on the command line must be something we check */
        if (!explicit)
            return 1;
        return strata_error_set(err, STRATA_EUSAGE,
                                "%s: not a Dockerfile, Kubernetes manifest, compose file or "
                                "docker inspect output (use --kind to say which)",
                                name);
    }
    return config_check_source(w->c, &src, err);
}

int config_check_paths(struct config_ctx *c, const char *const *paths, size_t n_paths,
                       enum config_kind force, config_error_fn on_error, void *user,
                       struct config_walk_stats *stats, struct strata_error *err)
{
    struct walk w = {.c = c, .force = force, .on_error = on_error, .user = user};
    struct file_walk_stats fs = {0};
    int rc = file_walk(paths, n_paths, CONFIG_MAX_FILE, check_file, forward_error, &w, &fs, err);
    if (stats != NULL) {
        stats->files = fs.files;
        stats->failed = fs.failed;
    }
    if (rc != 0)
        return rc;
    /* the rules that needed every file (NetworkPolicies of a namespace, …) */
    return config_ctx_finish(c, err);
}
