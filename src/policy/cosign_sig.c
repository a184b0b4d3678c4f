/* ECDSA P-256 / SHA-256 signatures over payload bytes, base64 of the ASN.1 DER form as cosign
 * stores them in the layer annotation. */
#include "policy/cosign.h"

#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *cosign_base64_encode(const unsigned char *data, size_t n)
{
    if (n > (SIZE_MAX - 1) / 4 * 3 - 3)
        return NULL;
    char *out = malloc((n + 2) / 3 * 4 + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)data[i + 1] << 8;
        if (i + 2 < n)
            v |= data[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int cosign_base64_decode(const char *s, size_t n, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (n == 0 || n % 4 != 0)
        return -1;
    size_t pad = s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
    unsigned char *buf = malloc(n / 4 * 3);
    if (buf == NULL)
        return STRATA_ENOMEM;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++) {
            size_t at = i + (size_t)k;
            v[k] = at >= n - pad ? 0 : b64_value(s[at]);
            if (v[k] < 0) {
                free(buf);
                return -1;
            }
        }
        unsigned w =
            (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
        buf[o++] = (unsigned char)(w >> 16);
        buf[o++] = (unsigned char)(w >> 8);
        buf[o++] = (unsigned char)w;
    }
    /* Canonical form only: the bits the padding drops must be zero. */
    if ((pad == 1 && (b64_value(s[n - 2]) & 3) != 0) ||
        (pad == 2 && (b64_value(s[n - 3]) & 15) != 0)) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = o - pad;
    return 0;
}

int cosign_sign(EVP_PKEY *key, const void *data, size_t len, char **sig_b64,
                struct strata_error *err)
{
    *sig_b64 = NULL;
    ERR_clear_error();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return strata_error_nomem(err);
    unsigned char *der = NULL;
    size_t der_len = 0;
    int ok = EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestSign(ctx, NULL, &der_len, data, len) == 1 &&
             (der = malloc(der_len)) != NULL && EVP_DigestSign(ctx, der, &der_len, data, len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        free(der);
        unsigned long e = ERR_get_error();
        ERR_clear_error();
        return strata_error_set(err, STRATA_EINTERNAL, "signing failed: %s",
                                e ? ERR_reason_error_string(e) : "out of memory");
    }
    *sig_b64 = cosign_base64_encode(der, der_len);
    free(der);
    return *sig_b64 ? 0 : strata_error_nomem(err);
}

int cosign_verify(EVP_PKEY *pub, const void *data, size_t len, const char *sig_b64,
                  struct strata_error *err)
{
    size_t n = strlen(sig_b64);
    if (n > COSIGN_MAX_SIGNATURE_B64) {
        strata_error_set(err, STRATA_ELIMIT, "the signature is longer than %d base64 characters",
                         COSIGN_MAX_SIGNATURE_B64);
        return 1;
    }
    unsigned char *der;
    size_t der_len;
    int rc = cosign_base64_decode(sig_b64, n, &der, &der_len);
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(err);
    if (rc != 0) {
        strata_error_set(err, STRATA_EFORMAT, "the signature is not valid standard base64");
        return 1;
    }
    ERR_clear_error();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        free(der);
        return strata_error_nomem(err);
    }
    int v = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pub) == 1
                ? EVP_DigestVerify(ctx, der, der_len, data, len)
                : -2;
    EVP_MD_CTX_free(ctx);
    free(der);
    ERR_clear_error();
    if (v == -2)
        return strata_error_set(err, STRATA_EINTERNAL, "cannot set up ECDSA verification");
    if (v != 1) {
        /* 0: a well-formed signature that does not match; <0: not a DER ECDSA signature. */
        strata_error_set(err, STRATA_EFORMAT,
                         v == 0 ? "the signature does not verify with the key"
                                : "the signature is not a DER ECDSA signature that verifies "
                                  "with the key");
        return 1;
    }
    return 0;
}
