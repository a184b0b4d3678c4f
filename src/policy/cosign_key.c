/* PEM keys for cosign-compatible signatures, through libcrypto: only ECDSA P-256 (what
 * `cosign generate-key-pair` makes and what cosign's spec requires every verifier to support). */
#include "policy/cosign.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_util.h"

/* The label of the first PEM block ("PRIVATE KEY"), or "" when there is none. */
static void pem_label(const char *data, size_t len, char *label, size_t size)
{
    static const char begin[] = "-----BEGIN ";
    label[0] = '\0';
    const char *p = memmem(data, len, begin, sizeof begin - 1);
    if (p == NULL)
        return;
    p += sizeof begin - 1;
    const char *end = data + len;
    size_t n = 0;
    while (p + n < end && p[n] != '-' && p[n] != '\n' && n + 1 < size)
        n++;
    memcpy(label, p, n);
    label[n] = '\0';
}

/* The reason of libcrypto's last error, for messages; clears the queue. */
static const char *crypto_reason(char *buf, size_t size)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    snprintf(buf, size, "%s", r ? r : "unknown libcrypto error");
    ERR_clear_error();
    return buf;
}

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    const char *pw = u;
    if (pw == NULL)
        return -1; /* never prompt on a terminal */
    size_t n = strlen(pw);
    if (n > (size_t)size)
        return -1;
    memcpy(buf, pw, n);
    return (int)n;
}

/* ECDSA over NIST P-256? */
static int is_p256(EVP_PKEY *k)
{
    if (!EVP_PKEY_is_a(k, "EC"))
        return 0;
    char group[64];
    size_t glen = 0;
    if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen) !=
        1)
        return 0;
    return OBJ_txt2nid(group) == NID_X9_62_prime256v1;
}

static const char *key_kind(EVP_PKEY *k)
{
    return EVP_PKEY_is_a(k, "RSA")       ? "an RSA key"
           : EVP_PKEY_is_a(k, "ED25519") ? "an Ed25519 key"
           : EVP_PKEY_is_a(k, "EC")      ? "an EC key on another curve"
                                         : "another kind of key";
}

static int check_pem(const char *data, size_t len, const char *what, struct strata_error *err)
{
    if (memchr(data, '\0', len) != NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s: NUL byte in a PEM key file", what);
    if (len > COSIGN_MAX_KEY_FILE)
        return strata_error_set(err, STRATA_ELIMIT, "%s: larger than %u bytes", what,
                                COSIGN_MAX_KEY_FILE);
    return 0;
}

int cosign_private_key_parse(const char *data, size_t len, const char *what, const char *password,
                             EVP_PKEY **out, struct strata_error *err)
{
    *out = NULL;
    int rc = check_pem(data, len, what, err);
    if (rc != 0)
        return rc;
    char label[64];
    pem_label(data, len, label, sizeof label);
    if (strcmp(label, "ENCRYPTED SIGSTORE PRIVATE KEY") == 0 ||
        strcmp(label, "ENCRYPTED COSIGN PRIVATE KEY") == 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: a cosign-encrypted key (scrypt + NaCl secretbox) is not "
                                "supported; use a PEM PKCS#8 key (docs/signing.md says how to "
                                "make one)",
                                what);
    if (label[0] == '\0')
        return strata_error_set(err, STRATA_EFORMAT, "%s: no PEM block (-----BEGIN …-----)", what);
    if (strcmp(label, "PUBLIC KEY") == 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: a public key where a private key is needed", what);
    /* PKCS#8 encryption, or the legacy PEM encryption of an "EC PRIVATE KEY" block. */
    int encrypted = strcmp(label, "ENCRYPTED PRIVATE KEY") == 0 ||
                    memmem(data, len, "Proc-Type: 4,ENCRYPTED", 22) != NULL;
    if (encrypted && password == NULL)
        return strata_error_set(err, STRATA_EUSAGE,
                                "%s: the key is encrypted: give its passphrase in "
                                "$STRATA_KEY_PASSWORD or with --key-password-file",
                                what);
    if (strcmp(label, "PRIVATE KEY") != 0 && strcmp(label, "EC PRIVATE KEY") != 0 && !encrypted)
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: PEM block \"%s\" is not a private key (PRIVATE KEY, "
                                "ENCRYPTED PRIVATE KEY or EC PRIVATE KEY)",
                                what, label);
    ERR_clear_error();
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL)
        return strata_error_nomem(err);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, (void *)password);
    BIO_free(bio);
    char why[160];
    if (k == NULL) {
        crypto_reason(why, sizeof why);
        if (encrypted)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: cannot decrypt the key (wrong passphrase?): %s", what,
                                    why);
        return strata_error_set(err, STRATA_EFORMAT, "%s: not a readable PEM private key: %s", what,
                                why);
    }
    ERR_clear_error();
    if (!is_p256(k)) {
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: %s; cosign signatures need an ECDSA P-256 (prime256v1) key",
                              what, key_kind(k));
        EVP_PKEY_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

int cosign_public_key_parse(const char *data, size_t len, const char *what, EVP_PKEY **out,
                            struct strata_error *err)
{
    *out = NULL;
    int rc = check_pem(data, len, what, err);
    if (rc != 0)
        return rc;
    char label[64];
    pem_label(data, len, label, sizeof label);
    if (strcmp(label, "PUBLIC KEY") != 0)
        return strata_error_set(err, STRATA_EFORMAT,
                                label[0] ? "%s: PEM block \"%s\" is not a public key (PUBLIC "
                                           "KEY, SubjectPublicKeyInfo)"
                                         : "%s: no PEM block (-----BEGIN PUBLIC KEY-----)%s",
                                what, label);
    ERR_clear_error();
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL)
        return strata_error_nomem(err);
    EVP_PKEY *k = PEM_read_bio_PUBKEY(bio, NULL, pass_cb, NULL);
    BIO_free(bio);
    if (k == NULL) {
        char why[160];
        return strata_error_set(err, STRATA_EFORMAT, "%s: not a readable PEM public key: %s", what,
                                crypto_reason(why, sizeof why));
    }
    ERR_clear_error();
    if (!is_p256(k)) {
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: %s; cosign signatures need an ECDSA P-256 (prime256v1) key",
                              what, key_kind(k));
        EVP_PKEY_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

int cosign_private_key_load(const char *path, const char *password, EVP_PKEY **out,
                            struct strata_error *err)
{
    char *data;
    size_t len;
    int rc = policy_read_file(path, COSIGN_MAX_KEY_FILE, &data, &len, err);
    if (rc != 0)
        return rc;
    rc = cosign_private_key_parse(data, len, path, password, out, err);
    OPENSSL_cleanse(data, len);
    free(data);
    return rc;
}

int cosign_public_key_load(const char *path, EVP_PKEY **out, struct strata_error *err)
{
    char *data;
    size_t len;
    int rc = policy_read_file(path, COSIGN_MAX_KEY_FILE, &data, &len, err);
    if (rc != 0)
        return rc;
    rc = cosign_public_key_parse(data, len, path, out, err);
    free(data);
    return rc;
}

int cosign_key_generate(EVP_PKEY **out, struct strata_error *err)
{
    ERR_clear_error();
    *out = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (*out == NULL) {
        char why[160];
        return strata_error_set(err, STRATA_EINTERNAL, "cannot generate a P-256 key: %s",
                                crypto_reason(why, sizeof why));
    }
    return 0;
}

/* The bytes written to a memory BIO, as a malloc'd NUL-terminated string. */
static int bio_take(BIO *bio, char **out, size_t *len, struct strata_error *err)
{
    char *p;
    long n = BIO_get_mem_data(bio, &p);
    if (n <= 0)
        return strata_error_set(err, STRATA_EINTERNAL, "libcrypto wrote an empty PEM");
    *out = malloc((size_t)n + 1);
    if (*out == NULL)
        return strata_error_nomem(err);
    memcpy(*out, p, (size_t)n);
    (*out)[n] = '\0';
    *len = (size_t)n;
    return 0;
}

int cosign_key_private_pem(EVP_PKEY *key, const char *password, char **out, size_t *len,
                           struct strata_error *err)
{
    *out = NULL;
    *len = 0;
    if (password != NULL && strlen(password) > COSIGN_MAX_PASSWORD)
        return strata_error_set(err, STRATA_EUSAGE, "passphrase longer than %d bytes",
                                COSIGN_MAX_PASSWORD);
    ERR_clear_error();
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        return strata_error_nomem(err);
    /* PBES2 with PBKDF2-HMAC-SHA256 (OpenSSL 3's default) and AES-256-CBC when encrypted. */
    int ok = password != NULL ? PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), NULL, 0,
                                                              NULL, (void *)password)
                              : PEM_write_bio_PKCS8PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
    int rc;
    if (!ok) {
        char why[160];
        rc = strata_error_set(err, STRATA_EINTERNAL, "cannot write the private key: %s",
                              crypto_reason(why, sizeof why));
    } else {
        rc = bio_take(bio, out, len, err);
    }
    BIO_free(bio);
    return rc;
}

int cosign_key_public_pem(EVP_PKEY *key, char **out, size_t *len, struct strata_error *err)
{
    *out = NULL;
    *len = 0;
    ERR_clear_error();
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        return strata_error_nomem(err);
    int rc;
    if (!PEM_write_bio_PUBKEY(bio, key)) {
        char why[160];
        rc = strata_error_set(err, STRATA_EINTERNAL, "cannot write the public key: %s",
                              crypto_reason(why, sizeof why));
    } else {
        rc = bio_take(bio, out, len, err);
    }
    BIO_free(bio);
    return rc;
}
