# E2E: 'strata sbom FILE'.
#  (a) round trip: 'strata image --format cyclonedx|spdx' of the shared app image (npm, Go
#      stdlib, Debian 12) and of a two-layer Debian 11 image built from the vuln_real fixtures
#      (real findings keyed by Debian source package), then 'strata sbom' of each SBOM with the
#      same database: the same findings (id, package, version, type, fixed version, layer) and
#      the same packages (type, name, version, source name and version) as 'strata image';
#  (b) other tools' shapes, written by sbom_shapes.py from the same fixtures (Syft CycloneDX,
#      Trivy CycloneDX, Syft SPDX of an Alpine 3.11 image): the findings 'strata image' gives
#      for the matching image (which vuln_real checks against an independent expectation)
#      plus the lodash 4.17.15 finding; Trivy's application component without a purl is
#      warned about;
#  (c) usage and input errors exit 2; the gate exits with --exit-code.
. "$SRCROOT/tests/e2e/lib.inc"
V="$SHARED/data/vulndb"
app="$SHARED/fixtures/images/debian12-app.docker.tar"
FIX="$SRCROOT/tests/e2e/vuln-fixtures"
PY=/usr/bin/python3

# ---- (c) needs nothing shared ---------------------------------------------------------------
expect_exit "sbom: --help" 0 -- "$STRATA" sbom --help
expect_exit "sbom: no FILE" 2 -- "$STRATA" sbom
expect_exit "sbom: two FILEs" 2 -- "$STRATA" sbom a b
expect_exit "sbom: unknown option" 2 -- "$STRATA" sbom --bogus x
expect_exit "sbom: missing file" 2 -- "$STRATA" sbom --no-vulns "$WORK/absent.json"
printf '{"not": "an sbom"}' >"$WORK/notsbom.json"
expect_exit "sbom: JSON that is not an SBOM" 2 -- "$STRATA" sbom --no-vulns "$WORK/notsbom.json"
case "$LAST_ERR" in *notsbom.json*"not an SBOM"*) pass "sbom: not-an-SBOM message names the file" ;;
*) fail "sbom: not-an-SBOM message" "$LAST_ERR" ;; esac
printf '{"bomFormat": "CycloneDX",\n "specVersion": "1.5",\n "components": [}' >"$WORK/broken.json"
expect_exit "sbom: truncated JSON" 2 -- "$STRATA" sbom --no-vulns "$WORK/broken.json"
case "$LAST_ERR" in *broken.json:3:*) pass "sbom: JSON error names file:line:column" ;;
*) fail "sbom: JSON error position" "$LAST_ERR" ;; esac
printf '{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"type": "library", "name": "x", "purl": 7}]}' >"$WORK/wrongtype.json"
expect_exit "sbom: purl of the wrong type" 2 -- "$STRATA" sbom --no-vulns "$WORK/wrongtype.json"
case "$LAST_ERR" in *"components[0].purl"*) pass "sbom: wrong-type message names the member" ;;
*) fail "sbom: wrong-type message" "$LAST_ERR" ;; esac
printf '{"bomFormat": "CycloneDX", "specVersion": "1.1", "components": []}' >"$WORK/old.json"
expect_exit "sbom: CycloneDX 1.1 refused" 2 -- "$STRATA" sbom --no-vulns "$WORK/old.json"
expect_exit "sbom: a directory" 2 -- "$STRATA" sbom --no-vulns "$WORK"
expect_exit "sbom: --format bad" 2 -- "$STRATA" sbom --format xml "$WORK/old.json"
expect_exit "sbom: gate without database" 2 -- "$STRATA" sbom --db "$WORK/absent.db" --exit-code 1 "$WORK/notsbom.json"

if [ ! -f "$app" ] || [ ! -d "$V/osv" ] || [ ! -x "$PY" ]; then
    skip "sbom: round trip and other tools" "needs $app, $V and python3"
    exit 0
fi

db="$WORK/sbom.db"
expect_exit "sbom: db build (npm, Debian, Go, Alpine)" 0 -- "$STRATA" db build -q --output "$db" \
    "$V/osv/npm/all.zip" "$V/osv/Debian/all.zip" "$V/osv/Go/all.zip" "$V/alpine-secdb"

# compare NAME WANT.json GOT.json [--lodash] : findings and packages equal (--lodash: GOT also
# has the lodash 4.17.15 finding(s) WANT lacks, and packages are only compared by name/version)
compare() {
    "$PY" - "$@" <<'PYEOF'
import json, sys
name, want, got = sys.argv[1:4]
lodash = "--lodash" in sys.argv[4:]
w, g = json.load(open(want)), json.load(open(got))
def vulns(d, layer=True):
    return sorted((v["id"], v["package_name"], v["package_version"], v["package_type"],
                   v.get("fixed_version") or "", v["layer_index"] if layer else None)
                  for v in d["vulnerabilities"])
def pkgs(d, full=True):
    return sorted((p["type"], p["name"], p["version"]) + ((p.get("source_name") or "", p.get("source_version") or "")
                  if full else ()) for p in d["packages"])
wv, gv = vulns(w, not lodash), vulns(g, not lodash)
if lodash:
    extra = [v for v in gv if v[1] == "lodash"]
    gv = [v for v in gv if v[1] != "lodash"]
    if not extra:
        print("FAIL: %s: no lodash 4.17.15 finding" % name)
    wp = pkgs(w) + [("npm", "lodash", "4.17.15", "", "")]
    gp = pkgs(g)
    wp.sort()
else:
    wp, gp = pkgs(w), pkgs(g)
if not wv:
    print("FAIL: %s: nothing to compare (no findings expected)" % name)
elif wv != gv:
    print("FAIL: %s: findings differ: missing %s, unexpected %s" % (name, sorted(set(wv) - set(gv))[:5], sorted(set(gv) - set(wv))[:5]))
elif wp != gp:
    print("FAIL: %s: packages differ: missing %s, unexpected %s" % (name, sorted(set(wp) - set(gp))[:5], sorted(set(gp) - set(wp))[:5]))
else:
    print("PASS: %s (%d findings, %d packages)" % (name, len(gv) + (len(extra) if lodash else 0), len(gp)))
PYEOF
}

# ---- (a) round trip ---------------------------------------------------------------------------
deb0="$WORK/deb-l0" deb1="$WORK/deb-l1" alp0="$WORK/alp-l0" alp1="$WORK/alp-l1"
mkdir -p "$deb0/etc" "$deb0/usr/lib" "$deb0/var/lib/dpkg" "$deb1/var/lib/dpkg" "$alp0/etc" "$alp0/lib/apk/db" "$alp1/lib/apk/db"
cp "$FIX/debian11-os-release" "$deb0/usr/lib/os-release"
ln -s ../usr/lib/os-release "$deb0/etc/os-release"
printf '11.3\n' >"$deb0/etc/debian_version"
cp "$FIX/debian11-status.layer0" "$deb0/var/lib/dpkg/status"
cp "$FIX/debian11-status" "$deb1/var/lib/dpkg/status"
cp "$FIX/alpine311-os-release" "$alp0/etc/os-release"
printf '3.11.6\n' >"$alp0/etc/alpine-release"
cp "$FIX/alpine311-installed.layer0" "$alp0/lib/apk/db/installed"
cp "$FIX/alpine311-installed" "$alp1/lib/apk/db/installed"
make_docker_archive "$WORK/deb11.tar" "strata-test/debian11-vulns:1" "$deb0" "$deb1"
make_docker_archive "$WORK/alp311.tar" "strata-test/alpine311-vulns:1" "$alp0" "$alp1"

for img in app deb11 alp311; do
    case $img in app) tar=$app ;; *) tar="$WORK/$img.tar" ;; esac
    "$STRATA" image -q --db "$db" --format json -o "$WORK/$img.image.json" "$tar" ||
        fail "sbom: image scan of $img" "exit $?"
    for f in cyclonedx spdx; do
        "$STRATA" image -q --no-vulns --format $f -o "$WORK/$img.$f" "$tar" || fail "sbom: $f of $img" "exit $?"
        "$STRATA" sbom -q --db "$db" --format json -o "$WORK/$img.$f.json" "$WORK/$img.$f"
        rc=$?
        [ $rc -eq 0 ] || fail "sbom: strata sbom of the $f of $img" "exit $rc"
        compare "sbom: round trip $img via $f equals strata image" "$WORK/$img.image.json" "$WORK/$img.$f.json"
    done
done
# The target is the SBOM's subject.
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); t=d["target"]; sys.exit(0 if t["name"]=="example.com/app:1.0" and t["kind"]=="sbom" and d["os"]["family"]=="debian" else 1)' "$WORK/app.cyclonedx.json" &&
    pass "sbom: target is the SBOM subject, kind sbom, OS from the SBOM" || fail "sbom: target" "$(head -c 300 "$WORK/app.cyclonedx.json")"

# ---- (b) Syft and Trivy shapes ------------------------------------------------------------------
"$PY" "$SRCROOT/tests/e2e/sbom_shapes.py" syft-cdx "$FIX/debian11-status" "$WORK/syft.cdx.json" &&
    "$PY" "$SRCROOT/tests/e2e/sbom_shapes.py" trivy-cdx "$FIX/debian11-status" "$WORK/trivy.cdx.json" &&
    "$PY" "$SRCROOT/tests/e2e/sbom_shapes.py" syft-spdx "$FIX/alpine311-installed" "$WORK/syft.spdx.json" ||
    fail "sbom: writing the Syft/Trivy shapes" "sbom_shapes.py failed"
for s in syft.cdx trivy.cdx syft.spdx; do
    case $s in syft.spdx) want="$WORK/alp311.image.json" ;; *) want="$WORK/deb11.image.json" ;; esac
    "$STRATA" sbom --db "$db" --format json -o "$WORK/$s.out.json" "$WORK/$s.json" 2>"$WORK/$s.err"
    rc=$?
    [ $rc -eq 0 ] || fail "sbom: $s" "exit $rc: $(cat "$WORK/$s.err")"
    compare "sbom: $s gives the image's findings plus lodash" "$want" "$WORK/$s.out.json" --lodash
done
grep -q "1 component without a purl was not checked (app/package-lock.json)" "$WORK/trivy.cdx.err" &&
    grep -q "without a purl" "$WORK/trivy.cdx.out.json" &&
    pass "sbom: Trivy's component without a purl is warned about (stderr and report)" ||
    fail "sbom: component without a purl" "$(cat "$WORK/trivy.cdx.err")"

# ---- gate ----------------------------------------------------------------------------------------
expect_exit "sbom: gate --severity UNKNOWN --exit-code 1 fails on findings" 1 -- \
    "$STRATA" sbom -q --db "$db" --severity UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL --exit-code 1 "$WORK/syft.cdx.json"
expect_exit "sbom: --no-vulns lists packages" 0 -- "$STRATA" sbom -q --no-vulns "$WORK/syft.spdx.json"
