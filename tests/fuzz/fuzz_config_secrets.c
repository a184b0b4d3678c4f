/* libFuzzer target: the secrets pass over an image config document (Env, Labels, Cmd,
 * Entrypoint, history with ENV/ARG/LABEL splitting) with the built-in rule pack. Every secret
 * must name a location, carry a redacted excerpt and no layer beyond the history's. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secrets/image_secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct secrets_engine *engine;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strata_error err = {0};
    if (engine == NULL && secrets_engine_for_scan(NULL, &engine, &err) != 0) {
        fprintf(stderr, "fuzz_config_secrets: %s\n", err.msg);
        abort();
    }
    json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (doc == NULL)
        return 0;
    struct strata_report *r = strata_report_new();
    if (r == NULL) {
        json_decref(doc);
        return 0;
    }
    const size_t n_layers = 3;
    int rc = secrets_scan_config(engine, doc, n_layers, r, &err);
    if (rc != 0 && rc != STRATA_ENOMEM)
        __builtin_trap();
    for (size_t i = 0; i < r->n_secrets; i++) {
        const struct strata_secret *s = &r->secrets[i];
        if (s->location == NULL || s->path != NULL || s->excerpt == NULL ||
            strstr(s->excerpt, "*****") == NULL || s->layer_index >= (int)n_layers)
            __builtin_trap();
    }
    strata_report_free(r);
    json_decref(doc);
    return 0;
}
