#!/usr/bin/env bash
# Benchmark (not a test): the cost of secret scanning, on the large synthetic image of
# bench/synthetic.inc (700 MB, 144,000 files, 5 layers). Prints:
#  1. secrets over the same files unpacked to disk (every layer in its own directory, so files
#     later layers delete are included): strata (`strata fs`, secrets only: --no-checks,
#     --pkg-types os) against ripgrep run with the same rule set (each rule's
#     (?:prefix)(?:regex)(?:suffix) as one pattern, -U because key rules span lines, ASCII
#     classes as hyperscan has them, hidden and ignored files included), both at -j1 and with
#     every core, and the same strata walk without secrets to show what the scan adds;
#  2. the full image scan (inventory + secrets + checks, no vulnerability matching) against
#     `gzip -dc` / `zstd -dc` of the same layers to /dev/null, and the same scan with
#     --no-secrets: the share of the one streaming pass that secrets take.
# Best of 3 wall times each (BEST_OF=N to change). Usage: bench/secrets.sh [CACHE_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
strata="$root/build/strata"
cache=${1:-$root/build/bench}
[ -x "$strata" ] || make -C "$root" build/strata >/dev/null
command -v rg >/dev/null || { echo "bench: ripgrep (rg) is not installed: apt-get install ripgrep" >&2; exit 2; }
mkdir -p "$cache"
. "$root/bench/synthetic.inc"

best() { # best wall time in seconds of the command, over BEST_OF runs (default 3)
    local b="" t
    for _ in $(seq "${BEST_OF:-3}"); do
        /usr/bin/time -f '%e' -o "$cache/time.out" "$@" >/dev/null 2>&1 || true
        t=$(tail -1 "$cache/time.out")
        if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN{exit !(a<b)}'; then b=$t; fi
    done
    echo "$b"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", (b>0?a/b:0)}'; }
mbs() { awk -v m="$1" -v t="$2" 'BEGIN{printf "%.0f", (t>0?m/t:0)}'; }

img="$cache/synthetic.docker.tar"
unpacked="$cache/secrets-unpacked"
rm -rf "$unpacked" "$cache/extract" && mkdir -p "$unpacked" "$cache/extract"
tar -xf "$img" -C "$cache/extract"
layers=$(/usr/bin/python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$cache/extract/manifest.json")
i=0
for l in $layers; do
    mkdir -p "$unpacked/layer$i"
    tar -xzf "$cache/extract/$l" -C "$unpacked/layer$i"
    i=$((i + 1))
done
mb=$(du -sm --apparent-size "$unpacked" | cut -f1)
files=$(find "$unpacked" -type f | wc -l)

# The rule set as ripgrep patterns.
/usr/bin/python3 - "$root/rules/secrets.yaml" >"$cache/rg-patterns" <<'PY'
import sys, yaml
for r in yaml.safe_load(open(sys.argv[1]))["rules"]:
    print("(?-u)(?:%s)(?:%s)(?:%s)" % (r.get("prefix") or "", r["regex"], r.get("suffix") or ""))
PY
nrules=$(wc -l <"$cache/rg-patterns")
rg_cmd=(rg -U -c --hidden --no-ignore -f "$cache/rg-patterns" "$unpacked")
fs_cmd=("$strata" fs -q --no-vulns --no-checks --pkg-types os --format json -o /dev/null "$unpacked")

echo "synthetic image unpacked: $files files, $mb MB, $nrules rules"
printf '%-44s %8s %8s\n' "secrets over the unpacked files" seconds MB/s
t_rg1=$(best "${rg_cmd[@]}" -j1)
t_rg=$(best "${rg_cmd[@]}")
t_fs=$(best "${fs_cmd[@]}")
t_walk=$(best "$strata" fs -q --no-vulns --no-checks --no-secrets --pkg-types os --format json -o /dev/null "$unpacked")
printf '%-44s %8s %8s\n' "ripgrep, same rules, -j1" "$t_rg1" "$(mbs "$mb" "$t_rg1")"
printf '%-44s %8s %8s\n' "ripgrep, same rules, all cores" "$t_rg" "$(mbs "$mb" "$t_rg")"
printf '%-44s %8s %8s\n' "strata fs, secrets (one thread)" "$t_fs" "$(mbs "$mb" "$t_fs")"
printf '%-44s %8s %8s\n' "strata fs, walk and read only (--no-secrets)" "$t_walk" "$(mbs "$mb" "$t_walk")"
echo "strata/ripgrep: $(ratio "$t_fs" "$t_rg1") vs rg -j1, $(ratio "$t_fs" "$t_rg") vs rg on all cores (< 1: strata faster)"

# The full scan against decompression alone.
script="$cache/extract/decompress.sh"
echo "set -e" >"$script"
for l in $layers; do echo "gzip -dc < '$cache/extract/$l' > /dev/null" >>"$script"; done
t_gz=$(best bash "$script")
t_full=$(best "$strata" image -q --no-vulns --format json -o /dev/null "$img")
t_nosec=$(best "$strata" image -q --no-vulns --no-secrets --format json -o /dev/null "$img")
nsec=$("$strata" image -q --no-vulns --format json "$img" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["secrets"]))')
printf '%-44s %8s\n' "gzip -dc of the layers (sequential)" "$t_gz"
printf '%-44s %8s  (%s x gzip -dc; %s secrets found)\n' "strata image: inventory + secrets + checks" "$t_full" "$(ratio "$t_full" "$t_gz")" "$nsec"
printf '%-44s %8s  (%s x gzip -dc)\n' "strata image --no-secrets" "$t_nosec" "$(ratio "$t_nosec" "$t_gz")"
echo "secrets add $(awk -v a="$t_full" -v b="$t_nosec" 'BEGIN{printf "%.1f", (b>0?(a/b-1)*100:0)}')% to the image scan"
rm -rf "$unpacked" "$cache/extract" "$cache/time.out" "$cache/rg-patterns"
