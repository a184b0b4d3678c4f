#!/usr/bin/env python3
"""Generates a Kubernetes cluster for bench/netpol.sh: NS namespaces, WL Deployments and POL
NetworkPolicies (argv: outdir NS WL POL [seed [apps per namespace, default 12]]), shaped like
real ones: a few apps per namespace, each with several Deployments sharing app/tier labels, named container ports, a default-deny
(with DNS egress) in half the namespaces and allow policies by app label whose rule has three
peers (pods, namespaces+pods, an ipBlock with except), a named port and an endPort range.
Written as several files in outdir (namespaces.yaml, workloads-NNN.yaml of 5,000 Deployments,
policies-NNN.yaml of 2,000 policies), the way a cluster's manifests are kept, each well under
the 16 MiB a manifest file may have."""
import os
import random, sys
out, NS, WL, POL = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 7)
APPS = int(sys.argv[6]) if len(sys.argv) > 6 else 12
teams = ["payments", "search", "auth", "web", "data"]
os.makedirs(out, exist_ok=True)


class Chunks:
    """One file per `per` objects: prefix-000.yaml, prefix-001.yaml, ..."""

    def __init__(self, prefix, per):
        self.prefix, self.per, self.n, self.f = prefix, per, 0, None

    def write(self, text):
        if text.startswith("---\n"):
            if self.n % self.per == 0:
                if self.f:
                    self.f.close()
                self.f = open(os.path.join(out, "%s-%03d.yaml" % (self.prefix, self.n // self.per)), "w")
            self.n += 1
        self.f.write(text)

    def close(self):
        if self.f:
            self.f.close()


with open(os.path.join(out, "namespaces.yaml"), "w") as f:
    for n in range(NS):
        f.write("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns%d\n  labels:\n"
                "    team: %s\n    env: %s\n" % (n, teams[n % len(teams)], "prod" if n % 3 else "dev"))
f = Chunks("workloads", 5000)
if True:
    for w in range(WL):
        n, app = w % NS, rnd.randrange(APPS)
        tier = ["web", "api", "db"][app % 3]
        f.write("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d%d\n"
                "  namespace: ns%d\nspec:\n  template:\n    metadata:\n      labels:\n"
                "        app: app%d\n        tier: %s\n    spec:\n      containers:\n"
                "      - name: c\n        ports:\n        - {name: http, containerPort: %d}\n"
                "        - {name: metrics, containerPort: 9090}\n"
                % (w, n, app, tier, 8000 + app))
    f.close()
    f = Chunks("policies", 2000)
    p = 0
    while p < POL:
        n = (p // 2) % NS if p < 2 * NS else rnd.randrange(NS)
        f.write("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
                "  name: p%d\n  namespace: ns%d\nspec:\n" % (p, n))
        if p < 2 * NS and p % 2 == 0 and n % 2 == 0:
            f.write("  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"
                    "  egress:\n  - to:\n    - namespaceSelector: {}\n    ports:\n"
                    "    - {protocol: UDP, port: 53}\n")
        else:
            app = rnd.randrange(APPS)
            f.write("  podSelector:\n    matchLabels: {app: app%d}\n  ingress:\n  - from:\n" % app)
            # three peers: same-namespace pods, pods of some namespaces, an outside range
            f.write("    - podSelector:\n        matchLabels: {app: app%d}\n" % rnd.randrange(APPS))
            f.write("    - namespaceSelector:\n        matchLabels: {team: %s}\n"
                    "      podSelector:\n        matchExpressions:\n"
                    "        - {key: tier, operator: In, values: [web, api]}\n"
                    % rnd.choice(teams))
            b = rnd.randrange(256)
            f.write("    - ipBlock:\n        cidr: 10.%d.0.0/16\n        except: [10.%d.%d.0/24]\n"
                    % (b, b, rnd.randrange(256)))
            f.write("    ports:\n    - {port: http}\n    - {port: %d, endPort: %d}\n"
                    % (9000 + rnd.randrange(50), 9100 + rnd.randrange(50)))
            f.write("  egress:\n  - to:\n    - podSelector: {}\n  - ports:\n    - {port: 443}\n"
                    if rnd.randrange(3) == 0 else "")
        p += 1
    f.close()
