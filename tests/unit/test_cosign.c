/* cosign-compatible signatures (src/policy/cosign*.c): the simple-signing payload (exact
 * bytes, strict parsing, hostile input), PEM keys made here with libcrypto (PKCS#8 plain and
 * encrypted, SEC1, wrong kinds and curves), ECDSA P-256 sign/verify with every tamper case,
 * strict base64, the signature manifest (build, append, keep, parse) and the verdict of one
 * signature layer against an image. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "policy/cosign.h"

#define HEX_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DIG_A "sha256:" HEX_A
#define DIG_B "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static EVP_PKEY *new_key(void)
{
    struct strata_error err = {0};
    EVP_PKEY *k = NULL;
    assert_int_equal(cosign_key_generate(&k, &err), 0);
    assert_non_null(k);
    return k;
}

static char *payload_for(const char *ref, const char *digest, size_t *len)
{
    struct strata_error err = {0};
    char *p = NULL;
    assert_int_equal(cosign_payload_build(ref, digest, NULL, &p, len, &err), 0);
    return p;
}

/* ---- payload ---- */

static void test_payload_build_exact(void **state)
{
    (void)state;
    size_t len;
    char *p = payload_for("127.0.0.1:5000/app", DIG_A, &len);
    assert_string_equal(p, "{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5000/"
                           "app\"},\"image\":{\"docker-manifest-digest\":\"" DIG_A
                           "\"},\"type\":\"cosign container image signature\"},\"optional\":null}");
    assert_int_equal(len, strlen(p));
    free(p);

    struct strata_error err = {0};
    const char *ann[] = {"ci=build-42", "team=a=b", NULL};
    assert_int_equal(cosign_payload_build("x/y", DIG_A, ann, &p, &len, &err), 0);
    assert_non_null(strstr(p, "\"optional\":{\"ci\":\"build-42\",\"team\":\"a=b\"}}"));
    struct cosign_payload pl;
    assert_int_equal(cosign_payload_parse(p, len, "p", &pl, &err), 0);
    assert_string_equal(pl.docker_reference, "x/y");
    assert_string_equal(pl.digest, DIG_A);
    assert_string_equal(pl.optional, "{\"ci\":\"build-42\",\"team\":\"a=b\"}");
    cosign_payload_release(&pl);
    free(p);
}

static void test_payload_build_errors(void **state)
{
    (void)state;
    struct strata_error err = {0};
    char *p;
    size_t len;
    assert_int_equal(cosign_payload_build("r", "sha256:abc", NULL, &p, &len, &err), STRATA_EUSAGE);
    assert_non_null(strstr(err.msg, "not a sha256 digest"));
    assert_int_equal(cosign_payload_build("r", "SHA256:" HEX_A, NULL, &p, &len, &err),
                     STRATA_EUSAGE);
    const char *dup[] = {"a=1", "a=2", NULL};
    assert_int_equal(cosign_payload_build("r", DIG_A, dup, &p, &len, &err), STRATA_EUSAGE);
    assert_non_null(strstr(err.msg, "'a' given twice"));
    const char *nokey[] = {"=v", NULL};
    assert_int_equal(cosign_payload_build("r", DIG_A, nokey, &p, &len, &err), STRATA_EUSAGE);
    const char *noeq[] = {"novalue", NULL};
    assert_int_equal(cosign_payload_build("r", DIG_A, noeq, &p, &len, &err), STRATA_EUSAGE);
    const char *badutf[] = {"k=\xff\xfe", NULL};
    assert_int_equal(cosign_payload_build("r", DIG_A, badutf, &p, &len, &err), STRATA_EUSAGE);
    assert_int_equal(cosign_payload_build("r\xc3", DIG_A, NULL, &p, &len, &err), STRATA_EUSAGE);
    assert_null(p);
}

static int parse(const char *json, struct strata_error *err)
{
    struct cosign_payload p;
    int rc = cosign_payload_parse(json, strlen(json), "payload.json", &p, err);
    if (rc == 0)
        cosign_payload_release(&p);
    return rc;
}

static void test_payload_parse_cases(void **state)
{
    (void)state;
    struct strata_error err = {0};
    /* cosign's Go decoder matches keys ignoring case: the spec's own example is accepted */
    assert_int_equal(parse("{\"critical\":{\"identity\":{\"docker-reference\":\"testing/"
                           "manifest\"},\"image\":{\"Docker-manifest-digest\":\"" DIG_A
                           "\"},\"type\":\"cosign container image signature\"},\"optional\":{"
                           "\"creator\":\"atomic\",\"timestamp\":1458239713}}",
                           &err),
                     0);
    /* no optional at all */
    assert_int_equal(parse("{\"critical\":{\"identity\":{\"docker-reference\":\"\"},\"image\":{"
                           "\"docker-manifest-digest\":\"" DIG_A
                           "\"},\"type\":\"cosign container image signature\"}}",
                           &err),
                     0);
    /* the same key twice in two cases is ambiguous */
    assert_int_equal(parse("{\"critical\":{\"identity\":{\"docker-reference\":\"\"},\"image\":{"
                           "\"docker-manifest-digest\":\"" DIG_A
                           "\",\"Docker-Manifest-Digest\":\"" DIG_B
                           "\"},\"type\":\"cosign container image signature\"}}",
                           &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "twice"));
    /* exact duplicates: refused by the JSON loader, with the position */
    assert_int_equal(parse("{\"critical\":{},\"critical\":{}}", &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "payload.json:1:"));
    /* unknown critical claim */
    assert_int_equal(parse("{\"critical\":{\"identity\":{\"docker-reference\":\"\"},\"image\":{"
                           "\"docker-manifest-digest\":\"" DIG_A
                           "\"},\"type\":\"cosign container image signature\",\"expires\":1}}",
                           &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "unknown key \"expires\" in critical"));
    /* another type */
    assert_int_equal(parse("{\"critical\":{\"identity\":{\"docker-reference\":\"\"},\"image\":{"
                           "\"docker-manifest-digest\":\"" DIG_A
                           "\"},\"type\":\"atomic container signature\"}}",
                           &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "critical.type is \"atomic container signature\""));
    /* digest not sha256 */
    assert_int_equal(parse("{\"critical\":{\"identity\":{\"docker-reference\":\"\"},\"image\":{"
                           "\"docker-manifest-digest\":\"sha512:00\"},\"type\":\"cosign "
                           "container image signature\"}}",
                           &err),
                     STRATA_EFORMAT);
    /* wrong types */
    assert_int_equal(parse("{\"critical\":[]}", &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "critical.critical is of another type") ||
                    strstr(err.msg, "not an object"));
    assert_int_equal(parse("{\"critical\":{\"identity\":{\"docker-reference\":7},\"image\":{"
                           "\"docker-manifest-digest\":\"" DIG_A
                           "\"},\"type\":\"cosign container image signature\"}}",
                           &err),
                     STRATA_EFORMAT);
    assert_int_equal(parse("{\"critical\":{\"identity\":{\"docker-reference\":\"\"},\"image\":{"
                           "\"docker-manifest-digest\":\"" DIG_A
                           "\"},\"type\":\"cosign container image signature\"},\"optional\":"
                           "[1]}",
                           &err),
                     STRATA_EFORMAT);
    assert_int_equal(parse("[]", &err), STRATA_EFORMAT);
    assert_int_equal(parse("{", &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "payload.json:1:"));
    assert_int_equal(parse("", &err), STRATA_EFORMAT);
    /* NUL inside a string */
    assert_int_equal(parse("{\"critical\":{\"identity\":{\"docker-reference\":\"a\\u0000b\"},"
                           "\"image\":{\"docker-manifest-digest\":\"" DIG_A
                           "\"},\"type\":\"cosign container image signature\"}}",
                           &err),
                     STRATA_EFORMAT);
    /* a raw NUL byte */
    struct cosign_payload p;
    assert_int_not_equal(cosign_payload_parse("{\"a\":1}\0", 8, "payload.json", &p, &err), 0);
}

static void test_payload_hostile_sizes(void **state)
{
    (void)state;
    struct strata_error err = {0};
    size_t n = COSIGN_MAX_PAYLOAD + 10;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    struct cosign_payload p;
    assert_int_equal(cosign_payload_parse(big, n, "big", &p, &err), STRATA_ELIMIT);
    /* deep nesting inside the size bound */
    size_t depth = 20000;
    for (size_t i = 0; i < depth; i++)
        big[i] = '[';
    for (size_t i = 0; i < depth; i++)
        big[depth + i] = ']';
    assert_int_not_equal(cosign_payload_parse(big, 2 * depth, "deep", &p, &err), 0);
    free(big);
}

/* ---- keys ---- */

static void test_keys_roundtrip(void **state)
{
    (void)state;
    struct strata_error err = {0};
    EVP_PKEY *k = new_key();
    char *priv, *pub, *enc;
    size_t plen, publen, enclen;
    assert_int_equal(cosign_key_private_pem(k, NULL, &priv, &plen, &err), 0);
    assert_non_null(strstr(priv, "-----BEGIN PRIVATE KEY-----"));
    assert_int_equal(cosign_key_public_pem(k, &pub, &publen, &err), 0);
    assert_non_null(strstr(pub, "-----BEGIN PUBLIC KEY-----"));
    assert_int_equal(cosign_key_private_pem(k, "s3cret", &enc, &enclen, &err), 0);
    assert_non_null(strstr(enc, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));

    EVP_PKEY *k2 = NULL, *p2 = NULL, *k3 = NULL;
    assert_int_equal(cosign_private_key_parse(priv, plen, "k.pem", NULL, &k2, &err), 0);
    assert_int_equal(cosign_public_key_parse(pub, publen, "k.pub", &p2, &err), 0);
    assert_int_equal(EVP_PKEY_eq(k2, p2), 1);
    /* encrypted: needs the passphrase, the right one */
    assert_int_equal(cosign_private_key_parse(enc, enclen, "k.enc", NULL, &k3, &err),
                     STRATA_EUSAGE);
    assert_non_null(strstr(err.msg, "STRATA_KEY_PASSWORD"));
    assert_int_equal(cosign_private_key_parse(enc, enclen, "k.enc", "wrong", &k3, &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "k.enc: cannot decrypt the key"));
    assert_int_equal(cosign_private_key_parse(enc, enclen, "k.enc", "s3cret", &k3, &err), 0);
    assert_int_equal(EVP_PKEY_eq(k3, p2), 1);
    /* the kinds mixed up */
    EVP_PKEY *x = NULL;
    assert_int_equal(cosign_private_key_parse(pub, publen, "k.pub", NULL, &x, &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "a public key where a private key is needed"));
    assert_int_equal(cosign_public_key_parse(priv, plen, "k.pem", &x, &err), STRATA_EFORMAT);
    assert_null(x);
    free(priv);
    free(pub);
    free(enc);
    EVP_PKEY_free(k);
    EVP_PKEY_free(k2);
    EVP_PKEY_free(p2);
    EVP_PKEY_free(k3);
}

static char *pem_of(int (*write)(BIO *, EVP_PKEY *), EVP_PKEY *k, size_t *len)
{
    BIO *bio = BIO_new(BIO_s_mem());
    assert_non_null(bio);
    assert_int_equal(write(bio, k), 1);
    char *p;
    long n = BIO_get_mem_data(bio, &p);
    char *out = malloc((size_t)n + 1);
    assert_non_null(out);
    memcpy(out, p, (size_t)n);
    out[n] = '\0';
    *len = (size_t)n;
    BIO_free(bio);
    return out;
}

static int write_sec1(BIO *b, EVP_PKEY *k)
{
    return PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL);
}

static int write_pkcs8(BIO *b, EVP_PKEY *k)
{
    return PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
}

static int write_pub(BIO *b, EVP_PKEY *k)
{
    return PEM_write_bio_PUBKEY(b, k);
}

static void test_keys_kinds(void **state)
{
    (void)state;
    struct strata_error err = {0};
    EVP_PKEY *x = NULL;
    /* SEC1 "EC PRIVATE KEY" (openssl ecparam -genkey) is read */
    EVP_PKEY *k = new_key();
    size_t len;
    char *sec1 = pem_of(write_sec1, k, &len);
    assert_non_null(strstr(sec1, "BEGIN EC PRIVATE KEY"));
    assert_int_equal(cosign_private_key_parse(sec1, len, "sec1.pem", NULL, &x, &err), 0);
    EVP_PKEY_free(x);
    x = NULL;
    free(sec1);
    EVP_PKEY_free(k);

    /* P-384 and RSA are refused, naming what they are */
    EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    assert_non_null(p384);
    char *pem = pem_of(write_pkcs8, p384, &len);
    assert_int_equal(cosign_private_key_parse(pem, len, "p384.pem", NULL, &x, &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "an EC key on another curve"));
    free(pem);
    pem = pem_of(write_pub, p384, &len);
    assert_int_equal(cosign_public_key_parse(pem, len, "p384.pub", &x, &err), STRATA_EFORMAT);
    free(pem);
    EVP_PKEY_free(p384);
    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    assert_non_null(ed);
    pem = pem_of(write_pkcs8, ed, &len);
    assert_int_equal(cosign_private_key_parse(pem, len, "ed.pem", NULL, &x, &err), STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "an Ed25519 key"));
    free(pem);
    EVP_PKEY_free(ed);

    /* cosign's own encrypted format is named and refused */
    const char *sigstore = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
                           "eyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9fQ==\n"
                           "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n";
    assert_int_equal(
        cosign_private_key_parse(sigstore, strlen(sigstore), "cosign.key", "pw", &x, &err),
        STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "cosign.key: a cosign-encrypted key"));
    /* garbage */
    const char *junk[] = {"", "hello",
                          "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                          "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                          "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n"};
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
        assert_int_not_equal(
            cosign_private_key_parse(junk[i], strlen(junk[i]), "junk", NULL, &x, &err), 0);
        assert_null(x);
        assert_int_not_equal(cosign_public_key_parse(junk[i], strlen(junk[i]), "junk", &x, &err),
                             0);
        assert_null(x);
    }
    assert_int_equal(cosign_public_key_parse("-----BEGIN PUBLIC KEY-----\0", 27, "nul", &x, &err),
                     STRATA_EFORMAT);
    assert_non_null(strstr(err.msg, "NUL byte"));
    /* files */
    assert_int_equal(cosign_public_key_load("/nonexistent/k.pub", &x, &err), STRATA_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/k.pub"));
}

/* ---- signatures ---- */

static void test_sign_verify(void **state)
{
    (void)state;
    struct strata_error err = {0};
    EVP_PKEY *k = new_key(), *other = new_key();
    size_t len;
    char *payload = payload_for("127.0.0.1:5000/app", DIG_A, &len);
    char *sig;
    assert_int_equal(cosign_sign(k, payload, len, &sig, &err), 0);
    assert_int_equal(cosign_verify(k, payload, len, sig, &err), 0);
    /* DER ECDSA-Sig-Value, as cosign stores it */
    unsigned char *der;
    size_t der_len;
    assert_int_equal(cosign_base64_decode(sig, strlen(sig), &der, &der_len), 0);
    const unsigned char *q = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)der_len);
    assert_non_null(es);
    assert_true(q == der + der_len);
    ECDSA_SIG_free(es);
    free(der);
    /* the wrong key */
    assert_int_equal(cosign_verify(other, payload, len, sig, &err), 1);
    assert_string_equal(err.msg, "the signature does not verify with the key");
    /* one byte of the payload changed */
    payload[10] ^= 1;
    assert_int_equal(cosign_verify(k, payload, len, sig, &err), 1);
    payload[10] ^= 1;
    /* one byte more or less */
    assert_int_equal(cosign_verify(k, payload, len - 1, sig, &err), 1);
    /* a signature of other bytes */
    char *sig2;
    assert_int_equal(cosign_sign(k, "other", 5, &sig2, &err), 0);
    assert_int_equal(cosign_verify(k, payload, len, sig2, &err), 1);
    /* broken encodings */
    assert_int_equal(cosign_verify(k, payload, len, "", &err), 1);
    assert_int_equal(cosign_verify(k, payload, len, "!!!!", &err), 1);
    assert_string_equal(err.msg, "the signature is not valid standard base64");
    assert_int_equal(cosign_verify(k, payload, len, "AAAA", &err), 1);
    char trunc[16];
    memcpy(trunc, sig, 12);
    trunc[12] = '\0';
    assert_int_equal(cosign_verify(k, payload, len, trunc, &err), 1);
    char *huge = malloc(COSIGN_MAX_SIGNATURE_B64 + 9);
    assert_non_null(huge);
    memset(huge, 'A', COSIGN_MAX_SIGNATURE_B64 + 8);
    huge[COSIGN_MAX_SIGNATURE_B64 + 8] = '\0';
    assert_int_equal(cosign_verify(k, payload, len, huge, &err), 1);
    free(huge);
    free(sig);
    free(sig2);
    free(payload);
    EVP_PKEY_free(k);
    EVP_PKEY_free(other);
}

static void test_base64(void **state)
{
    (void)state;
    unsigned char data[12];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(0xf0 + i * 7);
    for (size_t n = 1; n <= sizeof data; n++) {
        char *e = cosign_base64_encode(data, n);
        assert_non_null(e);
        assert_int_equal(strlen(e), (n + 2) / 3 * 4);
        unsigned char *d;
        size_t dn;
        assert_int_equal(cosign_base64_decode(e, strlen(e), &d, &dn), 0);
        assert_int_equal(dn, n);
        assert_memory_equal(d, data, n);
        free(d);
        free(e);
    }
    char *e = cosign_base64_encode((const unsigned char *)"foobar", 6);
    assert_string_equal(e, "Zm9vYmFy");
    free(e);
    unsigned char *d;
    size_t dn;
    const char *bad[] = {"Zm9", "Zm9v YmFy", "Zm9=", "Z===", "Zh==", "Zm9vYmE", "=Zm9", "Zm\n9v"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(cosign_base64_decode(bad[i], strlen(bad[i]), &d, &dn), -1);
    assert_int_equal(cosign_base64_decode("Zg==", 4, &d, &dn), 0);
    assert_int_equal(dn, 1);
    assert_int_equal(d[0], 'f');
    free(d);
}

/* ---- the signature manifest ---- */

static void test_signature_tag(void **state)
{
    (void)state;
    struct strata_error err = {0};
    char tag[COSIGN_SIG_TAG_LEN];
    assert_int_equal(cosign_signature_tag(DIG_A, tag, &err), 0);
    assert_string_equal(tag, "sha256-" HEX_A ".sig");
    assert_int_equal(cosign_signature_tag("sha512:00", tag, &err), STRATA_EUSAGE);
}

static void test_manifest_build_and_append(void **state)
{
    (void)state;
    struct strata_error err = {0};
    struct cosign_manifest_out o1, o2, o3;
    assert_int_equal(cosign_manifest_add(NULL, 0, DIG_A, 210, "c2ln", &o1, &err), 0);
    assert_true(o1.added);
    /* the config digest is the sha256 of the config bytes, and the config has cosign's shape */
    char dg[STRATA_DIGEST_STRLEN];
    assert_int_equal(sha256_buffer_str(o1.config, o1.config_len, dg), 0);
    assert_string_equal(dg, o1.config_digest);
    assert_string_equal(o1.config,
                        "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{"
                        "\"created\":\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":"
                        "\"layers\",\"diff_ids\":[\"" DIG_A "\"]},\"config\":{}}");
    assert_non_null(
        strstr(o1.manifest, "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\""));
    assert_non_null(strstr(
        o1.manifest, "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\","
                     "\"size\":210,\"digest\":\"" DIG_A
                     "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"c2ln\"}}"));
    struct cosign_manifest m;
    assert_int_equal(cosign_manifest_parse(o1.manifest, o1.manifest_len, "m", &m, &err), 0);
    assert_int_equal(m.n_layers, 1);
    assert_string_equal(m.layers[0].media_type, COSIGN_PAYLOAD_MEDIA_TYPE);
    assert_string_equal(m.layers[0].digest, DIG_A);
    assert_int_equal(m.layers[0].size, 210);
    assert_string_equal(m.layers[0].signature, "c2ln");
    cosign_manifest_release(&m);

    /* the same signature again: nothing added, same manifest */
    assert_int_equal(
        cosign_manifest_add(o1.manifest, o1.manifest_len, DIG_A, 210, "c2ln", &o2, &err), 0);
    assert_false(o2.added);
    assert_string_equal(o2.manifest, o1.manifest);
    cosign_manifest_out_release(&o2);
    /* another signature: appended after the first */
    assert_int_equal(
        cosign_manifest_add(o1.manifest, o1.manifest_len, DIG_B, 99, "b3RoZXI=", &o3, &err), 0);
    assert_true(o3.added);
    assert_int_equal(cosign_manifest_parse(o3.manifest, o3.manifest_len, "m", &m, &err), 0);
    assert_int_equal(m.n_layers, 2);
    assert_string_equal(m.layers[0].digest, DIG_A);
    assert_string_equal(m.layers[1].digest, DIG_B);
    assert_string_equal(m.layers[1].signature, "b3RoZXI=");
    cosign_manifest_release(&m);
    assert_non_null(strstr(o3.config, "\"diff_ids\":[\"" DIG_A "\",\"" DIG_B "\"]"));
    cosign_manifest_out_release(&o3);
    cosign_manifest_out_release(&o1);

    /* existing layers keep their other annotations (a keyless certificate, a bundle) */
    const char *keyless =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":1,"
        "\"digest\":\"" DIG_B "\"},\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign."
        "simplesigning.v1+json\",\"size\":5,\"digest\":\"" DIG_B
        "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"eA==\","
        "\"dev.sigstore.cosign/certificate\":\"-----BEGIN CERTIFICATE-----\","
        "\"dev.sigstore.cosign/bundle\":\"{}\"}}]}";
    assert_int_equal(cosign_manifest_add(keyless, strlen(keyless), DIG_A, 1, "eQ==", &o1, &err), 0);
    assert_non_null(strstr(o1.manifest, "\"dev.sigstore.cosign/bundle\":\"{}\""));
    assert_int_equal(cosign_manifest_parse(o1.manifest, o1.manifest_len, "m", &m, &err), 0);
    assert_int_equal(m.n_layers, 2);
    assert_true(m.layers[0].has_certificate);
    assert_false(m.layers[1].has_certificate);
    cosign_manifest_release(&m);
    cosign_manifest_out_release(&o1);
}

static void test_manifest_hostile(void **state)
{
    (void)state;
    struct strata_error err = {0};
    struct cosign_manifest m;
    const char *bad[] = {
        "[]",
        "{\"schemaVersion\":1,\"layers\":[]}",
        "{\"schemaVersion\":2}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
        "\"layers\":[]}",
        "{\"schemaVersion\":2,\"layers\":[7]}",
        "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"x\",\"digest\":\"sha256:00\","
        "\"size\":1}]}",
        "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"x\",\"digest\":\"" DIG_A
        "\",\"size\":-1}]}",
        "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"x\",\"digest\":\"" DIG_A
        "\",\"size\":1,\"annotations\":[]}]}",
        "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"x\",\"digest\":\"" DIG_A
        "\",\"size\":1,\"annotations\":{\"dev.cosignproject.cosign/signature\":5}}]}",
        "{\"schemaVersion\":2,\"layers\":[",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_not_equal(cosign_manifest_parse(bad[i], strlen(bad[i]), "sig.json", &m, &err),
                             0);
        assert_non_null(strstr(err.msg, "sig.json"));
        assert_null(m.layers);
    }
    /* too many layers */
    size_t cap = 200 * (COSIGN_MAX_LAYERS + 2);
    char *big = malloc(cap);
    assert_non_null(big);
    size_t n = (size_t)snprintf(big, cap, "{\"schemaVersion\":2,\"layers\":[");
    for (int i = 0; i <= COSIGN_MAX_LAYERS; i++)
        n += (size_t)snprintf(big + n, cap - n,
                              "%s{\"mediaType\":\"x\",\"digest\":\"" DIG_A "\",\"size\":1}",
                              i ? "," : "");
    n += (size_t)snprintf(big + n, cap - n, "]}");
    assert_int_equal(cosign_manifest_parse(big, n, "sig.json", &m, &err), STRATA_ELIMIT);
    struct cosign_manifest_out o;
    assert_int_equal(cosign_manifest_add(big, n, DIG_A, 1, "eA==", &o, &err), STRATA_ELIMIT);
    free(big);
    assert_int_not_equal(cosign_manifest_add("{", 1, DIG_A, 1, "eA==", &o, &err), 0);
    assert_int_equal(cosign_manifest_add(NULL, 0, "sha256:x", 1, "eA==", &o, &err), STRATA_EUSAGE);
}

/* ---- one layer against an image ---- */

struct signed_layer {
    char *payload;
    size_t len;
    struct cosign_layer layer;
    char digest[STRATA_DIGEST_STRLEN];
};

static void make_layer(struct signed_layer *s, EVP_PKEY *k, const char *payload, size_t len)
{
    struct strata_error err = {0};
    s->payload = malloc(len + 1);
    assert_non_null(s->payload);
    memcpy(s->payload, payload, len);
    s->payload[len] = '\0';
    s->len = len;
    assert_int_equal(sha256_buffer_str(payload, len, s->digest), 0);
    s->layer.media_type = (char *)COSIGN_PAYLOAD_MEDIA_TYPE;
    s->layer.digest = s->digest;
    s->layer.size = len;
    assert_int_equal(cosign_sign(k, payload, len, &s->layer.signature, &err), 0);
}

static void free_layer(struct signed_layer *s)
{
    free(s->payload);
    free(s->layer.signature);
}

static enum cosign_verdict judge(EVP_PKEY *pub, struct signed_layer *s, const char *digest,
                                 const char *repo, char *reason)
{
    return cosign_verify_layer(pub, &s->layer, s->payload, s->len, digest, repo, reason, 512);
}

static void test_verify_layer(void **state)
{
    (void)state;
    EVP_PKEY *k = new_key(), *other = new_key();
    char reason[512];
    size_t len;
    char *p = payload_for("127.0.0.1:5000/app", DIG_A, &len);
    struct signed_layer s;
    make_layer(&s, k, p, len);
    assert_int_equal(judge(k, &s, DIG_A, "127.0.0.1:5000/app", reason), COSIGN_VERIFIED);
    assert_non_null(strstr(reason, "valid signature for " DIG_A));
    /* the repository is compared after normalisation (tag ignored) */
    assert_int_equal(judge(k, &s, DIG_A, "127.0.0.1:5000/app:1.0", reason), COSIGN_VERIFIED);
    /* signature for a different digest */
    assert_int_equal(judge(k, &s, DIG_B, "127.0.0.1:5000/app", reason), COSIGN_WRONG_DIGEST);
    assert_non_null(strstr(reason, "the signature is for " DIG_A ", not for the image's " DIG_B));
    /* another repository */
    assert_int_equal(judge(k, &s, DIG_A, "127.0.0.1:5000/other", reason), COSIGN_WRONG_REFERENCE);
    assert_non_null(strstr(reason, "names the repository 127.0.0.1:5000/app"));
    /* the wrong key */
    assert_int_equal(judge(other, &s, DIG_A, NULL, reason), COSIGN_BAD_SIGNATURE);
    assert_string_equal(reason, "the signature does not verify with the key");
    /* payload tampered in the registry: the blob no longer matches its descriptor */
    s.payload[20] ^= 1;
    assert_int_equal(judge(k, &s, DIG_A, NULL, reason), COSIGN_BAD_BLOB);
    /* ... and with the descriptor rewritten to match: the signature fails */
    assert_int_equal(sha256_buffer_str(s.payload, s.len, s.digest), 0);
    assert_int_equal(judge(k, &s, DIG_A, NULL, reason), COSIGN_BAD_SIGNATURE);
    s.layer.size = 3;
    assert_int_equal(judge(k, &s, DIG_A, NULL, reason), COSIGN_BAD_BLOB);
    free_layer(&s);
    free(p);

    /* docker.io short names: "alpine" is docker.io/library/alpine */
    p = payload_for("index.docker.io/library/alpine", DIG_A, &len);
    make_layer(&s, k, p, len);
    assert_int_equal(judge(k, &s, DIG_A, "alpine", reason), COSIGN_VERIFIED);
    assert_int_equal(judge(k, &s, DIG_A, "docker.io/library/alpine:3.19", reason), COSIGN_VERIFIED);
    free_layer(&s);
    free(p);
    /* an empty docker-reference names nothing to compare */
    p = payload_for("", DIG_A, &len);
    make_layer(&s, k, p, len);
    assert_int_equal(judge(k, &s, DIG_A, "example.com/x", reason), COSIGN_VERIFIED);
    free_layer(&s);
    free(p);
    /* a signed payload that is not a cosign payload */
    const char *odd = "{\"critical\":{\"type\":\"atomic container signature\"}}";
    make_layer(&s, k, odd, strlen(odd));
    assert_int_equal(judge(k, &s, DIG_A, NULL, reason), COSIGN_BAD_PAYLOAD);
    /* skipped layers */
    char *sig = s.layer.signature;
    s.layer.signature = NULL;
    assert_int_equal(judge(k, &s, DIG_A, NULL, reason), COSIGN_SKIPPED);
    s.layer.signature = sig;
    s.layer.media_type = (char *)"application/vnd.dsse.envelope.v1+json";
    assert_int_equal(judge(k, &s, DIG_A, NULL, reason), COSIGN_SKIPPED);
    assert_non_null(strstr(reason, "application/vnd.dsse.envelope.v1+json"));
    free_layer(&s);
    assert_string_equal(cosign_verdict_name(COSIGN_WRONG_DIGEST), "wrong-digest");
    EVP_PKEY_free(k);
    EVP_PKEY_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payload_build_exact),
        cmocka_unit_test(test_payload_build_errors),
        cmocka_unit_test(test_payload_parse_cases),
        cmocka_unit_test(test_payload_hostile_sizes),
        cmocka_unit_test(test_keys_roundtrip),
        cmocka_unit_test(test_keys_kinds),
        cmocka_unit_test(test_sign_verify),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_signature_tag),
        cmocka_unit_test(test_manifest_build_and_append),
        cmocka_unit_test(test_manifest_hostile),
        cmocka_unit_test(test_verify_layer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
