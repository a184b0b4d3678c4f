#!/usr/bin/env bash
# Benchmark (not a test): the runtime rules engine on a synthetic event mix, through the
# default pack (or RULES=file). Prints events per second for rule evaluation alone, with
# JSON alerts, and for writing recording lines, using bench/runtime_rules_bench.c linked
# against the library. The sensor's target is 100,000 events/s with room to spare.
# Usage: bench/runtime_rules.sh [EVENTS]   (BUILD=dir to pick the build tree, default build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
out=$root/$build/bench
mkdir -p "$out"
make -C "$root" -s BUILD="$build" "$build/libstrata.a" >/dev/null
pkgs=$(sed -n 's/^PKGS *:= *//p' "$root/Makefile")
# shellcheck disable=SC2046,SC2086
cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$root/include" -I"$root/src" \
    -o "$out/runtime_rules_bench" "$root/bench/runtime_rules_bench.c" "$root/$build/libstrata.a" \
    $(pkg-config --libs $pkgs) -lpthread -lm
"$out/runtime_rules_bench" "${RULES:-$root/rules/runtime.yaml}" "${1:-2000000}"
