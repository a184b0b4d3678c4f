/* Fuzzes the image config/history checks and the credential redactor: the input is an image
 * config document (any JSON) and, as text, a history step and an /etc/passwd. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct strbuf sb = STRBUF_INIT;
    size_t hits = 0;
    checks_redact_text(&sb, text, &hits, NULL);
    strbuf_release(&sb);
    checks_passwd_uid(text, size, "root", 4);
    json_t *cfg = json_loadb((const char *)data, size, 0, NULL);
    struct strata_report *r = strata_report_new();
    struct strata_error err = {0};
    if (r != NULL) {
        checks_image_config(cfg, text, text, size, 3, r, &err);
        strata_report_sort_misconfigurations(r);
    }
    strata_report_free(r);
    json_decref(cfg);
    free(text);
    return 0;
}
