/* The registry side shared by strata sign, verify and policy check (trust_cli.h). */
#include "cli/trust_cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "source/registry_source.h"

const char trust_registry_help[] =
    "registry (the same flags as 'strata image', see docs/registry.md):\n"
    "      --username USER   with --password-stdin (or --password PASS, visible to ps):\n"
    "      --password-stdin  credentials; default: the \"auths\" of $DOCKER_CONFIG/config.json\n"
    "                        or ~/.docker/config.json, else anonymous\n"
    "      --insecure        talk plain HTTP to the registry (never without this flag)\n"
    "      --ca-file FILE    trust these PEM CAs too (default also $SSL_CERT_FILE)\n"
    "      --timeout SECONDS bound on each registry request, retries included (default 300)\n";

int trust_registry_option(int c, const char *arg, struct trust_registry *r, const char *cmd)
{
    long v;
    switch (c) {
    case TRUST_OPT_INSECURE:
        r->o.insecure = 1;
        return 0;
    case TRUST_OPT_CA_FILE:
        r->o.ca_file = arg;
        return 0;
    case TRUST_OPT_TIMEOUT:
        if (cli_parse_long(arg, 1, 86400, &v) != 0)
            return cli_usage_error(cmd, "--timeout: expected 1..86400 seconds, got '%s'", arg);
        r->o.timeout_s = v;
        return 0;
    case TRUST_OPT_USERNAME:
        r->o.username = arg;
        return 0;
    case TRUST_OPT_PASSWORD:
        r->o.password = arg;
        return 0;
    case TRUST_OPT_PASSWORD_STDIN:
        r->password_stdin = 1;
        return 0;
    default:
        return -1;
    }
}

int trust_registry_finish(struct trust_registry *r, const char *cmd)
{
    if (r->password_stdin) {
        if (r->o.username == NULL || r->o.password != NULL)
            return cli_usage_error(cmd, "--password-stdin needs --username and no --password");
        if (fgets(r->password, sizeof r->password, stdin) == NULL)
            return cli_usage_error(cmd, "--password-stdin: nothing on stdin");
        r->password[strcspn(r->password, "\r\n")] = '\0';
        r->o.password = r->password;
    }
    if ((r->o.username == NULL) != (r->o.password == NULL))
        return cli_usage_error(cmd, "--username and a password (--password-stdin) go together");
    return 0;
}

void trust_registry_clear(struct trust_registry *r)
{
    explicit_bzero(r->password, sizeof r->password);
}

int trust_is_remote(const char *spec, const char **ref_text)
{
    struct stat st;
    *ref_text = spec;
    if (strncmp(spec, "docker-archive:", 15) == 0 || strncmp(spec, "oci:", 4) == 0 ||
        strncmp(spec, "oci-archive:", 12) == 0)
        return 0;
    if (stat(spec, &st) == 0)
        return 0;
    return registry_spec_is_remote(spec, ref_text);
}

int trust_remote_open(const char *ref_text, const struct registry_options *o,
                      struct trust_remote *t, struct strata_error *err)
{
    memset(t, 0, sizeof *t);
    int rc = image_ref_parse(ref_text, &t->ref, err);
    if (rc != 0)
        return rc;
    snprintf(t->repo, sizeof t->repo, "%s/%s", t->ref.registry, t->ref.repository);
    if ((rc = registry_client_open(&t->ref, o, &t->client, err)) != 0)
        return rc;
    int exists = 0;
    if ((rc = registry_resolve(t->client, image_ref_target(&t->ref), &exists, t->digest, err)) != 0)
        return rc;
    if (!exists)
        return strata_error_set(err, STRATA_ENOTFOUND, "%s: manifest not found in the registry",
                                ref_text);
    if (t->ref.digest != NULL && strcmp(t->ref.digest, t->digest) != 0)
        return strata_error_set(err, STRATA_EDIGEST, "%s: the registry answered %s", ref_text,
                                t->digest);
    return 0;
}

void trust_remote_close(struct trust_remote *t)
{
    registry_client_free(t->client);
    image_ref_free(&t->ref);
    memset(t, 0, sizeof *t);
}
