/* libFuzzer: `docker inspect` output through config_check_docker_inspect (jansson, the JSON
 * position index, every CIS-DOCKER-5.n control). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/config.h"
#include "checks/json_pos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* the position index alone, on text jansson may refuse */
    struct json_pos p;
    if (json_pos_build(&p, text, size, 8, 10000) == 0)
        json_pos_free(&p);
    struct strata_report *r = strata_report_new();
    struct config_ctx *c = NULL;
    struct strata_error err;
    if (r != NULL && config_ctx_new(NULL, r, &c, &err) == 0) {
        struct config_source s = {"inspect.json", text, size, CONFIG_DOCKER_INSPECT};
        config_check_docker_inspect(c, &s, &err);
        config_ctx_free(c);
    }
    strata_report_free(r);
    free(text);
    return 0;
}
