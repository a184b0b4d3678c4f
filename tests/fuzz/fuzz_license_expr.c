/* libFuzzer target: the license expression parser and normaliser, the lenient form, the
 * --license-deny list and Bundle-License values. Properties checked beyond "no crash": every
 * error is one of the documented codes with a "license expression: " message; the canonical
 * text parses again to the same text (normalising is idempotent), also for the lenient form;
 * deny evaluation agrees with itself on the re-parsed tree. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/java_archive.h"
#include "strata/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const deny[] = {"GPL-*", "category:network-copyleft", "LicenseRef-*x*", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct strata_license_expr *e = NULL;
    struct strata_error err = {0};
    int rc = strata_license_parse(s, size, &e, &err);
    if (rc != 0 && rc != STRATA_EFORMAT && rc != STRATA_ELIMIT && rc != STRATA_ENOMEM)
        __builtin_trap();
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, "license expression: ", 20) != 0)
        __builtin_trap();
    if (rc == 0) {
        char *text = strata_license_expr_string(e);
        if (text != NULL) {
            char *again = NULL;
            struct strata_license_expr *e2 = NULL;
            if (strata_license_parse(text, strlen(text), &e2, &err) == 0) {
                again = strata_license_expr_string(e2);
                if (again != NULL && strcmp(again, text) != 0)
                    __builtin_trap();
                if (strata_license_expr_denied(e, deny) != strata_license_expr_denied(e2, deny))
                    __builtin_trap();
            } else if (err.code != STRATA_ENOMEM) {
                __builtin_trap(); /* the canonical text must parse */
            }
            (void)strata_license_expr_listed(text);
            free(again);
            strata_license_expr_free(e2);
            free(text);
        }
        strata_license_expr_free(e);
    }
    char *lenient = strata_license_normalize_lenient(s, size);
    if (lenient != NULL) {
        char *again = strata_license_normalize_lenient(lenient, strlen(lenient));
        if (again != NULL && strcmp(again, lenient) != 0)
            __builtin_trap();
        free(again);
        free(lenient);
    }
    /* the same bytes as a C string: a deny list and a Bundle-License value */
    if (size <= 4096) {
        char *z = malloc(size + 1);
        if (z == NULL)
            return 0;
        memcpy(z, data, size);
        z[size] = '\0';
        char **d = NULL;
        if (strata_license_parse_deny(z, &d, &err) == 0) {
            (void)strata_license_id_denied("MIT", (const char *const *)d);
            strata_license_deny_free(d);
        }
        char *bl = NULL;
        if (java_bundle_license(z, &bl) == 0)
            free(bl);
        free(z);
    }
    return 0;
}
