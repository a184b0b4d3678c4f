#!/usr/bin/env bash
# Benchmark (not a test): the vulnerability database and the matcher.
# Prints: database build time from all of ../shared/data/vulndb and its size; matching
# throughput (packages per second) for a 10,000-package Debian 11 inventory next to the
# inventory time of the same scan; the overhead matching adds to a scan of the shared app
# image; and a warm second scan of it. Times are best of 3.
# Usage: bench/vulndb.sh [CACHE_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
strata="$root/build/strata"
cache=${1:-$root/build/bench}
shared=${SHARED:-$root/../shared}
data="$shared/data/vulndb"
[ -x "$strata" ] || make -C "$root" build/strata >/dev/null
[ -d "$data" ] || { echo "bench: $data not found" >&2; exit 2; }
mkdir -p "$cache"

best_of_3() { # prints the best wall time in seconds of "$@"
    local best="" t tf
    tf=$(mktemp)
    for _ in 1 2 3; do
        /usr/bin/time -o "$tf" -f %e "$@" >/dev/null 2>&1 || true
        t=$(tail -1 "$tf")
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    done
    rm -f "$tf"
    echo "$best"
}

sources=("$data"/osv/*/all.zip "$data/alpine-secdb")
db="$cache/vulndb.sqlite"
t_build=$(best_of_3 "$strata" db build --output "$db" "${sources[@]}")
size=$(stat -c %s "$db")
echo "database build (all of $data): ${t_build} s, $((size / 1024)) KiB"

# A Debian 11 root filesystem with 10,000 packages: real Debian source names from the
# advisories (so lookups hit real rows) plus synthetic ones, at versions below and above fixes.
fs="$cache/inventory-10k"
if [ ! -f "$fs/var/lib/dpkg/status" ]; then
    rm -rf "$fs" && mkdir -p "$fs/etc" "$fs/var/lib/dpkg"
    printf 'ID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n' >"$fs/etc/os-release"
    /usr/bin/python3 - "$data/osv/Debian/all.zip" "$fs/var/lib/dpkg/status" <<'PY'
import json, random, sys, zipfile
rnd = random.Random(7)
names = set()
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in z.namelist():
        for a in json.loads(z.read(n)).get("affected", []):
            names.add(a["package"]["name"])
names = sorted(names)
with open(sys.argv[2], "w") as f:
    for i in range(10000):
        src = names[i % len(names)] if i < 2 * len(names) else "synthetic%d" % i
        ver = "%d.%d.%d-%d" % (rnd.randint(0, 3), rnd.randint(0, 20), rnd.randint(0, 9), rnd.randint(1, 5))
        f.write("Package: bin%d-%s\nStatus: install ok installed\nVersion: %s\nArchitecture: amd64\n"
                "Source: %s\n\n" % (i, src, ver, src))
PY
fi
t_inv=$(best_of_3 "$strata" fs -q --no-vulns --format json "$fs")
t_all=$(best_of_3 "$strata" fs -q --db "$db" --format json "$fs")
awk -v a="$t_all" -v i="$t_inv" 'BEGIN {
    m = a - i; if (m < 0.001) m = 0.001;
    printf "10,000-package inventory: inventory %.3f s, with matching %.3f s -> matching %.3f s, %d packages/s\n", i, a, m, 10000 / m }'

app="$shared/fixtures/images/debian12-app.docker.tar"
if [ -f "$app" ]; then
    t_scan=$(best_of_3 "$strata" image -q --no-vulns --format json "$app")
    t_match=$(best_of_3 "$strata" image -q --db "$db" --format json "$app")
    awk -v a="$t_match" -v i="$t_scan" 'BEGIN {
        printf "debian12-app image: scan %.3f s, scan + matching %.3f s -> matching adds %.1f%%\n", i, a, (a - i) * 100 / i }'
    echo "(the shared data has no Debian:12 records, so that image's OS packages are looked up but find none)"
fi
