/* libFuzzer target: secrets_scan with the built-in rule pack over arbitrary buffers. Every
 * finding must lie inside the buffer, hold its secret inside its match, and never show the
 * whole secret in its excerpt. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secrets/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct secrets_engine *engine;
static size_t scanned_len;

static int check(const struct secrets_finding *f, void *user)
{
    (void)user;
    if (f->end > scanned_len || f->start > f->end || f->secret_start < f->start ||
        f->secret_end > f->end || f->secret_len == 0 || f->line < 1)
        __builtin_trap();
    if (f->secret_len >= 4 && strlen(f->excerpt) > 4 + 5)
        __builtin_trap();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strata_error err = {0};
    if (engine == NULL) {
        engine = secrets_engine_new();
        if (engine == NULL || secrets_engine_add_builtin(engine, &err) != 0 ||
            secrets_engine_compile(engine, &err) != 0) {
            fprintf(stderr, "fuzz_secrets: %s\n", err.msg);
            abort();
        }
    }
    scanned_len = size;
    int rc = secrets_scan(engine, "fuzz", (const char *)data, size, check, NULL, &err);
    if (rc < 0 && rc != STRATA_ENOMEM)
        __builtin_trap();
    return 0;
}
