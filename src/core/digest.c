#include "core/digest.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "strata/error.h"

struct sha256_ctx {
    EVP_MD_CTX *md;
};

struct sha256_ctx *sha256_new(void)
{
    struct sha256_ctx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->md = EVP_MD_CTX_new();
    if (c->md == NULL || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(c->md);
        free(c);
        return NULL;
    }
    return c;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
    if (len)
        EVP_DigestUpdate(c->md, data, len);
}

void sha256_final_str(struct sha256_ctx *c, char out[STRATA_DIGEST_STRLEN])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(c->md, md, &n);
    memcpy(out, "sha256:", 7);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
}

void sha256_free(struct sha256_ctx *c)
{
    if (c == NULL)
        return;
    EVP_MD_CTX_free(c->md);
    free(c);
}

int sha256_buffer_str(const void *data, size_t len, char out[STRATA_DIGEST_STRLEN])
{
    struct sha256_ctx *c = sha256_new();
    if (c == NULL)
        return STRATA_ENOMEM;
    sha256_update(c, data, len);
    sha256_final_str(c, out);
    sha256_free(c);
    return 0;
}

int digest_is_valid_sha256(const char *s)
{
    if (s == NULL || strncmp(s, "sha256:", 7) != 0 || strlen(s) != 71)
        return 0;
    for (const char *p = s + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}
