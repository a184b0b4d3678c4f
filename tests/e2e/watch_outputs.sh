#!/usr/bin/env bash
# strata watch outputs, live, as root with BPF: alerts POSTed to a local HTTP receiver
# (python3), the Prometheus endpoint scraped, the JSON lines file rotated by size; then a
# receiver that takes 1 s per request and a 4-line queue: the alerts still reach the file at
# once (the webhook never holds the watcher back) and the drops are counted in /metrics.
. "$SRCROOT/tests/e2e/lib.inc"
N=watch_outputs

[ "$(id -u)" = 0 ] || { skip $N "needs root to load the eBPF sensor"; exit 0; }
[ -r /sys/kernel/btf/vmlinux ] || { skip $N "kernel without BTF"; exit 0; }
"$STRATA" watch release 000000000000 2>&1 | grep -q "no isolated or frozen" || { skip $N "strata watch live mode not built in"; exit 0; }
command -v python3 >/dev/null || { skip $N "python3 missing (HTTP receiver)"; exit 0; }
command -v curl >/dev/null || { skip $N "curl missing (scrape)"; exit 0; }

W=$WORK
RPID=""; WPID=""
cleanup() {
    [ -n "$WPID" ] && kill -INT "$WPID" 2>/dev/null && wait "$WPID" 2>/dev/null
    [ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# receiver DELAY: POST bodies appended to $W/received, one per line
receiver() {
    rm -f "$W/rport" "$W/received"
    python3 - "$1" "$W/received" >"$W/rport" 2>/dev/null <<'PY' &
import http.server, sys, time, threading
delay, out = float(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(delay)
        with lock, open(out, "ab") as f:
            f.write(body + b"\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True); sys.stdout.close()
s.serve_forever()
PY
    RPID=$!
    for _ in $(seq 50); do [ -s "$W/rport" ] && break; sleep 0.05; done
}

cat >"$W/rules.yaml" <<'EOF2'
- rule: E2E output marker
  desc: the marker program ran
  condition: evt.type = execve and proc.name = strata-e2e-out
  output: "marker %proc.pid ran (%proc.cmdline)"
  priority: WARNING
  tags: [e2e, outputs]
EOF2
cp /bin/true "$W/strata-e2e-out"

start_watch() { # extra args
    rm -f "$W/ready"
    MPORT=$(free_port)
    "$STRATA" watch --rules "$W/rules.yaml" --output "$W/alerts.jsonl" --output-max-size 4K \
        --output-keep 2 --metrics "127.0.0.1:$MPORT" --ready-file "$W/ready" --duration 60 "$@" \
        2>"$W/watch.err" &
    WPID=$!
    for _ in $(seq 100); do [ -s "$W/ready" ] && return 0; kill -0 $WPID 2>/dev/null || break; sleep 0.05; done
    return 1
}
stop_watch() { kill -INT "$WPID"; wait "$WPID"; WPID=""; }
metric() { curl -s "http://127.0.0.1:$MPORT/metrics"; }

# ---- a fast receiver ----
receiver 0
RPORT=$(cat "$W/rport")
if ! start_watch --webhook "http://127.0.0.1:$RPORT/strata.alerts"; then
    if grep -qi "not permitted\|BTF missing\|too old" "$W/watch.err"; then skip $N "$(head -1 "$W/watch.err")"; exit 0; fi
    fail "$N start" "$(head -3 "$W/watch.err")"; exit 0
fi
for i in $(seq 30); do "$W/strata-e2e-out" "run-$i"; done
for _ in $(seq 50); do [ "$(grep -c . "$W/received" 2>/dev/null)" -ge 30 ] && break; sleep 0.1; done
got=$(grep -c . "$W/received" 2>/dev/null)
[ "${got:-0}" -eq 30 ] && pass "$N: webhook received the 30 alerts" || fail "$N webhook" "received ${got:-0}"
python3 - "$W/received" <<'PY' && pass "$N: webhook bodies are the alert JSON" || fail "$N webhook body" "not alerts"
import json, sys
L = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert all(a["rule"] == "E2E output marker" and a["priority"] == "Warning" and "e2e" in a["tags"] for a in L)
assert sorted(int(a["output"].split("run-")[1].rstrip(")")) for a in L) == list(range(1, 31))
PY
m=$(metric)
echo "$m" | grep -q '^strata_watch_alerts_total{rule="E2E output marker",priority="Warning"} 30$' \
    && pass "$N: /metrics counts the alerts by rule and priority" || fail "$N metrics alerts" "$(echo "$m" | grep alerts_total)"
ev=$(echo "$m" | sed -n 's/^strata_watch_events_total{type="execve"} \([0-9]*\)$/\1/p')
[ "${ev:-0}" -ge 30 ] && pass "$N: /metrics events by type (execve $ev)" || fail "$N metrics events" "execve ${ev:-none}"
echo "$m" | grep -q '^strata_watch_drops_total{source="ringbuf"} 0$' && echo "$m" | grep -q '^# TYPE strata_watch_rule_eval_seconds_total counter' \
    && pass "$N: /metrics drops and rule eval time" || fail "$N metrics drops" "missing"
curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MPORT/other" | grep -q 404 && pass "$N: other paths 404" || fail "$N 404" "not 404"
stop_watch
# rotation: 30 alerts of ~3 KB each with the event, a 4 KB bound, 2 rotated files kept
n=$(ls "$W"/alerts.jsonl* | wc -l)
big=$(find "$W" -name 'alerts.jsonl*' -size +8k | wc -l)
[ "$n" -eq 3 ] && [ -e "$W/alerts.jsonl.2" ] && [ ! -e "$W/alerts.jsonl.3" ] && [ "$big" -eq 0 ] \
    && pass "$N: --output-max-size rotates (FILE, FILE.1, FILE.2)" || fail "$N rotation" "$(ls -la "$W"/alerts.jsonl*)"
kill "$RPID"; wait "$RPID" 2>/dev/null; RPID=""
rm -f "$W"/alerts.jsonl*

# ---- a slow receiver: 1 s per POST, 4 lines of queue ----
receiver 1
RPORT=$(cat "$W/rport")
start_watch --webhook "http://127.0.0.1:$RPORT/" --webhook-queue 4 --webhook-retries 0 --output-max-size 100M || { fail "$N start 2" "$(head -3 "$W/watch.err")"; exit 0; }
t0=$(date +%s%N)
for i in $(seq 40); do "$W/strata-e2e-out" "slow-$i"; done
for _ in $(seq 40); do [ "$(grep -c . "$W/alerts.jsonl" 2>/dev/null)" -ge 40 ] && break; sleep 0.05; done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
c=$(grep -c . "$W/alerts.jsonl" 2>/dev/null)
[ "${c:-0}" -eq 40 ] && [ "$ms" -lt 3000 ] && pass "$N: a slow receiver does not hold alerts back (40 in ${ms} ms)" \
    || fail "$N slow receiver" "${c:-0} alerts after ${ms} ms"
sleep 0.6
d=$(metric | sed -n 's/^strata_watch_drops_total{source="webhook_full"} \([0-9]*\)$/\1/p')
[ "${d:-0}" -ge 30 ] && pass "$N: webhook drops counted ($d)" || fail "$N drops" "webhook_full ${d:-none}"
stop_watch
grep -q "webhook lines dropped" "$W/watch.err" && pass "$N: summary names the webhook drops" || fail "$N summary" "$(cat "$W/watch.err")"
