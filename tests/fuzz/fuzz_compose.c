/* libFuzzer: a docker-compose file through config_check_compose (YAML parsing, aliases and
 * merge keys, every DC rule, positions). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct strata_report *r = strata_report_new();
    struct config_ctx *c = NULL;
    struct strata_error err;
    if (r != NULL && config_ctx_new(NULL, r, &c, &err) == 0) {
        struct config_source s = {"docker-compose.yml", text, size, CONFIG_COMPOSE};
        config_check_compose(c, &s, &err);
        config_ctx_free(c);
    }
    strata_report_free(r);
    free(text);
    return 0;
}
