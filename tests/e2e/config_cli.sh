# `strata config` end to end (docs/strata-config.md): positions and resources in JSON, table
# and SARIF; directory walking (hidden directories, node_modules skipped; files of other
# kinds ignored); stdin with --kind; the rules file; inline suppressions; a broken file among
# good ones (reported with its position, the others still checked, exit 2); the gate flags.
. "$SRCROOT/tests/e2e/lib.inc"
if ! command -v python3 >/dev/null; then
    skip config_cli "python3 not installed"
    exit 0
fi
P="$WORK/proj"
mkdir -p "$P/deploy" "$P/.git" "$P/node_modules/x" "$P/docs"
cat >"$P/docker-compose.yml" <<'EOF'
services:
  web:
    image: nginx:1.25
    privileged: true
    read_only: true
  db:
    image: postgres:16
    # strata:ignore DC-001 the backup agent needs it, see OPS-12
    privileged: true
EOF
cp "$P/docker-compose.yml" "$P/.git/docker-compose.yml"
cp "$P/docker-compose.yml" "$P/node_modules/x/docker-compose.yml"
printf '# Notes\nFROM here on we deploy.\n' >"$P/docs/README.md"
printf 'services:\n  api:\n    image: [unclosed\n' >"$P/deploy/compose.yaml"

js() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"; }

expect_exit "config: a broken file among good ones exits 2" 2 -- "$STRATA" config -f json -o "$WORK/p.json" "$P"
grep -Eq "deploy/compose.yaml:[0-9]+:[0-9]+: " <<<"$LAST_ERR" && pass "config: the broken file is named with its line" ||
    fail "config: broken file message" "$LAST_ERR"
grep -q "2 files checked" <<<"$LAST_ERR" && grep -q "1 finding suppressed" <<<"$LAST_ERR" &&
    pass "config: hidden dirs, node_modules and README skipped; one suppression counted" ||
    fail "config: walk" "$LAST_ERR"
got=$(js "$WORK/p.json" '[(m["id"], m["path"].split("/proj/")[-1], m["line"], m["column"], m["resource"]) for m in r["misconfigurations"] if m["id"] == "DC-001"]')
[ "$got" = "[('DC-001', 'docker-compose.yml', 4, 5, 'service web')]" ] &&
    pass "config: DC-001 at docker-compose.yml:4:5 for service web, db's suppressed" || fail "config: positions" "$got"
[ "$(js "$WORK/p.json" 'r["target"]["kind"]')" = config ] && pass "config: target kind config" || fail "config: kind" "$(js "$WORK/p.json" 'r["target"]')"

# one file, exit codes and severities
C="$P/docker-compose.yml"
expect_exit "config: findings without --exit-code exit 0" 0 -- "$STRATA" config -q "$C"
expect_exit "config: --exit-code 4 with findings" 4 -- "$STRATA" config -q --exit-code 4 "$C"
"$STRATA" config -q --severity CRITICAL -f json -o "$WORK/crit.json" "$C"
[ "$(js "$WORK/crit.json" 'sorted(set(m["severity"] for m in r["misconfigurations"]))')" = "['CRITICAL']" ] &&
    pass "config: --severity CRITICAL keeps only CRITICAL" || fail "config: severity" "$(cat "$WORK/crit.json" | head -5)"
"$STRATA" config -q "$C" >"$WORK/p.txt"
grep -q "docker-compose.yml:4:5" "$WORK/p.txt" && grep -q "service web: " "$WORK/p.txt" &&
    pass "config: the table shows path:line:col and the resource" || fail "config: table" "$(cat "$WORK/p.txt")"
"$STRATA" config -q -f sarif -o "$WORK/p.sarif" "$C"
got=$(js "$WORK/p.sarif" '[(x["ruleId"], l["physicalLocation"]["region"]["startLine"], l["physicalLocation"]["region"]["startColumn"]) for x in r["runs"][0]["results"] for l in x["locations"] if x["ruleId"] == "DC-001"]')
[ "$got" = "[('DC-001', 4, 5)]" ] && pass "config: SARIF region of DC-001" || fail "config: sarif" "$got"

# rules file
printf 'disable: [dc-001]\n' >"$WORK/rules.yaml"
"$STRATA" config -q --rules "$WORK/rules.yaml" -f json -o "$WORK/r.json" "$C"
[ "$(js "$WORK/r.json" 'sum(m["id"] == "DC-001" for m in r["misconfigurations"])')" = 0 ] &&
    pass "config: --rules disables DC-001" || fail "config: rules" "$(js "$WORK/r.json" '[m["id"] for m in r["misconfigurations"]]')"
printf 'disable: DC-001\n' >"$WORK/bad-rules.yaml"
expect_exit "config: a bad rules file is a usage error" 2 -- "$STRATA" config --rules "$WORK/bad-rules.yaml" "$C"
grep -q "bad-rules.yaml:1:10" <<<"$LAST_ERR" && pass "config: the rules file error has its position" || fail "config: rules error" "$LAST_ERR"

# stdin, --kind, unknown files
"$STRATA" config -q --kind compose -f json -o "$WORK/s.json" - <"$C"
[ "$(js "$WORK/s.json" '[m["path"] for m in r["misconfigurations"] if m["id"] == "DC-001"]')" = "['<stdin>']" ] &&
    pass "config: stdin with --kind compose" || fail "config: stdin" "$(head -c 300 "$WORK/s.json")"
expect_exit "config: an explicit file of unknown kind is an error" 2 -- "$STRATA" config "$P/docs/README.md"
grep -q "use --kind" <<<"$LAST_ERR" && pass "config: the error says how to force a kind" || fail "config: unknown kind" "$LAST_ERR"
expect_exit "config: a missing path is an error" 2 -- "$STRATA" config "$WORK/nope.yaml"
expect_exit "config: --pss takes baseline or restricted" 2 -- "$STRATA" config --pss strict "$C"
expect_exit "config: --format cyclonedx is refused" 2 -- "$STRATA" config -f cyclonedx "$C"

# regression: every file of a directory walk keeps its own suppression comments (the line
# index of the previous file was reused when the new file's struct had the same address)
S="$WORK/supp"
mkdir -p "$S"
printf 'services:\n  a:\n    image: x\n    privileged: true\n' >"$S/compose.yaml"
printf 'services:\n  b:\n    image: x\n    # strata:ignore DC-001 needs /dev/kvm\n    privileged: true\n' >"$S/docker-compose.yml"
"$STRATA" config -f json -o "$WORK/supp.json" "$S" 2>"$WORK/supp.err"
got=$(js "$WORK/supp.json" '[(m["path"].split("/")[-1], m["line"]) for m in r["misconfigurations"] if m["id"] == "DC-001"]')
[ "$got" = "[('compose.yaml', 4)]" ] && grep -q "1 finding suppressed" "$WORK/supp.err" &&
    pass "config: each walked file's suppressions apply to it" || fail "config: suppression per file" "$got $(cat "$WORK/supp.err")"
