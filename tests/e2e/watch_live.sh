#!/usr/bin/env bash
# strata watch, live, as root with BPF: a container-like process tree (its own cgroup v2
# directory named like a Docker scope, its own mount and pid namespaces) reads /etc/shadow,
# spawns a shell, writes below /usr/bin and connects to a local port: the alerts carry the
# container's id. Then the responses really happen: kill (the process is gone), freeze
# (cgroup.events says frozen), isolate (a loopback connection from the container fails while
# the host's works) and `strata watch release` undoes isolation and freezing.
. "$SRCROOT/tests/e2e/lib.inc"
N=watch_live

[ "$(id -u)" = 0 ] || { skip $N "needs root to load the eBPF sensor"; exit 0; }
[ -r /sys/kernel/btf/vmlinux ] || { skip $N "kernel without BTF (/sys/kernel/btf/vmlinux)"; exit 0; }
"$STRATA" watch release 000000000000 2>&1 | grep -q "no isolated or frozen" || { skip $N "strata watch live mode not built in"; exit 0; }
command -v unshare >/dev/null || { skip $N "unshare (util-linux) missing"; exit 0; }
command -v python3 >/dev/null || { skip $N "python3 missing (local TCP listener)"; exit 0; }
CG2=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i+1) == "cgroup2") print $5; break } }' /proc/self/mountinfo | head -1)
[ -n "$CG2" ] || { skip $N "no cgroup v2 mount"; exit 0; }

W=$WORK
SLICE="$CG2/strata-e2e-$$.slice"
hexid() { printf '%s' "$1-$$-$RANDOM" | sha256sum | cut -c1-64; }
ID1=$(hexid main); IDK=$(hexid kill); IDF=$(hexid freeze); IDI=$(hexid isolate)
WPID=""; LPID=""; BGPIDS=""
BPFFS=/sys/fs/bpf

cleanup() {
    [ -n "$WPID" ] && kill "$WPID" 2>/dev/null && wait "$WPID" 2>/dev/null
    for id in $IDI $IDF; do "$STRATA" watch release "$id" >/dev/null 2>&1; done
    for d in "$SLICE"/*/; do
        [ -d "$d" ] || continue
        echo 0 > "$d/cgroup.freeze" 2>/dev/null
        for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    done
    for p in $BGPIDS $LPID; do kill -9 "$p" 2>/dev/null; done
    sleep 0.2
    for d in "$SLICE"/*/; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
    rmdir "$SLICE" 2>/dev/null
    rm -f /usr/bin/strata-e2e-$$
}
trap cleanup EXIT

mkdir -p "$SLICE" || { skip $N "cannot create a cgroup under $CG2"; exit 0; }
for id in $ID1 $IDK $IDF $IDI; do mkdir "$SLICE/docker-$id.scope"; done

# A TCP listener on loopback that accepts forever.
python3 - >"$W/port" <<'PY' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True); sys.stdout.close()
while True:
    c, _ = s.accept(); c.close()
PY
LPID=$!
for _ in $(seq 50); do [ -s "$W/port" ] && break; sleep 0.05; done
PORT=$(cat "$W/port")

cat >"$W/rules.yaml" <<EOF2
- rule: E2E sensitive file read
  desc: /etc/shadow read in a container
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow and container.id != host
  output: "shadow read by %proc.name in %container.id"
  priority: WARNING
- rule: E2E shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name in (sh, bash, dash) and container.id != host
  output: "shell %proc.cmdline in %container.id"
  priority: NOTICE
- rule: E2E write below binary dir
  desc: a file opened for writing below /usr/bin
  condition: evt.type in (open, openat, openat2, creat) and evt.is_open_write = true and fd.directory = /usr/bin and container.id != host
  output: "write to %fd.name in %container.id"
  priority: ERROR
- rule: E2E local connect
  desc: connection to the test listener
  condition: evt.type = connect and fd.rport = $PORT and container.id != host
  output: "connect to %fd.rip:%fd.rport in %container.id"
  priority: NOTICE
- rule: E2E kill
  desc: kill the marker process
  condition: evt.type = execve and proc.name = strata-e2e-kill
  output: "kill %proc.pid"
  priority: CRITICAL
  action: kill
- rule: E2E freeze
  desc: freeze the marker's container
  condition: evt.type = execve and proc.name = strata-e2e-frz
  output: "freeze %container.id"
  priority: CRITICAL
  action: freeze
- rule: E2E isolate
  desc: isolate the marker's container
  condition: evt.type = execve and proc.name = strata-e2e-iso
  output: "isolate %container.id"
  priority: CRITICAL
  action: isolate
EOF2

cp /bin/sleep "$W/strata-e2e-kill"; cp /bin/sleep "$W/strata-e2e-frz"; cp /bin/sleep "$W/strata-e2e-iso"

"$STRATA" watch --rules "$W/rules.yaml" --output "$W/alerts.jsonl" --ready-file "$W/ready" \
    --bpffs "$BPFFS" --duration 60 --record "$W/rec.jsonl" -q 2>"$W/watch.err" &
WPID=$!
for _ in $(seq 100); do [ -s "$W/ready" ] && break; kill -0 $WPID 2>/dev/null || break; sleep 0.05; done
if [ ! -s "$W/ready" ]; then
    if grep -qi "not permitted\|BTF missing\|too old" "$W/watch.err"; then
        skip $N "$(head -1 "$W/watch.err")"; exit 0
    fi
    fail "$N start" "strata watch did not start: $(head -3 "$W/watch.err")"; exit 0
fi

# in_ct ID CMD...: runs CMD in the container's cgroup, new mount and pid namespaces.
in_ct() {
    local id=$1; shift
    sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$SLICE/docker-$id.scope" \
        unshare --mount --pid --fork --mount-proc "$@" 2>/dev/null
}

# waits up to 5 s for a python expression over the alert lines (variable L) to be true
wait_alerts() {
    python3 - "$W/alerts.jsonl" "$1" <<'PY'
import json, sys, time
end = time.time() + 5
while True:
    L = []
    try:
        for line in open(sys.argv[1]):
            try: L.append(json.loads(line))
            except ValueError: pass
    except OSError: pass
    if eval(sys.argv[2]): sys.exit(0)
    if time.time() > end: sys.exit(1)
    time.sleep(0.05)
PY
}
has_rule() { # RULE ID: an alert of RULE whose event is in container ID
    wait_alerts "any(a.get('rule') == '$1' and a['event']['container']['id'] == '$2' and a['container']['full_id'] == '$2' and a['container']['id'] == '${2:0:12}' for a in L)"
}

in_ct "$ID1" bash -c "cat /etc/shadow >/dev/null; sh -c true; echo x > /usr/bin/strata-e2e-$$; rm -f /usr/bin/strata-e2e-$$; exec 3<>/dev/tcp/127.0.0.1/$PORT; exec 3>&-"

has_rule "E2E sensitive file read" "$ID1" && pass "$N: /etc/shadow read attributed to docker-$ID1" || fail "$N read" "no alert for container $ID1"
has_rule "E2E shell in container" "$ID1" && pass "$N: shell in container" || fail "$N shell" "no alert"
has_rule "E2E write below binary dir" "$ID1" && pass "$N: write below /usr/bin" || fail "$N write" "no alert"
has_rule "E2E local connect" "$ID1" && pass "$N: connect to 127.0.0.1:$PORT" || fail "$N connect" "no alert"
wait_alerts "any(a.get('rule') == 'E2E shell in container' and a['event']['container']['type'] == 'docker' and a['event']['proc']['pid'] > 0 for a in L)" \
    && pass "$N: container type docker, pid namespaces" || fail "$N type" "no docker type"
# the host's own shells are not alerted on by container rules
wait_alerts "not any(a.get('rule') == 'E2E shell in container' and a['event']['container']['id'] == 'host' for a in L)" \
    && pass "$N: host processes are host" || fail "$N host" "a host shell was attributed to a container"

# kill: the marker process dies long before its 30 s
start=$(date +%s)
in_ct "$IDK" "$W/strata-e2e-kill" 30 &
KP=$!; BGPIDS="$BGPIDS $KP"
for _ in $(seq 50); do kill -0 $KP 2>/dev/null || break; sleep 0.1; done
if ! kill -0 $KP 2>/dev/null && [ $(( $(date +%s) - start )) -lt 10 ] && ! pgrep -f "$W/strata-e2e-kill" >/dev/null; then
    pass "$N: kill — the process is gone"
else
    fail "$N kill" "process still there"
fi
wait_alerts "any(a.get('source') == 'strata.action' and a['action'] == 'kill' and a['result'] == 'done' and a['container.id'] == '$IDK' for a in L)" \
    && pass "$N: kill logged as an action event" || fail "$N kill event" "no action event"

# freeze: a sleeper in the container, then the marker
in_ct "$IDF" sleep 60 &
BGPIDS="$BGPIDS $!"
sleep 0.2
in_ct "$IDF" "$W/strata-e2e-frz" 30 &
BGPIDS="$BGPIDS $!"
frozen=""
for _ in $(seq 50); do
    grep -q "frozen 1" "$SLICE/docker-$IDF.scope/cgroup.events" && { frozen=1; break; }
    sleep 0.1
done
[ -n "$frozen" ] && pass "$N: freeze — cgroup.events frozen 1" || fail "$N freeze" "$(cat "$SLICE/docker-$IDF.scope/cgroup.events")"
grep -q 1 "$SLICE/docker-$IDF.scope/cgroup.freeze" && pass "$N: cgroup.freeze is 1" || fail "$N freeze file" "not 1"

# isolate
in_ct "$IDI" "$W/strata-e2e-iso" 0.1
iso=""
for _ in $(seq 50); do [ -e "$BPFFS/strata/$IDI/egress" ] && { iso=1; break; }; sleep 0.1; done
[ -n "$iso" ] && pass "$N: isolate — links pinned in $BPFFS/strata/$IDI" || fail "$N isolate" "no pins: $(tail -3 "$W/alerts.jsonl")"
connect_from_host() {
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null
}
connect_from_ct() {
    timeout 2 sh -c 'echo $$ > "$0/cgroup.procs" && exec bash -c "exec 3<>/dev/tcp/127.0.0.1/$1"' "$SLICE/docker-$1.scope" "$PORT" 2>/dev/null
}
if connect_from_ct "$IDI" "$PORT"; then fail "$N isolate" "loopback connection from the isolated cgroup worked"
else pass "$N: isolated container cannot connect to 127.0.0.1:$PORT"; fi
connect_from_host && pass "$N: the host still connects" || fail "$N host connect" "host connection failed"

# release: network back, freeze undone
"$STRATA" watch release "$(echo "$IDI" | cut -c1-12)" >"$W/rel.out" 2>&1 && grep -q "network restored" "$W/rel.out" \
    && pass "$N: release ${IDI:0:12}" || fail "$N release" "$(cat "$W/rel.out")"
connect_from_ct "$IDI" "$PORT" && pass "$N: released container connects again" || fail "$N after release" "still cut"
"$STRATA" watch release "$IDF" >"$W/rel2.out" 2>&1 && grep -q thawed "$W/rel2.out" \
    && grep -q "frozen 0" "$SLICE/docker-$IDF.scope/cgroup.events" \
    && pass "$N: release thaws the frozen container" || fail "$N thaw" "$(cat "$W/rel2.out")"
"$STRATA" watch release 0123456789abcdef >/dev/null 2>&1; [ $? -eq 2 ] \
    && pass "$N: release of an unknown id fails (exit 2)" || fail "$N release unknown" "wrong exit"

# not root: a clear error naming what is missing (when an unprivileged user can run strata)
if command -v setpriv >/dev/null; then
    ND=$(mktemp -d /tmp/strata-e2e-nobody.XXXXXX) && chmod 755 "$ND"
    cp "$W/rules.yaml" "$ND/rules.yaml" && chmod 644 "$ND/rules.yaml"
    out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
        "$STRATA" watch --rules "$ND/rules.yaml" --duration 1 2>&1 >/dev/null); rc=$?
    rm -rf "$ND"
    if [ $rc -eq 126 ] || [ $rc -eq 127 ] || echo "$out" | grep -q "Permission denied"; then
        skip "$N not root" "user nobody cannot run $STRATA here"
    elif [ $rc -eq 2 ] && echo "$out" | grep -q "needs root (or CAP_BPF"; then
        pass "$N: as uid 65534: exit 2, 'needs root (or CAP_BPF, …)'"
    else
        fail "$N not root" "exit $rc: $out"
    fi
fi

kill -INT $WPID; wait $WPID; rc=$?; WPID=""
[ $rc -eq 0 ] && pass "$N: stops cleanly on SIGINT" || fail "$N stop" "exit $rc: $(cat "$W/watch.err")"
# the recording replays offline to the same alerts for the container
"$STRATA" watch --replay "$W/rec.jsonl" --rules "$W/rules.yaml" -q >"$W/replayed.jsonl" 2>"$W/replay.err"
cp "$W/replayed.jsonl" "$W/alerts.jsonl"
wait_alerts "any(a.get('rule') == 'E2E sensitive file read' and a['container']['full_id'] == '$ID1' for a in L) and any(a.get('rule') == 'E2E local connect' and a['container']['full_id'] == '$ID1' for a in L)" \
    && pass "$N: --record replays (--replay) to the same container alerts" || fail "$N record/replay" "$(head -3 "$W/replay.err")"
