/* config.json "auths" lookup; format and bounds in docker_config.h. */
#include "source/docker_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/json_load.h"
#include "core/strbuf.h"

void docker_credentials_release(struct docker_credentials *c)
{
    if (c->password)
        explicit_bzero(c->password, strlen(c->password));
    free(c->username);
    free(c->password);
    free(c->source);
    memset(c, 0, sizeof *c);
}

int docker_config_path(const char *explicit, char **out, struct strata_error *err)
{
    *out = NULL;
    struct strbuf sb = STRBUF_INIT;
    const char *env;
    int rc = 0;
    if (explicit != NULL) {
        if (explicit[0] == '\0')
            return 0;
        rc = strbuf_adds(&sb, explicit);
    } else if ((env = getenv("DOCKER_CONFIG")) != NULL && env[0] != '\0') {
        rc = strbuf_addf(&sb, "%s/config.json", env);
    } else if ((env = getenv("HOME")) != NULL && env[0] != '\0') {
        rc = strbuf_addf(&sb, "%s/.docker/config.json", env);
    } else {
        return 0;
    }
    if (rc != 0 || (*out = strbuf_detach(&sb)) == NULL) {
        strbuf_release(&sb);
        return strata_error_nomem(err);
    }
    return 0;
}

static int b64_value(unsigned char c)
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

/* Standard base64 with optional padding; -1 on a bad character or length. out has room for
 * 3/4 of n plus a NUL. */
static long b64_decode(const char *s, size_t n, unsigned char *out)
{
    while (n > 0 && s[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return -1;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    out[o] = '\0';
    return (long)o;
}

/* "https://host:port/v1/" -> "host:port" compared with registry; docker.io also answers to
 * index.docker.io and registry-1.docker.io. */
static int key_matches(const char *key, const char *registry)
{
    if (strncasecmp(key, "https://", 8) == 0)
        key += 8;
    else if (strncasecmp(key, "http://", 7) == 0)
        key += 7;
    size_t n = strcspn(key, "/");
    if (strlen(registry) == n && strncmp(key, registry, n) == 0)
        return 1;
    if (strcmp(registry, "docker.io") != 0)
        return 0;
    static const char *const hub[] = {"index.docker.io", "registry-1.docker.io", "docker.io"};
    for (size_t i = 0; i < sizeof hub / sizeof hub[0]; i++)
        if (strlen(hub[i]) == n && strncmp(key, hub[i], n) == 0)
            return 1;
    return 0;
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static int set_source(struct docker_credentials *c, const char *path, const char *key,
                      struct strata_error *err)
{
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_addf(&sb, "%s auths[\"%s\"]", path, key) != 0 ||
        (c->source = strbuf_detach(&sb)) == NULL) {
        strbuf_release(&sb);
        return strata_error_nomem(err);
    }
    return 0;
}

/* One auths entry: "auth" (base64 user:password) or "username" + "password". *found stays 0
 * for an entry with neither (docker writes {} when a credential store holds the secret). */
static int read_entry(json_t *entry, const char *path, const char *key,
                      struct docker_credentials *out, int *found, struct strata_error *err)
{
    if (!json_is_object(entry))
        return strata_error_set(err, STRATA_EFORMAT, "%s: auths[\"%s\"] is not an object", path,
                                key);
    json_t *auth = json_object_get(entry, "auth");
    const char *user = json_string_value(json_object_get(entry, "username"));
    const char *pass = json_string_value(json_object_get(entry, "password"));
    if (auth != NULL && !json_is_string(auth))
        return strata_error_set(err, STRATA_EFORMAT, "%s: auths[\"%s\"].auth is not a string", path,
                                key);
    const char *a = json_string_value(auth);
    if (a != NULL && a[0] != '\0') {
        size_t n = json_string_length(auth);
        if (n > DOCKER_CONFIG_MAX_CRED)
            return strata_error_set(err, STRATA_ELIMIT,
                                    "%s: auths[\"%s\"].auth: more than %d bytes", path, key,
                                    DOCKER_CONFIG_MAX_CRED);
        unsigned char *dec = malloc(n / 4 * 3 + 4);
        if (dec == NULL)
            return strata_error_nomem(err);
        long dn = b64_decode(a, n, dec);
        char *colon = dn > 0 ? memchr(dec, ':', (size_t)dn) : NULL;
        int rc = 0;
        if (dn < 0)
            rc = strata_error_set(err, STRATA_EFORMAT, "%s: auths[\"%s\"].auth is not base64", path,
                                  key);
        else if (colon == NULL || memchr(dec, '\0', (size_t)dn) != NULL)
            rc = strata_error_set(err, STRATA_EFORMAT,
                                  "%s: auths[\"%s\"].auth does not decode to user:password", path,
                                  key);
        if (rc == 0) {
            *colon = '\0';
            out->username = strdup((char *)dec);
            out->password = strdup(colon + 1);
            if (out->username == NULL || out->password == NULL)
                rc = strata_error_nomem(err);
        }
        explicit_bzero(dec, n / 4 * 3 + 4);
        free(dec);
        if (rc != 0)
            return rc;
    } else if (user != NULL && pass != NULL && user[0] != '\0') {
        if (strlen(user) > DOCKER_CONFIG_MAX_CRED || strlen(pass) > DOCKER_CONFIG_MAX_CRED)
            return strata_error_set(err, STRATA_ELIMIT, "%s: auths[\"%s\"]: more than %d bytes",
                                    path, key, DOCKER_CONFIG_MAX_CRED);
        out->username = strdup(user);
        out->password = strdup(pass);
        if (out->username == NULL || out->password == NULL)
            return strata_error_nomem(err);
    } else {
        return 0;
    }
    if (has_control(out->username) || has_control(out->password))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: auths[\"%s\"]: control characters in the credentials", path,
                                key);
    *found = 1;
    return set_source(out, path, key, err);
}

static int helper_name_ok(const char *s)
{
    if (s == NULL || s[0] == '\0' || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

static int pick_helper(json_t *root, const char *path, const char *registry, char **helper,
                       struct strata_error *err)
{
    const char *name = NULL;
    json_t *helpers = json_object_get(root, "credHelpers");
    if (json_is_object(helpers)) {
        const char *k;
        json_t *v;
        json_object_foreach(helpers, k, v)
        {
            if (key_matches(k, registry)) {
                name = json_string_value(v);
                break;
            }
        }
    }
    if (name == NULL)
        name = json_string_value(json_object_get(root, "credsStore"));
    if (name == NULL || name[0] == '\0')
        return 0;
    if (!helper_name_ok(name))
        return strata_error_set(err, STRATA_EFORMAT,
                                "%s: credential helper name '%.64s' is not letters, digits, "
                                "'-', '_' or '.'",
                                path, name);
    if ((*helper = strdup(name)) == NULL)
        return strata_error_nomem(err);
    return 0;
}

int docker_config_parse(const char *text, size_t len, const char *path, const char *registry,
                        struct docker_credentials *out, int *found, char **helper,
                        struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    *found = 0;
    if (helper)
        *helper = NULL;
    json_t *root;
    int rc =
        json_load_document(text, len, path, DOCKER_CONFIG_MAX_FILE, JSON_LOAD_OBJECT, &root, err);
    if (rc != 0)
        return rc;
    json_t *auths = json_object_get(root, "auths");
    if (auths != NULL && !json_is_object(auths)) {
        json_decref(root);
        return strata_error_set(err, STRATA_EFORMAT, "%s: \"auths\" is not an object", path);
    }
    /* an exact key first, then one that matches once scheme and path are dropped */
    json_t *entry = json_object_get(auths, registry);
    const char *key = registry;
    if (entry == NULL) {
        const char *k;
        json_t *v;
        json_object_foreach(auths, k, v)
        {
            if (key_matches(k, registry)) {
                entry = v;
                key = k;
                break;
            }
        }
    }
    if (entry != NULL)
        rc = read_entry(entry, path, key, out, found, err);
    if (rc == 0 && !*found && helper != NULL)
        rc = pick_helper(root, path, registry, helper, err);
    json_decref(root);
    if (rc != 0) {
        docker_credentials_release(out);
        *found = 0;
        if (helper) {
            free(*helper);
            *helper = NULL;
        }
    }
    return rc;
}

static int read_file(const char *path, char **data, size_t *len, int *absent,
                     struct strata_error *err)
{
    *absent = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            *absent = 1;
            return 0;
        }
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return strata_error_set(err, STRATA_EIO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > DOCKER_CONFIG_MAX_FILE) {
        close(fd);
        return strata_error_set(err, STRATA_ELIMIT, "%s: %lld bytes, more than the %u allowed",
                                path, (long long)st.st_size, DOCKER_CONFIG_MAX_FILE);
    }
    char *buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        close(fd);
        return strata_error_nomem(err);
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            free(buf);
            close(fd);
            return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(e));
        }
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return 0;
}

int docker_config_lookup(const char *path, const char *registry, struct docker_credentials *out,
                         int *found, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    *found = 0;
    char *data = NULL;
    size_t len = 0;
    int absent;
    int rc = read_file(path, &data, &len, &absent, err);
    if (rc != 0 || absent)
        return rc;
    char *helper = NULL;
    rc = docker_config_parse(data, len, path, registry, out, found, &helper, err);
    free(data);
    if (rc == 0 && !*found && helper != NULL)
        rc = docker_credential_helper_get(helper, registry, out, found, err);
    free(helper);
    return rc;
}
