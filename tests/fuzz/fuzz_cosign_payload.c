/* libFuzzer target: what a registry serves for cosign signatures. The first byte picks: 0
 * the simple-signing payload, 1 the signature manifest (parsed, then extended with one more
 * signature), 2 a base64 signature (decoded, and verified over a fixed payload with a fixed
 * key), 3 an image reference (as docker-reference is read). Errors must carry a message;
 * what parses must hold what the parser promises. */
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "policy/cosign.h"
#include "policy/trust_policy_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DIG "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static EVP_PKEY *fixed_key(void)
{
    static EVP_PKEY *k;
    if (k == NULL) {
        struct strata_error err = {0};
        if (cosign_key_generate(&k, &err) != 0)
            __builtin_trap();
    }
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned which = data[0] & 3;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct strata_error err = {0};
    if (which == 0) {
        struct cosign_payload p;
        if (cosign_payload_parse(text, len, "payload", &p, &err) == 0) {
            if (!digest_is_valid_sha256(p.digest) || p.docker_reference == NULL)
                __builtin_trap();
            cosign_payload_release(&p);
        } else if (err.msg[0] == '\0') {
            __builtin_trap();
        }
    } else if (which == 1) {
        struct cosign_manifest m;
        if (cosign_manifest_parse(text, len, "sig", &m, &err) == 0) {
            for (size_t i = 0; i < m.n_layers; i++)
                if (!digest_is_valid_sha256(m.layers[i].digest))
                    __builtin_trap();
            cosign_manifest_release(&m);
            struct cosign_manifest_out o;
            if (cosign_manifest_add(text, len, DIG, 10, "eA==", &o, &err) == 0) {
                struct cosign_manifest again;
                if (cosign_manifest_parse(o.manifest, o.manifest_len, "out", &again, &err) != 0)
                    __builtin_trap();
                cosign_manifest_release(&again);
                cosign_manifest_out_release(&o);
            }
        } else if (err.msg[0] == '\0') {
            __builtin_trap();
        }
    } else if (which == 2) {
        char *s = malloc(len + 1);
        if (s == NULL)
            return 0;
        memcpy(s, text, len);
        s[len] = '\0';
        unsigned char *out;
        size_t n;
        if (cosign_base64_decode(s, strlen(s), &out, &n) == 0) {
            char *back = cosign_base64_encode(out, n);
            if (back != NULL && strcmp(back, s) != 0)
                __builtin_trap(); /* strict decoding: only canonical text decodes */
            free(back);
            free(out);
        }
        static const char payload[] = "{\"critical\":{}}";
        int rc = cosign_verify(fixed_key(), payload, sizeof payload - 1, s, &err);
        if (rc == 0)
            __builtin_trap(); /* nobody can forge a signature of the fixed key */
        free(s);
    } else {
        struct trust_ref r;
        if (trust_ref_parse(text, len, &r, &err) == 0) {
            if (r.registry[0] == '\0' || r.path[0] == '\0')
                __builtin_trap();
        } else if (err.msg[0] == '\0') {
            __builtin_trap();
        }
    }
    return 0;
}
