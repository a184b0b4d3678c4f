# E2E: `strata policy check` on the shared app archive with a vulnerability database built here
# from a few OSV records: without a scan record every scan rule fails; --rescan scans, records
# and passes; the record aged in the store (sqlite3) is rejected by scan.max_age and, with
# --rescan, scanned again; a newer database makes scan.require_current_db reject, --rescan fixes
# it; a strict policy fails every finding rule with the numbers and names (vulnerabilities with
# and without ignore_unfixed, licenses, forbidden checks, setuid outside the allow-list,
# secrets); `strata scans list`; registry and pinning rules over a Dockerfile, a Kubernetes
# manifest and a compose file written here, each reference at FILE:LINE:COL; JSON and SARIF
# (schema-checked) output; policy errors positioned; and the `strata image` recording hook.
. "$SRCROOT/tests/e2e/lib.inc"

if [ ! -x "$STRATA" ]; then
    fail trust_policy "no strata binary at $STRATA"
    exit 0
fi
if ! have_shared; then
    skip trust_policy "no shared fixtures at $SHARED/fixtures/images"
    exit 0
fi
APP="$SHARED/fixtures/images/debian12-app.docker.tar"
APP_DIGEST=sha256:a19dbceb1319def34e8333eb981e5004f8117fc95c88ca3a27eb300da1396398
export XDG_CACHE_HOME="$WORK/cache" HOME="$WORK/home"
unset STRATA_DB STRATA_SCANS_DB
mkdir -p "$HOME" "$XDG_CACHE_HOME/strata/db"
DB="$XDG_CACHE_HOME/strata/db/strata.db"
STORE="$XDG_CACHE_HOME/strata/db/scans.db"

# OSV records for packages of the app image: openssl (libssl3, openssl) fixed later, curl
# (curl, libcurl4) never fixed: 4 CRITICAL findings, 2 of them with a fix.
osv="$WORK/osv"
mkdir -p "$osv"
crit='CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'
record() { # ID SOURCE-PACKAGE FIXED(or -)
    local fixed=''
    [ "$3" = - ] || fixed=",{\"fixed\":\"$3\"}"
    printf '{"id":"%s","modified":"2025-01-01T00:00:00Z","severity":[{"type":"CVSS_V3","score":"%s"}],"affected":[{"package":{"ecosystem":"Debian:12","name":"%s"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}%s]}]}]}' \
        "$1" "$crit" "$2" "$fixed" >"$osv/$1.json"
}
record DSA-9101-1 openssl 3.0.99-1
record DSA-9102-1 curl -
build_db() { "$STRATA" db build --output "$DB" "$osv" >/dev/null 2>"$WORK/db.err" || fail trust_db "$(cat "$WORK/db.err")"; }
build_db

cat >"$WORK/policy.yaml" <<'EOF'
# passes on the app image once it has a fresh scan
version: 1
registries:
  allow: ["example.com/**"]
scan:
  max_age: 1h
  require_current_db: true
vulnerability_db:
  max_age: 7d
vulnerabilities:
  max: {CRITICAL: 4}
EOF
P=("$STRATA" policy check --policy "$WORK/policy.yaml")
rule() { # JSON RULE -> "pass|fail reason" of the first image
    python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))
for x in r["images"][0]["rules"]:
    if x["rule"]==sys.argv[2]: print(x["result"], x["reason"]); break' "$1" "$2"
}

# --- no record: rejected ---------------------------------------------------------------------------
"${P[@]}" -f json -o "$WORK/r1.json" "$APP" 2>"$WORK/err"
rc=$?
[ $rc -eq 1 ] && [ "$(rule "$WORK/r1.json" scan-age)" = "fail no scan record of this digest (scan it with 'strata image', or pass --rescan)" ] &&
    [ "$(rule "$WORK/r1.json" registry)" = 'pass example.com/app is allowed by "example.com/**"' ] &&
    pass "policy: without a scan record the scan rules fail, the registry rule passes" ||
    fail policy_no_record "exit $rc: $(cat "$WORK/r1.json" "$WORK/err")"

# --- --rescan: scanned, recorded, passes -----------------------------------------------------------------
"${P[@]}" --rescan -f json -o "$WORK/r2.json" "$APP" 2>"$WORK/err"
rc=$?
got=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); i=r["images"][0]
print(r["result"], i["digest"], i["rescanned"], [x["result"] for x in i["rules"]])' "$WORK/r2.json")
[ $rc -eq 0 ] && [ "$got" = "pass $APP_DIGEST True ['pass', 'pass', 'pass', 'pass', 'pass']" ] &&
    grep -q "no scan record; scanning it again" "$WORK/err" &&
    pass "policy --rescan: scanned, recorded and every rule passes" || fail policy_rescan "exit $rc: $got $(cat "$WORK/err")"
[ "$(rule "$WORK/r2.json" vulnerabilities)" = "pass CRITICAL 4 <= 4" ] &&
    pass "policy: the record counts 4 CRITICAL findings" || fail policy_counts "$(rule "$WORK/r2.json" vulnerabilities)"
expect_exit "policy: the record now satisfies the policy without --rescan" 0 -- "${P[@]}" -q "$APP"
n=$("$STRATA" scans list -f json | python3 -c 'import json,sys; s=json.load(sys.stdin)["scans"]; print(len(s), s[0]["digest"], s[0]["reference"], s[0]["vulnerabilities"]["critical"], s[0]["fixable"]["critical"], s[0]["secrets"] > 0)')
[ "$n" = "1 $APP_DIGEST example.com/app:1.0 4 2 True" ] && pass "scans list: one record with digest, reference and counts" ||
    fail scans_list "$n"
"$STRATA" scans list | grep -q "^20.*sha256:a19dbceb1319  .*4/0/0/0/0 (2)  *example.com/app:1.0" &&
    pass "scans list: table" || fail scans_list_table "$("$STRATA" scans list)"

# --- the record aged: rejected by scan.max_age, rescanned with --rescan ------------------------------------
if command -v sqlite3 >/dev/null; then
    sqlite3 "$STORE" "UPDATE scans SET scanned_at = scanned_at - 7200"
    out=$("${P[@]}" "$APP" 2>&1)
    rc=$?
    [ $rc -eq 1 ] && grep -q "FAIL  scan-age         last scanned 2h 0m ago (.*), more than scan.max_age 1h" <<<"$out" &&
        pass "policy: a scan older than scan.max_age is rejected" || fail policy_old_scan "exit $rc: $out"
    out=$("${P[@]}" --rescan "$APP" 2>&1)
    rc=$?
    [ $rc -eq 0 ] && grep -q "PASS  scan-age         last scanned [0-9]*s ago" <<<"$out" &&
        grep -q "(scanned now, --rescan)" <<<"$out" &&
        pass "policy --rescan: the stale image is scanned again instead of failing" || fail policy_rescan_old "exit $rc: $out"
    [ "$("$STRATA" scans list --digest "$APP_DIGEST" -f json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["scans"]))')" = 2 ] &&
        pass "scans list --digest: both scans recorded" || fail scans_list_digest "$("$STRATA" scans list)"
else
    skip policy_old_scan "sqlite3 is needed to age a record"
fi

# --- a newer database: the scan was made with an older one ---------------------------------------------
sleep 1.1 # built_at has a one-second resolution
build_db
out=$("${P[@]}" "$APP" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q "FAIL  scan-db          the last scan used the database built .*; the current one was built" <<<"$out" &&
    pass "policy: a scan made with an older database is rejected" || fail policy_old_db "exit $rc: $out"
expect_exit "policy --rescan: rescanned with the current database" 0 -- "${P[@]}" --rescan -q "$APP"

# --- a strict policy: each finding rule fails with what it found --------------------------------------------
cat >"$WORK/strict.yaml" <<'EOF'
version: 1
registries:
  allow: ["registry.example.com/**"]
pinning:
  require_digest: true
vulnerabilities:
  ignore_unfixed: true
  max: {CRITICAL: 1}
licenses:
  deny: ["GPL-3.0-or-later"]
checks:
  forbid: [CIS-DI-0001]
  setuid_allow: [/usr/bin/*]
secrets:
  max: 0
EOF
"$STRATA" policy check --policy "$WORK/strict.yaml" -f json -o "$WORK/strict.json" "$APP"
rc=$?
[ $rc -eq 1 ] && pass "policy strict: exit 1" || fail policy_strict "exit $rc"
check_rule() { # NAME RULE EXPECTED-PREFIX
    local got
    got=$(rule "$WORK/strict.json" "$2")
    case "$got" in "$3"*) pass "policy strict: $1" ;; *) fail "policy strict: $1" "got '$got'" ;; esac
}
check_rule "registry outside the allow-list" registry "fail example.com/app matches no pattern of registries.allow"
check_rule "local archive counts as pinned" pinning "pass a local archive is identified by its content ($APP_DIGEST)"
check_rule "vulnerabilities with a fix over the limit" vulnerabilities "fail CRITICAL 2 > 1 (with a fix; ignore_unfixed)"
check_rule "denied license named with a package" licenses "fail denied: GPL-3.0-or-later ("
check_rule "forbidden check" checks "fail forbidden checks fired: CIS-DI-0001 MEDIUM"
check_rule "setuid outside the allow-list" setuid "fail setuid/setgid files outside checks.setuid_allow: /usr/local/bin/cat-sgid, /usr/local/bin/find-suid"
check_rule "secrets" secrets "fail 6 secrets found, secrets.max is 0"

# --- references in files: registry and pinning at FILE:LINE:COL ---------------------------------------------
mkdir -p "$WORK/src/k8s"
D64=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
cat >"$WORK/src/Dockerfile" <<EOF
ARG BASE=registry.example.com/base@sha256:$D64
FROM \$BASE AS build
RUN make
FROM debian:12
COPY --from=build /out /out
EOF
cat >"$WORK/src/k8s/web.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/web:2.1
        - name: sidecar
          image: registry.example.com/proxy@sha256:$D64
EOF
cat >"$WORK/src/docker-compose.yml" <<'EOF'
services:
  cache:
    image: redis:7
EOF
printf 'not a config file\n' >"$WORK/src/README.txt"
out=$("$STRATA" policy check --policy "$WORK/strict.yaml" --files "$WORK/src" 2>&1)
rc=$?
[ $rc -eq 1 ] && pass "policy --files: exit 1 on unpinned or foreign references" || fail policy_files "exit $rc: $out"
want() { grep -qF -- "$2" <<<"$out" && pass "policy --files: $1" || fail "policy --files: $1" "no '$2' in: $out"; }
want "Dockerfile FROM pinned and allowed (ARG substituted)" "PASS  pinning   $WORK/src/Dockerfile:2:6  pinned to sha256:$D64 (stage build)"
want "Dockerfile FROM of Docker Hub refused" "FAIL  registry  $WORK/src/Dockerfile:4:6  docker.io/library/debian matches no pattern of registries.allow (stage 1)"
want "Dockerfile FROM by tag not pinned" "FAIL  pinning   $WORK/src/Dockerfile:4:6  debian:12 is not pinned by digest (write it as docker.io/library/debian@sha256:…) (stage 1)"
want "manifest image by tag not pinned" "FAIL  pinning   $WORK/src/k8s/web.yaml:11:18  registry.example.com/web:2.1 is not pinned by digest"
want "manifest image pinned" "PASS  pinning   $WORK/src/k8s/web.yaml:13:18  pinned to sha256:$D64 (Deployment/shop/web container sidecar)"
want "compose image" "FAIL  registry  $WORK/src/docker-compose.yml:3:12  docker.io/library/redis matches no pattern"
grep -q "README" <<<"$out" && fail "policy --files: other files skipped" "$out" || pass "policy --files: other files skipped"
expect_exit "policy --files: an explicit file of another kind is an input error" 2 -- \
    "$STRATA" policy check --policy "$WORK/strict.yaml" --files "$WORK/src/README.txt"
printf 'FROM\n' >"$WORK/bad.Dockerfile"
expect_exit "policy --files: a broken Dockerfile is an input error" 2 -- \
    "$STRATA" policy check --policy "$WORK/strict.yaml" --files "$WORK/bad.Dockerfile"
grep -q "bad.Dockerfile:1:" <<<"$LAST_ERR" && pass "policy --files: the parse error is positioned" || fail policy_files_pos "$LAST_ERR"

# --- JSON and SARIF -----------------------------------------------------------------------------------
"$STRATA" policy check --policy "$WORK/strict.yaml" -f json -o "$WORK/all.json" --files "$WORK/src/k8s" "$APP"
python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))
assert r["schema"]=="strata.policy-check/v1" and r["result"]=="fail", r["result"]
ref=r["references"][0]
assert (ref["line"], ref["column"], ref["resource"]) == (11, 18, "Deployment/shop/web container web"), ref
rl=r["images"][0]["rules"][0]
assert rl["policy_line"]==3 and rl["policy_column"]==3, rl' "$WORK/all.json" &&
    pass "policy JSON: results with positions (policy rules and references)" || fail policy_json "$(head -c 600 "$WORK/all.json")"
"$STRATA" policy check --policy "$WORK/strict.yaml" -f sarif -o "$WORK/all.sarif" --files "$WORK/src/k8s" "$APP"
python3 -c 'import json,sys
s=json.load(open(sys.argv[1])); res=s["runs"][0]["results"]
ids=sorted(set(x["ruleId"] for x in res))
assert ids==["POLICY-CHECKS","POLICY-LICENSES","POLICY-PINNING","POLICY-REGISTRY","POLICY-SECRETS","POLICY-SETUID","POLICY-VULNERABILITIES"], ids
loc=[x["locations"][0]["physicalLocation"] for x in res if x["ruleId"]=="POLICY-PINNING"][0]
assert loc["region"]["startLine"]==11 and loc["artifactLocation"]["uri"].endswith("web.yaml"), loc' "$WORK/all.sarif" &&
    pass "policy SARIF: one result per failure, located" || fail policy_sarif "$(head -c 600 "$WORK/all.sarif")"
here="$SRCROOT/tests/e2e"
# shellcheck source=schema.inc
if . "$here/schema.inc" && init_validator sarif 2>/dev/null; then
    validate "policy SARIF: valid SARIF 2.1.0" sarif "$WORK/all.sarif"
fi

# --- policy errors --------------------------------------------------------------------------------------
printf 'version: 1\nscan:\n  max_age: soon\n' >"$WORK/bad.yaml"
expect_exit "policy: a bad value is an input error" 2 -- "$STRATA" policy check --policy "$WORK/bad.yaml" "$APP"
grep -q "bad.yaml:3:12: scan.max_age: expected a duration" <<<"$LAST_ERR" &&
    pass "policy: the error is at FILE:LINE:COL" || fail policy_error_pos "$LAST_ERR"
printf 'version: 1\nregistires:\n  allow: []\n' >"$WORK/typo.yaml"
expect_exit "policy: an unknown key is an error" 2 -- "$STRATA" policy check --policy "$WORK/typo.yaml" "$APP"
grep -q 'typo.yaml:2:1: unknown key "registires"' <<<"$LAST_ERR" && pass "policy: the unknown key is named" ||
    fail policy_unknown_key "$LAST_ERR"
expect_exit "policy: a missing image is an input error" 2 -- "$STRATA" policy check --policy "$WORK/policy.yaml" "$WORK/none.tar"
expect_exit "policy: --policy is required" 2 -- "$STRATA" policy check "$APP"

# --- strata image records its scans ------------------------------------------------------------------------
before=$("$STRATA" scans list -f json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["scans"]))')
"$STRATA" image -q -f json -o /dev/null "$APP"
after=$("$STRATA" scans list -f json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["scans"]))')
[ "$after" -eq $((before + 1)) ] && pass "strata image: the scan is recorded" || fail image_records "$before -> $after"
