# E2E: the vulnerability gate through the CLI, on a database built here from a few OSV
# records (so it runs without ../shared): severities from CVSS vectors, --severity filtering,
# --exit-code, --ignore-unfixed, --ignorefile with expiry, --vex, --show-suppressed, a missing
# database with and without gate flags, and --no-vulns.
. "$SRCROOT/tests/e2e/lib.inc"
osv="$WORK/osv"
mkdir -p "$osv" "$WORK/rootfs/etc" "$WORK/rootfs/var/lib/dpkg"
critical='CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'   # 9.8
medium='CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N'      # 4.2
record() { # ID PACKAGE FIXED(or -) VECTOR(or -) UPSTREAM
    local fixed='' sev=''
    [ "$3" = - ] || fixed=",{\"fixed\":\"$3\"}"
    [ "$4" = - ] || sev=",\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"$4\"}]"
    printf '{"id":"%s","modified":"2025-01-01T00:00:00Z","upstream":["%s"]%s,"affected":[{"package":{"ecosystem":"Debian:11","name":"%s"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}%s]}]}]}' \
        "$1" "$5" "$sev" "$2" "$fixed" >"$osv/$1.json"
}
record DSA-9001-1 openssl 1.1.1n-0+deb11u3 "$critical" CVE-2099-0001
record DSA-9002-1 zlib 1:1.2.11.dfsg-2+deb11u2 "$medium" CVE-2099-0002
record DSA-9003-1 zlib - - CVE-2099-0003
record DSA-9004-1 curl 7.0-1 "$critical" CVE-2099-0004 # fixed long before the installed one
printf 'ID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n' >"$WORK/rootfs/etc/os-release"
cat >"$WORK/rootfs/var/lib/dpkg/status" <<'EOF'
Package: libssl1.1
Status: install ok installed
Version: 1.1.1n-0+deb11u1
Architecture: amd64
Source: openssl

Package: zlib1g
Status: install ok installed
Version: 1:1.2.11.dfsg-2
Architecture: amd64
Source: zlib

Package: curl
Status: install ok installed
Version: 7.74.0-1.3+deb11u3
Architecture: amd64

EOF
db="$WORK/strata.db"
expect_exit "gate: db build" 0 -- "$STRATA" db build --output "$db" "$osv"
fs=("$STRATA" fs -q --db "$db")
js() { /usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }

out=$("${fs[@]}" --format json "$WORK/rootfs")
got=$(js '" ".join("%s:%s:%s:%s:%s" % (v["id"], v["package_name"], v["severity"], v["status"], v["fixed_version"]) for v in r["vulnerabilities"])' <<<"$out")
want="DSA-9001-1:libssl1.1:CRITICAL:fixed:1.1.1n-0+deb11u3 DSA-9002-1:zlib1g:MEDIUM:fixed:1:1.2.11.dfsg-2+deb11u2 DSA-9003-1:zlib1g:UNKNOWN:affected:None"
[ "$got" = "$want" ] && pass "gate: findings, severities from CVSS, most severe first" || fail "gate: findings" "got '$got', want '$want'"
got=$(js 'r["vulnerabilities"][0]["cvss_score"], r["vulnerabilities"][0]["aliases"], r["vulnerabilities"][0]["source_name"], r["vulnerability_scan"]["warnings"]' <<<"$out")
[ "$got" = "9.8 ['CVE-2099-0001'] openssl []" ] && pass "gate: cvss score, aliases, source name, no warnings" || fail "gate: details" "$got"

expect_exit "gate: --exit-code with a CRITICAL finding" 1 -- "${fs[@]}" --exit-code 1 "$WORK/rootfs"
expect_exit "gate: --severity MEDIUM --exit-code 3" 3 -- "${fs[@]}" --severity MEDIUM --exit-code 3 "$WORK/rootfs"
expect_exit "gate: --severity LOW --exit-code 1 (nothing at LOW)" 0 -- "${fs[@]}" --severity LOW --exit-code 1 "$WORK/rootfs"
n=$("${fs[@]}" --severity critical,high --format json "$WORK/rootfs" | js 'len(r["vulnerabilities"])')
[ "$n" = 1 ] && pass "gate: --severity filters the report" || fail "gate: --severity filter" "$n findings"
got=$("${fs[@]}" --ignore-unfixed --show-suppressed --format json "$WORK/rootfs" | js '[(v["id"], v["suppressed"], v["suppressed_by"]) for v in r["vulnerabilities"] if v["suppressed"]]')
[ "$got" = "[('DSA-9003-1', True, 'ignore-unfixed')]" ] && pass "gate: --ignore-unfixed" || fail "gate: --ignore-unfixed" "$got"

cat >"$WORK/ignore.yaml" <<'EOF'
ignore:
  - id: CVE-2099-0001          # by alias
    package: libssl1.1
    reason: not reachable in this service
    expires: 2999-12-31
  - id: DSA-9002-1
    reason: accepted until the next base image
    expires: 2001-01-01
EOF
expect_exit "gate: ignore file suppresses the CRITICAL one" 0 -- "${fs[@]}" --severity CRITICAL --exit-code 1 --ignorefile "$WORK/ignore.yaml" "$WORK/rootfs"
err=$("$STRATA" fs --db "$db" --severity MEDIUM --exit-code 1 --ignorefile "$WORK/ignore.yaml" "$WORK/rootfs" 2>&1 >/dev/null)
[ $? -eq 1 ] && grep -q "ignore.yaml:6: ignore entry for DSA-9002-1 expired on 2001-01-01" <<<"$err" &&
    pass "gate: an expired entry no longer suppresses and is warned about" || fail "gate: expiry" "$err"
printf -- '- id: [x\n' >"$WORK/bad.yaml"
expect_exit "gate: malformed ignore file" 2 -- "${fs[@]}" --ignorefile "$WORK/bad.yaml" "$WORK/rootfs"
grep -q "bad.yaml:1" <<<"$LAST_ERR" && pass "gate: ignore file error names file and line" || fail "gate: ignore file error" "$LAST_ERR"

cat >"$WORK/vex.json" <<'EOF'
{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "ci",
 "timestamp": "2025-01-01T00:00:00Z", "version": 1,
 "statements": [{"vulnerability": {"name": "CVE-2099-0001"},
                 "products": [{"@id": "pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u1?arch=amd64"}],
                 "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}
EOF
got=$("${fs[@]}" --vex "$WORK/vex.json" --show-suppressed --format json "$WORK/rootfs" | js '[(v["id"], v["suppressed_by"], v["suppression_reason"]) for v in r["vulnerabilities"] if v["suppressed"]]')
[ "$got" = "[('DSA-9001-1', 'vex', 'vex: not_affected: vulnerable_code_not_in_execute_path')]" ] && pass "gate: OpenVEX not_affected suppresses by purl and alias" || fail "gate: vex" "$got"
n=$("${fs[@]}" --vex "$WORK/vex.json" --format json "$WORK/rootfs" | js 'len(r["vulnerabilities"])')
[ "$n" = 2 ] && pass "gate: suppressed findings are hidden without --show-suppressed" || fail "gate: hidden" "$n"
sarif=$("${fs[@]}" --format sarif "$WORK/rootfs" | js 'len(r["runs"][0]["results"]), sorted(x["id"] for x in r["runs"][0]["tool"]["driver"]["rules"])')
[ "$sarif" = "3 ['DSA-9001-1', 'DSA-9002-1', 'DSA-9003-1']" ] && pass "gate: SARIF results and rules" || fail "gate: sarif" "$sarif"

# No database: listed, "not checked"; a gate flag makes it an error; --no-vulns is inventory only.
out=$(XDG_CACHE_HOME="$WORK/empty" STRATA_DB= "$STRATA" fs "$WORK/rootfs" 2>"$WORK/nodb.err")
grep -q "Vulnerabilities: not checked" <<<"$out" && grep -q "no database at $WORK/empty/strata/db/strata.db" "$WORK/nodb.err" &&
    pass "gate: without a database the table says 'not checked' and stderr names the path" || fail "gate: no db" "$out $(cat "$WORK/nodb.err")"
expect_exit "gate: gate flag without a database" 2 -- env XDG_CACHE_HOME="$WORK/empty" "$STRATA" fs --exit-code 1 "$WORK/rootfs"
grep -q "strata db update" <<<"$LAST_ERR" && pass "gate: missing database says how to get one" || fail "gate: missing db message" "$LAST_ERR"
# --no-vulns with a gate flag gates on the other findings: secrets and hardening checks.
expect_exit "gate: --no-vulns --exit-code on a tree without secrets or check findings" 0 -- "$STRATA" fs -q --no-vulns --exit-code 1 "$WORK/rootfs"
mkdir -p "$WORK/rootfs-secret/app" && printf 'AWS_ACCESS_KEY_ID=AKIAQ3EGRTYU7WZXCV4B\n' >"$WORK/rootfs-secret/app/.env"
expect_exit "gate: --no-vulns --exit-code fails on a CRITICAL secret" 4 -- "$STRATA" fs -q --no-vulns --exit-code 4 "$WORK/rootfs-secret"
expect_exit "gate: --severity leaves out a secret below it" 0 -- "$STRATA" fs -q --no-vulns --severity LOW --exit-code 4 "$WORK/rootfs-secret"
expect_exit "gate: --no-secrets leaves it out" 0 -- "$STRATA" fs -q --no-vulns --no-secrets --exit-code 4 "$WORK/rootfs-secret"
expect_exit "gate: bad --severity" 2 -- "$STRATA" fs --severity HIGH,SEVERE "$WORK/rootfs"
expect_exit "gate: bad --exit-code" 2 -- "$STRATA" fs --exit-code x "$WORK/rootfs"
STRATA_DB="$db" "$STRATA" fs -q --format json "$WORK/rootfs" | js 'len(r["vulnerabilities"])' | grep -qx 3 &&
    pass "gate: STRATA_DB selects the database" || fail "gate: STRATA_DB" "not used"
