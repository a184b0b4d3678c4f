#!/usr/bin/env bash
# strata watch --validate and --replay: rule files checked with positioned errors, recordings
# under tests/fixtures/runtime/ replayed through the default pack (an attack in a container:
# every default rule fires once or more, with the right container; benign activity: none)
# and through a rule file with one rule per operator and field class.
set -u
. "$(dirname "$0")/lib.inc"
fx="$SRCROOT/tests/fixtures/runtime"
pack="$SRCROOT/rules/runtime.yaml"
if ! command -v python3 >/dev/null; then
    skip watch_replay "python3 is needed to read the alerts"
    exit 0
fi

# --validate
out=$("$STRATA" watch --rules "$pack" --validate 2>"$WORK/err")
rc=$?
if [ $rc -eq 0 ] && [[ "$out" == "rules OK: 20 rules (20 enabled), 8 macros, 18 lists" ]] &&
    [ ! -s "$WORK/err" ]; then
    pass "watch --validate: the default pack"
else
    fail "watch --validate: the default pack" "exit $rc: $out $(cat "$WORK/err")"
fi
expect_exit "watch --validate: a rule file with an unknown field" 2 -- \
    "$STRATA" watch --rules "$fx/bad_rules.yaml" --validate
if [[ "$LAST_ERR" == *"bad_rules.yaml:8:34: unknown field 'proc.nmae' (rule Shell)"* ]]; then
    pass "watch --validate: the error names file:line:col and the token"
else
    fail "watch --validate: the error names file:line:col and the token" "$LAST_ERR"
fi
printf -- '- rule: x\n  desc: d\n  condition: (proc.name = a\n  output: o\n  priority: INFO\n' \
    >"$WORK/paren.yaml"
expect_exit "watch --validate: unbalanced parenthesis" 2 -- \
    "$STRATA" watch --rules "$pack" --rules "$WORK/paren.yaml" --validate
[[ "$LAST_ERR" == *"paren.yaml:3:14: unbalanced '('"* ]] &&
    pass "watch --validate: unbalanced parenthesis position" ||
    fail "watch --validate: unbalanced parenthesis position" "$LAST_ERR"
# a local file appending to the pack
printf -- '- list: shell_binaries\n  items: [busybox]\n  append: true\n- rule: Reverse shell\n  action: kill\n  override:\n    action: replace\n' \
    >"$WORK/local.yaml"
out=$("$STRATA" watch --rules "$pack" --rules "$WORK/local.yaml" --validate 2>&1)
[[ "$out" == "rules OK: 20 rules"* ]] && pass "watch --validate: pack plus a local file" ||
    fail "watch --validate: pack plus a local file" "$out"
expect_exit "watch: --validate without --rules" 2 -- "$STRATA" watch --validate
expect_exit "watch: a missing rule file" 2 -- "$STRATA" watch --rules "$WORK/nope.yaml" --validate
expect_exit "watch: --validate and --replay together" 2 -- \
    "$STRATA" watch --rules "$pack" --validate --replay "$fx/benign.jsonl"

# --replay through the default pack
"$STRATA" watch --replay "$fx/attack.jsonl" --rules "$pack" --no-event >"$WORK/attack.json" \
    2>"$WORK/attack.err"
rc=$?
if [ $rc -eq 0 ] && diff -u "$fx/attack.alerts.jsonl" "$WORK/attack.json" >"$WORK/diff"; then
    pass "watch --replay: attack recording gives the expected alerts"
else
    fail "watch --replay: attack recording gives the expected alerts" "exit $rc: $(head -20 "$WORK/diff")"
fi
grep -q "25 events replayed, 24 alerts (10 Critical, 5 Error, 6 Warning, 3 Notice)" "$WORK/attack.err" &&
    pass "watch --replay: summary on stderr" ||
    fail "watch --replay: summary on stderr" "$(cat "$WORK/attack.err")"
# every rule of the pack fired, each alert carries its container
python3 - "$pack" "$WORK/attack.json" <<'EOF' && pass "watch --replay: every default rule fires, with the container" || fail "watch --replay: every default rule fires, with the container" "see above"
import json, re, sys
rules = set(re.findall(r"^- rule: (.+)$", open(sys.argv[1]).read(), re.M))
alerts = [json.loads(l) for l in open(sys.argv[2])]
fired = {a["rule"] for a in alerts}
missing = rules - fired
if missing:
    print("never fired:", sorted(missing)); sys.exit(1)
for a in alerts:
    c = a["container"]
    if a["rule"] == "Sensor dropped events":
        ok = c["id"] == "host"
    elif a["rule"] == "Service account token read":
        ok = c["id"] == "0c1d2e3f4051" and c["name"] == "k8s_postgres_db-0_prod_1"
    else:
        ok = (c["id"] == "9b3e1f0c2d4a" and c["full_id"].startswith("9b3e1f0c2d4a5b6c")
              and c["name"] == "shop-web" and c["image"] == "registry.example/shop/web:2.4.1")
    if not ok:
        print("wrong container:", a["rule"], c); sys.exit(1)
EOF
out=$("$STRATA" watch --replay "$fx/benign.jsonl" --rules "$pack" 2>&1 >"$WORK/benign.json")
if [ ! -s "$WORK/benign.json" ] && [[ "$out" == *"20 events replayed, 0 alerts"* ]]; then
    pass "watch --replay: benign recording gives no alert"
else
    fail "watch --replay: benign recording gives no alert" "$(head -3 "$WORK/benign.json") $out"
fi
# the default pack is found next to the binary when no --rules is given
if [ -f "$(dirname "$STRATA")/../rules/runtime.yaml" ]; then
    n=$("$STRATA" watch --replay "$fx/attack.jsonl" -q | wc -l)
    [ "$n" -eq 24 ] && pass "watch --replay: default pack without --rules" ||
        fail "watch --replay: default pack without --rules" "$n alerts"
else
    skip "watch --replay: default pack without --rules" "the binary is not in a build dir of the tree"
fi
n=$(STRATA_RULES=$fx/operators.yaml "$STRATA" watch --replay "$fx/operators.jsonl" -q | wc -l)
[ "$n" -eq 35 ] && pass "watch --replay: STRATA_RULES names the rule file" ||
    fail "watch --replay: STRATA_RULES names the rule file" "$n alerts"

# every alert is a full JSON object with the event
python3 - "$fx/attack.jsonl" <<EOF && pass "watch --replay: alert JSON fields and the event" || fail "watch --replay: alert JSON fields and the event" "see above"
import json, subprocess, sys
out = subprocess.run(["$STRATA", "watch", "--replay", sys.argv[1], "--rules", "$pack", "-q"],
                     capture_output=True, text=True, check=True).stdout.splitlines()
events = [json.loads(l) for l in open(sys.argv[1])]
for line in out:
    a = json.loads(line)
    for k in ("time", "time_ns", "rule", "priority", "output", "tags", "source", "container",
              "output_fields", "event"):
        assert k in a, (k, a)
    ev = [e for e in events if e["seq"] == a["event"]["seq"]][0]
    assert a["event"]["type"] == ev["type"] and a["event"]["proc"]["pid"] == ev["proc"]["pid"], a
    assert a["time_ns"] == ev["time"], a
EOF

# text format, stdin, -o, priority filter, first-match mode
"$STRATA" watch --replay - --rules "$pack" -f text -q <"$fx/attack.jsonl" >"$WORK/attack.txt"
first=$(head -1 "$WORK/attack.txt")
[ "$first" = "2024-12-07T08:26:40.003000000Z Notice Shell spawned in a container (user=app uid=1000 shell=bash parent=node cmdline=bash -i tty=34816 container=9b3e1f0c2d4a name=shop-web image=registry.example/shop/web:2.4.1) (rule=Shell spawned in a container container=9b3e1f0c2d4a)" ] &&
    pass "watch --replay -f text from stdin" || fail "watch --replay -f text from stdin" "$first"
"$STRATA" watch --replay "$fx/attack.jsonl" --rules "$pack" -p critical -o "$WORK/crit.json" -q
n=$(wc -l <"$WORK/crit.json")
bad=$(grep -vc '"priority":"Critical"' "$WORK/crit.json")
[ "$n" -eq 10 ] && [ "$bad" -eq 0 ] && pass "watch --replay --min-priority CRITICAL -o FILE" ||
    fail "watch --replay --min-priority CRITICAL -o FILE" "$n alerts, $bad not critical"
n=$("$STRATA" watch --replay "$fx/attack.jsonl" --rules "$pack" --match first -q | wc -l)
[ "$n" -eq 23 ] && pass "watch --replay --match first" || fail "watch --replay --match first" "$n"

# one rule per operator and field class
"$STRATA" watch --replay "$fx/operators.jsonl" --rules "$fx/operators.yaml" -q |
    python3 -c 'import sys, json
for l in sys.stdin:
    a = json.loads(l); print(a["rule"] + "\t" + a["output"])' >"$WORK/ops"
diff -u "$fx/operators.expected" "$WORK/ops" >"$WORK/ops.diff" &&
    pass "watch --replay: every operator and field class" ||
    fail "watch --replay: every operator and field class" "$(head -20 "$WORK/ops.diff")"

# recordings with errors stop with file:line
printf '{"type":"execve"}\n\n{"type":"execve","proc":{"pid":"x"}}\n' >"$WORK/bad.jsonl"
expect_exit "watch --replay: a bad recording line" 2 -- \
    "$STRATA" watch --replay "$WORK/bad.jsonl" --rules "$pack"
[[ "$LAST_ERR" == *"bad.jsonl:3: proc.pid: expected an integer"* ]] &&
    pass "watch --replay: the error names file:line and the key" ||
    fail "watch --replay: the error names file:line and the key" "$LAST_ERR"
expect_exit "watch --replay: a missing recording" 2 -- \
    "$STRATA" watch --replay "$WORK/none.jsonl" --rules "$pack"
expect_exit "watch: bad --format" 2 -- "$STRATA" watch --replay "$fx/benign.jsonl" -f xml
expect_exit "watch: bad --min-priority" 2 -- "$STRATA" watch --replay "$fx/benign.jsonl" -p LOUD
expect_exit "watch --help" 0 -- "$STRATA" watch --help
