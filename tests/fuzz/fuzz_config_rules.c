/* libFuzzer target: the strata config framework's own parsers — a --rules file's text and the
 * `# strata:ignore` comments of a source (the input is both), and kind detection. Findings at
 * every line must be either reported or counted as suppressed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct strata_report *r = strata_report_new();
    struct config_ctx *c = NULL;
    struct strata_error err = {0};
    if (r == NULL || config_ctx_new(NULL, r, &c, &err) != 0) {
        strata_report_free(r);
        free(text);
        return 0;
    }
    int rc = config_ctx_add_rules(c, "fuzz.yaml", text, size, &err);
    if (rc != 0 && rc != STRATA_EFORMAT && rc != STRATA_ELIMIT && rc != STRATA_ENOMEM)
        __builtin_trap();
    (void)config_detect("fuzz", text, size);
    struct config_source src = {"fuzz", text, size, CONFIG_UNKNOWN};
    static const char *const ids[] = {"DF-001", "K8S-003", "PSS-BASELINE-PRIVILEGED", "DC-002"};
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';
    size_t tried = 0;
    for (size_t l = 0; l <= lines + 1 && l < 64; l++) {
        for (size_t k = 0; k < 4; k++) {
            if (!config_rule_enabled(c, ids[k]))
                continue;
            struct config_finding f = {ids[k], "t", "LOW", NULL, (int)l, 1, NULL, "m", "r"};
            if (config_report(c, &src, &f) != 0)
                break;
            tried++;
        }
    }
    if (r->n_misconfigurations + config_ctx_suppressed(c) != tried)
        __builtin_trap();
    config_ctx_free(c);
    strata_report_free(r);
    free(text);
    return 0;
}
