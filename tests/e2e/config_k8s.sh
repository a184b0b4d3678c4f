# `strata config` on Kubernetes manifests (docs/config-kubernetes.md): the fixtures of
# tests/fixtures/config/k8s give exactly their expected findings and PSS results in JSON; the
# table and SARIF positions; --pss levels with --exit-code; suppressions; stdin; a malformed
# and a hostile file among good ones; no secret value in clear in any format; K8S-009 and
# K8S-017 settled by other files of the run (a NetworkPolicy, a ServiceAccount).
. "$SRCROOT/tests/e2e/lib.inc"
if ! command -v python3 >/dev/null; then
    skip config_k8s "python3 not installed"
    exit 0
fi
if ! "$STRATA" config --help >/dev/null 2>&1; then
    skip config_k8s "this strata has no config command"
    exit 0
fi
FX="$SRCROOT/tests/fixtures/config/k8s"
K="$WORK/k8s"
mkdir -p "$K"
js() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"; }

# the fixtures: exactly the expected findings and PSS results
for name in compromised hardened-deployment; do
    "$STRATA" config -q -f json -o "$K/$name.json" "$FX/$name.yaml"
    got=$(python3 - "$K/$name.json" "$FX/$name.expected" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
lines = [f'{m["id"]} {m["severity"]} {m["line"]}:{m["column"]} {m["resource"]}' for m in r["misconfigurations"]]
lines += [f'pss {p["resource"]} line {p["line"]} {p["level_satisfied"]} score {p["score"]}, {len(p["violations"])} controls violated' for p in r.get("pss", [])]
want = [l for l in open(sys.argv[2]).read().splitlines() if l and not l.startswith("#")]
print("same" if sorted(lines) == sorted(want) else "\n".join(sorted(set(lines) ^ set(want))))
EOF
)
    [ "$got" = same ] && pass "config k8s: $name.yaml gives exactly $name.expected" ||
        fail "config k8s: $name fixture" "$got"
done
[ "$(js "$K/hardened-deployment.json" '(len(r["misconfigurations"]), r["pss"][0]["level_satisfied"], r["pss"][0]["score"])')" = "(0, 'restricted', 17)" ] &&
    pass "config k8s: the hardened Deployment passes restricted with no finding, score 17" ||
    fail "config k8s: hardened" "$(head -c 400 "$K/hardened-deployment.json")"

# --pss with --exit-code: the level decides
C="$FX/compromised.yaml"
H="$FX/hardened-deployment.yaml"
expect_exit "config k8s: --pss baseline --exit-code 3 on a privileged workload" 3 -- "$STRATA" config -q --pss baseline --exit-code 3 "$C"
expect_exit "config k8s: --pss restricted --exit-code 3 on the hardened one" 0 -- "$STRATA" config -q --pss restricted --exit-code 3 "$H"
"$STRATA" config -q --pss baseline -f json -o "$K/b.json" "$C"
[ "$(js "$K/b.json" 'sorted(set(m["id"].split("-")[1] for m in r["misconfigurations"]))')" = "['BASELINE']" ] &&
    pass "config k8s: --pss baseline reports baseline controls only" || fail "config k8s: --pss baseline" "$(js "$K/b.json" '[m["id"] for m in r["misconfigurations"]]')"
[ "$(js "$K/b.json" 'all(v.startswith("baseline: ") for p in r["pss"] for v in p["violations"])')" = True ] &&
    pass "config k8s: pss[] lines under --pss baseline are baseline lines" || fail "config k8s: pss lines" "$(js "$K/b.json" 'r["pss"]')"
"$STRATA" config -q --pss restricted -f json -o "$K/r.json" "$C"
[ "$(js "$K/r.json" '(sum(m["id"].startswith("K8S-") for m in r["misconfigurations"]), sum(m["id"].startswith("PSS-RESTRICTED-") for m in r["misconfigurations"]) > 0)')" = "(0, True)" ] &&
    pass "config k8s: --pss restricted reports both levels and no K8S rule" || fail "config k8s: --pss restricted" "$(js "$K/r.json" '[m["id"] for m in r["misconfigurations"]]')"

# table and SARIF positions
"$STRATA" config -q "$C" >"$K/c.txt"
grep -q "compromised.yaml:89:13" "$K/c.txt" && grep -q "Deployment/prod/payments container api: " "$K/c.txt" &&
    pass "config k8s: the table shows path:line:col and the container" || fail "config k8s: table" "$(head -20 "$K/c.txt")"
"$STRATA" config -q -f sarif -o "$K/c.sarif" "$C"
got=$(js "$K/c.sarif" '[(x["ruleId"], l["physicalLocation"]["region"]["startLine"], l["physicalLocation"]["region"]["startColumn"]) for x in r["runs"][0]["results"] for l in x["locations"] if x["ruleId"] == "PSS-BASELINE-HOST-PROBES"]')
[ "$got" = "[('PSS-BASELINE-HOST-PROBES', 99, 15)]" ] && pass "config k8s: SARIF region of the host probe" || fail "config k8s: sarif" "$got"

# no secret in clear in any format
"$STRATA" config -q -f json -o "$K/c.json" "$C"
if grep -q "bPxRfiCYEXAMPLEKEY" "$K/c.txt" "$K/c.sarif" "$K/c.json"; then
    fail "config k8s: secret in clear" "$(grep -l bPxRfiCYEXAMPLEKEY "$K"/c.*)"
else
    pass "config k8s: the env secret is redacted in table, JSON and SARIF"
fi

# suppression, stdin, a directory with a broken and a hostile file
cat >"$K/pod.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: exporter
  namespace: monitoring
spec:
  # strata:ignore PSS-BASELINE-HOST-NAMESPACES node-exporter reads the host's /proc
  hostPID: true
  hostNetwork: yes
  containers:
    - name: exporter
      image: quay.io/prometheus/node-exporter:v1.8.2
EOF
"$STRATA" config -f json -o "$K/s.json" "$K/pod.yaml" 2>"$K/s.err"
[ "$(js "$K/s.json" '[(m["line"], m["column"]) for m in r["misconfigurations"] if m["id"] == "PSS-BASELINE-HOST-NAMESPACES"]')" = "[(9, 3)]" ] &&
    grep -q "1 finding suppressed" "$K/s.err" &&
    pass "config k8s: an inline comment suppresses hostPID, hostNetwork: yes stays" || fail "config k8s: suppression" "$(cat "$K/s.err"; head -c 300 "$K/s.json")"
"$STRATA" config -q --kind kubernetes -f json -o "$K/in.json" - <"$K/pod.yaml"
[ "$(js "$K/in.json" '(r["pss"][0]["resource"], r["pss"][0]["path"])')" = "('Pod/monitoring/exporter', '<stdin>')" ] &&
    pass "config k8s: a manifest on stdin" || fail "config k8s: stdin" "$(head -c 300 "$K/in.json")"

D="$K/dir"
mkdir -p "$D"
cp "$K/pod.yaml" "$D/a-pod.yaml"
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [broken\n' >"$D/b-broken.yaml"
python3 - "$D/c-bomb.yaml" <<'EOF'
import sys
s = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\n"
s += "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
for i in range(1, 12):
    s += "a%d: &a%d [%s]\n" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10))
open(sys.argv[1], "w").write(s)
EOF
cp "$FX/hardened-deployment.yaml" "$D/d-ok.yaml"
start=$(date +%s)
expect_exit "config k8s: a broken and an alias-bomb manifest among good ones exit 2" 2 -- "$STRATA" config -f json -o "$K/d.json" "$D"
[ $(($(date +%s) - start)) -lt 10 ] && pass "config k8s: the alias bomb is refused quickly" || fail "config k8s: bomb time" "$(($(date +%s) - start)) s"
grep -Eq "b-broken.yaml:[0-9]+:[0-9]+: invalid YAML" <<<"$LAST_ERR" && grep -Eq "c-bomb.yaml:[0-9]+:[0-9]+: aliases expand to more than" <<<"$LAST_ERR" &&
    pass "config k8s: both errors name file:line:col" || fail "config k8s: errors" "$LAST_ERR"
[ "$(js "$K/d.json" 'sorted(p["resource"] for p in r["pss"])')" = "['Deployment/shop/catalog', 'Pod/monitoring/exporter']" ] &&
    pass "config k8s: the good manifests around them are still checked" || fail "config k8s: dir" "$(js "$K/d.json" 'r["pss"]')"

# across files: a NetworkPolicy and a ServiceAccount in other files of the run settle K8S-017
# and K8S-009; without them both are reported in the workload's file, at its positions; a
# strata:ignore comment of that file still suppresses them after the last file
X="$K/across"
mkdir -p "$X/app" "$X/platform"
cat >"$X/app/deploy.yaml" <<'EOF2'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers: [{name: app, image: r.example/web:1.2}]
EOF2
cat >"$X/platform/netpol.yaml" <<'EOF2'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
EOF2
cat >"$X/platform/sa.yaml" <<'EOF2'
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
automountServiceAccountToken: false
EOF2
ids() { js "$1" 'sorted("%s %s:%d:%d" % (m["id"], m["path"].split("/across/")[-1], m["line"], m["column"]) for m in r["misconfigurations"] if m["id"] in ("K8S-009", "K8S-017"))'; }
"$STRATA" config -q -f json -o "$K/x1.json" "$X"
[ "$(ids "$K/x1.json")" = "[]" ] &&
    pass "config k8s: a NetworkPolicy and a ServiceAccount in other files settle K8S-017 and K8S-009" ||
    fail "config k8s: across files" "$(ids "$K/x1.json")"
"$STRATA" config -q -f json -o "$K/x2.json" "$X/app" "$X/platform/sa.yaml"
[ "$(ids "$K/x2.json")" = "['K8S-017 app/deploy.yaml:2:1']" ] &&
    pass "config k8s: without the policy, K8S-017 at the first workload of deploy.yaml" ||
    fail "config k8s: across files, no policy" "$(ids "$K/x2.json")"
"$STRATA" config -q -f json -o "$K/x3.json" "$X/app"
[ "$(ids "$K/x3.json")" = "['K8S-009 app/deploy.yaml:6:5', 'K8S-017 app/deploy.yaml:2:1']" ] &&
    pass "config k8s: the workload alone gives K8S-009 and K8S-017 at its positions" ||
    fail "config k8s: across files, alone" "$(ids "$K/x3.json")"
sed -i '2i # strata:ignore K8S-017 the platform repository holds the policies' "$X/app/deploy.yaml"
"$STRATA" config -f json -o "$K/x4.json" "$X/app" "$X/platform/sa.yaml" 2>"$K/x4.err"
[ "$(ids "$K/x4.json")" = "[]" ] && grep -q "1 finding suppressed" "$K/x4.err" &&
    pass "config k8s: a strata:ignore comment suppresses K8S-017 reported after the last file" ||
    fail "config k8s: across files, suppression" "$(ids "$K/x4.json"; cat "$K/x4.err")"
