/* The Kubernetes manifest model (docs/config-kubernetes.md, "Model"): objects of a YAML
 * document (with `List` kinds' items), their resource names, and the pod spec of workloads
 * with their containers, init containers and ephemeral containers. Everything points into
 * the document's tree (k8s_yaml.h) and lives as long as it. */
#ifndef STRATA_CHECKS_K8S_MODEL_H
#define STRATA_CHECKS_K8S_MODEL_H

#include <stddef.h>

#include "checks/k8s_yaml.h"

#define K8S_NAME_MAX 264     /* shown names: a DNS subdomain is at most 253 bytes */
#define K8S_RESOURCE_MAX 640 /* "Kind/namespace/name" */
#define K8S_PATH_MAX 160     /* field paths in messages */
#define K8S_MAX_LIST_DEPTH 4 /* List items that are Lists, followed this deep */

/* One Kubernetes object: a mapping with string apiVersion and kind. */
struct k8s_object {
    const struct ky_node *obj;
    const struct ky_node *kind_key; /* where the object is reported as a whole */
    char kind[72];
    char ns[K8S_NAME_MAX];           /* metadata.namespace, "default" when absent */
    char name[K8S_NAME_MAX];         /* metadata.name, generateName + "*", or "<unnamed>" */
    int namespaced;                  /* 0 for ClusterRole, ClusterRoleBinding, Namespace, … */
    char resource[K8S_RESOURCE_MAX]; /* "Kind/ns/name", or "Kind/name" when not namespaced */
};

/* 1 and *o when node is a Kubernetes object, else 0. */
int k8s_object_init(struct k8s_object *o, const struct ky_node *node);

/* Calls fn on every object of a document: the root, or the items of a `*List` kind
 * (followed K8S_MAX_LIST_DEPTH deep). Stops at and returns fn's first non-zero result. */
int k8s_objects_each(const struct ky_node *root, int (*fn)(void *u, const struct k8s_object *o),
                     void *u);

enum k8s_ctype { K8S_CONTAINER, K8S_INIT, K8S_EPHEMERAL };

struct k8s_container {
    const struct ky_node *node; /* the container mapping */
    const struct ky_node *at;   /* its name key (or first key): where absent settings show */
    const struct ky_node *sc;   /* securityContext mapping, or NULL */
    enum k8s_ctype type;
    char name[K8S_NAME_MAX];
    char path[K8S_PATH_MAX]; /* "spec.template.spec.containers[0]" */
};

struct k8s_workload {
    const struct k8s_object *o;
    const struct ky_node *meta;     /* pod (template) metadata, may be NULL */
    const struct ky_node *spec;     /* pod spec mapping */
    const struct ky_node *spec_key; /* the key holding it: where absent pod settings show */
    const struct ky_node *psc;      /* spec.securityContext mapping, or NULL */
    const char *spec_path;          /* "spec", "spec.template.spec", … */
    const char *meta_path;
    struct k8s_container *c;
    size_t n_c;
    int windows;       /* spec.os.name is windows: Linux-only restricted controls skip */
    int run_to_finish; /* Job, CronJob: no probes expected */
};

/* 1 and *w (free with k8s_workload_free) when o is a workload kind with a pod spec mapping:
 * Pod, PodTemplate, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
 * Job, CronJob. 0 for anything else, STRATA_ENOMEM. */
int k8s_workload_init(struct k8s_workload *w, const struct k8s_object *o);
void k8s_workload_free(struct k8s_workload *w);

/* "container", "init container" or "ephemeral container". */
const char *k8s_ctype_name(enum k8s_ctype t);
/* The container's resource: "Deployment/ns/name container app". */
void k8s_container_resource(const struct k8s_workload *w, const struct k8s_container *c, char *buf,
                            size_t max);

#endif
