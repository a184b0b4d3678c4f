/* libFuzzer: the network model and engine over arbitrary YAML. Every error must name the
 * file; a cluster that loads must build an engine whose every pair has a well-formed
 * allowance (sorted, disjoint port ranges in 1-65535) and a printable entity name. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netpol/np_engine.h"
#include "netpol/np_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_pair(void *u, size_t s, size_t d, const struct np_allow *a)
{
    struct np_engine *e = u;
    for (int p = 0; p < NP_NPROTO; p++)
        for (uint32_t i = 0; i < a->p[p].n; i++) {
            const struct np_range *r = &a->p[p].r[i];
            if (r->lo < 1 || r->lo > r->hi || (i > 0 && r->lo <= a->p[p].r[i - 1].hi + 1))
                __builtin_trap();
        }
    struct strbuf sb = STRBUF_INIT;
    if (np_entity_name(e, s, &sb) != 0 || np_entity_name(e, d, &sb) != 0 ||
        np_allow_format(a, &sb) != 0)
        __builtin_trap();
    strbuf_release(&sb);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct np_cluster *c = np_cluster_new(NULL);
    if (c == NULL)
        return 0;
    struct strata_error err = {0};
    int rc = np_cluster_add_yaml(c, "f.yaml", (const char *)data, size, &err);
    if (rc != 0 && strncmp(err.msg, "f.yaml", 6) != 0)
        __builtin_trap();
    struct np_engine *e = NULL;
    if (rc == 0 && c->n_wl <= 64 && np_engine_build(&e, c, &err) == 0) {
        if (np_engine_entities(e) <= 256)
            np_engine_each(e, check_pair, e);
        np_engine_free(e);
    }
    np_cluster_free(c);
    return 0;
}
