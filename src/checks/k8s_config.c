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

static void cfg_dropped(void *u, size_t findings, size_t pss_results)
{
    const struct cfg_sink *s = u;
    (void)pss_results; /* the framework counts findings; a PSS result is not one */
    config_report_dropped(s->c, findings);
}

static const struct config_source *cfg_keep(void *u, const struct config_source *src)
{
    const struct cfg_sink *s = u;
    return config_ctx_keep_source(s->c, src);
}

int config_check_kubernetes(struct config_ctx *c, const struct config_source *src,
                            struct strata_error *err)
{
    /* K8S-009 and K8S-017 are settled by every file of the run (k8s_wide.c) */
    void **slot = config_ctx_state(c, CONFIG_KUBERNETES);
    if (*slot == NULL && (*slot = k8s_wide_new()) == NULL)
        return strata_error_nomem(err);
    struct cfg_sink cs = {c, src};
    struct k8s_sink sink = {
        .u = &cs,
        .pss_level = config_pss_level(c),
        .enabled = cfg_enabled,
        .finding = cfg_finding,
        .pss = cfg_pss,
        .dropped = cfg_dropped,
    };
    return k8s_check_source_in_run(&sink, *slot, cfg_keep, src, err);
}

static int cfg_report_at(void *u, const struct config_source *src, const struct config_finding *f)
{
    return config_report(u, src, f);
}

/* After the last file: the K8S-009 and K8S-017 findings no other file settled, each against
 * its file's kept copy. */
int config_finish_kubernetes(struct config_ctx *c, void *state, struct strata_error *err)
{
    size_t dropped = 0;
    int rc = k8s_wide_finish(state, cfg_report_at, c, &dropped);
    config_report_dropped(c, dropped);
    config_free_kubernetes_state(state);
    return rc != 0 ? strata_error_nomem(err) : 0;
}

void config_free_kubernetes_state(void *state)
{
    k8s_wide_free(state);
}
