# E2E: an Alpine-style image built here (Debian has no apk-tools to write a real database, so
# the installed database is written in apk's documented format): OS detection from
# alpine-release/os-release, packages with origin, license and purl, and attribution of each
# package to the first layer whose database lists it at that version.
. "$SRCROOT/tests/e2e/lib.inc"
l0="$WORK/l0" l1="$WORK/l1"
mkdir -p "$l0/etc" "$l0/lib/apk/db" "$l1/lib/apk/db"
printf '3.19.1\n' >"$l0/etc/alpine-release"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n' >"$l0/etc/os-release"
musl='P:musl
V:1.2.4_git20230717-r4
A:x86_64
o:musl
L:MIT
F:lib
R:ld-musl-x86_64.so.1
R:libc.musl-x86_64.so.1
'
busybox_old='P:busybox
V:1.36.1-r15
A:x86_64
o:busybox
L:GPL-2.0-only
F:bin
R:busybox
'
busybox_new=${busybox_old/1.36.1-r15/1.36.1-r19}
curl='P:curl
V:8.5.0-r0
A:x86_64
o:curl
L:curl
F:usr/bin
R:curl
'
printf '%s\n%s\n' "$musl" "$busybox_old" >"$l0/lib/apk/db/installed"
printf '%s\n%s\n%s\n' "$musl" "$busybox_new" "$curl" >"$l1/lib/apk/db/installed"
make_docker_archive "$WORK/alpine.tar" "alpine-like:1" "$l0" "$l1"
if ! "$STRATA" image -q --format json -o "$WORK/r.json" "$WORK/alpine.tar" 2>"$WORK/err"; then
    fail apk-scan "$(cat "$WORK/err")"
    exit 0
fi
/usr/bin/python3 - "$WORK/r.json" <<'PYEOF' && pass "apk: os alpine 3.19.1, 3 packages, upgrade attributed to layer 1" || fail apk-report "see above"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["os"]["family"] == "alpine" and r["os"]["version"] == "3.19.1", r["os"]
p = {x["name"]: x for x in r["packages"]}
assert sorted(p) == ["busybox", "curl", "musl"], sorted(p)
assert p["musl"]["layer_index"] == 0 and p["busybox"]["layer_index"] == 1 and p["curl"]["layer_index"] == 1
assert p["busybox"]["version"] == "1.36.1-r19"
assert p["musl"]["type"] == "apk" and p["musl"]["source_name"] == "musl" and p["musl"]["licenses"] == ["MIT"]
assert p["musl"]["purl"] == "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1", p["musl"]["purl"]
assert p["curl"]["db_path"] == "/lib/apk/db/installed"
assert p["musl"]["layer_diff_id"] == r["layers"][0]["diff_id"]
PYEOF
# A corrupt database is an input error naming the file and line.
l2="$WORK/l2"
mkdir -p "$l2/lib/apk/db"
printf 'P:x\nV:1\nP:y\n' >"$l2/lib/apk/db/installed"
make_docker_archive "$WORK/bad.tar" "bad:1" "$l2"
expect_exit "apk: duplicate P: in one record is exit 2" 2 -- "$STRATA" image -q "$WORK/bad.tar"
case "$LAST_ERR" in *"lib/apk/db/installed: line 3"*) pass "apk: error names path and line" ;; *) fail apk-error "$LAST_ERR" ;; esac
