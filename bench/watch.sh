#!/usr/bin/env bash
# Overhead of `strata watch` (default rules) on open-heavy, exec-heavy and syscall-heavy
# workloads, and the event rate it handles. Needs root and the eBPF sensor (skips otherwise).
#
# Each round runs every workload without the watcher and with `strata watch` (default rule
# pack, alerts to a file) running; odd rounds run the bare pass first, even rounds the watched
# one, so a drift of the machine's load does not favour either side. ROUNDS rounds; the
# overhead is the median of the rounds' ratios (each watched run against the bare run next to
# it in time), and, as a check, the ratio of the minimums (the runs least disturbed by other
# load on a shared machine). The cost is measured as the CPU time (user + system) of
# the workload process: the sensor's BPF programs run in the workload's own context, so their
# cost lands there, while other load on the machine does not (wall time is printed too, but it
# moves with the machine's load). The watcher's own CPU is reported separately.
#   open-ro   N read-only open+close of a file nobody watches (filtered in the kernel)
#   open-rd   N read-only open + read of 4 KiB + close (a file being read, filtered in the kernel)
#   open-wr   N O_WRONLY open+close: every one is reported to userspace and runs the rules
#   exec      M fork+exec of /bin/true (exec, fork and exit events)
#   pread     N pread of 4 KiB from an open file: syscalls the sensor does not watch
#   rate      O_WRONLY opens paced at RATE/s for SECS s under the watcher: events delivered,
#             events lost (the target: none at 100,000/s)
# Usage: bench/watch.sh [STRATA]
#   env: ROUNDS (7), N (300000), M (1000), RATE (100000), SECS (3),
#        ATTACH (tracepoint, tp_btf or raw_tp: the sensor's attach points; default: its choice)
set -u
STRATA=${1:-${STRATA:-build/strata}}
ROUNDS=${ROUNDS:-7}
N=${N:-300000}
M=${M:-1000}
RATE=${RATE:-100000}
SECS=${SECS:-3}
ATTACH=${ATTACH:-}
WORKLOADS="open-ro open-rd open-wr exec pread"
here=$(cd "$(dirname "$0")" && pwd)

[ "$(id -u)" = 0 ] || { echo "SKIP: bench watch: needs root"; exit 0; }
tmp=$(mktemp -d)
WPID=""
trap '[ -n "$WPID" ] && kill -INT $WPID 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/load" "$here/watch_load.c" || exit 1
mkdir -p "$tmp/d"

start_watch() {
    rm -f "$tmp/ready"
    STRATA_WATCH_ATTACH=$ATTACH "$STRATA" watch --output "$tmp/alerts.jsonl" \
        --ready-file "$tmp/ready" --no-actions 2>"$tmp/watch.err" &
    WPID=$!
    for _ in $(seq 200); do [ -s "$tmp/ready" ] && return 0; kill -0 $WPID 2>/dev/null || break; sleep 0.05; done
    echo "SKIP: bench watch: strata watch did not start: $(head -2 "$tmp/watch.err")"
    exit 0
}
stop_watch() {
    # CPU of the watcher (utime+stime in ticks) before it goes
    local st
    st=$(cut -d' ' -f14,15 /proc/$WPID/stat 2>/dev/null)
    kill -INT $WPID; wait $WPID; WPID=""
    echo "$st" | awk '{print ($1+$2)}' >>"$tmp/watch_ticks"
    grep "events (" "$tmp/watch.err" >>"$tmp/summaries"
    sed -n 's/.*sensor attached (\([a-z_]*\)).*/\1/p' "$tmp/watch.err" | head -1 >"$tmp/kind"
}
run() { # WORKLOAD LABEL -> appends "wall cpu" to $tmp/LABEL
    case $1 in
    open-ro|open-wr|pread) "$tmp/load" "$1" "$N" "$tmp/d" ;;
    open-rd) "$tmp/load" open-read "$N" "$tmp/d" ;;
    exec) "$tmp/load" exec "$M" ;;
    esac | awk '{print $1, $2}' >>"$tmp/$2"
}
pass() { # base|watch
    [ "$1" = watch ] && start_watch
    for w in $WORKLOADS; do run $w "$1-$w"; done
    [ "$1" = watch ] && stop_watch
    return 0
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
minimum() { sort -n | head -1; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.1f%%", (b / a - 1) * 100}'; }

for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then pass base; pass watch; else pass watch; pass base; fi
done

echo "sensor attach points: $(cat "$tmp/kind")"
printf '%-8s %10s %10s %9s %10s %10s %9s %10s %10s\n' workload "cpu base" "cpu watch" overhead \
    "min base" "min watch" "(min)" "wall base" "wall watch"
for w in $WORKLOADS; do
    cb=$(awk '{print $2}' "$tmp/base-$w" | median); cw=$(awk '{print $2}' "$tmp/watch-$w" | median)
    mb=$(awk '{print $2}' "$tmp/base-$w" | minimum); mw=$(awk '{print $2}' "$tmp/watch-$w" | minimum)
    wb=$(awk '{print $1}' "$tmp/base-$w" | median); ww=$(awk '{print $1}' "$tmp/watch-$w" | median)
    paired=$(paste -d' ' "$tmp/base-$w" "$tmp/watch-$w" | awk '{print ($4 / $2 - 1) * 100}' | median)
    printf '%-8s %10.3f %10.3f %+8.1f%% %10.3f %10.3f %9s %10.3f %10.3f\n' "$w" "$cb" "$cw" \
        "$paired" "$mb" "$mw" "$(pct "$mb" "$mw")" "$wb" "$ww"
done
echo "seconds of CPU per run, medians and minimums of $ROUNDS rounds; overhead: median of the rounds' ratios; ops per run: open-*/pread $N, exec $M"
echo "watcher CPU per round (s): $(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f ", $1 / hz}' "$tmp/watch_ticks")"

# event rate: paced write opens from two processes (RATE/2 each), each one reported
start_watch
"$tmp/load" rate "$SECS" $((RATE / 2)) "$tmp/d" >"$tmp/rate1" &
g1=$!
mkdir -p "$tmp/d2"
"$tmp/load" rate "$SECS" $((RATE / 2)) "$tmp/d2" >"$tmp/rate2"
wait $g1
sleep 0.5
stop_watch
ops=$(cat "$tmp/rate1" "$tmp/rate2" | awk '{s += $3} END {print s}')
wall=$(cat "$tmp/rate1" "$tmp/rate2" | awk '{if ($1 > w) w = $1} END {print w}')
summary=$(tail -1 "$tmp/summaries")
events=$(echo "$summary" | sed -n 's/^strata watch: [0-9.]* s, \([0-9]*\) events.*/\1/p')
lost=$(echo "$summary" | sed -n 's/.* \([0-9]*\) events lost in the kernel.*/\1/p')
printf 'rate: %s reported opens in %.2f s (%.0f/s offered by 2 processes); the watcher handled %s events in all (every source), %s lost\n' \
    "$ops" "$wall" "$(awk -v a="$ops" -v b="$wall" 'BEGIN {print a / b}')" "$events" "$lost"
# the most the watcher took: unpaced reported opens (the open-wr runs) per second of wall time
ww=$(awk '{print $1}' "$tmp/watch-open-wr" | median)
printf 'unpaced: %s reported opens in %.2f s = %.0f events/s through sensor, rules and output\n' \
    "$N" "$ww" "$(awk -v a="$N" -v b="$ww" 'BEGIN {print a / b}')"
echo "watcher summaries:"; sed 's/^/  /' "$tmp/summaries"
