# Image checks on an image this test builds (no ../shared needed): account files in the shapes
# shadow-utils writes them (useradd, `usermod -p ''`, `groupadd -o`), apt and pip caches, a
# real .git made by git (when installed), .env and .DS_Store, a planted setuid file, and a
# later layer deleting the apt lists. Checks each new finding, that no password hash reaches
# any output format, and that `strata fs` on the unpacked filesystem skips the left-behind
# checks but keeps the account ones.
. "$SRCROOT/tests/e2e/lib.inc"
if ! command -v python3 >/dev/null; then
    skip image_checks_built "python3 not installed"
    exit 0
fi
L0="$WORK/l0" L1="$WORK/l1" L2="$WORK/l2"
mkdir -p "$L0/etc" "$L0/var/cache/apt/archives/partial" "$L0/var/lib/apt/lists/partial" \
    "$L0/usr/local/bin" "$L1/app" "$L1/root/.cache/pip/http-v2/a/b" "$L2/var/lib/apt"
cat >"$L0/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
app:x:1000:100::/home/app:/bin/sh
web:x:1001:100::/home/web:/bin/sh
P
# app: `usermod -p '' app`; web: `usermod -p "$(openssl passwd -6 -salt abcdefgh hunter2)"`
cat >"$L0/etc/shadow" <<'S'
root:*:20089:0:99999:7:::
daemon:*:20089:0:99999:7:::
bin:*:20089:0:99999:7:::
nobody:*:20089:0:99999:7:::
app::20794::::::
web:$6$abcdefgh$M/eYsB4rVXAm3ZNc88J.UD9rCKAT6FB1rahiwJCHtEndQNORCub5qhjxn50qbqVVthkM.9HpEwtf0t.iV9uH0/:20794::::::
S
printf 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nusers:x:100:\nnogroup:x:65534:\napp:x:1000:\nweb:x:1000:\n' >"$L0/etc/group"
chmod 640 "$L0/etc/shadow"
: >"$L0/var/cache/apt/archives/lock"
head -c 4000 /dev/urandom >"$L0/var/cache/apt/archives/curl_7.88.1-10+deb12u15_amd64.deb"
: >"$L0/var/lib/apt/lists/lock"
head -c 3000 /dev/urandom >"$L0/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease"
printf '#!/bin/sh\n' >"$L0/usr/local/bin/tool"
chmod 4755 "$L0/usr/local/bin/tool"
printf 'AWS_REGION=eu-west-1\n' >"$L1/app/.env"
head -c 6148 /dev/zero >"$L1/app/.DS_Store"
printf 'console.log(1)\n' >"$L1/app/server.js"
head -c 2048 /dev/urandom >"$L1/root/.cache/pip/http-v2/a/b/0123abcd"
have_git=0
if command -v git >/dev/null && git -C "$L1/app" init -q 2>/dev/null &&
    git -C "$L1/app" -c user.name=t -c user.email=t@example.com add server.js &&
    git -C "$L1/app" -c user.name=t -c user.email=t@example.com commit -qm init; then
    have_git=1
else
    skip "image checks built: .git" "git not installed: no repository in the image"
fi
: >"$L2/var/lib/apt/.wh.lists" # `rm -rf /var/lib/apt/lists` in a later step
make_docker_archive "$WORK/img.tar" "example.com/checks:1.0" "$L0" "$L1" "$L2"
for fmt in json table sarif; do
    if ! "$STRATA" image -q --format $fmt "$WORK/img.tar" >"$WORK/img.$fmt" 2>"$WORK/err"; then
        fail "image checks built: --format $fmt" "exit $?: $(cat "$WORK/err")"
        exit 0
    fi
done
if grep -l -e 'M/eYsB4r' -e 'abcdefgh' -e '\$6\$' "$WORK/img.json" "$WORK/img.table" "$WORK/img.sarif" >"$WORK/leak"; then
    fail "image checks built: no password hash in any output" "found in $(tr '\n' ' ' <"$WORK/leak")"
else
    pass "image checks built: no password hash in json, table, sarif"
fi
if out=$(python3 - "$WORK/img.json" "$have_git" <<'PY'
import json, sys
ms = json.load(open(sys.argv[1]))["misconfigurations"]
have_git = sys.argv[2] == "1"
errs = []
def get(id, path=None, evidence=None):
    return [m for m in ms if m["id"] == id and (path is None or m["path"] == path)
            and (evidence is None or m["evidence"] == evidence)]
def one(id, path=None, evidence=None, severity=None, layer=None, text=None):
    f = get(id, path, evidence)
    if len(f) != 1:
        errs.append("%s %s %s: %d findings" % (id, path, evidence, len(f)))
        return
    m = f[0]
    if severity and m["severity"] != severity:
        errs.append("%s %s: severity %s, want %s" % (id, path or evidence, m["severity"], severity))
    if layer is not None and m["layer_index"] != layer:
        errs.append("%s %s: layer %s, want %s" % (id, path or evidence, m["layer_index"], layer))
    if text and text not in m["message"]:
        errs.append("%s %s: %r not in %r" % (id, path or evidence, text, m["message"]))
one("DKL-LI-0001", "/etc/shadow", "/etc/shadow:5", "HIGH", 0, "account app (uid 1000)")
one("DKL-LI-0002", "/etc/group", "/etc/group:7", "LOW", 0, "gid 1000 is shared by 2 groups")
one("DKL-DI-0005", "/var/cache/apt/archives", None, "LOW", 0, "1 file, 4000 bytes")
one("DKL-DI-0005", "/root/.cache/pip", None, "LOW", 1, "1 file, 2048 bytes")
if get("DKL-DI-0005", "/var/lib/apt/lists"):
    errs.append("apt lists deleted in layer 2 still reported")
one("DKL-LI-0003", "/app/.env", None, "MEDIUM", 1)
one("DKL-LI-0003", "/app/.DS_Store", None, "LOW", 1)
if have_git:
    one("DKL-LI-0003", "/app/.git", None, "MEDIUM", 1, "Git repository /app/.git (")
n_unneeded = 3 if have_git else 2
if len(get("DKL-LI-0003")) != n_unneeded:
    errs.append("unnecessary files %s" % [m["path"] for m in get("DKL-LI-0003")])
one("CIS-DI-0008", "/usr/local/bin/tool", None, "HIGH", 0)
one("STRATA-DI-0004", None, "filesystem", "LOW", None,
    "The image has 1 setuid/setgid file (1 that no OS package owns)")
for id in ("STRATA-DI-0005",):
    if get(id):
        errs.append("unexpected %s" % id)
print("; ".join(errs))
sys.exit(1 if errs else 0)
PY
); then
    pass "image checks built: accounts, caches, unnecessary files, setuid summary"
else
    fail "image checks built: findings" "$out"
fi
# strata fs on the unpacked final filesystem: the account checks run, the left-behind ones not.
mkdir -p "$WORK/root"
for l in "$L0" "$L1"; do cp -a "$l/." "$WORK/root/"; done
rm -rf "$WORK/root/var/lib/apt/lists"
if "$STRATA" fs -q --format json "$WORK/root" >"$WORK/fs.json" 2>"$WORK/fs.err"; then
    if out=$(python3 - "$WORK/fs.json" <<'PY'
import json, sys
ids = [m["id"] for m in json.load(open(sys.argv[1]))["misconfigurations"]]
errs = []
for id in ("DKL-LI-0001", "DKL-LI-0002"):
    if ids.count(id) != 1:
        errs.append("%s: %d findings, want 1" % (id, ids.count(id)))
for id in ("DKL-DI-0005", "DKL-LI-0003", "CIS-DI-0001", "CIS-DI-0006"):
    if id in ids:
        errs.append("%s in a filesystem scan" % id)
print("; ".join(errs))
sys.exit(1 if errs else 0)
PY
    ); then
        pass "image checks built: strata fs keeps account checks, skips left-behind ones"
    else
        fail "image checks built: strata fs" "$out"
    fi
else
    fail "image checks built: strata fs" "exit $?: $(cat "$WORK/fs.err")"
fi
