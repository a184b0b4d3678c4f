/* libFuzzer target: WWW-Authenticate header values (www_auth.h) and the token URL built from
 * a Bearer challenge (registry_token.h). Kept parameters stay within their bound; errors name
 * the header; a built URL starts with the realm and has no space or control byte. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "source/registry_token.h"
#include "source/www_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int clean(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct www_auth a;
    struct strata_error err = {0};
    int rc = www_auth_parse((const char *)data, size, &a, &err);
    if (rc != 0) {
        if (rc != STRATA_ENOMEM && strncmp(err.msg, "WWW-Authenticate: ", 18) != 0)
            __builtin_trap();
        return 0;
    }
    if (a.scheme != WWW_AUTH_NONE && a.scheme != WWW_AUTH_BASIC && a.scheme != WWW_AUTH_BEARER)
        __builtin_trap();
    const char *params[] = {a.realm, a.service, a.scope};
    for (size_t i = 0; i < 3; i++)
        if (params[i] && strlen(params[i]) > WWW_AUTH_MAX_PARAM)
            __builtin_trap();
    if (a.scheme == WWW_AUTH_BEARER) {
        struct strbuf url = STRBUF_INIT;
        if (registry_token_url(&a, "repository:app:pull", size & 1, &url, &err) == 0) {
            if (url.buf == NULL || strncmp(url.buf, a.realm, strlen(a.realm)) != 0 ||
                !clean(url.buf))
                __builtin_trap();
        }
        strbuf_release(&url);
    }
    www_auth_release(&a);
    return 0;
}
