# E2E: the Go toolchain compiled into the shared app image's /usr/bin/age (go1.19.8, a Debian
# build in GOPATH mode: no module lines) is reported as stdlib 1.19.8 with the binary's owner
# (age) and still matched against the real Go vulnerability database in ../shared (statically
# compiled code is matched whoever owns the binary). The expected findings are worked out here
# from the OSV records with a separate semver comparison, not with strata's matcher.
. "$SRCROOT/tests/e2e/lib.inc"
app="$SHARED/fixtures/images/debian12-app.docker.tar"
zip="$SHARED/data/vulndb/osv/Go/all.zip"
if [ ! -f "$app" ] || [ ! -f "$zip" ]; then
    skip vuln_go_app "needs $app and $zip"
    exit 0
fi
expect_exit "go app: db build from the Go feed" 0 -- "$STRATA" db build --output "$WORK/go.db" "$zip"
"$STRATA" image -q --db "$WORK/go.db" --format json -o "$WORK/app.json" "$app"
rc=$?
[ "$rc" -eq 0 ] && pass "go app: scan with the Go database" || fail "go app: scan" "exit $rc"
/usr/bin/python3 - "$WORK/app.json" "$zip" <<'PY'
import json, re, sys, zipfile
report, zpath = sys.argv[1:3]
r = json.load(open(report))
std = [p for p in r["packages"] if p["type"] == "golang" and p["name"] == "stdlib"]
ok = (len(std) == 1 and std[0]["version"] == "1.19.8" and std[0]["db_path"] == "/usr/bin/age"
      and std[0]["layer_index"] == 1 and std[0]["os_package"] == "age" and std[0]["compiled_in"]
      and std[0]["purl"] == "pkg:golang/stdlib@1.19.8")
print(("PASS: %s" if ok else "FAIL: %s: " + json.dumps(std)) % "go app: /usr/bin/age is stdlib 1.19.8, layer 1, owned by age, compiled in")

def key(v):  # Go's semver: MAJOR.MINOR.PATCH[-PRERELEASE]; prerelease sorts first
    m = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?", v)
    if not m:
        raise ValueError(v)
    pre = m.group(4)
    ids = [] if pre is None else [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in pre.split(".")]
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)), pre is None, ids)

ver = "1.19.8"
expected = {}
with zipfile.ZipFile(zpath) as z:
    for n in z.namelist():
        d = json.loads(z.read(n))
        if d.get("withdrawn"):
            continue
        for a in d.get("affected", []):
            if a["package"]["ecosystem"] != "Go" or a["package"]["name"] != "stdlib":
                continue
            for rg in a.get("ranges", []):
                if rg["type"] != "SEMVER":
                    continue
                state, fixed = False, None
                for e in sorted(rg["events"], key=lambda e: (0,) if list(e.values())[0] == "0" else (1, key(list(e.values())[0]))):
                    (k, v), = e.items()
                    if k == "introduced" and (v == "0" or key(ver) >= key(v)):
                        state = True
                    elif k == "fixed" and key(ver) >= key(v):
                        state = False
                if state:
                    fixed = min((e["fixed"] for e in rg["events"] if "fixed" in e and key(e["fixed"]) > key(ver)), key=key, default=None)
                    expected[d["id"]] = fixed
got = {v["id"]: v["fixed_version"] for v in r["vulnerabilities"] if v["package_type"] == "golang"}
print("go app: expected %d stdlib findings" % len(expected))
if not expected:
    print("FAIL: go app: nothing to compare")
elif got == expected:
    print("PASS: go app: strata's stdlib findings equal the independent expectation (%d)" % len(got))
else:
    miss = sorted(set(expected.items()) - set(got.items()))
    extra = sorted(set(got.items()) - set(expected.items()))
    print("FAIL: go app: findings differ: missing %s, unexpected %s" % (miss[:10], extra[:10]))
PY
