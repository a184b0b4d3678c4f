# E2E: the whole vulnerability pipeline against the real advisory data in $SHARED/data/vulndb
# ('strata db build' of osv/Debian/all.zip and alpine-secdb/, then 'strata fs' and
# 'strata image' with --db), compared with findings worked out independently by
# vuln_expect.py (dpkg-query reads the dpkg status, dpkg --compare-versions orders deb
# versions, apk-tools' rules are written out in Python, OSV ranges and secdb entries are read
# straight from the data; strata's matcher is never asked). See docs/testing-vulnerabilities.md.
#  1. a Debian 11 rootfs (43 packages at real bullseye versions, binary/source names that
#     differ, a binNMU-style 'Source: name (version)', epochs, packages exactly at a fix,
#     chromium with DSAs that share CVEs), a Debian 10 rootfs (17 packages; DSAs and DLAs
#     that share CVEs, so merged findings) and an Alpine 3.11 rootfs (25 packages, origins,
#     versions below, at and above secdb fixes): the exact set of (package, id, aliases,
#     fixed_version, status), plus version, type, source name, severity and data source;
#  2. the same trees as two-layer docker archives: the same findings, each with the layer
#     that installed the package at its version;
#  3. the gate: --severity UNKNOWN --exit-code 1 exits 1, --severity CRITICAL --exit-code 1
#     exits 0 (these data carry no severities);
#  4. a Debian 12 target against this database (no Debian:12 data) warns, in the JSON
#     report and in the table, instead of silently reporting nothing.
. "$SRCROOT/tests/e2e/lib.inc"
PY=/usr/bin/python3
VDB="$SHARED/data/vulndb"
FIX="$SRCROOT/tests/e2e/vuln-fixtures"
if [ ! -d "$VDB" ]; then
    skip vuln_real "$VDB is absent"
    exit 0
fi
if [ ! -x "$PY" ] || ! command -v dpkg >/dev/null || ! command -v dpkg-query >/dev/null; then
    skip vuln_real "python3, dpkg and dpkg-query are needed to work out the expected findings"
    exit 0
fi
if ! "$STRATA" db build --help >/dev/null 2>&1 || ! "$STRATA" fs --help 2>&1 | grep -q -- '--db'; then
    skip vuln_real "matcher not built yet"
    exit 0
fi

# ---- fixtures: rootfs trees and the per-layer trees of the images --------------------------
deb="$WORK/deb" deb0="$WORK/deb-l0" deb1="$WORK/deb-l1"
alp="$WORK/alp" alp0="$WORK/alp-l0" alp1="$WORK/alp-l1" d10="$WORK/deb10"
mkdir -p "$d10/etc" "$d10/var/lib/dpkg" "$deb/etc" "$deb/usr/lib" "$deb/var/lib/dpkg" "$deb0/etc" "$deb0/usr/lib" "$deb0/var/lib/dpkg" \
    "$deb1/var/lib/dpkg" "$alp/etc" "$alp/lib/apk/db" "$alp0/etc" "$alp0/lib/apk/db" "$alp1/lib/apk/db"
for d in "$deb" "$deb0"; do
    # as on Debian: the file in usr/lib, etc/os-release a relative symlink to it
    cp "$FIX/debian11-os-release" "$d/usr/lib/os-release"
    ln -s ../usr/lib/os-release "$d/etc/os-release"
    printf '11.3\n' >"$d/etc/debian_version"
done
cp "$FIX/debian11-status" "$deb/var/lib/dpkg/status"
cp "$FIX/debian10-os-release" "$d10/etc/os-release"
cp "$FIX/debian10-status" "$d10/var/lib/dpkg/status"
cp "$FIX/debian11-status.layer0" "$deb0/var/lib/dpkg/status"
cp "$FIX/debian11-status" "$deb1/var/lib/dpkg/status"
for d in "$alp" "$alp0"; do
    cp "$FIX/alpine311-os-release" "$d/etc/os-release"
    printf '3.11.6\n' >"$d/etc/alpine-release"
done
cp "$FIX/alpine311-installed" "$alp/lib/apk/db/installed"
cp "$FIX/alpine311-installed.layer0" "$alp0/lib/apk/db/installed"
cp "$FIX/alpine311-installed" "$alp1/lib/apk/db/installed"
make_docker_archive "$WORK/deb11.tar" "strata-test/debian11-vulns:1" "$deb0" "$deb1"
make_docker_archive "$WORK/alp311.tar" "strata-test/alpine311-vulns:1" "$alp0" "$alp1"

# ---- expectations ----------------------------------------------------------------------------
for t in deb alp d10; do
    case $t in
    deb) set -- "$deb" --layer-db "$FIX/debian11-status.layer0" --layer-db "$FIX/debian11-status" ;;
    alp) set -- "$alp" --layer-db "$FIX/alpine311-installed.layer0" --layer-db "$FIX/alpine311-installed" ;;
    d10) set -- "$d10" ;;
    esac
    if ! "$PY" "$SRCROOT/tests/e2e/vuln_expect.py" "$VDB" "$@" --summary >"$WORK/$t.expect.json" 2>"$WORK/$t.summary.json"; then
        fail "vuln_real: expectation ($t)" "$(tail -3 "$WORK/$t.summary.json")"
        exit 0
    fi
done
# The expectation itself: non-trivial, and anchored on findings checked by hand against the
# records (zip members DSA-5055-1, DSA-5111-1, DSA-5218-1, DSA-5174-1, DSA-5343-1, DSA-5168-1,
# DSA-5187-1, DSA-4509-1, DSA-4509-3, DSA-4757-1, DLA-3351-1, DSA-5321-1 and the secdb
# entries of busybox, git, sqlite, expat, e2fsprogs, libarchive).
"$PY" - "$WORK"/deb.expect.json "$WORK"/deb.summary.json "$WORK"/alp.expect.json "$WORK"/alp.summary.json \
    "$WORK"/d10.expect.json "$WORK"/d10.summary.json <<'PYEOF' && pass "vuln_real: expected sets are non-trivial and match the hand-checked anchors" || fail "vuln_real: expectation" "see above"
import json, sys
de, ds, ae, as_, te, ts = (json.load(open(p)) for p in sys.argv[1:7])
for name, e, s in (("Debian 11", de, ds), ("Debian 10", te, ts), ("Alpine 3.11", ae, as_)):
    print(f"{name}: {s['packages']} packages, {s['findings']} expected findings "
          f"({s['fixed']} fixed, {s['affected']} affected) in {s['packages_with_findings']} packages; "
          f"{len(s['packages_with_advisories_but_clean'])} packages have advisories but are proven clean "
          f"({', '.join(s['packages_with_advisories_but_clean'])}); "
          f"{len(s['packages_without_advisories'])} have no advisory at all")
assert ds["findings"] >= 50 and ts["findings"] >= 20 and as_["findings"] >= 12, "too few expected findings"
assert len(ds["packages_with_advisories_but_clean"]) >= 5 and len(as_["packages_with_advisories_but_clean"]) >= 5
def get(e, pkg):
    return {f["id"]: f for f in e if f["package_name"] == pkg}
# bsdutils: binary 1:2.36.1-8, 'Source: util-linux (2.36.1-8)': matched by source name and version
b = get(de, "bsdutils")
assert list(b) == ["DSA-5055-1"] and b["DSA-5055-1"]["fixed_version"] == "2.36.1-8+deb11u1", b
assert b["DSA-5055-1"]["aliases"] == ["CVE-2021-3995", "CVE-2021-3996"] and b["DSA-5055-1"]["layer_index"] == 0
# zlib1g 1:1.2.11.dfsg-2+deb11u1 is exactly DSA-5111-1's fix, below DSA-5218-1's
assert list(get(de, "zlib1g")) == ["DSA-5218-1"]
# libssl1.1 1.1.1n-0+deb11u3 = DSA-5169-1's fix; only DSA-5343-1 (fix +deb11u4) is left; upgraded in layer 1
s = get(de, "libssl1.1")
assert list(s) == ["DSA-5343-1"] and s["DSA-5343-1"]["fixed_version"] == "1.1.1n-0+deb11u4" and s["DSA-5343-1"]["layer_index"] == 1
assert s["DSA-5343-1"]["aliases"] == ["CVE-2022-2097", "CVE-2022-4304", "CVE-2022-4450", "CVE-2023-0215", "CVE-2023-0286"]
# gpgv 2.2.27-2+deb11u2 is exactly DSA-5174-1's fix (source gnupg2): clean
assert not get(de, "gpgv") and "gpgv" in ds["packages_with_advisories_but_clean"]
# busybox 1.29.3-r10: CVE-2019-5747 is listed under 1.29.3-r10 and 1.30.1-r2; only the latter applies
bb = get(ae, "busybox")
assert list(bb) == ["CVE-2019-5747"] and bb["CVE-2019-5747"]["fixed_version"] == "1.30.1-r2", bb
# git 2.24.1-r0 is above the secdb key "2.24.1" (apk: 2.24.1 < 2.24.1-r0)
assert not get(ae, "git") and "git" in as_["packages_with_advisories_but_clean"]
# sqlite lists CVE-2019-19242 twice under 3.30.1-r1: one finding
assert list(get(ae, "sqlite-libs")) == ["CVE-2019-19242"]
# expat 2.2.7-r0: CVE-2019-15903 (< 2.2.7-r1) but not CVE-2018-20843 (fixed in 2.2.7-r0)
assert list(get(ae, "expat")) == ["CVE-2019-15903"]
assert list(get(ae, "libcom_err")) == ["CVE-2019-5188"] and get(ae, "libcom_err")["CVE-2019-5188"]["source_name"] == "e2fsprogs"
# libarchive 3.3.2-r2: only v3.11's CVE-2019-18408 (< 3.4.0-r0); v3.7-v3.9 list CVE-2017-14501..14503
# under 3.3.3-r0, which v3.11 does not: another branch's entries must not leak in
assert list(get(ae, "libarchive")) == ["CVE-2019-18408"] and get(ae, "libarchive")["CVE-2019-18408"]["fixed_version"] == "3.4.0-r0"
# sudo-ldap 1.9.5p2-3 (below DSA-5321-1's fix) is removed, only its conffiles are left: no finding
assert not get(de, "sudo-ldap") and list(get(de, "sudo")) == ["DSA-5321-1"]
# merging: chromium 102.0.5005.115-1~deb11u1 is below 24 DSAs; DSA-5168-1 and DSA-5187-1 share
# CVE-2022-2163, DSA-5230-1 and DSA-5244-1 share CVE-2022-3201: 22 findings
c = get(de, "chromium")
assert len(c) == 22 and "DSA-5187-1" not in c and "DSA-5244-1" not in c, sorted(c)
assert "DSA-5187-1" in c["DSA-5168-1"]["aliases"] and "CVE-2022-2163" in c["DSA-5168-1"]["aliases"]
assert c["DSA-5168-1"]["fixed_version"] == "103.0.5060.134-1~deb11u1"  # DSA-5187-1's, the higher
# apache2 2.4.38-3 (buster): DSA-4509-1 + DSA-4509-3 (fix of -3), DSA-4757-1 + DLA-3351-1 (id DLA-… < DSA-…)
a = get(te, "apache2-bin")
assert sorted(a) == ["DLA-3351-1", "DSA-4509-1", "DSA-4937-1", "DSA-4982-1", "DSA-5035-1"], sorted(a)
assert "DSA-4509-3" in a["DSA-4509-1"]["aliases"] and a["DSA-4509-1"]["fixed_version"] == "2.4.38-3+deb10u3"
assert "DSA-4757-1" in a["DLA-3351-1"]["aliases"] and a["DLA-3351-1"]["fixed_version"] == "2.4.38-3+deb10u9"
PYEOF

# ---- the database ----------------------------------------------------------------------------
db="$WORK/db.sqlite"
if ! "$STRATA" db build -q --output "$db" "$VDB/osv/Debian/all.zip" "$VDB/alpine-secdb" 2>"$WORK/build.err"; then
    fail "vuln_real: db build" "$(head -5 "$WORK/build.err")"
    exit 0
fi
pass "vuln_real: db build of osv/Debian/all.zip and alpine-secdb/"

# compare NAME EXPECT.json REPORT.json MODE : MODE fs (layer_index null) or image (as expected)
compare() {
    "$PY" - "$2" "$3" "$4" <<'PYEOF' && pass "$1" || fail "$1" "see above"
import json, sys
exp = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
mode = sys.argv[3]
got = rep.get("vulnerabilities")
ok = True
def bad(msg):
    global ok
    ok = False
    print("  " + msg)
if rep.get("vulnerability_scan") is None or not isinstance(got, list):
    print("  the report says matching did not run: vulnerability_scan =", rep.get("vulnerability_scan"))
    sys.exit(1)
if rep["vulnerability_scan"].get("warnings"):
    bad("unexpected warnings: %s" % rep["vulnerability_scan"]["warnings"])
def key(f):
    return (f["package_name"], f["id"], tuple(sorted(f.get("aliases") or [])), f.get("fixed_version"), f.get("status"))
ek = {key(f): f for f in exp}
gk = {}
for f in got:
    k = key(f)
    if k in gk:
        bad("duplicate finding %s" % (k,))
    gk[k] = f
# one finding per (vulnerability, package), and aliases not reported as findings of their own
pairs = {}
for f in got:
    pairs.setdefault((f["package_name"], f["id"]), 0)
    pairs[(f["package_name"], f["id"])] += 1
for p, n in pairs.items():
    if n > 1:
        bad("%d findings for %s" % (n, p))
byid = {(k[0], k[1]): k for k in ek}
for k in sorted(set(ek) - set(gk)):
    near = [g for g in gk if g[:2] == k[:2]]
    if near:
        g = near[0]
        diffs = []
        if k[2] != g[2]:
            diffs.append("aliases: expected only %s, got only %s" % (sorted(set(k[2]) - set(g[2])), sorted(set(g[2]) - set(k[2]))))
        for n, field in ((3, "fixed_version"), (4, "status")):
            if k[n] != g[n]:
                diffs.append("%s: expected %r, got %r" % (field, k[n], g[n]))
        bad("differs: %s %s: %s" % (k[0], k[1], "; ".join(diffs)))
    else:
        bad("missing: %s %s (fixed %s, aliases %s)" % (k[0], k[1], k[3], ", ".join(k[2])))
for k in sorted(set(gk) - set(ek)):
    if (k[0], k[1]) in byid:
        continue  # already reported as 'differs'
    f = gk[k]
    bad("unexpected: %s %s %s (fixed %s, status %s, aliases %s)" % (k[0], f.get("package_version"), k[1], k[3], k[4], ", ".join(k[2])))
# the other facts of each finding that is in both
for k in sorted(set(ek) & set(gk)):
    e, g = ek[k], gk[k]
    for field in ("package_version", "package_type", "source_name", "severity"):
        if g.get(field) != e[field]:
            bad("%s %s: %s expected %r, got %r" % (k[0], k[1], field, e[field], g.get(field)))
    want_li = e["layer_index"] if mode == "image" else None
    if g.get("layer_index") != want_li:
        bad("%s %s: layer_index expected %r, got %r" % (k[0], k[1], want_li, g.get("layer_index")))
    ds = g.get("data_source") or ""
    if not (ds == e["data_source"] or ds.startswith(e["data_source"] + ":")):
        bad("%s %s: data_source expected %r, got %r" % (k[0], k[1], e["data_source"], ds))
print("  %d expected, %d reported, %d in both" % (len(ek), len(gk), len(set(ek) & set(gk))))
sys.exit(0 if ok else 1)
PYEOF
}

# ---- 1. filesystems ------------------------------------------------------------------------------
for t in deb d10 alp; do
    case $t in
    deb) what="Debian 11 rootfs" root=$deb ;;
    d10) what="Debian 10 rootfs" root=$d10 ;;
    alp) what="Alpine 3.11 rootfs" root=$alp ;;
    esac
    if "$STRATA" fs -q "$root" --db "$db" --format json -o "$WORK/$t.fs.json" 2>"$WORK/$t.fs.err"; then
        compare "vuln_real: $what: strata fs findings equal the expectation" "$WORK/$t.expect.json" "$WORK/$t.fs.json" fs
    else
        fail "vuln_real: $what: strata fs" "$(head -5 "$WORK/$t.fs.err")"
    fi
done

# ---- 2. the same trees as two-layer images -------------------------------------------------------
for t in deb alp; do
    if [ $t = deb ]; then what="Debian 11 image" tar="$WORK/deb11.tar"; else what="Alpine 3.11 image" tar="$WORK/alp311.tar"; fi
    if "$STRATA" image -q "$tar" --db "$db" --format json -o "$WORK/$t.img.json" 2>"$WORK/$t.img.err"; then
        compare "vuln_real: $what (2 layers): same findings, each with its layer_index" "$WORK/$t.expect.json" "$WORK/$t.img.json" image
    else
        fail "vuln_real: $what: strata image" "$(head -5 "$WORK/$t.img.err")"
    fi
done

# ---- 1b. Alpine versions that apk-tools 2.x accepts but strata's apk grammar (apk-tools 3)
# refuses. Alpine 3.11 ran apk-tools 2.10, and its own secdb uses such versions: opensmtpd's
# fix "6.6.2p1-r0" (a digit after the letter; installed 6.6.1p1-r1 is affected by
# CVE-2020-7247) and phpmyadmin's "4.8.0.-r1" (CVE-2018-10188; 4.7.9-r0 is below it).
# strata accepts both forms now (src/version/apk.c); a finding missed here FAILs, naming
# whether strata warned (package not checked) or not (a silent false "clean").
# STRATA_VULN_STRICT=0 turns these back into SKIP lines. Wrong or unexpected findings always FAIL.
# See docs/testing-vulnerabilities.md.
alq="$WORK/alp-apk2"
mkdir -p "$alq/etc" "$alq/lib/apk/db"
cp "$FIX/alpine311-os-release" "$alq/etc/os-release"
printf '3.11.6\n' >"$alq/etc/alpine-release"
printf 'P:opensmtpd\nV:6.6.1p1-r1\nA:x86_64\nL:ISC\no:opensmtpd\n\nP:phpmyadmin\nV:4.7.9-r0\nA:noarch\nL:GPL-2.0-or-later\no:phpmyadmin\n\n' \
    >"$alq/lib/apk/db/installed"
if ! "$PY" "$SRCROOT/tests/e2e/vuln_expect.py" "$VDB" "$alq" >"$WORK/alq.expect.json" 2>"$WORK/alq.expect.err"; then
    fail "vuln_real: expectation (apk-tools 2.x versions)" "$(tail -3 "$WORK/alq.expect.err")"
elif ! "$STRATA" fs -q "$alq" --db "$db" --format json -o "$WORK/alq.json" 2>"$WORK/alq.err"; then
    fail "vuln_real: apk-tools 2.x versions: strata fs" "$(head -5 "$WORK/alq.err")"
else
    "$PY" - "$WORK/alq.expect.json" "$WORK/alq.json" <<'PYEOF'
import json, os, sys
exp = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
warn = (rep.get("vulnerability_scan") or {}).get("warnings") or []
got = {(f["package_name"], f["id"]): f for f in rep.get("vulnerabilities") or []}
want = {(f["package_name"], f["id"]): f for f in exp}
name = "vuln_real: Alpine 3.11 versions apk-tools 2.x accepts (opensmtpd 6.6.1p1-r1, phpmyadmin 4.7.9-r0)"
bad = ["unexpected %s %s" % k for k in sorted(set(got) - set(want))]
for k in sorted(set(want) & set(got)):
    if got[k].get("fixed_version") != want[k]["fixed_version"]:
        bad.append("%s %s: fixed_version expected %r, got %r" % (k + (want[k]["fixed_version"], got[k].get("fixed_version"))))
known, silent = [], []
for k in sorted(set(want) - set(got)):
    f = want[k]
    w = [x for x in warn if x.startswith("%s %s:" % (f["package_name"], f["package_version"]))]
    (known if w else silent).append("%s %s %s (fixed %s)%s" % (f["package_name"], f["package_version"], f["id"], f["fixed_version"],
                                                               ": strata warns: " + w[0] if w else ""))
strict = os.environ.get("STRATA_VULN_STRICT", "1") == "1"
if bad:
    print("FAIL: %s: %s" % (name, "; ".join(bad)))
if silent:
    print("%s: %s: known disagreement, missing and NOT warned about (a silent false clean): %s"
          % ("FAIL" if strict else "SKIP", name, "; ".join(silent)))
if known:
    print("%s: %s: known disagreement, strata warns instead of matching: %s"
          % ("FAIL" if strict else "SKIP", name, "; ".join(known)))
if not (bad or silent or known):
    print("PASS: %s: %d findings as expected" % (name, len(want)))
PYEOF
fi

# ---- 3. the gate -------------------------------------------------------------------------------
expect_exit "vuln_real: --severity UNKNOWN --exit-code 1 exits 1 (Debian 11)" 1 -- \
    "$STRATA" fs -q "$deb" --db "$db" --format json --severity UNKNOWN --exit-code 1
expect_exit "vuln_real: --severity UNKNOWN --exit-code 1 exits 1 (Alpine 3.11)" 1 -- \
    "$STRATA" image -q "$WORK/alp311.tar" --db "$db" --format json --severity UNKNOWN --exit-code 1
expect_exit "vuln_real: --severity CRITICAL --exit-code 1 exits 0 (no severities in these data)" 0 -- \
    "$STRATA" fs -q "$deb" --db "$db" --format json --severity CRITICAL --exit-code 1

# ---- 4. a release the database has no data for ------------------------------------------------
# check_no_data NAME JSON TABLE : the JSON warns about Debian:12, the table shows the warning
check_no_data() {
    "$PY" - "$2" "$3" <<'PYEOF' && pass "$1" || fail "$1" "see above"
import json, sys
r = json.load(open(sys.argv[1]))
table = open(sys.argv[2], errors="replace").read()
vs = r.get("vulnerability_scan")
ok = True
if not vs or not any("Debian:12" in w for w in vs.get("warnings") or []):
    ok = False
    print("  vulnerability_scan.warnings does not name Debian:12:", vs)
if "Debian:12" not in table:
    ok = False
    print("  the table output (stdout+stderr) does not mention Debian:12:")
    print("  " + "\n  ".join(table.splitlines()[-8:]))
sys.exit(0 if ok else 1)
PYEOF
}
d12="$WORK/deb12"
mkdir -p "$d12/etc" "$d12/var/lib/dpkg"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n' >"$d12/etc/os-release"
printf 'Package: libssl3\nStatus: install ok installed\nPriority: optional\nSection: libs\nArchitecture: amd64\nMulti-Arch: same\nSource: openssl\nVersion: 3.0.11-1~deb12u2\nDescription: Secure Sockets Layer toolkit - shared libraries\n' >"$d12/var/lib/dpkg/status"
"$STRATA" fs -q "$d12" --db "$db" --format json -o "$WORK/d12.json" 2>"$WORK/d12.err"
"$STRATA" fs -q "$d12" --db "$db" >"$WORK/d12.table" 2>&1
check_no_data "vuln_real: Debian 12 rootfs against a database without Debian:12 warns (JSON and table)" "$WORK/d12.json" "$WORK/d12.table"
img12=""
for c in debian12-minbase.docker.tar debian12-minbase.oci.tar debian12-app.docker.tar; do
    if [ -f "$SHARED/fixtures/images/$c" ]; then img12="$SHARED/fixtures/images/$c"; break; fi
done
if [ -n "$img12" ]; then
    "$STRATA" image -q "$img12" --db "$db" --format json -o "$WORK/i12.json" 2>"$WORK/i12.err"
    "$STRATA" image -q "$img12" --db "$db" >"$WORK/i12.table" 2>&1
    check_no_data "vuln_real: $(basename "$img12") against a database without Debian:12 warns (JSON and table)" "$WORK/i12.json" "$WORK/i12.table"
else
    skip "vuln_real: shared Debian 12 image" "no debian12 image in $SHARED/fixtures/images"
fi
