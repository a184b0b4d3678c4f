/* What `strata image`, `strata sign`, `strata verify` and `strata policy check` share: the
 * registry options, telling a registry image from a local one, and opening
 * a registry image's repository with its digest resolved. */
#ifndef STRATA_CLI_TRUST_CLI_H
#define STRATA_CLI_TRUST_CLI_H

#include <getopt.h>

#include "core/digest.h"
#include "source/reference.h"
#include "source/registry.h"
#include "strata/error.h"

enum {
    TRUST_OPT_INSECURE = 3000,
    TRUST_OPT_CA_FILE,
    TRUST_OPT_TIMEOUT,
    TRUST_OPT_USERNAME,
    TRUST_OPT_PASSWORD,
    TRUST_OPT_PASSWORD_STDIN,
};

#define TRUST_REGISTRY_LONG_OPTS                                                                   \
    {"insecure", no_argument, NULL, TRUST_OPT_INSECURE},                                           \
        {"ca-file", required_argument, NULL, TRUST_OPT_CA_FILE},                                   \
        {"timeout", required_argument, NULL, TRUST_OPT_TIMEOUT},                                   \
        {"username", required_argument, NULL, TRUST_OPT_USERNAME},                                 \
        {"password", required_argument, NULL, TRUST_OPT_PASSWORD},                                 \
    {                                                                                              \
        "password-stdin", no_argument, NULL, TRUST_OPT_PASSWORD_STDIN                              \
    }

extern const char trust_registry_help[];

struct trust_registry {
    struct registry_options o;
    int password_stdin;
    char password[4096];
};

/* One getopt result: -1 when c is not a registry option, 0 when taken, else the exit code of
 * the usage error. */
int trust_registry_option(int c, const char *arg, struct trust_registry *r, const char *cmd);
/* After the options: reads --password-stdin, checks --username goes with a password. 0 or
 * the exit code of the usage error. */
int trust_registry_finish(struct trust_registry *r, const char *cmd);
/* Forgets the password. */
void trust_registry_clear(struct trust_registry *r);

/* Is spec a registry image rather than a local archive or layout? (A local path of that name
 * wins; "registry:REF" and "docker://REF" force the registry.) *ref_text gets the reference. */
int trust_is_remote(const char *spec, const char **ref_text);

/* A registry image opened for signatures: its reference, a client for its repository, the
 * digest its tag (or digest) resolves to, and "REGISTRY/REPO". */
struct trust_remote {
    struct image_ref ref;
    struct registry_client *client;
    char digest[STRATA_DIGEST_STRLEN];
    char repo[600];
};
/* STRATA_ENOTFOUND (naming the reference) when the registry does not have it. */
int trust_remote_open(const char *ref_text, const struct registry_options *o,
                      struct trust_remote *t, struct strata_error *err);
void trust_remote_close(struct trust_remote *t);

#endif
