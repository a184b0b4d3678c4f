#!/usr/bin/env bash
# Benchmark (not a test): strata's inventory scan vs plain decompression of the same layers.
# Builds a large synthetic image once (>= 500 MB uncompressed, >= 100,000 files, 5 layers, a
# node_modules tree of 21,000 package.json files and a package-lock.json in the last layer) as
# a docker-archive (gzip layers) and an OCI archive (zstd layers), then for it and for every
# shared fixture prints: strata wall time (best of 3), the baseline (gzip -dc / zstd -dc of
# each layer blob to /dev/null, sequential, best of 3), their ratio, the ratio with -j 1,
# and strata's peak RSS; then the cost of the language analyzers: the default scan against
# `--pkg-types os` (OS packages only) on the synthetic image. Usage:
# bench/scan-image.sh [CACHE_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
strata="$root/build/strata"
cache=${1:-$root/build/bench}
shared=${SHARED:-$root/../shared}
[ -x "$strata" ] || make -C "$root" build/strata >/dev/null
mkdir -p "$cache"

. "$root/bench/synthetic.inc"

best_of_3() { # prints the best wall time in seconds of the command (BEST_OF runs, default 3)
    local best="" t
    for _ in $(seq "${BEST_OF:-3}"); do
        /usr/bin/time -f '%e' -o "$cache/time.out" "$@" >/dev/null 2>&1
        t=$(tail -1 "$cache/time.out")
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
    done
    echo "$best"
}

# Extract the layer blobs once so the baseline times only decompression.
baseline_cmd() { # archive -> writes a script that decompresses every layer to /dev/null
    local archive=$1 dir=$2
    rm -rf "$dir" && mkdir -p "$dir" && tar -xf "$archive" -C "$dir"
    local script="$dir/decompress.sh"
    echo "set -e" >"$script"
    /usr/bin/python3 - "$dir" >>"$script" <<'PY'
import json, os, sys
d = sys.argv[1]
if os.path.exists(os.path.join(d, "manifest.json")):
    layers = [os.path.join(d, l) for l in json.load(open(os.path.join(d, "manifest.json")))[0]["Layers"]]
else:
    idx = json.load(open(os.path.join(d, "index.json")))
    mf = json.load(open(os.path.join(d, "blobs/sha256", idx["manifests"][0]["digest"][7:])))
    layers = [os.path.join(d, "blobs/sha256", l["digest"][7:]) for l in mf["layers"]]
for l in layers:
    magic = open(l, "rb").read(4)
    tool = "zstd -dc" if magic == b"\x28\xb5\x2f\xfd" else ("gzip -dc" if magic[:2] == b"\x1f\x8b" else "cat")
    print("%s < '%s' > /dev/null" % (tool, os.path.realpath(l)))
PY
    echo "$script"
}

[ -f "$cache/synthetic.info" ] && cat "$cache/synthetic.info"
printf '%-32s %9s %9s %8s %8s %9s\n' image strata_s base_s ratio ratio_j1 peak_MB
for img in "$cache/synthetic.docker.tar" "$cache/synthetic.oci-zstd.tar" "$shared"/fixtures/images/*.tar; do
    [ -f "$img" ] || continue
    script=$(baseline_cmd "$img" "$cache/extract")
    base=$(best_of_3 bash "$script")
    s=$(best_of_3 "$strata" image -q --no-vulns --format json -o /dev/null "$img")
    s1=$(best_of_3 "$strata" image -q --no-vulns -j 1 --format json -o /dev/null "$img")
    /usr/bin/time -f '%M' -o "$cache/time.out" "$strata" image -q --format json -o /dev/null "$img" >/dev/null 2>&1
    rss=$(tail -1 "$cache/time.out")
    printf '%-32s %9s %9s %8.2f %8.2f %9.1f\n' "$(basename "$img")" "$s" "$base" \
        "$(awk -v a="$s" -v b="$base" 'BEGIN{print (b>0?a/b:0)}')" \
        "$(awk -v a="$s1" -v b="$base" 'BEGIN{print (b>0?a/b:0)}')" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
done
echo "(ratio = strata / sequential decompression of the same layer blobs; < 1 is faster)"

# The language analyzers' share: the same scan with OS packages only (best of 7: the
# difference is small next to the noise of a shared machine).
img="$cache/synthetic.docker.tar"
export BEST_OF=7
full=$(best_of_3 "$strata" image -q --no-vulns --format json -o /dev/null "$img")
os_only=$(best_of_3 "$strata" image -q --no-vulns --pkg-types os --format json -o /dev/null "$img")
full1=$(best_of_3 "$strata" image -q --no-vulns -j 1 --format json -o /dev/null "$img")
os_only1=$(best_of_3 "$strata" image -q --no-vulns -j 1 --pkg-types os --format json -o /dev/null "$img")
npm=$("$strata" image -q --format json "$img" | grep -c '"type": "npm"')
printf 'language analyzers on synthetic.docker.tar (%s npm packages): %ss vs %ss with --pkg-types os: +%.1f%% (-j 1: %ss vs %ss, +%.1f%%)\n' \
    "$npm" "$full" "$os_only" "$(awk -v a="$full" -v b="$os_only" 'BEGIN{print (b>0?(a/b-1)*100:0)}')" \
    "$full1" "$os_only1" "$(awk -v a="$full1" -v b="$os_only1" 'BEGIN{print (b>0?(a/b-1)*100:0)}')"
rm -rf "$cache/extract" "$cache/time.out"
