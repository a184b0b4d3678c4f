# E2E: how `strata image REGISTRY/REPO:TAG` overlaps downloading and scanning
# (src/source/registry_source.c): layers download in the background while the scan reads the
# ones that have arrived. Against Debian's docker-registry fed by skopeo from the shared app
# image (gzip layers, and the zstd OCI variant), with every scanner on:
#   - a cold pull gives byte for byte the report of a warm one (layers from the cache), with
#     one scan thread or the default;
#   - with only some layers cached, only the missing ones are fetched, same report;
#   - a cache file changed since it was written (same size) is refused by its digest;
#   - a layer the registry has lost fails the pull cleanly (exit 2, the blob named, no
#     temporary file left, the layers that did arrive kept in the cache).
. "$SRCROOT/tests/e2e/lib.inc"

if [ ! -x "$STRATA" ]; then
    fail registry_pull "no strata binary at $STRATA"
    exit 0
fi
if ! have_shared; then
    skip registry_pull "no shared fixtures at $SHARED/fixtures/images"
    exit 0
fi
for t in docker-registry skopeo python3 curl; do
    if ! command -v "$t" >/dev/null; then
        skip registry_pull "$t is needed (apt install docker-registry skopeo python3 curl)"
        exit 0
    fi
done

FIX="$SHARED/fixtures/images"
export HOME="$WORK/home" XDG_CACHE_HOME="$WORK/cache" DOCKER_CONFIG="$WORK/docker"
mkdir -p "$HOME" "$DOCKER_CONFIG"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$WORK/reg.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $WORK/data
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$WORK/reg.yml" >"$WORK/reg.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
R="127.0.0.1:$port"
if ! skopeo copy -q --dest-tls-verify=false "docker-archive:$FIX/debian12-app.docker.tar" \
    "docker://$R/app:gzip" 2>"$WORK/push.err" ||
    ! skopeo copy -q --dest-tls-verify=false "oci-archive:$FIX/debian12-app.oci-zstd.tar" \
        "docker://$R/app:zstd" 2>>"$WORK/push.err"; then
    fail registry_pull_push "$(cat "$WORK/push.err")"
    exit 0
fi

SCAN=(--no-vulns -q -f json --insecure)
blobs="$XDG_CACHE_HOME/strata/blobs/sha256"
blob_gets() { grep -c "\"GET /v2/app/blobs/.*\"strata/" "$WORK/reg.log"; }
# layers TAG: the layer digests (hex) of the tag's manifest, largest first
layers() { curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
    "http://$R/v2/app/manifests/$1" | python3 -c 'import json,sys
m=json.load(sys.stdin)
for l in sorted(m["layers"], key=lambda l: -l["size"]): print(l["digest"][7:])'; }

for tag in gzip zstd; do
    rm -rf "$XDG_CACHE_HOME/strata/blobs"
    if ! "$STRATA" image "${SCAN[@]}" -o "$WORK/cold-$tag.json" "$R/app:$tag" 2>"$WORK/err"; then
        fail "registry_pull_cold_$tag" "$(cat "$WORK/err")"
        continue
    fi
    "$STRATA" image "${SCAN[@]}" -o "$WORK/warm-$tag.json" "$R/app:$tag" 2>"$WORK/err"
    cmp -s "$WORK/cold-$tag.json" "$WORK/warm-$tag.json" &&
        pass "registry pull ($tag): cold pull, scanned while downloading, reports what the cached scan does" ||
        fail "registry_pull_same_$tag" "cold and warm reports differ: $(cat "$WORK/err")"
    rm -rf "$XDG_CACHE_HOME/strata/blobs"
    "$STRATA" image "${SCAN[@]}" -j 1 -o "$WORK/j1-$tag.json" "$R/app:$tag" 2>"$WORK/err"
    cmp -s "$WORK/j1-$tag.json" "$WORK/warm-$tag.json" &&
        pass "registry pull ($tag): one scan thread while four downloads run, same report" ||
        fail "registry_pull_j1_$tag" "$(cat "$WORK/err")"
done

# Only the largest and the smallest layer missing: two blob GETs, same report.
mapfile -t L < <(layers gzip)
if [ "${#L[@]}" -ne 4 ]; then
    fail registry_pull_layers "the pushed image has ${#L[@]} layers, want 4"
    exit 0
fi
"$STRATA" image "${SCAN[@]}" -o /dev/null "$R/app:gzip" 2>/dev/null # all cached again
rm -f "$blobs/${L[0]}" "$blobs/${L[3]}"
before=$(blob_gets)
"$STRATA" image "${SCAN[@]}" -o "$WORK/part.json" "$R/app:gzip" 2>"$WORK/err"
got=$(($(blob_gets) - before))
[ "$got" -eq 2 ] && cmp -s "$WORK/part.json" "$WORK/warm-gzip.json" &&
    pass "registry pull: only the two missing layers fetched, same report" ||
    fail registry_pull_partial "$got blob GETs (want 2): $(cat "$WORK/err")"

# A cached layer changed on disk (its gzip MTIME byte: still a valid stream, same size).
printf '\x01' | dd of="$blobs/${L[1]}" bs=1 seek=4 conv=notrunc status=none
expect_exit "registry pull: a cache file changed since it was written is refused" 2 -- \
    "$STRATA" image "${SCAN[@]}" "$R/app:gzip"
echo "$LAST_ERR" | grep -q "sha256/${L[1]}.*digest mismatch: manifest says sha256:${L[1]}" ||
    fail registry_pull_tampered_msg "$LAST_ERR"
rm -f "$blobs/${L[1]}"

# The registry loses the smallest layer: the pull fails naming it, while the large ones were
# downloading and being scanned; nothing half-written stays behind.
rm -rf "$XDG_CACHE_HOME/strata/blobs"
lost=${L[3]}
rm -f "$WORK/data/docker/registry/v2/blobs/sha256/${lost:0:2}/$lost/data"
expect_exit "registry pull: a layer the registry lost fails the pull" 2 -- \
    "$STRATA" image "${SCAN[@]}" "$R/app:gzip"
echo "$LAST_ERR" | grep -q "$R/app:gzip: blob sha256:$lost" ||
    fail registry_pull_lost_msg "$LAST_ERR"
if ls -A "$blobs" | grep -q '^\.tmp' || [ -e "$blobs/$lost" ]; then
    fail registry_pull_lost_tmp "a temporary file or the lost blob is in the cache: $(ls -A "$blobs")"
else
    pass "registry pull: no temporary file left after the failed pull"
fi
