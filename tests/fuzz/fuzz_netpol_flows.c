/* libFuzzer: the text inputs of `strata netpol` on a fixed small cluster — a selector
 * string (the input's first line, `paths --sensitive`) and a flows file (the rest, `suggest
 * --flows`). Errors must be positioned; flows that parse must suggest policies that give
 * exactly them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/np_flows.h"
#include "netpol/np_suggest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char cluster[] =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x, labels: {app: a}}\n"
    "spec: {containers: [{name: c, ports: [{containerPort: 80, name: http}]}]}\n---\n"
    "apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: x, labels: {app: a, t: b}}\n"
    "spec: {containers: [{name: c}]}\n---\n"
    "apiVersion: v1\nkind: Pod\nmetadata: {name: c, namespace: y, labels: {app: a}}\n"
    "spec: {containers: [{name: c}]}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct np_cluster *c = np_cluster_new(NULL);
    struct np_engine *e = NULL;
    struct strata_error err = {0};
    if (c == NULL || np_cluster_add_yaml(c, "c.yaml", cluster, sizeof cluster - 1, &err) != 0 ||
        np_engine_build(&e, c, &err) != 0)
        __builtin_trap();
    const uint8_t *nl = memchr(data, '\n', size);
    size_t sl = nl ? (size_t)(nl - data) : size;
    char *sel_text = malloc(sl + 1);
    if (sel_text != NULL) {
        memcpy(sel_text, data, sl);
        sel_text[sl] = '\0';
        struct np_selector sel;
        int rc = memchr(sel_text, '\0', sl) ? 0 : np_selector_parse(c, sel_text, &sel, &err);
        if (rc == STRATA_EUSAGE && strstr(err.msg, "column") == NULL &&
            strstr(err.msg, "more than") == NULL)
            __builtin_trap();
        if (rc == 0 && !memchr(sel_text, '\0', sl))
            for (size_t w = 0; w < c->n_wl; w++)
                (void)np_selector_matches(&sel, &c->wl[w].labels);
        free(sel_text);
    }
    const char *rest = nl ? (const char *)nl + 1 : "";
    size_t rl = nl ? size - sl - 1 : 0;
    struct np_flows fl;
    np_flows_init(&fl, c->n_wl);
    int rc = np_flows_parse(&fl, e, "f.txt", rest, rl, &err);
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, "f.txt:", 6) != 0)
        __builtin_trap();
    if (rc == 0 && fl.n <= 256) {
        struct strbuf y = STRBUF_INIT;
        struct np_suggest_stats st;
        if (np_suggest_yaml(&fl, e, c, 0, &y, &st, &err) != 0)
            __builtin_trap();
        np_engine_free(e);
        e = NULL;
        np_cluster_drop_policies(c);
        struct strbuf diff = STRBUF_INIT;
        size_t bad = 0;
        if (np_cluster_add_yaml(c, "s.yaml", y.buf ? y.buf : "", y.len, &err) != 0 ||
            np_engine_build(&e, c, &err) != 0 || np_flows_check(&fl, e, c, &diff, &bad) != 0 ||
            bad != 0)
            __builtin_trap();
        strbuf_release(&diff);
        strbuf_release(&y);
    }
    np_flows_release(&fl);
    np_engine_free(e);
    np_cluster_free(c);
    return 0;
}
