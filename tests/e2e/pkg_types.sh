# E2E: --pkg-types selects what is looked for and reported; OS file lists still decide which
# language packages an OS package owns when only libraries are asked for.
. "$SRCROOT/tests/e2e/lib.inc"
root="$WORK/root"
lp=usr/share/nodejs/node_modules/left-pad
mkdir -p "$root/etc" "$root/var/lib/dpkg/info" "$root/$lp" "$root/app/node_modules/ms"
printf 'ID=debian\nVERSION_ID="12"\n' >"$root/etc/os-release"
printf 'Package: node-left-pad\nStatus: install ok installed\nVersion: 1.3.0-1\nArchitecture: all\n\n' >"$root/var/lib/dpkg/status"
printf '/%s/package.json\n' "$lp" >"$root/var/lib/dpkg/info/node-left-pad.list"
printf '{"name":"left-pad","version":"1.3.0"}' >"$root/$lp/package.json"
printf '{"name":"ms","version":"2.0.0"}' >"$root/app/node_modules/ms/package.json"
types() { "$STRATA" fs -q --no-vulns --format json "$@" "$root" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted("%s:%s:%s" % (p["type"], p["name"], p["os_package"] or "-") for p in d["packages"])))'; }
want_all="deb:node-left-pad:- npm:left-pad:node-left-pad npm:ms:-"
got=$(types)
[ "$got" = "$want_all" ] && pass "pkg-types: default finds both, left-pad owned by node-left-pad" || fail "pkg-types: default" "got '$got'"
got=$(types --pkg-types os)
[ "$got" = "deb:node-left-pad:-" ] && pass "pkg-types: os only" || fail "pkg-types: os" "got '$got'"
got=$(types --pkg-types library)
[ "$got" = "npm:left-pad:node-left-pad npm:ms:-" ] && pass "pkg-types: library only keeps ownership" || fail "pkg-types: library" "got '$got'"
got=$(types --pkg-types library,os)
[ "$got" = "$want_all" ] && pass "pkg-types: os,library = default" || fail "pkg-types: both" "got '$got'"
expect_exit "pkg-types: unknown word is a usage error" 2 -- "$STRATA" fs --pkg-types os,foo "$root"
case "$LAST_ERR" in *"unknown package type 'foo'"*) pass "pkg-types: error names the word" ;; *) fail "pkg-types: error" "$LAST_ERR" ;; esac
