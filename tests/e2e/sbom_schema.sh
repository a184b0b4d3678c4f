#!/usr/bin/env bash
# Validates strata's CycloneDX 1.5 and SPDX 2.3 output against the standards' own JSON schemas
# (Debian's python3-jsonschema, $refs resolved locally, never over the network).
#
# Nothing is vendored: the schemas are fetched at test time from the npm registry into a cache
# (STRATA_SCHEMA_CACHE, default ~/.cache/strata-test-schemas) and reused from there; see
# schema.inc for the packages and their pinned sha256. When a schema cannot be had the checks
# print SKIP, never PASS.
#   CycloneDX 1.5: schema.inc (get_cdx_schema).
#   SPDX 2.3:      STRATA_SPDX_SCHEMA=FILE (a copy of spdx-spec's schemas/spdx-schema.json, tag
#                  v2.3), else $CACHE/spdx-2.3/spdx-schema.json, else the npm package named in
#                  SPDX_NPM_* below when set.
#
# What is validated: the unit test's sample report (tests/unit/test_report.c, via
# STRATA_REPORT_DUMP_DIR), `strata fs` on a tiny rootfs made here, and `strata image` on
# $SHARED/fixtures/images/debian12-app.docker.tar when present.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.inc
. "$here/lib.inc"
SRCROOT=${SRCROOT:-$(cd "$here/../.." && pwd)}
STRATA=${STRATA:-$SRCROOT/build/strata}
SHARED=${SHARED:-$SRCROOT/../shared}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/strata-sbom.XXXXXX")}
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$SRCROOT/$BUILD" ;; esac
# shellcheck source=schema.inc
. "$here/schema.inc"

# No npm package shipping the SPDX 2.3 document schema is known yet; fill these in when one is.
SPDX_NPM_PKG=${SPDX_NPM_PKG:-}
SPDX_NPM_VER=${SPDX_NPM_VER:-}
SPDX_NPM_SHA256=${SPDX_NPM_SHA256:-}
SPDX_NPM_FILE=${SPDX_NPM_FILE:-} # path inside the tarball, e.g. package/schemas/spdx-schema.json

mkdir -p "$WORK"

# Sets SPDX_SCHEMA, or SPDX_WHY.
get_spdx_schema() {
    local dir="$CACHE/spdx-2.3"
    if [ -n "${STRATA_SPDX_SCHEMA:-}" ]; then
        SPDX_SCHEMA=$STRATA_SPDX_SCHEMA
        [ -s "$SPDX_SCHEMA" ] && return 0
        SPDX_WHY="STRATA_SPDX_SCHEMA=$SPDX_SCHEMA: no such file"
        return 1
    fi
    SPDX_SCHEMA="$dir/spdx-schema.json"
    [ -s "$SPDX_SCHEMA" ] && return 0
    if [ -z "$SPDX_NPM_PKG" ] || [ -z "$SPDX_NPM_VER" ] || [ -z "$SPDX_NPM_FILE" ]; then
        SPDX_WHY="no source of the official SPDX 2.3 schema on the reachable registries; set STRATA_SPDX_SCHEMA=FILE or put it at $SPDX_SCHEMA"
        return 1
    fi
    local tmp="$WORK/spdx-npm"
    SPDX_WHY=$(fetch_npm "$SPDX_NPM_PKG" "$SPDX_NPM_VER" "$SPDX_NPM_SHA256" "$tmp") || return 1
    if [ ! -s "$tmp/$SPDX_NPM_FILE" ]; then
        SPDX_WHY="$SPDX_NPM_PKG@$SPDX_NPM_VER has no $SPDX_NPM_FILE"
        return 1
    fi
    mkdir -p "$dir" && cp "$tmp/$SPDX_NPM_FILE" "$SPDX_SCHEMA.tmp" && mv "$SPDX_SCHEMA.tmp" "$SPDX_SCHEMA"
}

init_validator cyclonedx spdx

# 1. The unit test's sample report: exercises epochs, NULL fields, SPDXID sanitizing.
unit="$BUILD/tests/test_report"
if [ -x "$unit" ]; then
    mkdir -p "$WORK/unit"
    if STRATA_REPORT_DUMP_DIR="$WORK/unit" "$unit" >"$WORK/unit.log" 2>&1 &&
        [ -s "$WORK/unit/report.cdx.json" ] && [ -s "$WORK/unit/report.spdx.json" ]; then
        validate "sbom_schema: cyclonedx of the unit sample" cyclonedx "$WORK/unit/report.cdx.json"
        validate "sbom_schema: spdx of the unit sample" spdx "$WORK/unit/report.spdx.json"
    else
        fail "sbom_schema: unit sample" "$unit failed: $(tail -3 "$WORK/unit.log" | tr '\n' ' ')"
    fi
else
    skip "sbom_schema: unit sample" "$unit not built"
fi

# 2. A tiny root filesystem made here: two dpkg stanzas and an os-release.
rootfs="$WORK/rootfs"
mkdir -p "$rootfs/var/lib/dpkg" "$rootfs/etc"
cat >"$rootfs/etc/os-release" <<'EOF'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
EOF
cat >"$rootfs/var/lib/dpkg/status" <<'EOF'
Package: libstdc++6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 2676
Maintainer: Debian GCC Maintainers <debian-gcc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: gcc-12
Version: 12.2.0-14
Depends: gcc-12-base (= 12.2.0-14), libc6 (>= 2.36), libgcc-s1 (>= 4.3)
Description: GNU Standard C++ Library v3

Package: zlib1g
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 168
Maintainer: Mark Brown <broonie@debian.org>
Architecture: amd64
Multi-Arch: same
Source: zlib
Version: 1:1.2.13.dfsg-1
Provides: libz1
Depends: libc6 (>= 2.14)
Description: compression library - runtime
EOF

if [ -x "$STRATA" ]; then
    for fmt in cyclonedx spdx; do
        out="$WORK/fs.$fmt.json"
        scan "sbom_schema: $fmt of strata fs" "$fmt" "$out" -- fs "$rootfs" &&
            validate "sbom_schema: $fmt of strata fs" "$fmt" "$out"
    done
else
    skip "sbom_schema: strata fs" "$STRATA not built"
fi

# 3. A real image from the shared fixtures.
img="$SHARED/fixtures/images/debian12-app.docker.tar"
if [ ! -f "$img" ]; then
    skip "sbom_schema: strata image" "$img absent"
elif [ ! -x "$STRATA" ]; then
    skip "sbom_schema: strata image" "$STRATA not built"
else
    for fmt in cyclonedx spdx; do
        out="$WORK/image.$fmt.json"
        scan "sbom_schema: $fmt of strata image debian12-app" "$fmt" "$out" -- image "$img" &&
            validate "sbom_schema: $fmt of strata image debian12-app" "$fmt" "$out"
    done
fi
exit 0
