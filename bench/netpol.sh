#!/usr/bin/env bash
# Benchmark (not a test): `strata netpol` on generated clusters (bench/netpol_gen.py): 100
# namespaces / 5,000 Deployments / 2,000 NetworkPolicies, and with BIG=1 also 10x that.
# For each it prints:
#   - the baseline, measured in the same run: reading the same YAML with PyYAML's C loader
#     (yaml.CSafeLoader), the least any tool must do to know the cluster;
#   - the library's steps (load, engine build, every pair) from bench/netpol_bench.c;
#   - the CLI: `conn` (JSON and CSV of every connection to /dev/null), `audit` (JSON), `paths
#     --exposed` (1x only: it keeps every connection as adjacency), with wall time, peak memory
#     and the ratio to the baseline.
# NETPOL_CHECK=1 also walks every pair through np_engine_pair and checks np_engine_each gave
# exactly the same pairs (slow). Usage: bench/netpol.sh [CACHE_DIR]  (BUILD=dir, default build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
cache=${1:-$root/$build/bench}
strata=$root/$build/strata
mkdir -p "$cache"
make -C "$root" -s "$build/libstrata.a" "$build/strata" >/dev/null
pkgs="libarchive zlib libzstd jansson libcrypto sqlite3 libzip libcurl libfyaml libhs libbpf"
# shellcheck disable=SC2046
cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$root/include" -I"$root/src" \
    -o "$cache/netpol_bench" "$root/bench/netpol_bench.c" "$root/$build/libstrata.a" \
    $(pkg-config --libs $pkgs) -lm -lpthread

run() { # label command... : prints seconds and peak RSS, sets SECS
    local label=$1 t
    shift
    /usr/bin/time -o "$cache/time.out" -f "%e %M" "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$cache/time.out")
    SECS=${t% *}
    printf '  %-34s %7.2f s  %6d MB' "$label" "$SECS" $((${t#* } / 1024))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "  (%.2fx the YAML baseline)\n", a / b }'; }

sizes="100 5000 2000"
[ -n "${BIG:-}" ] && sizes="$sizes 1000 50000 20000"
set -- $sizes
while [ $# -ge 3 ]; do
    d="$cache/netpol-$1-$2-$3"
    [ -s "$d/namespaces.yaml" ] || /usr/bin/python3 "$root/bench/netpol_gen.py" "$d" "$1" "$2" "$3"
    echo "== $1 namespaces, $2 workloads, $3 policies ($(du -sh "$d" | cut -f1) of YAML in $(ls "$d" | wc -l) files)"
    /usr/bin/time -o "$cache/time.out" -f "%e" /usr/bin/python3 -c '
import sys, yaml
for p in sys.argv[1:]:
    for _ in yaml.load_all(open(p), Loader=yaml.CSafeLoader):
        pass' "$d"/*.yaml
    base=$(tail -1 "$cache/time.out")
    printf '  %-34s %7.2f s\n' "baseline: PyYAML C loader" "$base"
    "$cache/netpol_bench" "$d"/*.yaml | sed 's/^/  library: /'
    run "conn -f json -o /dev/null" "$strata" netpol conn -q -f json -o /dev/null "$d"
    ratio "$SECS" "$base"
    run "conn -f csv -o /dev/null" "$strata" netpol conn -q -f csv -o /dev/null "$d"
    ratio "$SECS" "$base"
    run "audit -f json" "$strata" netpol audit -q -f json -o /dev/null "$d"
    ratio "$SECS" "$base"
    # paths keeps every connection as adjacency (4 bytes each): the 1x cluster only
    if [ "$2" -le 5000 ]; then
        run "paths --exposed" "$strata" netpol paths -q --exposed -o /dev/null "$d"
        ratio "$SECS" "$base"
    fi
    shift 3
done
