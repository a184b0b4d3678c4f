/* Hands one configuration file to the checker of its kind. */
#include "checks/config.h"

int config_check_source(struct config_ctx *c, struct config_source *src, struct strata_error *err)
{
    if (src->kind == CONFIG_UNKNOWN)
        src->kind = config_detect(src->path, src->data, src->len);
    config_ctx_new_source(c);
    switch (src->kind) {
    case CONFIG_DOCKERFILE:
        return config_check_dockerfile(c, src, err);
    case CONFIG_KUBERNETES:
        return config_check_kubernetes(c, src, err);
    case CONFIG_COMPOSE:
        return config_check_compose(c, src, err);
    case CONFIG_DOCKER_INSPECT:
        return config_check_docker_inspect(c, src, err);
    case CONFIG_UNKNOWN:
        break;
    }
    return strata_error_set(err, STRATA_EUSAGE, "%s: unknown kind of configuration file",
                            src->path);
}

int config_finish_kind(struct config_ctx *c, enum config_kind kind, void *state,
                       struct strata_error *err)
{
    if (kind == CONFIG_KUBERNETES)
        return config_finish_kubernetes(c, state, err);
    return 0;
}

void config_free_kind_state(enum config_kind kind, void *state)
{
    if (kind == CONFIG_KUBERNETES)
        config_free_kubernetes_state(state);
}
