# E2E: 'strata db build' / 'strata db info'.
#  1. a Debian security tracker JSON written here (every status, nodsa reason and urgency)
#     gives exactly the expected affected rows;
#  2. all of $SHARED/data/vulndb (five OSV zips and the Alpine secdb directory) builds with no
#     error, and the counts match SOURCES.md;
#  3. a build that fails on its second source leaves the existing database byte-identical and
#     no temporary file behind;
#  4. hostile inputs (truncated zip, non-JSON member, deep nesting, huge strings, unknown
#     formats) end with exit 2 and a message naming the file, member and position;
#  5. the tracker is streamed one package at a time: a generated 150 MB tracker builds with a
#     peak RSS under 200 MB and the expected row counts, and hostile tracker files (broken top
#     level, unbalanced braces, a huge member, trailing garbage, a BOM, deep nesting, a
#     duplicate package) end with exit 2 and a message naming the file, line and column.
. "$SRCROOT/tests/e2e/lib.inc"
PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
    skip db_build "python3 is needed to read the database"
    exit 0
fi
# q DB SQL: prints the rows, fields separated by '|'.
q() {
    "$PY" -c 'import sqlite3,sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
for r in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in r))' "$1" "$2"
}
# check NAME WANT GOT
check() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "want [$2], got [$3]"; fi
}

# ---- 1. Debian tracker JSON ---------------------------------------------------------------
tracker="$WORK/tracker.json"
cat >"$tracker" <<'EOF'
{
  "openssl": {
    "CVE-2023-0286": {
      "description": "There is a type confusion vulnerability relating to X.400 address processing inside an X.509 GeneralName.",
      "scope": "remote",
      "releases": {
        "buster": {"status": "resolved", "repositories": {"buster": "1.1.1n-0+deb10u3"}, "fixed_version": "1.1.1n-0+deb10u4", "urgency": "high**"},
        "bullseye": {"status": "resolved", "repositories": {"bullseye": "1.1.1n-0+deb11u4"}, "fixed_version": "1.1.1n-0+deb11u4", "urgency": "not yet assigned"},
        "bookworm": {"status": "resolved", "repositories": {"bookworm": "3.0.9-1"}, "fixed_version": "3.0.8-1", "urgency": "not yet assigned"},
        "sid": {"status": "resolved", "repositories": {"sid": "3.0.9-1"}, "fixed_version": "3.0.8-1", "urgency": "not yet assigned"}
      }
    }
  },
  "linux": {
    "CVE-2013-7445": {
      "description": "The Direct Rendering Manager (DRM) subsystem in the Linux kernel through 4.x mishandles requests for Graphics Execution Manager (GEM) objects.",
      "scope": "local",
      "releases": {
        "bullseye": {"status": "open", "repositories": {"bullseye": "5.10.179-1"}, "urgency": "unimportant", "nodsa": "Minor issue, requires invasive changes", "nodsa_reason": "ignored"},
        "bookworm": {"status": "open", "repositories": {"bookworm": "6.1.27-1"}, "urgency": "unimportant", "nodsa": "Minor issue", "nodsa_reason": "ignored"},
        "sid": {"status": "open", "repositories": {"sid": "6.1.27-1"}, "urgency": "unimportant"}
      }
    },
    "CVE-2023-1989": {
      "description": "A use-after-free flaw was found in btsdio_remove in drivers/bluetooth/btsdio.c in the Linux Kernel.",
      "scope": "local",
      "releases": {
        "buster": {"status": "open", "repositories": {"buster": "4.19.269-1"}, "urgency": "medium"},
        "bullseye": {"status": "open", "repositories": {"bullseye": "5.10.179-1"}, "urgency": "medium", "nodsa": "Minor issue, fix along in next update", "nodsa_reason": "postponed"},
        "bookworm": {"status": "resolved", "repositories": {"bookworm": "6.1.27-1"}, "fixed_version": "6.1.27-1", "urgency": "medium**"}
      }
    }
  },
  "glibc": {
    "CVE-2010-4756": {
      "description": "The glob implementation in the GNU C Library allows remote authenticated users to cause a denial of service.",
      "releases": {
        "bullseye": {"status": "open", "repositories": {"bullseye": "2.31-13+deb11u5"}, "urgency": "unimportant"},
        "bookworm": {"status": "resolved", "repositories": {"bookworm": "2.36-9"}, "fixed_version": "0", "urgency": "unimportant"}
      }
    },
    "TEMP-0000000-A1B2C3": {
      "description": "glibc: example of an issue without a CVE id",
      "releases": {
        "bullseye": {"status": "undetermined", "repositories": {"bullseye": "2.31-13+deb11u5"}, "urgency": "not yet assigned"},
        "bookworm": {"status": "open", "repositories": {"bookworm": "2.36-9"}, "urgency": "low"}
      }
    }
  },
  "xorg-server": {
    "CVE-2023-1393": {
      "description": "A flaw was found in X.Org Server Overlay Window. A Use-After-Free may lead to local privilege escalation.",
      "scope": "local",
      "releases": {
        "stretch": {"status": "open", "repositories": {"stretch": "2:1.19.2-1+deb9u9"}, "urgency": "end-of-life"},
        "bullseye": {"status": "resolved", "repositories": {"bullseye": "2:1.20.11-1+deb11u6"}, "fixed_version": "2:1.20.11-1+deb11u6", "urgency": "high"},
        "experimental": {"status": "resolved", "fixed_version": "2:21.1.7-3", "urgency": "high"}
      }
    }
  },
  "curl": {
    "CVE-2023-27533": {
      "description": "A vulnerability in input validation exists in curl <8.0 during communication using the TELNET protocol.",
      "scope": "remote",
      "releases": {
        "woody": {"status": "resolved", "fixed_version": "7.9.5-1woody1", "urgency": "low"},
        "bullseye": {"status": "resolved", "repositories": {"bullseye": "7.74.0-1.3+deb11u7"}, "fixed_version": "7.74.0-1.3+deb11u8", "urgency": "low*"},
        "trixie": {"status": "resolved", "fixed_version": "0", "urgency": "low"},
        "forky": {"status": "open", "urgency": "medium"}
      }
    }
  }
}
EOF
if "$STRATA" db build -q -o "$WORK/tracker.db" "$tracker" 2>"$WORK/tracker.err"; then
    got=$(q "$WORK/tracker.db" "SELECT a.advisory_id, f.ecosystem, f.package, f.status,
          coalesce(f.severity,'NULL'), f.ranges, f.versions FROM affected f JOIN advisories a
          ON a.id = f.advisory ORDER BY 1, 2, 3")
    want='CVE-2010-4756|Debian:11|glibc|affected|LOW|[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]|[]
CVE-2013-7445|Debian:11|linux|will_not_fix|LOW|[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]|[]
CVE-2013-7445|Debian:12|linux|will_not_fix|LOW|[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]|[]
CVE-2023-0286|Debian:10|openssl|fixed|HIGH|[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.1.1n-0+deb10u4"}]}]|[]
CVE-2023-0286|Debian:11|openssl|fixed|UNKNOWN|[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.1.1n-0+deb11u4"}]}]|[]
CVE-2023-0286|Debian:12|openssl|fixed|UNKNOWN|[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.8-1"}]}]|[]
CVE-2023-1393|Debian:11|xorg-server|fixed|HIGH|[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2:1.20.11-1+deb11u6"}]}]|[]
CVE-2023-1393|Debian:9|xorg-server|affected|UNKNOWN|[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]|[]
CVE-2023-1989|Debian:10|linux|affected|MEDIUM|[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]|[]
CVE-2023-1989|Debian:11|linux|fix_deferred|MEDIUM|[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]|[]
CVE-2023-1989|Debian:12|linux|fixed|MEDIUM|[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"6.1.27-1"}]}]|[]
CVE-2023-27533|Debian:11|curl|fixed|LOW|[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"7.74.0-1.3+deb11u8"}]}]|[]
CVE-2023-27533|Debian:14|curl|affected|MEDIUM|[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]|[]
CVE-2023-27533|Debian:3.0|curl|fixed|LOW|[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"7.9.5-1woody1"}]}]|[]
TEMP-0000000-A1B2C3|Debian:12|glibc|affected|LOW|[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]|[]'
    check "tracker: affected rows" "$want" "$got"
    check "tracker: advisories with summaries, no dates" "7|7|0|0" \
        "$(q "$WORK/tracker.db" "SELECT count(*), count(summary), count(published), count(modified) FROM advisories")"
    check "tracker: source row" "debian-tracker|$tracker|7||Debian:10,Debian:11,Debian:12,Debian:14,Debian:3.0,Debian:9" \
        "$(q "$WORK/tracker.db" "SELECT kind, location, records, newest, ecosystems FROM sources")"
    check "tracker: meta" "1|0.1.0|1" \
        "$(q "$WORK/tracker.db" "SELECT (SELECT value FROM meta WHERE key='schema_version'), (SELECT value FROM meta WHERE key='strata_version'), (SELECT count(*) FROM meta WHERE key='built_at' AND value GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z')")"
    out=$("$STRATA" db build -o "$WORK/tracker2.db" "$tracker" 2>&1)
    if grep -q "skipped: 2 not-affected entries, 1 undetermined tracker entries, 3 tracker entries for sid or unknown releases" <<<"$out"; then
        pass "tracker: skipped entries counted"
    else
        fail "tracker: skipped entries counted" "$out"
    fi
else
    fail "tracker: build" "$(cat "$WORK/tracker.err")"
fi

# ---- 2. all shared data -------------------------------------------------------------------
V="$SHARED/data/vulndb"
db="$WORK/all.db"
if [ ! -d "$V/osv" ] || [ ! -d "$V/alpine-secdb" ]; then
    skip "db build: shared data" "$V is absent"
else
    start=$(date +%s.%N)
    if "$STRATA" db build -o "$db" "$V"/osv/*/all.zip "$V/alpine-secdb" >"$WORK/all.out" 2>"$WORK/all.err" &&
        [ ! -s "$WORK/all.err" ]; then
        pass "db build: all shared data, no errors ($(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s, $(($(stat -c %s "$db") / 1024)) KiB)"
        check "osv sources: records (withdrawn excluded)" \
            "Debian/all.zip|8906
Go/all.zip|4274
PyPI/all.zip|2651
crates.io/all.zip|1192
npm/all.zip|461" \
            "$(q "$db" "SELECT substr(location, length('$V/osv/') + 1), records FROM sources WHERE kind = 'osv' ORDER BY 1")"
        # SOURCES.md: records and affected entries per Debian ecosystem.
        check "Debian ecosystems: records and affected entries" \
            "Debian:10|945|945
Debian:11|410|410
Debian:3.0|724|803
Debian:3.1|649|707
Debian:4.0|638|677
Debian:5.0|567|585
Debian:6|1138|1144
Debian:7|1794|1797
Debian:8|1822|1824
Debian:9|1568|1568" \
            "$(q "$db" "SELECT ecosystem, count(DISTINCT advisory), count(*) FROM affected WHERE ecosystem LIKE 'Debian:%' GROUP BY 1 ORDER BY 1")"
        check "withdrawn records are not imported" "0" \
            "$(q "$db" "SELECT count(*) FROM advisories WHERE advisory_id IN ('PYSEC-2022-15')")"
        check "one row per language ecosystem record" "PyPI|2651|2651
crates.io|1192|1192
npm|461|461" \
            "$(q "$db" "SELECT ecosystem, count(DISTINCT advisory), count(*) FROM affected WHERE ecosystem IN ('PyPI','crates.io','npm') GROUP BY 1 ORDER BY 1")"
        check "Go: every advisory has an affected row" "4274" \
            "$(q "$db" "SELECT count(DISTINCT advisory) FROM affected WHERE ecosystem = 'Go'")"
        check "DSA upstream CVE ids are aliases" "CVE-2023-1393" \
            "$(q "$db" "SELECT alias FROM aliases WHERE advisory = (SELECT id FROM advisories WHERE advisory_id = 'DSA-5380-1')")"
        check "DSA-5380-1 affected row" 'Debian:11|xorg-server|fixed||[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2:1.20.11-1+deb11u6"}]}]|[]' \
            "$(q "$db" "SELECT ecosystem, package, status, severity, ranges, versions FROM affected WHERE advisory = (SELECT id FROM advisories WHERE advisory_id = 'DSA-5380-1')")"
        check "aliases never repeat the advisory id" "0" \
            "$(q "$db" "SELECT count(*) FROM aliases l JOIN advisories a ON a.id = l.advisory WHERE l.alias = a.advisory_id")"
        check "PyPI names are PEP 503 normalised" "0" \
            "$(q "$db" "SELECT count(*) FROM affected WHERE ecosystem = 'PyPI' AND (package GLOB '*[A-Z_.]*' OR package GLOB '*--*')")"
        check "cvss_v3 holds CVSS v3 vectors only" "0" \
            "$(q "$db" "SELECT count(*) FROM advisories WHERE cvss_v3 IS NOT NULL AND cvss_v3 NOT GLOB 'CVSS:3.[01]/*'")"
        check "status is fixed exactly when a fixed event exists" "0" \
            "$(q "$db" "SELECT count(*) FROM affected WHERE (status = 'fixed') != (ranges LIKE '%\"fixed\":%')")"
        check "GIT ranges are kept as given" "1" \
            "$(q "$db" "SELECT count(*) > 0 FROM affected WHERE ecosystem = 'PyPI' AND ranges LIKE '%\"type\":\"GIT\",\"repo\":%'")"
        check "alpine: one source, nine releases (v3.3 community has packages: null)" \
            "alpine-secdb|Alpine:v3.10,Alpine:v3.11,Alpine:v3.3,Alpine:v3.4,Alpine:v3.5,Alpine:v3.6,Alpine:v3.7,Alpine:v3.8,Alpine:v3.9" \
            "$(q "$db" "SELECT kind, ecosystems FROM sources WHERE kind = 'alpine-secdb'")"
        check "alpine: odd identifiers become ids" "CVE-2016-6258|CVE-2017-17434|CVE-2017-8073|CVE-2018-16859|CVE-2019-2426|XSA-182|wnpa-sec-2017-18" \
            "$(q "$db" "SELECT group_concat(advisory_id, '|') FROM (SELECT advisory_id FROM advisories a JOIN sources s ON s.id = a.source_id WHERE s.kind = 'alpine-secdb' AND advisory_id IN ('CVE-2016-6258','XSA-182','CVE-2017-8073','CVE-2017-17434','CVE-2018-16859','CVE-2019-2426','wnpa-sec-2017-18') ORDER BY 1)")"
        check "alpine: no id keeps spaces, suffixes or placeholders" "0" \
            "$(q "$db" "SELECT count(*) FROM advisories a JOIN sources s ON s.id = a.source_id WHERE s.kind = 'alpine-secdb' AND (advisory_id GLOB '*[ ().?_]*' OR advisory_id GLOB 'CVE-*-*-*')")"
        check "alpine: heimdal 7.4.0-r0: null in v3.6 gives no row" "0" \
            "$(q "$db" "SELECT count(*) FROM affected WHERE ecosystem = 'Alpine:v3.6' AND package = 'heimdal' AND ranges LIKE '%\"7.4.0-r0\"%'")"
        check "alpine: version 0 gives no row" "0" \
            "$(q "$db" "SELECT count(*) FROM affected WHERE ecosystem LIKE 'Alpine:%' AND ranges LIKE '%{\"fixed\":\"0\"}%'")"
        check "alpine: rows are fixed with introduced 0" "0" \
            "$(q "$db" "SELECT count(*) FROM affected WHERE ecosystem LIKE 'Alpine:%' AND (status != 'fixed' OR ranges NOT LIKE '[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"%\"}]}]')")"
        check "the lookup index exists" "affected_lookup" \
            "$(q "$db" "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'affected'")"
        if "$STRATA" db info --db "$db" --format json >"$WORK/info.json" 2>"$WORK/info.err" &&
            "$PY" - "$WORK/info.json" "$db" <<'PYEOF'; then
import json, sys
i = json.load(open(sys.argv[1]))
assert i["schema_version"] == 1 and i["path"] == sys.argv[2], i
assert [s["kind"] for s in i["sources"]] == ["osv"] * 5 + ["alpine-secdb"], i["sources"]
go = [s for s in i["sources"] if s["ecosystems"] == ["Go"]][0]
assert go["records"] == 4274 and go["newest"].startswith("20"), go
eco = {e["ecosystem"]: e for e in i["ecosystems"]}
assert eco["Debian:11"] == {"ecosystem": "Debian:11", "advisories": 410, "affected": 410}, eco
assert i["totals"]["records"] == sum(s["records"] for s in i["sources"])
assert i["totals"]["affected"] == sum(e["affected"] for e in i["ecosystems"])
PYEOF
            pass "db info --format json"
        else
            fail "db info --format json" "$(cat "$WORK/info.err")"
        fi
        if "$STRATA" db info --db "$db" >"$WORK/info.txt" 2>&1 && grep -q '^Debian:11  *410  *410$' "$WORK/info.txt" &&
            grep -q '^schema version  1$' "$WORK/info.txt"; then
            pass "db info (table)"
        else
            fail "db info (table)" "$(head -20 "$WORK/info.txt")"
        fi
        if STRATA_DB="$db" "$STRATA" db info >/dev/null 2>&1; then
            pass "db info reads STRATA_DB"
        else
            fail "db info reads STRATA_DB" "exit $?"
        fi
    else
        fail "db build: all shared data" "$(cat "$WORK/all.err")"
    fi
fi

# ---- 3. atomicity -------------------------------------------------------------------------
mkdir -p "$WORK/atomic"
good="$WORK/atomic/good.json"
printf '%s\n' '{"id":"GHSA-test-0001","modified":"2024-01-02T03:04:05Z","aliases":["CVE-2024-0001"],"affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.3.0"}]}]}]}' >"$good"
printf '{"id":"GHSA-test-0002","modified":"2024-01-02T03:04:05Z","affected":[{"package":' >"$WORK/atomic/corrupt.json"
out="$WORK/atomic/strata.db"
if "$STRATA" db build -q -o "$out" "$good" 2>"$WORK/atomic.err"; then
    before=$(sha256sum "$out" | cut -d' ' -f1)
    expect_exit "atomic: failing second source exits 2" 2 -- "$STRATA" db build -q -o "$out" "$good" "$WORK/atomic/corrupt.json"
    if grep -q 'corrupt.json: .*line 1, column' <<<"$LAST_ERR"; then
        pass "atomic: message names the file and position"
    else
        fail "atomic: message names the file and position" "$LAST_ERR"
    fi
    check "atomic: old database byte-identical" "$before" "$(sha256sum "$out" | cut -d' ' -f1)"
    check "atomic: no temporary file left" "" "$(cd "$WORK/atomic" && ls | grep -v -e '^good.json$' -e '^corrupt.json$' -e '^strata.db$')"
    check "atomic: old database still readable" "GHSA-test-0001|CVE-2024-0001" \
        "$(q "$out" "SELECT advisory_id, alias FROM advisories JOIN aliases ON advisory = advisories.id")"
else
    fail "atomic: first build" "$(cat "$WORK/atomic.err")"
fi

# ---- 4. hostile inputs --------------------------------------------------------------------
H="$WORK/hostile"
mkdir -p "$H"
"$PY" - "$H" <<'PYEOF'
import json, os, sys, zipfile
h = sys.argv[1]
rec = {"id": "GO-2099-0001", "modified": "2099-01-01T00:00:00Z",
       "affected": [{"package": {"ecosystem": "Go", "name": "example.com/m"},
                     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}
def mkzip(name, members):
    with zipfile.ZipFile(os.path.join(h, name), "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in members:
            z.writestr(n, data)
good = [("GO-2099-%04d.json" % i, json.dumps(dict(rec, id="GO-2099-%04d" % i))) for i in range(50)]
mkzip("good.zip", good)
data = open(os.path.join(h, "good.zip"), "rb").read()
open(os.path.join(h, "truncated.zip"), "wb").write(data[: len(data) // 2])
mkzip("nonjson.zip", good[:3] + [("README.txt", "this is not JSON\n")])
mkzip("deep.zip", [("DEEP-1.json", "[" * 100000 + "]" * 100000)])
mkzip("huge-member.zip", [("HUGE-1.json", json.dumps(dict(rec, id="HUGE-1", details="x" * (17 << 20))))])
mkzip("badfield.zip", [("BAD-1.json", json.dumps(dict(rec, id="BAD-1", affected=[{"package": {"ecosystem": "Go"}}])))])
open(os.path.join(h, "huge-summary.json"), "w").write(json.dumps(dict(rec, id="HUGE-2", summary="y" * (2 << 20))))
open(os.path.join(h, "deep.json"), "w").write('{"id":' + "[" * 5000 + "]" * 5000 + "}")
open(os.path.join(h, "unknown.json"), "w").write('{"hello": "world"}')
open(os.path.join(h, "list.txt"), "w").write("[29 Mar 2023] DSA-5380-1 xorg-server - security update\n")
os.mkdir(os.path.join(h, "emptydir"))
PYEOF
# name  file  regex the message must match
while IFS='|' read -r name file regex; do
    LAST_ERR=$( (cd "$H" && timeout 60 "$STRATA" db build -q -o "$H/out.db" "$file") 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" -ne 2 ]; then
        fail "hostile $name" "exit $rc, want 2: $LAST_ERR"
    elif ! grep -qE "^strata: $regex" <<<"$LAST_ERR"; then
        fail "hostile $name" "message does not match /$regex/: $LAST_ERR"
    else
        pass "hostile $name"
    fi
done <<'EOF'
truncated zip|truncated.zip|truncated.zip: cannot read the zip
zip with a non-JSON member|nonjson.zip|nonjson.zip: README.txt: invalid JSON at line 1, column [0-9]+
deeply nested JSON member|deep.zip|deep.zip: DEEP-1.json: invalid JSON at line 1, column [0-9]+: maximum parsing depth
member over the size limit|huge-member.zip|huge-member.zip: HUGE-1.json: [0-9]+ bytes uncompressed, more than the limit
record without a package name|badfield.zip|badfield.zip: BAD-1.json: affected\[0\].package: no "name"
huge summary|huge-summary.json|huge-summary.json: summary: longer than
deep JSON file|deep.json|deep.json: .*line 1, column [0-9]+: maximum parsing depth
unknown JSON|unknown.json|unknown.json: not a recognised source
a text list|list.txt|list.txt: not a recognised source .*line 1, column [0-9]+
empty directory|emptydir|emptydir: not a recognised source
missing source|nothere.zip|nothere.zip: No such file
EOF
[ ! -e "$H/out.db" ] && pass "hostile: no database written" || fail "hostile: no database written" "$H/out.db exists"
expect_exit "good zip still builds" 0 -- "$STRATA" db build -q -o "$H/good.db" "$H/good.zip"
check "good zip: 50 records" "50" "$(q "$H/good.db" "SELECT records FROM sources")"

# ---- 5. the tracker, streamed ------------------------------------------------------------
T="$WORK/stream"
mkdir -p "$T"
# N packages of 20 ids each; per id: bullseye fixed, bookworm postponed (rows), trixie "0"
# (not affected), sid (skipped).
# Under ASan the memory bound means nothing (shadow memory, quarantine) and 150 MB is slow:
# a smaller file still proves the streaming path there.
big_mb=150
[ -n "${STRATA_SANITIZED:-}" ] && big_mb=20
"$PY" - "$T/big.json" "$big_mb" >"$T/npkgs" <<'PYEOF'
import sys
out, mb = sys.argv[1], int(sys.argv[2])
desc = "A crafted input may cause a buffer overflow in the parser, leading to a denial of service. "
rel = ('"releases": {"bullseye": {"status": "resolved", "repositories": {"bullseye": "1.%d-1"}, '
       '"fixed_version": "1.%d-1", "urgency": "low**"}, "bookworm": {"status": "open", '
       '"urgency": "medium", "nodsa": "Minor", "nodsa_reason": "postponed"}, "trixie": '
       '{"status": "resolved", "fixed_version": "0", "urgency": "low"}, "sid": {"status": "open", '
       '"urgency": "high"}}')
with open(out, "w") as f:
    f.write("{")
    p = size = 0
    while size < mb << 20:
        ids = ", ".join('"CVE-2024-%d": {"description": "%s%d", %s, "scope": "remote"}'
                        % (n, desc, n, rel % (n, n)) for n in range(p * 20, p * 20 + 20))
        s = ("" if p == 0 else ",\n") + '"pkg-%05d": {%s}' % (p, ids)
        f.write(s)
        size += len(s)
        p += 1
    f.write("}\n")
print(p)
PYEOF
npkgs=$(cat "$T/npkgs")
if [ -x /usr/bin/time ]; then
    /usr/bin/time -o "$T/rss" -f %M "$STRATA" db build -q -o "$T/big.db" "$T/big.json" 2>"$T/big.err"
    rc=$?
    rss=$(tail -1 "$T/rss")
else
    "$STRATA" db build -q -o "$T/big.db" "$T/big.json" 2>"$T/big.err"
    rc=$?
    rss=0
fi
if [ "$rc" -eq 0 ]; then
    pass "stream: $big_mb MB tracker builds"
    check "stream: rows" "$((npkgs * 20))|$((npkgs * 40))|$((npkgs * 20))|Debian:11,Debian:12" \
        "$(q "$T/big.db" "SELECT (SELECT count(*) FROM advisories), (SELECT count(*) FROM affected), records, ecosystems FROM sources")"
    check "stream: last package" "CVE-2024-$((npkgs * 20 - 1))|Debian:11|pkg-$(printf %05d $((npkgs - 1)))|fixed|LOW" \
        "$(q "$T/big.db" "SELECT a.advisory_id, f.ecosystem, f.package, f.status, f.severity FROM affected f JOIN advisories a ON a.id = f.advisory ORDER BY f.id DESC LIMIT 1 OFFSET 1")"
    if [ "$rss" -gt 0 ] && [ "$rss" -lt 204800 ]; then
        pass "stream: peak RSS ${rss} KB, under 200 MB"
    elif [ "$rss" -eq 0 ]; then
        skip "stream: peak RSS" "/usr/bin/time is missing"
    elif [ -n "${STRATA_SANITIZED:-}" ]; then
        skip "stream: peak RSS" "not meaningful under AddressSanitizer (${rss} KB)"
    else
        fail "stream: peak RSS under 200 MB" "${rss} KB"
    fi
else
    fail "stream: $big_mb MB tracker builds" "exit $rc: $(cat "$T/big.err")"
fi
rm -f "$T/big.json" "$T/big.db"
"$PY" - "$T" <<'PYEOF'
import os, sys
t = sys.argv[1]
first = '{"openssl": {"CVE-2023-0286": {"releases": {"bullseye": {"status": "open"}}}}'
def w(name, data):
    open(os.path.join(t, name), "wb").write(data.encode())
w("unterminated.json", first + ',\n"curl": {"CVE-1": {"releases": {}}},\n"brok')
w("unterminated-first.json", '{"openssl": {"CVE-2023-0286": {"releases": {"bullseye": {"status": "open')
w("unclosed.json", first + ',\n"curl": {"CVE-1": {"releases": {}}\n')
w("mismatched.json", first + ',\n"curl": {"CVE-1": {"releases": {]}}}')
w("huge-member.json", first + ',\n"big": {"CVE-1": {"releases": {}, "description": "' + "x" * (65 << 20) + '"}}}')
w("garbage.json", first + '}\n}\n')
w("bom.json", "\ufeff" + first + "}")
w("deep-member.json", first + ',\n"deep": {"CVE-1": {"releases": {}, "x": ' + "[" * 5000 + "]" * 5000 + "}}}")
w("duplicate.json", first + ',\n"curl": {},\n  "openssl": {}}')
w("not-object.json", first + ',\n"curl": ["CVE-1"]}')
PYEOF
while IFS='|' read -r name file regex; do
    LAST_ERR=$( (cd "$T" && timeout 60 "$STRATA" db build -q -o "$T/out.db" "$file") 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" -ne 2 ]; then
        fail "stream hostile $name" "exit $rc, want 2: $LAST_ERR"
    elif ! grep -qE "^strata: $regex" <<<"$LAST_ERR"; then
        fail "stream hostile $name" "message does not match /$regex/: $LAST_ERR"
    else
        pass "stream hostile $name"
    fi
done <<'EOF'
unterminated string at the top level|unterminated.json|unterminated.json: invalid JSON at line 3, column 1: unterminated string
unterminated string in the first member|unterminated-first.json|unterminated-first.json: invalid JSON at line 1, column [0-9]+: unterminated string
unclosed braces|unclosed.json|unclosed.json: invalid JSON at line 3, column 1: unexpected end of input: 1 unclosed
mismatched braces|mismatched.json|mismatched.json: invalid JSON at line 2, column 33: string or '}' expected near '\]'
a member over the size limit|huge-member.json|huge-member.json: invalid JSON at line 2, column 1: member "big" is longer than the limit of 67108864 bytes
garbage after the object|garbage.json|garbage.json: invalid JSON at line 2, column 1: unexpected data after the top-level object
byte order mark|bom.json|bom.json: invalid JSON at line 1, column 1: the document starts with a byte order mark
deep nesting inside one member|deep-member.json|deep-member.json: invalid JSON at line 2, column [0-9]+: maximum parsing depth
duplicate package|duplicate.json|duplicate.json: invalid JSON at line 3, column 3: duplicate member name "openssl"
a package that is not an object|not-object.json|not-object.json: curl: not an object of CVE ids
EOF
[ ! -e "$T/out.db" ] && pass "stream hostile: no database written" || fail "stream hostile: no database written" "$T/out.db exists"
rm -f "$T/huge-member.json"

# ---- usage ----------------------------------------------------------------------------------
expect_exit "db build without sources" 2 -- "$STRATA" db build -o "$WORK/x.db"
expect_exit "db info on a missing database" 2 -- "$STRATA" db info --db "$WORK/missing.db"
grep -q "strata db update" <<<"$LAST_ERR" && pass "missing database message says how to get one" ||
    fail "missing database message says how to get one" "$LAST_ERR"
expect_exit "db info on a non-database" 2 -- "$STRATA" db info --db "$tracker"
expect_exit "db info --format bad" 2 -- "$STRATA" db info --db "$WORK/x.db" --format xml
expect_exit "db build --help" 0 -- "$STRATA" db build --help
expect_exit "db info --help" 0 -- "$STRATA" db info --help
expect_exit "db --help" 0 -- "$STRATA" db --help
expect_exit "db unknown subcommand" 2 -- "$STRATA" db frobnicate
