/* The simple-signing payload cosign signs (containers-signature(5) JSON, cosign's type
 * string): built in cosign's compact form, parsed strictly. */
#include "policy/cosign.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/digest.h"
#include "core/json_load.h"
#include "policy/policy_util.h"

int cosign_payload_build(const char *docker_reference, const char *digest,
                         const char *const *annotations, char **out, size_t *len,
                         struct strata_error *err)
{
    *out = NULL;
    *len = 0;
    if (!digest_is_valid_sha256(digest))
        return strata_error_set(err, STRATA_EUSAGE,
                                "'%s' is not a sha256 digest (sha256:<64 lowercase hex>)", digest);
    size_t bad_at;
    if (strlen(docker_reference) > COSIGN_MAX_REFERENCE)
        return strata_error_set(err, STRATA_EUSAGE, "docker-reference longer than %u bytes",
                                COSIGN_MAX_REFERENCE);
    if (!policy_utf8_valid(docker_reference, strlen(docker_reference), &bad_at))
        return strata_error_set(err, STRATA_EUSAGE, "docker-reference is not valid UTF-8");
    int bad = 0;
    json_t *root = json_object(), *critical = json_object(), *identity = json_object(),
           *image = json_object(), *optional = NULL;
    bad |= root == NULL || critical == NULL || identity == NULL || image == NULL;
    bad |= json_object_set_new(identity, "docker-reference", json_string(docker_reference)) != 0;
    bad |= json_object_set_new(image, "docker-manifest-digest", json_string(digest)) != 0;
    bad |= json_object_set_new(critical, "identity", identity) != 0;
    bad |= json_object_set_new(critical, "image", image) != 0;
    bad |= json_object_set_new(critical, "type", json_string(COSIGN_PAYLOAD_TYPE)) != 0;
    bad |= json_object_set_new(root, "critical", critical) != 0;
    size_t n_ann = 0;
    for (; annotations != NULL && annotations[n_ann] != NULL; n_ann++) {
        const char *a = annotations[n_ann];
        const char *eq = strchr(a, '=');
        if (n_ann >= COSIGN_MAX_ANNOTATIONS || eq == NULL || eq == a) {
            json_decref(root);
            json_decref(optional);
            if (n_ann >= COSIGN_MAX_ANNOTATIONS)
                return strata_error_set(err, STRATA_EUSAGE, "more than %d annotations",
                                        COSIGN_MAX_ANNOTATIONS);
            return strata_error_set(err, STRATA_EUSAGE,
                                    "annotation '%s' is not KEY=VALUE with a non-empty KEY", a);
        }
        if (optional == NULL && (optional = json_object()) == NULL) {
            bad = 1;
            break;
        }
        char key[256];
        size_t kn = (size_t)(eq - a);
        if (kn >= sizeof key) {
            json_decref(root);
            json_decref(optional);
            return strata_error_set(err, STRATA_EUSAGE, "annotation key longer than 255 bytes");
        }
        memcpy(key, a, kn);
        key[kn] = '\0';
        if (json_object_get(optional, key) != NULL) {
            json_decref(root);
            json_decref(optional);
            return strata_error_set(err, STRATA_EUSAGE, "annotation '%s' given twice", key);
        }
        if (!policy_utf8_valid(a, strlen(a), &bad_at)) {
            json_decref(root);
            json_decref(optional);
            return strata_error_set(err, STRATA_EUSAGE, "annotation '%s' is not valid UTF-8", key);
        }
        bad |= json_object_set_new(optional, key, json_string(eq + 1)) != 0;
    }
    bad |= json_object_set_new(root, "optional", optional ? optional : json_null()) != 0;
    char *text = bad ? NULL : json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (text == NULL)
        return strata_error_nomem(err);
    *out = text;
    *len = strlen(text);
    return 0;
}

/* The member of obj whose key equals name ignoring case (as Go's encoding/json matches struct
 * fields), NULL when none; a second such member is ambiguous and an error. */
static int member(json_t *obj, const char *name, const char *what, const char *where, json_t **out,
                  struct strata_error *err)
{
    *out = NULL;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (strcasecmp(key, name) != 0)
            continue;
        if (*out != NULL)
            return strata_error_set(err, STRATA_EFORMAT, "%s: %s has the key \"%s\" twice", what,
                                    where, name);
        *out = v;
    }
    return 0;
}

/* Refuses keys of obj other than the names (cosign never writes others in critical). */
static int only_keys(json_t *obj, const char *const *names, const char *what, const char *where,
                     struct strata_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        int known = 0;
        for (size_t i = 0; names[i] != NULL && !known; i++)
            known = strcasecmp(key, names[i]) == 0;
        if (!known)
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: unknown key \"%.64s\" in %s (a signature with unknown "
                                    "critical claims is refused)",
                                    what, key, where);
    }
    return 0;
}

static int object_member(json_t *obj, const char *name, const char *what, const char *where,
                         json_t **out, struct strata_error *err)
{
    int rc = member(obj, name, what, where, out, err);
    if (rc != 0)
        return rc;
    if (*out == NULL || !json_is_object(*out))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s.%s is %s, not an object", what, where,
                                name, *out == NULL ? "missing" : "of another type");
    return 0;
}

static int string_member(json_t *obj, const char *name, const char *what, const char *where,
                         const char **out, struct strata_error *err)
{
    json_t *v;
    int rc = member(obj, name, what, where, &v, err);
    if (rc != 0)
        return rc;
    if (v == NULL || !json_is_string(v))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s.%s is %s, not a string", what, where,
                                name, v == NULL ? "missing" : "of another type");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return strata_error_set(err, STRATA_EFORMAT, "%s: %s.%s holds a NUL character", what, where,
                                name);
    *out = json_string_value(v);
    return 0;
}

int cosign_payload_parse(const char *data, size_t len, const char *what, struct cosign_payload *out,
                         struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *root = NULL;
    int rc = json_load_document(data, len, what, COSIGN_MAX_PAYLOAD, JSON_LOAD_OBJECT, &root, err);
    if (rc != 0)
        return rc;
    static const char *const top_keys[] = {"critical", "optional", NULL};
    static const char *const critical_keys[] = {"identity", "image", "type", NULL};
    static const char *const identity_keys[] = {"docker-reference", NULL};
    static const char *const image_keys[] = {"docker-manifest-digest", NULL};
    json_t *critical, *identity, *image, *optional;
    const char *type, *ref, *digest;
    if ((rc = only_keys(root, top_keys, what, "the payload", err)) != 0 ||
        (rc = object_member(root, "critical", what, "payload", &critical, err)) != 0 ||
        (rc = only_keys(critical, critical_keys, what, "critical", err)) != 0 ||
        (rc = string_member(critical, "type", what, "critical", &type, err)) != 0 ||
        (rc = object_member(critical, "identity", what, "critical", &identity, err)) != 0 ||
        (rc = only_keys(identity, identity_keys, what, "critical.identity", err)) != 0 ||
        (rc = object_member(critical, "image", what, "critical", &image, err)) != 0 ||
        (rc = only_keys(image, image_keys, what, "critical.image", err)) != 0 ||
        (rc = string_member(identity, "docker-reference", what, "critical.identity", &ref, err)) !=
            0 ||
        (rc = string_member(image, "docker-manifest-digest", what, "critical.image", &digest,
                            err)) != 0 ||
        (rc = member(root, "optional", what, "the payload", &optional, err)) != 0)
        goto done;
    if (strcmp(type, COSIGN_PAYLOAD_TYPE) != 0) {
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: critical.type is \"%.80s\", not \"" COSIGN_PAYLOAD_TYPE "\"",
                              what, type);
        goto done;
    }
    if (!digest_is_valid_sha256(digest)) {
        rc = strata_error_set(err, STRATA_EFORMAT,
                              "%s: critical.image.docker-manifest-digest \"%.80s\" is not a "
                              "sha256 digest",
                              what, digest);
        goto done;
    }
    if (strlen(ref) > COSIGN_MAX_REFERENCE) {
        rc = strata_error_set(err, STRATA_ELIMIT,
                              "%s: critical.identity.docker-reference longer than %u bytes", what,
                              COSIGN_MAX_REFERENCE);
        goto done;
    }
    if (optional != NULL && !json_is_null(optional) && !json_is_object(optional)) {
        rc = strata_error_set(err, STRATA_EFORMAT, "%s: optional is neither null nor an object",
                              what);
        goto done;
    }
    out->docker_reference = strdup(ref);
    out->digest = strdup(digest);
    if (optional != NULL && json_is_object(optional))
        out->optional = json_dumps(optional, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (out->docker_reference == NULL || out->digest == NULL ||
        (optional != NULL && json_is_object(optional) && out->optional == NULL)) {
        cosign_payload_release(out);
        rc = strata_error_nomem(err);
    }
done:
    json_decref(root);
    return rc;
}

void cosign_payload_release(struct cosign_payload *p)
{
    free(p->docker_reference);
    free(p->digest);
    free(p->optional);
    memset(p, 0, sizeof *p);
}
