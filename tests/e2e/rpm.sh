# E2E for the rpm analyzer on databases written by Debian's rpm (tests/rpm/make-rpmdbs.sh):
# `strata fs` on each backend compared with `rpm -qa`, the file lists compared with `rpm -ql`
# (through the unit test binary, since reports do not print files), layer attribution on
# two-layer images built here, and hostile databases giving a clean input error.
. "$SRCROOT/tests/e2e/lib.inc"

for t in rpm rpmbuild db_load; do
    if ! command -v "$t" >/dev/null; then
        skip rpm "$t not installed (make deps)"
        exit 0
    fi
done
py=/usr/bin/python3
[ -x "$py" ] || py=python3
dbs="$WORK/rpmdbs"
if ! "$SRCROOT/tests/rpm/make-rpmdbs.sh" "$dbs" >"$WORK/make.log" 2>&1; then
    fail rpm-fixtures "make-rpmdbs.sh failed: $(tail -5 "$WORK/make.log")"
    exit 0
fi

# The report's packages as expected-file lines: name, version, arch, sourcerpm, license.
report_lines() { # JSON
    "$py" - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for p in r["packages"]:
    if p["type"] != "rpm":
        continue
    src = "%s-%s.src.rpm" % (p["source_name"], p["source_version"]) if p["source_name"] else "(none)"
    # licenses are SPDX expressions (docs/licenses.md): the fixtures' License tags already
    # are, except gpg-pubkey's "pubkey", which is not on the SPDX list -> LicenseRef-pubkey
    lic = " ".join(p["licenses"]).replace("LicenseRef-", "") if p["licenses"] else "(none)"
    print("\t".join([p["name"], p["version"], p["arch"] or "(none)", src, lic]))
PY
}

for b in sqlite ndb bdb bdb-be bdb-many; do
    if ! "$STRATA" fs -q --format json -o "$WORK/$b.json" "$dbs/$b" 2>"$WORK/$b.err"; then
        fail "rpm-$b" "scan failed: $(cat "$WORK/$b.err")"
        continue
    fi
    report_lines "$WORK/$b.json" | LC_ALL=C sort >"$WORK/$b.got"
    if [ -s "$dbs/$b.expected" ] && diff -u "$dbs/$b.expected" "$WORK/$b.got" >"$WORK/$b.diff"; then
        pass "rpm $b: $(wc -l <"$WORK/$b.got") packages match rpm -qa (name, [epoch:]version-release, arch, source, license)"
    else
        fail "rpm-$b" "differs from rpm -qa: $(head -20 "$WORK/$b.diff")"
    fi
done

# purl, db_path and layer fields on the filesystem scan
if "$py" - "$WORK/sqlite.json" <<'PY'; then
import json, sys
r = json.load(open(sys.argv[1]))
pk = {p["name"]: p for p in r["packages"] if p["type"] == "rpm"}
m = pk["multi"]
assert m["purl"].startswith("pkg:rpm/") and "multi@3.4.5-7.el9" in m["purl"] and "epoch=2" in m["purl"], m["purl"]
assert "epoch=" not in pk["hello"]["purl"], pk["hello"]["purl"]
assert all(p["db_path"] == "/var/lib/rpm/rpmdb.sqlite" for p in pk.values())
assert all(p["layer_index"] is None and p["layer_diff_id"] is None for p in pk.values())
PY
    pass "rpm fs: purl (epoch qualifier only when non-zero), db_path, no layer"
else
    fail rpm-fields "see above"
fi

# File lists of all four formats against rpm -ql, through the library.
unit="$(dirname "$STRATA")/tests/test_rpm"
if [ -x "$unit" ]; then
    if RPM_FIXTURES="$dbs" "$unit" >"$WORK/unit.log" 2>&1 && grep -q 'bdb-be: [0-9]* packages, 128 files match rpm' "$WORK/unit.log"; then
        pass "rpm file lists: sqlite, ndb, bdb, bdb-be match rpm -ql (128 files)"
    else
        fail rpm-files "$(grep -E 'ERROR|differ|FAILED' "$WORK/unit.log" | head -10)"
    fi
else
    skip rpm-files "$unit not built"
fi

# Images: docker-archive with uncompressed layers built from directories.
make_image() { # OUT.tar LAYERDIR...
    local out=$1
    shift
    "$py" - "$out" "$@" <<'PY'
import hashlib, io, json, os, sys, tarfile
out, dirs = sys.argv[1], sys.argv[2:]
def layer_bytes(d):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for root, subdirs, files in os.walk(d):
            subdirs.sort()
            for name in sorted(subdirs) + sorted(files):
                full = os.path.join(root, name)
                arc = os.path.relpath(full, d)
                if name.startswith("WHITEOUT."):  # marker file -> .wh. entry
                    arc = os.path.join(os.path.dirname(arc), ".wh." + name[len("WHITEOUT."):])
                ti = t.gettarinfo(full, arc)
                ti.uid = ti.gid = 0
                ti.uname = ti.gname = ""
                ti.mtime = 1735689600
                if ti.isfile():
                    with open(full, "rb") as f:
                        t.addfile(ti, f)
                else:
                    t.addfile(ti)
    return buf.getvalue()
layers = [layer_bytes(d) for d in dirs]
ids = [hashlib.sha256(l).hexdigest() for l in layers]
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + i for i in ids]},
                     "history": [{"created_by": "layer %d" % n} for n in range(len(ids))]}).encode()
cid = hashlib.sha256(config).hexdigest()
manifest = json.dumps([{"Config": cid + ".json", "RepoTags": ["strata-rpm-test:latest"],
                        "Layers": [i + ".tar" for i in ids]}]).encode()
with tarfile.open(out, "w") as t:
    for name, data in [(cid + ".json", config), ("manifest.json", manifest)] + \
                      [(i + ".tar", l) for i, l in zip(ids, layers)]:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mtime = 1735689600
        t.addfile(ti, io.BytesIO(data))
PY
}

# Image A: layer 0 installs hello (sqlite), layer 1 installs the other three (sqlite rewritten).
img="$WORK/img"
mkdir -p "$img/a0/etc" "$img/a0/var/lib/rpm" "$img/a1/var/lib/rpm"
printf 'ID=fedora\nVERSION_ID=40\nPRETTY_NAME="Fedora Linux 40"\n' >"$img/a0/etc/os-release"
cp "$dbs/layer0/var/lib/rpm/rpmdb.sqlite" "$img/a0/var/lib/rpm/"
cp "$dbs/sqlite/var/lib/rpm/rpmdb.sqlite" "$img/a1/var/lib/rpm/"
# Image B: layer 0 has the Berkeley DB, layer 1 converts to sqlite under usr/lib/sysimage/rpm.
mkdir -p "$img/b0/var/lib/rpm" "$img/b1/usr/lib/sysimage/rpm"
cp "$dbs/bdb/var/lib/rpm/Packages" "$img/b0/var/lib/rpm/"
cp "$dbs/sqlite/var/lib/rpm/rpmdb.sqlite" "$img/b1/usr/lib/sysimage/rpm/"
# Image C: image A plus a layer that deletes the database.
mkdir -p "$img/c2/var/lib/rpm"
: >"$img/c2/var/lib/rpm/WHITEOUT.rpmdb.sqlite"
if make_image "$WORK/a.tar" "$img/a0" "$img/a1" && make_image "$WORK/b.tar" "$img/b0" "$img/b1" &&
    make_image "$WORK/c.tar" "$img/a0" "$img/a1" "$img/c2"; then
    for i in a b c; do
        "$STRATA" image -q --format json -o "$WORK/$i.json" "$WORK/$i.tar" 2>"$WORK/$i.err" ||
            fail "rpm-image-$i" "scan failed: $(cat "$WORK/$i.err")"
    done
    if [ -s "$WORK/a.json" ] && "$py" - "$WORK/a.json" <<'PY'; then
import json, sys
r = json.load(open(sys.argv[1]))
pk = {p["name"]: p for p in r["packages"] if p["type"] == "rpm"}
# gpg-pubkey is there when make-rpmdbs.sh could import a key (gpg installed)
assert sorted(set(pk) - {"gpg-pubkey"}) == ["hello", "multi", "noarch-data", "tiny"], sorted(pk)
ids = [l["diff_id"] for l in r["layers"]]
assert pk["hello"]["layer_index"] == 0 and pk["hello"]["layer_diff_id"] == ids[0], pk["hello"]
for n in set(pk) - {"hello"}:
    assert pk[n]["layer_index"] == 1 and pk[n]["layer_diff_id"] == ids[1], pk[n]
assert pk["multi"]["purl"] == "pkg:rpm/fedora/multi@3.4.5-7.el9?arch=x86_64&distro=fedora-40&epoch=2", pk["multi"]["purl"]
PY
        pass "rpm image: hello attributed to layer 0, the three added later to layer 1, purl with distro"
    else
        fail rpm-image-layers "see above"
    fi
    if [ -s "$WORK/b.json" ] && "$py" - "$WORK/b.json" <<'PY'; then
import json, sys
r = json.load(open(sys.argv[1]))
pk = [p for p in r["packages"] if p["type"] == "rpm"]
assert len(pk) >= 4, pk
assert all(p["db_path"] == "/usr/lib/sysimage/rpm/rpmdb.sqlite" for p in pk), pk
assert all(p["layer_index"] == 0 for p in pk), [(p["name"], p["layer_index"]) for p in pk]
PY
        pass "rpm image: bdb then sqlite at usr/lib/sysimage/rpm: sqlite is read, packages stay in layer 0"
    else
        fail rpm-image-convert "see above"
    fi
    if [ -s "$WORK/c.json" ] && "$py" -c 'import json,sys; r=json.load(open(sys.argv[1])); assert not [p for p in r["packages"] if p["type"]=="rpm"]' "$WORK/c.json"; then
        pass "rpm image: database deleted by a whiteout in the last layer: no rpm packages"
    else
        fail rpm-image-whiteout "rpm packages reported although the database is deleted"
    fi
else
    fail rpm-image "could not build the test images"
fi

# Hostile databases: a clean input error (exit 2) naming the file and an offset.
mkdir -p "$WORK/bad1/var/lib/rpm" "$WORK/bad2/usr/lib/sysimage/rpm" "$WORK/bad3/var/lib/rpm"
head -c 3000 "$dbs/bdb/var/lib/rpm/Packages" >"$WORK/bad1/var/lib/rpm/Packages"
cp "$dbs/ndb/var/lib/rpm/Packages.db" "$WORK/bad2/usr/lib/sysimage/rpm/Packages.db"
printf '\377\377' | dd of="$WORK/bad2/usr/lib/sysimage/rpm/Packages.db" bs=1 seek=40 conv=notrunc 2>/dev/null
head -c 100000 "$dbs/sqlite/var/lib/rpm/rpmdb.sqlite" >"$WORK/bad3/var/lib/rpm/rpmdb.sqlite"
for i in 1 2 3; do
    "$STRATA" fs -q --format json "$WORK/bad$i" >/dev/null 2>"$WORK/bad$i.err"
    rc=$?
    if [ "$rc" -eq 2 ] && grep -q 'rpm' "$WORK/bad$i.err"; then
        pass "rpm hostile database $i: exit 2: $(head -c 160 "$WORK/bad$i.err")"
    else
        fail "rpm-hostile-$i" "exit $rc: $(cat "$WORK/bad$i.err")"
    fi
done
