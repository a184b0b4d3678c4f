/* `strata sign`: a cosign-compatible keyed signature of a registry image, pushed next to it
 * (docs/signing.md); `strata sign --generate-key PREFIX` makes a key pair. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/trust_cli.h"
#include "policy/cosign.h"
#include "policy/cosign_registry.h"
#include "policy/policy_util.h"

static const char sign_help[] =
    "usage: strata sign --key KEY [options] IMAGE\n"
    "       strata sign --generate-key PREFIX\n"
    "\n"
    "Sign a registry image the way cosign does: the \"simple signing\" payload naming the\n"
    "image's manifest digest, an ECDSA P-256 signature over it, both stored in the same\n"
    "repository under the tag sha256-<digest>.sig (next to the signatures already there).\n"
    "'cosign verify --key' and 'strata verify --key' check it. A tag is resolved to its\n"
    "digest first: what is signed is that digest, not the tag.\n"
    "\n"
    "options:\n"
    "      --key FILE        PEM private key, ECDSA P-256: PKCS#8 (\"PRIVATE KEY\"), encrypted\n"
    "                        PKCS#8 (\"ENCRYPTED PRIVATE KEY\") or SEC1 (\"EC PRIVATE KEY\")\n"
    "      --key-password-file FILE  the passphrase of an encrypted key (its first line;\n"
    "                        default: $STRATA_KEY_PASSWORD)\n"
    "  -a, --annotation KEY=VALUE  a claim for the payload's \"optional\" section (repeatable)\n"
    "      --generate-key PREFIX   write a new key pair PREFIX.key (PKCS#8 PEM, mode 0600,\n"
    "                        encrypted when a passphrase is given as above) and PREFIX.pub\n"
    "  -q, --quiet           print nothing on success\n"
    "  -h, --help            this help\n"
    "\n"
    "%s"
    "\n"
    "cosign's own key files (\"ENCRYPTED SIGSTORE PRIVATE KEY\") are not read; keyless signing\n"
    "(Fulcio certificates) and the Rekor transparency log are not done (docs/signing.md).\n"
    "\n"
    "exit codes: 0 signed (or the same signature was already there), 2 usage or input error\n"
    "(unreadable or wrong key, image not in the registry, registry refused), 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata sign --generate-key cosign\n"
    "  strata sign --key cosign.key registry.example.com/app:1.0\n"
    "  openssl ecparam -genkey -name prime256v1 | openssl pkcs8 -topk8 -nocrypt > k.pem\n"
    "  openssl ec -in k.pem -pubout > k.pub\n";

enum { OPT_KEY = 1000, OPT_KEY_PASSWORD_FILE, OPT_GENERATE };

#define MAX_ANNOTATIONS COSIGN_MAX_ANNOTATIONS

/* The passphrase: --key-password-file's first line, else $STRATA_KEY_PASSWORD, else NULL. */
static int read_passphrase(const char *file, char *buf, size_t size, const char **out,
                           struct strata_error *err)
{
    *out = NULL;
    if (file != NULL) {
        char *data;
        size_t len;
        int rc = policy_read_file(file, COSIGN_MAX_PASSWORD + 2, &data, &len, err);
        if (rc != 0)
            return rc;
        size_t n = strcspn(data, "\r\n");
        if (n >= size || n > COSIGN_MAX_PASSWORD) {
            OPENSSL_cleanse(data, len);
            free(data);
            return strata_error_set(err, STRATA_ELIMIT, "%s: passphrase longer than %d bytes", file,
                                    COSIGN_MAX_PASSWORD);
        }
        memcpy(buf, data, n);
        buf[n] = '\0';
        OPENSSL_cleanse(data, len);
        free(data);
        *out = buf;
        return 0;
    }
    const char *env = getenv("STRATA_KEY_PASSWORD");
    if (env != NULL && env[0] != '\0') {
        if (strlen(env) >= size)
            return strata_error_set(err, STRATA_ELIMIT, "$STRATA_KEY_PASSWORD longer than %d bytes",
                                    COSIGN_MAX_PASSWORD);
        snprintf(buf, size, "%s", env);
        *out = buf;
    }
    return 0;
}

/* Writes data to path, refusing to overwrite, with mode. */
static int write_new(const char *path, const char *data, size_t len, mode_t mode,
                     struct strata_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return strata_error_set(err, STRATA_EIO, "%s: %s%s", path, strerror(errno),
                                errno == EEXIST ? " (not overwritten)" : "");
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(path);
            return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(e));
        }
        off += (size_t)w;
    }
    if (close(fd) != 0) {
        unlink(path);
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(errno));
    }
    return 0;
}

static int generate(const char *prefix, const char *password, int quiet)
{
    struct strata_error err = {0};
    char keyp[4096], pubp[4096];
    if ((size_t)snprintf(keyp, sizeof keyp, "%s.key", prefix) >= sizeof keyp ||
        (size_t)snprintf(pubp, sizeof pubp, "%s.pub", prefix) >= sizeof pubp)
        return cli_usage_error("sign ", "--generate-key: prefix too long");
    EVP_PKEY *k = NULL;
    char *priv = NULL, *pub = NULL;
    size_t plen = 0, publen = 0;
    int rc = cosign_key_generate(&k, &err);
    if (rc == 0)
        rc = cosign_key_private_pem(k, password, &priv, &plen, &err);
    if (rc == 0)
        rc = cosign_key_public_pem(k, &pub, &publen, &err);
    if (rc == 0)
        rc = write_new(keyp, priv, plen, 0600, &err);
    if (rc == 0 && (rc = write_new(pubp, pub, publen, 0644, &err)) != 0)
        unlink(keyp);
    if (priv != NULL)
        OPENSSL_cleanse(priv, plen);
    free(priv);
    free(pub);
    EVP_PKEY_free(k);
    if (rc != 0)
        return cli_fail(&err);
    if (!quiet)
        printf("Private key written to %s%s\nPublic key written to %s\n", keyp,
               password ? " (encrypted)" : "", pubp);
    return EXIT_CLEAN;
}

int cmd_sign(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"key", required_argument, NULL, OPT_KEY},
        {"key-password-file", required_argument, NULL, OPT_KEY_PASSWORD_FILE},
        {"annotation", required_argument, NULL, 'a'},
        {"generate-key", required_argument, NULL, OPT_GENERATE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        TRUST_REGISTRY_LONG_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "sign ";
    const char *key_path = NULL, *pw_file = NULL, *prefix = NULL;
    const char *ann[MAX_ANNOTATIONS + 1] = {0};
    size_t n_ann = 0;
    int quiet = 0, c;
    struct trust_registry reg = {0};
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":a:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_KEY:
            key_path = optarg;
            break;
        case OPT_KEY_PASSWORD_FILE:
            pw_file = optarg;
            break;
        case 'a':
            if (n_ann >= MAX_ANNOTATIONS)
                return cli_usage_error(cmd, "--annotation: at most %d", MAX_ANNOTATIONS);
            ann[n_ann++] = optarg;
            break;
        case OPT_GENERATE:
            prefix = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            printf(sign_help, trust_registry_help);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default: {
            int rc = trust_registry_option(c, optarg, &reg, cmd);
            if (rc < 0)
                return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
            if (rc != 0)
                return rc;
        }
        }
    }
    struct strata_error err = {0};
    char pwbuf[COSIGN_MAX_PASSWORD + 2];
    const char *password = NULL;
    if (read_passphrase(pw_file, pwbuf, sizeof pwbuf, &password, &err) != 0)
        return cli_fail(&err);
    if (prefix != NULL) {
        if (key_path != NULL || optind != argc)
            return cli_usage_error(cmd, "--generate-key takes no --key and no IMAGE");
        int rc = generate(prefix, password, quiet);
        OPENSSL_cleanse(pwbuf, sizeof pwbuf);
        return rc;
    }
    if (key_path == NULL)
        return cli_usage_error(cmd, "--key KEY is required");
    if (optind != argc - 1)
        return cli_usage_error(cmd, optind >= argc ? "missing IMAGE" : "expected one IMAGE");
    const char *image = argv[optind], *ref_text;
    if (!trust_is_remote(image, &ref_text))
        return cli_usage_error(cmd,
                               "'%s' is not a registry image: signatures are written to a "
                               "registry (REGISTRY/REPO:TAG, or docker://REF for Docker Hub)",
                               image);
    int rc = trust_registry_finish(&reg, cmd);
    if (rc != 0)
        return rc;
    EVP_PKEY *key = NULL;
    rc = cosign_private_key_load(key_path, password, &key, &err);
    OPENSSL_cleanse(pwbuf, sizeof pwbuf);
    if (rc != 0) {
        trust_registry_clear(&reg);
        return cli_fail(&err);
    }
    struct trust_remote t;
    struct cosign_sign_result res;
    rc = trust_remote_open(ref_text, &reg.o, &t, &err);
    if (rc == 0)
        rc = cosign_registry_sign(t.client, t.repo, t.digest, key, n_ann ? ann : NULL, &res, &err);
    trust_registry_clear(&reg);
    EVP_PKEY_free(key);
    if (rc != 0) {
        trust_remote_close(&t);
        return cli_fail(&err);
    }
    if (!quiet) {
        if (res.added)
            printf("Pushed signature to %s:%s (%zu signature%s; payload %s)\n", t.repo, res.tag,
                   res.signatures, res.signatures == 1 ? "" : "s", res.payload_digest);
        else
            printf("%s:%s already holds this signature\n", t.repo, res.tag);
        printf("Signed %s@%s\n", t.repo, t.digest);
    }
    trust_remote_close(&t);
    return EXIT_CLEAN;
}
