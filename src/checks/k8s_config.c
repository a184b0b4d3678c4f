/* config_check_kubernetes: the Kubernetes checker as the config framework (config.h) sees
 * it, a k8s_sink over config_rule_enabled, config_report and config_report_pss. Kept apart
 * from the driver so tests can link the checker without the framework. */
#include "checks/config.h"
#include "checks/k8s_check.h"

struct cfg_sink {
    struct config_ctx *c;
    const struct config_source *src;
};

static int cfg_enabled(void *u, const char *id)
{
    const struct cfg_sink *s = u;
    return config_rule_enabled(s->c, id);
}

static int cfg_finding(void *u, const struct config_finding *f)
{
    const struct cfg_sink *s = u;
    return config_report(s->c, s->src, f);
}

static int cfg_pss(void *u, const char *resource, int line, const char *level,
                   const char *const *violations, size_t n, int score)
{
    const struct cfg_sink *s = u;
    return config_report_pss(s->c, s->src, resource, line, level, violations, n, score);
}

int config_check_kubernetes(struct config_ctx *c, const struct config_source *src,
                            struct strata_error *err)
{
    struct cfg_sink cs = {c, src};
    struct k8s_sink sink = {
        .u = &cs,
        .pss_level = config_pss_level(c),
        .enabled = cfg_enabled,
        .finding = cfg_finding,
        .pss = cfg_pss,
    };
    return k8s_check_source(&sink, src, err);
}

/* Run-wide state: none yet (each file is judged alone); the hooks exist so the framework can
 * finish and free a run uniformly. */
int config_finish_kubernetes(struct config_ctx *c, void *state, struct strata_error *err)
{
    (void)c, (void)err;
    config_free_kubernetes_state(state);
    return 0;
}

void config_free_kubernetes_state(void *state)
{
    (void)state;
}
