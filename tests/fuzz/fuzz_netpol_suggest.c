/* libFuzzer: the netpol tools over arbitrary YAML. A cluster that loads (small enough) is
 * audited, searched for paths, and its current connectivity turned into suggested policies
 * that must load in place of the cluster's and give exactly the derived flows — the
 * round trip of `strata netpol suggest` as a property. Any failure traps. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netpol/np_audit.h"
#include "netpol/np_flows.h"
#include "netpol/np_paths.h"
#include "netpol/np_suggest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct np_cluster *c = np_cluster_new(NULL);
    if (c == NULL)
        return 0;
    struct strata_error err = {0};
    struct np_engine *e = NULL;
    if (np_cluster_add_yaml(c, "f.yaml", (const char *)data, size, &err) != 0 || c->n_wl > 24 ||
        np_engine_build(&e, c, &err) != 0) {
        np_cluster_free(c);
        return 0;
    }
    struct strata_report *r = strata_report_new();
    if (r != NULL && np_audit(e, c, r, &err) != 0)
        __builtin_trap();
    strata_report_free(r);
    FILE *null = fopen("/dev/null", "w");
    struct np_paths_opts po = {.exposed = 1};
    struct np_paths_stats ps;
    if (null != NULL && np_paths_write(e, c, &po, NP_FMT_JSON, null, &ps, &err) != 0)
        __builtin_trap();
    if (null != NULL)
        fclose(null);
    struct np_flows fl;
    np_flows_init(&fl, c->n_wl);
    struct strbuf y = STRBUF_INIT;
    struct np_suggest_stats st;
    if (np_flows_derive(&fl, e, c, &err) != 0 ||
        np_suggest_yaml(&fl, e, c, fl.dns_pods == 0, &y, &st, &err) != 0)
        __builtin_trap();
    np_engine_free(e);
    e = NULL;
    np_cluster_drop_policies(c);
    if (np_cluster_add_yaml(c, "s.yaml", y.buf ? y.buf : "", y.len, &err) != 0 ||
        np_engine_build(&e, c, &err) != 0) {
        fprintf(stderr, "suggestion does not load: %s\n%s", err.msg, y.buf);
        __builtin_trap();
    }
    struct strbuf diff = STRBUF_INIT;
    size_t bad = 0;
    if (np_flows_check(&fl, e, c, &diff, &bad) != 0 || bad != 0) {
        fprintf(stderr, "round trip: %zu differences\n%s", bad, diff.buf ? diff.buf : "");
        __builtin_trap();
    }
    strbuf_release(&diff);
    strbuf_release(&y);
    np_flows_release(&fl);
    np_engine_free(e);
    np_cluster_free(c);
    return 0;
}
