# E2E on an image this test builds itself (no ../shared needed): two layers, dpkg packages
# attributed to the layer that added them, os-release reached through a symlink.
. "$SRCROOT/tests/e2e/lib.inc"
"$SRCROOT/tests/make-demo-image.sh" "$WORK/demo.tar" || { fail own-image "could not build the demo image"; exit 0; }
if ! "$STRATA" image -q --format json -o "$WORK/demo.json" "$WORK/demo.tar" 2>"$WORK/err"; then
    fail own-image "scan failed: $(cat "$WORK/err")"
    exit 0
fi
/usr/bin/python3 - "$WORK/demo.json" <<'PYEOF' && pass "own image: 17 packages, 12 in layer 0, 5 in layer 1" || fail own-image-packages "see above"
import json, sys
r = json.load(open(sys.argv[1]))
pk = [p for p in r["packages"] if p["type"] == "deb"]
by_layer = {}
for p in pk:
    by_layer[p["layer_index"]] = by_layer.get(p["layer_index"], 0) + 1
print(by_layer)
assert len(pk) == 17, len(pk)
assert by_layer == {0: 12, 1: 5}, by_layer
assert r["target"]["name"] == "strata-demo:latest"
assert all(p["purl"].startswith("pkg:deb/") for p in pk)
assert all(p["db_path"] == "/var/lib/dpkg/status" for p in pk)
PYEOF
# dpkg-query is the oracle: unpack the image's final dpkg database and ask dpkg itself.
mkdir -p "$WORK/unpacked" "$WORK/admindir/updates" "$WORK/root"
tar -xf "$WORK/demo.tar" -C "$WORK/unpacked"
last=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Layers"][-1])' "$WORK/unpacked/manifest.json")
tar -xzf "$WORK/unpacked/$last" -C "$WORK/root"
cp "$WORK/root/var/lib/dpkg/status" "$WORK/admindir/status"
dpkg-query --admindir="$WORK/admindir" -W -f '${db:Status-Abbrev}|${Package}|${Version}|${Architecture}\n' |
    awk -F'|' '$1 ~ /^ii/ {print $2" "$3" "$4}' | sort >"$WORK/oracle.txt"
/usr/bin/python3 -c 'import json,sys; [print(p["name"], p["version"], p["arch"]) for p in json.load(open(sys.argv[1]))["packages"]]' "$WORK/demo.json" | sort >"$WORK/strata.txt"
if [ -s "$WORK/oracle.txt" ] && diff -u "$WORK/oracle.txt" "$WORK/strata.txt" >"$WORK/oracle.diff"; then
    pass "oracle: dpkg-query --admindir agrees ($(wc -l <"$WORK/oracle.txt") packages)"
else
    fail oracle "$(head -20 "$WORK/oracle.diff")"
fi
# strata fs on the unpacked final layer gives the same packages, with no layer.
if "$STRATA" fs -q --format json -o "$WORK/fs.json" "$WORK/root" 2>"$WORK/fs.err"; then
    /usr/bin/python3 -c 'import json,sys; [print(p["name"], p["version"], p["arch"]) for p in json.load(open(sys.argv[1]))["packages"]]' "$WORK/fs.json" | sort >"$WORK/fs.txt"
    if diff -q "$WORK/oracle.txt" "$WORK/fs.txt" >/dev/null &&
        /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["layers"]==[] and all(p["layer_index"] is None for p in r["packages"])' "$WORK/fs.json"; then
        pass "strata fs: same packages, layer_index null"
    else
        fail fs "fs report differs from the oracle"
    fi
else
    fail fs "$(cat "$WORK/fs.err")"
fi

# A dpkg database that is a hard link in its layer: tar stores no data for the link, so the
# walker must fetch its target's content (regression: the dpkg analyzer then saw nothing).
hl="$WORK/hardlink"
mkdir -p "$hl/r/var/lib/dpkg" "$hl/img"
printf 'Package: linked\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\n\n' >"$hl/r/var/lib/dpkg/status.real"
ln "$hl/r/var/lib/dpkg/status.real" "$hl/r/var/lib/dpkg/status"
tar --owner=0 --group=0 -C "$hl/r" -cf "$hl/layer.tar" ./var/lib/dpkg/status.real ./var/lib/dpkg/status
d=$(sha256sum "$hl/layer.tar" | cut -d' ' -f1)
cp "$hl/layer.tar" "$hl/img/$d.tar"
printf '{"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"x"}]}' "$d" >"$hl/cfg.json"
c=$(sha256sum "$hl/cfg.json" | cut -d' ' -f1)
cp "$hl/cfg.json" "$hl/img/$c.json"
printf '[{"Config":"%s.json","RepoTags":["hl:1"],"Layers":["%s.tar"]}]' "$c" "$d" >"$hl/img/manifest.json"
tar -C "$hl/img" -cf "$hl/image.tar" .
if out=$("$STRATA" image -q --format json "$hl/image.tar" 2>&1) && printf '%s' "$out" | grep -q '"name": "linked"'; then
    pass "hard-linked dpkg status is read"
else
    fail hardlink-status "$out"
fi
