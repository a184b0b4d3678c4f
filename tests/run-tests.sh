#!/usr/bin/env bash
# Runs every unit test binary (cmocka) and every end-to-end script (tests/e2e/*.sh, which may source lib.inc), and ends with the line
# "N passed, N failed". E2E scripts print "PASS: name" / "FAIL: name: why" lines; they read
# STRATA (the binary), SHARED (../shared, may be absent), WORK (a scratch dir of their own).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
export STRATA="$build/strata"
export SHARED="${SHARED:-$root/../shared}"
export SRCROOT="$root"
case "$build" in *san*) export STRATA_SANITIZED=1 ;; esac
passed=0
failed=0
failures=()

scratch=$(mktemp -d "${TMPDIR:-/tmp}/strata-tests.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# A database in the developer's cache must not leak into expected outputs (schemas fetched
# for validation stay cached where they were).
export STRATA_SCHEMA_CACHE="${STRATA_SCHEMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-test-schemas}"
export XDG_CACHE_HOME="$scratch/cache"
unset STRATA_DB

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    out=$("$t" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' | awk '{s+=$1} END {print s+0}')
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed before its summary
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        failures+=("$name")
        printf '%s\n' "$out" | grep -E '^\[  (FAILED|  ERROR) \]|error|Assertion' | head -20
    fi
    echo "unit $name: $p passed, $f failed"
done

for s in "$here"/e2e/*.sh; do
    [ -f "$s" ] || continue
    name=$(basename "$s" .sh)
    export WORK="$scratch/$name"
    mkdir -p "$WORK"
    out=$(bash "$s" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | grep -c '^PASS: ')
    f=$(printf '%s\n' "$out" | grep -c '^FAIL: ')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        printf '%s\n' "$out" | tail -5
    fi
    printf '%s\n' "$out" | grep -E '^(FAIL|SKIP): '
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -ne 0 ] && failures+=("$name")
    echo "e2e $name: $p passed, $f failed"
done

[ ${#failures[@]} -gt 0 ] && echo "failing: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
