# E2E: the Maven artifacts of the shared app image. Expected (debian12-app.expected.json, key
# "jars"): org.apache.commons:commons-lang3 3.12.0 from /usr/share/java/commons-lang3.jar,
# layer 1, reported once although three symlinks point at the jar.
. "$SRCROOT/tests/e2e/lib.inc"
app="$SHARED/fixtures/images/debian12-app.docker.tar"
exp="$SHARED/fixtures/images/debian12-app.expected.json"
if [ ! -f "$app" ] || [ ! -f "$exp" ]; then
    skip java_app "needs $app and $exp"
    exit 0
fi
# The analyzer's code is linked in only when src/inventory/builtin.c registers it.
if ! grep -aq 'not a readable zip archive' "$STRATA"; then
    skip java_app "the java analyzer is not registered (strata_analyzer_java in src/inventory/builtin.c)"
    exit 0
fi
"$STRATA" image -q --no-vulns --format json -o "$WORK/app.json" "$app"
rc=$?
[ "$rc" -eq 0 ] && pass "java app: scan" || fail "java app: scan" "exit $rc"
/usr/bin/python3 - "$WORK/app.json" "$exp" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
jars = json.load(open(sys.argv[2]))["jars"]
maven = [p for p in r["packages"] if p["type"] == "maven"]
if len(maven) == len(jars):
    print("PASS: java app: %d maven package(s), one per jar (symlinks not counted)" % len(maven))
else:
    print("FAIL: java app: %d maven packages, want %d: %s" % (len(maven), len(jars),
          [(p["name"], p["db_path"]) for p in maven]))
for j in jars:
    name = "%s:%s" % (j["groupId"], j["artifactId"])
    got = [p for p in maven if p["db_path"] == j["path"]]
    want = {"name": name, "version": j["version"], "layer_index": j["layer"],
            "purl": "pkg:maven/%s/%s@%s" % (j["groupId"], j["artifactId"], j["version"])}
    if "os_package" in (got[0] if got else {}):
        want["os_package"] = j["dpkg_package"]
    if len(got) != 1:
        print("FAIL: java app: %s: %d packages at this path, want 1" % (j["path"], len(got)))
        continue
    have = {k: got[0].get(k) for k in want}
    if have == want:
        print("PASS: java app: %s = %s %s, layer %d" % (j["path"], name, j["version"], j["layer"]))
    else:
        print("FAIL: java app: %s: got %s, want %s" % (j["path"], have, want))
    links = [p for p in maven if p["db_path"] in j.get("symlinks_to_it", [])]
    if links:
        print("FAIL: java app: symlinks reported: %s" % [p["db_path"] for p in links])
PY
