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

build_synthetic() {
    local work="$cache/synthetic"
    rm -rf "$work" && mkdir -p "$work/layers" "$work/docker" "$work/oci/blobs/sha256"
    echo "bench: building the synthetic image in $work (once)..." >&2
    /usr/bin/python3 - "$work/layers" <<'PY'
import io, os, random, sys, tarfile
out = sys.argv[1]
rnd = random.Random(42)
words = open("/usr/share/dict/words").read().split() if os.path.exists("/usr/share/dict/words") else \
    ["alpha", "beta", "gamma", "delta", "layer", "image", "package", "config", "binary", "library"] * 50
status = open("/var/lib/dpkg/status", "rb").read()
def text(n):
    return (" ".join(rnd.choice(words) for _ in range(n // 6)) + "\n").encode()[:n]
for layer in range(5):
    with tarfile.open(os.path.join(out, "layer%d.tar" % layer), "w", format=tarfile.PAX_FORMAT) as t:
        def add(name, data, mode=0o644):
            ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = mode; ti.mtime = 1735689600
            t.addfile(ti, io.BytesIO(data))
        if layer == 0:
            add("etc/os-release", b'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')
        if layer in (0, 3):
            add("var/lib/dpkg/status", status)
        for i in range(20500):
            add("usr/share/l%d/d%03d/f%05d.txt" % (layer, i % 500, i), text(rnd.randint(200, 3500)))
        for i in range(7):
            blob = os.urandom(5 << 20) + text(5 << 20)
            add("opt/l%d/blob%d.bin" % (layer, i), blob, 0o755)
        if layer == 4:
            # An application's dependencies: 21,000 installed packages, a third of them nested
            # one level below another, as npm leaves them when versions conflict.
            lock = {}
            for i in range(21000):
                name = "pkg-%s-%05d" % (rnd.choice(words).lower()[:12], i)
                top = "app/node_modules/pkg-top-%05d" % (i // 3) if i % 3 == 2 else "app"
                where = "%s/node_modules/%s" % (top, name) if top != "app" else "app/node_modules/" + name
                ver = "%d.%d.%d" % (rnd.randint(0, 9), rnd.randint(0, 30), rnd.randint(0, 99))
                pj = '{"name":"%s","version":"%s","description":"%s","license":"MIT","main":"index.js"}' % (
                    name, ver, text(120).decode().strip().replace('"', ''))
                add(where + "/package.json", pj.encode())
                add(where + "/index.js", text(rnd.randint(200, 2000)))
                lock[where[len("app/"):]] = {"version": ver, "resolved": "https://registry.npmjs.org/%s/-/%s-%s.tgz" % (name, name, ver)}
            import json as _json
            add("app/package.json", b'{"name":"bench-app","version":"1.0.0"}')
            add("app/package-lock.json", _json.dumps({"name": "bench-app", "version": "1.0.0", "lockfileVersion": 3,
                "packages": dict([("", {"name": "bench-app", "version": "1.0.0"})] + sorted(lock.items()))}).encode())
PY
    local files bytes
    files=$(for i in 0 1 2 3 4; do tar -tf "$work/layers/layer$i.tar"; done | wc -l)
    bytes=$(cat "$work"/layers/layer*.tar | wc -c)
    echo "synthetic image (v2): 5 layers, $files files ($(grep -c . <(for i in 0 1 2 3 4; do tar -tf "$work/layers/layer$i.tar"; done | grep 'node_modules/.*package.json$')) package.json under node_modules), $((bytes / 1000000)) MB uncompressed" >"$cache/synthetic.info"
    local diffs=()
    for i in 0 1 2 3 4; do
        local l="$work/layers/layer$i.tar"
        diffs+=("$(sha256sum "$l" | cut -d' ' -f1)")
    done
    for i in 0 1 2 3 4; do
        (gzip -6 -n -c "$work/layers/layer$i.tar" >"$work/layers/layer$i.tar.gz") &
        (zstd -q -3 -c "$work/layers/layer$i.tar" >"$work/layers/layer$i.tar.zst") &
        wait
    done
    local hist="" dl="" ol="" cfg
    for i in 0 1 2 3 4; do
        hist+="${hist:+,}{\"created_by\":\"synthetic layer $i\"}"
        dl+="${dl:+,}\"sha256:${diffs[$i]}\""
        cp "$work/layers/layer$i.tar.gz" "$work/docker/${diffs[$i]}.tar"
        local z=$(sha256sum "$work/layers/layer$i.tar.zst" | cut -d' ' -f1)
        cp "$work/layers/layer$i.tar.zst" "$work/oci/blobs/sha256/$z"
        ol+="${ol:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"sha256:$z\",\"size\":$(stat -c %s "$work/layers/layer$i.tar.zst")}"
    done
    cfg="{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$dl]},\"history\":[$hist]}"
    printf '%s' "$cfg" >"$work/config.json"
    local c=$(sha256sum "$work/config.json" | cut -d' ' -f1)
    cp "$work/config.json" "$work/docker/$c.json"
    cp "$work/config.json" "$work/oci/blobs/sha256/$c"
    local layers_json=""
    for i in 0 1 2 3 4; do layers_json+="${layers_json:+,}\"${diffs[$i]}.tar\""; done
    printf '[{"Config":"%s.json","RepoTags":["bench/synthetic:1"],"Layers":[%s]}]' "$c" "$layers_json" >"$work/docker/manifest.json"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[%s]}' \
        "$c" "$(stat -c %s "$work/config.json")" "$ol" >"$work/manifest.json"
    local m=$(sha256sum "$work/manifest.json" | cut -d' ' -f1)
    cp "$work/manifest.json" "$work/oci/blobs/sha256/$m"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"1"}}]}' \
        "$m" "$(stat -c %s "$work/manifest.json")" >"$work/oci/index.json"
    tar -C "$work/docker" -cf "$cache/synthetic.docker.tar" .
    tar -C "$work/oci" -cf "$cache/synthetic.oci-zstd.tar" .
    rm -rf "$work"
}
# v2 added the node_modules tree: an older cached image is rebuilt.
grep -qs '(v2)' "$cache/synthetic.info" && [ -f "$cache/synthetic.docker.tar" ] &&
    [ -f "$cache/synthetic.oci-zstd.tar" ] || build_synthetic

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
