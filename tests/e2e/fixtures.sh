# E2E: the shared real-image fixtures. Every image's dpkg inventory and OS must equal its
# *.expected.json (with the layer that installed each package); the docker-archive and the
# zstd OCI variant of the app image must give identical package lists.
. "$SRCROOT/tests/e2e/lib.inc"
IMG="$SHARED/fixtures/images"
if ! have_shared; then
    skip fixtures "no $IMG (../shared missing): shared-fixture checks not run"
    exit 0
fi
PY=/usr/bin/python3
check() { # name archive expected
    local name=$1 archive=$2 expected=$3
    if ! "$STRATA" image -q --format json -o "$WORK/$name.json" "$IMG/$archive" 2>"$WORK/$name.err"; then
        fail "$name" "scan failed: $(cat "$WORK/$name.err")"
        return
    fi
    if out=$($PY "$SRCROOT/tests/e2e/compare_expected.py" "$WORK/$name.json" "$IMG/$expected"); then
        pass "$name: $(printf '%s' "$out" | tail -1)"
    else
        fail "$name" "$out"
    fi
}
check app-docker debian12-app.docker.tar debian12-app.expected.json
check app-oci-zstd debian12-app.oci-zstd.tar debian12-app.expected.json
check minbase debian12-minbase.oci.tar debian12-minbase.expected.json
check distroless distroless-like.oci.tar distroless-like.expected.json

# Same image, two encodings: identical package lists (all fields).
if [ -f "$WORK/app-docker.json" ] && [ -f "$WORK/app-oci-zstd.json" ]; then
    a=$($PY -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["packages"], sort_keys=True))' "$WORK/app-docker.json")
    b=$($PY -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["packages"], sort_keys=True))' "$WORK/app-oci-zstd.json")
    if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "app: docker-archive and OCI zstd give identical packages"
    else fail "app-identical" "package lists differ between docker-archive and oci-zstd"; fi
fi

# Layers: diff_ids, digests and created_by as the MANIFEST lists them.
$PY - "$WORK/app-docker.json" "$IMG/debian12-app.expected.json" <<'PYEOF' && pass "app: layers match" || fail "app-layers" "layers differ"
import json, sys
r = json.load(open(sys.argv[1])); e = json.load(open(sys.argv[2]))
assert [l["diff_id"] for l in r["layers"]] == [l["diff_id"] for l in e["layers"]]
# History credentials are redacted in the report (docs/checks-image.md): curl -u admin:*****
assert [l["created_by"] for l in r["layers"]] == [l["created_by"].replace("admin:s3cr3t", "admin:*****") for l in e["layers"]]
assert r["layers"][0]["digest"] == "sha256:8900d4d2fb5d2216884d92525d3efdb83f84b7c076e9b17d06dc86df754e495a"
assert r["target"]["name"] == "example.com/app:1.0" and r["target"]["kind"] == "docker-archive"
PYEOF

# REF selection and its errors.
expect_exit "app: SRC:REF picks the tagged image" 0 -- "$STRATA" image -q --format json "$IMG/debian12-app.docker.tar:example.com/app:1.0"
expect_exit "oci: unknown ref fails" 2 -- "$STRATA" image -q "$IMG/debian12-app.oci-zstd.tar:nope"
case "$LAST_ERR" in *"no manifest"*"nope"*) pass "oci: unknown ref message names the ref" ;; *) fail "oci-ref-msg" "$LAST_ERR" ;; esac
expect_exit "oci: REF 1.0 selects" 0 -- "$STRATA" image -q --format json "oci-archive:$IMG/debian12-app.oci-zstd.tar:1.0"

# The human report is the default and mentions the packages and layers.
if "$STRATA" image -q "$IMG/debian12-minbase.oci.tar" >"$WORK/minbase.txt" 2>&1 && grep -q "bookworm" "$WORK/minbase.txt" && grep -q "base-files" "$WORK/minbase.txt"; then
    pass "table report"
else
    fail "table-report" "$(head -5 "$WORK/minbase.txt")"
fi
