# E2E: the shared app image's commons-lang3 3.12.0 jar belongs to Debian's
# libcommons-lang3-java, and GHSA-j288-q9x7-2f5v (commons-lang3 >= 3.0, < 3.18.0) covers its
# version. By default the jar is listed with os_package and not matched (Debian's own data
# judges the deb); --include-os-owned matches it. The same holds when strata's own CycloneDX
# and SPDX SBOMs of the image are checked with 'strata sbom'.
. "$SRCROOT/tests/e2e/lib.inc"
app="$SHARED/fixtures/images/debian12-app.docker.tar"
adv="$SRCROOT/tests/e2e/vuln-fixtures/osv-maven-GHSA-j288-q9x7-2f5v.json"
if [ ! -f "$app" ]; then
    skip os_owned_app "needs $app"
    exit 0
fi
mkdir -p "$WORK/osv" && cp "$adv" "$WORK/osv/"
expect_exit "os-owned: db build from the Maven advisory" 0 -- "$STRATA" db build --output "$WORK/db" "$WORK/osv"
count() { # file -> "<owner of the jar> <number of GHSA-j288 findings>"
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
jar = [p for p in d["packages"] if p["name"] == "org.apache.commons:commons-lang3"]
hits = [v for v in d["vulnerabilities"] if v["id"] in ("GHSA-j288-q9x7-2f5v", "CVE-2025-48924") or "GHSA-j288-q9x7-2f5v" in v["aliases"]]
print("%s %d %d" % (jar[0]["os_package"] if len(jar) == 1 else "jar-count-%d" % len(jar), len(hits), len(jar)))' "$1"
}
check() { # name file want
    local got
    got=$(count "$2")
    [ "$got" = "$3" ] && pass "os-owned: $1" || fail "os-owned: $1" "got '$got', want '$3'"
}
"$STRATA" image -q --db "$WORK/db" --format json -o "$WORK/default.json" "$app"
check "image: the jar is listed once, owned, not matched" "$WORK/default.json" "libcommons-lang3-java 0 1"
"$STRATA" image -q --db "$WORK/db" --include-os-owned --format json -o "$WORK/all.json" "$app"
check "image --include-os-owned: matched once" "$WORK/all.json" "libcommons-lang3-java 1 1"
for fmt in cyclonedx spdx; do
    "$STRATA" image -q --no-vulns --format $fmt -o "$WORK/app.$fmt.json" "$app"
    "$STRATA" sbom -q --db "$WORK/db" --format json -o "$WORK/sbom-$fmt.json" "$WORK/app.$fmt.json"
    check "sbom ($fmt): ownership survives the SBOM, not matched" "$WORK/sbom-$fmt.json" "libcommons-lang3-java 0 1"
    "$STRATA" sbom -q --db "$WORK/db" --include-os-owned --format json -o "$WORK/sbom-all-$fmt.json" "$WORK/app.$fmt.json"
    check "sbom ($fmt) --include-os-owned: matched" "$WORK/sbom-all-$fmt.json" "libcommons-lang3-java 1 1"
done
