#!/usr/bin/env bash
# Validates strata's SARIF 2.1.0 output, and CycloneDX 1.5 output that carries vulnerabilities,
# against the standards' own JSON schemas (fetched and pinned by schema.inc) plus the rules the
# specs state in prose (rule ids unique, ruleIndex names its rule, relative artifact URIs,
# affects refs that resolve, …).
#
# What is validated, all of it rendered by the real reporter code:
#   1. the findings report of tests/unit/test_report_vulns.c (suppressed shown and not, a
#      finding with every optional field NULL, hostile strings), written via
#      STRATA_REPORT_DUMP_DIR;
#   2. `strata fs --format sarif` on a tiny rootfs and `strata image --format sarif` on
#      $SHARED/fixtures/images/debian12-app.docker.tar (no database: zero results);
#   3. when STRATA_TEST_DB names a vulnerability database: `strata image --db DB --format
#      sarif|cyclonedx` on that image, with whatever it finds.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.inc
. "$here/lib.inc"
SRCROOT=${SRCROOT:-$(cd "$here/../.." && pwd)}
STRATA=${STRATA:-$SRCROOT/build/strata}
SHARED=${SHARED:-$SRCROOT/../shared}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/strata-sarif.XXXXXX")}
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$SRCROOT/$BUILD" ;; esac
mkdir -p "$WORK"
# shellcheck source=schema.inc
. "$here/schema.inc"
# Exit 1 of `strata image --db` means findings at or above the gate: still a report to check.
SCAN_FINDINGS_OK=1
init_validator sarif cyclonedx

# 1. The unit test's findings report.
unit="$BUILD/tests/test_report_vulns"
if [ -x "$unit" ]; then
    mkdir -p "$WORK/unit"
    if STRATA_REPORT_DUMP_DIR="$WORK/unit" "$unit" >"$WORK/unit.log" 2>&1; then
        for f in vulns.sarif.json vulns-suppressed.sarif.json vulns-none.sarif.json \
            vulns-minimal.sarif.json vulns.cdx.json vulns-suppressed.cdx.json \
            vulns-minimal.cdx.json; do
            case "$f" in *.sarif.json) kind=sarif ;; *) kind=cyclonedx ;; esac
            if [ -s "$WORK/unit/$f" ]; then
                validate "sarif_schema: $kind of the unit findings ($f)" "$kind" "$WORK/unit/$f"
            else
                fail "sarif_schema: unit findings ($f)" "$unit wrote no $f"
            fi
        done
    else
        fail "sarif_schema: unit findings" "$unit failed: $(tail -3 "$WORK/unit.log" | tr '\n' ' ')"
    fi
else
    skip "sarif_schema: unit findings" "$unit not built"
fi

# 2. The CLI without a database.
if [ ! -x "$STRATA" ]; then
    skip "sarif_schema: strata fs/image" "$STRATA not built"
    exit 0
fi
rootfs="$WORK/rootfs"
mkdir -p "$rootfs/var/lib/dpkg" "$rootfs/etc"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$rootfs/etc/os-release"
cat >"$rootfs/var/lib/dpkg/status" <<'EOF'
Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
Description: compression library - runtime
EOF
out="$WORK/fs.sarif.json"
scan "sarif_schema: sarif of strata fs" sarif "$out" -- fs "$rootfs" &&
    validate "sarif_schema: sarif of strata fs" sarif "$out"

img="$SHARED/fixtures/images/debian12-app.docker.tar"
if [ ! -f "$img" ]; then
    skip "sarif_schema: strata image" "$img absent"
    exit 0
fi
out="$WORK/image.sarif.json"
scan "sarif_schema: sarif of strata image debian12-app" sarif "$out" -- image "$img" &&
    validate "sarif_schema: sarif of strata image debian12-app" sarif "$out"

# 3. With a database, real findings.
db=${STRATA_TEST_DB:-}
if [ -z "$db" ]; then
    skip "sarif_schema: strata image --db" "set STRATA_TEST_DB=FILE to validate real findings"
elif [ ! -f "$db" ]; then
    fail "sarif_schema: strata image --db" "STRATA_TEST_DB=$db: no such file"
else
    for fmt in sarif cyclonedx; do
        out="$WORK/image-db.$fmt.json"
        scan "sarif_schema: $fmt of strata image --db" "$fmt" "$out" -- image --db "$db" "$img" &&
            validate "sarif_schema: $fmt of strata image --db debian12-app" "$fmt" "$out"
    done
fi
exit 0
