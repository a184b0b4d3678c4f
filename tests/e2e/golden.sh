# E2E golden files: the exact JSON and table output for shared fixtures (deterministic inputs).
# STRATA_UPDATE_GOLDEN=1 rewrites them after an intended change; review the diff.
. "$SRCROOT/tests/e2e/lib.inc"
if ! have_shared; then
    skip golden "no ../shared: golden outputs of the shared fixtures not checked"
    exit 0
fi
IMG="$SHARED/fixtures/images"
export SOURCE_DATE_EPOCH=1735689600 # SBOM timestamps
G="$SRCROOT/tests/golden"
golden() { # name golden-file args...
    local name=$1 file=$2
    shift 2
    # Paths in the output are relative to the fixtures dir so goldens do not depend on it.
    if ! (cd "$IMG" && "$STRATA" "$@") >"$WORK/$name.out" 2>"$WORK/$name.err"; then
        fail "$name" "exit $?: $(cat "$WORK/$name.err")"
        return
    fi
    if [ "${STRATA_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$WORK/$name.out" "$G/$file"
        pass "$name (golden updated)"
    elif diff -u "$G/$file" "$WORK/$name.out" >"$WORK/$name.diff"; then
        pass "$name"
    else
        fail "$name" "differs from tests/golden/$file: $(head -30 "$WORK/$name.diff")"
    fi
}
golden "json: distroless-like" distroless-like.json image -q --format json distroless-like.oci.tar
golden "table: distroless-like" distroless-like.txt image -q distroless-like.oci.tar
golden "json: debian12-minbase" debian12-minbase.json image -q --format json debian12-minbase.oci.tar
golden "cyclonedx: distroless-like" distroless-like.cdx.json image -q --format cyclonedx distroless-like.oci.tar
