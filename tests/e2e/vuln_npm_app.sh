# E2E: the npm packages of the shared app image against the real npm advisories in
# ../shared/data/vulndb, with the expected findings worked out here independently: the OSV
# records are read straight from the zip and every version comparison is asked of node-semver
# (the npm reference), not of strata.
. "$SRCROOT/tests/e2e/lib.inc"
app="$SHARED/fixtures/images/debian12-app.docker.tar"
zip="$SHARED/data/vulndb/osv/npm/all.zip"
semver=/usr/share/nodejs/semver
if [ ! -f "$app" ] || [ ! -f "$zip" ]; then
    skip vuln_npm_app "needs $app and $zip"
    exit 0
fi
if ! command -v node >/dev/null || [ ! -d "$semver" ]; then
    skip vuln_npm_app "needs node and node-semver ($semver)"
    exit 0
fi
expect_exit "npm app: db build from the npm feed" 0 -- "$STRATA" db build --output "$WORK/npm.db" "$zip"
"$STRATA" image -q --db "$WORK/npm.db" --format json -o "$WORK/app.json" "$app"
rc=$?
[ "$rc" -eq 0 ] && pass "npm app: scan with the npm database" || fail "npm app: scan" "exit $rc"
/usr/bin/python3 - "$WORK/app.json" "$zip" "$SRCROOT/tests/e2e/version_oracle_semver.js" "$semver" <<'PY'
import json, subprocess, sys, zipfile
report, zpath, oracle, semver = sys.argv[1:5]
r = json.load(open(report))
installed = {(p["name"], p["version"]): p for p in r["packages"] if p["type"] == "npm"}
records = []
with zipfile.ZipFile(zpath) as z:
    for n in z.namelist():
        d = json.loads(z.read(n))
        if d.get("withdrawn"):
            continue
        for a in d.get("affected", []):
            if a["package"]["ecosystem"] == "npm":
                records.append((d["id"], a))
# Every comparison the evaluation can need, asked of node-semver in one run.
pairs = set()
for rid, a in records:
    for (name, ver) in installed:
        if a["package"]["name"] != name:
            continue
        for rg in a.get("ranges", []):
            for e in rg["events"]:
                for v in e.values():
                    if v != "0":
                        pairs.add((ver, v))
pairs = sorted(pairs)
out = subprocess.run(["node", oracle, semver], input="".join("%s %s\n" % p for p in pairs),
                     capture_output=True, text=True, check=True).stdout.split("\n")
cmp = {p: {"<": -1, "=": 0, ">": 1}[o] for p, o in zip(pairs, out)}
expected = set()
for rid, a in records:
    for (name, ver) in installed:
        if a["package"]["name"] != name:
            continue
        hit = ver in a.get("versions", [])
        fixed = None
        for rg in a.get("ranges", []):
            if rg["type"] not in ("SEMVER", "ECOSYSTEM"):
                continue
            state = False
            for e in rg["events"]:  # these records list their events in order
                (k, v), = e.items()
                if k == "introduced" and (v == "0" or cmp[(ver, v)] >= 0):
                    state = True
                elif k == "fixed" and cmp[(ver, v)] >= 0:
                    state = False
                elif k == "last_affected" and cmp[(ver, v)] > 0:
                    state = False
            if state:
                hit = True
                fixed = next((e["fixed"] for e in rg["events"] if "fixed" in e and cmp[(ver, e["fixed"])] < 0), None)
        if hit:
            expected.add((name, ver, rid, fixed, installed[(name, ver)]["layer_index"]))
got = {(v["package_name"], v["package_version"], v["id"], v["fixed_version"], v["layer_index"])
       for v in r["vulnerabilities"] if v["package_type"] == "npm"}
print("npm app: %d npm packages, %d records compared, expected %s" % (len(installed), len(records), sorted(expected)))
if not installed or not expected:
    print("FAIL: npm app: nothing to compare (npm packages %d, expected findings %d)" % (len(installed), len(expected)))
elif got == expected:
    print("PASS: npm app: strata's npm findings equal the independent expectation (%d)" % len(got))
else:
    print("FAIL: npm app: findings differ: missing %s, unexpected %s" % (sorted(expected - got), sorted(got - expected)))
PY
