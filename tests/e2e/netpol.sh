#!/usr/bin/env bash
# `strata netpol` end to end on the shop cluster of tests/fixtures/netpol/shop (four files, a
# kubectl List in JSON, a README the walk skips): conn in every format (goldens for the table
# and JSON), audit (golden of every finding's id, resource and position; SARIF against the
# official schema), paths, suggest and its round trip through `strata netpol conn` (derived
# flows and a flows file), diff, stdin, and positioned errors that stop the run.
# STRATA_UPDATE_GOLDEN=1 rewrites the goldens after an intended change; review the diff.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.inc
. "$here/lib.inc"
SRCROOT=${SRCROOT:-$(cd "$here/../.." && pwd)}
STRATA=${STRATA:-$SRCROOT/build/strata}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/strata-netpol.XXXXXX")}
mkdir -p "$WORK"
PY=/usr/bin/python3
SHOP=tests/fixtures/netpol/shop
G="$SRCROOT/tests/golden/netpol"
cd "$SRCROOT" || exit 1

golden() { # name golden-file args... (run from SRCROOT so paths are relative)
    local name=$1 file=$2
    shift 2
    "$STRATA" "$@" >"$WORK/$file" 2>"$WORK/$file.err"
    local rc=$?
    if [ $rc -ne 0 ]; then
        fail "$name" "exit $rc: $(cat "$WORK/$file.err")"
    elif [ "${STRATA_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$WORK/$file" "$G/$file"
        pass "$name (golden updated)"
    elif diff -u "$G/$file" "$WORK/$file" >"$WORK/$file.diff"; then
        pass "$name"
    else
        fail "$name" "differs from tests/golden/netpol/$file: $(head -30 "$WORK/$file.diff")"
    fi
}

# ---- conn ----
golden "netpol conn: table" conn.txt netpol conn -q "$SHOP"
golden "netpol conn: json" conn.json netpol conn -q -f json "$SHOP"
err=$("$STRATA" netpol conn "$SHOP" 2>&1 >/dev/null)
grep -q "^strata: 4 files: 4 namespaces, 10 workloads, 1 services, 7 NetworkPolicies" <<<"$err" &&
    pass "netpol conn: README skipped, the JSON List read" || fail "netpol conn: files" "$err"
"$STRATA" netpol conn -q -f csv --src 'shop/*' --dst 'payments/*' "$SHOP" >"$WORK/c.csv"
[ "$(cat "$WORK/c.csv")" = "src,dst,ports
shop/Deployment/cart,payments/Deployment/payments,TCP:8443" ] &&
    pass "netpol conn: csv with --src/--dst globs" || fail "netpol conn: csv" "$(cat "$WORK/c.csv")"
"$STRATA" netpol conn -q -f dot -o "$WORK/g.dot" "$SHOP"
if command -v dot >/dev/null; then
    dot -Tsvg "$WORK/g.dot" >/dev/null 2>"$WORK/dot.err" && pass "netpol conn: dot renders with Graphviz" ||
        fail "netpol conn: dot" "$(cat "$WORK/dot.err")"
else
    grep -q '"shop/Deployment/cart" -> "payments/Deployment/payments" \[label="TCP:8443"\];' "$WORK/g.dot" &&
        pass "netpol conn: dot edges (Graphviz not installed: not rendered)" || fail "netpol conn: dot" "$(head "$WORK/g.dot")"
fi
"$STRATA" netpol conn -q -f html -o "$WORK/g.html" "$SHOP"
if grep -q "<svg" "$WORK/g.html" && ! grep -Eq '(src|href)=' "$WORK/g.html" &&
    [ "$(grep -c '<path class="e' "$WORK/g.html")" = 53 ] &&
    $PY -c 'import sys, xml.dom.minidom as m; s=open(sys.argv[1]).read(); a=s.index("<svg"); svg=s[a:s.index("</svg>")+6]; m.parseString(svg); assert ".e{fill:none" in svg' "$WORK/g.html"; then
    pass "netpol conn: html is self-contained, its SVG well-formed and styled on its own, one edge per connection"
else
    fail "netpol conn: html" "$(head -c 600 "$WORK/g.html")"
fi
for f in "$SHOP"/*.yaml; do
    echo ---
    cat "$f"
done | "$STRATA" netpol conn -q -f csv - >"$WORK/stdin.csv"
"$STRATA" netpol conn -q -f csv "$SHOP"/*.yaml >"$WORK/files.csv"
cmp -s "$WORK/stdin.csv" "$WORK/files.csv" && pass "netpol conn: stdin reads the same as the files" ||
    fail "netpol conn: stdin" "$(diff "$WORK/files.csv" "$WORK/stdin.csv" | head)"

# ---- audit ----
"$STRATA" netpol audit -q -f json "$SHOP" >"$WORK/audit.json"
$PY - "$WORK/audit.json" >"$WORK/audit.txt" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for m in r["misconfigurations"]:
    print(m["id"], m["severity"], m["resource"], "%s:%d:%d" % (m["path"], m["line"], m["column"]))
EOF
if [ "${STRATA_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$WORK/audit.txt" "$G/audit.txt" && pass "netpol audit: findings (golden updated)"
elif diff -u "$G/audit.txt" "$WORK/audit.txt" >"$WORK/audit.diff"; then
    pass "netpol audit: every finding's id, severity, resource and file:line:col"
else
    fail "netpol audit" "$(head -30 "$WORK/audit.diff")"
fi
expect_exit "netpol audit: --exit-code on HIGH" 4 -- "$STRATA" netpol audit -q --severity HIGH --exit-code 4 "$SHOP"
expect_exit "netpol audit: nothing CRITICAL" 0 -- "$STRATA" netpol audit -q --severity CRITICAL --exit-code 4 "$SHOP"
"$STRATA" netpol audit -q "$SHOP" >"$WORK/audit.table"
grep -q "NP-007  tests/fixtures/netpol/shop/policies.yaml:59:7" "$WORK/audit.table" &&
    pass "netpol audit: table shows the position" || fail "netpol audit: table" "$(head -20 "$WORK/audit.table")"
. "$here/schema.inc"
init_validator sarif
"$STRATA" netpol audit -q -f sarif -o "$WORK/audit.sarif" "$SHOP"
validate "netpol audit: SARIF 2.1.0 schema" sarif "$WORK/audit.sarif"

# ---- paths ----
golden "netpol paths: to the ledger database" paths.txt netpol paths -q --to 'payments/*/ledger-db' "$SHOP"
"$STRATA" netpol paths -q -f json --sensitive 'data=pci' --from 'shop/Pod/debug' "$SHOP" >"$WORK/p.json"
got=$($PY -c 'import json,sys; r=json.load(open(sys.argv[1])); print([(p["target"], p["hops"]) for p in r["paths"]], r["unreachable"])' "$WORK/p.json")
# the debug pod reaches nothing in payments: only app=cart pods of team=shop get in
[ "$got" = "[] ['payments/Deployment/payments', 'payments/StatefulSet/ledger-db']" ] &&
    pass "netpol paths: a debug pod cannot reach the PCI workloads" || fail "netpol paths: --from" "$got"
"$STRATA" netpol paths -q --exposed "$SHOP" >"$WORK/exposed.txt"
grep -q "^shop/Deployment/frontend  (1 hop)" "$WORK/exposed.txt" && ! grep -q "shop/Deployment/cart" "$WORK/exposed.txt" &&
    pass "netpol paths: --exposed lists the frontend, not the cart" || fail "netpol paths: --exposed" "$(cat "$WORK/exposed.txt")"
expect_exit "netpol paths: a target is required" 2 -- "$STRATA" netpol paths "$SHOP"
expect_exit "netpol paths: bad --sensitive" 2 -- "$STRATA" netpol paths --sensitive 'app in (x' "$SHOP"

# ---- suggest: round trip through conn ----
suggest_round_trip() { # name extra-args...
    local name=$1
    shift
    rm -rf "$WORK/rt" && mkdir -p "$WORK/rt"
    cp "$SHOP"/namespaces.yaml "$SHOP"/workloads.yaml "$SHOP"/kubectl-list.json "$WORK/rt/"
    if ! "$STRATA" netpol suggest -q "$@" --flows-out "$WORK/flows.out" -o "$WORK/rt/suggested.yaml" "$SHOP" 2>"$WORK/s.err"; then
        fail "$name" "suggest: $(cat "$WORK/s.err")"
        return
    fi
    "$STRATA" netpol conn -q -f csv "$WORK/rt" >"$WORK/rt.csv"
    local got
    got=$($PY "$here/netpol_compare.py" "$WORK/rt.csv" "$WORK/flows.out")
    [ "$got" = equal ] && pass "$name" || fail "$name" "$got"
}
suggest_round_trip "netpol suggest: derived flows, fed back to conn, give exactly them"
cat >"$WORK/flows.txt" <<'EOF'
# the shop as it should be
0.0.0.0/0       shop/Deployment/frontend       8080/TCP
shop/Deployment/frontend shop/Deployment/cart   7070/TCP
shop/Deployment/cart     shop/StatefulSet/redis 6379/TCP
shop/Deployment/cart     payments/Deployment/payments 8443
payments/Deployment/payments payments/StatefulSet/ledger-db 5432/TCP
monitoring/Deployment/prometheus shop/StatefulSet/redis 9121/TCP,9090-9100/TCP
shop/CronJob/report      203.0.113.0/24         all
EOF
suggest_round_trip "netpol suggest --flows: fed back to conn, gives exactly the file's flows" --flows "$WORK/flows.txt"
[ "$(grep -vc '^#' "$WORK/flows.out")" = 8 ] &&
    grep -q "^shop/Deployment/cart payments/Deployment/payments 8443/TCP$" "$WORK/flows.out" &&
    grep -q "^monitoring/Deployment/prometheus shop/StatefulSet/redis 9090-9100/TCP$" "$WORK/flows.out" &&
    pass "netpol suggest --flows-out: the flows as read" || fail "netpol suggest --flows-out" "$(cat "$WORK/flows.out")"
"$STRATA" netpol audit -q -f json "$WORK/rt" >"$WORK/rt-audit.json"
got=$($PY -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sorted({m["id"] for m in r["misconfigurations"]}))' "$WORK/rt-audit.json")
[ "$got" = "['NP-008', 'NP-009', 'NP-010']" ] &&
    pass "netpol suggest: the result audits clean but for the flows file's 0.0.0.0/0, the DNS it leaves out and the hostNetwork exporter" ||
    fail "netpol suggest: audit of the result" "$got"
printf 'shop/Deployment/frontend shop/Deployment/nope 80\n' >"$WORK/bad-flows.txt"
expect_exit "netpol suggest: a flows file naming an unknown workload" 2 -- "$STRATA" netpol suggest --flows "$WORK/bad-flows.txt" "$SHOP"
grep -q "bad-flows.txt:1:26: no workload" <<<"$LAST_ERR" && pass "netpol suggest: flows error positioned" || fail "netpol suggest: flows error" "$LAST_ERR"

# ---- diff ----
mkdir -p "$WORK/next"
cp "$SHOP"/*.yaml "$SHOP"/*.json "$WORK/next/"
# the next release: redis also for the report job, the frontend behind 10.0.0.0/8 only
sed -i -e 's/- from: \[{podSelector: {matchLabels: {app: cart}}}\]/- from: [{podSelector: {matchExpressions: [{key: app, operator: In, values: [cart, report]}]}}]/' \
    -e 's|        cidr: 0.0.0.0/0|        cidr: 10.0.0.0/8|' -e 's|        except: \[10.0.0.0/8\]|        except: [10.1.0.0/16]|' "$WORK/next/policies.yaml"
(cd "$WORK" && "$STRATA" netpol diff -q "$SRCROOT/$SHOP" next) >"$WORK/diff.txt"
if [ "${STRATA_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$WORK/diff.txt" "$G/diff.txt" && pass "netpol diff (golden updated)"
elif diff -u "$G/diff.txt" "$WORK/diff.txt" >"$WORK/diff.diff"; then
    pass "netpol diff: removed, added and changed connections"
else
    fail "netpol diff" "$(head -30 "$WORK/diff.diff")"
fi
expect_exit "netpol diff: --exit-code when something changed" 1 -- "$STRATA" netpol diff -q --exit-code 1 "$SHOP" "$WORK/next"
expect_exit "netpol diff: --exit-code, nothing changed" 0 -- "$STRATA" netpol diff -q --exit-code 1 "$SHOP" "$SHOP"

# ---- errors ----
mkdir -p "$WORK/broken"
cp "$SHOP"/*.yaml "$WORK/broken/"
cat >>"$WORK/broken/policies.yaml" <<'EOF'
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: typo, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  ingress:
  - from:
    - podSelecter: {matchLabels: {app: x}}
EOF
expect_exit "netpol conn: a misspelt field stops the run" 2 -- "$STRATA" netpol conn -o "$WORK/none.txt" "$WORK/broken"
grep -q "broken/policies.yaml:85:7: NetworkPolicy/shop/typo: spec.ingress\[0\].from\[0\]: unknown field 'podSelecter'" <<<"$LAST_ERR" &&
    [ ! -e "$WORK/none.txt" ] && pass "netpol conn: the error names file:line:col and nothing is written" ||
    fail "netpol conn: error" "$LAST_ERR"
expect_exit "netpol: unknown subcommand" 2 -- "$STRATA" netpol connect "$SHOP"
expect_exit "netpol conn: bad format" 2 -- "$STRATA" netpol conn -f xml "$SHOP"
expect_exit "netpol conn: missing path" 2 -- "$STRATA" netpol conn /nonexistent/dir
"$STRATA" netpol --help | grep -q "lateral-movement paths" && "$STRATA" netpol suggest --help | grep -q -- "--flows FILE" &&
    pass "netpol: --help teaches the subcommands" || fail "netpol: help" "missing text"
