#!/usr/bin/env bash
# Benchmark (not a test): `strata config` on a generated set of 10,000 Kubernetes manifests in
# one file (Deployments of varied hardness with init containers and probes, Services,
# ServiceAccounts, Roles, RoleBindings, and a NetworkPolicy per namespace, 50 namespaces),
# next to YAML parsing alone: Python's yaml.safe_load_all (PyYAML, as `python3 -c` runs it)
# and yq when installed. strata's time is the full check (parse, every PSS control, every
# K8S rule, the score, the JSON report). Best of 3 wall times each (BEST_OF=N to change).
# Usage: bench/config.sh [WORK_DIR]; STRATA=path/to/strata to use another build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
strata=${STRATA:-$root/build/strata}
work=${1:-$root/build/bench}
[ -x "$strata" ] || make -C "$root" build/strata >/dev/null
if ! "$strata" config --help >/dev/null 2>&1; then
    echo "bench: this strata has no config command yet" >&2
    exit 2
fi
py=/usr/bin/python3
if ! "$py" -c 'import yaml' 2>/dev/null; then
    echo "bench: $py has no yaml module: apt-get install python3-yaml" >&2
    exit 2
fi
mkdir -p "$work"
set_file="$work/manifests-10k.yaml"

"$py" - "$set_file" <<'EOF'
import random, sys
random.seed(6)
out = []
namespaces = ["team-%02d" % i for i in range(50)]
def deployment(ns, app, hard):
    sc = ("      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n"
          "        seccompProfile:\n          type: RuntimeDefault\n") if hard else ""
    csc = ("          securityContext:\n            allowPrivilegeEscalation: false\n"
           "            readOnlyRootFilesystem: true\n            capabilities:\n"
           "              drop: [\"ALL\"]\n") if hard else (
           "          securityContext:\n            privileged: true\n" if random.random() < 0.1 else "")
    image = ("registry.example.com/%s/%s:1.%d.%d@sha256:%064x" % (ns, app, random.randrange(20), random.randrange(9), random.getrandbits(256))
             if hard else random.choice(["nginx:latest", "redis", "registry.example.com/%s/%s:2.1" % (ns, app)]))
    host = "      hostNetwork: true\n" if not hard and random.random() < 0.05 else ""
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {app}
    app.kubernetes.io/part-of: shop
spec:
  replicas: {random.randrange(1, 6)}
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
  strategy:
    type: RollingUpdate
    rollingUpdate: {{maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {app}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: {app}
      automountServiceAccountToken: false
{host}{sc}      initContainers:
        - name: wait-for-db
          image: {image}
          command: ["/bin/wait-for", "db:5432", "--timeout=60"]
{csc}          resources:
            requests: {{cpu: 10m, memory: 16Mi}}
            limits: {{cpu: 50m, memory: 32Mi}}
      containers:
        - name: {app}
          image: {image}
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--log-level=info"]
          ports:
            - name: http
              containerPort: 8080
            - name: metrics
              containerPort: 9090
          env:
            - name: DB_HOST
              value: db.{ns}.svc.cluster.local
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {{name: {app}-db, key: password}}
            - name: LOG_FORMAT
              value: json
{csc}          resources:
            requests:
              cpu: {random.choice(["100m", "250m", "500m"])}
              memory: {random.choice(["128Mi", "256Mi", "512Mi"])}
            limits:
              cpu: "1"
              memory: 1Gi
          livenessProbe:
            httpGet: {{path: /healthz, port: http}}
            initialDelaySeconds: 5
            periodSeconds: 10
          readinessProbe:
            httpGet: {{path: /ready, port: http}}
            periodSeconds: 5
          volumeMounts:
            - {{name: tmp, mountPath: /tmp}}
            - {{name: config, mountPath: /etc/{app}, readOnly: true}}
      volumes:
        - name: tmp
          emptyDir: {{sizeLimit: 64Mi}}
        - name: config
          configMap: {{name: {app}}}
"""
def service(ns, app):
    t = random.choice(["ClusterIP"] * 8 + ["NodePort", "LoadBalancer"])
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {app}
  namespace: {ns}
spec:
  type: {t}
  selector:
    app.kubernetes.io/name: {app}
  ports:
    - name: http
      port: 80
      targetPort: http
"""
def service_account(ns, app):
    return f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: {app}
  namespace: {ns}
automountServiceAccountToken: false
"""
def role(ns, app):
    verbs = '["*"]' if random.random() < 0.05 else '["get", "list", "watch"]'
    return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {app}
  namespace: {ns}
rules:
  - apiGroups: [""]
    resources: ["configmaps", "secrets"]
    resourceNames: ["{app}", "{app}-db"]
    verbs: {verbs}
"""
def binding(ns, app):
    role_ref = "kind: ClusterRole\n  name: cluster-admin" if random.random() < 0.01 else f"kind: Role\n  name: {app}"
    return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {app}
  namespace: {ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  {role_ref}
subjects:
  - kind: ServiceAccount
    name: {app}
    namespace: {ns}
"""
def netpol(ns):
    return f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: {ns}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
"""
for ns in namespaces:
    out.append(netpol(ns))
for i in range(1990):
    ns = namespaces[i % len(namespaces)]
    app = "svc-%04d" % i
    hard = random.random() < 0.6
    out += [deployment(ns, app, hard), service(ns, app), service_account(ns, app), role(ns, app), binding(ns, app)]
assert len(out) == 10000
open(sys.argv[1], "w").write("---\n".join(out))
EOF

best() { # best wall time in seconds of the command, over BEST_OF runs (default 3)
    local b="" t
    for _ in $(seq "${BEST_OF:-3}"); do
        /usr/bin/time -f '%e' -o "$work/time.out" "$@" >/dev/null 2>&1 || true
        t=$(tail -1 "$work/time.out")
        if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN{exit !(a<b)}'; then b=$t; fi
    done
    echo "$b"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", (b>0?a/b:0)}'; }

size=$(du -m "$set_file" | cut -f1)
lines=$(wc -l <"$set_file")
"$strata" config -q -f json -o "$work/config-10k.json" "$set_file" || true
found=$("$py" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r["misconfigurations"]), "findings,", len(r["pss"]), "workloads")' "$work/config-10k.json")
echo "manifest set: 10000 documents, $lines lines, ${size} MB ($set_file); strata: $found"
t_strata=$(best "$strata" config -q -f json -o /dev/null "$set_file")
t_py=$(best "$py" -c 'import yaml,sys; list(yaml.safe_load_all(open(sys.argv[1])))' "$set_file")
echo "strata config (full check, JSON report)      ${t_strata} s"
echo "python3 yaml.safe_load_all (parse only)      ${t_py} s   ($(ratio "$t_py" "$t_strata")x strata's time)"
if "$py" -c 'import yaml; yaml.CSafeLoader' 2>/dev/null; then
    t_pyc=$(best "$py" -c 'import yaml,sys; list(yaml.load_all(open(sys.argv[1]), Loader=yaml.CSafeLoader))' "$set_file")
    echo "python3 yaml CSafeLoader (libyaml, parse)    ${t_pyc} s   ($(ratio "$t_pyc" "$t_strata")x strata's time)"
fi
if command -v yq >/dev/null; then
    yq_help=$(yq --help 2>&1 || true)
    if [[ "$yq_help" == *"jq wrapper"* ]]; then
        t_yq=$(best yq -c . "$set_file") # kislyuk's yq: PyYAML (libyaml loader), then jq
    else
        t_yq=$(best yq eval-all -o=json '.' "$set_file") # mikefarah's yq
    fi
    echo "yq . (parse, convert to JSON)                ${t_yq} s   ($(ratio "$t_yq" "$t_strata")x strata's time)"
else
    echo "yq: not installed"
fi
if awk -v s="$t_strata" -v p="$t_py" 'BEGIN{exit !(s<p)}'; then
    echo "target met: strata's full check is faster than Python merely parsing the YAML"
else
    echo "target missed: strata's full check is not faster than Python parsing"
fi
