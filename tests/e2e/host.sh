# `strata host` end to end (docs/strata-host.md): two Docker host trees built here with the
# shell (a hardened one and a stock Debian 12 + docker-ce 24 one: merged /usr, /var/run -> /run,
# systemd units, daemon.json, audit rules, real unix sockets made with python3, a FIFO, a
# /proc/mounts file) give, in JSON and in the table, exactly the results docker-bench-security
# 1.6.0 gives for the same settings; --exit-code on WARN; --mounts; -o; links out of the root;
# a broken daemon.json exits 2 naming its line; usage errors exit 2.
. "$SRCROOT/tests/e2e/lib.inc"
if ! command -v python3 >/dev/null; then
    skip host "python3 not installed"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    skip host "not root: the trees need root-owned files (chown)"
    exit 0
fi

sock() { # sock PATH MODE OWNER: a unix socket as dockerd leaves it
    python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$1"
    chmod "$2" "$1"
    chown "$3" "$1"
}

common_tree() { # common_tree DIR DOCKER_GROUP_MEMBERS
    local r=$1
    mkdir -p "$r/usr/lib/systemd/system" "$r/usr/bin" "$r/usr/sbin" "$r/run/containerd" "$r/var/lib" \
        "$r/etc/docker" "$r/etc/default" "$r/etc/containerd" "$r/proc" "$r/var/lib/dpkg" \
        "$r/sys/module/apparmor/parameters" "$r/sys/kernel/security/apparmor"
    ln -s usr/lib "$r/lib"
    ln -s usr/bin "$r/bin"
    ln -s usr/sbin "$r/sbin"
    ln -s /run "$r/var/run"
    printf 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n' >"$r/etc/passwd"
    printf 'root:x:0:\nalice:x:1000:\nbob:x:1001:\ndocker:x:999:%s\n' "$2" >"$r/etc/group"
    cat >"$r/usr/lib/systemd/system/docker.service" <<'EOF'
[Unit]
Description=Docker Application Container Engine
Documentation=https://docs.docker.com
After=network-online.target docker.socket firewalld.service containerd.service time-set.target
Wants=network-online.target containerd.service
Requires=docker.socket

[Service]
Type=notify
ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
ExecReload=/bin/kill -s HUP $MAINPID
TimeoutStartSec=0
RestartSec=2
Restart=always
LimitNOFILE=infinity
Delegate=yes
KillMode=process
OOMScoreAdjust=-500

[Install]
WantedBy=multi-user.target
EOF
    printf '[Unit]\nDescription=Docker Socket for the API\n\n[Socket]\nListenStream=/run/docker.sock\nSocketMode=0660\nSocketUser=root\nSocketGroup=docker\n\n[Install]\nWantedBy=sockets.target\n' \
        >"$r/usr/lib/systemd/system/docker.socket"
    printf '# Docker Upstart and SysVinit configuration file\n#DOCKER_OPTS="--dns 8.8.8.8 --dns 8.8.4.4"\n' >"$r/etc/default/docker"
    printf 'disabled_plugins = ["cri"]\n' >"$r/etc/containerd/config.toml"
    for b in dockerd containerd containerd-shim containerd-shim-runc-v1 containerd-shim-runc-v2 runc; do
        printf '\177ELF' >"$r/usr/bin/$b"
        chmod 755 "$r/usr/bin/$b"
    done
    mkdir -m 710 "$r/var/lib/docker"
    chmod 711 "$r/run/containerd"
    sock "$r/run/docker.sock" 660 0:999
    sock "$r/run/containerd/containerd.sock" 660 0:0
    echo Y >"$r/sys/module/apparmor/parameters/enabled"
    printf 'Package: docker-ce\nStatus: install ok installed\nVersion: 5:24.0.7-1~debian.12~bookworm\n\n' >"$r/var/lib/dpkg/status"
    chown -R 0:0 "$r/etc" "$r/usr"
    chmod 644 "$r/usr/lib/systemd/system/docker.service" "$r/usr/lib/systemd/system/docker.socket" \
        "$r/etc/default/docker"
}

H="$WORK/hardened"
D="$WORK/default"
rm -rf "$H" "$D" "$WORK/escape" "$WORK/broken" # a re-run in the same WORK starts afresh
common_tree "$H" alice
common_tree "$D" alice,bob
mkdir -p "$H/etc/audit/rules.d" "$H/etc/docker/tls" "$H/etc/docker/certs.d/registry.example.com:5000" \
    "$H/etc/systemd/system/docker.service.d" "$H/etc/docker/seccomp"
cat >"$H/etc/audit/rules.d/docker.rules" <<'EOF'
# CIS Docker Benchmark 1.6.0, 1.1.3-1.1.18
-w /usr/bin/dockerd -k docker
-a exit,always -F path=/run/containerd -F perm=war -k docker
-w /var/lib/docker -k docker
-w /etc/docker -k docker
-w /lib/systemd/system/docker.service -k docker
-w /lib/systemd/system/docker.socket -k docker
-w /etc/default/docker -k docker
-w /etc/docker/daemon.json -k docker
-w /etc/containerd/config.toml -k docker
-w /usr/bin/containerd -k docker
-w /usr/bin/containerd-shim -k docker
-w /usr/bin/containerd-shim-runc-v1 -k docker
-w /usr/bin/containerd-shim-runc-v2 -k docker
-w /usr/bin/runc -k docker
EOF
cat >"$H/etc/docker/daemon.json" <<'EOF'
{
    "icc": false,
    "log-level": "info",
    "insecure-registries": [],
    "hosts": ["unix:///var/run/docker.sock", "tcp://10.0.0.5:2376"],
    "tlsverify": true,
    "tlscacert": "/etc/docker/tls/ca.pem",
    "tlscert": "/etc/docker/tls/server-cert.pem",
    "tlskey": "/etc/docker/tls/server-key.pem",
    "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}},
    "userns-remap": "default",
    "authorization-plugins": ["opa-docker-authz"],
    "log-driver": "syslog",
    "no-new-privileges": true,
    "live-restore": true,
    "userland-proxy": false,
    "seccomp-profile": "/etc/docker/seccomp/hardened.json"
}
EOF
echo '{"defaultAction": "SCMP_ACT_ERRNO"}' >"$H/etc/docker/seccomp/hardened.json"
printf '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\n' \
    >"$H/etc/systemd/system/docker.service.d/override.conf"
for f in ca.pem server-cert.pem; do echo cert >"$H/etc/docker/tls/$f" && chmod 444 "$H/etc/docker/tls/$f"; done
echo key >"$H/etc/docker/tls/server-key.pem" && chmod 400 "$H/etc/docker/tls/server-key.pem"
echo cert >"$H/etc/docker/certs.d/registry.example.com:5000/ca.crt"
chmod 444 "$H/etc/docker/certs.d/registry.example.com:5000/ca.crt"
chmod 644 "$H/etc/docker/daemon.json"
chown -R 0:0 "$H/etc"
printf '/dev/mapper/vg0-root / ext4 rw,relatime 0 0\n/dev/mapper/vg0-docker /var/lib/docker ext4 rw,nosuid,nodev 0 0\n' >"$H/proc/mounts"
printf '/dev/sda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n' >"$D/proc/mounts"

# what docker-bench-security 1.6.0 prints for each tree (P/W/I/N in check order)
ids="1.1.1 1.1.2 1.1.3 1.1.4 1.1.5 1.1.6 1.1.7 1.1.8 1.1.9 1.1.10 1.1.11 1.1.12 1.1.13 1.1.14 1.1.15 1.1.16 1.1.17 1.1.18 1.2.1 1.2.2 2.1 2.2 2.3 2.4 2.5 2.6 2.7 2.8 2.9 2.10 2.11 2.12 2.13 2.14 2.15 2.16 2.17 2.18 3.1 3.2 3.3 3.4 3.5 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13 3.14 3.15 3.16 3.17 3.18 3.19 3.20 3.21 3.22 3.23 3.24 5.1 5.2 5.3"
want_h="P I P P P P P I P P P P I P P P P P N I N P P P P P P P P P P P P P P P P I P P P P P P P P P P P P P P P P P P P P I I P P P P I"
want_d="W I W W W W W I W W I W I W W W W W N I N W P P P P I I W P P W W W W W I I P P P P P P I I I I I I I I P P I I P P I I P P P P I"

check_tree() { # check_tree NAME DIR WANT
    local name=$1 dir=$2 want=$3
    if ! "$STRATA" host --root "$dir" --format json -o "$WORK/$name.json" 2>"$WORK/$name.err"; then
        fail "host: $name tree" "exit $?: $(cat "$WORK/$name.err")"
        return
    fi
    if out=$(python3 - "$WORK/$name.json" "$ids" "$want" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ids, want = sys.argv[2].split(), sys.argv[3].split()
short = {"PASS": "P", "WARN": "W", "INFO": "I", "NOTE": "N"}
got = [(c["id"], short[c["status"]]) for c in r["host_checks"]]
errs = []
if [g[0] for g in got] != ids:
    errs.append("ids %s" % [g[0] for g in got])
for (i, s), w in zip(got, want):
    if s != w:
        errs.append("%s is %s, docker-bench-security gives %s" % (i, s, w))
t = r["totals"]
if t["checks"] != len(ids) or t["warn"] != want.count("W") or t["pass"] != want.count("P"):
    errs.append("totals %s" % t)
print("; ".join(errs))
PY
    ) && [ -z "$out" ]; then
        pass "host: $name tree gives docker-bench-security's results"
    else
        fail "host: $name tree gives docker-bench-security's results" "$out"
    fi
}
check_tree hardened "$H" "$want_h"
check_tree default "$D" "$want_d"

# the table: docker-bench-security's lines
"$STRATA" host --root "$D" >"$WORK/d.table" 2>"$WORK/d.err"
if grep -qx '\[WARN\] 2.2 - Ensure network traffic is restricted between containers on the default bridge' "$WORK/d.table" &&
    grep -qx '\[WARN\]      \* No audit rule for /usr/bin/dockerd' "$WORK/d.table" &&
    grep -qx '\[INFO\] 3 - Docker daemon configuration files' "$WORK/d.table" &&
    grep -qx '\[INFO\] 1.1.2 - Ensure only trusted users are allowed to control Docker daemon' "$WORK/d.table" &&
    grep -qx '\[INFO\]      \* Users: alice,bob' "$WORK/d.table" &&
    grep -qx '\[INFO\] Checks: 65' "$WORK/d.table"; then
    pass "host: table lines as docker-bench-security prints them"
else
    fail "host: table lines as docker-bench-security prints them" "$(head -20 "$WORK/d.table")"
fi

# --exit-code: N on a WARN, 0 without
expect_exit "host: --exit-code 4 on a default host" 4 -- "$STRATA" host --root "$D" --exit-code 4 -o /dev/null
expect_exit "host: --exit-code 4 on a hardened host" 0 -- "$STRATA" host --root "$H" --exit-code 4 -o /dev/null
expect_exit "host: no --exit-code, WARNs exit 0" 0 -- "$STRATA" host --root "$D" -o /dev/null

# --mounts FILE overrides DIR/proc/mounts
printf '/dev/sdb1 /var/lib/docker xfs rw 0 0\n' >"$WORK/mounts"
"$STRATA" host --root "$D" --mounts "$WORK/mounts" -f json -o "$WORK/m.json"
st=$(python3 -c 'import json,sys; print([c["status"] for c in json.load(open(sys.argv[1]))["host_checks"] if c["id"] == "1.1.1"][0])' "$WORK/m.json")
[ "$st" = PASS ] && pass "host: --mounts decides 1.1.1" || fail "host: --mounts decides 1.1.1" "$st"

# a daemon.json outside the root, reached by a link that climbs out, is never read
E="$WORK/escape"
common_tree "$E" alice
echo '{"icc": false}' >"$WORK/outside.json"
ln -s ../../../../../../../../outside.json "$E/etc/docker/daemon.json"
"$STRATA" host --root "$E" -f json -o "$WORK/e.json"
st=$(python3 -c 'import json,sys; print([c["status"] for c in json.load(open(sys.argv[1]))["host_checks"] if c["id"] == "2.2"][0])' "$WORK/e.json")
[ "$st" = WARN ] && pass "host: links never lead out of --root" || fail "host: links never lead out of --root" "2.2 is $st"
# a FIFO as daemon.json: not opened (no hang), like an absent file
rm "$E/etc/docker/daemon.json" && mkfifo "$E/etc/docker/daemon.json"
if timeout 20 "$STRATA" host --root "$E" -o /dev/null; then
    pass "host: a FIFO as daemon.json does not block"
else
    fail "host: a FIFO as daemon.json does not block" "exit $?"
fi

# a broken daemon.json: exit 2 naming file, line and column
B="$WORK/broken"
common_tree "$B" alice
printf '{\n    "icc": false,\n    "log-level": info\n}\n' >"$B/etc/docker/daemon.json"
expect_exit "host: a broken daemon.json exits 2" 2 -- "$STRATA" host --root "$B"
case "$LAST_ERR" in
*"$B/etc/docker/daemon.json:3:"*"invalid JSON"*) pass "host: the error names daemon.json:3" ;;
*) fail "host: the error names daemon.json:3" "$LAST_ERR" ;;
esac

# usage
expect_exit "host: unknown option" 2 -- "$STRATA" host --frobnicate
expect_exit "host: bad format" 2 -- "$STRATA" host --format sarif
expect_exit "host: bad --exit-code" 2 -- "$STRATA" host --exit-code 300
expect_exit "host: stray argument" 2 -- "$STRATA" host /
expect_exit "host: missing root" 2 -- "$STRATA" host --root "$WORK/nope"
expect_exit "host: --help" 0 -- "$STRATA" host --help
