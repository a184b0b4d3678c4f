#!/usr/bin/env bash
# Runs every built libFuzzer target for FUZZ_SECONDS (default 10) on its seeds plus a
# scratch corpus; a crash, leak or sanitizer report fails the target. Ends with
# "N passed, N failed". Usage: run-fuzz.sh BUILD_DIR
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-10}
passed=0 failed=0
for f in "$build"/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    n=$(basename "$f")
    corpus="$build/fuzz/corpus-$n"
    mkdir -p "$corpus"
    seeds="$root/tests/fuzz/seeds/$n"
    [ -d "$seeds" ] || seeds=""
    if "$f" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
        -artifact_prefix="$build/fuzz/$n-" "$corpus" $seeds >"$build/fuzz/$n.log" 2>&1; then
        echo "PASS: fuzz $n ($(grep -o 'Done [0-9]* runs' "$build/fuzz/$n.log" | tail -1))"
        passed=$((passed + 1))
    else
        echo "FAIL: fuzz $n: $(grep -m3 -E 'ERROR|SUMMARY' "$build/fuzz/$n.log")"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
