#!/usr/bin/env bash
# Benchmark (not a test): the netpol connectivity engine on generated clusters
# (bench/netpol_gen.py): 100 namespaces / 5,000 Deployments / 2,000 NetworkPolicies, then 10×
# that with BIG=1. Prints load, engine build and np_engine_each (every pair) times, using the
# small driver bench/netpol_bench.c linked against the library; NETPOL_CHECK=1 also walks every
# pair through np_engine_pair and checks np_engine_each gave exactly the same pairs.
# Usage: bench/netpol.sh [CACHE_DIR]   (BUILD=dir to pick the build tree, default build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
cache=${1:-$root/$build/bench}
mkdir -p "$cache"
make -C "$root" -s "$build/libstrata.a" >/dev/null
pkgs="libarchive zlib libzstd jansson libcrypto sqlite3 libzip libcurl libfyaml libhs"
# shellcheck disable=SC2046
cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$root/include" -I"$root/src" \
    -o "$cache/netpol_bench" "$root/bench/netpol_bench.c" "$root/$build/libstrata.a" \
    $(pkg-config --libs $pkgs) -lpthread
sizes="100 5000 2000"
[ -n "${BIG:-}" ] && sizes="$sizes 1000 50000 20000"
set -- $sizes
while [ $# -ge 3 ]; do
    f="$cache/netpol-$1-$2-$3.yaml"
    [ -s "$f" ] || /usr/bin/python3 "$root/bench/netpol_gen.py" "$f" "$1" "$2" "$3"
    echo "== $1 namespaces, $2 workloads, $3 policies ($(du -h "$f" | cut -f1) YAML)"
    "$cache/netpol_bench" "$f"
    shift 3
done
