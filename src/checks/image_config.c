/* Config and history checks: CIS Docker Benchmark 4.1, 4.6, 4.7, 4.9, 4.10 and the
 * Dockle-style ones (sudo, sensitive volumes, dist-upgrade, latest tag, remote-admin ports).
 * The config is untrusted JSON: every member is type-checked and a wrong type counts as
 * absent; history, Env, labels, ports and volumes are bounded (checks.h). */
#include "checks/checks.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum check {
    ROOT_USER,
    NO_HEALTHCHECK,
    UPDATE_ALONE,
    ADD_USED,
    CREDENTIALS,
    SUDO,
    SENSITIVE_VOLUME,
    DIST_UPGRADE,
    LATEST_TAG,
    ADMIN_PORT,
};

struct check_def {
    const char *id, *cis, *title, *remediation;
};

static const struct check_def defs[] = {
    [ROOT_USER] = {"CIS-DI-0001", "4.1", "Image runs as root",
                   "Create an unprivileged user and set it with USER in the Dockerfile."},
    [NO_HEALTHCHECK] = {"CIS-DI-0006", "4.6", "No HEALTHCHECK instruction",
                        "Add a HEALTHCHECK instruction that probes the service."},
    [UPDATE_ALONE] = {"CIS-DI-0007", "4.7", "Package index update alone in a build step",
                      "Run `apt-get update && apt-get install …` (or `apk add --no-cache`) in "
                      "one RUN step so a cached stale index is never used."},
    [ADD_USED] = {"CIS-DI-0009", "4.9", "ADD used instead of COPY",
                  "Use COPY for local files; download with a checksum-verified RUN step instead "
                  "of ADD of a URL."},
    [CREDENTIALS] = {"CIS-DI-0010", "4.10", "Credentials stored in the image metadata",
                     "Remove the credential from ENV, LABEL and build commands; use build "
                     "secrets (RUN --mount=type=secret) or runtime secrets, and rotate it."},
    [SUDO] = {"DKL-DI-0001", NULL, "sudo used in a build step",
              "Build steps already run as root; drop sudo (and the sudo package)."},
    [SENSITIVE_VOLUME] = {"DKL-DI-0002", NULL, "Sensitive directory declared as a VOLUME",
                          "Do not declare host-sensitive paths (/etc, /proc, /sys, the Docker "
                          "socket, …) as volumes."},
    [DIST_UPGRADE] = {"DKL-DI-0003", NULL, "dist-upgrade in a build step",
                      "Do not dist-upgrade in an image; rebuild from an updated base image."},
    [LATEST_TAG] = {"DKL-DI-0006", NULL, "Image tagged latest or not tagged",
                    "Tag images with an explicit version."},
    [ADMIN_PORT] = {"STRATA-DI-0001", NULL, "Remote administration port exposed",
                    "Do not expose SSH, telnet, the Docker API or RDP from an application "
                    "image; use docker exec / kubectl exec for administration."},
};

struct ctx {
    struct strata_report *r;
    int rc;
};

static void add(struct ctx *c, enum check k, const char *severity, int layer, const char *message,
                const char *evidence)
{
    if (c->rc != 0)
        return;
    const struct check_def *d = &defs[k];
    c->rc = strata_report_add_misconf(c->r, d->id, d->cis, d->title, severity, NULL, layer, message,
                                      d->remediation, evidence);
}

static void addf_msg(struct ctx *c, enum check k, const char *severity, int layer,
                     const char *evidence, struct strbuf *msg, int rc)
{
    if (rc != 0 && c->rc == 0)
        c->rc = STRATA_ENOMEM;
    add(c, k, severity, layer, msg->buf ? msg->buf : "", evidence);
    strbuf_reset(msg);
}

/* Appends at most max bytes of s, cut on a UTF-8 boundary, with "…" when cut. */
static int add_excerpt(struct strbuf *sb, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return strbuf_add(sb, s, n);
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    if (strbuf_add(sb, s, max) != 0)
        return STRATA_ENOMEM;
    return strbuf_adds(sb, "\xe2\x80\xa6");
}

#define EXCERPT_MAX 200

/* ---- CIS 4.1: root user ---- */

long checks_passwd_uid(const char *passwd, size_t len, const char *name, size_t n)
{
    if (passwd == NULL || n == 0)
        return -1;
    size_t i = 0;
    while (i < len) {
        const char *line = passwd + i;
        const char *nl = memchr(line, '\n', len - i);
        size_t ll = nl ? (size_t)(nl - line) : len - i;
        i += ll + 1;
        /* name:password:uid:... */
        if (ll <= n + 1 || memcmp(line, name, n) != 0 || line[n] != ':')
            continue;
        const char *p = memchr(line + n + 1, ':', ll - n - 1);
        if (p == NULL)
            continue;
        p++;
        long uid = 0;
        size_t digits = 0;
        while (p < line + ll && isdigit((unsigned char)*p) && digits < 10) {
            uid = uid * 10 + (*p++ - '0');
            digits++;
        }
        if (digits == 0 || (p < line + ll && *p != ':'))
            continue;
        return uid;
    }
    return -1;
}

static void check_user(struct ctx *c, const json_t *cfg, const char *passwd, size_t passwd_len)
{
    const char *user = json_string_value(json_object_get(cfg, "User"));
    struct strbuf msg = STRBUF_INIT;
    int rc = 0;
    if (user == NULL || *user == '\0') {
        rc = strbuf_adds(&msg, "No USER is set: containers run as root (uid 0).");
        addf_msg(c, ROOT_USER, "MEDIUM", -1, "config.User", &msg, rc);
        strbuf_release(&msg);
        return;
    }
    size_t n = strcspn(user, ":");
    int is_root = 0;
    const char *how = NULL;
    if (n > 0 && strspn(user, "0123456789") >= n) {
        size_t k = 0;
        while (k < n && user[k] == '0')
            k++;
        is_root = k == n; /* "0", "00" */
        how = "is uid 0";
    } else if (n == 4 && strncmp(user, "root", 4) == 0) {
        is_root = 1;
        how = "is root";
    } else if (n > 0 && n <= 256 && checks_passwd_uid(passwd, passwd_len, user, n) == 0) {
        is_root = 1;
        how = "resolves to uid 0 through the image's /etc/passwd";
    }
    if (is_root) {
        rc = strbuf_adds(&msg, "USER \"");
        rc = rc ? rc : add_excerpt(&msg, user, 64);
        rc = rc ? rc : strbuf_addf(&msg, "\" %s: containers run as root.", how);
        addf_msg(c, ROOT_USER, "MEDIUM", -1, "config.User", &msg, rc);
    }
    strbuf_release(&msg);
}

/* ---- CIS 4.6: healthcheck ---- */

static void check_healthcheck(struct ctx *c, const json_t *cfg)
{
    const json_t *hc = json_object_get(cfg, "Healthcheck");
    const json_t *test = json_object_get(hc, "Test");
    const char *first = json_string_value(json_array_get(test, 0));
    if (json_is_array(test) && json_array_size(test) > 0 && first != NULL &&
        strcmp(first, "NONE") != 0)
        return;
    int disabled = first != NULL && strcmp(first, "NONE") == 0;
    add(c, NO_HEALTHCHECK, "LOW", -1,
        disabled ? "HEALTHCHECK NONE disables the health check."
                 : "The image defines no HEALTHCHECK.",
        "config.Healthcheck");
}

/* ---- history ---- */

/* Position of word w in s where it starts a word and ends at a blank, ';', '&', '|' or the
 * end; NULL when absent. */
static const char *find_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = strstr(s, w); p != NULL; p = strstr(p + 1, w)) {
        int start = p == s || isspace((unsigned char)p[-1]) || strchr(";&|(", p[-1]);
        char e = p[n];
        if (start && (e == '\0' || isspace((unsigned char)e) || strchr(";&|)", e)))
            return p;
    }
    return NULL;
}

const char *checks_history_instruction(const char *cb)
{
    const char *p = cb;
    while (isspace((unsigned char)*p))
        p++;
    const char *nop = strstr(p, "#(nop)");
    if (strncmp(p, "/bin/sh -c ", 11) == 0 && nop != NULL) {
        p = nop + 6;
        while (isspace((unsigned char)*p))
            p++;
    }
    return p;
}

static int starts_with_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    return strncmp(s, w, n) == 0 && (s[n] == ' ' || s[n] == '\t');
}

/* The base image's root filesystem ("ADD file:<hex> in / ") is how every base image is
 * made, not a choice of this image's author. */
static int is_base_rootfs_add(const char *ins)
{
    const char *p = ins + 4;
    while (*p == ' ')
        p++;
    if (strncmp(p, "file:", 5) != 0)
        return 0;
    p += 5;
    size_t hex = strspn(p, "0123456789abcdef");
    return hex >= 12 && strncmp(p + hex, " in / ", 6) == 0 &&
           p[hex + 6 + strspn(p + hex + 6, " ")] == '\0';
}

static int is_remote_source(const char *ins)
{
    return strstr(ins, "http://") != NULL || strstr(ins, "https://") != NULL ||
           strstr(ins, "ftp://") != NULL || strstr(ins, "git@") != NULL;
}

static void check_step(struct ctx *c, size_t index, int layer, const char *cb)
{
    char evidence[32];
    snprintf(evidence, sizeof evidence, "history[%zu]", index);
    struct strbuf red = STRBUF_INIT, msg = STRBUF_INIT;
    size_t hits = 0;
    const char *kind = NULL;
    int rc = checks_redact_text(&red, cb, &hits, &kind);
    if (rc != 0) {
        c->rc = rc;
        goto out;
    }
    /* Every excerpt below is of the redacted text. */
    const char *ins = checks_history_instruction(red.buf);
    if (hits > 0) {
        rc = strbuf_addf(&msg, "%s (%s): ", evidence, kind);
        rc = rc ? rc : add_excerpt(&msg, ins, EXCERPT_MAX);
        addf_msg(c, CREDENTIALS, "HIGH", layer, evidence, &msg, rc);
    }
    if (starts_with_word(ins, "ADD") && !is_base_rootfs_add(ins)) {
        int remote = is_remote_source(ins);
        rc = strbuf_addf(&msg, "%s: %s", evidence,
                         remote ? "ADD fetches a remote URL (no checksum, no cache control): "
                                : "ADD used (it also unpacks archives and fetches URLs): ");
        rc = rc ? rc : add_excerpt(&msg, ins, EXCERPT_MAX);
        addf_msg(c, ADD_USED, remote ? "MEDIUM" : "LOW", layer, evidence, &msg, rc);
    }
    const char *upd = find_word(ins, "update");
    int is_update = upd != NULL && (strstr(ins, "apt-get update") || strstr(ins, "apt update") ||
                                    strstr(ins, "apk update"));
    if (is_update && !find_word(ins, "install") && !find_word(ins, "add") &&
        !find_word(ins, "upgrade")) {
        rc = strbuf_addf(&msg,
                         "%s updates the package index without installing in the same "
                         "step: ",
                         evidence);
        rc = rc ? rc : add_excerpt(&msg, ins, EXCERPT_MAX);
        addf_msg(c, UPDATE_ALONE, "MEDIUM", layer, evidence, &msg, rc);
    }
    if (find_word(ins, "sudo")) {
        rc = strbuf_addf(&msg, "%s runs sudo: ", evidence);
        rc = rc ? rc : add_excerpt(&msg, ins, EXCERPT_MAX);
        addf_msg(c, SUDO, "MEDIUM", layer, evidence, &msg, rc);
    }
    if (find_word(ins, "dist-upgrade") || find_word(ins, "full-upgrade")) {
        rc = strbuf_addf(&msg, "%s upgrades the distribution: ", evidence);
        rc = rc ? rc : add_excerpt(&msg, ins, EXCERPT_MAX);
        addf_msg(c, DIST_UPGRADE, "LOW", layer, evidence, &msg, rc);
    }
out:
    strbuf_release(&red);
    strbuf_release(&msg);
}

static void check_history(struct ctx *c, const json_t *hist, size_t n_layers)
{
    if (!json_is_array(hist))
        return;
    size_t n = json_array_size(hist), layer = 0;
    for (size_t i = 0; i < n && i < CHECKS_MAX_HISTORY && c->rc == 0; i++) {
        const json_t *h = json_array_get(hist, i);
        int empty = json_is_true(json_object_get(h, "empty_layer"));
        /* Same rule as source_apply_config: the i-th non-empty entry describes layer i. */
        int li = !empty && layer < n_layers ? (int)layer : -1;
        if (!empty)
            layer++;
        const char *cb = json_string_value(json_object_get(h, "created_by"));
        if (cb != NULL)
            check_step(c, i, li, cb);
    }
}

/* ---- CIS 4.10 in Env and Labels ---- */

static void check_env(struct ctx *c, const json_t *cfg)
{
    const json_t *env = json_object_get(cfg, "Env");
    if (!json_is_array(env))
        return;
    struct strbuf msg = STRBUF_INIT;
    for (size_t i = 0; i < json_array_size(env) && i < CHECKS_MAX_CONFIG_ITEMS && c->rc == 0; i++) {
        const char *e = json_string_value(json_array_get(env, i));
        const char *eq = e ? strchr(e, '=') : NULL;
        if (eq == NULL || eq[1] == '\0' || eq[1] == '$' || !checks_key_is_secret(e, eq - e))
            continue;
        char evidence[40];
        snprintf(evidence, sizeof evidence, "config.Env[%zu]", i);
        int rc = strbuf_adds(&msg, "ENV ");
        size_t kn = (size_t)(eq - e) > 128 ? 128 : (size_t)(eq - e); /* key names are short */
        rc = rc ? rc : strbuf_add(&msg, e, kn);
        rc = rc ? rc : strbuf_addch(&msg, '=');
        rc = rc ? rc : checks_redact_value(&msg, eq + 1, strlen(eq + 1));
        rc = rc ? rc : strbuf_adds(&msg, " stores a credential in the image config.");
        addf_msg(c, CREDENTIALS, "HIGH", -1, evidence, &msg, rc);
    }
    strbuf_release(&msg);
}

static void check_labels(struct ctx *c, const json_t *cfg)
{
    const json_t *labels = json_object_get(cfg, "Labels");
    if (!json_is_object(labels))
        return;
    struct strbuf msg = STRBUF_INIT, red = STRBUF_INIT;
    const char *key;
    const json_t *v;
    size_t count = 0;
    json_object_foreach((json_t *)labels, key, v)
    {
        if (count++ >= CHECKS_MAX_CONFIG_ITEMS || c->rc != 0)
            break;
        const char *val = json_string_value(v);
        if (val == NULL || *val == '\0')
            continue;
        size_t hits = 0;
        int rc = checks_redact_text(&red, val, &hits, NULL);
        int secret_key = checks_key_is_secret(key, strlen(key)) && *val != '$';
        if (rc == 0 && (secret_key || hits > 0)) {
            rc = strbuf_adds(&msg, "LABEL ");
            rc = rc ? rc : add_excerpt(&msg, key, 128);
            rc = rc ? rc : strbuf_addch(&msg, '=');
            rc = rc           ? rc
                 : secret_key ? checks_redact_value(&msg, val, strlen(val))
                              : add_excerpt(&msg, red.buf, EXCERPT_MAX);
            rc = rc ? rc : strbuf_adds(&msg, " stores a credential in the image config.");
            addf_msg(c, CREDENTIALS, "HIGH", -1, "config.Labels", &msg, rc);
        } else if (rc != 0) {
            c->rc = rc;
        }
        strbuf_reset(&red);
    }
    strbuf_release(&msg);
    strbuf_release(&red);
}

/* ---- volumes, ports, tag ---- */

static void check_volumes(struct ctx *c, const json_t *cfg)
{
    static const char *const sensitive[] = {"/etc",
                                            "/var/run/docker.sock",
                                            "/run/docker.sock",
                                            "/proc",
                                            "/sys",
                                            "/root",
                                            "/boot",
                                            "/dev",
                                            "/var/run",
                                            "/run",
                                            "/"};
    const json_t *vols = json_object_get(cfg, "Volumes");
    if (!json_is_object(vols))
        return;
    struct strbuf msg = STRBUF_INIT;
    const char *key;
    const json_t *v;
    size_t count = 0;
    json_object_foreach((json_t *)vols, key, v)
    {
        if (count++ >= CHECKS_MAX_CONFIG_ITEMS || c->rc != 0)
            break;
        size_t n = strlen(key);
        while (n > 1 && key[n - 1] == '/')
            n--; /* "/etc/" is /etc */
        for (size_t k = 0; k < sizeof sensitive / sizeof *sensitive; k++) {
            if (strlen(sensitive[k]) != n || strncmp(key, sensitive[k], n) != 0)
                continue;
            int rc = strbuf_addf(&msg, "VOLUME %s mounts a sensitive host path.", sensitive[k]);
            addf_msg(c, SENSITIVE_VOLUME, "MEDIUM", -1, "config.Volumes", &msg, rc);
            break;
        }
    }
    strbuf_release(&msg);
}

static void check_port(struct ctx *c, const char *spec)
{
    static const struct {
        long port;
        const char *what, *severity;
    } admin[] = {{22, "SSH", "MEDIUM"},
                 {23, "telnet", "HIGH"},
                 {2375, "the unencrypted Docker API", "HIGH"},
                 {2376, "the Docker API", "MEDIUM"},
                 {3389, "RDP", "MEDIUM"}};
    size_t digits = strspn(spec, "0123456789");
    if (digits == 0 || digits > 5 || (spec[digits] != '\0' && spec[digits] != '/'))
        return;
    long port = strtol(spec, NULL, 10);
    for (size_t k = 0; k < sizeof admin / sizeof *admin; k++) {
        if (admin[k].port != port)
            continue;
        struct strbuf msg = STRBUF_INIT;
        int rc = strbuf_addf(&msg, "EXPOSE %ld exposes %s.", port, admin[k].what);
        addf_msg(c, ADMIN_PORT, admin[k].severity, -1, "config.ExposedPorts", &msg, rc);
        strbuf_release(&msg);
    }
}

static void check_ports(struct ctx *c, const json_t *cfg)
{
    const json_t *ports = json_object_get(cfg, "ExposedPorts");
    size_t count = 0;
    if (json_is_object(ports)) {
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)ports, key, v)
        {
            if (count++ >= CHECKS_MAX_CONFIG_ITEMS || c->rc != 0)
                break;
            check_port(c, key);
        }
    }
}

static void check_tag(struct ctx *c, const char *name)
{
    if (name == NULL || *name == '\0' || strchr(name, '@') != NULL)
        return; /* untagged archives say nothing; a digest pins the image */
    const char *slash = strrchr(name, '/');
    const char *colon = strrchr(slash ? slash : name, ':');
    const char *tag = colon ? colon + 1 : NULL;
    const char *why = NULL;
    if (strcmp(name, "latest") == 0 || (tag != NULL && strcmp(tag, "latest") == 0))
        why = "is tagged latest";
    else if (tag == NULL)
        why = "has no tag (pulls resolve it to latest)";
    if (why == NULL)
        return;
    struct strbuf msg = STRBUF_INIT;
    int rc = strbuf_adds(&msg, "The image reference ");
    rc = rc ? rc : add_excerpt(&msg, name, 200);
    rc = rc ? rc : strbuf_addf(&msg, " %s.", why);
    addf_msg(c, LATEST_TAG, "LOW", -1, "target.name", &msg, rc);
    strbuf_release(&msg);
}

int checks_image_config(const json_t *config, const char *image_name, const char *passwd,
                        size_t passwd_len, size_t n_layers, struct strata_report *r,
                        struct strata_error *err)
{
    struct ctx c = {r, 0};
    const json_t *cfg = json_is_object(config) ? json_object_get(config, "config") : NULL;
    if (!json_is_object(cfg))
        cfg = NULL; /* every json_object_get below then gives NULL: all "absent" */
    if (passwd_len > CHECKS_MAX_PASSWD)
        passwd_len = CHECKS_MAX_PASSWD;
    check_user(&c, cfg, passwd, passwd_len);
    check_healthcheck(&c, cfg);
    check_env(&c, cfg);
    check_labels(&c, cfg);
    check_volumes(&c, cfg);
    check_ports(&c, cfg);
    check_tag(&c, image_name);
    if (json_is_object(config))
        check_history(&c, json_object_get(config, "history"), n_layers);
    return c.rc == 0 ? 0 : strata_error_nomem(err);
}
