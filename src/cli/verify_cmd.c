/* `strata verify`: checks an image's cosign signatures with a public key (docs/signing.md). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/trust_cli.h"
#include "policy/cosign.h"
#include "policy/cosign_registry.h"
#include "source/image_source.h"

static const char verify_help[] =
    "usage: strata verify --key PUB [options] IMAGE\n"
    "\n"
    "Check the cosign signatures of an image with a public key: every layer of the image's\n"
    "sha256-<digest>.sig manifest is judged — the payload blob must match its descriptor, the\n"
    "ECDSA P-256 signature must verify over its exact bytes, and the signed payload must name\n"
    "the image's digest and repository. The image is verified when one signature passes.\n"
    "\n"
    "IMAGE is a registry reference (REGISTRY/REPO:TAG or @sha256:…; a tag is resolved to its\n"
    "digest first) or a local OCI image layout directory (DIR or oci:DIR[:REF]) that holds the\n"
    "signature manifest under the ref.name sha256-<digest>.sig, as\n"
    "'skopeo copy docker://REG/REPO:sha256-<hex>.sig oci:DIR:sha256-<hex>.sig' leaves it.\n"
    "\n"
    "options:\n"
    "      --key FILE        PEM public key (SubjectPublicKeyInfo, \"PUBLIC KEY\"), ECDSA P-256\n"
    "      --repository REPO the repository the payload must name (default: the image's own\n"
    "                        for registry images; not checked for local layouts)\n"
    "  -f, --format FMT      text (default) or json\n"
    "  -q, --quiet           no output; the exit code says it\n"
    "  -h, --help            this help\n"
    "\n"
    "%s"
    "\n"
    "exit codes: 0 verified, 1 not verified (each signature's reason is printed), 2 usage or\n"
    "input error (unreadable key, image not found, registry refused), 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata verify --key cosign.pub registry.example.com/app:1.0\n"
    "  strata verify --key cosign.pub -f json 127.0.0.1:5000/app@sha256:…\n";

enum { OPT_KEY = 1000, OPT_REPOSITORY };

struct print_ctx {
    int quiet, json;
    json_t *arr;
    int bad;
};

static void on_layer(void *u, size_t i, enum cosign_verdict v, const char *reason)
{
    struct print_ctx *p = u;
    if (p->json) {
        json_t *o = json_object();
        p->bad |= o == NULL;
        p->bad |= json_object_set_new(o, "index", json_integer((json_int_t)i + 1)) != 0;
        p->bad |= json_object_set_new(o, "verdict", json_string(cosign_verdict_name(v))) != 0;
        p->bad |= json_object_set_new(o, "reason", json_string(reason)) != 0;
        p->bad |= json_array_append_new(p->arr, o) != 0;
    } else if (!p->quiet) {
        printf("  signature %zu: %s: %s\n", i + 1, cosign_verdict_name(v), reason);
    }
}

int cmd_verify(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"key", required_argument, NULL, OPT_KEY},
        {"repository", required_argument, NULL, OPT_REPOSITORY},
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        TRUST_REGISTRY_LONG_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "verify ";
    const char *key_path = NULL, *repository = NULL;
    struct print_ctx pc = {0};
    struct trust_registry reg = {0};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_KEY:
            key_path = optarg;
            break;
        case OPT_REPOSITORY:
            repository = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "json") == 0)
                pc.json = 1;
            else if (strcmp(optarg, "text") != 0 && strcmp(optarg, "table") != 0)
                return cli_usage_error(cmd, "--format: expected text or json, got '%s'", optarg);
            break;
        case 'q':
            pc.quiet = 1;
            break;
        case 'h':
            printf(verify_help, trust_registry_help);
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
    if (key_path == NULL)
        return cli_usage_error(cmd, "--key PUB is required");
    if (optind != argc - 1)
        return cli_usage_error(cmd, optind >= argc ? "missing IMAGE" : "expected one IMAGE");
    int rc = trust_registry_finish(&reg, cmd);
    if (rc != 0)
        return rc;
    const char *image = argv[optind], *ref_text;
    struct strata_error err = {0};
    EVP_PKEY *pub = NULL;
    if (cosign_public_key_load(key_path, &pub, &err) != 0) {
        trust_registry_clear(&reg);
        return cli_fail(&err);
    }
    struct cosign_sigset set = {0};
    struct trust_remote t = {0};
    char digest[STRATA_DIGEST_STRLEN] = "";
    const char *repo = repository;
    if (trust_is_remote(image, &ref_text)) {
        rc = trust_remote_open(ref_text, &reg.o, &t, &err);
        if (rc == 0) {
            snprintf(digest, sizeof digest, "%s", t.digest);
            if (repo == NULL)
                repo = t.repo;
            rc = cosign_registry_fetch(t.client, t.repo, t.digest, &set, &err);
        }
    } else {
        struct image_source *src = NULL;
        rc = image_source_open(image, NULL, NULL, &src, &err);
        if (rc == 0 && strcmp(src->kind, "oci-layout") != 0)
            rc = strata_error_set(&err, STRATA_EUSAGE,
                                  "%s: a %s carries no signatures; verify the image in its "
                                  "registry, or copy it with its .sig manifest into an OCI "
                                  "layout directory",
                                  image, src->kind);
        if (rc == 0 && (src->digest == NULL || !digest_is_valid_sha256(src->digest)))
            rc = strata_error_set(&err, STRATA_EFORMAT, "%s: no sha256 manifest digest", image);
        if (rc == 0) {
            snprintf(digest, sizeof digest, "%s", src->digest);
            rc = cosign_layout_fetch(src->path, src->digest, &set, &err);
        }
        image_source_free(src);
    }
    trust_registry_clear(&reg);
    if (rc != 0) {
        EVP_PKEY_free(pub);
        cosign_sigset_release(&set);
        trust_remote_close(&t);
        return cli_fail(&err);
    }
    char reason[2048];
    int verified = cosign_sigset_verify(&set, pub, digest, repo, reason, sizeof reason) == 0;
    if (pc.json) {
        json_t *root = json_object();
        pc.arr = json_array();
        pc.bad |= root == NULL || pc.arr == NULL;
        pc.bad |= json_object_set_new(root, "image", json_string(image)) != 0;
        pc.bad |= json_object_set_new(root, "digest", json_string(digest)) != 0;
        pc.bad |= json_object_set_new(root, "signatures_at",
                                      json_string(set.location ? set.location : "")) != 0;
        pc.bad |= json_object_set_new(root, "verified", json_boolean(verified)) != 0;
        pc.bad |= json_object_set_new(root, "reason", json_string(reason)) != 0;
        cosign_sigset_each(&set, pub, digest, repo, on_layer, &pc);
        pc.bad |= json_object_set_new(root, "signatures", pc.arr) != 0;
        if (!pc.bad && !pc.quiet) {
            json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            putchar('\n');
        }
        json_decref(root);
    } else if (!pc.quiet) {
        printf("%s: %s (%s)\n", verified ? "Verified" : "NOT verified", image, digest);
        if (set.found)
            printf("signatures at %s:\n", set.location);
        cosign_sigset_each(&set, pub, digest, repo, on_layer, &pc);
        if (!verified)
            printf("reason: %s\n", reason);
    }
    EVP_PKEY_free(pub);
    cosign_sigset_release(&set);
    trust_remote_close(&t);
    if (pc.bad)
        return EXIT_INTERNAL;
    return verified ? EXIT_CLEAN : EXIT_FINDINGS;
}
