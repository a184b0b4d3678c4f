/* The K8S-nnn rules: hardening beyond the Pod Security Standards, RBAC, Services and
 * NetworkPolicy coverage (docs/config-kubernetes.md, "Rules"). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "checks/k8s_check.h"
#include "core/strbuf.h"

enum {
    R_READONLY_ROOT,
    R_REQUESTS,
    R_LIMITS,
    R_LIVENESS,
    R_READINESS,
    R_LATEST,
    R_DIGEST,
    R_PULL_POLICY,
    R_AUTOMOUNT,
    R_DEFAULT_SA,
    R_RUNTIME_SOCKET,
    R_ENV_SECRET,
    R_HOST_ALIASES,
    R_CLUSTER_ADMIN,
    R_RBAC_WILDCARD,
    R_SERVICE_EXPOSED,
    R_NO_NETPOL,
    R_COUNT
};

const struct k8s_rule_info k8s_rules[R_COUNT] = {
    [R_READONLY_ROOT] = {"K8S-001", "Root filesystem is writable", "MEDIUM",
                         "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir "
                         "where the application writes."},
    [R_REQUESTS] = {"K8S-002", "No CPU or memory request", "LOW",
                    "Set resources.requests.cpu and resources.requests.memory."},
    [R_LIMITS] = {"K8S-003", "No CPU or memory limit", "MEDIUM",
                  "Set resources.limits.cpu and resources.limits.memory."},
    [R_LIVENESS] = {"K8S-004", "No liveness probe", "LOW",
                    "Add a livenessProbe so the kubelet restarts a hung container."},
    [R_READINESS] = {"K8S-005", "No readiness probe", "LOW",
                     "Add a readinessProbe so traffic only reaches a ready container."},
    [R_LATEST] = {"K8S-006", "Image tag is latest or missing", "MEDIUM",
                  "Use a versioned tag, best pinned by digest (image@sha256:…)."},
    [R_DIGEST] = {"K8S-007", "Image is not pinned by digest", "LOW",
                  "Pin the image by digest (image:tag@sha256:…) so every node runs the same "
                  "bytes."},
    [R_PULL_POLICY] = {"K8S-008", "Mutable image tag without imagePullPolicy Always", "LOW",
                       "Pin the image by digest, or set imagePullPolicy: Always."},
    [R_AUTOMOUNT] = {"K8S-009", "Service account token is mounted", "MEDIUM",
                     "Set automountServiceAccountToken: false on the pod (or its ServiceAccount) "
                     "unless it talks to the API server."},
    [R_DEFAULT_SA] = {"K8S-010", "Pod uses the default service account", "LOW",
                      "Create a ServiceAccount for the workload and set serviceAccountName."},
    [R_RUNTIME_SOCKET] = {"K8S-011", "Container runtime socket mounted", "CRITICAL",
                          "Do not mount the Docker, containerd or CRI-O socket (or a directory "
                          "holding it): it gives root on the node."},
    [R_ENV_SECRET] = {"K8S-012", "Secret in an environment variable value", "HIGH",
                      "Move the value into a Secret and use valueFrom.secretKeyRef."},
    [R_HOST_ALIASES] = {"K8S-013", "hostAliases overrides name resolution", "LOW",
                        "Remove hostAliases; use DNS (a Service or an ExternalName)."},
    [R_CLUSTER_ADMIN] = {"K8S-014", "Binding to cluster-admin", "CRITICAL",
                         "Bind a Role or ClusterRole with only the verbs and resources needed."},
    [R_RBAC_WILDCARD] = {"K8S-015", "RBAC rule with a wildcard", "HIGH",
                         "List the apiGroups, resources and verbs the subject needs instead of *."},
    [R_SERVICE_EXPOSED] = {"K8S-016", "Service exposed on the nodes or a load balancer", "MEDIUM",
                           "Use a ClusterIP Service behind an Ingress or Gateway with "
                           "authentication, or restrict loadBalancerSourceRanges."},
    [R_NO_NETPOL] = {"K8S-017", "Namespace without a NetworkPolicy", "MEDIUM",
                     "Add a default-deny NetworkPolicy to the namespace and allow only the "
                     "traffic the workloads need."},
};
const size_t k8s_n_rules = R_COUNT;

static int emit(struct k8s_run *r, int rule, const struct ky_node *at, const char *resource,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int emit(struct k8s_run *r, int rule, const struct ky_node *at, const char *resource,
                const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const struct k8s_rule_info *i = &k8s_rules[rule];
    return k8s_emit(r, i->id, i->title, i->severity, at ? at->line : 0, at ? at->col : 0, resource,
                    i->remediation, "%s", msg);
}

static int on(const struct k8s_run *r, int rule)
{
    return k8s_enabled(r, k8s_rules[rule].id);
}

/* ---- containers ---- */

struct image_ref {
    int digest; /* @sha256:… */
    int tag;    /* :tag after the last '/' */
    int latest; /* the tag is latest */
};

static void parse_image(const struct ky_node *img, struct image_ref *ref)
{
    memset(ref, 0, sizeof *ref);
    const char *s = img->text;
    size_t n = img->len;
    const char *at = memchr(s, '@', n);
    if (at != NULL) {
        ref->digest = 1;
        n = (size_t)(at - s);
    }
    size_t slash = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/')
            slash = i + 1;
    const char *colon = memchr(s + slash, ':', n - slash);
    if (colon != NULL) {
        ref->tag = 1;
        size_t tl = n - (size_t)(colon + 1 - s);
        ref->latest = tl == 6 && memcmp(colon + 1, "latest", 6) == 0;
    }
}

static int image_rules(struct k8s_run *r, const struct k8s_workload *w,
                       const struct k8s_container *c, const char *res)
{
    struct ky_node *ik;
    const struct ky_node *img = ky_get_key(c->node, "image", &ik);
    if (!ky_is_scalar(img) || ky_is_null(img) || img->len == 0)
        return 0;
    (void)w;
    struct image_ref ref;
    parse_image(img, &ref);
    char shown[160];
    ky_show(img, shown, sizeof shown);
    int rc = 0;
    if (!ref.digest && (!ref.tag || ref.latest) && on(r, R_LATEST))
        rc = emit(r, R_LATEST, ik, res, "%s.image %s %s", c->path, shown,
                  ref.tag ? "uses the latest tag" : "has no tag, so latest is pulled");
    if (rc == 0 && !ref.digest && ref.tag && !ref.latest && on(r, R_DIGEST))
        rc = emit(r, R_DIGEST, ik, res, "%s.image %s is not pinned by digest", c->path, shown);
    if (rc == 0 && !ref.digest && on(r, R_PULL_POLICY)) {
        /* Kubernetes defaults imagePullPolicy to Always for latest or no tag, else
         * IfNotPresent: a node then keeps whatever it pulled under that tag first. */
        struct ky_node *pk;
        const struct ky_node *policy = ky_get_key(c->node, "imagePullPolicy", &pk);
        char ps[64];
        if (ky_is_null(policy) && ref.tag && !ref.latest)
            rc = emit(r, R_PULL_POLICY, ik, res,
                      "%s.image %s has a mutable tag and imagePullPolicy defaults to IfNotPresent",
                      c->path, shown);
        else if (!ky_is_null(policy) && !ky_eq(policy, "Always"))
            rc = emit(r, R_PULL_POLICY, pk, res,
                      "%s.image %s has a mutable tag and imagePullPolicy is %s", c->path, shown,
                      ky_show(policy, ps, sizeof ps));
    }
    return rc;
}

static int resource_rules(struct k8s_run *r, const struct k8s_container *c, const char *res)
{
    struct ky_node *rk;
    const struct ky_node *resources = ky_get_key(c->node, "resources", &rk);
    const struct ky_node *at = rk ? rk : c->at;
    static const int rules[2] = {R_REQUESTS, R_LIMITS};
    static const char *const part[2] = {"requests", "limits"};
    for (int i = 0; i < 2; i++) {
        if (!on(r, rules[i]))
            continue;
        const struct ky_node *m = ky_get(resources, part[i]);
        int cpu = !ky_is_null(ky_get(m, "cpu")), mem = !ky_is_null(ky_get(m, "memory"));
        if (cpu && mem)
            continue;
        int rc = emit(r, rules[i], at, res, "%s.resources.%s has no %s", c->path, part[i],
                      !cpu && !mem ? "cpu and no memory"
                      : !cpu       ? "cpu"
                                   : "memory");
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* A literal value of an env variable named like a credential. "$(VAR)" references and empty
 * values are not secrets. */
static int env_rules(struct k8s_run *r, const struct k8s_container *c, const char *res)
{
    const struct ky_node *env = ky_get(c->node, "env");
    for (uint32_t i = 0; ky_is_seq(env) && i < env->n; i++) {
        const struct ky_node *e = env->kids[i];
        const struct ky_node *name = ky_get(e, "name");
        struct ky_node *vk;
        const struct ky_node *value = ky_get_key(e, "value", &vk);
        if (!ky_is_scalar(name) || !ky_is_scalar(value) || ky_is_null(value) || value->len == 0)
            continue;
        if (!checks_key_is_secret(name->text, name->len))
            continue;
        if (value->len >= 3 && memcmp(value->text, "$(", 2) == 0 &&
            value->text[value->len - 1] == ')' && !memchr(value->text + 2, ')', value->len - 3))
            continue;
        struct strbuf red = STRBUF_INIT;
        if (checks_redact_value(&red, value->text, value->len) != 0) {
            strbuf_release(&red);
            return strata_error_nomem(r->err);
        }
        char shown_name[128], shown_value[64];
        ky_show(name, shown_name, sizeof shown_name);
        ky_show_bytes(red.buf, red.len, shown_value, sizeof shown_value);
        strbuf_release(&red);
        int rc = emit(r, R_ENV_SECRET, vk, res, "%s.env[%u] %s has a literal value (%s)", c->path,
                      i, shown_name, shown_value);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int container_rules(struct k8s_run *r, const struct k8s_workload *w,
                           const struct k8s_container *c)
{
    char res[K8S_RESOURCE_MAX + K8S_NAME_MAX + 32];
    k8s_container_resource(w, c, res, sizeof res);
    int rc = 0;
    int runs = c->type != K8S_EPHEMERAL; /* ephemeral containers take no resources or probes */
    if (runs && on(r, R_READONLY_ROOT)) {
        struct ky_node *k;
        const struct ky_node *ro = ky_get_key(c->sc, "readOnlyRootFilesystem", &k);
        if (ky_bool(ro) != 1) {
            char b[64];
            rc = k ? emit(r, R_READONLY_ROOT, k, res,
                          "%s.securityContext.readOnlyRootFilesystem is %s", c->path,
                          ky_show(ro, b, sizeof b))
                   : emit(r, R_READONLY_ROOT, c->at, res,
                          "%s.securityContext.readOnlyRootFilesystem is not set", c->path);
        }
    }
    if (rc == 0 && runs)
        rc = resource_rules(r, c, res);
    if (rc == 0 && c->type == K8S_CONTAINER && !w->run_to_finish) {
        if (on(r, R_LIVENESS) && ky_is_null(ky_get(c->node, "livenessProbe")))
            rc = emit(r, R_LIVENESS, c->at, res, "%s has no livenessProbe", c->path);
        if (rc == 0 && on(r, R_READINESS) && ky_is_null(ky_get(c->node, "readinessProbe")))
            rc = emit(r, R_READINESS, c->at, res, "%s has no readinessProbe", c->path);
    }
    if (rc == 0)
        rc = image_rules(r, w, c, res);
    if (rc == 0 && on(r, R_ENV_SECRET))
        rc = env_rules(r, c, res);
    return rc;
}

/* ---- the pod ---- */

/* Normalises an absolute path into buf: no empty or "." segments, ".." applied. */
static void norm_path(const char *p, size_t n, char *buf, size_t max)
{
    size_t o = 0;
    size_t i = 0;
    buf[0] = '\0';
    while (i < n) {
        while (i < n && p[i] == '/')
            i++;
        size_t s = i;
        while (i < n && p[i] != '/')
            i++;
        size_t l = i - s;
        if (l == 0 || (l == 1 && p[s] == '.'))
            continue;
        if (l == 2 && p[s] == '.' && p[s + 1] == '.') {
            while (o > 0 && buf[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            buf[o] = '\0';
            continue;
        }
        if (o + 1 + l + 1 > max) {
            snprintf(buf, max, "/?");
            return;
        }
        buf[o++] = '/';
        memcpy(buf + o, p + s, l);
        o += l;
        buf[o] = '\0';
    }
    if (o == 0)
        snprintf(buf, max, "/");
}

/* A hostPath that is a container runtime socket, or a directory holding one. */
int k8s_runtime_socket(const struct ky_node *path)
{
    static const char *const sockets[] = {"/var/run/docker.sock",
                                          "/run/docker.sock",
                                          "/var/run/containerd/containerd.sock",
                                          "/run/containerd/containerd.sock",
                                          "/var/run/crio/crio.sock",
                                          "/run/crio/crio.sock",
                                          "/var/run/cri-dockerd.sock",
                                          "/run/cri-dockerd.sock",
                                          "/var/run/dockershim.sock",
                                          "/run/k3s/containerd/containerd.sock",
                                          "/var/snap/microk8s/common/run/containerd.sock",
                                          NULL};
    static const char *const names[] = {"docker.sock",      "containerd.sock", "crio.sock",
                                        "cri-dockerd.sock", "dockershim.sock", NULL};
    if (!ky_is_scalar(path) || path->len == 0)
        return 0;
    char p[512];
    norm_path(path->text, path->len, p, sizeof p);
    const char *base = strrchr(p, '/') + 1;
    for (size_t i = 0; names[i]; i++)
        if (strcmp(base, names[i]) == 0)
            return 1;
    size_t pl = strlen(p);
    for (size_t i = 0; sockets[i]; i++)
        if (strcmp(p, "/") == 0 || (strncmp(sockets[i], p, pl) == 0 && sockets[i][pl] == '/'))
            return 1;
    return 0;
}

static int pod_rules(struct k8s_run *r, const struct k8s_workload *w)
{
    const char *res = w->o->resource;
    int rc = 0;
    if (on(r, R_RUNTIME_SOCKET)) {
        const struct ky_node *vols = ky_get(w->spec, "volumes");
        for (uint32_t i = 0; rc == 0 && ky_is_seq(vols) && i < vols->n; i++) {
            struct ky_node *pk;
            const struct ky_node *path = ky_get_key(ky_get(vols->kids[i], "hostPath"), "path", &pk);
            char b[160];
            if (k8s_runtime_socket(path))
                rc = emit(r, R_RUNTIME_SOCKET, pk, res,
                          "%s.volumes[%u] mounts %s from the node, a container runtime socket",
                          w->spec_path, i, ky_show(path, b, sizeof b));
        }
    }
    if (rc == 0 && on(r, R_HOST_ALIASES)) {
        struct ky_node *k;
        const struct ky_node *ha = ky_get_key(w->spec, "hostAliases", &k);
        if (ky_is_seq(ha) && ha->n > 0)
            rc = emit(r, R_HOST_ALIASES, k, res, "%s.hostAliases writes %u entr%s into /etc/hosts",
                      w->spec_path, ha->n, ha->n == 1 ? "y" : "ies");
    }
    struct ky_node *sak;
    const struct ky_node *sa = ky_get_key(w->spec, "serviceAccountName", &sak);
    if (ky_is_null(sa))
        sa = ky_get_key(w->spec, "serviceAccount", &sak); /* the deprecated alias */
    int default_sa = ky_is_null(sa) || !ky_is_scalar(sa) || sa->len == 0 || ky_eq(sa, "default");
    if (rc == 0 && on(r, R_DEFAULT_SA) && default_sa)
        rc = ky_is_null(sa) ? emit(r, R_DEFAULT_SA, w->spec_key, res,
                                   "%s.serviceAccountName is not set: the pod runs as the "
                                   "namespace's default ServiceAccount",
                                   w->spec_path)
                            : emit(r, R_DEFAULT_SA, sak, res, "%s.serviceAccountName is default",
                                   w->spec_path);
    if (rc == 0 && on(r, R_AUTOMOUNT)) {
        struct ky_node *k;
        const struct ky_node *am = ky_get_key(w->spec, "automountServiceAccountToken", &k);
        char b[64];
        if (ky_bool(am) == 0) {
            /* the pod opts out */
        } else if (!ky_is_null(am)) {
            rc = emit(r, R_AUTOMOUNT, k, res, "%s.automountServiceAccountToken is %s", w->spec_path,
                      ky_bool(am) == 1 ? "true" : ky_show(am, b, sizeof b));
        } else {
            /* Unset: the ServiceAccount decides. Held until the ServiceAccounts of the file
             * (or of the run) are known. */
            char sa_name[K8S_NAME_MAX], key[2 * K8S_NAME_MAX + 2];
            if (default_sa)
                snprintf(sa_name, sizeof sa_name, "default");
            else
                ky_show(sa, sa_name, sizeof sa_name);
            snprintf(key, sizeof key, "%s/%s", w->o->ns, sa_name);
            if (r->n_def == r->cap_def) {
                size_t cap = r->cap_def ? r->cap_def * 2 : 16;
                struct k8s_deferred *d = realloc(r->def, cap * sizeof *d);
                if (d == NULL)
                    return strata_error_nomem(r->err);
                r->def = d;
                r->cap_def = cap;
            }
            struct k8s_deferred *d = &r->def[r->n_def];
            d->sa_key = arena_strdup(&r->mem, key);
            d->sa_name_at = strlen(w->o->ns) + 1;
            d->spec_path = w->spec_path;
            d->resource = arena_strdup(&r->mem, res);
            d->line = w->spec_key->line;
            d->col = w->spec_key->col;
            if (!d->sa_key || !d->resource)
                return strata_error_nomem(r->err);
            r->n_def++;
        }
    }
    return rc;
}

/* The first workload of each namespace, for K8S-017. */
static int note_namespace(struct k8s_run *r, const struct k8s_workload *w)
{
    if (strmap_get(&r->seen_index, w->o->ns) != NULL)
        return 0;
    if (r->n_seen == r->cap_seen) {
        size_t cap = r->cap_seen ? r->cap_seen * 2 : 8;
        struct k8s_ns_seen *s = realloc(r->seen, cap * sizeof *s);
        if (s == NULL)
            return strata_error_nomem(r->err);
        r->seen = s;
        r->cap_seen = cap;
    }
    struct k8s_ns_seen *s = &r->seen[r->n_seen];
    s->ns = arena_strdup(&r->mem, w->o->ns);
    s->resource = arena_strdup(&r->mem, w->o->resource);
    s->line = w->o->kind_key->line;
    s->col = w->o->kind_key->col;
    if (!s->ns || !s->resource || strmap_put(&r->seen_index, s->ns, s) != 0)
        return strata_error_nomem(r->err);
    r->n_seen++;
    return 0;
}

int k8s_rules_workload(struct k8s_run *r, const struct k8s_workload *w)
{
    int rc = pod_rules(r, w);
    for (size_t i = 0; rc == 0 && i < w->n_c; i++)
        rc = container_rules(r, w, &w->c[i]);
    if (rc == 0 && on(r, R_NO_NETPOL))
        rc = note_namespace(r, w);
    return rc;
}

/* ---- other objects ---- */

static int binding_rules(struct k8s_run *r, const struct k8s_object *o)
{
    const struct ky_node *ref = ky_get(o->obj, "roleRef");
    struct ky_node *nk;
    const struct ky_node *name = ky_get_key(ref, "name", &nk);
    const struct ky_node *kind = ky_get(ref, "kind");
    if (!ky_eq(name, "cluster-admin") || !(ky_is_null(kind) || ky_eq(kind, "ClusterRole")))
        return 0;
    /* The subjects, for the message: "User alice, ServiceAccount ns/ci". */
    struct strbuf sb = STRBUF_INIT;
    const struct ky_node *subjects = ky_get(o->obj, "subjects");
    int rc = 0;
    for (uint32_t i = 0; ky_is_seq(subjects) && i < subjects->n && rc == 0; i++) {
        if (i == 4) {
            rc = strbuf_addf(&sb, ", and %u more", subjects->n - 4);
            break;
        }
        const struct ky_node *s = subjects->kids[i];
        char k[64], n[128], ns[128];
        const struct ky_node *sns = ky_get(s, "namespace");
        rc = strbuf_addf(&sb, "%s%s %s%s%s", i ? ", " : "", ky_show(ky_get(s, "kind"), k, sizeof k),
                         ky_is_null(sns) ? "" : ky_show(sns, ns, sizeof ns),
                         ky_is_null(sns) ? "" : "/", ky_show(ky_get(s, "name"), n, sizeof n));
    }
    if (rc != 0) {
        strbuf_release(&sb);
        return strata_error_nomem(r->err);
    }
    const struct k8s_rule_info *ri = &k8s_rules[R_CLUSTER_ADMIN];
    int cluster = strcmp(o->kind, "ClusterRoleBinding") == 0;
    rc = k8s_emit(r, ri->id, ri->title, cluster ? "CRITICAL" : "HIGH", nk->line, nk->col,
                  o->resource, ri->remediation, "%s grants cluster-admin%s to %s", o->kind,
                  cluster ? " on the whole cluster" : " in its namespace",
                  sb.len ? sb.buf : "no subject");
    strbuf_release(&sb);
    return rc;
}

static int role_rules(struct k8s_run *r, const struct k8s_object *o)
{
    static const char *const fields[] = {"apiGroups", "resources", "verbs"};
    const struct ky_node *rules = ky_get(o->obj, "rules");
    for (uint32_t i = 0; ky_is_seq(rules) && i < rules->n; i++) {
        for (size_t f = 0; f < 3; f++) {
            const struct ky_node *list = ky_get(rules->kids[i], fields[f]);
            for (uint32_t j = 0; ky_is_seq(list) && j < list->n; j++) {
                if (!ky_eq(list->kids[j], "*"))
                    continue;
                int rc = emit(r, R_RBAC_WILDCARD, list->kids[j], o->resource,
                              "%s rules[%u].%s has *", o->kind, i, fields[f]);
                if (rc != 0)
                    return rc;
                break;
            }
        }
    }
    return 0;
}

static int service_rules(struct k8s_run *r, const struct k8s_object *o)
{
    struct ky_node *k;
    const struct ky_node *type = ky_get_key(ky_get(o->obj, "spec"), "type", &k);
    if (ky_eq(type, "NodePort"))
        return emit(r, R_SERVICE_EXPOSED, k, o->resource,
                    "Service type NodePort opens its port on every node");
    if (ky_eq(type, "LoadBalancer"))
        return emit(r, R_SERVICE_EXPOSED, k, o->resource,
                    "Service type LoadBalancer exposes it through an external load balancer");
    return 0;
}

static int put_key(struct k8s_run *r, struct strmap *m, const char *key)
{
    if (strmap_get(m, key) != NULL)
        return 0;
    char *k = arena_strdup(&r->mem, key);
    if (k == NULL || strmap_put(m, k, k) != 0)
        return strata_error_nomem(r->err);
    return 0;
}

int k8s_rules_object(struct k8s_run *r, const struct k8s_object *o)
{
    if ((strcmp(o->kind, "ClusterRoleBinding") == 0 || strcmp(o->kind, "RoleBinding") == 0) &&
        on(r, R_CLUSTER_ADMIN))
        return binding_rules(r, o);
    if ((strcmp(o->kind, "ClusterRole") == 0 || strcmp(o->kind, "Role") == 0) &&
        on(r, R_RBAC_WILDCARD))
        return role_rules(r, o);
    if (strcmp(o->kind, "Service") == 0 && on(r, R_SERVICE_EXPOSED))
        return service_rules(r, o);
    if (strcmp(o->kind, "NetworkPolicy") == 0)
        return put_key(r, &r->netpol_ns, o->ns);
    if (strcmp(o->kind, "ServiceAccount") == 0 &&
        ky_bool(ky_get(o->obj, "automountServiceAccountToken")) == 0) {
        char key[2 * K8S_NAME_MAX + 2];
        snprintf(key, sizeof key, "%s/%s", o->ns, o->name);
        return put_key(r, &r->sa_no_token, key);
    }
    return 0;
}

void k8s_automount_finding(const struct k8s_deferred *d, char *msg, size_t max,
                           struct config_finding *f)
{
    const struct k8s_rule_info *ri = &k8s_rules[R_AUTOMOUNT];
    snprintf(msg, max,
             "%s.automountServiceAccountToken is not set and ServiceAccount %s does not "
             "set it to false in the files checked: the API token is mounted",
             d->spec_path, d->sa_key + d->sa_name_at);
    *f = (struct config_finding){
        .id = ri->id,
        .title = ri->title,
        .severity = ri->severity,
        .line = (int)d->line,
        .column = (int)d->col,
        .resource = d->resource,
        .message = msg,
        .remediation = ri->remediation,
    };
}

void k8s_netpol_finding(const struct k8s_ns_seen *s, char *res, size_t res_max, char *msg,
                        size_t max, struct config_finding *f)
{
    const struct k8s_rule_info *ri = &k8s_rules[R_NO_NETPOL];
    snprintf(res, res_max, "Namespace/%s", s->ns);
    snprintf(msg, max,
             "namespace %s has workloads (the first: %s) but no NetworkPolicy in "
             "the files checked, so all pod traffic is allowed",
             s->ns, s->resource);
    *f = (struct config_finding){
        .id = ri->id,
        .title = ri->title,
        .severity = ri->severity,
        .line = (int)s->line,
        .column = (int)s->col,
        .resource = res,
        .message = msg,
        .remediation = ri->remediation,
    };
}

static int emit_finding(struct k8s_run *r, const struct config_finding *f)
{
    return k8s_emit(r, f->id, f->title, f->severity, (uint32_t)f->line, (uint32_t)f->column,
                    f->resource, f->remediation, "%s", f->message);
}

int k8s_rules_finish(struct k8s_run *r)
{
    /* the framework's run: the other files may settle them */
    if (r->wide != NULL)
        return k8s_wide_add_file(r->wide, r);
    char msg[1024], res[K8S_NAME_MAX + 16];
    struct config_finding f;
    for (size_t i = 0; i < r->n_def; i++) {
        const struct k8s_deferred *d = &r->def[i];
        if (strmap_get(&r->sa_no_token, d->sa_key) != NULL)
            continue;
        k8s_automount_finding(d, msg, sizeof msg, &f);
        int rc = emit_finding(r, &f);
        if (rc != 0)
            return rc;
    }
    for (size_t i = 0; i < r->n_seen; i++) {
        const struct k8s_ns_seen *s = &r->seen[i];
        if (strmap_get(&r->netpol_ns, s->ns) != NULL)
            continue;
        k8s_netpol_finding(s, res, sizeof res, msg, sizeof msg, &f);
        int rc = emit_finding(r, &f);
        if (rc != 0)
            return rc;
    }
    return 0;
}
