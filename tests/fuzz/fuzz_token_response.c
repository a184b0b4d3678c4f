/* libFuzzer target: a token server's answer (registry_token.h). An accepted token is
 * non-empty visible ASCII within its bound (it becomes an Authorization header); errors name
 * the realm. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/registry_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char what[] = "https://auth.example/token";
    char *token = NULL;
    long ttl = 0;
    struct strata_error err = {0};
    int rc = registry_token_parse((const char *)data, size, what, &token, &ttl, &err);
    if (rc == 0) {
        size_t n = strlen(token);
        if (n == 0 || n > REGISTRY_TOKEN_MAX || ttl <= 0)
            __builtin_trap();
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)token[i] <= 0x20 || (unsigned char)token[i] >= 0x7f)
                __builtin_trap();
        free(token);
    } else if (rc != STRATA_ENOMEM && strstr(err.msg, what) == NULL) {
        __builtin_trap();
    }
    return 0;
}
